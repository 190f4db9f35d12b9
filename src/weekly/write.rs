//! The weekly workbooks: `周报表.xlsx` (attachment 1, with the sheets 异动明细, 未说明变动,
//! 核对 and 限期复学通知 after it) and `辍学学生花名册日报表.xlsx` (attachment 2).
//!
//! Printable like every kcbx workbook (A4 landscape, fit to width, header rows repeated);
//! document properties fixed to the week's end; IDs written as text into `@` columns.
//!
//! Why the sheets: the notice (五) makes 学生异动情况“周报告” (attachment 1) and 辍学学生劝返复学
//! “日报告” (attachment 2) weekly duties from 15 May, by 学区 and 直属学校. Attachment 1 is
//! reproduced cell for cell, because it is signed, stamped and filed as it is; what kcbx adds
//! (which row made each number, which changes no 学籍 row explains, what it checked) goes on
//! sheets after it, so that the printed first page is the notice's form and nothing else.
//!
//! Pipeline position: form / persuasion → **write**.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError};

use super::changes::{Found, Kind};
use super::column::WeeklyColumn;
use super::form::{Counts, Sheet, CHECK_ITEMS};
use super::inputs::Schools;
use super::persuasion::Daily;
use super::Week;
use crate::error::{Error, Result};
use crate::plan::{Plan, WeeklyParams};
use crate::report::xlsx::{self, Formats};
use crate::report::RunDir;
use crate::sources::{Data, EnrollRec};
use crate::table::Inputs;

/// Title of attachment 1: `荣昌区义务教育控辍保学周报表`, the district from `[weekly] district`.
pub fn title(w: &WeeklyParams) -> String {
    format!("{}义务教育控辍保学周报表", w.district)
}

/// Title of attachment 2: `荣昌区义务教育辍学学生花名册日报表`.
pub fn daily_title(w: &WeeklyParams) -> String {
    format!("{}义务教育辍学学生花名册日报表", w.district)
}

/// The note under the table of attachment 1, the notice's text with the district and the
/// recipient (`[weekly] recipient`, e.g. `基教科陈纪钱`) from the pipeline file; without a
/// recipient the forms are simply 上报.
pub fn note(w: &WeeklyParams) -> String {
    let to = if w.recipient.is_empty() { "上报".to_string() } else { format!("报{}收", w.recipient) };
    format!(
        "备注：以学区、直属学校为单位，每周五下午3点前将电子档、纸质件{to}，\
凡有第7、第14项数据不为0时，应填写附件2《{}义务教育控辍学生花名册日报表》，并报电子档。",
        w.district
    )
}

/// The header of attachment 1: (first column, last column, text) of the upper row; columns
/// whose upper cell spans both header rows have no lower text.
pub const HEADER_TOP: [(u16, u16, &str); 8] = [
    (0, 0, "学区"),
    (1, 1, "学校名称"),
    (2, 2, "学校类别（小学或初中）"),
    (3, 3, "本学期学籍系统注册学生数"),
    (4, 4, "本月实际在校学生数"),
    (5, 10, "本周减少学生数"),
    (11, 14, "本周增加学生数"),
    (15, 15, "备注"),
];

/// Attachment 2's fixed columns (shared with the clearance run's 辍学学生花名册).
pub use crate::report::dropouts::ROSTER_COLUMNS as DAILY_COLUMNS;

/// What every sheet writer needs.
pub struct Ctx<'a> {
    pub plan: &'a Plan,
    pub week: &'a Week,
    pub data: &'a Data,
    pub inputs: &'a Inputs,
    pub schools: &'a Schools,
    pub persuasion: &'a [super::inputs::PersuasionRec],
}

fn xlsx_err(path: &std::path::Path) -> impl FnOnce(XlsxError) -> Error + '_ {
    move |e| Error::io(format!("无法写入 {}", path.display()), std::io::Error::other(e.to_string()))
}

