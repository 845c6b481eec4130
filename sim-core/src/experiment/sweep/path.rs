//! Field paths of a sweep axis (`routing.dns_ttl`, `regions[0].instances`,
//! `routing.weights."aws:us-east-1"`) and setting a value at one in a TOML document.
//!
//! Values are set on the base scenario's TOML text, not on the deserialised
//! [`Scenario`](crate::scenario::Scenario): the result then goes through the same loader as
//! a scenario file, so every value gets the same checks and messages, and a path that names
//! no field is reported by the loader as an unknown field.

use crate::scenario::error::{FieldPath, Seg};
use toml_edit::{Array, ArrayOfTables, InlineTable, Item, Table, TableLike, Value};

/// Most parts (keys and indices) a path may have. The scenario's deepest field has about
/// six; without a bound, a path of thousands of parts builds tables nested as deep, which
/// the TOML writer and reader then walk recursively until the stack overflows.
pub const MAX_DEPTH: usize = 32;

/// Parses a path: keys separated by `.`, each followed by any number of `[index]`; a key
/// with characters other than letters, digits, `_` and `-` is written in double quotes.
/// At most [`MAX_DEPTH`] parts.
pub fn parse(text: &str) -> Result<FieldPath, String> {
    let bad = |why: &str| Err(format!("`{text}` is not a field path: {why}"));
    let s = text.trim();
    if s.is_empty() {
        return bad("it is empty");
    }
    let mut segs = Vec::new();
    let mut rest = s;
    loop {
        // One key.
        let key;
        if let Some(q) = rest.strip_prefix('"') {
            let Some(end) = q.find('"') else {
                return bad("a quoted key is not closed");
            };
            key = &q[..end];
            rest = &q[end + 1..];
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            key = &rest[..end];
            rest = &rest[end..];
            if key.is_empty() {
                return bad("a field name is missing (write names as `a.b[0].c`)");
            }
        }
        segs.push(Seg::Key(key.to_string()));
        // Any indices.
        while let Some(r) = rest.strip_prefix('[') {
            if segs.len() >= MAX_DEPTH {
                break;
            }
            let Some(end) = r.find(']') else {
                return bad("`[` is not closed");
            };
            let Ok(i) = r[..end].trim().parse::<usize>() else {
                return bad("an index must be a whole number ≥ 0");
            };
            segs.push(Seg::Index(i));
            rest = &r[end + 1..];
        }
        if segs.len() >= MAX_DEPTH && !rest.is_empty() {
            return Err(format!(
                "`{}…` is not a field path: it has more than {MAX_DEPTH} parts (the limit; scenario fields are at most a few deep)",
                text.chars().take(40).collect::<String>()
            ));
        }
        if rest.is_empty() {
            return Ok(FieldPath(segs));
        }
        match rest.strip_prefix('.') {
            Some(r) => rest = r,
            None => return bad("expected `.` or `[` after a field name"),
        }
    }
}

/// Where the walk down a path stands. A table remembers whether it is inline (`{ … }`):
/// tables created under a regular table are regular too, so that the scenario loader,
/// which blanks out a rejected entry and carries on, can do so line by line.
enum Cursor<'a> {
    Table(&'a mut dyn TableLike, bool),
    Array(&'a mut Array),
    Tables(&'a mut ArrayOfTables),
}

fn cursor_of_item(item: &mut Item) -> Option<Cursor<'_>> {
    match item {
        Item::ArrayOfTables(a) => Some(Cursor::Tables(a)),
        Item::Value(Value::Array(a)) => Some(Cursor::Array(a)),
        Item::Value(Value::InlineTable(t)) => Some(Cursor::Table(t, true)),
        Item::Table(t) => Some(Cursor::Table(t, false)),
        _ => None,
    }
}

fn cursor_of_value(v: &mut Value) -> Option<Cursor<'_>> {
    match v {
        Value::Array(a) => Some(Cursor::Array(a)),
        Value::InlineTable(t) => Some(Cursor::Table(t, true)),
        _ => None,
    }
}

