//! Finding a sheet's header by content and mapping its columns to canonical fields.
//!
//! Real sheets put title rows, a 填报单位 / 填报日期 row and sometimes a two-row header with
//! merged cells above the data. Rather than trusting row 1, every row among the first
//! [`SEARCH_ROWS`] (alone, and joined with the row above it as a two-row header) is scored
//! by how many distinct fields of the source kind its column names match; the best row
//! wins. Names are compared after [`normalize_header`].
//!
//! Pipeline position: **read** (header detection) → normalize → link → rules → report.
//! The field tables themselves live in [`crate::schema::fields`].

use std::collections::{BTreeMap, HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use super::grid::{Grid, Region};
use crate::schema::fields::{self, FieldSpec};
use crate::schema::SourceKind;

/// How many rows from the top of a sheet may hold (the last row of) the header.
pub const SEARCH_ROWS: usize = 30;

/// Markers people append to header texts that carry no meaning for the mapping.
const TRAILING_MARKERS: &[&str] = &["(必填)", "(必填项)", "(选填)", "(选填项)", "(必须填写)", "*", ":", "※"];

/// Normalises a header text for comparison with the field tables' aliases: NFKC (full-width
/// letters, digits and brackets to ASCII), every kind of bracket as `(` `)`, whitespace and
/// line breaks removed, ASCII letters lower-cased, and required/optional markers such as
/// `（必填）`, a leading or trailing `*` and a trailing colon removed.
pub fn normalize_header(raw: &str) -> String {
    let mut s: String = raw
        .nfkc()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200b}' | '\u{feff}'))
        .map(|c| match c {
            '[' | '【' | '〔' | '〖' => '(',
            ']' | '】' | '〕' | '〗' => ')',
            '＊' => '*',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    // Markers may be stacked (`*姓名（必填）:`), so strip until nothing changes.
    loop {
        let before = s.len();
        while let Some(rest) = s.strip_prefix('*') {
            s = rest.to_string();
        }
        for m in TRAILING_MARKERS {
            if let Some(rest) = s.strip_suffix(m) {
                s.truncate(rest.len());
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// The field table of one source, prepared for matching: normalised aliases and the
/// pipeline's `[sources.columns]` overrides.
#[derive(Debug)]
pub(crate) struct Matcher {
    pub kind: SourceKind,
    pub specs: &'static [FieldSpec],
    /// Normalised aliases per field, most specific first.
    aliases: Vec<Vec<String>>,
    /// Normalised alias or override text → fields it names.
    lookup: HashMap<String, Vec<usize>>,
    /// Field index → (header text as written in the pipeline, normalised).
    overrides: BTreeMap<usize, (String, String)>,
}

impl Matcher {
    pub(crate) fn new(kind: SourceKind, overrides: &BTreeMap<&'static str, String>) -> Self {
        let specs = fields::table(kind);
        let aliases: Vec<Vec<String>> =
            specs.iter().map(|f| f.aliases.iter().map(|a| normalize_header(a)).collect()).collect();
        let mut lookup: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, list) in aliases.iter().enumerate() {
            for a in list {
                lookup.entry(a.clone()).or_default().push(i);
            }
        }
        let mut ov = BTreeMap::new();
        for (field, text) in overrides {
            if let Some(i) = specs.iter().position(|f| f.name == *field) {
                let norm = normalize_header(text);
                lookup.entry(norm.clone()).or_default().push(i);
                ov.insert(i, (text.clone(), norm));
            }
        }
        Matcher { kind, specs, aliases, lookup, overrides: ov }
    }

    /// Fields that make a header recognisable: the required ones and the any-of ones.
    fn is_key_field(&self, i: usize) -> bool {
        self.specs[i].required || fields::any_of(self.kind).contains(&self.specs[i].name)
    }

    fn has_key_fields(&self) -> bool {
        (0..self.specs.len()).any(|i| self.is_key_field(i))
    }
}

/// One column of a detected header.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct HeaderColumn {
    /// The column's full name: `top/bottom` for a two-row header with two different
    /// texts, else the one text. Normalised; empty when the column has no header.
    pub name: String,
    /// The bottom text alone, when it is unique in the bottom row (so it can name a field).
    pub bottom: Option<String>,
    /// The top text alone, when the top cell is not merged across several columns.
    pub top: Option<String>,
    /// The header cells' texts as written (trimmed), to recognise a repeated header row.
    pub raw: Vec<String>,
}

impl HeaderColumn {
    /// Every name the column can be matched by, in order of preference.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .filter(|n| !n.is_empty())
            .chain(self.bottom.as_deref())
            .chain(self.top.as_deref())
    }
}

/// A detected header.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    /// Grid row of the first header row.
    pub top: usize,
    /// Grid row of the last header row; data starts below it.
    pub row: usize,
    /// One entry per grid column.
    pub columns: Vec<HeaderColumn>,
    /// Distinct fields the names match.
    pub score: usize,
    /// Whether the header names at least one required (or any-of) field.
    pub has_key: bool,
}

impl Header {
    /// Whether this looks like a header of the source kind at all.
    pub(crate) fn recognisable(&self, m: &Matcher) -> bool {
        let need = m.specs.len().min(2);
        self.score >= need && (self.has_key || !m.has_key_fields())
    }

    /// The non-empty column names, for messages.
    pub(crate) fn names_for_message(&self) -> String {
        let names: Vec<&str> =
            self.columns.iter().map(|c| c.name.as_str()).filter(|n| !n.is_empty()).take(40).collect();
        if names.is_empty() {
            "（空）".to_string()
        } else {
            names.join("、")
        }
    }
}

/// The normalised and raw text of the header area's cells, with merge lookups.
struct Area<'a> {
    norm: Vec<Vec<String>>,
    raw: Vec<Vec<String>>,
    width: usize,
    /// `Some` when the format reports merged regions (xlsx, xls); `None` otherwise.
    merges: Option<&'a [Region]>,
    /// (row, col) → index into `merges`, for cells of the area inside a region.
    merged_at: HashMap<(usize, usize), usize>,
}

impl<'a> Area<'a> {
    fn new<G: Grid + ?Sized>(grid: &G, rows: usize, merges: Option<&'a [Region]>) -> Self {
        let mut width = 0;
        let mut norm = Vec::with_capacity(rows);
        let mut raw = Vec::with_capacity(rows);
        for r in 0..rows {
            let mut nrow = Vec::new();
            let mut rrow = Vec::new();
            // Only the filled cells are visited: a sheet may claim thousands of columns.
            for (c, p) in grid.filled(r) {
                let text = p.text();
                let t = text.as_deref().map(str::trim).unwrap_or("");
                if t.is_empty() {
                    continue;
                }
                width = width.max(c + 1);
                nrow.resize(c, String::new());
                rrow.resize(c, String::new());
                nrow.push(normalize_header(t));
                rrow.push(t.to_string());
            }
            norm.push(nrow);
            raw.push(rrow);
        }
        for (nrow, rrow) in norm.iter_mut().zip(raw.iter_mut()) {
            nrow.resize(width, String::new());
            rrow.resize(width, String::new());
        }
        let mut merged_at = HashMap::new();
        if let Some(list) = merges {
            for (i, m) in list.iter().enumerate() {
                if m.r0 >= rows || m.c0 >= width {
                    continue;
                }
                for r in m.r0..=m.r1.min(rows.saturating_sub(1)) {
                    for c in m.c0..=m.c1.min(width.saturating_sub(1)) {
                        merged_at.insert((r, c), i);
                    }
                }
            }
        }
        Area { norm, raw, width, merges, merged_at }
    }

    fn region(&self, r: usize, c: usize) -> Option<(usize, Region)> {
        let i = *self.merged_at.get(&(r, c))?;
        Some((i, self.merges?[i]))
    }

    /// The text a cell shows: its own, or its merged region's top-left text.
    fn shown(&self, r: usize, c: usize) -> &str {
        match self.region(r, c) {
            Some((_, m)) => &self.norm[m.r0][m.c0],
            None => &self.norm[r][c],
        }
    }

    /// Column names when row `r` alone is the header.
    fn single(&self, r: usize) -> Vec<HeaderColumn> {
        (0..self.width)
            .map(|c| {
                // A cell continuing a region from the row above belongs to a header that
                // starts higher up: this row alone does not name it.
                let name = match self.region(r, c) {
                    Some((_, m)) if m.r0 < r => String::new(),
                    _ => self.shown(r, c).to_string(),
                };
                let raw = match self.raw[r][c].as_str() {
                    "" => vec![],
                    t => vec![t.to_string()],
                };
                HeaderColumn { name, bottom: None, top: None, raw }
            })
            .collect()
    }

    /// Column names when rows `r - 1` and `r` form a two-row header, and whether merged
    /// regions spanning exactly these two rows confirm it.
    fn double(&self, r: usize) -> (Vec<HeaderColumn>, bool) {
        let t = r - 1;
        let mut tops = Vec::with_capacity(self.width);
        let mut bottoms = Vec::with_capacity(self.width);
        let mut spread = Vec::with_capacity(self.width);
        let mut confirmed = false;
        for c in 0..self.width {
            let top_region = self.region(t, c);
            let bottom_region = self.region(r, c);
            let top = self.shown(t, c).to_string();
            spread.push(matches!(top_region, Some((_, m)) if m.c1 > m.c0));
            match (top_region, bottom_region) {
                (Some((a, m)), Some((b, _))) if a == b => {
                    // One cell merged down over both rows: a one-level column.
                    confirmed |= m.r0 == t && m.r1 == r;
                    tops.push(top);
                    bottoms.push(String::new());
                }
                _ => {
                    tops.push(top);
                    bottoms.push(self.shown(r, c).to_string());
                }
            }
        }
        if self.merges.is_none() {
            // Without merge information (CSV, ODS), a group title sits in the first of its
            // columns only: carry it right over the sub-columns that follow.
            for c in 1..self.width {
                if tops[c].is_empty() && !bottoms[c].is_empty() && !tops[c - 1].is_empty() && !bottoms[c - 1].is_empty()
                {
                    tops[c] = tops[c - 1].clone();
                    spread[c] = true;
                    spread[c - 1] = true;
                }
            }
        }
        let mut bottom_count: HashMap<&str, usize> = HashMap::new();
        for b in bottoms.iter().filter(|b| !b.is_empty()) {
            *bottom_count.entry(b.as_str()).or_default() += 1;
        }
        let cols = (0..self.width)
            .map(|c| {
                let (top, bottom) = (&tops[c], &bottoms[c]);
                let name = match (top.is_empty(), bottom.is_empty()) {
                    (false, false) if top != bottom => format!("{top}/{bottom}"),
                    (false, _) => top.clone(),
                    (true, _) => bottom.clone(),
                };
                let both = !top.is_empty() && !bottom.is_empty() && top != bottom;
                let raw = [&self.raw[t][c], &self.raw[r][c]].into_iter().filter(|s| !s.is_empty()).cloned().collect();
                HeaderColumn {
                    name,
                    bottom: (both && bottom_count.get(bottom.as_str()) == Some(&1)).then(|| bottom.clone()),
                    top: (both && !spread[c]).then(|| top.clone()),
                    raw,
                }
            })
            .collect();
        (cols, confirmed)
    }
}

/// Distinct fields the columns' names match, and whether one of them is a key field.
fn score(columns: &[HeaderColumn], m: &Matcher) -> (usize, bool) {
    let mut found = HashSet::new();
    for col in columns {
        for name in col.names() {
            if let Some(fields) = m.lookup.get(name) {
                found.extend(fields.iter().copied());
            }
        }
    }
    let key = found.iter().any(|&i| m.is_key_field(i));
    (found.len(), key)
}

/// Finds the header of a sheet. `fixed` is the grid row the pipeline's `header_row` points
/// at; `merges` is `None` for formats that do not report merged regions.
///
/// Returns the best-scoring candidate, recognisable or not (the caller decides), or `None`
/// for a sheet with no rows at all.
pub(crate) fn detect<G: Grid + ?Sized>(
    grid: &G,
    merges: Option<&[Region]>,
    m: &Matcher,
    fixed: Option<usize>,
) -> Option<Header> {
    let rows = match fixed {
        Some(r) => r + 1,
        None => SEARCH_ROWS,
    }
    .min(grid.height());
    if rows == 0 {
        return None;
    }
    let area = Area::new(grid, rows, merges);
    let candidates: Vec<usize> = match fixed {
        Some(r) if r < rows => vec![r],
        Some(_) => return None,
        None => (0..rows).collect(),
    };
    // Ranking: more fields matched first; on a tie a one-row header beats a two-row one
    // unless merged cells spanning exactly the two rows confirm it; then the upper row.
    let mut best: Option<((usize, i8), Header)> = None;
    for r in candidates {
        let mut consider = |columns: Vec<HeaderColumn>, top: usize, structure: i8| {
            let (score, has_key) = score(&columns, m);
            let rank = (score, structure);
            if best.as_ref().is_none_or(|(b, _)| rank > *b) {
                best = Some((rank, Header { top, row: r, columns, score, has_key }));
            }
        };
        consider(area.single(r), r, 0);
        if r > 0 {
            let (columns, confirmed) = area.double(r);
            consider(columns, r - 1, if confirmed { 1 } else { -1 });
        }
    }
    best.map(|(_, h)| h)
}

/// How one field was found: the field's index in the kind's table and the grid column.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Mapped {
    pub field: usize,
    pub column: usize,
    /// `alias` or `pipeline`.
    pub how: &'static str,
}

