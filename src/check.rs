//! The pipeline for one file: blocks → chunks checked in parallel → merged in order →
//! file and dataset rules.
//!
//! A chunk is pure: bytes in, `ChunkOut` out, line numbers relative to the chunk. The
//! merge adds each chunk's first line number (the running line count), so results do
//! not depend on how many threads ran or how the bytes were cut.

use crate::diagnostic::{Diagnostic, Severity, Snippet};
use crate::input::{self, Source};
use crate::record::{Format, Json, canonical_hash};
use crate::rules::{LineCheck, Rule, chat, key, legacy};
use crate::settings::Settings;
use crate::tokens::{self, ExampleTokens, Tokenizer};
use rayon::prelude::*;
use std::sync::Arc;

/// Bytes per parallel work unit.
const CHUNK_BYTES: usize = 1 << 20;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Token figures of one valid example, kept for the distributions. Compact (32 bytes):
/// a 1 GB file holds a few hundred thousand of them. One example never nears 4 billion
/// tokens, so u32 counts are exact.
#[derive(Clone, Copy, Debug)]
pub struct ExampleFigures {
    pub line: u64,
    pub total: u32,
    pub trained: u32,
    pub prompt: u32,
    pub completion: u32,
    pub messages: u32,
    pub estimated: bool,
}

impl ExampleFigures {
    fn new(line: u64, messages: usize, t: &ExampleTokens) -> ExampleFigures {
        let c = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
        ExampleFigures {
            line,
            total: c(t.total),
            trained: c(t.trained),
            prompt: c(t.prompt),
            completion: c(t.completion),
            messages: c(messages as u64),
            estimated: t.estimated,
        }
    }
}

struct ChunkOut {
    findings: crate::rules::Findings,
    lines: u64,
    examples: u64,
    valid: u64,
    /// Line, character column of the CR, and the line window.
    first_crlf: Option<(u64, u64, Snippet)>,
    /// First line of each format (index: Format as usize).
    first_of: [Option<(u64, Snippet)>; 2],
    wrong_format: u64,
    hashes: Vec<(u64, u64)>,
    figures: Vec<ExampleFigures>,
}

struct ChunkCtx<'a> {
    settings: &'a Settings,
    tokenizer: Option<&'a Tokenizer>,
    path: &'a Arc<str>,
    /// This chunk starts at byte 0 of the file (a BOM is possible).
    file_start: bool,
    /// This chunk holds the end of the file.
    file_end: bool,
}

fn format_index(f: Format) -> usize {
    match f {
        Format::Chat => 0,
        Format::Legacy => 1,
    }
}

impl ChunkOut {
    fn new() -> ChunkOut {
        ChunkOut {
            findings: crate::rules::Findings::new(),
            lines: 0,
            examples: 0,
            valid: 0,
            first_crlf: None,
            first_of: [None, None],
            wrong_format: 0,
            hashes: Vec::new(),
            figures: Vec::new(),
        }
    }

    /// Diagnostics the next line may add: the chunk's earlier lines sort first, so once
    /// they fill the cap a line's findings are only counted.
    fn room(&self, cap: usize) -> usize {
        match cap {
            0 => usize::MAX,
            _ => cap.saturating_sub(self.findings.diags.len()),
        }
    }
}

fn process_chunk(bytes: &[u8], ctx: &ChunkCtx) -> ChunkOut {
    let mut out = ChunkOut::new();
    let mut start = 0;
    while start < bytes.len() {
        let (line, next, has_newline) = match memchr::memchr(b'\n', &bytes[start..]) {
            Some(i) => (&bytes[start..start + i], start + i + 1, true),
            None => (&bytes[start..], bytes.len(), false),
        };
        out.lines += 1;
        let truncatable = !has_newline && ctx.file_end;
        process_line(line, out.lines, truncatable, ctx, &mut out);
        start = next;
    }
    out
}

