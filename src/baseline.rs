//! `--baseline FILE` / `--baseline-rev REV`: report only what a change introduces.
//!
//! The baseline is checked first with the same settings, keeping only what the
//! comparison needs: the canonical hash of every record (the duplicate hash), a key of
//! the raw bytes of every line that did not parse, the rules of its file-level
//! findings, its finding count, tokens and training cost. No diagnostics are kept, so
//! memory stays that of a plain `check` plus 16 bytes per baseline line.
//!
//! Then HEAD is checked with those keys: a line whose key the baseline has keeps no
//! finding (a record's line findings depend on the record alone, so they are the ones
//! the baseline already had), a file-level finding whose rule the paired baseline file
//! had is dropped, and a duplicate (FT071) counts as new only beyond the copies the
//! baseline had. What is left is new, and alone decides the exit code.

use crate::check::{self, FileResult, Role};
use crate::cost::Money;
use crate::registry::Rule;
use crate::rules::Findings;
use crate::settings::Settings;
use crate::{display, input, tokens};
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;

/// Seed of the raw-line key, so it is never the canonical hash of the same bytes.
const RAW_SEED: u64 = 0x6674_6c69_6e74_0b5e;

/// The key of a line that did not parse: its bytes (without a CR before the newline).
pub fn raw_key(line: &[u8]) -> u64 {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    xxhash_rust::xxh3::xxh3_64_with_seed(line, RAW_SEED)
}

/// Where the baseline came from, as the reports name it.
#[derive(Clone, Debug, PartialEq)]
pub enum Label {
    Path(String),
    Rev(String),
}

/// What to compare against, from the command line.
pub enum Spec {
    /// Baseline files; the i-th pairs with the i-th input for file-level findings.
    Files(Vec<OsString>),
    /// Every input read at this git revision.
    Rev(String),
}

/// The findings state before a line, to take the line's findings back.
pub struct Mark {
    diags: usize,
    per_rule: Vec<u64>,
    errors: u64,
    warnings: u64,
}

impl Mark {
    pub fn of(f: &Findings) -> Mark {
        Mark {
            diags: f.diags.len(),
            per_rule: f.per_rule.clone(),
            errors: f.errors,
            warnings: f.warnings,
        }
    }

    /// Restores `f`; returns how many findings were taken back.
    pub fn restore(self, f: &mut Findings) -> u64 {
        let taken = (f.errors + f.warnings) - (self.errors + self.warnings);
        f.diags.truncate(self.diags);
        f.per_rule = self.per_rule;
        f.errors = self.errors;
        f.warnings = self.warnings;
        taken
    }
}

/// What the pipeline needs to know of the baseline while it checks one HEAD file.
pub struct FileBase<'a> {
    /// Every baseline key (record hashes and raw-line keys), sorted.
    pub known: &'a [u64],
    /// Canonical hashes of the baseline's training records, sorted, with repeats.
    records: &'a [u64],
    /// Rules of the paired baseline file's file-level findings.
    file_rules: &'a [Rule],
}

impl FileBase<'_> {
    /// Collects keys, suppresses nothing: how the baseline itself is checked.
    const COLLECT: FileBase<'static> = FileBase {
        known: &[],
        records: &[],
        file_rules: &[],
    };

    pub fn had_file_rule(&self, rule: Rule) -> bool {
        self.file_rules.contains(&rule)
    }

    /// `hashes` (hash, line), sorted, cut so that `check_duplicates` flags only the
    /// copies beyond those the baseline had (at least the first copy is never one);
    /// and how many duplicate findings that leaves out.
    pub fn new_copies(&self, hashes: &[(u64, u64)]) -> (Vec<(u64, u64)>, u64) {
        let mut out = Vec::with_capacity(hashes.len());
        let mut old = 0;
        for run in hashes.chunk_by(|a, b| a.0 == b.0) {
            let had = count_of(self.records, run[0].0).max(1);
            let skip = (had - 1).min(run.len() - 1);
            out.extend_from_slice(&run[skip..]);
            old += skip as u64;
        }
        (out, old)
    }
}

