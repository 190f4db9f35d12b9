//! The week's 学籍 changes: where each student stood at each school last week and this week,
//! and which column of the 周报表 the difference goes into.
//!
//! A student *counts* at a school (column 4, 本学期学籍系统注册学生数) when their status there
//! is 在读, 转入, 复学 or 借读（入）. 休学 and 借读（出） do not count: the form lists them among
//! the week's decreases (columns 9 and 10), so counting them in column 4 as well would break
//! 上周第4栏 + 本周增加 − 本周减少 = 本周第4栏 for every such student.
//!
//! Every student who counts at a school in one week and not in the other makes exactly one
//! [`Change`] there: a decrease or an increase of a form column when a 学籍 row records why
//! (辍学, 转出, …), a change of a kind the form has no column for (休学复学, 出国 …), or an
//! unexplained change when nothing records it — which is reported, never absorbed.
//!
//! Pipeline position: weekly inputs → **changes** → form → write.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::column::WeeklyColumn;
use super::inputs::Schools;
use super::{Mode, Week};
use crate::normalize::values::Status;
use crate::plan::{Plan, Snapshot};
use crate::sources::enrollment::{self, Student};
use crate::sources::{Data, EnrollRec};

/// Which way a 借读 goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visit {
    /// 借读（入）: studies here, 学籍 elsewhere.
    In,
    /// 借读（出）: 学籍 here, studies elsewhere.
    Out,
}

/// A student's standing at one school at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub status: Status,
    /// For 借读: which way.
    pub visit: Option<Visit>,
    /// The 学籍 row that shows it; `None` when it was inferred by undoing this week's change
    /// (one export with dated changes).
    pub rec: Option<usize>,
}

impl Standing {
    /// Whether the student counts in column 4 of this school.
    pub fn on_roll(&self) -> bool {
        match self.status {
            Status::Enrolled | Status::TransferIn | Status::Resumed => true,
            Status::Visiting => self.visit != Some(Visit::Out),
            _ => false,
        }
    }

    /// `在读`, `借读（出）`, `辍学（推算）`.
    pub fn label(&self) -> String {
        let base = match (self.status, self.visit) {
            (Status::Visiting, Some(Visit::In)) => "借读（入）",
            (Status::Visiting, Some(Visit::Out)) => "借读（出）",
            (s, _) => s.label(),
        };
        if self.rec.is_none() {
            format!("{base}（按本周异动推算）")
        } else {
            base.to_string()
        }
    }
}

/// Whether a standing counts; an absent one does not.
fn counts(s: &Option<Standing>) -> bool {
    s.as_ref().is_some_and(Standing::on_roll)
}

/// Which way a 借读 status text goes, when it says.
fn visit_of(text: &str) -> Option<Visit> {
    if text.contains('出') {
        Some(Visit::Out)
    } else if text.contains('入') || text.contains('进') {
        Some(Visit::In)
    } else {
        None
    }
}

/// The standing a 学籍 row records. A row without a readable status is a student the
/// export lists, so 在读.
fn standing(recs: &[EnrollRec], i: usize) -> Standing {
    let r = &recs[i];
    let status = r.status.unwrap_or(Status::Enrolled);
    let visit = if status == Status::Visiting { visit_of(&r.status_text) } else { None };
    Standing { status, visit, rec: Some(i) }
}

/// One student at one school: last week, this week, and this week's rows there.
#[derive(Clone, Debug)]
pub struct Track {
    /// Index into [`Found::students`].
    pub student: usize,
    /// Index into [`Schools::list`].
    pub school: usize,
    pub before: Option<Standing>,
    pub after: Option<Standing>,
    /// This week's rows at this school, oldest first: the current export's rows that the
    /// previous one does not have, or the rows dated within the week.
    pub fresh: Vec<usize>,
}

impl Track {
    pub fn was(&self) -> bool {
        counts(&self.before)
    }

    pub fn is(&self) -> bool {
        counts(&self.after)
    }

