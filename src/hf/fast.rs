//! Fast exact counts for byte-level BPE tokenizers (Qwen2/3, Llama 3, DeepSeek V3,
//! gpt-oss, GPT-2 style): the same tokens as `Tokenizer::encode(text, false)`, without
//! building an `Encoding`.
//!
//! Why it is exact: such a tokenizer cuts the text at added tokens (first the
//! non-normalized ones on the raw text, then the normalized ones on each normalized
//! remainder, leftmost-longest), pre-tokenizes each remainder into pieces, and runs the
//! BPE model on each piece alone; with `add_special_tokens=false` the post-processors
//! allowed here add nothing. So the count is one per added token plus Σ BPE(piece), and
//! a token never crosses a piece. Each distinct piece is counted once per thread (the
//! model is only called on a miss), and the pieces are cut by the hand-written
//! pre-tokenizer (`crate::pretok`) when the split regex is literally cl100k's, Qwen's
//! single-digit variant of it, or o200k's, with the regex itself (fancy-regex, as the
//! `tokenizers` crate compiles it) for every piece whose cut a non-ASCII character
//! decides. Any other pre-tokenizer made of `Split`s and a final `ByteLevel` is run by
//! the crate itself.
//!
//! Whatever this does not prove equal returns None: the caller then encodes with the
//! crate (`HfTokenizer`'s exact path). At load: a model that is not BPE (or uses dropout),
//! a normalizer other than none/NFC, added tokens with lstrip/rstrip/single_word, other
//! pre-tokenizers or post-processors, `encode_special_tokens`. Per text: an NFC
//! normalizer and a remainder that is not already NFC (normalizing would move offsets).
//!
//! Token offsets: the crate gives a token that starts inside a multi-byte character the
//! offset of that character's start (ByteLevel aligns every byte of a char to the whole
//! char); `tokens_before` does the same.

use crate::pretok::{self, Pattern};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use tokenizers::{
    Model, ModelWrapper, NormalizedString, Normalizer, OffsetReferential, OffsetType,
    PreTokenizedString, PreTokenizer, Tokenizer,
};

/// cl100k_base's split regex as `tokenizer.json` writes it (Llama 3).
const CL100K: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
/// Qwen2/3: cl100k's with single digits.
const QWEN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
/// o200k_base's (gpt-oss).
const O200K: &str = r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

enum Split {
    /// One `Split` of a known pattern: cut by hand, the regex for the rest.
    Hand {
        pattern: Pattern,
        single_digits: bool,
        regex: fancy_regex::Regex,
    },
    /// The crate's own pre-tokenizer (its pieces come byte-level mapped).
    Crate,
}

