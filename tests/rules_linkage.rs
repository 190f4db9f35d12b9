//! The rules that come from linkage: id_invalid (a wrong check character in the census; a
//! transposition on the 学籍 side, repaired and named by position; a census ID repaired or
//! filled in from the poverty, disability or 送教上门 list, the correction and its list
//! named; mistyped IDs on those lists, on the exemption list, and in the 学籍 of a child only
//! the poverty register knows), the evidence of every link (the 学籍号 of the matched record,
//! how the other lists were matched), duplicate_registration (one person in two villages:
//! one case naming both rows, placed in the village of the household registration),
//! enrolled_not_in_census (a district address vs one outside; students another list knows),
//! match_review (between the thresholds; a tie at or above accept), and `[linkage]`
//! settings reaching the model and the decisions.

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
    assert!(
        c["evidence"].ends_with(&format!(
            "（清查表录入有误），姓名、出生日期、性别、村社一致 → 学籍：荣隆镇中心小学 四年级(2)班（学籍号 G{}）",
            census_typo.id
        )),
        "{}",
        c["evidence"]
    );
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
    // In no census sheet, but on the poverty register / the disability list.
    let poor_only = child("韩雨桐", "2011-03-27", 146).at("荣隆镇", "大南社区");
    let disabled_only = child("曹子墨", "2010-04-28", 147).at("荣隆镇", "大南社区");
    let set = Set {
        students: vec![
            student(&listed, "荣隆镇中心小学", "三年级"),
            student(&missed, "荣隆镇中心小学", "四年级"),
            student(&outsider, "荣隆镇中心小学", "四年级"),
            student(&poor_only, "荣隆镇中心小学", "三年级"),
            student(&disabled_only, "荣隆镇中心小学", "四年级"),
        ],
        census: vec![listed],
        poor: vec![poor(&poor_only, "小学")],
        disabled: vec![disabled(&disabled_only, "视力", "四级")],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("enrolled_not_in_census", "武嘉豪"),
            ("enrolled_not_in_census", "韩雨桐"),
            ("enrolled_not_in_census", "曹子墨"),
        ])
    );
    let c = case(&cases, "enrolled_not_in_census", "武嘉豪");
    assert_eq!((c["town"].as_str(), c["village"].as_str(), c["group"].as_str()), ("荣隆镇", "大南社区", "5社"));
    assert_eq!(c["student_no"], format!("G{}", missed.id));
    assert_eq!(c["evidence"], "清查表中未找到该生（已按身份证号、姓名、出生日期、住址比对）");
    // Which list knows the child, and how the 学籍 record was matched to it.
    let c = case(&cases, "enrolled_not_in_census", "韩雨桐");
    assert_eq!(
        c["evidence"],
        "清查表中未找到该生（已按身份证号、姓名、出生日期、住址比对）；该生见于建档立卡名单（清查表漏登），\
         学籍对应依据：身份证号一致，姓名、出生日期、性别、村社一致"
    );
    assert_eq!((c["village"].as_str(), c["poverty"].as_str()), ("大南社区", "是"));
    let c = case(&cases, "enrolled_not_in_census", "曹子墨");
    assert!(
        c["evidence"].contains("；该生见于残疾人名单（清查表漏登），学籍对应依据：身份证号一致"),
        "{}",
        c["evidence"]
    );
    assert_eq!(c["disability"], "视力残疾4级");
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
    // The candidate student is not also reported as enrolled_not_in_census: one errand. With
    // no ID and no birth date the child may be of school age: not_enrolled (recall first).
    assert_eq!(
        flagged(&cases),
        pairs(&[("match_review", "周子健"), ("id_invalid", "周子健"), ("not_enrolled", "周子健")])
    );
    let c = case(&cases, "match_review", "周子健");
    assert_eq!(
        (c["match_method"].as_str(), c["score"].as_str(), c["school"].as_str()),
        ("fuzzy", "10.00", "荣隆镇中心小学")
    );
    assert!(
        c["description"].starts_with("疑似为学籍学生：周子健（荣隆镇中心小学 三年级(2)班），请核对是否同一人")
            && !c["description"].contains("得分"),
        "{}",
        c["description"]
    );
    assert!(
        c["evidence"].ends_with(&format!("→ 候选学籍：荣隆镇中心小学 三年级(2)班（学籍号 G{}）", real.id)),
        "{}",
        c["evidence"]
    );
    assert_eq!(case(&cases, "id_invalid", "周子健")["description"], "清查表身份证号缺失");
}