fn count_of(sorted: &[u64], h: u64) -> usize {
    sorted.partition_point(|&x| x <= h) - sorted.partition_point(|&x| x < h)
}

/// The baseline, checked.
pub struct Base {
    pub label: Label,
    known: Vec<u64>,
    records: Vec<u64>,
    /// Canonical hashes of the baseline's validation records, sorted.
    validation: Vec<u64>,
    /// Per HEAD input (training files, then the validation file).
    file_rules: Vec<Vec<Rule>>,
    findings: u64,
    tokens: Option<u64>,
    training: Option<Money>,
}

/// The change, as every format shows it. Deltas are HEAD minus BASE over valid
/// examples; None with `--lint-only` or when tokens cannot be counted.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub label: Label,
    pub examples_added: u64,
    pub examples_removed: u64,
    pub examples_unchanged: u64,
    /// Findings HEAD has that the baseline had not (all that the report shows).
    pub new_findings: u64,
    /// Findings the baseline had that HEAD no longer has.
    pub fixed_findings: u64,
    pub tokens_delta: Option<i64>,
    /// In pico-dollars, like `Money`.
    pub training_delta: Option<i128>,
}

impl Summary {
    /// The "this change" table every tabular format shows: (label, value).
    pub fn rows(&self) -> Vec<(&'static str, String)> {
        use crate::stats::thousands;
        let mut rows = vec![
            (
                "Examples",
                format!(
                    "+{} added, −{} removed, {} unchanged",
                    thousands(self.examples_added),
                    thousands(self.examples_removed),
                    thousands(self.examples_unchanged)
                ),
            ),
            (
                "Findings",
                format!(
                    "{} new, {} fixed",
                    thousands(self.new_findings),
                    thousands(self.fixed_findings)
                ),
            ),
        ];
        rows.extend(self.format_tokens_delta().map(|d| ("Tokens", d)));
        rows.extend(self.format_usd_delta().map(|d| ("Training cost", d)));
        rows
    }

    pub fn training_usd_delta(&self) -> Option<f64> {
        self.training_delta.map(|d| d as f64 / 1e12)
    }

    /// `+$0.012`, `-$1.50`, `$0.00`.
    pub fn format_usd_delta(&self) -> Option<String> {
        self.training_delta.map(|d| {
            let abs = Money(d.unsigned_abs()).format_usd();
            match d.signum() {
                1 => format!("+{abs}"),
                -1 => format!("-{abs}"),
                _ => abs,
            }
        })
    }

    pub fn format_tokens_delta(&self) -> Option<String> {
        self.tokens_delta.map(|d| {
            let abs = crate::stats::thousands(d.unsigned_abs());
            match d.signum() {
                1 => format!("+{abs}"),
                -1 => format!("-{abs}"),
                _ => abs,
            }
        })
    }

    /// The change in one line of display text, for the human and concise formats.
    pub fn one_line(&self) -> String {
        let mut s = format!(
            "this change (vs {}): examples +{} added, −{} removed, {} unchanged; findings {} new, {} fixed",
            display::path(&self.against()),
            crate::stats::thousands(self.examples_added),
            crate::stats::thousands(self.examples_removed),
            crate::stats::thousands(self.examples_unchanged),
            crate::stats::thousands(self.new_findings),
            crate::stats::thousands(self.fixed_findings),
        );
        if let (Some(t), Some(u)) = (self.format_tokens_delta(), self.format_usd_delta()) {
            s.push_str(&format!("; tokens {t}, training {u}"));
        }
        s
    }

    /// What it compared against, for prose: `git revision main` or `base.jsonl`.
    pub fn against(&self) -> String {
        match &self.label {
            Label::Path(p) => p.clone(),
            Label::Rev(r) => format!("git revision {r}"),
        }
    }
}

