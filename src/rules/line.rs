//! Line-scope rules: bytes and JSON, before a record's format is known (FT001–FT005,
//! FT010–FT013), and the token limit once the record is counted (FT073).

use super::{LineCheck, key};
use crate::locate::Target;
use crate::record::Json;
use crate::registry::Rule;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text of a line and whether the record check goes on: FT002 BOM, FT004 blank,
/// FT001 invalid UTF-8. `bytes` has no line ending; `bom` says it began with one.
pub fn check_blank_and_encoding(
    c: &mut LineCheck,
    bytes: &[u8],
    bom: bool,
    bad_utf8: Option<usize>,
) -> bool {
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
            c.text.len(),
            "blank line".to_string(),
            "remove the line: it holds no example".to_string(),
        );
        return false;
    }
    if let Some(valid_up_to) = bad_utf8 {
        // The lossy text equals the raw bytes up to the first bad byte.
        c.span(
            Rule::InvalidUtf8,
            valid_up_to,
            valid_up_to + 1,
            format!("invalid UTF-8 byte 0x{:02X}", bytes[valid_up_to]),
            "re-encode the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)".to_string(),
        );
        return false;
    }
    true
}

/// Parses the line: FT010/FT011/FT005 when it is not JSON, FT012 when it is not an
/// object, FT013 for repeated keys. Returns the record and whether any object repeats
/// a key.
pub fn parse<'a>(
    c: &mut LineCheck<'_>,
    text: &'a str,
    truncatable: bool,
) -> Option<(Json<'a>, bool)> {
    let rec: Json = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            report_json_error(c, &e, truncatable);
            return None;
        }
    };
    if rec.as_object().is_none() {
        c.at(
            Rule::RecordNotObject,
            &[],
            Target::Value,
            format!("the line is {}, not a JSON object", rec.type_name()),
            "each line is one object: {\"messages\": [...]}".to_string(),
        );
        return None;
    }
    // One walk tells whether any object repeats a key; only then are the repeats
    // located for FT013.
    let duplicate_keys = rec.has_duplicate_keys();
    if duplicate_keys && c.enabled(Rule::DuplicateKey) {
        check_duplicate_keys(&rec, &mut Vec::new(), c);
    }
    Some((rec, duplicate_keys))
}

/// FT015: the line (of `len` bytes; `c.text` holds only its head) is over
/// `--max-line-bytes`, so it was skipped unread.
pub fn check_line_length(c: &mut LineCheck, len: u64) {
    let max = c.settings.max_line_bytes as u64;
    if len <= max {
        return;
    }
    c.span(
        Rule::LineTooLong,
        0,
        c.text.len().min(1),
        format!(
            "line is {} bytes, over the limit of {} (--max-line-bytes): skipped, not checked",
            crate::stats::thousands(len),
            crate::stats::thousands(max)
        ),
        "a record this long is almost always a bug (a pasted file, a missing newline); split or fix it, or raise --max-line-bytes if it is meant".to_string(),
    );
}

/// FT073: the example is longer than the model's limit.
pub fn check_token_limit(c: &mut LineCheck, tokens: u64, main_key: &str) {
    let model = &c.settings.model;
    let limit = model.token_limit;
    if tokens <= limit {
        return;
    }
    let message = format!(
        "example has {} tokens, over {}'s limit of {}",
        crate::stats::thousands(tokens),
        model.id,
        crate::stats::thousands(limit)
    );
    let help = format!(
        "it will be truncated to {} tokens; shorten or split it",
        crate::stats::thousands(limit)
    );
    c.at(
        Rule::OverTokenLimit,
        &[key(main_key)],
        Target::Key,
        message,
        help,
    );
}

/// FT068: the model's own chat template (an open-weight model's) failed on a record
/// that passed every other check; `why` is the template's message.
pub fn check_chat_template(c: &mut LineCheck, why: &str, main_key: &str) {
    let message = if why.contains("ran out of fuel") {
        format!(
            "{}'s chat template did not finish this record within ftlint's budget of {} steps per record ({why})",
            c.settings.model.id,
            crate::stats::thousands(crate::hf::template::TEMPLATE_FUEL)
        )
    } else {
        format!(
            "{}'s chat template fails on this record: {why}",
            c.settings.model.id
        )
    };
    c.at(
        Rule::ChatTemplateError,
        &[key(main_key)],
        Target::Key,
        message,
        "the trainer renders every record with this template; give the record the shape the template expects".to_string(),
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
    } else if let Some((s, e)) = non_finite_at(c.text.as_bytes(), at) {
        // Python's json (and json.dumps) take NaN and Infinity; JSON does not, and no
        // field of a record holds a non-finite number.
        span = (s, e);
        (
            Rule::InvalidJson,
            format!(
                "invalid JSON: `{}` is not a JSON value: JSON numbers are finite",
                &c.text[s..e]
            ),
            "write null or a finite number; Python's `json.dumps` writes NaN and Infinity unless given `allow_nan=False`".to_string(),
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
        } else if c.text.as_bytes().get(at) == Some(&b'\'') {
            "JSON strings and keys take double quotes; a line like this is usually a Python dict written with str(): write it with json.dumps".to_string()
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

/// The byte range of a `NaN`, `Infinity` or `-Infinity` (any case, or `inf`) around byte
/// `at`, where serde_json stops on it.
fn non_finite_at(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let at = at.min(b.len());
    let mut s = at;
    while s > 0 && b[s - 1].is_ascii_alphabetic() {
        s -= 1;
    }
    let mut e = at;
    while e < b.len() && b[e].is_ascii_alphabetic() {
        e += 1;
    }
    let word = std::str::from_utf8(&b[s..e]).ok()?;
    if !["nan", "infinity", "inf"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
    {
        return None;
    }
    if s > 0 && b[s - 1] == b'-' {
        s -= 1;
    }
    Some((s, e))
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn non_finite_numbers_are_found_where_serde_json_stops() {
        for (line, want) in [
            (r#"{"a":NaN}"#, "NaN"),
            (r#"{"a":-Infinity}"#, "-Infinity"),
            (r#"{"a":Infinity}"#, "Infinity"),
            (r#"{"a":[1,nan]}"#, "nan"),
        ] {
            let e = serde_json::from_str::<Json>(line).unwrap_err();
            let (s, end) = non_finite_at(line.as_bytes(), e.column() - 1).unwrap();
            assert_eq!(&line[s..end], want, "{line}: {e}");
        }
        // A misspelt `null` is not a non-finite number.
        let line = r#"{"a":nul}"#;
        let e = serde_json::from_str::<Json>(line).unwrap_err();
        assert_eq!(non_finite_at(line.as_bytes(), e.column() - 1), None);
    }
}
