//! Training and usage cost. Money is exact integer pico-dollars and is
//! rounded only when formatted, so totals never drift with float error.

use crate::models::{Method, Model, Price};
use crate::providers::EpochsRule;

// The provider's default-epochs heuristic (OpenAI fine-tuning, as published
// in its data-preparation cookbook): aim for 100..=25,000 examples seen.
pub const DEFAULT_EPOCHS_TARGET: u64 = 3;
pub const MIN_TARGET_EXAMPLES: u64 = 100;
pub const MAX_TARGET_EXAMPLES: u64 = 25_000;
pub const MIN_DEFAULT_EPOCHS: u64 = 1;
pub const MAX_DEFAULT_EPOCHS: u64 = 25;

/// The epochs the provider picks when none are requested.
pub fn default_epochs(n_examples: u64) -> u64 {
    if n_examples == 0 {
        return DEFAULT_EPOCHS_TARGET;
    }
    let seen = n_examples.saturating_mul(DEFAULT_EPOCHS_TARGET);
    if seen < MIN_TARGET_EXAMPLES {
        MAX_DEFAULT_EPOCHS.min(MIN_TARGET_EXAMPLES / n_examples)
    } else if seen > MAX_TARGET_EXAMPLES {
        MIN_DEFAULT_EPOCHS.max(MAX_TARGET_EXAMPLES / n_examples)
    } else {
        DEFAULT_EPOCHS_TARGET
    }
}

const PICO_PER_USD: u128 = 1_000_000_000_000;

/// An amount in pico-dollars (1e-12 USD).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub u128);

impl Money {
    pub fn usd_f64(self) -> f64 {
        self.0 as f64 / PICO_PER_USD as f64
    }

    /// `$12.35` from $1 up; below that, enough decimals (at most 6) for two
    /// significant digits: `$0.0042`, `$0.000031`. Rounds half up.
    pub fn format_usd(self) -> String {
        if self.0 == 0 {
            return "$0.00".into();
        }
        let mut decimals: u32 = 2;
        loop {
            let unit = 10u128.pow(12 - decimals);
            let scaled = self.0 / unit + u128::from(self.0 % unit >= unit / 2);
            // Below $1, add decimals until two significant digits show.
            if self.0 >= PICO_PER_USD || scaled >= 10 || decimals == 6 {
                if scaled == 0 {
                    // Too small for 6 decimals; "$0.000000" would read as free.
                    return "<$0.000001".into();
                }
                let pow = 10u128.pow(decimals);
                return format!(
                    "${}.{:0width$}",
                    group(scaled / pow),
                    scaled % pow,
                    width = decimals as usize
                );
            }
            decimals += 1;
        }
    }
}

/// `292000000` as `292,000,000`: whole dollars grouped like every other count.
fn group(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money(0), |a, b| a + b)
    }
}

/// Exact cost of `tokens` at `price` (pico-dollars per token).
pub fn price_tokens(tokens: u128, price: Price) -> Money {
    Money(tokens.saturating_mul(u128::from(price.0)))
}

