//! Opens a file or stdin as bytes and hands them out in newline-aligned blocks.
//!
//! Regular non-empty files are memory-mapped; stdin, pipes, FIFOs and `--no-mmap` read
//! in blocks. Both paths feed the same block consumer, so a record is checked the same
//! way whichever way it arrived. Memory stays bounded: a mapped file is walked in
//! windows whose pages are released once checked, and a read keeps one block (plus the
//! longest line) in memory.

use memmap2::Mmap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Bytes checked per block before pages are released (mapped) or the buffer reused (read).
pub const BLOCK_BYTES: usize = 32 << 20;

/// Why a path could not be read: exit code 2.
#[derive(Debug)]
pub struct InputError {
    /// The path as given (bytes that are not UTF-8 as `\xff`); people see it through
    /// `display::path`.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

pub enum Source {
    Mapped(Mmap),
    Reader(Box<dyn Read + Send>),
    /// A gzip stream, decompressed as it is read (so memory stays one block).
    Gzip(Box<dyn Read + Send>),
}

impl Source {
    /// Whether the bytes were gzip-compressed (the file rules say so once).
    pub fn is_gzip(&self) -> bool {
        matches!(self, Source::Gzip(_))
    }
}

/// The first two bytes of every gzip member (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A reader as a source: gzip when it starts with the gzip magic. The two bytes read to
/// tell are put back in front, so nothing is lost on a pipe that cannot seek.
fn sniff(mut r: Box<dyn Read + Send>) -> io::Result<Source> {
    let mut head = Vec::with_capacity(2);
    (&mut r).take(2).read_to_end(&mut head)?;
    let gzip = head == GZIP_MAGIC;
    let r: Box<dyn Read + Send> = Box::new(io::Cursor::new(head).chain(r));
    Ok(if gzip {
        // Multi-member, like `gunzip`: concatenated .gz files decompress as one.
        Source::Gzip(Box::new(flate2::read::MultiGzDecoder::new(r)))
    } else {
        Source::Reader(r)
    })
}

/// Opens `spec` (a path, or `-` for stdin).
pub fn open(spec: &str, no_mmap: bool) -> Result<Source, InputError> {
    open_path(Path::new(spec), no_mmap)
}

/// `open` for any path, UTF-8 or not.
pub fn open_path(spec: &Path, no_mmap: bool) -> Result<Source, InputError> {
    let err = |message: String| InputError {
        path: crate::display::os_str(spec.as_os_str()).into_owned(),
        message,
    };
    if spec == Path::new("-") {
        return sniff(Box::new(io::stdin())).map_err(|e| err(io_message(&e)));
    }
    let meta = std::fs::metadata(spec).map_err(|e| err(io_message(&e)))?;
    if meta.is_dir() {
        return Err(err(
            "is a directory; pass the JSONL files inside it".to_string()
        ));
    }
    let file = File::open(spec).map_err(|e| err(io_message(&e)))?;
    if meta.is_file() && meta.len() > 0 && !no_mmap {
        // SAFETY: the map is read-only and ftlint never writes to it; a file truncated
        // by another process while mapped can raise SIGBUS, which is why --no-mmap exists.
        // A gzip file is not mapped: mapping read nothing, so the file is still at
        // offset 0 for the decoder.
        if let Ok(map) = unsafe { Mmap::map(&file) }
            && !map.starts_with(&GZIP_MAGIC)
        {
            return Ok(Source::Mapped(map));
        }
    }
    sniff(Box::new(file)).map_err(|e| err(io_message(&e)))
}

/// `--no-follow-symlinks`: an input that is itself a symbolic link is an input error
/// (exit 2), never opened, so a link to a secret cannot get its text into a report.
/// Folders on the path are followed; stdin is not a link.
pub fn refuse_symlink(spec: &Path) -> Result<(), InputError> {
    if spec == Path::new("-") {
        return Ok(());
    }
    match std::fs::symlink_metadata(spec) {
        Ok(meta) if meta.file_type().is_symlink() => Err(InputError {
            path: crate::display::os_str(spec.as_os_str()).into_owned(),
            message: "is a symbolic link; not read (--no-follow-symlinks)".to_string(),
        }),
        _ => Ok(()),
    }
}

fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// What `for_each_block` hands out, in file order.
pub enum Piece<'a> {
    /// Whole lines (the last block's last line may lack its newline). `first`: starts at
    /// byte 0 of the input; `last`: ends at its end. A line longer than the limit can
    /// still sit inside a block when the block holds it anyway (at most a block plus
    /// the limit); the line check reports it like a skipped one.
    Lines {
        bytes: &'a [u8],
        first: bool,
        last: bool,
    },
    /// One line longer than the limit, skipped without being held: its first bytes
    /// (for the report) and its length without the newline.
    LongLine {
        head: &'a [u8],
        len: u64,
        first: bool,
        last: bool,
    },
}

