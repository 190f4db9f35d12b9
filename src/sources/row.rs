//! Typed access to the mapped cells of a [`RawTable`] row by canonical field name, with the
//! normalisers applied. Column positions are looked up once per table.

use std::cell::RefCell;

use chrono::NaiveDate;

use crate::normalize::address::{self, Address};
use crate::normalize::id_number::{self, IdNumber, Sex};
use crate::normalize::values::ValueConfig;
use crate::normalize::{date, name};
use crate::table::{Cell, Prov, RawRow, RawTable};
use crate::text::Text;

/// Column positions of a table's fields, resolved once, and the run's 基准日 that IDs are
/// judged on (a birth date after it is impossible).
pub struct Columns<'t> {
    table: &'t RawTable,
    as_of: NaiveDate,
    memo: Memo,
}

/// The canonical forms the last row gave: a census or 学籍 sheet repeats its town, village
/// and district on every row and a household's address on each of its children, so each
/// is worked out once per run of equal values.
#[derive(Default)]
struct Memo {
    town: RefCell<Last<Text>>,
    village: RefCell<Last<Text>>,
    district: RefCell<Last<Text>>,
    hukou: RefCell<Last<Address>>,
}

/// A function's value for the last text it was asked about.
struct Last<T> {
    key: Text,
    value: Option<T>,
}

impl<T> Default for Last<T> {
    fn default() -> Self {
        Last { key: Text::default(), value: None }
    }
}

impl<T: Clone> Last<T> {
    fn get(cell: &RefCell<Last<T>>, key: &str, f: impl FnOnce(&str) -> T) -> T {
        let mut last = cell.borrow_mut();
        if let Some(v) = last.value.as_ref().filter(|_| last.key == key) {
            return v.clone();
        }
        let v = f(key);
        last.key = key.into();
        last.value = Some(v.clone());
        v
    }
}

static EMPTY: Cell = Cell::Empty;

impl<'t> Columns<'t> {
    pub fn new(table: &'t RawTable, as_of: NaiveDate) -> Self {
        Columns { table, as_of, memo: Memo::default() }
    }

    /// A row accessor.
    pub fn row<'r>(&'r self, row: &'r RawRow) -> Row<'r> {
        Row { table: self.table, row, as_of: self.as_of, memo: &self.memo }
    }
}

/// One row, read field by field.
pub struct Row<'r> {
    table: &'r RawTable,
    row: &'r RawRow,
    as_of: NaiveDate,
    memo: &'r Memo,
}

impl<'r> Row<'r> {
    pub fn prov(&self) -> Prov {
        Prov { sheet: self.table.sheet, row: self.row.row }
    }

    /// The raw cell of a field (Empty when the field is not mapped).
    pub fn cell(&self, field: &str) -> &'r Cell {
        match self.table.col(field) {
            Some(i) => self.row.cells.get(i).unwrap_or(&EMPTY),
            None => &EMPTY,
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.table.col(field).is_some()
    }

    /// Trimmed display text of a field ("" when absent).
    pub fn text(&self, field: &str) -> Text {
        self.cell(field).text()
    }

    /// A field's trimmed text given to `f`: borrowed from a text cell (no copy), else the
    /// text a number, date or truth value shows.
    fn with_text<T>(&self, field: &str, f: impl FnOnce(&str) -> T) -> T {
        match self.cell(field) {
            Cell::Text(s) => f(s.trim()),
            other => f(&other.text()),
        }
    }

    /// Text with every whitespace removed and NFKC applied.
    pub fn compact(&self, field: &str) -> Text {
        self.with_text(field, |t| crate::normalize::compact(t).into())
    }

    pub fn name(&self, field: &str) -> Text {
        self.with_text(field, |t| name::normalize(t).into())
    }

    /// The ID in a field, judged on the run's 基准日.
    pub fn id(&self, field: &str) -> IdNumber {
        id_number::from_cell(self.cell(field)).judged_on(self.as_of)
    }

    /// An ID found in other text of the row (the ID inside a G 全国学籍号), judged the same way.
    pub fn id_in(&self, text: &str) -> IdNumber {
        id_number::parse(text).judged_on(self.as_of)
    }

    pub fn date(&self, field: &str) -> Option<NaiveDate> {
        date::from_cell(self.cell(field), self.table.epoch)
    }

