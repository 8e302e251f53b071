//! Hostile files through the real binary: each must give a clear diagnostic at the right
//! place, never a panic, and the documented exit code (0 clean, 1 errors found, 2 ftlint
//! could not do its job).
//!
//! Small inputs live in `fixtures/hostile/`; large ones (a 50 MB line, 100,000-deep
//! nesting, hostile text for the tokenizer) are generated into a temporary folder.
//!
//! Decisions recorded here:
//! - `1e999` overflows a 64-bit float. Python's json (what the provider parses with)
//!   reads it as infinity, which is no valid number for any field, so ftlint reports it
//!   as FT010 invalid-json, pointing at the whole number.
//! - A lone surrogate escape (`"\ud800"`) is FT010 invalid-json, pointing at the escape:
//!   it encodes no character and the text cannot be written as UTF-8.
//! - Duplicate keys: FT013 (a warning) at the last copy, which is the one the provider
//!   keeps (Python's json: last wins); tokens are counted from that copy too.
//! - Control characters in a line are shown as their Unicode control pictures (NUL as
//!   ␀, ESC as ␛) in snippets, so a hostile file cannot drive the terminal.

mod common;
use common::TempDir;

use ftlint::models::Encoding;
use ftlint::tokens::{Engine, Tokenizer};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A debug build counting a 50 MB line on a loaded 2-core machine: generous.
const DEADLINE: Duration = Duration::from_secs(180);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    root()
        .join("fixtures/hostile")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

struct Out {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Out {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "not a JSON report ({e}); exit {}; stderr: {}",
                self.code, self.stderr
            )
        })
    }
}

/// Runs `ftlint check ARGS`, feeding `stdin` if given, and kills it past the deadline.
/// Asserts that it did not panic or die by a signal.
fn check(args: &[&str], stdin: Option<Vec<u8>>) -> Out {
    let tmp = TempDir::new("hostile-run");
    let (out_path, err_path) = (tmp.path("stdout"), tmp.path("stderr"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_ftlint"))
        // A fixed day: FT076 and the default model depend on the date.
        .env("FTLINT_AS_OF", "2026-11-29")
        .arg("check")
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let feeder = stdin.map(|data| {
        let mut pipe = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&data);
        })
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ftlint check {args:?} still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    if let Some(f) = feeder {
        f.join().unwrap();
    }
    let out = Out {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read(&out_path).unwrap(),
        stderr: std::fs::read_to_string(&err_path).unwrap(),
    };
    assert!(
        !out.stderr.contains("panicked") && (0..=2).contains(&out.code),
        "ftlint check {args:?}: exit {} (a signal is -1); stderr: {}",
        out.code,
        out.stderr
    );
    out
}

fn diags(report: &Value) -> Vec<Value> {
    report["diagnostics"].as_array().unwrap().clone()
}

/// The one diagnostic with this code on this line.
fn diag(report: &Value, code: &str, line: u64) -> Value {
    let found: Vec<Value> = diags(report)
        .into_iter()
        .filter(|d| d["code"] == code && d["line"] == line)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "want one {code} on line {line}; all: {:#?}",
        diags(report)
    );
    found.into_iter().next().unwrap()
}

fn errors_on(report: &Value, line: u64) -> Vec<Value> {
    diags(report)
        .into_iter()
        .filter(|d| d["line"] == line && d["severity"] == "error" && d["code"] != "FT070")
        .collect()
}

fn file_stat(report: &Value, key: &str) -> u64 {
    report["files"][0][key].as_u64().unwrap()
}

