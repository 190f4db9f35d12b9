//! The synthetic world behind a sample set: a district's towns, villages and schools, its
//! households and children, and each child's true schooling state (enrolled, out of the
//! county, never enrolled, dropped out, disabled and placed or not, home-taught, exempted,
//! dead, preschool, over-age graduate …), its 学籍 history, list memberships, and the faults
//! injected into what the files say about it.
//!
//! Everything here is the truth; [`super::render`] turns it into the files a district office
//! receives, and [`super::truth`] applies the rules of the README (问题类型与规则) to it.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::names::{self, cn_number};
use super::rng::Rng;
use super::Scale;
use crate::normalize::id_number::check_char;

/// A date from constants.
pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// 基准日 of the sample (the notice's date).
pub fn as_of() -> NaiveDate {
    ymd(2020, 5, 14)
}
pub fn birth_from() -> NaiveDate {
    ymd(2004, 9, 1)
}
pub fn birth_to() -> NaiveDate {
    ymd(2014, 8, 31)
}
pub fn dropout_since() -> NaiveDate {
    ymd(2015, 1, 1)
}
/// 寒假 of the school year 2019-2020 (the sample pipeline's `school_breaks`): no 送教上门
/// is owed in a week wholly inside it.
pub fn winter_break() -> (NaiveDate, NaiveDate) {
    (ymd(2020, 1, 18), ymd(2020, 2, 16))
}
/// 暑假 starts (the default `summer_break_from`): the end of the teaching year.
pub fn summer_break_from() -> NaiveDate {
    ymd(2020, 7, 1)
}
/// Whether the Monday–Sunday week of `monday` lies wholly inside 寒假.
pub fn in_winter_break(monday: NaiveDate) -> bool {
    let (from, to) = winter_break();
    from <= monday && monday + Duration::days(6) <= to
}

/// The school-entry cohort: born 1 Sep Y-1 ..= 31 Aug Y gives Y; entry into grade 1 on
/// 1 Sep Y+6.
pub fn cohort(birth: NaiveDate) -> i32 {
    if birth.month() >= 9 {
        birth.year() + 1
    } else {
        birth.year()
    }
}

/// Entry date into grade 1.
pub fn entry_date(birth: NaiveDate) -> NaiveDate {
    ymd(cohort(birth) + 6, 9, 1)
}

/// Born within the window and due in school on as_of.
pub fn in_window(birth: NaiveDate) -> bool {
    (birth_from()..=birth_to()).contains(&birth) && entry_date(birth) <= as_of()
}

/// Grade on as_of for a child who started on time (school year 2019-09 .. 2020-08).
pub fn grade_now(birth: NaiveDate) -> i32 {
    2014 - cohort(birth)
}

/// Grade during the school year containing `date`, for a child who started on time.
pub fn grade_at(birth: NaiveDate, date: NaiveDate) -> i32 {
    let sy = if date.month() >= 9 { date.year() } else { date.year() - 1 };
    sy - (cohort(birth) + 6) + 1
}

/// Compulsory years (entry .. 31 Aug nine years later) overlap [dropout_since, as_of].
pub fn compulsory_since_2015(birth: NaiveDate) -> bool {
    let e = entry_date(birth);
    let end = ymd(e.year() + 9, 8, 31);
    end >= dropout_since() && e <= as_of()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchoolKind {
    Primary,
    Junior,
    Special,
}

#[derive(Clone, Debug)]
pub struct School {
    pub name: String,
    pub kind: SchoolKind,
    /// Index into `District::xuequ`.
    pub xuequ: usize,
    /// This school's 学籍 export is a GBK CSV.
    pub csv: bool,
    /// This school's export has a title row above its header.
    pub titled: bool,
    /// This school's current export carries an 异动日期 column: each row the date of the last
    /// change the student's 学籍 went through (kept across a 升学, which is no 异动).
    pub dated: bool,
    /// 送教上门 teachers.
    pub teachers: Vec<String>,
}

/// How a town's census reaches the district.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One xlsx per town, one sheet per village.
    Xlsx,
    /// One BIFF8 .xls per town, one sheet per village.
    Xls,
    /// One xlsx per village in a folder named after the town.
    PerVillage,
    /// One CSV per town (city scale only), UTF-8 or GBK.
    Csv { gbk: bool },
}

/// How a town's clerk filled in the census sheet.
#[derive(Clone, Debug)]
pub struct Style {
    pub id_header: &'static str,
    pub village_header: &'static str,
    pub group_header: &'static str,
    pub householder_header: &'static str,
    pub current_header: &'static str,
    pub status_header: &'static str,
    /// 0 `3社`, 1 `3`, 2 `三社`, 3 `3组`.
    pub group_style: u8,
    /// 0 `2010-05-03`, 1 `2010.05.03`, 2 `2010年5月3日`, 3 `20100503`, 4 date cell.
    pub date_style: u8,
    /// 镇街 and 村 merged down the sheet, 社 merged per group.
    pub merged: bool,
    /// A 合计 row and notes at the bottom.
    pub totals: bool,
    /// Scattered blank rows (only in unmerged sheets).
    pub blank_rows: bool,
    /// Two-character names padded to three characters' width.
    pub pad_names: bool,
    /// Every ID typed with a leading apostrophe.
    pub apostrophes: bool,
    /// 是否建档立卡 left blank rather than 否.
    pub blank_no: bool,
}

#[derive(Clone, Debug)]
pub struct Village {
    pub name: String,
    pub groups: u32,
    pub surveyor: String,
    pub surveyor_phone: String,
}

#[derive(Clone, Debug)]
pub struct Town {
    pub name: String,
    pub villages: Vec<Village>,
    pub xuequ: usize,
    pub primary: usize,
    pub junior: usize,
    pub layout: Layout,
    pub style: Style,
    pub street: bool,
}

/// A household of the census.
#[derive(Clone, Debug)]
pub struct Household {
    pub town: usize,
    pub village: usize,
    pub group: u32,
    pub door: u32,
    pub surname: String,
    pub head: String,
    pub head_is_grandparent: bool,
    pub poverty: bool,
    pub phone: String,
    /// Adults listed with the household on the poverty register: (name, id, male, relation).
    pub adults: Vec<(String, String, bool, &'static str)>,
    pub household_no: String,
    pub exit_year: &'static str,
    pub household_type: &'static str,
    /// Where the family actually lives when that is another village: (town, village, group).
    pub lives_in: Option<(usize, usize, u32)>,
}

/// A child's true schooling state; see the module docs of [`super::truth`] for which problem
/// each one yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scenario {
    Enrolled,
    Suspended,
    /// On 休学 for more than a year (since before 2019-05), never back.
    SuspendedOverdue,
    OutOfAreaWithRecord,
    OutOfAreaNoRecord,
    OutOfAreaTransferredOut,
    NeverEnrolled,
    PrimaryGradNoJunior,
    DropoutInWindow,
    DropoutReturnedActive,
    DropoutOverAge,
    DropoutReturnedGraduated,
    OverAgeGraduated,
    OverAgeNoRecordPoverty,
    DisInclusive,
    DisSpecial,
    DisHomeOk,
    DisHomeShort,
    DisHomeUnregistered,
    DisUnplaced,
    DisListOnlyUnplaced,
    DisExemptValid,
    DisExemptExpired,
    DeferValid,
    DeferValidUntilAsOf,
    DeferExpiredDayBefore,
    DeferExpiredEnrolled,
    ClaimDeferUnapproved,
    DeadCensus,
    DeadRecord,
    /// Alive and at school, but the household (or the census taker) wrote 死亡.
    DeadFalseReport,
    Preschool,
    CensusMissed,
    PovertyOnlyEnrolled,
    PovertyOnlyNotEnrolled,
    PovertyNonStudentEnrolled,
    /// A student at a district school who lives outside the district.
    Outsider,
    /// On the poverty register, born 2000–2002, finished junior school before the 学籍
    /// records begin: no 学籍 row ([`super::youths`]).
    YouthCompletedNoRecord,
    /// Born before the census window, dropped out since 2015, known only to 学籍.
    YouthDropoutRecordOnly,
    /// On the poverty register (not the census), dropped out since 2015; 学籍 has the ID
    /// mistyped (and some a homophone name).
    YouthDropoutPovertyTypo,
}

/// A 缓学 a town government approves lasts this many days from its approval.
pub const TOWN_DEFERRAL_DAYS: i64 = 365;

/// A 学籍 status change.
#[derive(Clone, Debug)]
pub struct Event {
    pub school: usize,
    pub grade: i32,
    pub kind: &'static str,
    pub date: NaiveDate,
    pub reason: &'static str,
}

/// The row of a current per-school 学籍 export.
#[derive(Clone, Debug)]
pub struct Current {
    pub school: usize,
    pub grade: i32,
    pub status: &'static str,
    pub mode: &'static str,
    pub inclusive: bool,
    pub entry: NaiveDate,
}

#[derive(Clone, Debug)]
pub struct Exemption {
    pub kind: &'static str,
    pub reason: &'static str,
    pub approved: NaiveDate,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub approver: String,
}

#[derive(Clone, Debug)]
pub struct Visit {
    pub date: NaiveDate,
    pub hours: f64,
    pub teacher: usize,
    pub content: &'static str,
}

/// How a home-taught child's visits fall short, if they do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HomeKind {
    Ok,
    MissedWeek,
    ShortVisit,
    LateStartPace,
}

/// A list other than the census and 学籍 on which a child's ID can be mistyped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum List {
    Poverty,
    Disability,
    HomeTeaching,
    Exemption,
}

impl List {
    /// The injection side (`injections.csv`) and the list's name as the pipeline says it.
    pub fn side(self) -> &'static str {
        match self {
            List::Poverty => "poverty",
            List::Disability => "disability",
            List::HomeTeaching => "home_teaching",
            List::Exemption => "exemption",
        }
    }
}

/// An identity fault: at most one per child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    CensusTypo {
        transpose: bool,
        bad: String,
        note: String,
    },
    RecordTypo {
        transpose: bool,
        note: String,
    },
    /// The ID mistyped on the poverty register, the disability list (the 残疾人证号), every row
    /// of the 送教上门 roster, or every 缓学/免学 approval of the child.
    ListTypo {
        list: List,
        transpose: bool,
        bad: String,
        note: String,
    },
    CensusNumeric,
    CensusMissing,
    RecordJ,
    NameVariant {
        lookalike: bool,
        census_side: bool,
        note: String,
    },
}

/// Where a child lives: a household of the district, or a place outside it.
#[derive(Clone, Debug)]
pub enum Home {
    Local(usize),
    Outside { place: usize, door: u32 },
}

