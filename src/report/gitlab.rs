//! `--format gitlab`: GitLab Code Quality, a JSON array of Code Climate issues
//! (`artifacts: reports: codequality:` in `.gitlab-ci.yml`).
//!
//! GitLab compares fingerprints between the base and the merge request to tell new
//! findings from old, so a fingerprint must not change between runs or builds: it is
//! xxh3-128 over rule code, path, line and message (std's `DefaultHasher` is not stable
//! across Rust releases). Identical findings get an occurrence number mixed in, since
//! GitLab drops duplicate fingerprints.

use super::Report;
use super::shared::display_path;
use crate::diagnostic::{Diagnostic, Severity};
use crate::display;
use serde_json::{Value, json};
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_128;

fn fingerprint(d: &Diagnostic, path: &str, occurrence: u32) -> String {
    // NUL separates the fields, so ("a", "bc") and ("ab", "c") cannot collide.
    let mut key = format!("{}\0{}\0{}\0{}", d.rule.code(), path, d.line, d.message);
    if occurrence > 0 {
        key.push_str(&format!("\0{occurrence}"));
    }
    format!("{:032x}", xxh3_128(key.as_bytes()))
}

pub fn to_value(r: &Report) -> Value {
    let mut seen: HashMap<String, u32> = HashMap::new();
    let issues: Vec<Value> = r
        .diagnostics
        .iter()
        .map(|d| {
            let path = display_path(&d.path);
            let base = fingerprint(d, &path, 0);
            let n = seen.entry(base.clone()).or_insert(0);
            let fp = if *n == 0 {
                base
            } else {
                fingerprint(d, &path, *n)
            };
            *n += 1;
            json!({
                "type": "issue",
                "check_name": d.rule.code(),
                // Shown to people in the merge request: display text. The fingerprint and
                // the path stay exact, so findings and files still match.
                "description": format!("{} ({}): {}", d.rule.code(), d.rule.name(), display::text(&d.message)),
                "content": { "body": display::text(&d.help) },
                "categories": ["Bug Risk"],
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "fingerprint": fp,
                "location": { "path": path, "lines": { "begin": d.line } },
            })
        })
        .collect();
    Value::Array(issues)
}

pub fn render(r: &Report) -> String {
    let mut s = display::json_safe(serde_json::to_string_pretty(&to_value(r)).unwrap_or_default());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rule;

    fn diag(line: u64, message: &str) -> Diagnostic {
        Diagnostic {
            rule: Rule::InvalidJson,
            severity: Severity::Error,
            path: "a.jsonl".into(),
            line,
            column: 1,
            end_column: 2,
            message: message.to_string(),
            help: String::new(),
            snippet: None,
        }
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = fingerprint(&diag(3, "bad"), "a.jsonl", 0);
        // Pinned: a change here would make GitLab report every finding as new.
        assert_eq!(a, format!("{:032x}", xxh3_128(b"FT010\0a.jsonl\x003\0bad")));
        assert_eq!(a.len(), 32);
        assert_ne!(a, fingerprint(&diag(4, "bad"), "a.jsonl", 0));
        assert_ne!(a, fingerprint(&diag(3, "bad"), "a.jsonl", 1));
    }
}