    /// The latest fresh row with one of these statuses.
    fn fresh_with(&self, recs: &[EnrollRec], wanted: &[Status]) -> Option<usize> {
        self.fresh.iter().rev().copied().find(|&i| recs[i].status.is_some_and(|s| wanted.contains(&s)))
    }
}

/// What a change is, and where it goes on the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 辍学 (and 退学, 其他离校: no one may leave compulsory education). Column 7.
    Dropout,
    /// 转出. Column 8.
    TransferOut,
    /// 休学. Column 9.
    Suspended,
    /// 借读（出）. Column 10.
    VisitOut,
    /// 死亡. Column 11.
    Death,
    /// 转入. Column 13.
    TransferIn,
    /// 劝返复学: 复学 of a student who had dropped out. Column 14.
    Returned,
    /// 借读（入）. Column 15.
    VisitIn,
    /// A recorded decrease the form has no column for (失踪, 出国, 毕业, 结业).
    OtherDecrease,
    /// A recorded increase the form has no column for (休学复学, 借读结束回本校).
    OtherIncrease,
    /// Counted last week, not this week, and no row says why.
    UnexplainedLoss,
    /// Counted this week, not last week, and no 转入 / 复学 / 借读 row says why.
    UnexplainedGain,
}

impl Kind {
    /// The 周报表 column the change is counted in.
    pub fn column(self) -> Option<WeeklyColumn> {
        match self {
            Kind::Dropout => Some(WeeklyColumn::Dropout),
            Kind::TransferOut => Some(WeeklyColumn::TransferOut),
            Kind::Suspended => Some(WeeklyColumn::Suspended),
            Kind::VisitOut => Some(WeeklyColumn::VisitOut),
            Kind::Death => Some(WeeklyColumn::Death),
            Kind::TransferIn => Some(WeeklyColumn::TransferIn),
            Kind::Returned => Some(WeeklyColumn::Returned),
            Kind::VisitIn => Some(WeeklyColumn::VisitIn),
            _ => None,
        }
    }

    pub fn is_unexplained(self) -> bool {
        matches!(self, Kind::UnexplainedLoss | Kind::UnexplainedGain)
    }

    pub fn key(self) -> &'static str {
        match self {
            Kind::Dropout => "dropout",
            Kind::TransferOut => "transfer_out",
            Kind::Suspended => "suspended",
            Kind::VisitOut => "visiting_out",
            Kind::Death => "death",
            Kind::TransferIn => "transfer_in",
            Kind::Returned => "returned",
            Kind::VisitIn => "visiting_in",
            Kind::OtherDecrease => "other_decrease",
            Kind::OtherIncrease => "other_increase",
            Kind::UnexplainedLoss => "unexplained_loss",
            Kind::UnexplainedGain => "unexplained_gain",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Dropout => "辍学",
            Kind::TransferOut => "转出",
            Kind::Suspended => "休学",
            Kind::VisitOut => "借读（出）",
            Kind::Death => "死亡",
            Kind::TransferIn => "转入",
            Kind::Returned => "劝返复学",
            Kind::VisitIn => "借读（入）",
            Kind::OtherDecrease => "其他减少（表中无对应栏目）",
            Kind::OtherIncrease => "其他增加（表中无对应栏目）",
            Kind::UnexplainedLoss => "减少，无异动记录",
            Kind::UnexplainedGain => "增加，无异动记录",
        }
    }
}

/// One change of one student at one school.
#[derive(Clone, Debug)]
pub struct Change {
    /// Index into [`Found::tracks`].
    pub track: usize,
    pub kind: Kind,
    /// The 学籍 row that records the change, when one does.
    pub rec: Option<usize>,
    pub date: Option<NaiveDate>,
    /// Why it was classed so, when that is not plain from the row (no personal data).
    pub note: String,
}

/// Everything [`find`] works out.
#[derive(Clone, Debug, Default)]
pub struct Found {
    pub students: Vec<Student>,
    pub tracks: Vec<Track>,
    /// Ordered by track.
    pub changes: Vec<Change>,
    /// Students who count at more than one school at the week's end: (student, schools).
    pub doubles: Vec<(usize, Vec<usize>)>,
    /// 学籍 rows whose status text was not understood (counted as 在读).
    pub unknown_status: usize,
    /// 学籍 rows dated after the week's end (one dated export only): left out.
    pub later_rows: usize,
}

