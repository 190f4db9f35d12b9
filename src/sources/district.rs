//! 区县 as a dimension of every place: which district each record belongs to, so that a
//! municipality can run the clearance over many districts at once and a town is always
//! (district, town) — 昌元街道 of 荣昌区 and a 昌元街道 of another district are two places.
//!
//! A record's district comes from, in order:
//! 1. its 区县 / 县(市、区) column (read with the other fields, [`crate::schema::fields`]);
//! 2. the source's declaration in the pipeline (`district = "荣昌区"`, or `district = "*"`:
//!    the folder the first wildcard of the glob matched);
//! 3. only in a run of several districts, and only when nothing above says: the district
//!    its 户籍地址 names, else the region code of its ID (the first six digits, read against
//!    the codes the run's other records of each district carry). A 学籍 row is at a school,
//!    so it first takes the district that most of its school's such rows (in its sheet)
//!    are placed in that way, when two thirds of them agree (a city-wide export without a
//!    区县 column). The cases of a person placed by address or ID say so in their 匹配依据
//!    ([`evidence`]); so do the cases a 学籍 row places in its household district when that
//!    district is not written in its 户口所在地, or at its school's district when that was
//!    inferred from the school's rows ([`home_evidence`], [`school_evidence`]).
//!
//! A run whose records name at most one district is a district run: every district is
//! cleared, so that linkage, case ids and output paths are exactly those of a run without
//! the dimension ([`Districts::multi`] is false).
//!
//! Pipeline position: read → sources → **district** → link → rules → report.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path};

use crate::normalize::address;
use crate::plan::{DistrictDecl, Plan};
use crate::sources::Data;
use crate::table::{Inputs, Prov};
use crate::text::Text;

/// How a record's district was inferred when neither a column nor the pipeline gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inferred {
    /// From the district its 户籍地址 / 住址 names.
    Address,
    /// From the region code of its ID (first six digits).
    IdCode,
}

/// Where a 学籍 row's household district ([`super::EnrollRec::home_district`]) came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum HomeFrom {
    /// The district its 户口所在地 names (or a district run: no household district).
    #[default]
    Named,
    /// The region code of its ID (first six digits).
    IdCode,
    /// Neither: the school's district.
    School,
}

/// The 匹配依据 sentence of a case a 学籍 row places in its household district, when that
/// district was not written in its 户口所在地 (a run of several districts).
pub fn home_evidence(r: &super::EnrollRec) -> Option<String> {
    let d = &r.home_district;
    match r.home_from {
        HomeFrom::Named => None,
        HomeFrom::IdCode => Some(format!("户籍{}", evidence(Inferred::IdCode, d))),
        HomeFrom::School => Some(format!(
            "户口所在地未写明区县、身份证号前六位也无法对应，户籍区县按就读学校所在区县计：{d}{}",
            if r.district_by_school {
                "（学籍无区县列，学校所在区县按该校多数学生的户籍推定）"
            } else {
                ""
            }
        )),
    }
}

/// The 匹配依据 sentence of a case placed at a 学籍 row's school district, when that district
/// was inferred from the school's other rows.
pub fn school_evidence(r: &super::EnrollRec) -> Option<String> {
    r.district_by_school.then(|| format!("学籍无区县列，学校所在区县按该校多数学生的户籍推定：{}", r.district))
}

/// The districts of a run.
#[derive(Clone, Debug, Default)]
pub struct Districts {
    /// Canonical names, sorted.
    pub names: Vec<String>,
    /// Several districts: towns are told apart by district, ledgers go to
    /// `问题台账/<区县>/`, 汇总 gets a district level.
    pub multi: bool,
    /// Records whose district was inferred ([`Inferred`]), by source row.
    pub inferred: HashMap<Prov, Inferred>,
    /// Records no column, declaration or code placed (multi-district runs only).
    pub unknown: usize,
}

impl Districts {
    /// The one district of a district run, when the inputs name it.
    pub fn single(&self) -> Option<&str> {
        (!self.multi).then(|| self.names.first().map(String::as_str)).flatten()
    }
}

/// The evidence sentence of a person placed in a district by inference.
pub fn evidence(how: Inferred, district: &str) -> String {
    match how {
        Inferred::Address => format!("区县按户籍地址推定：{district}"),
        Inferred::IdCode => format!("区县按身份证号前六位（行政区划代码）推定：{district}"),
    }
}

/// Between the district and the place in a [`link_key`]: a control character, never part of
/// a canonical name.
const SEP: char = '\u{1f}';

