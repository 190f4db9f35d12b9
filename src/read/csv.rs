//! CSV files as districts get them: UTF-8 with or without a BOM, or GBK / GB18030 (what
//! Excel and WPS on a Chinese Windows write by default), comma- or tab-separated. The
//! encoding is detected (a BOM, else valid UTF-8, else GB18030, a superset of GBK) unless
//! the pipeline's `encoding =` names it. Every field is text: a CSV has no cell types, so
//! an ID is never damaged by the reader. Completely empty lines, which the csv crate skips,
//! are kept as empty rows, so that the rows read (and counted blank) match the file's lines.
//!
//! Pipeline position: **read** (one CSV file → one [`Grid`]) → normalize → link → …

use encoding_rs::{Encoding, GB18030, UTF_8};

use super::grid::{Grid, Peek};
use crate::table::Cell;

/// A parsed CSV file.
pub(crate) struct CsvGrid {
    records: Vec<csv::StringRecord>,
    /// The line each record starts on (1-based), which is what a text editor shows.
    lines: Vec<u32>,
    width: usize,
}

/// How a CSV file was decoded, for notes.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub encoding: &'static str,
    pub delimiter: u8,
    /// Byte sequences that were not valid in the encoding (replaced by U+FFFD).
    pub malformed: bool,
}

/// Decodes and parses a CSV file. The error text names no cell value.
pub(crate) fn parse(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<(CsvGrid, Decoded), String> {
    let bom = Encoding::for_bom(bytes).map(|(enc, _)| enc);
    let is_utf16 = matches!(bom, Some(e) if e != UTF_8);
    if !is_utf16 && bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("文件含二进制内容，不是 CSV 文本 (binary content, not a CSV file)".to_string());
    }
    let encoding = match (forced, bom) {
        // A BOM is unambiguous and wins over a configured encoding.
        (_, Some(enc)) => enc,
        (Some(enc), None) => enc,
        (None, None) => {
            if std::str::from_utf8(bytes).is_ok() {
                UTF_8
            } else {
                GB18030
            }
        }
    };
    let (text, _, malformed) = encoding.decode(bytes);
    let delimiter = sniff_delimiter(&text);

    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut lines = Vec::new();
    let mut width = 0;
    // Line numbers are counted from byte offsets: the csv crate's own line count does not
    // advance over the empty lines it skips, so a row after one would be misplaced.
    let (mut line, mut counted) = (1u32, 0usize);
    let bytes = text.as_bytes();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| match e.position() {
            Some(p) => {
                format!("第 {} 条记录无法解析为 CSV (malformed CSV at record {})", p.record() + 1, p.record() + 1)
            }
            None => format!("第 {} 条记录无法解析为 CSV (malformed CSV)", i + 1),
        })?;
        let mut start = rec.position().map_or(counted, |p| p.byte() as usize).min(bytes.len());
        // A record's position may point at the empty lines skipped before it.
        while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        line += bytes[counted.min(start)..start].iter().filter(|b| **b == b'\n').count() as u32;
        counted = counted.max(start);
        // The csv crate drops completely empty lines. They are rows of the file all the same
        // (a spreadsheet shows them as blank rows), so each one becomes an empty record and
        // is counted as a blank row: the rows read then match the file's lines.
        let empty = empty_lines_before(bytes, start, records.is_empty());
        for blank in line - empty..line {
            lines.push(blank);
            records.push(csv::StringRecord::new());
        }
        lines.push(line);
        width = width.max(rec.len());
        records.push(rec);
    }
    let name = if encoding == GB18030 { "GB18030/GBK" } else { encoding.name() };
    Ok((CsvGrid { records, lines, width }, Decoded { encoding: name, delimiter, malformed }))
}

/// How many completely empty lines come right before the record starting at `start`: the
/// newlines in the run of line-break bytes before it, less the one that ends the previous
/// record (none at the start of the file). A quoted field ends with `"`, so a line break
/// inside one is never part of the run.
fn empty_lines_before(bytes: &[u8], start: usize, first: bool) -> u32 {
    let mut k = start;
    while k > 0 && matches!(bytes[k - 1], b'\n' | b'\r') {
        k -= 1;
    }
    let newlines = bytes[k..start].iter().filter(|b| **b == b'\n').count() as u32;
    if first && k == 0 {
        newlines
    } else {
        newlines.saturating_sub(1)
    }
}

