//! non_completer through the binary: a 2015-or-later dropout never returned (any age, and
//! alongside not_enrolled when in the window), 退学 counts as leaving, a dropout who came back
//! and graduated from junior school (or is back in school) is not flagged, a dropout before
//! dropout_since is not; a poverty-register 非在校生 of compulsory age since 2015 with no 学籍
//! is flagged, one whose compulsory years ended before 2015 is not; and a poverty-register
//! child the census missed is not_enrolled, placed and described as such.

use crate::builder::*;
use crate::util::Workdir;

#[test]
fn dropouts_since_2015_without_return_or_graduation() {
    let wd = Workdir::new("rules-non-completer");
    let dropped = child("夏文杰", "2003-05-01", 71);
    let dropped_young = child("钟雨欣", "2006-03-01", 72);
    let came_back = child("田浩轩", "2004-10-01", 73);
    let early = child("任佳慧", "2001-05-01", 74);
    let back_in_school = child("姜志豪", "2005-06-01", 75);
    let withdrew = child("雷鸣远", "2003-07-01", 77);
    let set = Set {
        students: vec![
            change(&dropped, "荣隆中学", "七年级", "辍学", "2016-03-01"),
            change(&dropped_young, "荣隆中学", "七年级", "辍学", "2017-04-01"),
            change(&came_back, "荣隆中学", "七年级", "辍学", "2016-03-01"),
            change(&came_back, "荣隆中学", "七年级", "复学", "2017-02-20"),
            change(&came_back, "荣隆中学", "九年级", "毕业", "2019-07-01"),
            change(&early, "荣隆中学", "八年级", "辍学", "2014-06-01"),
            change(&back_in_school, "荣隆中学", "七年级", "辍学", "2016-09-01"),
            change(&back_in_school, "荣隆中学", "七年级", "复学", "2017-03-01"),
            student(&back_in_school, "荣隆中学", "九年级"),
            change(&withdrew, "荣隆中学", "八年级", "退学", "2018-01-02"),
        ],
        census: vec![dropped, dropped_young, came_back, early, back_in_school, withdrew],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("non_completer", "夏文杰"),
            ("non_completer", "钟雨欣"),
            ("not_enrolled", "钟雨欣"),
            ("non_completer", "雷鸣远"),
        ])
    );
    let c = case(&cases, "non_completer", "夏文杰");
    assert_eq!(
        c["description"], "荣隆中学 七年级（2016-03-01）辍学，此后无复学或初中毕业记录",
        "the dropout record is quoted"
    );
    assert_eq!((c["school"].as_str(), c["match_method"].as_str()), ("荣隆中学", "exact_id"));
    assert!(case(&cases, "non_completer", "雷鸣远")["description"].contains("退学"));
}

#[test]
fn the_poverty_register_non_students_and_children_the_census_missed() {
    let wd = Workdir::new("rules-poverty");
    let not_in_school = child("石晓雪", "2002-03-01", 81).at("仁义镇", "高峰村");
    let grown_up = child("谭国庆", "1998-02-01", 83).at("仁义镇", "高峰村");
    let missed = child("廖一诺", "2011-03-05", 85).at("仁义镇", "大滩村");
    let listed = child("熊梓涵", "2009-09-09", 86).poor();
    let set = Set {
        students: vec![student(&listed, "荣隆镇中心小学", "四年级")],
        census: vec![listed.clone()],
        poor: vec![
            poor(&not_in_school, "非在校生"),
            poor(&grown_up, "非在校生"),
            poor(&missed, "小学"),
            poor(&listed, "小学"),
        ],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(flagged(&cases), pairs(&[("non_completer", "石晓雪"), ("not_enrolled", "廖一诺")]));
    let c = case(&cases, "non_completer", "石晓雪");
    assert!(c["description"].contains("“非在校生”") && c["description"].contains("学籍系统无任何记录"));
    assert_eq!((c["town"].as_str(), c["village"].as_str(), c["poverty"].as_str()), ("仁义镇", "高峰村", "是"));
    // The census missed a child the poverty register knows: placed at the register's town
    // and village, and the description says so.
    let c = case(&cases, "not_enrolled", "廖一诺");
    assert_eq!((c["town"].as_str(), c["village"].as_str(), c["poverty"].as_str()), ("仁义镇", "大滩村", "是"));
    assert!(c["description"].contains("清查表未登记，见于建档立卡名单"), "{}", c["description"]);
}
