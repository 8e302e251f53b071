//! Token counting: the two engines, and the chat overhead of OpenAI's data-prep recipe.
//!
//! tiktoken-rs is the reference engine (OpenAI's own algorithm ported); bpe-openai gives
//! identical counts about 3× faster without building the token vector, so it is the
//! default. `tests/tokenizer_equivalence.rs` proves them equal on a broad corpus.
//! Content is always counted as ordinary text: special-token text such as
//! `<|endoftext|>` is split like any other text, as the recipe does.

use crate::hf::HfTokenizer;
use crate::models::Encoding;
use crate::pretok::Pattern;
use crate::record::Json;
use crate::settings::{OpenWeight, Settings};
use std::sync::Arc;

/// Per message: `<|start|>role<|message|>` framing, as the recipe counts it.
pub const TOKENS_PER_MESSAGE: u64 = 3;
/// A message with `name` costs one token more.
pub const TOKENS_PER_NAME: u64 = 1;
/// Every reply is primed with `<|start|>assistant<|message|>`.
pub const REPLY_PRIMING: u64 = 3;
/// A documented guess for an image part: the provider's low-detail tile cost. Marked as
/// an estimate in every report.
pub const TOKENS_PER_IMAGE: u64 = 85;

/// The function-definition constants of OpenAI's "How to count tokens" recipe
/// (`num_tokens_for_tools`), for `tools` / `functions`: an estimate.
struct ToolConstants {
    func_init: i64,
    prop_init: i64,
    prop_key: i64,
    enum_init: i64,
    enum_item: i64,
    func_end: i64,
}

const TOOLS_CL100K: ToolConstants = ToolConstants {
    func_init: 10,
    prop_init: 3,
    prop_key: 3,
    enum_init: -3,
    enum_item: 3,
    func_end: 12,
};
const TOOLS_O200K: ToolConstants = ToolConstants {
    func_init: 7,
    ..TOOLS_CL100K
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// bpe-openai: fast, counts without building tokens (default).
    Bpe,
    /// tiktoken-rs: the reference port of OpenAI's tiktoken.
    Tiktoken,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Bpe => "bpe",
            Engine::Tiktoken => "tiktoken",
        }
    }
}

pub struct Tokenizer {
    engine: Engine,
    encoding: Encoding,
    /// The model's image formula; None counts an image as a flat estimate.
    image_cost: Option<crate::image::ImageCostRule>,
    pattern: Pattern,
    tik: Option<&'static tiktoken_rs::CoreBPE>,
    bpe: Option<&'static bpe_openai::Tokenizer>,
}

impl Tokenizer {
    /// Loads the engine's tables now, so the parallel section never races to build them.
    pub fn new(engine: Engine, encoding: Encoding) -> Tokenizer {
        let (tik, bpe) = match engine {
            Engine::Tiktoken => (
                Some(match encoding {
                    Encoding::Cl100kBase => tiktoken_rs::cl100k_base_singleton(),
                    Encoding::O200kBase => tiktoken_rs::o200k_base_singleton(),
                }),
                None,
            ),
            Engine::Bpe => (
                None,
                Some(match encoding {
                    Encoding::Cl100kBase => bpe_openai::cl100k_base(),
                    Encoding::O200kBase => bpe_openai::o200k_base(),
                }),
            ),
        };
        let pattern = match encoding {
            Encoding::Cl100kBase => Pattern::Cl100k,
            Encoding::O200kBase => Pattern::O200k,
        };
        let t = Tokenizer {
            engine,
            encoding,
            image_cost: None,
            pattern,
            tik,
            bpe,
        };
        t.count("warm up");
        t
    }

    /// Counts images with the model's formula (OpenAI's tiles or patches).
    pub fn with_image_cost(mut self, rule: Option<crate::image::ImageCostRule>) -> Tokenizer {
        self.image_cost = rule;
        self
    }

