//! The pipeline for one file: blocks → chunks checked in parallel → merged in order →
//! file and dataset rules. The rules themselves live in `rules/`, the record formats
//! in `formats/`; this file only moves bytes and results.
//!
//! A chunk is pure: bytes in, `ChunkOut` out, line numbers relative to the chunk. The
//! merge adds each chunk's first line number (the running line count), so results do
//! not depend on how many threads ran or how the bytes were cut.

use crate::diagnostic::Snippet;
use crate::formats::{self, FormatId};
use crate::input::{self, Source};
use crate::record::canonical_hash;
use crate::rules::file::{FileFacts, FileFormat};
use crate::rules::line::BOM;
use crate::rules::{Findings, LineCheck, dataset, file, line, secrets};
use crate::settings::Settings;
use crate::tokens::{Counter, ExampleTokens};
use rayon::prelude::*;
use std::sync::Arc;

/// Bytes per parallel work unit.
const CHUNK_BYTES: usize = 1 << 20;

/// Token figures of one valid example, kept for the distributions. Compact (32 bytes):
/// a 1 GB file holds a few hundred thousand of them. One example never nears 4 billion
/// tokens, so u32 counts are exact.
#[derive(Clone, Copy, Debug)]
pub struct ExampleFigures {
    pub line: u64,
    pub total: u32,
    pub trained: u32,
    pub prompt: u32,
    pub completion: u32,
    pub messages: u32,
    pub estimated: bool,
}

impl ExampleFigures {
    fn new(line: u64, messages: usize, t: &ExampleTokens) -> ExampleFigures {
        let c = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
        ExampleFigures {
            line,
            total: c(t.total),
            trained: c(t.trained),
            prompt: c(t.prompt),
            completion: c(t.completion),
            messages: c(messages as u64),
            estimated: t.estimated,
        }
    }
}

#[derive(Default)]
struct ChunkOut {
    findings: Findings,
    lines: u64,
    examples: u64,
    valid: u64,
    first_crlf: Option<(u64, u64, Snippet)>,
    /// Records of the file's format.
    of_file_format: u64,
    image_examples: u64,
    first_image_line: Option<u64>,
    hashes: Vec<(u64, u64)>,
    figures: Vec<ExampleFigures>,
    /// Baseline mode: keys of the lines that did not parse (`baseline::raw_key`).
    raw_keys: Vec<u64>,
    /// Baseline mode: findings dropped because the baseline had the line.
    suppressed: u64,
    verdicts: Vec<LineVerdict>,
}

/// What became of one line, for `fix` and `split` (`check_source_verdicts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineVerdict {
    /// Empty or whitespace only.
    Blank,
    /// A record with no error: a valid example.
    Valid,
    /// Not a valid example; the rule is the lowest-coded error found on the line.
    Invalid(crate::registry::Rule),
}

struct ChunkCtx<'a> {
    settings: &'a Settings,
    tokenizer: Option<&'a Counter>,
    path: &'a Arc<str>,
    format: Option<FileFormat>,
    /// This chunk starts at byte 0 of the file (a BOM is possible).
    file_start: bool,
    /// This chunk holds the end of the file.
    file_end: bool,
    /// Baseline mode (`--baseline`): the baseline's keys, sorted. A line whose key is
    /// among them keeps no finding; an empty slice only collects keys.
    known: Option<&'a [u64]>,
    /// Keep a `LineVerdict` per line.
    verdicts: bool,
}

impl ChunkOut {
    /// Diagnostics the next line may add: the chunk's earlier lines sort first, so once
    /// they fill the cap a line's findings are only counted.
    fn room(&self, cap: usize) -> usize {
        match cap {
            0 => usize::MAX,
            _ => cap.saturating_sub(self.findings.diags.len()),
        }
    }
}

