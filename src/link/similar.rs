//! How alike two name characters are: the same, homophones (a reading in common: 晓/小,
//! 红/宏), near sounds (the fuzzy-sound pairs of Chinese input methods: 玲/琳 ling/lin),
//! or look-alikes (未/末). Used by the comparison of names in every tier.
//!
//! Why not Jaro-Winkler: a Chinese given name has one or two characters, strsim's Jaro
//! match window is zero for strings of two or three characters, and a homophone shares no
//! character at all with the character it replaced. Comparing position by position, by
//! character and by pinyin, says what actually happened.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use super::intern::intern;
use crate::normalize::name;

/// How two characters at the same position of two names relate, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CharSim {
    Same,
    /// A reading in common.
    Homophone,
    /// Readings equal after folding the fuzzy-sound pairs.
    NearSound,
    /// Written alike (the look-alike table).
    Lookalike,
    Different,
}

/// A name prepared once for many comparisons.
#[derive(Clone, Debug, Default)]
pub struct NameKey {
    pub chars: Vec<char>,
    /// Readings of each character (shared, computed once per distinct character).
    info: Vec<&'static CharInfo>,
    /// The `name_pinyin` block key, interned ([`intern`]; `NONE` for an empty name): the
    /// first reading of each character, folded, joined with `'`.
    pub block_key: u32,
}

/// The readings of one character.
#[derive(Debug, Default)]
struct CharInfo {
    /// Toneless readings.
    readings: Vec<&'static str>,
    /// The readings folded by [`fuzzy_syllable`], without repeats next to each other.
    fuzzy: Vec<&'static str>,
    /// [`NameKey::sound_mask`] bits of this character.
    sound: u32,
}

impl CharInfo {
    fn new(c: char) -> Self {
        let readings = name::readings(c);
        let mut fuzzy: Vec<&'static str> =
            readings.iter().map(|r| &*Box::leak(fuzzy_syllable(r).into_boxed_str())).collect();
        fuzzy.dedup();
        // One bit per folded reading; a character without readings, a bit of its own.
        let bit = |bytes: &[u8]| {
            let h = bytes.iter().fold(0x811c_9dc5_u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
            1u32 << (h % 31)
        };
        let sound = if fuzzy.is_empty() {
            bit(c.encode_utf8(&mut [0; 4]).as_bytes())
        } else {
            fuzzy.iter().fold(0, |m, f| m | bit(f.as_bytes()))
        };
        CharInfo { readings, fuzzy, sound }
    }
}

/// The readings of a character, computed once per process: names use a few thousand
/// distinct characters, and looking readings up is most of the cost of preparing a name.
/// The common CJK block is a lock-free table; other characters go through a map.
fn char_info(c: char) -> &'static CharInfo {
    const FIRST: u32 = 0x4E00;
    const LAST: u32 = 0x9FFF;
    static TABLE: OnceLock<Vec<OnceLock<&'static CharInfo>>> = OnceLock::new();
    static OTHERS: OnceLock<Mutex<HashMap<char, &'static CharInfo>>> = OnceLock::new();
    let n = u32::from(c);
    if (FIRST..=LAST).contains(&n) {
        let table = TABLE.get_or_init(|| (FIRST..=LAST).map(|_| OnceLock::new()).collect());
        return table[(n - FIRST) as usize].get_or_init(|| Box::leak(Box::new(CharInfo::new(c))));
    }
    let mut others = OTHERS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    others.entry(c).or_insert_with(|| Box::leak(Box::new(CharInfo::new(c))))
}

impl NameKey {
    pub fn new(name_text: &str) -> Self {
        let chars: Vec<char> = name_text.chars().collect();
        let info: Vec<&'static CharInfo> = chars.iter().map(|&c| char_info(c)).collect();
        let mut key = String::with_capacity(chars.len() * 8);
        for (c, i) in chars.iter().zip(&info) {
            match i.fuzzy.first() {
                Some(s) => key.push_str(s),
                None => key.push(*c),
            }
            // A separator keeps `xi'an` apart from `xian`.
            key.push('\'');
        }
        NameKey { chars, info, block_key: intern(&key) }
    }

    /// A summary of the name's sounds for a quick "certainly different" test: bit 31 set
    /// when the name has two characters or more, bits 0-30 a bloom set of the characters'
    /// folded readings (a character without readings sets a bit of its own); 0 for an
    /// empty name.
    ///
    /// Two characters that are the same, homophones or near sounds share a folded reading
    /// or are one character, so they share a bit. Every name level above `name_different`
    /// needs, between two names one of which has two characters or more, at least one such
    /// position (all but one position agree, or — different lengths — all of the shorter
    /// name's characters reappear in the longer). So two such names whose bits 0-30 have
    /// nothing in common are `name_different` ([`names_certainly_differ`]).
    pub fn sound_mask(&self) -> u32 {
        if self.chars.is_empty() {
            return 0;
        }
        let bits = self.info.iter().fold(0, |m, i| m | i.sound);
        if self.chars.len() >= 2 {
            bits | 1 << 31
        } else {
            bits
        }
    }

    /// How the characters at `i` (here) and `j` (there) relate.
    pub fn char_sim(&self, i: usize, other: &NameKey, j: usize) -> CharSim {
        let (a, b) = (self.chars[i], other.chars[j]);
        if a == b {
            return CharSim::Same;
        }
        let (x, y) = (self.info[i], other.info[j]);
        if x.readings.iter().any(|r| y.readings.contains(r)) {
            return CharSim::Homophone;
        }
        if x.fuzzy.iter().any(|r| y.fuzzy.contains(r)) {
            return CharSim::NearSound;
        }
        if lookalike(a, b) {
            return CharSim::Lookalike;
        }
        CharSim::Different
    }
}

