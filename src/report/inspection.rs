//! `督查要点/<学区>.xlsx`: the notice's attachment 3 (荣昌区学校控辍保学工作督查要点), one
//! sheet per school of the 学区, each of the 15 items with its 督查情况记录 cell pre-filled
//! with what the data show, or marked 需现场查看 where only a visit can tell (school plans,
//! 一人一案 documents, photos).
//!
//! One workbook per 学区 rather than one per school: the 学区 and the 督导责任区 inspect
//! their schools together, and one file per 学区 is what they carry.
//!
//! Pipeline position: rules → **report** (with [`super::schools::View`] for the 学区).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Duration, NaiveDate};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

use super::schools::{contacts_line, Group, View};
use super::xlsx::{self, Formats};
use crate::link::people::People;
use crate::plan::Plan;
use crate::rules::{Case, Facts, Problem};
use crate::sources::persuasion::{Attempt, PersuasionRec};
use crate::sources::Data;

/// Written where only a visit can tell.
pub const ON_SITE: &str = "需现场查看";

/// Days ahead an exemption counts as about to expire.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// What fills an item's 督查情况记录 cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// The census and 学籍 check: pupils missing from the census, dropouts.
    Survey,
    /// Dropouts on the school's list (失学学生台账).
    Dropouts,
    /// Dropouts with a 学籍 record (疑似辍学学生花名册).
    Roster,
    /// Weekly / daily reports.
    Reports,
    /// 劝返 attempts recorded.
    Persuasion,
    /// Three failed 劝返 attempts: the 限期复学通知书 due.
    Notice,
    /// 缓学 / 免学 expired or about to expire.
    Exemptions,
    /// 送教 hours against 80 and weeks missed.
    HomeTeaching,
    /// Only a visit can tell.
    OnSite,
}

/// The 15 items of attachment 3: area, item, what fills the record.
pub const ITEMS: [(&str, &str, Fill); 15] = [
    ("排查情况", "是否进行全面如实摸排并上报，是否存在应报未报的情况", Fill::Survey),
    ("排查情况", "是否建立失学学生台账", Fill::Dropouts),
    ("排查情况", "是否有疑似辍学学生花名册", Fill::Roster),
    ("劝返情况", "是否制定学校控辍保学工作方案", Fill::OnSite),
    (
        "劝返情况",
        "是否为每一名辍学学生制定科学合理的复学方案，突出差异性和个性化，制定“一人一案、一生一策”。",
        Fill::OnSite,
    ),
    ("劝返情况", "是否按要求坚持“日报告”“周报告”“月报告”制度。", Fill::Reports),
    ("劝返情况", "是否及时开展劝返工作，并按要求填写《荣昌区义务教育阶段辍学失学劝返情况登记表》。", Fill::Persuasion),
    ("劝返情况", "是否有与辍学学生户籍所在地镇街人民政府、村社区联系情况的记录。", Fill::OnSite),
    (
        "劝返情况",
        "是否坚持三次劝返无效的下达《义务教育阶段限期复（入）学通知书》，限期内仍未复学，学校是否及时向学生户籍所在地政府进行书面报告，并向区教委备案。",
        Fill::Notice,
    ),
    (
        "劝返情况",
        "对极个别情况特别严重的残疾儿童少年，是否按相关规定依法办理缓、免学手续，并在缓学期间开展了跟踪和适时督促复学。",
        Fill::Exemptions,
    ),
    ("送教情况", "是否制定残疾儿童送教上门方案，送教上门学生花名册和送教资料齐全。", Fill::OnSite),
    ("送教情况", "是否完善了送教上门申报表（有审批表、残疾证明和送教方案）。", Fill::OnSite),
    ("送教情况", "是否完善了远程送教的申报程序（有审批表、残疾证明和送教方案）。", Fill::OnSite),
    (
        "送教情况",
        "是否完善了送教上门的资料（有“一人一案”的送教方案、有送教上门教师安排表、有课程计划、有送教内容、有送教时间和地点、有送教上门的图片或影像资料）。",
        Fill::OnSite,
    ),
    (
        "送教情况",
        "送教次数是否达到规定的课时（每周至少一次，每次不少于两个学时，每学年不少于80课时）",
        Fill::HomeTeaching,
    ),
];

