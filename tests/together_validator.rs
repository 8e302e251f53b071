//! ftlint's `--provider together` verdicts against Together AI's own validator, run for
//! real: `together.utils.check_file` from the PyPI package `together==1.5.34`, which
//! this test installs itself into a venv cached in the build folder
//! (`target/peer-venvs/together-1.5.34`; the first, cold install takes about a minute
//! and a half). No copy of Together's rules lives here: `tests/peers/together_check.py`
//! only calls `check_file` and prints its verdict.
//!
//! Each case is one small JSONL file written by the test, named for the one thing it
//! tests, with the verdict Together's checker gives it. The test asserts that Together
//! gives that verdict (so every case still tests what its name says), and that
//! ftlint's exit code agrees (0 ⇔ `is_check_passed`) — except for the cases in
//! `KNOWN_DIFFERENCES`, where it asserts that ftlint gives exactly the other verdict,
//! so the test fails when either side changes.

mod common;

use common::{TempDir, ftlint, root};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The pinned reference: the last 1.5.x client with the full client-side checks
/// (2.x/3.x only check UTF-8 and one JSON object per line).
const TOGETHER: &str = "together==1.5.34";
const TOGETHER_VERSION: &str = "1.5.34";

/// A 2x1 PNG, as a data URL Together accepts.
const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAC0lEQVR4nGNgAAMAAAcAAbKGrPQAAAAASUVORK5CYII=";

/// The vision model the image cases are checked for: ftlint checks a file against the
/// job's model, and the default (Qwen/Qwen3-8B) takes no images.
const VLM: &str = "Qwen/Qwen3-VL-8B-Instruct";

