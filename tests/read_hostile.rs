//! Hostile and odd files read in process: each is read in memory that follows its cells, or
//! refused with a message naming the file (and sheet), the limit passed and what to do —
//! never a panic, never a cell value in the message.

use std::time::Instant;

use crate::hostile::*;
use crate::read_support::*;

/// Reads `file` (written into a scratch folder as `name`) as the census.
fn read_census(name: &str, file: &[u8]) -> kcbx::read::ReadOutcome {
    let dir = scratch("hostile");
    std::fs::write(dir.join(name), file).unwrap();
    kcbx::read::read_all(&plan_in(&dir, &format!("[[sources]]\nkind = \"census\"\nfiles = \"{name}\"\n")))
}

fn the_problem(out: &kcbx::read::ReadOutcome, parts: &[&str]) -> String {
    assert_eq!(out.problems.len(), 1, "{:#?}", out.problems);
    let p = &out.problems[0];
    assert!(parts.iter().all(|x| p.contains(x)), "{parts:?} not all in {p}");
    p.clone()
}

#[test]
fn a_real_cell_at_xfd1048576_is_read_by_its_cells() {
    let out = read_census("far.xlsx", &far_cell(3));
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let (i, s) = sheet(&out, "far.xlsx", "表1");
    // Every row down to the stray cell is accounted for: three used, the stray one rejected
    // (its only value is outside the mapped columns), the empty ones in between blank.
    let (read, used, blank, _, _, rejected) = counts(s);
    assert_eq!((read, used, rejected, blank), (1_048_575, 3, 1, 1_048_571));
    assert_eq!(table(&out, i).rows.len(), 3);
    let reject = out.inputs.rejects.iter().find(|r| r.prov.sheet == i).expect("the stray row");
    assert_eq!(reject.prov.row, 1_048_576);
    // The note names file, sheet and the far cell, and says what to do.
    let note = out.notes.iter().find(|n| n.contains("far.xlsx［表1］")).expect("a note on the sheet");
    assert!(note.contains("XFD1048576") && note.contains("删除"), "{note}");
}

#[test]
fn a_dimension_claiming_a_million_rows_over_three() {
    // Whole columns formatted: the sheet claims 32 million cells and holds 24.
    let out = read_census("claim.xlsx", &one_sheet(Some("A1:AF1000000"), census_rows(3)));
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let (_, s) = sheet(&out, "claim.xlsx", "表1");
    assert_eq!(counts(s), (3, 3, 0, 0, 0, 0));
}

#[test]
fn a_cell_longer_than_excel_allows_rejects_its_row() {
    let mut rows = census_rows(2);
    let long = "长".repeat(40_000);
    let id = crate::builder::id("2010-05-03", 9);
    rows.push_str(&text_row(4, &["昌元街道", "新峰村", &long, "男", &id, "2010-05-03", "在校"]));
    let out = read_census("long.xlsx", &one_sheet(None, rows));
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let (i, s) = sheet(&out, "long.xlsx", "表1");
    assert_eq!(counts(s), (3, 2, 0, 0, 0, 1));
    let reject = out.inputs.rejects.iter().find(|r| r.prov.sheet == i).unwrap();
    assert_eq!((reject.prov.row, reject.column.as_deref()), (4, Some("姓名")));
    assert!(reject.reason.contains("40000 个字符") && reject.reason.contains("32767"), "{}", reject.reason);
    // The text is not carried on.
    assert!(table(&out, i)
        .rows
        .iter()
        .all(|r| r.cells.iter().all(|c| !matches!(c, kcbx::table::Cell::Text(t) if t.len() > 1000))));
}

#[test]
fn a_zip_bomb_is_refused_from_its_directory() {
    let bomb = zip_bomb(64 << 20);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let t = Instant::now();
    let out = read_census("bomb.xlsx", &bomb);
    the_problem(&out, &["文件 bomb.xlsx", "xl/sharedStrings.xml", "64 MB", "压缩炸弹"]);
    // Refused without inflating: well under what inflating 64 MB takes (not asserted).
    println!("zip bomb refused in {:?}", t.elapsed());
}

#[test]
fn a_bomb_in_a_sheet_part_names_the_sheet() {
    let rows = format!("{}{}", census_rows(1), " ".repeat(32 << 20));
    let file = xlsx(&[Part { name: "清查".into(), dimension: None, rows }], None, Some(1));
    let out = read_census("sheetbomb.xlsx", &file);
    the_problem(&out, &["文件 sheetbomb.xlsx", "工作表［清查］", "压缩炸弹"]);
}

