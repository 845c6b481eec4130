//! The one paragraph that reads the comparison table for the user: which layout is
//! cheapest and fastest, how long each layout's users were down and what they lost.
//! The GUI shows it above its table and the HTML report above its own, from here.

use crate::metrics::RunSummary;
use std::fmt::Write;

/// The verdict on `runs` (one per layout); empty without runs.
pub fn verdict(runs: &[&RunSummary]) -> String {
    let Some(cheap) = runs
        .iter()
        .min_by(|a, b| a.cost_usd_month.total_cmp(&b.cost_usd_month))
    else {
        return String::new();
    };
    // A layout that served nothing has a p99 of 0 over no requests: it is not fastest.
    let fast = runs
        .iter()
        .filter(|r| r.served > 0)
        .min_by(|a, b| a.p99_ms.total_cmp(&b.p99_ms));
    let mut out = if let Some(fast) = fast.filter(|f| f.layout != cheap.layout) {
        format!(
            "{} is cheapest ({:.0} USD/month); {} is fastest (p99 {:.0} ms).",
            cheap.layout, cheap.cost_usd_month, fast.layout, fast.p99_ms
        )
    } else if let Some(fast) = fast {
        format!(
            "{} is cheapest ({:.0} USD/month) and fastest (p99 {:.0} ms).",
            cheap.layout, cheap.cost_usd_month, fast.p99_ms
        )
    } else {
        format!(
            "{} is cheapest ({:.0} USD/month); no layout served a request.",
            cheap.layout, cheap.cost_usd_month
        )
    };
    for r in runs {
        let lost = match r.lost_writes {
            0 => "lost no acknowledged write".to_string(),
            n => format!("lost {n} acknowledged writes (RPO {:.1} s)", r.rpo_s),
        };
        // `outages` counts region outages; users can be down without one (a failed
        // dependency, a partition, overload), and the verdict must not say otherwise.
        let _ = if r.outages == 0 && r.downtime_s == 0.0 {
            write!(out, " {}: no outage in this run, {lost}.", r.layout)
        } else if r.downtime_s == 0.0 {
            write!(out, " {}: users were never down, {lost}.", r.layout)
        } else if r.outages == 0 {
            write!(
                out,
                " {}: users were down {:.0} s with no region outage (a failed dependency, a \
                 partition or overload); it {lost}.",
                r.layout, r.downtime_s
            )
        } else {
            write!(
                out,
                " {}: users were down {:.0} s and recovered in {:.0} s (RTO); it {lost}.",
                r.layout, r.downtime_s, r.rto_s
            )
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::LayoutKind;

    #[test]
    fn verdict_names_the_cheapest_the_fastest_and_each_failure_story() {
        let a = RunSummary {
            layout: LayoutKind::ActivePassive,
            cost_usd_month: 100.0,
            p99_ms: 80.0,
            served: 10,
            outages: 1,
            downtime_s: 302.0,
            rto_s: 302.0,
            lost_writes: 4,
            rpo_s: 1.5,
            ..RunSummary::default()
        };
        let b = RunSummary {
            layout: LayoutKind::ActiveActive,
            cost_usd_month: 300.0,
            p99_ms: 40.0,
            served: 10,
            outages: 1,
            ..RunSummary::default()
        };
        // Down without a region outage (a dependency failed): said, not "no outage".
        let c = RunSummary {
            layout: LayoutKind::Sharded,
            cost_usd_month: 500.0,
            p99_ms: 90.0,
            served: 10,
            outages: 0,
            downtime_s: 60.0,
            ..RunSummary::default()
        };
        let v = verdict(&[&c]);
        assert!(
            v.ends_with(
                "sharded: users were down 60 s with no region outage (a failed dependency, a \
                 partition or overload); it lost no acknowledged write."
            ),
            "{v}"
        );
        assert!(!v.contains("no outage in this run"), "{v}");
        let v = verdict(&[&a, &b]);
        assert_eq!(
            v,
            "active-passive is cheapest (100 USD/month); active-active is fastest (p99 40 ms). \
             active-passive: users were down 302 s and recovered in 302 s (RTO); it lost 4 \
             acknowledged writes (RPO 1.5 s). active-active: users were never down, lost no \
             acknowledged write."
        );
        assert!(verdict(&[]).is_empty());
        // A layout that served nothing (p99 0 over no requests) is not the fastest.
        let none = RunSummary {
            layout: LayoutKind::Sharded,
            cost_usd_month: 50.0,
            downtime_s: 60.0,
            ..RunSummary::default()
        };
        let v = verdict(&[&a, &none]);
        assert!(
            v.starts_with("sharded is cheapest (50 USD/month); active-passive is fastest"),
            "{v}"
        );
        let v = verdict(&[&none]);
        assert!(
            v.starts_with("sharded is cheapest (50 USD/month); no layout served a request."),
            "{v}"
        );
    }
}
