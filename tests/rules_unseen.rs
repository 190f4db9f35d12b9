//! The children no rule used to see (issue 16): a 休学 that never ends, a 死亡 only the
//! household reports, a birth date inside a damaged ID, the new grade-1 cohort in
//! September, status words (离校/毕业离校 at grade 9, 肄业, an unknown word), and an
//! exemption list without 有效期至.

use crate::builder::*;
use crate::util::{read_csv, run_dir, sheet_names, sheet_text, Workdir};

#[test]
fn a_suspension_of_more_than_a_year_is_a_case() {
    let wd = Workdir::new("rules-unseen-suspension");
    let overdue = child("周子墨", "2009-03-03", 11);
    let recent = child("吴雨桐", "2010-04-04", 12);
    let resumed = child("郑浩然", "2008-05-05", 13);
    let undated = child("王诗涵", "2011-06-06", 14);
    let both = child("冯梓轩", "2009-07-07", 15);
    let custom = child("陈一诺", "2010-08-08", 16);
    let school = "荣隆镇中心小学";
    let set = Set {
        students: vec![
            change(&overdue, school, "五年级", "休学", "2019-03-01"),
            change(&recent, school, "四年级", "休学", "2019-09-02"),
            change(&resumed, school, "五年级", "休学", "2018-03-01"),
            change(&resumed, school, "五年级", "复学", "2018-09-01"),
            student(&resumed, school, "六年级"),
            student(&undated, school, "三年级").status("休学"),
            change(&both, school, "四年级", "休学", "2018-10-08"),
            student(&both, school, "四年级").status("休学"),
            change(&custom, school, "四年级", "休学", "2019-11-01"),
        ],
        census: vec![overdue, recent, resumed, undated, both, custom],
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(flagged(&cases), pairs(&[("suspension_overdue", "周子墨"), ("suspension_overdue", "冯梓轩")]));
    let c = case(&cases, "suspension_overdue", "周子墨");
    assert!(c["case_id"].starts_with("SO-"), "{}", c["case_id"]);
    assert_eq!(c["problem_label"], "休学超期未复学");
    assert!(c["description"].contains("于2019-03-01休学，至基准日已440天（超过365天）"), "{}", c["description"]);
    let c = case(&cases, "suspension_overdue", "冯梓轩");
    assert!(c["description"].contains("2018-10-08"), "the dated row gives the start: {}", c["description"]);

    // A shorter limit in the pipeline raises the recent ones too.
    let strict = Set { params: "suspension_max_days = 180".into(), ..set };
    let cases = read_csv(&strict.run(&wd, "strict").join("cases.csv"));
    assert!(flagged(&cases).contains(&("suspension_overdue".to_string(), "吴雨桐".to_string())));
    assert!(flagged(&cases).contains(&("suspension_overdue".to_string(), "陈一诺".to_string())));
}

#[test]
fn a_death_only_the_household_reports_is_checked() {
    let wd = Workdir::new("rules-unseen-death");
    let census_only = child("李梦瑶", "2010-02-02", 21).status("死亡", "");
    let recorded = child("赵宇航", "2009-03-03", 23).status("死亡", "");
    let still_enrolled = child("孙可欣", "2011-04-04", 24).status("死亡", "");
    let pupil = child("钱文博", "2010-05-05", 25);
    let school = "荣隆镇中心小学";
    let set = Set {
        students: vec![
            change(&recorded, school, "四年级", "死亡", "2019-04-01"),
            student(&still_enrolled, school, "三年级"),
            student(&pupil, school, "四年级"),
        ],
        census: vec![pupil, census_only, recorded, still_enrolled],
        ..Default::default()
    };
    let run = set.run(&wd, "t");
    let cases = read_csv(&run.join("cases.csv"));
    assert_eq!(flagged(&cases), pairs(&[("death_unverified", "李梦瑶"), ("death_unverified", "孙可欣")]));
    let c = case(&cases, "death_unverified", "李梦瑶");
    assert!(c["case_id"].starts_with("DV-"));
    assert_eq!(c["problem_label"], "死亡待核实");
    assert!(c["description"].contains("学籍中无死亡记录"), "{}", c["description"]);
    let c = case(&cases, "death_unverified", "孙可欣");
    assert!(c["description"].contains("状态：在读"), "the 学籍 that contradicts it is shown: {}", c["description"]);
    // Its own sheet in the town's ledger; the child stays in the 适龄儿童台账, as 死亡待核实.
    let ledger = run.join("问题台账/荣隆镇问题台账.xlsx");
    assert!(sheet_names(&ledger).contains(&"死亡待核实".to_string()), "{:?}", sheet_names(&ledger));
    let children = run.join("适龄儿童台账/荣隆镇适龄儿童台账.xlsx");
    let rows = sheet_text(&children, &sheet_names(&children)[0]);
    let row = rows.iter().find(|r| r.iter().any(|c| c == "李梦瑶")).expect("the child is listed");
    assert!(row.iter().any(|c| c == "死亡待核实"), "{row:?}");
    let row = rows.iter().find(|r| r.iter().any(|c| c == "赵宇航")).expect("the child is listed");
    assert!(row.iter().any(|c| c == "死亡"), "{row:?}");
}

#[test]
fn a_damaged_id_still_gives_the_birth_date_but_never_a_match() {
    let wd = Workdir::new("rules-unseen-damaged");
    let out_of_school = child("黄子涵", "2010-05-03", 31).id_as_number();
    let pupil = child("林思远", "2009-06-07", 33).id_as_number();
    let adult = child("何俊杰", "2003-02-02", 35).id_as_number();
    let school = "荣隆镇中心小学";
    // The 学籍 row of the pupil: full ID, found by name, birth date and address.
    let mut record = student(&child("林思远", "2009-06-07", 33), school, "五年级");
    record.student_no.clear();
    let set = Set { students: vec![record], census: vec![out_of_school, pupil, adult], ..Default::default() };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("not_enrolled", "黄子涵"),
            ("id_invalid", "黄子涵"),
            ("id_invalid", "林思远"),
            ("id_invalid", "何俊杰"),
        ])
    );
    let c = case(&cases, "not_enrolled", "黄子涵");
    assert_eq!(c["birth_date"], "2010-05-03");
    assert!(!c["evidence"].contains("出生日期不明"), "{}", c["evidence"]);
    assert_eq!(c["id_number"], "", "the damaged number is not shown as an ID");
    let c = case(&cases, "id_invalid", "林思远");
    assert!(c["description"].contains("出生日期按号码前14位为2009-06-07"), "{}", c["description"]);
    assert_eq!(c["match_method"], "fuzzy", "linked by name, birth date and address, not by the number");
}

