//! Golden CLI tests: every folder in `tests/golden/` is one run of the real binary.
//!
//! `cmd`: the arguments, one per line (run from the repository root; `stdin` file, if
//! present, is piped in); `stdout`: the exact expected output; `code`: the exit code.
//! `UPDATE_GOLDEN=1 cargo test --test golden` rewrites the expectations; review the diff
//! like code, never in CI.

use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn golden_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut dirs: Vec<_> = std::fs::read_dir(root.join("tests/golden"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("cmd").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no golden cases found");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let cmd = std::fs::read_to_string(dir.join("cmd")).unwrap();
        let args: Vec<&str> = cmd.lines().filter(|l| !l.is_empty()).collect();
        let stdin = std::fs::read(dir.join("stdin")).ok();
        let mut child = Command::new(env!("CARGO_BIN_EXE_ftlint"))
            // A fixed day: FT076 and the default model depend on the date.
            .env("FTLINT_AS_OF", "2026-11-29")
            .args(&args)
            .current_dir(root)
            .env_remove("NO_COLOR")
            .env_remove("FTLINT_FORMAT")
            .env_remove("GITHUB_STEP_SUMMARY")
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(data) = stdin {
            use std::io::Write;
            let mut s = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                let _ = s.write_all(&data);
            });
        }
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let code = out.status.code().unwrap_or(-1).to_string();
        if update {
            std::fs::write(dir.join("stdout"), &stdout).unwrap();
            std::fs::write(dir.join("code"), format!("{code}\n")).unwrap();
            continue;
        }
        let want_out = std::fs::read_to_string(dir.join("stdout")).unwrap_or_default();
        let want_code = std::fs::read_to_string(dir.join("code")).unwrap_or_default();
        if stdout != want_out {
            failures.push(format!(
                "{name}: stdout differs\n--- expected\n{want_out}\n--- got\n{stdout}\n--- stderr\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if code != want_code.trim() {
            failures.push(format!(
                "{name}: exit code {code}, expected {}",
                want_code.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden case(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
