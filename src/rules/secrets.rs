//! FT090 secret-in-text and FT091 pii-in-text: credentials and personal data in a line.
//!
//! The raw line is scanned, not the parsed strings: every field is uploaded (and the
//! ones the model reads are memorised), columns come out exact, and a line that is not
//! even valid JSON is still scanned. JSON escapes in front of a match (`\nsk-…`) count
//! as a word boundary.
//!
//! Speed: almost no line holds a finding, so the work is deciding that quickly. One
//! Aho-Corasick automaton (ASCII case-insensitive, SIMD prefilter) looks for the
//! literal anchors every secret pattern starts with or contains (`sk-`, `AKIA`, `ghp_`,
//! `-----BEGIN`, `password`…); `memchr` looks for `@` (e-mail); one byte loop looks for
//! a run of 9+ digits (phones, cards, IBANs). Only the pattern of an anchor runs, as a
//! `regex` matcher on a window of a few hundred bytes around it, and a match must then pass its own test (character mix,
//! entropy, Luhn, mod-97, boundaries). A `RegexSet` alone would run a DFA over every
//! byte of every line: the digit patterns have no literal to skip ahead with.
//!
//! Every match is shown masked (`sk-proj-Ab…8xYz`): in the message, and in the excerpt
//! of every diagnostic of the line (`mask_line_diags`), so no output format holds it.

use super::LineCheck;
use crate::diagnostic::{Diagnostic, Snippet};
use crate::registry::Rule;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    OpenAi,
    Aws,
    GitHub,
    Slack,
    Google,
    PrivateKey,
    Jwt,
    Generic,
    Email,
    Phone,
    JapanesePhone,
    Card,
    Iban,
}

impl Kind {
    fn rule(self) -> Rule {
        match self {
            Kind::Email | Kind::Phone | Kind::JapanesePhone | Kind::Card | Kind::Iban => {
                Rule::PiiInText
            }
            _ => Rule::SecretInText,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::OpenAi => "an API key (OpenAI or Anthropic)",
            Kind::Aws => "an AWS access key id",
            Kind::GitHub => "a GitHub token",
            Kind::Slack => "a Slack token",
            Kind::Google => "a Google API key",
            Kind::PrivateKey => "a private key",
            Kind::Jwt => "a JSON Web Token",
            Kind::Generic => "a credential assignment",
            Kind::Email => "an e-mail address",
            Kind::Phone | Kind::JapanesePhone => "a phone number",
            Kind::Card => "a payment card number (passes the Luhn check)",
            Kind::Iban => "an IBAN (passes the mod-97 check)",
        }
    }
}

/// Literal anchors, each with the kind whose regex it wakes. Case-sensitive with the
/// usual spellings listed: a case-insensitive automaton has no SIMD prefilter (its
/// case variants are too many) and costs more than the rest of `--lint-only`.
const ANCHORS: &[(&str, Kind)] = &[
    ("sk-", Kind::OpenAi),
    ("AKIA", Kind::Aws),
    ("ASIA", Kind::Aws),
    ("ghp_", Kind::GitHub),
    ("gho_", Kind::GitHub),
    ("ghu_", Kind::GitHub),
    ("ghs_", Kind::GitHub),
    ("ghr_", Kind::GitHub),
    ("github_pat_", Kind::GitHub),
    ("xox", Kind::Slack),
    ("AIza", Kind::Google),
    ("-----BEGIN", Kind::PrivateKey),
    ("eyJ", Kind::Jwt),
    ("passw", Kind::Generic),
    ("Passw", Kind::Generic),
    ("PASSW", Kind::Generic),
    ("pwd", Kind::Generic),
    ("PWD", Kind::Generic),
    ("secret", Kind::Generic),
    ("Secret", Kind::Generic),
    ("SECRET", Kind::Generic),
    ("api_key", Kind::Generic),
    ("API_KEY", Kind::Generic),
    ("apikey", Kind::Generic),
    ("apiKey", Kind::Generic),
    ("ApiKey", Kind::Generic),
    ("APIKEY", Kind::Generic),
    ("api-key", Kind::Generic),
    ("Api-Key", Kind::Generic),
    ("access_key", Kind::Generic),
    ("ACCESS_KEY", Kind::Generic),
    ("accessKey", Kind::Generic),
    ("token", Kind::Generic),
    ("Token", Kind::Generic),
    ("TOKEN", Kind::Generic),
];

