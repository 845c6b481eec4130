//! The comparison's charts: latency CDF, p99 per user area, cost by part, and the
//! per-minute timeline of errors, p99 and serving instances per region. Pure drawing of `RunResult`s.

use super::layout_color;
use egui::{Color32, Ui};
use egui_plot::{Bar, BarChart, GridMark, HLine, HoverPosition, Legend, Line, Plot, PlotPoints};
use sim_core::experiment::RunResult;
use std::ops::RangeInclusive;

/// How many user areas the p99 chart shows (the ones with most requests).
pub const TOP_AREAS: usize = 10;

const COMPUTE: Color32 = Color32::from_rgb(110, 140, 230);
const TRANSFER: Color32 = Color32::from_rgb(230, 150, 60);
const EGRESS: Color32 = Color32::from_rgb(60, 170, 170);

/// Marks at every whole number of a range (for category axes).
fn integer_marks(input: egui_plot::GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let (lo, hi) = (lo.ceil() as i64, hi.floor() as i64);
    (lo.max(-1)..=hi.min(lo.max(-1) + 200))
        .map(|i| GridMark {
            value: i as f64,
            step_size: 1.0,
        })
        .collect()
}

/// Grid marks at 1-2-5 steps (…, 0.5, 1, 2, 10, 20, 100, …; each step divides the next,
/// so a line's weight says which step it is on). egui_plot's default spaces by powers of
/// ten, and a ten-minute axis two plots wide then had one label ("10"), a cost axis from
/// 8,012 to 8,936 only "8000"; a step of 2 or 5 between them is labelled where a power of
/// ten has no room.
pub fn nice_marks(input: egui_plot::GridInput) -> Vec<GridMark> {
    let base = input.base_step_size;
    let (lo, hi) = input.bounds;
    if !(base > 0.0 && base.is_finite() && lo.is_finite() && hi.is_finite() && lo < hi) {
        return Vec::new();
    }
    let a = nice_step_at_least(base);
    let b = next_step(a);
    let c = next_step(b);
    let (first, last) = ((lo / a).ceil() as i64, (hi / a).floor() as i64);
    // A few hundred marks at most (the smallest step is a few points apart).
    let last = last.min(first.saturating_add(2000));
    let on = |v: f64, s: f64| ((v / s).round() * s - v).abs() <= 1e-9 * s;
    (first..=last)
        .map(|i| {
            let v = i as f64 * a;
            let step_size = if on(v, c) {
                c
            } else if on(v, b) {
                b
            } else {
                a
            };
            GridMark {
                value: v,
                step_size,
            }
        })
        .collect()
}

