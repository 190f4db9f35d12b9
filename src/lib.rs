//! kcbx — 控辍保学大清查比对 (dropout-control clearance).
//!
//! The pipeline, in the order data flows:
//! [`read`] spreadsheets → [`sources`] typed records ([`normalize`] values) → [`link`]
//! people across sources → [`rules`] raise cases → [`report`] ledgers, `cases.csv`,
//! `run.json`. [`plan`] validates the pipeline file first; [`cmd`] holds one module per
//! subcommand.

pub mod cmd;
pub mod error;
pub mod frame;
pub mod link;
pub mod manual;
pub mod normalize;
pub mod pipeline;
pub mod plan;
pub mod progress;
pub mod read;
pub mod report;
pub mod roundtrip;
pub mod rules;
pub mod run;
pub mod sample;
pub mod schema;
pub mod schools;
pub mod sources;
pub mod table;
pub mod text;
pub mod weekly;
