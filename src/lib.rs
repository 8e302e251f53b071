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
pub mod display;
pub mod fix;
pub mod formats;
pub mod image;
pub mod input;
pub mod locate;
pub mod models;
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
    run_with_progress(files, validation, settings, no_mmap, &mut |_| {})
}

/// What `run_with_progress` tells its caller, per input (`-` is stdin), so a front end
/// can draw progress without the library knowing about terminals.
#[derive(Clone, Copy, Debug)]
pub enum Progress<'a> {
    Start(&'a OsStr),
    Done(&'a OsStr),
}

/// `run`, calling `progress` before and after each input.
pub fn run_with_progress(
    files: &[impl AsRef<OsStr>],
    validation: Option<&OsStr>,
    settings: &Settings,
    no_mmap: bool,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Report {
    let tokenizer = match (settings.lint_only, settings.model.encoding()) {
        (false, Some(encoding)) => Some(
            tokens::Tokenizer::new(settings.engine, encoding)
                .with_image_cost(settings.model.image_cost),
        ),
        _ => None,
    };
    let mut results = Vec::new();
    let mut errors = Vec::new();
    let jobs = files
        .iter()
        .map(|f| (f.as_ref(), Role::Training))
        .chain(validation.map(|v| (v, Role::Validation)));
    for (spec, role) in jobs {
        progress(Progress::Start(spec));
        // The name in the report: exact when it is UTF-8, its other bytes as `\xff`.
        let name = display::os_str(spec);
        let shown: Arc<str> = if spec == "-" {
            Arc::from("<stdin>")
        } else {
            Arc::from(&*name)
        };
        match input::open_path(std::path::Path::new(spec), no_mmap) {
            Ok(source) => {
                match check::check_source(shown, source, settings, tokenizer.as_ref(), role) {
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
    let counted = tokenizer
        .as_ref()
        .map(|t| (t.encoding().name(), t.engine().as_str()));
    let uncounted = match (&settings.model.tokenizer, settings.lint_only) {
        (models::TokenizerSpec::HuggingFace(repo), false) => Some(format!(
            "{} counts with its own tokenizer and chat template (Hugging Face `{repo}`), which this build of ftlint cannot load yet; linting is complete",
            settings.model.id
        )),
        _ => None,
    };
    Report::build(results, errors, settings, counted, uncounted)
}
