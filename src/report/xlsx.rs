//! Shared workbook plumbing for every report: formats, reproducible document properties,
//! sheet-name hygiene, and the case table (one row per case) that the town ledgers, the
//! per-village workbooks and the problem-category sheets all use.
//!
//! IDs are always written with `write_string` into text-formatted (`@`) columns, so a
//! spreadsheet program shows 18 characters, never 5.00153E+17.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use crate::normalize::values::{disability_category_label, Outcome};
use crate::rules::Case;

/// The formats a report uses, built once per workbook.
pub struct Formats {
    pub title: Format,
    pub subtitle: Format,
    pub header: Format,
    /// Header of a column the town fills in.
    pub header_fill: Format,
    pub cell: Format,
    pub text: Format,
    pub wrap: Format,
    /// A cell the town fills in: light yellow.
    pub fill: Format,
    pub number: Format,
    pub bold: Format,
}

/// The font of every table body: 宋体 9, vertically centred.
pub fn body_font() -> Format {
    Format::new().set_font_name("宋体").set_font_size(9).set_align(FormatAlign::VerticalCenter)
}

impl Formats {
    pub fn new() -> Self {
        let base = Format::new().set_font_name("宋体").set_font_size(9).set_border(FormatBorder::Thin);
        Formats {
            title: Format::new().set_font_name("黑体").set_font_size(16).set_bold().set_align(FormatAlign::Center),
            subtitle: Format::new().set_font_name("宋体").set_font_size(10),
            header: base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xD9E1F2)),
            header_fill: base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xFFE699)),
            cell: base.clone().set_align(FormatAlign::VerticalCenter),
            text: base.clone().set_num_format("@").set_align(FormatAlign::VerticalCenter),
            wrap: base.clone().set_text_wrap().set_align(FormatAlign::VerticalCenter),
            fill: base.clone().set_num_format("@").set_text_wrap().set_background_color(Color::RGB(0xFFF2CC)),
            number: base.clone().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter),
            bold: base.set_bold(),
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Self::new()
    }
}

/// A new workbook whose document properties are fixed (creation time = the 基准日), so the
/// same inputs give the same file content.
pub fn workbook(title: &str, as_of: NaiveDate) -> Workbook {
    let mut wb = Workbook::new();
    let when =
        ExcelDateTime::from_ymd(as_of.year() as u16, as_of.month() as u8, as_of.day() as u8).expect("valid date");
    let props =
        DocProperties::new().set_title(title).set_author("kcbx").set_company("控辍保学").set_creation_datetime(&when);
    wb.set_properties(&props);
    // Deflate at level 2 instead of 6: about half the time of saving (the largest part of
    // writing a city's ledgers) for files about a tenth larger (bench/RESULTS.md).
    wb.set_zip_compression_level(2);
    wb
}

/// Makes a valid, unique Excel sheet name (≤ 31 characters, none of `[]:*?/\`).
pub fn sheet_name(wanted: &str, taken: &mut Vec<String>) -> String {
    let clean: String = wanted.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).collect();
    let base: String = clean.chars().take(28).collect();
    let base = if base.trim().is_empty() { "未命名".to_string() } else { base };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{base}({n})");
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// Page setup every printable sheet shares: A4 landscape, fit to width, header rows repeated,
/// page numbers in the footer.
pub fn print_setup(ws: &mut Worksheet, header_rows: (u32, u32)) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_rows.0, header_rows.1)?;
    ws.set_footer("&C第 &P 页，共 &N 页");
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    Ok(())
}

/// One column of the case table: header, width, and whether the town fills it in.
pub struct Column {
    pub header: &'static str,
    pub width: f64,
    pub fill: bool,
}

const fn col(header: &'static str, width: f64) -> Column {
    Column { header, width, fill: false }
}

const fn fill(header: &'static str, width: f64) -> Column {
    Column { header, width, fill: true }
}

/// The ledger columns, in order (issue 5's list; the return trip reads them by header).
pub const CASE_COLUMNS: &[Column] = &[
    col("序号", 4.0),
    col("case_id", 8.5),
    col("镇街", 7.0),
    col("村(社区)", 8.0),
    col("社", 4.0),
    col("户主", 6.0),
    col("姓名", 6.5),
    col("性别", 3.0),
    col("身份证号", 17.5),
    col("出生日期", 9.5),
    col("年龄", 3.5),
    col("是否建卡", 4.0),
    col("残疾类别", 7.0),
    col("问题类型", 10.0),
    col("问题描述", 24.0),
    col("匹配依据", 22.0),
    col("学校/学籍号", 12.0),
    col("整改措施", 18.0),
    col("责任单位", 9.0),
    col("责任人", 5.5),
    col("联系电话", 10.5),
    col("完成时限", 9.5),
    col("首次发现", 9.0),
    col("反馈次数", 4.0),
    col("上次核实结果", 10.0),
    fill("核实结果", 11.0),
    fill("核实说明", 14.0),
    fill("整改情况", 12.0),
    fill("备注", 8.0),
];

/// Display width of text in Excel column units: a Han character is two, others one.
pub fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if c.is_ascii() { 1.0 } else { 2.0 }).sum()
}

