//! Comparing two records field by field: for each of ID, name, birth date, sex and address
//! the first level (in [`Field::levels`] order) whose condition holds, its weight, and a
//! detail the evidence sentence can quote (the differing characters, the ID positions).
//!
//! The hot path ([`levels`]) allocates nothing; the full [`Comparison`] with details is
//! built only for candidates worth keeping.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::model::{Field, Level, Weights};
use super::similar::{CharSim, NameKey};
use super::LinkRec;
use crate::normalize::address::{town_stem, village_stem};
use crate::normalize::id_number::IdStatus;

/// What a record carries into comparisons, computed once per record.
#[derive(Clone, Debug, Default)]
pub(crate) struct Prep {
    pub name: NameKey,
    pub town: Option<String>,
    pub village: Option<String>,
    /// Surname (first character), for the `town_surname` block.
    pub surname: Option<char>,
}

impl Prep {
    pub fn new(rec: &LinkRec) -> Self {
        fn nonempty(s: &Option<String>) -> Option<&str> {
            s.as_deref().filter(|t| !t.is_empty())
        }
        Prep {
            name: NameKey::new(&rec.name),
            town: nonempty(&rec.town).map(|t| town_stem(t).to_string()),
            village: nonempty(&rec.village).map(|v| village_stem(v).to_string()),
            surname: rec.name.chars().next(),
        }
    }
}

/// Prepares every record, in parallel, in order.
pub(crate) fn prepare(recs: &[LinkRec]) -> Vec<Prep> {
    use rayon::prelude::*;
    recs.par_iter().map(Prep::new).collect()
}

/// One record of a pair with its preparation.
#[derive(Clone, Copy)]
pub(crate) struct One<'a> {
    pub rec: &'a LinkRec,
    pub prep: &'a Prep,
}

/// The records of one side with their preparations.
#[derive(Clone, Copy)]
pub(crate) struct Records<'a> {
    pub recs: &'a [LinkRec],
    pub preps: &'a [Prep],
}

impl<'a> Records<'a> {
    pub fn one(&self, i: usize) -> One<'a> {
        One { rec: &self.recs[i], prep: &self.preps[i] }
    }

    pub fn len(&self) -> usize {
        self.recs.len()
    }
}

/// The five levels of a pair, in [`Field::ALL`] order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Levels(pub [Level; 5]);

impl Levels {
    pub fn score(&self, w: &Weights) -> f64 {
        self.0.iter().map(|&l| w.of(l)).sum()
    }

    pub fn name(&self) -> Level {
        self.0[1]
    }

    /// Both IDs valid and different: never linked by the fuzzy tier.
    pub fn vetoed(&self) -> bool {
        self.0[0] == Level::IdDifferentValid
    }
}

/// Whether a name level counts as "names agree" for the repair tier and for grouping
/// duplicate IDs.
pub(crate) fn names_agree(level: Level) -> bool {
    matches!(level, Level::NameExact | Level::NameHomophone | Level::NameNearSound | Level::NameLookalike)
}

/// Rank of a name level, best first (for choosing among candidates by name agreement).
/// A missing name ranks above a different one: no evidence is better than evidence against.
pub(crate) fn name_rank(level: Level) -> u8 {
    match level {
        Level::NameExact => 0,
        Level::NameHomophone => 1,
        Level::NameNearSound => 2,
        Level::NameLookalike => 3,
        Level::NameGivenSame => 4,
        Level::NameOneChar => 5,
        Level::NameMissing => 6,
        _ => 7,
    }
}

/// The levels of a pair (no allocation).
pub(crate) fn levels(a: One, b: One) -> Levels {
    Levels([
        id_level(a.rec, b.rec).0,
        name_level(&a.prep.name, &b.prep.name),
        birth_level(a.rec.birth, b.rec.birth).0,
        sex_level(a.rec, b.rec),
        address_level(a, b),
    ])
}

/// Extra information a level carries into the evidence sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    /// ID positions (1-based) that differ; `transposed` when two adjacent characters swapped.
    Positions { positions: Vec<usize>, transposed: bool },
    /// Which side(s) had no comparable ID, and in what state.
    Unusable { left: Option<IdStatus>, right: Option<IdStatus> },
    /// The differing characters of two names, left then right, position by position.
    Chars(Vec<(char, char)>),
    /// What differs between two near birth dates.
    Birth(BirthNear),
}

/// How two near birth dates differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BirthNear {
    MonthDaySwapped,
    YearOnly,
    MonthOnly,
    DayOnly,
}

impl BirthNear {
    pub fn label(self) -> &'static str {
        match self {
            BirthNear::MonthDaySwapped => "月日颠倒",
            BirthNear::YearOnly => "仅年份不同",
            BirthNear::MonthOnly => "仅月份不同",
            BirthNear::DayOnly => "仅日不同",
        }
    }
}

