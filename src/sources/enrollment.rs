//! 学籍 rows → [`EnrollRec`] (one row of an export: a student, or one status change), and
//! the per-student view [`Student`] that collapses overlapping exports: the latest dated
//! status wins, an undated status (a current export) counts as the latest.

use crate::text::Text;
use std::collections::HashMap;

use chrono::NaiveDate;

use super::row::Columns;
use super::Rejects;
use crate::normalize::address::{self, Address};
use crate::normalize::id_number::{IdNumber, IdStatus, Sex};
use crate::normalize::values::{self, Status, ValueConfig};
use crate::table::{Prov, RawTable};

/// One row of a 学籍 export.
#[derive(Clone, Debug)]
pub struct EnrollRec {
    pub prov: Prov,
    pub school: Text,
    pub name: Text,
    pub sex: Option<Sex>,
    pub birth: Option<NaiveDate>,
    pub id: IdNumber,
    /// 全国学籍号 as written (G…, L…, J…).
    pub student_no: Text,
    pub grade: Text,
    pub grade_level: Option<u8>,
    pub class: Text,
    pub entry: Option<NaiveDate>,
    pub hukou: Address,
    /// 户口所在地 as written (for rosters that print the address).
    pub hukou_text: Text,
    /// 现住址, when it is written differently from 户口所在地 (most students live where they
    /// are registered; a million copies of the same address are not kept): see
    /// [`EnrollRec::current`].
    pub current_other: Option<Box<Address>>,
    pub inclusive: bool,
    pub disability_type: Option<u8>,
    /// The status this row records: 异动类型 when given, else 学籍状态.
    pub status: Option<Status>,
    /// The status text as written (异动类型, else 学籍状态): keeps what `status` folds away,
    /// such as the direction of 借读（出）/ 借读（入） that the weekly report counts apart.
    pub status_text: Text,
    /// 异动日期, when given.
    pub status_date: Option<NaiveDate>,
    /// Which `[[sources]]` snapshot this row came from (weekly reports).
    pub source: usize,
}

impl EnrollRec {
    /// 现住址 as parsed (the registered address when it is written the same).
    pub fn current(&self) -> &Address {
        self.current_other.as_deref().unwrap_or(&self.hukou)
    }

    /// `荣昌中学 初二(3)班` — for evidence.
    pub fn placement(&self) -> String {
        let mut s = self.school.to_string();
        if !self.grade.is_empty() {
            s.push(' ');
            s.push_str(&self.grade);
        }
        // 班级 is written as 3, 3班, (3)班 or （3）班: show it as (3)班.
        let core = self.class.trim().trim_end_matches('班').trim_matches(['(', ')', '（', '）', ' ']);
        if !core.is_empty() {
            s.push_str(&format!("({core})班"));
        }
        s
    }

    /// `荣昌中学 初二(3)班（学籍号 G500153…）` — the matched record, for evidence.
    pub fn placement_and_number(&self) -> String {
        let place = self.placement();
        if self.student_no.is_empty() {
            place
        } else {
            format!("{place}（学籍号 {}）", self.student_no)
        }
    }

    /// A 毕业 record that completes compulsory education: grade 9, or no grade given and a
    /// school named 中学 / 初中 (not a 小学).
    pub fn is_junior_graduation(&self) -> bool {
        self.status == Some(Status::Graduated)
            && (self.grade_level == Some(9) || (self.grade_level.is_none() && is_junior_school(&self.school)))
    }
}

fn is_junior_school(school: &str) -> bool {
    (school.contains("中学") || school.contains("初中") || school.contains("初级中学")) && !school.contains("小学")
}