fn prefix(path: &FieldPath, n: usize) -> FieldPath {
    FieldPath(path.0[..n].to_vec())
}

/// Sets `value` at `path` in `root` (the document's top table), creating tables on the
/// way. Fails, with a message, when the path runs into a value or past the end of a list.
pub fn set(root: &mut dyn TableLike, path: &FieldPath, mut value: Value) -> Result<(), String> {
    value.decor_mut().clear();
    let mut cur = Cursor::Table(root, false);
    let last = path.0.len().saturating_sub(1);
    for (i, seg) in path.0.iter().enumerate() {
        let here = || prefix(path, i + 1);
        let parent = || prefix(path, i);
        cur = match (cur, seg) {
            (Cursor::Table(t, inline), Seg::Key(k)) => {
                if i == last {
                    t.insert(k, Item::Value(value));
                    return Ok(());
                }
                if !t.contains_key(k) {
                    if let Some(Seg::Index(n)) = path.0.get(i + 1) {
                        // A list the base scenario does not have: an empty one in its
                        // place lets the loader still name a misspelt field.
                        t.insert(k, Item::Value(Value::Array(Array::new())));
                        return Err(out_of_range(&here(), *n, 0));
                    }
                    let new = if inline {
                        Item::Value(Value::InlineTable(InlineTable::new()))
                    } else {
                        Item::Table(Table::new())
                    };
                    t.insert(k, new);
                }
                let item = t
                    .get_mut(k)
                    .ok_or_else(|| format!("cannot create `{}`", here()))?;
                cursor_of_item(item)
                    .ok_or_else(|| format!("`{}` is a single value: it has no fields", here()))?
            }
            (Cursor::Array(a), Seg::Index(n)) => {
                let len = a.len();
                let Some(v) = a.get_mut(*n) else {
                    return Err(out_of_range(&parent(), *n, len));
                };
                if i == last {
                    *v = value;
                    return Ok(());
                }
                cursor_of_value(v)
                    .ok_or_else(|| format!("`{}` is a single value: it has no fields", here()))?
            }
            (Cursor::Tables(a), Seg::Index(n)) => {
                let len = a.len();
                let Some(t) = a.get_mut(*n) else {
                    return Err(out_of_range(&parent(), *n, len));
                };
                if i == last {
                    return match value {
                        Value::InlineTable(v) => {
                            *t = v.into_table();
                            Ok(())
                        }
                        _ => Err(format!(
                            "`{}` is a table: its value must be an inline table `{{ … }}`",
                            here()
                        )),
                    };
                }
                Cursor::Table(t, false)
            }
            (Cursor::Table(..), Seg::Index(_)) => {
                return Err(format!(
                    "`{}` is a table, not a list: it has no `[index]`",
                    parent()
                ))
            }
            (Cursor::Array(_) | Cursor::Tables(_), Seg::Key(k)) => {
                return Err(format!(
                    "`{}` is a list: pick an entry first, e.g. `{}[0].{k}`",
                    parent(),
                    parent()
                ))
            }
        };
    }
    Err("the path is empty".into())
}

