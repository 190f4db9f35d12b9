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

mod calendar;
mod faults;
mod households;
mod scenarios;

pub use calendar::*;
pub use faults::*;
pub use households::*;
pub(in crate::sample) use scenarios::*;

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
