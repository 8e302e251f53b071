//! Thin: parse arguments, resolve settings, run, render, map the outcome to an exit code.

use clap::Parser;
use ftlint::cli::{CheckArgs, Cli, ColorChoice, Command, OutputFormat, SettingsArgs};
use ftlint::config::{self, Resolved};
use ftlint::models::Catalog;
use ftlint::report::{self, Report, human::HumanOptions};
use ftlint::rules::Rule;
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
            eprintln!("ftlint: error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Config(args) => {
            let resolved = config::resolve(&args.opts, &args.files)?;
            write_stdout(&config::render(&resolved))?;
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
            write_stdout(&out)?;
            Ok(0)
        }
        Command::Models { models } => {
            let catalog = load_catalog(models.as_deref())?;
            write_stdout(&ftlint::models::render_catalog(&catalog))?;
            Ok(0)
        }
    }
}

fn load_catalog(extra: Option<&std::path::Path>) -> Result<Catalog, String> {
    let mut catalog = Catalog::builtin();
    if let Some(p) = extra {
        let text = std::fs::read_to_string(p)
            .map_err(|e| format!("{}: cannot read models file: {e}", p.display()))?;
        catalog.extend_from_toml(&text, &p.display().to_string())?;
    }
    Ok(catalog)
}

fn check(args: CheckArgs) -> Result<u8, String> {
    let resolved = config::resolve(&args.opts, &args.files)?;
    if args.show_settings {
        write_stdout(&config::render(&resolved))?;
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
                    ftlint::Progress::Start(spec) => bar.set_message(spec.to_string()),
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
        None => write_stdout(&text)?,
    }
    if format == OutputFormat::Github {
        append_step_summary(&report);
    }
    for e in &report.input_errors {
        eprintln!("ftlint: error: {e}");
    }
    Ok(report.exit_code() as u8)
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
        eprintln!(
            "ftlint: warning: cannot append to GITHUB_STEP_SUMMARY ({}): {e}",
            std::path::Path::new(&path).display()
        );
    }
}

fn file_size(spec: &str) -> u64 {
    if spec == "-" {
        return 0;
    }
    std::fs::metadata(spec).map_or(0, |m| m.len())
}

/// A bar on stderr, only for a person watching a long run: stderr a terminal, the human
/// format, not `-q`, and more than `PROGRESS_MIN_BYTES` of input. It ticks per file.
fn progress_bar(
    files: &[String],
    validation: Option<&str>,
    format: OutputFormat,
    quiet: bool,
) -> Option<indicatif::ProgressBar> {
    if quiet || format.is_machine() || !std::io::stderr().is_terminal() {
        return None;
    }
    let total: u64 = files
        .iter()
        .map(String::as_str)
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

/// Writes to stdout. A closed pipe (`ftlint … | head`) is quiet: the reader wanted no
/// more, and the exit code still follows the findings (as ripgrep does). Any other
/// failure (a full disk, `> /dev/full`) means the report was lost: exit 2, never a
/// success that CI would trust.
fn write_stdout(s: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write the report to stdout: {e}")),
    }
}