pub(crate) struct Fast {
    /// Owner of this thread's cache entries.
    id: u64,
    tok: Arc<Tokenizer>,
    added: Option<AhoCorasick>,
    added_normalized: Option<AhoCorasick>,
    nfc: bool,
    split: Split,
    /// Original byte → its byte-level char.
    byte_char: [char; 256],
    pub(crate) describe: String,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn json_of<T: serde::Serialize>(x: &T) -> serde_json::Value {
    serde_json::to_value(x).unwrap_or(serde_json::Value::Null)
}

impl Fast {
    /// The fast path for `tok`, or why there is none.
    pub(crate) fn new(tok: Arc<Tokenizer>) -> Result<Fast, String> {
        match tok.get_model() {
            ModelWrapper::BPE(b) if b.dropout.is_none_or(|d| d == 0.0) => {}
            ModelWrapper::BPE(_) => return Err("BPE with dropout".into()),
            _ => return Err("not a BPE model".into()),
        }
        if tok.get_encode_special_tokens() {
            return Err("encode_special_tokens".into());
        }
        let norm = json_of(&tok.get_normalizer());
        let nfc = match norm.get("type").and_then(|t| t.as_str()) {
            None => false,
            Some("Sequence")
                if norm
                    .get("normalizers")
                    .and_then(|n| n.as_array())
                    .is_some_and(|a| a.is_empty()) =>
            {
                false
            }
            Some("NFC") => true,
            _ => return Err(format!("normalizer {norm}")),
        };
        let post = json_of(&tok.get_post_processor());
        if !post_adds_nothing(&post) {
            return Err(format!("post-processor {post}"));
        }
        let pre = json_of(&tok.get_pre_tokenizer());
        let steps: Vec<&serde_json::Value> = match pre.get("type").and_then(|t| t.as_str()) {
            Some("Sequence") => pre
                .get("pretokenizers")
                .and_then(|p| p.as_array())
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            Some(_) => vec![&pre],
            None => Vec::new(),
        };
        let (last, splits) = steps
            .split_last()
            .ok_or_else(|| format!("pre-tokenizer {pre}"))?;
        let field = |v: &serde_json::Value, k: &str| v.get(k).cloned().unwrap_or_default();
        if field(last, "type") != "ByteLevel" || field(last, "add_prefix_space") != false {
            return Err(format!("pre-tokenizer {pre}"));
        }
        let byte_level_regex = field(last, "use_regex") == true;
        if splits.iter().any(|s| field(s, "type") != "Split") {
            return Err(format!("pre-tokenizer {pre}"));
        }
        let mut split = Split::Crate;
        let mut describe = "byte-level BPE, the crate's pre-tokenizer".to_string();
        if let [s] = splits
            && !byte_level_regex
            && field(s, "behavior") == "Isolated"
            && field(s, "invert") == false
            && let Some(p) = s
                .get("pattern")
                .and_then(|p| p.get("Regex"))
                .and_then(|p| p.as_str())
        {
            let known = match p {
                CL100K => Some((Pattern::Cl100k, false, "cl100k")),
                QWEN => Some((Pattern::Cl100k, true, "Qwen (cl100k, single digits)")),
                O200K => Some((Pattern::O200k, false, "o200k")),
                _ => None,
            };
            if let Some((pattern, single_digits, name)) = known {
                let regex = fancy_regex::Regex::new(p).map_err(|e| e.to_string())?;
                split = Split::Hand {
                    pattern,
                    single_digits,
                    regex,
                };
                describe = format!("byte-level BPE, hand-cut {name} pre-tokenizer");
            }
        }

        let vocab = tok.get_added_vocabulary();
        let mut plain = Vec::new();
        let mut normalized = Vec::new();
        for t in vocab.get_added_tokens_decoder().values() {
            if t.lstrip || t.rstrip || t.single_word {
                return Err(format!(
                    "added token {:?} with lstrip/rstrip/single_word",
                    t.content
                ));
            }
            if t.normalized {
                // Matched in its normalized form, as the crate does.
                let mut n = NormalizedString::from(t.content.as_str());
                if let Some(nz) = tok.get_normalizer() {
                    nz.normalize(&mut n).map_err(|e| e.to_string())?;
                }
                normalized.push(n.get().to_string());
            } else {
                plain.push(t.content.clone());
            }
        }
        let trie = |pats: Vec<String>| -> Result<Option<AhoCorasick>, String> {
            let pats: Vec<String> = pats.into_iter().filter(|p| !p.is_empty()).collect();
            if pats.is_empty() {
                return Ok(None);
            }
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(pats)
                .map(Some)
                .map_err(|e| e.to_string())
        };
        if nfc {
            describe.push_str(", NFC text only");
        }
        Ok(Fast {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            added: trie(plain)?,
            added_normalized: trie(normalized)?,
            nfc,
            split,
            byte_char: byte_chars(),
            tok,
            describe,
        })
    }

    /// Tokens in `text` and, for each cut (a char boundary), the tokens starting before
    /// it: what `encode(text, false)` and its offsets give. None: this text needs the
    /// exact path.
    pub(crate) fn count(
        &self,
        text: &str,
        cuts: &[usize],
    ) -> Result<Option<(u64, Vec<u64>)>, String> {
        let mut order: Vec<usize> = (0..cuts.len()).collect();
        order.sort_by_key(|&i| cuts[i]);
        let mut walk = Walk {
            cuts,
            order,
            next: 0,
            total: 0,
            out: vec![0; cuts.len()],
        };
        let ok = CACHE.with(|cell| {
            let mut cache = cell.borrow_mut();
            cache.own(self.id);
            self.walk(text, &mut cache, &mut walk)
        })?;
        if !ok {
            return Ok(None);
        }
        while walk.next < walk.order.len() {
            walk.out[walk.order[walk.next]] = walk.total;
            walk.next += 1;
        }
        Ok(Some((walk.total, walk.out)))
    }

