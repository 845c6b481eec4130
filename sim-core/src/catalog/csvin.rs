//! Reading one catalog CSV into records whose fields are checked one by one.
//!
//! Every catalog file goes through here so that every problem is reported the same way:
//! file, 1-based line (the header is line 1), column, what is wrong and what is allowed.
//! Columns are found by header name, so their order does not matter and extra columns
//! (notes, provenance) are ignored. Fields are trimmed.

use super::error::CatalogError;

/// A catalog file's name (a path or `embedded regions.csv`) and its text.
#[derive(Clone, Debug)]
pub(crate) struct Input {
    pub name: String,
    pub text: std::borrow::Cow<'static, str>,
}

impl Input {
    /// An embedded file (its name says so in error messages).
    pub fn embedded(file: &str, text: &'static str) -> Input {
        Input {
            name: format!("embedded {file}"),
            text: text.into(),
        }
    }
}

/// One data row: the values of the wanted columns, in the order they were asked for.
#[derive(Debug)]
pub(crate) struct Record<'a> {
    file: &'a str,
    line: u64,
    columns: &'static [&'static str],
    values: Vec<String>,
}

/// Parses `input` and returns its data rows, each holding the `columns` asked for.
pub(crate) fn records<'a>(
    input: &'a Input,
    columns: &'static [&'static str],
) -> Result<Vec<Record<'a>>, CatalogError> {
    let file = input.name.as_str();
    let text = input.text.strip_prefix('\u{feff}').unwrap_or(&input.text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut lines = Lines::new(text);
    let header = reader
        .headers()
        .map_err(|e| malformed(file, &mut lines, &e))?
        .clone();
    let mut index = Vec::with_capacity(columns.len());
    for &column in columns {
        match header.iter().position(|h| h == column) {
            Some(i) => index.push(i),
            None => {
                return Err(CatalogError::MissingColumn {
                    file: file.to_string(),
                    column: column.to_string(),
                    required: columns.join(", "),
                    found: header.iter().collect::<Vec<_>>().join(", "),
                })
            }
        }
    }
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| malformed(file, &mut lines, &e))?;
        let line = row.position().map_or(0, |p| lines.at(p));
        let values = index
            .iter()
            .map(|&i| row.get(i).unwrap_or_default().to_string())
            .collect();
        out.push(Record {
            file,
            line,
            columns,
            values,
        });
    }
    Ok(out)
}

/// 1-based line numbers of byte positions, counted incrementally (records come in order).
///
/// The csv crate reports a record's position before the blank lines it skips, so the line
/// is that of the first byte at or after the position that is not a line end.
struct Lines<'t> {
    bytes: &'t [u8],
    byte: usize,
    line: u64,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Lines {
            bytes: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    fn at(&mut self, pos: &csv::Position) -> u64 {
        let mut start = (pos.byte() as usize).min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        if start < self.byte {
            (self.byte, self.line) = (0, 1);
        }
        self.line += self.bytes[self.byte..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.byte = start;
        self.line
    }
}

fn malformed(file: &str, lines: &mut Lines<'_>, e: &csv::Error) -> CatalogError {
    let line = e.position().map_or(0, |p| lines.at(p));
    let detail = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".to_string(),
        _ => e.to_string(),
    };
    CatalogError::Malformed {
        file: file.to_string(),
        line,
        detail,
    }
}

impl<'a> Record<'a> {
    /// The 1-based line of the row in its file.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// An error about `column` of this row.
    pub fn error(&self, column: &str, problem: impl Into<String>) -> CatalogError {
        CatalogError::Field {
            file: self.file.to_string(),
            line: self.line,
            field: column.to_string(),
            problem: problem.into(),
        }
    }

