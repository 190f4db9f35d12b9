//! A month of the verification round trip (issue 6): run m1; two towns return their ledgers
//! with 核实结果 / 核实说明 filled in on some rows (one town deleted the case_id column, so
//! its rows are matched by 身份证号 + 问题类型); the data team updates some inputs; run m2
//! with the returned workbooks as a `verification` source and m1 as the previous run. The
//! test asserts exactly which cases closed, which stayed open with their history, which
//! appeared, which changed type, what was reported unmatched, and the diff counts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;

use crate::builder::*;
use crate::util::{read_csv, run_dir, sheet_text, Workdir};

type Row = BTreeMap<String, String>;

/// m1's people. 荣隆镇新峰村: A..D, F, I, J; 仁义镇高峰村: E, G, H.
struct People {
    a: Child,
    b: Child,
    c: Child,
    d: Child,
    e: Child,
    f: Child,
    g: Child,
    h: Child,
    i: Child,
    j: Child,
    k: Child,
}

fn people() -> People {
    let ry = |c: Child| c.at("仁义镇", "高峰村");
    People {
        a: child("安宇航", "2010-01-01", 301),
        b: child("包思雨", "2010-02-02", 302),
        c: child("曹一凡", "2010-03-03", 303),
        // Census ID with a wrong check character; 学籍 has the right one.
        d: child("邓佳琪", "2010-04-04", 304),
        e: ry(child("龚文博", "2003-05-05", 305)),
        // Listed under a mistyped name (the town will say 姓名应为傅子航).
        f: child("付子航", "2010-06-06", 307),
        g: ry(child("韩梦琪", "2010-07-07", 308)),
        h: ry(child("侯俊杰", "2010-08-08", 309)),
        i: child("蒋子轩", "2010-09-09", 311),
        j: child("康雨欣", "2010-10-10", 312),
        k: child("雷浩然", "2010-11-11", 313),
    }
}

fn month1(p: &People) -> Set {
    let pupil = child("马小明", "2009-12-12", 315);
    Set {
        census: vec![
            p.a.clone(),
            p.b.clone(),
            p.c.clone(),
            p.d.clone().with_id(&bad_check(&p.d.id)),
            p.e.clone(),
            p.f.clone(),
            p.g.clone(),
            p.h.clone(),
            p.i.clone(),
            p.j.clone(),
            pupil.clone(),
        ],
        students: vec![
            student(&p.d, "荣隆镇中心小学", "四年级"),
            change(&p.e, "仁义中学", "八年级", "辍学", "2017-03-01"),
            student(&pupil, "荣隆镇中心小学", "五年级"),
        ],
        ..Default::default()
    }
}

/// Writes a returned workbook: the ledger sheet's title, subtitle and header, and the given
/// rows, with `fills` (name → 核实结果, 核实说明) applied; `drop_case_id` deletes that column;
/// `extra` rows are appended as they are.
fn returned(
    path: &Path,
    ledger: &[Vec<String>],
    fills: &[(&str, &str, &str)],
    drop_case_id: bool,
    extra: &[Vec<String>],
) {
    let header = &ledger[2];
    let col = |h: &str| header.iter().position(|c| c == h).unwrap();
    let (outcome, note, name) = (col("核实结果"), col("核实说明"), col("姓名"));
    let mut rows: Vec<Vec<String>> = ledger[3..].to_vec();
    for (who, result, why) in fills {
        let row = rows.iter_mut().find(|r| r[name] == *who).unwrap_or_else(|| panic!("{who} in the ledger"));
        row[outcome] = result.to_string();
        row[note] = why.to_string();
    }
    rows.extend(extra.iter().cloned());
    let mut header: Vec<String> = header.clone();
    if drop_case_id {
        let k = col("case_id");
        header.remove(k);
        for r in &mut rows {
            r.remove(k);
        }
    }
    let cells: Vec<Vec<V>> = rows.iter().map(|r| r.iter().map(V::from).collect()).collect();
    let headers: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("全部问题").unwrap();
    titled_sheet(ws, &ledger[0][0], &[ledger[1][0].clone()], &headers, &cells);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    wb.save(path).unwrap();
}

