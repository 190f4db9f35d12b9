//! Dates as people and spreadsheets write them: date cells, Excel serial numbers,
//! `2010-05-03`, `2010/5/3`, `2010.05.03`, `2010年5月3日`, `20100503`; and year-month
//! values (`2010-05`, `201005`, `2010年5月`) for 入学年月.
//!
//! A date cell is already a date when it reaches this module (the reader resolves it in the
//! workbook's own date system). A serial typed into a plain number cell is not: it is read
//! here, in the date system of the workbook it came from ([`Epoch`], recorded per table by
//! the read stage).

use chrono::{Datelike, Duration, NaiveDate};

use crate::table::{Cell, Epoch};

/// An optional date kept in packed records ([`crate::sources::packed`]) as its day number
/// (days from 0001-01-01) instead of as text: decoding a number is a fraction of parsing
/// `2012-03-04`, and a run of several districts decodes every record more than once. Used
/// as `#[serde(with = "crate::normalize::date::as_day")]`.
pub mod as_day {
    use chrono::{Datelike, NaiveDate};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(day: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        day.map(|d| d.num_days_from_ce()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let n = Option::<i32>::deserialize(d)?;
        match n {
            None => Ok(None),
            Some(n) => NaiveDate::from_num_days_from_ce_opt(n)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("day number out of range")),
        }
    }
}

/// A date as `YYYY-MM-DD`, what `format("%Y-%m-%d")` gives, without the formatting
/// machinery (the ledgers write one per child and per case).
pub fn ymd(day: NaiveDate) -> String {
    let year = day.year();
    if !(0..=9999).contains(&year) {
        return day.format("%Y-%m-%d").to_string();
    }
    let digits = [year as u32 / 1000, year as u32 / 100 % 10, year as u32 / 10 % 10, year as u32 % 10];
    let mut out = String::with_capacity(10);
    for d in digits {
        out.push(char::from(b'0' + d as u8));
    }
    for part in [day.month(), day.day()] {
        out.push('-');
        out.push(char::from(b'0' + (part / 10) as u8));
        out.push(char::from(b'0' + (part % 10) as u8));
    }
    out
}

/// The school year (1 September – 31 August) containing a day.
pub fn school_year(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start_year = if day.month() >= 9 { day.year() } else { day.year() - 1 };
    (
        NaiveDate::from_ymd_opt(start_year, 9, 1).expect("valid"),
        NaiveDate::from_ymd_opt(start_year + 1, 8, 31).expect("valid"),
    )
}

/// Excel's 1900 date system, with its fictitious 1900-02-29 accounted for.
pub fn from_serial_1900(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    // Serial 60 is the nonexistent 1900-02-29; serials above it are one day ahead.
    let base = NaiveDate::from_ymd_opt(1899, 12, 31)?;
    let days = if days > 60 { days - 1 } else { days };
    base.checked_add_signed(Duration::days(days))
}

/// Excel's 1904 date system (old Mac workbooks).
pub fn from_serial_1904(serial: f64) -> Option<NaiveDate> {
    if !(0.0..2_957_003.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1904, 1, 1)?.checked_add_signed(Duration::days(serial.floor() as i64))
}

/// Parses a full date from text in any of the forms in the module docs.
pub fn parse_text(raw: &str) -> Option<NaiveDate> {
    // A date-time keeps only its date part ("2010-05-03 00:00:00", "2010-05-03T00:00").
    let folded = super::fold(raw);
    let first = folded.split([' ', 'T']).next().unwrap_or("");
    let compacted = super::compact(first);
    let s = compacted.as_str();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    let parts = split_numbers(s);
    match parts.as_slice() {
        [y, m, d] if *y >= 1000 => NaiveDate::from_ymd_opt(*y as i32, *m, *d),
        _ => None,
    }
}