/// The smallest step of the 1-2-5 ladder not below `x` (> 0).
fn nice_step_at_least(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|s| *s >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

/// The next step that `s` divides: 1 → 2, 2 → 10, 5 → 10 (times a power of ten).
fn next_step(s: f64) -> f64 {
    let p = 10f64.powf(s.log10().floor());
    let m = (s / p).round();
    if m == 2.0 {
        s * 5.0
    } else {
        s * 2.0
    }
}

/// The label of category `i` if the mark sits on it.
fn category(names: &[String], v: f64) -> String {
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    names.get(i as usize).cloned().unwrap_or_default()
}

/// Cumulative distribution of all latencies, one line per layout, on a log-latency axis.
pub fn latency_cdf(ui: &mut Ui, runs: &[RunResult], height: f32) {
    ui.strong("Latency CDF (all served requests)");
    Plot::new("cdf")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("latency (ms, log scale)")
        .y_axis_label("fraction ≤ x")
        .x_grid_spacer(log_marks)
        .x_axis_formatter(|m: GridMark, _r: &RangeInclusive<f64>| log_label(m.value))
        .label_formatter(|hover| match hover {
            HoverPosition::NearDataPoint {
                plot_name,
                position: p,
                ..
            } if !plot_name.is_empty() => Some(format!(
                "{plot_name}\n{:.1} ms: {:.3}",
                10f64.powf(p.x),
                p.y
            )),
            _ => None,
        })
        .include_y(0.0)
        .include_y(1.0)
        .allow_scroll(false)
        .show(ui, |pu| {
            pu.hline(HLine::new("p99", 0.99).color(Color32::GRAY).width(0.5));
            for r in runs {
                let pts = cdf_log_points(&r.rec.all.cdf_points());
                pu.line(
                    Line::new(r.layout().name(), PlotPoints::new(pts))
                        .color(layout_color(r.layout()))
                        .width(2.0),
                );
            }
        });
}

/// `(log10 ms, fraction)` points of a CDF, without the run of zeros before the first
/// latency (all but the last zero point are dropped).
pub fn cdf_log_points(cdf: &[(f64, f64)]) -> Vec<[f64; 2]> {
    let first = cdf.iter().position(|(_, f)| *f > 0.0).unwrap_or(cdf.len());
    cdf[first.saturating_sub(1)..]
        .iter()
        .filter(|(ms, _)| *ms > 0.0)
        .map(|(ms, f)| [ms.log10(), *f])
        .collect()
}

/// Grid marks of a log10 axis at 1, 2 and 5 times each power of ten.
fn log_marks(input: egui_plot::GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi - lo > 30.0 {
        return Vec::new();
    }
    let mut marks = Vec::new();
    for k in (lo.floor() as i32)..=(hi.ceil() as i32) {
        for (m, step) in [(1.0f64, 1.0), (2.0, 0.3), (5.0, 0.3)] {
            let value = f64::from(k) + m.log10();
            if value >= lo && value <= hi {
                marks.push(GridMark {
                    value,
                    step_size: step,
                });
            }
        }
    }
    marks
}

/// The label of a log10 axis mark, in the axis' own unit.
fn log_label(v: f64) -> String {
    let x = 10f64.powf(v);
    if x >= 1.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// Indices of the `n` areas with the most requests (in the first run), most first.
pub fn top_areas(runs: &[RunResult], n: usize) -> Vec<usize> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    let areas = &first.summary.areas;
    let mut idx: Vec<usize> = (0..areas.len()).collect();
    idx.sort_by(|&a, &b| areas[b].requests.cmp(&areas[a].requests).then(a.cmp(&b)));
    idx.truncate(n);
    idx
}

/// p99 latency per user area, grouped horizontal bars (one per layout).
pub fn area_p99(ui: &mut Ui, runs: &[RunResult], height: f32) {
    let top = top_areas(runs, TOP_AREAS);
    ui.strong(format!(
        "p99 latency per user area (top {} by traffic)",
        top.len()
    ));
    let Some(first) = runs.first() else {
        return;
    };
    // Most traffic at the top: the first area gets the highest row.
    let names: Vec<String> = top
        .iter()
        .rev()
        .map(|&a| first.summary.areas[a].area.clone())
        .collect();
    let rows = names.len();
    let w = 0.8 / runs.len().max(1) as f64;
    Plot::new("area-p99")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("p99 (ms)")
        .y_grid_spacer(integer_marks)
        .y_axis_formatter(move |m, _| category(&names, m.value))
        .y_axis_min_width(130.0)
        .include_x(0.0)
        .allow_scroll(false)
        .show(ui, |pu| {
            for (j, r) in runs.iter().enumerate() {
                let offset = (j as f64 - (runs.len() as f64 - 1.0) / 2.0) * w;
                let bars = top
                    .iter()
                    .enumerate()
                    .map(|(k, &a)| {
                        let row = (rows - 1 - k) as f64;
                        let area = &r.summary.areas[a];
                        Bar::new(row - offset, area.p99_ms)
                            .width(w * 0.95)
                            .name(&area.area)
                    })
                    .collect();
                pu.bar_chart(
                    BarChart::new(r.layout().name(), bars)
                        .horizontal()
                        .color(layout_color(r.layout())),
                );
            }
        });
}

/// Cost per month by part, stacked, one bar per layout.
pub fn cost(ui: &mut Ui, runs: &[RunResult], height: f32) {
    ui.strong("Cost per month (USD) by part");
    let names: Vec<String> = runs.iter().map(|r| r.layout().name().to_string()).collect();
    let part = |name: &str, color: Color32, f: &dyn Fn(&RunResult) -> f64| {
        let bars = runs
            .iter()
            .enumerate()
            .map(|(i, r)| Bar::new(i as f64, f(r)).width(0.6).name(r.layout().name()))
            .collect();
        BarChart::new(name, bars).color(color)
    };
    let compute = part("compute", COMPUTE, &|r| r.summary.compute_usd_month);
    let transfer =
        part("transfer", TRANSFER, &|r| r.summary.transfer_usd_month).stack_on(&[&compute]);
    let egress =
        part("egress", EGRESS, &|r| r.summary.egress_usd_month).stack_on(&[&compute, &transfer]);
    Plot::new("cost")
        .height(height)
        .legend(Legend::default())
        .x_grid_spacer(integer_marks)
        .x_axis_formatter(move |m, _| category(&names, m.value))
        .y_axis_label("USD / month")
        .y_axis_min_width(60.0)
        .include_y(0.0)
        .allow_scroll(false)
        .show(ui, |pu| {
            pu.bar_chart(compute);
            pu.bar_chart(transfer);
            pu.bar_chart(egress);
        });
}

/// A legend drawn above a chart, not over it: one swatch and name per line (and per
/// shaded failure). The plots' own legend sits in a corner of the data and, with six
/// regions or a few failures, hid the very spikes the chart is about (seen at 1400 × 900
/// and 1024 × 700).
pub fn legend_row(ui: &mut Ui, items: &[(String, Color32)]) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for (name, color) in items {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, *color);
            ui.label(egui::RichText::new(name).small());
            ui.add_space(6.0);
        }
    });
}

