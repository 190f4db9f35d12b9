//! The source vocabulary, the ground floor of the pipeline: what kinds of input there are
//! ([`SourceKind`]) and the fields each kind has, with the header aliases that find them
//! ([`fields`]). The pipeline file ([`crate::plan`]), the read stage's header detection
//! ([`crate::read`]) and the record builders ([`crate::sources`]) all speak it; it imports
//! none of them.
//!
//! Pipeline position: **schema** (below plan → read → sources → link → rules → report).

pub mod cases;
pub mod fields;
pub mod linkage;

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
