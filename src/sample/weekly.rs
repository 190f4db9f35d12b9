//! The weekly sample (`周报/`): two district-wide 学籍 exports a week apart (2020-05-15 and
//! 2020-05-22, the first week of the notice's 周报告), the schools' attendance counts, and the
//! daily 劝返 records, for the `kind = "weekly"` pipeline.
//!
//! The exports come from the same [`District`] as the rest of the sample: last week's lists
//! every child the clearance's per-school exports list (same school, grade and class), plus
//! the children who dropped out and have not returned. This week's applies a known set of
//! changes, each dated within the week: two dropouts, a 劝返复学, a transfer out of the
//! district, a transfer between two of its schools, a return from outside (转入), a 休学, a
//! death, a 借读（出） and a 借读（入）; plus two faults the report must catch: a student who
//! vanishes with no record, and a child who appears as 在读 with no 转入 or 复学. Two
//! children have three failed 劝返 attempts (one across two weeks).
//!
//! Drawn from its own random stream, so the rest of the sample is unchanged by it.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::book::{Book, Cell, FileFormat, Sheet};
use super::names;
use super::render;
use super::rng::Rng;
use super::world::{self, District, Home, Scenario, SchoolKind};

/// The folder of the weekly sample.
pub const FOLDER: &str = "周报";

/// Last week's export date and the end of the reported week (a Friday).
pub fn previous_day() -> NaiveDate {
    world::ymd(2020, 5, 15)
}
pub fn week_end() -> NaiveDate {
    world::ymd(2020, 5, 22)
}

const HEADER: [&str; 13] = [
    "学校名称",
    "姓名",
    "性别",
    "出生日期",
    "身份证件号",
    "全国学籍号",
    "年级",
    "班级",
    "户口所在地",
    "学籍状态",
    "异动类型",
    "异动日期",
    "异动原因",
];

/// One student row of an export.
#[derive(Clone, Debug)]
struct Row {
    child: Person,
    school: usize,
    grade: i32,
    class: String,
    status: &'static str,
    change: Option<(&'static str, NaiveDate, &'static str)>,
}

/// Who a row is about: a child of the world, or a newcomer made up here.
#[derive(Clone, Debug)]
struct Person {
    name: String,
    male: bool,
    birth: NaiveDate,
    id: String,
    student_no: String,
    hukou: String,
}

fn person(d: &District, i: usize) -> Person {
    let c = &d.children[i];
    let hukou = match &c.home {
        Home::Local(h) => {
            let hh = &d.households[*h];
            render::address(d, hh.town, hh.village, hh.group, hh.door, 0)
        }
        Home::Outside { place, door } => format!("{}{door}号", names::OUTSIDE[*place].1),
    };
    Person {
        name: c.record_name.clone(),
        male: c.male,
        birth: c.birth,
        id: c.record_id.clone(),
        student_no: c.student_no.clone(),
        hukou,
    }
}

