//! The linkage model as data (Splink-style): blocking keys, comparison levels per field
//! with their weights, and the accept / review thresholds. Read from the pipeline's
//! `[linkage]` table, defaulted, validated, and written into every run folder as
//! `linkage_model.json` (see [`LinkConfig::model`]).
//!
//! A weight is a log2 Bayes factor: how much more often a level is seen between two records
//! of the same child than between two records of different children in the same block.
//! A candidate's score is the sum of its five fields' weights (ID, name, birth date, sex,
//! address); for every field the first level whose condition holds is the one that counts.
//!
//! Every level is one row of [`LEVELS`]: its field, its `[linkage.weights]` key, its
//! default weight and, in plain Chinese, its condition. The defaults ([`Weights::default`]),
//! the TOML override keys, the scorer's lookup ([`Weights::of`]), the order a field's levels
//! are tried ([`Field::levels`]), `linkage_model.json` and the README's linkage block are all
//! read from that table. The thresholds and blocks (each key can be set in the pipeline file):
//!
//! ```toml
//! [linkage]
//! accept = 10.5   # fuzzy candidates scoring >= accept are linked
//! review = 6.0    # review <= score < accept: not linked, a match_review case
//! blocks = ["birth_date", "town_surname", "name_pinyin"]
//!
//! [linkage.weights]
//! name_exact = 9.0   # any level's key from the table; unset keys keep their default
//! ```
//!
//! Why these numbers: twins (same birth date and household, given names one character
//! apart) score -3 + 7 + 1 + 4 = 9 at most when one ID is missing, below `accept`; a child
//! whose ID is missing on one side, with the same name, birth date and village, scores
//! 8 + 7 + 1 + 3 = 19; a homophone name with birth date and village, 17; the same name
//! with no birth date on one side and only the town in common, 8 + 1 + 1 = 10: two
//! children named alike in one town are not rare enough to link on that, so it is a
//! review. `accept` = 10.5 keeps that 10 below the line and 11 (a homophone name, same
//! village and sex, no birth date) above it. Two 18-character IDs more than one edit apart
//! (`id_different`, -8) are nearly as telling as two different valid IDs: a typo changes
//! one character, so an ID three characters off is someone else's — at district scale two
//! children share a name, a birth date and a sex often enough that this matters.

use serde::{Deserialize, Serialize};

/// `[linkage]` in a pipeline file. Every key optional; see the module docs for defaults.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkConfig {
    /// Score at or above which a fuzzy candidate is linked. Default 10.5.
    pub accept: f64,
    /// Score at or above which (and below `accept`) a candidate becomes a match_review case.
    /// Default 6.0.
    pub review: f64,
    /// Blocking keys of the fuzzy tier: only records sharing at least one key are compared.
    /// Default: all three (`birth_date`, `town_surname`, `name_pinyin`).
    pub blocks: Vec<BlockKey>,
    /// Weight of every comparison level (`[linkage.weights]`).
    pub weights: Weights,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig { accept: 10.5, review: 6.0, blocks: BlockKey::ALL.to_vec(), weights: Weights::default() }
    }
}

/// A blocking key of the fuzzy tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKey {
    /// Same birth date.
    BirthDate,
    /// Same town and same surname (first character of the name).
    TownSurname,
    /// Same full-name pinyin, toneless, with the usual fuzzy-sound pairs folded
    /// (z/zh, c/ch, s/sh, l/n, an/ang, en/eng, in/ing), so 玲/琳 share a block.
    NamePinyin,
}

impl BlockKey {
    pub const ALL: [BlockKey; 3] = [BlockKey::BirthDate, BlockKey::TownSurname, BlockKey::NamePinyin];

    /// What the key means, for `linkage_model.json`.
    pub fn description(self) -> &'static str {
        match self {
            BlockKey::BirthDate => "出生日期相同 (same birth date)",
            BlockKey::TownSurname => "同镇街且同姓 (same town and surname)",
            BlockKey::NamePinyin => {
                "姓名拼音相同（含 z/zh、c/ch、s/sh、l/n、an/ang、en/eng、in/ing 模糊音） (same full-name pinyin, fuzzy sounds folded)"
            }
        }
    }
}

