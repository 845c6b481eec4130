//! The world map: land, catalog regions, deployed regions, user areas and the links of one
//! layout, on an equirectangular (lon, lat) plot that pans and zooms.
//!
//! Hovering a marker shows its details; clicking a region returns
//! [`Command::ToggleRegion`]. Over a user area's circle the area wins over a catalog region
//! under it ([`pick`]): hovering shows the area, and a click adds nothing. The panel also returns the plot's screen transform so the
//! app (and tests) can find a region on screen.

use super::{layout_color, Commands};
use crate::links::{plain_areas, MapLinks, Serving};
use crate::state::Results;
use crate::Command;
use egui::{Align2, Color32, RichText, Ui};
use egui_plot::{
    Arrows, Line, MarkerShape, Plot, PlotPoint, PlotPoints, PlotTransform, Points, Text,
};
use sim_core::catalog::{Catalog, Region};
use sim_core::scenario::{LayoutKind, Scenario};

/// What the map shows.
pub struct MapView<'a> {
    pub scenario: &'a Scenario,
    pub catalog: &'a Catalog,
    /// Links of `layout`, `None` while the scenario is invalid.
    pub links: Option<&'a MapLinks>,
    pub layout: LayoutKind,
    pub results: Option<&'a Results>,
}

/// What the map returns.
pub struct MapOutput {
    pub commands: Commands,
    pub transform: Option<PlotTransform>,
}

/// What the pointer is over.
#[derive(Clone, Debug, PartialEq)]
enum Hit {
    Region(usize),
    Area(usize),
}

/// Markers closer than this to the pointer (in points) are hovered.
pub const HIT_RADIUS: f32 = 10.0;
/// The smallest hover radius of a user area, in points (the smallest circles are tiny).
const MIN_AREA_HIT: f32 = 6.0;
const LAND: Color32 = Color32::from_rgb(120, 130, 140);
const AREA: Color32 = Color32::from_rgba_premultiplied(120, 60, 150, 150);

/// Radius in points of an area marker with traffic `share` (area ∝ share).
pub fn area_radius(share: f64) -> f32 {
    (2.5 + 40.0 * share.max(0.0).sqrt()) as f32
}

