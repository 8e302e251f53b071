//! File-scope rules: the file's shape (FT006, FT007), line endings (FT003), no records
//! (FT008), formats (FT060, FT061, FT065, FT066), images a model cannot take (FT066),
//! and size (FT074). The pipeline gathers the facts; these functions judge them.

use super::LineCheck;
use crate::diagnostic::{Diagnostic, Snippet};
use crate::formats::{self, FormatId, PROMPT_COMPLETION};
use crate::models::Method;
use crate::record::Json;
use crate::registry::{Rule, Severity};
use crate::settings::Settings;
use std::sync::Arc;

pub use super::line::BOM;

/// What the pipeline learned about a file, for the file rules.
pub struct FileFacts {
    pub path: Arc<str>,
    pub lines: u64,
    pub examples: u64,
    pub bytes: u64,
    /// Line, character column of the CR, and the line window.
    pub first_crlf: Option<(u64, u64, Snippet)>,
    pub format: Option<FileFormat>,
    /// Examples with images, and the first line that has one.
    pub image_examples: u64,
    pub first_image_line: Option<u64>,
    pub shape_error: bool,
}

/// The file's format (that of its first valid record) and what the job makes of it.
#[derive(Clone, Copy, Debug)]
pub struct FileFormat {
    pub id: FormatId,
    /// The first line of that format.
    pub line: u64,
    /// Records of this format that the job cannot take: the rule that says why.
    pub refused_by: Option<Rule>,
    /// Records of this format, counted by the pipeline.
    pub records: u64,
}

impl FileFormat {
    /// Decides, before the records are checked, whether the job takes this format: the
    /// method asked for, the provider's formats, and the model's methods.
    pub fn judge(id: FormatId, line: u64, settings: &Settings) -> FileFormat {
        let p = &settings.provider;
        let refused_by = if settings.method.is_some_and(|m| m != id.method()) {
            Some(Rule::MethodMismatch)
        } else if p.model_takes(&settings.model, id) {
            None
        } else if id == PROMPT_COMPLETION && p.model_takes(&settings.model, formats::CHAT) {
            Some(Rule::LegacyFormat)
        } else {
            Some(Rule::UnsupportedByModel)
        };
        FileFormat {
            id,
            line,
            refused_by,
            records: 0,
        }
    }
}

/// The file's format, from the first valid record of the first block (or, when none
/// of its first lines is valid, the first record at all). Checks at most `MAX_SCAN`
/// lines once more, counting only, so the cost is bounded whatever the file holds.
pub fn first_format(block: &[u8], settings: &Settings, path: &Arc<str>) -> Option<(FormatId, u64)> {
    const MAX_SCAN: usize = 1000;
    let mut first_any = None;
    let mut scratch = super::Findings::new();
    for (i, raw) in block.split(|&b| b == b'\n').take(MAX_SCAN).enumerate() {
        let line_no = i as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let raw = if i == 0 {
            raw.strip_prefix(BOM).unwrap_or(raw)
        } else {
            raw
        };
        let Ok(text) = std::str::from_utf8(raw) else {
            continue;
        };
        let Ok(rec) = serde_json::from_str::<Json>(text) else {
            continue;
        };
        if rec.as_object().is_none() {
            continue;
        }
        let id = formats::detect(&rec);
        first_any.get_or_insert((id, line_no));
        // Room 0: findings are only counted, nothing is located or kept.
        let mut c = LineCheck::new(settings, path, line_no, text, &mut scratch, 0);
        id.get().check(&rec, &mut c);
        if !c.has_error {
            return Some((id, line_no));
        }
    }
    first_any
}

/// FT061: a record of another format than the file's.
pub fn check_record_format(c: &mut LineCheck, id: FormatId, file: &FileFormat) {
    if id == file.id {
        return;
    }
    c.span(
        Rule::MixedFormats,
        0,
        c.text.len().min(1),
        format!(
            "this {} record is in a {} file (line {} sets the file's format): one file holds one format",
            id.name(),
            file.id.name(),
            file.line
        ),
        format!(
            "move it to a file of {} records, or write it as {}",
            id.name(),
            file.id.get().shape()
        ),
    );
}

/// A file-level finding, at `line`, column 1.
pub fn file_diag(
    settings: &Settings,
    path: &Arc<str>,
    rule: Rule,
    line: u64,
    message: String,
    help: String,
) -> Option<Diagnostic> {
    settings.severity(rule).map(|severity| Diagnostic {
        rule,
        severity,
        path: path.clone(),
        line,
        column: 1,
        end_column: 2,
        message,
        help,
        snippet: None,
    })
}

