//! Each child's true schooling state (enrolled, out of the county, never enrolled, dropped
//! out, disabled and placed or not, home-taught, exempted, dead, …), its 学籍 record and
//! history across schools, its list memberships and 送教上门 visits: the truth the files are
//! rendered from and the rules are scored against.
//!
//! Pipeline position: after [`super::households`]; [`super::faults`] then spoils what the
//! files say about the children, never the truth.

use super::*;

/// The 休学 of a child at its current school, dated.
pub(super) fn suspend(c: &mut Child, date: NaiveDate) {
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
pub(super) fn assign_unseen(d: &mut District, rng: &mut Rng) {
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

/// A quota of one scenario: how many, among which children.
pub(super) struct Quota {
    scenario: Scenario,
    rate: f64,
    min: usize,
    pool: Pool,
    poverty: Option<bool>,
    cohorts: Option<(i32, i32)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Pool {
    Window,
    OverAge,
}

pub(super) fn q(scenario: Scenario, rate: f64, min: usize, pool: Pool) -> Quota {
    Quota { scenario, rate, min, pool, poverty: None, cohorts: None }
}

pub(super) fn assign_scenarios(d: &mut District, rng: &mut Rng) {
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

pub(in crate::sample) fn local_primary(d: &District, c: &Child, rng: &mut Rng) -> usize {
    let town = c.household().map(|h| d.households[h].town).unwrap_or(0);
    let t = &d.towns[town];
    if rng.chance(if t.street { 0.15 } else { 0.03 }) {
        0
    } else {
        t.primary
    }
}

pub(in crate::sample) fn local_junior(d: &District, c: &Child, rng: &mut Rng) -> usize {
    let town = c.household().map(|h| d.households[h].town).unwrap_or(0);
    let t = &d.towns[town];
    if rng.chance(if t.street { 0.2 } else { 0.08 }) {
        1
    } else {
        t.junior
    }
}

pub(super) fn school_for_grade(d: &District, c: &Child, grade: i32, rng: &mut Rng) -> usize {
    if grade <= 6 {
        local_primary(d, c, rng)
    } else {
        local_junior(d, c, rng)
    }
}

pub(super) fn enroll(d: &District, c: &Child, grade: i32, status: &'static str, rng: &mut Rng) -> Current {
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

pub(super) const OUT_CLAIMS: &[&str] = &["县外就读", "县外就读", "市外就读", "省外就读", "区外就读"];
pub(super) const DROP_REASONS: &[&str] = &["厌学", "外出务工", "家庭困难", "随父母外出", "身体原因"];

pub(super) fn disability_of(rng: &mut Rng, severe: bool) -> (u8, u8) {
    let cat = [5u8, 5, 4, 4, 7, 2, 1, 3, 6][rng.below(9)];
    let grade = if severe { 1 + rng.below(2) as u8 } else { 2 + rng.below(3) as u8 };
    (cat, grade)
}

/// Mondays of the weeks from `from` up to the week containing `to`.
pub(super) fn mondays(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut w = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
    let mut out = Vec::new();
    while w <= to {
        out.push(w);
        w += Duration::days(7);
    }
    out
}

pub(super) const CONTENTS: &[&str] = &["生活自理训练", "语文", "数学", "康复训练", "音乐律动", "认知训练", "沟通训练"];

pub(super) fn make_visits(kind: HomeKind, rng: &mut Rng) -> Vec<Visit> {
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

pub(super) fn realize(d: &mut District, scale: Scale, rng: &mut Rng) {
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
pub(super) fn rng_free_bool(c: &Child) -> bool {
    !c.id.as_bytes()[15].is_multiple_of(3)
}

/// 在校生状况 on the poverty register, as the poverty system has it.
pub(super) fn poverty_status(c: &Child, rng: &mut Rng) -> &'static str {
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
pub(super) fn assign_histories(d: &mut District, rng: &mut Rng) {
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
