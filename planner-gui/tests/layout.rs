//! Headless tests of the window's layout and view features (egui_kittest, no GPU): the
//! app at 1024 × 700 and 1400 × 900 with its key widgets inside the window, the
//! light/dark switch, the searchable add-region list, user areas over catalog regions on
//! the map, the itemised bill, and `--compare-and-exit`.

mod common;

use common::{click_at, click_button, wait};
use egui::accesskit::Role;
use egui::Rect;
use egui_kittest::kittest::{by, NodeT, Queryable};
use egui_kittest::Harness;
use egui_plot::PlotPoint;
use planner_gui::dialogs::NoDialogs;
use planner_gui::panels::add_region::{self, ENTRY_PREFIX, FILTER_LABEL};
use planner_gui::panels::bill;
use planner_gui::panels::map::{area_radius, HIT_RADIUS};
use planner_gui::panels::planner::{load_label, COLUMNS, PLAN_BUTTON};
use planner_gui::panels::view_menu::{TO_DARK, TO_LIGHT};
use planner_gui::state::{AppState, Tab};
use planner_gui::PlannerApp;
use sim_core::engine::SimDuration;
use sim_core::experiment::load_text;
use std::path::Path;

/// The app on `state` in a `w` × `h` window, after its first frames.
fn harness_at(state: AppState, w: f32, h: f32) -> Harness<'static, PlannerApp> {
    let mut h = Harness::builder()
        .with_size([w, h])
        .with_accessibility_check(false)
        .build_eframe(|_| PlannerApp::new(state, Box::new(NoDialogs)));
    h.run_ok();
    h
}

/// The default scenario, made quick (one simulated minute at a lower rate).
fn quick_state() -> AppState {
    let d = AppState::from_default();
    let mut s = d.scenario.clone();
    s.duration = SimDuration::from_secs(60);
    s.warmup = SimDuration::from_secs(10);
    s.workload.peak_rps = 800.0;
    AppState::new(s, d.catalog.clone(), None)
}

fn window(h: &Harness<'_, PlannerApp>) -> Rect {
    h.ctx.content_rect()
}

/// `r` lies inside the window (half a point of rounding allowed).
fn assert_inside(h: &Harness<'_, PlannerApp>, what: &str, r: Rect) {
    let w = window(h).expand(0.5);
    assert!(
        w.contains_rect(r),
        "{what} at {r:?} is not inside the window {w:?}"
    );
}

/// `r` is not cut off at the left or right of the window.
fn assert_inside_x(h: &Harness<'_, PlannerApp>, what: &str, r: Rect) {
    let w = window(h).expand(0.5);
    assert!(
        w.min.x <= r.min.x && r.max.x <= w.max.x,
        "{what} at {r:?} sticks out of the window {w:?}"
    );
}

/// Scrolls the widget labelled `label` (role `role`) into view and checks that it is
/// wholly inside the window.
fn assert_visible(h: &mut Harness<'_, PlannerApp>, role: Role, label: &str) {
    h.get(by().role(role).label(label)).scroll_to_me();
    h.run_ok();
    let r = h.get(by().role(role).label(label)).rect();
    assert_inside(h, label, r);
}

fn compare(h: &mut Harness<'_, PlannerApp>) {
    common::start_compare(h);
    wait(h, "the comparison", |st| st.job.is_none());
}

