//! Workbooks through calamine: .xlsx / .xlsm, .xls (BIFF8, and older files in their own code
//! page), .xlsb and .ods. The format is taken from the file's first bytes, not only its
//! name, because files get renamed (an .xls saved as .xlsx opens fine in Excel); encrypted
//! workbooks are recognised and named as such.
//!
//! Pipeline position: **read** (one file → sheets as [`Grid`]s) → normalize → link → …

use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, Range, Reader, SheetType, SheetVisible, Sheets};
use chrono::NaiveDate;

use super::grid::{Grid, Peek, Region};
use super::limits;
use crate::table::Cell;
use crate::table::Epoch;
use crate::text::Text;

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

/// Why one sheet could not be read: calamine's error, or a limit of [`super::limits`] passed
/// (the text says which and what to do; it names no cell value).
#[derive(Debug)]
pub(crate) enum LoadError {
    Calamine(calamine::Error),
    Limit(String),
}

impl From<calamine::Error> for LoadError {
    fn from(e: calamine::Error) -> Self {
        LoadError::Calamine(e)
    }
}

/// Reads one sheet: its cells and, for xlsx and xls, its merged regions (`None` for formats
/// where calamine does not report them). `parts` (xlsx only, see [`XlsxParts`]) finds the
/// merged regions without calamine's second XML pass over the sheet.
pub(crate) fn load(
    book: &mut Sheets<Cursor<&[u8]>>,
    mut parts: Option<&mut XlsxParts<'_>>,
    name: &str,
) -> Result<(SheetGrid, Option<Vec<Dimensions>>), LoadError> {
    let (grid, merges) = match book {
        Sheets::Xlsx(x) => {
            let part_bytes = parts.as_mut().and_then(|p| p.part_size(name));
            let grid = xlsx_grid(x, name, part_bytes)?;
            let merges = match parts.and_then(|p| p.merges(name)) {
                Some(found) => found,
                None => x.merge_cells_by_sheet_name(name).map_err(calamine::Error::Xlsx)?,
            };
            (grid, Some(merges))
        }
        Sheets::Xls(x) => {
            let grid = SheetGrid::from_range(x.worksheet_range(name).map_err(calamine::Error::Xls)?)?;
            (grid, Some(x.merge_cells_by_sheet_name(name).map_err(calamine::Error::Xls)?))
        }
        Sheets::Xlsb(x) => {
            let mut reader = x.worksheet_cells_reader(name).map_err(calamine::Error::Xlsb)?;
            let mut cells = Cells::default();
            while let Some(c) = reader.next_cell().map_err(calamine::Error::Xlsb)? {
                cells.push(c.get_position(), ref_to_cell(c.get_value()))?;
            }
            (cells.into_grid(), None)
        }
        Sheets::Ods(_) => (SheetGrid::from_range(book.worksheet_range(name)?)?, None),
    };
    Ok((grid, merges))
}

/// The message for a sheet with more non-empty cells than [`limits::MAX_SHEET_CELLS`].
fn too_many_cells() -> LoadError {
    LoadError::Limit(format!(
        "工作表的非空单元格超过 {} 个（每个工作表的上限），无法读取；请把数据分成几个工作表或几个文件，或删除数据区以外的内容后另存 (more than {} cells in one sheet)",
        limits::thousands(limits::MAX_SHEET_CELLS as u64),
        limits::MAX_SHEET_CELLS
    ))
}

/// Non-empty cells collected with their sheet positions, counted against the limit.
#[derive(Default)]
struct Cells(Vec<((u32, u32), Cell)>);

impl Cells {
    fn push(&mut self, at: (u32, u32), cell: Cell) -> Result<(), LoadError> {
        if cell == Cell::Empty {
            return Ok(());
        }
        if self.0.len() >= limits::MAX_SHEET_CELLS {
            return Err(too_many_cells());
        }
        self.0.push((at, cell));
        Ok(())
    }

    fn into_grid(self) -> SheetGrid {
        SheetGrid::from_cells(self.0)
    }
}

