//! Workbooks through calamine: .xlsx / .xlsm, .xls (BIFF8, and older files in their own code
//! page), .xlsb and .ods. The format is taken from the file's first bytes, not only its
//! name, because files get renamed (an .xls saved as .xlsx opens fine in Excel); encrypted
//! workbooks are recognised and named as such.
//!
//! Pipeline position: **read** (one file → sheets as [`Grid`]s) → normalize → link → …

use std::io::Cursor;

use calamine::{Data, Dimensions, Range, Reader, SheetType, SheetVisible, Sheets};
use chrono::NaiveDate;

use super::grid::{Grid, Peek, Region};
use crate::normalize::date::Epoch;
use crate::table::Cell;

/// What the first bytes of a file say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Container {
    /// A zip archive: xlsx, xlsm, xlsb or ods.
    Zip,
    /// An OLE compound file: xls, or an encrypted OOXML workbook.
    Cfb,
    /// Anything else (text, HTML, …).
    Other,
}

pub(crate) fn sniff(bytes: &[u8]) -> Container {
    if bytes.starts_with(b"PK\x03\x04") {
        Container::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Container::Cfb
    } else {
        Container::Other
    }
}

/// An encrypted OOXML workbook is a compound file holding `EncryptionInfo` and
/// `EncryptedPackage` streams instead of a zip.
fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    match cfb::CompoundFile::open(Cursor::new(bytes)) {
        Ok(file) => file.exists("/EncryptionInfo") || file.exists("/EncryptedPackage"),
        Err(_) => false,
    }
}

/// Why a workbook could not be opened. The text never holds cell values.
pub(crate) fn open_error(bytes: &[u8], ext: &str, err: &calamine::Error) -> String {
    let password = matches!(
        err,
        calamine::Error::Xls(calamine::XlsError::Password)
            | calamine::Error::Xlsx(calamine::XlsxError::Password)
            | calamine::Error::Ods(calamine::OdsError::Password)
    );
    if password || (sniff(bytes) == Container::Cfb && is_encrypted_ooxml(bytes)) {
        return "文件已加密（设有打开密码），请在 Excel / WPS 中去掉密码后另存 (workbook is encrypted)".to_string();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    if sniff(bytes) == Container::Other {
        if head.contains("<html") || head.contains("<table") || head.contains("<!doctype") {
            return format!(
                "文件实为网页 (HTML) 而非 .{ext} 工作簿，请用 Excel 打开后另存为 .xlsx (an HTML file, not a workbook)"
            );
        }
        return format!("文件不是 .{ext} 工作簿（内容不是电子表格格式）(not a spreadsheet)");
    }
    // calamine's messages describe the structure (zip, records, XML), never cell values.
    let mut detail = err.to_string();
    if detail.chars().count() > 160 {
        detail = detail.chars().take(160).collect::<String>() + "…";
    }
    format!("文件损坏或格式不符，无法打开 (corrupt or unreadable workbook: {detail})")
}

/// Why one sheet of an opened workbook could not be read.
pub(crate) fn sheet_error(err: &calamine::Error) -> String {
    let mut detail = err.to_string();
    if detail.chars().count() > 160 {
        detail = detail.chars().take(160).collect::<String>() + "…";
    }
    format!("工作表损坏，无法读取 (cannot read sheet: {detail})")
}

/// Opens a workbook from its bytes, choosing the reader by content first and by extension
/// second. Encrypted files fail here; [`open_error`] says why.
pub(crate) fn open<'a>(bytes: &'a [u8], ext: &str) -> Result<Sheets<Cursor<&'a [u8]>>, calamine::Error> {
    use calamine::{open_workbook_from_rs, Ods, Xls, Xlsb, Xlsx};
    let rs = Cursor::new(bytes);
    match sniff(bytes) {
        Container::Cfb => {
            if is_encrypted_ooxml(bytes) {
                return Err(calamine::Error::Xlsx(calamine::XlsxError::Password));
            }
            open_workbook_from_rs::<Xls<_>, _>(rs).map(Sheets::Xls).map_err(calamine::Error::Xls)
        }
        Container::Zip => {
            // Try the reader the extension names first, then the others (renamed files).
            let order: [&str; 3] = match ext {
                "ods" => ["ods", "xlsx", "xlsb"],
                "xlsb" => ["xlsb", "xlsx", "ods"],
                _ => ["xlsx", "xlsb", "ods"],
            };
            let mut first_err = None;
            for kind in order {
                let r = match kind {
                    "xlsx" => {
                        open_workbook_from_rs::<Xlsx<_>, _>(rs.clone()).map(Sheets::Xlsx).map_err(calamine::Error::Xlsx)
                    }
                    "xlsb" => {
                        open_workbook_from_rs::<Xlsb<_>, _>(rs.clone()).map(Sheets::Xlsb).map_err(calamine::Error::Xlsb)
                    }
                    _ => open_workbook_from_rs::<Ods<_>, _>(rs.clone()).map(Sheets::Ods).map_err(calamine::Error::Ods),
                };
                match r {
                    Ok(book) => return Ok(book),
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
            Err(first_err.expect("at least one reader tried"))
        }
        Container::Other => Err(calamine::Error::Msg("not a workbook")),
    }
}

/// The actual format of an opened workbook, for [`crate::table::FileInfo::format`].
pub(crate) fn format_of(book: &Sheets<Cursor<&[u8]>>, ext: &str) -> &'static str {
    match book {
        Sheets::Xls(_) => "xls",
        Sheets::Xlsx(_) if ext == "xlsm" => "xlsm",
        Sheets::Xlsx(_) => "xlsx",
        Sheets::Xlsb(_) => "xlsb",
        Sheets::Ods(_) => "ods",
    }
}