#[test]
fn status_words_graduation_non_completion_and_unknown() {
    let wd = Workdir::new("rules-unseen-status");
    let left_g9 = child("宋佳怡", "2004-10-10", 41);
    let left_g8 = child("唐浩宇", "2006-03-03", 43);
    let grad_left = child("韩雪", "2004-11-11", 44);
    let incomplete = child("曹俊", "2005-12-12", 45);
    let unknown = child("许晨曦", "2010-01-01", 46);
    let junior = "荣隆中学";
    let set = Set {
        students: vec![
            change(&left_g9, junior, "九年级", "离校", "2019-07-01"),
            change(&left_g8, junior, "八年级", "离校", "2019-03-01"),
            change(&grad_left, junior, "九年级", "毕业离校", "2019-07-01"),
            change(&incomplete, junior, "七年级", "肄业", "2018-06-30"),
            student(&unknown, "荣隆镇中心小学", "四年级").status("学籍冻结"),
        ],
        census: vec![left_g9, left_g8, grad_left, incomplete, unknown],
        ..Default::default()
    };
    let run = set.run(&wd, "t");
    let cases = read_csv(&run.join("cases.csv"));
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("non_completer", "唐浩宇"),
            ("not_enrolled", "唐浩宇"),
            ("non_completer", "曹俊"),
            ("not_enrolled", "曹俊"),
            ("not_enrolled", "许晨曦"),
        ])
    );
    assert!(case(&cases, "non_completer", "曹俊")["description"].contains("肄业"));
    // The unknown word is a reject naming its column and the word, never 在读 nor 离校.
    let rejects = read_csv(&run.join("rejects.csv"));
    let r: Vec<_> = rejects.iter().filter(|r| r["reason"].contains("学籍冻结")).collect();
    assert_eq!(r.len(), 1, "{rejects:?}");
    assert_eq!(r[0]["column"], "学籍状态");
    assert!(r[0]["reason"].contains("无法识别"), "{}", r[0]["reason"]);
    // Counted in 汇总's input table.
    let summary = sheet_text(&run.join("汇总.xlsx"), "输入统计");
    let row = summary.iter().find(|r| r.iter().any(|c| c == "在校生")).expect("the 学籍 sheet");
    assert!(row.iter().any(|c| c.contains("剔除中 1 行学籍状态或异动类型无法识别")), "{row:?}");
}

