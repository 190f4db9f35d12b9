//! Reading spreadsheets as districts receive them: every file a source's globs match,
//! every sheet, the header found by content, columns mapped to canonical fields, grouping
//! columns filled down, blank / 合计 / note rows skipped and counted.
//!
//! Pipeline position: **read** → normalize → link → rules → report.

use crate::plan::Plan;
use crate::sources::SourceKind;
use crate::table::{Inputs, RawTable};

/// The tables read for one `[[sources]]` entry of the plan.
#[derive(Debug, Default)]
pub struct SourceTables {
    /// Index into `plan.sources`.
    pub source: usize,
    pub kind: Option<SourceKind>,
    pub tables: Vec<RawTable>,
}

/// Everything the read stage produced.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// Files, sheets (with header row, column mapping and row counts) and row rejects.
    pub inputs: Inputs,
    /// One entry per plan source, in plan order.
    pub sources: Vec<SourceTables>,
    /// Problems that make an input unusable (a glob matching nothing, a file that cannot be
    /// opened, a required column missing). `run` stops before writing any ledger when this
    /// is not empty; `check` prints them and carries on. No personal data.
    pub problems: Vec<String>,
    /// Things worth telling the user that do not stop a run (a sheet skipped because it has
    /// no recognisable header, a column found only approximately). No personal data.
    pub notes: Vec<String>,
}

/// Reads every source of the plan. Never panics on bad input; everything wrong is in
/// `problems`, `notes` or `inputs.rejects`.
pub fn read_all(plan: &Plan) -> ReadOutcome {
    let _ = plan;
    todo!("read_all")
}
