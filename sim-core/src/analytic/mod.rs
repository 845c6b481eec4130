//! Closed-form and numerical models that cross-check the simulation and prune searches.
//!
//! - [`erlang`] — Erlang B/C, M/M/c mean wait, waiting- and response-time distributions;
//! - [`sizing`] — the smallest number of servers that meets a latency target (Erlang C);

pub mod erlang;
pub mod sizing;
