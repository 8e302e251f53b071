//! Diagnostic: what a check found, independent of any renderer.

pub use crate::registry::{Rule, Severity};
use std::sync::Arc;

/// A window of the offending line, so a renderer never needs the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Snippet {
    /// The span (at most `MAX_SPAN_CHARS`) and `CONTEXT_CHARS` either side, exactly as in the line:
    /// renderers show it through `display::snippet`.
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
        Snippet {
            text: line[from..to].to_string(),
            span: (start - from, end - from),
            cut_start: from > 0,
            cut_end: to < line.len(),
        }
    }
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
    fn the_window_keeps_the_exact_text() {
        let line = "a\u{0}b\u{1b}[31m\u{9b}é\tz";
        let s = Snippet::new(line, line.find('é').unwrap(), line.find('\t').unwrap());
        assert_eq!(s.text, line);
        assert_eq!(&s.text[s.span.0..s.span.1], "é");
        let long = format!("{}SPAN{}", "a".repeat(100), "b".repeat(100));
        let s = Snippet::new(&long, 100, 104);
        assert!(s.cut_start && s.cut_end);
        assert_eq!(&s.text[s.span.0..s.span.1], "SPAN");
    }
}
