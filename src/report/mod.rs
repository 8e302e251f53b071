//! The Report: everything a run found and computed, as one plain value. Renderers (one
//! file each) turn it into text; none of them changes what was found.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod json_lines;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod shared;

use crate::check::{ExampleFigures, FileResult, Role};
use crate::cost::{self, CostInput, CostReport};
use crate::diagnostic::Diagnostic;
use crate::formats::FormatId;
use crate::input::InputError;
use crate::rules::Findings;
use crate::settings::Settings;
use crate::stats::{self, Distribution};

/// Bars in the human histogram.
const HISTOGRAM_BUCKETS: usize = 12;

pub struct FileSummary {
    pub path: String,
    pub role: Role,
    pub format: Option<FormatId>,
    pub lines: u64,
    pub examples: u64,
    pub valid_examples: u64,
    /// This file's valid examples' tokens and billable tokens (None with --lint-only).
    pub tokens: Option<(u64, u64)>,
    /// A validation file: the training file it goes with (the first one).
    pub validates: Option<String>,
    /// A training file is one job: its epochs and training cost (None with
    /// --lint-only, and for validation files, which are not billed).
    pub cost: Option<CostReport>,
}

pub struct TokenReport {
    pub encoding: String,
    pub engine: &'static str,
    pub examples: u64,
    pub total: u64,
    /// Σ min(limit, tokens): what one epoch bills.
    pub billable: u64,
    pub limit: u64,
    pub over_limit: u64,
    /// Any figure came from an estimate (tools, images, content parts).
    pub estimated: bool,
    pub estimated_examples: u64,
    pub per_example: Option<Distribution>,
    pub trained: Option<Distribution>,
    pub messages: Option<Distribution>,
    pub histogram: Vec<(u64, u64, u64)>,
    pub prompt_mean: f64,
    pub completion_mean: f64,
}

impl TokenReport {
    pub fn from_figures(
        figs: &[ExampleFigures],
        settings: &Settings,
        encoding: &str,
        engine: &'static str,
    ) -> TokenReport {
        let limit = settings.model.token_limit;
        let totals: Vec<u64> = figs.iter().map(|f| u64::from(f.total)).collect();
        let trained: Vec<u64> = figs.iter().map(|f| u64::from(f.trained)).collect();
        let messages: Vec<u64> = figs.iter().map(|f| u64::from(f.messages)).collect();
        // Means from integer sums: an empty f64 sum is -0.0, which JSON would show.
        let n = figs.len().max(1) as f64;
        let prompt_sum: u64 = figs.iter().map(|f| u64::from(f.prompt)).sum();
        let completion_sum: u64 = figs.iter().map(|f| u64::from(f.completion)).sum();
        let estimated_examples = figs.iter().filter(|f| f.estimated).count() as u64;
        TokenReport {
            encoding: encoding.to_string(),
            engine,
            examples: figs.len() as u64,
            total: totals.iter().sum(),
            billable: totals.iter().map(|&t| t.min(limit)).sum(),
            limit,
            over_limit: totals.iter().filter(|&&t| t > limit).count() as u64,
            estimated: estimated_examples > 0,
            estimated_examples,
            per_example: stats::distribution(&totals),
            trained: stats::distribution(&trained),
            // Legacy prompt/completion records have no messages to describe.
            messages: if messages.iter().all(|&m| m == 0) {
                None
            } else {
                stats::distribution(&messages)
            },
            histogram: if totals.is_empty() {
                Vec::new()
            } else {
                {
                    let (lo, hi) = (totals.iter().min(), totals.iter().max());
                    let span = hi.zip(lo).map_or(1, |(h, l)| h - l + 1);
                    stats::histogram(&totals, span.min(HISTOGRAM_BUCKETS as u64) as usize)
                }
            },
            prompt_mean: prompt_sum as f64 / n,
            completion_mean: completion_sum as f64 / n,
        }
    }
}