#[test]
fn at_1024_by_700_the_map_compare_and_the_charts_are_inside_the_window() {
    let mut h = harness_at(quick_state(), 1024.0, 700.0);
    let map = h
        .state()
        .state
        .map_transform
        .expect("the map was drawn")
        .frame()
        .to_owned();
    assert_inside(&h, "the map", map);
    // The map keeps most of the window: the editor takes at most a third.
    assert!(map.width() > 600.0 && map.height() > 450.0, "{map:?}");
    let b = h.get_by_role_and_label(Role::Button, "▶ Compare").rect();
    assert_inside(&h, "▶ Compare", b);

    compare(&mut h);
    assert_eq!(h.state().state.tab, Tab::Compare);
    // The summary table's layout columns, then each chart by its title and by its legend
    // (drawn in the plot's right corner, so it is there only if the plot is whole).
    for l in ["active-passive", "active-active", "sharded"] {
        let rects: Vec<Rect> = h.get_all_by_label(l).map(|n| n.rect()).collect();
        assert!(!rects.is_empty(), "no {l} column");
        for r in rects {
            assert_inside_x(&h, l, r);
        }
    }
    for title in [
        "Cost per month (USD) by part",
        "Summary (best per row in green)",
    ] {
        assert_visible(&mut h, Role::Label, title);
    }
    for legend in ["compute", "transfer", "egress"] {
        assert_visible(&mut h, Role::CheckBox, legend);
    }
    // Every legend entry of every chart (the CDF, the areas, the timeline) is whole.
    let checks: Vec<Rect> = h
        .get_all(by().role(Role::CheckBox))
        .map(|n| n.rect())
        .collect();
    assert!(checks.len() >= 6, "{} legend entries", checks.len());
    for r in checks {
        assert_inside_x(&h, "a legend entry", r);
    }
    // The time charts' legends (a line per region or layout, a shade per failure) sit
    // above the plots, not in a corner of them, where they hid the spikes of an outage.
    let regions = h.state().state.results.as_ref().unwrap().runs[0]
        .summary
        .region_ids
        .clone();
    for id in &regions {
        assert!(
            h.query_by_role_and_label(Role::CheckBox, id).is_none(),
            "{id}: a legend inside a plot"
        );
        assert!(h.query_all_by_label(id).next().is_some(), "{id}: no legend");
    }
}

#[test]
fn the_editor_panel_can_be_shut_and_the_map_takes_its_room() {
    let mut h = harness_at(quick_state(), 1024.0, 700.0);
    let before = h.state().state.map_transform.expect("map").frame().width();
    h.get_by_label("View").click();
    h.run_ok();
    h.get(by().role(Role::CheckBox).label("Scenario editor (left)"))
        .click();
    h.run_ok();
    assert!(!h.state().state.view.editor_open);
    let after = h.state().state.map_transform.expect("map").frame().width();
    assert!(after > before + 200.0, "{before} → {after}");
}

/// The planner's small test case (as in `tests/planner.rs`), with p99 ≤ 200 ms.
fn tiny_state() -> AppState {
    let text = include_str!("../../sim-core/tests/data/plan_tiny.toml");
    let (mut s, cat) = load_text(text, Path::new("tiny.toml")).expect("the tiny case is valid");
    s.slo.p99 = Some(SimDuration::from_millis(200));
    AppState::new(s, cat, None)
}

#[test]
fn at_1400_by_900_the_designs_table_fits_without_scrolling_sideways() {
    let mut h = harness_at(tiny_state(), 1400.0, 900.0);
    click_button(&mut h, "🎯 Planner");
    click_button(&mut h, PLAN_BUTTON);
    assert!(
        h.state().state.planner.job.is_some(),
        "no plan started: {:?} {:?}",
        h.state().state.errors,
        h.state().state.message
    );
    wait(&mut h, "the plan", |st| st.planner.job.is_none());
    let res = h
        .state()
        .state
        .planner
        .result
        .clone()
        .unwrap_or_else(|| panic!("no plan: {:?}", h.state().state.message));
    assert!(res.report.designs.len() > 10);
    h.get(
        by().role(Role::CheckBox)
            .label("also pruned and not simulated"),
    )
    .click();
    h.run_ok();
    // Every design, pruned ones too: their reasons are the longest.
    assert!(h.state().state.planner.settings.show_all);
    for (head, _) in COLUMNS.iter().filter(|(c, _)| !c.is_empty()) {
        let rects: Vec<Rect> = h.get_all_by_label(head).map(|n| n.rect()).collect();
        assert!(!rects.is_empty(), "no column {head}");
        for r in rects {
            assert_inside(&h, head, r);
        }
    }
    // Every row's last cell (the status and its reason, wrapped) ends inside the window.
    let n = res.report.designs.len();
    for i in 0..n {
        for node in h.get_all_by_label(&res.report.designs[i].reason) {
            assert_inside_x(&h, &format!("the reason of #{}", i + 1), node.rect());
        }
        let b = h.get_by_label(&load_label(i)).rect();
        assert_inside_x(&h, &load_label(i), b);
    }
    // The status words (the cell's first line: "feasible · front") too.
    status_words_inside(&h);
}