    /// The raw (trimmed) value of `column`, possibly empty.
    pub fn raw(&self, column: &str) -> &str {
        self.columns
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.values.get(i))
            .map_or("", String::as_str)
    }

    /// The value of `column`, which must not be empty.
    pub fn text(&self, column: &str) -> Result<&str, CatalogError> {
        let v = self.raw(column);
        if v.is_empty() {
            Err(self.error(column, "is empty; a value is required"))
        } else {
            Ok(v)
        }
    }

    /// The value of `column` as a finite number.
    pub fn number(&self, column: &str) -> Result<f64, CatalogError> {
        let v = self.text(column)?;
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            Ok(_) => Err(self.error(column, format!("`{v}` is not finite; give a finite number"))),
            Err(_) => Err(self.error(column, format!("`{v}` is not a number"))),
        }
    }

    /// The value of `column` as a number in `[lo, hi]`; `what` names it in the message.
    pub fn number_in(
        &self,
        column: &str,
        lo: f64,
        hi: f64,
        what: &str,
    ) -> Result<f64, CatalogError> {
        let x = self.number(column)?;
        if (lo..=hi).contains(&x) {
            Ok(x)
        } else {
            Err(self.error(column, format!("{what} {x} is outside [{lo}, {hi}]")))
        }
    }

    /// The value of `column` as a number in `[0, max]`, `max` in `unit`: far past any real
    /// value lies a wrong unit, and past that, arithmetic that overflows (an RTT of 1e300
    /// ms turned the latency fit into NaN and every user's latency into nonsense).
    pub fn at_most(
        &self,
        column: &str,
        max: f64,
        what: &str,
        unit: &str,
    ) -> Result<f64, CatalogError> {
        let x = self.non_negative(column, false, what)?;
        if x <= max {
            Ok(x)
        } else {
            // 1e300 in full is 301 digits.
            let x = if x < 1e12 {
                x.to_string()
            } else {
                format!("{x:e}")
            };
            Err(self.error(
                column,
                format!("{what} {x} {unit} is not allowed; it must be at most {max} {unit} (is the unit right?)"),
            ))
        }
    }

    /// The value of `column` as a number ≥ 0 (`positive` = strictly > 0).
    pub fn non_negative(
        &self,
        column: &str,
        positive: bool,
        what: &str,
    ) -> Result<f64, CatalogError> {
        let x = self.number(column)?;
        if x > 0.0 || (!positive && x == 0.0) {
            Ok(x)
        } else {
            let allowed = if positive { "> 0" } else { "≥ 0" };
            Err(self.error(
                column,
                format!("{what} {x} is not allowed; it must be {allowed}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &'static str) -> Input {
        Input {
            name: "t.csv".into(),
            text: text.into(),
        }
    }

    #[test]
    fn columns_by_name_extra_ignored_lines_counted() {
        let i = input("\u{feff}b,note,a\n 2 ,x, 1\n\n4,y,3\n");
        let rs = records(&i, &["a", "b"]).expect("valid");
        assert_eq!(rs.len(), 2);
        assert_eq!(
            (rs[0].raw("a"), rs[0].raw("b"), rs[0].line()),
            ("1", "2", 2)
        );
        assert_eq!(rs[1].line(), 4);
    }

    #[test]
    fn problems_name_file_line_and_field() {
        let i = input("a,b\n1,2\n3\n");
        let e = records(&i, &["a", "b"]).expect_err("short row");
        assert_eq!((e.file(), e.line()), ("t.csv", Some(3)));
        assert!(
            e.to_string().contains("1 fields where the header has 2"),
            "{e}"
        );

        let e = records(&input("a\n1\n"), &["a", "b"]).expect_err("no b");
        assert_eq!(e.field(), Some("b"));
        assert!(e.to_string().contains("needs the columns a, b"), "{e}");

        let i = input("a,b\n1,x\n,NaN\n");
        let rs = records(&i, &["a", "b"]).expect("valid CSV");
        let e = rs[0].number("b").expect_err("not a number");
        assert_eq!(
            e.to_string(),
            "t.csv, line 2, field `b`: `x` is not a number"
        );
        assert!(rs[1].text("a").is_err());
        assert!(rs[1]
            .number("b")
            .expect_err("NaN")
            .to_string()
            .contains("not finite"));
        assert!(rs[0].number_in("a", 2.0, 3.0, "a").is_err());
        assert!(rs[0].non_negative("a", true, "a").is_ok());
    }
}
