//! Checks of a chat record: `{"messages": [...], "tools"?: [...], ...}`, and of the
//! conversation inside a preference record's `input`. Roles, keys, weights and images
//! follow the chosen provider's profile.

use super::{LineCheck, idx, key};
use crate::locate::{Seg, Target};
use crate::record::{Json, KeyCopies};
use crate::registry::{Rule, Severity};

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
        let preference_like = fields
            .iter()
            .any(|(k, _)| PREFERENCE_KEYS.contains(&k.as_ref()));
        let help = match lookalike {
            Some(k) => format!("rename `{k}` to `messages`"),
            None if preference_like => "for a preference record give `input` (with `input.messages`), `preferred_output` and `non_preferred_output`; for a chat record, `messages`".to_string(),
            None => "add `\"messages\": [{\"role\": \"user\", \"content\": …}, {\"role\": \"assistant\", \"content\": …}]`".to_string(),
        };
        c.at(
            Rule::MissingMessages,
            &[],
            Target::Value,
            "the record has no `messages` key: a chat record needs the conversation in `messages`"
                .to_string(),
            help,
        );
        return;
    };
    check_conversation(messages, &[key("messages")], Conversation::Example, c);
}

/// Keys of the other record format, for a hint when a record mixes the two.
const PREFERENCE_KEYS: &[&str] = &["input", "preferred_output", "non_preferred_output"];

/// FT014: keys beside the format's own. Reported once per key, however often it repeats.
/// The message says what the provider does with it: at error severity (OpenAI, Azure,
/// Together) the whole job fails.
pub fn check_top_level_keys(
    fields: &[(std::borrow::Cow<'_, str>, Json)],
    known: &[&str],
    what: &str,
    c: &mut LineCheck,
) {
    let copies = KeyCopies::of(fields);
    for (i, (k, _)) in fields.iter().enumerate() {
        if known.contains(&k.as_ref()) || copies.has_earlier(fields, i) {
            continue;
        }
        let provider = &c.settings.provider.name;
        let message = if c.settings.severity(Rule::UnknownTopLevelKey) == Some(Severity::Error) {
            format!(
                "unknown top-level key `{k}`: {provider} fails the whole job on a key {what} does not define"
            )
        } else {
            format!("unknown top-level key `{k}`: {what} does not define it")
        };
        let help = if what == "a chat record" && PREFERENCE_KEYS.contains(&k.as_ref()) {
            format!(
                "`{k}` belongs to a preference record (`input`, `preferred_output`, `non_preferred_output`, no `messages`): write the record as one format or the other"
            )
        } else if what == "a preference record" && k == "messages" {
            "a preference record holds its conversation in `input.messages`: move `messages` into `input`".to_string()
        } else if what == "a preference record" && (k == "tools" || k == "parallel_tool_calls") {
            format!("in a preference record `{k}` goes inside `input`, beside `messages`")
        } else {
            format!(
                "{} holds only {}: remove `{k}` (keep metadata in a side file keyed by line number)",
                capitalize(what),
                quoted_list(known)
            )
        };
        c.at(
            Rule::UnknownTopLevelKey,
            &[key(k)],
            Target::Key,
            message,
            help,
        );
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
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
            format!(
                "{name} is {}: it must be an array of messages",
                describe(messages)
            ),
            format!("make {name} an array of {{\"role\", \"content\"}} objects"),
        );
        return info;
    };
    if msgs.is_empty() {
        c.at(
            empty,
            base,
            Target::Value,
            format!("{name} is an empty array: it must hold the conversation"),
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
            if assistants == 1 {
                "the only assistant message has `weight: 0`: the example trains nothing but is billed".to_string()
            } else {
                format!("all {assistants} assistant messages have `weight: 0`: the example trains nothing but is billed")
            },
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
            if c.settings.severity(Rule::LastMessageNotAssistant) == Some(Severity::Error) {
                format!(
                    "the last message is from `{last}`: {} requires the last message to be the assistant's",
                    c.settings.provider.name
                )
            } else {
                format!("the last message is from `{last}`, not the assistant: trailing turns teach nothing but are billed")
            },
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
                    "messages {} and {} are both from `{a}`{}",
                    i, // 1-based index of the previous message
                    i + 1,
                    if c.settings.severity(Rule::ConsecutiveSameRole) == Some(Severity::Error) {
                        format!(
                            ": {} requires roles to alternate after the optional system message",
                            c.settings.provider.name
                        )
                    } else {
                        String::new()
                    }
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
                format!(
                    "`role` of message {} is {}: it must be a string",
                    i + 1,
                    describe(other)
                ),
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
            format!(
                "`role` \"{role}\" is not a role: {} takes {}",
                provider.name,
                roles_list(c)
            )
        };
        c.at(Rule::InvalidRole, &mk("role"), Target::Value, message, help);
        return Some(role);
    }

    let copies = KeyCopies::of(fields);
    for (j, (k, _)) in fields.iter().enumerate() {
        // A repeated key is one finding.
        if key_allowed(c, role, k) || copies.has_earlier(fields, j) {
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
            format!("message {} ({role}) has no `content`", i + 1),
            "add \"content\": a string, or a list of content parts".to_string(),
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
                    format!("`content` of message {} ({role}) is an empty string", i + 1),
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
            format!("message {} (function) has no `name`", i + 1),
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
            check_function_call(
                &mk("function_call"),
                fc,
                Rule::InvalidFunctionCall,
                ("", "function_call"),
                c,
            );
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
                    None => format!("message {} (tool) has no `tool_call_id`", i + 1),
                    Some(v) => format!("`tool_call_id` is {}: it must be a string", describe(v)),
                },
                "add the `tool_call_id` of the assistant tool call this message answers"
                    .to_string(),
            ),
        }
    }
    Some(role)
}

