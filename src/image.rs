//! Images in chat records: what an `image_url.url` holds, and what an image costs.
//!
//! Pure functions, no I/O. [`inspect_image_url`] takes the `image_url.url` string of a
//! content part and says whether it is a remote `http(s)://` URL or a base64 data URL,
//! and for a data URL checks the whole base64 payload, the decoded size, the magic
//! number and the image header (type, width, height, animation) without decoding the
//! payload into memory: the header is read straight from the base64 text. [`image_tokens`]
//! applies a provider's published image-token formula, chosen per model by the data-driven
//! [`ImageCostRule`].
//!
//! # Facts, with sources (read 2026-11-29 from stored copies; none fetched live)
//!
//! - OpenAI vision fine-tuning: images as HTTP URLs or base64 data URLs; at most 10 images
//!   per example; each image at most 10 MB; "JPEG, PNG, or WEBP format"; RGB or RGBA
//!   mode; no images in assistant messages; at most 50,000 examples with images per file.
//!   <https://developers.openai.com/api/docs/guides/vision-fine-tuning> (the stored copy
//!   of the "Image data requirements" section is a mirror of that page,
//!   daqianai.cc/docs/openai/guides/vision-fine-tuning). GIF is *not* listed for
//!   fine-tuning; it is listed for inference only (next item).
//! - OpenAI inference ("Image input requirements"): PNG, JPEG (.jpeg, .jpg), WEBP and
//!   non-animated GIF. <https://developers.openai.com/api/docs/guides/images-vision>
//!   (stored copies of that page in public repositories).
//! - Token formulas, same page, section "Calculating costs":
//!   * tile models (GPT-4o, GPT-4.1, GPT-4o-mini, o-series except o4-mini): `detail: low`
//!     costs the base tokens; `high`: fit within 2048×2048 keeping the aspect ratio, then
//!     scale so the shortest side is 768 px, count 512-px tiles, `base + tile × tiles`.
//!     Base/tile: 4o, 4.1, 4.5: 85/170; 4o-mini: 2833/5667; o1, o1-pro, o3: 75/150;
//!     gpt-5, gpt-5-chat-latest: 70/140; computer-use-preview: 65/129. Worked examples
//!     (gpt-4o): 1024×1024 high = 765; 2048×4096 high = 1105; 4096×8192 low = 85.
//!   * patch models (gpt-4.1-mini and gpt-4.1-nano 2025-04-14, o4-mini, gpt-5-mini,
//!     gpt-5-nano, …): `ceil(w/32)·ceil(h/32)` patches; above the 1536-patch budget shrink
//!     by `r = √(32²·1536/(w·h))`, then `r ·= min(floor(w·r/32)/(w·r/32),
//!     floor(h·r/32)/(h·r/32))`; patches of the resized image, capped at 1536; times the
//!     multiplier: gpt-4.1-mini 1.62, gpt-4.1-nano 2.46, o4-mini 1.72 (gpt-5-mini 1.62,
//!     gpt-5-nano 2.46). Worked examples: 1024×1024 = 1024 patches; 1800×2400 = 1452
//!     (resized to 1056×1408). The newer revision of the page adds: "`high` allows up to
//!     1,536 patches or a 2048-pixel maximum dimension … resize … to fit within the lesser
//!     of those two constraints" (the `max_side` of [`ImageCostRule::Patch`]).
//!   * `detail` is `low`, `high` or `auto`; omitted means `auto`, "to let the model decide".
//! - Rounding, from one user's billing measurements (not OpenAI's text):
//!   <https://community.openai.com/t/vision-pricing-calculator-inaccurate-resizing-rounding-vs-api-costs/1281361>:
//!   GPT-4.1 2049×513 high bills 8 tiles, 2050×513 bills 4, so the 2048-fit rounds to the
//!   nearest pixel (513·2048/2049 = 512.75 → 513 → 2 tile rows) and a short side under 768
//!   is not scaled up; gpt-4.1-mini at the 1536-patch cap bills `1536 × 1.62 = 2488.32` as
//!   2488, so the multiplied count is rounded down.
//! - Together AI (client `together` 1.5.35 from PyPI, `constants.py` and
//!   `utils/files.py`, read 2026-11-29): only `data:image/{jpeg,png,webp};base64,` prefixes
//!   (exact, lower case), `MAX_IMAGE_BYTES = 10 * 1024 * 1024`, checked as the data URL's
//!   *length* against `len("data:image/jpeg;base64,") + 4 * MAX_IMAGE_BYTES // 3`, at most
//!   10 images per example, images in user messages only.
//!
//! # Not verified
//!
//! - Whether OpenAI's "10 MB" is 10,000,000 or 10 × 1024 × 1024 bytes, and whether it
//!   limits the decoded bytes or the base64 text: the docs don't say. The limit is a
//!   parameter of [`inspect_image_url`]; [`MIB_10`] is Together's reading.
//! - How OpenAI decodes base64 (padding, whitespace, URL-safe alphabet). We are strict on
//!   the alphabet (anything but `A–Z a–z 0–9 + /` and final `=` is a fault with its
//!   offset: a stray newline or a URL-safe `-`/`_` is a real mistake, and Python's
//!   `b64decode(validate=True)` rejects it too) and lenient on missing padding (accepted,
//!   reported in [`DataImage::padded`] so a rule can warn: Python's `b64decode` rejects it,
//!   most other decoders don't). Non-zero trailing bits are accepted, as Python does.
//! - Whether `image/jpg` (not a registered type) or upper-case media types are accepted
//!   by OpenAI; they are read as JPEG and flagged by [`DataImage::exact_prefix`].
//! - What `detail: low` costs on patch models (not documented): counted like `high`,
//!   which is an upper bound. `auto` is counted like `high` everywhere (see [`Detail`]).
//! - How the patch rule combines the 2048-pixel side limit with the patch budget beyond
//!   "the lesser of those two constraints": we take the smaller scale factor, and round
//!   resized sides to the nearest pixel as the tile rule does.
//! - Whether OpenAI checks more than the header (a file cut after its header passes here,
//!   except a GIF, whose blocks are walked to count its frames).
//!
//! EXIF orientation is ignored: we report the stored width and height. Both formulas are
//! symmetric in width and height, so a 90° rotation never changes the count.

use serde::{Deserialize, Serialize};
use std::fmt;

/// 10 × 1024 × 1024 bytes: Together's `MAX_IMAGE_BYTES`, and the larger reading of
/// OpenAI's "10 MB" (see the module notes).
pub const MIB_10: u64 = 10 * 1024 * 1024;

/// The image formats whose header ftlint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageType {
    Png,
    Jpeg,
    Webp,
    Gif,
}

impl ImageType {
    /// The name users know: `PNG`, `JPEG`, `WEBP`, `GIF`.
    pub fn name(self) -> &'static str {
        match self {
            ImageType::Png => "PNG",
            ImageType::Jpeg => "JPEG",
            ImageType::Webp => "WEBP",
            ImageType::Gif => "GIF",
        }
    }

    /// The registered media type.
    pub fn media_type(self) -> &'static str {
        match self {
            ImageType::Png => "image/png",
            ImageType::Jpeg => "image/jpeg",
            ImageType::Webp => "image/webp",
            ImageType::Gif => "image/gif",
        }
    }
}

impl fmt::Display for ImageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What an `image_url.url` points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageSource {
    /// An `http://` or `https://` URL: the provider fetches it, its size is unknown.
    Remote { https: bool },
    /// A base64 data URL whose payload decodes to an image of a known type.
    Data(DataImage),
}

/// A base64 data URL image that passed every check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataImage {
    /// The type both the media type declares and the magic number shows (they differ →
    /// [`ImageFault::TypeMismatch`]); `image/jpg` declares JPEG.
    pub kind: ImageType,
    /// Decoded size in bytes.
    pub bytes: u64,
    /// Stored width and height from the header (EXIF orientation not applied).
    pub width: u32,
    pub height: u32,
    /// More than one frame: a GIF with several image descriptors, an animated WebP
    /// (VP8X animation flag), an APNG (`acTL` before the image data).
    pub animated: bool,
    /// The base64 text ends with its `=` padding (or needs none). `false`: padding is
    /// missing, which Python's `b64decode` rejects.
    pub padded: bool,
    /// The URL starts exactly `data:<registered type>;base64,` in lower case, with no
    /// parameters: the only form Together's client accepts.
    pub exact_prefix: bool,
}

