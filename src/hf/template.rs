//! A Hugging Face chat template rendered the way `transformers` renders it
//! (`utils/chat_template_utils.py`, 5.x): Jinja with `trim_blocks` and `lstrip_blocks`, loop
//! controls, `raise_exception`, `strftime_now`, a `json.dumps` `tojson`, Python string
//! methods and Python's `str()` of printed values; messages with `None` values dropped and
//! reasoning fields aliased, as `apply_chat_template` prepares them.
//!
//! To find which tokens belong to which message, the template source is rewritten once:
//! each `{% for NAME in … %}` body starts with an empty filter block that prints an
//! invisible marker when NAME holds a message, and `{% generation %}`/`{% endgeneration %}`
//! become markers too. The markers are removed from the text before it is tokenized, so
//! the text is byte for byte what `transformers` renders.

use super::py;
use crate::record::Json;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{
    Enumerator, Kwargs, Object, ObjectRepr, Rest, Value, ValueKind, ValueOrKwargs, from_args,
};
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior};
use std::sync::Arc;

/// Starts a message marker; the next char is U+F0000 + the message's index.
const MARK_MSG: char = '\u{FDD0}';
const MARK_GEN_START: char = '\u{FDD1}';
const MARK_GEN_END: char = '\u{FDD2}';
const MARK_INDEX_BASE: u32 = 0xF0000;
/// Marker chars are Unicode noncharacters; a record that holds one is rendered unmarked.
const MARK_BYTES: [&[u8]; 3] = [
    "\u{FDD0}".as_bytes(),
    "\u{FDD1}".as_bytes(),
    "\u{FDD2}".as_bytes(),
];
/// The context variable that turns markers on; no real template reads it.
const MARKS_VAR: &str = "ftlint_marks";

/// What `strftime_now` returns: a fixed day, so counts do not change with the clock.
/// 26 Jul 2024 is the date Llama 3.1's template falls back to without `strftime_now`.
pub const FIXED_DATE: (i32, u32, u32) = (2024, 7, 26);

/// minijinja's budget per render: about one per instruction, plus one per 64 bytes of
/// data the template builds; 10M is about 0.4 s of work, and Qwen3's template renders a
/// record of 100,000 messages with it.
pub const TEMPLATE_FUEL: u64 = 10_000_000;

/// One rendering: the text exactly as `transformers` renders it, and where each message's
/// template iteration and each `{% generation %}` block start (byte offsets into `text`).
#[derive(Debug, Default)]
pub struct Rendered {
    pub text: String,
    /// Per message, the offset of the last loop iteration that held it (templates may walk
    /// the messages more than once; the rendering walk comes last). None: never marked.
    pub msg_starts: Vec<Option<usize>>,
    pub generation: Vec<(usize, usize)>,
    /// False when the record held marker chars and was rendered without markers.
    pub marked: bool,
}

/// A conversation converted for the template (`ChatTemplate::prepare`).
pub struct Prepared {
    msgs: Vec<Value>,
    tools: Value,
    use_tool_template: bool,
    /// Renders print markers: asked for, and the data holds no marker chars.
    marks: bool,
    /// The data holds no marker chars.
    pub clean: bool,
}

