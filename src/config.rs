//! Config files and the merge of config, flags and defaults into one `Settings`.
//!
//! A config is `ftlint.toml`, `.ftlint.toml`, or the `[tool.ftlint]` table of a
//! `pyproject.toml`. One config governs a whole run: the search starts in the folder
//! that holds every input (their common ancestor, the current folder for stdin) and
//! walks up (the first folder holding one wins; in a folder, that order), stopping at
//! the repository root (the folder holding `.git`). A config deeper than that folder
//! would govern files outside its own folder, so it is not used, and the run says so.
//! `--config PATH` names one; `--isolated` ignores them all. Precedence: flags (and
//! `FTLINT_FORMAT`) > config > defaults.
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
//! tokenizer-path = "tokenizers/qwen3"  # a Hugging Face tokenizer folder, relative to this file
//! format = "github"
//!
//! [severity]                           # "error", "warning" or "off"
//! FT053 = "error"
//! "no-user-message" = "off"
//! ```
//!
//! Extra models can also be written inline as `[[model]]` tables (the format of
//! providers/*.toml). TOML cannot hold `model = "…"` beside `[[model]]` tables, so a config
//! that defines a model and also picks one writes its tables as `[[models]]`.

use crate::cli::{OutputFormat, SettingsArgs};
use crate::diagnostic::Severity;
use crate::hf::HfTokenizer;
use crate::models::{Catalog, Method, Model, TokenizerSpec};
use crate::providers::Provider;
use crate::rules::Rule;
use crate::settings::{OpenWeight, Settings};
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
    /// A Hugging Face tokenizer folder (relative to the config file).
    pub tokenizer_path: Option<PathBuf>,
    pub format: Option<String>,
    /// A provider id (`openai`, `azure`, `together`, `fireworks`, `mistral`).
    pub provider: Option<String>,
    /// `sft` or `dpo`.
    pub method: Option<String>,
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
    // A regular file under the data-file cap: a config that is a FIFO or /dev/zero
    // must not hang the run or fill memory. The message starts with the path, like
    // every other error about a path.
    let text = crate::providers::read_small_file(path)?;
    if is_pyproject(path) {
        let py: Pyproject = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
        Ok(py.tool.and_then(|t| t.ftlint))
    } else {
        toml::from_str(&text)
            .map(Some)
            .map_err(|e| toml_error(path, &text, &e))
    }
}

/// A repository root holds `.git` (a folder, or a file in a worktree or submodule).
fn is_repo_root(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(".git")).is_ok()
}

/// The first config in `dir` (in `CONFIG_NAMES` order).
fn config_in(dir: &Path) -> Result<Option<(PathBuf, Config)>, String> {
    for name in CONFIG_NAMES {
        let candidate = dir.join(name);
        if !candidate.is_file() {
            continue;
        }
        if let Some(config) = load(&candidate)? {
            return Ok(Some((candidate, config)));
        }
    }
    Ok(None)
}

/// The first config found walking up from `start` (a folder), up to and including the
/// repository root: a folder above the checkout belongs to someone else (the runner's
/// home, a parent project), and nothing in the pull request should depend on it.
/// Outside any repository the search goes up to the file-system root.
pub fn discover(start: &Path) -> Result<Option<(PathBuf, Config)>, String> {
    let start = folder(start);
    for dir in start.ancestors() {
        if let Some(found) = config_in(dir)? {
            return Ok(Some(found));
        }
        if is_repo_root(dir) {
            break;
        }
    }
    Ok(None)
}

/// A folder as an absolute path with links and `..` resolved (as given when it does not
/// exist), so that inputs' folders can be compared.
fn folder(dir: &Path) -> PathBuf {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf())
}

/// The folder of each input (the current folder for stdin), resolved.
fn input_folders(files: &[&std::ffi::OsStr]) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = files
        .iter()
        .map(|f| {
            if *f == "-" {
                folder(Path::new("."))
            } else {
                folder(Path::new(f).parent().unwrap_or(Path::new("")))
            }
        })
        .collect();
    if folders.is_empty() {
        folders.push(folder(Path::new(".")));
    }
    folders.sort();
    folders.dedup();
    folders
}

