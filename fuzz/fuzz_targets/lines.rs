//! Fuzz target over the line path: bytes → blocks → lines → parse → rules → token count,
//! through the same public per-source pipeline the CLI uses (`check::check_source`).
//!
//! Besides "never panics, never hangs", it checks invariants every result must hold:
//! counts are consistent, every diagnostic points inside the input (1-based line and
//! character column, non-empty span), and every snippet's span sits on char boundaries.

#![no_main]

use ftlint::check::{Role, check_source};
use ftlint::input::Source;
use ftlint::models::{Catalog, DEFAULT_MODEL};
use ftlint::settings::Settings;
use ftlint::tokens::{Engine, Tokenizer};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, LazyLock};

static SETUP: LazyLock<(Settings, Tokenizer)> = LazyLock::new(|| {
    // One rayon thread that is this thread: the pipeline's par_iter then runs inline,
    // with no cross-thread hand-off per execution.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global();
    let model = Catalog::builtin()
        .resolve(DEFAULT_MODEL)
        .expect("the default model is in the catalog")
        .clone();
    let mut settings = Settings::new(model);
    // Keep every diagnostic, so the locate/snippet code runs for each finding.
    settings.max_diagnostics = 0;
    let tokenizer = Tokenizer::new(Engine::Bpe, settings.model.encoding);
    (settings, tokenizer)
});

fuzz_target!(|data: &[u8]| {
    let (settings, tokenizer) = &*SETUP;
    let source = Source::Reader(Box::new(std::io::Cursor::new(data.to_vec())));
    let res = check_source(
        Arc::from("fuzz"),
        source,
        settings,
        Some(tokenizer),
        Role::Training,
    )
    .expect("reading from memory cannot fail");

    // Lines: one per newline, plus an unterminated last line.
    let newlines = data.iter().filter(|&&b| b == b'\n').count() as u64;
    let lines = newlines + u64::from(!data.is_empty() && !data.ends_with(b"\n"));
    assert_eq!(res.lines, lines, "line count");
    assert!(res.valid <= res.examples && res.examples <= res.lines);
    assert_eq!(
        res.figures.len() as u64,
        res.valid,
        "one token figure per valid example"
    );
    for f in &res.figures {
        assert!(f.line >= 1 && f.line <= res.lines);
        assert!(f.trained <= f.total);
    }
    assert_eq!(
        res.findings.errors + res.findings.warnings,
        res.findings.per_rule.iter().sum::<u64>(),
        "per-rule counts add up"
    );
    assert_eq!(
        res.findings.diags.len() as u64,
        res.findings.total(),
        "no cap: all kept"
    );
    for d in &res.findings.diags {
        assert!(
            d.line >= 1 && d.line <= res.lines.max(1),
            "line in range: {d:?}"
        );
        assert!(
            d.column >= 1 && d.end_column > d.column,
            "column span: {d:?}"
        );
        if let Some(s) = &d.snippet {
            assert!(s.span.0 <= s.span.1 && s.span.1 <= s.text.len(), "{d:?}");
            assert!(s.text.is_char_boundary(s.span.0) && s.text.is_char_boundary(s.span.1));
        }
    }
});
