//! The Pareto front over (cost, p99, availability): minimise cost and p99, maximise
//! availability.
//!
//! Design `a` *dominates* `b` when it is at least as good in all three objectives and
//! strictly better in one. The front is the set of designs no other design dominates;
//! designs with identical objectives are all on it or all off it. The quadratic scan is
//! ample for the few hundred designs a plan verifies.

/// The objectives of one design.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// USD per month (lower is better).
    pub cost: f64,
    /// p99 latency, ms (lower is better).
    pub p99_ms: f64,
    /// Availability fraction (higher is better).
    pub availability: f64,
}

/// Whether `a` dominates `b`.
pub fn dominates(a: &Point, b: &Point) -> bool {
    let no_worse = a.cost <= b.cost && a.p99_ms <= b.p99_ms && a.availability >= b.availability;
    let better = a.cost < b.cost || a.p99_ms < b.p99_ms || a.availability > b.availability;
    no_worse && better
}

/// Indices of the non-dominated points, ascending. NaN objectives never dominate and are
/// never dominated (they compare false), so such a point stays on the front.
pub fn front(points: &[Point]) -> Vec<usize> {
    (0..points.len())
        .filter(|&i| !points.iter().any(|p| dominates(p, &points[i])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_example() {
        let p = |cost, p99_ms, availability| Point {
            cost,
            p99_ms,
            availability,
        };
        let pts = [
            p(100.0, 200.0, 0.999),
            p(200.0, 100.0, 0.999),
            p(150.0, 250.0, 0.99),   // dominated by the first
            p(300.0, 100.0, 0.9999), // best availability
            p(100.0, 200.0, 0.999),  // a tie with the first: both stay
        ];
        assert_eq!(front(&pts), vec![0, 1, 3, 4]);
    }

    fn point() -> impl Strategy<Value = Point> {
        // A coarse grid makes ties and exact dominance frequent.
        (0u32..6, 0u32..6, 0u32..4).prop_map(|(c, l, a)| Point {
            cost: 1000.0 * c as f64,
            p99_ms: 50.0 * l as f64,
            availability: 0.99 + 0.003 * a as f64,
        })
    }

    proptest! {
        /// No front member is dominated; every other design is dominated by a front member.
        #[test]
        fn front_is_exactly_the_non_dominated_set(pts in proptest::collection::vec(point(), 0..40)) {
            let f = front(&pts);
            for &i in &f {
                prop_assert!(!pts.iter().any(|p| dominates(p, &pts[i])));
            }
            for i in (0..pts.len()).filter(|i| !f.contains(i)) {
                prop_assert!(f.iter().any(|&j| dominates(&pts[j], &pts[i])),
                    "{:?} is off the front but no front member dominates it", pts[i]);
            }
        }
    }
}
