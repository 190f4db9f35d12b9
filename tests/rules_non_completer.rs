//! non_completer and completion_unknown through the binary: a 2015-or-later dropout never
//! returned (any age, and alongside not_enrolled when in the window), 退学 counts as leaving,
//! a dropout who came back and graduated from junior school (or is back in school) is not
//! flagged, a dropout before dropout_since is not; a dropout known only to 学籍 (in no census
//! sheet, on no list) is flagged, placed at its 户口所在地 or else at the school's town, with
//! the school responsible; a mistyped ID or a homophone name on the 学籍 side neither hides
//! a dropout nor doubles it; a poverty-register 非在校生 with no 学籍 is not a dropout but
//! completion_unknown unless 文化程度 (初中 and above) or 在校生状况 (高中…) shows completion;
//! and a poverty-register child the census missed is not_enrolled, placed and described as
//! such.

use crate::builder::*;
use crate::util::{sheet_names, sheet_text, Workdir};

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
fn the_poverty_register_is_checked_person_by_person_without_calling_anyone_a_dropout() {
    let wd = Workdir::new("rules-poverty");
    let not_in_school = child("石晓雪", "2002-03-01", 81).at("仁义镇", "高峰村");
    let grown_up = child("谭国庆", "1998-02-01", 83).at("仁义镇", "高峰村");
    let missed = child("廖一诺", "2011-03-05", 85).at("仁义镇", "大滩村");
    let listed = child("熊梓涵", "2009-09-09", 86).poor();
    let finished = child("汪海波", "2001-06-01", 87).at("仁义镇", "高峰村");
    let primary_only = child("邓春燕", "2003-01-20", 88).at("仁义镇", "高峰村");
    let senior = child("罗俊杰", "2003-04-04", 89).at("仁义镇", "高峰村");
    let dropped = child("孔令辉", "2002-11-11", 91).at("仁义镇", "高峰村");
    // Not poor, never enrolled, in the same village: listed before the lower-priority code.
    let unenrolled = child("柏云飞", "2011-01-01", 93).at("仁义镇", "高峰村");
    let set = Set {
        students: vec![
            student(&listed, "荣隆镇中心小学", "四年级"),
            change(&dropped, "荣昌区仁义中学", "八年级", "辍学", "2016-10-08"),
        ],
        census: vec![listed.clone(), unenrolled],
        poor: vec![
            poor(&not_in_school, "非在校生"),
            poor(&grown_up, "非在校生"),
            poor(&missed, "小学"),
            poor(&listed, "小学"),
            poor(&finished, "非在校生").education("初中"),
            poor(&primary_only, "非在校生").education("小学"),
            poor(&senior, "高中"),
            // The dropout row is the evidence, whatever 文化程度 says.
            poor(&dropped, "非在校生").education("初中"),
        ],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("completion_unknown", "石晓雪"),
            ("completion_unknown", "邓春燕"),
            ("not_enrolled", "廖一诺"),
            ("non_completer", "孔令辉"),
            ("not_enrolled", "柏云飞"),
        ])
    );
    let village: Vec<&str> = cases.iter().filter(|c| c["village"] == "高峰村").map(|c| c["problem"].as_str()).collect();
    assert_eq!(
        village,
        ["non_completer", "not_enrolled", "completion_unknown", "completion_unknown"],
        "poverty households first, completion_unknown last"
    );
    let c = case(&cases, "completion_unknown", "石晓雪");
    assert!(c["description"].contains("“非在校生”") && c["description"].contains("学籍系统无任何记录"));
    assert!(c["description"].contains("未填文化程度"), "{}", c["description"]);
    assert_eq!((c["town"].as_str(), c["village"].as_str(), c["poverty"].as_str()), ("仁义镇", "高峰村", "是"));
    assert!(case(&cases, "completion_unknown", "邓春燕")["description"].contains("文化程度低于初中"));
    // The census missed a child the poverty register knows: placed at the register's town
    // and village, and the description says so.
    let c = case(&cases, "not_enrolled", "廖一诺");
    assert_eq!((c["town"].as_str(), c["village"].as_str(), c["poverty"].as_str()), ("仁义镇", "大滩村", "是"));
    assert!(c["description"].contains("清查表未登记，见于建档立卡名单"), "{}", c["description"]);
    // The ledger has a sheet of its own for completion_unknown, after the main rules.
    let run = set.run(&wd, "t2");
    let sheets = sheet_names(&run.join("问题台账/仁义镇问题台账.xlsx"));
    let at =
        |name: &str| sheets.iter().position(|s| s == name).unwrap_or_else(|| panic!("no sheet {name}: {sheets:?}"));
    assert!(at("完成情况待核实") > at("辍学未完成义务教育"), "{sheets:?}");
}

