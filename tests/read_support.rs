//! Helpers for the read-stage tests: fixture paths, plans over them, scratch folders.

use std::path::{Path, PathBuf};

use kcbx::plan::{parse, Overrides, Plan};
use kcbx::read::{read_all, ReadOutcome};
use kcbx::table::{Cell, RawTable, SheetInfo};

use crate::util::Workdir;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures")
}

/// A plan in `dir` with the given `[[sources]]` text. A clearance pipeline needs a census and
/// an enrollment source; whichever is missing is filled in with a small fixture.
pub fn plan_in(dir: &Path, sources: &str) -> Plan {
    let mut text = String::from("name = \"t\"\nkind = \"clearance\"\n[params]\nas_of = \"2020-05-14\"\n");
    text.push_str(sources);
    let fx = fixtures();
    if !sources.contains("\"census\"") {
        text.push_str(&format!(
            "\n[[sources]]\nkind = \"census\"\nfiles = \"{}\"\n",
            fx.join("census_town.xls").display()
        ));
    }
    if !sources.contains("\"enrollment\"") {
        text.push_str(&format!(
            "\n[[sources]]\nkind = \"enrollment\"\nfiles = \"{}\"\n",
            fx.join("enrollment_bom.csv").display()
        ));
    }
    parse(&text, &dir.join("pipe.toml"), &Overrides::default()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Reads the given sources, with the pipeline file in the fixtures folder.
pub fn read(sources: &str) -> ReadOutcome {
    read_all(&plan_in(&fixtures(), sources))
}

/// A fresh empty folder for one test, removed when the test passes (see [`Workdir`]).
pub fn scratch(name: &str) -> Workdir {
    Workdir::new(&format!("read-{name}"))
}

/// The sheet named `sheet` of the file whose display name is `file`, with its index.
pub fn sheet<'a>(out: &'a ReadOutcome, file: &str, sheet: &str) -> (u32, &'a SheetInfo) {
    let fi = out.inputs.files.iter().position(|f| f.display == file).unwrap_or_else(|| {
        panic!("no file {file}; have {:?}", out.inputs.files.iter().map(|f| &f.display).collect::<Vec<_>>())
    });
    let (i, s) = out
        .inputs
        .sheets
        .iter()
        .enumerate()
        .find(|(_, s)| s.file as usize == fi && s.name == sheet)
        .unwrap_or_else(|| panic!("no sheet {sheet} in {file}"));
    (i as u32, s)
}

pub fn table(out: &ReadOutcome, sheet: u32) -> &RawTable {
    out.sources.iter().flat_map(|s| &s.tables).find(|t| t.sheet == sheet).expect("table of sheet")
}

/// (read, used, blank, total, note, rejected) of a sheet.
pub fn counts(s: &SheetInfo) -> (u64, u64, u64, u64, u64, u64) {
    let c = &s.counts;
    assert!(c.balanced(), "{c:?}");
    (c.read, c.used, c.skipped_blank, c.skipped_total, c.skipped_note, c.rejected)
}

/// Field ← header pairs of a sheet's mapping.
pub fn mapping(s: &SheetInfo) -> Vec<(String, String)> {
    s.columns.iter().map(|c| (c.field.clone(), c.header.clone())).collect()
}

/// The column mapping of the village census sheets the .xls fixtures share (BIFF8
/// `census_town.xls` and its Excel 95 copy `census_biff5_gbk.xls`).
pub fn village_census_mapping() -> Vec<(String, String)> {
    [
        ("town", "镇街"),
        ("village", "村(社区)"),
        ("group", "社"),
        ("name", "姓名"),
        ("sex", "性别"),
        ("id_number", "公民身份号码"),
        ("birth_date", "出生日期"),
        ("school_status", "就学状态"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .to_vec()
}

pub fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}

pub fn n(x: f64) -> Cell {
    Cell::Number(x)
}

pub fn d(y: i32, m: u32, day: u32) -> Cell {
    Cell::Date(chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap())
}

/// Rows of a table as (row number, cells).
pub fn rows(table: &RawTable) -> Vec<(u32, Vec<Cell>)> {
    table.rows.iter().map(|r| (r.row, r.cells.clone())).collect()
}
