//! Checks of a chat record: `{"messages": [...], "tools"?: [...], ...}`, and of the
//! conversation inside a preference record's `input`. Roles, keys, weights and images
//! follow the chosen provider's profile.

use super::{LineCheck, idx, key};
use crate::locate::{Seg, Target};
use crate::record::Json;
use crate::registry::Rule;

pub const TOP_LEVEL_KEYS: &[&str] = &["messages", "tools", "functions", "parallel_tool_calls"];

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

/// The keys a message of `role` may hold at OpenAI; the provider's profile narrows
/// them (no tools, `weight` on other roles).
fn base_keys(role: &str) -> &'static [&'static str] {
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
        _ => &["role", "content"],
    }
}

const TOOL_KEYS: &[&str] = &["tool_calls", "function_call", "tool_call_id"];

fn key_allowed(c: &LineCheck, role: &str, k: &str) -> bool {
    let p = &c.settings.provider;
    if k == "weight" {
        return p.weight_roles.iter().any(|r| r == role);
    }
    base_keys(role).contains(&k) && (p.tools || !TOOL_KEYS.contains(&k))
}

fn allowed_keys(c: &LineCheck, role: &str) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = base_keys(role)
        .iter()
        .copied()
        .filter(|k| *k != "weight" && key_allowed(c, role, k))
        .collect();
    if key_allowed(c, role, "weight") {
        keys.push("weight");
    }
    keys
}

fn roles_list(c: &LineCheck) -> String {
    let r: Vec<&str> = c
        .settings
        .provider
        .roles
        .iter()
        .map(String::as_str)
        .collect();
    quoted_list(&r)
}

fn at(base: &[Seg], rest: &[Seg]) -> Vec<Seg> {
    let mut v = base.to_vec();
    v.extend_from_slice(rest);
    v
}

/// Which conversation is checked: a chat example, or the input of a preference pair
/// (which awaits the reply, so it needs no assistant message and must not end with one).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Conversation {
    Example,
    PreferenceInput,
}

/// What the conversation checks learned, for the record's other checks.
#[derive(Default)]
pub struct ConversationInfo {
    pub images: usize,
    /// Every role is known and every message an object.
    pub well_formed: bool,
    pub last_role_assistant: bool,
}

/// Checks a chat record (an object).
pub fn check(rec: &Json, c: &mut LineCheck) {
    let Some(fields) = rec.as_object() else {
        return;
    };
    // Without tool calling at the provider, tool definitions are unknown keys too.
    let known: &[&str] = if c.settings.provider.tools {
        TOP_LEVEL_KEYS
    } else {
        &TOP_LEVEL_KEYS[..1]
    };
    check_top_level_keys(fields, known, "a chat record", c);
    if c.settings.provider.tools {
        check_tool_definitions(rec, &[], c);
    }
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
    check_conversation(messages, &[key("messages")], Conversation::Example, c);
}

