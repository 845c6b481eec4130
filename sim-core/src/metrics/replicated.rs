//! Replications of a comparison reduced to intervals, and two comparisons reduced to paired
//! differences: the rows of `intervals.csv` and `differences.csv`, the CLI tables and the
//! report.
//!
//! **Intervals.** Each layout ran `R` times; replication `k` of every layout used the
//! same seed, so the runs of one replication share users, arrivals and service demands
//! (common random numbers). Per layout and [`Metric`], the `R` values are independent
//! draws, and the 95 % interval is the usual `x̄ ± t₀.₉₇₅,R−1 · s/√R`
//! ([`Moments::interval95`]), clipped to the values the metric can take
//! ([`Metric::range`]): over a few skewed replications it would reach below 0.
//!
//! **Paired differences.** A pinned baseline A and a variant B that ran replication `k` on
//! the same seed are *paired*: the difference `d_k = B_k − A_k` removes the noise both
//! share, and the interval of the mean difference is the t interval of the `d_k`
//! (Law, *Simulation Modeling and Analysis*, 5th ed., §10.2.1, the paired-t confidence
//! interval). Two separate intervals of A and B that overlap say nothing about the sign of
//! the difference; this one does. When A and B ran on different seeds the pairs are still
//! independent and the interval still valid, only wider; [`Paired::common_random_numbers`]
//! says which it was.
//!
//! Everything here is a pure function of the summaries, computed in replication order, so
//! the numbers do not depend on how the runs were scheduled on threads.

use super::stats::{Interval, Moments};
use super::summary::{layout_name, Metric, RunSummary};
use crate::scenario::LayoutKind;
use serde::{Serialize, Serializer};

/// A number written with a fixed count of decimals (chosen from its metric's unit, so
/// that the same runs give the same bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Fixed {
    pub value: f64,
    pub decimals: usize,
}

impl Serialize for Fixed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.*}", self.decimals, self.value))
    }
}

/// Decimals that resolve a metric's mean over replications: fractions need eight
/// (availability differences of a few parts in 10⁷ are real), money two, the rest three
/// (means of counts are fractional).
pub fn decimals(m: Metric) -> usize {
    match m.unit() {
        "fraction" => 8,
        "USD/month" => 2,
        _ => 3,
    }
}

fn fixed(m: Metric, value: f64) -> Fixed {
    Fixed {
        value,
        decimals: decimals(m),
    }
}

/// One metric of one layout over its replications; one row of `intervals.csv`.
/// The interval columns are empty with a single replication.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MetricInterval {
    #[serde(serialize_with = "layout_name")]
    pub layout: LayoutKind,
    pub metric: &'static str,
    pub unit: &'static str,
    pub replications: u64,
    pub mean: Fixed,
    pub ci95_low: Option<Fixed>,
    pub ci95_high: Option<Fixed>,
}

/// The mean difference B − A of one metric of one layout, with its paired 95 % interval;
/// one row of `differences.csv`. The interval columns are empty with one replication.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MetricDifference {
    #[serde(serialize_with = "layout_name")]
    pub layout: LayoutKind,
    pub metric: &'static str,
    pub unit: &'static str,
    pub replications: u64,
    /// Mean of A (the baseline) over its replications.
    pub baseline_mean: Fixed,
    /// Mean of B.
    pub mean: Fixed,
    /// Mean of `B_k − A_k`.
    pub difference: Fixed,
    pub ci95_low: Option<Fixed>,
    pub ci95_high: Option<Fixed>,
}

impl MetricDifference {
    /// The metric this row is about.
    pub fn metric(&self) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == self.metric)
    }

    /// True when the interval excludes 0: B differs from A at the 95 % level.
    pub fn significant(&self) -> bool {
        match (self.ci95_low, self.ci95_high) {
            (Some(lo), Some(hi)) => lo.value > 0.0 || hi.value < 0.0,
            _ => false,
        }
    }
}

/// The runs of one comparison: `runs[i]` holds every replication of layout `layouts[i]`,
/// in replication order.
#[derive(Clone, Copy, Debug)]
pub struct Replications<'a> {
    pub layouts: &'a [LayoutKind],
    pub runs: &'a [Vec<RunSummary>],
}

/// Per layout (in order) and [`Metric`] (in `Metric::ALL` order): mean and 95 % interval.
pub fn intervals(r: Replications<'_>) -> Vec<MetricInterval> {
    let mut rows = Vec::with_capacity(r.layouts.len() * Metric::ALL.len());
    for (&layout, runs) in r.layouts.iter().zip(r.runs) {
        for m in Metric::ALL {
            let mo = Moments::of(runs.iter().map(|s| m.of(s)));
            // A t-interval over few, skewed replications (lost writes: 0, 0, 21,875) can
            // reach below 0; the mean cannot, so the interval stops at the metric's range.
            let (lo, hi) = m.range();
            let iv = mo.interval95().map(|i| Interval {
                low: i.low.clamp(lo, hi),
                high: i.high.clamp(lo, hi),
                ..i
            });
            rows.push(MetricInterval {
                layout,
                metric: m.name(),
                unit: m.unit(),
                replications: mo.n(),
                mean: fixed(m, mo.mean()),
                ci95_low: iv.map(|i| fixed(m, i.low)),
                ci95_high: iv.map(|i| fixed(m, i.high)),
            });
        }
    }
    rows
}

