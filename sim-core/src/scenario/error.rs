//! Errors about a scenario, each tied to a field and, when loaded from text, a place.

use std::fmt;
use std::path::PathBuf;

/// One step of a path into the scenario: a table key or an array index.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Where a field lives in the scenario, e.g. `regions[2].instances`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }
    /// This path extended by a key.
    pub fn key(&self, k: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }
    /// This path extended by an array index.
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
    /// Parses `a.b[2].c` (the inverse of `Display`).
    pub fn parse(s: &str) -> Self {
        let mut segs = Vec::new();
        for part in s.split('.').filter(|p| !p.is_empty()) {
            let (name, rest) = part.split_once('[').unwrap_or((part, ""));
            if !name.is_empty() {
                segs.push(Seg::Key(name.to_string()));
            }
            for idx in rest.split('[') {
                if let Ok(i) = idx.trim_end_matches(']').parse() {
                    segs.push(Seg::Index(i));
                }
            }
        }
        FieldPath(segs)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(top level)");
        }
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A problem with one field: what is wrong and what is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: FieldPath,
    pub message: String,
}

impl FieldError {
    pub fn new(path: FieldPath, message: impl Into<String>) -> Self {
        FieldError {
            path,
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// A problem located in a file: `file:line:column: field.path: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// 1-based line and column, when the problem has a place in the text.
    pub line_col: Option<(usize, usize)>,
    pub error: FieldError,
}

/// Everything wrong with one scenario file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file, or a description such as `embedded default scenario`.
    pub source: PathBuf,
    pub problems: Vec<Located>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.source.display())?;
            if let Some((l, c)) = p.line_col {
                write!(f, ":{l}:{c}")?;
            }
            write!(f, ": {}", p.error)?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// 1-based line and column of a byte offset in `text` (columns count characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let mut col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    // A byte-order mark is invisible in editors: columns of the first line do not count it.
    if line == 1 && col > 1 && text.starts_with('\u{FEFF}') {
        col -= 1;
    }
    (line, col)
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        // An empty name is never the fix ("did you mean ``?").
        .filter(|c| !c.trim().is_empty())
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The message for an area name that is not one of `names`: a likely typo's correction,
/// then every name, so that the fix is on the line whatever was meant.
pub fn no_such_area<'a>(area: &str, names: impl IntoIterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.into_iter().map(String::as_str).collect();
    let hint = did_you_mean(area, names.iter().copied())
        .map(|s| format!(": did you mean `{s}`?"))
        .unwrap_or_default();
    format!(
        "no area is named `{area}`{hint} (areas: {})",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {

    /// Found by a person: an empty dependency name was offered as the fix ("did you mean
    /// ``?").
    #[test]
    fn an_empty_name_is_never_suggested() {
        assert_eq!(did_you_mean("dns", ["", "  "]), None);
        assert_eq!(did_you_mean("dnss", ["", "dns"]), Some("dns"));
    }

    use super::*;

    #[test]
    fn paths_display_and_parse() {
        let p = FieldPath::root().key("regions").index(2).key("instances");
        assert_eq!(p.to_string(), "regions[2].instances");
        assert_eq!(FieldPath::parse("regions[2].instances"), p);
    }

    #[test]
    fn line_and_column_are_one_based() {
        let t = "a = 1\nbb = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, 11), (2, 6));
        assert_eq!(line_col(t, 999), (3, 1));
        let bom = "\u{FEFF}seed = -1\n";
        assert_eq!(line_col(bom, bom.find('-').unwrap()), (1, 8));
    }

    #[test]
    fn suggestions_catch_typos_only() {
        let c = ["peak_rps", "diurnal", "read_fraction"];
        assert_eq!(did_you_mean("peak_rp", c), Some("peak_rps"));
        assert_eq!(did_you_mean("read_fracton", c), Some("read_fraction"));
        assert_eq!(did_you_mean("zzz", c), None);
    }
}
