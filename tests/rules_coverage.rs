//! Every rule is documented and has a fixture that triggers it.
//!
//! The fixture of a rule is `fixtures/rules/<CODE>_<name_with_underscores>.jsonl`, e.g.
//! `fixtures/rules/FT010_invalid_json.jsonl`. Each is run through the real binary with
//! `check <fixture> --format json --max-diagnostics 0` (plus the arguments in
//! [`EXTRA_ARGS`]); the rule's code must be among the diagnostics, and any other code
//! must be listed in [`INCIDENTAL`], so a fixture keeps showing its rule and little else.

use ftlint::rules::Rule;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Arguments a rule's fixture needs beyond `check <fixture> --format json --max-diagnostics 0`.
const EXTRA_ARGS: &[(&str, &[&str])] = &[
    // A small limit, so the fixture need not be 160 MiB.
    ("FT015", &["--max-line-bytes", "256"]),
    // Prompt/completion records are only checked as such for a legacy model.
    // babbage-002 retired on 2026-10-23 (FT076): check as of a day it still trained.
    (
        "FT062",
        &["--model", "babbage-002", "--as-of", "2026-10-01"],
    ),
    ("FT058", &["--provider", "fireworks"]),
    ("FT059", &["--provider", "together"]),
    ("FT063", &["--model", "gpt-4.1-mini"]),
    ("FT064", &["--model", "gpt-4.1-mini"]),
    ("FT065", &["--method", "dpo", "--model", "gpt-4.1-mini"]),
    ("FT067", &["--provider", "together"]),
    // The model's own chat template: Qwen3's tokenizer folder from ../shared.
    (
        "FT068",
        &[
            "--provider",
            "together",
            "--model",
            "Qwen/Qwen3-8B",
            "--tokenizer-path",
            "../shared/tokenizers/qwen3",
        ],
    ),
    // Azure trains gpt-4o-mini with SFT only; the fixture holds preference (DPO) records.
    ("FT066", &["--provider", "azure", "--model", "gpt-4o-mini"]),
    // A 4,096-token limit: gpt-3.5-turbo-0613, as of a day it could still be trained.
    (
        "FT073",
        &["--model", "gpt-3.5-turbo-0613", "--as-of", "2024-01-01"],
    ),
    (
        "FT074",
        &["--provider", "fixtures/providers/tiny_upload_limit.toml"],
    ),
    // A model whose fine-tuning closed (2024-09-13) before the day of the check.
    (
        "FT076",
        &["--model", "gpt-3.5-turbo-0613", "--as-of", "2026-11-29"],
    ),
    ("FT080", &["--model", "gpt-4o-2024-08-06"]),
    ("FT081", &["--model", "gpt-4o-2024-08-06"]),
    (
        "FT072",
        &[
            "--validation-file",
            "fixtures/rules/FT072_validation_overlap.validation.jsonl",
        ],
    ),
];

/// Other codes a rule's fixture is known to trigger as well, and why.
const INCIDENTAL: &[(&str, &[&str])] = &[
    // A file of blank lines: each blank line is reported too.
    ("FT008", &["FT004"]),
    // `{"conversation": [...]}`: the unknown key is reported too.
    ("FT020", &["FT014"]),
    // Without an assistant message, the last message is not the assistant's.
    ("FT050", &["FT055"]),
    // Legacy records are never valid for a chat model: fewer than 10 valid examples.
    ("FT060", &["FT070"]),
    // The odd prompt/completion record in a chat file is also legacy format for the model.
    ("FT061", &["FT060"]),
    // Records the job cannot take are not valid examples: fewer than 10 remain.
    ("FT065", &["FT070"]),
    ("FT066", &["FT070"]),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `fixtures/rules/FT010_invalid_json.jsonl` for `Rule::InvalidJson`.
fn fixture_for(rule: Rule) -> String {
    format!(
        "fixtures/rules/{}_{}.jsonl",
        rule.code(),
        rule.name().replace('-', "_")
    )
}

fn lookup<'a>(table: &'a [(&str, &'a [&'a str])], code: &str) -> &'a [&'a str] {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(&[], |(_, v)| v)
}