/// B against a pinned baseline A: the rows, and whether the pairs shared their seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct Paired {
    pub rows: Vec<MetricDifference>,
    /// Replication `k` of A and of B ran on the same seed, for every `k` and layout.
    pub common_random_numbers: bool,
}

/// Why two comparisons cannot be paired.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PairError {
    #[error("the baseline compared {a:?} and this run {b:?}; pin a baseline of the same layouts")]
    Layouts {
        a: Vec<LayoutKind>,
        b: Vec<LayoutKind>,
    },
    #[error(
        "the baseline has {a} replication(s) of {layout} and this run {b}; \
         run both with the same number of replications"
    )]
    Replications {
        layout: LayoutKind,
        a: usize,
        b: usize,
    },
}

/// Paired differences B − A per layout and metric (see the module docs).
pub fn paired(a: Replications<'_>, b: Replications<'_>) -> Result<Paired, PairError> {
    if a.layouts != b.layouts || a.runs.len() != a.layouts.len() || b.runs.len() != b.layouts.len()
    {
        return Err(PairError::Layouts {
            a: a.layouts.to_vec(),
            b: b.layouts.to_vec(),
        });
    }
    let mut rows = Vec::with_capacity(a.layouts.len() * Metric::ALL.len());
    let mut crn = true;
    for ((&layout, ra), rb) in a.layouts.iter().zip(a.runs).zip(b.runs) {
        if ra.len() != rb.len() {
            return Err(PairError::Replications {
                layout,
                a: ra.len(),
                b: rb.len(),
            });
        }
        crn &= ra.iter().zip(rb).all(|(x, y)| x.seed == y.seed);
        for m in Metric::ALL {
            let d = Moments::of(ra.iter().zip(rb).map(|(x, y)| m.of(y) - m.of(x)));
            let iv = d.interval95();
            rows.push(MetricDifference {
                layout,
                metric: m.name(),
                unit: m.unit(),
                replications: d.n(),
                baseline_mean: fixed(m, Moments::of(ra.iter().map(|s| m.of(s))).mean()),
                mean: fixed(m, Moments::of(rb.iter().map(|s| m.of(s))).mean()),
                difference: fixed(m, d.mean()),
                ci95_low: iv.map(|i| fixed(m, i.low)),
                ci95_high: iv.map(|i| fixed(m, i.high)),
            });
        }
    }
    Ok(Paired {
        rows,
        common_random_numbers: crn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Summaries whose p99 is each of `p99s`, with seeds `seeds`.
    fn runs(p99s: &[f64], seeds: impl IntoIterator<Item = u64>) -> Vec<RunSummary> {
        p99s.iter()
            .zip(seeds)
            .map(|(&p99_ms, seed)| RunSummary {
                p99_ms,
                seed,
                ..RunSummary::default()
            })
            .collect()
    }

    fn row(rows: &[MetricDifference], m: Metric) -> &MetricDifference {
        rows.iter().find(|r| r.metric == m.name()).unwrap()
    }

    /// A = 10, 12, 11, 13 and B = 12, 15, 12, 16: the differences are 2, 3, 1, 3, with
    /// mean 2.25 and s = √(2.75/3) = 0.957427; t₀.₉₇₅,₃ = 3.182446305, so the half-width
    /// is 3.182446305 · 0.957427 / 2 = 1.523480 and the interval [0.726520, 3.773480].
    #[test]
    fn paired_interval_by_hand() {
        let l = [LayoutKind::Sharded];
        let a = [runs(&[10.0, 12.0, 11.0, 13.0], 0..4)];
        let b = [runs(&[12.0, 15.0, 12.0, 16.0], 0..4)];
        let p = paired(
            Replications {
                layouts: &l,
                runs: &a,
            },
            Replications {
                layouts: &l,
                runs: &b,
            },
        )
        .unwrap();
        assert!(p.common_random_numbers);
        let r = row(&p.rows, Metric::P99);
        let half = 3.182_446_305 * (2.75f64 / 3.0).sqrt() / 2.0;
        assert!((half - 1.523_480).abs() < 1e-6, "{half}");
        assert_eq!(r.replications, 4);
        assert!((r.difference.value - 2.25).abs() < 1e-12);
        assert!((r.baseline_mean.value - 11.5).abs() < 1e-12);
        assert!((r.mean.value - 13.75).abs() < 1e-12);
        assert!((r.ci95_low.unwrap().value - (2.25 - half)).abs() < 1e-9);
        assert!((r.ci95_high.unwrap().value - (2.25 + half)).abs() < 1e-9);
        assert!(r.significant());
        // Unpaired, the two 95 % intervals (11.5 ± 2.05, 13.75 ± 3.28) overlap: the
        // paired interval is what tells the difference apart from 0.
        let ia = Moments::of([10.0, 12.0, 11.0, 13.0]).interval95().unwrap();
        let ib = Moments::of([12.0, 15.0, 12.0, 16.0]).interval95().unwrap();
        assert!(ia.high > ib.low);
        // The CSV cells carry three decimals for milliseconds.
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        w.serialize(r).unwrap();
        let line = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(
            line,
            "sharded,p99_ms,ms,4,11.500,13.750,2.250,0.727,3.773\n"
        );
    }

    #[test]
    fn intervals_by_hand_and_empty_with_one_replication() {
        let l = [LayoutKind::ActiveActive];
        let rs = [runs(&[10.0, 12.0, 11.0, 13.0], 0..4)];
        let rows = intervals(Replications {
            layouts: &l,
            runs: &rs,
        });
        assert_eq!(rows.len(), Metric::ALL.len());
        let r = rows.iter().find(|r| r.metric == "p99_ms").unwrap();
        // s = √(5/3), half-width 3.182446305 · 1.290994 / 2 = 2.054260.
        let half = 3.182_446_305 * (5.0f64 / 3.0).sqrt() / 2.0;
        assert!((half - 2.054_260).abs() < 1e-6, "{half}");
        assert!((r.mean.value - 11.5).abs() < 1e-12);
        assert!((r.ci95_low.unwrap().value - (11.5 - half)).abs() < 1e-9);
        assert!((r.ci95_high.unwrap().value - (11.5 + half)).abs() < 1e-9);
        let one = [runs(&[10.0], [7])];
        let rows = intervals(Replications {
            layouts: &l,
            runs: &one,
        });
        assert!(rows
            .iter()
            .all(|r| r.ci95_low.is_none() && r.replications == 1));
    }

    #[test]
    fn intervals_stay_within_what_the_metric_can_be() {
        // Lost writes 0, 0, 21,875 and availability 1, 1, 0.4: the t-interval of the
        // mean reaches below 0 and above 1; the interval stops at the range.
        let l = [LayoutKind::ActivePassive];
        let rs = [[(0, 1.0), (0, 1.0), (21_875, 0.4)]
            .iter()
            .map(|&(lost_writes, availability)| RunSummary {
                lost_writes,
                availability,
                ..RunSummary::default()
            })
            .collect::<Vec<_>>()];
        let rows = intervals(Replications {
            layouts: &l,
            runs: &rs,
        });
        let get = |m: Metric| rows.iter().find(|r| r.metric == m.name()).unwrap();
        let lost = get(Metric::LostWrites);
        assert_eq!(lost.ci95_low.unwrap().value, 0.0);
        assert!(lost.ci95_high.unwrap().value > 21_875.0);
        assert!((lost.mean.value - 21_875.0 / 3.0).abs() < 1e-9);
        let avail = get(Metric::Availability);
        assert_eq!(avail.ci95_high.unwrap().value, 1.0);
        assert!(avail.ci95_low.unwrap().value < 0.4);
        assert!(avail.ci95_low.unwrap().value >= 0.0);
    }

    #[test]
    fn pairing_refuses_mismatched_runs_and_notices_different_seeds() {
        let l = [LayoutKind::Sharded];
        let a = [runs(&[1.0, 2.0, 3.0], 0..3)];
        let b = [runs(&[1.0, 2.0], 0..2)];
        let err = paired(
            Replications {
                layouts: &l,
                runs: &a,
            },
            Replications {
                layouts: &l,
                runs: &b,
            },
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("same number of replications"),
            "{err}"
        );
        let other = [runs(&[1.0, 2.0, 3.0], 10..13)];
        let p = paired(
            Replications {
                layouts: &l,
                runs: &a,
            },
            Replications {
                layouts: &l,
                runs: &other,
            },
        )
        .unwrap();
        assert!(!p.common_random_numbers);
    }

    proptest::proptest! {
        /// A compared with itself differs by exactly 0 in every metric, with an interval
        /// of zero width at 0.
        #[test]
        fn identical_runs_differ_by_a_zero_width_interval_at_zero(
            p99s in proptest::collection::vec(0.0f64..1e5, 2..12),
            avail in 0.0f64..1.0,
        ) {
            let l = [LayoutKind::ActivePassive, LayoutKind::Sharded];
            let one: Vec<RunSummary> = runs(&p99s, 0..)
                .into_iter()
                .map(|s| RunSummary { availability: avail, lost_writes: 3, ..s })
                .collect();
            let a = [one.clone(), one];
            let r = Replications { layouts: &l, runs: &a };
            let p = paired(r, r).unwrap();
            proptest::prop_assert!(p.common_random_numbers);
            proptest::prop_assert_eq!(p.rows.len(), 2 * Metric::ALL.len());
            for row in &p.rows {
                proptest::prop_assert_eq!(row.difference.value, 0.0);
                proptest::prop_assert_eq!(row.ci95_low.map(|f| f.value), Some(0.0));
                proptest::prop_assert_eq!(row.ci95_high.map(|f| f.value), Some(0.0));
                proptest::prop_assert!(!row.significant());
            }
        }
    }
}