/// Tab when the first lines hold at least as many tabs as commas, else comma.
fn sniff_delimiter(text: &str) -> u8 {
    let (mut tabs, mut commas) = (0usize, 0usize);
    for line in text.lines().take(30) {
        tabs += line.bytes().filter(|b| *b == b'\t').count();
        commas += line.bytes().filter(|b| *b == b',').count();
    }
    if tabs > 0 && tabs >= commas {
        b'\t'
    } else {
        b','
    }
}

impl Grid for CsvGrid {
    fn height(&self) -> usize {
        self.records.len()
    }

    fn width(&self) -> usize {
        self.width
    }

    fn peek(&self, r: usize, c: usize) -> Peek<'_> {
        match self.records.get(r).and_then(|rec| rec.get(c)) {
            Some(s) if !s.trim().is_empty() => Peek::Text(s),
            _ => Peek::Empty,
        }
    }

    fn take(&mut self, r: usize, c: usize) -> Cell {
        // A StringRecord keeps one buffer per row; the field must be copied out of it.
        self.copy(r, c)
    }

    fn copy(&self, r: usize, c: usize) -> Cell {
        match self.records.get(r).and_then(|rec| rec.get(c)) {
            Some(s) if !s.is_empty() => Cell::Text(s.into()),
            _ => Cell::Empty,
        }
    }

    fn row_number(&self, r: usize) -> u32 {
        self.lines.get(r).copied().unwrap_or(r as u32 + 1)
    }

    fn column_index(&self, c: usize) -> usize {
        c
    }

    fn release(&mut self, r: usize) {
        if let Some(rec) = self.records.get_mut(r) {
            *rec = csv::StringRecord::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_gbk_and_bom_are_detected() {
        let (g, d) = parse("姓名,身份证号\n甲,1\n".as_bytes(), None).unwrap();
        assert_eq!((d.encoding, d.delimiter, g.height(), g.width()), ("UTF-8", b',', 2, 2));
        assert_eq!(g.peek(0, 0), Peek::Text("姓名"));

        let (gbk, _, _) = encoding_rs::GBK.encode("姓名\t身份证号\n刘堃\t1\n");
        let (g, d) = parse(&gbk, None).unwrap();
        assert_eq!((d.encoding, d.delimiter), ("GB18030/GBK", b'\t'));
        assert_eq!(g.copy(1, 0), Cell::Text("刘堃".into()));

        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("姓名,x\n".as_bytes());
        let (g, d) = parse(&bom, Some(GB18030)).unwrap();
        assert_eq!((d.encoding, g.peek(0, 0)), ("UTF-8", Peek::Text("姓名")));
    }

    #[test]
    fn quoted_fields_and_line_numbers() {
        let text = "a,b\n\"x,1\",\"two\nlines\"\n\n3,4\n";
        let (g, _) = parse(text.as_bytes(), None).unwrap();
        assert_eq!(g.height(), 4);
        assert_eq!(g.copy(1, 0), Cell::Text("x,1".into()));
        // Records start on lines 1, 2 and 5; the empty line 4 is an empty row.
        assert_eq!((g.row_number(0), g.row_number(1), g.row_number(2), g.row_number(3)), (1, 2, 4, 5));
        assert!(g.row_is_blank(2) && !g.row_is_blank(3));
    }

    #[test]
    fn empty_lines_are_blank_rows() {
        // Leading, inner (LF and CRLF) and trailing empty lines.
        let text = "\n姓名,身份证号\r\n\r\n\r\n甲,1\n\"乙\n\",2\n\n丙,3\n\n\n";
        let (g, _) = parse(text.as_bytes(), None).unwrap();
        let numbers: Vec<u32> = (0..g.height()).map(|r| g.row_number(r)).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 8, 9]);
        let blank: Vec<bool> = (0..g.height()).map(|r| g.row_is_blank(r)).collect();
        assert_eq!(blank, [true, false, true, true, false, false, true, false]);
        assert_eq!(g.copy(5, 0), Cell::Text("乙\n".into()));
    }

    #[test]
    fn binary_content_is_refused() {
        assert!(parse(b"PK\x03\x04\x00\x00binary", None).is_err());
    }
}
