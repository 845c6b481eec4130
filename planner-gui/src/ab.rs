//! A vs B with confidence, and a report to share (#19): replications, the pinned
//! baseline, the HTML report and charts as PNG.
//!
//! One run is one sample: on another seed its p99 or its downtime would differ. So a
//! comparison can run every layout `R` times ([`AbState::replications`]) on common random
//! numbers ([`sim_core::experiment::Resolved::replicate_watched`]), and the table shows
//! each metric's mean with its 95 % interval. To see what an edit does, the user pins the
//! current results as the baseline A, edits, and compares again (B): the table then shows
//! per metric and layout the mean paired difference B − A with its 95 % interval
//! ([`sim_core::metrics::replicated::paired`]), which can tell a change apart from noise
//! where two overlapping intervals cannot.
//!
//! The baseline keeps only what pairing needs: its scenario and every replication's
//! summary ([`Samples`]), a few kilobytes. It survives opening another file (comparing
//! two files is the point) and is dropped only by "Clear baseline".
//!
//! The report and the PNG charts are `sim_core::report`'s, the same the command line
//! writes (`regionsim compare --report`): the app formats no file of its own. Files are
//! written atomically ([`write_atomic`]): a crash never leaves half a report.

use crate::state::{AppState, Message, Results};
use crate::Command;
use sim_core::experiment::{Replicated, RunResult};
use sim_core::export::write_atomic;
use sim_core::metrics::replicated::{intervals, paired, PairError};
use sim_core::metrics::{MetricInterval, Paired, Replications, RunSummary};
use sim_core::report::chart::{self, Chart, Line};
use sim_core::report::{html, svg_to_png, Baseline as ReportBaseline, ReportInput};
use sim_core::scenario::{LayoutKind, Scenario};
use std::path::{Path, PathBuf};

/// Most replications the window offers (each is a full run of every layout; the command
/// line allows more).
pub const MAX_REPLICATIONS: u32 = 30;

/// PNG charts are rasterised at twice the report's size, sharp enough for a slide.
pub const PNG_SCALE: u32 = 2;

/// Every replication's summary of one comparison: what intervals and paired differences
/// read. `runs[i][k]` is replication `k` of `layouts[i]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Samples {
    pub layouts: Vec<LayoutKind>,
    /// The master seed (replication 0's).
    pub seed: u64,
    pub runs: Vec<Vec<RunSummary>>,
}

impl Samples {
    /// Replications per layout.
    pub fn count(&self) -> usize {
        self.runs.first().map_or(0, Vec::len)
    }

    pub fn view(&self) -> Replications<'_> {
        Replications {
            layouts: &self.layouts,
            runs: &self.runs,
        }
    }

    /// Mean and 95 % interval of every metric of every layout.
    pub fn intervals(&self) -> Vec<MetricInterval> {
        intervals(self.view())
    }
}

/// A replicated comparison split into replication 0 in full (the charts, the CSV files)
/// and every replication's summary.
pub fn split(r: Replicated) -> (Vec<RunResult>, Samples) {
    let samples = Samples {
        layouts: r.layouts,
        seed: r.seed,
        runs: r.runs,
    };
    (r.first, samples)
}

/// Results pinned as A.
#[derive(Clone, Debug, PartialEq)]
pub struct Baseline {
    /// The scenario A ran.
    pub scenario: Scenario,
    pub samples: Samples,
}

/// Replications and the pinned baseline: kept across New and Open.
#[derive(Clone, Debug, PartialEq)]
pub struct AbState {
    /// How many times Compare runs each layout (1 = a single run).
    pub replications: u32,
    pub baseline: Option<Baseline>,
}

impl Default for AbState {
    fn default() -> Self {
        AbState {
            replications: 1,
            baseline: None,
        }
    }
}

/// The results `res` (B) against the baseline (A): paired differences B − A, or why
/// they cannot be paired.
pub fn against(res: &Results, base: &Baseline) -> Result<Paired, PairError> {
    paired(base.samples.view(), res.samples.view())
}

/// The time charts of the compare view, each of which can be saved as a PNG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeChart {
    /// p99 latency over time, one line per layout (the report's).
    Latency,
    /// Requests served over time, one line per layout (the report's).
    Availability,
    /// Failed requests per minute, one line per region, of one layout.
    RegionFailed(LayoutKind),
    /// p99 latency per minute, one line per region, of one layout.
    RegionP99(LayoutKind),
}

