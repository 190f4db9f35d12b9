//! The weekly pipeline on small inputs the tests write: the 周报表 laid out as attachment 1
//! cell by cell, every change type in its column, changes nothing records, the checks, the
//! 日报表 and the three-attempt rule — in both input modes (two snapshots, one dated export).

use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_xlsxwriter::Workbook;

use crate::util::{sheet_cells, sheet_names, sheet_text, Workdir};

/// A valid ID for a birth year and a serial number.
fn id(year: u32, n: u32) -> String {
    let first17 = format!("500153{year}0301{n:03}");
    let check = kcbx::normalize::id_number::check_char(&first17).unwrap();
    format!("{first17}{check}")
}

/// Writes one sheet of text rows (first row the header) into `path`.
fn book(path: &Path, sheet: &str, rows: &[Vec<String>]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const EXPORT_HEADER: [&str; 10] =
    ["学校名称", "姓名", "性别", "身份证件号", "全国学籍号", "年级", "班级", "学籍状态", "异动类型", "异动日期"];

/// One 学籍 row: school, name, ID serial, grade, status, change, date.
struct R(&'static str, &'static str, u32, &'static str, &'static str, &'static str, &'static str);

fn export(path: &Path, rows: &[R]) {
    let mut out = vec![strings(&EXPORT_HEADER)];
    for R(school, name, n, grade, status, change, date) in rows {
        let year = if grade.starts_with('初') { 2007 } else { 2011 };
        let i = id(year, *n);
        out.push(strings(&[school, name, "男", &i, &format!("G{i}"), grade, "(1)班", status, change, date]));
    }
    book(path, "学生", &out);
}

/// The roster: 丙小学 directly run, 甲小学 and 乙中学 in 昌元学区 (merged down over both, as
/// attachment 4 writes it). 丁小学 is not listed.
fn roster(w: &Workdir) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("名单").unwrap();
    for (r, row) in [["单位", "学校名称", "包校人员"], ["直属学校", "丙小学", "张三"], ["昌元学区", "甲小学", "李四"]]
        .iter()
        .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    ws.merge_range(2, 0, 3, 0, "昌元学区", &rust_xlsxwriter::Format::new()).unwrap();
    ws.write_string(3, 1, "乙中学").unwrap();
    ws.write_string(3, 2, "王五").unwrap();
    wb.save(w.path("roster.xlsx")).unwrap();
}

const PIPELINE: &str = r#"
name = "测试周报"
kind = "weekly"
[weekly]
week_end = "2020-05-22"
unit = "测试学区"
reviewer = "赵六"
report_date = "2020-05-22"
district = "荣昌区"
[output]
dir = "out"
[[sources]]
kind = "enrollment"
files = "prev.xlsx"
snapshot = "previous"
[[sources]]
kind = "enrollment"
files = "cur.xlsx"
snapshot = "current"
[[sources]]
kind = "roster"
files = "roster.xlsx"
[[sources]]
kind = "attendance"
files = "attendance.xlsx"
[[sources]]
kind = "persuasion"
files = "persuasion.xlsx"
"#;