#[derive(Clone, Debug, PartialEq)]
pub struct CostInput {
    /// Σ min(limit, tokens) over valid examples: the provider truncates, so
    /// tokens past the limit are not billed.
    pub billable_tokens: u64,
    pub n_examples: u64,
    /// Requested epochs; None uses the provider default.
    pub epochs: Option<u64>,
    pub prompt_tokens_mean: f64,
    pub completion_tokens_mean: f64,
    pub example_tokens_mean: f64,
    /// Requests to estimate usage cost for.
    pub requests: u64,
    /// Examples the base model would need in its prompt instead of tuning.
    pub few_shot: u64,
    pub method: Method,
    /// How the provider picks epochs when `epochs` is None.
    pub epochs_rule: EpochsRule,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CostReport {
    pub epochs: u64,
    /// epochs × billable tokens.
    pub trained_tokens: u128,
    pub training: Money,
    /// None when the model's usage prices are not known.
    pub usage: Option<Usage>,
    pub few_shot: Option<FewShot>,
}

/// The same `requests` served by the tuned model and by its base model.
#[derive(Clone, Debug, PartialEq)]
pub struct Usage {
    pub requests: u64,
    pub prompt_tokens_mean: f64,
    pub completion_tokens_mean: f64,
    pub fine_tuned: Money,
    pub base: Money,
    /// fine_tuned / base; None when base costs nothing.
    pub ratio: Option<f64>,
}

/// Tuned model with plain prompts versus base model with `k` examples
/// prepended to every prompt: when does training pay for itself?
#[derive(Clone, Debug, PartialEq)]
pub struct FewShot {
    pub k: u64,
    pub base_per_request: Money,
    pub fine_tuned_per_request: Money,
    /// Smallest request count at which training + tuned usage costs no more
    /// than base usage; None if the tuned model is not cheaper per request.
    pub break_even_requests: Option<u64>,
}

/// Rounds a fractional token count; `as` saturates, so NaN and negatives become 0.
fn round_tokens(tokens: f64) -> u128 {
    tokens.round() as u128
}

/// Epochs, trained tokens and training cost of one job.
fn train(input: &CostInput, model: &Model) -> (u64, u128, Money) {
    let epochs = input.epochs.unwrap_or(match input.epochs_rule {
        EpochsRule::OpenAiAuto => default_epochs(input.n_examples),
        EpochsRule::Fixed(n) => n,
    });
    let trained_tokens = u128::from(epochs) * u128::from(input.billable_tokens);
    let training = price_tokens(trained_tokens, model.training_price(input.method));
    (epochs, trained_tokens, training)
}

/// Usage and break-even against `training`, when the model's usage prices are known.
fn usage(input: &CostInput, model: &Model, training: Money) -> (Option<Usage>, Option<FewShot>) {
    match (
        model.fine_tuned_input,
        model.fine_tuned_output,
        model.base_input,
        model.base_output,
    ) {
        (Some(ti), Some(to), Some(bi), Some(bo)) => {
            let (u, f) = usage_and_few_shot(input, training, [ti, to, bi, bo]);
            (Some(u), Some(f))
        }
        _ => (None, None),
    }
}

pub fn compute(input: &CostInput, model: &Model) -> CostReport {
    let (epochs, trained_tokens, training) = train(input, model);
    let (usage, few_shot) = usage(input, model, training);
    CostReport {
        epochs,
        trained_tokens,
        training,
        usage,
        few_shot,
    }
}

/// A fine-tuning job takes one training file, so several files are several jobs: each
/// gets the epochs its own example count calls for, and its own training cost (`jobs`,
/// usage not projected). The total adds them up; its `epochs` is the jobs' common count,
/// or 0 when they differ. Usage and break-even describe the examples of all files
/// (`combined`) against the total training cost.
pub fn compute_jobs(
    jobs: &[CostInput],
    combined: &CostInput,
    model: &Model,
) -> (Vec<CostReport>, CostReport) {
    let each: Vec<CostReport> = jobs
        .iter()
        .map(|j| {
            let (epochs, trained_tokens, training) = train(j, model);
            CostReport {
                epochs,
                trained_tokens,
                training,
                usage: None,
                few_shot: None,
            }
        })
        .collect();
    let (epochs, trained_tokens, training) = match each.split_first() {
        None => train(combined, model),
        Some((first, rest)) => (
            if rest.iter().all(|c| c.epochs == first.epochs) {
                first.epochs
            } else {
                0
            },
            each.iter().map(|c| c.trained_tokens).sum(),
            each.iter().map(|c| c.training).sum(),
        ),
    };
    let (usage, few_shot) = usage(combined, model, training);
    let total = CostReport {
        epochs,
        trained_tokens,
        training,
        usage,
        few_shot,
    };
    (each, total)
}

/// The usage projection and the few-shot break-even, from the tuned model's and the
/// base model's input and output prices.
fn usage_and_few_shot(input: &CostInput, training: Money, prices: [Price; 4]) -> (Usage, FewShot) {
    let [tuned_in, tuned_out, base_in, base_out] = prices;
    let requests = input.requests as f64;
    let prompt = round_tokens(input.prompt_tokens_mean * requests);
    let completion = round_tokens(input.completion_tokens_mean * requests);
    let fine_tuned = price_tokens(prompt, tuned_in) + price_tokens(completion, tuned_out);
    let base = price_tokens(prompt, base_in) + price_tokens(completion, base_out);
    let ratio = (base.0 != 0).then(|| fine_tuned.0 as f64 / base.0 as f64);

    let k = input.few_shot;
    let base_prompt = round_tokens(input.prompt_tokens_mean + k as f64 * input.example_tokens_mean);
    let tuned_prompt = round_tokens(input.prompt_tokens_mean);
    let completion_per_request = round_tokens(input.completion_tokens_mean);
    let base_per_request =
        price_tokens(base_prompt, base_in) + price_tokens(completion_per_request, base_out);
    let fine_tuned_per_request =
        price_tokens(tuned_prompt, tuned_in) + price_tokens(completion_per_request, tuned_out);
    let break_even_requests = (base_per_request > fine_tuned_per_request).then(|| {
        let saving = base_per_request.0 - fine_tuned_per_request.0;
        let n = training.0.div_ceil(saving).max(1);
        u64::try_from(n).unwrap_or(u64::MAX)
    });
    (
        Usage {
            requests: input.requests,
            prompt_tokens_mean: input.prompt_tokens_mean,
            completion_tokens_mean: input.completion_tokens_mean,
            fine_tuned,
            base,
            ratio,
        },
        FewShot {
            k,
            base_per_request,
            fine_tuned_per_request,
            break_even_requests,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Catalog;

    fn model(name: &str) -> Model {
        Catalog::builtin().resolve(name).unwrap().clone()
    }

    fn input() -> CostInput {
        CostInput {
            billable_tokens: 10_000,
            n_examples: 12,
            epochs: None,
            prompt_tokens_mean: 300.0,
            completion_tokens_mean: 100.0,
            example_tokens_mean: 400.0,
            requests: 1000,
            few_shot: 3,
            method: Method::Sft,
            epochs_rule: EpochsRule::OpenAiAuto,
        }
    }

    #[test]
    fn default_epochs_rule() {
        for (n, want) in [
            (0, 3),
            (1, 25),
            (4, 25),
            (5, 20),
            (12, 8),
            (33, 3),
            (34, 3),
            (100, 3),
            (8333, 3),
            (8334, 2),
            (12_501, 1),
            (30_000, 1),
            (u64::MAX, 1),
        ] {
            assert_eq!(default_epochs(n), want, "n = {n}");
        }
    }

    #[test]
    fn exact_money() {
        let m = model("gpt-3.5-turbo-0613");
        // 1,000 tokens at $8 per 1M = $0.008.
        assert_eq!(price_tokens(1000, m.training), Money(8_000_000_000));
        assert_eq!(price_tokens(1000, m.training).usd_f64(), 0.008);
        assert_eq!(price_tokens(1000, m.training).format_usd(), "$0.0080");
        // Sums of many small amounts stay exact.
        let total: Money = (0..1000).map(|_| price_tokens(1, Price(150_000))).sum();
        assert_eq!(total, price_tokens(1000, Price(150_000)));
    }

    #[test]
    fn article_example_12_examples_8_epochs() {
        let m = model("gpt-3.5-turbo-0613");
        let t = 4_321u64;
        let r = compute(
            &CostInput {
                billable_tokens: t,
                n_examples: 12,
                ..input()
            },
            &m,
        );
        assert_eq!(r.epochs, 8);
        assert_eq!(r.trained_tokens, 8 * u128::from(t));
        // 8 × T × $0.008 / 1K tokens, in pico-dollars: $0.008/1K = 8,000,000 pico per token.
        assert_eq!(r.training, Money(8 * u128::from(t) * 8_000_000));
        assert_eq!(r.training.format_usd(), "$0.28"); // $0.276544
    }

    #[test]
    fn explicit_epochs_override_default() {
        let r = compute(
            &CostInput {
                epochs: Some(2),
                ..input()
            },
            &model("gpt-4o-mini"),
        );
        assert_eq!(r.epochs, 2);
        assert_eq!(r.trained_tokens, 20_000);
        assert_eq!(r.training, Money(20_000 * 3_000_000));
    }

    #[test]
    fn usage_ratio_gpt35_0613_is_8() {
        let m = model("gpt-3.5-turbo-0613");
        for (p, c, req) in [
            (300.0, 100.0, 1000),
            (17.3, 250.9, 7),
            (1.0, 0.0, 1),
            (1234.5, 3.25, 99_999),
        ] {
            let r = compute(
                &CostInput {
                    prompt_tokens_mean: p,
                    completion_tokens_mean: c,
                    requests: req,
                    ..input()
                },
                &m,
            );
            let pt = (p * req as f64).round() as u128;
            let ct = (c * req as f64).round() as u128;
            assert_eq!(
                r.usage.as_ref().unwrap().fine_tuned,
                Money(pt * 12_000_000 + ct * 16_000_000)
            );
            assert_eq!(
                r.usage.as_ref().unwrap().base,
                Money(pt * 1_500_000 + ct * 2_000_000)
            );
            assert_eq!(
                r.usage.as_ref().unwrap().ratio,
                Some(8.0),
                "p = {p}, c = {c}"
            );
        }
    }

    #[test]
    fn each_training_file_is_its_own_job() {
        // Ten 10-example files of 300 billable tokens each: one job of 100 examples
        // would run 3 epochs; ten jobs of 10 examples run 10 epochs each.
        let m = model("gpt-4o-mini");
        let job = CostInput {
            billable_tokens: 300,
            n_examples: 10,
            ..input()
        };
        let combined = CostInput {
            billable_tokens: 3000,
            n_examples: 100,
            ..input()
        };
        let (jobs, total) = compute_jobs(&vec![job; 10], &combined, &m);
        assert_eq!(jobs.len(), 10);
        assert!(
            jobs.iter()
                .all(|j| j.epochs == 10 && j.trained_tokens == 3000)
        );
        assert_eq!(total.epochs, 10);
        assert_eq!(total.trained_tokens, 30_000);
        assert_eq!(total.training, Money(30_000 * 3_000_000));
        // As one upload it would have been 3 epochs: 3.3× less than the ten jobs cost.
        assert_eq!(compute(&combined, &m).training, Money(9_000 * 3_000_000));
        // Break-even is against what all the jobs cost.
        assert_eq!(
            total.few_shot.unwrap().break_even_requests,
            compute(
                &CostInput {
                    epochs: Some(10),
                    ..combined.clone()
                },
                &m
            )
            .few_shot
            .unwrap()
            .break_even_requests
        );
        // Jobs whose epochs differ have no common count.
        let small = CostInput {
            n_examples: 5,
            ..input()
        };
        let (jobs, total) = compute_jobs(&[small, input()], &combined, &m);
        assert_eq!((jobs[0].epochs, jobs[1].epochs, total.epochs), (20, 8, 0));
        // One file: the same figures as `compute`.
        let (jobs, total) = compute_jobs(std::slice::from_ref(&combined), &combined, &m);
        assert_eq!(jobs[0].training, compute(&combined, &m).training);
        assert_eq!(total, compute(&combined, &m));
    }

    #[test]
    fn usage_ratio_none_when_base_free() {
        let r = compute(
            &CostInput {
                prompt_tokens_mean: 0.0,
                completion_tokens_mean: 0.0,
                ..input()
            },
            &model("gpt-4o"),
        );
        assert_eq!(r.usage.as_ref().unwrap().base, Money(0));
        assert_eq!(r.usage.as_ref().unwrap().ratio, None);
    }

    #[test]
    fn few_shot_break_even() {
        let m = model("gpt-4o-mini");
        let r = compute(&input(), &m);
        // Base: (300 + 3×400) prompt tokens; tuned: 300.
        assert_eq!(r.few_shot.as_ref().unwrap().k, 3);
        assert_eq!(
            r.few_shot.as_ref().unwrap().base_per_request,
            Money(1500 * 150_000 + 100 * 600_000)
        );
        assert_eq!(
            r.few_shot.as_ref().unwrap().fine_tuned_per_request,
            Money(300 * 300_000 + 100 * 1_200_000)
        );
        let training = r.training.0; // 8 epochs × 10,000 × $3/1M
        assert_eq!(training, 80_000 * 3_000_000);
        let saving = 285_000_000 - 210_000_000;
        let n = training.div_ceil(saving) as u64;
        assert_eq!(r.few_shot.as_ref().unwrap().break_even_requests, Some(n));
        // n requests pay for training, n - 1 do not.
        let cost_tuned = |n: u128| training + n * 210_000_000;
        assert!(cost_tuned(u128::from(n)) <= u128::from(n) * 285_000_000);
        assert!(cost_tuned(u128::from(n) - 1) > (u128::from(n) - 1) * 285_000_000);
    }

    #[test]
    fn few_shot_never_breaks_even_when_tuned_costs_more() {
        // gpt-3.5-turbo-0613 tuned usage is 8× base: 3 shots do not make up for it.
        let r = compute(&input(), &model("gpt-3.5-turbo-0613"));
        assert!(
            r.few_shot.as_ref().unwrap().fine_tuned_per_request
                >= r.few_shot.as_ref().unwrap().base_per_request
        );
        assert_eq!(r.few_shot.as_ref().unwrap().break_even_requests, None);
        // Equal per-request cost never breaks even either.
        let r = compute(
            &CostInput {
                few_shot: 0,
                ..input()
            },
            &model("gpt-4o-mini"),
        );
        assert_eq!(r.few_shot.as_ref().unwrap().break_even_requests, None);
    }

    #[test]
    fn few_shot_break_even_at_least_one() {
        let r = compute(
            &CostInput {
                billable_tokens: 0,
                ..input()
            },
            &model("gpt-4o-mini"),
        );
        assert_eq!(r.training, Money(0));
        assert_eq!(r.few_shot.as_ref().unwrap().break_even_requests, Some(1));
    }

    #[test]
    fn nan_means_count_as_zero_tokens() {
        let r = compute(
            &CostInput {
                prompt_tokens_mean: f64::NAN,
                completion_tokens_mean: -1.0,
                ..input()
            },
            &model("gpt-4o"),
        );
        assert_eq!(r.usage.as_ref().unwrap().fine_tuned, Money(0));
    }

    #[test]
    fn format_usd_cases() {
        let usd = |d: f64| Money((d * 1e12).round() as u128).format_usd();
        assert_eq!(Money(0).format_usd(), "$0.00");
        assert_eq!(usd(12.345), "$12.35");
        assert_eq!(usd(12.344999), "$12.34");
        assert_eq!(usd(1.0), "$1.00");
        assert_eq!(usd(1234567.891), "$1,234,567.89");
        assert_eq!(usd(292_000_000.0), "$292,000,000.00");
        assert_eq!(usd(999.0), "$999.00");
        assert_eq!(usd(1000.0), "$1,000.00");
        assert_eq!(usd(0.999), "$1.00");
        assert_eq!(usd(0.995), "$1.00");
        assert_eq!(usd(0.5), "$0.50");
        assert_eq!(usd(0.12), "$0.12");
        assert_eq!(usd(0.0999), "$0.10");
        assert_eq!(usd(0.05), "$0.050");
        assert_eq!(usd(0.0042), "$0.0042");
        assert_eq!(usd(0.00425), "$0.0043");
        assert_eq!(usd(0.000031), "$0.000031");
        assert_eq!(usd(0.000005), "$0.000005");
        assert_eq!(usd(0.0000005), "$0.000001");
        assert_eq!(Money(1).format_usd(), "<$0.000001");
        assert_eq!(Money(499_999).format_usd(), "<$0.000001");
        assert_eq!(
            Money(u128::MAX).format_usd(),
            "$340,282,366,920,938,463,463,374,607.43"
        );
    }
}