/// The legend items of shaded failure windows: each distinct label once.
pub fn window_items(windows: &[Window]) -> Vec<(String, Color32)> {
    let mut out: Vec<(String, Color32)> = Vec::new();
    for w in windows {
        if !out.iter().any(|(n, _)| n == &w.what) {
            // The shade itself is faint (alpha 28 over the plot); its swatch is stronger.
            out.push((
                w.what.clone(),
                Color32::from_rgba_unmultiplied(220, 60, 60, 90),
            ));
        }
    }
    out
}

/// A colour per region index, distinct for the first dozen.
pub fn region_color(i: usize) -> Color32 {
    const P: [Color32; 10] = [
        Color32::from_rgb(31, 119, 180),
        Color32::from_rgb(255, 127, 14),
        Color32::from_rgb(44, 160, 44),
        Color32::from_rgb(214, 39, 40),
        Color32::from_rgb(148, 103, 189),
        Color32::from_rgb(140, 86, 75),
        Color32::from_rgb(227, 119, 194),
        Color32::from_rgb(127, 127, 127),
        Color32::from_rgb(188, 189, 34),
        Color32::from_rgb(23, 190, 207),
    ];
    P[i % P.len()]
}

/// Per-minute points of one region in one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegionSeries {
    pub region: String,
    /// `[minute, failed requests]` for minutes with requests.
    pub failed: Vec<[f64; 2]>,
    /// `[minute, p99 ms]` for minutes with served requests.
    pub p99: Vec<[f64; 2]>,
    /// `[minute, mean serving instances]` (timeseries.csv's `instances`): shows
    /// autoscaling and zone outages.
    pub instances: Vec<[f64; 2]>,
}

