//! Thin: parse arguments, run, map the outcome to an exit code.

use clap::Parser;
use ftlint::cli::{CheckArgs, Cli, ColorChoice, Command, OutputFormat};
use ftlint::models::Catalog;
use ftlint::report::{self, human::HumanOptions};
use ftlint::rules::Rule;
use ftlint::settings::Settings;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

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
        Command::Models { models } => {
            let catalog = load_catalog(models.as_deref())?;
            write_stdout(&render_catalog(&catalog));
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

fn parse_rules(list: &[String]) -> Result<Vec<Rule>, String> {
    list.iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            Rule::from_code(s.trim())
                .ok_or_else(|| format!("unknown rule `{s}`; `ftlint rule --all` lists them"))
        })
        .collect()
}

fn check(args: CheckArgs) -> Result<u8, String> {
    let catalog = load_catalog(args.models.as_deref())?;
    let model = catalog.resolve(&args.model)?.clone();
    let mut settings = Settings::new(model);
    settings.lint_only = args.lint_only;
    settings.engine = args.tokenizer;
    settings.max_diagnostics = args.max_diagnostics;
    settings.deny_warnings = args.deny_warnings;
    settings.epochs = args.epochs;
    settings.requests = args.requests;
    settings.few_shot = args.few_shot;
    settings.select_rules(&parse_rules(&args.select)?, &parse_rules(&args.ignore)?);

    let report = ftlint::run(
        &args.files,
        args.validation_file.as_deref(),
        &settings,
        args.no_mmap,
    );
    let text = match args.format {
        OutputFormat::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            report::human::render(
                &report,
                &HumanOptions {
                    color,
                    quiet: args.quiet,
                },
            )
        }
        OutputFormat::Json => report::json::render(&report),
    };
    write_stdout(&text);
    for e in &report.input_errors {
        eprintln!("ftlint: error: {e}");
    }
    Ok(report.exit_code() as u8)
}

/// Writes to stdout; a closed pipe (`ftlint … | head`) ends quietly.
fn write_stdout(s: &str) {
    let mut out = std::io::stdout().lock();
    if out.write_all(s.as_bytes()).and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// `ftlint models`: one row per model, prices per 1M tokens.
fn render_catalog(catalog: &Catalog) -> String {
    let mut out = format!(
        "{:<26} {:<12} {:>7} {:>8} {:>16} {:>16}  {:<11} aliases\n",
        "model", "encoding", "limit", "train", "tuned in/out", "base in/out", "as of"
    );
    for m in catalog.models() {
        let pair = |a: ftlint::models::Price, b: ftlint::models::Price| {
            format!("{:.2}/{:.2}", a.per_million_usd(), b.per_million_usd())
        };
        out.push_str(&format!(
            "{:<26} {:<12} {:>7} {:>8.2} {:>16} {:>16}  {:<11} {}\n",
            m.id,
            m.encoding.name(),
            m.token_limit,
            m.training.per_million_usd(),
            pair(m.fine_tuned_input, m.fine_tuned_output),
            pair(m.base_input, m.base_output),
            m.prices_as_of,
            m.aliases.join(", ")
        ));
    }
    out.push_str("\nPrices in USD per 1M tokens. Add or override models with --models FILE.\n");
    out
}
