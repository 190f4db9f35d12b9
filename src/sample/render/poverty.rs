//! The 2019 adjusted poverty register (建档立卡): an old .xls with the register split over
//! several sheets, a few 证件号码 that are 20-digit disability-card numbers, 在校生状况 as the
//! poverty office words it.
//!
//! Mirrors the poverty extractor of [`crate::sources`].

use super::*;

pub(super) const POVERTY_HEADER: [&str; 16] = [
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

pub(super) fn poverty(ctx: &mut Ctx) {
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
                    (&path, &sheet_name, excel_row),
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
                    (&path, &sheet_name, excel_row),
                    &c.id,
                    "证件号码填写为20位残疾人证号",
                );
            }
            ctx.out.poverty_ids.insert(i, id_number::parse(&id_text).text.to_string());
            let status = c.poverty_status.expect("on the register");
            let education = crate::sample::youths::education(c);
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
