//! Untrusted text in every output: dataset text (roles, keys, values, excerpts) and file
//! names reach terminals, CI logs, GitHub annotations and PR Markdown. Every `--format`
//! runs on `fixtures/hostile/display_injection.jsonl`, on the JSONTestSuite cases, and on
//! files with hostile and non-UTF-8 names, and each output must:
//!
//! - hold no raw control character (but newline and tab), bidi control or other
//!   invisible format character, on stdout, stderr or the step summary;
//! - hold no line that GitHub's runner reads as a workflow command (`::` or `##[` after
//!   leading whitespace) other than ftlint's own annotations;
//! - Markdown (the report and the step summary), rendered by a GFM parser with the
//!   autolink, table and strikethrough extensions: no link, image or HTML element that is
//!   not ftlint's own, no `@mention` or `#123` outside code, every piece of dataset text
//!   alone in a code span of its table cell;
//! - JUnit well-formed XML (Python's expat: strict about characters XML forbids), JSON,
//!   json-lines, SARIF and GitLab valid JSON, with the exact dataset value in JSON.

mod common;
use common::{TempDir, ftlint, root};

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, parse_document};
use serde_json::Value;
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const FORMATS: [&str; 9] = [
    "human",
    "concise",
    "json",
    "json-lines",
    "markdown",
    "github",
    "sarif",
    "junit",
    "gitlab",
];

const HOSTILE: &str = "fixtures/hostile/display_injection.jsonl";

/// What no text output may hold raw. Written out here rather than taken from ftlint's
/// display module, so the test does not trust the code it tests.
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
            | '\u{E0000}'..='\u{E007F}')
}

struct Run {
    what: String,
    format: &'static str,
    code: i32,
    stdout: String,
    stderr: String,
    /// What `--format github` appended to `$GITHUB_STEP_SUMMARY`.
    summary: Option<String>,
}

/// `ftlint check --format FORMAT --max-diagnostics 0 ARGS…` in `cwd`.
fn check(format: &'static str, args: &[&OsStr], cwd: &Path, what: &str) -> Run {
    let summary_dir = TempDir::new("step-summary");
    let summary_path = summary_dir.path("summary.md");
    let mut cmd = ftlint();
    cmd.current_dir(cwd)
        .args(["check", "--format", format, "--max-diagnostics", "0"])
        .args(["--color", "never"])
        .args(args);
    if format == "github" {
        cmd.env("GITHUB_STEP_SUMMARY", &summary_path);
    }
    let out = cmd.output().unwrap();
    let what = format!("{what}, --format {format}");
    Run {
        stdout: String::from_utf8(out.stdout)
            .unwrap_or_else(|e| panic!("{what}: stdout is not UTF-8: {e}")),
        stderr: String::from_utf8(out.stderr)
            .unwrap_or_else(|e| panic!("{what}: stderr is not UTF-8: {e}")),
        summary: (format == "github").then(|| std::fs::read_to_string(&summary_path).unwrap()),
        code: out.status.code().unwrap_or(-1),
        format,
        what,
    }
}