/// Asserts every status word of the designs table ends inside the window; how many there
/// are.
fn status_words_inside(h: &Harness<'_, PlannerApp>) -> usize {
    let mut seen = 0;
    for status in [
        "feasible",
        "feasible · front",
        "infeasible",
        "infeasible · front",
        "pruned",
        "not simulated",
    ] {
        for node in h.query_all_by_label(status) {
            assert_inside_x(h, status, node.rect());
            seen += 1;
        }
    }
    seen
}

/// A plan of a real example (four-digit dollars, "126 (144)" ms, designs on the front):
/// its status words and reasons end inside the window at 1400 × 900 (they were cut off:
/// "feasible · fro").
#[test]
fn at_1400_by_900_a_real_plans_status_column_fits() {
    let text = include_str!("../../datasets/examples/dependency-outage.toml");
    let (mut s, cat) =
        load_text(text, Path::new("dependency-outage.toml")).expect("the example is valid");
    s.slo.p99 = Some(SimDuration::from_millis(250));
    let mut h = harness_at(AppState::new(s, cat, None), 1400.0, 900.0);
    click_button(&mut h, "🎯 Planner");
    click_button(&mut h, PLAN_BUTTON);
    wait(&mut h, "the plan", |st| st.planner.job.is_none());
    let res = h.state().state.planner.result.clone().expect("a plan");
    assert!(!res.report.pareto.is_empty(), "designs on the front");
    assert!(status_words_inside(&h) > 0, "no status cell found");
    for d in &res.report.designs {
        for node in h.query_all_by_label(&d.reason) {
            assert_inside_x(&h, "a reason", node.rect());
        }
    }
}

#[test]
fn the_theme_switch_flips_dark_mode_and_is_remembered_in_the_state() {
    let mut h = harness_at(quick_state(), 1024.0, 700.0);
    assert!(h.state().state.view.dark);
    assert!(h.ctx.global_style().visuals.dark_mode);
    click_button(&mut h, TO_LIGHT);
    assert!(!h.state().state.view.dark);
    assert!(!h.ctx.global_style().visuals.dark_mode);
    // Opening another scenario keeps the choice.
    let ctx = h.ctx.clone();
    h.state_mut().handle(planner_gui::Command::NewDefault, &ctx);
    h.run_ok();
    assert!(!h.state().state.view.dark);
    assert!(!h.ctx.global_style().visuals.dark_mode);
    click_button(&mut h, TO_DARK);
    assert!(h.state().state.view.dark);
    assert!(h.ctx.global_style().visuals.dark_mode);
    let stored = h.state().state.view.to_stored();
    assert_eq!(
        planner_gui::state::ViewPrefs::from_stored(stored),
        h.state().state.view
    );
}

/// The buttons of the add-region list.
fn entries(h: &Harness<'_, PlannerApp>) -> Vec<String> {
    h.get_all(by().role(Role::Button))
        .filter_map(|n| n.accesskit_node().label())
        // (the failure editor's "+ region outage"… buttons have no " · ")
        .filter(|l| l.starts_with(ENTRY_PREFIX) && l.contains(" · "))
        .collect()
}

