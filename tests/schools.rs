//! Schools and 学区 as the notice organises them: the 学校问题清单 of each school with cases,
//! the 学区汇总, the whole 责任人名单 (attachment 4) read with its people, and the round trip
//! through a school's list.

use std::collections::BTreeMap;
use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::builder::*;
use crate::util::{read_csv, run_dir, sheet_names, sheet_text, Workdir};

fn roster_row(unit: &str, school: &str, leader: &str, area: (&str, f64), person: (&str, &str)) -> Roster {
    Roster {
        unit: unit.into(),
        school: school.into(),
        leader: leader.into(),
        area_person: area.0.into(),
        area_phone: area.1,
        school_person: person.0.into(),
        school_phone: person.1.into(),
    }
}

/// 荣隆中学: a dropout and a pupil missing from the census; 昌元中学 (not on the roster): a
/// dropout; a child never enrolled whose census row names 荣隆中学 (a claim, not a 学籍).
fn set() -> Set {
    let dropout = child("夏文杰", "2003-05-01", 71);
    let missing = child("白晓峰", "2009-03-03", 73);
    let claimed = child("孔令辉", "2010-02-02", 151).status("在校", "荣隆中学");
    let elsewhere = child("严子健", "2003-08-08", 153).at("昌元街道", "新峰社区");
    let pupil = child("范文静", "2009-06-06", 155);
    Set {
        census: vec![dropout.clone(), claimed, elsewhere.clone(), pupil.clone()],
        students: vec![
            change(&dropout, "重庆市荣隆中学校", "七年级", "辍学", "2016-03-01"),
            student(&missing, "重庆市荣隆中学校", "五年级"),
            student(&pupil, "重庆市荣隆中学校", "五年级"),
            change(&elsewhere, "荣昌区昌元中学", "八年级", "辍学", "2017-03-01"),
        ],
        roster: vec![
            roster_row("荣隆学区", "荣隆镇中心小学", "刘强", ("陈明", 13900001111.0), ("张三", "13800000002")),
            roster_row("荣隆学区", "荣隆中学", "刘强", ("陈明", 13900001111.0), ("赵敏", "13800000003")),
            roster_row(
                "直属学校",
                "荣昌中学",
                "宋万敏（人事科）",
                ("黄伟", 13900003333.0),
                ("欧阳明月", "13800000004"),
            ),
        ],
        ..Default::default()
    }
}

fn names_in(path: &Path, sheet: &str) -> Vec<(String, String)> {
    let rows = sheet_text(path, sheet);
    let col = |h: &str| rows[2].iter().position(|c| c == h).unwrap_or_else(|| panic!("column {h}"));
    let (n, p) = (col("姓名"), col("问题类型"));
    rows[3..].iter().map(|r| (r[n].clone(), r[p].clone())).collect()
}

#[test]
fn a_school_list_holds_exactly_its_cases_with_its_people_at_the_top() {
    let wd = Workdir::new("schools-list");
    let run = set().run(&wd, "t");
    let list = run.join("学校问题清单/荣隆学区/重庆市荣隆中学校.xlsx");
    assert_eq!(sheet_names(&list), ["填写说明", "问题清单", "已销号"]);
    let mut got = names_in(&list, "问题清单");
    got.sort();
    assert_eq!(
        got,
        [("夏文杰".to_string(), "2015年以来辍学未完成义务教育".to_string()), ("白晓峰".into(), "在籍未清查".into())]
    );
    let rows = sheet_text(&list, "问题清单");
    assert_eq!(rows[0][0], "重庆市荣隆中学校控辍保学问题清单（基准日 2020-05-14）");
    assert!(
        rows[1][0].starts_with(
            "填报单位：重庆市荣隆中学校    问题数：2    学区：荣隆学区    包校人员：赵敏 13800000003    包片人员：陈明 13900001111    包干领导：刘强"
        ),
        "{}",
        rows[1][0]
    );
    // The town ledger's columns, verification columns included.
    let town = run.join("问题台账/荣隆镇问题台账.xlsx");
    assert_eq!(sheet_text(&town, "全部问题")[2], rows[2]);

    // The same case ids as the town ledger.
    let cases = read_csv(&run.join("cases.csv"));
    let id_col = rows[2].iter().position(|c| c == "case_id").unwrap();
    let mut ids: Vec<&str> = rows[3..].iter().map(|r| r[id_col].as_str()).collect();
    ids.sort();
    let mut expected: Vec<&str> = cases
        .iter()
        .filter(|c| c["name"] == "夏文杰" || c["name"] == "白晓峰")
        .map(|c| c["case_id"].as_str())
        .collect();
    expected.sort();
    assert_eq!(ids, expected);

    // 昌元中学 is not on the roster: 未列入名单. 孔令辉's census claim of 荣隆中学 is no 学籍:
    // the town's case, on no school list. A school without cases has no list.
    let other = run.join("学校问题清单/未列入名单/荣昌区昌元中学.xlsx");
    assert_eq!(names_in(&other, "问题清单"), [("严子健".to_string(), "2015年以来辍学未完成义务教育".to_string())]);
    assert!(sheet_text(&other, "问题清单")[1][0].contains("本校不在包片包校责任人名单中"));
    let mut files: Vec<String> = walk(&run.join("学校问题清单"));
    files.sort();
    assert_eq!(files, ["未列入名单/荣昌区昌元中学.xlsx", "荣隆学区/重庆市荣隆中学校.xlsx"]);

    // The ledgers show the 包片人员 and 包干领导 beside the 包校人员.
    let all = sheet_text(&town, "全部问题");
    let col = |h: &str| all[2].iter().position(|c| c == h).unwrap();
    let row = all.iter().find(|r| r[col("姓名")] == "夏文杰").unwrap();
    assert_eq!(
        (row[col("责任人")].as_str(), row[col("联系电话")].as_str()),
        ("赵敏", "13800000003"),
        "the school's 包校人员"
    );
    assert_eq!((row[col("包片人员")].as_str(), row[col("包干领导")].as_str()), ("陈明 13900001111", "刘强"));
}

