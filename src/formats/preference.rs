//! `{"input": {"messages": [...], "tools"?: [...]}, "preferred_output": [assistant],
//! "non_preferred_output": [assistant]}`: preference pairs for DPO (OpenAI, Azure, and
//! Together's `preference_openai`).

use super::RecordFormat;
use crate::models::Method;
use crate::record::Json;
use crate::rules::{LineCheck, preference};
use crate::tokens::{Counter, ExampleTokens};

pub struct Preference;

impl RecordFormat for Preference {
    fn name(&self) -> &'static str {
        "preference"
    }
    fn method(&self) -> Method {
        Method::Dpo
    }
    fn detect(&self, record: &Json) -> bool {
        record.get("messages").is_none()
            && (record.get("preferred_output").is_some()
                || record.get("non_preferred_output").is_some()
                || record
                    .get("input")
                    .is_some_and(|i| i.get("messages").is_some()))
    }
    fn check(&self, record: &Json, c: &mut LineCheck) {
        preference::check(record, c);
    }
    fn count(&self, counter: &Counter, record: &Json) -> Result<ExampleTokens, String> {
        counter.count_preference(record)
    }
    fn messages(&self, record: &Json) -> usize {
        // The input conversation and the reply it trains on.
        record
            .get("input")
            .and_then(|i| i.get("messages"))
            .and_then(Json::as_array)
            .map_or(0, <[_]>::len)
            + 1
    }
    fn main_key(&self) -> &'static str {
        "input"
    }
    fn shape(&self) -> &'static str {
        r#"{"input": {"messages": […]}, "preferred_output": [{"role": "assistant", "content": …}], "non_preferred_output": [{"role": "assistant", "content": …}]}"#
    }
}
