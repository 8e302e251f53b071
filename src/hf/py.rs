//! Python behaviours that chat templates observe: `str.strip()` whitespace, `str()` of
//! values, `float.__repr__`, and `json.dumps` (which `transformers` installs as `tojson`).
//! Each one differs from what minijinja or Rust do by default, and each difference changes
//! the rendered text, hence the token count.

use minijinja::value::{Value, ValueKind};
use minijinja::{Error, ErrorKind};
use std::fmt::Write;

/// Python's `str.isspace()` set: Rust's `char::is_whitespace` plus U+001C..U+001F (the
/// information separators), which `str.strip()` and `str.split()` also remove.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `str.strip(chars)` / `lstrip` / `rstrip`: with no `chars`, Python whitespace.
pub fn strip<'a>(s: &'a str, chars: Option<&str>, left: bool, right: bool) -> &'a str {
    let strip_char = |c: char| match chars {
        Some(set) => set.contains(c),
        None => is_py_space(c),
    };
    let mut out = s;
    if left {
        out = out.trim_start_matches(strip_char);
    }
    if right {
        out = out.trim_end_matches(strip_char);
    }
    out
}

/// `str.split()` with no separator: runs of Python whitespace, no empty items.
pub fn split_whitespace(s: &str, maxsplit: Option<i64>) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim_start_matches(is_py_space);
    let mut splits = 0i64;
    while !rest.is_empty() {
        if maxsplit.is_some_and(|m| m >= 0 && splits >= m) {
            // Python keeps the remainder as is (trailing whitespace included).
            out.push(rest);
            break;
        }
        match rest.find(is_py_space) {
            Some(i) => {
                out.push(&rest[..i]);
                rest = rest[i..].trim_start_matches(is_py_space);
                splits += 1;
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}

/// `str.splitlines(keepends)`: Python's line boundaries, not only `\n`.
pub fn splitlines(s: &str, keepends: bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let brk = matches!(
            c,
            '\n' | '\r'
                | '\u{0b}'
                | '\u{0c}'
                | '\u{1c}'
                | '\u{1d}'
                | '\u{1e}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if !brk {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c == '\r' && it.peek().is_some_and(|&(_, n)| n == '\n') {
            it.next();
            end += 1;
        }
        out.push(if keepends {
            &s[start..end]
        } else {
            &s[start..i]
        });
        start = end;
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// `float.__repr__`: the shortest round-trip digits (Rust's too), laid out as Python
/// does: fixed notation for exponents −4..15, else `1e+16` / `1.5e-05`.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let sci = format!("{f:e}");
    let (mant, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    let (sign, mant) = match mant.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mant),
    };
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        let mut s = String::from(sign);
        if exp < 0 {
            s.push_str("0.");
            s.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            s.push_str(&digits);
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                s.push_str(&digits);
                s.extend(std::iter::repeat_n('0', int_len - digits.len()));
                s.push_str(".0");
            } else {
                s.push_str(&digits[..int_len]);
                s.push('.');
                s.push_str(&digits[int_len..]);
            }
        }
        s
    } else {
        let mut s = String::from(sign);
        s.push_str(&digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        let _ = write!(
            s,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
        s
    }
}

fn as_float(v: &Value) -> Option<f64> {
    (v.kind() == ValueKind::Number && !v.is_integer())
        .then(|| f64::try_from(v.clone()).ok())
        .flatten()
}

/// Python's `str(value)`, what Jinja2 prints for `{{ value }}`: `None`, `True`, `1.0`,
/// `[1, 'a']`, `{'k': None}`. Undefined prints nothing.
pub fn write_str(out: &mut String, v: &Value) {
    match v.kind() {
        ValueKind::Undefined => {}
        ValueKind::String => out.push_str(v.as_str().unwrap_or_default()),
        _ => write_repr(out, v),
    }
}

/// Python's `repr(value)` for the JSON-like values a template holds.
pub fn write_repr(out: &mut String, v: &Value) {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => out.push_str("None"),
        ValueKind::Bool => out.push_str(if v.is_true() { "True" } else { "False" }),
        ValueKind::Number => match as_float(v) {
            Some(f) => out.push_str(&float_repr(f)),
            None => {
                let _ = write!(out, "{v}");
            }
        },
        ValueKind::String => str_repr(out, v.as_str().unwrap_or_default()),
        ValueKind::Seq | ValueKind::Iterable => {
            let tuple = v.is_tuple();
            out.push(if tuple { '(' } else { '[' });
            let mut n = 0;
            if let Ok(items) = v.try_iter() {
                for (i, item) in items.enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(out, &item);
                    n += 1;
                }
            }
            if tuple && n == 1 {
                out.push(',');
            }
            out.push(if tuple { ')' } else { ']' });
        }
        ValueKind::Map => {
            out.push('{');
            if let Ok(keys) = v.try_iter() {
                for (i, k) in keys.enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_repr(out, &k);
                    out.push_str(": ");
                    write_repr(out, &v.get_item(&k).unwrap_or_default());
                }
            }
            out.push('}');
        }
        _ => {
            let _ = write!(out, "{v}");
        }
    }
}

