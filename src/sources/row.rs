//! Typed access to the mapped cells of a [`RawTable`] row by canonical field name, with the
//! normalisers applied. Column positions are looked up once per table.

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
}

static EMPTY: Cell = Cell::Empty;

impl<'t> Columns<'t> {
    pub fn new(table: &'t RawTable, as_of: NaiveDate) -> Self {
        Columns { table, as_of }
    }

    /// A row accessor.
    pub fn row<'r>(&'r self, row: &'r RawRow) -> Row<'r> {
        Row { table: self.table, row, as_of: self.as_of }
    }
}

/// One row, read field by field.
pub struct Row<'r> {
    table: &'r RawTable,
    row: &'r RawRow,
    as_of: NaiveDate,
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

    /// Text with every whitespace removed and NFKC applied.
    pub fn compact(&self, field: &str) -> Text {
        crate::normalize::compact(&self.cell(field).text()).into()
    }

    pub fn name(&self, field: &str) -> Text {
        name::normalize(&self.cell(field).text()).into()
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
        let t = self.text(field);
        if t.is_empty() {
            None
        } else {
            values.sex(&t)
        }
    }

    pub fn yes_no(&self, field: &str, values: &ValueConfig) -> Option<bool> {
        let t = self.text(field);
        if t.is_empty() {
            None
        } else {
            values.yes_no(&t)
        }
    }

    pub fn town(&self, field: &str) -> Text {
        let t = self.text(field);
        if t.is_empty() {
            t
        } else {
            address::canon_town(&t).into()
        }
    }

    /// A district column's value, canonical ([`address::canon_district`]).
    pub fn district(&self, field: &str) -> Text {
        let t = self.text(field);
        if t.is_empty() {
            t
        } else {
            address::canon_district(&t).into()
        }
    }

    pub fn village(&self, field: &str) -> Text {
        let t = self.text(field);
        if t.is_empty() {
            t
        } else {
            address::canon_village(&t).into()
        }
    }

    pub fn address(&self, field: &str) -> Address {
        address::parse(&self.text(field))
    }

    /// True when every mapped cell is blank.
    pub fn all_blank(&self) -> bool {
        self.row.cells.iter().all(Cell::is_blank)
    }
}
