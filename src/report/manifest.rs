//! `run.json`: what a run read and did — tool version, parameters, every input file with its
//! SHA-256, per-sheet row accounting (read = used + skipped + rejected), case counts by
//! problem and by town, stage timings, and the files written.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::plan::Plan;
use crate::rules::Case;
use crate::table::{Inputs, RowCounts};

#[derive(Serialize)]
pub struct Manifest<'a> {
    #[serde(flatten)]
    pub header: RunHeader<'a>,
    pub previous_run: Option<String>,
    pub params: &'a crate::plan::Params,
    pub inputs: InputsReport<'a>,
    pub cases: CaseCounts,
    pub changes: BTreeMap<&'static str, usize>,
    pub verification: &'a crate::roundtrip::verify::VerifyReport,
    /// Open cases that reach no town, by file, sheet and town column (a data fault).
    pub town_unknown: crate::report::town_unknown::TownUnknown,
    /// The 包片包校责任人名单 matched to the 学籍 schools, and its data faults.
    pub roster: crate::schools::DirectoryReport,
    /// A run of several districts: what each district's partition held while it was
    /// linked and judged ([`crate::pipeline::partition`]). Absent from a district run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partitions: Vec<PartCounts>,
    pub timings_ms: BTreeMap<&'static str, u128>,
    pub outputs: Vec<String>,
}

/// One district's partition of a run of several districts: its own records, the other
/// districts' records it held because they share a valid ID with its own, the people made
/// of them, and the cases it kept. No personal data.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PartCounts {
    /// 区县, empty for the records whose district is not known.
    pub district: String,
    pub records: usize,
    pub guest_records: usize,
    pub persons: usize,
    pub cases: usize,
}

/// The fields every `run.json` begins with, in this order.
#[derive(Debug, Serialize)]
pub struct RunHeader<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    pub pipeline: &'a str,
    pub pipeline_file: String,
    /// The pipeline kind, written by the weekly run (`weekly`); the clearance run's
    /// `run.json` has always gone without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    pub label: &'a str,
    /// Local time the run finished; the latest one is the default previous run.
    pub finished_at: String,
}

#[derive(Serialize)]
pub struct InputsReport<'a> {
    pub files: Vec<FileReport<'a>>,
    /// Totals over every sheet.
    pub accounting: Accounting,
}

#[derive(Serialize)]
pub struct FileReport<'a> {
    pub path: &'a str,
    pub source: &'static str,
    pub format: &'a str,
    pub bytes: u64,
    pub sha256: &'a str,
    pub sheets: Vec<SheetReport<'a>>,
}

#[derive(Serialize)]
pub struct SheetReport<'a> {
    pub name: &'a str,
    pub header_row: Option<u32>,
    pub skipped: Option<&'a str>,
    #[serde(flatten)]
    pub counts: &'a RowCounts,
    pub balanced: bool,
}

#[derive(Serialize, Default)]
pub struct Accounting {
    pub read: u64,
    pub used: u64,
    pub skipped: u64,
    pub rejected: u64,
    /// read == used + skipped + rejected for every sheet.
    pub balanced: bool,
}

#[derive(Serialize, Default)]
pub struct CaseCounts {
    /// Open cases.
    pub total: usize,
    /// Cases closed (销号) by returned outcomes.
    pub closed: usize,
    pub by_problem: BTreeMap<&'static str, usize>,
    /// By town; in a run of several districts by `区县 镇街` (two districts' 昌元街道 apart).
    pub by_town: BTreeMap<String, usize>,
    /// By district (runs of several districts only).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub by_district: BTreeMap<String, usize>,
    pub poverty: usize,
}

pub fn accounting(inputs: &Inputs) -> Accounting {
    let mut a = Accounting { balanced: true, ..Default::default() };
    for s in &inputs.sheets {
        a.read += s.counts.read;
        a.used += s.counts.used;
        a.skipped += s.counts.skipped();
        a.rejected += s.counts.rejected;
        a.balanced &= s.counts.balanced();
    }
    a
}

pub fn files<'a>(inputs: &'a Inputs, plan: &Plan) -> Vec<FileReport<'a>> {
    inputs
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| FileReport {
            path: &f.display,
            source: plan.sources[f.source].kind.key(),
            format: &f.format,
            bytes: f.bytes,
            sha256: &f.sha256,
            sheets: inputs
                .sheets
                .iter()
                .filter(|s| s.file as usize == i)
                .map(|s| SheetReport {
                    name: &s.name,
                    header_row: s.header_row,
                    skipped: s.skipped.as_deref(),
                    counts: &s.counts,
                    balanced: s.counts.balanced(),
                })
                .collect(),
        })
        .collect()
}

/// Counts of new / resolved / still-open / changed cases.
pub fn change_counts(rows: &[crate::roundtrip::history::DiffRow]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for change in crate::roundtrip::history::Change::ALL {
        let key = match change {
            crate::roundtrip::history::Change::New => "new",
            crate::roundtrip::history::Change::Resolved => "resolved",
            crate::roundtrip::history::Change::StillOpen => "still_open",
            crate::roundtrip::history::Change::Changed => "changed",
            crate::roundtrip::history::Change::Reopened => "reopened",
        };
        out.insert(key, rows.iter().filter(|r| r.change == change).count());
    }
    out
}

/// Counts of open cases by problem and by town (closed cases counted apart).
pub fn case_counts(all: &[Case]) -> CaseCounts {
    let open: Vec<&Case> = all.iter().filter(|c| !c.history.closed).collect();
    let cases = open.as_slice();
    let mut c = CaseCounts { total: cases.len(), closed: all.len() - cases.len(), ..Default::default() };
    for (keys, n) in crate::frame::count_by(&[cases.iter().map(|c| c.problem.key().to_string()).collect()]) {
        let problem = crate::rules::Problem::from_key(&keys[0]).expect("known key");
        c.by_problem.insert(problem.key(), n as usize);
    }
    let town = |c: &Case| if c.district.is_empty() { c.town.clone() } else { format!("{} {}", c.district, c.town) };
    for (keys, n) in crate::frame::count_by(&[cases.iter().map(|c| town(c)).collect()]) {
        c.by_town.insert(keys[0].clone(), n as usize);
    }
    if cases.iter().any(|c| !c.district.is_empty()) {
        for (keys, n) in crate::frame::count_by(&[cases.iter().map(|c| c.district.clone()).collect()]) {
            c.by_district.insert(keys[0].clone(), n as usize);
        }
    }
    c.poverty = cases.iter().filter(|c| c.poverty).count();
    c
}
