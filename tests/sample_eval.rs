//! `kcbx eval` on hand-made truth and cases files.

use std::path::PathBuf;
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kcbx-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const TRUTH: &str = "\u{feff}problem,id_number,listed_id,name,birth_date,town,village,detail
not_enrolled,500153201005031236,,龙念,2010-05-03,荣隆镇,新峰村,x
not_enrolled,500153201101011239,500153201101011230,张三,2011-01-01,荣隆镇,新峰村,x
not_enrolled,50015320120202123X,,李四,2012-02-02,荣隆镇,新峰村,x
id_invalid,500153201101011239,500153201101011230,张三,2011-01-01,荣隆镇,新峰村,x
enrolled_not_in_census,500153201303031231,500153201303031231,王五,2013-03-03,仁义镇,大南社区,x
";

const CASES: &str = "\u{feff}case_id,problem,problem_label,town,village,group,name,gender,id_number,birth_date,match_method,evidence,source
NE-0000000001,not_enrolled,适龄未入学,荣隆镇,新峰村,3,龙  念,男,,2010/5/3,none,,
NE-0000000002,not_enrolled,适龄未入学,荣隆镇,新峰村,3,张三,男,500153201101011230,2011-01-01,none,,
NE-0000000003,not_enrolled,适龄未入学,荣隆镇,新峰村,3,赵六,女,500153201404041234,2014-04-04,none,,
II-0000000001,id_invalid,身份证号错误,荣隆镇,新峰村,3,张三,男,500153201101011239,2011-01-01,repaired_id,,
MR-0000000001,match_review,疑似匹配待核实,荣隆镇,新峰村,3,钱七,女,,2012-12-12,fuzzy,,
";

#[test]
fn eval_counts_tp_fp_fn_per_problem() {
    let dir = scratch("eval");
    std::fs::write(dir.join("truth.csv"), TRUTH).unwrap();
    std::fs::write(dir.join("cases.csv"), CASES).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kcbx"))
        .args(["eval", dir.join("truth.csv").to_str().unwrap(), dir.join("cases.csv").to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let get = |code: &str| v["problems"].as_array().unwrap().iter().find(|p| p["problem"] == code).unwrap().clone();
    let ne = get("not_enrolled");
    assert_eq!((ne["tp"].as_u64(), ne["fp"].as_u64(), ne["fn"].as_u64()), (Some(2), Some(1), Some(1)));
    let ii = get("id_invalid");
    assert_eq!((ii["tp"].as_u64(), ii["fp"].as_u64(), ii["fn"].as_u64()), (Some(1), Some(0), Some(0)));
    assert_eq!(ii["precision"].as_f64(), Some(1.0));
    let en = get("enrolled_not_in_census");
    assert_eq!((en["tp"].as_u64(), en["fn"].as_u64()), (Some(0), Some(1)));
    assert_eq!(en["recall"].as_f64(), Some(0.0));
    assert!(en["precision"].is_null(), "no cases: precision undefined");
    assert_eq!(v["match_review"].as_u64(), Some(1));
    assert_eq!(
        (v["total"]["tp"].as_u64(), v["total"]["fp"].as_u64(), v["total"]["fn"].as_u64()),
        (Some(3), Some(1), Some(2))
    );

    // The table names no person unless --details is given.
    let out = Command::new(env!("CARGO_BIN_EXE_kcbx"))
        .args(["eval", dir.join("truth.csv").to_str().unwrap(), dir.join("cases.csv").to_str().unwrap()])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("not_enrolled") && !table.contains("龙念") && !table.contains("500153"), "{table}");
    let out = Command::new(env!("CARGO_BIN_EXE_kcbx"))
        .args(["eval", dir.join("truth.csv").to_str().unwrap(), dir.join("cases.csv").to_str().unwrap(), "--details"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("NE-0000000003"), "{table}");
    std::fs::remove_dir_all(&dir).unwrap();
}