/// A compiled chat template (and its named variants such as `tool_use`).
pub struct ChatTemplate {
    env: Environment<'static>,
    has_tool_use: bool,
    pub has_generation: bool,
    /// Special tokens passed to the template, as `special_tokens_map` holds them.
    special: Vec<(&'static str, String)>,
    /// What `add_generation_prompt=True` appends (e.g. `<|im_start|>assistant\n`), found
    /// by rendering a one-message conversation both ways; the head of an assistant
    /// message's iteration that the model does not generate.
    pub generation_prompt: Option<String>,
}

/// A template failed to compile: the message and the line in the template source.
#[derive(Debug)]
pub struct TemplateError {
    pub name: String,
    pub line: Option<usize>,
    pub message: String,
}

impl ChatTemplate {
    /// Compiles `templates` (name, source); "default" must be one of them.
    pub fn new(
        templates: Vec<(String, String)>,
        special: Vec<(&'static str, String)>,
    ) -> Result<ChatTemplate, TemplateError> {
        let mut env = Environment::new();
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("default delimiters are valid");
        env.set_syntax(syntax);
        env.set_undefined_behavior(UndefinedBehavior::Lenient);
        // A template may come from an untrusted folder (a pull request's config): its
        // work per record is bounded, so no template can make a check take without end.
        env.set_fuel(Some(TEMPLATE_FUEL));
        env.set_unknown_method_callback(py_methods);
        env.set_formatter(|out, _state, value| {
            // Strings (nearly every printed value) go straight out, without a copy.
            match value.kind() {
                ValueKind::Undefined => Ok(()),
                ValueKind::String => out
                    .write_str(value.as_str().unwrap_or_default())
                    .map_err(Error::from),
                _ => {
                    let mut s = String::new();
                    py::write_str(&mut s, value);
                    out.write_str(&s).map_err(Error::from)
                }
            }
        });
        env.add_filter("tojson", tojson);
        // Jinja2's trim is `str(value).strip(chars)`: undefined gives "", None "None".
        env.add_filter("trim", |v: &Value, chars: Option<&str>| -> String {
            let mut s = String::new();
            py::write_str(&mut s, v);
            py::strip(&s, chars, true, true).to_string()
        });
        // Python's len(): an undefined value (a key the message lacks) has length 0.
        env.add_filter("length", py_len);
        env.add_filter("count", py_len);
        // Jinja2's tests as Python sees the values: None is not iterable; strings, dicts
        // and Undefined (which defines __iter__, __len__ and __getitem__) are.
        env.add_test("iterable", |v: &Value| {
            matches!(
                v.kind(),
                ValueKind::String
                    | ValueKind::Seq
                    | ValueKind::Map
                    | ValueKind::Iterable
                    | ValueKind::Undefined
            )
        });
        env.add_test("sequence", |v: &Value| {
            matches!(
                v.kind(),
                ValueKind::String | ValueKind::Seq | ValueKind::Map | ValueKind::Undefined
            )
        });
        env.add_filter("string", |v: &Value| -> String {
            let mut s = String::new();
            py::write_str(&mut s, v);
            s
        });
        env.add_function(
            "raise_exception",
            |msg: Option<&str>| -> Result<Value, Error> {
                Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("raise_exception: {}", msg.unwrap_or_default()),
                ))
            },
        );
        env.add_function("strftime_now", |fmt: &str| -> Result<String, Error> {
            strftime(fmt, FIXED_DATE)
        });
        env.add_filter("ftmark_msg", mark_message);
        env.add_filter("ftmark_gen_start", |state: &State, _body: &str| {
            mark_if_on(state, MARK_GEN_START.to_string())
        });
        env.add_filter("ftmark_gen_end", |state: &State, _body: &str| {
            mark_if_on(state, MARK_GEN_END.to_string())
        });

        let mut has_generation = false;
        let mut has_tool_use = false;
        let mut has_default = false;
        for (name, source) in templates {
            let (rewritten, generation) = rewrite(&source);
            has_generation |= generation;
            has_tool_use |= name == "tool_use";
            has_default |= name == "default";
            env.add_template_owned(name.clone(), rewritten)
                .map_err(|e| TemplateError {
                    name: name.clone(),
                    line: e.line(),
                    message: e.detail().unwrap_or(&e.to_string()).to_string(),
                })?;
        }
        if !has_default {
            return Err(TemplateError {
                name: "default".into(),
                line: None,
                message: "several chat templates and none named \"default\"".into(),
            });
        }
        let mut t = ChatTemplate {
            env,
            has_tool_use,
            has_generation,
            special,
            generation_prompt: None,
        };
        let probe = Json::Object(vec![
            ("role".into(), Json::Str("user".into())),
            ("content".into(), Json::Str("ftlint".into())),
        ]);
        let msgs = [&probe];
        if let (Ok(with), Ok(without)) = (
            t.render_plain(&msgs, None, true),
            t.render_plain(&msgs, None, false),
        ) && let Some(gp) = with.strip_prefix(without.as_str())
            && !gp.is_empty()
        {
            t.generation_prompt = Some(gp.to_string());
        }
        Ok(t)
    }

