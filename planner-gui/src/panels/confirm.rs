//! "Unsaved changes": asked before New, Open or closing the window drops edits.

use egui::{Context, Key};

/// What the user chose.
pub enum Choice {
    Waiting,
    Cancel,
    Discard,
    /// Save to the current file, then go on.
    SaveFirst,
}

/// Draws the question as a modal window. `can_save`: the scenario has a file to save to.
pub fn show(ctx: &Context, can_save: bool) -> Choice {
    let mut choice = Choice::Waiting;
    egui::Modal::new(egui::Id::unique("confirm-discard")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label("The scenario has edits that are not saved. They are lost if you go on.");
        ui.horizontal(|ui| {
            if can_save && ui.button("Save, then go on").clicked() {
                choice = Choice::SaveFirst;
            }
            if ui.button("Discard the edits").clicked() {
                choice = Choice::Discard;
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                choice = Choice::Cancel;
            }
        });
    });
    choice
}
