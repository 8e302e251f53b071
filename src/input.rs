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

/// Calls `f(block, is_first, is_last)` for consecutive blocks that each end at a newline
/// (the last block may not). Returns a read error, if any, as a message.
pub fn for_each_block(source: Source, mut f: impl FnMut(&[u8], bool, bool)) -> Result<(), String> {
    let gzip = source.is_gzip();
    match source {
        Source::Mapped(map) => {
            let data: &[u8] = &map;
            let mut start = 0;
            let mut first = true;
            let page = page_size();
            let mut released = 0;
            while start < data.len() || first {
                let end = block_end(data, start, BLOCK_BYTES);
                f(&data[start..end], first, end == data.len());
                first = false;
                start = end;
                // Drop the checked pages from this process (they stay in the page cache),
                // so a 1 GB file costs no more resident memory than a 100 MB one.
                let upto = start / page * page;
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
            }
            Ok(())
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
                if buf.len() < target {
                    if !buf.is_empty() || first {
                        f(&buf, first, true);
                    }
                    return Ok(());
                }
                // Hand out whole lines; keep the partial last line for the next round.
                // No newline at all: one line longer than a block, so read on.
                if let Some(nl) = memchr::memrchr(b'\n', &buf) {
                    f(&buf[..=nl], first, false);
                    first = false;
                    buf.drain(..=nl);
                }
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