/// ftlint's own workflow commands: annotations and its notices.
fn is_ours(line: &str) -> bool {
    [
        "::error file=",
        "::warning file=",
        "::error title=ftlint%3A ",
        "::notice title=ftlint%3A ",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

fn assert_plain_text(what: &str, stream: &str, text: &str, commands_allowed: bool) {
    if let Some((i, c)) = text.char_indices().find(|(_, c)| hidden(*c)) {
        let mut from = i.saturating_sub(60);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        panic!(
            "{what}: raw U+{:04X} on {stream}, after {:?}",
            c as u32,
            &text[from..i]
        );
    }
    for line in text.lines() {
        // The runner trims leading whitespace before it looks for a command.
        let t = line.trim_start();
        if t.starts_with("::") || t.starts_with("##[") {
            assert!(
                commands_allowed && is_ours(line),
                "{what}: a workflow command on {stream}: {line:?}"
            );
        }
    }
}

/// The checks every output passes, whatever its format. JUnit XML is returned for one
/// batched Python check.
fn assert_safe(r: &Run, xml: &mut Vec<(String, String)>) {
    let what = r.what.as_str();
    assert!(
        !r.stderr.contains("panicked"),
        "{what}: panicked: {}",
        r.stderr
    );
    assert_plain_text(what, "stdout", &r.stdout, r.format == "github");
    assert_plain_text(what, "stderr", &r.stderr, false);
    match r.format {
        "json" | "sarif" | "gitlab" => {
            serde_json::from_str::<Value>(&r.stdout)
                .unwrap_or_else(|e| panic!("{what}: not JSON: {e}"));
        }
        "json-lines" => {
            for line in r.stdout.lines() {
                serde_json::from_str::<Value>(line)
                    .unwrap_or_else(|e| panic!("{what}: a line is not JSON: {e}: {line}"));
            }
        }
        "markdown" => {
            let rows = assert_markdown_safe(what, &r.stdout);
            assert!(rows > 0 || r.code != 1, "{what}: no findings table");
        }
        "github" => {
            let summary = r.summary.as_deref().unwrap();
            assert_plain_text(what, "the step summary", summary, false);
            let rows = assert_markdown_safe(&format!("{what} (step summary)"), summary);
            assert!(
                rows > 0 || r.code != 1,
                "{what}: no findings table in the step summary"
            );
        }
        "junit" => xml.push((what.to_string(), r.stdout.clone())),
        _ => {}
    }
}

/// `@` before a name (a mention), `#` before a number (an issue), or a URL: what GitHub
/// links in a text node.
fn linkable(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    for (i, w) in b.windows(2).enumerate() {
        let mention = w[0] == b'@' && w[1].is_ascii_alphanumeric();
        let issue = w[0] == b'#' && w[1].is_ascii_digit();
        if mention || issue {
            return Some(&text[i..]);
        }
    }
    ["://", "www."]
        .iter()
        .find_map(|p| text.find(p).map(|i| &text[i..]))
}

fn gfm() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.strikethrough = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o
}

fn cells<'a>(row: &'a AstNode<'a>) -> Vec<&'a AstNode<'a>> {
    row.children().collect()
}

/// A table cell that is empty or exactly one code span.
fn is_code_cell<'a>(cell: &'a AstNode<'a>) -> bool {
    let kids: Vec<_> = cell.children().collect();
    kids.is_empty() || (kids.len() == 1 && matches!(kids[0].data().value, NodeValue::Code(_)))
}

fn cell_text<'a>(cell: &'a AstNode<'a>) -> String {
    cell.descendants()
        .filter_map(|n| match &n.data().value {
            NodeValue::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect()
}

/// Returns how many findings rows it checked.
fn assert_markdown_safe(what: &str, md: &str) -> usize {
    let mut rows = 0;
    let arena = Arena::new();
    let doc = parse_document(&arena, md, &gfm());
    for node in doc.descendants() {
        match &node.data().value {
            NodeValue::Link(l) => panic!("{what}: a link to {:?}", l.url),
            NodeValue::Image(l) => panic!("{what}: an image from {:?}", l.url),
            NodeValue::FootnoteReference(_) | NodeValue::TaskItem(_) => {
                panic!(
                    "{what}: Markdown structure from data: {:?}",
                    node.data().value
                )
            }
            NodeValue::HtmlInline(h) => {
                assert!(h == "<sub>" || h == "</sub>", "{what}: inline HTML {h:?}")
            }
            NodeValue::HtmlBlock(b) => {
                for line in b.literal.lines() {
                    let summary = line
                        .strip_prefix("<summary>")
                        .and_then(|l| l.strip_suffix("</summary>"))
                        .is_some_and(|t| {
                            t.chars()
                                .all(|c| c.is_ascii_alphanumeric() || " ,".contains(c))
                        });
                    assert!(
                        line == "<details>" || line == "</details>" || summary,
                        "{what}: HTML {line:?}"
                    );
                }
            }
            NodeValue::Text(t) => {
                if let Some(at) = linkable(t) {
                    panic!("{what}: linkable text outside code: {at:?}");
                }
            }
            NodeValue::Code(c) => assert!(
                !c.literal.chars().any(hidden),
                "{what}: hidden character in code {:?}",
                c.literal
            ),
            NodeValue::Table(_) => rows += assert_table(what, node),
            _ => {}
        }
    }
    rows
}

/// Every row has its header's cells (a pipe in data did not split a cell), and in the
/// findings table location, message and excerpt are each one code span. Returns how
/// many findings rows it checked.
fn assert_table<'a>(what: &str, table: &'a AstNode<'a>) -> usize {
    let mut checked = 0;
    let rows: Vec<_> = table.children().collect();
    let header: Vec<String> = cells(rows[0]).into_iter().map(cell_text).collect();
    for row in &rows[1..] {
        let cs = cells(row);
        assert_eq!(cs.len(), header.len(), "{what}: a row lost or gained cells");
        if header[0] == "Location" {
            for i in [0, 3, 4] {
                assert!(
                    is_code_cell(cs[i]),
                    "{what}: {} cell is not one code span: {:?}",
                    header[i],
                    cs[i]
                        .children()
                        .map(|n| n.data().value.clone())
                        .collect::<Vec<_>>()
                );
            }
            checked += 1;
        }
    }
    checked
}

