//! home_teaching_unregistered and home_teaching_short through the binary, with the weekly
//! and hour arithmetic of the school year 2019-09-01 .. 2020-08-31 and as_of 2020-05-14
//! (a Thursday): weeks counted from the week of the first visit (2019-09-02) to the last
//! complete week (2020-05-04 .. 05-10), 15 whole weeks left until 31 August.

use crate::builder::*;
use crate::util::Workdir;

const SCHOOL: &str = "荣昌区特殊教育学校";

#[test]
fn weekly_visits_two_hours_each_and_a_pace_that_reaches_80() {
    let wd = Workdir::new("rules-home-teaching");
    // Wednesdays from 2019-09-04: 37 visits before as_of (the last on 2020-05-13).
    let compliant = child("龙思琪", "2010-01-11", 91).disabled("多重");
    let missed_week = child("万嘉怡", "2009-02-12", 92).disabled("肢体");
    let short_visit = child("段俊宇", "2011-03-13", 93).disabled("智力");
    let late_start = child("钱雨泽", "2008-04-14", 95).disabled("精神");
    let unregistered = child("汤欣悦", "2012-05-15", 96).disabled("多重");
    let no_hours = child("季晨曦", "2010-06-16", 98).disabled("听力");
    let mut visits = Vec::new();
    visits.extend(weekly(&compliant, SCHOOL, "2019-09-04", "2020-05-14", 2.0));
    visits.extend(
        weekly(&missed_week, SCHOOL, "2019-09-04", "2020-05-14", 2.0).into_iter().filter(|v| v.date != d("2019-11-06")),
    );
    let mut short = weekly(&short_visit, SCHOOL, "2019-09-04", "2020-05-14", 2.0);
    short[5].hours = Some(1.5);
    visits.extend(short);
    visits.extend(weekly(&late_start, SCHOOL, "2020-03-04", "2020-05-14", 2.0));
    // A visit with 学时 left blank counts as under 2 学时; last school year's visits do not count.
    let mut blank = weekly(&no_hours, SCHOOL, "2019-03-06", "2020-05-14", 2.0);
    blank[30].hours = None;
    visits.extend(blank);
    visits.extend(weekly(&unregistered, SCHOOL, "2019-09-04", "2020-05-14", 2.5));
    let registered = [&compliant, &missed_week, &short_visit, &late_start, &no_hours];
    let set = Set {
        students: registered.iter().map(|c| student(c, SCHOOL, "三年级")).collect(),
        census: vec![
            compliant.clone(),
            missed_week.clone(),
            short_visit.clone(),
            late_start.clone(),
            unregistered.clone(),
            no_hours.clone(),
        ],
        visits,
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("home_teaching_short", "万嘉怡"),
            ("home_teaching_short", "段俊宇"),
            ("home_teaching_short", "钱雨泽"),
            ("home_teaching_short", "季晨曦"),
            ("home_teaching_unregistered", "汤欣悦"),
        ])
    );
    let desc = |name: &str| case(&cases, "home_teaching_short", name)["description"].clone();
    // 36 visits × 2 学时; week of 2019-11-04 without a visit; 72 + 2 × 15 ≥ 80.
    assert_eq!(desc("万嘉怡"), "本学年已送教72学时；36周中有1周未送教（11-04当周）");
    // 36 × 2 + 1.5.
    assert_eq!(desc("段俊宇"), "本学年已送教73.5学时；1次送教不足2学时");
    // 11 visits from 2020-03-04: 22 + 2 × 15 < 80, though no week was missed.
    assert_eq!(desc("钱雨泽"), "本学年已送教22学时；余15周按每周2学时计，学年末无法达到80学时");
    assert_eq!(desc("季晨曦"), "本学年已送教72学时；1次送教不足2学时");
    let c = case(&cases, "home_teaching_unregistered", "汤欣悦");
    assert!(c["description"].contains(&format!("列入{SCHOOL}送教上门名册")), "{}", c["description"]);
    assert_eq!(c["school"], SCHOOL);
}
