//! The rows of the comparison table, shared by the GUI, the CLI's interval tables and the
//! HTML report, so that a row is labelled, scaled and rounded the same everywhere.

use crate::metrics::{Metric, RunSummary};

/// Which value of a row is best.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Lower,
    Higher,
    /// Not a figure of merit (e.g. request counts).
    Neither,
}

/// One row of the summary table: one value per layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub name: &'static str,
    pub values: Vec<f64>,
    pub better: Better,
    /// Decimal places; `unit` is appended.
    pub decimals: usize,
    pub unit: &'static str,
}

impl Row {
    /// Indices of the best values as shown (ties share it); none when every value ties or
    /// the row is not a figure of merit.
    /// A value that is not there ([`NONE`]) is never best, and two values shown alike tie.
    pub fn best(&self) -> Vec<usize> {
        let scale = 10f64.powi(self.decimals as i32);
        let key: Vec<Option<f64>> = self
            .values
            .iter()
            .map(|&v| {
                (!v.is_nan()).then(|| match self.better {
                    Better::Lower => -(v * scale).round(),
                    Better::Higher => (v * scale).round(),
                    Better::Neither => 0.0,
                })
            })
            .collect();
        if self.better == Better::Neither || key.iter().all(|k| *k == key[0]) {
            return Vec::new();
        }
        let top = key
            .iter()
            .flatten()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        (0..key.len()).filter(|&i| key[i] == Some(top)).collect()
    }

    /// Value `i` as shown, with its unit; "none" for a value that is not there.
    pub fn format(&self, i: usize) -> String {
        let x = self.values[i];
        if x.is_nan() {
            return "none".to_string();
        }
        if self.unit.trim() == "%" {
            return format!("{}{}", percent(x, self.decimals), self.unit);
        }
        format!("{:.*}{}", self.decimals, x, self.unit)
    }
}

/// A percentage with `decimals` places, or as many more (up to 9) as it takes for a value
/// below 100 % not to read as 100 % (a year's availability of 99.99997 % is not "100 %":
/// it is nine seconds of downtime), nor one above 0 % as 0 %.
pub fn percent(x: f64, decimals: usize) -> String {
    short_of_edges(x, decimals, 100.0)
}

/// A fraction in [0, 1] (an availability) with `decimals` places, never rounded to 1 or
/// 0 when it is not (see [`percent`]): `0.9999968` with 5 places is `0.999997`.
pub fn fraction(x: f64, decimals: usize) -> String {
    short_of_edges(x, decimals, 1.0)
}

fn short_of_edges(x: f64, decimals: usize, top: f64) -> String {
    let mut d = decimals;
    loop {
        let s = format!("{x:.d$}");
        let rounds_to_edge =
            (x < top && s.parse::<f64>() == Ok(top)) || (x > 0.0 && s.parse::<f64>() == Ok(0.0));
        if !rounds_to_edge || d >= 9 {
            return s;
        }
        d += 1;
    }
}

/// A row value that is not there: a percentile over no requests (a read-only workload
/// has no write latency). Shown as "none", never best.
pub const NONE: f64 = f64::NAN;

/// `x`, or [`NONE`] when it is a statistic over no samples.
fn over(samples: u64, x: f64) -> f64 {
    if samples == 0 {
        NONE
    } else {
        x
    }
}

