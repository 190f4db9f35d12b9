//! kcbx — 控辍保学大清查比对 (dropout-control clearance).
//!
//! The pipeline, in the order data flows:
//! [`read`] spreadsheets → [`sources`] typed records ([`normalize`] values) → [`link`]
//! people across sources → [`rules`] raise cases → [`roundtrip`] returned outcomes and
//! history → [`report`] ledgers, `cases.csv`, `run.json`. Underneath: [`schema`] (source
//! kinds, fields, the linkage model) and [`plan`] (the pipeline file validated first).
//! [`pipeline`] is the run skeleton both pipelines (clearance, [`weekly`]) go through;
//! [`run`] is the value the stages hand to the report; [`cmd`] holds one module per
//! subcommand and nothing imports it. `.ci/modgraph.sh` checks that no two top-level
//! modules import each other in a circle.

pub mod cmd;
pub mod error;
pub mod frame;
pub mod link;
pub mod manual;
pub mod memory;
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
