//! Latency distributions in bounded memory: an HDR histogram of microseconds.
//!
//! Memory does not grow with the number of requests (≈ 40 KiB per histogram at three
//! significant digits over 1 µs – 1 h), quantiles are accurate to 0.1 %, and two
//! histograms merge exactly, so per-thread or per-run results can be combined.

use crate::engine::SimDuration;
use hdrhistogram::Histogram;

/// Largest recordable latency, in microseconds (one hour); longer values are clamped.
const MAX_US: u64 = 3_600_000_000;

/// A mergeable latency histogram.
#[derive(Clone, Debug)]
pub struct LatencyHist {
    h: Histogram<u64>,
}

impl Default for LatencyHist {
    fn default() -> Self {
        Self::with_precision(3)
    }
}

impl LatencyHist {
    /// A histogram with `sigfig` significant decimal digits (1–5).
    pub fn with_precision(sigfig: u8) -> Self {
        LatencyHist {
            h: Histogram::new_with_bounds(1, MAX_US, sigfig).expect("valid static bounds"),
        }
    }

    pub fn record(&mut self, d: SimDuration) {
        let us = (d.as_nanos() / 1_000).clamp(1, MAX_US);
        self.h.saturating_record(us);
    }

    pub fn merge(&mut self, other: &LatencyHist) {
        // Both have the same bounds, so adding cannot fail.
        self.h.add(&other.h).expect("histograms share bounds");
    }

    pub fn count(&self) -> u64 {
        self.h.len()
    }

    /// The `q`-quantile in milliseconds (0 when empty).
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.h.is_empty() {
            return 0.0;
        }
        self.h.value_at_quantile(q) as f64 / 1e3
    }

    pub fn mean_ms(&self) -> f64 {
        if self.h.is_empty() {
            0.0
        } else {
            self.h.mean() / 1e3
        }
    }

    /// `(latency_ms, cumulative fraction)` points of the distribution, for CDF plots.
    pub fn cdf_points(&self) -> Vec<(f64, f64)> {
        let n = self.h.len() as f64;
        if n == 0.0 {
            return Vec::new();
        }
        let mut acc = 0u64;
        self.h
            .iter_log(1, 1.1)
            .map(|v| {
                acc += v.count_since_last_iteration();
                (v.value_iterated_to() as f64 / 1e3, acc as f64 / n)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quantiles_of_a_uniform_sample() {
        let mut h = LatencyHist::default();
        for ms in 1..=1000 {
            h.record(SimDuration::from_millis(ms));
        }
        assert!((h.quantile_ms(0.5) - 500.0).abs() < 1.0);
        assert!((h.quantile_ms(0.99) - 990.0).abs() < 1.0);
        assert!((h.mean_ms() - 500.5).abs() < 0.5);
    }

    proptest! {
        /// merge(a, b) equals one histogram fed both samples.
        #[test]
        fn merge_equals_feeding_both(a in proptest::collection::vec(1u64..10_000_000, 0..200),
                                     b in proptest::collection::vec(1u64..10_000_000, 0..200)) {
            let (mut ha, mut hb, mut hab) = (LatencyHist::default(), LatencyHist::default(), LatencyHist::default());
            for &x in &a { ha.record(SimDuration::from_micros(x)); hab.record(SimDuration::from_micros(x)); }
            for &x in &b { hb.record(SimDuration::from_micros(x)); hab.record(SimDuration::from_micros(x)); }
            ha.merge(&hb);
            prop_assert_eq!(ha.count(), hab.count());
            for q in [0.0, 0.5, 0.9, 0.99, 0.999, 1.0] {
                prop_assert_eq!(ha.quantile_ms(q).to_bits(), hab.quantile_ms(q).to_bits());
            }
        }
    }
}
