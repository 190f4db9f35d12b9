//! A municipality's run over two districts that share a town name (昌元街道, 新峰村 in both):
//! the district comes from the folder (`district = "*"`) or the source's declaration, each
//! district's town gets its own ledger under `问题台账/<区县>/`, nobody is merged or linked
//! across the two by name, a 县外就读 claim is verified by the other district's 学籍, and a
//! student enrolled in one district whose household is in the other belongs to the other's
//! census.

use std::collections::BTreeMap;

use crate::builder::*;
use crate::util::{read_csv, run_dir, sheet_names, sheet_text, Workdir};

const HUKOU_A: &str = "重庆市荣昌区昌元街道新峰村3社";
const HUKOU_B: &str = "重庆市永川区昌元街道新峰村3社";

/// The census child of 永川区's 昌元街道: every child's `at` is 昌元街道新峰村.
fn in_b(c: Child) -> Child {
    c.at("昌元街道", "新峰村").hukou(HUKOU_B)
}

/// Writes district `name`'s inputs into `data/<name>/` of `wd`.
fn write_district(wd: &Workdir, name: &str, set: &Set) {
    set.write(wd);
    let to = wd.path(&format!("data/{name}"));
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::rename(wd.path("in"), &to).unwrap();
}

fn pipeline() -> &'static str {
    "name = \"两区控辍保学大清查\"\nkind = \"clearance\"\n\n[params]\nas_of = \"2020-05-14\"\n\
     birth_from = \"2004-09-01\"\nbirth_to = \"2014-08-31\"\ndropout_since = \"2015-01-01\"\n\
     deadline_days = 30\n\n[output]\ndir = \"out\"\n\n\
     # 区县按文件夹名\n[[sources]]\nkind = \"census\"\nfiles = [\"data/*/大清查/*.xlsx\"]\ndistrict = \"*\"\n\n\
     [[sources]]\nkind = \"enrollment\"\nfiles = [\"data/荣昌区/学籍.xlsx\"]\ndistrict = \"荣昌区\"\n\n\
     [[sources]]\nkind = \"enrollment\"\nfiles = [\"data/永川区/学籍.xlsx\"]\ndistrict = \"重庆市永川区\"\n"
}

fn run_two_districts(wd: &Workdir) -> std::path::PathBuf {
    write_two_districts(wd);
    let path = wd.path("pipeline.toml");
    std::fs::write(&path, pipeline()).unwrap();
    let out = wd.run_ok(&["run", path.to_str().unwrap(), "--no-previous", "--label", "t", "-q"]);
    wd.dir.join(run_dir(&out))
}

/// The two districts' inputs (see [`run_two_districts`]) under `data/`.
fn write_two_districts(wd: &Workdir) {
    // 荣昌区: 张小明 in school at home; 李小红 says 县外就读 and is in 永川区's 学籍; 王小刚
    // says 县外就读 and is in no 学籍.
    let ming = child("张小明", "2010-01-01", 301).at("昌元街道", "新峰村").hukou(HUKOU_A);
    let hong =
        child("李小红", "2009-03-03", 302).at("昌元街道", "新峰村").hukou(HUKOU_A).status("县外就读", "卫星湖小学");
    let gang = child("王小刚", "2009-05-05", 303).at("昌元街道", "新峰村").hukou(HUKOU_A).status("县外就读", "");
    // 陈小军: registered in 荣昌区, at school in 永川区, in no census.
    let jun = child("陈小军", "2011-07-07", 305).at("昌元街道", "新峰村").hukou(HUKOU_A);
    let a = Set {
        census: vec![ming.clone(), hong.clone(), gang],
        students: vec![student(&ming, "荣昌区昌元小学", "五年级")],
        ..Default::default()
    };
    // 永川区: another 张小明 of the same birth date in its own 昌元街道新峰村, with no ID and
    // no 学籍 — the same name, date, town and village as 荣昌区's, and someone else.
    let other_ming = in_b(child("张小明", "2010-01-01", 307)).with_id("");
    let yan = in_b(child("赵小燕", "2011-02-02", 308));
    let b = Set {
        census: vec![other_ming, yan.clone()],
        students: vec![
            student(&yan, "卫星湖小学", "三年级").hukou_text(HUKOU_B),
            student(&hong, "卫星湖小学", "五年级"),
            student(&jun, "卫星湖小学", "三年级"),
        ],
        ..Default::default()
    };
    write_district(wd, "荣昌区", &a);
    write_district(wd, "永川区", &b);
}