/// Builds 学籍 records; rows with neither a name nor an ID/学籍号 are rejected.
pub fn extract(
    table: &RawTable,
    source: usize,
    inputs: &mut Rejects,
    values: &ValueConfig,
    as_of: NaiveDate,
) -> Vec<EnrollRec> {
    let cols = Columns::new(table, as_of);
    let mut out = Vec::with_capacity(table.rows.len());
    for raw in &table.rows {
        let r = cols.row(raw);
        let mut id = r.id("id_number");
        let student_no: Text = r.compact("student_no").to_uppercase();
        if !id.is_valid() {
            // A G 全国学籍号 carries the ID.
            let from_no = r.id_in(&student_no);
            if from_no.is_valid() && (id.status == IdStatus::Missing || id.status == IdStatus::Damaged) {
                id = from_no;
            }
        }
        let name = r.name("name");
        if name.is_empty() && id.status == IdStatus::Missing && student_no.is_empty() {
            inputs.reject(r.prov(), None, "姓名、身份证件号和学籍号均为空 (no name, ID or student number)");
            continue;
        }
        let change = r.text("change_type");
        let status_text = if change.is_empty() { r.text("status") } else { change };
        let status = if status_text.is_empty() { None } else { values.status(&status_text) };
        let hukou_text = r.text("hukou_address");
        let grade = r.text("grade");
        let inclusive = r.yes_no("inclusive", values).unwrap_or(false) || r.text("attend_mode").contains("随班就读");
        let dtype = r.text("disability_type");
        let hukou = address::parse(&hukou_text);
        // Most students live where they are registered: the same text is parsed once.
        let current_text = r.text("current_address");
        let current_other = (current_text != hukou_text).then(|| Box::new(address::parse(&current_text)));
        out.push(EnrollRec {
            prov: r.prov(),
            school: r.text("school"),
            sex: r.sex("sex", values).or_else(|| id.sex()),
            birth: id.valid().and(id.birth()).or_else(|| r.date("birth_date")).or_else(|| id.birth()),
            grade_level: values::grade_level(&grade),
            grade,
            class: r.text("class"),
            entry: r.year_month("entry"),
            hukou,
            hukou_text,
            current_other,
            inclusive,
            disability_type: values::disability_category(&dtype).filter(|c| *c != 0),
            status,
            status_text,
            status_date: if r.has("change_date") { r.date("change_date") } else { None },
            source,
            student_no,
            name,
            id,
        });
    }
    out
}

/// One student: every 学籍 row of the same person, in time order.
#[derive(Clone, Debug)]
pub struct Student {
    /// Indices into the record list, ordered oldest first (undated last, then input order).
    pub records: Vec<usize>,
    /// The record that sets the current status (the last of `records` that has a status).
    pub current: usize,
}

impl Student {
    pub fn current_status(&self, recs: &[EnrollRec]) -> Option<Status> {
        recs[self.current].status
    }

    pub fn is_active(&self, recs: &[EnrollRec]) -> bool {
        self.current_status(recs).is_some_and(Status::is_active)
    }

    pub fn is_dead(&self, recs: &[EnrollRec]) -> bool {
        self.current_status(recs) == Some(Status::Dead)
    }

    /// Whether any record shows 初中毕业.
    pub fn completed_junior(&self, recs: &[EnrollRec]) -> bool {
        self.records.iter().any(|&i| recs[i].is_junior_graduation())
    }
}

/// Groups records into students: by valid ID, else by 全国学籍号, else by name + birth date +
/// school. Deterministic: students ordered by their first record.
pub fn students(recs: &[EnrollRec]) -> Vec<Student> {
    /// What identifies a student's rows (borrowed: no allocation per row).
    #[derive(Hash, PartialEq, Eq)]
    enum Key<'a> {
        Id(&'a str),
        StudentNo(&'a str),
        Person(&'a str, Option<NaiveDate>, &'a str),
    }
    let mut by_key: HashMap<Key<'_>, usize> = HashMap::with_capacity(recs.len());
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut no_to_group: HashMap<&str, usize> = HashMap::with_capacity(recs.len());
    for (i, r) in recs.iter().enumerate() {
        let key = if let Some(id) = r.id.valid() {
            Key::Id(id)
        } else if !r.student_no.is_empty() {
            Key::StudentNo(&r.student_no)
        } else {
            Key::Person(&r.name, r.birth, &r.school)
        };
        // A student number seen with a valid ID joins rows that lack the ID.
        let existing = by_key.get(&key).copied().or_else(|| {
            if r.student_no.is_empty() {
                None
            } else {
                no_to_group.get(r.student_no.as_str()).copied()
            }
        });
        let g = match existing {
            Some(g) => g,
            None => {
                groups.push(Vec::new());
                groups.len() - 1
            }
        };
        by_key.insert(key, g);
        if !r.student_no.is_empty() {
            no_to_group.entry(r.student_no.as_str()).or_insert(g);
        }
        groups[g].push(i);
    }
    groups
        .into_iter()
        .map(|mut records| {
            // Dated first in date order, undated (current exports) last; ties keep input order.
            records.sort_by_key(|&i| (recs[i].status_date.is_none(), recs[i].status_date, i));
            let current =
                records.iter().rev().copied().find(|&i| recs[i].status.is_some()).unwrap_or(records[records.len() - 1]);
            Student { records, current }
        })
        .collect()
}

/// Whether an address names one of the district's towns.
pub fn in_towns(addr: &Address, towns: &[String]) -> bool {
    addr.town.as_deref().is_some_and(|t| towns.iter().any(|x| address::same_town(x, t)))
}
