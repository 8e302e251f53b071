//! Each machine format is what its consumer accepts: SARIF validates against the 2.1.0
//! schema, the Markdown renders as tables (and fits a PR comment), JUnit parses as XML,
//! GitHub annotations stop at GitHub's display limit with a notice.

mod common;

use common::{KNOWN_FAULTS, ftlint, run, stdout, temp_dir};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::path::Path;
use std::process::Command;

const SARIF_SCHEMA: &str = "../shared/schemas/sarif-2.1.0-rtm.5.json";

/// Validates with Python's `jsonschema` (the schema is draft-04). The Rust `jsonschema`
/// crate was measured at several minutes of build time on two cores, too heavy for a
/// dev-dependency; python3-jsonschema is on the machine image.
fn validate_sarif(doc: &str, what: &str) {
    let schema = common::root().join(SARIF_SCHEMA);
    assert!(
        schema.is_file(),
        "{} is missing (../shared beside the repo)",
        schema.display()
    );
    assert!(
        common::python_has("jsonschema"),
        "SARIF validation needs Python's jsonschema: pip install jsonschema"
    );
    let dir = temp_dir("sarif");
    let file = dir.join(format!("{what}.sarif"));
    std::fs::write(&file, doc).unwrap();
    let script = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft4Validator.check_schema(schema)
errors = list(jsonschema.Draft4Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
for e in errors:
    print("/".join(map(str, e.absolute_path)), e.message[:300])
sys.exit(1 if errors else 0)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{what}: SARIF does not validate:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sarif_validates_against_the_schema() {
    let o = run(&["check", KNOWN_FAULTS, "--format", "sarif"]);
    validate_sarif(&stdout(&o), "known_faults");
    // With an unreadable input (a tool notification) and the validation-overlap rule.
    let o = run(&[
        "check",
        "fixtures/rules/FT072_validation_overlap.jsonl",
        "no/such/file.jsonl",
        "--validation-file",
        "fixtures/rules/FT072_validation_overlap.validation.jsonl",
        "--format",
        "sarif",
    ]);
    assert_eq!(o.status.code(), Some(2));
    validate_sarif(&stdout(&o), "input_error");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        doc["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
}

#[test]
fn sarif_paths_are_repo_relative_and_columns_code_points() {
    let abs = common::root().join(KNOWN_FAULTS);
    let o = run(&["check", abs.to_str().unwrap(), "--format", "sarif"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let run = &doc["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "ftlint");
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    let rule = &driver["rules"][0];
    for key in [
        "id",
        "name",
        "shortDescription",
        "fullDescription",
        "help",
        "defaultConfiguration",
    ] {
        assert!(!rule[key].is_null(), "rule without {key}");
    }
    let loc = &run["results"][1]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], KNOWN_FAULTS);
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    // Line 5's bad role comes after Japanese text: code points, not bytes.
    assert_eq!(loc["region"]["startColumn"], 71);
}

/// Every table in `md` as rows of cell texts (header row first).
fn tables(md: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let mut cell: Option<String> = None;
    for ev in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::Table(_)) => tables.push(Vec::new()),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                tables.last_mut().unwrap().push(Vec::new())
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let t = tables.last_mut().unwrap();
                t.last_mut().unwrap().push(cell.take().unwrap());
            }
            Event::Text(s) | Event::Code(s) => {
                if let Some(c) = &mut cell {
                    c.push_str(&s);
                }
            }
            _ => {}
        }
    }
    tables
}

