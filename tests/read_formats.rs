//! Formats and encodings beyond the first fixtures (issue 3): a macro-enabled .xlsm, an Excel 95
//! (BIFF5) workbook whose text is in code page 936, a plain number serial in a 1904-epoch
//! workbook, CSV in UTF-8 without a BOM and in GB18030 with characters outside GBK, the
//! pipeline's `encoding =` override, an ID saved as text in scientific notation, and empty
//! CSV lines counted as blank rows. Fixtures: tests/fixtures/README.md.

use kcbx::normalize::id_number::IdStatus;
use kcbx::table::Cell;

use crate::read_support::*;

/// Reads the sources and builds their records as `kcbx run` does.
fn records(sources: &str) -> (kcbx::read::ReadOutcome, kcbx::sources::Data) {
    let plan = plan_in(&fixtures(), sources);
    let mut out = kcbx::read::read_all(&plan);
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let tables = std::mem::take(&mut out.sources);
    let data = kcbx::sources::build(tables, &mut out.inputs, &plan.values, plan.params.as_of);
    (out, data)
}

#[test]
fn xlsm_is_read_like_xlsx() {
    let out = read("[[sources]]\nkind = \"census\"\nfiles = \"census_macro.xlsm\"\n");
    assert!(out.problems.is_empty() && out.notes.is_empty(), "{:#?} {:#?}", out.problems, out.notes);
    assert_eq!(out.inputs.files[0].format, "xlsm");
    let (si, s) = sheet(&out, "census_macro.xlsm", "大清查");
    assert_eq!(s.header_row, Some(2));
    // Rows 3-4 used, row 5 合计.
    assert_eq!(counts(s), (3, 2, 0, 1, 0, 0));
    let expected = vec![
        (3, vec![t("峰高街道"), t("马草村"), t("3社"), t("黄河"), t("男"), t("500153201001010196"), t("在校")]),
        (4, vec![t("峰高街道"), t("马草村"), t("4社"), t("黄菲"), t("女"), t("500153201206060226"), t("辍学")]),
    ];
    assert_eq!(rows(table(&out, si)), expected);
}

#[test]
fn excel_95_workbook_with_gbk_text() {
    let out = read("[[sources]]\nkind = \"census\"\nfiles = \"census_biff5_gbk.xls\"\n");
    assert!(out.problems.is_empty() && out.notes.is_empty(), "{:#?} {:#?}", out.problems, out.notes);
    assert_eq!(out.inputs.files[0].format, "xls");
    // Sheet names and every text are decoded from code page 936.
    let names: Vec<&str> = out.inputs.sheets.iter().filter(|s| s.file == 0).map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["高峰村", "双河村"]);
    let (si, s) = sheet(&out, "census_biff5_gbk.xls", "高峰村");
    assert_eq!(s.header_row, Some(2));
    assert_eq!(mapping(s), village_census_mapping());
    assert_eq!(counts(s), (3, 2, 0, 1, 0, 0));
    let row = |r: u32, group: &str, name: &str, sex: &str, id: &str, birth: Cell, status: &str| {
        (r, vec![t("荣隆镇"), t("高峰村"), t(group), t(name), t(sex), t(id), birth, t(status)])
    };
    let expected = vec![
        row(3, "1社", "刘堃", "男", "500153200909012138", d(2009, 9, 1), "在校"),
        row(4, "2社", "张喆", "女", "500153201112032267", d(2011, 12, 3), "辍学"),
    ];
    assert_eq!(rows(table(&out, si)), expected);
    let (si, s) = sheet(&out, "census_biff5_gbk.xls", "双河村");
    assert_eq!(counts(s), (2, 1, 0, 1, 0, 0));
    let got = rows(table(&out, si));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1[..5], [t("荣隆镇"), t("双河村"), t("5社"), t("李昇"), t("男")]);
    assert_eq!(got[0].1[6], d(2010, 6, 15));
}