pub struct Report {
    pub version: &'static str,
    pub files: Vec<FileSummary>,
    /// Sorted by path, line, column; at most `max_diagnostics`.
    pub diagnostics: Vec<Diagnostic>,
    pub per_rule: Vec<u64>,
    pub errors: u64,
    pub warnings: u64,
    /// Non-blank lines of the training files.
    pub examples: u64,
    pub valid_examples: u64,
    pub model_id: String,
    pub prices_as_of: String,
    /// USD per 1M trained tokens, for display beside the training cost.
    pub training_price: crate::models::Price,
    pub tokens: Option<TokenReport>,
    pub validation_tokens: Option<TokenReport>,
    pub cost: Option<CostReport>,
    pub input_errors: Vec<InputError>,
    pub deny_warnings: bool,
    pub provider: String,
    pub provider_name: String,
    /// The training method the job would run: asked for, or read from the records.
    pub method: Option<&'static str>,
    /// Why tokens and cost are absent although counting was asked for.
    pub uncounted: Option<String>,
    /// The model's prices were read on the provider's own page (else estimates).
    pub prices_confirmed: bool,
    /// USD per hour of a deployment of the tuned model, where the provider charges one.
    pub hosting_per_hour: Option<crate::models::Price>,
    /// The config file whose settings the run used (None: none); set by the front end,
    /// which resolved it. A pull request can add one, so every report names it.
    pub config: Option<String>,
    /// `--exit-zero`: findings do not fail the run.
    pub exit_zero: bool,
    /// Training files priced, one job each (`cost` is their total).
    pub jobs: u64,
    /// With `--baseline`: what the change did (the findings above are its new ones).
    pub baseline: Option<crate::baseline::Summary>,
}

impl Report {
    /// Why tokens were counted but nothing was priced: a model outside the catalog,
    /// known only by its tokenizer folder (`--tokenizer-path`).
    pub fn unpriced(&self) -> Option<String> {
        (self.tokens.is_some() && self.cost.is_none()).then(|| {
            format!(
                "{} has no prices: it is not in {}'s catalog (counted with its tokenizer folder); give its prices with --models FILE",
                self.model_id, self.provider_name
            )
        })
    }

