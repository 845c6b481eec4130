//! The world's land outline, embedded from `datasets/maps/world_land_110m.csv`
//! (Natural Earth 1:110m, public domain; see `datasets/maps/README.md`).
//!
//! Rings are split where consecutive points jump by more than 180° of longitude (rings
//! that cross the antimeridian), so that no line is drawn across the whole map.

use std::sync::OnceLock;

const LAND_CSV: &str = include_str!("../../../datasets/maps/world_land_110m.csv");

/// Polylines of `[lon_deg, lat_deg]` points, parsed once.
pub fn land() -> &'static [Vec<[f64; 2]>] {
    static LAND: OnceLock<Vec<Vec<[f64; 2]>>> = OnceLock::new();
    LAND.get_or_init(|| parse(LAND_CSV))
}

/// Parses `ring,hole,point,lon_deg,lat_deg` rows into split polylines; bad rows are skipped.
pub fn parse(csv: &str) -> Vec<Vec<[f64; 2]>> {
    let mut lines: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut ring: Option<&str> = None;
    for row in csv.lines().skip(1) {
        let f: Vec<&str> = row.split(',').collect();
        let (Some(r), Some(lon), Some(lat)) = (f.first(), f.get(3), f.get(4)) else {
            continue;
        };
        let (Ok(lon), Ok(lat)) = (lon.trim().parse::<f64>(), lat.trim().parse::<f64>()) else {
            continue;
        };
        let jump = lines
            .last()
            .and_then(|l| l.last())
            .is_some_and(|p| (p[0] - lon).abs() > 180.0);
        if ring != Some(*r) || jump {
            lines.push(Vec::new());
            ring = Some(*r);
        }
        if let Some(l) = lines.last_mut() {
            l.push([lon, lat]);
        }
    }
    lines.retain(|l| l.len() > 1);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_outline_parses_without_antimeridian_jumps() {
        let l = land();
        assert!(l.len() >= 126, "{} polylines", l.len());
        let points: usize = l.iter().map(Vec::len).sum();
        assert!(points >= 5_000, "{points} points");
        for line in l {
            for w in line.windows(2) {
                assert!((w[0][0] - w[1][0]).abs() <= 180.0);
            }
        }
    }

    #[test]
    fn rings_split_at_jumps_and_bad_rows_are_skipped() {
        let csv = "ring,hole,point,lon_deg,lat_deg\n0,0,0,170,0\n0,0,1,179,1\n0,0,2,-179,1\nx\n0,0,3,-170,0\n1,0,0,0,0\n1,0,1,1,1\n";
        let l = parse(csv);
        assert_eq!(l.len(), 3);
        assert_eq!(l[0], vec![[170.0, 0.0], [179.0, 1.0]]);
        assert_eq!(l[1], vec![[-179.0, 1.0], [-170.0, 0.0]]);
    }
}
