//! The 送教上门 roster: one row per visit (date, hours, teacher, content), no visit in a week
//! wholly inside 寒假.
//!
//! Mirrors the home-teaching extractor of [`crate::sources`].

use super::*;

pub(super) fn home_teaching(ctx: &mut Ctx) {
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
