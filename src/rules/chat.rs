//! Checks of a chat record: `{"messages": [...], "tools"?: [...], ...}`.

use super::{LineCheck, Rule, idx, key};
use crate::locate::{Seg, Target};
use crate::record::Json;

const TOP_LEVEL_KEYS: &[&str] = &["messages", "tools", "functions", "parallel_tool_calls"];
const ROLES: &[&str] = &["system", "user", "assistant", "tool", "function"];

/// Special-token text the provider refuses in training data (cl100k_base and o200k_base
/// specials, and the ChatML markers).
pub const SPECIAL_TOKENS: &[&str] = &[
    "<|endoftext|>",
    "<|fim_prefix|>",
    "<|fim_middle|>",
    "<|fim_suffix|>",
    "<|endofprompt|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|im_sep|>",
    "<|startoftext|>",
];

fn allowed_keys(role: &str) -> &'static [&'static str] {
    match role {
        "system" | "user" => &["role", "content", "name"],
        "assistant" => &[
            "role",
            "content",
            "name",
            "weight",
            "tool_calls",
            "function_call",
            "refusal",
        ],
        "tool" => &["role", "content", "tool_call_id"],
        "function" => &["role", "content", "name"],
        _ => &[],
    }
}

fn m(i: usize) -> Vec<Seg> {
    vec![key("messages"), idx(i)]
}

fn mk(i: usize, k: &str) -> Vec<Seg> {
    vec![key("messages"), idx(i), key(k)]
}

/// Checks a chat record (an object). Returns true when its messages were well-formed
/// enough to count tokens.
pub fn check(rec: &Json, c: &mut LineCheck) {
    let Some(fields) = rec.as_object() else {
        return;
    };
    for (k, _) in fields {
        if !TOP_LEVEL_KEYS.contains(&k.as_ref()) {
            c.at(
                Rule::UnknownTopLevelKey,
                &[key(k)],
                Target::Key,
                format!("unknown top-level key `{k}`"),
                format!(
                    "a chat record holds only {}; remove `{k}` or keep it outside the training file",
                    quoted_list(TOP_LEVEL_KEYS)
                ),
            );
        }
    }
    check_tool_definitions(rec, c);

    let Some(messages) = rec.get("messages") else {
        let lookalike = fields.iter().map(|(k, _)| k.as_ref()).find(|k| {
            let l = k.to_ascii_lowercase();
            l == "messages" || l == "message" || l == "conversation" || l == "msgs"
        });
        let help = match lookalike {
            Some(k) => format!("rename `{k}` to `messages`"),
            None => "add `\"messages\": [{\"role\": \"user\", \"content\": …}, {\"role\": \"assistant\", \"content\": …}]`".to_string(),
        };
        c.at(
            Rule::MissingMessages,
            &[],
            Target::Value,
            "record has no `messages` key".to_string(),
            help,
        );
        return;
    };
    let Some(msgs) = messages.as_array() else {
        c.at(
            Rule::MessagesNotArray,
            &[key("messages")],
            Target::Value,
            format!("`messages` is {}, not an array", messages.type_name()),
            "make `messages` an array of {\"role\", \"content\"} objects".to_string(),
        );
        return;
    };
    if msgs.is_empty() {
        c.at(
            Rule::EmptyMessages,
            &[key("messages")],
            Target::Value,
            "`messages` is empty".to_string(),
            "add at least a user and an assistant message, or drop the line".to_string(),
        );
        return;
    }

    // A set: a record with thousands of tool calls and answers stays linear (FT043).
    let mut call_ids: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    let mut roles: Vec<Option<&str>> = Vec::with_capacity(msgs.len());
    let mut assistants = 0usize;
    let mut assistants_weight_zero = 0usize;
    for (i, msg) in msgs.iter().enumerate() {
        let role = check_message(i, msg, c, &mut call_ids);
        if role == Some("assistant") {
            assistants += 1;
            if msg.get("weight") == Some(&Json::Int(0)) {
                assistants_weight_zero += 1;
            }
        }
        roles.push(role);
    }

    // Conversation-level rules need every role known; a broken message is reported
    // already, and guessing around it would only add noise.
    if roles.iter().any(|r| !r.is_some_and(|r| ROLES.contains(&r))) {
        return;
    }
    // Pointed at the `messages` key.
    let at_messages = [key("messages")];
    if assistants == 0 {
        c.at(
            Rule::NoAssistantMessage,
            &at_messages,
            Target::Key,
            "no assistant message: nothing to train on".to_string(),
            "add the assistant reply the model should learn".to_string(),
        );
    } else if assistants == assistants_weight_zero {
        c.at(
            Rule::NothingToTrain,
            &at_messages,
            Target::Key,
            format!("all {assistants} assistant messages have `weight: 0`: the example trains nothing but is billed"),
            "set `weight: 1` on the reply to learn, or drop the example".to_string(),
        );
    }
    if !roles.contains(&Some("system")) {
        c.at(
            Rule::NoSystemMessage,
            &at_messages,
            Target::Key,
            "no system message".to_string(),
            "start with the system prompt the tuned model will be used with".to_string(),
        );
    }
    if !roles.contains(&Some("user")) {
        c.at(
            Rule::NoUserMessage,
            &at_messages,
            Target::Key,
            "no user message".to_string(),
            "add the user turn the assistant answers".to_string(),
        );
    }
    if let Some(Some(last)) = roles.last()
        && *last != "assistant"
        && ROLES.contains(last)
    {
        c.at(
            Rule::LastMessageNotAssistant,
            &m(msgs.len() - 1),
            Target::Value,
            format!("the last message is from `{last}`, not the assistant: trailing turns teach nothing but are billed"),
            "end the example with the assistant reply, or drop the trailing messages".to_string(),
        );
    }
    for i in 1..roles.len() {
        if let (Some(a), Some(b)) = (roles[i - 1], roles[i])
            && a == b
            && a != "tool"
            && ROLES.contains(&a)
        {
            c.at(
                Rule::ConsecutiveSameRole,
                &mk(i, "role"),
                Target::Value,
                format!(
                    "messages {} and {} are both from `{a}`",
                    i, // 1-based index of the previous message
                    i + 1
                ),
                "merge the two messages into one, or insert the missing turn".to_string(),
            );
        }
    }
}

