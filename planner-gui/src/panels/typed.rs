//! Number fields that keep what is typed, with a message under them when it is no number.
//!
//! The product promise is that no field changes what you type. egui's `DragValue` keeps
//! a number out of range (no field gives it a range, [`super::field::drag_within`]), but
//! text it cannot store it drops when the field loses focus: letters or an empty field
//! went back to the old value without a word, 2.5 in an integer field became 2 and −5
//! became 0 (its cast saturates). [`drag`] wraps the `DragValue`: its parser accepts only
//! what the field's type can hold exactly, and text it refuses is *kept* — shown in the
//! field instead of the stored value, with a message ("must be a whole number, got 2.5",
//! "not a number: abc") that the editor's problem rows show under the field and that keeps
//! Compare disabled ([`invalid`]). The scenario keeps its last good value meanwhile.
//!
//! The kept texts live in egui's memory, keyed by the scenario path the field edits (set
//! by [`super::field::labelled_as`] or [`at`]): they belong to the widgets, not to the
//! scenario. A kept text goes when the field gets a number, when Escape leaves it, when
//! the stored value changes by other means (a drag, undo, another file: [`clear`]) and
//! when the field is no longer drawn (its section shut).

use egui::{Context, DragValue, Id, Response, Ui};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A refused text and why.
#[derive(Clone, Debug)]
struct Entry {
    text: String,
    message: String,
    /// The stored value the text was typed over: another value means it was changed by
    /// other means, and the text is stale.
    value: f64,
    /// The pass the field was last drawn in.
    seen: u64,
}

/// Every kept text, by path (or, for a field outside any path, by its widget id), and the
/// pass in which Escape last left each field.
#[derive(Clone, Debug, Default)]
struct Kept(BTreeMap<String, Entry>, BTreeMap<String, u64>);

fn kept_id() -> Id {
    Id::unique("planner-gui.typed.kept")
}

fn path_id() -> Id {
    Id::unique("planner-gui.typed.path")
}

/// Draws `add` with `path` as the scenario path of the number fields in it (their kept
/// texts and messages are filed under it).
pub fn at<R>(ui: &mut Ui, path: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    let before: Option<String> = ui.data(|d| d.get_temp(path_id()));
    ui.data_mut(|d| d.insert_temp(path_id(), path.to_string()));
    let r = add(ui);
    ui.data_mut(|d| match before {
        Some(p) => {
            d.insert_temp(path_id(), p);
        }
        None => d.remove::<String>(path_id()),
    });
    r
}

/// What a field's text must be.
#[derive(Clone, Copy, Debug)]
pub enum Rule {
    /// A finite number within `min..=max`, whole if `whole` (the field's type).
    Number { whole: bool, min: f64, max: f64 },
    /// As `Number`, whole and at least 0, or empty (given as `empty`: "the default").
    WholeOrEmpty { empty: f64, max: f64 },
}

impl Rule {
    /// The rule of a field of type `T`: what `T` holds exactly.
    pub fn of<T: egui::emath::Numeric>() -> Rule {
        Rule::Number {
            whole: T::INTEGRAL,
            min: T::MIN.to_f64(),
            max: T::MAX.to_f64(),
        }
    }

    /// The number `text` stands for, or why it stands for none.
    pub fn check(self, text: &str) -> Result<f64, String> {
        // As egui's own parser: whitespace ignored, the minus sign (U+2212) taken.
        let t: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == '−' { '-' } else { c })
            .collect();
        let shown = text.trim();
        let (whole, min, max) = match self {
            Rule::Number { whole, min, max } => (whole, min, max),
            Rule::WholeOrEmpty { empty, .. } if t.is_empty() => return Ok(empty),
            Rule::WholeOrEmpty { max, .. } => (true, 0.0, max),
        };
        if t.is_empty() {
            return Err("empty: type a number".into());
        }
        let x = match t.parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            _ => return Err(format!("not a number: {shown}")),
        };
        if whole && x.fract() != 0.0 {
            let floor = if min >= 0.0 {
                format!(" ≥ {min}")
            } else {
                String::new()
            };
            return Err(format!("must be a whole number{floor}, got {shown}"));
        }
        if x < min {
            return Err(if whole {
                format!("must be a whole number ≥ {min}, got {shown}")
            } else {
                format!("must not be below {min}, got {shown}")
            });
        }
        if x > max {
            return Err(format!("must be at most {max}, got {shown}"));
        }
        Ok(x)
    }
}

