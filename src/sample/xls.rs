//! A minimal BIFF8 (.xls, Excel 97–2003) writer, so that the sample set holds the old files
//! districts still receive (poverty-register exports, some towns' census workbooks). Nothing on
//! crates.io writes xls, and calamine only reads it.
//!
//! What it writes, in the `Workbook` stream of a compound file (`cfb` crate, version 3):
//! - globals: BOF, CODEPAGE 1200 (UTF-16), WINDOW1, DATEMODE, four FONTs, the 15 style XFs and
//!   the cell XFs Excel requires (general, date `m/d/yy` = built-in format 14, text `@` = 49),
//!   the Normal STYLE, one BOUNDSHEET8 per sheet with its substream offset, EOF;
//! - per sheet: BOF, DIMENSIONS, WINDOW2, LABEL / NUMBER cells in row order, MERGEDCELLS, EOF.
//!
//! Strings go into LABEL records (not the shared-string table), which keeps every record far
//! below the 8,224-byte limit and avoids CONTINUE records; calamine, LibreOffice and Excel read
//! LABEL in BIFF8. A sheet holds at most 65,536 rows and 256 columns.

use std::io::{Cursor, Write};

use chrono::NaiveDate;

use super::book::{Cell, Sheet};
use crate::error::{Error, Result};

const MAX_ROWS: usize = 65_536;
const MAX_COLS: usize = 256;
/// Largest record body BIFF8 allows.
const MAX_RECORD: usize = 8_224;

const XF_GENERAL: u16 = 15;
const XF_DATE: u16 = 16;
const XF_TEXT: u16 = 17;

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    assert!(data.len() <= MAX_RECORD, "BIFF record longer than 8224 bytes");
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

fn bof(out: &mut Vec<u8>, kind: u16) {
    let mut d = Vec::with_capacity(16);
    d.extend_from_slice(&0x0600u16.to_le_bytes()); // BIFF8
    d.extend_from_slice(&kind.to_le_bytes()); // 0x0005 globals, 0x0010 worksheet
    d.extend_from_slice(&0x0DBBu16.to_le_bytes()); // build
    d.extend_from_slice(&0x07CCu16.to_le_bytes()); // year
    d.extend_from_slice(&0u32.to_le_bytes()); // file history flags
    d.extend_from_slice(&6u32.to_le_bytes()); // lowest BIFF version that can read all records
    record(out, 0x0809, &d);
}

/// UTF-16LE code units of a string.
fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// XLUnicodeString body (after the length field): flags byte + characters, compressed to
/// one byte per character when every code unit fits.
fn string_body(units: &[u16], out: &mut Vec<u8>) {
    if units.iter().all(|u| *u < 0x100) {
        out.push(0);
        out.extend(units.iter().map(|u| *u as u8));
    } else {
        out.push(1);
        for u in units {
            out.extend_from_slice(&u.to_le_bytes());
        }
    }
}

fn font(out: &mut Vec<u8>) {
    let mut d = Vec::new();
    d.extend_from_slice(&220u16.to_le_bytes()); // 11 pt
    d.extend_from_slice(&0u16.to_le_bytes()); // attributes
    d.extend_from_slice(&0x7FFFu16.to_le_bytes()); // automatic colour
    d.extend_from_slice(&400u16.to_le_bytes()); // normal weight
    d.extend_from_slice(&0u16.to_le_bytes()); // no super/subscript
    d.push(0); // no underline
    d.push(0); // family
    d.push(134); // GB2312 character set
    d.push(0);
    let name = utf16("宋体");
    d.push(name.len() as u8);
    string_body(&name, &mut d);
    record(out, 0x0031, &d);
}

fn xf(out: &mut Vec<u8>, font: u16, fmt: u16, style: bool, used: u8) {
    let mut d = Vec::with_capacity(20);
    d.extend_from_slice(&font.to_le_bytes());
    d.extend_from_slice(&fmt.to_le_bytes());
    // Locked; a style XF has fStyle and parent 0xFFF, a cell XF has parent 0 (Normal).
    let prot: u16 = if style { 0xFFF5 } else { 0x0001 };
    d.extend_from_slice(&prot.to_le_bytes());
    d.push(0x20); // bottom-aligned
    d.push(0); // rotation
    d.push(0); // indent, shrink, reading order
    d.push(used);
    d.extend_from_slice(&[0u8; 8]); // borders
    d.extend_from_slice(&0x20C0u16.to_le_bytes()); // default pattern colours
    record(out, 0x00E0, &d);
}

