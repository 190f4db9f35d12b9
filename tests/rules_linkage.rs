//! The rules that come from linkage: id_invalid (a wrong check character in the census; a
//! transposition on the 学籍 side, repaired and named by position), duplicate_registration
//! (one person in two villages: one case naming both rows, placed in the village of the
//! household registration) and enrolled_not_in_census (a district address vs one outside).

use crate::builder::*;
use crate::util::{read_csv, run_dir, Workdir};

#[test]
fn wrong_ids_on_either_side() {
    let wd = Workdir::new("rules-id-invalid");
    let census_typo = child("白雪梅", "2010-05-20", 101);
    let census_typo_unenrolled = child("崔浩然", "2011-06-21", 103);
    let enrol_typo = child("秦子怡", "2009-07-22", 124);
    let listed = bad_check(&census_typo.id);
    let transposed = transpose(&enrol_typo.id, 15);
    let set = Set {
        students: vec![
            student(&census_typo, "荣隆镇中心小学", "四年级"),
            student(&enrol_typo, "荣隆镇中心小学", "五年级").with_id(&transposed),
        ],
        census: vec![
            census_typo.clone().with_id(&listed),
            census_typo_unenrolled.clone().with_id(&bad_check(&census_typo_unenrolled.id)),
            enrol_typo.clone(),
        ],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("id_invalid", "白雪梅"),
            ("id_invalid", "崔浩然"),
            ("not_enrolled", "崔浩然"),
            ("id_invalid", "秦子怡"),
        ])
    );
    // Census side: the check character is wrong; linkage found the right number in 学籍.
    let c = case(&cases, "id_invalid", "白雪梅");
    assert_eq!(c["id_number"], listed, "the ID as listed");
    assert_eq!(c["match_method"], "repaired_id");
    assert!(c["description"].contains("清查表身份证号校验位错误"), "{}", c["description"]);
    assert!(
        c["description"]
            .contains(&format!("清查表身份证号第18位与学籍不一致，学籍中为 {}（校验通过）", census_typo.id)),
        "{}",
        c["description"]
    );
    // 学籍 side: two digits swapped, named by position with the correction.
    let c = case(&cases, "id_invalid", "秦子怡");
    assert_eq!(c["match_method"], "repaired_id");
    assert_eq!(
        c["description"],
        format!("学籍系统身份证号第15、16位录入错误（学籍中为 {transposed}，应为 {}）", enrol_typo.id)
    );
}

