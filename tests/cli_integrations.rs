//! ftlint where people run it: the pre-commit hook's entry, the GitHub Action's script,
//! and terminal manners (colour, NO_COLOR, -q, a closed pipe, the progress bar).

mod common;

use common::{KNOWN_FAULTS, bin, ftlint, root, stderr, stdout, temp_dir};
use std::io::Read;
use std::process::{Command, Stdio};

/// `key: value` of the first hook in `.pre-commit-hooks.yaml` (flat keys only).
fn hook_key(key: &str) -> String {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    text.lines()
        .map(|l| l.trim_start_matches("- ").trim())
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no `{key}` in .pre-commit-hooks.yaml"))
        .trim()
        .to_string()
}

#[test]
fn pre_commit_hook_entry_checks_the_staged_files() {
    assert_eq!(hook_key("id"), "ftlint");
    assert_eq!(hook_key("language"), "python");
    assert_eq!(hook_key("files"), r"\.jsonl$");
    let entry = hook_key("entry");
    let mut words = entry.split_whitespace();
    assert_eq!(words.next(), Some("ftlint"));
    let mut args: Vec<&str> = words.collect();
    assert_eq!(args, ["check", "--lint-only"]);
    // The hook's default args end the options: file names come after `--`.
    assert_eq!(hook_key("args"), r#"["--"]"#);
    args.push("--");

    // pre-commit appends the staged files that match `files`.
    let dir = temp_dir("pre_commit");
    std::fs::write(dir.join("a.jsonl"), common::clean_dataset(10)).unwrap();
    std::fs::write(dir.join("b.jsonl"), common::clean_dataset(12)).unwrap();
    let run = |files: &[&str]| {
        Command::new(bin())
            .args(&args)
            .args(files)
            .current_dir(&dir)
            .env_remove("NO_COLOR")
            .env_remove("FTLINT_FORMAT")
            .output()
            .unwrap()
    };
    let o = run(&["a.jsonl", "b.jsonl"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("a.jsonl: 10 lines") && stdout(&o).contains("b.jsonl: 12 lines"));
    // A bad staged file fails the commit (exit 1) and names the line.
    std::fs::write(dir.join("b.jsonl"), "{\"messages\": [}\n").unwrap();
    let o = run(&["a.jsonl", "b.jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("b.jsonl:1:"), "{}", stdout(&o));
}

#[test]
fn action_yml_runs_the_script() {
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert!(action.contains("using: composite"));
    assert!(action.contains(r#"run: bash "$GITHUB_ACTION_PATH/scripts/action.sh""#));
    for input in ["files", "args", "config", "sarif-file"] {
        assert!(action.contains(&format!("  {input}:")), "input {input}");
    }
    let script = std::fs::read_to_string(root().join("scripts/action.sh")).unwrap();
    assert!(script.contains(r#"cargo install --path "$repo" --locked"#));
}

#[test]
fn action_script_annotates_and_writes_the_step_summary() {
    let dir = temp_dir("action");
    let summary = dir.join("step_summary.md");
    let sarif = dir.join("ftlint.sarif");
    let bin_dir = std::path::Path::new(bin()).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("bash")
        .arg("scripts/action.sh")
        .current_dir(root())
        .env("FTLINT_BIN", bin())
        .env("PATH", path)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env(
            "INPUT_FILES",
            format!("{KNOWN_FAULTS}\nfixtures/japanese_refusals*.jsonl"),
        )
        .env("INPUT_ARGS", "--lint-only  --deny-warnings")
        .env("INPUT_SARIF_FILE", &sarif)
        .env_remove("NO_COLOR")
        .env_remove("FTLINT_FORMAT")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("::error ")).count(),
        4,
        "{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("::warning ")).count(),
        4
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("## ❌ ftlint: 4 errors, 4 warnings\n"),
        "{md}"
    );
    assert!(
        md.contains("| Files | 2 |") && md.contains("<details>"),
        "{md}"
    );
    assert!(md.contains("not counted (lint only)"));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 8);

    // A pattern that matches nothing is an error, not a silent pass.
    let o = Command::new("bash")
        .arg("scripts/action.sh")
        .current_dir(root())
        .env("FTLINT_BIN", bin())
        .env("INPUT_FILES", "nothing/*.jsonl")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("no file matches 'nothing/*.jsonl'"));
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let has_ansi = |args: &[&str], no_color: Option<&str>| {
        let mut c = ftlint();
        c.args(["check", KNOWN_FAULTS, "--lint-only"]).args(args);
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        stdout(&c.output().unwrap()).contains('\x1b')
    };
    // stdout is a pipe here: auto means no colour.
    assert!(!has_ansi(&[], None));
    assert!(has_ansi(&["--color", "always"], None));
    // NO_COLOR does not overrule an explicit --color always, and an empty one is unset.
    assert!(has_ansi(&["--color", "always"], Some("1")));
    assert!(!has_ansi(&["--color", "never"], None));
}

/// Runs `sh -c CMD` with a pseudo-terminal as stdin/stdout/stderr (util-linux `script`),
/// returning what the terminal showed; None when `script` is not installed.
fn in_terminal(cmd: &str, envs: &[(&str, &str)]) -> Option<String> {
    let probe = Command::new("script").arg("--version").output();
    if probe.is_err() {
        eprintln!("`script` is not installed: terminal checks skipped");
        return None;
    }
    let mut c = Command::new("script");
    c.args(["-qec", cmd, "/dev/null"])
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("FTLINT_FORMAT")
        .stdin(Stdio::null());
    for (k, v) in envs {
        c.env(k, v);
    }
    Some(String::from_utf8_lossy(&c.output().unwrap().stdout).into_owned())
}

#[test]
fn color_on_a_terminal_unless_no_color_or_a_file() {
    let cmd = format!("{} check {KNOWN_FAULTS} --lint-only", bin());
    let Some(tty) = in_terminal(&cmd, &[]) else {
        return;
    };
    assert!(tty.contains('\x1b'), "a terminal gets colour: {tty}");
    let plain = in_terminal(&cmd, &[("NO_COLOR", "1")]).unwrap();
    assert!(!plain.contains("\x1b[3"), "NO_COLOR: {plain}");
    let empty = in_terminal(&cmd, &[("NO_COLOR", "")]).unwrap();
    assert!(empty.contains('\x1b'), "an empty NO_COLOR is unset");
    // -o FILE: colour is decided for the file, not for the terminal.
    let dir = temp_dir("color_file");
    let file = dir.join("report.txt");
    in_terminal(&format!("{cmd} -o {}", file.display()), &[]).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("4 errors") && !text.contains('\x1b'),
        "{text}"
    );
}

#[test]
fn progress_bar_only_for_long_human_runs_on_a_terminal() {
    let dir = temp_dir("progress");
    let big = dir.join("big.jsonl");
    // Just over the 64 MiB threshold, sparse and one line: quick to create and to check.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(65 << 20)
        .unwrap();
    let cmd = |extra: &str| {
        format!(
            "{} check {} --lint-only --select FT010 {extra}",
            bin(),
            big.display()
        )
    };
    let Some(human) = in_terminal(&cmd(""), &[]) else {
        return;
    };
    assert!(human.contains("MiB"), "a bar with bytes done: {human}");
    for extra in ["--format json", "-q", "--format concise"] {
        let out = in_terminal(&cmd(extra), &[]).unwrap();
        assert!(!out.contains("MiB"), "{extra}: {out}");
    }
    // stderr not a terminal: no bar even for the human format.
    let o = ftlint()
        .args([
            "check",
            big.to_str().unwrap(),
            "--lint-only",
            "--select",
            "FT010",
        ])
        .output()
        .unwrap();
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let _ = std::fs::remove_file(&big);
}

#[test]
fn quiet_prints_findings_only() {
    let o = ftlint()
        .args(["check", KNOWN_FAULTS, "-q"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.contains("FT010(invalid-json)"));
    assert!(
        !out.contains("3 errors") && !out.contains("Tokens ("),
        "{out}"
    );
    let o = ftlint()
        .args(["check", KNOWN_FAULTS, "-q", "--format", "concise"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o).lines().count(), 8);
}

#[test]
fn a_closed_stdout_ends_quietly_with_the_findings_exit_code() {
    let dir = temp_dir("closed_pipe");
    let file = dir.join("many.jsonl");
    // Far more output than a pipe buffers, so ftlint writes after the reader is gone.
    std::fs::write(&file, "{oops\n".repeat(20_000)).unwrap();
    let mut child = ftlint()
        .args([
            "check",
            file.to_str().unwrap(),
            "--format",
            "concise",
            "--max-diagnostics",
            "0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    // Quiet, and the exit code is still the findings' (errors: 1), as ripgrep does.
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
    // The same with a clean file: 0.
    let mut child = ftlint()
        .args([
            "check",
            "fixtures/japanese_refusals.jsonl",
            "--format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
}

/// A report that could not be written is a failure (exit 2) with a message, never a
/// success CI would trust: stdout on a full device, and `-o` on one.
#[test]
fn a_failed_write_is_exit_2() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    for (format, clean) in [("json", true), ("human", true), ("sarif", false)] {
        let input = if clean {
            "fixtures/japanese_refusals.jsonl"
        } else {
            KNOWN_FAULTS
        };
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = ftlint()
            .args(["check", input, "--format", format])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{format}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot write the report"),
            "{format}: {}",
            stderr(&o)
        );
        let o = ftlint()
            .args(["check", input, "--format", format, "-o", "/dev/full"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{format} -o: {}", stderr(&o));
        assert!(stderr(&o).contains("/dev/full"), "{}", stderr(&o));
    }
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = ftlint()
        .args(["rule", "--all"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