/// 1-based character column of the first `needle` at or after byte `from` in `line`.
fn column_of(line: &[u8], needle: &[u8], from: usize) -> u64 {
    let at = from
        + line[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .expect("needle in line");
    String::from_utf8_lossy(&line[..at]).chars().count() as u64 + 1
}

fn fixture_line(name: &str, n: usize) -> Vec<u8> {
    let data = std::fs::read(fixture(name)).unwrap();
    data.split(|&b| b == b'\n').nth(n - 1).unwrap().to_vec()
}

const SYSTEM: &str = r#"{"role":"system","content":"You are terse."}"#;

fn record(user: &str, assistant: &str) -> String {
    format!(
        r#"{{"messages":[{SYSTEM},{{"role":"user","content":"{user}"}},{{"role":"assistant","content":"{assistant}"}}]}}"#
    )
}

#[test]
fn nul_bytes() {
    let f = fixture("nul_bytes.jsonl");
    let out = check(&["--format", "json", "--lint-only", &f], None);
    assert_eq!(out.code, 1);
    let r = out.json();
    assert_eq!(file_stat(&r, "lines"), 3);
    // `\u0000` escaped is legal JSON: line 1 is a valid example.
    assert_eq!(file_stat(&r, "valid_examples"), 1);
    assert!(errors_on(&r, 1).is_empty(), "{:#?}", errors_on(&r, 1));
    // A raw NUL inside a string: named, and pointed at.
    let d = diag(&r, "FT010", 2);
    assert_eq!(
        d["column"],
        column_of(&fixture_line("nul_bytes.jsonl", 2), b"\0", 0)
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("raw control character 0x00 (NUL)"),
        "{d}"
    );
    // A NUL after the record.
    let d = diag(&r, "FT010", 3);
    assert_eq!(
        d["column"],
        column_of(&fixture_line("nul_bytes.jsonl", 3), b"\0", 0)
    );
    assert!(d["message"].as_str().unwrap().contains("0x00 (NUL)"), "{d}");

    // Human output shows the NUL as a visible ␀, never the raw byte.
    let human = check(&["--lint-only", "--color", "never", &f], None);
    assert!(
        !human.stdout.contains(&0),
        "raw NUL written to the terminal"
    );
    assert!(human.text().contains('␀'), "{}", human.text());
}

#[test]
fn terminal_escapes_are_not_sent_to_the_terminal() {
    let f = fixture("terminal_escapes.jsonl");
    let out = check(&["--lint-only", "--color", "never", &f], None);
    assert_eq!(out.code, 1);
    assert!(
        !out.stdout.contains(&0x1B),
        "raw ESC written: {:?}",
        out.text()
    );
    assert!(!out.stdout.contains(&0x07), "raw BEL written");
    let text = out.text();
    assert!(text.contains("raw control character 0x1B (ESC)"), "{text}");
    assert!(text.contains("␛[2J␛[31mred␇"), "{text}");
}

#[test]
fn invalid_utf8_in_a_key() {
    let f = fixture("invalid_utf8_key.jsonl");
    let r = check(&["--format", "json", "--lint-only", &f], None).json();
    let d = diag(&r, "FT001", 1);
    assert_eq!(d["severity"], "error");
    assert_eq!(
        d["column"],
        column_of(&fixture_line("invalid_utf8_key.jsonl", 1), b"\xff", 0)
    );
    assert!(d["message"].as_str().unwrap().contains("0xFF"), "{d}");
    assert_eq!(file_stat(&r, "valid_examples"), 0);
}

#[test]
fn lone_surrogate_escapes() {
    let f = fixture("lone_surrogate.jsonl");
    let out = check(&["--format", "json", "--lint-only", &f], None);
    assert_eq!(out.code, 1);
    let r = out.json();
    // Line 1: after Japanese text, so the column counts characters, not bytes.
    let d = diag(&r, "FT010", 1);
    let col = column_of(&fixture_line("lone_surrogate.jsonl", 1), br"\ud800", 0);
    assert_eq!(d["column"], col, "{d}");
    assert_eq!(d["end_column"], col + 6, "the span is the escape: {d}");
    let msg = d["message"].as_str().unwrap();
    assert!(msg.contains(r"lone surrogate escape `\ud800`"), "{msg}");
    // Line 2: a proper pair is fine.
    assert!(errors_on(&r, 2).is_empty(), "{:#?}", errors_on(&r, 2));
    // Line 3: a lone trailing surrogate.
    let d = diag(&r, "FT010", 3);
    let col = column_of(&fixture_line("lone_surrogate.jsonl", 3), br"\udc00", 0);
    assert_eq!(d["column"], col, "{d}");
    assert!(d["message"].as_str().unwrap().contains(r"`\udc00`"), "{d}");
}

#[test]
fn number_out_of_range() {
    let f = fixture("number_out_of_range.jsonl");
    let out = check(&["--format", "json", "--lint-only", &f], None);
    assert_eq!(out.code, 1);
    let r = out.json();
    let d = diag(&r, "FT010", 1);
    let col = column_of(&fixture_line("number_out_of_range.jsonl", 1), b"1e999", 0);
    assert_eq!(d["column"], col, "{d}");
    assert_eq!(d["end_column"], col + 5, "the span is the number: {d}");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("1e999 is out of range"),
        "{d}"
    );
    assert!(d["help"].as_str().unwrap().contains("infinity"), "{d}");
}

