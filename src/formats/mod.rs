//! Record formats: one module per format behind [`RecordFormat`], registered in
//! [`FORMATS`]. A line's format is detected from its keys; a file's format is that of
//! its first valid record. Adding a format is one module and one row here: the pipeline
//! (`check.rs`), the file rules and the reports work from this table.

mod chat;
mod preference;
mod prompt_completion;
mod text;

use crate::models::Method;
use crate::record::Json;
use crate::rules::LineCheck;
use crate::tokens::{Counter, ExampleTokens};

pub trait RecordFormat: Sync {
    /// The name reports and `files[].format` use: `chat`, `preference`, …
    fn name(&self) -> &'static str;
    /// The training method that reads this format.
    fn method(&self) -> Method;
    /// Whether a JSON object is a record of this format, from its keys.
    fn detect(&self, record: &Json) -> bool;
    /// The record checks (line scope); they live in `rules/`.
    fn check(&self, record: &Json, c: &mut LineCheck);
    /// Tokens of a record that passed its checks. Err: the model's chat template
    /// refused the record (an open-weight model's own template), with its message.
    fn count(&self, counter: &Counter, record: &Json) -> Result<ExampleTokens, String>;
    /// Messages in the example, for the distribution (0: the format has none).
    fn messages(&self, record: &Json) -> usize;
    /// The key an over-limit finding points at.
    fn main_key(&self) -> &'static str;
    /// The record's shape, for help texts.
    fn shape(&self) -> &'static str;
}

/// Every format, in detection order: the first whose `detect` holds wins. Chat comes
/// last and takes every other object, so a record missing `messages` is reported as a
/// chat record that lacks it.
pub static FORMATS: &[&dyn RecordFormat] = &[
    &preference::Preference,
    &prompt_completion::PromptCompletion,
    &text::Text,
    &chat::Chat,
];

/// A format, as its index in [`FORMATS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FormatId(u8);

impl FormatId {
    pub fn get(self) -> &'static dyn RecordFormat {
        FORMATS[usize::from(self.0)]
    }

    pub fn name(self) -> &'static str {
        self.get().name()
    }

    pub fn method(self) -> Method {
        self.get().method()
    }

    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    pub fn all() -> impl Iterator<Item = FormatId> {
        (0..FORMATS.len()).map(|i| FormatId(i as u8))
    }
}

/// The format of a record object.
pub fn detect(record: &Json) -> FormatId {
    FormatId::all()
        .find(|f| f.get().detect(record))
        .unwrap_or(CHAT)
}

pub fn by_name(name: &str) -> Option<FormatId> {
    FormatId::all().find(|f| f.name() == name)
}

/// "`chat`, `preference`, …" for messages.
pub fn names() -> String {
    FormatId::all()
        .map(|f| format!("`{}`", f.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub const CHAT: FormatId = FormatId(3);
pub const PREFERENCE: FormatId = FormatId(0);
pub const PROMPT_COMPLETION: FormatId = FormatId(1);

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> &'static str {
        detect(&serde_json::from_str(s).unwrap()).name()
    }

    #[test]
    fn detection_from_keys() {
        assert_eq!(fmt(r#"{"messages":[]}"#), "chat");
        assert_eq!(
            fmt(r#"{"prompt":"a","completion":"b"}"#),
            "prompt-completion"
        );
        assert_eq!(fmt(r#"{"completion":"b"}"#), "prompt-completion");
        assert_eq!(
            fmt(r#"{"input":{},"preferred_output":[],"non_preferred_output":[]}"#),
            "preference"
        );
        assert_eq!(
            fmt(r#"{"input":{"messages":[]},"preferred_output":[]}"#),
            "preference"
        );
        assert_eq!(fmt(r#"{"text":"hello"}"#), "text");
        // Anything else is judged as chat, so a missing `messages` is named.
        assert_eq!(fmt(r#"{"id":1}"#), "chat");
        assert_eq!(fmt(r#"{"text":"a","messages":[]}"#), "chat");
        assert_eq!(CHAT.name(), "chat");
        assert_eq!(PREFERENCE.name(), "preference");
        assert_eq!(PROMPT_COMPLETION.name(), "prompt-completion");
    }
}
