//! The comparison as one self-contained HTML file to share: no script, no stylesheet, font
//! or image fetched from anywhere (charts are inline SVG), so it opens the same from a
//! mail attachment as from a disk.
//!
//! Sections, in order: what was run (scenario, SHA-256 of its canonical text, seed,
//! replications, version), the verdict, the comparison table (single values, or means
//! with 95 % intervals when replicated), the paired differences against a pinned
//! baseline, the time charts of replication 0 with failure windows shaded, and the
//! canonical scenario text.

use super::chart::{availability_over_time, escape, failure_windows, latency_over_time};
use super::rows::{change, shown, summary_rows, SHOWN};
use super::{canonical_toml, sha256_hex, verdict, VERSION};
use crate::experiment::Replicated;
use crate::metrics::{Metric, MetricDifference, MetricInterval, Paired, RunSummary};
use crate::scenario::{LayoutKind, Scenario};
use std::fmt::Write;

/// A pinned baseline the report compares against.
#[derive(Clone, Copy, Debug)]
pub struct Baseline<'a> {
    pub scenario: &'a Scenario,
    pub paired: &'a Paired,
}

/// What a report is made of.
#[derive(Clone, Copy, Debug)]
pub struct ReportInput<'a> {
    /// The scenario that was run (B when a baseline is pinned).
    pub scenario: &'a Scenario,
    pub results: &'a Replicated,
    pub baseline: Option<Baseline<'a>>,
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:24px auto;max-width:1100px;color:#222}\
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #eee}\
td:first-child,th:first-child{text-align:left}th{background:#f4f4f4}.best{color:#1a8a3a;font-weight:bold}\
.worse{color:#c03030;font-weight:bold}.note{color:#555;font-size:13px}pre{background:#f7f7f7;padding:10px;overflow-x:auto;font-size:12px}\
code{font-size:12px}";

/// The report as HTML text.
pub fn html(r: &ReportInput<'_>) -> Result<String, String> {
    let toml = canonical_toml(r.scenario)?;
    let hash = sha256_hex(&toml);
    let res = r.results;
    let s = r.scenario;
    let mut o = String::new();
    let title = format!("regionsim report — {}", s.name);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    // What was run.
    let _ = write!(o, "<table class=\"meta\">");
    let meta = [
        ("scenario", escape(&s.name)),
        ("scenario SHA-256", format!("<code>{hash}</code>")),
        ("seed", res.seed.to_string()),
        ("replications", res.replications().to_string()),
        (
            "simulated",
            escape(&format!(
                "{} after {} warm-up, peak {:.0} req/s, {} regions",
                s.duration,
                s.warmup,
                s.workload.peak_rps,
                s.regions.len()
            )),
        ),
        ("regionsim version", VERSION.to_string()),
    ];
    for (k, v) in meta {
        let _ = write!(
            o,
            "<tr><td>{k}</td><td style=\"text-align:left\">{v}</td></tr>"
        );
    }
    let _ = writeln!(o, "</table>");
    let _ = writeln!(
        o,
        "<p class=\"note\">Replication <i>k</i> of every layout ran on the same seed (common random numbers): replication 0 on the seed above, the others on seeds derived from it. Charts and the verdict show replication 0.</p>"
    );
    let first: Vec<&RunSummary> = res.first.iter().map(|x| &x.summary).collect();
    let _ = writeln!(o, "<h2>Verdict</h2>\n<p>{}</p>", escape(&verdict(&first)));
    if res.replications() > 1 {
        intervals_table(&mut o, res, &res.intervals());
    } else {
        summary_table(&mut o, &first);
    }
    if let Some(b) = r.baseline {
        differences_table(&mut o, res, b);
    }
    let _ = writeln!(o, "<h2>Over time (replication 0)</h2>");
    let windows = failure_windows(s);
    for chart in [
        latency_over_time(&res.first, &windows),
        availability_over_time(&res.first, &windows),
    ] {
        let _ = writeln!(
            o,
            "<div>{}</div>",
            chart.svg(super::chart::WIDTH, super::chart::HEIGHT)
        );
    }
    let _ = writeln!(
        o,
        "<h2>Scenario</h2>\n<p class=\"note\">The canonical text (every field spelled out) whose SHA-256 is <code>{hash}</code>. Save it as a .toml file and run <code>regionsim compare file.toml --seed {} --replications {}</code> to reproduce these numbers.</p>\n<pre>{}</pre>",
        res.seed,
        res.replications(),
        escape(&toml)
    );
    let _ = writeln!(o, "</body></html>");
    Ok(o)
}

fn header(o: &mut String, res: &Replicated) {
    let _ = write!(o, "<table><tr><th></th>");
    for l in &res.layouts {
        let _ = write!(
            o,
            "<th style=\"color:{}\">{}</th>",
            super::chart::layout_hex(*l),
            l.name()
        );
    }
    let _ = write!(o, "</tr>");
}

/// One value per layout, the best per row in green.
fn summary_table(o: &mut String, runs: &[&RunSummary]) {
    let _ = writeln!(o, "<h2>Comparison</h2>");
    let _ = write!(o, "<table><tr><th></th>");
    for r in runs {
        let _ = write!(
            o,
            "<th style=\"color:{}\">{}</th>",
            super::chart::layout_hex(r.layout),
            r.layout.name()
        );
    }
    let _ = write!(o, "</tr>");
    for row in summary_rows(runs) {
        let best = row.best();
        let _ = write!(o, "<tr><td>{}</td>", escape(row.name));
        for i in 0..row.values.len() {
            let class = if best.contains(&i) {
                " class=\"best\""
            } else {
                ""
            };
            let _ = write!(o, "<td{class}>{}</td>", escape(&row.format(i)));
        }
        let _ = write!(o, "</tr>");
    }
    let _ = writeln!(o, "</table><p class=\"note\">Best per row in green.</p>");
}

/// `x [lo, hi] unit`, as `m` is shown.
fn with_interval(m: Metric, x: f64, lo: Option<f64>, hi: Option<f64>) -> String {
    let sh = shown(m);
    let unit = if sh.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", sh.unit)
    };
    match (lo, hi) {
        (Some(lo), Some(hi)) => format!(
            "{} [{}, {}]{unit}",
            sh.number(x),
            sh.number(lo),
            sh.number(hi)
        ),
        _ => format!("{}{unit}", sh.number(x)),
    }
}

/// The row of `rows` about metric `m` of layout `l`.
fn find<T>(
    rows: &[T],
    m: Metric,
    l: LayoutKind,
    key: impl Fn(&T) -> (&str, LayoutKind),
) -> Option<&T> {
    rows.iter().find(|r| key(r) == (m.name(), l))
}

fn intervals_table(o: &mut String, res: &Replicated, rows: &[MetricInterval]) {
    let _ = writeln!(
        o,
        "<h2>Comparison: mean [95 % interval] over {} replications</h2>",
        res.replications()
    );
    header(o, res);
    for m in SHOWN {
        let _ = write!(o, "<tr><td>{}</td>", escape(shown(m).label));
        for i in 0..res.layouts.len() {
            let cell = find(rows, m, res.layouts[i], |r| (r.metric, r.layout)).map_or_else(
                String::new,
                |r| {
                    with_interval(
                        m,
                        r.mean.value,
                        r.ci95_low.map(|f| f.value),
                        r.ci95_high.map(|f| f.value),
                    )
                },
            );
            let _ = write!(o, "<td>{}</td>", escape(&cell));
        }
        let _ = write!(o, "</tr>");
    }
    let _ = writeln!(o, "</table>");
}

/// Is this difference a change for the better, for the worse, or neither ([`change`])?
fn class(m: Metric, d: &MetricDifference) -> &'static str {
    match change(m, d) {
        Some(true) => " class=\"best\"",
        Some(false) => " class=\"worse\"",
        None => "",
    }
}

