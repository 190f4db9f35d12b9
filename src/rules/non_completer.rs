//! non_completer — 2015年以来辍学未完成义务教育.
//!
//! Rule: a person in the census or on the poverty register (any age), alive, with no valid
//! exemption, not in school by the state read from all of their 学籍 rows and with no
//! 学籍状态矛盾 (enrollment_conflict), whose 学籍 history has a 辍学 / 退学 / 其他离校 event dated on or after
//! dropout_since (or undated) with no later active event (在读, 转入, 复学, 休学, 借读)
//! and no 初中毕业 record at all: completing junior school completes compulsory education,
//! whatever the order of the records' dates. Also a poverty-register person of compulsory-school age at some time
//! since dropout_since whose 在校生状况 is 非在校生 and who has no 学籍 record at all.
//! May coexist with not_enrolled / out_of_area_unverified / disabled_unplaced.

use super::facts::fmt_date;
use super::window;
use super::{Case, Ctx, Problem};
use crate::normalize::values::PovertySchooling;
use crate::people::Origin;

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    let params = &ctx.plan.params;
    for (i, p) in ctx.people.persons.iter().enumerate() {
        let f = &ctx.facts[i];
        if !matches!(p.origin, Origin::Census | Origin::PovertyOnly) || !f.alive || f.valid_exemption.is_some() {
            continue;
        }
        if let Some(link) = &p.student {
            // A student in school by the state read from all rows, or whose rows contradict
            // each other (enrollment_conflict), is not judged on one of them.
            if f.active || f.conflict {
                continue;
            }
            let student = &ctx.people.students[link.student];
            let recs = &ctx.data.enrollment;
            // The last dropout-type event since the 大清理 start…
            let Some(pos) = student.records.iter().rposition(|&r| {
                recs[r].status.is_some_and(|s| s.is_dropout())
                    && recs[r].status_date.is_none_or(|d| d >= params.dropout_since)
            }) else {
                continue;
            };
            // …with nothing after it that returned the child to school or completed it.
            let returned = student.records[pos + 1..]
                .iter()
                .any(|&r| recs[r].status.is_some_and(|s| s.is_active()) || recs[r].is_junior_graduation());
            if returned || student.completed_junior(recs) {
                continue;
            }
            let r = &recs[student.records[pos]];
            let when = r.status_date.map(fmt_date).unwrap_or_else(|| "日期不详".to_string());
            let description = format!(
                "{}（{when}）{}，此后无复学或初中毕业记录",
                r.placement(),
                r.status.map(|s| s.label()).unwrap_or("离校")
            );
            out.push(ctx.person_case(Problem::NonCompleter, i, description));
        } else if p.student.is_none() && !p.poverty.is_empty() {
            let Some(birth) = p.birth else { continue };
            let not_in_school =
                p.poverty.iter().any(|&k| ctx.data.poverty[k].schooling == Some(PovertySchooling::NotInSchool));
            if not_in_school && window::compulsory_since(birth, params) {
                let description = format!(
                    "建档立卡在校生状况为“非在校生”，{}出生，2015年以来处于义务教育年龄，学籍系统无任何记录",
                    fmt_date(birth)
                );
                out.push(ctx.person_case(Problem::NonCompleter, i, description));
            }
        }
    }
}