/// Checks one message; returns its role when it is a string.
fn check_message<'r>(
    i: usize,
    msg: &'r Json,
    c: &mut LineCheck,
    call_ids: &mut rustc_hash::FxHashSet<&'r str>,
) -> Option<&'r str> {
    let Some(fields) = msg.as_object() else {
        c.at(
            Rule::MessageNotObject,
            &m(i),
            Target::Value,
            format!("message {} is {}, not an object", i + 1, msg.type_name()),
            "each message is an object like {\"role\": \"user\", \"content\": \"…\"}".to_string(),
        );
        return None;
    };
    let role = match msg.get("role") {
        None => {
            c.at(
                Rule::MissingRole,
                &m(i),
                Target::Value,
                format!("message {} has no `role`", i + 1),
                "add \"role\": \"system\", \"user\" or \"assistant\"".to_string(),
            );
            return None;
        }
        Some(Json::Str(r)) => r.as_ref(),
        Some(other) => {
            c.at(
                Rule::InvalidRole,
                &mk(i, "role"),
                Target::Value,
                format!("`role` is {}, not a string", other.type_name()),
                format!("use one of {}", quoted_list(ROLES)),
            );
            return None;
        }
    };
    if !ROLES.contains(&role) {
        let help = match role.trim().to_ascii_lowercase().as_str() {
            "developer" => {
                "`developer` is not accepted for fine-tuning; use \"system\"".to_string()
            }
            r if ROLES.contains(&r) => format!("roles are lower-case and exact: use \"{r}\""),
            "human" => "use \"user\"".to_string(),
            "bot" | "model" | "ai" | "gpt" => "use \"assistant\"".to_string(),
            _ => format!("use one of {}", quoted_list(ROLES)),
        };
        c.at(
            Rule::InvalidRole,
            &mk(i, "role"),
            Target::Value,
            format!("unknown role \"{role}\""),
            help,
        );
        return Some(role);
    }

    let allowed = allowed_keys(role);
    for (k, _) in fields {
        if !allowed.contains(&k.as_ref()) {
            c.at(
                Rule::UnknownMessageKey,
                &mk(i, k),
                Target::Key,
                format!("`{k}` is not allowed on a {role} message"),
                format!("a {role} message takes only {}", quoted_list(allowed)),
            );
        }
    }

    let has_call = role == "assistant"
        && (msg.get("tool_calls").is_some() || msg.get("function_call").is_some());
    match msg.get("content") {
        None if has_call => {}
        None => c.at(
            Rule::MissingContent,
            &m(i),
            Target::Value,
            format!("{role} message has no `content`"),
            "add \"content\": \"…\"".to_string(),
        ),
        Some(Json::Null) if has_call => {}
        Some(Json::Null) => c.at(
            Rule::InvalidContent,
            &mk(i, "content"),
            Target::Value,
            format!("`content` is null on a {role} message"),
            "null content is allowed only on an assistant message with `tool_calls` or `function_call`; give the text".to_string(),
        ),
        Some(Json::Str(s)) => {
            if s.is_empty() && !has_call {
                c.at(
                    Rule::EmptyContent,
                    &mk(i, "content"),
                    Target::Value,
                    format!("{role} message has empty `content`"),
                    "fill in the text, or drop the message".to_string(),
                );
            }
            check_text(s, &mk(i, "content"), c);
            if role == "assistant" && !s.is_empty() && s.trim() != s.as_ref() {
                c.at(
                    Rule::AssistantWhitespace,
                    &mk(i, "content"),
                    Target::Value,
                    "assistant text has leading or trailing whitespace".to_string(),
                    "trim it: the model learns to emit the whitespace".to_string(),
                );
            }
        }
        Some(Json::Array(parts)) => check_parts(i, role, parts, c),
        Some(other) => c.at(
            Rule::InvalidContent,
            &mk(i, "content"),
            Target::Value,
            format!("`content` is {}", other.type_name()),
            "`content` is a string or an array of content parts; quote the value".to_string(),
        ),
    }

    if let Some(name) = msg.get("name") {
        if !matches!(name, Json::Str(s) if !s.is_empty()) {
            c.at(
                Rule::InvalidName,
                &mk(i, "name"),
                Target::Value,
                format!("`name` is {}", describe(name)),
                "give `name` as a non-empty string, or remove it".to_string(),
            );
        }
    } else if role == "function" {
        c.at(
            Rule::MissingFunctionName,
            &m(i),
            Target::Value,
            "function message has no `name`".to_string(),
            "add the `name` of the function whose result this is".to_string(),
        );
    }

    if let Some(w) = msg.get("weight") {
        if role != "assistant" {
            // Already reported as an unknown key for this role.
        } else if !matches!(w, Json::Int(0) | Json::Int(1)) {
            c.at(
                Rule::InvalidWeight,
                &mk(i, "weight"),
                Target::Value,
                format!("`weight` is {}, not the integer 0 or 1", describe(w)),
                "use the integer 0 (do not train on this message) or 1".to_string(),
            );
        }
    }

    if role == "assistant" {
        if let Some(tc) = msg.get("tool_calls") {
            check_tool_calls(i, tc, c, call_ids);
        }
        if let Some(fc) = msg.get("function_call") {
            check_function_call(&mk(i, "function_call"), fc, Rule::InvalidFunctionCall, c);
        }
        if let Some(r) = msg.get("refusal")
            && !matches!(r, Json::Str(_) | Json::Null)
        {
            c.at(
                Rule::InvalidContent,
                &mk(i, "refusal"),
                Target::Value,
                format!("`refusal` is {}, not a string", r.type_name()),
                "give the refusal text as a string".to_string(),
            );
        }
    }
    if role == "tool" {
        match msg.get("tool_call_id") {
            Some(Json::Str(id)) => {
                if !call_ids.contains(id.as_ref()) {
                    c.at(
                        Rule::UnknownToolCallId,
                        &mk(i, "tool_call_id"),
                        Target::Value,
                        format!("no earlier tool call has id \"{id}\""),
                        "use the `id` of the assistant tool call this message answers".to_string(),
                    );
                }
            }
            other => c.at(
                Rule::MissingToolCallId,
                &m(i),
                Target::Value,
                match other {
                    None => "tool message has no `tool_call_id`".to_string(),
                    Some(v) => format!("`tool_call_id` is {}, not a string", v.type_name()),
                },
                "add the `tool_call_id` of the assistant tool call this message answers"
                    .to_string(),
            ),
        }
    }
    Some(role)
}