/// An xlsx sheet through calamine's cell reader: each shared string is copied once, into
/// the cell that holds it (short texts inline), instead of into an owned `String` per cell
/// and then again into the record (what `worksheet_range` would do).
///
/// `part_bytes` is the inflated size of the sheet's XML (from the zip directory, which the
/// zip reader holds the part to). A cell takes at least [`MIN_CELL_XML`] bytes of it, so
/// the size bounds how many cells the sheet can hold whatever its `<dimension>` claims.
fn xlsx_grid(
    x: &mut calamine::Xlsx<Cursor<&[u8]>>,
    name: &str,
    part_bytes: Option<u64>,
) -> Result<SheetGrid, LoadError> {
    let mut reader = match x.worksheet_cells_reader(name) {
        Ok(r) => r,
        // A chart or dialog sheet listed as a worksheet: no cells (as `worksheet_range`).
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(SheetGrid::default()),
        Err(e) => return Err(calamine::Error::Xlsx(e).into()),
    };
    // Cells go straight into a rectangle of the size the sheet declares (`<dimension>`),
    // when its XML is large enough to fill a good part of that rectangle; the used area is
    // then cut out of it, as calamine's ranges start at the first used cell. A declared
    // size that is missing, absurd, wrong or far larger than the cells the XML can hold
    // falls back to collecting the cells first: memory follows the cells, not the claim.
    let dims = reader.dimensions();
    let (start, end) = (dims.start, dims.end);
    let room = part_bytes.map_or(1 << 20, |b| (b / MIN_CELL_XML).max(1 << 16));
    let declared = start <= end && dims.len() > 1 && dims.len() <= room.min(1 << 25);
    let (height, width) =
        if declared { ((end.0 - start.0) as usize + 1, (end.1 - start.1) as usize + 1) } else { (0, 0) };
    let mut dense = vec![Cell::Empty; height * width];
    let mut outside = Cells::default();
    let mut count = 0usize;
    let mut used: Option<((u32, u32), (u32, u32))> = None;
    let xlsx = |e| LoadError::Calamine(calamine::Error::Xlsx(e));
    while let Some(c) = reader.next_cell().map_err(xlsx)? {
        let cell = ref_to_cell(c.get_value());
        if cell == Cell::Empty {
            continue;
        }
        count += 1;
        if count > limits::MAX_SHEET_CELLS {
            return Err(too_many_cells());
        }
        let (r, col) = c.get_position();
        used = Some(match used {
            None => ((r, col), (r, col)),
            Some((lo, hi)) => ((lo.0.min(r), lo.1.min(col)), (hi.0.max(r), hi.1.max(col))),
        });
        if declared && (start.0..=end.0).contains(&r) && (start.1..=end.1).contains(&col) {
            dense[(r - start.0) as usize * width + (col - start.1) as usize] = cell;
        } else {
            outside.push((r, col), cell)?;
        }
    }
    let Some((lo, hi)) = used else { return Ok(SheetGrid::default()) };
    if !outside.0.is_empty() {
        for (k, cell) in dense.into_iter().enumerate().filter(|(_, c)| *c != Cell::Empty) {
            outside.0.push(((start.0 + (k / width) as u32, start.1 + (k % width) as u32), cell));
        }
        return Ok(outside.into_grid());
    }
    if (lo, hi) == (start, end) {
        return Ok(SheetGrid { store: Store::Dense(dense), row0: start.0, col0: start.1, height, width });
    }
    let (h, w) = ((hi.0 - lo.0) as usize + 1, (hi.1 - lo.1) as usize + 1);
    let mut cells = Vec::with_capacity(h * w);
    for r in lo.0..=hi.0 {
        let row = (r - start.0) as usize * width;
        for c in lo.1..=hi.1 {
            cells.push(std::mem::take(&mut dense[row + (c - start.1) as usize]));
        }
    }
    Ok(SheetGrid { store: Store::Dense(cells), row0: lo.0, col0: lo.1, height: h, width: w })
}

