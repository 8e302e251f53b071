//! `--format sarif`: SARIF 2.1.0, what GitHub code scanning (`upload-sarif`) and other
//! static-analysis dashboards read. The rule metadata is the registry's own text, so
//! code scanning explains a rule in the same words as `ftlint rule CODE`.
//!
//! Paths are relative to the current folder (where CI runs: the repository root) under
//! `uriBaseId` `%SRCROOT%`; columns count Unicode code points, as ftlint's do.

use super::Report;
use super::shared::repo_relative;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Rule;
use serde_json::{Value, json};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The "What it does" paragraph of a rule's explanation: a full description that is
/// longer than the summary but not the whole page.
fn full_description(rule: Rule) -> String {
    let text = rule.explanation();
    let body = text
        .split("## What it does")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    body.map_or_else(|| format!("{}.", rule.summary()), str::to_string)
}

fn rule(r: Rule) -> Value {
    let explanation = r.explanation().trim();
    json!({
        "id": r.code(),
        "name": r.name(),
        "shortDescription": { "text": r.summary() },
        "fullDescription": { "text": full_description(r) },
        "help": { "text": explanation, "markdown": explanation },
        "defaultConfiguration": { "level": level(r.default_severity()) },
    })
}

/// A URI reference for a path: percent-encoded where RFC 3986 requires it.
fn uri_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn artifact_location(path: &str) -> Value {
    match repo_relative(path) {
        Some(rel) => json!({ "uri": uri_path(&rel), "uriBaseId": "%SRCROOT%" }),
        // Outside the repository (or stdin): an absolute file URI, or the name as given.
        None => {
            let p = std::path::Path::new(path);
            if p.is_absolute() {
                let slashed = path.replace('\\', "/");
                let slashed = slashed.trim_start_matches('/');
                json!({ "uri": format!("file:///{}", uri_path(slashed)) })
            } else {
                json!({ "uri": uri_path(&path.replace('\\', "/")) })
            }
        }
    }
}

fn result(d: &Diagnostic) -> Value {
    json!({
        "ruleId": d.rule.code(),
        "ruleIndex": d.rule as usize,
        "level": level(d.severity),
        "message": { "text": format!("{}\nhelp: {}", d.message, d.help) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(&d.path),
                "region": {
                    "startLine": d.line,
                    "startColumn": d.column,
                    "endLine": d.line,
                    // Exclusive in SARIF as in ftlint: the column after the span.
                    "endColumn": d.end_column.max(d.column + 1),
                },
            },
        }],
    })
}

pub fn to_value(r: &Report) -> Value {
    let notifications: Vec<Value> = r
        .input_errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": e.to_string() },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact_location(&e.path) } }],
            })
        })
        .collect();
    let mut doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ftlint",
                    "version": r.version,
                    "semanticVersion": r.version,
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": Rule::ALL.iter().map(|r| rule(*r)).collect::<Vec<_>>(),
                },
            },
            "invocations": [{
                "executionSuccessful": r.input_errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": r.diagnostics.iter().map(result).collect::<Vec<_>>(),
        }],
    });
    // With --baseline, the results are the new findings; the run's property bag
    // says what the change did (the keys of the JSON report's `baseline`).
    if let Some(b) = &r.baseline {
        doc["runs"][0]["properties"] = json!({ "baseline": super::json::baseline(b) });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_index_is_the_position_in_rules() {
        for (i, r) in Rule::ALL.iter().enumerate() {
            assert_eq!(*r as usize, i);
            assert!(!full_description(*r).is_empty());
        }
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path("data/my file%.jsonl"), "data/my%20file%25.jsonl");
        assert_eq!(uri_path("données.jsonl"), "donn%C3%A9es.jsonl");
    }
}
