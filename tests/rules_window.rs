//! not_enrolled, out_of_area_unverified and disabled_unplaced through the binary: the
//! birth window's edges and the 待入学 cohort, alive or dead (census and 学籍), active and
//! inactive 学籍, 初中毕业, disability from the census or the disability list, and the
//! census claim of schooling outside the district. Each test asserts the exact set of
//! (problem, person) in cases.csv.

use crate::builder::*;
use crate::util::{sheet_text, Workdir};

#[test]
fn window_edges_pending_cohort_and_completed_schooling() {
    let wd = Workdir::new("rules-window");
    let before = child("刘晓燕", "2004-08-31", 2);
    let first = child("陈思远", "2004-09-01", 11);
    let last = child("杨雨涵", "2013-08-31", 12);
    let pending = child("黄子轩", "2013-09-01", 13);
    let pending_last = child("赵梓萱", "2014-08-31", 14);
    let in_school = child("周俊杰", "2010-03-01", 15);
    let junior_grad = child("吴佳怡", "2004-10-01", 16);
    let primary_grad = child("徐浩然", "2007-01-05", 17);
    let set = Set {
        students: vec![
            student(&in_school, "荣隆镇中心小学", "四年级"),
            change(&junior_grad, "荣隆中学", "九年级", "毕业", "2019-07-01"),
            change(&primary_grad, "荣隆镇中心小学", "六年级", "毕业", "2019-07-01"),
        ],
        census: vec![before, first, last, pending.clone(), pending_last, in_school, junior_grad, primary_grad],
        ..Default::default()
    };
    let run = set.run(&wd, "t");
    let cases = crate::util::read_csv(&run.join("cases.csv"));
    assert_eq!(
        flagged(&cases),
        pairs(&[("not_enrolled", "陈思远"), ("not_enrolled", "杨雨涵"), ("not_enrolled", "徐浩然")])
    );
    let c = case(&cases, "not_enrolled", "陈思远");
    assert!(c["description"].contains("2004-09-01出生，2011-09-01起应入学"), "{}", c["description"]);
    assert_eq!((c["town"].as_str(), c["village"].as_str(), c["match_method"].as_str()), ("荣隆镇", "新峰村", "none"));
    // A primary-school graduation is not 初中毕业: the 学籍 record is quoted.
    let c = case(&cases, "not_enrolled", "徐浩然");
    assert!(c["description"].contains("状态：毕业（2019-07-01）"), "{}", c["description"]);
    assert_eq!(c["match_method"], "exact_id");

    // The 待入学 cohort is in the children's ledger, as 待入学; the child born before the
    // window is not.
    let rows = sheet_text(&run.join("适龄儿童台账/荣隆镇适龄儿童台账.xlsx"), "适龄儿童");
    let status = |name: &str| rows.iter().find(|r| r[5] == name).map(|r| r[12].clone());
    assert_eq!(status("黄子轩").as_deref(), Some("待入学"));
    assert_eq!(status("赵梓萱").as_deref(), Some("待入学"));
    assert_eq!(status("周俊杰").as_deref(), Some("在校"));
    assert_eq!(status("吴佳怡").as_deref(), Some("已完成义务教育"));
    assert_eq!(status("陈思远").as_deref(), Some("适龄未入学/疑似失学"));
    assert_eq!(status("刘晓燕"), None);
    assert_eq!(pending.id.len(), 18);
}

#[test]
fn the_dead_are_not_flagged_and_a_transfer_out_is_not_active() {
    let wd = Workdir::new("rules-alive");
    let census_dead = child("孙家豪", "2009-04-02", 21).status("死亡", "");
    let enrol_dead = child("马欣怡", "2010-06-07", 22);
    let transferred = child("朱文博", "2011-02-03", 23);
    let dropout_dead = child("胡晓东", "2005-03-09", 25);
    let set = Set {
        students: vec![
            change(&enrol_dead, "荣隆镇中心小学", "三年级", "死亡", "2019-11-20"),
            change(&transferred, "荣隆镇中心小学", "二年级", "转出", "2019-09-01"),
            change(&dropout_dead, "荣隆中学", "八年级", "辍学", "2017-03-01"),
            change(&dropout_dead, "荣隆中学", "八年级", "死亡", "2019-05-01"),
        ],
        census: vec![census_dead, enrol_dead, transferred, dropout_dead],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    // No rule raises the dead as out of school; a death only the census reports is to be
    // checked (death_unverified), one the 学籍 records is not.
    assert_eq!(flagged(&cases), pairs(&[("not_enrolled", "朱文博"), ("death_unverified", "孙家豪")]));
    assert!(case(&cases, "not_enrolled", "朱文博")["description"]
        .contains("学籍：原在荣隆镇中心小学 二年级就读，2019-09-01 转出，未见转入学校"));
}

#[test]
fn disabled_children_are_disabled_unplaced_not_not_enrolled() {
    let wd = Workdir::new("rules-disabled");
    let census_flag = child("林可馨", "2011-05-06", 31).disabled("智力");
    let on_list = child("郭天佑", "2010-07-08", 33);
    let list_only = child("何雨桐", "2009-02-10", 34).at("仁义镇", "高峰村");
    let placed = child("罗志强", "2008-11-12", 35).disabled("肢体");
    let pupil = child("钟立新", "2012-04-04", 37);
    let too_old = child("梁梦瑶", "2003-01-01", 36).disabled("视力");
    let set = Set {
        census: vec![census_flag, on_list.clone(), placed.clone(), too_old, pupil.clone()],
        disabled: vec![disabled(&on_list, "肢体", "二级"), disabled(&list_only, "听力", "一级")],
        // 随班就读 and special schools have 学籍.
        students: vec![student(&placed, "荣昌区特殊教育学校", "五年级"), student(&pupil, "荣隆镇中心小学", "二年级")],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[("disabled_unplaced", "林可馨"), ("disabled_unplaced", "郭天佑"), ("disabled_unplaced", "何雨桐"),])
    );
    let c = case(&cases, "disabled_unplaced", "林可馨");
    assert_eq!(c["disability"], "智力残疾");
    assert!(c["description"].starts_with("智力残疾适龄儿童（2011-05-06出生）"), "{}", c["description"]);
    let c = case(&cases, "disabled_unplaced", "郭天佑");
    assert_eq!(c["disability"], "肢体残疾2级");
    // Only on the disability list: placed where the list puts the child, and said so.
    let c = case(&cases, "disabled_unplaced", "何雨桐");
    assert_eq!((c["town"].as_str(), c["village"].as_str()), ("仁义镇", "高峰村"));
    assert!(c["description"].contains("清查表未登记，见于残疾人名单"), "{}", c["description"]);
}

