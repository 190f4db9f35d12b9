//! The rows of the 周报表 (attachment 1): one per school, grouped by 学区 in roster order, a
//! subtotal after each 学区 and a district total; and the checks that the numbers hold
//! together — reported in the 核对 sheet and on stderr, never corrected quietly.
//!
//! Subtotals and the total are counted again from the students themselves, not summed from
//! the rows above them, so that "subtotal = sum of its rows" is a real check.
//!
//! Pipeline position: changes → **form** → write.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::changes::{Found, Kind};
use super::column::WeeklyColumn;
use super::inputs::{Extra, Schools, UNLISTED};

/// The numbers of one row of the 周报表, and what the form has no column for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Column 4 last week.
    pub roll_before: u32,
    /// Column 4: students who count at the school at the week's end.
    pub roll: u32,
    /// Column 5: attendance where given, else column 4.
    pub present: u32,
    /// Columns 7–11: 辍学, 转出, 休学, 借读（出）, 死亡.
    pub dec: [u32; 5],
    /// Columns 13–15: 转入, 劝返复学, 借读（入）.
    pub inc: [u32; 3],
    /// Recorded changes without a column.
    pub other_dec: u32,
    pub other_inc: u32,
    /// Changes nothing records.
    pub lost: u32,
    pub gained: u32,
}

/// Which of the counts of 本周减少 (columns 7–11) a column is.
fn decrease_part(c: WeeklyColumn) -> Option<usize> {
    WeeklyColumn::DECREASE_PARTS.iter().position(|&p| p == c)
}

/// Which of the counts of 本周增加 (columns 13–15) a column is.
fn increase_part(c: WeeklyColumn) -> Option<usize> {
    WeeklyColumn::INCREASE_PARTS.iter().position(|&p| p == c)
}

impl Counts {
    /// The value of a form column that holds a count (4 to 15); None for the others.
    pub fn column(&self, c: WeeklyColumn) -> Option<u32> {
        match c {
            WeeklyColumn::Roll => Some(self.roll),
            WeeklyColumn::Present => Some(self.present),
            WeeklyColumn::Decreases => Some(self.dec.iter().sum()),
            WeeklyColumn::Increases => Some(self.inc.iter().sum()),
            _ => decrease_part(c).map(|k| self.dec[k]).or_else(|| increase_part(c).map(|k| self.inc[k])),
        }
    }

    fn count(&mut self, kind: Kind) {
        let col = kind.column();
        match (col.and_then(decrease_part), col.and_then(increase_part)) {
            (Some(k), _) => self.dec[k] += 1,
            (None, Some(k)) => self.inc[k] += 1,
            _ => match kind {
                Kind::OtherDecrease => self.other_dec += 1,
                Kind::OtherIncrease => self.other_inc += 1,
                Kind::UnexplainedLoss => self.lost += 1,
                Kind::UnexplainedGain => self.gained += 1,
                _ => {}
            },
        }
    }

    /// 上周第4栏 + 本周增加（第12栏） − 本周减少（第6栏）.
    pub fn expected_roll(&self) -> i64 {
        i64::from(self.roll_before) + i64::from(self.column(WeeklyColumn::Increases).unwrap_or(0))
            - i64::from(self.column(WeeklyColumn::Decreases).unwrap_or(0))
    }

    /// Whether 上周第4栏 + 本周增加 − 本周减少 = 本周第4栏.
    pub fn balances(&self) -> bool {
        self.expected_roll() == i64::from(self.roll)
    }

    /// Why it does not balance, in words (counts only).
    pub fn imbalance(&self) -> String {
        let mut why = Vec::new();
        if self.lost > 0 {
            why.push(format!("无异动记录的减少 {} 人", self.lost));
        }
        if self.gained > 0 {
            why.push(format!("无异动记录的增加 {} 人", self.gained));
        }
        if self.other_dec > 0 {
            why.push(format!("表中无对应栏目的减少 {} 人", self.other_dec));
        }
        if self.other_inc > 0 {
            why.push(format!("表中无对应栏目的增加 {} 人", self.other_inc));
        }
        why.join("，")
    }
}

/// One school's row.
#[derive(Clone, Debug)]
pub struct SchoolRow {
    /// Index into [`Schools::list`].
    pub school: usize,
    /// Column 3: 小学, 初中, or 小学、初中.
    pub school_type: String,
    pub counts: Counts,
    /// Whether column 5 came from the attendance sheet.
    pub attended: bool,
    /// Column 16 (备注).
    pub note: String,
}