#[test]
fn one_person_listed_twice_is_one_case_in_the_registration_village() {
    let wd = Workdir::new("rules-duplicate");
    // Registered in 新峰村, also listed (first, in file order) where the family lives.
    let twice = child("贺梓轩", "2010-09-23", 131);
    let elsewhere = twice.clone().at("荣隆镇", "大南社区").hukou(&twice.hukou);
    let set = Set {
        students: vec![student(&twice, "荣隆镇中心小学", "三年级")],
        census: vec![elsewhere, twice],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(flagged(&cases), pairs(&[("duplicate_registration", "贺梓轩")]));
    let c = case(&cases, "duplicate_registration", "贺梓轩");
    assert_eq!((c["town"].as_str(), c["village"].as_str()), ("荣隆镇", "新峰村"));
    let desc = &c["description"];
    assert!(desc.starts_with("清查表中登记2次："), "{desc}");
    assert!(desc.contains("荣隆镇大南社区3社（荣隆镇.xlsx［大南社区］第4行）"), "{desc}");
    assert!(desc.contains("荣隆镇新峰村3社（荣隆镇.xlsx［新峰村］第4行）"), "{desc}");
}

#[test]
fn enrolled_students_the_census_missed() {
    let wd = Workdir::new("rules-enrolled-not-in-census");
    let listed = child("邱晨阳", "2010-11-24", 141);
    let missed = child("武嘉豪", "2009-12-25", 143).hukou("重庆市荣昌区荣隆镇大南社区5社");
    let outsider = child("邹静怡", "2010-01-26", 144).hukou("四川省隆昌市古湖街道石燕桥村2组");
    let set = Set {
        students: vec![
            student(&listed, "荣隆镇中心小学", "三年级"),
            student(&missed, "荣隆镇中心小学", "四年级"),
            student(&outsider, "荣隆镇中心小学", "四年级"),
        ],
        census: vec![listed],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(flagged(&cases), pairs(&[("enrolled_not_in_census", "武嘉豪")]));
    let c = case(&cases, "enrolled_not_in_census", "武嘉豪");
    assert_eq!((c["town"].as_str(), c["village"].as_str(), c["group"].as_str()), ("荣隆镇", "大南社区", "5社"));
    assert_eq!(c["student_no"], format!("G{}", missed.id));
}

#[test]
fn a_village_of_the_same_name_in_another_town_is_not_the_registration_village() {
    let wd = Workdir::new("rules-placement");
    // Registered in 荣隆镇新峰村; also listed (first in file order) in 昌元街道新峰社区, a
    // different place whose name differs only by 村/社区.
    let twice = child("贺梓轩", "2010-09-23", 131);
    let elsewhere = twice.clone().at("昌元街道", "新峰社区").hukou(&twice.hukou);
    let set = Set {
        students: vec![student(&twice, "荣隆镇中心小学", "三年级")],
        census: vec![elsewhere, twice],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(flagged(&cases), pairs(&[("duplicate_registration", "贺梓轩")]));
    let c = case(&cases, "duplicate_registration", "贺梓轩");
    assert_eq!((c["town"].as_str(), c["village"].as_str()), ("荣隆镇", "新峰村"));
}

#[test]
fn a_candidate_between_the_thresholds_is_match_review() {
    let wd = Workdir::new("rules-match-review");
    // Listed with no ID and no birth date; a 学籍 student of the same name lives in another
    // village of the town: name 8 + sex 1 + town 1 = 10, between review (6) and accept (10.5).
    let real = child("周子健", "2010-05-05", 161).at("荣隆镇", "大南社区");
    let mut listed = real.clone().at("荣隆镇", "新峰村").with_id("");
    listed.birth.clear();
    let set =
        Set {
            students: vec![student(&real, "荣隆镇中心小学", "三年级")], census: vec![listed], ..Default::default()
        };
    let cases = set.cases(&wd);
    // The candidate student is not also reported as enrolled_not_in_census: one errand.
    assert_eq!(flagged(&cases), pairs(&[("match_review", "周子健"), ("id_invalid", "周子健")]));
    let c = case(&cases, "match_review", "周子健");
    assert_eq!(
        (c["match_method"].as_str(), c["score"].as_str(), c["school"].as_str()),
        ("fuzzy", "10.00", "荣隆镇中心小学")
    );
    assert!(
        c["description"].starts_with("疑似为学籍学生：周子健（荣隆镇中心小学 三年级(2)班），得分10.0"),
        "{}",
        c["description"]
    );
    assert_eq!(case(&cases, "id_invalid", "周子健")["description"], "清查表身份证号缺失");
}

#[test]
fn an_id_whose_birth_date_is_after_the_as_of_date_is_invalid() {
    let wd = Workdir::new("rules-id-future");
    let pupil = child("安子豪", "2011-01-01", 401);
    // Born (by the ID) after the 基准日 2020-05-14: the number cannot be right.
    let future = child("白雪", "2020-06-01", 102);
    let set = Set {
        census: vec![pupil.clone(), future.clone()],
        students: vec![student(&pupil, "荣隆镇中心小学", "三年级")],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(flagged(&cases), pairs(&[("id_invalid", "白雪")]));
    let c = case(&cases, "id_invalid", "白雪");
    assert_eq!(c["description"], "清查表身份证号出生日期晚于基准日");
    assert_eq!(c["id_number"], future.id, "the ID as listed is kept as evidence");
    // The verdict follows the plan's 基准日, not the clock: on a later 基准日 it is valid.
    let pipeline = wd.path("pipeline.toml");
    let out = wd.run_ok(&[
        "run",
        pipeline.to_str().unwrap(),
        "--no-previous",
        "--label",
        "later",
        "-q",
        "--as-of",
        "2020-06-30",
    ]);
    let later = read_csv(&run_dir(&out).join("cases.csv"));
    assert!(!flagged(&later).contains(&("id_invalid".to_string(), "白雪".to_string())), "{:?}", flagged(&later));
    let report = wd.run_ok(&["check", pipeline.to_str().unwrap()]);
    assert!(report.contains("身份证号：有效 1、出生日期无效 1"), "{report}");
}