/// A town or village as the link stage keys it: in a run of several districts the district
/// goes in front (`荣昌区␟昌元街道`), so that blocking on the town and the address level tell
/// two districts' towns of the same name apart, and [`of_key`] gives the link stage the
/// district to block on; in a district run the place as it is. The link stage only compares
/// these keys (by their stems), it never shows them.
pub fn link_key(district: &str, place: &str) -> Option<Text> {
    if place.is_empty() {
        None
    } else if district.is_empty() {
        Some(place.into())
    } else {
        let mut key = Text::with_capacity(district.len() + SEP.len_utf8() + place.len());
        key.push_str(district);
        key.push(SEP);
        key.push_str(place);
        Some(key)
    }
}

/// The district of a [`link_key`] (None for a key without one).
pub fn of_key(key: &str) -> Option<&str> {
    key.split_once(SEP).map(|(d, _)| d)
}

/// The district each sheet's declaration gives (None where its source declares none).
fn declared(inputs: &Inputs, plan: &Plan) -> Vec<Option<Text>> {
    let per_file: Vec<Option<Text>> = inputs
        .files
        .iter()
        .map(|f| {
            let src = plan.sources.get(f.source)?;
            match src.district.as_ref()? {
                DistrictDecl::Named(n) => Some(n.as_str().into()),
                DistrictDecl::Folder => folder_of(&f.path, &src.patterns).map(|d| address::canon_district(&d).into()),
            }
        })
        .collect();
    inputs.sheets.iter().map(|s| per_file.get(s.file as usize).cloned().flatten()).collect()
}

/// The folder that the first wildcard folder of the glob matching `path` stands for
/// (`…/大清查/*/*.xlsx` and `…/大清查/荣昌区/x.xlsx` → `荣昌区`).
pub fn folder_of(path: &Path, patterns: &[String]) -> Option<String> {
    let options = glob::MatchOptions { case_sensitive: false, ..glob::MatchOptions::new() };
    let parts: Vec<Component> = path.components().collect();
    for pattern in patterns {
        let Ok(glob) = glob::Pattern::new(pattern) else { continue };
        if !glob.matches_path_with(path, options) {
            continue;
        }
        let pat: Vec<Component> = Path::new(pattern).components().collect();
        // A folder component, not the file name.
        let last = pat.len().saturating_sub(1);
        let wild = pat[..last].iter().position(|c| c.as_os_str().to_string_lossy().contains(['*', '?', '[']))?;
        if pat.len() != parts.len() && pat[..=wild].iter().any(|c| c.as_os_str() == "**") {
            return None;
        }
        return parts.get(wild).map(|c| c.as_os_str().to_string_lossy().into_owned());
    }
    None
}

/// The run's districts by stem ([`address::district_stem`]) → canonical name.
pub type Known = BTreeMap<String, String>;

/// Whether spelling `a` of a district names its folders and ledgers rather than `b` (both
/// of one stem): a full name (荣昌区, with its 区 / 县 / 市) before a bare one (荣昌, as a
/// district column may say it), then the smaller text (荣昌区 before 荣昌县), so that the
/// choice does not depend on which file is read first.
fn preferred(a: &str, b: &str) -> bool {
    let full = |d: &str| address::district_stem(d) != d;
    (!full(a), a) < (!full(b), b)
}

/// The district an address text names in front of its town, when it names one: one of the
/// run's (`known`, in its canonical spelling: 荣昌县 → 荣昌区), else any `…区` / `…县` after
/// the province and city (a place outside the run). None when the address starts at the
/// town. One parse of the head of the text and one look-up, whatever the number of
/// districts.
pub fn named_in(text: &str, known: &Known) -> Option<String> {
    let d = head_district(text)?;
    Some(known.get(address::district_stem(&d)).cloned().unwrap_or(d))
}

/// [`named_in`], only when the district is one of the run's.
pub fn known_in<'k>(text: &str, known: &'k Known) -> Option<&'k str> {
    let d = head_district(text)?;
    known.get(address::district_stem(&d)).map(String::as_str)
}