/// Bytes of a skipped line kept to show where it starts.
pub const LONG_LINE_HEAD: usize = 120;
/// Bytes scanned at a time while skipping a long line (mapped pages released behind).
const SKIP_WINDOW: usize = 8 << 20;

/// Calls `f` for consecutive pieces of the input: blocks of whole lines, and lines
/// longer than `max_line` bytes, which are skipped while streaming (never held whole,
/// from a map or a pipe). Returns a read error, if any, as a message.
pub fn for_each_block(
    source: Source,
    max_line: usize,
    mut f: impl FnMut(Piece<'_>),
) -> Result<(), String> {
    let max_line = max_line.max(1);
    let gzip = source.is_gzip();
    let read_error = |e: &io::Error| {
        if gzip {
            format!("gzip-compressed, but cannot be decompressed: {e}")
        } else {
            io_message(e)
        }
    };
    match source {
        Source::Mapped(map) => {
            let data: &[u8] = &map;
            let page = page_size();
            let mut released = 0;
            // Drop the checked pages from this process (they stay in the page cache),
            // so a 1 GB file costs no more resident memory than a 100 MB one.
            let mut release = |upto: usize| {
                let upto = upto / page * page;
                if upto > released {
                    // SAFETY: the range is inside the map and never read again.
                    let _ = unsafe {
                        map.unchecked_advise_range(
                            memmap2::UncheckedAdvice::DontNeed,
                            released,
                            upto - released,
                        )
                    };
                    released = upto;
                }
            };
            let mut start = 0usize;
            loop {
                let probe = start.saturating_add(BLOCK_BYTES);
                if probe >= data.len() {
                    if start < data.len() || start == 0 {
                        f(Piece::Lines {
                            bytes: &data[start..],
                            first: start == 0,
                            last: true,
                        });
                    }
                    return Ok(());
                }
                // The block ends at the first newline past the probe, looked for over at
                // most `max_line` bytes: a line longer than that is skipped instead.
                let window = probe.saturating_add(max_line).min(data.len());
                if let Some(i) = memchr::memchr(b'\n', &data[probe..window]) {
                    let end = probe + i + 1;
                    f(Piece::Lines {
                        bytes: &data[start..end],
                        first: start == 0,
                        last: end == data.len(),
                    });
                    start = end;
                    release(start);
                    continue;
                }
                if window == data.len() {
                    // The last line, short enough, has no newline.
                    f(Piece::Lines {
                        bytes: &data[start..],
                        first: start == 0,
                        last: true,
                    });
                    return Ok(());
                }
                // The line holding the probe is longer than `max_line`.
                let line_start =
                    memchr::memrchr(b'\n', &data[start..probe]).map_or(start, |i| start + i + 1);
                if line_start > start {
                    f(Piece::Lines {
                        bytes: &data[start..line_start],
                        first: start == 0,
                        last: false,
                    });
                }
                let mut at = window;
                let line_end = loop {
                    let to = at.saturating_add(SKIP_WINDOW).min(data.len());
                    if let Some(i) = memchr::memchr(b'\n', &data[at..to]) {
                        break at + i;
                    }
                    if to == data.len() {
                        break to;
                    }
                    at = to;
                    // Pages of the skipped line are let go as the scan passes them.
                    release(at);
                };
                let next = (line_end + 1).min(data.len());
                f(Piece::LongLine {
                    head: &data[line_start..(line_start + LONG_LINE_HEAD).min(line_end)],
                    len: (line_end - line_start) as u64,
                    first: line_start == 0,
                    last: next == data.len(),
                });
                start = next;
                release(start);
                if start == data.len() {
                    return Ok(());
                }
            }
        }
        Source::Reader(mut r) | Source::Gzip(mut r) => {
            let mut buf: Vec<u8> = Vec::with_capacity(BLOCK_BYTES);
            let mut first = true;
            loop {
                // Fill up to BLOCK_BYTES past what is carried over.
                // `read_to_end` on a `take` reads into spare capacity and zeroes only what
                // each read may fill. (Zeroing the whole rest of the block before every
                // read cost ~16 MB of memset per 64 KB pipe read: 49 s for 36 MB on stdin.)
                let target = buf.len() + BLOCK_BYTES;
                if let Err(e) = (&mut r).take(BLOCK_BYTES as u64).read_to_end(&mut buf) {
                    return Err(if gzip {
                        format!("gzip-compressed, but cannot be decompressed: {e}")
                    } else {
                        io_message(&e)
                    });
                }
                // Short of the limit: the reader hit end of file.
                if buf.len() < target && buf.len() <= max_line {
                    if !buf.is_empty() || first {
                        f(Piece::Lines {
                            bytes: &buf,
                            first,
                            last: true,
                        });
                    }
                    return Ok(());
                }
                let eof = buf.len() < target;
                // Hand out whole lines; keep the partial last line for the next round.
                if let Some(nl) = memchr::memrchr(b'\n', &buf) {
                    f(Piece::Lines {
                        bytes: &buf[..=nl],
                        first,
                        last: eof && nl + 1 == buf.len(),
                    });
                    first = false;
                    buf.drain(..=nl);
                }
                if buf.len() <= max_line {
                    if eof {
                        if !buf.is_empty() {
                            f(Piece::Lines {
                                bytes: &buf,
                                first,
                                last: true,
                            });
                        }
                        return Ok(());
                    }
                    continue;
                }
                // The carried line is already longer than the limit: read on to its
                // end through a small window, keeping only its head.
                let head = buf[..LONG_LINE_HEAD.min(buf.len())].to_vec();
                let mut len = buf.len() as u64;
                buf.clear();
                buf.resize(SKIP_WINDOW.min(BLOCK_BYTES), 0);
                let (last, rest) = loop {
                    if eof {
                        break (true, 0..0);
                    }
                    let n = match r.read(&mut buf) {
                        Ok(n) => n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(read_error(&e)),
                    };
                    if n == 0 {
                        break (true, 0..0);
                    }
                    if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
                        len += i as u64;
                        break (false, i + 1..n);
                    }
                    len += n as u64;
                };
                f(Piece::LongLine {
                    head: &head,
                    len,
                    first,
                    last,
                });
                first = false;
                if last {
                    return Ok(());
                }
                buf.copy_within(rest.clone(), 0);
                buf.truncate(rest.len());
            }
        }
    }
}

/// The end of a block starting at `start`: the first newline at or after `start + want`.
pub fn block_end(data: &[u8], start: usize, want: usize) -> usize {
    let probe = start.saturating_add(want);
    if probe >= data.len() {
        return data.len();
    }
    memchr::memchr(b'\n', &data[probe..]).map_or(data.len(), |i| probe + i + 1)
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc_sysconf_pagesize() };
    if p > 0 { p as usize } else { 4096 }
}

unsafe extern "C" {
    #[link_name = "getpagesize"]
    fn libc_sysconf_pagesize() -> i32;
}
