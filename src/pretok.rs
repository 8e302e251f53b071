//! A hand-written pre-tokenizer for the cl100k_base and o200k_base split patterns.
//!
//! Pre-tokenizing with bpe-openai's regex was the largest cost of a full check (about
//! 45% of the time on the benchmark file). Here a piece is cut by hand, following the
//! patterns branch by branch, as long as every character it must classify is ASCII (or,
//! for cl100k, in a small table of non-ASCII letters and punctuation whose class is
//! certain: kana, CJK, Latin-1, emoji); the moment a rule would have to classify any
//! other character (is U+00A0 a space? is `²` a number?), that one piece is cut by
//! bpe-openai's own regex instead, anchored where the piece starts, exactly as its
//! iterator does. So the pieces are bpe-openai's by
//! construction on non-ASCII text, and by the rules below on ASCII text; the unit tests
//! compare both splitters piece by piece on generated and tricky inputs, and
//! `tests/tokenizer_equivalence.rs` compares the counts with tiktoken-rs.
//!
//! The patterns (bpe-openai rewrites the `\s+(?!\S)` look-ahead as `\s+\s` minus its
//! last character, plus `\s+$`):
//!
//! cl100k: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//!          ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+$`, then `\s+\s`, then `\s+`
//! o200k:  `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|
//!          [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|
//!          \p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+$`, then `\s+\s`, then `\s+`

/// Which split pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    Cl100k,
    O200k,
}

/// The pieces of `text`, as `tok.split(text)` gives them.
pub fn split<'a>(
    tok: &'static bpe_openai::Tokenizer,
    pattern: Pattern,
    text: &'a str,
) -> impl Iterator<Item = &'a str> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let b = text.as_bytes();
        let end = match pattern {
            Pattern::Cl100k => cl100k(b, pos, 3),
            Pattern::O200k => o200k(b, pos),
        }
        .or_else(|| tok.split(&text[pos..]).next().map(|p| pos + p.len()))?;
        let piece = &text[pos..end];
        pos = end;
        Some(piece)
    })
}

/// The end of the piece that starts at `pos` of `text` by the hand-written rules, or None
/// where a character they do not classify decides it (the caller's regex must cut that
/// piece). `single_digits`: cl100k with `\p{N}` for `\p{N}{1,3}` (Qwen2/3's pattern).
pub(crate) fn piece_end(
    pattern: Pattern,
    single_digits: bool,
    text: &str,
    pos: usize,
) -> Option<usize> {
    let b = text.as_bytes();
    match (pattern, single_digits) {
        (Pattern::Cl100k, _) => cl100k(b, pos, if single_digits { 1 } else { 3 }),
        (Pattern::O200k, false) => o200k(b, pos),
        (Pattern::O200k, true) => None,
    }
}

/// An ASCII byte's class; `None` for a non-ASCII byte (its class is not known here).
#[derive(Clone, Copy, PartialEq, Eq)]
enum C {
    Upper,
    Lower,
    /// A non-ASCII letter (cl100k only, where case does not matter).
    Letter,
    Digit,
    /// `\r` or `\n`.
    Newline,
    /// Whitespace other than `\r\n`: space, tab, vertical tab, form feed.
    Space,
    /// Everything else: punctuation, symbols, other control characters.
    Other,
    End,
}

/// `Err(())` means "a non-ASCII character decides this": hand the piece to the regex.
type R<T> = Result<T, ()>;

/// A classifier: the class of the character at `i` and its length in bytes.
type Cls = fn(&[u8], usize) -> R<(C, usize)>;

/// ASCII only (o200k, whose letter classes split by case and marks).
fn ascii(b: &[u8], i: usize) -> R<(C, usize)> {
    let Some(&c) = b.get(i) else {
        return Ok((C::End, 0));
    };
    Ok((
        match c {
            b'A'..=b'Z' => C::Upper,
            b'a'..=b'z' => C::Lower,
            b'0'..=b'9' => C::Digit,
            b'\r' | b'\n' => C::Newline,
            b' ' | b'\t' | 0x0B | 0x0C => C::Space,
            0x80.. => return Err(()),
            _ => C::Other,
        },
        1,
    ))
}