    /// Tokens of one `image_url` part, and whether the figure is exact: a data URL's
    /// real size through the model's formula; a web URL (size unknown) at the most its
    /// detail can cost; without a formula, the flat low-detail figure.
    pub fn count_image(&self, part: &Json) -> (u64, bool) {
        use crate::image::{self, Detail, ImageSource};
        let Some(rule) = &self.image_cost else {
            return (TOKENS_PER_IMAGE, false);
        };
        let image_url = part.get("image_url");
        let detail = image_url
            .and_then(|u| u.get("detail"))
            .and_then(Json::as_str)
            .and_then(Detail::parse)
            .unwrap_or_default();
        let url = image_url.and_then(|u| u.get("url")).and_then(Json::as_str);
        match url.map(|u| image::inspect_image_url(u, u64::MAX)) {
            Some(Ok(ImageSource::Data(d))) => {
                (image::image_tokens(d.width, d.height, detail, rule), true)
            }
            _ => (image::max_image_tokens(detail, rule), detail == Detail::Low),
        }
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    pub fn count(&self, text: &str) -> u64 {
        if text.is_empty() {
            return 0;
        }
        if let Some(b) = self.bpe {
            count_cached(b, self.pattern, text)
        } else if let Some(t) = self.tik {
            self.count_tiktoken(t, text)
        } else {
            unreachable!("a Tokenizer always holds one engine")
        }
    }

    /// tiktoken-rs's count, except that a pre-tokenizer piece over `TIKTOKEN_MAX_PIECE`
    /// bytes (one long run without a space: a line of CJK, base64) is counted by
    /// bpe-openai's BPE, which gives the same count for a piece (the equivalence tests
    /// prove it) in linear time: tiktoken's merge loop is quadratic in a piece's length
    /// (5 MB of Japanese without a space: 8 s and memory growing faster than the text).
    /// The text between long pieces goes to tiktoken in stretches of at most 1 MiB cut
    /// at piece boundaries, so its token vector stays small too.
    fn count_tiktoken(&self, t: &tiktoken_rs::CoreBPE, text: &str) -> u64 {
        const STRETCH: usize = 1 << 20;
        if text.len() <= TIKTOKEN_MAX_PIECE {
            return t.encode_ordinary(text).len() as u64;
        }
        let splitter = match self.encoding {
            Encoding::Cl100kBase => bpe_openai::cl100k_base(),
            Encoding::O200kBase => bpe_openai::o200k_base(),
        };
        let tik = |s: &str| t.encode_ordinary(s).len() as u64;
        let (mut n, mut run, mut pos) = (0, 0, 0);
        for piece in crate::pretok::split(splitter, self.pattern, text) {
            if piece.len() > TIKTOKEN_MAX_PIECE {
                if pos > run {
                    n += tik(&text[run..pos]);
                }
                n += splitter.bpe.count(piece.as_bytes()) as u64;
                run = pos + piece.len();
            } else if pos - run >= STRETCH {
                n += tik(&text[run..pos]);
                run = pos;
            }
            pos += piece.len();
        }
        if run < text.len() {
            n += tik(&text[run..]);
        }
        n
    }

    fn tool_constants(&self) -> &'static ToolConstants {
        match self.encoding {
            Encoding::Cl100kBase => &TOOLS_CL100K,
            Encoding::O200kBase => &TOOLS_O200K,
        }
    }

    /// Tokens of a `tools` (or legacy `functions`) array, by the recipe's constants.
    pub fn count_tool_definitions(&self, tools: &[Json]) -> u64 {
        if tools.is_empty() {
            return 0;
        }
        let c = self.tool_constants();
        let mut n: i64 = 0;
        for t in tools {
            let f = t.get("function").unwrap_or(t);
            n += c.func_init;
            let name = f.get("name").and_then(Json::as_str).unwrap_or("");
            let desc = f.get("description").and_then(Json::as_str).unwrap_or("");
            let desc = desc.strip_suffix('.').unwrap_or(desc);
            n += self.count(&format!("{name}:{desc}")) as i64;
            let props = f
                .get("parameters")
                .and_then(|p| p.get("properties"))
                .and_then(Json::as_object)
                .unwrap_or(&[]);
            if !props.is_empty() {
                n += c.prop_init;
                for (key, p) in props {
                    n += c.prop_key;
                    if let Some(items) = p.get("enum").and_then(Json::as_array) {
                        n += c.enum_init;
                        for item in items {
                            n += c.enum_item;
                            n += self.count(&enum_item_text(item)) as i64;
                        }
                    }
                    let ty = p.get("type").and_then(Json::as_str).unwrap_or("");
                    let pd = p.get("description").and_then(Json::as_str).unwrap_or("");
                    let pd = pd.strip_suffix('.').unwrap_or(pd);
                    n += self.count(&format!("{key}:{ty}:{pd}")) as i64;
                }
            }
        }
        n += c.func_end;
        n.max(0) as u64
    }
}