fn process_line(raw: &[u8], line_no: u64, truncatable: bool, ctx: &ChunkCtx, out: &mut ChunkOut) {
    let settings = ctx.settings;
    if raw.len() > settings.max_line_bytes {
        long_line(raw, raw.len() as u64, line_no, ctx, out);
        return;
    }
    let room = out.room(settings.max_diagnostics);
    let mut bytes = raw;
    if let Some(b) = bytes.strip_suffix(b"\r") {
        bytes = b;
        if out.first_crlf.is_none() {
            let text = String::from_utf8_lossy(bytes);
            let column = crate::diagnostic::char_column(&text, text.len());
            out.first_crlf = Some((line_no, column, Snippet::new(&text, text.len(), text.len())));
        }
    }
    let mut bom = false;
    if ctx.file_start
        && line_no == 1
        && let Some(b) = bytes.strip_prefix(BOM)
    {
        bytes = b;
        bom = true;
    }
    let lossy;
    // simdutf8's fast path validates several times faster than std; std then finds
    // the first bad byte on the rare line that fails.
    let (text, bad_utf8) = match simdutf8::basic::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(_) => {
            let valid_up_to = std::str::from_utf8(bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            lossy = String::from_utf8_lossy(bytes);
            (lossy.as_ref(), Some(valid_up_to))
        }
    };
    let mut c = LineCheck::new(settings, ctx.path, line_no, text, &mut out.findings, room);
    if bom {
        c.span(
            Rule::Utf8Bom,
            0,
            0,
            "file starts with a UTF-8 byte-order mark".to_string(),
            "save the file as UTF-8 without BOM; some JSONL readers fail on it".to_string(),
        );
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        c.span(
            Rule::BlankLine,
            0,
            text.len(),
            "blank line".to_string(),
            "remove the line: it holds no example".to_string(),
        );
        return;
    }
    out.examples += 1;
    if let Some(valid_up_to) = bad_utf8 {
        // The lossy text equals the raw bytes up to the first bad byte.
        c.span(
            Rule::InvalidUtf8,
            valid_up_to,
            valid_up_to + 1,
            format!("invalid UTF-8 byte 0x{:02X}", bytes[valid_up_to]),
            "re-encode the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)".to_string(),
        );
        return;
    }
    let rec: Json = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            report_json_error(&mut c, &e, truncatable);
            return;
        }
    };
    if rec.as_object().is_none() {
        c.at(
            Rule::RecordNotObject,
            &[],
            crate::locate::Target::Value,
            format!("the line is {}, not a JSON object", rec.type_name()),
            "each line is one object: {\"messages\": [...]}".to_string(),
        );
        return;
    }
    // One walk tells whether any object repeats a key; only then are the repeats
    // located for FT013 and the record reduced to what the provider reads.
    let duplicate_keys = rec.has_duplicate_keys();
    if duplicate_keys && c.enabled(Rule::DuplicateKey) {
        check_duplicate_keys(&rec, &mut Vec::new(), &mut c);
    }
    let format = Format::detect(&rec);
    let slot = &mut out.first_of[format_index(format)];
    if slot.is_none() {
        *slot = Some((line_no, Snippet::new(text, 0, text.len().min(1))));
    }
    let wanted = if settings.model.legacy {
        Format::Legacy
    } else {
        Format::Chat
    };
    if format != wanted {
        out.wrong_format += 1;
        if settings.severity(Rule::LegacyFormat) == Some(Severity::Error) {
            c.has_error = true;
        }
    }
    match format {
        Format::Chat => chat::check(&rec, &mut c),
        Format::Legacy => legacy::check(&rec, &mut c),
    }
    // 64 bits of the canonical hash: a false duplicate needs a collision among n
    // examples, odds about n²/2⁶⁵ (under 1 in 10¹⁰ for a million examples).
    let h = canonical_hash(&rec);
    out.hashes.push(((h >> 64) as u64 ^ h as u64, line_no));

    if c.has_error {
        return;
    }
    out.valid += 1;
    let Some(tok) = ctx.tokenizer else {
        return;
    };
    // The counters walk an object's members; with a key given twice they would count
    // the value the provider drops too (FT013). Count the record as it is read.
    let deduped;
    let rec = if duplicate_keys {
        deduped = rec.last_key_wins();
        &deduped
    } else {
        &rec
    };
    let (tokens, messages) = match format {
        Format::Chat => (
            tokens::count_chat(tok, rec),
            rec.get("messages")
                .and_then(Json::as_array)
                .map_or(0, <[_]>::len),
        ),
        Format::Legacy => (tokens::count_legacy(tok, rec), 0),
    };
    let limit = settings.model.token_limit;
    if tokens.total > limit {
        c.at(
            Rule::OverTokenLimit,
            &[key(if format == Format::Chat {
                "messages"
            } else {
                "prompt"
            })],
            crate::locate::Target::Key,
            format!(
                "example has {} tokens, over {}'s limit of {}",
                crate::stats::thousands(tokens.total),
                settings.model.id,
                crate::stats::thousands(limit)
            ),
            format!(
                "it will be truncated to {} tokens; shorten or split it",
                crate::stats::thousands(limit)
            ),
        );
    }
    out.figures
        .push(ExampleFigures::new(line_no, messages, &tokens));
}

