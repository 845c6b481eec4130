//! Line charts over simulated time, drawn as SVG text: the report embeds them inline and
//! [`super::png`] rasterises the same SVG, so a chart looks the same in both.
//!
//! A chart is data (lines of points, shaded windows, axis labels with units), built from
//! runs by [`latency_over_time`] and [`availability_over_time`]; [`Chart::svg`] lays it
//! out. Buckets without requests are gaps in the line, not straight joins across them,
//! and every scheduled failure is a shaded band labelled with what failed.

use crate::experiment::RunResult;
use crate::metrics::LatencyHist;
use crate::scenario::{FailureSpec, LayoutKind, Scenario};
use std::fmt::Write;

/// A layout's colour (the GUI's, as hex).
pub fn layout_hex(l: LayoutKind) -> &'static str {
    match l {
        LayoutKind::ActivePassive => "#e68c28",
        LayoutKind::ActiveActive => "#4682dc",
        LayoutKind::Sharded => "#3caa5a",
    }
}

/// One line: its name, colour and points `(x, y)`; `None` is a gap.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub name: String,
    pub color: &'static str,
    pub points: Vec<(f64, Option<f64>)>,
}

/// A scheduled failure's interval in simulated minutes, and what it was.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    pub start_min: f64,
    pub end_min: f64,
    pub what: String,
}

/// A line chart over simulated minutes.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub title: String,
    pub x_label: &'static str,
    pub y_label: &'static str,
    pub lines: Vec<Line>,
    pub windows: Vec<Window>,
    /// Where the x axis ends (the end of the last bucket); 0 to fit the data and windows.
    pub x_end: f64,
}

/// Default size of a chart, in pixels.
pub const WIDTH: u32 = 760;
pub const HEIGHT: u32 = 300;

/// The scheduled failures of `s` as windows to shade.
pub fn failure_windows(s: &Scenario) -> Vec<Window> {
    s.failures
        .iter()
        .map(|f| {
            let what = match f {
                FailureSpec::RegionOutage { region, .. } => format!("outage of {region}"),
                FailureSpec::CapacityLoss { region, .. } => format!("capacity loss at {region}"),
                FailureSpec::Degradation {
                    region: Some(r), ..
                } => format!("{r} slow"),
                FailureSpec::Degradation { regions, .. } => {
                    format!("slow link {}", regions.join("–"))
                }
                FailureSpec::Partition {
                    area: Some(a),
                    region: Some(r),
                    ..
                } => format!("{a} cut off from {r}"),
                FailureSpec::Partition { regions, .. } => {
                    format!("partition {}", regions.join("–"))
                }
                FailureSpec::ZoneOutage { region, zone, .. } => {
                    format!("zone {zone} of {region} down")
                }
                FailureSpec::DependencyOutage { dependency, .. } => {
                    format!("{dependency} down")
                }
            };
            let start_min = f.start().as_secs_f64() / 60.0;
            Window {
                start_min,
                end_min: start_min + f.duration().as_secs_f64() / 60.0,
                what,
            }
        })
        .collect()
}

/// Per time bucket of `r`, over all regions: `(middle minute, requests, failed,
/// latency)`. A bucket is drawn at its middle: it holds the outcomes of its whole width.
///
/// Buckets that start at or after the end of the run's window are left out: they hold
/// only the drain — requests of the window answered or timed out after it — a few
/// outcomes, mostly failures, that would draw a cliff which never happened.
fn buckets(r: &RunResult) -> Vec<(f64, u64, u64, LatencyHist)> {
    let half = r.rec.series.width_mins() as f64 / 2.0;
    let end = window_end_min(r);
    let mut out: Vec<(f64, u64, u64, LatencyHist)> = Vec::new();
    for (minute, _, cell) in r.rec.series.cells() {
        if minute as f64 >= end {
            break;
        }
        let mid = minute as f64 + half;
        if out.last().is_none_or(|b| b.0 != mid) {
            out.push((mid, 0, 0, LatencyHist::with_precision(2)));
        }
        if let Some(b) = out.last_mut() {
            b.1 += cell.requests;
            b.2 += cell.failed;
            b.3.merge(&cell.latency);
        }
    }
    out
}

/// The end of the run's measured window (warm-up + duration), in simulated minutes.
pub fn window_end_min(r: &RunResult) -> f64 {
    r.rec.window_end.as_secs_f64() / 60.0
}