    /// Renders with markers: the text as `transformers` renders it, plus where each
    /// message and generation block starts.
    pub fn render(
        &self,
        messages: &[&Json],
        tools: Option<&Json>,
        add_generation_prompt: bool,
    ) -> Result<Rendered, String> {
        let p = self.prepare(messages, tools, true)?;
        self.render_prepared(&p, messages.len(), add_generation_prompt, true)
    }

    /// Renders without markers: exactly the text `transformers` renders.
    pub fn render_plain(
        &self,
        messages: &[&Json],
        tools: Option<&Json>,
        add_generation_prompt: bool,
    ) -> Result<String, String> {
        let p = self.prepare(messages, tools, false)?;
        self.render_prepared(&p, messages.len(), add_generation_prompt, false)
            .map(|r| r.text)
    }

    /// A conversation's values for the template, converted once for several renders
    /// (the record, then prefixes of it). `marks`: the renders may carry markers.
    pub fn prepare(
        &self,
        messages: &[&Json],
        tools: Option<&Json>,
        marks: bool,
    ) -> Result<Prepared, String> {
        let (msgs, tools_value, clean) = self.context(messages, tools, marks)?;
        Ok(Prepared {
            msgs,
            tools: tools_value,
            use_tool_template: self.has_tool_use && tools.is_some_and(|t| !matches!(t, Json::Null)),
            marks: marks && clean,
            clean,
        })
    }

    /// Renders `messages[..upto]` of a prepared conversation; with markers when `marks`
    /// and it was prepared for them.
    pub fn render_prepared(
        &self,
        p: &Prepared,
        upto: usize,
        add_generation_prompt: bool,
        marks: bool,
    ) -> Result<Rendered, String> {
        let marks = marks && p.marks;
        let mut vars: Vec<(&str, Value)> = vec![
            ("messages", Value::from(p.msgs[..upto].to_vec())),
            ("tools", p.tools.clone()),
            ("documents", Value::from(())),
            ("add_generation_prompt", Value::from(add_generation_prompt)),
            (MARKS_VAR, Value::from(marks)),
        ];
        for (k, v) in &self.special {
            vars.push((k, Value::from(v.as_str())));
        }
        // As `get_chat_template`: the "tool_use" template when tools are passed.
        let name = if p.use_tool_template {
            "tool_use"
        } else {
            "default"
        };
        let tmpl = self.env.get_template(name).map_err(|e| e.to_string())?;
        let raw = tmpl
            .render(Value::from_pairs(vars))
            .map_err(|e| render_error(&e))?;
        if !marks {
            return Ok(Rendered {
                text: raw,
                msg_starts: vec![None; upto],
                generation: Vec::new(),
                marked: false,
            });
        }
        Ok(strip_marks(raw, upto))
    }

    /// The messages and tools `apply_chat_template` gives the template. The bool says
    /// whether the data is free of marker chars (when `marks` is asked for).
    fn context(
        &self,
        messages: &[&Json],
        tools: Option<&Json>,
        marks: bool,
    ) -> Result<(Vec<Value>, Value, bool), String> {
        let mut clean = true;
        let mut check = |s: &str| {
            if marks && clean && has_mark_chars(s) {
                clean = false;
            }
        };
        let mut msgs = Vec::with_capacity(messages.len());
        for (idx, m) in messages.iter().enumerate() {
            let Json::Object(fields) = m else {
                return Err(format!(
                    "Chat messages should be dicts, but message {} is {}",
                    idx + 1,
                    m.type_name()
                ));
            };
            msgs.push(Value::from_object(Message::new(idx, fields, &mut check)));
        }
        // `tools=record.get("tools")`: None when absent or null; a list of dicts otherwise.
        let tools_value = match tools {
            None | Some(Json::Null) => Value::from(()),
            Some(Json::Array(items)) => {
                if let Some(bad) = items.iter().find(|t| !matches!(t, Json::Object(_))) {
                    return Err(format!(
                        "Tools should either be a JSON schema, or a callable function: got {}",
                        bad.type_name()
                    ));
                }
                to_value(tools.unwrap(), &mut check)
            }
            Some(other) => {
                return Err(format!(
                    "Tools should be a list of JSON schemas, got {}",
                    other.type_name()
                ));
            }
        };
        Ok((msgs, tools_value, clean))
    }
}