/// FT009: a line over `--max-line-bytes` is reported at its start and otherwise
/// skipped: nothing past its first bytes (`head`) is read into memory or checked.
fn long_line(head: &[u8], len: u64, line_no: u64, ctx: &ChunkCtx, out: &mut ChunkOut) {
    out.examples += 1;
    let head = &head[..head.len().min(input::LONG_LINE_HEAD)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    let room = out.room(ctx.settings.max_diagnostics);
    let mut c = LineCheck::new(
        ctx.settings,
        ctx.path,
        line_no,
        text,
        &mut out.findings,
        room,
    );
    c.span(
        Rule::LineTooLong,
        0,
        text.len().min(1),
        format!(
            "line is {} bytes, over the limit of {} (--max-line-bytes): skipped, not checked",
            crate::stats::thousands(len),
            crate::stats::thousands(ctx.settings.max_line_bytes as u64)
        ),
        "a record this long is almost always a bug (a pasted file, a missing newline); split or fix it, or raise --max-line-bytes if it is meant".to_string(),
    );
}

fn report_json_error(c: &mut LineCheck, e: &serde_json::Error, truncatable: bool) {
    let full = e.to_string();
    let reason = full
        .rfind(" at line ")
        .map_or(full.as_str(), |i| &full[..i])
        .to_string();
    // serde_json's column counts bytes, 1-based, and names the last byte it read; the
    // line is a single line.
    let at = e.column().saturating_sub(1).min(c.text.len());
    let mut span = (at, at + 1);
    let eof = e.classify() == serde_json::error::Category::Eof;
    let (rule, message, help) = if eof && truncatable {
        (
            Rule::TruncatedLine,
            "the last line stops mid-record: the file looks truncated".to_string(),
            "re-export or re-download the file; complete or remove the last line".to_string(),
        )
    } else if reason.contains("recursion limit") {
        (
            Rule::JsonTooDeep,
            "JSON nested too deep: the parser stops at 128 levels".to_string(),
            "a chat record never nests this deep; fix the generator of this line".to_string(),
        )
    } else if let Some(start) = (reason.contains("surrogate") || reason.contains("hex escape"))
        .then(|| lone_surrogate_before(c.text.as_bytes(), at))
        .flatten()
    {
        // A `\uD800`–`\uDFFF` escape without its other half: serde_json says "unexpected
        // end of hex escape" and points past it; name the escape and point at it.
        span = (start, start + 6);
        (
            Rule::InvalidJson,
            format!(
                "invalid JSON: lone surrogate escape `{}`: half of a UTF-16 pair, it encodes no character",
                &c.text[start..start + 6]
            ),
            "give the whole pair (e.g. `\\ud83d\\ude00` for 😀) or remove the escape: the text cannot be encoded as UTF-8 as it is".to_string(),
        )
    } else if reason == "number out of range" {
        let b = c.text.as_bytes();
        let is_num = |x: u8| x.is_ascii_digit() || matches!(x, b'-' | b'+' | b'.' | b'e' | b'E');
        let mut s = at.min(b.len());
        while s > 0 && is_num(b[s - 1]) {
            s -= 1;
        }
        let mut end = s;
        while end < b.len() && is_num(b[end]) {
            end += 1;
        }
        // The number's bytes are ASCII, so these slices are on char boundaries.
        let shown = match end - s {
            0 => String::new(),
            n if n > 40 => format!(" {}…", &c.text[s..s + 40]),
            _ => format!(" {}", &c.text[s..end]),
        };
        if end > s {
            span = (s, end);
        }
        (
            Rule::InvalidJson,
            format!("invalid JSON: the number{shown} is out of range (beyond a 64-bit float)"),
            "write a finite number (at most about 1.8e308): Python's json, which the provider parses with, would read it as infinity, which no model input can hold".to_string(),
        )
    } else {
        let control = c
            .text
            .as_bytes()
            .get(at)
            .copied()
            .filter(|b| b.is_ascii_control());
        let help = if let Some(b) = control.filter(|_| reason.starts_with("control character")) {
            format!("escape it as \\u{b:04X} (or \\n, \\t for line breaks and tabs), or remove it")
        } else if reason.contains("trailing comma") {
            "remove the comma before the closing bracket".to_string()
        } else if eof {
            "the record is cut short: close every string, array and object on this line".to_string()
        } else {
            "fix the JSON syntax at this column; each line must be one complete JSON object"
                .to_string()
        };
        let message = match control {
            Some(b) if reason.starts_with("control character") => {
                format!(
                    "invalid JSON: raw control character {} inside a string",
                    control_name(b)
                )
            }
            Some(b) => format!(
                "invalid JSON: {reason} (found control character {})",
                control_name(b)
            ),
            None => format!("invalid JSON: {reason}"),
        };
        (Rule::InvalidJson, message, help)
    };
    c.span(rule, span.0, span.1, message, help);
}

/// `0x00 (NUL)`, `0x1B (ESC)`: a control byte named for a person.
fn control_name(b: u8) -> String {
    const NAMES: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF",
        "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
        "SUB", "ESC", "FS", "GS", "RS", "US",
    ];
    let name = NAMES.get(usize::from(b)).copied().unwrap_or("DEL");
    format!("0x{b:02X} ({name})")
}