/// See `Tokenizer::count_tiktoken`.
pub const TIKTOKEN_MAX_PIECE: usize = 1024;

/// Whole strings at least this long are looked up before tokenizing: datasets repeat
/// their system prompts in most examples.
const WHOLE_STRING_MIN: usize = 64;
/// Per-thread cache sizes; a full cache is cleared, so memory stays bounded (about 2 MB
/// of whole-string entries, 8 MB of short pieces and 16 MB of long piece keys a thread).
const MAX_WHOLE_STRINGS: usize = 1 << 16;
const MAX_SMALL_PIECES: usize = 1 << 18;
const MAX_PIECES: usize = 1 << 18;
/// Bytes of long piece keys a thread may hold before its cache is cleared.
const MAX_PIECE_BYTES: usize = 16 << 20;
/// Longer pieces (a run of base64, a pasted blob) seldom repeat: counted directly.
const MAX_CACHED_PIECE: usize = 1024;
/// Pieces up to this long are packed with their length into one u128 key.
const SMALL_PIECE: usize = 15;

type FxMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;

#[derive(Default)]
struct CountCache {
    /// The tokenizer the entries belong to (its address): one thread may count with
    /// several encodings in turn.
    owner: usize,
    /// xxh3-128 of a whole string → its count.
    whole: FxMap<u128, u64>,
    /// A short piece (most words), packed (`pack`) → its BPE count: no allocation and
    /// one integer compare per lookup.
    small: FxMap<u128, u32>,
    /// A longer pre-tokenizer piece → its BPE count.
    pieces: FxMap<Box<[u8]>, u32>,
    piece_bytes: usize,
    /// Piece lookups and hits since the last check of the hit rate.
    lookups: u32,
    hits: u32,
    /// Pieces still to count without the cache: text where nothing repeats (random
    /// base64, a long run of unusual script) would only pay for lookups and inserts.
    bypass: u32,
}

/// Every `RATE_WINDOW` piece lookups, a hit rate under 1 in `MIN_HIT_RATE` turns the
/// piece cache off for the next `BYPASS` pieces, after which it is tried again.
const RATE_WINDOW: u32 = 2048;
const MIN_HIT_RATE: u32 = 4;
const BYPASS: u32 = 1 << 16;

/// The bytes of a piece of at most 15 bytes and its length, in one integer.
fn pack(b: &[u8]) -> u128 {
    let mut buf = [0u8; 16];
    buf[..b.len()].copy_from_slice(b);
    buf[15] = b.len() as u8;
    u128::from_le_bytes(buf)
}

thread_local! {
    static CACHE: std::cell::RefCell<CountCache> = std::cell::RefCell::default();
}