/// Last week and this week at four schools, with every kind of change.
fn two_snapshots(w: &Workdir) {
    roster(w);
    export(
        &w.path("prev.xlsx"),
        &[
            R("甲小学", "甲一", 1, "三年级", "在读", "", ""),
            R("甲小学", "甲二", 2, "三年级", "在读", "", ""),
            R("甲小学", "甲三", 3, "三年级", "在读", "", ""),
            R("甲小学", "甲四", 4, "三年级", "在读", "", ""),
            R("甲小学", "甲五", 5, "三年级", "在读", "", ""),
            R("甲小学", "甲六", 6, "三年级", "在读", "", ""),
            R("甲小学", "甲七", 7, "三年级", "在读", "", ""),
            R("甲小学", "甲八", 8, "二年级", "辍学", "辍学", "2019-10-08"),
            R("甲小学", "甲十一", 11, "三年级", "在读", "", ""),
            R("甲小学", "甲十三", 13, "三年级", "在读", "", ""),
            R("乙中学", "乙一", 21, "初一", "在读", "", ""),
            R("乙中学", "乙三", 23, "初二", "辍学", "辍学", "2019-11-11"),
            R("乙中学", "乙四", 24, "初二", "在读", "", ""),
            R("丙小学", "丙一", 31, "四年级", "在读", "", ""),
            R("丙小学", "丙二", 32, "四年级", "休学", "休学", "2020-03-02"),
            R("丁小学", "丁一", 41, "五年级", "在读", "", ""),
            R("丁小学", "丁二", 42, "五年级", "在读", "", ""),
        ],
    );
    export(
        &w.path("cur.xlsx"),
        &[
            R("甲小学", "甲一", 1, "三年级", "在读", "", ""),
            R("甲小学", "甲二", 2, "三年级", "辍学", "辍学", "2020-05-18"),
            R("甲小学", "甲三", 3, "三年级", "退学", "退学", "2020-05-19"),
            R("甲小学", "甲四", 4, "三年级", "转出", "转出", "2020-05-19"),
            R("甲小学", "甲五", 5, "三年级", "休学", "休学", "2020-05-20"),
            R("甲小学", "甲六", 6, "三年级", "借读", "借读（出）", "2020-05-20"),
            R("甲小学", "甲七", 7, "三年级", "死亡", "死亡", "2020-05-21"),
            R("甲小学", "甲八", 8, "三年级", "在读", "复学", "2020-05-21"),
            R("甲小学", "甲九", 9, "三年级", "在读", "转入", "2020-05-18"),
            R("甲小学", "甲十", 10, "三年级", "借读", "借读（入）", "2020-05-19"),
            // 甲十一 vanishes; 甲十三 moves to 丙小学, recorded there only.
            R("乙中学", "乙一", 21, "初一", "在读", "", ""),
            R("乙中学", "乙二", 22, "初一", "在读", "", ""),
            R("乙中学", "乙三", 23, "初二", "辍学", "辍学", "2019-11-11"),
            R("乙中学", "乙四", 24, "初二", "辍学", "辍学", "2020-05-19"),
            R("丙小学", "丙一", 31, "四年级", "在读", "", ""),
            R("丙小学", "丙二", 32, "四年级", "在读", "复学", "2020-05-20"),
            R("丙小学", "甲十三", 13, "三年级", "在读", "转入", "2020-05-19"),
            R("丁小学", "丁一", 41, "五年级", "在读", "", ""),
            R("丁小学", "丁二", 42, "五年级", "转出", "转出", "2020-05-22"),
            R("丁小学", "丁三", 43, "五年级", "在读", "转入", "2020-05-22"),
        ],
    );
    book(
        &w.path("attendance.xlsx"),
        "在校",
        &[
            strings(&["学校名称", "本月实际在校学生数"]),
            strings(&["甲小学", "5"]),
            strings(&["丙小学", "3"]),
            strings(&["某幼儿园", "20"]),
        ],
    );
    let p = |name: &str, n: u32, grade_year: u32, date: &str, outcome: &str| -> Vec<String> {
        let i = id(grade_year, n);
        strings(&["", name, &i, date, outcome, "陈老师"])
    };
    book(
        &w.path("persuasion.xlsx"),
        "劝返",
        &[
            strings(&["学校", "姓名", "身份证号", "劝返日期", "劝返情况", "劝返人员"]),
            // Returned on 5.21 after three failures: not due.
            p("甲八", 8, 2011, "2020-05-18", "家长不同意"),
            p("甲八", 8, 2011, "2020-05-19", "劝返无效"),
            p("甲八", 8, 2011, "2020-05-20", "无法联系家长"),
            p("甲八", 8, 2011, "2020-05-21", "已复学"),
            // Out since 2019, three failures across two weeks: due.
            p("乙三", 23, 2007, "2020-05-14", "劝返无效"),
            p("乙三", 23, 2007, "2020-05-18", "学生外出务工，未见到本人"),
            p("乙三", 23, 2007, "2020-05-20", "家长拒绝"),
            p("乙三", 23, 2007, "2020-05-21", "约定周五再访"),
            // Two records of one day count once: two days, not due.
            p("乙四", 24, 2007, "2020-05-19", "劝返无效"),
            p("乙四", 24, 2007, "2020-05-19", "劝返无效"),
            p("乙四", 24, 2007, "2020-05-20", "劝返未果"),
            // Nobody of the 学籍.
            strings(&["甲小学", "无名", "", "2020-05-19", "劝返无效", "陈老师"]),
        ],
    );
    std::fs::write(w.path("weekly.toml"), PIPELINE).unwrap();
}

