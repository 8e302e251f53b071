//! Command-line types (clap derive): subcommands and flags, nothing else.

use crate::tokens::Engine;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "ftlint",
    version,
    about = "Lint OpenAI chat fine-tuning JSONL datasets, and count their exact tokens and cost, before you upload.",
    after_help = "Exit codes: 0 no errors (warnings allowed), 1 errors found (or warnings with --deny-warnings), 2 ftlint could not do its job."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check JSONL files: every fault with its place and a fix, then tokens and cost.
    Check(CheckArgs),
    /// Explain a rule (by code or name), or every rule with --all.
    Rule {
        /// A rule code such as FT010, or its name such as invalid-json.
        code: Option<String>,
        /// Print every rule.
        #[arg(long, conflicts_with = "code")]
        all: bool,
    },
    /// Print the model catalog: encodings, limits, prices and their dates.
    Models {
        /// Add or override models from this TOML file (same format as the built-in catalog).
        #[arg(long, value_name = "FILE")]
        models: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// JSONL files to check; `-` reads stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,

    /// Model to validate and price for (an id, alias, or ft:BASE:… id). See `ftlint models`.
    #[arg(long, short = 'm', default_value = crate::models::DEFAULT_MODEL)]
    pub model: String,

    /// Add or override models from this TOML file.
    #[arg(long, value_name = "FILE")]
    pub models: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Show at most N diagnostics (0 = all); every finding is still counted.
    #[arg(long, value_name = "N", default_value_t = crate::settings::DEFAULT_MAX_DIAGNOSTICS)]
    pub max_diagnostics: usize,

    /// Run only these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Vec<String>,

    /// Do not run these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,

    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,

    /// Lint only: skip token counting and cost (fast; for pre-commit hooks).
    #[arg(long)]
    pub lint_only: bool,

    /// Read files instead of memory-mapping them. Use it when a file may be truncated or
    /// rewritten while ftlint reads it (a mapped file that shrinks kills the process with
    /// SIGBUS), or on file systems where mapping is slow or unsupported.
    #[arg(long)]
    pub no_mmap: bool,

    /// Token-counting engine; both count identically (proven by the test suite).
    #[arg(long, value_enum, default_value_t = Engine::Bpe)]
    pub tokenizer: Engine,

    /// Epochs to price (default: the provider's rule from the number of examples).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub epochs: Option<u64>,

    /// Requests to project usage cost for.
    #[arg(long, value_name = "N", default_value_t = crate::settings::DEFAULT_REQUESTS)]
    pub requests: u64,

    /// Examples a base-model prompt would carry instead of fine-tuning (break-even).
    #[arg(long, value_name = "K", default_value_t = crate::settings::DEFAULT_FEW_SHOT)]
    pub few_shot: u64,

    /// A validation file: linted and counted, not billed; overlap with training is reported.
    #[arg(long, value_name = "FILE")]
    pub validation_file: Option<String>,

    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Findings only: no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Diagnostics with the offending line, then a summary (miette).
    Human,
    /// One JSON document (stable keys).
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
