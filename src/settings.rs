//! The resolved settings of one run: flags and config merged, model resolved.

use crate::diagnostic::Severity;
use crate::models::Model;
use crate::rules::Rule;
use crate::tokens::Engine;

#[derive(Clone, Debug)]
pub struct Settings {
    pub model: Model,
    pub lint_only: bool,
    pub engine: Engine,
    /// Diagnostics kept for display; 0 keeps all. Every finding is counted regardless.
    pub max_diagnostics: usize,
    pub deny_warnings: bool,
    /// Longer lines are FT009 and skipped while streaming, never held whole.
    pub max_line_bytes: usize,
    pub epochs: Option<u64>,
    pub requests: u64,
    pub few_shot: u64,
    /// Effective severity per rule (`Rule as usize`); None = rule off.
    severities: Vec<Option<Severity>>,
}

pub const DEFAULT_MAX_DIAGNOSTICS: usize = 200;
/// 160 MiB: ten 10 MiB images in base64 (4/3 × 100 MiB ≈ 140 MB) plus the JSON and
/// text of a record still fit; the provider's own per-file limits are far above.
pub const DEFAULT_MAX_LINE_BYTES: usize = 160 << 20;
pub const DEFAULT_REQUESTS: u64 = 1000;
pub const DEFAULT_FEW_SHOT: u64 = 3;

impl Settings {
    pub fn new(model: Model) -> Settings {
        Settings {
            model,
            lint_only: false,
            engine: Engine::Bpe,
            max_diagnostics: DEFAULT_MAX_DIAGNOSTICS,
            deny_warnings: false,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            epochs: None,
            requests: DEFAULT_REQUESTS,
            few_shot: DEFAULT_FEW_SHOT,
            severities: Rule::ALL
                .iter()
                .map(|r| Some(r.default_severity()))
                .collect(),
        }
    }

    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        self.severities[rule as usize]
    }

    /// `--select`: only these rules run (empty = all). `--ignore`: these do not.
    /// Rule-specific severities apply after.
    pub fn select_rules(&mut self, select: &[Rule], ignore: &[Rule]) {
        for r in Rule::ALL {
            let on = (select.is_empty() || select.contains(r)) && !ignore.contains(r);
            self.severities[*r as usize] = on.then(|| r.default_severity());
        }
    }

    pub fn set_severity(&mut self, rule: Rule, severity: Option<Severity>) {
        self.severities[rule as usize] = severity;
    }
}
