//! The 问题台账 a town receives: `问题台账/<镇街>问题台账.xlsx` with a 汇总 sheet (counts by
//! village × problem type, with a native bar chart), 全部问题, one sheet per problem
//! category present (the notice's 分门别类 台账), and one sheet per village. With
//! `--per-village`, also one workbook per village for towns that forward them.
//!
//! Why it looks like this: the notice (二·大清查) asks each town to 梳理汇总，分门别类建立问题
//! 台账和清单 with 整改责任和完成时限, and the 责任制 item asks for 逐一销号. So the ledger is
//! the town's working copy of the district's findings: one row per case (not per child: a
//! child with two problems is on two rows, each closed on its own), the verification columns
//! a town fills in (yellow), the deadline (基准日 + `deadline_days`) in every heading, and the
//! closed cases kept apart so that what is left is what still needs a visit.
//!
//! Pipeline position: written by [`super::write_all`] from the cases of one (district, town);
//! the columns and their print settings are [`super::layout`]'s, shared with the 学校问题清单.

use std::path::Path;

use rust_xlsxwriter::{Chart, ChartType, Workbook, Worksheet, XlsxError};

use super::layout::{self, Heading};
use super::xlsx::{self, Formats};
use crate::plan::Plan;
use crate::roundtrip::history::{self, Change, DiffRow};
use crate::rules::{Case, Problem};

/// Writes one town's ledger workbook: open cases in the working sheets, closed ones in
/// 已销号, and the change since the previous run in 变化情况.
pub fn write_town(path: &Path, town: &str, all: &[&Case], changes: &[&DiffRow], plan: &Plan) -> Result<(), XlsxError> {
    let as_of = plan.params.as_of;
    let cases: Vec<&Case> = all.iter().copied().filter(|c| !c.history.closed).collect();
    let closed: Vec<&Case> = all.iter().copied().filter(|c| c.history.closed).collect();
    let cases = cases.as_slice();
    // Every title names the 基准日: a printed page must say which month's data it shows.
    let title = format!("{town}控辍保学问题台账（基准日 {}）", as_of.format("%Y-%m-%d"));
    let mut wb = xlsx::workbook(&title, as_of);
    let f = Formats::new();
    let mut taken = Vec::new();
    let note = format!(
        "完成时限：{}    黄色列由镇街核实后填写，“核实结果”请从下拉列表选择（见“填写说明”）",
        plan.params.deadline().format("%Y-%m-%d")
    );

    // Sheet order is reading order: how to fill in first, then the counts a town head looks
    // at, then the lists the staff work through.
    let ws = wb.add_worksheet();
    ws.set_name(xlsx::sheet_name("填写说明", &mut taken))?;
    layout::write_instructions(ws, &f, &format!("{town}控辍保学问题台账填写说明"))?;

    write_summary(&mut wb, &f, &mut taken, town, cases, closed.len(), plan)?;

    // 全部问题 is the sheet a town returns (any sheet with the verification columns is read
    // back, but one sheet with every open case is the simplest to fill in).
    let ws = wb.add_worksheet();
    ws.set_name(xlsx::sheet_name("全部问题", &mut taken))?;
    layout::write_case_sheet(ws, &f, &Heading { title: &title, unit: town, note: &note }, cases, as_of)?;

    // One sheet per problem type present, in the order of the problem list (a new code gets
    // its sheet without a change here).
    for problem in Problem::ALL {
        let subset: Vec<&Case> = cases.iter().copied().filter(|c| c.problem == problem).collect();
        if subset.is_empty() {
            continue;
        }
        let ws = wb.add_worksheet();
        ws.set_name(xlsx::sheet_name(problem.sheet_name(), &mut taken))?;
        let t = format!("{town}{}台账（基准日 {}）", problem.label(), as_of.format("%Y-%m-%d"));
        layout::write_case_sheet(ws, &f, &Heading { title: &t, unit: town, note: &note }, &subset, as_of)?;
    }

    // The village sheets: the print unit (each goes to the people who visit that village:
    // the notice's 逐村、逐社、逐户、逐人 check is done village by village).
    for village in villages(cases) {
        let subset: Vec<&Case> = cases.iter().copied().filter(|c| c.village == village).collect();
        let ws = wb.add_worksheet();
        let label = if village.is_empty() { "村社不详".to_string() } else { village.clone() };
        ws.set_name(xlsx::sheet_name(&label, &mut taken))?;
        let t = format!("{town}{label}控辍保学问题台账（基准日 {}）", as_of.format("%Y-%m-%d"));
        let unit = format!("{town}{label}");
        layout::write_case_sheet(ws, &f, &Heading { title: &t, unit: &unit, note: &note }, &subset, as_of)?;
    }

    // Closed cases stay in the workbook (逐一销号 needs the record of what was closed, when
    // and why); their 核实结果 can be changed back to reopen one.
    let ws = wb.add_worksheet();
    ws.set_name(xlsx::sheet_name("已销号", &mut taken))?;
    write_closed(ws, &f, town, &closed, plan)?;
    let ws = wb.add_worksheet();
    ws.set_name(xlsx::sheet_name("变化情况", &mut taken))?;
    write_changes(ws, &f, &format!("{town}问题变化情况（与上次运行相比）"), changes, false)?;
    wb.save(path)
}

