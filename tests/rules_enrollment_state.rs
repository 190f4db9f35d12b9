//! A student's state read from all of their 学籍 rows across schools (README 学籍状态的认定):
//! a transfer recorded on both sides on one date, the same transfer exported on different
//! days, 升学 without an 异动, temporary 学籍号 re-issued by a new school, a 转出 with no
//! receiving school; and the contradictions that become enrollment_conflict for the schools
//! instead of an errand for the town (在读 at two schools, a 辍学 after an 在读 elsewhere, one
//! 学籍号 with two IDs). Each test asserts the state chosen (适龄儿童台账) and the case or its
//! absence.

use std::path::Path;

use crate::builder::*;
use crate::util::{sheet_text, Workdir};

/// (就学状态, 就读学校, 备注) of a child in the town's 适龄儿童台账.
fn ledger_state(run: &Path, name: &str) -> (String, String, String) {
    let rows = sheet_text(&run.join("适龄儿童台账/荣隆镇适龄儿童台账.xlsx"), "适龄儿童");
    let r = rows.iter().find(|r| r.get(5).map(String::as_str) == Some(name)).expect("child in the ledger");
    (r[12].clone(), r[13].clone(), r[15].clone())
}

fn cases_of(run: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    crate::util::read_csv(&run.join("cases.csv"))
}

/// A row of a 学籍 export dated like the change that last touched it (`在读` with 异动日期).
fn dated(c: &Child, school: &str, grade: &str, status: &str, date: &str) -> Student {
    change(c, school, grade, status, date)
}

#[test]
fn a_transfer_is_a_move_whatever_the_order_and_dates_of_its_two_sides() {
    let wd = Workdir::new("state-transfer");
    // Both sides on one date; the new school's row, listed first, carries the same date.
    let same_day = child("王子涵", "2006-05-01", 41);
    // The new school recorded the 转入 on 09-02, the old school its 转出 on 09-20.
    let later_out = child("李欣悦", "2009-03-01", 42);
    // The old school's export (taken before the move) still lists the child 在读; the new
    // school has the 转入.
    let stale_export = child("张浩宇", "2010-07-01", 43);
    // A 转出 with no receiving school.
    let gone = child("陈梓萱", "2011-02-01", 44);
    let set = Set {
        students: vec![
            dated(&same_day, "荣隆中学", "八年级", "在读", "2019-12-26"),
            dated(&same_day, "吴家中学", "八年级", "转出", "2019-12-26"),
            dated(&later_out, "荣隆镇中心小学", "五年级", "转入", "2019-09-02"),
            dated(&later_out, "荣隆镇中心小学", "五年级", "在读", "2019-09-02"),
            dated(&later_out, "仁义镇中心小学", "五年级", "转出", "2019-09-20"),
            student(&stale_export, "仁义镇中心小学", "四年级"),
            student(&stale_export, "荣隆镇中心小学", "四年级"),
            dated(&stale_export, "荣隆镇中心小学", "四年级", "转入", "2020-03-02"),
            dated(&gone, "荣隆镇中心小学", "三年级", "转出", "2019-03-22"),
        ],
        census: vec![same_day, later_out, stale_export, gone],
        ..Default::default()
    };
    let run = set.run(&wd, "t");
    let cases = cases_of(&run);
    assert_eq!(flagged(&cases), pairs(&[("not_enrolled", "陈梓萱")]));
    let (status, school, note) = ledger_state(&run, "王子涵");
    assert_eq!((status.as_str(), school.as_str()), ("在校", "荣隆中学"));
    assert!(note.contains("学籍：2019-12-26 由吴家中学转入"), "{note}");
    let (status, school, note) = ledger_state(&run, "李欣悦");
    assert_eq!((status.as_str(), school.as_str()), ("在校", "荣隆镇中心小学"));
    assert!(note.contains("2019-09-02 由仁义镇中心小学转入"), "{note}");
    let (status, school, _) = ledger_state(&run, "张浩宇");
    assert_eq!((status.as_str(), school.as_str()), ("在校", "荣隆镇中心小学"));
    let c = case(&cases, "not_enrolled", "陈梓萱");
    assert!(
        c["description"].contains("学籍：原在荣隆镇中心小学 三年级就读，2019-03-22 转出，未见转入学校"),
        "{}",
        c["description"]
    );
}

#[test]
fn grades_move_forward_a_junior_row_is_later_than_the_primary_graduation() {
    let wd = Workdir::new("state-promotion");
    // 升学 is not an 异动: the 初中 row keeps the date of an earlier change in primary school.
    let promoted = child("刘思远", "2007-04-01", 51);
    // Primary 毕业 and nothing after it: not in school.
    let stopped = child("杨雨桐", "2007-06-01", 52);
    let set = Set {
        students: vec![
            dated(&promoted, "荣隆镇中心小学", "六年级", "毕业", "2019-07-01"),
            dated(&promoted, "荣隆中学", "七年级", "在读", "2017-03-01"),
            dated(&stopped, "荣隆镇中心小学", "六年级", "毕业", "2019-07-01"),
        ],
        census: vec![promoted, stopped],
        ..Default::default()
    };
    let run = set.run(&wd, "t");
    let cases = cases_of(&run);
    assert_eq!(flagged(&cases), pairs(&[("not_enrolled", "杨雨桐")]));
    let (status, school, note) = ledger_state(&run, "刘思远");
    assert_eq!((status.as_str(), school.as_str()), ("在校", "荣隆中学"));
    assert!(note.contains("2019-07-01 荣隆镇中心小学毕业后升学"), "{note}");
}