/// A compared field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Id,
    Name,
    Birth,
    Sex,
    Address,
}

impl Field {
    pub const ALL: [Field; 5] = [Field::Id, Field::Name, Field::Birth, Field::Sex, Field::Address];

    /// Chinese name of the field.
    pub fn label(self) -> &'static str {
        match self {
            Field::Id => "身份证号",
            Field::Name => "姓名",
            Field::Birth => "出生日期",
            Field::Sex => "性别",
            Field::Address => "住址",
        }
    }

    /// The field's levels in the order they are tried (the first that holds wins): the
    /// field's rows of [`LEVELS`], in table order.
    pub fn levels(self) -> impl Iterator<Item = Level> {
        LEVELS.iter().filter(move |row| row.field == self).map(|row| row.level)
    }
}

/// One comparison level of one field. The snake_case name (`name_homophone`) is the key of
/// its weight in `[linkage.weights]` and in `linkage_model.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    IdSame,
    IdOneEdit,
    IdMissing,
    IdDifferentValid,
    IdDifferent,
    NameExact,
    NameHomophone,
    NameNearSound,
    NameLookalike,
    NameGivenSame,
    NameOneChar,
    NameDifferent,
    NameMissing,
    BirthExact,
    BirthNear,
    BirthMissing,
    BirthDifferent,
    SexSame,
    SexMissing,
    SexDifferent,
    AddressSameGroup,
    AddressSameVillage,
    AddressSameTown,
    AddressMissing,
    AddressDifferent,
}

/// One row of the level table: a comparison level, Splink-style.
#[derive(Clone, Copy, Debug)]
pub struct LevelRow {
    pub level: Level,
    /// The field it compares.
    pub field: Field,
    /// Its key in `[linkage.weights]` and `linkage_model.json` (`name_homophone`).
    pub key: &'static str,
    /// Default weight (log2 Bayes factor).
    pub default: f64,
    /// When the level holds, in plain Chinese.
    pub condition: &'static str,
}

const fn row(level: Level, field: Field, key: &'static str, default: f64, condition: &'static str) -> LevelRow {
    LevelRow { level, field, key, default, condition }
}

/// Every comparison level: for each field, its levels in the order they are tried (the first
/// that holds wins). The one place a level's key, default weight and condition are written.
pub const LEVELS: [LevelRow; N_LEVELS] = {
    use Field::*;
    use Level::*;
    [
        row(IdMissing, Id, "id_missing", 0.0, "一方无可比的18位号码（缺失、数字格式损坏、临时学籍号、位数不符）"),
        row(IdSame, Id, "id_same", 10.0, "18位号码完全相同"),
        row(IdOneEdit, Id, "id_one_edit", 6.0, "18位号码仅一位不同或相邻两位颠倒"),
        // Never linked, whatever the score.
        row(IdDifferentValid, Id, "id_different_valid", -12.0, "双方号码均有效且不同：视为不同的人，无论得分都不链接"),
        row(IdDifferent, Id, "id_different", -8.0, "号码不同（至少一方校验不通过）"),
        row(NameMissing, Name, "name_missing", 0.0, "一方姓名缺失"),
        row(NameExact, Name, "name_exact", 8.0, "姓名完全相同（已去空格）"),
        row(NameHomophone, Name, "name_homophone", 6.0, "逐字同音（任一读音相同，如 晓/小、红/宏）"),
        row(
            NameNearSound,
            Name,
            "name_near_sound",
            4.5,
            "逐字同音或近音（z/zh、c/ch、s/sh、l/n、an/ang、en/eng、in/ing，如 玲/琳）",
        ),
        row(NameLookalike, Name, "name_lookalike", 4.5, "一字形近（如 未/末、晴/睛），其余相同或同音"),
        row(NameGivenSame, Name, "name_given_same", 0.0, "名相同，姓不同"),
        row(NameOneChar, Name, "name_one_char", -3.0, "仅一字不同（或多/少一字）"),
        row(NameDifferent, Name, "name_different", -8.0, "姓名不同"),
        row(BirthMissing, Birth, "birth_missing", 0.0, "一方出生日期缺失"),
        row(BirthExact, Birth, "birth_exact", 7.0, "出生日期相同"),
        row(BirthNear, Birth, "birth_near", 1.0, "年、月、日仅一项不同，或月日颠倒"),
        row(BirthDifferent, Birth, "birth_different", -6.0, "出生日期不同"),
        row(SexMissing, Sex, "sex_missing", 0.0, "一方性别缺失"),
        row(SexSame, Sex, "sex_same", 1.0, "性别相同"),
        row(SexDifferent, Sex, "sex_different", -4.0, "性别不同"),
        row(AddressMissing, Address, "address_missing", 0.0, "一方镇街与村均缺失，或无法比较"),
        row(AddressSameGroup, Address, "address_same_group", 4.0, "镇街、村（社区）、社（组）均相同"),
        row(AddressSameVillage, Address, "address_same_village", 3.0, "镇街、村（社区）相同（一方镇街缺失时只比村）"),
        row(AddressSameTown, Address, "address_same_town", 1.0, "镇街相同"),
        row(AddressDifferent, Address, "address_different", -1.0, "镇街不同，或村不同且无法比镇街"),
    ]
};