/// ASCII, plus the non-ASCII characters of `wide_class` (cl100k).
fn wide(b: &[u8], i: usize) -> R<(C, usize)> {
    match b.get(i) {
        Some(&c) if c >= 0x80 => {
            let (cp, n) = decode(b, i);
            wide_class(cp).map(|c| (c, n)).ok_or(())
        }
        _ => ascii(b, i),
    }
}

/// The code point starting at `i` of valid UTF-8, and its length.
fn decode(b: &[u8], i: usize) -> (u32, usize) {
    let x = |k: usize| u32::from(b[i + k] & 0x3F);
    let c0 = u32::from(b[i]);
    if c0 < 0xE0 {
        (((c0 & 0x1F) << 6) | x(1), 2)
    } else if c0 < 0xF0 {
        (((c0 & 0x0F) << 12) | (x(1) << 6) | x(2), 3)
    } else {
        (((c0 & 0x07) << 18) | (x(1) << 12) | (x(2) << 6) | x(3), 4)
    }
}

/// Non-ASCII characters whose class in the cl100k pattern is certain in every Unicode
/// version (letters assigned since Unicode 1.1–3.2; punctuation and symbols; emoji
/// blocks holding no letter, number or space): Latin-1 and Latin Extended-A, Greek
/// and Cyrillic letters, kana and CJK ideographs, Japanese and general punctuation,
/// emoji. Every one is checked against bpe-openai's regex in the tests. Anything else
/// goes to the regex.
fn wide_class(cp: u32) -> Option<C> {
    match cp {
        0xC0..=0xD6
        | 0xD8..=0xF6
        | 0xF8..=0x17F
        | 0x391..=0x3A1
        | 0x3A3..=0x3A9
        | 0x3B1..=0x3C9
        | 0x410..=0x44F
        | 0x3041..=0x3096
        | 0x309D..=0x309F
        | 0x30A1..=0x30FA
        | 0x30FC..=0x30FF
        | 0x4E00..=0x9FA5 => Some(C::Letter),
        0xA1..=0xA9
        | 0xAB..=0xAC
        | 0xAE..=0xB1
        | 0xB4
        | 0xB6..=0xB8
        | 0xBB
        | 0xBF
        | 0xD7
        | 0xF7
        | 0x2010..=0x2027
        | 0x2030..=0x205E
        | 0x3001..=0x3003
        | 0x3008..=0x3011
        | 0x3014..=0x301F
        | 0x30FB
        | 0xFF01..=0xFF0F
        | 0xFF1A..=0xFF20
        | 0x200D
        | 0x20E3
        | 0xFE0F
        | 0x2600..=0x26FF
        | 0x1F1E6..=0x1F1FF
        | 0x1F300..=0x1F64F
        | 0x1F680..=0x1F6FF
        | 0x1F900..=0x1F9FF => Some(C::Other),
        _ => None,
    }
}

fn is_letter(c: C) -> bool {
    matches!(c, C::Upper | C::Lower | C::Letter)
}

fn is_ws(c: C) -> bool {
    matches!(c, C::Newline | C::Space)
}

/// `[^\r\n\p{L}\p{N}]`: the optional character before a word.
fn is_prefix(c: C) -> bool {
    matches!(c, C::Space | C::Other)
}

/// `[^\s\p{L}\p{N}]`.
fn is_punct(c: C) -> bool {
    c == C::Other
}

/// End of the run of characters in `keep` from `i`; a character the classifier does
/// not know at the end could belong to the run, so it defers to the regex.
fn run(b: &[u8], mut i: usize, cls: Cls, keep: impl Fn(C) -> bool) -> R<usize> {
    loop {
        let (c, n) = cls(b, i)?;
        if !keep(c) {
            return Ok(i);
        }
        i += n;
    }
}

/// `\p{N}{1,max}` from `i` (an ASCII digit).
fn digits(b: &[u8], i: usize, cls: Cls, max: usize) -> R<usize> {
    let mut j = i;
    while j < i + max {
        if cls(b, j)?.0 != C::Digit {
            break;
        }
        j += 1;
    }
    Ok(j)
}

