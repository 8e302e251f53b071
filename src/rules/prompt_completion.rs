//! Checks of a prompt/completion record (babbage-002, davinci-002; Together's
//! "instruction" format).

use super::{LineCheck, key};
use crate::locate::Target;
use crate::record::Json;
use crate::registry::Rule;

pub fn check(rec: &Json, c: &mut LineCheck) {
    let Some(fields) = rec.as_object() else {
        return;
    };
    for (i, (k, v)) in fields.iter().enumerate() {
        // A repeated key is one finding, about the value that wins.
        if fields[i + 1..].iter().any(|(k1, _)| k1 == k) {
            continue;
        }
        match k.as_ref() {
            "prompt" | "completion" => {
                if !matches!(v, Json::Str(_)) {
                    c.at(
                        Rule::InvalidLegacyRecord,
                        &[key(k)],
                        Target::Value,
                        format!("`{k}` is {}: it must be a string", v.type_name()),
                        format!("give `{k}` as a string"),
                    );
                }
            }
            _ => c.at(
                Rule::InvalidLegacyRecord,
                &[key(k)],
                Target::Key,
                format!("unknown key `{k}` in a prompt/completion record"),
                "a prompt/completion record holds only `prompt` and `completion`".to_string(),
            ),
        }
    }
    for k in ["prompt", "completion"] {
        if rec.get(k).is_none() {
            c.at(
                Rule::InvalidLegacyRecord,
                &[],
                Target::Value,
                format!("prompt/completion record has no `{k}`"),
                format!("add `{k}`"),
            );
        }
    }
}