/// `2020 年 5 月 22 日`, or blanks to fill in by hand.
fn date_line(d: Option<NaiveDate>) -> String {
    match d {
        Some(d) => format!("{} 年 {} 月 {} 日", d.year(), d.month(), d.day()),
        None => "      年    月    日".to_string(),
    }
}

/// Column letter of a 0-based column (A–Z is all a form needs).
fn col_letter(c: u16) -> char {
    (b'A' + c as u8) as char
}

/// Formats of the 周报表 beyond the shared ones.
struct Local {
    line: Format,
    num: Format,
    unit: Format,
    total_text: Format,
    total_num: Format,
    note: Format,
    remark: Format,
    section: Format,
}

impl Local {
    fn new() -> Self {
        let base = Format::new().set_font_name("宋体").set_font_size(10).set_border(FormatBorder::Thin);
        let shade = Color::RGB(0xF2F2F2);
        Local {
            line: Format::new().set_font_name("宋体").set_font_size(11).set_align(FormatAlign::VerticalCenter),
            num: base.clone().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter),
            unit: base.clone().set_text_wrap().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter),
            total_text: base
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(shade),
            total_num: base.clone().set_bold().set_align(FormatAlign::Center).set_background_color(shade),
            note: Format::new()
                .set_font_name("宋体")
                .set_font_size(10)
                .set_text_wrap()
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::Top),
            remark: base.set_text_wrap().set_font_size(9).set_align(FormatAlign::VerticalCenter),
            section: Format::new().set_font_name("黑体").set_font_size(11).set_bold(),
        }
    }
}

/// Writes `周报表.xlsx`; returns its name.
pub fn weekly_book(dir: &RunDir, ctx: &Ctx, found: &Found, sheet: &Sheet, daily: &Daily) -> Result<String> {
    let name = "周报表.xlsx";
    let path = dir.path(name);
    let write = || -> std::result::Result<(), XlsxError> {
        let mut wb = xlsx::workbook(&title(&ctx.plan.weekly), ctx.week.end);
        let f = Formats::new();
        let l = Local::new();
        form_sheet(wb.add_worksheet(), ctx, sheet, &f, &l)?;
        changes_sheet(&mut wb, ctx, found, sheet, &f)?;
        unexplained_sheet(&mut wb, ctx, found, sheet, &f)?;
        check_sheet(&mut wb, ctx, found, sheet, daily, &f, &l)?;
        due_sheet(&mut wb, ctx, daily, &f)?;
        wb.save(&path)
    };
    write().map_err(xlsx_err(&path))?;
    Ok(name.to_string())
}

/// The page header every weekly sheet prints: the week and the pipeline (a loose printed page
/// must still say which week it belongs to). `&` is the header's control character.
fn page_header(ctx: &Ctx) -> String {
    format!("&L统计时段：{}&R{}", ctx.week.label(), ctx.plan.name.replace('&', "&&"))
}

fn counts_cells(
    ws: &mut Worksheet,
    r: u32,
    c: &Counts,
    fmt: &Format,
    sum_of: impl Fn(WeeklyColumn) -> Option<String>,
) -> std::result::Result<(), XlsxError> {
    for col in WeeklyColumn::COUNTS {
        let value = c.column(col).expect("columns 4 to 15");
        // A cell the form sums (a 小计 column, a subtotal or total row) is a formula, so a
        // town that corrects a number sees the sums follow; its cached result is our count.
        match sum_of(col) {
            Some(formula) => {
                ws.write_formula_with_format(r, col.index(), Formula::new(formula).set_result(value.to_string()), fmt)?;
            }
            None => {
                ws.write_number_with_format(r, col.index(), f64::from(value), fmt)?;
            }
        }
    }
    Ok(())
}