/// Width, height and animation of image bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    pub kind: ImageType,
    pub width: u32,
    pub height: u32,
    pub animated: bool,
}

/// Why an `image_url.url` is not an image a provider can use. `Display` is the message
/// for the user: what is wrong and what must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageFault {
    /// Neither `https://`, `http://` nor `data:`; `scheme` is what precedes the first `:`
    /// (at most 32 characters), empty when there is none.
    UnknownScheme { scheme: String },
    /// `http(s)://` with nothing after it.
    EmptyRemote,
    /// A data URL without `;base64,` (or without the `,` that ends its header).
    NotBase64 { media_type: String },
    /// A data URL whose media type is not `image/…`.
    NotImage { media_type: String },
    /// An `image/…` media type other than JPEG, PNG, WEBP or GIF.
    UnsupportedImageType { media_type: String },
    /// `;base64,` followed by nothing.
    EmptyData,
    /// A character outside the base64 alphabet (or a `=` before the end). `offset` is the
    /// character index in the URL string, `byte` the byte index (they differ only when
    /// something before it is not ASCII).
    Base64Char {
        offset: usize,
        byte: usize,
        found: char,
    },
    /// The base64 text has a length no encoder produces: one character too many, or
    /// padding that does not complete the last group of four. `chars` counts the base64
    /// text with its padding.
    Base64Length { chars: usize },
    /// Decoded size over the limit.
    TooLarge { bytes: u64, limit: u64 },
    /// The bytes are not the declared type; `real` is what they are, `None` when none of
    /// PNG/JPEG/WEBP/GIF.
    TypeMismatch {
        declared: ImageType,
        real: Option<ImageType>,
    },
    /// The image ends before its header does: `missing` names what could not be read.
    Truncated {
        kind: ImageType,
        missing: &'static str,
    },
    /// The header is there but wrong.
    BadHeader {
        kind: ImageType,
        reason: &'static str,
    },
}

impl fmt::Display for ImageFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageFault::UnknownScheme { scheme } if scheme.is_empty() => write!(
                f,
                "image URL has no scheme: it must start with https://, http:// or data:image/…;base64,"
            ),
            ImageFault::UnknownScheme { scheme } => write!(
                f,
                "image URL scheme `{scheme}:` is not supported: it must start with https://, http:// or data:image/…;base64,"
            ),
            ImageFault::EmptyRemote => {
                write!(f, "image URL has no host: write the full https:// address")
            }
            ImageFault::NotBase64 { media_type } => write!(
                f,
                "data URL `data:{media_type}…` is not base64: it must read data:image/<type>;base64,<base64 data>"
            ),
            ImageFault::NotImage { media_type } => write!(
                f,
                "data URL media type `{}` is not an image: use image/jpeg, image/png or image/webp",
                shown(media_type)
            ),
            ImageFault::UnsupportedImageType { media_type } => write!(
                f,
                "image type `{media_type}` is not supported: use image/jpeg, image/png or image/webp"
            ),
            ImageFault::EmptyData => {
                write!(f, "data URL holds no image: nothing follows `;base64,`")
            }
            ImageFault::Base64Char { offset, found, .. } => {
                write!(f, "image data is not valid base64: ")?;
                match found {
                    '=' => write!(
                        f,
                        "padding `=` at character {offset} of the URL comes before the end; `=` may only end the data"
                    ),
                    '-' | '_' => write!(
                        f,
                        "`{found}` at character {offset} of the URL belongs to the URL-safe alphabet; data URLs use `+` and `/`"
                    ),
                    c if c.is_whitespace() || c.is_control() => write!(
                        f,
                        "{} at character {offset} of the URL; base64 data URLs hold no spaces or line breaks",
                        c.escape_default()
                    ),
                    c => write!(
                        f,
                        "`{c}` at character {offset} of the URL; base64 holds only A-Z, a-z, 0-9, `+`, `/` and at most two final `=`"
                    ),
                }
            }
            ImageFault::Base64Length { chars } => write!(
                f,
                "image data is not valid base64: {chars} characters cannot be a whole number of bytes (a base64 text is groups of 4 characters, the last one padded with `=`); the data was probably cut off"
            ),
            ImageFault::TooLarge { bytes, limit } => write!(
                f,
                "image is {} decoded, over the {} limit: make it smaller or send it as an https:// URL",
                human_bytes(*bytes),
                human_bytes(*limit)
            ),
            ImageFault::TypeMismatch {
                declared,
                real: Some(real),
            } => write!(
                f,
                "data URL says {} but the bytes are a {real} image: write data:{};base64,",
                declared.media_type(),
                real.media_type()
            ),
            ImageFault::TypeMismatch {
                declared,
                real: None,
            } => write!(
                f,
                "data URL says {} but the bytes are not a JPEG, PNG, WEBP or GIF image",
                declared.media_type()
            ),
            ImageFault::Truncated { kind, missing } => write!(
                f,
                "{kind} image is cut off: it ends before its {missing}; encode the whole file"
            ),
            ImageFault::BadHeader { kind, reason } => {
                write!(f, "{kind} image header is invalid: {reason}")
            }
        }
    }
}

impl std::error::Error for ImageFault {}

fn shown(media_type: &str) -> &str {
    if media_type.is_empty() {
        "(none, i.e. text/plain)"
    } else {
        media_type
    }
}

fn human_bytes(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{n} bytes ({:.2} MiB)", n as f64 / (1024.0 * 1024.0))
    } else {
        format!("{n} bytes")
    }
}

/// Checks an `image_url.url` and, for a data URL, its whole base64 payload, decoded size
/// (`max_bytes`, decoded bytes), type and header.
///
/// Schemes and the data URL header are matched case-insensitively (RFC 3986, RFC 2045);
/// whether the exact lower-case form was used is in [`DataImage::exact_prefix`].
/// Faults come in this order: URL form, media type, base64, size, magic number, header.
pub fn inspect_image_url(url: &str, max_bytes: u64) -> Result<ImageSource, ImageFault> {
    let Some(colon) = url.bytes().take(33).position(|b| b == b':') else {
        return Err(ImageFault::UnknownScheme {
            scheme: String::new(),
        });
    };
    let scheme = &url[..colon];
    let rest = &url[colon + 1..];
    if scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http") {
        let host = rest.strip_prefix("//").unwrap_or("");
        if host.is_empty() || !rest.starts_with("//") {
            return Err(if rest.starts_with("//") {
                ImageFault::EmptyRemote
            } else {
                ImageFault::UnknownScheme {
                    scheme: scheme.to_string(),
                }
            });
        }
        return Ok(ImageSource::Remote {
            https: scheme.eq_ignore_ascii_case("https"),
        });
    }
    if !scheme.eq_ignore_ascii_case("data") {
        return Err(ImageFault::UnknownScheme {
            scheme: scheme.to_string(),
        });
    }
    inspect_data_url(url, colon + 1, max_bytes).map(ImageSource::Data)
}