#[test]
fn a_serial_in_a_plain_number_cell_follows_the_1904_epoch() {
    let (out, data) = records("[[sources]]\nkind = \"census\"\nfiles = \"dates_1904.xlsx\"\n");
    let (si, s) = sheet(&out, "dates_1904.xlsx", "Mac");
    assert_eq!(counts(s), (3, 3, 0, 0, 0, 0));
    // Row 4 holds the bare number, not a date cell, and no ID: only the workbook says which
    // epoch the number counts from.
    let births: Vec<(u32, Option<String>)> = data
        .census
        .iter()
        .filter(|c| c.prov.sheet == si)
        .map(|c| (c.prov.row, c.birth.map(|b| b.to_string())))
        .collect();
    let want = [(2, "2010-05-03"), (3, "2012-12-31"), (4, "2010-05-03")];
    assert_eq!(births, want.map(|(r, b)| (r, Some(b.to_string()))));

    let raw = read("[[sources]]\nkind = \"census\"\nfiles = \"dates_1904.xlsx\"\n");
    let (si, _) = sheet(&raw, "dates_1904.xlsx", "Mac");
    let tb = table(&raw, si);
    assert_eq!(tb.epoch, kcbx::table::Epoch::E1904);
    assert_eq!(tb.rows[2].cells[4], n(38839.0));
    // Any other workbook counts from 1900 (where 38839 would be 2006-05-02).
    let other = read("[[sources]]\nkind = \"census\"\nfiles = \"census_macro.xlsm\"\n");
    assert_eq!(table(&other, 0).epoch, kcbx::table::Epoch::E1900);
}

/// The census rows of the two CSV fixtures, as they must read in either encoding.
fn census_csv_rows() -> Vec<(u32, Vec<Cell>)> {
    let row = |r: u32, town: &str, group: &str, name: &str, sex: &str, id: &str, birth: &str, status: &str| {
        (r, vec![t(town), t("灵方村"), t(group), t(name), t(sex), t(id), t(birth), t(status)])
    };
    vec![
        row(2, "昌州街道", "2社", "刘䶮", "男", "500153201103050172", "2011-03-05", "在校"),
        // 镇街 is blank in the file and filled down (CSV has no merged cells).
        row(3, "昌州街道", "2社", "王𠈌", "女", "500153201207080288", "2012-07-08", "在校"),
        row(4, "昌州街道", "3社", "刘堃", "男", "5.00153201103051E+17", "2011-03-05", "辍学"),
    ]
}

#[test]
fn utf8_csv_without_bom_and_gb18030_csv_read_the_same() {
    for (file, encoding) in [("census_utf8.csv", "UTF-8"), ("census_gb18030.csv", "GB18030/GBK")] {
        let bytes = std::fs::read(fixtures().join(file)).unwrap();
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "{file}: no BOM");
        let out = read(&format!("[[sources]]\nkind = \"census\"\nfiles = \"{file}\"\n"));
        assert!(out.problems.is_empty(), "{:#?}", out.problems);
        let stem = file.trim_end_matches(".csv");
        let (si, s) = sheet(&out, file, stem);
        assert_eq!(counts(s), (3, 3, 0, 0, 0, 0), "{file}");
        assert_eq!(rows(table(&out, si)), census_csv_rows(), "{file}");
        // Only a non-UTF-8 encoding is worth a note.
        let noted = out.notes.iter().any(|n| n.contains(file) && n.contains(encoding));
        assert_eq!(noted, encoding != "UTF-8", "{file}: {:?}", out.notes);
    }
    // 䶮 and 𠈌 are not in GBK: the GB18030 file holds them as FE9F and the four bytes 9532B730.
    let gb = std::fs::read(fixtures().join("census_gb18030.csv")).unwrap();
    assert!(gb.windows(2).any(|w| w == [0xFE, 0x9F]) && gb.windows(4).any(|w| w == [0x95, 0x32, 0xB7, 0x30]));
    assert!(std::str::from_utf8(&gb).is_err());
}

