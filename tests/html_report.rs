//! `--format html`: one self-contained page, rendered for real in headless Chromium
//! (Debian's `chromium`, installed here when missing: a test that skips would prove
//! nothing). The page must draw something, log nothing to the console (no script, no
//! blocked load, no error), and show hostile dataset text as text.

mod common;

use common::{TempDir, ftlint, stderr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn chromium() -> &'static str {
    let has = || {
        Command::new("chromium")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !has() {
        // Debian's package; the list may be stale on a fresh machine, so update first.
        let apt = |args: &[&str]| {
            Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()
                .is_ok_and(|s| s.success())
        };
        let _ = apt(&["update", "-qq"]);
        assert!(
            apt(&["install", "-y", "-qq", "chromium"]),
            "could not install Debian's chromium (apt-get install -y chromium); this test needs a real browser"
        );
        assert!(has(), "chromium installed but does not run");
    }
    "chromium"
}

/// Runs headless Chromium on `page`; returns its log (stderr) after `extra` is done.
fn browse(page: &Path, dir: &Path, extra: &[&str]) -> (String, String) {
    let profile = dir.join(format!("profile-{}", extra.len()));
    let o = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "chromium failed: {}", stderr(&o));
    (String::from_utf8_lossy(&o.stdout).into_owned(), stderr(&o))
}

/// Console messages Chromium logged: errors, blocked loads or scripts, anything.
fn console(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

/// (distinct colours, share of pixels that are not the most common colour) of a PNG,
/// decoded with python3's zlib (8-bit RGB/RGBA, the five PNG filters).
/// and the brightness (0-255) of that most common colour, the page's background.
fn png_stats(png: &Path) -> (usize, f64, f64) {
    const DECODE: &str = r#"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6), (depth, ctype)
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, rows, i = bytearray(stride), [], 0
for _ in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line)); prev = line
counts = {}
for r in rows:
    for x in range(0, stride, bpp):
        k = r[x:x + 3]; counts[k] = counts.get(k, 0) + 1
total = w * h
top = max(counts, key=counts.get)
print(len(counts), (total - counts[top]) / total, sum(top) / 3)
"#;
    let o = Command::new("python3")
        .args(["-c", DECODE])
        .arg(png)
        .output()
        .expect("python3 is needed to decode the screenshot");
    assert!(o.status.success(), "PNG decode failed: {}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let mut it = out.split_whitespace();
    (
        it.next().unwrap().parse().unwrap(),
        it.next().unwrap().parse().unwrap(),
        it.next().unwrap().parse().unwrap(),
    )
}

fn html(dir: &Path, name: &str, args: &[&str]) -> (PathBuf, String) {
    let out = dir.join(name);
    let o = ftlint()
        .args(["check", "--isolated", "--format", "html", "-o"])
        .arg(&out)
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.code().unwrap() <= 1, "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    (out, text)
}

