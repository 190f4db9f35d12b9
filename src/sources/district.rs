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
//!    the codes the run's other records of each district carry). The cases of such a person
//!    say so in their 匹配依据 ([`evidence`]).
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
        Some(format!("{district}{SEP}{place}").into())
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
    for marker in ["省", "自治区", "市", "自治州"] {
        if let Some(pos) = rest.find(marker) {
            if rest[..pos].chars().count() <= 4 {
                rest = &rest[pos + marker.len()..];
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
/// In a district run every record's district is cleared.
pub fn assign(data: &mut Data, inputs: &Inputs, plan: &Plan) -> Districts {
    let decl = declared(inputs, plan);
    let fill = |d: &mut Text, prov: Prov| {
        if d.is_empty() {
            if let Some(Some(x)) = decl.get(prov.sheet as usize) {
                *d = x.clone();
            }
        }
    };
    for r in &mut data.census {
        fill(&mut r.district, r.prov);
    }
    for r in &mut data.enrollment {
        fill(&mut r.district, r.prov);
    }
    for r in &mut data.poverty {
        fill(&mut r.district, r.prov);
    }
    for r in &mut data.disability {
        fill(&mut r.district, r.prov);
    }
    for r in &mut data.visits {
        fill(&mut r.district, r.prov);
    }
    for r in &mut data.exemptions {
        fill(&mut r.district, r.prov);
    }
    for r in &mut data.verification {
        fill(&mut r.district, r.prov);
    }
    // The run's districts, one spelling per district ([`preferred`]).
    let mut by_stem: BTreeMap<String, String> = BTreeMap::new();
    {
        let all = data
            .census
            .iter()
            .map(|r| &r.district)
            .chain(data.enrollment.iter().map(|r| &r.district))
            .chain(data.poverty.iter().map(|r| &r.district))
            .chain(data.disability.iter().map(|r| &r.district))
            .chain(data.visits.iter().map(|r| &r.district))
            .chain(data.exemptions.iter().map(|r| &r.district));
        let mut last: Option<&Text> = None;
        for d in all {
            if d.is_empty() || last == Some(d) {
                continue;
            }
            last = Some(d);
            let stem = address::district_stem(d).to_string();
            let e = by_stem.entry(stem).or_insert_with(|| d.to_string());
            if preferred(d, e) {
                *e = d.to_string();
            }
        }
    }
    let mut names: Vec<String> = by_stem.values().cloned().collect();
    names.sort();
    let multi = names.len() > 1;
    let mut out = Districts { names, multi, ..Districts::default() };
    if !multi {
        clear(data);
        return out;
    }
    // One spelling per district on every record.
    let spell = |d: &mut Text| {
        if !d.is_empty() {
            if let Some(n) = by_stem.get(address::district_stem(d)) {
                if n.as_str() != d.as_str() {
                    *d = n.as_str().into();
                }
            }
        }
    };
    for r in &mut data.census {
        spell(&mut r.district);
    }
    for r in &mut data.enrollment {
        spell(&mut r.district);
    }
    for r in &mut data.poverty {
        spell(&mut r.district);
    }
    for r in &mut data.disability {
        spell(&mut r.district);
    }
    for r in &mut data.visits {
        spell(&mut r.district);
    }
    for r in &mut data.exemptions {
        spell(&mut r.district);
    }
    for r in &mut data.verification {
        spell(&mut r.district);
    }
    let codes = region_codes(data);
    let guess = |text: &str, id: &crate::normalize::id_number::IdNumber| -> Option<(Text, Inferred)> {
        if let Some(d) = known_in(text, &by_stem) {
            return Some((d.into(), Inferred::Address));
        }
        let code = id.valid().map(|v| &v[..6])?;
        codes.get(code).map(|d| (d.as_str().into(), Inferred::IdCode))
    };
    let mut unknown = 0;
    let mut note = |d: &mut Text, prov: Prov, g: Option<(Text, Inferred)>| {
        if let Some((name, how)) = g {
            *d = name;
            out.inferred.insert(prov, how);
        } else {
            unknown += 1;
        }
    };
    for r in data.census.iter_mut().filter(|r| r.district.is_empty()) {
        let g = guess(&r.hukou_text, &r.id);
        note(&mut r.district, r.prov, g);
    }
    for r in data.poverty.iter_mut().filter(|r| r.district.is_empty()) {
        let g = guess("", &r.id);
        note(&mut r.district, r.prov, g);
    }
    for r in data.disability.iter_mut().filter(|r| r.district.is_empty()) {
        let g = guess("", &r.id);
        note(&mut r.district, r.prov, g);
    }
    for r in data.visits.iter_mut().filter(|r| r.district.is_empty()) {
        let g = guess("", &r.id);
        note(&mut r.district, r.prov, g);
    }
    for r in data.exemptions.iter_mut().filter(|r| r.district.is_empty()) {
        let g = guess("", &r.id);
        note(&mut r.district, r.prov, g);
    }
    for r in data.enrollment.iter_mut() {
        // Where the student's household is registered: the district 户口所在地 names (one
        // of the run's or another), else the ID's region code, else the school's district.
        let home = named_in(&r.hukou_text, &by_stem)
            .map(Text::from)
            .or_else(|| r.id.valid().and_then(|v| codes.get(&v[..6])).map(|d| Text::from(d.as_str())));
        if r.district.is_empty() {
            let g = guess(&r.hukou_text, &r.id);
            note(&mut r.district, r.prov, g);
        }
        r.home_district = home.unwrap_or_else(|| r.district.clone());
    }
    out.unknown = unknown;
    out
}

/// Clears every district (a district run).
fn clear(data: &mut Data) {
    for r in &mut data.census {
        r.district = Text::default();
    }
    for r in &mut data.enrollment {
        r.district = Text::default();
        r.home_district = Text::default();
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
/// district is known: a code goes to the district holding at least 90 % of its IDs (a code
/// the run's districts share is no evidence of either).
fn region_codes(data: &Data) -> HashMap<String, String> {
    let mut counts: HashMap<&str, BTreeMap<&str, usize>> = HashMap::new();
    for r in data.census.iter().filter(|r| !r.district.is_empty()) {
        if let Some(v) = r.id.valid() {
            *counts.entry(&v[..6]).or_default().entry(r.district.as_str()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter_map(|(code, by)| {
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
        assert_eq!(named_in("", &known), None);
    }
}