    fn walk(&self, text: &str, cache: &mut Cache, w: &mut Walk) -> Result<bool, String> {
        let mut at = 0;
        let matches = self.added.iter().flat_map(|a| a.find_iter(text));
        for m in matches.chain(std::iter::once(aho_corasick::Match::must(
            0,
            text.len()..text.len(),
        ))) {
            if m.start() > at && !self.remainder(text, at, m.start(), cache, w)? {
                return Ok(false);
            }
            if m.end() > m.start() {
                w.piece(m.start(), m.end(), 1, |_| 1);
            }
            at = m.end();
        }
        Ok(true)
    }

    /// Text between non-normalized added tokens: normalized (here: checked to be NFC
    /// already), then cut at normalized added tokens.
    fn remainder(
        &self,
        text: &str,
        s: usize,
        e: usize,
        cache: &mut Cache,
        w: &mut Walk,
    ) -> Result<bool, String> {
        let seg = &text[s..e];
        if self.nfc && !is_nfc(seg) {
            return Ok(false);
        }
        let mut at = s;
        let matches = self.added_normalized.iter().flat_map(|a| a.find_iter(seg));
        for m in matches.chain(std::iter::once(aho_corasick::Match::must(
            0,
            seg.len()..seg.len(),
        ))) {
            let (ms, me) = (s + m.start(), s + m.end());
            if ms > at && !self.words(text, at, ms, cache, w)? {
                return Ok(false);
            }
            if me > ms {
                w.piece(ms, me, 1, |_| 1);
            }
            at = me;
        }
        Ok(true)
    }

    /// The pre-tokenizer's pieces of `text[s..e]`, each counted by the model.
    fn words(
        &self,
        text: &str,
        s: usize,
        e: usize,
        cache: &mut Cache,
        w: &mut Walk,
    ) -> Result<bool, String> {
        let seg = &text[s..e];
        match &self.split {
            Split::Hand {
                pattern,
                single_digits,
                regex,
            } => {
                // Sentences repeat: a segment cut at sentence ends (piece boundaries, see
                // `crate::tokens::segment_cuts`) with no cut inside is looked up whole.
                let mut from = 0;
                for to in crate::tokens::segment_cuts(seg).chain(std::iter::once(seg.len())) {
                    let (a, b) = (s + from, s + to);
                    from = to;
                    let key = (b - a >= SEGMENT_MIN && !w.cut_inside(a, b))
                        .then(|| xxhash_rust::xxh3::xxh3_128(&text.as_bytes()[a..b]));
                    if let Some(k) = key
                        && let Some(&n) = cache.whole.get(&k)
                    {
                        w.piece(a, b, n, |_| unreachable!("no cut inside"));
                        continue;
                    }
                    let t0 = w.total;
                    let hand = (*pattern, *single_digits, regex);
                    if !self.hand_pieces(text, a, b, hand, cache, w)? {
                        return Ok(false);
                    }
                    if let Some(k) = key {
                        if cache.whole.len() >= MAX_WHOLE {
                            cache.whole.clear();
                        }
                        cache.whole.insert(k, (w.total - t0) as u32);
                    }
                }
            }
            Split::Crate => {
                let mut pts = PreTokenizedString::from(seg);
                if let Some(p) = self.tok.get_pre_tokenizer() {
                    p.pre_tokenize(&mut pts).map_err(|e| e.to_string())?;
                }
                for (mapped, (a, b), _) in
                    pts.get_splits(OffsetReferential::Original, OffsetType::Byte)
                {
                    if mapped.chars().count() != b - a {
                        return Ok(false);
                    }
                    let n = cache.count(mapped.as_bytes(), || self.bpe_len(mapped))?;
                    let base = s + a;
                    w.piece(base, s + b, n, |cut| {
                        self.before_in_piece(text, base, mapped, cut)
                    });
                }
            }
        }
        Ok(true)
    }

