//! The README stays true: its first commands exist and run what they say, `.ci/run`
//! runs the README's test command, and its rule table lists every rule.

const README: &str = include_str!("../README.md");
const CI: &str = include_str!("../.ci/run");

#[test]
fn readme_starts_with_the_two_newcomer_commands() {
    let block = README
        .split("```sh")
        .nth(1)
        .expect("a sh block near the top");
    let block = block.split("```").next().unwrap();
    let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        lines[0].starts_with("cargo run --release -- check fixtures/"),
        "{}",
        lines[0]
    );
    let fixture = lines[0].split_whitespace().nth(5).unwrap();
    assert!(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(fixture)
            .is_file(),
        "{fixture}"
    );
    assert!(lines[1].starts_with("cargo test"), "{}", lines[1]);
    // README's first block comes before any other section.
    assert!(README.find("```sh").unwrap() < README.find("\n## ").unwrap());
}

#[test]
fn ci_runs_the_readme_test_command() {
    assert!(CI.lines().any(|l| l.trim().starts_with("cargo test")));
    assert!(CI.contains("cargo fmt --check"));
    assert!(
        CI.contains("cargo clippy") && CI.contains("--all-targets") && CI.contains("-D warnings")
    );
}

#[test]
fn readme_lists_every_rule() {
    for r in ftlint::rules::Rule::ALL {
        let row = format!("| {} | {} |", r.code(), r.name());
        assert!(README.contains(&row), "README rule table lacks {row}");
    }
}

#[test]
fn readme_report_is_what_ftlint_prints() {
    let marker = "$ ftlint check fixtures/japanese_refusals.jsonl\n";
    let start = README.find(marker).expect("README shows a run") + marker.len();
    let shown = &README[start..start + README[start..].find("```").unwrap()];
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ftlint"))
        .args([
            "check",
            "fixtures/japanese_refusals.jsonl",
            "--color",
            "never",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), shown);
}