/// What the data say about one school.
#[derive(Clone, Debug, Default)]
pub struct SchoolFacts {
    /// Open cases of the school's list, by problem.
    pub open: BTreeMap<Problem, Vec<String>>,
    /// Dropouts (non_completer) with their failed 劝返 days (distinct, up to the 基准日) and
    /// whether one succeeded after them.
    pub persuasion: Vec<(String, Vec<NaiveDate>, bool)>,
    /// 送教 children: name, hours this school year, weeks missed, school weeks counted.
    pub home: Vec<(String, f64, usize, usize)>,
    /// Exemptions: name, 缓学/免学, valid until; expired or expiring within 30 days.
    pub exemptions: Vec<(String, String, NaiveDate)>,
    /// The 周报告 item from the weekly runs of `[inspection] weekly_runs`, when given.
    pub reports: Option<String>,
}

/// One week of a weekly run: start, end, and the schools with whether they reported.
struct WeekRun {
    start: NaiveDate,
    end: NaiveDate,
    schools: Vec<(String, bool)>,
}

/// `2020-05-16至05-22`.
fn week_text(start: NaiveDate, end: NaiveDate) -> String {
    use chrono::Datelike;
    let tail = if start.year() == end.year() { end.format("%m-%d") } else { end.format("%Y-%m-%d") };
    format!("{}至{tail}", start.format("%Y-%m-%d"))
}

/// Reads the weekly runs' `run.json` named by `[inspection] weekly_runs` and fills the 周报告
/// item of every school of the groups. Returns notes (a glob matching nothing, a file that is
/// not a weekly run.json): counts and file names only.
pub fn add_weekly(facts: &mut BTreeMap<String, SchoolFacts>, view: &View, plan: &Plan) -> Vec<String> {
    let mut notes = Vec::new();
    if plan.weekly_runs.is_empty() {
        return notes;
    }
    let mut files = std::collections::BTreeSet::new();
    for pattern in &plan.weekly_runs {
        let before = files.len();
        match glob::glob(pattern) {
            Ok(paths) => files.extend(paths.flatten().filter(|p| p.is_file())),
            Err(e) => {
                notes.push(format!("[inspection] weekly_runs：\"{pattern}\" 不是有效的通配符（{}），已跳过", e.msg))
            }
        }
        if files.len() == before {
            notes.push(format!("[inspection] weekly_runs：\"{pattern}\" 没有匹配到周报表管线的 run.json"));
        }
    }
    // Week (start, end) → school key → received (a school reported when any run says so).
    let mut weeks: BTreeMap<(NaiveDate, NaiveDate), BTreeMap<String, bool>> = BTreeMap::new();
    for path in &files {
        let run = std::fs::read_to_string(path).ok().and_then(|t| parse_week_run(&t));
        let Some(run) = run else {
            notes.push(format!("[inspection] weekly_runs：{} 不是周报表管线的 run.json，已跳过", path.display()));
            continue;
        };
        let week = weeks.entry((run.start, run.end)).or_default();
        for (school, received) in run.schools {
            *week.entry(crate::normalize::compact(&school)).or_insert(false) |= received;
        }
    }
    if files.is_empty() {
        return notes;
    }
    let total = weeks.len();
    for g in &view.groups {
        for s in &g.schools {
            let k = crate::normalize::compact(&s.name);
            let short = crate::schools::short_key(&s.name);
            let mut got = Vec::new();
            let mut missed = Vec::new();
            for (&(a, b), schools) in &weeks {
                let hit = schools.get(&k).or_else(|| {
                    let mut m = schools.iter().filter(|(n, _)| crate::schools::short_key(n) == short);
                    match (m.next(), m.next()) {
                        (Some((_, r)), None) => Some(r),
                        _ => None,
                    }
                });
                match hit {
                    Some(true) => got.push((a, b)),
                    _ => missed.push((a, b)),
                }
            }
            let mut text = format!("数据显示：读取周报表 {total} 期；");
            if let Some(&(a, b)) = got.last() {
                text.push_str(&format!("已报送周报表 {} 期（最近：{}）", got.len(), week_text(a, b)));
            } else {
                text.push_str("未见本校报送的周报表");
            }
            if !missed.is_empty() {
                let shown: Vec<String> = missed.iter().rev().take(5).map(|&(a, b)| week_text(a, b)).collect();
                let more = if missed.len() > 5 { "等" } else { "" };
                text.push_str(&format!("；缺报 {} 期（{}{more}）", missed.len(), shown.join("、")));
            }
            text.push_str(&format!("。日报告、月报告{ON_SITE}"));
            facts.entry(s.name.clone()).or_default().reports = Some(text);
        }
    }
    notes
}