#[test]
fn the_xuequ_summary_groups_schools_by_the_rosters_units() {
    let wd = Workdir::new("schools-xuequ");
    let run = set().run(&wd, "t");
    let table = sheet_text(&run.join("汇总.xlsx"), "学区汇总");
    let header = &table[2];
    let col = |h: &str| header.iter().position(|c| c == h).unwrap_or_else(|| panic!("column {h}"));
    let rows: Vec<(String, String, String, String)> = table[3..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[col("待核实合计")].clone(), r[col("新增")].clone()))
        .collect();
    let row = |a: &str, b: &str, n: &str, new: &str| (a.to_string(), b.to_string(), n.to_string(), new.to_string());
    assert_eq!(
        rows,
        [
            // A roster school the 学籍 does not know keeps its roster name.
            row("荣隆学区", "荣隆镇中心小学", "0", "0"),
            row("荣隆学区", "重庆市荣隆中学校", "2", "2"),
            row("荣隆学区", "小计", "2", "2"),
            row("直属学校", "荣昌中学", "0", "0"),
            row("直属学校", "小计", "0", "0"),
            row("未列入名单", "荣昌区昌元中学", "1", "1"),
            row("未列入名单", "小计", "1", "1"),
            row("合计", "", "3", "3"),
        ]
    );
    // The bracketed unit is split off the name.
    let direct = table.iter().find(|r| r[1] == "荣昌中学").unwrap();
    assert_eq!(direct[col("包干领导")], "宋万敏");
    // One workbook per 学区, the 直属学校 and the unlisted group included.
    let mut files = walk(&run.join("学区汇总"));
    files.sort();
    assert_eq!(files, ["未列入名单.xlsx", "直属学校.xlsx", "荣隆学区.xlsx"]);
    let own = run.join("学区汇总/荣隆学区.xlsx");
    assert_eq!(sheet_names(&own), ["学区汇总", "全部问题"]);
    assert_eq!(sheet_text(&own, "学区汇总").len(), 3 + 2 + 1 + 1, "two schools, 小计, 合计");
    let mut names: Vec<String> = names_in(&own, "全部问题").into_iter().map(|(n, _)| n).collect();
    names.sort();
    assert_eq!(names, ["夏文杰", "白晓峰"]);
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()).into_iter().map(|f| format!("{name}/{f}")));
        } else {
            out.push(name);
        }
    }
    out
}

/// Writes a returned copy of one sheet with `cells` filled in on the row of `name`.
fn return_sheet(path: &Path, sheet: &str, name: &str, cells: &[(&str, &str)], out: &Path) {
    let mut rows = sheet_text(path, sheet);
    let col = |h: &str| rows[2].iter().position(|c| c == h).unwrap_or_else(|| panic!("column {h}"));
    let n = col("姓名");
    let cols: Vec<(usize, String)> = cells.iter().map(|(h, v)| (col(h), v.to_string())).collect();
    let row = rows[3..].iter_mut().find(|r| r[n] == name).unwrap_or_else(|| panic!("{name} in {sheet}"));
    for (c, v) in cols {
        row[c] = v;
    }
    let header: Vec<&str> = rows[2].iter().map(String::as_str).collect();
    let body: Vec<Vec<V>> = rows[3..].iter().map(|r| r.iter().map(V::from).collect()).collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    titled_sheet(ws, &rows[0][0], &[rows[1][0].clone()], &header, &body);
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    wb.save(out).unwrap();
}