/// One field of a comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldComparison {
    pub field: Field,
    pub level: Level,
    pub weight: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
}

/// A pair compared on every field: the explanation of a link or review.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// ID, name, birth date, sex, address — in that order.
    pub fields: Vec<FieldComparison>,
    /// Sum of the weights.
    pub score: f64,
}

impl Comparison {
    /// The level reached on a field.
    pub fn level(&self, field: Field) -> Level {
        self.get(field).level
    }

    /// The comparison of one field.
    pub fn get(&self, field: Field) -> &FieldComparison {
        // Built in Field::ALL order, so the position is the field's index.
        &self.fields[Field::ALL.iter().position(|&f| f == field).expect("every field")]
    }

    /// Both IDs valid and different.
    pub fn vetoed(&self) -> bool {
        self.level(Field::Id) == Level::IdDifferentValid
    }
}

/// The full comparison of a pair, with details.
pub(crate) fn compare(a: One, b: One, w: &Weights) -> Comparison {
    let (id, id_detail) = id_level(a.rec, b.rec);
    let name = name_level(&a.prep.name, &b.prep.name);
    let name_detail = name_detail(name, &a.prep.name, &b.prep.name);
    let (birth, near) = birth_level(a.rec.birth, b.rec.birth);
    let parts = [
        (id, id_detail),
        (name, name_detail),
        (birth, near.map(Detail::Birth)),
        (sex_level(a.rec, b.rec), None),
        (address_level(a, b), None),
    ];
    let fields: Vec<FieldComparison> = parts
        .into_iter()
        .map(|(level, detail)| FieldComparison { field: level.field(), level, weight: w.of(level), detail })
        .collect();
    let score = fields.iter().map(|f| f.weight).sum();
    Comparison { fields, score }
}

/// The 18-character text of an ID the repair and fuzzy tiers may compare.
pub(crate) fn id18(rec: &LinkRec) -> Option<&str> {
    rec.id.repairable().then_some(rec.id.text.as_str())
}

/// One substitution, or one adjacent transposition, between two 18-character IDs:
/// the differing positions (1-based) and whether it is a transposition.
pub(crate) fn one_edit(a: &str, b: &str) -> Option<(Vec<usize>, bool)> {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return None;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match diff[..] {
        [i] => Some((vec![i + 1], false)),
        [i, j] if j == i + 1 && a[i] == b[j] && a[j] == b[i] => Some((vec![i + 1, j + 1], true)),
        _ => None,
    }
}

fn id_level(a: &LinkRec, b: &LinkRec) -> (Level, Option<Detail>) {
    match (id18(a), id18(b)) {
        (Some(x), Some(y)) => {
            if x == y {
                (Level::IdSame, None)
            } else if let Some((positions, transposed)) = one_edit(x, y) {
                (Level::IdOneEdit, Some(Detail::Positions { positions, transposed }))
            } else if a.id.is_valid() && b.id.is_valid() {
                (Level::IdDifferentValid, None)
            } else {
                (Level::IdDifferent, None)
            }
        }
        (x, y) => (
            Level::IdMissing,
            Some(Detail::Unusable {
                left: x.is_none().then_some(a.id.status),
                right: y.is_none().then_some(b.id.status),
            }),
        ),
    }
}

fn name_level(a: &NameKey, b: &NameKey) -> Level {
    let (n, m) = (a.chars.len(), b.chars.len());
    if n == 0 || m == 0 {
        return Level::NameMissing;
    }
    if a.chars == b.chars {
        return Level::NameExact;
    }
    if n != m {
        return if char_distance_is_one(&a.chars, &b.chars) { Level::NameOneChar } else { Level::NameDifferent };
    }
    let mut worst = CharSim::Same;
    let mut lookalikes = 0;
    let mut different = 0;
    for i in 0..n {
        let s = a.char_sim(i, b, i);
        worst = worst.max(s);
        match s {
            CharSim::Lookalike => lookalikes += 1,
            CharSim::Different => different += 1,
            _ => {}
        }
    }
    match worst {
        CharSim::Same => Level::NameExact,
        CharSim::Homophone => Level::NameHomophone,
        CharSim::NearSound => Level::NameNearSound,
        CharSim::Lookalike if lookalikes == 1 => Level::NameLookalike,
        _ => {
            // The given name is everything after the surname (the first character).
            if n >= 2 && a.chars[1..] == b.chars[1..] {
                Level::NameGivenSame
            } else if different + lookalikes == 1 {
                Level::NameOneChar
            } else {
                Level::NameDifferent
            }
        }
    }
}

