//! Exact token counts for open-weight models: a Hugging Face tokenizer folder
//! (`tokenizer.json` + `tokenizer_config.json`), records rendered through the model's chat
//! template and tokenized as `transformers`' `apply_chat_template(messages, tools=…,
//! tokenize=True)` does (no generation prompt, `add_special_tokens=False`).
//!
//! Tokens are counted by `fast` where the tokenizer allows (byte-level BPE: Qwen, Llama 3,
//! DeepSeek, gpt-oss; the same tokens without building an `Encoding`, tested equal to the
//! crate in `tests/hf_reference.rs`), else by the `tokenizers` crate's encode.
//!
//! Which tokens are trained, and the prompt/completion split:
//! - Every message's share of the rendered text is found by markers the template prints
//!   at the start of each iteration of its message loop (see `template`); the markers
//!   are removed before tokenizing, so totals never depend on them.
//! - The last assistant message starts where `messages[..i]` rendered with
//!   `add_generation_prompt=True` stops, when that text is a prefix of the conversation's:
//!   prompt = those tokens, completion = the rest of that message's iteration. That is how
//!   TRL splits a conversational prompt/completion, and it is tested equal to transformers
//!   on every record where the conversation's tokens start with the prompt's.
//! - Other assistant messages (and the last one when the prefix does not hold) start at
//!   their iteration, after the generation-prompt head when the iteration begins with it
//!   (what `add_generation_prompt=True` appends to a one-message conversation, e.g.
//!   `<|im_start|>assistant\n`); an approximation where a template writes the head in the
//!   previous message's iteration or varies it (DeepSeek after tool outputs).
//! - A span ends where the next message's iteration starts: template text such as Qwen3's
//!   `<think>\n\n</think>\n\n` and the end-of-turn token are trained. Tokens are assigned
//!   by their start offset.
//! - A template with `{% generation %}` blocks (TRL's training templates) defines the
//!   trained tokens itself: they are counted exactly as `return_assistant_tokens_mask`
//!   marks them (`char_to_token` of each block's first and last char; tested equal).
//! - `weight: 0` assistant messages are not trained.
//!
//! Where a message is never marked (a template that copies messages into new dicts, or a
//! record holding U+FDD0..U+FDD2), its span comes from prefix renders instead: the text
//! shared with `messages[..i]` rendered with a generation prompt starts it, the text shared
//! with `messages[..=i]` ends it.

pub mod cache;
mod fast;
mod py;
pub mod template;

pub use cache::{download_command, find_in_hf_cache, hub_cache_dir};

use crate::record::Json;
use crate::tokens::ExampleTokens;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::SystemTime;
use template::{ChatTemplate, Prepared, Rendered};
use tokenizers::Tokenizer;

/// A tokenizer folder that could not be used: the file and the fault.
#[derive(Debug)]
pub enum HfError {
    /// The file is missing or unreadable.
    Read { path: PathBuf, message: String },
    /// `tokenizer.json` does not load.
    Tokenizer { path: PathBuf, message: String },
    /// `tokenizer_config.json` is not the expected JSON.
    Config { path: PathBuf, message: String },
    /// A chat template does not compile.
    Template {
        path: PathBuf,
        name: String,
        line: Option<usize>,
        message: String,
    },
}

impl fmt::Display for HfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HfError::Read { path, message } => write!(f, "{}: {message}", path.display()),
            HfError::Tokenizer { path, message } => {
                write!(f, "{}: not a usable tokenizer: {message}", path.display())
            }
            HfError::Config { path, message } => write!(f, "{}: {message}", path.display()),
            HfError::Template {
                path,
                name,
                line,
                message,
            } => {
                write!(f, "{}: chat template", path.display())?;
                if name != "default" {
                    write!(f, " {name:?}")?;
                }
                if let Some(l) = line {
                    write!(f, " line {l}")?;
                }
                write!(f, ": {message}")
            }
        }
    }
}

impl std::error::Error for HfError {}