/// `district`'s 昌元街道 returns its ledger with one row filled in (case_id, 镇街, 村(社区), 姓名,
/// 身份证号, 问题类型, 核实结果, 核实说明), into `data/<district>/核实反馈/`; the pipeline
/// gains the returned ledgers as a verification source.
fn return_ledger(wd: &Workdir, district: &str, row: [&str; 8]) {
    let returned = wd.path(&format!("data/{district}/核实反馈/昌元街道问题台账.xlsx"));
    std::fs::create_dir_all(returned.parent().unwrap()).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let header = ["case_id", "镇街", "村(社区)", "姓名", "身份证号", "问题类型", "核实结果", "核实说明"];
    let row = row.iter().map(|t| V::S(t.to_string())).collect();
    titled_sheet(wb.add_worksheet(), "昌元街道问题台账", &[], &header, &[row]);
    wb.save(&returned).unwrap();
    let text = format!(
        "{}\n[[sources]]\nkind = \"verification\"\nfiles = [\"data/*/核实反馈/*.xlsx\"]\ndistrict = \"*\"\n",
        pipeline()
    );
    std::fs::write(wd.path("pipeline.toml"), text).unwrap();
}

fn of<'a>(cases: &'a [BTreeMap<String, String>], name: &str) -> Vec<&'a BTreeMap<String, String>> {
    cases.iter().filter(|c| c["name"] == name).collect()
}

#[test]
fn two_districts_sharing_a_town_name_stay_apart() {
    let wd = Workdir::new("districts");
    let run = run_two_districts(&wd);
    let cases = read_csv(&run.join("cases.csv"));

    // Two ledgers for the two 昌元街道, none merged at the top of 问题台账/.
    let a = run.join("问题台账/荣昌区/昌元街道问题台账.xlsx");
    let b = run.join("问题台账/永川区/昌元街道问题台账.xlsx");
    assert!(a.is_file() && b.is_file(), "one ledger per district's 昌元街道");
    assert!(!run.join("问题台账/昌元街道问题台账.xlsx").exists());
    assert!(run.join("适龄儿童台账/荣昌区/昌元街道适龄儿童台账.xlsx").is_file());
    assert!(run.join("适龄儿童台账/永川区/昌元街道适龄儿童台账.xlsx").is_file());

    // 永川区's 张小明 is not 荣昌区's: not merged (荣昌区's is in school and has no case),
    // not linked to 荣昌区's 学籍 by name, and raised in his own district.
    // (His missing ID is a case of its own.)
    let ming = of(&cases, "张小明");
    let problems: Vec<&str> = ming.iter().map(|c| c["problem"].as_str()).collect();
    assert_eq!(problems, ["not_enrolled", "id_invalid"], "{ming:?}");
    for c in &ming {
        assert_eq!((c["district"].as_str(), c["town"].as_str()), ("永川区", "昌元街道"));
        assert_eq!(c["match_method"], "none");
        assert!(!c["source"].contains("荣昌区"), "no 荣昌区 row behind it: {}", c["source"]);
    }
    assert!(cases.iter().all(|c| c["problem"] != "duplicate_registration" && c["problem"] != "match_review"));
    let ledger_b = sheet_text(&b, "全部问题");
    assert!(ledger_b.iter().any(|r| r.iter().any(|c| c == "张小明")));
    assert!(!sheet_text(&a, "全部问题").iter().any(|r| r.iter().any(|c| c == "张小明")));

    // 李小红's 县外就读 is verified by 永川区's 学籍: no case, and the children's ledger of
    // 荣昌区 names the district and the school.
    assert!(of(&cases, "李小红").is_empty(), "{:?}", of(&cases, "李小红"));
    let children = sheet_text(&run.join("适龄儿童台账/荣昌区/昌元街道适龄儿童台账.xlsx"), "适龄儿童");
    let hong = children.iter().find(|r| r.iter().any(|c| c == "李小红")).expect("李小红 listed");
    assert!(hong.iter().any(|c| c == "在校"), "{hong:?}");
    assert!(hong.iter().any(|c| c == "永川区 卫星湖小学"), "{hong:?}");
    // 王小刚's claim stays unverified.
    let gang = case(&cases, "out_of_area_unverified", "王小刚");
    assert_eq!(gang["district"], "荣昌区");

    // 陈小军 is at school in 永川区 with his household in 荣昌区: 荣昌区's census missed him,
    // 永川区 raises nothing.
    let jun = case(&cases, "enrolled_not_in_census", "陈小军");
    assert_eq!((jun["district"].as_str(), jun["town"].as_str()), ("荣昌区", "昌元街道"));
    assert_eq!(of(&cases, "陈小军").len(), 1);

    // run.json counts the two 昌元街道 apart, and by district.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
    let by_town = &json["cases"]["by_town"];
    assert!(
        by_town["荣昌区 昌元街道"].as_u64().is_some() && by_town["永川区 昌元街道"].as_u64().is_some(),
        "{by_town}"
    );
    assert_eq!(json["cases"]["by_district"]["永川区"], 2, "{}", json["cases"]);

    // Each district was linked and judged on its own, holding the other's records that share
    // an ID with its own: 荣昌区 李小红's 学籍 row in 永川区 (and the other way round), and
    // nothing else — 陈小军's 学籍 row shares no ID with 荣昌区's census.
    let parts = json["partitions"].as_array().expect("partitions in run.json");
    let part = |d: &str| parts.iter().find(|p| p["district"] == d).unwrap_or_else(|| panic!("{d}: {parts:?}"));
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert_eq!(part("荣昌区")["records"], 4, "3 census rows, 1 学籍 row: {parts:?}");
    assert_eq!(part("荣昌区")["guest_records"], 1, "{parts:?}");
    assert_eq!(part("永川区")["records"], 5, "2 census rows, 3 学籍 rows: {parts:?}");
    assert_eq!(part("永川区")["guest_records"], 1, "{parts:?}");
    let kept: u64 = parts.iter().map(|p| p["cases"].as_u64().unwrap()).sum();
    assert_eq!(kept as usize, cases.len(), "every case kept by exactly one district");

    // 汇总 has the district level first.
    let summary = run.join("汇总.xlsx");
    let names = sheet_names(&summary);
    assert!(names.iter().position(|n| n == "区县汇总") < names.iter().position(|n| n == "镇街汇总"), "{names:?}");
    let by_district = sheet_text(&summary, "区县汇总");
    for d in ["荣昌区", "永川区"] {
        assert!(by_district.iter().any(|r| r.first().is_some_and(|c| c == d)), "{d}: {by_district:?}");
    }
    let by_town = sheet_text(&summary, "镇街汇总");
    for t in ["荣昌区 昌元街道", "永川区 昌元街道"] {
        assert!(by_town.iter().any(|r| r.first().is_some_and(|c| c == t)), "{t}: {by_town:?}");
    }
}

