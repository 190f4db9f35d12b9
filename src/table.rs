//! Shared record-keeping types that every stage passes along: where a row came from
//! (provenance), what a spreadsheet cell held, and the per-sheet accounting that
//! `run.json` and `rejects.csv` report.
//!
//! Pipeline position: the ground floor. Sits between `read` (which fills these) and every later stage (which only points back
//! at rows through [`Prov`]). Nothing here holds personal data on its own; a [`Reject`]
//! names a row and a column, never a value.

use crate::text::Text;
use chrono::NaiveDate;
use serde::Serialize;

/// Where a record came from: an index into [`Inputs::sheets`] and the row number as
/// Excel (or a text editor, for CSV) shows it, starting at 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, serde::Deserialize)]
pub struct Prov {
    pub sheet: u32,
    pub row: u32,
}

/// One spreadsheet cell as read, before any field-specific interpretation.
///
/// Dates are resolved against the workbook's own 1900/1904 epoch at read time, so later
/// stages never see an Excel serial number.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Cell {
    #[default]
    Empty,
    Text(Text),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    /// An error value such as `#N/A` or `#REF!`, kept so the row can be rejected with it.
    Error(String),
}

impl Cell {
    /// True for an empty cell or text that is only whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.chars().all(char::is_whitespace),
            _ => false,
        }
    }

    /// The cell as display text: numbers without a trailing `.0`, dates as `YYYY-MM-DD`.
    pub fn text(&self) -> Text {
        match self {
            Cell::Empty => Text::default(),
            Cell::Text(s) => {
                let t = s.trim();
                // Most cells need no trimming: the text is shared, not copied again.
                if t.len() == s.len() {
                    s.clone()
                } else {
                    Text::from(t)
                }
            }
            Cell::Number(n) => number_text(*n).into(),
            Cell::Bool(b) => Text::const_new(if *b { "是" } else { "否" }),
            Cell::Date(d) => compact_str::format_compact!("{}", d.format("%Y-%m-%d")),
            Cell::Error(e) => e.as_str().into(),
        }
    }
}

/// Formats a number the way a person typed it: `3` not `3.0`, `2.5` as `2.5`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Why a row was skipped (not data, so not a reject).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// Every cell empty.
    Blank,
    /// A 合计 / 小计 / 总计 row.
    Total,
    /// A trailing 备注 / 说明 / 填表说明 row, or a repeated header row.
    Note,
}

/// Row accounting for one sheet: `read == used + blank + total + note + rejected`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RowCounts {
    /// Data rows below the header, up to the last non-empty row.
    pub read: u64,
    pub used: u64,
    pub skipped_blank: u64,
    pub skipped_total: u64,
    pub skipped_note: u64,
    pub rejected: u64,
}

impl RowCounts {
    pub fn skipped(&self) -> u64 {
        self.skipped_blank + self.skipped_total + self.skipped_note
    }

    /// The accounting identity every sheet must satisfy.
    pub fn balanced(&self) -> bool {
        self.read == self.used + self.skipped() + self.rejected
    }
}

/// A non-blank row the read stage skipped as not data (a 合计 row, a note or signature row,
/// a repeated header row), with the reason. Listed in `rejects.csv` as 跳过 beside the
/// rejected rows; blank rows are only counted. Never carries a cell value.
#[derive(Clone, Debug, Serialize)]
pub struct Skip {
    pub prov: Prov,
    pub reason: &'static str,
}

/// A row that was not used, with the reason. Never carries a cell value.
#[derive(Clone, Debug, Serialize)]
pub struct Reject {
    pub prov: Prov,
    /// The header of the column at fault, when one column is at fault.
    pub column: Option<String>,
    pub reason: String,
}

/// One input file as found by a source's glob.
#[derive(Clone, Debug, Serialize)]
pub struct FileInfo {
    /// Index into the plan's sources.
    pub source: usize,
    pub path: std::path::PathBuf,
    /// The path as shown to users (relative to the pipeline file where possible).
    pub display: String,
    pub sha256: String,
    pub bytes: u64,
    /// xlsx, xlsm, xls, xlsb, ods or csv.
    pub format: String,
}