/// How many levels there are (variants of [`Level`]).
pub const N_LEVELS: usize = 25;

/// `ROW_OF[level as usize]`: the level's row in [`LEVELS`]. Built at compile time, which
/// also checks that every level has exactly one row.
const ROW_OF: [usize; N_LEVELS] = {
    let mut idx = [usize::MAX; N_LEVELS];
    let mut i = 0;
    while i < N_LEVELS {
        let l = LEVELS[i].level as usize;
        assert!(idx[l] == usize::MAX, "a level has two rows in LEVELS");
        idx[l] = i;
        i += 1;
    }
    idx
};

/// The `[linkage.weights]` keys in declaration order of [`Level`] (the order they are
/// serialized in, and named in an unknown-key error).
const KEYS: [&str; N_LEVELS] = {
    let mut keys = [""; N_LEVELS];
    let mut i = 0;
    while i < N_LEVELS {
        keys[i] = LEVELS[ROW_OF[i]].key;
        i += 1;
    }
    keys
};

impl Level {
    /// The level's row in [`LEVELS`].
    pub fn row(self) -> &'static LevelRow {
        &LEVELS[ROW_OF[self as usize]]
    }

    /// The field this level belongs to.
    pub fn field(self) -> Field {
        self.row().field
    }

    /// The key (`name_homophone`), as in `[linkage.weights]`.
    pub fn key(self) -> &'static str {
        self.row().key
    }

    /// The condition under which the level holds, for `linkage_model.json`.
    pub fn condition(self) -> &'static str {
        self.row().condition
    }
}

/// `[linkage.weights]`: the weight (log2 Bayes factor) of every level, indexed by level.
/// Defaults, keys and conditions are the rows of [`LEVELS`]; a pipeline file sets any of the
/// keys, and an unknown key is refused.
#[derive(Clone, Debug)]
pub struct Weights([f64; N_LEVELS]);

impl Default for Weights {
    fn default() -> Self {
        Weights(std::array::from_fn(|i| LEVELS[ROW_OF[i]].default))
    }
}

impl Weights {
    /// The weight of a level.
    pub fn of(&self, level: Level) -> f64 {
        self.0[level as usize]
    }

    /// Sets the weight of a level.
    pub fn set(&mut self, level: Level, weight: f64) {
        self.0[level as usize] = weight;
    }
}

impl Serialize for Weights {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Weights", N_LEVELS)?;
        for (key, w) in KEYS.iter().zip(self.0.iter()) {
            st.serialize_field(key, w)?;
        }
        st.end()
    }
}

