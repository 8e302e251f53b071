//! Cases from a side-by-side run against four real validators (Together's `check_file`,
//! mistral_common, the legacy openai `prepare_data`, the cookbook recipe) where ftlint
//! disagreed with the provider (issue 14). Each case is a file in `fixtures/agreement/`;
//! the tests pin what users see: the exact lines, the exit code, and the help where it
//! carries the fix.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn ftlint(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ftlint"))
        .arg("check")
        .args(args)
        .current_dir(root())
        .env_remove("FTLINT_FORMAT")
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(data) = stdin {
        input.write_all(data).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// `check FILE ARGS --format concise --lint-only`, without the findings every small case
/// shows (fewer than 10 examples, no system message, a second format in the file).
fn concise(file: &str, args: &[&str]) -> (String, i32) {
    let mut all = vec![file];
    all.extend_from_slice(args);
    all.extend_from_slice(&[
        "--format",
        "concise",
        "--lint-only",
        "--max-diagnostics",
        "0",
        "--ignore",
        "FT053,FT061,FT070",
    ]);
    let out = ftlint(&all, None);
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

fn expect(file: &str, args: &[&str], lines: &[&str], code: i32) {
    let (out, got_code) = concise(file, args);
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got, lines, "{file} {args:?}");
    assert_eq!(got_code, code, "{file} {args:?}: exit code");
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json", "--max-diagnostics", "0"]);
    serde_json::from_slice(&ftlint(&all, None).stdout).unwrap()
}

fn help_at(doc: &Value, code: &str, line: u64) -> String {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code && d["line"] == line)
        .unwrap_or_else(|| panic!("no {code} at line {line}"))["help"]
        .as_str()
        .unwrap()
        .to_string()
}

const TOOLS_OK: &str = "fixtures/agreement/tools_without_parameters.jsonl";

/// "omitting `parameters` defines a function with an empty parameter list", and
/// `description` is optional: such tool-calling files are valid, counted and priced.
#[test]
fn definitions_without_parameters_or_description_check_clean() {
    // (As of a day gpt-3.5-turbo still trained, so FT076 stays out of the way.)
    for model in ["gpt-3.5-turbo", "gpt-4o-mini"] {
        let doc = json(&[TOOLS_OK, "--model", model, "--as-of", "2026-06-01"]);
        assert_eq!(doc["diagnostics"], Value::Array(vec![]), "{model}");
        assert_eq!(doc["summary"]["valid_examples"], 11, "{model}");
        assert_eq!(doc["summary"]["exit_code"], 0, "{model}");
        assert!(doc["tokens"]["total"].as_u64().unwrap() > 0, "{model}");
    }
}

#[test]
fn tool_names_counts_and_parameters_follow_the_api() {
    let f = "fixtures/agreement/tool_names_and_limits.jsonl";
    expect(
        f,
        &[],
        &[
            "fixtures/agreement/tool_names_and_limits.jsonl:1:14: error[FT045] `functions` is an empty list: it must hold 1 to 128 function definitions",
            "fixtures/agreement/tool_names_and_limits.jsonl:2:2: error[FT045] `functions` holds 129 definitions: at most 128 are allowed",
            "fixtures/agreement/tool_names_and_limits.jsonl:3:11: error[FT045] tool 1: `function.name` \"get weather\" holds a space: only letters, digits, `_` and `-` are allowed",
            "fixtures/agreement/tool_names_and_limits.jsonl:4:11: error[FT045] tool 1: `function.name` is 65 characters long: at most 64 are allowed",
            "fixtures/agreement/tool_names_and_limits.jsonl:5:11: error[FT045] tool 1: `function.name` \"weather.get\" holds a dot: only letters, digits, `_` and `-` are allowed",
            "fixtures/agreement/tool_names_and_limits.jsonl:6:11: error[FT045] tool 1: `function.parameters.type` is the string \"string\": the parameters schema must be {\"type\": \"object\", …}",
            "fixtures/agreement/tool_names_and_limits.jsonl:7:11: error[FT045] tool 1 has `name` beside `type`: the definition goes inside a `function` object",
            "fixtures/agreement/tool_names_and_limits.jsonl:8:187: error[FT040] tool call 1: `function.name` \"get weather\" holds a space: only letters, digits, `_` and `-` are allowed",
            "fixtures/agreement/tool_names_and_limits.jsonl:9:149: error[FT041] `function_call.name` is an empty string",
            "9 errors, no warnings",
        ],
        1,
    );
}

