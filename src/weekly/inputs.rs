//! The weekly pipeline's own inputs: the attendance counts (column 5 of the 周报表) and the
//! daily 劝返 records, typed out of the raw tables that [`crate::sources::build`] passes on in
//! `Data.weekly_tables`; and the list of schools every other part refers to, in the order of
//! the 包片包校责任人名单 (which also gives each school's 学区).
//!
//! Pipeline position: sources → **weekly inputs** → weekly changes → form → write.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::normalize::id_number::{IdNumber, IdStatus};
use crate::schema::SourceKind;
use crate::sources::row::Columns;
use crate::sources::Data;
use crate::table::{Inputs, Prov};

/// The group a school goes into when the roster does not list it (the clearance run's
/// 学区汇总 uses the same group, [`crate::schools::UNLISTED`]).
pub use crate::schools::UNLISTED;

/// The school of 学籍 rows whose 学校名称 is blank.
pub const BLANK: &str = "（学校名称空白）";

/// One row of an attendance sheet: a school's 本月实际在校学生数.
#[derive(Clone, Debug)]
pub struct AttendanceRec {
    pub prov: Prov,
    pub school: String,
    pub present: u32,
}

/// What one 劝返 attempt came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Attempt {
    /// 劝返无效 / 未果 / 拒绝 / 联系不上 …: counts towards the three-attempt rule.
    Failed,
    /// 已复学 / 同意返校 / 已到校 ….
    Succeeded,
    /// Anything else (a note, an appointment): recorded, not counted.
    Other,
}

impl Attempt {
    /// Reads an outcome text. Failure words are looked for first, so that `家长不同意返校`
    /// is a failure although it contains `同意` and `返校`.
    pub fn judge(outcome: &str) -> Attempt {
        let s = crate::normalize::compact(outcome);
        const FAILED: &[&str] = &[
            "无效",
            "未果",
            "失败",
            "拒绝",
            "不同意",
            "不愿",
            "不肯",
            "不配合",
            "未返校",
            "未复学",
            "未到校",
            "没有返校",
            "联系不上",
            "无法联系",
            "未联系上",
            "未见到",
            "未找到",
            "不在家",
        ];
        const SUCCEEDED: &[&str] = &["已复学", "复学", "已返校", "返校", "已到校", "到校", "成功", "同意"];
        if FAILED.iter().any(|k| s.contains(k)) {
            Attempt::Failed
        } else if SUCCEEDED.iter().any(|k| s.contains(k)) {
            Attempt::Succeeded
        } else {
            Attempt::Other
        }
    }
}

/// One 劝返 record: a child, a date, what came of it.
#[derive(Clone, Debug)]
pub struct PersuasionRec {
    pub prov: Prov,
    pub school: String,
    pub name: String,
    pub id: IdNumber,
    pub student_no: String,
    pub date: NaiveDate,
    pub outcome: String,
    pub attempt: Attempt,
    pub staff: String,
}

/// The typed attendance and 劝返 records of a run.
#[derive(Debug, Default)]
pub struct Extra {
    /// Whether the pipeline has an attendance source at all.
    pub has_attendance: bool,
    pub attendance: Vec<AttendanceRec>,
    pub persuasion: Vec<PersuasionRec>,
}

