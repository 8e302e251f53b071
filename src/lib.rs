//! ftlint: lint OpenAI chat fine-tuning JSONL datasets, count their exact tokens and
//! price them, before anyone pays to train on them.
//!
//! Data flows one way: `input` (bytes in blocks) → `check` (chunks in parallel: parse
//! into `record`, `rules`, `tokens`) → merge in file order → dataset rules → `report`
//! (with `stats` and `cost`) → one renderer.

pub mod baseline;
pub mod check;
pub mod cli;
pub mod config;
pub mod cost;
pub mod diagnostic;
pub mod display;
pub mod fix;
pub mod formats;
pub mod hf;
pub mod image;
pub mod input;
pub mod locate;
pub mod models;
pub mod pretok;
pub mod providers;
pub mod record;
pub mod registry;
pub mod report;
pub mod rules;
pub mod settings;
pub mod split;
pub mod stats;
pub mod tokens;

use check::Role;
use report::Report;
use settings::Settings;
use std::ffi::OsStr;
use std::sync::Arc;

/// Checks every file (and the validation file), never stopping at the first problem:
/// a path that cannot be read is recorded and the others are still checked.
pub fn run(
    files: &[impl AsRef<OsStr>],
    validation: Option<&str>,
    settings: &Settings,
    no_mmap: bool,
) -> Report {
    let validation = validation.map(OsStr::new);
    run_with_progress(files, validation, settings, no_mmap, &|_| {})
}

/// What `run_with_progress` tells its caller, so a front end can draw progress without
/// the library knowing about terminals: each input (`-` is stdin) starting and done, and
/// in between the bytes and records of each chunk checked.
#[derive(Clone, Copy, Debug)]
pub enum Progress<'a> {
    Start(&'a OsStr),
    /// A chunk of the current input is checked (reported from worker threads).
    Chunk {
        bytes: u64,
        records: u64,
    },
    Done(&'a OsStr),
}

/// `run`, calling `progress` as inputs start and finish and as chunks are checked.
pub fn run_with_progress(
    files: &[impl AsRef<OsStr>],
    validation: Option<&OsStr>,
    settings: &Settings,
    no_mmap: bool,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Report {
    run_against(files, validation, settings, no_mmap, progress, None)
}

/// Why a run that counts has no tokenizer: an open-weight model whose tokenizer is not
/// in the local Hugging Face cache. Says how to fetch it.
pub fn uncounted_reason(settings: &Settings) -> Option<String> {
    match (&settings.open_weight, settings.lint_only) {
        (Some(settings::OpenWeight::Missing { repo, why }), false) => Some(format!(
            "{} counts with its own tokenizer and chat template (Hugging Face `{repo}`): {why}; or pass --tokenizer-path DIR; linting is complete",
            settings.model.id
        )),
        _ => None,
    }
}

/// `run_with_progress` against a baseline (`--baseline`, `--baseline-rev`): only what
/// the change introduces is reported, and the report says what it changed.
pub fn run_against(
    files: &[impl AsRef<OsStr>],
    validation: Option<&OsStr>,
    settings: &Settings,
    no_mmap: bool,
    progress: &(dyn Fn(Progress<'_>) + Sync),
    baseline: Option<&baseline::Base>,
) -> Report {
    let tokenizer = tokens::Counter::for_settings(settings);
    let mut results = Vec::new();
    let mut errors = Vec::new();
    let jobs = files
        .iter()
        .map(|f| (f.as_ref(), Role::Training))
        .chain(validation.map(|v| (v, Role::Validation)));
    for (i, (spec, role)) in jobs.enumerate() {
        progress(Progress::Start(spec));
        // The name in the report: exact when it is UTF-8, its other bytes as `\xff`.
        let name = display::os_str(spec);
        let shown: Arc<str> = if spec == "-" {
            Arc::from("<stdin>")
        } else {
            Arc::from(&*name)
        };
        let opened = if settings.follow_symlinks {
            Ok(())
        } else {
            input::refuse_symlink(std::path::Path::new(spec))
        }
        .and_then(|()| input::open_path(std::path::Path::new(spec), no_mmap));
        match opened {
            Ok(source) => {
                let chunk = |bytes, records| progress(Progress::Chunk { bytes, records });
                let base = baseline.map(|b| b.for_file(i));
                match check::check_source_with(
                    shown,
                    source,
                    settings,
                    tokenizer.as_ref(),
                    role,
                    &chunk,
                    base.as_ref(),
                    false,
                ) {
                    Ok(r) => results.push(r),
                    Err(message) => errors.push(input::InputError {
                        path: name.into_owned(),
                        message,
                    }),
                }
            }
            Err(e) => errors.push(e),
        }
        progress(Progress::Done(spec));
    }
    let counted = tokenizer.as_ref().map(tokens::Counter::names);
    let uncounted = uncounted_reason(settings);
    // FT072 is judged across files, in `Report::build`: an overlap the baseline already
    // had is old, so that validation record is left out of the comparison.
    if let Some(b) = baseline {
        let mut train: Vec<u64> = results
            .iter()
            .filter(|r| r.role == Role::Training)
            .flat_map(|r| r.hashes.iter().map(|&(h, _)| h))
            .collect();
        train.sort_unstable();
        let reported = settings
            .severity(crate::registry::Rule::ValidationOverlap)
            .is_some();
        for r in results.iter_mut().filter(|r| r.role == Role::Validation) {
            let mut old = 0;
            r.hashes.retain(|&(h, _)| {
                let keep = !b.had_overlap(h);
                // Counted as a finding the baseline had, when HEAD would report it.
                old += u64::from(!keep && reported && train.binary_search(&h).is_ok());
                keep
            });
            r.suppressed += old;
        }
    }
    let head = baseline.map(|_| {
        let mut records: Vec<u64> = results
            .iter()
            .filter(|r| r.role == Role::Training)
            .flat_map(|r| r.hashes.iter().map(|&(h, _)| h))
            .collect();
        records.sort_unstable();
        (records, results.iter().map(|r| r.suppressed).sum::<u64>())
    });
    let mut report = Report::build(results, errors, settings, counted, uncounted);
    if let (Some(b), Some((records, suppressed))) = (baseline, head) {
        report.baseline = Some(b.summarize(&records, suppressed, &report));
    }
    report
}
