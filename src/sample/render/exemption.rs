//! The 缓学/免学 approvals: kind, date approved, from, valid until (sometimes blank).
//!
//! Mirrors the exemption extractor of [`crate::sources`].

use super::*;

pub(super) fn exemptions(ctx: &mut Ctx) {
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