impl Found {
    /// The row to show for a track: this week's standing, else last week's, else its first.
    pub fn shown_rec(&self, t: usize) -> usize {
        let tr = &self.tracks[t];
        tr.after
            .and_then(|s| s.rec)
            .or_else(|| tr.before.and_then(|s| s.rec))
            .unwrap_or(self.students[tr.student].records[0])
    }
}

/// Works out every student's tracks and the week's changes.
pub fn find(data: &Data, plan: &Plan, schools: &Schools, week: &Week, mode: Mode) -> Found {
    let recs = &data.enrollment;
    let students = enrollment::students(recs);
    let side = |i: usize| plan.sources.get(recs[i].source).and_then(|s| s.snapshot);
    let mut found = Found {
        unknown_status: recs.iter().filter(|r| r.status.is_none() && !r.status_text.is_empty()).count(),
        ..Found::default()
    };
    for (si, st) in students.iter().enumerate() {
        let mut per_school: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &i in &st.records {
            per_school.entry(schools.of(&recs[i].school)).or_default().push(i);
        }
        let first = found.tracks.len();
        for (school, rows) in per_school {
            let (mut before, mut after, fresh) = match mode {
                Mode::Snapshots => {
                    let prev: Vec<usize> =
                        rows.iter().copied().filter(|&i| side(i) == Some(Snapshot::Previous)).collect();
                    let cur: Vec<usize> =
                        rows.iter().copied().filter(|&i| side(i) == Some(Snapshot::Current)).collect();
                    let fresh: Vec<usize> =
                        cur.iter().copied().filter(|&c| !prev.iter().any(|&p| same_row(&recs[p], &recs[c]))).collect();
                    (prev.last().map(|&i| standing(recs, i)), cur.last().map(|&i| standing(recs, i)), fresh)
                }
                Mode::Dated => {
                    let usable: Vec<usize> =
                        rows.iter().copied().filter(|&i| recs[i].status_date.is_none_or(|d| d <= week.end)).collect();
                    found.later_rows += rows.len() - usable.len();
                    let fresh: Vec<usize> = usable
                        .iter()
                        .copied()
                        .filter(|&i| recs[i].status_date.is_some_and(|d| week.contains(d)))
                        .collect();
                    // Only rows dated after the week: this week's standing is what they undo.
                    let later = rows.iter().copied().find(|i| !usable.contains(i));
                    let after = match usable.last() {
                        Some(&i) => Some(standing(recs, i)),
                        None => later.and_then(|i| undo(&standing(recs, i))),
                    };
                    let before = if fresh.is_empty() {
                        after
                    } else {
                        let mut earlier =
                            usable.iter().copied().filter(|&i| recs[i].status_date.is_some_and(|d| d < week.start));
                        match earlier.next_back() {
                            Some(i) => Some(standing(recs, i)),
                            None => undo(&standing(recs, fresh[0])),
                        }
                    };
                    (before, after, fresh)
                }
            };
            resolve_visits(&mut before, &mut after);
            found.tracks.push(Track { student: si, school, before, after, fresh });
        }
        let mine = first..found.tracks.len();
        for t in mine.clone() {
            if let Some(mut c) = classify(&found.tracks[mine.clone()], t - first, recs, schools) {
                c.track = t;
                found.changes.push(c);
            }
        }
        let on: Vec<usize> = found.tracks[mine].iter().filter(|t| t.is()).map(|t| t.school).collect();
        if on.len() > 1 {
            found.doubles.push((si, on));
        }
    }
    found.students = students;
    found
}

/// Two exports' rows that record the same thing.
fn same_row(a: &EnrollRec, b: &EnrollRec) -> bool {
    a.status == b.status && a.status_date == b.status_date && a.status_text == b.status_text
}

