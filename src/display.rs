//! Untrusted text made safe to show: the one place every renderer (and stderr) sends
//! dataset text, messages, help, excerpts and file names through before a format adds
//! its own escaping (Markdown, XML, workflow commands, JSON).
//!
//! A training file in a pull request, or a file name, is written by someone else. Shown
//! raw it could drive the reader's terminal (ESC, OSC 8 hyperlinks, BEL), start a new
//! line that a CI runner reads as a command, or read differently from what it is
//! (bidi overrides, invisible characters). So every character a person cannot see, or
//! that changes how the text around it reads, is shown as a visible escape:
//!
//! - `\n`, `\r`, `\t`;
//! - other C0 controls, DEL and C1 controls as `\u001b`, `\u007f`, `\u009b`;
//! - bidi controls (U+202A–U+202E, U+2066–U+2069), the other invisible format characters
//!   (Unicode category Cf: zero-width spaces and joiners, U+FEFF, U+061C, U+180E, tag
//!   characters…), the line and paragraph separators U+2028/U+2029 and the invisible
//!   Hangul fillers as `\u202e`, or `\u{e0001}` beyond the BMP;
//! - in prose and paths (not in snippets, which are never wrapped), the first character
//!   of `::` and `##[`, which start a GitHub workflow command at the start of a line.
//!
//! Backslashes are left alone, so ordinary text (and Windows paths) reads as it is; an
//! escape in the output can therefore also be a literal backslash sequence in the data.
//! Only display text is escaped: the Diagnostic keeps the exact value, and machine
//! formats carry it exactly (`json_safe` escapes the same characters inside JSON strings,
//! which decode to the original).

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt::Write;

/// Longest message or help shown to people, in characters after escaping. ftlint's own
/// wording stays far below it; a message quoting a megabyte-long key does not.
pub const MAX_TEXT_CHARS: usize = 400;

/// True for characters that are shown escaped.
pub fn is_hidden(c: char) -> bool {
    c.is_control() || is_invisible(c)
}

/// Format characters (Unicode 15.1 category Cf), line/paragraph separators and the
/// Hangul fillers: characters that render as nothing, or reorder what follows.
fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD
        | 0x0600..=0x0605
        | 0x061C
        | 0x06DD
        | 0x070F
        | 0x0890..=0x0891
        | 0x08E2
        | 0x115F..=0x1160
        | 0x180E
        | 0x200B..=0x200F
        | 0x2028..=0x202E
        | 0x2060..=0x2064
        | 0x2066..=0x206F
        | 0x3164
        | 0xFEFF
        | 0xFFA0
        | 0xFFF9..=0xFFFB
        | 0x110BD
        | 0x110CD
        | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A
        | 0xE0001
        | 0xE0020..=0xE007F)
}

fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) <= 0xFFFF => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// GitHub's runner reads any log line that starts, after leading whitespace, with `::`
/// (or the older `##[`) as a workflow command: stdout and stderr alike. A line break is
/// escaped, but a renderer that wraps long text (the human format) starts new lines
/// wherever it likes; so display text never holds either marker: its first character
/// is escaped (`\u003a:`, `\u0023#[`). Rare in real data, and then still readable.
fn starts_command(rest: &str) -> bool {
    rest.starts_with("::") || rest.starts_with("##[")
}

/// Display text of a message, help text or any other prose that may quote data: one
/// line, everything hidden escaped, cut with `…` past `MAX_TEXT_CHARS`.
pub fn text(s: &str) -> Cow<'_, str> {
    line(s, MAX_TEXT_CHARS)
}

/// Display text of a file name: as `text`, never cut (a path cut short names nothing).
pub fn path(s: &str) -> Cow<'_, str> {
    line(s, usize::MAX)
}

/// One line of display text at most `max` characters long (`…` included).
pub fn line(s: &str, max: usize) -> Cow<'_, str> {
    let clean = !s.chars().any(is_hidden) && !s.contains("::") && !s.contains("##[");
    if clean && (s.len() <= max || s.chars().count() <= max) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(max.saturating_mul(4)) + 8);
    let mut shown = 0usize;
    // Byte length of `out` at the last point where `…` still fits.
    let mut room_for_ellipsis = 0usize;
    let mut piece = String::new();
    for (i, c) in s.char_indices() {
        piece.clear();
        if is_hidden(c) || starts_command(&s[i..]) {
            push_escape(&mut piece, c);
        } else {
            piece.push(c);
        }
        let n = piece.chars().count();
        if shown + n > max {
            out.truncate(room_for_ellipsis);
            out.push('…');
            return Cow::Owned(out);
        }
        out.push_str(&piece);
        shown += n;
        if shown < max {
            room_for_ellipsis = out.len();
        }
    }
    Cow::Owned(out)
}

/// An unreadable input as people see it: `path: why`.
pub fn input_error(e: &crate::input::InputError) -> String {
    format!("{}: {}", path(&e.path), text(&e.message))
}

/// Exact text of an OS string (a file name as given): UTF-8 as it is; bytes that are not
/// UTF-8 as `\xff`, so a file name that is not UTF-8 is still named, and two such names
/// stay distinct. The result is not display text yet: show it through `path`.
pub fn os_str(s: &OsStr) -> Cow<'_, str> {
    if let Some(s) = s.to_str() {
        return Cow::Borrowed(s);
    }
    let mut out = String::new();
    for chunk in s.as_encoded_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    Cow::Owned(out)
}

