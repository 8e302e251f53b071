//! `ftlint split`: the valid records into TRAIN and VAL, the same for a seed whatever
//! the thread count.
//!
//! Records are grouped by their canonical hash (the one FT071 uses), so copies of a
//! record land in the same file: a copy in both would be leakage (FT072). Each group
//! gets a score, xxh3(seed, hash); within each stratum (all records, or one per value
//! of `--stratify-by`) groups are taken for validation in score order until the
//! stratum's share is reached. Nothing depends on threads: the verdicts come from the
//! check's merge in file order, the rest is sequential. Invalid and blank lines go to
//! neither file and are counted.

use crate::check::{self, LineVerdict};
use crate::fix::{Output, Prepared, for_each_line, prepare, refuse_overwrites};
use crate::settings::Settings;
use crate::stats::thousands;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// How much goes to validation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Amount {
    Fraction(f64),
    Count(u64),
}

impl Amount {
    pub fn parse(s: &str) -> Result<Amount, String> {
        let bad = || {
            format!(
                "--validation {s:?}: give a fraction between 0 and 1 (0.1) or a number of records (500)"
            )
        };
        if let Ok(n) = s.parse::<u64>() {
            return Ok(Amount::Count(n));
        }
        let f: f64 = s.parse().map_err(|_| bad())?;
        if f > 0.0 && f < 1.0 {
            Ok(Amount::Fraction(f))
        } else {
            Err(bad())
        }
    }
}

pub struct SplitJob<'a> {
    pub input: &'a Path,
    pub train: &'a Path,
    pub validation: &'a Path,
    pub amount: Amount,
    pub seed: u64,
    pub stratify_by: Option<&'a str>,
    pub no_mmap: bool,
}

pub struct SplitSummary {
    pub lines: u64,
    pub train: u64,
    pub validation: u64,
    pub invalid: u64,
    pub blank: u64,
    /// (stratum, train, validation), when stratified.
    pub strata: Vec<(String, u64, u64)>,
}

pub fn run(job: &SplitJob, settings: &Settings) -> Result<SplitSummary, String> {
    refuse_overwrites(job.input, &[job.train, job.validation])?;
    let prepared = prepare(job.input, settings)?;
    let tokenizer = crate::fix::tokenizer_if_needed(settings);
    let path: Arc<str> = Arc::from(job.input.display().to_string());
    let res = check::check_source_verdicts(
        path,
        prepared.open(job.no_mmap)?,
        settings,
        tokenizer.as_ref(),
    )?;
    let valid = |l: u64| res.verdicts.get(l as usize - 1) == Some(&LineVerdict::Valid);

    // Groups of copies: (hash, lines), valid lines only.
    let mut groups: Vec<(u64, Vec<u64>)> = Vec::new();
    for g in res.hashes.chunk_by(|a, b| a.0 == b.0) {
        let lines: Vec<u64> = g.iter().map(|&(_, l)| l).filter(|&l| valid(l)).collect();
        if !lines.is_empty() {
            groups.push((g[0].0, lines));
        }
    }
    let total: u64 = groups.iter().map(|g| g.1.len() as u64).sum();
    let strata_of = match job.stratify_by {
        Some(key) => stratum_per_line(&prepared, job.no_mmap, key, &res.verdicts)?,
        None => BTreeMap::new(),
    };
    let mut strata: BTreeMap<String, Vec<(u64, Vec<u64>)>> = BTreeMap::new();
    for g in groups {
        let name = strata_of.get(&g.1[0]).cloned().unwrap_or_default();
        strata.entry(name).or_default().push(g);
    }
    let target = match job.amount {
        Amount::Fraction(f) => (f * total as f64).round() as u64,
        Amount::Count(n) => n,
    };
    if target == 0 || target >= total {
        return Err(format!(
            "--validation asks for {target} of {total} valid records; leave at least one for each file"
        ));
    }
    let quotas = quotas(&strata, target, total);

    // 0: neither, 1: train, 2: validation; one byte per line.
    let mut dest = vec![0u8; res.lines as usize];
    let mut summary = SplitSummary {
        lines: res.lines,
        train: 0,
        validation: 0,
        invalid: 0,
        blank: 0,
        strata: Vec::new(),
    };
    for (name, mut gs) in strata {
        let quota = quotas[&name];
        gs.sort_by_key(|(h, _)| {
            (
                xxhash_rust::xxh3::xxh3_64_with_seed(&h.to_le_bytes(), job.seed),
                *h,
            )
        });
        let mut taken = 0u64;
        for (_, lines) in &gs {
            // A group goes whole; a smaller one later may still fit.
            let to_val = taken + lines.len() as u64 <= quota;
            if to_val {
                taken += lines.len() as u64;
            }
            for &l in lines {
                dest[l as usize - 1] = if to_val { 2 } else { 1 };
            }
        }
        let n: u64 = gs.iter().map(|g| g.1.len() as u64).sum();
        if job.stratify_by.is_some() {
            summary.strata.push((name, n - taken, taken));
        }
    }
    for v in &res.verdicts {
        match v {
            LineVerdict::Blank => summary.blank += 1,
            LineVerdict::Invalid(_) => summary.invalid += 1,
            LineVerdict::Valid => {}
        }
    }

    let mut train = Output::create(job.train)?;
    let mut val = Output::create(job.validation)?;
    for_each_line(prepared.open(job.no_mmap)?, |n, line, _| {
        match dest.get(n as usize - 1) {
            Some(1) => {
                summary.train += 1;
                train.line(line)
            }
            Some(2) => {
                summary.validation += 1;
                val.line(line)
            }
            Some(_) => Ok(()),
            None => Err("the file changed while it was read".to_string()),
        }
    })?;
    train.commit()?;
    val.commit()?;
    Ok(summary)
}