/// The workbook's date system. calamine resolves date-formatted cells in it itself; a serial
/// typed into a plain number cell (a 出生日期 column left in General format) is resolved
/// later, by [`crate::normalize::date::from_cell`], in the same system. ODS stores dates
/// as ISO text: 1900 is never wrong there.
pub(crate) fn epoch(book: &Sheets<Cursor<&[u8]>>) -> Epoch {
    let is_1904 = match book {
        Sheets::Xlsx(x) => x.has_1904_epoch(),
        Sheets::Xls(x) => x.has_1904_epoch(),
        Sheets::Xlsb(x) => x.has_1904_epoch(),
        Sheets::Ods(_) => false,
    };
    if is_1904 {
        Epoch::E1904
    } else {
        Epoch::E1900
    }
}

/// One sheet listed in a workbook.
#[derive(Clone, Debug)]
pub(crate) struct SheetEntry {
    pub name: String,
    pub hidden: bool,
    /// Chart, dialog, macro or VBA sheets hold no rows.
    pub worksheet: bool,
}

/// The workbook's sheets, in workbook order.
pub(crate) fn sheets(book: &Sheets<Cursor<&[u8]>>) -> Vec<SheetEntry> {
    book.sheets_metadata()
        .iter()
        .map(|s| SheetEntry {
            name: s.name.clone(),
            hidden: s.visible != SheetVisible::Visible,
            worksheet: s.typ == SheetType::WorkSheet,
        })
        .collect()
}

/// Reads one sheet: its cells and, for xlsx and xls, its merged regions (`None` for formats
/// where calamine does not report them). `parts` (xlsx only, see [`XlsxParts`]) finds the
/// merged regions without calamine's second XML pass over the sheet.
pub(crate) fn load(
    book: &mut Sheets<Cursor<&[u8]>>,
    parts: Option<&mut XlsxParts<'_>>,
    name: &str,
) -> Result<(SheetGrid, Option<Vec<Dimensions>>), calamine::Error> {
    let range = book.worksheet_range(name)?;
    let merges = match book {
        Sheets::Xlsx(x) => match parts.and_then(|p| p.merges(name)) {
            Some(found) => Some(found),
            None => Some(x.merge_cells_by_sheet_name(name).map_err(calamine::Error::Xlsx)?),
        },
        Sheets::Xls(x) => Some(x.merge_cells_by_sheet_name(name).map_err(calamine::Error::Xls)?),
        Sheets::Xlsb(_) | Sheets::Ods(_) => None,
    };
    Ok((SheetGrid::new(range), merges))
}