fn inspect_data_url(
    url: &str,
    header_start: usize,
    max_bytes: u64,
) -> Result<DataImage, ImageFault> {
    // The header ends at the first comma; base64 text never holds one.
    let header_end = match url[header_start..].find(',') {
        Some(i) => header_start + i,
        None => {
            let media = url[header_start..].split(';').next().unwrap_or("");
            return Err(ImageFault::NotBase64 {
                media_type: truncate(media, 64),
            });
        }
    };
    let header = &url[header_start..header_end];
    let mut parts = header.split(';');
    let media_type = parts.next().unwrap_or("");
    let params: Vec<&str> = parts.collect();
    if !params
        .last()
        .is_some_and(|p| p.eq_ignore_ascii_case("base64"))
    {
        return Err(ImageFault::NotBase64 {
            media_type: truncate(media_type, 64),
        });
    }
    let lower = media_type.to_ascii_lowercase();
    let declared = match lower.as_str() {
        "image/jpeg" | "image/jpg" => ImageType::Jpeg,
        "image/png" => ImageType::Png,
        "image/webp" => ImageType::Webp,
        "image/gif" => ImageType::Gif,
        _ if lower.starts_with("image/") => {
            return Err(ImageFault::UnsupportedImageType {
                media_type: truncate(media_type, 64),
            });
        }
        _ => {
            return Err(ImageFault::NotImage {
                media_type: truncate(media_type, 64),
            });
        }
    };
    let exact_prefix = url.starts_with("data:")
        && params.len() == 1
        && params[0] == "base64"
        && media_type == declared.media_type();

    let payload_start = header_end + 1;
    let b64 = Base64::new(url, payload_start)?;
    if b64.len > max_bytes {
        return Err(ImageFault::TooLarge {
            bytes: b64.len,
            limit: max_bytes,
        });
    }
    let info = match read_header(&b64) {
        Ok(info) => info,
        Err(HeaderFault::Unknown) => {
            return Err(ImageFault::TypeMismatch {
                declared,
                real: None,
            });
        }
        Err(HeaderFault::Fault(fault)) => {
            // A wrong type matters more than a broken header of that wrong type.
            return Err(match fault {
                ImageFault::Truncated { kind, .. } | ImageFault::BadHeader { kind, .. }
                    if kind != declared =>
                {
                    ImageFault::TypeMismatch {
                        declared,
                        real: Some(kind),
                    }
                }
                f => f,
            });
        }
    };
    if info.kind != declared {
        return Err(ImageFault::TypeMismatch {
            declared,
            real: Some(info.kind),
        });
    }
    Ok(DataImage {
        kind: info.kind,
        bytes: b64.len,
        width: info.width,
        height: info.height,
        animated: info.animated,
        padded: b64.padded,
        exact_prefix,
    })
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

/// Reads type, size and animation from raw image bytes (the same parsers the data URL
/// path runs on its base64 text). `None`: not a PNG, JPEG, WEBP or GIF.
pub fn inspect_image_bytes(bytes: &[u8]) -> Option<Result<ImageInfo, ImageFault>> {
    match read_header(&bytes) {
        Ok(info) => Some(Ok(info)),
        Err(HeaderFault::Unknown) => None,
        Err(HeaderFault::Fault(f)) => Some(Err(f)),
    }
}

// ---------------------------------------------------------------------------------------
// Base64, validated in one pass and read at random offsets without decoding the rest.

/// The decoded value of each base64 character; 0xFF for anything else.
const DECODE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// A validated base64 payload: `text` without its padding.
struct Base64<'a> {
    text: &'a [u8],
    /// Decoded length.
    len: u64,
    padded: bool,
}

impl<'a> Base64<'a> {
    /// Validates `url[start..]` as base64: the whole text, one pass, no allocation.
    fn new(url: &'a str, start: usize) -> Result<Self, ImageFault> {
        let all = &url.as_bytes()[start..];
        if all.is_empty() {
            return Err(ImageFault::EmptyData);
        }
        let pad = all.iter().rev().take(2).take_while(|&&b| b == b'=').count();
        let text = &all[..all.len() - pad];
        if let Some(i) = first_non_base64(text) {
            let byte = start + i;
            let found = url[byte..].chars().next().unwrap_or('\u{FFFD}');
            let offset = if url.is_char_boundary(byte) && !url[..start].is_ascii() {
                url[..byte].chars().count()
            } else {
                // Everything before `byte` is ASCII: header checked above, payload so far
                // in the alphabet.
                byte
            };
            return Err(ImageFault::Base64Char {
                offset,
                byte,
                found,
            });
        }
        let rem = text.len() % 4;
        if text.is_empty() || rem == 1 || (pad > 0 && (rem + pad) != 4) {
            return Err(ImageFault::Base64Length { chars: all.len() });
        }
        let len = (text.len() / 4 * 3 + [0, 0, 1, 2][rem]) as u64;
        Ok(Base64 {
            text,
            len,
            padded: rem == 0 || pad > 0,
        })
    }
}

#[inline(always)]
fn is_base64(b: u8) -> bool {
    // Branch-free so that the scan below vectorises.
    ((b | 0x20).wrapping_sub(b'a') < 26) | (b.wrapping_sub(b'0') < 10) | (b == b'+') | (b == b'/')
}

/// Index of the first byte outside the base64 alphabet. Blocks of 64 are checked with a
/// branch-free fold (SIMD in practice); only a failing block is searched byte by byte.
fn first_non_base64(text: &[u8]) -> Option<usize> {
    const BLOCK: usize = 64;
    let mut blocks = text.chunks_exact(BLOCK);
    for (n, block) in (&mut blocks).enumerate() {
        let all_ok = block.iter().fold(true, |ok, &b| ok & is_base64(b));
        if !all_ok {
            return block
                .iter()
                .position(|&b| !is_base64(b))
                .map(|i| n * BLOCK + i);
        }
    }
    let tail = blocks.remainder();
    let tail_start = text.len() - tail.len();
    tail.iter()
        .position(|&b| !is_base64(b))
        .map(|i| tail_start + i)
}

/// Random access to an image's bytes, whether raw or base64.
trait Source {
    /// Copies the bytes at `off..` into `buf`; returns how many there were.
    fn read_at(&self, off: u64, buf: &mut [u8]) -> usize;
}

impl Source for &[u8] {
    fn read_at(&self, off: u64, buf: &mut [u8]) -> usize {
        let Ok(off) = usize::try_from(off) else {
            return 0;
        };
        let Some(src) = self.get(off..) else {
            return 0;
        };
        let n = src.len().min(buf.len());
        buf[..n].copy_from_slice(&src[..n]);
        n
    }
}

impl Source for Base64<'_> {
    fn read_at(&self, off: u64, buf: &mut [u8]) -> usize {
        if off >= self.len {
            return 0;
        }
        let want = buf.len().min((self.len - off) as usize);
        let mut written = 0;
        let mut group = (off / 3) as usize;
        let mut skip = (off % 3) as usize;
        while written < want {
            let chars = &self.text[group * 4..(group * 4 + 4).min(self.text.len())];
            let mut acc = 0u32;
            for (i, &c) in chars.iter().enumerate() {
                acc |= u32::from(DECODE[c as usize]) << (18 - 6 * i);
            }
            let bytes = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
            let have = chars.len() * 6 / 8; // 4 chars → 3 bytes, 3 → 2, 2 → 1
            for &b in &bytes[skip..have] {
                if written == want {
                    break;
                }
                buf[written] = b;
                written += 1;
            }
            skip = 0;
            group += 1;
        }
        written
    }
}

// ---------------------------------------------------------------------------------------
// Image headers.

enum HeaderFault {
    /// No known magic number.
    Unknown,
    Fault(ImageFault),
}

impl From<ImageFault> for HeaderFault {
    fn from(f: ImageFault) -> Self {
        HeaderFault::Fault(f)
    }
}

/// Fixed-size reads that fail with the image's own "cut off" fault.
struct Reader<'s, S: Source> {
    src: &'s S,
    kind: ImageType,
}

impl<S: Source> Reader<'_, S> {
    fn bytes<const N: usize>(
        &self,
        off: u64,
        missing: &'static str,
    ) -> Result<[u8; N], ImageFault> {
        let mut buf = [0u8; N];
        if self.src.read_at(off, &mut buf) == N {
            Ok(buf)
        } else {
            Err(ImageFault::Truncated {
                kind: self.kind,
                missing,
            })
        }
    }
    fn u8(&self, off: u64, missing: &'static str) -> Result<u8, ImageFault> {
        Ok(self.bytes::<1>(off, missing)?[0])
    }
    fn bad(&self, reason: &'static str) -> ImageFault {
        ImageFault::BadHeader {
            kind: self.kind,
            reason,
        }
    }
}

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

