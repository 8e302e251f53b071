//! JSONTestSuite (`../shared/jsontestsuite/test_parsing`, 318 cases) through the real
//! binary.
//!
//! Whole files: each case is checked as a file of its own (`--format json --lint-only`).
//! No case may panic, hang, or take more than a few seconds; every `n_` case (invalid
//! JSON) exits 1 with an error from the JSON-level family: FT010 invalid-json, FT001
//! invalid-utf8, FT005 truncated-line, FT011 json-too-deep, FT006 json-array-file,
//! FT007 multiline-json, or FT008 no-records for the cases that hold no document at all
//! (empty, a space, a lone BOM). `y_` cases (valid JSON, almost never a chat record) exit
//! 0 or 1 and are never called invalid JSON; `i_` cases only must not crash.
//!
//! As lines: every case without a raw newline becomes one line of a single JSONL file,
//! between valid records; each `n_` line must get its JSON error on exactly its own line,
//! and no `y_` line may get one.

mod common;
use common::TempDir;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a single case may take (a debug build, on a loaded 2-core machine).
const CASE_DEADLINE: Duration = Duration::from_secs(10);

/// Rules that say "this is not (one line of) valid JSON".
const JSON_FAMILY: &[&str] = &[
    "FT001", "FT005", "FT006", "FT007", "FT008", "FT010", "FT011",
];

fn suite_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/jsontestsuite/test_parsing");
    assert!(
        dir.is_dir(),
        "{} is missing: the JSONTestSuite cases live in shared/ beside the repository",
        dir.display()
    );
    dir
}

fn cases() -> Vec<(String, Vec<u8>)> {
    let mut cases: Vec<(String, Vec<u8>)> = std::fs::read_dir(suite_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 318, "the suite has 318 parsing cases");
    cases
}

struct Run {
    code: i32,
    report: Value,
    stderr: String,
    took: Duration,
}

