//! `--format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the changed files: `::error file=…,line=…,col=…,endColumn=…,title=…::msg`.
//!
//! Errors come first because GitHub shows only the first 10 errors and 10 warnings of a
//! step; a closing `::notice::` says how many more there are. (`main` also appends the
//! Markdown report to `$GITHUB_STEP_SUMMARY`, where every listed finding is visible.)

use super::Report;
use super::shared::{count, display_path};
use crate::diagnostic::{Diagnostic, Severity};
use crate::display;
use std::fmt::Write;

/// Annotations of each kind that GitHub shows per step.
pub const SHOWN_PER_KIND: u64 = 10;

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    for e in &r.input_errors {
        let _ = writeln!(
            out,
            "::error title={}::{}",
            escape_property("ftlint: cannot read input"),
            escape_data(&display::input_error(e))
        );
    }
    let errors = r
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error);
    let warnings = r
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning);
    for d in errors.chain(warnings) {
        annotation(d, &mut out);
    }
    let shown_errors = (r.input_errors.len() as u64 + r.errors).min(SHOWN_PER_KIND);
    let shown_warnings = r.warnings.min(SHOWN_PER_KIND);
    let more = r.input_errors.len() as u64 + r.errors + r.warnings - shown_errors - shown_warnings;
    if more > 0 {
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            escape_property("ftlint: more findings"),
            escape_data(&format!(
                "{} than GitHub shows as annotations (at most {SHOWN_PER_KIND} errors and {SHOWN_PER_KIND} warnings per step; this run found {} and {}). The step summary lists them, or run ftlint locally.",
                count(more, "more finding", "more findings"),
                count(r.errors, "error", "errors"),
                count(r.warnings, "warning", "warnings"),
            ))
        );
    }
    out
}

fn annotation(d: &Diagnostic, out: &mut String) {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    // GitHub's endColumn is the last column of the range (inclusive); ours is exclusive.
    // The file is display text too: a name with a control character could not be
    // matched to a file anyway, and the runner prints what it cannot attach.
    let end = d.end_column.saturating_sub(1).max(d.column);
    let _ = writeln!(
        out,
        "::{kind} file={},line={},col={},endColumn={end},title={}::{}",
        escape_property(&display::path(&display_path(&d.path))),
        d.line,
        d.column,
        escape_property(&format!("{} {}", d.rule.code(), d.rule.name())),
        escape_data(&format!(
            "{}\nhelp: {}",
            display::text(&d.message),
            display::text(&d.help)
        )),
    );
}

/// As the Actions toolkit's `escapeData`: `%`, CR and LF, so a message stays one command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// As the toolkit's `escapeProperty`: also `:` and `,`, which separate properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_toolkit() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        // `%` first, or the `%` of an inserted escape would be escaped again.
        assert_eq!(escape_data("%0A"), "%250A");
    }
}
