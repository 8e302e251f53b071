//! Command-line types (clap derive): subcommands and flags, nothing else.
//!
//! Flags that a config file can also set are `Option`s without a clap default: clap's
//! `default_value` cannot tell "given" from "default", and a given flag must beat the
//! config while a default must not. Defaults are applied after merging (`config.rs`).

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
    /// Print the resolved settings (config file found, flags merged) and exit.
    Config(ConfigArgs),
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// JSONL files to check; `-` reads stdin.
    #[arg(required_unless_present = "show_settings", value_name = "FILE")]
    pub files: Vec<String>,

    #[command(flatten)]
    pub opts: SettingsArgs,

    /// Print the resolved settings instead of checking (same as `ftlint config`).
    #[arg(long)]
    pub show_settings: bool,
}

#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// Files whose folder starts the config search (default: the current folder).
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,

    #[command(flatten)]
    pub opts: SettingsArgs,
}

/// Everything that shapes a check, shared by `check` and `config`.
#[derive(Args, Debug)]
pub struct SettingsArgs {
    /// Model to validate and price for (an id, alias, or ft:BASE:… id). See `ftlint models`.
    /// [default: gpt-3.5-turbo]
    #[arg(long, short = 'm')]
    pub model: Option<String>,

    /// Add or override models from this TOML file.
    #[arg(long, value_name = "FILE")]
    pub models: Option<PathBuf>,

    /// Output format. [default: human]
    #[arg(
        long,
        visible_alias = "output-format",
        value_enum,
        env = "FTLINT_FORMAT"
    )]
    pub format: Option<OutputFormat>,

    /// Write the report to FILE instead of stdout (progress and errors stay on stderr).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Show at most N diagnostics (0 = all); every finding is still counted. [default: 200]
    #[arg(long, value_name = "N")]
    pub max_diagnostics: Option<usize>,

    /// Longer lines are an error (FT009) and skipped without being read into memory
    /// (suffixes: KiB, MiB, GiB, K, M, G = 1024-based; KB, MB, GB = 1000-based).
    /// [default: 160MiB]
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_line_bytes: Option<usize>,

    /// Run only these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Option<Vec<String>>,

    /// Do not run these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Option<Vec<String>>,

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

    /// Token-counting engine; both count identically (proven by the test suite). [default: bpe]
    #[arg(long, value_enum)]
    pub tokenizer: Option<Engine>,

    /// Epochs to price (default: the provider's rule from the number of examples).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub epochs: Option<u64>,

    /// Requests to project usage cost for. [default: 1000]
    #[arg(long, value_name = "N")]
    pub requests: Option<u64>,

    /// Examples a base-model prompt would carry instead of fine-tuning (break-even). [default: 3]
    #[arg(long, value_name = "K")]
    pub few_shot: Option<u64>,

    /// A validation file: linted and counted, not billed; overlap with training is reported.
    #[arg(long, value_name = "FILE")]
    pub validation_file: Option<String>,

    /// When to colour human output (`auto` honours NO_COLOR and needs a terminal).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Findings only: no banner, no summary, no progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Read settings from this file (ftlint.toml, or a pyproject.toml with [tool.ftlint])
    /// instead of searching from the first input's folder upward.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every config file.
    #[arg(long)]
    pub isolated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Diagnostics with the offending line, then a summary (miette).
    Human,
    /// `path:line:col: severity[CODE] message`, one per line.
    Concise,
    /// One JSON document (stable keys).
    Json,
    /// One JSON object per diagnostic, then one summary object.
    JsonLines,
    /// A report to paste into a pull request (GitHub-flavoured Markdown).
    Markdown,
    /// GitHub Actions workflow commands (annotations); appends Markdown to the step summary.
    Github,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// JUnit XML: one test suite per file, one failing test case per error.
    Junit,
    /// GitLab Code Quality (Code Climate JSON).
    Gitlab,
}

impl OutputFormat {
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Human => "human",
            OutputFormat::Concise => "concise",
            OutputFormat::Json => "json",
            OutputFormat::JsonLines => "json-lines",
            OutputFormat::Markdown => "markdown",
            OutputFormat::Github => "github",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Junit => "junit",
            OutputFormat::Gitlab => "gitlab",
        }
    }

    /// For machines: no progress bar, whatever the terminal.
    pub fn is_machine(self) -> bool {
        !matches!(self, OutputFormat::Human)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `16MiB`, `160M`, `2GB`, `4096`: a size in bytes. Binary suffixes (KiB, MiB, GiB, and
/// K, M, G as in coreutils) count 1024s; KB, MB, GB count 1000s. At least 1.
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, suffix) = t.split_at(split);
    let unit: u64 = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        other => {
            return Err(format!(
                "unknown size suffix `{other}` (use e.g. 16MiB, 100MB or a number of bytes)"
            ));
        }
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a size (e.g. 16MiB, 100MB or a number of bytes)"))?;
    n.checked_mul(unit)
        .filter(|&b| b >= 1)
        .and_then(|b| usize::try_from(b).ok())
        .ok_or_else(|| format!("`{s}` is out of range (at least 1 byte)"))
}
