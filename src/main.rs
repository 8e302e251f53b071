//! Thin: parse arguments, resolve settings, run, render, map the outcome to an exit code.

use clap::Parser;
use ftlint::cli::{CheckArgs, Cli, ColorChoice, Command, OutputFormat, SettingsArgs};
use ftlint::config::{self, Resolved};
use ftlint::display;
use ftlint::providers::Provider;
use ftlint::report::{self, Report, human::HumanOptions};
use ftlint::rules::Rule;
use std::ffi::{OsStr, OsString};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Below this much input a run takes a second or two: a progress bar would only flicker.
const PROGRESS_MIN_BYTES: u64 = 64 << 20;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // clap: --help/--version are success; usage errors are ours to call 2.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            // Messages name paths and quote config values: one line, nothing hidden, so
            // a file name cannot start a line a CI runner reads as a command.
            eprintln!("ftlint: error: {}", display::path(&msg));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Fix(args) => fix(args),
        Command::Split(args) => split(args),
        Command::Config(args) => {
            let resolved = config::resolve(&args.opts, &args.files)?;
            write_stdout(&config::render(&resolved));
            Ok(0)
        }
        Command::Rule { code, all } => {
            let rules: Vec<Rule> = if all {
                Rule::ALL.to_vec()
            } else {
                let code = code.ok_or("give a rule code (e.g. FT010) or --all")?;
                vec![Rule::from_code(&code).ok_or_else(|| {
                    format!("unknown rule `{code}`; `ftlint rule --all` lists them")
                })?]
            };
            let mut out = String::new();
            for (i, r) in rules.iter().enumerate() {
                if i > 0 {
                    out.push_str("\n---\n\n");
                }
                out.push_str(&format!(
                    "# {} ({})\n\nDefault severity: {}\n\n{}\n\n{}\n",
                    r.code(),
                    r.name(),
                    r.default_severity().as_str(),
                    r.summary(),
                    r.explanation().trim()
                ));
            }
            write_stdout(&out);
            Ok(0)
        }
        Command::Models { models, provider } => {
            let mut provider = Provider::load(&provider)?;
            if let Some(p) = models.as_deref() {
                let text = ftlint::providers::read_small_file(p)
                    .map_err(|e| format!("models file {e}"))?;
                provider
                    .catalog
                    .extend_from_toml(&text, &p.display().to_string())?;
            }
            write_stdout(&ftlint::providers::render_catalog(&provider, &|_| None));
            Ok(0)
        }
    }
}

fn check(args: CheckArgs) -> Result<u8, String> {
    let resolved = config::resolve(&args.opts, &args.files)?;
    if args.show_settings {
        write_stdout(&config::render(&resolved));
        return Ok(0);
    }
    let opts = &args.opts;
    let Resolved {
        settings, format, ..
    } = resolved;

    let bar = progress_bar(
        &args.files,
        opts.validation_file.as_deref(),
        format,
        opts.quiet,
    );
    let report = ftlint::run_with_progress(
        &args.files,
        opts.validation_file.as_deref(),
        &settings,
        opts.no_mmap,
        &mut |p| {
            if let Some(bar) = &bar {
                match p {
                    ftlint::Progress::Start(spec) => {
                        bar.set_message(display::path(&display::os_str(spec)).into_owned())
                    }
                    ftlint::Progress::Done(spec) => bar.inc(file_size(spec)),
                }
            }
        },
    );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }

    let text = render(&report, format, opts);
    match &opts.output_file {
        Some(path) => std::fs::write(path, &text)
            .map_err(|e| format!("{}: cannot write the report: {e}", path.display()))?,
        None => write_stdout(&text),
    }
    if format == OutputFormat::Github {
        append_step_summary(&report);
    }
    for e in &report.input_errors {
        eprintln!("ftlint: error: {}", display::input_error(e));
    }
    Ok(report.exit_code() as u8)
}

/// The input of `fix`/`split`: a file, read twice (check, then copy).
fn job_input(input: &OsStr) -> Result<&std::path::Path, String> {
    if input == "-" {
        return Err("fix and split read their input twice: give a file, not `-`".to_string());
    }
    let p = std::path::Path::new(input);
    if p.is_dir() {
        return Err(format!("{}: is a directory", p.display()));
    }
    Ok(p)
}

fn fix(args: ftlint::cli::FixArgs) -> Result<u8, String> {
    let input = job_input(&args.input)?;
    let settings = config::resolve(&args.job.settings_args(), &[&args.input])?.settings;
    let rejects = args
        .rejects
        .clone()
        .unwrap_or_else(|| ftlint::fix::default_rejects(&args.output));
    let job = ftlint::fix::FixJob {
        input,
        clean: &args.output,
        rejects: &rejects,
        drop_duplicates: args.drop_duplicates,
        no_mmap: args.job.no_mmap,
    };
    let summary = ftlint::fix::run(&job, &settings)?;
    write_stdout(&ftlint::fix::render(&summary, &job));
    Ok(u8::from(!summary.remaining.is_empty()))
}

