//! The school directory: the 包片包校责任人名单 (attachment 4) matched to the schools of the
//! 学籍. Every part of kcbx that asks "who is responsible for this school" or "which 学区 is it
//! in" asks here: the ledgers' 责任人 columns, the 学校问题清单, the 学区汇总, the 督查要点 and
//! the weekly pipeline's grouping. `kcbx check` prints the mapping.
//!
//! Pipeline position: sources → **schools** → rules / report (and weekly).
//!
//! A roster writes a school the way people say it, not the way the 学籍 system stores it:
//! `荣昌中学` for `重庆市荣昌中学校`, `特校` for `荣昌区特殊教育学校`, `职教中心` for
//! `重庆市荣昌区职业教育中心`, `荣昌中学峰高校区` for a campus. Names are compared at four
//! levels, the first that finds something wins (see [`Level`]); a name that finds two schools
//! at its level is *ambiguous* and is never guessed.

use std::collections::HashMap;

use serde::Serialize;

use crate::sources::{Data, RosterRec};
use crate::table::{Inputs, Prov};

/// The group of a school the roster does not list. Such schools are not put under 直属学校:
/// that would make the 直属 schools answer for them.
pub const UNLISTED: &str = "未列入名单";

/// How a roster name was matched to a 学籍 school.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The same name (spaces and full-width characters aside).
    Exact,
    /// The same name once 重庆市 / ××区 and a final 校 (`中学校`) are dropped and the
    /// abbreviations (特校, 职教中心, …) written out.
    Short,
    /// The same school, one of the two names naming a campus (`荣昌中学峰高校区`,
    /// `荣昌中学校（高中部）`).
    Campus,
    /// One name inside the other (`荣隆中学` in `荣昌区荣隆镇荣隆中学`).
    Contains,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Exact => "名称相同",
            Level::Short => "简称相同",
            Level::Campus => "同一学校的校区",
            Level::Contains => "名称包含",
        }
    }
}

/// Abbreviations rosters use, and what they stand for.
pub const ABBREVIATIONS: &[(&str, &str)] = &[
    ("特殊教育学校", "特殊教育学校"),
    ("特教学校", "特殊教育学校"),
    ("特教中心", "特殊教育学校"),
    ("特校", "特殊教育学校"),
    ("职业教育中心", "职业教育中心"),
    ("职教中心", "职业教育中心"),
    ("进修学校", "教师进修学校"),
];

/// Name parts that mark a campus or a section of a school.
const CAMPUS_ENDINGS: &[&str] = &["校区", "分校", "部"];

/// The words a school's own name ends with, before a campus part.
const SCHOOL_WORDS: &[&str] = &["中学校", "小学校", "中学", "小学", "学校", "中心"];

/// A school name reduced for comparison: `(short form, base)`: the short form keeps the
/// campus part, the base is the school without it (the same when there is no campus).
fn forms(name: &str) -> (String, String) {
    let s = crate::normalize::compact(name);
    // A campus or section in brackets: `荣昌中学校(高中部)`.
    if let Some(open) = s.find('(') {
        let inner = s[open + 1..].trim_end_matches(')');
        let base = short(&s[..open]);
        if !inner.is_empty() && !base.is_empty() {
            return (format!("{base}({inner})"), base);
        }
    }
    let whole = short(&s);
    // A campus written on: `荣昌中学峰高校区`.
    if CAMPUS_ENDINGS.iter().any(|e| whole.ends_with(e)) {
        let mut cut = None;
        for w in SCHOOL_WORDS {
            if let Some(pos) = whole.rfind(w) {
                let end = pos + w.len();
                if end < whole.len() && cut.is_none_or(|c| end > c) {
                    cut = Some(end);
                }
            }
        }
        if let Some(end) = cut {
            return (whole.clone(), short(&whole[..end]));
        }
    }
    (whole.clone(), whole)
}

