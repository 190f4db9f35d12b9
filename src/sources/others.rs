//! The smaller sources: the 建档立卡 poverty register, the disability list, the 送教上门
//! roster, approved 缓学/免学, the 包片包校 responsibility roster, and returned ledgers.

use crate::text::Text;
use chrono::NaiveDate;

use super::row::Columns;
use super::Rejects;
use crate::normalize::address::{self, Address};
use crate::normalize::id_number::{IdNumber, IdStatus, Sex};
use crate::normalize::values::{self, Education, ExemptionKind, Outcome, PovertySchooling, ValueConfig};
use crate::table::{Prov, RawTable};

/// A person on the 建档立卡 list.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PovertyRec {
    pub prov: Prov,
    /// 区县: the district column, else the source's declaration ([`crate::sources::district`]).
    pub district: Text,
    pub town: Text,
    pub village: Text,
    pub group_text: Text,
    pub household_no: Text,
    pub name: Text,
    pub sex: Option<Sex>,
    pub id: IdNumber,
    #[serde(with = "crate::normalize::date::as_day")]
    pub birth: Option<NaiveDate>,
    pub relation: Text,
    pub schooling: Option<PovertySchooling>,
    pub schooling_text: Text,
    /// 文化程度 as parsed (None when blank or not understood).
    pub education: Option<Education>,
    pub health: Text,
    pub out_reason: Text,
}

/// A person on the disability federation list.
#[derive(Clone, Debug)]
pub struct DisabilityRec {
    pub prov: Prov,
    /// 区县: the district column, else the source's declaration ([`crate::sources::district`]).
    pub district: Text,
    pub town: Text,
    pub village: Text,
    pub name: Text,
    pub sex: Option<Sex>,
    pub id: IdNumber,
    pub birth: Option<NaiveDate>,
    pub category: Option<u8>,
    pub grade: Option<u8>,
    pub address: Address,
}

/// One row of the 送教上门 roster: a child, and a visit when a date is given.
#[derive(Clone, Debug)]
pub struct VisitRec {
    pub prov: Prov,
    /// 区县: the district column, else the source's declaration ([`crate::sources::district`]).
    pub district: Text,
    pub school: Text,
    pub name: Text,
    pub sex: Option<Sex>,
    pub id: IdNumber,
    pub birth: Option<NaiveDate>,
    pub student_no: Text,
    pub town: Text,
    pub village: Text,
    pub date: Option<NaiveDate>,
    pub hours: Option<f64>,
    pub teacher: Text,
}

/// An approved 缓学 or 免学.
#[derive(Clone, Debug)]
pub struct ExemptionRec {
    pub prov: Prov,
    /// 区县: the district column, else the source's declaration ([`crate::sources::district`]).
    pub district: Text,
    pub town: Text,
    pub village: Text,
    pub name: Text,
    pub sex: Option<Sex>,
    pub id: IdNumber,
    pub birth: Option<NaiveDate>,
    pub kind: Option<ExemptionKind>,
    pub approved: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    /// 有效期至 as written; `None` when the list gives none (see [`ExemptionRec::end`]).
    pub valid_until: Option<NaiveDate>,
    pub reason: Text,
}

impl ExemptionRec {
    /// The last day in force. Without 有效期至: a 缓学 (or an approval of unknown kind) lasts
    /// `deferral_term_days` from 批准日期 (else from 起始日期); a 免学 is open-ended (`None`).
    pub fn end(&self, deferral_term_days: u32) -> Option<NaiveDate> {
        if let Some(until) = self.valid_until {
            return Some(until);
        }
        if self.kind == Some(ExemptionKind::Exemption) {
            return None;
        }
        let start = self.approved.or(self.valid_from)?;
        Some(start + chrono::Days::new(u64::from(deferral_term_days)))
    }

    /// The list gave no 有效期至: the term is assumed.
    pub fn until_assumed(&self) -> bool {
        self.valid_until.is_none()
    }

