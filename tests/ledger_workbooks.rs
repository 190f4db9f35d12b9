//! The workbooks a run writes, opened with calamine (and the sheet XML, for the drop-down,
//! the print setup and the charts): the town 问题台账 (sheets, title, the README's column
//! list, IDs as 18-character text, poverty households first within a village, the 核实结果
//! list validation, the 汇总 counts and its bar chart, A4 landscape fitted to the width with
//! the header repeated and page numbers), `--per-village`, the 适龄儿童台账, 汇总.xlsx (and
//! its charts) and 辍学学生花名册.xlsx.

use std::io::Read;
use std::path::Path;

use calamine::Data;

use crate::builder::*;
use crate::util::{repo, sheet_cells, sheet_names, sheet_text, Workdir};

/// Two towns; 荣隆镇 has a poverty-household non_completer (aged 17) and a not_enrolled child in 新峰村
/// and an out_of_area_unverified child in 大南社区.
fn inputs() -> Set {
    let plain = child("安子豪", "2011-01-01", 201);
    let poor_dropout = child("白晓峰", "2003-02-02", 203).poor();
    let away = child("程雨菲", "2010-03-03", 204).at("荣隆镇", "大南社区").status("省外就读", "");
    let other_town = child("丁思远", "2012-04-04", 205).at("仁义镇", "高峰村");
    let pupil = child("范文静", "2009-05-06", 206);
    Set {
        students: vec![
            change(&poor_dropout, "荣隆中学", "七年级", "辍学", "2018-03-01"),
            student(&pupil, "荣隆镇中心小学", "五年级"),
        ],
        census: vec![plain, poor_dropout, away, other_town, pupil],
        ..Default::default()
    }
}

/// The README's ledger column list (section 问题台账的列), bold marks removed.
fn readme_columns() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("README.md")).expect("README");
    let start = text.find("### 问题台账的列").expect("section") + "### 问题台账的列".len();
    let para: String = text[start..].trim_start().lines().take_while(|l| !l.trim().is_empty()).collect();
    para.replace("**", "")
        .trim_end_matches('。')
        .split([',', '，'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// One part of an xlsx package, as text.
fn zip_text(path: &Path, part: &str) -> String {
    let file = std::fs::File::open(path).expect("open xlsx");
    let mut zip = zip::ZipArchive::new(file).expect("xlsx is a zip");
    let mut xml = String::new();
    zip.by_name(part)
        .unwrap_or_else(|_| panic!("{part} in {}", path.display()))
        .read_to_string(&mut xml)
        .expect("utf-8");
    xml
}

/// One worksheet's XML (sheets are `xl/worksheets/sheet<N>.xml` in workbook order).
fn sheet_xml(path: &Path, index: usize) -> String {
    zip_text(path, &format!("xl/worksheets/sheet{}.xml", index + 1))
}

/// The first element `<tag …/>` of an XML text.
fn element<'a>(xml: &'a str, tag: &str) -> &'a str {
    let start = xml.find(&format!("<{tag} ")).unwrap_or_else(|| panic!("no <{tag}>"));
    let end = xml[start..].find("/>").expect("element end") + start;
    &xml[start..end]
}

