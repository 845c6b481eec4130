//! What a sweep keeps on disk, and how it is read back.
//!
//! ```text
//! DIR/sweep.manifest          which sweep (hash), its shape, and which shard
//! DIR/parts/run-000123.csv    one finished run: a tag line, then its runs.csv row
//! DIR/runs.csv, summary.csv   assembled from the parts once all runs are there
//! ```
//!
//! Every file is written atomically (temporary file, `fsync`, rename), so a part exists
//! whole or not at all: a sweep killed at any moment leaves finished runs and, at worst, a
//! temporary file that the next `--resume` removes. Atomic renames do not protect against
//! everything (a copy cut short, a full disk on another machine, an edit), so a part also
//! verifies itself:
//!
//! ```text
//! # regionsim-sweep <hash> run <index>
//! <the run's runs.csv row>
//! # end crc32 <8 hex digits>
//! ```
//!
//! The first line names the sweep and run, so a part that strays into another sweep's
//! folder is recognised. The last line is a terminator carrying the CRC-32 of every byte
//! before it: a part cut short by any number of bytes lacks it or fails it, and is never
//! taken as data (`--resume` runs it again, `merge` refuses it, naming the file). The row
//! must also have the run's index, point and replication and the right number of cells.
//! The checksum lives only in the part: `runs.csv` holds the row alone.
//!
//! Reads are bounded: a manifest or part larger than any this program writes, or a
//! manifest announcing more runs than a sweep may have, is refused before anything is
//! allocated for it.

use super::plan::SweepPlan;
use super::summary::Summary;
use super::SweepError;
use crate::export::write_atomic;
use crate::input::read_bounded;
use crate::metrics::summary::run_columns;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml_edit::{value, Array, DocumentMut};

/// Version of the layout of this folder; a different one is refused. 2: parts end with a
/// CRC-32 terminator line.
const FORMAT: i64 = 2;
/// Largest manifest accepted (the ones written are a few hundred bytes plus the axis names).
const MAX_MANIFEST_BYTES: u64 = 1 << 20;
/// Largest part accepted (one CSV row: a few hundred bytes plus the axis values).
const MAX_PART_BYTES: u64 = 1 << 20;
/// Most runs a manifest may announce: as many as a sweep may have.
pub const MAX_RUNS: u64 = super::plan::MAX_RUNS;
/// Start of a part's last line.
const END: &str = "# end crc32 ";
pub const MANIFEST: &str = "sweep.manifest";
pub const PARTS: &str = "parts";

