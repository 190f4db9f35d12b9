//! Addresses: town (镇/街道), village (村/社区) and group (社/组) parsed out of free text,
//! in canonical forms so that `重庆市荣昌区昌元街道办事处新峰村三社` and `昌元街道新峰村3组`
//! compare as equal.

use crate::text::Text;
use serde::{Deserialize, Serialize};

/// A parsed place. Every part optional: real addresses leave parts out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, Deserialize)]
pub struct Address {
    /// Canonical town: `昌元街道`, `荣隆镇`.
    pub town: Option<Text>,
    /// Canonical village: `新峰村`, `大南社区`.
    pub village: Option<Text>,
    /// Group number: 3 for 三社 / 3组 / 第3社.
    pub group: Option<u32>,
}

/// Canonical town name: `昌元街道办事处` → `昌元街道`; `荣隆` stays `荣隆` (callers compare
/// with [`same_town`]).
pub fn canon_town(raw: &str) -> String {
    let s = super::compact(raw);
    let s = strip_prefix_region(&s);
    let s = s.strip_suffix("办事处").unwrap_or(s);
    let s = s.strip_suffix("人民政府").unwrap_or(s);
    s.to_string()
}

/// Canonical district (区县) name: `重庆市荣昌区` → `荣昌区`, `荣昌区教委` stays as written
/// (callers compare with [`same_district`]). The province or city in front is dropped.
pub fn canon_district(raw: &str) -> String {
    let s = super::compact(raw);
    let mut s = s.as_str();
    for p in ["中国", "重庆市", "重庆"] {
        s = s.strip_prefix(p).unwrap_or(s);
    }
    // 四川省泸州市泸县: everything up to the last 省 / 市 with a district after it.
    for marker in ["省", "自治区", "市", "自治州", "州", "盟"] {
        if let Some(pos) = find(s, marker) {
            let rest = &s[pos + marker.len()..];
            if rest.chars().count() >= 2 && (rest.ends_with('区') || rest.ends_with('县') || rest.ends_with('市')) {
                s = rest;
            }
        }
    }
    s.to_string()
}

/// District names compare equal with or without their 区 / 县 / 市 / 自治县 suffix (荣昌区 and
/// the older 荣昌县 are one place).
pub fn district_stem(d: &str) -> &str {
    for suffix in ["自治县", "新区", "区", "县", "市"] {
        if let Some(stem) = d.strip_suffix(suffix) {
            if stem.chars().count() >= 1 {
                return stem;
            }
        }
    }
    d
}

/// Whether two canonical district names name the same district.
pub fn same_district(a: &str, b: &str) -> bool {
    district_stem(a) == district_stem(b)
}

/// Canonical village name: `新峰村委会` → `新峰村`, `大南社区居委会` → `大南社区`.
pub fn canon_village(raw: &str) -> String {
    let s = super::compact(raw);
    if let Some(v) = s.strip_suffix("村民委员会").or_else(|| s.strip_suffix("村委会")) {
        return format!("{v}村");
    }
    if let Some(v) = s.strip_suffix("居民委员会").or_else(|| s.strip_suffix("居委会")) {
        return if v.ends_with("社区") { v.to_string() } else { format!("{v}社区") };
    }
    s
}

/// Town names compare equal with or without their 镇 / 街道 / 乡 suffix.
pub fn town_stem(town: &str) -> &str {
    for suffix in ["街道", "镇", "乡"] {
        if let Some(stem) = town.strip_suffix(suffix) {
            if !stem.is_empty() {
                return stem;
            }
        }
    }
    town
}

/// Whether two canonical town names name the same town.
pub fn same_town(a: &str, b: &str) -> bool {
    town_stem(a) == town_stem(b)
}

/// Village names compare equal with or without 村 / 社区 / 居.
pub fn village_stem(v: &str) -> &str {
    for suffix in ["社区", "村", "居"] {
        if let Some(stem) = v.strip_suffix(suffix) {
            if !stem.is_empty() {
                return stem;
            }
        }
    }
    v
}