/// Every sheet of a workbook: A4 (paperSize 9) landscape, the header row(s) `rows` (or those
/// `other` gives a sheet) repeated on every page, page numbers in the footer. The sheets
/// named in `fixed` print at a fixed scale of at least 90 % (8 pt and more from a 9 pt body);
/// the others are fitted to one page wide (any height).
fn assert_print_setup(book: &Path, rows: &str, other: &[(&str, &str)], fixed: &[&str]) {
    let workbook = zip_text(book, "xl/workbook.xml");
    for (index, sheet) in sheet_names(book).iter().enumerate() {
        let xml = sheet_xml(book, index);
        let setup = element(&xml, "pageSetup");
        for attr in [r#"paperSize="9""#, r#"orientation="landscape""#] {
            assert!(setup.contains(attr), "{sheet}: {attr} in {setup}");
        }
        if fixed.contains(&sheet.as_str()) {
            assert!(!xml.contains("fitToPage"), "{sheet}: a fixed scale, not fitted");
            let scale: u32 = setup.split("scale=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().parse().unwrap();
            assert!(scale >= 90, "{sheet}: scale {scale}");
        } else {
            assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "{sheet}: fit to page");
            assert!(setup.contains(r#"fitToHeight="0""#), "{sheet}: {setup}");
            // fitToWidth is 1 when not written (the schema's default).
            assert!(!setup.contains("fitToWidth") || setup.contains(r#"fitToWidth="1""#), "{sheet}: {setup}");
        }
        assert!(xml.contains("<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>"), "{sheet}: page numbers");
        let rows = other.iter().find(|(s, _)| s == sheet).map_or(rows, |(_, r)| r);
        let titles =
            format!(r#"<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{sheet}!{rows}</definedName>"#);
        assert!(workbook.contains(&titles), "{sheet}: repeated header rows {rows}");
    }
}

/// The print area of sheet `index`: `range` (e.g. `$A$1:$P$6`).
fn print_area(book: &Path, index: usize) -> String {
    let workbook = zip_text(book, "xl/workbook.xml");
    let tag = format!(r#"<definedName name="_xlnm.Print_Area" localSheetId="{index}">"#);
    let start = workbook.find(&tag).unwrap_or_else(|| panic!("no print area on sheet {index}")) + tag.len();
    let text = &workbook[start..start + workbook[start..].find('<').unwrap()];
    text.rsplit('!').next().unwrap().to_string()
}

/// The heights set on rows `from..` of sheet `index` (1-based row numbers in the XML): each
/// row's `ht` with `customHeight`, None where a row has no height of its own.
fn row_heights(book: &Path, index: usize, from: u32) -> Vec<Option<f64>> {
    let xml = sheet_xml(book, index);
    xml.split("<row ")
        .skip(1)
        .filter_map(|row| {
            let head = &row[..row.find('>').unwrap()];
            let r: u32 = head.split("r=\"").nth(1)?.split('"').next()?.parse().ok()?;
            (r >= from).then(|| {
                head.contains("customHeight=\"1\"")
                    .then(|| head.split("ht=\"").nth(1).and_then(|h| h.split('"').next()).and_then(|h| h.parse().ok()))
                    .flatten()
            })
        })
        .collect()
}

/// The native chart drawn on sheet `index` (1-based part numbers): a stacked bar chart whose
/// categories are `categories`, one series per problem label given.
fn assert_bar_chart(book: &Path, sheet_index: usize, chart: usize, categories: &str, series: &[&str]) {
    let rels = zip_text(book, &format!("xl/worksheets/_rels/sheet{}.xml.rels", sheet_index + 1));
    assert!(rels.contains("relationships/drawing"), "sheet {sheet_index} has a drawing: {rels}");
    assert!(sheet_xml(book, sheet_index).contains("<drawing r:id="), "sheet {sheet_index}");
    let xml = zip_text(book, &format!("xl/charts/chart{chart}.xml"));
    assert!(xml.contains(r#"<c:barChart><c:barDir val="bar"/><c:grouping val="stacked"/>"#), "chart {chart}");
    assert!(xml.contains(&format!("<c:f>{categories}</c:f>")), "chart {chart} categories {categories}");
    for s in series {
        assert!(xml.contains(&format!("<c:tx><c:v>{s}</c:v></c:tx>")), "chart {chart} series {s}");
    }
}

#[test]
fn the_town_ledger() {
    let wd = Workdir::new("ledger-town");
    let run = inputs().run(&wd, "t");
    let book = run.join("问题台账/荣隆镇问题台账.xlsx");
    assert_eq!(
        sheet_names(&book),
        [
            "填写说明",
            "汇总",
            "全部问题",
            "适龄未入学",
            "县外就读待核实",
            "辍学未完成义务教育",
            "大南社区",
            "新峰村",
            "已销号",
            "变化情况"
        ]
    );
    assert_eq!(
        sheet_names(&run.join("问题台账/仁义镇问题台账.xlsx")),
        ["填写说明", "汇总", "全部问题", "适龄未入学", "高峰村", "已销号", "变化情况"]
    );

    let all = sheet_text(&book, "全部问题");
    assert_eq!(all[0][0], "荣隆镇控辍保学问题台账（基准日 2020-05-14）");
    assert!(all[1][0].starts_with("填报单位：荣隆镇    问题数：3    完成时限：2020-06-13"), "{}", all[1][0]);
    let columns = readme_columns();
    assert_eq!(columns.len(), 31, "{columns:?}");
    assert_eq!(all[2], columns, "the header row is the README's column list");
    let col = |h: &str| all[2].iter().position(|c| c == h).unwrap_or_else(|| panic!("column {h}"));
    let names: Vec<&str> = all[3..].iter().map(|r| r[col("姓名")].as_str()).collect();
    // By village; within 新峰村 the poverty household's case comes first.
    assert_eq!(names, ["程雨菲", "白晓峰", "安子豪"]);
    let row = &all[4];
    assert_eq!(
        (row[col("是否建卡")].as_str(), row[col("问题类型")].as_str(), row[col("学校/学籍号")].as_str()),
        ("是", "2015年以来辍学未完成义务教育", format!("荣隆中学/G{}", id("2003-02-02", 203)).as_str())
    );
    assert_eq!(
        (row[col("年龄")].as_str(), row[col("完成时限")].as_str(), row[col("首次发现")].as_str()),
        ("17", "2020-06-13", "t")
    );
    let village = sheet_text(&book, "新峰村");
    assert_eq!(village[0][0], "荣隆镇新峰村控辍保学问题台账（基准日 2020-05-14）");
    assert_eq!(village[3..].iter().map(|r| r[col("姓名")].as_str()).collect::<Vec<_>>(), ["白晓峰", "安子豪"]);
    assert_eq!(sheet_text(&book, "适龄未入学")[0][0], "荣隆镇适龄未入学/疑似失学台账（基准日 2020-05-14）");

    // Every 身份证号 cell of every case sheet is text of 18 characters, never a number.
    for sheet in ["全部问题", "适龄未入学", "县外就读待核实", "辍学未完成义务教育", "大南社区", "新峰村"]
    {
        let cells = sheet_cells(&book, sheet);
        assert!(cells.len() > 3, "{sheet}");
        for r in &cells[3..] {
            match &r[col("身份证号")] {
                Data::String(s) => assert_eq!(s.chars().count(), 18, "{sheet}"),
                other => panic!("{sheet}: 身份证号 cell is {other:?}, not text"),
            }
        }
    }

    // 核实结果 (column M) offers the outcome list on every case sheet, with a prompt saying
    // what 核实说明 must hold; 已销号 (column H) too, to reopen a case.
    assert_eq!(col("核实结果"), 12);
    for (index, sheet, column) in [(2, "全部问题", "M"), (3, "适龄未入学", "M"), (7, "新峰村", "M"), (8, "已销号", "H")]
    {
        let xml = sheet_xml(&book, index);
        let dv = &xml[xml.find("<dataValidation ").unwrap_or_else(|| panic!("{sheet}: no data validation"))..];
        assert!(
            dv.contains(r#"type="list""#) && dv.contains(&format!("sqref=\"{column}4")),
            "{sheet}: {}",
            dv.chars().take(200).collect::<String>()
        );
        assert!(dv.contains("已在校就读并注册学籍") && dv.contains("身份证号或姓名错误"), "{sheet}");
        assert!(dv.contains(r#"showInputMessage="1""#) && dv.contains("promptTitle=\"核实结果\""), "{sheet}: prompt");
    }
    assert!(sheet_xml(&book, 2).contains("学校名称"), "the prompt says a school must be named");

    // Each sheet's banner counts its own cases.
    for (sheet, unit, n) in [
        ("全部问题", "荣隆镇", 3),
        ("适龄未入学", "荣隆镇", 1),
        ("新峰村", "荣隆镇新峰村", 2),
        ("大南社区", "荣隆镇大南社区", 1),
    ] {
        let banner = &sheet_text(&book, sheet)[1][0];
        assert!(banner.starts_with(&format!("填报单位：{unit}    问题数：{n}    ")), "{sheet}: {banner}");
    }
    // 年龄 is a number.
    assert!(matches!(sheet_cells(&book, "全部问题")[4][col("年龄")], Data::Float(a) if a == 17.0));

    // 填写说明: for each 核实结果, what it means, what 核实说明 must say, whether it closes.
    let guide = sheet_text(&book, "填写说明");
    assert!(guide[2][0].contains("请按村打印"), "{:?}", guide[2]);
    let top = guide.iter().position(|r| r[0] == "核实结果").expect("the outcome table");
    assert_eq!(guide[top][..4], ["核实结果", "含义", "核实说明须写明", "是否销号"]);
    let line = |o: &str| guide[top..].iter().find(|r| r[0] == o).unwrap_or_else(|| panic!("{o}"));
    assert!(line("已在校就读并注册学籍")[2].contains("学校名称"));
    assert!(line("已在校就读并注册学籍")[3].contains("未写明学校的不销号"));
    assert!(line("身份证号或姓名错误")[2].contains("18位身份证号"));
    assert_eq!(line("死亡")[3], "销号");
    assert_eq!(line("省外就读无学籍")[3], "不销号，继续跟踪");
    assert_eq!(guide.len() - top - 1, 15, "every outcome of the drop-down");

    // 汇总: village × problem counts with the poverty count.
    let summary = sheet_text(&book, "汇总");
    assert_eq!(summary[0][0], "荣隆镇控辍保学问题汇总（基准日 2020-05-14）");
    assert_eq!(
        summary[2],
        ["村(社区)", "适龄未入学/疑似失学", "县外就读待核实", "2015年以来辍学未完成义务教育", "合计", "其中建档立卡"]
    );
    assert_eq!(summary[3], ["大南社区", "0", "1", "0", "1", "0"]);
    assert_eq!(summary[4], ["新峰村", "1", "0", "1", "2", "1"]);
    assert_eq!(summary[5], ["合计", "1", "1", "1", "3", "1"]);
    assert_eq!(sheet_text(&book, "已销号")[2][..3], ["序号", "case_id", "村(社区)"]);
}

#[test]
fn per_village_workbooks() {
    let wd = Workdir::new("ledger-villages");
    let pipeline = inputs().write(&wd);
    let out = wd.run_ok(&["run", pipeline.to_str().unwrap(), "--no-previous", "--label", "v", "--per-village", "-q"]);
    let run = crate::util::run_dir(&out);
    let dir = run.join("问题台账");
    for (file, names) in [
        ("荣隆镇/荣隆镇大南社区问题台账.xlsx", vec!["程雨菲"]),
        ("荣隆镇/荣隆镇新峰村问题台账.xlsx", vec!["白晓峰", "安子豪"]),
        ("仁义镇/仁义镇高峰村问题台账.xlsx", vec!["丁思远"]),
    ] {
        let path = dir.join(file);
        assert_eq!(sheet_names(&path), ["填写说明", "全部问题"], "{file}");
        let rows = sheet_text(&path, "全部问题");
        assert_eq!(rows[2], readme_columns(), "{file}");
        assert_eq!(rows[3..].iter().map(|r| r[4].as_str()).collect::<Vec<_>>(), names, "{file}");
        assert!(rows[1][0].contains(&format!("问题数：{}", names.len())), "{file}: {}", rows[1][0]);
    }
    let mut listed: Vec<String> = std::fs::read_dir(dir.join("荣隆镇"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    listed.sort();
    assert_eq!(listed, ["荣隆镇大南社区问题台账.xlsx", "荣隆镇新峰村问题台账.xlsx"]);
}

#[test]
fn childrens_ledger_district_summary_and_dropout_roster() {
    let wd = Workdir::new("ledger-district");
    let run = inputs().run(&wd, "t");

    let kids = sheet_text(&run.join("适龄儿童台账/荣隆镇适龄儿童台账.xlsx"), "适龄儿童");
    assert_eq!(kids[0][0], "荣隆镇适龄儿童台账（基准日 2020-05-14）");
    assert_eq!(
        kids[2],
        [
            "序号",
            "镇街",
            "村(社区)",
            "社",
            "户主",
            "姓名",
            "性别",
            "身份证号",
            "出生日期",
            "年龄",
            "是否建卡",
            "残疾类别",
            "就学状态",
            "就读学校",
            "年级",
            "备注"
        ]
    );
    let status: Vec<(&str, &str)> = kids[3..].iter().map(|r| (r[5].as_str(), r[12].as_str())).collect();
    assert_eq!(status, [("程雨菲", "县外就读待核实"), ("安子豪", "适龄未入学/疑似失学"), ("范文静", "在校"),]);

    let summary = run.join("汇总.xlsx");
    assert_eq!(
        sheet_names(&summary),
        ["镇街汇总", "学校汇总", "镇街不详", "学区汇总", "输入统计", "变化情况", "核实反馈", "名单核对"]
    );
    assert_eq!(sheet_text(&summary, "镇街不详")[1][0], "所有问题均已确定镇街。");
    let towns = sheet_text(&summary, "镇街汇总");
    assert_eq!(towns[2][0], "镇街");
    assert_eq!(towns[2][towns[2].len() - 3..], ["合计", "其中建档立卡", "建卡占比"]);
    let total = |town: &str| towns.iter().find(|r| r[0] == town).map(|r| r[r.len() - 3].clone());
    assert_eq!(
        (total("仁义镇").as_deref(), total("荣隆镇").as_deref(), total("合计").as_deref()),
        (Some("1"), Some("3"), Some("4"))
    );
    let schools = sheet_text(&summary, "学校汇总");
    assert!(schools.iter().any(|r| r[0] == "荣隆中学"), "{schools:?}");
    let accounting = sheet_text(&summary, "输入统计");
    assert_eq!(accounting[2][..6], ["来源", "文件", "工作表", "表头行", "读取行数", "使用"]);
    assert!(accounting[3..].iter().all(|r| r[10] == "✓"), "every sheet balances: {accounting:?}");

    let roster = sheet_text(&run.join("辍学学生花名册.xlsx"), "花名册");
    assert_eq!(
        roster[2],
        [
            "序号",
            "学校",
            "姓名",
            "性别",
            "身份证号",
            "学籍号",
            "年级",
            "班级",
            "户籍地址",
            "是否建卡（必填）",
            "情况说明",
            "建议",
            "5.15劝返情况",
            "5.18劝返情况",
            "5.19劝返情况",
            "5.20劝返情况",
            "5.21劝返情况"
        ]
    );
    // Only children with a 学籍 history: the dropout, not the never-enrolled child.
    assert_eq!(roster.len(), 4, "{roster:?}");
    assert_eq!((roster[3][1].as_str(), roster[3][2].as_str(), roster[3][9].as_str()), ("荣隆中学", "白晓峰", "是"));
    assert!(matches!(&sheet_cells(&run.join("辍学学生花名册.xlsx"), "花名册")[3][4], Data::String(s) if s.len() == 18));
}

/// Every town of the census gets a ledger, one with no problems too (its 汇总 all zeros,
/// saying so); a town whose only child left the census still gets one, for its 变化情况.
#[test]
fn every_town_gets_a_ledger() {
    let wd = Workdir::new("ledger-every-town");
    let plain = child("安子豪", "2011-01-01", 211);
    let pupil = child("吴学生", "2009-05-06", 213).at("吴家镇", "陈坝村");
    let alone = child("直独子", "2010-07-07", 215).at("直升镇", "大房子村");
    let mut set = Set {
        census: vec![plain, pupil.clone(), alone],
        students: vec![student(&pupil, "吴家镇中心小学", "五年级")],
        ..Default::default()
    };
    let m1 = set.run(&wd, "m1");
    let ledgers = |run: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(run.join("问题台账"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(ledgers(&m1), ["吴家镇问题台账.xlsx", "直升镇问题台账.xlsx", "荣隆镇问题台账.xlsx"]);
    let book = m1.join("问题台账/吴家镇问题台账.xlsx");
    assert_eq!(sheet_names(&book), ["填写说明", "汇总", "全部问题", "已销号", "变化情况"]);
    let summary = sheet_text(&book, "汇总");
    assert_eq!(summary[0][0], "吴家镇控辍保学问题汇总（基准日 2020-05-14）");
    assert_eq!(summary[2][..3], ["村(社区)", "合计", "其中建档立卡"]);
    assert_eq!(summary[3][..3], ["合计", "0", "0"]);
    assert_eq!(summary[5][0], "本次未发现问题。");
    let all = sheet_text(&book, "全部问题");
    assert!(all[1][0].contains("问题数：0"), "{}", all[1][0]);
    assert_eq!(all.len(), 3, "title, subtitle and header only: {all:?}");

    // 直升镇's only child left the census: no case, but its ledger shows the case resolved.
    set.census.retain(|c| c.town != "直升镇");
    let pipeline = set.write(&wd);
    let m2 = crate::util::run_dir(&wd.run_ok(&["run", pipeline.to_str().unwrap(), "--label", "m2", "-q"]));
    assert_eq!(ledgers(&m2), ledgers(&m1));
    let book = m2.join("问题台账/直升镇问题台账.xlsx");
    assert_eq!(sheet_text(&book, "汇总")[5][0], "本次未发现问题。");
    let changes = sheet_text(&book, "变化情况");
    assert_eq!(changes[3][..6], ["直升镇", "大房子村", "0", "1", "0", "0"]);
    let listed = changes.iter().find(|r| r[0] == "已解决").expect("the resolved case is listed");
    assert_eq!(listed[4], "直独子");
}

#[test]
fn ledgers_print_on_a4_landscape_and_summaries_have_native_bar_charts() {
    let wd = Workdir::new("ledger-print");
    let run = inputs().run(&wd, "t");
    let town = run.join("问题台账/荣隆镇问题台账.xlsx");
    // Title and banner above the header row (row 3) on every sheet; the case sheets, 已销号
    // and 填写说明 at a fixed scale, the 汇总 and 变化情况 fitted to the width.
    let case_sheets = ["全部问题", "适龄未入学", "县外就读待核实", "辍学未完成义务教育", "大南社区", "新峰村"];
    let mut fixed = case_sheets.to_vec();
    fixed.extend(["已销号", "填写说明"]);
    let guide_header = sheet_text(&town, "填写说明").iter().position(|r| r[0] == "核实结果").unwrap() + 1;
    assert_print_setup(&town, "$3:$3", &[("填写说明", &format!("${guide_header}:${guide_header}"))], &fixed);
    // The print area of a case sheet is its first 16 columns (序号 … 备注), every row.
    let names = sheet_names(&town);
    for sheet in case_sheets {
        let index = names.iter().position(|n| n == sheet).unwrap();
        let last = sheet_text(&town, sheet).len();
        assert_eq!(print_area(&town, index), format!("$A$1:$P${last}"), "{sheet}");
        let header = &sheet_text(&town, sheet)[2];
        assert_eq!(header[15], "备注", "{sheet}: the last printed column");
        // Every case row has a height of its own, enough for its wrapped cells.
        let heights = row_heights(&town, index, 4);
        assert_eq!(heights.len(), last - 3, "{sheet}");
        assert!(heights.iter().all(|h| h.is_some_and(|h| h >= 16.0)), "{sheet}: {heights:?}");
    }
    // A long 问题描述 makes a taller row than a short one (程雨菲's mentions the census's words).
    let all = sheet_text(&town, "全部问题");
    let desc = all[2].iter().position(|h| h == "问题描述").unwrap();
    let heights = row_heights(&town, 2, 4);
    let (long, short) = (0..3).fold((0, 0), |(l, s), k| {
        let n = all[3 + k][desc].chars().count();
        (
            if n > all[3 + l][desc].chars().count() { k } else { l },
            if n < all[3 + s][desc].chars().count() { k } else { s },
        )
    });
    if all[3 + long][desc].chars().count() > 2 * all[3 + short][desc].chars().count() {
        assert!(heights[long].unwrap() > heights[short].unwrap(), "{heights:?}");
    }
    // The title rows are taller than a 16 pt title.
    assert!(row_heights(&town, 2, 1)[0].is_some_and(|h| h >= 27.0));

    // 汇总: villages (大南社区, 新峰村) × the town's three problem types; the chart after a
    // page break, no taller than a page.
    let summary = sheet_text(&town, "汇总");
    assert_eq!(summary[3][0], "大南社区");
    assert_bar_chart(
        &town,
        1,
        1,
        "汇总!$A$4:$A$5",
        &["适龄未入学/疑似失学", "县外就读待核实", "2015年以来辍学未完成义务教育"],
    );
    assert!(sheet_xml(&town, 1).contains(r#"<rowBreaks count="1" manualBreakCount="1"><brk id="7""#));

    let district = run.join("汇总.xlsx");
    // 核实反馈: counts, then the table of unmatched rows: its title, then its header.
    let feedback = sheet_text(&district, "核实反馈");
    let header = feedback.iter().position(|r| r[0] == "文件").unwrap() + 1;
    assert_print_setup(
        &district,
        "$3:$3",
        &[("核实反馈", &format!("${header}:${header}")), ("名单核对", "$12:$12")],
        &[],
    );
    // 镇街汇总: 仁义镇 and 荣隆镇; 学校汇总: the 学籍 schools of the cases, without the row of
    // the cases that have none.
    assert_bar_chart(&district, 0, 1, "镇街汇总!$A$4:$A$5", &["适龄未入学/疑似失学", "县外就读待核实"]);
    let schools = sheet_text(&district, "学校汇总");
    let rows: Vec<&str> = schools[3..].iter().take_while(|r| r[0] != "合计").map(|r| r[0].as_str()).collect();
    assert_eq!(rows, ["荣隆中学", "（无学籍学校）"]);
    assert_bar_chart(&district, 1, 2, "学校汇总!$A$4", &["2015年以来辍学未完成义务教育"]);
    // The other ledgers print the same way.
    assert_print_setup(&run.join("适龄儿童台账/荣隆镇适龄儿童台账.xlsx"), "$3:$3", &[], &[]);
    let roster = run.join("辍学学生花名册.xlsx");
    assert_print_setup(&roster, "$3:$3", &[], &[]);
    // The 花名册's wrapped 情况说明 and 建议 have rows tall enough for them.
    let heights = row_heights(&roster, 0, 4);
    assert!(!heights.is_empty() && heights.iter().all(|h| h.is_some_and(|h| h > 16.0)), "{heights:?}");
    // The 适龄儿童台账's 16 pt title sits in a taller row.
    let title = row_heights(&run.join("适龄儿童台账/荣隆镇适龄儿童台账.xlsx"), 0, 1)[0];
    assert!(title.is_some_and(|h| h >= 27.0), "{title:?}");
}

#[test]
fn cases_xlsx_is_cases_csv_with_ids_as_text() {
    let wd = Workdir::new("ledger-cases-xlsx");
    let run = inputs().run(&wd, "t");
    let csv = crate::util::read_csv(&run.join("cases.csv"));
    let book = run.join("cases.xlsx");
    let text = sheet_text(&book, "cases");
    let cells = sheet_cells(&book, "cases");
    let header = &text[0];
    assert_eq!(header.len(), csv[0].len());
    assert_eq!(text.len() - 1, csv.len(), "one row per case");
    let col = |h: &str| header.iter().position(|c| c == h).unwrap_or_else(|| panic!("{h}"));
    for (k, row) in csv.iter().enumerate() {
        for (name, value) in row {
            let cell = &text[k + 1][col(name)];
            match (cell.parse::<f64>(), value.parse::<f64>()) {
                // score 30.00 in the CSV is the number 30 in the workbook.
                (Ok(a), Ok(b)) if ["age", "score", "times_returned"].contains(&name.as_str()) => {
                    assert_eq!(a, b, "row {k} {name}")
                }
                _ => assert_eq!(cell, value, "row {k} {name}"),
            }
        }
        // The ID is text (18 characters, not 5.00153E+17); the age a number.
        match &cells[k + 1][col("id_number")] {
            Data::String(s) => assert_eq!(s.chars().count(), 18),
            other => panic!("id_number is {other:?}"),
        }
        assert!(matches!(cells[k + 1][col("age")], Data::Float(_)), "{:?}", cells[k + 1][col("age")]);
    }
}
