//! The 问题台账 a town receives: `问题台账/<镇街>问题台账.xlsx` with a 汇总 sheet (counts by
//! village × problem type, with a native bar chart), 全部问题, one sheet per problem
//! category present (the notice's 分门别类 台账), and one sheet per village. With
//! `--per-village`, also one workbook per village for towns that forward them.

use std::path::Path;

use rust_xlsxwriter::{Chart, ChartType, Workbook, XlsxError};

use super::xlsx::{self, Formats};
use crate::plan::Plan;
use crate::rules::{Case, Problem};

/// Writes one town's ledger workbook.
pub fn write_town(path: &Path, town: &str, cases: &[&Case], plan: &Plan) -> Result<(), XlsxError> {
    let as_of = plan.params.as_of;
    let title = format!("{town}控辍保学问题台账（基准日 {}）", as_of.format("%Y-%m-%d"));
    let mut wb = xlsx::workbook(&title, as_of);
    let f = Formats::new();
    let mut taken = Vec::new();
    let subtitle = format!(
        "填报单位：{town}    问题数：{}    完成时限：{}    黄色列由镇街核实后填写，“核实结果”请从下拉列表选择",
        cases.len(),
        plan.params.deadline().format("%Y-%m-%d")
    );

    write_summary(&mut wb, &f, &mut taken, town, cases, plan)?;

    let ws = wb.add_worksheet();
    ws.set_name(xlsx::sheet_name("全部问题", &mut taken))?;
    xlsx::write_case_table(ws, &f, &title, &subtitle, cases, as_of)?;

    for problem in Problem::ALL {
        let subset: Vec<&Case> = cases.iter().copied().filter(|c| c.problem == problem).collect();
        if subset.is_empty() {
            continue;
        }
        let ws = wb.add_worksheet();
        ws.set_name(xlsx::sheet_name(problem.sheet_name(), &mut taken))?;
        let t = format!("{town}{}台账（基准日 {}）", problem.label(), as_of.format("%Y-%m-%d"));
        xlsx::write_case_table(ws, &f, &t, &subtitle, &subset, as_of)?;
    }

    for village in villages(cases) {
        let subset: Vec<&Case> = cases.iter().copied().filter(|c| c.village == village).collect();
        let ws = wb.add_worksheet();
        let label = if village.is_empty() { "村社不详".to_string() } else { village.clone() };
        ws.set_name(xlsx::sheet_name(&label, &mut taken))?;
        let t = format!("{town}{label}控辍保学问题台账（基准日 {}）", as_of.format("%Y-%m-%d"));
        xlsx::write_case_table(ws, &f, &t, &subtitle, &subset, as_of)?;
    }
    wb.save(path)
}

/// Writes one workbook per village of a town into `dir`.
pub fn write_villages(dir: &Path, town: &str, cases: &[&Case], plan: &Plan) -> Result<(), XlsxError> {
    let as_of = plan.params.as_of;
    for village in villages(cases) {
        let subset: Vec<&Case> = cases.iter().copied().filter(|c| c.village == village).collect();
        let label = if village.is_empty() { "村社不详".to_string() } else { village.clone() };
        let title = format!("{town}{label}控辍保学问题台账（基准日 {}）", as_of.format("%Y-%m-%d"));
        let mut wb = xlsx::workbook(&title, as_of);
        let f = Formats::new();
        let ws = wb.add_worksheet();
        ws.set_name("全部问题")?;
        let subtitle = format!("填报单位：{town}{label}    问题数：{}", subset.len());
        xlsx::write_case_table(ws, &f, &title, &subtitle, &subset, as_of)?;
        wb.save(dir.join(format!("{}{label}问题台账.xlsx", safe_file(town))))?;
    }
    Ok(())
}

/// Villages of the cases in ledger order (first appearance; cases are sorted by village).
fn villages(cases: &[&Case]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in cases {
        if !out.contains(&c.village) {
            out.push(c.village.clone());
        }
    }
    out
}