/// The end of the last bucket drawn of any of `runs` (see [`buckets`]), in minutes.
fn x_end(runs: &[RunResult]) -> f64 {
    runs.iter()
        .map(|r| {
            let w = r.rec.series.width_mins();
            let end = window_end_min(r);
            r.rec
                .series
                .cells()
                .map(|c| c.0)
                .filter(|&m| (m as f64) < end)
                .last()
                .map_or(0, |m| m + w) as f64
        })
        .fold(0.0, f64::max)
}

/// `windows` cut at `x_end` (a failure lasting past the end of the run is shaded up to
/// it, not beyond: the axis would stretch to its end and squeeze the run into a corner).
pub fn clip_windows(windows: &[Window], x_end: f64) -> Vec<Window> {
    windows
        .iter()
        .filter(|w| w.start_min < x_end)
        .map(|w| Window {
            end_min: w.end_min.min(x_end),
            ..w.clone()
        })
        .collect()
}

/// p99 latency per time bucket, one line per layout.
pub fn latency_over_time(runs: &[RunResult], windows: &[Window]) -> Chart {
    Chart {
        title: "p99 latency over time".into(),
        x_label: "simulated time (min)",
        y_label: "p99 latency (ms)",
        lines: runs
            .iter()
            .map(|r| Line {
                name: r.layout().name().into(),
                color: layout_hex(r.layout()),
                points: buckets(r)
                    .into_iter()
                    .map(|(m, n, _, h)| (m, (n > 0 && h.count() > 0).then(|| h.quantile_ms(0.99))))
                    .collect(),
            })
            .collect(),
        windows: clip_windows(windows, x_end(runs)),
        x_end: x_end(runs),
    }
}

/// Served fraction (%) per time bucket, one line per layout.
pub fn availability_over_time(runs: &[RunResult], windows: &[Window]) -> Chart {
    Chart {
        title: "availability over time".into(),
        x_label: "simulated time (min)",
        y_label: "requests served (%)",
        lines: runs
            .iter()
            .map(|r| Line {
                name: r.layout().name().into(),
                color: layout_hex(r.layout()),
                points: buckets(r)
                    .into_iter()
                    .map(|(m, n, failed, _)| {
                        (
                            m,
                            (n > 0).then(|| 100.0 * (n - failed.min(n)) as f64 / n as f64),
                        )
                    })
                    .collect(),
            })
            .collect(),
        windows: clip_windows(windows, x_end(runs)),
        x_end: x_end(runs),
    }
}

/// Escapes text for SVG and HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// About five round steps covering `[lo, hi]`: 1, 2 or 5 times a power of ten.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(f64::EPSILON);
    let raw = span / 5.0;
    let p = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * p);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// A tick label with no more decimals than the step needs.
fn tick_label(x: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    format!("{x:.decimals$}")
}

