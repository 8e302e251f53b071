//! Open-weight models from the CLI: `--tokenizer-path`, the local Hugging Face cache,
//! what a user sees when the tokenizer is missing or broken, and `ftlint models`.
//! That the counts equal `transformers` is proven in `tests/hf_reference.rs` (which also
//! runs the CLI on these fixtures); here the figures are pinned as users read them.

mod common;
use common::{ftlint, root, run, stderr, stdout, temp_dir};
use serde_json::Value;
use std::path::{Path, PathBuf};

const QWEN3: &str = "../shared/tokenizers/qwen3";
const TOGETHER_QWEN3: &[&str] = &["--provider", "together", "--model", "Qwen/Qwen3-8B"];

fn qwen3() -> PathBuf {
    let d = root().join(QWEN3);
    assert!(
        d.join("tokenizer.json").is_file(),
        "{} is missing: the tests need ../shared beside the repository",
        d.display()
    );
    d
}

fn json(args: &[&str]) -> (Value, i32) {
    let o = run(args);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&o), stderr(&o)));
    (v, o.status.code().unwrap())
}

/// A Hugging Face hub cache holding Qwen/Qwen3-8B as `huggingface_hub` lays it out.
fn hub_cache(name: &str) -> PathBuf {
    let cache = temp_dir(name);
    common::hf_hub_cache(&cache, "Qwen/Qwen3-8B", &qwen3());
    cache
}

#[test]
fn tokenizer_path_counts_and_prices_a_together_qwen3_job() {
    qwen3();
    let mut args = vec!["check", "fixtures/japanese_refusals.jsonl"];
    args.extend_from_slice(TOGETHER_QWEN3);
    args.extend_from_slice(&["--tokenizer-path", QWEN3, "--format", "json"]);
    let (doc, code) = json(&args);
    assert_eq!(code, 0);
    let t = &doc["tokens"];
    assert_eq!(t["total"], 543);
    assert_eq!(t["encoding"], QWEN3);
    assert_eq!(t["engine"], "tokenizers");
    assert_eq!(t["estimated"], false);
    // Qwen3's template: the user turn, then `<think>\n\n</think>\n\n` and the reply.
    assert_eq!(t["trained"]["min"], 14.0);
    assert_eq!(t["limit"], 40960);
    assert!(doc.get("tokens_unavailable").is_none());
    // 543 tokens × 1 epoch at Together's $0.48/1M (an estimate, and marked so).
    assert_eq!(doc["cost"]["trained_tokens"], 543);
    assert_eq!(doc["cost"]["training_usd"], 0.00026064);
    assert_eq!(doc["cost"]["prices_confirmed"], false);
}

#[test]
fn the_human_report_names_the_tokenizer_and_the_cost() {
    qwen3();
    let mut args = vec!["check", "fixtures/japanese_refusals.jsonl"];
    args.extend_from_slice(TOGETHER_QWEN3);
    args.extend_from_slice(&["--tokenizer-path", QWEN3]);
    let o = run(&args);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("Tokens (../shared/tokenizers/qwen3, tokenizers, exact; valid examples only)"),
        "{out}"
    );
    assert!(
        out.contains(
            "1 epoch × 543 tokens = 543 trained tokens → $0.00026 ($0.48/1M tokens = $0.00048/1K)"
        ),
        "{out}"
    );
}

#[test]
fn every_format_is_counted_with_the_model_tokenizer() {
    qwen3();
    for (fixture, total) in [
        ("fixtures/valid_preference.jsonl", 418),
        ("fixtures/valid_text_together.jsonl", 221),
        ("fixtures/legacy_prompt_completion_valid.jsonl", 143),
    ] {
        let mut args = vec!["check", fixture];
        args.extend_from_slice(TOGETHER_QWEN3);
        args.extend_from_slice(&["--tokenizer-path", QWEN3, "--format", "json"]);
        let (doc, code) = json(&args);
        assert_eq!(code, 0, "{fixture}: {doc}");
        assert_eq!(doc["tokens"]["total"], total, "{fixture}");
    }
}