/// The fewest bytes of sheet XML a non-empty cell takes: `<c r="A1"><v>1</v></c>`.
const MIN_CELL_XML: u64 = 22;

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

    /// Sheet name → part path, for messages about a part; empty when the workbook's own
    /// parts are not small (they are never inflated here past [`limits::BOMB_FLOOR`]).
    pub(crate) fn sheet_paths(bytes: &'a [u8]) -> Vec<(String, String)> {
        let small = |name: &str| {
            zip::ZipArchive::new(Cursor::new(bytes))
                .ok()
                .and_then(|mut z| z.by_name(name).ok().map(|f| f.size() <= limits::BOMB_FLOOR))
                .unwrap_or(false)
        };
        if !small("xl/workbook.xml") || !small("xl/_rels/workbook.xml.rels") {
            return Vec::new();
        }
        XlsxParts::new(bytes).map(|p| p.paths).unwrap_or_default()
    }

    /// The inflated size of a sheet's XML, as the zip directory declares it (the zip reader
    /// refuses to inflate a part past its declared size).
    pub(crate) fn part_size(&mut self, sheet: &str) -> Option<u64> {
        let path = &self.paths.iter().find(|(n, _)| n == sheet)?.1;
        self.zip.by_name(path).ok().map(|f| f.size())
    }

    /// The merged regions of a sheet, as calamine's `merge_cells_by_sheet_name` gives them.
    /// The sheet is inflated in small pieces and only what follows its cells is kept: a
    /// sheet's XML can be tens of megabytes, and a buffer of that size per sheet, written
    /// once and freed, costs more in fresh pages than the inflating itself.
    pub(crate) fn merges(&mut self, sheet: &str) -> Option<Vec<Dimensions>> {
        let path = self.paths.iter().find(|(n, _)| n == sheet)?.1.clone();
        let part = self.zip.by_name(&path).ok()?;
        let (tail, merge_before) = tail_after_sheet_data(part)?;
        merges_in_tail(&tail, merge_before)
    }
}

/// Streams a sheet's XML and returns what follows the end of its `sheetData` element
/// (`</sheetData>`, or an empty `<sheetData/>`), and whether `mergeCell` occurred before
/// it. `None` when the XML cannot be read or has no such end.
fn tail_after_sheet_data(mut part: impl std::io::Read) -> Option<(Vec<u8>, bool)> {
    // Longer than any `</prefix:sheetData/>` spelling, so a tag cut by a chunk boundary is
    // still whole in the window.
    const OVERLAP: usize = 48;
    let mut chunk = vec![0u8; 1 << 16];
    let mut window: Vec<u8> = Vec::with_capacity(chunk.len() + OVERLAP);
    let mut merge_before = false;
    let mut tail: Option<Vec<u8>> = None;
    loop {
        let n = part.read(&mut chunk).ok()?;
        if let Some(t) = tail.as_mut() {
            if n == 0 {
                break;
            }
            t.extend_from_slice(&chunk[..n]);
            // Merged regions take a few megabytes at most; anything longer is odd, and
            // calamine reads it streaming instead of it being held here.
            if t.len() > 64 << 20 {
                return None;
            }
            continue;
        }
        window.extend_from_slice(&chunk[..n]);
        let done = n == 0;
        // Occurrences whose tag can be judged in this window (the end needs two more bytes).
        let limit = if done { window.len() } else { window.len().saturating_sub(OVERLAP / 2) };
        let mut end_at = None;
        for p in memchr::memmem::find_iter(&window[..limit], b"sheetData") {
            if closes_sheet_data(&window, p) {
                end_at = Some(p);
                break;
            }
        }
        if let Some(p) = end_at {
            merge_before |= memchr::memmem::find(&window[..p], b"mergeCell").is_some();
            tail = Some(window[p..].to_vec());
            if done {
                break;
            }
            continue;
        }
        if done {
            return None;
        }
        merge_before |= memchr::memmem::find(&window[..limit], b"mergeCell").is_some();
        let keep = window.len().saturating_sub(OVERLAP);
        window.drain(..keep);
    }
    tail.map(|t| (t, merge_before))
}

