//! Times token counting on hostile text, with both engines: long runs the pre-tokenizer
//! cannot split are where a BPE can go quadratic. Prints seconds per case; it asserts
//! nothing about time (timing goals are for people to read, not for tests to enforce),
//! but it does report whether the two engines agree.
//!
//!     cargo run --release --example hostile_timing [-- BUDGET_SECS [SCALE]]
//!
//! BUDGET_SECS (default 60): an engine still counting after this long is reported as
//! such and abandoned. SCALE (default 1): divide every case's size by this, to see how
//! time grows with size.
//!
//! Cases (the same texts `tests/hostile.rs` counts):
//! - 512 KB of letters without a space (one pre-tokenizer piece);
//! - 1 MB of base64;
//! - 100 KB of `-`;
//! - 5 MB of Japanese without spaces.

use ftlint::check::{Role, check_source};
use ftlint::input::Source;
use ftlint::models::Encoding;
use ftlint::settings::Settings;
use ftlint::tokens::{Counter, Engine, Tokenizer};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A small deterministic generator, so every run counts the same text.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn pick(rng: &mut Lcg, alphabet: &[char], bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 4);
    while s.len() < bytes {
        s.push(alphabet[rng.below(alphabet.len())]);
    }
    s
}

/// The hostile texts, `scale` times smaller than the issue's sizes.
pub fn cases(scale: usize) -> Vec<(&'static str, String)> {
    let mut rng = Lcg(42);
    let letters: Vec<char> = ('a'..='z').collect();
    let base64: Vec<char> = ('A'..='Z')
        .chain('a'..='z')
        .chain('0'..='9')
        .chain(['+', '/'])
        .collect();
    // Hiragana, katakana and common kanji, as a Japanese text without spaces mixes them.
    let japanese: Vec<char> = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコサシスセソタチツテトナニヌネノ日本語学校先生時間今年会社仕事電車東京大阪天気雨雪花山川海空道手足目耳口心体水火木金土"
        .chars()
        .collect();
    let kb = 1024 / scale.max(1);
    vec![
        ("512 KB without a space", pick(&mut rng, &letters, 512 * kb)),
        ("1 MB of base64", pick(&mut rng, &base64, 1024 * kb)),
        ("100 KB of '-'", "-".repeat(100 * kb)),
        (
            "5 MB of Japanese, no spaces",
            pick(&mut rng, &japanese, 5 * 1024 * kb),
        ),
    ]
}

/// Counts `text` on a fresh thread (so no cache from an earlier case helps) and waits at
/// most `budget`.
fn timed_count(engine: Engine, text: Arc<String>, budget: Duration) -> Option<(u64, Duration)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let tok = Tokenizer::new(engine, Encoding::Cl100kBase);
        let start = Instant::now();
        let n = tok.count(&text);
        let _ = tx.send((n, start.elapsed()));
    });
    rx.recv_timeout(budget).ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let budget = Duration::from_secs_f64(
        args.get(1)
            .map_or(60.0, |s| s.parse().expect("BUDGET_SECS")),
    );
    let scale: usize = args.get(2).map_or(1, |s| s.parse().expect("SCALE"));
    let settings = Settings::for_model("openai", None).unwrap();
    println!(
        "{:<30} {:>9} {:>11} {:>12} {:>12} {:>12} {:>14}  engines agree",
        "case", "bytes", "tokens", "bare bpe", "bpe count", "tiktoken", "ftlint record"
    );
    for (name, text) in cases(scale) {
        let text = Arc::new(text);
        // bpe-openai alone, none of ftlint's splitting or caching: the floor to stay near.
        let bare_tok = bpe_openai::cl100k_base();
        bare_tok.count("warm up");
        let start = Instant::now();
        let bare_n = bare_tok.count(text.as_str()) as u64;
        let bare = Some((bare_n, start.elapsed()));
        let bpe = timed_count(Engine::Bpe, text.clone(), budget);
        let tik = timed_count(Engine::Tiktoken, text.clone(), budget);
        // The whole pipeline on one chat record holding the text (default engine).
        let record = format!(
            r#"{{"messages":[{{"role":"user","content":"hi"}},{{"role":"assistant","content":"{text}"}}]}}"#
        );
        let tok = Counter::OpenAi(Tokenizer::new(
            Engine::Bpe,
            settings.model.encoding().unwrap(),
        ));
        let start = Instant::now();
        let res = check_source(
            Arc::from("hostile"),
            Source::Reader(Box::new(std::io::Cursor::new(record.into_bytes()))),
            &settings,
            Some(&tok),
            Role::Training,
        )
        .unwrap();
        let record_time = start.elapsed();
        assert_eq!(res.figures.len(), 1, "{name}: the record is counted");
        let secs = |r: &Option<(u64, Duration)>| {
            r.map_or(format!(">{:.0} s", budget.as_secs_f64()), |(_, d)| {
                format!("{:.3} s", d.as_secs_f64())
            })
        };
        let agree = match (bpe, tik) {
            (Some((a, _)), Some((b, _))) => {
                (if a == b && a == bare_n { "yes" } else { "NO" }).to_string()
            }
            _ => "not known (timed out)".to_string(),
        };
        println!(
            "{:<30} {:>9} {:>11} {:>12} {:>12} {:>12} {:>12.3} s  {agree}",
            name,
            text.len(),
            bpe.or(tik).map_or("?".to_string(), |(n, _)| n.to_string()),
            secs(&bare),
            secs(&bpe),
            secs(&tik),
            record_time.as_secs_f64(),
        );
    }
    // Threads still counting past the budget are abandoned.
    std::process::exit(0);
}