/// OpenAI failed a real job on one extra key ("Invalid file format. Example 1 contains an
/// extra "weight"."); Together rejects them too; Azure is treated like OpenAI. Fireworks
/// and Mistral document no such check: a warning.
#[test]
fn unknown_top_level_keys_fail_the_job_where_the_provider_rejects_them() {
    let f = "fixtures/agreement/unknown_top_level_keys.jsonl";
    for (provider, name) in [
        ("openai", "OpenAI"),
        ("azure", "Azure OpenAI (Microsoft Foundry)"),
        ("together", "Together AI"),
    ] {
        let lines: Vec<String> = [
            "1:2: error[FT014] unknown top-level key `id`",
            "2:2: error[FT014] unknown top-level key `metadata`",
            "3:2: error[FT014] unknown top-level key `weight`",
        ]
        .iter()
        .map(|l| {
            format!("{f}:{l}: {name} fails the whole job on a key a chat record does not define")
        })
        .chain(["3 errors, no warnings".to_string()])
        .collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        expect(f, &["--provider", provider], &lines, 1);
    }
    for provider in ["fireworks", "mistral"] {
        expect(
            f,
            &["--provider", provider],
            &[
                "fixtures/agreement/unknown_top_level_keys.jsonl:1:2: warning[FT014] unknown top-level key `id`: a chat record does not define it",
                "fixtures/agreement/unknown_top_level_keys.jsonl:2:2: warning[FT014] unknown top-level key `metadata`: a chat record does not define it",
                "fixtures/agreement/unknown_top_level_keys.jsonl:3:2: warning[FT014] unknown top-level key `weight`: a chat record does not define it",
                "no errors, 3 warnings",
            ],
            0,
        );
    }
    let doc = json(&[f]);
    assert_eq!(
        help_at(&doc, "FT014", 1),
        "A chat record holds only `messages`, `tools`, `functions`, `parallel_tool_calls`: remove `id` (keep metadata in a side file keyed by line number)"
    );
}

/// A key given three times is one FT013 and one finding of the rule it breaks: at the top
/// level, in a message, in a preference record's `input`, output message and top level.
#[test]
fn each_finding_once_per_record_and_key() {
    expect(
        "fixtures/agreement/repeated_keys.jsonl",
        &[],
        &[
            "fixtures/agreement/repeated_keys.jsonl:1:16: warning[FT013] key `id` appears more than once; the provider keeps only this last value",
            "fixtures/agreement/repeated_keys.jsonl:1:16: error[FT014] unknown top-level key `id`: OpenAI fails the whole job on a key a chat record does not define",
            "fixtures/agreement/repeated_keys.jsonl:2:60: warning[FT013] key `foo` appears more than once; the provider keeps only this last value",
            "fixtures/agreement/repeated_keys.jsonl:2:60: error[FT029] `foo` is not allowed on a user message",
            "fixtures/agreement/repeated_keys.jsonl:3:61: warning[FT013] key `x` appears more than once; the provider keeps only this last value",
            "fixtures/agreement/repeated_keys.jsonl:3:61: error[FT063] unknown key `x` in `input`",
            "fixtures/agreement/repeated_keys.jsonl:3:133: warning[FT013] key `y` appears more than once; the provider keeps only this last value",
            "fixtures/agreement/repeated_keys.jsonl:3:133: error[FT063] `y` is not allowed on the message in `preferred_output`",
            "fixtures/agreement/repeated_keys.jsonl:3:214: warning[FT013] key `z` appears more than once; the provider keeps only this last value",
            "fixtures/agreement/repeated_keys.jsonl:3:214: error[FT014] unknown top-level key `z`: OpenAI fails the whole job on a key a preference record does not define",
            "5 errors, 5 warnings",
        ],
        1,
    );
}