/// The file rules, once every line is checked.
pub fn check_file(facts: &FileFacts, settings: &Settings, out: &mut Vec<Diagnostic>) {
    let diag =
        |rule, line, message, help| file_diag(settings, &facts.path, rule, line, message, help);
    if let Some((line, column, snip)) = &facts.first_crlf {
        out.extend(
            diag(
                Rule::CrlfLineEndings,
                *line,
                "lines end with CRLF (\\r\\n); first here".to_string(),
                "accepted; convert to LF endings (`dos2unix`) to keep the file portable"
                    .to_string(),
            )
            .map(|d| Diagnostic {
                column: *column,
                end_column: column + 1,
                snippet: Some(snip.clone()),
                ..d
            }),
        );
    }
    let p = &settings.provider;
    if let (Some(max), false) = (p.max_file_bytes, facts.bytes == 0)
        && facts.bytes > max
    {
        out.extend(diag(
            Rule::FileTooLarge,
            1,
            format!(
                "the file is {} bytes; {} takes at most {} bytes per file{}",
                crate::stats::thousands(facts.bytes),
                p.name,
                crate::stats::thousands(max),
                p.max_file_note
                    .as_ref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            ),
            "split the file into parts under the limit".to_string(),
        ));
    }
    if facts.shape_error {
        return;
    }
    if facts.examples == 0 {
        out.extend(diag(
            Rule::NoRecords,
            1,
            if facts.lines == 0 {
                "the file is empty".to_string()
            } else {
                "the file holds no records, only blank lines".to_string()
            },
            "add one JSON object per line".to_string(),
        ));
    }
    if let Some(f) = &facts.format
        && let Some(rule) = f.refused_by
    {
        let (message, help) = refusal(f, settings);
        out.extend(diag(rule, f.line, message, help));
    }
    let model = &settings.model;
    if facts.image_examples > 0
        && !model.vision
        && let Some(line) = facts.first_image_line
    {
        let takers = facts
            .format
            .map(|f| p.models_taking(f.id, true))
            .unwrap_or_default();
        out.extend(diag(
            Rule::UnsupportedByModel,
            line,
            format!(
                "{} example(s) hold images, but {} at {} does not take images",
                crate::stats::thousands(facts.image_examples),
                model.id,
                p.name
            ),
            if takers.is_empty() {
                format!("{} offers no vision fine-tuning: remove the images", p.name)
            } else {
                format!("use a model with vision fine-tuning: {}", takers.join(", "))
            },
        ));
    }
}

