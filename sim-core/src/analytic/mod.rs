//! Closed-form and numerical models that cross-check the simulation and prune searches.

pub mod erlang;