/// Runs the binary on `file`, killing it if it outlives the deadline. Output goes to files,
/// so a large report can never block the child on a full pipe.
fn run(file: &Path, out_dir: &Path, extra: &[&str]) -> Result<Run, String> {
    let stdout_path = out_dir.join("stdout");
    let stderr_path = out_dir.join("stderr");
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ftlint"))
        // A fixed day: FT076 and the default model depend on the date.
        .env("FTLINT_AS_OF", "2026-11-29")
        .arg("check")
        .args(["--format", "json", "--lint-only", "--max-diagnostics", "0"])
        .args(extra)
        .arg(file)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > CASE_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {CASE_DEADLINE:?}: killed"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = start.elapsed();
    let stdout = std::fs::read_to_string(&stdout_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let code = status.code().unwrap_or(-1);
    let report = serde_json::from_str(&stdout)
        .map_err(|e| format!("exit {code}: stdout is not a JSON report ({e}); stderr: {stderr}"))?;
    Ok(Run {
        code,
        report,
        stderr,
        took,
    })
}

/// (code, severity, line) of every diagnostic.
fn diagnostics(report: &Value) -> Vec<(String, String, u64)> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_case_as_a_whole_file() {
    let tmp = TempDir::new("jsontestsuite");
    let dir = suite_dir();
    let mut failures = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    for (name, bytes) in cases() {
        let run = match run(&dir.join(&name), &tmp.0, &[]) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        if run.took > slowest.0 {
            slowest = (run.took, name.clone());
        }
        if run.stderr.contains("panicked") || !(run.code == 0 || run.code == 1) {
            failures.push(format!("{name}: exit {}, stderr: {}", run.code, run.stderr));
            continue;
        }
        let diags = diagnostics(&run.report);
        let lines = bytes.split(|&b| b == b'\n').count() as u64;
        for (code, _, line) in &diags {
            if *line < 1 || *line > lines.max(1) {
                failures.push(format!(
                    "{name}: {code} at line {line}, the file has {lines}"
                ));
            }
        }
        let json_errors: Vec<&(String, String, u64)> = diags
            .iter()
            .filter(|(code, sev, _)| sev == "error" && JSON_FAMILY.contains(&code.as_str()))
            .collect();
        match name.as_bytes()[0] {
            b'n' => {
                if run.code != 1 || json_errors.is_empty() {
                    failures.push(format!(
                        "{name}: invalid JSON must exit 1 with a JSON-level error; got exit {} and {diags:?}",
                        run.code
                    ));
                }
                // FT008 (no records) only for a file that holds no document at all.
                let blank = bytes
                    .strip_prefix(b"\xEF\xBB\xBF")
                    .unwrap_or(&bytes)
                    .iter()
                    .all(u8::is_ascii_whitespace);
                if json_errors.iter().all(|(code, _, _)| code == "FT008") && !blank {
                    failures.push(format!("{name}: only FT008 on a non-empty file: {diags:?}"));
                }
            }
            b'y' => {
                // Valid JSON: never an invalid-JSON / invalid-UTF-8 / too-deep verdict
                // (a whole-document shape error, FT006/FT007, is fair: it is JSON, not JSONL).
                if let Some(bad) = json_errors.iter().find(|(code, _, _)| {
                    ["FT001", "FT005", "FT010", "FT011"].contains(&code.as_str())
                }) {
                    failures.push(format!("{name}: valid JSON reported as {bad:?}"));
                }
            }
            _ => {}
        }
    }
    eprintln!("slowest case: {} in {:?}", slowest.1, slowest.0);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Cases that hold a raw newline are JSON documents over several lines; they must be
/// seen as such (FT006/FT007) or as errors on the right line, never as valid records.
#[test]
fn multiline_cases_are_whole_document_or_line_errors() {
    let tmp = TempDir::new("jsontestsuite-multi");
    let dir = suite_dir();
    let expect: &[(&str, &[&str])] = &[
        // `[1` + newline + `]`: a JSON array over two lines.
        ("y_array_with_1_and_newline.json", &["FT006"]),
        // `{` … `}` over three lines: pretty-printed JSON.
        ("y_object_with_newlines.json", &["FT007"]),
        ("n_array_newlines_unclosed.json", &["FT006"]),
        ("n_array_unclosed_with_new_lines.json", &["FT006"]),
        // `["new` + newline + `line"]`: a raw newline inside a string cuts the array.
        ("n_string_unescaped_newline.json", &["FT006"]),
    ];
    for (name, codes) in expect {
        let run = run(&dir.join(name), &tmp.0, &[]).unwrap();
        let got: Vec<String> = diagnostics(&run.report)
            .into_iter()
            .filter(|(_, sev, _)| sev == "error")
            .map(|(c, _, _)| c)
            .collect();
        assert_eq!(run.code, 1, "{name}");
        for c in *codes {
            assert!(got.iter().any(|g| g == c), "{name}: want {c}, got {got:?}");
        }
    }
    // A one-line document followed by a newline is simply a one-line file.
    for name in [
        "y_structure_trailing_newline.json",
        "y_number_double_close_to_zero.json",
    ] {
        let run = run(&dir.join(name), &tmp.0, &[]).unwrap();
        assert_eq!(run.report["files"][0]["lines"].as_u64(), Some(1), "{name}");
        assert!(
            diagnostics(&run.report)
                .iter()
                .any(|(c, _, l)| c == "FT012" && *l == 1),
            "{name}: a valid non-object line is FT012 record-not-object"
        );
    }
}

#[test]
fn every_single_line_case_as_one_line_of_a_jsonl_file() {
    const VALID: &str = r#"{"messages":[{"role":"system","content":"s"},{"role":"user","content":"u"},{"role":"assistant","content":"a"}]}"#;
    let tmp = TempDir::new("jsontestsuite-lines");
    let mut file = Vec::new();
    let mut placed: Vec<(String, u64)> = Vec::new();
    let mut line = 0u64;
    for (name, bytes) in cases() {
        let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        // Whole-document cases (raw newline), blank ones (no document: a blank line is a
        // separate rule) and lone CRs (read as a CRLF ending) do not make one line.
        if body.contains(&b'\n')
            || body.contains(&b'\r')
            || body.iter().all(u8::is_ascii_whitespace)
        {
            continue;
        }
        file.extend_from_slice(VALID.as_bytes());
        file.push(b'\n');
        line += 1;
        file.extend_from_slice(body);
        file.push(b'\n');
        line += 1;
        placed.push((name, line));
    }
    file.extend_from_slice(VALID.as_bytes());
    file.push(b'\n');
    let path = tmp.0.join("suite.jsonl");
    std::fs::write(&path, &file).unwrap();
    // The first line is a valid record, so the whole-file shape rules stay out of it.
    let run = run(&path, &tmp.0, &[]).unwrap();
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(run.code, 1);
    let diags = diagnostics(&run.report);
    let mut failures = Vec::new();
    for (name, at) in &placed {
        let here: Vec<&(String, String, u64)> = diags.iter().filter(|d| d.2 == *at).collect();
        let json_error = here
            .iter()
            .any(|(c, s, _)| s == "error" && ["FT001", "FT010", "FT011"].contains(&c.as_str()));
        match name.as_bytes()[0] {
            b'n' if !json_error => failures.push(format!("{name} (line {at}): {here:?}")),
            b'y' if json_error => failures.push(format!("{name} (line {at}): {here:?}")),
            _ => {}
        }
    }
    // The valid records between the cases stay valid: only case lines carry findings
    // (file-level rules such as FT070 point at line 1, a valid record, or at a case).
    let case_lines: std::collections::HashSet<u64> = placed.iter().map(|p| p.1).collect();
    for (code, _, l) in &diags {
        if !case_lines.contains(l) && !["FT070", "FT071", "FT061", "FT060"].contains(&code.as_str())
        {
            failures.push(format!("{code} on line {l}, which holds a valid record"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