/// The regions' colours as hex, the same as [`crate::panels::charts::region_color`].
const REGION_HEX: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

impl TimeChart {
    /// The chart of `res` (replication 0), with the scheduled failures shaded; `None` if
    /// the layout did not run.
    pub fn chart(&self, res: &Results) -> Option<Chart> {
        let windows = chart::failure_windows(&res.scenario);
        match *self {
            TimeChart::Latency => Some(chart::latency_over_time(&res.runs, &windows)),
            TimeChart::Availability => Some(chart::availability_over_time(&res.runs, &windows)),
            TimeChart::RegionFailed(l) | TimeChart::RegionP99(l) => {
                let r = res.runs.iter().find(|r| r.layout() == l)?;
                Some(region_chart(
                    r,
                    windows,
                    matches!(self, TimeChart::RegionP99(_)),
                ))
            }
        }
    }

    /// A file name to offer.
    pub fn file_name(&self) -> String {
        match self {
            TimeChart::Latency => "p99-over-time.png".into(),
            TimeChart::Availability => "availability-over-time.png".into(),
            TimeChart::RegionFailed(l) => format!("failed-per-minute-{}.png", l.name()),
            TimeChart::RegionP99(l) => format!("p99-per-minute-{}.png", l.name()),
        }
    }
}

/// The per-region timeline of one run as a chart: failed requests or p99 per minute
/// ([`crate::panels::charts::minute_series`], as the window draws it), with a gap where
/// a minute had no data.
fn region_chart(r: &RunResult, windows: Vec<chart::Window>, p99: bool) -> Chart {
    let width = r.rec.series.width_mins() as f64;
    let lines = crate::panels::charts::minute_series(r)
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let pts = if p99 { &s.p99 } else { &s.failed };
            let mut points: Vec<(f64, Option<f64>)> = Vec::with_capacity(pts.len());
            for p in pts {
                if points.last().is_some_and(|q| p[0] - q.0 > width * 1.5) {
                    points.push((p[0] - width, None));
                }
                points.push((p[0], Some(p[1])));
            }
            Line {
                name: s.region,
                color: REGION_HEX[i % REGION_HEX.len()],
                points,
            }
        })
        .collect();
    let x_end = r
        .rec
        .series
        .cells()
        .last()
        .map_or(0.0, |c| (c.0 as f64) + width);
    let l = r.layout().name();
    Chart {
        title: if p99 {
            format!("p99 latency per minute by region — {l}")
        } else {
            format!("failed requests per minute by region — {l}")
        },
        x_label: "simulated time (min)",
        y_label: if p99 {
            "p99 latency (ms)"
        } else {
            "failed requests per minute"
        },
        lines,
        windows,
        x_end,
    }
}

/// What the compare view and the File menu ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum AbCommand {
    /// Replications of the next Compare (1..=[`MAX_REPLICATIONS`]; others are refused
    /// with a message).
    SetReplications(u32),
    /// Pin the current results as the baseline A.
    Pin,
    ClearBaseline,
    /// Write the HTML report of the current results to this file.
    ExportReport(PathBuf),
    ExportReportDialog,
    /// Write this chart of the current results as a PNG file.
    SaveChart(TimeChart, PathBuf),
    SaveChartDialog(TimeChart),
}

impl From<AbCommand> for Command {
    fn from(c: AbCommand) -> Self {
        Command::Ab(c)
    }
}