#[test]
fn markdown_renders_as_tables() {
    let md = stdout(&run(&["check", KNOWN_FAULTS, "--format", "markdown"]));
    assert!(
        md.starts_with("## ❌ ftlint: 4 errors, 4 warnings\n"),
        "{md}"
    );
    let t = tables(&md);
    assert_eq!(t.len(), 3, "summary, per rule, findings:\n{md}");
    for table in &t {
        let width = table[0].len();
        assert!(
            table.iter().all(|row| row.len() == width),
            "ragged table {table:?}"
        );
    }
    let summary: Vec<&str> = t[0].iter().skip(1).map(|r| r[0].as_str()).collect();
    for key in [
        "Examples",
        "Errors",
        "Warnings",
        "Tokens",
        "Epochs",
        "Training cost",
        "Usage projection",
        "Model",
    ] {
        assert!(summary.contains(&key), "summary lacks {key}: {summary:?}");
    }
    assert_eq!(t[1].len(), 1 + 8, "one row per rule that fired");
    assert_eq!(t[2].len(), 1 + 8, "one row per finding");
    // Line 3's text holds `|`, a backtick and `<b>`: they stay inside their cell, literal.
    let row3 = t[2].iter().find(|r| r[0].ends_with(":3:109")).unwrap();
    assert_eq!(row3.len(), 5);
    assert!(md.contains("<details>") && md.contains("</details>"));
}

#[test]
fn markdown_escapes_pipes_and_backticks_in_cells() {
    let dir = temp_dir("md_escape");
    let file = dir.join("a.jsonl");
    // A key name holding `|` and a backtick ends up in a message and an excerpt.
    let mut data = common::clean_dataset(10);
    data.push_str("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"assistant\", \"content\": \"y\"}], \"we`ird|key\": 1}\n");
    std::fs::write(&file, data).unwrap();
    let md = stdout(&run(&[
        "check",
        file.to_str().unwrap(),
        "--format",
        "markdown",
    ]));
    let t = tables(&md);
    let findings = t.last().unwrap();
    let row = findings
        .iter()
        .find(|r| r[3].contains("we`ird|key"))
        .unwrap_or_else(|| panic!("the key should appear literally in one Message cell:\n{md}"));
    assert_eq!(row.len(), 5);
    assert!(row[4].contains("we`ird|key"), "{row:?}");
}

fn thousands(n: usize) -> String {
    if n >= 1000 {
        format!("{},{:03}", n / 1000, n % 1000)
    } else {
        n.to_string()
    }
}

#[test]
fn markdown_stays_under_a_pr_comment_limit() {
    let dir = temp_dir("md_limit");
    let file = dir.join("big.jsonl");
    // 3,000 broken lines, each finding's row long: far past 65,536 characters uncut.
    let data: String = (0..3000)
        .map(|i| format!("{{\"messages\": \"{i} {}|`\"}}\n", "x".repeat(300)))
        .collect();
    std::fs::write(&file, data).unwrap();
    let o = run(&[
        "check",
        file.to_str().unwrap(),
        "--format",
        "markdown",
        "--max-diagnostics",
        "0",
    ]);
    let md = stdout(&o);
    let n = md.chars().count();
    assert!(n <= 65_536, "{n} characters");
    assert!(n > 50_000, "the budget should be used: {n}");
    let t = tables(&md);
    let rows = t.last().unwrap().len() - 1;
    // 3,000 broken lines and too-few-examples (none is valid).
    assert!(md.contains("<summary>3,001 findings</summary>"), "{rows}");
    assert!(
        md.contains(&format!(
            "{} listed; {} not: to keep this report under GitHub's 65,536-character comment limit.",
            thousands(rows),
            thousands(3001 - rows)
        )),
        "{}",
        &md[md.len() - 500..]
    );
    assert!(md.trim_end().ends_with("</sub>"));
}