#[derive(Clone, Debug)]
pub struct Child {
    pub id: String,
    pub name: String,
    pub surname_len: usize,
    pub male: bool,
    pub birth: NaiveDate,
    pub home: Home,
    pub relation: &'static str,
    pub twin: bool,
    pub scenario: Scenario,
    /// In at least one census sheet.
    pub listed: bool,
    /// Listed a second time, in this (town, village, group) where the family lives.
    pub duplicate: Option<(usize, usize, u32)>,
    pub claim: String,
    pub claim_school: String,
    pub claim_grade: String,
    pub note: &'static str,
    pub census_disabled: bool,
    /// (category 1..=7, grade 1..=4).
    pub disability: Option<(u8, u8)>,
    pub on_disability_list: bool,
    pub current: Option<Current>,
    pub events: Vec<Event>,
    pub exemptions: Vec<Exemption>,
    pub home_school: Option<usize>,
    pub home_kind: Option<HomeKind>,
    pub visits: Vec<Visit>,
    /// 在校生状况 when on the poverty register.
    pub poverty_status: Option<&'static str>,
    pub fault: Option<Fault>,
    /// Name and ID as the 学籍 system holds them (after faults); ID empty for a J number.
    pub record_name: String,
    pub record_id: String,
    pub student_no: String,
    pub nation: &'static str,
    pub boarding: bool,
    /// The 异动日期 the current row carries in a dated export ([`School::dated`]).
    pub current_date: Option<NaiveDate>,
    /// Another school whose current export still lists the child 在读 in the current grade
    /// (exported before a transfer reached it, or a transfer half done).
    pub stale_school: Option<usize>,
    /// The temporary 学籍号 another school issued (rows at schools other than the current one).
    pub old_student_no: Option<String>,
    /// The schools' rows contradict each other (在读 at two schools, a 辍学 entered after the
    /// child moved): a 学籍状态矛盾 for the schools.
    pub conflict: bool,
}

impl Child {
    pub fn household(&self) -> Option<usize> {
        match self.home {
            Home::Local(h) => Some(h),
            Home::Outside { .. } => None,
        }
    }

    /// Whether any 学籍 row exists for the child.
    pub fn has_record(&self) -> bool {
        self.current.is_some() || !self.events.is_empty()
    }
}

/// A disabled adult on the disability list (nobody else's concern here).
#[derive(Clone, Debug)]
pub struct DisabledAdult {
    pub name: String,
    pub id: String,
    pub male: bool,
    pub town: usize,
    pub village: usize,
    pub group: u32,
    pub category: u8,
    pub grade: u8,
}

/// One district of the world.
#[derive(Clone, Debug)]
pub struct District {
    pub name: String,
    /// `重庆市荣昌区`.
    pub prefix: String,
    pub area: String,
    pub xuequ: Vec<String>,
    /// Officials: (学区 leader, area people) drawn when the roster is rendered.
    pub towns: Vec<Town>,
    pub schools: Vec<School>,
    pub households: Vec<Household>,
    pub children: Vec<Child>,
    pub disabled_adults: Vec<DisabledAdult>,
    /// Seed stream for this district's rendering choices.
    pub seed: u64,
}

const STREETS: &[&str] = &["昌元街道", "昌州街道", "广顺街道", "双河街道", "安富街道", "峰高街道"];
const TOWNS: &[&str] = &[
    "荣隆镇",
    "仁义镇",
    "盘龙镇",
    "吴家镇",
    "直升镇",
    "万灵镇",
    "清升镇",
    "铜鼓镇",
    "龙集镇",
    "清流镇",
    "远觉镇",
    "清江镇",
    "古昌镇",
    "河包镇",
    "观胜镇",
];
const XUEQU: &[&str] =
    &["直属学校", "昌元学区", "昌州学区", "安富学区", "仁义学区", "吴家学区", "盘龙学区", "荣隆学区", "双河学区"];

/// The 学区 of each 荣昌 town (our assignment for the sample; the notice lists only the 学区).
fn rongchang_xuequ(town: &str) -> usize {
    match town {
        "昌元街道" | "广顺街道" | "清升镇" => 1,
        "昌州街道" | "峰高街道" | "直升镇" => 2,
        "安富街道" | "清江镇" | "古昌镇" => 3,
        "仁义镇" | "河包镇" | "观胜镇" => 4,
        "吴家镇" | "铜鼓镇" | "龙集镇" => 5,
        "盘龙镇" | "远觉镇" | "清流镇" => 6,
        "荣隆镇" | "万灵镇" => 7,
        _ => 8,
    }
}

/// Other Chongqing districts for the city scale: (name, area code).
const CITY: &[(&str, &str)] = &[
    ("万州区", "500101"),
    ("涪陵区", "500102"),
    ("渝中区", "500103"),
    ("大渡口区", "500104"),
    ("江北区", "500105"),
    ("九龙坡区", "500107"),
    ("南岸区", "500108"),
    ("北碚区", "500109"),
    ("綦江区", "500110"),
    ("渝北区", "500112"),
    ("巴南区", "500113"),
    ("黔江区", "500114"),
    ("长寿区", "500115"),
    ("江津区", "500116"),
    ("合川区", "500117"),
    ("南川区", "500119"),
    ("璧山区", "500120"),
    ("铜梁区", "500151"),
    ("潼南区", "500152"),
    ("开州区", "500154"),
    ("梁平区", "500155"),
    ("武隆区", "500156"),
    ("城口县", "500229"),
    ("丰都县", "500230"),
];

/// Town-name stems for invented towns of other districts.
const TOWN_STEMS: &[&str] = &[
    "石龙",
    "青龙",
    "白沙",
    "金山",
    "凤鸣",
    "双凤",
    "回龙",
    "太和",
    "三溪",
    "永兴",
    "临江",
    "高桥",
    "龙岗",
    "新店",
    "柏梓",
    "安居",
    "花岩",
    "土桥",
    "石滩",
    "大兴",
    "福禄",
    "兴山",
    "复盛",
    "龙凤桥",
    "先锋",
    "明月",
    "石柱",
    "三元",
    "长坝",
    "白市",
    "麻柳",
    "东溪",
    "横山",
    "天台",
    "桂溪",
    "金龙",
    "中和",
];

/// What to build.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub districts: usize,
    /// Census rows wanted per district.
    pub rows_per_district: usize,
}

impl Plan {
    pub fn of(scale: Scale) -> Plan {
        match scale {
            Scale::Small => Plan { districts: 1, rows_per_district: 6_000 },
            Scale::District => Plan { districts: 1, rows_per_district: 60_000 },
            Scale::City => Plan { districts: 25, rows_per_district: 60_000 },
        }
    }
}

/// Builds one district. `index` 0 is 荣昌区; others (city scale) are invented.
pub fn build_district(seed: u64, index: usize, scale: Scale) -> District {
    let plan = Plan::of(scale);
    let mut rng = Rng::derive(seed, 1000 + index as u64);
    // Past the 24 other districts of 重庆 (`kcbx sample --districts 75`), invented cities'
    // districts: a prefix on the name and another province's first two digits on the code,
    // so that every district of a set has its own name, folder and region code.
    let (name, area) = if index == 0 {
        ("荣昌区".to_string(), "500153".to_string())
    } else {
        let (name, area) = CITY[(index - 1) % CITY.len()];
        match (index - 1) / CITY.len() {
            0 => (name.to_string(), area.to_string()),
            c => {
                let prefix = ["新", "东", "西", "南", "北", "上", "下"][(c - 1) % 7];
                (format!("{prefix}{name}"), format!("{}{}", 50 + c, &area[2..]))
            }
        }
    };
    let (name, area) = (name.as_str(), area.as_str());
    let mut d = District {
        name: name.to_string(),
        prefix: format!("重庆市{name}"),
        area: area.to_string(),
        xuequ: Vec::new(),
        towns: Vec::new(),
        schools: Vec::new(),
        households: Vec::new(),
        children: Vec::new(),
        disabled_adults: Vec::new(),
        seed: Rng::derive(seed, 2000 + index as u64).next_u64(),
    };
    let town_names: Vec<String> = if index == 0 {
        match scale {
            Scale::Small => {
                ["昌元街道", "荣隆镇", "仁义镇", "盘龙镇", "河包镇"].iter().map(|s| s.to_string()).collect()
            }
            _ => STREETS.iter().chain(TOWNS).map(|s| s.to_string()).collect(),
        }
    } else {
        let mut stems: Vec<&str> = TOWN_STEMS.to_vec();
        rng.shuffle(&mut stems);
        let n = 18 + rng.below(6);
        stems
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, s)| if i < 3 { format!("{s}街道") } else { format!("{s}镇") })
            .collect()
    };
    if index == 0 {
        d.xuequ = XUEQU.iter().map(|s| s.to_string()).collect();
    } else {
        d.xuequ = std::iter::once("直属学校".to_string())
            .chain((1..=6).map(|i| format!("{name}第{}学区", cn_number(i))))
            .collect();
    }
    build_schools_and_towns(&mut d, &town_names, index, scale, &mut rng);
    let per_town = plan.rows_per_district / d.towns.len();
    build_households(&mut d, per_town, &mut rng);
    assign_scenarios(&mut d, &mut rng);
    realize(&mut d, scale, &mut rng);
    add_outsiders(&mut d, &mut rng);
    assign_duplicates(&mut d, &mut rng);
    assign_faults(&mut d, &mut rng);
    assign_histories(&mut d, &mut Rng::derive(seed, 3000 + index as u64));
    add_disabled_adults(&mut d, &mut rng);
    assign_list_faults(&mut d, &mut rng);
    super::youths::add_older_youths(&mut d);
    // The situations of issue 16 from a stream of their own, so that the rest of the world is
    // that of the same seed without them.
    let mut unseen = Rng::derive(seed, 3000 + index as u64);
    assign_unseen(&mut d, &mut unseen);
    d
}

/// The 休学 of a child at its current school, dated.
fn suspend(c: &mut Child, date: NaiveDate) {
    let cur = c.current.as_mut().expect("a current record");
    cur.status = "休学";
    c.events.push(Event {
        school: cur.school,
        grade: grade_at(c.birth, date).max(1),
        kind: "休学",
        date,
        reason: "因病",
    });
    c.events.sort_by_key(|e| e.date);
}

