//! End to end on the shipped sample (issues 2, 4 and 5): `kcbx run` over sample_data, scored
//! against its ground truth — for every problem code, the flagged set equals the truth
//! (precision and recall 1.0) and no match needs review — and run.json's row accounting adds
//! up, sheet by sheet and in total.

use kcbx::sample::score::score_files;

use crate::util::{read_csv, repo, run_dir, Workdir};

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
    assert_eq!(with_truth.len(), 10, "every problem code but match_review has truth: {with_truth:?}");
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
    let lines = read_csv(&run.join("rejects.csv"));
    let listed = |kind: &str| lines.iter().filter(|r| r["kind"] == kind).count() as u64;
    assert_eq!(listed("剔除"), rejected, "every rejected row is in rejects.csv");
    // Every non-blank skipped row is listed too (blank rows are only counted).
    let noted: u64 = json["inputs"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["sheets"].as_array().unwrap())
        .map(|s| n(s, "skipped_total") + n(s, "skipped_note"))
        .sum();
    assert_eq!(listed("跳过"), noted);
    // The case counts in run.json are those of cases.csv.
    let cases = read_csv(&run.join("cases.csv"));
    assert_eq!(n(&json["cases"], "total"), cases.len() as u64);
}