fn process_chunk(bytes: &[u8], ctx: &ChunkCtx) -> ChunkOut {
    let mut out = ChunkOut {
        findings: Findings::new(),
        ..ChunkOut::default()
    };
    let mut start = 0;
    while start < bytes.len() {
        let (line, next, has_newline) = match memchr::memchr(b'\n', &bytes[start..]) {
            Some(i) => (&bytes[start..start + i], start + i + 1, true),
            None => (&bytes[start..], bytes.len(), false),
        };
        out.lines += 1;
        let truncatable = !has_newline && ctx.file_end;
        match ctx.known {
            None => process_line(line, out.lines, truncatable, ctx, &mut out),
            Some(known) => {
                // A record the baseline already had keeps the findings it had there:
                // they are the same (line findings depend on the record alone), so
                // they are taken back here, before any cap, and only new ones count.
                let before = crate::baseline::Mark::of(&out.findings);
                let parsed = out.hashes.len();
                process_line(line, out.lines, truncatable, ctx, &mut out);
                let key = match out.hashes.get(parsed) {
                    Some(&(h, _)) => h,
                    None => {
                        let k = crate::baseline::raw_key(line);
                        out.raw_keys.push(k);
                        k
                    }
                };
                if known.binary_search(&key).is_ok() {
                    out.suppressed += before.restore(&mut out.findings);
                }
            }
        }
        start = next;
    }
    out
}

fn process_line(raw: &[u8], line_no: u64, truncatable: bool, ctx: &ChunkCtx, out: &mut ChunkOut) {
    let before = out.findings.diags.len();
    let counted = ctx
        .verdicts
        .then(|| (out.findings.per_rule.clone(), out.examples, out.valid));
    let hidden = check_line(raw, line_no, truncatable, ctx, out);
    if let Some((per_rule, examples, valid)) = counted {
        out.verdicts
            .push(verdict(ctx, out, &per_rule, examples, valid));
    }
    // A secret found on the line is hidden in every diagnostic of the line (excerpts
    // show the raw line), whichever rule made it.
    if !hidden.is_empty() {
        secrets::mask_line_diags(&mut out.findings.diags[before..], &hidden);
        if let Some((l, _, sn)) = &mut out.first_crlf
            && *l == line_no
        {
            for (kind, s) in &hidden {
                secrets::mask_snippet(sn, *kind, s);
            }
        }
    }
}

/// The verdict of the line just checked, from what it changed in the counters.
fn verdict(
    ctx: &ChunkCtx,
    out: &ChunkOut,
    per_rule: &[u64],
    examples: u64,
    valid: u64,
) -> LineVerdict {
    if out.examples == examples {
        return LineVerdict::Blank;
    }
    if out.valid > valid {
        return LineVerdict::Valid;
    }
    let settings = ctx.settings;
    let fired = crate::registry::Rule::ALL.iter().copied().find(|&r| {
        out.findings.per_rule[r as usize] > per_rule[r as usize]
            && settings.severity(r) == Some(crate::registry::Severity::Error)
    });
    // A record the job refuses is reported once for the file, not on its line.
    LineVerdict::Invalid(fired.unwrap_or_else(|| {
        ctx.format
            .and_then(|f| f.refused_by)
            .unwrap_or(crate::registry::Rule::UnsupportedByModel)
    }))
}

