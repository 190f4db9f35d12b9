//! Source kinds and their typed records: turns the read stage's [`RawTable`]s into census
//! children, 学籍 records, poverty-register people and so on, normalising every value on
//! the way and rejecting (with a reason) rows that cannot be used.
//!
//! Pipeline position: read → **sources/normalize** → link → rules → report.

pub mod fields;

use serde::{Deserialize, Serialize};

/// What an input source holds. The pipeline file's `kind` of a `[[sources]]` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// 大清查 census sheets, one row per child.
    Census,
    /// 学籍 exports: students and their status changes.
    Enrollment,
    /// 建档立卡 poverty register (2019 adjusted).
    Poverty,
    /// 残联 disability list.
    Disability,
    /// 送教上门 roster and visits.
    HomeTeaching,
    /// Approved 缓学 / 免学.
    Exemption,
    /// 包片包校责任人名单 (attachment 4).
    Roster,
    /// Returned 问题台账 workbooks with 核实结果 filled in.
    Verification,
    /// Per-school attendance counts for the weekly report (column 5).
    Attendance,
    /// Daily 劝返 (persuasion to return) records.
    Persuasion,
}

impl SourceKind {
    pub const ALL: [SourceKind; 10] = [
        SourceKind::Census,
        SourceKind::Enrollment,
        SourceKind::Poverty,
        SourceKind::Disability,
        SourceKind::HomeTeaching,
        SourceKind::Exemption,
        SourceKind::Roster,
        SourceKind::Verification,
        SourceKind::Attendance,
        SourceKind::Persuasion,
    ];

    /// The pipeline-file spelling (`home_teaching`).
    pub fn key(self) -> &'static str {
        match self {
            SourceKind::Census => "census",
            SourceKind::Enrollment => "enrollment",
            SourceKind::Poverty => "poverty",
            SourceKind::Disability => "disability",
            SourceKind::HomeTeaching => "home_teaching",
            SourceKind::Exemption => "exemption",
            SourceKind::Roster => "roster",
            SourceKind::Verification => "verification",
            SourceKind::Attendance => "attendance",
            SourceKind::Persuasion => "persuasion",
        }
    }

    /// The Chinese name users know the source by.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Census => "大清查表",
            SourceKind::Enrollment => "学籍",
            SourceKind::Poverty => "建档立卡名单",
            SourceKind::Disability => "残疾人名单",
            SourceKind::HomeTeaching => "送教上门名册",
            SourceKind::Exemption => "缓学免学名单",
            SourceKind::Roster => "包片包校责任人名单",
            SourceKind::Verification => "核实反馈台账",
            SourceKind::Attendance => "实际在校人数",
            SourceKind::Persuasion => "劝返记录",
        }
    }
}

pub mod census;
pub mod enrollment;
pub mod others;
pub mod row;

use crate::normalize::values::ValueConfig;
use crate::read::SourceTables;
use crate::table::Inputs;

pub use census::CensusRec;
pub use enrollment::{EnrollRec, Student};
pub use others::{DisabilityRec, ExemptionRec, PovertyRec, RosterRec, VerificationRec, VisitRec};

/// Every typed record of a run, per source kind, in input order.
#[derive(Debug, Default)]
pub struct Data {
    pub census: Vec<CensusRec>,
    pub enrollment: Vec<EnrollRec>,
    pub poverty: Vec<PovertyRec>,
    pub disability: Vec<DisabilityRec>,
    pub visits: Vec<VisitRec>,
    pub exemptions: Vec<ExemptionRec>,
    pub roster: Vec<RosterRec>,
    pub verification: Vec<VerificationRec>,
    /// Attendance and 劝返 tables are used by the weekly pipeline as they are.
    pub weekly_tables: Vec<(SourceKind, usize, crate::table::RawTable)>,
}

/// Turns the read stage's tables into typed records, recording row rejects in `inputs`.
pub fn build(tables: Vec<SourceTables>, inputs: &mut Inputs, values: &ValueConfig) -> Data {
    let mut data = Data::default();
    for st in tables {
        let Some(kind) = st.kind else { continue };
        for table in st.tables {
            match kind {
                SourceKind::Census => data.census.extend(census::extract(&table, inputs, values)),
                SourceKind::Enrollment => {
                    data.enrollment.extend(enrollment::extract(&table, st.source, inputs, values))
                }
                SourceKind::Poverty => data.poverty.extend(others::extract_poverty(&table, inputs, values)),
                SourceKind::Disability => data.disability.extend(others::extract_disability(&table, inputs, values)),
                SourceKind::HomeTeaching => data.visits.extend(others::extract_visits(&table, inputs, values)),
                SourceKind::Exemption => data.exemptions.extend(others::extract_exemptions(&table, inputs, values)),
                SourceKind::Roster => data.roster.extend(others::extract_roster(&table, inputs)),
                SourceKind::Verification => {
                    data.verification.extend(others::extract_verification(&table, inputs, values))
                }
                SourceKind::Attendance | SourceKind::Persuasion => data.weekly_tables.push((kind, st.source, table)),
            }
        }
    }
    data
}