/// Characters `str.isprintable()` rejects that real data holds; `repr` escapes them.
/// (Unassigned code points are not known here: they print as themselves.)
fn py_nonprintable(c: char) -> bool {
    let u = c as u32;
    u < 0x20
        || (0x7f..=0xa0).contains(&u)
        || u == 0xad
        || u == 0x1680
        || (0x2000..=0x200f).contains(&u)
        || (0x2028..=0x202f).contains(&u)
        || (0x205f..=0x2064).contains(&u)
        || (0x2066..=0x206f).contains(&u)
        || u == 0x3000
        || u == 0xfeff
        || (0xe000..=0xf8ff).contains(&u)
        || (0xfff9..=0xfffb).contains(&u)
        || (0xf0000..=0x10ffff).contains(&u)
}

fn str_repr(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if py_nonprintable(c) => {
                let u = c as u32;
                let _ = match u {
                    0..=0xff => write!(out, "\\x{u:02x}"),
                    0x100..=0xffff => write!(out, "\\u{u:04x}"),
                    _ => write!(out, "\\U{u:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// `json.dumps` options, as `transformers`' `tojson(x, ensure_ascii=False, indent=None,
/// separators=None, sort_keys=False)` passes them.
pub struct DumpOptions {
    pub ensure_ascii: bool,
    /// `None`: one line. `Some(s)`: newline, then `s` repeated per level.
    pub indent: Option<String>,
    pub item_sep: String,
    pub key_sep: String,
    pub sort_keys: bool,
}

impl DumpOptions {
    /// Python's defaults: `", "` between items on one line, `","` once `indent` is set.
    pub fn new(
        ensure_ascii: bool,
        indent: Option<String>,
        separators: Option<(String, String)>,
        sort_keys: bool,
    ) -> DumpOptions {
        let (item_sep, key_sep) = separators.unwrap_or_else(|| {
            let item = if indent.is_some() { "," } else { ", " };
            (item.to_string(), ": ".to_string())
        });
        DumpOptions {
            ensure_ascii,
            indent,
            item_sep,
            key_sep,
            sort_keys,
        }
    }
}

/// `json.dumps(value, …)` over a template value, keys in insertion order unless sorted.
pub fn dumps(v: &Value, opts: &DumpOptions) -> Result<String, Error> {
    let mut out = String::new();
    dump(&mut out, v, opts, 0)?;
    Ok(out)
}

fn newline(out: &mut String, opts: &DumpOptions, level: usize) {
    if let Some(ind) = &opts.indent {
        out.push('\n');
        for _ in 0..level {
            out.push_str(ind);
        }
    }
}

fn dump(out: &mut String, v: &Value, opts: &DumpOptions, level: usize) -> Result<(), Error> {
    if level > 500 {
        return Err(Error::new(ErrorKind::InvalidOperation, "tojson: too deep"));
    }
    match v.kind() {
        ValueKind::None => out.push_str("null"),
        ValueKind::Bool => out.push_str(if v.is_true() { "true" } else { "false" }),
        ValueKind::Number => match as_float(v) {
            Some(f) if f.is_nan() => out.push_str("NaN"),
            Some(f) if f.is_infinite() => {
                out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" })
            }
            Some(f) => out.push_str(&float_repr(f)),
            None => {
                let _ = write!(out, "{v}");
            }
        },
        ValueKind::String => json_str(out, v.as_str().unwrap_or_default(), opts.ensure_ascii),
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Vec<Value> = v.try_iter()?.collect();
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(&opts.item_sep);
                }
                newline(out, opts, level + 1);
                dump(out, item, opts, level + 1)?;
            }
            newline(out, opts, level);
            out.push(']');
        }
        ValueKind::Map => {
            let mut keys: Vec<Value> = v.try_iter()?.collect();
            if keys.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            if opts.sort_keys {
                keys.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(&opts.item_sep);
                }
                newline(out, opts, level + 1);
                // Python converts non-string keys (numbers, None, bools) with their JSON form.
                match k.kind() {
                    ValueKind::String => {
                        json_str(out, k.as_str().unwrap_or_default(), opts.ensure_ascii)
                    }
                    _ => {
                        out.push('"');
                        dump(out, k, opts, level + 1)?;
                        out.push('"');
                    }
                }
                out.push_str(&opts.key_sep);
                dump(out, &v.get_item(k)?, opts, level + 1)?;
            }
            newline(out, opts, level);
            out.push('}');
        }
        // Python's json raises TypeError on anything else (Undefined included).
        kind => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("tojson: Object of type {kind} is not JSON serializable"),
            ));
        }
    }
    Ok(())
}

