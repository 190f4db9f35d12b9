//! One sheet, from grid to [`RawTable`]: find the header, map the columns, then walk the
//! rows below it — skipping and counting blank, 合计 and note rows, rejecting rows the
//! reader cannot use, filling grouping columns down — so that every row is accounted for.
//!
//! Pipeline position: **read** (per sheet) → normalize → link → rules → report.

use super::grid::{Grid, Peek, Region};
use super::header::{self, Header, Matcher};
use crate::table::{Cell, ColumnMap, Prov, RawRow, RawTable, Reject, RowCounts, Skip, SkipKind};

/// What a sheet needs to know about its source.
pub(crate) struct SheetCtx<'a> {
    pub matcher: &'a Matcher,
    /// The pipeline's `header_row` (Excel row number of the last header row).
    pub header_row: Option<u32>,
    /// The pipeline's `grouping` fields: blanks filled from the row above in every format.
    pub grouping: &'a [&'static str],
    /// The workbook's date system (1900 for CSV).
    pub epoch: crate::table::Epoch,
}

/// The outcome of reading one sheet. Sheet indices in `table` and `rejects` are filled in
/// when the whole read is assembled.
#[derive(Debug)]
pub(crate) struct SheetRead {
    pub name: String,
    pub header_row: Option<u32>,
    pub columns: Vec<ColumnMap>,
    pub skipped: Option<String>,
    pub counts: RowCounts,
    pub table: Option<RawTable>,
    pub rejects: Vec<Reject>,
    /// Non-blank rows skipped (合计, notes, repeated headers), for `rejects.csv`.
    pub skips: Vec<Skip>,
    pub problems: Vec<String>,
    pub notes: Vec<String>,
    /// Whether a header of the source kind was found (even if a required column is missing).
    pub has_header: bool,
}

impl SheetRead {
    pub(crate) fn skipped(name: String, reason: String) -> Self {
        SheetRead {
            name,
            header_row: None,
            columns: Vec::new(),
            skipped: Some(reason),
            counts: RowCounts::default(),
            table: None,
            rejects: Vec::new(),
            skips: Vec::new(),
            problems: Vec::new(),
            notes: Vec::new(),
            has_header: false,
        }
    }
}

/// Texts that start a total row.
const TOTAL_WORDS: &[&str] = &["合计", "小计", "总计"];
/// Texts that start a note row (with at most one other filled cell).
const NOTE_PREFIXES: &[&str] =
    &["备注", "说明", "填表说明", "注:", "注：", "制表人", "审核人", "填报人", "填表人", "排查人", "经办人"];
/// Texts of a signature row, where every filled cell is one of these.
const SIGNATURE_PREFIXES: &[&str] = &[
    "排查人",
    "调查人",
    "统计人",
    "经办人",
    "签字",
    "签名",
    "制表人",
    "审核人",
    "填报人",
    "填表人",
    "制表日期",
    "制表时间",
    "填报日期",
    "填表日期",
    "填报单位",
    "负责人",
    "单位负责人",
    "主要负责人",
    "分管领导",
    "联系电话",
    "审核日期",
];
/// How many leading columns may hold the 合计 label.
const TOTAL_COLUMNS: usize = 5;