/// A loaded tokenizer folder. `Send + Sync`: one instance serves every rayon thread (the
/// compiled template lives in a shared minijinja environment; rendering takes `&self`).
pub struct HfTokenizer {
    tokenizer: Arc<Tokenizer>,
    template: Option<ChatTemplate>,
    dir: PathBuf,
    /// The config's `model_max_length`, when it is a real context length.
    model_max_length: Option<u64>,
    /// The fast exact counter (`fast`), or why this tokenizer has none.
    fast: Result<fast::Fast, String>,
    use_fast: bool,
}

/// The named special tokens `transformers` passes to every template (`special_tokens_map`).
const SPECIAL_TOKENS: [&str; 7] = [
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
];

impl HfTokenizer {
    /// Loads `dir/tokenizer.json` and, when present, `dir/tokenizer_config.json` and the
    /// chat templates (`chat_template.jinja` and `additional_chat_templates/*.jinja` win
    /// over the config's `chat_template`, as in `transformers`).
    pub fn load(dir: &Path) -> Result<HfTokenizer, HfError> {
        let tokenizer = load_tokenizer(&dir.join("tokenizer.json"))?;
        let cfg_path = dir.join("tokenizer_config.json");
        let config: serde_json::Value = match std::fs::read(&cfg_path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| HfError::Config {
                path: cfg_path.clone(),
                message: format!("not valid JSON: {e}"),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::Value::Null,
            Err(e) => {
                return Err(HfError::Read {
                    path: cfg_path,
                    message: e.to_string(),
                });
            }
        };
        if !config.is_null() && !config.is_object() {
            return Err(HfError::Config {
                path: cfg_path,
                message: "not a JSON object".into(),
            });
        }
        let mut special = Vec::new();
        for name in SPECIAL_TOKENS {
            let text = match config.get(name) {
                None | Some(serde_json::Value::Null) => continue,
                Some(serde_json::Value::String(s)) => s.clone(),
                // An AddedToken dict: {"content": "<s>", "lstrip": false, …}.
                Some(serde_json::Value::Object(o)) => match o.get("content") {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    _ => {
                        return Err(HfError::Config {
                            path: cfg_path,
                            message: format!("{name} is a dict without a string \"content\""),
                        });
                    }
                },
                Some(_) => {
                    return Err(HfError::Config {
                        path: cfg_path,
                        message: format!("{name} is neither a string nor an AddedToken dict"),
                    });
                }
            };
            special.push((name, text));
        }

        let (templates, template_path) = read_templates(dir, &cfg_path, &config)?;
        let template = if templates.is_empty() {
            None
        } else {
            Some(
                ChatTemplate::new(templates, special).map_err(|e| HfError::Template {
                    path: template_path.clone(),
                    name: e.name,
                    line: e.line,
                    message: e.message,
                })?,
            )
        };
        // `transformers` writes 1e30 for "no limit": only a plausible context counts.
        let model_max_length = config
            .get("model_max_length")
            .and_then(serde_json::Value::as_u64)
            .filter(|&n| n > 0 && n <= 1 << 24);
        Ok(HfTokenizer {
            fast: fast::Fast::new(tokenizer.clone()),
            use_fast: true,
            tokenizer,
            template,
            dir: dir.to_path_buf(),
            model_max_length,
        })
    }

    /// `model_max_length` of `tokenizer_config.json`, when it is a real context length.
    pub fn model_max_length(&self) -> Option<u64> {
        self.model_max_length
    }

    /// How tokens are counted: the fast path's description, or why the exact
    /// `tokenizers` encode is used for every text.
    pub fn counting_path(&self) -> Result<&str, &str> {
        match &self.fast {
            Ok(f) if self.use_fast => Ok(&f.describe),
            Ok(_) => Err("fast path turned off"),
            Err(e) => Err(e),
        }
    }

    /// Turns the fast path off (on again with `true`): for tests and benchmarks that
    /// compare it with the exact `tokenizers` encode.
    pub fn set_fast_path(&mut self, on: bool) {
        self.use_fast = on;
    }

    /// Tokens of `text` (no special tokens added) and, for each cut (a char boundary), how
    /// many of them start before it, as `encode(text, false)`'s offsets say. The fast path
    /// when it applies, else the exact encode.
    pub fn tokens_before(&self, text: &str, cuts: &[usize]) -> Result<(u64, Vec<u64>), String> {
        if self.use_fast
            && let Ok(f) = &self.fast
            && let Some(r) = f.count(text, cuts)?
        {
            return Ok(r);
        }
        let enc = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| e.to_string())?;
        let offsets = enc.get_offsets();
        Ok((
            offsets.len() as u64,
            cuts.iter()
                .map(|&c| offsets.partition_point(|o| o.0 < c) as u64)
                .collect(),
        ))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn has_chat_template(&self) -> bool {
        self.template.is_some()
    }

    /// Whether the template marks trained spans itself with `{% generation %}`.
    pub fn has_generation_blocks(&self) -> bool {
        self.template.as_ref().is_some_and(|t| t.has_generation)
    }

    /// Tokens of plain text, no special tokens added.
    pub fn count_text(&self, text: &str) -> Result<u64, String> {
        if self.use_fast
            && let Ok(f) = &self.fast
            && let Some((n, _)) = f.count(text, &[])?
        {
            return Ok(n);
        }
        self.tokenizer
            .encode_fast(text, false)
            .map(|e| e.len() as u64)
            .map_err(|e| e.to_string())
    }

    /// The text `apply_chat_template(messages, tools=…, tokenize=False)` renders.
    pub fn render_chat(&self, record: &Json) -> Result<String, String> {
        let t = self.chat_template()?;
        let (messages, tools) = chat_parts(record)?;
        t.render_plain(&messages, tools, false)
    }

    fn chat_template(&self) -> Result<&ChatTemplate, String> {
        self.template.as_ref().ok_or_else(|| {
            format!(
                "{} has no chat template",
                self.dir.join("tokenizer_config.json").display()
            )
        })
    }

    /// A chat record `{"messages": [...], "tools"?: [...]}`: total as `apply_chat_template`
    /// counts it; trained, prompt and completion as the module doc says.
    pub fn count_chat(&self, record: &Json) -> Result<ExampleTokens, String> {
        let t = self.chat_template()?;
        let (messages, tools) = chat_parts(record)?;
        // Converted once: the prefix renders below reuse the values.
        let p = t.prepare(&messages, tools, true)?;
        let r = t.render_prepared(&p, messages.len(), false, true)?;
        let last = messages.iter().rposition(|m| is_assistant(m));
        // Every marked iteration start, sorted: a span ends at the next one.
        let mut starts: Vec<usize> = r.msg_starts.iter().flatten().copied().collect();
        starts.sort_unstable();
        // An unmarked message costs two prefix renders; past a few hundred of them the
        // record would cost quadratic time, so only the last reply is found then (the
        // others' trained tokens are left out and the example is an estimate).
        let unmarked = (0..messages.len())
            .filter(|&i| {
                is_assistant(messages[i]) && r.msg_starts.get(i).copied().flatten().is_none()
            })
            .count();
        let capped = unmarked > MAX_UNMARKED_REPLIES;
        let spans: Vec<Option<(usize, usize)>> = (0..messages.len())
            .map(|i| {
                let find = is_assistant(messages[i]) && (!capped || Some(i) == last);
                find.then(|| self.assistant_span(t, &p, &r, &starts, i, Some(i) == last))
                    .flatten()
            })
            .collect();
        if t.has_generation && r.marked {
            // The assistant mask needs `char_to_token`: the exact encode.
            let enc = self
                .tokenizer
                .encode(r.text.as_str(), false)
                .map_err(|e| e.to_string())?;
            let offsets = enc.get_offsets();
            let mut out = ExampleTokens {
                total: offsets.len() as u64,
                trained: generation_mask_count(&enc, &r, &messages, &spans),
                ..ExampleTokens::default()
            };
            (out.prompt, out.completion) = match last.and_then(|l| spans[l]) {
                Some((s, e)) => (count_between(offsets, 0, s), count_between(offsets, s, e)),
                None => (out.total, 0),
            };
            return Ok(out);
        }
        // Every span's ends, then the prompt's: tokens before each.
        let mut cuts = Vec::with_capacity(2 * spans.len() + 1);
        for (s, e) in spans.iter().flatten() {
            cuts.push(*s);
            cuts.push(*e);
        }
        let (total, before) = self.tokens_before(&r.text, &cuts)?;
        // The k-th span's ends are cuts 2k and 2k + 1.
        let mut out = ExampleTokens {
            total,
            estimated: capped,
            ..ExampleTokens::default()
        };
        let mut k = 0;
        for (i, span) in spans.iter().enumerate() {
            if span.is_none() {
                continue;
            }
            let (s, e) = (before[2 * k], before[2 * k + 1]);
            k += 1;
            if !weight_zero(messages[i]) {
                out.trained += e.saturating_sub(s);
            }
            if Some(i) == last {
                out.prompt = s;
                out.completion = e.saturating_sub(s);
            }
        }
        if last.and_then(|l| spans[l]).is_none() {
            out.prompt = out.total;
        }
        Ok(out)
    }

    /// A preference record `{"input": {"messages", "tools"?}, "preferred_output": [...],
    /// "non_preferred_output": [...]}`, counted as a DPO trainer tokenizes it: the input
    /// once, with the generation prompt, then each output as the template continues the
    /// input with it. input+preferred and input+non_preferred are rendered whole; each
    /// output's tokens are those after the input's prompt (found as for the last assistant
    /// message of a chat record). total = prompt + both completions (so
    /// len(chosen) + len(rejected) − len(prompt) of `apply_chat_template`); trained = both
    /// completions; completion = the preferred one.
    pub fn count_preference(&self, record: &Json) -> Result<ExampleTokens, String> {
        let t = self.chat_template()?;
        let input = record
            .get("input")
            .ok_or("preference record has no \"input\"")?;
        let (input_msgs, tools) = chat_parts(input)?;
        let mut convs = Vec::with_capacity(2);
        for key in ["preferred_output", "non_preferred_output"] {
            let output = record
                .get(key)
                .and_then(Json::as_array)
                .filter(|a| !a.is_empty())
                .ok_or_else(|| format!("preference record: \"{key}\" is not a non-empty array"))?;
            let mut conv = input_msgs.clone();
            conv.extend(output.iter());
            let p = t.prepare(&conv, tools, true)?;
            let r = t.render_prepared(&p, conv.len(), false, true)?;
            let mut starts: Vec<usize> = r.msg_starts.iter().flatten().copied().collect();
            starts.sort_unstable();
            let start = self
                .assistant_span(t, &p, &r, &starts, input_msgs.len(), true)
                .map(|(s, _)| s)
                .ok_or_else(|| {
                    format!("could not find where \"{key}\" starts in the rendered text")
                })?;
            convs.push((r.text, start));
        }
        // The prompt is counted once, up to a boundary both texts share: each output's
        // start, moved back to where the texts part if an output changes how the input
        // renders (e.g. a template that opens the reply differently with reasoning).
        let (a, b) = (&convs[0], &convs[1]);
        let cut = a.1.min(b.1).min(common_prefix(&a.0, &b.0));
        let (a_total, a_before) = self.tokens_before(&a.0, &[cut])?;
        let (b_total, b_before) = self.tokens_before(&b.0, &[cut])?;
        let prompt = a_before[0];
        let chosen = a_total - prompt;
        let rejected = b_total - b_before[0];
        Ok(ExampleTokens {
            total: prompt + chosen + rejected,
            trained: chosen + rejected,
            prompt,
            completion: chosen,
            estimated: false,
        })
    }

    /// A legacy `{"prompt", "completion"}` record: plain text, no template and no special
    /// tokens; tokens(prompt) + tokens(completion), the completion trained.
    pub fn count_prompt_completion(&self, record: &Json) -> Result<ExampleTokens, String> {
        let field = |k: &str| {
            record
                .get(k)
                .and_then(Json::as_str)
                .ok_or_else(|| format!("\"{k}\" is not a string"))
        };
        let prompt = self.count_text(field("prompt")?)?;
        let completion = self.count_text(field("completion")?)?;
        Ok(ExampleTokens {
            total: prompt + completion,
            trained: completion,
            prompt,
            completion,
            estimated: false,
        })
    }

    /// Byte span in `r.text` of assistant message `i`'s generated part. With `exact_start`
    /// the start is where `messages[..i]` rendered with the generation prompt stops, when
    /// that text is a prefix of the conversation's (the prompt a serving request sends, as
    /// TRL splits prompt and completion); one more render.
    fn assistant_span(
        &self,
        t: &ChatTemplate,
        p: &Prepared,
        r: &Rendered,
        starts: &[usize],
        i: usize,
        exact_start: bool,
    ) -> Option<(usize, usize)> {
        let text = &r.text;
        // Prefix renders print no markers; only their text is used.
        let plain = |upto: usize, gen_prompt: bool| {
            t.render_prepared(p, upto, gen_prompt, false)
                .ok()
                .map(|r| r.text)
        };
        let prompt_end = (exact_start && i > 0)
            .then(|| plain(i, true))
            .flatten()
            .filter(|p| text.starts_with(p.as_str()))
            .map(|p| p.len());
        if let Some(start) = r.msg_starts.get(i).copied().flatten() {
            let next = |from: usize| {
                starts
                    .get(starts.partition_point(|&p| p <= from))
                    .copied()
                    .unwrap_or(text.len())
            };
            if let Some(p) = prompt_end {
                return Some((p, next(start.max(p))));
            }
            let end = next(start);
            let head = t
                .generation_prompt
                .as_deref()
                .filter(|gp| text[start..end].starts_with(gp))
                .map_or(0, str::len);
            return Some((start + head, end));
        }
        // Unmarked: from prefix renders (exact where the template renders a prefix of the
        // conversation the same way alone).
        let start = match prompt_end {
            Some(p) => p,
            None => common_prefix(text, &plain(i, true)?),
        };
        let end = if i + 1 == r.msg_starts.len() {
            text.len()
        } else {
            let upto = plain(i + 1, false)?;
            common_prefix(text, &upto).max(start)
        };
        Some((start, end))
    }
}

/// Tokenizers already loaded in this process, by file (resolved path, size, mtime): a
/// `tokenizer.json` that several folders or runs share (symlinked snapshots, a template
/// variant beside the same files) is parsed once. Weak, so memory goes with the last user.
type TokenizerKey = (PathBuf, u64, Option<SystemTime>);
static LOADED: OnceLock<Mutex<HashMap<TokenizerKey, Weak<Tokenizer>>>> = OnceLock::new();

fn load_tokenizer(path: &Path) -> Result<Arc<Tokenizer>, HfError> {
    let read_err = |e: std::io::Error| HfError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let real = std::fs::canonicalize(path).map_err(read_err)?;
    let meta = std::fs::metadata(&real).map_err(read_err)?;
    let key = (real, meta.len(), meta.modified().ok());
    let cache = LOADED.get_or_init(Default::default);
    if let Some(t) = cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
        .and_then(Weak::upgrade)
    {
        return Ok(t);
    }
    let bytes = std::fs::read(&key.0).map_err(read_err)?;
    let bad = |message: String| HfError::Tokenizer {
        path: path.to_path_buf(),
        message,
    };
    let mut tokenizer = Tokenizer::from_bytes(&bytes).map_err(|e| bad(e.to_string()))?;
    // apply_chat_template tokenizes with truncation and padding off, whatever
    // tokenizer.json configures.
    tokenizer
        .with_truncation(None)
        .map_err(|e| bad(e.to_string()))?;
    tokenizer.with_padding(None);
    let tokenizer = Arc::new(tokenizer);
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    map.retain(|_, w| w.strong_count() > 0);
    map.insert(key, Arc::downgrade(&tokenizer));
    Ok(tokenizer)
}

/// `transformers`' assistant mask: for each `{% generation %}` block, the tokens from the
/// one holding its first char to the one holding its last (to the end when that is token 0
/// or none); a block whose first char is in no token stops the walk. Blocks inside a
/// `weight: 0` assistant message are skipped.
fn generation_mask_count(
    enc: &tokenizers::Encoding,
    r: &Rendered,
    messages: &[&Json],
    spans: &[Option<(usize, usize)>],
) -> u64 {
    let n = enc.len();
    let mut mask = vec![false; n];
    for &(s, e) in &r.generation {
        let untrained = spans.iter().enumerate().any(|(i, sp)| {
            sp.is_some_and(|(a, b)| (a..b).contains(&s)) && weight_zero(messages[i])
        });
        let Some(start_token) = enc.char_to_token(s, 0) else {
            break;
        };
        if untrained {
            continue;
        }
        let end_token = e.checked_sub(1).and_then(|p| enc.char_to_token(p, 0));
        let upto = match end_token {
            None | Some(0) => n,
            Some(t) => t + 1,
        };
        for m in mask.iter_mut().take(upto).skip(start_token) {
            *m = true;
        }
    }
    mask.iter().filter(|m| **m).count() as u64
}

/// Tokens whose first byte lies in `[s, e)`.
/// Assistant messages the template left unmarked that a record may have before only its
/// last reply is found (see `count_chat`).
const MAX_UNMARKED_REPLIES: usize = 256;

fn count_between(offsets: &[(usize, usize)], s: usize, e: usize) -> u64 {
    let a = offsets.partition_point(|o| o.0 < s);
    let b = offsets.partition_point(|o| o.0 < e);
    b.saturating_sub(a) as u64
}

fn common_prefix(a: &str, b: &str) -> usize {
    let mut n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(n) {
        n -= 1;
    }
    n
}

fn is_assistant(m: &Json) -> bool {
    m.get("role").and_then(Json::as_str) == Some("assistant")
}

fn weight_zero(m: &Json) -> bool {
    match m.get("weight") {
        Some(Json::Int(0)) => true,
        Some(Json::Float(f)) => *f == 0.0,
        _ => false,
    }
}

/// `messages` (an array) and `tools` (when present) of a chat object.
fn chat_parts<'r, 'a>(
    record: &'r Json<'a>,
) -> Result<(Vec<&'r Json<'a>>, Option<&'r Json<'a>>), String> {
    let messages = record
        .get("messages")
        .and_then(Json::as_array)
        .ok_or("\"messages\" is not an array")?;
    if messages.is_empty() {
        return Err("Cannot apply chat template to an empty conversation".into());
    }
    Ok((messages.iter().collect(), record.get("tools")))
}

/// The templates of a folder, "default" first, and the file they came from.
fn read_templates(
    dir: &Path,
    cfg_path: &Path,
    config: &serde_json::Value,
) -> Result<(Vec<(String, String)>, PathBuf), HfError> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| HfError::Read {
            path: p.to_path_buf(),
            message: e.to_string(),
        })
    };
    let jinja = dir.join("chat_template.jinja");
    let extra_dir = dir.join("additional_chat_templates");
    let mut files = Vec::new();
    if jinja.is_file() {
        files.push(("default".to_string(), read(&jinja)?));
    }
    if extra_dir.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&extra_dir)
            .map_err(|e| HfError::Read {
                path: extra_dir.clone(),
                message: e.to_string(),
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jinja"))
            .collect();
        entries.sort();
        for p in entries {
            let name = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            files.push((name, read(&p)?));
        }
    }
    if !files.is_empty() {
        return Ok((files, jinja));
    }
    let bad = |message: String| HfError::Config {
        path: cfg_path.to_path_buf(),
        message,
    };
    let templates = match config.get("chat_template") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::String(s)) => vec![("default".to_string(), s.clone())],
        Some(serde_json::Value::Array(list)) => {
            let mut out = Vec::new();
            for item in list {
                match (
                    item.get("name").and_then(|v| v.as_str()),
                    item.get("template").and_then(|v| v.as_str()),
                ) {
                    (Some(n), Some(t)) => out.push((n.to_string(), t.to_string())),
                    _ => {
                        return Err(bad(
                            "chat_template list items must be {\"name\": str, \"template\": str}"
                                .into(),
                        ));
                    }
                }
            }
            out
        }
        Some(_) => return Err(bad("chat_template is neither a string nor a list".into())),
    };
    Ok((templates, cfg_path.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn tokenizer_is_send_sync() {
        assert_send_sync::<HfTokenizer>();
    }

    #[test]
    fn count_between_uses_start_offsets() {
        let offs = [(0, 2), (2, 5), (5, 6), (6, 9)];
        assert_eq!(count_between(&offs, 0, 9), 4);
        assert_eq!(count_between(&offs, 2, 6), 2);
        assert_eq!(count_between(&offs, 3, 6), 1);
        assert_eq!(common_prefix("aé", "aè"), 1);
    }
}