    /// In force on `day`.
    pub fn valid_on(&self, day: NaiveDate, deferral_term_days: u32) -> bool {
        self.end(deferral_term_days).is_none_or(|u| u >= day) && self.valid_from.is_none_or(|f| f <= day)
    }

    /// `（名单未填有效期至，按批准日期起365天推定）` when the term was assumed, else "".
    pub fn assumed_note(&self, deferral_term_days: u32) -> String {
        if !self.until_assumed() {
            String::new()
        } else if self.kind == Some(ExemptionKind::Exemption) {
            "（名单未填有效期至，免学按长期有效计）".to_string()
        } else {
            let from = if self.approved.is_some() { "批准日期" } else { "起始日期" };
            format!("（名单未填有效期至，按{from}起{deferral_term_days}天推定）")
        }
    }
}

/// Who is responsible for one school (attachment 4).
#[derive(Clone, Debug)]
pub struct RosterRec {
    pub prov: Prov,
    /// 学区 or 直属学校.
    pub unit: Text,
    pub school: Text,
    pub leader: Text,
    pub area_person: Text,
    pub area_phone: Text,
    pub school_person: Text,
    pub school_phone: Text,
}

/// One returned ledger row.
#[derive(Clone, Debug)]
pub struct VerificationRec {
    pub prov: Prov,
    pub case_id: Text,
    pub id: IdNumber,
    pub id_text: Text,
    pub name: Text,
    /// 区县 of the row: a 区县 column, else the source's declaration (empty in a run of one
    /// district).
    pub district: Text,
    pub town: Text,
    pub village: Text,
    pub problem_label: Text,
    pub outcome: Option<Outcome>,
    pub outcome_text: Text,
    pub outcome_note: Text,
    pub rectification: Text,
    pub note: Text,
    /// 反馈次数 as printed on the ledger the row was filled in on (blank = 0); `None` when
    /// the sheet has no such column (an 已销号 sheet, or a town deleted it).
    pub times_returned: Option<u32>,
}

impl VerificationRec {
    /// Whether the town wrote anything in the verification columns.
    pub fn filled(&self) -> bool {
        !(self.outcome_text.is_empty() && self.outcome_note.is_empty() && self.rectification.is_empty())
    }
}

/// Why a row was not used: the column at fault (if one) and the reason.
type RowReject = (Option<&'static str>, &'static str);

/// Builds one record per row that names a person (a name or an ID); a row naming nobody is
/// rejected with `nobody`, and `build` may reject a row for a reason of its own.
fn person_rows<T>(
    table: &RawTable,
    as_of: NaiveDate,
    inputs: &mut Rejects,
    nobody: &'static str,
    id_of: impl Fn(&super::row::Row) -> IdNumber,
    mut build: impl FnMut(&super::row::Row, IdNumber, Text) -> Result<T, RowReject>,
) -> Vec<T> {
    let cols = Columns::new(table, as_of);
    let mut out = Vec::with_capacity(table.rows.len());
    for raw in &table.rows {
        let r = cols.row(raw);
        let id = id_of(&r);
        let name = r.name("name");
        if name.is_empty() && id.status == IdStatus::Missing {
            inputs.reject(r.prov(), None, nobody);
            continue;
        }
        match build(&r, id, name) {
            Ok(rec) => out.push(rec),
            Err((column, reason)) => inputs.reject(r.prov(), column, reason),
        }
    }
    out
}

fn id_column(r: &super::row::Row) -> IdNumber {
    r.id("id_number")
}

fn birth_of(id: &IdNumber, fallback: Option<NaiveDate>) -> Option<NaiveDate> {
    id.valid().and(id.birth()).or(fallback).or_else(|| id.birth())
}

