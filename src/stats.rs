//! Summary statistics of per-example token counts.

/// The spread of a set of counts. Quantiles follow numpy's default
/// ('linear') method bit for bit, so reports match the Python reference.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Distribution {
    pub min: f64,
    pub p10: f64,
    pub median: f64,
    pub mean: f64,
    pub p90: f64,
    pub max: f64,
}

/// None when `values` is empty.
pub fn distribution(values: &[u64]) -> Option<Distribution> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] as f64 + v[n / 2] as f64) / 2.0
    };
    let sum: u128 = v.iter().map(|&x| u128::from(x)).sum();
    Some(Distribution {
        min: v[0] as f64,
        p10: quantile(&v, 0.1),
        median,
        mean: sum as f64 / n as f64,
        p90: quantile(&v, 0.9),
        max: v[n - 1] as f64,
    })
}

/// numpy's 'linear' quantile of sorted, non-empty `v`, including its lerp,
/// which interpolates from the nearer end to reduce rounding error.
fn quantile(v: &[u64], q: f64) -> f64 {
    let n = v.len();
    let idx = (n - 1) as f64 * q;
    let lo = idx.floor();
    let t = idx - lo;
    let lo = lo as usize;
    let hi = (lo + 1).min(n - 1);
    let (a, b) = (v[lo], v[hi]);
    // Integer difference first, as numpy subtracts in the array's int dtype.
    let d = (b - a) as f64;
    if t >= 0.5 {
        b as f64 - d * (1.0 - t)
    } else {
        a as f64 + d * t
    }
}

/// Equal-width buckets over [min, max] as `(lo, hi inclusive, count)`.
/// Never more buckets than distinct integer values in the range, so no bucket
/// is empty by construction; one bucket when min == max; none for no values.
pub fn histogram(values: &[u64], buckets: usize) -> Vec<(u64, u64, u64)> {
    let (Some(&min), Some(&max)) = (values.iter().min(), values.iter().max()) else {
        return Vec::new();
    };
    // Integers in [min, max]; u128 because the span of the full u64 range is 2^64.
    let span = u128::from(max - min) + 1;
    let b = (buckets.max(1) as u128).min(span);
    // Bucket i starts at min + ceil(i·span/b); then value x lands in
    // floor((x-min)·b/span), with no float rounding at the edges.
    let start = |i: u128| min as u128 + (i * span).div_ceil(b);
    let mut out: Vec<(u64, u64, u64)> = (0..b)
        .map(|i| (start(i) as u64, (start(i + 1) - 1) as u64, 0))
        .collect();
    for &x in values {
        let i = (u128::from(x - min) * b / span) as usize;
        out[i].2 += 1;
    }
    out
}

