//! home_teaching_unregistered — 送教上门未建学籍, and home_teaching_short — 送教课时不足.
//!
//! Rules: a child on the 送教上门 roster with no active 学籍 is home_teaching_unregistered.
//! A child on the roster is home_teaching_short when, in the school year (1 Sep – 31 Aug)
//! containing as_of, counting the school weeks (Monday–Sunday weeks not wholly inside a
//! `school_breaks` entry or the summer break, see [`super::window::school_week`]) from the week of
//! 1 Sep (or of the child's first visit that school year, if later) through the last week
//! that ends before as_of: a school week has no visit, or a visit has under 2 学时 (or none
//! recorded), or the hours so far plus 2 学时 for each school week left before the summer
//! break (`summer_break_from`, default 1 July; the week of as_of counts as left unless it
//! already has a visit) fall short of 80. The notice's 80 学时 a year at 2 学时 a week is
//! about 40 teaching weeks: 寒假 and 暑假 owe no visit.

use chrono::{Duration, NaiveDate};

use super::window::{monday, school_week};
use super::{Case, Ctx, Problem};
use crate::normalize::date::school_year;
use crate::plan::Params;

/// 每次不少于两个学时.
pub const MIN_HOURS_PER_VISIT: f64 = 2.0;
/// 一学年不得少于80学时.
pub const MIN_HOURS_PER_YEAR: f64 = 80.0;

/// The weekly and hour arithmetic for one child's visits.
#[derive(Clone, Debug, PartialEq)]
pub struct Pace {
    /// School weeks counted.
    pub weeks: usize,
    /// Monday dates of school weeks without a visit.
    pub missed: Vec<NaiveDate>,
    /// Visits under 2 学时.
    pub short_visits: usize,
    /// 学时 of the visits before as_of.
    pub hours: f64,
    /// School weeks left before the summer break, each good for 2 学时 (the week of as_of
    /// included unless it already has a visit).
    pub weeks_left: i64,
}

impl Pace {
    pub fn is_short(&self) -> bool {
        !self.missed.is_empty() || self.short_visits > 0 || !self.can_reach()
    }

    pub fn can_reach(&self) -> bool {
        self.hours + MIN_HOURS_PER_VISIT * self.weeks_left as f64 >= MIN_HOURS_PER_YEAR
    }
}

