//! A small fixture builder for the rule, ledger and round-trip tests: each test lists the
//! children it needs in plain Rust, and [`Set::write`] turns them into workbooks shaped like
//! the real ones — a census sheet per village (title row, 填报单位 row, header), a 学籍
//! export (current students with 学籍状态, and an 异动 sheet with 异动类型/异动日期), the
//! poverty register, the disability list, 送教上门 visits, 缓学/免学 approvals, and the
//! 包片包校 roster in the shape of attachment 4 (two header rows, 单位 and 包干领导 merged down,
//! 包片人员 merged over their schools, names padded with spaces) — plus a pipeline.toml
//! (as_of 2020-05-14, birth window 2004-09-01 ..= 2014-08-31).

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};
use kcbx::normalize::id_number::check_char;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

use crate::util::{read_csv, run_dir, Workdir};

/// 荣昌区's area code.
pub const AREA: &str = "500153";

/// A date from `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| panic!("bad test date {s}"))
}

/// A valid ID for a birth date (`YYYY-MM-DD`) and a sequence number (odd: male, even: female).
pub fn id(birth: &str, seq: u32) -> String {
    let first17 = format!("{AREA}{}{seq:03}", d(birth).format("%Y%m%d"));
    format!("{first17}{}", check_char(&first17).expect("17 digits"))
}

/// The same ID with a wrong check character.
pub fn bad_check(id: &str) -> String {
    let right = id.chars().last().expect("non-empty");
    let wrong = if right == '0' { '1' } else { '0' };
    format!("{}{wrong}", &id[..17])
}

/// The ID with the digits at 1-based positions `p` and `p + 1` swapped (they must differ).
pub fn transpose(id: &str, p: usize) -> String {
    let mut b = id.as_bytes().to_vec();
    assert_ne!(b[p - 1], b[p], "transposing equal digits changes nothing");
    b.swap(p - 1, p);
    String::from_utf8(b).expect("ascii")
}

/// The ID with the digit at 1-based position `p` changed (one substitution: never valid).
pub fn substitute(id: &str, p: usize) -> String {
    let mut b = id.as_bytes().to_vec();
    b[p - 1] = if b[p - 1] == b'9' { b'0' } else { b[p - 1] + 1 };
    String::from_utf8(b).expect("ascii")
}

/// One cell of a fixture sheet.
#[derive(Clone, Debug)]
pub enum V {
    S(String),
    N(f64),
    D(NaiveDate),
    E,
}

impl From<&str> for V {
    fn from(s: &str) -> V {
        if s.is_empty() {
            V::E
        } else {
            V::S(s.to_string())
        }
    }
}

impl From<&String> for V {
    fn from(s: &String) -> V {
        V::from(s.as_str())
    }
}

impl From<f64> for V {
    fn from(n: f64) -> V {
        V::N(n)
    }
}

impl From<Option<f64>> for V {
    fn from(n: Option<f64>) -> V {
        n.map_or(V::E, V::N)
    }
}

impl From<Option<NaiveDate>> for V {
    fn from(d: Option<NaiveDate>) -> V {
        d.map_or(V::E, V::D)
    }
}

/// Writes rows of cells from `first_row` on; IDs and other text always as strings.
pub fn write_rows(ws: &mut Worksheet, first_row: u32, rows: &[Vec<V>]) {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        let r = first_row + r as u32;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            match v {
                V::S(s) => ws.write_string(r, c, s).map(|_| ()),
                V::N(n) => ws.write_number(r, c, *n).map(|_| ()),
                V::D(day) => {
                    let x = ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8).unwrap();
                    ws.write_datetime_with_format(r, c, &x, &date).map(|_| ())
                }
                V::E => Ok(()),
            }
            .expect("write cell");
        }
    }
}