/// One 劝返 record: (row's person, school, date, outcome).
type Visit = (Person, usize, NaiveDate, &'static str);

/// The week's books and the pipeline beside them.
pub struct Weekly {
    pub books: Vec<Book>,
    /// `周报/pipeline.toml`.
    pub pipeline: String,
}

/// Builds the weekly sample of district `d` (荣昌区). `multi`: the set holds several
/// districts, each source in a subfolder named after its district.
pub fn render(d: &District, seed: u64, multi: bool) -> Weekly {
    let mut rng = Rng::derive(seed, 7000);
    let grade_now = |i: usize| world::grade_now(d.children[i].birth);

    // Last week: every listed student as the per-school exports list them.
    let mut per_school: Vec<Vec<usize>> = vec![Vec::new(); d.schools.len()];
    for (i, c) in d.children.iter().enumerate() {
        if let Some(cur) = &c.current {
            per_school[cur.school].push(i);
        }
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut row_of: BTreeMap<usize, usize> = BTreeMap::new();
    for (si, kids) in per_school.iter_mut().enumerate() {
        kids.sort_by_key(|&i| {
            (d.children[i].current.as_ref().map(|c| c.grade).unwrap_or(0), d.children[i].record_id.clone(), i)
        });
        let mut class_count: BTreeMap<i32, usize> = BTreeMap::new();
        for &i in kids.iter() {
            let cur = d.children[i].current.as_ref().expect("current");
            let k = class_count.entry(cur.grade).or_insert(0);
            let class = format!("({})班", 1 + *k / 45);
            *k += 1;
            row_of.insert(i, rows.len());
            rows.push(Row {
                child: person(d, i),
                school: si,
                grade: cur.grade,
                class,
                status: cur.status,
                change: None,
            });
        }
    }
    // Children out of school after a 辍学 / 退学 still have their row, at the school they left.
    let mut dropouts = Vec::new();
    for (i, c) in d.children.iter().enumerate() {
        if c.scenario != Scenario::DropoutInWindow {
            continue;
        }
        let Some(e) = c.events.iter().rev().find(|e| e.kind == "辍学" || e.kind == "退学") else { continue };
        row_of.insert(i, rows.len());
        dropouts.push(i);
        rows.push(Row {
            child: person(d, i),
            school: e.school,
            grade: e.grade.clamp(1, 9),
            class: String::new(),
            status: e.kind,
            change: Some((e.kind, e.date, e.reason)),
        });
    }
    let previous = rows.clone();

    // Pick this week's children: 在读 students of the town schools, none picked twice.
    let mut taken: HashSet<usize> = HashSet::new();
    let mut pool: Vec<usize> = (0..d.children.len())
        .filter(|&i| {
            let c = &d.children[i];
            c.scenario == Scenario::Enrolled
                && !c.twin
                && c.fault.is_none()
                && c.current.as_ref().is_some_and(|cur| cur.status == "在读" && cur.school >= 3)
        })
        .collect();
    rng.shuffle(&mut pool);
    // The first free student that `want`s, else the first free one (any seed works).
    let pick = |want: &dyn Fn(usize) -> bool, taken: &mut HashSet<usize>| -> usize {
        let free = |i: &&usize| !taken.contains(*i);
        let i = *pool
            .iter()
            .filter(free)
            .find(|&&i| want(i))
            .or_else(|| pool.iter().find(free))
            .expect("enough students in the sample");
        taken.insert(i);
        i
    };
    let school_of = |i: usize| d.children[i].current.as_ref().expect("current").school;
    let is_primary = |s: usize| d.schools[s].kind == SchoolKind::Primary;

    // A dropout of an earlier year, still out, persuaded across both weeks (three failures);
    // and a returnee whose school suits the grade they return to.
    let fits = |i: usize, s: usize| (grade_now(i) <= 6) == is_primary(s) && d.schools[s].kind != SchoolKind::Special;
    let mut olds: Vec<usize> = dropouts.clone();
    rng.shuffle(&mut olds);
    let returnee = *olds.iter().find(|&&i| fits(i, rows[row_of[&i]].school)).unwrap_or(&olds[0]);
    let old = *olds.iter().find(|&&i| i != returnee && rows[row_of[&i]].school >= 3).unwrap_or(&olds[1]);
    let old_school = rows[row_of[&old]].school;

    // Two new dropouts: one at the old dropout's school (so the 日报表 carries both), one at
    // a school of the other kind.
    let drop_a = pick(&|i| school_of(i) == old_school, &mut taken);
    let drop_b = pick(&|i| is_primary(school_of(i)) != is_primary(old_school), &mut taken);
    // Appears with no record: a child of the census who never enrolled.
    let never = |i: &usize| {
        let c = &d.children[*i];
        c.scenario == Scenario::NeverEnrolled && !c.twin && c.household().is_some()
    };
    let appear = (0..d.children.len())
        .filter(never)
        .find(|&i| d.children[i].fault.is_none())
        .or_else(|| (0..d.children.len()).find(never))
        .expect("the sample has never-enrolled children");
    let appear_school = {
        let town = d.households[d.children[appear].household().expect("local")].town;
        if grade_now(appear) <= 6 {
            d.towns[town].primary
        } else {
            d.towns[town].junior
        }
    };
    let out_ext = pick(&|_| true, &mut taken);
    let internal = pick(&|_| true, &mut taken);
    let suspend = pick(&|_| true, &mut taken);
    let death = pick(&|_| true, &mut taken);
    let visit_out = pick(&|_| true, &mut taken);
    // Vanishes from another school than the one the newcomer appears at, so that both
    // schools' 核对 shows the gap.
    let vanish = pick(&|i| school_of(i) != appear_school, &mut taken);

    let day = |d: u32| world::ymd(2020, 5, d);
    let set = |i: usize, status: &'static str, change: (&'static str, NaiveDate, &'static str), rows: &mut Vec<Row>| {
        let r = &mut rows[row_of[&i]];
        r.status = status;
        r.change = Some(change);
    };
    set(drop_a, "辍学", ("辍学", day(18), "厌学"), &mut rows);
    set(drop_b, "辍学", ("辍学", day(20), "外出务工"), &mut rows);
    set(out_ext, "转出", ("转出", day(19), "随父母外出，转出本区"), &mut rows);
    set(suspend, "休学", ("休学", day(21), "因病休学"), &mut rows);
    set(death, "死亡", ("死亡", day(19), "意外"), &mut rows);
    set(visit_out, "借读", ("借读（出）", day(20), "随父母外出借读"), &mut rows);
    set(returnee, "在读", ("复学", day(20), "劝返复学"), &mut rows);
    {
        let g = grade_now(returnee).clamp(1, 9);
        let r = &mut rows[row_of[&returnee]];
        r.grade = g;
        r.class = "(1)班".into();
    }
    // Moved to a directly-run school of the same kind, recorded only by the receiving school.
    {
        let r = &mut rows[row_of[&internal]];
        r.school = if is_primary(r.school) { 0 } else { 1 };
        r.status = "在读";
        r.change = Some(("转入", day(19), "区内转学"));
        r.class = "(1)班".into();
    }
    // Vanished: no row this week.
    let vanished_row = row_of[&vanish];

    // Back from outside the district: a child whose 学籍 was transferred out earlier.
    let back = (0..d.children.len())
        .find(|&i| d.children[i].scenario == Scenario::OutOfAreaTransferredOut && !d.children[i].twin)
        .expect("the sample has transferred-out children");
    let back_school = {
        let e = d.children[back].events.iter().rev().find(|e| e.kind == "转出").expect("转出 event");
        let g = grade_now(back);
        if (g <= 6) == is_primary(e.school) {
            e.school
        } else {
            let town = d.children[back].household().map(|h| d.households[h].town).unwrap_or(0);
            if g <= 6 {
                d.towns[town].primary
            } else {
                d.towns[town].junior
            }
        }
    };
    rows.push(Row {
        child: person(d, back),
        school: back_school,
        grade: grade_now(back).clamp(1, 9),
        class: "(1)班".into(),
        status: "在读",
        change: Some(("转入", day(21), "外区县转入")),
    });
    rows.push(Row {
        child: person(d, appear),
        school: appear_school,
        grade: grade_now(appear).clamp(1, 9),
        class: "(1)班".into(),
        status: "在读",
        change: None,
    });
    // 借读（入）: a child from outside the district, studying at a town school.
    let newcomer_birth = world::ymd(2009, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
    let newcomer = {
        let mut used: HashSet<String> = d.children.iter().map(|c| c.id.clone()).collect();
        let place = 2; // 重庆市大足区
        let male = rng.chance(0.5);
        let birth = newcomer_birth;
        let id = world::make_id(names::OUTSIDE[place].0, birth, male, &mut used, &mut rng);
        let name = format!("{}{}", names::surname(&mut rng), names::child_given(&mut rng, male));
        Person {
            name,
            male,
            birth,
            student_no: format!("G{id}"),
            id,
            hukou: format!("{}{}号", names::OUTSIDE[place].1, 1 + rng.below(200)),
        }
    };
    let visit_school = d.towns[d.towns.len() - 1].primary;
    rows.push(Row {
        child: newcomer,
        school: visit_school,
        grade: world::grade_at(newcomer_birth, week_end()).clamp(1, 9),
        class: "(1)班".into(),
        status: "借读",
        change: Some(("借读（入）", day(20), "随父母务工借读")),
    });
    let mut current: Vec<Row> =
        rows.iter().enumerate().filter(|(k, _)| *k != vanished_row).map(|(_, r)| r.clone()).collect();
    // Stable order within a school: grade, then ID, as the exports sort.
    let sort = |v: &mut Vec<Row>| {
        v.sort_by(|a, b| {
            (a.school, a.grade, &a.child.id, &a.child.name).cmp(&(b.school, b.grade, &b.child.id, &b.child.name))
        })
    };
    let mut previous = previous;
    sort(&mut previous);
    sort(&mut current);

    // 劝返 records.
    let p = |i: usize| person(d, i);
    let visits: Vec<Visit> = vec![
        (p(old), old_school, day(13), "家长不同意，劝返无效"),
        (p(old), old_school, day(15), "学生在外务工，未见到本人"),
        (p(old), old_school, day(19), "电话联系家长，仍不同意返校"),
        (p(drop_a), school_of(drop_a), day(19), "劝返无效，学生厌学情绪严重"),
        (p(drop_a), school_of(drop_a), day(20), "家长不配合，劝返无效"),
        (p(drop_a), school_of(drop_a), day(21), "学生拒绝返校"),
        (p(drop_b), school_of(drop_b), day(21), "家长表示考虑，未果"),
        (p(drop_b), school_of(drop_b), day(22), "约定下周一再次家访"),
        (p(returnee), rows[row_of[&returnee]].school, day(18), "家长不同意"),
        (p(returnee), rows[row_of[&returnee]].school, day(19), "家长同意返校"),
    ];

    let sub = if multi { format!("{}/", d.name) } else { String::new() };
    let dir = if multi { format!("{FOLDER}/{}", d.name) } else { FOLDER.to_string() };
    let mut books = vec![
        export(d, &previous, &format!("{dir}/学籍_上周（2020-05-15导出）.xlsx")),
        export(d, &current, &format!("{dir}/学籍_本周（2020-05-22导出）.xlsx")),
        attendance(d, &current, &format!("{dir}/实际在校学生数（2020年5月）.xlsx"), &mut rng),
        persuasion(d, &visits, &format!("{dir}/劝返记录.xlsx")),
    ];
    books.sort_by(|a, b| a.path.cmp(&b.path));
    let root = if multi { "../../" } else { "../" };
    Weekly { books, pipeline: pipeline_text("", root, &sub, "out") }
}

/// A district-wide 学籍 export, one sheet per school.
fn export(d: &District, rows: &[Row], path: &str) -> Book {
    let mut sheets = Vec::new();
    for (si, school) in d.schools.iter().enumerate() {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.school == si).collect();
        if mine.is_empty() {
            continue;
        }
        let mut sheet = Sheet::new(school.name.clone());
        sheet.text_cols = vec![4, 5];
        sheet.widths = vec![22.0, 9.0, 5.0, 11.0, 21.0, 21.0, 8.0, 8.0, 30.0, 8.0, 10.0, 11.0, 16.0];
        sheet.push(HEADER.iter().map(|s| Cell::text(*s)).collect());
        sheet.bold_rows.push(0);
        for r in mine {
            let (kind, date, reason) = match r.change {
                Some((k, dt, why)) => (Cell::text(k), Cell::Date(dt), Cell::text(why)),
                None => (Cell::Empty, Cell::Empty, Cell::Empty),
            };
            sheet.push(vec![
                Cell::text(school.name.clone()),
                Cell::text(r.child.name.clone()),
                Cell::text(if r.child.male { "男" } else { "女" }),
                Cell::text(r.child.birth.format("%Y-%m-%d").to_string()),
                Cell::text(r.child.id.clone()),
                Cell::text(r.child.student_no.clone()),
                Cell::text(names::grade_label(r.grade as u8)),
                Cell::text(r.class.clone()),
                Cell::text(r.child.hukou.clone()),
                Cell::text(r.status),
                kind,
                date,
                reason,
            ]);
        }
        sheets.push(sheet);
    }
    Book { path: path.to_string(), format: FileFormat::Xlsx, sheets }
}

/// Whether a row counts in column 4 (see `crate::weekly::changes`).
fn counts(r: &Row) -> bool {
    match r.status {
        "在读" | "转入" | "复学" => true,
        "借读" => !r.change.is_some_and(|c| c.0.contains('出')),
        _ => false,
    }
}

/// Each school's 本月实际在校学生数: a few fewer than on roll (absent that day). The special
/// school does not report, so its column 5 falls back to column 4.
fn attendance(d: &District, rows: &[Row], path: &str, rng: &mut Rng) -> Book {
    let mut sheet = Sheet::new("实际在校");
    sheet.widths = vec![12.0, 26.0, 16.0];
    sheet.push(vec![Cell::text("2020年5月各校实际在校学生数")]);
    sheet.merge(0, 0, 0, 2);
    sheet.bold_rows.push(0);
    sheet.push(vec![Cell::text("学区"), Cell::text("学校名称"), Cell::text("本月实际在校学生数")]);
    sheet.bold_rows.push(1);
    for (si, school) in d.schools.iter().enumerate() {
        if school.kind == SchoolKind::Special {
            continue;
        }
        let on = rows.iter().filter(|r| r.school == si && counts(r)).count();
        if on == 0 {
            continue;
        }
        let absent = rng.below(4).min(on);
        sheet.push(vec![
            Cell::text(d.xuequ[school.xuequ].clone()),
            Cell::text(school.name.clone()),
            Cell::Number((on - absent) as f64),
        ]);
    }
    Book { path: path.to_string(), format: FileFormat::Xlsx, sheets: vec![sheet] }
}

/// The 劝返 records, one row per attempt.
fn persuasion(d: &District, visits: &[Visit], path: &str) -> Book {
    let mut sheet = Sheet::new("劝返记录");
    sheet.text_cols = vec![3, 4];
    sheet.widths = vec![6.0, 22.0, 9.0, 21.0, 21.0, 11.0, 30.0, 10.0];
    sheet.push(vec![Cell::text("辍学学生劝返情况登记表")]);
    sheet.merge(0, 0, 0, 7);
    sheet.bold_rows.push(0);
    sheet.push(
        ["序号", "学校", "姓名", "身份证号", "全国学籍号", "劝返日期", "劝返情况", "劝返人员"]
            .iter()
            .map(|s| Cell::text(*s))
            .collect(),
    );
    sheet.bold_rows.push(1);
    let mut v: Vec<&Visit> = visits.iter().collect();
    v.sort_by(|a, b| (a.2, a.1, &a.0.id).cmp(&(b.2, b.1, &b.0.id)));
    for (k, (who, school, date, outcome)) in v.into_iter().enumerate() {
        let teachers = &d.schools[*school].teachers;
        sheet.push(vec![
            Cell::Number((k + 1) as f64),
            Cell::text(d.schools[*school].name.clone()),
            Cell::text(who.name.clone()),
            Cell::text(who.id.clone()),
            Cell::text(who.student_no.clone()),
            Cell::Date(*date),
            Cell::text(*outcome),
            Cell::text(teachers[date.day() as usize % teachers.len()].clone()),
        ]);
    }
    Book { path: path.to_string(), format: FileFormat::Xlsx, sheets: vec![sheet] }
}

/// The weekly pipeline file. `weekly` is prepended to the weekly files' globs, `root` to
/// those of the clearance sample (the roster and the poverty register); `sub` is the district
/// subfolder of a multi-district set.
pub fn pipeline_text(weekly: &str, root: &str, sub: &str, out_dir: &str) -> String {
    let mut s = String::new();
    s.push_str("# kcbx 样例管线：周报表与日报表，由 `kcbx sample` 生成的合成数据（非真实个人信息）。\n");
    s.push_str("# Sample weekly pipeline over synthetic data written by `kcbx sample`.\n");
    s.push_str("name = \"荣昌区义务教育控辍保学周报（2020年5月第3周，样例数据）\"\n");
    s.push_str("kind = \"weekly\"\n\n");
    s.push_str("[weekly]\n");
    s.push_str("week_end = \"2020-05-22\"      # 本周最后一天（周五）；统计 5月16日至22日\n");
    s.push_str("unit = \"荣昌区教育委员会基础教育科\"\n");
    s.push_str("reviewer = \"\"                 # 审核人，留空则打印后手填\n");
    s.push_str("report_date = \"2020-05-22\"   # 填报日期\n");
    s.push_str("district = \"荣昌区\"            # 表名中的区县\n");
    s.push_str("recipient = \"基教科陈纪钱\"     # 备注中的收件人\n\n");
    s.push_str("[output]\n");
    s.push_str(&format!("dir = \"{out_dir}\"\n"));
    let sources: [(&str, &str, String, Option<&str>); 6] = [
        ("enrollment", "上周的学籍导出（每校一个工作表）", format!("{weekly}学籍_上周*.xlsx"), Some("previous")),
        (
            "enrollment",
            "本周的学籍导出，本周异动带异动类型和异动日期",
            format!("{weekly}学籍_本周*.xlsx"),
            Some("current"),
        ),
        ("roster", "包片包校责任人名单：各校所属学区", format!("{root}责任人名单/{sub}*.xlsx"), None),
        ("attendance", "各校本月实际在校学生数（第5栏）", format!("{weekly}实际在校学生数*.xlsx"), None),
        ("persuasion", "辍学学生劝返记录，每次劝返一行", format!("{weekly}劝返记录*.xlsx"), None),
        ("poverty", "建档立卡名单：日报表“是否建卡”", format!("{root}建档立卡/{sub}*.xls"), None),
    ];
    for (kind, comment, glob, snapshot) in sources {
        s.push_str(&format!("\n# {comment}\n[[sources]]\nkind = \"{kind}\"\nfiles = [\"{glob}\"]\n"));
        if let Some(snap) = snapshot {
            s.push_str(&format!("snapshot = \"{snap}\"\n"));
        }
    }
    s
}