/// Attachment 1: title, the 填报单位 / 审核人 / 填报日期 line, the two-row header with the
/// notice's column numbers 1–16 under it, one row per school grouped by 学区 with a 小计 per
/// 学区 and a 合计, then the notice's 备注. Sums are formulas (a 学区 that corrects a number
/// sees its 小计 follow); the counts kcbx found are their cached values.
fn form_sheet(
    ws: &mut Worksheet,
    ctx: &Ctx,
    sheet: &Sheet,
    f: &Formats,
    l: &Local,
) -> std::result::Result<(), XlsxError> {
    ws.set_name("周报表")?;
    let w = &ctx.plan.weekly;
    // Rows 0–1: title and the signature line, as the notice prints them (公章 and 审核人 are
    // left for the pen when the pipeline names no reviewer).
    ws.merge_range(0, 0, 0, 15, &title(w), &f.title)?;
    ws.set_row_height(0, 32)?;
    ws.merge_range(1, 0, 1, 5, &format!("填报单位：（公章）{}", w.unit), &l.line)?;
    ws.merge_range(1, 6, 1, 9, &format!("审核人：{}", w.reviewer), &l.line)?;
    ws.merge_range(1, 10, 1, 15, &format!("填报日期：{}", date_line(w.report_date)), &l.line)?;
    ws.set_row_height(1, 22)?;
    // Rows 2–3: the header. A column whose upper cell has no lower part spans both rows; the
    // 本周减少 / 本周增加 groups span their parts in the upper row.
    for (first, last, text) in HEADER_TOP {
        if first == last && !(5..=14).contains(&first) {
            ws.merge_range(2, first, 3, last, text, &f.header)?;
        } else {
            ws.merge_range(2, first, 2, last, text, &f.header)?;
        }
    }
    // The lower header row under 本周减少学生数 (columns 6–11) and 本周增加学生数 (12–15).
    for col in &WeeklyColumn::COUNTS[2..] {
        ws.write_string_with_format(3, col.index(), col.label(), &f.header)?;
    }
    // The notice's column numbers 1–16 under the header: 第7栏, 第14栏 are named by them.
    for col in WeeklyColumn::ALL {
        ws.write_number_with_format(4, col.index(), f64::from(col.number()), &f.header)?;
    }
    ws.set_row_height(2, 24)?;
    ws.set_row_height(3, 44)?;
    let widths = [10.0, 26.0, 9.0, 10.0, 10.0, 6.5, 6.5, 6.5, 6.5, 7.5, 6.5, 6.5, 6.5, 7.5, 7.5, 32.0];
    for (c, wdt) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *wdt)?;
    }

    // From row 5: the schools of each 学区 in roster order, the 学区 name merged down the
    // first column over its schools and its 小计 (the notice reports by 学区).
    let mut r = 5u32;
    let mut subtotal_rows = Vec::new();
    for u in &sheet.units {
        let first = r;
        for row in &u.rows {
            let school = &ctx.schools.list[row.school];
            ws.write_string_with_format(r, 1, &school.name, &f.cell)?;
            ws.write_string_with_format(r, 2, &row.school_type, &l.num)?;
            let excel = r + 1;
            // 小计 = the sum of its parts (columns 7–11, 13–15).
            let parts = |p: &[WeeklyColumn]| {
                let (a, b) = (col_letter(p[0].index()), col_letter(p[p.len() - 1].index()));
                Some(format!("=SUM({a}{excel}:{b}{excel})"))
            };
            counts_cells(ws, r, &row.counts, &l.num, |col| match col {
                WeeklyColumn::Decreases => parts(&WeeklyColumn::DECREASE_PARTS),
                WeeklyColumn::Increases => parts(&WeeklyColumn::INCREASE_PARTS),
                _ => None,
            })?;
            if row.note.is_empty() {
                ws.write_blank(r, 15, &l.remark)?;
            } else {
                ws.write_string_with_format(r, 15, &row.note, &l.remark)?;
                // Not every spreadsheet program grows a row for wrapped text: about 16
                // characters fit a line of the 备注 column.
                let lines = row.note.chars().count().div_ceil(16);
                if lines > 1 {
                    ws.set_row_height(r, 12.5 * lines as f64)?;
                }
            }
            r += 1;
        }
        let (a, b) = (first + 1, r);
        ws.write_string_with_format(r, 1, "小计", &l.total_text)?;
        ws.write_blank(r, 2, &l.total_text)?;
        counts_cells(ws, r, &u.subtotal, &l.total_num, |col| {
            let c = col_letter(col.index());
            Some(format!("=SUM({c}{a}:{c}{b})"))
        })?;
        ws.write_blank(r, 15, &l.total_num)?;
        ws.merge_range(first, 0, r, 0, &u.unit, &l.unit)?;
        subtotal_rows.push(r + 1);
        r += 1;
    }
    // 合计 sums the 小计 rows only (never the schools twice).
    ws.merge_range(r, 0, r, 2, "合计", &l.total_text)?;
    counts_cells(ws, r, &sheet.total, &l.total_num, |col| {
        let c = col_letter(col.index());
        let cells: Vec<String> = subtotal_rows.iter().map(|x| format!("{c}{x}")).collect();
        Some(if cells.is_empty() { "=0".to_string() } else { format!("=SUM({})", cells.join(",")) })
    })?;
    ws.write_blank(r, 15, &l.total_num)?;
    r += 1;
    ws.merge_range(r, 0, r, 15, &note(&ctx.plan.weekly), &l.note)?;
    ws.set_row_height(r, 36)?;
    // Header rows 2–4 repeat on every printed page; 学区 and 学校 stay in view on screen.
    ws.set_freeze_panes(5, 2)?;
    xlsx::print_setup(ws, (2, 4))?;
    ws.set_header(page_header(ctx));
    Ok(())
}