fn strip_prefix_region(s: &str) -> &str {
    // Until nothing changes: `渝北区两江新区…` has two district prefixes, and a canonical
    // name given back must come out as it went in.
    let mut s = s;
    loop {
        let next = strip_prefix_region_once(s);
        if next.len() == s.len() {
            return s;
        }
        s = next;
    }
}

fn strip_prefix_region_once(s: &str) -> &str {
    let mut s = s;
    for p in ["中国", "重庆市", "重庆", "荣昌区", "荣昌县"] {
        s = s.strip_prefix(p).unwrap_or(s);
    }
    // Any other 省/市/区/县 prefix, as long as something follows it: the first marker of the
    // address, looked for in its first seven characters (a head of at most four and the
    // longest marker). The first, not the first of each kind: in `江津区白市镇` the 市 is the
    // town's. [`strip_prefix_region`] takes one prefix after another.
    let window = s.char_indices().nth(7).map_or(s, |(end, _)| &s[..end]);
    let first =
        ["省", "市", "自治州", "区", "县"].into_iter().filter_map(|m| find(window, m).map(|pos| (pos, m))).min();
    if let Some((pos, marker)) = first {
        let rest = &s[pos + marker.len()..];
        let head = &s[..pos];
        // Only administrative prefixes of 2-4 characters (荣昌区, 永川区…): not a town that
        // happens to contain 区 further in, nor one a 镇, 乡 or 街道 follows (石马市镇).
        if !rest.is_empty()
            && (2..=4).contains(&head.chars().count())
            && !head.contains('镇')
            && find(head, "街道").is_none()
            && !names_town_kind(rest)
        {
            return rest;
        }
    }
    s
}

/// Whether `rest` starts with a town's kind (镇, 乡, 街道): the 市/区/县 before it is part of
/// the town's name (石马市镇), not the end of a prefix.
pub(crate) fn names_town_kind(rest: &str) -> bool {
    ["镇", "乡", "街道"].into_iter().any(|t| rest.starts_with(t))
}

/// Byte position of the first `needle` in `hay`, as `str::find` gives it, without building
/// a two-way searcher per call (addresses are parsed millions of times in a city run).
fn find(hay: &str, needle: &str) -> Option<usize> {
    let mut chars = needle.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => hay.find(c),
        _ => memchr::memmem::find(hay.as_bytes(), needle.as_bytes()),
    }
}

/// Parses a group designation: `3`, `3社`, `三社`, `第三组`, `03组`, `十二社`.
pub fn parse_group(raw: &str) -> Option<u32> {
    let s = super::compact(raw);
    let s = s.strip_prefix('第').unwrap_or(&s);
    let s = s
        .strip_suffix("村民小组")
        .or_else(|| s.strip_suffix("小组"))
        .or_else(|| s.strip_suffix('社'))
        .or_else(|| s.strip_suffix('组'))
        .unwrap_or(s);
    parse_number(s)
}

