//! Speed of the Hugging Face engine (`ftlint::hf`) on a chat JSONL file: the full count
//! (render + tokenize + spans) per record, the render alone, the engine's count of the
//! rendered text, and a bare `tokenizers` encode of it (on every 10th record, scaled: it
//! is slow), in parallel over lines like ftlint's pipeline; then the full count again on
//! one thread (the totals must not change). Prints the render share, and
//! `ftlint check FILE` (the OpenAI path) when target/release/ftlint exists.
//!
//!     python3 ../shared/bench/gen_dataset.py --size 200MB --seed 42 --invalid-rate 0.01 --out target/bench-200mb.jsonl
//!     cargo run --release --example hf_timing -- target/bench-200mb.jsonl [TOKENIZER_DIR]

use ftlint::hf::HfTokenizer;
use ftlint::record::Json;
use rayon::prelude::*;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: hf_timing FILE [TOKENIZER_DIR]");
    let dir = args.get(2).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tokenizers/qwen3"),
        |d| Path::new(d).to_path_buf(),
    );
    let t0 = Instant::now();
    let tok = HfTokenizer::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    println!("load {}: {:.2?}", dir.display(), t0.elapsed());
    println!("counting path: {:?}", tok.counting_path());
    let mut exact = HfTokenizer::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    exact.set_fast_path(false);
    let data = std::fs::read(path).expect("readable file");
    let lines: Vec<&str> = data
        .split(|&b| b == b'\n')
        .filter_map(|l| std::str::from_utf8(l).ok())
        .filter(|l| !l.trim().is_empty())
        .collect();
    let mb = data.len() as f64 / 1e6;
    println!(
        "{path}: {mb:.0} MB, {} lines, {} threads",
        lines.len(),
        rayon::current_num_threads()
    );

    // Parse once up front so each phase below times only its own work.
    let t = Instant::now();
    let records: Vec<Json> = lines
        .par_iter()
        .filter_map(|l| serde_json::from_str::<Json>(l).ok())
        .filter(|r| r.get("messages").and_then(Json::as_array).is_some())
        .collect();
    let parse = t.elapsed();

    let t = Instant::now();
    let counted: Vec<Option<ftlint::tokens::ExampleTokens>> =
        records.par_iter().map(|r| tok.count_chat(r).ok()).collect();
    let full = t.elapsed();
    let ok = counted.iter().flatten().count();
    let total: u64 = counted.iter().flatten().map(|c| c.total).sum();
    let trained: u64 = counted.iter().flatten().map(|c| c.trained).sum();

    let t = Instant::now();
    let rendered: Vec<String> = records
        .par_iter()
        .filter_map(|r| tok.render_chat(r).ok())
        .collect();
    let render = t.elapsed();

    let t = Instant::now();
    let counted_text: u64 = rendered
        .par_iter()
        .map(|s| tok.count_text(s).unwrap())
        .sum();
    let count_text = t.elapsed();
    assert_eq!(
        counted_text, total,
        "the count of the rendered text is count_chat's total"
    );

    let sample: Vec<&String> = rendered.iter().step_by(10).collect();
    let t = Instant::now();
    let bare: u64 = sample
        .par_iter()
        .map(|s| exact.count_text(s).unwrap())
        .sum();
    let encode = t.elapsed() * 10;
    let fast_sample: u64 = sample.par_iter().map(|s| tok.count_text(s).unwrap()).sum();
    assert_eq!(bare, fast_sample, "fast and exact counts of the sample");

    let t = Instant::now();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| {
            records
                .par_iter()
                .map(|r| tok.count_chat(r).ok())
                .collect::<Vec<_>>()
        });
    let one_thread = t.elapsed();
    assert!(
        one == counted,
        "one thread counts exactly what {} threads count",
        rayon::current_num_threads()
    );

    println!("parse (serde_json into Json, not timed below): {parse:.2?}");
    println!(
        "count_chat (render + encode + spans): {full:.2?}  {:.1} MB/s, {ok} records, {total} tokens ({trained} trained)",
        mb / full.as_secs_f64()
    );
    println!("  render only:                  {render:.2?}");
    println!("  count_text of the rendered:   {count_text:.2?}");
    println!("  bare tokenizers encode:       {encode:.2?} (every 10th record, x10)");
    println!("  count_chat on one thread:     {one_thread:.2?} (same counts)");
    println!(
        "  render share of count_chat:   {:.0}%",
        100.0 * render.as_secs_f64() / full.as_secs_f64()
    );

    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/ftlint");
    if bin.is_file() {
        let t = Instant::now();
        let out = std::process::Command::new(&bin)
            .args(["check", path, "--max-diagnostics", "1"])
            .output()
            .expect("run ftlint");
        let openai = t.elapsed();
        let _ = out;
        println!(
            "ftlint check (OpenAI path, parse + lint + count + report): {openai:.2?}; hf count_chat + parse is {:.1}x that",
            (full + parse).as_secs_f64() / openai.as_secs_f64()
        );
    }
}