/// Validation records per stratum: its share of `target`, largest remainders first
/// (ties by name), so the quotas add up to `target` exactly.
fn quotas(
    strata: &BTreeMap<String, Vec<(u64, Vec<u64>)>>,
    target: u64,
    total: u64,
) -> BTreeMap<String, u64> {
    let sizes: Vec<(&String, u64)> = strata
        .iter()
        .map(|(k, gs)| (k, gs.iter().map(|g| g.1.len() as u64).sum()))
        .collect();
    let mut q: BTreeMap<String, u64> = BTreeMap::new();
    let mut rem: Vec<(u128, &String)> = Vec::new();
    let mut given = 0;
    for (k, n) in &sizes {
        let exact = u128::from(target) * u128::from(*n);
        let floor = (exact / u128::from(total)) as u64;
        q.insert((*k).clone(), floor);
        given += floor;
        rem.push((exact % u128::from(total), k));
    }
    rem.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    for (_, k) in rem.into_iter().take((target - given) as usize) {
        *q.get_mut(k).expect("stratum") += 1;
    }
    q
}

/// The stratum of every valid line: the JSON text of a top-level key's value, or the
/// system prompt (`system`); "" when absent.
fn stratum_per_line(
    prepared: &Prepared,
    no_mmap: bool,
    key: &str,
    verdicts: &[LineVerdict],
) -> Result<BTreeMap<u64, String>, String> {
    let mut out = BTreeMap::new();
    for_each_line(prepared.open(no_mmap)?, |n, line, _| {
        if verdicts.get(n as usize - 1) != Some(&LineVerdict::Valid) {
            return Ok(());
        }
        let v: serde_json::Value = serde_json::from_slice(line).unwrap_or_default();
        let s = if key == "system" {
            v["messages"]
                .as_array()
                .and_then(|m| m.iter().find(|m| m["role"] == "system"))
                .map(|m| m["content"].to_string())
                .unwrap_or_default()
        } else {
            v.get(key).map(|x| x.to_string()).unwrap_or_default()
        };
        out.insert(n, s);
        Ok(())
    })?;
    Ok(out)
}

pub fn render(s: &SplitSummary, job: &SplitJob) -> String {
    let p = |x: &Path| crate::display::path(&x.display().to_string()).into_owned();
    let mut out = format!(
        "ftlint split: {} (seed {})\n  train      {} records → {}\n  validation {} records → {}\n  skipped    {} invalid, {} blank (of {} lines)\n",
        p(job.input),
        job.seed,
        thousands(s.train),
        p(job.train),
        thousands(s.validation),
        p(job.validation),
        thousands(s.invalid),
        thousands(s.blank),
        thousands(s.lines),
    );
    for (name, t, v) in &s.strata {
        // A system prompt can be long: its start names it well enough.
        let mut shown: String = name.chars().take(60).collect();
        if shown.len() < name.len() {
            shown.push('…');
        }
        let shown = if name.is_empty() {
            "(none)".to_string()
        } else {
            crate::display::path(&shown).into_owned()
        };
        out.push_str(&format!(
            "  stratum {shown}: {} train, {} validation\n",
            thousands(*t),
            thousands(*v)
        ));
    }
    out
}
