//! `汇总.xlsx`, the district's own summary: towns × problem types and schools × problem types
//! (with native charts and the poverty share of each), and the input accounting per file
//! and sheet (rows read = used + skipped + rejected).

use std::path::Path;

use rust_xlsxwriter::{Chart, ChartType, Workbook, XlsxError};

use super::layout;
use super::xlsx::{self, Formats};
use crate::frame;
use crate::plan::Plan;
use crate::roundtrip::history::DiffRow;
use crate::roundtrip::verify::VerifyReport;
use crate::rules::{Case, Problem};
use crate::table::Inputs;

/// The 学校汇总 row of the cases without a 学籍 school: listed last, never charted.
const NO_SCHOOL: &str = "（无学籍学校）";

/// Writes the district summary workbook (open cases; closed ones are counted in 变化情况).
pub fn write(
    path: &Path,
    all: &[Case],
    changes: &[DiffRow],
    verify: &VerifyReport,
    inputs: &Inputs,
    plan: &Plan,
    view: &super::schools::View,
) -> Result<(), XlsxError> {
    let open: Vec<Case> = all.iter().filter(|c| !c.history.closed).cloned().collect();
    let cases = open.as_slice();
    let as_of = plan.params.as_of;
    let title = format!("{}问题汇总（基准日 {}）", plan.name, as_of.format("%Y-%m-%d"));
    let mut wb = xlsx::workbook(&title, as_of);
    let f = Formats::new();
    // Several districts: districts × problem types first, then the towns under their
    // district's name (昌元街道 of two districts are two rows).
    let multi = cases.iter().any(|c| !c.district.is_empty());
    if multi {
        let districts: Vec<String> = cases
            .iter()
            .map(|c| if c.district.is_empty() { "区县不详".to_string() } else { c.district.clone() })
            .collect();
        cross_table(&mut wb, &f, ("区县汇总", "区县"), &title, cases, &districts, false)?;
    }
    let towns: Vec<String> = cases
        .iter()
        .map(|c| if multi && !c.town.is_empty() { format!("{} {}", c.district, c.town) } else { c.town.clone() })
        .collect();
    cross_table(&mut wb, &f, ("镇街汇总", if multi { "区县 镇街" } else { "镇街" }), &title, cases, &towns, false)?;
    // A school is one of a 学籍 record behind the case; the census's 就读学校 column holds
    // claims (「江苏昆山」, 「随父母在外就读」), not schools, and is not listed here.
    let schools: Vec<String> = cases
        .iter()
        .map(|c| if c.student_no.is_empty() || c.school.is_empty() { NO_SCHOOL.to_string() } else { c.school.clone() })
        .collect();
    cross_table(&mut wb, &f, ("学校汇总", "学校"), &title, cases, &schools, true)?;
    town_unknown(&mut wb, &f, &crate::report::town_unknown::town_unknown(all, inputs))?;
    super::schools::summary_sheet(
        &mut wb,
        &f,
        &format!("各学区、学校问题汇总（基准日 {}）", as_of.format("%Y-%m-%d")),
        view,
    )?;
    accounting(&mut wb, &f, inputs, plan)?;
    let ws = wb.add_worksheet();
    ws.set_name("变化情况")?;
    let refs: Vec<&DiffRow> = changes.iter().collect();
    super::ledger::write_changes(ws, &f, "各镇街问题变化情况（与上次运行相比）", &refs, true)?;
    unmatched(&mut wb, &f, verify)?;
    roster_faults(&mut wb, &f, view.dir)?;
    wb.save(path)
}