fn split(args: ftlint::cli::SplitArgs) -> Result<u8, String> {
    let input = job_input(&args.input)?;
    let amount = ftlint::split::Amount::parse(&args.validation)?;
    let settings = config::resolve(&args.job.settings_args(), &[&args.input])?.settings;
    let job = ftlint::split::SplitJob {
        input,
        train: &args.output,
        validation: &args.validation_out,
        amount,
        seed: args.seed,
        stratify_by: args.stratify_by.as_deref(),
        no_mmap: args.job.no_mmap,
    };
    let summary = ftlint::split::run(&job, &settings)?;
    let mut out = ftlint::split::render(&summary, &job);
    // TRAIN is checked and priced exactly as `ftlint check TRAIN` would; validation
    // records are not billed.
    let report = ftlint::run(
        &[args.output.as_os_str()],
        None,
        &settings,
        args.job.no_mmap,
    );
    match (&report.tokens, &report.cost) {
        (Some(t), Some(c)) => {
            out.push_str(&format!(
                "  TRAIN tokens ({}): total {} · billable per epoch {}\n  TRAIN cost ({}, prices as of {}): {} epochs × {} tokens = {} trained tokens → {}; validation is not billed\n",
                t.encoding,
                ftlint::stats::thousands(t.total),
                ftlint::stats::thousands(t.billable),
                report.model_id,
                report.prices_as_of,
                c.epochs,
                ftlint::stats::thousands(t.billable),
                ftlint::stats::thousands(u64::try_from(c.trained_tokens).unwrap_or(u64::MAX)),
                c.training.format_usd(),
            ));
        }
        (Some(t), None) => out.push_str(&format!(
            "  TRAIN tokens ({}): total {} · billable per epoch {}; no training price for {}\n",
            t.encoding,
            ftlint::stats::thousands(t.total),
            ftlint::stats::thousands(t.billable),
            report.model_id
        )),
        _ => out.push_str(&format!(
            "  TRAIN tokens: not counted ({})\n",
            report
                .uncounted
                .as_deref()
                .unwrap_or("no tokenizer for this model")
        )),
    }
    if report.errors > 0 {
        out.push_str(&format!(
            "  TRAIN still has {} error(s); `ftlint check` on it shows them\n",
            report.errors
        ));
    }
    write_stdout(&out);
    Ok(u8::from(report.errors > 0))
}

fn render(report: &Report, format: OutputFormat, opts: &SettingsArgs) -> String {
    match format {
        OutputFormat::Human => {
            // Colour is decided for the stream written: a file gets none unless forced.
            let color = match opts.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    opts.output_file.is_none()
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            report::human::render(
                report,
                &HumanOptions {
                    color,
                    quiet: opts.quiet,
                },
            )
        }
        OutputFormat::Concise => report::concise::render(report, opts.quiet),
        OutputFormat::Json => report::json::render(report),
        OutputFormat::JsonLines => report::json_lines::render(report),
        OutputFormat::Markdown => report::markdown::render(report),
        OutputFormat::Github => report::github::render(report),
        OutputFormat::Sarif => report::sarif::render(report),
        OutputFormat::Junit => report::junit::render(report),
        OutputFormat::Gitlab => report::gitlab::render(report),
    }
}

/// In GitHub Actions, the Markdown report goes to the job's summary page too, where the
/// findings beyond GitHub's 10 annotations are visible. Failing to write it is not
/// worth failing the check over.
fn append_step_summary(report: &Report) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&path)
        .and_then(|mut f| f.write_all(report::markdown::render(report).as_bytes()));
    if let Err(e) = written {
        let msg = format!(
            "cannot append to GITHUB_STEP_SUMMARY ({}): {e}",
            display::os_str(&path)
        );
        eprintln!("ftlint: warning: {}", display::path(&msg));
    }
}

fn file_size(spec: &OsStr) -> u64 {
    if spec == "-" {
        return 0;
    }
    std::fs::metadata(spec).map_or(0, |m| m.len())
}

/// A bar on stderr, only for a person watching a long run: stderr a terminal, the human
/// format, not `-q`, and more than `PROGRESS_MIN_BYTES` of input. It ticks per file.
fn progress_bar(
    files: &[OsString],
    validation: Option<&OsStr>,
    format: OutputFormat,
    quiet: bool,
) -> Option<indicatif::ProgressBar> {
    if quiet || format.is_machine() || !std::io::stderr().is_terminal() {
        return None;
    }
    let total: u64 = files
        .iter()
        .map(OsString::as_os_str)
        .chain(validation)
        .map(file_size)
        .sum();
    if total < PROGRESS_MIN_BYTES {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {elapsed:>4} [{bar:30}] {bytes}/{total_bytes} {wide_msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    // A single large file gives no tick until it is done: keep the spinner moving.
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// Writes to stdout; a closed pipe (`ftlint … | head`) ends quietly.
fn write_stdout(s: &str) {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(s.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}
