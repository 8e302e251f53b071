//! Models of a provider: tokenizer, token limit, methods, vision, prices and lifecycle.
//!
//! Models are data: each provider profile (`providers/*.toml`, see `providers.rs`) holds
//! `[[model]]` tables, and a user file in the same shape (`--models FILE`) adds or
//! replaces entries by id.

use serde::Deserialize;

/// A tiktoken encoding, shipped inside the binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    Cl100kBase,
    O200kBase,
}

impl Encoding {
    pub const ALL: &[Encoding] = &[Encoding::Cl100kBase, Encoding::O200kBase];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Cl100kBase => "cl100k_base",
            Encoding::O200kBase => "o200k_base",
        }
    }

    pub fn from_name(name: &str) -> Option<Encoding> {
        Encoding::ALL.iter().copied().find(|e| e.name() == name)
    }
}

/// An exact price: micro-dollars per 1M tokens, which is also pico-dollars
/// per token. Integers keep cost sums exact; floats appear only for display.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Price(pub u64);

impl Price {
    /// Converts a catalog price (USD per 1M tokens). Rounding to micro-dollars
    /// is exact for prices written with at most 6 decimals.
    pub fn from_usd_per_million(usd: f64) -> Result<Price, String> {
        if !usd.is_finite() || usd < 0.0 {
            return Err(format!(
                "price must be a finite non-negative number, got {usd}"
            ));
        }
        let micros = (usd * 1e6).round();
        // u64::MAX as f64 rounds up to 2^64, so `>=` rejects everything that would saturate.
        if micros >= u64::MAX as f64 {
            return Err(format!("price {usd} is too large"));
        }
        Ok(Price(micros as u64))
    }

    pub fn per_million_usd(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// Exact `$X.YY` per 1M tokens: 2 decimals, more only when the price has them.
    pub fn format_usd(self) -> String {
        usd_with_decimals(self.0, 6)
    }

    /// The same price per 1K tokens, exactly: micro-dollars per 1M tokens are
    /// nano-dollars per 1K.
    pub fn format_usd_per_thousand(self) -> String {
        usd_with_decimals(self.0, 9)
    }
}

/// `units` of 10^-`decimals` dollars as `$X.YY`: 2 decimals, more only when needed.
fn usd_with_decimals(units: u64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals);
    let frac = format!("{:0width$}", units % scale, width = decimals as usize);
    let frac = frac.trim_end_matches('0');
    format!("${}.{frac:0<2}", units / scale)
}

/// How a model's tokens are counted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TokenizerSpec {
    /// An OpenAI encoding: exact, offline, always available.
    Tiktoken(Encoding),
    /// An open-weight model: its Hugging Face tokenizer and chat template (repo id).
    HuggingFace(String),
    /// A model outside the catalog: the tokenizer folder given with `--tokenizer-path`.
    Folder(std::path::PathBuf),
}

impl TokenizerSpec {
    fn parse(s: &str) -> Option<TokenizerSpec> {
        if let Some(repo) = s.strip_prefix("hf:") {
            let ok = repo.split('/').count() == 2 && repo.split('/').all(|p| !p.is_empty());
            return ok.then(|| TokenizerSpec::HuggingFace(repo.to_string()));
        }
        Encoding::from_name(s).map(TokenizerSpec::Tiktoken)
    }

    pub fn name(&self) -> String {
        match self {
            TokenizerSpec::Tiktoken(e) => e.name().to_string(),
            TokenizerSpec::HuggingFace(r) => format!("hf:{r}"),
            TokenizerSpec::Folder(d) => d.display().to_string(),
        }
    }
}

/// A training method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Supervised fine-tuning on demonstrations.
    Sft,
    /// Direct preference optimisation on preferred / non-preferred pairs.
    Dpo,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Sft => "sft",
            Method::Dpo => "dpo",
        }
    }

    /// How a provider names the method to a person.
    pub fn title(self) -> &'static str {
        match self {
            Method::Sft => "supervised fine-tuning (SFT)",
            Method::Dpo => "direct preference optimisation (DPO)",
        }
    }
}

/// Dates a model opens, closes and stops serving, each with its source.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lifecycle {
    pub training_opens: Option<String>,
    pub training_closes: Option<String>,
    pub training_closes_source: Option<String>,
    pub serving_ends: Option<String>,
    pub serving_ends_source: Option<String>,
}

