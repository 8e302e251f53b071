//! Checks of a preference (DPO) record: `{"input": {"messages", "tools"?,
//! "parallel_tool_calls"?}, "preferred_output": [assistant message],
//! "non_preferred_output": [assistant message]}`.

use super::chat::{self, Conversation, check_top_level_keys};
use super::{LineCheck, idx, key};
use crate::locate::Target;
use crate::record::{Json, KeyCopies, canonical_hash};
use crate::registry::Rule;

const TOP_LEVEL_KEYS: &[&str] = &["input", "preferred_output", "non_preferred_output"];
const INPUT_KEYS: &[&str] = &["messages", "tools", "parallel_tool_calls"];
const OUTPUTS: [&str; 2] = ["preferred_output", "non_preferred_output"];

pub fn check(rec: &Json, c: &mut LineCheck) {
    let Some(fields) = rec.as_object() else {
        return;
    };
    check_top_level_keys(fields, TOP_LEVEL_KEYS, "a preference record", c);
    match rec.get("input") {
        None => c.at(
            Rule::InvalidPreferenceRecord,
            &[],
            Target::Value,
            "preference record has no `input`".to_string(),
            "add \"input\": {\"messages\": [{\"role\": \"user\", \"content\": …}]}".to_string(),
        ),
        Some(input @ Json::Object(members)) => {
            let copies = KeyCopies::of(members);
            for (i, (k, _)) in members.iter().enumerate() {
                if INPUT_KEYS.contains(&k.as_ref()) || copies.has_earlier(members, i) {
                    continue;
                }
                c.at(
                    Rule::InvalidPreferenceRecord,
                    &[key("input"), key(k)],
                    Target::Key,
                    format!("unknown key `{k}` in `input`"),
                    "`input` holds only `messages`, `tools` and `parallel_tool_calls`".to_string(),
                );
            }
            chat::check_tool_definitions(input, &[key("input")], c);
            match input.get("messages") {
                None => c.at(
                    Rule::InvalidPreferenceRecord,
                    &[key("input")],
                    Target::Value,
                    "`input` has no `messages`".to_string(),
                    "add the conversation the replies answer: \"messages\": [{\"role\": \"user\", \"content\": …}]".to_string(),
                ),
                Some(messages) => {
                    chat::check_conversation(
                        messages,
                        &[key("input"), key("messages")],
                        Conversation::PreferenceInput,
                        c,
                    );
                }
            }
        }
        Some(other) => c.at(
            Rule::InvalidPreferenceRecord,
            &[key("input")],
            Target::Value,
            format!("`input` is {}, not an object", other.type_name()),
            "write \"input\": {\"messages\": [...]}".to_string(),
        ),
    }
    let mut replies = [None, None];
    for (slot, name) in replies.iter_mut().zip(OUTPUTS) {
        *slot = check_output(rec, name, c);
    }
    if let [Some(a), Some(b)] = replies
        && canonical_hash(a) == canonical_hash(b)
    {
        c.at(
            Rule::IdenticalPreferenceOutputs,
            &[key("non_preferred_output")],
            Target::Key,
            "the preferred and non-preferred outputs are identical: the pair teaches nothing"
                .to_string(),
            "give a worse reply as `non_preferred_output`, or drop the record".to_string(),
        );
    }
}

/// One output list: exactly one assistant message with content. Returns the message
/// when it is well-formed.
fn check_output<'r, 'a>(rec: &'r Json<'a>, name: &str, c: &mut LineCheck) -> Option<&'r Json<'a>> {
    let fault = |c: &mut LineCheck, at: Vec<crate::locate::Seg>, message: String, help: &str| {
        c.at(
            Rule::InvalidPreferenceRecord,
            &at,
            Target::Value,
            message,
            help.to_string(),
        );
    };
    let shape =
        "write it as a list of one message: [{\"role\": \"assistant\", \"content\": \"…\"}]";
    let list = match rec.get(name) {
        None => {
            fault(
                c,
                vec![],
                format!("preference record has no `{name}`"),
                shape,
            );
            return None;
        }
        Some(Json::Array(list)) => list,
        Some(other) => {
            fault(
                c,
                vec![key(name)],
                format!(
                    "`{name}` is {}: it must be a list of exactly one message",
                    other.type_name()
                ),
                shape,
            );
            return None;
        }
    };
    if list.len() != 1 {
        fault(
            c,
            vec![key(name)],
            format!(
                "the `{name}` list must contain exactly one message; it holds {}",
                list.len()
            ),
            "keep one assistant reply per list; write another record for another pair",
        );
        return None;
    }
    let msg = &list[0];
    let at = vec![key(name), idx(0)];
    let Some(fields) = msg.as_object() else {
        fault(
            c,
            at,
            format!(
                "the message in `{name}` is {}, not an object",
                msg.type_name()
            ),
            shape,
        );
        return None;
    };
    let role = msg.get("role").and_then(Json::as_str);
    if role != Some("assistant") {
        let mut at_role = at.clone();
        at_role.push(key("role"));
        fault(
            c,
            if msg.get("role").is_some() {
                at_role
            } else {
                at
            },
            match msg.get("role") {
                None => format!("the message in `{name}` has no `role`: it must be \"assistant\""),
                Some(r) => format!(
                    "the message in `{name}` has role {}: it must be \"assistant\"",
                    chat::describe(r)
                ),
            },
            "set \"role\": \"assistant\"",
        );
        return None;
    }
    let copies = KeyCopies::of(fields);
    for (i, (k, _)) in fields.iter().enumerate() {
        let allowed = ["role", "content", "tool_calls", "refusal"];
        if allowed.contains(&k.as_ref()) || copies.has_earlier(fields, i) {
            continue;
        }
        let mut at_k = at.clone();
        at_k.push(key(k));
        c.at(
            Rule::InvalidPreferenceRecord,
            &at_k,
            Target::Key,
            format!("`{k}` is not allowed on the message in `{name}`"),
            "an output message takes only `role`, `content` (and `tool_calls`, `refusal`)"
                .to_string(),
        );
    }
    let mut at_content = at.clone();
    at_content.push(key("content"));
    match msg.get("content") {
        Some(Json::Str(s)) if !s.is_empty() => Some(msg),
        None if msg.get("tool_calls").is_some() => Some(msg),
        Some(Json::Array(parts)) if !parts.is_empty() => Some(msg),
        Some(Json::Str(_)) => {
            c.at(
                Rule::EmptyContent,
                &at_content,
                Target::Value,
                format!("the message in `{name}` has empty `content`"),
                "give the reply's text".to_string(),
            );
            None
        }
        other => {
            fault(
                c,
                if other.is_some() { at_content } else { at },
                match other {
                    None => format!("the message in `{name}` has no `content`"),
                    Some(v) => format!(
                        "`content` of the message in `{name}` is {}: it must be a string",
                        v.type_name()
                    ),
                },
                "give the reply as \"content\": \"…\"",
            );
            None
        }
    }
}