/// Reads one sheet. `merges` is `None` for formats that do not report merged regions; then
/// the kind's grouping columns are filled down over blanks instead. `explicit` is set when
/// the pipeline named this sheet, so a missing header is a problem rather than a note.
pub(crate) fn read_sheet<G: Grid + ?Sized>(
    grid: &mut G,
    merges: Option<&[Region]>,
    ctx: &SheetCtx<'_>,
    at: &str,
    name: String,
    explicit: bool,
) -> SheetRead {
    let m = ctx.matcher;
    let fixed = match ctx.header_row {
        None => None,
        Some(h) => match (0..grid.height()).find(|&r| grid.row_number(r) == h) {
            Some(r) => Some(r),
            None => {
                let reason = format!("第 {h} 行（header_row）是空行或不在表内 (header_row {h} is empty)");
                return unusable(name, at, reason, explicit);
            }
        },
    };
    let header = match header::detect(grid, merges, m, fixed) {
        None => return unusable(name, at, "空表 (empty sheet)".to_string(), explicit),
        Some(h) if !h.recognisable(m) => {
            let reason = match fixed {
                Some(_) => format!(
                    "第 {} 行不是{}的表头 (header_row holds no known header)",
                    ctx.header_row.unwrap_or(0),
                    m.kind.label()
                ),
                None => format!(
                    "前 {} 行中没有可识别的{}表头 (no recognisable header)",
                    header::SEARCH_ROWS,
                    m.kind.label()
                ),
            };
            return unusable(name, at, reason, explicit);
        }
        Some(h) => h,
    };

    let (mapped, problems, fatal) = header::map_columns(&header, m, at);
    let header_row = Some(grid.row_number(header.row));
    let columns: Vec<ColumnMap> = mapped
        .iter()
        .map(|x| ColumnMap {
            field: m.specs[x.field].name.to_string(),
            column: grid.column_index(x.column),
            header: header.columns[x.column].name.clone(),
            how: x.how.to_string(),
        })
        .collect();
    let mut out = SheetRead {
        name,
        header_row,
        columns,
        skipped: None,
        counts: RowCounts::default(),
        table: None,
        rejects: Vec::new(),
        skips: Vec::new(),
        problems,
        notes: Vec::new(),
        has_header: true,
    };
    if fatal {
        out.skipped = Some("缺少必需的列 (required column missing)".to_string());
        return out;
    }

    let cols: Vec<usize> = mapped.iter().map(|x| x.column).collect();
    let fill_down: Vec<bool> = mapped
        .iter()
        .map(|x| {
            let spec = &m.specs[x.field];
            (spec.grouping && merges.is_none()) || ctx.grouping.contains(&spec.name)
        })
        .collect();
    let mut table = RawTable {
        sheet: 0,
        fields: mapped.iter().map(|x| m.specs[x.field].name).collect(),
        headers: mapped.iter().map(|x| header.columns[x.column].name.clone()).collect(),
        rows: Vec::new(),
        epoch: ctx.epoch,
    };

    let first = header.row + 1;
    let end = (first..grid.height()).rev().find(|&r| !grid.row_is_blank(r)).map_or(first, |r| r + 1);
    let mut merged = MergeFill::new(grid, merges.unwrap_or(&[]), &cols, first);
    // Per fill-down column: the used row (index into `table.rows`) that last had a value.
    let mut last: Vec<Option<usize>> = vec![None; cols.len()];
    let counts = &mut out.counts;
    table.rows.reserve(end - first);

    for r in first..end {
        if r > first {
            grid.release(r - 1);
        }
        counts.read += 1;
        if let Some((c, chars)) = overlong(grid, r) {
            // Excel itself cannot hold such a cell: the file was made by something else, and
            // the value must not travel on to the workbooks written from it.
            counts.rejected += 1;
            out.rejects.push(Reject {
                prov: Prov { sheet: 0, row: grid.row_number(r) },
                column: Some(match header.columns.get(c).map(|h| h.name.as_str()).filter(|n| !n.is_empty()) {
                    Some(name) => name.to_string(),
                    None => format!("{} 列", column_name(grid.column_index(c))),
                }),
                reason: format!(
                    "单元格有 {chars} 个字符，超过 Excel 单元格上限 {MAX_CELL_CHARS} 个字符 (cell longer than Excel allows)"
                ),
            });
            continue;
        }
        match classify(grid, r, &header, &cols) {
            Some((SkipKind::Blank, _)) => {
                counts.skipped_blank += 1;
                continue;
            }
            Some((kind, reason)) => {
                if kind == SkipKind::Total {
                    counts.skipped_total += 1;
                } else {
                    counts.skipped_note += 1;
                }
                out.skips.push(Skip { prov: Prov { sheet: 0, row: grid.row_number(r) }, reason });
                continue;
            }
            None => {}
        }
        if cols.iter().all(|&c| grid.peek(r, c).is_empty()) {
            // A template row with only its 序号 filled in is an unused row, not a bad one.
            if serial_only(grid, r) {
                counts.skipped_blank += 1;
                continue;
            }
            counts.rejected += 1;
            out.rejects.push(Reject {
                prov: Prov { sheet: 0, row: grid.row_number(r) },
                column: None,
                reason: "该行在已识别的列中没有内容，内容只在未使用的列中 (no values in the mapped columns)"
                    .to_string(),
            });
            continue;
        }
        let mut cells = Vec::with_capacity(cols.len());
        for (j, &c) in cols.iter().enumerate() {
            let mut cell = grid.take(r, c);
            if cell.is_blank() {
                if let Some(v) = merged.value(j, r) {
                    cell = v.clone();
                } else if let Some(above) = last[j].filter(|_| fill_down[j]) {
                    cell = table.rows[above].cells[j].clone();
                }
            }
            if fill_down[j] && !cell.is_blank() {
                last[j] = Some(table.rows.len());
            }
            cells.push(cell);
        }
        counts.used += 1;
        table.rows.push(RawRow { row: grid.row_number(r), cells });
    }
    debug_assert!(out.counts.balanced());
    out.table = Some(table);
    out
}