/// Last week's standing before a change dated this week, when no earlier row says: a leaving
/// was from counting at the school; an arrival (转入, 借读（入）, a first 在读) from nowhere; a
/// 复学 from an unknown state (classed as 劝返复学, with a note).
fn undo(change: &Standing) -> Option<Standing> {
    match change.status {
        Status::Enrolled | Status::TransferIn | Status::Resumed => None,
        Status::Visiting if change.visit != Some(Visit::Out) => None,
        _ => Some(Standing { status: Status::Enrolled, visit: None, rec: None }),
    }
}

/// A 借读 whose text does not say which way: this week's goes the way last week's did, or out
/// when the student counted at the school last week as its own; otherwise in.
fn resolve_visits(before: &mut Option<Standing>, after: &mut Option<Standing>) {
    if let Some(b) = before.as_mut() {
        if b.status == Status::Visiting && b.visit.is_none() {
            b.visit = Some(Visit::In);
        }
    }
    if let Some(a) = after.as_mut() {
        if a.status == Status::Visiting && a.visit.is_none() {
            a.visit = Some(match before {
                Some(b) if b.status == Status::Visiting => b.visit.unwrap_or(Visit::In),
                Some(b) if b.on_roll() => Visit::Out,
                _ => Visit::In,
            });
        }
    }
}

fn change(kind: Kind, rec: Option<usize>, recs: &[EnrollRec], note: impl Into<String>) -> Change {
    Change { track: 0, kind, rec, date: rec.and_then(|i| recs[i].status_date), note: note.into() }
}

