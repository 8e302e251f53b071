//! Dataset-scope rules, over whole files and across them: too few examples (FT070),
//! duplicate examples (FT071) and validation examples that repeat training ones
//! (FT072). Every finding is counted; only as many diagnostics as can be shown are
//! built, so a file of a million duplicates holds `--max-diagnostics` of them.

use super::Findings;
use super::file::file_diag;
use crate::diagnostic::Diagnostic;
use crate::registry::Rule;
use crate::settings::Settings;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// FT070: fewer valid examples than the provider's minimum.
pub fn check_too_few(path: &Arc<str>, valid: u64, settings: &Settings) -> Option<Diagnostic> {
    let min = settings.provider.min_examples;
    if valid >= min {
        return None;
    }
    file_diag(
        settings,
        path,
        Rule::TooFewExamples,
        1,
        format!(
            "only {valid} valid example(s); {} requires at least {min}",
            settings.provider.name
        ),
        "fix the invalid examples or add more; 50–100 good examples is a sensible start"
            .to_string(),
    )
}

/// The `cap` findings with the lowest lines (0 = all): a max-heap that drops its top.
struct Lowest<T: Ord> {
    cap: usize,
    heap: BinaryHeap<T>,
}

impl<T: Ord> Lowest<T> {
    fn new(cap: usize) -> Self {
        Lowest {
            cap,
            heap: BinaryHeap::new(),
        }
    }

    fn offer(&mut self, x: T) {
        if self.cap == 0 || self.heap.len() < self.cap {
            self.heap.push(x);
        } else if self.heap.peek().is_some_and(|top| x < *top) {
            self.heap.pop();
            self.heap.push(x);
        }
    }

    fn into_sorted(self) -> Vec<T> {
        self.heap.into_sorted_vec()
    }
}

/// FT071: `hashes` is (canonical hash, line) of every record, sorted; equal hashes are
/// adjacent with the first copy first.
pub fn check_duplicates(
    path: &Arc<str>,
    hashes: &[(u64, u64)],
    settings: &Settings,
    findings: &mut Findings,
) {
    let Some(severity) = settings.severity(Rule::DuplicateExample) else {
        return;
    };
    let mut shown = Lowest::new(settings.max_diagnostics);
    for run in hashes.chunk_by(|a, b| a.0 == b.0) {
        let first = run[0].1;
        for &(_, line) in &run[1..] {
            findings.count(Rule::DuplicateExample, severity);
            shown.offer((line, first));
        }
    }
    for (line, first) in shown.into_sorted() {
        findings.diags.extend(file_diag(
            settings,
            path,
            Rule::DuplicateExample,
            line,
            format!("duplicate of the example on line {first}"),
            format!("remove this copy; line {first} already trains it"),
        ));
    }
}

/// FT071 across training files: `train` is (hash, file index, line) of every training
/// record, sorted. Each file is its own job, so a copy in another file is trained in
/// two jobs; the first copy in each later file is reported there, naming the earliest
/// copy (copies within one file are `check_duplicates`' business). Returns one
/// `Findings` per file index of `paths`.
pub fn check_cross_file_duplicates(
    train: &[(u64, usize, u64)],
    paths: &[Arc<str>],
    settings: &Settings,
) -> Vec<Findings> {
    let mut out: Vec<Findings> = paths.iter().map(|_| Findings::new()).collect();
    let Some(severity) = settings.severity(Rule::DuplicateExample) else {
        return out;
    };
    let mut shown: Vec<Lowest<(u64, usize, u64)>> = paths
        .iter()
        .map(|_| Lowest::new(settings.max_diagnostics))
        .collect();
    for run in train.chunk_by(|a, b| a.0 == b.0) {
        let (_, first_file, first_line) = run[0];
        // Sorted by file then line: the first entry of each file is its first copy.
        for pair in run.windows(2) {
            let (_, file, line) = pair[1];
            if file != pair[0].1 && file != first_file {
                out[file].count(Rule::DuplicateExample, severity);
                shown[file].offer((line, first_file, first_line));
            }
        }
    }
    for (file, lowest) in shown.into_iter().enumerate() {
        for (line, first_file, first_line) in lowest.into_sorted() {
            out[file].diags.extend(file_diag(
                settings,
                &paths[file],
                Rule::DuplicateExample,
                line,
                format!(
                    "same example as {}:{first_line}, another training file (a job of its own)",
                    paths[first_file]
                ),
                "keep it in one training file, unless both jobs should learn it".to_string(),
            ));
        }
    }
    out
}

/// FT072: validation records (hash, line) that are also training records. `train` is
/// (hash, training file index, line), sorted, so the first training copy is named.
pub fn check_overlap(
    path: &Arc<str>,
    validation: &[(u64, u64)],
    train: &[(u64, usize, u64)],
    train_paths: &[Arc<str>],
    settings: &Settings,
    findings: &mut Findings,
) {
    let Some(severity) = settings.severity(Rule::ValidationOverlap) else {
        return;
    };
    let mut shown = Lowest::new(settings.max_diagnostics);
    for &(h, line) in validation {
        let first = train.partition_point(|t| t.0 < h);
        if let Some(&(_, file, train_line)) = train.get(first).filter(|t| t.0 == h) {
            findings.count(Rule::ValidationOverlap, severity);
            shown.offer((line, file, train_line));
        }
    }
    for (line, file, train_line) in shown.into_sorted() {
        findings.diags.extend(file_diag(
            settings,
            path,
            Rule::ValidationOverlap,
            line,
            format!(
                "this validation example is also in the training data ({}:{train_line})",
                train_paths[file]
            ),
            "remove it from one of the files, or validation loss will look better than it is"
                .to_string(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::Lowest;

    #[test]
    fn lowest_keeps_the_smallest_in_order() {
        let mut l = Lowest::new(3);
        for x in [9, 2, 7, 1, 8, 3] {
            l.offer(x);
        }
        assert_eq!(l.into_sorted(), vec![1, 2, 3]);
        let mut all = Lowest::new(0);
        for x in [3, 1, 2] {
            all.offer(x);
        }
        assert_eq!(all.into_sorted(), vec![1, 2, 3]);
    }
}