fn json_str(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            // ensure_ascii escapes everything outside ' '..='~' (DEL too), astral planes
            // as surrogate pairs.
            c if ensure_ascii && !(' '..='~').contains(&c) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        // Expected strings are Python 3's repr() of the same floats.
        for (f, want) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345.0, "123456789012345.0"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.25e-7, "1.25e-07"),
            (1e100, "1e+100"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
        ] {
            assert_eq!(float_repr(f), want, "{f}");
        }
    }

    #[test]
    fn strip_uses_python_whitespace() {
        assert_eq!(strip("\u{1c}ok\u{1f} ", None, true, true), "ok");
        assert_eq!(strip("xxokx", Some("x"), true, false), "okx");
        assert_eq!(split_whitespace(" a\u{1f}b  c ", None), ["a", "b", "c"]);
        assert_eq!(split_whitespace(" a b  c ", Some(1)), ["a", "b  c "]);
        assert_eq!(splitlines("a\r\nb\u{2028}c\n", false), ["a", "b", "c"]);
        assert_eq!(splitlines("a\r\nb", true), ["a\r\n", "b"]);
    }

    #[test]
    fn dumps_matches_json_dumps() {
        let v = sample();
        let opts = DumpOptions::new(false, None, None, false);
        assert_eq!(
            dumps(&v, &opts).unwrap(),
            r#"{"b": [1, 2.0, null, true], "a": "é<&>\u001f\n"}"#
        );
        let opts = DumpOptions::new(true, Some("  ".into()), None, true);
        assert_eq!(
            dumps(&v, &opts).unwrap(),
            "{\n  \"a\": \"\\u00e9<&>\\u001f\\n\",\n  \"b\": [\n    1,\n    2.0,\n    null,\n    true\n  ]\n}"
        );
    }

    fn sample() -> Value {
        Value::from_pairs([
            (
                "b",
                Value::from(vec![
                    Value::from(1),
                    Value::from(2.0),
                    Value::from(()),
                    Value::from(true),
                ]),
            ),
            ("a", Value::from("é<&>\u{1f}\n")),
        ])
    }

    #[test]
    fn str_and_repr_match_python() {
        let v = Value::from(vec![
            Value::from("it's"),
            Value::from(()),
            Value::from(false),
            Value::from("a\u{a0}"),
        ]);
        let mut s = String::new();
        write_str(&mut s, &v);
        assert_eq!(s, r#"["it's", None, False, 'a\xa0']"#);
    }
}