/// "an assistant", "a user": by the first letter, with `u` read as "you".
pub(crate) fn article(word: &str) -> &'static str {
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
    // `<` is rare in text: a memchr for it is cheaper than building a two-byte searcher
    // on every call (2.7% of a --lint-only run).
    let b = s.as_bytes();
    if !c.enabled(Rule::SpecialTokenText)
        || !memchr::memchr_iter(b'<', b).any(|i| b.get(i + 1) == Some(&b'|'))
    {
        return;
    }
    if let Some(tok) = SPECIAL_TOKENS.iter().find(|t| s.contains(*t)) {
        c.at(
            Rule::SpecialTokenText,
            &at(),
            Target::Value,
            format!("the text contains the special token `{tok}`"),
            format!(
                "remove `{tok}` or break it up (e.g. \"< |endoftext| >\"); {} rejects files containing it",
                c.settings.provider.name
            ),
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
            format!(
                "`tool_calls` is {}: it must be a non-empty array of tool calls",
                describe(tc)
            ),
            shape.to_string(),
        );
        return;
    };
    for (j, call) in calls.iter().enumerate() {
        let mut at = at_calls.to_vec();
        at.push(idx(j));
        let n = j + 1;
        let problem = if call.as_object().is_none() {
            Some(format!(
                "tool call {n} is {}, not an object",
                describe(call)
            ))
        } else {
            match (call.get("id"), call.get("type"), call.get("function")) {
                (None, _, _) => Some(format!("tool call {n} has no `id`")),
                (Some(id), _, _) if !matches!(id, Json::Str(_)) => Some(format!(
                    "tool call {n}: `id` is {}: it must be a string",
                    describe(id)
                )),
                (_, None, _) => Some(format!(
                    "tool call {n} has no `type`: it must be \"function\""
                )),
                (_, Some(t), _) if t.as_str() != Some("function") => Some(format!(
                    "tool call {n}: `type` is {}: it must be \"function\"",
                    describe(t)
                )),
                (_, _, None) => Some(format!("tool call {n} has no `function`")),
                _ => None,
            }
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
            (&format!("tool call {n}: "), "function"),
            c,
        );
    }
}