/// FT014: keys beside the format's own. Reported once per key, however often it repeats.
pub fn check_top_level_keys(
    fields: &[(std::borrow::Cow<'_, str>, Json)],
    known: &[&str],
    what: &str,
    c: &mut LineCheck,
) {
    for (i, (k, _)) in fields.iter().enumerate() {
        if known.contains(&k.as_ref()) || fields[..i].iter().any(|(k0, _)| k0 == k) {
            continue;
        }
        c.at(
            Rule::UnknownTopLevelKey,
            &[key(k)],
            Target::Key,
            format!("unknown top-level key `{k}`"),
            format!(
                "{what} holds only {}; remove `{k}` or keep it outside the training file",
                quoted_list(known)
            ),
        );
    }
}

/// Checks `messages` (at `base`) as a conversation.
pub fn check_conversation(
    messages: &Json,
    base: &[Seg],
    kind: Conversation,
    c: &mut LineCheck,
) -> ConversationInfo {
    let mut info = ConversationInfo::default();
    let name = if kind == Conversation::Example {
        "`messages`"
    } else {
        "`input.messages`"
    };
    let (not_array, empty) = match kind {
        Conversation::Example => (Rule::MessagesNotArray, Rule::EmptyMessages),
        Conversation::PreferenceInput => {
            (Rule::InvalidPreferenceRecord, Rule::InvalidPreferenceRecord)
        }
    };
    let Some(msgs) = messages.as_array() else {
        c.at(
            not_array,
            base,
            Target::Value,
            format!("{name} is {}, not an array", messages.type_name()),
            format!("make {name} an array of {{\"role\", \"content\"}} objects"),
        );
        return info;
    };
    if msgs.is_empty() {
        c.at(
            empty,
            base,
            Target::Value,
            format!("{name} is empty"),
            if kind == Conversation::Example {
                "add at least a user and an assistant message, or drop the line".to_string()
            } else {
                "give the conversation the preferred and non-preferred replies answer".to_string()
            },
        );
        return info;
    }

    let mut call_ids = CallIds::default();
    let mut roles: Vec<Option<&str>> = Vec::with_capacity(msgs.len());
    let mut assistants = 0usize;
    let mut assistants_weight_zero = 0usize;
    let (mut strings, mut lists) = (0usize, 0usize);
    for (i, msg) in msgs.iter().enumerate() {
        let role = check_message(base, i, msg, c, &mut call_ids, &mut info);
        if role == Some("assistant") {
            assistants += 1;
            if msg.get("weight") == Some(&Json::Int(0)) {
                assistants_weight_zero += 1;
            }
        }
        match msg.get("content") {
            Some(Json::Str(_)) => strings += 1,
            Some(Json::Array(_)) => lists += 1,
            _ => {}
        }
        roles.push(role);
    }
    check_images_per_example(&info, base, c);

    // Conversation-level rules need every role known; a broken message is reported
    // already, and guessing around it would only add noise.
    if roles
        .iter()
        .any(|r| !r.is_some_and(|r| c.settings.provider.role_allowed(r)))
    {
        return info;
    }
    info.well_formed = true;
    info.last_role_assistant = roles.last() == Some(&Some("assistant"));
    let at_messages = base;
    if strings > 0 && lists > 0 && c.settings.provider.same_content_form {
        c.at(
            Rule::MixedContentForms,
            at_messages,
            Target::Key,
            format!("{strings} message(s) give `content` as a string and {lists} as a list of parts"),
            format!(
                "{} takes one form per example: make every `content` a list of parts, or every one a string",
                c.settings.provider.name
            ),
        );
    }
    check_system_placement(&roles, base, c);
    if kind == Conversation::PreferenceInput {
        if info.last_role_assistant {
            c.at(
                Rule::InvalidPreferenceRecord,
                &at(base, &[idx(msgs.len() - 1)]),
                Target::Value,
                "`input.messages` ends with an assistant message: the input must await the reply".to_string(),
                "move the last assistant reply into `preferred_output` (or drop it); end the input with the user turn".to_string(),
            );
        }
        return info;
    }
    if assistants == 0 {
        c.at(
            Rule::NoAssistantMessage,
            at_messages,
            Target::Key,
            "no assistant message: nothing to train on".to_string(),
            "add the assistant reply the model should learn".to_string(),
        );
    } else if assistants == assistants_weight_zero {
        c.at(
            Rule::NothingToTrain,
            at_messages,
            Target::Key,
            format!("all {assistants} assistant messages have `weight: 0`: the example trains nothing but is billed"),
            "set `weight: 1` on the reply to learn, or drop the example".to_string(),
        );
    }
    if !roles.contains(&Some("system")) {
        c.at(
            Rule::NoSystemMessage,
            at_messages,
            Target::Key,
            "no system message".to_string(),
            "start with the system prompt the tuned model will be used with".to_string(),
        );
    }
    if !roles.contains(&Some("user")) {
        c.at(
            Rule::NoUserMessage,
            at_messages,
            Target::Key,
            "no user message".to_string(),
            "add the user turn the assistant answers".to_string(),
        );
    }
    if let Some(Some(last)) = roles.last()
        && *last != "assistant"
    {
        c.at(
            Rule::LastMessageNotAssistant,
            &at(base, &[idx(msgs.len() - 1)]),
            Target::Value,
            format!("the last message is from `{last}`, not the assistant: trailing turns teach nothing but are billed"),
            "end the example with the assistant reply, or drop the trailing messages".to_string(),
        );
    }
    for i in 1..roles.len() {
        if let (Some(a), Some(b)) = (roles[i - 1], roles[i])
            && a == b
            && a != "tool"
        {
            c.at(
                Rule::ConsecutiveSameRole,
                &at(base, &[idx(i), key("role")]),
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
    info
}

/// FT058: where the provider allows one system message, first.
fn check_system_placement(roles: &[Option<&str>], base: &[Seg], c: &mut LineCheck) {
    let p = &c.settings.provider;
    let (first_only, single) = (p.system_first, p.single_system);
    if !first_only && !single {
        return;
    }
    let name = p.name.clone();
    let mut seen = 0;
    for (i, r) in roles.iter().enumerate() {
        if *r != Some("system") {
            continue;
        }
        seen += 1;
        let problem = if single && seen > 1 {
            Some(format!("message {} is a second system message", i + 1))
        } else if first_only && i > 0 {
            Some(format!("system message {} is not the first message", i + 1))
        } else {
            None
        };
        if let Some(problem) = problem {
            c.at(
                Rule::MisplacedSystemMessage,
                &at(base, &[idx(i), key("role")]),
                Target::Value,
                format!("{problem}; {name} takes one system message, at the start"),
                "merge the system instructions into one system message at the start of the conversation".to_string(),
            );
        }
    }
}

/// Ids of the tool calls seen so far in a conversation; a set once there are many, so
/// a conversation with thousands of calls stays linear.
#[derive(Default)]
pub struct CallIds<'r> {
    list: Vec<&'r str>,
    set: Option<rustc_hash::FxHashSet<&'r str>>,
}

impl<'r> CallIds<'r> {
    const LIST_MAX: usize = 16;

    fn insert(&mut self, id: &'r str) {
        if let Some(set) = &mut self.set {
            set.insert(id);
            return;
        }
        self.list.push(id);
        if self.list.len() > Self::LIST_MAX {
            self.set = Some(self.list.drain(..).collect());
        }
    }

    fn contains(&self, id: &str) -> bool {
        match &self.set {
            Some(set) => set.contains(id),
            None => self.list.contains(&id),
        }
    }
}

/// Checks one message; returns its role when it is a string.
fn check_message<'r>(
    base: &[Seg],
    i: usize,
    msg: &'r Json,
    c: &mut LineCheck,
    call_ids: &mut CallIds<'r>,
    info: &mut ConversationInfo,
) -> Option<&'r str> {
    let m = || at(base, &[idx(i)]);
    let mk = |k: &str| at(base, &[idx(i), key(k)]);
    let Some(fields) = msg.as_object() else {
        c.at(
            Rule::MessageNotObject,
            &m(),
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
                &m(),
                Target::Value,
                format!("message {} has no `role`", i + 1),
                format!("add \"role\": one of {}", roles_list(c)),
            );
            return None;
        }
        Some(Json::Str(r)) => r.as_ref(),
        Some(other) => {
            c.at(
                Rule::InvalidRole,
                &mk("role"),
                Target::Value,
                format!("`role` is {}, not a string", other.type_name()),
                format!("use one of {}", roles_list(c)),
            );
            return None;
        }
    };
    let provider = &c.settings.provider;
    if !provider.role_allowed(role) {
        let known_elsewhere = base_keys(role).len() > 2;
        let help = match role.trim().to_ascii_lowercase().as_str() {
            "developer" => {
                "`developer` is not accepted for fine-tuning; use \"system\"".to_string()
            }
            r if r != role && provider.role_allowed(r) => {
                format!("roles are lower-case and exact: use \"{r}\"")
            }
            "human" => "use \"user\"".to_string(),
            "bot" | "model" | "ai" | "gpt" => "use \"assistant\"".to_string(),
            _ => format!("use one of {}", roles_list(c)),
        };
        let message = if known_elsewhere {
            format!(
                "role \"{role}\" is not accepted by {}: it takes {}",
                provider.name,
                roles_list(c)
            )
        } else {
            format!("unknown role \"{role}\"")
        };
        c.at(Rule::InvalidRole, &mk("role"), Target::Value, message, help);
        return Some(role);
    }

    for (j, (k, _)) in fields.iter().enumerate() {
        // A repeated key is one finding.
        if key_allowed(c, role, k) || fields[..j].iter().any(|(k0, _)| k0 == k) {
            continue;
        }
        let allowed = allowed_keys(c, role);
        c.at(
            Rule::UnknownMessageKey,
            &mk(k),
            Target::Key,
            format!("`{k}` is not allowed on {} {role} message", article(role)),
            format!(
                "{} {role} message takes only {}",
                capital_article(role),
                quoted_list(&allowed)
            ),
        );
    }

    let has_call = role == "assistant"
        && (msg.get("tool_calls").is_some() || msg.get("function_call").is_some());
    match msg.get("content") {
        None if has_call => {}
        None => c.at(
            Rule::MissingContent,
            &m(),
            Target::Value,
            format!("{role} message has no `content`"),
            "add \"content\": \"…\"".to_string(),
        ),
        Some(Json::Null) if has_call => {}
        Some(Json::Null) => c.at(
            Rule::InvalidContent,
            &mk("content"),
            Target::Value,
            format!("`content` is null on {} {role} message", article(role)),
            "null content is allowed only on an assistant message with `tool_calls` or `function_call`; give the text".to_string(),
        ),
        Some(Json::Str(s)) => {
            if s.is_empty() && !has_call {
                c.at(
                    Rule::EmptyContent,
                    &mk("content"),
                    Target::Value,
                    format!("{role} message has empty `content`"),
                    "fill in the text, or drop the message".to_string(),
                );
            }
            check_text(s, || mk("content"), c);
            if role == "assistant" && !s.is_empty() && s.trim() != s.as_ref() {
                c.at(
                    Rule::AssistantWhitespace,
                    &mk("content"),
                    Target::Value,
                    "assistant text has leading or trailing whitespace".to_string(),
                    "trim it: the model learns to emit the whitespace".to_string(),
                );
            }
        }
        Some(Json::Array(parts)) => {
            let images = check_parts(&mk("content"), role, parts, c);
            info.images += images;
            if images > 0
                && !provider.images.as_ref().is_none_or(|r| r.weighted)
                && !matches!(msg.get("weight"), None | Some(Json::Int(0)))
            {
                c.at(
                    Rule::InvalidImage,
                    &mk("weight"),
                    Target::Value,
                    format!("a message with images has a non-zero `weight`; {} does not train on images", provider.name),
                    "set `weight: 0` on messages that carry images, or move the images".to_string(),
                );
            }
        }
        Some(other) => c.at(
            Rule::InvalidContent,
            &mk("content"),
            Target::Value,
            format!("`content` is {}: it must be a string or a list of content parts", other.type_name()),
            "give the text as a string (quote the value), or a list like [{\"type\": \"text\", \"text\": \"…\"}]".to_string(),
        ),
    }

    if let Some(name) = msg.get("name") {
        if !matches!(name, Json::Str(s) if !s.is_empty()) {
            c.at(
                Rule::InvalidName,
                &mk("name"),
                Target::Value,
                format!(
                    "`name` is {}: it must be a non-empty string",
                    describe(name)
                ),
                "give `name` as a non-empty string, or remove it".to_string(),
            );
        }
    } else if role == "function" {
        c.at(
            Rule::MissingFunctionName,
            &m(),
            Target::Value,
            "function message has no `name`".to_string(),
            "add the `name` of the function whose result this is".to_string(),
        );
    }

    if let Some(w) = msg.get("weight")
        && key_allowed(c, role, "weight")
    {
        match w {
            Json::Int(0 | 1) => {}
            Json::Int(_) => c.at(
                Rule::InvalidWeight,
                &mk("weight"),
                Target::Value,
                format!("`weight` is {}: it must be either 0 or 1", describe(w)),
                "use 0 (do not train on this message) or 1 (train on it)".to_string(),
            ),
            _ => c.at(
                Rule::InvalidWeight,
                &mk("weight"),
                Target::Value,
                format!("`weight` is {}: it must be an integer, 0 or 1", describe(w)),
                "write the integer 0 or 1, without quotes or a decimal point".to_string(),
            ),
        }
    }

    if role == "assistant" {
        if let Some(tc) = msg.get("tool_calls")
            && key_allowed(c, role, "tool_calls")
        {
            check_tool_calls(&mk("tool_calls"), tc, c, call_ids);
        }
        if let Some(fc) = msg.get("function_call")
            && key_allowed(c, role, "function_call")
        {
            check_function_call(&mk("function_call"), fc, Rule::InvalidFunctionCall, c);
        }
        if let Some(r) = msg.get("refusal")
            && !matches!(r, Json::Str(_) | Json::Null)
        {
            c.at(
                Rule::InvalidContent,
                &mk("refusal"),
                Target::Value,
                format!("`refusal` is {}, not a string", r.type_name()),
                "give the refusal text as a string".to_string(),
            );
        }
    }
    if role == "tool" {
        match msg.get("tool_call_id") {
            Some(Json::Str(id)) => {
                if !call_ids.contains(id) {
                    c.at(
                        Rule::UnknownToolCallId,
                        &mk("tool_call_id"),
                        Target::Value,
                        format!("no earlier tool call has id \"{id}\""),
                        "use the `id` of the assistant tool call this message answers".to_string(),
                    );
                }
            }
            other => c.at(
                Rule::MissingToolCallId,
                &m(),
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

/// "an assistant", "a user": by the first letter, with `u` read as "you".
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o']) {
        "an"
    } else {
        "a"
    }
}

fn capital_article(word: &str) -> &'static str {
    if article(word) == "an" { "An" } else { "A" }
}

/// Checks a list of content parts at `at`; returns how many are images.
fn check_parts(at_content: &[Seg], role: &str, parts: &[Json], c: &mut LineCheck) -> usize {
    if parts.is_empty() {
        c.at(
            Rule::InvalidContent,
            at_content,
            Target::Value,
            "`content` is an empty list".to_string(),
            "give at least one {\"type\": \"text\", \"text\": \"…\"} part".to_string(),
        );
        return 0;
    }
    let mut images = 0;
    for (j, p) in parts.iter().enumerate() {
        let at_part = || at(at_content, &[idx(j)]);
        let n = j + 1;
        if p.as_object().is_none() {
            c.at(
                Rule::InvalidContent,
                &at_part(),
                Target::Value,
                format!("content part {n} is {}, not an object", p.type_name()),
                "a content part is an object like {\"type\": \"text\", \"text\": \"…\"}"
                    .to_string(),
            );
            continue;
        }
        let problem = match p.get("type") {
            None => Some((
                format!("content part {n} has no `type`"),
                "add \"type\": \"text\" (or \"image_url\" in a user message)".to_string(),
            )),
            Some(Json::Str(t)) => match (t.as_ref(), role) {
                ("text", _) => match p.get("text") {
                    Some(Json::Str(s)) => {
                        check_text(s, || at(at_content, &[idx(j), key("text")]), c);
                        None
                    }
                    None => Some((
                        format!("text part {n} has no `text`"),
                        "add \"text\": \"…\" beside \"type\": \"text\"".to_string(),
                    )),
                    Some(v) => Some((
                        format!("`text` of part {n} is {}, not a string", v.type_name()),
                        "give the text as a string".to_string(),
                    )),
                },
                ("image_url", _) => {
                    images += 1;
                    c.images += 1;
                    super::image::check_image_part(&at_part(), n, role, p, c);
                    None
                }
                ("refusal", "assistant") => match p.get("refusal") {
                    Some(Json::Str(_)) => None,
                    _ => Some((
                        format!("refusal part {n} has no string `refusal`"),
                        "add \"refusal\": \"…\" beside \"type\": \"refusal\"".to_string(),
                    )),
                },
                (other, _) => Some((
                    format!(
                        "content part {n} has type \"{other}\", which {} {role} message cannot hold",
                        article(role)
                    ),
                    match role {
                        "user" => "use \"text\" or \"image_url\"",
                        "assistant" => "use \"text\" or \"refusal\"",
                        _ => "use \"text\"",
                    }
                    .to_string(),
                )),
            },
            Some(v) => Some((
                format!(
                    "`type` of content part {n} is {}, not a string",
                    v.type_name()
                ),
                "use \"type\": \"text\"".to_string(),
            )),
        };
        if let Some((message, help)) = problem {
            c.at(
                Rule::InvalidContent,
                &at_part(),
                Target::Value,
                message,
                help,
            );
        }
    }
    images
}

/// FT081: more images than the provider takes in one example.
fn check_images_per_example(info: &ConversationInfo, base: &[Seg], c: &mut LineCheck) {
    let Some(max) = c
        .settings
        .provider
        .images
        .as_ref()
        .and_then(|r| r.max_per_example)
    else {
        return;
    };
    if info.images as u64 > max {
        let name = c.settings.provider.name.clone();
        c.at(
            Rule::TooManyImages,
            base,
            Target::Key,
            format!(
                "the example holds {} images; {name} takes at most {max} per example",
                info.images
            ),
            format!("split the example, or keep at most {max} images"),
        );
    }
}

/// Special-token text in any text the model reads. The path is built only when the
/// rule fires.
fn check_text(s: &str, at: impl FnOnce() -> Vec<Seg>, c: &mut LineCheck) {
    if memchr::memmem::find(s.as_bytes(), b"<|").is_none() || !c.enabled(Rule::SpecialTokenText) {
        return;
    }
    if let Some(tok) = SPECIAL_TOKENS.iter().find(|t| s.contains(*t)) {
        c.at(
            Rule::SpecialTokenText,
            &at(),
            Target::Value,
            format!("text contains the special token {tok}"),
            format!("remove {tok} or break it up (e.g. \"< |endoftext| >\"); the provider rejects files containing it"),
        );
    }
}

fn check_tool_calls<'r>(
    at_calls: &[Seg],
    tc: &'r Json,
    c: &mut LineCheck,
    call_ids: &mut CallIds<'r>,
) {
    let shape = "`tool_calls` is an array of {\"id\": \"…\", \"type\": \"function\", \"function\": {\"name\": \"…\", \"arguments\": \"{…}\"}}";
    let Some(calls) = tc.as_array().filter(|a| !a.is_empty()) else {
        c.at(
            Rule::InvalidToolCalls,
            at_calls,
            Target::Value,
            format!("`tool_calls` is {}", describe(tc)),
            shape.to_string(),
        );
        return;
    };
    for (j, call) in calls.iter().enumerate() {
        let mut at = at_calls.to_vec();
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
            call_ids.insert(id);
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
pub fn check_tool_definitions(rec: &Json, base: &[Seg], c: &mut LineCheck) {
    let tool_shape = "each tool is {\"type\": \"function\", \"function\": {\"name\": \"…\", \"description\": \"…\", \"parameters\": {…}}}";
    if let Some(tools) = rec.get("tools") {
        match tools.as_array() {
            None => c.at(
                Rule::InvalidTools,
                &at(base, &[key("tools")]),
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
                            &at(base, &[key("tools"), idx(j)]),
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
                &at(base, &[key("functions")]),
                Target::Value,
                format!("`functions` is {}, not an array", funcs.type_name()),
                shape.to_string(),
            ),
            Some(list) => {
                for (j, f) in list.iter().enumerate() {
                    if let Some(p) = function_definition_problem(f) {
                        c.at(
                            Rule::InvalidTools,
                            &at(base, &[key("functions"), idx(j)]),
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
            &at(base, &[key("parallel_tool_calls")]),
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

pub fn describe(v: &Json) -> String {
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

pub fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
