//! Label tables: sex, yes/no, 学籍 status, census 就学状态 (what a household claims),
//! 在校生状况 of the poverty register, 缓学/免学, and the 核实结果 outcomes towns return.
//!
//! Each table maps the texts seen in real files to one canonical value. A pipeline's
//! `[values.<table>]` section adds texts: `"正常" = "在读"` maps a new text onto an existing
//! canonical label. Lookups first try the exact (compacted) text, then the built-in
//! keyword rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::compact;
use super::id_number::Sex;

/// `[values]` in a pipeline file: extra text → canonical label, per table.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ValueConfig {
    #[serde(default)]
    pub sex: BTreeMap<String, String>,
    #[serde(default)]
    pub yes_no: BTreeMap<String, String>,
    #[serde(default)]
    pub status: BTreeMap<String, String>,
    #[serde(default)]
    pub school_status: BTreeMap<String, String>,
    #[serde(default)]
    pub outcome: BTreeMap<String, String>,
}

impl ValueConfig {
    /// Checks that every extension maps onto a known canonical label.
    pub fn validate(&self) -> Result<(), String> {
        let mut bad = Vec::new();
        let check = |table: &str, map: &BTreeMap<String, String>, ok: &dyn Fn(&str) -> bool, bad: &mut Vec<String>| {
            for (k, v) in map {
                if !ok(v) {
                    bad.push(format!("[values.{table}] \"{k}\" = \"{v}\"：\"{v}\" 不是已知取值"));
                }
            }
        };
        check("sex", &self.sex, &|v| sex_builtin(v).is_some(), &mut bad);
        check("yes_no", &self.yes_no, &|v| yes_no_builtin(v).is_some(), &mut bad);
        check("status", &self.status, &|v| Status::from_label(v).is_some(), &mut bad);
        check("school_status", &self.school_status, &|v| SchoolClaim::from_label(v).is_some(), &mut bad);
        check("outcome", &self.outcome, &|v| Outcome::from_label(v).is_some(), &mut bad);
        if bad.is_empty() {
            Ok(())
        } else {
            Err(bad.join("；"))
        }
    }

    fn mapped<'a>(map: &'a BTreeMap<String, String>, raw: &str) -> Option<&'a str> {
        if map.is_empty() {
            return None;
        }
        let key = compact(raw);
        map.iter().find(|(k, _)| compact(k) == key).map(|(_, v)| v.as_str())
    }

    pub fn sex(&self, raw: &str) -> Option<Sex> {
        Self::mapped(&self.sex, raw).and_then(sex_builtin).or_else(|| sex_builtin(raw))
    }

    pub fn yes_no(&self, raw: &str) -> Option<bool> {
        Self::mapped(&self.yes_no, raw).and_then(yes_no_builtin).or_else(|| yes_no_builtin(raw))
    }

    pub fn status(&self, raw: &str) -> Option<Status> {
        Self::mapped(&self.status, raw).and_then(Status::from_label).or_else(|| Status::parse(raw))
    }

    pub fn school_claim(&self, raw: &str) -> Option<SchoolClaim> {
        Self::mapped(&self.school_status, raw).and_then(SchoolClaim::from_label).or_else(|| SchoolClaim::parse(raw))
    }

    pub fn outcome(&self, raw: &str) -> Option<Outcome> {
        Self::mapped(&self.outcome, raw).and_then(Outcome::from_label).or_else(|| Outcome::parse(raw))
    }
}

fn sex_builtin(raw: &str) -> Option<Sex> {
    match compact(raw).to_uppercase().as_str() {
        "男" | "男性" | "M" | "MALE" | "1" | "男孩" => Some(Sex::Male),
        "女" | "女性" | "F" | "FEMALE" | "2" | "女孩" => Some(Sex::Female),
        _ => None,
    }
}

fn yes_no_builtin(raw: &str) -> Option<bool> {
    match compact(raw).to_uppercase().as_str() {
        "是" | "√" | "✓" | "✔" | "1" | "Y" | "YES" | "TRUE" | "有" | "已建卡" | "建卡" | "是否" => {
            Some(true)
        }
        "否" | "×" | "✗" | "X" | "0" | "N" | "NO" | "FALSE" | "无" | "未建卡" | "非" => Some(false),
        _ => None,
    }
}