    pub fn build(
        results: Vec<FileResult>,
        input_errors: Vec<InputError>,
        settings: &Settings,
        counted: Option<(String, &'static str)>,
        uncounted: Option<String>,
    ) -> Report {
        let cap = settings.max_diagnostics;
        let mut findings = Findings::new();
        let mut train_figs: Vec<ExampleFigures> = Vec::new();
        let mut valid_figs: Vec<ExampleFigures> = Vec::new();
        let mut files = Vec::new();
        let (mut examples, mut valid_examples) = (0, 0);

        // Leakage: validation examples that are also training examples.
        // (hash, training file index, line), sorted: the first training copy of a hash
        // comes first, so the message can name it.
        let mut train_hashes: Vec<(u64, usize, u64)> = results
            .iter()
            .enumerate()
            .filter(|(_, r)| r.role == Role::Training)
            .flat_map(|(i, r)| r.hashes.iter().map(move |&(h, line)| (h, i, line)))
            .collect();
        train_hashes.sort_unstable();
        let train_paths: Vec<std::sync::Arc<str>> =
            results.iter().map(|r| r.path.clone()).collect();
        // A job takes one validation file with its one training file: `--validation-file`
        // goes with the first training file, so leakage (FT072) is checked against it.
        let first_training = results.iter().position(|r| r.role == Role::Training);
        let paired: Vec<(u64, usize, u64)> = train_hashes
            .iter()
            .copied()
            .filter(|&(_, i, _)| Some(i) == first_training)
            .collect();
        let mut results = results;
        // A file is one job, so a copy in another training file is trained twice, in two
        // jobs: reported on the later copy (FT071), like a copy within one file.
        for (r, extra) in
            results
                .iter_mut()
                .zip(crate::rules::dataset::check_cross_file_duplicates(
                    &train_hashes,
                    &train_paths,
                    settings,
                ))
        {
            r.findings.merge(extra, cap);
        }
        // FT076 is about the job, not a line: once, on the first training file.
        if let Some(first) = results.iter_mut().find(|r| r.role == Role::Training) {
            let format = first.format.unwrap_or(crate::formats::CHAT);
            if let Some(d) =
                crate::rules::lifecycle::check_model_retired(&first.path, format, settings)
            {
                first.findings.push(d);
                first.findings.sort_and_cap(cap);
            }
        }
        for r in &mut results {
            if r.role == Role::Validation {
                crate::rules::dataset::check_overlap(
                    &r.path,
                    &r.hashes,
                    &paired,
                    &train_paths,
                    settings,
                    &mut r.findings,
                );
                r.findings.sort_and_cap(cap);
            }
        }

        let method = settings.method.or_else(|| {
            results
                .iter()
                .find(|r| r.role == Role::Training)
                .and_then(|r| r.format)
                .map(|f| f.method())
        });
        let cost_input = |billable_tokens: u64, n_examples: u64| CostInput {
            billable_tokens,
            n_examples,
            epochs: settings.epochs,
            prompt_tokens_mean: 0.0,
            completion_tokens_mean: 0.0,
            example_tokens_mean: 0.0,
            requests: settings.requests,
            few_shot: settings.few_shot,
            method: method.unwrap_or(crate::models::Method::Sft),
            epochs_rule: settings.provider.epochs,
        };
        // One job per training file: (index in `files`, its cost input).
        let mut jobs: Vec<(usize, CostInput)> = Vec::new();
        for r in results {
            let role = r.role;
            let tokens = counted.as_ref().map(|_| {
                let limit = settings.model.token_limit;
                r.figures.iter().fold((0, 0), |(t, b), f| {
                    (t + u64::from(f.total), b + u64::from(f.total).min(limit))
                })
            });
            if let (Some((_, billable)), Role::Training) = (tokens, role) {
                jobs.push((files.len(), cost_input(billable, r.figures.len() as u64)));
            }
            let validates = (role == Role::Validation)
                .then(|| first_training.map(|i| train_paths[i].to_string()))
                .flatten();
            files.push(FileSummary {
                path: r.path.to_string(),
                role,
                validates,
                format: r.format,
                lines: r.lines,
                examples: r.examples,
                valid_examples: r.valid,
                tokens,
                cost: None,
            });
            if role == Role::Training {
                examples += r.examples;
                valid_examples += r.valid;
                train_figs.extend(r.figures);
            } else {
                valid_figs.extend(r.figures);
            }
            findings.merge(r.findings, cap);
        }

        let (tokens, validation_tokens, cost) = match counted {
            None => (None, None, None),
            Some((encoding, engine)) => {
                let t = TokenReport::from_figures(&train_figs, settings, &encoding, engine);
                let v = files
                    .iter()
                    .any(|f| f.role == Role::Validation)
                    .then(|| TokenReport::from_figures(&valid_figs, settings, &encoding, engine));
                let combined = CostInput {
                    prompt_tokens_mean: t.prompt_mean,
                    completion_tokens_mean: t.completion_mean,
                    example_tokens_mean: t.per_example.map_or(0.0, |d| d.mean),
                    ..cost_input(t.billable, t.examples)
                };
                let inputs: Vec<CostInput> = jobs.iter().map(|(_, j)| j.clone()).collect();
                let (each, total) = cost::compute_jobs(&inputs, &combined, &settings.model);
                // A model known only by its tokenizer folder has no prices: tokens only.
                let priced = settings.model.priced;
                for ((i, _), c) in jobs.iter().zip(each) {
                    files[*i].cost = priced.then_some(c);
                }
                (Some(t), v, priced.then_some(total))
            }
        };

        Report {
            version: env!("CARGO_PKG_VERSION"),
            files,
            diagnostics: findings.diags,
            per_rule: findings.per_rule,
            errors: findings.errors,
            warnings: findings.warnings,
            examples,
            valid_examples,
            model_id: settings.model.id.clone(),
            prices_as_of: settings.model.prices_as_of.clone(),
            training_price: settings.model.training,
            tokens,
            validation_tokens,
            cost,
            input_errors,
            deny_warnings: settings.deny_warnings,
            provider: settings.provider.id.clone(),
            provider_name: settings.provider.name.clone(),
            method: method.map(|m| m.as_str()),
            uncounted,
            prices_confirmed: settings.model.confirmed,
            hosting_per_hour: settings.model.hosting_per_hour,
            config: None,
            exit_zero: settings.exit_zero,
            jobs: jobs.len() as u64,
            baseline: None,
        }
    }

    /// 0 clean, 1 findings that fail, 2 could not do the job.
    pub fn exit_code(&self) -> i32 {
        if !self.input_errors.is_empty() {
            2
        } else if !self.exit_zero && (self.errors > 0 || (self.deny_warnings && self.warnings > 0))
        {
            1
        } else {
            0
        }
    }

    pub fn hidden(&self) -> u64 {
        (self.errors + self.warnings).saturating_sub(self.diagnostics.len() as u64)
    }
}