#[test]
fn typing_a_filter_narrows_the_region_list_and_a_click_deploys_the_region() {
    let mut h = harness_at(quick_state(), 1400.0, 900.0);
    let (cat, s) = {
        let st = &h.state().state;
        (st.catalog.clone(), st.scenario.clone())
    };
    let all = cat.regions().len() - s.regions.len();
    h.get_by_label_contains("Add a region").click();
    h.run_ok();
    assert_eq!(entries(&h).len(), all);
    // Each entry shows its price per instance-hour and the RTT to the nearest region.
    let first = add_region::entries(&cat, &s, "")[0].clone();
    let (near, ms, _) = first.nearest.clone().expect("regions are deployed");
    let text = add_region::entry_text(&cat, &first);
    assert!(text.contains(&format!("{ms:.0} ms to {near}")), "{text}");
    assert!(text.contains("/h"), "{text}");
    h.get_by_label(&text);

    h.get_by_label(FILTER_LABEL).focus();
    h.run_ok();
    h.get_by_label(FILTER_LABEL).type_text("tokyo");
    h.run_ok();
    let shown = entries(&h);
    assert!(!shown.is_empty() && shown.len() < all, "{shown:?}");
    assert_eq!(shown.len(), add_region::entries(&cat, &s, "tokyo").len());
    for e in &shown {
        assert!(e.contains("Tokyo"), "{e}");
    }
    let id = shown[0]
        .trim_start_matches(ENTRY_PREFIX)
        .split(' ')
        .next()
        .expect("an id")
        .to_string();
    // The list starts near the bottom of the window, under the status bar's edge: the
    // Workload section above it is shut first, as a user would make room.
    h.get_by_label("Workload").click();
    h.run_ok();
    h.get_by_label(&shown[0]).click();
    h.run_ok();
    let st = &h.state().state;
    assert!(st.scenario.regions.iter().any(|r| r.id == id), "{id}");
    assert_eq!(st.scenario.regions.len(), s.regions.len() + 1);
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    // It leaves the list.
    assert_eq!(
        add_region::entries(&cat, &st.scenario, "tokyo").len(),
        shown.len() - 1
    );
}

#[test]
fn over_a_user_area_the_area_wins_and_a_click_adds_no_region() {
    let mut h = harness_at(quick_state(), 1400.0, 900.0);
    let (pos, area) = {
        let st = &h.state().state;
        let t = st.map_transform.expect("the map was drawn");
        let at = |lon: f64, lat: f64| t.position_from_point(&PlotPoint::new(lon, lat));
        let areas = planner_gui::links::plain_areas(&st.scenario, &st.catalog);
        let deployed: Vec<egui::Pos2> = st
            .scenario
            .regions
            .iter()
            .map(|d| {
                let r = &st.catalog.regions()[st.catalog.region(&d.id).expect("known")];
                at(r.lon, r.lat)
            })
            .collect();
        // A grey catalog dot well inside a user area's circle, away from deployed ones.
        st.catalog
            .regions()
            .iter()
            .filter(|r| st.scenario.regions.iter().all(|d| d.id != r.id))
            .find_map(|r| {
                let p = at(r.lon, r.lat);
                let clear = deployed.iter().all(|d| d.distance(p) > 2.0 * HIT_RADIUS);
                let a = areas
                    .iter()
                    .find(|a| at(a.lon, a.lat).distance(p) + 2.0 < area_radius(a.share))?;
                clear.then(|| (p, a.area.clone()))
            })
            .expect("a catalog region under a user area")
    };
    let before = h.state().state.scenario.clone();
    let named = h.query_all_by_label(&area).count();
    h.hover_at(pos);
    h.run_steps(60);
    // The tooltip names the area, and does not offer to add the region.
    assert!(
        h.query_all_by_label(&area).count() > named,
        "no tooltip of {area}"
    );
    assert_eq!(
        h.query_all_by_label("click to add it to the deployment")
            .count(),
        0
    );
    click_at(&mut h, pos);
    assert_eq!(
        h.state().state.scenario,
        before,
        "a click on an area changed the scenario"
    );
}