static PREFILTER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostFirst)
        .build(ANCHORS.iter().map(|(a, _)| a))
        .expect("anchors build")
});

fn re(s: &str) -> Regex {
    Regex::new(s).expect("secret pattern compiles")
}

/// One matcher per kind; group 1, when present, is the part to mask (the rest, such as
/// `password=`, is shown).
static PATTERNS: LazyLock<Vec<(Kind, Regex)>> = LazyLock::new(|| {
    vec![
        (
            Kind::OpenAi,
            re(r"sk-(?:ant-(?:api\d\d-|admin\d\d-)?|proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"),
        ),
        (Kind::Aws, re(r"(?:AKIA|ASIA)[0-9A-Z]{16}")),
        (
            Kind::GitHub,
            re(r"(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,255})"),
        ),
        (Kind::Slack, re(r"xox[baprs]-[A-Za-z0-9\-]{10,}")),
        (Kind::Google, re(r"AIza[0-9A-Za-z_\-]{35}")),
        (
            Kind::PrivateKey,
            re(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
        ),
        (
            Kind::Jwt,
            re(r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}"),
        ),
        (
            Kind::Generic,
            // The key may be quoted and its quotes escaped (`\"password\": \"…\"` in
            // tool arguments); the value stops at a quote, backslash or space.
            re(
                r#"(?i)(?:passwd|password|pwd|secret|client_secret|secret_key|api[_\-]?key|access_key|access_token|auth_token|token)\\?["']?\s*[:=]\s*\\?["']?([^\s"'\\,;]{12,})"#,
            ),
        ),
    ]
});

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}",
    )
});
static DIGITS: LazyLock<Vec<(Kind, Regex)>> = LazyLock::new(|| {
    vec![
        (
            Kind::Phone,
            re(r"\+[1-9][0-9]{0,3}(?:[ .\-]?\(?[0-9]{1,5}\)?){1,5}[ .\-]?[0-9]{2,5}"),
        ),
        (
            Kind::JapanesePhone,
            re(
                r"(?:0[1-9][0-9]{0,3}-[0-9]{1,4}-[0-9]{4}|\(0[1-9][0-9]{0,3}\)[0-9]{1,4}-[0-9]{4}|0[789]0[0-9]{8})",
            ),
        ),
        (Kind::Card, re(r"[0-9](?:[ \-]?[0-9]){12,18}")),
        (
            Kind::Iban,
            re(r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?"),
        ),
    ]
});

/// A finding: byte range in the line and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    /// Where the masked part starts (after `password=`), == start otherwise.
    pub secret_start: usize,
    kind: Kind,
}