fn read_header<S: Source>(src: &S) -> Result<ImageInfo, HeaderFault> {
    let mut head = [0u8; 12];
    let n = src.read_at(0, &mut head);
    let head = &head[..n];
    let starts = |magic: &[u8]| {
        // A prefix of the magic number is a cut-off image of that type.
        let m = magic.len().min(head.len());
        head[..m] == magic[..m]
    };
    let kind = if head.is_empty() {
        return Err(HeaderFault::Unknown);
    } else if starts(PNG_MAGIC) {
        ImageType::Png
    } else if starts(b"\xFF\xD8\xFF") {
        ImageType::Jpeg
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        ImageType::Gif
    } else if starts(b"RIFF") && (head.len() <= 8 || b"WEBP".starts_with(&head[8..])) {
        ImageType::Webp
    } else {
        return Err(HeaderFault::Unknown);
    };
    let r = Reader { src, kind };
    let info = match kind {
        ImageType::Png => png(&r),
        ImageType::Jpeg => jpeg(&r),
        ImageType::Gif => gif(&r),
        ImageType::Webp => webp(&r),
    }?;
    if info.width == 0 || info.height == 0 {
        return Err(r.bad("width or height is 0").into());
    }
    Ok(info)
}

fn png<S: Source>(r: &Reader<'_, S>) -> Result<ImageInfo, ImageFault> {
    let ihdr: [u8; 16] = r.bytes(8, "IHDR header chunk")?;
    if &ihdr[4..8] != b"IHDR" || ihdr[..4] != [0, 0, 0, 13] {
        return Err(r.bad("the first chunk is not a 13-byte IHDR"));
    }
    let width = u32::from_be_bytes(ihdr[8..12].try_into().unwrap());
    let height = u32::from_be_bytes(ihdr[12..16].try_into().unwrap());
    if width > i32::MAX as u32 || height > i32::MAX as u32 {
        return Err(r.bad("width or height over 2^31-1"));
    }
    // APNG: an acTL chunk before the first IDAT. IHDR is 8 + 4 + 4 + 13 + 4 bytes.
    let mut pos: u64 = 33;
    let mut animated = false;
    loop {
        let chunk: [u8; 8] = r.bytes(pos, "image data (IDAT chunk)")?;
        let len = u64::from(u32::from_be_bytes(chunk[..4].try_into().unwrap()));
        match &chunk[4..8] {
            b"IDAT" => break,
            b"IEND" => return Err(r.bad("IEND before any image data (IDAT)")),
            b"acTL" => animated = true,
            _ => {}
        }
        pos += 12 + len;
    }
    Ok(ImageInfo {
        kind: ImageType::Png,
        width,
        height,
        animated,
    })
}

fn jpeg<S: Source>(r: &Reader<'_, S>) -> Result<ImageInfo, ImageFault> {
    const MISSING: &str = "frame header (SOFn marker)";
    let mut pos: u64 = 2;
    loop {
        // Markers are 0xFF then a code; extra 0xFF bytes before the code are fill.
        if r.u8(pos, MISSING)? != 0xFF {
            return Err(r.bad("expected a marker (0xFF) between segments"));
        }
        let mut code = 0xFF;
        while code == 0xFF {
            pos += 1;
            code = r.u8(pos, MISSING)?;
        }
        pos += 1;
        match code {
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): the frame header.
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                let sof: [u8; 7] = r.bytes(pos, MISSING)?;
                let height = u16::from_be_bytes([sof[3], sof[4]]);
                let width = u16::from_be_bytes([sof[5], sof[6]]);
                if height == 0 {
                    return Err(
                        r.bad("height 0 (set later by a DNL marker, which is not supported)")
                    );
                }
                return Ok(ImageInfo {
                    kind: ImageType::Jpeg,
                    width: u32::from(width),
                    height: u32::from(height),
                    animated: false,
                });
            }
            // Markers without a length: RSTn, TEM.
            0xD0..=0xD7 | 0x01 => {}
            0xD8 => return Err(r.bad("a second start-of-image marker before the frame header")),
            0xD9 => return Err(r.bad("end-of-image before any frame header")),
            0xDA => return Err(r.bad("scan data before any frame header")),
            0x00 => return Err(r.bad("stuffed 0xFF00 where a marker belongs")),
            _ => {
                // APPn, COM, DQT, DHT, DRI, …: a big-endian length that counts itself.
                let len: [u8; 2] = r.bytes(pos, MISSING)?;
                let len = u16::from_be_bytes(len);
                if len < 2 {
                    return Err(r.bad("a segment length under 2"));
                }
                pos += u64::from(len);
            }
        }
    }
}

fn gif<S: Source>(r: &Reader<'_, S>) -> Result<ImageInfo, ImageFault> {
    let lsd: [u8; 7] = r.bytes(6, "logical screen descriptor")?;
    let width = u32::from(u16::from_le_bytes([lsd[0], lsd[1]]));
    let height = u32::from(u16::from_le_bytes([lsd[2], lsd[3]]));
    let packed = lsd[4];
    let mut pos: u64 = 13;
    if packed & 0x80 != 0 {
        pos += 3 << ((packed & 7) + 1);
    }
    // Walk the blocks to count frames: animated means more than one image descriptor.
    let mut frames = 0u32;
    loop {
        match r.u8(pos, "trailer (blocks end early)")? {
            0x2C => {
                frames += 1;
                if frames > 1 {
                    break;
                }
                let desc: [u8; 9] = r.bytes(pos + 1, "image descriptor")?;
                pos += 10;
                if desc[8] & 0x80 != 0 {
                    pos += 3 << ((desc[8] & 7) + 1);
                }
                pos += 1; // LZW minimum code size
                pos = skip_sub_blocks(r, pos)?;
            }
            0x21 => pos = skip_sub_blocks(r, pos + 2)?,
            0x3B => break,
            _ => return Err(r.bad("unknown block type between frames")),
        }
    }
    if frames == 0 {
        return Err(r.bad("no image in the file"));
    }
    Ok(ImageInfo {
        kind: ImageType::Gif,
        width,
        height,
        animated: frames > 1,
    })
}

fn skip_sub_blocks<S: Source>(r: &Reader<'_, S>, mut pos: u64) -> Result<u64, ImageFault> {
    loop {
        let size = r.u8(pos, "trailer (blocks end early)")?;
        pos += 1 + u64::from(size);
        if size == 0 {
            return Ok(pos);
        }
    }
}

fn webp<S: Source>(r: &Reader<'_, S>) -> Result<ImageInfo, ImageFault> {
    let head: [u8; 30] = r.bytes(0, "first chunk header")?;
    let chunk = &head[12..16];
    let info = |width: u32, height: u32, animated| ImageInfo {
        kind: ImageType::Webp,
        width,
        height,
        animated,
    };
    match chunk {
        b"VP8 " => {
            // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height.
            if head[23..26] != [0x9D, 0x01, 0x2A] {
                return Err(r.bad("VP8 start code missing"));
            }
            let w = u16::from_le_bytes([head[26], head[27]]) & 0x3FFF;
            let h = u16::from_le_bytes([head[28], head[29]]) & 0x3FFF;
            Ok(info(u32::from(w), u32::from(h), false))
        }
        b"VP8L" => {
            if head[20] != 0x2F {
                return Err(r.bad("VP8L signature byte is not 0x2F"));
            }
            let bits = u32::from_le_bytes(head[21..25].try_into().unwrap());
            Ok(info(
                (bits & 0x3FFF) + 1,
                ((bits >> 14) & 0x3FFF) + 1,
                false,
            ))
        }
        b"VP8X" => {
            let flags = head[20];
            let w = u32::from_le_bytes([head[24], head[25], head[26], 0]) + 1;
            let h = u32::from_le_bytes([head[27], head[28], head[29], 0]) + 1;
            Ok(info(w, h, flags & 0x02 != 0))
        }
        _ => Err(r.bad("first chunk is not VP8, VP8L or VP8X")),
    }
}

// ---------------------------------------------------------------------------------------
// Token cost.

/// The `detail` of an `image_url` part.
///
/// `Auto` means the provider chooses ("to let the model decide"); ftlint counts it as
/// `High`, the larger of the two, so a budget built on the count is never short.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Detail {
    Low,
    High,
    /// Also what an omitted `detail` means.
    #[default]
    Auto,
}

impl Detail {
    /// `low`, `high` or `auto`, exactly (the API's enum is lower case); anything else is
    /// `None`, a fault for the caller to report.
    pub fn parse(s: &str) -> Option<Detail> {
        match s {
            "low" => Some(Detail::Low),
            "high" => Some(Detail::High),
            "auto" => Some(Detail::Auto),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Detail::Low => "low",
            Detail::High => "high",
            Detail::Auto => "auto",
        }
    }
}

