//! disabled_unplaced — 残疾儿童少年未安置.
//!
//! Rule: a disabled person (census 是否残疾 = 是 or a 残疾类别, or on the disability list), in
//! the window, alive, with no active 学籍 (special schools, special classes and 随班就读 all
//! have 学籍) and no 学籍状态矛盾 (that is enrollment_conflict), not on the 送教上门 roster, no 初中毕业 record, no valid exemption and no
//! expired one (that is exemption_expired). A census child of unknown birth date is judged
//! as if in the window (see not_enrolled).

use super::facts::fmt_date;
use super::{Case, Ctx, Problem};
use crate::normalize::values::disability_category_label;

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    for (i, p) in ctx.people.persons.iter().enumerate() {
        let f = &ctx.facts[i];
        if !f.disabled
            || !f.judged()
            || !f.alive
            || f.active
            || f.conflict
            || f.on_roster
            || f.completed_junior
            || f.valid_exemption.is_some()
            || f.expired_exemption.is_some()
        {
            continue;
        }
        let kind = f.disability_category.map(disability_category_label).unwrap_or("残疾");
        let grade = f.disability_grade.map(|g| format!("{g}级")).unwrap_or_default();
        let mut description = format!(
            "{kind}{grade}适龄儿童（{}），无在籍学籍、未列入送教上门名册、无有效缓学/免学",
            p.birth.map(|b| format!("{}出生", fmt_date(b))).unwrap_or_else(|| "出生日期不明".to_string())
        );
        if !p.disability.is_empty() && p.listings.is_empty() {
            description.push_str("；清查表未登记，见于残疾人名单");
        }
        if let Some(claim) = f.unsupported_claim() {
            description.push_str(&format!("；清查表填报“{claim}”，但无审批或送教记录，不予采信"));
        }
        if let Some(summary) = f.student_summary() {
            description.push_str(&format!("；{summary}"));
        }
        let mut case = ctx.person_case(Problem::DisabledUnplaced, i, description);
        if let Some(note) = f.birth_note() {
            case.evidence = format!("{note}；{}", case.evidence);
        }
        out.push(case);
    }
}