pub fn show(ui: &mut Ui, view: &MapView<'_>) -> MapOutput {
    let mut commands = Commands::new();
    ui.horizontal_wrapped(|ui| {
        ui.label("links of");
        for l in LayoutKind::ALL {
            let text = RichText::new(l.name()).color(layout_color(l));
            if ui.selectable_label(view.layout == l, text).clicked() {
                commands.push(Command::SetMapLayout(l));
            }
        }
        ui.separator();
        ui.weak(
            "click a region to deploy or remove it (under a user area: from the editor's \
             list) · drag to pan · ctrl+scroll to zoom · double-click to reset",
        );
    });
    let regions = view.catalog.regions();
    let deployed: Vec<bool> = regions
        .iter()
        .map(|r| view.scenario.regions.iter().any(|d| d.id == r.id))
        .collect();
    let areas: Vec<Serving> = match view.links {
        Some(l) => l.areas.clone(),
        None => plain_areas(view.scenario, view.catalog),
    };
    let color = layout_color(view.layout);
    let resp = Plot::new("world-map")
        .data_aspect(1.0)
        .include_x(-180.0)
        .include_x(180.0)
        .include_y(-58.0)
        .include_y(78.0)
        .show_grid(false)
        .show_axes(false)
        .show_x(false)
        .show_y(false)
        .label_formatter(|_| None)
        .show(ui, |pu| {
            for (i, l) in super::land::land().iter().enumerate() {
                pu.line(
                    Line::new(format!("land{i}"), PlotPoints::new(l.clone()))
                        .color(LAND)
                        .width(1.0)
                        .allow_hover(false),
                );
            }
            let pos = |id: &str| {
                view.catalog
                    .region(id)
                    .ok()
                    .map(|i| [regions[i].lon, regions[i].lat])
            };
            for a in &areas {
                if let Some(p) = a.region.as_deref().and_then(pos) {
                    pu.line(
                        Line::new("", PlotPoints::new(vec![[a.lon, a.lat], p]))
                            .color(color.gamma_multiply(0.35))
                            .width(1.0)
                            .allow_hover(false),
                    );
                }
            }
            if let Some(links) = view.links {
                for k in &links.replication {
                    let (Some(a), Some(b)) = (pos(&k.from), pos(&k.to)) else {
                        continue;
                    };
                    if k.both_ways {
                        pu.line(
                            Line::new("", PlotPoints::new(vec![a, b]))
                                .color(color)
                                .width(2.5)
                                .allow_hover(false),
                        );
                    } else {
                        pu.arrows(
                            Arrows::new("", PlotPoints::new(vec![a]), PlotPoints::new(vec![b]))
                                .color(color)
                                .tip_length(12.0)
                                .allow_hover(false),
                        );
                    }
                }
            }
            for a in &areas {
                pu.points(
                    Points::new("", PlotPoints::new(vec![[a.lon, a.lat]]))
                        .radius(area_radius(a.share))
                        .color(AREA)
                        .filled(true)
                        .allow_hover(false),
                );
            }
            let (mut idle, mut on, mut off) = (Vec::new(), Vec::new(), Vec::new());
            for (i, r) in regions.iter().enumerate() {
                let used = view.links.is_none_or(|l| l.in_use.contains(&r.id));
                match (deployed[i], used) {
                    (false, _) => idle.push([r.lon, r.lat]),
                    (true, true) => on.push([r.lon, r.lat]),
                    (true, false) => off.push([r.lon, r.lat]),
                }
                if deployed[i] {
                    pu.text(
                        Text::new(
                            "",
                            PlotPoint::new(r.lon, r.lat),
                            RichText::new(&r.code).small(),
                        )
                        .anchor(Align2::CENTER_BOTTOM)
                        .color(ui_text_color(pu.ctx()))
                        .allow_hover(false),
                    );
                }
            }
            pu.points(marker("catalog", idle, Color32::GRAY, 2.5, true));
            pu.points(marker("unused", off, color, 5.0, false));
            pu.points(marker("deployed", on, color, 5.5, true));
            hit_test(pu, regions, &deployed, &areas)
        });
    let hit = resp.inner.clone();
    let mut response = resp.response;
    if let Some(h) = &hit {
        response = response.on_hover_ui_at_pointer(|ui| match h {
            Hit::Region(i) => region_tooltip(ui, &regions[*i], view),
            Hit::Area(i) => area_tooltip(ui, &areas[*i], view),
        });
    }
    if response.clicked() {
        if let Some(Hit::Region(i)) = hit {
            commands.push(Command::ToggleRegion(regions[i].id.clone()));
        }
    }
    MapOutput {
        commands,
        transform: Some(resp.transform),
    }
}

fn ui_text_color(ctx: &egui::Context) -> Color32 {
    ctx.global_style().visuals.text_color()
}

fn marker(name: &str, pts: Vec<[f64; 2]>, c: Color32, r: f32, filled: bool) -> Points<'static> {
    Points::new(name.to_string(), PlotPoints::new(pts))
        .shape(MarkerShape::Circle)
        .radius(r)
        .color(c)
        .filled(filled)
        .allow_hover(false)
}

/// The marker under the pointer ([`pick`] on screen positions).
fn hit_test(
    pu: &egui_plot::PlotUi<'_>,
    regions: &[Region],
    deployed: &[bool],
    areas: &[Serving],
) -> Option<Hit> {
    let pointer = pu.pointer_coordinate()?;
    let at = pu.screen_from_plot(pointer);
    let screen = |lon: f64, lat: f64| pu.screen_from_plot(PlotPoint::new(lon, lat));
    let regions: Vec<(egui::Pos2, bool)> = regions
        .iter()
        .zip(deployed)
        .map(|(r, &d)| (screen(r.lon, r.lat), d))
        .collect();
    let areas: Vec<(egui::Pos2, f32)> = areas
        .iter()
        .map(|a| (screen(a.lon, a.lat), area_radius(a.share)))
        .collect();
    pick(at, &regions, &areas).map(|p| match p {
        Picked::Region(i) => Hit::Region(i),
        Picked::Area(i) => Hit::Area(i),
    })
}

/// What [`pick`] found under the pointer: an index into its regions or areas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picked {
    Region(usize),
    Area(usize),
}

