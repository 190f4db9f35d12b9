//! The weekly pipeline on the shipped sample (`sample_data/周报/`, `pipelines/weekly.toml`):
//! the known changes land in their columns, the two faults are caught, the identity
//! last week + increases − decreases = this week holds wherever nothing is unexplained, and
//! the same inputs give the same workbook bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::Data;

use crate::util::{repo, sheet_cells, sheet_text, Workdir};

fn run_weekly(w: &Workdir, pipeline: &Path, label: &str) -> PathBuf {
    let out = w.path("out");
    let o = w.run(&["run", pipeline.to_str().unwrap(), "--out", out.to_str().unwrap(), "--label", label, "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out.join(label)
}

/// School → columns 4..=15 of its row.
fn school_rows(t: &[Vec<String>]) -> BTreeMap<String, Vec<i64>> {
    t.iter()
        .skip(5)
        .filter(|r| !r[1].is_empty() && r[1] != "小计")
        .map(|r| (r[1].clone(), r[3..15].iter().map(|s| s.parse().unwrap()).collect()))
        .collect()
}

#[test]
fn weekly_sample_report_counts_the_known_week() {
    let w = Workdir::new("weekly-sample");
    let dir = run_weekly(&w, &repo().join("pipelines/weekly.toml"), "s");
    let path = dir.join("周报表.xlsx");
    let t = sheet_text(&path, "周报表");
    let total = t.iter().find(|r| r[0] == "合计").expect("total row");
    let cols: Vec<i64> = total[5..15].iter().map(|s| s.parse().unwrap()).collect();
    //               6  7  8  9 10 11 12 13 14 15
    assert_eq!(cols, [7, 2, 2, 1, 1, 1, 4, 2, 1, 1], "辍学 2, 转出 2 (one within the district), 休学, 借读, 死亡…");
    // 学区 in the roster's order.
    let units: Vec<&str> = t.iter().skip(5).map(|r| r[0].as_str()).filter(|u| !u.is_empty() && *u != "合计").collect();
    assert_eq!(units[..5], ["直属学校", "昌元学区", "仁义学区", "盘龙学区", "荣隆学区"]);

    // The two faults: one student gone, one arrived, with no record either way.
    let u = sheet_text(&path, "未说明变动");
    assert_eq!(u.len(), 4);
    let kinds: Vec<&str> = u[2..].iter().map(|r| r[12].as_str()).collect();
    assert!(kinds.contains(&"减少，无异动记录") && kinds.contains(&"增加，无异动记录"), "{kinds:?}");
    // …which the 核对 sheet names, and nothing else.
    let c = sheet_text(&path, "核对");
    let failed: Vec<&str> = c
        .iter()
        .filter(|r| r.len() > 8 && r[4] == "第4栏" && r[1].starts_with("上周第4栏"))
        .map(|r| r[3].as_str())
        .collect();
    let mut unexplained: Vec<&str> = u[2..].iter().map(|r| r[2].as_str()).collect();
    unexplained.sort();
    let mut failed_sorted = failed.clone();
    failed_sorted.sort();
    assert_eq!(failed_sorted, unexplained);

    // Two children with three failed attempts: the old dropout across two weeks, and this
    // week's first dropout.
    let due = sheet_text(&path, "限期复学通知");
    assert_eq!(due.len(), 4, "{due:?}");
    let dates: Vec<&[String]> = due[2..].iter().map(|r| &r[8..11]).collect();
    assert!(dates.contains(&&["2020-05-13".to_string(), "2020-05-15".into(), "2020-05-19".into()][..]));
    assert!(dates.contains(&&["2020-05-19".to_string(), "2020-05-20".into(), "2020-05-21".into()][..]));

    // The 日报表: the week's working days 5.18–5.22, IDs as text, 是否建卡 from the register.
    let daily = dir.join("辍学学生花名册日报表.xlsx");
    let d = sheet_text(&daily, "日报表");
    assert_eq!(d[2][12..], ["5.18劝返情况", "5.19劝返情况", "5.20劝返情况", "5.21劝返情况", "5.22劝返情况"]);
    assert_eq!(d.len(), 3 + 4, "two dropouts, the returnee, the old dropout being persuaded");
    let cells = sheet_cells(&daily, "日报表");
    for row in &cells[3..] {
        assert!(matches!(&row[4], Data::String(s) if s.len() == 18), "{:?}", row[4]);
        assert!(matches!(&row[9], Data::String(s) if s == "是" || s == "否"), "{:?}", row[9]);
    }
}

#[test]
fn weekly_sample_last_week_plus_changes_is_this_week() {
    let w = Workdir::new("weekly-identity");
    let shipped = repo().join("pipelines/weekly.toml");
    let this_week = run_weekly(&w, &shipped, "this");
    // Last week's column 4, from a run that compares last week's export with itself.
    let sample = repo().join("sample_data");
    let text = std::fs::read_to_string(&shipped)
        .unwrap()
        .replace("学籍_本周*.xlsx", "学籍_上周*.xlsx")
        .replace("\"../sample_data/", &format!("\"{}/", sample.display()));
    let copy = w.path("last-week.toml");
    std::fs::write(&copy, text).unwrap();
    let last_week = run_weekly(&w, &copy, "last");

    let now = school_rows(&sheet_text(&this_week.join("周报表.xlsx"), "周报表"));
    let before = school_rows(&sheet_text(&last_week.join("周报表.xlsx"), "周报表"));
    assert_eq!(now.len(), 13);
    let unexplained = sheet_text(&this_week.join("周报表.xlsx"), "未说明变动");
    let mut off: BTreeMap<&str, i64> = BTreeMap::new();
    for r in &unexplained[2..] {
        *off.entry(r[2].as_str()).or_default() += if r[12].starts_with("减少") { -1 } else { 1 };
    }
    for (school, cols) in &now {
        let (roll, dec, inc) = (cols[0], cols[2], cols[8]);
        let last = before[school][0];
        assert_eq!(before[school][2] + before[school][8], 0, "no change between an export and itself");
        assert_eq!(
            last + inc - dec + off.get(school.as_str()).copied().unwrap_or(0),
            roll,
            "{school}: last week {last} + {inc} − {dec} (+ unexplained) = {roll}"
        );
        assert_eq!(cols[2], cols[3..8].iter().sum::<i64>(), "{school}: 第6栏 = 第7至11栏之和");
        assert_eq!(cols[8], cols[9..12].iter().sum::<i64>(), "{school}: 第12栏 = 第13至15栏之和");
    }
    assert_eq!(off.len(), 2, "the two faults are at two schools");
}

#[test]
fn weekly_sample_same_inputs_same_workbooks() {
    let w = Workdir::new("weekly-repro");
    let shipped = repo().join("pipelines/weekly.toml");
    let a = run_weekly(&w, &shipped, "a");
    let b = run_weekly(&w, &shipped, "b");
    for f in ["周报表.xlsx", "辍学学生花名册日报表.xlsx", "rejects.csv"] {
        assert!(std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(), "{f} differs between runs");
    }
}

#[test]
fn weekly_shipped_pipeline_points_at_the_sample() {
    let load = |p: &Path| kcbx::plan::load(p, &kcbx::plan::Overrides::default()).expect("valid pipeline");
    let shipped = load(&repo().join("pipelines/weekly.toml"));
    let matched = |plan: &kcbx::plan::Plan| -> Vec<Vec<PathBuf>> {
        plan.sources
            .iter()
            .map(|s| {
                let mut v: Vec<PathBuf> = s
                    .patterns
                    .iter()
                    .flat_map(|p| glob::glob(p).unwrap().map(|f| std::fs::canonicalize(f.unwrap()).unwrap()))
                    .collect();
                v.sort();
                v
            })
            .collect()
    };
    let a = matched(&shipped);
    assert_eq!(a.len(), 6, "every weekly source");
    assert!(a.iter().all(|files| files.len() == 1), "every glob matches one file: {a:?}");
    // Every weekly data file is read by one source (the pipeline beside the data is gone:
    // pipelines/weekly.toml is the only one, tests/sample_data.rs regenerates it).
    let weekly_files = std::fs::read_dir(repo().join("sample_data/周报")).unwrap().count();
    assert_eq!(weekly_files, 4, "four weekly workbooks and nothing else");
}

/// A weekly run logs through the same sink as a clearance run (issue 17): with
/// `--log-format json` every stderr line is a JSON object, its stages report, and the
/// summary lines come as `note` events.
#[test]
fn weekly_json_log_is_only_json_lines() {
    let w = Workdir::new("weekly-json-log");
    let out = w.path("out");
    let pipeline = repo().join("pipelines/weekly.toml");
    let o = w.run(&[
        "run",
        pipeline.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--label",
        "j",
        "--log-format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("j/周报表.xlsx").is_file());
    let stderr = String::from_utf8(o.stderr).expect("stderr is UTF-8");
    let events: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .collect();
    assert!(events.iter().all(|e| e.is_object() && e.get("event").is_some()), "{stderr}");
    for stage in ["read", "report"] {
        assert!(events.iter().any(|e| e["event"] == "done" && e["stage"] == stage), "no done event for {stage}");
    }
    let notes: Vec<&str> =
        events.iter().filter(|e| e["event"] == "note").filter_map(|e| e["message"].as_str()).collect();
    assert!(notes.iter().any(|n| n.starts_with("周报表：统计时段")), "{notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("完成，输出目录")), "{notes:?}");
}

/// `--previous` and `--per-village` mean nothing to a weekly run: refused with a usage
/// error (exit code 2) that says why, before anything is read or written.
#[test]
fn weekly_run_refuses_previous_and_per_village() {
    let w = Workdir::new("weekly-refuses");
    let out = w.path("out");
    let pipeline = repo().join("pipelines/weekly.toml");
    let base = ["run", pipeline.to_str().unwrap(), "--out", out.to_str().unwrap(), "--label", "r"];
    let earlier = w.path("earlier");
    for extra in [vec!["--previous", earlier.to_str().unwrap()], vec!["--per-village"]] {
        let args: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
        let o = w.run(&args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", String::from_utf8_lossy(&o.stderr));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains("周报表管线（kind = weekly）"), "{stderr}");
        assert!(stderr.contains(extra[0]), "the message names {}: {stderr}", extra[0]);
        assert!(!out.join("r").exists(), "nothing written");
    }
}