fn by_problem_and_name(cases: &[Row]) -> BTreeMap<(String, String), Row> {
    cases.iter().map(|c| ((c["problem"].clone(), c["name"].clone()), c.clone())).collect()
}

/// What two months leave behind.
struct Months {
    p: People,
    m1: PathBuf,
    m2: PathBuf,
    /// The inputs of m2 (with the verification source).
    set: Set,
    m1_ids: BTreeMap<(String, String), String>,
}

/// Runs m1, writes the two returned workbooks, updates the inputs and runs m2.
fn two_months(wd: &Workdir) -> Months {
    let p = people();
    let m1 = month1(&p).run(wd, "m1");
    let cases1 = read_csv(&m1.join("cases.csv"));
    assert_eq!(
        flagged(&cases1),
        pairs(&[
            ("not_enrolled", "安宇航"),
            ("not_enrolled", "包思雨"),
            ("not_enrolled", "曹一凡"),
            ("id_invalid", "邓佳琪"),
            ("non_completer", "龚文博"),
            ("not_enrolled", "付子航"),
            ("not_enrolled", "韩梦琪"),
            ("not_enrolled", "侯俊杰"),
            ("not_enrolled", "蒋子轩"),
            ("not_enrolled", "康雨欣"),
        ])
    );
    let m1_ids: BTreeMap<(String, String), String> =
        cases1.iter().map(|c| ((c["problem"].clone(), c["name"].clone()), c["case_id"].clone())).collect();

    // 荣隆镇 returns its ledger with case_id kept.
    let rl = sheet_text(&m1.join("问题台账/荣隆镇问题台账.xlsx"), "全部问题");
    returned(
        &wd.path("returned/荣隆镇问题台账（已核实）.xlsx"),
        &rl,
        &[
            ("安宇航", "已在校就读并注册学籍", "已在荣隆镇中心小学就读，学籍已注册"),
            ("包思雨", "已在校就读并注册学籍", "已入学"),
            ("曹一凡", "省外就读无学籍", "随父母在广东省东莞市就读"),
            ("邓佳琪", "身份证号或姓名错误", &format!("经核对户口簿，正确身份证号为 {}", p.d.id)),
            ("付子航", "身份证号或姓名错误", "姓名应为傅子航"),
        ],
        false,
        &[],
    );
    // 仁义镇 deleted the case_id column, and added a row about a child no run ever had.
    let ry = sheet_text(&m1.join("问题台账/仁义镇问题台账.xlsx"), "全部问题");
    let mut stranger = vec![String::new(); ry[2].len()];
    let col = |h: &str| ry[2].iter().position(|c| c == h).unwrap();
    stranger[col("姓名")] = "无名氏".into();
    stranger[col("身份证号")] = id("2011-11-11", 999);
    stranger[col("问题类型")] = "适龄未入学/疑似失学".into();
    stranger[col("核实结果")] = "死亡".into();
    // And a row filled in with a name only: no case_id (the column is gone), no ID.
    let mut nameless = vec![String::new(); ry[2].len()];
    nameless[col("姓名")] = "无号者".into();
    nameless[col("核实结果")] = "查无此人".into();
    returned(
        &wd.path("returned/仁义镇问题台账.xlsx"),
        &ry,
        &[("龚文博", "已劝返复学", "2020年5月已返回仁义中学就读"), ("韩梦琪", "随父母外出无法联系", "")],
        true,
        &[stranger, nameless],
    );

    // Meanwhile the data team: 蒋子轩 studies outside the district, 康雨欣 got a 学籍, and a
    // newly found child 雷浩然 is listed.
    let mut set = month1(&p);
    set.census.iter_mut().find(|c| c.name == "蒋子轩").unwrap().status = "县外就读".into();
    set.students.push(student(&p.j, "荣隆镇中心小学", "四年级"));
    set.census.push(p.k.clone());
    set.extra = "\n[[sources]]\nkind = \"verification\"\nfiles = [\"returned/*.xlsx\"]\n".into();
    let pipeline = set.write(wd);
    // No --previous: the latest earlier run in the same output folder (m1) is compared.
    let m2 = run_dir(&wd.run_ok(&["run", pipeline.to_str().unwrap(), "--label", "m2", "-q"]));
    Months { p, m1, m2, set, m1_ids }
}