fn render_error(e: &Error) -> String {
    let mut msg = match e.detail() {
        Some(d) => d.to_string(),
        None => e.kind().to_string(),
    };
    if let Some(line) = e.line() {
        msg.push_str(&format!(" (chat template line {line})"));
    }
    msg
}

fn has_mark_chars(s: &str) -> bool {
    // All three start with EF B7; most strings have no 0xEF byte at all.
    memchr::memchr(0xEF, s.as_bytes()).is_some()
        && MARK_BYTES
            .iter()
            .any(|m| memchr::memmem::find(s.as_bytes(), m).is_some())
}

/// One message as the template sees it: a Python dict (first position, last value of a
/// repeated key), `None` values dropped, reasoning aliased. An object rather than a plain
/// map so the marker filter can tell which message a loop variable holds.
#[derive(Debug)]
struct Message {
    idx: usize,
    keys: Vec<Value>,
    values: Vec<Value>,
}

impl Message {
    fn new(
        idx: usize,
        fields: &[(std::borrow::Cow<'_, str>, Json<'_>)],
        check: &mut dyn FnMut(&str),
    ) -> Message {
        let mut pairs: Vec<(&str, &Json)> = Vec::with_capacity(fields.len() + 2);
        for (k, v) in fields {
            match pairs.iter_mut().find(|(k0, _)| *k0 == k.as_ref()) {
                Some(slot) => slot.1 = v,
                None => pairs.push((k, v)),
            }
        }
        // apply_chat_template: `{k: v for k, v in msg.items() if v is not None}`.
        pairs.retain(|(_, v)| !matches!(v, Json::Null));
        // _alias_reasoning_fields: {"thinking": r, **message, "reasoning_content": r}.
        let reasoning = ["reasoning_content", "thinking", "reasoning"]
            .iter()
            .find_map(|name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| *v));
        if let Some(r) = reasoning {
            if !pairs.iter().any(|(k, _)| *k == "thinking") {
                pairs.insert(0, ("thinking", r));
            }
            match pairs.iter_mut().find(|(k, _)| *k == "reasoning_content") {
                Some(slot) => slot.1 = r,
                None => pairs.push(("reasoning_content", r)),
            }
        }
        let mut keys = Vec::with_capacity(pairs.len());
        let mut values = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            check(k);
            keys.push(Value::from(k));
            values.push(to_value(v, check));
        }
        Message { idx, keys, values }
    }
}

impl Object for Message {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let i = self.keys.iter().position(|k| k == key)?;
        Some(self.values[i].clone())
    }
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.keys.clone())
    }
    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.keys.len())
    }
}

/// A JSON value as Python's `json` would hand it over: objects are dicts whose repeated
/// keys keep their first position and last value (minijinja's ordered map inserts the
/// same way).
fn to_value(j: &Json, check: &mut dyn FnMut(&str)) -> Value {
    match j {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Int(i) => match i64::try_from(*i) {
            Ok(i) => Value::from(i),
            Err(_) => Value::from(*i),
        },
        Json::Float(f) => Value::from(*f),
        Json::Str(s) => {
            check(s);
            Value::from(s.as_ref())
        }
        Json::Array(a) => Value::from(a.iter().map(|x| to_value(x, check)).collect::<Vec<_>>()),
        Json::Object(m) => Value::from_pairs(
            m.iter()
                .map(|(k, v)| {
                    check(k);
                    (Value::from(k.as_ref()), to_value(v, check))
                })
                .collect::<Vec<_>>(),
        ),
    }
}