#[test]
fn the_hf_cache_is_found_as_huggingface_hub_lays_it_out() {
    let cache = hub_cache("hf-cache-found");
    let mut args = vec!["check", "fixtures/japanese_refusals.jsonl"];
    args.extend_from_slice(TOGETHER_QWEN3);
    args.extend_from_slice(&["--format", "json"]);
    let o = ftlint()
        .args(&args)
        .env("HF_HUB_CACHE", &cache)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(doc["tokens"]["total"], 543);
    assert_eq!(doc["tokens"]["encoding"], "hf:Qwen/Qwen3-8B");
    // HF_HOME/hub is the next place looked at.
    let home = temp_dir("hf-home");
    std::fs::rename(&cache, home.join("hub")).unwrap();
    let o = ftlint()
        .args(&args)
        .env_remove("HF_HUB_CACHE")
        .env("HF_HOME", &home)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["tokens"]["total"], 543);
}

#[test]
fn a_missing_tokenizer_says_how_to_fetch_it_and_linting_goes_on() {
    let mut args = vec!["check", "fixtures/formats_known_faults.jsonl"];
    args.extend_from_slice(TOGETHER_QWEN3);
    args.extend_from_slice(&["--format", "json"]);
    let (doc, code) = json(&args);
    assert_eq!(code, 1, "the known faults are still reported");
    assert!(doc["diagnostics"].as_array().unwrap().len() > 3);
    assert!(doc["tokens"].is_null());
    let why = doc["tokens_unavailable"].as_str().unwrap();
    assert!(
        why.contains(
            "fetch it with: huggingface-cli download Qwen/Qwen3-8B tokenizer.json tokenizer_config.json"
        ),
        "{why}"
    );
    assert!(why.contains("--tokenizer-path DIR"), "{why}");
}

