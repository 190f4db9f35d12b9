//! The print layout of every case sheet (问题台账 and anything that lists cases for a unit
//! to verify: the town ledgers, the per-village workbooks, and the lists other workbooks
//! build from cases), and the 填写说明 sheet that explains how to fill one in.
//!
//! The layout is chosen for paper: A4 landscape at a fixed [`PRINT_SCALE`] of 90 % with the
//! body in 宋体 9, so print is about 8.1 pt — readable. Only the columns a visit needs are in
//! the print area ([`Column::print`]: 序号 … 完成时限 and the four fill-in columns), the
//! others (case_id, 匹配依据, 学校/学籍号 …) follow it on screen and are not printed. Rows
//! are as tall as their wrapped printed cells, because not every spreadsheet program
//! re-measures wrapped rows when it opens a file.
//!
//! Pipeline position: read → normalize → link → rules → **report**.

use chrono::NaiveDate;
use rust_xlsxwriter::{Chart, DataValidation, Format, Worksheet, XlsxError};

use super::xlsx::{text_width, Formats};
use crate::normalize::values::{disability_category_label, Outcome};
use crate::rules::Case;

/// The print scale of a case sheet, in percent (fixed, not fitted: fitting 29 columns to a
/// page width printed at about 47 %).
pub const PRINT_SCALE: u16 = 90;

/// One column of the case table: header, width, whether the unit fills it in, and whether it
/// is printed.
pub struct Column {
    pub header: &'static str,
    pub width: f64,
    pub fill: bool,
    pub print: bool,
}

const fn p(header: &'static str, width: f64) -> Column {
    Column { header, width, fill: false, print: true }
}

const fn fill(header: &'static str, width: f64) -> Column {
    Column { header, width, fill: true, print: true }
}

const fn screen(header: &'static str, width: f64) -> Column {
    Column { header, width, fill: false, print: false }
}

/// The ledger columns, in order: the printed ones first (they are the print area), then the
/// screen-only ones. The return trip reads them by header, so the order may change.
pub const CASE_COLUMNS: &[Column] = &[
    p("序号", 3.5),
    p("村(社区)", 8.0),
    p("社", 4.0),
    p("户主", 5.5),
    p("姓名", 6.0),
    p("性别", 3.0),
    // 18 digits need about 15.5 units in 宋体 and 18 in the wider fonts that stand in for it.
    p("身份证号", 18.0),
    p("出生日期", 10.0),
    p("问题类型", 9.0),
    p("问题描述", 21.0),
    p("责任人", 5.5),
    p("完成时限", 10.0),
    fill("核实结果", 10.0),
    fill("核实说明", 12.0),
    fill("整改情况", 9.0),
    fill("备注", 6.0),
    screen("case_id", 14.0),
    screen("镇街", 9.0),
    screen("年龄", 5.0),
    screen("是否建卡", 5.0),
    screen("残疾类别", 9.0),
    screen("匹配依据", 40.0),
    screen("学校/学籍号", 26.0),
    screen("整改措施", 30.0),
    screen("责任单位", 14.0),
    screen("联系电话", 12.0),
    screen("包片人员", 18.0),
    screen("包干领导", 8.0),
    screen("首次发现", 16.0),
    screen("反馈次数", 5.0),
    screen("上次核实结果", 30.0),
];

/// The number of printed columns (they come first).
pub fn printed_columns() -> usize {
    CASE_COLUMNS.iter().take_while(|c| c.print).count()
}

/// Index of a column by header.
pub fn column(header: &str) -> u16 {
    CASE_COLUMNS.iter().position(|c| c.header == header).unwrap_or_else(|| panic!("no column {header}")) as u16
}

/// The two lines above a case table. The banner under the title is
/// `填报单位：{unit}    问题数：{n}    {note}`, n being the sheet's own count.
pub struct Heading<'a> {
    pub title: &'a str,
    /// The unit that fills the sheet in (a town, a village, a school).
    pub unit: &'a str,
    /// The rest of the banner (deadline, what to fill in); may be empty.
    pub note: &'a str,
}

/// Line height of the body font (宋体 9) in points, and the padding of a row.
const LINE: f64 = 12.0;

