//! 大清查 census workbooks, one per town (a few .xls, 昌元街道 one per village, some towns as
//! CSV at city scale), in the shapes FACTS.md records: a title row and 填报单位 line above the
//! header, merged 镇街/村/社 cells, headers that differ from town to town, 合计, 填表说明 and
//! signature rows under the data, a 填表说明 sheet in front, and one row that names no child.
//!
//! Mirrors [`crate::sources::census`]: what that reader must cope with is made here.

use super::*;

pub(super) const CENSUS_HEADER: [&str; 21] = [
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
pub(super) struct Entry {
    child: usize,
    group: u32,
    door: u32,
    hukou_here: bool,
}

pub(super) fn census_town(ctx: &mut Ctx, ti: usize) {
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
                let sheet = census_sheet(
                    ctx,
                    ti,
                    vi,
                    entries,
                    SheetAt { path: &path, name: &sheet_name, title: &title, row_offset: 0 },
                );
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
                    (&path, INSTRUCTIONS, 0),
                    "",
                    "填表说明工作表，无表头，整表跳过",
                );
            }
            for (vi, entries) in per_village.iter().enumerate() {
                let vname = town.villages[vi].name.clone();
                sheets.push(census_sheet(
                    ctx,
                    ti,
                    vi,
                    entries,
                    SheetAt { path: &path, name: &vname, title: &title, row_offset: 0 },
                ));
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
                let s = census_sheet(
                    ctx,
                    ti,
                    vi,
                    entries,
                    SheetAt { path: &path, name: "csv", title: &title, row_offset: offset },
                );
                let skip = if vi == 0 { 0 } else { 3 };
                all.rows.extend(s.rows.into_iter().skip(skip));
            }
            let format = if gbk { FileFormat::CsvGbk } else { FileFormat::CsvUtf8 };
            ctx.out.books.push(Book { path, format, sheets: vec![all] });
        }
    }
}

/// Where a village's census rows go: the workbook, the sheet, the title above the header,
/// and the rows already written before them (a town's CSV holds all its villages in one
/// table, each village after the last).
pub(super) struct SheetAt<'a> {
    pub path: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    pub row_offset: u32,
}

/// The census sheet of village `vi` of town `ti` with the planned `entries`: the title and
/// 填报单位 rows, the town's header, the children's rows (recording each injected fault), and
/// the 合计 / 填表说明 / signature rows under them.
pub(super) fn census_sheet(ctx: &mut Ctx, ti: usize, vi: usize, entries: &[Entry], at: SheetAt) -> Sheet {
    let SheetAt { path, name: sheet_name, title, row_offset } = at;
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
            ctx.inject(kind, "census", (path, sheet_name, excel_row), &c.id, detail);
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
            (path, sheet_name, row_offset + r),
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
        ctx.inject("total_row", "census", (path, sheet_name, row_offset + r), "", "合计行");
        let r = sheet.push(vec![Cell::text(
            "填表说明：1.就学状态填写在校、县外就读、辍学、未入学、送教上门、缓学、免学、死亡、学前；2.身份证号须填写18位。",
        )]);
        sheet.merge(r - 1, r - 1, 0, ncol - 1);
        ctx.inject("note_row", "census", (path, sheet_name, row_offset + r), "", "表尾填表说明行");
        let r = sheet.push(vec![Cell::text(format!("排查人：{}    村（社区）负责人签字：", village.surveyor))]);
        ctx.inject("signature_row", "census", (path, sheet_name, row_offset + r), "", "表尾签字行");
    }
    sheet
}

/// The census sheet that holds the district's one row naming no child: the first village of
/// the third town (every district has at least five towns).
pub(super) fn unusable_row_here(d: &District, ti: usize, vi: usize) -> bool {
    ti == 2.min(d.towns.len() - 1) && vi == 0
}

/// Name of the instructions sheet.
pub(super) const INSTRUCTIONS: &str = "填表说明";

/// The 填表说明 sheet of the district's census template: text only, no header row.
pub(super) fn instructions_sheet() -> Sheet {
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