pub fn extract_poverty(
    table: &RawTable,
    inputs: &mut Rejects,
    values: &ValueConfig,
    as_of: NaiveDate,
) -> Vec<PovertyRec> {
    person_rows(table, as_of, inputs, "姓名和证件号码均为空 (no name and no ID)", id_column, |r, id, name| {
        let schooling_text = r.text("school_status");
        Ok(PovertyRec {
            prov: r.prov(),
            district: r.district("county"),
            town: r.town("town"),
            village: r.village("village"),
            group_text: r.text("group"),
            household_no: r.text("household_no"),
            sex: r.sex("sex", values).or_else(|| id.sex()),
            birth: birth_of(&id, None),
            relation: r.text("relation"),
            schooling: PovertySchooling::parse(&schooling_text),
            schooling_text,
            education: Education::parse(&r.text("education")),
            health: r.text("health"),
            out_reason: r.text("out_reason"),
            name,
            id,
        })
    })
}

pub fn extract_disability(
    table: &RawTable,
    inputs: &mut Rejects,
    values: &ValueConfig,
    as_of: NaiveDate,
) -> Vec<DisabilityRec> {
    // The list may carry only the 残疾人证号, whose first 18 characters are the ID.
    // A mistyped ID is kept (it is evidence, and the repaired-ID tier can still place it):
    // the valid one of the two, else whichever was given, the ID column first.
    let id_of = |r: &super::row::Row| {
        let id = r.id("id_number");
        let cert = r.id("cert_no");
        if id.is_valid() || (!cert.is_valid() && id.status != IdStatus::Missing) {
            id
        } else {
            cert
        }
    };
    person_rows(table, as_of, inputs, "姓名和身份证号均为空 (no name and no ID)", id_of, |r, id, name| {
        // The certificate number's last two digits carry category and grade.
        let cert_text = r.compact("cert_no");
        let cert_digit = |pos: usize| cert_text.as_bytes().get(pos).filter(|b| b.is_ascii_digit()).map(|b| b - b'0');
        Ok(DisabilityRec {
            prov: r.prov(),
            district: r.district("district"),
            town: r.town("town"),
            village: r.village("village"),
            sex: r.sex("sex", values).or_else(|| id.sex()),
            birth: birth_of(&id, None),
            category: values::disability_category(&r.text("category")).or_else(|| cert_digit(18)),
            grade: values::disability_grade(&r.text("grade")).or_else(|| cert_digit(19)),
            address: r.address("address"),
            name,
            id,
        })
    })
}

pub fn extract_visits(table: &RawTable, inputs: &mut Rejects, values: &ValueConfig, as_of: NaiveDate) -> Vec<VisitRec> {
    person_rows(
        table,
        as_of,
        inputs,
        "学生姓名和身份证号均为空 (no name and no ID)",
        id_column,
        |r, id, name| {
            let date = r.date("visit_date");
            if date.is_none() && !r.text("visit_date").is_empty() {
                return Err((Some("送教日期"), "送教日期无法识别为日期 (visit date is not a date)"));
            }
            Ok(VisitRec {
                prov: r.prov(),
                school: r.text("school"),
                sex: r.sex("sex", values).or_else(|| id.sex()),
                birth: birth_of(&id, None),
                student_no: r.compact("student_no").to_uppercase(),
                district: r.district("district"),
                town: r.town("town"),
                village: r.village("village"),
                date,
                hours: r.number("hours"),
                teacher: r.name("teacher"),
                name,
                id,
            })
        },
    )
}

