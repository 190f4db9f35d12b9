//! The 残联 list of certified disabled people: 残疾人证号 = ID + category + grade, adults as
//! well as children, an address column instead of 镇街/村.
//!
//! Mirrors the disability extractor of [`crate::sources`].

use super::*;

pub(super) fn disability(ctx: &mut Ctx) {
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