/// The `…区` / `…县` an address starts with, after the province and city.
fn head_district(text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let s = crate::normalize::compact(text);
    let mut rest = s.as_str();
    for p in ["中国", "重庆市", "重庆"] {
        rest = rest.strip_prefix(p).unwrap_or(rest);
    }
    // A province or city before the district: only a marker before the first 区 or 县 (in
    // `江津区白市镇` the 市 is the town's), and not one a 镇, 乡 or 街道 follows (石马市镇).
    for marker in ["省", "自治区", "市", "自治州"] {
        if let Some(pos) = rest.find(marker) {
            let district_at = rest.find(['区', '县']).unwrap_or(rest.len());
            let after = &rest[pos + marker.len()..];
            if rest[..pos].chars().count() <= 4 && pos < district_at && !address::names_town_kind(after) {
                rest = after;
            }
        }
    }
    // Up to 石柱土家族自治县: nine characters.
    let head: String = rest.chars().take(9).collect();
    let end = head.char_indices().find(|&(i, c)| i > 0 && (c == '区' || c == '县')).map(|(i, c)| i + c.len_utf8())?;
    let d = &head[..end];
    if d.contains(['镇', '乡', '村', '街']) || d.chars().count() < 2 {
        return None;
    }
    Some(d.to_string())
}

/// Fills in every record's district (see the module doc) and returns the run's districts.
/// In a district run every record's district is cleared, and packed records are unpacked
/// ([`Data::unpack`]); in a run of several districts they stay packed. Two passes: one reads
/// what decides (the spellings, the region codes), one writes each record's district.
pub fn assign(data: &mut Data, inputs: &Inputs, plan: &Plan) -> Districts {
    let decl = declared(inputs, plan);
    // The run's districts, one spelling per district ([`preferred`]), and per region code
    // the census listings of each district as its records spell it.
    let mut spellings = Spellings::default();
    let mut counts: HashMap<Text, BTreeMap<Text, usize>> = HashMap::new();
    data.census_store().places(|prov, place| {
        let d = filled(&place.district, prov, &decl);
        spellings.note(d);
        if let (false, Some(code)) = (d.is_empty(), &place.code) {
            let by = counts.entry(code.clone()).or_default();
            match by.get_mut(d) {
                Some(n) => *n += place.count,
                None => {
                    by.insert(d.into(), place.count);
                }
            }
        }
    });
    data.enrollment_store().places(|prov, place| spellings.note(filled(&place.district, prov, &decl)));
    data.poverty_store().places(|prov, place| spellings.note(filled(&place.district, prov, &decl)));
    for r in &data.disability {
        spellings.note(filled(&r.district, r.prov, &decl));
    }
    for r in &data.visits {
        spellings.note(filled(&r.district, r.prov, &decl));
    }
    for r in &data.exemptions {
        spellings.note(filled(&r.district, r.prov, &decl));
    }
    let by_stem = spellings.by_stem;
    let mut names: Vec<String> = by_stem.values().cloned().collect();
    names.sort();
    let multi = names.len() > 1;
    let mut out = Districts { names, multi, ..Districts::default() };
    if !multi {
        data.unpack();
        clear(data);
        return out;
    }
    let ctx = std::sync::Arc::new(Settled { codes: region_codes(counts, &by_stem), by_stem, decl });
    let by_stem = &ctx.by_stem;
    let guess = |text: &str, id: &crate::normalize::id_number::IdNumber| -> Option<(Text, Inferred)> {
        if let Some(d) = known_in(text, by_stem) {
            return Some((d.into(), Inferred::Address));
        }
        let code = id.valid().map(|v| &v[..6])?;
        ctx.codes.get(code).map(|d| (d.as_str().into(), Inferred::IdCode))
    };
    let mut unknown = 0;
    // Settles a record's district, else infers it from the text's district or the ID.
    let mut place = |d: &mut Text, prov: Prov, text: &str, id: &crate::normalize::id_number::IdNumber| -> bool {
        let mut changed = ctx.settle(d, prov);
        if d.is_empty() {
            if let Some((name, how)) = guess(text, id) {
                *d = name;
                out.inferred.insert(prov, how);
                changed = true;
            } else {
                unknown += 1;
            }
        }
        changed
    };
    // Packed records are settled as they are decoded ([`super::packed::Packed::settle_on_decode`]):
    // only the tables holding a record without a district of its own or declared are
    // decoded here (to infer it) and packed again. Typed records are settled one by one.
    let packed = data.packed.is_some();
    if let Some(p) = data.packed.as_mut() {
        let settle = |c: std::sync::Arc<Settled>| -> super::packed::SettleDistrict {
            std::sync::Arc::new(move |d, prov| {
                c.settle(d, prov);
            })
        };
        p.census.settle_on_decode(settle(ctx.clone()), None);
        p.poverty.settle_on_decode(settle(ctx.clone()), None);
        let c = ctx.clone();
        let home: super::packed::Settle<super::EnrollRec> = std::sync::Arc::new(move |r| {
            if r.home_district.is_empty() {
                (r.home_district, r.home_from) = c.home(r);
            }
        });
        p.enrollment.settle_on_decode(settle(ctx.clone()), Some(home));
    }
    let unplaced = |prov: Prov, own: &Text| !packed || filled(own, prov, &ctx.decl).is_empty();
    data.census_store_mut().update_where(unplaced, |r| place(&mut r.district, r.prov, &r.hukou_text, &r.id));
    data.poverty_store_mut().update_where(unplaced, |r| place(&mut r.district, r.prov, "", &r.id));
    for r in &mut data.disability {
        place(&mut r.district, r.prov, "", &r.id);
    }
    for r in &mut data.visits {
        place(&mut r.district, r.prov, "", &r.id);
    }
    for r in &mut data.exemptions {
        place(&mut r.district, r.prov, "", &r.id);
    }
    // A 学籍 row with no district of its own or declared is at its school: the district two
    // thirds or more of that school's such rows (in the same sheet) are placed in by their
    // 户口所在地 or ID, since a school's students live mostly around it; else its own.
    let mut votes: HashMap<(u32, Text), BTreeMap<Text, usize>> = HashMap::new();
    data.enrollment_store_mut().update_where(unplaced, |r| {
        if filled(&r.district, r.prov, &ctx.decl).is_empty() {
            if let Some((d, _)) = guess(&r.hukou_text, &r.id) {
                *votes.entry((r.prov.sheet, r.school.clone())).or_default().entry(d).or_default() += 1;
            }
        }
        false
    });
    let at_school: HashMap<(u32, Text), Text> = votes
        .into_iter()
        .filter_map(|(school, by)| {
            let total: usize = by.values().sum();
            // The most votes; on a tie the name first in order (the map is sorted).
            let (d, n) = by.into_iter().fold(None, |best: Option<(Text, usize)>, (d, n)| match best {
                Some((_, m)) if m >= n => best,
                _ => Some((d, n)),
            })?;
            (3 * n >= 2 * total).then_some((school, d))
        })
        .collect();
    // A 学籍 row makes no person of its own: this decides in which district the row is
    // linked. A case placed at the school's district, or at a household district that falls
    // back to it, names the inference ([`school_evidence`], [`home_evidence`]).
    data.enrollment_store_mut().update_where(unplaced, |r| {
        if filled(&r.district, r.prov, &ctx.decl).is_empty() {
            if let Some(d) = at_school.get(&(r.prov.sheet, r.school.clone())) {
                r.district = d.clone();
                r.district_by_school = true;
            }
        }
        place(&mut r.district, r.prov, &r.hukou_text, &r.id);
        (r.home_district, r.home_from) = ctx.home(r);
        true
    });
    for r in &mut data.verification {
        ctx.settle(&mut r.district, r.prov);
    }
    out.unknown = unknown;
    out
}

