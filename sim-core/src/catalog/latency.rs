//! Region-to-region round-trip times: the measured matrix, and a distance model fitted on
//! it for every pair that was not measured and for users.
//!
//! Why a fitted line: light in fibre covers about 200 km per ms, so a round trip costs at
//! least 1 ms per 100 km of great-circle distance; real routes are longer than the great
//! circle and add switching, so measured RTTs lie above that bound. `RTT = a + b × km`,
//! fitted over every measured pair of distinct regions of all providers,
//! captures the route inflation (`b` × 100 km/ms) and a fixed overhead (`a`) in two numbers
//! that are easy to check and to explain. It is a *median* line (least absolute deviations),
//! not least squares: the measurements have a long tail of detours that would otherwise
//! lift the line above most pairs at every distance. Its errors are reported (median and p90 of
//! |model − measured| / measured) so that users know how far to trust it.
//!
//! Rules for [`Catalog::rtt_ms`](super::Catalog::rtt_ms):
//! - a pair measured in both directions uses the mean of the two (an RTT has no direction;
//!   the difference is measurement noise, under 1 % in the median);
//! - a pair measured in one direction uses that value for both;
//! - a region to itself uses its measured diagonal, else [`INTRA_REGION_RTT_MS`];
//! - any other pair uses the fit on great-circle distance, never below the fibre bound.

use super::csvin::{records, Input};
use super::error::CatalogError;
use super::geo::great_circle_km;
use super::load::Ids;
use super::{LatencyFit, RegionIdx};
use nalgebra::{DMatrix, DVector};
use std::collections::{BTreeMap, BTreeSet};

/// RTT of a region to itself when the data has no diagonal (Azure): a typical round trip
/// between availability zones of one region. The measured diagonals are 0.1–0.6 ms (GCP,
/// same zone) and 1.2–8.2 ms (AWS, including the probe's own overhead).
pub const INTRA_REGION_RTT_MS: f64 = 1.0;

/// Kilometres of great-circle distance per ms of round trip at the speed of light in fibre
/// (about 200 km/ms one way).
pub const FIBRE_KM_PER_MS_RTT: f64 = 100.0;

/// The longest round trip a catalog file may give, in ms: a minute. Measured ones are
/// below 0.5 s; a larger number is a unit mistake (µs for ms) or garbage.
pub const MAX_RTT_MS: f64 = 60_000.0;

/// The columns of an RTT file.
pub(crate) const COLUMNS: &[&str] = &["src", "dst", "rtt_ms"];

/// Directed measurements of one file: `(src, dst) → (ms, line)`.
pub(crate) type Directed = BTreeMap<(RegionIdx, RegionIdx), (f64, u64)>;

/// Reads an RTT file (long format `src,dst,rtt_ms`, ids as in the regions file).
pub(crate) fn parse(input: &Input, ids: &Ids) -> Result<Directed, CatalogError> {
    let mut out = Directed::new();
    for r in records(input, COLUMNS)? {
        let src = ids.resolve(&r, "src")?;
        let dst = ids.resolve(&r, "dst")?;
        let ms = r.at_most("rtt_ms", MAX_RTT_MS, "a round-trip time of", "ms")?;
        if let Some((_, first)) = out.insert((src, dst), (ms, r.line())) {
            return Err(r.error(
                "dst",
                format!(
                    "the pair {} → {} is already given on line {first}; give each direction once",
                    r.raw("src"),
                    r.raw("dst")
                ),
            ));
        }
    }
    Ok(out)
}

impl LatencyFit {
    /// The model's RTT in ms at `km` of great-circle distance: `a + b × km`, but never
    /// below the fibre bound `km / 100`.
    pub fn predict_ms(&self, km: f64) -> f64 {
        (self.intercept_ms + self.ms_per_km * km).max(km / FIBRE_KM_PER_MS_RTT)
    }

    /// Route inflation over the straight fibre path: `b × 100 km/ms`.
    pub fn route_inflation(&self) -> f64 {
        self.ms_per_km * FIBRE_KM_PER_MS_RTT
    }
}

