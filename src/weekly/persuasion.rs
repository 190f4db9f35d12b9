//! The 劝返 side of the weekly report: which children the 辍学学生花名册日报表 (attachment 2)
//! lists, what each working day's 劝返情况 column says, and who is due a 限期复（入）学通知书.
//!
//! The 日报表 is due when column 7 (辍学) or 14 (劝返复学) of the 周报表 is not zero
//! (the note under attachment 1). It lists, for each school where one of them is not zero,
//! that week's dropouts and returnees, and every other child of the school with a 劝返
//! record dated in the week (a dropout of an earlier week still being persuaded).
//!
//! Three-attempt rule (attachment 3: 三次劝返无效的下达《义务教育阶段限期复（入）学通知书》):
//! a child with failed 劝返 attempts on three different days up to the week's end, who does
//! not count at any school at the week's end, is due the notice. Attempts are counted per
//! day, so a record entered twice does not count twice; all weeks' records count.
//!
//! Pipeline position: changes → form → **persuasion** → write.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Weekday};

use super::changes::{Found, Kind};
use super::column::WeeklyColumn;
use super::form::Sheet;
use super::inputs::{Attempt, Extra, Schools};
use super::Week;
use crate::sources::Data;

/// Who a 劝返 record is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Child {
    /// A student of the 学籍 (index into [`Found::students`]).
    Student(usize),
    /// A record that matches no student: keyed by its ID, 学籍号, or name and school.
    Record(String),
}

/// One row of the 日报表.
#[derive(Clone, Debug)]
pub struct DailyRow {
    /// Index into [`Schools::list`].
    pub school: usize,
    pub student: usize,
    /// The 学籍 row whose particulars are shown.
    pub rec: usize,
    /// This week's change at the school (辍学 or 劝返复学), if any.
    pub kind: Option<Kind>,
    pub situation: String,
    pub advice: String,
    /// One text per working day of the week.
    pub days: Vec<String>,
    /// 是否建卡, when a poverty register was given and the ID is valid.
    pub poverty: Option<bool>,
}

/// A child due a 限期复（入）学通知书.
#[derive(Clone, Debug)]
pub struct Due {
    pub child: Child,
    /// The 学籍 row to show, when the child matched one.
    pub rec: Option<usize>,
    /// The 劝返 record to show otherwise (the latest).
    pub last: usize,
    pub school: String,
    /// The first three days with a failed attempt.
    pub dates: [NaiveDate; 3],
    /// Days with a failed attempt, up to the week's end.
    pub failures: usize,
    /// This week's 学籍 standing, in words.
    pub status: String,
}

/// The 日报表 rows, the children due a notice, and records that match no student.
#[derive(Clone, Debug, Default)]
pub struct Daily {
    /// Whether the 日报表 is due (column 7 or 14 of the district total is not zero).
    pub written: bool,
    /// Schools whose column 7 or 14 is not zero.
    pub schools: BTreeSet<usize>,
    pub rows: Vec<DailyRow>,
    pub due: Vec<Due>,
    /// 劝返 records (indices into `Extra.persuasion`) that match no student.
    pub unmatched: Vec<usize>,
    /// Each child's 劝返 records, in date order.
    pub records: BTreeMap<Child, Vec<usize>>,
}

