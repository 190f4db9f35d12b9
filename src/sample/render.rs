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

const CENSUS_HEADER: [&str; 21] = [
    "序号",
    "镇街",
    "村(社区)",
    "社",
    "户主姓名",
    "姓名",
    "性别",
    "身份证号",
    "出生日期",
    "与户主关系",
    "户籍地址",
    "现居住地址",
    "是否建档立卡",
    "是否残疾",
    "残疾类别",
    "就学状态",
    "就读学校",
    "年级",
    "备注",
    "排查人",
    "联系电话",
];

/// One planned census row.
struct Entry {
    child: usize,
    group: u32,
    door: u32,
    hukou_here: bool,
}

struct Ctx<'a> {
    d: &'a District,
    rng: Rng,
    out: Rendered,
    multi: bool,
}

impl Ctx<'_> {
    #[allow(clippy::too_many_arguments)]
    fn inject(
        &mut self,
        kind: &'static str,
        side: &'static str,
        file: &str,
        sheet: &str,
        row: u32,
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
            ctx.inject(kind, list.side(), file, sheet, row, &c.id, note.clone());
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

fn census_town(ctx: &mut Ctx, ti: usize) {
    let d = ctx.d;
    let town: &Town = &d.towns[ti];
    // Plan rows: each village's own children, plus children listed again where they live.
    let mut per_village: Vec<Vec<Entry>> = (0..town.villages.len()).map(|_| Vec::new()).collect();
    for (i, c) in d.children.iter().enumerate() {
        if !c.listed {
            continue;
        }
        let Some((t, v, g, door)) = hukou(d, c) else {
            continue;
        };
        if t == ti {
            per_village[v].push(Entry { child: i, group: g, door, hukou_here: true });
        }
        if let Some((dt, dv, dg)) = c.duplicate {
            if dt == ti {
                per_village[dv].push(Entry { child: i, group: dg, door: 1 + door % 40, hukou_here: false });
            }
        }
    }
    for entries in &mut per_village {
        entries.sort_by_key(|e| (e.group, e.door, d.children[e.child].birth, e.child));
    }
    let dir = folder(d, ctx.multi, "大清查");
    let title = format!("{}适龄儿童少年大清查登记表", town.name);
    // The first town sending one workbook for all its villages puts the district's
    // instructions in front of them, as the district's template does.
    let instructions = matches!(town.layout, Layout::Xlsx | Layout::Xls)
        && d.towns.iter().position(|t| matches!(t.layout, Layout::Xlsx | Layout::Xls)) == Some(ti);
    match town.layout {
        Layout::PerVillage => {
            for (vi, entries) in per_village.iter().enumerate() {
                let vname = &town.villages[vi].name;
                let path = format!("{dir}/{}/{vname}.xlsx", town.name);
                let sheet_name = if vi % 2 == 0 { "Sheet1".to_string() } else { vname.clone() };
                let sheet = census_sheet(ctx, ti, vi, entries, &path, &sheet_name, &title, 0);
                ctx.out.books.push(Book { path, format: FileFormat::Xlsx, sheets: vec![sheet] });
            }
        }
        Layout::Xlsx | Layout::Xls => {
            let ext = if town.layout == Layout::Xls { "xls" } else { "xlsx" };
            let path = format!("{dir}/{title}.{ext}");
            let mut sheets = Vec::new();
            if instructions {
                sheets.push(instructions_sheet());
                ctx.inject(
                    "instructions_sheet",
                    "census",
                    &path,
                    INSTRUCTIONS,
                    0,
                    "",
                    "填表说明工作表，无表头，整表跳过",
                );
            }
            for (vi, entries) in per_village.iter().enumerate() {
                let vname = town.villages[vi].name.clone();
                sheets.push(census_sheet(ctx, ti, vi, entries, &path, &vname, &title, 0));
            }
            let format = if town.layout == Layout::Xls { FileFormat::Xls } else { FileFormat::Xlsx };
            ctx.out.books.push(Book { path, format, sheets });
        }
        Layout::Csv { gbk } => {
            let path = format!("{dir}/{title}.csv");
            let mut all = Sheet::new("csv");
            for (vi, entries) in per_village.iter().enumerate() {
                // One title and header for the whole file; later villages add data rows only,
                // so their Excel-style row numbers continue from the rows already there.
                let offset = if vi == 0 { 0 } else { all.rows.len() as u32 - 3 };
                let s = census_sheet(ctx, ti, vi, entries, &path, "csv", &title, offset);
                let skip = if vi == 0 { 0 } else { 3 };
                all.rows.extend(s.rows.into_iter().skip(skip));
            }
            let format = if gbk { FileFormat::CsvGbk } else { FileFormat::CsvUtf8 };
            ctx.out.books.push(Book { path, format, sheets: vec![all] });
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn census_sheet(
    ctx: &mut Ctx,
    ti: usize,
    vi: usize,
    entries: &[Entry],
    path: &str,
    sheet_name: &str,
    title: &str,
    row_offset: u32,
) -> Sheet {
    let d = ctx.d;
    let town = &d.towns[ti];
    let style = &town.style;
    let village = &town.villages[vi];
    let csv = matches!(town.layout, Layout::Csv { .. });
    let mut sheet = Sheet::new(sheet_name);
    let mut header: Vec<String> = CENSUS_HEADER.iter().map(|s| s.to_string()).collect();
    header[2] = style.village_header.into();
    header[3] = style.group_header.into();
    header[4] = style.householder_header.into();
    header[7] = style.id_header.into();
    header[11] = style.current_header.into();
    header[15] = style.status_header.into();
    let ncol = header.len() as u16;
    sheet.widths = vec![
        5.0, 10.0, 10.0, 5.0, 9.0, 9.0, 5.0, 21.0, 12.0, 8.0, 30.0, 30.0, 8.0, 6.0, 8.0, 9.0, 22.0, 8.0, 16.0, 8.0,
        13.0,
    ];
    sheet.text_cols = vec![7];
    sheet.push(vec![Cell::text(title)]);
    sheet.merge(0, 0, 0, ncol - 1);
    sheet.bold_rows.push(0);
    sheet.push(vec![Cell::text(format!(
        "填报单位：{}{}（盖章）            填报日期：2020年5月{}日",
        town.name,
        village.name,
        6 + (vi % 5)
    ))]);
    sheet.merge(1, 1, 0, ncol - 1);
    sheet.push(header.into_iter().map(Cell::Text).collect());
    sheet.bold_rows.push(2);
    let first_data = sheet.rows.len() as u32;
    let mut n = 0;
    let mut group_runs: Vec<(u32, u32, u32)> = Vec::new(); // (group, first row0, last row0)
    for e in entries {
        let c = &d.children[e.child];
        let hh = &d.households[c.household().expect("listed children are local")];
        n += 1;
        let row0 = sheet.rows.len() as u32;
        let excel_row = row_offset + row0 + 1;
        let mut injected: Vec<(&'static str, String)> = Vec::new();
        // ID cell.
        let id_cell = match (&c.fault, e.hukou_here) {
            (Some(Fault::CensusTypo { transpose, bad, note }), true) => {
                injected.push((if *transpose { "id_typo_transpose" } else { "id_typo_digit" }, note.clone()));
                Cell::Text(bad.clone())
            }
            (Some(Fault::CensusNumeric), true) => {
                injected.push(("id_numeric_damaged", "身份证号录入为数字，末位丢失".into()));
                if csv {
                    Cell::text(format!("{:.14E}", excel_number(&c.id)).replace("E", "E+"))
                } else {
                    Cell::Number(excel_number(&c.id))
                }
            }
            (Some(Fault::CensusMissing), true) => {
                injected.push(("id_missing", "身份证号空白".into()));
                Cell::Empty
            }
            _ => Cell::Text(c.id.clone()),
        };
        let id_cell = match id_cell {
            Cell::Text(s) if e.hukou_here && !csv => {
                let apostrophe = if style.apostrophes { 0.15 } else { 0.01 };
                let r = ctx.rng.f64();
                if r < 0.008 {
                    injected.push(("id_fullwidth", "全角数字".into()));
                    Cell::Text(fullwidth(&s))
                } else if r < 0.008 + apostrophe {
                    injected.push(("id_apostrophe", "前导单引号".into()));
                    Cell::Text(format!("'{s}"))
                } else if s.ends_with('X') && ctx.rng.chance(0.4) {
                    injected.push(("id_lowercase_x", "小写 x".into()));
                    Cell::Text(s.replace('X', "x"))
                } else if r > 0.994 {
                    injected.push(("id_spaces", "号码中有空格".into()));
                    Cell::Text(format!("{} {} {}", &s[..6], &s[6..14], &s[14..]))
                } else if r > 0.991 {
                    injected.push(("id_ideographic_space", "含全角空格 U+3000".into()));
                    Cell::Text(format!("{}\u{3000}", s))
                } else {
                    Cell::Text(s)
                }
            }
            other => other,
        };
        let parsed = id_number::from_cell(&to_table_cell(&id_cell));
        // Half the clerks who typed an ID into a numeric cell left 出生日期 blank: the ID has it.
        let birth_cell = if matches!((&c.fault, e.hukou_here), (Some(Fault::CensusNumeric), true))
            && c.id.as_bytes()[14].is_multiple_of(2)
        {
            injected.push(("birth_blank_damaged_id", "出生日期空白，身份证号为数字（前15位仍在）".into()));
            Cell::Empty
        } else {
            date_text(c.birth, style.date_style)
        };
        ctx.out.listings.push(ListingFact {
            child: e.child,
            town: ti,
            village: vi,
            hukou_here: e.hukou_here,
            listed_id: parsed.text.to_string(),
            id_valid: parsed.is_valid(),
            // Every census row of the sample writes its 出生日期, or (a damaged number left
            // without it) keeps the first 15 digits of the ID, and so its birth date.
            birth_known: true,
        });
        if let Some(Fault::NameVariant { lookalike, census_side: true, note }) = &c.fault {
            injected.push((if *lookalike { "name_lookalike" } else { "name_homophone" }, note.clone()));
        }
        let mut name = c.name.clone();
        if c.name.chars().count() == 2 && (style.pad_names || ctx.rng.chance(0.01)) {
            let chars: Vec<char> = c.name.chars().collect();
            let pad = if ctx.rng.chance(0.5) { "  " } else { "\u{3000}" };
            name = format!("{}{pad}{}", chars[0], chars[1]);
            injected.push(("name_inner_space", "姓名中间有空格".into()));
        } else if ctx.rng.chance(0.003) {
            let chars: Vec<char> = c.name.chars().collect();
            name = format!("{}    {}", chars[0], chars[1..].iter().collect::<String>());
            injected.push(("name_inner_space", "姓名中间有空格".into()));
        }
        let variant = if ctx.rng.chance(0.08) { 1 + ctx.rng.below(5) as u8 } else { 0 };
        let (t, v, g, door) = hukou(d, c).expect("local child");
        let hukou_text = address(d, t, v, g, door, variant);
        if variant != 0 {
            injected.push(("address_variant", variant_note(variant).into()));
        }
        if !e.hukou_here {
            injected.push((
                "duplicate_listing",
                format!("户籍在{}{}，在现居住地重复登记", d.towns[t].name, d.towns[t].villages[v].name),
            ));
        }
        let group_text = match style.group_style {
            1 => e.group.to_string(),
            2 => format!("{}社", cn_number(e.group)),
            3 => format!("{}组", e.group),
            _ => format!("{}社", e.group),
        };
        let disabled = c.census_disabled;
        let category = match c.disability {
            Some((cat, _)) if disabled && !c.id.as_bytes()[14].is_multiple_of(5) => world::disability_label(cat),
            _ => "",
        };
        let poverty = hh.poverty;
        let relation = c.relation;
        let row = vec![
            Cell::Number(f64::from(n)),
            Cell::text(town.name.clone()),
            Cell::text(village.name.clone()),
            Cell::text(group_text),
            Cell::text(hh.head.clone()),
            Cell::text(name),
            Cell::text(sex(c.male)),
            id_cell,
            birth_cell,
            Cell::text(relation),
            Cell::text(hukou_text),
            Cell::text(residence(d, c)),
            Cell::text(if poverty {
                "是"
            } else if style.blank_no {
                ""
            } else {
                "否"
            }),
            Cell::text(yes_no(disabled)),
            Cell::text(category),
            Cell::text(c.claim.clone()),
            Cell::text(c.claim_school.clone()),
            Cell::text(c.claim_grade.clone()),
            Cell::text(c.note),
            Cell::text(village.surveyor.clone()),
            Cell::text(hh.phone.clone()),
        ];
        sheet.push(row);
        for (kind, detail) in injected {
            ctx.inject(kind, "census", path, sheet_name, excel_row, &c.id, detail);
        }
        match group_runs.last_mut() {
            Some((g, _, last)) if *g == e.group => *last = row0,
            _ => group_runs.push((e.group, row0, row0)),
        }
        if style.blank_rows && ctx.rng.chance(0.015) {
            sheet.push(Vec::new());
        }
    }
    let last_data = sheet.rows.len() as u32 - 1;
    if style.merged && n > 1 {
        // Grouping columns merged down: only the first row keeps its value.
        for r in first_data + 1..=last_data {
            let row = &mut sheet.rows[r as usize];
            row[1] = Cell::Empty;
            row[2] = Cell::Empty;
        }
        sheet.merge(first_data, last_data, 1, 1);
        sheet.merge(first_data, last_data, 2, 2);
        for (_, a, b) in &group_runs {
            if b > a {
                for r in a + 1..=*b {
                    sheet.rows[r as usize][3] = Cell::Empty;
                }
                sheet.merge(*a, *b, 3, 3);
            }
        }
    }
    if unusable_row_here(d, ti, vi) {
        // A row begun for a household's child and left without the child's name and ID: it
        // names nobody, so a run must reject it (and no child of the ground truth is here).
        let (group, head) = match entries.first() {
            Some(e) => (e.group, d.households[d.children[e.child].household().expect("local")].head.clone()),
            None => (1, String::new()),
        };
        let r = sheet.push(vec![
            Cell::Number(f64::from(n + 1)),
            Cell::text(town.name.clone()),
            Cell::text(village.name.clone()),
            Cell::text(format!("{group}社")),
            Cell::text(head),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::text("之子"),
        ]);
        ctx.inject(
            "unusable_row",
            "census",
            path,
            sheet_name,
            row_offset + r,
            "",
            "只填了户主和与户主关系，姓名和身份证号空白",
        );
    }
    if style.totals {
        let r = sheet.push(vec![
            Cell::text("合计"),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::text(format!("{n}人")),
        ]);
        ctx.inject("total_row", "census", path, sheet_name, row_offset + r, "", "合计行");
        let r = sheet.push(vec![Cell::text(
            "填表说明：1.就学状态填写在校、县外就读、辍学、未入学、送教上门、缓学、免学、死亡、学前；2.身份证号须填写18位。",
        )]);
        sheet.merge(r - 1, r - 1, 0, ncol - 1);
        ctx.inject("note_row", "census", path, sheet_name, row_offset + r, "", "表尾填表说明行");
        let r = sheet.push(vec![Cell::text(format!("排查人：{}    村（社区）负责人签字：", village.surveyor))]);
        ctx.inject("signature_row", "census", path, sheet_name, row_offset + r, "", "表尾签字行");
    }
    sheet
}

/// The census sheet that holds the district's one row naming no child: the first village of
/// the third town (every district has at least five towns).
fn unusable_row_here(d: &District, ti: usize, vi: usize) -> bool {
    ti == 2.min(d.towns.len() - 1) && vi == 0
}

/// Name of the instructions sheet.
const INSTRUCTIONS: &str = "填表说明";

/// The 填表说明 sheet of the district's census template: text only, no header row.
fn instructions_sheet() -> Sheet {
    let mut sheet = Sheet::new(INSTRUCTIONS);
    sheet.widths = vec![90.0];
    sheet.push(vec![Cell::text("适龄儿童少年大清查登记表填表说明")]);
    sheet.bold_rows.push(0);
    for line in [
        "一、每村（社区）一个工作表，每名适龄儿童少年一行，不得漏登。",
        "二、身份证号一律填写18位公民身份号码，单元格设为文本格式，不得使用科学计数法。",
        "三、出生日期按“2010-05-03”格式填写；与户主关系填写“之子”“之女”“之孙”等。",
        "四、就学状态填写在校、县外就读、辍学、未入学、送教上门、缓学、免学、死亡、学前之一。",
        "五、残疾儿童少年须填写残疾类别；建档立卡户填“是”。",
        "六、表尾由排查人和村（社区）负责人签字。",
    ] {
        sheet.push(vec![Cell::text(line)]);
    }
    sheet
}

const ENROLL_HEADER: [&str; 17] = [
    "学校名称",
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "身份证件类型",
    "身份证件号",
    "全国学籍号",
    "年级",
    "班级",
    "入学年月",
    "就读方式",
    "户口所在地",
    "现住址",
    "随班就读",
    "残疾人类型",
    "学籍状态",
];

fn enrollment(ctx: &mut Ctx) {
    let d = ctx.d;
    let dir = folder(d, ctx.multi, "学籍");
    // Children per school, in grade order; classes of 45.
    // (child, listed by a school the child has left: an export taken before the transfer
    // reached it, or a transfer half done).
    let mut per_school: Vec<Vec<(usize, bool)>> = vec![Vec::new(); d.schools.len()];
    for (i, c) in d.children.iter().enumerate() {
        if let Some(cur) = &c.current {
            per_school[cur.school].push((i, false));
            if let Some(old) = c.stale_school {
                per_school[old].push((i, true));
            }
        }
    }
    for (si, kids) in per_school.iter_mut().enumerate() {
        if kids.is_empty() {
            continue;
        }
        kids.sort_by_key(|&(i, stale)| {
            (d.children[i].current.as_ref().map(|c| c.grade).unwrap_or(0), d.children[i].record_id.clone(), i, stale)
        });
        let school = &d.schools[si];
        let csv = school.csv;
        let path = format!("{dir}/{}.{}", school.name, if csv { "csv" } else { "xlsx" });
        let sheet_name = if csv { "csv".to_string() } else { "学生名单".to_string() };
        let mut sheet = Sheet::new(sheet_name.clone());
        sheet.text_cols = vec![6, 7];
        sheet.widths =
            vec![22.0, 9.0, 5.0, 11.0, 6.0, 12.0, 21.0, 21.0, 8.0, 8.0, 9.0, 8.0, 30.0, 30.0, 8.0, 10.0, 8.0, 11.0];
        if school.titled {
            sheet.push(vec![Cell::text(format!("{}在籍学生名册（导出时间：2020-05-12）", school.name))]);
            sheet.bold_rows.push(0);
        }
        let header_row = sheet.rows.len() as u32;
        let mut header: Vec<Cell> = ENROLL_HEADER.iter().map(|s| Cell::text(*s)).collect();
        if school.dated {
            header.push(Cell::text("异动日期"));
        }
        sheet.push(header);
        sheet.bold_rows.push(header_row);
        let mut class_count: BTreeMap<i32, usize> = BTreeMap::new();
        for &(i, stale) in kids.iter() {
            let c = &d.children[i];
            let cur = c.current.as_ref().expect("current");
            let k = class_count.entry(cur.grade).or_insert(0);
            let class = 1 + *k / 45;
            *k += 1;
            let variant = if ctx.rng.chance(0.06) { 1 + ctx.rng.below(5) as u8 } else { 0 };
            let hukou_text = child_address(d, c, variant);
            let row = sheet.rows.len() as u32 + 1;
            let j = matches!(c.fault, Some(Fault::RecordJ));
            let disability = match c.disability {
                Some((cat, _)) if cur.inclusive || school.kind == SchoolKind::Special || cur.mode == "送教上门" => {
                    world::disability_label(cat)
                }
                _ => "无残疾",
            };
            sheet.push(vec![
                Cell::text(school.name.clone()),
                Cell::text(c.record_name.clone()),
                Cell::text(sex(c.male)),
                Cell::text(c.birth.format("%Y-%m-%d").to_string()),
                Cell::text(c.nation),
                Cell::text(if j { "其他" } else { "居民身份证" }),
                Cell::text(c.record_id.clone()),
                Cell::text(c.student_no.clone()),
                Cell::text(names::grade_label(cur.grade as u8)),
                Cell::text(format!("({class})班")),
                Cell::text(if si % 2 == 0 {
                    cur.entry.format("%Y-%m").to_string()
                } else {
                    cur.entry.format("%Y%m").to_string()
                }),
                Cell::text(if cur.mode == "住校" || cur.mode == "送教上门" {
                    cur.mode
                } else if c.boarding {
                    "住校"
                } else {
                    "走读"
                }),
                Cell::text(hukou_text),
                Cell::text(residence(d, c)),
                Cell::text(if cur.inclusive { "是" } else { "否" }),
                Cell::text(disability),
                Cell::text(if stale { "在读" } else { cur.status }),
            ]);
            if school.dated {
                let date = if stale { None } else { c.current_date };
                sheet.rows.last_mut().expect("row").push(date.map(Cell::Date).unwrap_or(Cell::Empty));
            }
            if stale {
                continue;
            }
            record_side_faults(ctx, c, &path, &sheet_name, row);
            if variant != 0 && matches!(c.home, Home::Local(_)) {
                ctx.inject("address_variant", "enrollment", &path, &sheet_name, row, &c.id, variant_note(variant));
            }
            if c.scenario == world::Scenario::CensusMissed {
                ctx.inject("census_missed", "enrollment", &path, &sheet_name, row, &c.id, "清查表漏登，学籍在读");
            }
        }
        let format = if csv { FileFormat::CsvGbk } else { FileFormat::Xlsx };
        ctx.out.books.push(Book { path, format, sheets: vec![sheet] });
    }
}

/// Records the 学籍-side faults of a child at one 学籍 row.
fn record_side_faults(ctx: &mut Ctx, c: &Child, path: &str, sheet: &str, row: u32) {
    match &c.fault {
        Some(Fault::RecordTypo { transpose, note }) => {
            let kind = if *transpose { "id_typo_transpose" } else { "id_typo_digit" };
            ctx.inject(kind, "enrollment", path, sheet, row, &c.id, note.clone());
        }
        Some(Fault::RecordJ) => {
            ctx.inject("id_j_number", "enrollment", path, sheet, row, &c.id, "无身份证号，J 字头学籍号")
        }
        Some(Fault::NameVariant { lookalike, census_side: false, note }) => {
            let kind = if *lookalike { "name_lookalike" } else { "name_homophone" };
            ctx.inject(kind, "enrollment", path, sheet, row, &c.id, note.clone());
        }
        _ => {}
    }
}

fn history(ctx: &mut Ctx) {
    let d = ctx.d;
    let dir = folder(d, ctx.multi, "学籍");
    let path = format!("{dir}/学籍异动记录（2015年以来）.xlsx");
    let sheet_name = "异动记录".to_string();
    let mut events: Vec<(NaiveDate, usize, usize, usize)> = Vec::new(); // date, school, child, event
    for (i, c) in d.children.iter().enumerate() {
        for (k, e) in c.events.iter().enumerate() {
            events.push((e.date, e.school, i, k));
        }
    }
    events.sort();
    let mut sheet = Sheet::new(sheet_name.clone());
    sheet.text_cols = vec![4, 5];
    sheet.widths = vec![22.0, 9.0, 5.0, 11.0, 21.0, 21.0, 8.0, 9.0, 11.0, 12.0, 30.0];
    sheet.push(
        [
            "学校名称",
            "姓名",
            "性别",
            "出生日期",
            "身份证件号",
            "全国学籍号",
            "年级",
            "异动类型",
            "异动日期",
            "异动原因",
            "户口所在地",
        ]
        .iter()
        .map(|s| Cell::text(*s))
        .collect(),
    );
    sheet.bold_rows.push(0);
    // The junior schools whose system writes a graduation as 毕业离校, or as a bare 离校.
    let juniors: Vec<usize> = (0..d.schools.len()).filter(|&s| d.schools[s].kind == SchoolKind::Junior).collect();
    let word = |school: usize| match juniors.iter().position(|&s| s == school) {
        Some(1) => Some("毕业离校"),
        Some(3) => Some("离校"),
        _ => None,
    };
    // Two 转入 rows are followed by a row whose 异动类型 no table knows (其它): rejected.
    let mut unknown_left = 2;
    for (date, school, i, k) in events {
        let c = &d.children[i];
        let e = &c.events[k];
        let row = sheet.rows.len() as u32 + 1;
        let kind = match word(school) {
            Some(w) if e.kind == "毕业" && e.grade == 9 => {
                ctx.inject("status_word", "enrollment", &path, &sheet_name, row, &c.id, format!("初中毕业写作“{w}”"));
                w
            }
            _ => e.kind,
        };
        sheet.push(vec![
            Cell::text(d.schools[school].name.clone()),
            Cell::text(c.record_name.clone()),
            Cell::text(sex(c.male)),
            Cell::text(c.birth.format("%Y-%m-%d").to_string()),
            Cell::text(c.record_id.clone()),
            // A temporary number another school issued, at that school's rows.
            Cell::text(match &c.old_student_no {
                Some(no) if c.current.as_ref().is_some_and(|cur| cur.school != school) => no.clone(),
                _ => c.student_no.clone(),
            }),
            Cell::text(names::grade_label(e.grade.clamp(1, 9) as u8)),
            Cell::text(kind),
            Cell::Date(date),
            Cell::text(e.reason),
            Cell::text(child_address(d, c, 0)),
        ]);
        record_side_faults(ctx, c, &path, &sheet_name, row);
        if e.kind == "转入" && unknown_left > 0 {
            unknown_left -= 1;
            let mut extra = sheet.rows.last().expect("the row just written").clone();
            extra[7] = Cell::text("其它");
            extra[9] = Cell::text("学籍信息变更");
            sheet.push(extra);
            ctx.inject(
                "unknown_status_row",
                "enrollment",
                &path,
                &sheet_name,
                row + 1,
                &c.id,
                "异动类型“其它”无法识别，该行剔除",
            );
        }
    }
    ctx.out.books.push(Book { path, format: FileFormat::Xlsx, sheets: vec![sheet] });
}

const POVERTY_HEADER: [&str; 16] = [
    "县(市、区)",
    "乡(镇)",
    "行政村",
    "自然村",
    "户编号",
    "人编号",
    "姓名",
    "证件号码",
    "人数",
    "与户主关系",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "脱贫年度",
    "户类型",
];

fn poverty(ctx: &mut Ctx) {
    let d = ctx.d;
    let dir = folder(d, ctx.multi, "建档立卡");
    let path = format!("{dir}/{}2019年动态调整建档立卡贫困人口.xls", d.name);
    let mut kids_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, c) in d.children.iter().enumerate() {
        if c.poverty_status.is_some() {
            kids_of.entry(c.household().expect("local")).or_default().push(i);
        }
    }
    let half = d.towns.len().div_ceil(2);
    let mut sheets = vec![Sheet::new("贫困人口1"), Sheet::new("贫困人口2")];
    for s in &mut sheets {
        s.text_cols = vec![4, 5, 7];
        s.push(vec![Cell::text(format!("{}建档立卡贫困人口花名册（2019年动态调整）", d.name))]);
        s.merge(0, 0, 0, 15);
        s.push(POVERTY_HEADER.iter().map(|h| Cell::text(*h)).collect());
    }
    for (hi, hh) in d.households.iter().enumerate() {
        if !hh.poverty {
            continue;
        }
        let kids = kids_of.get(&hi).cloned().unwrap_or_default();
        let size = hh.adults.len() + kids.len();
        let si = usize::from(hh.town >= half);
        let sheet_name = sheets[si].name.clone();
        let town = &d.towns[hh.town];
        let mut person = 0;
        let base = |person: usize| -> Vec<Cell> {
            vec![
                Cell::text(d.name.clone()),
                Cell::text(town.name.clone()),
                Cell::text(town.villages[hh.village].name.clone()),
                Cell::text(format!("{}社", hh.group)),
                Cell::text(hh.household_no.clone()),
                Cell::text(format!("{}{:02}", hh.household_no, person)),
            ]
        };
        for (name, id, _male, relation) in &hh.adults {
            person += 1;
            let mut row = base(person);
            // A few disabled adults carry their 残疾人证号 in 证件号码.
            let id_text = if ctx.rng.chance(0.03) {
                let excel_row = sheets[si].rows.len() as u32 + 1;
                ctx.inject(
                    "id_disability_certificate",
                    "poverty",
                    &path,
                    &sheet_name,
                    excel_row,
                    id,
                    "证件号码填写为20位残疾人证号",
                );
                format!("{id}{}{}", 1 + ctx.rng.below(7), 1 + ctx.rng.below(4))
            } else {
                id.clone()
            };
            row.extend([
                Cell::text(name.clone()),
                Cell::text(id_text),
                Cell::Number(size as f64),
                Cell::text(*relation),
                Cell::text("汉族"),
                Cell::text(*ctx.rng.pick(&["小学", "初中", "初中", "文盲或半文盲"])),
                Cell::text("非在校生"),
                Cell::text(*ctx.rng.pick(&["健康", "健康", "健康", "长期慢性病"])),
                Cell::text(hh.exit_year),
                Cell::text(hh.household_type),
            ]);
            sheets[si].push(row);
        }
        for &i in &kids {
            person += 1;
            let c = &d.children[i];
            let mut row = base(person);
            let relation = match (hh.head_is_grandparent, c.male) {
                (true, true) => "之孙子",
                (true, false) => "之孙女",
                (false, true) => "之子",
                (false, false) => "之女",
            };
            let id_text = match c.disability {
                Some((cat, grade)) if c.on_disability_list && c.id.as_bytes()[13] % 5 < 3 => {
                    format!("{}{cat}{grade}", c.id)
                }
                _ => list_id(c, List::Poverty).to_string(),
            };
            let excel_row = sheets[si].rows.len() as u32 + 1;
            list_typo(ctx, c, List::Poverty, &path, &sheet_name, excel_row);
            if id_text.len() == 20 {
                ctx.inject(
                    "id_disability_certificate",
                    "poverty",
                    &path,
                    &sheet_name,
                    excel_row,
                    &c.id,
                    "证件号码填写为20位残疾人证号",
                );
            }
            ctx.out.poverty_ids.insert(i, id_number::parse(&id_text).text.to_string());
            let status = c.poverty_status.expect("on the register");
            let education = super::youths::education(c);
            row.extend([
                Cell::text(c.name.clone()),
                Cell::text(id_text),
                Cell::Number(size as f64),
                Cell::text(relation),
                Cell::text(c.nation),
                Cell::text(education),
                Cell::text(status),
                Cell::text(if c.disability.is_some() { "残疾" } else { "健康" }),
                Cell::text(hh.exit_year),
                Cell::text(hh.household_type),
            ]);
            sheets[si].push(row);
        }
    }
    ctx.out.books.push(Book { path, format: FileFormat::Xls, sheets });
}

fn disability(ctx: &mut Ctx) {
    let d = ctx.d;
    let dir = folder(d, ctx.multi, "残联");
    let path = format!("{dir}/{}持证残疾人名单.xlsx", d.name);
    // (town, village, name, male, id, cat, grade, address, child)
    type Row = (usize, usize, String, bool, String, u8, u8, String, Option<usize>);
    let mut rows: Vec<Row> = Vec::new();
    for (i, c) in d.children.iter().enumerate() {
        if let (true, Some((cat, grade))) = (c.on_disability_list, c.disability) {
            let (t, v, _, _) = hukou(d, c).expect("local");
            let id = list_id(c, List::Disability).to_string();
            rows.push((t, v, c.name.clone(), c.male, id, cat, grade, child_address(d, c, 0), Some(i)));
        }
    }
    for a in &d.disabled_adults {
        rows.push((
            a.town,
            a.village,
            a.name.clone(),
            a.male,
            a.id.clone(),
            a.category,
            a.grade,
            address(d, a.town, a.village, a.group, 1, 0),
            None,
        ));
    }
    rows.sort_by(|a, b| (a.0, a.1, &a.4).cmp(&(b.0, b.1, &b.4)));
    let mut sheet = Sheet::new("持证残疾人");
    sheet.text_cols = vec![5];
    sheet.widths = vec![5.0, 10.0, 10.0, 9.0, 5.0, 24.0, 10.0, 8.0, 32.0];
    sheet.push(vec![Cell::text(format!("{}持证残疾人花名册", d.name))]);
    sheet.merge(0, 0, 0, 8);
    sheet.push(
        ["序号", "镇街", "村(社区)", "姓名", "性别", "残疾人证号", "残疾类别", "残疾等级", "住址"]
            .iter()
            .map(|s| Cell::text(*s))
            .collect(),
    );
    for (k, (t, v, name, male, id, cat, grade, addr, child)) in rows.into_iter().enumerate() {
        if let Some(i) = child {
            let row = sheet.rows.len() as u32 + 1;
            list_typo(ctx, &d.children[i], List::Disability, &path, "持证残疾人", row);
        }
        sheet.push(vec![
            Cell::Number((k + 1) as f64),
            Cell::text(d.towns[t].name.clone()),
            Cell::text(d.towns[t].villages[v].name.clone()),
            Cell::text(name),
            Cell::text(sex(male)),
            Cell::text(format!("{id}{cat}{grade}")),
            Cell::text(world::disability_label(cat)),
            Cell::text(world::disability_grade_label(grade)),
            Cell::text(addr),
        ]);
    }
    ctx.out.books.push(Book { path, format: FileFormat::Xlsx, sheets: vec![sheet] });
}

fn home_teaching(ctx: &mut Ctx) {
    let d = ctx.d;
    let dir = folder(d, ctx.multi, "送教上门");
    let path = format!("{dir}/2019-2020学年送教上门记录.xlsx");
    let mut kids: Vec<usize> = (0..d.children.len()).filter(|&i| !d.children[i].visits.is_empty()).collect();
    kids.sort_by_key(|&i| (d.children[i].home_school, i));
    let mut sheet = Sheet::new("送教记录");
    sheet.text_cols = vec![4, 5];
    sheet.widths = vec![5.0, 22.0, 9.0, 5.0, 21.0, 21.0, 10.0, 10.0, 11.0, 6.0, 9.0, 12.0];
    sheet.push(vec![Cell::text(format!("{}2019-2020学年送教上门记录表", d.name))]);
    sheet.merge(0, 0, 0, 11);
    sheet.push(
        [
            "序号",
            "送教学校",
            "学生姓名",
            "性别",
            "身份证号",
            "全国学籍号",
            "镇街",
            "村(社区)",
            "送教日期",
            "学时",
            "送教教师",
            "送教内容",
        ]
        .iter()
        .map(|s| Cell::text(*s))
        .collect(),
    );
    let mut k = 0;
    for i in kids {
        let c = &d.children[i];
        let school = &d.schools[c.home_school.expect("home-taught")];
        let (t, v, _, _) = hukou(d, c).expect("local");
        for visit in &c.visits {
            k += 1;
            let row = sheet.rows.len() as u32 + 1;
            list_typo(ctx, c, List::HomeTeaching, &path, "送教记录", row);
            sheet.push(vec![
                Cell::Number(f64::from(k)),
                Cell::text(school.name.clone()),
                Cell::text(c.name.clone()),
                Cell::text(sex(c.male)),
                Cell::text(list_id(c, List::HomeTeaching)),
                Cell::text(if c.current.is_some() { c.student_no.clone() } else { String::new() }),
                Cell::text(d.towns[t].name.clone()),
                Cell::text(d.towns[t].villages[v].name.clone()),
                Cell::Date(visit.date),
                Cell::Number(visit.hours),
                Cell::text(school.teachers[visit.teacher].clone()),
                Cell::text(visit.content),
            ]);
        }
    }
    ctx.out.books.push(Book { path, format: FileFormat::Xlsx, sheets: vec![sheet] });
}

fn exemptions(ctx: &mut Ctx) {
    let d = ctx.d;
    let dir = folder(d, ctx.multi, "缓学免学");
    // The district's approvals, with 有效期至; the towns' own 缓学 approvals (one year from
    // approval, world::TOWN_DEFERRAL_DAYS) on a list of their own that prints none.
    for by_town in [false, true] {
        let (path, sheet_name, title) = if by_town {
            (format!("{dir}/镇街缓学审批名单.xlsx"), "镇街审批", format!("{}各镇街缓学审批名单", d.name))
        } else {
            (format!("{dir}/缓学免学审批名单.xlsx"), "缓免学名单", format!("{}义务教育阶段缓学免学审批名单", d.name))
        };
        let mut header =
            vec!["序号", "镇街", "村(社区)", "姓名", "性别", "身份证号", "类型", "原因", "批准日期", "起始日期"];
        if !by_town {
            header.push("有效期至");
        }
        header.push("审批单位");
        let mut sheet = Sheet::new(sheet_name);
        sheet.text_cols = vec![5];
        sheet.widths = vec![5.0, 10.0, 10.0, 9.0, 5.0, 21.0, 6.0, 14.0, 11.0, 11.0, 11.0, 22.0];
        sheet.push(vec![Cell::text(title)]);
        sheet.merge(0, 0, 0, header.len() as u16 - 1);
        sheet.push(header.iter().map(|s| Cell::text(*s)).collect());
        let mut k = 0;
        for c in &d.children {
            for e in c.exemptions.iter().filter(|e| e.approver.ends_with("人民政府") == by_town) {
                k += 1;
                let (t, v, _, _) = hukou(d, c).expect("local");
                let row = sheet.rows.len() as u32 + 1;
                list_typo(ctx, c, List::Exemption, &path, sheet_name, row);
                let mut cells = vec![
                    Cell::Number(f64::from(k)),
                    Cell::text(d.towns[t].name.clone()),
                    Cell::text(d.towns[t].villages[v].name.clone()),
                    Cell::text(c.name.clone()),
                    Cell::text(sex(c.male)),
                    Cell::text(list_id(c, List::Exemption)),
                    Cell::text(e.kind),
                    Cell::text(e.reason),
                    Cell::text(e.approved.format("%Y-%m-%d").to_string()),
                    Cell::text(e.from.format("%Y-%m-%d").to_string()),
                ];
                if !by_town {
                    cells.push(Cell::text(e.until.format("%Y-%m-%d").to_string()));
                }
                cells.push(Cell::text(e.approver.clone()));
                sheet.push(cells);
            }
        }
        if by_town && k == 0 {
            continue;
        }
        ctx.out.books.push(Book { path, format: FileFormat::Xlsx, sheets: vec![sheet] });
    }
}

/// A two-character name padded to three characters' width, as rosters typed in Word do.
fn padded(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() == 2 {
        format!("{}  {}", chars[0], chars[1])
    } else {
        name.to_string()
    }
}

/// A school as the roster writes it: the way people say it, not as the 学籍 stores it
/// (`荣昌中学` for 重庆市荣昌中学校, `特校` for 荣昌区特殊教育学校, every other junior school
/// without the district prefix).
fn roster_school_name(d: &District, name: &str, k: usize) -> String {
    let district = d.name.as_str();
    if name.ends_with("特殊教育学校") {
        return "特校".to_string();
    }
    if let Some(rest) = name.strip_prefix("重庆市").and_then(|r| r.strip_suffix("中学校")) {
        return format!("{rest}中学");
    }
    match name.strip_prefix(district) {
        Some(rest) if k.is_multiple_of(4) && rest.ends_with("中学") => rest.to_string(),
        _ => name.to_string(),
    }
}

fn roster(ctx: &mut Ctx) {
    let d = ctx.d;
    let dir = folder(d, ctx.multi, "责任人名单");
    let path = format!("{dir}/{}控辍保学包片包校责任人名单.xlsx", d.name);
    let mut sheet = Sheet::new("包片包校");
    sheet.widths = vec![12.0, 26.0, 12.0, 10.0, 13.0, 10.0, 13.0, 10.0];
    sheet.push(vec![Cell::text(format!("{}控辍保学包片包校责任人名单", d.name))]);
    sheet.merge(0, 0, 0, 7);
    sheet.bold_rows.push(0);
    sheet.push(vec![
        Cell::text("单位"),
        Cell::text("学校名称"),
        Cell::text("教委包干领导"),
        Cell::text("教委科室包片人员"),
        Cell::Empty,
        Cell::text("教委学区督导责任区包校人员"),
        Cell::Empty,
        Cell::text("备注"),
    ]);
    sheet.push(vec![
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::text("姓名"),
        Cell::text("联系电话"),
        Cell::text("姓名"),
        Cell::text("联系电话"),
        Cell::Empty,
    ]);
    sheet.bold_rows.extend([1, 2]);
    sheet.merge(1, 2, 0, 0);
    sheet.merge(1, 2, 1, 1);
    sheet.merge(1, 2, 2, 2);
    sheet.merge(1, 1, 3, 4);
    sheet.merge(1, 1, 5, 6);
    sheet.merge(1, 2, 7, 7);
    let rng = &mut ctx.rng;
    let mut last_person: Option<(String, String)> = None;
    let mut groups = 0;
    for (xi, xuequ) in d.xuequ.iter().enumerate() {
        let schools: Vec<usize> = (0..d.schools.len()).filter(|&s| d.schools[s].xuequ == xi).collect();
        if schools.is_empty() {
            continue;
        }
        let first = sheet.rows.len() as u32;
        let leader = {
            let male = rng.chance(0.7);
            names::adult_name(rng, male)
        };
        // 包片 people cover runs of 2..=4 schools; 包校 people one to three schools each.
        let mut area = (String::new(), String::new());
        let mut area_left = 0;
        let mut area_start = first;
        let mut school_person = (String::new(), String::new());
        let mut school_left = 0;
        let previous_person = last_person.clone();
        for (k, &s) in schools.iter().enumerate() {
            let r = sheet.rows.len() as u32;
            if area_left == 0 {
                if r > area_start + 1 {
                    sheet.merge(area_start, r - 1, 3, 3);
                    sheet.merge(area_start, r - 1, 4, 4);
                }
                area = (
                    {
                        let male = rng.chance(0.5);
                        names::adult_name(rng, male)
                    },
                    names::phone(rng),
                );
                area_left = 2 + rng.below(3);
                area_start = r;
            }
            if school_left == 0 {
                school_person = (
                    {
                        let male = rng.chance(0.5);
                        names::adult_name(rng, male)
                    },
                    names::phone(rng),
                );
                school_left = 1 + rng.below(3);
                // A roster data fault the run must report: the first 包校人员 of the third 学区 listed is
                // typed with the number of the last 包校人员 of the 学区 before it.
                if groups == 2 && k == 0 {
                    if let Some((_, phone)) = &previous_person {
                        school_person.1 = phone.clone();
                    }
                }
            }
            let at_area_start = r == area_start;
            sheet.push(vec![
                Cell::text(if k == 0 { xuequ.clone() } else { String::new() }),
                Cell::text(roster_school_name(d, &d.schools[s].name, s)),
                Cell::text(if k == 0 { padded(&leader) } else { String::new() }),
                Cell::text(if at_area_start { padded(&area.0) } else { String::new() }),
                Cell::text(if at_area_start { area.1.clone() } else { String::new() }),
                Cell::text(padded(&school_person.0)),
                Cell::text(school_person.1.clone()),
                Cell::Empty,
            ]);
            area_left -= 1;
            school_left -= 1;
            last_person = Some(school_person.clone());
        }
        let last = sheet.rows.len() as u32 - 1;
        if last > area_start {
            sheet.merge(area_start, last, 3, 3);
            sheet.merge(area_start, last, 4, 4);
        }
        sheet.merge(first, last, 0, 0);
        sheet.merge(first, last, 2, 2);
        groups += 1;
    }
    ctx.out.books.push(Book { path, format: FileFormat::Xlsx, sheets: vec![sheet] });
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