/// The 已销号 sheet: closed cases with their outcome, the run that closed them and how
/// (by the outcome, or because the case was gone — [`crate::roundtrip::verify::closed_by`]).
pub(crate) fn write_closed(
    ws: &mut Worksheet,
    f: &Formats,
    town: &str,
    closed: &[&Case],
    plan: &Plan,
) -> Result<(), XlsxError> {
    let headers = [
        ("序号", 4.0),
        ("case_id", 13.0),
        ("村(社区)", 8.0),
        ("社", 4.5),
        ("姓名", 6.5),
        ("身份证号", 18.0),
        ("问题类型", 10.0),
        ("核实结果", 11.0),
        ("核实说明", 20.0),
        ("首次发现", 14.0),
        ("销号批次", 14.0),
        ("销号依据", 14.0),
    ];
    let title = format!("{town}已销号问题（基准日 {}）", plan.params.as_of.format("%Y-%m-%d"));
    ws.merge_range(0, 0, 0, headers.len() as u16 - 1, &title, &f.title)?;
    ws.set_row_height(0, 28)?;
    // 核实结果 and 核实说明 can be changed to reopen a case (README: 已销号).
    let editable = |h: &str| matches!(h, "核实结果" | "核实说明");
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, if editable(h) { &f.header_fill } else { &f.header })?;
        ws.set_column_width(c as u16, *w)?;
    }
    ws.merge_range(
        1,
        0,
        1,
        headers.len() as u16 - 1,
        &format!(
            "已销号问题数：{}    如需重新核实，请在“核实结果”中改选不销号的结果（如“其他”）并在“核实说明”写明原因",
            closed.len()
        ),
        &f.subtitle_wrap,
    )?;
    ws.set_row_height(1, 18)?;
    ws.set_row_height(2, 30)?;
    for (k, c) in closed.iter().enumerate() {
        let r = 3 + k as u32;
        ws.write_number_with_format(r, 0, (k + 1) as f64, &f.number)?;
        let basis = crate::roundtrip::verify::closed_by_text(c);
        let cells = [
            (c.case_id.as_str(), &f.text),
            (&c.village, &f.cell),
            (&c.group, &f.cell),
            (&c.name, &f.cell),
            (&c.id_number, &f.text),
            (c.problem.label(), &f.wrap),
            (&c.history.last_outcome, &f.cell),
            (&c.history.outcome_note, &f.wrap),
            (&c.history.first_seen, &f.text),
            (&c.history.closed_in, &f.text),
            (basis.as_str(), &f.wrap),
        ];
        let mut wrapped = Vec::new();
        for (col, (text, fmt)) in cells.iter().enumerate() {
            let fmt = if editable(headers[col + 1].0) { &f.fill } else { *fmt };
            ws.write_string_with_format(r, col as u16 + 1, *text, fmt)?;
            if std::ptr::eq(fmt, &f.wrap) || std::ptr::eq(fmt, &f.fill) {
                wrapped.push((*text, headers[col + 1].1));
            }
        }
        ws.set_row_height(r, layout::row_height(&wrapped))?;
    }
    // The same drop-down as the working sheets, on column H (核实结果), so that an answer
    // typed here is one the next run can read.
    let last_row = (2 + closed.len() as u32).max(3);
    let validation = layout::outcome_validation(
        "如需重新核实，请改选不销号的核实结果（如“其他”），并在核实说明中写明原因；交回后下次运行重新列为待核实。各结果的含义见“填写说明”表。",
    )?;
    ws.add_data_validation(3, 7, last_row, 7, &validation)?;
    ws.set_freeze_panes(3, 0)?;
    layout::print_fixed(ws, (2, 2), layout::PRINT_SCALE)?;
    Ok(())
}