fn globals(sheets: &[Sheet], offsets: &[u32]) -> Vec<u8> {
    let mut out = Vec::new();
    bof(&mut out, 0x0005);
    record(&mut out, 0x0042, &1200u16.to_le_bytes()); // CODEPAGE: UTF-16
    let mut w1 = Vec::new();
    for v in [0u16, 0, 0x4000, 0x2000, 0x0038, 0, 0, 1, 0x0258] {
        w1.extend_from_slice(&v.to_le_bytes());
    }
    record(&mut out, 0x003D, &w1); // WINDOW1
    record(&mut out, 0x0022, &0u16.to_le_bytes()); // DATEMODE: 1900 system
    for _ in 0..4 {
        font(&mut out);
    }
    // Style XFs 0..=14, as Excel writes them.
    xf(&mut out, 0, 0, true, 0);
    for i in 1..15u16 {
        xf(
            &mut out,
            if i < 3 {
                1
            } else if i < 5 {
                2
            } else {
                0
            },
            0,
            true,
            0xF4,
        );
    }
    xf(&mut out, 0, 0, false, 0); // 15 general
    xf(&mut out, 0, 14, false, 0x04); // 16 date
    xf(&mut out, 0, 49, false, 0x04); // 17 text
    record(&mut out, 0x0293, &[0x00, 0x80, 0x00, 0xFF]); // STYLE: built-in Normal → XF 0
    for (sheet, offset) in sheets.iter().zip(offsets) {
        let mut d = Vec::new();
        d.extend_from_slice(&offset.to_le_bytes());
        d.push(0); // visible
        d.push(0); // worksheet
        let name = utf16(&sheet.name);
        d.push(name.len() as u8);
        string_body(&name, &mut d);
        record(&mut out, 0x0085, &d);
    }
    record(&mut out, 0x000A, &[]);
    out
}

/// Excel's serial number for a date in the 1900 system.
fn serial(d: NaiveDate) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date");
    (d - base).num_days() as f64
}

fn sheet_stream(sheet: &Sheet, first: bool) -> Result<Vec<u8>> {
    let rows = sheet.rows.len();
    let cols = sheet.rows.iter().map(Vec::len).max().unwrap_or(0);
    if rows > MAX_ROWS || cols > MAX_COLS {
        return Err(Error::data(format!(
            "工作表 {} 超出 xls 上限（65536 行、256 列）(sheet too large for xls)",
            sheet.name
        )));
    }
    let mut out = Vec::new();
    bof(&mut out, 0x0010);
    let mut dim = Vec::with_capacity(14);
    dim.extend_from_slice(&0u32.to_le_bytes());
    dim.extend_from_slice(&(rows as u32).to_le_bytes());
    dim.extend_from_slice(&0u16.to_le_bytes());
    dim.extend_from_slice(&(cols as u16).to_le_bytes());
    dim.extend_from_slice(&0u16.to_le_bytes());
    record(&mut out, 0x0200, &dim);
    let grbit: u16 = 0x00B6 | if first { 0x0600 } else { 0 };
    let mut w2 = Vec::with_capacity(18);
    for v in [grbit, 0, 0, 64, 0, 0, 0, 0, 0] {
        w2.extend_from_slice(&v.to_le_bytes());
    }
    record(&mut out, 0x023E, &w2);
    let mut d = Vec::with_capacity(64);
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            d.clear();
            d.extend_from_slice(&(r as u16).to_le_bytes());
            d.extend_from_slice(&(c as u16).to_le_bytes());
            match cell {
                Cell::Empty => continue,
                Cell::Text(s) => {
                    let units = utf16(s);
                    if units.len() > 255 {
                        return Err(Error::data(format!("工作表 {} 有超过 255 字符的文本", sheet.name)));
                    }
                    let xf = if sheet.text_cols.contains(&(c as u16)) { XF_TEXT } else { XF_GENERAL };
                    d.extend_from_slice(&xf.to_le_bytes());
                    d.extend_from_slice(&(units.len() as u16).to_le_bytes());
                    string_body(&units, &mut d);
                    record(&mut out, 0x0204, &d);
                }
                Cell::Number(n) => {
                    d.extend_from_slice(&XF_GENERAL.to_le_bytes());
                    d.extend_from_slice(&n.to_le_bytes());
                    record(&mut out, 0x0203, &d);
                }
                Cell::Date(date) => {
                    d.extend_from_slice(&XF_DATE.to_le_bytes());
                    d.extend_from_slice(&serial(*date).to_le_bytes());
                    record(&mut out, 0x0203, &d);
                }
            }
        }
    }
    for chunk in sheet.merges.chunks(1026) {
        d.clear();
        d.extend_from_slice(&(chunk.len() as u16).to_le_bytes());
        for m in chunk {
            d.extend_from_slice(&(m.first_row as u16).to_le_bytes());
            d.extend_from_slice(&(m.last_row as u16).to_le_bytes());
            d.extend_from_slice(&m.first_col.to_le_bytes());
            d.extend_from_slice(&m.last_col.to_le_bytes());
        }
        record(&mut out, 0x00E5, &d);
    }
    record(&mut out, 0x000A, &[]);
    Ok(out)
}

