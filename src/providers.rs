//! Provider profiles: what a provider accepts, its limits and its models, as data.
//!
//! One TOML file per provider in `providers/` (keys in `providers/README.md`), embedded
//! at build time. Adding a provider is a new file and a row in [`BUILTIN`]; no check,
//! format or renderer changes.

use crate::formats::{self, FormatId};
use crate::models::{Catalog, Method, Model, RawModel, Training, levenshtein, toml_error};
use crate::registry::{Rule, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Every built-in provider: id and its data file.
pub const BUILTIN: &[(&str, &str)] = &[
    ("openai", include_str!("../providers/openai.toml")),
    ("azure", include_str!("../providers/azure.toml")),
    ("together", include_str!("../providers/together.toml")),
    ("fireworks", include_str!("../providers/fireworks.toml")),
    ("mistral", include_str!("../providers/mistral.toml")),
];

pub const DEFAULT_PROVIDER: &str = "openai";

/// How the provider picks epochs when the job does not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpochsRule {
    /// OpenAI's rule: 3, more for small files, fewer for large (100..=25,000 examples seen).
    OpenAiAuto,
    Fixed(u64),
}

/// Image limits of a provider.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageRules {
    /// FT081; None: no documented limit.
    pub max_per_example: Option<u64>,
    /// Decoded bytes of one image; None: no documented limit.
    pub max_bytes: Option<u64>,
    /// Image types taken: `jpeg`, `png`, `webp`, `gif`.
    pub types: Vec<String>,
    /// `http(s)://` URLs taken (else data URLs only).
    pub remote: bool,
    /// Images allowed in a message with a non-zero weight.
    #[serde(default = "yes")]
    pub weighted: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub as_of: String,
    pub source: String,
    /// Record formats the provider accepts at all.
    pub formats: Vec<FormatId>,
    /// Formats a model takes for supervised training unless its entry lists its own.
    pub sft_formats: Vec<FormatId>,
    pub min_examples: u64,
    pub max_file_bytes: Option<u64>,
    pub max_file_note: Option<String>,
    pub epochs: EpochsRule,
    pub max_epochs: Option<u64>,
    pub roles: Vec<String>,
    /// Roles whose messages may carry `weight`.
    pub weight_roles: Vec<String>,
    /// Tool calling (tools, tool_calls, tool/function roles) is accepted.
    pub tools: bool,
    pub system_first: bool,
    pub single_system: bool,
    pub same_content_form: bool,
    pub images: Option<ImageRules>,
    /// Default severities that differ at this provider (None: off).
    pub severity: Vec<(Rule, Option<Severity>)>,
    pub default_model: String,
    pub catalog: Catalog,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    id: String,
    name: String,
    as_of: String,
    source: String,
    formats: Vec<String>,
    sft_formats: Option<Vec<String>>,
    min_examples: u64,
    max_file_bytes: Option<u64>,
    max_file_note: Option<String>,
    epochs: toml::Value,
    max_epochs: Option<u64>,
    roles: Vec<String>,
    weight_roles: Vec<String>,
    tools: bool,
    #[serde(default)]
    system_first: bool,
    #[serde(default)]
    single_system: bool,
    #[serde(default)]
    same_content_form: bool,
    images: Option<ImageRules>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    default_model: Option<String>,
    #[serde(default)]
    model: Vec<RawModel>,
}

