//! The multi-region service model, built from small parts.

pub mod station;
