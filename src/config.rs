//! Config files and the merge of config, flags and defaults into one `Settings`.
//!
//! A config is `ftlint.toml`, `.ftlint.toml`, or the `[tool.ftlint]` table of a
//! `pyproject.toml`, found by walking up from the first input's folder (the first folder
//! holding one wins; in a folder, that order). `--config PATH` names one; `--isolated`
//! ignores them all. Precedence: flags (and `FTLINT_FORMAT`) > config > defaults.
//!
//! ```toml
//! select = ["FT010", "FT020"]          # codes or names; default: every rule
//! ignore = ["no-system-message"]
//! model = "gpt-4o-mini"
//! models = "prices.toml"               # extra models, relative to this file
//! epochs = 3
//! requests = 10000
//! few-shot = 3
//! max-diagnostics = 500
//! deny-warnings = true
//! lint-only = false
//! tokenizer = "bpe"
//! format = "github"
//!
//! [severity]                           # "error", "warning" or "off"
//! FT053 = "error"
//! "no-user-message" = "off"
//! ```
//!
//! Extra models can also be written inline as `[[model]]` tables (the format of
//! models.toml). TOML cannot hold `model = "…"` beside `[[model]]` tables, so a config
//! that defines a model and also picks one writes its tables as `[[models]]`.

use crate::cli::{OutputFormat, SettingsArgs};
use crate::diagnostic::Severity;
use crate::models::{self, Catalog};
use crate::rules::Rule;
use crate::settings::Settings;
use crate::tokens::Engine;
use clap::ValueEnum;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// File names searched in each folder, in order.
pub const CONFIG_NAMES: [&str; 3] = ["ftlint.toml", ".ftlint.toml", "pyproject.toml"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityChoice {
    Error,
    Warning,
    Off,
}

impl SeverityChoice {
    fn to_severity(self) -> Option<Severity> {
        match self {
            SeverityChoice::Error => Some(Severity::Error),
            SeverityChoice::Warning => Some(Severity::Warning),
            SeverityChoice::Off => None,
        }
    }
}

/// The keys a config may hold; anything else is an error naming the key and the file.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    #[serde(default)]
    pub severity: BTreeMap<String, SeverityChoice>,
    /// A model name, or `[[model]]` tables of extra models.
    pub model: Option<toml::Value>,
    /// A models file (relative to the config file), or `[[models]]` tables.
    pub models: Option<toml::Value>,
    pub epochs: Option<u64>,
    pub requests: Option<u64>,
    pub few_shot: Option<u64>,
    pub max_diagnostics: Option<usize>,
    pub deny_warnings: Option<bool>,
    pub lint_only: Option<bool>,
    pub tokenizer: Option<String>,
    pub format: Option<String>,
}

/// `pyproject.toml`: only `[tool.ftlint]` is ours; every other key is someone else's.
#[derive(Deserialize)]
struct Pyproject {
    tool: Option<PyTool>,
}

#[derive(Deserialize)]
struct PyTool {
    ftlint: Option<Config>,
}

fn is_pyproject(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "pyproject.toml")
}

fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> String {
    crate::models::toml_error(text, &path.display().to_string(), "invalid config: ", e)
}

/// Reads one config file. `Ok(None)`: a pyproject.toml without `[tool.ftlint]`.
pub fn load(path: &Path) -> Result<Option<Config>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read config: {e}", path.display()))?;
    if is_pyproject(path) {
        let py: Pyproject = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
        Ok(py.tool.and_then(|t| t.ftlint))
    } else {
        toml::from_str(&text)
            .map(Some)
            .map_err(|e| toml_error(path, &text, &e))
    }
}

/// The first config found walking up from `start` (a folder).
pub fn discover(start: &Path) -> Result<Option<(PathBuf, Config)>, String> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in start.ancestors() {
        for name in CONFIG_NAMES {
            let candidate = dir.join(name);
            if !candidate.is_file() {
                continue;
            }
            if let Some(config) = load(&candidate)? {
                return Ok(Some((candidate, config)));
            }
        }
    }
    Ok(None)
}

/// Where the config search starts: the first input's folder (the current folder for
/// stdin or when there is no input).
fn search_start(files: &[String]) -> PathBuf {
    match files.first().map(String::as_str) {
        Some(f) if f != "-" => {
            let parent = Path::new(f).parent().unwrap_or(Path::new(""));
            if parent.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                parent.to_path_buf()
            }
        }
        _ => PathBuf::from("."),
    }
}

/// The settings of one run, and where they came from (for `ftlint config`).
pub struct Resolved {
    pub settings: Settings,
    pub format: OutputFormat,
    /// The config file used; None with the reason in `config_note`.
    pub config_path: Option<PathBuf>,
    pub config_note: &'static str,
    /// Where extra models were read from, in order.
    pub model_sources: Vec<String>,
}