fn out_of_range(list: &FieldPath, n: usize, len: usize) -> String {
    match len {
        0 => format!(
            "the base scenario has no `{list}[{n}]`: it has no `{list}` entries; add one to the base scenario first, or set the whole `{list}` list instead"
        ),
        1 => format!("`{list}` has 1 entry in the base scenario: the only index is 0, not {n}"),
        _ => format!(
            "`{list}` has {len} entries in the base scenario: indices run from 0 to {}, not {n}",
            len - 1
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml_edit::DocumentMut;

    fn p(s: &str) -> FieldPath {
        parse(s).unwrap()
    }

    #[test]
    fn parses_keys_indices_and_quoted_keys() {
        assert_eq!(p("routing.dns_ttl").to_string(), "routing.dns_ttl");
        assert_eq!(
            p("regions[0].instances").to_string(),
            "regions[0].instances"
        );
        assert_eq!(
            p("routing.weights.\"aws:us-east-1\"").0,
            vec![
                Seg::Key("routing".into()),
                Seg::Key("weights".into()),
                Seg::Key("aws:us-east-1".into())
            ]
        );
        assert_eq!(p("a[1][2]").0.len(), 3);
        let deep = vec!["a"; MAX_DEPTH].join(".");
        assert_eq!(p(&deep).0.len(), MAX_DEPTH);
        let e = parse(&format!("{deep}.a")).unwrap_err();
        assert!(e.contains("more than 32 parts"), "{e}");
        let e = parse(&format!("a{}", "[0]".repeat(5000))).unwrap_err();
        assert!(e.contains("more than 32 parts"), "{e}");
        for bad in ["", "a..b", "a.", "[0]", "a[x]", "a[1", "a b", "\"a"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    fn set_in(text: &str, path: &str, v: &str) -> Result<String, String> {
        let mut doc: DocumentMut = text.parse().unwrap();
        let value: Value = v.parse().unwrap();
        set(doc.as_table_mut(), &p(path), value)?;
        Ok(doc.to_string())
    }

    fn reparse(text: &str) -> toml_edit::DocumentMut {
        text.parse().unwrap()
    }

    #[test]
    fn sets_existing_and_new_fields() {
        let base = "seed = 1\n[routing]\ndns_ttl = \"60s\"\n\n[[regions]]\nid = \"a\"\n[[regions]]\nid = \"b\"\ninstances = 3\n";
        let out = reparse(&set_in(base, "routing.dns_ttl", "\"5s\"").unwrap());
        assert_eq!(out["routing"]["dns_ttl"].as_str(), Some("5s"));
        let out = reparse(&set_in(base, "client.timeout", "\"1s\"").unwrap());
        assert_eq!(out["client"]["timeout"].as_str(), Some("1s"));
        let out = reparse(&set_in(base, "regions[1].instances", "7").unwrap());
        assert_eq!(out["regions"][1]["instances"].as_integer(), Some(7));
        assert_eq!(out["regions"][0]["id"].as_str(), Some("a"));
        let out = reparse(&set_in(base, "regions", "[{ id = \"c\" }]").unwrap());
        assert_eq!(out["regions"][0]["id"].as_str(), Some("c"));
        let out = reparse(&set_in(base, "regions[0]", "{ id = \"z\", instances = 2 }").unwrap());
        assert_eq!(out["regions"][0]["instances"].as_integer(), Some(2));
        let out = reparse(&set_in(base, "routing.weights.\"aws:x\"", "2.0").unwrap());
        assert_eq!(out["routing"]["weights"]["aws:x"].as_float(), Some(2.0));
    }

    #[test]
    fn explains_paths_that_cannot_be_set() {
        let base = "seed = 1\n[[regions]]\nid = \"a\"\n";
        let e = set_in(base, "regions[3].instances", "1").unwrap_err();
        assert!(e.contains("`regions` has 1 entry"), "{e}");
        let e = set_in(base, "seed.x", "1").unwrap_err();
        assert!(e.contains("`seed` is a single value"), "{e}");
        let e = set_in(base, "regions.instances", "1").unwrap_err();
        assert!(e.contains("`regions` is a list"), "{e}");
        let e = set_in("[routing]\n", "routing[0]", "1").unwrap_err();
        assert!(e.contains("`routing` is a table, not a list"), "{e}");
        // A list the base scenario does not have is not taken for a table.
        for text in ["seed = 1\n", "failures = []\n"] {
            let e = set_in(text, "failures[0].start", "\"1s\"").unwrap_err();
            assert!(
                e.starts_with("the base scenario has no `failures[0]`: it has no `failures` entries; add one to the base scenario first"),
                "{e}"
            );
        }
    }
}
