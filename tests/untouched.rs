//! Nothing lost, nothing touched: checking never modifies an input file (its bytes, its
//! length, its modification time, its permissions) and never leaves anything beside it,
//! whatever the output format or read path, and whether or not the file is writable;
//! and every line of every input is accounted for in the report.
//!
//! The inputs are copies of fixtures in a temporary folder, with their modification time
//! set far in the past, so that any write (even one that restored the bytes) shows.

mod common;
use common::TempDir;

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

/// Everything about a file a write could change.
#[derive(Debug, PartialEq)]
struct Seen {
    bytes: Vec<u8>,
    len: u64,
    modified: SystemTime,
    mode: u32,
}

fn seen(p: &Path) -> Seen {
    let meta = std::fs::metadata(p).unwrap();
    Seen {
        bytes: std::fs::read(p).unwrap(),
        len: meta.len(),
        modified: meta.modified().unwrap(),
        mode: meta.permissions().mode(),
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Inputs with every kind of trouble the reader meets: valid, faulty, CRLF, BOM, no final
/// newline, invalid UTF-8, a JSON array, the train/validation pair.
const INPUTS: &[&str] = &[
    "fixtures/valid_tool_calling.jsonl",
    "fixtures/japanese_refusals.jsonl",
    "fixtures/rules/FT001_invalid_utf8.jsonl",
    "fixtures/rules/FT002_utf8_bom.jsonl",
    "fixtures/rules/FT003_crlf_line_endings.jsonl",
    "fixtures/rules/FT006_json_array_file.jsonl",
    "fixtures/rules/FT010_invalid_json.jsonl",
    "fixtures/rules/FT071_duplicate_example.jsonl",
    "fixtures/hostile/no_final_newline.jsonl",
    "fixtures/hostile/nul_bytes.jsonl",
    "fixtures/rules/FT072_validation_overlap.jsonl",
];
const VALIDATION: &str = "fixtures/rules/FT072_validation_overlap.validation.jsonl";

fn lines_in(bytes: &[u8]) -> u64 {
    let n = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    n + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

#[test]
fn inputs_are_never_modified_and_every_line_is_accounted_for() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = TempDir::new("untouched");
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let mut files = Vec::new();
    for (i, rel) in INPUTS.iter().chain([&VALIDATION]).enumerate() {
        let name = format!(
            "{i:02}-{}",
            Path::new(rel).file_name().unwrap().to_string_lossy()
        );
        let p = tmp.0.join(name);
        std::fs::copy(root.join(rel), &p).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(past)
            .unwrap();
        files.push(p);
    }
    let (training, validation) = files.split_at(files.len() - 1);
    let training: Vec<&str> = training.iter().map(|p| p.to_str().unwrap()).collect();
    let validation = validation[0].to_str().unwrap();

    let modes: &[&[&str]] = &[
        &[],
        &["--format", "json"],
        &["--no-mmap"],
        &["--format", "json", "--no-mmap"],
        &["--format", "json", "--validation-file", validation],
        &["--no-mmap", "--validation-file", validation],
        &["--lint-only", "--quiet"],
        &[
            "--format",
            "json",
            "--tokenizer",
            "tiktoken",
            "--max-diagnostics",
            "0",
        ],
    ];
    for read_only in [false, true] {
        let mode = if read_only { 0o444 } else { 0o644 };
        for p in &files {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        if read_only {
            std::fs::set_permissions(&tmp.0, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        let before: Vec<Seen> = files.iter().map(|p| seen(p)).collect();
        let names = listing(&tmp.0);
        for flags in modes {
            let out = Command::new(env!("CARGO_BIN_EXE_ftlint"))
                // A fixed day: FT076 and the default model depend on the date.
                .env("FTLINT_AS_OF", "2026-11-29")
                .arg("check")
                .args(*flags)
                .args(&training)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            let code = out.status.code();
            assert!(
                code == Some(1),
                "{flags:?}: the inputs hold errors, so exit 1; got {code:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            for (p, was) in files.iter().zip(&before) {
                let now = seen(p);
                assert!(
                    now == *was,
                    "{flags:?} (read-only: {read_only}) touched {}",
                    p.display()
                );
            }
            assert_eq!(
                listing(&tmp.0),
                names,
                "{flags:?}: files appeared beside the inputs"
            );

            if flags.contains(&"json") {
                // Nothing lost: every file reported, every line of it counted.
                let report: Value = serde_json::from_slice(&out.stdout).unwrap();
                let reported = report["files"].as_array().unwrap();
                let with_validation = flags.contains(&"--validation-file");
                assert_eq!(
                    reported.len(),
                    training.len() + usize::from(with_validation)
                );
                for f in reported {
                    let path = f["path"].as_str().unwrap();
                    let bytes = std::fs::read(path).unwrap();
                    assert_eq!(f["lines"].as_u64(), Some(lines_in(&bytes)), "{path}");
                }
            }
        }
    }
}

/// The same through stdin and a validation file given as the only other input: the
/// validation file is read, never written.
#[test]
fn a_read_only_validation_file_given_with_stdin() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = TempDir::new("untouched-stdin");
    let v = tmp.0.join("validation.jsonl");
    std::fs::copy(root.join(VALIDATION), &v).unwrap();
    std::fs::set_permissions(&v, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = seen(&v);
    let data = std::fs::read(root.join("fixtures/rules/FT072_validation_overlap.jsonl")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ftlint"))
        // A fixed day: FT076 and the default model depend on the date.
        .env("FTLINT_AS_OF", "2026-11-29")
        .args([
            "check",
            "--format",
            "json",
            "-",
            "--validation-file",
            v.to_str().unwrap(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(&data).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(seen(&v), before);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "FT072"),
        "the overlap is still found: {report:#}"
    );
}