#[test]
fn a_shared_strings_table_claiming_billions_of_entries() {
    let sst = br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
    let file = xlsx(&[Part { name: "表1".into(), dimension: None, rows: census_rows(1) }], Some(sst), None);
    let out = read_census("sst.xlsx", &file);
    the_problem(&out, &["文件 sst.xlsx", "共享字符串表", "4,000,000,000", "10,000,000"]);
}

#[test]
fn deeply_nested_xml_is_read_or_refused_without_a_panic() {
    let depth = 200_000;
    let mut rows = census_rows(1);
    rows.push_str(&format!(
        r#"<row r="3"><c r="C3" t="inlineStr"><is>{}{}</is></c></row>"#,
        "<r>".repeat(depth),
        "</r>".repeat(depth)
    ));
    let out = read_census("deep.xlsx", &one_sheet(None, rows));
    // calamine's XML reader is not recursive: the nesting costs its bytes, no stack.
    if out.problems.is_empty() {
        let (_, s) = sheet(&out, "deep.xlsx", "表1");
        assert_eq!(counts(s).1, 1);
    } else {
        the_problem(&out, &["文件 deep.xlsx"]);
    }
}

#[test]
fn thousands_of_sheets_are_refused() {
    let sheets: Vec<Part> =
        (0..1_001).map(|i| Part { name: format!("S{i}"), dimension: None, rows: String::new() }).collect();
    let out = read_census("many.xlsx", &xlsx(&sheets, None, None));
    the_problem(&out, &["文件 many.xlsx", "1,001 个工作表", "上限 1,000"]);
}

#[test]
fn xls_records_claiming_huge_sizes() {
    // DIMENSIONS claiming four billion rows (calamine would reserve room for them all).
    let out = read_census("dims.xls", &xls((0, u32::MAX, 0, 8), &[(0, 0)]));
    the_problem(&out, &["文件 dims.xls", "工作表［清查］", "4,294,967,295 行", "65,536"]);
    // DIMENSIONS whose last row comes before its first.
    let out = read_census("backwards.xls", &xls((10, 5, 0, 8), &[(0, 0)]));
    the_problem(&out, &["文件 backwards.xls", "工作表［清查］", "DIMENSIONS"]);
    // A real value cell at IV65536: calamine would build the full 65,536 × 256 rectangle.
    let out = read_census("far.xls", &xls((0, 65_536, 0, 256), &[(0, 0), (1, 1), (65_535, 255)]));
    the_problem(&out, &["文件 far.xls", "工作表［清查］", "IV65536", "第 2 行以下"]);
    // A small sheet of the same make is read (the records are well formed).
    let out = read_census("small.xls", &xls((0, 2, 0, 2), &[(0, 0), (1, 1)]));
    assert!(!out.problems.iter().any(|p| p.contains("上限")), "{:#?}", out.problems);
}

#[test]
fn a_csv_without_line_breaks_is_refused() {
    let dir = scratch("csv-line");
    let mut text = "姓名,身份证号\n".as_bytes().to_vec();
    text.resize(text.len() + (2 << 20), b'x');
    std::fs::write(dir.join("one.csv"), &text).unwrap();
    let out = kcbx::read::read_all(&plan_in(&dir, "[[sources]]\nkind = \"census\"\nfiles = \"one.csv\"\n"));
    the_problem(&out, &["文件 one.csv", "第 2 行", "2 MB", "上限 1 MB"]);
}

#[test]
fn an_ods_with_a_far_cell_is_refused_before_calamine_builds_its_rectangle() {
    let value = r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;
    // A value after 1,048,000 repeated empty rows: 1,048,003 rows × 7 columns.
    let rows = format!(
        r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="7"/></table:table-row><table:table-row>{value}</table:table-row>"#
    );
    let out = read_census("rows.ods", &ods(2, &rows));
    the_problem(
        &out,
        &["文件 rows.ods", "工作表［清查］", "A1 延伸到 G1048004", "22 个有值", "4,194,304", "删除多余的行列"],
    );
    // A value at XFD1048576, the last cell of a sheet.
    let far = format!(
        r#"<table:table-row table:number-rows-repeated="1048572"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/>{value}</table:table-row>"#
    );
    let out = read_census("far.ods", &ods(2, &far));
    the_problem(&out, &["文件 far.ods", "工作表［清查］", "XFD1048576", "上限 4,194,304"]);
    // The same make, small, and with trailing repeated empty rows and columns, is read.
    let tail = r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16000"/></table:table-row>"#;
    let out = read_census("small.ods", &ods(2, tail));
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let (_, s) = sheet(&out, "small.ods", "清查");
    assert_eq!(counts(s).1, 2);
}
