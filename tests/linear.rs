//! Nothing quadratic: every per-line check, the counting, the canonical hash and the
//! column finder grow linearly with the size of a hostile line. Each shape is checked at
//! two sizes, n and 4n, in this one process; the time ratio must stay under 10 (4 ×
//! 2.5 for noise and cache effects). A quadratic step gives 16. The small size is
//! already past the caches, so both sizes pay the same per byte. Never an absolute time: the
//! machine may be shared. One test runs the shapes one after another, so they do not
//! disturb each other's timings.

use ftlint::check::{Role, check_source};
use ftlint::input::Source;
use ftlint::settings::Settings;
use ftlint::tokens::{Counter, Engine, Tokenizer};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn settings(max_diagnostics: usize) -> Settings {
    let mut s = Settings::for_model("openai", Some("gpt-4o-mini")).unwrap();
    s.max_diagnostics = max_diagnostics;
    s
}

/// Best of three runs of a full check (lint, hash, count) of `line`.
fn time_check(line: &str, settings: &Settings, tok: &Counter) -> (Duration, u64) {
    let mut best = Duration::MAX;
    let mut findings = 0;
    for _ in 0..3 {
        let source = Source::Reader(Box::new(std::io::Cursor::new(line.as_bytes().to_vec())));
        let start = Instant::now();
        let r = check_source(
            Arc::from("t.jsonl"),
            source,
            settings,
            Some(tok),
            Role::Training,
        )
        .unwrap();
        best = best.min(start.elapsed());
        findings = r.findings.errors + r.findings.warnings;
    }
    (best, findings)
}

const FACTOR: usize = 4;

fn assert_linear(name: &str, shape: impl Fn(usize) -> String, n: usize) {
    let tok = Counter::OpenAi(Tokenizer::new(
        Engine::Bpe,
        ftlint::models::Encoding::O200kBase,
    ));
    let small = shape(n) + "\n";
    let large = shape(FACTOR * n) + "\n";
    for cap in [1, 0] {
        let s = settings(cap);
        let (t1, f1) = time_check(&small, &s, &tok);
        let (t4, f4) = time_check(&large, &s, &tok);
        // Ratios of tiny times are noise: a floor of 2 ms for the small run.
        let ratio = t4.as_secs_f64() / t1.as_secs_f64().max(0.002);
        let bound = FACTOR as f64 * 2.5;
        eprintln!(
            "{name} (cap {cap}): n={n} {t1:?} ({f1} findings), {FACTOR}n {t4:?} ({f4} findings), ratio {ratio:.1}"
        );
        assert!(
            ratio < bound,
            "{name} (--max-diagnostics {cap}): {FACTOR}× the input took {ratio:.1}× the time ({t1:?} → {t4:?})"
        );
    }
}