    /// The hand-cut pieces of `text[s..e]`, each counted by the model.
    fn hand_pieces(
        &self,
        text: &str,
        s: usize,
        e: usize,
        (pattern, single_digits, regex): (Pattern, bool, &fancy_regex::Regex),
        cache: &mut Cache,
        w: &mut Walk,
    ) -> Result<bool, String> {
        let seg = &text[s..e];
        let mut pos = 0;
        while pos < seg.len() {
            let end = match pretok::piece_end(pattern, single_digits, seg, pos) {
                Some(end) => end,
                None => match regex.find_from_pos(seg, pos) {
                    Ok(Some(m)) if m.start() == pos && m.end() > pos => m.end(),
                    Ok(_) => return Ok(false),
                    Err(e) => return Err(e.to_string()),
                },
            };
            let piece = &seg.as_bytes()[pos..end];
            let n = cache.count(piece, || self.bpe_len(&self.map_bytes(piece)))?;
            let base = s + pos;
            w.piece(base, s + end, n, |cut| {
                self.before_in_piece(text, base, &self.map_bytes(piece), cut)
            });
            pos = end;
        }
        Ok(true)
    }

    fn map_bytes(&self, b: &[u8]) -> String {
        b.iter().map(|&x| self.byte_char[x as usize]).collect()
    }

    fn bpe_len(&self, mapped: &str) -> Result<u32, String> {
        self.tok
            .get_model()
            .tokenize(mapped)
            .map(|t| t.len() as u32)
            .map_err(|e| e.to_string())
    }

    /// Tokens of the piece starting at byte `base` of `text` (`mapped`: its byte-level
    /// chars, one per byte) whose start, moved back to a char boundary, is before `cut`.
    fn before_in_piece(&self, text: &str, base: usize, mapped: &str, cut: usize) -> u64 {
        let Ok(tokens) = self.tok.get_model().tokenize(mapped) else {
            return 0;
        };
        let mut n = 0;
        for t in tokens {
            // Mapped byte offset → index of the original byte.
            let mut start = base + mapped[..t.offsets.0].chars().count();
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            if start < cut {
                n += 1;
            }
        }
        n
    }
}

/// Whether NFC leaves `s` as it is, by the crate's own tables: a run of characters that
/// are NFC_QC=Yes with combining class 0 is normalized (the quick check's rule), looked
/// up in a bitmap built from those tables; anything else asks them directly.
fn is_nfc(s: &str) -> bool {
    use unicode_normalization_alignments::{IsNormalized, is_nfc_quick};
    static PLAIN: OnceLock<Vec<u64>> = OnceLock::new();
    const SPAN: u32 = 0x20000;
    if s.is_ascii() {
        return true;
    }
    let plain = PLAIN.get_or_init(|| {
        let mut bits = vec![0u64; (SPAN / 64) as usize];
        for cp in 0..SPAN {
            if let Some(c) = char::from_u32(cp)
                && unicode_normalization_alignments::char::canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
            {
                bits[(cp / 64) as usize] |= 1 << (cp % 64);
            }
        }
        bits
    });
    let known = s.chars().all(|c| {
        let cp = c as u32;
        cp < SPAN && plain[(cp / 64) as usize] & (1 << (cp % 64)) != 0
    });
    known
        || match is_nfc_quick(s.chars()) {
            IsNormalized::Yes => true,
            IsNormalized::No => false,
            IsNormalized::Maybe => unicode_normalization_alignments::is_nfc(s),
        }
}

/// `add_special_tokens=false`: ByteLevel only moves offsets, TemplateProcessing adds its
/// tokens only with special tokens on.
fn post_adds_nothing(p: &serde_json::Value) -> bool {
    match p.get("type").and_then(|t| t.as_str()) {
        None => p.is_null(),
        Some("ByteLevel" | "TemplateProcessing") => true,
        Some("Sequence") => p
            .get("processors")
            .and_then(|a| a.as_array())
            .is_some_and(|a| a.iter().all(post_adds_nothing)),
        Some(_) => false,
    }
}

/// GPT-2's byte → char table, as the crate's ByteLevel builds it.
fn byte_chars() -> [char; 256] {
    let mut out = ['\0'; 256];
    let mut n = 0;
    for b in 0..=255u8 {
        out[b as usize] = if matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF) {
            char::from(b)
        } else {
            n += 1;
            char::from_u32(255 + n).expect("below U+0200")
        };
    }
    out
}