/// How one canonical field was found in a sheet.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnMap {
    pub field: String,
    /// Zero-based column index in the sheet.
    pub column: usize,
    /// The (joined) header text of that column.
    pub header: String,
    /// `alias` (from the built-in table), `pipeline` (a `[sources.columns]` entry) or `fuzzy`.
    pub how: String,
}

/// One sheet of one input file, read or skipped.
#[derive(Clone, Debug, Serialize)]
pub struct SheetInfo {
    /// Index into [`Inputs::files`].
    pub file: u32,
    pub name: String,
    /// Excel row number of the (last) header row, when one was found.
    pub header_row: Option<u32>,
    pub columns: Vec<ColumnMap>,
    /// Set when the whole sheet was skipped (no recognisable header, empty): the reason.
    pub skipped: Option<String>,
    pub counts: RowCounts,
}

/// Everything the read stage learned about the inputs: files, sheets, rejected and skipped
/// rows. Records point back here through [`Prov`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct Inputs {
    pub files: Vec<FileInfo>,
    pub sheets: Vec<SheetInfo>,
    /// Rows rejected, by the read stage or when records were built (`rejected` in the counts).
    #[serde(skip)]
    pub rejects: Vec<Reject>,
    /// Non-blank rows skipped by the read stage (`skipped_total` + `skipped_note` in the counts).
    #[serde(skip)]
    pub skips: Vec<Skip>,
}

impl Inputs {
    /// File and sheet names for a provenance, for messages and evidence.
    pub fn locate(&self, prov: Prov) -> (&str, &str) {
        let sheet = &self.sheets[prov.sheet as usize];
        (self.files[sheet.file as usize].display.as_str(), sheet.name.as_str())
    }

    /// `文件 x.xlsx，工作表 Sheet1，第 12 行` — a human pointer to a row.
    pub fn describe(&self, prov: Prov) -> String {
        let (file, sheet) = self.locate(prov);
        format!("{file}［{sheet}］第{}行", prov.row)
    }

    /// `x.xlsx［Sheet1］第12行` with the file name only (no folders), for workbook text.
    pub fn describe_short(&self, prov: Prov) -> String {
        let (file, sheet) = self.locate(prov);
        let name = std::path::Path::new(file).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        format!("{name}［{sheet}］第{}行", prov.row)
    }

    /// Records a reject of a row the read stage passed on (and counted as used), moving it
    /// from `used` to `rejected` in its sheet's accounting.
    pub fn reject(&mut self, prov: Prov, column: Option<&str>, reason: impl Into<String>) {
        let counts = &mut self.sheets[prov.sheet as usize].counts;
        counts.rejected += 1;
        counts.used = counts.used.saturating_sub(1);
        self.rejects.push(Reject { prov, column: column.map(str::to_string), reason: reason.into() });
    }
}

/// The rows of one sheet that passed the read stage, restricted to the mapped columns.
///
/// `fields[i]` names the canonical field held in `rows[_].cells[i]`.
#[derive(Clone, Debug, Default)]
pub struct RawTable {
    pub sheet: u32,
    pub fields: Vec<&'static str>,
    /// Header text per mapped column (same order as `fields`), for reject messages.
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
    /// The date system of the workbook, for serials typed into plain number cells.
    pub epoch: Epoch,
}

/// The date system of the workbook a number came from: Excel's default 1900 system, or the
/// 1904 system of old Mac workbooks (`date1904` in xlsx, DATEMODE in xls), where the same
/// serial is 1,462 days later. CSV and ODS files have no serials of their own: 1900.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Epoch {
    #[default]
    E1900,
    E1904,
}

/// One data row: its Excel row number and the mapped cells.
#[derive(Clone, Debug, Default)]
pub struct RawRow {
    pub row: u32,
    pub cells: Vec<Cell>,
}

impl RawTable {
    /// Position of a canonical field among the mapped columns.
    pub fn col(&self, field: &str) -> Option<usize> {
        self.fields.iter().position(|f| *f == field)
    }
}