/// What settles a record's district once the run's districts are known.
struct Settled {
    /// Each sheet's declared district ([`declared`]).
    decl: Vec<Option<Text>>,
    /// The run's districts by stem, in their preferred spelling.
    by_stem: Known,
    /// Region code → district ([`region_codes`]).
    codes: HashMap<String, String>,
}

impl Settled {
    /// A record's district: its own or its source's declaration, in the run's spelling
    /// (whether that changed it).
    fn settle(&self, d: &mut Text, prov: Prov) -> bool {
        let mut changed = false;
        if d.is_empty() {
            if let Some(Some(x)) = self.decl.get(prov.sheet as usize) {
                *d = x.clone();
                changed = true;
            }
        }
        if let (false, Some(n)) = (d.is_empty(), self.by_stem.get(address::district_stem(d))) {
            if n.as_str() != d.as_str() {
                *d = n.as_str().into();
                changed = true;
            }
        }
        changed
    }

    /// Where a student's household is registered, and how that is known: the district
    /// 户口所在地 names (one of the run's or another), else the ID's region code, else the
    /// school's district.
    fn home(&self, r: &super::EnrollRec) -> (Text, HomeFrom) {
        if let Some(d) = named_in(&r.hukou_text, &self.by_stem) {
            return (d.into(), HomeFrom::Named);
        }
        match r.id.valid().and_then(|v| self.codes.get(&v[..6])) {
            Some(d) => (d.as_str().into(), HomeFrom::IdCode),
            None => (r.district.clone(), HomeFrom::School),
        }
    }
}

/// A record's district before spelling: its own, else its source's declaration.
fn filled<'a>(own: &'a Text, prov: Prov, decl: &'a [Option<Text>]) -> &'a str {
    match decl.get(prov.sheet as usize) {
        Some(Some(x)) if own.is_empty() => x,
        _ => own,
    }
}