/// The short form: without 重庆市 and a district or county prefix (`荣昌区`), abbreviations
/// written out, a final 校 of 中学校 / 小学校 dropped.
fn short(s: &str) -> String {
    let mut s = s.strip_prefix("重庆市").unwrap_or(s).to_string();
    for marker in ['区', '县'] {
        if let Some(pos) = s.find(marker) {
            let head = &s[..pos];
            let plain = !head.contains(['学', '镇', '乡', '街', '村', '校']);
            if plain && (2..=3).contains(&head.chars().count()) && s.len() > pos + marker.len_utf8() {
                s = s[pos + marker.len_utf8()..].to_string();
                break;
            }
        }
    }
    for (abbr, full) in ABBREVIATIONS {
        if s.contains(abbr) && !s.contains(full) {
            s = s.replacen(abbr, full, 1);
            break;
        }
    }
    // `荣昌区特殊教育学校` and `重庆市荣昌特殊教育学校`: the place before a district-wide
    // school's name is dropped too, so that `特校` finds either.
    if s.ends_with("特殊教育学校") || s.ends_with("职业教育中心") || s.ends_with("教师进修学校") {
        let tail: String = s.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
        s = tail;
    }
    if s.ends_with("中学校") || s.ends_with("小学校") {
        s.pop();
    }
    s
}

/// Names reduced for comparison ([`reduced`]), with an index per exact level, so that a
/// look-up costs a scan of every name only at the last level ([`Level::Contains`]), and only
/// when no other level finds anything (a roster and a 学籍 of a whole city have thousands).
#[derive(Clone, Debug, Default)]
struct Forms {
    /// Per name: its base form and the base form's length in characters.
    bases: Vec<(String, usize)>,
    /// Compact name, short form, base form → the names with it, in order.
    exact: HashMap<String, Vec<usize>>,
    short: HashMap<String, Vec<usize>>,
    base: HashMap<String, Vec<usize>>,
}

impl Forms {
    fn new<'a>(names: impl Iterator<Item = &'a str>) -> Forms {
        let mut f = Forms::default();
        for (i, name) in names.enumerate() {
            let (exact, full, base) = reduced(name);
            f.exact.entry(exact).or_default().push(i);
            f.short.entry(full).or_default().push(i);
            f.base.entry(base.clone()).or_default().push(i);
            let n = base.chars().count();
            f.bases.push((base, n));
        }
        f
    }

    /// The candidates one name finds, at the first level that finds any.
    fn find(&self, name: &str) -> Option<(Level, Vec<usize>)> {
        let (exact, full, base) = reduced(name);
        let levels = [
            (Level::Exact, &self.exact, &exact),
            (Level::Short, &self.short, &full),
            (Level::Campus, &self.base, &base),
        ];
        for (level, index, key) in levels {
            if let Some(hits) = index.get(key.as_str()) {
                return Some((level, hits.clone()));
            }
        }
        let n = base.chars().count();
        let hits: Vec<usize> = (0..self.bases.len())
            .filter(|&i| {
                let (a, m) = (&self.bases[i].0, self.bases[i].1);
                m.min(n) >= 4 && (a.contains(base.as_str()) || base.contains(a.as_str()))
            })
            .collect();
        (!hits.is_empty()).then_some((Level::Contains, hits))
    }
}

/// One person of the roster: the name, and the unit written in brackets after it
/// (`宋万敏（人事科）` → 宋万敏, 人事科).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Official {
    pub name: String,
    pub unit: String,
    pub phone: String,
}

impl Official {
    /// Splits `name（unit）` (padded names already closed up).
    pub fn parse(written: &str, phone: &str) -> Official {
        let s = crate::normalize::name::normalize(written);
        let phone = crate::normalize::compact(phone);
        if let Some(open) = s.find('(') {
            let name = s[..open].to_string();
            let unit = s[open + 1..].trim_end_matches(')').to_string();
            if !name.is_empty() {
                return Official { name, unit, phone };
            }
        }
        Official { name: s, unit: String::new(), phone }
    }