/// Runs `ftlint check` with JSON output and returns the parsed document.
fn check_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_ftlint"))
        // A fixed day: FT076 and the default model depend on the date.
        .env("FTLINT_AS_OF", "2026-11-29")
        .arg("check")
        .args(args)
        .args(["--format", "json", "--max-diagnostics", "0"])
        .current_dir(root())
        .env_remove("FTLINT_FORMAT")
        .output()
        .expect("run ftlint");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "ftlint check {args:?}: stdout is not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn codes(doc: &Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .expect("`diagnostics` array")
        .iter()
        .map(|d| d["code"].as_str().expect("diagnostic code").to_string())
        .collect()
}

#[test]
fn every_rule_has_docs() {
    for &rule in Rule::ALL {
        assert!(!rule.name().trim().is_empty(), "{rule:?}: empty name");
        assert!(!rule.summary().trim().is_empty(), "{rule:?}: empty summary");
        assert!(
            !rule.explanation().trim().is_empty(),
            "{rule:?}: empty explanation"
        );
    }
}

#[test]
fn every_rule_has_a_fixture_that_triggers_it() {
    let mut failures = Vec::new();
    for &rule in Rule::ALL {
        let code = rule.code();
        let fixture = fixture_for(rule);
        if !root().join(&fixture).is_file() {
            failures.push(format!("{code}: no fixture {fixture}"));
            continue;
        }
        let mut args = vec![fixture.as_str()];
        args.extend_from_slice(lookup(EXTRA_ARGS, code));
        let doc = check_json(&args);
        let found = codes(&doc);
        if !found.iter().any(|c| c == code) {
            failures.push(format!(
                "{code}: {fixture} does not trigger it (found {found:?})"
            ));
        }
        let allowed = lookup(INCIDENTAL, code);
        let unexpected: BTreeSet<&String> = found
            .iter()
            .filter(|c| *c != code && !allowed.contains(&c.as_str()))
            .collect();
        if !unexpected.is_empty() {
            failures.push(format!(
                "{code}: {fixture} also triggers {unexpected:?}; fix the fixture or list them in INCIDENTAL"
            ));
        }
        if doc["errors"].as_array().is_none_or(|e| !e.is_empty()) {
            failures.push(format!("{code}: input errors: {}", doc["errors"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every file in `fixtures/rules/` belongs to a rule (its fixture, or an extra argument),
/// and the tables name real rules.
#[test]
fn no_orphan_rule_fixtures() {
    let mut used: BTreeSet<String> = Rule::ALL.iter().map(|&r| fixture_for(r)).collect();
    for (code, args) in EXTRA_ARGS {
        assert!(
            Rule::from_code(code).is_some(),
            "EXTRA_ARGS: unknown rule {code}"
        );
        used.extend(
            args.iter()
                .filter(|a| a.starts_with("fixtures/"))
                .map(|a| a.to_string()),
        );
    }
    for (code, others) in INCIDENTAL {
        assert!(
            Rule::from_code(code).is_some(),
            "INCIDENTAL: unknown rule {code}"
        );
        for o in *others {
            assert!(Rule::from_code(o).is_some(), "INCIDENTAL: unknown rule {o}");
        }
    }
    for entry in std::fs::read_dir(root().join("fixtures/rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let rel = format!("fixtures/rules/{name}");
        assert!(used.contains(&rel), "{rel} is not used by any rule");
    }
}

/// Valid files the public cookbook script wrongly flags: tool calling (null content,
/// parallel calls, tool replies), weights, content parts; and legacy data for a legacy model.
#[test]
fn valid_fixtures_have_no_diagnostics() {
    let cases: &[&[&str]] = &[
        &["fixtures/valid_tool_calling.jsonl"],
        &["fixtures/valid_weighted_multiturn.jsonl"],
        // Images need a model with vision fine-tuning.
        &[
            "fixtures/valid_content_parts.jsonl",
            "--model",
            "gpt-4o-2024-08-06",
        ],
        &["fixtures/valid_preference.jsonl", "--model", "gpt-4.1-mini"],
        &["fixtures/valid_preference.jsonl", "--provider", "together"],
        &[
            "fixtures/valid_text_together.jsonl",
            "--provider",
            "together",
        ],
        &[
            "fixtures/valid_vision_data_urls.jsonl",
            "--model",
            "gpt-4o-2024-08-06",
        ],
        &["fixtures/japanese_refusals.jsonl"],
        &[
            "fixtures/legacy_prompt_completion_valid.jsonl",
            "--model",
            "babbage-002",
            // Retired on 2026-10-23: checked as of a day it still trained.
            "--as-of",
            "2026-10-01",
        ],
    ];
    for args in cases {
        let doc = check_json(args);
        assert_eq!(codes(&doc), Vec::<String>::new(), "{args:?}");
        assert_eq!(doc["summary"]["errors"], 0, "{args:?}");
        assert_eq!(doc["summary"]["warnings"], 0, "{args:?}");
        assert_eq!(doc["summary"]["exit_code"], 0, "{args:?}");
        let examples = doc["summary"]["examples"].as_u64().unwrap();
        assert!(examples >= 10, "{args:?}: only {examples} examples");
        assert_eq!(doc["summary"]["valid_examples"], examples, "{args:?}");
    }
}

/// A file that is one JSON document (an array, or pretty-printed objects) gets one
/// diagnostic for the file, not one per line.
#[test]
fn json_document_files_get_exactly_one_diagnostic() {
    for (file, code) in [
        ("fixtures/json_array.json", "FT006"),
        ("fixtures/json_array_one_line.json", "FT006"),
        ("fixtures/pretty_printed.json", "FT007"),
        ("fixtures/rules/FT006_json_array_file.jsonl", "FT006"),
        ("fixtures/rules/FT007_multiline_json.jsonl", "FT007"),
    ] {
        let doc = check_json(&[file]);
        assert_eq!(codes(&doc), vec![code.to_string()], "{file}");
        assert_eq!(doc["summary"]["errors"], 1, "{file}");
        assert_eq!(doc["summary"]["warnings"], 0, "{file}");
    }
}

/// The message and help of every rule, as users read them: each rule's fixture is run
/// and every diagnostic's code, place, severity, message and help compared with
/// `tests/golden/rule_messages.txt`. `UPDATE_GOLDEN=1` rewrites it; review the diff.
#[test]
fn every_rule_message_and_help_is_pinned() {
    let mut got = String::new();
    for &rule in Rule::ALL {
        let fixture = fixture_for(rule);
        let mut args = vec![fixture.as_str()];
        args.extend_from_slice(lookup(EXTRA_ARGS, rule.code()));
        let doc = check_json(&args);
        got.push_str(&format!("## {} {}\n", rule.code(), args.join(" ")));
        for d in doc["diagnostics"].as_array().unwrap() {
            got.push_str(&format!(
                "{}:{}:{} {}[{}] {}\n    help: {}\n",
                d["path"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
                d["help"].as_str().unwrap(),
            ));
        }
    }
    let path = root().join("tests/golden/rule_messages.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if got != want {
        let first = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(got.lines().count().min(want.lines().count()));
        panic!(
            "rule messages differ from tests/golden/rule_messages.txt at line {}:\n  got:      {:?}\n  expected: {:?}\n(UPDATE_GOLDEN=1 cargo test --test rules_coverage rewrites it)",
            first + 1,
            got.lines().nth(first),
            want.lines().nth(first)
        );
    }
}