/// The marker under `pointer`, given each region's screen position and whether it is
/// deployed, and each user area's centre and radius (points):
///
/// 1. a deployed region within [`HIT_RADIUS`] (drawn on top and labelled; a click
///    removes it) — the nearest;
/// 2. else the user area whose circle holds the pointer (the nearest centre): its
///    tooltip wins over a catalog region under it, and a click there adds nothing — a
///    grey dot under a user area is added from the editor's region list instead;
/// 3. else a catalog region within [`HIT_RADIUS`] (a click adds it).
pub fn pick(
    pointer: egui::Pos2,
    regions: &[(egui::Pos2, bool)],
    areas: &[(egui::Pos2, f32)],
) -> Option<Picked> {
    let near = |deployed: bool| {
        regions
            .iter()
            .enumerate()
            .filter(|(_, (_, d))| *d == deployed)
            .map(|(i, (p, _))| (i, p.distance(pointer)))
            .filter(|(_, d)| *d <= HIT_RADIUS)
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .map(|(i, _)| Picked::Region(i))
    };
    let area = || {
        areas
            .iter()
            .enumerate()
            .map(|(i, (p, r))| (i, p.distance(pointer), *r))
            .filter(|(_, d, r)| *d <= r.max(MIN_AREA_HIT))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .map(|(i, _, _)| Picked::Area(i))
    };
    near(true).or_else(area).or_else(|| near(false))
}

fn region_tooltip(ui: &mut Ui, r: &Region, view: &MapView<'_>) {
    ui.strong(&r.id);
    ui.label(format!(
        "{}, {} · jurisdiction {}",
        r.city, r.country, r.jurisdiction
    ));
    ui.label(match r.usd_per_hour {
        Some(p) => format!("${p:.4} per instance-hour"),
        None => "no instance price known".into(),
    });
    match view.scenario.regions.iter().find(|d| d.id == r.id) {
        Some(d) => {
            ui.label(format!("deployed: {} instances", d.instances));
            if let Some(l) = view.links {
                if !l.in_use.contains(&r.id) {
                    ui.weak(format!("not used by {}", l.layout));
                }
            }
            if let Some(run) = run_of(view) {
                if let Some(i) = run.summary.region_ids.iter().position(|x| *x == r.id) {
                    let n = run.rec.served_by_region.get(i).copied().unwrap_or(0);
                    ui.label(format!("{}: served {n} requests", run.layout()));
                }
            }
            ui.weak("click to remove it from the deployment");
        }
        None => {
            ui.weak("click to add it to the deployment");
        }
    }
}

fn area_tooltip(ui: &mut Ui, a: &Serving, view: &MapView<'_>) {
    ui.strong(&a.area);
    ui.label(format!(
        "{:.1} % of traffic · jurisdiction {}",
        a.share * 100.0,
        a.jurisdiction
    ));
    if let Some(r) = &a.region {
        ui.label(format!("{}: goes to {r}", view.layout));
    }
    if let Some(run) = run_of(view) {
        if let Some(st) = run.summary.areas.iter().find(|s| s.area == a.area) {
            ui.label(format!(
                "{}: p50 {:.0} ms · p99 {:.0} ms",
                run.layout(),
                st.p50_ms,
                st.p99_ms
            ));
        }
    }
}

/// The last run of the map's layout, if results are current.
fn run_of<'a>(view: &MapView<'a>) -> Option<&'a sim_core::experiment::RunResult> {
    let res = view.results?;
    if res.scenario != *view.scenario {
        return None;
    }
    res.runs.iter().find(|r| r.layout() == view.layout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    #[test]
    fn a_user_area_wins_over_a_catalog_region_under_it_but_not_over_a_deployed_one() {
        let areas = [(pos2(100.0, 100.0), 30.0)];
        // A grey catalog dot inside the area's circle, right under the pointer.
        let grey = [(pos2(110.0, 100.0), false)];
        assert_eq!(
            pick(pos2(110.0, 100.0), &grey, &areas),
            Some(Picked::Area(0))
        );
        // Outside every circle the dot is hit.
        let far = [(pos2(200.0, 100.0), false)];
        assert_eq!(
            pick(pos2(203.0, 100.0), &far, &areas),
            Some(Picked::Region(0))
        );
        // A deployed region stays clickable inside an area.
        let on = [(pos2(110.0, 100.0), false), (pos2(112.0, 100.0), true)];
        assert_eq!(
            pick(pos2(110.0, 100.0), &on, &areas),
            Some(Picked::Region(1))
        );
        assert_eq!(pick(pos2(500.0, 500.0), &on, &areas), None);
    }
}