/// The 核实反馈 sheet: what the round trip did; every returned row that matched no case;
/// every row whose case this run no longer raises, with what was done.
fn unmatched(wb: &mut Workbook, f: &Formats, v: &VerifyReport) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("核实反馈")?;
    ws.merge_range(0, 0, 0, 4, "核实反馈处理情况", &f.title)?;
    let lines = [
        ("反馈行数", v.rows),
        ("已填写", v.filled),
        ("已对应到本次案件", v.applied),
        ("销号", v.closed),
        ("仍需核实", v.kept_open),
        ("更正身份证号/姓名", v.corrections),
        ("本次已不再出现（已解决）", v.resolved_since),
        ("以前已计入（跳过）", v.stale),
        ("未能对应", v.unmatched.len()),
        ("同一问题答复不一致（以先读到的为准）", v.conflicts.len()),
    ];
    for (k, (label, n)) in lines.iter().enumerate() {
        ws.write_string_with_format(2 + k as u32, 0, *label, &f.cell)?;
        ws.write_number_with_format(2 + k as u32, 1, *n as f64, &f.number)?;
    }
    let headers = [("文件", 40.0), ("工作表", 14.0), ("行", 6.0), ("case_id", 12.0), ("原因", 50.0)];
    for (c, (_, w)) in headers.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let mut top = 3 + lines.len() as u32;
    // The first table's header is the one repeated on printed pages.
    let first_header = top + 1;
    for (title, last, rows) in [
        ("未能对应的反馈行（请核对后重新交回）", "原因", &v.unmatched),
        ("所对应的问题本次已不再出现的反馈行", "处理情况", &v.resolved_rows),
    ] {
        ws.write_string_with_format(top, 0, title, &f.bold)?;
        for (c, (h, _)) in headers.iter().enumerate() {
            ws.write_string_with_format(top + 1, c as u16, if c == 4 { last } else { *h }, &f.header)?;
        }
        for (k, u) in rows.iter().enumerate() {
            let r = top + 2 + k as u32;
            ws.write_string_with_format(r, 0, &u.file, &f.cell)?;
            ws.write_string_with_format(r, 1, &u.sheet, &f.cell)?;
            ws.write_number_with_format(r, 2, f64::from(u.row), &f.number)?;
            ws.write_string_with_format(r, 3, &u.case_id, &f.text)?;
            ws.write_string_with_format(r, 4, &u.reason, &f.wrap)?;
        }
        top += 3 + rows.len() as u32;
    }
    // Answers that disagree: both rows, the one applied first.
    ws.write_string_with_format(
        top,
        0,
        "同一问题答复不一致的反馈行（以先读到的一行为准：文件按路径顺序，工作簿内按工作表顺序，“全部问题”在前）",
        &f.bold,
    )?;
    for (c, h) in ["采用的行", "核实结果", "行", "case_id", "未采用的行（核实结果）"].iter().enumerate()
    {
        ws.write_string_with_format(top + 1, c as u16, *h, &f.header)?;
    }
    for (k, x) in v.conflicts.iter().enumerate() {
        let r = top + 2 + k as u32;
        ws.write_string_with_format(r, 0, format!("{}［{}］", x.applied.file, x.applied.sheet), &f.wrap)?;
        ws.write_string_with_format(r, 1, &x.applied.outcome, &f.cell)?;
        ws.write_number_with_format(r, 2, f64::from(x.applied.row), &f.number)?;
        ws.write_string_with_format(r, 3, &x.case_id, &f.text)?;
        let other = format!("{}［{}］第{}行（{}）", x.other.file, x.other.sheet, x.other.row, x.other.outcome);
        ws.write_string_with_format(r, 4, &other, &f.wrap)?;
    }
    // Printed like every other sheet, the first table's header repeated.
    xlsx::print_setup(ws, (first_header, first_header))?;
    Ok(())
}

