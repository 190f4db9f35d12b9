//! The 督查要点 (attachment 3): one sheet per school of a 学区, each item's 督查情况记录
//! pre-filled from the data — dropouts, three failed 劝返 attempts and the 限期复学通知书,
//! 送教 hours against 80 and the weeks missed, exemptions expiring — or marked 需现场查看.

use rust_xlsxwriter::Workbook;

use crate::builder::*;
use crate::util::{read_csv, sheet_names, sheet_text, Workdir};

fn roster_row(unit: &str, school: &str, person: (&str, &str)) -> Roster {
    Roster {
        unit: unit.into(),
        school: school.into(),
        leader: "刘强".into(),
        area_person: "陈明".into(),
        area_phone: 13900001111.0,
        school_person: person.0.into(),
        school_phone: person.1.into(),
    }
}

#[test]
fn the_inspection_sheet_says_what_the_data_show() {
    let wd = Workdir::new("inspection");
    let three = child("夏文杰", "2006-05-01", 71);
    let once = child("严子健", "2006-08-08", 153);
    let taught = child("范文静", "2010-06-06", 155).disabled("智力");
    let deferred = child("白晓峰", "2009-03-03", 73);
    let visits = weekly(&taught, "荣隆中学", "2019-09-02", "2020-01-06", 2.0);
    let set = Set {
        census: vec![three.clone(), once.clone(), taught.clone(), deferred.clone()],
        students: vec![
            change(&three, "荣隆中学", "七年级", "辍学", "2019-03-01"),
            change(&once, "荣隆中学", "八年级", "辍学", "2019-04-01"),
            student(&taught, "荣隆中学", "三年级"),
            student(&deferred, "荣隆中学", "四年级").status("休学"),
        ],
        visits,
        exemptions: vec![exemption(&deferred, "缓学", "2019-06-01", "2020-06-01")],
        roster: vec![
            roster_row("荣隆学区", "荣隆中学", ("赵敏", "13800000003")),
            roster_row("荣隆学区", "荣隆镇中心小学", ("张三", "13800000002")),
        ],
        extra: "\n[[sources]]\nkind = \"persuasion\"\nfiles = [\"劝返记录.xlsx\"]\n".into(),
        ..Default::default()
    };
    // 劝返 records: three failed days for 夏文杰 (one day twice), one for 严子健.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let rows: Vec<Vec<V>> = [
        (&three, "2020-05-06", "劝返无效"),
        (&three, "2020-05-06", "劝返无效"),
        (&three, "2020-05-08", "家长不同意返校"),
        (&three, "2020-05-11", "联系不上家长"),
        (&once, "2020-05-12", "劝返未果"),
    ]
    .iter()
    .map(|(c, day, what)| {
        vec![V::from("荣隆中学"), V::from(c.name.as_str()), V::from(c.id.as_str()), V::D(d(day)), V::from(*what)]
    })
    .collect();
    titled_sheet(ws, "劝返记录", &[], &["学校", "姓名", "身份证号", "劝返日期", "劝返情况"], &rows);
    std::fs::create_dir_all(wd.path("")).unwrap();
    wb.save(wd.path("劝返记录.xlsx")).unwrap();

    let run = set.run(&wd, "t");
    let book = run.join("督查要点/荣隆学区.xlsx");
    assert_eq!(sheet_names(&book), ["荣隆中学", "荣隆镇中心小学"]);
    let sheet = sheet_text(&book, "荣隆中学");
    assert_eq!(sheet[0][0], "荣昌区学校控辍保学工作督查要点");
    assert!(sheet[1][0].starts_with("督查学校：荣隆中学    校长(签名)："), "{}", sheet[1][0]);
    assert_eq!(sheet[3][..4], ["督查要点", "", "督查情况记录", "备注"]);
    let items: Vec<(&str, &str)> = sheet[4..19].iter().map(|r| (r[1].as_str(), r[2].as_str())).collect();
    assert_eq!(items.len(), 15);
    let record = |start: &str| items.iter().find(|(i, _)| i.starts_with(start)).unwrap_or_else(|| panic!("{start}")).1;

    assert!(record("是否建立失学学生台账").contains("本校辍学未完成义务教育 2 人（严子健、夏文杰）"), "{items:?}");
    assert!(record("是否有疑似辍学学生花名册").contains("列出本校 2 人（严子健、夏文杰）"));
    assert!(
        record("是否及时开展劝返工作").starts_with("数据显示：本校辍学学生 2 人，其中 2 人有劝返记录"),
        "{}",
        record("是否及时开展劝返工作")
    );
    assert_eq!(
        record("是否坚持三次劝返无效"),
        "数据显示：1 人三次劝返无效，应下达《义务教育阶段限期复（入）学通知书》：夏文杰（05-06、05-08、05-11）；需现场查看：通知书、书面报告和备案"
    );
    assert!(record("对极个别情况").contains("白晓峰（缓学，2020-06-01 到期）"), "{}", record("对极个别情况"));
    // The 送教 line gives the same hours and missed weeks as the case.
    let cases = read_csv(&run.join("cases.csv"));
    let short = case(&cases, "home_teaching_short", "范文静");
    let desc = &short["description"];
    let hours: String = desc["本学年已送教".len()..].chars().take_while(|c| c.is_ascii_digit()).collect();
    // `36个教学周中有18周未送教`: the weeks missed are the digits before 周未送教.
    let before = &desc[..desc.find("周未送教").unwrap()];
    let weeks: String =
        before.chars().rev().take_while(|c| c.is_ascii_digit()).collect::<Vec<_>>().into_iter().rev().collect();
    let teaching = record("送教次数是否达到规定的课时");
    assert!(teaching.contains(&format!("范文静 已送{hours}学时/80")), "{teaching} vs {desc}");
    assert!(teaching.contains(&format!("缺送{weeks}周")), "{teaching} vs {desc}");
    // Items only a visit can tell.
    for item in ["是否制定学校控辍保学工作方案", "是否制定残疾儿童送教上门方案", "是否完善了送教上门的资料"]
    {
        assert_eq!(record(item), "需现场查看", "{item}");
    }

    // A school without cases: the data show nothing to follow up.
    let other = sheet_text(&book, "荣隆镇中心小学");
    let items: Vec<&str> = other[4..19].iter().map(|r| r[2].as_str()).collect();
    assert!(items[1].starts_with("数据显示：本次比对未发现本校2015年以来辍学"), "{}", items[1]);
    assert_eq!(items[8], "数据显示：本校无辍学学生，无需下达限期复学通知书");
    assert_eq!(items[14], "数据显示：送教上门记录中没有本校学生");
}