/// The last text the field's parser saw, and what it made of it.
type Parsed = (String, Result<f64, String>);

/// A `DragValue` of `v` (configured by `style`: speed, suffix…) that keeps text it cannot
/// store, by [`Rule::of`] its type.
pub fn drag<T: egui::emath::Numeric>(
    ui: &mut Ui,
    v: &mut T,
    style: impl FnOnce(DragValue<'_>) -> DragValue<'_>,
) -> Response {
    drag_by(ui, v, Rule::of::<T>(), None, style)
}

/// [`drag`] of a quantity that cannot be negative (a duration): a negative number is
/// refused and kept like any text the field cannot hold ("must not be below 0, got -5"),
/// where a duration would have stored it as 0 without a word.
pub fn non_negative(
    ui: &mut Ui,
    v: &mut f64,
    style: impl FnOnce(DragValue<'_>) -> DragValue<'_>,
) -> Response {
    let rule = Rule::Number {
        whole: false,
        min: 0.0,
        max: f64::MAX,
    };
    drag_by(ui, v, rule, None, style)
}

/// [`drag`] with its own rule and, optionally, its own formatter of stored values (the
/// zones' "3 (default)").
pub fn drag_by<T: egui::emath::Numeric>(
    ui: &mut Ui,
    v: &mut T,
    rule: Rule,
    format: Option<Box<dyn Fn(f64) -> Option<String>>>,
    style: impl FnOnce(DragValue<'_>) -> DragValue<'_>,
) -> Response {
    let ctx = ui.ctx().clone();
    let key = ui
        .data(|d| d.get_temp::<String>(path_id()))
        .unwrap_or_else(|| format!("{:?}", ui.next_auto_id()));
    let before = v.to_f64();
    let mut kept = ctx
        .data(|d| d.get_temp::<Kept>(kept_id()))
        .unwrap_or_default();
    if kept.0.get(&key).is_some_and(|e| e.value != before) {
        // The stored value changed by other means: the text typed over the old one goes.
        kept.0.remove(&key);
    }
    let shown = kept.0.get(&key).map(|e| e.text.clone());
    let refused = shown.is_some();
    let parsed: Rc<RefCell<Option<Parsed>>> = Rc::default();
    let parser = {
        let parsed = parsed.clone();
        move |t: &str| {
            let r = rule.check(t);
            let ok = r.as_ref().ok().copied();
            *parsed.borrow_mut() = Some((t.to_string(), r));
            ok
        }
    };
    let numbers = ui.style().number_formatter.clone();
    let formatter = move |x: f64, decimals: std::ops::RangeInclusive<usize>| {
        shown
            .clone()
            .or_else(|| format.as_ref().and_then(|f| f(x)))
            .unwrap_or_else(|| numbers.format(x, decimals))
    };
    let drag = DragValue::new(v)
        .custom_parser(parser)
        .custom_formatter(formatter);
    // Refused text is shown as typed, without the field's style and so without its unit
    // after it ("500ms", not "500ms s"); the style comes back with a number.
    let r = ui.add(if refused { drag } else { style(drag) });
    let after = v.to_f64();
    let pass = ctx.cumulative_pass_nr();
    let mut escaped = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape));
    let typed = parsed.borrow_mut().take();
    // egui reports the lost focus for two passes and, in the second (Escape no longer
    // pressed), parses the abandoned text again: that parse is still the Escape's.
    if escaped {
        kept.1.insert(key.clone(), pass);
    } else if r.lost_focus() && kept.1.get(&key).is_some_and(|&p| pass <= p + 2) {
        escaped = true;
    }
    kept.1.retain(|_, p| *p + 2 >= pass);
    match typed {
        _ if escaped => {
            kept.0.remove(&key);
        }
        Some((_, Ok(_))) => {
            kept.0.remove(&key);
        }
        Some((text, Err(message))) => {
            // A count says its own valid range where the field table has one
            // ("must be a whole number, 1 to 100 000, got 2.5").
            let message = match super::field::doc(&key) {
                Some(d)
                    if message.starts_with("must be a whole number")
                        && d.range.starts_with(|c: char| c.is_ascii_digit()) =>
                {
                    format!("must be a whole number, {}, got {}", d.range, text.trim())
                }
                _ => message,
            };
            kept.0.insert(
                key,
                Entry {
                    text,
                    message,
                    value: after,
                    seen: pass,
                },
            );
        }
        None => {
            if let Some(e) = kept.0.get_mut(&key) {
                e.seen = pass;
            }
        }
    }
    ctx.data_mut(|d| d.insert_temp(kept_id(), kept));
    r
}

/// The refused texts of the fields drawn in the last passes, as (path, message): each is
/// a problem that keeps Compare disabled.
pub fn invalid(ctx: &Context) -> Vec<(String, String)> {
    let pass = ctx.cumulative_pass_nr();
    let mut kept = ctx
        .data(|d| d.get_temp::<Kept>(kept_id()))
        .unwrap_or_default();
    let before = kept.0.len();
    // A field not drawn for two passes is gone (its section shut, its region removed).
    kept.0.retain(|_, e| e.seen + 2 >= pass);
    if kept.0.len() != before {
        ctx.data_mut(|d| d.insert_temp(kept_id(), kept.clone()));
    }
    kept.0
        .into_iter()
        .map(|(path, e)| (path, e.message))
        .collect()
}

/// The refused texts of scenario fields: [`invalid`] but for the app's own options (paths
/// under `plan.`, the Planner's search), which stop ▶ Plan but not Compare.
pub fn invalid_in_scenario(ctx: &Context) -> Vec<(String, String)> {
    let mut v = invalid(ctx);
    v.retain(|(path, _)| !path.starts_with("plan."));
    v
}

/// Drops every kept text (another scenario was opened: its values are not what was typed).
pub fn clear(ctx: &Context) {
    ctx.data_mut(|d| d.remove::<Kept>(kept_id()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_a_number_only_if_the_field_holds_it_exactly() {
        let count = Rule::of::<u32>();
        assert_eq!(count.check(" 12 "), Ok(12.0));
        assert_eq!(count.check("1 000"), Ok(1000.0));
        assert_eq!(
            count.check("2.5"),
            Err("must be a whole number ≥ 0, got 2.5".into())
        );
        assert_eq!(
            count.check("-5"),
            Err("must be a whole number ≥ 0, got -5".into())
        );
        assert_eq!(count.check("abc"), Err("not a number: abc".into()));
        assert_eq!(count.check(""), Err("empty: type a number".into()));
        assert_eq!(count.check("NaN"), Err("not a number: NaN".into()));
        assert_eq!(
            count.check("5000000000"),
            Err("must be at most 4294967295, got 5000000000".into())
        );
        let real = Rule::of::<f64>();
        assert_eq!(real.check("−2.5"), Ok(-2.5));
        assert_eq!(real.check("inf"), Err("not a number: inf".into()));
        assert_eq!(real.check("1e3"), Ok(1000.0));
        let zones = Rule::WholeOrEmpty {
            empty: -1.0,
            max: u32::MAX as f64,
        };
        assert_eq!(zones.check(""), Ok(-1.0));
        assert_eq!(zones.check("0"), Ok(0.0));
        assert!(zones.check("-1").is_err());
    }
}
