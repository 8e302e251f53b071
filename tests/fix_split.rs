//! `ftlint fix` and `ftlint split`: every line accounted for, CLEAN checks clean,
//! inputs never written, split reproducible and disjoint.

mod common;

use common::ftlint;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ftlint-fix-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    let mut c = ftlint();
    c.args(args);
    c.output().unwrap()
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// Lines of a file as the check sees them: LF cut, one CR dropped, BOM dropped.
fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut v: Vec<Vec<u8>> = b
        .split(|&x| x == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .collect();
    if v.last().is_some_and(Vec::is_empty) {
        v.pop();
    }
    v
}

fn multiset(ls: impl IntoIterator<Item = Vec<u8>>) -> BTreeMap<Vec<u8>, usize> {
    let mut m = BTreeMap::new();
    for l in ls {
        *m.entry(l).or_insert(0) += 1;
    }
    m
}

fn blank(l: &[u8]) -> bool {
    l.iter().all(u8::is_ascii_whitespace)
}

fn rec(i: usize) -> String {
    format!(
        r#"{{"messages":[{{"role":"system","content":"You are terse."}},{{"role":"user","content":"What is {i} + {i}?"}},{{"role":"assistant","content":"{}"}}]}}"#,
        2 * i
    )
}

/// Runs fix; checks the accounting and that CLEAN checks with no error. Returns stdout.
fn fix_and_account(
    dir: &Path,
    input: &Path,
    extra: &[&str],
    expect_input_lines: Option<&[Vec<u8>]>,
) -> String {
    let before = std::fs::read(input).unwrap();
    let clean = dir.join("clean.jsonl");
    let mut args: Vec<&std::ffi::OsStr> = vec![
        os("fix"),
        input.as_os_str(),
        os("-o"),
        clean.as_os_str(),
        os("--isolated"),
    ];
    args.extend(extra.iter().map(|s| os(s)));
    let out = run(&args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(input).unwrap(), before, "the input changed");
    let c = std::fs::read(&clean).unwrap();
    let r = std::fs::read(dir.join("clean.rejects.jsonl")).unwrap();
    assert!(!c.contains(&b'\r'));
    assert!(!c.starts_with(b"\xEF\xBB\xBF"));
    let input_lines = expect_input_lines.map_or_else(|| lines(&before), <[Vec<u8>]>::to_vec);
    let non_blank: Vec<Vec<u8>> = input_lines.iter().filter(|l| !blank(l)).cloned().collect();
    let blanks = input_lines.len() - non_blank.len();
    let out_lines: Vec<Vec<u8>> = lines(&c).into_iter().chain(lines(&r)).collect();
    assert_eq!(
        multiset(out_lines),
        multiset(non_blank),
        "CLEAN + REJECTS ≠ input"
    );
    let (nc, nr) = (lines(&c).len(), lines(&r).len());
    assert!(
        stdout.contains(&format!(
            "{nc} clean + {nr} rejected + {blanks} blank = {} lines",
            input_lines.len()
        )),
        "{stdout}"
    );
    // CLEAN checks with no error.
    let check = ftlint()
        .args([
            "check",
            "--isolated",
            "--lint-only",
            "-q",
            "--format",
            "concise",
        ])
        .arg(&clean)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    stdout
}