/// The `Workbook` stream: globals followed by each sheet's substream.
pub fn workbook_stream(sheets: &[Sheet]) -> Result<Vec<u8>> {
    let bodies = sheets.iter().enumerate().map(|(i, s)| sheet_stream(s, i == 0)).collect::<Result<Vec<_>>>()?;
    // The globals' length does not depend on the offsets it holds: measure, then fill in.
    let head_len = globals(sheets, &vec![0; sheets.len()]).len() as u32;
    let mut offsets = Vec::with_capacity(sheets.len());
    let mut pos = head_len;
    for b in &bodies {
        offsets.push(pos);
        pos += b.len() as u32;
    }
    let mut stream = globals(sheets, &offsets);
    for b in bodies {
        stream.extend_from_slice(&b);
    }
    // Streams under 4096 bytes would live in the compound file's mini stream, which some
    // readers of old files do not expect for the Workbook stream; pad as Excel-era writers did.
    if stream.len() < 4096 {
        stream.resize(4096, 0);
    }
    Ok(stream)
}

/// A complete .xls file.
pub fn write(sheets: &[Sheet]) -> Result<Vec<u8>> {
    let io = |e: std::io::Error| Error::io("生成 xls 样例文件", e);
    let stream = workbook_stream(sheets)?;
    let mut cfb = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).map_err(io)?;
    {
        let mut s = cfb.create_stream("/Workbook").map_err(io)?;
        s.write_all(&stream).map_err(io)?;
    }
    // The root storage carries creation/modification times; fix them so that the same sheets
    // give the same bytes.
    cfb.set_created_time("/", std::time::UNIX_EPOCH).map_err(io)?;
    cfb.set_modified_time("/", std::time::UNIX_EPOCH).map_err(io)?;
    cfb.flush().map_err(io)?;
    Ok(cfb.into_inner().into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xls};

    fn sample_sheets() -> Vec<Sheet> {
        let mut a = Sheet::new("新峰村");
        a.text_cols = vec![2];
        a.push(vec![Cell::text("荣隆镇适龄儿童少年大清查登记表")]);
        a.push(vec![Cell::text("镇街"), Cell::text("姓名"), Cell::text("身份证号"), Cell::text("出生日期")]);
        a.push(vec![
            Cell::text("荣隆镇"),
            Cell::text("龙  念"),
            Cell::text("50015320100503123X"),
            Cell::Date(NaiveDate::from_ymd_opt(2010, 5, 3).unwrap()),
        ]);
        a.push(vec![Cell::Empty, Cell::text("abc"), Cell::Number(5.001_532_010_050_31e17), Cell::text("2010.05.03")]);
        a.merge(0, 0, 0, 3);
        a.merge(2, 3, 0, 0);
        let mut b = Sheet::new("Sheet2");
        for i in 0..3000u32 {
            b.push(vec![Cell::Number(f64::from(i)), Cell::text(format!("第{i}行"))]);
        }
        vec![a, b]
    }

    #[test]
    fn calamine_reads_back_what_was_written() {
        let sheets = sample_sheets();
        let bytes = write(&sheets).unwrap();
        assert_eq!(bytes, write(&sheets).unwrap(), "deterministic");
        let mut xls = Xls::new(Cursor::new(bytes)).unwrap();
        assert_eq!(xls.sheet_names(), vec!["新峰村".to_string(), "Sheet2".to_string()]);
        let r = xls.worksheet_range("新峰村").unwrap();
        assert_eq!(r.get_value((0, 0)), Some(&Data::String("荣隆镇适龄儿童少年大清查登记表".into())));
        assert_eq!(r.get_value((2, 1)), Some(&Data::String("龙  念".into())));
        assert_eq!(r.get_value((2, 2)), Some(&Data::String("50015320100503123X".into())));
        match r.get_value((2, 3)) {
            Some(Data::DateTime(dt)) => assert_eq!(dt.as_f64(), serial(NaiveDate::from_ymd_opt(2010, 5, 3).unwrap())),
            other => panic!("expected a date, got {other:?}"),
        }
        assert_eq!(r.get_value((3, 2)), Some(&Data::Float(5.001_532_010_050_31e17)));
        assert_eq!(r.get_value((3, 1)), Some(&Data::String("abc".into())));
        let merges = xls.merge_cells_by_sheet_name("新峰村").unwrap();
        assert_eq!(merges.len(), 2);
        let r = xls.worksheet_range("Sheet2").unwrap();
        assert_eq!(r.height(), 3000);
        assert_eq!(r.get_value((2999, 1)), Some(&Data::String("第2999行".into())));
        assert_eq!(r.get_value((2999, 0)), Some(&Data::Float(2999.0)));
    }
}
