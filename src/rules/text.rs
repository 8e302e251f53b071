//! Checks of a plain-text record: `{"text": "…"}`.

use super::{LineCheck, key};
use crate::locate::Target;
use crate::record::{Json, KeyCopies};
use crate::registry::Rule;

pub fn check(rec: &Json, c: &mut LineCheck) {
    let Some(fields) = rec.as_object() else {
        return;
    };
    let copies = KeyCopies::of(fields);
    for (i, (k, _)) in fields.iter().enumerate() {
        if k == "text" || copies.has_earlier(fields, i) {
            continue;
        }
        c.at(
            Rule::InvalidTextRecord,
            &[key(k)],
            Target::Key,
            format!("unknown key `{k}`: a text record holds only `text`"),
            format!("remove `{k}` (keep metadata in a side file keyed by line number)"),
        );
    }
    match rec.get("text") {
        Some(Json::Str(s)) if !s.is_empty() => {}
        Some(v) => c.at(
            Rule::InvalidTextRecord,
            &[key("text")],
            Target::Value,
            format!(
                "`text` is {}: it must be a non-empty string",
                super::chat::describe(v)
            ),
            "give the text to train on as a string".to_string(),
        ),
        None => {}
    }
}