/// A sheet of `keys` (one per case) × problem type counts, with 合计, 建档立卡 and its
/// share, and a stacked bar chart.
/// `names` is the sheet's name and the header of its key column.
fn cross_table(
    wb: &mut Workbook,
    f: &Formats,
    (sheet, key_label): (&str, &str),
    title: &str,
    cases: &[Case],
    keys: &[String],
    by_count: bool,
) -> Result<(), XlsxError> {
    let problems: Vec<Problem> = Problem::ALL.into_iter().filter(|p| cases.iter().any(|c| c.problem == *p)).collect();
    let counts = frame::count_by(&[keys.to_vec(), cases.iter().map(|c| c.problem.key().to_string()).collect()]);
    let poor = frame::count_by(&[
        keys.to_vec(),
        cases.iter().map(|c| if c.poverty { "1" } else { "0" }.to_string()).collect(),
    ]);
    let mut rows: Vec<String> = counts.iter().map(|(k, _)| k[0].clone()).collect();
    rows.dedup();
    let count_of: std::collections::HashMap<(&str, &str), u64> =
        counts.iter().map(|(k, n)| ((k[0].as_str(), k[1].as_str()), *n)).collect();
    // The row of the cases without a key goes last; with `by_count`, the others from the
    // most cases down (the chart shows the first ones).
    let total_of = |key: &str| counts.iter().filter(|(k, _)| k[0] == key).map(|(_, n)| *n).sum::<u64>();
    if by_count {
        rows.sort_by_cached_key(|k| (std::cmp::Reverse(total_of(k)), k.clone()));
    }
    if let Some(k) = rows.iter().position(|r| r == NO_SCHOOL || r.is_empty()) {
        let r = rows.remove(k);
        rows.push(r);
    }
    let charted = rows.iter().filter(|r| *r != NO_SCHOOL && !r.is_empty()).count();
    let poor_of: std::collections::HashMap<&str, u64> =
        poor.iter().filter(|(k, _)| k[1] == "1").map(|(k, n)| (k[0].as_str(), *n)).collect();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let n = problems.len() as u16;
    ws.merge_range(0, 0, 0, n + 3, title, &f.title)?;
    ws.write_string_with_format(2, 0, key_label, &f.header)?;
    ws.set_column_width(0, 18)?;
    for (k, p) in problems.iter().enumerate() {
        ws.write_string_with_format(2, k as u16 + 1, p.label(), &f.header)?;
        ws.set_column_width(k as u16 + 1, 11)?;
    }
    for (k, h) in ["合计", "其中建档立卡", "建卡占比"].iter().enumerate() {
        ws.write_string_with_format(2, n + 1 + k as u16, *h, &f.header)?;
    }
    ws.set_row_height(2, 45)?;
    let pct = f.number.clone().set_num_format("0.0%");
    for (r, key) in rows.iter().enumerate() {
        let row = 3 + r as u32;
        let shown = if key.is_empty() { "镇街不详（见“镇街不详”表）" } else { key.as_str() };
        ws.write_string_with_format(row, 0, shown, &f.cell)?;
        let mut total = 0;
        for (k, p) in problems.iter().enumerate() {
            let c = count_of.get(&(key.as_str(), p.key())).copied().unwrap_or(0);
            total += c;
            ws.write_number_with_format(row, k as u16 + 1, c as f64, &f.number)?;
        }
        let poor_n = poor_of.get(key.as_str()).copied().unwrap_or(0);
        ws.write_number_with_format(row, n + 1, total as f64, &f.number)?;
        ws.write_number_with_format(row, n + 2, poor_n as f64, &f.number)?;
        let share = if total == 0 { 0.0 } else { poor_n as f64 / total as f64 };
        ws.write_number_with_format(row, n + 3, share, &pct)?;
    }
    let total_row = 3 + rows.len() as u32;
    ws.write_string_with_format(total_row, 0, "合计", &f.bold)?;
    for (k, p) in problems.iter().enumerate() {
        let c = cases.iter().filter(|c| c.problem == *p).count();
        ws.write_number_with_format(total_row, k as u16 + 1, c as f64, &f.number)?;
    }
    let poor_total = cases.iter().filter(|c| c.poverty).count();
    ws.write_number_with_format(total_row, n + 1, cases.len() as f64, &f.number)?;
    ws.write_number_with_format(total_row, n + 2, poor_total as f64, &f.number)?;
    let share = if cases.is_empty() { 0.0 } else { poor_total as f64 / cases.len() as f64 };
    ws.write_number_with_format(total_row, n + 3, share, &pct)?;
    ws.set_freeze_panes(3, 1)?;
    xlsx::print_setup(ws, (2, 2))?;
    // The chart shows the real keys only, at most [`layout::CHART_MAX_BARS`] of them (the
    // schools with the most cases; towns only when they all fit).
    let bars = if by_count { charted.min(layout::CHART_MAX_BARS) } else { charted };
    if bars > 0 && bars <= layout::CHART_MAX_BARS && !problems.is_empty() {
        let last = 3 + bars as u32 - 1;
        let mut chart = Chart::new(ChartType::BarStacked);
        for (k, p) in problems.iter().enumerate() {
            let col = k as u16 + 1;
            chart
                .add_series()
                .set_name(p.label())
                .set_categories((sheet, 3, 0, last, 0))
                .set_values((sheet, 3, col, last, col));
        }
        let name = if by_count && charted > bars {
            format!("问题数最多的{bars}所{key_label}")
        } else {
            format!("各{key_label}问题数")
        };
        chart.title().set_name(name.as_str());
        layout::place_chart(ws, &mut chart, total_row + 2, bars)?;
    }
    Ok(())
}