/// The start of the unpaired `\uD800`–`\uDFFF` escape that ends at or just before byte
/// `at` (serde_json stops at most 11 bytes past its start: `\uD800\u0041`).
fn lone_surrogate_before(b: &[u8], at: usize) -> Option<usize> {
    // A surrogate escape at `i`: `\u` (with the backslash not itself escaped) and four
    // hex digits in D800..=DFFF.
    let escape = |i: usize| -> Option<u16> {
        let hex = b.get(i + 2..i + 6)?;
        if b.get(i..i + 2)? != b"\\u" || !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let backslashes = b[..i].iter().rev().take_while(|&&x| x == b'\\').count();
        if backslashes % 2 == 1 {
            return None;
        }
        let n = u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
        (0xD800..=0xDFFF).contains(&n).then_some(n)
    };
    let leading = |n: u16| n <= 0xDBFF;
    (at.saturating_sub(11)..=at).find(|&i| match escape(i) {
        Some(n) if leading(n) => escape(i + 6).is_none_or(leading),
        Some(_) => !(i >= 6 && escape(i - 6).is_some_and(leading)),
        None => false,
    })
}

/// FT013: a key twice in one object. Reports at the copy the provider keeps (the last).
fn check_duplicate_keys(v: &Json, path: &mut Vec<crate::locate::Seg>, c: &mut LineCheck) {
    match v {
        Json::Object(m) => {
            let copies = crate::record::KeyCopies::of(m);
            for (i, (k, _)) in m.iter().enumerate() {
                if copies.has_earlier(m, i) && copies.is_last(m, i) {
                    path.push(key(k));
                    c.at(
                        Rule::DuplicateKey,
                        path,
                        crate::locate::Target::Key,
                        format!("key `{k}` appears more than once; the provider keeps only this last value"),
                        format!("keep one `{k}`: the earlier values are silently dropped"),
                    );
                    path.pop();
                }
            }
            for (k, val) in m {
                if matches!(val, Json::Object(_) | Json::Array(_)) {
                    path.push(key(k));
                    check_duplicate_keys(val, path, c);
                    path.pop();
                }
            }
        }
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                if matches!(x, Json::Object(_) | Json::Array(_)) {
                    path.push(crate::locate::Seg::Index(i));
                    check_duplicate_keys(x, path, c);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// Everything found in one file.
pub struct FileResult {
    pub path: Arc<str>,
    pub role: Role,
    pub format: Option<Format>,
    pub lines: u64,
    pub examples: u64,
    pub valid: u64,
    pub findings: crate::rules::Findings,
    /// (canonical hash, line) of every record that parsed, sorted by hash then line.
    pub hashes: Vec<(u64, u64)>,
    pub figures: Vec<ExampleFigures>,
    /// The whole file is JSON (array or pretty-printed), not JSONL.
    pub shape_error: bool,
}

/// What kind of file this is meant to be, for the dataset rules.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Training,
    Validation,
}

/// Checks one opened source.
pub fn check_source(
    path: Arc<str>,
    source: Source,
    settings: &Settings,
    tokenizer: Option<&Tokenizer>,
    role: Role,
) -> Result<FileResult, String> {
    let mut res = FileResult {
        path: path.clone(),
        role,
        format: None,
        lines: 0,
        examples: 0,
        valid: 0,
        findings: crate::rules::Findings::new(),
        hashes: Vec::new(),
        figures: Vec::new(),
        shape_error: false,
    };
    let mut first_crlf: Option<(u64, u64, Snippet)> = None;
    let mut first_of: [Option<(u64, Snippet)>; 2] = [None, None];
    let mut wrong_format = 0u64;
    let cap = settings.max_diagnostics;

    input::for_each_block(source, settings.max_line_bytes, |piece| {
        // A line skipped for its length is merged as a chunk of one line.
        let (block, is_first, is_last, skipped) = match piece {
            input::Piece::Lines { bytes, first, last } => (bytes, first, last, None),
            input::Piece::LongLine { head, len, .. } => {
                let ctx = ChunkCtx {
                    settings,
                    tokenizer,
                    path: &path,
                    file_start: false,
                    file_end: false,
                };
                let mut o = ChunkOut::new();
                o.lines = 1;
                long_line(head, len, 1, &ctx, &mut o);
                (&[][..], false, false, Some(o))
            }
        };
        if is_first && let Some(d) = whole_file_shape(block, &path, settings) {
            res.shape_error = true;
            res.findings.push(d);
        }
        if res.shape_error {
            res.lines += count_lines(block) + u64::from(skipped.is_some());
            return;
        }
        let mut chunks = Vec::new();
        let mut s = 0;
        while s < block.len() {
            let e = input::block_end(block, s, CHUNK_BYTES);
            chunks.push((s, e));
            s = e;
        }
        let outs: Vec<ChunkOut> = chunks
            .par_iter()
            .map(|&(s, e)| {
                let ctx = ChunkCtx {
                    settings,
                    tokenizer,
                    path: &path,
                    file_start: is_first && s == 0,
                    file_end: is_last && e == block.len(),
                };
                process_chunk(&block[s..e], &ctx)
            })
            .collect();
        for mut o in outs.into_iter().chain(skipped) {
            let base = res.lines;
            for d in &mut o.findings.diags {
                d.line += base;
            }
            res.findings.merge(o.findings, cap);
            res.examples += o.examples;
            res.valid += o.valid;
            if first_crlf.is_none() {
                first_crlf = o.first_crlf.map(|(l, c, s)| (l + base, c, s));
            }
            for (slot, found) in first_of.iter_mut().zip(o.first_of) {
                if slot.is_none() {
                    *slot = found.map(|(l, s)| (l + base, s));
                }
            }
            wrong_format += o.wrong_format;
            res.hashes
                .extend(o.hashes.into_iter().map(|(h, l)| (h, l + base)));
            res.figures.extend(o.figures.into_iter().map(|mut f| {
                f.line += base;
                f
            }));
            res.lines += o.lines;
        }
    })?;

    let file_diag =
        |rule: Rule, line: u64, snippet: Option<Snippet>, message: String, help: String| {
            settings.severity(rule).map(|severity| Diagnostic {
                rule,
                severity,
                path: path.clone(),
                line,
                column: 1,
                end_column: 2,
                message,
                help,
                snippet,
            })
        };
    let mut late: Vec<Diagnostic> = Vec::new();
    if let Some((line, column, snip)) = first_crlf {
        late.extend(
            file_diag(
                Rule::CrlfLineEndings,
                line,
                Some(snip),
                "lines end with CRLF (\\r\\n); first here".to_string(),
                "accepted; convert to LF endings (`dos2unix`) to keep the file portable"
                    .to_string(),
            )
            .map(|d| Diagnostic {
                column,
                end_column: column + 1,
                ..d
            }),
        );
    }
    // Formats: the file's format is that of its first record.
    let mut present: Vec<(u64, Format, Snippet)> = Vec::new();
    for (i, slot) in first_of.into_iter().enumerate() {
        if let Some((line, snip)) = slot {
            present.push((
                line,
                if i == 0 { Format::Chat } else { Format::Legacy },
                snip,
            ));
        }
    }
    present.sort_by_key(|p| p.0);
    res.format = present.first().map(|p| p.1);
    if let [(_, first_format, _), (line, other, snip)] = present.as_slice() {
        late.extend(file_diag(
            Rule::MixedFormats,
            *line,
            Some(snip.clone()),
            format!(
                "this {} record follows {} records: the file mixes formats",
                other.as_str(),
                first_format.as_str()
            ),
            "keep one format per file: chat `messages` for chat models".to_string(),
        ));
    }
    if wrong_format > 0 {
        let wanted = if settings.model.legacy {
            Format::Chat
        } else {
            Format::Legacy
        };
        if let Some((line, _, snip)) = present.iter().find(|p| p.1 == wanted) {
            let (message, help) = if settings.model.legacy {
                (
                    format!(
                        "{} chat record(s); {} takes prompt/completion records",
                        wrong_format, settings.model.id
                    ),
                    "convert to {\"prompt\": …, \"completion\": …}, or pick a chat model with --model".to_string(),
                )
            } else {
                (
                    format!(
                        "legacy prompt/completion format; chat models need messages ({} record(s))",
                        wrong_format
                    ),
                    "convert each record to {\"messages\": [{\"role\": \"user\", \"content\": PROMPT}, {\"role\": \"assistant\", \"content\": COMPLETION}]}, or use --model babbage-002 / davinci-002".to_string(),
                )
            };
            late.extend(file_diag(
                Rule::LegacyFormat,
                *line,
                Some(snip.clone()),
                message,
                help,
            ));
        }
    }
    if !res.shape_error {
        if res.examples == 0 {
            late.extend(file_diag(
                Rule::NoRecords,
                1,
                None,
                if res.lines == 0 {
                    "the file is empty".to_string()
                } else {
                    "the file holds no records, only blank lines".to_string()
                },
                "add one JSON object per line".to_string(),
            ));
        } else if role == Role::Training && res.valid < MIN_EXAMPLES {
            late.extend(file_diag(
                Rule::TooFewExamples,
                1,
                None,
                format!(
                    "only {} valid example(s); the provider requires at least {MIN_EXAMPLES}",
                    res.valid
                ),
                "fix the invalid examples or add more; 50–100 good examples is a sensible start"
                    .to_string(),
            ));
        }
        // Sorting in place finds duplicates without a second table: equal hashes end
        // up adjacent, the first copy (lowest line) first.
        res.hashes.sort_unstable();
        if settings.severity(Rule::DuplicateExample).is_some() {
            for run in res.hashes.chunk_by(|a, b| a.0 == b.0) {
                let first = run[0].1;
                for &(_, line) in &run[1..] {
                    late.extend(file_diag(
                        Rule::DuplicateExample,
                        line,
                        None,
                        format!("duplicate of the example on line {first}"),
                        format!("remove this copy; line {first} already trains it"),
                    ));
                }
            }
        }
    }
    for d in late {
        res.findings.push(d);
    }
    res.findings.sort_and_cap(cap);
    Ok(res)
}

/// The provider's minimum number of training examples.
pub const MIN_EXAMPLES: u64 = 10;

fn count_lines(block: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', block).count() as u64;
    n + u64::from(!block.is_empty() && !block.ends_with(b"\n"))
}

/// The deepest nesting serde_json parses (its limit of 128 counts the 128th level as
/// too deep): deeper is FT011.
const JSON_DEPTH_LIMIT: usize = 127;

/// Whether brackets outside strings nest deeper than `limit` anywhere in `b` (which need
/// not be valid or complete JSON). One pass, no allocation; stops once past the limit.
fn nests_deeper_than(b: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// FT006 / FT007: the file is one JSON document, not one record per line. Looks only at
/// the first record, so the cost is bounded.
fn whole_file_shape(block: &[u8], path: &Arc<str>, settings: &Settings) -> Option<Diagnostic> {
    let data = block.strip_prefix(BOM).unwrap_or(block);
    let start = data.iter().position(|b| !b.is_ascii_whitespace())?;
    let line_no = 1 + memchr::memchr_iter(b'\n', &data[..start]).count() as u64;
    let line_end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
    let first_line = &data[start..line_end];
    let alone = serde_json::from_slice::<serde::de::IgnoredAny>(first_line);
    let (rule, message, help) = match data[start] {
        b'[' => {
            let is_array_file = match &alone {
                // A whole array on the first line is a JSON array file when it holds
                // objects and nothing follows it.
                Ok(_) => {
                    data[line_end..].iter().all(u8::is_ascii_whitespace)
                        && first_line.iter().skip(1).find(|b| !b.is_ascii_whitespace())
                            == Some(&b'{')
                }
                // The first line opens an array it does not close: an array over several
                // lines. Any other error (bad syntax, nesting too deep) is the line's own
                // fault and is reported on it. (`IgnoredAny` has no depth limit, so an
                // open array nested past the parser's limit is told apart here.)
                Err(e) => {
                    e.classify() == serde_json::error::Category::Eof
                        && !nests_deeper_than(first_line, JSON_DEPTH_LIMIT)
                }
            };
            if !is_array_file {
                return None;
            }
            (
                Rule::JsonArrayFile,
                "the file is a JSON array, not JSONL (one JSON object per line)",
                "convert it: `jq -c '.[]' FILE > FILE.jsonl`",
            )
        }
        b'{' => {
            let err = alone.err()?;
            if err.classify() != serde_json::error::Category::Eof {
                return None;
            }
            // Does the first object parse when it may span lines?
            let mut stream = serde_json::Deserializer::from_slice(&data[start..])
                .into_iter::<serde::de::IgnoredAny>();
            stream.next()?.ok()?;
            (
                Rule::MultilineJson,
                "records are pretty-printed over several lines: this is JSON, not JSONL",
                "put each record on one line: `jq -c . FILE > FILE.jsonl`",
            )
        }
        _ => return None,
    };
    let severity = settings.severity(rule)?;
    let text = String::from_utf8_lossy(&first_line[..first_line.len().min(200)]).into_owned();
    Some(Diagnostic {
        rule,
        severity,
        path: path.clone(),
        line: line_no,
        column: 1,
        end_column: 2,
        message: message.to_string(),
        help: help.to_string(),
        snippet: Some(Snippet::new(&text, 0, 1)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scan_matches_the_parser_and_skips_strings() {
        for n in [1, 126, 127, 128, 129, 1000] {
            let open = "[".repeat(n);
            let closed = open.clone() + &"]".repeat(n);
            let parsed = serde_json::from_str::<Json>(&closed);
            let too_deep = parsed.is_err_and(|e| e.to_string().contains("recursion limit"));
            assert_eq!(
                nests_deeper_than(open.as_bytes(), JSON_DEPTH_LIMIT),
                too_deep,
                "{n}"
            );
        }
        let in_string = format!(r#"["{}\"{}"]"#, "[".repeat(500), "{".repeat(500));
        assert!(!nests_deeper_than(in_string.as_bytes(), JSON_DEPTH_LIMIT));
    }

    #[test]
    fn lone_surrogates_are_found_where_serde_json_stops() {
        // (line, byte offset of the escape serde_json fails on)
        for (line, want) in [
            (r#"["\ud800"]"#, 2),
            (r#"["ab\udc00x"]"#, 4),
            (r#"["\ud800\u0041"]"#, 2),
            (r#"["\ud800\ud800"]"#, 2),
            (r#"["\ud83d\ude00\udc00"]"#, 14),
            (r#"["\\ud800 \ud800\n"]"#, 10),
            (r#"{"\udfff":1}"#, 2),
        ] {
            let e = serde_json::from_str::<Json>(line).unwrap_err();
            let start = lone_surrogate_before(line.as_bytes(), e.column() - 1);
            assert_eq!(start, Some(want), "{line}: {e}");
        }
        // An escaped backslash followed by "ud800" is no escape at all.
        assert_eq!(lone_surrogate_before(br#"["\\ud800"]"#, 9), None);
    }
}
