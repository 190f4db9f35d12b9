//! Comparing two records field by field: for each of ID, name, birth date, sex and address
//! the first level (in [`Field::levels`] order) whose condition holds, its weight, and a
//! detail the evidence sentence can quote (the differing characters, the ID positions).
//!
//! The hot path ([`levels`]) allocates nothing; the full [`Comparison`] with details is
//! built only for candidates worth keeping.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::intern::{intern, NONE};
use super::similar::{CharSim, NameKey};
use super::LinkRec;
use crate::normalize::address::{town_stem, village_stem};
use crate::normalize::id_number::{IdStatus, Sex};
use crate::schema::linkage::{Field, Level, Weights};

/// What a record carries into comparisons, computed once per record.
#[derive(Clone, Debug, Default)]
pub(crate) struct Prep {
    pub name: NameKey,
    pub hot: Hot,
}

impl Prep {
    pub fn new(rec: &LinkRec) -> Self {
        let name = NameKey::new(&rec.name);
        let hot = Hot::new(rec, &name);
        Prep { name, hot }
    }
}

/// Everything but the name readings, in 56 bytes and without pointers: the fuzzy tier
/// copies it into its block lists and decides most candidate pairs from it alone, reading
/// memory in order (see [`super::block`]). Texts are interned ([`intern`]): equal numbers
/// are equal texts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hot {
    pub birth: Option<NaiveDate>,
    /// A hash of the normalised name, never 0; 0 when the name is empty. Equal names have
    /// equal hashes (the converse almost always holds: [`super::block`] treats equal hashes
    /// as "maybe equal", which keeps its bound safe).
    pub name: u32,
    /// [`NameKey::sound_mask`] of the name.
    pub sound: u32,
    /// The district of the record's town or village key ([`crate::sources::district::of_key`]), or
    /// [`NONE`] (always in a district run): the birth-date and pinyin blocks are per
    /// district, so two districts' records meet only by ID or by an address key.
    pub district: u32,
    /// Town stem ([`town_stem`]) and village stem ([`village_stem`]), or [`NONE`].
    pub town: u32,
    pub village: u32,
    /// 社 / 组 number, or [`NONE`].
    pub group: u32,
    /// First character of the name, or [`NONE`].
    pub surname: u32,
    /// The `name_pinyin` block key, or [`NONE`].
    pub pinyin: u32,
    pub sex: Option<Sex>,
    /// 0: no comparable 18-character ID; 1: comparable but not valid; 2: valid.
    pub id_kind: u8,
    /// The 18 characters when `id_kind > 0`.
    pub id: [u8; 18],
}

impl Default for Hot {
    fn default() -> Self {
        Hot {
            birth: None,
            name: 0,
            sound: 0,
            district: NONE,
            town: NONE,
            village: NONE,
            group: NONE,
            surname: NONE,
            pinyin: NONE,
            sex: None,
            id_kind: 0,
            id: [0; 18],
        }
    }
}

impl Hot {
    pub fn new(rec: &LinkRec, name: &NameKey) -> Self {
        fn nonempty(s: &Option<crate::text::Text>) -> Option<&str> {
            s.as_deref().filter(|t| !t.is_empty())
        }
        let mut hot = Hot {
            birth: rec.birth,
            name: name_hash(&rec.name),
            sound: name.sound_mask(),
            district: nonempty(&rec.town)
                .or(nonempty(&rec.village))
                .and_then(crate::sources::district::of_key)
                .map_or(NONE, intern),
            town: nonempty(&rec.town).map_or(NONE, |t| intern(town_stem(t))),
            village: nonempty(&rec.village).map_or(NONE, |v| intern(village_stem(v))),
            group: rec.group.unwrap_or(NONE),
            surname: rec.name.chars().next().map_or(NONE, u32::from),
            pinyin: name.block_key,
            sex: rec.sex,
            ..Hot::default()
        };
        hot.set_id(rec);
        hot
    }

    /// Refreshes the ID part (after a record's ID was filled in from another source).
    pub fn set_id(&mut self, rec: &LinkRec) {
        match id18(rec) {
            Some(text) => {
                self.id_kind = if rec.id.is_valid() { 2 } else { 1 };
                self.id.copy_from_slice(text.as_bytes());
            }
            None => {
                self.id_kind = 0;
                self.id = [0; 18];
            }
        }
    }
}

