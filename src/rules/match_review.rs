//! match_review — 疑似匹配待核实.
//!
//! Rule: a person with no linked 学籍 student whose best-scoring candidate among the 学籍
//! records nobody is linked to scored at least the review threshold of the linkage model
//! and was not linked: below accept; or at or above accept but tied with another candidate
//! of the same score (two children wanting one record, or one child two records); or
//! carrying a valid ID different from the child's (never linked, whatever the score). The
//! case shows the candidate, with its school's responsible people; the town confirms or
//! rejects it.

use super::{Case, Ctx, Problem};

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    for (i, p) in ctx.people.persons.iter().enumerate() {
        if p.student.is_some() || p.reviews.is_empty() {
            continue;
        }
        let best = p.reviews.iter().max_by(|a, b| a.score.total_cmp(&b.score)).expect("non-empty");
        let r = &ctx.data.enrollment[ctx.people.students[best.student].current];
        let description =
            format!("疑似为学籍学生：{}（{}），得分{:.1}，请核对是否同一人", r.name, r.placement(), best.score);
        let mut case = ctx.person_case(Problem::MatchReview, i, description);
        case.evidence = super::list_evidence(format!("{} → 候选学籍：{}", best.evidence, r.placement_and_number()), p);
        case.match_method = "fuzzy".to_string();
        case.score = Some(best.score);
        case.school = r.school.to_string();
        case.student_no = r.student_no.to_string();
        case.student = Some(best.student);
        // The case names the candidate's school: its 包校人员 is responsible, as for any
        // case with a school (person_case looked up the person's own school, or the town).
        (case.responsible_unit, case.responsible_person, case.responsible_phone) =
            ctx.responsible(&case.school, &case.town);
        out.push(case);
    }
}
