//! Shared workbook plumbing for every report: formats, reproducible document properties,
//! sheet-name hygiene and print setup. The case table itself is [`super::layout`].
//!
//! IDs are always written with `write_string` into text-formatted (`@`) columns, so a
//! spreadsheet program shows 18 characters, never 5.00153E+17.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// The formats a report uses, built once per workbook.
pub struct Formats {
    pub title: Format,
    pub subtitle: Format,
    /// The subtitle's font, wrapped (a banner or a paragraph in a merged range).
    pub subtitle_wrap: Format,
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
            subtitle_wrap: Format::new()
                .set_font_name("宋体")
                .set_font_size(10)
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
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

/// Display width of text in Excel column units: a Han character is two, others one.
pub fn text_width(s: &str) -> f64 {
    s.chars().map(|c| if c.is_ascii() { 1.0 } else { 2.0 }).sum()
}