/// One 学区: its schools and their subtotal.
#[derive(Clone, Debug)]
pub struct UnitBlock {
    pub unit: String,
    pub rows: Vec<SchoolRow>,
    pub subtotal: Counts,
}

/// One failed check.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub item: &'static str,
    pub unit: String,
    pub school: String,
    pub column: Option<WeeklyColumn>,
    pub expected: i64,
    pub actual: i64,
    pub detail: String,
}

impl Check {
    /// One line for stderr (school names and counts only).
    pub fn describe(&self) -> String {
        let col = self.column.map(|c| format!("第{}栏", c.number())).unwrap_or_default();
        let place = if self.school.is_empty() { self.unit.clone() } else { self.school.clone() };
        let detail = if self.detail.is_empty() { String::new() } else { format!("（{}）", self.detail) };
        format!("{}：{place}{col} 应为 {}，实为 {}{detail}", self.item, self.expected, self.actual)
    }
}

/// The check items, in the order the 核对 sheet lists them.
pub const CHECK_ITEMS: [&str; 5] = [
    "上周第4栏 + 本周增加 − 本周减少 = 本周第4栏（各校）",
    "小计 = 各项之和（第6栏 = 第7至11栏，第12栏 = 第13至15栏）",
    "学区小计 = 本学区各校之和",
    "合计 = 各学区小计之和",
    "全区第4栏 = 本周在籍学生人数（按人计，不重复）",
];

/// The 周报表 and its checks.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    pub units: Vec<UnitBlock>,
    pub total: Counts,
    /// How many comparisons each of [`CHECK_ITEMS`] made.
    pub checked: [usize; 5],
    /// Every failed comparison.
    pub checks: Vec<Check>,
    /// Remarks about the inputs (school names and counts only), for the 核对 sheet and stderr.
    pub notes: Vec<String>,
}

impl Sheet {
    /// Every failed comparison.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter()
    }

    /// How many comparisons of one check item failed.
    pub fn failed(&self, item: &str) -> usize {
        self.checks.iter().filter(|c| c.item == item).count()
    }
}

/// Column 3 from the school's name, else from its students' grades.
pub fn school_type(name: &str, levels: &BTreeSet<u8>) -> String {
    if name.contains("小学") {
        return "小学".into();
    }
    if name.contains("初中") || name.contains("初级中学") || name.contains("中学") {
        return "初中".into();
    }
    let primary = levels.iter().any(|&g| (1..=6).contains(&g));
    let junior = levels.iter().any(|&g| (7..=9).contains(&g));
    match (primary, junior) {
        (true, true) => "小学、初中".into(),
        (true, false) => "小学".into(),
        (false, true) => "初中".into(),
        (false, false) => String::new(),
    }
}

/// Counts students and changes over the tracks for which `keep(school)` holds.
fn tally(found: &Found, keep: impl Fn(usize) -> bool) -> Counts {
    let mut c = Counts::default();
    for t in found.tracks.iter().filter(|t| keep(t.school)) {
        c.roll_before += u32::from(t.was());
        c.roll += u32::from(t.is());
    }
    for ch in found.changes.iter().filter(|ch| keep(found.tracks[ch.track].school)) {
        c.count(ch.kind);
    }
    c
}

