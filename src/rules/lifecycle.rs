//! FT076: the model can no longer (or not yet) be trained at the provider on the day of
//! the check. One finding per run, on the first training file: it is about the job, not
//! about any line.

use super::file::file_diag;
use crate::diagnostic::Diagnostic;
use crate::formats::FormatId;
use crate::models::Training;
use crate::registry::Rule;
use crate::settings::Settings;
use std::sync::Arc;

/// `format`: the records' format, which decides the alternatives worth naming.
pub fn check_model_retired(
    path: &Arc<str>,
    format: FormatId,
    settings: &Settings,
) -> Option<Diagnostic> {
    let date = settings.as_of.as_deref()?;
    let (m, p) = (&settings.model, &settings.provider);
    let why = match m.lifecycle.training_on(date) {
        Training::Open(_) => return None,
        Training::NotYet(d) => format!(
            "{} cannot be fine-tuned at {} on {date}: fine-tuning opens on {d}",
            m.id, p.name
        ),
        Training::Closed { on, source } => format!(
            "{} can no longer be fine-tuned at {} on {date}: no new jobs since {on} (source: {source})",
            m.id, p.name
        ),
    };
    let places = crate::providers::still_trainable(p, m, format, date);
    let help = if places.is_empty() {
        "no built-in provider trains this data on that date; `ftlint models --provider ID` lists every date".to_string()
    } else {
        let n = places.len();
        let listed: Vec<String> = places
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                if i > 0 && i + 1 == n {
                    format!("or {p}")
                } else {
                    p
                }
            })
            .collect();
        format!(
            "the same data can still be trained with {}",
            listed.join("; ")
        )
    };
    file_diag(settings, path, Rule::ModelRetired, 1, why, help)
}
