//! `planner-gui`: the desktop app. Everything but the window setup is in the library.
//!
//! `planner-gui --compare-and-exit` starts a Compare of the default scenario at once,
//! prints its wall time and closes the window when it ends: the GUI timed against
//! `regionsim compare` (see README.md).

use planner_gui::app::COMPARE_AND_EXIT;

fn main() -> eframe::Result {
    let mut compare_and_exit = false;
    for arg in std::env::args().skip(1) {
        if arg == COMPARE_AND_EXIT {
            compare_and_exit = true;
        } else {
            eprintln!(
                "planner-gui: unknown argument `{arg}`\nusage: planner-gui [{COMPARE_AND_EXIT}]"
            );
            std::process::exit(2);
        }
    }
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
        Box::new(move |cc| {
            let mut app = planner_gui::PlannerApp::from_creation_context(cc);
            app.state.compare_and_exit = compare_and_exit;
            Ok(Box::new(app))
        }),
    )
}
