//! `--format html`: one self-contained page to attach to a CI run or open in a browser.
//!
//! Nothing is loaded from anywhere: styles are inline, charts are inline SVG, there is
//! no script at all (the page reads the same without JavaScript), and a
//! Content-Security-Policy forbids scripts and remote loads, so a mistake in escaping
//! still could not run anything. Every piece of dataset text (paths, messages,
//! excerpts, model ids) goes through `display` first, so hidden and bidi characters
//! show as escapes, then through `esc`, so it is text and never markup.

use super::Report;
use super::shared::{count, verdict};
use crate::check::Role;
use crate::diagnostic::{Diagnostic, Severity};
use crate::display;
use crate::rules::Rule;
use crate::stats::{Distribution, thousands};
use std::fmt::Write;

/// HTML-escapes text for element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Dataset prose (messages, help): display text, then escaped.
fn t(s: &str) -> String {
    esc(&display::text(s))
}

/// A file name: display text never cut, then escaped.
fn p(s: &str) -> String {
    esc(&display::path(s))
}

const STYLE: &str = r#"
:root { color-scheme: light dark; --bg:#ffffff; --fg:#1f2328; --muted:#59636e; --line:#d1d9e0;
  --panel:#f6f8fa; --bar:#0969da; --err:#cf222e; --warn:#9a6700; --ok:#1a7f37; --limit:#cf222e; --mark:#fff8c5; }
@media (prefers-color-scheme: dark) {
  :root { --bg:#0d1117; --fg:#e6edf3; --muted:#9198a1; --line:#3d444d; --panel:#151b23;
    --bar:#4493f8; --err:#f85149; --warn:#d29922; --ok:#3fb950; --limit:#f85149; --mark:#5c4a00; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.sub { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
table.f { table-layout: fixed; } table.f td { overflow-wrap: anywhere; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, .x { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
.x { white-space: pre-wrap; background: var(--panel); padding: 2px 4px; border-radius: 4px; display: inline-block; max-width: 100%; }
.x mark { background: var(--mark); color: inherit; text-decoration: underline wavy var(--err); }
.error { color: var(--err); font-weight: 600; } .warning { color: var(--warn); font-weight: 600; } .ok { color: var(--ok); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
.card h3 { margin: 0 0 6px; font-size: 15px; }
svg { display: block; width: 100%; height: auto; }
svg text { fill: var(--fg); font: 11px system-ui, sans-serif; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .bar { fill: var(--bar); } svg .berr { fill: var(--err); } svg .bwarn { fill: var(--warn); }
svg .limit { stroke: var(--limit); stroke-width: 2; stroke-dasharray: 5 3; }
svg .box { fill: var(--bar); fill-opacity: .35; stroke: var(--bar); } svg .med { stroke: var(--fg); stroke-width: 2; }
footer { color: var(--muted); margin-top: 32px; font-size: 13px; }
"#;

pub fn render(r: &Report) -> String {
    let mut o = String::with_capacity(16 * 1024);
    let (class, mark) = if !r.input_errors.is_empty() || r.errors > 0 {
        ("error", "✗")
    } else if r.warnings > 0 {
        ("warning", "⚠")
    } else {
        ("ok", "✓")
    };
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>ftlint report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    let _ = writeln!(
        o,
        "<h1><span class=\"{class}\">{mark}</span> ftlint: {}</h1>",
        esc(&verdict(r))
    );
    let names: Vec<String> = r.files.iter().map(|f| p(&f.path)).collect();
    let _ = writeln!(
        o,
        "<p class=\"sub\">{} · model <code>{}</code> · provider {} · ftlint {}</p>",
        names.join(", "),
        t(&r.model_id),
        t(&r.provider_name),
        esc(r.version)
    );
    if let Some(b) = &r.baseline {
        change(b, &mut o);
    }
    summary(r, &mut o);
    charts(r, &mut o);
    cost(r, &mut o);
    findings(r, &mut o);
    let _ = writeln!(
        o,
        "<footer>Generated by ftlint {}. Dataset text is shown with hidden and bidi characters escaped (<code>\\u202e</code>).</footer>\n</body>\n</html>",
        esc(r.version)
    );
    o
}

fn change(b: &crate::baseline::Summary, o: &mut String) {
    let _ = writeln!(
        o,
        "<h2>This change</h2>\n<p class=\"sub\">compared with {}; only new findings are listed below</p>\n<table>",
        p(&b.against())
    );
    for (k, v) in b.rows() {
        let _ = writeln!(o, "<tr><th>{k}</th><td>{}</td></tr>", esc(&v));
    }
    o.push_str("</table>\n");
}

fn summary(r: &Report, o: &mut String) {
    o.push_str("<h2>Files</h2>\n<table>\n<tr><th>File</th><th>Role</th><th>Format</th><th>Lines</th><th>Examples</th><th>Valid</th><th>Tokens</th></tr>\n");
    for f in &r.files {
        let role = match f.role {
            Role::Training => "training",
            Role::Validation => "validation",
        };
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{role}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            p(&f.path),
            f.format.map_or("—", |x| x.name()),
            thousands(f.lines),
            thousands(f.examples),
            thousands(f.valid_examples),
            f.tokens.map_or("—".to_string(), |(t, _)| thousands(t)),
        );
    }
    o.push_str("</table>\n");
    for e in &r.input_errors {
        let _ = writeln!(
            o,
            "<p class=\"error\">could not read <code>{}</code>: {}</p>",
            p(&e.path),
            t(&e.message)
        );
    }
}

fn charts(r: &Report, o: &mut String) {
    o.push_str("<h2>Charts</h2>\n<div class=\"grid\">\n");
    match &r.tokens {
        Some(tk) if tk.examples > 0 => {
            let _ = writeln!(
                o,
                "<div class=\"card\"><h3>Tokens per example</h3>{}<p class=\"sub\">{} valid examples · limit {} · {} over</p></div>",
                histogram(&tk.histogram, tk.limit),
                thousands(tk.examples),
                thousands(tk.limit),
                thousands(tk.over_limit)
            );
            for (title, d) in [
                ("Trained tokens per example", &tk.trained),
                ("Messages per example", &tk.messages),
            ] {
                if let Some(d) = d {
                    let _ = writeln!(o, "<div class=\"card\"><h3>{title}</h3>{}</div>", spread(d));
                }
            }
        }
        Some(_) => o.push_str("<p>No valid examples to count.</p>\n"),
        None => {
            let why = r.uncounted.as_deref().unwrap_or("lint only (--lint-only)");
            let _ = writeln!(o, "<p>Tokens not counted: {}</p>", t(why));
        }
    }
    let _ = writeln!(
        o,
        "<div class=\"card\"><h3>Findings per rule</h3>{}</div>",
        rule_bars(r)
    );
    o.push_str("</div>\n");
}

/// Bars over token counts with the model's limit as a dashed line. A limit far to
/// the right of every example is drawn at the edge with an arrow, not to scale.
fn histogram(buckets: &[(u64, u64, u64)], limit: u64) -> String {
    let (w, h, left, bottom, top) = (480.0, 200.0, 40.0, 30.0, 18.0);
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
        return String::new();
    };
    let lo = first.0 as f64;
    let data_hi = last.1 as f64 + 1.0;
    let limit_f = limit as f64;
    let to_scale = limit_f <= data_hi * 1.5;
    let hi = if to_scale {
        data_hi.max(limit_f + 1.0)
    } else {
        data_hi
    };
    let plot_w = w - left - 50.0;
    let x = |v: f64| left + (v - lo) / (hi - lo).max(1.0) * plot_w;
    let max_n = buckets.iter().map(|b| b.2).max().unwrap_or(1).max(1) as f64;
    let plot_h = h - bottom - top;
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"histogram of tokens per example\">"
    );
    for &(a, b, n) in buckets {
        let x0 = x(a as f64);
        let x1 = x(b as f64 + 1.0);
        let bh = n as f64 / max_n * plot_h;
        let _ = write!(
            s,
            "<rect class=\"bar\" x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\"><title>{a}–{b} tokens: {n} examples</title></rect>",
            h - bottom - bh,
            (x1 - x0 - 1.0).max(1.0)
        );
    }
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{left}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\"/><line class=\"axis\" x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{0}\"/>",
        h - bottom,
        left + plot_w
    );
    let _ = write!(
        s,
        "<text x=\"{left}\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
        h - bottom + 14.0,
        thousands(first.0),
        left + plot_w,
        h - bottom + 14.0,
        thousands(hi as u64 - 1),
        left - 4.0,
        top + 8.0,
        max_n as u64
    );
    let lx = if to_scale { x(limit_f) } else { w - 40.0 };
    let label = if to_scale {
        format!("limit {}", thousands(limit))
    } else {
        format!("limit {} →", thousands(limit))
    };
    let _ = write!(
        s,
        "<line class=\"limit\" x1=\"{lx:.1}\" y1=\"{top}\" x2=\"{lx:.1}\" y2=\"{}\"/><text x=\"{:.1}\" y=\"{}\" text-anchor=\"end\">{label}</text></svg>",
        h - bottom,
        lx.min(w - 2.0),
        top - 6.0
    );
    s
}

/// A distribution as a range (min–max), a box (p10–p90), the median and the mean.
fn spread(d: &Distribution) -> String {
    let (w, left, right) = (480.0, 20.0, 20.0);
    let span = (d.max - d.min).max(1.0);
    let x = |v: f64| left + (v - d.min) / span * (w - left - right);
    format!(
        "<svg viewBox=\"0 0 {w} 70\" role=\"img\" aria-label=\"distribution\">\
         <line class=\"axis\" x1=\"{:.1}\" y1=\"30\" x2=\"{:.1}\" y2=\"30\"/>\
         <rect class=\"box\" x=\"{:.1}\" y=\"18\" width=\"{:.1}\" height=\"24\"/>\
         <line class=\"med\" x1=\"{:.1}\" y1=\"14\" x2=\"{:.1}\" y2=\"46\"/>\
         <circle class=\"bar\" cx=\"{:.1}\" cy=\"30\" r=\"3\"/>\
         <text x=\"{left}\" y=\"62\">min {}</text><text x=\"{:.1}\" y=\"62\" text-anchor=\"middle\">median {} · mean {}</text>\
         <text x=\"{:.1}\" y=\"62\" text-anchor=\"end\">max {}</text></svg>\
         <p class=\"sub\">p10 {} · p90 {}</p>",
        x(d.min),
        x(d.max),
        x(d.p10),
        (x(d.p90) - x(d.p10)).max(1.0),
        x(d.median),
        x(d.median),
        x(d.mean),
        num(d.min),
        w / 2.0,
        num(d.median),
        num(d.mean),
        w - right,
        num(d.max),
        num(d.p10),
        num(d.p90)
    )
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 {
        thousands(x as u64)
    } else {
        format!("{x:.1}")
    }
}

fn rule_bars(r: &Report) -> String {
    let rules: Vec<(Rule, u64, bool)> = Rule::ALL
        .iter()
        .filter(|rule| r.per_rule[**rule as usize] > 0)
        .map(|rule| {
            let error = r
                .diagnostics
                .iter()
                .find(|d| d.rule == *rule)
                .map_or(rule.default_severity() == Severity::Error, |d| {
                    d.severity == Severity::Error
                });
            (*rule, r.per_rule[*rule as usize], error)
        })
        .collect();
    if rules.is_empty() {
        return "<p class=\"ok\">No findings.</p>".to_string();
    }
    let max = rules.iter().map(|x| x.1).max().unwrap_or(1) as f64;
    let row = 22.0;
    let h = row * rules.len() as f64 + 4.0;
    let mut s =
        format!("<svg viewBox=\"0 0 480 {h}\" role=\"img\" aria-label=\"findings per rule\">");
    for (i, (rule, n, error)) in rules.iter().enumerate() {
        let y = i as f64 * row + 2.0;
        let bw = (*n as f64 / max * 250.0).max(2.0);
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{:.1}\">{} {}</text><rect class=\"{}\" x=\"170\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            y + 14.0,
            rule.code(),
            esc(rule.name()),
            if *error { "berr" } else { "bwarn" },
            row - 6.0,
            174.0 + bw,
            y + 14.0,
            thousands(*n)
        );
    }
    s.push_str("</svg>");
    s
}

fn cost(r: &Report, o: &mut String) {
    let (Some(tk), Some(c)) = (&r.tokens, &r.cost) else {
        if let Some(why) = r.unpriced() {
            let _ = writeln!(o, "<h2>Cost</h2>\n<p>Not shown: {}</p>", t(&why));
        }
        return;
    };
    let _ = writeln!(
        o,
        "<h2>Cost</h2>\n<p class=\"sub\">{}, prices as of {}{}</p>\n<table>",
        t(&r.model_id),
        t(&r.prices_as_of),
        if r.prices_confirmed {
            ""
        } else {
            " (estimates)"
        }
    );
    let mut row = |k: &str, v: String| {
        let _ = writeln!(o, "<tr><th>{k}</th><td>{}</td></tr>", esc(&v));
    };
    row(
        "Tokens",
        format!(
            "{} total, {} billable per epoch ({}{})",
            thousands(tk.total),
            thousands(tk.billable),
            tk.encoding,
            if tk.estimated {
                ", partly estimated"
            } else {
                ""
            }
        ),
    );
    row(
        "Training",
        format!(
            "{} epochs × {} tokens = {} trained tokens → {}",
            c.epochs,
            thousands(tk.billable),
            thousands(c.trained_tokens as u64),
            c.training.format_usd()
        ),
    );
    if let Some(u) = &c.usage {
        row(
            "Usage",
            format!(
                "{} requests: tuned {} vs base {}{}",
                thousands(u.requests),
                u.fine_tuned.format_usd(),
                u.base.format_usd(),
                u.ratio
                    .map_or(String::new(), |x| format!(" ({x:.1}× the base model)"))
            ),
        );
    }
    if let Some(f) = &c.few_shot {
        row(
            "Break-even",
            format!(
                "base + {} examples/prompt {} vs tuned {} per request{}",
                f.k,
                f.base_per_request.format_usd(),
                f.fine_tuned_per_request.format_usd(),
                f.break_even_requests.map_or(
                    ": fine-tuning never pays off on price alone".to_string(),
                    |n| format!(": tuning pays off after {} requests", thousands(n))
                )
            ),
        );
    }
    o.push_str("</table>\n");
}

fn findings(r: &Report, o: &mut String) {
    let total = r.errors + r.warnings;
    let _ = writeln!(
        o,
        "<h2>Findings</h2>\n<p class=\"sub\">{} shown of {}</p>",
        thousands(r.diagnostics.len() as u64),
        count(total, "finding", "findings")
    );
    if r.diagnostics.is_empty() {
        return;
    }
    // Fixed layout: one long unbroken value must not push the excerpts off the page.
    o.push_str("<table class=\"f\">\n<colgroup><col style=\"width:18%\"><col style=\"width:14%\"><col style=\"width:34%\"><col style=\"width:34%\"></colgroup>\n<tr><th>Where</th><th>Rule</th><th>Message</th><th>Excerpt</th></tr>\n");
    for d in &r.diagnostics {
        let sev = d.severity.as_str();
        let _ = writeln!(
            o,
            "<tr><td><code>{}:{}:{}</code></td><td class=\"{sev}\">{sev} {} <code>{}</code></td><td>{}<br><small>{}</small></td><td>{}</td></tr>",
            p(&d.path),
            d.line,
            d.column,
            d.rule.code(),
            esc(d.rule.name()),
            t(&d.message),
            t(&d.help),
            excerpt(d)
        );
    }
    o.push_str("</table>\n");
    if r.hidden() > 0 {
        let _ = writeln!(
            o,
            "<p>…and {} more (<code>--max-diagnostics 0</code> shows all).</p>",
            thousands(r.hidden())
        );
    }
}

/// The offending part of the line, marked, with its context; controls as pictures.
fn excerpt(d: &Diagnostic) -> String {
    let Some(s) = &d.snippet else {
        return String::new();
    };
    let (text, (a, b)) = display::snippet(&s.text, s.span);
    let (a, b) = (a.min(text.len()), b.min(text.len()).max(a.min(text.len())));
    if !text.is_char_boundary(a) || !text.is_char_boundary(b) {
        return format!("<span class=\"x\">{}</span>", esc(&text));
    }
    format!(
        "<span class=\"x\">{}{}<mark>{}</mark>{}{}</span>",
        if s.cut_start { "…" } else { "" },
        esc(&text[..a]),
        esc(&text[a..b]),
        esc(&text[b..]),
        if s.cut_end { "…" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("</script><img src=x onerror='a'>&\""),
            "&lt;/script&gt;&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;"
        );
    }
}
