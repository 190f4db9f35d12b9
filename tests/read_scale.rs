//! The read stage at county scale: a generated 100,000-row census workbook (merged town
//! and village columns, numeric IDs) and a 100,000-row GBK CSV. Ignored by default for its
//! size; run with `cargo test read_scale -- --ignored --nocapture` to see the timings.
//! It asserts the accounting, never the time.

use std::time::Instant;

use rust_xlsxwriter::{Format, Workbook};

use crate::read_support::*;

const ROWS: u32 = 100_000;

#[test]
#[ignore]
fn read_scale_100k_rows() {
    let dir = scratch("scale");
    let t0 = Instant::now();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("清查").unwrap();
    let head = [
        "镇街",
        "村(社区)",
        "社",
        "户主姓名",
        "姓名",
        "性别",
        "身份证号",
        "出生日期",
        "户籍地址",
        "就学状态",
        "备注",
        "联系电话",
    ];
    ws.merge_range(0, 0, 0, head.len() as u16 - 1, "荣昌区适龄儿童少年大清查登记表", &Format::new()).unwrap();
    for (c, h) in head.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let fmt = Format::new();
    for i in 0..ROWS {
        let r = i + 2;
        // Every 50 rows a new village, merged down over its rows.
        if i % 50 == 0 {
            ws.merge_range(r, 1, r + 49, 1, &format!("村{}", i / 50), &fmt).unwrap();
        }
        ws.write_string(r, 2, format!("{}社", i % 7 + 1)).unwrap();
        ws.write_string(r, 3, "户主").unwrap();
        ws.write_string(r, 4, format!("姓名{i}")).unwrap();
        ws.write_string(r, 5, if i % 2 == 0 { "男" } else { "女" }).unwrap();
        ws.write_number(r, 6, 500153201005030000.0 + f64::from(i)).unwrap();
        ws.write_string(r, 7, "2010-05-03").unwrap();
        ws.write_string(r, 8, "重庆市荣昌区昌元街道新峰村3社").unwrap();
        ws.write_string(r, 9, "在校").unwrap();
        ws.write_string(r, 11, "13800000000").unwrap();
    }
    ws.merge_range(2, 0, ROWS + 1, 0, "昌元街道", &fmt).unwrap();
    wb.save(dir.join("big.xlsx")).unwrap();

    let mut csv =
        String::from("学校名称,姓名,性别,出生日期,身份证件号,全国学籍号,年级,班级,入学年月,户口所在地,学籍状态\n");
    for i in 0..ROWS {
        let school = if i % 500 == 0 { format!("学校{}", i / 500) } else { String::new() };
        csv.push_str(&format!(
            "{school},姓名{i},男,2010-05-03,5001532010050{i:05},G5001532010050{i:05},四年级,1班,2016-09,重庆市荣昌区昌元街道新峰村3社,在读\n"
        ));
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
    std::fs::write(dir.join("big.csv"), &gbk).unwrap();
    println!("generated in {:.1?}", t0.elapsed());

    let plan = plan_in(
        &dir,
        "[[sources]]\nkind = \"census\"\nfiles = \"big.xlsx\"\n[[sources]]\nkind = \"enrollment\"\nfiles = \"big.csv\"\n",
    );
    let t1 = Instant::now();
    let out = kcbx::read::read_all(&plan);
    println!("read 2 × {ROWS} rows in {:.1?}", t1.elapsed());
    assert!(out.problems.is_empty(), "{:#?}", out.problems);
    for s in &out.inputs.sheets {
        assert_eq!(counts(s), (u64::from(ROWS), u64::from(ROWS), 0, 0, 0, 0), "{}", s.name);
    }
    let census = &out.sources[0].tables[0];
    let last = census.rows.last().unwrap();
    assert_eq!(
        (last.row, &last.cells[0], &last.cells[1]),
        (ROWS + 2, &t("昌元街道"), &t(&format!("村{}", (ROWS - 1) / 50)))
    );
    let school = &out.sources[1].tables[0].rows[ROWS as usize - 1].cells[0];
    assert_eq!(school, &t(&format!("学校{}", (ROWS - 1) / 500)));
}