/// Per-minute series of one run, one per region (minutes from simulated time zero; on long
/// runs a point stands for a wider bucket). Each point is drawn at the middle of its
/// bucket, as the report's charts above it draw theirs: a spike in minute 5 sits at 5.5 in
/// both (it sat at 5 here and at 5.5 there). Buckets after the end
/// of the run's window are left out: they hold only the drain (requests answered or timed
/// out after it), a few outcomes that would draw a cliff which never happened.
pub fn minute_series(r: &RunResult) -> Vec<RegionSeries> {
    let end = sim_core::report::chart::window_end_min(r);
    let mut out: Vec<RegionSeries> = r
        .summary
        .region_ids
        .iter()
        .map(|id| RegionSeries {
            region: id.clone(),
            ..Default::default()
        })
        .collect();
    let half = r.rec.series.width_mins() as f64 / 2.0;
    for (m, region, cell) in r.rec.series.cells() {
        if m as f64 >= end {
            break;
        }
        let minute = m as f64 + half;
        let Some(s) = out.get_mut(region) else {
            continue;
        };
        s.instances
            .push([minute, r.rec.series.instances(m, region)]);
        if cell.requests == 0 {
            continue;
        }
        s.failed.push([minute, cell.failed as f64]);
        if cell.latency.count() > 0 {
            s.p99.push([minute, cell.latency.quantile_ms(0.99)]);
        }
    }
    out
}

/// The scheduled failures as windows to shade: the same ones the HTML report shades.
pub use sim_core::report::chart::{failure_windows, Window};

/// `points` split where a bucket has no data (no requests that minute), so that a line
/// never joins across a gap: each run of consecutive buckets is one segment.
pub fn segments(points: &[[f64; 2]], width_min: f64) -> Vec<Vec<[f64; 2]>> {
    let mut out: Vec<Vec<[f64; 2]>> = Vec::new();
    for &p in points {
        match out.last_mut() {
            Some(seg) if seg.last().is_some_and(|q| p[0] - q[0] <= width_min * 1.5) => seg.push(p),
            _ => out.push(vec![p]),
        }
    }
    out
}

/// Whether a region took part in the run: it got requests or ran instances.
pub fn is_used(s: &RegionSeries) -> bool {
    !s.failed.is_empty() || !s.p99.is_empty() || s.instances.iter().any(|p| p[1] > 0.0)
}

/// Errors and p99 per minute per region of one run, on two plots sharing the time axis;
/// the scheduled failures shaded.
pub fn timeline(ui: &mut Ui, r: &RunResult, windows: &[Window], height: f32) {
    let series = minute_series(r);
    let width = r.rec.series.width_mins() as f64;
    let end = (sim_core::report::chart::window_end_min(r) / width).ceil() * width;
    let windows = &sim_core::report::chart::clip_windows(windows, end);
    // Only the regions this layout used (an active-passive run leaves the others idle):
    // each keeps its colour, which is by region, the same in every layout.
    let mut items: Vec<(String, Color32)> = series
        .iter()
        .enumerate()
        .filter(|(_, s)| is_used(s))
        .map(|(i, s)| (s.region.clone(), region_color(i)))
        .collect();
    items.extend(window_items(windows));
    legend_row(ui, &items);
    ui.columns(2, |cols| {
        let (left, right) = cols.split_at_mut(1);
        let plot = |ui: &mut Ui, title, id, y_unit, points| {
            minute_plot(
                ui, title, id, y_unit, &series, windows, width, height, points,
            )
        };
        plot(
            &mut left[0],
            "failed requests per minute",
            "timeline-errors",
            "failed requests",
            |s: &RegionSeries| &s.failed,
        );
        plot(
            &mut right[0],
            "p99 latency per minute",
            "timeline-p99",
            "p99 (ms)",
            |s: &RegionSeries| &s.p99,
        );
    });
    minute_plot(
        ui,
        "running instances per minute (mean; autoscaling and zone outages move it; a region outage leaves them running, unreachable)",
        "timeline-instances",
        "instances",
        &series,
        windows,
        width,
        height * 0.75,
        |s: &RegionSeries| &s.instances,
    );
}