impl<'de> Deserialize<'de> for Weights {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Weights;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("struct Weights")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Weights, A::Error> {
                let mut w = Weights::default();
                let mut seen = [false; N_LEVELS];
                while let Some(key) = map.next_key::<String>()? {
                    let Some(i) = KEYS.iter().position(|k| *k == key) else {
                        return Err(serde::de::Error::unknown_field(&key, &KEYS));
                    };
                    if std::mem::replace(&mut seen[i], true) {
                        return Err(serde::de::Error::duplicate_field(KEYS[i]));
                    }
                    w.0[i] = map.next_value()?;
                }
                Ok(w)
            }
        }
        d.deserialize_struct("Weights", &KEYS, V)
    }
}

/// How a link was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Tier 1: the same valid ID on both sides.
    ExactId,
    /// Tier 2: IDs one substitution or adjacent transposition apart, one side failing its
    /// check character, names agreeing.
    RepairedId,
    /// Tier 3: weighted comparison of name, birth date, sex, ID and address.
    Fuzzy,
}

impl Method {
    /// The name written into cases and evidence (`exact_id`, `repaired_id`, `fuzzy`).
    pub fn key(self) -> &'static str {
        match self {
            Method::ExactId => "exact_id",
            Method::RepairedId => "repaired_id",
            Method::Fuzzy => "fuzzy",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Method::ExactId => "身份证号一致",
            Method::RepairedId => "身份证号纠错",
            Method::Fuzzy => "模糊匹配",
        }
    }
}

/// The effective model as written to `linkage_model.json`.
#[derive(Clone, Debug, Serialize)]
pub struct LinkModel {
    /// The tiers, in the order they run.
    pub tiers: Vec<TierDesc>,
    pub accept: f64,
    pub review: f64,
    pub blocks: Vec<BlockDesc>,
    pub fields: Vec<FieldDesc>,
    /// Rules that are not weights: one-to-one assignment, ties, the two-valid-IDs veto.
    pub rules: Vec<&'static str>,
}

/// One tier of `linkage_model.json`.
#[derive(Clone, Debug, Serialize)]
pub struct TierDesc {
    pub method: Method,
    pub description: &'static str,
}

/// One blocking key of `linkage_model.json`.
#[derive(Clone, Debug, Serialize)]
pub struct BlockDesc {
    pub key: BlockKey,
    pub description: &'static str,
}

/// One compared field of `linkage_model.json`, its levels in the order they are tried.
#[derive(Clone, Debug, Serialize)]
pub struct FieldDesc {
    pub field: Field,
    pub label: &'static str,
    pub levels: Vec<LevelDesc>,
}

/// One level of `linkage_model.json`.
#[derive(Clone, Debug, Serialize)]
pub struct LevelDesc {
    pub level: Level,
    pub condition: &'static str,
    pub weight: f64,
}

