//! The rule registry, a leaf module (it imports nothing of ftlint's): Severity, and one row per rule with its code, name, default severity,
//! one-line summary and long Markdown explanation (shown by `--explain`).
//!
//! Every piece of text about a rule lives in a single row of [`RULES`], which
//! is indexed by `rule as usize`; the order of the rows must therefore match
//! the order of the [`Rule`] variants (checked at compile time and in tests).

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The provider would reject the file or the record.
    Error,
    /// Accepted, but likely a mistake or a waste of money.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Every check ftlint knows about, in table (and code) order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    // File level / bytes.
    InvalidUtf8,
    Utf8Bom,
    CrlfLineEndings,
    BlankLine,
    TruncatedLine,
    JsonArrayFile,
    MultilineJson,
    NoRecords,
    NotJsonl,
    // Record JSON.
    InvalidJson,
    JsonTooDeep,
    RecordNotObject,
    DuplicateKey,
    UnknownTopLevelKey,
    LineTooLong,
    // Messages.
    MissingMessages,
    MessagesNotArray,
    EmptyMessages,
    MessageNotObject,
    MissingRole,
    InvalidRole,
    MissingContent,
    InvalidContent,
    EmptyContent,
    UnknownMessageKey,
    InvalidWeight,
    InvalidName,
    // Tools.
    InvalidToolCalls,
    InvalidFunctionCall,
    MissingToolCallId,
    UnknownToolCallId,
    MissingFunctionName,
    InvalidTools,
    // Conversation.
    NoAssistantMessage,
    NothingToTrain,
    SpecialTokenText,
    NoSystemMessage,
    NoUserMessage,
    LastMessageNotAssistant,
    ConsecutiveSameRole,
    AssistantWhitespace,
    MisplacedSystemMessage,
    MixedContentForms,
    // Formats.
    LegacyFormat,
    MixedFormats,
    InvalidLegacyRecord,
    InvalidPreferenceRecord,
    IdenticalPreferenceOutputs,
    MethodMismatch,
    UnsupportedByModel,
    InvalidTextRecord,
    ChatTemplateError,
    // Dataset.
    TooFewExamples,
    DuplicateExample,
    ValidationOverlap,
    OverTokenLimit,
    FileTooLarge,
    CompressedFile,
    ModelRetired,
    InvalidImage,
    TooManyImages,
    // Content.
    SecretInText,
    PiiInText,
}

impl Rule {
    /// Every rule, in table order (`Rule::ALL[r as usize] == r`).
    pub const ALL: &'static [Rule] = &[
        Rule::InvalidUtf8,
        Rule::Utf8Bom,
        Rule::CrlfLineEndings,
        Rule::BlankLine,
        Rule::TruncatedLine,
        Rule::JsonArrayFile,
        Rule::MultilineJson,
        Rule::NoRecords,
        Rule::NotJsonl,
        Rule::InvalidJson,
        Rule::JsonTooDeep,
        Rule::RecordNotObject,
        Rule::DuplicateKey,
        Rule::UnknownTopLevelKey,
        Rule::LineTooLong,
        Rule::MissingMessages,
        Rule::MessagesNotArray,
        Rule::EmptyMessages,
        Rule::MessageNotObject,
        Rule::MissingRole,
        Rule::InvalidRole,
        Rule::MissingContent,
        Rule::InvalidContent,
        Rule::EmptyContent,
        Rule::UnknownMessageKey,
        Rule::InvalidWeight,
        Rule::InvalidName,
        Rule::InvalidToolCalls,
        Rule::InvalidFunctionCall,
        Rule::MissingToolCallId,
        Rule::UnknownToolCallId,
        Rule::MissingFunctionName,
        Rule::InvalidTools,
        Rule::NoAssistantMessage,
        Rule::NothingToTrain,
        Rule::SpecialTokenText,
        Rule::NoSystemMessage,
        Rule::NoUserMessage,
        Rule::LastMessageNotAssistant,
        Rule::ConsecutiveSameRole,
        Rule::AssistantWhitespace,
        Rule::MisplacedSystemMessage,
        Rule::MixedContentForms,
        Rule::LegacyFormat,
        Rule::MixedFormats,
        Rule::InvalidLegacyRecord,
        Rule::InvalidPreferenceRecord,
        Rule::IdenticalPreferenceOutputs,
        Rule::MethodMismatch,
        Rule::UnsupportedByModel,
        Rule::InvalidTextRecord,
        Rule::ChatTemplateError,
        Rule::TooFewExamples,
        Rule::DuplicateExample,
        Rule::ValidationOverlap,
        Rule::OverTokenLimit,
        Rule::FileTooLarge,
        Rule::CompressedFile,
        Rule::ModelRetired,
        Rule::InvalidImage,
        Rule::TooManyImages,
        Rule::SecretInText,
        Rule::PiiInText,
    ];

    fn info(self) -> &'static RuleInfo {
        &RULES[self as usize]
    }

    /// The stable code, e.g. `"FT001"`.
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// The kebab-case name, e.g. `"invalid-utf8"`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The severity used unless the configuration overrides it.
    pub fn default_severity(self) -> Severity {
        self.info().severity
    }

    /// One line, no trailing period.
    pub fn summary(self) -> &'static str {
        self.info().summary
    }

    /// Long Markdown text: what it does, why it matters, example, fix.
    pub fn explanation(self) -> &'static str {
        self.info().explanation
    }

    /// Look a rule up by code (case-insensitive, `"FT001"` or `"ft001"`) or
    /// by kebab-case name (`"invalid-utf8"`, also case-insensitive).
    pub fn from_code(code: &str) -> Option<Rule> {
        let code = code.trim();
        Rule::ALL.iter().copied().find(|rule| {
            rule.code().eq_ignore_ascii_case(code) || rule.name().eq_ignore_ascii_case(code)
        })
    }
}

