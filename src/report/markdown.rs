//! `--format markdown`: a report to paste into a pull request (and what `--format github`
//! appends to the step summary). GitHub-flavoured Markdown: a verdict heading, a summary
//! table, a per-rule table, then the first findings inside `<details>`.
//!
//! Never longer than a PR comment may be (65,536 characters): findings that do not fit
//! are cut, and a note says how many.
//!
//! Dataset text (messages quote roles, keys and values; excerpts; file names) is only
//! ever inside code spans: GitHub turns `@user`, `@org/team`, `#123`, bare URLs and
//! commit hashes into mentions and links in any text node, backslash escapes or not,
//! but never inside code. ftlint's own prose goes through `text`.

use super::Report;
use super::shared::{count, verdict};
use crate::check::Role;
use crate::diagnostic::{Diagnostic, Severity, Snippet};
use crate::display;
use crate::rules::Rule;
use crate::stats::thousands;
use std::fmt::Write;

/// GitHub's limit on a comment body, in characters.
pub const MAX_CHARS: usize = 65_536;

/// Room kept for the closing of `<details>`, the cut note and the footer.
const TAIL_RESERVE: usize = 600;

/// Characters of context shown each side of a finding's span.
const EXCERPT_CONTEXT: usize = 24;
/// Longest span shown whole in an excerpt.
const EXCERPT_SPAN: usize = 40;

pub fn render(r: &Report) -> String {
    render_with_limit(r, MAX_CHARS)
}

/// `render` with another size limit, so tests can show the cut on a small report.
pub fn render_with_limit(r: &Report, limit: usize) -> String {
    let mut out = String::new();
    let mark = if !r.input_errors.is_empty() || r.errors > 0 {
        "❌"
    } else if r.warnings > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let _ = writeln!(out, "## {mark} ftlint: {}\n", text(&verdict(r)));
    if let Some(b) = &r.baseline {
        change_table(b, &mut out);
    }
    summary_table(r, &mut out);
    if !r.input_errors.is_empty() {
        let _ = writeln!(out, "\n**Could not read:**\n");
        for e in &r.input_errors {
            let line = format!("- {}: {}\n", code(&e.path), text(&e.message));
            // Thousands of unreadable paths must not push the report past the limit.
            if chars(&out) + chars(&line) + TAIL_RESERVE * 2 > limit {
                let _ = writeln!(out, "- …");
                break;
            }
            out.push_str(&line);
        }
    }
    rule_table(r, &mut out);
    findings(r, &mut out, limit);
    match &r.config {
        Some(config) => {
            let _ = writeln!(
                out,
                "\n<sub>ftlint {} · config {}</sub>",
                r.version,
                code(config)
            );
        }
        None => {
            let _ = writeln!(out, "\n<sub>ftlint {} · no config file</sub>", r.version);
        }
    }
    out
}