    /// `张三 13800000000`, or the name alone.
    pub fn with_phone(&self) -> String {
        match (self.name.is_empty(), self.phone.is_empty()) {
            (true, _) => String::new(),
            (false, true) => self.name.clone(),
            (false, false) => format!("{} {}", self.name, self.phone),
        }
    }
}

/// The roster's people above a case's 包校人员, shown beside it in the ledgers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contacts {
    /// 包片人员 and phone (`李四 13900000000`).
    pub area: String,
    /// 教委包干领导.
    pub leader: String,
}

/// A school name compared without spaces, with full-width characters folded.
pub fn key(name: &str) -> String {
    crate::normalize::compact(name)
}

/// The name without the city / district prefix (`重庆市荣昌区仁义中学` → `仁义中学`), so that a
/// roster that leaves the prefix out still finds the school.
pub fn short_key(name: &str) -> String {
    let k = key(name);
    let mut s = k.as_str();
    s = s.strip_prefix("重庆市").unwrap_or(s);
    for marker in ['区', '县'] {
        if let Some(pos) = s.find(marker) {
            let head = &s[..pos];
            let plain = !head.contains(['学', '镇', '乡', '街', '村']);
            if plain && (2..=3).contains(&head.chars().count()) && s.len() > pos + marker.len_utf8() {
                s = &s[pos + marker.len_utf8()..];
                break;
            }
        }
    }
    s.to_string()
}

impl Directory {
    /// The 包片人员 and 包干领导 of a school from its roster entry (empty when the roster does
    /// not list it).
    pub fn contacts_for(&self, school: &str) -> Contacts {
        self.entry_for(school)
            .map(|e| Contacts { area: e.area.with_phone(), leader: e.leader.name.clone() })
            .unwrap_or_default()
    }
}

/// One school of the roster with its responsible people.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    #[serde(skip)]
    pub prov: Prov,
    /// 学区, or 直属学校.
    pub unit: String,
    /// The school as the roster writes it.
    pub school: String,
    /// 教委包干领导.
    pub leader: Official,
    /// 教委科室包片人员.
    pub area: Official,
    /// 教委学区督导责任区包校人员.
    pub person: Official,
}

/// What became of one roster school.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapping {
    /// The 学籍 school (index into [`Directory::schools`]) and how.
    Matched(usize, Level),
    /// Names two or more 学籍 schools: not used.
    Ambiguous(Vec<usize>),
    /// Names no 学籍 school.
    Unmatched,
}

/// A roster fault: one phone number given to two different names.
#[derive(Clone, Debug, Serialize)]
pub struct PhoneFault {
    /// Where each of the two names is first listed with the number (`文件［工作表］第N行`).
    pub rows: Vec<String>,
    /// The schools those rows are for.
    pub schools: Vec<String>,
    /// The names and the number: shown in 汇总.xlsx only, never in messages or run.json.
    #[serde(skip)]
    pub names: Vec<String>,
    #[serde(skip)]
    pub phone: String,
}

/// The roster matched to the 学籍 schools.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    /// Roster schools, in roster order (a school listed twice is kept once).
    pub entries: Vec<Entry>,
    /// 学籍 school names (as written, spaces removed), in first-seen order.
    pub schools: Vec<String>,
    /// Per entry.
    pub mapping: Vec<Mapping>,
    /// Per 学籍 school: its entry.
    pub entry_of: Vec<Option<usize>>,
    /// 学区 in roster order.
    pub units: Vec<String>,
    pub faults: Vec<PhoneFault>,
    /// The entries' names, for looking up other names.
    entry_forms: Forms,
    school_index: HashMap<String, usize>,
    /// [`Directory::entry_index`]'s answers for names outside the 学籍, shared by the clones
    /// of the directory (the districts' rules and the report ask the same names).
    outside: std::sync::Arc<std::sync::Mutex<HashMap<String, Option<usize>>>>,
}