#[test]
fn the_new_cohort_gets_a_month_in_september() {
    let wd = Workdir::new("rules-unseen-grace");
    let new_pupil = child("邹小雨", "2014-03-01", 51);
    let a_year_late = child("熊天佑", "2013-03-01", 53);
    let pupil = child("钱文博", "2010-05-05", 25);
    let set = Set {
        students: vec![student(&pupil, "荣隆镇中心小学", "五年级")],
        census: vec![new_pupil, a_year_late, pupil],
        ..Default::default()
    };
    let pipeline = set.write(&wd);
    let run = |as_of: &str, label: &str| {
        let out = wd.run_ok(&[
            "run",
            pipeline.to_str().unwrap(),
            "--no-previous",
            "--as-of",
            as_of,
            "--label",
            label,
            "--quiet",
        ]);
        read_csv(&run_dir(&out).join("cases.csv"))
    };
    assert_eq!(flagged(&run("2020-09-15", "sep")), pairs(&[("not_enrolled", "熊天佑")]));
    assert_eq!(flagged(&run("2020-10-01", "oct")), pairs(&[("not_enrolled", "熊天佑"), ("not_enrolled", "邹小雨")]));
}

#[test]
fn an_exemption_list_without_valid_until_is_read() {
    let wd = Workdir::new("rules-unseen-exemption-term");
    let deferred = child("蒋一凡", "2012-02-02", 61).status("缓学", "");
    let lapsed = child("沈若曦", "2012-03-03", 62).status("缓学", "");
    let exempt = child("韦子轩", "2008-04-04", 63).status("免学", "").disabled("智力");
    let pupil = child("钱文博", "2010-05-05", 25);
    let set = Set {
        students: vec![student(&pupil, "荣隆镇中心小学", "四年级")],
        exemptions: vec![
            exemption_open(&deferred, "缓学", "2019-08-25"),
            exemption_open(&lapsed, "缓学", "2019-03-01"),
            exemption_open(&exempt, "免学", "2016-08-20"),
        ],
        census: vec![deferred, lapsed, exempt, pupil],
        ..Default::default()
    };
    let pipeline = set.write(&wd);
    let out = wd.run(&["run", pipeline.to_str().unwrap(), "--no-previous", "--label", "t"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(log.matches("未填有效期至").count(), 1, "warned once: {log}");
    let cases = read_csv(&run_dir(&String::from_utf8_lossy(&out.stdout)).join("cases.csv"));
    assert_eq!(flagged(&cases), pairs(&[("exemption_expired", "沈若曦")]));
    let c = case(&cases, "exemption_expired", "沈若曦");
    assert!(
        c["description"].starts_with("缓学有效期至2020-02-29（名单未填有效期至，按批准日期起365天推定）"),
        "{}",
        c["description"]
    );
}
