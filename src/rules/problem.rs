//! The problem codes: one place for each code's Chinese label, short code (case_id
//! prefix), ledger category and suggested measure (整改措施).

use serde::Serialize;

/// Every problem kcbx raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    NotEnrolled,
    OutOfAreaUnverified,
    DisabledUnplaced,
    NonCompleter,
    HomeTeachingUnregistered,
    HomeTeachingShort,
    ExemptionExpired,
    SuspensionOverdue,
    IdInvalid,
    DuplicateRegistration,
    EnrolledNotInCensus,
    EnrollmentConflict,
    MatchReview,
    /// Lowest priority: a poverty-register youth with no evidence either way.
    CompletionUnknown,
    /// Last: a household's word that a child died, to be checked.
    DeathUnverified,
}

impl Problem {
    pub const ALL: [Problem; 15] = [
        Problem::NotEnrolled,
        Problem::OutOfAreaUnverified,
        Problem::DisabledUnplaced,
        Problem::NonCompleter,
        Problem::HomeTeachingUnregistered,
        Problem::HomeTeachingShort,
        Problem::ExemptionExpired,
        Problem::SuspensionOverdue,
        Problem::IdInvalid,
        Problem::DuplicateRegistration,
        Problem::EnrolledNotInCensus,
        Problem::EnrollmentConflict,
        Problem::MatchReview,
        Problem::CompletionUnknown,
        Problem::DeathUnverified,
    ];