/// A 学籍 status or status change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 在读 / 在籍 / 在校 / 正常.
    Enrolled,
    /// 转入.
    TransferIn,
    /// 复学.
    Resumed,
    /// 休学: still holds a 学籍, counts as active.
    Suspended,
    /// 借读 (studying at another school on a visiting basis).
    Visiting,
    /// 转出.
    TransferOut,
    /// 毕业.
    Graduated,
    /// 结业 (left with a certificate of attendance, not a diploma).
    Completed,
    /// 辍学.
    Dropout,
    /// 退学.
    Withdrawn,
    /// 其他离校 (and a plain 离校 below grade 9).
    OtherLeave,
    /// 肄业: left without completing the stage — a non-completion, like 辍学.
    Incomplete,
    /// 死亡.
    Dead,
    /// 失踪.
    Missing,
    /// 出国.
    Abroad,
}

impl Status {
    /// 在读, 在籍, 休学 (and the changes that return a student to them) count as active.
    pub fn is_active(self) -> bool {
        matches!(self, Status::Enrolled | Status::TransferIn | Status::Resumed | Status::Suspended | Status::Visiting)
    }

    /// 辍学 / 退学 / 其他离校 / 肄业: the leavings the 大清理 looks for.
    pub fn is_dropout(self) -> bool {
        matches!(self, Status::Dropout | Status::Withdrawn | Status::OtherLeave | Status::Incomplete)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Enrolled => "在读",
            Status::TransferIn => "转入",
            Status::Resumed => "复学",
            Status::Suspended => "休学",
            Status::Visiting => "借读",
            Status::TransferOut => "转出",
            Status::Graduated => "毕业",
            Status::Completed => "结业",
            Status::Dropout => "辍学",
            Status::Withdrawn => "退学",
            Status::OtherLeave => "其他离校",
            Status::Incomplete => "肄业",
            Status::Dead => "死亡",
            Status::Missing => "失踪",
            Status::Abroad => "出国",
        }
    }

    const ALL: [Status; 15] = [
        Status::Enrolled,
        Status::TransferIn,
        Status::Resumed,
        Status::Suspended,
        Status::Visiting,
        Status::TransferOut,
        Status::Graduated,
        Status::Completed,
        Status::Dropout,
        Status::Withdrawn,
        Status::OtherLeave,
        Status::Incomplete,
        Status::Dead,
        Status::Missing,
        Status::Abroad,
    ];

    pub fn from_label(label: &str) -> Option<Status> {
        let label = compact(label);
        Status::ALL.into_iter().find(|s| s.label() == label)
    }

    /// Built-in reading of a status text, including codes' labels with decorations
    /// (`01在读`, `转出(县外)`, `借读（入）`). `毕业离校` is a 毕业; a plain `离校` is
    /// 其他离校 here, and a graduation at grade 9 or above ([`Status::at_grade`]).
    /// `None` for a word none of the rules knows: the caller decides what that means.
    pub fn parse(raw: &str) -> Option<Status> {
        let s = compact(raw);
        if s.is_empty() {
            return None;
        }
        if let Some(st) = Status::from_label(&s) {
            return Some(st);
        }
        const RULES: &[(&str, Status)] = &[
            ("死亡", Status::Dead),
            ("辍学", Status::Dropout),
            ("退学", Status::Withdrawn),
            ("肄业", Status::Incomplete),
            ("毕业离校", Status::Graduated),
            ("其他离校", Status::OtherLeave),
            ("离校", Status::OtherLeave),
            ("失踪", Status::Missing),
            ("出国", Status::Abroad),
            ("出境", Status::Abroad),
            ("休学", Status::Suspended),
            ("复学", Status::Resumed),
            ("转入", Status::TransferIn),
            ("转出", Status::TransferOut),
            ("借读", Status::Visiting),
            ("毕业", Status::Graduated),
            ("结业", Status::Completed),
            ("在籍", Status::Enrolled),
            ("在读", Status::Enrolled),
            ("在校", Status::Enrolled),
            ("正常", Status::Enrolled),
            ("注册", Status::Enrolled),
        ];
        RULES.iter().find(|(k, _)| s.contains(k)).map(|(_, st)| *st)
    }

    /// The status a row records, given its grade: a plain `离校` (not 其他离校) at grade 9 or
    /// above is the end of junior school, a graduation, not a dropout.
    pub fn at_grade(self, text: &str, grade: Option<u8>) -> Status {
        if self == Status::OtherLeave && !text.contains("其他") && grade.is_some_and(|g| g >= 9) {
            Status::Graduated
        } else {
            self
        }
    }
}