/// With a baseline, the change leads: what a reviewer of the PR asks first.
fn change_table(b: &crate::baseline::Summary, out: &mut String) {
    let _ = writeln!(out, "**This change** (vs {})\n", code(&b.against()));
    let _ = writeln!(out, "| | |\n|---|---:|");
    for (k, v) in b.rows() {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    out.push('\n');
}

fn summary_table(r: &Report, out: &mut String) {
    let training = r.files.iter().filter(|f| f.role == Role::Training).count() as u64;
    let validation = r.files.len() as u64 - training;
    let files = if validation > 0 {
        format!(
            "{} + {} validation",
            thousands(training),
            thousands(validation)
        )
    } else {
        thousands(training)
    };
    let mut rows: Vec<(&str, String)> = vec![
        ("Files", files),
        (
            "Examples",
            format!(
                "{} ({} valid)",
                thousands(r.examples),
                thousands(r.valid_examples)
            ),
        ),
        ("Errors", thousands(r.errors)),
        ("Warnings", thousands(r.warnings)),
    ];
    match (&r.tokens, &r.cost) {
        (Some(t), cost) if t.examples > 0 => {
            let exact = if t.estimated {
                format!(
                    "estimated for {}",
                    count(t.estimated_examples, "example", "examples")
                )
            } else {
                "exact".to_string()
            };
            rows.push((
                "Tokens",
                format!(
                    "{} billable per epoch ({} total; {}, {}; {} over the {} limit)",
                    thousands(t.billable),
                    thousands(t.total),
                    t.encoding,
                    exact,
                    thousands(t.over_limit),
                    thousands(t.limit)
                ),
            ));
            let estimate = if r.prices_confirmed {
                ""
            } else {
                ", estimated prices"
            };
            if let Some(c) = cost {
                if r.jobs > 1 {
                    rows.push((
                        "Training cost",
                        format!(
                            "{} in {} jobs, one per training file ({} trained tokens{estimate})",
                            c.training.format_usd(),
                            thousands(r.jobs),
                            thousands(c.trained_tokens as u64)
                        ),
                    ));
                } else {
                    rows.push(("Epochs", c.epochs.to_string()));
                    rows.push((
                        "Training cost",
                        format!(
                            "{} ({} trained tokens{estimate})",
                            c.training.format_usd(),
                            thousands(c.trained_tokens as u64)
                        ),
                    ));
                }
                if let Some(u) = &c.usage {
                    let ratio = u
                        .ratio
                        .map_or(String::new(), |x| format!(", {x:.1}× the base model"));
                    rows.push((
                        "Usage projection",
                        format!(
                            "{} requests: fine-tuned {} vs base {}{ratio}",
                            thousands(u.requests),
                            u.fine_tuned.format_usd(),
                            u.base.format_usd()
                        ),
                    ));
                }
            } else {
                rows.push(("Training cost", r.unpriced().unwrap_or_default()));
            }
        }
        (Some(_), _) => {
            rows.push(("Tokens", "no valid examples to count".to_string()));
        }
        _ => match &r.uncounted {
            Some(why) => rows.push(("Tokens", format!("not available: {why}"))),
            None => rows.push(("Tokens", "not counted (lint only)".to_string())),
        },
    }
    let _ = writeln!(out, "| | |\n| --- | --- |");
    for (k, v) in rows {
        let _ = writeln!(out, "| {k} | {} |", text(&v));
    }
    // The model and its price date, whether or not anything was priced.
    let _ = writeln!(
        out,
        "| Model | {}, prices as of {}{} |",
        code(&r.model_id),
        code(&r.prices_as_of),
        if r.prices_confirmed {
            ""
        } else {
            " (estimates: not confirmed on the provider's own page)"
        }
    );
    jobs_table(r, out);
}

/// Several training files are several jobs: one row each, then the total.
fn jobs_table(r: &Report, out: &mut String) {
    let Some(total) = r.cost.as_ref().filter(|_| r.jobs > 1) else {
        return;
    };
    let _ = writeln!(
        out,
        "\n### Training jobs (one per training file)\n\n| File | Examples | Epochs | Trained tokens | Cost |\n| --- | ---: | ---: | ---: | ---: |"
    );
    for f in &r.files {
        let Some(c) = &f.cost else { continue };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            code(&f.path),
            thousands(f.valid_examples),
            c.epochs,
            thousands(c.trained_tokens as u64),
            text(&c.training.format_usd())
        );
    }
    let _ = writeln!(
        out,
        "| **Total** | {} | | {} | {} |",
        thousands(r.valid_examples),
        thousands(total.trained_tokens as u64),
        text(&total.training.format_usd())
    );
}

fn rule_table(r: &Report, out: &mut String) {
    let rules: Vec<Rule> = Rule::ALL
        .iter()
        .copied()
        .filter(|rule| r.per_rule[*rule as usize] > 0)
        .collect();
    if rules.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n### Findings by rule\n\n| Rule | Name | Count | What it flags |\n| --- | --- | ---: | --- |"
    );
    for rule in rules {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            rule.code(),
            code(rule.name()),
            thousands(r.per_rule[rule as usize]),
            inline(rule.summary())
        );
    }
}

fn findings(r: &Report, out: &mut String, limit: usize) {
    if r.diagnostics.is_empty() {
        if r.hidden() > 0 {
            let _ = writeln!(
                out,
                "\n{} not listed (`--max-diagnostics 0` lists all).",
                count(r.hidden(), "finding", "findings")
            );
        }
        return;
    }
    let total = r.errors + r.warnings;
    let mut body = String::new();
    let mut listed = 0u64;
    let head_chars = chars(out) + 200;
    let mut body_chars = 0;
    for d in &r.diagnostics {
        let row = finding_row(d);
        let row_chars = chars(&row);
        if head_chars + body_chars + row_chars + TAIL_RESERVE > limit {
            break;
        }
        body_chars += row_chars;
        body.push_str(&row);
        listed += 1;
    }
    // How many are not listed is said once, in the note after the table.
    let title = count(total, "finding", "findings");
    let _ = writeln!(out, "\n<details>\n<summary>{title}</summary>\n");
    if listed > 0 {
        let _ = writeln!(out, "| Location | Severity | Rule | Message | Excerpt |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
        out.push_str(&body);
    }
    out.push_str("\n</details>\n");
    let cut = r.diagnostics.len() as u64 - listed;
    let capped = r.hidden();
    let limit_note = format!(
        "to keep this report under GitHub's {}-character comment limit",
        thousands(limit as u64)
    );
    let cap_note = "beyond `--max-diagnostics` (`--max-diagnostics 0` lists all)";
    let why = match (cut, capped) {
        (0, 0) => return,
        (_, 0) => limit_note,
        (0, _) => cap_note.to_string(),
        _ => format!(
            "{} {limit_note}, {} {cap_note}",
            thousands(cut),
            thousands(capped)
        ),
    };
    let _ = writeln!(
        out,
        "\n{} listed; {} not: {why}.",
        thousands(listed),
        thousands(cut + capped)
    );
}

fn finding_row(d: &Diagnostic) -> String {
    let sev = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "| {} | {sev} | {} {} | {} | {} |\n",
        code(&format!("{}:{}:{}", d.path, d.line, d.column)),
        d.rule.code(),
        code(d.rule.name()),
        // Whole, in code: the message quotes data and cannot say where.
        code(&display::text(&d.message)),
        d.snippet
            .as_ref()
            .map_or(String::new(), |s| code(&excerpt(s)))
    )
}

