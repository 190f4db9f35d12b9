//! 居民身份证号 per GB 11643-1999: normalisation of what people type, the check character,
//! the 15→18 upgrade, and the birth date and sex an ID carries.
//!
//! An invalid ID is kept (as evidence for an `id_invalid` case and for the repair tier of
//! linkage) but [`IdNumber::valid`] returns `None` for it, so it is never used for an exact
//! match. A number that Excel stored as a float of 1e15 or more has lost digits for good:
//! it is [`IdStatus::Damaged`] and carries no text at all — and so is such a number saved
//! as text in scientific notation (`5.00153E+17` in a CSV). When its first 14 digits
//! survive (a 15-significant-digit float of an 18-digit number), they still hold the birth
//! date (digits 7–14): [`IdNumber::birth`] gives it, but the number itself is never matched.
//!
//! A birth date after the run's 基准日 is impossible too. [`parse`] and [`from_cell`] judge
//! what the text alone says; the pipeline then applies [`IdNumber::judged_on`] with the
//! plan's `as_of` (never the clock), so that the same inputs and the same 基准日 always give
//! the same verdicts.

use crate::text::Text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::table::{number_text, Cell};

/// Weights of the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder 0..=10.
const CHECK: [u8; 11] = *b"10X98765432";

/// What state an ID number is in after normalisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdStatus {
    /// 18 characters, a real birth date, a correct check character.
    Valid,
    /// Well formed, but the check character does not match: a typing error somewhere.
    BadCheck,
    /// The birth-date part is not a real date, or is after the run's 基准日
    /// ([`IdNumber::judged_on`]).
    BadDate,
    /// Not 15 or 18 characters of the right kind.
    BadFormat,
    /// A numeric cell of 1e15 or more: Excel kept 15 significant digits, the rest are lost.
    Damaged,
    /// Empty.
    Missing,
    /// A temporary (L) or no-ID (J) 全国学籍号, which does not carry an ID.
    NotAnId,
}

impl IdStatus {
    /// Chinese description for evidence and `kcbx check`.
    pub fn label(self) -> &'static str {
        match self {
            IdStatus::Valid => "有效",
            IdStatus::BadCheck => "校验位错误",
            IdStatus::BadDate => "出生日期无效",
            IdStatus::BadFormat => "位数或字符不符",
            IdStatus::Damaged => "数字格式损坏（科学计数法丢失末位）",
            IdStatus::Missing => "缺失",
            IdStatus::NotAnId => "非身份证号的学籍号",
        }
    }
}

/// How the ID text was obtained, when it was not simply typed as an 18-character ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdOrigin {
    Typed,
    /// A 15-digit number upgraded to 18.
    Upgraded15,
    /// The first 18 characters of a 20/22-character 残疾人证号.
    DisabilityCert,
    /// A G 全国学籍号 with its G removed.
    StudentNo,
}

/// A normalised ID number with its verdict.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdNumber {
    /// The normalised text (half-width, no spaces, upper-case X; upgraded when 15 digits).
    /// Empty for `Missing` and `Damaged`.
    pub text: Text,
    pub status: IdStatus,
    pub origin: IdOrigin,
    /// For a [`IdStatus::Damaged`] number whose first 14 digits survive: the birth date they
    /// hold (a real date, not after the 基准日). Never used to match.
    pub surviving_birth: Option<NaiveDate>,
}

/// Sex as recorded or derived from an ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

impl IdNumber {
    pub fn missing() -> Self {
        IdNumber::bare(Text::new(""), IdStatus::Missing)
    }

    /// An ID with this text and verdict, typed as it is.
    pub fn bare(text: Text, status: IdStatus) -> Self {
        IdNumber { text, status, origin: IdOrigin::Typed, surviving_birth: None }
    }

    /// A damaged number (lost digits): no text; the birth date when `digits` (the surviving
    /// leading digits of an 18-digit number) still hold all of it.
    pub fn damaged(digits: Option<&str>) -> Self {
        let mut id = IdNumber::bare(Text::new(""), IdStatus::Damaged);
        id.surviving_birth = digits.filter(|d| d.len() >= 14).and_then(birth_of);
        id
    }

