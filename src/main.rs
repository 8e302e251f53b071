//! Thin: parse arguments, resolve settings, run, render, map the outcome to an exit code.

use clap::Parser;
use ftlint::cli::{CheckArgs, Cli, ColorChoice, Command, ListFormat, OutputFormat, SettingsArgs};
use ftlint::config::{self, Resolved};
use ftlint::display;
use ftlint::providers::Provider;
use ftlint::report::{self, Report, human::HumanOptions};
use ftlint::rules::Rule;
use std::ffi::{OsStr, OsString};
use std::io::{IsTerminal, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

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
            write_stdout(&config::render(&resolved))?;
            Ok(0)
        }
        Command::Rule { code, all, format } => {
            let rules: Vec<Rule> = if all {
                Rule::ALL.to_vec()
            } else {
                let code = code.ok_or("give a rule code (e.g. FT010) or --all")?;
                ftlint::config::rules_named(&code)?
            };
            if format == ListFormat::Json {
                let docs: Vec<serde_json::Value> = rules
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "code": r.code(),
                            "name": r.name(),
                            "severity": r.default_severity().as_str(),
                            "summary": r.summary(),
                            "explanation": r.explanation().trim(),
                        })
                    })
                    .collect();
                // One rule asked for by its code or name: one object; --all or a prefix: a list.
                let doc = match docs.as_slice() {
                    [one] if !all => one.clone(),
                    _ => serde_json::Value::Array(docs),
                };
                write_stdout(&json_text(&doc))?;
                return Ok(0);
            }
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
        Command::Models {
            models,
            provider,
            as_of,
            format,
        } => {
            let mut provider = Provider::load(&provider)?;
            if let Some(p) = models.as_deref() {
                let text = ftlint::providers::read_small_file(p)
                    .map_err(|e| format!("models file {e}"))?;
                provider
                    .catalog
                    .extend_from_toml(&text, &p.display().to_string())?;
            }
            let date = match as_of {
                Some(d) => ftlint::models::parse_date(&d).map_err(|e| format!("--as-of: {e}"))?,
                None => ftlint::models::today_utc(),
            };
            write_stdout(&match format {
                ListFormat::Json => json_text(&ftlint::providers::catalog_json(&provider, &date)),
                ListFormat::Human => ftlint::providers::render_catalog(
                    &provider,
                    &ftlint::providers::tokenizer_found,
                    &date,
                ),
            })?;
            Ok(0)
        }
    }
}

/// Pretty JSON with hidden characters escaped, as `check --format json` writes it.
fn json_text(v: &serde_json::Value) -> String {
    let mut s = display::json_safe(serde_json::to_string_pretty(v).unwrap_or_default());
    s.push('\n');
    s
}