#[test]
fn github_annotations_errors_first_then_a_notice() {
    let dir = temp_dir("gh_many");
    let file = dir.join("many.jsonl");
    // 12 invalid-JSON errors and 12 warnings (no system message).
    let mut data = String::new();
    for i in 0..12 {
        data.push_str("{not json\n");
        data.push_str(&format!(
            "{{\"messages\": [{{\"role\": \"user\", \"content\": \"q{i}\"}}, {{\"role\": \"assistant\", \"content\": \"a{i}\"}}]}}\n"
        ));
    }
    std::fs::write(&file, data).unwrap();
    let out = stdout(&run(&[
        "check",
        file.to_str().unwrap(),
        "--format",
        "github",
        "--select",
        "FT010,FT053",
    ]));
    let kinds: Vec<&str> = out.lines().map(|l| l.split(' ').next().unwrap()).collect();
    let first_warning = kinds.iter().position(|k| *k == "::warning").unwrap();
    assert!(kinds[..first_warning].iter().all(|k| *k == "::error"));
    assert_eq!(kinds.iter().filter(|k| **k == "::error").count(), 12);
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with(
            "::notice title=ftlint%3A more findings::4 more findings than GitHub shows"
        ),
        "{last}"
    );
    // Properties are escaped: a path with `,` and `:` stays one property.
    let odd = dir.join("a,b:c.jsonl");
    std::fs::write(&odd, "{oops\n").unwrap();
    let out = stdout(&run(&[
        "check",
        odd.to_str().unwrap(),
        "--format",
        "github",
        "--lint-only",
    ]));
    assert!(out.contains("a%2Cb%3Ac.jsonl,line=1,"), "{out}");
}

#[test]
fn github_format_appends_markdown_to_the_step_summary() {
    let dir = temp_dir("gh_summary");
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let o = ftlint()
        .args(["check", KNOWN_FAULTS, "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n## ❌ ftlint: 4 errors, 4 warnings"),
        "{text}"
    );
    // The Markdown goes to the summary only, never into the annotations stream.
    assert!(!stdout(&o).contains("## "));
}

#[test]
fn junit_is_well_formed_xml() {
    if !common::python_has("xml.etree.ElementTree") {
        panic!("python3 is needed to parse the JUnit XML");
    }
    let out = stdout(&run(&[
        "check",
        KNOWN_FAULTS,
        "fixtures/japanese_refusals.jsonl",
        "--format",
        "junit",
    ]));
    let dir = temp_dir("junit");
    let file = dir.join("report.xml");
    std::fs::write(&file, &out).unwrap();
    let script = r#"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall("testsuite")
print(len(suites), len(root.findall(".//failure")), int(root.get("failures")), suites[1].find("testcase").get("name"))
print(root.find(".//failure").text.splitlines()[0])
"#;
    let o = Command::new("python3")
        .args(["-c", script])
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        got,
        "2 4 4 no findings\nfixtures/formats_known_faults.jsonl:3:109: error[FT010] invalid JSON: trailing comma\n"
    );
}

#[test]
fn gitlab_fingerprints_are_stable_and_unique() {
    let a = stdout(&run(&["check", KNOWN_FAULTS, "--format", "gitlab"]));
    let b = stdout(&run(&[
        "check",
        KNOWN_FAULTS,
        "--format",
        "gitlab",
        "--lint-only",
    ]));
    assert_eq!(
        a, b,
        "fingerprints must not depend on anything but the finding"
    );
    let issues: serde_json::Value = serde_json::from_str(&a).unwrap();
    let mut fps: Vec<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), 8);
    let first = &issues[0];
    assert_eq!(first["severity"], "major");
    assert_eq!(first["location"]["path"], KNOWN_FAULTS);
    assert_eq!(issues[2]["severity"], "minor");
}

#[test]
fn output_file_gets_the_report_and_stdout_stays_empty() {
    let dir = temp_dir("output_file");
    let file = dir.join("out.sarif");
    let o = run(&[
        "check",
        KNOWN_FAULTS,
        "--output-format",
        "sarif",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"version\": \"2.1.0\""));
    // A folder that does not exist: ftlint could not do its job.
    let o = run(&[
        "check",
        KNOWN_FAULTS,
        "-o",
        Path::new("/no/such/dir/x").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stderr(&o).contains("cannot write the report"));
}