/// A weekly pipeline for the week ending 2020-05-22 over 学籍 exports (file, snapshot) and
/// the roster, with no attendance or 劝返 records.
fn weekly_pipeline(name: &str, exports: &[(&str, Option<&str>)]) -> String {
    let mut text = format!("name = \"{name}\"\nkind = \"weekly\"\n[weekly]\nweek_end = \"2020-05-22\"\n");
    for (file, snapshot) in exports {
        text += &format!("[[sources]]\nkind = \"enrollment\"\nfiles = \"{file}\"\n");
        if let Some(snapshot) = snapshot {
            text += &format!("snapshot = \"{snapshot}\"\n");
        }
    }
    text + "[[sources]]\nkind = \"roster\"\nfiles = \"roster.xlsx\"\n"
}

fn run(w: &Workdir, pipeline: &str) -> (std::path::PathBuf, String) {
    let out = w.run(&["run", pipeline, "--label", "w"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (w.path("out/w"), stderr)
}

/// The merged regions of a sheet as Excel ranges (`A1:P1`), sorted.
fn merges(path: &Path, sheet: &str) -> Vec<String> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let cell = |(r, c): (u32, u32)| format!("{}{}", (b'A' + c as u8) as char, r + 1);
    let mut v: Vec<String> = wb
        .merge_cells_by_sheet_name(sheet)
        .unwrap()
        .iter()
        .map(|d| format!("{}:{}", cell(d.start), cell(d.end)))
        .collect();
    v.sort();
    v
}

fn row_of<'a>(t: &'a [Vec<String>], col: usize, text: &str) -> &'a Vec<String> {
    t.iter().find(|r| r.get(col).is_some_and(|c| c == text)).unwrap_or_else(|| panic!("no row with {text}"))
}

fn nums(row: &[String]) -> Vec<u32> {
    row[3..15].iter().map(|s| s.parse().unwrap_or_else(|_| panic!("number: {s:?}"))).collect()
}