/// What a census 就学状态 cell claims about a child. Self-reported and unverified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolClaim {
    /// 在校 / 在读 (in the district).
    InSchool,
    /// 县外 / 市外 / 省外就读.
    OutOfArea,
    Dropout,
    /// 未入学.
    NotEnrolled,
    /// 送教上门.
    HomeTeaching,
    /// 缓学.
    Deferred,
    /// 免学.
    Exempt,
    Graduated,
    Dead,
    /// 学前 / 幼儿园 / 待入学.
    Preschool,
    /// 出国.
    Abroad,
}

impl SchoolClaim {
    pub fn label(self) -> &'static str {
        match self {
            SchoolClaim::InSchool => "在校",
            SchoolClaim::OutOfArea => "县外就读",
            SchoolClaim::Dropout => "辍学",
            SchoolClaim::NotEnrolled => "未入学",
            SchoolClaim::HomeTeaching => "送教上门",
            SchoolClaim::Deferred => "缓学",
            SchoolClaim::Exempt => "免学",
            SchoolClaim::Graduated => "毕业",
            SchoolClaim::Dead => "死亡",
            SchoolClaim::Preschool => "学前",
            SchoolClaim::Abroad => "出国",
        }
    }

    const ALL: [SchoolClaim; 11] = [
        SchoolClaim::InSchool,
        SchoolClaim::OutOfArea,
        SchoolClaim::Dropout,
        SchoolClaim::NotEnrolled,
        SchoolClaim::HomeTeaching,
        SchoolClaim::Deferred,
        SchoolClaim::Exempt,
        SchoolClaim::Graduated,
        SchoolClaim::Dead,
        SchoolClaim::Preschool,
        SchoolClaim::Abroad,
    ];

    pub fn from_label(label: &str) -> Option<SchoolClaim> {
        let label = compact(label);
        SchoolClaim::ALL.into_iter().find(|s| s.label() == label)
    }

    /// Built-in keyword reading (`县外就读（永川区XX中学）`, `省外就读`, `在校` …).
    pub fn parse(raw: &str) -> Option<SchoolClaim> {
        let s = compact(raw);
        if s.is_empty() {
            return None;
        }
        const RULES: &[(&str, SchoolClaim)] = &[
            ("死亡", SchoolClaim::Dead),
            ("送教", SchoolClaim::HomeTeaching),
            ("缓学", SchoolClaim::Deferred),
            ("免学", SchoolClaim::Exempt),
            ("辍学", SchoolClaim::Dropout),
            ("失学", SchoolClaim::Dropout),
            ("未入学", SchoolClaim::NotEnrolled),
            ("未就学", SchoolClaim::NotEnrolled),
            ("县外", SchoolClaim::OutOfArea),
            ("区外", SchoolClaim::OutOfArea),
            ("市外", SchoolClaim::OutOfArea),
            ("省外", SchoolClaim::OutOfArea),
            ("外地", SchoolClaim::OutOfArea),
            ("异地", SchoolClaim::OutOfArea),
            ("出国", SchoolClaim::Abroad),
            ("毕业", SchoolClaim::Graduated),
            ("学前", SchoolClaim::Preschool),
            ("幼儿园", SchoolClaim::Preschool),
            ("待入学", SchoolClaim::Preschool),
            ("在校", SchoolClaim::InSchool),
            ("在读", SchoolClaim::InSchool),
            ("就读", SchoolClaim::InSchool),
            ("上学", SchoolClaim::InSchool),
        ];
        SchoolClaim::from_label(&s).or_else(|| RULES.iter().find(|(k, _)| s.contains(k)).map(|(_, c)| *c))
    }
}

/// 在校生状况 of the poverty register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PovertySchooling {
    /// 学前教育 / 学龄前儿童.
    Preschool,
    /// 小学 / 初中 (义务教育阶段在校).
    Compulsory,
    /// 高中 / 中职 / 大专 / 本科 and above.
    Beyond,
    /// 非在校生.
    NotInSchool,
}

