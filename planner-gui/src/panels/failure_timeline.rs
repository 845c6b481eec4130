//! The failure schedule drawn as a timeline over the run's window (warm-up shaded, one
//! lane per scheduled failure, its target beside the bar, details on hover). Drawn above
//! the failures' fields by [`super::editor_failures`]; kept apart because it only paints.

use super::editor_failures::{kind_color, kind_name, target};
use super::ERROR_COLOR;
use egui::{Rect, Sense, Stroke, StrokeKind, Ui, Vec2};
use sim_core::scenario::Scenario;

/// The schedule drawn over the run's window: warm-up shaded, one lane per failure.
pub fn show(ui: &mut Ui, s: &Scenario) {
    let total = (s.warmup + s.duration).as_secs_f64().max(1e-9);
    let lanes = s.failures.len().max(1);
    let lane_h = 14.0;
    let width = ui.available_width().max(120.0);
    let (rect, resp) = ui.allocate_exact_size(
        Vec2::new(width, lane_h * lanes as f32 + 18.0),
        Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 2.0, visuals.extreme_bg_color);
    let x = |t: f64| rect.left() + (t / total).clamp(0.0, 1.0) as f32 * rect.width();
    let warm = Rect::from_min_max(
        rect.min,
        egui::pos2(x(s.warmup.as_secs_f64()), rect.bottom()),
    );
    painter.rect_filled(warm, 2.0, visuals.faint_bg_color);
    let text = visuals.text_color();
    let font = egui::FontId::proportional(10.0);
    painter.text(
        egui::pos2(rect.left() + 2.0, rect.bottom() - 2.0),
        egui::Align2::LEFT_BOTTOM,
        "0",
        font.clone(),
        text,
    );
    painter.text(
        egui::pos2(x(s.warmup.as_secs_f64()) + 2.0, rect.bottom() - 2.0),
        egui::Align2::LEFT_BOTTOM,
        format!("warm-up ends {}", s.warmup),
        font.clone(),
        text,
    );
    painter.text(
        egui::pos2(rect.right() - 2.0, rect.bottom() - 2.0),
        egui::Align2::RIGHT_BOTTOM,
        format!("{}", s.warmup + s.duration),
        font.clone(),
        text,
    );
    let mut hovered = None;
    for (i, f) in s.failures.iter().enumerate() {
        let t0 = f.start().as_secs_f64();
        let t1 = t0 + f.duration().as_secs_f64();
        let top = rect.top() + 2.0 + lane_h * i as f32;
        let bar = Rect::from_min_max(
            egui::pos2(x(t0), top),
            egui::pos2(x(t1).max(x(t0) + 2.0), top + lane_h - 3.0),
        );
        painter.rect_filled(bar, 2.0, kind_color(f));
        // The label goes right of the bar, or left of it where the window has no room.
        let label = format!("#{} {}", i + 1, target(f));
        let room_right = rect.right() - bar.right();
        let (pos, align) = if room_right > 7.0 * label.chars().count() as f32 {
            (
                egui::pos2(bar.right() + 3.0, bar.center().y),
                egui::Align2::LEFT_CENTER,
            )
        } else {
            (
                egui::pos2(bar.left() - 3.0, bar.center().y),
                egui::Align2::RIGHT_CENTER,
            )
        };
        painter.text(pos, align, label, font.clone(), text);
        if t0 >= total {
            painter.rect_stroke(rect, 2.0, Stroke::new(1.0, ERROR_COLOR), StrokeKind::Inside);
        }
        if resp.hovered()
            && resp
                .hover_pos()
                .is_some_and(|p| bar.expand(2.0).contains(p))
        {
            hovered = Some(format!(
                "#{} {} of {}: from {} for {}",
                i + 1,
                kind_name(f),
                target(f),
                f.start(),
                f.duration()
            ));
        }
    }
    if s.failures.is_empty() {
        painter.text(
            rect.center() - Vec2::new(0.0, 6.0),
            egui::Align2::CENTER_CENTER,
            "no scheduled failures: add one below",
            font,
            visuals.weak_text_color(),
        );
    }
    if let Some(h) = hovered {
        resp.on_hover_text(h);
    }
}
