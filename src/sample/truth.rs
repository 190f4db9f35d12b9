//! The ground truth of a sample set: the rules of the README (问题类型与规则) applied to the world as it
//! really is (every person's true identity across all files), giving one row per expected
//! case in `truth.csv`. `kcbx eval` scores a run's `cases.csv` against it.
//!
//! The rules are restated here in terms of the world, not re-implemented from the pipeline's
//! code, so that the two can disagree and the disagreement shows up as FP/FN.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{Datelike, Duration, NaiveDate};

use super::render::{Injection, ListingFact, Rendered};
use super::world::{self, as_of, dropout_since, Child, District, Fault, Home, List};
use crate::normalize::values::{SchoolClaim, Status};

/// Problem codes with a truth, in report order, and their Chinese labels.
pub const PROBLEMS: &[(&str, &str)] = &[
    ("not_enrolled", "适龄未入学/疑似失学"),
    ("out_of_area_unverified", "县外就读待核实"),
    ("disabled_unplaced", "残疾儿童少年未安置"),
    ("non_completer", "2015年以来辍学未完成义务教育"),
    ("home_teaching_unregistered", "送教上门未建学籍"),
    ("home_teaching_short", "送教课时不足"),
    ("exemption_expired", "缓学/免学已过期"),
    ("suspension_overdue", "休学超期未复学"),
    ("id_invalid", "身份证号错误"),
    ("duplicate_registration", "重复登记"),
    ("enrolled_not_in_census", "在籍未清查"),
    ("completion_unknown", "义务教育完成情况待核实"),
    ("death_unverified", "死亡待核实"),
    ("enrollment_conflict", "学籍状态矛盾"),
];

/// The sample pipeline's `suspension_max_days` (the default).
const SUSPENSION_MAX_DAYS: i64 = 365;

/// The one problem without a truth: counted only.
pub const MATCH_REVIEW: (&str, &str) = ("match_review", "疑似匹配待核实");

/// Chinese label of a problem code (the code itself when unknown).
pub fn label(code: &str) -> &str {
    PROBLEMS.iter().chain(std::iter::once(&MATCH_REVIEW)).find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or(code)
}

/// One expected case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TruthRow {
    pub problem: String,
    /// The person's true ID.
    pub id_number: String,
    /// The ID as listed in the census or poverty row, normalised; may be empty or invalid.
    pub listed_id: String,
    pub name: String,
    pub birth_date: String,
    pub town: String,
    pub village: String,
    pub detail: String,
}

pub const TRUTH_HEADER: [&str; 8] =
    ["problem", "id_number", "listed_id", "name", "birth_date", "town", "village", "detail"];

/// What the files say about a child, gathered once.
struct Facts<'a> {
    listings: Vec<&'a ListingFact>,
    alive: bool,
    disabled: bool,
    claim_out: bool,
    active: bool,
    junior_grad: bool,
    valid_exemption: bool,
    expired_exemption: bool,
    on_roster: bool,
    window: bool,
}

fn facts<'a>(c: &Child, listings: Vec<&'a ListingFact>) -> Facts<'a> {
    let asof = as_of();
    let census_claim = if listings.is_empty() { None } else { SchoolClaim::parse(&c.claim) };
    let current = current_status(c);
    Facts {
        alive: census_claim != Some(SchoolClaim::Dead) && current != Some(Status::Dead),
        disabled: (!listings.is_empty() && c.census_disabled) || c.on_disability_list,
        claim_out: census_claim == Some(SchoolClaim::OutOfArea),
        active: current.is_some_and(Status::is_active),
        junior_grad: c.events.iter().any(|e| e.kind == "毕业" && e.grade == 9),
        valid_exemption: c.exemptions.iter().any(|e| e.from <= asof && e.until >= asof),
        expired_exemption: c.exemptions.iter().any(|e| e.until < asof),
        on_roster: !c.visits.is_empty(),
        window: world::in_window(c.birth),
        listings,
    }
}

/// The latest 学籍 status: an undated current-export row counts as the latest.
fn current_status(c: &Child) -> Option<Status> {
    if let Some(cur) = &c.current {
        return Status::parse(cur.status);
    }
    c.events.iter().max_by_key(|e| e.date).and_then(|e| Status::parse(e.kind))
}