#[test]
fn weekly_form_has_the_attachment_1_shape() {
    let w = Workdir::new("weekly-shape");
    two_snapshots(&w);
    let (dir, _) = run(&w, "weekly.toml");
    let path = dir.join("周报表.xlsx");
    assert_eq!(sheet_names(&path), ["周报表", "异动明细", "未说明变动", "核对", "限期复学通知"]);
    let t = sheet_text(&path, "周报表");
    assert_eq!(t[0][0], "荣昌区义务教育控辍保学周报表");
    assert_eq!(t[1][0], "填报单位：（公章）测试学区");
    assert_eq!(t[1][6], "审核人：赵六");
    assert_eq!(t[1][10], "填报日期：2020 年 5 月 22 日");
    let top: Vec<&str> = t[2].iter().map(String::as_str).collect();
    assert_eq!(
        top,
        [
            "学区",
            "学校名称",
            "学校类别（小学或初中）",
            "本学期学籍系统注册学生数",
            "本月实际在校学生数",
            "本周减少学生数",
            "",
            "",
            "",
            "",
            "",
            "本周增加学生数",
            "",
            "",
            "",
            "备注"
        ]
    );
    let low: Vec<&str> = t[3].iter().map(String::as_str).collect();
    assert_eq!(
        low,
        [
            "",
            "",
            "",
            "",
            "",
            "小计",
            "辍学人数",
            "转出人数",
            "休学人数",
            "借读（出）人数",
            "死亡人数",
            "小计",
            "转入人数",
            "劝返复学人数",
            "借读（入）人数",
            ""
        ]
    );
    let numbers: Vec<String> = (1..=16).map(|n| n.to_string()).collect();
    assert_eq!(t[4], numbers, "the row of column numbers");
    // Column numbers are numbers, not text.
    assert_eq!(sheet_cells(&path, "周报表")[4][6], Data::Float(7.0));

    // Schools grouped by 学区 in roster order, each 学区 closed by its subtotal; the school
    // the roster does not list under 未列入名单; then the total and the note.
    let col = |r: usize, c: usize| t[r][c].as_str();
    assert_eq!((col(5, 0), col(5, 1), col(5, 2)), ("直属学校", "丙小学", "小学"));
    assert_eq!(
        (col(6, 1), col(7, 0), col(7, 1), col(8, 1), col(8, 2)),
        ("小计", "昌元学区", "甲小学", "乙中学", "初中")
    );
    assert_eq!((col(9, 1), col(10, 0), col(10, 1), col(11, 1)), ("小计", "未列入名单", "丁小学", "小计"));
    assert_eq!(col(12, 0), "合计");
    assert!(col(13, 0).starts_with("备注：以学区、直属学校为单位，每周五下午3点前"), "{}", col(13, 0));
    assert!(col(13, 0).ends_with("应填写附件2《荣昌区义务教育控辍学生花名册日报表》，并报电子档。"));
    assert_eq!(t.len(), 14, "nothing below the note");

    assert_eq!(
        merges(&path, "周报表"),
        [
            "A11:A12", "A13:C13", "A14:P14", "A1:P1", "A2:F2", "A3:A4", "A6:A7", "A8:A10", "B3:B4", "C3:C4", "D3:D4",
            "E3:E4", "F3:K3", "G2:J2", "K2:P2", "L3:O3", "P3:P4"
        ]
    );

    // Columns 4–15: 丙小学, 甲小学, 乙中学, their subtotals, 丁小学, the total.
    //                          4  5  6  7  8  9 10 11 12 13 14 15
    assert_eq!(nums(&t[5]), [3, 3, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0], "丙小学");
    assert_eq!(nums(&t[6]), [3, 3, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0], "直属学校小计");
    assert_eq!(nums(&t[7]), [4, 5, 7, 2, 2, 1, 1, 1, 3, 1, 1, 1], "甲小学");
    assert_eq!(nums(&t[8]), [2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], "乙中学: no attendance, column 5 = column 4");
    assert_eq!(nums(&t[9]), [6, 7, 8, 3, 2, 1, 1, 1, 3, 1, 1, 1], "昌元学区小计");
    assert_eq!(nums(&t[10]), [2, 2, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0], "丁小学");
    assert_eq!(nums(&t[12]), [11, 12, 9, 3, 3, 1, 1, 1, 5, 3, 1, 1], "合计");

    // Subtotals and totals are formulas over the rows above, with their values cached.
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let f = wb.worksheet_formula("周报表").unwrap();
    let formula = |r: u32, c: u32| f.get_value((r, c)).cloned().unwrap_or_default();
    assert_eq!(formula(7, 5), "SUM(G8:K8)");
    assert_eq!(formula(9, 3), "SUM(D8:D9)");
    assert_eq!(formula(12, 3), "SUM(D7,D10,D12)");

    // 备注: what the numbers do not show.
    assert!(t[7][15].contains("无异动记录的学籍变动 1 人"), "{}", t[7][15]);
    assert!(t[8][15].contains("未报实际在校学生数，第5栏按第4栏填"), "{}", t[8][15]);
    assert!(t[10][15].contains("未列入包片包校责任人名单"), "{}", t[10][15]);
    assert!(t[5][15].contains("表中无对应栏目的变动 1 人"), "{}", t[5][15]);
    assert_eq!(t[10][15], "未列入包片包校责任人名单；未报实际在校学生数，第5栏按第4栏填");
}