/// Messages name the field, what it holds and what it must hold.
#[test]
fn messages_say_what_is_wrong_and_what_is_expected() {
    let f = "fixtures/agreement/messages.jsonl";
    expect(
        f,
        &["--model", "gpt-4o-2024-08-06"],
        &[
            "fixtures/agreement/messages.jsonl:1:93: error[FT010] invalid JSON: `NaN` is not a JSON value: JSON numbers are finite",
            "fixtures/agreement/messages.jsonl:2:76: error[FT080] content part 1 is an image in an assistant message: only user messages can contain images",
            "fixtures/agreement/messages.jsonl:3:40: error[FT027] text part 1 has no `text`",
            "fixtures/agreement/messages.jsonl:3:88: error[FT080] `image_url` of part 2 is a string: it must be an object",
            "fixtures/agreement/messages.jsonl:3:117: error[FT027] content part 3 has type \"audio\", which a user message cannot hold",
            "fixtures/agreement/messages.jsonl:4:51: error[FT031] `name` is 7: it must be a non-empty string",
            "fixtures/agreement/messages.jsonl:5:93: error[FT030] `weight` is the string \"1\": it must be an integer, 0 or 1",
            "fixtures/agreement/messages.jsonl:6:93: error[FT030] `weight` is 2: it must be either 0 or 1",
            "fixtures/agreement/messages.jsonl:7:1: error[FT020] the record has no `messages` key: a chat record needs the conversation in `messages`",
            "fixtures/agreement/messages.jsonl:7:2: error[FT014] unknown top-level key `input`: OpenAI fails the whole job on a key a chat record does not define",
            "fixtures/agreement/messages.jsonl:8:86: error[FT014] unknown top-level key `input`: OpenAI fails the whole job on a key a chat record does not define",
            "11 errors, no warnings",
        ],
        1,
    );
    let doc = json(&[f, "--model", "gpt-4o-2024-08-06"]);
    assert_eq!(
        help_at(&doc, "FT010", 1),
        "write null or a finite number; Python's `json.dumps` writes NaN and Infinity unless given `allow_nan=False`"
    );
    // A preference record gone wrong is not told to add `messages` and drop `input`.
    assert_eq!(
        help_at(&doc, "FT020", 7),
        "for a preference record give `input` (with `input.messages`), `preferred_output` and `non_preferred_output`; for a chat record, `messages`"
    );
    let mix = "`input` belongs to a preference record (`input`, `preferred_output`, `non_preferred_output`, no `messages`): write the record as one format or the other";
    assert_eq!(help_at(&doc, "FT014", 7), mix);
    assert_eq!(help_at(&doc, "FT014", 8), mix);
}

/// Like an empty assistant message (FT028), a warning: accepted, but it trains silence.
#[test]
fn an_empty_completion_is_a_warning() {
    expect(
        "fixtures/agreement/empty_completion.jsonl",
        &["--model", "babbage-002", "--as-of", "2026-06-01"],
        &[
            "fixtures/agreement/empty_completion.jsonl:4:31: warning[FT028] `completion` is an empty string: the example teaches the model to answer with nothing",
            "no errors, 1 warning",
        ],
        0,
    );
}

/// A `.jsonl.gz` is read as the JSONL inside (file or stdin), with one warning that the
/// upload must be decompressed; a broken stream is an input error (exit 2), not noise.
#[test]
fn gzip_files_are_read_transparently() {
    let gz = "fixtures/agreement/tools_without_parameters.jsonl.gz";
    let plain = json(&[TOOLS_OK]);
    let packed = json(&[gz]);
    assert_eq!(packed["tokens"], plain["tokens"]);
    assert_eq!(packed["summary"]["valid_examples"], 11);
    let codes: Vec<&str> = packed["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["FT075"]);
    assert_eq!(packed["summary"]["exit_code"], 0);
    for (args, stdin) in [
        (vec![gz, "--no-mmap"], None),
        (vec!["-"], Some(std::fs::read(root().join(gz)).unwrap())),
    ] {
        let mut all = args.clone();
        all.extend_from_slice(&["--format", "concise", "--lint-only"]);
        let out = ftlint(&all, stdin.as_deref());
        let name = if args[0] == "-" { "<stdin>" } else { gz };
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            format!(
                "{name}:1:1: warning[FT075] the file is gzip-compressed: ftlint checked the records inside, but OpenAI takes the file uncompressed\nno errors, 1 warning\n"
            ),
            "{args:?}"
        );
        assert_eq!(out.status.code(), Some(0));
    }
    let out = ftlint(
        &["fixtures/agreement/truncated.jsonl.gz", "--lint-only"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "fixtures/agreement/truncated.jsonl.gz: gzip-compressed, but cannot be decompressed"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A table or a columnar file is one FT009 for the file, not an FT010 per line.
#[test]
fn tables_and_parquet_get_one_finding_for_the_file() {
    for (file, what) in [
        (
            "fixtures/agreement/table.csv",
            "looks like CSV (comma-separated values) with a header row",
        ),
        (
            "fixtures/agreement/table.tsv",
            "looks like TSV (tab-separated values) with a header row",
        ),
        ("fixtures/agreement/shard.parquet", "is a Parquet file"),
    ] {
        expect(
            file,
            &[],
            &[
                &format!(
                    "{file}:1:1: error[FT009] the file {what}, not JSONL (one JSON object per line)"
                ),
                "1 error, no warnings",
            ],
            1,
        );
    }
    // JSONL after a stray first line with commas is not a table: the line is the fault.
    let stray = b"id,messages\n{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"}]}\n";
    let out = ftlint(
        &[
            "-",
            "--format",
            "concise",
            "--lint-only",
            "--select",
            "FT009,FT010",
        ],
        Some(stray),
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "<stdin>:1:1: error[FT010] invalid JSON: expected value\n1 error, no warnings\n"
    );
}