/// Maps fields to the header's columns: pipeline overrides first (exact, normalised), then
/// the built-in aliases, most specific alias first across all fields, each column used at
/// most once. `at` names the file and sheet in problem messages.
///
/// Returns the mapping in field-table order, the problems (override not found, required
/// field missing, none of the any-of fields found), and whether the sheet cannot be read
/// at all (a required or any-of field missing).
pub(crate) fn map_columns(header: &Header, m: &Matcher, at: &str) -> (Vec<Mapped>, Vec<String>, bool) {
    let mut problems = Vec::new();
    let mut by_field: BTreeMap<usize, Mapped> = BTreeMap::new();
    let mut used = vec![false; header.columns.len()];

    let find = |wanted: &str, used: &[bool]| -> Option<usize> {
        // Prefer the full name, then the bottom name, then the top name; leftmost first.
        let pick =
            |f: &dyn Fn(&HeaderColumn) -> bool| header.columns.iter().enumerate().position(|(i, c)| !used[i] && f(c));
        pick(&|c| c.name == wanted)
            .or_else(|| pick(&|c| c.bottom.as_deref() == Some(wanted)))
            .or_else(|| pick(&|c| c.top.as_deref() == Some(wanted)))
    };

    for (&field, (text, norm)) in &m.overrides {
        match find(norm, &used) {
            Some(col) => {
                used[col] = true;
                by_field.insert(field, Mapped { field, column: col, how: "pipeline" });
            }
            None => {
                let spec = &m.specs[field];
                problems.push(format!(
                    "{at}：管线文件 [sources.columns] 指定 {} = \"{text}\"（{}），但表头中没有这一列 \
                     (column override not found)；表头为：{}",
                    spec.name,
                    spec.label,
                    header.names_for_message()
                ));
            }
        }
    }

    let ranks = m.aliases.iter().map(Vec::len).max().unwrap_or(0);
    for rank in 0..ranks {
        for (field, aliases) in m.aliases.iter().enumerate() {
            if by_field.contains_key(&field) || m.overrides.contains_key(&field) {
                continue;
            }
            let Some(alias) = aliases.get(rank) else { continue };
            if let Some(col) = find(alias, &used) {
                used[col] = true;
                by_field.insert(field, Mapped { field, column: col, how: "alias" });
            }
        }
    }

    let mut fatal = false;
    for (field, spec) in m.specs.iter().enumerate() {
        if spec.required && !by_field.contains_key(&field) {
            fatal = true;
            // A missing override was reported above; do not report the field twice.
            if !m.overrides.contains_key(&field) {
                problems.push(missing_message(header, m, field, at, &used));
            }
        }
    }
    let any = fields::any_of(m.kind);
    if !any.is_empty() && !m.specs.iter().enumerate().any(|(i, s)| any.contains(&s.name) && by_field.contains_key(&i)) {
        fatal = true;
        let labels: Vec<String> = any
            .iter()
            .filter_map(|n| fields::field(m.kind, n))
            .map(|s| format!("「{}」({})", s.label, s.name))
            .collect();
        problems.push(format!(
            "{at}：{} 至少需要以下一列：{} (none of these columns found)；表头为：{}",
            m.kind.label(),
            labels.join("或"),
            header.names_for_message()
        ));
    }
    (by_field.into_values().collect(), problems, fatal)
}

