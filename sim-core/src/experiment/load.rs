//! Loading a scenario file together with the catalog it refers to.
//!
//! Shared by the CLI and the GUI: read the file, parse and deserialise it, load the
//! catalog (the embedded one, or the scenario's own files resolved against the scenario's
//! folder), then validate against that catalog. Every problem comes back located.

use crate::catalog::Catalog;
use crate::scenario::error::{FieldError, FieldPath, Located, ScenarioError};
use crate::scenario::load::load_str;
use crate::scenario::validate::validate;
use crate::scenario::Scenario;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The text of the embedded default scenario (`datasets/scenarios/default.toml`).
pub const DEFAULT_SCENARIO: &str = include_str!("../../../datasets/scenarios/default.toml");

/// The embedded catalog, shared.
pub fn embedded_catalog() -> Arc<Catalog> {
    static CAT: OnceLock<Arc<Catalog>> = OnceLock::new();
    CAT.get_or_init(|| Arc::new(Catalog::embedded().clone()))
        .clone()
}

/// The catalog a scenario asks for: the embedded one unless it names its own files.
pub fn catalog_for(s: &Scenario, base_dir: &Path) -> Result<Arc<Catalog>, FieldError> {
    let f = &s.catalog;
    if f.regions.is_none() && f.rtt.is_none() && f.prices.is_none() && f.transfer_prices.is_none() {
        return Ok(embedded_catalog());
    }
    Catalog::load(f, base_dir)
        .map(Arc::new)
        .map_err(|e| FieldError::new(FieldPath::root().key("catalog"), e.to_string()))
}

/// Parses and validates scenario `text` read from `source` (used for messages and to
/// resolve relative catalog paths).
pub fn load_text(text: &str, source: &Path) -> Result<(Scenario, Arc<Catalog>), ScenarioError> {
    let base = source.parent().unwrap_or(Path::new("."));
    let mut catalog = None;
    let mut catalog_error = None;
    let scenario = load_str(text, source, |s| match catalog_for(s, base) {
        Ok(c) => {
            let errs = validate(s, c.as_ref());
            catalog = Some(c);
            errs
        }
        Err(e) => {
            catalog_error = Some(e.clone());
            vec![e]
        }
    })?;
    match catalog {
        Some(c) => Ok((scenario, c)),
        None => Err(ScenarioError {
            source: source.to_path_buf(),
            problems: vec![Located {
                line_col: None,
                error: catalog_error
                    .unwrap_or_else(|| FieldError::new(FieldPath::root(), "no catalog")),
            }],
        }),
    }
}

/// Reads and validates a scenario file, or the embedded default when `path` is `None`.
pub fn load_scenario(path: Option<&Path>) -> Result<(Scenario, Arc<Catalog>), ScenarioError> {
    match path {
        None => load_text(DEFAULT_SCENARIO, Path::new("<embedded default scenario>")),
        Some(p) => match std::fs::read_to_string(p) {
            Ok(text) => load_text(&text, p),
            Err(e) => Err(ScenarioError {
                source: p.to_path_buf(),
                problems: vec![Located {
                    line_col: None,
                    error: FieldError::new(FieldPath::root(), format!("cannot read the file: {e}")),
                }],
            }),
        },
    }
}