/// Scans a line for secrets (FT090) and/or personal data (FT091); a rule that is off
/// costs nothing. Cheap when nothing is there (the common case): the matchers run only
/// on a small window around each anchor, never over the whole line.
pub fn scan(text: &str, secrets: bool, pii: bool) -> Vec<Found> {
    let b = text.as_bytes();
    let mut out: Vec<Found> = Vec::new();
    let push = |kind: Kind, re: &Regex, from: usize, to: usize, out: &mut Vec<Found>| {
        let (from, to) = (floor(text, from), ceil(text, to));
        for caps in re.captures_iter(&text[from..to]) {
            let m = caps.get(0).expect("whole match");
            let secret = caps.get(1).unwrap_or(m);
            let (start, end) = (from + m.start(), from + m.end());
            if !out.iter().any(|f| f.start == start && f.kind == kind)
                && accept(kind, b, start, end, secret.as_str())
            {
                out.push(Found {
                    start,
                    end,
                    secret_start: from + secret.start(),
                    kind,
                });
            }
        }
    };
    let mut last_end = [0usize; 16];
    let anchors = secrets.then(|| PREFILTER.find_iter(text));
    for m in anchors.into_iter().flatten() {
        let kind = ANCHORS[m.pattern().as_usize()].1;
        // `reset your password.` is no assignment: only `password … [:=]` goes on.
        if kind == Kind::Generic && !assignment_follows(b, m.end()) {
            continue;
        }
        if m.start() < last_end[kind as usize] {
            continue; // inside the window already scanned
        }
        let (from, to) = (m.start().saturating_sub(24), m.end() + WINDOW);
        last_end[kind as usize] = to;
        let re = &PATTERNS
            .iter()
            .find(|(k, _)| *k == kind)
            .expect("a pattern per kind")
            .1;
        push(kind, re, from, to.min(b.len()), &mut out);
    }
    let mut email_to = 0;
    let ats = pii.then(|| memchr::memchr_iter(b'@', b));
    for at in ats.into_iter().flatten() {
        // A run of `@`s costs one window per 192 bytes, not one per `@`.
        if at + 192 < email_to {
            continue;
        }
        email_to = at + 256;
        push(
            Kind::Email,
            &EMAIL,
            at.saturating_sub(64),
            (at + 256).min(b.len()),
            &mut out,
        );
    }
    let runs = if pii { digit_runs(b) } else { Vec::new() };
    for (s, e) in runs {
        // Room for `+`, an IBAN's letters, a card's last group.
        let (from, to) = (s.saturating_sub(16), (e + 16).min(b.len()));
        for (kind, re) in DIGITS.iter() {
            let before = out.len();
            push(*kind, re, from, to, &mut out);
            // A number is one thing: a card is not a phone too.
            let (old, new) = out.split_at(before);
            let clash: Vec<usize> = new
                .iter()
                .enumerate()
                .filter(|(_, f)| old.iter().any(|o| o.start < f.end && f.start < o.end))
                .map(|(i, _)| before + i)
                .collect();
            for i in clash.into_iter().rev() {
                out.remove(i);
            }
        }
    }
    // One finding per place: a key inside `API_KEY=…` is reported as the key.
    let specific: Vec<(usize, usize)> = out
        .iter()
        .filter(|f| f.kind != Kind::Generic)
        .map(|f| (f.start, f.end))
        .collect();
    out.retain(|f| {
        f.kind != Kind::Generic || !specific.iter().any(|&(s, e)| s < f.end && f.start < e)
    });
    out.sort_by_key(|f| (f.start, f.end));
    out.dedup_by(|later, first| later.start < first.end);
    out
}

/// Bytes after an anchor that a match can span (a private-key header, a long JWT).
const WINDOW: usize = 2048;

fn floor(s: &str, i: usize) -> usize {
    crate::diagnostic::floor_boundary(s, i)
}

