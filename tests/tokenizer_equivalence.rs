//! The fast engine (bpe-openai behind ftlint's per-thread piece cache) counts exactly
//! like the reference engine (tiktoken-rs) on a broad corpus, for both encodings.
//! This is what allows `--tokenizer bpe` to be the default.

use ftlint::models::Encoding;
use ftlint::tokens::{Engine, Tokenizer};

/// Text a tokenizer finds hard: scripts, code, emoji, whitespace runs, long unbroken
/// runs, contractions, numbers, and special-token text (which must count as ordinary text).
fn hand_written() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "hello world",
        "Hello, World! It's a test; they'll say we've done it, I'd think.",
        "ごめんなさい。嫌です。",
        "東京都渋谷区の天気は晴れです。明日は雨が降るでしょう。",
        "日本語とEnglishのmixed文章、123個のitems。",
        "fn main() {\n    println!(\"{}\", x + 1);\n}\n",
        "def f(x):\n\treturn x**2  # square\r\n",
        "👩‍👩‍👧‍👦 family, 🇯🇵 flag, 👍🏽 thumbs, e\u{301} combining",
        "<|endoftext|>",
        "before <|endoftext|> after <|fim_prefix|><|fim_middle|><|fim_suffix|><|endofprompt|>",
        "<|im_start|>user\nhi<|im_end|>",
        "    leading spaces",
        "trailing spaces    ",
        "tabs\t\t\tand\nnewlines\n\n\n",
        "\r\n\r\n",
        "1234567890 3.14159 -42 1e21 $5,000.00 100%",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "Ωμέγα Привет мир مرحبا بالعالم שלום עולם नमस्ते दुनिया",
        "URL: https://example.com/path?q=1&r=2#frag",
        "'s 't 're 've 'm 'll 'd 'S 'T 'RE",
        "CamelCaseIdentifierWithNumbers123AndMore",
        "snake_case_identifier_with_numbers_123",
        "\u{a0}non-breaking\u{2003}em space\u{3000}ideographic space",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Long unbroken runs and repetitive text, where BPE implementations diverge first.
    v.push("x".repeat(20_000));
    v.push(" ".repeat(5_000));
    v.push("-".repeat(10_000));
    v.push("あ".repeat(5_000));
    v.push("ab1".repeat(4_000));
    v.push("\n".repeat(3_000));
    v.push("😀".repeat(2_000));
    v.push(
        (0..3000u32)
            .map(|i| char::from_u32(0x41 + (i * 7919) % 57).unwrap_or('a'))
            .collect(),
    );
    v
}

/// Deterministic random strings over a palette that mixes every class the
/// pre-tokenizer regex treats differently.
fn fuzz(n: usize) -> Vec<String> {
    const PALETTE: &[&str] = &[
        "a",
        "b",
        "Z",
        "e",
        "th",
        "ing",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "0",
        "7",
        "42",
        "'",
        "'s",
        "'LL",
        ".",
        ",",
        "!",
        "?",
        "-",
        "_",
        "/",
        "\\",
        "\"",
        "{",
        "}",
        "(",
        ")",
        "<|",
        "|>",
        "endoftext",
        "é",
        "ß",
        "ü",
        "日",
        "本",
        "語",
        "。",
        "、",
        "ア",
        "ー",
        "😀",
        "👍🏽",
        "‍",
        "🇯",
        "🇵",
        "\u{301}",
        "\u{a0}",
        "\u{3000}",
        "Ж",
        "ا",
        "ह",
        "∑",
        "€",
        "\u{200b}",
        "\u{feff}",
        "\u{1f}",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64*: deterministic, no dependency.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    (0..n)
        .map(|_| {
            let len = (next() % 40) as usize;
            (0..len)
                .map(|_| PALETTE[(next() % PALETTE.len() as u64) as usize])
                .collect()
        })
        .collect()
}

/// Every string value in the bundled fixtures.
fn fixture_strings() -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(m) => m.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures"
    ))];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                for line in text.lines() {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                        walk(&v, &mut out);
                    }
                }
            }
        }
    }
    out
}

fn assert_engines_agree(corpus: &[String], what: &str) {
    for enc in [Encoding::Cl100kBase, Encoding::O200kBase] {
        let fast = Tokenizer::new(Engine::Bpe, enc);
        let reference = Tokenizer::new(Engine::Tiktoken, enc);
        for s in corpus {
            let want = reference.count(s);
            assert_eq!(fast.count(s), want, "{what}, {}: {s:?}", enc.name());
            // Second time through the cache.
            assert_eq!(
                fast.count(s),
                want,
                "{what}, {} (cached): {s:?}",
                enc.name()
            );
        }
    }
}

#[test]
fn engines_agree_on_hand_written_text() {
    assert_engines_agree(&hand_written(), "hand-written");
}

#[test]
fn engines_agree_on_fuzz_strings() {
    assert_engines_agree(&fuzz(20_000), "fuzz");
}

#[test]
fn engines_agree_on_fixture_text() {
    let strings = fixture_strings();
    assert!(strings.len() > 50);
    assert_engines_agree(&strings, "fixtures");
}

#[test]
fn engines_agree_on_whole_generated_records() {
    // Whole JSON lines as text: long, mixed-script strings with many pieces.
    let path = std::env::temp_dir().join(format!("ftlint-tok-{}.jsonl", std::process::id()));
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/bench/gen_dataset.py"
    );
    assert!(
        std::path::Path::new(script).is_file(),
        "{script} is missing: clone the project's shared folder beside the repository as ../shared (README, First run)"
    );
    let status = std::process::Command::new("python3")
        .arg(script)
        .args(["--records", "1500", "--seed", "3", "--out"])
        .arg(&path)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("python3 runs ../shared/bench/gen_dataset.py");
    assert!(status.success(), "{script} failed");
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert_engines_agree(&lines, "generated records");
}