fn differences_table(o: &mut String, res: &Replicated, b: Baseline<'_>) {
    let _ = writeln!(
        o,
        "<h2>Against the baseline “{}”: difference B − A [95 % paired interval]</h2>",
        escape(&b.scenario.name)
    );
    let crn = if b.paired.common_random_numbers {
        "Both ran replication <i>k</i> on the same seed (common random numbers), so each difference is paired and its interval narrow."
    } else {
        "The baseline ran on other seeds: the pairs are independent, the intervals valid but wider than with common random numbers."
    };
    let _ = writeln!(
        o,
        "<p class=\"note\">A is the pinned baseline, B this scenario. {crn} Green: better at the 95 % level; red: worse; plain: not told apart from 0.</p>"
    );
    header(o, res);
    for m in SHOWN {
        let _ = write!(o, "<tr><td>{}</td>", escape(shown(m).label));
        for i in 0..res.layouts.len() {
            match find(&b.paired.rows, m, res.layouts[i], |r| (r.metric, r.layout)) {
                Some(d) => {
                    let cell = with_interval(
                        m,
                        d.difference.value,
                        d.ci95_low.map(|f| f.value),
                        d.ci95_high.map(|f| f.value),
                    );
                    let _ = write!(o, "<td{}>{}</td>", class(m, d), escape(&cell));
                }
                None => {
                    let _ = write!(o, "<td></td>");
                }
            }
        }
        let _ = write!(o, "</tr>");
    }
    let _ = writeln!(o, "</table>");
}