/// A sheet with a title row, optional lines under it (填报单位 …), a header row and data.
pub fn titled_sheet(ws: &mut Worksheet, title: &str, lines: &[String], header: &[&str], rows: &[Vec<V>]) {
    let last = header.len() as u16 - 1;
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    ws.merge_range(0, 0, 0, last, title, &bold).expect("title");
    for (k, line) in lines.iter().enumerate() {
        ws.merge_range(1 + k as u32, 0, 1 + k as u32, last, line, &Format::new()).expect("line");
    }
    let h = 1 + lines.len() as u32;
    for (c, text) in header.iter().enumerate() {
        ws.write_string(h, c as u16, *text).expect("header");
    }
    write_rows(ws, h + 1, rows);
}

fn save(wb: &mut Workbook, path: &Path) {
    std::fs::create_dir_all(path.parent().expect("folder")).expect("create folder");
    wb.save(path).unwrap_or_else(|e| panic!("save {}: {e}", path.display()));
}

/// A child listed in the census.
#[derive(Clone, Debug)]
pub struct Child {
    pub town: String,
    pub village: String,
    pub group: String,
    pub householder: String,
    pub name: String,
    pub sex: String,
    pub id: String,
    pub birth: String,
    pub hukou: String,
    pub poverty: String,
    pub disabled: String,
    pub category: String,
    /// 就学状态, as the household said it.
    pub status: String,
    pub school: String,
    /// The ID typed into a numeric cell (Excel keeps 15 significant digits).
    pub id_as_number: bool,
}

/// A census child of 荣隆镇新峰村3社 with a valid ID; change what a test needs.
pub fn child(name: &str, birth: &str, seq: u32) -> Child {
    let id = id(birth, seq);
    Child {
        town: "荣隆镇".into(),
        village: "新峰村".into(),
        group: "3社".into(),
        householder: format!("{}大山", name.chars().next().unwrap()),
        name: name.into(),
        sex: if seq % 2 == 1 { "男" } else { "女" }.into(),
        id,
        birth: birth.into(),
        hukou: "重庆市荣昌区荣隆镇新峰村3社".into(),
        poverty: "否".into(),
        disabled: "否".into(),
        category: String::new(),
        status: String::new(),
        school: String::new(),
        id_as_number: false,
    }
}

impl Child {
    /// Listed (and registered) in another town and village.
    pub fn at(mut self, town: &str, village: &str) -> Child {
        self.town = town.into();
        self.village = village.into();
        self.hukou = format!("重庆市荣昌区{town}{village}{}", self.group);
        self
    }

    /// 就学状态 (and 就读学校).
    pub fn status(mut self, status: &str, school: &str) -> Child {
        self.status = status.into();
        self.school = school.into();
        self
    }

    pub fn disabled(mut self, category: &str) -> Child {
        self.disabled = "是".into();
        self.category = category.into();
        self
    }

    pub fn poor(mut self) -> Child {
        self.poverty = "是".into();
        self
    }

    pub fn with_id(mut self, id: &str) -> Child {
        self.id = id.into();
        self
    }

    /// The ID typed into a numeric cell, and no 出生日期 written.
    pub fn id_as_number(mut self) -> Child {
        self.id_as_number = true;
        self.birth.clear();
        self
    }

    pub fn hukou(mut self, hukou: &str) -> Child {
        self.hukou = hukou.into();
        self
    }
}

/// One 学籍 row: a current student (学籍状态) or a status change (异动类型 + 异动日期).
#[derive(Clone, Debug)]
pub struct Student {
    pub school: String,
    pub name: String,
    pub sex: String,
    pub birth: String,
    pub id: String,
    pub student_no: String,
    pub grade: String,
    pub class: String,
    pub hukou: String,
    pub status: String,
    pub change: String,
    pub change_date: Option<NaiveDate>,
}

/// The child in a current-student export, 在读.
pub fn student(c: &Child, school: &str, grade: &str) -> Student {
    Student {
        school: school.into(),
        name: c.name.clone(),
        sex: c.sex.clone(),
        birth: c.birth.clone(),
        id: c.id.clone(),
        student_no: format!("G{}", c.id),
        grade: grade.into(),
        class: "2".into(),
        hukou: c.hukou.clone(),
        status: "在读".into(),
        change: String::new(),
        change_date: None,
    }
}

