//! What users see of the catalog's truth and the per-file jobs: model lifecycles (FT076),
//! defaults and aliases, prices marked as estimates, one job per training file, progress
//! only on a terminal, and the small CLI promises (singular counts, epochs limit,
//! case-insensitive ids, rule suggestions and prefixes, --exit-zero, JSON listings).

mod common;

use common::{ftlint, run, stderr, stdout, temp_dir};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let o = run(args);
    serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", stderr(&o)))
}

fn codes(doc: &Value) -> Vec<&str> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

const REFUSALS: &str = "fixtures/japanese_refusals.jsonl";

#[test]
fn a_retired_model_is_warned_with_its_date_source_and_where_to_go() {
    let doc = json(&[
        "check",
        REFUSALS,
        "--model",
        "gpt-3.5-turbo-0613",
        "--format",
        "json",
    ]);
    assert_eq!(codes(&doc), ["FT076"]);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["severity"], "warning");
    let msg = d["message"].as_str().unwrap();
    assert!(
        msg.starts_with("gpt-3.5-turbo-0613 can no longer be fine-tuned at OpenAI on 2026-11-29: no new jobs since 2024-09-13 (source: codersera.com"),
        "{msg}"
    );
    let help = d["help"].as_str().unwrap();
    assert!(help.contains("`--model gpt-4o-mini`"), "{help}");
    assert!(
        help.contains("an open-weight model (`--provider together`"),
        "{help}"
    );
    // A warning: the run still passes, unless warnings are denied.
    assert_eq!(doc["summary"]["exit_code"], 0);
}

#[test]
fn after_openai_closes_the_same_model_points_to_azure() {
    let args = [
        "check",
        REFUSALS,
        "--model",
        "gpt-4o-mini",
        "--format",
        "json",
    ];
    let before = json(&[&args[..], &["--as-of", "2027-01-05"]].concat());
    assert_eq!(
        codes(&before),
        Vec::<&str>::new(),
        "still trainable the day before"
    );
    let after = json(&[&args[..], &["--as-of", "2027-01-06"]].concat());
    assert_eq!(codes(&after), ["FT076"]);
    let help = after["diagnostics"][0]["help"].as_str().unwrap();
    assert!(
        help.starts_with(
            "the same data can still be trained with `--provider azure` (closes 2027-04-01)"
        ),
        "{help}"
    );
    // At Azure the same model is still trainable then: no warning.
    let azure = json(&[&args[..], &["--as-of", "2027-01-06", "--provider", "azure"]].concat());
    assert_eq!(codes(&azure), Vec::<&str>::new());
    // Once Azure closes too, only open-weight models remain.
    let late = json(&[&args[..], &["--as-of", "2027-05-01", "--provider", "azure"]].concat());
    let help = late["diagnostics"][0]["help"].as_str().unwrap();
    assert_eq!(
        help,
        "the same data can still be trained with an open-weight model (`--provider together`, `fireworks` or `mistral`)"
    );
}

