//! `--baseline FILE` and `--baseline-rev REV`: only what a change introduces is
//! reported and decides the exit code; the report says what the change did.

mod common;

use common::{TempDir, example, ftlint, stderr, stdout};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn json(dir: &Path, args: &[&str]) -> (Value, i32) {
    let o = ftlint()
        .current_dir(dir)
        .args(["check", "--isolated", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    (v, o.status.code().unwrap())
}

fn lines(xs: &[String]) -> String {
    xs.iter().map(|x| format!("{x}\n")).collect()
}

/// 12 clean examples, one old invalid-JSON line and one old no-system-message record.
fn base_lines() -> Vec<String> {
    let mut v: Vec<String> = (0..12).map(example).collect();
    v.push("old broken line".to_string());
    v.push(r#"{"messages": [{"role": "user", "content": "old"}, {"role": "assistant", "content": "x"}]}"#.to_string());
    v
}

fn codes(v: &Value) -> Vec<(u64, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn counts_the_change_and_reports_only_new_findings() {
    let dir = TempDir::new("baseline-arith");
    let base = base_lines();
    // HEAD: drops examples 0 and 1, keeps the old faults, adds 3 examples, one new
    // broken line, one new record without a system message, and a copy of example 5.
    let mut head: Vec<String> = base[2..].to_vec();
    head.extend((100..103).map(example));
    head.push("new broken line".to_string());
    head.push(r#"{"messages": [{"role": "user", "content": "new"}, {"role": "assistant", "content": "y"}]}"#.to_string());
    head.push(example(5));
    std::fs::write(dir.path("base.jsonl"), lines(&base)).unwrap();
    std::fs::write(dir.path("head.jsonl"), lines(&head)).unwrap();

    let (v, code) = json(&dir.0, &["head.jsonl", "--baseline", "base.jsonl"]);
    let b = &v["baseline"];
    assert_eq!(b["path"], "base.jsonl");
    // Records that parse: base 13, HEAD 16 (one is a second copy of example 5).
    assert_eq!(b["examples_unchanged"], 11, "{b}");
    assert_eq!(b["examples_removed"], 2, "{b}");
    assert_eq!(b["examples_added"], 5, "{b}");
    // New: the broken line (FT010), the record with no system message (FT053), the
    // copy of example 5 (FT071). The old FT010 and FT053 are not repeated.
    let new_line = head.len() as u64 - 2;
    assert_eq!(
        codes(&v),
        vec![
            (new_line, "FT010".to_string()),
            (new_line + 1, "FT053".to_string()),
            (new_line + 2, "FT071".to_string()),
        ]
    );
    assert_eq!(b["new_findings"], 3);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(code, 1, "the new FT010 fails the run");
    // The old faults are still there: nothing fixed.
    assert_eq!(b["fixed_findings"], 0);

    // Deltas are HEAD minus BASE, each checked on its own.
    let (h, _) = json(&dir.0, &["head.jsonl"]);
    let (s, _) = json(&dir.0, &["base.jsonl"]);
    let tokens = |v: &Value| v["tokens"]["total"].as_i64().unwrap();
    assert_eq!(b["tokens_delta"].as_i64().unwrap(), tokens(&h) - tokens(&s));
    let usd = |v: &Value| v["cost"]["training_usd"].as_f64().unwrap();
    let delta = b["training_usd_delta"].as_f64().unwrap();
    assert!((delta - (usd(&h) - usd(&s))).abs() < 1e-9, "{delta}");
}

#[test]
fn old_faults_alone_pass_and_fixing_them_is_counted() {
    let dir = TempDir::new("baseline-fixed");
    let base = base_lines();
    std::fs::write(dir.path("base.jsonl"), lines(&base)).unwrap();
    // Same file with one more clean example: old faults only, so exit 0.
    let mut head = base.clone();
    head.push(example(50));
    std::fs::write(dir.path("head.jsonl"), lines(&head)).unwrap();
    let (v, code) = json(&dir.0, &["head.jsonl", "--baseline", "base.jsonl"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["errors"], 0);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0);
    assert_eq!(v["baseline"]["examples_added"], 1);

    // Both faulty lines removed: two findings fixed, none new.
    std::fs::write(dir.path("fixed.jsonl"), lines(&base[..12])).unwrap();
    let (v, code) = json(&dir.0, &["fixed.jsonl", "--baseline", "base.jsonl"]);
    assert_eq!(code, 0);
    assert_eq!(v["baseline"]["fixed_findings"], 2, "{v}");
    assert_eq!(v["baseline"]["new_findings"], 0);
    assert_eq!(v["baseline"]["examples_removed"], 1);
}

#[test]
fn file_level_findings_the_baseline_had_are_not_repeated() {
    let dir = TempDir::new("baseline-file");
    let crlf = |xs: &[String]| xs.iter().map(|x| format!("{x}\r\n")).collect::<String>();
    let base: Vec<String> = (0..12).map(example).collect();
    let mut head = base.clone();
    head.push(example(20));
    std::fs::write(dir.path("base.jsonl"), crlf(&base)).unwrap();
    std::fs::write(dir.path("head.jsonl"), crlf(&head)).unwrap();
    let (v, _) = json(&dir.0, &["head.jsonl", "--baseline", "base.jsonl"]);
    assert!(codes(&v).is_empty(), "FT003 repeated: {v}");
    // Against a baseline without CRLF, the file-level finding is new.
    std::fs::write(dir.path("lf.jsonl"), lines(&base)).unwrap();
    let (v, _) = json(&dir.0, &["head.jsonl", "--baseline", "lf.jsonl"]);
    assert_eq!(
        codes(&v).iter().map(|c| c.1.as_str()).collect::<Vec<_>>(),
        ["FT003"]
    );
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .output()
        .expect("git must be installed to test --baseline-rev");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn baseline_rev_reads_each_input_at_the_revision() {
    let dir = TempDir::new("baseline-rev");
    git(&dir.0, &["init", "-q"]);
    std::fs::create_dir_all(dir.path("data")).unwrap();
    std::fs::write(dir.path("data/train.jsonl"), lines(&base_lines())).unwrap();
    git(&dir.0, &["add", "."]);
    git(&dir.0, &["commit", "-qm", "base"]);
    let mut head = base_lines();
    head.push("new broken line".to_string());
    head.push(example(40));
    std::fs::write(dir.path("data/train.jsonl"), lines(&head)).unwrap();
    std::fs::write(
        dir.path("data/new.jsonl"),
        lines(&(0..12).map(|i| example(i + 60)).collect::<Vec<_>>()),
    )
    .unwrap();

    // From the repository root and from inside `data/`: paths resolve the same way.
    for (cwd, args) in [
        (dir.0.clone(), vec!["data/train.jsonl", "data/new.jsonl"]),
        (dir.path("data"), vec!["train.jsonl", "new.jsonl"]),
    ] {
        let mut a = args.clone();
        a.extend(["--baseline-rev", "HEAD"]);
        let (v, code) = json(&cwd, &a);
        let b = &v["baseline"];
        assert_eq!(b["rev"], "HEAD");
        // train.jsonl: one example added; new.jsonl is missing at HEAD: all 12 new.
        assert_eq!(b["examples_added"], 13, "{b}");
        assert_eq!(b["examples_unchanged"], 13);
        assert_eq!(b["examples_removed"], 0);
        assert_eq!(codes(&v), vec![(15, "FT010".to_string())]);
        assert_eq!(code, 1);
    }

    // Markdown leads with the change.
    let o = ftlint()
        .current_dir(&dir.0)
        .args([
            "check",
            "--isolated",
            "--format",
            "markdown",
            "data/train.jsonl",
            "--baseline-rev",
            "HEAD",
        ])
        .output()
        .unwrap();
    let md = stdout(&o);
    let change = md
        .find("**This change** (vs `git revision HEAD`)")
        .expect(&md);
    assert!(change < md.find("| Files |").unwrap(), "{md}");
    assert!(
        md.contains("| Examples | +1 added, −0 removed, 13 unchanged |"),
        "{md}"
    );
    assert!(md.contains("| Findings | 1 new, 0 fixed |"), "{md}");

    // Human output says it in one line.
    let o = ftlint()
        .current_dir(&dir.0)
        .args([
            "check",
            "--isolated",
            "data/train.jsonl",
            "--baseline-rev",
            "HEAD",
        ])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("this change (vs git revision HEAD): examples +1 added, −0 removed, 13 unchanged; findings 1 new, 0 fixed; tokens +"), "{}", stdout(&o));

    // A revision that does not exist cannot be compared with: exit 2, named.
    let o = ftlint()
        .current_dir(&dir.0)
        .args([
            "check",
            "--isolated",
            "data/train.jsonl",
            "--baseline-rev",
            "no-such-rev",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`no-such-rev` is not a commit"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn every_format_shows_the_change() {
    let dir = TempDir::new("baseline-formats");
    let base: Vec<String> = (0..12).map(example).collect();
    let mut head = base.clone();
    head.push("new broken line".to_string());
    std::fs::write(dir.path("base.jsonl"), lines(&base)).unwrap();
    std::fs::write(dir.path("head.jsonl"), lines(&head)).unwrap();
    let run = |format: &str| {
        let o = ftlint()
            .current_dir(&dir.0)
            .args([
                "check",
                "--isolated",
                "head.jsonl",
                "--baseline",
                "base.jsonl",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        stdout(&o)
    };
    let line = "this change (vs base.jsonl): examples +0 added, −0 removed, 12 unchanged; findings 1 new, 0 fixed; tokens 0, training $0.00";
    for format in ["human", "concise"] {
        assert!(run(format).contains(line), "{format}: {}", run(format));
    }
    let summary: Value = serde_json::from_str(run("json-lines").lines().last().unwrap()).unwrap();
    assert_eq!(summary["baseline"]["new_findings"], 1);
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["properties"]["baseline"]["path"],
        "base.jsonl"
    );
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    let page = run("html");
    assert!(
        page.contains("<h2>This change</h2>") && page.contains("1 new, 0 fixed"),
        "{page}"
    );
    assert!(run("markdown").contains("| Findings | 1 new, 0 fixed |"));
    let junit = run("junit");
    assert!(
        junit.contains(&format!(
            "<property name=\"ftlint.baseline\" value=\"{line}\"/>"
        )),
        "{junit}"
    );
    // GitLab Code Quality is a bare list of issues, with no place for a summary: it
    // carries the change's new findings only.
    let gitlab: Value = serde_json::from_str(&run("gitlab")).unwrap();
    assert_eq!(gitlab.as_array().unwrap().len(), 1);

    // In GitHub Actions the step summary leads with the change.
    let summary = dir.path("summary.md");
    let o = ftlint()
        .current_dir(&dir.0)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args([
            "check",
            "--isolated",
            "head.jsonl",
            "--baseline",
            "base.jsonl",
            "--format",
            "github",
        ])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&o)
            .lines()
            .filter(|l| l.starts_with("::error "))
            .count(),
        1
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    let mut heading = md.lines().filter(|l| !l.is_empty());
    assert!(
        heading.next().unwrap().starts_with("## ❌ ftlint: 1 error"),
        "{md}"
    );
    assert_eq!(
        heading.next(),
        Some("**This change** (vs `base.jsonl`)"),
        "{md}"
    );
}

/// A validation example that already leaked in the baseline is not reported again; one
/// the change adds to the validation file is.
#[test]
fn validation_overlap_the_baseline_had_is_not_repeated() {
    let dir = TempDir::new("baseline-overlap");
    git(&dir.0, &["init", "-q"]);
    let train: Vec<String> = (0..12).map(example).collect();
    std::fs::write(dir.path("train.jsonl"), lines(&train)).unwrap();
    // Example 0 is in both files already.
    std::fs::write(dir.path("val.jsonl"), lines(&[example(0), example(100)])).unwrap();
    git(&dir.0, &["add", "."]);
    git(&dir.0, &["commit", "-qm", "base"]);
    // The change adds example 5, which training holds too.
    std::fs::write(
        dir.path("val.jsonl"),
        lines(&[example(0), example(100), example(5)]),
    )
    .unwrap();
    let args = [
        "train.jsonl",
        "--validation-file",
        "val.jsonl",
        "--baseline-rev",
        "HEAD",
    ];
    let (v, code) = json(&dir.0, &args);
    assert_eq!(codes(&v), vec![(3, "FT072".to_string())], "{v}");
    assert_eq!(v["baseline"]["new_findings"], 1);
    assert_eq!(v["baseline"]["fixed_findings"], 0);
    assert_eq!(code, 0, "FT072 is a warning");
    // Without the baseline, both leaks are reported.
    let (v, _) = json(&dir.0, &["train.jsonl", "--validation-file", "val.jsonl"]);
    assert_eq!(
        codes(&v),
        vec![(1, "FT072".to_string()), (3, "FT072".to_string())]
    );
}
