//! One worksheet as the read stage sees it, whatever file it came from: a rectangle of
//! cells that can be looked at (for header detection and row classification) and then
//! taken out one mapped cell at a time, so that strings move from the reader into the
//! records instead of being copied.
//!
//! Implemented by [`super::workbook::SheetGrid`] (calamine ranges) and
//! [`super::csv::CsvGrid`] (parsed CSV records).

use std::borrow::Cow;

use crate::table::{number_text, Cell};

/// A cheap view of one cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Peek<'a> {
    /// Empty, or text that is only whitespace.
    Empty,
    Text(&'a str),
    Number(f64),
    /// A boolean, date, duration or error value: not empty, not text.
    Other,
}

impl<'a> Peek<'a> {
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Peek::Empty)
    }

    /// The cell as header text: text as is, numbers as typed; other values have none.
    pub(crate) fn text(&self) -> Option<Cow<'a, str>> {
        match *self {
            Peek::Text(s) => Some(Cow::Borrowed(s)),
            Peek::Number(n) => Some(Cow::Owned(number_text(n))),
            Peek::Empty | Peek::Other => None,
        }
    }
}

/// A merged region in grid coordinates (inclusive), as calamine reports it for xlsx / xls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    pub r0: usize,
    pub c0: usize,
    pub r1: usize,
    pub c1: usize,
}

/// A worksheet: rows `0..height()`, columns `0..width()`, relative to the sheet's used area.
pub(crate) trait Grid {
    fn height(&self) -> usize;
    fn width(&self) -> usize;
    /// A view of a cell; out-of-range cells are empty.
    fn peek(&self, r: usize, c: usize) -> Peek<'_>;
    /// Moves a cell's value out of the grid (leaving it empty).
    fn take(&mut self, r: usize, c: usize) -> Cell;
    /// A copy of a cell's value (for the top cell of a merged region, used on many rows).
    fn copy(&self, r: usize, c: usize) -> Cell;
    /// The row number a user sees (Excel's row number; the line number for CSV).
    fn row_number(&self, r: usize) -> u32;
    /// Zero-based sheet column of grid column `c`.
    fn column_index(&self, c: usize) -> usize;

    /// Row `r` is done with and will not be looked at again: a grid whose cells cannot be
    /// moved out ([`Grid::take`] copies them) may free it, so that a large sheet is not held
    /// twice, as parsed and as rows, at the end of its read. Afterwards the row reads empty.
    fn release(&mut self, _r: usize) {}

    /// The first non-empty cell of row `r` at column `from` or to its right, with its
    /// column. A sparse grid answers without visiting the empty columns between, so that
    /// walking a row costs its cells, not the width the sheet claims.
    fn next_filled(&self, r: usize, from: usize) -> Option<(usize, Peek<'_>)> {
        (from..self.width()).map(|c| (c, self.peek(r, c))).find(|(_, p)| !p.is_empty())
    }

    /// The non-empty cells of row `r`, left to right.
    fn filled(&self, r: usize) -> Filled<'_, Self> {
        Filled { grid: self, r, c: 0 }
    }

    /// True when every cell of row `r` is empty or whitespace.
    fn row_is_blank(&self, r: usize) -> bool {
        self.next_filled(r, 0).is_none()
    }
}

/// The non-empty cells of one row, as (column, value): [`Grid::filled`].
pub(crate) struct Filled<'a, G: ?Sized> {
    grid: &'a G,
    r: usize,
    c: usize,
}

impl<'a, G: Grid + ?Sized> Iterator for Filled<'a, G> {
    type Item = (usize, Peek<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let (c, p) = self.grid.next_filled(self.r, self.c)?;
        self.c = c + 1;
        Some((c, p))
    }
}

impl<G: ?Sized> Clone for Filled<'_, G> {
    fn clone(&self) -> Self {
        Filled { grid: self.grid, r: self.r, c: self.c }
    }
}