/// Parses a year-month (`2010-05`, `201005`, `2010年5月`, `2010.5`) as the first of that month.
/// A full date is accepted too.
pub fn parse_year_month(raw: &str) -> Option<NaiveDate> {
    if let Some(d) = parse_text(raw) {
        return Some(d);
    }
    let s = super::compact(raw);
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = s[..4].parse().ok()?;
        let m: u32 = s[4..].parse().ok()?;
        return NaiveDate::from_ymd_opt(y, m, 1);
    }
    match split_numbers(&s).as_slice() {
        [y, m] if *y >= 1000 => NaiveDate::from_ymd_opt(*y as i32, *m, 1),
        _ => None,
    }
}

fn split_numbers(s: &str) -> Vec<u32> {
    s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).map(|p| p.parse().unwrap_or(u32::MAX)).collect()
}

/// A date from a cell: a date cell, a number that is `yyyymmdd` or a plausible serial (in the
/// workbook's date system), or text.
pub fn from_cell(cell: &Cell, epoch: Epoch) -> Option<NaiveDate> {
    match cell {
        Cell::Date(d) => Some(*d),
        Cell::Number(n) => {
            let n = *n;
            if (19_000_101.0..=21_001_231.0).contains(&n) && n.fract() == 0.0 {
                parse_text(&format!("{}", n as i64))
            } else if (1.0..=80_000.0).contains(&n) {
                match epoch {
                    Epoch::E1900 => from_serial_1900(n),
                    Epoch::E1904 => from_serial_1904(n),
                }
            } else {
                None
            }
        }
        Cell::Text(s) => parse_text(s),
        _ => None,
    }
}

/// A year-month from a cell (入学年月): `201005` as a number is a year-month, not a serial.
pub fn year_month_from_cell(cell: &Cell, epoch: Epoch) -> Option<NaiveDate> {
    match cell {
        Cell::Number(n) if (190_001.0..=210_012.0).contains(n) && n.fract() == 0.0 => {
            parse_year_month(&format!("{}", *n as i64))
        }
        Cell::Text(s) => parse_year_month(s),
        other => from_cell(other, epoch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ymd_is_what_chrono_writes() {
        for (y, m, d) in
            [(2013, 9, 1), (2020, 12, 31), (1, 1, 1), (999, 10, 5), (9999, 12, 31), (10000, 1, 1), (-1, 3, 4)]
        {
            let day = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date");
            assert_eq!(ymd(day), day.format("%Y-%m-%d").to_string());
        }
    }

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn text_forms() {
        for s in ["2010-05-03", "2010/5/3", "2010.05.03", "2010年5月3日", "20100503", "2010-05-03 00:00:00"] {
            assert_eq!(parse_text(s), d(2010, 5, 3), "{s}");
        }
        assert_eq!(parse_text("2010-02-30"), None);
        assert_eq!(parse_year_month("2010-05"), d(2010, 5, 1));
        assert_eq!(parse_year_month("201005"), d(2010, 5, 1));
        assert_eq!(parse_year_month("2010年9月"), d(2010, 9, 1));
    }

    #[test]
    fn serials() {
        assert_eq!(from_serial_1900(40301.0), d(2010, 5, 3));
        assert_eq!(from_serial_1900(59.0), d(1900, 2, 28));
        assert_eq!(from_serial_1900(61.0), d(1900, 3, 1));
        assert_eq!(from_serial_1904(38839.0), d(2010, 5, 3));
        assert_eq!(from_cell(&Cell::Number(20100503.0), Epoch::E1904), d(2010, 5, 3));
        assert_eq!(year_month_from_cell(&Cell::Number(201005.0), Epoch::E1900), d(2010, 5, 1));
        // A serial in a plain number cell, in each date system.
        assert_eq!(from_cell(&Cell::Number(40301.0), Epoch::E1900), d(2010, 5, 3));
        assert_eq!(from_cell(&Cell::Number(38839.0), Epoch::E1904), d(2010, 5, 3));
        assert_eq!(year_month_from_cell(&Cell::Number(38839.0), Epoch::E1904), d(2010, 5, 3));
    }
}