/// The change of track `t` among one student's tracks, if its count changed.
fn classify(tracks: &[Track], t: usize, recs: &[EnrollRec], schools: &Schools) -> Option<Change> {
    let tr = &tracks[t];
    let school = |k: usize| schools.list[tracks[k].school].name.clone();
    let others = || (0..tracks.len()).filter(move |&k| k != t);
    match (tr.was(), tr.is()) {
        (true, false) => Some(match tr.after {
            Some(a) => {
                let kind = match a.status {
                    Status::Dropout | Status::Withdrawn | Status::OtherLeave | Status::Incomplete => Kind::Dropout,
                    Status::TransferOut => Kind::TransferOut,
                    Status::Suspended => Kind::Suspended,
                    Status::Visiting => Kind::VisitOut,
                    Status::Dead => Kind::Death,
                    _ => Kind::OtherDecrease,
                };
                let note = match (kind, a.status) {
                    (Kind::Dropout, Status::Withdrawn | Status::OtherLeave | Status::Incomplete) => {
                        format!("学籍为{}，义务教育阶段计入辍学", a.status.label())
                    }
                    (Kind::OtherDecrease, s) => format!("学籍为{}，表中无对应栏目", s.label()),
                    _ => String::new(),
                };
                change(kind, a.rec, recs, note)
            }
            None => {
                // Gone from this school: a 转入 row at another school explains it.
                let moved = others().find_map(|k| {
                    let o = &tracks[k];
                    if o.is() && !o.was() {
                        o.fresh_with(recs, &[Status::TransferIn]).map(|i| (k, i))
                    } else {
                        None
                    }
                });
                match moved {
                    Some((k, i)) => {
                        change(Kind::TransferOut, Some(i), recs, format!("转至{}（据该校转入记录）", school(k)))
                    }
                    None => {
                        let elsewhere = others().find(|&k| tracks[k].is());
                        let note = match elsewhere {
                            Some(k) => format!("本周学籍在{}，两校均无转学记录", school(k)),
                            None => "本周学籍中没有此学生，也没有异动记录".to_string(),
                        };
                        change(Kind::UnexplainedLoss, None, recs, note)
                    }
                }
            }
        }),
        (false, true) => {
            let explaining = tr.fresh_with(recs, &[Status::TransferIn, Status::Resumed, Status::Visiting]);
            let status = explaining.and_then(|i| recs[i].status);
            Some(match status {
                Some(Status::TransferIn) => change(Kind::TransferIn, explaining, recs, ""),
                Some(Status::Visiting) => change(Kind::VisitIn, explaining, recs, ""),
                Some(_) => {
                    // 复学: from what?
                    let prior = tr.before.or_else(|| others().filter_map(|k| tracks[k].before).find(|b| !b.on_roll()));
                    match prior {
                        Some(p) if p.status.is_dropout() => change(Kind::Returned, explaining, recs, ""),
                        None => change(
                            Kind::Returned,
                            explaining,
                            recs,
                            "复学前状态不明（上周学籍中无此学生），按劝返复学计",
                        ),
                        Some(p) if p.status == Status::Suspended => {
                            change(Kind::OtherIncrease, explaining, recs, "休学复学，表中无对应栏目")
                        }
                        Some(p) => change(
                            Kind::OtherIncrease,
                            explaining,
                            recs,
                            format!("复学（上周为{}），表中无对应栏目", p.label()),
                        ),
                    }
                }
                None => {
                    // Arrived from another school whose row records a 转出?
                    let moved = others().find_map(|k| {
                        let o = &tracks[k];
                        if o.was() && !o.is() {
                            o.fresh_with(recs, &[Status::TransferOut]).map(|i| (k, i))
                        } else {
                            None
                        }
                    });
                    if let Some((k, i)) = moved {
                        change(Kind::TransferIn, Some(i), recs, format!("由{}转入（据该校转出记录）", school(k)))
                    } else if tr.before.is_some_and(|b| b.status == Status::Visiting && b.visit == Some(Visit::Out)) {
                        let rec = tr.after.and_then(|a| a.rec);
                        change(Kind::OtherIncrease, rec, recs, "借读结束回本校，表中无对应栏目")
                    } else {
                        let note = match tr.before {
                            Some(b) => format!(
                                "上周为{}，本周为{}，没有复学等异动记录",
                                b.label(),
                                tr.after.expect("counts").label()
                            ),
                            None => match others().find(|&k| tracks[k].was()) {
                                Some(k) => format!("上周学籍在{}，两校均无转学记录", school(k)),
                                None => "上周学籍中没有此学生，本周也没有转入、复学或借读记录".to_string(),
                            },
                        };
                        change(Kind::UnexplainedGain, None, recs, note)
                    }
                }
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(status: Status, visit: Option<Visit>) -> Option<Standing> {
        Some(Standing { status, visit, rec: Some(0) })
    }

    #[test]
    fn suspended_and_visiting_out_do_not_count() {
        assert!(st(Status::Enrolled, None).unwrap().on_roll());
        assert!(st(Status::Resumed, None).unwrap().on_roll());
        assert!(st(Status::Visiting, Some(Visit::In)).unwrap().on_roll());
        assert!(!st(Status::Visiting, Some(Visit::Out)).unwrap().on_roll());
        assert!(!st(Status::Suspended, None).unwrap().on_roll());
        assert!(!st(Status::Dropout, None).unwrap().on_roll());
    }

    #[test]
    fn visiting_without_direction_follows_last_week() {
        let mut before = st(Status::Enrolled, None);
        let mut after = st(Status::Visiting, None);
        resolve_visits(&mut before, &mut after);
        assert_eq!(after.unwrap().visit, Some(Visit::Out), "our own student now studies elsewhere");
        let mut before = None;
        let mut after = st(Status::Visiting, None);
        resolve_visits(&mut before, &mut after);
        assert_eq!(after.unwrap().visit, Some(Visit::In), "a newcomer studies here");
        assert_eq!(visit_of("借读（出）"), Some(Visit::Out));
        assert_eq!(visit_of("借读(入)"), Some(Visit::In));
    }

    #[test]
    fn undoing_a_change_gives_last_weeks_standing() {
        let dropout = Standing { status: Status::Dropout, visit: None, rec: Some(0) };
        assert!(undo(&dropout).unwrap().on_roll());
        assert!(undo(&dropout).unwrap().rec.is_none(), "inferred, not read");
        let arrival = Standing { status: Status::TransferIn, visit: None, rec: Some(0) };
        assert!(undo(&arrival).is_none());
    }
}