fn parse_week_run(text: &str) -> Option<WeekRun> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    if v.get("kind")?.as_str()? != "weekly" {
        return None;
    }
    let date = |k: &str| NaiveDate::parse_from_str(v.get("week")?.get(k)?.as_str()?, "%Y-%m-%d").ok();
    let schools = v
        .get("reports")?
        .as_array()?
        .iter()
        .filter_map(|r| Some((r.get("school")?.as_str()?.to_string(), r.get("received")?.as_bool()?)))
        .collect();
    Some(WeekRun { start: date("start")?, end: date("end")?, schools })
}

/// Everything the inspection sheets need from a run.
pub struct Sources<'a> {
    pub cases: &'a [Case],
    pub people: &'a People,
    pub facts: &'a [Facts<'a>],
    pub data: &'a Data,
    /// 劝返 records, when the pipeline has a `persuasion` source.
    pub persuasion: Option<&'a [PersuasionRec]>,
}

/// The facts of every school with any, by school name.
pub fn facts_by_school(view: &View, src: &Sources, plan: &Plan) -> BTreeMap<String, SchoolFacts> {
    let as_of = plan.params.as_of;
    let mut out: BTreeMap<String, SchoolFacts> = BTreeMap::new();
    for (i, c) in src.cases.iter().enumerate() {
        let Some(school) = &view.case_school[i] else { continue };
        if c.history.closed {
            continue;
        }
        let f = out.entry(school.clone()).or_default();
        f.open.entry(c.problem).or_default().push(c.name.clone());
        if c.problem == Problem::NonCompleter {
            if let Some(records) = src.persuasion {
                let mine: Vec<&PersuasionRec> = records
                    .iter()
                    .filter(|r| r.date <= as_of)
                    .filter(|r| {
                        (r.id.valid().is_some() && r.id.text.as_str() == c.id_number)
                            || (!r.student_no.is_empty() && r.student_no == c.student_no)
                            || (r.name == c.name
                                && view.dir.is_school(&r.school)
                                && crate::normalize::compact(&r.school) == *school)
                    })
                    .collect();
                let mut failed: Vec<NaiveDate> =
                    mine.iter().filter(|r| r.attempt == Attempt::Failed).map(|r| r.date).collect();
                failed.sort_unstable();
                failed.dedup();
                let last_failed = failed.last().copied();
                let returned =
                    mine.iter().any(|r| r.attempt == Attempt::Succeeded && last_failed.is_none_or(|d| r.date >= d));
                f.persuasion.push((c.name.clone(), failed, returned));
            }
        }
    }
    add_person_facts(&mut out, person_facts(view.dir, src.people, src.facts, src.data, plan, |_| true));
    out
}

/// Adds facts of [`person_facts`] (送教 children, exemptions) to the schools' facts: those of
/// a district run at once, or those of each district in turn.
pub fn add_person_facts(into: &mut BTreeMap<String, SchoolFacts>, from: BTreeMap<String, SchoolFacts>) {
    for (school, f) in from {
        let e = into.entry(school).or_default();
        e.home.extend(f.home);
        e.exemptions.extend(f.exemptions);
    }
}

