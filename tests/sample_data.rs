//! The shipped sample (`sample_data/`): reproducible from its seed, readable in every format it
//! uses, and with a non-empty ground truth for every problem code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xls};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kcbx-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn kcbx(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kcbx")).args(args).output().expect("run kcbx")
}

/// Every file under `root`, as paths relative to it.
fn files(root: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

#[test]
fn regenerating_seed_1_gives_the_committed_files() {
    // Laid out as the repository is: the data in sample_data/, its two pipeline files (the
    // only ones of the shipped sample) in pipelines/.
    let root = scratch("regen");
    let dir = root.join("sample_data");
    let out = kcbx(&[
        "sample",
        "--out",
        dir.to_str().unwrap(),
        "--pipelines",
        root.join("pipelines").to_str().unwrap(),
        "--seed",
        "1",
        "--scale",
        "small",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shipped = repo().join("sample_data");
    let mut expected = files(&shipped);
    expected.retain(|p| p != Path::new("README.md"));
    assert_eq!(files(&dir), expected, "same file list");
    for f in &expected {
        let a = std::fs::read(dir.join(f)).unwrap();
        let b = std::fs::read(shipped.join(f)).unwrap();
        assert!(a == b, "{} differs from the committed file", f.display());
    }
    for f in ["clearance.toml", "weekly.toml"] {
        let a = std::fs::read_to_string(root.join("pipelines").join(f)).unwrap();
        let b = std::fs::read_to_string(repo().join("pipelines").join(f)).unwrap();
        assert_eq!(a, b, "pipelines/{f} is what the generator writes for the shipped sample");
    }
    assert!(!shipped.join("pipeline.toml").exists() && !shipped.join("周报/pipeline.toml").exists());
    let total: u64 = expected.iter().map(|f| std::fs::metadata(shipped.join(f)).unwrap().len()).sum();
    assert!(total < 5 * 1024 * 1024, "committed sample is {total} bytes");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn refuses_a_non_empty_folder_without_force() {
    let dir = scratch("nonempty");
    std::fs::write(dir.join("keep.txt"), "x").unwrap();
    let out = kcbx(&["sample", "--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    let out = kcbx(&["sample", "--out", dir.to_str().unwrap(), "--force"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("keep.txt").exists(), "--force leaves other files alone");
    assert!(dir.join("truth.csv").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = std::fs::read(path).unwrap();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("UTF-8 BOM");
    let mut r = csv::Reader::from_reader(bytes);
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records().map(|rec| h.iter().cloned().zip(rec.unwrap().iter().map(str::to_string)).collect()).collect()
}

#[test]
fn truth_has_every_problem_code() {
    let rows = read_csv(&repo().join("sample_data/truth.csv"));
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        *counts.entry(r["problem"].clone()).or_default() += 1;
    }
    for (code, _) in kcbx::sample::truth::PROBLEMS {
        assert!(counts.get(*code).copied().unwrap_or(0) > 0, "no truth rows for {code}: {counts:?}");
    }
    // Every truth row names a valid true ID.
    for r in &rows {
        let id = kcbx::normalize::id_number::parse(&r["id_number"]);
        assert!(id.is_valid(), "truth row with an invalid true ID");
    }
    let inj = read_csv(&repo().join("sample_data/injections.csv"));
    for kind in [
        "id_typo_digit",
        "id_typo_transpose",
        "id_numeric_damaged",
        "id_missing",
        "id_j_number",
        "name_homophone",
        "duplicate_listing",
        "census_missed",
    ] {
        assert!(inj.iter().any(|r| r["kind"] == kind), "no injection of kind {kind}");
    }
}

#[test]
fn shipped_xls_files_read_back_through_calamine() {
    let dir = repo().join("sample_data");
    let xls: Vec<PathBuf> = files(&dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == "xls")).collect();
    let census: Vec<&PathBuf> = xls.iter().filter(|p| p.starts_with("大清查")).collect();
    assert_eq!(census.len(), 2, "two census towns as .xls: {census:?}");
    assert!(xls.len() >= 3, "and the poverty register");
    let mut instructions = 0;
    for f in xls {
        let mut wb: Xls<_> = open_workbook(dir.join(&f)).unwrap();
        let names = wb.sheet_names();
        assert!(!names.is_empty());
        for name in names {
            if name == "填表说明" {
                // The district's instructions: text only, skipped by a run.
                instructions += 1;
                continue;
            }
            let range = wb.worksheet_range(&name).unwrap();
            assert!(range.height() > 2, "{} / {name} has rows", f.display());
            // The header sits in the first rows, as a district's file has it.
            let header_found = range
                .rows()
                .take(4)
                .any(|row| row.iter().any(|c| matches!(c, Data::String(s) if s == "姓名" || s == "证件号码")));
            assert!(header_found, "{} / {name}: header found", f.display());
        }
    }
    assert_eq!(instructions, 1, "one census workbook starts with a 填表说明 sheet");
}

#[test]
fn shipped_gbk_csv_decodes() {
    let dir = repo().join("sample_data/学籍");
    let csv: Vec<PathBuf> = files(&dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == "csv")).collect();
    assert_eq!(csv.len(), 1, "one school's export is a CSV");
    let bytes = std::fs::read(dir.join(&csv[0])).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "really GBK, not UTF-8");
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad, "decodes without replacement characters");
    let first = text.lines().next().unwrap();
    assert!(first.contains("全国学籍号") && first.contains("身份证件号"), "header: {first}");
    assert!(text.lines().count() > 10);
}

#[test]
fn shipped_pipeline_points_at_the_sample() {
    let load = |p: &Path| kcbx::plan::load(p, &kcbx::plan::Overrides::default()).expect("valid pipeline");
    let shipped = load(&repo().join("pipelines/clearance.toml"));
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
    assert_eq!(a.len(), 7, "every source kind");
    assert!(a.iter().all(|files| !files.is_empty()), "every glob matches");
    let data_files = files(&repo().join("sample_data"))
        .into_iter()
        .filter(|f| !["README.md", "truth.csv", "injections.csv"].contains(&f.to_str().unwrap()))
        // The weekly sample has its own pipeline (tests/weekly_sample.rs).
        .filter(|f| !f.starts_with("周报"))
        .count();
    assert_eq!(a.iter().map(Vec::len).sum::<usize>(), data_files, "every data file is read by one source");
}