pub fn extract_exemptions(
    table: &RawTable,
    inputs: &mut Rejects,
    values: &ValueConfig,
    as_of: NaiveDate,
) -> Vec<ExemptionRec> {
    person_rows(table, as_of, inputs, "姓名和身份证号均为空 (no name and no ID)", id_column, |r, id, name| {
        // No 有效期至 (no column, or a blank cell): the term is assumed from the kind and the
        // 批准日期 (ExemptionRec::end); a 缓学 with no date at all cannot be judged.
        let valid_until = r.date("valid_until");
        if valid_until.is_none() && !r.text("valid_until").is_empty() {
            return Err((Some("有效期至"), "有效期至不是日期，无法判断是否有效 (valid-until is not a date)"));
        }
        let kind = ExemptionKind::parse(&r.text("kind"));
        let (approved, valid_from) = (r.date("approved"), r.date("valid_from"));
        if valid_until.is_none() && kind != Some(ExemptionKind::Exemption) && approved.is_none() && valid_from.is_none()
        {
            return Err((
                Some("有效期至"),
                "缓学未填有效期至，也无批准日期或起始日期，无法判断是否有效 (no valid-until and no approval date)",
            ));
        }
        Ok(ExemptionRec {
            prov: r.prov(),
            district: r.district("district"),
            town: r.town("town"),
            village: r.village("village"),
            sex: r.sex("sex", values).or_else(|| id.sex()),
            birth: birth_of(&id, None),
            kind,
            approved,
            valid_from,
            valid_until,
            reason: r.text("reason"),
            name,
            id,
        })
    })
}

/// Names in rosters are padded with spaces to two characters' width (`张  三`).
fn person_name(s: &str) -> Text {
    crate::normalize::name::normalize(s).into()
}

pub fn extract_roster(table: &RawTable, inputs: &mut Rejects, as_of: NaiveDate) -> Vec<RosterRec> {
    let cols = Columns::new(table, as_of);
    let mut out = Vec::new();
    for raw in &table.rows {
        let r = cols.row(raw);
        let school = r.compact("school");
        if school.is_empty() {
            inputs.reject(r.prov(), Some("学校名称"), "学校名称为空 (no school name)");
            continue;
        }
        out.push(RosterRec {
            prov: r.prov(),
            unit: r.compact("unit"),
            school,
            leader: person_name(&r.text("leader")),
            area_person: person_name(&r.text("area_person")),
            area_phone: r.compact("area_phone"),
            school_person: person_name(&r.text("school_person")),
            school_phone: r.compact("school_phone"),
        });
    }
    out
}

/// The returned rows, and the rows filled in without a case_id or an ID (rejected: they
/// cannot be matched to a case; the round trip lists them too).
pub fn extract_verification(
    table: &RawTable,
    inputs: &mut Rejects,
    values: &ValueConfig,
    as_of: NaiveDate,
) -> (Vec<VerificationRec>, Vec<Prov>) {
    let cols = Columns::new(table, as_of);
    let mut out = Vec::new();
    let mut unidentified = Vec::new();
    for raw in &table.rows {
        let r = cols.row(raw);
        let outcome_text = r.text("outcome");
        let case_id = r.compact("case_id");
        let id_text = r.text("id_number");
        let filled =
            !(outcome_text.is_empty() && r.text("outcome_note").is_empty() && r.text("rectification").is_empty());
        if filled && case_id.is_empty() && id_text.is_empty() {
            inputs.reject(
                r.prov(),
                None,
                "已填写核实结果，但既无 case_id 也无身份证号，无法对应案件 (no case_id and no ID)",
            );
            unidentified.push(r.prov());
            continue;
        }
        // Rows nobody filled in are kept (and counted as used): they simply change nothing.
        out.push(VerificationRec {
            prov: r.prov(),
            id: r.id("id_number"),
            id_text,
            name: r.name("name"),
            district: r.district("district"),
            town: r.town("town"),
            village: r.village("village"),
            problem_label: r.compact("problem_label"),
            outcome: if outcome_text.is_empty() { None } else { values.outcome(&outcome_text) },
            outcome_text,
            outcome_note: r.text("outcome_note"),
            rectification: r.text("rectification"),
            note: r.text("note"),
            times_returned: r.has("times_returned").then(|| r.number("times_returned").map_or(0, |n| n as u32)),
            case_id,
        });
    }
    (out, unidentified)
}

/// Town and village of a free-text address, falling back to given columns.
pub fn place(addr: &Address, town: &str, village: &str) -> (Text, Text) {
    (
        addr.town.clone().unwrap_or_else(|| town.into()),
        addr.village.as_deref().map(|v| address::canon_village(v).into()).unwrap_or_else(|| village.into()),
    )
}