impl Provider {
    /// A built-in provider by id (case-insensitive).
    pub fn builtin(id: &str) -> Result<Provider, String> {
        let (known, text) = BUILTIN
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(id.trim()))
            .ok_or_else(|| unknown_provider(id))?;
        Provider::from_toml(text, &format!("built-in providers/{known}.toml"))
    }

    /// `--provider`: a built-in id, or the path of a profile file (`*.toml`) in the
    /// shape of `providers/*.toml`, to correct or add a provider without a new build.
    pub fn load(spec: &str) -> Result<Provider, String> {
        if !spec.ends_with(".toml") {
            return Provider::builtin(spec);
        }
        let path = std::path::Path::new(spec);
        let text = read_small_file(path)?;
        Provider::from_toml(&text, spec)
    }

    pub fn from_toml(text: &str, origin: &str) -> Result<Provider, String> {
        let raw: RawProvider =
            toml::from_str(text).map_err(|e| toml_error(text, origin, "", &e))?;
        let ctx = |m: String| format!("{origin}: {m}");
        let parse_formats = |list: &[String]| {
            list.iter()
                .map(|f| {
                    formats::by_name(f).ok_or_else(|| {
                        ctx(format!(
                            "unknown record format `{f}` (expected {})",
                            formats::names()
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let sft_formats = match &raw.sft_formats {
            Some(list) => parse_formats(list)?,
            None => vec![formats::CHAT],
        };
        let formats = raw
            .formats
            .iter()
            .map(|f| {
                formats::by_name(f).ok_or_else(|| {
                    ctx(format!(
                        "unknown record format `{f}` (expected {})",
                        formats::names()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let epochs = match &raw.epochs {
            toml::Value::String(s) if s == "openai-auto" => EpochsRule::OpenAiAuto,
            toml::Value::Integer(n) if *n > 0 => EpochsRule::Fixed(*n as u64),
            other => {
                return Err(ctx(format!(
                    "`epochs` must be \"openai-auto\" or a positive integer, not {other}"
                )));
            }
        };
        let mut severity = Vec::new();
        for (code, level) in &raw.severity {
            let rule = Rule::from_code(code)
                .ok_or_else(|| ctx(format!("[severity]: unknown rule `{code}`")))?;
            let sev = match level.as_str() {
                "error" => Some(Severity::Error),
                "warning" => Some(Severity::Warning),
                "off" => None,
                other => {
                    return Err(ctx(format!(
                        "[severity] {code} = \"{other}\": expected \"error\", \"warning\" or \"off\""
                    )));
                }
            };
            severity.push((rule, sev));
        }
        let mut catalog = Catalog::default();
        catalog.extend(raw.model, origin)?;
        let default_model = raw
            .default_model
            .or_else(|| catalog.models().first().map(|m| m.id.clone()))
            .ok_or_else(|| ctx("the provider lists no models".to_string()))?;
        catalog
            .resolve(&default_model)
            .map_err(|e| ctx(format!("`default_model`: {e}")))?;
        Ok(Provider {
            id: raw.id,
            name: raw.name,
            as_of: raw.as_of,
            source: raw.source,
            formats,
            sft_formats,
            min_examples: raw.min_examples,
            max_file_bytes: raw.max_file_bytes,
            max_file_note: raw.max_file_note,
            epochs,
            max_epochs: raw.max_epochs,
            roles: raw.roles,
            weight_roles: raw.weight_roles,
            tools: raw.tools,
            system_first: raw.system_first,
            single_system: raw.single_system,
            same_content_form: raw.same_content_form,
            images: raw.images,
            severity,
            default_model,
            catalog,
        })
    }

    /// The severity of a rule at this provider before the user's settings.
    pub fn default_severity(&self, rule: Rule) -> Option<Severity> {
        self.severity
            .iter()
            .find(|(r, _)| *r == rule)
            .map_or(Some(rule.default_severity()), |(_, s)| *s)
    }

    pub fn accepts_format(&self, format: FormatId) -> bool {
        self.formats.contains(&format)
    }

    /// Whether `model` takes records of `format` at this provider.
    pub fn model_takes(&self, model: &Model, format: FormatId) -> bool {
        if !self.accepts_format(format) || !model.offers(format.method()) {
            return false;
        }
        match (format.method(), &model.formats) {
            (Method::Sft, Some(list)) => list.iter().any(|f| f == format.name()),
            (Method::Sft, None) => self.sft_formats.contains(&format),
            (Method::Dpo, _) => true,
        }
    }

    /// Models of this provider that would take a file of `format` (with images, if
    /// `images`), for messages that point the user somewhere that works.
    pub fn models_taking(&self, format: FormatId, images: bool) -> Vec<&str> {
        self.catalog
            .models()
            .iter()
            .filter(|m| self.model_takes(m, format) && (!images || m.vision))
            .map(|m| m.id.as_str())
            .collect()
    }

    pub fn role_allowed(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// The model a run uses when none is named: the profile's `default_model` if it can
    /// be trained on `date`; else the first chat model of `catalog` that can; else (the
    /// provider trains nothing that day) `default_model` all the same, and FT076 says so.
    pub fn default_model_in<'a>(
        &self,
        catalog: &'a Catalog,
        date: Option<&str>,
    ) -> Result<&'a Model, String> {
        let declared = catalog.resolve(&self.default_model)?;
        let Some(date) = date else {
            return Ok(declared);
        };
        if declared.lifecycle.trainable_on(date) {
            return Ok(declared);
        }
        Ok(catalog
            .models()
            .iter()
            .find(|m| m.lifecycle.trainable_on(date) && self.model_takes(m, formats::CHAT))
            .unwrap_or(declared))
    }
}

/// Where a job of `format` records meant for `model` at `current` can still be trained
/// on `date`, as short phrases for a help text, best first: the same model at another
/// built-in provider, other models of this provider, other providers' GPT models when
/// this one trains none, and open-weight models (no end date known).
pub fn still_trainable(
    current: &Provider,
    model: &Model,
    format: FormatId,
    date: &str,
) -> Vec<String> {
    let until = |m: &Model| match m.lifecycle.training_on(date) {
        Training::Open(Some(d)) => format!(" (closes {d})"),
        _ => String::new(),
    };
    // The shortest name a user would type: the first alias, else the id.
    let short = |m: &Model| m.aliases.first().cloned().unwrap_or_else(|| m.id.clone());
    let open = |p: &Provider, m: &Model| m.lifecycle.trainable_on(date) && p.model_takes(m, format);
    let others: Vec<Provider> = BUILTIN
        .iter()
        .filter(|(id, _)| !id.eq_ignore_ascii_case(&current.id))
        .filter_map(|(id, _)| Provider::builtin(id).ok())
        .collect();
    let hf = |m: &Model| matches!(m.tokenizer, crate::models::TokenizerSpec::HuggingFace(_));
    let mut out = Vec::new();
    for p in &others {
        if let Ok(m) = p.catalog.resolve(&model.id)
            && open(p, m)
        {
            out.push(format!("`--provider {}`{}", p.id, until(m)));
        }
    }
    let here: Vec<&Model> = current
        .catalog
        .models()
        .iter()
        .filter(|m| m.id != model.id && !hf(m) && open(current, m))
        .collect();
    if !here.is_empty() {
        let names: Vec<String> = here
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, m)| {
                let flag = if i == 0 { "--model " } else { "" };
                format!("`{flag}{}`", short(m))
            })
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        // One date for all of them (OpenAI closes every model on the same day) reads once.
        let dates: Vec<String> = here.iter().take(3).map(|m| until(m)).collect();
        let when = if dates.iter().all(|d| *d == dates[0]) {
            dates[0].clone()
        } else {
            String::new()
        };
        out.push(format!("{}{when}", or_list(&names)));
    }
    if out.is_empty() {
        for p in &others {
            if let Some(m) = p.catalog.models().iter().find(|m| !hf(m) && open(p, m)) {
                out.push(format!(
                    "`--provider {} --model {}`{}",
                    p.id,
                    short(m),
                    until(m)
                ));
            }
        }
    }
    let open_weight: Vec<&str> = others
        .iter()
        .filter(|p| p.catalog.models().iter().any(|m| hf(m) && open(p, m)))
        .map(|p| p.id.as_str())
        .collect();
    if !open_weight.is_empty() {
        let names: Vec<String> = open_weight
            .iter()
            .enumerate()
            .map(|(i, p)| format!("`{}{p}`", if i == 0 { "--provider " } else { "" }))
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        out.push(format!("an open-weight model ({})", or_list(&names)));
    }
    out
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Data files (profiles, models) are small; a cap keeps a mistaken path such as
/// `/dev/zero` from reading until memory runs out.
pub const MAX_DATA_FILE_BYTES: u64 = 4 << 20;

/// Reads a regular file of at most `MAX_DATA_FILE_BYTES` (a FIFO would block forever).
pub fn read_small_file(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file"));
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_DATA_FILE_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| format!("{shown}: cannot read: {e}"))?;
    if text.len() as u64 > MAX_DATA_FILE_BYTES {
        return Err(format!(
            "{shown}: larger than {} bytes, too large for a data file",
            MAX_DATA_FILE_BYTES
        ));
    }
    Ok(text)
}

fn unknown_provider(id: &str) -> String {
    let known: Vec<&str> = BUILTIN.iter().map(|(k, _)| *k).collect();
    let close = known
        .iter()
        .find(|k| levenshtein(&id.to_lowercase(), k) <= 2)
        .map(|k| format!("did you mean `{k}`? "))
        .unwrap_or_default();
    format!(
        "unknown provider `{id}`; {close}known providers: {} (or the path of a profile file, *.toml)",
        known.join(", ")
    )
}

/// Columns of text, left-aligned except those `right`, two spaces apart, no trailing spaces.
fn table(header: &[&str], right: &[bool], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i] - cell.chars().count());
            if i > 0 {
                out.push_str("  ");
            }
            if right[i] {
                out.push_str(&pad);
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&pad);
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    };
    let mut out = line(header);
    for row in rows {
        out.push_str(&line(&row.iter().map(String::as_str).collect::<Vec<_>>()));
    }
    out
}

/// The TRAINING cell of the dates table on `date`.
fn training_cell(m: &Model, date: &str) -> String {
    match m.lifecycle.training_on(date) {
        Training::NotYet(d) => format!("opens {d}"),
        Training::Open(Some(d)) => format!("open, closes {d}"),
        Training::Open(None) => "open, no end date known".to_string(),
        Training::Closed { on, .. } => format!("closed {on}"),
    }
}

/// The SERVING cell: when the model and the models tuned from it stop answering.
fn serving_cell(m: &Model, date: &str) -> String {
    match m.lifecycle.serving_ends.as_deref() {
        Some(d) if date >= d => format!("ended {d}"),
        Some(d) => format!("ends {d}"),
        None => "no end date known".to_string(),
    }
}

/// Whether an open-weight model's tokenizer is in the local Hugging Face cache (None:
/// an OpenAI encoding, always available).
pub fn tokenizer_found(m: &Model) -> Option<bool> {
    match &m.tokenizer {
        crate::models::TokenizerSpec::HuggingFace(repo) => {
            Some(crate::hf::find_in_hf_cache(repo).is_ok())
        }
        _ => None,
    }
}

/// The `ftlint models` listing for one provider on `date`: prices with their dates and
/// status, when each model can be trained and served, then every source.
pub fn render_catalog(
    p: &Provider,
    found_locally: &dyn Fn(&Model) -> Option<bool>,
    date: &str,
) -> String {
    const HEADER: [&str; 11] = [
        "MODEL",
        "TOKENIZER",
        "LIMIT",
        "METHODS",
        "VISION",
        "TRAIN",
        "FT IN",
        "FT OUT",
        "BASE IN",
        "BASE OUT",
        "PRICES",
    ];
    const RIGHT: [bool; 11] = [
        false, false, true, false, false, true, true, true, true, true, false,
    ];
    let models = p.catalog.models();
    let rows: Vec<Vec<String>> = models
        .iter()
        .map(|m| {
            let mut tokenizer = m.tokenizer.name();
            match found_locally(m) {
                Some(true) => tokenizer.push_str(" (found)"),
                Some(false) => tokenizer.push_str(" (not found)"),
                None => {}
            }
            // Every price of an estimated entry is marked, not only the training price.
            let mark = if m.confirmed { "" } else { "~" };
            let price = |x: Option<crate::models::Price>| {
                x.map_or("-".to_string(), |x| format!("{mark}{}", x.format_usd()))
            };
            vec![
                m.id.clone(),
                tokenizer,
                m.token_limit.to_string(),
                m.methods
                    .iter()
                    .map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                if m.vision { "yes" } else { "no" }.to_string(),
                price(Some(m.training)),
                price(m.fine_tuned_input),
                price(m.fine_tuned_output),
                price(m.base_input),
                price(m.base_output),
                format!(
                    "{}, {}",
                    m.prices_as_of,
                    if m.confirmed { "confirmed" } else { "estimate" }
                ),
            ]
        })
        .collect();
    let mut out = format!(
        "{} (provider `{}`, facts as of {})\n\n",
        p.name, p.id, p.as_of
    );
    out.push_str(&table(&HEADER, &RIGHT, &rows));
    out.push_str(
        "\nPrices are USD per 1M tokens; training is billed per trained token (tokens × epochs).\n",
    );
    out.push_str(
        "PRICES: the day they were read; confirmed on the provider's own price page, or an estimate.\n",
    );
    if models.iter().any(|m| !m.confirmed) {
        out.push_str("~ an estimate: the source below says what it rests on.\n");
    }
    if models.iter().any(|m| found_locally(m) == Some(false)) {
        let cache = crate::hf::hub_cache_dir()
            .map_or_else(|| "none: HOME is unset".into(), |d| d.display().to_string());
        out.push_str(&format!(
            "(not found): the model's tokenizer is not in the local Hugging Face cache ({cache}); `huggingface-cli download ORG/NAME tokenizer.json tokenizer_config.json` fetches it, or count with --tokenizer-path DIR.\n"
        ));
    }
    if let Some(h) = p.catalog.models().iter().find_map(|m| m.hosting_per_hour) {
        out.push_str(&format!(
            "A deployed tuned model also costs {}/hour (not in the per-token prices).\n",
            h.format_usd()
        ));
    }
    out.push_str(&format!(
        "Record formats: {}. At least {}{}.\n",
        p.formats
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", "),
        crate::report::shared::count(p.min_examples, "example", "examples"),
        p.max_file_bytes
            .map(|b| format!("; files up to {}", crate::stats::thousands(b)) + " bytes")
            .unwrap_or_default(),
    ));

    out.push_str(&format!("\nFine-tuning dates on {date}:\n"));
    if models.iter().all(|m| m.lifecycle == Default::default()) {
        out.push_str("  none published for these models; ftlint treats them as open.\n");
    } else {
        let rows: Vec<Vec<String>> = models
            .iter()
            .map(|m| vec![m.id.clone(), training_cell(m, date), serving_cell(m, date)])
            .collect();
        out.push_str(&table(
            &["MODEL", "TRAINING", "SERVING"],
            &[false; 3],
            &rows,
        ));
        out.push_str(
            "A date is the first day without: no new jobs from `closes`, no answers from `ends`.\n",
        );
    }

    let aliased: Vec<&Model> = models.iter().filter(|m| !m.aliases.is_empty()).collect();
    if !aliased.is_empty() {
        out.push_str("\nAliases:\n");
        for m in aliased {
            out.push_str(&format!("  {} -> {}\n", m.aliases.join(", "), m.id));
        }
    }
    let hosted: Vec<&Model> = p
        .catalog
        .models()
        .iter()
        .filter(|m| m.hosting_per_hour.is_some())
        .collect();
    if !hosted.is_empty() {
        out.push_str("\nHosting a tuned model (per deployment, not in the per-token figures):\n");
        for m in hosted {
            let fee = m.hosting_per_hour.map_or(String::new(), |f| f.format_usd());
            out.push_str(&format!("  {}: {fee}/hour\n", m.id));
        }
    }
    out.push_str("\nSources:\n");
    out.push_str(&format!("  rules: {}\n", p.source));
    for m in models {
        let status = if m.confirmed { "confirmed" } else { "estimate" };
        out.push_str(&format!("  {}\n", m.id));
        out.push_str(&format!(
            "    prices ({status}, {}): {}\n",
            m.prices_as_of, m.source
        ));
        let l = &m.lifecycle;
        if let Some(d) = &l.training_closes {
            out.push_str(&format!(
                "    training closes {d}: {}\n",
                l.training_closes_source
                    .as_deref()
                    .unwrap_or("no source given")
            ));
        }
        if let Some(d) = &l.serving_ends {
            out.push_str(&format!(
                "    serving ends {d}: {}\n",
                l.serving_ends_source
                    .as_deref()
                    .unwrap_or("no source given")
            ));
        }
    }
    out
}

/// `ftlint models --format json`: the same facts, one document.
pub fn catalog_json(p: &Provider, date: &str) -> serde_json::Value {
    use serde_json::json;
    let usd = |x: Option<crate::models::Price>| x.map(|x| x.per_million_usd());
    let models: Vec<serde_json::Value> = p
        .catalog
        .models()
        .iter()
        .map(|m| {
            let l = &m.lifecycle;
            let (state, closed_on) = match l.training_on(date) {
                Training::NotYet(_) => ("not_yet_open", None),
                Training::Open(_) => ("open", None),
                Training::Closed { on, .. } => ("closed", Some(on)),
            };
            json!({
                "id": m.id,
                "aliases": m.aliases,
                "tokenizer": m.tokenizer.name(),
                "tokenizer_found": tokenizer_found(m),
                "token_limit": m.token_limit,
                "methods": m.methods.iter().map(|x| x.as_str()).collect::<Vec<_>>(),
                "vision": m.vision,
                "prices": {
                    "usd_per_million": {
                        "training": m.training.per_million_usd(),
                        "training_full": usd(m.training_full),
                        "training_dpo": usd(m.training_dpo),
                        "fine_tuned_input": usd(m.fine_tuned_input),
                        "fine_tuned_output": usd(m.fine_tuned_output),
                        "base_input": usd(m.base_input),
                        "base_output": usd(m.base_output),
                    },
                    "hosting_usd_per_hour": usd(m.hosting_per_hour),
                    "as_of": m.prices_as_of,
                    "source": m.source,
                    "confirmed": m.confirmed,
                },
                "lifecycle": {
                    "training_opens": l.training_opens,
                    "training_closes": l.training_closes,
                    "training_closes_source": l.training_closes_source,
                    "serving_ends": l.serving_ends,
                    "serving_ends_source": l.serving_ends_source,
                    "training": state,
                    "training_closed_on": closed_on,
                },
            })
        })
        .collect();
    json!({
        "provider": {"id": p.id, "name": p.name, "as_of": p.as_of, "source": p.source},
        "date": date,
        "default_model": p.default_model,
        "models": models,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_provider_loads() {
        for (id, _) in BUILTIN {
            let p = Provider::builtin(id).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(p.id, *id);
            assert!(!p.catalog.models().is_empty(), "{id}");
            assert!(p.catalog.resolve(&p.default_model).is_ok(), "{id}");
            for m in p.catalog.models() {
                assert!(
                    !m.source.is_empty() && m.prices_as_of != "unknown",
                    "{id} {}",
                    m.id
                );
            }
        }
    }

    #[test]
    fn unknown_provider_names_the_known_ones() {
        let e = Provider::builtin("togther").unwrap_err();
        assert_eq!(
            e,
            "unknown provider `togther`; did you mean `together`? known providers: openai, azure, together, fireworks, mistral (or the path of a profile file, *.toml)"
        );
        assert!(Provider::builtin("OpenAI").is_ok());
    }

    #[test]
    fn catalog_listing() {
        let p = Provider::builtin("openai").unwrap();
        let text = render_catalog(&p, &|_| None, "2026-11-29");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "OpenAI (provider `openai`, facts as of 2026-11-24)"
        );
        assert!(
            lines[2].starts_with("MODEL") && lines[2].ends_with("PRICES"),
            "{}",
            lines[2]
        );
        for (m, row) in p.catalog.models().iter().zip(&lines[3..]) {
            assert!(row.starts_with(&m.id), "{row}");
            assert!(
                row.contains(&m.tokenizer.name())
                    && row.ends_with(&format!("{}, confirmed", m.prices_as_of)),
                "{row}"
            );
        }
        let first = lines[3];
        assert!(first.contains("$12.00") && first.contains("$16.00") && first.contains("4096"));
        assert!(text.contains("  gpt-3.5-turbo -> gpt-3.5-turbo-0125\n"));
        assert!(text.contains("\nFine-tuning dates on 2026-11-29:\nMODEL "));
        assert!(
            text.contains("gpt-4.1-nano-2025-04-14  closed 2026-10-23        ended 2026-10-23\n")
        );
        assert!(
            lines.iter().all(|l| l.len() == l.trim_end().len()),
            "no trailing spaces"
        );
        // Numbers align right: the TRAIN column ends in a digit on every row.
        let price_col = lines[2].find("TRAIN").unwrap() + "TRAIN".len();
        for row in &lines[3..3 + p.catalog.models().len()] {
            assert!(row.as_bytes()[price_col - 1].is_ascii_digit(), "{row}");
        }
        // Estimates are marked on every price, with what "~" means.
        let azure = render_catalog(
            &Provider::builtin("azure").unwrap(),
            &|_| None,
            "2026-11-29",
        );
        assert!(azure.contains("~$3.00  ~$0.15"), "{azure}");
        assert!(azure.contains("2026-11-24, estimate\n"));
        assert!(azure.contains("~ an estimate: the source below says what it rests on.\n"));
    }

    #[test]
    fn every_default_model_can_be_trained_when_its_profile_was_written() {
        for (id, _) in BUILTIN {
            let p = Provider::builtin(id).unwrap();
            let m = p.catalog.resolve(&p.default_model).unwrap();
            assert!(m.lifecycle.trainable_on(&p.as_of), "{id}: {}", m.id);
            assert!(p.model_takes(m, formats::CHAT), "{id}: {}", m.id);
        }
    }

    #[test]
    fn the_default_falls_back_to_a_model_trainable_that_day() {
        let p = Provider::builtin("openai").unwrap();
        let on = |d| p.default_model_in(&p.catalog, Some(d)).unwrap().id.clone();
        assert_eq!(on("2026-11-29"), "gpt-4o-mini-2024-07-18");
        assert_eq!(on("2024-01-01"), "gpt-3.5-turbo-0613");
        // Nothing trainable: the declared default stays (FT076 reports it).
        assert_eq!(on("2027-06-01"), "gpt-4o-mini-2024-07-18");
        assert_eq!(
            p.default_model_in(&p.catalog, None).unwrap().id,
            "gpt-4o-mini-2024-07-18"
        );
    }

    #[test]
    fn where_the_same_data_can_still_be_trained() {
        let p = Provider::builtin("openai").unwrap();
        let m = |id: &str| p.catalog.resolve(id).unwrap().clone();
        assert_eq!(
            still_trainable(&p, &m("gpt-4.1-nano"), formats::CHAT, "2026-11-29"),
            [
                "`--provider azure` (closes 2027-04-14)",
                "`--model gpt-4o-mini`, `gpt-4o` or `gpt-4.1` (closes 2027-01-06)",
                "an open-weight model (`--provider together`, `fireworks` or `mistral`)",
            ]
        );
        // Preference records: only models that take DPO, and providers that accept them.
        let dpo = still_trainable(&p, &m("gpt-4o-mini"), formats::PREFERENCE, "2027-02-01");
        assert_eq!(
            dpo,
            [
                "`--provider azure --model gpt-4o` (closes 2027-04-01)",
                "an open-weight model (`--provider together` or `fireworks`)",
            ]
        );
    }

    #[test]
    fn formats_and_models_that_take_them() {
        let p = Provider::builtin("openai").unwrap();
        let m = |id: &str| p.catalog.resolve(id).unwrap().clone();
        assert!(p.model_takes(&m("gpt-3.5-turbo-0613"), formats::CHAT));
        assert!(!p.model_takes(&m("gpt-3.5-turbo"), formats::PREFERENCE));
        assert!(!p.model_takes(&m("gpt-3.5-turbo"), formats::PROMPT_COMPLETION));
        assert!(p.model_takes(&m("babbage-002"), formats::PROMPT_COMPLETION));
        assert!(!p.model_takes(&m("babbage-002"), formats::CHAT));
        assert!(p.model_takes(&m("gpt-4.1-mini"), formats::PREFERENCE));
        let mistral = Provider::builtin("mistral").unwrap();
        assert!(!mistral.accepts_format(formats::PREFERENCE));
        assert_eq!(
            p.default_severity(Rule::MisplacedSystemMessage),
            Some(Severity::Error)
        );
    }
}
