//! A 学籍 student's state, read from all of their rows across schools by the meaning of the
//! national system rather than by the latest date alone (README: 学籍状态的认定).
//!
//! - A transfer has two sides: a 转出 at one school is a move when the student has rows at
//!   another school, whatever the order and dates of the rows.
//! - Grades move forward: a row in a higher grade is later than any row in a lower grade (升学
//!   from 小学 to 初中 is not an 异动, so the 初中 row's 异动日期 can be older than the primary
//!   school's 毕业).
//! - At one school, the last row (grade, then date; an undated row of a current export last)
//!   is that school's standing. An active standing (在读, 转入, 复学, 休学, 借读) is the
//!   student's state unless a later terminal row says otherwise.
//! - What cannot be reconciled is a [`Conflict`]: 在读 at two schools in the same grade with
//!   nothing to say which is current, or a 辍学/退学/其他离校/死亡 at one school later than (or
//!   not orderable against) the 在读 at another.

use chrono::NaiveDate;

use super::enrollment::EnrollRec;
use crate::normalize::values::Status;

/// Why two rows of a student cannot both be true.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictKind {
    /// 在读 (or 休学) at two schools at once, in the same grade, no 转入 or 转出 to settle it.
    TwoActive,
    /// A 辍学/退学/其他离校/死亡 at one school later than the 在读 at another.
    LeftAfterActive,
    /// One 全国学籍号 carries two different valid ID numbers (the other row belongs to another
    /// student of the export).
    TwoIds,
}

impl ConflictKind {
    pub fn label(self) -> &'static str {
        match self {
            ConflictKind::TwoActive => "两校同时在籍",
            ConflictKind::LeftAfterActive => "一校在读、另一校登记离校",
            ConflictKind::TwoIds => "同一学籍号对应两个身份证号",
        }
    }
}

/// An irreconcilable history: the two rows (record indices) that disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub kind: ConflictKind,
    pub rows: [usize; 2],
}

/// How a student's state was chosen.
#[derive(Clone, Debug, Default)]
pub struct Resolution {
    /// Why the current row stands, for evidence: `2019-12-26 由吴家中学转入`.
    pub why: Option<String>,
    pub conflict: Option<Conflict>,
    /// Rows without an ID at different schools joined by name, birth date, sex and 户口所在地.
    pub joined: bool,
    /// The current row is a 转出 with no receiving school.
    pub left_unreceived: bool,
}

/// What the joined rows' evidence says.
pub const JOINED: &str = "各校学籍号不同且无身份证号，按姓名、出生日期、性别、户口所在地一致认定为同一学生";

