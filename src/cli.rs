//! Command-line types (clap derive): subcommands and flags, nothing else.
//!
//! Flags that a config file can also set are `Option`s without a clap default: clap's
//! `default_value` cannot tell "given" from "default", and a given flag must beat the
//! config while a default must not. Defaults are applied after merging (`config.rs`).

use crate::models::Method;
use crate::tokens::Engine;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
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
        /// Output format: human or json.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print a provider's models: limits, prices with their dates and sources, and when
    /// each can be trained and served.
    Models {
        /// Add or override models from this TOML file (same format as the built-in catalog).
        #[arg(long, value_name = "FILE")]
        models: Option<PathBuf>,
        /// The provider whose models to list. [default: openai]
        #[arg(long, value_name = "ID", default_value = "openai")]
        provider: String,
        /// The day to judge what can still be trained. [default: today]
        #[arg(long, value_name = "YYYY-MM-DD", env = "FTLINT_AS_OF")]
        as_of: Option<String>,
        /// Output format: human or json.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print the resolved settings (config file found, flags merged) and exit.
    Config(ConfigArgs),
    /// Write the records with no error to one file and every other line to another,
    /// every line accounted for.
    Fix(FixArgs),
    /// Split the valid records into training and validation files, reproducibly.
    Split(SplitArgs),
}

/// `fix IN -o CLEAN [--rejects REJECTS] [--drop-duplicates]`.
#[derive(Args, Debug)]
pub struct FixArgs {
    /// The file to repair (never written to).
    #[arg(value_name = "IN")]
    pub input: OsString,
    /// Where the records with no error go.
    #[arg(long = "output", short = 'o', value_name = "CLEAN")]
    pub output: PathBuf,
    /// Where every other non-blank line goes. [default: CLEAN with `.rejects.jsonl`]
    #[arg(long, value_name = "REJECTS")]
    pub rejects: Option<PathBuf>,
    /// Move the later copies of a record to REJECTS.
    #[arg(long)]
    pub drop_duplicates: bool,
    #[command(flatten)]
    pub job: JobArgs,
}

/// `split IN --validation F|N --seed N -o TRAIN --validation-out VAL`.
#[derive(Args, Debug)]
pub struct SplitArgs {
    /// The JSONL file to split (never written to).
    #[arg(value_name = "IN")]
    pub input: OsString,
    /// How much goes to validation: a fraction below 1 (0.1) or a count of records (500).
    #[arg(long, value_name = "FRACTION|COUNT")]
    pub validation: String,
    /// The seed: the same seed and input give the same split.
    #[arg(long, value_name = "N")]
    pub seed: u64,
    /// Where the training records go.
    #[arg(long = "output", short = 'o', value_name = "TRAIN")]
    pub output: PathBuf,
    /// Where the validation records go.
    #[arg(long, value_name = "VAL")]
    pub validation_out: PathBuf,
    /// Keep the share of each value of this top-level key (or of each system prompt,
    /// with `system`) the same in both files.
    #[arg(long, value_name = "KEY|system")]
    pub stratify_by: Option<String>,
    #[command(flatten)]
    pub job: JobArgs,
}

/// The flags of `check` that decide what is valid and what it costs, for `fix` and
/// `split` (whose `-o` names a data file, not a report).
#[derive(Args, Debug)]
pub struct JobArgs {
    /// Model whose rules apply (and whose prices `split` shows). [default: the provider's
    /// default, gpt-4o-mini at openai]
    #[arg(long, short = 'm')]
    pub model: Option<String>,
    /// Add or override models from this TOML file.
    #[arg(long, value_name = "FILE")]
    pub models: Option<PathBuf>,
    /// Count with this Hugging Face tokenizer folder (see `ftlint check --help`).
    #[arg(long, value_name = "DIR")]
    pub tokenizer_path: Option<PathBuf>,
    /// Provider whose rules apply. [default: openai]
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,
    /// Training method of the job: sft or dpo.
    #[arg(long, value_enum)]
    pub method: Option<Method>,
    /// Run only these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Option<Vec<String>>,
    /// Do not run these rules (codes or names, comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Option<Vec<String>>,
    /// Epochs to price (`split`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub epochs: Option<u64>,
    /// Read files instead of memory-mapping them.
    #[arg(long)]
    pub no_mmap: bool,
    /// Read settings from this file instead of searching for one.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long)]
    pub isolated: bool,
}

impl JobArgs {
    /// The same settings `check` would resolve from these flags.
    pub fn settings_args(&self) -> SettingsArgs {
        #[derive(Parser)]
        struct Defaults {
            #[command(flatten)]
            opts: SettingsArgs,
        }
        // Parsing nothing gives every default `check` has, without listing them here.
        let mut o = Defaults::try_parse_from(["ftlint"])
            .expect("defaults parse")
            .opts;
        o.model = self.model.clone();
        o.models = self.models.clone();
        o.tokenizer_path = self.tokenizer_path.clone();
        o.provider = self.provider.clone();
        o.method = self.method;
        o.select = self.select.clone();
        o.ignore = self.ignore.clone();
        o.epochs = self.epochs;
        o.no_mmap = self.no_mmap;
        o.config = self.config.clone();
        o.isolated = self.isolated;
        o.quiet = true;
        o
    }
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// JSONL files to check; `-` reads stdin.
    // OsString: a file name need not be UTF-8.
    #[arg(required_unless_present = "show_settings", value_name = "FILE")]
    pub files: Vec<OsString>,

