//! Small pieces several renderers need: the verdict in words, counts in words, and
//! paths as code-hosting services want them (relative to the repository, `/`-separated).

use super::Report;
use std::path::{Component, Path};

/// "3 errors, 1 warning", "no errors, 2 warnings (denied)", "no errors, no warnings".
pub fn verdict(r: &Report) -> String {
    if !r.input_errors.is_empty() {
        return format!(
            "could not check every input ({}), {}",
            count(
                r.input_errors.len() as u64,
                "unreadable input",
                "unreadable inputs"
            ),
            findings(r)
        );
    }
    let denied = if r.errors == 0 && r.warnings > 0 && r.deny_warnings {
        " (denied)"
    } else {
        ""
    };
    format!("{}{denied}", findings(r))
}

fn findings(r: &Report) -> String {
    let n = |k: u64, one: &str, many: &str| {
        if k == 0 {
            format!("no {many}")
        } else {
            count(k, one, many)
        }
    };
    format!(
        "{}, {}",
        n(r.errors, "error", "errors"),
        n(r.warnings, "warning", "warnings")
    )
}

/// "1 error", "1,234 errors".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        crate::stats::thousands(n),
        if n == 1 { one } else { many }
    )
}

/// Where a finding is, for services that resolve paths against the repository root
/// (GitHub annotations, SARIF `%SRCROOT%`, GitLab): relative to the current folder,
/// which is where CI runs, with `/` separators and no `./`. `None` when the path lies
/// outside the current folder; the caller then falls back to the path as given.
pub fn repo_relative(path: &str) -> Option<String> {
    let p = Path::new(path);
    let rel = if p.is_absolute() {
        let cwd = std::env::current_dir().ok()?;
        p.strip_prefix(&cwd).ok()?.to_path_buf()
    } else {
        p.to_path_buf()
    };
    let mut parts: Vec<String> = Vec::new();
    for c in rel.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                // `a/../b` is `b`; a leading `..` leaves the repository.
                parts.pop()?;
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// `repo_relative`, or the path as given (with `/` separators) when it is outside.
pub fn display_path(path: &str) -> String {
    repo_relative(path).unwrap_or_else(|| path.replace('\\', "/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_normalised() {
        assert_eq!(
            repo_relative("fixtures/a.jsonl").as_deref(),
            Some("fixtures/a.jsonl")
        );
        assert_eq!(
            repo_relative("./fixtures/./a.jsonl").as_deref(),
            Some("fixtures/a.jsonl")
        );
        assert_eq!(repo_relative("x/../a.jsonl").as_deref(), Some("a.jsonl"));
        assert_eq!(repo_relative("../a.jsonl"), None);
        let cwd = std::env::current_dir().unwrap();
        let abs = cwd.join("data").join("a.jsonl");
        assert_eq!(
            repo_relative(abs.to_str().unwrap()).as_deref(),
            Some("data/a.jsonl")
        );
    }
}