/// Height of a row whose wrapped cells hold `cells` (text, column width): enough lines for
/// the longest. A Han character counts two width units (slightly more than it takes at 9 pt,
/// so the estimate errs on the tall side).
pub fn row_height(cells: &[(&str, f64)]) -> f64 {
    let lines = cells
        .iter()
        .map(|(text, width)| text.split('\n').map(|part| wrapped_lines(part, width - 1.0)).sum::<f64>())
        .fold(1.0, f64::max);
    (lines * LINE + 4.0).max(16.0)
}

/// Lines a paragraph takes when wrapped into `width` units the way Excel and LibreOffice
/// wrap: a Han character or punctuation mark may start a new line anywhere, but a run of
/// ASCII letters and digits (an ID number, a date) moves to the next line whole.
fn wrapped_lines(text: &str, width: f64) -> f64 {
    let width = width.max(2.0);
    let mut lines = 1.0;
    let mut used = 0.0;
    let mut place = |mut w: f64| {
        if used > 0.0 && used + w > width {
            lines += 1.0;
            used = 0.0;
        }
        // A word longer than the whole line breaks where it must.
        while w > width {
            lines += 1.0;
            w -= width;
        }
        used += w;
    };
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            place(text_width(&word));
            word.clear();
        }
        place(text_width(c.encode_utf8(&mut [0; 4])));
    }
    if !word.is_empty() {
        place(text_width(&word));
    }
    lines
}

/// Page setup of a sheet laid out for print: A4 landscape at `scale` percent, header rows
/// repeated, page numbers in the footer, narrow side margins.
pub fn print_fixed(ws: &mut Worksheet, header_rows: (u32, u32), scale: u16) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_scale(scale);
    ws.set_repeat_rows(header_rows.0, header_rows.1)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    ws.set_margins(0.25, 0.25, 0.5, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    Ok(())
}

/// The input prompt of a 核实结果 cell (Excel allows 255 characters).
const OUTCOME_PROMPT: &str = "请从列表选择。已在校就读并注册学籍：核实说明须写就读学校名称，才销号；身份证号或姓名错误：核实说明写正确的18位身份证号或“姓名应为某某”；其余各项的含义、须写明的内容、是否销号见“填写说明”表。";

/// The drop-down of the 核实结果 column, with its prompt.
pub fn outcome_validation(prompt: &str) -> Result<DataValidation, XlsxError> {
    let outcomes: Vec<&str> = Outcome::ALL.iter().map(|o| o.label()).collect();
    DataValidation::new().allow_list_strings(&outcomes)?.set_input_title("核实结果")?.set_input_message(prompt)
}

/// Writes a case table on `ws`: row 0 the title, row 1 the banner, row 2 the header (repeated
/// on every printed page), then one row per case. Returns the number of cases written.
pub fn write_case_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    heading: &Heading,
    cases: &[&Case],
    as_of: NaiveDate,
) -> Result<u32, XlsxError> {
    let printed = printed_columns() as u16;
    let last_col = (CASE_COLUMNS.len() - 1) as u16;
    ws.merge_range(0, 0, 0, printed - 1, heading.title, &f.title)?;
    ws.set_row_height(0, 28)?;
    let mut banner = format!("填报单位：{}    问题数：{}", heading.unit, cases.len());
    if !heading.note.is_empty() {
        banner.push_str("    ");
        banner.push_str(heading.note);
    }
    let banner_width: f64 = CASE_COLUMNS[..printed as usize].iter().map(|c| c.width).sum();
    ws.merge_range(1, 0, 1, printed - 1, &banner, &f.subtitle_wrap)?;
    ws.set_row_height(1, row_height(&[(&banner, banner_width * 0.9)]).max(18.0))?;
    for (c, column) in CASE_COLUMNS.iter().enumerate() {
        let c = c as u16;
        let fmt = if column.fill { &f.header_fill } else { &f.header };
        ws.write_string_with_format(2, c, column.header, fmt)?;
        ws.set_column_width(c, column.width)?;
    }
    ws.set_row_height(2, 30)?;
    for (i, case) in cases.iter().enumerate() {
        write_case_row(ws, f, 3 + i as u32, i + 1, case, as_of)?;
    }
    let last_row = (2 + cases.len() as u32).max(3);
    ws.set_freeze_panes(3, column("性别"))?;
    ws.autofilter(2, 0, last_row, last_col)?;
    let col = column("核实结果");
    ws.add_data_validation(3, col, last_row, col, &outcome_validation(OUTCOME_PROMPT)?)?;
    ws.set_print_area(0, 0, last_row, printed - 1)?;
    print_fixed(ws, (2, 2), PRINT_SCALE)?;
    Ok(cases.len() as u32)
}

