//! `planner-gui`: the desktop app. Everything but the window setup is in the library.
//!
//! `planner-gui FILE.toml` opens a scenario at start; `planner-gui --compare-and-exit`
//! starts a Compare at once, prints its wall time and closes the window when it ends: the
//! GUI timed against `regionsim compare` (see README.md). `--help` says so.

use planner_gui::args::{parse, USAGE};
use planner_gui::command::Command;

fn main() -> eframe::Result {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if args.help {
        println!("{USAGE}");
        return Ok(());
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
            if let Some(file) = args.file {
                app.handle(Command::Open(file), &cc.egui_ctx);
            }
            app.state.compare_and_exit = args.compare_and_exit;
            Ok(Box::new(app))
        }),
    )
}