impl PovertySchooling {
    pub fn parse(raw: &str) -> Option<PovertySchooling> {
        let s = compact(raw);
        if s.is_empty() {
            return None;
        }
        if s.contains("非在校") || s.contains("不在校") || s.contains("未上学") {
            Some(PovertySchooling::NotInSchool)
        } else if s.contains("学前") || s.contains("学龄前") || s.contains("幼儿") {
            Some(PovertySchooling::Preschool)
        } else if s.contains("小学") || s.contains("初中") || s.contains("义务") || s.contains("特殊教育") {
            Some(PovertySchooling::Compulsory)
        } else if ["高中", "中职", "中专", "技校", "职高", "大专", "高职", "本科", "研究生", "大学"]
            .iter()
            .any(|k| s.contains(k))
        {
            Some(PovertySchooling::Beyond)
        } else {
            None
        }
    }
}

/// 文化程度 of the poverty register, as far as compulsory education goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Education {
    /// 初中 or above (高中, 中专/中职, 大专, 本科, …): compulsory education completed.
    Completed,
    /// Below 初中 (文盲或半文盲, 小学, 学龄前), or 初中 not finished (初中肄业, 初中在读).
    Below,
}

impl Education {
    /// None for a blank or unknown text.
    pub fn parse(raw: &str) -> Option<Education> {
        let s = compact(raw);
        if s.is_empty() {
            return None;
        }
        let unfinished = ["肄业", "在读", "未毕业", "辍学"].iter().any(|k| s.contains(k));
        let above = ["高中", "中专", "中职", "职高", "技校", "大专", "高职", "本科", "大学", "研究生", "硕士", "博士"];
        if above.iter().any(|k| s.contains(k)) && !unfinished {
            Some(Education::Completed)
        } else if s.contains("初中") || s.contains("初级中学") {
            Some(if unfinished { Education::Below } else { Education::Completed })
        } else if ["文盲", "小学", "学龄前", "学前", "幼儿"].iter().any(|k| s.contains(k)) || unfinished {
            Some(Education::Below)
        } else {
            None
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Education::Completed => "初中及以上",
            Education::Below => "初中以下",
        }
    }
}

/// 缓学 or 免学.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExemptionKind {
    Deferral,
    Exemption,
}

impl ExemptionKind {
    pub fn parse(raw: &str) -> Option<ExemptionKind> {
        let s = compact(raw);
        if s.contains("免") {
            Some(ExemptionKind::Exemption)
        } else if s.contains("缓") {
            Some(ExemptionKind::Deferral)
        } else {
            None
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExemptionKind::Deferral => "缓学",
            ExemptionKind::Exemption => "免学",
        }
    }
}

/// What a town answers after checking a case (核实结果), from real county reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Dead,
    /// 空挂户: registered here, never lived here.
    NominalHousehold,
    /// 双重户籍.
    DoubleRegistration,
    /// 身份证号或姓名错误 (a correction in 核实说明 is applied next run).
    IdOrNameWrong,
    /// 查无此人.
    NoSuchPerson,
    /// 已在校就读并注册学籍 (settles only with a school named).
    InSchoolRegistered,
    /// 省内就读无学籍.
    InProvinceNoRecord,
    /// 省外就读无学籍.
    OutOfProvinceNoRecord,
    /// 已超出义务教育年龄离校.
    OverAge,
    /// 出国在外.
    Abroad,
    /// 因病因残无法正常入学、送教.
    IllnessDisability,
    /// 随父母外出无法联系.
    Unreachable,
    /// 已劝返复学.
    Returned,
    /// 已办理缓学/免学.
    ExemptionGranted,
    Other,
}

impl Outcome {
    pub const ALL: [Outcome; 15] = [
        Outcome::InSchoolRegistered,
        Outcome::Returned,
        Outcome::ExemptionGranted,
        Outcome::InProvinceNoRecord,
        Outcome::OutOfProvinceNoRecord,
        Outcome::OverAge,
        Outcome::Abroad,
        Outcome::IllnessDisability,
        Outcome::Unreachable,
        Outcome::Dead,
        Outcome::NominalHousehold,
        Outcome::DoubleRegistration,
        Outcome::IdOrNameWrong,
        Outcome::NoSuchPerson,
        Outcome::Other,
    ];