#[test]
fn faulty_file_every_line_accounted_for() {
    let dir = tmp("faulty");
    let input = dir.join("in.jsonl");
    let mut text = String::new();
    for i in 0..12 {
        text.push_str(&rec(i));
        text.push('\n');
    }
    text.push_str("{\"messages\": [\n"); // broken JSON
    text.push_str("\n   \n"); // two blank lines
    text.push_str(
        r#"{"messages":[{"role":"usr","content":"hi"},{"role":"assistant","content":"hello"}]}"#,
    );
    text.push('\n');
    text.push_str(r#"{"prompt":"a","completion":"b"}"#); // another format
    text.push('\n');
    text.push_str(r#"{"messages":[{"role":"user","content":"key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z8xYz"},{"role":"assistant","content":"ok"}]}"#);
    text.push('\n');
    text.push_str(&rec(3)); // a duplicate, kept without --drop-duplicates
    text.push('\n');
    text.push_str("[1,2]\n");
    text.push_str(&rec(99)[..40]); // truncated last line, no newline
    std::fs::write(&input, &text).unwrap();
    let out = fix_and_account(&dir, &input, &[], None);
    assert!(
        out.contains("13 clean + 6 rejected + 2 blank = 21 lines"),
        "{out}"
    );
    for reason in [
        "1   FT005 truncated-line",
        "1   FT010 invalid-json",
        "1   FT012 record-not-object",
        "1   FT025 invalid-role",
        "1   FT061 mixed-formats",
        "1   FT090 secret-in-text",
    ] {
        assert!(out.contains(reason), "{reason}: {out}");
    }
    assert!(out.contains("repairs: none needed"), "{out}");
}

#[test]
fn crlf_and_bom_are_repaired_and_named() {
    let dir = tmp("crlf");
    let input = dir.join("in.jsonl");
    let mut text = b"\xEF\xBB\xBF".to_vec();
    for i in 0..11 {
        text.extend_from_slice(rec(i).as_bytes());
        text.extend_from_slice(b"\r\n");
    }
    text.extend_from_slice(b"not json\r\n\r\n");
    text.extend_from_slice(rec(11).as_bytes()); // no newline at the end
    std::fs::write(&input, &text).unwrap();
    let out = fix_and_account(&dir, &input, &[], None);
    assert!(
        out.contains("12 clean + 1 rejected + 1 blank = 14 lines"),
        "{out}"
    );
    assert!(
        out.contains(
            "repairs: CRLF line endings → LF (13 lines); UTF-8 byte-order mark dropped; newline added after the last line"
        ),
        "{out}"
    );
    let c = std::fs::read(dir.join("clean.jsonl")).unwrap();
    assert_eq!(
        c,
        (0..12)
            .map(|i| rec(i) + "\n")
            .collect::<String>()
            .into_bytes()
    );
}

#[test]
fn json_array_and_pretty_printed_are_converted_first() {
    for (name, doc) in [
        (
            "array.json",
            format!(
                "[\n{}\n]\n",
                (0..11)
                    .map(|i| serde_json::to_string_pretty(
                        &serde_json::from_str::<serde_json::Value>(&rec(i)).unwrap()
                    )
                    .unwrap())
                    .collect::<Vec<_>>()
                    .join(",\n")
            ),
        ),
        (
            "pretty.json",
            (0..11)
                .map(|i| {
                    serde_json::to_string_pretty(
                        &serde_json::from_str::<serde_json::Value>(&rec(i)).unwrap(),
                    )
                    .unwrap()
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    ] {
        let dir = tmp(name);
        let input = dir.join(name);
        std::fs::write(&input, &doc).unwrap();
        // The records, one per line, are what is accounted for.
        // serde_json writes keys sorted: the expected lines are the same values minified.
        let expected: Vec<Vec<u8>> = (0..11)
            .map(|i| {
                serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&rec(i)).unwrap())
                    .unwrap()
                    .into_bytes()
            })
            .collect();
        let out = fix_and_account(&dir, &input, &[], Some(&expected));
        assert!(
            out.contains("11 clean + 0 rejected + 0 blank = 11 lines"),
            "{out}"
        );
        assert!(out.contains("repairs: converted "), "{out}");
    }
}

#[test]
fn drop_duplicates_moves_later_copies() {
    let dir = tmp("dups");
    let input = dir.join("in.jsonl");
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&rec(i % 12));
        text.push('\n');
    }
    // The same record with other whitespace and key order is a copy too.
    text.push_str(r#"{ "messages": [ {"content":"You are terse.","role":"system"}, {"role":"user","content":"What is 0 + 0?"}, {"role":"assistant","content":"0"} ] }"#);
    text.push('\n');
    std::fs::write(&input, &text).unwrap();
    let out = fix_and_account(&dir, &input, &["--drop-duplicates"], None);
    assert!(
        out.contains("12 clean + 29 rejected + 0 blank = 41 lines"),
        "{out}"
    );
    assert!(out.contains("29   FT071 duplicate-example"), "{out}");
    let c = std::fs::read_to_string(dir.join("clean.jsonl")).unwrap();
    assert_eq!(c, (0..12).map(|i| rec(i) + "\n").collect::<String>());
}

#[test]
fn too_few_clean_records_is_exit_1_and_said() {
    let dir = tmp("few");
    let input = dir.join("in.jsonl");
    std::fs::write(&input, format!("{}\n{}\nnot json\n", rec(1), rec(2))).unwrap();
    let clean = dir.join("c.jsonl");
    let out = run(&[
        os("fix"),
        input.as_os_str(),
        os("-o"),
        clean.as_os_str(),
        os("--isolated"),
    ]);
    let s = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{s}");
    assert!(
        s.contains("still an error in CLEAN: FT070 too-few-examples: CLEAN holds 2 record(s); OpenAI requires at least 10"),
        "{s}"
    );
}

#[test]
fn an_output_that_is_the_input_is_refused_before_writing() {
    let dir = tmp("self");
    let input = dir.join("in.jsonl");
    let text = format!("{}\nnot json\n", rec(1));
    std::fs::write(&input, &text).unwrap();
    let link = dir.join("link.jsonl");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let hard = dir.join("hard.jsonl");
    std::fs::hard_link(&input, &hard).unwrap();
    let other = dir.join("o.jsonl");
    for (clean, rejects) in [
        (&input, &other),
        (&link, &other),
        (&hard, &other),
        (&other, &input),
        (&other, &link),
    ] {
        let out = run(&[
            os("fix"),
            input.as_os_str(),
            os("-o"),
            clean.as_os_str(),
            os("--rejects"),
            rejects.as_os_str(),
        ]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("ftlint never writes to an input"), "{err}");
        assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
        assert!(!other.exists());
    }
    // Nothing half-written is left beside the outputs.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    let out = run(&[
        os("split"),
        input.as_os_str(),
        os("--validation"),
        os("1"),
        os("--seed"),
        os("1"),
        os("-o"),
        link.as_os_str(),
        os("--validation-out"),
        other.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

fn split(input: &Path, dir: &Path, extra: &[&str], threads: &str) -> (String, Vec<u8>, Vec<u8>) {
    let (t, v) = (dir.join("train.jsonl"), dir.join("val.jsonl"));
    let out = ftlint()
        .env("RAYON_NUM_THREADS", threads)
        .args(["split", "--isolated"])
        .arg(input)
        .args(["-o"])
        .arg(&t)
        .arg("--validation-out")
        .arg(&v)
        .args(extra)
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{s}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (s, std::fs::read(t).unwrap(), std::fs::read(v).unwrap())
}

/// More than one 1 MiB chunk, so several threads really share the work.
fn big_input(dir: &Path) -> PathBuf {
    let input = dir.join("in.jsonl");
    let mut text = String::new();
    for i in 0..12_000 {
        // Every 7th record repeats an earlier one; every 500th is broken.
        let r = if i % 7 == 6 { rec(i - 3) } else { rec(i) };
        text.push_str(if i % 500 == 499 { "{broken" } else { &r });
        text.push('\n');
    }
    std::fs::write(&input, text).unwrap();
    input
}

#[test]
fn split_is_reproducible_disjoint_and_keeps_copies_together() {
    let dir = tmp("split");
    let input = big_input(&dir);
    let args = ["--validation", "0.1", "--seed", "42"];
    let (s1, t1, v1) = split(&input, &dir, &args, "1");
    let (s4, t4, v4) = split(&input, &dir, &args, "4");
    assert_eq!(
        (&s1, &t1, &v1),
        (&s4, &t4, &v4),
        "thread count changed the split"
    );
    let (t, v) = (lines(&t1), lines(&v1));
    // Every valid record in exactly one file: train + validation = the valid lines.
    let valid: Vec<Vec<u8>> = lines(&std::fs::read(&input).unwrap())
        .into_iter()
        .filter(|l| !l.starts_with(b"{broken"))
        .collect();
    assert_eq!(
        multiset(t.iter().cloned().chain(v.iter().cloned())),
        multiset(valid.clone())
    );
    let tset: std::collections::BTreeSet<_> = t.iter().collect();
    assert!(
        v.iter().all(|l| !tset.contains(l)),
        "a record is in both files"
    );
    assert_eq!(v.len(), 1198, "{s1}"); // round(10% of 11,976 valid)
    assert!(s1.contains("train      10,778 records"), "{s1}");
    assert!(
        s1.contains("skipped    24 invalid, 0 blank (of 12,000 lines)"),
        "{s1}"
    );
    assert!(s1.contains("TRAIN tokens (o200k_base): total "), "{s1}");
    assert!(s1.contains("validation is not billed"), "{s1}");
    // Another seed, another split; a count is exact.
    let (_, _, v2) = split(&input, &dir, &["--validation", "500", "--seed", "7"], "2");
    assert_ne!(v1, v2);
    assert_eq!(lines(&v2).len(), 500);
}

#[test]
fn split_stratified_by_key_keeps_each_share() {
    let dir = tmp("strat");
    let input = dir.join("in.jsonl");
    let mut text = String::new();
    for i in 0..100 {
        let lang = if i < 80 { "en" } else { "ja" };
        let r = rec(i);
        text.push_str(&format!("{},\"lang\":\"{lang}\"}}\n", &r[..r.len() - 1]));
    }
    std::fs::write(&input, text).unwrap();
    let (s, _, v) = split(
        &input,
        &dir,
        &[
            "--validation",
            "0.1",
            "--seed",
            "3",
            "--stratify-by",
            "lang",
            // `lang` is a metadata key the provider would reject (FT014): a user who
            // stratifies by one strips it before upload.
            "--ignore",
            "FT014",
        ],
        "2",
    );
    let v = String::from_utf8(v).unwrap();
    assert_eq!(v.matches("\"lang\":\"en\"").count(), 8, "{s}");
    assert_eq!(v.matches("\"lang\":\"ja\"").count(), 2, "{s}");
    assert!(s.contains("stratum \"en\": 72 train, 8 validation"), "{s}");
}

/// Counting decides a verdict too: with FT073 raised to an error an over-limit record is
/// rejected, and with an open-weight model a record its chat template refuses (FT068).
#[test]
fn errors_found_while_counting_reject_the_record() {
    let fix = |dir: &Path, input: &Path, extra: &[&str]| {
        let clean = dir.join("clean.jsonl");
        let out = ftlint()
            .arg("fix")
            .arg(input)
            .arg("-o")
            .arg(&clean)
            .args(extra)
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        let rejects = std::fs::read_to_string(dir.join("clean.rejects.jsonl")).unwrap();
        (
            stdout,
            lines(&std::fs::read(&clean).unwrap()).len(),
            rejects,
        )
    };
    let dir = tmp("counting");
    let cfg = dir.join("ftlint.toml");
    std::fs::write(&cfg, "[severity]\nFT073 = \"error\"\n").unwrap();
    let input = dir.join("in.jsonl");
    let long = format!(
        r#"{{"messages":[{{"role":"system","content":"x"}},{{"role":"user","content":"{}"}},{{"role":"assistant","content":"ok"}}]}}"#,
        "word ".repeat(5000)
    );
    let mut text = long.clone() + "\n";
    for i in 0..10 {
        text.push_str(&(rec(i) + "\n"));
    }
    std::fs::write(&input, &text).unwrap();
    let (out, clean, rejects) = fix(
        &dir,
        &input,
        &[
            "--config",
            cfg.to_str().unwrap(),
            "--model",
            "gpt-3.5-turbo-0613",
        ],
    );
    assert!(out.contains("FT073 over-token-limit"), "{out}");
    assert_eq!((clean, rejects), (10, long + "\n"));

    let dir = tmp("template");
    let input = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rules/FT068_chat_template_error.jsonl");
    let (out, clean, rejects) = fix(
        &dir,
        &input,
        &[
            "--isolated",
            "--provider",
            "together",
            "--model",
            "Qwen/Qwen3-8B",
            "--tokenizer-path",
            "../shared/tokenizers/qwen3",
        ],
    );
    assert!(out.contains("FT068 chat-template-error"), "{out}");
    let sixth = std::fs::read_to_string(&input)
        .unwrap()
        .lines()
        .nth(5)
        .unwrap()
        .to_string();
    assert_eq!((clean, rejects), (9, sixth + "\n"));
}
