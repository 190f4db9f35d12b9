//! Turns a [`District`] into the files a district office receives: census workbooks per town
//! (xlsx, .xls, one per village, or CSV), 学籍 exports per school (one as GBK CSV) and a
//! history of status changes, the poverty register (.xls, several sheets), the disability list,
//! the 送教上门 visits, the 缓学/免学 approvals and the responsibility roster (attachment 4).
//!
//! While writing rows it records every injected fault with its file, sheet and row
//! ([`Injection`]) and what each census listing says about its child ([`ListingFact`]), which
//! [`super::truth`] needs. The rows and sheets a run must not use are recorded the same way,
//! so that a test can hold `rejects.csv` to them exactly: one census row per district that
//! names no child (`unusable_row`, rejected), each 合计 / 填表说明 / 签字 row under a census
//! sheet (`total_row`, `note_row`, `signature_row`, skipped) and one 填表说明 sheet per
//! district in a census workbook (`instructions_sheet`, skipped whole; its row is 0).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::book::{Book, Cell, FileFormat, Sheet};
use super::names::{self, cn_number};
use super::rng::Rng;
use super::world::{self, Child, District, Fault, Home, Layout, List, SchoolKind, Town};
use crate::normalize::id_number;

mod census;
mod disability;
mod enrollment;
mod exemption;
mod home_teaching;
mod poverty;
mod roster;

use census::*;
use disability::*;
use enrollment::*;
use exemption::*;
use home_teaching::*;
use poverty::*;
use roster::*;

/// Injection kinds that are not faults but rows or sheets a run must reject or skip.
pub const UNUSED_KINDS: &[&str] =
    &["unusable_row", "total_row", "note_row", "signature_row", "instructions_sheet", "unknown_status_row"];

/// One injected fault (or a row or sheet a run must reject or skip), located.
#[derive(Clone, Debug)]
pub struct Injection {
    pub kind: &'static str,
    /// `census`, `enrollment`, `poverty`.
    pub side: &'static str,
    pub file: String,
    pub sheet: String,
    /// Excel row number; 0 for a whole sheet.
    pub row: u32,
    pub id: String,
    pub detail: String,
}

/// What one census row says about its child.
#[derive(Clone, Debug)]
pub struct ListingFact {
    pub child: usize,
    pub town: usize,
    pub village: usize,
    /// The row's village is the child's household-registration village.
    pub hukou_here: bool,
    /// The ID as listed, normalised (empty when missing or damaged).
    pub listed_id: String,
    pub id_valid: bool,
    /// The row gives the child's birth date (its 出生日期, or a date in the ID).
    pub birth_known: bool,
}

/// Everything rendered for one district.
#[derive(Default)]
pub struct Rendered {
    pub books: Vec<Book>,
    pub injections: Vec<Injection>,
    pub listings: Vec<ListingFact>,
    /// Child index → 证件号码 on the poverty register, normalised.
    pub poverty_ids: BTreeMap<usize, String>,
}

/// Folder of a source kind; city-scale sets hold one subfolder per district.
fn folder(d: &District, multi: bool, kind: &str) -> String {
    if multi {
        format!("{kind}/{}", d.name)
    } else {
        kind.to_string()
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

fn sex(male: bool) -> &'static str {
    if male {
        "男"
    } else {
        "女"
    }
}

/// An address in one of its written forms. `variant` 0 is the canonical
/// `重庆市荣昌区荣隆镇新峰村3社12号`.
pub fn address(d: &District, town: usize, village: usize, group: u32, door: u32, variant: u8) -> String {
    let t = &d.towns[town];
    let v = &t.villages[village].name;
    let g = match variant {
        3 => format!("{group}组"),
        4 => format!("{}社", cn_number(group)),
        _ => format!("{group}社"),
    };
    let town_name = if variant == 5 && t.street { format!("{}办事处", t.name) } else { t.name.clone() };
    let prefix = match variant {
        1 => d.prefix.trim_start_matches("重庆市").to_string(),
        2 => String::new(),
        _ => d.prefix.clone(),
    };
    format!("{prefix}{town_name}{v}{g}{door}号")
}

fn variant_note(variant: u8) -> &'static str {
    match variant {
        1 => "省略“重庆市”",
        2 => "省略市、区名",
        3 => "社写作组",
        4 => "社号用汉字",
        5 => "街道写作街道办事处",
        _ => "",
    }
}

/// Where a child is registered: (town, village, group, door).
fn hukou(d: &District, c: &Child) -> Option<(usize, usize, u32, u32)> {
    let h = &d.households[c.household()?];
    Some((h.town, h.village, h.group, h.door))
}

/// Address of a child in a given variant; outside children get their outside address.
fn child_address(d: &District, c: &Child, variant: u8) -> String {
    match &c.home {
        Home::Local(_) => {
            let (t, v, g, door) = hukou(d, c).expect("local child");
            address(d, t, v, g, door, variant)
        }
        Home::Outside { place, door } => format!("{}{}号", names::OUTSIDE[*place].1, door),
    }
}

