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

use crate::diagnostic::{Diagnostic, Severity, Snippet, floor_boundary};
use crate::locate::{Seg, Target, locate_all};
use crate::settings::Settings;
use rustc_hash::FxHashMap;
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

/// The checks of one line report here. Findings are counted at once; those that may be
/// shown wait until the line is done (`LineCheck` is dropped), when all their paths are
/// located in one pass and only as many as the display cap can use are kept.
pub struct LineCheck<'a> {
    pub settings: &'a Settings,
    pub path: &'a Arc<str>,
    pub line_no: u64,
    /// The record text (no BOM, no line ending).
    pub text: &'a str,
    pub findings: &'a mut Findings,
    /// An enabled error-severity rule fired: the example is not valid.
    pub has_error: bool,
    /// Image parts seen in the record.
    pub images: u64,
    /// How many more diagnostics this line may add to those kept (`usize::MAX`: no
    /// cap). At 0 findings are only counted: nothing is located or built.
    room: usize,
    pending: Vec<Pending>,
    /// Pending findings at which their paths are located early and the list cut to
    /// `room`, so memory follows the cap, not the number of findings (see `push`).
    compact_at: usize,
}

struct Pending {
    rule: Rule,
    severity: Severity,
    at: Where,
    message: String,
    help: String,
}

enum Where {
    Span(usize, usize),
    Path(Vec<Seg>, Target),
}

impl<'a> LineCheck<'a> {
    pub fn new(
        settings: &'a Settings,
        path: &'a Arc<str>,
        line_no: u64,
        text: &'a str,
        findings: &'a mut Findings,
        room: usize,
    ) -> LineCheck<'a> {
        LineCheck {
            settings,
            path,
            line_no,
            text,
            findings,
            has_error: false,
            images: 0,
            room,
            pending: Vec::new(),
            // Each early pass costs one scan of the line; starting one only after
            // line/256 findings keeps the passes per line under a small constant (a
            // finding needs over 16 bytes of line) while pending memory stays about
            // the size of the line.
            compact_at: room.saturating_mul(2).max(1024).max(text.len() / 256),
        }
    }

    /// Whether a rule is on; lets a check skip work whose result nobody wants.
    pub fn enabled(&self, rule: Rule) -> bool {
        self.settings.severity(rule).is_some()
    }

    /// Reports at the value (or key) found at `at` in the line.
    pub fn at(&mut self, rule: Rule, at: &[Seg], target: Target, message: String, help: String) {
        self.push(rule, || Where::Path(at.to_vec(), target), message, help);
    }

    /// Reports at a byte range of the line.
    pub fn span(&mut self, rule: Rule, start: usize, end: usize, message: String, help: String) {
        self.push(rule, || Where::Span(start, end), message, help);
    }

    fn push(&mut self, rule: Rule, at: impl FnOnce() -> Where, message: String, help: String) {
        let Some(severity) = self.settings.severity(rule) else {
            return;
        };
        if severity == Severity::Error {
            self.has_error = true;
        }
        self.findings.count(rule, severity);
        if self.room == 0 {
            return;
        }
        self.pending.push(Pending {
            rule,
            severity,
            at: at(),
            message,
            help,
        });
        if self.pending.len() >= self.compact_at && self.room < self.pending.len() {
            self.locate_pending();
            self.keep_first(self.room);
        }
    }

    /// Turns every pending path into a byte range, in one pass over the line.
    fn locate_pending(&mut self) {
        let wanted: Vec<(&[Seg], Target)> = self
            .pending
            .iter()
            .filter_map(|p| match &p.at {
                Where::Path(path, target) => Some((path.as_slice(), *target)),
                Where::Span(..) => None,
            })
            .collect();
        if wanted.is_empty() {
            return;
        }
        let found = locate_all(self.text, &wanted);
        let fallback = (0, self.text.len().min(1));
        let mut found = found.into_iter();
        for p in &mut self.pending {
            if matches!(p.at, Where::Path(..)) {
                let (s, e) = found.next().flatten().unwrap_or(fallback);
                p.at = Where::Span(s, e);
            }
        }
    }

    /// Keeps the `n` findings that sort first (by column, then code; ties in the order
    /// found, as the final stable sort would leave them).
    fn keep_first(&mut self, n: usize) {
        if self.pending.len() <= n {
            return;
        }
        let start = |p: &Pending| match p.at {
            Where::Span(s, _) => s,
            Where::Path(..) => unreachable!("located before cutting"),
        };
        self.pending
            .sort_by(|a, b| (start(a), a.rule.code()).cmp(&(start(b), b.rule.code())));
        self.pending.truncate(n);
    }

    /// Builds the kept findings' diagnostics: columns of all of them in one pass.
    fn finish(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.locate_pending();
        self.keep_first(self.room);
        let pending = std::mem::take(&mut self.pending);
        let text = self.text;
        let clamp = |i: usize| floor_boundary(text, i.min(text.len()));
        let spans: Vec<(usize, usize)> = pending
            .iter()
            .map(|p| match p.at {
                Where::Span(s, e) => (clamp(s), clamp(e.max(s))),
                Where::Path(..) => unreachable!("located above"),
            })
            .collect();
        let columns = char_columns(text, spans.iter().flat_map(|&(s, e)| [s, e]));
        for (p, (s, e)) in pending.into_iter().zip(spans) {
            let column = columns[&s];
            let end_column = columns[&e].max(column + 1);
            self.findings.diags.push(Diagnostic {
                rule: p.rule,
                severity: p.severity,
                path: self.path.clone(),
                line: self.line_no,
                column,
                end_column,
                message: p.message,
                help: p.help,
                snippet: Some(Snippet::new(text, s, e)),
            });
        }
    }
}

impl Drop for LineCheck<'_> {
    /// A line's checks end at many early returns; building its diagnostics on drop
    /// means none of them can forget to.
    fn drop(&mut self) {
        self.finish();
    }
}

/// 1-based character columns of byte offsets (on char boundaries), in one pass over the
/// line however many offsets there are.
fn char_columns(text: &str, offsets: impl Iterator<Item = usize>) -> FxHashMap<usize, u64> {
    let mut sorted: Vec<usize> = offsets.collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut columns = FxHashMap::default();
    let (mut at, mut column) = (0usize, 1u64);
    for o in sorted {
        column += text[at..o].chars().count() as u64;
        at = o;
        columns.insert(o, column);
    }
    columns
}

/// Path helpers: `key("messages")`, `idx(3)`.
pub fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

pub fn idx(i: usize) -> Seg {
    Seg::Index(i)
}