/// What 上次核实结果 shows: the last answer, and why the case is still open when the answer
/// did not close it.
pub fn last_answer(c: &Case) -> String {
    let h = &c.history;
    if h.last_outcome.is_empty() {
        return String::new();
    }
    let mut text = h.last_outcome.clone();
    if !h.outcome_note.is_empty() {
        text.push('：');
        text.push_str(&h.outcome_note);
    }
    if h.reopened {
        text.push_str(&format!("（重新打开：{}）", h.closure_note));
    } else if !h.closed {
        let outcome = Outcome::from_label(&h.last_outcome).or_else(|| Outcome::parse(&h.last_outcome));
        text.push_str(&format!("（{}）", why_open(outcome)));
    }
    text
}

/// Why an answered case is still open, in the words of the next ledger.
fn why_open(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        Some(Outcome::InSchoolRegistered) => "未写明学校，仍待核实",
        Some(Outcome::IdOrNameWrong) => "未写出正确的身份证号或姓名，或更正后问题仍在，仍待核实",
        Some(o) if o.settles() => "问题仍在，请重新核实",
        Some(_) => "此结果不销号，仍待核实",
        None => "核实结果不在下拉列表中，仍待核实",
    }
}

/// One cell of a case row.
enum Cell<'a> {
    Text(&'a str),
    Owned(String),
    Number(Option<f64>),
}

fn write_case_row(
    ws: &mut Worksheet,
    f: &Formats,
    r: u32,
    seq: usize,
    c: &Case,
    as_of: NaiveDate,
) -> Result<(), XlsxError> {
    let mut wrapped = Vec::new();
    for (k, column) in CASE_COLUMNS.iter().enumerate() {
        let (cell, fmt): (Cell, &Format) = match column.header {
            "序号" => (Cell::Number(Some(seq as f64)), &f.number),
            "村(社区)" => (Cell::Text(&c.village), &f.wrap),
            "社" => (Cell::Text(&c.group), &f.wrap),
            "户主" => (Cell::Text(&c.householder), &f.cell),
            "姓名" => (Cell::Text(&c.name), &f.cell),
            "性别" => (Cell::Text(&c.sex), &f.number),
            "身份证号" => (Cell::Text(&c.id_number), &f.text),
            "出生日期" => (Cell::Owned(c.birth.map(crate::normalize::date::ymd).unwrap_or_default()), &f.text),
            "问题类型" => (Cell::Text(c.problem.label()), &f.wrap),
            "问题描述" => (Cell::Text(&c.description), &f.wrap),
            "责任人" => (Cell::Text(&c.responsible_person), &f.wrap),
            "完成时限" => (Cell::Owned(crate::normalize::date::ymd(c.deadline)), &f.text),
            "核实结果" | "核实说明" | "整改情况" | "备注" => (Cell::Text(""), &f.fill),
            "case_id" => (Cell::Text(&c.case_id), &f.text),
            "镇街" => (Cell::Text(&c.town), &f.cell),
            "年龄" => (Cell::Number(c.birth.map(|b| f64::from(crate::rules::window::age_on(b, as_of)))), &f.number),
            "是否建卡" => (Cell::Text(if c.poverty { "是" } else { "否" }), &f.number),
            "残疾类别" => (Cell::Owned(disability(c)), &f.cell),
            "匹配依据" => (Cell::Text(&c.evidence), &f.cell),
            "学校/学籍号" => (Cell::Owned(school(c)), &f.cell),
            "整改措施" => (Cell::Text(c.problem.measure()), &f.cell),
            "责任单位" => (Cell::Text(&c.responsible_unit), &f.cell),
            "联系电话" => (Cell::Text(&c.responsible_phone), &f.text),
            "包片人员" => (Cell::Text(&c.contacts.area), &f.cell),
            "包干领导" => (Cell::Text(&c.contacts.leader), &f.cell),
            "首次发现" => (Cell::Text(&c.history.first_seen), &f.text),
            "反馈次数" => {
                (Cell::Number((c.history.times_returned > 0).then_some(f64::from(c.history.times_returned))), &f.number)
            }
            "上次核实结果" => (Cell::Owned(last_answer(c)), &f.cell),
            other => unreachable!("column {other} has no cell"),
        };
        let col = k as u16;
        let text = match &cell {
            Cell::Text(s) => *s,
            Cell::Owned(s) => s.as_str(),
            Cell::Number(_) => "",
        };
        match cell {
            Cell::Number(Some(n)) => {
                ws.write_number_with_format(r, col, n, fmt)?;
            }
            Cell::Number(None) => {
                ws.write_blank(r, col, fmt)?;
            }
            _ if text.is_empty() => {
                ws.write_blank(r, col, fmt)?;
            }
            _ => {
                ws.write_string_with_format(r, col, text, fmt)?;
            }
        }
        // The height follows the printed cells; the screen-only ones are read in the cell.
        if column.print && std::ptr::eq(fmt, &f.wrap) {
            wrapped.push((text.to_string(), column.width));
        }
    }
    let cells: Vec<(&str, f64)> = wrapped.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    ws.set_row_height(r, row_height(&cells))?;
    Ok(())
}

