//! id_invalid — 身份证号错误.
//!
//! Rule: a census person any of whose listings carries an ID that is not valid (wrong check
//! character, impossible birth date (not a real date, or after the 基准日), wrong length or characters, a number Excel stored as
//! a float and so lost its last digits, missing, or an L/J 学籍号 in the ID column), or
//! whose valid ID is also that of a census person of another name; and any person (census,
//! or found only on the poverty register, disability list or 送教上门 roster) one of whose
//! records on the other sources carries a mistyped ID: a 学籍 record linked by a repaired
//! ID whose 学籍 side fails its check, or a poverty, disability, 送教上门 or exemption record
//! whose 18-character ID fails its check while the person's ID (or their 学籍's) is valid.
//! The side whose check fails is the mistyped one. One case per person, placed like the
//! person's other cases; 身份证号 shows the ID as listed (the wrong one, for a census
//! listing); the description names every fault and, where linkage found it, the correct
//! number and the list it came from.

use super::{Case, Ctx, Problem};
use crate::link::people::{Origin, Person};
use crate::link::Method;
use crate::normalize::id_number::{differing_positions, IdNumber, IdStatus};
use crate::schema::SourceKind;

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    for (i, p) in ctx.people.persons.iter().enumerate() {
        let mut faults = Vec::new();
        for &l in &p.listings {
            let rec = &ctx.data.census[l];
            if rec.id.is_valid() {
                continue;
            }
            let what = match rec.id.status {
                IdStatus::Missing => "清查表身份证号缺失".to_string(),
                IdStatus::Damaged => match rec.id.birth() {
                    Some(b) => format!(
                        "清查表身份证号被存为数字（科学计数法），末几位已丢失（出生日期按号码前14位为{}，号码不用于比对）",
                        super::facts::fmt_date(b)
                    ),
                    None => "清查表身份证号被存为数字（科学计数法），末几位已丢失".to_string(),
                },
                _ => format!("清查表身份证号{}", rec.id.fault()),
            };
            faults.push(what);
        }
        if p.id_shared && p.origin == Origin::Census {
            faults.push("身份证号与清查表中另一不同姓名的人相同，需核对户口簿".to_string());
        }
        // The census ID was missing or mistyped and another list supplied the valid one.
        if let Some(fill) = &p.id_from {
            if !p.listings.is_empty() {
                let list = fill.kind.label();
                faults.push(match fill.method {
                    Method::RepairedId => format!(
                        "{}与{list}不一致，{list}中为 {}（校验通过）",
                        listing_positions(ctx, p, &p.id.text),
                        p.id.text
                    ),
                    _ => format!("{list}中此人身份证号为 {}（按姓名、出生日期、住址对应，请核实）", p.id.text),
                });
            }
        }
        // Listed twice, once with a valid ID: that listing's ID is the correction.
        if p.id_from.is_none() && p.id.is_valid() && p.listings.iter().any(|&l| !ctx.data.census[l].id.is_valid()) {
            faults.push(format!("清查表另一处登记中此人身份证号为 {}", p.id.text));
        }
        let student_id = p.student.as_ref().and_then(|link| {
            ctx.people.students[link.student]
                .records
                .iter()
                .map(|&r| &ctx.data.enrollment[r].id)
                .find(|id| id.is_valid())
        });
        if let Some(link) = &p.student {
            if !p.id.is_valid() && !p.listings.is_empty() {
                if let Some(ok) = student_id {
                    if link.person_id_wrong {
                        let pos = listing_positions(ctx, p, &ok.text);
                        faults.push(format!("{pos}与学籍不一致，学籍中为 {}（校验通过）", ok.text));
                    } else {
                        faults.push(format!("学籍中此人身份证号为 {}（按姓名、出生日期、住址对应，请核实）", ok.text));
                    }
                }
            }
            if let Some(wrong) = &link.enrollment_id_wrong {
                let pos = differing_positions(wrong, &p.id.text);
                faults.push(format!(
                    "学籍系统身份证号第{}位录入错误（学籍中为 {wrong}，应为 {}）",
                    join_positions(&pos),
                    p.id.text
                ));
            }
        }
        // The other lists' mistyped IDs, against the person's valid ID (or their 学籍's).
        if let Some(correct) = p.id.valid().or(student_id.and_then(IdNumber::valid)) {
            let d = ctx.data;
            let records = p
                .poverty
                .iter()
                .map(|&k| (SourceKind::Poverty, &d.poverty[k].id))
                .chain(p.disability.iter().map(|&k| (SourceKind::Disability, &d.disability[k].id)))
                .chain(p.visits.iter().map(|&k| (SourceKind::HomeTeaching, &d.visits[k].id)))
                .chain(p.exemptions.iter().map(|&k| (SourceKind::Exemption, &d.exemptions[k].id)));
            for (kind, id) in records {
                if let Some(fault) = list_fault(kind, id, correct) {
                    faults.push(fault);
                }
            }
        }
        if faults.is_empty() {
            continue;
        }
        // Visits of one child repeat one mistyped ID on every row: said once.
        let mut seen = std::collections::HashSet::new();
        faults.retain(|f| seen.insert(f.clone()));
        let mut case = ctx.person_case(Problem::IdInvalid, i, faults.join("；"));
        // The ID as the census lists it, wrong as it is (the correction is in the description).
        if let Some(&l) = p.listings.iter().find(|&&l| !ctx.data.census[l].id.is_valid()) {
            case.id_number = ctx.data.census[l].id.text.to_string();
        }
        out.push(case);
    }
}

/// The fault of an other list's record whose 18-character ID fails its check while the
/// person's valid ID is `correct`: `建档立卡名单身份证号第14位有误，应为 …（名单中为 …）`.
fn list_fault(kind: SourceKind, id: &IdNumber, correct: &str) -> Option<String> {
    if id.is_valid() || !matches!(id.status, IdStatus::BadCheck | IdStatus::BadDate) || id.text.len() != 18 {
        return None;
    }
    let list = kind.label();
    let pos = differing_positions(&id.text, correct);
    Some(if pos.len() <= 2 {
        format!("{list}身份证号第{}位有误，应为 {correct}（名单中为 {}）", join_positions(&pos), id.text)
    } else {
        format!("{list}身份证号{}，此人身份证号为 {correct}（名单中为 {}）", id.status.label(), id.text)
    })
}

fn listing_positions(ctx: &Ctx, p: &Person, correct: &str) -> String {
    for &l in &p.listings {
        let id = &ctx.data.census[l].id;
        if !id.is_valid() && id.text.len() == 18 {
            return format!("清查表身份证号第{}位", join_positions(&differing_positions(&id.text, correct)));
        }
    }
    "清查表身份证号".to_string()
}

fn join_positions(pos: &[usize]) -> String {
    pos.iter().map(usize::to_string).collect::<Vec<_>>().join("、")
}