/// The person columns of a 学籍 row: 姓名, 性别, 身份证号, 学籍号, 年级, 班级.
fn person(rec: &EnrollRec) -> [String; 6] {
    [
        rec.name.to_string(),
        rec.sex.map(|s| s.label().to_string()).unwrap_or_default(),
        rec.id.text.to_string(),
        rec.student_no.to_string(),
        rec.grade.to_string(),
        rec.class.to_string(),
    ]
}

/// Writes a row of text cells from column `from`; ID-like columns (listed in `text_cols`)
/// with the `@` format.
fn text_row(
    ws: &mut Worksheet,
    r: u32,
    from: u16,
    cells: &[String],
    text_cols: &[u16],
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    for (k, v) in cells.iter().enumerate() {
        let c = from + k as u16;
        let fmt = if text_cols.contains(&c) { &f.text } else { &f.wrap };
        if v.is_empty() {
            ws.write_blank(r, c, fmt)?;
        } else {
            ws.write_string_with_format(r, c, v, fmt)?;
        }
    }
    Ok(())
}

/// A titled list sheet: title, header at row 1, columns sized; returns the sheet.
fn list_sheet<'w>(
    wb: &'w mut Workbook,
    name: &str,
    title: &str,
    headers: &[&str],
    widths: &[f64],
    text_cols: &[u16],
    f: &Formats,
) -> std::result::Result<&'w mut Worksheet, XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let last = headers.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last, title, &f.title)?;
    ws.set_row_height(0, 28)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, *widths.get(c).unwrap_or(&12.0))?;
    }
    for &c in text_cols {
        ws.set_column_format(c, &f.text)?;
    }
    ws.set_row_height(1, 30)?;
    ws.set_freeze_panes(2, 0)?;
    xlsx::print_setup(ws, (1, 1))?;
    Ok(ws)
}

