//! The verification round trip over several runs, beyond the month of `roundtrip_month`:
//! which 核实说明 / 整改情况 name a school, what a corrected census record shows, returned
//! rows that cannot be matched or whose case is gone, and closed cases that persist when
//! the rules no longer raise them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;

use crate::builder::*;
use crate::util::{read_csv, run_dir, sheet_text, Workdir};

type Row = BTreeMap<String, String>;

/// The verification source every later run reads.
const RETURNED: &str = "\n[[sources]]\nkind = \"verification\"\nfiles = [\"returned/*.xlsx\"]\n";

/// A returned ledger sheet: a sheet of a town's ledger with the town's answers written in.
pub(crate) struct Returned {
    sheet: String,
    rows: Vec<Vec<String>>,
}

impl Returned {
    /// The 全部问题 sheet of a town's ledger in a run folder.
    pub(crate) fn of(run: &Path, town: &str) -> Returned {
        Returned::sheet(run, town, "全部问题")
    }

    /// Any sheet of a town's ledger (title in row 1, header in row 3).
    fn sheet(run: &Path, town: &str, sheet: &str) -> Returned {
        let rows = sheet_text(&run.join(format!("问题台账/{town}问题台账.xlsx")), sheet);
        Returned { sheet: sheet.to_string(), rows }
    }

    fn col(&self, header: &str) -> usize {
        self.rows[2].iter().position(|c| c == header).unwrap_or_else(|| panic!("column {header}"))
    }

    /// Writes `cells` (header → value) into the row of `name` with problem type `label`.
    pub(crate) fn fill(&mut self, name: &str, label: &str, cells: &[(&str, &str)]) -> &mut Self {
        let (n, p) = (self.col("姓名"), self.col("问题类型"));
        let cols: Vec<(usize, String)> = cells.iter().map(|(h, v)| (self.col(h), v.to_string())).collect();
        let row = self.rows[3..]
            .iter_mut()
            .find(|r| r[n] == name && r[p] == label)
            .unwrap_or_else(|| panic!("{name} {label} in the ledger"));
        for (c, v) in cols {
            row[c] = v;
        }
        self
    }