/// Arabic or Chinese numerals up to 99.
pub fn parse_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32);
    let chars: Vec<char> = s
        .chars()
        .map(|c| {
            if c == '〇' {
                '零'
            } else if c == '两' {
                '二'
            } else {
                c
            }
        })
        .collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => digit(*u).map(|u| 10 + u),
        [t, '十'] => digit(*t).map(|t| t * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// Parses free-text addresses such as `重庆市荣昌区昌元街道新峰村3社` or `荣隆镇大南社区四组12号`.
pub fn parse(raw: &str) -> Address {
    let s = super::compact(raw);
    let mut rest = strip_prefix_region(&s);
    let mut addr = Address::default();
    // Town: up to and including 街道办事处 / 街道 / 镇 / 乡.
    for marker in ["街道办事处", "街道", "镇", "乡"] {
        if let Some(pos) = find(rest, marker) {
            let end = pos + marker.len();
            if pos > 0 {
                addr.town = Some(canon_town(&rest[..end]).into());
                rest = &rest[end..];
                break;
            }
        }
    }
    // Village: up to 村 or 社区 (村委会 / 居委会 forms included).
    for marker in ["社区居委会", "社区", "村民委员会", "村委会", "村"] {
        if let Some(pos) = find(rest, marker) {
            let end = pos + marker.len();
            if pos > 0 {
                addr.village = Some(canon_village(&rest[..end]).into());
                rest = &rest[end..];
                break;
            }
        }
    }
    // Group: digits or Chinese numerals followed by 社 / 组 (the first such).
    let numeral = |c: char| c.is_ascii_digit() || "零〇一二两三四五六七八九十".contains(c);
    for (i, c) in rest.char_indices() {
        if c == '社' || c == '组' {
            let head = &rest[..i];
            let j = head.char_indices().rev().take_while(|&(_, d)| numeral(d)).last().map_or(i, |(j, _)| j);
            if j < i {
                addr.group = parse_number(&rest[j..i]);
                break;
            }
        }
    }
    addr
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_compare_equal() {
        let a = parse("重庆市荣昌区昌元街道办事处新峰村三社");
        let b = parse("昌元街道新峰村3组");
        assert_eq!(a, b);
        assert_eq!(a.town.as_deref(), Some("昌元街道"));
        assert_eq!(a.village.as_deref(), Some("新峰村"));
        assert_eq!(a.group, Some(3));
        assert_eq!(parse("荣隆镇大南社区十二社").group, Some(12));
    }

    #[test]
    fn prefixes_and_groups_at_their_limits() {
        // A province and a city before the district; a head of four characters is stripped,
        // one of five is not (it is a town that contains 区 further in).
        let a = parse("四川省成都市武侯区簇桥街道七里村5组");
        assert_eq!((a.town.as_deref(), a.village.as_deref(), a.group), (Some("簇桥街道"), Some("七里村"), Some(5)));
        assert_eq!(parse("黔江新城区舟白街道").town.as_deref(), Some("舟白街道"));
        assert_eq!(parse("黔江正阳新城区舟白街道").town.as_deref(), Some("黔江正阳新城区舟白街道"));
        assert_eq!(parse("两江新区人和街道").town.as_deref(), Some("人和街道"));
        // A town whose name holds a marker (白市镇, 新市镇, 石马市镇) keeps it, after a
        // district prefix too: the first marker is the district's, and a marker a 镇, 乡 or
        // 街道 follows is part of the town.
        assert_eq!(parse("重庆市江津区白市镇新华村3社").town.as_deref(), Some("白市镇"));
        assert_eq!(parse("江津区白市镇新华村").town.as_deref(), Some("白市镇"));
        assert_eq!(parse("渝中区白市街道新华社区").town.as_deref(), Some("白市街道"));
        assert_eq!(parse("白市镇新华村").town.as_deref(), Some("白市镇"));
        assert_eq!(parse("石马市镇新华村").town.as_deref(), Some("石马市镇"));
        assert_eq!(parse("万州区新县乡新华村").town.as_deref(), Some("新县乡"));
        assert_eq!(canon_town("江津区白市镇"), "白市镇");
        // The first 社 / 组 with a number before it; a 社 without one is passed over.
        assert_eq!(parse("大南社区合作社二组").group, Some(2));
        assert_eq!(parse("新峰村社区12社3组").group, Some(12));
        assert_eq!(parse("新峰村组").group, None);
    }

    #[test]
    fn groups_and_towns() {
        assert_eq!(parse_group("第三组"), Some(3));
        assert_eq!(parse_group("03社"), Some(3));
        assert_eq!(parse_group("二十一社"), Some(21));
        assert_eq!(canon_town("昌元街道办事处"), "昌元街道");
        assert!(same_town("荣隆镇", "荣隆"));
        assert_eq!(canon_village("新峰村委会"), "新峰村");
    }
}