/// bpe-openai's `count` is Σ bpe.count(piece) over the pre-tokenizer's pieces; this is the
/// same sum with each distinct piece counted once per thread, and the pieces cut by
/// `pretok` (bpe-openai's split, by hand on ASCII). Words repeat, so most pieces skip the
/// BPE. Exact by construction; `tests/tokenizer_equivalence.rs` checks it against
/// tiktoken-rs anyway.
fn count_cached(tok: &'static bpe_openai::Tokenizer, pattern: Pattern, text: &str) -> u64 {
    CACHE.with(|cell| {
        let mut cache = cell.borrow_mut();
        let cache = &mut *cache;
        let owner = std::ptr::from_ref(tok) as usize;
        if cache.owner != owner {
            cache.whole.clear();
            cache.small.clear();
            cache.pieces.clear();
            cache.piece_bytes = 0;
            cache.owner = owner;
        }
        let key =
            (text.len() >= WHOLE_STRING_MIN).then(|| xxhash_rust::xxh3::xxh3_128(text.as_bytes()));
        if let Some(k) = key
            && let Some(&n) = cache.whole.get(&k)
        {
            return n;
        }
        if cache.small.len() > MAX_SMALL_PIECES {
            cache.small.clear();
        }
        if cache.pieces.len() > MAX_PIECES || cache.piece_bytes > MAX_PIECE_BYTES {
            cache.pieces.clear();
            cache.piece_bytes = 0;
        }
        if cache.whole.len() > MAX_WHOLE_STRINGS {
            cache.whole.clear();
        }
        let n = if text.len() >= 2 * SEGMENT_MIN {
            // Sentences repeat even when whole messages do not: count by segments cut at
            // certain piece boundaries, each looked up whole.
            let mut n = 0;
            let mut start = 0;
            for p in segment_cuts(text) {
                n += count_segment(cache, tok, pattern, &text[start..p]);
                start = p;
            }
            n + count_segment(cache, tok, pattern, &text[start..])
        } else {
            count_pieces(cache, tok, pattern, text)
        };
        if let Some(k) = key {
            cache.whole.insert(k, n);
        }
        n
    })
}

/// Segments shorter than this are counted piece by piece, not looked up whole.
const SEGMENT_MIN: usize = 24;

/// Where a long text is cut into segments counted apart: at sentence ends, chosen by
/// the text alone (not by the distance from the last cut) so that a sentence that
/// repeats is cut alike wherever it appears. Both cuts are piece boundaries in both
/// split patterns, and every piece is matched from its own start with no look-behind,
/// so the pieces of the parts are those of the whole:
/// - a space after `.`, `!` or `?`: no piece holds punctuation followed by a space (a
///   punctuation run stops at whitespace; a word's optional leading character must be
///   followed by a letter);
/// - `。` after a kana or CJK ideograph (letters in every Unicode version): no piece
///   holds a letter followed by punctuation (a letter run stops there, and `。` can
///   only start a word as its leading character).
pub(crate) fn segment_cuts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let b = text.as_bytes();
    // Two searches for rare bytes (a space is too common to search for), merged in order.
    let mut ends = memchr::memchr3_iter(b'.', b'!', b'?', b)
        .map(|p| p + 1)
        .filter(|&p| b.get(p) == Some(&b' '))
        .peekable();
    let mut maru = memchr::memmem::find_iter(b, "。".as_bytes())
        .filter(|&p| {
            p >= 3
                && text
                    .get(p - 3..p)
                    .and_then(|s| s.chars().next())
                    .is_some_and(|c| {
                        matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FA5}')
                    })
        })
        .peekable();
    std::iter::from_fn(move || match (ends.peek(), maru.peek()) {
        (Some(&a), Some(&m)) if m < a => maru.next(),
        (Some(_), _) => ends.next(),
        (None, _) => maru.next(),
    })
}

/// A segment's count, looked up whole when it is long enough to be worth it.
fn count_segment(
    cache: &mut CountCache,
    tok: &'static bpe_openai::Tokenizer,
    pattern: Pattern,
    seg: &str,
) -> u64 {
    if seg.len() < SEGMENT_MIN {
        return count_pieces(cache, tok, pattern, seg);
    }
    let k = xxhash_rust::xxh3::xxh3_128(seg.as_bytes());
    if let Some(&n) = cache.whole.get(&k) {
        return n;
    }
    let n = count_pieces(cache, tok, pattern, seg);
    if cache.whole.len() > MAX_WHOLE_STRINGS {
        cache.whole.clear();
    }
    cache.whole.insert(k, n);
    n
}