/// One per-minute plot of every region, its time axis and cursor linked to the others.
#[allow(clippy::too_many_arguments)]
fn minute_plot(
    ui: &mut Ui,
    title: &str,
    id: &str,
    y_unit: &str,
    series: &[RegionSeries],
    windows: &[Window],
    width_min: f64,
    height: f32,
    points: fn(&RegionSeries) -> &Vec<[f64; 2]>,
) {
    let top = series
        .iter()
        .flat_map(|s| points(s).iter().map(|p| p[1]))
        .fold(1.0_f64, f64::max)
        * 1.05;
    let link = egui::Id::unique("timeline-x");
    ui.label(title);
    Plot::new(id)
        .height(height)
        .x_grid_spacer(nice_marks)
        .link_axis(link, [true, false])
        .link_cursor(link, [true, false])
        .x_axis_label("simulated time (min)")
        .y_axis_label(y_unit)
        .include_y(0.0)
        .allow_scroll(false)
        .show(ui, |pu| {
            for w in windows {
                let shade = egui_plot::Polygon::new(
                    w.what.clone(),
                    PlotPoints::new(vec![
                        [w.start_min, 0.0],
                        [w.end_min, 0.0],
                        [w.end_min, top],
                        [w.start_min, top],
                    ]),
                )
                .fill_color(Color32::from_rgba_unmultiplied(220, 60, 60, 28))
                .stroke(egui::Stroke::NONE);
                pu.polygon(shade);
            }
            for (i, s) in series.iter().enumerate().filter(|(_, s)| is_used(s)) {
                for seg in segments(points(s), width_min) {
                    pu.line(
                        Line::new(s.region.clone(), PlotPoints::new(seg)).color(region_color(i)),
                    );
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(lo: f64, hi: f64, base: f64) -> Vec<(f64, f64)> {
        nice_marks(egui_plot::GridInput {
            bounds: (lo, hi),
            base_step_size: base,
        })
        .into_iter()
        .map(|m| (m.value, m.step_size))
        .collect()
    }

    #[test]
    fn grid_marks_step_one_two_ten() {
        assert_eq!(nice_step_at_least(0.3), 0.5);
        assert_eq!(nice_step_at_least(1.0), 1.0);
        assert_eq!(nice_step_at_least(13.0), 20.0);
        assert_eq!(next_step(0.5), 1.0);
        assert_eq!(next_step(1.0), 2.0);
        assert_eq!(next_step(2.0), 10.0);
        // Ten minutes, marks every half minute: 2-minute steps are the labelled ones.
        let m = marks(0.0, 10.0, 0.3);
        assert_eq!(m.len(), 21);
        let on = |s: f64| -> Vec<f64> { m.iter().filter(|x| x.1 == s).map(|x| x.0).collect() };
        assert_eq!(on(2.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(on(1.0), vec![1.0, 3.0, 5.0, 7.0, 9.0]);
        // Costs 8,012 to 8,936: marks every 20, heavier every 100 and 200.
        let m = marks(8012.0, 8936.0, 13.0);
        assert!(m.iter().any(|&(v, s)| v == 8200.0 && s == 200.0), "{m:?}");
        assert!(m.iter().any(|&(v, s)| v == 8100.0 && s == 100.0), "{m:?}");
        assert!(marks(1.0, 1.0, 0.1).is_empty());
        assert!(marks(0.0, 1.0, 0.0).is_empty());
    }

    /// The timeline ends with the run's window: the drain bucket after it is not drawn.
    /// An active-passive run leaves a third region idle: it is not in the legend.
    #[test]
    fn only_the_regions_a_layout_used_are_drawn() {
        let text = "duration = \"2m\"\nwarmup = \"30s\"\n[workload]\npeak_rps = 200.0\n\
                    [[regions]]\nid = \"aws:us-east-1\"\n[[regions]]\nid = \"aws:us-west-2\"\n\
                    [[regions]]\nid = \"aws:eu-west-1\"\n\
                    [active_passive]\nprimary = \"aws:us-east-1\"\nstandby = \"aws:us-west-2\"\n";
        let (s, cat) =
            sim_core::experiment::load_text(text, std::path::Path::new("t.toml")).unwrap();
        let spec = sim_core::spec::validate(&s, &cat).unwrap();
        let used = |layout| -> Vec<bool> {
            minute_series(&spec.run_layout(layout, 1))
                .iter()
                .map(is_used)
                .collect()
        };
        assert_eq!(
            used(sim_core::scenario::LayoutKind::ActivePassive),
            vec![true, true, false]
        );
        assert_eq!(
            used(sim_core::scenario::LayoutKind::ActiveActive),
            vec![true, true, true]
        );
    }

    #[test]
    fn minute_series_stop_at_the_end_of_the_window() {
        let text = "duration = \"2m\"\nwarmup = \"1m\"\n[workload]\npeak_rps = 200.0\n\
                    [[regions]]\nid = \"aws:us-east-1\"\n[[regions]]\nid = \"aws:eu-west-1\"\n\
                    [[failures]]\nkind = \"region-outage\"\nregion = \"aws:us-east-1\"\n\
                    start = \"1m\"\nduration = \"1h\"\n";
        let (s, cat) =
            sim_core::experiment::load_text(text, std::path::Path::new("t.toml")).unwrap();
        let spec = sim_core::spec::validate(&s, &cat).unwrap();
        let r = spec.run_layout(sim_core::scenario::LayoutKind::ActiveActive, 1);
        let end = r.rec.window_end.as_secs_f64() / 60.0;
        assert!(
            r.rec.series.cells().any(|c| c.0 as f64 >= end),
            "a drain bucket exists"
        );
        for s in minute_series(&r) {
            for p in s.failed.iter().chain(&s.p99).chain(&s.instances) {
                assert!(p[0] < end, "{}: {p:?} at or after {end}", s.region);
                // At the middle of its minute, as the report's charts draw theirs.
                assert_eq!(p[0].fract(), 0.5, "{}: {p:?}", s.region);
            }
            assert!(!s.instances.is_empty());
        }
    }

    #[test]
    fn lines_break_where_minutes_have_no_data() {
        let pts = [[0.0, 1.0], [1.0, 2.0], [2.0, 3.0], [6.0, 1.0], [7.0, 1.0]];
        let segs = segments(&pts, 1.0);
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0].len(), 3);
        assert_eq!(segs[1], vec![[6.0, 1.0], [7.0, 1.0]]);
        // Wider buckets (long runs) are consecutive at their own width.
        assert_eq!(
            segments(&[[0.0, 1.0], [4.0, 1.0], [8.0, 1.0]], 4.0).len(),
            1
        );
    }

    #[test]
    fn failure_windows_are_in_minutes_and_say_what_failed() {
        let (s, _) = sim_core::experiment::load_scenario(None).unwrap();
        let w = failure_windows(&s);
        assert_eq!(w.len(), 1);
        assert_eq!((w[0].start_min, w[0].end_min), (4.0, 9.0));
        assert_eq!(w[0].what, "outage of aws:us-east-1");
    }

    #[test]
    fn cdf_points_start_at_the_last_zero_and_use_log_ms() {
        let cdf = [
            (0.001, 0.0),
            (0.01, 0.0),
            (10.0, 0.0),
            (100.0, 0.5),
            (1000.0, 1.0),
        ];
        assert_eq!(
            cdf_log_points(&cdf),
            vec![[1.0, 0.0], [2.0, 0.5], [3.0, 1.0]]
        );
        assert!(cdf_log_points(&[]).is_empty());
    }

    #[test]
    fn log_labels_read_in_ms() {
        assert_eq!(log_label(2.0), "100");
        assert_eq!(log_label(2f64.log10()), "2");
        assert_eq!(log_label(-1.0), "0.10");
    }
}