/// Whether two names with these [`NameKey::sound_mask`]s are certainly at the level
/// `name_different` (both present, one of two characters or more, no sound in common).
pub fn names_certainly_differ(a: u32, b: u32) -> bool {
    const LONG: u32 = 1 << 31;
    a != 0 && b != 0 && (a | b) & LONG != 0 && a & b & !LONG == 0
}

/// Folds the fuzzy-sound pairs that input methods offer and that people in the southwest
/// mix up when saying or hearing a name: zh/ch/sh → z/c/s, n → l, ang/eng/ing → an/en/in.
pub fn fuzzy_syllable(s: &str) -> String {
    let mut t = s.to_string();
    for (from, to) in [("zh", "z"), ("ch", "c"), ("sh", "s")] {
        if t.starts_with(from) {
            t.replace_range(..2, to);
            break;
        }
    }
    if t.len() > 1 && t.starts_with('n') {
        t.replace_range(..1, "l");
    }
    let folded_final = t.len() > 3 && (t.ends_with("ang") || t.ends_with("eng") || t.ends_with("ing"));
    if folded_final || t == "ang" || t == "eng" {
        t.pop();
    }
    t
}

/// Pairs of characters written alike that get confused when a form is copied by hand,
/// chosen among characters common in names. Symmetric.
const LOOKALIKE_PAIRS: &str = "王玉 玉主 日曰 己已 已巳 未末 土士 干千 千于 干于 天夭 天夫 人入 入八 大太 太犬 \
木本 本末 田由 由甲 甲申 申电 贝见 乌鸟 刀力 戊戌 戌戍 候侯 晴睛 请清 徽微 崇祟 媛嫒 彬杉 杉衫 冰水 \
冶治 汐沙 淼森 皓晧 晗哈 凯岂 帅师 雨两 毫亳 研砚 琦绮 毅殷 悦锐 说悦 晶品 菲斐 江汪 红江 杨汤 扬场 \
李季 陈阵 梁粱 冯马 曹曾 袁哀 沈沉 卢户 贾贯 叶吐 余佘 杜社 夏复 石右 方万 姚桃 金全 白自 秦泰 史吏 \
孟盂 龙尤 武式 龚袭 子孑 思恩 佳住 泽择 宇字 宁守 怡恰 诗待 华毕 军车 平乎 明朋 超起 刚冈 乐东 林材 \
洋详 波被 凤风 元无 锦绵 婷停 玲怜 琳淋 莉利 丽郦 娜哪 倩请 静睁 雪雷 彤形 妍研 霞瑕 萍苹 燕蒸 敏繁 \
鹏朋 浩洁 洁沽 宏宠 宏弘 伟传 博傅 博搏 铭铬 昊吴 霖森 睿叡 馨磬 鑫鍂 熙煕 颖頴 旭旮 斌赋 涛祷 豪毫 \
辉晖 亮高 健建 梓樟 俊浚 茜西 蕾雷 蓉容 菁青 莹萤 莹荧 璐路 瑶摇 琪棋 欣忻 新亲 羽习 翔祥 翊翌 \
娟涓 梓锌 睿容 鑫金 瑞端 逸免 熙照 蕊芯 怡冶 萱宣 婕捷 嫣焉 琼琮 珊删 璇漩 曦羲 钰珏 瀚翰 霖零 娅垭";

fn lookalike(a: char, b: char) -> bool {
    static TABLE: OnceLock<HashSet<(char, char)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut set = HashSet::new();
        for pair in LOOKALIKE_PAIRS.split_whitespace() {
            let cs: Vec<char> = pair.chars().collect();
            if let [x, y] = cs[..] {
                set.insert((x, y));
                set.insert((y, x));
            }
        }
        set
    });
    table.contains(&(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(a: &str, b: &str) -> CharSim {
        NameKey::new(a).char_sim(0, &NameKey::new(b), 0)
    }

    #[test]
    fn homophones_near_sounds_and_lookalikes() {
        assert_eq!(sim("晓", "晓"), CharSim::Same);
        assert_eq!(sim("晓", "小"), CharSim::Homophone);
        assert_eq!(sim("红", "宏"), CharSim::Homophone);
        assert_eq!(sim("玲", "琳"), CharSim::NearSound);
        assert_eq!(sim("张", "章"), CharSim::Homophone);
        assert_eq!(sim("未", "末"), CharSim::Lookalike);
        assert_eq!(sim("末", "未"), CharSim::Lookalike);
        assert_eq!(sim("晴", "睛"), CharSim::Lookalike);
        assert_eq!(sim("红", "明"), CharSim::Different);
    }

    #[test]
    fn fuzzy_folding() {
        assert_eq!(fuzzy_syllable("ling"), "lin");
        assert_eq!(fuzzy_syllable("zhang"), "zan");
        assert_eq!(fuzzy_syllable("niang"), "lian");
        assert_eq!(fuzzy_syllable("shen"), "sen");
        assert_eq!(fuzzy_syllable("ang"), "an");
        assert_eq!(fuzzy_syllable("n"), "n");
        assert_eq!(NameKey::new("张玲").block_key, NameKey::new("章琳").block_key);
        assert_ne!(NameKey::new("张玲").block_key, NameKey::new("张明").block_key);
    }
}
