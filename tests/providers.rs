//! The same records judged by each provider's profile: what differs between providers
//! is data (`providers/*.toml`), and these cases pin what a user sees for each.

use serde_json::Value;
use std::process::Command;

mod common;
use common::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_ftlint");

/// Ten records built from `line`, the first replaced by `odd` (so FT070 stays quiet).
fn file(dir: &TempDir, name: &str, odd: &str) -> String {
    let ok = r#"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]}"#;
    let mut text = String::from(odd);
    text.push('\n');
    for i in 0..10 {
        text.push_str(&ok.replace("Hi", &format!("Hi {i}")));
        text.push('\n');
    }
    let p = dir.path(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// (codes with severities, exit code) of `ftlint check --lint-only --format json`.
fn run(args: &[&str]) -> (Vec<String>, i32, Value) {
    let out = Command::new(BIN)
        .arg("check")
        .args(args)
        .args(["--lint-only", "--format", "json", "--isolated"])
        .env("FTLINT_AS_OF", "2026-11-29")
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    let codes = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap()
            )
        })
        .collect();
    (codes, out.status.code().unwrap(), doc)
}

#[test]
fn each_provider_judges_by_its_own_rules() {
    let dir = TempDir::new("providers");
    let weight_on_user = file(
        &dir,
        "weight_on_user.jsonl",
        r#"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi","weight":0},{"role":"assistant","content":"Hello."}]}"#,
    );
    let web_image = file(
        &dir,
        "web_image.jsonl",
        r#"{"messages":[{"role":"system","content":[{"type":"text","text":"Be brief."}]},{"role":"user","content":[{"type":"text","text":"What?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]},{"role":"assistant","content":[{"type":"text","text":"A cat."}]}]}"#,
    );
    let ends_with_user = file(
        &dir,
        "ends_with_user.jsonl",
        r#"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."},{"role":"user","content":"Bye"}]}"#,
    );
    let two_systems = file(
        &dir,
        "two_systems.jsonl",
        r#"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"system","content":"Be kind."},{"role":"assistant","content":"Hello."}]}"#,
    );
    let extra_key = file(
        &dir,
        "extra_key.jsonl",
        r#"{"id":7,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]}"#,
    );
    let cases: &[(&str, &[&str], &[&str], i32)] = &[
        // OpenAI takes `weight` on assistant messages only; Together on any message.
        (&weight_on_user, &[], &["FT029:error"], 1),
        (&weight_on_user, &["--provider", "together"], &[], 0),
        // Web images: OpenAI fetches them; Together takes data URLs only.
        (&web_image, &["--model", "gpt-4o-2024-08-06"], &[], 0),
        // (Together's default model also takes no images: FT066.)
        (
            &web_image,
            &["--provider", "together"],
            &["FT066:error", "FT080:error"],
            1,
        ),
        // A trailing user turn: wasted money at OpenAI, a rejected file at Mistral.
        (&ends_with_user, &[], &["FT055:warning"], 0),
        (
            &ends_with_user,
            &["--provider", "mistral"],
            &["FT055:error"],
            1,
        ),
        // One system message, first: Fireworks and Mistral insist.
        (&two_systems, &[], &[], 0),
        (
            &two_systems,
            &["--provider", "fireworks"],
            &["FT058:error"],
            1,
        ),
        (
            &two_systems,
            &["--provider", "mistral"],
            &["FT058:error"],
            1,
        ),
        // Extra top-level keys: Together rejects the file.
        (&extra_key, &["--provider", "together"], &["FT014:error"], 1),
    ];
    for (path, args, want, code) in cases {
        let mut all = vec![*path];
        all.extend_from_slice(args);
        let (codes, exit, doc) = run(&all);
        assert_eq!(codes, *want, "{all:?}");
        assert_eq!(exit, *code, "{all:?}");
        let provider = args
            .iter()
            .position(|a| *a == "--provider")
            .map_or("openai", |i| args[i + 1]);
        assert_eq!(doc["provider"], provider, "{all:?}");
    }
}

#[test]
fn preference_records_where_the_provider_or_model_has_no_dpo() {
    let (codes, exit, doc) = run(&["fixtures/valid_preference.jsonl", "--provider", "mistral"]);
    assert_eq!(exit, 1);
    assert!(codes.contains(&"FT066:error".to_string()), "{codes:?}");
    let msg = doc["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with(
            "Mistral AI (La Plateforme) does not take preference records (it takes chat)"
        ),
        "{msg}"
    );
    // gpt-3.5-turbo offered supervised fine-tuning only (as of a day it still trained).
    let (codes, exit, doc) = run(&[
        "fixtures/valid_preference.jsonl",
        "--model",
        "gpt-3.5-turbo",
        "--as-of",
        "2026-06-01",
    ]);
    assert_eq!((codes[0].as_str(), exit), ("FT066:error", 1));
    let help = doc["diagnostics"][0]["help"].as_str().unwrap();
    assert!(
        help.starts_with("use a model that takes them: --model "),
        "{help}"
    );
    assert!(help.contains("gpt-4.1-mini-2025-04-14"), "{help}");
    let (codes, exit, doc) = run(&["fixtures/valid_preference.jsonl", "--model", "gpt-4.1-mini"]);
    assert_eq!((codes.len(), exit), (0, 0), "{codes:?}");
    assert_eq!(doc["method"], "dpo");
    assert_eq!(doc["files"][0]["format"], "preference");
}

#[test]
fn open_weight_models_lint_fully_and_say_why_tokens_are_missing() {
    let out = Command::new(BIN)
        .args([
            "check",
            "fixtures/japanese_refusals.jsonl",
            "--provider",
            "together",
            "--format",
            "json",
            "--isolated",
        ])
        .env("FTLINT_AS_OF", "2026-11-29")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc.get("tokens").is_none() && doc.get("cost").is_none());
    let why = doc["tokens_unavailable"].as_str().unwrap();
    assert!(why.contains("own tokenizer and chat template"), "{why}");
}

#[test]
fn unknown_provider_is_exit_2_and_names_the_known_ones() {
    for args in [
        &["models", "--provider", "nope"][..],
        &[
            "check",
            "fixtures/japanese_refusals.jsonl",
            "--provider",
            "nope",
        ][..],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("unknown provider `nope`; known providers: openai, azure, together, fireworks, mistral"),
            "{err}"
        );
    }
}

#[test]
fn every_provider_lists_its_models() {
    for p in ["openai", "azure", "together", "fireworks", "mistral"] {
        let out = Command::new(BIN)
            .args(["models", "--provider", p])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{p}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(&format!("(provider `{p}`")), "{text}");
        assert!(text.contains("\nSources:\n"), "{p}");
    }
}
