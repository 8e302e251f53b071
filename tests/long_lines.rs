//! `--max-line-bytes`: a longer line is FT015 at that line and skipped while streaming,
//! from a mapped file, a read file and a pipe, and every later line keeps its number.
//! (That it is never held whole in memory is shown by `scripts/bench.sh`, which prints
//! the peak RSS of a 400 MB line piped in.)

mod common;

use common::{ftlint, stderr, temp_dir};
use serde_json::Value;
use std::io::Write;
use std::process::Stdio;

fn record(i: usize) -> String {
    format!(
        r#"{{"messages":[{{"role":"system","content":"Be brief."}},{{"role":"user","content":"What is {i} + {i}?"}},{{"role":"assistant","content":"{}."}}]}}"#,
        2 * i
    )
}

/// Ten good records around two long lines: line 3 (`short_long` bytes) and line 8 (a
/// line longer than a 32 MiB block, so a mapped file and a pipe both skip it while
/// streaming), then a truncated last record.
fn input(short_long: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut line = 0;
    let mut push = |out: &mut Vec<u8>, text: &[u8]| {
        out.extend_from_slice(text);
        out.push(b'\n');
        line += 1;
    };
    push(&mut out, record(1).as_bytes());
    push(&mut out, record(2).as_bytes());
    let long = format!(
        r#"{{"messages":[{{"role":"user","content":"{}"}}]}}"#,
        "x".repeat(short_long)
    );
    push(&mut out, long.as_bytes());
    for i in 3..7 {
        push(&mut out, record(i).as_bytes());
    }
    let huge = vec![b'a'; 40 << 20];
    push(&mut out, &huge);
    for i in 7..11 {
        push(&mut out, record(i).as_bytes());
    }
    out.extend_from_slice(br#"{"messages":[{"role":"#);
    out
}

fn codes_by_line(doc: &Value) -> Vec<(u64, String)> {
    doc["diagnostics"]
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
fn long_lines_are_skipped_and_later_lines_keep_their_numbers() {
    let dir = temp_dir("long_lines");
    let file = dir.join("long.jsonl");
    let data = input(100_000);
    std::fs::write(&file, &data).unwrap();
    let path = file.to_str().unwrap();
    let args = ["--max-line-bytes", "64KiB", "--format", "json"];
    let want = vec![
        (3, "FT015".to_string()),
        (8, "FT015".to_string()),
        (13, "FT005".to_string()),
    ];
    for (how, extra) in [("mapped", None), ("read", Some("--no-mmap"))] {
        let mut cmd = ftlint();
        cmd.args(["check", path]).args(args).args(extra);
        let o = cmd.output().unwrap();
        let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(codes_by_line(&doc), want, "{how}: {}", stderr(&o));
        assert_eq!(doc["files"][0]["lines"], 13, "{how}");
        assert_eq!(doc["files"][0]["valid_examples"], 10, "{how}");
        assert_eq!(o.status.code(), Some(1), "{how}");
        let msg = doc["diagnostics"][1]["message"].as_str().unwrap();
        assert!(msg.contains("41,943,040 bytes"), "{how}: {msg}");
    }
    let mut child = ftlint()
        .args(["check", "-"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(codes_by_line(&doc), want, "pipe");
    assert_eq!(doc["files"][0]["lines"], 13, "pipe");
}

#[test]
fn the_default_limit_keeps_ordinary_long_records() {
    // A 1 MB record is far under the 160 MiB default: checked, not skipped.
    let dir = temp_dir("long_default");
    let file = dir.join("one.jsonl");
    let mut text = String::new();
    for i in 0..9 {
        text += &record(i);
        text.push('\n');
    }
    text += &format!(
        r#"{{"messages":[{{"role":"system","content":"Be brief."}},{{"role":"user","content":"{}"}},{{"role":"assistant","content":"ok"}}]}}"#,
        "word ".repeat(200_000)
    );
    text.push('\n');
    std::fs::write(&file, text).unwrap();
    let o = ftlint()
        .args(["check", file.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["summary"]["valid_examples"], 10, "{}", stderr(&o));
    let o = ftlint()
        .args(["check", file.to_str().unwrap(), "--max-line-bytes", "2kb"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("FT015"),
        "{}",
        stderr(&o)
    );
    let o = ftlint()
        .args([
            "check",
            file.to_str().unwrap(),
            "--max-line-bytes",
            "12 parsecs",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("size"), "{}", stderr(&o));
}
