//! Seeded random-number streams, one per purpose and entity.
//!
//! A run has one master seed. Every consumer of randomness asks for its own stream by a
//! stable key — a purpose name (`"arrivals"`, `"service"`, `"network"`, `"failures"`, …)
//! and an index (an area, a region, a replication) — never by creation order. The seed of
//! a stream is a pure function of `(master seed, purpose, index)`:
//!
//! ```text
//! h0 = splitmix64(master ⊕ 0x5EED_0F_5EED)
//! h1 = splitmix64(h0 ⊕ fnv1a64(purpose))
//! h2 = splitmix64(h1 ⊕ splitmix64(index))
//! stream = Xoshiro256++ seeded with four successive splitmix64 outputs from h2
//! ```
//!
//! Adding a region or a failure therefore leaves every other stream's draws unchanged,
//! which is what makes common random numbers work: two layouts of one scenario see the
//! same users, arrivals and service demands. [`derive_seed`] uses the same mixing to give
//! each run of a sweep its own master seed from the sweep's seed and the run's index.

use rand::rngs::Xoshiro256PlusPlus;
use rand::SeedableRng;

/// The generator behind every stream: small, fast, and statistically sound for simulation.
pub type StreamRng = Xoshiro256PlusPlus;

/// SplitMix64's output function (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
#[inline]
pub const fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a, 64-bit: a stable hash of a purpose name (not `std`'s randomised hasher).
pub const fn fnv1a64(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    let mut i = 0;
    while i < b.len() {
        h ^= b[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
        i += 1;
    }
    h
}

/// A child seed for `(label, index)` under `parent`; see the module docs.
pub const fn derive_seed(parent: u64, label: &str, index: u64) -> u64 {
    let h0 = splitmix64(parent ^ 0x5EED_0F5E_ED00);
    let h1 = splitmix64(h0 ^ fnv1a64(label));
    splitmix64(h1 ^ splitmix64(index))
}

/// Hands out independent streams derived from one master seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Streams {
    master: u64,
}

impl Streams {
    pub const fn new(master_seed: u64) -> Self {
        Streams {
            master: master_seed,
        }
    }

    pub const fn master_seed(&self) -> u64 {
        self.master
    }

    /// The stream for `purpose` and entity `index`.
    pub fn stream(&self, purpose: &str, index: u64) -> StreamRng {
        let mut h = derive_seed(self.master, purpose, index);
        let mut seed = [0u8; 32];
        for chunk in seed.chunks_exact_mut(8) {
            h = splitmix64(h);
            chunk.copy_from_slice(&h.to_le_bytes());
        }
        StreamRng::from_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    fn draws(mut r: StreamRng) -> Vec<u64> {
        (0..8).map(|_| r.random()).collect()
    }

    #[test]
    fn streams_are_reproducible_and_keyed_not_ordered() {
        let s = Streams::new(42);
        let a1 = draws(s.stream("arrivals", 3));
        // Asking for other streams first changes nothing.
        let _ = draws(s.stream("service", 0));
        let _ = draws(s.stream("arrivals", 7));
        assert_eq!(draws(s.stream("arrivals", 3)), a1);
        assert_ne!(draws(s.stream("arrivals", 4)), a1);
        assert_ne!(draws(s.stream("service", 3)), a1);
        assert_ne!(draws(Streams::new(43).stream("arrivals", 3)), a1);
    }

    #[test]
    fn generator_is_xoshiro256plusplus() {
        // The reference vector of Blackman & Vigna's xoshiro256++: a crate upgrade that swapped
        // the generator behind `StreamRng` would change every stream, and fail here first.
        let mut seed = [0u8; 32];
        for (i, chunk) in seed.chunks_exact_mut(8).enumerate() {
            chunk[0] = i as u8 + 1;
        }
        let mut r = StreamRng::from_seed(seed);
        let first: Vec<u64> = (0..3).map(|_| rand::Rng::next_u64(&mut r)).collect();
        assert_eq!(first, [41_943_041, 58_720_359, 3_588_806_011_781_223]);
    }

    #[test]
    fn seed_derivation_is_pinned() {
        // Changing the derivation silently would change every published result.
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(fnv1a64(""), 0xCBF2_9CE4_8422_2325);
        let s = derive_seed(1, "run", 0);
        assert_eq!(s, derive_seed(1, "run", 0));
        assert_ne!(s, derive_seed(1, "run", 1));
    }
}