/// Whether the `sheetData` at `p` ends the element: `</sheetData>` (any prefix) or an
/// empty `<sheetData/>`, not the opening tag.
fn closes_sheet_data(xml: &[u8], p: usize) -> bool {
    // Back over a namespace prefix (`x:`), then an optional `/`, to the `<`.
    let mut i = p;
    while i > 0 && (xml[i - 1].is_ascii_alphanumeric() || matches!(xml[i - 1], b':' | b'_' | b'-' | b'.')) {
        i -= 1;
    }
    let closing = i > 0 && xml[i - 1] == b'/';
    if closing {
        i -= 1;
    }
    if i == 0 || xml[i - 1] != b'<' {
        return false;
    }
    if closing {
        return true;
    }
    let after = &xml[p + b"sheetData".len()..];
    let after = &after[after.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
    after.starts_with(b"/>")
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
#[cfg(test)]
fn merges_after_sheet_data(xml: &[u8]) -> Option<Vec<Dimensions>> {
    let (tail, merge_before) = tail_after_sheet_data(xml)?;
    merges_in_tail(&tail, merge_before)
}

/// The merged regions listed in `tail` (the XML from the end of `sheetData` on). With
/// none there but a `mergeCell` before the cells (not where the schema puts it), `None`:
/// calamine decides.
fn merges_in_tail(tail: &[u8], merge_before: bool) -> Option<Vec<Dimensions>> {
    use quick_xml::events::Event;
    if memchr::memmem::find(tail, b"mergeCell").is_none() {
        return (!merge_before).then(Vec::new);
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

/// One sheet's used area as a [`Grid`]; grid (0, 0) is the first used cell (the top-left of
/// the smallest rectangle holding every non-empty cell, as calamine's ranges start).
///
/// Cells are held densely (a row-major rectangle) when they fill a fair part of that
/// rectangle, else sparsely (sorted positions): a sheet with a header, a few rows and one
/// stray cell at XFD1048576 costs its cells, not seventeen billion empty ones.
#[derive(Default)]
pub(crate) struct SheetGrid {
    store: Store,
    row0: u32,
    col0: u32,
    height: usize,
    width: usize,
}

enum Store {
    /// `height × width` cells, row-major.
    Dense(Vec<Cell>),
    /// Non-empty cells at grid positions (row, column), sorted, one per position.
    Sparse { at: Vec<(u32, u32)>, cells: Vec<Cell> },
}

impl Default for Store {
    fn default() -> Self {
        Store::Dense(Vec::new())
    }
}

/// Whether `cells` non-empty cells over `area` grid positions are held densely: when at
/// least a quarter of the rectangle is filled, or the rectangle is small anyway.
fn dense_enough(cells: usize, area: u64) -> bool {
    area <= (cells as u64).saturating_mul(4).max(1 << 16)
}

impl SheetGrid {
    /// From a calamine range (xls, ods), moving its strings.
    pub(crate) fn from_range(mut range: Range<Data>) -> Result<Self, LoadError> {
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let (height, width) = range.get_size();
        let filled = range.used_cells().count();
        if filled > limits::MAX_SHEET_CELLS {
            return Err(too_many_cells());
        }
        if dense_enough(filled, height as u64 * width as u64) {
            // The usual sheet: straight into a rectangle, each string moved once.
            let mut cells = Vec::with_capacity(height * width);
            for r in 0..height {
                for c in 0..width {
                    cells.push(to_cell(std::mem::take(&mut range[(r, c)])));
                }
            }
            return Ok(SheetGrid { store: Store::Dense(cells), row0, col0, height, width });
        }
        let mut cells = Cells::default();
        for r in 0..height {
            for c in 0..width {
                let cell = to_cell(std::mem::take(&mut range[(r, c)]));
                cells.push((row0 + r as u32, col0 + c as u32), cell)?;
            }
        }
        drop(range);
        Ok(cells.into_grid())
    }

    /// From non-empty cells with their sheet positions, in any order. Of two cells at one
    /// position the later wins (as Excel reads a repeated `<c r>`).
    fn from_cells(mut cells: Vec<((u32, u32), Cell)>) -> Self {
        let Some(first) = cells.first() else { return SheetGrid::default() };
        let (mut r0, mut c0, mut r1, mut c1) = (first.0 .0, first.0 .1, first.0 .0, first.0 .1);
        for ((r, c), _) in &cells {
            r0 = r0.min(*r);
            r1 = r1.max(*r);
            c0 = c0.min(*c);
            c1 = c1.max(*c);
        }
        let (height, width) = ((r1 - r0) as usize + 1, (c1 - c0) as usize + 1);
        if dense_enough(cells.len(), height as u64 * width as u64) {
            let mut dense = vec![Cell::Empty; height * width];
            for ((r, c), cell) in cells {
                dense[(r - r0) as usize * width + (c - c0) as usize] = cell;
            }
            return SheetGrid { store: Store::Dense(dense), row0: r0, col0: c0, height, width };
        }
        // Reversed, then a stable sort: of equal positions the last one read comes first
        // and is the one kept.
        cells.reverse();
        cells.sort_by_key(|(p, _)| *p);
        cells.dedup_by_key(|(p, _)| *p);
        let (at, cells) = cells.into_iter().map(|((r, c), cell)| ((r - r0, c - c0), cell)).unzip();
        SheetGrid { store: Store::Sparse { at, cells }, row0: r0, col0: c0, height, width }
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

    /// Index into a sparse store of the first cell at (r, c) or after it.
    fn seek(at: &[(u32, u32)], r: usize, c: usize) -> usize {
        let key = (r as u32, c.min(u32::MAX as usize) as u32);
        at.partition_point(|p| *p < key)
    }

    fn at(&self, r: usize, c: usize) -> Option<&Cell> {
        if r >= self.height || c >= self.width {
            return None;
        }
        match &self.store {
            Store::Dense(cells) => Some(&cells[r * self.width + c]),
            Store::Sparse { at, cells } => {
                let i = Self::seek(at, r, c);
                (at.get(i) == Some(&(r as u32, c as u32))).then(|| &cells[i])
            }
        }
    }

    /// Whether the cells are held sparsely (for tests and notes).
    pub(crate) fn is_sparse(&self) -> bool {
        matches!(self.store, Store::Sparse { .. })
    }
}

/// A cell as the grid shows it.
fn peek_cell(cell: Option<&Cell>) -> Peek<'_> {
    match cell {
        None | Some(Cell::Empty) => Peek::Empty,
        Some(Cell::Text(s)) => {
            if s.trim().is_empty() {
                Peek::Empty
            } else {
                Peek::Text(s)
            }
        }
        Some(Cell::Number(n)) => Peek::Number(*n),
        Some(Cell::Bool(_) | Cell::Date(_) | Cell::Error(_)) => Peek::Other,
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
        peek_cell(self.at(r, c))
    }

    fn next_filled(&self, r: usize, from: usize) -> Option<(usize, Peek<'_>)> {
        match &self.store {
            Store::Dense(_) => (from..self.width).map(|c| (c, self.peek(r, c))).find(|(_, p)| !p.is_empty()),
            Store::Sparse { at, cells } => {
                let i = Self::seek(at, r, from);
                at[i..]
                    .iter()
                    .zip(&cells[i..])
                    .take_while(|(p, _)| p.0 as usize == r)
                    .map(|(p, cell)| (p.1 as usize, peek_cell(Some(cell))))
                    .find(|(_, p)| !p.is_empty())
            }
        }
    }

    fn take(&mut self, r: usize, c: usize) -> Cell {
        if r >= self.height || c >= self.width {
            return Cell::Empty;
        }
        match &mut self.store {
            Store::Dense(cells) => std::mem::take(&mut cells[r * self.width + c]),
            Store::Sparse { at, cells } => {
                let i = Self::seek(at, r, c);
                if at.get(i) == Some(&(r as u32, c as u32)) {
                    std::mem::take(&mut cells[i])
                } else {
                    Cell::Empty
                }
            }
        }
    }

    fn copy(&self, r: usize, c: usize) -> Cell {
        self.at(r, c).cloned().unwrap_or_default()
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
        Data::String(s) => Cell::Text(s.into()),
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
            None => Cell::Text(s.into()),
        },
        Data::DurationIso(s) => Cell::Text(s.into()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Converts a value of calamine's cell reader ([`to_cell`] for a borrowed value).
fn ref_to_cell(data: &DataRef<'_>) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::SharedString(s) => Cell::Text(Text::from(*s)),
        DataRef::String(s) => Cell::Text(Text::from(s.as_str())),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => to_cell(Data::DateTime(*dt)),
        DataRef::DateTimeIso(s) => to_cell(Data::DateTimeIso(s.clone())),
        DataRef::DurationIso(s) => Cell::Text(Text::from(s.as_str())),
        DataRef::Error(e) => Cell::Error(e.to_string()),
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
        // A prefixed element, and a cell whose text spells the tag name.
        let xml = br#"<x:worksheet><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>sheetData</x:t></x:is></x:c></x:row></x:sheetData><x:mergeCells><x:mergeCell ref="B2:B4"/></x:mergeCells></x:worksheet>"#;
        assert_eq!(merges_after_sheet_data(xml), Some(vec![Dimensions { start: (1, 1), end: (3, 1) }]));
        // A mergeCell before the cells only: calamine is asked instead.
        let odd = br#"<worksheet><mergeCells><mergeCell ref="A1:B1"/></mergeCells><sheetData></sheetData></worksheet>"#;
        assert_eq!(merges_after_sheet_data(odd), None);
        // A sheet far longer than one piece: the end tag is found across piece boundaries.
        let mut long = b"<worksheet><sheetData>".to_vec();
        for r in 1..20_000 {
            long.extend_from_slice(format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#).as_bytes());
        }
        long.extend_from_slice(
            br#"</sheetData><mergeCells count="1"><mergeCell ref="A1:C1"/></mergeCells></worksheet>"#,
        );
        assert_eq!(merges_after_sheet_data(&long), Some(vec![Dimensions { start: (0, 0), end: (0, 2) }]));
        // However the inflater hands out its pieces, the end tag is found whole.
        struct Pieces<'a>(&'a [u8], usize);
        impl std::io::Read for Pieces<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        for size in [1, 5, 13, 47, 4096] {
            let (tail, before) = tail_after_sheet_data(Pieces(&long, size)).unwrap();
            assert!(tail.starts_with(b"sheetData>") && !before, "pieces of {size}");
            assert_eq!(merges_in_tail(&tail, before).unwrap().len(), 1);
        }
        assert_eq!(cell_ref("AB12"), Some((11, 27)));
        assert_eq!(cell_ref("12"), None);
    }

    /// A minimal xlsx whose one sheet declares `dimension` and holds `cells` (A1-style
    /// reference, inline text).
    fn tiny_xlsx(dimension: &str, cells: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        let mut part = |name: &str, body: &str| {
            zip.start_file(name, opts).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        };
        part(
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        );
        part(
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        );
        part(
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        );
        part(
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        );
        let body: String = cells
            .iter()
            .map(|(r, t)| format!(r#"<row r="{}"><c r="{r}" t="inlineStr"><is><t>{t}</t></is></c></row>"#, &r[1..]))
            .collect();
        part(
            "xl/worksheets/sheet1.xml",
            &format!(
                r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>"#
            ),
        );
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn the_used_area_whatever_the_declared_dimension() {
        let cells = [("B2", "姓名"), ("C3", "张三")];
        for dimension in ["B2:C3", "A1:E10", "A1", "C3:C3", "D4:F9"] {
            let bytes = tiny_xlsx(dimension, &cells);
            let mut book = open(&bytes, "xlsx").unwrap();
            let (grid, merges) = load(&mut book, None, "表1").unwrap();
            assert_eq!(merges, Some(Vec::new()), "{dimension}");
            assert_eq!((grid.height(), grid.width()), (2, 2), "{dimension}");
            assert_eq!((grid.row_number(0), grid.column_index(0)), (2, 1), "{dimension}");
            assert_eq!(grid.peek(0, 0), Peek::Text("姓名"), "{dimension}");
            assert_eq!(grid.peek(1, 1), Peek::Text("张三"), "{dimension}");
            assert_eq!(grid.peek(0, 1), Peek::Empty, "{dimension}");
        }
    }

    #[test]
    fn sniffing_by_content() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Container::Zip);
        assert_eq!(sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), Container::Cfb);
        assert_eq!(sniff(b"name,id\n"), Container::Other);
        assert!(open(b"hello", "xlsx").is_err());
    }
}
