//! What one input file may hold, and the checks made before calamine opens it, so that a
//! hostile or odd file — a zip bomb, a shared-strings table claiming billions of entries, an
//! .xls whose records claim a sheet larger than Excel allows, a CSV that is one line of
//! hundreds of megabytes — is refused in bounded time and memory with a message, instead
//! of taking the machine down. The limits are far above any real export (a city's 学籍 of
//! 1.4 million rows fits several times over); the README lists them.
//!
//! Pipeline position: **read** (before a file is parsed) → normalize → link → …

use std::io::{Cursor, Read};

/// Non-empty cells in one sheet (any format).
pub const MAX_SHEET_CELLS: usize = 40_000_000;
/// Sheets in one workbook.
pub const MAX_SHEETS: usize = 1_000;
/// Parts (files) in one xlsx / xlsm / xlsb / ods zip.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Inflated bytes of one part of the zip (one sheet's XML, the shared strings).
pub const MAX_PART_BYTES: u64 = 2 << 30;
/// Inflated bytes of all parts of one zip together.
pub const MAX_ZIP_BYTES: u64 = 8 << 30;
/// A part larger than [`BOMB_FLOOR`] inflating more than this many times its compressed
/// size is a zip bomb: real sheet XML compresses 5 to 30 times, deflate at most about 1,000.
pub const MAX_RATIO: u64 = 100;
/// Parts up to this size are never judged by their ratio.
pub const BOMB_FLOOR: u64 = 16 << 20;
/// Entries the shared-strings table of an xlsx may declare (`<sst uniqueCount>`).
pub const MAX_SHARED_STRINGS: u64 = 10_000_000;
/// The rectangle from the first to the last value cell of one .xls sheet, in cells:
/// calamine holds an .xls sheet as a full rectangle, whatever its cells.
pub const MAX_XLS_SHEET_AREA: u64 = 1 << 22;
/// The same rectangles over all sheets of one .xls (calamine reads them all at once).
pub const MAX_XLS_BOOK_AREA: u64 = 1 << 23;
/// Bytes of one line of a CSV file (between two line breaks).
pub const MAX_CSV_LINE_BYTES: usize = 1 << 20;

/// `12345678` → `12,345,678`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Bytes for people: `300 MB`, `12 KB`.
pub(crate) fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GB", b as f64 / f64::from(1u32 << 30)),
        b if b >= 1 << 20 => format!("{} MB", b >> 20),
        b if b >= 1 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} 字节"),
    }
}

/// Checks a zip container (xlsx, xlsm, xlsb, ods) from its central directory, without
/// inflating anything but the head of the shared strings. `Ok` also when the zip cannot be
/// read at all: calamine then says why.
pub(crate) fn check_zip(bytes: &[u8]) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(format!(
            "压缩包内有 {} 个部件，超过上限 {}，不像正常的工作簿；未读取。请用 Excel 打开后另存 (too many zip entries)",
            thousands(zip.len() as u64),
            thousands(MAX_ZIP_ENTRIES as u64)
        ));
    }
    // Which part is which sheet, to name the sheet when a sheet's part is at fault (looked
    // up only then, and only from a small workbook.xml).
    let part_name = |name: &str| {
        let sheets = super::workbook::XlsxParts::sheet_paths(bytes);
        match sheets.iter().find(|(_, p)| p == name) {
            Some((sheet, _)) => format!("工作表［{sheet}］（{name}）"),
            None => format!("部件 {name}"),
        }
    };
    let mut total: u64 = 0;
    let mut shared: Option<String> = None;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else { continue };
        let (inflated, packed, name) =
            (entry.size(), entry.compressed_size(), entry.name().map(|n| n.into_owned()).unwrap_or_default());
        if inflated > MAX_PART_BYTES {
            return Err(format!(
                "{} 解压后有 {}，超过每个部件的上限 {}；未读取。请删除多余的行、列和格式，或把数据分成几个文件 (zip part too large)",
                part_name(&name),
                size(inflated),
                size(MAX_PART_BYTES)
            ));
        }
        if inflated > BOMB_FLOOR && inflated / packed.max(1) > MAX_RATIO {
            return Err(format!(
                "{} 压缩后只有 {}，解压后却有 {}（{} 倍，正常的工作簿不超过 {} 倍），像是“压缩炸弹”或被篡改的文件；未读取。请向报送单位要一份用 Excel / WPS 另存的文件 (zip bomb: part inflates {}×)",
                part_name(&name),
                size(packed),
                size(inflated),
                thousands(inflated / packed.max(1)),
                MAX_RATIO,
                inflated / packed.max(1)
            ));
        }
        total = total.saturating_add(inflated);
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            shared = Some(name);
        }
    }
    if total > MAX_ZIP_BYTES {
        return Err(format!(
            "工作簿解压后共有 {}，超过上限 {}；未读取。请把数据分成几个文件 (workbook too large when inflated)",
            size(total),
            size(MAX_ZIP_BYTES)
        ));
    }
    if zip.index_for_name("content.xml").is_some() {
        check_ods_tables(&mut zip)?;
    }
    if let Some(name) = shared {
        if let Some(n) = declared_strings(&mut zip, &name) {
            if n > MAX_SHARED_STRINGS {
                return Err(format!(
                    "共享字符串表（{name}）声明有 {} 个条目，超过上限 {}；未读取。请把数据分成几个文件，或用 Excel 打开后另存 (shared strings table too large)",
                    thousands(n),
                    thousands(MAX_SHARED_STRINGS)
                ));
            }
        }
    }
    Ok(())
}

