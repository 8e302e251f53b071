//! `--format human`: each diagnostic through miette with only its line window as source,
//! then a summary a person takes in at a glance.

use super::Report;
use super::shared::count;
use crate::diagnostic::{Diagnostic, Severity};
use crate::display;
use crate::stats::Distribution;
use crate::stats::thousands;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt::{self, Write};

/// Hands miette one line window, reporting the real line and column numbers, so a
/// renderer never scans a large file.
struct LineSource {
    name: String,
    /// Display text of the window: escapes make it longer than the real line.
    text: String,
    /// 0-based line number in the file.
    line: usize,
    /// Byte offset of the label in `text`, and its 0-based character column in the real
    /// line: miette names the label's place from what `read_span` returns.
    label_start: usize,
    label_col: usize,
}

impl SourceCode for LineSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        _before: usize,
        _after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let off = span.offset().min(self.text.len());
        // Escapes before a span would shift a column counted in `text`; the label's own
        // column is known exactly.
        let shown = |o: usize| self.text[..o].chars().count();
        let col = if off == self.label_start {
            self.label_col
        } else {
            (self.label_col + shown(off)).saturating_sub(shown(self.label_start))
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            SourceSpan::new(0.into(), self.text.len()),
            self.line,
            col,
            1,
        )))
    }
}

struct Rendered<'a> {
    d: &'a Diagnostic,
    /// Display text of the message and help.
    message: String,
    help: String,
    source: Option<LineSource>,
    /// Byte offset and length of the span in `source.text`.
    label: (usize, usize),
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.d.rule.code(),
            self.d.rule.name()
        )))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let label = LabeledSpan::new(
            Some(self.d.rule.name().to_string()),
            self.label.0,
            self.label.1,
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// The line window as miette source, with `…` where the line was cut, and the span in it.
fn source_for(d: &Diagnostic) -> Option<(LineSource, (usize, usize))> {
    let s = d.snippet.as_ref()?;
    let (mut text, (mut start, mut end)) = display::snippet(&s.text, s.span);
    if s.cut_start {
        text.insert(0, '…');
        start += '…'.len_utf8();
        end += '…'.len_utf8();
    }
    if s.cut_end {
        text.push('…');
    }
    // A zero-width span (end of line, empty line) still gets a one-column mark.
    let len = (end - start)
        .max(1)
        .min(text.len().saturating_sub(start).max(1));
    let src = LineSource {
        name: display::path(&d.path).into_owned(),
        line: d.line as usize - 1,
        label_start: start,
        label_col: (d.column as usize).saturating_sub(1),
        text,
    };
    Some((src, (start, len)))
}

pub struct HumanOptions {
    pub color: bool,
    pub quiet: bool,
}

pub fn render(r: &Report, opts: &HumanOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .with_context_lines(0);
    let mut out = String::new();
    for d in &r.diagnostics {
        let (source, label) = match source_for(d) {
            Some((src, label)) => (Some(src), label),
            None => (None, (0, 0)),
        };
        let rendered = Rendered {
            d,
            message: display::text(&d.message).into_owned(),
            help: display::text(&d.help).into_owned(),
            source,
            label,
        };
        if rendered.source.is_none() {
            // No line to show (file and dataset findings): say where in the header.
            let _ = writeln!(
                out,
                "{} {}[{}] {}:{}: {}\n  help: {}\n",
                sev_mark(d.severity, opts.color),
                d.severity.as_str(),
                d.rule.code(),
                display::path(&d.path),
                d.line,
                rendered.message,
                rendered.help
            );
            continue;
        }
        let _ = handler.render_report(&mut out, &rendered);
        out.push('\n');
    }
    if opts.quiet {
        return out;
    }
    summary(r, &mut out, opts.color);
    out
}

fn sev_mark(s: Severity, color: bool) -> String {
    let (mark, code) = match s {
        Severity::Error => ("×", "31"),
        Severity::Warning => ("⚠", "33"),
    };
    if color {
        format!("\x1b[{code}m{mark}\x1b[0m")
    } else {
        mark.to_string()
    }
}

fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        thousands(x.round() as u64)
    } else {
        // One decimal, with the integer part grouped like the rest: 1,114.4.
        let tenths = (x * 10.0).round() as u64;
        format!("{}.{}", thousands(tenths / 10), tenths % 10)
    }
}

