//! The roster of officials responsible for each school (notice attachment 4): a two-row
//! header, 单位 / 包干领导 / 包片人员 as merged cells, two-character names padded with spaces
//! (张  三), school names written the way the district office writes them.
//!
//! Mirrors [`crate::schools`]' roster reader.

use super::*;

/// A two-character name padded to three characters' width, as rosters typed in Word do.
pub(super) fn padded(name: &str) -> String {
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
pub(super) fn roster_school_name(d: &District, name: &str, k: usize) -> String {
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

pub(super) fn roster(ctx: &mut Ctx) {
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