/// Where each worksheet of an xlsx lives in its zip, so that its merged regions can be read
/// from the end of its XML. calamine reads them with a second full XML parse of the sheet,
/// which cost a quarter of the read stage; here the sheet is inflated again (cheap) and
/// only what follows `</sheetData>` is parsed. Anything unexpected (another package
/// layout, an unparsable reference) gives `None`, and calamine is asked instead.
pub(crate) struct XlsxParts<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Sheet name → part path (`xl/worksheets/sheet1.xml`).
    paths: Vec<(String, String)>,
}

impl<'a> XlsxParts<'a> {
    /// The sheet parts of an xlsx, from `xl/workbook.xml` and its relationships.
    pub(crate) fn new(bytes: &'a [u8]) -> Option<Self> {
        use quick_xml::events::Event;
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let rels = read_part(&mut zip, "xl/_rels/workbook.xml.rels")?;
        let mut targets: Vec<(String, String)> = Vec::new();
        let mut reader = quick_xml::Reader::from_reader(rels.as_slice());
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf).ok()? {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                    let id = attr(&e, "Id", false)?;
                    let target = attr(&e, "Target", false)?;
                    targets.push((id, target));
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        let book = read_part(&mut zip, "xl/workbook.xml")?;
        let mut paths = Vec::new();
        let mut reader = quick_xml::Reader::from_reader(book.as_slice());
        loop {
            match reader.read_event_into(&mut buf).ok()? {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                    let name = attr(&e, "name", false)?;
                    let id = attr(&e, "id", true)?;
                    let target = &targets.iter().find(|(i, _)| *i == id)?.1;
                    let path = match target.strip_prefix('/') {
                        Some(abs) => abs.to_string(),
                        None => format!("xl/{target}"),
                    };
                    paths.push((name, path));
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Some(XlsxParts { zip, paths })
    }

    /// The merged regions of a sheet, as calamine's `merge_cells_by_sheet_name` gives them.
    pub(crate) fn merges(&mut self, sheet: &str) -> Option<Vec<Dimensions>> {
        let path = self.paths.iter().find(|(n, _)| n == sheet)?.1.clone();
        let xml = read_part(&mut self.zip, &path)?;
        merges_after_sheet_data(&xml)
    }
}

/// Inflates one part of the package.
fn read_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, path: &str) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut file = zip.by_name(path).ok()?;
    let mut out = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0).min(1 << 28));
    file.read_to_end(&mut out).ok()?;
    Some(out)
}

/// An attribute's unescaped value, by local name (`id` matches `r:id`) or exact key.
fn attr(e: &quick_xml::events::BytesStart<'_>, key: &str, local: bool) -> Option<String> {
    for a in e.attributes() {
        let a = a.ok()?;
        let name: &str = if local { a.key.local_name().into_inner() } else { a.key.into_inner() };
        if name == key {
            return quick_xml::escape::unescape(&a.value).ok().map(|v| v.into_owned());
        }
    }
    None
}