fn parse_rules(list: &[String], origin: &str) -> Result<Vec<Rule>, String> {
    list.iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            Rule::from_code(s.trim()).ok_or_else(|| {
                format!("{origin}unknown rule `{s}`; `ftlint rule --all` lists them")
            })
        })
        .collect()
}

/// `[[model]]` tables as a models.toml text, so the catalog validates them as it does a file.
fn inline_models(
    tables: &[toml::Value],
    origin: &str,
    catalog: &mut Catalog,
) -> Result<(), String> {
    let mut doc = toml::Table::new();
    doc.insert("model".to_string(), toml::Value::Array(tables.to_vec()));
    let text = toml::to_string(&doc).map_err(|e| format!("{origin}: {e}"))?;
    // The catalog's `origin:line:col:` would count lines of the re-written text, not of
    // the config file: drop the position rather than point at the wrong line.
    catalog.extend_from_toml(&text, origin).map_err(|e| {
        let rest = e.strip_prefix(origin).unwrap_or(&e);
        let mut parts = rest.splitn(4, ':');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(""), Some(l), Some(c), Some(msg))
                if l.parse::<u32>().is_ok() && c.parse::<u32>().is_ok() =>
            {
                format!("{origin}:{msg}")
            }
            _ => e,
        }
    })
}

fn read_models_file(path: &Path, catalog: &mut Catalog) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read models file: {e}", path.display()))?;
    catalog.extend_from_toml(&text, &path.display().to_string())
}