#[test]
fn the_bill_lists_each_region_and_part_and_adds_up_to_each_layouts_cost() {
    let mut h = harness_at(quick_state(), 1400.0, 900.0);
    compare(&mut h);
    let runs = h.state().state.results.clone().expect("results").runs;
    h.get_by_label(bill::TITLE).scroll_to_me();
    h.run_ok();
    h.get_by_label(bill::TITLE).click();
    h.run_ok();
    for run in &runs {
        let lines = bill::lines(&run.cost);
        let sum = |part: Option<bill::Part>| -> f64 {
            lines
                .iter()
                .filter(|l| part.is_none_or(|p| l.part == p))
                .map(|l| l.usd_per_month)
                .sum()
        };
        // The lines add up to the summary's (and the CSV's) cost, part by part.
        for (got, want) in [
            (sum(None), run.summary.cost_usd_month),
            (
                sum(Some(bill::Part::Compute)),
                run.summary.compute_usd_month,
            ),
            (
                sum(Some(bill::Part::Replication)),
                run.summary.transfer_usd_month,
            ),
            (sum(Some(bill::Part::Egress)), run.summary.egress_usd_month),
        ] {
            assert!(
                (got - want).abs() <= 1e-9 * want.max(1.0),
                "{}: lines {got} ≠ {want}",
                run.layout()
            );
        }
        // Every region of active-active serves: each pays compute and egress.
        if run.layout() == sim_core::scenario::LayoutKind::ActiveActive {
            for id in &run.summary.region_ids {
                for part in [bill::Part::Compute, bill::Part::Egress] {
                    assert!(
                        lines.iter().any(|l| &l.region == id && l.part == part),
                        "{id}: no {part:?} line"
                    );
                }
            }
        }
        // The section shows the layout's total.
        h.get_by_label(&format!(
            "{} — {} per month",
            run.layout().name(),
            bill::usd(run.cost.total())
        ));
        // … and again in its table's total cell.
        let cell = bill::usd(run.cost.total());
        assert!(h.get_all_by_label(&cell).count() >= 1, "{cell}");
    }
}

#[test]
fn compare_and_exit_compares_at_once_then_closes() {
    let mut state = quick_state();
    state.compare_and_exit = true;
    let mut h = harness_at(state, 1024.0, 700.0);
    assert!(
        h.state().state.job.is_some() || h.state().state.results.is_some(),
        "no comparison started"
    );
    wait(&mut h, "the comparison", |st| st.job.is_none());
    let app = h.state();
    assert_eq!(app.state.results.as_ref().map(|r| r.runs.len()), Some(3));
    assert!(app.is_closing(), "the window was not closed");
}

/// Every widget of the editor ends left of the panel's edge at 1400 × 900, for the
/// default and every example: one row a few points too wide (a handover's delete button)
/// widened every row below it, and the failure buttons and notes were cut off at the edge
/// behind a sideways scrollbar.
#[test]
fn the_editor_fits_its_panel_for_every_example() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/examples");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/scenarios/default.toml"));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let (s, cat) = load_text(&text, &file).unwrap();
        let h = harness_at(AppState::new(s, cat, None), 1400.0, 900.0);
        // A valid scenario has no "Other problems" header (an empty one read as a problem).
        assert!(
            h.query_by_label_contains("Other problems").is_none(),
            "{}",
            file.display()
        );
        let edge = h
            .get_by_role_and_label(Role::Splitter, "Resize panel")
            .rect()
            .min
            .x;
        for node in h.get_all(by()) {
            let n = node.accesskit_node();
            let Some(b) = n.bounding_box() else { continue };
            // Below the menu bar and starting in the editor.
            if b.y0 > 25.0 && (b.x0 as f32) < edge && b.x1 as f32 > edge + 0.5 {
                panic!(
                    "{}: {:?} {:?} ends at {:.1}, past the editor's edge {edge:.1}",
                    file.display(),
                    n.role(),
                    n.label(),
                    b.x1
                );
            }
        }
    }
}
