//! The report does not depend on how the bytes were read or how many threads ran.
//!
//! A ~3 MB JSONL file (several 1 MiB chunks) mixing valid and faulty lines is generated
//! here, deterministically, and checked with 1, 2 and 4 rayon threads, with `--no-mmap`,
//! and through stdin: the JSON output must be byte-identical (for stdin, once the path is
//! replaced by `<stdin>`).

mod common;
use common::TempDir;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// A small deterministic generator (PCG-style LCG), so the file is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SYSTEM: &str =
    r#"{"role":"system","content":"You are a helpful assistant. あなたは親切です。"}"#;

fn chat(user: &str, assistant: &str) -> String {
    format!(
        r#"{{"messages":[{SYSTEM},{{"role":"user","content":"{user}"}},{{"role":"assistant","content":"{assistant}"}}]}}"#
    )
}

/// About `target` bytes of JSONL: mostly valid records, with faults of many kinds spread
/// through every chunk, duplicates of earlier lines (also across chunks), CRLF lines and
/// legacy records past the first chunk (file-level findings reported at their first
/// occurrence), and no final newline on the last (valid) line.
fn generate(target: usize) -> Vec<u8> {
    let mut rng = Lcg(0x5EED_F71E);
    let mut out: Vec<u8> = Vec::with_capacity(target + 4096);
    let mut valid: Vec<String> = Vec::new();
    let mut n = 0u64;
    while out.len() < target {
        n += 1;
        let line: Vec<u8> = match rng.below(100) {
            0..=2 => format!(
                r#"{{"messages":[{SYSTEM},{{"role":"user","content":"質問 {n}"}},{{"role":"assistant","content":"答え {n}"}},]}}"#
            )
            .into_bytes(),
            3..=4 => Vec::new(),
            5..=7 => chat(&format!("Say {n} with space"), &format!(" {n} ")).into_bytes(),
            8..=9 => {
                let mut b = chat(&format!("Recommend a café near stop {n}"), "Café Lumière.")
                    .into_bytes();
                // The first é as the Windows-1252 byte 0xE9: invalid UTF-8.
                let at = b.windows(2).position(|w| w == "é".as_bytes()).unwrap();
                b.splice(at..at + 2, [0xE9]);
                b
            }
            10..=13 if !valid.is_empty() => {
                let i = rng.below(valid.len() as u64) as usize;
                valid[i].clone().into_bytes()
            }
            14..=15 => format!(
                r#"{{"messages":[{SYSTEM},{{"role":"user","content":"Hi {n}"}},{{"role":"assistant","content":"Hello {n}","weight":0.5}}]}}"#
            )
            .into_bytes(),
            16..=17 => format!(
                r#"{{"messages":[{SYSTEM},{{"content":"No role {n}"}},{{"role":"assistant","content":"Hm."}}]}}"#
            )
            .into_bytes(),
            18 => format!(r#"{{"prompt":"What is {n}? ->","completion":" {n}\n"}}"#).into_bytes(),
            19..=20 => format!(
                r#"{{"messages":[{SYSTEM},{{"role":"user","content":"メモ {n}"}},{{"role":"assistant","content":"了解 {n}"}}],"メモ":{n}}}"#
            )
            .into_bytes(),
            21 => {
                let mut b = chat(&format!("CRLF {n}"), "Noted.").into_bytes();
                b.push(b'\r');
                b
            }
            22 => chat(&format!("Finish this {n}<|endoftext|>"), "Done.").into_bytes(),
            23..=27 => {
                let words = 200 + rng.below(400) as usize;
                let mut text = String::new();
                for w in 0..words {
                    text.push_str(["alpha ", "βeta ", "ガンマ ", "delta ", "ε "][(w + n as usize) % 5]);
                }
                let line = chat(&format!("Summarize {n}: {text}"), &format!("Summary {n}."));
                valid.push(line.clone());
                line.into_bytes()
            }
            _ => {
                let line = chat(
                    &format!("What is {n} times {}?", n % 97),
                    &format!("{n} × {} = {}.", n % 97, n * (n % 97)),
                );
                valid.push(line.clone());
                line.into_bytes()
            }
        };
        out.extend_from_slice(&line);
        out.push(b'\n');
    }
    out.extend_from_slice(chat("Last line", "It has no newline.").as_bytes());
    out
}

struct Run {
    stdout: Vec<u8>,
    code: Option<i32>,
}

fn run(args: &[&str], threads: Option<&str>, stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ftlint"));
    // A fixed day: FT076 and the default model depend on the date.
    cmd.env("FTLINT_AS_OF", "2026-11-29");
    cmd.arg("check")
        .args(args)
        .env_remove("FTLINT_FORMAT")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match threads {
        Some(t) => cmd.env("RAYON_NUM_THREADS", t),
        None => cmd.env_remove("RAYON_NUM_THREADS"),
    };
    let mut child = cmd.spawn().expect("run ftlint");
    let writer = stdin.map(|data| {
        let mut pipe = child.stdin.take().unwrap();
        let data = data.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&data);
        })
    });
    let out = child.wait_with_output().unwrap();
    if let Some(w) = writer {
        w.join().unwrap();
    }
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "ftlint {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Run {
        stdout: out.stdout,
        code: out.status.code(),
    }
}

