//! Errors of the catalog: a bad catalog file, an unknown region id, an unknown provider.
//!
//! A [`CatalogError`] names the file (a path, or `embedded regions.csv`), the line and the
//! field, says what is wrong and what is allowed, so that the CLI can print it and the GUI
//! can show it next to the file. Lookups by name return [`UnknownRegion`] or
//! [`UnknownProvider`], whose messages suggest the closest known name.

use std::fmt;

/// A catalog file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The CSV itself is broken (a row with the wrong number of fields, bad quoting).
    #[error("{file}, line {line}: malformed CSV: {detail}")]
    Malformed {
        file: String,
        line: u64,
        detail: String,
    },
    /// The header lacks a column the file needs.
    #[error(
        "{file}: missing column `{column}`; the file needs the columns {required} (found: {found})"
    )]
    MissingColumn {
        file: String,
        column: String,
        required: String,
        found: String,
    },
    /// One field of one row is wrong.
    #[error("{file}, line {line}, field `{field}`: {problem}")]
    Field {
        file: String,
        line: u64,
        field: String,
        problem: String,
    },
    /// The file as a whole is unusable (for example, a rule every lookup needs is missing).
    #[error("{file}: {problem}")]
    File { file: String, problem: String },
}

impl CatalogError {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            CatalogError::Read { file, .. }
            | CatalogError::Malformed { file, .. }
            | CatalogError::MissingColumn { file, .. }
            | CatalogError::Field { file, .. }
            | CatalogError::File { file, .. } => file,
        }
    }

    /// The 1-based line the error is about, if it is about one line.
    pub fn line(&self) -> Option<u64> {
        match self {
            CatalogError::Malformed { line, .. } | CatalogError::Field { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The column the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            CatalogError::Field { field, .. } => Some(field),
            CatalogError::MissingColumn { column, .. } => Some(column),
            _ => None,
        }
    }
}

/// A region id that is not in the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownRegion {
    /// What was asked for.
    pub asked: String,
    /// The closest known id, if one is close enough to be a likely typo.
    pub suggestion: Option<String>,
}

impl fmt::Display for UnknownRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown region `{}`", self.asked)?;
        match &self.suggestion {
            Some(s) => write!(f, "; did you mean `{s}`?"),
            None => write!(
                f,
                "; region ids are `provider:code`, e.g. `aws:us-east-1` (`regionsim regions` lists them)"
            ),
        }
    }
}

impl std::error::Error for UnknownRegion {}

/// A provider name that no region of the catalog has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownProvider {
    /// What was asked for.
    pub asked: String,
    /// The providers of the catalog, sorted.
    pub known: Vec<String>,
    /// The closest known provider, if one is close enough to be a likely typo.
    pub suggestion: Option<String>,
}

impl fmt::Display for UnknownProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown provider `{}`", self.asked)?;
        if let Some(s) = &self.suggestion {
            write!(f, "; did you mean `{s}`?")?;
        }
        write!(f, " (the providers are: {})", self.known.join(", "))
    }
}

impl std::error::Error for UnknownProvider {}

/// The candidate closest to `asked`, if it is close enough to be a likely typo.
///
/// Each candidate is `(full name, alternative short names)`; the score is the best
/// Jaro–Winkler similarity of `asked` to any of them, so that a bare region code
/// (`us-east1`) finds its id (`gcp:us-east1`). Ties go to the first candidate in order.
pub(crate) fn closest<'a>(
    asked: &str,
    candidates: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> Option<String> {
    const MIN_SIMILARITY: f64 = 0.8;
    let asked = asked.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for (name, short) in candidates {
        let mut score = strsim::jaro_winkler(&asked, &name.to_ascii_lowercase());
        if let Some(short) = short {
            score = score.max(strsim::jaro_winkler(&asked, &short.to_ascii_lowercase()));
        }
        if score >= MIN_SIMILARITY && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, name));
        }
    }
    best.map(|(_, name)| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_prefers_code_matches_and_rejects_far_names() {
        let ids = [
            ("aws:us-east-1", Some("us-east-1")),
            ("gcp:us-east1", Some("us-east1")),
        ];
        assert_eq!(closest("us-east1", ids).as_deref(), Some("gcp:us-east1"));
        assert_eq!(
            closest("aws:us-east1", ids).as_deref(),
            Some("aws:us-east-1")
        );
        assert_eq!(closest("mars:olympus", ids), None);
    }

    #[test]
    fn messages_say_what_was_asked_and_what_to_do() {
        let e = UnknownRegion {
            asked: "aws:us-east1".into(),
            suggestion: Some("aws:us-east-1".into()),
        };
        assert_eq!(
            e.to_string(),
            "unknown region `aws:us-east1`; did you mean `aws:us-east-1`?"
        );
        let e = UnknownProvider {
            asked: "amazon".into(),
            known: vec!["aws".into(), "gcp".into()],
            suggestion: None,
        };
        assert_eq!(
            e.to_string(),
            "unknown provider `amazon` (the providers are: aws, gcp)"
        );
    }
}