#[test]
fn a_census_id_mistyped_or_missing_is_corrected_from_the_other_lists() {
    let wd = Workdir::new("rules-id-from-lists");
    // Wrong check character; the poverty register has the right number (and so does 学籍).
    let poor_typo = child("白雪梅", "2010-05-20", 101).poor();
    // Two digits swapped; the disability list has the right number; no 学籍.
    let dis_typo = child("崔浩然", "2011-06-21", 103).disabled("肢体");
    // No ID at all; the 送教上门 roster has it, matched on name, birth date and village.
    let home_missing = child("秦子怡", "2009-07-22", 124).disabled("多重");
    let listed_poor = bad_check(&poor_typo.id);
    let listed_dis = transpose(&dis_typo.id, 15);
    let school = "荣昌区特殊教育学校";
    let set = Set {
        students: vec![student(&poor_typo, "荣隆镇中心小学", "四年级"), student(&home_missing, school, "五年级")],
        census: vec![
            poor_typo.clone().with_id(&listed_poor),
            dis_typo.clone().with_id(&listed_dis),
            home_missing.clone().with_id(""),
        ],
        poor: vec![poor(&poor_typo, "小学")],
        disabled: vec![disabled(&dis_typo, "肢体", "二级")],
        visits: weekly(&home_missing, school, "2019-09-04", "2020-05-14", 2.5),
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("id_invalid", "白雪梅"),
            ("id_invalid", "崔浩然"),
            ("disabled_unplaced", "崔浩然"),
            ("id_invalid", "秦子怡"),
        ])
    );
    // 身份证号 is the ID as listed; the description has the correct number and its list.
    let c = case(&cases, "id_invalid", "白雪梅");
    assert_eq!(c["id_number"], listed_poor);
    assert_eq!(
        c["description"],
        format!(
            "清查表身份证号校验位错误；清查表身份证号第18位与建档立卡名单不一致，建档立卡名单中为 {}（校验通过）",
            poor_typo.id
        )
    );
    // The corrected ID finds the 学籍 record exactly; the poverty link is explained.
    assert_eq!(c["match_method"], "exact_id");
    assert!(
        c["evidence"].ends_with(
            "；建档立卡名单按身份证号纠错对应（身份证号第18位不一致（清查表录入有误），姓名、出生日期、性别、村社一致）"
        ),
        "{}",
        c["evidence"]
    );
    let c = case(&cases, "id_invalid", "崔浩然");
    assert_eq!(c["id_number"], listed_dis);
    assert_eq!(
        c["description"],
        format!(
            "清查表身份证号校验位错误；清查表身份证号第15、16位与残疾人名单不一致，残疾人名单中为 {}（校验通过）",
            dis_typo.id
        )
    );
    // The other cases of the person carry the same explanation of the disability link.
    let c = case(&cases, "disabled_unplaced", "崔浩然");
    assert_eq!(c["id_number"], dis_typo.id, "other cases show the corrected ID");
    assert!(
        c["evidence"].contains("；残疾人名单按身份证号纠错对应（身份证号第15、16位颠倒（清查表录入有误）"),
        "{}",
        c["evidence"]
    );
    let c = case(&cases, "id_invalid", "秦子怡");
    assert_eq!(c["id_number"], "");
    assert_eq!(
        c["description"],
        format!(
            "清查表身份证号缺失；送教上门名册中此人身份证号为 {}（按姓名、出生日期、住址对应，请核实）",
            home_missing.id
        )
    );
    assert!(
        c["evidence"].ends_with("；送教上门名册按姓名、出生日期、性别、村对应（清查表身份证号缺失）"),
        "{}",
        c["evidence"]
    );
}