/// One block character per bucket, height scaled to the largest count.
/// An empty bucket is a space; a non-empty one is at least the lowest block.
pub fn sparkline(hist: &[(u64, u64, u64)]) -> String {
    const LEVELS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let top = u128::from(hist.iter().map(|h| h.2).max().unwrap_or(0));
    hist.iter()
        .map(|&(_, _, c)| {
            if c == 0 {
                return LEVELS[0];
            }
            // Round to the nearest of 8 heights, but never down to blank.
            let level = ((u128::from(c) * 8 * 2 + top) / (2 * top)).clamp(1, 8);
            LEVELS[level as usize]
        })
        .collect()
}

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(v: &[u64]) -> Distribution {
        distribution(v).unwrap()
    }

    #[test]
    fn empty_has_no_distribution() {
        assert_eq!(distribution(&[]), None);
    }

    #[test]
    fn single_value() {
        let d = dist(&[5]);
        assert_eq!(
            d,
            Distribution {
                min: 5.0,
                p10: 5.0,
                median: 5.0,
                mean: 5.0,
                p90: 5.0,
                max: 5.0
            }
        );
    }

    #[test]
    fn quantiles_match_numpy_linear() {
        // Expected values computed with numpy's lerp in IEEE doubles.
        let d = dist(&[4, 2, 3, 1]);
        assert_eq!(
            d,
            Distribution {
                min: 1.0,
                p10: 1.3,
                median: 2.5,
                mean: 2.5,
                p90: 3.7,
                max: 4.0
            }
        );

        let d = dist(&[1, 2]);
        assert_eq!((d.p10, d.median, d.p90), (1.1, 1.5, 1.9));

        let d = dist(&[3, 1, 2]);
        assert_eq!((d.p10, d.median, d.mean, d.p90), (1.2, 2.0, 2.0, 2.8));

        let d = dist(&[10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
        assert_eq!((d.p10, d.median, d.mean, d.p90), (20.0, 60.0, 60.0, 100.0));

        let d = dist(&[7, 1, 100, 3, 3, 50, 2]);
        assert_eq!(d.p10, 1.6);
        assert_eq!(d.median, 3.0);
        assert_eq!(d.mean, 23.714285714285715);
        assert_eq!(d.p90, 70.00000000000001);
        assert_eq!((d.min, d.max), (1.0, 100.0));
    }

    #[test]
    fn huge_values_do_not_overflow() {
        let d = dist(&[u64::MAX, u64::MAX, 0]);
        assert_eq!(d.max, u64::MAX as f64);
        assert_eq!(d.mean, (2 * u128::from(u64::MAX)) as f64 / 3.0);
    }

    #[test]
    fn histogram_equal_width() {
        assert!(histogram(&[], 10).is_empty());
        assert_eq!(histogram(&[7, 7, 7], 10), vec![(7, 7, 3)]);
        assert_eq!(
            histogram(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 5),
            vec![(0, 1, 2), (2, 3, 2), (4, 5, 2), (6, 7, 2), (8, 9, 2)]
        );
        // Fewer distinct values than buckets: one bucket per value.
        assert_eq!(
            histogram(&[1, 3, 3], 10),
            vec![(1, 1, 1), (2, 2, 0), (3, 3, 2)]
        );
        // Uneven split: widths differ by at most one and cover [min, max].
        let h = histogram(&[10, 20, 11, 15, 19], 3);
        assert_eq!(h, vec![(10, 13, 2), (14, 17, 1), (18, 20, 2)]);
        assert_eq!(histogram(&[5, 6], 0), vec![(5, 6, 2)]);
    }

    #[test]
    fn histogram_buckets_tile_range_and_count_everything() {
        let values: Vec<u64> = (0..1000u64).map(|i| (i * 7919) % 4099 + 13).collect();
        for buckets in [1, 2, 3, 7, 10, 40, 4099, 5000] {
            let h = histogram(&values, buckets);
            assert_eq!(h.first().unwrap().0, *values.iter().min().unwrap());
            assert_eq!(h.last().unwrap().1, *values.iter().max().unwrap());
            for w in h.windows(2) {
                assert_eq!(w[0].1 + 1, w[1].0);
            }
            for &(lo, hi, count) in &h {
                assert!(lo <= hi);
                assert_eq!(
                    count,
                    values.iter().filter(|&&x| lo <= x && x <= hi).count() as u64
                );
            }
            assert_eq!(h.iter().map(|b| b.2).sum::<u64>(), values.len() as u64);
        }
        let h = histogram(&[0, u64::MAX], 4);
        assert_eq!(h.len(), 4);
        assert_eq!((h[0].0, h[3].1, h[0].2 + h[3].2), (0, u64::MAX, 2));
    }

    #[test]
    fn sparkline_levels() {
        assert_eq!(sparkline(&[]), "");
        let h = |counts: &[u64]| counts.iter().map(|&c| (0, 0, c)).collect::<Vec<_>>();
        assert_eq!(sparkline(&h(&[0, 0])), "  ");
        assert_eq!(sparkline(&h(&[0, 1, 2, 3, 4, 5, 6, 7, 8])), " ▁▂▃▄▅▆▇█");
        assert_eq!(sparkline(&h(&[1, 1000, 0])), "▁█ ");
        assert_eq!(sparkline(&h(&[5])), "█");
    }
}