/// The 镇街不详 sheet: the data fault of cases that reach no town, with the count per file,
/// sheet and town column (a sheet without a recognised town column, or a blank one, and a
/// village that no single town has).
fn town_unknown(wb: &mut Workbook, f: &Formats, t: &crate::report::town_unknown::TownUnknown) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("镇街不详")?;
    let headers = [("文件", 40.0), ("工作表", 14.0), ("镇街列", 12.0), ("问题数", 8.0), ("原因", 44.0)];
    ws.merge_range(0, 0, 0, headers.len() as u16 - 1, "数据问题：未能确定镇街的问题", &f.title)?;
    ws.set_row_height(0, 28)?;
    let line = if t.cases == 0 {
        "所有问题均已确定镇街。".to_string()
    } else {
        format!(
            "{} 个问题未能确定镇街（来源记录没有镇街，村名也不能唯一确定镇街），列入“镇街不详问题台账”、由区教委核实；请按下表补齐来源表的镇街列后重新运行。",
            t.cases
        )
    };
    ws.merge_range(1, 0, 1, headers.len() as u16 - 1, &line, &f.subtitle_wrap)?;
    ws.set_row_height(1, 30)?;
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    for (k, s) in t.sources.iter().enumerate() {
        let r = 3 + k as u32;
        ws.write_string_with_format(r, 0, &s.file, &f.wrap)?;
        ws.write_string_with_format(r, 1, &s.sheet, &f.cell)?;
        ws.write_string_with_format(r, 2, &s.column, &f.cell)?;
        ws.write_number_with_format(r, 3, s.cases as f64, &f.number)?;
        ws.write_string_with_format(r, 4, &s.reason, &f.wrap)?;
        ws.set_row_height(r, layout::row_height(&[(&s.file, 40.0), (&s.reason, 44.0)]))?;
    }
    xlsx::print_setup(ws, (2, 2))?;
    Ok(())
}

/// The input accounting sheet.
fn accounting(wb: &mut Workbook, f: &Formats, inputs: &Inputs, plan: &Plan) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("输入统计")?;
    let headers = [
        "来源",
        "文件",
        "工作表",
        "表头行",
        "读取行数",
        "使用",
        "跳过(空行)",
        "跳过(合计)",
        "跳过(说明)",
        "剔除",
        "核对",
        "说明",
    ];
    let widths = [12.0, 40.0, 14.0, 7.0, 9.0, 9.0, 9.0, 9.0, 9.0, 7.0, 6.0, 30.0];
    ws.merge_range(0, 0, 0, headers.len() as u16 - 1, "输入数据统计：读取行数 = 使用 + 跳过 + 剔除", &f.title)?;
    for (c, (h, w)) in headers.iter().zip(widths).enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, w)?;
    }
    // Rows rejected for a status word no table knows, per sheet: said in 说明.
    let mut unknown_status: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for r in inputs.rejects.iter().filter(|r| r.reason.ends_with(crate::sources::enrollment::UNKNOWN_STATUS)) {
        *unknown_status.entry(r.prov.sheet).or_default() += 1;
    }
    for (r, s) in inputs.sheets.iter().enumerate() {
        let row = 3 + r as u32;
        let file = &inputs.files[s.file as usize];
        ws.write_string_with_format(row, 0, plan.sources[file.source].kind.label(), &f.cell)?;
        ws.write_string_with_format(row, 1, &file.display, &f.cell)?;
        ws.write_string_with_format(row, 2, &s.name, &f.cell)?;
        match s.header_row {
            Some(h) => ws.write_number_with_format(row, 3, h as f64, &f.number)?,
            None => ws.write_blank(row, 3, &f.number)?,
        };
        let c = &s.counts;
        for (k, v) in [c.read, c.used, c.skipped_blank, c.skipped_total, c.skipped_note, c.rejected].iter().enumerate()
        {
            ws.write_number_with_format(row, 4 + k as u16, *v as f64, &f.number)?;
        }
        ws.write_string_with_format(row, 10, if c.balanced() { "✓" } else { "✗" }, &f.cell)?;
        let mut note = s.skipped.clone().unwrap_or_default();
        if let Some(n) = unknown_status.get(&(r as u32)) {
            if !note.is_empty() {
                note.push('；');
            }
            note.push_str(&format!("剔除中 {n} 行学籍状态或异动类型无法识别"));
        }
        ws.write_string_with_format(row, 11, &note, &f.wrap)?;
    }
    ws.set_freeze_panes(3, 0)?;
    xlsx::print_setup(ws, (2, 2))?;
    Ok(())
}

