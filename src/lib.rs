//! ftlint: lint OpenAI chat fine-tuning JSONL datasets, count their exact tokens and
//! price them, before anyone pays to train on them.
//!
//! Data flows one way: `input` (bytes in blocks) → `check` (chunks in parallel: parse
//! into `record`, `rules`, `tokens`) → merge in file order → dataset rules → `report`
//! (with `stats` and `cost`) → one renderer.

pub mod check;
pub mod cli;
pub mod config;
pub mod cost;
pub mod diagnostic;
pub mod hf;
pub mod input;
pub mod locate;
pub mod models;
pub mod record;
pub mod report;
pub mod rules;
pub mod settings;
pub mod stats;
pub mod tokens;

use check::Role;
use report::Report;
use settings::Settings;
use std::sync::Arc;

/// Checks every file (and the validation file), never stopping at the first problem:
/// a path that cannot be read is recorded and the others are still checked.
pub fn run(
    files: &[String],
    validation: Option<&str>,
    settings: &Settings,
    no_mmap: bool,
) -> Report {
    run_with_progress(files, validation, settings, no_mmap, &mut |_| {})
}

/// What `run_with_progress` tells its caller, per input (`-` is stdin), so a front end
/// can draw progress without the library knowing about terminals.
#[derive(Clone, Copy, Debug)]
pub enum Progress<'a> {
    Start(&'a str),
    Done(&'a str),
}

/// `run`, calling `progress` before and after each input.
pub fn run_with_progress(
    files: &[String],
    validation: Option<&str>,
    settings: &Settings,
    no_mmap: bool,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Report {
    let tokenizer = (!settings.lint_only)
        .then(|| tokens::Tokenizer::new(settings.engine, settings.model.encoding));
    let mut results = Vec::new();
    let mut errors = Vec::new();
    let jobs = files
        .iter()
        .map(|f| (f.as_str(), Role::Training))
        .chain(validation.map(|v| (v, Role::Validation)));
    for (spec, role) in jobs {
        progress(Progress::Start(spec));
        let display: Arc<str> = if spec == "-" {
            Arc::from("<stdin>")
        } else {
            Arc::from(spec)
        };
        match input::open(spec, no_mmap) {
            Ok(source) => {
                match check::check_source(display, source, settings, tokenizer.as_ref(), role) {
                    Ok(r) => results.push(r),
                    Err(message) => errors.push(input::InputError {
                        path: spec.to_string(),
                        message,
                    }),
                }
            }
            Err(e) => errors.push(e),
        }
        progress(Progress::Done(spec));
    }
    let counted = tokenizer
        .as_ref()
        .map(|t| (t.encoding().name(), t.engine().as_str()));
    Report::build(results, errors, settings, counted)
}