fn fmt(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The grade a row stands in: its own, else that of the student's rows around it (the
/// highest grade dated no later, an undated row the highest of all), else none.
fn effective_grades(recs: &[EnrollRec], rows: &[usize]) -> Vec<Option<u8>> {
    let max_all = rows.iter().filter_map(|&i| recs[i].grade_level).max();
    let min_all = rows.iter().filter_map(|&i| recs[i].grade_level).min();
    rows.iter()
        .map(|&i| {
            let r = &recs[i];
            r.grade_level.or_else(|| match r.status_date {
                None => max_all,
                Some(d) => rows
                    .iter()
                    .filter(|&&j| recs[j].status_date.is_some_and(|dj| dj <= d))
                    .filter_map(|&j| recs[j].grade_level)
                    .max()
                    .or(min_all),
            })
        })
        .collect()
}

/// The order of progress: grade, then date (an undated row — a current export — last),
/// then input order.
type Key = (Option<u8>, bool, Option<NaiveDate>, usize);

/// Chooses the current row of a student (record indices `rows`, any order) and says how.
/// Returns the current record index and the resolution (`joined` left false).
pub fn resolve(recs: &[EnrollRec], rows: &[usize]) -> (usize, Resolution) {
    let grades = effective_grades(recs, rows);
    let key = |k: usize| -> Key {
        let i = rows[k];
        (grades[k], recs[i].status_date.is_none(), recs[i].status_date, i)
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&k| key(k));
    let with_status: Vec<usize> = order.iter().copied().filter(|&k| recs[rows[k]].status.is_some()).collect();
    let mut res = Resolution::default();
    let Some(&last) = with_status.last() else {
        return (rows[*order.last().expect("a student has rows")], res);
    };
    // Each school's standing: its last row with a status.
    let school = |k: usize| crate::normalize::compact(&recs[rows[k]].school);
    let mut schools: Vec<String> = Vec::new();
    let mut standing: Vec<usize> = Vec::new();
    for &k in &with_status {
        let s = school(k);
        match schools.iter().position(|x| *x == s) {
            Some(p) => standing[p] = k,
            None => {
                schools.push(s);
                standing.push(k);
            }
        }
    }
    if schools.len() == 1 {
        let r = &recs[rows[last]];
        if r.status == Some(Status::TransferOut) {
            res.left_unreceived = true;
            res.why = Some(left_sentence(r));
        }
        return (rows[last], res);
    }
    let status = |k: usize| recs[rows[k]].status.expect("rows with a status");
    let has_at = |p: usize, st: Status| with_status.iter().any(|&k| school(k) == schools[p] && status(k) == st);
    let date_of = |k: usize| recs[rows[k]].status_date;
    // Standings by kind; a 转出 where the student has rows at another school is a move.
    let mut active: Vec<usize> = Vec::new();
    let mut terminal: Vec<usize> = Vec::new();
    let mut outs: Vec<usize> = Vec::new();
    let mut grads: Vec<usize> = Vec::new();
    for (p, &k) in standing.iter().enumerate() {
        match status(k) {
            s if s.is_active() => active.push(p),
            Status::TransferOut => outs.push(p),
            Status::Graduated | Status::Completed => grads.push(p),
            _ => terminal.push(p),
        }
    }
    // Where the student came from by a transfer: a school with a 转出 row (a move, since
    // there are other schools).
    let moved_from = |to: usize| -> Option<(usize, Option<NaiveDate>)> {
        let from = (0..schools.len()).filter(|&p| p != to && has_at(p, Status::TransferOut)).max_by_key(|&p| {
            with_status.iter().copied().filter(|&k| school(k) == schools[p] && status(k) == Status::TransferOut).max()
        })?;
        let in_date = with_status
            .iter()
            .copied()
            .filter(|&k| school(k) == schools[to] && status(k) == Status::TransferIn)
            .filter_map(date_of)
            .max();
        let out_date = with_status
            .iter()
            .copied()
            .filter(|&k| school(k) == schools[from] && status(k) == Status::TransferOut)
            .filter_map(date_of)
            .max();
        Some((from, in_date.or(out_date)))
    };
    let why_in = |to: usize| -> Option<String> {
        if let Some((from, date)) = moved_from(to) {
            let name = &recs[rows[standing[from]]].school;
            return Some(match date {
                Some(d) => format!("{} 由{name}转入", fmt(d)),
                None => format!("由{name}转入"),
            });
        }
        // 升学: a primary 毕业 at another school, in a lower grade.
        let k = standing[to];
        grads.iter().copied().filter(|&g| g != to && grades[standing[g]] < grades[k]).map(|g| standing[g]).max().map(
            |g| {
                let r = &recs[rows[g]];
                match r.status_date {
                    Some(d) => format!("{} {}毕业后升学", fmt(d), r.school),
                    None => format!("{}毕业后升学", r.school),
                }
            },
        )
    };

    if !active.is_empty() {
        // 借读 is at a school other than the one holding the 学籍: not a second standing.
        let regular: Vec<usize> = active.iter().copied().filter(|&p| status(standing[p]) != Status::Visiting).collect();
        let pool = if regular.is_empty() { active.clone() } else { regular };
        let top_grade = pool.iter().map(|&p| grades[standing[p]]).max().flatten();
        let top: Vec<usize> = pool.iter().copied().filter(|&p| grades[standing[p]] == top_grade).collect();
        // Among the schools of the top grade: one the student left by a 转出 (a row the
        // export kept after the move) stands down; one with a 转入 stands.
        let left = |p: usize| {
            with_status
                .iter()
                .copied()
                .filter(|&k| school(k) == schools[p])
                .rev()
                .find(|&k| matches!(status(k), Status::TransferOut | Status::TransferIn))
                .is_some_and(|k| status(k) == Status::TransferOut)
        };
        let staying: Vec<usize> = top.iter().copied().filter(|&p| !left(p)).collect();
        let staying = if staying.is_empty() { top.clone() } else { staying };
        let arrived: Vec<usize> = staying.iter().copied().filter(|&p| has_at(p, Status::TransferIn)).collect();
        let chosen = if staying.len() == 1 {
            Some(staying[0])
        } else if arrived.len() == 1 {
            Some(arrived[0])
        } else {
            None
        };
        let Some(cur) = chosen else {
            // 在读 at two schools at once.
            let mut by_key = staying.clone();
            by_key.sort_by_key(|&p| key(standing[p]));
            let (a, b) = (standing[by_key[by_key.len() - 1]], standing[by_key[by_key.len() - 2]]);
            res.conflict = Some(Conflict { kind: ConflictKind::TwoActive, rows: [rows[a], rows[b]] });
            res.why = Some(conflict_sentence(recs, rows[a], rows[b]));
            return (rows[a], res);
        };
        let k = standing[cur];
        if top.len() > 1 && moved_from(cur).is_none() {
            let others: Vec<&str> =
                top.iter().filter(|&&p| p != cur).map(|&p| recs[rows[standing[p]]].school.as_str()).collect();
            res.why = Some(format!("本校有转入记录，{}的记录尚未更新", others.join("、")));
        } else {
            res.why = why_in(cur);
        }
        // A terminal standing at another school later than this one (or not orderable
        // against it) contradicts it.
        if let Some(&t) = terminal
            .iter()
            .filter(|&&t| later_or_unordered(key(standing[t]), key(k)))
            .max_by_key(|&&t| key(standing[t]))
        {
            let t = standing[t];
            res.conflict = Some(Conflict { kind: ConflictKind::LeftAfterActive, rows: [rows[k], rows[t]] });
            res.why = Some(conflict_sentence(recs, rows[k], rows[t]));
        }
        return (rows[k], res);
    }
    if let Some(&t) = terminal.iter().max_by_key(|&&p| key(standing[p])) {
        return (rows[standing[t]], res);
    }
    // No school holds the student: a 转出 (all to nowhere: none of the other schools is
    // active or terminal) or a 毕业.
    let last_left = outs.iter().chain(grads.iter()).copied().max_by_key(|&p| key(standing[p]));
    match last_left {
        Some(p) if status(standing[p]) == Status::TransferOut => {
            // Another school's 毕业 only: the 转出 is that move; the student holds no 学籍.
            let k = standing[p];
            res.left_unreceived = grads.is_empty();
            if res.left_unreceived {
                res.why = Some(left_sentence(&recs[rows[k]]));
            }
            (rows[k], res)
        }
        Some(p) => (rows[standing[p]], res),
        None => (rows[last], res),
    }
}

/// `原在荣昌中学 初二(3)班就读，2019-03-22 转出，未见转入学校`.
pub fn left_sentence(r: &EnrollRec) -> String {
    match r.status_date {
        Some(d) => format!("原在{}就读，{} 转出，未见转入学校", r.placement(), fmt(d)),
        None => format!("原在{}就读，已转出，未见转入学校", r.placement()),
    }
}

/// `学籍状态矛盾：甲小学 三年级 在读；乙小学 三年级 辍学（2019-05-06）`.
pub fn conflict_sentence(recs: &[EnrollRec], a: usize, b: usize) -> String {
    format!("学籍状态矛盾：{}；{}", row_sentence(&recs[a]), row_sentence(&recs[b]))
}

/// `甲小学 三年级 辍学（2019-05-06，学籍号 L…）`.
pub fn row_sentence(r: &EnrollRec) -> String {
    let status = r.status.map(|s| s.label()).unwrap_or("状态不明");
    let mut extra: Vec<String> = Vec::new();
    if let Some(d) = r.status_date {
        extra.push(fmt(d));
    }
    if !r.student_no.is_empty() {
        extra.push(format!("学籍号 {}", r.student_no));
    }
    let extra = if extra.is_empty() { String::new() } else { format!("（{}）", extra.join("，")) };
    format!("{} {status}{extra}", r.placement())
}

/// Whether `a` is later than `b`, or the two cannot be ordered (same grade, neither dated).
fn later_or_unordered(a: Key, b: Key) -> bool {
    if a.0 != b.0 {
        return a.0 > b.0;
    }
    match (a.2, b.2) {
        (Some(x), Some(y)) => x > y,
        (None, Some(_)) => true,
        (Some(_), None) => false,
        (None, None) => true,
    }
}
