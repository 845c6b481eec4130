//! What a comparison tells a reader, in one place for every front end: the table rows
//! ([`rows`]), the verdict paragraph ([`verdict`]), the time charts as SVG ([`chart`])
//! and PNG ([`png`]), and the self-contained HTML report ([`html`]) that bundles them
//! with the scenario, its hash, the seed and the version.
//!
//! The GUI and the CLI call these; neither formats a verdict or a chart of its own for a
//! file, so a report and the screen say the same thing.
//!
//! **The scenario's identity.** A report names its scenario by the SHA-256 of its
//! *canonical text*: the scenario serialised back to TOML with every field spelled out
//! ([`canonical_toml`]). Comments, order and formatting of the file do not change it;
//! any value that changes the simulation does. The canonical text is printed in the
//! report, so it can be saved and run again to reproduce the numbers.

pub mod chart;
pub mod html;
pub mod png;
pub mod rows;
pub mod verdict;

pub use chart::Chart;
pub use html::{html, Baseline, ReportInput};
pub use png::{svg_to_png, PngError};
pub use rows::{summary_rows, Better, Row};
pub use verdict::verdict;

use crate::scenario::Scenario;
use sha2::{Digest, Sha256};

/// The version of regionsim (the workspace's), printed in reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The scenario as TOML with every field spelled out: what a report shows and hashes.
pub fn canonical_toml(s: &Scenario) -> Result<String, String> {
    toml_edit::ser::to_string_pretty(s)
        .map_err(|e| format!("the scenario could not be written as TOML: {e}"))
}

/// SHA-256 of `text`, in lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            use std::fmt::Write;
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_texts() {
        assert_eq!(
            sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_canonical_text_ignores_comments_and_reads_back_to_the_same_scenario() {
        let (s, _) = crate::experiment::load_scenario(None).unwrap();
        let text = canonical_toml(&s).unwrap();
        let commented = format!("# a comment\n{text}");
        let (again, _) =
            crate::experiment::load_text(&commented, std::path::Path::new("x.toml")).unwrap();
        assert_eq!(again, s);
        assert_eq!(canonical_toml(&again).unwrap(), text);
        let mut other = s.clone();
        other.seed += 1;
        assert_ne!(
            sha256_hex(&canonical_toml(&other).unwrap()),
            sha256_hex(&text)
        );
    }
}
