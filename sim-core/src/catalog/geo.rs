//! Positions on the globe: great-circle distance and continents.
//!
//! Distances use the haversine formula on a sphere of radius 6371 km (the mean Earth
//! radius). The ellipsoid would move a distance by at most about 0.5 %, far below the
//! city-level accuracy of region coordinates.

use std::fmt;

/// Mean Earth radius in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle distance in km between two points given in degrees (haversine, R = 6371 km).
pub fn great_circle_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The continent of a region, as the transfer-price rules group regions.
///
/// The Middle East is its own group (providers price it apart from Asia); see
/// `datasets/README.md` for which countries it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Continent {
    Africa,
    Asia,
    Europe,
    MiddleEast,
    NorthAmerica,
    Oceania,
    SouthAmerica,
}

impl Continent {
    /// Every continent, in the order of their names.
    pub const ALL: [Continent; 7] = [
        Continent::Africa,
        Continent::Asia,
        Continent::Europe,
        Continent::MiddleEast,
        Continent::NorthAmerica,
        Continent::Oceania,
        Continent::SouthAmerica,
    ];

    /// The name used in the CSV files (`north_america`).
    pub fn name(self) -> &'static str {
        match self {
            Continent::Africa => "africa",
            Continent::Asia => "asia",
            Continent::Europe => "europe",
            Continent::MiddleEast => "middle_east",
            Continent::NorthAmerica => "north_america",
            Continent::Oceania => "oceania",
            Continent::SouthAmerica => "south_america",
        }
    }

    /// Parses a CSV name (case-insensitive).
    pub fn from_name(name: &str) -> Option<Continent> {
        Continent::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }

    /// The allowed names, for error messages.
    pub fn names() -> String {
        Continent::ALL.map(Continent::name).join(", ")
    }
}

impl fmt::Display for Continent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_distances() {
        // One degree of a great circle is 6371 × π / 180 km.
        let deg = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;
        assert!((great_circle_km(0.0, 0.0, 0.0, 1.0) - deg).abs() < 1e-9);
        assert!((great_circle_km(0.0, 0.0, 1.0, 0.0) - deg).abs() < 1e-9);
        // Antipodes: half the circumference, also across the antimeridian.
        let half = EARTH_RADIUS_KM * std::f64::consts::PI;
        assert!((great_circle_km(10.0, 170.0, -10.0, -10.0) - half).abs() < 1e-3);
        assert_eq!(great_circle_km(45.0, 7.0, 45.0, 7.0), 0.0);
        // London – New York, about 5570 km.
        let km = great_circle_km(51.5074, -0.1278, 40.7128, -74.006);
        assert!((km - 5570.0).abs() < 10.0, "{km}");
        // Symmetric.
        let back = great_circle_km(40.7128, -74.006, 51.5074, -0.1278);
        assert!((km - back).abs() < 1e-9);
    }

    #[test]
    fn continent_names_round_trip() {
        for c in Continent::ALL {
            assert_eq!(Continent::from_name(c.name()), Some(c));
        }
        assert_eq!(
            Continent::from_name("North_America"),
            Some(Continent::NorthAmerica)
        );
        assert_eq!(Continent::from_name("atlantis"), None);
    }
}