struct RuleInfo {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    summary: &'static str,
    explanation: &'static str,
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

/// Number of rules: the last variant's index plus one. The table below must
/// have exactly this many rows, and `Rule::ALL` exactly this many entries.
const RULE_COUNT: usize = Rule::PiiInText as usize + 1;
const _: () = assert!(Rule::ALL.len() == RULE_COUNT);

static RULES: [RuleInfo; RULE_COUNT] = [
    // ------------------------------------------------------------------
    // File level / bytes
    // ------------------------------------------------------------------
    RuleInfo {
        code: "FT001",
        name: "invalid-utf8",
        severity: E,
        summary: "Line contains bytes that are not valid UTF-8",
        explanation: r#"## What it does
Flags a line holding bytes that are not valid UTF-8. The diagnostic points at the first bad byte.

## Why this matters
Fine-tuning files must be UTF-8 text. A file saved as Latin-1 or Windows-1252 (typical of spreadsheet and CSV exports) is rejected by the provider's validation, and if a decoder replaces the bad bytes instead, the model trains on garbled characters.

## Example
Here the `é` is stored as the single Windows-1252 byte `0xE9` instead of the UTF-8 sequence `0xC3 0xA9`:
```json
{"messages":[{"role":"user","content":"Recommend a café"},{"role":"assistant","content":"Try Café Lumière."}]}
```

## Use instead
Re-encode the whole file, e.g. `iconv -f WINDOWS-1252 -t UTF-8 data.jsonl > data.utf8.jsonl`; the text is then stored as UTF-8:
```json
{"messages":[{"role":"user","content":"Recommend a café"},{"role":"assistant","content":"Try Café Lumière."}]}
```
"#,
    },
    RuleInfo {
        code: "FT002",
        name: "utf8-bom",
        severity: W,
        summary: "File starts with a UTF-8 byte-order mark",
        explanation: r#"## What it does
Flags a file whose first three bytes are the UTF-8 byte-order mark `EF BB BF` (what editors call "UTF-8 with BOM").

## Why this matters
ftlint skips the BOM, but other JSONL readers do not: Python's `json.loads` on the first line raises `Unexpected UTF-8 BOM`, so scripts and uploaders that read the file line by line may reject it or lose the first example. The BOM has no use in UTF-8.

## Example
The first line is preceded by the invisible bytes `EF BB BF`:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello! How can I help?"}]}
```

## Use instead
Save as plain "UTF-8", or strip it with `sed -i '1s/^\xEF\xBB\xBF//' data.jsonl`; the file then starts with `{`:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello! How can I help?"}]}
```
"#,
    },
    RuleInfo {
        code: "FT003",
        name: "crlf-line-endings",
        severity: W,
        summary: "Lines end with CRLF instead of LF",
        explanation: r#"## What it does
Flags a file whose lines end with Windows line endings (`\r\n`). It is reported once per file, at the first CRLF line. ftlint accepts it: the `\r` is not treated as part of the record.

## Why this matters
JSON parsers treat a trailing `\r` as whitespace, so most uploads succeed. But line-based tools that split on `\n` keep the `\r` in each record: hashes used for deduplication differ, `grep`/`cut` pipelines break, and a strict reader may refuse the line. Converting costs nothing and removes the risk.

## Example
This line ends with `\r\n` (invisible here):
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello! How can I help?"}]}
```

## Use instead
Convert with `dos2unix data.jsonl` (or `sed -i 's/\r$//' data.jsonl`) so every line ends with `\n` only:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello! How can I help?"}]}
```
"#,
    },
    RuleInfo {
        code: "FT004",
        name: "blank-line",
        severity: W,
        summary: "Empty or whitespace-only line",
        explanation: r#"## What it does
Flags a line that is empty or holds only whitespace.

## Why this matters
It is a warning, not an error: a blank line holds no example, so ftlint does not count it as one and it costs nothing, and many JSONL readers skip it. Not all do, though: a reader doing `json.loads(line)` on every line (as OpenAI's own data-prep cookbook recipe does) crashes on it, and a strict uploader may reject the whole file. Remove it.

## Example
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}

{"messages":[{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye!"}]}
```

## Use instead
Delete blank lines, e.g. `sed -i '/^[[:space:]]*$/d' data.jsonl`:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
{"messages":[{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT005",
        name: "truncated-line",
        severity: E,
        summary: "Last line stops mid-record: the file was cut off",
        explanation: r#"## What it does
Flags a last line that has no trailing newline and whose JSON stops in the middle of the record. The file was cut off, typically by an interrupted write, a full disk, or a partial download.

## Why this matters
The provider rejects the file because that line is not valid JSON. Worse, whatever produced the cut may have lost more than one record: the dataset is smaller than you think.

## Example
```json
{"messages":[{"role":"user","content":"Summarize the report"},{"role":"assistant","content":"The report cov
```

## Use instead
Regenerate or re-download the file so the last record is complete (or delete the partial line):
```json
{"messages":[{"role":"user","content":"Summarize the report"},{"role":"assistant","content":"The report covers Q3 revenue and hiring."}]}
```
"#,
    },
    RuleInfo {
        code: "FT006",
        name: "json-array-file",
        severity: E,
        summary: "File is one JSON array instead of JSONL",
        explanation: r#"## What it does
Flags a file that is a single JSON array of records (`[{...},{...}]`) instead of JSON Lines. It is reported once for the file rather than once per line.

## Why this matters
The provider expects JSONL: one JSON object per line. An array is not a record, so the upload fails validation and no example is read.

## Example
```json
[{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]},{"messages":[{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye!"}]}]
```

## Use instead
Write one element per line: `jq -c '.[]' data.json > data.jsonl`.
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
{"messages":[{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT007",
        name: "multiline-json",
        severity: E,
        summary: "Pretty-printed JSON objects span several lines (JSON, not JSONL)",
        explanation: r#"## What it does
Flags a file whose JSON objects are pretty-printed over several lines, i.e. JSON, not JSONL. It is reported once for the file.

## Why this matters
JSONL readers, including the provider's, parse each line on its own. A line such as `{` or `"role": "user",` is not valid JSON, so the upload is rejected.

## Example
```json
{
  "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
}
```

## Use instead
Compact each object onto one line: `jq -c . data.json > data.jsonl`.
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT008",
        name: "no-records",
        severity: E,
        summary: "File is empty or holds only blank lines",
        explanation: r#"## What it does
Flags a file that is empty or contains only blank lines: there is not a single record in it.

## Why this matters
The provider rejects a file with no examples. It usually means an export step wrote nothing (a failed query, a wrong path, a filter that matched no rows), and the job you were about to start would train on no data.

## Example
A file containing only newlines:
```json


```

## Use instead
Fix the step that produced the file so it writes one record per line (and at least 10 of them, see FT070):
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT009",
        name: "not-jsonl",
        severity: E,
        summary: "File is CSV, TSV, Parquet or an archive, not JSONL",
        explanation: r#"## What it does
Flags, once for the whole file, a file that is plainly not JSON Lines: comma- or tab-separated values (a header row such as `prompt,completion` and rows without a `{`), a Parquet file (`PAR1` magic), or a ZIP, bzip2, xz or zstd archive. The rest of the file is not checked line by line, so one finding replaces an FT010 error on every line. (gzip files are read as they are: see FT075.)

## Why this matters
The provider reads one JSON object per line; a spreadsheet export, a Hugging Face Parquet shard or a zipped dataset is rejected as a whole. The usual cause is uploading the file a data tool wrote instead of converting it.

## Example
A CSV export with a header row:
```json
prompt,completion
"What is 2+2?","4"
```

## Use instead
Convert each row to a record, e.g. with pandas: `pd.read_csv(f).apply(lambda r: {"messages": [{"role": "user", "content": r.prompt}, {"role": "assistant", "content": r.completion}]}, axis=1)` written with `json.dumps` one per line:
```json
{"messages":[{"role":"user","content":"What is 2+2?"},{"role":"assistant","content":"4"}]}
```
"#,
    },
    // ------------------------------------------------------------------
    // Record JSON
    // ------------------------------------------------------------------
    RuleInfo {
        code: "FT010",
        name: "invalid-json",
        severity: E,
        summary: "Line is not valid JSON",
        explanation: r#"## What it does
Flags a line that does not parse as JSON. The message carries the parser's reason and the column points at the offending character.

## Why this matters
A single unparsable line makes the provider reject the whole file. Common causes: writing Python dicts with `str()` instead of `json.dumps()` (single quotes, `True`, `None`), trailing commas, and unescaped quotes or raw newlines inside strings.

## Example
```json
{'messages': [{'role': 'user', 'content': 'Hi'}, {'role': 'assistant', 'content': 'Hello!'}]}
```

## Use instead
Serialize with a JSON library (`json.dumps(record, ensure_ascii=False)`):
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT011",
        name: "json-too-deep",
        severity: E,
        summary: "JSON nests 128 levels deep or more, past the parser's limit",
        explanation: r#"## What it does
Flags a line whose JSON nests arrays or objects 128 levels deep or more (the parser's limit). ftlint refuses to parse it rather than risk a stack overflow.

## Why this matters
No real chat record nests anywhere near this deep: a valid message is three or four levels, tool definitions a few more. Such a line is almost always generated garbage or a recursive serialization bug, and parsers with the same safety limit will reject it.

## Example
Abbreviated: the real line nests hundreds of arrays inside `content`:
```json
{"messages":[{"role":"user","content":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["Hi"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},{"role":"assistant","content":"Hello!"}]}
```

## Use instead
Fix the code that generated the record so the content is plain text:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT012",
        name: "record-not-object",
        severity: E,
        summary: "Line is JSON but not an object",
        explanation: r#"## What it does
Flags a line that is valid JSON but not an object: an array, a string, a number, `true`/`false` or `null`.

## Why this matters
Every training example must be an object with a `messages` key; the provider rejects anything else. A string line usually means the record was JSON-encoded twice (`json.dumps(json.dumps(record))`).

## Example
```json
"{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello!\"}]}"
```

## Use instead
Encode the record once:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT013",
        name: "duplicate-key",
        severity: W,
        summary: "Same key appears twice in one JSON object",
        explanation: r#"## What it does
Flags a JSON object that contains the same key more than once.

## Why this matters
JSON does not forbid it, but the provider's parser (Python's `json`) silently keeps the LAST value and drops the first. The model then trains on text you may not have meant to keep, and nothing tells you. It usually comes from string-concatenating JSON or merging records by hand.

## Example
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello! How can I help?","content":"Hello!"}]}
```

## Use instead
Keep exactly one value per key:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello! How can I help?"}]}
```
"#,
    },
    RuleInfo {
        code: "FT014",
        name: "unknown-top-level-key",
        severity: E,
        summary: "A record has a top-level key its format does not define",
        explanation: r#"## What it does
Flags a top-level key beside a format's own: in a chat record anything but `messages`, `tools`, `functions` and `parallel_tool_calls`; in a preference record anything but `input`, `preferred_output` and `non_preferred_output`. A key given twice is one finding. The message names the key and whether the provider fails the job on it.

## Why this matters
OpenAI fails the whole job on one extra key: a real job exported with metadata keys failed with `Invalid file format. Example 1 contains an extra "weight".` Together's validator rejects the file too (`Found extra column "id" in the line 1.`), and Azure, which takes OpenAI's format, is treated alike. ftlint already rejects an extra key inside a message (FT029) or in a prompt/completion record (FT062); the top level agrees. Fireworks and Mistral document no such check, so their profiles keep it a warning. A typo such as `tool` for `tools` would also silently drop the tool definitions.

## Example
```json
{"id":"ex-42","source":"crm","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```

## Use instead
Keep metadata in a side file keyed by line number, and fix typos:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT015",
        name: "line-too-long",
        severity: E,
        summary: "Line is longer than `--max-line-bytes` (default 160 MiB)",
        explanation: r#"## What it does
Flags a line longer than `--max-line-bytes` bytes (default 160 MiB; suffixes such as `16MiB` are accepted). The line is skipped while the file streams past: it is never held in memory whole, and the lines after it keep their numbers.

## Why this matters
A training record with ten 10 MB images in base64 is about 140 MB, so a longer line is almost always a bug: a whole file pasted into one string, or a writer that forgot its newlines and produced one endless line. Reading such a line whole would cost memory without bound; the upload would fail or train on garbage.

## Example
With `--max-line-bytes 64`, a record whose content pads it past 64 bytes:
```json
{"messages":[{"role":"user","content":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}]}
```

## Use instead
Keep each record to what one training example needs (images as URLs or within the provider's limits), one record per line; raise `--max-line-bytes` only if such records are meant:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    // ------------------------------------------------------------------
    // Messages
    // ------------------------------------------------------------------
    RuleInfo {
        code: "FT020",
        name: "missing-messages",
        severity: E,
        summary: "Chat record has no `messages` key",
        explanation: r#"## What it does
Flags a chat record without a `messages` key, for example one that uses `conversation`, `conversations` (ShareGPT style) or `Messages` (keys are case-sensitive).

## Why this matters
`messages` is the only place the provider looks for the conversation. A record without it is rejected, and with it the whole file.

## Example
```json
{"conversation":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT021",
        name: "messages-not-array",
        severity: E,
        summary: "`messages` is not an array",
        explanation: r#"## What it does
Flags a record whose `messages` value is not a JSON array: an object, a string (often a JSON-encoded array), or `null`.

## Why this matters
The provider reads `messages` as a list of message objects; any other type is rejected along with the file.

## Example
```json
{"messages":"[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello!\"}]"}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT022",
        name: "empty-messages",
        severity: E,
        summary: "`messages` is an empty array",
        explanation: r#"## What it does
Flags a record whose `messages` array is empty.

## Why this matters
An example with no messages has nothing to train on and the provider rejects it. It usually means a conversation was filtered down to nothing, or a failed generation wrote an empty list.

## Example
```json
{"messages":[]}
```

## Use instead
Drop the record, or fill it with the conversation it was meant to hold:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT023",
        name: "message-not-object",
        severity: E,
        summary: "Element of `messages` is not an object",
        explanation: r#"## What it does
Flags an element of `messages` that is not a JSON object, e.g. a bare string or a `[role, text]` pair.

## Why this matters
Each message must be an object with `role` and `content`; the provider rejects anything else, and with it the file.

## Example
```json
{"messages":[["user","Hi"],["assistant","Hello!"]]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT024",
        name: "missing-role",
        severity: E,
        summary: "Message has no `role`",
        explanation: r#"## What it does
Flags a message object without a `role` key, often because the data uses another schema (ShareGPT's `from`/`value`, or `speaker`).

## Why this matters
The role decides how the message is formatted and whether it is trained on. Without it the provider rejects the example, and with it the file.

## Example
```json
{"messages":[{"from":"human","value":"Hi"},{"from":"gpt","value":"Hello!"}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT025",
        name: "invalid-role",
        severity: E,
        summary: "`role` is not one of system, user, assistant, tool, function",
        explanation: r#"## What it does
Flags a `role` that is not a string or not one of `system`, `user`, `assistant`, `tool`, `function`.

## Why this matters
The provider rejects any other role. Roles are case-sensitive (`Assistant` is wrong), names from other formats (`human`, `gpt`, `bot`, `model`) are not accepted, and `developer`, the newer API name for the system role, is not accepted for fine-tuning: use `system`.

## Example
```json
{"messages":[{"role":"developer","content":"Answer tersely."},{"role":"User","content":"Hi"},{"role":"bot","content":"Hello!"}]}
```

## Use instead
```json
{"messages":[{"role":"system","content":"Answer tersely."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT026",
        name: "missing-content",
        severity: E,
        summary: "Message has no `content`",
        explanation: r#"## What it does
Flags a message without a `content` key. `content` is always required; an assistant message that only makes a tool or function call must still carry it, as `"content": null`.

## Why this matters
The provider rejects messages without content, and with them the file. A missing key usually means the text was stored under another name (`text`, `value`) or a generation failed.

## Example
```json
{"messages":[{"role":"user","content":"What's the weather in Paris?"},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"What's the weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}]}
```
"#,
    },
    RuleInfo {
        code: "FT027",
        name: "invalid-content",
        severity: E,
        summary: "`content` is not a string or an array of content parts",
        explanation: r#"## What it does
Flags a `content` that is neither a string nor an array of content parts (`{"type":"text","text":...}`, and on user messages `{"type":"image_url","image_url":{"url":...}}`), or that is `null` on a message other than an assistant message with `tool_calls` or `function_call`.

## Why this matters
The provider rejects the file. Numbers, objects and `null` typically come from a CSV or dataframe export where a cell was empty or typed as a number.

## Example
```json
{"messages":[{"role":"user","content":"What is 6 times 7?"},{"role":"assistant","content":42}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"What is 6 times 7?"},{"role":"assistant","content":"42"}]}
```
"#,
    },
    RuleInfo {
        code: "FT028",
        name: "empty-content",
        severity: W,
        summary: "`content` or `completion` is an empty string",
        explanation: r#"## What it does
Flags a message whose `content` is the empty string `""`, and a prompt/completion record whose `completion` is `""`.

## Why this matters
An empty message gives the model nothing to learn from; an empty assistant message even teaches it to answer with nothing, while the rest of the example is still billed. It is usually a data-pipeline bug: a wrong column name, a failed generation, a filter that blanked the text.

## Example
```json
{"messages":[{"role":"user","content":"Translate 'thank you' to French"},{"role":"assistant","content":""}]}
```

## Use instead
Restore the missing text, or drop the example:
```json
{"messages":[{"role":"user","content":"Translate 'thank you' to French"},{"role":"assistant","content":"Merci."}]}
```
"#,
    },
    RuleInfo {
        code: "FT029",
        name: "unknown-message-key",
        severity: E,
        summary: "Message has a key not allowed for its role",
        explanation: r#"## What it does
Flags a message key not allowed for its role. Allowed keys: `system` and `user`: `role`, `content`, `name`; `assistant`: those plus `weight`, `tool_calls`, `function_call`, `refusal`; `tool`: `role`, `content`, `tool_call_id`; `function`: `role`, `content`, `name`.

## Why this matters
The provider validates message keys and rejects the file on an unknown one. Typical culprits are leftover metadata (`timestamp`, `id`) and misspellings (`tool_call` for `tool_calls`).

## Example
```json
{"messages":[{"role":"user","content":"Hi","timestamp":"2024-05-01T10:00:00Z"},{"role":"assistant","content":"Hello!"}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT030",
        name: "invalid-weight",
        severity: E,
        summary: "`weight` is not 0 or 1, or is set on a non-assistant message",
        explanation: r#"## What it does
Flags a `weight` key on a message that is not an assistant message, or whose value is not the integer `0` or `1` (e.g. `0.5`, `true`, `"1"`).

## Why this matters
`weight` only controls whether an assistant message is trained on (`1`) or only used as context (`0`); there are no fractional weights. The provider rejects any other value or placement.

## Example
```json
{"messages":[{"role":"user","content":"Hi","weight":0},{"role":"assistant","content":"Hello!","weight":0.5}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!","weight":1}]}
```
"#,
    },
    RuleInfo {
        code: "FT031",
        name: "invalid-name",
        severity: E,
        summary: "`name` is not a non-empty string",
        explanation: r#"## What it does
Flags a message `name` that is not a string or is the empty string.

## Why this matters
`name` identifies the participant (or, on `function` messages, the function) and must be a non-empty string; the provider rejects anything else. Empty or numeric names usually come from an empty or numeric source column.

## Example
```json
{"messages":[{"role":"user","name":"","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```

## Use instead
Give a real name, or drop the key:
```json
{"messages":[{"role":"user","name":"alice","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    // ------------------------------------------------------------------
    // Tools
    // ------------------------------------------------------------------
    RuleInfo {
        code: "FT040",
        name: "invalid-tool-calls",
        severity: E,
        summary: "`tool_calls` is malformed",
        explanation: r#"## What it does
Flags a `tool_calls` that is not an array of `{"id": string, "type": "function", "function": {"name": string, "arguments": string}}`, a function name outside `^[a-zA-Z0-9_-]{1,64}$`, or an `arguments` string that does not parse as JSON.

## Why this matters
The provider rejects the file. The most common mistake is giving `arguments` as a JSON object: it must be a JSON-encoded STRING, exactly as the API returns it, and the model learns to produce that string.

## Example
```json
{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":{"city":"Paris"}}}]}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}]}
```
"#,
    },
    RuleInfo {
        code: "FT041",
        name: "invalid-function-call",
        severity: E,
        summary: "Legacy `function_call` is not `{name, arguments}` with string values",
        explanation: r#"## What it does
Flags a legacy `function_call` on an assistant message that is not an object `{"name": string, "arguments": string}`, whose name is outside `^[a-zA-Z0-9_-]{1,64}$`, or whose `arguments` do not parse as JSON.

## Why this matters
The provider rejects the file. As with `tool_calls`, `arguments` must be a JSON-encoded string, not an object.

## Example
```json
{"functions":[{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}],"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":{"city":"Paris"}}}]}
```

## Use instead
```json
{"functions":[{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}],"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}
```
"#,
    },
    RuleInfo {
        code: "FT042",
        name: "missing-tool-call-id",
        severity: E,
        summary: "`tool` message has no string `tool_call_id`",
        explanation: r#"## What it does
Flags a message with role `tool` that has no `tool_call_id`, or whose `tool_call_id` is not a string.

## Why this matters
A tool result must say which call it answers; the provider rejects tool messages without the id, and with them the file.

## Example
```json
{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","content":"18C, sunny"},{"role":"assistant","content":"It is 18C and sunny in Paris."}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"18C, sunny"},{"role":"assistant","content":"It is 18C and sunny in Paris."}]}
```
"#,
    },
    RuleInfo {
        code: "FT043",
        name: "unknown-tool-call-id",
        severity: W,
        summary: "`tool_call_id` matches no earlier assistant tool call",
        explanation: r#"## What it does
Flags a `tool` message whose `tool_call_id` matches the `id` of no tool call made by an earlier assistant message in the same conversation.

## Why this matters
The model learns from a tool result that answers no call, which teaches it the wrong link between calls and results; the provider may also reject the example. It usually means ids were regenerated on one side only, or conversations were spliced together.

## Example
```json
{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_9","content":"18C, sunny"},{"role":"assistant","content":"It is 18C and sunny."}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"18C, sunny"},{"role":"assistant","content":"It is 18C and sunny."}]}
```
"#,
    },
    RuleInfo {
        code: "FT044",
        name: "missing-function-name",
        severity: E,
        summary: "`function` message has no string `name`",
        explanation: r#"## What it does
Flags a message with the legacy role `function` that has no `name`, or whose `name` is not a string.

## Why this matters
A function result must name the function it comes from; the provider rejects it otherwise, and with it the file.

## Example
```json
{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"role":"function","content":"18C, sunny"},{"role":"assistant","content":"It is 18C and sunny."}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"role":"function","name":"get_weather","content":"18C, sunny"},{"role":"assistant","content":"It is 18C and sunny."}]}
```
"#,
    },
    RuleInfo {
        code: "FT045",
        name: "invalid-tools",
        severity: E,
        summary: "Top-level `tools`, `functions` or `parallel_tool_calls` is malformed",
        explanation: r#"## What it does
Flags a top-level `tools` that is not an array of `{"type":"function","function":{"name", "description"?, "parameters"?}}`, a `functions` that is not an array of `{"name", "description"?, "parameters"?}`, either list empty or longer than 128 definitions, a name outside `^[a-zA-Z0-9_-]{1,64}$`, a `description` that is not a string, a `parameters` that is not a JSON-schema object, or a `parallel_tool_calls` that is not a boolean. `description` and `parameters` are optional: "omitting `parameters` defines a function with an empty parameter list". The same name pattern applies to the names in `tool_calls` (FT040) and `function_call` (FT041).

## Why this matters
The provider rejects the file (the API schema allows 1 to 128 functions, and names of letters, digits, `_` and `-` up to 64 characters). A frequent mistake is the flat tool shape (`{"type":"function","name":...}`) used by some newer APIs, without the `function` wrapper; another is a name with a space such as `get weather`.

## Example
```json
{"tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}],"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```

## Use instead
```json
{"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    // ------------------------------------------------------------------
    // Conversation
    // ------------------------------------------------------------------
    RuleInfo {
        code: "FT050",
        name: "no-assistant-message",
        severity: E,
        summary: "Example has no assistant message",
        explanation: r#"## What it does
Flags an example whose `messages` contains no message with role `assistant`.

## Why this matters
Training only learns from assistant messages, so this example has nothing to train on, and the provider rejects it (and with it the file). It is usually a prompt whose answer was never generated or was dropped by a filter.

## Example
```json
{"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is the capital of France?"}]}
```

## Use instead
```json
{"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."}]}
```
"#,
    },
    RuleInfo {
        code: "FT051",
        name: "nothing-to-train",
        severity: W,
        summary: "Every assistant message has weight 0",
        explanation: r#"## What it does
Flags an example in which every assistant message has `"weight": 0`.

## Why this matters
Weight 0 tells the trainer not to learn from that message. With all of them at 0, the example's tokens are still billed for every epoch, but it trains nothing.

## Example
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!","weight":0},{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye!","weight":0}]}
```

## Use instead
Mark the replies you want learned with weight 1 (the default), or drop the example:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!","weight":0},{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye!","weight":1}]}
```
"#,
    },
    RuleInfo {
        code: "FT052",
        name: "special-token-text",
        severity: E,
        summary: "Content contains special-token text such as `<|endoftext|>`",
        explanation: r#"## What it does
Flags message content containing the text of a tokenizer special token, such as `<|endoftext|>`, `<|fim_prefix|>`, `<|fim_suffix|>`, `<|im_start|>` or `<|im_end|>`.

## Why this matters
The provider refuses text that spells out special tokens and rejects the file. Such markers are usually left over from a raw-text or other-model chat template; the provider adds its own delimiters, so they are never needed.

## Example
```json
{"messages":[{"role":"user","content":"<|im_start|>user Hi<|im_end|>"},{"role":"assistant","content":"Hello!<|endoftext|>"}]}
```

## Use instead
Remove the markers and keep only the text:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT053",
        name: "no-system-message",
        severity: W,
        summary: "Example has no system message",
        explanation: r#"## What it does
Flags an example that has no `system` message.

## Why this matters
The tuned model will almost always be called with a system prompt. Training without it teaches behaviour under a different input than the one used in production, which weakens what you paid to train. Include the same system prompt you will use at inference in every example.

## Example
```json
{"messages":[{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."}]}
```

## Use instead
```json
{"messages":[{"role":"system","content":"You are a concise geography tutor."},{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."}]}
```
"#,
    },
    RuleInfo {
        code: "FT054",
        name: "no-user-message",
        severity: W,
        summary: "Example has no user message",
        explanation: r#"## What it does
Flags an example that has no `user` message.

## Why this matters
The model is taught to produce its answer without any request, which is not how it will be called. It usually means the user turn was lost in a column mapping, or the question was put into the system prompt. Such examples train poorly while costing the same.

## Example
```json
{"messages":[{"role":"system","content":"You are a concise geography tutor."},{"role":"assistant","content":"Paris."}]}
```

## Use instead
```json
{"messages":[{"role":"system","content":"You are a concise geography tutor."},{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."}]}
```
"#,
    },
    RuleInfo {
        code: "FT055",
        name: "last-message-not-assistant",
        severity: W,
        summary: "Messages follow the last assistant message",
        explanation: r#"## What it does
Flags an example whose last message is not an assistant message, i.e. there are turns after the last assistant reply.

## Why this matters
Only assistant messages are learned, and a trailing turn is never followed by one: it teaches nothing, but its tokens are billed for every epoch. It often means the final answer is missing.

## Example
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"},{"role":"user","content":"Thanks, bye"}]}
```

## Use instead
Drop the trailing turn, or add the reply it was waiting for:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"},{"role":"user","content":"Thanks, bye"},{"role":"assistant","content":"Goodbye!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT056",
        name: "consecutive-same-role",
        severity: W,
        summary: "Two consecutive messages have the same role",
        explanation: r#"## What it does
Flags two consecutive messages with the same role. Consecutive `tool` messages are allowed: they are the replies to parallel tool calls.

## Why this matters
Real conversations alternate. Two user turns in a row usually come from a bad merge or a dropped assistant reply; two assistant turns teach the model to end its turn and start another. Either way the model trains on a turn structure it will not see in use.

## Example
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."}]}
```

## Use instead
Merge the turns (or restore the missing reply):
```json
{"messages":[{"role":"user","content":"Hi! What is the capital of France?"},{"role":"assistant","content":"Paris."}]}
```
"#,
    },
    RuleInfo {
        code: "FT057",
        name: "assistant-whitespace",
        severity: W,
        summary: "Assistant text starts or ends with whitespace",
        explanation: r#"## What it does
Flags assistant content that starts or ends with whitespace (spaces, tabs, newlines).

## Why this matters
The model learns to emit exactly what the assistant messages contain, so it will learn to start answers with a space or end them with blank lines, which costs output tokens and breaks exact-match parsing. The leading-space convention of old prompt/completion data does not apply to chat.

## Example
```json
{"messages":[{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":" Paris.\n\n"}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."}]}
```
"#,
    },
    RuleInfo {
        code: "FT058",
        name: "misplaced-system-message",
        severity: E,
        summary: "A system message is not the first message, or there is more than one",
        explanation: r#"## What it does
Flags a system message that is not the first message of an example, or a second system message, where the chosen provider allows only one system message at the start (Fireworks, Mistral). At OpenAI, Azure and Together the rule is off: they accept system messages anywhere.

## Why this matters
Fireworks documents that the system message is optional but must come first; mistral-finetune's validator rejects more than one system message. Such a file fails validation after upload.

## Example
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"system","content":"Be terse."},{"role":"assistant","content":"Hello."}]}
```

## Use instead
```json
{"messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]}
```
"#,
    },
    RuleInfo {
        code: "FT059",
        name: "mixed-content-forms",
        severity: E,
        summary: "Some messages give content as a string, others as a list of parts",
        explanation: r#"## What it does
Flags an example whose messages mix the two forms of `content`: a plain string in some, a list of content parts in others. Off unless the provider requires one form per example (Together).

## Why this matters
Together's validator rejects an example that mixes string and multimodal-list content: all messages of an example must use the same form, and the whole file fails otherwise.

## Example
```json
{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},{"role":"assistant","content":"A cat."}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},{"role":"assistant","content":[{"type":"text","text":"A cat."}]}]}
```
"#,
    },
    // ------------------------------------------------------------------
    // Formats
    // ------------------------------------------------------------------
    RuleInfo {
        code: "FT060",
        name: "legacy-format",
        severity: E,
        summary: "Legacy prompt/completion records used with a chat model",
        explanation: r#"## What it does
Flags `{"prompt": ..., "completion": ...}` records, the GPT-3 fine-tuning format (often with a `->` separator), when the target is a chat model. It is reported once per file, at the first legacy line.

## Why this matters
Chat models only accept `messages` records, so the provider rejects the file. Prompt/completion is valid only for the base models `babbage-002` and `davinci-002` (`--model babbage-002` or `--model davinci-002`).

## Example
```json
{"prompt":"What is the capital of France? ->","completion":" Paris.\n"}
```

## Use instead
Convert each record to messages, dropping the separator and stop sequence:
```json
{"messages":[{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."}]}
```
"#,
    },
    RuleInfo {
        code: "FT061",
        name: "mixed-formats",
        severity: E,
        summary: "File mixes chat and prompt/completion records",
        explanation: r#"## What it does
Flags a file that mixes chat (`messages`) records and prompt/completion records. It is reported at the first line whose format differs from the first record's.

## Why this matters
A fine-tuning job uses one format, chosen by the model; the provider rejects a file in which records of the other format appear. Mixed files usually come from concatenating an old dataset with a new one.

## Example
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
{"prompt":"Bye ->","completion":" Goodbye!"}
```

## Use instead
Convert every record to the same format:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
{"messages":[{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT062",
        name: "invalid-legacy-record",
        severity: E,
        summary: "Prompt/completion record is malformed",
        explanation: r#"## What it does
Flags a prompt/completion record whose `prompt` or `completion` is not a string, or that has keys other than `prompt` and `completion`.

## Why this matters
The legacy format accepts exactly two string fields; the provider rejects anything else, and with it the file.

## Example
```json
{"id":7,"prompt":"What is the capital of France? ->","completion":["Paris."]}
```

## Use instead
```json
{"prompt":"What is the capital of France? ->","completion":" Paris."}
```
"#,
    },
    RuleInfo {
        code: "FT063",
        name: "invalid-preference-record",
        severity: E,
        summary: "Preference (DPO) record is malformed",
        explanation: r#"## What it does
Flags a preference record (`input`, `preferred_output`, `non_preferred_output`) whose parts are missing or malformed: `input` not an object or without a valid `messages` list, an input that ends with an assistant message, an output that is not a list of exactly one assistant message with content, or a key beside the three (and `input`'s own `messages`, `tools`, `parallel_tool_calls`). The messages inside `input` are checked by the chat rules too.

## Why this matters
Direct preference optimisation learns from the difference between two replies to the same conversation; the provider rejects a record that does not give exactly one preferred and one non-preferred assistant reply after a conversation that awaits that reply.

## Example
```json
{"input":{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]},"preferred_output":[{"role":"assistant","content":"Hello!"},{"role":"assistant","content":"Hi!"}],"non_preferred_output":"Go away."}
```

## Use instead
```json
{"input":{"messages":[{"role":"user","content":"Hi"}]},"preferred_output":[{"role":"assistant","content":"Hello! How can I help?"}],"non_preferred_output":[{"role":"assistant","content":"What?"}]}
```
"#,
    },
    RuleInfo {
        code: "FT064",
        name: "identical-preference-outputs",
        severity: W,
        summary: "Preferred and non-preferred outputs are identical",
        explanation: r#"## What it does
Flags a preference record whose preferred and non-preferred replies are the same message.

## Why this matters
DPO learns from the difference between the two replies; an identical pair teaches nothing but is billed (both outputs are trained tokens).

## Example
```json
{"input":{"messages":[{"role":"user","content":"Hi"}]},"preferred_output":[{"role":"assistant","content":"Hello!"}],"non_preferred_output":[{"role":"assistant","content":"Hello!"}]}
```

## Use instead
```json
{"input":{"messages":[{"role":"user","content":"Hi"}]},"preferred_output":[{"role":"assistant","content":"Hello!"}],"non_preferred_output":[{"role":"assistant","content":"What do you want?"}]}
```
"#,
    },
    RuleInfo {
        code: "FT065",
        name: "method-mismatch",
        severity: E,
        summary: "Records do not fit the training method given with --method",
        explanation: r#"## What it does
Flags a file whose records do not fit the training method chosen with `--method` (or `method` in the config): chat or prompt/completion records for a DPO job, or preference records for a supervised (SFT) job. Reported once per file.

## Why this matters
A DPO job reads `input` / `preferred_output` / `non_preferred_output`; a supervised job reads `messages` (or `prompt`/`completion`). The provider validates the file against the job's method and fails the job.

## Example
With `--method dpo`:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```

## Use instead
With `--method dpo`, preference records:
```json
{"input":{"messages":[{"role":"user","content":"Hi"}]},"preferred_output":[{"role":"assistant","content":"Hello!"}],"non_preferred_output":[{"role":"assistant","content":"What?"}]}
```
"#,
    },
    RuleInfo {
        code: "FT066",
        name: "unsupported-by-model",
        severity: E,
        summary: "The model or provider cannot train on what the file holds",
        explanation: r#"## What it does
Flags, once per file, a file that needs what the chosen model or provider does not offer: a record format the provider does not accept (preference records at Mistral), a training method the model does not offer (DPO on gpt-3.5-turbo), or images sent to a model without vision fine-tuning. The message names the models of the provider that would take the file.

## Why this matters
The job would be refused after upload. Each model lists the methods it supports and whether it takes images (`ftlint models`).

## Example
With `--model gpt-3.5-turbo`, which offers supervised fine-tuning only:
```json
{"input":{"messages":[{"role":"user","content":"Hi"}]},"preferred_output":[{"role":"assistant","content":"Hello!"}],"non_preferred_output":[{"role":"assistant","content":"What?"}]}
```

## Use instead
The same file with `--model gpt-4o-mini`, which offers DPO:
```json
{"input":{"messages":[{"role":"user","content":"Hi"}]},"preferred_output":[{"role":"assistant","content":"Hello!"}],"non_preferred_output":[{"role":"assistant","content":"What?"}]}
```
"#,
    },
    RuleInfo {
        code: "FT067",
        name: "invalid-text-record",
        severity: E,
        summary: "Plain-text record is malformed",
        explanation: r#"## What it does
Flags a plain-text record (`{"text": …}`, Together's "general" format) whose `text` is not a non-empty string, or that has other keys.

## Why this matters
Together trains on `text` as it is; any other key or a non-string value is rejected with the file.

## Example
```json
{"text":["Once upon a time"],"id":3}
```

## Use instead
```json
{"text":"Once upon a time there was a tokenizer."}
```
"#,
    },
    RuleInfo {
        code: "FT068",
        name: "chat-template-error",
        severity: E,
        summary: "The model's own chat template refuses the record",
        explanation: r#"## What it does
When tokens are counted with an open-weight model's own tokenizer and chat template (`--tokenizer-path DIR`, or the model's tokenizer found in the local Hugging Face cache), every valid record is rendered through that template as `transformers`' `apply_chat_template` renders it. A record the template refuses is this error, with the template's own message: a `raise_exception(...)` in the template (e.g. Mistral 7B Instruct's "Conversation roles must alternate user/assistant/user/assistant/..."), or an operation that fails on the record's values (Qwen3's template applies string methods to `content`, so an assistant tool-call message with `"content": null` fails there as it does in `transformers`). The record is not counted.

## Why this matters
The trainer renders every example with the same template (TRL, axolotl, Unsloth and the providers that train open-weight models): the job fails on this record, or the record is dropped, after the upload.

## Example
With `--tokenizer-path` a Qwen3 tokenizer folder:
```json
{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"18C"},{"role":"assistant","content":"18°C in Paris."}]}
```

## Use instead
Give the record the shape the template expects (here an empty string for `content`):
```json
{"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"18C"},{"role":"assistant","content":"18°C in Paris."}]}
```
"#,
    },
    // ------------------------------------------------------------------
    // Dataset
    // ------------------------------------------------------------------
    RuleInfo {
        code: "FT070",
        name: "too-few-examples",
        severity: E,
        summary: "Fewer than 10 valid examples",
        explanation: r#"## What it does
Flags a training file with fewer than 10 valid examples (records with errors do not count).

## Why this matters
The provider requires at least 10 examples and refuses to start the job otherwise. Even at 10, improvements are usually small; 50 to 100 good examples is a common starting point.

## Example
```json
{"messages":[{"role":"user","content":"1+1?"},{"role":"assistant","content":"2"}]}
{"messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":"4"}]}
```

## Use instead
At least 10 distinct, valid examples:
```json
{"messages":[{"role":"user","content":"1+1?"},{"role":"assistant","content":"2"}]}
{"messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":"4"}]}
{"messages":[{"role":"user","content":"3+3?"},{"role":"assistant","content":"6"}]}
{"messages":[{"role":"user","content":"4+4?"},{"role":"assistant","content":"8"}]}
{"messages":[{"role":"user","content":"5+5?"},{"role":"assistant","content":"10"}]}
{"messages":[{"role":"user","content":"6+6?"},{"role":"assistant","content":"12"}]}
{"messages":[{"role":"user","content":"7+7?"},{"role":"assistant","content":"14"}]}
{"messages":[{"role":"user","content":"8+8?"},{"role":"assistant","content":"16"}]}
{"messages":[{"role":"user","content":"9+9?"},{"role":"assistant","content":"18"}]}
{"messages":[{"role":"user","content":"10+10?"},{"role":"assistant","content":"20"}]}
```
"#,
    },
    RuleInfo {
        code: "FT071",
        name: "duplicate-example",
        severity: W,
        summary: "Same example appears more than once",
        explanation: r#"## What it does
Flags an example identical to an earlier one: the same conversation, whatever the JSON whitespace or key order. The message names the line of the first copy.

## Why this matters
Every copy is billed for every epoch, and duplicates overweight that example, pushing the model to memorize it at the expense of the rest. They usually come from concatenating overlapping exports.

## Example
Lines 1 and 3 hold the same conversation:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
{"messages":[{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye!"}]}
{"messages": [{"content": "Hi", "role": "user"}, {"content": "Hello!", "role": "assistant"}]}
```

## Use instead
Keep one copy:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
{"messages":[{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT072",
        name: "validation-overlap",
        severity: W,
        summary: "Validation example also appears in the training file",
        explanation: r#"## What it does
Flags an example of the validation file that also appears in the training file (compared like FT071: same conversation, whatever the JSON formatting).

## Why this matters
The validation loss is supposed to measure how the model does on data it has not trained on. Leaked examples make it optimistic, so you may ship an overfit model or pick the wrong number of epochs.

## Example
`train.jsonl` and `valid.jsonl` both contain this line:
```json
{"messages":[{"role":"user","content":"What is the capital of France?"},{"role":"assistant","content":"Paris."}]}
```

## Use instead
Deduplicate the dataset before splitting it, so each example lands in one file only; the validation file then holds examples the training file lacks:
```json
{"messages":[{"role":"user","content":"What is the capital of Italy?"},{"role":"assistant","content":"Rome."}]}
```
"#,
    },
    RuleInfo {
        code: "FT073",
        name: "over-token-limit",
        severity: W,
        summary: "Example exceeds the model's per-example token limit",
        explanation: r#"## What it does
Flags an example whose token count exceeds the per-example training limit of the target model (for example 65,536 tokens for `gpt-4o-mini`).

## Why this matters
Over-long examples are truncated to the limit by removing tokens from the end, which is usually the final assistant answer, the part you wanted trained. Billing caps the example at the limit, so you pay for a cut-off example.

## Example
Abbreviated: the user content is a 300-page contract of about 90,000 tokens:
```json
{"messages":[{"role":"user","content":"Summarize this contract: <about 90,000 tokens of text>"},{"role":"assistant","content":"The contract grants..."}]}
```

## Use instead
Split the input into chunks that fit, each with its own answer:
```json
{"messages":[{"role":"user","content":"Summarize this section of the contract: <about 20,000 tokens of text>"},{"role":"assistant","content":"This section grants..."}]}
```
"#,
    },
    RuleInfo {
        code: "FT074",
        name: "file-too-large",
        severity: E,
        summary: "File is larger than the provider's upload limit",
        explanation: r#"## What it does
Flags a training or validation file larger than the chosen provider's limit for one upload, with the figure (OpenAI: 512 MB through the Files API; Azure: 512 MB; Together: 50.1 GB).

## Why this matters
The upload is refused. At OpenAI, files up to 8 GB can be sent in parts with the Uploads API; ftlint checks the Files API limit, the one the fine-tuning guide names.

## Example
A 600 MB file of records like this one:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```

## Use instead
Split it into files under the limit, or use the Uploads API:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT075",
        name: "compressed-file",
        severity: W,
        summary: "File is gzip-compressed: checked inside, but upload it decompressed",
        explanation: r#"## What it does
Flags, once per file, a gzip-compressed file (`.jsonl.gz`, or gzip bytes on stdin). ftlint decompresses it as it reads and checks, counts and prices the records inside as usual; this finding only says the file itself is not what the provider takes.

## Why this matters
The providers take plain JSONL: OpenAI's Files API says "the Fine-tuning API only supports .jsonl files", and Together's uploader checks the file's extension and content. Uploading the `.gz` fails. It is a warning, not an error: the records are valid or not on their own, and keeping datasets compressed and decompressing them at upload is common.

## Example
`data.jsonl.gz`, holding records like:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```

## Use instead
Decompress before the upload (`gunzip -k data.jsonl.gz`) and upload `data.jsonl`:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
"#,
    },
    RuleInfo {
        code: "FT076",
        name: "model-retired",
        severity: W,
        summary: "The model can no longer be trained at the provider on the check's date",
        explanation: r#"## What it does
Warns when the chosen model cannot be fine-tuned at the chosen provider on the day of the check (today, or `--as-of YYYY-MM-DD`): its fine-tuning closed, or the model itself stopped serving. The message names the date and its source; the help names where the same data can still be trained: the same model at another provider (OpenAI closes job creation on 2027-01-06, Azure keeps it for existing customers until April 2027), another model of this provider, or an open-weight model. `ftlint models` lists every date with its source.

## Why this matters
A dataset aimed at a model nobody can train any more is priced for a job that cannot run; the upload is refused when the job is created.

## Example
Any valid file, checked for a retired model:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
with `ftlint check data.jsonl --model gpt-3.5-turbo-0613` (fine-tuning closed on 2024-09-13).

## Use instead
The same records, for a model that can still be trained:
```json
{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}
```
with `ftlint check data.jsonl --model gpt-4o-mini`, or `--provider azure`.
"#,
    },
    RuleInfo {
        code: "FT080",
        name: "invalid-image",
        severity: E,
        summary: "An image content part is malformed or not accepted",
        explanation: r#"## What it does
Flags an `image_url` content part the provider would reject: outside a user message, no `image_url.url` string, a URL that is neither `https://`/`http://` nor a `data:image/…;base64,` URL (or a remote URL where the provider takes data URLs only), base64 that does not decode, bytes that are not the declared image type, an image type the provider does not take (e.g. GIF), an image over the size limit (10 MB), or a `detail` other than `low`, `high` or `auto`.

## Why this matters
The provider skips or rejects examples with images it cannot read; a broken data URL usually means a truncated export.

## Example
```json
{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,not-base64!","detail":"medium"}}]},{"role":"assistant","content":"A cat."}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"low"}}]},{"role":"assistant","content":"A cat."}]}
```
"#,
    },
    RuleInfo {
        code: "FT081",
        name: "too-many-images",
        severity: E,
        summary: "An example holds more images than the provider allows",
        explanation: r#"## What it does
Flags an example with more `image_url` parts than the chosen provider's limit per example (10 at OpenAI and Together).

## Why this matters
The provider skips or rejects such examples.

## Example
```json
{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/1.png"}},"…eleven images in all…"]},{"role":"assistant","content":"Eleven cats."}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/1.png"}},"…ten images at most…"]},{"role":"assistant","content":"Ten cats."}]}
```
"#,
    },
    RuleInfo {
        code: "FT090",
        name: "secret-in-text",
        severity: E,
        summary: "Text holds a credential: an API key, token, private key or password",
        explanation: r#"## What it does
Flags credentials anywhere in a line: OpenAI (`sk-…`, `sk-proj-…`) and Anthropic (`sk-ant-…`) API keys, AWS access key ids (`AKIA…`, `ASIA…`), GitHub tokens (`ghp_…`, `github_pat_…`), Slack tokens (`xoxb-…`), Google API keys (`AIza…`), private-key blocks (`-----BEGIN … PRIVATE KEY-----`), JSON Web Tokens, and high-entropy values assigned to `password`, `secret`, `api_key`, `token` and the like. Every field is scanned (message content, content parts, tool-call arguments, preference inputs and outputs, prompts, completions, text records), since all of it is uploaded. The finding shows the match masked (`sk-proj-Q7…N4m0`), here and in every output format.

Look-alikes are not findings: a word holding `sk-` (`task-force`), a slug without mixed case and digits, placeholders (`YOUR_API_KEY`, `xxxx…`, `<token>`), low-entropy values.

## Why this matters
A fine-tuned model memorises its training text and can repeat a key to anyone who prompts it; the file itself is uploaded to a third party. A leaked key must be revoked, not only deleted from the file.

## Example
```json
{"messages":[{"role":"user","content":"Why does my call fail?"},{"role":"assistant","content":"Set OPENAI_API_KEY=sk-proj-Q7wE9rT2yU4iO6pA8sD1fG3hJ5kL7zX9cV2bN4m0 and retry."}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Why does my call fail?"},{"role":"assistant","content":"Set OPENAI_API_KEY=<API_KEY> and retry."}]}
```
"#,
    },
    RuleInfo {
        code: "FT091",
        name: "pii-in-text",
        severity: W,
        summary: "Text holds personal data: an e-mail address, phone number, card number or IBAN",
        explanation: r#"## What it does
Flags personal data anywhere in a line: e-mail addresses (not at the documentation domains `example.com`/`.org`/`.net` or the `.test`/`.example`/`.invalid` names), phone numbers in international form (`+44 20 7946 0958`) and Japanese forms (`03-1234-5678`, `090-1234-5678`, `09012345678`), payment card numbers that pass the Luhn check (13–19 digits starting 2–6) and IBANs that pass the mod-97 check. The finding shows the match masked.

Look-alikes are not findings: version strings (`1.2.3`), dates, order numbers that fail the Luhn check, `@decorators` and `pkg@1.2.3`.

## Why this matters
A tuned model can repeat the personal data it was trained on, and uploading it to a provider may need a legal basis (GDPR, APPI). Real customer data is rarely needed to teach a behaviour.

## Example
```json
{"messages":[{"role":"user","content":"Update my card"},{"role":"assistant","content":"Done: card 5555 5555 5555 4444 saved for m.rossi@fabbrica-rossi.it."}]}
```

## Use instead
```json
{"messages":[{"role":"user","content":"Update my card"},{"role":"assistant","content":"Done: card ending 1111 saved for user@example.com."}]}
```
"#,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn all_lists_every_variant_in_table_order() {
        assert_eq!(Rule::ALL.len(), Rule::PiiInText as usize + 1);
        assert_eq!(RULES.len(), Rule::ALL.len());
        for (i, rule) in Rule::ALL.iter().enumerate() {
            assert_eq!(*rule as usize, i, "{rule:?} is out of order in Rule::ALL");
        }
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for rule in Rule::ALL {
            let code = rule.code();
            let bytes = code.as_bytes();
            assert!(
                bytes.len() == 5
                    && code.starts_with("FT")
                    && bytes[2..].iter().all(u8::is_ascii_digit),
                "{rule:?}: code {code:?} does not match ^FT\\d{{3}}$"
            );
            assert!(seen.insert(code), "duplicate code {code}");
        }
    }

    #[test]
    fn codes_are_increasing() {
        for pair in Rule::ALL.windows(2) {
            assert!(
                pair[0].code() < pair[1].code(),
                "{:?} / {:?}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn names_are_unique_kebab_case() {
        let mut seen = HashSet::new();
        for rule in Rule::ALL {
            let name = rule.name();
            assert!(!name.is_empty(), "{rule:?}: empty name");
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{rule:?}: name {name:?} is not kebab-case"
            );
            assert!(
                !name.starts_with('-') && !name.ends_with('-') && !name.contains("--"),
                "{rule:?}: name {name:?} is not kebab-case"
            );
            assert!(
                name.as_bytes()[0].is_ascii_lowercase(),
                "{rule:?}: name {name:?} must start with a letter"
            );
            assert!(seen.insert(name), "duplicate name {name}");
        }
    }

    #[test]
    fn summaries_are_one_line_without_trailing_period() {
        for rule in Rule::ALL {
            let summary = rule.summary();
            assert!(!summary.is_empty(), "{rule:?}: empty summary");
            assert!(!summary.contains('\n'), "{rule:?}: multi-line summary");
            assert!(
                !summary.ends_with('.'),
                "{rule:?}: summary ends with a period"
            );
        }
    }

    #[test]
    fn explanations_have_all_sections_and_examples() {
        const HEADINGS: [&str; 4] = [
            "## What it does",
            "## Why this matters",
            "## Example",
            "## Use instead",
        ];
        for rule in Rule::ALL {
            let text = rule.explanation();
            let mut last = 0;
            for heading in HEADINGS {
                let at = text[last..]
                    .find(heading)
                    .unwrap_or_else(|| panic!("{rule:?}: missing or misplaced {heading:?}"));
                last += at + heading.len();
            }
            assert!(
                text.matches("```json").count() >= 2,
                "{rule:?}: needs a ```json fence in Example and in Use instead"
            );
            // Fences must be balanced.
            assert_eq!(
                text.matches("```").count() % 2,
                0,
                "{rule:?}: unbalanced fences"
            );
        }
    }

    #[test]
    fn from_code_round_trips() {
        for &rule in Rule::ALL {
            assert_eq!(Rule::from_code(rule.code()), Some(rule));
            assert_eq!(
                Rule::from_code(&rule.code().to_ascii_lowercase()),
                Some(rule)
            );
            assert_eq!(Rule::from_code(rule.name()), Some(rule));
        }
        assert_eq!(Rule::from_code("FT999"), None);
        assert_eq!(Rule::from_code("not-a-rule"), None);
        assert_eq!(Rule::from_code(""), None);
    }

    #[test]
    fn default_severities() {
        assert_eq!(Rule::InvalidUtf8.default_severity(), Severity::Error);
        assert_eq!(Rule::BlankLine.default_severity(), Severity::Warning);
        assert_eq!(Rule::DuplicateKey.default_severity(), Severity::Warning);
        // OpenAI fails the job on an extra top-level key; profiles may relax it.
        assert_eq!(Rule::UnknownTopLevelKey.default_severity(), Severity::Error);
        assert_eq!(Rule::OverTokenLimit.default_severity(), Severity::Warning);
        assert_eq!(Rule::TooFewExamples.default_severity(), Severity::Error);
    }
}

/// Every rule has a fixture named after it; `tests/rules_coverage.rs` runs each one
/// through the binary and checks that it triggers its rule.
#[cfg(test)]
mod fixture_tests {
    use super::Rule;

    #[test]
    fn every_rule_has_a_fixture_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
        for rule in Rule::ALL {
            let file = format!("{}_{}.jsonl", rule.code(), rule.name().replace('-', "_"));
            assert!(
                dir.join(&file).is_file(),
                "{rule:?}: missing fixture fixtures/rules/{file}"
            );
        }
    }
}