fn disability(c: &Case) -> String {
    c.disability_category
        .map(|k| {
            let grade = c.disability_grade.map(|g| format!("{g}级")).unwrap_or_default();
            format!("{}{grade}", disability_category_label(k))
        })
        .unwrap_or_default()
}

fn school(c: &Case) -> String {
    match (c.school.is_empty(), c.student_no.is_empty()) {
        (false, false) => format!("{}/{}", c.school, c.student_no),
        (false, true) => c.school.clone(),
        (true, false) => c.student_no.clone(),
        (true, true) => String::new(),
    }
}

/// For each 核实结果: what it means, what 核实说明 must say, and whether it closes the case.
/// The 填写说明 sheet and the README's table say the same.
pub fn outcome_guide(o: Outcome) -> (&'static str, &'static str, &'static str) {
    match o {
        Outcome::InSchoolRegistered => (
            "该儿童正在学校就读，且已注册学籍",
            "必须写明就读学校名称（如“在荣隆镇中心校读三年级”）",
            "写明学校的销号；未写明学校的不销号",
        ),
        Outcome::Returned => ("经劝返已回校复学", "写明复学学校和日期", "销号"),
        Outcome::ExemptionGranted => ("已依法办理缓学或免学审批", "写明审批单位、批准日期和有效期", "销号"),
        Outcome::InProvinceNoRecord => ("在本省其他地方就读，但未注册学籍", "写明就读学校", "不销号，继续跟踪"),
        Outcome::OutOfProvinceNoRecord => ("在外省就读，但未注册学籍", "写明就读省市和学校", "不销号，继续跟踪"),
        Outcome::OverAge => ("已超出义务教育年龄（年满16周岁）离校", "写明离校时间和现状", "销号"),
        Outcome::Abroad => ("随家人出国在外", "写明出国时间、所在国家", "销号"),
        Outcome::IllnessDisability => {
            ("因病或因残无法正常入学、也无法接受送教", "写明病情或残疾情况及医院、残联的证明", "不销号，继续跟踪")
        }
        Outcome::Unreachable => ("随父母外出，无法取得联系", "写明已采取的联系方式和时间", "不销号，继续跟踪"),
        Outcome::Dead => ("该儿童已死亡", "写明死亡时间，注销户口的写明", "销号"),
        Outcome::NominalHousehold => ("户口在本地、人从未在本地居住（空挂户）", "写明实际居住地", "销号"),
        Outcome::DoubleRegistration => ("在两地都有户籍（双重户籍）", "写明另一户籍所在地", "销号"),
        Outcome::IdOrNameWrong => (
            "清查表上的身份证号或姓名填错了",
            "写出正确的18位身份证号，和/或“姓名应为某某”",
            "下次运行按此更正清查表；更正后问题消失的销号",
        ),
        Outcome::NoSuchPerson => ("本地没有这个人", "写明核实经过（如询问村社干部）", "销号"),
        Outcome::Other => ("以上都不是", "写明具体情况", "不销号，继续跟踪"),
    }
}