/// Height of a row whose wrapped cells hold `cells` (text, column width): enough lines for
/// the longest, because not every spreadsheet program re-measures wrapped rows on opening.
pub fn wrapped_height(cells: &[(&str, f64)]) -> f64 {
    let lines = cells
        .iter()
        .map(|(text, width)| (text_width(text) / (width - 1.0).max(1.0)).ceil().max(1.0))
        .fold(1.0, f64::max);
    (lines * 12.0 + 3.0).max(15.0)
}

/// Writes a titled case table on `ws` and returns the number of rows written.
/// Row 0: title; row 1: subtitle; row 2: header; rows 3..: one case each.
pub fn write_case_table(
    ws: &mut Worksheet,
    f: &Formats,
    title: &str,
    subtitle: &str,
    cases: &[&Case],
    as_of: NaiveDate,
) -> Result<u32, XlsxError> {
    let last_col = (CASE_COLUMNS.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last_col, title, &f.title)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(1, 0, 1, last_col, subtitle, &f.subtitle)?;
    for (c, column) in CASE_COLUMNS.iter().enumerate() {
        let c = c as u16;
        let fmt = if column.fill { &f.header_fill } else { &f.header };
        ws.write_string_with_format(2, c, column.header, fmt)?;
        ws.set_column_width(c, column.width)?;
    }
    ws.set_row_height(2, 30)?;
    for (i, case) in cases.iter().enumerate() {
        let r = 3 + i as u32;
        write_case_row(ws, f, r, i + 1, case, as_of)?;
    }
    let last_row = 2 + cases.len() as u32;
    ws.set_freeze_panes(3, 7)?;
    ws.autofilter(2, 0, last_row.max(3), last_col)?;
    // 核实结果: the outcomes towns choose from.
    let outcomes: Vec<&str> = Outcome::ALL.iter().map(|o| o.label()).collect();
    let validation = DataValidation::new()
        .allow_list_strings(&outcomes)?
        .set_input_message("请从下拉列表选择核实结果，并在“核实说明”中写明依据（如就读学校名称）")?;
    let outcome_col = CASE_COLUMNS.iter().position(|c| c.header == "核实结果").expect("column") as u16;
    ws.add_data_validation(3, outcome_col, last_row.max(3), outcome_col, &validation)?;
    print_setup(ws, (2, 2))?;
    Ok(cases.len() as u32)
}

fn write_case_row(
    ws: &mut Worksheet,
    f: &Formats,
    r: u32,
    seq: usize,
    c: &Case,
    as_of: NaiveDate,
) -> Result<(), XlsxError> {
    let birth = c.birth.map(|b| b.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let age = c.birth.map(|b| crate::rules::window::age_on(b, as_of).to_string()).unwrap_or_default();
    let disability = c
        .disability_category
        .map(|k| {
            let grade = c.disability_grade.map(|g| format!("{g}级")).unwrap_or_default();
            format!("{}{grade}", disability_category_label(k))
        })
        .unwrap_or_default();
    let school = match (c.school.is_empty(), c.student_no.is_empty()) {
        (false, false) => format!("{}/{}", c.school, c.student_no),
        (false, true) => c.school.clone(),
        (true, false) => c.student_no.clone(),
        (true, true) => String::new(),
    };
    ws.write_number_with_format(r, 0, seq as f64, &f.number)?;
    let returned = if c.history.times_returned == 0 { String::new() } else { c.history.times_returned.to_string() };
    let last = match (c.history.last_outcome.is_empty(), c.history.outcome_note.is_empty()) {
        (true, _) => String::new(),
        (false, true) => c.history.last_outcome.clone(),
        (false, false) => format!("{}：{}", c.history.last_outcome, c.history.outcome_note),
    };
    let texts: [(&str, &Format); 28] = [
        (&c.case_id, &f.text),
        (&c.town, &f.cell),
        (&c.village, &f.cell),
        (&c.group, &f.cell),
        (&c.householder, &f.cell),
        (&c.name, &f.cell),
        (&c.sex, &f.cell),
        (&c.id_number, &f.text),
        (&birth, &f.text),
        (&age, &f.number),
        (if c.poverty { "是" } else { "否" }, &f.cell),
        (&disability, &f.cell),
        (c.problem.label(), &f.cell),
        (&c.description, &f.wrap),
        (&c.evidence, &f.wrap),
        (&school, &f.wrap),
        (c.problem.measure(), &f.wrap),
        (&c.responsible_unit, &f.wrap),
        (&c.responsible_person, &f.cell),
        (&c.responsible_phone, &f.text),
        (&c.deadline.format("%Y-%m-%d").to_string(), &f.text),
        (&c.history.first_seen, &f.text),
        (&returned, &f.number),
        (&last, &f.wrap),
        ("", &f.fill),
        ("", &f.fill),
        ("", &f.fill),
        ("", &f.fill),
    ];
    let mut wrapped = Vec::new();
    for (k, (text, fmt)) in texts.iter().enumerate() {
        let col = (k + 1) as u16;
        if text.is_empty() {
            ws.write_blank(r, col, fmt)?;
        } else {
            ws.write_string_with_format(r, col, *text, fmt)?;
        }
        if std::ptr::eq(*fmt, &f.wrap) {
            wrapped.push((*text, CASE_COLUMNS[k + 1].width));
        }
    }
    ws.set_row_height(r, wrapped_height(&wrapped))?;
    Ok(())
}