/// Which runs one machine does: those whose index `i` has `i % count == index`.
///
/// Round-robin rather than contiguous blocks: neighbouring runs are replications and
/// neighbouring points of the same region of the sweep, so dealing them out evens the load
/// across shards when some points are much slower than others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    pub fn contains(&self, run: u64) -> bool {
        run % self.count == self.index
    }

    /// Number of the runs `0..runs` in this shard.
    pub fn size(&self, runs: u64) -> u64 {
        runs / self.count + u64::from(runs % self.count > self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: write I/N with 0 ≤ I < N, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// The manifest of a sweep folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    pub hash: u64,
    /// The sweep file the folder was made from (for messages only).
    pub source: String,
    pub runs: u64,
    pub points: u64,
    pub replications: u64,
    pub seed: u64,
    pub shard: Shard,
    /// Axis columns of `runs.csv`.
    pub axes: Vec<String>,
}

impl Manifest {
    pub fn of_plan(plan: &SweepPlan, shard: Shard) -> Manifest {
        Manifest {
            hash: plan.hash,
            source: plan.source.display().to_string(),
            runs: plan.runs,
            points: plan.points,
            replications: plan.replications,
            seed: plan.seed,
            shard,
            axes: plan.columns(),
        }
    }

    /// Same sweep (whatever the shard)?
    pub fn same_sweep(&self, o: &Manifest) -> bool {
        (
            self.hash,
            self.runs,
            self.points,
            self.replications,
            &self.axes,
        ) == (o.hash, o.runs, o.points, o.replications, &o.axes)
    }

    /// `sweep 1a2b… (from path.toml)` for messages.
    pub fn describe(&self) -> String {
        format!("sweep {:016x} (from {})", self.hash, self.source)
    }

    pub fn to_text(&self) -> String {
        let mut d = DocumentMut::new();
        d["format"] = value(FORMAT);
        d["sweep_hash"] = value(format!("{:016x}", self.hash));
        d["sweep_file"] = value(&self.source);
        d["runs"] = value(self.runs as i64);
        d["points"] = value(self.points as i64);
        d["replications"] = value(self.replications as i64);
        d["seed"] = value(format!("{}", self.seed));
        d["shard"] = value(self.shard.to_string());
        d["axes"] = value(self.axes.iter().collect::<Array>());
        format!(
            "# regionsim sweep folder: written by `regionsim sweep`, read by `--resume` and `regionsim merge`.\n{d}"
        )
    }

    pub fn parse(text: &str) -> Result<Manifest, String> {
        let d: DocumentMut = text.parse().map_err(|e| format!("not a manifest: {e}"))?;
        let int = |k: &str| {
            d.get(k)
                .and_then(|v| v.as_integer())
                .filter(|v| *v >= 0)
                .map(|v| v as u64)
                .ok_or_else(|| format!("manifest field `{k}` is missing or wrong"))
        };
        let text_of = |k: &str| {
            d.get(k)
                .and_then(|v| v.as_str())
                .ok_or_else(|| format!("manifest field `{k}` is missing or wrong"))
        };
        if int("format")? != FORMAT as u64 {
            return Err(format!(
                "written by another version of regionsim (format {}, this one reads {FORMAT})",
                int("format")?
            ));
        }
        let hash = u64::from_str_radix(text_of("sweep_hash")?, 16)
            .map_err(|_| "manifest field `sweep_hash` is wrong".to_string())?;
        let seed = text_of("seed")?
            .parse()
            .map_err(|_| "manifest field `seed` is wrong".to_string())?;
        let axes = d
            .get("axes")
            .and_then(|v| v.as_array())
            .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect())
            .ok_or_else(|| "manifest field `axes` is missing or wrong".to_string())?;
        let count = |k: &str| {
            let v = int(k)?;
            if v > MAX_RUNS {
                return Err(format!(
                    "manifest field `{k}` is {v}, more than a sweep can have (at most {MAX_RUNS}): the file is damaged or not a regionsim manifest"
                ));
            }
            Ok(v)
        };
        let m = Manifest {
            hash,
            source: text_of("sweep_file")?.to_string(),
            runs: count("runs")?,
            points: count("points")?,
            replications: count("replications")?,
            seed,
            shard: text_of("shard")?.parse()?,
            axes,
        };
        if m.replications == 0 || m.points.checked_mul(m.replications) != Some(m.runs) {
            return Err("manifest fields `runs`, `points` and `replications` disagree".into());
        }
        Ok(m)
    }

    /// The manifest of `dir`, `None` if it has none.
    pub fn read(dir: &Path) -> Result<Option<Manifest>, SweepError> {
        let p = dir.join(MANIFEST);
        let part = |message: String| SweepError::Part {
            path: p.clone(),
            message,
        };
        match read_bounded(&p, MAX_MANIFEST_BYTES) {
            Ok(b) => {
                let t = String::from_utf8(b)
                    .map_err(|_| part("not a manifest: it is not UTF-8 text".into()))?;
                Manifest::parse(&t).map(Some).map_err(part)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(part(e.to_string())),
            Err(e) => Err(SweepError::io(&p, "read", e)),
        }
    }

    pub fn write(&self, dir: &Path) -> Result<(), SweepError> {
        let p = dir.join(MANIFEST);
        write_atomic(&p, self.to_text().as_bytes()).map_err(|e| SweepError::io(&p, "write", e))
    }

    /// Columns of `runs.csv`.
    pub fn header(&self) -> Vec<String> {
        let mut h: Vec<String> = ["run", "point", "replication"].map(String::from).to_vec();
        h.extend(self.axes.iter().cloned());
        h.extend(run_columns().iter().cloned());
        h
    }
}

/// The part file of run `run` in `dir`.
pub fn part_path(dir: &Path, run: u64) -> PathBuf {
    dir.join(PARTS).join(format!("run-{run:06}.csv"))
}

fn tag(hash: u64, run: u64) -> String {
    format!("# regionsim-sweep {hash:016x} run {run}\n")
}

/// The bytes of run `run`'s part file holding `row` (any serde value that makes one CSV
/// record: cells, or a tuple of cells and a [`RunSummary`](crate::metrics::RunSummary)):
/// tag line, row, CRC-32 terminator.
pub fn part_bytes<T: serde::Serialize + ?Sized>(
    hash: u64,
    run: u64,
    row: &T,
) -> Result<Vec<u8>, std::io::Error> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(tag(hash, run).into_bytes());
    w.serialize(row).map_err(std::io::Error::other)?;
    let mut bytes = w
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let crc = crc32fast::hash(&bytes);
    bytes.extend_from_slice(format!("{END}{crc:08x}\n").as_bytes());
    Ok(bytes)
}

