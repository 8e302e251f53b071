//! Config files: discovery upward from the folder holding every input, precedence (flags over
//! config over defaults), `--config`, `--isolated`, unknown keys, and `ftlint config`.

mod common;

use common::{ftlint, stderr, stdout, temp_dir};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A project folder: `sub/data.jsonl` (10 examples, one without a system message, so
/// FT053 fires once on line 10) and whatever config files the test writes.
fn project(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let mut data = common::clean_dataset(9);
    data.push_str(
        "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"hello\"}]}\n",
    );
    std::fs::write(dir.join("sub/data.jsonl"), data).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// `ftlint ARGS` run inside `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    ftlint().current_dir(dir).args(args).output().unwrap()
}

fn settings(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["config", "sub/data.jsonl"];
    args.extend_from_slice(extra);
    let o = run_in(dir, &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn discovered_upward_from_the_inputs_folder() {
    let dir = project("cfg_discover");
    write(
        &dir,
        "ftlint.toml",
        "deny-warnings = true\nformat = \"concise\"\n",
    );
    let o = run_in(&dir, &["check", "sub/data.jsonl"]);
    // deny-warnings turns the FT053 warning into exit 1; format is concise.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "sub/data.jsonl:10:2: warning[FT053] no system message\nno errors, 1 warning (denied)\n"
    );
    let s = settings(&dir, &[]);
    assert!(
        s.contains("ftlint.toml (found upward from the folder holding every input)"),
        "{s}"
    );
    assert!(s.contains("deny-warnings = true"));
}

#[test]
fn nearest_folder_wins_and_dot_file_and_pyproject_count() {
    let dir = project("cfg_nearest");
    write(&dir, "ftlint.toml", "requests = 1\n");
    write(&dir.join("sub"), ".ftlint.toml", "requests = 2\n");
    assert!(settings(&dir, &[]).contains("requests = 2"));
    // In one folder ftlint.toml comes before .ftlint.toml.
    write(&dir.join("sub"), "ftlint.toml", "requests = 3\n");
    assert!(settings(&dir, &[]).contains("requests = 3"));

    let dir = project("cfg_pyproject");
    write(&dir, "ftlint.toml", "requests = 1\n");
    // A pyproject.toml without [tool.ftlint] is not a config: the search goes on up.
    write(
        &dir.join("sub"),
        "pyproject.toml",
        "[project]\nname = \"x\"\n[tool.ruff]\nline-length = 9\n",
    );
    assert!(settings(&dir, &[]).contains("requests = 1"));
    write(
        &dir.join("sub"),
        "pyproject.toml",
        "[project]\nname = \"x\"\n[tool.ftlint]\nrequests = 7\n",
    );
    let s = settings(&dir, &[]);
    assert!(
        s.contains("requests = 7") && s.contains("pyproject.toml"),
        "{s}"
    );
}

#[test]
fn flags_override_config_and_isolated_ignores_it() {
    let dir = project("cfg_precedence");
    write(
        &dir,
        "ftlint.toml",
        "model = \"gpt-4o-mini\"\nrequests = 5\nmax-diagnostics = 7\nselect = [\"FT010\"]\n",
    );
    let s = settings(&dir, &[]);
    assert!(s.contains("model = \"gpt-4o-mini-2024-07-18\""), "{s}");
    assert!(s.contains("requests = 5") && s.contains("max-diagnostics = 7"));
    assert!(
        s.contains("FT053 = \"off\""),
        "select keeps only FT010:\n{s}"
    );
    let s = settings(
        &dir,
        &[
            "--requests",
            "9",
            "--model",
            "gpt-3.5-turbo",
            "--select",
            "FT053",
        ],
    );
    assert!(
        s.contains("requests = 9") && s.contains("model = \"gpt-3.5-turbo-0125\""),
        "{s}"
    );
    assert!(
        s.contains("FT053 = \"warning\"") && s.contains("FT010 = \"off\""),
        "{s}"
    );
    let s = settings(&dir, &["--isolated"]);
    assert!(
        s.contains("# config file: none (--isolated)") && s.contains("requests = 1000"),
        "{s}"
    );
    // FTLINT_FORMAT is a flag too: it beats the config's format.
    write(&dir, "ftlint.toml", "format = \"json\"\n");
    let o = ftlint()
        .current_dir(&dir)
        .env("FTLINT_FORMAT", "concise")
        .args(["check", "sub/data.jsonl", "--lint-only"])
        .output()
        .unwrap();
    assert!(
        stdout(&o).starts_with("sub/data.jsonl:10:2: warning[FT053]"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn severity_overrides_by_code_and_name() {
    let dir = project("cfg_severity");
    write(
        &dir,
        "ftlint.toml",
        "[severity]\nFT053 = \"error\"\n\"no-user-message\" = \"off\"\n",
    );
    let o = run_in(
        &dir,
        &[
            "check",
            "sub/data.jsonl",
            "--format",
            "concise",
            "--lint-only",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("error[FT053]"), "{}", stdout(&o));
    let s = settings(&dir, &[]);
    assert!(
        s.contains("FT053 = \"error\"") && s.contains("FT054 = \"off\""),
        "{s}"
    );
    write(
        &dir,
        "ftlint.toml",
        "[severity]\nno-system-message = \"off\"\n",
    );
    let o = run_in(
        &dir,
        &[
            "check",
            "sub/data.jsonl",
            "--format",
            "concise",
            "-q",
            "--lint-only",
        ],
    );
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), String::new()));
}

#[test]
fn unknown_keys_and_bad_values_exit_2_naming_key_and_file() {
    let dir = project("cfg_unknown");
    write(&dir, "ftlint.toml", "requests = 5\nmax_diagnostics = 3\n");
    let o = run_in(&dir, &["check", "sub/data.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("ftlint.toml:2:1: invalid config: unknown field `max_diagnostics`"),
        "{e}"
    );
    assert!(
        e.contains("max-diagnostics"),
        "the message lists the valid keys: {e}"
    );

    std::fs::remove_file(dir.join("ftlint.toml")).unwrap();
    write(&dir, "pyproject.toml", "[tool.ftlint]\nbogus = 1\n");
    let o = run_in(&dir, &["check", "sub/data.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("pyproject.toml:2:1: invalid config: unknown field `bogus`"),
        "{}",
        stderr(&o)
    );

    for (text, needle) in [
        (
            "[severity]\nFT999 = \"error\"\n",
            "[severity]: unknown rule `FT999`",
        ),
        ("[severity]\nFT053 = \"fatal\"\n", "unknown variant `fatal`"),
        ("select = [\"nope\"]\n", "unknown rule `nope`"),
        ("format = \"yaml\"\n", "unknown format `yaml`"),
        ("model = \"gpt-9\"\n", "unknown model `gpt-9`"),
        ("epochs = 0\n", "`epochs` must be at least 1"),
    ] {
        write(&dir, "ftlint.toml", text);
        let o = run_in(&dir, &["check", "sub/data.jsonl"]);
        assert_eq!(o.status.code(), Some(2), "{text}");
        assert!(
            stderr(&o).contains(needle) && stderr(&o).contains("ftlint.toml"),
            "{text}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn extra_models_from_a_file_and_inline_tables() {
    let dir = project("cfg_models");
    let model = "id = \"my-model\"\nencoding = \"o200k_base\"\ntoken_limit = 1000\ntraining = 1.0\nfine_tuned_input = 2.0\nfine_tuned_output = 3.0\nbase_input = 0.5\nbase_output = 0.5\nprices_as_of = \"2030-01-01\"\n";
    std::fs::create_dir_all(dir.join("conf")).unwrap();
    write(
        &dir.join("conf"),
        "prices.toml",
        &format!("[[model]]\n{model}"),
    );
    // `models` is relative to the config file, not to the current folder.
    write(
        &dir.join("conf"),
        "ftlint.toml",
        "models = \"prices.toml\"\nmodel = \"my-model\"\n",
    );
    let s = settings(&dir, &["--config", "conf/ftlint.toml"]);
    assert!(
        s.contains("model = \"my-model\"  # prices as of 2030-01-01"),
        "{s}"
    );

    write(
        &dir,
        "ftlint.toml",
        &format!("[[model]]\n{model}bogus = 1\n"),
    );
    let o = run_in(&dir, &["config", "sub/data.jsonl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("ftlint.toml [[model]] tables: unknown field `bogus`"),
        "{}",
        stderr(&o)
    );
    write(&dir, "ftlint.toml", &format!("[[model]]\n{model}"));
    let s = settings(&dir, &["--model", "my-model"]);
    assert!(s.contains("model = \"my-model\""), "{s}");
    write(
        &dir,
        "ftlint.toml",
        &format!("model = \"my-model\"\n[[models]]\n{model}"),
    );
    let o = run_in(&dir, &["check", "sub/data.jsonl", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["cost"]["model"], "my-model");
    assert_eq!(doc["tokens"]["encoding"], "o200k_base");
}

#[test]
fn show_settings_is_ftlint_config() {
    let dir = project("cfg_show");
    write(&dir, "ftlint.toml", "epochs = 4\n");
    let a = settings(&dir, &[]);
    let o = run_in(&dir, &["check", "sub/data.jsonl", "--show-settings"]);
    assert_eq!(stdout(&o), a);
    assert!(
        a.contains("epochs = 4") && a.contains("[severity]") && a.contains("FT001 = \"error\"")
    );
    // With no config anywhere up the tree of a fresh folder... (the temp folder is inside
    // the repository, which has none either).
    let o = run_in(&dir, &["config", "--isolated"]);
    assert!(stdout(&o).starts_with("# config file: none (--isolated)\n"));
}
