//! Dense ids of the things a scenario names.
//!
//! A scenario names regions by catalog id (`aws:us-east-1`, any case) and areas by their
//! own names; [`validate`](super::validate) turns every such name into one of these ids,
//! an index into [`World::regions`](super::World) or [`World::areas`](super::World). The
//! model indexes its vectors with them and never looks a name up again.

use std::fmt;

/// The most regions or areas one scenario may have: request events carry them in 16 bits
/// to keep the pending-event set small. More is refused by validation, with this limit named.
pub const MAX_REGIONS: usize = u16::MAX as usize;
/// See [`MAX_REGIONS`].
pub const MAX_AREAS: usize = u16::MAX as usize;

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The id at position `i` (ids are dense: `0..len`).
            pub fn new(i: usize) -> Self {
                $name(u32::try_from(i).expect("ids are bounded by validation"))
            }
            /// Position in the world's vector.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

dense_id!(
    /// A deployed region: an index into `World::regions`.
    RegionId
);
dense_id!(
    /// A user area: an index into `World::areas`.
    AreaId
);
