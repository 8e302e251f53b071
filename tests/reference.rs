//! ftlint's counts equal the public OpenAI data-prep recipe's, as computed by
//! `../shared/peers/cookbook_check.py` with real Python tiktoken. Its figures for
//! generated files are in `tests/reference/` (remade by `scripts/reference.sh`); the
//! files themselves are regenerated here with the deterministic generator.

use ftlint::check::{Role, check_source};
use ftlint::settings::Settings;
use ftlint::tokens::{Counter, Engine, Tokenizer};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs ../shared/bench/gen_dataset.py with the arguments scripts/reference.sh uses.
fn generate(name: &str, args: &[&str]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ftlint-reference-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join(name);
    let script = root().join("../shared/bench/gen_dataset.py");
    assert!(
        script.is_file(),
        "{} is missing: clone the project's shared folder beside the repository as ../shared (README, First run)",
        script.display()
    );
    let status = std::process::Command::new("python3")
        .arg(&script)
        .args(args)
        .arg("--out")
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("python3 runs ../shared/bench/gen_dataset.py");
    assert!(status.success(), "{} {args:?} failed", script.display());
    out
}

fn settings(model: &str, engine: Engine) -> Settings {
    let mut s = Settings::for_model("openai", Some(model)).unwrap();
    s.engine = engine;
    s.max_diagnostics = 0;
    s
}

fn reference(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("tests/reference").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

const CASES: &[(&str, &str)] = &[
    // The recipe's 4,096-token limit is that of the 2023 snapshot.
    ("cl100k_base", "gpt-3.5-turbo-0613"),
    ("o200k_base", "gpt-4o-mini"),
];

fn assert_dataset_equal(path: &Path, reference_name: &str) {
    for &(enc, model) in CASES {
        let want = reference(&format!("{reference_name}_{enc}.json"));
        for engine in [Engine::Bpe, Engine::Tiktoken] {
            let s = settings(model, engine);
            let report = ftlint::run(&[path.to_string_lossy().to_string()], None, &s, false);
            let t = report.tokens.as_ref().unwrap();
            let c = report.cost.as_ref().unwrap();
            let ctx = format!("{reference_name} {enc} {engine:?}");
            assert_eq!(t.encoding, enc);
            assert_eq!(
                t.examples,
                want["n_examples"].as_u64().unwrap(),
                "{ctx}: examples"
            );
            assert_eq!(
                t.total,
                want["n_tokens_unclamped"].as_u64().unwrap(),
                "{ctx}: total"
            );
            assert_eq!(
                t.billable,
                want["n_billing_tokens_in_dataset"].as_u64().unwrap(),
                "{ctx}: billable"
            );
            assert_eq!(
                t.over_limit,
                want["n_too_long"].as_u64().unwrap(),
                "{ctx}: over limit"
            );
            assert_eq!(
                c.epochs,
                want["n_epochs"].as_u64().unwrap(),
                "{ctx}: epochs"
            );
            assert_eq!(
                c.trained_tokens as u64,
                want["n_billed_tokens_total"].as_u64().unwrap(),
                "{ctx}: billed"
            );
            let d = t.per_example.unwrap();
            let w = &want["distributions"]["num_total_tokens_per_example"];
            for (k, v) in [
                ("min", d.min),
                ("p10", d.p10),
                ("median", d.median),
                ("mean", d.mean),
                ("p90", d.p90),
                ("max", d.max),
            ] {
                assert_eq!(v, w[k].as_f64().unwrap(), "{ctx}: per-example {k}");
            }
            let d = t.messages.unwrap();
            let w = &want["distributions"]["num_messages_per_example"];
            assert_eq!(d.mean, w["mean"].as_f64().unwrap(), "{ctx}: messages mean");
        }
    }
}

#[test]
fn japanese_refusals_equal_the_recipe() {
    assert_dataset_equal(
        &root().join("fixtures/japanese_refusals.jsonl"),
        "japanese_refusals",
    );
}

#[test]
fn generated_text_only_file_equals_the_recipe() {
    let clean = generate(
        "clean.jsonl",
        &["--records", "2000", "--seed", "11", "--invalid-rate", "0"],
    );
    let text = std::fs::read_to_string(&clean).unwrap();
    let text_only: String = text
        .lines()
        .filter(|l| !l.contains("\"tool_calls\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let path = clean.with_file_name("textonly.jsonl");
    std::fs::write(&path, text_only).unwrap();
    assert_dataset_equal(&path, "textonly");
}

/// Every valid example ftlint counts exactly (no tools, images or parts) has the
/// recipe's per-example total, on a file with faulty lines and tool records mixed in.
#[test]
fn generated_mixed_file_per_example_equals_the_recipe() {
    let path = generate(
        "mixed.jsonl",
        &["--records", "3000", "--seed", "7", "--invalid-rate", "0.05"],
    );
    for &(enc, model) in CASES {
        let text = std::fs::read_to_string(
            root().join(format!("tests/reference/mixed_{enc}.per_example.txt")),
        )
        .unwrap();
        let want: HashMap<u64, u64> = text
            .lines()
            .map(|l| {
                let mut it = l.split_whitespace().map(|x| x.parse::<u64>().unwrap());
                (it.next().unwrap(), it.next().unwrap())
            })
            .collect();
        let s = settings(model, Engine::Bpe);
        let tok = Counter::OpenAi(Tokenizer::new(s.engine, s.model.encoding().unwrap()));
        let source = ftlint::input::open(&path.to_string_lossy(), false).unwrap();
        let res = check_source(Arc::from("mixed"), source, &s, Some(&tok), Role::Training).unwrap();
        let mut compared = 0;
        for f in res.figures.iter().filter(|f| !f.estimated) {
            assert_eq!(
                want.get(&f.line),
                Some(&u64::from(f.total)),
                "{enc}: line {}",
                f.line
            );
            compared += 1;
        }
        // Most of the 3,000 lines are text-only and valid.
        assert!(compared > 2500, "{enc}: only {compared} examples compared");
    }
}
