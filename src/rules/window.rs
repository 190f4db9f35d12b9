//! Ages and cohorts: when a child is due in school, whether it is in the clearance window,
//! and whether it was of compulsory-school age at some time since the 大清理 start.

use chrono::{Datelike, NaiveDate};

use crate::plan::Params;

/// Where a birth date puts a child on the as_of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cohort {
    /// Born within [birth_from, birth_to] and due in school: judged.
    InWindow,
    /// Born within the window but entering grade 1 after as_of (待入学): counted, never flagged.
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
        Some(b) if entry_date(b) > p.as_of => Cohort::Pending,
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

/// The school year (1 September – 31 August) containing a day.
pub fn school_year(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start_year = if day.month() >= 9 { day.year() } else { day.year() - 1 };
    (
        NaiveDate::from_ymd_opt(start_year, 9, 1).expect("valid"),
        NaiveDate::from_ymd_opt(start_year + 1, 8, 31).expect("valid"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn params() -> Params {
        Params {
            as_of: d(2020, 5, 14),
            birth_from: d(2004, 9, 1),
            birth_to: d(2014, 8, 31),
            dropout_since: d(2015, 1, 1),
            deadline_days: 30,
        }
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