/// Issue 16's situations, in realistic proportions: 休学 dated more than a year back and
/// never resumed (≈0.1% of the children of school age), dated recent 休学 for half of the
/// children already on 休学, a 死亡 the household reports of a child who is at school
/// (≈0.02%) and one the school recorded too, 肄业 for a third of the over-age dropouts and a
/// 离校 written for one dropout below grade 9. (Status words of 毕业 exports,
/// damaged IDs without 出生日期 and lists without 有效期至 are how files are written:
/// [`super::render`].)
fn assign_unseen(d: &mut District, rng: &mut Rng) {
    use Scenario::*;
    let mut idx: Vec<usize> = (0..d.children.len()).collect();
    rng.shuffle(&mut idx);
    let plain = |c: &Child| {
        c.scenario == Enrolled
            && c.listed
            && !c.twin
            && c.fault.is_none()
            && c.duplicate.is_none()
            && in_window(c.birth)
            && c.current.as_ref().is_some_and(|cur| cur.status == "在读")
    };
    let window = d.children.iter().filter(|c| in_window(c.birth)).count();
    // Overdue 休学: since a day in 2017-09 .. 2019-04 within the current school level, after
    // every earlier event.
    let want = ((window as f64 * 0.001).round() as usize).max(2);
    let mut got = 0;
    for &i in &idx {
        if got == want {
            break;
        }
        let c = &d.children[i];
        if !plain(c) || grade_now(c.birth) < 3 {
            continue;
        }
        let g = grade_now(c.birth);
        let level_start = ymd(cohort(c.birth) + 6 + if g >= 7 { 6 } else { 0 }, 9, 1);
        let last = c.events.iter().map(|e| e.date).max().unwrap_or(level_start);
        let lo = level_start.max(last + Duration::days(30)).max(ymd(2017, 9, 1));
        let hi = ymd(2019, 4, 30);
        if lo >= hi {
            continue;
        }
        let date = random_date(rng, lo, hi);
        let c = &mut d.children[i];
        suspend(c, date);
        c.scenario = SuspendedOverdue;
        c.note = rng.pick_str(&["因病休学", "休学在家", "休学后未返校"]);
        c.claim = rng.pick_str(&["休学", "在家", "在校"]).to_string();
        got += 1;
    }
    // Half of the children already on 休学 have it dated, within the last year.
    for &i in &idx {
        let c = &d.children[i];
        if c.scenario != Suspended || c.current.is_none() || !rng.chance(0.5) {
            continue;
        }
        let last = c.events.iter().map(|e| e.date).max().unwrap_or(ymd(2019, 6, 1));
        let lo = (last + Duration::days(30)).max(ymd(2019, 6, 1));
        let hi = ymd(2020, 4, 30);
        if lo < hi {
            let date = random_date(rng, lo, hi);
            suspend(&mut d.children[i], date);
        }
    }
    // A 死亡 written for a child at school.
    let want = ((window as f64 * 0.0002).round() as usize).max(1);
    let mut got = 0;
    for &i in &idx {
        if got == want {
            break;
        }
        if !plain(&d.children[i]) || d.children[i].poverty_status.is_some() {
            continue;
        }
        let c = &mut d.children[i];
        c.scenario = DeadFalseReport;
        c.claim = "死亡".into();
        c.claim_school.clear();
        c.claim_grade.clear();
        c.note = "";
        got += 1;
    }
    // The household reports a death the school recorded too.
    if let Some(&i) = idx.iter().find(|&&i| d.children[i].scenario == DeadRecord && d.children[i].listed) {
        d.children[i].claim = "死亡".into();
    }
    // 肄业 for a third of the over-age dropouts (at least one), who left junior school.
    let mut first = true;
    for &i in &idx {
        let c = &d.children[i];
        if c.scenario != DropoutOverAge {
            continue;
        }
        let Some(k) = c.events.iter().position(|e| matches!(e.kind, "辍学" | "退学")) else {
            continue;
        };
        if rng.chance(0.34) || first {
            d.children[i].events[k].kind = "肄业";
            first = false;
        }
    }
    // One school wrote 离校 for a dropout below grade 9.
    if let Some(&i) = idx.iter().find(|&&i| {
        let c = &d.children[i];
        c.scenario == DropoutInWindow && c.events.iter().any(|e| e.kind == "辍学" && e.grade < 9)
    }) {
        let c = &mut d.children[i];
        let k = c.events.iter().position(|e| e.kind == "辍学" && e.grade < 9).expect("found");
        c.events[k].kind = "离校";
    }
}

fn teacher_pair(rng: &mut Rng) -> Vec<String> {
    (0..2)
        .map(|_| {
            let male = rng.chance(0.3);
            names::adult_name(rng, male)
        })
        .collect()
}

fn build_schools_and_towns(d: &mut District, town_names: &[String], index: usize, scale: Scale, rng: &mut Rng) {
    let short = d.name.trim_end_matches(['区', '县']).to_string();
    // 直属 schools first.
    let direct = [
        (format!("{}区实验小学", short), SchoolKind::Primary),
        (if index == 0 { "重庆市荣昌中学校".to_string() } else { format!("{short}区第一中学") }, SchoolKind::Junior),
        (format!("{}区特殊教育学校", short), SchoolKind::Special),
    ];
    for (name, kind) in direct {
        let teachers = teacher_pair(rng);
        d.schools.push(School { name, kind, xuequ: 0, csv: false, titled: false, dated: false, teachers });
    }
    let mut stems: Vec<&str> = names::VILLAGE_STEMS.to_vec();
    rng.shuffle(&mut stems);
    let stem_cursor = &mut 0usize;
    for (ti, tname) in town_names.iter().enumerate() {
        let street = tname.ends_with("街道");
        let stem = tname.trim_end_matches("街道").trim_end_matches('镇');
        let xuequ = if index == 0 { rongchang_xuequ(tname) } else { 1 + ti % (d.xuequ.len() - 1) };
        let primary = d.schools.len();
        let pname = if street { format!("{short}区{stem}小学") } else { format!("{short}区{stem}镇中心小学") };
        let t = teacher_pair(rng);
        d.schools.push(School {
            name: pname,
            kind: SchoolKind::Primary,
            xuequ,
            csv: false,
            titled: false,
            dated: false,
            teachers: t,
        });
        let junior = d.schools.len();
        let t = teacher_pair(rng);
        d.schools.push(School {
            name: format!("{short}区{stem}中学"),
            kind: SchoolKind::Junior,
            xuequ,
            csv: false,
            titled: false,
            dated: false,
            teachers: t,
        });
        // Layout: the first town (a street) sends one workbook per village; for 荣昌 the
        // towns 荣隆, 龙集 and 清升 send .xls (and 河包 in the small sample, which has neither
        // 龙集 nor 清升, so that it too holds two .xls towns); the city scale adds CSV towns.
        let old_xls = match index {
            0 => {
                matches!(tname.as_str(), "荣隆镇" | "龙集镇" | "清升镇") || (scale == Scale::Small && tname == "河包镇")
            }
            _ => ti % 7 == 3,
        };
        let layout = if ti == 0 {
            Layout::PerVillage
        } else if old_xls {
            Layout::Xls
        } else if index > 0 && ti % 5 == 2 {
            Layout::Csv { gbk: ti % 2 == 0 }
        } else {
            Layout::Xlsx
        };
        let merged = !matches!(layout, Layout::Csv { .. }) && (ti % 3 == 2 || (scale == Scale::Small && ti == 4));
        let style = Style {
            id_header: ["身份证号", "公民身份号码", "身份证号码"][ti % 3],
            village_header: ["村(社区)", "村（社区）", "村居"][(ti / 3) % 3],
            group_header: ["社", "组", "社"][(ti / 2) % 3],
            householder_header: if ti % 4 == 1 { "户主" } else { "户主姓名" },
            current_header: if ti % 2 == 0 { "现居住地址" } else { "现住址" },
            status_header: ["就学状态", "就读状态", "就学状态", "在校情况"][ti % 4],
            group_style: (ti % 4) as u8,
            date_style: if matches!(layout, Layout::Csv { .. }) { (ti % 4) as u8 } else { (ti % 5) as u8 },
            merged,
            totals: !matches!(layout, Layout::Csv { .. }) && (ti % 2 == 0 || ti == 1),
            blank_rows: !merged && ti % 3 != 1,
            pad_names: ti % 4 == 3,
            apostrophes: ti % 6 == 4,
            blank_no: ti % 5 == 1,
        };
        let n_villages = 3 + rng.below(6);
        let mut villages = Vec::new();
        while villages.len() < n_villages {
            // Village names unique within the district, so that every address names one place.
            let k = *stem_cursor;
            *stem_cursor += 1;
            let stem = stems[k % stems.len()];
            let round = k / stems.len();
            let community = villages.is_empty() || (street && rng.chance(0.7));
            let suffix = if community { "社区" } else { "村" };
            let name = if round == 0 {
                format!("{stem}{suffix}")
            } else {
                format!("{stem}{}{suffix}", cn_number(round as u32 + 1))
            };
            villages.push(new_village(name, rng));
        }
        d.towns.push(Town { name: tname.clone(), villages, xuequ, primary, junior, layout, style, street });
    }
    // One school's export comes as a GBK CSV, one has a title row.
    let csv_school = d.schools.len() - 1;
    d.schools[csv_school].csv = true;
    if d.schools.len() > 4 {
        d.schools[4].titled = true;
    }
}

fn new_village(name: String, rng: &mut Rng) -> Village {
    Village {
        name,
        groups: 6 + rng.below(7) as u32,
        surveyor: {
            let male = rng.chance(0.5);
            names::adult_name(rng, male)
        },
        surveyor_phone: names::phone(rng),
    }
}

/// A valid ID for a birth date and sex, unique within `used`.
pub fn make_id(area: &str, birth: NaiveDate, male: bool, used: &mut HashSet<String>, rng: &mut Rng) -> String {
    loop {
        let mut seq = 1 + rng.below(998) as u32;
        if (seq % 2 == 1) != male {
            seq += 1;
        }
        let first17 = format!("{area}{}{:03}", birth.format("%Y%m%d"), seq);
        let id = format!("{first17}{}", check_char(&first17).expect("17 digits"));
        if used.insert(id.clone()) {
            return id;
        }
    }
}

pub(super) fn random_date(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days();
    from + Duration::days(rng.range(0, span))
}