impl LinkConfig {
    /// Checks the thresholds and weights make sense. Returns every problem found, joined.
    pub fn validate(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if !self.accept.is_finite() || !self.review.is_finite() {
            problems.push("accept 与 review 必须是有限数值".to_string());
        } else {
            if self.review > self.accept {
                problems.push(format!("review ({}) 不能大于 accept ({})", self.review, self.accept));
            }
            if self.accept <= 0.0 {
                problems.push(format!("accept ({}) 必须大于 0", self.accept));
            }
        }
        if self.blocks.is_empty() {
            problems.push("blocks 不能为空（至少一个分块键）".to_string());
        }
        let mut seen = self.blocks.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != self.blocks.len() {
            problems.push("blocks 中有重复的分块键".to_string());
        }
        let w = &self.weights;
        for field in Field::ALL {
            for level in field.levels() {
                let v = w.of(level);
                if !v.is_finite() || v.abs() > 100.0 {
                    problems.push(format!("weights.{} ({v}) 必须是 -100 到 100 之间的数值", level.key()));
                }
            }
        }
        // Agreement must not weigh less than weaker agreement, or the first-level-wins order
        // would reward worse evidence.
        use Level::*;
        let chains: [&[Level]; 5] = [
            &[IdSame, IdOneEdit, IdDifferent],
            &[NameExact, NameHomophone, NameNearSound, NameOneChar, NameDifferent],
            &[BirthExact, BirthNear, BirthDifferent],
            &[SexSame, SexDifferent],
            &[AddressSameGroup, AddressSameVillage, AddressSameTown, AddressDifferent],
        ];
        for chain in chains {
            for pair in chain.windows(2) {
                if w.of(pair[0]) < w.of(pair[1]) {
                    problems.push(format!(
                        "weights.{} ({}) 不能小于 weights.{} ({})",
                        pair[0].key(),
                        w.of(pair[0]),
                        pair[1].key(),
                        w.of(pair[1])
                    ));
                }
            }
        }
        if w.of(IdDifferentValid) > 0.0 {
            problems.push(format!("weights.id_different_valid ({}) 不能为正", w.of(IdDifferentValid)));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("；"))
        }
    }

    /// The effective model, for `linkage_model.json`.
    pub fn model(&self) -> LinkModel {
        LinkModel {
            tiers: vec![
                TierDesc {
                    method: Method::ExactId,
                    description: "第一层：双方有效身份证号完全相同；同号多条时姓名最接近者优先，其余进入后续层",
                },
                TierDesc {
                    method: Method::RepairedId,
                    description: "第二层：双方18位号码仅一位不同或相邻两位颠倒，一方校验位不通过（该方为录入错误，按另一方更正），且姓名相同、同音、近音或形近",
                },
                TierDesc {
                    method: Method::Fuzzy,
                    description: "第三层：前两层未链接的记录在分块内逐对比较，各字段取第一个成立的级别，得分为权重之和",
                },
            ],
            accept: self.accept,
            review: self.review,
            blocks: self.blocks.iter().map(|&key| BlockDesc { key, description: key.description() }).collect(),
            fields: Field::ALL
                .iter()
                .map(|&field| FieldDesc {
                    field,
                    label: field.label(),
                    levels: field
                        .levels()
                        .map(|level| LevelDesc { level, condition: level.condition(), weight: self.weights.of(level) })
                        .collect(),
                })
                .collect(),
            rules: vec![
                "得分 >= accept：链接；review <= 得分 < accept：不链接，列为疑似匹配待核实 (match_review)",
                "一对一：每条记录至多链接一次；两条记录争同一条时得分高者胜，同分则都不链接、列为疑似匹配",
                "双方身份证号均有效且不同：模糊匹配永不链接（至多列为疑似匹配）",
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_toml_overrides() {
        LinkConfig::default().validate().unwrap();
        let cfg: LinkConfig =
            toml::from_str("accept = 12.0\nblocks = [\"birth_date\"]\n[weights]\nname_exact = 9.0\n").unwrap();
        assert_eq!(cfg.accept, 12.0);
        assert_eq!(cfg.review, 6.0);
        assert_eq!(cfg.blocks, vec![BlockKey::BirthDate]);
        assert_eq!(cfg.weights.of(Level::NameExact), 9.0);
        assert_eq!(cfg.weights.of(Level::NameHomophone), 6.0);
        assert!(toml::from_str::<LinkConfig>("[weights]\nname_exactt = 1.0\n").is_err());
    }

    #[test]
    fn bad_configs_are_refused() {
        let cfg = LinkConfig { review: 11.0, ..LinkConfig::default() };
        assert!(cfg.validate().unwrap_err().contains("review"));
        let mut cfg = LinkConfig::default();
        cfg.weights.set(Level::NameHomophone, 9.0);
        assert!(cfg.validate().unwrap_err().contains("name_exact"));
        let cfg = LinkConfig { blocks: vec![], ..LinkConfig::default() };
        assert!(cfg.validate().is_err());
    }

    #[test]
    fn model_lists_every_level_with_its_weight() {
        let json = serde_json::to_value(LinkConfig::default().model()).unwrap();
        let fields = json["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 5);
        let name = &fields[1];
        assert_eq!(name["field"], "name");
        assert_eq!(name["levels"][1]["level"], "name_exact");
        assert_eq!(name["levels"][1]["weight"], 8.0);
        assert_eq!(json["accept"], 10.5);
        assert_eq!(json["blocks"][0]["key"], "birth_date");
    }
}
