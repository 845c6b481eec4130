//! The run controls (Compare, progress, Cancel) and the view tabs.

use super::{Commands, ERROR_COLOR};
use crate::jobs::CompareJob;
use crate::state::Tab;
use crate::Command;
use egui::Ui;

/// What the controls show.
pub struct RunView<'a> {
    pub job: Option<&'a CompareJob>,
    /// Validation problems of the scenario (Compare is disabled while there are any).
    pub problems: usize,
    pub tab: Tab,
    /// Replications of the next comparison.
    pub replications: u32,
}

/// The name of the replications field (for screen readers and tests).
pub const REPLICATIONS_LABEL: &str = "Replications:";

pub fn show(ui: &mut Ui, view: &RunView<'_>) -> Commands {
    let mut cmds = Commands::new();
    for (tab, name) in [
        (Tab::Map, "🗺 Map"),
        (Tab::Compare, "📊 Compare view"),
        (Tab::Planner, "🎯 Planner"),
    ] {
        if ui.selectable_label(view.tab == tab, name).clicked() {
            cmds.push(Command::ShowTab(tab));
        }
    }
    ui.separator();
    match view.job {
        Some(job) => {
            // No spinner: an animated widget repaints every frame, and repaints took a
            // core from the simulation (#17). The bar moves with the progress reports.
            let done = job.done.len();
            let secs = job.started().elapsed().as_secs();
            ui.add(
                egui::ProgressBar::new(job.fraction())
                    .desired_width(220.0)
                    .text(format!(
                        "{:.0} % · {done}/{} runs done · {secs} s",
                        100.0 * job.fraction(),
                        job.total
                    )),
            );
            if ui.button("⏹ Cancel").clicked() {
                cmds.push(Command::Cancel);
            }
        }
        None => {
            let ok = view.problems == 0;
            let b = ui
                .add_enabled(ok, egui::Button::new("▶ Compare"))
                .on_hover_text("run active-passive, active-active and sharded (Ctrl+R)")
                .on_disabled_hover_text("fix the scenario's problems first (see the editor)");
            if b.clicked() {
                cmds.push(Command::Compare);
            }
            cmds.extend(replications(ui, view.replications));
            if !ok {
                ui.colored_label(
                    ERROR_COLOR,
                    format!(
                        "⚠ {} problem{} in the scenario",
                        view.problems,
                        if view.problems == 1 { "" } else { "s" }
                    ),
                );
            }
        }
    }
    cmds
}

/// How many times Compare runs each layout: 1 is a single run; more give each number a
/// 95 % interval ([`crate::ab`]).
///
/// What is typed is held in the field until Enter (or the focus leaves) and only then
/// sent: a count out of 1..=30 is refused with a message naming it, not clamped — and
/// the "7" of a "12" being typed is not run with. Dragging stays within 1..=30.
fn replications(ui: &mut Ui, r: u32) -> Commands {
    let typing = ui.make_persistent_id("replications-typed");
    let mut value = ui.data(|d| d.get_temp::<u32>(typing)).unwrap_or(r);
    let name = ui.label(REPLICATIONS_LABEL);
    let resp = ui
        .add(egui::DragValue::new(&mut value).speed(0.1))
        .labelled_by(name.id)
        .on_hover_text(
            "runs of each layout on common random numbers: 1 = a single run; 2 or more \
             show each number as mean ± its 95 % interval; default 1; valid: 1 to 30",
        );
    if resp.dragged() || resp.drag_stopped() {
        value = value.clamp(1, crate::ab::MAX_REPLICATIONS);
    } else if resp.has_focus() {
        ui.data_mut(|d| d.insert_temp(typing, value));
        return Vec::new();
    }
    ui.data_mut(|d| d.remove::<u32>(typing));
    if value != r {
        vec![crate::ab::AbCommand::SetReplications(value).into()]
    } else {
        Vec::new()
    }
}
