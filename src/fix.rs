//! `ftlint fix`: the records with no error to CLEAN, every other non-blank line to
//! REJECTS, blank lines counted and dropped, so `clean + rejects + blank = lines`.
//!
//! Two passes over the input: the first is `check` itself (`check_source_verdicts`,
//! same settings, same rules), keeping one verdict per line (a few bytes per line,
//! never the text); the second copies each line, byte for byte, to where its verdict
//! sends it. Memory stays bounded on multi-GB files and CLEAN checks with no error by
//! construction. A JSON array or pretty-printed JSON is first converted to one record
//! per line (whitespace outside strings removed, nothing else changed).
//!
//! Outputs are written to a temporary file beside them and renamed at the end, so an
//! interrupted run leaves no half file; an output that is the input (by device and
//! inode, so through links too) is refused before anything is written.

use crate::check::{self, LineVerdict};
use crate::input::{self, Source};
use crate::registry::Rule;
use crate::settings::Settings;
use crate::stats::thousands;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file being written: a temporary beside `dest`, renamed over it by `commit`, and
/// removed if dropped before that.
pub struct Output {
    tmp: PathBuf,
    dest: PathBuf,
    w: Option<BufWriter<File>>,
}

impl Output {
    pub fn create(dest: &Path) -> Result<Output, String> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .ok_or_else(|| format!("{}: not a file name", dest.display()))?;
        let tmp = dir.join(format!(
            ".{}.ftlint-{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| format!("{}: cannot write: {e}", dest.display()))?;
        Ok(Output {
            tmp,
            dest: dest.to_path_buf(),
            w: Some(BufWriter::with_capacity(1 << 20, f)),
        })
    }

    /// Writes a line and its LF.
    pub fn line(&mut self, bytes: &[u8]) -> Result<(), String> {
        let w = self.w.as_mut().expect("open until committed");
        w.write_all(bytes)
            .and_then(|()| w.write_all(b"\n"))
            .map_err(|e| format!("{}: cannot write: {e}", self.dest.display()))
    }

    pub fn commit(mut self) -> Result<(), String> {
        let w = self.w.take().expect("open until committed");
        let f = w
            .into_inner()
            .map_err(|e| format!("{}: cannot write: {e}", self.dest.display()))?;
        f.sync_all()
            .map_err(|e| format!("{}: cannot write: {e}", self.dest.display()))?;
        std::fs::rename(&self.tmp, &self.dest)
            .map_err(|e| format!("{}: cannot write: {e}", self.dest.display()))
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if self.w.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Refuses outputs that are an input or each other (the same device and inode, so a
/// symlink or hard link to the input is caught), before anything is written.
pub fn refuse_overwrites(input: &Path, outputs: &[&Path]) -> Result<(), String> {
    for (i, out) in outputs.iter().enumerate() {
        if same_file(input, out) {
            return Err(format!(
                "{}: is the input {}; ftlint never writes to an input, give another output path",
                out.display(),
                input.display()
            ));
        }
        for other in &outputs[..i] {
            if other == out || same_file(other, out) {
                return Err(format!(
                    "{}: given as two outputs; give each output its own path",
                    out.display()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// The input as JSONL: the file itself, or, when it is one JSON document (an array,
/// or pretty-printed objects), that document converted in memory.
pub enum Prepared {
    File(PathBuf),
    Converted {
        bytes: Arc<Vec<u8>>,
        what: &'static str,
    },
}

impl Prepared {
    pub fn open(&self, no_mmap: bool) -> Result<Source, String> {
        match self {
            Prepared::File(p) => input::open_path(p, no_mmap).map_err(|e| e.to_string()),
            Prepared::Converted { bytes, .. } => Ok(Source::Reader(Box::new(
                std::io::Cursor::new(SharedBytes(bytes.clone())),
            ))),
        }
    }
}

struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Looks at the start of the file; a JSON document (FT006/FT007) is read whole, as a
/// JSON parser must, and converted.
pub fn prepare(input: &Path, settings: &Settings) -> Result<Prepared, String> {
    use std::io::Read;
    let mut head = Vec::new();
    File::open(input)
        .and_then(|f| f.take(8 << 20).read_to_end(&mut head))
        .map_err(|e| format!("{}: {e}", input.display()))?;
    let path: Arc<str> = Arc::from(input.display().to_string());
    let Some(d) = crate::rules::file::whole_file_shape(&head, &path, settings) else {
        return Ok(Prepared::File(input.to_path_buf()));
    };
    let what = if d.rule == Rule::JsonArrayFile {
        "a JSON array"
    } else {
        "pretty-printed JSON"
    };
    let all = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let bytes = to_jsonl(&all).map_err(|e| {
        format!(
            "{}: is {what} that cannot be converted to JSONL: {e}; nothing was written",
            input.display()
        )
    })?;
    Ok(Prepared::Converted {
        bytes: Arc::new(bytes),
        what,
    })
}

/// One JSON value per line: the elements of a top-level array, or the values of a
/// stream of (pretty-printed) values, each with the whitespace outside its strings
/// removed. Keys, their order, duplicates and numbers stay exactly as written.
pub fn to_jsonl(data: &[u8]) -> Result<Vec<u8>, String> {
    let data = data.strip_prefix(crate::rules::line::BOM).unwrap_or(data);
    let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut i = 0;
    let skip = |i: &mut usize| {
        while *i < data.len() && ws(data[*i]) {
            *i += 1;
        }
    };
    skip(&mut i);
    let array = data.get(i) == Some(&b'[');
    if array {
        i += 1;
    }
    let mut out = Vec::with_capacity(data.len());
    loop {
        skip(&mut i);
        match data.get(i) {
            None if array => return Err("the array has no closing `]`".to_string()),
            None => break,
            Some(b']') if array => {
                i += 1;
                skip(&mut i);
                if i < data.len() {
                    return Err(format!("text after the array's `]` at byte {}", i + 1));
                }
                break;
            }
            Some(b',') => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let start = i;
        if matches!(data[i], b'}' | b']') {
            return Err(format!(
                "unexpected `{}` at byte {}",
                data[i] as char,
                i + 1
            ));
        }
        let mut depth = 0usize;
        while i < data.len() {
            match data[i] {
                b'"' => {
                    out.push(b'"');
                    i += 1;
                    while i < data.len() && data[i] != b'"' {
                        if data[i] == b'\\' && i + 1 < data.len() {
                            out.push(data[i]);
                            i += 1;
                        }
                        out.push(data[i]);
                        i += 1;
                    }
                    if i >= data.len() {
                        return Err(format!("a string opened at byte {} never ends", start + 1));
                    }
                    out.push(b'"');
                    i += 1;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth == 0 => break,
                b'}' | b']' => depth -= 1,
                b',' if depth == 0 => break,
                b if ws(b) => {
                    i += 1;
                    if depth == 0 {
                        break;
                    }
                    continue;
                }
                _ => {}
            }
            out.push(data[i]);
            i += 1;
            if depth == 0 && matches!(data[i - 1], b'}' | b']') {
                break;
            }
        }
        if depth > 0 {
            return Err(format!("the value at byte {} never closes", start + 1));
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// Calls `f(line number, line bytes as written out, had CR)` for every line of a
/// source, cut exactly as the check cuts it: at LF, one CR dropped, the BOM dropped
/// from line 1.
pub fn for_each_line(
    source: Source,
    mut f: impl FnMut(u64, &[u8], bool) -> Result<(), String>,
) -> Result<(), String> {
    let mut n = 0u64;
    let mut err = Ok(());
    // Every line is copied whole, however long: no line is skipped here (the check
    // pass already judged long lines; they go to REJECTS byte for byte).
    input::for_each_block(source, usize::MAX, |piece| {
        let input::Piece::Lines {
            bytes: block,
            first,
            ..
        } = piece
        else {
            err = Err("a line too long to copy".to_string());
            return;
        };
        let mut s = 0;
        while s < block.len() && err.is_ok() {
            let (line, next) = match memchr::memchr(b'\n', &block[s..]) {
                Some(i) => (&block[s..s + i], s + i + 1),
                None => (&block[s..], block.len()),
            };
            let mut line = line;
            let cr = if let Some(l) = line.strip_suffix(b"\r") {
                line = l;
                true
            } else {
                false
            };
            if first && s == 0 {
                line = line.strip_prefix(crate::rules::line::BOM).unwrap_or(line);
            }
            n += 1;
            err = f(n, line, cr);
            s = next;
        }
    })?;
    err
}

/// What `fix` did, for the summary and the exit code.
pub struct FixSummary {
    pub input_lines: u64,
    pub clean: u64,
    pub rejected: u64,
    pub blank: u64,
    /// Rejected lines per reason (the line's lowest-coded error, or FT071 for a copy).
    pub reasons: BTreeMap<Rule, u64>,
    pub repairs: Vec<String>,
    /// File-level errors CLEAN still has (too few examples).
    pub remaining: Vec<String>,
}

pub struct FixJob<'a> {
    pub input: &'a Path,
    pub clean: &'a Path,
    pub rejects: &'a Path,
    pub drop_duplicates: bool,
    pub no_mmap: bool,
}

/// The default REJECTS: `clean.jsonl` → `clean.rejects.jsonl`.
pub fn default_rejects(clean: &Path) -> PathBuf {
    let stem = clean
        .file_stem()
        .map_or_else(|| "clean".into(), |s| s.to_string_lossy().into_owned());
    clean.with_file_name(format!("{stem}.rejects.jsonl"))
}

pub fn run(job: &FixJob, settings: &Settings) -> Result<FixSummary, String> {
    refuse_overwrites(job.input, &[job.clean, job.rejects])?;
    let prepared = prepare(job.input, settings)?;
    let tokenizer = tokenizer_if_needed(settings);
    let path: Arc<str> = Arc::from(job.input.display().to_string());
    let res = check::check_source_verdicts(
        path.clone(),
        prepared.open(job.no_mmap)?,
        settings,
        tokenizer.as_ref(),
    )?;
    // A duplicate that `check` calls an error is rejected with or without the flag, so
    // that CLEAN checks clean.
    let drop = job.drop_duplicates
        || settings.severity(Rule::DuplicateExample) == Some(crate::registry::Severity::Error);
    let copies = if drop {
        later_copies(&res.hashes, &res.verdicts)
    } else {
        Vec::new()
    };

    let mut clean = Output::create(job.clean)?;
    let mut rejects = Output::create(job.rejects)?;
    let mut s = FixSummary {
        input_lines: res.lines,
        clean: 0,
        rejected: 0,
        blank: 0,
        reasons: BTreeMap::new(),
        repairs: Vec::new(),
        remaining: Vec::new(),
    };
    let mut crlf = 0u64;
    let mut copy = copies.iter().peekable();
    for_each_line(prepared.open(job.no_mmap)?, |n, line, cr| {
        crlf += u64::from(cr);
        let v = res
            .verdicts
            .get(n as usize - 1)
            .copied()
            .ok_or("the file changed while it was read")?;
        let is_copy = copy.next_if(|&&l| l == n).is_some();
        match v {
            LineVerdict::Blank => {
                s.blank += 1;
                Ok(())
            }
            LineVerdict::Valid if !is_copy => {
                s.clean += 1;
                clean.line(line)
            }
            LineVerdict::Valid | LineVerdict::Invalid(_) => {
                let rule = match v {
                    LineVerdict::Invalid(r) => r,
                    _ => Rule::DuplicateExample,
                };
                *s.reasons.entry(rule).or_default() += 1;
                s.rejected += 1;
                rejects.line(line)
            }
        }
    })?;
    clean.commit()?;
    rejects.commit()?;

    match &prepared {
        Prepared::Converted { what, .. } => s.repairs.push(format!(
            "converted {what} to one record per line ({} records)",
            thousands(res.lines)
        )),
        Prepared::File(_) => {
            if crlf > 0 {
                s.repairs.push(format!(
                    "CRLF line endings → LF ({} lines)",
                    thousands(crlf)
                ));
            }
            if starts_with_bom(job.input) {
                s.repairs.push("UTF-8 byte-order mark dropped".to_string());
            }
            if res.verdicts.last() == Some(&LineVerdict::Valid) && !ends_with_newline(job.input) {
                s.repairs
                    .push("newline added after the last line".to_string());
            }
        }
    }
    if let Some(d) = crate::rules::dataset::check_too_few(&path, s.clean, settings)
        && d.severity == crate::registry::Severity::Error
    {
        s.remaining.push(format!(
            "{} {}: CLEAN holds {} record(s); {} requires at least {}",
            d.rule.code(),
            d.rule.name(),
            s.clean,
            settings.provider.name,
            settings.provider.min_examples
        ));
    }
    Ok(s)
}

fn ends_with_newline(p: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let mut b = [0u8; 1];
    File::open(p)
        .and_then(|mut f| {
            f.seek(SeekFrom::End(-1))?;
            f.read_exact(&mut b)
        })
        .is_ok_and(|()| b[0] == b'\n')
}

fn starts_with_bom(p: &Path) -> bool {
    use std::io::Read;
    let mut b = [0u8; 3];
    File::open(p)
        .and_then(|mut f| f.read_exact(&mut b))
        .is_ok_and(|()| b == *crate::rules::line::BOM)
}

/// A tokenizer only when counting can make an error: FT073 raised to error, or an
/// open-weight model's chat template that may refuse a record (FT068); otherwise the
/// verdicts are the same without counting, and much faster.
pub fn tokenizer_if_needed(settings: &Settings) -> Option<crate::tokens::Counter> {
    let error = |r: Rule| settings.severity(r) == Some(crate::registry::Severity::Error);
    let template = matches!(
        settings.open_weight,
        Some(crate::settings::OpenWeight::Loaded { .. })
    );
    let needed = error(Rule::OverTokenLimit) || (template && error(Rule::ChatTemplateError));
    if !needed {
        return None;
    }
    crate::tokens::Counter::for_settings(settings)
}

/// Lines (sorted) of valid records whose canonical form appeared on an earlier valid
/// line. `hashes` is sorted by (hash, line).
fn later_copies(hashes: &[(u64, u64)], verdicts: &[LineVerdict]) -> Vec<u64> {
    let valid = |l: u64| verdicts.get(l as usize - 1) == Some(&LineVerdict::Valid);
    let mut out = Vec::new();
    for group in hashes.chunk_by(|a, b| a.0 == b.0) {
        let mut lines = group.iter().map(|&(_, l)| l).filter(|&l| valid(l));
        if lines.next().is_some() {
            out.extend(lines);
        }
    }
    out.sort_unstable();
    out
}

/// The summary `fix` prints.
pub fn render(s: &FixSummary, job: &FixJob) -> String {
    let w = [s.input_lines, s.clean, s.rejected, s.blank]
        .iter()
        .map(|&n| thousands(n).len())
        .max()
        .unwrap_or(1);
    let mut out = format!(
        "ftlint fix: {}\n  input    {:>w$} lines\n  clean    {:>w$} → {}\n  rejected {:>w$} → {}\n",
        crate::display::path(&job.input.display().to_string()),
        thousands(s.input_lines),
        thousands(s.clean),
        crate::display::path(&job.clean.display().to_string()),
        thousands(s.rejected),
        crate::display::path(&job.rejects.display().to_string()),
    );
    for (rule, n) in &s.reasons {
        out.push_str(&format!(
            "           {:>w$}   {} {}\n",
            thousands(*n),
            rule.code(),
            rule.name()
        ));
    }
    out.push_str(&format!(
        "  blank    {:>w$} dropped\n  {} clean + {} rejected + {} blank = {} lines\n",
        thousands(s.blank),
        thousands(s.clean),
        thousands(s.rejected),
        thousands(s.blank),
        thousands(s.input_lines)
    ));
    if s.repairs.is_empty() {
        out.push_str("  repairs: none needed\n");
    } else {
        out.push_str(&format!("  repairs: {}\n", s.repairs.join("; ")));
    }
    for r in &s.remaining {
        out.push_str(&format!("  still an error in CLEAN: {r}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_documents_become_lines() {
        let a = to_jsonl(
            b"\xEF\xBB\xBF[\n {\"a\": \"x y\",\n  \"b\": [1, 2]},\n {\"a\":\"\\\"}\"}\n]\n",
        )
        .unwrap();
        assert_eq!(a, b"{\"a\":\"x y\",\"b\":[1,2]}\n{\"a\":\"\\\"}\"}\n");
        let p = to_jsonl(b"{\n \"a\": 1\n}\n{\n \"a\": 1\n}\n").unwrap();
        assert_eq!(p, b"{\"a\":1}\n{\"a\":1}\n");
        assert!(to_jsonl(b"[{\"a\":1}").is_err());
    }
}