#[test]
fn mistyped_ids_on_the_other_lists_are_id_invalid() {
    let wd = Workdir::new("rules-id-on-lists");
    let on_poverty = child("邱晨阳", "2010-11-24", 141).poor();
    let on_disability = child("武嘉豪", "2009-12-25", 143).disabled("听力");
    let exempted = child("邹静怡", "2012-01-26", 144);
    // Not in the census; the poverty register has the child right, the 学籍 has two digits
    // swapped.
    let missed = child("贺梓轩", "2010-09-23", 131);
    let swapped = transpose(&missed.id, 15);
    let (poverty_bad, disability_bad, exemption_bad) =
        (substitute(&on_poverty.id, 14), bad_check(&on_disability.id), substitute(&exempted.id, 16));
    let mut p = poor(&on_poverty, "小学");
    p.id = poverty_bad.clone();
    let mut dl = disabled(&on_disability, "听力", "三级");
    dl.id = disability_bad.clone();
    let mut ex = exemption(&exempted, "缓学", "2019-09-01", "2020-08-31");
    ex.id = exemption_bad.clone();
    let set = Set {
        students: vec![
            student(&on_poverty, "荣隆镇中心小学", "四年级"),
            student(&on_disability, "荣隆镇中心小学", "五年级"),
            student(&missed, "荣隆镇中心小学", "三年级").with_id(&swapped),
        ],
        census: vec![on_poverty.clone(), on_disability.clone(), exempted.clone()],
        poor: vec![p, poor(&missed, "小学")],
        disabled: vec![dl],
        exemptions: vec![ex],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    // The exemption still counts (the record was found by its repaired ID): no not_enrolled.
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("id_invalid", "邱晨阳"),
            ("id_invalid", "武嘉豪"),
            ("id_invalid", "邹静怡"),
            ("id_invalid", "贺梓轩"),
            ("enrolled_not_in_census", "贺梓轩"),
        ])
    );
    let desc = |name: &str| case(&cases, "id_invalid", name)["description"].clone();
    assert_eq!(
        desc("邱晨阳"),
        format!("建档立卡名单身份证号第14位有误，应为 {}（名单中为 {poverty_bad}）", on_poverty.id)
    );
    assert_eq!(
        desc("武嘉豪"),
        format!("残疾人名单身份证号第18位有误，应为 {}（名单中为 {disability_bad}）", on_disability.id)
    );
    assert_eq!(
        desc("邹静怡"),
        format!("缓学免学名单身份证号第16位有误，应为 {}（名单中为 {exemption_bad}）", exempted.id)
    );
    // Placed like the person's other cases, 身份证号 the census one (valid).
    let c = case(&cases, "id_invalid", "邱晨阳");
    assert_eq!(
        (c["town"].as_str(), c["village"].as_str(), c["id_number"].as_str()),
        ("荣隆镇", "新峰村", on_poverty.id.as_str())
    );
    assert_eq!(c["poverty"], "是");
    // The poverty-only child: its 学籍 typo, placed where the register places it.
    let c = case(&cases, "id_invalid", "贺梓轩");
    assert_eq!(
        c["description"],
        format!(
            "学籍系统身份证号第15、16位录入错误（学籍中为 {swapped}，应为 {}）；清查表未登记，见于建档立卡名单",
            missed.id
        )
    );
    assert_eq!((c["town"].as_str(), c["village"].as_str()), ("荣隆镇", "新峰村"));
    let c = case(&cases, "enrolled_not_in_census", "贺梓轩");
    assert!(
        c["evidence"].starts_with("清查表中未找到该生（已按身份证号、姓名、出生日期、住址比对）；该生见于建档立卡名单（清查表漏登），学籍对应依据：身份证号第15、16位颠倒（学籍录入有误）"),
        "{}",
        c["evidence"]
    );
    assert_eq!(c["poverty"], "是");
}