#[test]
fn duplicate_keys_last_one_wins() {
    let f = fixture("duplicate_keys.jsonl");
    let r = check(&["--format", "json", &f], None).json();
    let line = fixture_line("duplicate_keys.jsonl", 1);
    let last = |key: &[u8]| {
        let at = line.windows(key.len()).rposition(|w| w == key).unwrap();
        column_of(&line, key, at)
    };
    let dups: Vec<Value> = diags(&r)
        .into_iter()
        .filter(|d| d["code"] == "FT013")
        .collect();
    assert_eq!(dups.len(), 2, "{dups:#?}");
    for (key, d) in [("messages", &dups[0]), ("content", &dups[1])] {
        assert_eq!(d["severity"], "warning");
        assert_eq!(d["column"], last(format!("\"{key}\"").as_bytes()), "{d}");
        let msg = d["message"].as_str().unwrap();
        assert!(
            msg.contains(&format!("`{key}`")) && msg.contains("keeps only this last value"),
            "{msg}"
        );
    }
    // Counted as the provider reads it: the last `messages`, the last `content`.
    let tmp = TempDir::new("hostile-dup");
    let deduped = tmp.path("deduped.jsonl");
    std::fs::write(
        &deduped,
        r#"{"messages":[{"role":"system","content":"second copy of the messages"},{"role":"user","content":"u"},{"role":"assistant","content":"kept: the provider reads this last value"}]}"#,
    )
    .unwrap();
    let want = check(&["--format", "json", deduped.to_str().unwrap()], None).json();
    assert_eq!(r["tokens"]["total"], want["tokens"]["total"]);
    assert_eq!(r["tokens"]["trained"], want["tokens"]["trained"]);
}

/// Distinct words from a fixed generator: realistic text, not one repeated piece.
fn words(bytes: usize) -> String {
    const WORDS: &[&str] = &[
        "the", "model", "answers", "briefly", "and", "politely", "when", "asked", "about",
        "weather", "trains", "tokens", "cost", "Paris", "12", "345", "résumé", "naïve", "—",
        "日本", "data,", "set.", "quick", "brown", "fox", "jumps",
    ];
    let mut s = String::with_capacity(bytes + 16);
    let mut x: u64 = 7;
    while s.len() < bytes {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        s.push_str(WORDS[(x >> 33) as usize % WORDS.len()]);
        s.push(' ');
    }
    s.truncate(s.trim_end().len());
    s
}

#[test]
fn a_50_mb_single_line_is_read_and_counted() {
    let tmp = TempDir::new("hostile-50mb");
    let content = words(50_000_000);
    let big = tmp.path("big.jsonl");
    let small = tmp.path("small.jsonl");
    // No trailing newline on the big one, for good measure.
    std::fs::write(&big, record("hi", &content)).unwrap();
    std::fs::write(&small, record("hi", "x") + "\n").unwrap();
    assert!(std::fs::metadata(&big).unwrap().len() > 50_000_000);
    // A cl100k_base model with a 4,096-token limit.
    let model = ["--model", "gpt-3.5-turbo-0613"];
    let out = check(
        &[&model[..], &["--format", "json", big.to_str().unwrap()]].concat(),
        None,
    );
    let r = out.json();
    assert_eq!(file_stat(&r, "lines"), 1);
    assert_eq!(file_stat(&r, "valid_examples"), 1);
    // Counted exactly: the same record with "x" for content, plus the difference the
    // reference engine counts.
    let s = check(
        &[&model[..], &["--format", "json", small.to_str().unwrap()]].concat(),
        None,
    )
    .json();
    let tik = Tokenizer::new(Engine::Tiktoken, Encoding::Cl100kBase);
    assert_eq!(r["tokens"]["encoding"], "cl100k_base");
    let want = s["tokens"]["total"].as_u64().unwrap() + tik.count(&content) - tik.count("x");
    assert_eq!(r["tokens"]["total"].as_u64().unwrap(), want);
    // Far over the limit: said so, as a warning (it would be truncated).
    let d = diag(&r, "FT073", 1);
    assert_eq!(d["severity"], "warning");
}