fn marks_on(state: &State) -> bool {
    state.lookup(MARKS_VAR).is_some_and(|v| v.is_true())
}

fn mark_if_on(state: &State, mark: String) -> String {
    if marks_on(state) { mark } else { String::new() }
}

fn mark_message(state: &State, _body: &str, item: &Value) -> String {
    match item.downcast_object_ref::<Message>() {
        Some(m) if marks_on(state) && m.idx < 0xFFFE => {
            let mut s = String::with_capacity(8);
            s.push(MARK_MSG);
            s.push(char::from_u32(MARK_INDEX_BASE + m.idx as u32).expect("plane 15 char"));
            s
        }
        _ => String::new(),
    }
}

/// Removes the markers, recording where they stood in the text that remains.
fn strip_marks(raw: String, n_messages: usize) -> Rendered {
    let mut out = Rendered {
        msg_starts: vec![None; n_messages],
        marked: true,
        ..Rendered::default()
    };
    if memchr::memchr(0xEF, raw.as_bytes()).is_none() {
        out.text = raw;
        return out;
    }
    let mut text = String::with_capacity(raw.len());
    let mut open: Option<usize> = None;
    // Copies the text between markers whole: every marker starts with byte 0xEF.
    let b = raw.as_bytes();
    let mut at = 0;
    for p in memchr::memchr_iter(0xEF, b) {
        if p < at {
            continue;
        }
        let c = raw[p..]
            .chars()
            .next()
            .expect("a char starts at a lead byte");
        if !matches!(c, MARK_MSG | MARK_GEN_START | MARK_GEN_END) {
            continue;
        }
        text.push_str(&raw[at..p]);
        at = p + c.len_utf8();
        match c {
            MARK_MSG => {
                if let Some(i) = raw[at..].chars().next() {
                    at += i.len_utf8();
                    let idx = (i as u32).wrapping_sub(MARK_INDEX_BASE) as usize;
                    if idx < n_messages {
                        out.msg_starts[idx] = Some(text.len());
                    }
                }
            }
            MARK_GEN_START => open = Some(text.len()),
            _ => {
                if let Some(s) = open.take() {
                    out.generation.push((s, text.len()));
                }
            }
        }
    }
    text.push_str(&raw[at..]);
    out.text = text;
    out
}

/// Python's len(): an undefined value (a key the message lacks) has length 0.
fn py_len(v: &Value) -> Result<Value, Error> {
    match v.kind() {
        ValueKind::Undefined => Ok(Value::from(0)),
        _ => v.len().map(Value::from).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("object of type {} has no len()", v.kind()),
            )
        }),
    }
}

/// `str` methods with Python semantics where minijinja-contrib's differ (whitespace);
/// the rest from minijinja-contrib's `pycompat`.
fn py_methods(
    state: &mut State,
    value: &Value,
    method: &str,
    args: &[Value],
) -> Result<Value, Error> {
    if let Some(s) = value.as_str().filter(|_| value.kind() == ValueKind::String) {
        match method {
            "strip" | "lstrip" | "rstrip" => {
                let (chars,): (Option<Value>,) = from_args(args)?;
                let chars = match &chars {
                    Some(c) if c.kind() == ValueKind::String => c.as_str(),
                    Some(c) if c.is_none() => None,
                    Some(c) => {
                        return Err(Error::new(
                            ErrorKind::InvalidOperation,
                            format!("{method} arg must be None or str, not {}", c.kind()),
                        ));
                    }
                    None => None,
                };
                let (l, r) = match method {
                    "strip" => (true, true),
                    "lstrip" => (true, false),
                    _ => (false, true),
                };
                return Ok(Value::from(py::strip(s, chars, l, r)));
            }
            "split" => {
                let (sep, maxsplit): (Option<Value>, Option<i64>) = from_args(args)?;
                if sep.as_ref().is_none_or(|v| v.is_none()) {
                    return Ok(py::split_whitespace(s, maxsplit)
                        .into_iter()
                        .map(Value::from)
                        .collect());
                }
            }
            "rsplit" => {
                let (sep, maxsplit): (Option<&str>, Option<i64>) = from_args(args)?;
                if let Some(sep) = sep.filter(|s| !s.is_empty()) {
                    let mut parts: Vec<&str> = match maxsplit {
                        Some(m) if m >= 0 => s.rsplitn(m as usize + 1, sep).collect(),
                        _ => s.rsplit(sep).collect(),
                    };
                    parts.reverse();
                    return Ok(parts.into_iter().map(Value::from).collect());
                }
            }
            "splitlines" => {
                let (keepends,): (Option<bool>,) = from_args(args)?;
                return Ok(py::splitlines(s, keepends.unwrap_or(false))
                    .into_iter()
                    .map(Value::from)
                    .collect());
            }
            "isspace" => {
                let () = from_args(args)?;
                return Ok(Value::from(!s.is_empty() && s.chars().all(py::is_py_space)));
            }
            _ => {}
        }
    }
    minijinja_contrib::pycompat::unknown_method_callback(state, value, method, args)
}