fn build_households(d: &mut District, per_town: usize, rng: &mut Rng) {
    let mut used = HashSet::new();
    let first_birth = ymd(2002, 1, 1);
    let last_birth = ymd(2016, 12, 31);
    for ti in 0..d.towns.len() {
        let n_v = d.towns[ti].villages.len();
        let street = d.towns[ti].street;
        for vi in 0..n_v {
            let target = per_town / n_v;
            let groups = d.towns[ti].villages[vi].groups;
            let mut made = 0;
            let mut door = 0;
            while made < target {
                door += 1 + rng.below(3) as u32;
                let surname = names::surname(rng).to_string();
                let grand = rng.chance(0.3);
                let father = format!("{surname}{}", names::adult_given(rng, true));
                let head = if grand { format!("{surname}{}", names::adult_given(rng, true)) } else { father.clone() };
                let poverty = rng.chance(if street { 0.02 } else { 0.08 });
                let hh = d.households.len();
                let n_kids = [1usize, 1, 1, 1, 2, 2, 2, 2, 3, 3][rng.below(10)].min(target - made).max(1);
                let mut births = Vec::new();
                let mut b = random_date(rng, first_birth, last_birth);
                for k in 0..n_kids {
                    if k > 0 {
                        if rng.chance(0.02) {
                            births.push((b, true));
                            continue;
                        }
                        b += Duration::days(rng.range(500, 2200));
                        if b > last_birth {
                            break;
                        }
                    }
                    births.push((b, false));
                }
                // Twins: the previous child is a twin too.
                for i in 1..births.len() {
                    if births[i].1 {
                        births[i - 1].1 = true;
                    }
                }
                let eldest = births[0].0;
                let father_birth = random_date(rng, ymd(eldest.year() - 32, 1, 1), ymd(eldest.year() - 22, 12, 31));
                let mother_birth = father_birth + Duration::days(rng.range(-800, 1500));
                let mut adults = Vec::new();
                if poverty {
                    if grand {
                        let gb = ymd(
                            father_birth.year() - rng.range(22, 30) as i32,
                            rng.range(1, 12) as u32,
                            rng.range(1, 28) as u32,
                        );
                        adults.push((head.clone(), make_id(&d.area, gb, true, &mut used, rng), true, "户主"));
                        adults.push((
                            father.clone(),
                            make_id(&d.area, father_birth, true, &mut used, rng),
                            true,
                            "之子",
                        ));
                    } else {
                        adults.push((
                            father.clone(),
                            make_id(&d.area, father_birth, true, &mut used, rng),
                            true,
                            "户主",
                        ));
                    }
                    let mother = names::adult_name(rng, false);
                    adults.push((
                        mother,
                        make_id(&d.area, mother_birth, false, &mut used, rng),
                        false,
                        if grand { "之儿媳" } else { "配偶" },
                    ));
                }
                let group = 1 + rng.below(groups as usize) as u32;
                d.households.push(Household {
                    town: ti,
                    village: vi,
                    group,
                    door,
                    surname: surname.clone(),
                    head,
                    head_is_grandparent: grand,
                    poverty,
                    phone: names::phone(rng),
                    adults,
                    household_no: format!("{}{:03}{:03}{:05}", d.area, ti + 1, vi + 1, hh % 100_000),
                    exit_year: rng.pick_str(&["2016", "2017", "2018", "2019", "2019", ""]),
                    household_type: rng.pick_str(&["一般贫困户", "一般贫困户", "低保贫困户", "特困供养贫困户"]),
                    lives_in: None,
                });
                let mut given_used: Vec<String> = Vec::new();
                for (birth, twin) in births {
                    let male = rng.chance(0.52);
                    let given = loop {
                        let g = names::child_given(rng, male);
                        if !given_used.contains(&g)
                            && !given_used.iter().any(|u| u.chars().next() == g.chars().next() && twin)
                        {
                            break g;
                        }
                    };
                    given_used.push(given.clone());
                    let relation = match (grand, male) {
                        (false, true) => "子",
                        (false, false) => "女",
                        (true, true) => "孙子",
                        (true, false) => "孙女",
                    };
                    let id = make_id(&d.area, birth, male, &mut used, rng);
                    let name = format!("{surname}{given}");
                    d.children.push(new_child(
                        id,
                        name,
                        surname.chars().count(),
                        male,
                        birth,
                        Home::Local(hh),
                        relation,
                        twin,
                        rng,
                    ));
                    made += 1;
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn new_child(
    id: String,
    name: String,
    surname_len: usize,
    male: bool,
    birth: NaiveDate,
    home: Home,
    relation: &'static str,
    twin: bool,
    rng: &mut Rng,
) -> Child {
    let nation = if rng.chance(0.985) { "汉族" } else { *rng.pick(&["土家族", "苗族", "回族", "彝族"]) };
    Child {
        record_name: name.clone(),
        record_id: id.clone(),
        student_no: format!("G{id}"),
        id,
        name,
        surname_len,
        male,
        birth,
        home,
        relation,
        twin,
        scenario: Scenario::Enrolled,
        listed: true,
        duplicate: None,
        claim: String::new(),
        claim_school: String::new(),
        claim_grade: String::new(),
        note: "",
        census_disabled: false,
        disability: None,
        on_disability_list: false,
        current: None,
        events: Vec::new(),
        exemptions: Vec::new(),
        home_school: None,
        home_kind: None,
        visits: Vec::new(),
        poverty_status: None,
        fault: None,
        nation,
        boarding: rng.chance(0.2),
        current_date: None,
        stale_school: None,
        old_student_no: None,
        conflict: false,
    }
}

/// A quota of one scenario: how many, among which children.
struct Quota {
    scenario: Scenario,
    rate: f64,
    min: usize,
    pool: Pool,
    poverty: Option<bool>,
    cohorts: Option<(i32, i32)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pool {
    Window,
    OverAge,
}

fn q(scenario: Scenario, rate: f64, min: usize, pool: Pool) -> Quota {
    Quota { scenario, rate, min, pool, poverty: None, cohorts: None }
}

fn assign_scenarios(d: &mut District, rng: &mut Rng) {
    use Scenario::*;
    let mut window: Vec<usize> = Vec::new();
    let mut over: Vec<usize> = Vec::new();
    for (i, c) in d.children.iter_mut().enumerate() {
        if in_window(c.birth) {
            window.push(i);
        } else if c.birth < birth_from() {
            c.scenario = OverAgeGraduated;
            over.push(i);
        } else {
            c.scenario = Preschool;
        }
    }
    rng.shuffle(&mut window);
    rng.shuffle(&mut over);
    let non_poverty = Some(false);
    let mut quotas = vec![
        q(NeverEnrolled, 0.005, 6, Pool::Window),
        Quota { cohorts: Some((2007, 2007)), ..q(PrimaryGradNoJunior, 0.0005, 2, Pool::Window) },
        q(DropoutInWindow, 0.0025, 4, Pool::Window),
        q(DropoutReturnedActive, 0.001, 2, Pool::Window),
        Quota { poverty: non_poverty, ..q(ClaimDeferUnapproved, 0.0003, 1, Pool::Window) },
        q(OutOfAreaNoRecord, 0.006, 5, Pool::Window),
        q(OutOfAreaTransferredOut, 0.001, 2, Pool::Window),
        q(OutOfAreaWithRecord, 0.004, 3, Pool::Window),
        q(Suspended, 0.003, 2, Pool::Window),
        q(DisInclusive, 0.005, 4, Pool::Window),
        q(DisSpecial, 0.0015, 2, Pool::Window),
        Quota { poverty: non_poverty, ..q(DisHomeOk, 0.001, 2, Pool::Window) },
        Quota { poverty: non_poverty, ..q(DisHomeShort, 0.001, 3, Pool::Window) },
        Quota { poverty: non_poverty, ..q(DisHomeUnregistered, 0.0005, 2, Pool::Window) },
        q(DisUnplaced, 0.001, 3, Pool::Window),
        q(DisListOnlyUnplaced, 0.0002, 1, Pool::Window),
        Quota { poverty: non_poverty, ..q(DisExemptValid, 0.0005, 1, Pool::Window) },
        Quota { poverty: non_poverty, ..q(DisExemptExpired, 0.0002, 1, Pool::Window) },
        Quota { poverty: non_poverty, cohorts: Some((2013, 2013)), ..q(DeferValid, 0.0005, 2, Pool::Window) },
        Quota { poverty: non_poverty, ..q(DeferValidUntilAsOf, 0.0001, 1, Pool::Window) },
        Quota { poverty: non_poverty, ..q(DeferExpiredDayBefore, 0.0001, 1, Pool::Window) },
        Quota { poverty: non_poverty, cohorts: Some((2012, 2012)), ..q(DeferExpiredEnrolled, 0.0001, 1, Pool::Window) },
        Quota { poverty: non_poverty, ..q(DeadCensus, 0.0005, 1, Pool::Window) },
        Quota { poverty: non_poverty, ..q(DeadRecord, 0.0005, 1, Pool::Window) },
        Quota { poverty: non_poverty, ..q(CensusMissed, 0.008, 8, Pool::Window) },
        Quota { poverty: Some(true), ..q(PovertyOnlyEnrolled, 0.0005, 2, Pool::Window) },
        Quota { poverty: Some(true), ..q(PovertyOnlyNotEnrolled, 0.0005, 2, Pool::Window) },
        Quota { poverty: Some(true), ..q(PovertyNonStudentEnrolled, 0.0005, 2, Pool::Window) },
        Quota { cohorts: Some((2002, 2004)), ..q(DropoutOverAge, 0.01, 3, Pool::OverAge) },
        Quota { cohorts: Some((2003, 2004)), ..q(DropoutReturnedGraduated, 0.005, 2, Pool::OverAge) },
        Quota {
            poverty: Some(true),
            cohorts: Some((2002, 2004)),
            ..q(OverAgeNoRecordPoverty, 0.002, 2, Pool::OverAge)
        },
    ];
    for quota in &mut quotas {
        let pool = if quota.pool == Pool::Window { &window } else { &over };
        let want = ((pool.len() as f64 * quota.rate).round() as usize).max(quota.min);
        let mut got = 0;
        for &i in pool.iter() {
            if got == want {
                break;
            }
            let c = &d.children[i];
            let base = if quota.pool == Pool::Window { Enrolled } else { OverAgeGraduated };
            if c.scenario != base || c.twin {
                continue;
            }
            let poverty = c.household().map(|h| d.households[h].poverty).unwrap_or(false);
            if quota.poverty.is_some_and(|p| p != poverty) {
                continue;
            }
            if let Some((lo, hi)) = quota.cohorts {
                if !(lo..=hi).contains(&cohort(c.birth)) {
                    continue;
                }
            }
            d.children[i].scenario = quota.scenario;
            got += 1;
        }
    }
    // Two children pinned to the edges of the due date: born 2013-08-31 (due, never
    // enrolled → flagged) and 2013-09-01 (待入学 → not flagged), both without a 学籍.
    let edges = [(ymd(2013, 8, 31), NeverEnrolled), (ymd(2013, 9, 1), Preschool)];
    for (k, (birth, scenario)) in edges.into_iter().enumerate() {
        if let Some(i) =
            window.iter().copied().filter(|&i| d.children[i].scenario == Enrolled && !d.children[i].twin).nth(k)
        {
            let mut used: HashSet<String> = d.children.iter().map(|c| c.id.clone()).collect();
            let c = &mut d.children[i];
            c.birth = birth;
            c.id = make_id(&d.area, birth, c.male, &mut used, rng);
            c.record_id = c.id.clone();
            c.student_no = format!("G{}", c.id);
            c.scenario = scenario;
        }
    }
}

pub(super) fn local_primary(d: &District, c: &Child, rng: &mut Rng) -> usize {
    let town = c.household().map(|h| d.households[h].town).unwrap_or(0);
    let t = &d.towns[town];
    if rng.chance(if t.street { 0.15 } else { 0.03 }) {
        0
    } else {
        t.primary
    }
}

pub(super) fn local_junior(d: &District, c: &Child, rng: &mut Rng) -> usize {
    let town = c.household().map(|h| d.households[h].town).unwrap_or(0);
    let t = &d.towns[town];
    if rng.chance(if t.street { 0.2 } else { 0.08 }) {
        1
    } else {
        t.junior
    }
}

fn school_for_grade(d: &District, c: &Child, grade: i32, rng: &mut Rng) -> usize {
    if grade <= 6 {
        local_primary(d, c, rng)
    } else {
        local_junior(d, c, rng)
    }
}

fn enroll(d: &District, c: &Child, grade: i32, status: &'static str, rng: &mut Rng) -> Current {
    let school = school_for_grade(d, c, grade, rng);
    let entry_year = if grade <= 6 { 2019 - grade + 1 } else { 2019 - (grade - 7) };
    Current {
        school,
        grade,
        status,
        mode: if rng.chance(0.2) { "住校" } else { "走读" },
        inclusive: false,
        entry: ymd(entry_year, 9, 1),
    }
}

const OUT_CLAIMS: &[&str] = &["县外就读", "县外就读", "市外就读", "省外就读", "区外就读"];
const DROP_REASONS: &[&str] = &["厌学", "外出务工", "家庭困难", "随父母外出", "身体原因"];

fn disability_of(rng: &mut Rng, severe: bool) -> (u8, u8) {
    let cat = [5u8, 5, 4, 4, 7, 2, 1, 3, 6][rng.below(9)];
    let grade = if severe { 1 + rng.below(2) as u8 } else { 2 + rng.below(3) as u8 };
    (cat, grade)
}

/// Mondays of the weeks from `from` up to the week containing `to`.
fn mondays(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut w = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
    let mut out = Vec::new();
    while w <= to {
        out.push(w);
        w += Duration::days(7);
    }
    out
}

const CONTENTS: &[&str] = &["生活自理训练", "语文", "数学", "康复训练", "音乐律动", "认知训练", "沟通训练"];

fn make_visits(kind: HomeKind, rng: &mut Rng) -> Vec<Visit> {
    let mut visits = Vec::new();
    let asof = as_of();
    let teacher = rng.below(2);
    // A few visits from the end of the previous school year, which the rule does not count.
    if kind == HomeKind::Ok && rng.chance(0.3) {
        for w in mondays(ymd(2019, 6, 3), ymd(2019, 6, 24)) {
            visits.push(Visit {
                date: w + Duration::days(rng.range(0, 4)),
                hours: 2.0,
                teacher,
                content: rng.pick_str(CONTENTS),
            });
        }
    }
    let start = if kind == HomeKind::LateStartPace { ymd(2020, 1, 6) } else { ymd(2019, 9, 2) };
    let weeks = mondays(start, asof);
    // A week wholly inside 寒假 gets no visit (none is owed), but its draws are made all the
    // same, so that the rest of the world does not depend on the calendar; a week chosen to
    // be missed or short that falls in 寒假 moves on to the next school week.
    let next_school = |k: usize| (k..weeks.len()).find(|&j| !in_winter_break(weeks[j])).unwrap_or(k);
    let skip = if kind == HomeKind::MissedWeek {
        // A week well inside the counted span.
        Some(weeks[next_school(5 + rng.below(weeks.len() - 12))])
    } else {
        None
    };
    let short_at = if kind == HomeKind::ShortVisit { Some(next_school(4 + rng.below(weeks.len() - 8))) } else { None };
    for (k, w) in weeks.iter().enumerate() {
        if Some(*w) == skip {
            continue;
        }
        let day = *w + Duration::days(rng.range(0, 4));
        if day >= asof {
            continue;
        }
        let hours = if short_at == Some(k) {
            *rng.pick(&[1.0, 1.5])
        } else if kind == HomeKind::LateStartPace {
            2.0
        } else {
            *rng.pick(&[2.0, 2.0, 2.0, 2.5, 3.0])
        };
        let holiday = in_winter_break(*w);
        let content = rng.pick_str(CONTENTS);
        if !holiday {
            visits.push(Visit { date: day, hours, teacher, content });
        }
        if kind != HomeKind::LateStartPace && rng.chance(0.08) {
            let extra = day + Duration::days(1);
            if extra < asof && extra.weekday() != Weekday::Sat {
                let content = rng.pick_str(CONTENTS);
                if !holiday {
                    visits.push(Visit { date: extra, hours: 2.0, teacher, content });
                }
            }
        }
    }
    visits
}

fn realize(d: &mut District, scale: Scale, rng: &mut Rng) {
    use Scenario::*;
    let (mut short_k, mut unreg_k) = (0usize, 0usize);
    // Share of junior-school students whose primary-school 毕业 appears in the history export;
    // the city scale carries all of them (its 学籍 is as large as its census).
    let primary_grad_share = if scale == Scale::City { 1.0 } else { 0.25 };
    for i in 0..d.children.len() {
        let mut c = d.children[i].clone();
        let g = grade_now(c.birth);
        let poverty = c.household().map(|h| d.households[h].poverty).unwrap_or(false);
        let in_school_claim = |c: &mut Child, d: &District| {
            if let Some(cur) = &c.current {
                c.claim = "在校".into();
                if rng_free_bool(c) {
                    c.claim_school = d.schools[cur.school].name.clone();
                }
                c.claim_grade = names::grade_label(cur.grade as u8);
            }
        };
        match c.scenario {
            // (SuspendedOverdue and DeadFalseReport are made of Enrolled children afterwards.)
            Enrolled
            | Suspended
            | SuspendedOverdue
            | DeadFalseReport
            | PovertyNonStudentEnrolled
            | CensusMissed
            | PovertyOnlyEnrolled => {
                let status = if c.scenario == Suspended {
                    "休学"
                } else if rng.chance(0.01) {
                    "借读"
                } else {
                    "在读"
                };
                let cur = enroll(d, &c, g, status, rng);
                if g >= 7 && rng.chance(primary_grad_share) {
                    let p = local_primary(d, &c, rng);
                    c.events.push(Event {
                        school: p,
                        grade: 6,
                        kind: "毕业",
                        date: ymd(2019 - (g - 7), 7, 1),
                        reason: "",
                    });
                }
                if rng.chance(0.02) && g >= 2 {
                    let date = random_date(rng, ymd(2016, 2, 20), ymd(2019, 12, 20));
                    let from = if cur.school == 0 || cur.school == 1 {
                        school_for_grade(d, &c, grade_at(c.birth, date), rng)
                    } else {
                        (cur.school + 2).min(d.schools.len() - 1)
                    };
                    if from != cur.school && grade_at(c.birth, date) >= 1 {
                        let ga = grade_at(c.birth, date);
                        c.events.push(Event { school: from, grade: ga, kind: "转出", date, reason: "区内转学" });
                        c.events.push(Event {
                            school: cur.school,
                            grade: ga,
                            kind: "转入",
                            date: date + Duration::days(3),
                            reason: "区内转学",
                        });
                    }
                }
                c.current = Some(cur);
                in_school_claim(&mut c, d);
                if c.scenario == Suspended {
                    c.note = "因病休学";
                }
                if c.scenario == CensusMissed || c.scenario == PovertyOnlyEnrolled {
                    c.listed = false;
                }
            }
            OutOfAreaWithRecord => {
                c.current = Some(enroll(d, &c, g, "在读", rng));
                c.claim = rng.pick(OUT_CLAIMS).to_string();
                c.claim_school = rng.pick(names::OUTSIDE).2.to_string();
                c.claim_grade = names::grade_label(g as u8);
                c.note = "学籍在本区，随父母在外就读";
            }
            OutOfAreaNoRecord | OutOfAreaTransferredOut => {
                c.claim = rng.pick(OUT_CLAIMS).to_string();
                if rng.chance(0.8) {
                    c.claim_school = rng.pick(names::OUTSIDE).2.to_string();
                    c.claim_grade = names::grade_label(g as u8);
                }
                c.note = *rng.pick(&["随父母外出", "父母在外务工", ""]);
                if c.scenario == OutOfAreaTransferredOut {
                    let date = random_date(rng, ymd(2017, 8, 20), ymd(2019, 9, 5));
                    let ga = grade_at(c.birth, date).max(1);
                    let school = school_for_grade(d, &c, ga, rng);
                    c.events.push(Event { school, grade: ga, kind: "转出", date, reason: "转出本区" });
                }
            }
            NeverEnrolled | PovertyOnlyNotEnrolled => {
                c.claim = rng.pick(&["未入学", "未入学", "辍学", "", "在校", "在家"]).to_string();
                if c.claim == "在校" {
                    c.claim_school = d.schools[local_primary(d, &c, rng)].name.clone();
                }
                if c.scenario == PovertyOnlyNotEnrolled {
                    c.listed = false;
                }
            }
            PrimaryGradNoJunior => {
                let p = local_primary(d, &c, rng);
                c.events.push(Event { school: p, grade: 6, kind: "毕业", date: ymd(2019, 7, 1), reason: "" });
                c.claim = rng.pick(&["辍学", "在家", ""]).to_string();
                c.note = "小学毕业后未升学";
            }
            DropoutInWindow | DropoutReturnedActive => {
                let earliest = entry_date(c.birth).max(ymd(2015, 3, 1)) + Duration::days(40);
                let d1 = random_date(rng, earliest, ymd(2019, 12, 20));
                let ga = grade_at(c.birth, d1).max(1);
                let school = school_for_grade(d, &c, ga, rng);
                let grad = ymd(d1.year() - i32::from(d1.month() < 9) - (ga - 7), 7, 1);
                if ga >= 7 && grad >= dropout_since() && rng.chance(0.5) {
                    let p = local_primary(d, &c, rng);
                    c.events.push(Event { school: p, grade: 6, kind: "毕业", date: grad, reason: "" });
                }
                let kind = if rng.chance(0.7) { "辍学" } else { "退学" };
                c.events.push(Event { school, grade: ga, kind, date: d1, reason: rng.pick_str(DROP_REASONS) });
                if c.scenario == DropoutReturnedActive {
                    let d2 = (d1 + Duration::days(rng.range(60, 200))).min(ymd(2020, 3, 30));
                    c.events.push(Event {
                        school,
                        grade: grade_at(c.birth, d2).max(1),
                        kind: "复学",
                        date: d2,
                        reason: "劝返复学",
                    });
                    let mut cur = enroll(d, &c, g, "在读", rng);
                    cur.school =
                        if g <= 6 || d.schools[school].kind == SchoolKind::Junior { school } else { cur.school };
                    c.current = Some(cur);
                    in_school_claim(&mut c, d);
                } else {
                    c.claim = rng.pick(&["辍学", "辍学", "在家", "务工", "在校"]).to_string();
                }
            }
            DropoutOverAge | DropoutReturnedGraduated => {
                let y = cohort(c.birth);
                let lo = ymd(y + 12, 10, 1).max(ymd(2015, 1, 5));
                let hi = ymd(y + 14, 6, 30).min(if c.scenario == DropoutReturnedGraduated {
                    ymd(y + 14, 3, 1)
                } else {
                    ymd(2019, 6, 30)
                });
                let d1 = random_date(rng, lo, hi.max(lo));
                let ga = grade_at(c.birth, d1).clamp(7, 9);
                let school = local_junior(d, &c, rng);
                let kind = if rng.chance(0.7) { "辍学" } else { "退学" };
                c.events.push(Event { school, grade: ga, kind, date: d1, reason: rng.pick_str(DROP_REASONS) });
                if c.scenario == DropoutReturnedGraduated {
                    let d2 = d1 + Duration::days(rng.range(40, 150));
                    c.events.push(Event {
                        school,
                        grade: grade_at(c.birth, d2).clamp(7, 9),
                        kind: "复学",
                        date: d2,
                        reason: "劝返复学",
                    });
                    c.events.push(Event { school, grade: 9, kind: "毕业", date: ymd(y + 15, 7, 1), reason: "" });
                    c.claim = "毕业".into();
                } else {
                    c.claim = rng.pick(&["辍学", "务工", "在家", ""]).to_string();
                }
            }
            OverAgeGraduated => {
                let y = cohort(c.birth);
                let school = local_junior(d, &c, rng);
                c.events.push(Event { school, grade: 9, kind: "毕业", date: ymd(y + 15, 7, 1), reason: "" });
                let k = rng.below(10);
                if k < 5 {
                    c.claim = "毕业".into();
                } else if k < 8 {
                    c.claim = "在校".into();
                    c.claim_school =
                        rng.pick(&["重庆市荣昌中学校（高中部）", "荣昌区职业教育中心", "荣昌区永荣中学"]).to_string();
                    c.claim_grade = rng.pick(&["高一", "高二", "高三"]).to_string();
                } else {
                    c.claim = "务工".into();
                }
            }
            OverAgeNoRecordPoverty => {
                c.claim = rng.pick(&["务工", "在家", ""]).to_string();
            }
            DisInclusive | DisSpecial | DisHomeOk | DisHomeShort | DisHomeUnregistered | DisUnplaced
            | DisListOnlyUnplaced | DisExemptValid | DisExemptExpired => {
                let severe = !matches!(c.scenario, DisInclusive);
                c.disability = Some(disability_of(rng, severe));
                c.census_disabled = c.scenario != DisListOnlyUnplaced;
                c.on_disability_list = match c.scenario {
                    DisInclusive => rng.chance(0.8),
                    DisSpecial => rng.chance(0.9),
                    DisUnplaced => rng.chance(0.7),
                    _ => true,
                };
                match c.scenario {
                    DisInclusive => {
                        let mut cur = enroll(d, &c, g, "在读", rng);
                        cur.inclusive = true;
                        c.current = Some(cur);
                        in_school_claim(&mut c, d);
                        c.note = "随班就读";
                    }
                    DisSpecial => {
                        let mut cur = enroll(d, &c, g, "在读", rng);
                        cur.school = 2;
                        cur.mode = "住校";
                        c.current = Some(cur);
                        in_school_claim(&mut c, d);
                    }
                    DisHomeOk | DisHomeShort | DisHomeUnregistered => {
                        let school = if rng.chance(0.7) { 2 } else { local_primary(d, &c, rng) };
                        c.home_school = Some(school);
                        let kind = match c.scenario {
                            DisHomeOk => HomeKind::Ok,
                            DisHomeShort => {
                                short_k += 1;
                                [HomeKind::MissedWeek, HomeKind::ShortVisit, HomeKind::LateStartPace][(short_k - 1) % 3]
                            }
                            _ => {
                                unreg_k += 1;
                                [HomeKind::Ok, HomeKind::MissedWeek][(unreg_k - 1) % 2]
                            }
                        };
                        c.home_kind = Some(kind);
                        c.visits = make_visits(kind, rng);
                        if c.scenario != DisHomeUnregistered {
                            let mut cur = enroll(d, &c, g, "在读", rng);
                            cur.school = school;
                            cur.mode = "送教上门";
                            c.current = Some(cur);
                        }
                        c.claim = "送教上门".into();
                        c.claim_school = d.schools[school].name.clone();
                    }
                    DisUnplaced | DisListOnlyUnplaced => {
                        c.claim = rng.pick(&["未入学", "送教上门", "", "在家"]).to_string();
                        if c.claim == "送教上门" {
                            c.note = "家长称有老师上门，送教名册无此人";
                        }
                    }
                    DisExemptValid => {
                        let approver = format!("{}教育委员会", d.name);
                        c.exemptions.push(Exemption {
                            kind: "免学",
                            reason: "重度残疾",
                            approved: ymd(2018, 8, 20),
                            from: ymd(2018, 9, 1),
                            until: ymd(2019, 8, 31),
                            approver: approver.clone(),
                        });
                        c.exemptions.push(Exemption {
                            kind: "免学",
                            reason: "重度残疾",
                            approved: ymd(2019, 8, 22),
                            from: ymd(2019, 9, 1),
                            until: ymd(2020, 8, 31),
                            approver,
                        });
                        c.claim = "免学".into();
                    }
                    _ => {
                        let until = *rng.pick(&[ymd(2019, 12, 31), ymd(2020, 2, 29), ymd(2019, 8, 31)]);
                        c.exemptions.push(Exemption {
                            kind: "缓学",
                            reason: "身体原因",
                            approved: ymd(until.year() - 1, 8, 25),
                            from: ymd(until.year() - 1, 9, 1),
                            until,
                            approver: format!("{}教育委员会", d.name),
                        });
                        c.claim = "缓学".into();
                    }
                }
            }
            DeferValid | DeferValidUntilAsOf | DeferExpiredDayBefore | DeferExpiredEnrolled => {
                let town = c.household().map(|h| d.households[h].town).unwrap_or(0);
                let approver = if rng.chance(0.5) {
                    format!("{}人民政府", d.towns[town].name)
                } else {
                    format!("{}教育委员会", d.name)
                };
                let (from, until) = match c.scenario {
                    DeferValid => (ymd(2019, 9, 1), ymd(2020, 8, 31)),
                    DeferValidUntilAsOf => (ymd(2019, 5, 15), as_of()),
                    DeferExpiredDayBefore => (ymd(2019, 5, 14), as_of() - Duration::days(1)),
                    _ => (ymd(2018, 9, 1), ymd(2019, 8, 31)),
                };
                let approved = from - Duration::days(10);
                // A town government approves 缓学 for one year from its approval (its list
                // prints no 有效期至); approvals ending on a set day come from the district.
                let edge = matches!(c.scenario, DeferValidUntilAsOf | DeferExpiredDayBefore);
                let by_town = approver.ends_with("人民政府") && !edge;
                let (approver, until) = if by_town {
                    (approver, approved + Duration::days(TOWN_DEFERRAL_DAYS))
                } else {
                    (format!("{}教育委员会", d.name), until)
                };
                c.exemptions.push(Exemption {
                    kind: "缓学",
                    reason: rng.pick_str(&["身体原因", "发育迟缓", "因病住院治疗"]),
                    approved,
                    from,
                    until,
                    approver,
                });
                if c.scenario == DeferExpiredEnrolled {
                    let mut cur = enroll(d, &c, 1, "在读", rng);
                    cur.entry = ymd(2019, 9, 1);
                    c.current = Some(cur);
                    in_school_claim(&mut c, d);
                } else {
                    c.claim = "缓学".into();
                }
            }
            ClaimDeferUnapproved => {
                c.claim = "缓学".into();
                c.note = "家长称已申请缓学";
            }
            DeadCensus => {
                c.claim = "死亡".into();
            }
            DeadRecord => {
                let date = random_date(rng, ymd(2018, 3, 1), ymd(2020, 1, 10));
                let ga = grade_at(c.birth, date).max(1);
                let school = school_for_grade(d, &c, ga, rng);
                c.events.push(Event { school, grade: ga, kind: "死亡", date, reason: "因病" });
                c.claim = rng.pick(&["在校", ""]).to_string();
            }
            Preschool => {
                c.claim = rng.pick(&["学前", "学前", "待入学", ""]).to_string();
                if rng.chance(0.5) {
                    let town = c.household().map(|h| d.households[h].town).unwrap_or(0);
                    c.claim_school =
                        format!("{}中心幼儿园", d.towns[town].name.trim_end_matches("街道").trim_end_matches('镇'));
                }
            }
            Outsider | YouthCompletedNoRecord | YouthDropoutRecordOnly | YouthDropoutPovertyTypo => {}
        }
        if c.scenario == PovertyOnlyEnrolled || c.scenario == PovertyOnlyNotEnrolled {
            c.listed = false;
        }
        if poverty {
            c.poverty_status = Some(poverty_status(&c, rng));
        }
        // Sort history by date so that the export reads like one.
        c.events.sort_by_key(|e| e.date);
        d.children[i] = c;
    }
}

/// Whether a census taker wrote the school's name down (decided from the ID, so that it
/// needs no random draw inside a closure).
fn rng_free_bool(c: &Child) -> bool {
    !c.id.as_bytes()[15].is_multiple_of(3)
}

/// 在校生状况 on the poverty register, as the poverty system has it.
fn poverty_status(c: &Child, rng: &mut Rng) -> &'static str {
    use Scenario::*;
    match c.scenario {
        Preschool => rng.pick_str(&["学前教育", "学龄前儿童"]),
        PovertyNonStudentEnrolled | OverAgeNoRecordPoverty => "非在校生",
        NeverEnrolled | PrimaryGradNoJunior | DropoutInWindow | DisUnplaced | DisListOnlyUnplaced | DropoutOverAge => {
            "非在校生"
        }
        PovertyOnlyNotEnrolled => {
            if c.id.as_bytes()[16].is_multiple_of(2) {
                "非在校生"
            } else {
                "小学"
            }
        }
        OverAgeGraduated | DropoutReturnedGraduated => rng.pick_str(&["高中", "中职", "非在校生"]),
        _ => {
            let g = grade_now(c.birth);
            if g <= 6 {
                "小学"
            } else {
                "初中"
            }
        }
    }
}

/// Students at district schools who live outside the district: never flagged.
fn add_outsiders(d: &mut District, rng: &mut Rng) {
    let enrolled = d.children.iter().filter(|c| c.current.is_some()).count();
    let n = (enrolled / 120).max(3);
    let mut used: HashSet<String> = d.children.iter().map(|c| c.id.clone()).collect();
    for _ in 0..n {
        let place = rng.below(names::OUTSIDE.len());
        // Not an address in a district of this world (the city scale holds several).
        let area = names::OUTSIDE[place].0;
        let birth = random_date(rng, ymd(2005, 9, 1), ymd(2013, 8, 31));
        let male = rng.chance(0.5);
        let id = make_id(area, birth, male, &mut used, rng);
        let surname = names::surname(rng).to_string();
        let name = format!("{surname}{}", names::child_given(rng, male));
        let mut c = new_child(
            id,
            name,
            surname.chars().count(),
            male,
            birth,
            Home::Outside { place, door: 1 + rng.below(200) as u32 },
            "子",
            false,
            rng,
        );
        c.scenario = Scenario::Outsider;
        c.listed = false;
        let g = grade_now(birth);
        let school = if g <= 6 {
            if rng.chance(0.5) {
                0
            } else {
                d.towns[rng.below(d.towns.len())].primary
            }
        } else {
            1
        };
        c.current = Some(Current {
            school,
            grade: g,
            status: "在读",
            mode: "住校",
            inclusive: false,
            entry: ymd(if g <= 6 { 2020 - g } else { 2019 - (g - 7) }, 9, 1),
        });
        d.children.push(c);
    }
}

/// Some families live in another village than that of their household registration; the
/// census lists their children in both.
fn assign_duplicates(d: &mut District, rng: &mut Rng) {
    let listed = d.children.iter().filter(|c| c.listed).count();
    let want = (listed / 100).max(4);
    let mut idx: Vec<usize> = (0..d.children.len()).collect();
    rng.shuffle(&mut idx);
    let mut got = 0;
    for i in idx {
        if got == want {
            break;
        }
        let c = &d.children[i];
        if !c.listed
            || c.twin
            || !matches!(c.scenario, Scenario::Enrolled | Scenario::OverAgeGraduated | Scenario::Preschool)
        {
            continue;
        }
        let h = c.household().expect("listed children are local");
        if d.households[h].lives_in.is_some() {
            continue;
        }
        // Another village, usually in the same town.
        let (town, village) = if rng.chance(0.7) || d.towns.len() == 1 {
            let t = d.households[h].town;
            let nv = d.towns[t].villages.len();
            (t, (d.households[h].village + 1 + rng.below(nv - 1)) % nv)
        } else {
            let t = (d.households[h].town + 1 + rng.below(d.towns.len() - 1)) % d.towns.len();
            (t, rng.below(d.towns[t].villages.len()))
        };
        let group = 1 + rng.below(d.towns[town].villages[village].groups as usize) as u32;
        d.households[h].lives_in = Some((town, village, group));
        d.children[i].duplicate = Some((town, village, group));
        got += 1;
    }
}

/// Substitutes one digit (positions 7..=17, never the check character's own slot) or swaps
/// two adjacent different digits; retries until the result is not a valid ID.
pub fn typo(id: &str, transpose: bool, rng: &mut Rng) -> (String, String) {
    loop {
        let mut b: Vec<u8> = id.bytes().collect();
        let note;
        if transpose {
            let i = 6 + rng.below(11);
            if b[i] == b[i + 1] || !b[i + 1].is_ascii_digit() {
                continue;
            }
            b.swap(i, i + 1);
            note = format!("第{}、{}位对调", i + 1, i + 2);
        } else {
            let i = 6 + rng.below(11);
            let old = b[i];
            let new = b'0' + rng.below(10) as u8;
            if new == old {
                continue;
            }
            b[i] = new;
            note = format!("第{}位 {}→{}", i + 1, old as char, new as char);
        }
        let s = String::from_utf8(b).expect("ASCII");
        if crate::normalize::id_number::parse(&s).valid().is_none() {
            return (s, note);
        }
    }
}

fn assign_faults(d: &mut District, rng: &mut Rng) {
    use Scenario::*;
    let listed = d.children.iter().filter(|c| c.listed).count();
    let mut idx: Vec<usize> = (0..d.children.len()).collect();
    rng.shuffle(&mut idx);
    // (kind id, rate of listed children, minimum)
    // Typos ≈2.5% of children (census 1.5%, 学籍 1.0%); no usable ID ≈1% (census blank 0.6%,
    // J number 0.4%); damaged numeric cells 0.4%; name variants 1.3%.
    let plan: &[(u8, f64, usize)] = &[
        (0, 0.01, 4),
        (1, 0.005, 3),
        (2, 0.007, 3),
        (3, 0.003, 2),
        (4, 0.004, 3),
        (5, 0.006, 3),
        (6, 0.004, 2),
        (7, 0.01, 3),
        (8, 0.003, 2),
    ];
    let mut cursor = 0;
    for &(kind, rate, min) in plan {
        let want = ((listed as f64 * rate).round() as usize).max(min);
        let mut got = 0;
        let mut tries = 0;
        while got < want && tries < idx.len() * 2 {
            let i = idx[cursor % idx.len()];
            cursor += 1;
            tries += 1;
            let c = &d.children[i];
            if !c.listed || c.twin || c.duplicate.is_some() || c.fault.is_some() {
                continue;
            }
            if matches!(
                c.scenario,
                DeadCensus | DeadRecord | CensusMissed | PovertyOnlyEnrolled | PovertyOnlyNotEnrolled | Outsider
            ) {
                continue;
            }
            let needs_record = matches!(kind, 2 | 3 | 6 | 7 | 8);
            if needs_record && !c.has_record() {
                continue;
            }
            if kind == 6 && c.current.is_none() {
                continue;
            }
            // Only an all-digit ID can have been typed into a numeric cell.
            if kind == 4 && c.id.ends_with('X') {
                continue;
            }
            let c = &mut d.children[i];
            let fault = match kind {
                0 | 1 => {
                    let (bad, note) = typo(&c.id, kind == 1, rng);
                    Fault::CensusTypo { transpose: kind == 1, bad, note }
                }
                2 | 3 => {
                    let (bad, note) = typo(&c.id, kind == 3, rng);
                    c.record_id = bad.clone();
                    c.student_no = format!("G{bad}");
                    Fault::RecordTypo { transpose: kind == 3, note }
                }
                4 => Fault::CensusNumeric,
                5 => Fault::CensusMissing,
                6 => {
                    c.record_id = String::new();
                    c.student_no = format!("J{}{}{:04}", &c.id[..6], c.birth.format("%Y%m%d"), rng.below(10_000));
                    Fault::RecordJ
                }
                _ => {
                    let lookalike = kind == 8;
                    let pairs = if lookalike { names::LOOKALIKES } else { names::HOMOPHONES };
                    let Some((variant, note)) = names::swap_char(&c.name, c.surname_len, pairs, rng) else {
                        continue;
                    };
                    let census_side = rng.chance(0.5);
                    if census_side {
                        // The census has the variant; the 学籍 keeps the registered name.
                        c.record_name = c.name.clone();
                        c.name = variant;
                    } else {
                        c.record_name = variant;
                    }
                    Fault::NameVariant { lookalike, census_side, note }
                }
            };
            c.fault = Some(fault);
            got += 1;
        }
    }
}

/// IDs mistyped on the other lists (issue 4: the side whose check fails is the mistyped one,
/// and gets an id_invalid case): the poverty register, the disability list, the 送教上门
/// roster and the 缓学/免学 approvals, each for ≈2% of the listed children on it (at least
/// two); and the 学籍 of children the census missed but the poverty register knows.
/// Drawn after everything else, so the rest of the world is that of the same seed without
/// them.
fn assign_list_faults(d: &mut District, rng: &mut Rng) {
    use Scenario::*;
    /// Whether a child is on a list (and may have its ID mistyped there).
    type OnList = fn(&Child) -> bool;
    let lists: [(List, OnList); 4] = [
        // Not a child whose 证件号码 there is a 20-digit 残疾人证号 (see render::poverty).
        (List::Poverty, |c| c.poverty_status.is_some() && !(c.on_disability_list && c.id.as_bytes()[13] % 5 < 3)),
        (List::Disability, |c| c.on_disability_list),
        (List::HomeTeaching, |c| !c.visits.is_empty()),
        (List::Exemption, |c| !c.exemptions.is_empty()),
    ];
    let mut idx: Vec<usize> = (0..d.children.len()).collect();
    rng.shuffle(&mut idx);
    for (list, on) in lists {
        let eligible: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&i| {
                let c = &d.children[i];
                c.listed && !c.twin && c.duplicate.is_none() && c.fault.is_none() && on(c)
            })
            .collect();
        let want = ((eligible.len() as f64 * 0.02).round() as usize).max(2);
        for &i in eligible.iter().take(want) {
            let transpose = rng.chance(0.3);
            let c = &mut d.children[i];
            let (bad, note) = typo(&c.id, transpose, rng);
            c.fault = Some(Fault::ListTypo { list, transpose, bad, note });
        }
    }
    // A 学籍 typo of a child known only to the poverty register.
    let missed: Vec<usize> = idx
        .iter()
        .copied()
        .filter(|&i| {
            let c = &d.children[i];
            c.scenario == PovertyOnlyEnrolled && c.fault.is_none() && c.current.is_some() && !c.twin
        })
        .collect();
    for &i in missed.iter().take(1) {
        let transpose = rng.chance(0.5);
        let c = &mut d.children[i];
        let (bad, note) = typo(&c.id, transpose, rng);
        c.record_id = bad.clone();
        c.student_no = format!("G{bad}");
        c.fault = Some(Fault::RecordTypo { transpose, note });
    }
}

fn add_disabled_adults(d: &mut District, rng: &mut Rng) {
    let n = (d.children.iter().filter(|c| c.on_disability_list).count() * 3 / 2).max(10);
    let mut used: HashSet<String> = d.children.iter().map(|c| c.id.clone()).collect();
    for _ in 0..n {
        let town = rng.below(d.towns.len());
        let village = rng.below(d.towns[town].villages.len());
        let male = rng.chance(0.55);
        let birth = random_date(rng, ymd(1945, 1, 1), ymd(1996, 12, 31));
        let (category, grade) = {
            let severe = rng.chance(0.3);
            disability_of(rng, severe)
        };
        d.disabled_adults.push(DisabledAdult {
            name: names::adult_name(rng, male),
            id: make_id(&d.area, birth, male, &mut used, rng),
            male,
            town,
            village,
            group: 1 + rng.below(d.towns[town].villages[village].groups as usize) as u32,
            category,
            grade,
        });
    }
}

/// 残疾类别 labels by category digit.
pub fn disability_label(cat: u8) -> &'static str {
    ["", "视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"][cat as usize]
}

/// 残疾等级 labels by grade digit.
pub fn disability_grade_label(grade: u8) -> &'static str {
    ["", "一级", "二级", "三级", "四级"][grade as usize]
}

/// How 学籍 histories look across schools (FACTS.md, 学籍 histories), drawn from a stream of
/// their own so that the rest of the world stays that of the same seed:
/// - a transfer is recorded on both sides, mostly on one 异动日期; sometimes the old school
///   records its 转出 days or weeks after the new school's 转入;
/// - half the schools' current exports carry an 异动日期, the date of the student's last
///   change — for a 初中 student often a change made in primary school, older than the
///   primary 毕业 (升学 is no 异动);
/// - an old school's current export, taken before a transfer of this term reached it, still
///   lists the child 在读 (the new school has the 转入; the old school's 转出 comes later or
///   not at all);
/// - a child without an ID (J number) who changed schools carries another temporary number
///   at the old school;
/// - a few true contradictions: 在读 at two schools with no transfer at all, and a 辍学
///   entered at the old school after the child had moved (`conflict`).
fn assign_histories(d: &mut District, rng: &mut Rng) {
    use Scenario::*;
    for s in d.schools.iter_mut() {
        s.dated = s.kind != SchoolKind::Special && s.name.chars().map(|c| c as u32).sum::<u32>() % 2 == 0;
    }
    let kinds: Vec<SchoolKind> = d.schools.iter().map(|s| s.kind).collect();
    // Another school of the same kind.
    let peer = |school: usize, rng: &mut Rng| -> Option<usize> {
        let same: Vec<usize> = (0..kinds.len()).filter(|&k| k != school && kinds[k] == kinds[school]).collect();
        (!same.is_empty()).then(|| same[rng.below(same.len())])
    };
    // Transfers already in the world: both sides on one date, or the 转出 recorded later.
    for c in d.children.iter_mut() {
        let Some(k_in) = c.events.iter().position(|e| e.kind == "转入" && e.reason == "区内转学") else {
            continue;
        };
        let Some(k_out) = c.events.iter().position(|e| e.kind == "转出" && e.reason == "区内转学") else {
            continue;
        };
        let r = rng.f64();
        if r < 0.75 {
            c.events[k_in].date = c.events[k_out].date;
        } else if r < 0.95 {
            c.events[k_out].date = c.events[k_in].date + Duration::days(rng.range(5, 40));
        }
    }
    let mut order: Vec<usize> = (0..d.children.len()).collect();
    rng.shuffle(&mut order);
    let plain = |c: &Child| {
        matches!(c.scenario, Enrolled)
            && c.listed
            && !c.twin
            && c.duplicate.is_none()
            && c.fault.is_none()
            && c.events.is_empty()
            && c.current.as_ref().is_some_and(|cur| {
                cur.status == "在读"
                    && !cur.inclusive
                    && matches!(kinds[cur.school], SchoolKind::Primary | SchoolKind::Junior)
            })
    };
    // A primary-school transfer years before the 升学: the 初中 row carries its date.
    for &i in &order {
        let c = &d.children[i];
        let g = grade_now(c.birth);
        let Some(grad) = c.events.iter().find(|e| e.kind == "毕业" && e.grade == 6).map(|e| (e.school, e.date))
        else {
            continue;
        };
        if g < 7 || c.events.iter().any(|e| e.kind == "转入") || !rng.chance(0.1) {
            continue;
        }
        let Some(from) = peer(grad.0, rng) else { continue };
        let ga = 3 + rng.below(3) as i32;
        let start = grad.1.year() - 1 - (6 - ga);
        let date = random_date(rng, ymd(start, 9, 10), ymd(start + 1, 6, 20));
        let c = &mut d.children[i];
        c.events.push(Event { school: from, grade: ga, kind: "转出", date, reason: "区内转学" });
        c.events.push(Event { school: grad.0, grade: ga, kind: "转入", date, reason: "区内转学" });
    }
    // This term's transfers that the old school's export has not caught up with.
    let eligible = order.iter().filter(|&&i| plain(&d.children[i])).count();
    let want = |rate: f64, min: usize| ((eligible as f64 * rate).round() as usize).max(min);
    let (mut stale, mut twice, mut left) = (want(0.003, 3), want(0.0003, 2), want(0.0003, 2));
    for &i in &order {
        let c = &d.children[i];
        if !plain(c) || grade_now(c.birth) < 2 {
            continue;
        }
        let cur = c.current.as_ref().expect("current").school;
        let g = c.current.as_ref().expect("current").grade;
        let Some(old) = peer(cur, rng) else { continue };
        if stale > 0 {
            stale -= 1;
            let date = random_date(rng, ymd(2020, 2, 20), ymd(2020, 4, 20));
            let later_out = rng.chance(0.5).then(|| date + Duration::days(rng.range(3, 20)));
            let c = &mut d.children[i];
            c.events.push(Event { school: cur, grade: g, kind: "转入", date, reason: "区内转学" });
            if let Some(out) = later_out {
                c.events.push(Event { school: old, grade: g, kind: "转出", date: out, reason: "区内转学" });
            }
            c.stale_school = Some(old);
        } else if twice > 0 {
            twice -= 1;
            let c = &mut d.children[i];
            c.stale_school = Some(old);
            c.conflict = true;
        } else if left > 0 && d.schools[cur].dated {
            left -= 1;
            let date = random_date(rng, ymd(2019, 9, 5), ymd(2019, 11, 30));
            let wrong = date + Duration::days(rng.range(30, 120));
            let c = &mut d.children[i];
            c.events.push(Event { school: old, grade: g, kind: "转出", date, reason: "区内转学" });
            c.events.push(Event { school: cur, grade: g, kind: "转入", date, reason: "区内转学" });
            c.events.push(Event { school: old, grade: g, kind: "辍学", date: wrong, reason: "误录" });
            c.conflict = true;
        } else if stale == 0 && twice == 0 && left == 0 {
            break;
        }
    }
    // Children without an ID who changed schools: the old school issued its own number.
    for &i in &order {
        let c = &d.children[i];
        if !matches!(c.fault, Some(Fault::RecordJ)) {
            continue;
        }
        let Some(cur) = c.current.as_ref().map(|cur| cur.school) else { continue };
        let g = grade_now(c.birth);
        if !c.events.iter().any(|e| e.school != cur) {
            if g < 2 || c.scenario != Enrolled || !rng.chance(0.6) {
                continue;
            }
            let Some(old) = peer(cur, rng) else { continue };
            let date =
                random_date(rng, ymd(2017, 9, 1).max(entry_date(c.birth) + Duration::days(40)), ymd(2019, 12, 20));
            let ga = grade_at(c.birth, date).max(1);
            let c = &mut d.children[i];
            c.events.push(Event { school: old, grade: ga, kind: "转出", date, reason: "区内转学" });
            c.events.push(Event { school: cur, grade: ga, kind: "转入", date, reason: "区内转学" });
        }
        let c = &mut d.children[i];
        let letter = if rng.chance(0.5) { 'L' } else { 'J' };
        c.old_student_no = Some(format!("{letter}{}{}{:04}", &c.id[..6], c.birth.format("%Y%m%d"), rng.below(10_000)))
            .filter(|n| *n != c.student_no);
    }
    // The date each current row carries: the student's last 转入 or 复学, wherever it was.
    for c in d.children.iter_mut() {
        c.events.sort_by_key(|e| e.date);
        // A 休学 row's date is that of the 休学 (the world does not date it): none is written.
        if c.current.as_ref().is_some_and(|cur| cur.status != "休学") {
            c.current_date = c
                .events
                .iter()
                .filter(|e| matches!(e.kind, "转入" | "复学") && e.date <= as_of())
                .map(|e| e.date)
                .max();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The small world holds every 学籍 history pattern of [`assign_histories`].
    #[test]
    fn the_world_holds_the_history_patterns() {
        let d = build_district(1, 0, Scale::Small);
        let transfer = |c: &Child| {
            let out = c.events.iter().find(|e| e.kind == "转出" && e.reason == "区内转学").map(|e| e.date);
            let inn = c.events.iter().find(|e| e.kind == "转入" && e.reason == "区内转学").map(|e| e.date);
            out.zip(inn)
        };
        let count = |f: &dyn Fn(&Child) -> bool| d.children.iter().filter(|c| f(c)).count();
        let same_day = count(&|c| transfer(c).is_some_and(|(o, i)| o == i));
        let out_later = count(&|c| transfer(c).is_some_and(|(o, i)| o > i));
        // 升学 without an 异动: the 初中 row's date older than the primary 毕业.
        let promoted = count(&|c| {
            let grad = c.events.iter().find(|e| e.kind == "毕业" && e.grade == 6).map(|e| e.date);
            c.current.as_ref().is_some_and(|cur| cur.grade >= 7 && d.schools[cur.school].dated)
                && grad.zip(c.current_date).is_some_and(|(g, cd)| cd < g)
        });
        let stale = count(&|c| c.stale_school.is_some() && !c.conflict);
        let reissued = count(&|c| c.old_student_no.is_some());
        let conflicts = count(&|c| c.conflict);
        let dated = d.schools.iter().filter(|s| s.dated).count();
        assert!(dated * 3 >= d.schools.len() && dated < d.schools.len(), "{dated} of {}", d.schools.len());
        for (what, n) in [
            ("same-day transfers", same_day),
            ("转出 recorded later", out_later),
            ("升学 without 异动", promoted),
            ("stale exports", stale),
            ("re-issued numbers", reissued),
        ] {
            assert!(n >= 1, "{what}: {n}");
        }
        assert!(same_day > out_later, "most transfers are on one date: {same_day} vs {out_later}");
        assert!((4..=10).contains(&conflicts), "a few true conflicts: {conflicts}");
    }
}
