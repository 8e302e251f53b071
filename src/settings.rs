//! The resolved settings of one run: flags and config merged, model resolved.

use crate::models::{Method, Model};
use crate::providers::Provider;
use crate::registry::{Rule, Severity};
use crate::tokens::Engine;
use std::path::PathBuf;
use std::sync::Arc;

/// An open-weight model's own tokenizer and chat template, for counting.
#[derive(Clone)]
pub enum OpenWeight {
    /// Loaded from `dir`: the `--tokenizer-path` folder, or the model's snapshot in the
    /// local Hugging Face cache. `label` is what reports name as the encoding.
    Loaded {
        tokenizer: Arc<crate::hf::HfTokenizer>,
        label: String,
        dir: PathBuf,
    },
    /// The model's repo is not in the local Hugging Face cache: linting goes on, and the
    /// report says which command fetches it.
    Missing { repo: String, why: String },
}

impl std::fmt::Debug for OpenWeight {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenWeight::Loaded { label, dir, .. } => {
                write!(f, "Loaded({label} from {})", dir.display())
            }
            OpenWeight::Missing { repo, .. } => write!(f, "Missing({repo})"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub provider: Arc<Provider>,
    pub model: Model,
    /// The training method asked for; None: the file's records decide.
    pub method: Option<Method>,
    pub lint_only: bool,
    pub engine: Engine,
    /// Diagnostics kept for display; 0 keeps all. Every finding is counted regardless.
    pub max_diagnostics: usize,
    pub deny_warnings: bool,
    /// Longer lines are FT015 and skipped while streaming, never held whole.
    pub max_line_bytes: usize,
    pub epochs: Option<u64>,
    pub requests: u64,
    pub few_shot: u64,
    /// Read inputs that are symbolic links (`--no-follow-symlinks` turns it off).
    pub follow_symlinks: bool,
    /// The day the check is for (`--as-of`, default today): FT076 asks whether the model
    /// can be trained then. None (library callers): no lifecycle check.
    pub as_of: Option<String>,
    /// `--exit-zero`: findings never fail the run (ftlint's own failures still exit 2).
    pub exit_zero: bool,
    /// Set when the model counts with a Hugging Face tokenizer (see `OpenWeight`); None
    /// for OpenAI encodings and when linting only (the folder is not even read).
    pub open_weight: Option<OpenWeight>,
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
    /// Settings for `model` at `provider`, with the provider's default severities.
    pub fn new(provider: Arc<Provider>, model: Model) -> Settings {
        Settings {
            severities: Rule::ALL
                .iter()
                .map(|r| provider.default_severity(*r))
                .collect(),
            provider,
            model,
            method: None,
            lint_only: false,
            engine: Engine::Bpe,
            max_diagnostics: DEFAULT_MAX_DIAGNOSTICS,
            deny_warnings: false,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            epochs: None,
            requests: DEFAULT_REQUESTS,
            few_shot: DEFAULT_FEW_SHOT,
            follow_symlinks: true,
            as_of: None,
            exit_zero: false,
            open_weight: None,
        }
    }

    /// Settings for `model` (its default when None) at a built-in provider, as a run
    /// without flags or config would have them.
    pub fn for_model(provider: &str, model: Option<&str>) -> Result<Settings, String> {
        let p = Provider::builtin(provider)?;
        let m = p
            .catalog
            .resolve(model.unwrap_or(&p.default_model))?
            .clone();
        Ok(Settings::new(Arc::new(p), m))
    }

    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        self.severities[rule as usize]
    }

    /// `--select`: only these rules run (empty = all). `--ignore`: these do not.
    /// Rule-specific severities apply after.
    pub fn select_rules(&mut self, select: &[Rule], ignore: &[Rule]) {
        for r in Rule::ALL {
            let on = (select.is_empty() || select.contains(r)) && !ignore.contains(r);
            // A rule the provider turns off still runs when named in --select.
            self.severities[*r as usize] = if on {
                self.provider
                    .default_severity(*r)
                    .or_else(|| select.contains(r).then(|| r.default_severity()))
            } else {
                None
            };
        }
    }

    pub fn set_severity(&mut self, rule: Rule, severity: Option<Severity>) {
        self.severities[rule as usize] = severity;
    }
}
