//! Reading the files people hand to regionsim, with a bound.
//!
//! `fs::read_to_string` reads until the end, and some paths have none: a scenario named
//! `/dev/zero` (or a FIFO, or a multi-gigabyte log passed by mistake) grew one buffer until
//! the allocation failed and the process aborted, after taking the machine's memory. Every
//! input file is read through [`read_bounded`] instead: at most its limit plus one byte,
//! then refused with a message that names the limit.

use std::io::{self, Read};
use std::path::Path;

/// The largest scenario, sweep or catalog file read: 64 MiB. The embedded default
/// scenario is 7 KiB and the catalog's largest file 1 MiB; a file past this is not one
/// of them.
pub const MAX_TEXT_BYTES: u64 = 64 << 20;

/// Reads `path` whole, refusing a file larger than `max` bytes (reading at most one byte
/// more than `max`).
pub fn read_bounded(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    f.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is larger than {max} bytes, the most regionsim reads there"),
        ));
    }
    Ok(bytes)
}

/// The text of `path`, at most [`MAX_TEXT_BYTES`] of UTF-8.
pub fn read_text(path: &Path) -> io::Result<String> {
    String::from_utf8(read_bounded(path, MAX_TEXT_BYTES)?).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_end_is_refused_at_the_limit() {
        let e = read_bounded(Path::new("/dev/zero"), 1000).unwrap_err();
        assert!(e.to_string().contains("larger than 1000 bytes"), "{e}");
        let dir = std::env::temp_dir().join(format!("regionsim-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.toml");
        std::fs::write(&p, "x = 1\n").unwrap();
        assert_eq!(read_bounded(&p, 6).unwrap(), b"x = 1\n");
        assert!(read_bounded(&p, 5).is_err());
        assert_eq!(read_text(&p).unwrap(), "x = 1\n");
        std::fs::write(&p, [0xff, 0xfe]).unwrap();
        assert!(read_text(&p)
            .unwrap_err()
            .to_string()
            .contains("valid UTF-8"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