fn check_parts(i: usize, role: &str, parts: &[Json], c: &mut LineCheck) {
    if parts.is_empty() {
        c.at(
            Rule::InvalidContent,
            &mk(i, "content"),
            Target::Value,
            "`content` is an empty array".to_string(),
            "give at least one {\"type\": \"text\", \"text\": \"…\"} part".to_string(),
        );
        return;
    }
    for (j, p) in parts.iter().enumerate() {
        let mut at = mk(i, "content");
        at.push(idx(j));
        let ty = p.get("type").and_then(Json::as_str);
        let ok = match (ty, role) {
            (Some("text"), _) => match p.get("text") {
                Some(Json::Str(s)) => {
                    let mut t = at.clone();
                    t.push(key("text"));
                    check_text(s, &t, c);
                    true
                }
                _ => false,
            },
            (Some("image_url"), "user") => p
                .get("image_url")
                .and_then(|u| u.get("url"))
                .is_some_and(|u| matches!(u, Json::Str(_))),
            (Some("refusal"), "assistant") => matches!(p.get("refusal"), Some(Json::Str(_))),
            _ => false,
        };
        if !ok {
            let allowed = match role {
                "user" => {
                    "{\"type\": \"text\", \"text\": \"…\"} or {\"type\": \"image_url\", \"image_url\": {\"url\": \"…\"}}"
                }
                "assistant" => {
                    "{\"type\": \"text\", \"text\": \"…\"} or {\"type\": \"refusal\", \"refusal\": \"…\"}"
                }
                _ => "{\"type\": \"text\", \"text\": \"…\"}",
            };
            c.at(
                Rule::InvalidContent,
                &at,
                Target::Value,
                format!("content part {} is not a valid {role} content part", j + 1),
                format!("a {role} content part is {allowed}"),
            );
        }
    }
}