    /// The stable English code used in cases.csv and pipeline files.
    pub fn key(self) -> &'static str {
        match self {
            Problem::NotEnrolled => "not_enrolled",
            Problem::OutOfAreaUnverified => "out_of_area_unverified",
            Problem::DisabledUnplaced => "disabled_unplaced",
            Problem::NonCompleter => "non_completer",
            Problem::HomeTeachingUnregistered => "home_teaching_unregistered",
            Problem::HomeTeachingShort => "home_teaching_short",
            Problem::ExemptionExpired => "exemption_expired",
            Problem::IdInvalid => "id_invalid",
            Problem::DuplicateRegistration => "duplicate_registration",
            Problem::EnrolledNotInCensus => "enrolled_not_in_census",
            Problem::EnrollmentConflict => "enrollment_conflict",
            Problem::MatchReview => "match_review",
            Problem::CompletionUnknown => "completion_unknown",
            Problem::SuspensionOverdue => "suspension_overdue",
            Problem::DeathUnverified => "death_unverified",
        }
    }

    /// Two-letter prefix of case ids.
    pub fn short(self) -> &'static str {
        match self {
            Problem::NotEnrolled => "NE",
            Problem::OutOfAreaUnverified => "OA",
            Problem::DisabledUnplaced => "DU",
            Problem::NonCompleter => "NC",
            Problem::HomeTeachingUnregistered => "HU",
            Problem::HomeTeachingShort => "HS",
            Problem::ExemptionExpired => "EE",
            Problem::IdInvalid => "II",
            Problem::DuplicateRegistration => "DR",
            Problem::EnrolledNotInCensus => "EN",
            Problem::EnrollmentConflict => "EC",
            Problem::MatchReview => "MR",
            Problem::CompletionUnknown => "CU",
            Problem::SuspensionOverdue => "SO",
            Problem::DeathUnverified => "DV",
        }
    }

    /// 问题类型 as shown in the ledgers.
    pub fn label(self) -> &'static str {
        match self {
            Problem::NotEnrolled => "适龄未入学/疑似失学",
            Problem::OutOfAreaUnverified => "县外就读待核实",
            Problem::DisabledUnplaced => "残疾儿童少年未安置",
            Problem::NonCompleter => "2015年以来辍学未完成义务教育",
            Problem::HomeTeachingUnregistered => "送教上门未建学籍",
            Problem::HomeTeachingShort => "送教课时不足",
            Problem::ExemptionExpired => "缓学/免学已过期",
            Problem::IdInvalid => "身份证号错误",
            Problem::DuplicateRegistration => "重复登记",
            Problem::EnrolledNotInCensus => "在籍未清查",
            Problem::EnrollmentConflict => "学籍状态矛盾",
            Problem::MatchReview => "疑似匹配待核实",
            Problem::CompletionUnknown => "义务教育完成情况待核实",
            Problem::SuspensionOverdue => "休学超期未复学",
            Problem::DeathUnverified => "死亡待核实",
        }
    }

    /// Short name for a ledger sheet (Excel sheet names: at most 31 characters, no `/`).
    pub fn sheet_name(self) -> &'static str {
        match self {
            Problem::NotEnrolled => "适龄未入学",
            Problem::OutOfAreaUnverified => "县外就读待核实",
            Problem::DisabledUnplaced => "残疾未安置",
            Problem::NonCompleter => "辍学未完成义务教育",
            Problem::HomeTeachingUnregistered => "送教未建学籍",
            Problem::HomeTeachingShort => "送教课时不足",
            Problem::ExemptionExpired => "缓免学过期",
            Problem::IdInvalid => "身份证号错误",
            Problem::DuplicateRegistration => "重复登记",
            Problem::EnrolledNotInCensus => "在籍未清查",
            Problem::EnrollmentConflict => "学籍状态矛盾",
            Problem::MatchReview => "疑似匹配待核实",
            Problem::CompletionUnknown => "完成情况待核实",
            Problem::SuspensionOverdue => "休学超期",
            Problem::DeathUnverified => "死亡待核实",
        }
    }

    /// 整改措施: what the responsible unit should do.
    pub fn measure(self) -> &'static str {
        match self {
            Problem::NotEnrolled => {
                "入户核实；确属失学的，按“一人一案”劝返入学并注册学籍；已在校的，补录或更正学籍信息"
            }
            Problem::OutOfAreaUnverified => "取得就读学校出具的在读证明或学籍信息截图，核实后注明就读学校",
            Problem::DisabledUnplaced => {
                "组织残疾评估，按随班就读、特教学校、送教上门等方式安置并建立学籍；确需缓学的依法办理"
            }
            Problem::NonCompleter => "逐人核实现状；未满16周岁的劝返复学，已超龄的记录去向，完成销号",
            Problem::HomeTeachingUnregistered => "由送教学校为该生建立学籍",
            Problem::HomeTeachingShort => "补足送教次数和学时：每周不少于1次、每次不少于2学时、每学年不少于80学时",
            Problem::ExemptionExpired => "重新评估：可入学的安排入学，确需继续缓学/免学的重新办理审批",
            Problem::IdInvalid => "核对户口簿，更正清查表或学籍系统中的身份证号",
            Problem::DuplicateRegistration => "核实户籍地与居住地，保留一条记录，删除重复登记",
            Problem::EnrolledNotInCensus => "核实该生家庭情况，补录入大清查表",
            Problem::EnrollmentConflict => {
                "两校核对该生实际就读情况，在学籍系统中补办转出/转入或更正学籍状态，保留一条有效学籍"
            }
            Problem::MatchReview => "核对该儿童是否即为所列学籍学生；是则更正信息，否则按失学情况核实",
            Problem::SuspensionOverdue => {
                "入户核实休学原因和现状：可复学的办理复学；确因病不能复学的依法办理缓学；已失学的按“一人一案”劝返"
            }
            Problem::DeathUnverified => {
                "取得死亡证明或户籍注销证明；学籍中仍在籍的，由学校办理死亡异动；查无实据的按失学情况核实"
            }
            Problem::CompletionUnknown => {
                "入户核实是否已完成义务教育（初中毕业证或学籍记录）；已完成的注明，未完成的按辍学劝返或记录去向"
            }
        }
    }

    /// A code listed after all others in a village (poverty households first only within
    /// it): evidence too thin for a main rule.
    pub fn low_priority(self) -> bool {
        matches!(self, Problem::CompletionUnknown)
    }

    pub fn from_key(key: &str) -> Option<Problem> {
        Problem::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn from_label(label: &str) -> Option<Problem> {
        let l = crate::normalize::compact(label);
        Problem::ALL.into_iter().find(|p| p.label() == l || p.sheet_name() == l || p.key() == l)
    }
}