/// The summary rows of `runs` (one per layout), in table order.
pub fn summary_rows(runs: &[&RunSummary]) -> Vec<Row> {
    let row = |name, better, decimals, unit, f: &dyn Fn(&RunSummary) -> f64| Row {
        name,
        values: runs.iter().map(|r| f(r)).collect(),
        better,
        decimals,
        unit,
    };
    use Better::*;
    let mut rows = vec![
        row("requests", Neither, 0, "", &|r| r.requests as f64),
        row("availability in this run", Higher, 4, " %", &|r| {
            100.0 * r.availability
        }),
        row("failed requests", Lower, 0, "", &|r| r.failed as f64),
        // The failure story: how long users were down, what was lost, what it took.
        row("downtime (users down)", Lower, 0, " s", &|r| r.downtime_s),
        // RTO is over region outages: without one it is not 0 s (users may still have
        // been down, from a zone or a dependency), it is not there.
        row("observed RTO", Lower, 0, " s", &|r| {
            over(r.outages, r.rto_s)
        }),
        row("lost writes", Lower, 0, "", &|r| r.lost_writes as f64),
        row("observed RPO", Lower, 3, " s", &|r| r.rpo_s),
        row("failovers", Neither, 0, "", &|r| r.failovers as f64),
        row("retried attempts", Lower, 0, "", &|r| r.retries as f64),
        row("p50 latency", Lower, 1, " ms", &|r| {
            over(r.served, r.p50_ms)
        }),
        row("p99 latency", Lower, 1, " ms", &|r| {
            over(r.served, r.p99_ms)
        }),
        row("p99.9 latency", Lower, 1, " ms", &|r| {
            over(r.served, r.p999_ms)
        }),
        row("read p99", Lower, 1, " ms", &|r| {
            over(r.served_reads, r.read_p99_ms)
        }),
        row("write p99", Lower, 1, " ms", &|r| {
            over(r.served_writes, r.write_p99_ms)
        }),
        row("stale reads", Lower, 3, " %", &|r| {
            100.0 * r.stale_read_fraction
        }),
        row("write conflicts", Lower, 0, "", &|r| r.conflicts as f64),
        row("residency violations", Lower, 0, "", &|r| {
            r.residency_violations as f64
        }),
        row("cost per month", Lower, 0, " USD", &|r| r.cost_usd_month),
        row("instance-hours", Lower, 1, " h", &|r| r.instance_hours),
    ];
    // Scaling actions only where a policy acted: a fixed fleet's zeros are noise.
    if runs.iter().any(|r| r.scale_outs + r.scale_ins > 0) {
        rows.push(row("scale-outs", Neither, 0, "", &|r| r.scale_outs as f64));
        rows.push(row("scale-ins", Neither, 0, "", &|r| r.scale_ins as f64));
    }
    rows
}

/// How a [`Metric`] is shown in interval and difference tables: label, the factor from
/// its unit to the shown one, decimals, the shown unit and which way is better.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shown {
    pub label: &'static str,
    pub scale: f64,
    pub decimals: usize,
    pub unit: &'static str,
    pub better: Better,
}

impl Shown {
    /// `x` (in the metric's unit) as shown, without the unit.
    pub fn number(&self, x: f64) -> String {
        let s = if self.unit == "%" {
            percent(self.scale * x, self.decimals)
        } else {
            format!("{:.*}", self.decimals, self.scale * x)
        };
        // A tiny negative that rounds to zero reads "0", not "-0" (an interval's low end).
        match s.strip_prefix('-') {
            Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
            _ => s,
        }
    }

    /// Whether `x` rounds to 0 at the shown precision (`+0 USD`).
    pub fn shows_as_zero(&self, x: f64) -> bool {
        (self.scale * x).abs() < 0.5 * 10f64.powi(-(self.decimals as i32))
    }
}

/// The metrics of interval and difference tables, in table order (the failure story
/// first, as in [`summary_rows`]).
pub const SHOWN: [Metric; 19] = [
    Metric::Requests,
    Metric::Availability,
    Metric::Failed,
    Metric::Downtime,
    Metric::Rto,
    Metric::LostWrites,
    Metric::Rpo,
    Metric::Failovers,
    Metric::Retries,
    Metric::P50,
    Metric::P99,
    Metric::P999,
    Metric::ReadP99,
    Metric::WriteP99,
    Metric::StaleReads,
    Metric::Conflicts,
    Metric::ResidencyViolations,
    Metric::Cost,
    Metric::InstanceHours,
];

/// Whether B − A (`d`, of metric `m`) is a change for the better (`Some(true)`) or for
/// the worse (`Some(false)`); `None` when its 95 % interval includes 0, when it rounds to 0
/// where it is shown (a `+0 ± 0 USD` is not "worse", however sure), or when the metric has
/// no better direction. The GUI, the CLI and the HTML report mark differences by this.
pub fn change(m: Metric, d: &crate::metrics::MetricDifference) -> Option<bool> {
    let sh = shown(m);
    if !d.significant() || sh.shows_as_zero(d.difference.value) {
        return None;
    }
    match sh.better {
        Better::Lower => Some(d.difference.value < 0.0),
        Better::Higher => Some(d.difference.value > 0.0),
        Better::Neither => None,
    }
}