fn reduced(name: &str) -> (String, String, String) {
    let (full, base) = forms(name);
    (crate::normalize::compact(name), full, base)
}

impl Directory {
    /// Builds the directory from the roster rows and the 学籍 school names of `data`.
    pub fn build(data: &Data, inputs: &Inputs) -> Directory {
        let mut seen = std::collections::HashSet::new();
        let mut schools = Vec::new();
        let mut last = String::new();
        // The schools in the order the 学籍 first names them (packed, each table keeps its
        // distinct schools: nothing is decoded).
        data.enrollment_store().groups(|_, school| {
            if school.as_str() != last {
                school.as_str().clone_into(&mut last);
                let name = crate::normalize::compact(&last);
                if !name.is_empty() && seen.insert(name.clone()) {
                    schools.push(name);
                }
            }
        });
        Directory::from_parts(&data.roster, schools, inputs)
    }

    /// The directory of roster rows and 学籍 school names.
    pub fn from_parts(roster: &[RosterRec], schools: Vec<String>, inputs: &Inputs) -> Directory {
        let mut d = Directory { schools, ..Default::default() };
        let mut above = String::new();
        let mut listed = std::collections::HashSet::new();
        let mut units = std::collections::HashSet::new();
        for r in roster {
            let unit = crate::normalize::compact(&r.unit);
            if !unit.is_empty() {
                above = unit;
            }
            let school = crate::normalize::compact(&r.school);
            if school.is_empty() || !listed.insert(school.clone()) {
                continue;
            }
            let unit = if above.is_empty() { UNLISTED.to_string() } else { above.clone() };
            if units.insert(unit.clone()) {
                d.units.push(unit.clone());
            }
            d.entries.push(Entry {
                prov: r.prov,
                unit,
                school,
                leader: Official::parse(&r.leader, ""),
                area: Official::parse(&r.area_person, &r.area_phone),
                person: Official::parse(&r.school_person, &r.school_phone),
            });
        }
        d.entry_forms = Forms::new(d.entries.iter().map(|e| e.school.as_str()));
        d.school_index = d.schools.iter().enumerate().map(|(i, s)| (s.clone(), i)).collect();
        let school_forms = Forms::new(d.schools.iter().map(String::as_str));
        d.mapping = d
            .entries
            .iter()
            .map(|e| match school_forms.find(&e.school) {
                Some((level, hits)) if hits.len() == 1 => Mapping::Matched(hits[0], level),
                Some((_, hits)) => Mapping::Ambiguous(hits),
                None => Mapping::Unmatched,
            })
            .collect();
        // A 学籍 school takes the entry matched to it at the best level; two entries at that
        // level (a main school and its campus both on the roster, matched by campus) leave it
        // without one rather than pick.
        d.entry_of = vec![None; d.schools.len()];
        let mut best: Vec<Option<(Level, usize, bool)>> = vec![None; d.schools.len()];
        for (k, m) in d.mapping.iter().enumerate() {
            if let Mapping::Matched(s, level) = *m {
                best[s] = match best[s] {
                    None => Some((level, k, false)),
                    Some((l, _, _)) if level < l => Some((level, k, false)),
                    Some((l, e, _)) if level == l => Some((l, e, true)),
                    keep => keep,
                };
            }
        }
        for (s, b) in best.into_iter().enumerate() {
            d.entry_of[s] = b.and_then(|(_, e, tie)| (!tie).then_some(e));
        }
        d.faults = phone_faults(&d.entries, inputs);
        d
    }

    /// The roster entry responsible for a school named `name`: a 学籍 school's own entry; else
    /// the entry whose name matches at the first level that finds one, when only one does.
    pub fn entry_for(&self, name: &str) -> Option<&Entry> {
        self.entry_index(name).map(|k| &self.entries[k])
    }