#[test]
fn a_claim_of_schooling_outside_the_district_is_out_of_area_unverified() {
    let wd = Workdir::new("rules-out-of-area");
    let county = child("宋佳琪", "2009-03-03", 41).status("县外就读", "永川区萱花中学");
    let province = child("郑浩宇", "2010-08-08", 43).status("省外就读", "");
    let enrolled = child("谢雨萱", "2011-09-09", 44).status("县外就读", "大足区实验小学");
    let says_in_school = child("韩子墨", "2012-01-01", 45).status("在校", "荣隆镇中心小学");
    let set = Set {
        students: vec![student(&enrolled, "荣隆镇中心小学", "二年级")],
        census: vec![county, province, enrolled, says_in_school],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("out_of_area_unverified", "宋佳琪"),
            ("out_of_area_unverified", "郑浩宇"),
            ("not_enrolled", "韩子墨"),
        ])
    );
    let c = case(&cases, "out_of_area_unverified", "宋佳琪");
    assert!(c["description"].contains("清查表填报“县外就读”，需取得就读证明"), "{}", c["description"]);
    assert!(c["measure"].contains("在读证明"), "{}", c["measure"]);
    assert!(case(&cases, "out_of_area_unverified", "郑浩宇")["description"].contains("“省外就读”"));
}

#[test]
fn a_census_child_of_unknown_birth_date_is_judged_as_of_school_age() {
    let wd = Workdir::new("rules-window-unknown-birth");
    // No ID, no 出生日期: no 学籍 record found (a name nobody in 学籍 has) …
    let mut unknown = child("孟思源", "2010-06-06", 181).with_id("");
    unknown.birth.clear();
    // … and one whose 学籍 record is found by name, sex and village (8 + 1 + 3 = 12).
    let pupil = child("尹嘉乐", "2011-07-07", 183);
    let mut pupil_listed = pupil.clone().with_id("");
    pupil_listed.birth.clear();
    let set = Set {
        students: vec![student(&pupil, "荣隆镇中心小学", "三年级")],
        census: vec![unknown, pupil_listed],
        ..Default::default()
    };
    let run = set.run(&wd, "t");
    let cases = crate::util::read_csv(&run.join("cases.csv"));
    assert_eq!(
        flagged(&cases),
        pairs(&[("not_enrolled", "孟思源"), ("id_invalid", "孟思源"), ("id_invalid", "尹嘉乐")])
    );
    let c = case(&cases, "not_enrolled", "孟思源");
    assert_eq!(c["description"], "出生日期不明，无在籍学籍，无法确认是否适龄");
    assert!(
        c["evidence"].starts_with("出生日期不明（身份证号无效且未填出生日期），无法确认是否适龄，请核实；"),
        "{}",
        c["evidence"]
    );
    assert_eq!((c["birth_date"].as_str(), c["age"].as_str()), ("", ""));
    // Both are in the 适龄儿童台账: the one out of school as 出生日期不明, the pupil in school.
    let kids = sheet_text(&run.join("适龄儿童台账/荣隆镇适龄儿童台账.xlsx"), "适龄儿童");
    let status: Vec<(&str, &str)> = kids[3..].iter().map(|r| (r[5].as_str(), r[12].as_str())).collect();
    assert_eq!(status, [("孟思源", "出生日期不明"), ("尹嘉乐", "在校")]);
    assert!(kids[3][15].contains("适龄未入学/疑似失学"), "the case is noted: {:?}", kids[3]);
}
