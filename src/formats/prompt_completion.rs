//! `{"prompt": …, "completion": …}`: OpenAI's legacy completion models (babbage-002,
//! davinci-002) and Together's "instruction" format.

use super::RecordFormat;
use crate::models::Method;
use crate::record::Json;
use crate::rules::{LineCheck, prompt_completion};
use crate::tokens::{Counter, ExampleTokens};

pub struct PromptCompletion;

impl RecordFormat for PromptCompletion {
    fn name(&self) -> &'static str {
        "prompt-completion"
    }
    fn method(&self) -> Method {
        Method::Sft
    }
    fn detect(&self, record: &Json) -> bool {
        record.get("messages").is_none()
            && (record.get("prompt").is_some() || record.get("completion").is_some())
    }
    fn check(&self, record: &Json, c: &mut LineCheck) {
        prompt_completion::check(record, c);
    }
    fn count(&self, counter: &Counter, record: &Json) -> Result<ExampleTokens, String> {
        counter.count_prompt_completion(record)
    }
    fn messages(&self, _record: &Json) -> usize {
        0
    }
    fn main_key(&self) -> &'static str {
        "prompt"
    }
    fn shape(&self) -> &'static str {
        r#"{"prompt": "…", "completion": "…"}"#
    }
}