/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at `i`: its length, or 0. A non-ASCII character after
/// the quote defers to the regex: Unicode case folding matches `'ſ` (U+017F) as `'s`.
fn contraction(b: &[u8], i: usize) -> R<usize> {
    if b.get(i) != Some(&b'\'') {
        return Ok(0);
    }
    if b.get(i + 1).is_some_and(|&c| c >= 0x80) {
        return Err(());
    }
    let lower = |k: usize| b.get(i + k).map(u8::to_ascii_lowercase);
    Ok(match (lower(1), lower(2)) {
        (Some(b's' | b't' | b'm' | b'd'), _) => 2,
        (Some(b'r' | b'v'), Some(b'e')) | (Some(b'l'), Some(b'l')) => 3,
        _ => 0,
    })
}

/// ` ?[^\s\p{L}\p{N}]+` then any of `tail` (`[\r\n]*` or `[\r\n/]*`), from `i`.
fn punct_run(b: &[u8], i: usize, c: C, cls: Cls, slash: bool) -> R<Option<usize>> {
    let start = if b[i] == b' ' && is_punct(cls(b, i + 1)?.0) {
        i + 1
    } else if is_punct(c) {
        i
    } else {
        return Ok(None);
    };
    let mut j = run(b, start, cls, is_punct)?;
    // The tail's characters are ASCII: a non-ASCII byte simply ends it.
    while j < b.len() && (b[j] == b'\r' || b[j] == b'\n' || (slash && b[j] == b'/')) {
        j += 1;
    }
    Ok(Some(j))
}

/// The whitespace branches, from `i` (whitespace): `\s*[\r\n]+`, `\s+$`, `\s+\s` less
/// its last character, `\s+`. (Known whitespace is ASCII: one byte a character.)
fn whitespace(b: &[u8], i: usize, cls: Cls) -> R<usize> {
    let end = run(b, i, cls, is_ws)?;
    if let Some(last_nl) = b[i..end].iter().rposition(|&x| x == b'\r' || x == b'\n') {
        return Ok(i + last_nl + 1);
    }
    if end == b.len() || end - i == 1 {
        return Ok(end);
    }
    Ok(end - 1)
}

fn cl100k(b: &[u8], i: usize, max_digits: usize) -> Option<usize> {
    let cls: Cls = wide;
    let r = (|| -> R<usize> {
        let (c, width) = cls(b, i)?;
        let n = contraction(b, i)?;
        if n > 0 {
            return Ok(i + n);
        }
        if is_letter(c) {
            return run(b, i, cls, is_letter);
        }
        if is_prefix(c) && is_letter(cls(b, i + width)?.0) {
            return run(b, i + width, cls, is_letter);
        }
        if c == C::Digit {
            return digits(b, i, cls, max_digits);
        }
        if let Some(end) = punct_run(b, i, c, cls, false)? {
            return Ok(end);
        }
        whitespace(b, i, cls)
    })();
    r.ok()
}