/// Why the job refuses a file of this format, and where to go instead.
fn refusal(f: &FileFormat, settings: &Settings) -> (String, String) {
    let p = &settings.provider;
    let model = &settings.model;
    let n = crate::stats::thousands(f.records);
    let name = f.id.name();
    match f.refused_by {
        Some(Rule::MethodMismatch) => {
            let method = settings.method.unwrap_or(Method::Sft);
            (
                format!(
                    "the file holds {name} records ({n}), but a {} job reads {} records: the job would fail validation",
                    method.as_str().to_uppercase(),
                    if method == Method::Dpo {
                        "preference"
                    } else {
                        "chat"
                    }
                ),
                if method == Method::Dpo {
                    "write preference records ({\"input\", \"preferred_output\", \"non_preferred_output\"}), or train with --method sft".to_string()
                } else {
                    format!(
                        "give chat records, or train with --method {}",
                        f.id.method().as_str()
                    )
                },
            )
        }
        Some(Rule::LegacyFormat) => (
            format!("legacy prompt/completion format; chat models need messages ({n} record(s))"),
            format!(
                "convert each record to {{\"messages\": [{{\"role\": \"user\", \"content\": PROMPT}}, {{\"role\": \"assistant\", \"content\": COMPLETION}}]}}{}",
                match p.models_taking(f.id, false).as_slice() {
                    [] => String::new(),
                    takers => format!(", or use --model {}", takers.join(" / ")),
                }
            ),
        ),
        _ => {
            let why = if !p.accepts_format(f.id) {
                format!(
                    "{} does not take {name} records (it takes {})",
                    p.name,
                    p.formats
                        .iter()
                        .map(|x| x.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else if !model.offers(f.id.method()) {
                format!(
                    "{} offers no {} at {}",
                    model.id,
                    f.id.method().title(),
                    p.name
                )
            } else {
                format!("{} takes no {name} records", model.id)
            };
            let takers = p.models_taking(f.id, false);
            (
                format!("{why}: the file's {n} {name} record(s) cannot be trained"),
                if takers.is_empty() {
                    format!(
                        "use another provider (--provider), or another record format: {}",
                        crate::formats::names()
                    )
                } else {
                    format!(
                        "use a model that takes them: --model {}",
                        takers.join(" / ")
                    )
                },
            )
        }
    }
}

/// Marks a record of a format the job refuses: not a valid example.
pub fn refuse_record(c: &mut LineCheck, rule: Rule) {
    if c.settings.severity(rule) == Some(Severity::Error) {
        c.has_error = true;
    }
}

/// The deepest nesting serde_json parses (its limit of 128 counts the 128th level as
/// too deep): deeper is FT011.
const JSON_DEPTH_LIMIT: usize = 127;

/// Whether brackets outside strings nest deeper than `limit` anywhere in `b` (which need
/// not be valid or complete JSON). One pass, no allocation; stops once past the limit.
fn nests_deeper_than(b: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// Archives and columnar files by their magic bytes: (what, how to get JSONL out).
const MAGIC: &[(&[u8], &str, &str)] = &[
    (
        b"PAR1",
        "a Parquet file",
        "export it as JSONL, e.g. `pandas.read_parquet(FILE).to_json(OUT, orient=\"records\", lines=True, force_ascii=False)`",
    ),
    (
        b"PK\x03\x04",
        "a ZIP archive (or an .xlsx workbook)",
        "extract the JSONL file (`unzip FILE`) and check that",
    ),
    (
        b"BZh",
        "bzip2-compressed",
        "decompress it: `bunzip2 -k FILE`",
    ),
    (
        b"\xFD7zXZ\x00",
        "xz-compressed",
        "decompress it: `unxz -k FILE`",
    ),
    (
        b"\x28\xB5\x2F\xFD",
        "zstd-compressed",
        "decompress it: `zstd -d FILE`",
    ),
    (
        b"7z\xBC\xAF\x27\x1C",
        "a 7-Zip archive",
        "extract the JSONL file and check that",
    ),
];

/// FT009: the file is plainly something else than JSONL (a table, an archive), said
/// once instead of an FT010 on every line. Looks at the first bytes and lines only.
fn not_jsonl(block: &[u8], path: &Arc<str>, settings: &Settings) -> Option<Diagnostic> {
    let diag = |message: String, help: String, snippet: Option<Snippet>| {
        file_diag(settings, path, Rule::NotJsonl, 1, message, help)
            .map(|d| Diagnostic { snippet, ..d })
    };
    if let Some((_, what, help)) = MAGIC.iter().find(|(m, _, _)| block.starts_with(m)) {
        return diag(
            format!("the file is {what}, not JSONL (one JSON object per line)"),
            help.to_string(),
            None,
        );
    }
    let data = block.strip_prefix(BOM).unwrap_or(block);
    let mut lines = data
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace));
    let first = lines.next()?;
    // A header row: not JSON, and split by tabs or commas outside quotes.
    if matches!(first.first(), Some(b'{' | b'['))
        || serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok()
    {
        return None;
    }
    let (mut tabs, mut commas, mut quoted) = (0, 0, false);
    for &b in first {
        match b {
            b'"' => quoted = !quoted,
            b'\t' if !quoted => tabs += 1,
            b',' if !quoted => commas += 1,
            _ => {}
        }
    }
    let (what, sep) = match (tabs, commas) {
        (0, 0) => return None,
        (0, _) => ("CSV (comma-separated values)", ""),
        _ => ("TSV (tab-separated values)", ", sep=\"\\t\""),
    };
    // The next line is a row, not a record: JSONL after a stray first line is not a table.
    if lines
        .next()
        .is_some_and(|l| l.trim_ascii_start().starts_with(b"{"))
    {
        return None;
    }
    let text = String::from_utf8_lossy(&first[..first.len().min(200)]).into_owned();
    let end = text.len();
    diag(
        format!(
            "the file looks like {what} with a header row, not JSONL (one JSON object per line)"
        ),
        format!(
            "convert each row to a record on one line, e.g. `pandas.read_csv(FILE{sep}).to_json(OUT, orient=\"records\", lines=True, force_ascii=False)`, then shape the records as {{\"messages\": [...]}}"
        ),
        Some(Snippet::new(&text, 0, end)),
    )
}

/// FT075: the file was gzip-compressed; its records were read decompressed.
pub fn compressed(path: &Arc<str>, settings: &Settings) -> Option<Diagnostic> {
    file_diag(
        settings,
        path,
        Rule::CompressedFile,
        1,
        format!(
            "the file is gzip-compressed: ftlint checked the records inside, but {} takes the file uncompressed",
            settings.provider.name
        ),
        "decompress it before the upload: `gunzip -k FILE`".to_string(),
    )
}

/// FT006 / FT007: the file is one JSON document, not one record per line. Looks only at
/// the first record, so the cost is bounded.
pub fn whole_file_shape(block: &[u8], path: &Arc<str>, settings: &Settings) -> Option<Diagnostic> {
    if let Some(d) = not_jsonl(block, path, settings) {
        return Some(d);
    }
    let data = block.strip_prefix(BOM).unwrap_or(block);
    let start = data.iter().position(|b| !b.is_ascii_whitespace())?;
    let line_no = 1 + memchr::memchr_iter(b'\n', &data[..start]).count() as u64;
    let line_end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
    let first_line = &data[start..line_end];
    let alone = serde_json::from_slice::<serde::de::IgnoredAny>(first_line);
    let (rule, message, help) = match data[start] {
        b'[' => {
            let is_array_file = match &alone {
                // A whole array on the first line is a JSON array file when it holds
                // objects and nothing follows it.
                Ok(_) => {
                    data[line_end..].iter().all(u8::is_ascii_whitespace)
                        && first_line.iter().skip(1).find(|b| !b.is_ascii_whitespace())
                            == Some(&b'{')
                }
                // The first line opens an array it does not close: an array over several
                // lines. Any other error (bad syntax, nesting too deep) is the line's own
                // fault and is reported on it. (`IgnoredAny` has no depth limit, so an
                // open array nested past the parser's limit is told apart here.)
                Err(e) => {
                    e.classify() == serde_json::error::Category::Eof
                        && !nests_deeper_than(first_line, JSON_DEPTH_LIMIT)
                }
            };
            if !is_array_file {
                return None;
            }
            (
                Rule::JsonArrayFile,
                "the file is a JSON array, not JSONL (one JSON object per line)",
                "convert it: `jq -c '.[]' FILE > FILE.jsonl`",
            )
        }
        b'{' => {
            let err = alone.err()?;
            if err.classify() != serde_json::error::Category::Eof {
                return None;
            }
            // Does the first object parse when it may span lines?
            let mut stream = serde_json::Deserializer::from_slice(&data[start..])
                .into_iter::<serde::de::IgnoredAny>();
            stream.next()?.ok()?;
            (
                Rule::MultilineJson,
                "records are pretty-printed over several lines: this is JSON, not JSONL",
                "put each record on one line: `jq -c . FILE > FILE.jsonl`",
            )
        }
        _ => return None,
    };
    let severity = settings.severity(rule)?;
    let text = String::from_utf8_lossy(&first_line[..first_line.len().min(200)]).into_owned();
    Some(Diagnostic {
        rule,
        severity,
        path: path.clone(),
        line: line_no,
        column: 1,
        end_column: 2,
        message: message.to_string(),
        help: help.to_string(),
        snippet: Some(Snippet::new(&text, 0, 1)),
    })
}

/// Lines in a block (a last line without a newline counts).
pub fn count_lines(block: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', block).count() as u64;
    n + u64::from(!block.is_empty() && !block.ends_with(b"\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scan_matches_the_parser_and_skips_strings() {
        for n in [1, 126, 127, 128, 129, 1000] {
            let open = "[".repeat(n);
            let closed = open.clone() + &"]".repeat(n);
            let parsed = serde_json::from_str::<Json>(&closed);
            let too_deep = parsed.is_err_and(|e| e.to_string().contains("recursion limit"));
            assert_eq!(
                nests_deeper_than(open.as_bytes(), JSON_DEPTH_LIMIT),
                too_deep,
                "{n}"
            );
        }
        let in_string = format!(r#"["{}\"{}"]"#, "[".repeat(500), "{".repeat(500));
        assert!(!nests_deeper_than(in_string.as_bytes(), JSON_DEPTH_LIMIT));
    }
}
