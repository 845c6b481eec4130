//! The Pareto scatter of a plan: monthly cost (x) against p99 (y), coloured by availability.
//!
//! Only simulated designs are drawn: their three numbers come from request-level runs
//! (`report::point`), while a pruned or not-simulated design has estimates only and no
//! availability. Feasible designs are filled dots, designs that missed an objective in
//! simulation are hollow, and the Pareto front (of the feasible designs over cost, p99 and
//! availability — three objectives, so front members need not form a staircase in this
//! two-dimensional view) is ringed. The colour scale is in *nines* of availability, one
//! legend entry per class, so hiding a class in the legend hides its designs.
//!
//! The objectives with a place on these axes are drawn as dashed lines (the p99 bound, the
//! budget). Clicking a dot returns its design's index; the app loads it into the editor.

use crate::planner::PlanResult;
use egui::{Color32, Ui};
use egui_plot::{
    Corner, HLine, Legend, LineStyle, MarkerShape, Plot, PlotPoint, PlotPoints, PlotTransform,
    Points, VLine,
};
use sim_core::experiment::plan::pareto::Point;
use sim_core::experiment::plan::{report, DesignRow, Status};

/// Dots closer than this to the pointer (in points) are hovered.
const HIT_RADIUS: f32 = 9.0;
/// The ring around Pareto-front designs.
const FRONT_COLOR: Color32 = Color32::from_rgb(200, 60, 200);

/// One availability class: its legend name, the fewest nines it holds, its colour.
pub struct Class {
    pub name: &'static str,
    pub min_nines: f64,
    pub color: Color32,
}

/// The colour scale, lowest class first (a sequential red → blue scale).
pub const SCALE: [Class; 5] = [
    Class {
        name: "availability < 99 %",
        min_nines: f64::NEG_INFINITY,
        color: Color32::from_rgb(215, 48, 39),
    },
    Class {
        name: "99 – 99.9 %",
        min_nines: 2.0,
        color: Color32::from_rgb(244, 140, 60),
    },
    Class {
        name: "99.9 – 99.99 %",
        min_nines: 3.0,
        color: Color32::from_rgb(200, 190, 40),
    },
    Class {
        name: "99.99 – 99.999 %",
        min_nines: 4.0,
        color: Color32::from_rgb(60, 170, 90),
    },
    Class {
        name: "≥ 99.999 %",
        min_nines: 5.0,
        color: Color32::from_rgb(50, 110, 200),
    },
];

/// The index in [`SCALE`] of availability `a` (a fraction); unknown (NaN) is the lowest.
pub fn class_of(a: f64) -> usize {
    if !a.is_finite() {
        return 0;
    }
    // -log10(1 - a) nines; 1 - a is clamped so that a = 1 is "many nines".
    // A small epsilon keeps 0.999 (2.9999… nines in binary arithmetic) in its own class.
    let nines = -(1.0 - a).max(1e-12).log10() + 1e-6;
    SCALE
        .iter()
        .rposition(|c| nines >= c.min_nines)
        .unwrap_or(0)
}

/// Whether row `d` is drawn, and where.
pub fn plotted(d: &DesignRow) -> Option<Point> {
    let p = report::point(d);
    let drawn = matches!(d.status, Status::Feasible | Status::Infeasible);
    (drawn && p.cost.is_finite() && p.p99_ms.is_finite()).then_some(p)
}

/// What the scatter returns.
pub struct ScatterOutput {
    /// The design whose dot was clicked.
    pub clicked: Option<usize>,
    pub transform: PlotTransform,
}

