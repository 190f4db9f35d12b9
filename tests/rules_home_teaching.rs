//! home_teaching_unregistered and home_teaching_short through the binary, with the weekly
//! and hour arithmetic of the school year 2019-09-01 .. 2020-08-31, as_of 2020-05-14 (a
//! Thursday) and the pipeline's 寒假 (`school_breaks`, 2020-01-18 .. 02-16): school weeks
//! counted from the week of the first visit (2019-09-02) to the last complete week
//! (2020-05-04 .. 05-10) are 36 less the 4 wholly inside 寒假 = 32; 7 school weeks are left
//! before the summer break (default 2020-07-01) after the week of as_of, which counts too
//! when it has no visit yet.

use crate::builder::*;
use crate::util::Workdir;

const SCHOOL: &str = "荣昌区特殊教育学校";
const BREAK: &str = "school_breaks = [{ from = \"2020-01-18\", to = \"2020-02-16\" }]\n";

/// Weekly visits as [`weekly`] makes them, none in 寒假.
fn school_weekly(c: &Child, from: &str, until: &str, hours: f64) -> Vec<Visit> {
    weekly(c, SCHOOL, from, until, hours)
        .into_iter()
        .filter(|v| !(d("2020-01-18")..=d("2020-02-16")).contains(&v.date))
        .collect()
}

#[test]
fn weekly_visits_two_hours_each_and_a_pace_that_reaches_80() {
    let wd = Workdir::new("rules-home-teaching");
    // Wednesdays from 2019-09-04 but in 寒假: 33 visits before as_of (the last on 2020-05-13).
    let compliant = child("龙思琪", "2010-01-11", 91).disabled("多重");
    let fridays = child("严子涵", "2010-07-17", 99).disabled("智力");
    let missed_week = child("万嘉怡", "2009-02-12", 92).disabled("肢体");
    let missed_at_two = child("罗浩然", "2009-08-18", 97).disabled("肢体");
    let short_visit = child("段俊宇", "2011-03-13", 93).disabled("智力");
    let late_start = child("钱雨泽", "2008-04-14", 95).disabled("精神");
    let unregistered = child("汤欣悦", "2012-05-15", 96).disabled("多重");
    let no_hours = child("季晨曦", "2010-06-16", 98).disabled("听力");
    let mut visits = Vec::new();
    visits.extend(school_weekly(&compliant, "2019-09-04", "2020-05-14", 2.0));
    visits.extend(school_weekly(&fridays, "2019-09-06", "2020-05-14", 2.0));
    visits.extend(
        school_weekly(&missed_week, "2019-09-04", "2020-05-14", 2.5).into_iter().filter(|v| v.date != d("2019-11-06")),
    );
    visits.extend(
        school_weekly(&missed_at_two, "2019-09-04", "2020-05-14", 2.0)
            .into_iter()
            .filter(|v| v.date != d("2019-11-06")),
    );
    let mut short = school_weekly(&short_visit, "2019-09-04", "2020-05-14", 2.5);
    short[5].hours = Some(1.5);
    visits.extend(short);
    visits.extend(school_weekly(&late_start, "2020-03-04", "2020-05-14", 2.0));
    // A visit with 学时 left blank counts as under 2 学时; last school year's visits do not count.
    let mut blank = school_weekly(&no_hours, "2019-03-06", "2020-05-14", 2.5);
    blank[30].hours = None;
    visits.extend(blank);
    visits.extend(school_weekly(&unregistered, "2019-09-04", "2020-05-14", 2.5));
    let registered = [&compliant, &fridays, &missed_week, &missed_at_two, &short_visit, &late_start, &no_hours];
    let set = Set {
        students: registered.iter().map(|c| student(c, SCHOOL, "三年级")).collect(),
        census: registered.iter().map(|c| (*c).clone()).chain([unregistered.clone()]).collect(),
        visits,
        params: BREAK.to_string(),
        ..Default::default()
    };
    let cases = set.cases(&wd);
    assert_eq!(
        flagged(&cases),
        pairs(&[
            ("home_teaching_short", "万嘉怡"),
            ("home_teaching_short", "罗浩然"),
            ("home_teaching_short", "段俊宇"),
            ("home_teaching_short", "钱雨泽"),
            ("home_teaching_short", "季晨曦"),
            ("home_teaching_unregistered", "汤欣悦"),
        ])
    );
    // Not flagged: 龙思琪, 33 × 2 = 66 学时 + 2 × 7 = 80; 严子涵 (Fridays), 32 × 2 = 64 学时,
    // the week of as_of still to come: 64 + 2 × 8 = 80.
    let desc = |name: &str| case(&cases, "home_teaching_short", name)["description"].clone();
    // 32 visits × 2.5 学时; the week of 2019-11-04 without a visit; 80 reached.
    assert_eq!(desc("万嘉怡"), "本学年已送教80学时；32个教学周中有1周未送教（11-04当周）");
    // At 2 学时 a visit, a missed week cannot be made up: 64 + 2 × 7 < 80.
    assert_eq!(
        desc("罗浩然"),
        "本学年已送教64学时；32个教学周中有1周未送教（11-04当周）；暑假前余7个教学周按每周2学时计，学年末无法达到80学时"
    );
    // 32 × 2.5 + 1.5.
    assert_eq!(desc("段俊宇"), "本学年已送教81.5学时；1次送教不足2学时");
    // 11 visits from 2020-03-04: 22 + 2 × 7 < 80, though no week was missed.
    assert_eq!(desc("钱雨泽"), "本学年已送教22学时；暑假前余7个教学周按每周2学时计，学年末无法达到80学时");
    assert_eq!(desc("季晨曦"), "本学年已送教80学时；1次送教不足2学时");
    let c = case(&cases, "home_teaching_unregistered", "汤欣悦");
    assert!(c["description"].contains(&format!("列入{SCHOOL}送教上门名册")), "{}", c["description"]);
    assert_eq!(c["school"], SCHOOL);
}