    /// The index in [`Directory::entries`] of [`Directory::entry_for`]'s entry.
    pub fn entry_index(&self, name: &str) -> Option<usize> {
        let key = crate::normalize::compact(name);
        if key.is_empty() {
            return None;
        }
        if let Some(&s) = self.school_index.get(&key) {
            // A 学籍 school no entry was matched to (or two were, or its roster name fits
            // another school too): no guess.
            return self.entry_of[s];
        }
        // A name outside the 学籍 (a 送教 school, a roster spelling) is asked about once per
        // case: its answer is kept, since finding it may scan every entry.
        let known = self.outside.lock().unwrap_or_else(|e| e.into_inner()).get(&key).copied();
        if let Some(k) = known {
            return k;
        }
        let k = match self.entry_forms.find(name) {
            Some((_, hits)) if hits.len() == 1 => Some(hits[0]),
            _ => None,
        };
        self.outside.lock().unwrap_or_else(|e| e.into_inner()).insert(key, k);
        k
    }

    /// The 学区 of a school, [`UNLISTED`] when the roster does not list it.
    pub fn unit_of(&self, name: &str) -> &str {
        self.entry_for(name).map_or(UNLISTED, |e| e.unit.as_str())
    }

    /// Whether `name` is a school of the 学籍.
    pub fn is_school(&self, name: &str) -> bool {
        self.school_index.contains_key(&crate::normalize::compact(name))
    }

    /// The 学籍 schools no roster entry is matched to, in first-seen order.
    pub fn unlisted(&self) -> Vec<&str> {
        (0..self.schools.len()).filter(|&s| self.entry_of[s].is_none()).map(|s| self.schools[s].as_str()).collect()
    }

    /// The report of the mapping for run.json and `kcbx check` (no personal data).
    pub fn report(&self) -> DirectoryReport {
        let mut r = DirectoryReport {
            roster_schools: self.entries.len(),
            enrollment_schools: self.schools.len(),
            ..Default::default()
        };
        for (e, m) in self.entries.iter().zip(&self.mapping) {
            match m {
                Mapping::Matched(s, level) => r.matched.push(MatchLine {
                    unit: e.unit.clone(),
                    roster: e.school.clone(),
                    schools: vec![self.schools[*s].clone()],
                    how: level.label().to_string(),
                }),
                Mapping::Ambiguous(list) => r.ambiguous.push(MatchLine {
                    unit: e.unit.clone(),
                    roster: e.school.clone(),
                    schools: list.iter().map(|&s| self.schools[s].clone()).collect(),
                    how: "对应多所学校，未采用".to_string(),
                }),
                Mapping::Unmatched => r.unmatched.push(MatchLine {
                    unit: e.unit.clone(),
                    roster: e.school.clone(),
                    schools: Vec::new(),
                    how: "学籍中无此学校".to_string(),
                }),
            }
        }
        r.unlisted = self.unlisted().into_iter().map(str::to_string).collect();
        r.phone_faults = self.faults.clone();
        r
    }
}

/// One line of the mapping report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MatchLine {
    pub unit: String,
    pub roster: String,
    pub schools: Vec<String>,
    pub how: String,
}

/// The roster mapping as run.json and `kcbx check` show it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DirectoryReport {
    pub roster_schools: usize,
    pub enrollment_schools: usize,
    pub matched: Vec<MatchLine>,
    pub ambiguous: Vec<MatchLine>,
    pub unmatched: Vec<MatchLine>,
    /// 学籍 schools with no roster entry.
    pub unlisted: Vec<String>,
    pub phone_faults: Vec<PhoneFault>,
}