/// A short window of the line around the span: enough to find it, never a whole record.
fn excerpt(snippet: &Snippet) -> String {
    let (shown, (start, end)) = display::snippet(&snippet.text, snippet.span);
    let line = shown.as_str();
    let start = start.min(line.len());
    let end = end.clamp(start, line.len());
    let before: String = {
        let v: Vec<char> = line[..start].chars().rev().take(EXCERPT_CONTEXT).collect();
        v.into_iter().rev().collect()
    };
    let span: String = line[start..end].chars().take(EXCERPT_SPAN).collect();
    let after: String = line[end..].chars().take(EXCERPT_CONTEXT).collect();
    let mut s = String::new();
    if before.len() < start || snippet.cut_start {
        s.push('…');
    }
    s.push_str(&before);
    s.push_str(&span);
    s.push_str(&after);
    if end + after.len() < line.len() || span.len() < end - start || snippet.cut_end {
        s.push('…');
    }
    s
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Rule summaries mark code with backticks (`content`): those become real code spans,
/// the rest plain text. Not for messages: they quote data, whose own backticks would
/// pair up wrongly; `text` shows those literally.
pub fn inline(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    // An odd number of parts means the backticks pair up.
    let paired = parts.len() % 2 == 1;
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 && (paired || i + 1 < parts.len()) {
            out.push_str(&code(part));
        } else {
            if i % 2 == 1 {
                out.push_str("\\`");
            }
            out.push_str(&text(part));
        }
    }
    out
}

/// Plain text for a table cell, for ftlint's own words: no line breaks, and every
/// character Markdown (or GitHub's extensions: `$` maths, `~` strikethrough, raw HTML)
/// would act on is backslash-escaped, which GFM allows for any ASCII punctuation. Not for
/// dataset text: GitHub still links `@user` and `#123` after a backslash; use `code`.
pub fn text(s: &str) -> String {
    let s = display::path(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span that holds `s` literally inside a table cell: display text (`display`),
/// the fence one backtick longer than the longest run inside, padded with spaces when
/// the text touches a backtick (CommonMark strips one space each side), and `|` escaped
/// as `\|`, which GFM tables require even inside code spans.
pub fn code(s: &str) -> String {
    let body = display::path(s).replace('|', "\\|");
    if body.is_empty() {
        return String::new();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`')
        || body.ends_with('`')
        || (body.starts_with(' ') && body.ends_with(' ') && body.trim() != "")
    {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_backticks_and_pipes() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("say `hi`"), "`` say `hi` ``");
        assert_eq!(code("x ``` y"), "````x ``` y````");
        assert_eq!(code(""), "");
        assert_eq!(code("a\nb"), "`a\\nb`");
        assert_eq!(code("@octocat\u{202e}"), "`@octocat\\u202e`");
    }

    #[test]
    fn inline_keeps_code_spans_and_escapes_the_rest() {
        assert_eq!(inline("key `a|b` is *bad*"), "key `a\\|b` is \\*bad\\*");
        assert_eq!(inline("odd ` tick"), "odd \\` tick");
        assert_eq!(inline("`x` and ` y"), "`x` and \\` y");
    }

    #[test]
    fn text_escapes_markdown_and_html() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(text("<script> *x* $1"), "\\<script\\> \\*x\\* \\$1");
        assert_eq!(text("two\nlines"), "two\\\\nlines");
    }

    #[test]
    fn excerpt_marks_cuts() {
        let line = format!("{}SPAN{}", "a".repeat(100), "b".repeat(100));
        let e = excerpt(&Snippet::new(&line, 100, 104));
        assert!(
            e.starts_with('…') && e.ends_with('…') && e.contains("SPAN"),
            "{e}"
        );
        assert_eq!(excerpt(&Snippet::new("short", 0, 5)), "short");
    }
}
