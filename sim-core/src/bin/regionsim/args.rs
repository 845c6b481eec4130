//! Checks on command-line values that clap cannot express by itself.
//!
//! - Every value accepts a leading `-` (`main::command` sets clap's
//!   `allow_negative_numbers` on all of them) so that whole-number flags can refuse it with
//!   "must be ≥ 0": otherwise clap takes `-1` for a flag and suggests `-- -1`, which would
//!   pass it as a file name.
//! - `--out` must be a folder: naming an existing file is refused before any simulation,
//!   not after minutes of work when the CSV cannot be written.

use anyhow::{bail, Result};
use std::path::Path;
use std::str::FromStr;

/// A whole number ≥ 0 of type `T` (u16, u32, u64, usize), with a message that names the
/// problem for negative, fractional and too-large values.
pub fn whole<T: FromStr>(s: &str) -> Result<T, String> {
    let t = s.trim();
    if t.starts_with('-') {
        return Err(format!("must be a whole number ≥ 0, not `{s}`"));
    }
    t.parse().map_err(|_| {
        if t.parse::<f64>()
            .is_ok_and(|x| x.is_finite() && x.fract() != 0.0)
        {
            format!("must be a whole number, not `{s}`")
        } else if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            format!("`{s}` is too large (at most {})", max_of::<T>())
        } else {
            format!("must be a whole number ≥ 0, not `{s}`")
        }
    })
}

/// A whole number ≥ 1 of type `T`: a count that 0 would make empty (`--top 0` prints an
/// empty table), refused naming the range.
pub fn at_least_one<T: FromStr + PartialEq + From<u8>>(s: &str) -> Result<T, String> {
    let n = whole::<T>(s).map_err(|e| e.replace("≥ 0", "≥ 1"))?;
    if n == T::from(0) {
        return Err(format!(
            "must be a whole number from 1 to {}, not `{s}`",
            max_of::<T>()
        ));
    }
    Ok(n)
}

/// The largest value of unsigned `T` (std has no trait for it): the largest of the
/// unsigned maxima that parses as a `T`. Only used in a message.
fn max_of<T: FromStr>() -> String {
    [u64::MAX, u32::MAX.into(), u16::MAX.into(), u8::MAX.into()]
        .map(|m| m.to_string())
        .into_iter()
        .find(|m| m.parse::<T>().is_ok())
        .unwrap_or_else(|| "the type's limit".into())
}

/// Refuses an output folder that names an existing file (or something else that is not a
/// folder); a missing folder is fine, it is created when the results are written.
pub fn out_dir(flag: &str, dir: &Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => bail!(
            "{flag} {}: is a file, not a folder; name a folder (it is created if missing)",
            dir.display()
        ),
        _ => parents_are_folders(flag, dir)?,
    }
    writable(flag, dir)
}

/// Writes and removes a probe file in `dir`, or, when it does not exist yet, in the
/// nearest folder above it that does (where it will be created), so a folder that cannot
/// be made or written (read-only, `/proc/x`, no permission) is said before the
/// simulation, not after it. Nothing is created.
fn writable(flag: &str, dir: &Path) -> Result<()> {
    let Some(existing) = dir
        .ancestors()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .find(|p| p.is_dir())
    else {
        return Ok(());
    };
    let probe = existing.join(format!(".regionsim-probe-{}", std::process::id()));
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => bail!(
            "{flag} {}: cannot write in `{}`: {e}; name a folder you can write to",
            dir.display(),
            existing.display()
        ),
    }
}

/// Refuses `path` when the nearest of its parents that exists is a file: no folder can be
/// made inside it, and the writes would fail only after the whole simulation.
pub fn parents_are_folders(flag: &str, path: &Path) -> Result<()> {
    let existing = path
        .ancestors()
        .skip(1)
        .take_while(|p| !p.as_os_str().is_empty())
        .find_map(|p| std::fs::metadata(p).ok().map(|m| (p, m)));
    match existing {
        Some((p, m)) if !m.is_dir() => bail!(
            "{flag} {}: `{}` is a file, so nothing can be written inside it; name a path in a folder",
            path.display(),
            p.display()
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_explain_what_is_wrong() {
        assert_eq!(whole::<u32>("12"), Ok(12));
        assert!(whole::<u32>("-1")
            .unwrap_err()
            .contains("must be a whole number ≥ 0"));
        assert!(whole::<u32>("1.5")
            .unwrap_err()
            .contains("whole number, not"));
        assert!(whole::<u16>("70000").unwrap_err().contains("at most 65535"));
        assert!(whole::<u64>("x").unwrap_err().contains("≥ 0"));
        assert_eq!(at_least_one::<usize>("3"), Ok(3));
        assert_eq!(
            at_least_one::<u32>("0").unwrap_err(),
            "must be a whole number from 1 to 4294967295, not `0`"
        );
        assert!(at_least_one::<u32>("-2").unwrap_err().contains("≥ 1"));
    }
}
