//! The small-set store: a 4-ary min-heap on `(time, seq)`.
//!
//! Why 4-ary and not `std`'s binary heap: every level below the cached top is a potential
//! cache miss, and a 4-ary heap has half the levels; its four children sit side by side,
//! so the extra comparisons are on memory already fetched. While the pending set fits in
//! the first cache levels this is the fastest store we have measured (benches/README.md);
//! beyond that the radix store (`radix.rs`) takes over.

use super::Entry;

/// A d-ary min-heap on [`Entry::key`] with d = [`Heap::ARITY`]. Node `i` has children
/// `ARITY*i + 1 ..= ARITY*i + ARITY`.
pub(super) struct Heap<E> {
    pub(super) v: Vec<Entry<E>>,
}

impl<E> Heap<E> {
    const ARITY: usize = 4;

    pub(super) fn with_capacity(n: usize) -> Self {
        Heap {
            v: Vec::with_capacity(n),
        }
    }

    /// A heap of `v` in any order (Floyd's bottom-up construction, O(n)).
    pub(super) fn from_vec(v: Vec<Entry<E>>) -> Self {
        let mut h = Heap { v };
        let n = h.v.len();
        if n > 1 {
            for i in (0..=(n - 2) / Self::ARITY).rev() {
                Self::sift_down(&mut h.v, i);
            }
        }
        h
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        self.v.len()
    }

    #[inline]
    pub(super) fn peek(&self) -> Option<&Entry<E>> {
        self.v.first()
    }

    #[inline]
    pub(super) fn push(&mut self, e: Entry<E>) {
        let key = e.key();
        let mut i = self.v.len();
        self.v.push(e);
        let v = &mut self.v[..];
        while i > 0 {
            let parent = (i - 1) / Self::ARITY;
            if v[parent].key() < key {
                break;
            }
            v.swap(i, parent);
            i = parent;
        }
    }

    #[inline]
    pub(super) fn pop(&mut self) -> Option<Entry<E>> {
        let last = self.v.pop()?;
        if self.v.is_empty() {
            return Some(last);
        }
        let top = std::mem::replace(&mut self.v[0], last);
        Self::sift_to_leaf(&mut self.v);
        Some(top)
    }

    /// Restores the order after the last entry was put at the root (a pop): bottom-up
    /// (Wegener) — the smaller child moves up at every level, without comparing it with
    /// the entry sinking, down to a leaf; then the entry rises from there. It came from
    /// the bottom, so it rarely rises more than a level, and the descent saves a
    /// comparison per level over [`Heap::sift_down`]. Keys are unique, so the heap yields
    /// the same total `(time, seq)` order.
    #[inline]
    fn sift_to_leaf(v: &mut [Entry<E>]) {
        let n = v.len();
        let key = v[0].key();
        let mut i = 0;
        loop {
            let c = Self::ARITY * i + 1;
            let child = if c + Self::ARITY <= n {
                let ch = &v[c..c + Self::ARITY];
                let (k0, k1, k2, k3) = (ch[0].key(), ch[1].key(), ch[2].key(), ch[3].key());
                let a = usize::from(k1 < k0);
                let b = 2 + usize::from(k3 < k2);
                c + if k0.min(k1) < k2.min(k3) { a } else { b }
            } else if c < n {
                let mut m = c;
                let mut mk = v[c].key();
                for (j, e) in v.iter().enumerate().skip(c + 1) {
                    let k = e.key();
                    if k < mk {
                        m = j;
                        mk = k;
                    }
                }
                m
            } else {
                break;
            };
            v.swap(i, child);
            i = child;
        }
        while i > 0 {
            let parent = (i - 1) / Self::ARITY;
            if v[parent].key() < key {
                break;
            }
            v.swap(i, parent);
            i = parent;
        }
    }

    /// Moves `v[i]` down until no child has a smaller key.
    #[inline]
    fn sift_down(v: &mut [Entry<E>], mut i: usize) {
        let n = v.len();
        let key = v[i].key();
        loop {
            let c = Self::ARITY * i + 1;
            let (child, child_key) = if c + Self::ARITY <= n {
                // All four children exist: a two-round tournament, written with
                // comparisons turned into indices so that it compiles without branches
                // (the winner of random keys is unpredictable).
                let ch = &v[c..c + Self::ARITY];
                let (k0, k1, k2, k3) = (ch[0].key(), ch[1].key(), ch[2].key(), ch[3].key());
                let a = usize::from(k1 < k0);
                let b = 2 + usize::from(k3 < k2);
                let (ka, kb) = (k0.min(k1), k2.min(k3));
                let w = if kb < ka { b } else { a };
                (c + w, ka.min(kb))
            } else if c < n {
                let mut m = c;
                let mut mk = v[c].key();
                for (j, e) in v.iter().enumerate().skip(c + 1) {
                    let k = e.key();
                    if k < mk {
                        m = j;
                        mk = k;
                    }
                }
                (m, mk)
            } else {
                return;
            };
            if key < child_key {
                return;
            }
            v.swap(i, child);
            i = child;
        }
    }
}

#[cfg(test)]
impl<E> Heap<E> {
    /// Every node's key is below its children's.
    pub(super) fn assert_order(&self) {
        for i in 1..self.v.len() {
            let p = (i - 1) / Self::ARITY;
            assert!(
                self.v[p].key() < self.v[i].key(),
                "node {i} is above its parent {p}"
            );
        }
    }
}
