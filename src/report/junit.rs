//! `--format junit`: JUnit XML, which CI dashboards (GitLab, Jenkins, Azure, CircleCI)
//! read as test results. One `<testsuite>` per input file; each error is a failing
//! `<testcase>`. A warning is a passing test case (a failing one with `--deny-warnings`)
//! whose text is in `<system-out>`, so it is listed without failing the build. A file
//! with no findings gets one passing test case, so a clean file still shows as tested.

use super::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::display;
use std::fmt::Write;

pub fn render(r: &Report) -> String {
    // Suites in the order the files were given; unreadable inputs and any path not in
    // `files` come after.
    let mut suites: Vec<(String, Vec<&Diagnostic>)> = r
        .files
        .iter()
        .map(|f| (f.path.clone(), Vec::new()))
        .collect();
    for d in &r.diagnostics {
        match suites.iter_mut().find(|(p, _)| *p == *d.path) {
            Some((_, ds)) => ds.push(d),
            None => suites.push((d.path.to_string(), vec![d])),
        }
    }
    let fails = |d: &Diagnostic| d.severity == Severity::Error || r.deny_warnings;
    let tests: usize =
        suites.iter().map(|(_, ds)| ds.len().max(1)).sum::<usize>() + r.input_errors.len();
    let failures: usize = suites
        .iter()
        .map(|(_, ds)| ds.iter().filter(|d| fails(d)).count())
        .sum();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"ftlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\">",
        r.input_errors.len()
    );
    for (path, ds) in &suites {
        let path = display::path(path);
        let suite_failures = ds.iter().filter(|d| fails(d)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{suite_failures}\" errors=\"0\" skipped=\"0\">",
            attr(&path),
            ds.len().max(1)
        );
        // With --baseline, the suite says what the change did (its cases are only the
        // change's new findings).
        if let Some(b) = &r.baseline {
            let _ = writeln!(
                out,
                "    <properties>\n      <property name=\"ftlint.baseline\" value=\"{}\"/>\n    </properties>",
                attr(&b.one_line())
            );
        }
        if ds.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase name=\"no findings\" classname=\"{}\" file=\"{}\"/>",
                attr(&path),
                attr(&path)
            );
        }
        for d in ds {
            testcase(d, fails(d), &mut out);
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    for e in &r.input_errors {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">",
            attr(&display::path(&e.path))
        );
        let _ = writeln!(
            out,
            "    <testcase name=\"read input\" classname=\"{}\" file=\"{}\">\n      <error message=\"{}\" type=\"input\">{}</error>\n    </testcase>",
            attr(&display::path(&e.path)),
            attr(&display::path(&e.path)),
            attr(&display::text(&e.message)),
            text(&display::input_error(e))
        );
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}

fn testcase(d: &Diagnostic, fails: bool, out: &mut String) {
    let sev = d.severity.as_str();
    let name = format!(
        "{sev} {} {} at line {}, column {}",
        d.rule.code(),
        d.rule.name(),
        d.line,
        d.column
    );
    let path = display::path(&d.path);
    let message = display::text(&d.message);
    let detail = format!(
        "{path}:{}:{}: {sev}[{}] {message}\nhelp: {}",
        d.line,
        d.column,
        d.rule.code(),
        display::text(&d.help)
    );
    let _ = writeln!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">",
        attr(&name),
        attr(&path),
        attr(&path),
        d.line
    );
    if fails {
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            attr(&message),
            d.rule.code(),
            text(&detail)
        );
    } else {
        let _ = writeln!(out, "      <system-out>{}</system-out>", text(&detail));
    }
    let _ = writeln!(out, "    </testcase>");
}

/// Character data: `&`, `<`, `>` escaped, and characters XML 1.0 forbids (most control
/// characters, lone surrogates cannot occur in a `str`) replaced, or the file would not
/// parse. Callers pass display text (`display`), so these are only a second guard.
fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value in double quotes: also `"`, and line breaks and tabs as character
/// references, since a parser would normalise them to spaces.
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, in_attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attr => out.push_str("&quot;"),
            '\n' if in_attr => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if in_attr => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml() {
        assert_eq!(text("a<b>&c"), "a&lt;b&gt;&amp;c");
        assert_eq!(attr("say \"hi\"\n"), "say &quot;hi&quot;&#10;");
        assert_eq!(text("bell\u{7}"), "bell\u{FFFD}");
    }
}
