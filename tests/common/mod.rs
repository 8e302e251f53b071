//! Helpers shared by the CLI test files: run the real binary from the repository root
//! with an environment that does not leak the developer's (or CI's) settings.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const KNOWN_FAULTS: &str = "fixtures/formats_known_faults.jsonl";

/// The (line, code) pairs `fixtures/formats_known_faults.jsonl` was written to have.
pub const KNOWN: &[(u64, &str)] = &[
    (3, "FT010"),
    (5, "FT025"),
    (6, "FT053"),
    (8, "FT028"),
    (10, "FT071"),
    (12, "FT057"),
    (14, "FT014"),
    (14, "FT020"),
];

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_ftlint")
}

/// A command for the binary in the repository root, with the variables that change
/// ftlint's output removed (tests add back the ones they test).
pub fn ftlint() -> Command {
    let mut c = Command::new(bin());
    c.current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("FTLINT_FORMAT")
        .env_remove("GITHUB_STEP_SUMMARY")
        // A fixed day: FT076 and the default model depend on the date, and outputs must
        // not change as the real date moves.
        .env("FTLINT_AS_OF", AS_OF)
        // No Hugging Face cache unless a test makes one: open-weight models' tokenizers
        // are then "not found", whatever the machine holds.
        .env(
            "HF_HUB_CACHE",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-hf-cache"),
        )
        .env_remove("HF_HOME")
        .stdin(Stdio::null());
    c
}

/// The day every CLI test runs as (`FTLINT_AS_OF`).
pub const AS_OF: &str = "2026-11-29";

pub fn run(args: &[&str]) -> Output {
    ftlint().args(args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh, empty folder under cargo's per-test-target temporary folder.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small valid chat example; `n` makes each one distinct.
pub fn example(n: usize) -> String {
    format!(
        r#"{{"messages": [{{"role": "system", "content": "Be brief."}}, {{"role": "user", "content": "Question {n}?"}}, {{"role": "assistant", "content": "Answer {n}."}}]}}"#
    )
}

/// A dataset of `n` valid examples, one per line.
pub fn clean_dataset(n: usize) -> String {
    (0..n).map(|i| example(i) + "\n").collect()
}

pub fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A temporary folder removed on drop, even when the test fails (read-only files
/// inside are made writable first).
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("ftlint-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(entries) = std::fs::read_dir(&self.0) {
            for e in entries.flatten() {
                let _ = std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o644));
            }
        }
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A Hugging Face hub cache at `cache` holding `repo_id` (ORG/NAME) as `huggingface_hub`
/// lays it out: `refs/main` names the revision, and the snapshot's tokenizer files are
/// relative links into `blobs/` (copies of `tokenizer`'s files), as the hub writes them.
pub fn hf_hub_cache(cache: &Path, repo_id: &str, tokenizer: &Path) {
    let _ = std::fs::remove_dir_all(cache);
    let repo = cache.join(format!("models--{}", repo_id.replace('/', "--")));
    let rev = "9c925d64d72725edaf899c6cb9c377fd0709d9c5";
    let snapshot = repo.join("snapshots").join(rev);
    std::fs::create_dir_all(&snapshot).unwrap();
    std::fs::create_dir_all(repo.join("blobs")).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), rev).unwrap();
    for (i, f) in ["tokenizer.json", "tokenizer_config.json"]
        .iter()
        .enumerate()
    {
        let blob = repo.join(format!("blobs/{i}{i}{i}"));
        std::fs::copy(tokenizer.join(f), &blob).unwrap();
        std::os::unix::fs::symlink(format!("../../blobs/{i}{i}{i}"), snapshot.join(f)).unwrap();
    }
}