impl Chart {
    /// The range of the data: x from 0 to the last point (windows included), y from the
    /// lowest to the highest value with a margin (from 0 when the values are positive
    /// and not all near the top).
    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let xs = self.lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
        let x_hi = if self.x_end > 0.0 {
            self.x_end
        } else {
            xs.chain(self.windows.iter().map(|w| w.end_min))
                .fold(1.0f64, f64::max)
        };
        let ys: Vec<f64> = self
            .lines
            .iter()
            .flat_map(|l| l.points.iter().filter_map(|p| p.1))
            .filter(|y| y.is_finite())
            .collect();
        let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if ys.is_empty() {
            (0.0, 1.0)
        } else if lo >= 0.0 && lo < 0.5 * hi {
            (0.0, hi * 1.05)
        } else {
            let pad = ((hi - lo) * 0.05).max(hi.abs() * 1e-6).max(1e-9);
            (lo - pad, hi + pad)
        };
        ((0.0, x_hi), (lo, hi))
    }

    /// The chart as a standalone SVG document of `width` × `height` pixels.
    pub fn svg(&self, width: u32, height: u32) -> String {
        let (w, h) = (f64::from(width), f64::from(height));
        let (left, right, top, bottom) = (64.0, 16.0, 30.0, 58.0);
        let ((x0, x1), (y0, y1)) = self.ranges();
        let px = |x: f64| left + (x - x0) / (x1 - x0) * (w - left - right);
        let py = |y: f64| top + (y1 - y) / (y1 - y0) * (h - top - bottom);
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" font-size="11">"#
        );
        let _ = write!(s, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##);
        let _ = write!(
            s,
            r##"<text x="{left}" y="18" font-size="13" font-weight="bold" fill="#222222">{}</text>"##,
            escape(&self.title)
        );
        for win in self.windows.iter().filter(|w| w.start_min < x1) {
            let (a, b) = (px(win.start_min.max(x0)), px(win.end_min.min(x1)));
            let _ = write!(
                s,
                r##"<rect x="{a:.1}" y="{top}" width="{:.1}" height="{:.1}" fill="#dc3c3c" fill-opacity="0.15"><title>{}</title></rect><text x="{:.1}" y="{:.1}" font-size="10" fill="#b02020">{}</text>"##,
                (b - a).max(1.0),
                h - top - bottom,
                escape(&win.what),
                a + 2.0,
                top + 12.0,
                escape(&win.what)
            );
        }
        // Axes, grid and ticks.
        let (yb, xr) = (h - bottom, w - right);
        let _ = write!(
            s,
            r##"<path d="M{left} {top}V{yb}H{xr}" fill="none" stroke="#444444"/>"##
        );
        let xt = ticks(x0, x1);
        let xstep = if xt.len() > 1 { xt[1] - xt[0] } else { 1.0 };
        for x in &xt {
            let _ = write!(
                s,
                r##"<path d="M{:.1} {yb}v4" stroke="#444444"/><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333333">{}</text>"##,
                px(*x),
                px(*x),
                yb + 16.0,
                tick_label(*x, xstep)
            );
        }
        let yt = ticks(y0, y1);
        let ystep = if yt.len() > 1 { yt[1] - yt[0] } else { 1.0 };
        for y in &yt {
            let _ = write!(
                s,
                r##"<path d="M{left} {:.1}H{xr}" stroke="#e4e4e4"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333333">{}</text>"##,
                py(*y),
                left - 4.0,
                py(*y) + 4.0,
                tick_label(*y, ystep)
            );
        }
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333333">{}</text><text transform="translate(14 {:.1}) rotate(-90)" text-anchor="middle" fill="#333333">{}</text>"##,
            (left + xr) / 2.0,
            yb + 32.0,
            escape(self.x_label),
            (top + yb) / 2.0,
            escape(self.y_label)
        );
        // Lines: a new sub-path after every gap.
        for line in &self.lines {
            let mut d = String::new();
            let mut pen_down = false;
            for &(x, y) in &line.points {
                match y.filter(|y| y.is_finite()) {
                    Some(y) => {
                        let _ = write!(
                            d,
                            "{}{:.1} {:.1}",
                            if pen_down { "L" } else { "M" },
                            px(x),
                            py(y)
                        );
                        pen_down = true;
                    }
                    None => pen_down = false,
                }
            }
            let _ = write!(
                s,
                r#"<path d="{d}" fill="none" stroke="{}" stroke-width="1.6"/>"#,
                line.color
            );
        }
        // Legend below the axis label.
        let mut lx = left;
        for line in &self.lines {
            let _ = write!(
                s,
                r##"<rect x="{lx}" y="{:.1}" width="14" height="3" fill="{}"/><text x="{:.1}" y="{:.1}" fill="#333333">{}</text>"##,
                h - 12.0,
                line.color,
                lx + 18.0,
                h - 8.0,
                escape(&line.name)
            );
            lx += 30.0 + 7.0 * line.name.chars().count() as f64;
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(points: Vec<(f64, Option<f64>)>) -> Chart {
        Chart {
            title: "t <&>".into(),
            x_label: "simulated time (min)",
            y_label: "p99 latency (ms)",
            lines: vec![Line {
                name: "sharded".into(),
                color: "#3caa5a",
                points,
            }],
            windows: vec![Window {
                start_min: 4.0,
                end_min: 9.0,
                what: "outage of aws:us-east-1".into(),
            }],
            x_end: 0.0,
        }
    }

    #[test]
    fn gaps_break_the_line_and_windows_are_shaded() {
        let svg = chart(vec![
            (0.0, Some(1.0)),
            (1.0, Some(2.0)),
            (2.0, None),
            (3.0, Some(2.0)),
        ])
        .svg(WIDTH, HEIGHT);
        let d = svg
            .split(r#"<path d=""#)
            .find(|p| p.contains(r##"stroke="#3caa5a""##))
            .unwrap();
        // Two sub-paths: M…L… then M… after the gap.
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('L').count(), 1, "{d}");
        assert!(svg.contains("fill-opacity=\"0.15\"") && svg.contains("outage of aws:us-east-1"));
        assert!(svg.contains("t &lt;&amp;&gt;") && svg.contains("p99 latency (ms)"));
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let t = ticks(99.0, 100.0);
        let labels: Vec<String> = t.iter().map(|&x| tick_label(x, 0.2)).collect();
        assert_eq!(labels, ["99.0", "99.2", "99.4", "99.6", "99.8", "100.0"]);
        assert_eq!(tick_label(99.2, 0.2), "99.2");
        assert_eq!(tick_label(40.0, 20.0), "40");
    }
}