impl DirectoryReport {
    /// The text `kcbx check` prints (and the run's notes): counts, school names and rows.
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "包片包校责任人名单与学籍学校对应：名单 {} 所，学籍 {} 所；对应 {} 所，不确定 {} 所，学籍中无此学校 {} 所；学籍中有、名单中没有 {} 所",
            self.roster_schools,
            self.enrollment_schools,
            self.matched.len(),
            self.ambiguous.len(),
            self.unmatched.len(),
            self.unlisted.len()
        );
        for m in &self.matched {
            let _ = writeln!(s, "  {} {} → {}（{}）", m.unit, m.roster, m.schools.join("、"), m.how);
        }
        for m in &self.ambiguous {
            let _ = writeln!(s, "  不确定：{} {} → {}（{}）", m.unit, m.roster, m.schools.join("、"), m.how);
        }
        for m in &self.unmatched {
            let _ = writeln!(s, "  未对应：{} {}（{}）", m.unit, m.roster, m.how);
        }
        for u in &self.unlisted {
            let _ = writeln!(s, "  名单中没有：{u}（归入“{UNLISTED}”）");
        }
        for f in &self.phone_faults {
            let _ = writeln!(s, "  {}", f.sentence());
        }
        s
    }
}

impl PhoneFault {
    /// The fault in a sentence without the names or the number.
    pub fn sentence(&self) -> String {
        format!(
            "名单数据问题：同一联系电话登记给了 {} 个不同的姓名（{}；学校：{}），其中可能有录错的，请核对",
            self.rows.len(),
            self.rows.join("、"),
            self.schools.join("、")
        )
    }
}

