//! The model catalog: encodings, token limits and prices, read from TOML.
//!
//! The built-in catalog is `models.toml` at the repository root, embedded at
//! build time so prices can be updated without touching code. A user file in
//! the same format (`--models FILE`) adds or replaces entries by id.

use serde::Deserialize;

const BUILTIN_TOML: &str = include_str!("../models.toml");
const BUILTIN_ORIGIN: &str = "built-in models.toml";

/// The model used when none is given.
pub const DEFAULT_MODEL: &str = "gpt-3.5-turbo";

/// The tokenizer a model uses.
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
        let cents_and_more = format!("{:06}", self.0 % 1_000_000);
        let frac = cents_and_more.trim_end_matches('0');
        format!("${}.{frac:0<2}", self.0 / 1_000_000)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub id: String,
    pub encoding: Encoding,
    /// Maximum tokens per training example.
    pub token_limit: u64,
    pub training: Price,
    pub fine_tuned_input: Price,
    pub fine_tuned_output: Price,
    pub base_input: Price,
    pub base_output: Price,
    pub prices_as_of: String,
    pub source: String,
    /// Takes prompt/completion records instead of chat messages.
    pub legacy: bool,
    pub aliases: Vec<String>,
}

/// The file layout; kept separate from `Model` so validation (encoding names,
/// prices) happens in one place with messages that name the file and entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    model: Vec<RawModel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    id: String,
    encoding: String,
    token_limit: u64,
    training: f64,
    fine_tuned_input: f64,
    fine_tuned_output: f64,
    base_input: f64,
    base_output: f64,
    // Optional so a user override can stay short; the built-in file sets them all.
    #[serde(default)]
    prices_as_of: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    legacy: bool,
    #[serde(default)]
    aliases: Vec<String>,
}

