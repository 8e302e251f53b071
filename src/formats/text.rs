//! `{"text": "…"}`: plain text for continued pre-training (Together's "general" format).

use super::RecordFormat;
use crate::models::Method;
use crate::record::Json;
use crate::rules::{LineCheck, text};
use crate::tokens::{Counter, ExampleTokens};

pub struct Text;

impl RecordFormat for Text {
    fn name(&self) -> &'static str {
        "text"
    }
    fn method(&self) -> Method {
        Method::Sft
    }
    fn detect(&self, record: &Json) -> bool {
        record.get("text").is_some()
            && ["messages", "prompt", "completion", "input"]
                .iter()
                .all(|k| record.get(k).is_none())
    }
    fn check(&self, record: &Json, c: &mut LineCheck) {
        text::check(record, c);
    }
    fn count(&self, counter: &Counter, record: &Json) -> Result<ExampleTokens, String> {
        let n = match record.get("text").and_then(Json::as_str) {
            Some(s) => counter.count_text(s)?,
            None => 0,
        };
        // Every token of a plain-text record is trained on.
        Ok(ExampleTokens {
            total: n,
            trained: n,
            prompt: 0,
            completion: n,
            estimated: false,
        })
    }
    fn messages(&self, _record: &Json) -> usize {
        0
    }
    fn main_key(&self) -> &'static str {
        "text"
    }
    fn shape(&self) -> &'static str {
        r#"{"text": "…"}"#
    }
}
