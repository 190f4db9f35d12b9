//! Hostile and odd inputs made by the tests: workbooks written part by part (so that a
//! sheet can claim any dimension, hold a cell at XFD1048576 or a table of shared strings
//! claiming billions of entries), zip bombs, .xls files whose records claim impossible
//! sizes, and CSV files without line breaks.

#![allow(dead_code)]

use std::io::Write;

/// The census header the hostile workbooks carry, in columns A..G.
pub const HEADER: [&str; 7] = ["镇街", "村(社区)", "姓名", "性别", "身份证号", "出生日期", "就学状态"];

/// One worksheet part: its name, its `<dimension ref>` (if any) and the XML inside
/// `<sheetData>`.
pub struct Part {
    pub name: String,
    pub dimension: Option<String>,
    pub rows: String,
}

/// An inline-string cell.
pub fn text_cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A row of inline-string cells starting in column A.
pub fn text_row(row: u32, texts: &[&str]) -> String {
    let cells: String =
        texts.iter().enumerate().map(|(c, t)| text_cell(&format!("{}{row}", (b'A' + c as u8) as char), t)).collect();
    format!(r#"<row r="{row}">{cells}</row>"#)
}

/// The census header and `n` valid rows (rows 1..=n+1).
pub fn census_rows(n: u32) -> String {
    let mut out = text_row(1, &HEADER);
    for i in 0..n {
        let id = crate::builder::id("2010-05-03", 2 * i + 1);
        out.push_str(&text_row(i + 2, &["昌元街道", "新峰村", &format!("学生{i}"), "男", &id, "2010-05-03", "在校"]));
    }
    out
}

/// A workbook of the given sheets; `shared` replaces the shared-strings part (none when
/// `None`). `level` is the deflate level (bombs use the fastest).
pub fn xlsx(sheets: &[Part], shared: Option<&[u8]>, level: Option<i64>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_level(level).large_file(true);
    let part = |zip: &mut zip::ZipWriter<_>, name: &str, body: &[u8]| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body).unwrap();
    };
    let mut types = String::from(
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    );
    let mut book = String::from(
        r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (i, s) in sheets.iter().enumerate() {
        let k = i + 1;
        types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
        book.push_str(&format!(r#"<sheet name="{}" sheetId="{k}" r:id="rId{k}"/>"#, s.name));
        rels.push_str(&format!(r#"<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{k}.xml"/>"#));
    }
    if shared.is_some() {
        types.push_str(r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#);
        rels.push_str(r#"<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#);
    }
    types.push_str("</Types>");
    book.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    part(&mut zip, "[Content_Types].xml", types.as_bytes());
    part(
        &mut zip,
        "_rels/.rels",
        br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(&mut zip, "xl/workbook.xml", book.as_bytes());
    part(&mut zip, "xl/_rels/workbook.xml.rels", rels.as_bytes());
    if let Some(body) = shared {
        part(&mut zip, "xl/sharedStrings.xml", body);
    }
    for (i, s) in sheets.iter().enumerate() {
        let dim = s.dimension.as_ref().map(|d| format!(r#"<dimension ref="{d}"/>"#)).unwrap_or_default();
        let xml = format!(
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{}</sheetData></worksheet>"#,
            s.rows
        );
        part(&mut zip, &format!("xl/worksheets/sheet{}.xml", i + 1), xml.as_bytes());
    }
    zip.finish().unwrap().into_inner()
}

/// One sheet called 表1.
pub fn one_sheet(dimension: Option<&str>, rows: String) -> Vec<u8> {
    xlsx(&[Part { name: "表1".into(), dimension: dimension.map(String::from), rows }], None, None)
}

/// The far-cell workbook of the report: the census header, `n` rows, and one cell at
/// XFD1048576, the last cell of a sheet.
pub fn far_cell(n: u32) -> Vec<u8> {
    let mut rows = census_rows(n);
    rows.push_str(&format!(r#"<row r="1048576">{}</row>"#, text_cell("XFD1048576", "x")));
    one_sheet(Some("A1:XFD1048576"), rows)
}

/// A zip bomb: the census header, then a shared-strings table whose one string is `bytes`
/// long (a name cell of hundreds of megabytes, inflating about a thousand times over).
pub fn zip_bomb(bytes: usize) -> Vec<u8> {
    let mut sst = br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#.to_vec();
    sst.resize(sst.len() + bytes, b'a');
    sst.extend_from_slice(b"</t></si></sst>");
    let mut rows = text_row(1, &HEADER);
    rows.push_str(r#"<row r="2"><c r="C2" t="s"><v>0</v></c></row>"#);
    xlsx(&[Part { name: "表1".into(), dimension: None, rows }], Some(&sst), None)
}

/// A BIFF8 .xls whose one sheet (清查) holds `cells` NUMBER records at the given (row,
/// column) positions and a DIMENSIONS record claiming `dims` = (first row, last row + 1,
/// first column, last column + 1).
pub fn xls(dims: (u32, u32, u16, u16), cells: &[(u16, u16)]) -> Vec<u8> {
    fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
        out.extend_from_slice(&typ.to_le_bytes());
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
    }
    let bof = |dt: u16| {
        let mut b = vec![0u8; 16];
        b[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
        b[2..4].copy_from_slice(&dt.to_le_bytes());
        b
    };
    // The globals: BOF, code page, the one BOUNDSHEET (its offset fixed up below), EOF.
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof(0x0005));
    record(&mut globals, 0x0042, &1200u16.to_le_bytes());
    let name: Vec<u8> = "清查".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let mut sheet_rec = vec![0u8; 8];
    sheet_rec[6] = 2;
    sheet_rec[7] = 1;
    sheet_rec.extend_from_slice(&name);
    let offset_at = globals.len() + 4;
    record(&mut globals, 0x0085, &sheet_rec);
    record(&mut globals, 0x000A, &[]);
    let sheet_start = globals.len() as u32;
    globals[offset_at..offset_at + 4].copy_from_slice(&sheet_start.to_le_bytes());
    let mut sheet = Vec::new();
    record(&mut sheet, 0x0809, &bof(0x0010));
    let mut d = Vec::new();
    d.extend_from_slice(&dims.0.to_le_bytes());
    d.extend_from_slice(&dims.1.to_le_bytes());
    d.extend_from_slice(&dims.2.to_le_bytes());
    d.extend_from_slice(&dims.3.to_le_bytes());
    d.extend_from_slice(&[0, 0]);
    record(&mut sheet, 0x0200, &d);
    for &(r, c) in cells {
        let mut n = Vec::new();
        n.extend_from_slice(&r.to_le_bytes());
        n.extend_from_slice(&c.to_le_bytes());
        n.extend_from_slice(&15u16.to_le_bytes());
        n.extend_from_slice(&1.0f64.to_le_bytes());
        record(&mut sheet, 0x0203, &n);
    }
    record(&mut sheet, 0x000A, &[]);
    globals.extend_from_slice(&sheet);
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    file.create_stream("/Workbook").unwrap().write_all(&globals).unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// An .ods of one table called 清查: the census header, `n` rows, then `tail` (raw
/// `<table:table-row>` XML).
pub fn ods(n: u32, tail: &str) -> Vec<u8> {
    let row = |texts: &[&str]| {
        let cells: String = texts
            .iter()
            .map(|t| format!(r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#))
            .collect();
        format!("<table:table-row>{cells}</table:table-row>")
    };
    let mut rows = row(&HEADER);
    for i in 0..n {
        let id = crate::builder::id("2010-05-03", 2 * i + 1);
        rows.push_str(&row(&["昌元街道", "新峰村", &format!("学生{i}"), "男", &id, "2010-05-03", "在校"]));
    }
    rows.push_str(tail);
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="清查">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("META-INF/manifest.xml", opts).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", opts).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}