impl Base {
    /// Checks the baseline of `files` (and `validation`). A file missing at the
    /// revision is a new file: nothing of it is known.
    pub fn load(
        spec: &Spec,
        files: &[OsString],
        validation: Option<&OsStr>,
        settings: &Settings,
        no_mmap: bool,
    ) -> Result<Base, String> {
        // Only counts are wanted from the baseline, not diagnostics.
        let mut settings = settings.clone();
        settings.max_diagnostics = 1;
        let settings = &settings;
        let tokenizer = tokens::Counter::for_settings(settings);
        let heads: Vec<(&OsStr, Role)> = files
            .iter()
            .map(|f| (f.as_os_str(), Role::Training))
            .chain(validation.map(|v| (v, Role::Validation)))
            .collect();
        // (index of the HEAD input it pairs with, name, source, role)
        let mut inputs: Vec<(usize, String, input::Source, Role)> = Vec::new();
        let label = match spec {
            Spec::Files(paths) => {
                for (i, p) in paths.iter().enumerate() {
                    let source = input::open_path(Path::new(p), no_mmap)
                        .map_err(|e| format!("baseline {e}"))?;
                    inputs.push((i, display::os_str(p).into_owned(), source, Role::Training));
                }
                Label::Path(
                    paths
                        .iter()
                        .map(|p| display::os_str(p).into_owned())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            }
            Spec::Rev(rev) => {
                for (i, (head, role)) in heads.iter().enumerate() {
                    if let Some(source) = git_show(rev, Path::new(head))? {
                        let name = format!("{rev}:{}", display::os_str(head));
                        inputs.push((i, name, source, *role));
                    }
                }
                Label::Rev(rev.clone())
            }
        };

        let mut file_rules = vec![Vec::new(); heads.len().max(1)];
        let mut results: Vec<FileResult> = Vec::new();
        for (i, name, source, role) in inputs {
            let r = check::check_source_with(
                Arc::from(name.as_str()),
                source,
                settings,
                tokenizer.as_ref(),
                role,
                &|_, _| {},
                Some(&FileBase::COLLECT),
                false,
            )
            .map_err(|e| format!("baseline {name}: {e}"))?;
            if let Some(rules) = file_rules.get_mut(i) {
                rules.extend(&r.file_rules);
            }
            results.push(r);
        }
        let mut known = Vec::new();
        let mut records = Vec::new();
        let mut validation = Vec::new();
        for r in &mut results {
            known.extend(r.hashes.iter().map(|&(h, _)| h));
            known.append(&mut r.raw_keys);
            match r.role {
                Role::Training => records.extend(r.hashes.iter().map(|&(h, _)| h)),
                Role::Validation => validation.extend(r.hashes.iter().map(|&(h, _)| h)),
            }
            r.hashes = Vec::new();
        }
        known.sort_unstable();
        known.dedup();
        records.sort_unstable();
        validation.sort_unstable();
        let counted = tokenizer.as_ref().map(tokens::Counter::names);
        let report = crate::report::Report::build(results, Vec::new(), settings, counted, None);
        Ok(Base {
            label,
            known,
            records,
            validation,
            file_rules,
            findings: report.errors + report.warnings,
            tokens: report.tokens.as_ref().map(|t| t.total),
            training: report.cost.as_ref().map(|c| c.training),
        })
    }

    /// Whether a validation record's overlap with training (FT072) is old: the
    /// baseline's validation file had the record and its training data did too.
    pub fn had_overlap(&self, hash: u64) -> bool {
        self.validation.binary_search(&hash).is_ok() && self.records.binary_search(&hash).is_ok()
    }

    /// What HEAD input `i` is checked against.
    pub fn for_file(&self, i: usize) -> FileBase<'_> {
        FileBase {
            known: &self.known,
            records: &self.records,
            file_rules: self.file_rules.get(i).map_or(&[], Vec::as_slice),
        }
    }

