//! `--format json`: one JSON document. The keys documented in the README are a contract;
//! keys are emitted sorted, and nothing in it depends on timing or thread count.

use super::{Report, TokenReport};
use crate::diagnostic::Diagnostic;
use crate::stats::Distribution;
use serde_json::{Value, json};

fn dist(d: &Option<Distribution>) -> Value {
    match d {
        Some(d) => {
            json!({"min": d.min, "p10": d.p10, "median": d.median, "mean": d.mean, "p90": d.p90, "max": d.max})
        }
        None => Value::Null,
    }
}

fn tokens(t: &TokenReport) -> Value {
    json!({
        "encoding": t.encoding,
        "engine": t.engine,
        "examples": t.examples,
        "total": t.total,
        "billable": t.billable,
        "limit": t.limit,
        "over_limit": t.over_limit,
        "estimated": t.estimated,
        "estimated_examples": t.estimated_examples,
        "per_example": dist(&t.per_example),
        "trained": dist(&t.trained),
        "messages": dist(&t.messages),
    })
}

/// `baseline`: what the change did; deltas are HEAD minus BASE over valid examples.
pub fn baseline(b: &crate::baseline::Summary) -> Value {
    let mut v = json!({
        "examples_added": b.examples_added,
        "examples_removed": b.examples_removed,
        "examples_unchanged": b.examples_unchanged,
        "new_findings": b.new_findings,
        "fixed_findings": b.fixed_findings,
        "tokens_delta": b.tokens_delta,
        "training_usd_delta": b.training_usd_delta(),
    });
    match &b.label {
        crate::baseline::Label::Path(p) => v["path"] = json!(p),
        crate::baseline::Label::Rev(r) => v["rev"] = json!(r),
    }
    v
}

/// One entry of `diagnostics` (also one line of `--format json-lines`).
pub fn diagnostic(d: &Diagnostic) -> Value {
    json!({
        "code": d.rule.code(),
        "name": d.rule.name(),
        "severity": d.severity.as_str(),
        "path": &*d.path,
        "line": d.line,
        "column": d.column,
        "end_column": d.end_column,
        "message": d.message,
        "help": d.help,
    })
}

pub fn to_value(r: &Report) -> Value {
    let files: Vec<Value> = r
        .files
        .iter()
        .map(|f| {
            json!({
                "path": f.path,
                "role": match f.role { crate::check::Role::Training => "training", crate::check::Role::Validation => "validation" },
                "format": f.format.map(|x| x.name()),
                "validates": f.validates,
                "lines": f.lines,
                "examples": f.examples,
                "valid_examples": f.valid_examples,
                "tokens": f.tokens.map(|(total, billable)| json!({"total": total, "billable": billable})),
                // A training file is one job: its own epochs and training cost.
                "cost": f.cost.as_ref().map(|c| json!({
                    "epochs": c.epochs,
                    "trained_tokens": c.trained_tokens as u64,
                    "training_usd": c.training.usd_f64(),
                })),
            })
        })
        .collect();
    let diagnostics: Vec<Value> = r.diagnostics.iter().map(diagnostic).collect();
    let by_rule: serde_json::Map<String, Value> = crate::rules::Rule::ALL
        .iter()
        .filter(|rule| r.per_rule[**rule as usize] > 0)
        .map(|rule| (rule.code().to_string(), json!(r.per_rule[*rule as usize])))
        .collect();
    let mut doc = json!({
        "version": r.version,
        "provider": r.provider,
        "method": r.method,
        "config": r.config,
        "files": files,
        "summary": {
            "examples": r.examples,
            "valid_examples": r.valid_examples,
            "errors": r.errors,
            "warnings": r.warnings,
            "diagnostics_shown": r.diagnostics.len(),
            "diagnostics_hidden": r.hidden(),
            "by_rule": by_rule,
            "exit_code": r.exit_code(),
        },
        "diagnostics": diagnostics,
        "errors": r.input_errors.iter().map(|e| json!({"path": e.path, "message": e.message})).collect::<Vec<_>>(),
    });
    if let Some(b) = &r.baseline {
        doc["baseline"] = baseline(b);
    }
    if let Some(why) = &r.uncounted {
        doc["tokens_unavailable"] = json!(why);
    }
    if let Some(why) = r.unpriced() {
        doc["cost_unavailable"] = json!(why);
    }
    if let Some(t) = &r.tokens {
        doc["tokens"] = tokens(t);
        if let Some(v) = &r.validation_tokens {
            doc["validation_tokens"] = tokens(v);
        }
    }
    if let (Some(_), Some(c)) = (&r.tokens, &r.cost) {
        doc["cost"] = json!({
            "model": r.model_id,
            "prices_as_of": r.prices_as_of,
            "jobs": r.jobs,
            // The jobs' common epochs; null when the training files' jobs differ.
            "epochs": (c.epochs > 0).then_some(c.epochs),
            "trained_tokens": c.trained_tokens as u64,
            "training_usd": c.training.usd_f64(),
            "prices_confirmed": r.prices_confirmed,
            "hosting_usd_per_hour": r.hosting_per_hour.map(|p| p.per_million_usd()),
        });
        if let Some(u) = &c.usage {
            doc["cost"]["usage"] = json!({
                "requests": u.requests,
                "prompt_tokens_mean": u.prompt_tokens_mean,
                "completion_tokens_mean": u.completion_tokens_mean,
                "fine_tuned_usd": u.fine_tuned.usd_f64(),
                "base_usd": u.base.usd_f64(),
                "ratio": u.ratio,
            });
        }
        if let Some(f) = &c.few_shot {
            doc["cost"]["few_shot"] = json!({
                "k": f.k,
                "base_usd_per_request": f.base_per_request.usd_f64(),
                "fine_tuned_usd_per_request": f.fine_tuned_per_request.usd_f64(),
                "break_even_requests": f.break_even_requests,
            });
        }
    }
    doc
}

/// Exact values; hidden characters inside strings are written as `\u` escapes.
pub fn render(r: &Report) -> String {
    let mut s =
        crate::display::json_safe(serde_json::to_string_pretty(&to_value(r)).unwrap_or_default());
    s.push('\n');
    s
}
