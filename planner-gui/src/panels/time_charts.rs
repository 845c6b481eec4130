//! The report's time charts in the window, each with a button to save it as PNG.
//!
//! What is drawn here is `sim_core::report::chart::Chart` data, the same the HTML report
//! embeds and the PNG rasterises ([`crate::ab::TimeChart`]): lines that break where a
//! bucket has no data, and the scheduled failures shaded. The per-region timeline of
//! [`super::charts::timeline`] gets its save buttons from [`save_buttons`].

use super::Commands;
use crate::ab::{AbCommand, TimeChart};
use crate::state::Results;
use egui::{Color32, Ui};
use egui_plot::{Line, Plot, PlotPoints, Polygon};
use sim_core::report::Chart;

impl TimeChart {
    /// What the chart shows, in a few words (for its save button).
    pub fn short_name(&self) -> &'static str {
        match self {
            TimeChart::Latency => "p99 over time",
            TimeChart::Availability => "availability over time",
            TimeChart::RegionFailed(_) => "failed requests per minute",
            TimeChart::RegionP99(_) => "p99 per minute",
        }
    }

    /// The label of the button that saves this chart.
    pub fn save_label(&self) -> String {
        format!("Save chart as PNG… ({})", self.short_name())
    }
}

fn save_button(ui: &mut Ui, which: TimeChart, cmds: &mut Commands) {
    if ui
        .small_button(which.save_label())
        .on_hover_text("the chart as a PNG image, as the HTML report draws it")
        .clicked()
    {
        cmds.push(AbCommand::SaveChartDialog(which).into());
    }
}

/// Save buttons for charts drawn elsewhere, side by side.
pub fn save_buttons(ui: &mut Ui, charts: &[TimeChart]) -> Commands {
    let mut cmds = Commands::new();
    ui.horizontal_wrapped(|ui| {
        for &c in charts {
            save_button(ui, c, &mut cmds);
        }
    });
    cmds
}

/// `which` of `res`, drawn `height` high, with its save button.
pub fn show(ui: &mut Ui, res: &Results, which: TimeChart, height: f32) -> Commands {
    let mut cmds = Commands::new();
    let Some(chart) = which.chart(res) else {
        return cmds;
    };
    ui.horizontal_wrapped(|ui| {
        ui.strong(&chart.title);
        save_button(ui, which, &mut cmds);
    });
    plot(ui, &chart, height);
    cmds
}

fn plot(ui: &mut Ui, chart: &Chart, height: f32) {
    let top = chart
        .lines
        .iter()
        .flat_map(|l| l.points.iter().filter_map(|p| p.1))
        .fold(1.0_f64, f64::max)
        * 1.05;
    let mut items: Vec<(String, Color32)> = chart
        .lines
        .iter()
        .map(|l| {
            let color = Color32::from_hex(l.color).unwrap_or(Color32::GRAY);
            (l.name.clone(), color)
        })
        .collect();
    items.extend(super::charts::window_items(&chart.windows));
    super::charts::legend_row(ui, &items);
    Plot::new(("time-chart", chart.title.as_str()))
        .height(height)
        .x_grid_spacer(super::charts::nice_marks)
        .x_axis_label(chart.x_label)
        .y_axis_label(chart.y_label)
        .allow_scroll(false)
        .show(ui, |pu| {
            for w in &chart.windows {
                let shade = Polygon::new(
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
            for l in &chart.lines {
                let color = Color32::from_hex(l.color).unwrap_or(Color32::GRAY);
                for seg in runs_of_points(&l.points) {
                    pu.line(Line::new(l.name.clone(), PlotPoints::new(seg)).color(color));
                }
            }
        });
}

/// The points between gaps (`None`), each run a line of its own.
pub fn runs_of_points(points: &[(f64, Option<f64>)]) -> Vec<Vec<[f64; 2]>> {
    let mut out: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut open = false;
    for &(x, y) in points {
        match y {
            Some(y) if open => {
                if let Some(seg) = out.last_mut() {
                    seg.push([x, y]);
                }
            }
            Some(y) => {
                out.push(vec![[x, y]]);
                open = true;
            }
            None => open = false,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_split_lines() {
        let pts = [
            (0.5, Some(1.0)),
            (1.5, Some(2.0)),
            (2.5, None),
            (3.5, None),
            (4.5, Some(3.0)),
        ];
        assert_eq!(
            runs_of_points(&pts),
            vec![vec![[0.5, 1.0], [1.5, 2.0]], vec![[4.5, 3.0]]]
        );
        assert!(runs_of_points(&[(0.0, None)]).is_empty());
    }
}
