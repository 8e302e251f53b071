//! ftlint on an untrusted pull request (issue 15): a report never replaces an input and
//! never half-written; the Action and the pre-commit hook take hostile file names as
//! names; config discovery stays inside the repository and names what it used; links
//! to secrets are not read.

mod common;

use common::{bin, ftlint, stderr, stdout, temp_dir};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A line ftlint reports as FT010 (and a file of one such line also gets FT070).
const BAD: &str = "{bad\n";

fn run_in(dir: &Path, args: &[&str]) -> Output {
    ftlint().current_dir(dir).args(args).output().unwrap()
}

/// Runs `cmd`, failing the test (instead of hanging it) after 20 s.
fn output_within(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("ftlint did not finish in 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

// ---- 1. outputs ----------------------------------------------------------------------

#[test]
fn a_report_never_replaces_an_input() {
    let dir = temp_dir("untrusted_same_file");
    let data = common::clean_dataset(10);
    std::fs::write(dir.join("v.jsonl"), &data).unwrap();
    std::fs::write(dir.join("t.jsonl"), common::clean_dataset(12)).unwrap();
    symlink("v.jsonl", dir.join("link.jsonl")).unwrap();
    std::fs::hard_link(dir.join("v.jsonl"), dir.join("hard.jsonl")).unwrap();

    let refused = |args: &[&str], output: &str, input: &str| {
        let o = run_in(&dir, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(
            stderr(&o),
            format!(
                "ftlint: error: -o {output} is the same file as the input {input}; refusing to write the report there\n"
            ),
            "{args:?}"
        );
        assert_eq!(stdout(&o), "", "{args:?}");
        assert_eq!(std::fs::read_to_string(dir.join("v.jsonl")).unwrap(), data);
    };
    refused(&["check", "v.jsonl", "-o", "v.jsonl"], "v.jsonl", "v.jsonl");
    refused(
        &["check", "v.jsonl", "-o", "./v.jsonl"],
        "./v.jsonl",
        "v.jsonl",
    );
    refused(
        &["check", "v.jsonl", "-o", "link.jsonl"],
        "link.jsonl",
        "v.jsonl",
    );
    refused(
        &["check", "link.jsonl", "-o", "v.jsonl"],
        "v.jsonl",
        "link.jsonl",
    );
    refused(
        &[
            "check",
            "t.jsonl",
            "-o",
            "hard.jsonl",
            "--validation-file",
            "v.jsonl",
        ],
        "hard.jsonl",
        "v.jsonl",
    );
    // Through `..`, with the long flag.
    let up = format!("../{}/v.jsonl", dir.file_name().unwrap().to_str().unwrap());
    refused(
        &[
            "check",
            "t.jsonl",
            "--output-file",
            &up,
            "--validation-file",
            "./hard.jsonl",
        ],
        &up,
        "./hard.jsonl",
    );

    // stdin that is the file, and stdout that is the file (`>> v.jsonl`).
    let o = ftlint()
        .current_dir(&dir)
        .args(["check", "-", "-o", "v.jsonl"])
        .stdin(std::fs::File::open(dir.join("v.jsonl")).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: -o v.jsonl is the same file as the input stdin; refusing to write the report there\n"
    );
    let append = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("v.jsonl"))
        .unwrap();
    let o = ftlint()
        .current_dir(&dir)
        .args(["check", "v.jsonl"])
        .stdout(append)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: stdout is the same file as the input v.jsonl; refusing to write the report there\n"
    );
    // The GitHub step summary is written too.
    let o = ftlint()
        .current_dir(&dir)
        .args(["check", "v.jsonl", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", dir.join("hard.jsonl"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is the same file as the input v.jsonl"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(dir.join("v.jsonl")).unwrap(), data);

    // Other files are fine, and the report replaces a link rather than writing through it.
    let o = run_in(
        &dir,
        &["check", "t.jsonl", "-o", "link.jsonl", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        !std::fs::symlink_metadata(dir.join("link.jsonl"))
            .unwrap()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(dir.join("link.jsonl"))
            .unwrap()
            .contains("\"t.jsonl\"")
    );
    assert_eq!(std::fs::read_to_string(dir.join("v.jsonl")).unwrap(), data);
    // A device is written, not replaced.
    let o = run_in(&dir, &["check", "t.jsonl", "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_failed_write_leaves_the_previous_report_whole() {
    let dir = temp_dir("untrusted_full_disk");
    // Thousands of findings: a report far over the 64 KiB file-size limit set below.
    std::fs::write(dir.join("bad.jsonl"), BAD.repeat(5_000)).unwrap();
    std::fs::write(dir.join("report.json"), "previous report\n").unwrap();
    // `ulimit -f` makes writes past 64 KiB fail (EFBIG) like a full disk; SIGXFSZ is
    // ignored so the write returns the error instead of killing the process.
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 64; exec '{}' check bad.jsonl --format json --max-diagnostics 0 -o report.json",
            bin()
        ))
        .current_dir(&dir)
        .env_remove("FTLINT_FORMAT")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("ftlint: error: report.json: cannot write the report: "),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("report.json")).unwrap(),
        "previous report\n"
    );
    // No temporary file left behind.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["bad.jsonl", "report.json"]);
}

// ---- 2. the Action and the pre-commit hook -------------------------------------------

/// A workspace with hostile names: `--config=evil.jsonl` next to a TOML file named
/// `evil.jsonl` that would silence everything; names with spaces, `$(...)`, newlines.
fn hostile_workspace(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir(dir.join(".git")).unwrap();
    std::fs::write(dir.join("--config=evil.jsonl"), BAD).unwrap();
    std::fs::write(dir.join("evil.jsonl"), "select = [\"FT002\"]\n").unwrap();
    std::fs::write(dir.join("two words $(touch pwned).jsonl"), BAD).unwrap();
    std::fs::write(dir.join("new\n::add-mask::line.jsonl"), BAD).unwrap();
    std::fs::write(dir.join("-q.jsonl"), BAD).unwrap();
    dir
}

fn action(dir: &Path, envs: &[(&str, &str)]) -> Output {
    let mut c = Command::new("bash");
    c.arg(common::root().join("scripts/action.sh"))
        .current_dir(dir)
        .env("FTLINT_BIN", bin())
        .env("GITHUB_WORKSPACE", dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("NO_COLOR")
        .env_remove("FTLINT_FORMAT")
        .stdin(Stdio::null());
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// `::error file=NAME,line=1,col=2,…title=FT010 …` lines, by file name as annotated.
fn annotated(out: &str, code: &str) -> Vec<String> {
    let mut files: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("::error file=") && l.contains(&format!("title={code} ")))
        .map(|l| l["::error file=".len()..l.find(",line=").unwrap()].to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn action_takes_hostile_file_names_as_names() {
    let dir = hostile_workspace("untrusted_action_names");
    let summary = dir.join("..").join(format!(
        "{}.summary.md",
        dir.file_name().unwrap().to_str().unwrap()
    ));
    let _ = std::fs::remove_file(&summary);
    let o = action(
        &dir,
        &[
            ("INPUT_FILES", "*.jsonl"),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ],
    );
    let out = stdout(&o);
    // Findings reported, step failed: `--config=evil.jsonl` was a file, not an option.
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert_eq!(
        annotated(&out, "FT010"),
        [
            "--config=evil.jsonl",
            "-q.jsonl",
            "evil.jsonl",
            r"new\n\u003a%3Aadd-mask\u003a%3Aline.jsonl",
            "two words $(touch pwned).jsonl",
        ],
        "{out}"
    );
    assert!(!dir.join("pwned").exists(), "a file name ran a command");
    assert!(out.lines().all(|l| !l.starts_with("::add-mask")), "{out}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("## ❌ ftlint: "), "{md}");
    assert!(md.contains("· no config file</sub>"), "{md}");
    let _ = std::fs::remove_file(&summary);
}

#[test]
fn action_config_input_pins_the_config() {
    let dir = hostile_workspace("untrusted_action_config");
    // The pull request's config silences everything; the pinned one (from the base
    // branch, outside the checkout) does not.
    std::fs::write(dir.join("ftlint.toml"), "select = [\"FT002\"]\n").unwrap();
    let o = action(&dir, &[("INPUT_FILES", "-q.jsonl")]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the PR's config is obeyed without a pin"
    );
    let base = temp_dir("untrusted_action_config_base").join("ftlint.toml");
    std::fs::write(&base, "deny-warnings = true\n").unwrap();
    let o = action(
        &dir,
        &[
            ("INPUT_FILES", "-q.jsonl"),
            ("INPUT_CONFIG", base.to_str().unwrap()),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(annotated(&stdout(&o), "FT010"), ["-q.jsonl"]);
}

#[test]
fn pre_commit_hook_takes_hostile_file_names_as_names() {
    let dir = hostile_workspace("untrusted_pre_commit");
    let hooks = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).unwrap();
    let value = |key: &str| {
        hooks
            .lines()
            .map(|l| l.trim_start_matches("- ").trim())
            .find_map(|l| l.strip_prefix(&format!("{key}:")))
            .unwrap()
            .trim()
            .to_string()
    };
    // pre-commit runs `entry args… files…`, the files relative to the repository root.
    let entry = value("entry");
    let args: Vec<String> = serde_json::from_str(&value("args")).unwrap();
    let mut words = entry.split_whitespace();
    assert_eq!(words.next(), Some("ftlint"));
    let o = Command::new(bin())
        .args(words)
        .args(&args)
        .args(["--config=evil.jsonl", "-q.jsonl", "evil.jsonl"])
        .current_dir(&dir)
        .env_remove("FTLINT_FORMAT")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    for f in ["--config=evil.jsonl", "-q.jsonl", "evil.jsonl"] {
        assert!(out.contains(&format!("{f}:1:")), "{f}: {out}");
    }
}

// ---- 3. config -------------------------------------------------------------------------

/// `outer/ftlint.toml` above `outer/repo` (a repository: `.git` is a file, as in a
/// worktree), with `repo/data/a.jsonl` (one FT053 warning) and `repo/zzz/b.jsonl`.
fn nested_repo(name: &str) -> PathBuf {
    let outer = temp_dir(name);
    let repo = outer.join("repo");
    for d in ["data", "zzz", "aaa"] {
        std::fs::create_dir_all(repo.join(d)).unwrap();
    }
    std::fs::write(repo.join(".git"), "gitdir: elsewhere\n").unwrap();
    std::fs::write(outer.join("ftlint.toml"), "select = [\"FT002\"]\n").unwrap();
    let mut data = common::clean_dataset(9);
    data.push_str("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"hello\"}]}\n");
    std::fs::write(repo.join("data/a.jsonl"), &data).unwrap();
    std::fs::write(repo.join("zzz/b.jsonl"), &data).unwrap();
    repo
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let repo = nested_repo("untrusted_repo_root");
    let o = run_in(
        &repo,
        &[
            "check",
            "data/a.jsonl",
            "--lint-only",
            "--format",
            "concise",
        ],
    );
    // The config above the repository (select FT002 only) is not used: FT053 shows.
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "data/a.jsonl:10:2: warning[FT053] no system message\nno errors, 1 warning\n"
    );
    let o = run_in(&repo, &["config", "data/a.jsonl"]);
    assert!(
        stdout(&o).starts_with("# config file: none found\n"),
        "{}",
        stdout(&o)
    );
    // A `.git` folder is a root too, and a config at the root is used.
    std::fs::remove_file(repo.join(".git")).unwrap();
    std::fs::create_dir(repo.join(".git")).unwrap();
    std::fs::write(repo.join("ftlint.toml"), "deny-warnings = true\n").unwrap();
    let o = run_in(
        &repo,
        &[
            "check",
            "data/a.jsonl",
            "--lint-only",
            "--format",
            "concise",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn a_new_folder_that_sorts_first_governs_nothing_else() {
    let repo = nested_repo("untrusted_common_folder");
    std::fs::write(repo.join("ftlint.toml"), "deny-warnings = true\n").unwrap();
    // The pull request adds aaa/ with a config that silences everything.
    std::fs::write(repo.join("aaa/ftlint.toml"), "select = [\"FT002\"]\n").unwrap();
    std::fs::write(repo.join("aaa/new.jsonl"), BAD).unwrap();
    let o = run_in(
        &repo,
        &[
            "check",
            "aaa/new.jsonl",
            "data/a.jsonl",
            "zzz/b.jsonl",
            "--lint-only",
            "--format",
            "concise",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("aaa/new.jsonl:1:2: error[FT010]"), "{out}");
    assert!(out.contains("data/a.jsonl:10:2: warning[FT053]"), "{out}");
    assert_eq!(
        stderr(&o),
        "ftlint: warning: aaa/ftlint.toml is not used: one config governs a run, the one found upward from the folder holding every input (--config picks one)\n"
    );
    let o = run_in(
        &repo,
        &[
            "check",
            "aaa/new.jsonl",
            "data/a.jsonl",
            "--format",
            "json",
            "--lint-only",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["config"], "ftlint.toml");
    // Alone, aaa/'s files are governed by aaa/'s config, and the report says so.
    let o = run_in(
        &repo,
        &["check", "aaa/new.jsonl", "--format", "json", "--lint-only"],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["config"], "aaa/ftlint.toml");
    assert_eq!(o.status.code(), Some(0));
    // The validation file is an input too.
    let o = run_in(
        &repo,
        &[
            "check",
            "aaa/new.jsonl",
            "--validation-file",
            "zzz/b.jsonl",
            "--format",
            "json",
            "--lint-only",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["config"], "ftlint.toml");
}

#[test]
fn every_report_names_its_config() {
    let repo = nested_repo("untrusted_config_named");
    std::fs::write(repo.join("data/.ftlint.toml"), "requests = 5\n").unwrap();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "data/a.jsonl", "--lint-only"];
        args.extend_from_slice(extra);
        stdout(&run_in(&repo, &args))
    };
    let human = check(&[]);
    assert!(
        human.contains(
            "\n  data/a.jsonl: 10 lines, 10 examples, 10 valid\n  config: data/.ftlint.toml\n"
        ),
        "{human}"
    );
    let md = check(&["--format", "markdown"]);
    assert!(
        md.ends_with("\n<sub>ftlint 0.1.0 · config `data/.ftlint.toml`</sub>\n"),
        "{md}"
    );
    let json: serde_json::Value = serde_json::from_str(&check(&["--format", "json"])).unwrap();
    assert_eq!(json["config"], "data/.ftlint.toml");
    // None used: JSON says null, Markdown says so, the human report has no config line.
    let json: serde_json::Value =
        serde_json::from_str(&check(&["--format", "json", "--isolated"])).unwrap();
    assert_eq!(json["config"], serde_json::Value::Null);
    assert!(check(&["--format", "markdown", "--isolated"]).ends_with("· no config file</sub>\n"));
    assert!(!check(&["--isolated"]).contains("config:"));
    let given = check(&["--config", "data/.ftlint.toml", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&given).unwrap();
    assert_eq!(json["config"], "data/.ftlint.toml");
}

#[test]
fn config_and_models_files_must_be_small_regular_files() {
    let dir = temp_dir("untrusted_config_files");
    std::fs::write(dir.join("a.jsonl"), common::clean_dataset(10)).unwrap();
    mkfifo(&dir.join("fifo.toml"));
    let check = |args: &[&str]| {
        let mut c = ftlint();
        c.current_dir(&dir)
            .args(["check", "a.jsonl", "--lint-only"])
            .args(args);
        output_within(c)
    };
    let cases: [(&[&str], &str); 4] = [
        (
            &["--config", "fifo.toml"],
            "ftlint: error: fifo.toml: not a regular file\n",
        ),
        (
            &["--config", "/dev/zero"],
            "ftlint: error: /dev/zero: not a regular file\n",
        ),
        (
            &["--models", "fifo.toml"],
            "ftlint: error: models file fifo.toml: not a regular file\n",
        ),
        (
            &["--models", "/dev/zero"],
            "ftlint: error: models file /dev/zero: not a regular file\n",
        ),
    ];
    for (args, want) in cases {
        let o = check(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o), want, "{args:?}");
    }
    // A config's `models` key: the same rules.
    for target in ["fifo.toml", "/dev/zero"] {
        std::fs::write(dir.join("c.toml"), format!("models = \"{target}\"\n")).unwrap();
        let o = check(&["--config", "c.toml"]);
        assert_eq!(o.status.code(), Some(2), "{target}");
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    }
    // Too large: refused with the cap, not read into memory.
    let big = std::fs::File::create(dir.join("big.toml")).unwrap();
    big.set_len(64 << 20).unwrap();
    let o = check(&["--config", "big.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: big.toml: larger than 4194304 bytes, too large for a data file\n"
    );
}

// ---- 5. symbolic links -----------------------------------------------------------------

/// A checkout whose `.git/config` holds a token, and `data/leak.jsonl -> ../.git/config`.
fn leaky_checkout(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(
        dir.join(".git/config"),
        "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic SECRET-TOKEN\n",
    )
    .unwrap();
    symlink("../.git/config", dir.join("data/leak.jsonl")).unwrap();
    std::fs::write(dir.join("data/ok.jsonl"), BAD).unwrap();
    dir
}

#[test]
fn no_follow_symlinks_reports_a_link_without_reading_it() {
    let dir = leaky_checkout("untrusted_no_follow");
    // Followed by default: this is the leak the flag exists for.
    let o = run_in(&dir, &["check", "data/leak.jsonl", "--lint-only"]);
    assert!(stdout(&o).contains("SECRET-TOKEN"), "{}", stdout(&o));

    for format in ["human", "json", "markdown", "github"] {
        let o = run_in(
            &dir,
            &[
                "check",
                "data/leak.jsonl",
                "data/ok.jsonl",
                "--no-follow-symlinks",
                "--lint-only",
                "--format",
                format,
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{format}");
        let all = stdout(&o) + &stderr(&o);
        assert!(!all.contains("SECRET"), "{format}: {all}");
        assert!(all.contains("data/ok.jsonl"), "{format}: {all}");
        assert!(
            stderr(&o).contains(
                "ftlint: error: data/leak.jsonl: is a symbolic link; not read (--no-follow-symlinks)\n"
            ),
            "{format}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn action_does_not_follow_links_out_of_the_workspace_or_into_git() {
    let dir = leaky_checkout("untrusted_action_links");
    let outside = temp_dir("untrusted_action_links_outside").join("secret.jsonl");
    std::fs::write(&outside, "SECRET-OUTSIDE\n").unwrap();
    symlink(&outside, dir.join("data/out.jsonl")).unwrap();
    symlink("ok.jsonl", dir.join("data/inside.jsonl")).unwrap();
    symlink("/nonexistent/x.jsonl", dir.join("data/dangling.jsonl")).unwrap();
    let o = action(&dir, &[("INPUT_FILES", "data/*.jsonl")]);
    let out = stdout(&o) + &stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(!out.contains("SECRET"), "{out}");
    for name in ["dangling", "leak", "out"] {
        assert!(
            out.contains(&format!(
                "::error title=ftlint::data/{name}.jsonl: a symbolic link that resolves outside the workspace or into .git; not followed, not read\n"
            )),
            "{name}: {out}"
        );
    }
    // The other files, a link inside the workspace among them, are still checked.
    assert_eq!(
        annotated(&out, "FT010"),
        ["data/inside.jsonl", "data/ok.jsonl"],
        "{out}"
    );
}
