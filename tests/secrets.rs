//! FT090 secret-in-text and FT091 pii-in-text: recall on true cases, precision on
//! look-alikes, and the match shown masked — never whole — in every output format.

mod common;

use common::ftlint;
use serde_json::Value;
use std::io::Write;

/// (text in an assistant message, expected code, the masked match the message shows).
const FOUND: &[(&str, &str, &str)] = &[
    (
        "Set OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z8xYz and retry.",
        "FT090",
        "sk-proj-Ab…8xYz",
    ),
    (
        "legacy key 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",
        "FT090",
        "sk-4f…G8hJ",
    ),
    (
        "x-api-key: sk-ant-api03-Xy9Kp2Lm4Nq6Rs8Tv0Wx3Yz5Ab7Cd9Ef1Gh3Ij5Kl7Mn9Op-QrStUvAA",
        "FT090",
        "sk-ant-api03-Xy…UvAA",
    ),
    (
        "aws_access_key_id = AKIA2E0A8F3B244C9986",
        "FT090",
        "AKIA2E…9986",
    ),
    (
        "git clone https://ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R@github.com/o/r",
        "FT090",
        "ghp_1a…7q8R",
    ),
    (
        "GH_TOKEN github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW",
        "FT090",
        "github_pat_11…TUVW",
    ),
    (
        "slack: xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "FT090",
        "xoxb-12…UvWx",
    ),
    (
        "maps key AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
        "FT090",
        "AIzaSy…MBWY",
    ),
    (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq9\n-----END RSA PRIVATE KEY-----",
        "FT090",
        "-----BEGIN RSA PRIVATE KEY-----",
    ),
    (
        "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "FT090",
        "eyJhb…sw5c",
    ),
    ("db password=Xk9#mQ2$vL7pR4nT", "FT090", "password=Xk…R4nT"),
    (
        "export DB_PASSWORD: 'f83Kd92LmQ0zPx7Wv5'",
        "FT090",
        "PASSWORD: 'f8…7Wv5",
    ),
    (
        "line one\nsk-proj-Zz9yXx8wVv7uUt6sSr5qQp4oOn3mMl2kKj1iIh0g",
        "FT090",
        "sk-proj-Zz…Ih0g",
    ),
    (
        "write to jane.doe@acme-corp.com today",
        "FT091",
        "ja…@acme-corp.com",
    ),
    ("call +44 20 7946 0958 now", "FT091", "+4…0958"),
    ("携帯 +81-90-1234-5678 まで", "FT091", "+8…5678"),
    ("電話 03-1234-5678 です", "FT091", "03…5678"),
    ("携帯は090-1234-5678です", "FT091", "09…5678"),
    ("番号 09012345678", "FT091", "09…78"),
    ("card 4111 1111 1111 1111 on file", "FT091", "41…1111"),
    ("card 5500-0000-0000-0004", "FT091", "55…0004"),
    ("amex 378282246310005", "FT091", "37…0005"),
    ("IBAN DE89 3704 0044 0532 0130 00", "FT091", "DE…0 00"),
    ("pay to GB82WEST12345698765432", "FT091", "GB…5432"),
];

/// Look-alikes: none is a finding.
const NOT_FOUND: &[&str] = &[
    "The task-force-alpha-bravo-charlie-delta plan",
    "pip install sk-learn-preprocessing-module-v2",
    "desk-lamp-0123456789abcdefghij is the SKU",
    "upgrade to version 1.2.3.4567890 or 10.0.19045.3803",
    "order 4111 1111 1111 1112 shipped",
    "order #1234567890123 and #9876543210987",
    "meeting 2024-01-15 10:30:00 UTC",
    "npm i left-pad@1.3.0 then @property and @Override",
    "write to user@example.com or ops@mail.example.org or a@b.test",
    "password=hunter2",
    "api_key=YOUR_API_KEY_HERE_1234",
    "token: abcdefghijklmnopqrst",
    "set max_tokens=1024 and top_p=0.95",
    "ghp_short and AKIA only",
    "IBAN DE89 3704 0044 0532 0130 01",
    "ISBN 978-3-16-148410-0",
    "UUID 550e8400-e29b-41d4-a716-446655440000",
    "-----BEGIN PUBLIC KEY----- is public",
    "header eyJhbGciOiJIUzI1NiJ9 alone",
    "growth +3.5% year on year, +12 points",
    "unix time 1700000000123",
    "the risk-free rate is 4%",
];