#[test]
fn a_month_of_returned_ledgers() {
    let wd = Workdir::new("roundtrip-month");
    let Months { p, m1, m2, m1_ids, .. } = two_months(&wd);
    let cases2 = read_csv(&m2.join("cases.csv"));
    let now = by_problem_and_name(&cases2);
    let get = |problem: &str, name: &str| {
        now.get(&(problem.to_string(), name.to_string())).unwrap_or_else(|| panic!("{problem} {name} in m2"))
    };

    // Exactly these cases, open or closed.
    let status: Vec<(&str, &str, &str)> =
        now.iter().map(|((p, n), c)| (p.as_str(), n.as_str(), c["status"].as_str())).collect();
    let mut expected = vec![
        // The ID corrected: the id_invalid case is gone from the data, and carried into
        // 已销号 with the town's answer.
        ("id_invalid", "邓佳琪", "closed"),
        ("not_enrolled", "安宇航", "closed"),
        ("not_enrolled", "包思雨", "open"),
        ("not_enrolled", "曹一凡", "open"),
        ("non_completer", "龚文博", "closed"),
        ("not_enrolled", "傅子航", "open"),
        ("not_enrolled", "韩梦琪", "open"),
        ("not_enrolled", "侯俊杰", "open"),
        ("out_of_area_unverified", "蒋子轩", "open"),
        ("not_enrolled", "雷浩然", "open"),
    ];
    expected.sort();
    assert_eq!(status, expected);

    // Closed: by a school named in 核实说明, and by 已劝返复学 on a row matched by ID + type.
    for (problem, name) in [("not_enrolled", "安宇航"), ("non_completer", "龚文博")] {
        let c = get(problem, name);
        assert_eq!(c["case_id"], m1_ids[&(problem.to_string(), name.to_string())], "{name}: same case id");
        assert_eq!(
            (c["closed_in"].as_str(), c["first_seen"].as_str(), c["times_returned"].as_str()),
            ("m2", "m1", "1"),
            "{name}"
        );
    }
    assert_eq!(get("non_completer", "龚文博")["last_outcome"], "已劝返复学");
    let dj = get("id_invalid", "邓佳琪");
    assert_eq!(dj["case_id"], m1_ids[&("id_invalid".to_string(), "邓佳琪".to_string())]);
    assert_eq!(
        [&dj["closed_in"], &dj["first_seen"], &dj["times_returned"], &dj["last_outcome"]],
        ["m2", "m1", "1", "身份证号或姓名错误"]
    );
    assert_eq!(dj["outcome_note"], format!("经核对户口簿，正确身份证号为 {}", p.d.id));
    // It keeps what m1 recorded: the ID as listed then, and m1's source rows.
    assert_eq!(dj["id_number"], bad_check(&p.d.id));
    let cases1 = read_csv(&m1.join("cases.csv"));
    let m1_dj = crate::builder::case(&cases1, "id_invalid", "邓佳琪");
    for k in ["description", "evidence", "source", "deadline", "person_ref", "village"] {
        assert_eq!(dj[k], m1_dj[k], "{k}");
    }
    // Open, with their history: no school named; needs evidence; a town that could not reach
    // the family; an untouched row.
    let history = |problem: &str, name: &str| {
        let c = get(problem, name);
        (
            c["first_seen"].clone(),
            c["times_returned"].clone(),
            c["last_outcome"].clone(),
            c["outcome_note"].clone(),
            c["closed_in"].clone(),
        )
    };
    let h = |a: &str, b: &str, c: &str, d: &str| {
        (a.to_string(), b.to_string(), c.to_string(), d.to_string(), String::new())
    };
    assert_eq!(history("not_enrolled", "包思雨"), h("m1", "1", "已在校就读并注册学籍", "已入学"));
    assert_eq!(history("not_enrolled", "曹一凡"), h("m1", "1", "省外就读无学籍", "随父母在广东省东莞市就读"));
    assert_eq!(history("not_enrolled", "韩梦琪"), h("m1", "1", "随父母外出无法联系", ""));
    assert_eq!(history("not_enrolled", "侯俊杰"), h("m1", "0", "", ""));
    assert_eq!(history("not_enrolled", "雷浩然"), h("m2", "0", "", ""));
    // The name correction was applied to the census before linking: same case, new name,
    // and the evidence says so.
    let f = get("not_enrolled", "傅子航");
    assert_eq!(f["case_id"], m1_ids[&("not_enrolled".to_string(), "付子航".to_string())]);
    assert!(f["evidence"].ends_with("（清查表姓名已按镇街核实反馈由 付子航 更正为 傅子航）"), "{}", f["evidence"]);
    assert_eq!(history("not_enrolled", "傅子航"), h("m1", "1", "身份证号或姓名错误", "姓名应为傅子航"));

    // The m2 ledgers: the note carried into 上次核实结果; closed cases on 已销号 only.
    let ledger = m2.join("问题台账/荣隆镇问题台账.xlsx");
    let all = sheet_text(&ledger, "全部问题");
    let col = |h: &str| all[2].iter().position(|c| c == h).unwrap();
    let row = all.iter().find(|r| r[col("姓名")] == "曹一凡").unwrap();
    assert_eq!(
        (row[col("反馈次数")].as_str(), row[col("上次核实结果")].as_str(), row[col("首次发现")].as_str()),
        ("1", "省外就读无学籍：随父母在广东省东莞市就读（此结果不销号，仍待核实）", "m1")
    );
    assert!(all.iter().all(|r| r[col("姓名")] != "安宇航"), "closed cases leave the working sheets");
    let closed = sheet_text(&ledger, "已销号");
    assert_eq!(
        closed[2],
        [
            "序号",
            "case_id",
            "村(社区)",
            "社",
            "姓名",
            "身份证号",
            "问题类型",
            "核实结果",
            "核实说明",
            "首次发现",
            "销号批次",
            "销号依据"
        ]
    );
    assert_eq!(closed.len(), 5, "{closed:?}");
    let closed_row = |name: &str| closed[3..].iter().find(|r| r[4] == name).unwrap_or_else(|| panic!("{name}"));
    assert_eq!(
        closed_row("安宇航")[4..],
        [
            "安宇航",
            p.a.id.as_str(),
            "适龄未入学/疑似失学",
            "已在校就读并注册学籍",
            "已在荣隆镇中心小学就读，学籍已注册",
            "m1",
            "m2",
            "按核实结果销号"
        ]
    );
    let bad = bad_check(&p.d.id);
    assert_eq!(
        closed_row("邓佳琪")[4..],
        [
            "邓佳琪",
            bad.as_str(),
            "身份证号错误",
            "身份证号或姓名错误",
            dj["outcome_note"].as_str(),
            "m1",
            "m2",
            "问题已不再出现，按已解决处理"
        ]
    );
    // The children's ledger says what the town found for a closed case.
    let kids = sheet_text(&m2.join("适龄儿童台账/荣隆镇适龄儿童台账.xlsx"), "适龄儿童");
    let status = |name: &str| kids.iter().find(|r| r[5] == name).map(|r| (r[12].clone(), r[15].clone())).unwrap();
    let (st, note) = status("安宇航");
    assert_eq!(st, "已销号：已在校就读并注册学籍");
    assert!(note.contains("（m2销号）"), "{note}");
    assert_eq!(status("包思雨").0, "适龄未入学/疑似失学");
    let closed = sheet_text(&m2.join("问题台账/仁义镇问题台账.xlsx"), "已销号");
    assert_eq!((closed.len(), closed[3][4].as_str(), closed[3][10].as_str()), (4, "龚文博", "m2"));

    // run.json: what the round trip did, the one unmatched row (file, sheet, row), the diff.
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(m2.join("run.json")).unwrap()).unwrap();
    assert!(run["previous_run"].as_str().unwrap().ends_with("m1"), "{}", run["previous_run"]);
    let v = &run["verification"];
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("verification.{k}"));
    assert_eq!(
        [
            n("rows"),
            n("filled"),
            n("applied"),
            n("closed"),
            n("kept_open"),
            n("corrections"),
            n("resolved_since"),
            n("stale")
        ],
        [12, 9, 6, 2, 4, 2, 1, 0]
    );
    let unmatched = v["unmatched"].as_array().unwrap();
    assert_eq!(unmatched.len(), 2, "{unmatched:?}");
    let u = &unmatched[0];
    assert!(u["file"].as_str().unwrap().ends_with("returned/仁义镇问题台账.xlsx"), "{u}");
    assert_eq!((u["sheet"].as_str(), u["row"].as_u64(), u["case_id"].as_str()), (Some("全部问题"), Some(7), Some("")));
    assert!(u["reason"].as_str().unwrap().contains("按身份证号+问题类型找不到对应案件"), "{u}");
    // The row with neither case_id nor ID: listed here and rejected, and the returned
    // sheet's accounting still balances (read = used + skipped + rejected).
    let u = &unmatched[1];
    assert!(u["file"].as_str().unwrap().ends_with("returned/仁义镇问题台账.xlsx"), "{u}");
    assert_eq!((u["sheet"].as_str(), u["row"].as_u64()), (Some("全部问题"), Some(8)));
    assert!(u["reason"].as_str().unwrap().contains("既无 case_id 也无身份证号"), "{u}");
    for u in unmatched {
        let text = u.to_string();
        assert!(
            !text.contains("无名氏") && !text.contains("无号者") && !text.contains(&id("2011-11-11", 999)),
            "no personal data: {u}"
        );
    }
    let rejects = read_csv(&m2.join("rejects.csv"));
    let rejected: Vec<(&str, &str)> = rejects
        .iter()
        .filter(|r| r["file"].ends_with("仁义镇问题台账.xlsx"))
        .map(|r| (r["row"].as_str(), r["reason"].as_str()))
        .collect();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0].0, "8");
    assert!(rejected[0].1.contains("既无 case_id 也无身份证号"));
    let returned_file = run["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("returned/仁义镇问题台账.xlsx"))
        .expect("the returned file is listed");
    let sheet = &returned_file["sheets"][0];
    assert_eq!((sheet["rejected"].as_u64(), sheet["balanced"].as_bool()), (Some(1), Some(true)), "{sheet}");
    assert_eq!(run["inputs"]["accounting"]["balanced"], true);
    let changes = &run["changes"];
    assert_eq!(
        [&changes["new"], &changes["resolved"], &changes["still_open"], &changes["changed"]]
            .map(|x| x.as_u64().unwrap()),
        [1, 4, 5, 1]
    );
    assert_eq!((run["cases"]["total"].as_u64(), run["cases"]["closed"].as_u64()), (Some(7), Some(3)));
    // The one row whose case m2 no longer raises: where it is and what was done.
    let resolved = v["resolved_rows"].as_array().unwrap();
    assert_eq!(resolved.len(), 1, "{resolved:?}");
    let r = &resolved[0];
    assert!(r["file"].as_str().unwrap().ends_with("returned/荣隆镇问题台账（已核实）.xlsx"), "{r}");
    assert_eq!((r["sheet"].as_str(), r["case_id"].as_str()), (Some("全部问题"), dj["case_id"].as_str().into()));
    assert_eq!(r["reason"], "该问题本次已不再出现，按已解决处理：核实结果记入已销号");
    let rl = sheet_text(&m1.join("问题台账/荣隆镇问题台账.xlsx"), "全部问题");
    let dj_row = rl.iter().position(|row| row.iter().any(|c| c == "邓佳琪")).unwrap() + 1;
    assert_eq!(r["row"].as_u64(), Some(dj_row as u64));

    // 汇总.xlsx 核实反馈 lists the unmatched row; 变化情况 counts per town and village.
    let summary = m2.join("汇总.xlsx");
    let fb = sheet_text(&summary, "核实反馈");
    let line = fb.iter().find(|r| r[0].ends_with("仁义镇问题台账.xlsx")).expect("unmatched row listed");
    assert_eq!((line[1].as_str(), line[2].as_str()), ("全部问题", "7"));
    let lines: Vec<&str> = fb.iter().filter(|r| r[0].ends_with("仁义镇问题台账.xlsx")).map(|r| r[2].as_str()).collect();
    assert_eq!(lines, ["7", "8"], "both unmatched rows are listed");
    let count = |label: &str| fb.iter().find(|r| r[0] == label).map(|r| r[1].clone()).unwrap_or_default();
    assert_eq!([count("销号"), count("未能对应"), count("更正身份证号/姓名")], ["2", "2", "2"]);
    assert_eq!(count("本次已不再出现（已解决）"), "1");
    let gone = fb.iter().find(|r| r[0].ends_with("荣隆镇问题台账（已核实）.xlsx")).expect("the resolved row is listed");
    assert_eq!(
        (gone[2].as_str(), gone[3].as_str(), gone[4].as_str()),
        (dj_row.to_string().as_str(), dj["case_id"].as_str(), "该问题本次已不再出现，按已解决处理：核实结果记入已销号")
    );
    let ch = sheet_text(&summary, "变化情况");
    assert_eq!(ch[2][..6], ["镇街", "村(社区)", "新增", "已解决", "仍未解决", "类型变化"]);
    // Each town's villages, the town's 小计, and the district's 合计.
    assert_eq!(ch[3][..6], ["仁义镇", "高峰村", "0", "1", "2", "0"]);
    assert_eq!(ch[4][..6], ["仁义镇", "小计", "0", "1", "2", "0"]);
    assert_eq!(ch[5][..6], ["荣隆镇", "新峰村", "1", "3", "3", "1"]);
    assert_eq!(ch[6][..6], ["荣隆镇", "小计", "1", "3", "3", "1"]);
    assert_eq!(ch[7][..6], ["合计", "全区", "1", "4", "5", "1"]);
    let changed = ch.iter().find(|r| r[0] == "类型变化").expect("the changed case is listed");
    assert_eq!(
        (changed[5].as_str(), changed[6].as_str(), changed[7].as_str()),
        ("县外就读待核实", "适龄未入学/疑似失学", m1_ids[&("not_enrolled".to_string(), "蒋子轩".to_string())].as_str())
    );
    // The town's ledger: per village, then 合计 (no 小计 rows).
    let town_ch = sheet_text(&ledger, "变化情况");
    assert_eq!(town_ch[3][..6], ["荣隆镇", "新峰村", "1", "3", "3", "1"]);
    assert_eq!(town_ch[4][..6], ["合计", "", "1", "3", "3", "1"]);

    // `kcbx diff m1 m2` gives the same counts.
    let out = wd.run_ok(&["diff", m1.to_str().unwrap(), m2.to_str().unwrap()]);
    let lines: Vec<Vec<&str>> = out.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(lines[0], ["m1", "→", "m2"]);
    assert!(lines.contains(&vec!["仁义镇", "高峰村", "0", "1", "2", "0", "0"]), "{out}");
    assert!(lines.contains(&vec!["荣隆镇", "新峰村", "1", "3", "3", "1", "0"]), "{out}");
    assert!(lines.contains(&vec!["合计", "(total)", "1", "4", "5", "1", "0"]), "{out}");
    let details = wd.run_ok(&["diff", m1.to_str().unwrap(), m2.to_str().unwrap(), "--details"]);
    let k = get("not_enrolled", "雷浩然");
    assert!(details.contains(&format!("新增\t{}\t荣隆镇\t新峰村", k["case_id"])), "{details}");
}