/// The running count over the pieces in text order, and the cuts resolved so far.
struct Walk<'a> {
    cuts: &'a [usize],
    /// Indices of `cuts`, by position.
    order: Vec<usize>,
    next: usize,
    total: u64,
    out: Vec<u64>,
}

impl Walk<'_> {
    /// Whether a cut still to resolve lies strictly inside `(s, e)`.
    fn cut_inside(&self, s: usize, e: usize) -> bool {
        self.order[self.next..]
            .iter()
            .map(|&i| self.cuts[i])
            .find(|&c| c > s)
            .is_some_and(|c| c < e)
    }

    /// A piece `[s, e)` of `n` tokens; `inner(cut)` counts its tokens before a cut inside.
    fn piece(&mut self, s: usize, e: usize, n: u32, inner: impl Fn(usize) -> u64) {
        while let Some(&i) = self.order.get(self.next) {
            let c = self.cuts[i];
            if c >= e {
                break;
            }
            self.out[i] = self.total + if c <= s { 0 } else { inner(c) };
            self.next += 1;
        }
        self.total += u64::from(n);
    }
}

type FxMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;

/// Per-thread piece counts, cleared when full so memory stays bounded.
#[derive(Default)]
struct Cache {
    owner: u64,
    /// A piece of at most 15 bytes packed with its length.
    small: FxMap<u128, u32>,
    long: FxMap<Box<[u8]>, u32>,
    long_bytes: usize,
    /// xxh3-128 of a segment with no cut inside → its count.
    whole: FxMap<u128, u32>,
}

const MAX_WHOLE: usize = 1 << 16;
/// Shorter segments are counted piece by piece.
const SEGMENT_MIN: usize = 24;
const MAX_SMALL: usize = 1 << 18;
const MAX_LONG: usize = 1 << 17;
const MAX_LONG_BYTES: usize = 16 << 20;
/// Longer pieces seldom repeat: counted directly.
const MAX_CACHED: usize = 256;

impl Cache {
    fn own(&mut self, id: u64) {
        if self.owner != id {
            *self = Cache {
                owner: id,
                ..Cache::default()
            };
        }
    }

    fn count(
        &mut self,
        key: &[u8],
        bpe: impl FnOnce() -> Result<u32, String>,
    ) -> Result<u32, String> {
        if key.len() <= 15 {
            let mut buf = [0u8; 16];
            buf[..key.len()].copy_from_slice(key);
            buf[15] = key.len() as u8;
            let k = u128::from_le_bytes(buf);
            if let Some(&n) = self.small.get(&k) {
                return Ok(n);
            }
            let n = bpe()?;
            if self.small.len() >= MAX_SMALL {
                self.small.clear();
            }
            self.small.insert(k, n);
            Ok(n)
        } else if key.len() <= MAX_CACHED {
            if let Some(&n) = self.long.get(key) {
                return Ok(n);
            }
            let n = bpe()?;
            if self.long.len() >= MAX_LONG || self.long_bytes >= MAX_LONG_BYTES {
                self.long.clear();
                self.long_bytes = 0;
            }
            self.long_bytes += key.len();
            self.long.insert(key.into(), n);
            Ok(n)
        } else {
            bpe()
        }
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_chars_are_gpt2s() {
        let t = byte_chars();
        assert_eq!(t[b'a' as usize], 'a');
        assert_eq!(t[b' ' as usize], 'Ġ');
        assert_eq!(t[b'\n' as usize], 'Ċ');
        assert_eq!(t[0], 'Ā');
        assert_eq!(t[0xAD], 'Ń');
    }

    /// The bitmap shortcut answers as the crate's own NFC normalization does.
    #[test]
    fn nfc_check_matches_the_crates_normalizer() {
        for s in [
            "plain ascii",
            "café 日本語 ｶﾀｶﾅ 👍🏽 한국어",
            "e\u{301} combining",
            "\u{1100}\u{1161} jamo",
            "\u{F900} compatibility ideograph",
            "\u{212B} angstrom",
            "か\u{3099}",
            "\u{0301} leading mark",
            "a\u{0323}\u{0301} ordered",
            "a\u{0301}\u{0323} unordered",
            "\u{1D15E} musical",
        ] {
            let mut n = NormalizedString::from(s);
            n.nfc();
            let want = n.get() == s;
            assert_eq!(is_nfc(s), want, "{s:?}");
        }
    }
}
