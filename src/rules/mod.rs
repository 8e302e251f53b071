//! Every rule's logic, by scope: `line` (bytes and JSON), the record checks of each
//! format (`chat`, `preference`, `prompt_completion`, `text`, and `image` for image
//! parts), `file` (shape, formats, size) and `dataset` (minimum examples, duplicates,
//! overlap). Codes, names, severities and docs are in `crate::registry`. Checks report
//! through `LineCheck`, which applies the user's rule selection, counts every finding
//! and keeps the text of only as many as will be shown.

pub mod chat;
pub mod dataset;
pub mod file;
pub mod image;
pub mod lifecycle;
pub mod line;
pub mod preference;
pub mod prompt_completion;
pub mod secrets;
pub mod text;

pub use crate::registry::Rule;

use crate::diagnostic::{Diagnostic, Severity, Snippet, char_column};
use crate::locate::{Seg, Target, locate};
use crate::settings::Settings;
use std::sync::Arc;

/// Counted findings, and the diagnostics kept for display.
#[derive(Debug, Default)]
pub struct Findings {
    pub diags: Vec<Diagnostic>,
    /// Per rule (`Rule as usize`).
    pub per_rule: Vec<u64>,
    pub errors: u64,
    pub warnings: u64,
}

impl Findings {
    pub fn new() -> Findings {
        Findings {
            diags: Vec::new(),
            per_rule: vec![0; Rule::ALL.len()],
            errors: 0,
            warnings: 0,
        }
    }

    pub fn count(&mut self, rule: Rule, sev: Severity) {
        self.per_rule[rule as usize] += 1;
        match sev {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
    }

    /// Adds a finding that is made outside a line check (file and dataset rules).
    pub fn push(&mut self, d: Diagnostic) {
        self.count(d.rule, d.severity);
        self.diags.push(d);
    }

    /// Folds `other` in; diagnostics are sorted and cut to `cap` (0 = no cap).
    pub fn merge(&mut self, other: Findings, cap: usize) {
        for (a, b) in self.per_rule.iter_mut().zip(&other.per_rule) {
            *a += b;
        }
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.diags.extend(other.diags);
        self.sort_and_cap(cap);
    }

    pub fn sort_and_cap(&mut self, cap: usize) {
        self.diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        if cap > 0 && self.diags.len() > cap {
            self.diags.truncate(cap);
        }
    }
}

/// The checks of one line report here.
pub struct LineCheck<'a> {
    pub settings: &'a Settings,
    pub path: &'a Arc<str>,
    pub line_no: u64,
    /// The record text (no BOM, no line ending).
    pub text: &'a str,
    pub findings: &'a mut Findings,
    /// An enabled error-severity rule fired: the example is not valid.
    pub has_error: bool,
    /// False once enough diagnostics are held: findings are then only counted.
    pub keep_text: bool,
    /// Image parts seen in the record.
    pub images: u64,
}

impl LineCheck<'_> {
    /// Whether a rule is on; lets a check skip work whose result nobody wants.
    pub fn enabled(&self, rule: Rule) -> bool {
        self.settings.severity(rule).is_some()
    }

    /// Reports at the value (or key) found at `at` in the line.
    pub fn at(&mut self, rule: Rule, at: &[Seg], target: Target, message: String, help: String) {
        if self.settings.severity(rule).is_none() {
            return;
        }
        let (s, e) = if self.keep_text {
            locate(self.text, at, target).unwrap_or((0, self.text.len().min(1)))
        } else {
            (0, 0)
        };
        self.span(rule, s, e, message, help);
    }

    /// Reports at a byte range of the line.
    pub fn span(&mut self, rule: Rule, start: usize, end: usize, message: String, help: String) {
        let Some(severity) = self.settings.severity(rule) else {
            return;
        };
        if severity == Severity::Error {
            self.has_error = true;
        }
        if !self.keep_text {
            self.findings.count(rule, severity);
            return;
        }
        let column = char_column(self.text, start);
        let end_column = char_column(self.text, end.max(start)).max(column + 1);
        self.findings.push(Diagnostic {
            rule,
            severity,
            path: self.path.clone(),
            line: self.line_no,
            column,
            end_column,
            message,
            help,
            snippet: Some(Snippet::new(self.text, start, end)),
        });
    }
}

/// Path helpers: `key("messages")`, `idx(3)`.
pub fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

pub fn idx(i: usize) -> Seg {
    Seg::Index(i)
}
