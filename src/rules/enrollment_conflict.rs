//! enrollment_conflict — 学籍状态矛盾.
//!
//! Rule: a 学籍 student whose rows cannot be read as one history (README 学籍状态的认定):
//! 在读/休学 at two schools at once in the same grade with no 转入 or 转出 to say which is
//! current; a 辍学/退学/其他离校/死亡 at one school later than the 在读 at another (by grade,
//! else by 异动日期), or not orderable against it (same grade, neither dated); or one
//! 全国学籍号 carrying two different valid ID numbers (one case, on the first of the two
//! students). A data fault for the schools to settle: the case names both rows and their
//! schools, the school of the current row is the responsible unit, and the child gets no
//! not_enrolled / disabled_unplaced / exemption_expired / non_completer case on these rows.
//! Placed where the linked person is placed, else at the student's 户口所在地 or 现住址 in
//! the district, else with no town (区教委).

use super::{case_id, Case, Ctx, Problem};
use crate::sources::enrollment::census_town;
use crate::sources::state::ConflictKind;

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    let recs = &ctx.data.enrollment;
    for (s, student) in ctx.people.students.iter().enumerate() {
        let Some(conflict) = student.conflict() else { continue };
        let [mine, other] = conflict.rows;
        // The two students of one 学籍号 share one case.
        if conflict.kind == ConflictKind::TwoIds && other < mine {
            continue;
        }
        let (a, b) = (&recs[mine], &recs[other]);
        let description = format!(
            "学籍状态矛盾（{}）：{}；{}",
            conflict.kind.label(),
            crate::sources::state::row_sentence(a),
            crate::sources::state::row_sentence(b)
        );
        let mut sources: Vec<_> = student.records.iter().map(|&i| recs[i].prov).collect();
        if !student.records.contains(&other) {
            sources.push(b.prov);
        }
        let school = recs[student.current].school.to_string();
        let owner = ctx.people.student_owner[s];
        if let Some(o) = owner {
            let mut case = ctx.person_case(Problem::EnrollmentConflict, o, description);
            let (unit, person, phone) = ctx.responsible(&school, &case.town);
            case.responsible_unit = unit;
            case.responsible_person = person;
            case.responsible_phone = phone;
            for p in sources {
                if !case.sources.contains(&p) {
                    case.sources.push(p);
                }
            }
            out.push(case);
            continue;
        }
        let r = &recs[student.current];
        let towns = &ctx.people.towns;
        let home = r.home_district.as_str();
        let placed =
            [&r.hukou, r.current()].into_iter().find_map(|addr| census_town(addr, home, towns).map(|t| (addr, t)));
        // Not placed: the school's district (区教委 of that district).
        let inferred = match placed {
            Some(_) => crate::sources::district::home_evidence(r),
            None => crate::sources::district::school_evidence(r),
        };
        let (district, town, village, group) = match placed {
            Some((addr, town)) => (
                home.to_string(),
                town.to_string(),
                addr.village.as_deref().unwrap_or_default().to_string(),
                addr.group.map(|g| format!("{g}社")).unwrap_or_default(),
            ),
            None => (r.district.to_string(), String::new(), String::new(), String::new()),
        };
        let key = match r.id.valid() {
            Some(id) => id.to_string(),
            None if !r.student_no.is_empty() => r.student_no.to_string(),
            None => format!("{}|{:?}|{}", r.name, r.birth, r.school),
        };
        let (unit, responsible, phone) = ctx.responsible(&school, &town);
        out.push(Case {
            case_id: case_id(Problem::EnrollmentConflict, &key),
            problem: Problem::EnrollmentConflict,
            person: None,
            student: Some(s),
            district,
            town,
            village,
            group,
            householder: String::new(),
            name: r.name.to_string(),
            sex: r.sex.map(|x| x.label().to_string()).unwrap_or_default(),
            id_number: r.id.text.to_string(),
            birth: r.birth,
            poverty: false,
            disability_category: r.disability_type,
            disability_grade: None,
            description,
            evidence: match inferred {
                Some(how) => format!("清查表中未找到该生（已按身份证号、姓名、出生日期、住址比对）；{how}"),
                None => "清查表中未找到该生（已按身份证号、姓名、出生日期、住址比对）".to_string(),
            },
            match_method: "none".to_string(),
            score: None,
            school,
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