/// The line's checks; returns the secrets found on it, to be hidden.
fn check_line(
    raw: &[u8],
    line_no: u64,
    truncatable: bool,
    ctx: &ChunkCtx,
    out: &mut ChunkOut,
) -> Vec<(secrets::Kind, String)> {
    let settings = ctx.settings;
    if raw.len() > settings.max_line_bytes {
        long_line(raw, raw.len() as u64, line_no, ctx, out);
        return Vec::new();
    }
    let room = out.room(settings.max_diagnostics);
    let mut bytes = raw;
    if let Some(b) = bytes.strip_suffix(b"\r") {
        bytes = b;
        if out.first_crlf.is_none() {
            let text = String::from_utf8_lossy(bytes);
            let column = crate::diagnostic::char_column(&text, text.len());
            out.first_crlf = Some((line_no, column, Snippet::new(&text, text.len(), text.len())));
        }
    }
    let mut bom = false;
    if ctx.file_start
        && line_no == 1
        && let Some(b) = bytes.strip_prefix(BOM)
    {
        bytes = b;
        bom = true;
    }
    let lossy;
    // simdutf8's fast path validates several times faster than std; std then finds
    // the first bad byte on the rare line that fails.
    let (text, bad_utf8) = match simdutf8::basic::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(_) => {
            let valid_up_to = std::str::from_utf8(bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            lossy = String::from_utf8_lossy(bytes);
            (lossy.as_ref(), Some(valid_up_to))
        }
    };
    let mut c = LineCheck::new(settings, ctx.path, line_no, text, &mut out.findings, room);
    if !line::check_blank_and_encoding(&mut c, bytes, bom, bad_utf8) {
        if !bytes.iter().all(u8::is_ascii_whitespace) {
            out.examples += 1;
        }
        return Vec::new();
    }
    out.examples += 1;
    // Before parsing: a line that is not even JSON is uploaded all the same.
    let hidden = secrets::check(&mut c);
    let Some((rec, duplicate_keys)) = line::parse(&mut c, text, truncatable) else {
        return hidden;
    };
    let format = formats::detect(&rec);
    if let Some(f) = &ctx.format {
        file::check_record_format(&mut c, format, f);
        if format == f.id {
            out.of_file_format += 1;
            if let Some(rule) = f.refused_by {
                file::refuse_record(&mut c, rule);
            }
        }
    }
    format.get().check(&rec, &mut c);
    if c.images > 0 {
        out.image_examples += 1;
        out.first_image_line.get_or_insert(line_no);
        if !settings.model.vision {
            file::refuse_record(&mut c, crate::registry::Rule::UnsupportedByModel);
        }
    }
    // 64 bits of the canonical hash: a false duplicate needs a collision among n
    // examples, odds about n²/2⁶⁵ (under 1 in 10¹⁰ for a million examples).
    let h = canonical_hash(&rec);
    out.hashes.push(((h >> 64) as u64 ^ h as u64, line_no));

    if c.has_error {
        return hidden;
    }
    let Some(tok) = ctx.tokenizer else {
        out.valid += 1;
        return hidden;
    };
    // The counters walk an object's members; with a key given twice they would count
    // the value the provider drops too (FT013). Count the record as it is read.
    let deduped;
    let rec = if duplicate_keys {
        deduped = rec.last_key_wins();
        &deduped
    } else {
        &rec
    };
    let tokens = match format.get().count(tok, rec) {
        Ok(t) => t,
        Err(why) => {
            line::check_chat_template(&mut c, &why, format.get().main_key());
            // Valid still when the rule is a warning or off: counted as nothing.
            out.valid += u64::from(!c.has_error);
            return hidden;
        }
    };
    line::check_token_limit(&mut c, tokens.total, format.get().main_key());
    // FT073 raised to an error makes the record invalid too (what `fix` rejects).
    out.valid += u64::from(!c.has_error);
    out.figures.push(ExampleFigures::new(
        line_no,
        format.get().messages(rec),
        &tokens,
    ));
    hidden
}