/// Changes in form order: by the school's row, then kind, then name.
fn ordered<'a>(
    found: &'a Found,
    sheet: &Sheet,
    recs: &[EnrollRec],
    keep: impl Fn(Kind) -> bool,
) -> Vec<&'a super::changes::Change> {
    let order: std::collections::BTreeMap<usize, usize> =
        sheet.units.iter().flat_map(|u| &u.rows).enumerate().map(|(k, r)| (r.school, k)).collect();
    let mut v: Vec<&super::changes::Change> = found.changes.iter().filter(|c| keep(c.kind)).collect();
    v.sort_by(|a, b| {
        let key = |c: &super::changes::Change| {
            let t = &found.tracks[c.track];
            (order.get(&t.school).copied(), c.kind, recs[found.shown_rec(c.track)].name.clone(), c.track)
        };
        key(a).cmp(&key(b))
    });
    v
}

fn where_from(ctx: &Ctx, rec: Option<usize>) -> String {
    rec.map(|i| ctx.inputs.describe(ctx.data.enrollment[i].prov)).unwrap_or_default()
}

const CHANGE_HEADERS: [&str; 15] = [
    "序号",
    "学区",
    "学校",
    "姓名",
    "性别",
    "身份证号",
    "学籍号",
    "年级",
    "班级",
    "上周状态",
    "本周状态",
    "异动日期",
    "计入",
    "说明",
    "来源",
];

fn change_cells(ctx: &Ctx, found: &Found, c: &super::changes::Change) -> Vec<String> {
    let t = &found.tracks[c.track];
    let rec = &ctx.data.enrollment[found.shown_rec(c.track)];
    let school = &ctx.schools.list[t.school];
    let [name, sex, id, no, grade, class] = person(rec);
    let before = t.before.map(|s| s.label()).unwrap_or_else(|| "（无此学生）".into());
    let after = t.after.map(|s| s.label()).unwrap_or_else(|| "（无此学生）".into());
    let counted = match c.kind.column() {
        Some(col) => format!("第{}栏 {}", col.number(), c.kind.label()),
        None => c.kind.label().to_string(),
    };
    vec![
        school.unit.clone(),
        school.name.clone(),
        name,
        sex,
        id,
        no,
        grade,
        class,
        before,
        after,
        c.date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        counted,
        c.note.clone(),
        where_from(ctx, c.rec.or(t.after.and_then(|s| s.rec)).or(t.before.and_then(|s| s.rec))),
    ]
}

/// Every change of the week, one row each, in form order, with the 栏 it was counted in and
/// the file/sheet/row it came from: what a 学区 checks a number of attachment 1 against.
fn changes_sheet(
    wb: &mut Workbook,
    ctx: &Ctx,
    found: &Found,
    sheet: &Sheet,
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    let title = format!("本周学籍异动明细（{}）", ctx.week.label());
    let widths = [5.0, 10.0, 20.0, 8.0, 5.0, 19.5, 21.0, 8.0, 7.0, 12.0, 12.0, 11.0, 14.0, 28.0, 30.0];
    let ws = list_sheet(wb, "异动明细", &title, &CHANGE_HEADERS, &widths, &[5, 6, 11], f)?;
    let list = ordered(found, sheet, &ctx.data.enrollment, |_| true);
    for (k, c) in list.iter().enumerate() {
        let r = 2 + k as u32;
        ws.write_number_with_format(r, 0, (k + 1) as f64, &f.number)?;
        text_row(ws, r, 1, &change_cells(ctx, found, c), &[5, 6, 11], f)?;
    }
    if list.is_empty() {
        ws.merge_range(2, 0, 2, 14, "本周没有学籍异动", &f.cell)?;
    } else {
        ws.autofilter(1, 0, 1 + list.len() as u32, 14)?;
    }
    ws.set_header(page_header(ctx));
    Ok(())
}