#[test]
fn a_dropout_known_only_to_the_enrollment_export_is_judged() {
    let wd = Workdir::new("rules-record-only");
    // The census of the district: three towns.
    let here = child("马丽", "2010-02-02", 11).at("仁义镇", "高峰村");
    let there = child("马强", "2010-03-03", 12).at("盘龙镇", "长石村");
    let home = child("何家豪", "2009-04-04", 13);
    // Older youths, in no census sheet and on no list.
    let local = child("蒋文斌", "2003-02-14", 21).at("仁义镇", "大滩村");
    let outsider = child("贺宇航", "2003-06-06", 22).hukou("四川省内江市隆昌市金鹅街道");
    let returned = child("韩雪梅", "2003-08-08", 23).at("仁义镇", "大滩村");
    let before = child("毛志强", "2000-05-05", 24).at("仁义镇", "大滩村");
    let set = Set {
        census: vec![here.clone(), there.clone(), home.clone()],
        students: vec![
            student(&here, "荣昌区仁义镇中心小学", "四年级"),
            student(&there, "荣昌区盘龙镇中心小学", "四年级"),
            student(&home, "荣隆镇中心小学", "五年级"),
            change(&local, "荣昌区仁义中学", "七年级", "小学毕业", "2015-07-01").status("毕业"),
            change(&local, "荣昌区仁义中学", "八年级", "辍学", "2017-03-01"),
            change(&outsider, "荣昌区盘龙中学", "八年级", "退学", "2017-05-02"),
            change(&returned, "荣昌区仁义中学", "八年级", "辍学", "2017-03-01"),
            change(&returned, "荣昌区仁义中学", "八年级", "复学", "2017-09-01"),
            change(&returned, "荣昌区仁义中学", "九年级", "毕业", "2018-07-01"),
            change(&before, "荣昌区仁义中学", "八年级", "辍学", "2014-03-01"),
        ],
        roster: vec![Roster {
            unit: "仁义学区".into(),
            school: "荣昌区仁义中学".into(),
            leader: "王主任".into(),
            area_person: "李干事".into(),
            area_phone: 13800000002.0,
            school_person: "刘校长".into(),
            school_phone: "13800000001".into(),
        }],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(flagged(&cases), pairs(&[("non_completer", "蒋文斌"), ("non_completer", "贺宇航")]));
    let c = case(&cases, "non_completer", "蒋文斌");
    assert_eq!((c["town"].as_str(), c["village"].as_str()), ("仁义镇", "大滩村"), "placed at 户口所在地");
    assert!(c["description"].contains("辍学") && c["description"].contains("清查表未登记"), "{}", c["description"]);
    assert!(c["evidence"].contains("清查表未登记"), "{}", c["evidence"]);
    assert_eq!((c["school"].as_str(), c["id_number"].as_str()), ("荣昌区仁义中学", local.id.as_str()));
    assert_eq!(
        (c["responsible_unit"].as_str(), c["responsible_person"].as_str()),
        ("荣昌区仁义中学", "刘校长"),
        "the school is responsible"
    );
    // 户口 outside the district: under the school's town; the school (not on the roster)
    // is the responsible unit.
    let c = case(&cases, "non_completer", "贺宇航");
    assert_eq!(c["town"], "盘龙镇");
    assert!(c["evidence"].contains("按学校所在镇街"), "{}", c["evidence"]);
    assert_eq!(c["responsible_unit"], "荣昌区盘龙中学");
    // The roster of dropouts lists them too.
    let run = set.run(&wd, "t2");
    let roster_rows: Vec<String> = sheet_text(&run.join("辍学学生花名册.xlsx"), "花名册").concat();
    assert!(roster_rows.iter().any(|t| t == "蒋文斌") && roster_rows.iter().any(|t| t == "贺宇航"));
}

#[test]
fn a_mistyped_id_or_a_homophone_on_the_enrollment_side_hides_no_dropout() {
    let wd = Workdir::new("rules-record-typo");
    let poor_youth = child("石晓雪", "2003-03-01", 31).at("仁义镇", "高峰村");
    let pupil = child("唐浩然", "2007-05-05", 33);
    let alone = child("范佳琪", "2003-09-09", 35).at("仁义镇", "大滩村");
    // 学籍: the ID mistyped (one digit), the name a homophone (晓 → 小).
    let mut youth_row =
        change(&poor_youth, "荣昌区仁义中学", "八年级", "辍学", "2017-03-01").with_id(&substitute(&poor_youth.id, 9));
    youth_row.name = "石小雪".into();
    let pupil_row = change(&pupil, "荣隆中学", "七年级", "辍学", "2019-03-01").with_id(&transpose(&pupil.id, 10));
    let alone_row = change(&alone, "荣昌区仁义中学", "七年级", "辍学", "2017-03-01").with_id(&bad_check(&alone.id));
    let neighbour = child("范佳怡", "2010-09-09", 36).at("仁义镇", "大滩村");
    // Known only to 学籍, exported by two schools: once with the ID, once with it mistyped
    // and the name a homophone (杰 → 洁).
    let twice = child("孙文杰", "2002-12-12", 37).at("仁义镇", "高峰村");
    let mut twice_typo =
        change(&twice, "荣昌区仁义中学", "八年级", "辍学", "2016-05-03").with_id(&substitute(&twice.id, 12));
    twice_typo.name = "孙文洁".into();
    // A temporary number, no ID, and the name a homophone (晓 → 小): linked by name.
    let by_name = child("何晓东", "2006-06-16", 39);
    let mut by_name_row = change(&by_name, "荣隆中学", "七年级", "辍学", "2019-04-08").with_id("");
    by_name_row.name = "何小东".into();
    by_name_row.student_no = "L50015320060616001".into();
    let set = Set {
        census: vec![pupil.clone(), neighbour.clone(), by_name.clone()],
        students: vec![
            by_name_row,
            youth_row,
            pupil_row,
            alone_row,
            student(&neighbour, "荣昌区仁义镇中心小学", "三年级"),
            change(&twice, "荣隆中学", "八年级", "辍学", "2016-05-01"),
            twice_typo,
        ],
        poor: vec![poor(&poor_youth, "非在校生")],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("non_completer", "石晓雪"),
            ("id_invalid", "石晓雪"),
            ("non_completer", "唐浩然"),
            ("not_enrolled", "唐浩然"),
            ("id_invalid", "唐浩然"),
            ("non_completer", "范佳琪"),
            ("non_completer", "孙文杰"),
            ("non_completer", "何晓东"),
            ("not_enrolled", "何晓东"),
        ])
    );
    assert_eq!(case(&cases, "non_completer", "何晓东")["match_method"], "fuzzy");
    // One case for the youth exported twice, under the valid ID, naming both records.
    let c = case(&cases, "non_completer", "孙文杰");
    assert_eq!(c["id_number"], twice.id);
    assert!(c["evidence"].contains("学籍中2条记录为同一学生"), "{}", c["evidence"]);
    assert_eq!(c["source"].matches("学籍.xlsx").count(), 2, "{}", c["source"]);
    // One case each, under the person the register or the census names.
    let c = case(&cases, "non_completer", "石晓雪");
    assert_eq!((c["match_method"].as_str(), c["id_number"].as_str()), ("repaired_id", poor_youth.id.as_str()));
    assert_eq!(case(&cases, "non_completer", "唐浩然")["match_method"], "repaired_id");
    // Known only to 学籍, under the ID as 学籍 has it.
    assert_eq!(case(&cases, "non_completer", "范佳琪")["town"], "仁义镇");
}

