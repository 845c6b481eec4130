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

    // The property test (front = exactly the non-dominated set) is in tests/plan.rs.

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
}