/// Python's expat parses each document: it rejects every character XML 1.0 forbids.
/// Python is required (the README's test command needs it); a missing python3 fails.
fn assert_xml_well_formed(docs: &[(String, String)]) {
    let dir = TempDir::new("junit-xml");
    let mut paths = Vec::new();
    for (i, (_, xml)) in docs.iter().enumerate() {
        let p = dir.path(&format!("{i}.xml"));
        std::fs::write(&p, xml).unwrap();
        paths.push(p);
    }
    let script = "import sys, xml.etree.ElementTree as E\n\
                  bad = 0\n\
                  for p in sys.argv[1:]:\n\
                  \x20   try:\n\
                  \x20       E.parse(p)\n\
                  \x20   except E.ParseError as e:\n\
                  \x20       bad += 1; print(p, e)\n\
                  sys.exit(1 if bad else 0)\n";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(&paths)
        .stdin(Stdio::null())
        .output()
        .expect("python3 is required to check the JUnit XML (install python3)");
    assert!(
        out.status.success(),
        "JUnit output is not well-formed XML ({:?}):\n{}{}",
        docs.iter().map(|(w, _)| w).collect::<Vec<_>>(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_format_on_the_hostile_fixture() {
    let mut xml = Vec::new();
    let mut json = None;
    for format in FORMATS {
        let r = check(format, &[OsStr::new(HOSTILE)], root(), "hostile fixture");
        assert_eq!(r.code, 1, "{}: {}", r.what, r.stderr);
        assert!(r.stdout.len() > 1000, "{}: too little output", r.what);
        assert_safe(&r, &mut xml);
        if format == "json" {
            json = Some(r.stdout);
        }
    }
    assert_xml_well_formed(&xml);

    // JSON keeps the exact value: the bidi controls decode back, the ESC too.
    let report: Value = serde_json::from_str(&json.unwrap()).unwrap();
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    for exact in [
        "`role` \"safe\u{202e}txt.exe\u{2066}\" is not a role: OpenAI takes `system`, `user`, `assistant`, `tool`, `function`",
        "`role` \"narrator\u{1b}[31mred\u{1b}]0;pwned\u{7}\" is not a role: OpenAI takes `system`, `user`, `assistant`, `tool`, `function`",
        "`@org/team and @org/other-team` is not allowed on a user message",
    ] {
        assert!(messages.contains(&exact), "JSON lost {exact:?}");
    }
}

#[test]
fn people_see_escapes_where_the_data_hides_things() {
    let concise = check("concise", &[OsStr::new(HOSTILE)], root(), "hostile fixture");
    let line = |n: u32| {
        let prefix = format!("{HOSTILE}:{n}:");
        concise
            .stdout
            .lines()
            // FT070 (too few valid examples) is reported at line 1 too.
            .find(|l| l.starts_with(&prefix) && !l.contains("[FT070]"))
            .unwrap_or_else(|| panic!("no finding on line {n}"))
            .to_string()
    };
    assert_eq!(
        line(1),
        format!(
            "{HOSTILE}:1:60: error[FT025] `role` \"narrator\\u001b[31mred\\u001b]0;pwned\\u0007\" is not a role: OpenAI takes `system`, `user`, `assistant`, `tool`, `function`"
        )
    );
    assert!(line(4).contains(r#"`role` "safe\u202etxt.exe\u2066" is not a role"#));
    assert!(line(23).contains(r#"`role` "x\n\u003a:error\u003a:injected" is not a role"#));
    // A megabyte-long value is not a megabyte-long line: cut, with an ellipsis.
    let long = line(31);
    assert!(long.ends_with("kkk…"), "{long}");
    assert!(long.chars().count() < 500, "{}", long.len());

    // The human snippet shows raw control bytes as pictures, in their real column.
    let human = check("human", &[OsStr::new(HOSTILE)], root(), "hostile fixture");
    assert!(
        human
            .stdout
            .contains(r#"{"role": "␛[31m@octocat␛[0m", "content": "\u009b"}"#),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains(&format!("[{HOSTILE}:107:25]")));
}

#[test]
fn colour_is_the_only_escape_sequence_in_human_output() {
    let out = ftlint()
        .args([
            "check",
            "--color",
            "always",
            "--max-diagnostics",
            "0",
            HOSTILE,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut sgr = 0;
    for (i, _) in text.match_indices('\u{1b}') {
        // ESC [ digits/semicolons m: a colour, nothing else.
        let rest = &text[i + 1..];
        let body = rest
            .strip_prefix('[')
            .and_then(|r| r.split_once('m'))
            .map(|(b, _)| b);
        assert!(
            body.is_some_and(|b| b.len() < 20 && b.chars().all(|c| c.is_ascii_digit() || c == ';')),
            "an escape sequence that is not a colour: {:?}",
            &rest[..rest.len().min(30)]
        );
        sgr += 1;
    }
    assert!(sgr > 100, "colour was not on");
    let without: String = text.chars().filter(|c| *c != '\u{1b}').collect();
    assert_plain_text("human --color always", "stdout", &without, false);
}

#[test]
fn every_format_on_the_jsontestsuite_cases() {
    let dir = root().join("../shared/jsontestsuite/test_parsing");
    assert!(
        dir.is_dir(),
        "{} is missing: the JSONTestSuite cases live in shared/ beside the repository",
        dir.display()
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 318, "the suite has 318 parsing cases");
    let mut args: Vec<&OsStr> = vec![OsStr::new("--lint-only")];
    args.extend(files.iter().map(|p| p.as_os_str()));
    let mut xml = Vec::new();
    for format in FORMATS {
        let r = check(format, &args, root(), "JSONTestSuite");
        assert_eq!(r.code, 1, "{}: {}", r.what, r.stderr);
        assert_safe(&r, &mut xml);
    }
    assert_xml_well_formed(&xml);
}

/// One faulty record (role "bot") and a valid one.
const FAULTY: &str = concat!(
    r#"{"messages": [{"role": "system", "content": "s"}, {"role": "bot", "content": "q"}, {"role": "assistant", "content": "a"}]}"#,
    "\n"
);

fn hostile_names() -> Vec<OsString> {
    vec![
        OsString::from("a\n::add-mask::SECRET\n::error::x.jsonl"),
        OsString::from("::error::lead.jsonl"),
        OsString::from(" ##[error]hash.jsonl"),
        // (No `/`: it would name a folder.)
        OsString::from("\u{1b}]8;;https:evil.example\u{7}@octocat\u{202e}lmth.jsonl"),
        OsString::from("pipe|`tick`.jsonl"),
        OsString::from_vec(b"bad\xff\xfe name.jsonl".to_vec()),
    ]
}

#[test]
fn hostile_and_non_utf8_file_names_are_read_and_shown_escaped() {
    let tmp = TempDir::new("hostile-names");
    let names = hostile_names();
    for n in &names {
        std::fs::write(tmp.0.join(n), FAULTY).unwrap();
    }
    let args: Vec<&OsStr> = names.iter().map(OsString::as_os_str).collect();
    let mut xml = Vec::new();
    for format in FORMATS {
        let r = check(format, &args, &tmp.0, "hostile file names");
        // Findings, not "could not do the job": every file was read.
        assert_eq!(r.code, 1, "{}: {}{}", r.what, r.stdout, r.stderr);
        assert_eq!(r.stderr, "", "{}", r.what);
        assert_safe(&r, &mut xml);
        match format {
            "concise" => {
                for want in [
                    r"bad\xff\xfe name.jsonl:1:60: error[FT025]",
                    r"a\n\u003a:add-mask\u003a:SECRET\n\u003a:error\u003a:x.jsonl:1:60:",
                    r"\u003a:error\u003a:lead.jsonl:1:60:",
                    r"\u001b]8;;https:evil.example\u0007@octocat\u202elmth.jsonl:1:60:",
                ] {
                    assert!(r.stdout.contains(want), "{want}\n{}", r.stdout);
                }
            }
            "json" => {
                // Machine formats keep the name; bytes that are not UTF-8 as \xNN.
                let report: Value = serde_json::from_str(&r.stdout).unwrap();
                let paths: Vec<&str> = report["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["path"].as_str().unwrap())
                    .collect();
                assert!(paths.contains(&r"bad\xff\xfe name.jsonl"), "{paths:?}");
                assert!(paths.contains(&"a\n::add-mask::SECRET\n::error::x.jsonl"));
            }
            _ => {}
        }
    }
    assert_xml_well_formed(&xml);

    // A non-UTF-8 validation file and `ftlint config` on such a name work too.
    let bad = OsStr::from_bytes(b"bad\xff\xfe name.jsonl");
    let r = check(
        "concise",
        &[OsStr::new("--validation-file"), bad, names[1].as_os_str()],
        &tmp.0,
        "non-UTF-8 validation file",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains(r"bad\xff\xfe name.jsonl:1:60:"));
    let out = ftlint()
        .current_dir(&tmp.0)
        .arg("config")
        .arg(bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // `ftlint config` names the config file it found, in a folder with a hostile name.
    let folder = tmp.0.join("cfg\n::error::x");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("ftlint.toml"), "max-diagnostics = 7\n").unwrap();
    std::fs::write(folder.join("a.jsonl"), FAULTY).unwrap();
    let out = ftlint()
        .current_dir(&tmp.0)
        .args(["config", "cfg\n::error::x/a.jsonl"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("max-diagnostics = 7"), "{text}");
    assert!(
        text.contains(r"cfg\n\u003a:error\u003a:x/ftlint.toml"),
        "{text}"
    );
    assert_plain_text("ftlint config", "stdout", &text, false);
}

#[test]
fn errors_about_hostile_paths_stay_on_one_safe_line() {
    let tmp = TempDir::new("hostile-errors");
    let missing = "gone\n::add-mask::SECRET\n::error::x.jsonl";
    let shown = r"gone\n\u003a:add-mask\u003a:SECRET\n\u003a:error\u003a:x.jsonl";
    let mut xml = Vec::new();
    for format in FORMATS {
        let r = check(
            format,
            &[OsStr::new(missing)],
            &tmp.0,
            "a missing hostile path",
        );
        assert_eq!(r.code, 2, "{}", r.what);
        assert_eq!(r.stderr, format!("ftlint: error: {shown}: no such file\n"));
        assert_safe(&r, &mut xml);
    }
    assert_xml_well_formed(&xml);

    // Errors before any check (a config file, the report file) name the path the same way.
    let r = check(
        "human",
        &[
            OsStr::new("--config"),
            OsStr::new(missing),
            OsStr::new("x.jsonl"),
        ],
        &tmp.0,
        "a missing hostile config",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(&format!("ftlint: error: {shown}: ")),
        "{}",
        r.stderr
    );
    assert_plain_text(&r.what, "stderr", &r.stderr, false);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);

    std::fs::write(tmp.path("ok.jsonl"), FAULTY).unwrap();
    let report = format!("no-such-dir\n::error::x/{missing}");
    let r = check(
        "json",
        &[
            OsStr::new("-o"),
            OsStr::new(&report),
            OsStr::new("ok.jsonl"),
        ],
        &tmp.0,
        "an unwritable hostile report path",
    );
    assert_eq!(r.code, 2);
    assert_plain_text(&r.what, "stderr", &r.stderr, false);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);

    // And through stdin, a hostile name never appears: `<stdin>` stands for it.
    let mut child = ftlint()
        .args(["check", "--format", "concise", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(FAULTY.as_bytes())
        .unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    assert!(out.contains("\n<stdin>:1:60: error[FT025]"), "{out}");
}