    #[command(flatten)]
    pub opts: SettingsArgs,

    /// Print the resolved settings instead of checking (same as `ftlint config`).
    #[arg(long)]
    pub show_settings: bool,

    /// Report only what changed since this file: findings on records it does not have
    /// (repeat it to pair one baseline file with each input).
    #[arg(long, value_name = "BASE_FILE", conflicts_with = "baseline_rev")]
    pub baseline: Vec<OsString>,

    /// Report only what changed since this git revision: each input is compared with
    /// `git show REV:path` (a path missing there is a new file).
    #[arg(long, value_name = "REV")]
    pub baseline_rev: Option<String>,
}

#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// Files whose folder starts the config search (default: the current folder).
    #[arg(value_name = "FILE")]
    pub files: Vec<OsString>,

    #[command(flatten)]
    pub opts: SettingsArgs,
}

/// Everything that shapes a check, shared by `check` and `config`.
#[derive(Args, Debug)]
pub struct SettingsArgs {
    /// Model to validate and price for (an id, alias, or ft:BASE:… id). See `ftlint models`.
    /// [default: the provider's default, gpt-4o-mini at openai]
    #[arg(long, short = 'm')]
    pub model: Option<String>,

    /// Add or override models from this TOML file.
    #[arg(long, value_name = "FILE")]
    pub models: Option<PathBuf>,

    /// Provider whose rules, limits, models and prices apply: openai, azure, together,
    /// fireworks, mistral, or a profile file (*.toml). [default: openai]
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,

    /// Training method of the job: sft or dpo. [default: from the file's records]
    #[arg(long, value_enum)]
    pub method: Option<Method>,

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

    /// Longer lines are an error (FT015) and skipped without being read into memory
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

    /// Exit 0 even when findings fail the check (2 still means ftlint could not run).
    #[arg(long, conflicts_with = "deny_warnings")]
    pub exit_zero: bool,

    /// Check as on this day (YYYY-MM-DD): whether the model can still be trained then
    /// (FT076) and the default model. For reproducible runs. [default: today, UTC]
    #[arg(long, value_name = "YYYY-MM-DD", env = "FTLINT_AS_OF")]
    pub as_of: Option<String>,

    /// Lint only: skip token counting and cost (fast; for pre-commit hooks).
    #[arg(long)]
    pub lint_only: bool,

    /// Read files instead of memory-mapping them. Use it when a file may be truncated or
    /// rewritten while ftlint reads it (a mapped file that shrinks kills the process with
    /// SIGBUS), or on file systems where mapping is slow or unsupported.
    #[arg(long)]
    pub no_mmap: bool,

    /// Token-counting engine for OpenAI models; both count identically (proven by the
    /// test suite). [default: bpe]
    #[arg(long, value_enum)]
    pub tokenizer: Option<Engine>,

    /// Count with this Hugging Face tokenizer folder (tokenizer.json and
    /// tokenizer_config.json with its chat template), as `transformers`'
    /// apply_chat_template does. Works for any model; one outside the catalog is counted
    /// exactly but not priced. [default: the model's snapshot in the local Hugging Face
    /// cache, for open-weight models]
    #[arg(long, value_name = "DIR")]
    pub tokenizer_path: Option<PathBuf>,

    /// Epochs to price, 1 to the provider's maximum (50 at OpenAI). [default: the
    /// provider's rule from each training file's number of examples]
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
    pub validation_file: Option<OsString>,

    /// When to colour human output (`auto` honours NO_COLOR and needs a terminal).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Findings only: no banner, no summary, no progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Read settings from this file (ftlint.toml, or a pyproject.toml with [tool.ftlint])
    /// instead of searching upward from the folder holding every input to the
    /// repository root. In CI on untrusted pull requests, pass one from the base branch.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every config file.
    #[arg(long)]
    pub isolated: bool,

    /// Do not read an input that is a symbolic link: report it instead (exit 2). For
    /// files from an untrusted source, where a link could point at a secret.
    #[arg(long)]
    pub no_follow_symlinks: bool,
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
    /// One self-contained HTML page with charts (use with -o report.html).
    Html,
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
            OutputFormat::Html => "html",
        }
    }

    /// For machines: no progress bar, whatever the terminal.
    pub fn is_machine(self) -> bool {
        !matches!(self, OutputFormat::Human)
    }
}

/// `--format` of `ftlint models` and `ftlint rule`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
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