#[test]
fn the_weekly_report_item_reads_the_weekly_runs() {
    let wd = Workdir::new("inspection_weekly");
    let pupil = child("唐小雨", "2010-04-04", 71);
    let mut set = Set {
        census: vec![pupil.clone()],
        students: vec![student(&pupil, "荣隆中学", "四年级")],
        roster: vec![
            roster_row("荣隆学区", "荣隆中学", ("赵敏", "13800000003")),
            roster_row("荣隆学区", "荣隆镇中心小学", ("张三", "13800000002")),
        ],
        ..Default::default()
    };
    // Without the field: today's wording.
    let before = sheet_text(&set.run(&wd, "a").join("督查要点/荣隆学区.xlsx"), "荣隆中学");
    let item = |sheet: &[Vec<String>]| {
        sheet[4..19].iter().find(|r| r[1].starts_with("是否按要求坚持")).expect("the 周报告 item")[2].clone()
    };
    assert!(item(&before).starts_with("本次为大清查比对，未读取周报表"), "{}", item(&before));

    // A weekly run on the same 学籍 and roster: 荣隆中学 has rows this week, 荣隆镇中心小学 none.
    std::fs::write(
        wd.path("weekly.toml"),
        "name = \"周报\"\nkind = \"weekly\"\n[weekly]\nweek_end = \"2020-05-22\"\n[output]\ndir = \"weekly_out\"\n\
         [[sources]]\nkind = \"enrollment\"\nfiles = \"in/学籍.xlsx\"\n\
         [[sources]]\nkind = \"roster\"\nfiles = \"in/责任人名单.xlsx\"\n",
    )
    .unwrap();
    wd.run_ok(&["run", wd.path("weekly.toml").to_str().unwrap(), "--label", "w1", "--quiet"]);
    set.extra = "\n[inspection]\nweekly_runs = [\"weekly_out/*/run.json\", \"nothing/*/run.json\"]\n".into();
    let book = set.run(&wd, "b").join("督查要点/荣隆学区.xlsx");
    assert_eq!(
        item(&sheet_text(&book, "荣隆中学")),
        "数据显示：读取周报表 1 期；已报送周报表 1 期（最近：2020-05-16至05-22）。日报告、月报告需现场查看"
    );
    assert_eq!(
        item(&sheet_text(&book, "荣隆镇中心小学")),
        "数据显示：读取周报表 1 期；未见本校报送的周报表；缺报 1 期（2020-05-16至05-22）。日报告、月报告需现场查看"
    );
}