/// A sheet that cannot be read: skipped with a note, or a problem when the pipeline named it.
fn unusable(name: String, at: &str, reason: String, explicit: bool) -> SheetRead {
    let mut out = SheetRead::skipped(name, reason.clone());
    if explicit {
        out.problems.push(format!("{at}：{reason}"));
    } else {
        out.notes.push(format!("{at}：{reason}，已跳过此工作表 (sheet skipped)"));
    }
    out
}

/// Reasons written to `rejects.csv` for skipped rows.
const TOTAL_ROW: &str = "合计/小计/总计行 (total row)";
const NOTE_ROW: &str = "备注/说明行 (note row)";
const SIGNATURE_ROW: &str = "签名行（制表人、审核人、日期等）(signature row)";
const HEADER_ROW: &str = "重复的表头行 (repeated header row)";

/// Whether a row is skipped, why, and the reason for `rejects.csv`. Looks only, never
/// allocates.
fn classify<G: Grid + ?Sized>(grid: &G, r: usize, header: &Header, cols: &[usize]) -> Option<(SkipKind, &'static str)> {
    let mut filled = grid.filled(r).map(|(_, p)| p);
    let Some(first) = filled.next() else {
        return Some((SkipKind::Blank, ""));
    };
    // 合计 / 小计 / 总计 in one of the leading columns, and no ID-like value on the row
    // (a person's row never has a total label; a total row never has an ID).
    let total_label = grid
        .filled(r)
        .take_while(|(c, _)| *c < TOTAL_COLUMNS)
        .any(|(_, p)| matches!(p, Peek::Text(s) if TOTAL_WORDS.iter().any(|w| starts_compact(s, w))));
    if total_label && !grid.filled(r).any(|(_, p)| id_like(p)) {
        return Some((SkipKind::Total, TOTAL_ROW));
    }
    // A signature row: every filled cell is 制表人：… / 审核人：… / 填报日期：….
    let signature = |p: Peek<'_>| matches!(p, Peek::Text(s) if SIGNATURE_PREFIXES.iter().any(|w| starts_compact(s, w)));
    // A note: 备注… / 说明… first, with at most one other filled cell.
    if let Peek::Text(s) = first {
        if NOTE_PREFIXES.iter().any(|p| starts_compact(s, p)) && filled.clone().nth(1).is_none() {
            return Some((SkipKind::Note, if signature(first) { SIGNATURE_ROW } else { NOTE_ROW }));
        }
    }
    if signature(first) && filled.all(signature) {
        return Some((SkipKind::Note, SIGNATURE_ROW));
    }
    // A repeated header row (files pasted together).
    let repeated = cols
        .iter()
        .filter(|&&c| matches!(grid.peek(r, c), Peek::Text(s) if header.columns[c].raw.iter().any(|h| h == s.trim())))
        .count();
    if repeated >= 2 && repeated * 2 >= cols.len() {
        return Some((SkipKind::Note, HEADER_ROW));
    }
    None
}

/// Excel's limit on the characters of one cell. A longer cell cannot come from a workbook
/// Excel or WPS saved, and rust_xlsxwriter refuses to write it.
pub(crate) const MAX_CELL_CHARS: usize = 32_767;

/// The first cell of row `r` longer than [`MAX_CELL_CHARS`], with its character count.
fn overlong<G: Grid + ?Sized>(grid: &G, r: usize) -> Option<(usize, usize)> {
    grid.filled(r).find_map(|(c, p)| match p {
        // Bytes first: a text of at most that many bytes has at most that many characters.
        Peek::Text(s) if s.len() > MAX_CELL_CHARS => {
            let chars = s.chars().count();
            (chars > MAX_CELL_CHARS).then_some((c, chars))
        }
        _ => None,
    })
}

