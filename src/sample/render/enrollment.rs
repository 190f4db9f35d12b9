//! 学籍 exports, one per school (one school's as GBK-encoded CSV, one with a title row), and
//! the history of 学籍异动 since 2015: transfers recorded at one end or both, 升学, 休学,
//! status words as schools write them (初中毕业 / 毕业 / 结业 …), J-prefixed 学籍号 for students
//! without an ID.
//!
//! Mirrors [`crate::sources::enrollment`].

use super::*;

pub(super) const ENROLL_HEADER: [&str; 17] = [
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

pub(super) fn enrollment(ctx: &mut Ctx) {
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
                ctx.inject("address_variant", "enrollment", (&path, &sheet_name, row), &c.id, variant_note(variant));
            }
            if c.scenario == world::Scenario::CensusMissed {
                ctx.inject("census_missed", "enrollment", (&path, &sheet_name, row), &c.id, "清查表漏登，学籍在读");
            }
        }
        let format = if csv { FileFormat::CsvGbk } else { FileFormat::Xlsx };
        ctx.out.books.push(Book { path, format, sheets: vec![sheet] });
    }
}

/// Records the 学籍-side faults of a child at one 学籍 row.
pub(super) fn record_side_faults(ctx: &mut Ctx, c: &Child, path: &str, sheet: &str, row: u32) {
    match &c.fault {
        Some(Fault::RecordTypo { transpose, note }) => {
            let kind = if *transpose { "id_typo_transpose" } else { "id_typo_digit" };
            ctx.inject(kind, "enrollment", (path, sheet, row), &c.id, note.clone());
        }
        Some(Fault::RecordJ) => {
            ctx.inject("id_j_number", "enrollment", (path, sheet, row), &c.id, "无身份证号，J 字头学籍号")
        }
        Some(Fault::NameVariant { lookalike, census_side: false, note }) => {
            let kind = if *lookalike { "name_lookalike" } else { "name_homophone" };
            ctx.inject(kind, "enrollment", (path, sheet, row), &c.id, note.clone());
        }
        _ => {}
    }
}

pub(super) fn history(ctx: &mut Ctx) {
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
                ctx.inject("status_word", "enrollment", (&path, &sheet_name, row), &c.id, format!("初中毕业写作“{w}”"));
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
                (&path, &sheet_name, row + 1),
                &c.id,
                "异动类型“其它”无法识别，该行剔除",
            );
        }
    }
    ctx.out.books.push(Book { path, format: FileFormat::Xlsx, sheets: vec![sheet] });
}