/// Σ over the pieces of their BPE counts, each distinct piece counted once per thread.
fn count_pieces(
    cache: &mut CountCache,
    tok: &'static bpe_openai::Tokenizer,
    pattern: Pattern,
    text: &str,
) -> u64 {
    let mut n = 0u64;
    for piece in crate::pretok::split(tok, pattern, text) {
        let bytes = piece.as_bytes();
        if cache.bypass > 0 || bytes.len() > MAX_CACHED_PIECE {
            cache.bypass = cache.bypass.saturating_sub(1);
            n += tok.bpe.count(bytes) as u64;
            continue;
        }
        cache.lookups += 1;
        if cache.lookups == RATE_WINDOW {
            if cache.hits * MIN_HIT_RATE < RATE_WINDOW {
                cache.bypass = BYPASS;
            }
            cache.lookups = 0;
            cache.hits = 0;
        }
        let found = if bytes.len() <= SMALL_PIECE {
            cache.small.get(&pack(bytes)).copied()
        } else {
            cache.pieces.get(bytes).copied()
        };
        let c = match found {
            Some(c) => {
                cache.hits += 1;
                c
            }
            None => {
                let c = tok.bpe.count(bytes) as u32;
                if bytes.len() <= SMALL_PIECE {
                    cache.small.insert(pack(bytes), c);
                } else {
                    cache.piece_bytes += bytes.len();
                    cache.pieces.insert(bytes.into(), c);
                }
                c
            }
        };
        n += u64::from(c);
    }
    n
}