/// Writes sheets verbatim (every cell as text), as a town's re-saved workbook.
fn copy_sheets(path: &Path, sheets: &[(&str, &[Vec<String>])]) {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        let cells: Vec<Vec<V>> = rows.iter().map(|r| r.iter().map(V::from).collect()).collect();
        write_rows(ws, 0, &cells);
    }
    wb.save(path).unwrap();
}

#[test]
fn last_months_returns_left_in_the_folder_are_not_counted_again() {
    let wd = Workdir::new("roundtrip-month3");
    let Months { m2, set, .. } = two_months(&wd);
    // 荣隆镇 returns m2's whole ledger: 包思雨 now with a school named; 已销号 as it was
    // issued (its 核实结果 filled in by kcbx). m1's returned files stay in the folder.
    let ledger = m2.join("问题台账/荣隆镇问题台账.xlsx");
    let mut all = sheet_text(&ledger, "全部问题");
    let col = |h: &str| all[2].iter().position(|c| c == h).unwrap();
    let (name, outcome, note) = (col("姓名"), col("核实结果"), col("核实说明"));
    let row = all.iter_mut().find(|r| r[name] == "包思雨").unwrap();
    row[outcome] = "已在校就读并注册学籍".into();
    row[note] = "已在荣隆镇中心小学就读".into();
    // The same answer also written on the village sheet: one return, not two.
    let mut village = sheet_text(&ledger, "新峰村");
    let row = village.iter_mut().find(|r| r[name] == "包思雨").unwrap();
    row[outcome] = "已在校就读并注册学籍".into();
    row[note] = "已在荣隆镇中心小学就读".into();
    let closed = sheet_text(&ledger, "已销号");
    copy_sheets(
        &wd.path("returned/荣隆镇问题台账（第二次核实）.xlsx"),
        &[("全部问题", &all), ("新峰村", &village), ("已销号", &closed)],
    );
    let pipeline = set.write(&wd);
    let m3 = run_dir(&wd.run_ok(&["run", pipeline.to_str().unwrap(), "--label", "m3", "-q"]));
    let cases = by_problem_and_name(&read_csv(&m3.join("cases.csv")));
    let get = |problem: &str, name: &str| &cases[&(problem.to_string(), name.to_string())];
    let history = |problem: &str, name: &str| {
        let c = get(problem, name);
        [c["status"].as_str(), c["times_returned"].as_str(), c["last_outcome"].as_str(), c["closed_in"].as_str()]
            .map(str::to_string)
    };
    let h = |a: &str, b: &str, c: &str, d: &str| [a, b, c, d].map(str::to_string);
    // The answer given on m2's ledger applies (once, though written on two sheets), while
    // m1's older answer for the same case is read from a file that sorts first.
    assert_eq!(history("not_enrolled", "包思雨"), h("closed", "2", "已在校就读并注册学籍", "m3"));
    assert_eq!(get("not_enrolled", "包思雨")["outcome_note"], "已在荣隆镇中心小学就读");
    // Cases closed in m2 stay closed in m2, returned once.
    assert_eq!(history("not_enrolled", "安宇航"), h("closed", "1", "已在校就读并注册学籍", "m2"));
    assert_eq!(history("non_completer", "龚文博"), h("closed", "1", "已劝返复学", "m2"));
    // Answers already counted in m2 are not counted again.
    assert_eq!(history("not_enrolled", "曹一凡"), h("open", "1", "省外就读无学籍", ""));
    assert_eq!(history("not_enrolled", "韩梦琪"), h("open", "1", "随父母外出无法联系", ""));
    assert_eq!(history("not_enrolled", "傅子航"), h("open", "1", "身份证号或姓名错误", ""));
    // Corrections keep applying (the census sheet itself was not corrected).
    assert!(get("not_enrolled", "傅子航")["evidence"].contains("清查表姓名已按镇街核实反馈由 付子航 更正为 傅子航"));
    // The id_invalid case resolved in m2 stays in 已销号, its m1 answer not counted again.
    assert_eq!(history("id_invalid", "邓佳琪"), h("closed", "1", "身份证号或姓名错误", "m2"));

    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(m3.join("run.json")).unwrap()).unwrap();
    let v = &run["verification"];
    assert_eq!(v["unmatched"].as_array().unwrap().len(), 2, "the stranger's rows are still reported: {v}");
    assert_eq!((v["applied"].as_u64(), v["closed"].as_u64()), (Some(1), Some(1)), "{v}");
    // m1's rows for 安宇航, 包思雨, 曹一凡, 邓佳琪, 付子航, 龚文博, 韩梦琪, and the 已销号 rows of
    // 安宇航 and 邓佳琪.
    assert_eq!(v["stale"].as_u64(), Some(9), "{v}");
    assert_eq!((v["resolved_since"].as_u64(), v["resolved_rows"].as_array().map(Vec::len)), (Some(0), Some(0)));
    let changes = &run["changes"];
    assert_eq!(
        [&changes["new"], &changes["resolved"], &changes["still_open"], &changes["changed"]]
            .map(|x| x.as_u64().unwrap()),
        [0, 1, 6, 0]
    );
}

