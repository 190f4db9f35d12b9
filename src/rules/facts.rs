//! What the linked sources establish about one person, computed once and shared by every
//! rule: cohort, alive, disabled, 学籍 status, exemptions, roster, and the census claim.

use chrono::NaiveDate;

use super::window::{self, Cohort};
use crate::link::people::{People, Person};
use crate::normalize::values::{SchoolClaim, Status};
use crate::plan::Params;
use crate::sources::{Data, EnrollRec, ExemptionRec};

/// The established facts about one person.
#[derive(Clone, Debug)]
pub struct Facts<'a> {
    pub cohort: Cohort,
    /// A census child whose birth date is unknown (no usable ID, no 出生日期): whether it is
    /// of school age cannot be told, so the window rules judge it as if it were (recall
    /// first), saying so.
    pub birth_unknown: bool,
    pub alive: bool,
    /// The census says 死亡 and no 学籍 row does (death_unverified): not alive for the other
    /// rules, but the death is to be checked.
    pub death_unverified: bool,
    /// The current 学籍 status is 休学, dated: the day it began.
    pub suspended_since: Option<NaiveDate>,
    /// `[params] deferral_term_days`: the term of a 缓学 listed without 有效期至.
    pub deferral_term_days: u32,
    pub disabled: bool,
    pub disability_category: Option<u8>,
    pub disability_grade: Option<u8>,
    pub poverty: bool,
    /// The linked student's current record, when there is a linked student.
    pub current: Option<&'a EnrollRec>,
    pub active: bool,
    /// The linked student's rows cannot be reconciled (enrollment_conflict): a data fault
    /// for the schools, not an errand for the town.
    pub conflict: bool,
    /// Why the current record stands (`2019-12-26 由吴家中学转入`), when there is more to say.
    pub why: Option<&'a str>,
    /// The current record is a 转出 with no receiving school.
    pub left_unreceived: bool,
    pub completed_junior: bool,
    /// An exemption in force on as_of.
    pub valid_exemption: Option<&'a ExemptionRec>,
    /// The latest exemption that ended before as_of (when none is in force).
    pub expired_exemption: Option<&'a ExemptionRec>,
    pub on_roster: bool,
    /// The census claim (primary listing first) and its text.
    pub claim: Option<(SchoolClaim, &'a str)>,
}