/// A 辍学/退学/其他离校 event since dropout_since with no later active event, and no 初中毕业
/// at all (completing junior school completes compulsory education, whenever it is dated).
fn dropped_out(c: &Child) -> Option<(NaiveDate, &'static str)> {
    if c.events.iter().any(|e| e.kind == "毕业" && e.grade == 9) {
        return None;
    }
    let last = c
        .events
        .iter()
        .filter(|e| e.date >= dropout_since() && Status::parse(e.kind).is_some_and(Status::is_dropout))
        .max_by_key(|e| e.date)?;
    let later = c.events.iter().any(|e| e.date > last.date && Status::parse(e.kind).is_some_and(Status::is_active));
    let current_active = c.current.as_ref().is_some_and(|cur| Status::parse(cur.status).is_some_and(Status::is_active));
    (!later && !current_active).then_some((last.date, last.kind))
}

fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// A school week of the sample's calendar: not wholly inside 寒假 ([`world::winter_break`],
/// the sample pipeline's `school_breaks`) nor inside the summer break (from
/// [`world::summer_break_from`] to 31 August).
fn school_week(w: NaiveDate, summer_end: NaiveDate) -> bool {
    let sunday = w + Duration::days(6);
    let in_summer = w >= world::summer_break_from() && sunday <= summer_end;
    !world::in_winter_break(w) && !in_summer
}

/// The 送教 arithmetic of the README rules: (short, weeks missed, hours so far, a visit under
/// 2 学时). School weeks (寒假 and 暑假 owe no visit) from the week of the first visit this
/// school year to the last complete week before as_of; the pace counts 2 学时 for each
/// school week from the week of as_of (unless already visited) to the summer break.
pub fn home_teaching_shortfall(visits: &[(NaiveDate, f64)], as_of: NaiveDate) -> (bool, usize, f64, bool) {
    let sy_start = if as_of.month() >= 9 { world::ymd(as_of.year(), 9, 1) } else { world::ymd(as_of.year() - 1, 9, 1) };
    let sy_end = world::ymd(sy_start.year() + 1, 8, 31);
    let this_year: Vec<(NaiveDate, f64)> =
        visits.iter().copied().filter(|(d, _)| *d >= sy_start && *d < as_of).collect();
    let Some(first) = this_year.iter().map(|(d, _)| *d).min() else {
        return (true, 0, 0.0, false);
    };
    let visited = |w: NaiveDate| this_year.iter().any(|(d, _)| *d >= w && *d <= w + Duration::days(6));
    let start = monday(sy_start).max(monday(first));
    let last_complete = monday(as_of) - Duration::days(7);
    let mut missed = 0;
    let mut w = start;
    while w <= last_complete {
        if school_week(w, sy_end) && !visited(w) {
            missed += 1;
        }
        w += Duration::days(7);
    }
    let under = this_year.iter().any(|(_, h)| *h < 2.0);
    let hours: f64 = this_year.iter().map(|(_, h)| h).sum();
    let mut weeks_left = 0.0;
    let mut w = monday(as_of);
    if visited(w) {
        w += Duration::days(7);
    }
    while w < world::summer_break_from() {
        if school_week(w, sy_end) {
            weeks_left += 1.0;
        }
        w += Duration::days(7);
    }
    let pace_short = hours + 2.0 * weeks_left < 80.0;
    (missed > 0 || under || pace_short, missed, hours, under)
}