/// `transformers`' `tojson(x, ensure_ascii=False, indent=None, separators=None,
/// sort_keys=False)`: `json.dumps`, not Jinja's HTML-safe filter.
fn tojson(value: &Value, args: Rest<ValueOrKwargs>) -> Result<Value, Error> {
    let args = args.into_values();
    let (pos, kwargs): (&[Value], Kwargs) = from_args(&args)?;
    if pos.len() > 4 {
        return Err(Error::new(
            ErrorKind::TooManyArguments,
            "tojson takes at most 4 arguments",
        ));
    }
    let arg = |i: usize, name: &str| -> Result<Option<Value>, Error> {
        match (pos.get(i), kwargs.get::<Option<Value>>(name)?) {
            (Some(_), Some(_)) => Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("tojson got multiple values for argument '{name}'"),
            )),
            (Some(v), None) => Ok(Some(v.clone())),
            (None, v) => Ok(v),
        }
    };
    let ensure_ascii = arg(0, "ensure_ascii")?.is_some_and(|v| v.is_true());
    let indent = match arg(1, "indent")? {
        None => None,
        Some(v) if v.is_none() => None,
        Some(v) if v.kind() == ValueKind::String => {
            Some(v.as_str().unwrap_or_default().to_string())
        }
        Some(v) => match v.as_i64() {
            Some(n) => Some(" ".repeat(n.max(0) as usize)),
            None => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "tojson indent must be an int or a str",
                ));
            }
        },
    };
    let separators = match arg(2, "separators")? {
        None => None,
        Some(v) if v.is_none() => None,
        Some(v) => {
            let items: Vec<Value> = v.try_iter()?.collect();
            match items.as_slice() {
                [a, b] if a.as_str().is_some() && b.as_str().is_some() => Some((
                    a.as_str().unwrap_or_default().to_string(),
                    b.as_str().unwrap_or_default().to_string(),
                )),
                _ => {
                    return Err(Error::new(
                        ErrorKind::InvalidOperation,
                        "tojson separators must be a pair of strings",
                    ));
                }
            }
        }
    };
    let sort_keys = arg(3, "sort_keys")?.is_some_and(|v| v.is_true());
    kwargs.assert_all_used()?;
    let opts = py::DumpOptions::new(ensure_ascii, indent, separators, sort_keys);
    Ok(Value::from(py::dumps(value, &opts)?))
}