#[test]
fn a_case_closed_through_the_school_list_is_closed_in_the_town_ledger() {
    let wd = Workdir::new("schools-return");
    let mut set = set();
    let first = set.run(&wd, "m1");
    return_sheet(
        &first.join("学校问题清单/荣隆学区/重庆市荣隆中学校.xlsx"),
        "问题清单",
        "夏文杰",
        &[("核实结果", "已劝返复学"), ("核实说明", "5月18日返校")],
        &wd.path("returned/重庆市荣隆中学校.xlsx"),
    );
    set.extra = "\n[[sources]]\nkind = \"verification\"\nfiles = [\"returned/*.xlsx\"]\n".into();
    let pipeline = set.write(&wd);
    let second = run_dir(&wd.run_ok(&["run", pipeline.to_str().unwrap(), "--label", "m2", "-q"]));
    let cases: BTreeMap<(String, String), BTreeMap<String, String>> = read_csv(&second.join("cases.csv"))
        .into_iter()
        .map(|c| ((c["problem"].clone(), c["name"].clone()), c))
        .collect();
    let closed = &cases[&("non_completer".to_string(), "夏文杰".to_string())];
    assert_eq!((closed["status"].as_str(), closed["last_outcome"].as_str()), ("closed", "已劝返复学"));
    let town = second.join("问题台账/荣隆镇问题台账.xlsx");
    assert!(!names_in(&town, "全部问题").iter().any(|(n, _)| n == "夏文杰"), "no longer open in the town ledger");
    let gone = sheet_text(&town, "已销号");
    assert!(gone.iter().any(|r| r.iter().any(|c| c == "夏文杰")), "listed in the town's 已销号");
    // The school's list shows it closed too; the summary counts it there.
    let list = second.join("学校问题清单/荣隆学区/重庆市荣隆中学校.xlsx");
    assert!(!names_in(&list, "问题清单").iter().any(|(n, _)| n == "夏文杰"));
    let table = sheet_text(&second.join("汇总.xlsx"), "学区汇总");
    let col = |h: &str| table[2].iter().position(|c| c == h).unwrap();
    let school = table.iter().find(|r| r[1] == "重庆市荣隆中学校").unwrap();
    assert_eq!(
        (school[col("待核实合计")].as_str(), school[col("已销号")].as_str(), school[col("仍未解决")].as_str()),
        ("1", "1", "1")
    );
}