fn scenario_note(c: &Child) -> &'static str {
    use world::Scenario::*;
    match c.scenario {
        Enrolled => "在读",
        Suspended => "休学（在籍）",
        SuspendedOverdue => "休学超过一年未复学",
        OutOfAreaWithRecord => "县外就读，学籍在本区",
        OutOfAreaNoRecord => "称县外就读，本区无学籍",
        OutOfAreaTransferredOut => "称县外就读，学籍已转出",
        NeverEnrolled => "从未入学",
        PrimaryGradNoJunior => "小学毕业未升初中",
        DropoutInWindow => "辍学未返校",
        DropoutReturnedActive => "辍学后复学在读",
        DropoutOverAge => "超龄，辍学未完成义务教育",
        DropoutReturnedGraduated => "辍学后复学并初中毕业",
        OverAgeGraduated => "超龄，初中已毕业",
        OverAgeNoRecordPoverty => "超龄，建档立卡，初中已毕业但学籍导出中无记录",
        DisInclusive => "残疾，随班就读",
        DisSpecial => "残疾，特殊教育学校就读",
        DisHomeOk => "残疾，送教上门（有学籍）",
        DisHomeShort => "残疾，送教上门课时不足",
        DisHomeUnregistered => "残疾，送教上门无学籍",
        DisUnplaced => "残疾，未安置",
        DisListOnlyUnplaced => "残联名单有、清查表未标残疾，未安置",
        DisExemptValid => "残疾，免学有效",
        DisExemptExpired => "残疾，缓学已过期",
        DeferValid => "缓学有效",
        DeferValidUntilAsOf => "缓学有效期至基准日当天",
        DeferExpiredDayBefore => "缓学于基准日前一天到期",
        DeferExpiredEnrolled => "缓学已过期，现已入学",
        ClaimDeferUnapproved => "称缓学，无审批",
        DeadCensus => "清查表记死亡",
        DeadRecord => "学籍记死亡",
        DeadFalseReport => "清查表误记死亡，学籍在读",
        Preschool => "待入学/学前",
        CensusMissed => "清查表漏登，学籍在读",
        PovertyOnlyEnrolled => "清查表漏登，建档立卡有，学籍在读",
        PovertyOnlyNotEnrolled => "清查表漏登，建档立卡有，无学籍",
        PovertyNonStudentEnrolled => "建档立卡记非在校生，学籍在读",
        Outsider => "区外学生",
        YouthCompletedNoRecord => "超龄，建档立卡，初中毕业早于学籍记录",
        YouthDropoutRecordOnly => "超龄，2015年以来辍学，只见于学籍",
        YouthDropoutPovertyTypo => "超龄，建档立卡，2015年以来辍学，学籍身份证号录错",
    }
}