/// Whether a job can be started on a given date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Training<'a> {
    /// Fine-tuning of this model opens on this date.
    NotYet(&'a str),
    /// Jobs can be created; until the first date without them, if one is known.
    Open(Option<&'a str>),
    /// No new jobs from this date (the date and its source).
    Closed { on: &'a str, source: &'a str },
}

impl Lifecycle {
    /// The training state on `date` (YYYY-MM-DD). A model that no longer serves cannot be
    /// trained either, so the earlier of `training_closes` and `serving_ends` closes it.
    pub fn training_on(&self, date: &str) -> Training<'_> {
        if let Some(opens) = self.training_opens.as_deref().filter(|o| date < *o) {
            return Training::NotYet(opens);
        }
        let closes = [
            (&self.training_closes, &self.training_closes_source),
            (&self.serving_ends, &self.serving_ends_source),
        ]
        .into_iter()
        .filter_map(|(d, s)| Some((d.as_deref()?, s.as_deref().unwrap_or("no source given"))))
        .min_by_key(|(d, _)| *d);
        match closes {
            Some((on, source)) if date >= on => Training::Closed { on, source },
            Some((on, _)) => Training::Open(Some(on)),
            None => Training::Open(None),
        }
    }

    pub fn trainable_on(&self, date: &str) -> bool {
        matches!(self.training_on(date), Training::Open(_))
    }
}

/// Today's date in UTC, `YYYY-MM-DD`, from the system clock (days since 1970-01-01
/// to a civil date: Howard Hinnant's `civil_from_days`).
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