/// Special-token text in any text the model reads.
fn check_text(s: &str, at: &[Seg], c: &mut LineCheck) {
    if memchr::memmem::find(s.as_bytes(), b"<|").is_none() || !c.enabled(Rule::SpecialTokenText) {
        return;
    }
    if let Some(tok) = SPECIAL_TOKENS.iter().find(|t| s.contains(*t)) {
        c.at(
            Rule::SpecialTokenText,
            at,
            Target::Value,
            format!("text contains the special token {tok}"),
            format!("remove {tok} or break it up (e.g. \"< |endoftext| >\"); the provider rejects files containing it"),
        );
    }
}

fn check_tool_calls<'r>(
    i: usize,
    tc: &'r Json,
    c: &mut LineCheck,
    call_ids: &mut rustc_hash::FxHashSet<&'r str>,
) {
    let shape = "`tool_calls` is an array of {\"id\": \"…\", \"type\": \"function\", \"function\": {\"name\": \"…\", \"arguments\": \"{…}\"}}";
    let Some(calls) = tc.as_array().filter(|a| !a.is_empty()) else {
        c.at(
            Rule::InvalidToolCalls,
            &mk(i, "tool_calls"),
            Target::Value,
            format!("`tool_calls` is {}", describe(tc)),
            shape.to_string(),
        );
        return;
    };
    for (j, call) in calls.iter().enumerate() {
        let mut at = mk(i, "tool_calls");
        at.push(idx(j));
        let problem = if call.as_object().is_none() {
            Some(format!("tool call {} is {}", j + 1, call.type_name()))
        } else if !matches!(call.get("id"), Some(Json::Str(_))) {
            Some(format!("tool call {} has no string `id`", j + 1))
        } else if call.get("type").and_then(Json::as_str) != Some("function") {
            Some(format!("tool call {} needs \"type\": \"function\"", j + 1))
        } else if call.get("function").is_none() {
            Some(format!("tool call {} has no `function`", j + 1))
        } else {
            None
        };
        if let Some(msg) = problem {
            c.at(
                Rule::InvalidToolCalls,
                &at,
                Target::Value,
                msg,
                shape.to_string(),
            );
            continue;
        }
        if let Some(Json::Str(id)) = call.get("id") {
            call_ids.insert(id.as_ref());
        }
        at.push(key("function"));
        check_function_call(
            &at,
            call.get("function").unwrap_or(&Json::Null),
            Rule::InvalidToolCalls,
            c,
        );
    }
}

/// `{name, arguments}` with `arguments` a JSON-encoded string.
fn check_function_call(at: &[Seg], f: &Json, rule: Rule, c: &mut LineCheck) {
    if f.as_object().is_none() {
        c.at(
            rule,
            at,
            Target::Value,
            format!("function call is {}, not an object", f.type_name()),
            "give {\"name\": \"…\", \"arguments\": \"{…}\"}".to_string(),
        );
        return;
    }
    if !matches!(f.get("name"), Some(Json::Str(s)) if !s.is_empty()) {
        c.at(
            rule,
            at,
            Target::Value,
            "function call has no `name`".to_string(),
            "give the function's `name` as a string".to_string(),
        );
    }
    let mut at_args = at.to_vec();
    at_args.push(key("arguments"));
    match f.get("arguments") {
        Some(Json::Str(s)) => {
            if serde_json::from_str::<serde::de::IgnoredAny>(s).is_err() {
                c.at(
                    rule,
                    &at_args,
                    Target::Value,
                    "`arguments` is not valid JSON".to_string(),
                    "`arguments` is a string holding a JSON object, e.g. \"{\\\"city\\\": \\\"Paris\\\"}\"".to_string(),
                );
            }
        }
        Some(Json::Object(_)) => c.at(
            rule,
            &at_args,
            Target::Value,
            "`arguments` is an object, not a JSON-encoded string".to_string(),
            "encode the arguments as a string: \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\""
                .to_string(),
        ),
        Some(other) => c.at(
            rule,
            &at_args,
            Target::Value,
            format!("`arguments` is {}, not a string", other.type_name()),
            "`arguments` is a string holding a JSON object".to_string(),
        ),
        None => c.at(
            rule,
            at,
            Target::Value,
            "function call has no `arguments`".to_string(),
            "add \"arguments\": \"{}\" (a JSON-encoded string)".to_string(),
        ),
    }
}