#[test]
fn weekly_changes_are_classified_and_unexplained_ones_listed() {
    let w = Workdir::new("weekly-kinds");
    two_snapshots(&w);
    let (dir, stderr) = run(&w, "weekly.toml");
    let path = dir.join("周报表.xlsx");
    let t = sheet_text(&path, "异动明细");
    assert_eq!(t[1][3], "姓名");
    let kind = |name: &str| row_of(&t, 3, name)[12].clone();
    assert_eq!(kind("甲二"), "第7栏 辍学");
    assert_eq!(kind("甲三"), "第7栏 辍学", "退学 is a dropout in compulsory education");
    assert!(row_of(&t, 3, "甲三")[13].contains("退学"));
    assert_eq!(kind("甲四"), "第8栏 转出");
    assert_eq!(kind("甲五"), "第9栏 休学");
    assert_eq!(kind("甲六"), "第10栏 借读（出）");
    assert_eq!(kind("甲七"), "第11栏 死亡");
    assert_eq!(kind("甲八"), "第14栏 劝返复学");
    assert_eq!(kind("甲九"), "第13栏 转入");
    assert_eq!(kind("甲十"), "第15栏 借读（入）");
    assert_eq!(kind("乙四"), "第7栏 辍学");
    assert_eq!(kind("丙二"), "其他增加（表中无对应栏目）", "休学复学 is no 劝返复学");
    // The move between schools: a 转入 at 丙小学 and the 转出 it implies at 甲小学.
    let moved: Vec<&Vec<String>> = t.iter().filter(|r| r.get(3).is_some_and(|n| n == "甲十三")).collect();
    assert_eq!(moved.len(), 2);
    assert_eq!((moved[0][2].as_str(), moved[0][12].as_str()), ("丙小学", "第13栏 转入"));
    assert_eq!((moved[1][2].as_str(), moved[1][12].as_str()), ("甲小学", "第8栏 转出"));
    assert!(moved[1][13].contains("转至丙小学"), "{}", moved[1][13]);
    // Unchanged students are not listed.
    for name in ["甲一", "乙一", "乙三", "丙一", "丁一"] {
        assert!(!t.iter().any(|r| r.get(3).is_some_and(|n| n == name)), "{name}");
    }
    // IDs are text.
    let cells = sheet_cells(&path, "异动明细");
    let r = t.iter().position(|r| r.get(3).is_some_and(|n| n == "甲二")).unwrap();
    assert_eq!(cells[r][5], Data::String(id(2011, 2)));

    // The unexplained: 甲十一 vanished, 乙二 appeared.
    let u = sheet_text(&path, "未说明变动");
    assert_eq!(u.len(), 4, "title, header, two rows: {u:?}");
    assert_eq!((u[2][2].as_str(), u[2][3].as_str(), u[2][12].as_str()), ("甲小学", "甲十一", "减少，无异动记录"));
    assert_eq!((u[3][2].as_str(), u[3][3].as_str(), u[3][12].as_str()), ("乙中学", "乙二", "增加，无异动记录"));
    assert!(u[2][13].contains("本周学籍中没有此学生"), "{}", u[2][13]);
    assert!(stderr.contains("没有异动记录说明的学籍变动 2 人"), "{stderr}");
    assert!(!stderr.contains("甲十一") && !stderr.contains(&id(2011, 11)), "no personal data on stderr: {stderr}");
}

/// The changes the first set leaves out: a 转入 known only from the other school's 转出,
/// decreases and an increase the form has no column for (出国, 毕业, 借读结束回本校).
#[test]
fn weekly_moves_recorded_on_one_side_and_changes_without_a_column() {
    let w = Workdir::new("weekly-other-kinds");
    roster(&w);
    export(
        &w.path("prev.xlsx"),
        &[
            R("甲小学", "甲一", 1, "三年级", "在读", "", ""),
            R("甲小学", "甲二", 2, "三年级", "在读", "", ""),
            R("甲小学", "甲三", 3, "六年级", "在读", "", ""),
            R("甲小学", "甲四", 4, "三年级", "借读", "借读（出）", "2020-03-02"),
            R("丙小学", "丙一", 31, "四年级", "在读", "", ""),
        ],
    );
    export(
        &w.path("cur.xlsx"),
        &[
            // 甲一 leaves with a 转出 at 甲小学 and is at 丙小学 with no 转入 row there.
            R("甲小学", "甲一", 1, "三年级", "转出", "转出", "2020-05-19"),
            R("丙小学", "甲一", 1, "三年级", "在读", "", ""),
            R("甲小学", "甲二", 2, "三年级", "出国", "出国", "2020-05-20"),
            R("甲小学", "甲三", 3, "六年级", "毕业", "毕业", "2020-05-21"),
            // Back from studying elsewhere: on the roll again, no column for it.
            R("甲小学", "甲四", 4, "三年级", "在读", "", ""),
            R("丙小学", "丙一", 31, "四年级", "在读", "", ""),
        ],
    );
    let text = weekly_pipeline("一侧登记的转学", &[("prev.xlsx", Some("previous")), ("cur.xlsx", Some("current"))]);
    std::fs::write(w.path("sides.toml"), text).unwrap();
    let (dir, _) = run(&w, "sides.toml");
    let path = dir.join("周报表.xlsx");
    let d = sheet_text(&path, "异动明细");
    let rows = |name: &str| -> Vec<(String, String, String)> {
        d.iter()
            .filter(|r| r.get(3).is_some_and(|n| n == name))
            .map(|r| (r[2].clone(), r[12].clone(), r[13].clone()))
            .collect()
    };
    let moved = rows("甲一");
    assert_eq!(moved.len(), 2, "{moved:?}");
    assert!(moved.contains(&("甲小学".into(), "第8栏 转出".into(), String::new())), "{moved:?}");
    let into = moved.iter().find(|m| m.0 == "丙小学").expect("the 转入 side");
    assert_eq!(into.1, "第13栏 转入");
    assert!(into.2.contains("由甲小学转入（据该校转出记录）"), "{}", into.2);
    for (name, status) in [("甲二", "出国"), ("甲三", "毕业")] {
        let r = rows(name);
        assert_eq!(r.len(), 1, "{name}: {r:?}");
        assert_eq!(r[0].1, "其他减少（表中无对应栏目）", "{name}");
        assert!(r[0].2.contains(&format!("学籍为{status}")), "{name}: {}", r[0].2);
    }
    let back = rows("甲四");
    assert_eq!(back.len(), 1, "{back:?}");
    assert_eq!(back[0].1, "其他增加（表中无对应栏目）");
    assert!(back[0].2.contains("借读结束回本校"), "{}", back[0].2);
    // Nothing unexplained; the columns count only what has a column.
    let u = sheet_text(&path, "未说明变动");
    assert_eq!(u.len(), 3, "{u:?}");
    assert_eq!(u[2][0], "本周没有无异动记录的学籍变动");
    let t = sheet_text(&path, "周报表");
    //                                             4  5  6  7  8  9 10 11 12 13 14 15
    assert_eq!(nums(row_of(&t, 1, "甲小学")), [1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0], "甲小学");
    assert_eq!(nums(row_of(&t, 1, "丙小学")), [2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0], "丙小学");
    // 甲小学: 3 + 0 − 1 ≠ 1; the difference is the three changes without a column, said so.
    let jia = row_of(&t, 1, "甲小学");
    assert!(jia[15].contains("表中无对应栏目的变动 3 人"), "{}", jia[15]);
}

