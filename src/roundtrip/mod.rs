//! The round trip between runs: what came back from the towns and what an earlier run
//! recorded. [`verify`] applies the returned ledgers' 核实结果 (corrections before linking,
//! outcomes after the rules); [`history`] reads an earlier run's `cases.csv`, carries each
//! case's history forward and tells two runs apart.
//!
//! Pipeline position: read → sources → link → rules → **roundtrip** → report. It runs at
//! two points of a clearance run: [`verify::apply_corrections`] before linking, and
//! [`verify::apply_outcomes`] with the history after the rules.

pub mod history;
pub mod verify;
