//! End to end on the shipped sample (issues 2, 3, 4 and 5): `kcbx run` over sample_data, scored
//! against its ground truth — for every problem code, the flagged set equals the truth
//! (precision and recall 1.0) and no match needs review — and run.json's row accounting adds
//! up, sheet by sheet and in total; rejects.csv lists exactly the rows and sheets the sample
//! planted to be rejected or skipped (injections.csv), and `kcbx check` counts every sheet
//! as run.json does.

use std::collections::BTreeMap;

use kcbx::sample::score::score_files;

use crate::util::{read_csv, repo, run_dir, sheet_names, Workdir};

/// (file, sheet, row) of a rejects.csv or injections.csv line, the file relative to sample_data.
type At = (String, String, String);

#[test]
fn the_sample_run_matches_its_ground_truth_and_accounts_for_every_row() {
    let wd = Workdir::new("sample-e2e");
    let out = wd.path("out");
    let pipeline = repo().join("pipelines/clearance.toml");
    let run = run_dir(&wd.run_ok(&[
        "run",
        pipeline.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-previous",
        "-q",
    ]));

    let score = score_files(&repo().join("sample_data/truth.csv"), &run.join("cases.csv")).expect("score");
    let with_truth: Vec<&str> = score.problems.iter().filter(|p| p.truth > 0).map(|p| p.problem.as_str()).collect();
    assert_eq!(
        with_truth.len(),
        kcbx::sample::truth::PROBLEMS.len(),
        "every problem code but match_review has truth: {with_truth:?}"
    );
    for p in &score.problems {
        assert_eq!((p.fp, p.fn_), (0, 0), "{}: extra {:?}, missed truth rows {:?}", p.problem, p.extra, p.missed);
        if p.truth > 0 {
            assert_eq!((p.precision, p.recall), (Some(1.0), Some(1.0)), "{}", p.problem);
        }
    }
    assert_eq!(score.match_review, 0);

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
    let n = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"));
    let (mut read, mut used, mut skipped, mut rejected) = (0, 0, 0, 0);
    let mut sheets = 0;
    for file in json["inputs"]["files"].as_array().unwrap() {
        for s in file["sheets"].as_array().unwrap() {
            let skip = n(s, "skipped_blank") + n(s, "skipped_total") + n(s, "skipped_note");
            assert_eq!(n(s, "read"), n(s, "used") + skip + n(s, "rejected"), "{} [{}]", file["path"], s["name"]);
            assert_eq!(s["balanced"], true);
            (read, used, skipped, rejected) =
                (read + n(s, "read"), used + n(s, "used"), skipped + skip, rejected + n(s, "rejected"));
            sheets += 1;
        }
    }
    assert!(sheets > 20, "{sheets} sheets");
    let total = &json["inputs"]["accounting"];
    assert_eq!(
        [n(total, "read"), n(total, "used"), n(total, "skipped"), n(total, "rejected")],
        [read, used, skipped, rejected]
    );
    assert_eq!(read, used + skipped + rejected);
    assert_eq!(total["balanced"], true);
    // The case counts in run.json are those of cases.csv.
    let cases = read_csv(&run.join("cases.csv"));
    assert_eq!(n(&json["cases"], "total"), cases.len() as u64);

    // rejects.csv: every rejected row, every non-blank skipped row, every skipped sheet.
    let lines = read_csv(&run.join("rejects.csv"));
    let at = |r: &BTreeMap<String, String>| -> At {
        let file = r["file"].strip_prefix("../sample_data/").unwrap_or(&r["file"]).to_string();
        (file, r["sheet"].clone(), r["row"].clone())
    };
    let of_kind = |kind: &str, whole_sheet: bool| -> Vec<At> {
        lines.iter().filter(|r| r["kind"] == kind && r["row"].is_empty() == whole_sheet).map(at).collect()
    };
    let (rejected_rows, skipped_rows, skipped_sheets) =
        (of_kind("剔除", false), of_kind("跳过", false), of_kind("跳过", true));
    assert_eq!(lines.len(), rejected_rows.len() + skipped_rows.len() + skipped_sheets.len(), "kind is 剔除 or 跳过");
    let town = |t: &str| format!("大清查/{t}适龄儿童少年大清查登记表");
    let first_village = &sheet_names(&repo().join(format!("sample_data/{}.xlsx", town("仁义镇"))))[0];
    // The one census row naming no child, in the first village of 仁义镇, after its children.
    let census_rejects: Vec<&At> = rejected_rows.iter().filter(|r| r.0.starts_with("大清查/")).collect();
    assert_eq!(census_rejects, [&(format!("{}.xlsx", town("仁义镇")), first_village.clone(), "174".to_string())]);
    let reason = &lines.iter().find(|r| r["kind"] == "剔除" && r["file"].contains("大清查")).unwrap()["reason"];
    assert_eq!(reason, "姓名和身份证号均为空 (no name and no ID)");
    // And the 学籍 rows whose 异动类型 no table knows (issue 16), never read as 在读 or 离校.
    for r in lines.iter().filter(|r| r["kind"] == "剔除" && r["file"].contains("学籍")) {
        assert_eq!((r["column"].as_str(), r["reason"].contains("异动类型“其它”无法识别")), ("异动类型", true), "{r:?}");
    }
    // The 填表说明 sheet in front of 荣隆镇's villages.
    assert_eq!(skipped_sheets, [(format!("{}.xls", town("荣隆镇")), "填表说明".to_string(), String::new())]);
    assert_eq!(rejected_rows.len() as u64, rejected);
    let skipped_listed: u64 = json["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["sheets"].as_array().unwrap())
        .map(|s| n(s, "skipped_total") + n(s, "skipped_note"))
        .sum();
    assert_eq!(skipped_rows.len() as u64, skipped_listed, "every non-blank skipped row is listed");
    // Exactly where the sample put them.
    let planted = read_csv(&repo().join("sample_data/injections.csv"));
    let planted = |kinds: &[&str]| -> Vec<At> {
        let mut v: Vec<At> = planted
            .iter()
            .filter(|r| kinds.contains(&r["kind"].as_str()))
            .map(|r| (r["file"].clone(), r["sheet"].clone(), r["row"].clone()))
            .collect();
        v.sort();
        v
    };
    let sorted = |mut v: Vec<At>| {
        v.sort();
        v
    };
    assert_eq!(sorted(rejected_rows), planted(&["unusable_row", "unknown_status_row"]));
    assert_eq!(sorted(skipped_sheets), planted(&["instructions_sheet"]));
    assert_eq!(sorted(skipped_rows.clone()), planted(&["total_row", "note_row", "signature_row"]));
    assert!(skipped_rows.len() > 60, "{} skipped rows", skipped_rows.len());

    // `kcbx check` on the same pipeline: the same numbers, sheet by sheet, as run.json.
    let check = wd.run_ok(&["check", pipeline.to_str().unwrap()]);
    let checked = check_counts(&check);
    let mut ran: BTreeMap<(String, String), [u64; 6]> = BTreeMap::new();
    for file in json["inputs"]["files"].as_array().unwrap() {
        for s in file["sheets"].as_array().unwrap().iter().filter(|s| s["skipped"].is_null()) {
            let c = ["read", "used", "skipped_blank", "skipped_total", "skipped_note", "rejected"].map(|k| n(s, k));
            ran.insert((file["path"].as_str().unwrap().to_string(), s["name"].as_str().unwrap().to_string()), c);
        }
    }
    assert_eq!(checked, ran, "check's per-sheet numbers are run.json's");
    let total = checked.values().fold([0u64; 6], |mut a, c| {
        a.iter_mut().zip(c).for_each(|(x, y)| *x += y);
        a
    });
    assert_eq!(total[5], rejected, "the rejected rows are counted as rejected by check too");
    assert_eq!(rejected, 3, "one census row, two 学籍 rows");
}

/// (file, sheet) → (read, used, blank, total, note, rejected) from `kcbx check`'s report.
fn check_counts(report: &str) -> BTreeMap<(String, String), [u64; 6]> {
    let mut out = BTreeMap::new();
    let (mut file, mut sheet) = (String::new(), String::new());
    for line in report.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("文件 ") {
            // `文件 path（format，size，sha256 …）`: the path may hold brackets of its own.
            file = rest.rsplit_once('（').unwrap().0.to_string();
        } else if let Some(rest) = line.strip_prefix("工作表「") {
            sheet = rest.split('」').next().unwrap().to_string();
        } else if line.starts_with("行数：") {
            let numbers: Vec<u64> = line
                .split(|c: char| !c.is_ascii_digit())
                .filter(|p| !p.is_empty())
                .map(|p| p.parse().unwrap())
                .collect();
            // 读取 r = 使用 u + 跳过 s（空行 b、合计 t、备注/说明 n）+ 剔除 j
            let [r, u, _, b, t, nt, j] = numbers[..] else { panic!("{line}") };
            out.insert((file.clone(), sheet.clone()), [r, u, b, t, nt, j]);
        }
    }
    out
}
