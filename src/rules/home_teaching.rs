//! home_teaching_unregistered — 送教上门未建学籍, and home_teaching_short — 送教课时不足.
//!
//! Rules: a child on the 送教上门 roster with no active 学籍 is home_teaching_unregistered.
//! A child on the roster is home_teaching_short when, in the school year (1 Sep – 31 Aug)
//! containing as_of, counting Monday–Sunday weeks from the week of 1 Sep (or of the child's
//! first visit that school year, if later) through the last week that ends before as_of:
//! a week has no visit, or a visit has under 2 学时 (or none recorded), or the hours so far
//! plus 2 学时 for each whole week left until 31 Aug fall short of 80.

use chrono::{Datelike, Duration, NaiveDate};

use super::window::school_year;
use super::{Case, Ctx, Problem};

/// 每次不少于两个学时.
pub const MIN_HOURS_PER_VISIT: f64 = 2.0;
/// 一学年不得少于80学时.
pub const MIN_HOURS_PER_YEAR: f64 = 80.0;

/// The weekly and hour arithmetic for one child's visits.
#[derive(Clone, Debug, PartialEq)]
pub struct Pace {
    /// Weeks counted (Monday dates).
    pub weeks: usize,
    /// Monday dates of weeks without a visit.
    pub missed: Vec<NaiveDate>,
    /// Visits under 2 学时.
    pub short_visits: usize,
    pub hours: f64,
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

fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Computes the pace of visits `(date, hours)` in the school year containing `as_of`.
pub fn pace(visits: &[(NaiveDate, Option<f64>)], as_of: NaiveDate) -> Pace {
    let (start, end) = school_year(as_of);
    let in_year: Vec<(NaiveDate, Option<f64>)> =
        visits.iter().copied().filter(|(d, _)| *d >= start && *d < as_of).collect();
    let first = in_year.iter().map(|(d, _)| *d).min().unwrap_or(start).max(start);
    let mut week = monday(first);
    let mut weeks = 0;
    let mut missed = Vec::new();
    // Whole weeks only: a week counts once its Sunday is before as_of.
    while week + Duration::days(6) < as_of {
        weeks += 1;
        let sunday = week + Duration::days(6);
        if !in_year.iter().any(|(d, _)| *d >= week && *d <= sunday) {
            missed.push(week);
        }
        week += Duration::days(7);
    }
    Pace {
        weeks,
        missed,
        short_visits: in_year.iter().filter(|(_, h)| h.is_none_or(|h| h < MIN_HOURS_PER_VISIT)).count(),
        hours: in_year.iter().filter_map(|(_, h)| *h).sum(),
        weeks_left: (end - as_of).num_days() / 7,
    }
}

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    let as_of = ctx.plan.params.as_of;
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
        let pace = pace(&visits, as_of);
        if pace.is_short() {
            let mut parts = vec![format!("本学年已送教{}学时", trim_hours(pace.hours))];
            if !pace.missed.is_empty() {
                let first: Vec<String> = pace.missed.iter().take(3).map(|d| d.format("%m-%d").to_string()).collect();
                let more = if pace.missed.len() > 3 { "等" } else { "" };
                parts.push(format!(
                    "{}周中有{}周未送教（{}{more}当周）",
                    pace.weeks,
                    pace.missed.len(),
                    first.join("、")
                ));
            }
            if pace.short_visits > 0 {
                parts.push(format!("{}次送教不足2学时", pace.short_visits));
            }
            if !pace.can_reach() {
                parts.push(format!("余{}周按每周2学时计，学年末无法达到80学时", pace.weeks_left));
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

    /// Weekly two-hour visits every Wednesday from `from` until before `until`.
    fn weekly(from: NaiveDate, until: NaiveDate, hours: f64) -> Vec<(NaiveDate, Option<f64>)> {
        let mut out = Vec::new();
        let mut day = from;
        while day < until {
            out.push((day, Some(hours)));
            day += Duration::days(7);
        }
        out
    }

    #[test]
    fn a_full_year_of_weekly_visits_is_not_short() {
        // 2019-09-04 is a Wednesday.
        let v = weekly(d(2019, 9, 4), d(2020, 5, 14), 2.5);
        let p = pace(&v, d(2020, 5, 14));
        assert!(p.missed.is_empty(), "{p:?}");
        assert_eq!(p.short_visits, 0);
        assert!(p.can_reach(), "{p:?}");
        assert!(!p.is_short());
        // 2019-09-02 (Monday) .. the week of 2020-05-04, which ends Sunday 2020-05-10.
        assert_eq!(p.weeks, 36);
        assert_eq!(p.weeks_left, 15);
    }

    #[test]
    fn one_missed_week_one_short_visit_and_pace() {
        let mut v = weekly(d(2019, 9, 4), d(2020, 5, 14), 2.0);
        v.retain(|(day, _)| *day != d(2019, 11, 6));
        let p = pace(&v, d(2020, 5, 14));
        assert_eq!(p.missed, vec![d(2019, 11, 4)]);
        // 36 visits × 2 h = 72 h (the visit in the incomplete week counts for hours); 72 + 2 × 15 ≥ 80.
        assert!(p.can_reach());
        assert!(p.is_short());

        let mut v = weekly(d(2019, 9, 4), d(2020, 5, 14), 2.0);
        v[3].1 = Some(1.5);
        assert_eq!(pace(&v, d(2020, 5, 14)).short_visits, 1);

        // One-hour visits every week: 37 h + 30 < 80, and every visit short.
        let p = pace(&weekly(d(2019, 9, 4), d(2020, 5, 14), 1.0), d(2020, 5, 14));
        assert!(!p.can_reach());
        assert_eq!(p.short_visits, 37);
    }

    #[test]
    fn weeks_start_at_the_first_visit_and_a_partial_week_does_not_count() {
        // First visit in March: weeks before it are not counted.
        let v = weekly(d(2020, 3, 4), d(2020, 5, 14), 2.0);
        let p = pace(&v, d(2020, 5, 14));
        assert!(p.missed.is_empty());
        assert_eq!(p.weeks, 10);
        // The week of as_of (Mon 2020-05-11 .. Sun 05-17) is not complete: a missing visit in
        // it is not a missed week.
        let v = weekly(d(2019, 9, 4), d(2020, 5, 10), 2.0);
        assert!(pace(&v, d(2020, 5, 14)).missed.is_empty());
    }
}