#[test]
fn temporary_numbers_of_two_schools_are_one_student_when_the_person_agrees() {
    let wd = Workdir::new("state-temporary");
    let moved = child("赵一鸣", "2010-01-15", 61);
    // Another child with the same name and birth date but another 户口所在地: not joined.
    let other = child("赵一鸣", "2010-01-15", 63).at("仁义镇", "高峰村");
    let no_id = |s: Student, no: &str| Student { student_no: no.into(), ..s.with_id("") };
    let set = Set {
        students: vec![
            no_id(dated(&moved, "仁义镇中心小学", "三年级", "转出", "2018-09-01"), "L50015320100115001"),
            no_id(student(&moved, "荣隆镇中心小学", "五年级"), "L50015320100115777"),
            no_id(dated(&other, "盘龙镇中心小学", "四年级", "辍学", "2019-04-01"), "L50015320100115888"),
        ],
        census: vec![moved],
        ..Default::default()
    };
    let run = set.run(&wd, "t");
    let cases = cases_of(&run);
    // The child is in school (no errand); the other child's rows were not taken for it: its
    // dropout is a case of its own, on its own 学籍号 (a dropout known only to 学籍).
    assert!(flagged(&cases).iter().all(|(p, _)| p != "not_enrolled"), "{cases:?}");
    let dropouts: Vec<&str> =
        cases.iter().filter(|c| c["problem"] == "non_completer").map(|c| c["student_no"].as_str()).collect();
    assert_eq!(dropouts, ["L50015320100115888"], "{cases:?}");
    let (status, school, note) = ledger_state(&run, "赵一鸣");
    assert_eq!((status.as_str(), school.as_str()), ("在校", "荣隆镇中心小学"));
    assert!(note.contains("按姓名、出生日期、性别、户口所在地一致认定为同一学生"), "{note}");
    assert!(note.contains("由仁义镇中心小学转入"), "{note}");
}

#[test]
fn irreconcilable_histories_are_a_data_fault_for_the_schools() {
    let wd = Workdir::new("state-conflict");
    // 在读 at two schools at once, same grade, no 转入 or 转出.
    let twice = child("周子墨", "2009-08-01", 71);
    // A 辍学 at one school after the 在读 at another.
    let left = child("吴佳琪", "2008-02-01", 72);
    // One 学籍号, two IDs.
    let two_ids = child("郑浩然", "2010-05-05", 73);
    let other_id = id("2010-05-05", 75);
    let set = Set {
        students: vec![
            student(&twice, "荣隆镇中心小学", "五年级"),
            student(&twice, "仁义镇中心小学", "五年级"),
            dated(&left, "荣隆中学", "七年级", "在读", "2019-09-01"),
            dated(&left, "仁义中学", "七年级", "辍学", "2020-01-06"),
            student(&two_ids, "荣隆镇中心小学", "四年级"),
            Student {
                student_no: format!("G{}", two_ids.id),
                ..dated(&two_ids, "盘龙镇中心小学", "四年级", "转出", "2019-10-10").with_id(&other_id)
            },
        ],
        census: vec![twice, left, two_ids],
        ..Default::default()
    };
    let run = set.run(&wd, "t");
    let cases = cases_of(&run);
    let found = flagged(&cases);
    for name in ["周子墨", "吴佳琪", "郑浩然"] {
        assert!(found.contains(&("enrollment_conflict".to_string(), name.to_string())), "{name}: {found:?}");
        assert!(
            !found.iter().any(|(p, n)| n == name && (p == "not_enrolled" || p == "non_completer")),
            "no errand for the town: {name} {found:?}"
        );
    }
    let c = case(&cases, "enrollment_conflict", "周子墨");
    assert_eq!(c["problem_label"], "学籍状态矛盾");
    assert!(c["case_id"].starts_with("EC-"));
    assert!(
        c["description"].contains("两校同时在籍")
            && c["description"].contains("荣隆镇中心小学 五年级(2)班 在读")
            && c["description"].contains("仁义镇中心小学 五年级(2)班 在读"),
        "{}",
        c["description"]
    );
    let c = case(&cases, "enrollment_conflict", "吴佳琪");
    assert!(
        c["description"].contains("荣隆中学 七年级 在读（2019-09-01")
            && c["description"].contains("仁义中学 七年级 辍学（2020-01-06"),
        "{}",
        c["description"]
    );
    let c = case(&cases, "enrollment_conflict", "郑浩然");
    assert!(c["description"].contains("同一学籍号对应两个身份证号"), "{}", c["description"]);
    // The ledger shows the contradiction, not a guess.
    let (_, _, note) = ledger_state(&run, "周子墨");
    assert!(note.contains("学籍状态矛盾"), "{note}");
}
