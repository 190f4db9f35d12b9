//! The sample's calendar: 基准日, the birth window of compulsory age, the 2015 start of the
//! dropout clearance, the school breaks, and a child's cohort, entry date and grade on a day.
//!
//! Pipeline position: the ground floor of the synthetic world; [`super::households`] and
//! [`super::scenarios`] date everything by it.

use super::*;

/// A date from constants.
pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// 基准日 of the sample (the notice's date).
pub fn as_of() -> NaiveDate {
    ymd(2020, 5, 14)
}
pub fn birth_from() -> NaiveDate {
    ymd(2004, 9, 1)
}
pub fn birth_to() -> NaiveDate {
    ymd(2014, 8, 31)
}
pub fn dropout_since() -> NaiveDate {
    ymd(2015, 1, 1)
}
/// 寒假 of the school year 2019-2020 (the sample pipeline's `school_breaks`): no 送教上门
/// is owed in a week wholly inside it.
pub fn winter_break() -> (NaiveDate, NaiveDate) {
    (ymd(2020, 1, 18), ymd(2020, 2, 16))
}
/// 暑假 starts (the default `summer_break_from`): the end of the teaching year.
pub fn summer_break_from() -> NaiveDate {
    ymd(2020, 7, 1)
}
/// Whether the Monday–Sunday week of `monday` lies wholly inside 寒假.
pub fn in_winter_break(monday: NaiveDate) -> bool {
    let (from, to) = winter_break();
    from <= monday && monday + Duration::days(6) <= to
}

/// The school-entry cohort: born 1 Sep Y-1 ..= 31 Aug Y gives Y; entry into grade 1 on
/// 1 Sep Y+6.
pub fn cohort(birth: NaiveDate) -> i32 {
    if birth.month() >= 9 {
        birth.year() + 1
    } else {
        birth.year()
    }
}

/// Entry date into grade 1.
pub fn entry_date(birth: NaiveDate) -> NaiveDate {
    ymd(cohort(birth) + 6, 9, 1)
}

/// Born within the window and due in school on as_of.
pub fn in_window(birth: NaiveDate) -> bool {
    (birth_from()..=birth_to()).contains(&birth) && entry_date(birth) <= as_of()
}

/// Grade on as_of for a child who started on time (school year 2019-09 .. 2020-08).
pub fn grade_now(birth: NaiveDate) -> i32 {
    2014 - cohort(birth)
}

/// Grade during the school year containing `date`, for a child who started on time.
pub fn grade_at(birth: NaiveDate, date: NaiveDate) -> i32 {
    let sy = if date.month() >= 9 { date.year() } else { date.year() - 1 };
    sy - (cohort(birth) + 6) + 1
}

/// Compulsory years (entry .. 31 Aug nine years later) overlap [dropout_since, as_of].
pub fn compulsory_since_2015(birth: NaiveDate) -> bool {
    let e = entry_date(birth);
    let end = ymd(e.year() + 9, 8, 31);
    end >= dropout_since() && e <= as_of()
}