/// FT015: a line over `--max-line-bytes` is reported at its start and otherwise
/// skipped: nothing past its first bytes (`head`) is read into memory or checked.
fn long_line(head: &[u8], len: u64, line_no: u64, ctx: &ChunkCtx, out: &mut ChunkOut) {
    out.examples += 1;
    let head = &head[..head.len().min(input::LONG_LINE_HEAD)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    let room = out.room(ctx.settings.max_diagnostics);
    let mut c = LineCheck::new(
        ctx.settings,
        ctx.path,
        line_no,
        text,
        &mut out.findings,
        room,
    );
    line::check_line_length(&mut c, len);
}

/// Everything found in one file.
pub struct FileResult {
    pub path: Arc<str>,
    pub role: Role,
    pub format: Option<FormatId>,
    pub lines: u64,
    pub examples: u64,
    pub valid: u64,
    pub findings: Findings,
    /// (canonical hash, line) of every record that parsed, sorted by hash then line.
    pub hashes: Vec<(u64, u64)>,
    pub figures: Vec<ExampleFigures>,
    /// The whole file is JSON (array or pretty-printed), not JSONL.
    pub shape_error: bool,
    /// Rules of the file-level findings (shape, formats, size, too few examples).
    pub file_rules: Vec<crate::registry::Rule>,
    /// Baseline mode: keys of the lines that did not parse, sorted.
    pub raw_keys: Vec<u64>,
    /// Baseline mode: findings not reported because the baseline already had them.
    pub suppressed: u64,
    /// One per line, in order; only from `check_source_verdicts`.
    pub verdicts: Vec<LineVerdict>,
}

/// What kind of file this is meant to be, for the dataset rules.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Training,
    Validation,
}

/// Checks one opened source.
pub fn check_source(
    path: Arc<str>,
    source: Source,
    settings: &Settings,
    tokenizer: Option<&Counter>,
    role: Role,
) -> Result<FileResult, String> {
    check_source_with(
        path,
        source,
        settings,
        tokenizer,
        role,
        &|_, _| {},
        None,
        false,
    )
}

/// `check_source` that also keeps a verdict per line (`FileResult::verdicts`), for
/// `fix` and `split`: the same checks, so their "valid" is `check`'s.
pub fn check_source_verdicts(
    path: Arc<str>,
    source: Source,
    settings: &Settings,
    tokenizer: Option<&Counter>,
) -> Result<FileResult, String> {
    check_source_with(
        path,
        source,
        settings,
        tokenizer,
        Role::Training,
        &|_, _| {},
        None,
        true,
    )
}

