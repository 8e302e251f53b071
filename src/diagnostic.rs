//! Diagnostic: what a check found, independent of any renderer.

pub use crate::registry::{Rule, Severity};
use std::sync::Arc;

/// A window of the offending line, so a renderer never needs the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Snippet {
    /// At most `SNIPPET_CHARS` characters around the span.
    pub text: String,
    /// Byte range of the span inside `text`.
    pub span: (usize, usize),
    /// True when the window starts after the line's first character / ends before its last.
    pub cut_start: bool,
    pub cut_end: bool,
}

/// Characters of context kept on each side of a span.
const CONTEXT_CHARS: usize = 60;
/// Longest span shown whole; longer spans are cut.
const MAX_SPAN_CHARS: usize = 80;

impl Snippet {
    /// `start..end` are byte offsets into `line` (on char boundaries).
    pub fn new(line: &str, start: usize, end: usize) -> Snippet {
        let start = floor_boundary(line, start.min(line.len()));
        let mut end = floor_boundary(line, end.clamp(start, line.len()));
        // Cap the span itself.
        if let Some((i, _)) = line[start..end].char_indices().nth(MAX_SPAN_CHARS) {
            end = start + i;
        }
        let from = line[..start]
            .char_indices()
            .rev()
            .nth(CONTEXT_CHARS - 1)
            .map_or(0, |(i, _)| i);
        let to = line[end..]
            .char_indices()
            .nth(CONTEXT_CHARS)
            .map_or(line.len(), |(i, _)| end + i);
        let (text, span) = visible(&line[from..to], (start - from, end - from));
        Snippet {
            text,
            span,
            cut_start: from > 0,
            cut_end: to < line.len(),
        }
    }
}

/// The window with control characters (other than tab) replaced by visible stand-ins,
/// one character for one, so character columns do not move: C0 controls and DEL by their
/// Unicode control pictures (NUL → ␀, ESC → ␛), C1 controls by U+FFFD. A hostile line
/// then cannot send escape sequences to the terminal that shows the snippet. The span's
/// byte offsets are moved to match.
fn visible(window: &str, span: (usize, usize)) -> (String, (usize, usize)) {
    let suspicious = |b: u8| (b < 0x20 && b != b'\t') || b == 0x7F || b == 0xC2;
    if !window.bytes().any(suspicious) {
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
        let shown = match ch {
            '\t' => ch,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + ch as u32).unwrap_or('\u{FFFD}'),
            '\u{7f}' => '\u{2421}',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        };
        text.push(shown);
    }
    if span.0 >= window.len() {
        new_span.0 = text.len();
    }
    if span.1 >= window.len() {
        new_span.1 = text.len();
    }
    (text, new_span)
}

pub fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based character column of byte offset `byte` in `line`.
pub fn char_column(line: &str, byte: usize) -> u64 {
    let b = floor_boundary(line, byte.min(line.len()));
    line[..b].chars().count() as u64 + 1
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub rule: Rule,
    /// After the user's severity overrides.
    pub severity: Severity,
    pub path: Arc<str>,
    /// 1-based. File-level findings point at the line that shows them (line 1 at least).
    pub line: u64,
    /// 1-based, in characters.
    pub column: u64,
    /// 1-based, exclusive, in characters.
    pub end_column: u64,
    pub message: String,
    pub help: String,
    pub snippet: Option<Snippet>,
}

impl Diagnostic {
    pub fn sort_key(&self) -> (&str, u64, u64, &'static str) {
        (&self.path, self.line, self.column, self.rule.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_as_pictures_and_the_span_follows() {
        let line = "a\u{0}b\u{1b}[31m\u{9b}é\tz";
        let s = Snippet::new(line, line.find('é').unwrap(), line.find('\t').unwrap());
        assert_eq!(s.text, "a␀b␛[31m\u{FFFD}é\tz");
        assert_eq!(&s.text[s.span.0..s.span.1], "é");
        // One character for one: character columns do not move.
        assert_eq!(s.text.chars().count(), line.chars().count());
        let plain = Snippet::new("plain", 1, 3);
        assert_eq!((plain.text.as_str(), plain.span), ("plain", (1, 3)));
        let at_end = Snippet::new("x\u{0}", 2, 2);
        assert_eq!(&at_end.text[at_end.span.0..], "");
    }
}
