//! Loading a scenario file together with the catalog it refers to.
//!
//! Shared by the CLI and the GUI: read the file, parse and deserialise it, load the
//! catalog (the embedded one, or the scenario's own files resolved against the scenario's
//! folder), then validate against that catalog. Every problem comes back located.

use crate::catalog::Catalog;
use crate::scenario::error::{FieldError, FieldPath, Located, ScenarioError};
use crate::scenario::load::load_str_with_warnings;
use crate::scenario::Scenario;
use crate::spec::Resolved;
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

/// A scenario file read, checked and resolved.
pub struct Loaded {
    /// The scenario as written (edit it and validate again for variations).
    pub scenario: Scenario,
    pub catalog: Arc<Catalog>,
    /// The resolved run spec.
    pub spec: Resolved,
    /// Legal but surely unintended input, located in the file.
    pub warnings: Vec<Located>,
}

/// Parses and validates scenario `text` read from `source` (used for messages and to
/// resolve relative catalog paths).
pub fn load_text(text: &str, source: &Path) -> Result<(Scenario, Arc<Catalog>), ScenarioError> {
    load_checked(text, source).map(|l| (l.scenario, l.catalog))
}

/// [`load_text`] with the resolved spec and the file's warnings.
pub fn load_checked(text: &str, source: &Path) -> Result<Loaded, ScenarioError> {
    let base = source.parent().unwrap_or(Path::new("."));
    let mut catalog = None;
    let mut catalog_error = None;
    let mut spec = None;
    let (scenario, warnings) =
        load_str_with_warnings(text, source, |s| match catalog_for(s, base) {
            Ok(c) => {
                let out = match crate::spec::validate(s, c.as_ref()) {
                    Ok(r) => {
                        let warnings = r.warnings.clone();
                        spec = Some(r);
                        (Vec::new(), warnings)
                    }
                    Err(errs) => (errs, Vec::new()),
                };
                catalog = Some(c);
                out
            }
            Err(e) => {
                catalog_error = Some(e.clone());
                (vec![e], Vec::new())
            }
        })?;
    match (catalog, spec) {
        (Some(catalog), Some(spec)) => Ok(Loaded {
            scenario,
            catalog,
            spec,
            warnings,
        }),
        _ => Err(ScenarioError {
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
    load_file(path).map(|l| (l.scenario, l.catalog))
}

/// [`load_scenario`] with the resolved spec and the file's warnings.
pub fn load_file(path: Option<&Path>) -> Result<Loaded, ScenarioError> {
    match path {
        None => load_checked(DEFAULT_SCENARIO, Path::new("<embedded default scenario>")),
        Some(p) => match crate::input::read_text(p) {
            Ok(text) => load_checked(&text, p),
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