/// How a model turns an image into tokens, as a provider data file names it:
/// `{ formula = "tile", base = 85, tile = 170 }` or
/// `{ formula = "patch", multiplier = 1.62 }`; the other fields default to OpenAI's.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "formula", rename_all = "snake_case", deny_unknown_fields)]
pub enum ImageCostRule {
    /// 512-px tiles (GPT-4o, GPT-4.1, GPT-4o-mini, o1, o3): `low` = `base`; `high` = fit
    /// in `max_side`², shrink so the short side is at most `short_side`, then
    /// `base + tile × tiles of tile_px`.
    Tile {
        base: u64,
        tile: u64,
        #[serde(default = "default_tile_max_side")]
        max_side: u32,
        #[serde(default = "default_short_side")]
        short_side: u32,
        #[serde(default = "default_tile_px")]
        tile_px: u32,
    },
    /// 32-px patches (gpt-4.1-mini, gpt-4.1-nano, o4-mini): patches of the image shrunk
    /// to at most `budget` patches and `max_side` pixels a side, capped at `budget`,
    /// times `multiplier`, rounded down.
    Patch {
        multiplier: f64,
        #[serde(default = "default_budget")]
        budget: u32,
        #[serde(default = "default_patch_max_side")]
        max_side: Option<u32>,
        #[serde(default = "default_patch_px")]
        patch_px: u32,
    },
}

fn default_tile_max_side() -> u32 {
    2048
}
fn default_short_side() -> u32 {
    768
}
fn default_tile_px() -> u32 {
    512
}
fn default_budget() -> u32 {
    1536
}
fn default_patch_max_side() -> Option<u32> {
    Some(2048)
}
fn default_patch_px() -> u32 {
    32
}

impl ImageCostRule {
    /// OpenAI's tile rule with the given base and per-tile tokens.
    pub const fn tile(base: u64, tile: u64) -> Self {
        ImageCostRule::Tile {
            base,
            tile,
            max_side: 2048,
            short_side: 768,
            tile_px: 512,
        }
    }

    /// OpenAI's 32-px patch rule, 1536 patches, 2048-px sides, with this multiplier.
    pub const fn patch(multiplier: f64) -> Self {
        ImageCostRule::Patch {
            multiplier,
            budget: 1536,
            max_side: Some(2048),
            patch_px: 32,
        }
    }

    /// gpt-4o, gpt-4.1 (and 4.5): 85 + 170 per tile.
    pub const OPENAI_GPT_4O: Self = Self::tile(85, 170);
    /// gpt-4o-mini: 2833 + 5667 per tile.
    pub const OPENAI_GPT_4O_MINI: Self = Self::tile(2833, 5667);
    /// gpt-4.1-mini (2025-04-14): patches × 1.62.
    pub const OPENAI_GPT_4_1_MINI: Self = Self::patch(1.62);
    /// gpt-4.1-nano (2025-04-14): patches × 2.46.
    pub const OPENAI_GPT_4_1_NANO: Self = Self::patch(2.46);
    /// o4-mini: patches × 1.72.
    pub const OPENAI_O4_MINI: Self = Self::patch(1.72);
}

/// The tokens an image of `width` × `height` costs under `rule`. `Auto` counts as `High`;
/// on patch models `Low` does too (its cost is not documented; `High` bounds it).
pub fn image_tokens(width: u32, height: u32, detail: Detail, rule: &ImageCostRule) -> u64 {
    match *rule {
        ImageCostRule::Tile {
            base,
            tile,
            max_side,
            short_side,
            tile_px,
        } => {
            if detail == Detail::Low || width == 0 || height == 0 {
                return base;
            }
            let (mut w, mut h) = (f64::from(width), f64::from(height));
            let long = w.max(h);
            if long > f64::from(max_side) {
                let s = f64::from(max_side) / long;
                (w, h) = ((w * s).round(), (h * s).round());
            }
            let short = w.min(h);
            if short > f64::from(short_side) {
                let s = f64::from(short_side) / short;
                (w, h) = ((w * s).round(), (h * s).round());
            }
            let px = f64::from(tile_px.max(1));
            let tiles = (w / px).ceil() * (h / px).ceil();
            base.saturating_add(tile.saturating_mul(tiles as u64))
        }
        ImageCostRule::Patch {
            multiplier,
            budget,
            max_side,
            patch_px,
        } => {
            let patches = patch_count(width, height, budget, max_side, patch_px);
            // Rounded down (see the module notes); the epsilon keeps 100 × 2.46 from
            // landing on 245.99999.
            (patches as f64 * multiplier + 1e-9).floor().max(0.0) as u64
        }
    }
}

/// The patches of the image after OpenAI's resizing, before the multiplier.
pub fn patch_count(
    width: u32,
    height: u32,
    budget: u32,
    max_side: Option<u32>,
    patch_px: u32,
) -> u64 {
    if width == 0 || height == 0 {
        return 0;
    }
    let p = f64::from(patch_px.max(1));
    let (w, h) = (f64::from(width), f64::from(height));
    let raw = (w / p).ceil() * (h / p).ceil();
    let mut scale: f64 = 1.0;
    if raw > f64::from(budget) {
        let r = (p * p * f64::from(budget) / (w * h)).sqrt();
        let fit = |side: f64| (side * r / p).floor() / (side * r / p);
        scale = r * fit(w).min(fit(h));
    }
    if let Some(max) = max_side {
        let long = w.max(h);
        if long * scale > f64::from(max) {
            scale = f64::from(max) / long;
        }
    }
    let (rw, rh) = if scale < 1.0 {
        ((w * scale).round().max(1.0), (h * scale).round().max(1.0))
    } else {
        (w, h)
    };
    let patches = (rw / p).ceil() * (rh / p).ceil();
    (patches as u64).min(u64::from(budget))
}

