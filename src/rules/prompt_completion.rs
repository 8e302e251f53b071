//! Checks of a prompt/completion record (babbage-002, davinci-002; Together's
//! "instruction" format).

use super::{LineCheck, key};
use crate::locate::Target;
use crate::record::{Json, KeyCopies};
use crate::registry::Rule;

pub fn check(rec: &Json, c: &mut LineCheck) {
    let Some(fields) = rec.as_object() else {
        return;
    };
    let copies = KeyCopies::of(fields);
    for (i, (k, v)) in fields.iter().enumerate() {
        // A repeated key is one finding, about the value that wins.
        if !copies.is_last(fields, i) {
            continue;
        }
        match k.as_ref() {
            "prompt" | "completion" => match v {
                // Like an empty assistant message (FT028): the model learns to say
                // nothing, and the prompt is still billed.
                Json::Str(text) if text.is_empty() && k == "completion" => c.at(
                    Rule::EmptyContent,
                    &[key(k)],
                    Target::Value,
                    "`completion` is an empty string: the example teaches the model to answer with nothing".to_string(),
                    "fill in the completion the model should learn, or drop the record".to_string(),
                ),
                Json::Str(_) => {}
                _ => c.at(
                    Rule::InvalidLegacyRecord,
                    &[key(k)],
                    Target::Value,
                    format!("`{k}` is {}: it must be a string", super::chat::describe(v)),
                    format!("give `{k}` as a string (quote the value)"),
                ),
            },
            _ => c.at(
                Rule::InvalidLegacyRecord,
                &[key(k)],
                Target::Key,
                format!("unknown key `{k}`: a prompt/completion record holds only `prompt` and `completion`"),
                format!("remove `{k}` (keep metadata in a side file keyed by line number)"),
            ),
        }
    }
    for k in ["prompt", "completion"] {
        if rec.get(k).is_none() {
            c.at(
                Rule::InvalidLegacyRecord,
                &[],
                Target::Value,
                format!("the prompt/completion record has no `{k}`"),
                format!("add \"{k}\": \"…\" (a string)"),
            );
        }
    }
}