/// Merges config (unless `--isolated`) and flags into settings; `files` are the inputs.
pub fn resolve(args: &SettingsArgs, files: &[String]) -> Result<Resolved, String> {
    let (config_path, config, config_note) = if args.isolated {
        (None, Config::default(), "none (--isolated)")
    } else if let Some(p) = &args.config {
        match load(p)? {
            Some(c) => (Some(p.clone()), c, "given with --config"),
            None => return Err(format!("{}: has no [tool.ftlint] table", p.display())),
        }
    } else {
        match discover(&search_start(files))? {
            Some((p, c)) => (Some(p), c, "found from the first input's folder upward"),
            None => (None, Config::default(), "none found"),
        }
    };
    let origin = config_path
        .as_ref()
        .map_or(String::new(), |p| format!("{}: ", p.display()));
    let config_dir = config_path
        .as_ref()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();

    // Catalog: built-in, then the config's models, then --models (the last word wins).
    let mut catalog = Catalog::builtin();
    let mut model_sources = Vec::new();
    let mut config_model: Option<String> = None;
    match &config.models {
        None => {}
        Some(toml::Value::String(rel)) => {
            let path = config_dir.join(rel);
            read_models_file(&path, &mut catalog)?;
            model_sources.push(path.display().to_string());
        }
        Some(toml::Value::Array(tables)) => {
            let o = format!("{} [[models]] tables", origin.trim_end_matches(": "));
            inline_models(tables, &o, &mut catalog)?;
            model_sources.push(o);
        }
        Some(_) => {
            return Err(format!(
                "{origin}`models` must be a file path or [[models]] tables"
            ));
        }
    }
    match &config.model {
        None => {}
        Some(toml::Value::String(name)) => config_model = Some(name.clone()),
        Some(toml::Value::Array(tables)) => {
            let o = format!("{} [[model]] tables", origin.trim_end_matches(": "));
            inline_models(tables, &o, &mut catalog)?;
            model_sources.push(o);
        }
        Some(_) => {
            return Err(format!(
                "{origin}`model` must be a model name or [[model]] tables"
            ));
        }
    }
    if let Some(p) = &args.models {
        read_models_file(p, &mut catalog)?;
        model_sources.push(p.display().to_string());
    }
    let model = match (&args.model, &config_model) {
        (Some(name), _) => catalog.resolve(name)?,
        // Name the file: the user did not type this model on the command line.
        (None, Some(name)) => catalog
            .resolve(name)
            .map_err(|e| format!("{origin}`model`: {e}"))?,
        (None, None) => catalog.resolve(models::DEFAULT_MODEL)?,
    }
    .clone();

    let mut settings = Settings::new(model);
    settings.lint_only = args.lint_only || config.lint_only.unwrap_or(false);
    settings.deny_warnings = args.deny_warnings || config.deny_warnings.unwrap_or(false);
    settings.engine = match (args.tokenizer, &config.tokenizer) {
        (Some(e), _) => e,
        (None, Some(name)) => Engine::from_str(name, true).map_err(|_| {
            format!("{origin}unknown tokenizer `{name}` (expected `bpe` or `tiktoken`)")
        })?,
        (None, None) => Engine::Bpe,
    };
    settings.max_line_bytes = args
        .max_line_bytes
        .unwrap_or(crate::settings::DEFAULT_MAX_LINE_BYTES);
    settings.max_diagnostics = args
        .max_diagnostics
        .or(config.max_diagnostics)
        .unwrap_or(crate::settings::DEFAULT_MAX_DIAGNOSTICS);
    if config.epochs == Some(0) && args.epochs.is_none() {
        return Err(format!("{origin}`epochs` must be at least 1"));
    }
    settings.epochs = args.epochs.or(config.epochs);
    settings.requests = args
        .requests
        .or(config.requests)
        .unwrap_or(crate::settings::DEFAULT_REQUESTS);
    settings.few_shot = args
        .few_shot
        .or(config.few_shot)
        .unwrap_or(crate::settings::DEFAULT_FEW_SHOT);

    // A flag replaces the config's list rather than adding to it: what is on the
    // command line is what runs.
    let select = match &args.select {
        Some(list) => parse_rules(list, "--select: ")?,
        None => parse_rules(config.select.as_deref().unwrap_or(&[]), &origin)?,
    };
    let ignore = match &args.ignore {
        Some(list) => parse_rules(list, "--ignore: ")?,
        None => parse_rules(config.ignore.as_deref().unwrap_or(&[]), &origin)?,
    };
    settings.select_rules(&select, &ignore);
    // Severity overrides change rules that are on; they do not bring back a rule that
    // select/ignore turned off ("off" turns one off).
    for (key, choice) in &config.severity {
        let rule = Rule::from_code(key).ok_or_else(|| {
            format!("{origin}[severity]: unknown rule `{key}`; `ftlint rule --all` lists them")
        })?;
        if settings.severity(rule).is_some() {
            settings.set_severity(rule, choice.to_severity());
        }
    }

    let format = match (args.format, &config.format) {
        (Some(f), _) => f,
        (None, Some(name)) => OutputFormat::from_str(name, true).map_err(|_| {
            let names: Vec<&str> = OutputFormat::value_variants()
                .iter()
                .map(|f| f.name())
                .collect();
            format!(
                "{origin}unknown format `{name}` (expected one of {})",
                names.join(", ")
            )
        })?,
        (None, None) => OutputFormat::Human,
    };

    Ok(Resolved {
        settings,
        format,
        config_path,
        config_note,
        model_sources,
    })
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// `ftlint config`: the resolved settings as TOML (a valid config file, with comments).
pub fn render(r: &Resolved) -> String {
    let s = &r.settings;
    let mut out = String::new();
    match &r.config_path {
        Some(p) => {
            let _ = writeln!(out, "# config file: {} ({})", p.display(), r.config_note);
        }
        None => {
            let _ = writeln!(out, "# config file: {}", r.config_note);
        }
    }
    if r.model_sources.is_empty() {
        let _ = writeln!(out, "# models: built-in catalog");
    } else {
        let _ = writeln!(
            out,
            "# models: built-in catalog, then {}",
            r.model_sources.join(", then ")
        );
    }
    let _ = writeln!(out, "format = {}", toml_str(r.format.name()));
    let _ = writeln!(
        out,
        "model = {}  # prices as of {}",
        toml_str(&s.model.id),
        s.model.prices_as_of
    );
    match s.epochs {
        Some(n) => {
            let _ = writeln!(out, "epochs = {n}");
        }
        None => {
            let _ = writeln!(
                out,
                "# epochs: the provider's default for the number of examples"
            );
        }
    }
    let _ = writeln!(out, "requests = {}", s.requests);
    let _ = writeln!(out, "few-shot = {}", s.few_shot);
    let _ = writeln!(out, "max-diagnostics = {}", s.max_diagnostics);
    let _ = writeln!(out, "deny-warnings = {}", s.deny_warnings);
    let _ = writeln!(out, "lint-only = {}", s.lint_only);
    let _ = writeln!(out, "tokenizer = {}", toml_str(s.engine.as_str()));
    let _ = writeln!(out, "\n[severity]");
    for rule in Rule::ALL {
        let sev = s.severity(*rule).map_or("off", |x| x.as_str());
        let _ = writeln!(
            out,
            "{} = {:<10} # {}",
            rule.code(),
            toml_str(sev),
            rule.name()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_rejected_with_the_key() {
        let e = toml::from_str::<Config>("selct = []\n").unwrap_err();
        assert!(e.message().contains("selct"), "{}", e.message());
    }

    #[test]
    fn pyproject_other_tools_are_ignored() {
        let py: Pyproject = toml::from_str(
            "[project]\nname = 'x'\n[tool.ruff]\nline-length = 1\n[tool.ftlint]\nepochs = 2\n",
        )
        .unwrap();
        assert_eq!(py.tool.unwrap().ftlint.unwrap().epochs, Some(2));
    }

    #[test]
    fn severity_values() {
        let c: Config =
            toml::from_str("[severity]\nFT053 = \"error\"\n\"no-user-message\" = \"off\"\n")
                .unwrap();
        assert_eq!(c.severity["FT053"], SeverityChoice::Error);
        assert_eq!(c.severity["no-user-message"], SeverityChoice::Off);
        assert!(toml::from_str::<Config>("[severity]\nFT053 = \"fatal\"\n").is_err());
    }
}