fn enum_item_text(item: &Json) -> String {
    match item {
        Json::Str(s) => s.to_string(),
        Json::Int(i) => i.to_string(),
        Json::Float(f) => f.to_string(),
        Json::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// What counts a run's tokens: an OpenAI encoding with the data-prep recipe's chat
/// overhead, or an open-weight model's own tokenizer and chat template (`crate::hf`).
pub enum Counter {
    OpenAi(Tokenizer),
    HuggingFace {
        tokenizer: Arc<HfTokenizer>,
        /// What reports name as the encoding: `hf:ORG/NAME`, or the folder given.
        label: String,
    },
}

impl Counter {
    /// The counter a run uses: None when linting only, or when the model's tokenizer
    /// is neither built in nor found (the report then says why; see `uncounted`).
    pub fn for_settings(settings: &Settings) -> Option<Counter> {
        if settings.lint_only {
            return None;
        }
        match (&settings.open_weight, settings.model.encoding()) {
            (
                Some(OpenWeight::Loaded {
                    tokenizer, label, ..
                }),
                _,
            ) => Some(Counter::HuggingFace {
                tokenizer: Arc::clone(tokenizer),
                label: label.clone(),
            }),
            (Some(OpenWeight::Missing { .. }), _) | (None, None) => None,
            (None, Some(encoding)) => Some(Counter::OpenAi(
                Tokenizer::new(settings.engine, encoding)
                    .with_image_cost(settings.model.image_cost),
            )),
        }
    }

    /// (encoding, engine) as reports name them.
    pub fn names(&self) -> (String, &'static str) {
        match self {
            Counter::OpenAi(t) => (t.encoding().name().to_string(), t.engine().as_str()),
            Counter::HuggingFace { label, .. } => (label.clone(), "tokenizers"),
        }
    }

    /// A chat record. Err: the model's chat template refused the record (its message).
    pub fn count_chat(&self, record: &Json) -> Result<ExampleTokens, String> {
        match self {
            Counter::OpenAi(t) => Ok(count_chat(t, record)),
            Counter::HuggingFace { tokenizer, .. } => {
                tokenizer.count_chat(record).map(|t| with_images(t, record))
            }
        }
    }

    pub fn count_preference(&self, record: &Json) -> Result<ExampleTokens, String> {
        match self {
            Counter::OpenAi(t) => Ok(count_preference(t, record)),
            Counter::HuggingFace { tokenizer, .. } => tokenizer
                .count_preference(record)
                .map(|t| with_images(t, record.get("input").unwrap_or(&Json::Null))),
        }
    }

    pub fn count_prompt_completion(&self, record: &Json) -> Result<ExampleTokens, String> {
        match self {
            Counter::OpenAi(t) => Ok(count_prompt_completion(t, record)),
            Counter::HuggingFace { tokenizer, .. } => tokenizer.count_prompt_completion(record),
        }
    }

    /// Plain text, no template and no special tokens.
    pub fn count_text(&self, text: &str) -> Result<u64, String> {
        match self {
            Counter::OpenAi(t) => Ok(t.count(text)),
            Counter::HuggingFace { tokenizer, .. } => tokenizer.count_text(text),
        }
    }
}

/// A template writes an image as its placeholder tokens; the vision tokens the model's
/// processor adds for it are not counted, so such an example is an estimate.
fn with_images(mut t: ExampleTokens, chat: &Json) -> ExampleTokens {
    let image = |p: &Json| {
        matches!(
            p.get("type").and_then(Json::as_str),
            Some("image_url" | "image")
        )
    };
    t.estimated |= chat
        .get("messages")
        .and_then(Json::as_array)
        .unwrap_or(&[])
        .iter()
        .filter_map(|m| m.get("content").and_then(Json::as_array))
        .any(|parts| parts.iter().any(image));
    t
}

/// What one valid example costs, in tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExampleTokens {
    /// Σ per message (3 + role + content [+ name + 1]) + 3, plus tool figures.
    pub total: u64,
    /// Assistant messages whose weight is not 0: what training learns from.
    pub trained: u64,
    /// Everything before the last assistant message, with overhead and reply priming:
    /// what a request to the tuned model would send.
    pub prompt: u64,
    /// The last assistant message's content: what the tuned model would answer.
    pub completion: u64,
    /// Tool calls, tool definitions, images or content parts were counted by estimate.
    pub estimated: bool,
}

/// Counts a chat example that validated (messages is an array of objects).
pub fn count_chat(tok: &Tokenizer, record: &Json) -> ExampleTokens {
    let mut t = ExampleTokens::default();
    let messages = record
        .get("messages")
        .and_then(Json::as_array)
        .unwrap_or(&[]);
    let last_assistant = messages
        .iter()
        .rposition(|m| m.get("role").and_then(Json::as_str) == Some("assistant"));
    let mut running = 0u64;
    for (i, m) in messages.iter().enumerate() {
        let Some(fields) = m.as_object() else {
            continue;
        };
        let is_assistant = m.get("role").and_then(Json::as_str) == Some("assistant");
        let mut msg = TOKENS_PER_MESSAGE;
        let mut content_tokens = 0u64;
        for (key, value) in fields {
            match (key.as_ref(), value) {
                ("weight", _) => {}
                ("content", Json::Str(s)) => content_tokens += tok.count(s),
                ("content", Json::Array(parts)) => {
                    t.estimated = true;
                    for p in parts {
                        match p.get("type").and_then(Json::as_str) {
                            Some("image_url") => content_tokens += tok.count_image(p).0,
                            _ => {
                                for k in ["text", "refusal"] {
                                    if let Some(s) = p.get(k).and_then(Json::as_str) {
                                        content_tokens += tok.count(s);
                                    }
                                }
                            }
                        }
                    }
                }
                ("tool_calls", Json::Array(calls)) => {
                    t.estimated = true;
                    for c in calls {
                        if let Some(f) = c.get("function") {
                            content_tokens += count_function_call(tok, f);
                        }
                    }
                }
                ("function_call", f) => {
                    t.estimated = true;
                    content_tokens += count_function_call(tok, f);
                }
                ("name", Json::Str(s)) => msg += tok.count(s) + TOKENS_PER_NAME,
                // role, tool_call_id, refusal: every other string is read as text, as
                // in the recipe.
                (_, Json::Str(s)) => msg += tok.count(s),
                _ => {}
            }
        }
        msg += content_tokens;
        if is_assistant && m.get("weight") != Some(&Json::Int(0)) {
            t.trained += content_tokens;
        }
        if Some(i) == last_assistant {
            t.prompt = running + REPLY_PRIMING;
            t.completion = content_tokens;
        }
        running += msg;
    }
    for key in ["tools", "functions"] {
        if let Some(defs) = record.get(key).and_then(Json::as_array) {
            t.estimated = true;
            let n = tok.count_tool_definitions(defs);
            running += n;
            t.prompt += n;
        }
    }
    t.total = running + REPLY_PRIMING;
    t
}

fn count_function_call(tok: &Tokenizer, f: &Json) -> u64 {
    ["name", "arguments"]
        .iter()
        .filter_map(|k| f.get(k).and_then(Json::as_str))
        .map(|s| tok.count(s))
        .sum()
}

/// A preference pair: the input conversation as a chat example (with its tools and the
/// reply priming), plus each output message with the per-message framing. Both replies
/// are trained on; the preferred one is the completion a request would get.
pub fn count_preference(tok: &Tokenizer, record: &Json) -> ExampleTokens {
    let input = record.get("input").unwrap_or(&Json::Null);
    let mut t = count_chat(tok, input);
    // count_chat gives the input's last assistant turn as the completion; an input
    // awaits its reply, so everything in it is prompt.
    t.prompt = t.total;
    t.trained = 0;
    t.completion = 0;
    for (i, key) in ["preferred_output", "non_preferred_output"]
        .iter()
        .enumerate()
    {
        let Some(msg) = record
            .get(key)
            .and_then(Json::as_array)
            .and_then(|a| a.first())
        else {
            continue;
        };
        let reply = count_chat(
            tok,
            &Json::Object(vec![("messages".into(), Json::Array(vec![msg.clone()]))]),
        );
        // The reply's own framing, without a second reply priming.
        t.total += reply.total - REPLY_PRIMING;
        t.trained += reply.completion;
        t.estimated |= reply.estimated;
        if i == 0 {
            t.completion = reply.completion;
        }
    }
    t
}

/// Prompt/completion: the two texts, no chat framing.
pub fn count_prompt_completion(tok: &Tokenizer, record: &Json) -> ExampleTokens {
    let p = record
        .get("prompt")
        .and_then(Json::as_str)
        .map_or(0, |s| tok.count(s));
    let c = record
        .get("completion")
        .and_then(Json::as_str)
        .map_or(0, |s| tok.count(s));
    ExampleTokens {
        total: p + c,
        trained: c,
        prompt: p,
        completion: c,
        estimated: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(tok: &Tokenizer, s: &str) -> ExampleTokens {
        count_chat(tok, &serde_json::from_str(s).unwrap())
    }

    #[test]
    fn recipe_formula_on_a_small_example() {
        for engine in [Engine::Bpe, Engine::Tiktoken] {
            let tok = Tokenizer::new(engine, Encoding::Cl100kBase);
            // "hello world" = 2 tokens; each role is 1 token in cl100k_base.
            let t = chat(
                &tok,
                r#"{"messages":[{"role":"user","content":"hello world"},{"role":"assistant","content":"hello world","weight":1}]}"#,
            );
            assert_eq!(t.total, (3 + 1 + 2) * 2 + 3);
            assert_eq!(t.trained, 2);
            assert_eq!(t.prompt, 3 + 1 + 2 + 3);
            assert_eq!(t.completion, 2);
            assert!(!t.estimated);
        }
    }

    #[test]
    fn name_costs_one_more_and_weight_zero_trains_nothing() {
        let tok = Tokenizer::new(Engine::Bpe, Encoding::Cl100kBase);
        let t = chat(
            &tok,
            r#"{"messages":[{"role":"user","name":"bob","content":"hello world"},{"role":"assistant","content":"hello world","weight":0}]}"#,
        );
        assert_eq!(t.total, (3 + 1 + 2 + 1 + 1) + (3 + 1 + 2) + 3);
        assert_eq!(t.trained, 0);
    }

    /// "Omitting `parameters` defines a function with an empty parameter list": it counts
    /// as one whose schema has no properties (rendered `() => any` either way); a
    /// definition with parameters keeps the recipe's figure.
    #[test]
    fn a_definition_without_parameters_counts_as_an_empty_parameter_list() {
        let defs = |s: &'static str| -> Vec<Json<'static>> {
            let v: Json = serde_json::from_str(s).unwrap();
            v.as_array().unwrap().to_vec()
        };
        for enc in [Encoding::Cl100kBase, Encoding::O200kBase] {
            let tok = Tokenizer::new(Engine::Bpe, enc);
            let c = tok.tool_constants();
            let bare = tok.count_tool_definitions(&defs(
                r#"[{"type":"function","function":{"name":"get_time"}}]"#,
            ));
            let empty = tok.count_tool_definitions(&defs(
                r#"[{"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{}}}}]"#,
            ));
            assert_eq!(bare, empty);
            assert_eq!(
                bare as i64,
                c.func_init + tok.count("get_time:") as i64 + c.func_end
            );
            let with = tok.count_tool_definitions(&defs(
                r#"[{"name":"get_weather","description":"Weather.","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City."}}}}]"#,
            ));
            assert_eq!(
                with as i64,
                c.func_init
                    + tok.count("get_weather:Weather") as i64
                    + c.prop_init
                    + c.prop_key
                    + tok.count("city:string:City") as i64
                    + c.func_end
            );
        }
    }

    #[test]
    fn segments_caches_and_the_hand_split_count_like_plain_bpe_openai() {
        let mut texts = vec![
            "Hello there. This is one! And two? Yes... 'Quoted.' End.  Spaces.\n\nNew. ".repeat(40),
            "東京です。日本語の文章。カタカナ。漢字。 mixed. ひらがな。。".repeat(40),
            "a. b! c? d.e f.  g.\t h.\n i.\r\n j.".repeat(100),
        ];
        // Many distinct pieces: enough lookups to switch the piece cache off and on.
        texts.push((0..20_000).map(|i| format!("w{i}x{} ", i * 7919)).collect());
        for (enc, bare) in [
            (Encoding::Cl100kBase, bpe_openai::cl100k_base()),
            (Encoding::O200kBase, bpe_openai::o200k_base()),
        ] {
            let tok = Tokenizer::new(Engine::Bpe, enc);
            let tik = Tokenizer::new(Engine::Tiktoken, enc);
            for t in &texts {
                let want = bare.count(t.as_str()) as u64;
                // Twice: cold and warm caches.
                assert_eq!(tok.count(t), want);
                assert_eq!(tok.count(t), want);
                assert_eq!(tik.count(t), want);
            }
        }
    }

    #[test]
    fn special_token_text_is_ordinary_text() {
        for engine in [Engine::Bpe, Engine::Tiktoken] {
            let tok = Tokenizer::new(engine, Encoding::Cl100kBase);
            assert!(tok.count("<|endoftext|>") > 1);
        }
    }
}

#[cfg(test)]
mod image_tests {
    use super::*;
    use crate::image::ImageCostRule;

    /// A PNG of `w`×`h` (signature, IHDR, an empty IDAT, IEND): the header is all the
    /// counter reads.
    fn png_data_url(w: u32, h: u32) -> String {
        let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]); // RGB; CRC not checked
        b.extend_from_slice(b"\x00\x00\x00\x00IDAT\x00\x00\x00\x00");
        b.extend_from_slice(b"\x00\x00\x00\x00IEND\xae\x42\x60\x82");
        let b64 = base64_encode(&b);
        format!("data:image/png;base64,{b64}")
    }

    fn base64_encode(data: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in data.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= c.len() {
                    out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    fn part(url: &str, detail: &str) -> Json<'static> {
        let s =
            format!(r#"{{"type":"image_url","image_url":{{"url":"{url}","detail":"{detail}"}}}}"#);
        // Leaked so the borrowed value lives for the test.
        serde_json::from_str(Box::leak(s.into_boxed_str())).unwrap()
    }

    #[test]
    fn images_count_by_the_models_formula_from_their_real_size() {
        let tok = Tokenizer::new(Engine::Bpe, Encoding::O200kBase)
            .with_image_cost(Some(ImageCostRule::tile(85, 170)));
        // OpenAI's worked example: 1024×1024, high detail → 768×768 → 4 tiles → 765.
        assert_eq!(
            tok.count_image(&part(&png_data_url(1024, 1024), "high")),
            (765, true)
        );
        // 2048×4096 → 1024×2048 → 768×1536 → 6 tiles → 1105.
        assert_eq!(
            tok.count_image(&part(&png_data_url(2048, 4096), "high")),
            (1105, true)
        );
        assert_eq!(
            tok.count_image(&part(&png_data_url(2048, 4096), "low")),
            (85, true)
        );
        // A web URL's size is unknown: the most its detail can cost, as an estimate.
        let (n, exact) = tok.count_image(&part("https://example.com/a.png", "high"));
        assert!(n >= 1105 && !exact, "{n}");
        // Without a formula, the flat figure, as an estimate.
        let plain = Tokenizer::new(Engine::Bpe, Encoding::O200kBase);
        assert_eq!(
            plain.count_image(&part(&png_data_url(8, 8), "high")),
            (85, false)
        );
    }
}
