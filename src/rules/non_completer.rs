//! non_completer — 2015年以来辍学未完成义务教育.
//!
//! Rule: anyone whose 学籍 history shows a 辍学 / 退学 / 其他离校 event dated on or after
//! dropout_since (or undated) with no later active event (在读, 转入, 复学, 休学, 借读) and no
//! 初中毕业 record at all (completing junior school completes compulsory education, whatever
//! the order of the records' dates), alive, with no valid exemption, not in school by the
//! state read from all of their 学籍 rows and with no 学籍状态矛盾 (enrollment_conflict) —
//! whether or not the census or the poverty register names them. Only that row is evidence: 在校生状况 =
//! 非在校生 on the poverty register alone is not (see `completion_unknown`).
//!
//! A student linked to a person (by ID, repaired ID or name) is judged as that person, placed
//! where the person is. A student linked to nobody is judged on its own: the case says
//! 清查表未登记, is placed at the town and village of 户口所在地 (else 现住址) when that is in the
//! district, else at the town of the school, and the school is the responsible unit
//! (学校是控辍保学的责任主体; its 包校人员 where the roster has the school). Every case names
//! the school of the dropout row. May coexist with not_enrolled / out_of_area_unverified /
//! disabled_unplaced.

use std::collections::HashMap;

use super::facts::fmt_date;
use super::{case_id, Case, Ctx, Problem};
use crate::link::people::Origin;
use crate::link::LinkRec;
use crate::plan::Params;
use crate::sources::enrollment::{census_town, Student};
use crate::sources::EnrollRec;

/// The dropout row that makes a student a non_completer: the last 辍学/退学/其他离校 row
/// since dropout_since, with no active row after it and no 初中毕业 anywhere. None for a
/// student in school by the state read from all rows, or whose rows contradict each other
/// (enrollment_conflict: not judged on one of them).
pub fn dropout_row(student: &Student, recs: &[EnrollRec], params: &Params) -> Option<usize> {
    if student.is_active(recs) || student.conflict().is_some() {
        return None;
    }
    let pos = student.records.iter().rposition(|&r| {
        recs[r].status.is_some_and(|s| s.is_dropout()) && recs[r].status_date.is_none_or(|d| d >= params.dropout_since)
    })?;
    let returned = student.records[pos + 1..]
        .iter()
        .any(|&r| recs[r].status.is_some_and(|s| s.is_active()) || recs[r].is_junior_graduation());
    (!returned && !student.completed_junior(recs)).then_some(student.records[pos])
}

fn describe(r: &EnrollRec) -> String {
    let when = r.status_date.map(fmt_date).unwrap_or_else(|| "日期不详".to_string());
    format!("{}（{when}）{}，此后无复学或初中毕业记录", r.placement(), r.status.map(|s| s.label()).unwrap_or("离校"))
}

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    let params = &ctx.plan.params;
    let recs = &ctx.data.enrollment;
    for (i, p) in ctx.people.persons.iter().enumerate() {
        let f = &ctx.facts[i];
        let Some(link) = &p.student else { continue };
        if !f.alive || f.valid_exemption.is_some() {
            continue;
        }
        let Some(row) = dropout_row(&ctx.people.students[link.student], recs, params) else { continue };
        let r = &recs[row];
        let mut case = ctx.person_case(Problem::NonCompleter, i, describe(r));
        if !matches!(p.origin, Origin::Census | Origin::PovertyOnly) {
            case.description.push_str(&format!("；清查表未登记，见于{}", p.origin.label()));
        }
        // The school of the dropout row, its 包校人员 where the roster has it, else the town.
        case.school = r.school.to_string();
        case.student_no = r.student_no.to_string();
        (case.responsible_unit, case.responsible_person, case.responsible_phone) =
            ctx.responsible(&case.school, &case.town);
        out.push(case);
    }
    // Students linked to nobody: the dropout is known only to 学籍.
    let alone: Vec<(usize, usize)> = ctx
        .people
        .students
        .iter()
        .enumerate()
        .filter(|(s, student)| ctx.people.student_owner[*s].is_none() && !student.is_dead(recs))
        .filter_map(|(s, student)| dropout_row(student, recs, params).map(|row| (s, row)))
        .collect();
    if alone.is_empty() {
        return;
    }
    let school_towns = school_towns(ctx);
    // The same youth under two 学籍 records (a mistyped ID, a homophone name on one of
    // them) is one case: the records are de-duplicated as census listings are.
    let link_recs: Vec<LinkRec> =
        alone.iter().map(|&(s, _)| crate::link::people::student_link_rec(&ctx.people.students[s], recs)).collect();
    for cluster in crate::link::dedupe(&link_recs, &ctx.plan.linkage) {
        let members = &cluster.members;
        let first = members.iter().copied().find(|&m| link_recs[m].id.is_valid()).unwrap_or(members[0]);
        let (s, row) = alone[first];
        let mut case = student_case(ctx, s, &ctx.people.students[s], &recs[row], &school_towns);
        for &m in members.iter().filter(|&&m| m != first) {
            case.sources.extend(ctx.people.students[alone[m].0].records.iter().map(|&i| recs[i].prov));
        }
        if let Some(why) = &cluster.evidence {
            case.evidence.push_str(&format!("；学籍中{}条记录为同一学生（{why}）", members.len()));
        }
        out.push(case);
    }
}

