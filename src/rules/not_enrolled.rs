//! not_enrolled — 适龄未入学/疑似失学, and its variant out_of_area_unverified — 县外就读待核实.
//!
//! Rule: a person from the census (or on the poverty register and in no census sheet), in
//! the window (born within [birth_from, birth_to] and due in school on as_of), alive, not
//! disabled, not on the 送教上门 roster, with no active 学籍 (the state read from all of the
//! student's rows, see README 学籍状态的认定), no 学籍状态矛盾 (that is enrollment_conflict), no 初中毕业 record, no valid
//! exemption and no expired one (that is exemption_expired). A census child whose birth
//! date is unknown (no usable ID, no 出生日期) cannot be placed in the window: recall comes
//! first, so it is judged as if it were in it, and the evidence asks the town to check. When the census says the
//! child studies outside the district (县外/市外/省外就读), the case is
//! out_of_area_unverified instead. A claim of 缓学/免学/送教上门 with no approval or roster
//! entry is ignored and quoted in the evidence.

use super::facts::fmt_date;
use super::window::entry_date;
use super::{Case, Ctx, Problem};
use crate::link::people::Origin;

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    for (i, p) in ctx.people.persons.iter().enumerate() {
        let f = &ctx.facts[i];
        if !matches!(p.origin, Origin::Census | Origin::PovertyOnly) {
            continue;
        }
        if !f.judged()
            || !f.alive
            || f.disabled
            || f.on_roster
            || f.active
            || f.conflict
            || f.completed_junior
            || f.valid_exemption.is_some()
            || f.expired_exemption.is_some()
        {
            continue;
        }
        let mut description = match p.birth {
            Some(birth) => {
                format!("适龄儿童（{}出生，{}起应入学），无在籍学籍", fmt_date(birth), fmt_date(entry_date(birth)))
            }
            None => "出生日期不明，无在籍学籍，无法确认是否适龄".to_string(),
        };
        if let Some(summary) = f.student_summary() {
            description.push_str(&format!("；{summary}"));
        }
        let problem = if f.claims_out_of_area() {
            let (_, text) = f.claim.expect("claim present");
            description.push_str(&format!("；清查表填报“{text}”，需取得就读证明"));
            Problem::OutOfAreaUnverified
        } else {
            Problem::NotEnrolled
        };
        if let Some(claim) = f.unsupported_claim() {
            description.push_str(&format!("；清查表填报“{claim}”，但无审批或送教记录，不予采信"));
        }
        let mut case = ctx.person_case(problem, i, description);
        if let Some(note) = f.birth_note() {
            case.evidence = format!("{note}；{}", case.evidence);
        }
        out.push(case);
    }
}