#[test]
fn a_linkage_setting_in_the_pipeline_reaches_the_model_and_the_decision() {
    // The match_review child above (score 10): linked once accept is lowered to 9.5.
    let real = child("周子健", "2010-05-05", 161).at("荣隆镇", "大南社区");
    let mut listed = real.clone().at("荣隆镇", "新峰村").with_id("");
    listed.birth.clear();
    let set = Set {
        students: vec![student(&real, "荣隆镇中心小学", "三年级")],
        census: vec![listed],
        extra: "\n[linkage]\naccept = 9.5\n\n[linkage.weights]\nname_homophone = 5.5\n".into(),
        ..Default::default()
    };
    let wd = Workdir::new("rules-linkage-setting");
    let run = set.run(&wd, "t");
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("linkage_model.json")).unwrap()).unwrap();
    assert_eq!(model["accept"], 9.5);
    assert_eq!(model["review"], 6.0, "unset keys keep their defaults");
    let name = model["fields"].as_array().unwrap().iter().find(|f| f["field"] == "name").unwrap();
    let weight = |level: &str| {
        name["levels"].as_array().unwrap().iter().find(|l| l["level"] == level).unwrap()["weight"].clone()
    };
    assert_eq!((weight("name_homophone"), weight("name_exact")), (5.5.into(), 8.0.into()));
    // Linked (fuzzy, 10 ≥ 9.5): in school, so neither match_review nor not_enrolled.
    let cases = crate::util::read_csv(&run.join("cases.csv"));
    assert_eq!(flagged(&cases), pairs(&[("id_invalid", "周子健")]));
    let c = case(&cases, "id_invalid", "周子健");
    assert_eq!((c["match_method"].as_str(), c["score"].as_str()), ("fuzzy", "10.00"));
}

#[test]
fn two_children_tied_for_one_record_are_both_match_review() {
    let wd = Workdir::new("rules-tie");
    // Two children of one name and birth date in two villages of 荣隆镇, each with a valid ID
    // of their own; the 学籍 record has no ID and only the town: 8 + 7 + 1 + 1 = 17 for
    // each, above accept — a tie, so neither is linked.
    let a = child("王梓涵", "2011-04-04", 171);
    let b = child("王梓涵", "2011-04-04", 173).at("荣隆镇", "大南社区");
    let mut s = student(&a, "荣隆镇中心小学", "三年级").with_id("");
    s.hukou = "重庆市荣昌区荣隆镇".into();
    let set = Set { students: vec![s], census: vec![a.clone(), b.clone()], ..Default::default() };
    let cases = set.cases(&wd);
    assert_eq!(cases.iter().filter(|c| c["problem"] == "match_review").count(), 2);
    assert_eq!(cases.iter().filter(|c| c["problem"] == "not_enrolled").count(), 2);
    assert!(!cases.iter().any(|c| c["problem"] == "enrolled_not_in_census"), "the record is under review");
    for (child, village) in [(&a, "新峰村"), (&b, "大南社区")] {
        let c = cases.iter().find(|c| c["problem"] == "match_review" && c["id_number"] == child.id).expect("a review");
        assert_eq!((c["village"].as_str(), c["score"].as_str()), (village, "17.00"));
        assert!(c["evidence"].contains("另有同分候选，无法自动判定"), "{}", c["evidence"]);
        // No score in the sentence; the other child of the tie is named.
        let other = if village == "新峰村" { "大南社区" } else { "新峰村" };
        assert_eq!(
            c["description"],
            format!(
                "疑似为学籍学生：王梓涵（荣隆镇中心小学 三年级(2)班），请核对是否同一人；清查表的王梓涵（荣隆镇{other}）与这条学籍记录同样相符"
            )
        );
    }
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
