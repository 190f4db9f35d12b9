//! match_review — 疑似匹配待核实.
//!
//! Rule: a person with no linked 学籍 student for whom a 学籍 record scored between the
//! review and accept thresholds of the linkage model. The case shows the candidate; the
//! town confirms or rejects it.

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
        case.evidence = format!("{} → 候选学籍：{}", best.evidence, r.placement());
        case.match_method = "fuzzy".to_string();
        case.score = Some(best.score);
        case.school = r.school.clone();
        case.student_no = r.student_no.clone();
        case.student = Some(best.student);
        out.push(case);
    }
}