fn civil_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `--as-of`: a real calendar date written `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<String, String> {
    let s = s.trim();
    let bad = || format!("`{s}` is not a date; write it YYYY-MM-DD, e.g. 2026-11-29");
    if !is_date(s) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok(s.to_string())
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub id: String,
    pub aliases: Vec<String>,
    pub tokenizer: TokenizerSpec,
    /// Maximum tokens per training example.
    pub token_limit: u64,
    pub methods: Vec<Method>,
    /// Record formats this model takes for supervised training; None: every
    /// supervised format of its provider.
    pub formats: Option<Vec<String>>,
    pub vision: bool,
    pub image_cost: Option<crate::image::ImageCostRule>,
    /// Per 1M trained tokens (supervised; LoRA where LoRA and full differ).
    pub training: Price,
    pub training_full: Option<Price>,
    pub training_dpo: Option<Price>,
    pub fine_tuned_input: Option<Price>,
    pub fine_tuned_output: Option<Price>,
    pub base_input: Option<Price>,
    pub base_output: Option<Price>,
    /// USD per hour of a deployment of the tuned model (micro-dollars, like a Price).
    pub hosting_per_hour: Option<Price>,
    pub prices_as_of: String,
    pub source: String,
    /// The prices were read on the provider's own page; otherwise they are estimates.
    pub confirmed: bool,
    /// False for a model known only by its tokenizer folder (`--tokenizer-path` with a
    /// model the catalog lacks): tokens are exact, no cost is shown.
    pub priced: bool,
    pub lifecycle: Lifecycle,
}

impl Model {
    /// The tiktoken encoding, if the model counts with one.
    pub fn encoding(&self) -> Option<Encoding> {
        match self.tokenizer {
            TokenizerSpec::Tiktoken(e) => Some(e),
            TokenizerSpec::HuggingFace(_) | TokenizerSpec::Folder(_) => None,
        }
    }

    /// The price per 1M trained tokens of a job with this method.
    pub fn training_price(&self, method: Method) -> Price {
        match method {
            Method::Dpo => self.training_dpo.unwrap_or(self.training),
            Method::Sft => self.training,
        }
    }

    pub fn offers(&self, method: Method) -> bool {
        self.methods.contains(&method)
    }

    /// A model the catalog does not know, counted with the tokenizer folder `dir`
    /// (`--tokenizer-path`): no prices, no lifecycle, no limit until the loaded folder
    /// gives one (`config::resolve` takes its `model_max_length`).
    pub fn unpriced(id: &str, dir: &std::path::Path) -> Model {
        Model {
            id: id.to_string(),
            aliases: Vec::new(),
            tokenizer: TokenizerSpec::Folder(dir.to_path_buf()),
            token_limit: u64::MAX,
            methods: vec![Method::Sft, Method::Dpo],
            formats: None,
            vision: false,
            image_cost: None,
            training: Price(0),
            training_full: None,
            training_dpo: None,
            fine_tuned_input: None,
            fine_tuned_output: None,
            base_input: None,
            base_output: None,
            hosting_per_hour: None,
            prices_as_of: "unknown".into(),
            source: format!("tokenizer folder {}", dir.display()),
            confirmed: false,
            priced: false,
            lifecycle: Lifecycle::default(),
        }
    }
}

/// The file layout; kept separate from `Model` so validation (tokenizer names,
/// prices) happens in one place with messages that name the file and entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModel {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    /// `encoding` is the older name of `tokenizer`, kept for users' model files.
    #[serde(alias = "encoding")]
    tokenizer: String,
    token_limit: u64,
    #[serde(default)]
    methods: Option<Vec<Method>>,
    #[serde(default)]
    formats: Option<Vec<String>>,
    #[serde(default)]
    vision: bool,
    #[serde(default)]
    image_cost: Option<crate::image::ImageCostRule>,
    training: f64,
    training_full: Option<f64>,
    training_dpo: Option<f64>,
    fine_tuned_input: Option<f64>,
    fine_tuned_output: Option<f64>,
    base_input: Option<f64>,
    base_output: Option<f64>,
    hosting_per_hour: Option<f64>,
    // Optional so a user override can stay short; the built-in files set them all.
    prices_as_of: Option<String>,
    source: Option<String>,
    #[serde(default)]
    confirmed: bool,
    training_opens: Option<String>,
    training_closes: Option<String>,
    training_closes_source: Option<String>,
    serving_ends: Option<String>,
    serving_ends_source: Option<String>,
}

impl RawModel {
    pub(crate) fn into_model(self, origin: &str) -> Result<Model, String> {
        let ctx = |msg: String| format!("{origin}: model `{}`: {msg}", self.id);
        if self.id.trim().is_empty() {
            return Err(format!("{origin}: a model has an empty `id`"));
        }
        let tokenizer = TokenizerSpec::parse(&self.tokenizer).ok_or_else(|| {
            ctx(format!(
                "unknown tokenizer `{}` (expected {}, or `hf:ORG/NAME` for an open-weight model)",
                self.tokenizer,
                Encoding::ALL
                    .iter()
                    .map(|e| format!("`{}`", e.name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        if self.token_limit == 0 {
            return Err(ctx("`token_limit` must be greater than 0".into()));
        }
        if let Some(f) = self
            .formats
            .iter()
            .flatten()
            .find(|f| crate::formats::by_name(f).is_none())
        {
            return Err(ctx(format!(
                "unknown record format `{f}` in `formats` (expected {})",
                crate::formats::names()
            )));
        }
        for d in [
            &self.training_opens,
            &self.training_closes,
            &self.serving_ends,
        ]
        .into_iter()
        .flatten()
        {
            if !is_date(d) {
                return Err(ctx(format!("`{d}` is not a date (YYYY-MM-DD)")));
            }
        }
        let price = |key: &str, v: f64| {
            Price::from_usd_per_million(v).map_err(|e| ctx(format!("`{key}`: {e}")))
        };
        let opt = |key: &str, v: Option<f64>| v.map(|v| price(key, v)).transpose();
        Ok(Model {
            training: price("training", self.training)?,
            training_full: opt("training_full", self.training_full)?,
            training_dpo: opt("training_dpo", self.training_dpo)?,
            fine_tuned_input: opt("fine_tuned_input", self.fine_tuned_input)?,
            fine_tuned_output: opt("fine_tuned_output", self.fine_tuned_output)?,
            base_input: opt("base_input", self.base_input)?,
            base_output: opt("base_output", self.base_output)?,
            hosting_per_hour: opt("hosting_per_hour", self.hosting_per_hour)?,
            tokenizer,
            token_limit: self.token_limit,
            methods: self.methods.unwrap_or_else(|| vec![Method::Sft]),
            formats: self.formats,
            vision: self.vision,
            image_cost: self.image_cost,
            prices_as_of: self.prices_as_of.unwrap_or_else(|| "unknown".into()),
            source: self.source.unwrap_or_else(|| origin.to_string()),
            confirmed: self.confirmed,
            priced: true,
            lifecycle: Lifecycle {
                training_opens: self.training_opens,
                training_closes: self.training_closes,
                training_closes_source: self.training_closes_source,
                serving_ends: self.serving_ends,
                serving_ends_source: self.serving_ends_source,
            },
            aliases: self.aliases,
            id: self.id,
        })
    }
}

/// `YYYY-MM-DD`: such dates compare correctly as strings.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A user's models file: `[[model]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    model: Vec<RawModel>,
}