#[test]
fn a_model_outside_the_catalog_is_counted_but_not_priced() {
    qwen3();
    let (doc, code) = json(&[
        "check",
        "fixtures/japanese_refusals.jsonl",
        "--tokenizer-path",
        QWEN3,
        "--model",
        "my-org/my-qwen3-finetune",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(
        doc["cost_unavailable"],
        "my-org/my-qwen3-finetune has no prices: it is not in OpenAI's catalog (counted with its tokenizer folder); give its prices with --models FILE"
    );
    assert_eq!(doc["tokens"]["total"], 543);
    // model_max_length of the folder's tokenizer_config.json.
    assert_eq!(doc["tokens"]["limit"], 131072);
    assert!(doc["cost"].is_null(), "{}", doc["cost"]);
    // Without --model, the folder names the model.
    let (doc, _) = json(&[
        "check",
        "fixtures/japanese_refusals.jsonl",
        "--tokenizer-path",
        QWEN3,
        "--format",
        "json",
    ]);
    assert!(
        doc["cost_unavailable"]
            .as_str()
            .unwrap()
            .starts_with("qwen3 has no prices")
    );
    assert_eq!(doc["tokens"]["total"], 543);
}

#[test]
fn a_record_the_template_refuses_is_ft068_with_the_template_line() {
    qwen3();
    let mut args = vec!["check", "fixtures/rules/FT068_chat_template_error.jsonl"];
    args.extend_from_slice(TOGETHER_QWEN3);
    args.extend_from_slice(&["--tokenizer-path", QWEN3, "--format", "concise"]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "fixtures/rules/FT068_chat_template_error.jsonl:6:2: error[FT068] Qwen/Qwen3-8B's chat template fails on this record: tried to use + operator on unsupported types string and undefined (chat template line 43)\n1 error, no warnings\n"
    );
}

fn broken_folder(name: &str, tokenizer: &str, config: &str) -> PathBuf {
    let d = temp_dir(name);
    std::fs::write(d.join("tokenizer.json"), tokenizer).unwrap();
    std::fs::write(d.join("tokenizer_config.json"), config).unwrap();
    d
}

fn exit_2(dir: &Path) -> String {
    let o = run(&[
        "check",
        "fixtures/japanese_refusals.jsonl",
        "--tokenizer-path",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stdout(&o).is_empty());
    stderr(&o)
}

#[test]
fn a_broken_tokenizer_folder_is_exit_2_naming_the_file_and_fault() {
    let tokenizer = std::fs::read_to_string(qwen3().join("tokenizer.json")).unwrap();
    let d = broken_folder("hf-bad-json", "{\"version\": ", "{}");
    let err = exit_2(&d);
    assert!(
        err.contains(&format!(
            "{}: not a usable tokenizer",
            d.join("tokenizer.json").display()
        )),
        "{err}"
    );

    let d = broken_folder(
        "hf-bad-template",
        &tokenizer,
        r#"{"chat_template": "{% for m in messages %}\n{{ m.content }\n{% endfor %}"}"#,
    );
    let err = exit_2(&d);
    assert!(
        err.contains(&format!(
            "{}: chat template line 2: ",
            d.join("tokenizer_config.json").display()
        )),
        "{err}"
    );

    // A template that would spend its whole budget on every record is refused once.
    let d = broken_folder(
        "hf-runaway-template",
        &tokenizer,
        r#"{"chat_template": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}{{ messages[0].content }}"}"#,
    );
    let err = exit_2(&d);
    assert!(
        err.contains("the chat template does not finish on a three-message conversation (it ran out of fuel: 10000000 steps); ftlint will not run it"),
        "{err}"
    );

    let d = temp_dir("hf-empty");
    let err = exit_2(&d);
    assert!(
        err.contains(&d.join("tokenizer.json").display().to_string()),
        "{err}"
    );

    // A FIFO would block a reader forever, /dev/zero never end: neither is read.
    let d = temp_dir("hf-fifo");
    let fifo = d.join("tokenizer.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let err = exit_2(&d);
    assert!(
        err.contains(&format!("{}: not a regular file", fifo.display())),
        "{err}"
    );
    // The config too, and before anything reads it (it once hung even with --lint-only,
    // when the folder named the model).
    let d = temp_dir("hf-fifo-config");
    std::fs::copy(qwen3().join("tokenizer.json"), d.join("tokenizer.json")).unwrap();
    let fifo = d.join("tokenizer_config.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let err = exit_2(&d);
    assert!(
        err.contains(&format!("{}: not a regular file", fifo.display())),
        "{err}"
    );
    let o = ftlint()
        .args([
            "check",
            "fixtures/japanese_refusals.jsonl",
            "--lint-only",
            "--tokenizer-path",
        ])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let d = temp_dir("hf-dev-zero");
    std::os::unix::fs::symlink("/dev/zero", d.join("tokenizer.json")).unwrap();
    let err = exit_2(&d);
    assert!(err.contains("tokenizer.json: not a regular file"), "{err}");

    // Linting only never reads the folder.
    let o = run(&[
        "check",
        "fixtures/japanese_refusals.jsonl",
        "--lint-only",
        "--tokenizer-path",
        d.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn models_shows_which_tokenizers_are_found_locally() {
    let cache = hub_cache("hf-cache-models");
    let o = ftlint()
        .args(["models", "--provider", "together"])
        .env("HF_HUB_CACHE", &cache)
        .output()
        .unwrap();
    let out = stdout(&o);
    let row = |id: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no row for {id}:\n{out}"))
            .to_string()
    };
    assert!(
        row("Qwen/Qwen3-8B").contains("hf:Qwen/Qwen3-8B (found)"),
        "{out}"
    );
    assert!(
        row("Qwen/Qwen3-32B").contains("hf:Qwen/Qwen3-32B (not found)"),
        "{out}"
    );
    assert!(out.contains(&format!(
        "(not found): the model's tokenizer is not in the local Hugging Face cache ({})",
        cache.display()
    )));
    let o = ftlint()
        .args(["models", "--provider", "together", "--format", "json"])
        .env("HF_HUB_CACHE", &cache)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(String, Value)> = doc["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_string(),
                m["tokenizer_found"].clone(),
            )
        })
        .collect();
    assert!(
        found.contains(&("Qwen/Qwen3-8B".into(), Value::Bool(true))),
        "{found:?}"
    );
    assert!(
        found.contains(&("Qwen/Qwen3-32B".into(), Value::Bool(false))),
        "{found:?}"
    );
}

#[test]
fn counts_are_the_same_whatever_the_thread_count() {
    qwen3();
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let o = ftlint()
            .args([
                "check",
                "fixtures/valid_weighted_multiturn.jsonl",
                "fixtures/japanese_refusals.jsonl",
            ])
            .args(TOGETHER_QWEN3)
            .args(["--tokenizer-path", QWEN3, "--format", "json"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        outs.push(o.stdout);
    }
    assert_eq!(outs[0], outs[1]);
}
