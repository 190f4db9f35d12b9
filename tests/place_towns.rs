//! Every case reaches its town: the town column recognised under each way exports head it,
//! a village that belongs to one town placing a record that names no town (with the
//! evidence saying so), and the cases that still reach no town listed as a data fault in
//! 汇总.xlsx and run.json, never as an unnamed row of the district chart.

use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::builder::*;
use crate::util::{read_csv, sheet_text, Workdir};

/// A poverty register with the given header (the town column, if any, under `town_header`)
/// and rows of (town, village, name, ID); written over the set's own register.
fn write_register(path: &Path, town_header: Option<&str>, rows: &[(&str, &str, &str, &str)]) {
    let mut header = vec!["县(市、区)"];
    header.extend(town_header);
    header.extend(["行政村", "姓名", "证件号码", "在校生状况"]);
    let cells: Vec<Vec<V>> = rows
        .iter()
        .map(|(town, village, name, id)| {
            let mut row: Vec<V> = vec!["荣昌区".into()];
            if town_header.is_some() {
                row.push((*town).into());
            }
            row.extend([(*village).into(), (*name).into(), (*id).into(), "非在校生".into()]);
            row
        })
        .collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    titled_sheet(ws, "荣昌区建档立卡贫困人口花名册（2019年动态调整）", &[], &header, &cells);
    wb.save(path).expect("save register");
}

/// A census of 荣隆镇 (新峰村, 东坝村) and 仁义镇 (高峰村, 东坝村): 东坝村 is a village name two
/// towns have. Everyone on it is in school.
fn census() -> Set {
    let kids = [
        child("甲学生", "2010-01-01", 301),
        child("乙学生", "2010-02-02", 303).at("荣隆镇", "东坝村"),
        child("丙学生", "2010-03-03", 305).at("仁义镇", "高峰村"),
        child("丁学生", "2010-04-04", 307).at("仁义镇", "东坝村"),
    ];
    Set {
        students: kids.iter().map(|k| student(k, "荣隆镇中心小学", "四年级")).collect(),
        poor: vec![poor(&kids[0], "在校生")],
        census: kids.to_vec(),
        ..Default::default()
    }
}

fn run(wd: &Workdir, set: &Set, town_header: Option<&str>, rows: &[(&str, &str, &str, &str)]) -> std::path::PathBuf {
    let pipeline = set.write(wd);
    write_register(&wd.path("in/建档立卡.xlsx"), town_header, rows);
    let out = wd.run_ok(&["run", pipeline.to_str().unwrap(), "--no-previous", "--label", "t", "-q"]);
    crate::util::run_dir(&out)
}

#[test]
fn the_town_column_under_every_header_variant() {
    // A child only the register knows, in a village the census does not have: only the
    // register's town column can place her.
    let only = id("2011-05-05", 311);
    for header in [
        "乡(镇)",
        "镇(乡)",
        "乡镇",
        "镇乡",
        "乡镇(街道)",
        "街道(乡镇)",
        "乡（镇）",
        "镇（乡）",
        "乡镇（街道）",
        "街道（乡镇）",
        "镇街",
    ] {
        let wd = Workdir::new("place-header");
        let run = run(&wd, &census(), Some(header), &[("荣隆镇", "独有村", "戊女孩", &only)]);
        let cases = read_csv(&run.join("cases.csv"));
        let case = case(&cases, "not_enrolled", "戊女孩");
        assert_eq!((case["town"].as_str(), case["village"].as_str()), ("荣隆镇", "独有村"), "{header}");
        assert!(!case["evidence"].contains("镇街按村名推定"), "{header}: the town is the register's");
        // `kcbx check` shows the register's town column mapped.
        let check = wd.run_ok(&["check", wd.path("pipeline.toml").to_str().unwrap()]);
        assert!(
            check.lines().any(|l| l.contains("town ←")
                && (l.contains(&format!("「{header}」"))
                    || l.contains(&format!("「{}」", header.replace('（', "(").replace('）', ")"))))),
            "{header}: {check}"
        );
    }
}

#[test]
fn a_village_of_one_town_places_a_record_without_a_town() {
    let wd = Workdir::new("place-village");
    // The register has no town column: 新峰村 is only 荣隆镇's; 东坝村 is two towns'.
    let a = id("2011-06-06", 313);
    let b = id("2011-07-07", 315);
    let run = run(&wd, &census(), None, &[("", "新峰村", "己男孩", &a), ("", "东坝村", "庚男孩", &b)]);
    let cases = read_csv(&run.join("cases.csv"));
    let placed = case(&cases, "not_enrolled", "己男孩");
    assert_eq!((placed["town"].as_str(), placed["village"].as_str()), ("荣隆镇", "新峰村"));
    assert!(placed["evidence"].contains("镇街按村名推定：荣隆镇"), "{}", placed["evidence"]);
    let ledger = sheet_text(&run.join("问题台账/荣隆镇问题台账.xlsx"), "新峰村");
    assert!(ledger.iter().any(|r| r.iter().any(|c| c == "己男孩")), "in 荣隆镇's 新峰村 sheet");

    // 东坝村 is two towns': never guessed.
    let unknown = case(&cases, "not_enrolled", "庚男孩");
    assert_eq!(unknown["town"], "");
    // A data fault in 汇总.xlsx: the count, the file, and that it has no town column.
    let fault = sheet_text(&run.join("汇总.xlsx"), "镇街不详");
    assert!(fault[1][0].starts_with("1 个问题未能确定镇街"), "{:?}", fault[1]);
    assert_eq!(fault[2][..4], ["文件", "工作表", "镇街列", "问题数"]);
    assert!(fault[3][0].ends_with("建档立卡.xlsx"), "{:?}", fault[3]);
    assert_eq!((fault[3][2].as_str(), fault[3][3].as_str()), ("", "1"));
    assert!(fault[3][4].contains("没有可识别的镇街列"), "{:?}", fault[3]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
    assert_eq!(json["town_unknown"]["cases"], 1);
    assert_eq!(json["town_unknown"]["sources"][0]["cases"], 1);
    // 镇街汇总 names the row, and its chart leaves it out.
    let towns = sheet_text(&run.join("汇总.xlsx"), "镇街汇总");
    let rows: Vec<&str> = towns[3..].iter().take_while(|r| r[0] != "合计").map(|r| r[0].as_str()).collect();
    assert_eq!(rows, ["荣隆镇", "镇街不详（见“镇街不详”表）"]);
    let file = std::fs::File::open(run.join("汇总.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut chart = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/charts/chart1.xml").unwrap(), &mut chart).unwrap();
    assert!(chart.contains("<c:f>镇街汇总!$A$4</c:f>"), "only 荣隆镇 is charted");
}