/// Types the attendance and 劝返 tables, rejecting (with a reason, into `inputs`) rows that
/// cannot be used.
pub fn extract(data: &Data, inputs: &mut Inputs, as_of: NaiveDate) -> Extra {
    let mut out = Extra::default();
    for (kind, _source, table) in &data.weekly_tables {
        let cols = Columns::new(table, as_of);
        match kind {
            SourceKind::Attendance => {
                out.has_attendance = true;
                for raw in &table.rows {
                    let r = cols.row(raw);
                    let school = r.text("school").to_string();
                    if school.is_empty() {
                        inputs.reject(r.prov(), Some("学校名称"), "学校名称为空 (no school name)");
                        continue;
                    }
                    match r.number("present") {
                        Some(n) if n >= 0.0 && n.fract() == 0.0 && n < 1e6 => {
                            out.attendance.push(AttendanceRec { prov: r.prov(), school, present: n as u32 })
                        }
                        _ => inputs.reject(
                            r.prov(),
                            Some("实际在校学生数"),
                            "实际在校学生数不是非负整数 (not a whole number)",
                        ),
                    }
                }
            }
            SourceKind::Persuasion => {
                for raw in &table.rows {
                    let r = cols.row(raw);
                    let name = r.name("name");
                    let id = r.id("id_number");
                    let student_no = crate::normalize::compact(&r.text("student_no")).to_uppercase();
                    if name.is_empty() && id.status == IdStatus::Missing && student_no.is_empty() {
                        inputs.reject(r.prov(), None, "姓名、身份证号和学籍号均为空 (no name, ID or student number)");
                        continue;
                    }
                    let Some(date) = r.date("date") else {
                        inputs.reject(r.prov(), Some("劝返日期"), "劝返日期为空或无法识别 (no usable date)");
                        continue;
                    };
                    let outcome = r.text("outcome");
                    if outcome.is_empty() {
                        inputs.reject(r.prov(), Some("劝返情况"), "劝返情况为空 (no outcome)");
                        continue;
                    }
                    out.persuasion.push(PersuasionRec {
                        prov: r.prov(),
                        school: r.text("school").to_string(),
                        id,
                        student_no,
                        date,
                        attempt: Attempt::judge(&outcome),
                        outcome: outcome.to_string(),
                        staff: r.name("staff").to_string(),
                        name: name.to_string(),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// One school of the report.
#[derive(Clone, Debug)]
pub struct School {
    /// The name as the roster writes it, else as the 学籍 first writes it.
    pub name: String,
    /// 学区 (or 直属学校) from the roster; [`UNLISTED`] when the roster does not list it.
    pub unit: String,
    /// Position in the roster; `None` for unlisted schools.
    pub roster_pos: Option<usize>,
}

impl School {
    pub fn listed(&self) -> bool {
        self.roster_pos.is_some()
    }
}

/// The schools of a run: every roster school and every school named in the 学籍, 劝返 records
/// or attendance sheet, matched by name (see [`key`] and [`short_key`]).
#[derive(Clone, Debug, Default)]
pub struct Schools {
    pub list: Vec<School>,
    /// The 学区 in roster order, then [`UNLISTED`] when any school is unlisted.
    pub units: Vec<String>,
    by_key: HashMap<String, usize>,
    by_short: HashMap<String, Option<usize>>,
    /// The roster matched to the 学籍 schools ([`crate::schools::Directory`]).
    dir: crate::schools::Directory,
}

/// A school name compared without spaces, with full-width characters folded.
pub fn key(name: &str) -> String {
    crate::normalize::compact(name)
}

/// The name without the city / district prefix (`重庆市荣昌区仁义中学` → `仁义中学`), so that a
/// roster that leaves the prefix out still finds the school.
pub fn short_key(name: &str) -> String {
    let k = key(name);
    let mut s = k.as_str();
    s = s.strip_prefix("重庆市").unwrap_or(s);
    for marker in ['区', '县'] {
        if let Some(pos) = s.find(marker) {
            let head = &s[..pos];
            let plain = !head.contains(['学', '镇', '乡', '街', '村']);
            if plain && (2..=3).contains(&head.chars().count()) && s.len() > pos + marker.len_utf8() {
                s = &s[pos + marker.len_utf8()..];
                break;
            }
        }
    }
    s.to_string()
}

impl Schools {
    /// The roster's schools first, in roster order; then the other schools as met in the
    /// 学籍 (input order), the 劝返 records and the attendance sheet.
    pub fn build(data: &Data, extra: &Extra) -> Schools {
        let mut s = Schools::default();
        // The roster as the clearance run reads it: the same 学区 for every school, the same
        // matching of roster names to 学籍 names (short forms, abbreviations, campuses).
        let dir = crate::schools::Directory::build(data, &crate::table::Inputs::default());
        for e in &dir.entries {
            if !s.units.contains(&e.unit) {
                s.units.push(e.unit.clone());
            }
            let pos = data.roster.iter().position(|r| r.prov == e.prov);
            s.add(School { name: e.school.clone(), unit: e.unit.clone(), roster_pos: pos.or(Some(0)) });
        }
        s.dir = dir;
        let names = data
            .enrollment
            .iter()
            .map(|r| r.school.as_str())
            .chain(extra.persuasion.iter().map(|p| p.school.as_str()))
            .chain(extra.attendance.iter().map(|a| a.school.as_str()));
        for name in names {
            let name = if name.trim().is_empty() { BLANK } else { name };
            if s.find(name).is_none() {
                s.add(School { name: crate::normalize::compact(name), unit: UNLISTED.to_string(), roster_pos: None });
            }
        }
        if s.list.iter().any(|x| !x.listed()) && !s.units.iter().any(|u| u == UNLISTED) {
            s.units.push(UNLISTED.to_string());
        }
        s
    }

    fn add(&mut self, school: School) -> usize {
        let i = self.list.len();
        self.by_key.insert(key(&school.name), i);
        // A short name shared by two schools finds neither.
        self.by_short.entry(short_key(&school.name)).and_modify(|e| *e = None).or_insert(Some(i));
        self.list.push(school);
        i
    }

    /// The school a name refers to: the same name, else the same name without the city /
    /// district prefix (when that is unambiguous).
    pub fn find(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.by_key.get(&key(name)) {
            return Some(i);
        }
        if let Some(e) = self.dir.entry_for(name) {
            return self.by_key.get(&key(&e.school)).copied();
        }
        self.by_short.get(&short_key(name)).copied().flatten()
    }

    /// The school of a name [`Schools::build`] has seen (every 学籍, 劝返 and attendance
    /// school); a blank name is the [`BLANK`] school.
    pub fn of(&self, name: &str) -> usize {
        let name = if name.trim().is_empty() { BLANK } else { name };
        self.find(name).expect("every school name was registered by Schools::build")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_failure_words_first() {
        assert_eq!(Attempt::judge("家长不同意返校"), Attempt::Failed);
        assert_eq!(Attempt::judge("劝返无效"), Attempt::Failed);
        assert_eq!(Attempt::judge("未见到本人，联系不上家长"), Attempt::Failed);
        assert_eq!(Attempt::judge("家长同意下周返校"), Attempt::Succeeded);
        assert_eq!(Attempt::judge("已复学"), Attempt::Succeeded);
        assert_eq!(Attempt::judge("约定周五再访"), Attempt::Other);
    }

    #[test]
    fn short_keys_drop_city_and_district() {
        assert_eq!(short_key("重庆市荣昌区仁义中学"), "仁义中学");
        assert_eq!(short_key("荣昌区 实验小学"), "实验小学");
        assert_eq!(short_key("重庆市荣昌中学校"), "荣昌中学校");
        assert_eq!(short_key("仁义镇中心小学"), "仁义镇中心小学");
        assert_eq!(short_key("昌州学区小学"), "昌州学区小学");
    }
}