/// The facts of every school that come from its people rather than its cases: its 送教
/// children and its exemptions, by the school of the child's 学籍 (or 送教 school). Only the
/// people `mine` accepts are counted (a run of several districts counts each person in the
/// district whose records placed it).
pub fn person_facts(
    dir: &crate::schools::Directory,
    people: &People,
    facts: &[Facts],
    data: &Data,
    plan: &Plan,
    mine: impl Fn(&crate::link::people::Person) -> bool,
) -> BTreeMap<String, SchoolFacts> {
    let as_of = plan.params.as_of;
    let mut out: BTreeMap<String, SchoolFacts> = BTreeMap::new();
    let src = Sources { cases: &[], people, facts, data, persuasion: None };
    for (i, p) in src.people.persons.iter().enumerate() {
        if !mine(p) {
            continue;
        }
        let facts = &src.facts[i];
        let school_of = |name: &str| -> Option<String> {
            let k = crate::normalize::compact(name);
            if dir.is_school(&k) {
                return Some(k);
            }
            let e = dir.entry_for(&k)?;
            let pos = dir.entries.iter().position(|x| std::ptr::eq(x, e))?;
            match dir.mapping[pos] {
                crate::schools::Mapping::Matched(s, _) => Some(dir.schools[s].clone()),
                _ => None,
            }
        };
        let enrolled = facts.current.map(|r| r.school.to_string());
        if !p.visits.is_empty() {
            let visit_school = p.visits.iter().map(|&v| src.data.visits[v].school.as_str()).find(|s| !s.is_empty());
            let school = enrolled.as_deref().and_then(school_of).or_else(|| visit_school.and_then(school_of));
            if let Some(school) = school {
                let visits: Vec<(NaiveDate, Option<f64>)> = p
                    .visits
                    .iter()
                    .filter_map(|&v| src.data.visits[v].date.map(|d| (d, src.data.visits[v].hours)))
                    .collect();
                let pace = crate::rules::home_teaching::pace(&visits, &plan.params);
                out.entry(school).or_default().home.push((
                    p.name.to_string(),
                    pace.hours,
                    pace.missed.len(),
                    pace.weeks,
                ));
            }
        }
        if !p.exemptions.is_empty() {
            let Some(school) = enrolled.as_deref().and_then(school_of) else { continue };
            // The latest approval; one without an end date (open-ended) never expires.
            let list: Vec<_> = p.exemptions.iter().map(|&e| &src.data.exemptions[e]).collect();
            let latest = list.iter().max_by_key(|e| e.valid_until);
            if let Some(e) = latest.filter(|_| list.iter().all(|e| e.valid_until.is_some())) {
                let until = e.valid_until.expect("all dated");
                if until < as_of + Duration::days(EXPIRY_WARNING_DAYS) {
                    let kind = e.kind.map(|k| k.label().to_string()).unwrap_or_else(|| "缓学/免学".to_string());
                    out.entry(school).or_default().exemptions.push((p.name.to_string(), kind, until));
                }
            }
        }
    }
    out
}

fn names(list: &[String]) -> String {
    let shown: Vec<&str> = list.iter().take(10).map(String::as_str).collect();
    let more = if list.len() > 10 { format!("等{}人", list.len()) } else { String::new() };
    format!("{}{more}", shown.join("、"))
}

