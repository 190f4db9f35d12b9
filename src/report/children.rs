//! `适龄儿童台账/<镇街>适龄儿童台账.xlsx`: the first of the three ledgers of national practice —
//! every child of the town in the window and in the 待入学 cohort, with the status the run
//! established (在校 with school and grade, 县外就读待核实, 待入学, 缓学/免学 until, 送教上门,
//! 死亡, 已完成义务教育, or the problem raised) — and every census child whose birth date is
//! unknown (出生日期不明: no usable ID, no 出生日期), who may be of school age.

use std::collections::BTreeMap;
use std::path::Path;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::xlsx::{self, Formats};
use crate::link::people::{Origin, People};
use crate::normalize::values::disability_category_label;
use crate::plan::Plan;
use crate::rules::window::{age_on, Cohort};
use crate::rules::{Case, Facts, Problem};

/// One row of the children's ledger.
pub struct ChildRow {
    pub person: usize,
    /// 是否建卡 and 残疾类别 as shown.
    pub poverty: bool,
    pub disability: String,
    pub status: String,
    pub school: String,
    pub grade: String,
    pub note: String,
}

const COLUMNS: &[(&str, f64)] = &[
    ("序号", 6.0),
    ("镇街", 9.0),
    ("村(社区)", 10.0),
    ("社", 5.0),
    ("户主", 7.0),
    ("姓名", 7.0),
    ("性别", 4.0),
    ("身份证号", 19.5),
    ("出生日期", 10.5),
    ("年龄", 4.5),
    ("是否建卡", 5.0),
    ("残疾类别", 9.0),
    ("就学状态", 16.0),
    ("就读学校", 20.0),
    ("年级", 8.0),
    ("备注", 30.0),
];

/// The status of every census/poverty child of the window and the 待入学 cohort, by town.
/// `cases` includes closed ones: a child whose case a town closed shows the town's finding
/// (已销号：核实结果) unless the data now establish a status.
/// Keyed by (district, town), the district empty in a district run.
pub fn rows_by_town(people: &People, facts: &[Facts], cases: &[Case]) -> BTreeMap<(String, String), Vec<ChildRow>> {
    let mut problems: BTreeMap<usize, Vec<&Case>> = BTreeMap::new();
    for c in cases {
        if let Some(p) = c.person {
            problems.entry(p).or_default().push(c);
        }
    }
    // Everyone the run knows of, including children the census missed but another list
    // (poverty, disability, 送教上门) knows: the ledger is of children, not of census rows.
    use rayon::prelude::*;
    let rows: Vec<ChildRow> = people
        .persons
        .par_iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let f = &facts[i];
            if !matches!(f.cohort, Cohort::InWindow | Cohort::Pending) && !f.birth_unknown {
                return None;
            }
            let raised = problems.get(&i).map(Vec::as_slice).unwrap_or(&[]);
            // A school of another district of the run (a 县外就读 the run verified) is named
            // with its district.
            let (school, grade) = f
                .current
                .map(|r| {
                    let school = if !r.district.is_empty()
                        && r.district != p.district
                        && !r.school.starts_with(r.district.as_str())
                    {
                        format!("{} {}", r.district, r.school)
                    } else {
                        r.school.to_string()
                    };
                    (school, r.grade.to_string())
                })
                .unwrap_or_default();
            let placement = |c: &&&Case| {
                matches!(
                    c.problem,
                    Problem::NotEnrolled
                        | Problem::OutOfAreaUnverified
                        | Problem::DisabledUnplaced
                        | Problem::ExemptionExpired
                        | Problem::HomeTeachingUnregistered
                        | Problem::SuspensionOverdue
                        | Problem::DeathUnverified
                )
            };
            let placement_problem = raised.iter().filter(|c| !c.history.closed).find(placement);
            let closed_placement = raised.iter().filter(|c| c.history.closed).find(placement);
            let status = if !f.alive && placement_problem.is_none() {
                "死亡".to_string()
            } else if f.birth_unknown && !f.active {
                // Whatever was raised (in the 备注), the first thing to find out is the age.
                "出生日期不明".to_string()
            } else if let Some(c) = placement_problem {
                c.problem.label().to_string()
            } else if f.active {
                if f.on_roster {
                    "在校（送教上门）".to_string()
                } else {
                    "在校".to_string()
                }
            } else if f.cohort == Cohort::Pending {
                "待入学".to_string()
            } else if let Some(e) = f.valid_exemption {
                format!("{}（至{}）", e.kind.map(|k| k.label()).unwrap_or("缓学/免学"), f.exemption_until(e))
            } else if f.on_roster {
                "送教上门".to_string()
            } else if f.completed_junior {
                "已完成义务教育".to_string()
            } else if let Some(c) = closed_placement {
                format!("已销号：{}", c.history.last_outcome)
            } else {
                "状态不明".to_string()
            };
            let origin = match p.origin {
                Origin::Census => None,
                Origin::PovertyOnly => Some("清查表未登记，见于建档立卡名单"),
                Origin::DisabilityOnly => Some("清查表未登记，见于残疾人名单"),
                Origin::HomeTeachingOnly => Some("清查表未登记，见于送教上门名册"),
            };
            // Why the 学籍 state shown stands (a transfer, 升学, rows joined by name, a
            // contradiction, a 转出 with no receiving school).
            let why = if f.left_unreceived { f.student_summary() } else { f.why.map(|w| format!("学籍：{w}")) };
            let note = origin
                .map(str::to_string)
                .into_iter()
                .chain(why)
                .chain(raised.iter().map(|c| {
                    let closed =
                        if c.history.closed { format!("（{}销号）", c.history.closed_in) } else { String::new() };
                    format!("{} {}{closed}", c.case_id, c.problem.label())
                }))
                .collect::<Vec<_>>()
                .join("；");
            let disability = if f.disabled {
                f.disability_category.map(disability_category_label).unwrap_or("残疾").to_string()
            } else {
                String::new()
            };
            Some(ChildRow { person: i, poverty: f.poverty, disability, status, school, grade, note })
        })
        .collect();
    let mut out: BTreeMap<(String, String), Vec<ChildRow>> = BTreeMap::new();
    for row in rows {
        let p = &people.persons[row.person];
        out.entry((p.district.to_string(), p.town.to_string())).or_default().push(row);
    }
    out.par_iter_mut().for_each(|(_, rows)| {
        rows.sort_by(|a, b| {
            let (pa, pb) = (&people.persons[a.person], &people.persons[b.person]);
            (&pa.village, &pa.group_text, &pa.householder, &pa.name, a.person).cmp(&(
                &pb.village,
                &pb.group_text,
                &pb.householder,
                &pb.name,
                b.person,
            ))
        });
    });
    out
}