fn name_hash(name: &str) -> u32 {
    use std::hash::Hasher;
    if name.is_empty() {
        return 0;
    }
    let mut h = super::intern::Fnv::default();
    h.write(name.as_bytes());
    let h = h.finish();
    (h ^ (h >> 32)) as u32 | 1
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
    let (x, y) = (&a.prep.hot, &b.prep.hot);
    Levels([
        id_level_hot(x, y),
        name_level(&a.prep.name, &b.prep.name),
        birth_level(x.birth, y.birth).0,
        sex_level(x.sex, y.sex),
        address_level(x, y),
    ])
}

/// The ID level from the [`Hot`] parts (the same as [`id_level`]'s, without allocating).
pub(crate) fn id_level_hot(x: &Hot, y: &Hot) -> Level {
    if x.id_kind == 0 || y.id_kind == 0 {
        return Level::IdMissing;
    }
    if x.id == y.id {
        return Level::IdSame;
    }
    let mut diff = [0usize; 2];
    let mut n = 0;
    for i in 0..18 {
        if x.id[i] != y.id[i] {
            if n == 2 {
                n = 3;
                break;
            }
            diff[n] = i;
            n += 1;
        }
    }
    let one_edit = match n {
        1 => true,
        2 => {
            let (i, j) = (diff[0], diff[1]);
            j == i + 1 && x.id[i] == y.id[j] && x.id[j] == y.id[i]
        }
        _ => false,
    };
    if one_edit {
        Level::IdOneEdit
    } else if x.id_kind == 2 && y.id_kind == 2 {
        Level::IdDifferentValid
    } else {
        Level::IdDifferent
    }
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
    /// Boxed: most fields have none, and a run holds a comparison for every link made
    /// (a million at city scale) until its evidence sentence is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Box<Detail>>,
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
        (sex_level(a.rec.sex, b.rec.sex), None),
        (address_level(&a.prep.hot, &b.prep.hot), None),
    ];
    let fields: Vec<FieldComparison> = parts
        .into_iter()
        .map(|(level, detail)| FieldComparison {
            field: level.field(),
            level,
            weight: w.of(level),
            detail: detail.map(Box::new),
        })
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

pub(crate) fn name_level(a: &NameKey, b: &NameKey) -> Level {
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

pub(crate) fn birth_level(a: Option<NaiveDate>, b: Option<NaiveDate>) -> (Level, Option<BirthNear>) {
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

pub(crate) fn sex_level(a: Option<Sex>, b: Option<Sex>) -> Level {
    match (a, b) {
        (Some(x), Some(y)) if x == y => Level::SexSame,
        (Some(_), Some(_)) => Level::SexDifferent,
        _ => Level::SexMissing,
    }
}

/// Address level from interned town and village stems (equal numbers: equal stems).
pub(crate) fn address_level(a: &Hot, b: &Hot) -> Level {
    let both = |x: u32, y: u32| (x != NONE && y != NONE).then_some(x == y);
    let town = both(a.town, b.town);
    if town == Some(false) {
        return Level::AddressDifferent;
    }
    let village = both(a.village, b.village);
    match village {
        Some(true) => {
            if a.group != NONE && a.group == b.group {
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

    /// The block lists copy [`Hot`] for every record: it stays small and pointer-free.
    #[test]
    fn hot_part_is_56_bytes() {
        assert_eq!(std::mem::size_of::<Hot>(), 56);
    }

    /// The quick test never calls a pair "different" that any other level fits.
    #[test]
    fn certainly_different_names_are_different() {
        let names = [
            "张晓红",
            "张小宏",
            "章晓红",
            "李晓红",
            "张晓明",
            "张晓",
            "晓红",
            "刘德华",
            "李玲",
            "李琳",
            "李未兰",
            "李末兰",
            "王",
            "玉",
            "汪",
            "李",
            "伟",
            "张伟",
            "张伟伟",
            "Anna",
            "阿娜",
            "王芳",
            "王方",
            "黄芳",
            "欧阳娜娜",
            "欧阳那",
            "未",
            "末",
            "宁",
            "林",
            "张·明",
            "张明",
        ];
        let keys: Vec<NameKey> = names.iter().map(|n| NameKey::new(n)).collect();
        let mut pruned = 0;
        for (a, ka) in names.iter().zip(&keys) {
            for (b, kb) in names.iter().zip(&keys) {
                if crate::link::similar::names_certainly_differ(ka.sound_mask(), kb.sound_mask()) {
                    pruned += 1;
                    assert_eq!(name_level(ka, kb), Level::NameDifferent, "{a} / {b}");
                }
            }
        }
        assert!(pruned > 100, "the test prunes pairs: {pruned}");
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