/// How `m` is shown.
pub fn shown(m: Metric) -> Shown {
    use Better::*;
    let s = |label, scale, decimals, unit, better| Shown {
        label,
        scale,
        decimals,
        unit,
        better,
    };
    match m {
        Metric::P50 => s("p50 latency", 1.0, 1, "ms", Lower),
        Metric::P99 => s("p99 latency", 1.0, 1, "ms", Lower),
        Metric::P999 => s("p99.9 latency", 1.0, 1, "ms", Lower),
        Metric::ReadP99 => s("read p99", 1.0, 1, "ms", Lower),
        Metric::WriteP99 => s("write p99", 1.0, 1, "ms", Lower),
        Metric::Availability => s("availability in this run", 100.0, 4, "%", Higher),
        Metric::Failed => s("failed requests", 1.0, 1, "", Lower),
        Metric::Timeouts => s("timeouts", 1.0, 1, "", Lower),
        Metric::Rejected => s("rejected", 1.0, 1, "", Lower),
        Metric::Unavailable => s("unavailable", 1.0, 1, "", Lower),
        Metric::Downtime => s("downtime (users down)", 1.0, 1, "s", Lower),
        Metric::Rto => s("observed RTO", 1.0, 1, "s", Lower),
        Metric::Rpo => s("observed RPO", 1.0, 3, "s", Lower),
        Metric::LostWrites => s("lost writes", 1.0, 1, "", Lower),
        Metric::StaleReads => s("stale reads", 100.0, 3, "%", Lower),
        Metric::Conflicts => s("write conflicts", 1.0, 1, "", Lower),
        Metric::ResidencyViolations => s("residency violations", 1.0, 1, "", Lower),
        Metric::Cost => s("cost per month", 1.0, 0, "USD", Lower),
        Metric::Retries => s("retried attempts", 1.0, 1, "", Lower),
        Metric::Failovers => s("failovers", 1.0, 1, "", Neither),
        Metric::Requests => s("requests", 1.0, 0, "", Neither),
        Metric::InstanceHours => s("instance-hours", 1.0, 1, "h", Lower),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(values: Vec<f64>, better: Better) -> Row {
        Row {
            name: "x",
            values,
            better,
            decimals: 1,
            unit: "",
        }
    }

    /// Found by hand in the GUI: active-active's availability per year (99.99997 %) read
    /// "100.0000 %".
    #[test]
    fn a_percentage_short_of_100_never_reads_100() {
        assert_eq!(percent(99.99997, 4), "99.99997");
        assert_eq!(percent(99.9999, 4), "99.9999");
        assert_eq!(percent(99.5, 4), "99.5000");
        assert_eq!(percent(100.0, 4), "100.0000");
        assert_eq!(percent(0.00001, 3), "0.00001");
        assert_eq!(percent(0.0, 3), "0.000");
        assert_eq!(percent(99.9999999999, 4), "100.000000000");
        assert_eq!(fraction(0.9999968, 5), "0.999997");
        assert_eq!(fraction(0.99991, 5), "0.99991");
        assert_eq!(fraction(1.0, 5), "1.00000");
        let row = Row {
            name: "availability",
            values: vec![99.99997],
            better: Better::Higher,
            decimals: 4,
            unit: " %",
        };
        assert_eq!(row.format(0), "99.99997 %");
        assert_eq!(shown(Metric::Availability).number(0.9999997), "99.99997");
        // Nor does a tiny negative read "-0" (the low end of a cost interval did).
        assert_eq!(shown(Metric::Cost).number(-0.2), "0");
        assert_eq!(shown(Metric::Rpo).number(-0.0001), "0.000");
        assert_eq!(shown(Metric::Cost).number(-3.0), "-3");
    }

    /// Found by hand in the GUI: a cost difference of a few cents with a zero-width
    /// interval showed as "+0 ± 0 USD · worse".
    #[test]
    fn a_difference_that_shows_as_zero_is_neither_better_nor_worse() {
        use crate::metrics::replicated::Fixed;
        use crate::metrics::MetricDifference;
        let f = |value: f64| Fixed { value, decimals: 3 };
        let d = |x: f64, lo: f64, hi: f64| MetricDifference {
            metric: Metric::Cost.name(),
            replications: 2,
            difference: f(x),
            ci95_low: Some(f(lo)),
            ci95_high: Some(f(hi)),
            ..MetricDifference::default()
        };
        assert_eq!(change(Metric::Cost, &d(0.3, 0.3, 0.3)), None);
        assert_eq!(change(Metric::Cost, &d(0.6, 0.6, 0.6)), Some(false));
        assert_eq!(change(Metric::Cost, &d(-120.0, -130.0, -110.0)), Some(true));
        assert_eq!(change(Metric::Cost, &d(-120.0, -130.0, 10.0)), None);
        // Availability is shown in percent with 4 decimals: 1e-7 is 0.00001 %.
        let a = |x: f64| MetricDifference {
            metric: Metric::Availability.name(),
            ..d(x, x, x)
        };
        assert_eq!(change(Metric::Availability, &a(1e-7)), None);
        assert_eq!(change(Metric::Availability, &a(1e-5)), Some(true));
        assert_eq!(change(Metric::Failovers, &d(1.0, 1.0, 1.0)), None);
    }

    #[test]
    fn best_follows_the_direction_and_shares_ties() {
        assert_eq!(row(vec![3.0, 1.0, 2.0], Better::Lower).best(), vec![1]);
        assert_eq!(row(vec![3.0, 1.0, 2.0], Better::Higher).best(), vec![0]);
        assert_eq!(row(vec![1.0, 1.04, 2.0], Better::Lower).best(), vec![0, 1]);
        assert!(row(vec![2.0, 2.0, 2.0], Better::Lower).best().is_empty());
        assert!(row(vec![3.0, 1.0, 2.0], Better::Neither).best().is_empty());
    }

    #[test]
    fn a_percentile_over_no_requests_is_none_and_never_best() {
        let reads_only = RunSummary {
            served: 10,
            served_reads: 10,
            read_p99_ms: 40.0,
            p99_ms: 40.0,
            ..Default::default()
        };
        let mixed = RunSummary {
            served_writes: 5,
            write_p99_ms: 90.0,
            ..reads_only.clone()
        };
        let rows = summary_rows(&[&reads_only, &mixed]);
        let write = rows.iter().find(|r| r.name == "write p99").unwrap();
        assert_eq!(write.format(0), "none");
        assert_eq!(write.format(1), "90.0 ms");
        // 0 ms would have been "best"; no writes is not a better write latency.
        assert_eq!(write.best(), vec![1]);
        let read = rows.iter().find(|r| r.name == "read p99").unwrap();
        assert_eq!(read.format(0), "40.0 ms");
        // Nothing served at all: every latency row says so.
        let down = summary_rows(&[&RunSummary::default()]);
        for name in ["p50 latency", "p99 latency", "p99.9 latency", "read p99"] {
            let r = down.iter().find(|r| r.name == name).unwrap();
            assert_eq!(r.format(0), "none", "{name}");
            assert!(r.best().is_empty());
        }
        assert!(row(vec![NONE, NONE], Better::Lower).best().is_empty());
        // No region outage: no RTO (not "0 s" beside minutes of downtime from a zone).
        let zone_down = RunSummary {
            downtime_s: 321.0,
            ..Default::default()
        };
        let rto = summary_rows(&[&zone_down])
            .into_iter()
            .find(|r| r.name == "observed RTO")
            .unwrap();
        assert_eq!(rto.format(0), "none");
        assert_eq!(row(vec![NONE, 3.0], Better::Higher).best(), vec![1]);
    }

    #[test]
    fn instance_hours_always_and_scaling_actions_only_when_a_policy_acted() {
        let fixed = RunSummary {
            instance_hours: 12.0,
            ..Default::default()
        };
        let scaled = RunSummary {
            instance_hours: 9.5,
            scale_outs: 2,
            scale_ins: 1,
            ..Default::default()
        };
        let names = |runs: &[&RunSummary]| -> Vec<&'static str> {
            summary_rows(runs).iter().map(|r| r.name).collect()
        };
        let fixed_only = names(&[&fixed, &fixed]);
        assert!(fixed_only.contains(&"instance-hours"));
        assert!(!fixed_only.contains(&"scale-outs"));
        let rows = summary_rows(&[&fixed, &scaled]);
        let get = |name: &str| {
            rows.iter()
                .find(|r| r.name == name)
                .map(|r| r.values.clone())
        };
        assert_eq!(get("instance-hours"), Some(vec![12.0, 9.5]));
        assert_eq!(get("scale-outs"), Some(vec![0.0, 2.0]));
        assert_eq!(get("scale-ins"), Some(vec![0.0, 1.0]));
    }

    #[test]
    fn shown_metrics_scale_fractions_to_percent() {
        assert_eq!(shown(Metric::Availability).number(0.999_95), "99.9950");
        assert_eq!(shown(Metric::P99).number(12.345), "12.3");
        let mut labels: Vec<&str> = SHOWN.iter().map(|&m| shown(m).label).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), SHOWN.len());
        // Every row of the one-run table that is a metric of the runs is in the interval
        // and difference tables too (rows vanished when replications were asked for).
        let metric_labels: Vec<&str> = Metric::ALL.iter().map(|&m| shown(m).label).collect();
        for r in summary_rows(&[&RunSummary::default()]) {
            if metric_labels.contains(&r.name) {
                assert!(
                    SHOWN.iter().any(|&m| shown(m).label == r.name),
                    "`{}` is a metric of the summary table missing from SHOWN",
                    r.name
                );
            }
        }
    }
}