/// Top-level `tools`, `functions` and `parallel_tool_calls`.
fn check_tool_definitions(rec: &Json, c: &mut LineCheck) {
    let tool_shape = "each tool is {\"type\": \"function\", \"function\": {\"name\": \"…\", \"description\": \"…\", \"parameters\": {…}}}";
    if let Some(tools) = rec.get("tools") {
        match tools.as_array() {
            None => c.at(
                Rule::InvalidTools,
                &[key("tools")],
                Target::Value,
                format!("`tools` is {}, not an array", tools.type_name()),
                tool_shape.to_string(),
            ),
            Some(list) => {
                for (j, t) in list.iter().enumerate() {
                    let problem = if t.get("type").and_then(Json::as_str) != Some("function") {
                        Some(format!("tool {} needs \"type\": \"function\"", j + 1))
                    } else {
                        t.get("function").map_or_else(
                            || Some(format!("tool {} has no `function`", j + 1)),
                            |f| {
                                function_definition_problem(f)
                                    .map(|p| format!("tool {}: {p}", j + 1))
                            },
                        )
                    };
                    if let Some(p) = problem {
                        c.at(
                            Rule::InvalidTools,
                            &[key("tools"), idx(j)],
                            Target::Value,
                            p,
                            tool_shape.to_string(),
                        );
                    }
                }
            }
        }
    }
    if let Some(funcs) = rec.get("functions") {
        let shape =
            "each function is {\"name\": \"…\", \"description\": \"…\", \"parameters\": {…}}";
        match funcs.as_array() {
            None => c.at(
                Rule::InvalidTools,
                &[key("functions")],
                Target::Value,
                format!("`functions` is {}, not an array", funcs.type_name()),
                shape.to_string(),
            ),
            Some(list) => {
                for (j, f) in list.iter().enumerate() {
                    if let Some(p) = function_definition_problem(f) {
                        c.at(
                            Rule::InvalidTools,
                            &[key("functions"), idx(j)],
                            Target::Value,
                            format!("function {}: {p}", j + 1),
                            shape.to_string(),
                        );
                    }
                }
            }
        }
    }
    if let Some(p) = rec.get("parallel_tool_calls")
        && !matches!(p, Json::Bool(_))
    {
        c.at(
            Rule::InvalidTools,
            &[key("parallel_tool_calls")],
            Target::Value,
            format!("`parallel_tool_calls` is {}, not a boolean", p.type_name()),
            "use true or false".to_string(),
        );
    }
}

fn function_definition_problem(f: &Json) -> Option<String> {
    if f.as_object().is_none() {
        return Some(format!(
            "the definition is {}, not an object",
            f.type_name()
        ));
    }
    if !matches!(f.get("name"), Some(Json::Str(s)) if !s.is_empty()) {
        return Some("no string `name`".to_string());
    }
    if let Some(d) = f.get("description")
        && !matches!(d, Json::Str(_))
    {
        return Some(format!("`description` is {}, not a string", d.type_name()));
    }
    match f.get("parameters") {
        None => Some("no `parameters` object".to_string()),
        Some(Json::Object(_)) => None,
        Some(p) => Some(format!("`parameters` is {}, not an object", p.type_name())),
    }
}

fn describe(v: &Json) -> String {
    match v {
        Json::Int(i) => i.to_string(),
        // Debug keeps the point: `1.0`, not `1`, so "1.0 is not 1" reads right.
        Json::Float(f) => format!("{f:?}"),
        Json::Bool(b) => b.to_string(),
        Json::Str(s) if s.is_empty() => "an empty string".to_string(),
        Json::Str(s) if s.chars().count() <= 20 => format!("the string \"{s}\""),
        Json::Array(a) if a.is_empty() => "an empty array".to_string(),
        other => other.type_name().to_string(),
    }
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
