//! exemption_expired — 缓学/免学已过期.
//!
//! Rule: a person in the window, alive, with no active 学籍 and no 初中毕业 record, whose
//! latest 缓学/免学 ended before as_of (its 有效期至 < as_of; without 有效期至, a 缓学 ends
//! `deferral_term_days` after 批准日期 and a 免学 never) and who has none in force.
//! It takes the place of not_enrolled / disabled_unplaced / out_of_area_unverified for
//! that person: the action is to re-assess (enrol, or renew the approval). A census child
//! of unknown birth date is judged as if in the window (see not_enrolled).

use super::{Case, Ctx, Problem};

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    for (i, _) in ctx.people.persons.iter().enumerate() {
        let f = &ctx.facts[i];
        let Some(e) = f.expired_exemption else { continue };
        if !f.judged() || !f.alive || f.active || f.conflict || f.completed_junior || f.valid_exemption.is_some() {
            continue;
        }
        let kind = e.kind.map(|k| k.label()).unwrap_or("缓学/免学");
        let mut description = format!("{kind}有效期至{}，已过期，仍未入学", f.exemption_until(e));
        if let Some(summary) = f.student_summary() {
            description.push_str(&format!("；{summary}"));
        }
        let mut case = ctx.person_case(Problem::ExemptionExpired, i, description);
        case.sources.push(e.prov);
        if let Some(note) = f.birth_note() {
            case.evidence = format!("{note}；{}", case.evidence);
        }
        out.push(case);
    }
}