/// The measured pairs, the region positions and the fit behind every other pair.
///
/// Not a matrix: a catalog of 10,000 regions would need 10⁸ cells (gigabytes, a minute to
/// fill) although a scenario deploys a handful. Unmeasured pairs are computed when asked,
/// so the work follows the measured pairs and the regions used.
#[derive(Clone, Debug)]
pub(crate) struct Rtt {
    positions: Vec<(f64, f64)>,
    /// Resolved RTT of each measured unordered pair `(a, b)`, `a ≤ b`.
    measured: BTreeMap<(RegionIdx, RegionIdx), f64>,
    /// Per region: the other regions it has a measured RTT with, sorted (user anchors).
    partners: Vec<Vec<RegionIdx>>,
    fit: LatencyFit,
}

impl Rtt {
    /// Overlays the layers (later layers replace, per unordered pair, what earlier ones
    /// said), resolves directions and fits the model.
    /// `positions` are `(lat, lon)` per region; `name` names the RTT file(s) in errors.
    pub fn build(
        positions: &[(f64, f64)],
        layers: &[Directed],
        name: &str,
    ) -> Result<Rtt, CatalogError> {
        let mut merged: BTreeMap<(RegionIdx, RegionIdx), f64> = BTreeMap::new();
        for layer in layers {
            let pairs: BTreeSet<_> = layer.keys().map(|&(a, b)| (a.min(b), a.max(b))).collect();
            merged.retain(|&(a, b), _| !pairs.contains(&(a.min(b), a.max(b))));
            merged.extend(layer.iter().map(|(&k, &(ms, _))| (k, ms)));
        }
        let mut measured: BTreeMap<(RegionIdx, RegionIdx), f64> = BTreeMap::new();
        for &(a, b) in merged.keys() {
            let key = (a.min(b), a.max(b));
            if measured.contains_key(&key) {
                continue;
            }
            let v = match (merged.get(&key), merged.get(&(key.1, key.0))) {
                (Some(x), Some(y)) if key.0 != key.1 => (x + y) / 2.0,
                (Some(x), _) | (None, Some(x)) => *x,
                (None, None) => continue,
            };
            measured.insert(key, v);
        }
        let km = |a: usize, b: usize| {
            let (p, q) = (positions[a], positions[b]);
            great_circle_km(p.0, p.1, q.0, q.1)
        };
        // (km, ms) of measured distinct pairs, each pair once, in (a, b) order.
        let pairs: Vec<(f64, f64)> = measured
            .iter()
            .filter(|(&(a, b), _)| a != b)
            .map(|(&(a, b), &v)| (km(a, b), v))
            .collect();
        let fit = fit(&pairs).map_err(|problem| CatalogError::File {
            file: name.to_string(),
            problem,
        })?;
        let mut partners = vec![Vec::new(); positions.len()];
        for &(a, b) in measured.keys().filter(|(a, b)| a != b) {
            partners[a].push(b);
            partners[b].push(a);
        }
        for p in &mut partners {
            p.sort_unstable();
        }
        Ok(Rtt {
            positions: positions.to_vec(),
            measured,
            partners,
            fit,
        })
    }

    /// # Panics
    /// If an index is out of range.
    pub fn ms(&self, a: RegionIdx, b: RegionIdx) -> f64 {
        match self.measured.get(&(a.min(b), a.max(b))) {
            Some(&v) => v,
            None if a == b => INTRA_REGION_RTT_MS,
            None => {
                let (p, q) = (self.positions[a], self.positions[b]);
                self.fit.predict_ms(great_circle_km(p.0, p.1, q.0, q.1))
            }
        }
    }

    pub fn is_measured(&self, a: RegionIdx, b: RegionIdx) -> bool {
        self.measured.contains_key(&(a.min(b), a.max(b)))
    }

    pub fn fit(&self) -> &LatencyFit {
        &self.fit
    }