    /// The change from the baseline to HEAD, whose training records' hashes are
    /// `head_records` (sorted, with repeats) and which left out `suppressed` findings.
    pub fn summarize(
        &self,
        head_records: &[u64],
        suppressed: u64,
        head: &crate::report::Report,
    ) -> Summary {
        // Records match as a multiset: two copies in HEAD of a record the baseline
        // had once are one unchanged and one added.
        let (mut i, mut j, mut same) = (0, 0, 0u64);
        while i < head_records.len() && j < self.records.len() {
            match head_records[i].cmp(&self.records[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    same += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let delta = |h: Option<i128>, b: Option<i128>| Some(h? - b.unwrap_or(0));
        Summary {
            label: self.label.clone(),
            examples_added: head_records.len() as u64 - same,
            examples_removed: self.records.len() as u64 - same,
            examples_unchanged: same,
            new_findings: head.errors + head.warnings,
            fixed_findings: self.findings.saturating_sub(suppressed),
            tokens_delta: delta(
                head.tokens.as_ref().map(|t| i128::from(t.total)),
                self.tokens.map(i128::from),
            )
            .map(|d| d as i64),
            training_delta: delta(
                head.cost.as_ref().map(|c| c.training.0 as i128),
                self.training.map(|m| m.0 as i128),
            ),
        }
    }
}

/// `path` as it was at `rev`, streamed from `git show`; None when it did not exist
/// there (a new file). A revision that is not a commit is an error.
fn git_show(rev: &str, path: &Path) -> Result<Option<input::Source>, String> {
    let shown = display::os_str(path.as_os_str()).into_owned();
    if path.as_os_str() == "-" {
        return Err("--baseline-rev cannot read stdin at a revision; name the file".into());
    }
    // Run git in the file's folder with a `./` path: git resolves it against that
    // folder, whatever the current directory or the path's form.
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name() else {
        return Err(format!("{shown}: not a file name"));
    };
    let mut object = OsString::from(format!("{rev}:./"));
    object.push(name);
    let git = |args: &[&OsStr]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run git for --baseline-rev: {e}"))
    };
    let commit = format!("{rev}^{{commit}}");
    let verify = [
        OsStr::new("rev-parse"),
        OsStr::new("--verify"),
        OsStr::new("--quiet"),
        OsStr::new(&commit),
    ];
    if !git(&verify)?.success() {
        return Err(format!(
            "--baseline-rev: `{}` is not a commit in the git repository of {shown}",
            display::text(rev)
        ));
    }
    if !git(&[OsStr::new("cat-file"), OsStr::new("-e"), &object])?.success() {
        return Ok(None);
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .arg("show")
        .arg(&object)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git for --baseline-rev: {e}"))?;
    let stdout = child.stdout.take().ok_or("git show: no output")?;
    Ok(Some(input::Source::Reader(Box::new(GitShow {
        child,
        stdout,
    }))))
}

/// `git show`'s output; at its end, git's exit status, so a failed read is an error
/// and not a shorter baseline.
struct GitShow {
    child: Child,
    stdout: ChildStdout,
}

impl Read for GitShow {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.stdout.read(buf)?;
        if n == 0 && !buf.is_empty() {
            let status = self.child.wait()?;
            if !status.success() {
                return Err(std::io::Error::other(format!("git show failed ({status})")));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_beyond_the_baseline_are_the_new_duplicates() {
        let records = [7, 7, 9];
        let base = FileBase {
            known: &[7, 9],
            records: &records,
            file_rules: &[],
        };
        // HEAD: 7 three times (baseline had two), 9 twice (once), 5 twice (never).
        let hashes = [(5, 1), (5, 8), (7, 2), (7, 3), (7, 4), (9, 5), (9, 6)];
        let (cut, old) = base.new_copies(&hashes);
        // check_duplicates flags all but the first of each run: 5@8, 7@4, 9@6.
        assert_eq!(cut, vec![(5, 1), (5, 8), (7, 3), (7, 4), (9, 5), (9, 6)]);
        assert_eq!(old, 1);
    }

    #[test]
    fn a_delta_has_its_sign() {
        let s = Summary {
            label: Label::Rev("main".into()),
            examples_added: 0,
            examples_removed: 0,
            examples_unchanged: 0,
            new_findings: 0,
            fixed_findings: 0,
            tokens_delta: Some(-1234),
            training_delta: Some(40_000_000_000),
        };
        assert_eq!(s.format_tokens_delta().unwrap(), "-1,234");
        assert_eq!(s.format_usd_delta().unwrap(), "+$0.040");
    }
}