/// Builds the rows, subtotals, total and checks.
pub fn build(schools: &Schools, found: &Found, extra: &Extra, recs: &[crate::sources::EnrollRec]) -> Sheet {
    let mut sheet = Sheet::default();
    // Attendance per school (rows of the same school are added up, and said so).
    let mut attendance: BTreeMap<usize, (u32, usize)> = BTreeMap::new();
    for a in &extra.attendance {
        let e = attendance.entry(schools.of(&a.school)).or_insert((0, 0));
        e.0 += a.present;
        e.1 += 1;
    }
    let with_tracks: BTreeSet<usize> = found.tracks.iter().map(|t| t.school).collect();
    let mut levels: BTreeMap<usize, BTreeSet<u8>> = BTreeMap::new();
    for (k, t) in found.tracks.iter().enumerate() {
        if let Some(g) = recs[found.shown_rec(k)].grade_level {
            levels.entry(t.school).or_default().insert(g);
        }
    }
    let mut doubles: BTreeMap<usize, usize> = BTreeMap::new();
    for (_, on) in &found.doubles {
        for &s in on {
            *doubles.entry(s).or_insert(0) += 1;
        }
    }

    for unit in &schools.units {
        let members: Vec<usize> = (0..schools.list.len())
            .filter(|&s| &schools.list[s].unit == unit && (schools.list[s].listed() || with_tracks.contains(&s)))
            .collect();
        if members.is_empty() {
            continue;
        }
        let mut rows = Vec::new();
        for &s in &members {
            let school = &schools.list[s];
            let mut counts = tally(found, |x| x == s);
            let given = attendance.get(&s).copied();
            counts.present = given.map(|g| g.0).unwrap_or(counts.roll);
            let mut note = Vec::new();
            if !school.listed() {
                note.push("未列入包片包校责任人名单".to_string());
            }
            if counts.lost + counts.gained > 0 {
                note.push(format!(
                    "无异动记录的学籍变动 {} 人（减少 {}、增加 {}，见“未说明变动”表）",
                    counts.lost + counts.gained,
                    counts.lost,
                    counts.gained
                ));
            }
            if counts.other_dec + counts.other_inc > 0 {
                note.push(format!(
                    "表中无对应栏目的变动 {} 人（减少 {}、增加 {}，见“异动明细”表）",
                    counts.other_dec + counts.other_inc,
                    counts.other_dec,
                    counts.other_inc
                ));
            }
            if let Some(n) = doubles.get(&s) {
                note.push(format!("{n} 名学生同时在他校在籍（见“核对”表）"));
            }
            if extra.has_attendance && given.is_none() && with_tracks.contains(&s) {
                note.push("未报实际在校学生数，第5栏按第4栏填".to_string());
            }
            if !counts.balances() {
                note.push(format!(
                    "核对不符：上周 {} + 增加 {} − 减少 {} = {}，本周为 {}",
                    counts.roll_before,
                    counts.column(WeeklyColumn::Increases).unwrap_or(0),
                    counts.column(WeeklyColumn::Decreases).unwrap_or(0),
                    counts.expected_roll(),
                    counts.roll
                ));
            }
            rows.push(SchoolRow {
                school: s,
                school_type: school_type(&school.name, levels.get(&s).unwrap_or(&BTreeSet::new())),
                counts,
                attended: given.is_some(),
                note: note.join("；"),
            });
        }
        // The subtotal, counted from the students of these schools.
        let mut subtotal = tally(found, |x| members.contains(&x));
        subtotal.present = rows.iter().map(|r| r.counts.present).sum();
        sheet.units.push(UnitBlock { unit: unit.clone(), rows, subtotal });
    }
    let mut total = tally(found, |s| sheet.units.iter().any(|u| u.rows.iter().any(|r| r.school == s)));
    total.present = sheet.units.iter().map(|u| u.subtotal.present).sum();
    sheet.total = total;
    check(&mut sheet, schools, found);
    notes(&mut sheet, schools, found, extra, &attendance, &with_tracks);
    sheet
}