fn ceil(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// After a keyword: more name characters, an optional (escaped) quote, spaces, then
/// `:` or `=`.
fn assignment_follows(b: &[u8], mut i: usize) -> bool {
    let mut n = 0;
    while i < b.len() && n < 24 && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
        i += 1;
        n += 1;
    }
    if b.get(i) == Some(&b'\\') {
        i += 1;
    }
    if matches!(b.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    matches!(b.get(i), Some(b':' | b'='))
}

/// Runs of 9 or more digits, consecutive or split by single separators
/// (`+81 90-1234-5678`, `4111 1111 1111 1111`): every phone, card and IBAN has one.
/// Letters between digits (an IBAN's bank code) end a run; the window around it
/// gives the matcher the rest.
fn digit_runs(b: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut digits = 0u32;
    let mut gap = false;
    let mut i = 0;
    while i < b.len() {
        // Outside a run the bytes up to the next digit change nothing: jump there.
        if digits == 0 {
            i = next_digit(b, i);
            if i == b.len() {
                break;
            }
        }
        let x = b[i];
        i += 1;
        if x.is_ascii_digit() {
            if digits == 0 {
                start = i - 1;
            }
            digits += 1;
            gap = false;
            continue;
        }
        if !gap && digits > 0 && matches!(x, b' ' | b'-' | b'.' | b')' | b'(') {
            gap = true;
            continue;
        }
        if digits >= 9 {
            runs.push((start, i - 1));
        }
        digits = 0;
        gap = false;
    }
    if digits >= 9 {
        runs.push((start, b.len()));
    }
    runs
}

/// The first ASCII digit at or after `i` (`b.len()` if none). Most of a line has no
/// digit: whole 32-byte blocks are tested at once (the fold compiles to SIMD compares
/// with no branch per byte), then 8-byte words, then single bytes.
fn next_digit(b: &[u8], mut i: usize) -> usize {
    const BLOCK: usize = 32;
    while let Some(w) = b.get(i..i + BLOCK) {
        let hit = w
            .iter()
            .fold(0u8, |a, &x| a | u8::from(x.wrapping_sub(b'0') < 10));
        if hit != 0 {
            break;
        }
        i += BLOCK;
    }
    while let Some(w) = b.get(i..i + 8)
        && !has_digit(u64::from_le_bytes(w.try_into().expect("8 bytes")))
    {
        i += 8;
    }
    while i < b.len() && !b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// Whether a byte of `x` is an ASCII digit ("has a byte between 0x2f and 0x3a",
/// Bit Twiddling Hacks; right for bytes ≥ 0x80 too).
fn has_digit(x: u64) -> bool {
    const L: u64 = 0x0101_0101_0101_0101;
    let low = x & (L * 127);
    ((L * (127 + 0x3a)).wrapping_sub(low) & !x & low.wrapping_add(L * (127 - 0x2f)) & (L * 128))
        != 0
}

fn is_word(x: u8) -> bool {
    x.is_ascii_alphanumeric() || x == b'_'
}

/// The byte before `i` does not continue a word. A JSON escape (`\n`, `\t`, `\"`)
/// ends the word before it: `\nsk-…` starts a key.
fn boundary_before(b: &[u8], i: usize) -> bool {
    if i == 0 || !is_word(b[i - 1]) {
        return true;
    }
    let slashes = b[..i - 1].iter().rev().take_while(|&&x| x == b'\\').count();
    slashes % 2 == 1 && matches!(b[i - 1], b'n' | b't' | b'r' | b'b' | b'f')
}

fn boundary_after(b: &[u8], i: usize) -> bool {
    i >= b.len() || !is_word(b[i])
}

/// The test a regex match must pass to be a finding.
fn accept(kind: Kind, b: &[u8], start: usize, end: usize, secret: &str) -> bool {
    let s = secret.as_bytes();
    let has = |f: fn(&u8) -> bool| s.iter().any(f);
    let mixed =
        has(u8::is_ascii_digit) && has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase);
    match kind {
        // Random base62: digits, capitals and small letters all appear; a slug such as
        // `task-force-alpha-bravo` or `sk-learn-…` does not mix them.
        Kind::OpenAi => {
            boundary_before(b, start)
                && !matches!(b.get(start.wrapping_sub(1)), Some(b'-'))
                && mixed
        }
        Kind::Aws => boundary_before(b, start) && boundary_after(b, end) && has(u8::is_ascii_digit),
        Kind::GitHub | Kind::Google => boundary_before(b, start) && boundary_after(b, end) && mixed,
        Kind::Slack => boundary_before(b, start) && has(u8::is_ascii_digit),
        Kind::PrivateKey => true,
        Kind::Jwt => boundary_before(b, start),
        Kind::Generic => {
            // `DB_PASSWORD=…`, `my-token: …`: a name may end with the keyword.
            (start == 0 || !b[start - 1].is_ascii_alphanumeric())
                && has(u8::is_ascii_digit)
                && entropy(s) >= 3.0
                && !placeholder(secret)
        }
        Kind::Email => {
            let domain = secret.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
            // Documentation domains (RFC 2606) are examples, not someone's address.
            !is_example_domain(&domain) && boundary_before(b, start)
        }
        Kind::Phone => {
            let digits = s.iter().filter(|x| x.is_ascii_digit()).count();
            (8..=15).contains(&digits)
                && (start == 0 || !is_word(b[start - 1]) && b[start - 1] != b'+')
                && boundary_after(b, end)
        }
        Kind::JapanesePhone => {
            let digits = s.iter().filter(|x| x.is_ascii_digit()).count();
            (10..=11).contains(&digits)
                && (start == 0
                    || !b[start - 1].is_ascii_alphanumeric()
                        && !matches!(b[start - 1], b'-' | b'.' | b'+'))
                && (end >= b.len() || !b[end].is_ascii_alphanumeric() && !matches!(b[end], b'-'))
        }
        Kind::Card => {
            let digits: Vec<u8> = s
                .iter()
                .filter(|x| x.is_ascii_digit())
                .map(|x| x - b'0')
                .collect();
            // Card networks start 2–6; equal separators, as cards are written.
            let seps: Vec<u8> = s.iter().copied().filter(|x| !x.is_ascii_digit()).collect();
            (start == 0
                || !b[start - 1].is_ascii_alphanumeric()
                    && !matches!(b[start - 1], b'-' | b'.' | b'+' | b','))
                && (end >= b.len()
                    || !b[end].is_ascii_alphanumeric() && !matches!(b[end], b'-' | b'.'))
                && (2..=6).contains(&digits[0])
                && seps.windows(2).all(|w| w[0] == w[1])
                && digits.iter().any(|&d| d != digits[0])
                && luhn(&digits)
        }
        Kind::Iban => {
            let compact: Vec<u8> = s.iter().copied().filter(|&x| x != b' ').collect();
            boundary_before(b, start)
                && boundary_after(b, end)
                && (15..=34).contains(&compact.len())
                && iban_ok(&compact)
        }
    }
}

fn is_example_domain(d: &str) -> bool {
    ["example.com", "example.org", "example.net"]
        .iter()
        .any(|e| d == *e || d.ends_with(&format!(".{e}")))
        || [".example", ".test", ".invalid", ".localhost", ".local"]
            .iter()
            .any(|t| d.ends_with(t))
}

/// `YOUR_API_KEY_HERE`, `xxxxxxxx…`, `<token>`, `${SECRET}`: a template, not a key.
fn placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    l.contains("your")
        || l.contains("xxxx")
        || l.contains("example")
        || l.contains("placeholder")
        || l.starts_with('<')
        || l.starts_with("${")
        || l.starts_with("{{")
}