    /// The verdict on the run's 基准日: a birth date after `as_of` is impossible (nobody in a
    /// census or a register taken on that day was born later), so a well-formed ID carrying
    /// one is [`IdStatus::BadDate`] — a typing error in the date part, or another number.
    pub fn judged_on(mut self, as_of: NaiveDate) -> Self {
        if matches!(self.status, IdStatus::Valid | IdStatus::BadCheck)
            && birth_of(&self.text).is_some_and(|b| b > as_of)
        {
            self.status = IdStatus::BadDate;
        }
        if self.surviving_birth.is_some_and(|b| b > as_of) {
            self.surviving_birth = None;
        }
        self
    }

    /// What is wrong with the ID, in Chinese, for evidence: [`IdStatus::label`], except that a
    /// real birth date found [`IdStatus::BadDate`] by [`IdNumber::judged_on`] is named as
    /// being after the 基准日.
    pub fn fault(&self) -> &'static str {
        match self.status {
            IdStatus::BadDate if birth_of(&self.text).is_some() => "出生日期晚于基准日",
            status => status.label(),
        }
    }

    /// The ID text when, and only when, the ID is valid: the only form used to match.
    pub fn valid(&self) -> Option<&str> {
        (self.status == IdStatus::Valid).then_some(self.text.as_str())
    }

    /// A valid number as one integer (the check character X as the digit 10 of base 11),
    /// for indexing many millions of IDs compactly; `None` when the number is not valid.
    pub fn number(&self) -> Option<u64> {
        let v = self.valid()?;
        let mut n: u64 = 0;
        for (k, b) in v.bytes().enumerate() {
            let d = match b {
                b'0'..=b'9' => u64::from(b - b'0'),
                b'X' | b'x' if k == 17 => 10,
                _ => return None,
            };
            n = n * if k == 17 { 11 } else { 10 } + d;
        }
        Some(n)
    }

    pub fn is_valid(&self) -> bool {
        self.status == IdStatus::Valid
    }

    /// Birth date encoded in a well-formed ID (valid or with only a bad check character), or
    /// in the surviving first 14 digits of a damaged one.
    pub fn birth(&self) -> Option<NaiveDate> {
        match self.status {
            IdStatus::Valid | IdStatus::BadCheck => birth_of(&self.text),
            IdStatus::Damaged => self.surviving_birth,
            _ => None,
        }
    }

    /// Sex encoded in a well-formed ID (17th character odd = male).
    pub fn sex(&self) -> Option<Sex> {
        match self.status {
            IdStatus::Valid | IdStatus::BadCheck => sex_of(&self.text),
            _ => None,
        }
    }

    /// 18 characters of the right shape, whatever the check says: usable by the repair tier.
    pub fn repairable(&self) -> bool {
        self.text.len() == 18 && matches!(self.status, IdStatus::Valid | IdStatus::BadCheck | IdStatus::BadDate)
    }
}

/// The check character for the first 17 digits of an ID (`None` if they are not digits).
pub fn check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    Some(CHECK[(sum % 11) as usize] as char)
}