/// An ID corrected through the return trip changes the person's key (from name + birth +
/// place to the ID), and so the ids of the child's other cases; those cases must keep
/// their history and count as still open, not as resolved + new.
#[test]
fn a_corrected_id_keeps_the_other_cases_history() {
    let wd = Workdir::new("roundtrip-corrected-id");
    let x = child("吕思远", "2010-03-15", 321);
    let listed = x.clone().with_id("");
    let pupil = child("马小明", "2009-12-12", 315);
    let mut set = Set {
        census: vec![listed, pupil.clone()],
        students: vec![student(&pupil, "荣隆镇中心小学", "五年级")],
        ..Default::default()
    };
    let m1 = set.run(&wd, "m1");
    let cases1 = by_problem_and_name(&read_csv(&m1.join("cases.csv")));
    let ne1 = cases1[&("not_enrolled".to_string(), "吕思远".to_string())]["case_id"].clone();
    assert!(cases1.contains_key(&("id_invalid".to_string(), "吕思远".to_string())));

    let ledger = sheet_text(&m1.join("问题台账/荣隆镇问题台账.xlsx"), "全部问题");
    // Both rows name the same child: fill them by position.
    let header = &ledger[2];
    let col = |h: &str| header.iter().position(|c| c == h).unwrap();
    let mut rows: Vec<Vec<String>> = ledger[3..].to_vec();
    for r in &mut rows {
        if r[col("问题类型")] == "身份证号错误" {
            r[col("核实结果")] = "身份证号或姓名错误".into();
            r[col("核实说明")] = format!("户口簿上的身份证号为 {}", x.id);
        } else {
            r[col("核实结果")] = "省外就读无学籍".into();
            r[col("核实说明")] = "随父母在浙江".into();
        }
    }
    let mut returned_ledger = ledger[..3].to_vec();
    returned_ledger.extend(rows);
    returned(&wd.path("returned/荣隆镇.xlsx"), &returned_ledger, &[], false, &[]);
    set.extra = "\n[[sources]]\nkind = \"verification\"\nfiles = [\"returned/*.xlsx\"]\n".into();
    let pipeline = set.write(&wd);
    let m2 = run_dir(&wd.run_ok(&["run", pipeline.to_str().unwrap(), "--label", "m2", "-q"]));

    let cases2 = read_csv(&m2.join("cases.csv"));
    assert_eq!(flagged(&cases2), pairs(&[("not_enrolled", "吕思远"), ("id_invalid", "吕思远")]));
    let ne2 = case(&cases2, "not_enrolled", "吕思远");
    assert_ne!(ne2["case_id"], ne1, "the key is now the corrected ID");
    assert_eq!(ne2["id_number"], x.id);
    assert_eq!(
        (ne2["status"].as_str(), ne2["first_seen"].as_str(), ne2["times_returned"].as_str()),
        ("open", "m1", "1")
    );
    assert_eq!(ne2["last_outcome"], "省外就读无学籍");
    let note = format!("（清查表身份证号已按镇街核实反馈由 （空） 更正为 {}）", x.id);
    assert!(ne2["evidence"].ends_with(&note), "{}", ne2["evidence"]);
    // The ledger shows the same evidence in 匹配依据.
    let ledger = sheet_text(&m2.join("问题台账/荣隆镇问题台账.xlsx"), "全部问题");
    let col = ledger[2].iter().position(|c| c == "匹配依据").unwrap();
    assert!(ledger[3][col].ends_with(&note), "{}", ledger[3][col]);
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(m2.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["changes"]["still_open"], 1);
    assert_eq!(run["changes"]["resolved"], 1, "the id_invalid case");
    assert_eq!(run["changes"]["new"], 0);
    assert_eq!(run["verification"]["unmatched"].as_array().unwrap().len(), 0);
    // The id_invalid case the correction resolved is carried into 已销号 with the town's answer.
    let ii = case(&cases2, "id_invalid", "吕思远");
    assert_eq!(
        [&ii["status"], &ii["closed_in"], &ii["first_seen"], &ii["times_returned"], &ii["last_outcome"]],
        ["closed", "m2", "m1", "1", "身份证号或姓名错误"]
    );
    assert_eq!(ii["case_id"], cases1[&("id_invalid".to_string(), "吕思远".to_string())]["case_id"]);
    let resolved = run["verification"]["resolved_rows"].as_array().unwrap();
    assert_eq!(resolved.len(), 1, "{resolved:?}");
    assert_eq!(resolved[0]["case_id"], ii["case_id"].as_str());
}