impl<'a> Facts<'a> {
    pub fn of(person: &'a Person, people: &'a People, data: &'a Data, params: &Params) -> Facts<'a> {
        let student = person.student.as_ref().map(|l| &people.students[l.student]);
        let current = student.map(|s| &data.enrollment[s.current]);
        let status = current.and_then(|r| r.status);
        let ordered_listings =
            person.primary.into_iter().chain(person.listings.iter().copied().filter(|i| Some(*i) != person.primary));
        let claim = ordered_listings
            .clone()
            .find_map(|i| data.census[i].claim.map(|c| (c, data.census[i].claim_text.as_str())));
        let census_dead = person.listings.iter().any(|&i| data.census[i].claim == Some(SchoolClaim::Dead));
        let census_disabled = person.listings.iter().any(|&i| data.census[i].declares_disabled());
        let category = person
            .listings
            .iter()
            .find_map(|&i| data.census[i].disability_category)
            .or_else(|| person.disability.iter().find_map(|&i| data.disability[i].category));
        let grade = person
            .listings
            .iter()
            .find_map(|&i| data.census[i].disability_grade)
            .or_else(|| person.disability.iter().find_map(|&i| data.disability[i].grade));
        let exemptions = person.exemptions.iter().map(|&i| &data.exemptions[i]);
        let term = params.deferral_term_days;
        // An open-ended 免学 outlasts every dated one.
        let end = |e: &&ExemptionRec| e.end(term).unwrap_or(NaiveDate::MAX);
        let valid_exemption = exemptions.clone().filter(|e| e.valid_on(params.as_of, term)).max_by_key(end);
        let expired_exemption =
            if valid_exemption.is_some() { None } else { exemptions.filter(|e| end(e) < params.as_of).max_by_key(end) };
        let recs = &data.enrollment;
        let record_dead = student.is_some_and(|s| s.records.iter().any(|&i| recs[i].status == Some(Status::Dead)));
        // When a 休学 began: the current row's 异动日期, else (an undated current export saying
        // 休学) the latest dated row when that is the 休学 itself.
        let suspended_since = (status == Some(Status::Suspended))
            .then(|| {
                current.and_then(|r| r.status_date).or_else(|| {
                    let s = student?;
                    let last = s.records.iter().rev().map(|&i| &recs[i]).find(|r| r.status_date.is_some())?;
                    (last.status == Some(Status::Suspended)).then_some(last.status_date).flatten()
                })
            })
            .flatten();
        let cohort = window::cohort(person.birth, params);
        Facts {
            cohort,
            birth_unknown: cohort == Cohort::Unknown && person.origin == crate::link::people::Origin::Census,
            alive: !census_dead && status != Some(Status::Dead),
            death_unverified: census_dead && !record_dead,
            suspended_since,
            deferral_term_days: term,
            disabled: census_disabled || !person.disability.is_empty(),
            disability_category: category,
            disability_grade: grade,
            poverty: !person.poverty.is_empty()
                || person.listings.iter().any(|&i| data.census[i].poverty == Some(true)),
            current,
            active: status.is_some_and(Status::is_active),
            conflict: student.is_some_and(|s| s.conflict().is_some()),
            why: student.and_then(|s| s.resolution.why.as_deref()),
            left_unreceived: student.is_some_and(|s| s.resolution.left_unreceived),
            completed_junior: student.is_some_and(|s| s.completed_junior(&data.enrollment)),
            valid_exemption,
            expired_exemption,
            on_roster: !person.visits.is_empty(),
            claim,
        }
    }

    /// The claim, when it is one the rules must ignore without approval (缓学/免学 with no
    /// exemption, 送教上门 with no roster entry): quoted in evidence.
    pub fn unsupported_claim(&self) -> Option<&'a str> {
        match self.claim {
            Some((SchoolClaim::Deferred | SchoolClaim::Exempt, text)) if self.valid_exemption.is_none() => Some(text),
            Some((SchoolClaim::HomeTeaching, text)) if !self.on_roster => Some(text),
            _ => None,
        }
    }

    /// In the window, or a census child of unknown birth date (judged as if in it).
    pub fn judged(&self) -> bool {
        self.cohort == Cohort::InWindow || self.birth_unknown
    }

    /// The evidence of a case raised for a child of unknown birth date, else `None`.
    pub fn birth_note(&self) -> Option<&'static str> {
        self.birth_unknown.then_some(BIRTH_UNKNOWN)
    }

    /// The last day an exemption is in force (`None`: open-ended), and how it was known.
    pub fn exemption_until(&self, e: &ExemptionRec) -> String {
        let until = e.end(self.deferral_term_days).map(fmt_date).unwrap_or_else(|| "长期".to_string());
        format!("{until}{}", e.assumed_note(self.deferral_term_days))
    }

    pub fn claims_out_of_area(&self) -> bool {
        matches!(self.claim, Some((SchoolClaim::OutOfArea, _)))
    }

    /// `学籍：荣昌中学 初二(3)班，状态：辍学（2019-03-01）`, with why the row stands
    /// (`学籍：荣昌中学 初二(3)班，状态：在读（2019-12-26 由吴家中学转入）`); a 转出 with no
    /// receiving school reads `学籍：原在……就读，2019-03-22 转出，未见转入学校`.
    pub fn student_summary(&self) -> Option<String> {
        let r = self.current?;
        if self.left_unreceived {
            return Some(format!("学籍：{}", super::super::sources::state::left_sentence(r)));
        }
        let status = r.status.map(|s| s.label()).unwrap_or("未知");
        let mut notes: Vec<String> = r.status_date.map(fmt_date).into_iter().collect();
        notes.extend(self.why.map(str::to_string));
        let notes = if notes.is_empty() { String::new() } else { format!("（{}）", notes.join("，")) };
        Some(format!("学籍：{}，状态：{status}{notes}", r.placement()))
    }
}

/// Why a case of a child of unknown birth date was raised all the same.
pub const BIRTH_UNKNOWN: &str = "出生日期不明（身份证号无效且未填出生日期），无法确认是否适龄，请核实";

pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