/// `check_source`, calling `progress(bytes, records)` as each chunk is done (from the
/// worker threads, in any order), so a front end can show a large file moving; against
/// a baseline (`--baseline`): findings the baseline already had are not reported (see
/// `baseline.rs`); and keeping a verdict per line when `verdicts` (fix, split).
#[allow(clippy::too_many_arguments)]
pub fn check_source_with(
    path: Arc<str>,
    source: Source,
    settings: &Settings,
    tokenizer: Option<&Counter>,
    role: Role,
    progress: &(dyn Fn(u64, u64) + Sync),
    baseline: Option<&crate::baseline::FileBase<'_>>,
    verdicts: bool,
) -> Result<FileResult, String> {
    let mut res = FileResult {
        path: path.clone(),
        role,
        format: None,
        lines: 0,
        examples: 0,
        valid: 0,
        findings: Findings::new(),
        hashes: Vec::new(),
        figures: Vec::new(),
        shape_error: false,
        file_rules: Vec::new(),
        raw_keys: Vec::new(),
        suppressed: 0,
        verdicts: Vec::new(),
    };
    let mut facts = FileFacts {
        path: path.clone(),
        lines: 0,
        examples: 0,
        bytes: 0,
        first_crlf: None,
        format: None,
        image_examples: 0,
        first_image_line: None,
        shape_error: false,
    };
    let cap = settings.max_diagnostics;
    let gzip = source.is_gzip();

    input::for_each_block(source, settings.max_line_bytes, |piece| {
        // A line skipped for its length is merged as a chunk of one line.
        let (block, is_first, is_last, skipped) = match piece {
            input::Piece::Lines { bytes, first, last } => (bytes, first, last, None),
            input::Piece::LongLine { head, len, .. } => {
                let ctx = ChunkCtx {
                    settings,
                    tokenizer,
                    path: &path,
                    format: facts.format,
                    file_start: false,
                    file_end: false,
                    known: None,
                    verdicts,
                };
                let mut o = ChunkOut {
                    findings: Findings::new(),
                    lines: 1,
                    ..ChunkOut::default()
                };
                long_line(head, len, 1, &ctx, &mut o);
                if verdicts {
                    o.verdicts
                        .push(LineVerdict::Invalid(crate::registry::Rule::LineTooLong));
                }
                facts.bytes += len + 1;
                (&[][..], false, false, Some(o))
            }
        };
        facts.bytes += block.len() as u64;
        if is_first {
            if let Some(mut d) = file::whole_file_shape(block, &path, settings) {
                secrets::mask_excerpt(&mut d);
                res.shape_error = true;
                res.file_rules.push(d.rule);
                if baseline.is_some_and(|b| b.had_file_rule(d.rule)) {
                    res.suppressed += 1;
                } else {
                    res.findings.push(d);
                }
            }
            facts.format = file::first_format(block, settings, &path)
                .map(|(id, line)| FileFormat::judge(id, line, settings));
        }
        if res.shape_error {
            res.lines += file::count_lines(block) + u64::from(skipped.is_some());
            progress(block.len() as u64, 0);
            return;
        }
        let mut chunks = Vec::new();
        let mut s = 0;
        while s < block.len() {
            let e = input::block_end(block, s, CHUNK_BYTES);
            chunks.push((s, e));
            s = e;
        }
        let outs: Vec<ChunkOut> = chunks
            .par_iter()
            .map(|&(s, e)| {
                let ctx = ChunkCtx {
                    settings,
                    tokenizer,
                    path: &path,
                    format: facts.format,
                    file_start: is_first && s == 0,
                    file_end: is_last && e == block.len(),
                    known: baseline.map(|b| b.known),
                    verdicts,
                };
                let out = process_chunk(&block[s..e], &ctx);
                progress((e - s) as u64, out.examples);
                out
            })
            .collect();
        for mut o in outs.into_iter().chain(skipped) {
            let base = res.lines;
            for d in &mut o.findings.diags {
                d.line += base;
            }
            res.findings.merge(o.findings, cap);
            res.examples += o.examples;
            res.valid += o.valid;
            if facts.first_crlf.is_none() {
                facts.first_crlf = o.first_crlf.map(|(l, c, s)| (l + base, c, s));
            }
            if let Some(f) = &mut facts.format {
                f.records += o.of_file_format;
            }
            facts.image_examples += o.image_examples;
            if facts.first_image_line.is_none() {
                facts.first_image_line = o.first_image_line.map(|l| l + base);
            }
            res.hashes
                .extend(o.hashes.into_iter().map(|(h, l)| (h, l + base)));
            res.figures.extend(o.figures.into_iter().map(|mut f| {
                f.line += base;
                f
            }));
            res.lines += o.lines;
            res.raw_keys.extend(o.raw_keys);
            res.suppressed += o.suppressed;
            res.verdicts.extend(o.verdicts);
        }
    })?;

    facts.lines = res.lines;
    facts.examples = res.examples;
    facts.shape_error = res.shape_error;
    res.format = facts.format.map(|f| f.id);
    let mut late = Vec::new();
    if gzip {
        late.extend(file::compressed(&path, settings));
    }
    file::check_file(&facts, settings, &mut late);
    if !res.shape_error && res.examples > 0 && role == Role::Training {
        late.extend(dataset::check_too_few(&path, res.valid, settings));
    }
    for d in late {
        res.file_rules.push(d.rule);
        if baseline.is_some_and(|b| b.had_file_rule(d.rule)) {
            res.suppressed += 1;
        } else {
            res.findings.push(d);
        }
    }
    if !res.shape_error {
        // Sorting in place finds duplicates without a second table: equal hashes end
        // up adjacent, the first copy (lowest line) first.
        res.hashes.sort_unstable();
        match baseline {
            None => dataset::check_duplicates(&path, &res.hashes, settings, &mut res.findings),
            Some(b) => {
                let (new_copies, old) = b.new_copies(&res.hashes);
                dataset::check_duplicates(&path, &new_copies, settings, &mut res.findings);
                res.suppressed += old;
            }
        }
    }
    res.raw_keys.sort_unstable();
    res.findings.sort_and_cap(cap);
    Ok(res)
}