/// The `uniqueCount` the shared-strings table declares (calamine reserves room for that
/// many entries before reading one), from the first 64 KB of the part.
fn declared_strings(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<u64> {
    let part = zip.by_name(name).ok()?;
    let mut head = Vec::new();
    part.take(64 << 10).read_to_end(&mut head).ok()?;
    let at = memchr::memmem::find(&head, b"uniqueCount=")? + b"uniqueCount=".len();
    let digits: Vec<u8> = head[at..].iter().skip(1).take_while(|b| b.is_ascii_digit()).copied().take(20).collect();
    // More digits than a u64 holds is more than any limit.
    std::str::from_utf8(&digits).ok()?.parse::<u64>().ok().or((!digits.is_empty()).then_some(u64::MAX))
}

/// Checks each table of an .ods's content.xml, streamed, for the rectangle calamine would
/// build for it: from the first to the last row holding a value and from the leftmost to
/// the rightmost column holding one, counting `number-rows-repeated` and
/// `number-columns-repeated` as calamine does (capped at 1,048,576 rows and 16,384
/// columns). A rectangle over [`MAX_XLS_SHEET_AREA`] is refused unless at least half of it
/// holds values (and it stays within [`MAX_SHEET_CELLS`]): a real sheet that fills its
/// rectangle is read, one stray value far from the data is not. `Ok` when the XML does
/// not parse: calamine then says why.
fn check_ods_tables(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<(), String> {
    use quick_xml::events::Event;
    const MAX_ROWS: u64 = 1_048_576;
    const MAX_COLS: u64 = 16_384;
    let Ok(part) = zip.by_name("content.xml") else { return Ok(()) };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    reader.config_mut().check_end_names = false;
    reader.config_mut().expand_empty_elements = true;
    let mut buf = Vec::new();
    // The table being read: its name, next row, value rows and columns, value cells.
    let mut table: Option<OdsTable> = None;
    let (mut row, mut row_repeat, mut col) = (0u64, 1u64, 0u64);
    loop {
        buf.clear();
        let e = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(Event::Start(e)) => e,
            Ok(Event::End(e)) if e.name().as_ref() == "table:table" => {
                if let Some(t) = table.take() {
                    t.check()?;
                }
                continue;
            }
            Ok(Event::End(e)) if e.name().as_ref() == "table:table-row" => {
                row = (row + row_repeat).min(MAX_ROWS);
                continue;
            }
            Ok(_) => continue,
        };
        let attr = |key: &str| e.try_get_attribute(key).ok().flatten().map(|a| a.value.into_owned());
        let number = |key: &str| attr(key).and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(1);
        match e.name().as_ref() {
            "table:table" => {
                let name = attr("table:name").map(|v| v.to_string()).unwrap_or_default();
                table = Some(OdsTable { name, ..OdsTable::default() });
                row = 0;
            }
            "table:table-row" => {
                row_repeat = number("table:number-rows-repeated").min(MAX_ROWS - row);
                col = 0;
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let repeat = number("table:number-columns-repeated").min(MAX_COLS - col.min(MAX_COLS));
                let value = [
                    "office:value",
                    "office:string-value",
                    "office:date-value",
                    "office:time-value",
                    "office:boolean-value",
                    "table:formula",
                ]
                .iter()
                .any(|k| attr(k).is_some())
                    || attr("office:value-type").is_some_and(|v| v == "string");
                if let (true, Some(t), true) = (value, table.as_mut(), repeat > 0 && row_repeat > 0) {
                    t.rows = Some(t.rows.map_or((row, row + row_repeat - 1), |(a, _)| (a, row + row_repeat - 1)));
                    t.cols =
                        Some(t.cols.map_or((col, col + repeat - 1), |(a, b)| (a.min(col), b.max(col + repeat - 1))));
                    t.cells = t.cells.saturating_add(repeat.saturating_mul(row_repeat));
                }
                col = col.saturating_add(repeat);
            }
            _ => {}
        }
    }
}

/// What [`check_ods_tables`] found in one table.
#[derive(Default)]
struct OdsTable {
    name: String,
    /// First and last row holding a value (zero-based, repeats counted).
    rows: Option<(u64, u64)>,
    /// Leftmost and rightmost column holding a value.
    cols: Option<(u64, u64)>,
    /// Value cells, repeats counted.
    cells: u64,
}

impl OdsTable {
    fn check(&self) -> Result<(), String> {
        let (Some((r0, r1)), Some((c0, c1))) = (self.rows, self.cols) else { return Ok(()) };
        let area = (r1 - r0 + 1) * (c1 - c0 + 1);
        let full = self.cells.saturating_mul(2) >= area && area <= MAX_SHEET_CELLS as u64;
        if area <= MAX_XLS_SHEET_AREA || full {
            return Ok(());
        }
        let at = |r: u64, c: u64| format!("{}{}", super::sheet::column_name(c as usize), r + 1);
        Err(format!(
            "工作表［{}］的数据从 {} 延伸到 {}（{} 个格，其中只有 {} 个有值），超过 .ods 每个工作表的上限 {} 个格（有值的格不到一半时）；未读取。请删除多余的行列/空白格式后另存，或另存为 .xlsx (sheet area too large)",
            self.name,
            at(r0, c0),
            at(r1, c1),
            thousands(area),
            thousands(self.cells),
            thousands(MAX_XLS_SHEET_AREA),
        ))
    }
}

/// Checks an .xls (BIFF5 / BIFF8 in a compound file) by walking its records before calamine
/// reads them: how many sheets, what each sheet's DIMENSIONS record claims, and the
/// rectangle its value cells span. calamine builds every sheet of an .xls as a full
/// rectangle when it opens the file, and reserves what DIMENSIONS claims, so both must be
/// bounded first. `Ok` when the file cannot be walked: calamine then says why.
pub(crate) fn check_xls(bytes: &[u8]) -> Result<(), String> {
    // The compound file's sector chains are checked here (the cfb crate follows them with
    // loop and range checks) because calamine's own reader follows a looping chain until
    // memory runs out. An encrypted OOXML workbook is left to the opener, which names it.
    let damaged = |what: &str| {
        format!(
            "文件损坏（{what}），无法打开；请用 Excel / WPS 打开后另存，或向报送单位要一份完整的文件 (damaged compound file)"
        )
    };
    let mut cfb = match cfb::CompoundFile::open(Cursor::new(bytes)) {
        Ok(cfb) => cfb,
        Err(_) => return Err(damaged("复合文档结构错误")),
    };
    if cfb.exists("/EncryptionInfo") || cfb.exists("/EncryptedPackage") {
        return Ok(());
    }
    let stream = if cfb.is_stream("/Workbook") {
        "/Workbook"
    } else if cfb.is_stream("/Book") {
        "/Book"
    } else {
        return Ok(());
    };
    let mut data = Vec::new();
    match cfb.open_stream(stream) {
        // A stream is never longer than the file that holds it.
        Ok(s) => {
            if s.take(bytes.len() as u64).read_to_end(&mut data).is_err() {
                return Err(damaged("工作簿数据流读不完整"));
            }
        }
        Err(_) => return Err(damaged("工作簿数据流读不完整")),
    }
    let biff = BiffScan::of(&data);
    if biff.sheets > MAX_SHEETS {
        return Err(too_many_sheets(biff.sheets));
    }
    let mut book_area: u64 = 0;
    for (k, s) in biff.substreams.iter().enumerate() {
        let at = match biff.names.get(k) {
            Some(name) => format!("工作表［{name}］"),
            None => format!("第 {} 个工作表", k + 1),
        };
        if let Some((rows, cols)) = s.claimed {
            if rows > 65_536 || cols > 256 {
                return Err(format!(
                    "{at}声明有 {} 行 × {} 列，超过 .xls 格式的上限（65,536 行 × 256 列），文件已损坏或被篡改；未读取。请用 Excel 打开后另存为 .xlsx (DIMENSIONS record out of range)",
                    thousands(rows),
                    thousands(cols)
                ));
            }
        }
        if s.malformed {
            return Err(format!(
                "{at}的尺寸记录 (DIMENSIONS) 自相矛盾，文件已损坏；未读取。请用 Excel 打开后另存为 .xlsx (malformed DIMENSIONS record)"
            ));
        }
        let Some(((r0, c0), (r1, c1))) = s.used else { continue };
        let area = (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1);
        if area > MAX_XLS_SHEET_AREA {
            return Err(format!(
                "{at}的数据从 {} 延伸到 {}（{} 个格，其中只有 {} 个有值），超过 .xls 每个工作表的上限 {} 个格；未读取。请删除第 {} 行以下和数据区右侧的多余单元格后另存，或另存为 .xlsx (sheet area too large)",
                cell_name(r0, c0),
                cell_name(r1, c1),
                thousands(area),
                thousands(s.cells),
                thousands(MAX_XLS_SHEET_AREA),
                s.block_end,
            ));
        }
        book_area += area;
    }
    if book_area > MAX_XLS_BOOK_AREA {
        return Err(format!(
            "各工作表的数据区合计 {} 个格，超过 .xls 工作簿的上限 {} 个格；未读取。请把工作表分成几个文件，或另存为 .xlsx (workbook too large)",
            thousands(book_area),
            thousands(MAX_XLS_BOOK_AREA)
        ));
    }
    Ok(())
}

/// The message for a workbook with more than [`MAX_SHEETS`] sheets.
pub(crate) fn too_many_sheets(n: usize) -> String {
    format!(
        "工作簿有 {} 个工作表，超过上限 {}；未读取。请把工作表分成几个文件 (too many sheets)",
        thousands(n as u64),
        thousands(MAX_SHEETS as u64)
    )
}

/// `A1`-style name of a zero-based cell.
fn cell_name(r: u32, c: u32) -> String {
    format!("{}{}", super::sheet::column_name(c as usize), u64::from(r) + 1)
}

/// What walking an .xls workbook stream found.
#[derive(Default)]
struct BiffScan {
    /// BOUNDSHEET records: sheets of every kind.
    sheets: usize,
    /// Their names, where they decode (BIFF8 compressed or UTF-16 names; others unnamed).
    names: Vec<String>,
    /// The sheet substreams, in order.
    substreams: Vec<Substream>,
    /// The workbook's first BOF says BIFF8.
    biff8: bool,
}

/// One sheet substream of an .xls.
#[derive(Default)]
struct Substream {
    /// Rows × columns its DIMENSIONS record claims.
    claimed: Option<(u64, u64)>,
    /// A DIMENSIONS record calamine would compute a negative size from.
    malformed: bool,
    /// Top-left and bottom-right of its value cells.
    used: Option<((u32, u32), (u32, u32))>,
    /// How many value cells.
    cells: u64,
    /// The last row of the first block of rows (no gap of more than 1,000 empty rows), for
    /// the message saying below which row to delete.
    block_end: u32,
    rows: Vec<u32>,
}

impl Substream {
    fn cell(&mut self, r: u32, c: u32) {
        self.cells += 1;
        self.used = Some(match self.used {
            None => ((r, c), (r, c)),
            Some((lo, hi)) => ((lo.0.min(r), lo.1.min(c)), (hi.0.max(r), hi.1.max(c))),
        });
        if self.rows.last() != Some(&r) {
            self.rows.push(r);
        }
    }

    fn finish(&mut self) {
        self.rows.sort_unstable();
        self.rows.dedup();
        let mut end = self.rows.first().copied().unwrap_or(0);
        for &r in &self.rows {
            if r > end.saturating_add(1000) {
                break;
            }
            end = r;
        }
        self.block_end = end + 1;
        self.rows = Vec::new();
    }
}

impl BiffScan {
    fn of(data: &[u8]) -> BiffScan {
        let mut scan = BiffScan::default();
        let mut pos = 0usize;
        // 1 inside the globals or a sheet; deeper inside a chart or other substream
        // embedded in a sheet (its records are not the sheet's).
        let mut depth = 0usize;
        let mut globals_done = false;
        let mut current = Substream::default();
        while pos + 4 <= data.len() {
            let typ = u16::from_le_bytes([data[pos], data[pos + 1]]);
            let len = usize::from(u16::from_le_bytes([data[pos + 2], data[pos + 3]]));
            let end = (pos + 4 + len).min(data.len());
            let r = &data[pos + 4..end];
            pos = end;
            let u16_at = |k: usize| r.get(k..k + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
            let u32_at = |k: usize| r.get(k..k + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            let in_sheet = globals_done && depth == 1;
            match typ {
                // BOF (BIFF5/8, and the older ones)
                0x0809 | 0x0409 | 0x0209 | 0x0009 => {
                    if depth == 0 && !globals_done {
                        scan.biff8 = u16_at(0) == Some(0x0600);
                    }
                    depth += 1;
                    if globals_done && depth == 1 {
                        current = Substream::default();
                    }
                }
                // EOF
                0x000A => {
                    if depth == 1 {
                        if globals_done {
                            current.finish();
                            scan.substreams.push(std::mem::take(&mut current));
                        }
                        globals_done = true;
                    }
                    depth = depth.saturating_sub(1);
                }
                // BOUNDSHEET
                0x0085 if !globals_done => {
                    scan.sheets += 1;
                    // BIFF5 names are in the file's code page: the message numbers the sheet.
                    if scan.biff8 {
                        scan.names.push(sheet_name(r));
                    }
                }
                _ if !in_sheet => {}
                // DIMENSIONS
                0x0200 => {
                    let dims = match r.len() {
                        10 => u16_at(0)
                            .zip(u16_at(2))
                            .map(|(a, b)| (u32::from(a), u32::from(b)))
                            .zip(u16_at(4).zip(u16_at(6))),
                        14 | 16 => u32_at(0).zip(u32_at(4)).zip(u16_at(8).zip(u16_at(10))),
                        _ => None,
                    };
                    if let Some(((rf, rl), (cf, cl))) = dims {
                        // As calamine reads it: a first column past 255 or past the last is 0.
                        let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                        if rl >= 1 && cl >= 1 {
                            if rl - 1 < rf || cl - 1 < cf {
                                current.malformed = true;
                            } else {
                                current.claimed = Some((u64::from(rl - rf), u64::from(cl - cf)));
                            }
                        }
                    }
                }
                // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA: row, column first.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
                        current.cell(u32::from(row), u32::from(col));
                    }
                }
                // MULRK: row, first column, …, last column.
                0x00BD if r.len() >= 6 => {
                    if let (Some(row), Some(first), Some(last)) = (u16_at(0), u16_at(2), u16_at(r.len() - 2)) {
                        current.cell(u32::from(row), u32::from(first));
                        current.cell(u32::from(row), u32::from(last.max(first)));
                    }
                }
                _ => {}
            }
        }
        scan
    }
}

/// A BOUNDSHEET record's sheet name (BIFF8: length, flags, then 8-bit or UTF-16 text).
fn sheet_name(r: &[u8]) -> String {
    let Some(&len) = r.get(6) else { return String::new() };
    let len = usize::from(len);
    match r.get(7) {
        Some(&flags) if flags & 1 == 1 => {
            let units: Vec<u16> = r
                .get(8..8 + 2 * len)
                .unwrap_or(&[])
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        Some(_) => r.get(8..8 + len).map(|b| b.iter().map(|&c| char::from(c)).collect()).unwrap_or_default(),
        None => String::new(),
    }
}

/// Checks a CSV file's lines before it is decoded: a line longer than
/// [`MAX_CSV_LINE_BYTES`] (a file with no line break at all, or one line of hundreds of
/// megabytes) is not a table a person filled in, and parsing it would hold it several times.
pub(crate) fn check_csv(bytes: &[u8]) -> Result<(), String> {
    let mut start = 0usize;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for (line, nl) in (1u64..).zip(ends) {
        if nl - start > MAX_CSV_LINE_BYTES {
            let what = if line == 1 && nl == bytes.len() { "整个文件没有换行符，" } else { "" };
            return Err(format!(
                "{what}第 {line} 行长达 {}（{} 字节），超过每行上限 {}，不像正常的表格；未读取。请检查文件是否完整、换行符是否丢失，或用 Excel 打开后另存为 .xlsx (line {line} longer than {} bytes)",
                size((nl - start) as u64),
                thousands((nl - start) as u64),
                size(MAX_CSV_LINE_BYTES as u64),
                MAX_CSV_LINE_BYTES
            ));
        }
        start = nl + 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(40_000_000), "40,000,000");
        assert_eq!(size(300 << 20), "300 MB");
        assert_eq!(size(2 << 30), "2.0 GB");
    }

    #[test]
    fn csv_lines_are_bounded() {
        assert!(check_csv(b"a,b\n1,2\n").is_ok());
        let long = vec![b'x'; MAX_CSV_LINE_BYTES + 1];
        let e = check_csv(&long).unwrap_err();
        assert!(e.contains("没有换行符") && e.contains("第 1 行"), "{e}");
        let mut two = b"a,b\n".to_vec();
        two.extend_from_slice(&long);
        two.push(b'\n');
        let e = check_csv(&two).unwrap_err();
        assert!(e.contains("第 2 行") && !e.contains("没有换行符"), "{e}");
    }
}