/// A status change of the child (辍学, 复学, 毕业, 死亡 …) on a day.
pub fn change(c: &Child, school: &str, grade: &str, kind: &str, date: &str) -> Student {
    Student { status: String::new(), change: kind.into(), change_date: Some(d(date)), ..student(c, school, grade) }
}

impl Student {
    pub fn with_id(mut self, id: &str) -> Student {
        self.id = id.into();
        self.student_no.clear();
        self
    }

    pub fn status(mut self, status: &str) -> Student {
        self.status = status.into();
        self
    }

    /// 户口所在地 as the 学籍 row writes it.
    pub fn hukou_text(mut self, hukou: &str) -> Student {
        self.hukou = hukou.into();
        self
    }
}

/// A person on the 建档立卡 register.
#[derive(Clone, Debug)]
pub struct Poor {
    pub town: String,
    pub village: String,
    pub group: String,
    pub name: String,
    pub id: String,
    /// 在校生状况.
    pub schooling: String,
    /// 文化程度 (empty: not filled in).
    pub education: String,
}

impl Poor {
    /// 文化程度 as the register writes it.
    pub fn education(mut self, education: &str) -> Poor {
        self.education = education.into();
        self
    }
}

pub fn poor(c: &Child, schooling: &str) -> Poor {
    Poor {
        town: c.town.clone(),
        village: c.village.clone(),
        group: c.group.clone(),
        name: c.name.clone(),
        id: c.id.clone(),
        schooling: schooling.into(),
        education: String::new(),
    }
}

/// A person on the disability federation list.
#[derive(Clone, Debug)]
pub struct Disabled {
    pub town: String,
    pub village: String,
    pub name: String,
    pub id: String,
    pub category: String,
    pub grade: String,
    pub address: String,
}

pub fn disabled(c: &Child, category: &str, grade: &str) -> Disabled {
    Disabled {
        town: c.town.clone(),
        village: c.village.clone(),
        name: c.name.clone(),
        id: c.id.clone(),
        category: category.into(),
        grade: grade.into(),
        address: c.hukou.clone(),
    }
}

/// One 送教上门 visit.
#[derive(Clone, Debug)]
pub struct Visit {
    pub school: String,
    pub name: String,
    pub id: String,
    pub town: String,
    pub village: String,
    pub date: NaiveDate,
    pub hours: Option<f64>,
}

/// Weekly visits of `hours` from `from` (every 7 days) while before `until`.
pub fn weekly(c: &Child, school: &str, from: &str, until: &str, hours: f64) -> Vec<Visit> {
    let mut out = Vec::new();
    let mut day = d(from);
    while day < d(until) {
        out.push(Visit {
            school: school.into(),
            name: c.name.clone(),
            id: c.id.clone(),
            town: c.town.clone(),
            village: c.village.clone(),
            date: day,
            hours: Some(hours),
        });
        day += Duration::days(7);
    }
    out
}

/// An approved 缓学 / 免学.
#[derive(Clone, Debug)]
pub struct Exemption {
    pub town: String,
    pub village: String,
    pub name: String,
    pub id: String,
    pub kind: String,
    pub approved: Option<NaiveDate>,
    pub from: Option<NaiveDate>,
    /// `None` for every row of a list: the list has no 有效期至 column.
    pub until: Option<NaiveDate>,
}

pub fn exemption(c: &Child, kind: &str, from: &str, until: &str) -> Exemption {
    Exemption {
        town: c.town.clone(),
        village: c.village.clone(),
        name: c.name.clone(),
        id: c.id.clone(),
        kind: kind.into(),
        approved: None,
        from: Some(d(from)),
        until: Some(d(until)),
    }
}