fn check(args: CheckArgs) -> Result<u8, String> {
    let resolved = config::resolve(&args.opts, &args.files)?;
    if args.show_settings {
        write_stdout(&config::render(&resolved))?;
        return Ok(0);
    }
    let opts = &args.opts;
    // Before any input is read or anything written: a report must never replace a dataset.
    refuse_overwriting_inputs(&args.files, opts, resolved.format)?;
    for p in &resolved.unused_configs {
        let msg = format!(
            "{} is not used: one config governs a run, the one found upward from the folder holding every input (--config picks one)",
            display::os_str(p.as_os_str())
        );
        eprintln!("ftlint: warning: {}", display::path(&msg));
    }
    let config_shown = resolved.config_shown();
    let Resolved {
        settings, format, ..
    } = resolved;

    let progress = Progress::new(
        &args.files,
        opts.validation_file.as_deref(),
        format,
        opts.quiet,
    );
    let spec = match (&args.baseline_rev, args.baseline.is_empty()) {
        (Some(rev), _) => Some(ftlint::baseline::Spec::Rev(rev.clone())),
        (None, false) => Some(ftlint::baseline::Spec::Files(args.baseline.clone())),
        (None, true) => None,
    };
    let base = match &spec {
        Some(spec) => Some(ftlint::baseline::Base::load(
            spec,
            &args.files,
            opts.validation_file.as_deref(),
            &settings,
            opts.no_mmap,
        )?),
        None => None,
    };
    let report = ftlint::run_against(
        &args.files,
        opts.validation_file.as_deref(),
        &settings,
        opts.no_mmap,
        &|p| progress.update(p),
        base.as_ref(),
    );
    progress.finish();
    let mut report = report;
    report.config = config_shown;

    let text = render(&report, format, opts);
    match &opts.output_file {
        Some(path) => write_output_file(path, &text)?,
        None => write_stdout(&text)?,
    }
    if format == OutputFormat::Github {
        append_step_summary(&report);
    }
    // The human report lists unreadable inputs itself; on a terminal stdout and stderr
    // are the same screen, so saying it on stderr too would print it twice.
    let shown_on_screen = format == OutputFormat::Human
        && !opts.quiet
        && opts.output_file.is_none()
        && std::io::stdout().is_terminal()
        && std::io::stderr().is_terminal();
    if !shown_on_screen {
        for e in &report.input_errors {
            eprintln!("ftlint: error: {}", display::input_error(e));
        }
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
    write_stdout(&ftlint::fix::render(&summary, &job))?;
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
                "  TRAIN tokens ({}): total {} · billable per epoch {}\n  TRAIN cost ({}, prices as of {}): {} {} × {} tokens = {} trained tokens → {}; validation is not billed\n",
                t.encoding,
                ftlint::stats::thousands(t.total),
                ftlint::stats::thousands(t.billable),
                report.model_id,
                report.prices_as_of,
                c.epochs,
                if c.epochs == 1 { "epoch" } else { "epochs" },
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
    write_stdout(&out)?;
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
        OutputFormat::Html => report::html::render(report),
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

/// Runs shorter than this show no progress: a bar would only flicker.
const PROGRESS_DELAY: Duration = Duration::from_secs(1);

/// Progress on stderr, only for a person watching: stderr a terminal, the human format,
/// not `-q`. It moves by bytes as the pipeline's chunks are checked, shows records per
/// second, and appears only once a run has taken `PROGRESS_DELAY`. Files of known size
/// get a bar; stdin (size unknown) a spinner with the bytes read.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    records: Arc<AtomicU64>,
    /// Dropped when the run ends, which stops the thread that would reveal the bar.
    reveal: Option<(mpsc::Sender<()>, std::thread::JoinHandle<()>)>,
}

impl Progress {
    fn new(
        files: &[OsString],
        validation: Option<&OsStr>,
        format: OutputFormat,
        quiet: bool,
    ) -> Progress {
        let records = Arc::new(AtomicU64::new(0));
        if quiet || format.is_machine() || !std::io::stderr().is_terminal() {
            return Progress {
                bar: None,
                records,
                reveal: None,
            };
        }
        let inputs = || files.iter().map(OsString::as_os_str).chain(validation);
        let stdin = inputs().any(|f| f == "-");
        let total: u64 = inputs().map(file_size).sum();
        let bar = indicatif::ProgressBar::with_draw_target(
            (!stdin).then_some(total),
            indicatif::ProgressDrawTarget::hidden(),
        );
        let template = if stdin {
            "{spinner} {elapsed:>4} {bytes} read · {records_per_sec} {wide_msg}"
        } else {
            "{spinner} {elapsed:>4} [{bar:30}] {bytes}/{total_bytes} · {records_per_sec} {wide_msg}"
        };
        let counted = records.clone();
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            let style = style.progress_chars("=> ").with_key(
                "records_per_sec",
                move |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let secs = state.elapsed().as_secs_f64().max(0.001);
                    let rate = (counted.load(Ordering::Relaxed) as f64 / secs) as u64;
                    let _ = write!(w, "{} records/s", ftlint::stats::thousands(rate));
                },
            );
            bar.set_style(style);
        }
        let (tx, rx) = mpsc::channel::<()>();
        let shown = bar.clone();
        let handle = std::thread::spawn(move || {
            if rx.recv_timeout(PROGRESS_DELAY) == Err(mpsc::RecvTimeoutError::Timeout) {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                // Keeps the spinner and the rate moving between chunks.
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Progress {
            bar: Some(bar),
            records,
            reveal: Some((tx, handle)),
        }
    }

    fn update(&self, p: ftlint::Progress<'_>) {
        let Some(bar) = &self.bar else { return };
        match p {
            ftlint::Progress::Start(spec) => {
                bar.set_message(display::path(&display::os_str(spec)).into_owned())
            }
            ftlint::Progress::Chunk { bytes, records } => {
                self.records.fetch_add(records, Ordering::Relaxed);
                bar.inc(bytes);
            }
            ftlint::Progress::Done(_) => {}
        }
    }

    fn finish(mut self) {
        if let Some((tx, handle)) = self.reveal.take() {
            drop(tx);
            let _ = handle.join();
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
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

/// A regular file's identity (device, inode): equal for every name of one file, through
/// symbolic links, hard links, `./` and `..`. Other kinds (terminals, pipes, /dev/null)
/// are never a dataset a report could replace.
fn file_id(meta: std::io::Result<std::fs::Metadata>) -> Option<(u64, u64)> {
    meta.ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| (m.dev(), m.ino()))
}

fn fd_id(fd: BorrowedFd<'_>) -> Option<(u64, u64)> {
    let file = std::fs::File::from(fd.try_clone_to_owned().ok()?);
    file_id(file.metadata())
}

/// Exit 2 before anything is written when a place the report goes (`-o`, stdout, the
/// GitHub step summary) is the same file as an input (the files, `--validation-file`,
/// or stdin when it is a file): `ftlint check v.jsonl -o v.jsonl` would replace the
/// dataset with its report.
fn refuse_overwriting_inputs(
    files: &[OsString],
    opts: &SettingsArgs,
    format: OutputFormat,
) -> Result<(), String> {
    let mut outputs: Vec<(String, Option<(u64, u64)>)> = Vec::new();
    match &opts.output_file {
        Some(p) => outputs.push((
            format!("-o {}", display::os_str(p.as_os_str())),
            file_id(std::fs::metadata(p)),
        )),
        None => outputs.push(("stdout".to_string(), fd_id(std::io::stdout().as_fd()))),
    }
    if format == OutputFormat::Github
        && let Some(p) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty())
    {
        outputs.push((
            format!("GITHUB_STEP_SUMMARY ({})", display::os_str(&p)),
            file_id(std::fs::metadata(&p)),
        ));
    }
    for spec in files
        .iter()
        .map(OsString::as_os_str)
        .chain(opts.validation_file.as_deref())
    {
        let id = if spec == "-" {
            fd_id(std::io::stdin().as_fd())
        } else {
            file_id(std::fs::metadata(spec))
        };
        let Some(id) = id else { continue };
        if let Some((name, _)) = outputs.iter().find(|(_, out)| *out == Some(id)) {
            let input = if spec == "-" {
                "stdin".into()
            } else {
                display::os_str(spec)
            };
            return Err(format!(
                "{name} is the same file as the input {input}; refusing to write the report there"
            ));
        }
    }
    Ok(())
}

/// Writes the report to `path`: into a new file in the same folder, renamed over `path`
/// once complete and synced, so a failed write (a full disk) never leaves a partial
/// report for a later step to upload. A symbolic link at `path` is replaced, not written
/// through. Devices and pipes (`/dev/stdout`, a FIFO) are written directly.
fn write_output_file(path: &Path, text: &str) -> Result<(), String> {
    let shown = display::os_str(path.as_os_str()).into_owned();
    let fail = |e: std::io::Error| format!("{shown}: cannot write the report: {e}");
    let existing = std::fs::metadata(path).ok();
    if let Some(meta) = &existing {
        if meta.is_dir() {
            return Err(format!("{shown}: cannot write the report: is a directory"));
        }
        if !meta.is_file() {
            return std::fs::write(path, text).map_err(fail);
        }
    }
    let name = path
        .file_name()
        .ok_or_else(|| format!("{shown}: cannot write the report: not a file name"))?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let (temp, mut file) = (0..100)
        .find_map(|n| {
            let mut temp_name = OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".{}.{n}.tmp", std::process::id()));
            let temp = folder.join(temp_name);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
            {
                Ok(f) => Some(Ok((temp, f))),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
                Err(e) => Some(Err(e)),
            }
        })
        .unwrap_or_else(|| Err(std::io::ErrorKind::AlreadyExists.into()))
        .map_err(fail)?;
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| match &existing {
            // Keep the mode of the report being replaced (e.g. readable by a later step).
            Some(meta) => file.set_permissions(meta.permissions()),
            None => Ok(()),
        })
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(fail(e));
    }
    Ok(())
}