/// Writes one town's 适龄儿童台账 (constant-memory: a town can have thousands of children).
pub fn write_town(path: &Path, town: &str, rows: &[ChildRow], people: &People, plan: &Plan) -> Result<(), XlsxError> {
    let as_of = plan.params.as_of;
    let title = format!("{town}适龄儿童台账（基准日 {}）", as_of.format("%Y-%m-%d"));
    let mut wb = xlsx::workbook(&title, as_of);
    // A town can have tens of thousands of children: the body cells carry no format of their
    // own (the workbook's default, 宋体 9, is theirs), which is several times faster to write
    // than a bordered format per cell; printed pages get their lines from the gridlines.
    wb.set_default_format(&xlsx::body_font(), 15, 56)?;
    let f = Formats::new();
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("适龄儿童")?;
    write_sheet(ws, &f, &title, rows, people, plan)?;
    wb.save(path)
}

fn write_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    title: &str,
    rows: &[ChildRow],
    people: &People,
    plan: &Plan,
) -> Result<(), XlsxError> {
    let last_col = (COLUMNS.len() - 1) as u16;
    for (c, (_, w)) in COLUMNS.iter().enumerate() {
        // Widths count digits of the default font: 宋体 9's are narrower than those of
        // Calibri 11, the default of the other workbooks the widths were chosen for.
        ws.set_column_width(c as u16, *w * 7.0 / 6.0)?;
    }
    // The 16 pt title needs a row taller than the default 15 pt.
    ws.set_row_height(0, 28)?;
    ws.merge_range(0, 0, 0, last_col, title, &f.title)?;
    let subtitle = format!(
        "适龄：{} 至 {} 出生；共 {} 人（含待入学）",
        plan.params.birth_from.format("%Y-%m-%d"),
        plan.params.birth_to.format("%Y-%m-%d"),
        rows.len()
    );
    ws.merge_range(1, 0, 1, last_col, &subtitle, &f.subtitle)?;
    for (c, (h, _)) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &f.header)?;
    }
    for (k, row) in rows.iter().enumerate() {
        let r = 3 + k as u32;
        let p = &people.persons[row.person];
        let birth = p.birth.map(crate::normalize::date::ymd).unwrap_or_default();
        ws.write_number(r, 0, (k + 1) as f64)?;
        let cells: [&str; 14] = [
            &p.town,
            &p.village,
            &p.group_text,
            &p.householder,
            &p.name,
            p.sex.map(|s| s.label()).unwrap_or(""),
            &p.id.text,
            &birth,
            if row.poverty { "是" } else { "否" },
            &row.disability,
            &row.status,
            &row.school,
            &row.grade,
            &row.note,
        ];
        for (c, text) in cells.iter().enumerate() {
            // 年龄 (column 9) is a number.
            let col = if c < 8 { c + 1 } else { c + 2 } as u16;
            ws.write_string(r, col, *text)?;
        }
        if let Some(age) = p.birth.map(|b| age_on(b, plan.params.as_of)) {
            ws.write_number(r, 9, age as f64)?;
        }
    }
    ws.set_print_gridlines(true);
    ws.set_freeze_panes(3, 6)?;
    ws.autofilter(2, 0, (2 + rows.len() as u32).max(3), last_col)?;
    xlsx::print_setup(ws, (2, 2))?;
    Ok(())
}