#[test]
fn a_dropout_record_that_may_be_a_poverty_youth_is_reviewed_not_doubled() {
    let wd = Workdir::new("rules-record-review");
    let youth = child("石晓雪", "2002-03-01", 41).at("仁义镇", "高峰村");
    // 学籍: no ID, the birth day off by ten days, the 户口 written outside the district: name
    // 8 + birth 1 + sex 1 - address 1 = 9, between review (6) and accept (10.5).
    let mut row = change(&youth, "荣昌区仁义中学", "八年级", "辍学", "2016-04-01")
        .with_id("")
        .hukou_text("四川省内江市隆昌市金鹅街道");
    row.birth = "2002-03-11".into();
    let set = Set {
        census: vec![child("马丽", "2010-02-02", 11).at("仁义镇", "高峰村")],
        students: vec![
            row,
            student(&child("马丽", "2010-02-02", 11).at("仁义镇", "高峰村"), "荣昌区仁义镇中心小学", "四年级"),
        ],
        poor: vec![poor(&youth, "非在校生")],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    // The record is a dropout of its own; the register's youth is the review of it, and not
    // also completion_unknown.
    assert_eq!(flagged(&cases), pairs(&[("match_review", "石晓雪"), ("non_completer", "石晓雪")]));
    assert_eq!(case(&cases, "non_completer", "石晓雪")["town"], "仁义镇");
}