fn check(sheet: &mut Sheet, schools: &Schools, found: &Found) {
    let mut failed = Vec::new();
    let mut checked = [0usize; 5];
    for u in &sheet.units {
        for r in &u.rows {
            let name = schools.list[r.school].name.clone();
            checked[0] += 1;
            if !r.counts.balances() {
                failed.push(Check {
                    item: CHECK_ITEMS[0],
                    unit: u.unit.clone(),
                    school: name.clone(),
                    column: Some(WeeklyColumn::Roll),
                    expected: r.counts.expected_roll(),
                    actual: i64::from(r.counts.roll),
                    detail: format!(
                        "上周 {} + 增加 {} − 减少 {}；{}",
                        r.counts.roll_before,
                        r.counts.column(WeeklyColumn::Increases).unwrap_or(0),
                        r.counts.column(WeeklyColumn::Decreases).unwrap_or(0),
                        r.counts.imbalance()
                    ),
                });
            }
            for (col, parts) in [
                (WeeklyColumn::Decreases, &WeeklyColumn::DECREASE_PARTS[..]),
                (WeeklyColumn::Increases, &WeeklyColumn::INCREASE_PARTS[..]),
            ] {
                checked[1] += 1;
                let sum: u32 = parts.iter().map(|&c| r.counts.column(c).unwrap_or(0)).sum();
                let v = r.counts.column(col).unwrap_or(0);
                if v != sum {
                    failed.push(Check {
                        item: CHECK_ITEMS[1],
                        unit: u.unit.clone(),
                        school: name.clone(),
                        column: Some(col),
                        expected: i64::from(sum),
                        actual: i64::from(v),
                        detail: String::new(),
                    });
                }
            }
        }
        for col in WeeklyColumn::COUNTS {
            checked[2] += 1;
            let sum: u32 = u.rows.iter().map(|r| r.counts.column(col).unwrap_or(0)).sum();
            let v = u.subtotal.column(col).unwrap_or(0);
            if v != sum {
                failed.push(Check {
                    item: CHECK_ITEMS[2],
                    unit: u.unit.clone(),
                    school: String::new(),
                    column: Some(col),
                    expected: i64::from(sum),
                    actual: i64::from(v),
                    detail: String::new(),
                });
            }
        }
    }
    for col in WeeklyColumn::COUNTS {
        checked[3] += 1;
        let sum: u32 = sheet.units.iter().map(|u| u.subtotal.column(col).unwrap_or(0)).sum();
        let v = sheet.total.column(col).unwrap_or(0);
        if v != sum {
            failed.push(Check {
                item: CHECK_ITEMS[3],
                unit: "全区".into(),
                school: String::new(),
                column: Some(col),
                expected: i64::from(sum),
                actual: i64::from(v),
                detail: String::new(),
            });
        }
    }
    checked[4] += 1;
    let people: BTreeSet<usize> = found.tracks.iter().filter(|t| t.is()).map(|t| t.student).collect();
    if people.len() as u32 != sheet.total.roll {
        failed.push(Check {
            item: CHECK_ITEMS[4],
            unit: "全区".into(),
            school: String::new(),
            column: Some(WeeklyColumn::Roll),
            expected: people.len() as i64,
            actual: i64::from(sheet.total.roll),
            detail: format!("{} 名学生同时在两所及以上学校在籍", found.doubles.len()),
        });
    }
    sheet.checked = checked;
    sheet.checks = failed;
}

fn notes(
    sheet: &mut Sheet,
    schools: &Schools,
    found: &Found,
    extra: &Extra,
    attendance: &BTreeMap<usize, (u32, usize)>,
    with_tracks: &BTreeSet<usize>,
) {
    let mut notes = Vec::new();
    let unlisted: Vec<&str> = schools
        .list
        .iter()
        .enumerate()
        .filter(|(s, x)| !x.listed() && with_tracks.contains(s))
        .map(|(_, x)| x.name.as_str())
        .collect();
    if !unlisted.is_empty() {
        notes.push(format!(
            "{} 所学校不在包片包校责任人名单中，列入“{UNLISTED}”组：{}",
            unlisted.len(),
            unlisted.join("、")
        ));
    }
    let empty: Vec<&str> = schools
        .list
        .iter()
        .enumerate()
        .filter(|(s, x)| x.listed() && !with_tracks.contains(s))
        .map(|(_, x)| x.name.as_str())
        .collect();
    if !empty.is_empty() {
        notes.push(format!(
            "{} 所名单中的学校在两期学籍中都没有学生（学籍导出是否缺失？），按 0 填报：{}",
            empty.len(),
            empty.join("、")
        ));
    }
    if !extra.has_attendance {
        notes.push("没有实际在校人数来源，第5栏按第4栏填".to_string());
    }
    for (&s, &(_, n)) in attendance {
        let name = &schools.list[s].name;
        if !with_tracks.contains(&s) && !schools.list[s].listed() {
            notes.push(format!("实际在校人数表中的学校“{name}”不在名单中，学籍中也没有，未使用"));
        } else if n > 1 {
            notes.push(format!("实际在校人数表中“{name}”出现 {n} 次，已合计"));
        }
    }
    if !found.doubles.is_empty() {
        notes.push(format!("{} 名学生本周同时在两所及以上学校在籍（各校都计入了第4栏）", found.doubles.len()));
    }
    if found.unknown_status > 0 {
        notes.push(format!("{} 行学籍的学籍状态或异动类型无法识别，按在读计", found.unknown_status));
    }
    if found.later_rows > 0 {
        notes.push(format!("{} 行学籍异动日期晚于本周末，本周未计", found.later_rows));
    }
    sheet.notes = notes;
}