impl RawModel {
    fn into_model(self, origin: &str) -> Result<Model, String> {
        let ctx = |msg: String| format!("{origin}: model `{}`: {msg}", self.id);
        if self.id.trim().is_empty() {
            return Err(format!("{origin}: a model has an empty `id`"));
        }
        let encoding = Encoding::from_name(&self.encoding).ok_or_else(|| {
            ctx(format!(
                "unknown encoding `{}` (expected {})",
                self.encoding,
                Encoding::ALL
                    .iter()
                    .map(|e| format!("`{}`", e.name()))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ))
        })?;
        if self.token_limit == 0 {
            return Err(ctx("`token_limit` must be greater than 0".into()));
        }
        let price = |key: &str, v: f64| {
            Price::from_usd_per_million(v).map_err(|e| ctx(format!("`{key}`: {e}")))
        };
        Ok(Model {
            training: price("training", self.training)?,
            fine_tuned_input: price("fine_tuned_input", self.fine_tuned_input)?,
            fine_tuned_output: price("fine_tuned_output", self.fine_tuned_output)?,
            base_input: price("base_input", self.base_input)?,
            base_output: price("base_output", self.base_output)?,
            encoding,
            token_limit: self.token_limit,
            prices_as_of: self.prices_as_of.unwrap_or_else(|| "unknown".into()),
            source: self.source.unwrap_or_else(|| origin.to_string()),
            legacy: self.legacy,
            aliases: self.aliases,
            id: self.id,
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct Catalog {
    models: Vec<Model>,
}

impl Catalog {
    /// The embedded catalog. The `expect` cannot fire in a released binary:
    /// the embedded file is fixed at build time and a unit test parses it.
    pub fn builtin() -> Catalog {
        let mut catalog = Catalog::default();
        catalog
            .extend_from_toml(BUILTIN_TOML, BUILTIN_ORIGIN)
            .expect("the embedded models.toml is valid (checked by tests)");
        catalog
    }

    /// Adds the entries of a catalog file: an existing id is replaced in
    /// place, a new id is appended. Nothing changes if the file has an error.
    pub fn extend_from_toml(&mut self, text: &str, origin: &str) -> Result<(), String> {
        let raw: RawCatalog = toml::from_str(text).map_err(|e| toml_error(text, origin, "", &e))?;
        let mut incoming = Vec::with_capacity(raw.model.len());
        for r in raw.model {
            let m = r.into_model(origin)?;
            if incoming.iter().any(|o: &Model| o.id == m.id) {
                return Err(format!("{origin}: model `{}` is defined twice", m.id));
            }
            incoming.push(m);
        }
        for m in incoming {
            // A name belongs to one entry; the newest claim wins so a user file
            // can repoint an alias such as `gpt-4o` to another snapshot.
            for other in self.models.iter_mut().filter(|o| o.id != m.id) {
                other
                    .aliases
                    .retain(|a| *a != m.id && !m.aliases.contains(a));
            }
            match self.models.iter_mut().find(|o| o.id == m.id) {
                Some(slot) => *slot = m,
                None => self.models.push(m),
            }
        }
        Ok(())
    }

    /// Finds a model by id, alias, or fine-tuned id (`ft:BASE:org:suffix:id`,
    /// whose BASE is looked up the same way).
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
        self.models.iter().find(|m| m.id == name).or_else(|| {
            self.models
                .iter()
                .find(|m| m.aliases.iter().any(|a| a == name))
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

/// The `ftlint models` listing: one row per model, then where each price comes from.
pub fn render_catalog(catalog: &Catalog) -> String {
    const HEADER: [&str; 10] = [
        "MODEL", "ENCODING", "LIMIT", "TRAIN", "FT IN", "FT OUT", "BASE IN", "BASE OUT", "FORMAT",
        "AS OF",
    ];
    // Numeric columns align right, like the numbers they hold.
    const RIGHT: [bool; 10] = [
        false, false, true, true, true, true, true, true, false, false,
    ];
    let rows: Vec<[String; 10]> = catalog
        .models()
        .iter()
        .map(|m| {
            [
                m.id.clone(),
                m.encoding.name().to_string(),
                m.token_limit.to_string(),
                m.training.format_usd(),
                m.fine_tuned_input.format_usd(),
                m.fine_tuned_output.format_usd(),
                m.base_input.format_usd(),
                m.base_output.format_usd(),
                if m.legacy { "legacy" } else { "chat" }.to_string(),
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
    let mut out = line(&HEADER);
    for row in &rows {
        out.push_str(&line(&row.each_ref().map(String::as_str)));
    }
    out.push_str(
        "\nPrices are USD per 1M tokens; training is billed per trained token (tokens × epochs).\n",
    );
    out.push_str("Legacy models take prompt/completion records instead of chat messages.\n");
    let aliased: Vec<&Model> = catalog
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
    out.push_str("\nSources:\n");
    for m in catalog.models() {
        out.push_str(&format!("  {}: {}\n", m.id, m.source));
    }
    out
}

/// Edit distance over chars (insert, delete, substitute all cost 1).
fn levenshtein(a: &str, b: &str) -> usize {
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
                m.training.0 > 0 && m.fine_tuned_input.0 > 0 && m.base_input.0 > 0,
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
        let m = c.resolve(DEFAULT_MODEL).unwrap();
        assert_eq!(m.id, "gpt-3.5-turbo-0613");
        assert_eq!(m.encoding, Encoding::Cl100kBase);
        assert_eq!(m.token_limit, 4096);
        assert_eq!(m.training, Price(8_000_000));
        assert_eq!(m.fine_tuned_input, Price(12_000_000));
        assert_eq!(m.fine_tuned_output, Price(16_000_000));
        assert_eq!(m.base_input, Price(1_500_000));
        assert_eq!(m.base_output, Price(2_000_000));
        assert!(!m.legacy);

        let mini = c.resolve("gpt-4o-mini").unwrap();
        assert_eq!(mini.id, "gpt-4o-mini-2024-07-18");
        assert_eq!(mini.encoding, Encoding::O200kBase);
        assert_eq!(mini.base_input, Price(150_000));
        assert_eq!(mini.fine_tuned_input, Price(300_000));

        assert!(c.resolve("babbage-002").unwrap().legacy);
        assert!(c.resolve("davinci-002").unwrap().legacy);
        assert_eq!(c.resolve("gpt-4.1-nano").unwrap().token_limit, 32768);
        assert_eq!(
            c.resolve("gpt-4o").unwrap().fine_tuned_input,
            Price(3_750_000)
        );
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

        let e = c.resolve("GPT-3.5-TURBO").unwrap_err();
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
    }

    #[test]
    fn catalog_listing() {
        let c = Catalog::builtin();
        let text = render_catalog(&c);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("MODEL") && lines[0].ends_with("AS OF"),
            "{}",
            lines[0]
        );
        for (m, row) in c.models().iter().zip(&lines[1..]) {
            assert!(row.starts_with(&m.id), "{row}");
            assert!(
                row.contains(m.encoding.name()) && row.contains(&m.prices_as_of),
                "{row}"
            );
        }
        assert!(
            lines[1].contains("$12.00") && lines[1].contains("$16.00") && lines[1].contains("4096")
        );
        assert!(text.contains("  gpt-3.5-turbo -> gpt-3.5-turbo-0613\n"));
        assert!(text.contains("  gpt-3.5-turbo-0613: OpenAI fine-tuning launch post"));
        assert!(
            lines.iter().all(|l| l.len() == l.trim_end().len()),
            "no trailing spaces"
        );
        // Columns line up: every row is as wide as its widest cell allows.
        let price_col = lines[0].find("TRAIN").unwrap() + "TRAIN".len();
        for row in &lines[1..=c.models().len()] {
            assert_eq!(&row[price_col - 1..price_col], "0", "{row}");
        }
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
        assert_eq!(m.fine_tuned_input, Price(1));
        assert_eq!(m.source, "mine.toml");
        assert_eq!(m.prices_as_of, "unknown");
        assert!(!m.legacy && m.aliases.is_empty());
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
            e.contains("model `my-model`") && e.contains("unknown encoding `p50k`"),
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
        assert!(e.starts_with("u.toml") && e.contains("encoding"), "{e}");

        assert_eq!(c.models(), &before[..], "failed loads change nothing");
        assert!(c.extend_from_toml("", "empty.toml").is_ok());
    }
}