/// Attachment 4 at the size of a district: about a hundred schools in the nine 学区, 单位 /
/// 包干领导 / 包片 / 包校 merged down, names padded, a unit in brackets, and one phone typed for
/// two 包校人员 whose names differ by one look-alike character.
#[test]
fn a_district_roster_reads_with_every_schools_people_and_its_shared_phone() {
    let wd = Workdir::new("schools-roster-100");
    let units =
        ["直属学校", "昌元学区", "昌州学区", "安富学区", "仁义学区", "吴家学区", "盘龙学区", "荣隆学区", "双河学区"];
    let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙"];
    let given = ["伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰"];
    let mut roster = Vec::new();
    let mut k = 0usize;
    for (u, unit) in units.iter().enumerate() {
        let leader =
            if u == 0 { "宋万敏（人事科）".to_string() } else { format!("{}{}", surnames[u], given[u]) };
        for s in 0..11 + (u % 2) {
            let area = format!("{}{}", surnames[(u + s / 3) % 12], given[(u * 3 + s / 3) % 12]);
            let person = format!("{}{}", surnames[(k + 5) % 12], given[(k * 7) % 12]);
            roster.push(Roster {
                unit: unit.to_string(),
                school: format!("{}第{}小学", unit.trim_end_matches("学区").trim_end_matches("学校"), s + 1),
                leader: leader.clone(),
                area_person: area,
                area_phone: 13900000000.0 + (u * 10 + s / 3) as f64,
                school_person: person,
                school_phone: format!("1380000{:04}", k),
            });
            k += 1;
        }
    }
    // Two 包校人员 of different schools, 刘洋 and 刘祥, typed with one number.
    roster[20].school_person = "刘洋".into();
    roster[20].school_phone = "13812345678".into();
    roster[60].school_person = "刘祥".into();
    roster[60].school_phone = "13812345678".into();
    let n = roster.len();
    assert!((95..=110).contains(&n), "{n} schools");
    let kid = child("夏文杰", "2003-05-01", 71);
    let set = Set {
        census: vec![kid.clone()],
        students: vec![change(&kid, &format!("重庆市荣昌区{}", roster[20].school), "七年级", "辍学", "2016-03-01")],
        roster: roster.clone(),
        ..Default::default()
    };
    let run = set.run(&wd, "t");
    let table = sheet_text(&run.join("汇总.xlsx"), "学区汇总");
    let col = |h: &str| table[2].iter().position(|c| c == h).unwrap();
    let schools: Vec<&Vec<String>> = table[3..].iter().filter(|r| r[1] != "小计" && r[0] != "合计").collect();
    assert_eq!(schools.len(), n, "every roster school");
    for (r, want) in schools.iter().zip(&roster) {
        assert_eq!(r[0], want.unit);
        let leader = if want.leader.contains('（') { "宋万敏" } else { want.leader.as_str() };
        assert_eq!(r[col("包干领导")], leader, "{}", want.school);
        assert_eq!(r[col("包片人员")], format!("{} {}", want.area_person, want.area_phone as i64), "{}", want.school);
        assert_eq!(r[col("包校人员")], format!("{} {}", want.school_person, want.school_phone), "{}", want.school);
    }
    assert_eq!(table[3..].iter().filter(|r| r[1] == "小计").count(), 9);
    // The 学籍 school with the district prefix is the roster's school.
    let listed = schools.iter().find(|r| r[1] == format!("重庆市荣昌区{}", roster[20].school)).expect("matched");
    assert_eq!(listed[col("待核实合计")], "1");

    // The shared phone: a roster data fault in run.json (no names) and 汇总 (names, number).
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
    let faults = json["roster"]["phone_faults"].as_array().unwrap();
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert_eq!(faults[0]["schools"], serde_json::json!([roster[20].school, roster[60].school]));
    assert!(!json["roster"].to_string().contains("13812345678"), "no phone in run.json");
    assert_eq!(json["roster"]["roster_schools"], n);
    let check = sheet_text(&run.join("汇总.xlsx"), "名单核对");
    let fault = check.iter().find(|r| r[0] == "13812345678").expect("the fault row");
    assert_eq!(fault[1], "刘洋、刘祥");

    // kcbx check prints the mapping and the fault.
    let pipeline = set.write(&wd);
    let out = wd.run(&["check", pipeline.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("名单 {n} 所，学籍 1 所；对应 1 所")), "{text}");
    assert!(text.contains("同一联系电话登记给了 2 个不同的姓名"), "{text}");
}

#[test]
fn a_school_list_and_a_town_ledger_answering_differently_are_listed_as_a_conflict() {
    let wd = Workdir::new("schools-conflict");
    let mut set = set();
    let first = set.run(&wd, "m1");
    // Files are read in name order: the school's return (a-) first, the town's (b-) later.
    return_sheet(
        &first.join("学校问题清单/荣隆学区/重庆市荣隆中学校.xlsx"),
        "问题清单",
        "夏文杰",
        &[("核实结果", "已劝返复学"), ("核实说明", "5月18日返校")],
        &wd.path("returned/a-学校.xlsx"),
    );
    return_sheet(
        &first.join("问题台账/荣隆镇问题台账.xlsx"),
        "全部问题",
        "夏文杰",
        &[("核实结果", "随父母外出无法联系")],
        &wd.path("returned/b-镇街.xlsx"),
    );
    set.extra = "\n[[sources]]\nkind = \"verification\"\nfiles = [\"returned/*.xlsx\"]\n".into();
    let pipeline = set.write(&wd);
    let second = run_dir(&wd.run_ok(&["run", pipeline.to_str().unwrap(), "--label", "m2", "-q"]));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(second.join("run.json")).unwrap()).unwrap();
    let conflicts = json["verification"]["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["applied"]["outcome"], "已劝返复学");
    assert_eq!(conflicts[0]["other"]["outcome"], "随父母外出无法联系");
    assert!(conflicts[0]["other"]["file"].as_str().unwrap().ends_with("b-镇街.xlsx"));
    let cases = read_csv(&second.join("cases.csv"));
    let c = cases.iter().find(|c| c["name"] == "夏文杰" && c["problem"] == "non_completer").unwrap();
    assert_eq!(c["status"], "closed", "the first return read wins");
}
