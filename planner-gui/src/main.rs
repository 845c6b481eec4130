//! `planner-gui`: the desktop app. Everything but the window setup is in the library.

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("planner-gui — multi-region deployment planner")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([900.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native(
        "planner-gui",
        options,
        Box::new(|cc| Ok(Box::new(planner_gui::PlannerApp::from_creation_context(cc)))),
    )
}