    /// The label as it appears in the ledger's drop-down.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Dead => "死亡",
            Outcome::NominalHousehold => "空挂户",
            Outcome::DoubleRegistration => "双重户籍",
            Outcome::IdOrNameWrong => "身份证号或姓名错误",
            Outcome::NoSuchPerson => "查无此人",
            Outcome::InSchoolRegistered => "已在校就读并注册学籍",
            Outcome::InProvinceNoRecord => "省内就读无学籍",
            Outcome::OutOfProvinceNoRecord => "省外就读无学籍",
            Outcome::OverAge => "已超出义务教育年龄离校",
            Outcome::Abroad => "出国在外",
            Outcome::IllnessDisability => "因病因残无法正常入学、送教",
            Outcome::Unreachable => "随父母外出无法联系",
            Outcome::Returned => "已劝返复学",
            Outcome::ExemptionGranted => "已办理缓学/免学",
            Outcome::Other => "其他",
        }
    }

    /// Whether the outcome, by itself, settles (closes) a case. 已在校就读并注册学籍 also
    /// needs a school named in 核实说明; 身份证号或姓名错误 is applied as a correction instead.
    pub fn settles(self) -> bool {
        matches!(
            self,
            Outcome::Dead
                | Outcome::NominalHousehold
                | Outcome::DoubleRegistration
                | Outcome::NoSuchPerson
                | Outcome::InSchoolRegistered
                | Outcome::OverAge
                | Outcome::Abroad
                | Outcome::Returned
                | Outcome::ExemptionGranted
        )
    }

    pub fn from_label(label: &str) -> Option<Outcome> {
        let label = compact(label);
        Outcome::ALL.into_iter().find(|o| compact(o.label()) == label)
    }

    /// Reads a returned 核实结果 cell, tolerating 户籍原因 prefixes and small variations.
    pub fn parse(raw: &str) -> Option<Outcome> {
        let s = compact(raw);
        if s.is_empty() {
            return None;
        }
        if let Some(o) = Outcome::from_label(&s) {
            return Some(o);
        }
        const RULES: &[(&str, Outcome)] = &[
            ("死亡", Outcome::Dead),
            ("空挂", Outcome::NominalHousehold),
            ("双重户籍", Outcome::DoubleRegistration),
            ("重复", Outcome::DoubleRegistration),
            ("错误", Outcome::IdOrNameWrong),
            ("查无此人", Outcome::NoSuchPerson),
            ("省内就读", Outcome::InProvinceNoRecord),
            ("省外就读", Outcome::OutOfProvinceNoRecord),
            ("注册学籍", Outcome::InSchoolRegistered),
            ("在校就读", Outcome::InSchoolRegistered),
            ("超出义务教育", Outcome::OverAge),
            ("超龄", Outcome::OverAge),
            ("出国", Outcome::Abroad),
            ("因病", Outcome::IllnessDisability),
            ("因残", Outcome::IllnessDisability),
            ("无法联系", Outcome::Unreachable),
            ("劝返", Outcome::Returned),
            ("复学", Outcome::Returned),
            ("缓学", Outcome::ExemptionGranted),
            ("免学", Outcome::ExemptionGranted),
            ("其他", Outcome::Other),
        ];
        RULES.iter().find(|(k, _)| s.contains(k)).map(|(_, o)| *o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_and_extended_tables() {
        let mut cfg = ValueConfig::default();
        assert_eq!(cfg.status("在籍"), Some(Status::Enrolled));
        assert!(cfg.status("休学").unwrap().is_active());
        assert_eq!(cfg.status("转出(县外)"), Some(Status::TransferOut));
        assert_eq!(cfg.status("毕业离校"), Some(Status::Graduated));
        assert_eq!(cfg.status("肄业"), Some(Status::Incomplete));
        assert!(Status::Incomplete.is_dropout());
        assert_eq!(cfg.status("离校"), Some(Status::OtherLeave));
        assert_eq!(Status::OtherLeave.at_grade("离校", Some(9)), Status::Graduated);
        assert_eq!(Status::OtherLeave.at_grade("离校", Some(8)), Status::OtherLeave);
        assert_eq!(Status::OtherLeave.at_grade("其他离校", Some(9)), Status::OtherLeave);
        assert_eq!(cfg.status("学籍冻结"), None);
        assert_eq!(cfg.school_claim("县外就读（永川区XX中学）"), Some(SchoolClaim::OutOfArea));
        assert_eq!(cfg.yes_no("√"), Some(true));
        assert_eq!(cfg.yes_no("×"), Some(false));
        assert_eq!(cfg.status("学籍保留"), None);
        cfg.status.insert("学籍保留".into(), "休学".into());
        assert_eq!(cfg.status("学籍保留"), Some(Status::Suspended));
        cfg.status.insert("x".into(), "不存在".into());
        assert!(cfg.validate().is_err());
    }

    #[test]
    fn outcomes() {
        assert_eq!(Outcome::parse("户籍原因：死亡"), Some(Outcome::Dead));
        assert_eq!(Outcome::parse("已劝返复学"), Some(Outcome::Returned));
        assert!(!Outcome::parse("省外就读无学籍").unwrap().settles());
    }
}

/// School grade as a level: 1..=6 小学, 7..=9 初中, 10..=12 高中. Reads 一年级, 1年级, 七年级,
/// 初一, 初三, 高二, 九年级(3)班 and similar.
pub fn grade_level(raw: &str) -> Option<u8> {
    let s = compact(raw);
    if s.is_empty() {
        return None;
    }
    let num = |t: &str| -> Option<u8> {
        let t = t.trim_end_matches("年级").trim_end_matches('级');
        let head: String =
            t.chars().take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c)).collect();
        super::address::parse_number(&head).and_then(|n| u8::try_from(n).ok())
    };
    if let Some(rest) = s.strip_prefix("初中").or_else(|| s.strip_prefix('初')) {
        return num(rest).filter(|n| (1..=3).contains(n)).map(|n| n + 6);
    }
    if let Some(rest) = s.strip_prefix("高中").or_else(|| s.strip_prefix('高')) {
        return num(rest).filter(|n| (1..=3).contains(n)).map(|n| n + 9);
    }
    let rest = s.strip_prefix("小学").unwrap_or(&s);
    num(rest).filter(|n| (1..=12).contains(n))
}