/// An approval on a list without 有效期至: approved on `approved`, in force from `from`.
pub fn exemption_open(c: &Child, kind: &str, approved: &str) -> Exemption {
    Exemption { approved: Some(d(approved)), until: None, ..exemption(c, kind, approved, approved) }
}

/// One school of the responsibility roster. Runs of equal `unit` / `leader` / area person /
/// school person are written as merged cells; names are written padded (`张  三`).
#[derive(Clone, Debug)]
pub struct Roster {
    pub unit: String,
    pub school: String,
    pub leader: String,
    pub area_person: String,
    /// Typed as a number, as phones often are.
    pub area_phone: f64,
    pub school_person: String,
    pub school_phone: String,
}

/// A two-character name padded to three characters' width, as rosters typed in Word do.
pub fn padded(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() == 2 {
        format!("{}  {}", chars[0], chars[1])
    } else {
        name.to_string()
    }
}

/// Everything a test feeds the pipeline.
#[derive(Clone, Debug, Default)]
pub struct Set {
    pub census: Vec<Child>,
    pub students: Vec<Student>,
    pub poor: Vec<Poor>,
    pub disabled: Vec<Disabled>,
    pub visits: Vec<Visit>,
    pub exemptions: Vec<Exemption>,
    pub roster: Vec<Roster>,
    /// More pipeline text (another `[[sources]]`, a `[linkage]` table), appended as is.
    pub extra: String,
    /// More `[params]` lines (`school_breaks = …`), written into that table.
    pub params: String,
}

const CENSUS_HEADER: [&str; 17] = [
    "序号",
    "镇街",
    "村(社区)",
    "社",
    "户主姓名",
    "姓名",
    "性别",
    "身份证号",
    "出生日期",
    "与户主关系",
    "户籍地址",
    "是否建档立卡",
    "是否残疾",
    "残疾类别",
    "就学状态",
    "就读学校",
    "备注",
];