fn assert_same(what: &str, base: &Run, other: &Run) {
    assert_eq!(base.code, other.code, "{what}: exit code differs");
    if base.stdout != other.stdout {
        let a = String::from_utf8_lossy(&base.stdout);
        let b = String::from_utf8_lossy(&other.stdout);
        let first = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(a.lines().count().min(b.lines().count()));
        panic!(
            "{what}: output differs from the 1-thread mmap run at output line {}:\n  1 thread: {:?}\n  {what}: {:?}",
            first + 1,
            a.lines().nth(first),
            b.lines().nth(first)
        );
    }
}

fn check_all_ways(path: &Path, data: &[u8], extra: &[&str]) {
    let p = path.to_str().expect("temp path is UTF-8");
    let mut args = vec![p, "--format", "json"];
    args.extend_from_slice(extra);
    let base = run(&args, Some("1"), None);
    for threads in ["2", "4"] {
        assert_same(
            &format!("RAYON_NUM_THREADS={threads}"),
            &base,
            &run(&args, Some(threads), None),
        );
    }
    let mut no_mmap = args.clone();
    no_mmap.push("--no-mmap");
    assert_same("--no-mmap", &base, &run(&no_mmap, Some("2"), None));

    let mut stdin_args = args.clone();
    stdin_args[0] = "-";
    let mut from_stdin = run(&stdin_args, Some("2"), Some(data));
    let quoted_path = serde_json::to_string(p).unwrap();
    let text = String::from_utf8(from_stdin.stdout).unwrap();
    from_stdin.stdout = text.replace("\"<stdin>\"", &quoted_path).into_bytes();
    assert_same("stdin", &base, &from_stdin);
}

#[test]
fn output_does_not_depend_on_threads_or_reading() {
    let tmp = TempDir::new("determinism");
    let data = generate(3_000_000);
    assert!(
        data.len() > 2 << 20,
        "the file must span several 1 MiB chunks"
    );
    let path = tmp.0.join("mixed.jsonl");
    std::fs::write(&path, &data).unwrap();

    // Every finding shown.
    check_all_ways(&path, &data, &["--max-diagnostics", "0"]);
    // A cap: which findings are kept must not depend on the chunking either (lint only,
    // to keep the test quick).
    check_all_ways(&path, &data, &["--max-diagnostics", "25", "--lint-only"]);

    // The run really looked at the whole file and found faults all through it.
    let out = run(
        &[
            path.to_str().unwrap(),
            "--format",
            "json",
            "--max-diagnostics",
            "0",
        ],
        Some("2"),
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    eprintln!("{} bytes: {}", data.len(), doc["summary"]);
    let lines = data.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    assert_eq!(doc["files"][0]["lines"], lines);
    let diags = doc["diagnostics"].as_array().unwrap();
    let last_line = diags
        .iter()
        .filter_map(|d| d["line"].as_u64())
        .max()
        .unwrap();
    assert!(
        last_line > lines * 9 / 10,
        "findings stop at line {last_line} of {lines}"
    );
    for code in [
        "FT001", "FT003", "FT004", "FT010", "FT014", "FT024", "FT030", "FT052", "FT057", "FT061",
        "FT071",
    ] {
        assert!(
            doc["summary"]["by_rule"][code]
                .as_u64()
                .is_some_and(|n| n > 0),
            "{code} never fired; by_rule = {}",
            doc["summary"]["by_rule"]
        );
    }
    assert!(doc["tokens"]["total"].as_u64().is_some_and(|t| t > 0));
}
