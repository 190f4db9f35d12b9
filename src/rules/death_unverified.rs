//! death_unverified — 死亡待核实.
//!
//! Rule: a census child whose 就学状态 says 死亡 while no 学籍 row of theirs does (a
//! household's word, unlike 缓学 and 送教上门 claims, would otherwise be believed with
//! nothing behind it), in the window (or of unknown birth date) or of compulsory-school age
//! at some time since dropout_since. The child is not dropped: the case asks the town for a
//! death certificate or a cancelled 户籍. The other rules treat the child as dead (a real
//! death must not send a town on a second errand), so this is the child's only case; it
//! comes last of all (low priority) and has its own sheet. A 核实结果 of 死亡 closes it.

use super::window;
use super::{Case, Ctx, Problem};
use crate::link::people::Origin;

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    let params = &ctx.plan.params;
    for (i, p) in ctx.people.persons.iter().enumerate() {
        let f = &ctx.facts[i];
        if !f.death_unverified || p.origin != Origin::Census {
            continue;
        }
        let of_age = f.judged() || p.birth.is_some_and(|b| window::compulsory_since(b, params));
        if !of_age {
            continue;
        }
        let mut description = "清查表就学状态填报为“死亡”，学籍中无死亡记录，需取得死亡证明或户籍注销证明".to_string();
        if let Some(summary) = f.student_summary() {
            description.push_str(&format!("；{summary}"));
        }
        let mut case = ctx.person_case(Problem::DeathUnverified, i, description);
        if let Some(note) = f.birth_note() {
            case.evidence = format!("{note}；{}", case.evidence);
        }
        out.push(case);
    }
}
