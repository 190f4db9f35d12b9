//! id_invalid — 身份证号错误.
//!
//! Rule: a census person any of whose listings carries an ID that is not valid (wrong check
//! character, impossible birth date — not a real date, or after the 基准日 —, wrong length
//! or characters, a number Excel stored as a float and so lost its last digits, missing, or
//! an L/J 学籍号 in the ID column), or
//! whose 学籍 record was linked by a repaired ID because the 学籍 side was mistyped (or both
//! sides are well formed and differ). One case per person; the description names every
//! fault and, where linkage found it, the correction.

use super::{Case, Ctx, Problem};
use crate::normalize::id_number::{differing_positions, IdStatus};
use crate::people::Origin;

pub fn check(ctx: &Ctx, out: &mut Vec<Case>) {
    for (i, p) in ctx.people.persons.iter().enumerate() {
        if p.origin != Origin::Census {
            continue;
        }
        let mut faults = Vec::new();
        for &l in &p.listings {
            let rec = &ctx.data.census[l];
            if rec.id.is_valid() {
                continue;
            }
            let what = match rec.id.status {
                IdStatus::Missing => "清查表身份证号缺失".to_string(),
                IdStatus::Damaged => "清查表身份证号被存为数字（科学计数法），末几位已丢失".to_string(),
                _ => format!("清查表身份证号{}", rec.id.fault()),
            };
            faults.push(what);
        }
        if p.id_shared {
            faults.push("身份证号与清查表中另一不同姓名的人相同，需核对户口簿".to_string());
        }
        if let Some(link) = &p.student {
            let correct = ctx.people.students[link.student]
                .records
                .iter()
                .map(|&r| &ctx.data.enrollment[r].id)
                .find(|id| id.is_valid());
            if link.census_id_wrong {
                if let Some(ok) = correct {
                    let pos = listing_positions(ctx, p, &ok.text);
                    faults.push(format!("{pos}与学籍不一致，学籍中为 {}（校验通过）", ok.text));
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
            if link.ids_disagree {
                faults.push("清查表与学籍身份证号均能通过校验但不一致，需核对户口簿".to_string());
            }
        }
        if faults.is_empty() {
            continue;
        }
        faults.dedup();
        out.push(ctx.person_case(Problem::IdInvalid, i, faults.join("；")));
    }
}

fn listing_positions(ctx: &Ctx, p: &crate::people::Person, correct: &str) -> String {
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
