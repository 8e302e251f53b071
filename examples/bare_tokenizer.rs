//! Benchmark baseline: the bare tokenizer on the same text ftlint counts, with none of
//! ftlint's work (no validation, no cache): every message's role, content and name
//! counted with bpe-openai's plain `count` or tiktoken-rs, in parallel over lines.
//!
//!     cargo run --release --example bare_tokenizer -- FILE [bpe|tiktoken] [cl100k_base|o200k_base]

use rayon::prelude::*;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .expect("usage: bare_tokenizer FILE [bpe|tiktoken] [encoding]");
    let engine = args.get(2).map_or("bpe", String::as_str);
    let encoding = args.get(3).map_or("cl100k_base", String::as_str);
    let data = std::fs::read(path).expect("readable file");
    let bpe = match encoding {
        "o200k_base" => bpe_openai::o200k_base(),
        _ => bpe_openai::cl100k_base(),
    };
    let tik = match encoding {
        "o200k_base" => tiktoken_rs::o200k_base_singleton(),
        _ => tiktoken_rs::cl100k_base_singleton(),
    };
    bpe.count("warm up");
    tik.encode_ordinary("warm up");
    let start = Instant::now();
    let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    let tokens: usize = lines
        .par_iter()
        .map(|line| {
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(line) else {
                return 0;
            };
            let Some(msgs) = v.get("messages").and_then(|m| m.as_array()) else {
                return 0;
            };
            let mut n = 0;
            for m in msgs {
                for key in ["role", "content", "name"] {
                    if let Some(s) = m.get(key).and_then(|x| x.as_str()) {
                        n += if engine == "tiktoken" {
                            tik.encode_ordinary(s).len()
                        } else {
                            bpe.count(s)
                        };
                    }
                }
            }
            n
        })
        .sum();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "bare {engine} {encoding}: {tokens} tokens, {secs:.2} s, {:.1} MB/s",
        data.len() as f64 / 1e6 / secs
    );
}