/// `5月18日`.
pub fn md(d: NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

fn weekday(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

/// What the 建议 column says.
pub const ADVICE_RETURNED: &str = "已劝返复学：落实学习帮扶和关爱，防止再次辍学";
pub const ADVICE_DUE: &str = "三次劝返无效：下达《义务教育阶段限期复（入）学通知书》；限期内仍未复学的，\
                              书面报告户籍所在地镇街人民政府，并报区教委备案";
pub const ADVICE_PERSUADE: &str = "继续劝返，落实“一人一案、一生一策”，每日报告劝返情况；\
                                   与户籍所在地镇街、村（社区）联系";

/// Matches the 劝返 records to students, applies the three-attempt rule and builds the
/// 日报表 rows.
pub fn build(data: &Data, schools: &Schools, found: &Found, extra: &Extra, sheet: &Sheet, week: &Week) -> Daily {
    let recs = &data.enrollment;
    let mut daily = Daily::default();

    // Indexes of the students: by valid ID, by 学籍号, by name and school.
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut by_no: HashMap<&str, usize> = HashMap::new();
    let mut by_name: HashMap<(String, usize), Option<usize>> = HashMap::new();
    for (s, st) in found.students.iter().enumerate() {
        for &i in &st.records {
            let r = &recs[i];
            if let Some(id) = r.id.valid() {
                by_id.entry(id).or_insert(s);
            }
            if !r.student_no.is_empty() {
                by_no.entry(r.student_no.as_str()).or_insert(s);
            }
            if !r.name.is_empty() {
                by_name
                    .entry((r.name.to_string(), schools.of(&r.school)))
                    .and_modify(|e| {
                        if *e != Some(s) {
                            *e = None
                        }
                    })
                    .or_insert(Some(s));
            }
        }
    }
    for (k, p) in extra.persuasion.iter().enumerate() {
        let school = schools.of(&p.school);
        let student =
            p.id.valid()
                .and_then(|id| by_id.get(id).copied())
                .or_else(|| by_no.get(p.student_no.as_str()).copied())
                .or_else(|| by_name.get(&(p.name.clone(), school)).copied().flatten());
        let child = match student {
            Some(s) => Child::Student(s),
            None => {
                daily.unmatched.push(k);
                Child::Record(match p.id.valid() {
                    Some(id) => format!("I{id}"),
                    None if !p.student_no.is_empty() => format!("N{}", p.student_no),
                    None => format!("P{}|{school}", p.name),
                })
            }
        };
        daily.records.entry(child).or_default().push(k);
    }
    for list in daily.records.values_mut() {
        list.sort_by_key(|&k| (extra.persuasion[k].date, k));
    }

    // Tracks per student, for 学籍 standing at the week's end.
    let mut tracks_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (t, tr) in found.tracks.iter().enumerate() {
        tracks_of.entry(tr.student).or_default().push(t);
    }
    let counts_now = |s: usize| tracks_of.get(&s).is_some_and(|ts| ts.iter().any(|&t| found.tracks[t].is()));

    // The three-attempt rule.
    for (child, list) in &daily.records {
        let failed: BTreeSet<NaiveDate> = list
            .iter()
            .map(|&k| &extra.persuasion[k])
            .filter(|p| p.attempt == Attempt::Failed && p.date <= week.end)
            .map(|p| p.date)
            .collect();
        if failed.len() < 3 {
            continue;
        }
        let (rec, status) = match child {
            Child::Student(s) => {
                if counts_now(*s) {
                    continue;
                }
                let ts = &tracks_of[s];
                let t = ts.iter().copied().find(|&t| found.tracks[t].after.is_some()).unwrap_or(ts[0]);
                let status = match found.tracks[t].after {
                    Some(a) => a.label(),
                    None => "本周学籍中没有此学生".to_string(),
                };
                (Some(found.shown_rec(t)), status)
            }
            Child::Record(_) => (None, "对不上学籍，请核实是否已复学".to_string()),
        };
        let last = *list.iter().rev().find(|&&k| extra.persuasion[k].date <= week.end).unwrap_or(&list[0]);
        let school = match rec {
            Some(i) => schools.list[schools.of(&recs[i].school)].name.clone(),
            None => extra.persuasion[last].school.clone(),
        };
        let d: Vec<NaiveDate> = failed.iter().copied().take(3).collect();
        daily.due.push(Due {
            child: child.clone(),
            rec,
            last,
            school,
            dates: [d[0], d[1], d[2]],
            failures: failed.len(),
            status,
        });
    }
    daily.due.sort_by(|a, b| (&a.school, a.dates, &a.child).cmp(&(&b.school, b.dates, &b.child)));
    let due_students: BTreeSet<usize> = daily
        .due
        .iter()
        .filter_map(|d| match d.child {
            Child::Student(s) => Some(s),
            Child::Record(_) => None,
        })
        .collect();

    // The 日报表.
    for u in &sheet.units {
        for r in &u.rows {
            if r.counts.column(WeeklyColumn::Dropout).unwrap_or(0)
                + r.counts.column(WeeklyColumn::Returned).unwrap_or(0)
                > 0
            {
                daily.schools.insert(r.school);
            }
        }
    }
    daily.written = !daily.schools.is_empty();
    let poverty: Option<BTreeSet<&str>> =
        (!data.poverty.is_empty()).then(|| data.poverty.iter().filter_map(|p| p.id.valid()).collect());
    let mut listed: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut rows = Vec::new();
    for ch in &found.changes {
        if !matches!(ch.kind, Kind::Dropout | Kind::Returned) {
            continue;
        }
        let tr = &found.tracks[ch.track];
        listed.insert((tr.school, tr.student));
        rows.push((tr.school, tr.student, found.shown_rec(ch.track), Some(ch.kind), ch.date));
    }
    for (child, list) in &daily.records {
        let Child::Student(s) = child else { continue };
        if !list.iter().any(|&k| week.contains(extra.persuasion[k].date)) {
            continue;
        }
        let Some(ts) = tracks_of.get(s) else { continue };
        // The school: the record's school when the student has a row there, else the
        // student's school this week.
        let rec_school = list.iter().rev().map(|&k| schools.of(&extra.persuasion[k].school)).next();
        let t = ts
            .iter()
            .copied()
            .find(|&t| Some(found.tracks[t].school) == rec_school)
            .or_else(|| ts.iter().copied().find(|&t| found.tracks[t].after.is_some()))
            .unwrap_or(ts[0]);
        let school = found.tracks[t].school;
        if daily.schools.contains(&school) && listed.insert((school, *s)) {
            let date = found.tracks[t].after.and_then(|a| a.rec).and_then(|i| recs[i].status_date);
            rows.push((school, *s, found.shown_rec(t), None, date));
        }
    }
    for (school, student, rec, kind, date) in rows {
        if !daily.schools.contains(&school) {
            continue;
        }
        let list: &[usize] = daily.records.get(&Child::Student(student)).map(Vec::as_slice).unwrap_or(&[]);
        let mut situation = Vec::new();
        match (kind, date) {
            (Some(Kind::Dropout), d) => {
                let what = if recs[rec].status_text.is_empty() {
                    "辍学".to_string()
                } else {
                    recs[rec].status_text.to_string()
                };
                situation.push(match d {
                    Some(d) => format!("本周{}{what}", md(d)),
                    None => format!("本周{what}"),
                });
            }
            (Some(_), d) => situation.push(match d {
                Some(d) => format!("本周{}劝返复学", md(d)),
                None => "本周劝返复学".to_string(),
            }),
            (None, d) => {
                let track = found.tracks.iter().find(|t| t.student == student && t.school == school);
                let label = track.and_then(|t| t.after).map(|a| a.label()).unwrap_or_else(|| "学籍中没有".into());
                situation.push(match d {
                    Some(d) => format!("{label}（{}年{}）", d.year(), md(d)),
                    None => label,
                });
            }
        }
        let failed: BTreeSet<NaiveDate> = list
            .iter()
            .map(|&k| &extra.persuasion[k])
            .filter(|p| p.attempt == Attempt::Failed && p.date <= week.end)
            .map(|p| p.date)
            .collect();
        if !failed.is_empty() {
            situation.push(format!("截至本周劝返无效 {} 次", failed.len()));
        }
        for &k in list {
            let p = &extra.persuasion[k];
            if week.contains(p.date) && !week.days.contains(&p.date) {
                situation.push(format!("{}（{}）：{}", md(p.date), weekday(p.date), p.outcome));
            }
        }
        let advice = if kind == Some(Kind::Returned) || found.tracks.iter().any(|t| t.student == student && t.is()) {
            ADVICE_RETURNED
        } else if due_students.contains(&student) {
            ADVICE_DUE
        } else {
            ADVICE_PERSUADE
        };
        let days =
            week.days
                .iter()
                .map(|d| {
                    list.iter()
                        .map(|&k| &extra.persuasion[k])
                        .filter(|p| p.date == *d)
                        .map(|p| {
                            if p.staff.is_empty() {
                                p.outcome.clone()
                            } else {
                                format!("{}（{}）", p.outcome, p.staff)
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("；")
                })
                .collect();
        let poverty = poverty.as_ref().and_then(|set| recs[rec].id.valid().map(|id| set.contains(id)));
        daily.rows.push(DailyRow {
            school,
            student,
            rec,
            kind,
            situation: situation.join("；"),
            advice: advice.to_string(),
            days,
            poverty,
        });
    }
    // School order of the form; within a school, dropouts, then returnees, then the others.
    let order: BTreeMap<usize, usize> =
        sheet.units.iter().flat_map(|u| &u.rows).enumerate().map(|(k, r)| (r.school, k)).collect();
    let rank = |k: Option<Kind>| match k {
        Some(Kind::Dropout) => 0,
        Some(Kind::Returned) => 1,
        _ => 2,
    };
    daily.rows.sort_by(|a, b| {
        (order.get(&a.school), rank(a.kind), &recs[a.rec].name, a.student).cmp(&(
            order.get(&b.school),
            rank(b.kind),
            &recs[b.rec].name,
            b.student,
        ))
    });
    daily
}