/// Carries out `cmd` (the dialogs are the app's: it asks for them itself).
pub fn handle(st: &mut AppState, cmd: AbCommand) {
    let msg = match cmd {
        AbCommand::SetReplications(r) if (1..=MAX_REPLICATIONS).contains(&r) => {
            st.ab.replications = r;
            return;
        }
        // Refused in words, not clamped: the field goes back to the count in force.
        AbCommand::SetReplications(r) => Message::error(format!(
            "Replications: give 1 to {MAX_REPLICATIONS} runs of each layout (1 = a single \
             run), got {r}; keeping {}",
            st.ab.replications
        )),
        AbCommand::Pin => match &st.results {
            Some(res) => {
                st.ab.baseline = Some(Baseline {
                    scenario: res.scenario.clone(),
                    samples: res.samples.clone(),
                });
                Message::info(format!(
                    "pinned “{}” ({} replication(s), seed {}) as the baseline A: edit, then Compare",
                    res.scenario.name,
                    res.samples.count(),
                    res.samples.seed
                ))
            }
            None => Message::error("nothing to pin: run Compare first"),
        },
        AbCommand::ClearBaseline => {
            st.ab.baseline = None;
            Message::info("baseline cleared")
        }
        AbCommand::ExportReport(p) => export_report(st, &with_extension(p, "html")),
        AbCommand::SaveChart(c, p) => save_chart(st, c, &with_extension(p, "png")),
        // The app asks for a path and comes back with the commands above.
        AbCommand::ExportReportDialog | AbCommand::SaveChartDialog(_) => return,
    };
    st.message = Some(msg);
}

/// `p`, with `.ext` added when it has no extension (a name typed without one).
fn with_extension(p: PathBuf, ext: &str) -> PathBuf {
    if p.extension().is_none() && !p.is_dir() {
        p.with_extension(ext)
    } else {
        p
    }
}

/// The report of `res` as HTML, with the differences against `base` when the two can be
/// paired; the second value says why they could not.
pub fn report_html(
    res: &Results,
    base: Option<&Baseline>,
) -> Result<(String, Option<PairError>), String> {
    let replicated = Replicated {
        layouts: res.samples.layouts.clone(),
        seed: res.samples.seed,
        first: res.runs.clone(),
        runs: res.samples.runs.clone(),
    };
    let pair = base.map(|b| (b, against(res, b)));
    let (paired, refused) = match &pair {
        Some((b, Ok(p))) => (Some((*b, p)), None),
        Some((_, Err(e))) => (None, Some(e.clone())),
        None => (None, None),
    };
    let page = html(&ReportInput {
        scenario: &res.scenario,
        results: &replicated,
        baseline: paired.map(|(b, p)| ReportBaseline {
            scenario: &b.scenario,
            paired: p,
        }),
    })?;
    Ok((page, refused))
}

fn not_a_folder(path: &Path, example: &str) -> Result<(), String> {
    if path.is_dir() {
        Err(format!(
            "{} is a folder: name the file to write (e.g. {example})",
            path.display()
        ))
    } else {
        Ok(())
    }
}

fn export_report(st: &AppState, path: &Path) -> Message {
    let Some(res) = &st.results else {
        return Message::error("no results to report: run Compare first");
    };
    let written = not_a_folder(path, "report.html")
        .and_then(|()| report_html(res, st.ab.baseline.as_ref()))
        .and_then(|(page, refused)| {
            write_atomic(path, page.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(refused)
        });
    match written {
        Ok(None) => Message::info(format!("wrote the report {}", path.display())),
        Ok(Some(why)) => Message::info(format!(
            "wrote the report {} without the differences to the baseline: {why}",
            path.display()
        )),
        Err(e) => Message::error(e),
    }
}

fn save_chart(st: &AppState, which: TimeChart, path: &Path) -> Message {
    let Some(chart) = st.results.as_ref().and_then(|r| which.chart(r)) else {
        return Message::error("no results to chart: run Compare first");
    };
    let (w, h) = (chart::WIDTH, chart::HEIGHT);
    let written = not_a_folder(path, &which.file_name()).and_then(|()| {
        let png = svg_to_png(&chart.svg(w, h), PNG_SCALE * w, PNG_SCALE * h)
            .map_err(|e| e.to_string())?;
        write_atomic(path, &png).map_err(|e| format!("cannot write {}: {e}", path.display()))
    });
    match written {
        Ok(()) => Message::info(format!("saved the chart {}", path.display())),
        Err(e) => Message::error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_without_extension_gets_one() {
        let dir = std::env::temp_dir();
        assert_eq!(
            with_extension(PathBuf::from("/x/report"), "html"),
            PathBuf::from("/x/report.html")
        );
        assert_eq!(
            with_extension(PathBuf::from("/x/r.htm"), "html"),
            PathBuf::from("/x/r.htm")
        );
        // A folder stays a folder (and is refused with a message).
        assert_eq!(with_extension(dir.clone(), "png"), dir);
        assert!(not_a_folder(&dir, "a.png")
            .unwrap_err()
            .contains("is a folder"));
    }
}