#[test]
fn weeks_of_the_school_breaks_owe_no_visit() {
    // The same visits (none in 寒假), with and without the break in the pipeline, and with an
    // earlier summer break.
    let compliant = child("龙思琪", "2010-01-11", 91).disabled("多重");
    let base = Set {
        students: vec![student(&compliant, SCHOOL, "三年级")],
        census: vec![compliant.clone()],
        visits: school_weekly(&compliant, "2019-09-04", "2020-05-14", 2.0),
        ..Default::default()
    };
    let with_break = Set { params: BREAK.to_string(), ..base.clone() };
    assert!(with_break.cases(&Workdir::new("rules-home-teaching-break")).is_empty());

    let cases = base.cases(&Workdir::new("rules-home-teaching-no-break"));
    assert_eq!(
        case(&cases, "home_teaching_short", "龙思琪")["description"],
        "本学年已送教66学时；36个教学周中有4周未送教（01-20、01-27、02-03等当周）"
    );

    // Teaching ends on 2020-06-12 (summer from 06-13, a Saturday): 4 school weeks left after
    // the week of as_of (05-18 .. 06-08): 66 + 8 < 80.
    let early = Set { params: format!("{BREAK}summer_break_from = \"2020-06-13\"\n"), ..base.clone() };
    let cases = early.cases(&Workdir::new("rules-home-teaching-summer"));
    assert_eq!(
        case(&cases, "home_teaching_short", "龙思琪")["description"],
        "本学年已送教66学时；暑假前余4个教学周按每周2学时计，学年末无法达到80学时"
    );

    // A break that ends before it starts is a pipeline error (exit code 2), named by its line.
    let wd = Workdir::new("rules-home-teaching-bad-break");
    let bad = Set { params: "school_breaks = [{ from = \"2020-02-16\", to = \"2020-01-18\" }]\n".into(), ..base };
    let pipeline = bad.write(&wd);
    let out = wd.run(&["run", pipeline.to_str().unwrap(), "--no-previous", "-q"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("school_breaks") && err.contains("第 10 行"), "{err}");
}