/// A file-name-safe version of a town or village name.
pub fn safe_file(name: &str) -> String {
    let s: String = name.chars().map(|c| if "/\\:*?\"<>|".contains(c) { '_' } else { c }).collect();
    if s.is_empty() {
        "镇街不详".to_string()
    } else {
        s
    }
}

fn write_summary(
    wb: &mut Workbook,
    f: &Formats,
    taken: &mut Vec<String>,
    town: &str,
    cases: &[&Case],
    plan: &Plan,
) -> Result<(), XlsxError> {
    let problems: Vec<Problem> = Problem::ALL.into_iter().filter(|p| cases.iter().any(|c| c.problem == *p)).collect();
    let villages = villages(cases);
    let ws = wb.add_worksheet();
    ws.set_name(xlsx::sheet_name("汇总", taken))?;
    let last_col = (problems.len() + 2) as u16;
    let title = format!("{town}控辍保学问题汇总（基准日 {}）", plan.params.as_of.format("%Y-%m-%d"));
    ws.merge_range(0, 0, 0, last_col.max(3), &title, &f.title)?;
    ws.write_string_with_format(2, 0, "村(社区)", &f.header)?;
    ws.set_column_width(0, 14)?;
    for (k, p) in problems.iter().enumerate() {
        ws.write_string_with_format(2, (k + 1) as u16, p.label(), &f.header)?;
        ws.set_column_width((k + 1) as u16, 12)?;
    }
    ws.write_string_with_format(2, (problems.len() + 1) as u16, "合计", &f.header)?;
    ws.write_string_with_format(2, (problems.len() + 2) as u16, "其中建档立卡", &f.header)?;
    ws.set_row_height(2, 45)?;
    for (r, v) in villages.iter().enumerate() {
        let row = 3 + r as u32;
        ws.write_string_with_format(row, 0, if v.is_empty() { "村社不详" } else { v }, &f.cell)?;
        let in_village: Vec<&&Case> = cases.iter().filter(|c| &c.village == v).collect();
        for (k, p) in problems.iter().enumerate() {
            let n = in_village.iter().filter(|c| c.problem == *p).count();
            ws.write_number_with_format(row, (k + 1) as u16, n as f64, &f.number)?;
        }
        ws.write_number_with_format(row, (problems.len() + 1) as u16, in_village.len() as f64, &f.number)?;
        let poor = in_village.iter().filter(|c| c.poverty).count();
        ws.write_number_with_format(row, (problems.len() + 2) as u16, poor as f64, &f.number)?;
    }
    let total_row = 3 + villages.len() as u32;
    ws.write_string_with_format(total_row, 0, "合计", &f.bold)?;
    for (k, p) in problems.iter().enumerate() {
        let n = cases.iter().filter(|c| c.problem == *p).count();
        ws.write_number_with_format(total_row, (k + 1) as u16, n as f64, &f.number)?;
    }
    ws.write_number_with_format(total_row, (problems.len() + 1) as u16, cases.len() as f64, &f.number)?;
    let poor = cases.iter().filter(|c| c.poverty).count();
    ws.write_number_with_format(total_row, (problems.len() + 2) as u16, poor as f64, &f.number)?;
    ws.set_freeze_panes(3, 1)?;
    xlsx::print_setup(ws, (2, 2))?;

    if !villages.is_empty() && !problems.is_empty() {
        let mut chart = Chart::new(ChartType::BarStacked);
        let sheet = ws.name();
        for (k, p) in problems.iter().enumerate() {
            let col = (k + 1) as u16;
            chart
                .add_series()
                .set_name(p.label())
                .set_categories((sheet.as_str(), 3, 0, total_row - 1, 0))
                .set_values((sheet.as_str(), 3, col, total_row - 1, col));
        }
        chart.title().set_name("各村（社区）问题数");
        chart.set_width(720).set_height(360.max(24 * villages.len() as u32 + 120));
        ws.insert_chart(total_row + 2, 0, &chart)?;
    }
    Ok(())
}