/// `{name, arguments}` with `arguments` a JSON-encoded string. `lead` and `field` name
/// the call in messages: ("tool call 1: ", "function") or ("", "function_call").
fn check_function_call(
    at: &[Seg],
    f: &Json,
    rule: Rule,
    (lead, field): (&str, &str),
    c: &mut LineCheck,
) {
    let what = format!("{lead}`{field}`");
    if f.as_object().is_none() {
        c.at(
            rule,
            at,
            Target::Value,
            format!("{what} is {}, not an object", describe(f)),
            "give {\"name\": \"…\", \"arguments\": \"{…}\"}".to_string(),
        );
        return;
    }
    if let Some(p) = function_name_problem(&format!("{lead}`{field}.name`"), f.get("name")) {
        c.at(
            rule,
            at,
            Target::Value,
            p,
            "give the name of a function defined in `tools` (letters, digits, `_` and `-`, at most 64)"
                .to_string(),
        );
    }
    let mut at_args = at.to_vec();
    at_args.push(key("arguments"));
    let args = format!("{lead}`{field}.arguments`");
    match f.get("arguments") {
        Some(Json::Str(s)) => {
            if serde_json::from_str::<serde::de::IgnoredAny>(s).is_err() {
                c.at(
                    rule,
                    &at_args,
                    Target::Value,
                    format!("{args} is a string, but not valid JSON"),
                    "`arguments` is a string holding a JSON object, e.g. \"{\\\"city\\\": \\\"Paris\\\"}\"".to_string(),
                );
            }
        }
        Some(Json::Object(_)) => c.at(
            rule,
            &at_args,
            Target::Value,
            format!("{args} is an object: it must be a JSON-encoded string"),
            "encode the arguments as a string: \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\""
                .to_string(),
        ),
        Some(other) => c.at(
            rule,
            &at_args,
            Target::Value,
            format!(
                "{args} is {}: it must be a string holding a JSON object",
                describe(other)
            ),
            "write the arguments as a JSON-encoded string, e.g. \"{\\\"city\\\": \\\"Paris\\\"}\""
                .to_string(),
        ),
        None => c.at(
            rule,
            at,
            Target::Value,
            format!("{args} is missing"),
            "add \"arguments\": \"{}\" (a JSON-encoded string)".to_string(),
        ),
    }
}

/// The most tool or function definitions one request takes: the fine-tuning schema
/// bounds `functions` to 1–128, and the Chat Completions API caps `tools` at 128.
const MAX_DEFINITIONS: usize = 128;

/// What is wrong with the function name `field` (e.g. "`function.name`"), if anything:
/// the API takes `^[a-zA-Z0-9_-]{1,64}$` in definitions and in calls alike.
pub fn function_name_problem(field: &str, name: Option<&Json>) -> Option<String> {
    let s = match name {
        None => return Some(format!("{field} is missing")),
        Some(Json::Str(s)) => s.as_ref(),
        Some(v) => return Some(format!("{field} is {}: it must be a string", describe(v))),
    };
    if s.is_empty() {
        return Some(format!("{field} is an empty string"));
    }
    let chars = s.chars().count();
    if chars > 64 {
        return Some(format!(
            "{field} is {chars} characters long: at most 64 are allowed"
        ));
    }
    let bad = s
        .chars()
        .find(|ch| !(ch.is_ascii_alphanumeric() || *ch == '_' || *ch == '-'))?;
    let shown = match bad {
        ' ' => "a space".to_string(),
        '.' => "a dot".to_string(),
        other => format!("`{other}`"),
    };
    Some(format!(
        "{field} \"{s}\" holds {shown}: only letters, digits, `_` and `-` are allowed"
    ))
}