/// One character inserted or deleted (the lengths differ by one).
fn char_distance_is_one(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    if long.len() != short.len() + 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    short[prefix..] == long[prefix + 1..]
}

fn name_detail(level: Level, a: &NameKey, b: &NameKey) -> Option<Detail> {
    match level {
        Level::NameHomophone
        | Level::NameNearSound
        | Level::NameLookalike
        | Level::NameGivenSame
        | Level::NameOneChar
            if a.chars.len() == b.chars.len() =>
        {
            let pairs: Vec<(char, char)> =
                a.chars.iter().zip(&b.chars).filter(|(x, y)| x != y).map(|(x, y)| (*x, *y)).collect();
            Some(Detail::Chars(pairs))
        }
        _ => None,
    }
}

fn birth_level(a: Option<NaiveDate>, b: Option<NaiveDate>) -> (Level, Option<BirthNear>) {
    let (Some(a), Some(b)) = (a, b) else {
        return (Level::BirthMissing, None);
    };
    if a == b {
        return (Level::BirthExact, None);
    }
    let (y, m, d) = (a.year() == b.year(), a.month() == b.month(), a.day() == b.day());
    let near = if y && a.month() == b.day() && a.day() == b.month() {
        Some(BirthNear::MonthDaySwapped)
    } else if m && d {
        Some(BirthNear::YearOnly)
    } else if y && d {
        Some(BirthNear::MonthOnly)
    } else if y && m {
        Some(BirthNear::DayOnly)
    } else {
        None
    };
    match near {
        Some(n) => (Level::BirthNear, Some(n)),
        None => (Level::BirthDifferent, None),
    }
}

fn sex_level(a: &LinkRec, b: &LinkRec) -> Level {
    match (a.sex, b.sex) {
        (Some(x), Some(y)) if x == y => Level::SexSame,
        (Some(_), Some(_)) => Level::SexDifferent,
        _ => Level::SexMissing,
    }
}

fn address_level(a: One, b: One) -> Level {
    let (pa, pb) = (a.prep, b.prep);
    let town = match (&pa.town, &pb.town) {
        (Some(x), Some(y)) => Some(x == y),
        _ => None,
    };
    if town == Some(false) {
        return Level::AddressDifferent;
    }
    let village = match (&pa.village, &pb.village) {
        (Some(x), Some(y)) => Some(x == y),
        _ => None,
    };
    match village {
        Some(true) => {
            if a.rec.group.is_some() && a.rec.group == b.rec.group {
                Level::AddressSameGroup
            } else {
                Level::AddressSameVillage
            }
        }
        Some(false) if town.is_none() => Level::AddressDifferent,
        _ if town == Some(true) => Level::AddressSameTown,
        _ => Level::AddressMissing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lvl(a: &str, b: &str) -> Level {
        name_level(&NameKey::new(a), &NameKey::new(b))
    }

    #[test]
    fn name_levels() {
        assert_eq!(lvl("张晓红", "张晓红"), Level::NameExact);
        assert_eq!(lvl("张晓红", "张小宏"), Level::NameHomophone);
        assert_eq!(lvl("李玲", "李琳"), Level::NameNearSound);
        assert_eq!(lvl("李未兰", "李末兰"), Level::NameLookalike);
        assert_eq!(lvl("张晓红", "李晓红"), Level::NameGivenSame);
        assert_eq!(lvl("张晓红", "张晓明"), Level::NameOneChar);
        assert_eq!(lvl("张晓红", "张晓"), Level::NameOneChar);
        assert_eq!(lvl("张晓红", "刘德华"), Level::NameDifferent);
        assert_eq!(lvl("", "刘德华"), Level::NameMissing);
    }

    #[test]
    fn birth_levels() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(birth_level(d(2010, 5, 3), d(2010, 5, 3)).0, Level::BirthExact);
        assert_eq!(birth_level(d(2010, 5, 3), d(2010, 3, 5)).1, Some(BirthNear::MonthDaySwapped));
        assert_eq!(birth_level(d(2010, 5, 3), d(2011, 5, 3)).1, Some(BirthNear::YearOnly));
        assert_eq!(birth_level(d(2010, 5, 3), d(2010, 5, 8)).1, Some(BirthNear::DayOnly));
        assert_eq!(birth_level(d(2010, 5, 3), d(2011, 6, 3)).0, Level::BirthDifferent);
        assert_eq!(birth_level(None, d(2011, 6, 3)).0, Level::BirthMissing);
    }

    #[test]
    fn one_edit_ids() {
        assert_eq!(one_edit("500153201005031234", "500153201005031284"), Some((vec![17], false)));
        assert_eq!(one_edit("500153201005031234", "500153201005032134"), Some((vec![15, 16], true)));
        assert_eq!(one_edit("500153201005031234", "500153201005032143"), None);
    }
}