/// Reads and checks run `run`'s part at `path` against manifest `m`; the row on success,
/// else what is wrong with the file.
pub fn read_part(path: &Path, m: &Manifest, run: u64) -> Result<csv::StringRecord, String> {
    let bytes = read_bounded(path, MAX_PART_BYTES).map_err(|e| format!("cannot read it: {e}"))?;
    check_part(&bytes, m, run)
}

/// Checks the bytes of run `run`'s part against manifest `m`: terminator and checksum
/// first (so a cut-short file is named as such), then the tag line and the row.
pub fn check_part(bytes: &[u8], m: &Manifest, run: u64) -> Result<csv::StringRecord, String> {
    let cut = "a truncated or damaged file: run it again (`--resume` does)";
    let Some(body) = bytes.strip_suffix(b"\n") else {
        return Err(format!("it does not end with its terminator line, {cut}"));
    };
    let start = body.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let (content, last) = bytes.split_at(start);
    let Some(hex) = last
        .strip_prefix(END.as_bytes())
        .and_then(|h| h.strip_suffix(b"\n"))
        // Exactly as written: 8 lower-case hex digits (from_str_radix alone would also take
        // `A-F` and a sign, so a changed file could still verify; found by tests/fuzz.rs).
        .filter(|h| h.len() == 8 && h.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .and_then(|h| std::str::from_utf8(h).ok())
        .and_then(|h| u32::from_str_radix(h, 16).ok())
    else {
        return Err(format!(
            "its last line is not the `{END}…` terminator: {cut} (folders of regionsim before sweep format {FORMAT} have none)"
        ));
    };
    let crc = crc32fast::hash(content);
    if crc != hex {
        return Err(format!(
            "its checksum does not match (file says {hex:08x}, content gives {crc:08x}): {cut}"
        ));
    }
    let want = tag(m.hash, run);
    let Some(row) = content.strip_prefix(want.as_bytes()) else {
        let first = String::from_utf8_lossy(content.split(|b| *b == b'\n').next().unwrap_or(&[]))
            .chars()
            .take(80)
            .collect::<String>();
        return Err(format!(
            "not run {run} of {}: its first line is `{first}`",
            m.describe()
        ));
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(row);
    let mut records = r.records();
    let rec = match records.next() {
        Some(Ok(rec)) => rec,
        Some(Err(e)) => return Err(format!("its row is not CSV: {e}")),
        None => return Err("it has no row".into()),
    };
    if records.next().is_some() {
        return Err("it has more than one row".into());
    }
    let cols = 3 + m.axes.len() + run_columns().len();
    if rec.len() != cols {
        return Err(format!(
            "its row has {} cells, this sweep has {cols} columns",
            rec.len()
        ));
    }
    let expect = [
        run,
        run / m.replications.max(1),
        run % m.replications.max(1),
    ];
    for (i, want) in expect.iter().enumerate() {
        if rec.get(i).and_then(|c| c.parse::<u64>().ok()) != Some(*want) {
            return Err(format!(
                "its `{}` cell is `{}`, expected {want}",
                ["run", "point", "replication"][i],
                rec.get(i).unwrap_or("")
            ));
        }
    }
    Ok(rec)
}

/// Indices of the part files in `dir` (unchecked), in increasing order.
pub fn list_parts(dir: &Path) -> Result<Vec<u64>, SweepError> {
    let pd = dir.join(PARTS);
    let entries = match std::fs::read_dir(&pd) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(SweepError::io(&pd, "list", e)),
    };
    let mut out = Vec::new();
    for e in entries {
        let e = e.map_err(|e| SweepError::io(&pd, "list", e))?;
        let name = e.file_name();
        let name = name.to_string_lossy();
        if let Some(n) = name
            .strip_prefix("run-")
            .and_then(|r| r.strip_suffix(".csv"))
            .and_then(|n| n.parse::<u64>().ok())
        {
            out.push(n);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// Removes temporary files that a killed sweep left in `dir/parts` (`.run-….csv.tmp-PID`).
pub fn remove_temporaries(dir: &Path) -> Result<usize, SweepError> {
    let pd = dir.join(PARTS);
    let Ok(entries) = std::fs::read_dir(&pd) else {
        return Ok(0);
    };
    let mut n = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".run-") && name.contains(".csv.tmp-") {
            std::fs::remove_file(e.path())
                .map_err(|err| SweepError::io(&e.path(), "remove", err))?;
            n += 1;
        }
    }
    Ok(n)
}

/// Writes `runs.csv` and `summary.csv` into `out` from the parts of every run, found by
/// `part_of(run)`, read in run order. Only one row is in memory at a time besides the
/// output bytes. Returns the paths written.
pub fn assemble(
    out: &Path,
    m: &Manifest,
    part_of: impl Fn(u64) -> PathBuf,
) -> Result<Vec<PathBuf>, SweepError> {
    let mut runs = csv::Writer::from_writer(Vec::new());
    let csv_err =
        |e: csv::Error| SweepError::io(&out.join("runs.csv"), "write", std::io::Error::other(e));
    runs.write_record(m.header()).map_err(csv_err)?;
    let mut summary =
        Summary::new(&m.axes).map_err(|e| SweepError::io(&out.join("summary.csv"), "write", e))?;
    for run in 0..m.runs {
        let path = part_of(run);
        let rec = read_part(&path, m, run).map_err(|message| SweepError::Part {
            path: path.clone(),
            message,
        })?;
        runs.write_record(&rec).map_err(csv_err)?;
        summary
            .push(run / m.replications, &rec)
            .map_err(|e| SweepError::io(&out.join("summary.csv"), "write", e))?;
    }
    let runs = runs.into_inner().map_err(|e| {
        SweepError::io(
            &out.join("runs.csv"),
            "write",
            std::io::Error::other(e.to_string()),
        )
    })?;
    let summary = summary
        .finish()
        .map_err(|e| SweepError::io(&out.join("summary.csv"), "write", e))?;
    let mut written = Vec::new();
    for (name, bytes) in [("runs.csv", runs), ("summary.csv", summary)] {
        let p = out.join(name);
        write_atomic(&p, &bytes).map_err(|e| SweepError::io(&p, "write", e))?;
        written.push(p);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        let s: Shard = "1/3".parse().unwrap();
        assert_eq!(s, Shard { index: 1, count: 3 });
        for bad in ["3/3", "0/0", "1", "a/b", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        for runs in 0..10 {
            let mut total = 0;
            for i in 0..3 {
                let s = Shard { index: i, count: 3 };
                assert_eq!(
                    s.size(runs),
                    (0..runs).filter(|r| s.contains(*r)).count() as u64
                );
                total += s.size(runs);
            }
            assert_eq!(total, runs);
        }
    }

    #[test]
    fn only_the_bytes_written_verify() {
        let m = Manifest {
            hash: 7,
            source: "s.toml".into(),
            runs: 2,
            points: 2,
            replications: 1,
            seed: 1,
            shard: Shard::ALL,
            axes: Vec::new(),
        };
        // A row whose checksum has a letter (the first of a few tries).
        let good = (0..20)
            .map(|k| {
                let mut row = vec!["1".to_string(), "1".into(), "0".into()];
                row.extend(run_columns().iter().map(|_| k.to_string()));
                String::from_utf8(part_bytes(7, 1, &row).unwrap()).unwrap()
            })
            .find(|t| {
                t.trim_end()
                    .rsplit(' ')
                    .next()
                    .unwrap()
                    .contains(char::is_alphabetic)
            })
            .unwrap();
        assert!(check_part(good.as_bytes(), &m, 1).is_ok());
        let (body, crc) = good.trim_end().rsplit_once(' ').unwrap();
        for other in [
            crc.to_uppercase(),
            format!("+{}", &crc[1..]),
            format!("{crc} "),
        ] {
            let bad = format!("{body} {other}\n");
            assert!(check_part(bad.as_bytes(), &m, 1).is_err(), "{bad}");
        }
    }

    #[test]
    fn manifest_round_trips() {
        let m = Manifest {
            hash: 0xDEAD_BEEF_0123_4567,
            source: "a \"b\".toml".into(),
            runs: 12,
            points: 4,
            replications: 3,
            seed: u64::MAX,
            shard: Shard { index: 2, count: 5 },
            axes: vec!["routing.dns_ttl".into(), "regions[0].instances".into()],
        };
        assert_eq!(Manifest::parse(&m.to_text()), Ok(m.clone()));
        let bad = m.to_text().replace("runs = 12", "runs = 13");
        assert!(Manifest::parse(&bad).is_err());
    }
}
