//! completion_unknown — 义务教育完成情况待核实.
//!
//! Rule: a person on the poverty register, born before birth_from (older than the clearance
//! window, so no window rule judges them) and of compulsory-school age at some time since
//! dropout_since, alive, with no valid exemption, whose completion the data shows neither
//! way: no dropout row (that is non_completer; nor a candidate 学籍 record with one, which
//! match_review asks about), no active 学籍, no 学籍状态矛盾
//! (enrollment_conflict) and no 初中毕业 record, no
//! 文化程度 of 初中 or above on the register, and no 在校生状况 beyond compulsory school
//! (高中, 中职, …). Lower priority than every other code: it keeps every poverty-register
//! youth checked 逐人 without calling them a dropout. The description gives what the
//! register says (在校生状况, 文化程度 below 初中 where written).

use super::non_completer::dropout_row;
use super::{window, Case, Ctx, Problem};
use crate::normalize::values::{Education, PovertySchooling};

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    let params = &ctx.plan.params;
    let recs = &ctx.data.enrollment;
    for (i, p) in ctx.people.persons.iter().enumerate() {
        if p.poverty.is_empty() {
            continue;
        }
        let f = &ctx.facts[i];
        let Some(birth) = p.birth else { continue };
        if birth >= params.birth_from || !window::compulsory_since(birth, params) {
            continue;
        }
        if !f.alive || f.valid_exemption.is_some() || f.active || f.conflict || f.completed_junior {
            continue;
        }
        let student = p.student.as_ref().map(|l| &ctx.people.students[l.student]);
        if student.is_some_and(|s| dropout_row(s, recs, params).is_some()) {
            continue;
        }
        // A candidate 学籍 record with a dropout (match_review asks whether it is this
        // person; the record is a non_completer case of its own): not a second case.
        let students = &ctx.people.students;
        if student.is_none() && p.reviews.iter().any(|r| dropout_row(&students[r.student], recs, params).is_some()) {
            continue;
        }
        let rows: Vec<_> = p.poverty.iter().map(|&k| &ctx.data.poverty[k]).collect();
        if rows
            .iter()
            .any(|r| r.education == Some(Education::Completed) || r.schooling == Some(PovertySchooling::Beyond))
        {
            continue;
        }
        let mut said = Vec::new();
        if let Some(r) = rows.iter().find(|r| !r.schooling_text.is_empty()) {
            said.push(format!("在校生状况为“{}”", r.schooling_text));
        }
        if rows.iter().any(|r| r.education == Some(Education::Below)) {
            said.push("文化程度低于初中".to_string());
        } else {
            said.push("未填文化程度".to_string());
        }
        let record = if student.is_some() {
            "学籍中无辍学记录，也无初中毕业记录"
        } else {
            "学籍系统无任何记录"
        };
        let description = format!(
            "建档立卡{}，{}出生，2015年以来处于义务教育年龄，{record}：是否已完成义务教育无法确认，请逐人核实",
            said.join("、"),
            super::facts::fmt_date(birth)
        );
        out.push(ctx.person_case(Problem::CompletionUnknown, i, description));
    }
}
