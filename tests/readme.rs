//! The README stays true: its first commands exist and run what they say, `.ci/run`
//! runs the README's test command, and its rule table lists every rule.

const README: &str = include_str!("../README.md");
const CI: &str = include_str!("../.ci/run");

/// The first screen: install, a first run on a bundled fixture, the tests; then the
/// Rust version (the one Cargo.toml declares), the build time and where `../shared` is.
#[test]
fn readme_starts_with_install_run_and_test() {
    let block = README
        .split("```sh")
        .nth(1)
        .expect("a sh block near the top");
    let block = block.split("```").next().unwrap();
    let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        lines[0].starts_with("cargo install --path . "),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with(FIRST_RUN), "{}", lines[1]);
    let fixture = lines[1].split_whitespace().nth(2).unwrap();
    assert!(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(fixture)
            .is_file(),
        "{fixture}"
    );
    assert!(lines[2].starts_with("cargo test"), "{}", lines[2]);
    // README's first block comes before any other section.
    let first_section = README.find("\n## ").unwrap();
    assert!(README.find("```sh").unwrap() < first_section);
    let first_screen = &README[..first_section];
    let msrv = include_str!("../Cargo.toml")
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("Cargo.toml declares rust-version");
    assert!(first_screen.contains(&format!("**Rust {msrv} or newer**")));
    assert!(first_screen.contains("first build takes a few minutes"));
    assert!(first_screen.contains("`../shared`"));
    assert!(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/LICENSE")).is_file());
}

/// The README's first run, as typed after `ftlint`.
const FIRST_RUN: &str = "ftlint check fixtures/japanese_refusals.jsonl --model gpt-3.5-turbo-0613";

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
    let marker = format!("$ {FIRST_RUN}\n");
    let start = README.find(&marker).expect("README shows a run") + marker.len();
    let shown = &README[start..start + README[start..].find("```").unwrap()];
    let args: Vec<&str> = FIRST_RUN.split_whitespace().skip(1).collect();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ftlint"))
        // A fixed day: FT076 and the default model depend on the date.
        .env("FTLINT_AS_OF", "2026-11-29")
        .args(&args)
        .args(["--color", "never"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), shown);
}
