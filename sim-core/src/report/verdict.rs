//! The one paragraph that reads the comparison table for the user: which layout is
//! cheapest and fastest, how long each layout's users were down and what they lost.
//! The GUI shows it above its table and the HTML report above its own, from here.

use crate::metrics::RunSummary;
use crate::scenario::LayoutKind;
use std::fmt::Write;

/// The verdict on `runs` (one per layout); empty without runs.
pub fn verdict(runs: &[&RunSummary]) -> String {
    let Some(cheap) = runs
        .iter()
        .min_by(|a, b| a.cost_usd_month.total_cmp(&b.cost_usd_month))
    else {
        return String::new();
    };
    let mut roles = vec![(
        cheap.layout,
        format!("cheapest ({:.0} USD/month)", cheap.cost_usd_month),
    )];
    // A layout that served nothing has a p99 of 0 over no requests: it is not fastest.
    let fast = runs
        .iter()
        .filter(|r| r.served > 0)
        .min_by(|a, b| a.p99_ms.total_cmp(&b.p99_ms));
    if let Some(f) = fast {
        roles.push((f.layout, format!("fastest (p99 {:.0} ms)", f.p99_ms)));
    }
    // Cheapest and fastest alone can crown a layout that served 70 % of its users: the
    // most available one is named too, unless every layout served the same share.
    let most = runs
        .iter()
        .max_by(|a, b| a.availability.total_cmp(&b.availability));
    let least = runs
        .iter()
        .map(|r| r.availability)
        .fold(f64::INFINITY, f64::min);
    if let Some(m) = most.filter(|m| m.availability > least) {
        roles.push((
            m.layout,
            format!(
                "most available ({} % of requests served)",
                super::rows::percent(100.0 * m.availability, 2)
            ),
        ));
    }
    // One clause per layout, in the order the roles were found.
    let mut clauses: Vec<(LayoutKind, Vec<String>)> = Vec::new();
    for (layout, role) in roles {
        match clauses.iter_mut().find(|c| c.0 == layout) {
            Some(c) => c.1.push(role),
            None => clauses.push((layout, vec![role])),
        }
    }
    let mut out = clauses
        .iter()
        .map(|(layout, roles)| format!("{layout} is {}", and_list(roles)))
        .collect::<Vec<_>>()
        .join("; ");
    out.push('.');
    if fast.is_none() {
        out.push_str(" No layout served a request.");
    }
    for r in runs {
        let lost = match r.lost_writes {
            0 => "lost no acknowledged write".to_string(),
            n => format!("lost {n} acknowledged writes (RPO {:.1} s)", r.rpo_s),
        };
        // `outages` counts region outages; users can be down without one (a failed
        // dependency, a partition, overload), and the verdict must not say otherwise.
        let _ = if r.outages == 0 && r.downtime_s == 0.0 {
            // Not "no outage": a zone or a dependency may have failed without a word here.
            write!(
                out,
                " {}: no region outage, users were never down, {lost}.",
                r.layout
            )
        } else if r.downtime_s == 0.0 {
            write!(out, " {}: users were never down, {lost}.", r.layout)
        } else if r.outages == 0 {
            write!(
                out,
                " {}: users were down {:.0} s without a whole-region outage (a zone or \
                 dependency failure, a partition, a follow-the-sun handover or overload); it \
                 {lost}.",
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

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                "sharded: users were down 60 s without a whole-region outage (a zone or \
                 dependency failure, a partition, a follow-the-sun handover or overload); it \
                 lost no acknowledged write."
            ),
            "{v}"
        );
        assert!(
            !v.contains("no region outage, users were never down"),
            "{v}"
        );
        // Nothing failed at all: said as what was measured.
        let quiet = RunSummary {
            downtime_s: 0.0,
            ..c.clone()
        };
        assert!(
            verdict(&[&quiet]).ends_with(
                "sharded: no region outage, users were never down, lost no acknowledged write."
            ),
            "{}",
            verdict(&[&quiet])
        );
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
            v.starts_with("sharded is cheapest (50 USD/month). No layout served a request."),
            "{v}"
        );
    }

    #[test]
    fn the_most_available_layout_is_named_when_they_differ() {
        let cheap_fast = RunSummary {
            layout: LayoutKind::Sharded,
            cost_usd_month: 100.0,
            p99_ms: 40.0,
            served: 7,
            availability: 0.7,
            ..RunSummary::default()
        };
        let steady = RunSummary {
            layout: LayoutKind::ActiveActive,
            cost_usd_month: 300.0,
            p99_ms: 60.0,
            served: 10,
            availability: 0.9999,
            ..RunSummary::default()
        };
        let v = verdict(&[&cheap_fast, &steady]);
        assert!(
            v.starts_with(
                "sharded is cheapest (100 USD/month) and fastest (p99 40 ms); active-active is \
                 most available (99.99 % of requests served)."
            ),
            "{v}"
        );
        // One layout best at all three.
        let best = RunSummary {
            availability: 1.0,
            ..cheap_fast.clone()
        };
        let v = verdict(&[&best, &steady]);
        assert!(
            v.starts_with(
                "sharded is cheapest (100 USD/month), fastest (p99 40 ms) and most available \
                 (100.00 % of requests served)."
            ),
            "{v}"
        );
        // Every layout served alike: no "most available".
        let v = verdict(&[
            &cheap_fast,
            &RunSummary {
                availability: 0.7,
                ..steady
            },
        ]);
        assert!(!v.contains("most available"), "{v}");
    }
}