/// The 督查情况记录 of one item for one school.
pub fn record(fill: Fill, f: &SchoolFacts, plan: &Plan, has_persuasion: bool) -> String {
    let as_of = plan.params.as_of;
    let get = |p: Problem| f.open.get(&p).map(Vec::as_slice).unwrap_or(&[]);
    let dropouts = get(Problem::NonCompleter);
    match fill {
        Fill::OnSite => ON_SITE.to_string(),
        Fill::Survey => {
            let missing = get(Problem::EnrolledNotInCensus);
            let review = get(Problem::MatchReview);
            let mut parts = Vec::new();
            if missing.is_empty() {
                parts.push("数据显示：本校在籍学生均已见于大清查登记表".to_string());
            } else {
                parts.push(format!(
                    "数据显示：本校在籍学生中 {} 人未见于大清查登记表（在籍未清查：{}），疑为应报未报",
                    missing.len(),
                    names(missing)
                ));
            }
            if !review.is_empty() {
                parts.push(format!("另有 {} 人疑似匹配待核实（{}）", review.len(), names(review)));
            }
            format!("{}。{ON_SITE}：摸排上报材料", parts.join("；"))
        }
        Fill::Dropouts => {
            if dropouts.is_empty() {
                format!("数据显示：本次比对未发现本校2015年以来辍学未完成义务教育的学生。{ON_SITE}：失学学生台账")
            } else {
                format!(
                    "数据显示：本校辍学未完成义务教育 {} 人（{}），已列入本校问题清单；{ON_SITE}：学校失学学生台账是否列有",
                    dropouts.len(),
                    names(dropouts)
                )
            }
        }
        Fill::Roster => {
            // One row per child in the 花名册 (a child can be both).
            let mut listed: Vec<String> = dropouts.to_vec();
            for n in get(Problem::NotEnrolled) {
                if !listed.contains(n) {
                    listed.push(n.clone());
                }
            }
            if listed.is_empty() {
                "数据显示：辍学学生花名册（附件2格式）中没有本校学生".to_string()
            } else {
                format!(
                    "数据显示：辍学学生花名册（附件2格式）列出本校 {} 人（{}）；{ON_SITE}：学校是否有疑似辍学学生花名册",
                    listed.len(),
                    names(&listed)
                )
            }
        }
        Fill::Reports if f.reports.is_some() => f.reports.clone().unwrap_or_default(),
        Fill::Reports => format!("本次为大清查比对，未读取周报表；{ON_SITE}（周报表管线的“核对”表列出各校报送情况）"),
        Fill::Persuasion => {
            if dropouts.is_empty() {
                "数据显示：本校无待劝返的辍学学生".to_string()
            } else if !has_persuasion {
                format!("数据显示：本校辍学学生 {} 人；本次未读取劝返记录，{ON_SITE}：劝返情况登记表", dropouts.len())
            } else {
                let none: Vec<String> =
                    f.persuasion.iter().filter(|(_, d, ok)| d.is_empty() && !ok).map(|(n, ..)| n.clone()).collect();
                let with: usize = f.persuasion.len() - none.len();
                let mut s = format!("数据显示：本校辍学学生 {} 人，其中 {with} 人有劝返记录", dropouts.len());
                if !none.is_empty() {
                    s.push_str(&format!("，{} 人无劝返记录（{}）", none.len(), names(&none)));
                }
                s
            }
        }
        Fill::Notice => {
            if dropouts.is_empty() {
                return "数据显示：本校无辍学学生，无需下达限期复学通知书".to_string();
            }
            if !has_persuasion {
                return format!(
                    "数据显示：本校辍学学生 {} 人；本次未读取劝返记录，三次劝返是否无效、限期复学通知书是否下达{ON_SITE}",
                    dropouts.len()
                );
            }
            let due: Vec<String> = f
                .persuasion
                .iter()
                .filter(|(_, d, ok)| d.len() >= 3 && !ok)
                .map(|(n, d, _)| {
                    let days: Vec<String> = d.iter().take(3).map(|x| x.format("%m-%d").to_string()).collect();
                    format!("{n}（{}）", days.join("、"))
                })
                .collect();
            if due.is_empty() {
                "数据显示：截至基准日，本校没有三次劝返无效的辍学学生，暂无须下达限期复（入）学通知书".to_string()
            } else {
                format!(
                    "数据显示：{} 人三次劝返无效，应下达《义务教育阶段限期复（入）学通知书》：{}；{ON_SITE}：通知书、书面报告和备案",
                    due.len(),
                    due.join("、")
                )
            }
        }
        Fill::Exemptions => {
            if f.exemptions.is_empty() {
                return format!(
                    "数据显示：本校学生没有已过期或 {EXPIRY_WARNING_DAYS} 天内到期的缓学/免学。{ON_SITE}：跟踪督促记录"
                );
            }
            let lines: Vec<String> = f
                .exemptions
                .iter()
                .map(|(n, kind, until)| {
                    let when = until.format("%Y-%m-%d");
                    if *until < as_of {
                        format!("{n}（{kind}，{when} 已过期）")
                    } else {
                        format!("{n}（{kind}，{when} 到期）")
                    }
                })
                .collect();
            format!(
                "数据显示：缓学/免学已过期或 {EXPIRY_WARNING_DAYS} 天内到期 {} 人：{}；{ON_SITE}：复学督促记录",
                lines.len(),
                lines.join("、")
            )
        }
        Fill::HomeTeaching => {
            if f.home.is_empty() {
                return "数据显示：送教上门记录中没有本校学生".to_string();
            }
            let lines: Vec<String> = f
                .home
                .iter()
                .map(|(n, hours, missed, weeks)| {
                    format!("{n} 已送{}学时/80，{weeks}个教学周缺送{missed}周", crate::table::number_text(*hours))
                })
                .collect();
            let short = f.home.iter().filter(|(_, h, m, _)| *m > 0 || *h < 80.0).count();
            format!(
                "数据显示：送教上门 {} 人（截至基准日）：{}。{short} 人未达每周一次或尚未满80学时",
                f.home.len(),
                lines.join("；")
            )
        }
    }
}