#[test]
fn one_district_declared_keeps_the_district_layout() {
    // The whole run declared as one district: the paths of a district run, no district
    // level, and the same case ids as without the declaration.
    let wd = Workdir::new("districts-one");
    let kid = child("刘小花", "2010-06-06", 312);
    let set = Set {
        census: vec![kid.clone()],
        students: vec![student(&kid, "荣隆镇中心小学", "四年级").status("辍学")],
        ..Default::default()
    };
    let plain = read_csv(&set.run(&wd, "a").join("cases.csv"));
    let text = std::fs::read_to_string(wd.path("pipeline.toml")).unwrap();
    std::fs::write(
        wd.path("pipeline.toml"),
        text.replace("kind = \"census\"\n", "kind = \"census\"\ndistrict = \"荣昌区\"\n"),
    )
    .unwrap();
    let out = wd.run_ok(&["run", "pipeline.toml", "--no-previous", "--label", "b", "-q"]);
    let run = wd.dir.join(run_dir(&out));
    let declared = read_csv(&run.join("cases.csv"));
    assert!(!plain.is_empty());
    assert_eq!(
        plain.iter().map(|c| &c["case_id"]).collect::<Vec<_>>(),
        declared.iter().map(|c| &c["case_id"]).collect::<Vec<_>>()
    );
    assert!(run.join("问题台账/荣隆镇问题台账.xlsx").is_file());
    assert!(!sheet_names(&run.join("汇总.xlsx")).iter().any(|n| n == "区县汇总"));
}