impl Set {
    /// Writes the input workbooks under `<wd>/in/` (replacing earlier ones) and
    /// `<wd>/pipeline.toml`; returns the pipeline's path.
    pub fn write(&self, wd: &Workdir) -> PathBuf {
        let dir = wd.path("in");
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("clear inputs");
        }
        let mut sources = String::new();
        let mut source = |kind: &str, glob: &str| {
            sources.push_str(&format!("\n[[sources]]\nkind = \"{kind}\"\nfiles = [\"in/{glob}\"]\n"));
        };
        if !self.census.is_empty() {
            self.write_census(&dir);
            source("census", "大清查/*.xlsx");
        }
        if !self.students.is_empty() {
            self.write_students(&dir.join("学籍.xlsx"));
            source("enrollment", "学籍.xlsx");
        }
        if !self.poor.is_empty() {
            self.write_poor(&dir.join("建档立卡.xlsx"));
            source("poverty", "建档立卡.xlsx");
        }
        if !self.disabled.is_empty() {
            self.write_disabled(&dir.join("残疾人.xlsx"));
            source("disability", "残疾人.xlsx");
        }
        if !self.visits.is_empty() {
            self.write_visits(&dir.join("送教上门.xlsx"));
            source("home_teaching", "送教上门.xlsx");
        }
        if !self.exemptions.is_empty() {
            self.write_exemptions(&dir.join("缓学免学.xlsx"));
            source("exemption", "缓学免学.xlsx");
        }
        if !self.roster.is_empty() {
            self.write_roster(&dir.join("责任人名单.xlsx"));
            source("roster", "责任人名单.xlsx");
        }
        let text = format!(
            "name = \"测试区2020年5月控辍保学大清查\"\nkind = \"clearance\"\n\n[params]\nas_of = \"2020-05-14\"\n\
             birth_from = \"2004-09-01\"\nbirth_to = \"2014-08-31\"\ndropout_since = \"2015-01-01\"\n\
             deadline_days = 30\n{}\n[output]\ndir = \"out\"\n{sources}{}",
            self.params, self.extra
        );
        let path = wd.path("pipeline.toml");
        std::fs::write(&path, text).expect("write pipeline");
        path
    }

    /// One workbook per town, one sheet per village.
    fn write_census(&self, dir: &Path) {
        let mut towns: BTreeMap<&str, BTreeMap<&str, Vec<&Child>>> = BTreeMap::new();
        for c in &self.census {
            towns.entry(&c.town).or_default().entry(&c.village).or_default().push(c);
        }
        for (town, villages) in towns {
            let mut wb = Workbook::new();
            for (village, kids) in villages {
                let ws = wb.add_worksheet();
                ws.set_name(village).expect("sheet name");
                let rows: Vec<Vec<V>> = kids
                    .iter()
                    .enumerate()
                    .map(|(k, c)| {
                        vec![
                            V::N((k + 1) as f64),
                            (&c.town).into(),
                            (&c.village).into(),
                            (&c.group).into(),
                            (&c.householder).into(),
                            (&c.name).into(),
                            (&c.sex).into(),
                            if c.id_as_number { V::N(c.id.parse().expect("an all-digit ID")) } else { (&c.id).into() },
                            (&c.birth).into(),
                            if c.householder == c.name { "户主" } else { "子女" }.into(),
                            (&c.hukou).into(),
                            (&c.poverty).into(),
                            (&c.disabled).into(),
                            (&c.category).into(),
                            (&c.status).into(),
                            (&c.school).into(),
                            V::E,
                        ]
                    })
                    .collect();
                titled_sheet(
                    ws,
                    &format!("{town}适龄儿童少年大清查登记表"),
                    &[format!("填报单位：{town}{village}（盖章）            填报日期：2020年5月8日")],
                    &CENSUS_HEADER,
                    &rows,
                );
            }
            save(&mut wb, &dir.join(format!("大清查/{town}.xlsx")));
        }
    }

    /// Current students on one sheet, status changes on another.
    fn write_students(&self, path: &Path) {
        let mut wb = Workbook::new();
        let current: Vec<&Student> = self.students.iter().filter(|s| s.change.is_empty()).collect();
        let changes: Vec<&Student> = self.students.iter().filter(|s| !s.change.is_empty()).collect();
        if !current.is_empty() {
            let ws = wb.add_worksheet();
            ws.set_name("在校生").unwrap();
            let header = [
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
            ];
            for (c, h) in header.iter().enumerate() {
                ws.write_string(0, c as u16, *h).unwrap();
            }
            let rows: Vec<Vec<V>> = current
                .iter()
                .map(|s| {
                    vec![
                        (&s.school).into(),
                        (&s.name).into(),
                        (&s.sex).into(),
                        (&s.birth).into(),
                        (&s.id).into(),
                        (&s.student_no).into(),
                        (&s.grade).into(),
                        (&s.class).into(),
                        (&s.hukou).into(),
                        (&s.status).into(),
                    ]
                })
                .collect();
            write_rows(ws, 1, &rows);
        }
        if !changes.is_empty() {
            let ws = wb.add_worksheet();
            ws.set_name("学籍异动").unwrap();
            let header = [
                "学校名称",
                "姓名",
                "性别",
                "出生日期",
                "身份证件号",
                "全国学籍号",
                "年级",
                "异动类型",
                "异动日期",
                "户口所在地",
            ];
            for (c, h) in header.iter().enumerate() {
                ws.write_string(0, c as u16, *h).unwrap();
            }
            let rows: Vec<Vec<V>> = changes
                .iter()
                .map(|s| {
                    vec![
                        (&s.school).into(),
                        (&s.name).into(),
                        (&s.sex).into(),
                        (&s.birth).into(),
                        (&s.id).into(),
                        (&s.student_no).into(),
                        (&s.grade).into(),
                        (&s.change).into(),
                        s.change_date.into(),
                        (&s.hukou).into(),
                    ]
                })
                .collect();
            write_rows(ws, 1, &rows);
        }
        save(&mut wb, path);
    }

    fn write_poor(&self, path: &Path) {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("贫困人口").unwrap();
        let header = [
            "县(市、区)",
            "乡(镇)",
            "行政村",
            "自然村",
            "户编号",
            "姓名",
            "证件号码",
            "与户主关系",
            "文化程度",
            "在校生状况",
        ];
        let rows: Vec<Vec<V>> = self
            .poor
            .iter()
            .enumerate()
            .map(|(k, p)| {
                vec![
                    "荣昌区".into(),
                    (&p.town).into(),
                    (&p.village).into(),
                    (&p.group).into(),
                    format!("5001530{k:04}").as_str().into(),
                    (&p.name).into(),
                    (&p.id).into(),
                    "之子".into(),
                    (&p.education).into(),
                    (&p.schooling).into(),
                ]
            })
            .collect();
        titled_sheet(ws, "荣昌区建档立卡贫困人口花名册（2019年动态调整）", &[], &header, &rows);
        save(&mut wb, path);
    }

    fn write_disabled(&self, path: &Path) {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let header = ["序号", "镇街", "村(社区)", "姓名", "身份证号", "残疾类别", "残疾等级", "住址"];
        let rows: Vec<Vec<V>> = self
            .disabled
            .iter()
            .enumerate()
            .map(|(k, p)| {
                vec![
                    V::N((k + 1) as f64),
                    (&p.town).into(),
                    (&p.village).into(),
                    (&p.name).into(),
                    (&p.id).into(),
                    (&p.category).into(),
                    (&p.grade).into(),
                    (&p.address).into(),
                ]
            })
            .collect();
        titled_sheet(ws, "荣昌区持证残疾人名单", &[], &header, &rows);
        save(&mut wb, path);
    }

    fn write_visits(&self, path: &Path) {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let header = ["序号", "送教学校", "学生姓名", "身份证号", "镇街", "村(社区)", "送教日期", "学时", "送教教师"];
        let rows: Vec<Vec<V>> = self
            .visits
            .iter()
            .enumerate()
            .map(|(k, v)| {
                vec![
                    V::N((k + 1) as f64),
                    (&v.school).into(),
                    (&v.name).into(),
                    (&v.id).into(),
                    (&v.town).into(),
                    (&v.village).into(),
                    V::D(v.date),
                    v.hours.into(),
                    "李老师".into(),
                ]
            })
            .collect();
        titled_sheet(ws, "2019-2020学年送教上门记录表", &[], &header, &rows);
        save(&mut wb, path);
    }

    fn write_exemptions(&self, path: &Path) {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        // Real lists often have no 有效期至: written only when some row gives one.
        let with_until = self.exemptions.iter().any(|e| e.until.is_some());
        let mut header = vec!["序号", "镇街", "村(社区)", "姓名", "身份证号", "类型", "批准日期", "起始日期"];
        if with_until {
            header.push("有效期至");
        }
        header.push("审批单位");
        let rows: Vec<Vec<V>> = self
            .exemptions
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let mut row = vec![
                    V::N((k + 1) as f64),
                    (&e.town).into(),
                    (&e.village).into(),
                    (&e.name).into(),
                    (&e.id).into(),
                    (&e.kind).into(),
                    e.approved.into(),
                    e.from.into(),
                ];
                if with_until {
                    row.push(e.until.into());
                }
                row.push("荣昌区教育委员会".into());
                row
            })
            .collect();
        titled_sheet(ws, "义务教育阶段缓学免学审批名单", &[], &header, &rows);
        save(&mut wb, path);
    }

    /// Attachment 4: title; two header rows; 单位, 包干领导, 包片人员 and 包校人员 merged down
    /// over their runs of schools.
    fn write_roster(&self, path: &Path) {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("包片包校").unwrap();
        let f = Format::new().set_align(FormatAlign::VerticalCenter);
        ws.merge_range(0, 0, 0, 7, "荣昌区控辍保学包片包校责任人名单", &f).unwrap();
        for (c, h) in [(0, "单位"), (1, "学校名称"), (2, "教委包干领导"), (7, "备注")] {
            ws.merge_range(1, c, 2, c, h, &f).unwrap();
        }
        ws.merge_range(1, 3, 1, 4, "教委科室包片人员", &f).unwrap();
        ws.merge_range(1, 5, 1, 6, "教委学区督导责任区包校人员", &f).unwrap();
        for (c, h) in [(3, "姓名"), (4, "联系电话"), (5, "姓名"), (6, "联系电话")] {
            ws.write_string(2, c, h).unwrap();
        }
        let first = 3u32;
        let n = self.roster.len() as u32;
        for (k, r) in self.roster.iter().enumerate() {
            let row = first + k as u32;
            ws.write_string(row, 1, &r.school).unwrap();
        }
        // Runs of equal values merged down (a run of one is a plain cell).
        let runs = |key: &dyn Fn(&Roster) -> String| -> Vec<(u32, u32)> {
            let mut out = Vec::new();
            let mut start = 0u32;
            for k in 1..=n {
                if k == n || key(&self.roster[k as usize]) != key(&self.roster[start as usize]) {
                    out.push((start, k - 1));
                    start = k;
                }
            }
            out
        };
        // Merge first (blank), then write the value into the top-left cell.
        let put = |ws: &mut Worksheet, (a, b): (u32, u32), col: u16, v: V| {
            if a < b {
                ws.merge_range(first + a, col, first + b, col, "", &f).unwrap();
            }
            write_rows(ws, first + a, &[vec![V::E; col as usize].into_iter().chain([v]).collect()]);
        };
        for run in runs(&|r| r.unit.clone()) {
            let r = &self.roster[run.0 as usize];
            put(ws, run, 0, V::S(r.unit.clone()));
        }
        for run in runs(&|r| r.leader.clone()) {
            let r = &self.roster[run.0 as usize];
            put(ws, run, 2, V::S(padded(&r.leader)));
        }
        for run in runs(&|r| r.area_person.clone()) {
            let r = &self.roster[run.0 as usize];
            put(ws, run, 3, V::S(padded(&r.area_person)));
            put(ws, run, 4, V::N(r.area_phone));
        }
        for run in runs(&|r| format!("{}|{}", r.school_person, r.school_phone)) {
            let r = &self.roster[run.0 as usize];
            put(ws, run, 5, V::S(padded(&r.school_person)));
            put(ws, run, 6, V::S(r.school_phone.clone()));
        }
        save(&mut wb, path);
    }

    /// Writes the inputs and runs `kcbx run --no-previous --label <label>`; returns the run
    /// folder.
    pub fn run(&self, wd: &Workdir, label: &str) -> PathBuf {
        let pipeline = self.write(wd);
        let out = wd.run_ok(&["run", pipeline.to_str().unwrap(), "--no-previous", "--label", label, "--quiet"]);
        run_dir(&out)
    }

    /// Runs and returns cases.csv.
    pub fn cases(&self, wd: &Workdir) -> Vec<BTreeMap<String, String>> {
        read_csv(&self.run(wd, "t").join("cases.csv"))
    }
}

/// The (problem, name) pairs of a case list.
pub fn flagged(cases: &[BTreeMap<String, String>]) -> BTreeSet<(String, String)> {
    cases.iter().map(|c| (c["problem"].clone(), c["name"].clone())).collect()
}

/// A set of (problem, name) pairs, for comparing with [`flagged`].
pub fn pairs(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    list.iter().map(|(p, n)| (p.to_string(), n.to_string())).collect()
}

/// The one case of a problem about a named person.
pub fn case<'a>(cases: &'a [BTreeMap<String, String>], problem: &str, name: &str) -> &'a BTreeMap<String, String> {
    let found: Vec<_> = cases.iter().filter(|c| c["problem"] == problem && c["name"] == name).collect();
    assert_eq!(found.len(), 1, "expected one {problem} case for {name}, found {}", found.len());
    found[0]
}
