//! The run value: everything a clearance run has made by the time it reports, by reference
//! — the plan, the read accounting, the typed records, the people, the facts per person,
//! the cases, the changes since the previous run and the round trip's report — handed to
//! the report stage as one [`Run`] instead of a long list of arguments.
//!
//! Pipeline position: made by [`crate::pipeline::clearance`] after read → sources → link →
//! rules → roundtrip; read by [`crate::report`].

use crate::link::people::People;
use crate::plan::Plan;
use crate::roundtrip::history::DiffRow;
use crate::roundtrip::verify::VerifyReport;
use crate::rules::{Case, Facts};
use crate::sources::Data;
use crate::table::Inputs;

/// What the stages of a clearance run made, in the order they made it.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    /// The validated pipeline file.
    pub plan: &'a Plan,
    /// Files, sheets, row accounting and rejects of the read and sources stages.
    pub inputs: &'a Inputs,
    /// The typed records of every source.
    pub data: &'a Data,
    /// The people the link stage found across the sources.
    pub people: &'a People,
    /// The rules' facts, one per person.
    pub facts: &'a [Facts<'a>],
    /// The cases, in ledger order, with their history and returned outcomes.
    pub cases: &'a [Case],
    /// 变化情况: the difference from the previous run.
    pub changes: &'a [DiffRow],
    /// The round trip of returned ledgers: matched, unmatched, conflicting rows.
    pub verification: &'a VerifyReport,
}