    pub fn year_month(&self, field: &str) -> Option<NaiveDate> {
        date::year_month_from_cell(self.cell(field), self.table.epoch)
    }

    pub fn number(&self, field: &str) -> Option<f64> {
        match self.cell(field) {
            Cell::Number(n) => Some(*n),
            Cell::Text(s) => crate::normalize::compact(s).trim_end_matches(['时', '学', '课']).parse().ok(),
            _ => None,
        }
    }

    pub fn sex(&self, field: &str, values: &ValueConfig) -> Option<Sex> {
        self.with_text(field, |t| if t.is_empty() { None } else { values.sex(t) })
    }

    pub fn yes_no(&self, field: &str, values: &ValueConfig) -> Option<bool> {
        self.with_text(field, |t| if t.is_empty() { None } else { values.yes_no(t) })
    }

    pub fn town(&self, field: &str) -> Text {
        self.with_text(field, |t| {
            if t.is_empty() {
                Text::default()
            } else {
                Last::get(&self.memo.town, t, |t| address::canon_town(t).into())
            }
        })
    }

    /// A district column's value, canonical ([`address::canon_district`]).
    pub fn district(&self, field: &str) -> Text {
        self.with_text(field, |t| {
            if t.is_empty() {
                Text::default()
            } else {
                Last::get(&self.memo.district, t, |t| address::canon_district(t).into())
            }
        })
    }

    pub fn village(&self, field: &str) -> Text {
        self.with_text(field, |t| {
            if t.is_empty() {
                Text::default()
            } else {
                Last::get(&self.memo.village, t, |t| address::canon_village(t).into())
            }
        })
    }

    pub fn address(&self, field: &str) -> Address {
        self.with_text(field, address::parse)
    }

    /// The row's 户籍地址 parsed ([`address::parse`]; the last row's when it is the same text).
    pub fn hukou(&self, text: &str) -> Address {
        Last::get(&self.memo.hukou, text, address::parse)
    }

    /// True when every mapped cell is blank.
    pub fn all_blank(&self) -> bool {
        self.row.cells.iter().all(Cell::is_blank)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_values_give_what_a_fresh_reading_gives() {
        let texts = [
            ("荣昌区", "昌元街道办事处", "新峰村村委会", "重庆市荣昌区昌元街道新峰村三社"),
            ("荣昌区", "昌元街道办事处", "新峰村村委会", "重庆市荣昌区昌元街道新峰村三社"),
            ("荣昌", "昌元街道", "新峰村", "昌元街道新峰村4组"),
            ("", "", "", ""),
            ("永川区", "广顺街道", "大南社区", "荣隆镇大南社区十二社"),
            ("永川区", "广顺街道", "大南社区", "重庆市荣昌区昌元街道新峰村三社"),
        ];
        let cell = |s: &str| if s.is_empty() { Cell::Empty } else { Cell::Text(s.into()) };
        let table = RawTable {
            sheet: 1,
            fields: vec!["district", "town", "village", "hukou_address"],
            headers: vec![String::new(); 4],
            rows: texts
                .iter()
                .enumerate()
                .map(|(i, t)| RawRow { row: i as u32 + 2, cells: vec![cell(t.0), cell(t.1), cell(t.2), cell(t.3)] })
                .collect(),
            epoch: Default::default(),
        };
        let as_of = NaiveDate::from_ymd_opt(2020, 5, 14).expect("a date");
        let cols = Columns::new(&table, as_of);
        for (raw, t) in table.rows.iter().zip(&texts) {
            let r = cols.row(raw);
            // A fresh accessor per row remembers nothing.
            let fresh_cols = Columns::new(&table, as_of);
            let fresh = fresh_cols.row(raw);
            assert_eq!(r.district("district"), fresh.district("district"));
            assert_eq!(r.town("town"), fresh.town("town"));
            assert_eq!(r.village("village"), fresh.village("village"));
            assert_eq!(r.hukou(t.3), address::parse(t.3));
        }
        let r = cols.row(&table.rows[4]);
        assert_eq!(r.hukou(texts[4].3).group, Some(12));
        assert_eq!(r.town("town"), address::canon_town("广顺街道"));
    }
}