/// The 变化情况 sheet: counts per village of new, resolved, still-open and changed cases and
/// their 合计, then the list. In the district summary (`with_town`) each town's villages
/// are followed by the town's 小计, and the 合计 is the district's (全区).
pub fn write_changes(
    ws: &mut Worksheet,
    f: &Formats,
    title: &str,
    changes: &[&DiffRow],
    with_town: bool,
) -> Result<(), XlsxError> {
    // Counts first (what a meeting asks: how many new, how many resolved since last month),
    // then the list behind them.
    ws.merge_range(0, 0, 0, 7, title, &f.title)?;
    let rows: Vec<DiffRow> = changes.iter().map(|r| (*r).clone()).collect();
    let counts = history::counts(&rows);
    let mut headers = vec!["镇街", "村(社区)"];
    headers.extend(Change::ALL.iter().map(|c| c.label()));
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, if c < 2 { 12.0 } else { 10.0 })?;
    }
    let mut r = 3u32;
    let write_counts = |ws: &mut Worksheet, r: u32, n: &[usize; Change::COUNT]| -> Result<(), XlsxError> {
        for (k, v) in n.iter().enumerate() {
            ws.write_number_with_format(r, 2 + k as u16, *v as f64, &f.number)?;
        }
        Ok(())
    };
    // Village rows grouped by town (the counts are sorted by town, then village).
    type Villages<'a> = Vec<(&'a str, &'a [usize; Change::COUNT])>;
    let mut towns: Vec<(&str, Villages)> = Vec::new();
    for ((town, village), n) in &counts {
        match towns.last_mut() {
            Some((t, villages)) if *t == town.as_str() => villages.push((village, n)),
            _ => towns.push((town, vec![(village, n)])),
        }
    }
    let mut totals = [0usize; Change::COUNT];
    for (town, villages) in &towns {
        let mut sub = [0usize; Change::COUNT];
        for (village, n) in villages {
            ws.write_string_with_format(r, 0, *town, &f.cell)?;
            ws.write_string_with_format(r, 1, if village.is_empty() { "村社不详" } else { village }, &f.cell)?;
            write_counts(ws, r, n)?;
            for k in 0..Change::COUNT {
                sub[k] += n[k];
                totals[k] += n[k];
            }
            r += 1;
        }
        // The district summary closes each town with its 小计.
        if with_town {
            ws.write_string_with_format(r, 0, *town, &f.bold)?;
            ws.write_string_with_format(r, 1, "小计", &f.bold)?;
            write_counts(ws, r, &sub)?;
            r += 1;
        }
    }
    ws.write_string_with_format(r, 0, "合计", &f.bold)?;
    if with_town {
        ws.write_string_with_format(r, 1, "全区", &f.bold)?;
    } else {
        ws.write_blank(r, 1, &f.cell)?;
    }
    write_counts(ws, r, &totals)?;
    r += 2;
    let list_headers = ["变化", "case_id", "镇街", "村(社区)", "姓名", "问题类型", "原问题类型", "原case_id"];
    for (c, h) in list_headers.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &f.header)?;
    }
    ws.set_column_width(5, 18)?;
    ws.set_column_width(6, 18)?;
    ws.set_column_width(7, 12)?;
    for row in changes {
        r += 1;
        let cells = [
            row.change.label(),
            &row.case_id,
            &row.town,
            &row.village,
            &row.name,
            &row.problem_label,
            &row.previous_problem_label,
            &row.previous_case_id,
        ];
        for (c, text) in cells.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, *text, &f.cell)?;
        }
    }
    xlsx::print_setup(ws, (2, 2))?;
    Ok(())
}

/// Writes one workbook per village of a town into `dir` (open cases).
pub fn write_villages(dir: &Path, town: &str, all: &[&Case], plan: &Plan) -> Result<(), XlsxError> {
    let as_of = plan.params.as_of;
    let cases: Vec<&Case> = all.iter().copied().filter(|c| !c.history.closed).collect();
    let cases = cases.as_slice();
    for village in villages(cases) {
        let subset: Vec<&Case> = cases.iter().copied().filter(|c| c.village == village).collect();
        let label = if village.is_empty() { "村社不详".to_string() } else { village.clone() };
        let title = format!("{town}{label}控辍保学问题台账（基准日 {}）", as_of.format("%Y-%m-%d"));
        let mut wb = xlsx::workbook(&title, as_of);
        let f = Formats::new();
        let ws = wb.add_worksheet();
        ws.set_name("填写说明")?;
        layout::write_instructions(ws, &f, &format!("{town}{label}控辍保学问题台账填写说明"))?;
        let ws = wb.add_worksheet();
        ws.set_name("全部问题")?;
        let unit = format!("{town}{label}");
        let note = format!("完成时限：{}", plan.params.deadline().format("%Y-%m-%d"));
        layout::write_case_sheet(ws, &f, &Heading { title: &title, unit: &unit, note: &note }, &subset, as_of)?;
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

/// The 汇总 sheet: open cases by village × problem type, with 合计 and the poverty count; a
/// town with no open case gets the 合计 row of zeros and a line saying so.
fn write_summary(
    wb: &mut Workbook,
    f: &Formats,
    taken: &mut Vec<String>,
    town: &str,
    cases: &[&Case],
    closed: usize,
    plan: &Plan,
) -> Result<(), XlsxError> {
    // Only the problem types present get a column: a town with three kinds of case sees three
    // columns, not twelve mostly-zero ones.
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
    // 其中建档立卡: the notice makes the 2019 poverty register the main object of the clearance.
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
    if cases.is_empty() {
        let note = if closed == 0 {
            "本次未发现问题。".to_string()
        } else {
            format!("本次未发现待核实的问题；已销号的问题 {closed} 个，见“已销号”表。")
        };
        ws.write_string_with_format(total_row + 2, 0, &note, &f.subtitle)?;
    }

    // A native bar chart (it prints and survives WPS), only while the bars stay legible.
    if !villages.is_empty() && !problems.is_empty() && villages.len() <= layout::CHART_MAX_BARS {
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
        layout::place_chart(ws, &mut chart, total_row + 2, villages.len())?;
    }
    Ok(())
}