/// Phone numbers given to more than one name (包片 and 包校 persons). The same person listed
/// for several schools is normal; two names on one number usually mean a typo in one of them.
fn phone_faults(entries: &[Entry], inputs: &Inputs) -> Vec<PhoneFault> {
    // phone → [(name, first entry)] in roster order.
    let mut by_phone: Vec<(String, Vec<(String, usize)>)> = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        for o in [&e.area, &e.person] {
            if o.phone.is_empty() || o.name.is_empty() {
                continue;
            }
            let slot = match by_phone.iter().position(|(p, _)| *p == o.phone) {
                Some(i) => i,
                None => {
                    by_phone.push((o.phone.clone(), Vec::new()));
                    by_phone.len() - 1
                }
            };
            let names = &mut by_phone[slot].1;
            if !names.iter().any(|(n, _)| *n == o.name) {
                names.push((o.name.clone(), k));
            }
        }
    }
    by_phone
        .into_iter()
        .filter(|(_, names)| names.len() > 1)
        .map(|(phone, names)| PhoneFault {
            rows: names
                .iter()
                .map(|&(_, k)| {
                    let p = entries[k].prov;
                    if (p.sheet as usize) < inputs.sheets.len() {
                        inputs.describe_short(p)
                    } else {
                        format!("第{}行", p.row)
                    }
                })
                .collect(),
            schools: names.iter().map(|&(_, k)| entries[k].school.clone()).collect(),
            names: names.iter().map(|(n, _)| n.clone()).collect(),
            phone,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_drop_city_and_district() {
        assert_eq!(short_key("重庆市荣昌区仁义中学"), "仁义中学");
        assert_eq!(short_key("荣昌区 实验小学"), "实验小学");
        assert_eq!(short_key("重庆市荣昌中学校"), "荣昌中学校");
        assert_eq!(short_key("仁义镇中心小学"), "仁义镇中心小学");
        assert_eq!(short_key("昌州学区小学"), "昌州学区小学");
    }

    fn dir(roster: &[&str], schools: &[&str]) -> Directory {
        let recs: Vec<RosterRec> = roster
            .iter()
            .map(|s| RosterRec {
                prov: Prov::default(),
                unit: "直属学校".into(),
                school: (*s).into(),
                leader: "".into(),
                area_person: "".into(),
                area_phone: "".into(),
                school_person: "".into(),
                school_phone: "".into(),
            })
            .collect();
        Directory::from_parts(&recs, schools.iter().map(|s| s.to_string()).collect(), &Inputs::default())
    }

    #[test]
    fn short_forms_abbreviations_and_campuses() {
        let d = dir(
            &["荣昌中学", "特校", "职教中心", "荣昌中学峰高校区", "荣隆中学", "实验小学"],
            &["重庆市荣昌中学校", "荣昌区特殊教育学校", "重庆市荣昌区职业教育中心", "荣昌区荣隆中学"],
        );
        let m = &d.mapping;
        assert_eq!(m[0], Mapping::Matched(0, Level::Short));
        assert_eq!(m[1], Mapping::Matched(1, Level::Short));
        assert_eq!(m[2], Mapping::Matched(2, Level::Short));
        assert_eq!(m[3], Mapping::Matched(0, Level::Campus));
        assert_eq!(m[4], Mapping::Matched(3, Level::Short));
        assert_eq!(m[5], Mapping::Unmatched);
        // The main school keeps its own entry, not the campus's.
        assert_eq!(d.entry_for("重庆市荣昌中学校").map(|e| e.school.as_str()), Some("荣昌中学"));
        assert_eq!(d.entry_for("荣昌区 特殊教育学校").map(|e| e.school.as_str()), Some("特校"));
    }

    #[test]
    fn a_name_that_fits_two_schools_is_not_guessed() {
        let d = dir(&["昌元小学"], &["荣昌区昌元小学(东校区)", "荣昌区昌元小学(西校区)"]);
        assert_eq!(d.mapping[0], Mapping::Ambiguous(vec![0, 1]));
        assert_eq!(d.unlisted().len(), 2);
        assert!(d.entry_for("荣昌区昌元小学(东校区)").is_none());
    }

    #[test]
    fn names_outside_the_enrollment_are_found_at_each_level_whatever_was_asked_before() {
        let roster = ["荣昌中学", "特校", "荣隆镇荣隆中学", "昌元小学", "昌元小学分校"];
        let asked = ["重庆市荣昌中学校", "荣昌区特殊教育学校", "荣隆中学", "昌元小学分校", "仁义中学", "荣昌中学"];
        let expected =
            [Some("荣昌中学"), Some("特校"), Some("荣隆镇荣隆中学"), Some("昌元小学分校"), None, Some("荣昌中学")];
        // Every order of asking gives the same answers as a fresh directory asked once per
        // name, and a clone shares the answers kept.
        let fresh: Vec<Option<String>> =
            asked.iter().map(|n| dir(&roster, &[]).entry_for(n).map(|e| e.school.clone())).collect();
        assert_eq!(fresh.iter().map(|s| s.as_deref()).collect::<Vec<_>>(), expected);
        let d = dir(&roster, &[]);
        for n in asked.iter().rev().chain(asked.iter()) {
            let k = asked.iter().position(|a| a == n).unwrap();
            assert_eq!(d.entry_for(n).map(|e| e.school.as_str()), expected[k], "{n}");
            assert_eq!(d.clone().entry_for(&format!(" {n} ")).map(|e| e.school.as_str()), expected[k], "{n}");
        }
    }

    #[test]
    fn a_bracketed_unit_is_split_off() {
        let o = Official::parse("宋万敏（人事科）", "023-4620 0001");
        assert_eq!((o.name.as_str(), o.unit.as_str(), o.phone.as_str()), ("宋万敏", "人事科", "023-46200001"));
        assert_eq!(Official::parse("张  三", "").name, "张三");
    }

    #[test]
    fn forms_of_school_names() {
        assert_eq!(forms("重庆市荣昌中学校"), ("荣昌中学".to_string(), "荣昌中学".to_string()));
        assert_eq!(forms("荣昌中学峰高校区"), ("荣昌中学峰高校区".to_string(), "荣昌中学".to_string()));
        assert_eq!(forms("荣昌中学校（高中部）"), ("荣昌中学(高中部)".to_string(), "荣昌中学".to_string()));
        assert_eq!(forms("仁义镇中心小学"), ("仁义镇中心小学".to_string(), "仁义镇中心小学".to_string()));
    }
}