/// A line window for a snippet, and the span inside it moved to match. Unlike `text`,
/// C0 controls (but tab, which the window keeps) and DEL become one visible character,
/// their Unicode control picture (NUL → ␀, ESC → ␛), because a snippet shows the raw
/// line: a raw control byte there is a fault of its own, and `\u001b` would read as the
/// JSON escape that is fine. Other hidden characters are escaped as in `text`.
pub fn snippet(window: &str, span: (usize, usize)) -> (String, (usize, usize)) {
    if !window.chars().any(|c| c != '\t' && is_hidden(c)) {
        return (window.to_string(), span);
    }
    let mut text = String::with_capacity(window.len() + 16);
    let mut new_span = span;
    for (i, ch) in window.char_indices() {
        if i == span.0 {
            new_span.0 = text.len();
        }
        if i == span.1 {
            new_span.1 = text.len();
        }
        match ch {
            '\t' => text.push(ch),
            '\u{0}'..='\u{1f}' => {
                text.push(char::from_u32(0x2400 + ch as u32).unwrap_or('\u{FFFD}'))
            }
            '\u{7f}' => text.push('\u{2421}'),
            c if is_hidden(c) => push_escape(&mut text, c),
            c => text.push(c),
        }
    }
    if span.0 >= window.len() {
        new_span.0 = text.len();
    }
    if span.1 >= window.len() {
        new_span.1 = text.len();
    }
    (text, new_span)
}

/// A JSON document with every hidden character that serde_json writes raw (DEL, C1,
/// bidi and other format characters; it already escapes C0) written as a `\uXXXX`
/// escape instead. Those characters only occur inside strings, so the document stays
/// valid and decodes to exactly the same values, while `cat report.json` in a terminal
/// or a CI log shows nothing hidden.
pub fn json_safe(doc: String) -> String {
    if !doc.chars().any(is_hidden_in_json) {
        return doc;
    }
    let mut out = String::with_capacity(doc.len() + 64);
    for c in doc.chars() {
        if is_hidden_in_json(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Hidden characters other than the newlines and indentation of pretty-printed JSON.
fn is_hidden_in_json(c: char) -> bool {
    !matches!(c, '\n' | ' ') && is_hidden(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_invisibles_are_escaped() {
        assert_eq!(
            text("narrator\u{1b}[31mred\u{1b}]0;pwned\u{7}"),
            "narrator\\u001b[31mred\\u001b]0;pwned\\u0007"
        );
        assert_eq!(
            text("safe\u{202e}txt.exe\u{2066}"),
            "safe\\u202etxt.exe\\u2066"
        );
        assert_eq!(text("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(text("\u{7f}\u{85}\u{9b}"), "\\u007f\\u0085\\u009b");
        assert_eq!(
            text("z\u{200b}w\u{feff}\u{2028}\u{61c}\u{180e}"),
            "z\\u200bw\\ufeff\\u2028\\u061c\\u180e"
        );
        assert_eq!(text("tag\u{e0041}"), "tag\\u{e0041}");
        // No workflow-command marker survives, wherever a wrap may start a line.
        assert_eq!(
            text("x ::add-mask::s ##[error]e"),
            "x \\u003a:add-mask\\u003a:s \\u0023#[error]e"
        );
        assert_eq!(text(":::"), "\\u003a\\u003a:");
        // Nothing to do: borrowed, unchanged, whatever the script.
        assert!(matches!(text("ごめんなさい `x` C:\\a"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_never_inside_an_escape() {
        let long = "x".repeat(1000);
        let shown = text(&long);
        assert_eq!(shown.chars().count(), MAX_TEXT_CHARS);
        assert!(shown.ends_with("x…"));
        assert_eq!(line("abcdef", 6), "abcdef");
        assert_eq!(line("abcdefg", 6), "abcde…");
        // The escape would straddle the cut: it goes whole.
        assert_eq!(line("abc\u{1b}def", 6), "abc…");
        assert_eq!(line("ab\u{1b}", 8), "ab\\u001b");
    }

    #[test]
    fn os_strings_that_are_not_utf8_are_named_byte_by_byte() {
        use std::os::unix::ffi::OsStrExt;
        let name = OsStr::from_bytes(b"bad\xff\xfe-\xc3\xa9.jsonl");
        assert_eq!(os_str(name), "bad\\xff\\xfe-é.jsonl");
        assert_eq!(os_str(OsStr::new("ok.jsonl")), "ok.jsonl");
    }

    #[test]
    fn snippets_show_pictures_and_escapes_and_the_span_follows() {
        let line = "a\u{0}b\u{1b}[31m\u{9b}é\u{202e}\tz";
        let start = line.find('é').unwrap();
        let end = line.find('\t').unwrap();
        let (text, span) = snippet(line, (start, end));
        assert_eq!(text, "a␀b␛[31m\\u009bé\\u202e\tz");
        assert_eq!(&text[span.0..span.1], "é\\u202e");
        assert_eq!(snippet("plain", (1, 3)), ("plain".to_string(), (1, 3)));
        let (text, span) = snippet("x\u{0}", (2, 2));
        assert_eq!(&text[span.0..], "");
    }

    #[test]
    fn json_keeps_the_value_and_hides_nothing() {
        let value = "r\u{1b}\u{7f}\u{9b}\u{202e}\u{e0001}x";
        let doc = serde_json::to_string_pretty(&serde_json::json!({ "m": value })).unwrap();
        let safe = json_safe(doc);
        assert!(!safe.chars().any(is_hidden_in_json), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["m"], value);
    }
}