fn msg(role: &str, content: &str) -> String {
    format!(r#"{{"role":"{role}","content":"{content}"}}"#)
}

fn chat(messages: &[String], extra: &str) -> String {
    format!(r#"{{"messages":[{}]{extra}}}"#, messages.join(","))
}

fn base() -> Vec<String> {
    vec![
        msg("system", "You are terse."),
        msg("user", "Hi"),
        msg("assistant", "Hello"),
    ]
}

#[test]
fn every_shape_grows_linearly() {
    many_top_level_keys();
    many_keys_in_one_message();
    many_messages();
    many_parts_and_tool_calls();
    long_strings_and_deep_nesting();
    reference_engine_on_long_runs();
    open_weight_many_replies();
}

/// An open-weight model's own template (Qwen3, from ../shared) on one record of many
/// user/assistant turns: each reply's span is found by a binary search over the
/// template's marks, not a walk over every message (that was quadratic: 100,000
/// messages did not finish in 10 minutes; now 1.4 s in release).
fn open_weight_many_replies() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tokenizers/qwen3");
    let hf = ftlint::hf::HfTokenizer::load(&dir)
        .unwrap_or_else(|e| panic!("{e} (the tests need ../shared beside the repository)"));
    let tok = Counter::HuggingFace {
        tokenizer: std::sync::Arc::new(hf),
        label: "qwen3".into(),
    };
    let shape = |n: usize| {
        let mut m = vec![msg("system", "You are terse.")];
        for i in 0..n {
            m.push(msg("user", &format!("Question {i}?")));
            m.push(msg("assistant", &format!("Answer {i}.")));
        }
        chat(&m, "") + "\n"
    };
    let n = 3000;
    let s = settings(0);
    let (t1, _) = time_check(&shape(n), &s, &tok);
    let (t4, _) = time_check(&shape(FACTOR * n), &s, &tok);
    let ratio = t4.as_secs_f64() / t1.as_secs_f64().max(0.002);
    eprintln!("open-weight replies: n={n} {t1:?}, {FACTOR}n {t4:?}, ratio {ratio:.1}");
    assert!(
        ratio < FACTOR as f64 * 2.5,
        "open-weight replies: {FACTOR}× the turns took {ratio:.1}× the time ({t1:?} → {t4:?})"
    );
}

/// `--tokenizer tiktoken` on one unbroken run of Japanese (a single pre-tokenizer piece):
/// tiktoken's own merge loop is quadratic there, so ftlint counts such pieces with
/// bpe-openai's BPE. Linear, and the count equals the default engine's.
fn reference_engine_on_long_runs() {
    let text = |bytes: usize| -> String {
        let kana: Vec<char> = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん漢字東京都"
            .chars()
            .collect();
        let mut x: u64 = 7;
        let mut s = String::new();
        while s.len() < bytes {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            s.push(kana[(x >> 33) as usize % kana.len()]);
        }
        s
    };
    let tik = Tokenizer::new(Engine::Tiktoken, ftlint::models::Encoding::Cl100kBase);
    let bpe = Tokenizer::new(Engine::Bpe, ftlint::models::Encoding::Cl100kBase);
    let small = text(500_000);
    let large = text(2_000_000);
    let time = |s: &str| {
        let mut best = Duration::MAX;
        let mut n = 0;
        for _ in 0..3 {
            let start = Instant::now();
            n = tik.count(s);
            best = best.min(start.elapsed());
        }
        (best, n)
    };
    let (t1, n1) = time(&small);
    let (t4, n4) = time(&large);
    assert_eq!(n1, bpe.count(&small));
    assert_eq!(n4, bpe.count(&large));
    let ratio = t4.as_secs_f64() / t1.as_secs_f64().max(0.002);
    eprintln!("tiktoken on an unbroken run: {t1:?} → {t4:?}, ratio {ratio:.1}");
    assert!(
        ratio < 10.0,
        "tiktoken, 4× the run took {ratio:.1}× the time"
    );
}

fn many_top_level_keys() {
    // Unknown keys (FT014 each) and every key twice (FT013 each).
    assert_linear(
        "unknown top-level keys",
        |n| {
            let keys: String = (0..n).map(|i| format!(r#","k{i}":{i}"#)).collect();
            chat(&base(), &keys)
        },
        20_000,
    );
    assert_linear(
        "duplicate keys",
        |n| {
            let keys: String = (0..n).map(|i| format!(r#","k{i}":1,"k{i}":2"#)).collect();
            chat(&base(), &keys)
        },
        20_000,
    );
}

fn many_keys_in_one_message() {
    assert_linear(
        "message keys",
        |n| {
            let keys: String = (0..n).map(|i| format!(r#","x{i}":{i}"#)).collect();
            let mut m = base();
            m[1] = format!(r#"{{"role":"user","content":"Hi"{keys}}}"#);
            chat(&m, "")
        },
        20_000,
    );
}

fn many_messages() {
    assert_linear(
        "same-role messages",
        |n| {
            let mut m = base();
            m.extend((0..n).map(|i| msg("user", &format!("question {i}"))));
            m.push(msg("assistant", "ok"));
            chat(&m, "")
        },
        10_000,
    );
    assert_linear(
        "bad roles",
        |n| {
            let mut m = base();
            m.extend((0..n).map(|_| msg("bogus", "x")));
            chat(&m, "")
        },
        10_000,
    );
}

fn many_parts_and_tool_calls() {
    assert_linear(
        "content parts",
        |n| {
            let parts: Vec<String> = (0..n)
                .map(|i| format!(r#"{{"type":"text","text":"part {i}"}}"#))
                .collect();
            let mut m = base();
            m[1] = format!(r#"{{"role":"user","content":[{}]}}"#, parts.join(","));
            chat(&m, "")
        },
        10_000,
    );
    assert_linear(
        "tool calls and answers",
        |n| {
            let calls: Vec<String> = (0..n)
                .map(|i| {
                    format!(
                        r#"{{"id":"call_{i}","type":"function","function":{{"name":"f","arguments":"{{}}"}}}}"#
                    )
                })
                .collect();
            let mut m = base();
            m.push(format!(
                r#"{{"role":"assistant","tool_calls":[{}]}}"#,
                calls.join(",")
            ));
            // Every answer's id is looked up; half match no call (FT043).
            m.extend((0..n).map(|i| {
                format!(
                    r#"{{"role":"tool","tool_call_id":"call_{}","content":"r"}}"#,
                    i * 2
                )
            }));
            m.push(msg("assistant", "done"));
            chat(&m, "")
        },
        5_000,
    );
}

fn long_strings_and_deep_nesting() {
    assert_linear(
        "long content",
        |n| {
            let text: String = (0..n).map(|i| format!("word{} ", i % 97)).collect();
            let mut m = base();
            m[2] = msg("assistant", &text);
            chat(&m, "")
        },
        100_000,
    );
    // Legal nesting (100 levels, under the parser's 128) repeated n times, each with a
    // duplicate key at the bottom: n findings with 100-segment paths.
    assert_linear(
        "deep nesting",
        |n| {
            let one = format!(
                "{}{{\"k\":1,\"k\":2}}{}",
                "{\"a\":".repeat(100),
                "}".repeat(100)
            );
            let many = vec![one; n].join(",");
            chat(&base(), &format!(r#","x":[{many}]"#))
        },
        1_000,
    );
}