    /// How a user at `(lat, lon)` reaches `region`; see [`UserRoute`] for the rules.
    ///
    /// # Panics
    /// If `region` is out of range.
    pub fn user_route(&self, lat: f64, lon: f64, region: RegionIdx) -> UserRoute {
        let km_to = |r: RegionIdx| {
            let p = self.positions[r];
            great_circle_km(lat, lon, p.0, p.1)
        };
        let direct_km = km_to(region);
        let fit = UserRoute::Fit {
            km: direct_km,
            ms: self.fit.predict_ms(direct_km),
        };
        let partners = &self.partners[region];
        if partners.is_empty() && !self.is_measured(region, region) {
            return fit;
        }
        // The nearest of the region and its measured partners (ties: the region, then
        // the lower index).
        let (anchor, km) =
            partners
                .iter()
                .map(|&r| (r, km_to(r)))
                .fold(
                    (region, direct_km),
                    |best, c| {
                        if c.1 < best.1 {
                            c
                        } else {
                            best
                        }
                    },
                );
        let last_mile_ms = self.fit.ms_per_km * km;
        if anchor == region {
            UserRoute::Intra {
                km,
                ms: self.ms(region, region) + last_mile_ms,
            }
        } else if km <= ANCHOR_MAX_SHARE * direct_km {
            UserRoute::Anchored {
                anchor,
                km,
                ms: last_mile_ms + self.ms(anchor, region),
            }
        } else {
            fit
        }
    }
}

/// The farthest an anchor region may be from a user, as a share of the user's distance
/// to the serving region. Farther anchors lie off the user's path (a measured RTT from a
/// region 1,000 km away in another direction says little about the user's own route);
/// the leave-one-out evaluation in `datasets/README.md` chose 0.1 (0.25 and 0.5 were
/// worse under 2,000 km and no better beyond).
pub const ANCHOR_MAX_SHARE: f64 = 0.1;

/// The network path of a user to a region, as [`Catalog::user_rtt_ms`](super::Catalog::user_rtt_ms)
/// builds it (access latency not included).
///
/// Measurements are used wherever they exist: the *anchor* is the catalog region nearest
/// to the user among the serving region and every region with a measured RTT to it
/// (the whole catalog, not only deployed regions). The user→anchor *last mile* costs the
/// fit's slope only (`b × km`: light in fibre times the route inflation), because the
/// measured RTT it is added to already holds the fixed overheads the intercept stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum UserRoute {
    /// The anchor is the serving region: its measured intra-region RTT (else
    /// [`INTRA_REGION_RTT_MS`]) + `b × km`.
    Intra { km: f64, ms: f64 },
    /// `b × km` to `anchor` + the measured RTT `anchor` ↔ serving region; used when the
    /// anchor is within [`ANCHOR_MAX_SHARE`] of the user's distance to the region.
    Anchored { anchor: RegionIdx, km: f64, ms: f64 },
    /// Nothing measured near the user's path: the distance fit on the user↔region
    /// great-circle distance `km`.
    Fit { km: f64, ms: f64 },
}

impl UserRoute {
    /// The round trip in ms.
    pub fn ms(&self) -> f64 {
        match *self {
            UserRoute::Intra { ms, .. }
            | UserRoute::Anchored { ms, .. }
            | UserRoute::Fit { ms, .. } => ms,
        }
    }
}

