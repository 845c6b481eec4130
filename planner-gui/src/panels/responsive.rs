//! Layout helpers that keep content whole on small windows (1024 × 700 and up).
//!
//! egui clips what does not fit: a table in half of a narrow panel loses its right
//! columns. These put two parts side by side only when both have room, else one under
//! the other (the view scrolls vertically).

use egui::Ui;

/// The width under which [`pair`] stacks its parts: two tables of the compare view
/// (four columns of numbers each) need about this much side by side.
pub const PAIR_MIN_WIDTH: f32 = 980.0;

/// `left` and `right` side by side in two equal columns when `ui` is at least
/// [`PAIR_MIN_WIDTH`] wide, else `left` above `right`.
pub fn pair(ui: &mut Ui, left: impl FnOnce(&mut Ui), right: impl FnOnce(&mut Ui)) {
    if ui.available_width() >= PAIR_MIN_WIDTH {
        ui.columns(2, |cols| {
            left(&mut cols[0]);
            right(&mut cols[1]);
        });
    } else {
        left(ui);
        ui.add_space(8.0);
        right(ui);
    }
}