#[test]
fn as_of_must_be_a_real_date() {
    for bad in ["2026-02-30", "2026-13-01", "29.11.2026", "tomorrow"] {
        let o = run(&["check", REFUSALS, "--as-of", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&o).contains(&format!(
                "--as-of: `{bad}` is not a date; write it YYYY-MM-DD"
            )),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(
        run(&["check", REFUSALS, "--as-of", "2028-02-29"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn the_default_model_is_one_the_default_provider_can_train_that_day() {
    let model = |date: &str| {
        json(&["check", REFUSALS, "--format", "json", "--as-of", date])["cost"]["model"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(model("2026-11-29"), "gpt-4o-mini-2024-07-18");
    // Before gpt-4o-mini could be tuned: the first model OpenAI trained then.
    assert_eq!(model("2024-01-01"), "gpt-3.5-turbo-0613");
    // Once OpenAI trains nothing, the default stays and FT076 says where to go.
    let doc = json(&[
        "check",
        REFUSALS,
        "--format",
        "json",
        "--as-of",
        "2027-02-01",
    ]);
    assert_eq!(doc["cost"]["model"], "gpt-4o-mini-2024-07-18");
    assert_eq!(codes(&doc), ["FT076"]);
}

#[test]
fn aliases_follow_the_provider_and_ids_ignore_case() {
    let model = |name: &str| {
        json(&["check", REFUSALS, "--format", "json", "--model", name])["cost"]["model"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(model("gpt-3.5-turbo"), "gpt-3.5-turbo-0125");
    assert_eq!(model("GPT-4o-mini"), "gpt-4o-mini-2024-07-18");
    assert_eq!(model("gpt-3.5-turbo-0613"), "gpt-3.5-turbo-0613");
}

#[test]
fn estimated_prices_are_marked_in_every_report_that_uses_them() {
    let args = ["check", REFUSALS, "--provider", "azure", "--color", "never"];
    let human = stdout(&run(&args));
    assert!(
        human.contains("Cost (gpt-4o-mini-2024-07-18, prices as of 2026-11-24 are estimates: not confirmed on the provider's own page)"),
        "{human}"
    );
    let md = stdout(&run(&[&args[..], &["--format", "markdown"]].concat()));
    assert!(
        md.contains("(estimates: not confirmed on the provider's own page)"),
        "{md}"
    );
    assert!(md.contains("trained tokens, estimated prices)"), "{md}");
    let doc = json(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(doc["cost"]["prices_confirmed"], false);
    // Confirmed prices carry no such mark.
    let human = stdout(&run(&["check", REFUSALS, "--color", "never"]));
    assert!(!human.contains("estimate"), "{human}");
}

#[test]
fn models_lists_dates_sources_and_plain_price_status() {
    let text = stdout(&run(&["models"]));
    assert!(text.contains("Fine-tuning dates on 2026-11-29:"), "{text}");
    assert!(
        text.contains("gpt-3.5-turbo-0613       closed 2024-09-13        ended 2026-10-23"),
        "{text}"
    );
    assert!(
        text.contains("gpt-4o-mini-2024-07-18   open, closes 2027-01-06  ends 2027-01-14"),
        "{text}"
    );
    assert!(
        text.contains("    training closes 2027-01-06: OpenAI deprecations page"),
        "{text}"
    );
    assert!(
        text.contains("  gpt-3.5-turbo -> gpt-3.5-turbo-0125\n"),
        "{text}"
    );
    // Every provider's listing speaks to users, not to the people who filled it in.
    for p in ["openai", "azure", "together", "fireworks", "mistral"] {
        // The footer names the Hugging Face cache folder: the user's, not a build path.
        let o = ftlint()
            .args(["models", "--provider", p])
            .env("HF_HUB_CACHE", "/nonexistent/hf-cache")
            .output()
            .unwrap();
        let text = stdout(&o);
        for internal in [
            "no network",
            "unverified",
            "stored corpus",
            "/work/",
            "recollection",
        ] {
            assert!(
                !text.to_lowercase().contains(internal),
                "{p}: `{internal}` in the listing"
            );
        }
    }
}

#[test]
fn models_and_rule_print_json() {
    let doc = json(&["models", "--format", "json", "--as-of", "2027-01-10"]);
    assert_eq!(doc["date"], "2027-01-10");
    assert_eq!(doc["default_model"], "gpt-4o-mini");
    let m = doc["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "gpt-4o-mini-2024-07-18")
        .unwrap();
    assert_eq!(m["lifecycle"]["training"], "closed");
    assert_eq!(m["lifecycle"]["training_closed_on"], "2027-01-06");
    assert_eq!(m["prices"]["confirmed"], true);
    assert_eq!(m["prices"]["usd_per_million"]["training"], 3.0);

    let rule = json(&["rule", "no-system-message", "--format", "json"]);
    assert_eq!(rule["code"], "FT053");
    assert_eq!(rule["severity"], "warning");
    let all = json(&["rule", "--all", "--format", "json"]);
    assert_eq!(
        all.as_array().unwrap().len(),
        ftlint::rules::Rule::ALL.len()
    );
}

#[test]
fn each_training_file_is_priced_as_its_own_job() {
    // Ten files of 10 examples: ten jobs of 10 epochs, not one 100-example job of 3.
    let dir = temp_dir("ten_jobs");
    let lines: Vec<String> = std::fs::read_to_string(REFUSALS)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let mut files = Vec::new();
    for i in 0..10 {
        let p = dir.join(format!("part{i}.jsonl"));
        // Distinct records per file (a different system prompt), so no duplicates.
        let body: String = lines[..10]
            .iter()
            .map(|l| l.replacen("\"content\": \"", &format!("\"content\": \"{i} "), 1) + "\n")
            .collect();
        std::fs::write(&p, body).unwrap();
        files.push(p.to_str().unwrap().to_string());
    }
    let mut args = vec!["check", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let doc = json(&args);
    assert_eq!(codes(&doc), Vec::<&str>::new());
    let cost = &doc["cost"];
    assert_eq!(cost["jobs"], 10);
    let mut sum = 0.0;
    let mut trained = 0;
    for f in doc["files"].as_array().unwrap() {
        assert_eq!(f["cost"]["epochs"], 10, "{f}");
        sum += f["cost"]["training_usd"].as_f64().unwrap();
        trained += f["cost"]["trained_tokens"].as_u64().unwrap();
    }
    assert_eq!(cost["trained_tokens"], trained);
    assert!((cost["training_usd"].as_f64().unwrap() - sum).abs() < 1e-12);
    assert_eq!(cost["epochs"], 10);
    // One upload of all 100 examples would run 3 epochs: the jobs cost 10/3 as much.
    assert_eq!(trained, 10 * doc["tokens"]["billable"].as_u64().unwrap());
}

#[test]
fn the_validation_file_goes_with_the_first_training_file() {
    let doc = json(&[
        "check",
        "fixtures/japanese_refusals.jsonl",
        "fixtures/rules/FT072_validation_overlap.jsonl",
        "--validation-file",
        "fixtures/rules/FT072_validation_overlap.validation.jsonl",
        "--format",
        "json",
    ]);
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files[2]["validates"], "fixtures/japanese_refusals.jsonl");
    // It overlaps the second file, another job: that is not leakage into this one.
    assert!(!codes(&doc).contains(&"FT072"), "{:?}", codes(&doc));
    let doc = json(&[
        "check",
        "fixtures/rules/FT072_validation_overlap.jsonl",
        "fixtures/japanese_refusals.jsonl",
        "--validation-file",
        "fixtures/rules/FT072_validation_overlap.validation.jsonl",
        "--format",
        "json",
    ]);
    assert!(codes(&doc).contains(&"FT072"), "{:?}", codes(&doc));
}

#[test]
fn counts_of_one_are_singular_and_dollars_are_grouped() {
    let text = stdout(&run(&[
        "check",
        "fixtures/one_example.jsonl",
        "--epochs",
        "1",
        "--color",
        "never",
    ]));
    assert!(
        text.contains("  fixtures/one_example.jsonl: 1 line, 1 example, 1 valid, 44 tokens\n"),
        "{text}"
    );
    assert!(
        text.contains("  training     1 epoch × 44 tokens = 44 trained tokens"),
        "{text}"
    );
    // A price large enough for thousands: $1M per 1M training tokens.
    let dir = temp_dir("big_price");
    let models = dir.join("m.toml");
    std::fs::write(
        &models,
        "[[model]]\nid = \"pricey\"\ntokenizer = \"o200k_base\"\ntoken_limit = 65536\ntraining = 1000000\n",
    )
    .unwrap();
    let text = stdout(&run(&[
        "check",
        REFUSALS,
        "--models",
        models.to_str().unwrap(),
        "--model",
        "pricey",
        "--epochs",
        "50",
        "--color",
        "never",
    ]));
    assert!(
        text.contains("50 epochs × 521 tokens = 26,050 trained tokens → $26,050.00"),
        "{text}"
    );
}

#[test]
fn epochs_beyond_the_providers_maximum_are_refused() {
    let o = run(&["check", REFUSALS, "--epochs", "100"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: --epochs: OpenAI trains 1 to 50 epochs, not 100\n"
    );
    assert_eq!(
        run(&["check", REFUSALS, "--epochs", "50"]).status.code(),
        Some(0)
    );
    // Together documents no maximum.
    let o = run(&[
        "check",
        REFUSALS,
        "--epochs",
        "100",
        "--provider",
        "together",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn rule_names_get_suggestions_and_code_prefixes_select_a_group() {
    let o = run(&["check", REFUSALS, "--select", "no-sytem-message"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "ftlint: error: --select: unknown rule `no-sytem-message`; did you mean `no-system-message`?\n"
    );
    let o = run(&["rule", "dupliate-example"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `duplicate-example`?"),
        "{}",
        stderr(&o)
    );
    let o = run(&["check", REFUSALS, "--ignore", "nonsense"]);
    assert_eq!(
        stderr(&o),
        "ftlint: error: --ignore: unknown rule `nonsense`; `ftlint rule --all` lists them\n"
    );

    let doc = json(&[
        "check",
        common::KNOWN_FAULTS,
        "--select",
        "FT05",
        "--format",
        "json",
    ]);
    let by_rule: Vec<&String> = doc["summary"]["by_rule"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(by_rule, ["FT053", "FT057"]);
    let o = run(&["check", REFUSALS, "--select", "FT99"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a prefix that names no rule is an error"
    );
}

#[test]
fn exit_zero_passes_findings_but_not_failures_to_run() {
    let o = run(&[
        "check",
        common::KNOWN_FAULTS,
        "--exit-zero",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["summary"]["errors"], 4);
    assert_eq!(doc["summary"]["exit_code"], 0);
    let o = run(&["check", "no/such/file.jsonl", "--exit-zero"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["check", REFUSALS, "--exit-zero", "--deny-warnings"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "the two flags contradict each other"
    );
}

#[test]
fn human_output_sums_findings_by_rule() {
    let text = stdout(&run(&["check", common::KNOWN_FAULTS, "--color", "never"]));
    let at = text.find("Findings by rule\n").expect("a by-rule summary");
    let block: Vec<&str> = text[at..]
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(block.len(), 8, "{block:?}");
    assert_eq!(block[0], "  FT010 invalid-json           1");
    // Before the verdict, after the findings.
    assert!(at < text.find("4 errors, 4 warnings").unwrap());
}

#[test]
fn markdown_says_how_many_are_not_listed_once() {
    let md = stdout(&run(&[
        "check",
        common::KNOWN_FAULTS,
        "--format",
        "markdown",
        "--max-diagnostics",
        "2",
    ]));
    assert!(md.contains("<summary>8 findings</summary>"), "{md}");
    assert_eq!(md.matches("2 listed; 6 not:").count(), 1, "{md}");
    assert!(
        !md.contains("more finding") && !md.contains("First 2"),
        "{md}"
    );
}

/// Runs `sh -c CMD` under a pseudo-terminal (util-linux `script`), so ftlint's stdout and
/// stderr are a terminal as when a person runs it; returns what the terminal showed.
fn on_terminal(cmd: &str) -> String {
    let o = std::process::Command::new("script")
        .args(["-qec", cmd, "/dev/null"])
        .current_dir(common::root())
        .env("FTLINT_AS_OF", common::AS_OF)
        .env_remove("FTLINT_FORMAT")
        .env("NO_COLOR", "1")
        .output()
        .expect("`script` (util-linux) runs a command under a pseudo-terminal");
    String::from_utf8_lossy(&o.stdout).replace("\r\n", "\n")
}

#[test]
fn a_missing_file_is_reported_once_on_a_terminal() {
    let bin = common::bin();
    let screen = on_terminal(&format!("{bin} check no/such/file.jsonl"));
    assert_eq!(
        screen.matches("no/such/file.jsonl: no such file").count(),
        1,
        "{screen}"
    );
    // A machine format keeps the message on stderr (the report is for the machine).
    let screen = on_terminal(&format!("{bin} check no/such/file.jsonl --format concise"));
    assert!(
        screen.contains("ftlint: error: no/such/file.jsonl: no such file"),
        "{screen}"
    );
}

#[test]
fn progress_moves_on_a_terminal_only_for_people() {
    let bin = common::bin();
    // stdin that arrives slowly: the run takes over a second, so progress appears.
    let slow = format!("(sleep 2; cat {REFUSALS}) | {bin} check - --lint-only");
    let screen = on_terminal(&slow);
    assert!(screen.contains(" read · "), "{screen}");
    assert!(screen.contains(" records/s"), "{screen}");
    let screen = on_terminal(&format!("{slow} --format json"));
    assert!(!screen.contains("records/s"), "{screen}");
    let screen = on_terminal(&format!("{slow} -q"));
    assert!(!screen.contains("records/s"), "{screen}");
}

#[test]
fn the_pipeline_reports_chunks_as_they_are_checked() {
    // A 3 MiB file is three ~1 MiB chunks: progress arrives more than once, and adds up.
    let dir = temp_dir("chunks");
    let p = dir.join("big.jsonl");
    let line = std::fs::read_to_string(REFUSALS).unwrap();
    let mut body = String::new();
    while body.len() < 3 << 20 {
        body.push_str(&line);
    }
    std::fs::write(&p, &body).unwrap();
    let settings = ftlint::settings::Settings::for_model("openai", Some("gpt-4o-mini")).unwrap();
    let bytes = std::sync::atomic::AtomicU64::new(0);
    let records = std::sync::atomic::AtomicU64::new(0);
    let calls = std::sync::atomic::AtomicU64::new(0);
    let report = ftlint::run_with_progress(&[p.as_os_str()], None, &settings, false, &|ev| {
        if let ftlint::Progress::Chunk {
            bytes: b,
            records: r,
        } = ev
        {
            bytes.fetch_add(b, std::sync::atomic::Ordering::Relaxed);
            records.fetch_add(r, std::sync::atomic::Ordering::Relaxed);
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    assert_eq!(bytes.into_inner(), body.len() as u64);
    assert_eq!(records.into_inner(), report.examples);
    assert!(calls.into_inner() >= 3);
}