#[test]
fn weekly_checks_report_schools_that_do_not_balance() {
    let w = Workdir::new("weekly-checks");
    two_snapshots(&w);
    let (dir, stderr) = run(&w, "weekly.toml");
    let path = dir.join("周报表.xlsx");
    let t = sheet_text(&path, "核对");
    assert!(t[1][0].contains("3 处不符"), "{}", t[1][0]);
    let summary = row_of(&t, 1, "上周第4栏 + 本周增加 − 本周减少 = 本周第4栏（各校）");
    assert_eq!((summary[2].as_str(), summary[3].as_str(), summary[4].as_str()), ("4", "3", "不符"));
    for item in ["学区小计 = 本学区各校之和", "合计 = 各学区小计之和", "全区第4栏 = 本周在籍学生人数（按人计，不重复）"]
    {
        assert_eq!(row_of(&t, 1, item)[4], "通过", "{item}");
    }
    // 甲小学: 9 + 3 − 7 = 5, but 4 (甲十一 vanished); 乙中学: 2 + 0 − 1 = 1, but 2 (乙二
    // appeared); 丙小学: 1 + 1 − 0 = 2, but 3 (休学复学 has no column). 丁小学 balances.
    let fails: Vec<(&str, &str, &str, &str)> = t
        .iter()
        .filter(|r| r.len() > 8 && r[1].starts_with("上周第4栏") && r[4] == "第4栏")
        .map(|r| (r[3].as_str(), r[5].as_str(), r[6].as_str(), r[7].as_str()))
        .collect();
    assert_eq!(fails, [("丙小学", "2", "3", "1"), ("甲小学", "5", "4", "-1"), ("乙中学", "1", "2", "1")]);
    assert!(row_of(&t, 3, "甲小学")[8].contains("无异动记录的减少 1 人"));
    assert!(row_of(&t, 3, "丙小学")[8].contains("表中无对应栏目的增加 1 人"));
    // Remarks on the inputs.
    let all = t.iter().map(|r| r.join(" ")).collect::<Vec<_>>().join("\n");
    assert!(all.contains("1 所学校不在包片包校责任人名单中，列入“未列入名单”组：丁小学"), "{all}");
    assert!(all.contains("“某幼儿园”不在名单中"), "{all}");
    assert!(all.contains("persuasion.xlsx［劝返］第13行"), "unmatched 劝返 record: {all}");
    assert!(stderr.contains("核对未通过 3 项"), "{stderr}");
    assert!(stderr.contains("甲小学第4栏 应为 5，实为 4"), "{stderr}");
}