/// Excel's letters for a zero-based column: 0 → A, 26 → AA, 16383 → XFD.
pub(crate) fn column_name(mut c: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Whether the row's one filled cell is a number (a pre-numbered empty template row).
fn serial_only<G: Grid + ?Sized>(grid: &G, r: usize) -> bool {
    let mut filled = grid.filled(r).map(|(_, p)| p);
    matches!((filled.next(), filled.next()), (Some(Peek::Number(_)), None))
}

/// Whether `s`, with its whitespace removed, starts with `word`.
fn starts_compact(s: &str, word: &str) -> bool {
    let mut chars = s.chars().filter(|c| !c.is_whitespace());
    word.chars().all(|w| chars.next() == Some(w))
}

/// A value that could be an ID number: 15 or more digits.
fn id_like(p: Peek<'_>) -> bool {
    match p {
        Peek::Number(n) => n.abs() >= 1e14,
        Peek::Text(s) => s.chars().filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c)).count() >= 15,
        _ => false,
    }
}

/// Values of vertically merged regions over data rows, per mapped column: a cell inside a
/// region below its top row shows the top cell's value.
struct MergeFill {
    /// Per mapped column: (first row, last row, value), sorted by first row.
    spans: Vec<Vec<(usize, usize, Cell)>>,
    /// Per mapped column: index of the first span that may still apply.
    cursor: Vec<usize>,
}

impl MergeFill {
    fn new<G: Grid + ?Sized>(grid: &G, merges: &[Region], cols: &[usize], first: usize) -> Self {
        let mut spans: Vec<Vec<(usize, usize, Cell)>> = vec![Vec::new(); cols.len()];
        for m in merges.iter().filter(|m| m.r1 > m.r0 && m.r0 >= first) {
            // The value belongs to the region's first column; only that column is filled.
            if let Some(j) = cols.iter().position(|&c| c == m.c0) {
                let value = grid.copy(m.r0, m.c0);
                if !value.is_blank() {
                    spans[j].push((m.r0 + 1, m.r1, value));
                }
            }
        }
        for s in &mut spans {
            s.sort_by_key(|(a, b, _)| (*a, *b));
        }
        MergeFill { cursor: vec![0; cols.len()], spans }
    }