/// Computes the pace of visits `(date, hours)` in the school year containing as_of.
pub fn pace(visits: &[(NaiveDate, Option<f64>)], params: &Params) -> Pace {
    let as_of = params.as_of;
    let (start, _) = school_year(as_of);
    let in_year: Vec<(NaiveDate, Option<f64>)> =
        visits.iter().copied().filter(|(d, _)| *d >= start && *d < as_of).collect();
    let visited = |week: NaiveDate| in_year.iter().any(|(d, _)| *d >= week && *d <= week + Duration::days(6));
    let first = in_year.iter().map(|(d, _)| *d).min().unwrap_or(start).max(start);
    let mut week = monday(first);
    let mut weeks = 0;
    let mut missed = Vec::new();
    // Whole weeks only: a week counts once its Sunday is before as_of.
    while week + Duration::days(6) < as_of {
        if school_week(week, params) {
            weeks += 1;
            if !visited(week) {
                missed.push(week);
            }
        }
        week += Duration::days(7);
    }
    // The school weeks still to come, from the week of as_of (unless its visit is already
    // made and counted in the hours) to the last one before the summer break.
    let mut weeks_left = 0;
    let mut week = monday(as_of);
    if visited(week) {
        week += Duration::days(7);
    }
    while week < params.summer_break_from {
        if school_week(week, params) {
            weeks_left += 1;
        }
        week += Duration::days(7);
    }
    Pace {
        weeks,
        missed,
        short_visits: in_year.iter().filter(|(_, h)| h.is_none_or(|h| h < MIN_HOURS_PER_VISIT)).count(),
        hours: in_year.iter().filter_map(|(_, h)| *h).sum(),
        weeks_left,
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    let params = &ctx.plan.params;
    for (i, p) in ctx.people.persons.iter().enumerate() {
        if p.visits.is_empty() {
            continue;
        }
        let f = &ctx.facts[i];
        let school = p.visits.iter().map(|&v| ctx.data.visits[v].school.as_str()).find(|s| !s.is_empty()).unwrap_or("");
        let visit_provs: Vec<_> = p.visits.iter().map(|&v| ctx.data.visits[v].prov).collect();
        if !f.active && f.alive {
            let description = format!("列入{school}送教上门名册，但学籍系统无在籍学籍");
            let mut case = ctx.person_case(Problem::HomeTeachingUnregistered, i, description);
            if case.school.is_empty() {
                case.school = school.to_string();
                let (u, n, t) = ctx.responsible(school, &case.town);
                (case.responsible_unit, case.responsible_person, case.responsible_phone) = (u, n, t);
            }
            case.sources.extend(visit_provs.iter().copied());
            out.push(case);
        }
        if !f.alive {
            continue;
        }
        let visits: Vec<(NaiveDate, Option<f64>)> =
            p.visits.iter().filter_map(|&v| ctx.data.visits[v].date.map(|d| (d, ctx.data.visits[v].hours))).collect();
        let pace = pace(&visits, params);
        if pace.is_short() {
            let mut parts = vec![format!("本学年已送教{}学时", trim_hours(pace.hours))];
            if !pace.missed.is_empty() {
                let first: Vec<String> = pace.missed.iter().take(3).map(|d| d.format("%m-%d").to_string()).collect();
                let more = if pace.missed.len() > 3 { "等" } else { "" };
                parts.push(format!(
                    "{}个教学周中有{}周未送教（{}{more}当周）",
                    pace.weeks,
                    pace.missed.len(),
                    first.join("、")
                ));
            }
            if pace.short_visits > 0 {
                parts.push(format!("{}次送教不足2学时", pace.short_visits));
            }
            if !pace.can_reach() {
                parts.push(format!("暑假前余{}个教学周按每周2学时计，学年末无法达到80学时", pace.weeks_left));
            }
            let mut case = ctx.person_case(Problem::HomeTeachingShort, i, parts.join("；"));
            if case.school.is_empty() {
                case.school = school.to_string();
                let (u, n, t) = ctx.responsible(school, &case.town);
                (case.responsible_unit, case.responsible_person, case.responsible_phone) = (u, n, t);
            }
            case.sources.extend(visit_provs.iter().copied());
            out.push(case);
        }
    }
}

fn trim_hours(h: f64) -> String {
    crate::table::number_text(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn params() -> Params {
        Params::sample()
    }

    /// Visits of `hours` every 7 days from `from` while before `until`, none in 寒假.
    fn weekly(from: NaiveDate, until: NaiveDate, hours: f64) -> Vec<(NaiveDate, Option<f64>)> {
        let mut out = Vec::new();
        let mut day = from;
        while day < until {
            if !(d(2020, 1, 18)..=d(2020, 2, 16)).contains(&day) {
                out.push((day, Some(hours)));
            }
            day += Duration::days(7);
        }
        out
    }

    #[test]
    fn every_school_week_at_two_hours_reaches_80_exactly() {
        // 2019-09-04 is a Wednesday. School weeks 2019-09-02 .. the week of 2020-05-04 (ends
        // Sunday 05-10): 36 weeks, less the 4 wholly inside 寒假 (01-20 .. 02-10) = 32.
        let v = weekly(d(2019, 9, 4), d(2020, 5, 14), 2.0);
        let p = pace(&v, &params());
        assert_eq!(p.weeks, 32);
        assert!(p.missed.is_empty(), "{p:?}");
        assert_eq!(p.short_visits, 0);
        // 33 visits (the last on 05-13, in the week of as_of) = 66 学时; 7 school weeks left
        // (05-18 .. 06-29, the week 06-29 .. 07-05 still has school days): 66 + 14 = 80.
        assert_eq!(p.hours, 66.0);
        assert_eq!(p.weeks_left, 7);
        assert!(p.can_reach() && !p.is_short(), "{p:?}");

        // Without the break in the pipeline, the 寒假 weeks are school weeks without a visit.
        let no_break = Params { school_breaks: Vec::new(), ..params() };
        let p = pace(&v, &no_break);
        assert_eq!((p.weeks, p.missed.len()), (36, 4));
        assert_eq!(p.missed[0], d(2020, 1, 20));
        assert!(p.is_short());
    }

    #[test]
    fn the_week_of_as_of_is_left_when_it_has_no_visit_yet() {
        // Fridays: the last visit before as_of is 05-08; the week of as_of is still to come.
        let v = weekly(d(2019, 9, 6), d(2020, 5, 14), 2.0);
        let p = pace(&v, &params());
        assert_eq!((p.hours, p.weeks_left), (64.0, 8));
        assert!(!p.is_short(), "{p:?}");
        // A summer break from 06-01 leaves 3 weeks: 64 + 6 < 80.
        let p = pace(&v, &Params { summer_break_from: d(2020, 6, 1), ..params() });
        assert_eq!(p.weeks_left, 3);
        assert!(!p.can_reach());
    }

    #[test]
    fn one_missed_week_one_short_visit_and_pace() {
        let mut v = weekly(d(2019, 9, 4), d(2020, 5, 14), 2.5);
        v.retain(|(day, _)| *day != d(2019, 11, 6));
        let p = pace(&v, &params());
        assert_eq!(p.missed, vec![d(2019, 11, 4)]);
        // 32 visits × 2.5 = 80.
        assert!(p.can_reach());
        assert!(p.is_short());

        // At 2 学时 a week a missed week cannot be made up: 64 + 14 < 80.
        let mut v = weekly(d(2019, 9, 4), d(2020, 5, 14), 2.0);
        v.retain(|(day, _)| *day != d(2019, 11, 6));
        assert!(!pace(&v, &params()).can_reach());

        let mut v = weekly(d(2019, 9, 4), d(2020, 5, 14), 2.5);
        v[3].1 = Some(1.5);
        assert_eq!(pace(&v, &params()).short_visits, 1);

        // One-hour visits every week: 33 h + 14 < 80, and every visit short.
        let p = pace(&weekly(d(2019, 9, 4), d(2020, 5, 14), 1.0), &params());
        assert!(!p.can_reach());
        assert_eq!(p.short_visits, 33);
    }

    #[test]
    fn weeks_start_at_the_first_visit_and_a_partial_week_does_not_count() {
        // First visit in March: weeks before it are not counted.
        let v = weekly(d(2020, 3, 4), d(2020, 5, 14), 2.0);
        let p = pace(&v, &params());
        assert!(p.missed.is_empty());
        assert_eq!(p.weeks, 10);
        // The week of as_of (Mon 2020-05-11 .. Sun 05-17) is not complete: a missing visit in
        // it is not a missed week.
        let v = weekly(d(2019, 9, 4), d(2020, 5, 10), 2.0);
        assert!(pace(&v, &params()).missed.is_empty());
    }
}