#[test]
fn weekly_daily_roster_and_three_attempts() {
    let w = Workdir::new("weekly-daily");
    two_snapshots(&w);
    let (dir, stderr) = run(&w, "weekly.toml");
    // Three failed days and not back: 乙三 only (甲八 returned; 乙四 has two days).
    let due = sheet_text(&dir.join("周报表.xlsx"), "限期复学通知");
    assert_eq!(due.len(), 3, "{due:?}");
    assert_eq!(&due[2][1..3], ["乙中学", "乙三"]);
    assert_eq!(&due[2][8..12], ["2020-05-14", "2020-05-18", "2020-05-20", "3"]);
    assert!(due[2][14].contains("限期复（入）学通知书"));
    assert!(stderr.contains("限期复（入）学通知书》的儿童 1 人"), "{stderr}");

    // Column 7 is not zero at 甲小学 and 乙中学, column 14 at 甲小学: their dropouts,
    // returnees and children persuaded this week.
    let path = dir.join("辍学学生花名册日报表.xlsx");
    let t = sheet_text(&path, "日报表");
    assert_eq!(t[0][0], "荣昌区义务教育辍学学生花名册日报表");
    let header: Vec<&str> = t[2].iter().map(String::as_str).collect();
    assert_eq!(
        header,
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
            "5.18劝返情况",
            "5.19劝返情况",
            "5.20劝返情况",
            "5.21劝返情况",
            "5.22劝返情况"
        ]
    );
    let names: Vec<(&str, &str)> = t[3..].iter().map(|r| (r[1].as_str(), r[2].as_str())).collect();
    assert_eq!(
        names,
        [("甲小学", "甲三"), ("甲小学", "甲二"), ("甲小学", "甲八"), ("乙中学", "乙四"), ("乙中学", "乙三")]
    );
    let jia8 = row_of(&t, 2, "甲八");
    assert_eq!(
        &jia8[12..17],
        ["家长不同意（陈老师）", "劝返无效（陈老师）", "无法联系家长（陈老师）", "已复学（陈老师）", ""]
    );
    assert!(jia8[10].contains("劝返复学"), "{}", jia8[10]);
    assert!(row_of(&t, 2, "乙三")[11].contains("限期复（入）学通知书"));
    assert!(row_of(&t, 2, "乙四")[11].starts_with("继续劝返"));
    // IDs and 学籍号 as text.
    let cells = sheet_cells(&path, "日报表");
    assert_eq!(cells[3][4], Data::String(id(2011, 3)));
    assert_eq!(cells[3][5], Data::String(format!("G{}", id(2011, 3))));
}

#[test]
fn weekly_one_dated_export_undoes_the_weeks_changes() {
    let w = Workdir::new("weekly-dated");
    roster(&w);
    export(
        &w.path("all.xlsx"),
        &[
            R("甲小学", "一", 1, "三年级", "在读", "", ""),
            R("甲小学", "二", 2, "三年级", "辍学", "辍学", "2020-05-18"),
            R("甲小学", "三", 3, "三年级", "在读", "转入", "2020-05-19"),
            R("甲小学", "四", 4, "三年级", "辍学", "辍学", "2019-10-08"),
            R("甲小学", "四", 4, "三年级", "在读", "复学", "2020-05-20"),
            R("甲小学", "五", 5, "三年级", "休学", "休学", "2019-03-01"),
            R("甲小学", "六", 6, "三年级", "转出", "转出", "2020-05-25"),
            R("甲小学", "七", 7, "三年级", "转出", "转出", "2020-05-08"),
        ],
    );
    let text = weekly_pipeline("一份导出", &[("all.xlsx", None)]);
    std::fs::write(w.path("dated.toml"), text).unwrap();
    let (dir, stderr) = run(&w, "dated.toml");
    assert!(stderr.contains("按本周异动日期推算上周学籍"), "{stderr}");
    let t = sheet_text(&dir.join("周报表.xlsx"), "周报表");
    assert_eq!(t[1][0], "填报单位：（公章）");
    assert_eq!(t[1][10], "填报日期：      年    月    日", "blank date to fill in by hand");
    // Last week: 一, 二 (before its 辍学), 六 (before its later 转出) = 3; this week: 一, 三, 四, 六.
    let jia = row_of(&t, 1, "甲小学");
    assert_eq!(nums(jia), [4, 4, 1, 1, 0, 0, 0, 0, 2, 1, 1, 0]);
    assert!(jia[15].is_empty(), "balances: {:?}", jia[15]);
    let c = sheet_text(&dir.join("周报表.xlsx"), "核对");
    assert!(c[1][0].contains("全部通过"), "{:?}", c[1]);
    let all = c.iter().map(|r| r.join(" ")).collect::<Vec<_>>().join("\n");
    assert!(all.contains("1 行学籍异动日期晚于本周末，本周未计"), "{all}");
    assert!(all.contains("没有实际在校人数来源，第5栏按第4栏填"), "{all}");
    assert!(all.contains("2 所名单中的学校在两期学籍中都没有学生"), "{all}");
    // One dropout: the 日报表 is written, without 劝返 records.
    assert!(dir.join("辍学学生花名册日报表.xlsx").exists());
}