fn o200k(b: &[u8], i: usize) -> Option<usize> {
    let cls: Cls = ascii;
    let r = (|| -> R<usize> {
        let (c, _) = cls(b, i)?;
        let word = if is_letter(c) {
            Some(i)
        } else if is_prefix(c) && is_letter(cls(b, i + 1)?.0) {
            Some(i + 1)
        } else {
            None
        };
        if let Some(j) = word {
            // Upper-case letters, then lower-case ones (either run may be empty, not
            // both), then a contraction.
            let j = run(b, j, cls, |c| c == C::Upper)?;
            let j = run(b, j, cls, |c| c == C::Lower)?;
            return Ok(j + contraction(b, j)?);
        }
        if c == C::Digit {
            return digits(b, i, cls, 3);
        }
        if let Some(end) = punct_run(b, i, c, cls, true)? {
            return Ok(end);
        }
        whitespace(b, i, cls)
    })();
    r.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) {
        for (tok, pattern) in [
            (bpe_openai::cl100k_base(), Pattern::Cl100k),
            (bpe_openai::o200k_base(), Pattern::O200k),
        ] {
            let want: Vec<&str> = tok.split(text).collect();
            let got: Vec<&str> = split(tok, pattern, text).collect();
            assert_eq!(got, want, "{pattern:?} on {text:?}");
        }
    }

    #[test]
    fn tricky_ascii() {
        for t in [
            "",
            "a",
            " ",
            "  ",
            "\n",
            "Hello, world! It's 12345 o'clock.",
            "I'm HERE'S what'Re you'LL 'd 've 'x ''s",
            "  leading and trailing  ",
            "a  b   c\t\td \n\n e\r\n\r\nf \n ",
            "x\x0B\x0Cy \x0B z \x1F\x00\x7F!",
            "...'s ?!\n\n//\n/x a/\n/b",
            "CamelCase HTTPServer iPhone ABCdef aBC X'S x's",
            "(hello) [1,2,3] {\"k\": \"v\"} a.b.c 3.14159 1,000,000",
            " 123 a1b2c3 --flag=--x ;;\r\n;;\n",
            "tab\there\ttab \t\n\t end\t",
            "'",
            "'s",
            "''",
            " '",
            "9",
            " !",
            " \n",
            "\n ",
            "a\r",
            "x'\u{17F}x '\u{17F} I'\u{17F}x",
            "X'\u{212A} a'\u{e9}",
        ] {
            both(t);
        }
    }

    /// Every character `wide_class` knows is classed as bpe-openai's cl100k regex does:
    /// a letter joins a preceding letter; other punctuation neither joins a letter nor
    /// is a number or a space (it runs on into a following `!`).
    #[test]
    fn wide_classes_match_the_regex() {
        let tok = bpe_openai::cl100k_base();
        let mut checked = 0;
        for cp in 0x80..0x20000u32 {
            let (Some(class), Some(ch)) = (wide_class(cp), char::from_u32(cp)) else {
                continue;
            };
            let joined = format!("a{ch}");
            let pieces: Vec<&str> = tok.split(&joined).collect();
            if class == C::Letter {
                assert_eq!(pieces, [joined.as_str()], "U+{cp:04X} is a letter");
            } else {
                let with_bang = format!("a{ch}!");
                let pieces: Vec<&str> = tok.split(&with_bang).collect();
                assert_eq!(pieces, ["a", &with_bang[1..]], "U+{cp:04X} is punctuation");
            }
            both(&format!("x{ch}y {ch}z{ch}{ch} 1{ch}2 \n{ch}\t{ch}. {ch}'s"));
            checked += 1;
        }
        assert!(checked > 20_000);
    }

    #[test]
    fn mixed_with_non_ascii() {
        for t in [
            "café au lait, naïve Ürsula",
            "日本語のテキスト、句読点。 そして English.",
            "emoji 👍🏽 flags 🇯🇵 zwj 👨‍👩‍👧 ok",
            "nbsp\u{a0}here \u{a0} x\u{2003}y \u{3000}全角",
            "² ½ ٣ numbers ①②",
            "combining e\u{301} Ü\u{308} x\u{301}y",
            "ǅungla ǈ Titlecase",
            " \u{85}next line\u{2028}sep",
        ] {
            both(t);
        }
    }

    #[test]
    fn generated_pure_ascii_agrees() {
        // No non-ASCII at all: every piece is cut by hand, none by the regex.
        let alphabet: &[u8] =
            b"aAzZ sStTrReEvVlLmMdD'019 \t\n\r\x0B\x0C.,!?/-_()\"#$%&*+;:<=>@[]^`{|}~\x00\x1F\x7F";
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20_000 {
            let len = (x % 24) as usize;
            let mut s = String::new();
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push(alphabet[(x % alphabet.len() as u64) as usize] as char);
            }
            both(&s);
        }
    }

    #[test]
    fn generated_ascii_agrees() {
        // Deterministic pseudo-random strings over an alphabet rich in edge cases.
        let alphabet: Vec<char> = "aZ '\"sStTrReEvVlLmMdD09 \t\n\r\x0B\x0C.,!?/-_()[]{}<>|\\@#$%^&*+=~`;:\x00\x1Féü日 \u{a0}"
            .chars()
            .collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let len = (x % 40) as usize;
            let mut s = String::new();
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            both(&s);
        }
    }
}
