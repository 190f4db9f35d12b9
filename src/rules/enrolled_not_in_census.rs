//! enrolled_not_in_census — 在籍未清查.
//!
//! Rule: a 学籍 student whose current status is active, linked to no census person and no
//! poverty-register person, whose 户口所在地 or 现住址 lies in one of the district's towns
//! (the towns of the census sheets): a child the census missed. Placed at the town and
//! village of 户口所在地, else of 现住址. A student who is the match_review candidate of an
//! unlinked person is left to that review case (one errand, not two).

use super::{case_id, Case, Ctx, Problem};
use crate::people::Origin;
use crate::sources::enrollment::in_towns;

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    let towns = &ctx.people.towns;
    let under_review: std::collections::HashSet<usize> = ctx
        .people
        .persons
        .iter()
        .filter(|p| p.student.is_none())
        .flat_map(|p| p.reviews.iter().map(|r| r.student))
        .collect();
    for (s, student) in ctx.people.students.iter().enumerate() {
        let recs = &ctx.data.enrollment;
        if !student.is_active(recs) || under_review.contains(&s) {
            continue;
        }
        if let Some(owner) = ctx.people.student_owner[s] {
            if matches!(ctx.people.persons[owner].origin, Origin::Census | Origin::PovertyOnly) {
                continue;
            }
        }
        let r = &recs[student.current];
        let addr = if in_towns(&r.hukou, towns) {
            &r.hukou
        } else if in_towns(r.current(), towns) {
            r.current()
        } else {
            continue;
        };
        let town = towns
            .iter()
            .find(|t| addr.town.as_deref().is_some_and(|a| crate::normalize::address::same_town(t, a)))
            .cloned()
            .unwrap_or_default();
        let key = match r.id.valid() {
            Some(id) => id.to_string(),
            None if !r.student_no.is_empty() => r.student_no.clone(),
            None => format!("{}|{:?}|{}", r.name, r.birth, r.school),
        };
        let (unit, person, phone) = ctx.responsible(&r.school, &town);
        out.push(Case {
            case_id: case_id(Problem::EnrolledNotInCensus, &key),
            problem: Problem::EnrolledNotInCensus,
            person: ctx.people.student_owner[s],
            student: Some(s),
            village: addr.village.clone().unwrap_or_default(),
            group: addr.group.map(|g| format!("{g}社")).unwrap_or_default(),
            town,
            householder: String::new(),
            name: r.name.clone(),
            sex: r.sex.map(|x| x.label().to_string()).unwrap_or_default(),
            id_number: r.id.text.clone(),
            birth: r.birth,
            poverty: false,
            disability_category: r.disability_type,
            disability_grade: None,
            description: format!("学籍在读（{}），户籍或住址在本区，但大清查表中未登记", r.placement()),
            evidence: "清查表中未找到该生（已按身份证号、姓名、出生日期、住址比对）".to_string(),
            match_method: "none".to_string(),
            score: None,
            school: r.school.clone(),
            student_no: r.student_no.clone(),
            responsible_unit: unit,
            responsible_person: person,
            responsible_phone: phone,
            deadline: ctx.plan.params.deadline(),
            sources: student.records.iter().map(|&i| recs[i].prov).collect(),
            earlier_sources: String::new(),
            person_ref: super::person_ref(&key),
            history: Default::default(),
        });
    }
}
