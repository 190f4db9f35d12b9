//! The read stage over the committed fixtures (made by LibreOffice; see
//! tests/fixtures/README.md): exact records, row numbers and accounting per sheet.

use kcbx::normalize::id_number::{from_cell, IdStatus};
use kcbx::table::Cell;

use crate::read_support::*;

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn xlsx_with_titles_two_row_merged_header_merged_groups_totals_and_notes() {
    let out = read("[[sources]]\nkind = \"census\"\nfiles = \"census_merged.xlsx\"\n");
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let file = &out.inputs.files[0];
    assert_eq!((file.display.as_str(), file.format.as_str(), file.source), ("census_merged.xlsx", "xlsx", 0));
    assert_eq!(file.sha256.len(), 64);

    // Workbook order; the instruction sheet and the empty sheet are skipped with a note.
    let names: Vec<&str> = out.inputs.sheets.iter().filter(|s| s.file == 0).map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["填表说明", "大清查", "Sheet3"]);
    let (_, info) = sheet(&out, "census_merged.xlsx", "填表说明");
    assert!(info.skipped.as_deref().unwrap().contains("没有可识别"), "{info:?}");
    let (_, empty) = sheet(&out, "census_merged.xlsx", "Sheet3");
    assert!(empty.skipped.is_some());
    assert!(out.notes.iter().any(|n| n.contains("census_merged.xlsx［填表说明］")), "{:?}", out.notes);

    let (si, s) = sheet(&out, "census_merged.xlsx", "大清查");
    assert_eq!(s.header_row, Some(4));
    assert_eq!(
        mapping(s),
        [
            ("town", "镇街"),
            ("village", "村(社区)"),
            ("group", "社"),
            ("householder", "户主姓名"),
            ("name", "姓名"),
            ("sex", "性别"),
            ("id_number", "身份证号/(18位)"),
            ("birth_date", "出生日期"),
            ("hukou_address", "地址/户籍地址"),
            ("current_address", "地址/现居住地址"),
            ("school_status", "就学状态"),
            ("note", "备注"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(s.columns.iter().map(|c| c.column).collect::<Vec<_>>(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // Rows 5-17: 7 used, row 12 rejected (only the unmapped 排查日期 column), rows 13 and 15
    // blank, row 14 合计, rows 16 (备注) and 17 (填表人/审核人) notes.
    assert_eq!(counts(s), (13, 7, 2, 1, 2, 1));
    let rejects: Vec<(u32, u32)> = out.inputs.rejects.iter().map(|r| (r.prov.sheet, r.prov.row)).collect();
    assert_eq!(rejects, [(si, 12)]);

    let tb = table(&out, si);
    assert_eq!(tb.fields.len(), 12);
    let addr = |v: &str| t(&format!("重庆市荣昌区昌元街道{v}"));
    let e = Cell::Empty;
    let expected: Vec<(u32, Vec<Cell>)> = vec![
        (
            5,
            vec![
                t("昌元街道"),
                t("新峰村"),
                t("3社"),
                t("王大山"),
                t("王小明"),
                t("男"),
                t("500153201005031234"),
                d(2010, 5, 3),
                addr("新峰村3社"),
                t("同户籍地址"),
                t("在校"),
                e.clone(),
            ],
        ),
        // Merged down: 镇街, 村, 社 and 户主姓名 take the top cell's value.
        (
            6,
            vec![
                t("昌元街道"),
                t("新峰村"),
                t("3社"),
                t("王大山"),
                t("王小红"),
                t("女"),
                n(5.00153201005031e17),
                t("2012-06-01"),
                addr("新峰村"),
                t("同户籍地址"),
                t("辍学"),
                t("身份证号被存成数字"),
            ],
        ),
        (
            7,
            vec![
                t("昌元街道"),
                t("新峰村"),
                t("4社"),
                t("李春华"),
                t("李明"),
                t("男"),
                n(500153900101123.0),
                t("2011/9/15"),
                addr("新峰村4社"),
                t("同户籍地址"),
                t("未入学"),
                e.clone(),
            ],
        ),
        (
            8,
            vec![
                t("昌元街道"),
                t("新峰村"),
                t("4社"),
                t("李春华"),
                t("李 芳"),
                t("女"),
                t("50015320121120102x"),
                t("2012.11.20"),
                addr("新峰村4社"),
                t("同户籍地址"),
                t("在校"),
                e.clone(),
            ],
        ),
        (
            9,
            vec![
                t("昌元街道"),
                t("新华村"),
                t("1组"),
                t("陈国强"),
                t("陈思思"),
                t("女"),
                t("  500153201307203468 "),
                t("2013年7月20日"),
                addr("新华村1组"),
                t("同户籍地址"),
                t("送教上门"),
                e.clone(),
            ],
        ),
        (
            10,
            vec![
                t("昌元街道"),
                t("新华村"),
                t("1组"),
                t("陈国强"),
                t("陈思远"),
                t("男"),
                t("'500153201005033758"),
                n(20100503.0),
                addr("新华村"),
                t("同户籍地址"),
                t("县外就读"),
                e.clone(),
            ],
        ),
        (
            11,
            vec![
                t("昌元街道"),
                t("新华村"),
                t("1组"),
                t("赵德明"),
                t("赵晓"),
                t("男"),
                t("500153201401020115"),
                Cell::Error("#N/A".into()),
                addr("新华村"),
                t("同户籍地址"),
                t("在校"),
                e.clone(),
            ],
        ),
    ];
    assert_eq!(rows(tb), expected);

    // IDs as the normalizer sees them: the 18-digit number Excel rounded is damaged, the
    // 15-digit one is upgraded, the lower-case x, spaces and apostrophe are cleaned.
    let col = tb.col("id_number").unwrap();
    let status: Vec<IdStatus> = tb.rows.iter().map(|r| from_cell(&r.cells[col]).status).collect();
    use IdStatus::*;
    assert_eq!(status, [Valid, Damaged, Valid, Valid, Valid, Valid, Valid]);
    // Every date form the issue lists is understood by the date normalizer.
    let bcol = tb.col("birth_date").unwrap();
    let births: Vec<Option<String>> = tb
        .rows
        .iter()
        .map(|r| kcbx::normalize::date::from_cell(&r.cells[bcol], tb.epoch).map(|x| x.to_string()))
        .collect();
    let want = ["2010-05-03", "2012-06-01", "2011-09-15", "2012-11-20", "2013-07-20", "2010-05-03"];
    assert_eq!(births[..6], want.map(|s| Some(s.to_string())));
    assert_eq!(births[6], None);
}

#[test]
fn biff8_xls_with_two_village_sheets() {
    let out = read("[[sources]]\nkind = \"census\"\nfiles = \"census_town.xls\"\n");
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    assert_eq!(out.inputs.files[0].format, "xls");

    let (si, s) = sheet(&out, "census_town.xls", "高峰村");
    assert_eq!(s.header_row, Some(2));
    assert_eq!(mapping(s), village_census_mapping());
    // The unmapped 序号 column is column A; 镇街 is B.
    assert_eq!(s.columns[0].column, 1);
    // Rows 3-5 used, row 6 小计, row 7 说明.
    assert_eq!(counts(s), (5, 3, 0, 1, 1, 0));
    let expected = vec![
        (
            3,
            vec![
                t("荣隆镇"),
                t("高峰村"),
                t("1社"),
                t("张小强"),
                t("男"),
                t("500153200909012138"),
                d(2009, 9, 1),
                t("在校"),
            ],
        ),
        (
            4,
            vec![
                t("荣隆镇"),
                t("高峰村"),
                t("1社"),
                t("张小丽"),
                t("女"),
                t("500153201112032267"),
                d(2011, 12, 3),
                t("在校"),
            ],
        ),
        (
            5,
            vec![
                t("荣隆镇"),
                t("高峰村"),
                t("2社"),
                t("刘洋"),
                t("男"),
                t("500153201202290315"),
                d(2012, 2, 29),
                t("辍学"),
            ],
        ),
    ];
    assert_eq!(rows(table(&out, si)), expected);

    let (si, s) = sheet(&out, "census_town.xls", "双河村");
    assert_eq!(counts(s), (4, 2, 0, 1, 1, 0));
    let expected = vec![
        (
            3,
            vec![
                t("荣隆镇"),
                t("双河村"),
                t("5社"),
                t("周杰"),
                t("男"),
                t("500153201006154551"),
                d(2010, 6, 15),
                t("未入学"),
            ],
        ),
        (
            4,
            vec![
                t("荣隆镇"),
                t("双河村"),
                t("5社"),
                t("吴敏"),
                t("女"),
                t("500153201308080623"),
                d(2013, 8, 8),
                t("在校"),
            ],
        ),
    ];
    assert_eq!(rows(table(&out, si)), expected);
}

#[test]
fn ods_poverty_register_split_over_sheets() {
    let out = read("[[sources]]\nkind = \"poverty\"\nfiles = \"poverty.ods\"\n");
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let fi = out.inputs.files.iter().position(|f| f.display == "poverty.ods").unwrap();
    assert_eq!(out.inputs.files[fi].format, "ods");
    assert_eq!(out.inputs.files[fi].source, 0);

    let (si, s) = sheet(&out, "poverty.ods", "Sheet1");
    assert_eq!(s.header_row, Some(2));
    assert_eq!(
        mapping(s).into_iter().map(|(f, _)| f).collect::<Vec<_>>(),
        strs(&[
            "county",
            "town",
            "village",
            "group",
            "household_no",
            "person_no",
            "name",
            "id_number",
            "household_size",
            "relation",
            "school_status"
        ])
    );
    assert_eq!(counts(s), (3, 3, 0, 0, 0, 0));
    // ODS does not report merged regions to calamine: the grouping columns are filled down.
    let expected = vec![
        (
            3,
            vec![
                t("荣昌区"),
                t("清江镇"),
                t("竹林村"),
                t("2组"),
                t("5001531001"),
                t("500153100101"),
                t("孙大海"),
                t("500153198003122170"),
                n(3.0),
                t("户主"),
                t("非在校生"),
            ],
        ),
        (
            4,
            vec![
                t("荣昌区"),
                t("清江镇"),
                t("竹林村"),
                t("2组"),
                t("5001531001"),
                t("500153100102"),
                t("孙小雨"),
                t("50015320110409025652"),
                n(3.0),
                t("之女"),
                t("非在校生"),
            ],
        ),
        (
            5,
            vec![
                t("荣昌区"),
                t("清江镇"),
                t("竹林村"),
                t("2组"),
                t("5001531001"),
                t("500153100103"),
                t("孙小川"),
                t("500153200801070133"),
                n(3.0),
                t("之子"),
                t("初中"),
            ],
        ),
    ];
    assert_eq!(rows(table(&out, si)), expected);

    let (si, s) = sheet(&out, "poverty.ods", "Sheet2");
    assert_eq!(s.header_row, Some(1));
    assert_eq!(counts(s), (3, 2, 1, 0, 0, 0));
    let expected = vec![
        (
            2,
            vec![
                t("荣昌区"),
                t("清江镇"),
                t("河坝村"),
                t("6组"),
                t("5001531002"),
                t("500153100201"),
                t("钱进"),
                t("500153201209171589"),
                n(1.0),
                t("户主"),
                t("小学"),
            ],
        ),
        (
            4,
            vec![
                t("荣昌区"),
                t("清江镇"),
                t("河坝村"),
                t("7组"),
                t("5001531003"),
                t("500153100301"),
                t("郑好"),
                t("50015320090521244X"),
                n(2.0),
                t("之女"),
                t("学龄前儿童"),
            ],
        ),
    ];
    assert_eq!(rows(table(&out, si)), expected);
    // The 20-character 残疾人证号 carries the ID in its first 18 characters.
    assert_eq!(from_cell(&t("50015320110409025652")).valid(), Some("500153201104090256"));
}

#[test]
fn gbk_csv_detected_and_school_filled_down() {
    let out = read("[[sources]]\nkind = \"enrollment\"\nfiles = \"enrollment_gbk.csv\"\n");
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let (si, s) = sheet(&out, "enrollment_gbk.csv", "enrollment_gbk");
    assert_eq!(out.inputs.files[s.file as usize].format, "csv");
    assert_eq!(s.header_row, Some(1));
    assert_eq!(
        mapping(s).into_iter().map(|(f, _)| f).collect::<Vec<_>>(),
        strs(&[
            "school",
            "name",
            "sex",
            "birth_date",
            "id_type",
            "id_number",
            "student_no",
            "grade",
            "class",
            "entry",
            "hukou_address",
            "status"
        ])
    );
    // Line 4 is a row of empty fields.
    assert_eq!(counts(s), (5, 4, 1, 0, 0, 0));
    let a = "500153201005030514";
    let b = "500153201008220620";
    let c = "500153200912300798";
    let expected = vec![
        (
            2,
            vec![
                t("荣昌区昌元小学"),
                t("刘堃"),
                t("男"),
                t("2010-05-03"),
                t("居民身份证"),
                t(a),
                t(&format!("G{a}")),
                t("四年级"),
                t("1班"),
                t("2016-09"),
                t("重庆市荣昌区昌元街道新峰村3社,12号"),
                t("在读"),
            ],
        ),
        (
            3,
            vec![
                t("荣昌区昌元小学"),
                t("何雪"),
                t("女"),
                t("20100822"),
                t("居民身份证"),
                t(b),
                t(&format!("G{b}")),
                t("四年级"),
                t("1班"),
                t("201609"),
                t("重庆市荣昌区昌元街道新华村1组"),
                t("休学"),
            ],
        ),
        (
            5,
            vec![
                t("荣昌区昌元小学"),
                t("罗一鸣"),
                t("男"),
                t("2009/12/30"),
                t("居民身份证"),
                Cell::Empty,
                t("L500153200912301234"),
                t("五年级"),
                t("2班"),
                t("2015年9月"),
                t("重庆市荣昌区广顺街道"),
                t("转出"),
            ],
        ),
        (
            6,
            vec![
                t("荣昌区昌州小学"),
                t("马丁"),
                t("男"),
                t("2009.12.30"),
                t("居民身份证"),
                t(c),
                t(&format!("G{c}")),
                t("五年级"),
                t("1班"),
                t("2015-09"),
                t("重庆市荣昌区昌州街道"),
                t("在读"),
            ],
        ),
    ];
    assert_eq!(rows(table(&out, si)), expected);
    // 入学年月 in its two forms.
    let entry = |v: &str| kcbx::normalize::date::year_month_from_cell(&t(v), Default::default()).map(|x| x.to_string());
    assert_eq!(entry("2016-09").as_deref(), Some("2016-09-01"));
    assert_eq!(entry("201609").as_deref(), Some("2016-09-01"));
}

#[test]
fn utf8_bom_tab_separated_csv_with_a_total_row() {
    let out = read("[[sources]]\nkind = \"enrollment\"\nfiles = \"enrollment_bom.csv\"\n");
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let (si, s) = sheet(&out, "enrollment_bom.csv", "enrollment_bom");
    // The BOM is not part of the first header: 学校名称 maps.
    assert_eq!(s.columns[0].header, "学校名称");
    assert_eq!(counts(s), (3, 2, 0, 1, 0, 0));
    let tb = table(&out, si);
    let rows = rows(tb);
    assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(rows[0].1[5], t("５００１５３２０１１０１０１０９３５"));
    assert_eq!(rows[1].1[0], t("荣昌区双河小学"));
    assert_eq!(from_cell(&rows[0].1[5]).valid(), Some("500153201101010935"));
}

#[test]
fn the_1904_date_system_is_honoured() {
    let out = read("[[sources]]\nkind = \"census\"\nfiles = \"dates_1904.xlsx\"\n");
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let (si, s) = sheet(&out, "dates_1904.xlsx", "Mac");
    assert_eq!(counts(s), (3, 3, 0, 0, 0, 0));
    // Date cells are resolved by the reader; a serial in a plain number cell stays a number
    // (tests/read_formats.rs reads it as a date in the workbook's epoch).
    let births: Vec<Cell> = table(&out, si).rows.iter().map(|r| r.cells[4].clone()).collect();
    assert_eq!(births, [d(2010, 5, 3), d(2012, 12, 31), n(38839.0)]);
}

#[test]
fn sources_files_and_sheets_come_in_a_fixed_order() {
    let sources = "[[sources]]\nkind = \"census\"\nfiles = [\"census_town.xls\", \"census_merged.xlsx\", \"*.xls\"]\n\
                   [[sources]]\nkind = \"enrollment\"\nfiles = \"enrollment_*.csv\"\n";
    let out = read(sources);
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let files: Vec<(usize, &str)> = out.inputs.files.iter().map(|f| (f.source, f.display.as_str())).collect();
    // Sorted by path within a source, each file once even when two patterns match it.
    assert_eq!(
        files,
        [
            (0, "census_biff5_gbk.xls"),
            (0, "census_merged.xlsx"),
            (0, "census_town.xls"),
            (1, "enrollment_bom.csv"),
            (1, "enrollment_gbk.csv")
        ]
    );
    assert_eq!(out.sources.len(), 2);
    let tables: Vec<Vec<u32>> = out.sources.iter().map(|s| s.tables.iter().map(|t| t.sheet).collect()).collect();
    // census_biff5_gbk: 高峰村 (0) 双河村 (1); census_merged: 填表说明 (2) 大清查 (3) Sheet3 (4);
    // census_town: 高峰村 (5) 双河村 (6); CSVs 7, 8.
    assert_eq!(tables, [vec![0, 1, 3, 5, 6], vec![7, 8]]);
    // Same inputs, same outcome.
    let again = read(sources);
    assert_eq!(format!("{:?}", again.inputs), format!("{:?}", out.inputs));
    assert_eq!(format!("{:?}", again.sources), format!("{:?}", out.sources));
}

#[test]
fn named_sheets_and_header_row_override() {
    let out = read("[[sources]]\nkind = \"census\"\nfiles = \"census_town.xls\"\nsheet = \"双河村\"\nheader_row = 2\n");
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let names: Vec<&str> = out.inputs.sheets.iter().filter(|s| s.file == 0).map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["双河村"]);
    assert_eq!(out.inputs.sheets[0].header_row, Some(2));
}

#[test]
fn pipeline_grouping_fills_blanks_in_xlsx_and_overrides_map_columns() {
    // 就学状态 declared as a grouping column: its blank cells take the value above. The
    // override maps 备注 by the pipeline's choice of header.
    let out = read(
        "[[sources]]\nkind = \"census\"\nfiles = \"census_merged.xlsx\"\ngrouping = [\"note\"]\n\
         [sources.columns]\nid_number = \"身份证号\"\n",
    );
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let (si, s) = sheet(&out, "census_merged.xlsx", "大清查");
    let id = s.columns.iter().find(|c| c.field == "id_number").unwrap();
    assert_eq!((id.header.as_str(), id.how.as_str()), ("身份证号/(18位)", "pipeline"));
    let tb = table(&out, si);
    let note = tb.col("note").unwrap();
    let notes: Vec<Cell> = tb.rows.iter().map(|r| r.cells[note].clone()).collect();
    assert_eq!(notes[0], Cell::Empty);
    assert!(notes[1..].iter().all(|c| *c == t("身份证号被存成数字")), "{notes:?}");
}

#[test]
fn extensions_match_whatever_their_case() {
    let dir = scratch("upper-ext");
    std::fs::copy(fixtures().join("census_town.xls"), dir.join("荣隆镇.XLS")).unwrap();
    let out = kcbx::read::read_all(&plan_in(&dir, "[[sources]]\nkind = \"census\"\nfiles = \"*.xls\"\n"));
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    let (_, s) = sheet(&out, "荣隆镇.XLS", "高峰村");
    assert_eq!(s.counts.used, 3);
}