/// The `<mergeCell ref="A1:B2"/>` regions after the sheet's cells (where the schema puts
/// them): the text after the last `sheetData` tag is parsed, not the cells before it.
fn merges_after_sheet_data(xml: &[u8]) -> Option<Vec<Dimensions>> {
    use quick_xml::events::Event;
    let tail_at = memchr::memmem::rfind(xml, b"sheetData")?;
    let tail = &xml[tail_at..];
    if memchr::memmem::find(tail, b"mergeCell").is_none() {
        // No merged region in the sheet at all, unless one hides before the cells (not
        // where the schema allows it): then let calamine decide.
        return memchr::memmem::find(&xml[..tail_at], b"mergeCell").is_none().then(Vec::new);
    }
    // Skip the rest of the `sheetData` tag itself.
    let tail = &tail[memchr::memchr(b'>', tail)? + 1..];
    let mut reader = quick_xml::Reader::from_reader(tail);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "mergeCell" => {
                let value = e.try_get_attribute("ref").ok()?;
                if let Some(a) = value {
                    out.push(dimension(&a.value)?);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "mergeCells" => return Some(out),
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// `A1` or `A1:C3` as 0-based (row, column) corners, as calamine reads them.
fn dimension(text: &str) -> Option<Dimensions> {
    let mut parts = text.split(':');
    let start = cell_ref(parts.next()?)?;
    let end = match parts.next() {
        Some(p) => cell_ref(p)?,
        None => start,
    };
    parts.next().is_none().then_some(Dimensions { start, end })
}

/// `C12` → (11, 2). Letters then digits, both required.
fn cell_ref(text: &str) -> Option<(u32, u32)> {
    let b = text.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let digits = &b[letters..];
    if letters == 0 || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut col: u32 = 0;
    for c in &b[..letters] {
        col = col.checked_mul(26)?.checked_add(u32::from(c.to_ascii_uppercase() - b'A') + 1)?;
    }
    let mut row: u32 = 0;
    for d in digits {
        row = row.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
    }
    Some((row.checked_sub(1)?, col - 1))
}

/// A calamine range as a [`Grid`]. Grid (0, 0) is the range's first used cell.
pub(crate) struct SheetGrid {
    range: Range<Data>,
    row0: u32,
    col0: u32,
    height: usize,
    width: usize,
}

impl SheetGrid {
    pub(crate) fn new(range: Range<Data>) -> Self {
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let (height, width) = range.get_size();
        SheetGrid { range, row0, col0, height, width }
    }

    /// Merged regions in grid coordinates, clipped to the grid.
    pub(crate) fn regions(&self, merges: &[Dimensions]) -> Vec<Region> {
        let (row0, col0) = (self.row0 as usize, self.col0 as usize);
        merges
            .iter()
            .filter(|d| d.end.0 as usize >= row0 && d.end.1 as usize >= col0)
            .filter(|d| d.start.0 != d.end.0 || d.start.1 != d.end.1)
            .map(|d| Region {
                r0: (d.start.0 as usize).saturating_sub(row0),
                c0: (d.start.1 as usize).saturating_sub(col0),
                r1: d.end.0 as usize - row0,
                c1: d.end.1 as usize - col0,
            })
            .collect()
    }
}

impl Grid for SheetGrid {
    fn height(&self) -> usize {
        self.height
    }

    fn width(&self) -> usize {
        self.width
    }

    fn peek(&self, r: usize, c: usize) -> Peek<'_> {
        match self.range.get((r, c)) {
            None | Some(Data::Empty) => Peek::Empty,
            Some(Data::String(s)) => {
                if s.trim().is_empty() {
                    Peek::Empty
                } else {
                    Peek::Text(s)
                }
            }
            Some(Data::Float(f)) => Peek::Number(*f),
            Some(Data::Int(i)) => Peek::Number(*i as f64),
            Some(Data::DateTimeIso(s) | Data::DurationIso(s)) if s.trim().is_empty() => Peek::Empty,
            Some(Data::Bool(_) | Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) | Data::Error(_)) => {
                Peek::Other
            }
        }
    }

    fn take(&mut self, r: usize, c: usize) -> Cell {
        if r >= self.height || c >= self.width {
            return Cell::Empty;
        }
        to_cell(std::mem::take(&mut self.range[(r, c)]))
    }

    fn copy(&self, r: usize, c: usize) -> Cell {
        self.range.get((r, c)).cloned().map(to_cell).unwrap_or_default()
    }

    fn row_number(&self, r: usize) -> u32 {
        self.row0 + r as u32 + 1
    }

    fn column_index(&self, c: usize) -> usize {
        self.col0 as usize + c
    }
}

/// Converts a calamine value, moving its string. Date cells become dates in the workbook's
/// own epoch (calamine's `ExcelDateTime` knows whether it is 1900 or 1904); time-only values
/// and durations stay numbers.
pub(crate) fn to_cell(data: Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s),
        Data::Float(f) => Cell::Number(f),
        Data::Int(i) => Cell::Number(i as f64),
        Data::Bool(b) => Cell::Bool(b),
        Data::DateTime(dt) => {
            if dt.is_datetime() {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                // calamine maps values before the epoch (time-only cells) to the epoch year.
                if y > 1900 || (y == 1900 && dt.as_f64() >= 1.0) {
                    if let Some(date) = NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                        return Cell::Date(date);
                    }
                }
            }
            Cell::Number(dt.as_f64())
        }
        Data::DateTimeIso(s) => match s.get(..10).and_then(|p| NaiveDate::parse_from_str(p, "%Y-%m-%d").ok()) {
            Some(d) => Cell::Date(d),
            None => Cell::Text(s),
        },
        Data::DurationIso(s) => Cell::Text(s),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    fn d(y: i32, m: u32, day: u32) -> Cell {
        Cell::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap())
    }

    #[test]
    fn every_calamine_value_converts() {
        let dt = |v: f64, is_1904: bool| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, is_1904));
        assert_eq!(to_cell(dt(40301.0, false)), d(2010, 5, 3));
        assert_eq!(to_cell(dt(38839.0, true)), d(2010, 5, 3));
        assert_eq!(to_cell(dt(40301.75, false)), d(2010, 5, 3));
        assert_eq!(to_cell(dt(0.5, false)), Cell::Number(0.5));
        let dur = Data::DateTime(ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false));
        assert_eq!(to_cell(dur), Cell::Number(1.5));
        assert_eq!(to_cell(Data::DateTimeIso("2010-05-03T00:00:00".into())), d(2010, 5, 3));
        assert_eq!(to_cell(Data::DateTimeIso("T10:00".into())), Cell::Text("T10:00".into()));
        assert_eq!(to_cell(Data::DurationIso("PT1H".into())), Cell::Text("PT1H".into()));
        assert_eq!(to_cell(Data::Int(3)), Cell::Number(3.0));
        assert_eq!(to_cell(Data::Float(5.00153201005031e17)), Cell::Number(5.00153201005031e17));
        assert_eq!(to_cell(Data::Bool(true)), Cell::Bool(true));
        assert_eq!(to_cell(Data::Error(CellErrorType::NA)), Cell::Error("#N/A".into()));
        assert_eq!(to_cell(Data::Empty), Cell::Empty);
    }

    #[test]
    fn merged_regions_are_read_after_the_cells() {
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mergeCell</t></is></c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:C1"/><mergeCell ref="B3"/></mergeCells><pageMargins/></worksheet>"#;
        let found = merges_after_sheet_data(xml).unwrap();
        assert_eq!(found, vec![Dimensions { start: (0, 0), end: (0, 2) }, Dimensions { start: (2, 1), end: (2, 1) }]);
        assert_eq!(merges_after_sheet_data(b"<worksheet><sheetData/></worksheet>"), Some(Vec::new()));
        assert_eq!(cell_ref("AB12"), Some((11, 27)));
        assert_eq!(cell_ref("12"), None);
    }

    #[test]
    fn sniffing_by_content() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Container::Zip);
        assert_eq!(sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), Container::Cfb);
        assert_eq!(sniff(b"name,id\n"), Container::Other);
        assert!(open(b"hello", "xlsx").is_err());
    }
}