/// Top-level `tools`, `functions` and `parallel_tool_calls`.
pub fn check_tool_definitions(rec: &Json, base: &[Seg], c: &mut LineCheck) {
    let tool_shape = "each tool is {\"type\": \"function\", \"function\": {\"name\": \"…\", \"description\"?: \"…\", \"parameters\"?: {\"type\": \"object\", …}}}";
    let fn_shape = "each function is {\"name\": \"…\", \"description\"?: \"…\", \"parameters\"?: {\"type\": \"object\", …}}";
    for (list_key, shape) in [("tools", tool_shape), ("functions", fn_shape)] {
        let Some(value) = rec.get(list_key) else {
            continue;
        };
        let at_list = at(base, &[key(list_key)]);
        let Some(list) = value.as_array() else {
            c.at(
                Rule::InvalidTools,
                &at_list,
                Target::Value,
                format!("`{list_key}` is {}, not an array", value.type_name()),
                format!("give a list of definitions; {shape}"),
            );
            continue;
        };
        // The schema requires at least one function; an empty `tools` list is allowed.
        if list.is_empty() && list_key == "functions" {
            c.at(
                Rule::InvalidTools,
                &at_list,
                Target::Value,
                "`functions` is an empty list: it must hold 1 to 128 function definitions"
                    .to_string(),
                "add the functions the assistant may call, or remove `functions`".to_string(),
            );
            continue;
        }
        if list.len() > MAX_DEFINITIONS {
            c.at(
                Rule::InvalidTools,
                &at_list,
                Target::Key,
                format!(
                    "`{list_key}` holds {} definitions: at most {MAX_DEFINITIONS} are allowed",
                    list.len()
                ),
                format!("keep the {MAX_DEFINITIONS} the examples need; the API refuses a request with more"),
            );
        }
        for (j, t) in list.iter().enumerate() {
            let what = if list_key == "tools" {
                "tool"
            } else {
                "function"
            };
            let problem = if list_key == "functions" {
                function_definition_problem(t, "")
            } else if t.as_object().is_none() {
                Some(format!("is {}, not an object", t.type_name()))
            } else if t.get("type").and_then(Json::as_str) != Some("function") {
                Some(match t.get("type") {
                    None => "`type` is missing: it must be \"function\"".to_string(),
                    Some(v) => format!("`type` is {}: it must be \"function\"", describe(v)),
                })
            } else {
                match t.get("function") {
                    None if t.get("name").is_some() => Some(
                        "has `name` beside `type`: the definition goes inside a `function` object"
                            .to_string(),
                    ),
                    None => Some("`function` is missing".to_string()),
                    Some(f) => function_definition_problem(f, "function."),
                }
            };
            if let Some(p) = problem {
                c.at(
                    Rule::InvalidTools,
                    &at(base, &[key(list_key), idx(j)]),
                    Target::Value,
                    // "tool 1 has no …", "tool 1: `function.name` is …"
                    if p.starts_with("is ") || p.starts_with("has ") {
                        format!("{what} {} {p}", j + 1)
                    } else {
                        format!("{what} {}: {p}", j + 1)
                    },
                    shape.to_string(),
                );
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
            format!(
                "`parallel_tool_calls` is {}: it must be true or false",
                describe(p)
            ),
            "use true or false, without quotes".to_string(),
        );
    }
}

/// A function definition: `name` by the API's pattern; `description` and `parameters`
/// optional ("omitting `parameters` defines a function with an empty parameter list"),
/// and `parameters`, when given, a JSON-schema object. `prefix` is the definition's
/// path inside a tool ("function.") for the messages.
fn function_definition_problem(f: &Json, prefix: &str) -> Option<String> {
    if f.as_object().is_none() {
        let what = if prefix.is_empty() { "" } else { "`function` " };
        return Some(format!("{what}is {}, not an object", f.type_name()));
    }
    if let Some(p) = function_name_problem(&format!("`{prefix}name`"), f.get("name")) {
        return Some(p);
    }
    if let Some(d) = f.get("description")
        && !matches!(d, Json::Str(_))
    {
        return Some(format!(
            "`{prefix}description` is {}: it must be a string",
            describe(d)
        ));
    }
    match f.get("parameters") {
        None => None,
        Some(p @ Json::Object(_)) => match p.get("type") {
            None => None,
            Some(Json::Str(t)) if t == "object" => None,
            Some(t) => Some(format!(
                "`{prefix}parameters.type` is {}: the parameters schema must be {{\"type\": \"object\", …}}",
                describe(t)
            )),
        },
        Some(p) => Some(format!(
            "`{prefix}parameters` is {}: it must be a JSON-schema object like {{\"type\": \"object\", \"properties\": {{…}}}}, or left out",
            describe(p)
        )),
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