/// 残疾类别 1 视力 2 听力 3 言语 4 肢体 5 智力 6 精神 7 多重 (8 其他); from a digit or a name.
pub fn disability_category(raw: &str) -> Option<u8> {
    let s = compact(raw);
    const NAMES: [&str; 8] = ["视力", "听力", "言语", "肢体", "智力", "精神", "多重", "其他"];
    if let Ok(n) = s.parse::<u8>() {
        return (1..=8).contains(&n).then_some(n);
    }
    NAMES.iter().position(|n| s.contains(n)).map(|p| p as u8 + 1)
}

/// Chinese name of a disability category.
pub fn disability_category_label(cat: u8) -> &'static str {
    match cat {
        1 => "视力残疾",
        2 => "听力残疾",
        3 => "言语残疾",
        4 => "肢体残疾",
        5 => "智力残疾",
        6 => "精神残疾",
        7 => "多重残疾",
        _ => "其他残疾",
    }
}

/// 残疾等级 1..=4 from `1`, `一级`, `1级`, `四级`.
pub fn disability_grade(raw: &str) -> Option<u8> {
    let s = compact(raw);
    let s = s.trim_start_matches('第').trim_end_matches('级').trim_end_matches("等");
    super::address::parse_number(s).and_then(|n| u8::try_from(n).ok()).filter(|n| (1..=4).contains(n))
}

#[cfg(test)]
mod grade_tests {
    use super::*;

    #[test]
    fn grades_and_disability() {
        assert_eq!(grade_level("一年级"), Some(1));
        assert_eq!(grade_level("初三"), Some(9));
        assert_eq!(grade_level("九年级"), Some(9));
        assert_eq!(grade_level("7年级"), Some(7));
        assert_eq!(grade_level("高一"), Some(10));
        assert_eq!(disability_category("智力残疾"), Some(5));
        assert_eq!(disability_category("4"), Some(4));
        assert_eq!(disability_grade("二级"), Some(2));
    }
}