fn record(text: &str) -> String {
    serde_json::json!({"messages": [
        {"role": "user", "content": "Help me."},
        {"role": "assistant", "content": text}
    ]})
    .to_string()
}

fn write_cases(name: &str, texts: &[&str]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ftlint-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    for t in texts {
        writeln!(f, "{}", record(t)).unwrap();
    }
    path
}

fn findings(path: &std::path::Path) -> Vec<(u64, String, String)> {
    let out = ftlint()
        .args(["check", "--isolated", "--lint-only", "--format", "json"])
        .args(["--max-diagnostics", "0", "--select", "FT090,FT091"])
        .arg(path)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_true_case_is_found_once_and_shown_masked() {
    let texts: Vec<&str> = FOUND.iter().map(|c| c.0).collect();
    let got = findings(&write_cases("found.jsonl", &texts));
    for (i, (text, code, shown)) in FOUND.iter().enumerate() {
        let line = i as u64 + 1;
        let here: Vec<_> = got.iter().filter(|f| f.0 == line).collect();
        assert_eq!(here.len(), 1, "{text:?}: {here:?}");
        assert_eq!(here[0].1, *code, "{text:?}");
        assert!(here[0].2.ends_with(shown), "{text:?}: {}", here[0].2);
    }
}

#[test]
fn look_alikes_are_not_findings() {
    let got = findings(&write_cases("lookalikes.jsonl", NOT_FOUND));
    let named: Vec<_> = got
        .iter()
        .map(|f| (NOT_FOUND[f.0 as usize - 1], &f.2))
        .collect();
    assert!(named.is_empty(), "false positives: {named:#?}");
}

/// The secret part of each true case (what must never be printed whole).
fn secrets() -> Vec<&'static str> {
    vec![
        "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z8xYz",
        "AKIA2E0A8F3B244C9986",
        "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R",
        "Xk9#mQ2$vL7pR4nT",
        "4111 1111 1111 1111",
        "jane.doe@acme-corp.com",
    ]
}

#[test]
fn no_output_format_shows_a_secret_whole() {
    // Secrets on lines with other faults too: broken JSON (FT010) and a bad role
    // (FT025), whose excerpts show the raw line.
    let path = write_cases(
        "formats.jsonl",
        &[
            FOUND[0].0,
            FOUND[3].0,
            FOUND[4].0,
            FOUND[10].0,
            FOUND[19].0,
            FOUND[13].0,
        ],
    );
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(
        "{\"messages\":[{\"role\":\"user\",\"content\":\"key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z8xYz\"}\n",
    );
    text.push_str(&format!(
        "{{\"messages\":[{{\"role\":\"sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z8xYz\",\"content\":\"{}\"}}]}}\n",
        "a".repeat(200)
    ));
    std::fs::write(&path, text).unwrap();
    for format in [
        "human",
        "concise",
        "json",
        "json-lines",
        "markdown",
        "github",
        "sarif",
        "junit",
        "gitlab",
    ] {
        let out = ftlint()
            .args(["check", "--isolated", "--lint-only", "--color", "always"])
            .args(["--max-diagnostics", "0", "--format", format])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.contains("FT090"), "{format}");
        for s in secrets() {
            assert!(!all.contains(s), "{format} shows {s}:\n{all}");
            // JSON formats escape nothing in these; the masked form is what they hold.
        }
    }
}

/// A match holding non-ASCII text (a password's value, digits run into Japanese) is
/// masked on character boundaries in every format: it once panicked mid-character.
#[test]
fn non_ascii_matches_are_masked_without_a_panic() {
    let long = format!(
        "{}token=392214480013401テキスト{}",
        "あ".repeat(60),
        "い".repeat(60)
    );
    let path = write_cases(
        "non_ascii.jsonl",
        &[
            "token=392214480013401テキスト",
            "password=pässwörd-Ünïcödé-42",
            "カード 4111 1111 1111 1111 です",
            &long,
        ],
    );
    for format in ["human", "concise", "json", "markdown", "sarif", "html"] {
        let out = ftlint()
            .args([
                "check",
                "--isolated",
                "--lint-only",
                "--max-diagnostics",
                "0",
            ])
            .args(["--format", format])
            .arg(&path)
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {all}");
        assert!(!all.contains("panicked"), "{format}: {all}");
        for s in [
            "392214480013401テキスト",
            "pässwörd-Ünïcödé-42",
            "4111 1111 1111 1111",
        ] {
            assert!(!all.contains(s), "{format} shows {s}:\n{all}");
        }
    }
}
