//! A workbook in memory (sheets of cells with merged regions) and the three ways the sample
//! generator writes one: xlsx through rust_xlsxwriter, BIFF8 .xls through [`super::xls`], and
//! CSV in UTF-8 or GBK.
//!
//! The renderers in [`super::render`] build [`Book`]s; [`Book::write`] turns each into bytes.
//! Every writer here is deterministic: the same book gives the same bytes.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook};

use crate::error::{Error, Result};

/// One cell as the sample writes it.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A real date cell (xlsx/xls date format); written as `YYYY-MM-DD` text in CSV.
    Date(NaiveDate),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    fn csv_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => crate::table::number_text(*n),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A merged region, 0-based and inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub last_row: u32,
    pub first_col: u16,
    pub last_col: u16,
}

/// One sheet: rows of cells (ragged rows allowed), merged regions, column widths.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
    pub merges: Vec<Merge>,
    /// Column widths in Excel character units (xlsx only).
    pub widths: Vec<f64>,
    /// 0-based columns written with the text format `@` (ID columns).
    pub text_cols: Vec<u16>,
    /// Rows (0-based) written bold: titles and headers.
    pub bold_rows: Vec<u32>,
}

impl Sheet {
    pub fn new(name: impl Into<String>) -> Self {
        Sheet { name: name.into(), ..Sheet::default() }
    }

    /// Appends a row and returns its Excel row number (1-based).
    pub fn push(&mut self, row: Vec<Cell>) -> u32 {
        self.rows.push(row);
        self.rows.len() as u32
    }

    /// Merges a region given by 0-based inclusive bounds (a one-cell region is ignored).
    pub fn merge(&mut self, first_row: u32, last_row: u32, first_col: u16, last_col: u16) {
        if first_row != last_row || first_col != last_col {
            self.merges.push(Merge { first_row, last_row, first_col, last_col });
        }
    }

    fn cell(&self, r: u32, c: u16) -> &Cell {
        self.rows.get(r as usize).and_then(|row| row.get(c as usize)).unwrap_or(&Cell::Empty)
    }

    fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }
}

/// The file format a book is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Xlsx,
    Xls,
    CsvUtf8,
    CsvGbk,
}

/// A workbook to write.
#[derive(Clone, Debug)]
pub struct Book {
    /// Path relative to the output folder.
    pub path: String,
    pub format: FileFormat,
    pub sheets: Vec<Sheet>,
}

/// The creation time written into every xlsx: the day the notice was issued. Fixed so that
/// the same seed gives byte-identical files.
fn creation_time() -> ExcelDateTime {
    ExcelDateTime::from_ymd(2020, 5, 14).expect("valid date")
}

impl Book {
    /// Serialises the book.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        match self.format {
            FileFormat::Xlsx => self.xlsx_bytes(),
            FileFormat::Xls => super::xls::write(&self.sheets),
            FileFormat::CsvUtf8 => Ok(self.csv_text().into_bytes()),
            FileFormat::CsvGbk => {
                let text = self.csv_text();
                let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
                if unmappable {
                    return Err(Error::data(format!("样例文件 {} 含有 GBK 无法表示的字符", self.path)));
                }
                Ok(bytes.into_owned())
            }
        }
    }

    /// Writes the book under `root`, creating folders.
    pub fn write(&self, root: &Path) -> Result<()> {
        let path = root.join(&self.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("无法创建文件夹 {}", dir.display()), e))?;
        }
        let bytes = self.to_bytes()?;
        std::fs::write(&path, bytes).map_err(|e| Error::io(format!("无法写入 {}", path.display()), e))
    }

    fn csv_text(&self) -> String {
        let sheet = &self.sheets[0];
        let mut w = csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        let width = sheet.width();
        for row in &sheet.rows {
            let mut fields: Vec<String> = row.iter().map(Cell::csv_text).collect();
            fields.resize(width, String::new());
            w.write_record(&fields).expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
    }

    fn xlsx_bytes(&self) -> Result<Vec<u8>> {
        let err = |e: rust_xlsxwriter::XlsxError| Error::data(format!("无法生成样例工作簿 {}：{e}", self.path));
        let mut wb = Workbook::new();
        wb.set_properties(&DocProperties::new().set_author("kcbx sample").set_creation_datetime(&creation_time()));
        let text = Format::new().set_num_format("@");
        let bold = Format::new().set_bold();
        let merged = Format::new().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
        let merged_bold = merged.clone().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for sheet in &self.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(&sheet.name).map_err(err)?;
            for (c, w) in sheet.widths.iter().enumerate() {
                ws.set_column_width(c as u16, *w).map_err(err)?;
            }
            for c in &sheet.text_cols {
                ws.set_column_format(*c, &text).map_err(err)?;
            }
            // Cells covered by a merge (other than its first) are left unwritten.
            let covered = |r: u32, c: u16| {
                sheet.merges.iter().any(|m| {
                    (m.first_row..=m.last_row).contains(&r)
                        && (m.first_col..=m.last_col).contains(&c)
                        && (r, c) != (m.first_row, m.first_col)
                })
            };
            let first_of_merge = |r: u32, c: u16| sheet.merges.iter().any(|m| (m.first_row, m.first_col) == (r, c));
            for (r, row) in sheet.rows.iter().enumerate() {
                let r = r as u32;
                let is_bold = sheet.bold_rows.contains(&r);
                for (c, cell) in row.iter().enumerate() {
                    let c = c as u16;
                    if first_of_merge(r, c) || (!sheet.merges.is_empty() && covered(r, c)) {
                        continue;
                    }
                    match cell {
                        Cell::Empty => {}
                        Cell::Text(s) if is_bold => {
                            ws.write_string_with_format(r, c, s, &bold).map_err(err)?;
                        }
                        Cell::Text(s) if sheet.text_cols.contains(&c) => {
                            ws.write_string_with_format(r, c, s, &text).map_err(err)?;
                        }
                        Cell::Text(s) => {
                            ws.write_string(r, c, s).map_err(err)?;
                        }
                        Cell::Number(n) => {
                            ws.write_number(r, c, *n).map_err(err)?;
                        }
                        Cell::Date(d) => {
                            let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                                .map_err(err)?;
                            ws.write_datetime_with_format(r, c, &dt, &date).map_err(err)?;
                        }
                    }
                }
            }
            for m in &sheet.merges {
                let value = match sheet.cell(m.first_row, m.first_col) {
                    Cell::Text(s) => s.clone(),
                    Cell::Number(n) => crate::table::number_text(*n),
                    Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
                    Cell::Empty => String::new(),
                };
                let fmt = if sheet.bold_rows.contains(&m.first_row) { &merged_bold } else { &merged };
                ws.merge_range(m.first_row, m.first_col, m.last_row, m.last_col, &value, fmt).map_err(err)?;
            }
        }
        wb.save_to_buffer().map_err(err)
    }
}