/// Median regression of `ms = a + b × km`, with its relative errors.
///
/// Least squares starts it (nalgebra SVD); iteratively reweighted least squares then
/// minimises the sum of absolute residuals (weights `1 / |residual|`). Measured RTTs have
/// a long upper tail (detours such as South Africa ↔ Brazil): least squares lets that tail
/// pull the whole line up by 8–14 ms at every distance, the median line goes through the
/// middle of each distance band.
fn fit(pairs: &[(f64, f64)]) -> Result<LatencyFit, String> {
    let distinct = pairs.iter().any(|p| (p.0 - pairs[0].0).abs() > 1e-9);
    if pairs.len() < 2 || !distinct {
        return Err(format!(
            "the latency model needs measured RTTs of at least two pairs of distinct regions at \
             different distances; found {} pair(s)",
            pairs.len()
        ));
    }
    let x = DMatrix::from_fn(pairs.len(), 2, |r, c| if c == 0 { 1.0 } else { pairs[r].0 });
    let y = DVector::from_iterator(pairs.len(), pairs.iter().map(|p| p.1));
    let beta = x
        .svd(true, true)
        .solve(&y, 1e-12)
        .map_err(|e| format!("the latency model cannot be fitted: {e}"))?;
    let (intercept_ms, ms_per_km) = median_line(pairs, (beta[0], beta[1]));
    let mut rel: Vec<f64> = pairs
        .iter()
        .filter(|p| p.1 > 0.0)
        .map(|&(km, ms)| ((intercept_ms + ms_per_km * km) - ms).abs() / ms)
        .collect();
    rel.sort_by(f64::total_cmp);
    Ok(LatencyFit {
        intercept_ms,
        ms_per_km,
        median_rel_err: quantile(&rel, 0.5),
        p90_rel_err: quantile(&rel, 0.9),
        pairs: pairs.len(),
    })
}

