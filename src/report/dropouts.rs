//! `辍学学生花名册.xlsx` in the shape of attachment 2 of the notice: every non_completer and
//! not_enrolled child with a 学籍 history, with one 劝返情况 column for each of the five
//! working days after as_of, for schools to fill in.

use std::collections::HashMap;
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rust_xlsxwriter::XlsxError;

use super::xlsx::{self, Formats};
use crate::link::people::People;
use crate::plan::Plan;
use crate::rules::{Case, Problem, RosterCells as RowCells, RosterEntry as Entry, Whose};
use crate::sources::Data;

/// Attachment 2's fixed columns, before the one 劝返情况 column per working day. The weekly
/// pipeline's daily roster uses the same list.
pub const ROSTER_COLUMNS: [&str; 12] = [
    "序号",
    "学校",
    "姓名",
    "性别",
    "身份证号",
    "学籍号",
    "年级",
    "班级",
    "户籍地址",
    "是否建卡（必填）",
    "情况说明",
    "建议",
];

/// The five working days (Monday–Friday) after `as_of`.
pub fn working_days_after(as_of: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut d = as_of;
    while out.len() < 5 {
        d += Duration::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            out.push(d);
        }
    }
    out
}

/// Fills [`Case::roster`] of every non_completer and not_enrolled case from the people and
/// records of partition `part` (0 in a run that links all its records at once).
pub fn annotate(cases: &mut [Case], people: &People, data: &Data, part: u32) {
    for c in cases.iter_mut() {
        if !matches!(c.problem, Problem::NonCompleter | Problem::NotEnrolled) {
            continue;
        }
        let whose = match c.person {
            Some(p) => (part, Some(p), None),
            None => (part, None, c.student),
        };
        // A person with a 学籍 history, or a 学籍 student linked to no person (a dropout
        // known only to 学籍).
        let (key, person, student) = match (c.person, c.student) {
            (Some(p), _) if people.persons[p].student.is_some() => {
                let person = &people.persons[p];
                ((part, 0, p), Some(person), person.student.as_ref().expect("has 学籍").student)
            }
            (None, Some(s)) => ((part, 1, s), None, s),
            _ => {
                c.roster = Some(Box::new(Entry { whose, row: None }));
                continue;
            }
        };
        let rec = &data.enrollment[people.students[student].current];
        let hukou = match person {
            Some(person) => person
                .primary
                .map(|i| data.census[i].hukou_text.to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| format!("{}{}{}", person.town, person.village, person.group_text)),
            None => rec.hukou_text.to_string(),
        };
        let row = RowCells {
            key,
            school: rec.school.to_string(),
            student_no: rec.student_no.to_string(),
            grade: rec.grade.to_string(),
            class: rec.class.to_string(),
            hukou,
        };
        c.roster = Some(Box::new(Entry { whose, row: Some(row) }));
    }
}

/// Writes the roster from cases [`annotate`]d. One row per child (a child with both
/// problems appears once).
pub fn write(path: &Path, cases: &[&Case], plan: &Plan) -> Result<(), XlsxError> {
    let as_of = plan.params.as_of;
    let title = "义务教育辍学学生花名册日报表";
    let mut wb = xlsx::workbook(title, as_of);
    let f = Formats::new();
    let days = working_days_after(as_of);
    let mut headers: Vec<String> = ROSTER_COLUMNS.iter().map(|s| s.to_string()).collect();
    headers.extend(days.iter().map(|d| format!("{}.{}劝返情况", d.month(), d.day())));
    let widths = [4.0, 16.0, 7.0, 4.0, 19.5, 21.0, 7.0, 7.0, 20.0, 8.0, 28.0, 18.0];

    fn entry(c: &Case) -> Option<&Entry> {
        c.roster.as_deref().filter(|_| matches!(c.problem, Problem::NonCompleter | Problem::NotEnrolled))
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut rows: Vec<(&Case, &RowCells)> = Vec::new();
    for &c in cases {
        let Some(row) = entry(c).and_then(|e| e.row.as_ref()) else { continue };
        if seen.insert(row.key) {
            rows.push((c, row));
        }
    }
    rows.sort_by(|(a, _), (b, _)| (&a.school, &a.name, &a.case_id).cmp(&(&b.school, &b.name, &b.case_id)));
    // 辍学情况: the descriptions of all the child's dropout cases, in case order. A case is
    // the child's when it names the same person, or (known only to 学籍) the same student.
    let mut situations: HashMap<Whose, Vec<&str>> = HashMap::new();
    for &x in cases {
        if let Some(e) = entry(x) {
            situations.entry(e.whose).or_default().push(&x.description);
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name("花名册")?;
    let last_col = headers.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last_col, title, &f.title)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        &format!(
            "填报单位：（公章）        填报日期：{}        基准日：{}",
            "    年  月  日",
            as_of.format("%Y-%m-%d")
        ),
        &f.subtitle,
    )?;
    for (c, h) in headers.iter().enumerate() {
        let fmt = if c >= 12 || h.contains("必填") { &f.header_fill } else { &f.header };
        ws.write_string_with_format(2, c as u16, h, fmt)?;
        ws.set_column_width(c as u16, *widths.get(c).unwrap_or(&10.0))?;
    }
    ws.set_row_height(2, 30)?;
    for (k, (c, rec)) in rows.iter().enumerate() {
        let r = 3 + k as u32;
        let whose = c.roster.as_ref().expect("annotated").whose;
        let situation = situations.get(&whose).map(|d| d.join("；")).unwrap_or_default();
        ws.write_number_with_format(r, 0, (k + 1) as f64, &f.number)?;
        let cells: [(&str, &rust_xlsxwriter::Format); 11] = [
            (&rec.school, &f.cell),
            (&c.name, &f.cell),
            (&c.sex, &f.cell),
            (&c.id_number, &f.text),
            (&rec.student_no, &f.text),
            (&rec.grade, &f.cell),
            (&rec.class, &f.cell),
            (&rec.hukou, &f.wrap),
            (if c.poverty { "是" } else { "否" }, &f.cell),
            (&situation, &f.wrap),
            (c.problem.measure(), &f.wrap),
        ];
        let mut wrapped = Vec::new();
        for (col, (text, fmt)) in cells.iter().enumerate() {
            ws.write_string_with_format(r, col as u16 + 1, *text, fmt)?;
            if std::ptr::eq(*fmt, &f.wrap) {
                wrapped.push((*text, widths[col + 1]));
            }
        }
        // 情况说明 and 建议 wrap: the row is as tall as the longest, or they overlap.
        ws.set_row_height(r, super::layout::row_height(&wrapped))?;
        for d in 0..days.len() {
            ws.write_blank(r, 12 + d as u16, &f.fill)?;
        }
    }
    ws.set_freeze_panes(3, 3)?;
    xlsx::print_setup(ws, (2, 2))?;
    wb.save(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_working_days_skip_the_weekend() {
        let d = |m, day| NaiveDate::from_ymd_opt(2020, m, day).unwrap();
        assert_eq!(working_days_after(d(5, 14)), vec![d(5, 15), d(5, 18), d(5, 19), d(5, 20), d(5, 21)]);
    }
}
