//! Ages and cohorts: when a child is due in school, whether it is in the clearance window,
//! and whether it was of compulsory-school age at some time since the 大清理 start.

use chrono::{Datelike, NaiveDate};

use crate::normalize::date::school_year;
use crate::plan::Params;

/// Where a birth date puts a child on the as_of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cohort {
    /// Born within [birth_from, birth_to] and due in school: judged.
    InWindow,
    /// Born within the window but entering grade 1 after as_of, or within `entry_grace_days`
    /// of that 1 September (待入学: schools are still registering their new pupils):
    /// counted, never flagged.
    Pending,
    /// Born outside the window.
    Outside,
    /// No birth date known.
    Unknown,
}

/// 1 September of the year a child enters grade 1: six years old by 31 August of that year.
pub fn entry_date(birth: NaiveDate) -> NaiveDate {
    let year = if birth.month() >= 9 { birth.year() + 7 } else { birth.year() + 6 };
    NaiveDate::from_ymd_opt(year, 9, 1).expect("1 September exists")
}

/// The last day of compulsory schooling: 31 August nine years after entry.
pub fn compulsory_end(birth: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(entry_date(birth).year() + 9, 8, 31).expect("31 August exists")
}

pub fn cohort(birth: Option<NaiveDate>, p: &Params) -> Cohort {
    match birth {
        None => Cohort::Unknown,
        Some(b) if b < p.birth_from || b > p.birth_to => Cohort::Outside,
        // The new grade-1 cohort gets `entry_grace_days` after 1 September before it counts
        // as 适龄未入学: no school has registered its new pupils on the first day.
        Some(b) if entry_date(b) + chrono::Days::new(u64::from(p.entry_grace_days)) > p.as_of => Cohort::Pending,
        Some(_) => Cohort::InWindow,
    }
}

/// Whether the child's compulsory years overlap [dropout_since, as_of].
pub fn compulsory_since(birth: NaiveDate, p: &Params) -> bool {
    entry_date(birth) <= p.as_of && compulsory_end(birth) >= p.dropout_since
}

/// Age in whole years on a day.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The Monday of a day's week (weeks run Monday to Sunday).
pub fn monday(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Whether the Monday–Sunday week starting `monday` is a school week: not wholly inside one
/// of the pipeline's `school_breaks`, nor inside the summer break (from `summer_break_from`
/// to 31 August of the school year containing as_of).
pub fn school_week(monday: NaiveDate, p: &Params) -> bool {
    let sunday = monday + chrono::Duration::days(6);
    let summer_end = school_year(p.as_of).1;
    let inside = |from: NaiveDate, to: NaiveDate| from <= monday && sunday <= to;
    !inside(p.summer_break_from, summer_end) && !p.school_breaks.iter().any(|b| inside(b.from, b.to))
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

    #[test]
    fn school_weeks_leave_out_weeks_wholly_inside_a_break() {
        let p = params();
        // 寒假 2020-01-18 (Sat) .. 02-16 (Sun): the week of 01-13 has school days; the weeks of
        // 01-20 .. 02-10 are all holiday; 02-17 is back at school.
        assert!(school_week(d(2020, 1, 13), &p));
        for m in [d(2020, 1, 20), d(2020, 1, 27), d(2020, 2, 3), d(2020, 2, 10)] {
            assert!(!school_week(m, &p), "{m}");
        }
        assert!(school_week(d(2020, 2, 17), &p));
        // Summer from 07-01 (a Wednesday): the week of 06-29 still has school days.
        assert!(school_week(d(2020, 6, 29), &p));
        assert!(!school_week(d(2020, 7, 6), &p));
        assert!(!school_week(d(2020, 8, 24), &p));
        assert_eq!(monday(d(2020, 5, 14)), d(2020, 5, 11));
    }

    #[test]
    fn window_edges() {
        let p = params();
        assert_eq!(cohort(Some(d(2004, 8, 31)), &p), Cohort::Outside);
        assert_eq!(cohort(Some(d(2004, 9, 1)), &p), Cohort::InWindow);
        assert_eq!(cohort(Some(d(2013, 8, 31)), &p), Cohort::InWindow);
        assert_eq!(cohort(Some(d(2013, 9, 1)), &p), Cohort::Pending);
        assert_eq!(cohort(Some(d(2014, 8, 31)), &p), Cohort::Pending);
        assert_eq!(cohort(Some(d(2014, 9, 1)), &p), Cohort::Outside);
        assert_eq!(cohort(None, &p), Cohort::Unknown);
        assert_eq!(entry_date(d(2013, 8, 31)), d(2019, 9, 1));
        assert_eq!(entry_date(d(2013, 9, 1)), d(2020, 9, 1));
    }

    #[test]
    fn the_new_cohort_has_a_grace_period_in_september() {
        // Born 2013-09-01 .. 2014-08-31: due in grade 1 on 2020-09-01.
        let on = |as_of| Params { as_of, birth_to: d(2014, 8, 31), ..params() };
        assert_eq!(cohort(Some(d(2014, 3, 1)), &on(d(2020, 9, 1))), Cohort::Pending);
        assert_eq!(cohort(Some(d(2014, 3, 1)), &on(d(2020, 9, 30))), Cohort::Pending);
        assert_eq!(cohort(Some(d(2014, 3, 1)), &on(d(2020, 10, 1))), Cohort::InWindow);
        // The cohort of a year before is judged from 1 September as ever.
        assert_eq!(cohort(Some(d(2013, 3, 1)), &on(d(2020, 9, 1))), Cohort::InWindow);
        let no_grace = Params { entry_grace_days: 0, ..on(d(2020, 9, 1)) };
        assert_eq!(cohort(Some(d(2014, 3, 1)), &no_grace), Cohort::InWindow);
    }

    #[test]
    fn compulsory_years() {
        let p = params();
        // Entered 2006-09, finished 2015-08: overlaps 2015.
        assert!(compulsory_since(d(2000, 5, 1), &p));
        // Entered 2005-09, finished 2014-08: before the 大清理 start.
        assert!(!compulsory_since(d(1999, 5, 1), &p));
        assert_eq!(age_on(d(2010, 5, 14), d(2020, 5, 14)), 10);
        assert_eq!(age_on(d(2010, 5, 15), d(2020, 5, 14)), 9);
    }
}
