//! Provider profiles: what a provider accepts, its limits and its models, as data.
//!
//! One TOML file per provider in `providers/` (keys in `providers/README.md`), embedded
//! at build time. Adding a provider is a new file and a row in [`BUILTIN`]; no check,
//! format or renderer changes.

use crate::formats::{self, FormatId};
use crate::models::{Catalog, Method, Model, RawModel, levenshtein, toml_error};
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

/// The `ftlint models` listing for one provider: one row per model, then what the
/// provider accepts and where each price comes from.
pub fn render_catalog(p: &Provider, found_locally: &dyn Fn(&Model) -> Option<bool>) -> String {
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
        "AS OF",
    ];
    const RIGHT: [bool; 11] = [
        false, false, true, false, false, true, true, true, true, true, false,
    ];
    let price = |p: Option<crate::models::Price>| p.map_or("-".to_string(), |p| p.format_usd());
    let rows: Vec<[String; 11]> = p
        .catalog
        .models()
        .iter()
        .map(|m| {
            let mut tokenizer = m.tokenizer.name();
            match found_locally(m) {
                Some(true) => tokenizer.push_str(" (found)"),
                Some(false) => tokenizer.push_str(" (not found)"),
                None => {}
            }
            let estimate = if m.confirmed { "" } else { "~" };
            [
                m.id.clone(),
                tokenizer,
                m.token_limit.to_string(),
                m.methods
                    .iter()
                    .map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                if m.vision { "yes" } else { "no" }.to_string(),
                format!("{estimate}{}", m.training.format_usd()),
                price(m.fine_tuned_input),
                price(m.fine_tuned_output),
                price(m.base_input),
                price(m.base_output),
                m.prices_as_of.clone(),
            ]
        })
        .collect();
    let mut widths = HEADER.map(|h| h.chars().count());
    for row in &rows {
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
            if RIGHT[i] {
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
    let mut out = format!(
        "{} (provider `{}`, facts as of {})\n\n",
        p.name, p.id, p.as_of
    );
    out.push_str(&line(&HEADER));
    for row in &rows {
        out.push_str(&line(&row.each_ref().map(String::as_str)));
    }
    out.push_str(
        "\nPrices are USD per 1M tokens; training is billed per trained token (tokens × epochs).\n",
    );
    if p.catalog.models().iter().any(|m| !m.confirmed) {
        out.push_str(
            "~ an estimate: not confirmed on the provider's own page (see the source below).\n",
        );
    }
    out.push_str(&format!(
        "Record formats: {}. At least {} example(s){}.\n",
        p.formats
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", "),
        p.min_examples,
        p.max_file_bytes
            .map(|b| format!("; files up to {}", crate::stats::thousands(b)) + " bytes")
            .unwrap_or_default(),
    ));
    let aliased: Vec<&Model> = p
        .catalog
        .models()
        .iter()
        .filter(|m| !m.aliases.is_empty())
        .collect();
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
    for m in p.catalog.models() {
        let status = if m.confirmed { "confirmed" } else { "estimate" };
        out.push_str(&format!("  {} ({status}): {}\n", m.id, m.source));
    }
    out
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
        let text = render_catalog(&p, &|_| None);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "OpenAI (provider `openai`, facts as of 2026-11-24)"
        );
        assert!(
            lines[2].starts_with("MODEL") && lines[2].ends_with("AS OF"),
            "{}",
            lines[2]
        );
        for (m, row) in p.catalog.models().iter().zip(&lines[3..]) {
            assert!(row.starts_with(&m.id), "{row}");
            assert!(
                row.contains(&m.tokenizer.name()) && row.contains(&m.prices_as_of),
                "{row}"
            );
        }
        let first = lines[3];
        assert!(first.contains("$12.00") && first.contains("$16.00") && first.contains("4096"));
        assert!(text.contains("  gpt-3.5-turbo -> gpt-3.5-turbo-0613\n"));
        assert!(
            lines.iter().all(|l| l.len() == l.trim_end().len()),
            "no trailing spaces"
        );
        // Numbers align right: the TRAIN column ends in a digit on every row.
        let price_col = lines[2].find("TRAIN").unwrap() + "TRAIN".len();
        for row in &lines[3..3 + p.catalog.models().len()] {
            assert!(row.as_bytes()[price_col - 1].is_ascii_digit(), "{row}");
        }
    }

    #[test]
    fn formats_and_models_that_take_them() {
        let p = Provider::builtin("openai").unwrap();
        let m = |id: &str| p.catalog.resolve(id).unwrap().clone();
        assert!(p.model_takes(&m("gpt-3.5-turbo"), formats::CHAT));
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
