//! `{"messages": [...], "tools"?: [...]}`: chat records for supervised fine-tuning.

use super::RecordFormat;
use crate::models::Method;
use crate::record::Json;
use crate::rules::{LineCheck, chat};
use crate::tokens::{Counter, ExampleTokens};

pub struct Chat;

impl RecordFormat for Chat {
    fn name(&self) -> &'static str {
        "chat"
    }
    fn method(&self) -> Method {
        Method::Sft
    }
    fn detect(&self, _record: &Json) -> bool {
        true
    }
    fn check(&self, record: &Json, c: &mut LineCheck) {
        chat::check(record, c);
    }
    fn count(&self, counter: &Counter, record: &Json) -> Result<ExampleTokens, String> {
        counter.count_chat(record)
    }
    fn messages(&self, record: &Json) -> usize {
        record
            .get("messages")
            .and_then(Json::as_array)
            .map_or(0, <[_]>::len)
    }
    fn main_key(&self) -> &'static str {
        "messages"
    }
    fn shape(&self) -> &'static str {
        r#"{"messages": [{"role": "user", "content": …}, {"role": "assistant", "content": …}]}"#
    }
}