/// The changes no 学籍 row explains (a student gone without a 转出/休学 record, one who
/// appears without a 转入), for the schools to look into: these are how a dropout hides in a
/// weekly report, so they get a column the school fills in.
fn unexplained_sheet(
    wb: &mut Workbook,
    ctx: &Ctx,
    found: &Found,
    sheet: &Sheet,
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    let title = format!("无异动记录的学籍变动（{}，请学校核实）", ctx.week.label());
    let mut headers: Vec<&str> = CHANGE_HEADERS.to_vec();
    headers.push("核实情况（学校填写）");
    let widths = [5.0, 10.0, 20.0, 8.0, 5.0, 19.5, 21.0, 8.0, 7.0, 12.0, 12.0, 11.0, 14.0, 32.0, 30.0, 20.0];
    let ws = list_sheet(wb, "未说明变动", &title, &headers, &widths, &[5, 6, 11], f)?;
    let list = ordered(found, sheet, &ctx.data.enrollment, Kind::is_unexplained);
    for (k, c) in list.iter().enumerate() {
        let r = 2 + k as u32;
        ws.write_number_with_format(r, 0, (k + 1) as f64, &f.number)?;
        text_row(ws, r, 1, &change_cells(ctx, found, c), &[5, 6, 11], f)?;
        ws.write_blank(r, 15, &f.fill)?;
    }
    if list.is_empty() {
        ws.merge_range(2, 0, 2, 15, "本周没有无异动记录的学籍变动", &f.cell)?;
    }
    ws.set_header(page_header(ctx));
    Ok(())
}