/// `datetime.strftime` for the directives date templates use, on a fixed day at 00:00.
/// An unknown directive is an error, never a guess.
fn strftime(fmt: &str, (y, m, d): (i32, u32, u32)) -> Result<String, Error> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    // Day of week (0 = Monday) and day of year, by Zeller-free counting from 1 Jan.
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let yday: u32 = month_days[..(m - 1) as usize].iter().sum::<u32>() + d;
    let days_before_year: i64 = (1..y as i64)
        .map(|yy| {
            if (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0 {
                366
            } else {
                365
            }
        })
        .sum();
    // 1 Jan of year 1 (proleptic Gregorian) was a Monday.
    let weekday = ((days_before_year + yday as i64 - 1) % 7) as usize;
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = chars.next();
        // glibc's `%-d`: no padding.
        let unpadded = spec == Some('-');
        if unpadded {
            spec = chars.next();
        }
        let num = |n: u32, w: usize| {
            if unpadded {
                n.to_string()
            } else {
                format!("{n:0w$}")
            }
        };
        match spec {
            Some('Y') => out.push_str(&y.to_string()),
            Some('y') => out.push_str(&num((y % 100) as u32, 2)),
            Some('m') => out.push_str(&num(m, 2)),
            Some('d') => out.push_str(&num(d, 2)),
            Some('e') => out.push_str(&format!("{d:>2}")),
            Some('j') => out.push_str(&num(yday, 3)),
            Some('B') => out.push_str(MONTHS[(m - 1) as usize]),
            Some('b') | Some('h') => out.push_str(&MONTHS[(m - 1) as usize][..3]),
            Some('A') => out.push_str(DAYS[weekday]),
            Some('a') => out.push_str(&DAYS[weekday][..3]),
            Some('u') => out.push_str(&(weekday + 1).to_string()),
            Some('w') => out.push_str(&((weekday + 1) % 7).to_string()),
            Some('H') | Some('M') | Some('S') => out.push_str(&num(0, 2)),
            Some('I') => out.push_str(&num(12, 2)),
            Some('p') => out.push_str("AM"),
            Some('F') => out.push_str(&format!("{y:04}-{m:02}-{d:02}")),
            Some('%') => out.push('%'),
            other => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!(
                        "strftime_now: unsupported directive %{}",
                        other.map(String::from).unwrap_or_default()
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// Rewrites the template source once: `{% generation %}` tags and message loops get
/// marker filter blocks (see the module doc). Whitespace control is kept exactly: a
/// replacement starts with the original tag's left marker and its last tag carries the
/// original right marker, so `trim_blocks`/`lstrip_blocks` and `-` act as before. No
/// newline is added, so error line numbers stay those of the original.
/// Returns the new source and whether it had generation tags.
pub fn rewrite(src: &str) -> (String, bool) {
    let mut out = String::with_capacity(src.len() + 256);
    let mut has_generation = false;
    let b = src.as_bytes();
    let mut i = 0;
    // Loops inside captured output (block `set`, macros, call and filter blocks) are not
    // marked: markers there would change strings the template may still inspect.
    let mut capture_depth = 0usize;
    while i < b.len() {
        let Some(off) = memchr::memchr(b'{', &b[i..]) else {
            out.push_str(&src[i..]);
            break;
        };
        let j = i + off;
        out.push_str(&src[i..j]);
        let next = b.get(j + 1).copied();
        let close = match next {
            Some(b'#') => "#}",
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            _ => {
                out.push('{');
                i = j + 1;
                continue;
            }
        };
        let Some(end) = find_close(src, j + 2, close, next != Some(b'#')) else {
            out.push_str(&src[j..]);
            break;
        };
        let tag = &src[j..end + 2];
        i = end + 2;
        if next != Some(b'%') {
            out.push_str(tag);
            continue;
        }
        let inner = &src[j + 2..end];
        let left = inner.chars().next().filter(|c| *c == '-' || *c == '+');
        let right = inner
            .chars()
            .last()
            .filter(|c| (*c == '-' || *c == '+') && inner.len() > 1);
        let body = inner
            .trim_start_matches(['-', '+'])
            .trim_end_matches(['-', '+'])
            .trim();
        let word = body
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        let l = left.map(String::from).unwrap_or_default();
        let r = right.map(String::from).unwrap_or_default();
        match word {
            "raw" => {
                out.push_str(tag);
                // Copy verbatim up to and including the endraw tag.
                let rest = &src[i..];
                let stop = find_endraw(rest).unwrap_or(rest.len());
                out.push_str(&rest[..stop]);
                i += stop;
            }
            "generation" | "endgeneration" => {
                has_generation = true;
                let f = if word == "generation" {
                    "ftmark_gen_start"
                } else {
                    "ftmark_gen_end"
                };
                out.push_str(&format!("{{%{l} filter {f} %}}{{% endfilter {r}%}}"));
            }
            "for" if capture_depth == 0 => match loop_target(body) {
                Some(name) => {
                    let head = match right {
                        Some(_) => &tag[..tag.len() - 3],
                        None => &tag[..tag.len() - 2],
                    };
                    out.push_str(head);
                    out.push_str(&format!(
                        "%}}{{% filter ftmark_msg({name}) %}}{{% endfilter {r}%}}"
                    ));
                }
                None => out.push_str(tag),
            },
            "set" if !body.contains('=') => {
                capture_depth += 1;
                out.push_str(tag);
            }
            "macro" | "call" | "filter" => {
                capture_depth += 1;
                out.push_str(tag);
            }
            "endset" | "endmacro" | "endcall" | "endfilter" => {
                capture_depth = capture_depth.saturating_sub(1);
                out.push_str(tag);
            }
            _ => out.push_str(tag),
        }
    }
    (out, has_generation)
}

/// The end of a tag: the offset of `close`, skipping quoted strings inside `{{ }}`/`{% %}`.
fn find_close(src: &str, from: usize, close: &str, quotes: bool) -> Option<usize> {
    let b = src.as_bytes();
    let mut k = from;
    let mut quote: Option<u8> = None;
    while k < b.len() {
        let c = b[k];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    k += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if quotes && (c == b'"' || c == b'\'') {
                    quote = Some(c);
                } else if b[k..].starts_with(close.as_bytes()) {
                    return Some(k);
                }
            }
        }
        k += 1;
    }
    None
}

fn find_endraw(rest: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = rest[from..].find("{%") {
        let start = from + p;
        let end = rest[start..].find("%}")? + start;
        let inner =
            rest[start + 2..end].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
        if inner == "endraw" {
            return Some(end + 2);
        }
        from = end + 2;
    }
    None
}

/// `for NAME in …` with a single target name (not `for k, v in …`).
fn loop_target(body: &str) -> Option<&str> {
    let rest = body.strip_prefix("for")?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    let after = rest[end..].trim_start();
    (!name.is_empty() && after.starts_with("in") && after[2..].starts_with(char::is_whitespace))
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrite_keeps_whitespace_control() {
        let (s, g) =
            rewrite("{%- for m in messages -%}\n{{ m }}{% endfor %}{# {% for x in y %} #}");
        assert!(!g);
        assert_eq!(
            s,
            "{%- for m in messages %}{% filter ftmark_msg(m) %}{% endfilter -%}\n{{ m }}{% endfor %}{# {% for x in y %} #}"
        );
        let (s, g) = rewrite("a{%- generation %}b{% endgeneration -%}");
        assert!(g);
        assert_eq!(
            s,
            "a{%- filter ftmark_gen_start %}{% endfilter %}b{% filter ftmark_gen_end %}{% endfilter -%}"
        );
        let (s, _) = rewrite(
            "{% for k, v in d.items() %}{% set x %}{% for m in ms %}{% endfor %}{% endset %}",
        );
        assert_eq!(
            s,
            "{% for k, v in d.items() %}{% set x %}{% for m in ms %}{% endfor %}{% endset %}"
        );
    }

    #[test]
    fn strftime_fixed_day() {
        assert_eq!(strftime("%d %b %Y", FIXED_DATE).unwrap(), "26 Jul 2024");
        assert_eq!(
            strftime("%A %B %-d, %Y %j", FIXED_DATE).unwrap(),
            "Friday July 26, 2024 208"
        );
        assert!(strftime("%Q", FIXED_DATE).is_err());
    }
}