    /// Saves the sheet (title and subtitle rows as issued) under `<wd>/returned/`.
    pub(crate) fn save(&self, wd: &Workdir, file: &str) {
        let header: Vec<&str> = self.rows[2].iter().map(String::as_str).collect();
        let cells: Vec<Vec<V>> = self.rows[3..].iter().map(|r| r.iter().map(V::from).collect()).collect();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(&self.sheet).unwrap();
        titled_sheet(ws, &self.rows[0][0], &[self.rows[1][0].clone()], &header, &cells);
        let path = wd.path(&format!("returned/{file}"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        wb.save(path).unwrap();
    }
}

/// Runs the set with the returned folder read, compared with the latest earlier run.
pub(crate) fn rerun(wd: &Workdir, set: &Set, label: &str) -> PathBuf {
    let mut set = set.clone();
    set.extra = RETURNED.into();
    let pipeline = set.write(wd);
    run_dir(&wd.run_ok(&["run", pipeline.to_str().unwrap(), "--label", label, "-q"]))
}

pub(crate) fn cases(run: &Path) -> BTreeMap<(String, String), Row> {
    read_csv(&run.join("cases.csv")).into_iter().map(|c| ((c["problem"].clone(), c["name"].clone()), c)).collect()
}

pub(crate) fn run_json(run: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap()
}

/// The children, with a pupil whose 学籍 makes the 学籍 source non-empty.
pub(crate) fn set_of(kids: &[Child]) -> Set {
    let pupil = child("马小明", "2009-12-12", 315);
    let mut census = kids.to_vec();
    census.push(pupil.clone());
    Set { census, students: vec![student(&pupil, "荣隆镇中心小学", "五年级")], ..Default::default() }
}

const NE: &str = "适龄未入学/疑似失学";
const IN_SCHOOL: &str = "已在校就读并注册学籍";

#[test]
fn in_school_closes_only_when_a_school_is_named() {
    let wd = Workdir::new("history-school");
    let kids = [
        child("安中心", "2010-01-01", 331),
        child("包完小", "2010-01-02", 333),
        child("曹未在", "2010-01-03", 335),
        child("邓没有", "2010-01-04", 337),
        child("范职校", "2010-01-05", 339),
        child("高入学", "2010-01-06", 341),
        child("何整改", "2010-01-07", 343),
    ];
    let set = set_of(&kids);
    let m1 = set.run(&wd, "m1");
    let mut back = Returned::of(&m1, "荣隆镇");
    fn answer(note: &str) -> [(&str, &str); 2] {
        [("核实结果", IN_SCHOOL), ("核实说明", note)]
    }
    back.fill("安中心", NE, &answer("已在荣隆镇中心校就读"))
        .fill("包完小", NE, &answer("在双河完小读三年级"))
        .fill("曹未在", NE, &answer("未在学校就读"))
        .fill("邓没有", NE, &answer("没有学校接收"))
        .fill("范职校", NE, &answer("已到荣昌区职校就读"))
        .fill("高入学", NE, &answer("已入学"))
        // The school named in 整改情况 only.
        .fill(
            "何整改",
            NE,
            &[("核实结果", IN_SCHOOL), ("核实说明", "已入学"), ("整改情况", "已在荣隆镇中心小学注册学籍")],
        );
    back.save(&wd, "荣隆镇.xlsx");
    let m2 = rerun(&wd, &set, "m2");
    let status: Vec<(String, String)> =
        cases(&m2).into_iter().map(|((_, name), c)| (name, c["status"].clone())).collect();
    let want = [
        ("何整改", "closed"),
        ("包完小", "closed"),
        ("安中心", "closed"),
        ("曹未在", "open"),
        ("范职校", "closed"),
        ("邓没有", "open"),
        ("高入学", "open"),
    ];
    let mut want: Vec<(String, String)> = want.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect();
    want.sort();
    assert_eq!(status, want);
    let c = &cases(&m2)[&("not_enrolled".to_string(), "何整改".to_string())];
    assert_eq!(c["outcome_note"], "已入学；已在荣隆镇中心小学注册学籍");
}

/// The history columns of a case in cases.csv.
fn history(c: &Row) -> [&str; 6] {
    [
        c["status"].as_str(),
        c["first_seen"].as_str(),
        c["times_returned"].as_str(),
        c["last_outcome"].as_str(),
        c["closed_in"].as_str(),
        c["case_id"].as_str(),
    ]
}

#[test]
fn closed_cases_persist_when_the_rules_no_longer_raise_them() {
    let wd = Workdir::new("history-persist");
    let a = child("安复学", "2010-02-01", 351);
    let b = child("包死亡", "2010-02-02", 353);
    let c = child("曹外出", "2010-02-03", 355);
    let d = child("邓未答", "2010-02-04", 357).at("荣隆镇", "大南社区");
    let e = child("范仁义", "2010-02-05", 359).at("仁义镇", "高峰村");
    let f = child("冯重开", "2010-02-06", 361);
    let mut set = set_of(&[a.clone(), b.clone(), c.clone(), d.clone(), e.clone(), f.clone()]);
    let m1 = set.run(&wd, "m1");
    let ids: BTreeMap<String, String> =
        cases(&m1).into_values().map(|c| (c["name"].clone(), c["case_id"].clone())).collect();
    let mut back = Returned::of(&m1, "荣隆镇");
    back.fill(&a.name, NE, &[("核实结果", "已劝返复学"), ("核实说明", "已返回荣隆镇中心小学")])
        .fill(&b.name, NE, &[("核实结果", "死亡")])
        .fill(&c.name, NE, &[("核实结果", "省外就读无学籍"), ("核实说明", "在广东")])
        .fill(&f.name, NE, &[("核实结果", "已劝返复学"), ("核实说明", "已返校")]);
    back.save(&wd, "荣隆镇m1.xlsx");
    let mut back = Returned::of(&m1, "仁义镇");
    back.fill(&e.name, NE, &[("核实结果", "已劝返复学")]);
    back.save(&wd, "仁义镇m1.xlsx");

    // m2, the same data: the closed cases are raised again and stay closed.
    let m2 = rerun(&wd, &set, "m2");
    let now = cases(&m2);
    let get = |name: &str| &now[&("not_enrolled".to_string(), name.to_string())];
    assert_eq!(history(get(&a.name)), ["closed", "m1", "1", "已劝返复学", "m2", &ids[&a.name]]);
    assert_eq!(history(get(&c.name)), ["open", "m1", "1", "省外就读无学籍", "", &ids[&c.name]]);
    assert_eq!(history(get(&d.name)), ["open", "m1", "0", "", "", &ids[&d.name]]);

    // Before m3: 安复学 and 范仁义 got a 学籍, 包死亡 and 曹外出 left the census; the town
    // answers 曹外出 again on m2's ledger, and reopens 冯重开 on m2's 已销号 sheet.
    set.students.push(student(&a, "荣隆镇中心小学", "四年级"));
    set.students.push(student(&e, "仁义镇中心小学", "四年级"));
    set.census.retain(|k| k.name != b.name && k.name != c.name);
    let mut back = Returned::of(&m2, "荣隆镇");
    back.fill(&c.name, NE, &[("核实结果", "随父母外出无法联系"), ("核实说明", "")]);
    back.save(&wd, "荣隆镇m2.xlsx");
    let mut back = Returned::sheet(&m2, "荣隆镇", "已销号");
    back.fill(&f.name, NE, &[("核实结果", "其他"), ("核实说明", "未返校，仍在外地")]);
    back.save(&wd, "荣隆镇m2已销号.xlsx");
    let m3 = rerun(&wd, &set, "m3");
    let now = cases(&m3);
    let get = |name: &str| &now[&("not_enrolled".to_string(), name.to_string())];
    // Closed in m2 and no longer raised: carried as they were (same id, outcome, closure).
    assert_eq!(history(get(&a.name)), ["closed", "m1", "1", "已劝返复学", "m2", &ids[&a.name]]);
    assert_eq!(history(get(&b.name)), ["closed", "m1", "1", "死亡", "m2", &ids[&b.name]]);
    assert_eq!(history(get(&e.name)), ["closed", "m1", "1", "已劝返复学", "m2", &ids[&e.name]]);
    // Open in m2, answered, and gone: closed now with the town's answer.
    assert_eq!(history(get(&c.name)), ["closed", "m1", "2", "随父母外出无法联系", "m3", &ids[&c.name]]);
    // Closed in m2, raised again, and answered with an outcome that does not settle: open.
    assert_eq!(history(get(&f.name)), ["open", "m1", "2", "其他", "", &ids[&f.name]]);
    assert_eq!(history(get(&d.name)), ["open", "m1", "0", "", "", &ids[&d.name]]);
    assert_eq!(now.len(), 6, "{:?}", now.keys());
    // A carried case keeps what m1 wrote about it.
    let m1_cases = cases(&m1);
    let was = &m1_cases[&("not_enrolled".to_string(), b.name.clone())];
    for k in ["id_number", "birth_date", "village", "description", "evidence", "source", "person_ref", "deadline"] {
        assert_eq!(get(&b.name)[k], was[k], "{k}");
    }

    // The ledgers list them in 已销号, with how each was closed.
    let closed = sheet_text(&m3.join("问题台账/荣隆镇问题台账.xlsx"), "已销号");
    let listed: Vec<[&str; 4]> =
        closed[3..].iter().map(|r| [r[4].as_str(), r[7].as_str(), r[10].as_str(), r[11].as_str()]).collect();
    assert_eq!(
        listed,
        // Ledger order: by name (code point) within the village.
        [
            [b.name.as_str(), "死亡", "m2", "按核实结果销号"],
            [a.name.as_str(), "已劝返复学", "m2", "按核实结果销号"],
            [c.name.as_str(), "随父母外出无法联系", "m3", "问题已不再出现，按已解决处理"],
        ]
    );
    let closed = sheet_text(&m3.join("问题台账/仁义镇问题台账.xlsx"), "已销号");
    assert_eq!((closed.len(), closed[3][4].as_str(), closed[3][10].as_str()), (4, e.name.as_str(), "m2"));
    let all = sheet_text(&m3.join("问题台账/荣隆镇问题台账.xlsx"), "全部问题");
    let name = all[2].iter().position(|h| h == "姓名").unwrap();
    let names: Vec<&str> = all[3..].iter().map(|r| r[name].as_str()).collect();
    assert_eq!(names, [d.name.as_str(), f.name.as_str()], "only open cases on the working sheets");

    // 变化情况 (m2 → m3) in 汇总.xlsx: 荣隆镇's two villages and its 小计; 仁义镇 has no change
    // (a closed case carried as closed is no change). Then the district's 合计.
    let ch = sheet_text(&m3.join("汇总.xlsx"), "变化情况");
    // The case closed in m2 and opened again by the town's answer counts as 重新打开.
    let counts: Vec<&[String]> = ch[3..7].iter().map(|r| &r[..7]).collect();
    assert_eq!(
        counts,
        [
            ["荣隆镇", "大南社区", "0", "0", "1", "0", "0"],
            ["荣隆镇", "新峰村", "0", "1", "0", "0", "1"],
            ["荣隆镇", "小计", "0", "1", "1", "0", "1"],
            ["合计", "全区", "0", "1", "1", "0", "1"],
        ]
    );

    // run.json and 核实反馈: the row whose case is gone, and what was done with it.
    let run = run_json(&m3);
    let v = &run["verification"];
    let resolved = v["resolved_rows"].as_array().unwrap();
    assert_eq!(resolved.len(), 1, "{v}");
    let r = &resolved[0];
    assert!(r["file"].as_str().unwrap().ends_with("returned/荣隆镇m2.xlsx"), "{r}");
    assert_eq!((r["sheet"].as_str(), r["case_id"].as_str()), (Some("全部问题"), Some(ids[&c.name].as_str())));
    assert_eq!(r["reason"], "该问题本次已不再出现，按已解决处理：核实结果记入已销号");
    assert_eq!(
        (v["resolved_since"].as_u64(), v["applied"].as_u64(), v["kept_open"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!((run["cases"]["total"].as_u64(), run["cases"]["closed"].as_u64()), (Some(2), Some(4)));
    let fb = sheet_text(&m3.join("汇总.xlsx"), "核实反馈");
    let line = fb.iter().find(|row| row[0].ends_with("荣隆镇m2.xlsx")).expect("listed in 核实反馈");
    assert_eq!(
        (line[1].as_str(), line[2].as_str(), line[3].as_str(), line[4].as_str()),
        (
            "全部问题",
            r["row"].to_string().as_str(),
            ids[&c.name].as_str(),
            "该问题本次已不再出现，按已解决处理：核实结果记入已销号"
        )
    );

    // m4, nothing new: the closed cases are still there, as they were.
    let m4 = rerun(&wd, &set, "m4");
    let later = cases(&m4);
    for name in [&a.name, &b.name, &c.name, &e.name] {
        let key = ("not_enrolled".to_string(), name.clone());
        assert_eq!(history(&later[&key]), history(&now[&key]), "{name}");
    }
    assert_eq!(run_json(&m4)["verification"]["resolved_rows"].as_array().map(Vec::len), Some(0));
}