fn deep(n: usize) -> String {
    "[".repeat(n) + &"]".repeat(n)
}

#[test]
fn nesting_100000_deep_is_json_too_deep_not_a_stack_overflow() {
    const N: usize = 100_000;
    let tmp = TempDir::new("hostile-deep");
    let valid = record("hi", "hello");
    let cases: Vec<(&str, String, u64)> = vec![
        ("in_messages", format!("{{\"messages\":{}}}\n", deep(N)), 1),
        ("top_level_array", deep(N) + "\n", 1),
        (
            "objects",
            "{\"a\":".repeat(N) + "1" + &"}".repeat(N) + "\n",
            1,
        ),
        ("unclosed", "[".repeat(N) + "\n", 1),
        ("unclosed_no_newline", "[".repeat(N), 1),
        (
            "in_content",
            record("hi", "x").replace("\"x\"", &deep(N)) + "\n",
            1,
        ),
        ("second_line", format!("{valid}\n{}\n{valid}\n", deep(N)), 2),
    ];
    for (name, text, line) in cases {
        let path = tmp.path(&format!("{name}.jsonl"));
        std::fs::write(&path, &text).unwrap();
        let p = path.to_str().unwrap();
        for args in [
            vec!["--format", "json", p],
            vec!["--format", "json", "--no-mmap", p],
        ] {
            let out = check(&args, None);
            assert_eq!(out.code, 1, "{name}");
            let r = out.json();
            let d = diag(&r, "FT011", line);
            assert_eq!(d["severity"], "error", "{name}");
            let errors = errors_on(&r, line);
            assert_eq!(errors.len(), 1, "{name}: only FT011: {errors:#?}");
        }
        // Through stdin too.
        let r = check(&["--format", "json", "-"], Some(text.into_bytes())).json();
        diag(&r, "FT011", line);
    }
}

#[test]
fn a_file_without_a_final_newline() {
    let f = fixture("no_final_newline.jsonl");
    let r = check(&["--format", "json", &f], None).json();
    assert_eq!(file_stat(&r, "lines"), 2);
    assert_eq!(file_stat(&r, "valid_examples"), 2);
    assert_eq!(r["tokens"]["examples"], 2, "the last line is counted");
    // Same figures as with the newline, from a file and from stdin.
    let tmp = TempDir::new("hostile-nonl");
    let mut data = std::fs::read(&f).unwrap();
    assert_ne!(data.last(), Some(&b'\n'));
    let piped = check(&["--format", "json", "-"], Some(data.clone())).json();
    data.push(b'\n');
    let with_nl = tmp.path("with_newline.jsonl");
    std::fs::write(&with_nl, &data).unwrap();
    let w = check(&["--format", "json", with_nl.to_str().unwrap()], None).json();
    for other in [&w, &piped] {
        assert_eq!(other["tokens"], r["tokens"]);
        assert_eq!(other["summary"], r["summary"]);
    }
    // A last line cut mid-record, without newline: truncated (FT005), not just invalid.
    let cut = tmp.path("cut.jsonl");
    let valid = record("a", "b");
    std::fs::write(&cut, format!("{valid}\n{}", &valid[..valid.len() - 10])).unwrap();
    let r = check(
        &["--format", "json", "--lint-only", cut.to_str().unwrap()],
        None,
    )
    .json();
    assert_eq!(diag(&r, "FT005", 2)["severity"], "error");
}

