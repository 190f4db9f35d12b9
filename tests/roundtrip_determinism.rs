//! Determinism (issue 6): the shipped sample run twice, into two different output folders,
//! with the same `--label` and the same previous run (none, then the same `--previous`),
//! gives a byte-identical cases.csv, rejects.csv, linkage_model.json and byte-identical
//! workbooks; run.json differs only in times and paths.

use std::path::{Path, PathBuf};

use crate::util::{read_csv, repo, run_dir, Workdir};

/// Every file under `root`, relative, sorted.
fn files(root: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("read folder") {
            let path = e.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.push(path.strip_prefix(root).expect("inside").to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

#[test]
fn the_sample_twice_gives_the_same_outputs() {
    let wd = Workdir::new("determinism");
    let pipeline = repo().join("pipelines/clearance.toml");
    let run = |out: &str, label: &str, previous: Option<&Path>| {
        let out = wd.path(out);
        let mut args = vec!["run", pipeline.to_str().unwrap(), "--out", out.to_str().unwrap(), "--label", label, "-q"];
        match previous {
            Some(p) => args.extend(["--previous", p.to_str().unwrap()]),
            None => args.push("--no-previous"),
        }
        run_dir(&wd.run_ok(&args))
    };
    let (a, b) = (run("first", "x", None), run("second", "x", None));
    same_outputs(&a, &b);
    let listed = files(&a);
    let count = |dir: &str| listed.iter().filter(|p| p.parent() == Some(Path::new(dir))).count();
    // A ledger for each of the sample's 5 census towns, 5 children's ledgers, 汇总, 花名册.
    assert_eq!((count("问题台账"), count("适龄儿童台账")), (5, 5), "{listed:?}");
    assert!(read_csv(&a.join("cases.csv")).len() > 300, "the sample raises its cases");

    // The same again, both compared with the same earlier run (history and 变化情况 from it).
    let (c, d) = (run("first", "y", Some(&a)), run("second", "y", Some(&a)));
    same_outputs(&c, &d);
    let x = json(&c);
    assert!(x["previous_run"].as_str().unwrap().ends_with("x"), "{}", x["previous_run"]);
    assert_eq!(x["changes"]["still_open"], x["cases"]["total"], "nothing changed since x");
}

fn json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap()
}

/// Two run folders hold the same files, byte for byte (run.json aside: its counts agree).
fn same_outputs(a: &Path, b: &Path) {
    assert_ne!(a, b);
    let listed = files(a);
    assert_eq!(listed, files(b));
    let workbooks = listed.iter().filter(|p| p.extension().is_some_and(|e| e == "xlsx")).count();
    // 5 town ledgers, 5 children's ledgers, 汇总, 花名册, cases.xlsx; a 学校问题清单 for each of the 13
    // schools with cases, a 学区汇总 and a 督查要点 for each of the sample's 5 学区.
    assert_eq!(workbooks, 13 + 13 + 5 + 5, "{listed:?}");
    for rel in &listed {
        if rel == Path::new("run.json") {
            continue;
        }
        let (x, y) = (std::fs::read(a.join(rel)).unwrap(), std::fs::read(b.join(rel)).unwrap());
        assert!(x == y, "{} differs between the two runs", rel.display());
    }
    // run.json differs only in times and paths: the counts are the same.
    let (x, y) = (json(a), json(b));
    for key in ["params", "inputs", "cases", "changes", "verification", "roster", "outputs"] {
        assert_eq!(x[key], y[key], "run.json {key}");
    }
}

/// The same children in the opposite order (rows, sheets' contents, 学籍 rows, visits).
#[test]
fn case_ids_and_case_content_do_not_depend_on_input_order() {
    use crate::builder::*;
    let ne = child("安子豪", "2011-01-01", 401);
    let nc = child("白晓峰", "2003-02-02", 403).poor();
    let oa = child("程雨菲", "2010-03-03", 404).at("荣隆镇", "大南社区").status("省外就读", "");
    let typo = child("丁思远", "2012-04-04", 405);
    let twice = child("贺梓轩", "2010-09-23", 407);
    let missed = child("武嘉豪", "2009-12-25", 409).hukou("重庆市荣昌区荣隆镇大南社区5社");
    let taught = child("万嘉怡", "2009-02-12", 410).disabled("肢体");
    let forward = Set {
        census: vec![
            ne.clone(),
            nc.clone(),
            oa,
            typo.clone().with_id(&bad_check(&typo.id)),
            twice.clone().at("荣隆镇", "大南社区").hukou(&twice.hukou),
            twice.clone(),
            taught.clone(),
        ],
        students: vec![
            change(&nc, "荣隆中学", "七年级", "辍学", "2018-03-01"),
            student(&typo, "荣隆镇中心小学", "二年级"),
            student(&twice, "荣隆镇中心小学", "三年级"),
            student(&missed, "荣隆镇中心小学", "四年级"),
            student(&taught, "荣昌区特殊教育学校", "四年级"),
        ],
        visits: weekly(&taught, "荣昌区特殊教育学校", "2019-09-04", "2020-05-14", 2.0)
            .into_iter()
            .filter(|v| v.date != d("2019-11-06"))
            .collect(),
        ..Default::default()
    };
    let mut backward = forward.clone();
    backward.census.reverse();
    backward.students.reverse();
    backward.visits.reverse();
    let (w1, w2) = (Workdir::new("order-forward"), Workdir::new("order-backward"));
    // Row numbers (the source column, 第N行 in a description) move with the rows.
    let strip = |mut cases: Vec<std::collections::BTreeMap<String, String>>| {
        for c in &mut cases {
            c.remove("source");
            let d = c.get_mut("description").unwrap();
            *d = without_row_numbers(d);
        }
        cases
    };
    let (x, y) = (strip(forward.cases(&w1)), strip(backward.cases(&w2)));
    assert_eq!(
        flagged(&x),
        pairs(&[
            ("not_enrolled", "安子豪"),
            ("non_completer", "白晓峰"),
            ("out_of_area_unverified", "程雨菲"),
            ("id_invalid", "丁思远"),
            ("duplicate_registration", "贺梓轩"),
            ("enrolled_not_in_census", "武嘉豪"),
            ("home_teaching_short", "万嘉怡"),
        ])
    );
    assert_eq!(x, y, "same cases, same order, same content (the source rows aside)");
}

/// `…［新峰村］第5行）` → `…［新峰村］第行）`.
fn without_row_numbers(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '第' {
            let mut digits = String::new();
            while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                digits.push(d);
                chars.next();
            }
            if chars.peek() != Some(&'行') {
                out.push_str(&digits);
            }
        }
    }
    out
}