/// What makes a page self-contained and inert, checked on the markup: every raw `<`
/// starts a tag (text has `&lt;`), so the tags and the style sheet are all that loads.
fn assert_self_contained(page: &str) {
    let lower = page.to_lowercase();
    let tags: Vec<&str> = lower
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
        .collect();
    for tag in &tags {
        for banned in [
            "script", "img", "link", "iframe", "object", "embed", "image", "use",
        ] {
            assert!(
                tag.split_whitespace().next() != Some(banned),
                "page has a <{banned}> tag"
            );
        }
        for banned in ["src=", "href=", "url(", "http:", "https:", " on"] {
            assert!(!tag.contains(banned), "tag <{tag}> holds `{banned}`");
        }
    }
    let style = &lower[lower.find("<style>").unwrap()..lower.find("</style>").unwrap()];
    for banned in ["url(", "@import", "http"] {
        assert!(!style.contains(banned), "style sheet holds `{banned}`");
    }
    assert!(
        page.contains("default-src 'none'"),
        "no Content-Security-Policy"
    );
    assert!(
        page.contains("@media (prefers-color-scheme: dark)"),
        "no dark scheme"
    );
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let dir = TempDir::new("html");
    let (page, text) = html(
        &dir.0,
        "report.html",
        &[
            "fixtures/formats_known_faults.jsonl",
            "--max-diagnostics",
            "0",
        ],
    );
    assert_self_contained(&text);
    // What a reader looks for: the charts, the cost, the findings with excerpts.
    for want in [
        "Tokens per example",
        "limit 65,536",
        "Trained tokens per example",
        "Messages per example",
        "Findings per rule",
        "<h2>Cost</h2>",
        "FT071",
        "<mark>",
    ] {
        assert!(text.contains(want), "page lacks `{want}`");
    }
    assert_eq!(text.matches("<svg").count(), 4, "four charts");

    let png = dir.path("report.png");
    let (_, log) = browse(
        &page,
        &dir.0,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1200,2000",
        ],
    );
    assert_eq!(console(&log), Vec::<&str>::new(), "console messages");
    let (colours, inked, background) = png_stats(&png);
    // Text, bars in two or three colours and antialiasing: far more than a blank page.
    assert!(colours > 50, "only {colours} colours: blank page?");
    assert!(inked > 0.02, "only {inked:.3} of the page drawn");
    assert!(
        background > 200.0,
        "light scheme background is {background}"
    );

    // A reader who prefers dark gets the dark scheme.
    let dark = dir.path("dark.png");
    let (_, log) = browse(
        &page,
        &dir.0,
        &[
            "--force-dark-mode",
            &format!("--screenshot={}", dark.display()),
            "--window-size=1200,2000",
        ],
    );
    assert_eq!(console(&log), Vec::<&str>::new(), "console messages");
    let (colours, _, background) = png_stats(&dark);
    assert!(colours > 50, "only {colours} colours in the dark scheme");
    assert!(background < 60.0, "dark scheme background is {background}");

    // The console check is not vacuous: a page with a script error shows up.
    let bad = dir.path("bad.html");
    std::fs::write(&bad, "<!DOCTYPE html><p>x</p><script>nope()</script>").unwrap();
    let (_, log) = browse(&bad, &dir.0, &["--dump-dom"]);
    assert!(
        !console(&log).is_empty(),
        "Chromium's console log is not read: {log}"
    );
}

#[test]
fn hostile_text_stays_text_in_the_browser() {
    let dir = TempDir::new("html-hostile");
    let (page, text) = html(
        &dir.0,
        "hostile.html",
        &[
            "fixtures/hostile/display_injection.jsonl",
            "--max-diagnostics",
            "0",
        ],
    );
    assert_self_contained(&text);
    assert!(
        text.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "hostile markup not shown as text"
    );
    // Bidi and other invisible characters are shown as escapes, never raw.
    for c in [
        '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}', '\u{200b}', '\u{feff}', '\u{1b}', '\u{7}',
    ] {
        assert!(!text.contains(c), "raw U+{:04X} in the page", c as u32);
    }
    assert!(
        text.contains("\\u202e"),
        "the bidi override is not shown escaped"
    );

    // A file whose text closes a script and style and opens an image, and whose name
    // is markup too.
    let name = dir.path("<style><img src=x onerror=alert(2)>.jsonl");
    std::fs::write(
        &name,
        "{\"messages\": [{\"role\": \"</script><script>alert(3)</script>\", \"content\": \"\u{202e}hi\"}, {\"role\": \"assistant\", \"content\": \"</style>\"}]}\n",
    )
    .unwrap();
    let (page2, text2) = html(&dir.0, "name.html", &[name.to_str().unwrap()]);
    assert_self_contained(&text2);
    assert!(
        text2.contains("&lt;/script&gt;&lt;script&gt;alert(3)"),
        "{text2}"
    );
    assert_eq!(
        text2.matches("</style>").count(),
        1,
        "only the page's own </style>"
    );

    for p in [&page, &page2] {
        let (dom, log) = browse(p, &dir.0, &["--dump-dom"]);
        assert_eq!(
            console(&log),
            Vec::<&str>::new(),
            "console messages for {}",
            p.display()
        );
        // The browser built no element from the data.
        let lower = dom.to_lowercase();
        assert!(lower.contains("ftlint:"), "no DOM dumped: {dom}");
        for el in ["<script", "<img", "<details", "<summary"] {
            assert!(!lower.contains(el), "the DOM holds {el}");
        }
    }
}
