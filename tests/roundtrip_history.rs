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

/// A returned 全部问题 sheet: a town's ledger sheet with the town's answers written in.
struct Returned {
    rows: Vec<Vec<String>>,
}

impl Returned {
    /// The 全部问题 sheet of a town's ledger in a run folder.
    fn of(run: &Path, town: &str) -> Returned {
        Returned { rows: sheet_text(&run.join(format!("问题台账/{town}问题台账.xlsx")), "全部问题") }
    }

    fn col(&self, header: &str) -> usize {
        self.rows[2].iter().position(|c| c == header).unwrap_or_else(|| panic!("column {header}"))
    }

    /// Writes `cells` (header → value) into the row of `name` with problem type `label`.
    fn fill(&mut self, name: &str, label: &str, cells: &[(&str, &str)]) -> &mut Self {
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
    fn save(&self, wd: &Workdir, file: &str) {
        let header: Vec<&str> = self.rows[2].iter().map(String::as_str).collect();
        let cells: Vec<Vec<V>> = self.rows[3..].iter().map(|r| r.iter().map(V::from).collect()).collect();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("全部问题").unwrap();
        titled_sheet(ws, &self.rows[0][0], &[self.rows[1][0].clone()], &header, &cells);
        let path = wd.path(&format!("returned/{file}"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        wb.save(path).unwrap();
    }
}

/// Runs the set with the returned folder read, compared with the latest earlier run.
fn rerun(wd: &Workdir, set: &Set, label: &str) -> PathBuf {
    let mut set = set.clone();
    set.extra = RETURNED.into();
    let pipeline = set.write(wd);
    run_dir(&wd.run_ok(&["run", pipeline.to_str().unwrap(), "--label", label, "-q"]))
}

fn cases(run: &Path) -> BTreeMap<(String, String), Row> {
    read_csv(&run.join("cases.csv")).into_iter().map(|c| ((c["problem"].clone(), c["name"].clone()), c)).collect()
}

/// The children, with a pupil whose 学籍 makes the 学籍 source non-empty.
fn set_of(kids: &[Child]) -> Set {
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
