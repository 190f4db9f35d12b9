//! `适龄儿童台账/<镇街>适龄儿童台账.xlsx`: the first of the three ledgers of national practice —
//! every child of the town in the window and in the 待入学 cohort, with the status the run
//! established (在校 with school and grade, 县外就读待核实, 待入学, 缓学/免学 until, 送教上门,
//! 死亡, 已完成义务教育, or the problem raised).

use std::collections::BTreeMap;
use std::path::Path;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::xlsx::{self, Formats};
use crate::normalize::values::disability_category_label;
use crate::people::{Origin, People};
use crate::plan::Plan;
use crate::rules::window::{age_on, Cohort};
use crate::rules::{Case, Facts, Problem};
use crate::sources::Data;

/// One row of the children's ledger.
pub struct ChildRow {
    pub person: usize,
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
pub fn rows_by_town(people: &People, data: &Data, plan: &Plan, cases: &[Case]) -> BTreeMap<String, Vec<ChildRow>> {
    let mut problems: BTreeMap<usize, Vec<&Case>> = BTreeMap::new();
    for c in cases {
        if let Some(p) = c.person {
            problems.entry(p).or_default().push(c);
        }
    }
    let mut out: BTreeMap<String, Vec<ChildRow>> = BTreeMap::new();
    for (i, p) in people.persons.iter().enumerate() {
        if !matches!(p.origin, Origin::Census | Origin::PovertyOnly) {
            continue;
        }
        let f = Facts::of(p, people, data, &plan.params);
        if !matches!(f.cohort, Cohort::InWindow | Cohort::Pending) {
            continue;
        }
        let raised = problems.get(&i).map(Vec::as_slice).unwrap_or(&[]);
        let (school, grade) = f.current.map(|r| (r.school.clone(), r.grade.clone())).unwrap_or_default();
        let placement = |c: &&&Case| {
            matches!(
                c.problem,
                Problem::NotEnrolled
                    | Problem::OutOfAreaUnverified
                    | Problem::DisabledUnplaced
                    | Problem::ExemptionExpired
                    | Problem::HomeTeachingUnregistered
            )
        };
        let placement_problem = raised.iter().filter(|c| !c.history.closed).find(placement);
        let closed_placement = raised.iter().filter(|c| c.history.closed).find(placement);
        let status = if !f.alive {
            "死亡".to_string()
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
            format!("{}（至{}）", e.kind.map(|k| k.label()).unwrap_or("缓学/免学"), e.valid_until.format("%Y-%m-%d"))
        } else if f.on_roster {
            "送教上门".to_string()
        } else if f.completed_junior {
            "已完成义务教育".to_string()
        } else if let Some(c) = closed_placement {
            format!("已销号：{}", c.history.last_outcome)
        } else {
            "状态不明".to_string()
        };
        let note = raised
            .iter()
            .map(|c| {
                let closed =
                    if c.history.closed { format!("（{}销号）", c.history.closed_in) } else { String::new() };
                format!("{} {}{closed}", c.case_id, c.problem.label())
            })
            .collect::<Vec<_>>()
            .join("；");
        out.entry(p.town.clone()).or_default().push(ChildRow { person: i, status, school, grade, note });
    }
    for rows in out.values_mut() {
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
    }
    out
}

/// Writes one town's 适龄儿童台账 (constant-memory: a town can have thousands of children).
pub fn write_town(
    path: &Path,
    town: &str,
    rows: &[ChildRow],
    people: &People,
    data: &Data,
    plan: &Plan,
) -> Result<(), XlsxError> {
    let as_of = plan.params.as_of;
    let title = format!("{town}适龄儿童台账（基准日 {}）", as_of.format("%Y-%m-%d"));
    let mut wb = xlsx::workbook(&title, as_of);
    let f = Formats::new();
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("适龄儿童")?;
    write_sheet(ws, &f, &title, rows, people, data, plan)?;
    wb.save(path)
}

fn write_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    title: &str,
    rows: &[ChildRow],
    people: &People,
    data: &Data,
    plan: &Plan,
) -> Result<(), XlsxError> {
    let last_col = (COLUMNS.len() - 1) as u16;
    for (c, (_, w)) in COLUMNS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
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
        let facts = Facts::of(p, people, data, &plan.params);
        let disability = if facts.disabled {
            facts.disability_category.map(disability_category_label).unwrap_or("残疾").to_string()
        } else {
            String::new()
        };
        ws.write_number_with_format(r, 0, (k + 1) as f64, &f.number)?;
        let cells: [(&str, &rust_xlsxwriter::Format); 15] = [
            (&p.town, &f.cell),
            (&p.village, &f.cell),
            (&p.group_text, &f.cell),
            (&p.householder, &f.cell),
            (&p.name, &f.cell),
            (p.sex.map(|s| s.label()).unwrap_or(""), &f.cell),
            (&p.id.text, &f.text),
            (&p.birth.map(|b| b.format("%Y-%m-%d").to_string()).unwrap_or_default(), &f.text),
            (&p.birth.map(|b| age_on(b, plan.params.as_of).to_string()).unwrap_or_default(), &f.number),
            (if facts.poverty { "是" } else { "否" }, &f.cell),
            (&disability, &f.cell),
            (&row.status, &f.cell),
            (&row.school, &f.cell),
            (&row.grade, &f.cell),
            (&row.note, &f.wrap),
        ];
        for (c, (text, fmt)) in cells.iter().enumerate() {
            ws.write_string_with_format(r, (c + 1) as u16, *text, fmt)?;
        }
    }
    ws.set_freeze_panes(3, 6)?;
    ws.autofilter(2, 0, (2 + rows.len() as u32).max(3), last_col)?;
    xlsx::print_setup(ws, (2, 2))?;
    Ok(())
}