/// The message for a required field that no column matches: the field's label, the
/// headers the sheet has, and the header nearest to one of the field's known names.
fn missing_message(header: &Header, m: &Matcher, field: usize, at: &str, used: &[bool]) -> String {
    let spec = &m.specs[field];
    let mut msg = format!(
        "{at}：找不到必需的列「{}」({}; required column not found)；表头（第 {} 行起）为：{}",
        spec.label,
        spec.name,
        header.top + 1,
        header.names_for_message()
    );
    // Nearest by edit distance over characters (one Han character is one edit), among the
    // columns not already taken by another field.
    let mut nearest: Option<(usize, &str, &str)> = None;
    for (i, col) in header.columns.iter().enumerate() {
        if col.name.is_empty() {
            continue;
        }
        for name in col.names() {
            for alias in &m.aliases[field] {
                let d = strsim::levenshtein(name, alias);
                let better = match nearest {
                    None => true,
                    Some((bd, _, _)) => d < bd,
                };
                if better && !used[i] {
                    nearest = Some((d, name, alias));
                }
            }
        }
    }
    match nearest {
        Some((d, name, alias)) if d <= (alias.chars().count() / 2).max(1) => msg.push_str(&format!(
            "；最接近的列是「{name}」（已知列名「{alias}」）——若就是这一列，请在管线文件 [sources.columns] 中写 {} = \"{name}\"",
            spec.name
        )),
        _ => {
            let known: Vec<&str> = spec.aliases.iter().take(6).copied().collect();
            msg.push_str(&format!("；没有相近的列，已知列名有：{}", known.join("、")));
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Cell;

    /// A grid of text cells for header tests.
    struct Texts(Vec<Vec<&'static str>>);

    impl Grid for Texts {
        fn height(&self) -> usize {
            self.0.len()
        }
        fn width(&self) -> usize {
            self.0.iter().map(Vec::len).max().unwrap_or(0)
        }
        fn peek(&self, r: usize, c: usize) -> super::super::grid::Peek<'_> {
            match self.0.get(r).and_then(|row| row.get(c)) {
                Some(s) if !s.trim().is_empty() => super::super::grid::Peek::Text(s),
                _ => super::super::grid::Peek::Empty,
            }
        }
        fn take(&mut self, r: usize, c: usize) -> Cell {
            self.copy(r, c)
        }
        fn copy(&self, r: usize, c: usize) -> Cell {
            self.0.get(r).and_then(|row| row.get(c)).map(|s| Cell::Text((*s).into())).unwrap_or_default()
        }
        fn row_number(&self, r: usize) -> u32 {
            r as u32 + 1
        }
        fn column_index(&self, c: usize) -> usize {
            c
        }
    }

    fn matcher(kind: SourceKind, overrides: &[(&'static str, &str)]) -> Matcher {
        Matcher::new(kind, &overrides.iter().map(|(k, v)| (*k, v.to_string())).collect())
    }

    fn mapped_names(h: &Header, m: &Matcher) -> Vec<(&'static str, String)> {
        let (mapped, problems, _) = map_columns(h, m, "t");
        assert!(problems.is_empty(), "{problems:?}");
        mapped.iter().map(|x| (m.specs[x.field].name, h.columns[x.column].name.clone())).collect()
    }

    #[test]
    fn normalization_removes_layout_and_markers() {
        assert_eq!(normalize_header(" 身份证号\n（必填）"), "身份证号");
        assert_eq!(normalize_header("*姓 名*"), "姓名");
        assert_eq!(normalize_header("村（社区）"), "村(社区)");
        assert_eq!(normalize_header("村【社区】"), "村(社区)");
        assert_eq!(normalize_header("乡镇\u{3000}(街道)："), "乡镇(街道)");
        assert_eq!(normalize_header("Case_ID"), "case_id");
        assert_eq!(normalize_header("现居住\r\n地址"), "现居住地址");
        assert_eq!(normalize_header("姓名(必填)*"), "姓名");
        // Brackets that are part of the name stay.
        assert_eq!(normalize_header("县（市、区）"), "县(市、区)");
    }

    #[test]
    fn title_and_unit_rows_are_passed_over() {
        let g = Texts(vec![
            vec!["荣昌区适龄儿童少年清查表"],
            vec!["填报单位：昌元街道", "", "", "填报日期：2020-05-14"],
            vec!["镇街", "村（社区）", "姓名", "身份证号", "就学状态"],
            vec!["昌元街道", "新峰村", "甲", "1", "在校"],
        ]);
        let m = matcher(SourceKind::Census, &[]);
        let h = detect(&g, None, &m, None).unwrap();
        assert_eq!((h.top, h.row, h.score), (2, 2, 5));
        assert!(h.recognisable(&m));
        assert_eq!(
            mapped_names(&h, &m),
            [
                ("town", "镇街"),
                ("village", "村(社区)"),
                ("name", "姓名"),
                ("id_number", "身份证号"),
                ("school_status", "就学状态")
            ]
            .map(|(a, b)| (a, b.to_string()))
        );
    }

    #[test]
    fn two_row_header_with_merges_joins_names() {
        // 本周减少学生数 merged over two sub-columns; the other headers merged down.
        let g = Texts(vec![
            vec!["学校名称", "本月实际在校学生数", "本周减少学生数", ""],
            vec!["", "", "辍学人数", "转出人数"],
            vec!["昌元小学", "500", "1", "2"],
        ]);
        let merges = [
            Region { r0: 0, c0: 0, r1: 1, c1: 0 },
            Region { r0: 0, c0: 1, r1: 1, c1: 1 },
            Region { r0: 0, c0: 2, r1: 0, c1: 3 },
        ];
        let m = matcher(SourceKind::Attendance, &[]);
        let h = detect(&g, Some(&merges), &m, None).unwrap();
        assert_eq!((h.top, h.row), (0, 1));
        let names: Vec<&str> = h.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["学校名称", "本月实际在校学生数", "本周减少学生数/辍学人数", "本周减少学生数/转出人数"]);
        // The top name of a merged group names no single column; the bottom name does.
        assert_eq!(h.columns[2].top, None);
        assert_eq!(h.columns[2].bottom.as_deref(), Some("辍学人数"));

        // An override may name the joined header or the (unique) bottom header.
        let m = matcher(SourceKind::Attendance, &[("present", "本周减少学生数/辍学人数")]);
        let h = detect(&g, Some(&merges), &m, None).unwrap();
        assert_eq!(mapped_names(&h, &m)[1], ("present", "本周减少学生数/辍学人数".to_string()));
        let m = matcher(SourceKind::Attendance, &[("present", "转出人数")]);
        let h = detect(&g, Some(&merges), &m, None).unwrap();
        assert_eq!(mapped_names(&h, &m)[1], ("present", "本周减少学生数/转出人数".to_string()));
    }

    #[test]
    fn two_row_header_without_merge_information() {
        // As a CSV or ODS file shows it: group titles only over their first sub-column.
        let g = Texts(vec![
            vec!["镇街", "姓名", "身份证号", "地址", "", "就学状态"],
            vec!["", "", "（18位）", "户籍地址", "现居住地址", ""],
            vec!["昌元街道", "甲", "1", "新峰村", "新峰村", "在校"],
        ]);
        let m = matcher(SourceKind::Census, &[]);
        let h = detect(&g, None, &m, None).unwrap();
        assert_eq!((h.top, h.row), (0, 1));
        let got = mapped_names(&h, &m);
        assert!(got.contains(&("id_number", "身份证号/(18位)".to_string())), "{got:?}");
        assert!(got.contains(&("hukou_address", "地址/户籍地址".to_string())), "{got:?}");
        assert!(got.contains(&("current_address", "地址/现居住地址".to_string())), "{got:?}");
    }

    #[test]
    fn a_data_row_below_does_not_make_a_two_row_header() {
        let g = Texts(vec![vec!["姓名", "身份证号", "性别"], vec!["张三", "1", "男"]]);
        let m = matcher(SourceKind::Census, &[]);
        let h = detect(&g, None, &m, None).unwrap();
        assert_eq!((h.top, h.row), (0, 0));
    }

    #[test]
    fn instruction_sheets_are_not_headers() {
        let g = Texts(vec![vec!["填表说明"], vec!["1. 姓名：填写儿童姓名"], vec!["2. 身份证号：18位"]]);
        let m = matcher(SourceKind::Census, &[]);
        let h = detect(&g, None, &m, None).unwrap();
        assert!(!h.recognisable(&m));
        // A summary sheet naming only grouping columns is not a census header either.
        let g = Texts(vec![vec!["镇街", "村(社区)", "适龄人数"], vec!["昌元街道", "新峰村", "12"]]);
        assert!(!detect(&g, None, &m, None).unwrap().recognisable(&m));
    }

    #[test]
    fn most_specific_alias_wins_and_columns_are_used_once() {
        // 户籍所在地 and 户口所在地 are both hukou aliases; 户籍地址 ranks first.
        let g = Texts(vec![vec!["姓名", "户口所在地", "户籍地址", "证件号码", "身份证号"]]);
        let m = matcher(SourceKind::Census, &[]);
        let h = detect(&g, None, &m, None).unwrap();
        let got = mapped_names(&h, &m);
        assert!(got.contains(&("hukou_address", "户籍地址".to_string())), "{got:?}");
        assert!(got.contains(&("id_number", "身份证号".to_string())), "{got:?}");
    }

    #[test]
    fn missing_required_column_names_the_nearest_header() {
        let g = Texts(vec![vec!["镇街", "姓名", "身份证编号", "就学状态"]]);
        let m = matcher(SourceKind::Census, &[]);
        let h = detect(&g, None, &m, None).unwrap();
        let (_, problems, fatal) = map_columns(&h, &m, "文件 a.xlsx［Sheet1］");
        assert!(fatal);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert!(p.starts_with("文件 a.xlsx［Sheet1］"), "{p}");
        assert!(p.contains("「身份证号」") && p.contains("id_number"), "{p}");
        assert!(p.contains("镇街、姓名、身份证编号、就学状态"), "{p}");
        assert!(p.contains("最接近的列是「身份证编号」"), "{p}");
    }

    #[test]
    fn override_that_matches_nothing_is_a_problem() {
        let g = Texts(vec![vec!["姓名", "身份证号"]]);
        let m = matcher(SourceKind::Census, &[("id_number", "公民身份号码")]);
        let h = detect(&g, None, &m, None).unwrap();
        let (_, problems, fatal) = map_columns(&h, &m, "f");
        assert!(fatal);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("id_number") && p.contains("公民身份号码") && p.contains("姓名、身份证号")),
            "{problems:?}"
        );
    }

    #[test]
    fn fixed_header_row_is_used() {
        let g = Texts(vec![vec!["姓名", "身份证号"], vec!["姓名", "身份证号", "性别"]]);
        let m = matcher(SourceKind::Census, &[]);
        assert_eq!(detect(&g, None, &m, None).unwrap().row, 1);
        assert_eq!(detect(&g, None, &m, Some(0)).unwrap().row, 0);
        assert!(detect(&g, None, &m, Some(5)).is_none());
    }
}