/// Shannon entropy in bits per character.
fn entropy(s: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &x in s {
        counts[x as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

pub fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// ISO 13616: move the first four characters to the end, letters as 10–35, mod 97 = 1.
pub fn iban_ok(s: &[u8]) -> bool {
    if s.len() < 5 {
        return false;
    }
    let mut rem = 0u32;
    for &x in s[4..].iter().chain(&s[..4]) {
        let v = match x {
            b'0'..=b'9' => u32::from(x - b'0'),
            b'A'..=b'Z' => u32::from(x - b'A') + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// How much of a secret stays visible: its known prefix plus 2, and the last 4; at
/// most a third of it in all, so a short secret is mostly stars. In bytes, moved onto
/// character boundaries (a match can hold non-ASCII text, e.g. a password's value).
fn visible(kind: Kind, secret: &str) -> (usize, usize) {
    let (head, tail) = visible_bytes(kind, secret);
    let mut head = head.min(secret.len());
    while !secret.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail_start = secret.len() - tail.min(secret.len());
    while !secret.is_char_boundary(tail_start) {
        tail_start += 1;
    }
    (head, secret.len() - tail_start)
}

fn visible_bytes(kind: Kind, secret: &str) -> (usize, usize) {
    let n = secret.len();
    let prefix = match kind {
        Kind::OpenAi => [
            "sk-ant-api03-",
            "sk-ant-",
            "sk-proj-",
            "sk-svcacct-",
            "sk-admin-",
            "sk-",
        ]
        .iter()
        .find(|p| secret.starts_with(**p))
        .map_or(0, |p| p.len()),
        Kind::Aws => 4,
        Kind::GitHub => {
            secret
                .find('_')
                .map_or(0, |i| i + 1)
                .max(if secret.starts_with("github_pat_") {
                    11
                } else {
                    0
                })
        }
        Kind::Slack => 5,
        Kind::Google => 4,
        Kind::Jwt => 3,
        Kind::PrivateKey => return (n, 0), // the header is no secret; the key follows it
        Kind::Email => return (2.min(n / 3), secret.len() - secret.find('@').unwrap_or(n)),
        _ => 0,
    };
    let tail = if n >= 12 { 4 } else { n / 4 };
    let head = (prefix + 2)
        .min(n.saturating_sub(tail) / 2)
        .max(prefix.min(n / 2));
    (head, tail)
}

/// `sk-proj-Ab…8xYz`.
pub fn masked(kind_secret: (Kind, &str)) -> String {
    let (kind, s) = kind_secret;
    let (h, t) = visible(kind, s);
    if h + t >= s.len() {
        return s.to_string();
    }
    format!("{}…{}", &s[..h], &s[s.len() - t..])
}

/// The same length, stars in the middle: byte offsets in an excerpt stay valid.
fn starred(kind: Kind, s: &str) -> String {
    let (h, t) = visible(kind, s);
    if h + t >= s.len() {
        return s.to_string();
    }
    format!(
        "{}{}{}",
        &s[..h],
        "*".repeat(s.len() - h - t),
        &s[s.len() - t..]
    )
}

/// FT090/FT091 on one line; returns the texts to hide (with their kind) for
/// `mask_line_diags`. Nothing is scanned when both rules are off.
pub fn check(c: &mut LineCheck) -> Vec<(Kind, String)> {
    let (secrets, pii) = (c.enabled(Rule::SecretInText), c.enabled(Rule::PiiInText));
    if !secrets && !pii {
        return Vec::new();
    }
    // Only the rules that are on are scanned for: with FT091 off, no digit or `@` scan
    // runs, and a PII match no longer hides a secret it overlaps.
    let found = scan(c.text, secrets, pii);
    let mut hidden = Vec::new();
    for f in found {
        let rule = f.kind.rule();
        if !c.enabled(rule) {
            continue;
        }
        let shown = &c.text[f.start..f.secret_start];
        let secret = &c.text[f.secret_start..f.end];
        let display = format!("{shown}{}", masked((f.kind, secret)));
        let (message, help) = if rule == Rule::SecretInText {
            (
                format!("{} in the text: {display}", f.kind.what()),
                "revoke it now (it is in this file's history), then remove it or replace it with a placeholder such as <API_KEY>".to_string(),
            )
        } else {
            (
                format!("{} in the text: {display}", f.kind.what()),
                "remove or pseudonymise personal data before training (e.g. user@example.com, +1 555 0100)".to_string(),
            )
        };
        c.span(rule, f.start, f.end, message, help);
        hidden.push((f.kind, secret.to_string()));
    }
    hidden
}

/// Hides every found secret in the excerpts, messages and help of a line's
/// diagnostics, whichever rule made them. An excerpt cut at a window edge may hold
/// only part of a secret: that part is starred whole.
pub fn mask_line_diags(diags: &mut [Diagnostic], hidden: &[(Kind, String)]) {
    for d in diags {
        for (kind, s) in hidden {
            if d.message.contains(s.as_str()) {
                d.message = d.message.replace(s.as_str(), &masked((*kind, s)));
            }
            if d.help.contains(s.as_str()) {
                d.help = d.help.replace(s.as_str(), &masked((*kind, s)));
            }
            if let Some(sn) = &mut d.snippet {
                mask_snippet(sn, *kind, s);
            }
        }
    }
}

pub fn mask_snippet(sn: &mut Snippet, kind: Kind, s: &str) {
    let star = starred(kind, s);
    sn.text = sn.text.replace(s, &star);
    // Cut at the start: the window begins inside the secret.
    // Only cuts on character boundaries: the excerpt was cut on one too.
    for k in (1..s.len()).rev() {
        if sn.cut_start
            && k >= 3
            && s.is_char_boundary(s.len() - k)
            && sn.text.starts_with(&s[s.len() - k..])
        {
            sn.text.replace_range(..k, &"*".repeat(k));
            break;
        }
    }
    for k in (1..s.len()).rev() {
        if sn.cut_end && k >= 3 && s.is_char_boundary(k) && sn.text.ends_with(&s[..k]) {
            let n = sn.text.len();
            let keep = visible(kind, s).0.min(k);
            sn.text.replace_range(n - k + keep.., &"*".repeat(k - keep));
            break;
        }
    }
}

/// For excerpts made outside a line check (a whole-file shape finding): scan the
/// excerpt itself and hide what it holds.
pub fn mask_excerpt(d: &mut Diagnostic) {
    let Some(sn) = &d.snippet else { return };
    let hidden: Vec<(Kind, String)> = scan(&sn.text, true, true)
        .into_iter()
        .map(|f| (f.kind, sn.text[f.secret_start..f.end].to_string()))
        .collect();
    mask_line_diags(std::slice::from_mut(d), &hidden);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_words() {
        assert!(!has_digit(u64::from_le_bytes(*b"abc/:xyz")));
        assert!(!has_digit(u64::from_le_bytes(
            *b"\xe3\x81\x82\xe3\x81\x84\xff\xb0"
        )));
        for i in 0..8 {
            let mut w = *b"abcdefgh";
            w[i] = b'0' + i as u8;
            assert!(has_digit(u64::from_le_bytes(w)));
        }
        assert_eq!(digit_runs(b"abcdefgh +81-90-1234-5678 xyz"), vec![(10, 26)]);
    }

    #[test]
    fn checks() {
        assert!(luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
        assert!(!luhn(&[4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]));
        assert!(iban_ok(b"DE89370400440532013000"));
        assert!(!iban_ok(b"DE89370400440532013001"));
        assert_eq!(
            masked((Kind::OpenAi, "sk-proj-AbCdEfGh1234567890XyZ8xYz")),
            "sk-proj-Ab…8xYz"
        );
    }
}
