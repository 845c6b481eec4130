//! The last acknowledged write of every key touched, and when each region applied it.
//!
//! This is what stale reads and write conflicts are judged against:
//! - a read at region `r` at time `t` is **stale** if the key's last acknowledged write
//!   was acknowledged at or before `t` but reaches `r` only after `t`;
//! - a write committed at region `o` at time `t` **conflicts** (asynchronous multi-master)
//!   if the key's previous write came from another region and had not yet reached `o` at
//!   `t`: the two were concurrent, and last-writer-wins discards one of them.
//!
//! Memory grows with the number of distinct keys written, bounded by `workload.keys`.
//! The map is only looked up, never iterated, so its order cannot reach any output.

use crate::engine::SimTime;
use rustc_hash::FxHashMap;

/// Per-key replication state; see the module docs.
pub struct KeyStore {
    regions: usize,
    slot: FxHashMap<u64, u32>,
    /// Per slot: (acknowledged at, origin region).
    last: Vec<(SimTime, u16)>,
    /// Per slot × region: when the region applied the last write.
    applied: Vec<SimTime>,
}

impl KeyStore {
    pub fn new(regions: usize) -> Self {
        KeyStore {
            regions,
            slot: FxHashMap::default(),
            last: Vec::new(),
            applied: Vec::new(),
        }
    }

    /// Whether a read of `key` at `region` at `now` returns an outdated version.
    pub fn is_stale(&self, key: u64, region: usize, now: SimTime) -> bool {
        match self.slot.get(&key) {
            Some(&s) => {
                let (acked, _) = self.last[s as usize];
                acked <= now && now < self.applied[s as usize * self.regions + region]
            }
            None => false,
        }
    }

    /// Whether a write of `key` committed at `origin` at `now` is concurrent with the
    /// previous write from another region.
    pub fn conflicts(&self, key: u64, origin: usize, now: SimTime) -> bool {
        match self.slot.get(&key) {
            Some(&s) => {
                let (_, prev) = self.last[s as usize];
                prev as usize != origin && now < self.applied[s as usize * self.regions + origin]
            }
            None => false,
        }
    }

    /// Records a write acknowledged at `acked` from `origin`, applied at each region at
    /// `applied_at(region)`.
    pub fn write(
        &mut self,
        key: u64,
        origin: usize,
        acked: SimTime,
        mut applied_at: impl FnMut(usize) -> SimTime,
    ) {
        let n = self.regions;
        let next = self.last.len() as u32;
        let s = *self.slot.entry(key).or_insert(next) as usize;
        if s == self.last.len() {
            self.last.push((acked, origin as u16));
            self.applied.extend(std::iter::repeat_n(SimTime::ZERO, n));
        }
        self.last[s] = (acked, origin as u16);
        for r in 0..n {
            self.applied[s * n + r] = applied_at(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimDuration;

    fn t(ms: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(ms)
    }

    #[test]
    fn stale_and_conflict_windows_hand_computed() {
        let mut k = KeyStore::new(2);
        // Written at region 0 at 100 ms, reaches region 1 at 180 ms.
        k.write(7, 0, t(100), |r| if r == 0 { t(100) } else { t(180) });
        assert!(!k.is_stale(7, 0, t(120)));
        assert!(k.is_stale(7, 1, t(120)));
        assert!(!k.is_stale(7, 1, t(180)));
        assert!(
            !k.is_stale(8, 1, t(120)),
            "never-written keys are never stale"
        );
        assert!(
            k.conflicts(7, 1, t(150)),
            "region 1 writes before the first write reached it"
        );
        assert!(!k.conflicts(7, 1, t(200)));
        assert!(
            !k.conflicts(7, 0, t(150)),
            "same origin is ordered, not a conflict"
        );
    }
}