#[test]
fn a_directory_is_exit_2_naming_the_path() {
    let tmp = TempDir::new("hostile-dir");
    let dir = tmp.0.to_str().unwrap();
    let out = check(&[dir], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(dir) && out.stderr.contains("directory"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_missing_path_is_exit_2_and_the_other_files_are_still_checked() {
    let missing = "fixtures/hostile/does-not-exist.jsonl";
    let out = check(&[missing], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(missing) && out.stderr.contains("no such file"),
        "{}",
        out.stderr
    );
    let out = check(
        &[
            "--format",
            "json",
            missing,
            "fixtures/valid_tool_calling.jsonl",
        ],
        None,
    );
    assert_eq!(out.code, 2);
    let r = out.json();
    assert_eq!(r["files"][0]["path"], "fixtures/valid_tool_calling.jsonl");
    assert!(file_stat(&r, "valid_examples") > 0);
}

#[test]
fn an_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new("hostile-perm");
    let path = tmp.path("secret.jsonl");
    std::fs::copy(root().join("fixtures/valid_tool_calling.jsonl"), &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let p = path.to_str().unwrap();
    let out = check(&["--format", "json", "--lint-only", p], None);
    if std::fs::read(&path).is_ok() {
        // Root (as in CI's containers) reads any file whatever its mode, so there is no
        // unreadable file to be had: then ftlint must simply check it like any other.
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(file_stat(&out.json(), "valid_examples") > 0);
    } else {
        assert_eq!(out.code, 2);
        assert!(
            out.stderr.contains(p) && out.stderr.contains("permission denied"),
            "{}",
            out.stderr
        );
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn a_fifo_is_read_like_a_pipe() {
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = TempDir::new("hostile-fifo");
    let fifo = tmp.path("pipe.jsonl");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Far more than a pipe buffer (64 KiB), so the reader has to wait for the writer.
    const RECORDS: usize = 3000;
    let mut data = String::new();
    for i in 0..RECORDS {
        data.push_str(&record(&format!("question {i}"), &format!("answer {i}")));
        data.push('\n');
    }
    let writer = {
        let (fifo, data) = (fifo.clone(), data.clone());
        std::thread::spawn(move || {
            // Blocks until ftlint opens the FIFO for reading.
            let mut w = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
            w.write_all(data.as_bytes()).unwrap();
        })
    };
    let out = check(&["--format", "json", fifo.to_str().unwrap()], None);
    if !writer.is_finished() {
        // ftlint never opened it: release the writer (O_NONBLOCK never waits) and fail.
        let _ = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(0o4000)
            .open(&fifo);
    }
    writer.join().unwrap();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let r = out.json();
    assert_eq!(file_stat(&r, "lines"), RECORDS as u64);
    assert_eq!(file_stat(&r, "valid_examples"), RECORDS as u64);
    // The same figures as the same bytes from a regular file.
    let plain = tmp.path("plain.jsonl");
    std::fs::write(&plain, &data).unwrap();
    let p = check(&["--format", "json", plain.to_str().unwrap()], None).json();
    assert_eq!(p["tokens"], r["tokens"]);
}

/// The same hostile texts `examples/hostile_timing.rs` times.
#[path = "../examples/hostile_timing.rs"]
#[allow(dead_code)]
mod hostile_timing;

/// Texts the pre-tokenizer cannot split, where a BPE can go quadratic. How long they take
/// is printed by `cargo run --release --example hostile_timing`; here only the counts are
/// checked, against the reference engine.
#[test]
fn hostile_text_counts_equal_the_reference_engine() {
    let texts: Vec<String> = hostile_timing::cases(1)
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    let tmp = TempDir::new("hostile-text");
    let hostile = tmp.path("hostile.jsonl");
    let plain = tmp.path("plain.jsonl");
    let mut h = String::new();
    let mut p = String::new();
    for (i, t) in texts.iter().enumerate() {
        // JSON escapes: base64's `/` needs none, and none of the alphabets has `"` or `\`.
        h.push_str(&record(&format!("case {i}"), t));
        h.push('\n');
        p.push_str(&record(&format!("case {i}"), "x"));
        p.push('\n');
    }
    std::fs::write(&hostile, h).unwrap();
    std::fs::write(&plain, p).unwrap();
    let tik = Tokenizer::new(Engine::Tiktoken, Encoding::Cl100kBase);
    let extra: u64 = texts.iter().map(|t| tik.count(t) - tik.count("x")).sum();
    // A cl100k_base model.
    let base = check(
        &[
            "--model",
            "gpt-3.5-turbo",
            "--format",
            "json",
            plain.to_str().unwrap(),
        ],
        None,
    )
    .json()["tokens"]["total"]
        .as_u64()
        .unwrap();
    for engine in ["bpe", "tiktoken"] {
        let r = check(
            &[
                "--model",
                "gpt-3.5-turbo",
                "--format",
                "json",
                "--tokenizer",
                engine,
                hostile.to_str().unwrap(),
            ],
            None,
        )
        .json();
        assert_eq!(r["tokens"]["encoding"], "cl100k_base");
        assert_eq!(file_stat(&r, "valid_examples"), 4, "{engine}");
        assert_eq!(
            r["tokens"]["total"].as_u64().unwrap(),
            base + extra,
            "{engine}"
        );
    }
}