/// The run's districts by stem, each in its [`preferred`] spelling.
#[derive(Default)]
struct Spellings {
    by_stem: Known,
    last: String,
}

impl Spellings {
    fn note(&mut self, d: &str) {
        if d.is_empty() || self.last == d {
            return;
        }
        d.clone_into(&mut self.last);
        let e = self.by_stem.entry(address::district_stem(d).to_string()).or_insert_with(|| d.to_string());
        if preferred(d, e) {
            *e = d.to_string();
        }
    }
}

/// Clears every district (a district run).
fn clear(data: &mut Data) {
    for r in &mut data.census {
        r.district = Text::default();
    }
    for r in &mut data.enrollment {
        r.district = Text::default();
        r.home_district = Text::default();
        r.home_from = HomeFrom::Named;
        r.district_by_school = false;
    }
    for r in &mut data.poverty {
        r.district = Text::default();
    }
    for r in &mut data.disability {
        r.district = Text::default();
    }
    for r in &mut data.visits {
        r.district = Text::default();
    }
    for r in &mut data.exemptions {
        r.district = Text::default();
    }
    for r in &mut data.verification {
        r.district = Text::default();
    }
}

/// Region code (first six digits of a valid ID) → district, from the census listings whose
/// district is known (`counts`: per code, listings per district as written; spelt here the
/// run's way): a code goes to the district holding at least 90 % of its IDs (a code the
/// run's districts share is no evidence of either).
fn region_codes(counts: HashMap<Text, BTreeMap<Text, usize>>, by_stem: &Known) -> HashMap<String, String> {
    counts
        .into_iter()
        .filter_map(|(code, written)| {
            let mut by: BTreeMap<&str, usize> = BTreeMap::new();
            for (d, n) in &written {
                let spelt = by_stem.get(address::district_stem(d)).map_or(d.as_str(), String::as_str);
                *by.entry(spelt).or_default() += n;
            }
            let total: usize = by.values().sum();
            let (d, n) = by.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))?;
            (n * 10 >= total * 9).then(|| (code.to_string(), d.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_of_first_wildcard_folder() {
        let pats = vec!["/d/大清查/*/*.xlsx".to_string(), "/d/大清查/*/*/*.xlsx".to_string()];
        assert_eq!(folder_of(Path::new("/d/大清查/荣昌区/仁义镇.xlsx"), &pats).as_deref(), Some("荣昌区"));
        assert_eq!(folder_of(Path::new("/d/大清查/永川区/昌元街道/新峰村.xlsx"), &pats).as_deref(), Some("永川区"));
        assert_eq!(folder_of(Path::new("/d/学籍/荣昌区/x.xlsx"), &pats), None);
        let flat = vec!["/d/大清查/*.xlsx".to_string()];
        assert_eq!(folder_of(Path::new("/d/大清查/仁义镇.xlsx"), &flat), None);
    }

    #[test]
    fn a_full_district_name_is_preferred_to_a_bare_one() {
        assert!(preferred("荣昌区", "荣昌"));
        assert!(!preferred("荣昌", "荣昌区"));
        assert!(preferred("荣昌区", "荣昌县"));
        assert!(!preferred("荣昌县", "荣昌区"));
        assert!(preferred("泸县", "泸"));
        assert!(!preferred("荣昌区", "荣昌区"));
    }

    #[test]
    fn district_named_in_an_address() {
        let known: Known =
            ["永川区", "荣昌区"].iter().map(|d| (address::district_stem(d).to_string(), d.to_string())).collect();
        assert_eq!(named_in("重庆市荣昌区昌元街道新峰村3社", &known).as_deref(), Some("荣昌区"));
        assert_eq!(named_in("荣昌县昌元街道", &known).as_deref(), Some("荣昌区"));
        assert_eq!(named_in("四川省泸州市泸县福集镇", &known).as_deref(), Some("泸县"));
        assert_eq!(named_in("昌元街道新峰村3社", &known), None);
        // A town with 市 in its name, after the district or alone.
        assert_eq!(named_in("重庆市江津区白市镇麒麟村", &known).as_deref(), Some("江津区"));
        assert_eq!(named_in("江津区白市镇麒麟村", &known).as_deref(), Some("江津区"));
        assert_eq!(named_in("白市镇麒麟村", &known), None);
        assert_eq!(named_in("广西壮族自治区桂林市阳朔县白沙镇", &known).as_deref(), Some("阳朔县"));
        assert_eq!(named_in("", &known), None);
    }
}