/// The 填写说明 sheet, first in a case workbook: which sheet to print, what to fill in, and
/// for each 核实结果 what it means, what 核实说明 must say and whether it closes the case.
pub fn write_instructions(ws: &mut Worksheet, f: &Formats, title: &str) -> Result<(), XlsxError> {
    let widths = [20.0, 32.0, 40.0, 26.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.merge_range(0, 0, 0, 3, title, &f.title)?;
    ws.set_row_height(0, 28)?;
    let lines = [
        "1. 打印：每个村（社区）一张工作表（以村名命名），请按村打印，交给入户核实的人员；“全部问题”和各类问题表是同样的问题按全镇街、按类别排列，供查阅和筛选，不必打印。打印区域为前 16 列（A4 横向），其余各列（case_id、匹配依据、学校/学籍号等）只在电脑上查看。",
        "2. 填写：黄色的四列（核实结果、核实说明、整改情况、备注）由镇街核实后填写。“核实结果”请从下拉列表选择，下表说明每一项的含义、“核实说明”中必须写明的内容，以及是否销号。",
        "3. 交回：填好后把整个工作簿交回区教委（可另存为 .xls）。请不要删除 case_id 列，也不要改动其他列；删掉了 case_id 的，按身份证号 + 问题类型对应。",
        "4. 同一问题只需填写一处；在两张表中填了不同的结果时，以先读到的一处为准（“全部问题”表最先），另一处列入区里的“核实反馈”表。",
        "5. 已销号的问题列在“已销号”表；如需重新核实，在该表中改选不销号的核实结果（如“其他”）并写明原因，交回后重新列为待核实。",
    ];
    let width: f64 = widths.iter().sum();
    for (k, line) in lines.iter().enumerate() {
        let r = 2 + k as u32;
        ws.merge_range(r, 0, r, 3, line, &f.subtitle_wrap)?;
        // 10 pt text: about 0.8 of the 9 pt characters a width holds.
        ws.set_row_height(r, row_height(&[(line, width * 0.8)]) * 1.15)?;
    }
    let top = 3 + lines.len() as u32;
    for (c, h) in ["核实结果", "含义", "核实说明须写明", "是否销号"].iter().enumerate() {
        ws.write_string_with_format(top, c as u16, *h, &f.header)?;
    }
    ws.set_row_height(top, 20)?;
    for (k, o) in Outcome::ALL.iter().enumerate() {
        let r = top + 1 + k as u32;
        let (meaning, note, closes) = outcome_guide(*o);
        let cells = [o.label(), meaning, note, closes];
        for (c, text) in cells.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, *text, &f.wrap)?;
        }
        let sized: Vec<(&str, f64)> = cells.iter().zip(widths).map(|(t, w)| (*t, w)).collect();
        ws.set_row_height(r, row_height(&sized))?;
    }
    print_fixed(ws, (top, top), PRINT_SCALE)?;
    Ok(())
}

/// The most bars a chart shows: more would not be readable on one printed page.
pub const CHART_MAX_BARS: usize = 30;

/// Places a bar chart of `bars` categories at `row`, on a page of its own: a page break
/// before it, and a height that fits one A4 landscape page, so it never breaks across pages.
pub fn place_chart(ws: &mut Worksheet, chart: &mut Chart, row: u32, bars: usize) -> Result<(), XlsxError> {
    let height = (20 * bars.min(CHART_MAX_BARS) as u32 + 140).clamp(300, 520);
    chart.set_width(760).set_height(height);
    ws.set_page_breaks(&[row])?;
    ws.insert_chart(row, 0, chart)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_number_moves_to_the_next_line_whole() {
        // 8 Han characters fill 16 units; the 18-digit number cannot follow on that line.
        assert_eq!(wrapped_lines("清查表身份证号错误500153200109081100", 20.0), 2.0);
        // Han text breaks anywhere: 12 characters in 10-unit lines take 24 units, 3 lines.
        assert_eq!(wrapped_lines("学籍系统中未找到该生的记录", 10.0), 3.0);
        // A word longer than a line breaks where it must.
        assert_eq!(wrapped_lines("50015320010908110012", 10.0), 2.0);
        assert_eq!(wrapped_lines("", 10.0), 1.0);
    }
}
