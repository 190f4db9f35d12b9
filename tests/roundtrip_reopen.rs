//! Closures the data contradict (issue 16 item 6): a case a town closed with an outcome the
//! data can check (已在校就读并注册学籍, 已劝返复学, 已办理缓学/免学 with no exemption listed)
//! is reopened when the rules raise it again from a newer 学籍 / exemption export; from the
//! same export the closure stands, marked 待新数据核对; closures the data cannot check stay
//! closed.

use std::path::Path;

use crate::builder::*;
use crate::roundtrip_history::{cases, rerun, run_json, set_of, Returned};
use crate::util::{sheet_text, Workdir};

const NE: &str = "适龄未入学/疑似失学";

fn status_of(run: &Path, name: &str) -> (String, String, String) {
    let c = &cases(run)[&("not_enrolled".to_string(), name.to_string())];
    (c["status"].clone(), c["closure_note"].clone(), c["closure_data"].clone())
}

#[test]
fn newer_data_reopen_checkable_closures_and_the_same_export_does_not() {
    let wd = Workdir::new("reopen");
    let kids = [
        child("安在校", "2010-01-01", 331),
        child("包劝返", "2010-01-02", 333),
        child("曹缓学", "2010-01-03", 335),
        child("邓出国", "2010-01-04", 337),
    ];
    let set = set_of(&kids);
    let m1 = set.run(&wd, "m1");
    let mut back = Returned::of(&m1, "荣隆镇");
    back.fill("安在校", NE, &[("核实结果", "已在校就读并注册学籍"), ("核实说明", "已在荣隆镇中心小学就读")])
        .fill("包劝返", NE, &[("核实结果", "已劝返复学"), ("核实说明", "5月12日劝返")])
        .fill("曹缓学", NE, &[("核实结果", "已办理缓学/免学"), ("核实说明", "已批准缓学")])
        .fill("邓出国", NE, &[("核实结果", "出国在外"), ("核实说明", "随父母在日本")]);
    back.save(&wd, "荣隆镇.xlsx");

    // m2 applies the answers: all four closed, each with the hash of m2's 学籍 file.
    let m2 = rerun(&wd, &set, "m2");
    let hash = status_of(&m2, "安在校").2;
    assert_eq!(hash.len(), 16, "closure_data is the 学籍/exemption hash");
    for name in ["安在校", "包劝返", "曹缓学", "邓出国"] {
        assert_eq!(status_of(&m2, name), ("closed".into(), String::new(), hash.clone()), "{name}");
    }

    // m3 reads the same export, saved again a second later (an .xlsx carries its save time, so
    // its bytes differ while its rows do not): the rules raise all four again, every closure
    // stands; the ones the data can check are marked 待新数据核对.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let m3 = rerun(&wd, &set, "m3");
    let file_hashes = |run: &Path| -> Vec<String> {
        let j = run_json(run);
        j["inputs"]["files"].as_array().unwrap().iter().map(|f| f["sha256"].as_str().unwrap().to_string()).collect()
    };
    assert_ne!(file_hashes(&m2), file_hashes(&m3), "the inputs were saved again");
    for name in ["安在校", "包劝返", "曹缓学"] {
        assert_eq!(status_of(&m3, name), ("closed".into(), "待新数据核对".into(), hash.clone()), "{name}");
    }
    assert_eq!(status_of(&m3, "邓出国"), ("closed".into(), String::new(), hash.clone()));
    assert_eq!(run_json(&m3)["changes"]["reopened"], 0);

    // m4: a newer 学籍 export (one more pupil) that still has none of the four: the three
    // checkable closures are reopened, 出国在外 stays closed.
    let mut newer = set.clone();
    let pupil = child("冯新生", "2011-03-03", 351);
    newer.census.push(pupil.clone());
    newer.students.push(student(&pupil, "荣隆镇中心小学", "三年级"));
    let m4 = rerun(&wd, &newer, "m4");
    let (status, note, data) = status_of(&m4, "包劝返");
    assert_eq!(status, "reopened");
    assert_eq!(note, "上次核实为已劝返复学（m2批次），本次学籍数据仍显示“适龄未入学/疑似失学”");
    assert_eq!(data, "");
    assert_eq!(status_of(&m4, "安在校").0, "reopened");
    let (status, note, _) = status_of(&m4, "曹缓学");
    assert_eq!(status, "reopened");
    assert!(note.contains("缓学免学名单中仍无此人"), "{note}");
    assert_eq!(status_of(&m4, "邓出国"), ("closed".into(), String::new(), hash.clone()), "uncheckable stays closed");
    assert_eq!(run_json(&m4)["changes"]["reopened"], 3);
    assert_eq!(run_json(&m4)["verification"]["reopened"], 3);

    // The town ledger lists the reopened cases first, with the reason in 上次核实结果, and
    // 变化情况 counts them as 重新打开.
    let ledger = m4.join("问题台账/荣隆镇问题台账.xlsx");
    let all = sheet_text(&ledger, "全部问题");
    let name_col = all[2].iter().position(|h| h == "姓名").unwrap();
    let last_col = all[2].iter().position(|h| h == "上次核实结果").unwrap();
    let names: Vec<&str> = all[3..].iter().map(|r| r[name_col].as_str()).filter(|n| !n.is_empty()).collect();
    let mut first: Vec<&str> = names[..3].to_vec();
    first.sort();
    assert_eq!(first, ["包劝返", "安在校", "曹缓学"]);
    assert!(all[3..]
        .iter()
        .filter(|r| r[name_col] == "包劝返")
        .all(|r| r[last_col].contains("重新打开：上次核实为已劝返复学")));
    let changes = sheet_text(&ledger, "变化情况");
    let col = changes[2].iter().position(|h| h == "重新打开").expect("重新打开 column");
    let total = changes.iter().find(|r| r[0] == "合计").expect("合计 row");
    assert_eq!(total[col], "3");
    let closed = sheet_text(&ledger, "已销号");
    assert!(closed[3..].iter().any(|r| r.iter().any(|c| c == "邓出国")));
    assert!(!closed[3..].iter().any(|r| r.iter().any(|c| c == "包劝返")));
}