/// Draws the scatter of `res`, marking design `loaded`.
pub fn show(ui: &mut Ui, res: &PlanResult, loaded: Option<usize>, height: f32) -> ScatterOutput {
    let designs = &res.report.designs;
    let points: Vec<(usize, Point)> = designs
        .iter()
        .enumerate()
        .filter_map(|(i, d)| plotted(d).map(|p| (i, p)))
        .collect();
    let obj = &res.report.objectives;
    // The marker of the design in the editor: the text colour, seen in either theme.
    let loaded_color = ui.visuals().strong_text_color();
    // Nothing to plot (every design pruned or invalid): axes from 0 to the objectives, not
    // egui_plot's default −1 to 1 (negative costs and latencies), and a word in the middle.
    let empty = points.is_empty();
    let (x_max, y_max) = (
        obj.budget_usd.unwrap_or(1000.0),
        obj.p99_ms.unwrap_or(100.0),
    );
    let mut plot = Plot::new("pareto-scatter");
    if empty {
        plot = plot
            .include_x(0.0)
            .include_x(x_max * 1.2)
            .include_y(y_max * 1.2)
            .set_margin_fraction(egui::Vec2::ZERO);
    }
    let resp = plot
        .height(height)
        .legend(Legend::default().position(Corner::RightBottom))
        .x_axis_label("cost, USD per month")
        .x_grid_spacer(super::charts::nice_marks)
        .y_grid_spacer(super::charts::nice_marks)
        .y_axis_label("p99 latency, ms")
        .label_formatter(|_| None)
        .include_y(0.0)
        .show(ui, |pu| {
            if empty {
                pu.text(egui_plot::Text::new(
                    "no design",
                    egui_plot::PlotPoint::new(x_max * 0.6, y_max * 0.6),
                    "no design to plot: every one was pruned or invalid (reasons in the table)",
                ));
            }
            if let Some(b) = obj.p99_ms {
                pu.hline(
                    HLine::new("p99 objective", b)
                        .style(LineStyle::dashed_loose())
                        .color(Color32::GRAY),
                );
            }
            if let Some(b) = obj.budget_usd {
                pu.vline(
                    VLine::new("budget", b)
                        .style(LineStyle::dashed_loose())
                        .color(Color32::DARK_GRAY),
                );
            }
            for (k, class) in SCALE.iter().enumerate() {
                for feasible in [true, false] {
                    let pts: Vec<[f64; 2]> = points
                        .iter()
                        .filter(|(i, p)| {
                            class_of(p.availability) == k
                                && (designs[*i].status == Status::Feasible) == feasible
                        })
                        .map(|(_, p)| [p.cost, p.p99_ms])
                        .collect();
                    if !pts.is_empty() {
                        pu.points(
                            Points::new(class.name, PlotPoints::new(pts))
                                .shape(MarkerShape::Circle)
                                .radius(5.0)
                                .filled(feasible)
                                .color(class.color)
                                .allow_hover(false),
                        );
                    }
                }
            }
            let at = |i: usize| {
                points
                    .iter()
                    .find(|(j, _)| *j == i)
                    .map(|(_, p)| [p.cost, p.p99_ms])
            };
            let front: Vec<[f64; 2]> = res.report.pareto.iter().filter_map(|&i| at(i)).collect();
            if !front.is_empty() {
                pu.points(
                    Points::new("Pareto front", PlotPoints::new(front))
                        .shape(MarkerShape::Circle)
                        .radius(9.0)
                        .filled(false)
                        .color(FRONT_COLOR)
                        .allow_hover(false),
                );
            }
            if let Some(p) = loaded.and_then(at) {
                pu.points(
                    Points::new("in the editor", PlotPoints::new(vec![p]))
                        .shape(MarkerShape::Diamond)
                        .radius(7.0)
                        .filled(false)
                        .color(loaded_color)
                        .allow_hover(false),
                );
            }
            hit_test(pu, &points)
        });
    let hit = resp.inner;
    let mut response = resp.response;
    if let Some(i) = hit {
        response = response.on_hover_ui_at_pointer(|ui| tooltip(ui, i, &designs[i], res));
    }
    ScatterOutput {
        clicked: hit.filter(|_| response.clicked()),
        transform: resp.transform,
    }
}

/// The dot under the pointer: the nearest within [`HIT_RADIUS`], the better-ranked on a tie.
fn hit_test(pu: &egui_plot::PlotUi<'_>, points: &[(usize, Point)]) -> Option<usize> {
    let pointer = pu.pointer_coordinate()?;
    let at = pu.screen_from_plot(pointer);
    points
        .iter()
        .map(|(i, p)| {
            let d = pu
                .screen_from_plot(PlotPoint::new(p.cost, p.p99_ms))
                .distance(at);
            (*i, d)
        })
        .filter(|(_, d)| *d <= HIT_RADIUS)
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
        .map(|(i, _)| i)
}

fn tooltip(ui: &mut Ui, i: usize, d: &DesignRow, res: &PlanResult) {
    let p = report::point(d);
    let front = if res.report.pareto.contains(&i) {
        " · on the Pareto front"
    } else {
        ""
    };
    ui.strong(format!(
        "#{} {} — {}{front}",
        i + 1,
        d.layout,
        d.status.name()
    ));
    ui.label(format!("regions {}", d.regions.replace(';', ", ")));
    ui.label(format!("instances {}", d.instances.replace(';', ", ")));
    ui.label(format!(
        "${:.0} per month · p99 {:.0} ms · availability {} %",
        p.cost,
        p.p99_ms,
        sim_core::report::rows::percent(100.0 * p.availability, 4)
    ));
    ui.weak(&d.reason);
    ui.weak("click to load it into the editor and compare it");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_count_nines() {
        assert_eq!(class_of(0.95), 0);
        assert_eq!(class_of(0.99), 1);
        assert_eq!(class_of(0.995), 1);
        assert_eq!(class_of(0.999), 2);
        assert_eq!(class_of(0.9999), 3);
        assert_eq!(class_of(0.99999), 4);
        assert_eq!(class_of(1.0), 4);
        assert_eq!(class_of(f64::NAN), 0);
    }
}
