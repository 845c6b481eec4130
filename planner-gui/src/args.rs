//! The command line of the `planner-gui` binary: a scenario to open and a timing flag.
//!
//! Kept apart from `main.rs` so that the parsing is tested like the rest of the library.

use std::path::PathBuf;

/// What the binary was asked to do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// A scenario file to open at start (as File → Open would; a broken one is a message).
    pub file: Option<PathBuf>,
    /// Compare at once, print the wall time and close ([`crate::app::COMPARE_AND_EXIT`]).
    pub compare_and_exit: bool,
    /// `--help` / `-h`: print [`USAGE`] and exit.
    pub help: bool,
}

/// `--help` text.
pub const USAGE: &str = "\
planner-gui: explore and compare multi-region layouts (active-passive, active-active,
sharded) by simulation, and plan the cheapest design that meets your objectives.

usage: planner-gui [FILE.toml] [--compare-and-exit]

  FILE.toml            a scenario to open (default: the embedded default scenario);
                       e.g. datasets/examples/zone-outage.toml
  --compare-and-exit   compare the three layouts at once, print the wall time, close
  -h, --help           this text

Ctrl+R compares, Ctrl+S saves, Ctrl+O opens, Ctrl+Z / Ctrl+Shift+Z undo and redo.";

/// Parses the arguments after the program name; the error names the argument and the fix.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut out = Args::default();
    for arg in args {
        match arg.as_str() {
            "-h" | "--help" => out.help = true,
            crate::app::COMPARE_AND_EXIT => out.compare_and_exit = true,
            a if a.starts_with('-') => {
                return Err(format!(
                    "planner-gui: unknown option `{a}`\nusage: planner-gui [FILE.toml] [{}]",
                    crate::app::COMPARE_AND_EXIT
                ))
            }
            _ if out.file.is_some() => {
                return Err(format!(
                    "planner-gui: one scenario file at a time, got a second one: `{arg}`\n\
                     usage: planner-gui [FILE.toml] [{}]",
                    crate::app::COMPARE_AND_EXIT
                ))
            }
            _ => out.file = Some(PathBuf::from(arg)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Args, String> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn a_file_and_the_flag_in_any_order() {
        let want = Args {
            file: Some("x.toml".into()),
            compare_and_exit: true,
            help: false,
        };
        assert_eq!(p(&["x.toml", "--compare-and-exit"]), Ok(want));
        let want = Args {
            file: Some("x.toml".into()),
            compare_and_exit: true,
            help: false,
        };
        assert_eq!(p(&["--compare-and-exit", "x.toml"]), Ok(want));
        assert_eq!(p(&[]), Ok(Args::default()));
        assert!(p(&["-h"]).unwrap().help);
    }

    #[test]
    fn unknown_options_and_a_second_file_are_refused_with_the_usage() {
        let e = p(&["--bogus"]).unwrap_err();
        assert!(e.contains("`--bogus`") && e.contains("usage:"), "{e}");
        let e = p(&["a.toml", "b.toml"]).unwrap_err();
        assert!(e.contains("`b.toml`") && e.contains("usage:"), "{e}");
    }
}
