//! suspension_overdue — 休学超期未复学.
//!
//! Rule: a person in the census or on one of the other lists, linked to a 学籍 whose
//! current status is 休学, dated (异动日期) more than `suspension_max_days` (default 365)
//! before as_of, with no 复学 or other status since; alive, with no 初中毕业 record and no
//! valid 缓学/免学. 休学 keeps the 学籍 (the child counts as enrolled for every other rule),
//! but a child away from school for more than a school year is itself a case to check. An
//! undated 休学 (a current export with no 异动日期) cannot be timed and is not raised.

use super::facts::fmt_date;
use super::{Case, Ctx, Problem};

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    let params = &ctx.plan.params;
    for i in 0..ctx.people.persons.len() {
        let f = &ctx.facts[i];
        let Some(since) = f.suspended_since else { continue };
        if !f.alive || f.completed_junior || f.valid_exemption.is_some() {
            continue;
        }
        let days = (params.as_of - since).num_days();
        if days <= i64::from(params.suspension_max_days) {
            continue;
        }
        let place = f.current.map(|r| r.placement()).unwrap_or_default();
        let description = format!(
            "{place}于{}休学，至基准日已{days}天（超过{}天）未见复学记录",
            fmt_date(since),
            params.suspension_max_days
        );
        out.push(ctx.person_case(Problem::SuspensionOverdue, i, description));
    }
}