/// Computes the truth of a district.
pub fn truth(d: &District, r: &Rendered) -> Vec<TruthRow> {
    let mut by_child: BTreeMap<usize, Vec<&ListingFact>> = BTreeMap::new();
    for l in &r.listings {
        by_child.entry(l.child).or_default().push(l);
    }
    let mut out = Vec::new();
    for (i, c) in d.children.iter().enumerate() {
        let listings = by_child.remove(&i).unwrap_or_default();
        let f = facts(c, listings);
        let in_census = !f.listings.is_empty();
        let on_poverty = c.poverty_status.is_some();
        let poverty_only = on_poverty && !in_census;
        let (town, village, listed_id) = if in_census {
            let l = f.listings.iter().find(|l| l.hukou_here).unwrap_or(&f.listings[0]);
            (d.towns[l.town].name.clone(), d.towns[l.town].villages[l.village].name.clone(), l.listed_id.clone())
        } else {
            match (&c.home, c.household()) {
                (Home::Local(_), Some(h)) => {
                    let hh = &d.households[h];
                    let listed = if poverty_only {
                        r.poverty_ids.get(&i).cloned().unwrap_or_default()
                    } else {
                        c.record_id.clone()
                    };
                    (d.towns[hh.town].name.clone(), d.towns[hh.town].villages[hh.village].name.clone(), listed)
                }
                _ => (String::new(), String::new(), c.record_id.clone()),
            }
        };
        let name = if in_census || poverty_only { c.name.clone() } else { c.record_name.clone() };
        let row = |problem: &str, detail: String| TruthRow {
            problem: problem.to_string(),
            id_number: c.id.clone(),
            listed_id: listed_id.clone(),
            name: name.clone(),
            birth_date: c.birth.format("%Y-%m-%d").to_string(),
            town: town.clone(),
            village: village.clone(),
            detail,
        };
        let note = scenario_note(c);
        let person = in_census || poverty_only;
        // A census child none of whose rows gives a birth date is judged as if of school age.
        let birth_unknown = in_census && f.listings.iter().all(|l| !l.birth_known);
        let judged = f.window || birth_unknown;
        let blocked = f.active || f.junior_grad || f.valid_exemption || f.expired_exemption;
        if person && judged && f.alive && !f.disabled && !f.claim_out && !blocked {
            let why = if poverty_only {
                format!("{note}；清查表未登记，见于建档立卡名单")
            } else {
                note.to_string()
            };
            out.push(row("not_enrolled", why));
        }
        if in_census && judged && f.alive && !f.disabled && f.claim_out && !blocked {
            out.push(row("out_of_area_unverified", format!("{note}；清查表填报：{}", c.claim)));
        }
        if person
            && f.disabled
            && judged
            && f.alive
            && !f.active
            && !f.on_roster
            && !f.valid_exemption
            && !f.expired_exemption
        {
            out.push(row("disabled_unplaced", note.to_string()));
        }
        // Every 2015+ dropout who never came back, whoever lists them (or nobody but 学籍).
        let dropout = dropped_out(c);
        if f.alive && !f.valid_exemption {
            if let Some((date, kind)) = dropout {
                let known = if person { "" } else { "；清查表未登记" };
                out.push(row("non_completer", format!("{note}；{kind} {}{known}", date.format("%Y-%m-%d"))));
            }
        }
        // A poverty-register youth past the window whose completion nothing shows either way.
        let education = super::youths::education(c);
        let beyond = matches!(c.poverty_status, Some("高中" | "中职"));
        if on_poverty
            && c.birth < world::birth_from()
            && world::compulsory_since_2015(c.birth)
            && f.alive
            && !f.valid_exemption
            && dropout.is_none()
            && !f.active
            && !f.junior_grad
            && !super::youths::completed_by_education(education)
            && !beyond
        {
            let said = if education.is_empty() {
                "未填文化程度".to_string()
            } else {
                format!("文化程度{education}")
            };
            out.push(row("completion_unknown", format!("{note}；{said}")));
        }
        if f.on_roster {
            if !f.active {
                out.push(row("home_teaching_unregistered", note.to_string()));
            }
            let visits: Vec<(NaiveDate, f64)> = c.visits.iter().map(|v| (v.date, v.hours)).collect();
            let (short, missed, hours, under) = home_teaching_shortfall(&visits, as_of());
            if short {
                let mut why = format!("缺送教 {missed} 周，已送教 {hours} 学时");
                if under {
                    why.push_str("，有单次不足2学时");
                }
                out.push(row("home_teaching_short", why));
            }
        }
        if judged && f.alive && f.expired_exemption && !f.valid_exemption && !f.active {
            let until = c.exemptions.iter().map(|e| e.until).max().expect("an exemption");
            out.push(row("exemption_expired", format!("{note}；有效期至 {}", until.format("%Y-%m-%d"))));
        }
        // The side whose check fails is the mistyped one: a census listing, the 学籍, or the
        // poverty, disability, 送教上门 or exemption list (those of a census child; a child
        // only the poverty register knows has its 学籍 typos flagged too).
        if person {
            let bad_listing = f.listings.iter().find(|l| !l.id_valid);
            let record_typo = matches!(c.fault, Some(Fault::RecordTypo { .. })) && c.has_record();
            if let Some(l) = bad_listing {
                let what = match &c.fault {
                    Some(Fault::CensusTypo { note, .. }) => {
                        format!("清查表身份证号录入错误（{note}）")
                    }
                    Some(Fault::CensusNumeric) => "清查表身份证号为数字格式，末位丢失".to_string(),
                    Some(Fault::CensusMissing) => "清查表身份证号空白".to_string(),
                    _ => format!("清查表身份证号无效（{}）", l.listed_id.len()),
                };
                out.push(row("id_invalid", what));
            } else if record_typo {
                let note = match &c.fault {
                    Some(Fault::RecordTypo { note, .. }) => note.clone(),
                    _ => String::new(),
                };
                out.push(row("id_invalid", format!("学籍身份证号录入错误（{note}）")));
            } else if let Some(Fault::ListTypo { list, note, .. }) = &c.fault {
                let name = match list {
                    List::Poverty => "建档立卡名单",
                    List::Disability => "残疾人名单",
                    List::HomeTeaching => "送教上门名册",
                    List::Exemption => "缓学免学名单",
                };
                out.push(row("id_invalid", format!("{name}身份证号录入错误（{note}）")));
            }
        }
        // 休学, dated (the last dated 学籍 row is the 休学 itself), more than a year before.
        if person && f.alive && !f.junior_grad && !f.valid_exemption {
            let on_leave = c.current.as_ref().is_some_and(|cur| cur.status == "休学");
            let last = c.events.iter().max_by_key(|e| e.date).filter(|e| e.kind == "休学");
            if let (true, Some(e)) = (on_leave, last) {
                if (as_of() - e.date).num_days() > SUSPENSION_MAX_DAYS {
                    out.push(row("suspension_overdue", format!("{note}；休学 {}", e.date.format("%Y-%m-%d"))));
                }
            }
        }
        // The census says 死亡 and no 学籍 row does.
        let census_dead = in_census && SchoolClaim::parse(&c.claim) == Some(SchoolClaim::Dead);
        let recorded_dead = c.events.iter().any(|e| e.kind == "死亡");
        if census_dead && !recorded_dead && (judged || world::compulsory_since_2015(c.birth)) {
            out.push(row("death_unverified", format!("{note}；清查表填报死亡，学籍无死亡记录")));
        }
        if f.listings.len() > 1 {
            out.push(row("duplicate_registration", format!("登记 {} 次（户籍地与现居住地）", f.listings.len())));
        }
        // The schools' rows contradict each other (the world made them so): a data fault for
        // the schools, whatever the child's true state.
        if c.conflict && person {
            out.push(row("enrollment_conflict", format!("{note}；两校学籍记录矛盾")));
        }
        // In no census sheet, whether or not another list knows the child.
        if f.active && !in_census && matches!(c.home, Home::Local(_)) {
            let known = if poverty_only { "；见于建档立卡名单" } else { "" };
            out.push(row("enrolled_not_in_census", format!("{note}{known}")));
        }
    }
    out
}