/// The most an image of unknown size can cost (an `https://` image): the estimate to
/// show, labelled as such, where the header cannot be read.
pub fn max_image_tokens(detail: Detail, rule: &ImageCostRule) -> u64 {
    match *rule {
        ImageCostRule::Tile {
            base,
            tile,
            max_side,
            short_side,
            tile_px,
        } => {
            if detail == Detail::Low {
                return base;
            }
            // Largest after resizing: long side max_side, short side short_side.
            let px = u64::from(tile_px.max(1));
            let long = u64::from(max_side).div_ceil(px);
            let short = u64::from(short_side.min(max_side)).div_ceil(px);
            base.saturating_add(tile.saturating_mul(long * short))
        }
        ImageCostRule::Patch {
            multiplier, budget, ..
        } => (f64::from(budget) * multiplier + 1e-9).floor() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ---- tiny real images ----------------------------------------------------------

    /// A 1×1 grey PNG (signature, IHDR, IDAT, IEND; CRCs as zlib computes them).
    const PNG_1X1: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, // signature
        0x00, 0x00, 0x00, 0x0D, b'I', b'H', b'D', b'R', // IHDR, 13 bytes
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, // 1 × 1
        0x08, 0x00, 0x00, 0x00, 0x00, // 8-bit greyscale
        0x3A, 0x7E, 0x9B, 0x55, // CRC
        0x00, 0x00, 0x00, 0x0A, b'I', b'D', b'A', b'T', // IDAT, 10 bytes
        0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, // zlib: filter 0, pixel 0
        0xE5, 0x27, 0xDE, 0xFC, // CRC
        0x00, 0x00, 0x00, 0x00, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82,
    ];

    fn png(width: u32, height: u32, actl: bool) -> Vec<u8> {
        let mut v = PNG_MAGIC.to_vec();
        v.extend_from_slice(&[0, 0, 0, 13]);
        v.extend_from_slice(b"IHDR");
        v.extend_from_slice(&width.to_be_bytes());
        v.extend_from_slice(&height.to_be_bytes());
        v.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]); // RGB, CRC not checked
        if actl {
            v.extend_from_slice(&[0, 0, 0, 8]);
            v.extend_from_slice(b"acTL");
            v.extend_from_slice(&[0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
        }
        v.extend_from_slice(&[0, 0, 0, 0]);
        v.extend_from_slice(b"IDAT");
        v.extend_from_slice(&[0, 0, 0, 0]);
        v
    }

    /// SOI, APP0 (JFIF), APP1 (Exif, 40 bytes), COM, DQT, then SOFn of `w`×`h`.
    fn jpeg(sof: u8, width: u16, height: u16) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
        v.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        v.extend_from_slice(&[0xFF, 0xE1, 0x00, 40]);
        v.extend_from_slice(b"Exif\0\0");
        // Exif body with marker-looking bytes inside, which must be skipped by length.
        v.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x01, 0x00, 0x01]);
        v.resize(v.len() + (40 - 2 - 6 - 9), 0xFF);
        v.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x05, b'h', b'i', b'!']); // COM
        v.extend_from_slice(&[0xFF, 0xFF]); // fill bytes before the next marker
        v.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
        v.extend_from_slice(&[1u8; 64]);
        v.extend_from_slice(&[0xFF, sof, 0x00, 0x11, 0x08]);
        v.extend_from_slice(&height.to_be_bytes());
        v.extend_from_slice(&width.to_be_bytes());
        v.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        v.extend_from_slice(&[0xFF, 0xD9]);
        v
    }

    fn riff(chunk: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = b"RIFF".to_vec();
        v.extend_from_slice(&((4 + 8 + body.len()) as u32).to_le_bytes());
        v.extend_from_slice(b"WEBP");
        v.extend_from_slice(chunk);
        v.extend_from_slice(&(body.len() as u32).to_le_bytes());
        v.extend_from_slice(body);
        v
    }

    fn webp_vp8(w: u16, h: u16) -> Vec<u8> {
        let mut body = vec![0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A];
        body.extend_from_slice(&w.to_le_bytes());
        body.extend_from_slice(&h.to_le_bytes());
        body.extend_from_slice(&[0; 8]);
        riff(b"VP8 ", &body)
    }

    fn webp_vp8l(w: u32, h: u32) -> Vec<u8> {
        let bits = (w - 1) | ((h - 1) << 14) | (1 << 28);
        let mut body = vec![0x2F];
        body.extend_from_slice(&bits.to_le_bytes());
        body.extend_from_slice(&[0; 5]);
        riff(b"VP8L", &body)
    }

    fn webp_vp8x(w: u32, h: u32, flags: u8) -> Vec<u8> {
        let mut body = vec![flags, 0, 0, 0];
        body.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
        body.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
        riff(b"VP8X", &body)
    }

    /// GIF89a of `w`×`h` with a global palette, a NETSCAPE loop extension, and `frames`
    /// frames each behind a graphic control extension.
    fn gif(w: u16, h: u16, frames: usize) -> Vec<u8> {
        let mut v = b"GIF89a".to_vec();
        v.extend_from_slice(&w.to_le_bytes());
        v.extend_from_slice(&h.to_le_bytes());
        v.extend_from_slice(&[0x80, 0, 0]); // 2-colour global table
        v.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
        v.extend_from_slice(&[0x21, 0xFF, 0x0B]);
        v.extend_from_slice(b"NETSCAPE2.0");
        v.extend_from_slice(&[0x03, 0x01, 0x00, 0x00, 0x00]);
        for _ in 0..frames {
            v.extend_from_slice(&[0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00]);
            v.push(0x2C);
            v.extend_from_slice(&[0, 0, 0, 0]);
            v.extend_from_slice(&w.to_le_bytes());
            v.extend_from_slice(&h.to_le_bytes());
            v.push(0x80); // local 2-colour table
            v.extend_from_slice(&[0, 0, 0, 255, 0, 0]);
            v.extend_from_slice(&[0x02, 0x02, 0x44, 0x01, 0x00]);
        }
        v.push(0x3B);
        v
    }

    fn b64(bytes: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for c in bytes.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= c.len() {
                    s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    s.push('=');
                }
            }
        }
        s
    }

    fn data_url(media: &str, bytes: &[u8]) -> String {
        format!("data:{media};base64,{}", b64(bytes))
    }

    fn ok(url: &str) -> DataImage {
        match inspect_image_url(url, MIB_10) {
            Ok(ImageSource::Data(d)) => d,
            other => panic!("{other:?}"),
        }
    }

    fn fault(url: &str) -> ImageFault {
        inspect_image_url(url, MIB_10).unwrap_err()
    }

    // ---- headers -------------------------------------------------------------------

    #[test]
    fn real_png_1x1() {
        let d = ok(&data_url("image/png", PNG_1X1));
        assert_eq!(
            d,
            DataImage {
                kind: ImageType::Png,
                bytes: 67,
                width: 1,
                height: 1,
                animated: false,
                padded: true,
                exact_prefix: true,
            }
        );
    }

    #[test]
    fn png_sizes_and_apng() {
        let d = ok(&data_url("image/png", &png(1920, 1080, false)));
        assert_eq!((d.width, d.height, d.animated), (1920, 1080, false));
        let d = ok(&data_url("image/png", &png(3, 5, true)));
        assert_eq!((d.width, d.height, d.animated), (3, 5, true));
    }

    #[test]
    fn jpeg_skips_app_segments_to_sof0_and_sof2() {
        for sof in [0xC0, 0xC1, 0xC2] {
            let d = ok(&data_url("image/jpeg", &jpeg(sof, 640, 480)));
            assert_eq!((d.kind, d.width, d.height), (ImageType::Jpeg, 640, 480));
        }
        // image/jpg is read as JPEG but is not the exact registered form.
        let d = ok(&data_url("image/jpg", &jpeg(0xC2, 7, 9)));
        assert_eq!((d.width, d.height, d.exact_prefix), (7, 9, false));
    }

    #[test]
    fn jpeg_dht_is_not_a_frame() {
        // DHT (C4) before SOF0 must be skipped, not read as a frame header.
        let mut v = vec![0xFF, 0xD8, 0xFF, 0xC4, 0x00, 0x05, 0x00, 0x01, 0x02];
        v.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x20, 0x00, 0x10]);
        assert_eq!(
            inspect_image_bytes(&v).unwrap().unwrap(),
            ImageInfo {
                kind: ImageType::Jpeg,
                width: 16,
                height: 32,
                animated: false
            }
        );
    }

    #[test]
    fn webp_three_kinds() {
        let d = ok(&data_url("image/webp", &webp_vp8(1024, 768)));
        assert_eq!((d.width, d.height, d.animated), (1024, 768, false));
        let d = ok(&data_url("image/webp", &webp_vp8l(4000, 3000)));
        assert_eq!((d.width, d.height), (4000, 3000));
        let d = ok(&data_url("image/webp", &webp_vp8x(16383 * 2, 20, 0x10)));
        assert_eq!((d.width, d.height, d.animated), (32766, 20, false));
        let d = ok(&data_url("image/webp", &webp_vp8x(300, 200, 0x02)));
        assert_eq!((d.width, d.height, d.animated), (300, 200, true));
    }

    #[test]
    fn gif_still_and_animated() {
        let d = ok(&data_url("image/gif", &gif(10, 20, 1)));
        assert_eq!(
            (d.kind, d.width, d.height, d.animated),
            (ImageType::Gif, 10, 20, false)
        );
        let d = ok(&data_url("image/gif", &gif(10, 20, 3)));
        assert!(d.animated);
    }

    // ---- faults --------------------------------------------------------------------

    #[test]
    fn schemes() {
        assert_eq!(
            inspect_image_url("https://example.com/a.png", MIB_10),
            Ok(ImageSource::Remote { https: true })
        );
        assert_eq!(
            inspect_image_url("HTTP://example.com/a.png", MIB_10),
            Ok(ImageSource::Remote { https: false })
        );
        assert_eq!(fault("https://"), ImageFault::EmptyRemote);
        assert_eq!(
            fault("ftp://x/a.png"),
            ImageFault::UnknownScheme {
                scheme: "ftp".into()
            }
        );
        assert_eq!(
            fault("https:/x"),
            ImageFault::UnknownScheme {
                scheme: "https".into()
            }
        );
        assert_eq!(
            fault("/images/a.png"),
            ImageFault::UnknownScheme {
                scheme: String::new()
            }
        );
        assert_eq!(
            fault("iVBORw0KGgo="),
            ImageFault::UnknownScheme {
                scheme: String::new()
            }
        );
    }

    #[test]
    fn data_url_headers() {
        assert_eq!(
            fault("data:image/png,abc"),
            ImageFault::NotBase64 {
                media_type: "image/png".into()
            }
        );
        assert_eq!(
            fault("data:image/png;base64"),
            ImageFault::NotBase64 {
                media_type: "image/png".into()
            }
        );
        assert_eq!(
            fault("data:text/plain;base64,aGk="),
            ImageFault::NotImage {
                media_type: "text/plain".into()
            }
        );
        assert_eq!(
            fault("data:;base64,aGk="),
            ImageFault::NotImage {
                media_type: String::new()
            }
        );
        assert_eq!(
            fault("data:image/svg+xml;base64,PHN2Zz4="),
            ImageFault::UnsupportedImageType {
                media_type: "image/svg+xml".into()
            }
        );
        assert_eq!(fault("data:image/png;base64,"), ImageFault::EmptyData);
        // Parameters and upper case are read, but not the exact prefix.
        let d = ok(&data_url("IMAGE/PNG;name=a.png", PNG_1X1));
        assert!(!d.exact_prefix);
    }

    #[test]
    fn base64_faults_at_known_offsets() {
        let good = data_url("image/png", PNG_1X1);
        let start = "data:image/png;base64,".len();
        for (at, c) in [(0, '-'), (5, '_'), (70, '\n'), (30, ' '), (88, '*')] {
            let mut url = good.clone();
            url.replace_range(start + at..start + at + 1, &c.to_string());
            assert_eq!(
                fault(&url),
                ImageFault::Base64Char {
                    offset: start + at,
                    byte: start + at,
                    found: c
                },
                "{at} {c:?}"
            );
        }
        // A non-ASCII character: offsets in characters and in bytes.
        let url = format!(
            "data:image/png;base64,{}é{}",
            &good[start..start + 10],
            &good[start + 10..]
        );
        assert_eq!(
            fault(&url),
            ImageFault::Base64Char {
                offset: start + 10,
                byte: start + 10,
                found: 'é'
            }
        );
        let url = format!("data:image/png;x=é;base64,{}!", &good[start..start + 8]);
        assert_eq!(
            fault(&url),
            ImageFault::Base64Char {
                offset: 34,
                byte: 35,
                found: '!'
            }
        );
        // Padding in the middle.
        assert_eq!(
            fault("data:image/png;base64,iVBO=Rw0"),
            ImageFault::Base64Char {
                offset: start + 4,
                byte: start + 4,
                found: '='
            }
        );
        // Three '=' at the end: the third from last is out of place.
        assert_eq!(
            fault("data:image/png;base64,iVBORw0K==="),
            ImageFault::Base64Char {
                offset: start + 8,
                byte: start + 8,
                found: '='
            }
        );
        // Lengths no encoder makes.
        assert_eq!(
            fault("data:image/png;base64,iVBORw0KG"),
            ImageFault::Base64Length { chars: 9 }
        );
        assert_eq!(
            fault("data:image/png;base64,iVBORw0K="),
            ImageFault::Base64Length { chars: 9 }
        );
        assert_eq!(
            fault("data:image/png;base64,iVBORw0=="),
            ImageFault::Base64Length { chars: 9 }
        );
        assert_eq!(
            fault("data:image/png;base64,=="),
            ImageFault::Base64Length { chars: 2 }
        );
        let msg = fault(&good.replace('A', "-")).to_string();
        assert!(msg.contains("URL-safe"), "{msg}");
    }

    #[test]
    fn missing_padding_is_read_and_reported() {
        let good = data_url("image/png", PNG_1X1);
        assert!(good.ends_with('='));
        let d = ok(good.trim_end_matches('='));
        assert_eq!((d.bytes, d.width, d.padded), (67, 1, false));
    }

    #[test]
    fn wrong_magic_says_what_the_bytes_are() {
        assert_eq!(
            fault(&data_url("image/jpeg", PNG_1X1)),
            ImageFault::TypeMismatch {
                declared: ImageType::Jpeg,
                real: Some(ImageType::Png)
            }
        );
        assert_eq!(
            fault(&data_url("image/png", &gif(1, 1, 1))),
            ImageFault::TypeMismatch {
                declared: ImageType::Png,
                real: Some(ImageType::Gif)
            }
        );
        assert_eq!(
            fault(&data_url("image/webp", &jpeg(0xC0, 1, 1))),
            ImageFault::TypeMismatch {
                declared: ImageType::Webp,
                real: Some(ImageType::Jpeg)
            }
        );
        assert_eq!(
            fault(&data_url("image/png", b"hello, world")),
            ImageFault::TypeMismatch {
                declared: ImageType::Png,
                real: None
            }
        );
        let msg = fault(&data_url("image/jpeg", PNG_1X1)).to_string();
        assert_eq!(
            msg,
            "data URL says image/jpeg but the bytes are a PNG image: write data:image/png;base64,"
        );
    }

    #[test]
    fn truncated_headers() {
        let cases: [(Vec<u8>, ImageType); 4] = [
            (PNG_1X1.to_vec(), ImageType::Png),
            (jpeg(0xC0, 5, 5), ImageType::Jpeg),
            (webp_vp8(5, 5), ImageType::Webp),
            (gif(5, 5, 1), ImageType::Gif),
        ];
        for (img, kind) in cases {
            // Cut just before the end of what the header reader needs.
            let need = match kind {
                ImageType::Png => 40, // IHDR chunk + CRC + most of the next chunk header
                ImageType::Jpeg => img.len() - 2 - 10 - 3, // inside SOF
                ImageType::Webp => 29,
                ImageType::Gif => img.len() - 1, // no trailer
            };
            let f = fault(&data_url(kind.media_type(), &img[..need]));
            assert!(
                matches!(f, ImageFault::Truncated { kind: k, .. } if k == kind),
                "{kind}: {f:?}"
            );
        }
        assert_eq!(
            fault(&data_url("image/png", &PNG_1X1[..4])),
            ImageFault::Truncated {
                kind: ImageType::Png,
                missing: "IHDR header chunk"
            }
        );
        assert_eq!(
            fault(&data_url(
                "image/jpeg",
                &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A]
            )),
            ImageFault::Truncated {
                kind: ImageType::Jpeg,
                missing: "frame header (SOFn marker)"
            }
        );
    }

    #[test]
    fn bad_headers() {
        assert_eq!(
            fault(&data_url("image/png", &png(0, 10, false))),
            ImageFault::BadHeader {
                kind: ImageType::Png,
                reason: "width or height is 0"
            }
        );
        assert_eq!(
            fault(&data_url("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xDA, 0, 2])),
            ImageFault::BadHeader {
                kind: ImageType::Jpeg,
                reason: "scan data before any frame header"
            }
        );
        assert_eq!(
            fault(&data_url(
                "image/jpeg",
                &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xC0]
            )),
            ImageFault::BadHeader {
                kind: ImageType::Jpeg,
                reason: "a segment length under 2"
            }
        );
        let mut w = webp_vp8(5, 5);
        w[12..16].copy_from_slice(b"ALPH");
        assert_eq!(
            fault(&data_url("image/webp", &w)),
            ImageFault::BadHeader {
                kind: ImageType::Webp,
                reason: "first chunk is not VP8, VP8L or VP8X"
            }
        );
    }

    #[test]
    fn oversize_is_decoded_size_against_the_limit() {
        let mut img = png(4000, 3000, false);
        img.resize(MIB_10 as usize + 1, 0);
        let url = data_url("image/png", &img);
        assert_eq!(
            inspect_image_url(&url, MIB_10),
            Err(ImageFault::TooLarge {
                bytes: MIB_10 + 1,
                limit: MIB_10
            })
        );
        let d = match inspect_image_url(&url, MIB_10 + 1) {
            Ok(ImageSource::Data(d)) => d,
            other => panic!("{other:?}"),
        };
        assert_eq!((d.bytes, d.width, d.height), (MIB_10 + 1, 4000, 3000));
        // 10,000,000 is the other reading of "10 MB".
        assert!(matches!(
            inspect_image_url(&url, 10_000_000),
            Err(ImageFault::TooLarge {
                bytes: 10_485_761,
                limit: 10_000_000
            })
        ));
    }

    #[test]
    fn base64_random_reads_match_the_bytes() {
        let bytes: Vec<u8> = (0..200u32).map(|i| (i * 37 + 11) as u8).collect();
        for cut in [198, 199, 200] {
            let enc = b64(&bytes[..cut]);
            for text in [enc.clone(), enc.trim_end_matches('=').to_string()] {
                let b = Base64::new(&text, 0).unwrap();
                assert_eq!(b.len, cut as u64);
                for off in 0..cut as u64 + 2 {
                    let mut buf = [0u8; 7];
                    let n = b.read_at(off, &mut buf);
                    let want = &bytes[(off as usize).min(cut)..(off as usize + 7).min(cut)];
                    assert_eq!(&buf[..n], want, "cut {cut} off {off}");
                }
            }
        }
    }

    // ---- tokens --------------------------------------------------------------------

    #[test]
    fn tile_formula_documented_examples() {
        let r = ImageCostRule::OPENAI_GPT_4O;
        assert_eq!(image_tokens(1024, 1024, Detail::High, &r), 765);
        assert_eq!(image_tokens(2048, 4096, Detail::High, &r), 1105);
        assert_eq!(image_tokens(4096, 8192, Detail::Low, &r), 85);
        assert_eq!(image_tokens(1024, 1024, Detail::Auto, &r), 765);
        // Measured rounding: 2049×513 → 2048×513 (8 tiles); 2050×513 → 2048×512 (4).
        assert_eq!(image_tokens(2049, 513, Detail::High, &r), 85 + 8 * 170);
        assert_eq!(image_tokens(2050, 513, Detail::High, &r), 85 + 4 * 170);
        // A short side under 768 is not scaled up.
        assert_eq!(image_tokens(512, 512, Detail::High, &r), 255);
        assert_eq!(image_tokens(1, 1, Detail::High, &r), 255);
        let mini = ImageCostRule::OPENAI_GPT_4O_MINI;
        assert_eq!(
            image_tokens(1024, 1024, Detail::High, &mini),
            2833 + 4 * 5667
        );
        assert_eq!(image_tokens(1024, 1024, Detail::Low, &mini), 2833);
        assert_eq!(max_image_tokens(Detail::High, &r), 85 + 8 * 170);
        assert_eq!(max_image_tokens(Detail::Low, &mini), 2833);
    }

    #[test]
    fn patch_formula_documented_examples() {
        assert_eq!(patch_count(1024, 1024, 1536, Some(2048), 32), 1024);
        assert_eq!(patch_count(1800, 2400, 1536, Some(2048), 32), 1452);
        assert_eq!(patch_count(1800, 2400, 1536, None, 32), 1452);
        let mini = ImageCostRule::OPENAI_GPT_4_1_MINI;
        assert_eq!(image_tokens(1024, 1024, Detail::High, &mini), 1658); // 1024 × 1.62 = 1658.88
        assert_eq!(image_tokens(1800, 2400, Detail::Low, &mini), 2352); // 1452 × 1.62 = 2352.24
        assert_eq!(
            image_tokens(320, 320, Detail::Auto, &ImageCostRule::OPENAI_GPT_4_1_NANO),
            246
        );
        assert_eq!(
            image_tokens(1024, 1024, Detail::High, &ImageCostRule::OPENAI_O4_MINI),
            1761
        );
        // The 2048-px side limit of the newer page: 4000×100 → 2048×51 → 64 × 2 patches.
        assert_eq!(patch_count(4000, 100, 1536, Some(2048), 32), 128);
        assert_eq!(patch_count(4000, 100, 1536, None, 32), 500);
        // Never over the budget, whatever the shape.
        for (w, h) in [
            (100_000, 1),
            (1, 100_000),
            (65535, 65535),
            (4097, 3073),
            (1537 * 32, 32),
        ] {
            assert!(patch_count(w, h, 1536, Some(2048), 32) <= 1536, "{w}x{h}");
            assert!(patch_count(w, h, 1536, None, 32) <= 1536, "{w}x{h}");
        }
        assert_eq!(max_image_tokens(Detail::High, &mini), 2488);
        assert_eq!(image_tokens(0, 10, Detail::High, &mini), 0);
    }

    #[test]
    fn detail_parses_exactly() {
        assert_eq!(Detail::parse("low"), Some(Detail::Low));
        assert_eq!(Detail::parse("high"), Some(Detail::High));
        assert_eq!(Detail::parse("auto"), Some(Detail::Auto));
        assert_eq!(Detail::parse("HIGH"), None);
        assert_eq!(Detail::parse("original"), None);
        assert_eq!(Detail::default(), Detail::Auto);
    }

    #[test]
    fn cost_rules_read_from_data() {
        #[derive(Deserialize)]
        struct Model {
            image: ImageCostRule,
        }
        let m: Model =
            toml::from_str("image = { formula = \"tile\", base = 85, tile = 170 }").unwrap();
        assert_eq!(m.image, ImageCostRule::OPENAI_GPT_4O);
        let m: Model =
            toml::from_str("image = { formula = \"patch\", multiplier = 1.62 }").unwrap();
        assert_eq!(m.image, ImageCostRule::OPENAI_GPT_4_1_MINI);
        let m: Model = toml::from_str(
            "image = { formula = \"tile\", base = 65, tile = 129, short_side = 512 }",
        )
        .unwrap();
        assert_eq!(
            image_tokens(1024, 1024, Detail::High, &m.image),
            65 + 129 // GPT Image 1: shrunk to 512×512, one tile
        );
        assert!(
            toml::from_str::<Model>(
                "image = { formula = \"tile\", base = 85, tile = 170, tiles = 1 }"
            )
            .is_err()
        );
        assert!(toml::from_str::<Model>("image = { formula = \"pixel\" }").is_err());
    }

    // ---- never panics --------------------------------------------------------------

    #[test]
    fn random_and_cut_inputs_never_panic() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let samples = [
            PNG_1X1.to_vec(),
            png(9, 9, true),
            jpeg(0xC2, 9, 9),
            webp_vp8(9, 9),
            webp_vp8l(9, 9),
            webp_vp8x(9, 9, 2),
            gif(9, 9, 2),
        ];
        let medias = ["image/png", "image/jpeg", "image/webp", "image/gif"];
        let mut count = 0;
        for s in &samples {
            for cut in 0..=s.len() {
                for m in medias {
                    let _ = inspect_image_url(&data_url(m, &s[..cut]), MIB_10);
                    count += 1;
                }
                let _ = inspect_image_bytes(&s[..cut]);
            }
        }
        for i in 0..4000 {
            // Random bytes behind a real magic number, or fully random bytes.
            let len = (next() % 80) as usize;
            let mut v: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let base = &samples[i % samples.len()];
            if i % 2 == 0 {
                let keep = (next() as usize % (base.len() + 1)).min(base.len());
                v.splice(0..0, base[..keep].iter().copied());
            } else if !v.is_empty() {
                // Flip one byte of a valid image.
                let mut b = base.clone();
                let at = next() as usize % b.len();
                b[at] = v[0];
                v = b;
            }
            let _ = inspect_image_bytes(&v);
            let _ = inspect_image_url(&data_url(medias[i % 4], &v), MIB_10);
            // Random text as a URL.
            let text: String = v.iter().map(|&b| char::from(b % 96 + 32)).collect();
            let _ = inspect_image_url(&format!("data:image/png;base64,{text}"), MIB_10);
            let _ = inspect_image_url(&text, MIB_10);
            let w = (next() % 100_000) as u32;
            let h = (next() % 100_000) as u32;
            for rule in [
                ImageCostRule::OPENAI_GPT_4O,
                ImageCostRule::OPENAI_GPT_4_1_NANO,
            ] {
                let _ = image_tokens(w, h, Detail::High, &rule);
            }
            count += 5;
        }
        assert!(count > 4000);
        let _ = image_tokens(
            u32::MAX,
            u32::MAX,
            Detail::High,
            &ImageCostRule::OPENAI_GPT_4O,
        );
        let _ = image_tokens(u32::MAX, 1, Detail::High, &ImageCostRule::OPENAI_O4_MINI);
    }
}
