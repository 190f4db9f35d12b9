//! The responsible unit, person and phone of a case: the school's 包校人员 from the roster
//! (attachment 4: two header rows, 单位 / 包干领导 / 包片 and 包校人员 merged down, names padded with
//! spaces) where the case has a school on it; else the town's government.

use crate::builder::*;
use crate::util::Workdir;

fn roster_row(unit: &str, school: &str, leader: &str, area: (&str, f64), person: (&str, &str)) -> Roster {
    Roster {
        unit: unit.into(),
        school: school.into(),
        leader: leader.into(),
        area_person: area.0.into(),
        area_phone: area.1,
        school_person: person.0.into(),
        school_phone: person.1.into(),
    }
}

#[test]
fn the_schools_person_from_a_merged_padded_roster_else_the_town() {
    let wd = Workdir::new("rules-roster");
    let at_school = child("夏文杰", "2003-05-01", 71);
    let no_school = child("孔令辉", "2010-02-02", 151);
    let unlisted_school = child("严子健", "2003-08-08", 153).at("昌元街道", "新峰社区");
    let set = Set {
        census: vec![at_school.clone(), no_school, unlisted_school.clone()],
        students: vec![
            change(&at_school, "荣隆中学", "七年级", "辍学", "2016-03-01"),
            change(&unlisted_school, "昌元中学", "八年级", "辍学", "2017-03-01"),
        ],
        roster: vec![
            roster_row("荣隆学区", "荣隆镇中心小学", "刘强", ("陈明", 13900001111.0), ("张三", "13800000002")),
            // The second school of the 学区: every person, padded, comes from a merged cell
            // that starts on the row above.
            roster_row("荣隆学区", "荣隆中学", "刘强", ("陈明", 13900001111.0), ("张三", "13800000002")),
            roster_row("荣隆学区", "荣隆镇二小", "刘强", ("李华", 13900002222.0), ("赵敏", "13800000003")),
            roster_row("直属学校", "荣昌中学", "周建国", ("黄伟", 13900003333.0), ("欧阳明月", "13800000004")),
        ],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[("non_completer", "夏文杰"), ("not_enrolled", "孔令辉"), ("non_completer", "严子健")])
    );
    let who = |problem: &str, name: &str| {
        let c = case(&cases, problem, name);
        (c["responsible_unit"].clone(), c["responsible_person"].clone(), c["responsible_phone"].clone())
    };
    assert_eq!(who("non_completer", "夏文杰"), ("荣隆中学".into(), "张三".into(), "13800000002".into()));
    assert_eq!(who("not_enrolled", "孔令辉"), ("荣隆镇人民政府".into(), String::new(), String::new()));
    assert_eq!(who("non_completer", "严子健"), ("昌元街道办事处".into(), String::new(), String::new()));
}

#[test]
fn a_roster_name_that_fits_two_schools_is_not_guessed() {
    let wd = Workdir::new("rules-roster-near");
    // 荣昌中学 is the short form of both 学籍 names (荣昌中学校, 重庆市荣昌中学校), and the
    // campus 荣昌中学校（高中部） fits both too: no guess, the town, for either school.
    let ambiguous = child("夏文杰", "2003-05-01", 71);
    let other = child("严子健", "2003-08-08", 153);
    let set = Set {
        census: vec![ambiguous.clone(), other.clone()],
        students: vec![
            change(&ambiguous, "荣昌中学校", "七年级", "辍学", "2016-03-01"),
            change(&other, "重庆市荣昌中学校", "八年级", "辍学", "2017-03-01"),
        ],
        roster: vec![
            roster_row("直属学校", "荣昌中学", "周建国", ("黄伟", 13900003333.0), ("欧阳明月", "13800000004")),
            roster_row("直属学校", "荣昌中学校（高中部）", "周建国", ("黄伟", 13900003333.0), ("李四", "13800000005")),
        ],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    let who = |name: &str| {
        let c = case(&cases, "non_completer", name);
        (c["responsible_unit"].clone(), c["responsible_person"].clone())
    };
    assert_eq!(who("夏文杰"), ("荣隆镇人民政府".into(), String::new()));
    assert_eq!(who("严子健"), ("荣隆镇人民政府".into(), String::new()));
}

#[test]
fn short_forms_abbreviations_and_campuses_find_their_school() {
    let wd = Workdir::new("rules-roster-short");
    let a = child("夏文杰", "2003-05-01", 71);
    let b = child("严子健", "2003-08-08", 153);
    let c = child("孔令辉", "2004-02-02", 151);
    let set = Set {
        census: vec![a.clone(), b.clone(), c.clone()],
        students: vec![
            change(&a, "重庆市荣昌中学校", "七年级", "辍学", "2016-03-01"),
            change(&b, "荣昌区特殊教育学校", "八年级", "辍学", "2017-03-01"),
            change(&c, "重庆市荣昌区职业教育中心", "八年级", "辍学", "2018-03-01"),
        ],
        roster: vec![
            roster_row("直属学校", "荣昌中学", "周建国", ("黄伟", 13900003333.0), ("欧阳明月", "13800000004")),
            roster_row("直属学校", "荣昌中学峰高校区", "周建国", ("黄伟", 13900003333.0), ("李四", "13800000005")),
            roster_row("直属学校", "特校", "周建国", ("黄伟", 13900003333.0), ("王五", "13800000006")),
            roster_row("直属学校", "职教中心", "周建国", ("黄伟", 13900003333.0), ("赵六", "13800000007")),
        ],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    let who = |name: &str| {
        let c = case(&cases, "non_completer", name);
        (c["responsible_unit"].clone(), c["responsible_person"].clone())
    };
    // The main school keeps its own entry; the campus entry does not take it over.
    assert_eq!(who("夏文杰"), ("荣昌中学".into(), "欧阳明月".into()));
    assert_eq!(who("严子健"), ("特校".into(), "王五".into()));
    assert_eq!(who("孔令辉"), ("职教中心".into(), "赵六".into()));
}

#[test]
fn a_match_review_case_names_its_candidates_school_and_that_schools_person() {
    let wd = Workdir::new("rules-roster-review");
    // The match_review fixture of rules_linkage: the child has no school of its own, the
    // candidate 学籍 record is at 荣隆镇中心小学.
    let real = child("周子健", "2010-05-05", 161).at("荣隆镇", "大南社区");
    let mut listed = real.clone().at("荣隆镇", "新峰村").with_id("");
    listed.birth.clear();
    let set = Set {
        students: vec![student(&real, "荣隆镇中心小学", "三年级")],
        census: vec![listed],
        roster: vec![roster_row(
            "荣隆学区",
            "荣隆镇中心小学",
            "刘强",
            ("陈明", 13900001111.0),
            ("张三", "13800000002"),
        )],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    let c = case(&cases, "match_review", "周子健");
    assert_eq!(
        (c["school"].as_str(), c["responsible_unit"].as_str(), c["responsible_person"].as_str()),
        ("荣隆镇中心小学", "荣隆镇中心小学", "张三")
    );
    assert_eq!(c["responsible_phone"], "13800000002");
    // The child's other cases have no school: the town.
    assert_eq!(case(&cases, "not_enrolled", "周子健")["responsible_unit"], "荣隆镇人民政府");
}