/// The models of one provider, in data order.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    models: Vec<Model>,
}

impl Catalog {
    /// The catalog of the default provider.
    pub fn builtin() -> Catalog {
        crate::providers::Provider::builtin(crate::providers::DEFAULT_PROVIDER)
            .expect("the default provider exists")
            .catalog
    }

    /// Adds the entries of a models file: an existing id is replaced in
    /// place, a new id is appended. Nothing changes if the file has an error.
    pub fn extend_from_toml(&mut self, text: &str, origin: &str) -> Result<(), String> {
        let raw: RawCatalog = toml::from_str(text).map_err(|e| toml_error(text, origin, "", &e))?;
        self.extend(raw.model, origin)
    }

    pub(crate) fn extend(&mut self, raw: Vec<RawModel>, origin: &str) -> Result<(), String> {
        let mut incoming = Vec::with_capacity(raw.len());
        for r in raw {
            let m = r.into_model(origin)?;
            if incoming
                .iter()
                .any(|o: &Model| o.id.eq_ignore_ascii_case(&m.id))
            {
                return Err(format!("{origin}: model `{}` is defined twice", m.id));
            }
            incoming.push(m);
        }
        for m in incoming {
            // A name belongs to one entry; the newest claim wins so a user file
            // can repoint an alias such as `gpt-4o` to another snapshot.
            for other in self.models.iter_mut().filter(|o| o.id != m.id) {
                other.aliases.retain(|a| {
                    !a.eq_ignore_ascii_case(&m.id)
                        && !m.aliases.iter().any(|b| b.eq_ignore_ascii_case(a))
                });
            }
            match self
                .models
                .iter_mut()
                .find(|o| o.id.eq_ignore_ascii_case(&m.id))
            {
                Some(slot) => *slot = m,
                None => self.models.push(m),
            }
        }
        Ok(())
    }

    /// Finds a model by id, alias, or fine-tuned id (`ft:BASE:org:suffix:id`,
    /// whose BASE is looked up the same way). Case-insensitive, as the providers are.
    pub fn resolve(&self, name: &str) -> Result<&Model, String> {
        if let Some(m) = self.lookup(name) {
            return Ok(m);
        }
        if let Some(rest) = name.strip_prefix("ft:") {
            let base = rest.split(':').next().unwrap_or("");
            return self.lookup(base).ok_or_else(|| {
                format!(
                    "unknown base model `{base}` in `{name}`{}",
                    self.suggest(base)
                )
            });
        }
        Err(format!("unknown model `{name}`{}", self.suggest(name)))
    }

    pub fn models(&self) -> &[Model] {
        &self.models
    }

    fn lookup(&self, name: &str) -> Option<&Model> {
        self.models
            .iter()
            .find(|m| m.id.eq_ignore_ascii_case(name))
            .or_else(|| {
                self.models
                    .iter()
                    .find(|m| m.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)))
            })
    }

    /// "; did you mean ..." with up to 3 close names, or a pointer to the list.
    fn suggest(&self, name: &str) -> String {
        let wanted = name.to_lowercase();
        let max = (wanted.chars().count() / 3).max(3);
        let mut close: Vec<(usize, &str)> = self
            .models
            .iter()
            .flat_map(|m| {
                std::iter::once(m.id.as_str()).chain(m.aliases.iter().map(String::as_str))
            })
            .map(|c| (levenshtein(&wanted, &c.to_lowercase()), c))
            .filter(|&(d, _)| d <= max)
            .collect();
        // Stable sort: equal distances keep catalog order, so output is deterministic.
        close.sort_by_key(|&(d, _)| d);
        close.dedup_by_key(|&mut (_, c)| c);
        if close.is_empty() {
            return "; run `ftlint models` for the list".into();
        }
        let names: Vec<String> = close
            .iter()
            .take(3)
            .map(|(_, c)| format!("`{c}`"))
            .collect();
        format!("; did you mean {}?", names.join(", "))
    }
}