#[test]
fn the_encoding_override_is_honoured() {
    let src =
        |file: &str, enc: &str| format!("[[sources]]\nkind = \"census\"\nfiles = \"{file}\"\nencoding = \"{enc}\"\n");
    // Named right, the same records as detected.
    for (file, enc) in [("census_gb18030.csv", "gb18030"), ("census_gb18030.csv", "GBK"), ("census_utf8.csv", "utf-8")]
    {
        let out = read(&src(file, enc));
        assert!(out.problems.is_empty(), "{file} as {enc}: {:#?}", out.problems);
        let (si, _) = sheet(&out, file, file.trim_end_matches(".csv"));
        assert_eq!(rows(table(&out, si)), census_csv_rows(), "{file} as {enc}");
    }
    // Named wrong, the override still wins: GB18030 bytes read as UTF-8 are replaced (and the
    // user told how to fix it); UTF-8 read as GBK is mojibake, so no header is found.
    let out = read(&src("census_gb18030.csv", "utf-8"));
    assert!(
        out.notes
            .iter()
            .any(|n| n.contains("census_gb18030.csv") && n.contains("不是有效的 UTF-8") && n.contains("encoding")),
        "{:?}",
        out.notes
    );
    let out = read(&src("census_utf8.csv", "gbk"));
    assert_eq!(out.problems.len(), 1, "{:#?}", out.problems);
    assert!(
        out.problems[0].contains("census_utf8.csv") && out.problems[0].contains("按 GBK 编码"),
        "{:?}",
        out.problems
    );
    // A BOM is unambiguous and wins over the override.
    let out = read("[[sources]]\nkind = \"enrollment\"\nfiles = \"enrollment_bom.csv\"\nencoding = \"gbk\"\n");
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let (_, s) = sheet(&out, "enrollment_bom.csv", "enrollment_bom");
    assert_eq!(s.columns[0].header, "学校名称");
}

#[test]
fn an_id_saved_as_scientific_notation_text_is_damaged() {
    let (out, data) = records("[[sources]]\nkind = \"census\"\nfiles = \"census_utf8.csv\"\n");
    let (si, _) = sheet(&out, "census_utf8.csv", "census_utf8");
    let ids: Vec<(u32, IdStatus, &str)> = data
        .census
        .iter()
        .filter(|c| c.prov.sheet == si)
        .map(|c| (c.prov.row, c.id.status, c.id.text.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            (2, IdStatus::Valid, "500153201103050172"),
            (3, IdStatus::Valid, "500153201207080288"),
            (4, IdStatus::Damaged, ""),
        ]
    );
}

#[test]
fn empty_csv_lines_are_counted_as_blank_rows() {
    let dir = scratch("empty-lines");
    // What a text editor leaves: empty lines between and after the rows, CRLF line ends.
    let text = "学校名称,姓名,身份证件号\r\n\r\n荣昌区双河小学,邓超,500153201101010935\r\n\r\n\r\n,冯晓,500153201203101080\r\n合计,2人,\r\n\r\n";
    std::fs::write(dir.join("x.csv"), text).unwrap();
    let out = kcbx::read::read_all(&plan_in(&dir, "[[sources]]\nkind = \"enrollment\"\nfiles = \"x.csv\"\n"));
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let (si, s) = sheet(&out, "x.csv", "x");
    // Lines 2-7 below the header: 2 used, 3 blank (lines 2, 4, 5), 1 合计 (line 7); the empty
    // lines after the last row are not rows of the sheet.
    assert_eq!(counts(s), (6, 2, 3, 1, 0, 0));
    assert_eq!(table(&out, si).rows.iter().map(|r| r.row).collect::<Vec<_>>(), [3, 6]);
    let skipped: Vec<u32> = out.inputs.skips.iter().filter(|k| k.prov.sheet == si).map(|k| k.prov.row).collect();
    assert_eq!(skipped, [7], "only the 合计 row is listed: blank rows are only counted");
}