/// Where the config search starts: the deepest folder holding every input. With the
/// first input's folder instead, a new folder that sorts first (`aaa/ftlint.toml`)
/// would govern every other file of the run.
fn search_start(folders: &[PathBuf]) -> PathBuf {
    let mut common = folders[0].clone();
    for f in &folders[1..] {
        while !f.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    common
}

/// Configs nearer to some input than the run's own, which the run does not use: below
/// `start`, in the folders between an input and `start`.
fn unused_configs(folders: &[PathBuf], start: &Path) -> Vec<PathBuf> {
    let mut unused = Vec::new();
    for f in folders {
        for dir in f
            .ancestors()
            .take_while(|d| *d != start && d.starts_with(start))
        {
            // A config that does not even parse is not used either; the run does not
            // fail over a file it would not read.
            if let Ok(Some((p, _))) = config_in(dir) {
                unused.push(p);
                break;
            }
        }
    }
    unused.sort();
    unused.dedup();
    unused
}

/// `path` relative to the current folder when it is inside it: what people typed.
fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = folder(Path::new("."));
    match path.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

/// The settings of one run, and where they came from (for `ftlint config`).
pub struct Resolved {
    pub settings: Settings,
    pub format: OutputFormat,
    /// The config file used; None with the reason in `config_note`.
    pub config_path: Option<PathBuf>,
    pub config_note: &'static str,
    /// Configs nearer to some input than the run's config, not used (see the module doc).
    pub unused_configs: Vec<PathBuf>,
    /// Where extra models were read from, in order.
    pub model_sources: Vec<String>,
}

impl Resolved {
    /// The config file for reports: its path as display-ready text (None: no config).
    pub fn config_shown(&self) -> Option<String> {
        self.config_path
            .as_ref()
            .map(|p| crate::display::os_str(p.as_os_str()).into_owned())
    }
}

fn parse_rules(list: &[String], origin: &str) -> Result<Vec<Rule>, String> {
    let mut rules = Vec::new();
    for s in list.iter().filter(|s| !s.trim().is_empty()) {
        rules.extend(rules_named(s).map_err(|e| format!("{origin}{e}"))?);
    }
    Ok(rules)
}

/// A rule by code or name, or every rule whose code starts with a prefix (`FT05`: the
/// FT050–FT059 record rules). An unknown name gets the closest names as suggestions.
pub fn rules_named(spec: &str) -> Result<Vec<Rule>, String> {
    let spec = spec.trim();
    if let Some(r) = Rule::from_code(spec) {
        return Ok(vec![r]);
    }
    let upper = spec.to_ascii_uppercase();
    if upper.len() >= 3 && upper.starts_with("FT") && upper[2..].bytes().all(|b| b.is_ascii_digit())
    {
        let matched: Vec<Rule> = Rule::ALL
            .iter()
            .copied()
            .filter(|r| r.code().starts_with(&upper))
            .collect();
        if !matched.is_empty() {
            return Ok(matched);
        }
    }
    let wanted = spec.to_ascii_lowercase();
    let mut close: Vec<(usize, &str)> = Rule::ALL
        .iter()
        .flat_map(|r| [r.name(), r.code()])
        .map(|c| {
            (
                crate::models::levenshtein(&wanted, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|&(d, c)| d <= (c.len() / 4).max(2))
        .collect();
    close.sort_by_key(|&(d, _)| d);
    let hint = match close.first() {
        Some((_, c)) => format!("; did you mean `{c}`?"),
        None => "; `ftlint rule --all` lists them".to_string(),
    };
    Err(format!("unknown rule `{spec}`{hint}"))
}

/// `[[model]]` tables as a models file text, so the catalog validates them as it does a file.
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
    let text = crate::providers::read_small_file(path).map_err(|e| format!("models file {e}"))?;
    catalog.extend_from_toml(&text, &path.display().to_string())
}

/// Merges config (unless `--isolated`) and flags into settings; `files` are the inputs
/// (the validation file, from `args`, is one too).
pub fn resolve(
    args: &SettingsArgs,
    files: &[impl AsRef<std::ffi::OsStr>],
) -> Result<Resolved, String> {
    let mut unused = Vec::new();
    let (config_path, config, config_note) = if args.isolated {
        (None, Config::default(), "none (--isolated)")
    } else if let Some(p) = &args.config {
        match load(p)? {
            Some(c) => (Some(p.clone()), c, "given with --config"),
            None => return Err(format!("{}: has no [tool.ftlint] table", p.display())),
        }
    } else {
        let inputs: Vec<&std::ffi::OsStr> = files
            .iter()
            .map(AsRef::as_ref)
            .chain(args.validation_file.as_deref())
            .collect();
        let folders = input_folders(&inputs);
        let start = search_start(&folders);
        unused = unused_configs(&folders, &start)
            .iter()
            .map(|p| relative_to_cwd(p))
            .collect();
        match discover(&start)? {
            Some((p, c)) => (
                Some(relative_to_cwd(&p)),
                c,
                "found upward from the folder holding every input",
            ),
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

    let provider = match (&args.provider, &config.provider) {
        (Some(id), _) => Provider::load(id)?,
        (None, Some(id)) => {
            Provider::builtin(id).map_err(|e| format!("{origin}`provider`: {e}"))?
        }
        (None, None) => Provider::builtin(crate::providers::DEFAULT_PROVIDER)?,
    };
    // Catalog: the provider's, then the config's models, then --models (the last word wins).
    let mut catalog = provider.catalog.clone();
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
    let as_of = match &args.as_of {
        Some(d) => crate::models::parse_date(d).map_err(|e| format!("--as-of: {e}"))?,
        None => crate::models::today_utc(),
    };
    let tokenizer_dir = match (&args.tokenizer_path, &config.tokenizer_path) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(rel)) => Some(config_dir.join(rel)),
        (None, None) => None,
    };
    // With a tokenizer folder any model can be counted: one the catalog lacks (or none
    // named) is that folder's model, with exact tokens and no prices.
    let unpriced = |name: &str, dir: &Path| Model::unpriced(name, dir);
    let model = match (&args.model, &config_model, &tokenizer_dir) {
        (Some(name), _, Some(dir)) if catalog.resolve(name).is_err() => unpriced(name, dir),
        (Some(name), _, _) => catalog.resolve(name)?.clone(),
        (None, Some(name), Some(dir)) if catalog.resolve(name).is_err() => unpriced(name, dir),
        // Name the file: the user did not type this model on the command line.
        (None, Some(name), _) => catalog
            .resolve(name)
            .map_err(|e| format!("{origin}`model`: {e}"))?
            .clone(),
        (None, None, Some(dir)) => unpriced(&folder_name(dir), dir),
        (None, None, None) => provider.default_model_in(&catalog, Some(&as_of))?.clone(),
    };

    let method =
        match (args.method, &config.method) {
            (Some(m), _) => Some(m),
            (None, Some(name)) => Some(Method::from_str(name, true).map_err(|_| {
                format!("{origin}unknown method `{name}` (expected `sft` or `dpo`)")
            })?),
            (None, None) => None,
        };
    let mut provider = provider;
    provider.catalog = catalog;
    let mut settings = Settings::new(std::sync::Arc::new(provider), model);
    settings.method = method;
    settings.lint_only = args.lint_only || config.lint_only.unwrap_or(false);
    settings.deny_warnings = args.deny_warnings || config.deny_warnings.unwrap_or(false);
    // A flag only: a config in the pull request must not be able to turn it off.
    settings.follow_symlinks = !args.no_follow_symlinks;
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
    if let (Some(n), Some(max)) = (settings.epochs, settings.provider.max_epochs)
        && n > max
    {
        let from = if args.epochs.is_some() {
            "--epochs: ".to_string()
        } else {
            format!("{origin}`epochs`: ")
        };
        return Err(format!(
            "{from}{} trains 1 to {max} epochs, not {n}",
            settings.provider.name
        ));
    }
    settings.as_of = Some(as_of);
    settings.exit_zero = args.exit_zero;
    // Loaded once here, so a broken folder is exit 2 before any input is read; not at
    // all when linting only.
    if !settings.lint_only {
        settings.open_weight = open_weight(tokenizer_dir.as_deref(), &settings.model)?;
        // A model known only by its folder takes the folder's context length, read by
        // the load above (after its files were checked to be regular files).
        if !settings.model.priced
            && let Some(OpenWeight::Loaded { tokenizer, .. }) = &settings.open_weight
            && let Some(n) = tokenizer.model_max_length()
        {
            settings.model.token_limit = n;
        }
    }
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
        unused_configs: unused,
        model_sources,
    })
}

/// The tokenizer a run counts with when it is not an OpenAI encoding: the folder given,
/// else the model's snapshot in the local Hugging Face cache (Missing when absent).
fn open_weight(dir: Option<&Path>, model: &Model) -> Result<Option<OpenWeight>, String> {
    let load = |dir: &Path, label: String| {
        refuse_odd_tokenizer_files(dir)?;
        let tokenizer = HfTokenizer::load(dir).map_err(|e| e.to_string())?;
        refuse_runaway_template(&tokenizer)?;
        Ok(Some(OpenWeight::Loaded {
            tokenizer: std::sync::Arc::new(tokenizer),
            label,
            dir: dir.to_path_buf(),
        }))
    };
    match (dir, &model.tokenizer) {
        (Some(dir), _) => load(dir, dir.display().to_string()),
        (None, TokenizerSpec::HuggingFace(repo)) => match crate::hf::find_in_hf_cache(repo) {
            Ok(snapshot) => load(&snapshot, format!("hf:{repo}")),
            Err(why) => Ok(Some(OpenWeight::Missing {
                repo: repo.clone(),
                why,
            })),
        },
        (None, _) => Ok(None),
    }
}

/// The largest tokenizer file read (real ones are 2–35 MB; Gemma 3's is the largest
/// seen), so a folder named by an untrusted config cannot make ftlint read without end.
const MAX_TOKENIZER_FILE: u64 = 512 << 20;

/// A tokenizer folder may come from a config in a pull request: each file ftlint would
/// read must be a regular file (not a FIFO or a device, which would block or never end)
/// of a sane size. Links are followed, as `huggingface_hub`'s snapshots are links.
fn refuse_odd_tokenizer_files(dir: &Path) -> Result<(), String> {
    let mut files = vec![
        dir.join("tokenizer.json"),
        dir.join("tokenizer_config.json"),
        dir.join("chat_template.jinja"),
    ];
    if let Ok(entries) = std::fs::read_dir(dir.join("additional_chat_templates")) {
        files.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
    }
    for f in files {
        let Ok(meta) = std::fs::metadata(&f) else {
            continue; // missing: HfTokenizer::load says what it needed
        };
        if !meta.is_file() {
            return Err(format!("{}: not a regular file", f.display()));
        }
        if meta.len() > MAX_TOKENIZER_FILE {
            return Err(format!(
                "{}: {} bytes, over the {} MiB a tokenizer file may take",
                f.display(),
                meta.len(),
                MAX_TOKENIZER_FILE >> 20
            ));
        }
    }
    Ok(())
}

/// A template whose work does not depend on the record (loops over huge ranges) would
/// spend its whole budget on every record: it is refused once, on a three-message
/// conversation, instead of costing every record a fraction of a second.
fn refuse_runaway_template(tokenizer: &HfTokenizer) -> Result<(), String> {
    if !tokenizer.has_chat_template() {
        return Ok(());
    }
    let probe: crate::record::Json = serde_json::from_str(
        r#"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]}"#,
    )
    .expect("a valid probe");
    match tokenizer.render_chat(&probe) {
        Err(e) if e.contains("ran out of fuel") => Err(format!(
            "{}: the chat template does not finish on a three-message conversation (it ran out of fuel: {} steps); ftlint will not run it",
            tokenizer.dir().display(),
            crate::hf::template::TEMPLATE_FUEL
        )),
        _ => Ok(()),
    }
}

/// A folder's own name (`qwen3` for `../tokenizers/qwen3/`), for a model named by it.
fn folder_name(dir: &Path) -> String {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    abs.components()
        .rev()
        .find_map(|c| match c {
            std::path::Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .unwrap_or_else(|| dir.display().to_string())
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
            // Paths are display text: a newline in a folder name would end the comment.
            let shown = crate::display::os_str(p.as_os_str());
            let shown = crate::display::path(&shown);
            let _ = writeln!(out, "# config file: {shown} ({})", r.config_note);
        }
        None => {
            let _ = writeln!(out, "# config file: {}", r.config_note);
        }
    }
    for p in &r.unused_configs {
        let shown = crate::display::os_str(p.as_os_str());
        let _ = writeln!(
            out,
            "# not used: {} (nearer to some inputs; one config governs a run)",
            crate::display::path(&shown)
        );
    }
    if r.model_sources.is_empty() {
        let _ = writeln!(out, "# models: built-in catalog");
    } else {
        let _ = writeln!(
            out,
            "# models: built-in catalog, then {}",
            crate::display::path(&r.model_sources.join(", then "))
        );
    }
    let _ = writeln!(out, "format = {}", toml_str(r.format.name()));
    let _ = writeln!(out, "provider = {}", toml_str(&s.provider.id));
    if let Some(m) = s.method {
        let _ = writeln!(out, "method = {}", toml_str(m.as_str()));
    }
    let _ = writeln!(
        out,
        "model = {}  # prices as of {}",
        toml_str(&s.model.id),
        crate::display::text(&s.model.prices_as_of)
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
    if let Some(d) = &s.as_of {
        let _ = writeln!(out, "# as of {d} (--as-of or FTLINT_AS_OF; default today)");
    }
    let _ = writeln!(out, "requests = {}", s.requests);
    let _ = writeln!(out, "few-shot = {}", s.few_shot);
    let _ = writeln!(out, "max-diagnostics = {}", s.max_diagnostics);
    let _ = writeln!(out, "deny-warnings = {}", s.deny_warnings);
    let _ = writeln!(out, "lint-only = {}", s.lint_only);
    let _ = writeln!(out, "tokenizer = {}", toml_str(s.engine.as_str()));
    match &s.open_weight {
        Some(OpenWeight::Loaded { dir, label, .. }) => {
            let dir = toml_str(&dir.display().to_string());
            if label.starts_with("hf:") {
                let _ = writeln!(
                    out,
                    "# tokenizer-path = {dir}  # {label}, found in the Hugging Face cache"
                );
            } else {
                let _ = writeln!(out, "tokenizer-path = {dir}");
            }
        }
        Some(OpenWeight::Missing { repo, .. }) => {
            let _ = writeln!(
                out,
                "# tokenizer-path: hf:{repo} is not in the Hugging Face cache; tokens are not counted"
            );
        }
        None => {}
    }
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