/// The school of the dropout row is responsible (a student linked to nobody has no town
/// government behind it): its 包校人员 where the roster has it, else the school itself.
fn school_responsible(ctx: &Ctx, case: &mut Case, r: &EnrollRec) {
    case.school = r.school.to_string();
    case.student_no = r.student_no.to_string();
    let (unit, person, phone) = ctx.responsible(&r.school, &case.town);
    (case.responsible_unit, case.responsible_person, case.responsible_phone) =
        if person.is_empty() && !r.school.is_empty() {
            (r.school.to_string(), person, phone)
        } else {
            (unit, person, phone)
        };
}

/// A non_completer case of a 学籍 student linked to no person.
fn student_case(
    ctx: &Ctx,
    s: usize,
    student: &Student,
    row: &EnrollRec,
    school_towns: &HashMap<(String, String), String>,
) -> Case {
    let recs = &ctx.data.enrollment;
    let towns = &ctx.people.towns;
    let r = &recs[student.current];
    // Any valid ID among the student's rows identifies the case.
    let id = student.records.iter().map(|&i| &recs[i].id).find(|id| id.is_valid()).unwrap_or(&r.id);
    let home = [(r, &r.hukou), (r, r.current()), (row, &row.hukou), (row, row.current())]
        .into_iter()
        .find_map(|(rec, a)| census_town(a, &rec.home_district, towns).map(|t| (rec, a, t)));
    let inferred = match home {
        Some((rec, _, _)) => crate::sources::district::home_evidence(rec),
        None => crate::sources::district::school_evidence(row),
    };
    let (district, town, village, group, placed) = match home {
        Some((rec, addr, town)) => (
            rec.home_district.to_string(),
            town.to_string(),
            addr.village.as_deref().unwrap_or_default().to_string(),
            addr.group.map(|g| format!("{g}社")).unwrap_or_default(),
            "按户口所在地或现住址",
        ),
        None => (
            row.district.to_string(),
            school_towns.get(&(row.district.to_string(), row.school.to_string())).cloned().unwrap_or_default(),
            String::new(),
            String::new(),
            "户口所在地和现住址不在本区，按学校所在镇街",
        ),
    };
    let key = match id.valid() {
        Some(id) => id.to_string(),
        None if !r.student_no.is_empty() => r.student_no.to_string(),
        None => format!("{}|{:?}|{}", r.name, r.birth, r.school),
    };
    let mut evidence = format!(
        "清查表未登记，其他名单中也未找到（已按身份证号、姓名、出生日期、住址比对）；学籍：{}；{placed}放置",
        row.placement_and_number()
    );
    if let Some(how) = inferred {
        evidence.push('；');
        evidence.push_str(&how);
    }
    let mut case = Case {
        case_id: case_id(Problem::NonCompleter, &key),
        problem: Problem::NonCompleter,
        person: None,
        student: Some(s),
        district,
        town,
        village,
        group,
        householder: String::new(),
        name: r.name.to_string(),
        sex: r.sex.map(|x| x.label().to_string()).unwrap_or_default(),
        id_number: id.text.to_string(),
        birth: r.birth,
        poverty: false,
        disability_category: r.disability_type,
        disability_grade: None,
        description: format!("{}；清查表未登记", describe(row)),
        evidence,
        match_method: "none".to_string(),
        score: None,
        school: String::new(),
        student_no: String::new(),
        responsible_unit: String::new(),
        responsible_person: String::new(),
        responsible_phone: String::new(),
        contacts: Default::default(),
        deadline: ctx.plan.params.deadline(),
        sources: student.records.iter().map(|&i| recs[i].prov).collect(),
        earlier_sources: String::new(),
        person_ref: super::person_ref(&key),
        history: Default::default(),
        roster: None,
    };
    school_responsible(ctx, &mut case, row);
    case
}

/// The town of each 学籍 school: the district town its name contains (`荣昌区仁义中学` →
/// 仁义镇; the longest such name), else the town most of its students' 户口所在地 is in —
/// among the towns of the school's district; keyed by (district, school).
fn school_towns(ctx: &Ctx) -> HashMap<(String, String), String> {
    let towns = &ctx.people.towns;
    let recs = &ctx.data.enrollment;
    let stem = |t: &str| {
        let t = t.trim_end_matches("街道").trim_end_matches(['镇', '乡']).to_string();
        if t.chars().count() >= 2 {
            t
        } else {
            String::new()
        }
    };
    let mut votes: HashMap<(&str, &str), HashMap<&str, usize>> = HashMap::new();
    for r in recs {
        if let Some(t) = census_town(&r.hukou, &r.district, towns) {
            *votes.entry((r.district.as_str(), r.school.as_str())).or_default().entry(t).or_default() += 1;
        }
    }
    let mut out = HashMap::new();
    let schools: std::collections::BTreeSet<(&str, &str)> =
        recs.iter().map(|r| (r.district.as_str(), r.school.as_str())).collect();
    for (district, school) in schools {
        let named = towns
            .iter()
            .filter(|(d, _)| d.as_str() == district)
            .map(|(_, t)| t)
            .filter(|t| school.contains(t.as_str()) || (!stem(t).is_empty() && school.contains(&stem(t))))
            .max_by_key(|t| (t.chars().count(), std::cmp::Reverse(t.as_str())));
        let town = named.map(|t| t.to_string()).or_else(|| {
            votes
                .get(&(district, school))
                .and_then(|v| v.iter().max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t))).map(|(t, _)| t.to_string()))
        });
        if let Some(t) = town {
            out.insert((district.to_string(), school.to_string()), t);
        }
    }
    out
}