/// (file name, contents, Together's verdict: true = `is_check_passed`, the error ftlint
/// must give for the case's fault: "" for a valid file).
fn cases() -> Vec<(&'static str, String, bool, &'static str)> {
    let sys = r#"{"role": "system", "content": "Be brief."}"#;
    let user = r#"{"role": "user", "content": "Capital of France?"}"#;
    let asst = r#"{"role": "assistant", "content": "Paris."}"#;
    let chat = |msgs: &[&str]| format!("{{\"messages\": [{}]}}\n", msgs.join(", "));
    let pref = |input: &[&str], preferred: &str, rejected: &str| {
        format!(
            "{{\"input\": {{\"messages\": [{}]}}, \"preferred_output\": [{preferred}], \"non_preferred_output\": [{rejected}]}}\n",
            input.join(", ")
        )
    };
    let rejected = r#"{"role": "assistant", "content": "London."}"#;
    let image_user = |url: &str| {
        format!(
            r#"{{"role": "user", "content": [{{"type": "text", "text": "What colour is it?"}}, {{"type": "image_url", "image_url": {{"url": "{url}"}}}}]}}"#
        )
    };
    let list_sys = r#"{"role": "system", "content": [{"type": "text", "text": "Be brief."}]}"#;
    let list_asst = r#"{"role": "assistant", "content": [{"type": "text", "text": "Black."}]}"#;
    let list_user =
        r#"{"role": "user", "content": [{"type": "text", "text": "Capital of France?"}]}"#;
    let prompt_completion = "{\"prompt\": \"Capital of France?\", \"completion\": \"Paris.\"}\n";

    vec![
        ("valid_chat", chat(&[sys, user, asst]), true, ""),
        (
            "valid_preference",
            pref(&[sys, user], asst, rejected),
            true,
            "",
        ),
        (
            "valid_prompt_completion",
            prompt_completion.to_string(),
            true,
            "",
        ),
        (
            "valid_text",
            "{\"text\": \"The tokenizer split the sentence into pieces.\"}\n".to_string(),
            true,
            "",
        ),
        (
            "valid_image_base64_in_user_message",
            chat(&[list_sys, &image_user(PNG), list_asst]),
            true,
            "",
        ),
        (
            "image_with_default_text_model",
            chat(&[list_sys, &image_user(PNG), list_asst]),
            true,
            "FT066",
        ),
        (
            "extra_top_level_key",
            format!("{{\"messages\": [{user}, {asst}], \"id\": 7}}\n"),
            false,
            "FT014",
        ),
        (
            "roles_not_alternating_two_users",
            chat(&[user, user, asst]),
            false,
            "FT056",
        ),
        (
            "invalid_role_human",
            chat(&[
                r#"{"role": "human", "content": "Capital of France?"}"#,
                asst,
            ]),
            false,
            "FT025",
        ),
        (
            "weight_2",
            chat(&[
                user,
                r#"{"role": "assistant", "content": "Paris.", "weight": 2}"#,
            ]),
            false,
            "FT030",
        ),
        (
            "weight_string_1",
            chat(&[
                user,
                r#"{"role": "assistant", "content": "Paris.", "weight": "1"}"#,
            ]),
            false,
            "FT030",
        ),
        (
            "weight_on_user_message",
            chat(&[
                r#"{"role": "user", "content": "Capital of France?", "weight": 0}"#,
                asst,
            ]),
            true,
            "",
        ),
        ("no_assistant_message", chat(&[sys, user]), false, "FT050"),
        ("empty_messages", chat(&[]), false, "FT022"),
        (
            "content_a_number",
            chat(&[r#"{"role": "user", "content": 42}"#, asst]),
            false,
            "FT027",
        ),
        (
            "image_in_assistant_message",
            chat(&[
                list_user,
                &format!(
                    r#"{{"role": "assistant", "content": [{{"type": "image_url", "image_url": {{"url": "{PNG}"}}}}]}}"#
                ),
            ]),
            false,
            "FT080",
        ),
        (
            "image_as_https_url",
            chat(&[
                list_sys,
                &image_user("https://example.com/cat.png"),
                list_asst,
            ]),
            false,
            "FT080",
        ),
        (
            "mixed_string_and_list_content",
            chat(&[list_user, asst]),
            false,
            "FT059",
        ),
        (
            "preference_two_preferred_outputs",
            pref(&[user], &format!("{asst}, {asst}"), rejected),
            false,
            "FT063",
        ),
        (
            "preference_input_ends_with_assistant",
            pref(&[user, asst, user, rejected], asst, rejected),
            false,
            "FT063",
        ),
        (
            "mixed_chat_and_prompt_completion",
            chat(&[user, asst]) + prompt_completion,
            false,
            "FT061",
        ),
        ("empty_file", String::new(), false, "FT008"),
        (
            "invalid_json_line",
            chat(&[user, asst]) + "{\"messages\": [}\n",
            false,
            "FT010",
        ),
    ]
}

/// Cases where ftlint and Together's 1.5.34 client legitimately disagree:
/// (case, ftlint passes?, why). Every other case must agree.
const KNOWN_DIFFERENCES: &[(&str, bool, &str)] = &[(
    "image_with_default_text_model",
    false,
    "check_file knows no model; ftlint checks for the job's model (default Qwen/Qwen3-8B), \
     which takes no images: docs.together.ai/docs/fine-tuning-vlm lists the models that do (FT066)",
)];

/// A Python with `together==1.5.34`, made once and kept in the build folder. A failed
/// install fails the test with pip's output; it never skips.
fn together_python() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target folder")
        .to_path_buf();
    let venvs = target.join("peer-venvs");
    let venv = venvs.join(format!("together-{TOGETHER_VERSION}"));
    let python = venv.join("bin/python");
    if has_together(&python) {
        return python;
    }
    // Build beside the final place and rename it in, so an interrupted install (or a
    // concurrent run) never leaves a half-made venv under the cached name.
    std::fs::create_dir_all(&venvs).unwrap();
    let staging = venvs.join(format!(
        "together-{TOGETHER_VERSION}.partial-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    let started = std::time::Instant::now();
    let out = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&staging)
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs (the test needs it to make a venv)");
    assert!(
        out.status.success(),
        "python3 -m venv {} failed:\n{}{}",
        staging.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(staging.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            TOGETHER,
        ])
        .stdin(Stdio::null())
        .output()
        .expect("the venv's python runs pip");
    assert!(
        out.status.success(),
        "pip install {TOGETHER} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&venv);
    if std::fs::rename(&staging, &venv).is_err() {
        // Another run got there first; use its venv.
        let _ = std::fs::remove_dir_all(&staging);
    }
    eprintln!(
        "installed {TOGETHER} into {} in {:.0?}",
        venv.display(),
        started.elapsed()
    );
    assert!(
        has_together(&python),
        "{} has no importable {TOGETHER}",
        venv.display()
    );
    python
}

fn has_together(python: &Path) -> bool {
    python.exists()
        && Command::new(python)
            .args([
                "-c",
                &format!(
                    "import importlib.metadata as m, together.utils; assert m.version('together') == '{TOGETHER_VERSION}'"
                ),
            ])
            .env("TOGETHER_NO_BANNER", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// Together's verdict and message for each path, in order, from one Python run.
fn together_verdicts(python: &Path, paths: &[PathBuf]) -> Vec<(bool, String)> {
    let out = Command::new(python)
        .arg(root().join("tests/peers/together_check.py"))
        .args(paths)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "tests/peers/together_check.py failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), paths.len(), "one verdict per file:\n{stdout}");
    lines
        .iter()
        .zip(paths)
        .map(|(v, p)| {
            assert_eq!(v["path"], p.to_string_lossy().as_ref());
            assert_eq!(v["version"], TOGETHER_VERSION);
            (
                v["passed"].as_bool().unwrap(),
                v["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// ftlint's verdict (exit 0) and the codes of its errors. Files holding images are
/// checked for a vision model, except the case that tests exactly that.
fn ftlint_verdict(name: &str, text: &str, path: &Path) -> (bool, Vec<String>) {
    let mut cmd = ftlint();
    cmd.arg("check")
        .arg(path)
        .args(["--provider", "together", "--format", "json", "--lint-only"]);
    if text.contains("image_url") && name != "image_with_default_text_model" {
        cmd.args(["--model", VLM]);
    }
    let out = cmd.output().unwrap();
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "ftlint exited {code:?} on {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut errors: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    errors.sort();
    errors.dedup();
    (code == Some(0), errors)
}

#[test]
fn ftlint_agrees_with_together_check_file() {
    let python = together_python();
    let dir = TempDir::new("together-validator");
    let cases = cases();
    let paths: Vec<PathBuf> = cases
        .iter()
        .map(|(name, text, _, _)| {
            // check_file looks at the extension: it must be .jsonl.
            let p = dir.path(&format!("{name}.jsonl"));
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect();
    let together = together_verdicts(&python, &paths);

    for &(name, _, _) in KNOWN_DIFFERENCES {
        assert!(
            cases.iter().any(|c| c.0 == name),
            "KNOWN_DIFFERENCES names {name}, which is no case"
        );
    }
    let mut failures = Vec::new();
    eprintln!("{:<40} {:<22} {:<8} agree", "case", "ftlint", "together");
    for (((name, text, expected, code), path), (t_pass, t_msg)) in
        cases.iter().zip(&paths).zip(&together)
    {
        let (f_pass, f_errors) = ftlint_verdict(name, text, path);
        // Each failing case fails for its own fault, not a side effect (FT070 follows
        // any invalid example in a one-example file).
        if !code.is_empty() && !f_errors.iter().any(|e| e == code) {
            failures.push(format!(
                "{name}: ftlint gives no {code} (errors {f_errors:?})"
            ));
        }
        let show = |pass: bool| if pass { "pass" } else { "fail" };
        eprintln!(
            "{name:<40} {:<22} {:<8} {}",
            format!("{} {}", show(f_pass), f_errors.join(",")),
            show(*t_pass),
            if f_pass == *t_pass { "yes" } else { "NO" }
        );
        if t_pass != expected {
            failures.push(format!(
                "{name}: together {TOGETHER_VERSION} says {} ({t_msg}); the case expects {}",
                show(*t_pass),
                show(*expected)
            ));
        }
        let want = match KNOWN_DIFFERENCES.iter().find(|k| k.0 == *name) {
            Some(&(_, f_want, why)) => {
                if f_want == *t_pass {
                    failures.push(format!("{name}: listed as a known difference ({why}) but the two verdicts would agree"));
                }
                f_want
            }
            None => *t_pass,
        };
        if f_pass != want {
            failures.push(format!(
                "{name}: ftlint {} (errors {f_errors:?}), expected {}; together {TOGETHER_VERSION}: {} ({t_msg})",
                show(f_pass),
                show(want),
                show(*t_pass)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