/// Iteratively reweighted least squares for the least-absolute-deviation line, from
/// `start`. Residuals under [`LAD_FLOOR_MS`] weigh as that floor (so a point on the line
/// cannot take all the weight); stops when the line moves by less than 1e-9 ms anywhere
/// within 20,000 km, or after [`LAD_ITERATIONS`].
fn median_line(pairs: &[(f64, f64)], start: (f64, f64)) -> (f64, f64) {
    let (mut a, mut b) = start;
    for _ in 0..LAD_ITERATIONS {
        let (mut sw, mut swx, mut swxx, mut swy, mut swxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(km, ms) in pairs {
            let w = 1.0 / (ms - a - b * km).abs().max(LAD_FLOOR_MS);
            sw += w;
            swx += w * km;
            swxx += w * km * km;
            swy += w * ms;
            swxy += w * km * ms;
        }
        let det = sw * swxx - swx * swx;
        if !(det.is_finite() && det > 0.0) {
            break;
        }
        let next_b = (sw * swxy - swx * swy) / det;
        let next_a = (swy - next_b * swx) / sw;
        let moved = (next_a - a).abs() + (next_b - b).abs() * 20_000.0;
        (a, b) = (next_a, next_b);
        if moved < 1e-9 {
            break;
        }
    }
    (a, b)
}

/// The smallest residual the median fit weighs by (ms).
const LAD_FLOOR_MS: f64 = 1e-3;
/// At most this many reweighting rounds (it converges in far fewer on the embedded data).
const LAD_ITERATIONS: usize = 500;

/// Nearest-rank quantile of sorted values (0 for none).
pub(crate) fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let k = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[k - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_recovers_an_exact_line_and_rejects_degenerate_data() {
        let pairs: Vec<_> = (1..=10)
            .map(|i| (i as f64 * 1000.0, 5.0 + 0.015 * i as f64 * 1000.0))
            .collect();
        let f = fit(&pairs).expect("fit");
        assert!((f.intercept_ms - 5.0).abs() < 1e-9 && (f.ms_per_km - 0.015).abs() < 1e-12);
        assert!(f.median_rel_err < 1e-9 && f.p90_rel_err < 1e-9 && f.pairs == 10);
        assert!(fit(&[(100.0, 3.0)]).is_err());
        assert!(fit(&[(100.0, 3.0), (100.0, 4.0)]).is_err());
    }

    #[test]
    fn the_median_line_ignores_a_tail_of_detours_that_least_squares_follows() {
        // Twenty pairs on RTT = 5 + 0.015 × km, and three long detours far above it.
        let mut pairs: Vec<(f64, f64)> = (1..=20)
            .map(|i| (500.0 * i as f64, 5.0 + 0.015 * 500.0 * i as f64))
            .collect();
        pairs.extend([(2000.0, 200.0), (6000.0, 300.0), (9000.0, 400.0)]);
        let f = fit(&pairs).unwrap();
        assert!((f.intercept_ms - 5.0).abs() < 1e-3, "{f:?}");
        assert!((f.ms_per_km - 0.015).abs() < 1e-7, "{f:?}");
        // Least squares (the starting point) is lifted well above the line.
        let x = DMatrix::from_fn(pairs.len(), 2, |r, c| if c == 0 { 1.0 } else { pairs[r].0 });
        let y = DVector::from_iterator(pairs.len(), pairs.iter().map(|p| p.1));
        let ols = x.svd(true, true).solve(&y, 1e-12).unwrap();
        assert!(ols[0] > 10.0, "least squares: {ols:?}");
    }

    #[test]
    fn quantiles_are_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(
            (quantile(&v, 0.5), quantile(&v, 0.9), quantile(&v, 0.0)),
            (2.0, 4.0, 1.0)
        );
        assert_eq!(quantile(&[], 0.5), 0.0);
    }

    #[test]
    fn directions_resolve_and_later_layers_replace_pairs() {
        // Three points on the equator, 0°, 1°, 2° of longitude apart.
        let pos = [(0.0, 0.0), (0.0, 1.0), (0.0, 2.0)];
        let base: Directed = [
            ((0, 1), (10.0, 2)),
            ((1, 0), (12.0, 3)),
            ((1, 2), (20.0, 4)),
            ((0, 2), (31.0, 5)),
        ]
        .into();
        let rtt = Rtt::build(&pos, std::slice::from_ref(&base), "t").expect("build");
        assert_eq!(rtt.ms(0, 1), 11.0);
        assert_eq!(rtt.ms(2, 1), 20.0);
        assert!(rtt.is_measured(2, 1) && !rtt.is_measured(0, 0));
        assert_eq!(rtt.ms(2, 2), INTRA_REGION_RTT_MS);
        let over: Directed = [((1, 0), (50.0, 2)), ((0, 0), (0.5, 3))].into();
        let rtt = Rtt::build(&pos, &[base, over], "t").expect("build");
        assert_eq!(
            (rtt.ms(0, 1), rtt.ms(1, 0), rtt.ms(0, 0)),
            (50.0, 50.0, 0.5)
        );
        assert_eq!(rtt.ms(0, 2), 31.0);
    }

    #[test]
    fn a_region_without_measurements_is_reached_by_the_fit() {
        // Regions 0 and 1 measured (10° apart on the equator), region 2 not at all.
        let pos = [(0.0, 0.0), (0.0, 10.0), (0.0, 20.0)];
        let base: Directed = [((0, 1), (20.0, 2)), ((0, 2), (50.0, 3)), ((1, 1), (0.5, 4))].into();
        let mut rtt = Rtt::build(&pos, std::slice::from_ref(&base), "t").expect("build");
        // Region 2 measured only with 0: a user at region 1 is as near to 2 as to 0, and
        // ties go to the serving region itself, whose diagonal defaults.
        let r = rtt.user_route(0.0, 10.0, 2);
        assert!(matches!(r, UserRoute::Intra { .. }), "{r:?}");
        // A user at region 0's position reaching region 1: anchored on 0, 0 km.
        assert_eq!(
            rtt.user_route(0.0, 0.0, 1),
            UserRoute::Anchored {
                anchor: 0,
                km: 0.0,
                ms: 20.0
            }
        );
        // Forget every measurement of region 2: the fit.
        rtt.measured.retain(|&(a, b), _| a != 2 && b != 2);
        rtt.partners = vec![vec![1], vec![0], vec![]];
        let km = great_circle_km(0.0, 10.0, 0.0, 20.0);
        assert_eq!(
            rtt.user_route(0.0, 10.0, 2),
            UserRoute::Fit {
                km,
                ms: rtt.fit.predict_ms(km)
            }
        );
    }

    #[test]
    fn prediction_never_beats_light_in_fibre() {
        let f = LatencyFit {
            intercept_ms: -50.0,
            ms_per_km: 0.001,
            median_rel_err: 0.0,
            p90_rel_err: 0.0,
            pairs: 2,
        };
        assert_eq!(f.predict_ms(1000.0), 10.0);
    }
}