#[test]
fn an_exemption_on_the_list_keeps_an_exemption_closure() {
    // 已办理缓学/免学 for a child the list does hold (its 缓学 has expired, so the rules raise
    // exemption_expired again): the data cannot contradict it, the closure stays closed.
    let wd = Workdir::new("reopen-exempt");
    let kid = child("韩缓学", "2010-02-02", 361);
    let mut set = set_of(std::slice::from_ref(&kid));
    set.exemptions = vec![exemption(&kid, "缓学", "2019-01-01", "2019-12-31")];
    let m1 = set.run(&wd, "m1");
    let label = cases(&m1).into_iter().find(|((_, n), _)| n == "韩缓学").map(|(_, c)| c["problem_label"].clone());
    let label = label.expect("the expired exemption is raised");
    let mut back = Returned::of(&m1, "荣隆镇");
    back.fill("韩缓学", &label, &[("核实结果", "已办理缓学/免学"), ("核实说明", "已续办缓学")]);
    back.save(&wd, "荣隆镇.xlsx");
    rerun(&wd, &set, "m2");
    let mut newer = set.clone();
    let pupil = child("冯新生", "2011-03-03", 351);
    newer.census.push(pupil.clone());
    newer.students.push(student(&pupil, "荣隆镇中心小学", "三年级"));
    let m3 = rerun(&wd, &newer, "m3");
    let c = cases(&m3).into_iter().find(|((_, n), _)| n == "韩缓学").map(|(_, c)| c).unwrap();
    assert_eq!(c["status"], "closed");
    assert_eq!(c["closure_note"], "");
}
