//! Returned answers that the round trip must not settle silently: a verification glob that
//! matches nothing (no town has answered yet) is a note, not an error; one case answered
//! differently in two sheets of one return, or in two returns, is applied from the first row
//! read and listed with both rows in 汇总.xlsx's 核实反馈 and run.json.

use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::builder::*;
use crate::util::{read_csv, run_dir, sheet_text, Workdir};

/// Three children of 荣隆镇 without 学籍 (three not_enrolled cases) and one pupil.
fn set() -> Set {
    let pupil = child("丁四", "2010-04-04", 407);
    Set {
        students: vec![student(&pupil, "荣隆镇中心小学", "四年级")],
        census: vec![
            child("安一", "2011-01-01", 401),
            child("白二", "2011-02-02", 403),
            child("程三", "2011-03-03", 405).at("荣隆镇", "大南社区"),
            pupil,
        ],
        extra: "\n[[sources]]\nkind = \"verification\"\nfiles = [\"returned/*.xlsx\", \"returned/*.xls\"]\n".into(),
        ..Default::default()
    }
}

/// A returned workbook with the given sheets of a ledger, each with (name → 核实结果) filled.
fn returned(path: &Path, ledger: &Path, sheets: &[(&str, &[(&str, &str)])]) {
    let mut wb = Workbook::new();
    for (sheet, fills) in sheets {
        let rows = sheet_text(ledger, sheet);
        let header = &rows[2];
        let col = |h: &str| header.iter().position(|c| c == h).unwrap();
        let mut body: Vec<Vec<String>> = rows[3..].to_vec();
        for (who, outcome) in *fills {
            let row = body.iter_mut().find(|r| r[col("姓名")] == *who).unwrap_or_else(|| panic!("{who}"));
            row[col("核实结果")] = outcome.to_string();
            row[col("核实说明")] = "入户核实".to_string();
        }
        let cells: Vec<Vec<V>> = body.iter().map(|r| r.iter().map(V::from).collect()).collect();
        let headers: Vec<&str> = header.iter().map(String::as_str).collect();
        let ws = wb.add_worksheet();
        ws.set_name(*sheet).unwrap();
        titled_sheet(ws, &rows[0][0], &[rows[1][0].clone()], &headers, &cells);
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    wb.save(path).unwrap();
}

fn json(run: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap()
}

#[test]
fn a_verification_glob_that_matches_nothing_is_a_note() {
    let wd = Workdir::new("answers-none");
    // The README's example: .xlsx and .xls, and no town has returned anything yet.
    let pipeline = set().write(&wd);
    let out = wd.run(&["run", pipeline.to_str().unwrap(), "--no-previous", "--label", "m1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("没有匹配到任何文件，尚无交回的核实台账"), "{stderr}");
    let run = run_dir(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(read_csv(&run.join("cases.csv")).len(), 3);
    // Another kind of source keeps the rule: a glob that matches nothing stops the run.
    let mut other = set();
    other.extra.push_str("\n[[sources]]\nkind = \"disability\"\nfiles = [\"残联/*.xlsx\"]\n");
    let pipeline = other.write(&wd);
    let out = wd.run(&["run", pipeline.to_str().unwrap(), "--no-previous", "--label", "m2"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("残联/*.xlsx\" 没有匹配到任何文件 (no file matches)"));
}

#[test]
fn conflicting_answers_are_listed_with_both_rows() {
    let wd = Workdir::new("answers-conflict");
    let set = set();
    let pipeline = set.write(&wd);
    let m1 = run_dir(&wd.run_ok(&["run", pipeline.to_str().unwrap(), "--no-previous", "--label", "m1", "-q"]));
    let ledger = m1.join("问题台账/荣隆镇问题台账.xlsx");
    // One return: 安一 is 死亡 on 全部问题 but 其他 on her village sheet; 白二 the same on both
    // (a copy, no conflict). A second return says 查无此人 for 程三, whom the first says 死亡.
    returned(
        &wd.path("returned/1荣隆镇.xlsx"),
        &ledger,
        &[
            ("全部问题", &[("安一", "死亡"), ("白二", "查无此人"), ("程三", "死亡")]),
            ("新峰村", &[("安一", "其他"), ("白二", "查无此人")]),
        ],
    );
    returned(&wd.path("returned/2荣隆镇补报.xlsx"), &ledger, &[("全部问题", &[("程三", "查无此人")])]);
    let m2 = run_dir(&wd.run_ok(&[
        "run",
        pipeline.to_str().unwrap(),
        "--previous",
        m1.to_str().unwrap(),
        "--label",
        "m2",
        "-q",
    ]));
    // The first row read wins: 全部问题 of the first file.
    let cases = read_csv(&m2.join("cases.csv"));
    for name in ["安一", "程三"] {
        let c = case(&cases, "not_enrolled", name);
        assert_eq!((c["status"].as_str(), c["last_outcome"].as_str()), ("closed", "死亡"), "{name}");
    }
    let v = &json(&m2)["verification"];
    let conflicts = v["conflicts"].as_array().expect("conflicts");
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    let by = |file_end: &str, sheet: &str| {
        conflicts
            .iter()
            .find(|c| c["other"]["file"].as_str().unwrap().ends_with(file_end) && c["other"]["sheet"] == sheet)
            .unwrap_or_else(|| panic!("{file_end} {sheet}: {conflicts:?}"))
    };
    let a = by("1荣隆镇.xlsx", "新峰村");
    assert_eq!((a["applied"]["sheet"].as_str(), a["applied"]["outcome"].as_str()), (Some("全部问题"), Some("死亡")));
    assert_eq!(a["other"]["outcome"], "其他");
    assert_eq!(a["case_id"], case(&cases, "not_enrolled", "安一")["case_id"].as_str());
    let c = by("2荣隆镇补报.xlsx", "全部问题");
    assert!(c["applied"]["file"].as_str().unwrap().ends_with("1荣隆镇.xlsx"));
    assert_eq!((c["applied"]["outcome"].as_str(), c["other"]["outcome"].as_str()), (Some("死亡"), Some("查无此人")));
    // No personal data in run.json's conflicts.
    let text = serde_json::to_string(conflicts).unwrap();
    assert!(!text.contains("安一") && !text.contains("程三") && !text.contains("入户核实"), "{text}");

    // 核实反馈 in 汇总.xlsx: the count, and both rows of each conflict.
    let sheet = sheet_text(&m2.join("汇总.xlsx"), "核实反馈");
    let count = sheet.iter().find(|r| r[0].starts_with("同一问题答复不一致（")).expect("the count");
    assert_eq!(count[1], "2");
    let top = sheet.iter().position(|r| r[0].starts_with("同一问题答复不一致的反馈行")).expect("the table");
    let rows: Vec<&Vec<String>> = sheet[top + 2..].iter().filter(|r| !r[3].is_empty()).collect();
    assert_eq!(rows.len(), 2, "{:?}", &sheet[top..]);
    assert!(rows.iter().any(|r| r[0].ends_with("1荣隆镇.xlsx［全部问题］")
        && r[1] == "死亡"
        && r[4].contains("1荣隆镇.xlsx［新峰村］")
        && r[4].ends_with("（其他）")));
    assert!(rows.iter().any(|r| r[4].contains("2荣隆镇补报.xlsx［全部问题］") && r[4].ends_with("（查无此人）")));
}