    /// The merged value for mapped column `j` on row `r`. Rows must be asked in order.
    fn value(&mut self, j: usize, r: usize) -> Option<&Cell> {
        let spans = &self.spans[j];
        let cur = &mut self.cursor[j];
        while *cur < spans.len() && spans[*cur].1 < r {
            *cur += 1;
        }
        spans.get(*cur).filter(|(a, b, _)| (*a..=*b).contains(&r)).map(|(_, _, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::SourceKind;

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(column_name(16383), "XFD");
    }

    /// A grid of typed cells for row tests.
    struct Cells(Vec<Vec<Cell>>);

    impl Grid for Cells {
        fn height(&self) -> usize {
            self.0.len()
        }
        fn width(&self) -> usize {
            self.0.iter().map(Vec::len).max().unwrap_or(0)
        }
        fn peek(&self, r: usize, c: usize) -> Peek<'_> {
            match self.0.get(r).and_then(|row| row.get(c)) {
                Some(Cell::Text(s)) if !s.trim().is_empty() => Peek::Text(s),
                Some(Cell::Number(n)) => Peek::Number(*n),
                Some(Cell::Empty) | Some(Cell::Text(_)) | None => Peek::Empty,
                Some(_) => Peek::Other,
            }
        }
        fn take(&mut self, r: usize, c: usize) -> Cell {
            self.0.get_mut(r).and_then(|row| row.get_mut(c)).map(std::mem::take).unwrap_or_default()
        }
        fn copy(&self, r: usize, c: usize) -> Cell {
            self.0.get(r).and_then(|row| row.get(c)).cloned().unwrap_or_default()
        }
        fn row_number(&self, r: usize) -> u32 {
            r as u32 + 1
        }
        fn column_index(&self, c: usize) -> usize {
            c
        }
    }

    fn t(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.into())
        }
    }

    fn rows(rows: &[&[&str]]) -> Cells {
        Cells(rows.iter().map(|r| r.iter().map(|s| t(s)).collect()).collect())
    }

    #[test]
    fn rows_are_classified_and_counted() {
        let mut g = rows(&[
            &["镇街", "姓名", "身份证号", "就学状态", "其他"],
            &["昌元街道", "甲", "500153201005031234", "在校", ""],
            &["", "", "", "", ""],
            &["", "乙", "", "辍学", ""],
            &["", "", "", "", "只在未用列"],
            &["", "", "", "", ""],
            &["合 计", "2人", "", "", ""],
            &["镇街", "姓名", "身份证号", "就学状态", ""],
            &["备注：本表由村填写", "", "", "", ""],
            &["制表人：某", "", "审核人：某", "", "填报日期：2020-5-14"],
            &["", "", "", "", ""],
        ]);
        // Row 6 holds only a pre-filled 序号 in an unmapped column: an unused template row.
        g.0[5][4] = Cell::Number(6.0);
        let m = Matcher::new(SourceKind::Census, &Default::default());
        let ctx = SheetCtx { matcher: &m, header_row: None, grouping: &[], epoch: Default::default() };
        let out = read_sheet(&mut g, None, &ctx, "f［s］", "s".into(), false);
        assert!(out.problems.is_empty(), "{:?}", out.problems);
        let c = &out.counts;
        assert_eq!((c.read, c.used, c.skipped_blank, c.skipped_total, c.skipped_note, c.rejected), (9, 2, 2, 1, 3, 1));
        assert!(c.balanced());
        let table = out.table.unwrap();
        assert_eq!(table.fields, ["town", "name", "id_number", "school_status"]);
        // The town (a grouping column) is filled down: no merge information here.
        assert_eq!(table.rows[1].cells[0], t("昌元街道"));
        assert_eq!(table.rows[1].row, 4);
        assert_eq!(out.rejects[0].prov.row, 5);
        // The non-blank skipped rows are listed with their reasons; blank rows are not.
        let skips: Vec<(u32, &str)> = out.skips.iter().map(|s| (s.prov.row, s.reason)).collect();
        assert_eq!(skips, [(7, TOTAL_ROW), (8, HEADER_ROW), (9, NOTE_ROW), (10, SIGNATURE_ROW)]);
    }

    #[test]
    fn a_total_label_with_an_id_is_a_person() {
        let mut g = rows(&[&["姓名", "身份证号"], &["小计", "500153201005031234"]]);
        let m = Matcher::new(SourceKind::Census, &Default::default());
        let ctx = SheetCtx { matcher: &m, header_row: None, grouping: &[], epoch: Default::default() };
        let out = read_sheet(&mut g, None, &ctx, "f", "s".into(), false);
        assert_eq!(out.counts.used, 1);
    }

    #[test]
    fn merged_regions_fill_their_first_column_only() {
        let mut g = rows(&[
            &["镇街", "村", "姓名", "身份证号"],
            &["昌元街道", "新峰村", "甲", "1"],
            &["", "", "乙", "2"],
            &["", "", "丙", "3"],
        ]);
        // 镇街 merged over rows 2-4; 村 merged over rows 2-3 and columns B-C (odd, but seen).
        let merges = [Region { r0: 1, c0: 0, r1: 3, c1: 0 }, Region { r0: 1, c0: 1, r1: 2, c1: 1 }];
        let m = Matcher::new(SourceKind::Census, &Default::default());
        let ctx = SheetCtx { matcher: &m, header_row: None, grouping: &[], epoch: Default::default() };
        let out = read_sheet(&mut g, Some(&merges), &ctx, "f", "s".into(), false);
        let rows: Vec<Vec<Cell>> = out.table.unwrap().rows.into_iter().map(|r| r.cells).collect();
        assert_eq!(rows[2][..2], [t("昌元街道"), t("")]);
        assert_eq!(rows[1][..2], [t("昌元街道"), t("新峰村")]);
    }

    #[test]
    fn unknown_sheets_are_notes_unless_named() {
        let m = Matcher::new(SourceKind::Census, &Default::default());
        let ctx = SheetCtx { matcher: &m, header_row: None, grouping: &[], epoch: Default::default() };
        let out = read_sheet(&mut rows(&[&["填表说明"], &["1. 姓名"]]), None, &ctx, "f［说明］", "说明".into(), false);
        assert!(out.skipped.is_some() && out.problems.is_empty() && out.notes.len() == 1);
        let out = read_sheet(&mut rows(&[&["填表说明"]]), None, &ctx, "f［说明］", "说明".into(), true);
        assert!(out.problems[0].starts_with("f［说明］"), "{:?}", out.problems);
    }
}