/// The 名单核对 sheet: the roster's school mapping (schools not matched, ambiguous, 学籍
/// schools missing from it) and its data faults — a phone number given to two names, with
/// the names and the number so the data team can see which is mistyped.
fn roster_faults(wb: &mut Workbook, f: &Formats, d: &crate::schools::Directory) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("名单核对")?;
    ws.merge_range(0, 0, 0, 4, "包片包校责任人名单核对", &f.title)?;
    let r = d.report();
    let lines = [
        ("名单学校数", r.roster_schools),
        ("学籍学校数", r.enrollment_schools),
        ("已对应", r.matched.len()),
        ("对应多所学校（未采用）", r.ambiguous.len()),
        ("学籍中无此学校", r.unmatched.len()),
        ("学籍中有、名单中没有（未列入名单）", r.unlisted.len()),
        ("名单数据问题：同一电话对应不同姓名", r.phone_faults.len()),
    ];
    for (k, (label, n)) in lines.iter().enumerate() {
        ws.write_string_with_format(2 + k as u32, 0, *label, &f.cell)?;
        ws.write_number_with_format(2 + k as u32, 1, *n as f64, &f.number)?;
    }
    for (c, w) in [34.0, 30.0, 40.0, 30.0, 40.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let mut top = 3 + lines.len() as u32;
    let header = top + 1;
    ws.write_string_with_format(top, 0, "名单数据问题（同一联系电话登记给不同的人，其中一个可能录错）", &f.bold)?;
    for (c, h) in ["联系电话", "姓名", "学校", "所在行", "说明"].iter().enumerate() {
        ws.write_string_with_format(top + 1, c as u16, *h, &f.header)?;
    }
    top += 2;
    for fault in &r.phone_faults {
        let cells = [
            fault.phone.clone(),
            fault.names.join("、"),
            fault.schools.join("、"),
            fault.rows.join("、"),
            "请核对哪一个姓名或电话录错".to_string(),
        ];
        for (c, text) in cells.iter().enumerate() {
            ws.write_string_with_format(top, c as u16, text, if c == 0 { &f.text } else { &f.wrap })?;
        }
        top += 1;
    }
    top += 1;
    ws.write_string_with_format(top, 0, "名单学校与学籍学校的对应", &f.bold)?;
    for (c, h) in ["单位", "名单中的学校", "学籍中的学校", "对应方式"].iter().enumerate() {
        ws.write_string_with_format(top + 1, c as u16, *h, &f.header)?;
    }
    top += 2;
    for m in r.ambiguous.iter().chain(&r.unmatched).chain(&r.matched) {
        let cells = [m.unit.as_str(), m.roster.as_str(), &m.schools.join("、"), m.how.as_str()];
        for (c, text) in cells.iter().enumerate() {
            ws.write_string_with_format(top, c as u16, *text, &f.wrap)?;
        }
        top += 1;
    }
    for u in &r.unlisted {
        let cells = [crate::schools::UNLISTED, "", u.as_str(), "学籍中有、名单中没有"];
        for (c, text) in cells.iter().enumerate() {
            ws.write_string_with_format(top, c as u16, *text, &f.wrap)?;
        }
        top += 1;
    }
    xlsx::print_setup(ws, (header, header))?;
    Ok(())
}
