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
    // Who else wants each candidate record (two children tied over one record).
    let mut wanted: std::collections::HashMap<usize, Vec<(usize, f64)>> = std::collections::HashMap::new();
    for (i, p) in ctx.people.persons.iter().enumerate() {
        if p.student.is_none() {
            for r in &p.reviews {
                wanted.entry(r.student).or_default().push((i, r.score));
            }
        }
    }
    for (i, p) in ctx.people.persons.iter().enumerate() {
        if p.student.is_some() || p.reviews.is_empty() {
            continue;
        }
        let best = p.reviews.iter().max_by(|a, b| a.score.total_cmp(&b.score)).expect("non-empty");
        let r = &ctx.data.enrollment[ctx.people.students[best.student].current];
        // The score stays in cases.csv and linkage_model.json; a town reads what agrees
        // (匹配依据) and, for a tie, who the other candidate is.
        let mut description = format!("疑似为学籍学生：{}（{}），请核对是否同一人", r.name, r.placement());
        let same = |score: f64| (score - best.score).abs() < 1e-9;
        if let Some(other) = p.reviews.iter().find(|o| o.student != best.student && same(o.score)) {
            let o = &ctx.data.enrollment[ctx.people.students[other.student].current];
            description.push_str(&format!("；另一条学籍记录同样相符：{}（{}）", o.name, o.placement()));
        } else if let Some(&(k, _)) =
            wanted.get(&best.student).into_iter().flatten().find(|&&(k, score)| k != i && same(score))
        {
            let q = &ctx.people.persons[k];
            description.push_str(&format!(
                "；{}的{}（{}{}）与这条学籍记录同样相符",
                q.origin.label(),
                q.name,
                q.town,
                q.village
            ));
        }
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