/// A one-line TOML error (`origin:line:col: WHATmessage`), the way compilers print
/// them; the toml crate's own rendering spans several lines with a source excerpt.
pub(crate) fn toml_error(text: &str, origin: &str, what: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim_end();
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{origin}:{line}:{col}: {what}{msg}")
        }
        None => format!("{origin}: {what}{msg}"),
    }
}

/// Edit distance over chars (insert, delete, substitute all cost 1).
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER_MODEL: &str = r#"
[[model]]
id = "my-model"
encoding = "o200k_base"
token_limit = 1000
training = 1
fine_tuned_input = 0.000001
fine_tuned_output = 2.5
base_input = 0.1
base_output = 0.2
"#;

    #[test]
    fn builtin_parses_and_is_complete() {
        let c = Catalog::builtin();
        assert_eq!(c.models().len(), 10);
        for m in c.models() {
            assert!(m.token_limit > 0, "{}", m.id);
            assert!(
                !m.prices_as_of.is_empty() && !m.source.is_empty(),
                "{}",
                m.id
            );
            assert!(
                m.training.0 > 0 && m.fine_tuned_input.is_some() && m.base_input.is_some(),
                "{}",
                m.id
            );
        }
        // Every name resolves to exactly one entry.
        let mut names: Vec<&str> = c
            .models()
            .iter()
            .flat_map(|m| {
                std::iter::once(m.id.as_str()).chain(m.aliases.iter().map(String::as_str))
            })
            .collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
    }

    #[test]
    fn builtin_values() {
        let c = Catalog::builtin();
        // The bare name means what OpenAI means by it: -0125, not the 2023 snapshot.
        assert_eq!(c.resolve("gpt-3.5-turbo").unwrap().id, "gpt-3.5-turbo-0125");
        assert_eq!(c.resolve("gpt-3.5-turbo").unwrap().token_limit, 16385);
        let m = c.resolve("gpt-3.5-turbo-0613").unwrap();
        assert_eq!(m.encoding(), Some(Encoding::Cl100kBase));
        assert_eq!(m.token_limit, 4096);
        assert_eq!(m.training, Price(8_000_000));
        assert_eq!(m.fine_tuned_input, Some(Price(12_000_000)));
        assert_eq!(m.fine_tuned_output, Some(Price(16_000_000)));
        assert_eq!(m.base_input, Some(Price(1_500_000)));
        assert_eq!(m.base_output, Some(Price(2_000_000)));
        assert_eq!(m.methods, vec![Method::Sft]);

        let mini = c.resolve("gpt-4o-mini").unwrap();
        assert_eq!(mini.id, "gpt-4o-mini-2024-07-18");
        assert_eq!(mini.encoding(), Some(Encoding::O200kBase));
        assert_eq!(mini.base_input, Some(Price(150_000)));
        assert_eq!(mini.fine_tuned_input, Some(Price(300_000)));

        for legacy in ["babbage-002", "davinci-002"] {
            let f = c.resolve(legacy).unwrap().formats.clone();
            assert_eq!(f, Some(vec!["prompt-completion".to_string()]));
        }
        // Ids are case-insensitive, as at the providers.
        assert_eq!(
            c.resolve("GPT-4o-Mini").unwrap().id,
            "gpt-4o-mini-2024-07-18"
        );
        assert_eq!(c.resolve("gpt-4.1-nano").unwrap().token_limit, 32768);
        assert_eq!(
            c.resolve("gpt-4o").unwrap().fine_tuned_input,
            Some(Price(3_750_000))
        );
    }

    #[test]
    fn training_state_on_a_date() {
        let c = Catalog::builtin();
        let mini = &c.resolve("gpt-4o-mini").unwrap().lifecycle;
        assert_eq!(
            mini.training_on("2024-07-22"),
            Training::NotYet("2024-07-23")
        );
        assert_eq!(
            mini.training_on("2024-07-23"),
            Training::Open(Some("2027-01-06"))
        );
        assert_eq!(
            mini.training_on("2027-01-05"),
            Training::Open(Some("2027-01-06"))
        );
        // The closing date is the first day without new jobs.
        assert!(matches!(
            mini.training_on("2027-01-06"),
            Training::Closed { on: "2027-01-06", source } if source.contains("deprecations page")
        ));
        // A model that stops serving first closes then, with that date's source.
        let l = Lifecycle {
            training_closes: Some("2027-02-01".into()),
            training_closes_source: Some("closes".into()),
            serving_ends: Some("2027-01-01".into()),
            serving_ends_source: Some("serving".into()),
            ..Lifecycle::default()
        };
        assert_eq!(
            l.training_on("2027-01-15"),
            Training::Closed {
                on: "2027-01-01",
                source: "serving"
            }
        );
        assert_eq!(
            Lifecycle::default().training_on("2999-01-01"),
            Training::Open(None)
        );
    }

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), "1970-01-01");
        assert_eq!(civil_from_days(20_786), "2026-11-29");
        assert_eq!(civil_from_days(11_016), "2000-02-29");
        assert_eq!(civil_from_days(-1), "1969-12-31");
        assert!(is_date(&today_utc()));
        assert_eq!(parse_date(" 2024-02-29 "), Ok("2024-02-29".into()));
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-00-10",
            "2026-1-1",
            "",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_date("2000-02-29"), Ok("2000-02-29".into()));
    }

    #[test]
    fn encoding_names_round_trip() {
        for &e in Encoding::ALL {
            assert_eq!(Encoding::from_name(e.name()), Some(e));
        }
        assert_eq!(Encoding::Cl100kBase.name(), "cl100k_base");
        assert_eq!(Encoding::from_name("p50k_base"), None);
    }

    #[test]
    fn price_conversion() {
        assert_eq!(Price::from_usd_per_million(0.15), Ok(Price(150_000)));
        assert_eq!(Price::from_usd_per_million(3.75), Ok(Price(3_750_000)));
        assert_eq!(Price::from_usd_per_million(0.000001), Ok(Price(1)));
        assert_eq!(Price::from_usd_per_million(0.0), Ok(Price(0)));
        assert!(Price::from_usd_per_million(-0.5).is_err());
        assert!(Price::from_usd_per_million(f64::NAN).is_err());
        assert!(Price::from_usd_per_million(f64::INFINITY).is_err());
        assert!(Price::from_usd_per_million(1e300).is_err());
        assert_eq!(Price(1_500_000).per_million_usd(), 1.5);
    }

    #[test]
    fn resolves_ids_aliases_and_fine_tuned_ids() {
        let c = Catalog::builtin();
        for name in [
            "gpt-4o-2024-08-06",
            "gpt-4o",
            "ft:gpt-4o-2024-08-06:my-org:custom_suffix:9abc",
            "ft:gpt-4o::9abc",
            "ft:gpt-4o",
        ] {
            assert_eq!(c.resolve(name).unwrap().id, "gpt-4o-2024-08-06", "{name}");
        }
    }

    #[test]
    fn unknown_names_get_suggestions() {
        let c = Catalog::builtin();
        let e = c.resolve("gpt-4o-mni").unwrap_err();
        assert!(
            e.starts_with("unknown model `gpt-4o-mni`; did you mean `gpt-4o-mini`"),
            "{e}"
        );
        assert!(e.ends_with('?'), "{e}");
        assert!(
            e.matches('`').count() <= 2 + 2 * 3,
            "at most 3 suggestions: {e}"
        );

        let e = c.resolve("GPT-3.5-TURBOO").unwrap_err();
        assert!(e.contains("`gpt-3.5-turbo`"), "{e}");

        let e = c.resolve("llama").unwrap_err();
        assert_eq!(e, "unknown model `llama`; run `ftlint models` for the list");

        let e = c.resolve("ft:gpt-4x:org::id").unwrap_err();
        assert!(
            e.starts_with("unknown base model `gpt-4x` in `ft:gpt-4x:org::id`; did you mean"),
            "{e}"
        );
    }

    #[test]
    fn price_format_is_exact() {
        assert_eq!(Price(8_000_000).format_usd(), "$8.00");
        assert_eq!(Price(150_000).format_usd(), "$0.15");
        assert_eq!(Price(3_750_000).format_usd(), "$3.75");
        assert_eq!(Price(25_000_000).format_usd(), "$25.00");
        assert_eq!(Price(1).format_usd(), "$0.000001");
        assert_eq!(Price(1_234_500).format_usd(), "$1.2345");
        assert_eq!(Price(0).format_usd(), "$0.00");
        // Per 1K: the same integers, three places further (no float in between).
        assert_eq!(Price(8_000_000).format_usd_per_thousand(), "$0.008");
        assert_eq!(Price(480_000).format_usd_per_thousand(), "$0.00048");
        assert_eq!(Price(1_000_000_000).format_usd_per_thousand(), "$1.00");
        assert_eq!(Price(1).format_usd_per_thousand(), "$0.000000001");
    }

    #[test]
    fn levenshtein_distance() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("abc", ""), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("flaw", "lawn"), 2);
        assert_eq!(levenshtein("héllo", "hello"), 1);
    }

    #[test]
    fn user_file_adds_and_overrides() {
        let mut c = Catalog::builtin();
        c.extend_from_toml(USER_MODEL, "mine.toml").unwrap();
        let m = c.resolve("my-model").unwrap();
        assert_eq!(m.training, Price(1_000_000)); // an integer price is accepted
        assert_eq!(m.fine_tuned_input, Some(Price(1)));
        assert_eq!(m.source, "mine.toml");
        assert_eq!(m.prices_as_of, "unknown");
        assert!(m.formats.is_none() && m.aliases.is_empty());
        assert_eq!(c.models().len(), 11);

        let over = r#"
[[model]]
id = "gpt-4o-mini-2024-07-18"
encoding = "o200k_base"
token_limit = 128000
training = 3.0
fine_tuned_input = 0.3
fine_tuned_output = 1.2
base_input = 0.15
base_output = 0.6
aliases = ["mini", "gpt-4o"]
"#;
        c.extend_from_toml(over, "over.toml").unwrap();
        assert_eq!(c.models().len(), 11);
        assert_eq!(
            c.models()[5].id,
            "gpt-4o-mini-2024-07-18",
            "replaced in place"
        );
        assert_eq!(
            c.resolve("gpt-4o-mini-2024-07-18").unwrap().token_limit,
            128000
        );
        assert_eq!(c.resolve("mini").unwrap().id, "gpt-4o-mini-2024-07-18");
        // The alias moved; the old owner lost it.
        assert_eq!(c.resolve("gpt-4o").unwrap().id, "gpt-4o-mini-2024-07-18");
        assert!(c.resolve("gpt-4o-2024-08-06").unwrap().aliases.is_empty());
        // The override did not keep the old alias.
        assert!(c.resolve("gpt-4o-mini").is_err());
    }

    #[test]
    fn user_file_errors() {
        let mut c = Catalog::builtin();
        let before = c.models().to_vec();

        let e = c
            .extend_from_toml(&USER_MODEL.replace("token_limit", "tokn_limit"), "u.toml")
            .unwrap_err();
        assert!(e.starts_with("u.toml:"), "{e}");
        assert!(e.contains("tokn_limit"), "{e}");
        assert!(!e.contains('\n'), "{e}");

        let e = c.extend_from_toml("[[modle]]\n", "u.toml").unwrap_err();
        assert!(e.starts_with("u.toml:1:") && e.contains("modle"), "{e}");

        let e = c
            .extend_from_toml(&USER_MODEL.replace("o200k_base", "p50k"), "u.toml")
            .unwrap_err();
        assert!(
            e.contains("model `my-model`") && e.contains("unknown tokenizer `p50k`"),
            "{e}"
        );

        let e = c
            .extend_from_toml(&USER_MODEL.replace("= 2.5", "= -2.5"), "u.toml")
            .unwrap_err();
        assert!(e.contains("`fine_tuned_output`"), "{e}");

        let e = c
            .extend_from_toml(&USER_MODEL.replace("= 1000", "= 0"), "u.toml")
            .unwrap_err();
        assert!(e.contains("token_limit"), "{e}");

        let e = c
            .extend_from_toml(&format!("{USER_MODEL}{USER_MODEL}"), "u.toml")
            .unwrap_err();
        assert!(e.contains("defined twice"), "{e}");

        let e = c
            .extend_from_toml("[[model]]\nid = \"x\"\n", "u.toml")
            .unwrap_err();
        assert!(e.starts_with("u.toml") && e.contains("tokenizer"), "{e}");

        assert_eq!(c.models(), &before[..], "failed loads change nothing");
        assert!(c.extend_from_toml("", "empty.toml").is_ok());
    }
}