/// Sorts truth rows into report order.
pub fn sort(rows: &mut [TruthRow]) {
    let order = |p: &str| PROBLEMS.iter().position(|(c, _)| *c == p).unwrap_or(usize::MAX);
    rows.sort_by(|a, b| {
        (order(&a.problem), &a.town, &a.village, &a.id_number).cmp(&(
            order(&b.problem),
            &b.town,
            &b.village,
            &b.id_number,
        ))
    });
}

/// Writes `truth.csv` (UTF-8 with BOM).
pub fn write_truth(rows: &[TruthRow]) -> Vec<u8> {
    let mut out = Vec::new();
    out.write_all(b"\xEF\xBB\xBF").expect("memory");
    let mut w = csv::Writer::from_writer(out);
    w.write_record(TRUTH_HEADER).expect("memory");
    for r in rows {
        w.write_record([
            &r.problem,
            &r.id_number,
            &r.listed_id,
            &r.name,
            &r.birth_date,
            &r.town,
            &r.village,
            &r.detail,
        ])
        .expect("memory");
    }
    w.into_inner().expect("memory")
}

/// Writes `injections.csv` (UTF-8 with BOM).
pub fn write_injections(rows: &[Injection]) -> Vec<u8> {
    let mut out = Vec::new();
    out.write_all(b"\xEF\xBB\xBF").expect("memory");
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["kind", "side", "file", "sheet", "row", "id_number", "detail"]).expect("memory");
    for r in rows {
        // A whole sheet has no row number.
        let row = if r.row == 0 { String::new() } else { r.row.to_string() };
        w.write_record([r.kind, r.side, &r.file, &r.sheet, &row, &r.id, &r.detail]).expect("memory");
    }
    w.into_inner().expect("memory")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::world::ymd;

    /// Visits every 7 days from `from` while before `to`, none in 寒假.
    fn weekly(from: NaiveDate, to: NaiveDate, hours: f64) -> Vec<(NaiveDate, f64)> {
        let mut v = Vec::new();
        let mut d = from;
        let (b0, b1) = world::winter_break();
        while d < to {
            if !(b0..=b1).contains(&d) {
                v.push((d, hours));
            }
            d += Duration::days(7);
        }
        v
    }

    #[test]
    fn home_teaching_weeks_and_hours() {
        let asof = ymd(2020, 5, 14);
        // Every Tuesday from 3 Sep but in 寒假, 2 学时: 33 visits, 66 学时 + 2 × 7 = 80.
        let ok = weekly(ymd(2019, 9, 3), asof, 2.0);
        assert_eq!(home_teaching_shortfall(&ok, asof), (false, 0, 66.0, false));
        // One week left out: missed, and 80 no longer reachable.
        let mut missed = ok.clone();
        missed.remove(10);
        let (short, weeks, ..) = home_teaching_shortfall(&missed, asof);
        assert!(short);
        assert_eq!(weeks, 1);
        // One visit of 1.5 学时.
        let mut under = ok.clone();
        under[5].1 = 1.5;
        assert!(home_teaching_shortfall(&under, asof).3);
        // Visits in 寒假 are not owed: a Tuesday every week of it is no more than is needed.
        let all_weeks: Vec<(NaiveDate, f64)> =
            (0..37).map(|k| (ymd(2019, 9, 3) + Duration::days(7 * k), 2.0)).collect();
        assert_eq!(home_teaching_shortfall(&all_weeks, asof), (false, 0, 74.0, false));
        // Started in January: no week missed since, but 80 学时 cannot be reached.
        let late = weekly(ymd(2020, 1, 7), asof, 2.0);
        let (short, weeks, hours, _) = home_teaching_shortfall(&late, asof);
        assert!(short);
        assert_eq!(weeks, 0);
        assert_eq!(hours, 30.0); // 15 Tuesdays out of 寒假, the last in the week of as_of
    }
}
