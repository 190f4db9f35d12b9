//! enrolled_not_in_census — 在籍未清查.
//!
//! Rule: a 学籍 student whose current status is active and who is in no census sheet —
//! linked to no person, or to a person with no census listing (found only on the poverty
//! register, the disability list or the 送教上门 roster: the census missed a child another
//! list knows, and the evidence names that list) — and who lives in the district: 户口所在地
//! or 现住址 in one of the district's towns (the towns of the census sheets), or, for a
//! student linked to a person of another list, that list placing the child in one of them.
//! Placed at the town and village of 户口所在地, else of 现住址, else of the list. A student
//! who is the match_review candidate of an unlinked person is left to that review case
//! (one errand, not two).

use super::{case_id, Case, Ctx, Problem};
use crate::link::people::Origin;
use crate::sources::enrollment::census_town;

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
        let owner = ctx.people.student_owner[s];
        let person = owner.map(|o| &ctx.people.persons[o]);
        if person.is_some_and(|p| p.origin == Origin::Census) {
            continue;
        }
        let r = &recs[student.current];
        // The census of the district the household is registered in (户口所在地, else the
        // ID's region code, else the school's district): a student of another district's
        // household at this district's school is that district's to list, not this one's.
        let home = r.home_district.as_str();
        let placed =
            [&r.hukou, r.current()].into_iter().find_map(|addr| census_town(addr, home, towns).map(|t| (addr, t)));
        // Placed in the household district: how that district is known, when the address
        // does not name it.
        let inferred = placed.and_then(|_| crate::sources::district::home_evidence(r));
        let (district, town, village, group) = if let Some((addr, town)) = placed {
            (
                home.to_string(),
                town.to_string(),
                addr.village.as_deref().unwrap_or_default().to_string(),
                addr.group.map(|g| format!("{g}社")).unwrap_or_default(),
            )
        } else if let Some((p, town)) = person.and_then(|p| {
            let a = crate::normalize::address::Address { town: Some(p.town.clone()), ..Default::default() };
            census_town(&a, &p.district, towns).map(|t| (p, t))
        }) {
            (p.district.to_string(), town.to_string(), p.village.to_string(), p.group_text.to_string())
        } else {
            continue;
        };
        let key = match r.id.valid() {
            Some(id) => id.to_string(),
            None if !r.student_no.is_empty() => r.student_no.to_string(),
            None => format!("{}|{:?}|{}", r.name, r.birth, r.school),
        };
        let mut evidence = "清查表中未找到该生（已按身份证号、姓名、出生日期、住址比对）".to_string();
        let mut sources: Vec<_> = student.records.iter().map(|&i| recs[i].prov).collect();
        if let Some(how) = inferred {
            evidence.push('；');
            evidence.push_str(&how);
        }
        let (mut poverty, mut category, mut grade) = (false, r.disability_type, None);
        if let (Some(p), Some(o)) = (person, owner) {
            // Known to another list: which one, and how the student was matched to it.
            let link = p.student.as_ref().expect("the owner of a student is linked to it");
            evidence.push_str(&format!(
                "；该生见于{}（清查表漏登），学籍对应依据：{}",
                p.origin.label(),
                link.evidence
            ));
            evidence = super::list_evidence(evidence, p);
            let d = ctx.data;
            sources.extend(p.poverty.iter().map(|&i| d.poverty[i].prov));
            sources.extend(p.disability.iter().map(|&i| d.disability[i].prov));
            sources.extend(p.visits.iter().map(|&i| d.visits[i].prov));
            let f = &ctx.facts[o];
            poverty = f.poverty;
            if f.disabled {
                category = f.disability_category.or(category);
                grade = f.disability_grade;
            }
        }
        let (unit, responsible, phone) = ctx.responsible(&r.school, &town);
        out.push(Case {
            case_id: case_id(Problem::EnrolledNotInCensus, &key),
            problem: Problem::EnrolledNotInCensus,
            person: owner,
            student: Some(s),
            village,
            group,
            district,
            town,
            householder: String::new(),
            name: r.name.to_string(),
            sex: r.sex.map(|x| x.label().to_string()).unwrap_or_default(),
            id_number: r.id.text.to_string(),
            birth: r.birth,
            poverty,
            disability_category: category,
            disability_grade: grade,
            description: format!("学籍在读（{}），户籍或住址在本区，但大清查表中未登记", r.placement()),
            evidence,
            match_method: "none".to_string(),
            score: None,
            school: r.school.to_string(),
            student_no: r.student_no.to_string(),
            responsible_unit: unit,
            responsible_person: responsible,
            responsible_phone: phone,
            contacts: Default::default(),
            deadline: ctx.plan.params.deadline(),
            sources,
            earlier_sources: String::new(),
            person_ref: super::person_ref(&key),
            history: Default::default(),
            roster: None,
        });
    }
}