#[test]
fn weekly_without_dropouts_or_returns_writes_no_daily_roster() {
    let w = Workdir::new("weekly-nodaily");
    roster(&w);
    export(
        &w.path("prev.xlsx"),
        &[R("甲小学", "一", 1, "三年级", "在读", "", ""), R("甲小学", "二", 2, "三年级", "在读", "", "")],
    );
    export(
        &w.path("cur.xlsx"),
        &[R("甲小学", "一", 1, "三年级", "在读", "", ""), R("甲小学", "二", 2, "三年级", "转出", "转出", "2020-05-19")],
    );
    let text = PIPELINE.split("[[sources]]\nkind = \"attendance\"").next().unwrap();
    std::fs::write(w.path("weekly.toml"), text).unwrap();
    let (dir, stderr) = run(&w, "weekly.toml");
    assert!(!dir.join("辍学学生花名册日报表.xlsx").exists());
    assert!(stderr.contains("核对通过"), "{stderr}");
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["rejects.csv", "run.json", "周报表.xlsx"]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap();
    assert_eq!(json["kind"], "weekly");
    assert_eq!(json["columns"]["08"], 1);
    assert_eq!(json["week"]["start"], "2020-05-16");
}

#[test]
fn weekly_pipeline_mistakes_stop_before_reading() {
    let w = Workdir::new("weekly-usage");
    roster(&w);
    export(&w.path("prev.xlsx"), &[R("甲小学", "一", 1, "三年级", "在读", "", "")]);
    let half = PIPELINE.replace("snapshot = \"current\"\n", "");
    std::fs::write(w.path("half.toml"), half).unwrap();
    let out = w.run(&["run", "half.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("要么都标明 snapshot"));
    let no_roster =
        PIPELINE.replace("kind = \"roster\"\nfiles = \"roster.xlsx\"\n", "kind = \"attendance\"\nfiles = \"x.xlsx\"\n");
    std::fs::write(w.path("noroster.toml"), no_roster).unwrap();
    let out = w.run(&["run", "noroster.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kind = \"roster\""));
    assert!(!w.path("out").exists(), "nothing written");
}

#[test]
fn weekly_texts_without_district_or_recipient_are_neutral() {
    // Neither `[weekly] district` nor `recipient`: the titles name no district, the note
    // sends the forms to nobody by name (no 荣昌区, no 陈纪钱 from the notice's own text).
    let w = Workdir::new("weekly-neutral");
    two_snapshots(&w);
    let text = PIPELINE.replace("district = \"荣昌区\"\n", "");
    assert!(!text.contains("district") && !text.contains("recipient"));
    std::fs::write(w.path("weekly.toml"), text).unwrap();
    let (dir, _) = run(&w, "weekly.toml");
    let t = sheet_text(&dir.join("周报表.xlsx"), "周报表");
    assert_eq!(t[0][0], "义务教育控辍保学周报表");
    let note = t.iter().find_map(|r| r.first().filter(|c| c.starts_with("备注"))).expect("the note row");
    assert!(note.contains("纸质件上报，"), "{note}");
    assert!(note.contains("《义务教育控辍学生花名册日报表》"), "{note}");
    let daily = sheet_text(&dir.join("辍学学生花名册日报表.xlsx"), "日报表");
    assert_eq!(daily[0][0], "义务教育辍学学生花名册日报表");
    for sheet in [&t, &daily] {
        assert!(sheet.iter().flatten().all(|c| !c.contains("荣昌区") && !c.contains("陈纪钱")), "{sheet:?}");
    }
}