/// Writes one 学区's 督查要点: a sheet per school.
pub fn write(
    path: &Path,
    group: &Group,
    view: &View,
    facts: &BTreeMap<String, SchoolFacts>,
    plan: &Plan,
    has_persuasion: bool,
) -> Result<(), XlsxError> {
    let as_of = plan.params.as_of;
    let title = "荣昌区学校控辍保学工作督查要点";
    let mut wb = xlsx::workbook(&format!("{}{title}", group.unit), as_of);
    let styles = Styles::new();
    let empty = SchoolFacts::default();
    let mut taken = Vec::new();
    for s in &group.schools {
        let ws = wb.add_worksheet();
        ws.set_name(xlsx::sheet_name(&s.name, &mut taken))?;
        let school_facts = facts.get(&s.name).unwrap_or(&empty);
        sheet(
            ws,
            &styles,
            (title, &s.name, &contacts_line(&group.unit, view.entry(s))),
            school_facts,
            plan,
            has_persuasion,
        )?;
    }
    if group.schools.is_empty() {
        wb.add_worksheet().set_name("说明")?.write_string(0, 0, "本学区在名单中没有学校")?;
    }
    wb.save(path)
}

/// The formats of a 督查要点 sheet: the report's common ones, and those of its item table.
struct Styles {
    common: Formats,
    /// 督查要点's areas (first column, merged over their items): bold, centred.
    area: Format,
    /// The items and the 备注 column.
    body: Format,
    /// 督查情况记录: what the data show, pre-filled, on the fill-in colour.
    filled: Format,
}

impl Styles {
    fn new() -> Styles {
        let common = Formats::new();
        let area = Format::new()
            .set_font_name("宋体")
            .set_font_size(10)
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        let body = common.wrap.clone().set_font_size(10);
        let filled = body.clone().set_background_color(rust_xlsxwriter::Color::RGB(0xFFF2CC));
        Styles { common, area, body, filled }
    }
}

/// One school's sheet: the title, the line to sign under the school's name, its contacts,
/// then the items with what the data show.
fn sheet(
    ws: &mut Worksheet,
    styles: &Styles,
    (title, school, contacts): (&str, &str, &str),
    facts: &SchoolFacts,
    plan: &Plan,
    has_persuasion: bool,
) -> Result<(), XlsxError> {
    let Styles { common: f, area, body, filled } = styles;
    let widths = [10.0, 46.0, 52.0, 14.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.merge_range(0, 0, 0, 3, title, &f.title)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(
        1,
        0,
        1,
        3,
        &format!("督查学校：{school}    校长(签名)：            督查人员：            时间：    年  月  日"),
        &f.subtitle,
    )?;
    ws.merge_range(
        2,
        0,
        2,
        3,
        &format!(
            "{contacts}\n（“数据显示”为 kcbx 按基准日 {} 的数据预填，标“{ON_SITE}”的由督查人员现场填写）",
            plan.params.as_of.format("%Y-%m-%d")
        ),
        &f.subtitle_wrap,
    )?;
    ws.set_row_height(2, 32)?;
    ws.merge_range(3, 0, 3, 1, "督查要点", &f.header)?;
    ws.write_string_with_format(3, 2, "督查情况记录", &f.header_fill)?;
    ws.write_string_with_format(3, 3, "备注", &f.header)?;
    let first = 4u32;
    let mut k = 0usize;
    while k < ITEMS.len() {
        let a = ITEMS[k].0;
        let end = (k..ITEMS.len()).take_while(|&j| ITEMS[j].0 == a).last().expect("one at least");
        let (r0, r1) = (first + k as u32, first + end as u32);
        if r1 > r0 {
            ws.merge_range(r0, 0, r1, 0, a, area)?;
        } else {
            ws.write_string_with_format(r0, 0, a, area)?;
        }
        k = end + 1;
    }
    for (k, (_, item, fill)) in ITEMS.iter().enumerate() {
        let r = first + k as u32;
        let text = record(*fill, facts, plan, has_persuasion);
        ws.write_string_with_format(r, 1, *item, body)?;
        ws.write_string_with_format(r, 2, &text, filled)?;
        ws.write_blank(r, 3, body)?;
        let height = super::layout::row_height(&[(item, widths[1]), (text.as_str(), widths[2])]);
        ws.set_row_height(r, height * 10.0 / 9.0)?;
    }
    xlsx::print_setup(ws, (3, 3))?;
    ws.set_print_fit_to_pages(1, 1);
    Ok(())
}