#[test]
fn a_returned_correction_by_name_and_place_stays_in_its_district() {
    // 永川区's 昌元街道 returns its ledger: 张小明 (no ID) gets his ID. Both districts have a
    // 张小明 in a 昌元街道新峰村; the row comes from 永川区's folder, so only his is corrected.
    let wd = Workdir::new("districts-correction");
    let first = read_csv(&run_two_districts(&wd).join("cases.csv"));
    let case_id = case(&first, "id_invalid", "张小明")["case_id"].clone();
    let new_id = id("2010-01-01", 317);
    let note = format!("经核对户口簿，正确身份证号为 {new_id}");
    return_ledger(
        &wd,
        "永川区",
        [&case_id, "昌元街道", "新峰村", "张小明", "", "身份证号无效", "身份证号或姓名错误", &note],
    );
    let out = wd.run_ok(&["run", "pipeline.toml", "--no-previous", "--label", "t2", "-q"]);
    let run = wd.dir.join(run_dir(&out));
    let cases = read_csv(&run.join("cases.csv"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
    assert_eq!(json["verification"]["corrections"], 1, "{}", json["verification"]);
    // 永川区's 张小明 now has the corrected ID (his 身份证号无效 case is gone); 荣昌区's kept his
    // own and is still linked to his 学籍 by it, with no case.
    let ming = of(&cases, "张小明");
    let problems: Vec<&str> = ming.iter().map(|c| c["problem"].as_str()).collect();
    assert_eq!(problems, ["not_enrolled"], "{ming:?}");
    assert_eq!((ming[0]["district"].as_str(), ming[0]["id_number"].as_str()), ("永川区", new_id.as_str()));
    assert!(cases.iter().all(|c| c["problem"] != "duplicate_registration"), "{cases:?}");
}

#[test]
fn a_bare_district_name_is_the_same_district_under_its_full_name() {
    // 荣昌区's 学籍 declared as "荣昌" (as a district column or a hurried pipeline may say it):
    // the same district as the census folder 荣昌区, named 荣昌区 in folders and cases.
    let wd = Workdir::new("districts-bare");
    write_two_districts(&wd);
    let text = pipeline().replace("district = \"荣昌区\"", "district = \"荣昌\"");
    assert!(text.contains("district = \"荣昌\"\n"));
    std::fs::write(wd.path("pipeline.toml"), text).unwrap();
    let out = wd.run_ok(&["run", "pipeline.toml", "--no-previous", "--label", "t", "-q"]);
    let run = wd.dir.join(run_dir(&out));
    let cases = read_csv(&run.join("cases.csv"));
    assert!(run.join("问题台账/荣昌区/昌元街道问题台账.xlsx").is_file());
    assert!(!run.join("问题台账/荣昌").exists(), "no folder for the bare name");
    let districts: std::collections::BTreeSet<&str> = cases.iter().map(|c| c["district"].as_str()).collect();
    assert_eq!(districts, ["永川区", "荣昌区"].into_iter().collect(), "{cases:?}");
    // 荣昌区's 张小明 is still linked to his 学籍: the two spellings are one district.
    assert!(of(&cases, "张小明").iter().all(|c| c["district"] == "永川区"), "{:?}", of(&cases, "张小明"));
    assert_eq!(case(&cases, "enrolled_not_in_census", "陈小军")["district"], "荣昌区");
}

#[test]
fn a_second_run_of_several_districts_continues_and_closes_their_cases() {
    // The month after: 荣昌区's 昌元街道 returns its ledger with 王小刚 abroad. The districts are
    // judged one by one, the outcomes applied to all the cases at once: every case continues
    // its first run's history, 王小刚's is closed, and 荣昌区's children's ledger shows it.
    let wd = Workdir::new("districts-second");
    let first = read_csv(&run_two_districts(&wd).join("cases.csv"));
    let gang = case(&first, "out_of_area_unverified", "王小刚")["case_id"].clone();
    return_ledger(
        &wd,
        "荣昌区",
        [&gang, "昌元街道", "新峰村", "王小刚", "", "县外就读待核实", "出国在外", "2019年随父母出国"],
    );
    // The previous run is the latest in the output folder: the first one.
    let out = wd.run_ok(&["run", "pipeline.toml", "--label", "t2", "-q"]);
    let run = wd.dir.join(run_dir(&out));
    let cases = read_csv(&run.join("cases.csv"));
    assert_eq!(cases.len(), first.len(), "{cases:?}");
    for c in &cases {
        assert_eq!(c["first_seen"], "t", "{c:?}");
    }
    let closed = case(&cases, "out_of_area_unverified", "王小刚");
    assert_eq!((closed["case_id"].as_str(), closed["status"].as_str()), (gang.as_str(), "closed"), "{closed:?}");
    assert!(cases.iter().filter(|c| c["case_id"] != gang).all(|c| c["status"] == "open"), "{cases:?}");
    let children = sheet_text(&run.join("适龄儿童台账/荣昌区/昌元街道适龄儿童台账.xlsx"), "适龄儿童");
    let row = children.iter().find(|r| r.iter().any(|c| c == "王小刚")).expect("王小刚 listed");
    assert!(row.iter().any(|c| c == "已销号：出国在外"), "{row:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
    assert_eq!(
        (json["verification"]["applied"].as_u64(), json["verification"]["closed"].as_u64()),
        (Some(1), Some(1)),
        "{}",
        json["verification"]
    );
}

#[test]
fn an_undeclared_census_file_finds_its_district_and_unknown_status_words_are_turned_down() {
    // The records of a run of several districts stay packed until their district's turn
    // (src/sources/packed.rs); what a district run does to them still happens. A census
    // file that neither names nor declares its district is placed by its 户口所在地, and a
    // 学籍 row whose status word no table knows is turned down.
    let wd = Workdir::new("districts-undeclared");
    write_two_districts(&wd);
    let mei = in_b(child("孙小梅", "2010-08-08", 309));
    let liang = child("周小亮", "2010-09-09", 310).at("昌元街道", "新峰村").hukou(HUKOU_A);
    let extra = Set {
        census: vec![mei],
        students: vec![student(&liang, "荣昌区昌元小学", "五年级").status("神游")],
        ..Default::default()
    };
    extra.write(&wd);
    std::fs::rename(wd.path("in"), wd.path("extra")).unwrap();
    let text = format!(
        "{}\n[[sources]]\nkind = \"census\"\nfiles = [\"extra/大清查/*.xlsx\"]\n\n\
         [[sources]]\nkind = \"enrollment\"\nfiles = [\"extra/学籍.xlsx\"]\ndistrict = \"荣昌区\"\n",
        pipeline()
    );
    std::fs::write(wd.path("pipeline.toml"), text).unwrap();
    let out = wd.run_ok(&["run", "pipeline.toml", "--no-previous", "--label", "t", "-q"]);
    let run = wd.dir.join(run_dir(&out));
    let cases = read_csv(&run.join("cases.csv"));

    let mei = case(&cases, "not_enrolled", "孙小梅");
    assert_eq!((mei["district"].as_str(), mei["town"].as_str()), ("永川区", "昌元街道"), "{mei:?}");
    assert!(run.join("适龄儿童台账/永川区/昌元街道适龄儿童台账.xlsx").is_file());

    let rejects = read_csv(&run.join("rejects.csv"));
    let turned_down: Vec<_> = rejects.iter().filter(|r| r["column"] == "学籍状态").collect();
    assert_eq!(turned_down.len(), 1, "{rejects:?}");
    assert!(turned_down[0]["file"].contains("extra") && turned_down[0]["reason"].contains("神游"), "{turned_down:?}");
    assert!(of(&cases, "周小亮").is_empty(), "{:?}", of(&cases, "周小亮"));
    // Everything else of the two districts is as in a run without the extra files.
    assert_eq!(case(&cases, "out_of_area_unverified", "王小刚")["district"], "荣昌区");
    assert!(of(&cases, "李小红").is_empty());
}

/// One 学籍 row of `district` as a city-wide export writes it: 区县 first.
fn export_row(district: &str, s: &Student) -> String {
    [district, &s.school, &s.name, &s.sex, &s.birth, &s.id, &s.student_no, &s.grade, &s.class, &s.hukou, &s.status]
        .join(",")
}

#[test]
fn a_city_wide_export_in_one_file_gives_the_cases_of_one_export_per_district() {
    let wd = Workdir::new("districts");
    write_two_districts(&wd);
    // The students of the two districts' own exports (see `write_two_districts`), and enough
    // students from outside both districts to span several packed chunks of records.
    let at = |c: Child| c.at("昌元街道", "新峰村").hukou(HUKOU_A);
    let ming = at(child("张小明", "2010-01-01", 301));
    let hong = at(child("李小红", "2009-03-03", 302));
    let jun = at(child("陈小军", "2011-07-07", 305));
    let yan = in_b(child("赵小燕", "2011-02-02", 308));
    let mut students: Vec<(&str, Student)> = vec![
        ("荣昌区", student(&ming, "荣昌区昌元小学", "五年级")),
        ("永川区", student(&yan, "卫星湖小学", "三年级").hukou_text(HUKOU_B)),
        ("永川区", student(&hong, "卫星湖小学", "五年级")),
        ("永川区", student(&jun, "卫星湖小学", "三年级")),
    ];
    let (surnames, given): (Vec<char>, Vec<char>) =
        ("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨".chars().collect(), "一二三四五六七八九十".chars().collect());
    for k in 0..2 * 2100u32 {
        let (district, school) =
            if k % 2 == 0 { ("荣昌区", "荣昌区昌元小学") } else { ("永川区", "卫星湖小学") };
        let name = format!("{}小{}", surnames[k as usize % 16], given[(k as usize / 16) % 10]);
        let birth = (d("2008-01-01") + chrono::Duration::days(i64::from(k / 400))).format("%Y-%m-%d").to_string();
        let c = child(&name, &birth, 500 + k % 400).hukou("四川省泸州市泸县玉蟾街道龙井村1社");
        students.push((district, student(&c, school, "六年级")));
    }
    let header = "学校名称,姓名,性别,出生日期,身份证件号,全国学籍号,年级,班级,户口所在地,学籍状态";
    // One export per district, in its folder…
    for district in ["荣昌区", "永川区"] {
        let rows: Vec<String> = students
            .iter()
            .filter(|(d, _)| *d == district)
            .map(|(_, s)| export_row(district, s).split_once(',').unwrap().1.to_string())
            .collect();
        std::fs::write(wd.path(&format!("data/{district}/学籍.csv")), format!("{header}\n{}\n", rows.join("\n")))
            .unwrap();
    }
    // …and the same rows in one city-wide export, the districts interleaved.
    let rows: Vec<String> = students.iter().map(|(d, s)| export_row(d, s)).collect();
    std::fs::write(wd.path("data/全市学籍.csv"), format!("区县,{header}\n{}\n", rows.join("\n"))).unwrap();

    let census = pipeline().split("[[sources]]\nkind = \"enrollment\"").next().unwrap().to_string();
    let run = |label: &str, enrollment: &str| {
        let path = wd.path(&format!("{label}.toml"));
        std::fs::write(&path, format!("{census}[[sources]]\nkind = \"enrollment\"\n{enrollment}\n")).unwrap();
        let out = wd.run_ok(&["run", path.to_str().unwrap(), "--no-previous", "--label", label, "-q"]);
        wd.dir.join(run_dir(&out))
    };
    let apart = run("apart", "files = [\"data/*/学籍.csv\"]\ndistrict = \"*\"");
    let together = run("together", "files = [\"data/全市学籍.csv\"]");
    let what = |run: &std::path::Path| -> Vec<Vec<String>> {
        let keep = ["case_id", "problem", "district", "town", "name", "match_method", "school", "status"];
        let mut v: Vec<Vec<String>> =
            read_csv(&run.join("cases.csv")).iter().map(|c| keep.iter().map(|k| c[*k].clone()).collect()).collect();
        v.sort();
        v
    };
    let cases = what(&apart);
    assert!(cases.iter().any(|c| c[1] == "out_of_area_unverified" && c[4] == "王小刚"), "{cases:?}");
    assert!(!cases.iter().any(|c| c[4] == "李小红"), "李小红's claim verified: {cases:?}");
    assert_eq!(what(&together), cases);

    // Each district's partition holds the same records either way: its own students, none of
    // the other district's beyond the one that shares an ID with its census.
    let parts = |run: &std::path::Path| {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
        let mut p: Vec<(String, u64, u64)> = json["partitions"]
            .as_array()
            .expect("partitions in run.json")
            .iter()
            .map(|p| {
                (
                    p["district"].as_str().unwrap().to_string(),
                    p["records"].as_u64().unwrap(),
                    p["guest_records"].as_u64().unwrap(),
                )
            })
            .collect();
        p.sort();
        p
    };
    assert_eq!(parts(&together), parts(&apart));
    assert_eq!(parts(&apart), [("永川区".to_string(), 2105, 1), ("荣昌区".to_string(), 2104, 1)]);
}

#[test]
fn a_city_wide_export_without_a_district_column_places_a_student_at_the_school() {
    let wd = Workdir::new("districts");
    write_two_districts(&wd);
    // 刘小花 is in 荣昌区's census; her 学籍 row has no ID and an address that names no
    // district, so only her school says where she is: most of its students are 荣昌区's.
    let hua = child("刘小花", "2010-04-04", 304).at("昌元街道", "新峰村").hukou(HUKOU_A);
    let census = wd.path("data/荣昌区/大清查");
    let more = Set { census: vec![hua.clone()], ..Default::default() };
    more.write(&wd);
    for f in std::fs::read_dir(wd.path("in/大清查")).unwrap() {
        let f = f.unwrap().path();
        std::fs::rename(&f, census.join(format!("补登{}", f.file_name().unwrap().to_string_lossy()))).unwrap();
    }
    let at = |c: Child| c.at("昌元街道", "新峰村").hukou(HUKOU_A);
    let ming = at(child("张小明", "2010-01-01", 301));
    let mut rows = vec![
        student(&ming, "荣昌区昌元小学", "五年级"),
        student(&hua, "荣昌区昌元小学", "四年级").with_id("").hukou_text("昌元街道新峰村3社"),
        // 陈小东 is in no census, with no ID and no district in his address either: his
        // household district falls back to his school's, which his 在籍未清查 says.
        student(&at(child("陈小东", "2010-08-08", 330)), "荣昌区昌元小学", "四年级")
            .with_id("")
            .hukou_text("昌元街道新峰村3社"),
        student(&in_b(child("赵小燕", "2011-02-02", 308)), "卫星湖小学", "三年级").hukou_text(HUKOU_B),
    ];
    for (k, name) in ["周小一", "吴小二", "郑小三"].iter().enumerate() {
        rows.push(student(&at(child(name, "2010-06-01", 320 + k as u32)), "荣昌区昌元小学", "四年级"));
    }
    let header = "学校名称,姓名,性别,出生日期,身份证件号,全国学籍号,年级,班级,户口所在地,学籍状态";
    let lines: Vec<String> = rows.iter().map(|s| export_row("", s).split_once(',').unwrap().1.to_string()).collect();
    std::fs::write(wd.path("data/全市学籍.csv"), format!("{header}\n{}\n", lines.join("\n"))).unwrap();
    let census_only = pipeline().split("[[sources]]\nkind = \"enrollment\"").next().unwrap().to_string();
    let path = wd.path("pipeline.toml");
    std::fs::write(
        &path,
        format!("{census_only}[[sources]]\nkind = \"enrollment\"\nfiles = [\"data/全市学籍.csv\"]\n"),
    )
    .unwrap();
    let out = wd.run_ok(&["run", path.to_str().unwrap(), "--no-previous", "--label", "t", "-q"]);
    let run = wd.dir.join(run_dir(&out));
    let cases = read_csv(&run.join("cases.csv"));
    let hua_cases = of(&cases, "刘小花");
    assert!(hua_cases.iter().all(|c| c["problem"] != "not_enrolled"), "刘小花 is at school: {hua_cases:?}");
    assert!(of(&cases, "张小明").iter().all(|c| c["district"] == "永川区"), "{cases:?}");
    let dong = of(&cases, "陈小东");
    assert_eq!(dong.len(), 1, "{dong:?}");
    assert_eq!((dong[0]["problem"].as_str(), dong[0]["district"].as_str()), ("enrolled_not_in_census", "荣昌区"));
    assert!(
        dong[0]["evidence"]
            .contains("户籍区县按就读学校所在区县计：荣昌区（学籍无区县列，学校所在区县按该校多数学生的户籍推定）"),
        "{dong:?}"
    );
    // Household districts the address names are not explained: 赵小燕's is written out.
    assert!(cases.iter().filter(|c| c["name"] != "陈小东").all(|c| !c["evidence"].contains("户籍区县")), "{cases:?}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("run.json")).unwrap()).unwrap();
    let parts = json["partitions"].as_array().expect("partitions in run.json");
    assert!(parts.iter().all(|p| p["district"] != ""), "every 学籍 row placed in a district: {parts:?}");
}