fn residence(d: &District, c: &Child) -> String {
    match &c.home {
        Home::Local(h) => {
            let hh = &d.households[*h];
            match hh.lives_in {
                Some((t, v, g)) => address(d, t, v, g, 1 + hh.door % 40, 0),
                None => address(d, hh.town, hh.village, hh.group, hh.door, 0),
            }
        }
        Home::Outside { .. } => child_address(d, c, 0),
    }
}

fn date_text(date: NaiveDate, style: u8) -> Cell {
    match style {
        1 => Cell::text(date.format("%Y.%m.%d").to_string()),
        2 => Cell::text(format!("{}年{}月{}日", date.format("%Y"), date.format("%-m"), date.format("%-d"))),
        3 => Cell::text(date.format("%Y%m%d").to_string()),
        4 => Cell::Date(date),
        _ => Cell::text(date.format("%Y-%m-%d").to_string()),
    }
}

/// Excel keeps 15 significant digits of a number typed into a numeric cell.
fn excel_number(id: &str) -> f64 {
    let v: f64 = id.parse().expect("digits");
    format!("{v:.14e}").parse().expect("float text")
}

fn to_table_cell(c: &Cell) -> crate::table::Cell {
    match c {
        Cell::Empty => crate::table::Cell::Empty,
        Cell::Text(s) => crate::table::Cell::Text(s.as_str().into()),
        Cell::Number(n) => crate::table::Cell::Number(*n),
        Cell::Date(d) => crate::table::Cell::Date(*d),
    }
}

fn fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).expect("full-width digit"),
            'X' => 'Ｘ',
            _ => c,
        })
        .collect()
}

struct Ctx<'a> {
    d: &'a District,
    rng: Rng,
    out: Rendered,
    multi: bool,
}

impl Ctx<'_> {
    /// Records an injection of `kind` on `side` at `(file, sheet, row)` (row 0: the whole
    /// sheet), for the child of true ID `id` (empty for rows that name no child).
    fn inject(
        &mut self,
        kind: &'static str,
        side: &'static str,
        (file, sheet, row): (&str, &str, u32),
        id: &str,
        detail: impl Into<String>,
    ) {
        self.out.injections.push(Injection {
            kind,
            side,
            file: file.to_string(),
            sheet: sheet.to_string(),
            row,
            id: id.to_string(),
            detail: detail.into(),
        });
    }
}

/// The ID a list shows for a child: mistyped when the child's fault is a typo on that list.
fn list_id(c: &Child, list: List) -> &str {
    match &c.fault {
        Some(Fault::ListTypo { list: l, bad, .. }) if *l == list => bad,
        _ => &c.id,
    }
}

/// Records a typo injected on `list` at one row, if the child has one there.
fn list_typo(ctx: &mut Ctx, c: &Child, list: List, file: &str, sheet: &str, row: u32) {
    if let Some(Fault::ListTypo { list: l, transpose, note, .. }) = &c.fault {
        if *l == list {
            let kind = if *transpose { "id_typo_transpose" } else { "id_typo_digit" };
            ctx.inject(kind, list.side(), (file, sheet, row), &c.id, note.clone());
        }
    }
}

/// Renders every file of a district.
pub fn render(d: &District, multi: bool) -> Rendered {
    let mut ctx = Ctx { d, rng: Rng::new(d.seed), out: Rendered::default(), multi };
    for ti in 0..d.towns.len() {
        census_town(&mut ctx, ti);
    }
    enrollment(&mut ctx);
    history(&mut ctx);
    poverty(&mut ctx);
    disability(&mut ctx);
    home_teaching(&mut ctx);
    exemptions(&mut ctx);
    roster(&mut ctx);
    ctx.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{world, Scale};

    /// The rows and sheets a run must not use, per district, at every scale: one row naming
    /// no child, one 填表说明 sheet; and two .xls census towns in the small sample.
    #[test]
    fn every_scale_plants_a_rejected_row_and_a_skipped_sheet() {
        // City scale: a district other than 荣昌 (its towns are invented, some send CSV).
        for (index, scale) in [(0, Scale::Small), (0, Scale::District), (1, Scale::City)] {
            let d = world::build_district(7, index, scale);
            let r = render(&d, scale == Scale::City);
            let count = |kind: &str| r.injections.iter().filter(|i| i.kind == kind).count();
            assert_eq!((count("unusable_row"), count("instructions_sheet")), (1, 1), "{scale:?}");
            let sheet = r.injections.iter().find(|i| i.kind == "instructions_sheet").unwrap();
            let book = r.books.iter().find(|b| b.path == sheet.file).unwrap();
            assert_eq!(book.sheets[0].name, INSTRUCTIONS);
            assert!(book.sheets.len() > 1, "in front of the village sheets");
            let xls = r.books.iter().filter(|b| b.path.contains("大清查") && b.format == FileFormat::Xls).count();
            if scale == Scale::Small {
                assert_eq!(xls, 2);
            }
        }
    }
}