/// The consistency checks, their failures, and remarks about the inputs.
fn check_sheet(
    wb: &mut Workbook,
    ctx: &Ctx,
    found: &Found,
    sheet: &Sheet,
    daily: &Daily,
    f: &Formats,
    l: &Local,
) -> std::result::Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("核对")?;
    let widths = [6.0, 44.0, 12.0, 22.0, 8.0, 8.0, 8.0, 8.0, 44.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.merge_range(0, 0, 0, 8, "周报表核对", &f.title)?;
    ws.set_row_height(0, 28)?;
    let failed = sheet.checks.len();
    let verdict = if failed == 0 { "全部通过".to_string() } else { format!("{failed} 处不符，见下表") };
    ws.merge_range(1, 0, 1, 8, &format!("统计时段：{}。核对结果：{verdict}", ctx.week.label()), &l.line)?;
    let mut r = 3u32;
    ws.write_string_with_format(r, 0, "一、核对项目", &l.section)?;
    r += 1;
    for (c, h) in ["序号", "检查项", "核对数", "不符数", "结果"].iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &f.header)?;
    }
    r += 1;
    for (k, item) in CHECK_ITEMS.iter().enumerate() {
        let n = sheet.failed(item);
        ws.write_number_with_format(r, 0, (k + 1) as f64, &f.number)?;
        ws.write_string_with_format(r, 1, *item, &f.wrap)?;
        ws.write_number_with_format(r, 2, sheet.checked[k] as f64, &f.number)?;
        ws.write_number_with_format(r, 3, n as f64, &f.number)?;
        ws.write_string_with_format(r, 4, if n == 0 { "通过" } else { "不符" }, &f.number)?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "二、不符明细", &l.section)?;
    r += 1;
    for (c, h) in ["序号", "检查项", "学区", "学校", "栏目", "应为", "实为", "差额", "说明"].iter().enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &f.header)?;
    }
    r += 1;
    if sheet.checks.is_empty() {
        ws.merge_range(r, 0, r, 8, "无", &f.cell)?;
        r += 1;
    }
    for (k, c) in sheet.checks.iter().enumerate() {
        ws.write_number_with_format(r, 0, (k + 1) as f64, &f.number)?;
        ws.write_string_with_format(r, 1, c.item, &f.wrap)?;
        ws.write_string_with_format(r, 2, &c.unit, &f.cell)?;
        ws.write_string_with_format(r, 3, &c.school, &f.wrap)?;
        ws.write_string_with_format(
            r,
            4,
            c.column.map(|x| format!("第{}栏", x.number())).unwrap_or_default(),
            &f.number,
        )?;
        ws.write_number_with_format(r, 5, c.expected as f64, &f.number)?;
        ws.write_number_with_format(r, 6, c.actual as f64, &f.number)?;
        ws.write_number_with_format(r, 7, (c.actual - c.expected) as f64, &f.number)?;
        ws.write_string_with_format(r, 8, &c.detail, &f.wrap)?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "三、输入说明", &l.section)?;
    r += 1;
    let mut lines: Vec<String> = sheet.notes.clone();
    for (s, schools) in &found.doubles {
        let rec = &ctx.data.enrollment[found.students[*s].current];
        let names: Vec<&str> = schools.iter().map(|&x| ctx.schools.list[x].name.as_str()).collect();
        lines.push(format!("学籍号 {} 的学生本周同时在 {} 在籍", rec.student_no, names.join("、")));
    }
    for &k in &daily.unmatched {
        let p = &ctx.persuasion[k];
        lines.push(format!(
            "劝返记录 {} 对不上学籍中的学生（按身份证号、学籍号、姓名加学校均未找到）",
            ctx.inputs.describe(p.prov)
        ));
    }
    if lines.is_empty() {
        lines.push("无".to_string());
    }
    for line in lines {
        ws.merge_range(r, 0, r, 8, &line, &f.wrap)?;
        r += 1;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_header(page_header(ctx));
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// The children due a 限期复（入）学通知书: three 劝返 without result are the step before the
/// written 限期复（入）学通知书, so they are listed with the three dates.
fn due_sheet(wb: &mut Workbook, ctx: &Ctx, daily: &Daily, f: &Formats) -> std::result::Result<(), XlsxError> {
    let headers = [
        "序号",
        "学校",
        "姓名",
        "性别",
        "身份证号",
        "学籍号",
        "年级",
        "班级",
        "第一次劝返无效",
        "第二次劝返无效",
        "第三次劝返无效",
        "劝返无效次数",
        "最近劝返情况",
        "本周学籍状态",
        "应办事项",
    ];
    let widths = [5.0, 20.0, 8.0, 5.0, 19.5, 21.0, 8.0, 7.0, 11.0, 11.0, 11.0, 7.0, 24.0, 14.0, 36.0];
    let title = format!(
        "三次劝返无效、应下达《义务教育阶段限期复（入）学通知书》的儿童（截至{}）",
        ctx.week.end.format("%Y-%m-%d")
    );
    let ws = list_sheet(wb, "限期复学通知", &title, &headers, &widths, &[4, 5, 8, 9, 10], f)?;
    for (k, d) in daily.due.iter().enumerate() {
        let r = 2 + k as u32;
        let p = &ctx.persuasion[d.last];
        let [name, sex, id, no, grade, class] = match d.rec {
            Some(i) => person(&ctx.data.enrollment[i]),
            None => [
                p.name.to_string(),
                String::new(),
                p.id.text.to_string(),
                p.student_no.to_string(),
                String::new(),
                String::new(),
            ],
        };
        ws.write_number_with_format(r, 0, (k + 1) as f64, &f.number)?;
        let mut cells = vec![d.school.clone(), name, sex, id, no, grade, class];
        cells.extend(d.dates.iter().map(|x| x.format("%Y-%m-%d").to_string()));
        text_row(ws, r, 1, &cells, &[4, 5, 8, 9, 10], f)?;
        ws.write_number_with_format(r, 11, d.failures as f64, &f.number)?;
        let last = format!("{}：{}", super::persuasion::md(p.date), p.outcome);
        text_row(ws, r, 12, &[last, d.status.clone(), super::persuasion::ADVICE_DUE.to_string()], &[], f)?;
    }
    if daily.due.is_empty() {
        ws.merge_range(2, 0, 2, 14, "截至本周没有三次劝返无效的儿童", &f.cell)?;
    }
    ws.set_header(page_header(ctx));
    Ok(())
}

/// Writes `辍学学生花名册日报表.xlsx` when column 7 or 14 is not zero; returns its name.
pub fn daily_book(dir: &RunDir, ctx: &Ctx, daily: &Daily) -> Result<Option<String>> {
    if !daily.written {
        return Ok(None);
    }
    let name = "辍学学生花名册日报表.xlsx";
    let path = dir.path(name);
    let write = || -> std::result::Result<(), XlsxError> {
        let mut wb = xlsx::workbook(&daily_title(&ctx.plan.weekly), ctx.week.end);
        let f = Formats::new();
        let l = Local::new();
        let ws = wb.add_worksheet();
        ws.set_name("日报表")?;
        let mut headers: Vec<String> = DAILY_COLUMNS.iter().map(|s| s.to_string()).collect();
        headers.extend(ctx.week.days.iter().map(|d| format!("{}.{}劝返情况", d.month(), d.day())));
        let last = headers.len() as u16 - 1;
        ws.merge_range(0, 0, 0, last, &daily_title(&ctx.plan.weekly), &f.title)?;
        ws.set_row_height(0, 30)?;
        let w = &ctx.plan.weekly;
        ws.merge_range(
            1,
            0,
            1,
            last,
            &format!(
                "填报单位：（公章）{}        填报日期：{}        统计时段：{}",
                w.unit,
                date_line(w.report_date),
                ctx.week.label()
            ),
            &l.line,
        )?;
        let widths = [5.0, 18.0, 8.0, 5.0, 19.5, 21.0, 8.0, 7.0, 26.0, 8.0, 30.0, 28.0];
        for (c, h) in headers.iter().enumerate() {
            let c = c as u16;
            let fmt = if c >= 12 || h.contains("必填") { &f.header_fill } else { &f.header };
            ws.write_string_with_format(2, c, h, fmt)?;
            ws.set_column_width(c, *widths.get(c as usize).unwrap_or(&16.0))?;
        }
        ws.set_column_format(4, &f.text)?;
        ws.set_column_format(5, &f.text)?;
        ws.set_row_height(2, 32)?;
        for (k, row) in daily.rows.iter().enumerate() {
            let r = 3 + k as u32;
            let rec = &ctx.data.enrollment[row.rec];
            let [name, sex, id, no, grade, class] = person(rec);
            ws.write_number_with_format(r, 0, (k + 1) as f64, &l.num)?;
            let cells = [
                ctx.schools.list[row.school].name.clone(),
                name,
                sex,
                id,
                no,
                grade,
                class,
                rec.hukou_text.to_string(),
            ];
            text_row(ws, r, 1, &cells, &[4, 5], &f)?;
            match row.poverty {
                Some(p) => ws.write_string_with_format(r, 9, if p { "是" } else { "否" }, &f.cell)?,
                None => ws.write_blank(r, 9, &f.fill)?,
            };
            text_row(ws, r, 10, &[row.situation.clone(), row.advice.clone()], &[], &f)?;
            for (d, text) in row.days.iter().enumerate() {
                let c = 12 + d as u16;
                if text.is_empty() {
                    ws.write_blank(r, c, &f.fill)?;
                } else {
                    ws.write_string_with_format(r, c, text, &f.wrap)?;
                }
            }
            // Tall enough for the longest wrapped cell (about two characters per unit of width).
            let lines = [(rec.hukou_text.as_str(), 26.0), (row.situation.as_str(), 30.0), (row.advice.as_str(), 28.0)]
                .into_iter()
                .chain(row.days.iter().map(|t| (t.as_str(), 16.0)))
                .map(|(t, width)| t.chars().count().div_ceil((width / 2.0) as usize))
                .max()
                .unwrap_or(1)
                .max(1);
            ws.set_row_height(r, 13.5 * lines as f64)?;
        }
        ws.set_freeze_panes(3, 3)?;
        xlsx::print_setup(ws, (2, 2))?;
        ws.set_header(page_header(ctx));
        wb.save(&path)
    };
    write().map_err(xlsx_err(&path))?;
    Ok(Some(name.to_string()))
}