fn dist_line(d: &Option<Distribution>) -> String {
    match d {
        Some(d) => format!(
            "min {} · p10 {} · median {} · mean {} · p90 {} · max {}",
            num(d.min),
            num(d.p10),
            num(d.median),
            num(d.mean),
            num(d.p90),
            num(d.max)
        ),
        None => "—".to_string(),
    }
}

/// Every rule that fired and how often, so a long run's shape shows at a glance.
fn by_rule(r: &Report, out: &mut String) {
    let fired: Vec<(crate::rules::Rule, u64)> = crate::rules::Rule::ALL
        .iter()
        .map(|rule| (*rule, r.per_rule[*rule as usize]))
        .filter(|&(_, n)| n > 0)
        .collect();
    if fired.is_empty() {
        return;
    }
    let width = fired
        .iter()
        .map(|(rule, _)| rule.name().len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "Findings by rule");
    for (rule, n) in fired {
        let _ = writeln!(
            out,
            "  {} {:<width$}  {}",
            rule.code(),
            rule.name(),
            thousands(n)
        );
    }
    let _ = writeln!(out);
}

fn summary(r: &Report, out: &mut String, color: bool) {
    let hidden = r.hidden();
    if hidden > 0 {
        let _ = writeln!(
            out,
            "…and {} not shown (--max-diagnostics 0 shows all)\n",
            count(hidden, "more diagnostic", "more diagnostics")
        );
    }
    by_rule(r, out);
    for e in &r.input_errors {
        let _ = writeln!(
            out,
            "{} error: {}",
            sev_mark(Severity::Error, color),
            display::input_error(e)
        );
    }
    let verdict = if !r.input_errors.is_empty() {
        "could not check every input".to_string()
    } else if r.errors > 0 {
        format!(
            "{} {} error{}, {} warning{}",
            sev_mark(Severity::Error, color),
            thousands(r.errors),
            if r.errors == 1 { "" } else { "s" },
            thousands(r.warnings),
            if r.warnings == 1 { "" } else { "s" }
        )
    } else if r.warnings > 0 {
        format!(
            "{} no errors, {} warning{}{}",
            sev_mark(Severity::Warning, color),
            thousands(r.warnings),
            if r.warnings == 1 { "" } else { "s" },
            if r.deny_warnings { " (denied)" } else { "" }
        )
    } else {
        "✓ no errors, no warnings".to_string()
    };
    let _ = writeln!(out, "{verdict}");
    if let Some(b) = &r.baseline {
        let _ = writeln!(out, "  {}", b.one_line());
    }
    for f in &r.files {
        let role = match (&f.validates, r.jobs > 1) {
            // With several jobs, say which one the validation file goes with.
            (Some(t), true) => format!(" (validation for {})", display::path(t)),
            _ if f.role == crate::check::Role::Validation => " (validation)".to_string(),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {}{role}: {}, {}, {} valid{}",
            display::path(&f.path),
            count(f.lines, "line", "lines"),
            count(f.examples, "example", "examples"),
            thousands(f.valid_examples),
            f.tokens.map_or(String::new(), |(total, _)| format!(
                ", {} tokens",
                thousands(total)
            ))
        );
    }
    if let Some(config) = &r.config {
        let _ = writeln!(out, "  config: {}", display::path(config));
    }
    let Some(t) = &r.tokens else {
        if let Some(why) = &r.uncounted {
            let _ = writeln!(out, "\nTokens and cost: not available: {why}");
        }
        return;
    };
    if r.files.is_empty() {
        return;
    }
    let _ = writeln!(out);
    if t.examples == 0 {
        let _ = writeln!(out, "Tokens and cost: no valid examples to count");
        return;
    }
    let exact = if t.estimated {
        format!(
            "estimated for {} with tools, images or content parts",
            count(t.estimated_examples, "example", "examples")
        )
    } else {
        "exact".to_string()
    };
    let _ = writeln!(
        out,
        "Tokens ({}, {}, {}; valid examples only)",
        t.encoding, t.engine, exact
    );
    let _ = writeln!(
        out,
        "  total {} · billable per epoch {} · limit {}/example, {} over",
        thousands(t.total),
        thousands(t.billable),
        thousands(t.limit),
        thousands(t.over_limit)
    );
    let _ = writeln!(out, "  per example  {}", dist_line(&t.per_example));
    let _ = writeln!(out, "  trained      {}", dist_line(&t.trained));
    if t.messages.is_some() {
        let _ = writeln!(out, "  messages     {}", dist_line(&t.messages));
    }
    if let (Some(first), Some(last)) = (t.histogram.first(), t.histogram.last()) {
        let _ = writeln!(
            out,
            "  histogram    {} {}…{} tokens",
            crate::stats::sparkline(&t.histogram),
            thousands(first.0),
            thousands(last.1)
        );
    }
    if let Some(v) = &r.validation_tokens {
        let _ = writeln!(
            out,
            "  validation   {} tokens in {} examples (not billed)",
            thousands(v.total),
            thousands(v.examples)
        );
    }
    let _ = writeln!(out);
    let Some(c) = &r.cost else {
        if let Some(why) = r.unpriced() {
            let _ = writeln!(out, "Cost: not shown: {}", display::text(&why));
        }
        return;
    };
    let estimate = if r.prices_confirmed {
        ""
    } else {
        " are estimates: not confirmed on the provider's own page"
    };
    let _ = writeln!(
        out,
        "Cost ({}, prices as of {}{estimate})",
        display::text(&r.model_id),
        display::text(&r.prices_as_of)
    );
    let rate = format!(
        "(${:.2}/1M tokens = {}/1K)",
        r.training_price.per_million_usd(),
        r.training_price.format_usd_per_thousand()
    );
    let job = |c: &crate::cost::CostReport, billable: u64| {
        format!(
            "{} × {} = {} trained tokens → {}",
            count(c.epochs, "epoch", "epochs"),
            count(billable, "token", "tokens"),
            thousands(c.trained_tokens as u64),
            c.training.format_usd()
        )
    };
    if r.jobs > 1 {
        // A job takes one training file: each file trains (and is billed) on its own.
        let _ = writeln!(
            out,
            "  training     one job per training file, {} jobs:",
            r.jobs
        );
        let jobs: Vec<(String, String)> = r
            .files
            .iter()
            .filter_map(|f| {
                let (c, (_, billable)) = (f.cost.as_ref()?, f.tokens?);
                Some((display::path(&f.path).into_owned(), job(c, billable)))
            })
            .collect();
        let width = jobs
            .iter()
            .map(|(p, _)| p.chars().count())
            .max()
            .unwrap_or(0);
        for (path, line) in jobs {
            let pad = " ".repeat(width - path.chars().count());
            let _ = writeln!(out, "    {path}{pad}  {line}");
        }
        let _ = writeln!(
            out,
            "  total        {} trained tokens → {} {rate}",
            thousands(c.trained_tokens as u64),
            c.training.format_usd()
        );
    } else {
        let _ = writeln!(out, "  training     {} {rate}", job(c, t.billable));
    }
    if let Some(fee) = r.hosting_per_hour {
        let _ = writeln!(
            out,
            "  hosting      {}/hour per deployment of the tuned model ({}), not included above",
            fee.format_usd(),
            display::text(&r.provider_name)
        );
    }
    let (Some(u), Some(fs)) = (&c.usage, &c.few_shot) else {
        let _ = writeln!(
            out,
            "  usage        not projected: {} lists no usage prices for {}",
            r.provider_name, r.model_id
        );
        return;
    };
    let ratio = u
        .ratio
        .map_or(String::new(), |x| format!(" ({x:.1}× the base model)"));
    let _ = writeln!(
        out,
        "  usage        {} requests (mean {} prompt + {} completion tokens): tuned {} vs base {}{}",
        thousands(u.requests),
        num(u.prompt_tokens_mean),
        num(u.completion_tokens_mean),
        u.fine_tuned.format_usd(),
        u.base.format_usd(),
        ratio
    );
    let verdict = match fs.break_even_requests {
        Some(n) => format!("fine-tuning pays off after {} requests", thousands(n)),
        None => "fine-tuning never pays off on price alone".to_string(),
    };
    let _ = writeln!(
        out,
        "  break-even   base + {} examples/prompt {} vs tuned {} per request: {}",
        fs.k,
        fs.base_per_request.format_usd(),
        fs.fine_tuned_per_request.format_usd(),
        verdict
    );
}