/// The birth date in characters 7-14 of an ID: a real date in 1900-2100, else `None`.
pub(crate) fn birth_of(id: &str) -> Option<NaiveDate> {
    let s = id.get(6..14)?;
    let y: i32 = s[0..4].parse().ok()?;
    let m: u32 = s[4..6].parse().ok()?;
    let d: u32 = s[6..8].parse().ok()?;
    if !(1900..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn sex_of(id: &str) -> Option<Sex> {
    let c = *id.as_bytes().get(16)?;
    c.is_ascii_digit().then(|| if (c - b'0') % 2 == 1 { Sex::Male } else { Sex::Female })
}

/// Strips what people and spreadsheets add around an ID: NFKC (full-width digits, Ｘ, U+3000),
/// every kind of space, apostrophes and quotes; lower-case x becomes X.
pub fn clean(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let keep = |c: &char| {
        !c.is_whitespace() && !matches!(c, '\'' | '‘' | '’' | '"' | '“' | '”' | '`' | '\u{200b}' | '\u{feff}')
    };
    let upper_x = |c: char| if c == 'x' { 'X' } else { c };
    if super::nfkc_already(raw) {
        // NFKC would change nothing: skip it (the common case, and the costly step).
        return raw.chars().filter(keep).map(upper_x).collect();
    }
    super::renormalize(raw.nfkc().filter(keep).map(upper_x).collect())
}

/// Normalises typed ID text. See the module docs for the rules.
pub fn parse(raw: &str) -> IdNumber {
    let s = clean(raw);
    if s.is_empty() {
        return IdNumber::missing();
    }
    let upper = s.to_ascii_uppercase();
    // `5.00153E+17` as text: a number Excel showed in scientific notation, then saved as
    // text (a CSV, a copy and paste). Its digits are as lost as a numeric cell's.
    if let Some(id) = scientific(&upper) {
        return id;
    }
    // 全国学籍号: G + 18-character ID; L and J numbers are not IDs.
    if upper.len() == 19 && upper.starts_with('G') {
        let mut id = judge18(&upper[1..]);
        id.origin = IdOrigin::StudentNo;
        return id;
    }
    if (upper.starts_with('L') || upper.starts_with('J')) && upper.len() >= 15 {
        return IdNumber::bare(upper.into(), IdStatus::NotAnId);
    }
    // 残疾人证号: the ID + category digit + grade digit, reissued cards add B1..B9.
    // (A text of 20 or 22 bytes that is not ASCII is not one: the cut must fall between
    // characters.)
    if (upper.len() == 20 || upper.len() == 22) && upper.is_char_boundary(18) && is_disability_suffix(&upper[18..]) {
        let mut id = judge18(&upper[..18]);
        if id.status != IdStatus::BadFormat {
            id.origin = IdOrigin::DisabilityCert;
            return id;
        }
    }
    if upper.len() == 15 && upper.bytes().all(|b| b.is_ascii_digit()) {
        return upgrade15(&upper);
    }
    judge18(&upper)
}

/// Text in scientific notation (`5.00153E+17`, `5.00153201005031E17`): a number Excel showed
/// that way and that was then saved as text. Like a numeric cell, 1e15 or more is damaged
/// (Excel keeps 15 significant digits, an 18-digit ID has lost its last ones); so is a
/// 15-digit number whose mantissa holds fewer than 15 digits. A complete whole number
/// (`5.00153900101123E+14`) is read as the digits it spells. `None` when the text is not
/// in scientific notation.
fn scientific(s: &str) -> Option<IdNumber> {
    let (mantissa, exp) = s.split_once('E')?;
    let exp: usize = exp.strip_prefix('+').unwrap_or(exp).parse().ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let int = int.trim_start_matches('0');
    if int.is_empty() || !digits_only(int) || !digits_only(frac) || exp > 30 {
        return None;
    }
    // Digits of the whole number the text stands for.
    let places = int.len() + exp;
    let significant = int.len() + frac.len();
    if places >= 16 || (places == 15 && significant < 15) {
        // An 18-digit number keeps its birth date when 14 leading digits are written out.
        let digits = format!("{int}{frac}");
        return Some(IdNumber::damaged((places == 18).then_some(digits.as_str())));
    }
    if frac.len() > exp {
        return Some(IdNumber::bare(Text::default(), IdStatus::BadFormat));
    }
    let mut whole = format!("{int}{frac}");
    whole.extend(std::iter::repeat_n('0', places - significant));
    Some(parse(&whole))
}

fn is_disability_suffix(s: &str) -> bool {
    let b = s.as_bytes();
    let head = b.len() >= 2 && (b'1'..=b'7').contains(&b[0]) && (b'1'..=b'4').contains(&b[1]);
    head && (b.len() == 2 || (b.len() == 4 && b[2] == b'B' && (b'1'..=b'9').contains(&b[3])))
}

fn judge18(s: &str) -> IdNumber {
    let b = s.as_bytes();
    let shaped = b.len() == 18 && b[..17].iter().all(u8::is_ascii_digit) && (b[17].is_ascii_digit() || b[17] == b'X');
    let status = if !shaped {
        IdStatus::BadFormat
    } else if birth_of(s).is_none() {
        IdStatus::BadDate
    } else if check_char(&s[..17]) != Some(b[17] as char) {
        IdStatus::BadCheck
    } else {
        IdStatus::Valid
    };
    IdNumber::bare(Text::from(s), status)
}

/// 15-digit IDs: insert "19" after the area code and append the check character.
fn upgrade15(s: &str) -> IdNumber {
    let first17 = format!("{}19{}", &s[..6], &s[6..]);
    let check = check_char(&first17).expect("17 digits");
    let mut id = judge18(&format!("{first17}{check}"));
    id.origin = IdOrigin::Upgraded15;
    id
}

/// Normalises an ID from a spreadsheet cell. A float of 1e15 or more is [`IdStatus::Damaged`]:
/// its last digits were rounded away when the cell was typed or converted.
pub fn from_cell(cell: &Cell) -> IdNumber {
    match cell {
        Cell::Empty => IdNumber::missing(),
        Cell::Text(s) => parse(s),
        Cell::Number(n) => {
            if n.abs() >= 1e15 {
                IdNumber::damaged(surviving_digits(*n).as_deref())
            } else if n.fract() == 0.0 && *n >= 0.0 {
                parse(&number_text(*n))
            } else {
                IdNumber::bare(Text::new(""), IdStatus::BadFormat)
            }
        }
        Cell::Bool(_) | Cell::Date(_) | Cell::Error(_) => IdNumber::bare(Text::new(""), IdStatus::BadFormat),
    }
}

/// The 15 significant digits Excel kept of an 18-digit number (`5.00153201005031E+17` →
/// `500153201005031`), rounded as Excel rounds them rather than read off the float's binary
/// value (whose 15th digit may differ); `None` for a number of another length.
fn surviving_digits(n: f64) -> Option<String> {
    let shown = format!("{:.14e}", n.abs());
    let (mantissa, exp) = shown.split_once('e')?;
    (exp == "17").then(|| mantissa.replace('.', ""))
}

/// Positions (1-based) where two 18-character IDs differ, for evidence sentences.
pub fn differing_positions(a: &str, b: &str) -> Vec<usize> {
    a.bytes().zip(b.bytes()).enumerate().filter(|(_, (x, y))| x != y).map(|(i, _)| i + 1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a valid ID from its first 17 digits.
    fn valid(first17: &str) -> String {
        format!("{first17}{}", check_char(first17).unwrap())
    }

    #[test]
    fn check_character_of_a_known_id() {
        // The standard's own example: 11010519491231002X.
        assert_eq!(check_char("11010519491231002"), Some('X'));
        assert_eq!(parse("11010519491231002X").status, IdStatus::Valid);
        assert_eq!(parse("110105194912310021").status, IdStatus::BadCheck);
    }

    #[test]
    fn typing_faults_are_cleaned() {
        let id = valid("50015320100503123");
        let fullwidth: String = id.chars().map(|c| char::from_u32(c as u32 - 0x30 + 0xFF10).unwrap_or(c)).collect();
        assert_eq!(parse(&fullwidth).text, id);
        assert_eq!(parse(&format!("'{id}")).valid(), Some(id.as_str()));
        let spaced = format!("{} {}\u{3000}{}", &id[..6], &id[6..14], &id[14..]);
        assert_eq!(parse(&spaced).valid(), Some(id.as_str()));
        let x = valid("11010519491231002");
        assert_eq!(parse(&x.to_lowercase()).valid(), Some(x.as_str()));
    }

    #[test]
    fn fifteen_digits_are_upgraded() {
        let id = parse("500153900101123");
        assert_eq!(id.status, IdStatus::Valid);
        assert_eq!(id.origin, IdOrigin::Upgraded15);
        assert_eq!(id.text, valid("50015319900101123"));
        assert_eq!(id.birth(), NaiveDate::from_ymd_opt(1990, 1, 1));
        assert_eq!(id.sex(), Some(Sex::Male));
    }

    #[test]
    fn impossible_dates_and_damaged_numbers() {
        assert_eq!(parse(&valid("50015320100231123")).status, IdStatus::BadDate);
        let damaged = from_cell(&Cell::Number(5.00153201005031e17));
        assert_eq!(damaged.status, IdStatus::Damaged);
        assert!(damaged.valid().is_none());
        assert_eq!(from_cell(&Cell::Number(500153900101123.0)).status, IdStatus::Valid);
    }

    #[test]
    fn a_damaged_number_keeps_its_birth_date_but_no_text() {
        let birth = NaiveDate::from_ymd_opt(2010, 5, 3);
        let as_of = NaiveDate::from_ymd_opt(2020, 5, 14).unwrap();
        for id in [
            from_cell(&Cell::Number(5.00153201005031e17)),
            // A 15th digit of 0 after rounding: the float's own digits would read …05029….
            from_cell(&Cell::Number(500153201005030000.0)),
            parse("5.00153201005031E+17"),
            parse("5.0015320100503E+17"),
        ] {
            let id = id.judged_on(as_of);
            assert_eq!((id.status, id.text.as_str(), id.birth()), (IdStatus::Damaged, "", birth));
            assert!(id.valid().is_none() && id.sex().is_none() && !id.repairable());
        }
        // Too few digits left, or a date that cannot be: no birth date.
        assert_eq!(parse("5.00153E+17").birth(), None);
        assert_eq!(from_cell(&Cell::Number(5.00153201013331e17)).birth(), None);
        assert_eq!(from_cell(&Cell::Number(5.00153202105031e17)).judged_on(as_of).birth(), None);
        // Not an 18-digit number.
        assert_eq!(from_cell(&Cell::Number(5.00153201005031e16)).birth(), None);
    }

    #[test]
    fn scientific_notation_text_is_damaged() {
        for text in ["5.00153E+17", "5.00153201005031E+17", "5.00153201005031e17", " 5.00153E+17 ", "5.00153E+14"] {
            let id = parse(text);
            assert_eq!((id.status, id.text.as_str()), (IdStatus::Damaged, ""), "{text}");
            assert!(id.valid().is_none());
        }
        // A complete 15-digit number spelled out in scientific notation is that number.
        assert_eq!(parse("5.00153900101123E+14"), parse("500153900101123"));
        assert_eq!(parse("1.5E+3").status, IdStatus::BadFormat);
        assert_eq!(parse("1.55E+1").status, IdStatus::BadFormat);
        // Text that merely contains an E is judged as typed.
        assert_eq!(parse("E500153201005031234").status, IdStatus::BadFormat);
    }

    #[test]
    fn a_birth_date_after_the_as_of_date_is_impossible() {
        let as_of = NaiveDate::from_ymd_opt(2020, 5, 14).unwrap();
        let that_day = parse(&valid("50015320200514123"));
        assert_eq!(that_day.clone().judged_on(as_of).status, IdStatus::Valid);
        let next_day = parse(&valid("50015320200515123"));
        assert_eq!(next_day.status, IdStatus::Valid, "the text alone is well formed");
        let judged = next_day.judged_on(as_of);
        assert_eq!((judged.status, judged.fault()), (IdStatus::BadDate, "出生日期晚于基准日"));
        assert_eq!(parse(&valid("50015320100231123")).fault(), "出生日期无效");
        assert!(judged.valid().is_none() && judged.birth().is_none() && judged.repairable());
        // A wrong check character as well: the date is the first fault reported.
        let mut bad = valid("50015320210101123");
        bad.replace_range(17.., if bad.ends_with('0') { "1" } else { "0" });
        assert_eq!(parse(&bad).judged_on(as_of).status, IdStatus::BadDate);
        // Other verdicts are left alone.
        assert_eq!(parse("").judged_on(as_of).status, IdStatus::Missing);
    }

    #[test]
    fn certificates_and_student_numbers() {
        let id = valid("50015320100503124");
        let cert = parse(&format!("{id}42"));
        assert_eq!((cert.valid(), cert.origin), (Some(id.as_str()), IdOrigin::DisabilityCert));
        assert_eq!(parse(&format!("{id}42B2")).valid(), Some(id.as_str()));
        assert_eq!(parse(&format!("G{id}")).valid(), Some(id.as_str()));
        assert_eq!(parse("L500153201005031234").status, IdStatus::NotAnId);
        assert_eq!(parse(&id).sex(), Some(Sex::Female));
    }
}
