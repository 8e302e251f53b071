//! Every output format names exactly the same findings: on a fixture with faults on known
//! lines, each format's (line, rule code) pairs, read back the way a consumer of that
//! format would read them, equal the known list. Rendering never changes what was found.

mod common;

use common::{KNOWN, KNOWN_FAULTS, run, stdout};
use serde_json::Value;

type Found = Vec<(u64, String)>;
/// Reads one format's output back into (line, code) pairs.
type Reader = fn(&str) -> Found;

fn output(format: &str) -> String {
    let o = run(&["check", KNOWN_FAULTS, "--format", format]);
    // 1: the fixture has errors; anything else means the run itself failed.
    assert_eq!(o.status.code(), Some(1), "{format}: {}", common::stderr(&o));
    stdout(&o)
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

fn str_(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

/// Text between `start` and the next `end` in `s`.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let to = s[from..].find(end)? + from;
    Some(&s[from..to])
}

fn human(out: &str) -> Found {
    let mut found = Vec::new();
    let mut code: Option<String> = None;
    for line in out.lines() {
        // miette: a `FT010(invalid-json)` header, then `╭─[path:line:col]`.
        if line.starts_with("FT") && line.ends_with(')') {
            code = Some(line[..5].to_string());
        } else if let (Some(c), Some(loc)) = (&code, between(line, "╭─[", "]")) {
            let line_no = loc.rsplit(':').nth(1).unwrap().parse().unwrap();
            found.push((line_no, c.clone()));
            code = None;
        } else if let Some(c) = between(line, "[", "] ").filter(|c| c.starts_with("FT")) {
            // A finding without a source line: `⚠ warning[FT071] path:10: message`.
            let after = &line[line.find("] ").unwrap() + 2..];
            let line_no = after.split(':').nth(1).unwrap().parse().unwrap();
            found.push((line_no, c.to_string()));
        }
    }
    found
}

fn concise(out: &str) -> Found {
    out.lines()
        .filter_map(|l| {
            let code = between(l, "[", "]")?;
            let line_no = l.split(':').nth(1)?.parse().ok()?;
            Some((line_no, code.to_string()))
        })
        .collect()
}

fn json_doc(out: &str) -> Found {
    json(out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (num(&d["line"]), str_(&d["code"])))
        .collect()
}

fn json_lines(out: &str) -> Found {
    let lines: Vec<Value> = out.lines().map(json).collect();
    assert_eq!(lines.last().unwrap()["type"], "summary");
    lines
        .iter()
        .filter(|v| v["type"] == "diagnostic")
        .map(|d| (num(&d["line"]), str_(&d["code"])))
        .collect()
}

fn markdown(out: &str) -> Found {
    // The findings table inside <details>: | `path:line:col` | severity | CODE `name` | …
    let details = between(out, "<details>", "</details>").unwrap();
    details
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let loc = cells[0].trim_start_matches("| ").trim_matches('`');
            let line_no = loc.split(':').nth(1).unwrap().parse().unwrap();
            (line_no, cells[2][..5].to_string())
        })
        .collect()
}

fn github(out: &str) -> Found {
    out.lines()
        .filter(|l| l.starts_with("::error ") || l.starts_with("::warning "))
        .map(|l| {
            let line_no = between(l, ",line=", ",").unwrap().parse().unwrap();
            let code = between(l, "title=", "::").unwrap()[..5].to_string();
            (line_no, code)
        })
        .collect()
}

fn sarif(out: &str) -> Found {
    let doc = json(out);
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            // ruleIndex must point at the rule named by ruleId.
            let idx = num(&r["ruleIndex"]) as usize;
            assert_eq!(rules[idx]["id"], r["ruleId"]);
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (num(&region["startLine"]), str_(&r["ruleId"]))
        })
        .collect()
}

fn junit(out: &str) -> Found {
    out.lines()
        .filter(|l| l.trim_start().starts_with("<testcase ") && l.contains(" line=\""))
        .map(|l| {
            let name = between(l, "name=\"", "\"").unwrap();
            let code = name.split(' ').nth(1).unwrap().to_string();
            (between(l, " line=\"", "\"").unwrap().parse().unwrap(), code)
        })
        .collect()
}

fn gitlab(out: &str) -> Found {
    json(out)
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                num(&i["location"]["lines"]["begin"]),
                str_(&i["check_name"]),
            )
        })
        .collect()
}

#[test]
fn every_format_names_exactly_the_known_findings() {
    let mut want: Found = KNOWN.iter().map(|(l, c)| (*l, c.to_string())).collect();
    want.sort();
    let formats: [(&str, Reader); 9] = [
        ("human", human),
        ("concise", concise),
        ("json", json_doc),
        ("json-lines", json_lines),
        ("markdown", markdown),
        ("github", github),
        ("sarif", sarif),
        ("junit", junit),
        ("gitlab", gitlab),
    ];
    for (name, parse) in formats {
        let mut got = parse(&output(name));
        got.sort();
        assert_eq!(got, want, "--format {name} reports other findings");
    }
}

#[test]
fn every_format_respects_max_diagnostics() {
    // The same capped list everywhere: the first 3 in (path, line, column) order.
    let mut firsts: Vec<(u64, String)> = KNOWN.iter().map(|(l, c)| (*l, c.to_string())).collect();
    firsts.sort();
    let want: Found = firsts.into_iter().take(3).collect();
    for (name, parse) in [
        ("concise", concise as Reader),
        ("sarif", sarif),
        ("gitlab", gitlab),
        ("junit", junit),
        ("github", github),
        ("markdown", markdown),
    ] {
        let o = run(&[
            "check",
            KNOWN_FAULTS,
            "--format",
            name,
            "--max-diagnostics",
            "3",
        ]);
        let mut got = parse(&stdout(&o));
        got.sort();
        assert_eq!(got, want, "--format {name} --max-diagnostics 3");
    }
}
