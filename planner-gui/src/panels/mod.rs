//! Panels: functions that draw one part of the window and return [`Command`]s.
//!
//! Each takes a read-only view of what it shows; none changes the app state.
//!
//! - [`files`]: the File menu (open, save, export, recent files);
//! - [`run`]: the Compare / Cancel controls, progress and the view tabs;
//! - [`editor`] (with [`editor_layouts`], [`editor_failures`] and [`failure_timeline`],
//!   [`editor_network`], [`editor_areas`], [`editor_realism`], zones, autoscaling and follow-the-sun, and [`editor_deps`], the
//!   shared dependencies): every scenario field the app edits, with the validation
//!   problems of each field under it;
//! - [`map`] (with [`land`]): the world, the regions, the user areas and the links of one
//!   layout; click a region to deploy or remove it;
//! - [`compare`] (with [`charts`] and [`estimates`], the instant Markov-model answer): the
//!   three layouts side by side; [`baseline`] its table of intervals and differences to
//!   a pinned baseline, [`time_charts`] the report's time charts with their PNG buttons;
//! - [`status`]: the message line at the bottom;
//! - [`view_menu`]: the light/dark theme and which side panels are open;
//!   [`responsive`] keeps content whole on small windows;
//! - [`add_region`]: the editor's searchable list of catalog regions to add;
//! - [`bill`]: the compare view's itemised monthly bill per layout, region and part;
//! - [`typed`]: number fields that keep text they cannot store, with a message.
//!
//! The Planner tab is [`planner`] (with [`pareto`] and [`designs_table`]): the capacity
//! planner's objectives, options, progress, Pareto scatter and ranked designs.

pub mod add_region;
pub mod baseline;
pub mod bill;
pub mod charts;
pub mod compare;
pub mod confirm;
pub mod designs_table;
pub mod editor;
pub mod editor_areas;
pub mod editor_deps;
pub mod editor_failures;
pub mod editor_layouts;
pub mod editor_network;
pub mod editor_realism;
pub mod editor_sun_zone;
pub mod estimates;
pub mod failure_timeline;
pub mod field;
pub mod files;
pub mod land;
pub mod map;
pub mod pareto;
pub mod path_prompt;
pub mod planner;
pub mod responsive;
pub mod run;
pub mod status;
pub mod time_charts;
pub mod typed;
pub mod view_menu;

use crate::Command;
use egui::Color32;
use sim_core::scenario::LayoutKind;

/// What a panel asks for, in order.
pub type Commands = Vec<Command>;

/// One colour per layout, used by every chart and the map.
pub fn layout_color(l: LayoutKind) -> Color32 {
    match l {
        LayoutKind::ActivePassive => Color32::from_rgb(230, 140, 40),
        LayoutKind::ActiveActive => Color32::from_rgb(70, 130, 220),
        LayoutKind::Sharded => Color32::from_rgb(60, 170, 90),
    }
}

/// The colour of validation problems and failures.
pub const ERROR_COLOR: Color32 = Color32::from_rgb(220, 60, 60);
/// The colour of warnings: legal input that is surely not what the user meant.
pub const WARNING_COLOR: Color32 = Color32::from_rgb(215, 150, 30);
/// The colour of the best value in a comparison row.
pub const BEST_COLOR: Color32 = Color32::from_rgb(40, 170, 80);
