//! Times `ftlint::image::inspect_image_url` on a 14 MB base64 data URL (a PNG header
//! followed by ~10.5 MB of noise), beside `serde_json` parsing the JSONL line that holds
//! it, which every run pays anyway. Prints MB/s of URL text; asserts nothing about time.
//!
//!     cargo run --release --example image_timing [-- ROUNDS]

use ftlint::image::{ImageSource, inspect_image_url};
use std::time::Instant;

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            s.push(if i <= c.len() {
                A[(n >> (18 - 6 * i) & 63) as usize]
            } else {
                b'='
            });
        }
    }
    String::from_utf8(s).unwrap()
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    // A 4000×3000 PNG header, IDAT at once, then noise up to 10.5 MB decoded.
    let mut img = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    img.extend_from_slice(&4000u32.to_be_bytes());
    img.extend_from_slice(&3000u32.to_be_bytes());
    img.extend_from_slice(&[
        8, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0xA0, 0, 0, b'I', b'D', b'A', b'T',
    ]);
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    while img.len() < 10_500_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        img.push(x as u8);
    }
    let url = format!("data:image/png;base64,{}", base64(&img));
    let line = format!(
        r#"{{"messages":[{{"role":"user","content":[{{"type":"image_url","image_url":{{"url":"{url}"}}}}]}},{{"role":"assistant","content":"ok"}}]}}"#
    );
    let mb = url.len() as f64 / 1e6;

    let mut best_inspect = f64::MAX;
    let mut best_json = f64::MAX;
    for _ in 0..rounds {
        let t = Instant::now();
        let r = inspect_image_url(std::hint::black_box(&url), u64::MAX);
        best_inspect = best_inspect.min(t.elapsed().as_secs_f64());
        match r {
            Ok(ImageSource::Data(d)) => assert_eq!((d.width, d.height), (4000, 3000)),
            other => panic!("{other:?}"),
        }
        let t = Instant::now();
        let v: serde_json::Value = serde_json::from_str(std::hint::black_box(&line)).unwrap();
        best_json = best_json.min(t.elapsed().as_secs_f64());
        std::hint::black_box(v);
    }
    println!(
        "data URL {mb:.1} MB: inspect_image_url {:.2} ms ({:.0} MB/s); serde_json parse of its line {:.2} ms ({:.0} MB/s); best of {rounds}",
        best_inspect * 1e3,
        mb / best_inspect,
        best_json * 1e3,
        mb / best_json,
    );
}
