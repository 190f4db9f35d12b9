//! The verification round trip: towns return their ledgers with 核实结果 / 核实说明 /
//! 整改情况 filled in, and the next run applies them.
//!
//! Two moments in the pipeline: [`apply_corrections`] runs before linking (a
//! 身份证号或姓名错误 outcome with a corrected ID or name in 核实说明 is applied to the
//! census record), and [`apply_outcomes`] runs after the rules (settling outcomes close
//! cases; others leave them open with the note carried; history is carried from the
//! previous run). A returned row that matches no case is reported, never ignored.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::history::{self, PastRun};
use crate::normalize::id_number::{self, IdNumber};
use crate::normalize::values::Outcome;
use crate::rules::{Case, Problem};
use crate::sources::{Data, VerificationRec};
use crate::table::{Inputs, Prov};

/// A correction applied to a census record.
#[derive(Clone, Debug)]
pub struct Correction {
    /// The returned row it came from.
    pub from: Prov,
    /// The census record corrected.
    pub census: usize,
    pub new_id: Option<String>,
    pub new_name: Option<String>,
}

/// A returned row that could not be applied, and why. No personal data.
#[derive(Clone, Debug, Serialize)]
pub struct Unmatched {
    pub file: String,
    pub sheet: String,
    pub row: u32,
    pub case_id: String,
    pub reason: String,
}

/// What the round trip did, for run.json, the summary workbook and the console.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VerifyReport {
    /// Returned rows read.
    pub rows: usize,
    /// Rows with something filled in.
    pub filled: usize,
    /// Filled rows applied to a case of this run.
    pub applied: usize,
    /// Cases closed (销号) in this run.
    pub closed: usize,
    /// Cases a returned row left open (outcome needs more evidence).
    pub kept_open: usize,
    /// Corrections applied to census records before linking.
    pub corrections: usize,
    /// Rows whose case the previous run had but this run no longer raises (resolved).
    pub resolved_since: usize,
    /// Filled rows already counted in an earlier run (a returned ledger of an earlier month
    /// still in the folder, or an 已销号 row read back): skipped.
    pub stale: usize,
    pub unmatched: Vec<Unmatched>,
}

/// Finds an 18-character ID in free text (after NFKC; spaces inside allowed), valid on the
/// run's 基准日 `as_of`.
pub fn find_id(text: &str, as_of: NaiveDate) -> Option<IdNumber> {
    let cleaned = id_number::clean(text);
    let chars: Vec<char> = cleaned.chars().collect();
    for start in 0..chars.len() {
        if start + 18 > chars.len() {
            break;
        }
        let cand: String = chars[start..start + 18].iter().collect();
        let id = id_number::parse(&cand).judged_on(as_of);
        if id.is_valid() {
            return Some(id);
        }
    }
    None
}

/// Finds a corrected name: `姓名应为张三`, `正确姓名：张三`, `姓名更正为张三`, `应为张三`.
pub fn find_name(text: &str) -> Option<String> {
    let s = crate::normalize::compact(text);
    for marker in
        ["姓名应为", "正确姓名为", "正确姓名:", "正确姓名：", "正确姓名", "姓名更正为", "姓名为", "更正为", "应为"]
    {
        if let Some(pos) = s.find(marker) {
            let rest = &s[pos + marker.len()..];
            let name: String = rest.chars().take_while(|c| is_han(*c) || *c == '·').take(6).collect();
            if name.chars().count() >= 2 {
                return Some(crate::normalize::name::normalize(&name));
            }
        }
    }
    None
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Applies 身份证号或姓名错误 corrections to the census records they name. The record is
/// found by name plus the listed ID, else by name plus town and village; an ambiguous or
/// unknown target is reported.
pub fn apply_corrections(
    data: &mut Data,
    inputs: &Inputs,
    as_of: NaiveDate,
    report: &mut VerifyReport,
) -> Vec<Correction> {
    let mut out = Vec::new();
    for v in &data.verification {
        if v.outcome != Some(Outcome::IdOrNameWrong) {
            continue;
        }
        let new_id = find_id(&v.outcome_note, as_of).map(|id| id.text);
        let new_name = find_name(&v.outcome_note);
        if new_id.is_none() && new_name.is_none() {
            report.unmatched.push(unmatched(
                inputs,
                v,
                "核实结果为“身份证号或姓名错误”，但核实说明中没有可识别的正确身份证号或姓名",
            ));
            continue;
        }
        let listed = id_number::clean(&v.id_text);
        let by_id: Vec<usize> =
            (0..data.census.len()).filter(|&i| !listed.is_empty() && data.census[i].id.text == listed).collect();
        let targets = if !by_id.is_empty() {
            by_id
        } else {
            (0..data.census.len())
                .filter(|&i| {
                    let c = &data.census[i];
                    c.name == v.name && !v.name.is_empty() && c.town == v.town && c.village == v.village
                })
                .collect()
        };
        if targets.is_empty() {
            report.unmatched.push(unmatched(
                inputs,
                v,
                "更正未能应用：清查表中找不到该儿童（按原身份证号或姓名+镇街+村）",
            ));
            continue;
        }
        for &t in &targets {
            let rec = &mut data.census[t];
            if let Some(id) = &new_id {
                rec.id = id_number::parse(id).judged_on(as_of);
                rec.birth = rec.id.birth().or(rec.birth);
                rec.sex = rec.sex.or_else(|| rec.id.sex());
            }
            if let Some(name) = &new_name {
                rec.name = name.clone();
            }
            out.push(Correction { from: v.prov, census: t, new_id: new_id.clone(), new_name: new_name.clone() });
        }
        report.corrections += 1;
    }
    out
}

fn unmatched(inputs: &Inputs, v: &VerificationRec, reason: &str) -> Unmatched {
    let (file, sheet) = inputs.locate(v.prov);
    Unmatched {
        file: file.to_string(),
        sheet: sheet.to_string(),
        row: v.prov.row,
        case_id: v.case_id.clone(),
        reason: reason.to_string(),
    }
}

/// Whether 核实说明 names a school (needed before 已在校就读并注册学籍 closes a case).
pub fn names_school(note: &str) -> bool {
    ["学校", "小学", "中学", "初中", "学院", "特校", "特教", "学堂", "附中", "一中", "二中", "实验"]
        .iter()
        .any(|k| note.contains(k))
}

/// Applies returned outcomes and carries history from the previous run.
pub fn apply_outcomes(
    cases: &mut [Case],
    data: &Data,
    inputs: &Inputs,
    previous: Option<&PastRun>,
    label: &str,
    corrections: &[Correction],
    report: &mut VerifyReport,
) {
    let past = previous.map(PastRun::by_id).unwrap_or_default();
    let past_identity = previous.map(PastRun::by_identity).unwrap_or_default();
    // History first: first seen, times returned, closure, last outcome.
    for c in cases.iter_mut() {
        let birth = c.birth.map(|b| b.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let same = past.get(c.case_id.as_str()).copied().or_else(|| {
            past_identity.get(&history::identity(c.problem.label(), &c.name, &birth, &c.town, &c.village)).copied()
        });
        match same {
            Some(p) => {
                c.history.first_seen = if p.first_seen.is_empty() {
                    previous.map(|r| r.label.clone()).unwrap_or_default()
                } else {
                    p.first_seen.clone()
                };
                c.history.times_returned = p.times_returned;
                c.history.last_outcome = p.last_outcome.clone();
                c.history.outcome_note = p.outcome_note.clone();
                c.history.closed = p.closed;
                c.history.closed_in = p.closed_in.clone();
            }
            None => c.history.first_seen = label.to_string(),
        }
    }
    let by_id: HashMap<String, usize> = cases.iter().enumerate().map(|(i, c)| (c.case_id.clone(), i)).collect();
    let now_identity: HashMap<String, usize> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let birth = c.birth.map(|b| b.format("%Y-%m-%d").to_string()).unwrap_or_default();
            (history::identity(c.problem.label(), &c.name, &birth, &c.town, &c.village), i)
        })
        .collect();
    let mut by_person: HashMap<(String, Problem), usize> = HashMap::new();
    for (i, c) in cases.iter().enumerate() {
        if !c.id_number.is_empty() {
            by_person.entry((c.id_number.clone(), c.problem)).or_insert(i);
        }
    }
    let past_by_person: HashMap<(String, String), &str> = previous
        .map(|r| r.cases.iter().map(|c| ((c.id_number.clone(), c.problem_label.clone()), c.case_id.as_str())).collect())
        .unwrap_or_default();
    let corrected_rows: std::collections::HashSet<Prov> = corrections.iter().map(|c| c.from).collect();
    // What earlier runs had counted for each case, before this run's rows are applied.
    let carried: Vec<(u32, String, String)> = cases
        .iter()
        .map(|c| (c.history.times_returned, c.history.last_outcome.clone(), c.history.outcome_note.clone()))
        .collect();
    // Per case: the row applied and its answer (outcome label, note).
    let mut applied_to: HashMap<usize, (Prov, (String, String))> = HashMap::new();

    report.rows = data.verification.len();
    for v in &data.verification {
        if !v.filled() {
            continue;
        }
        report.filled += 1;
        let problem = Problem::from_label(&v.problem_label);
        let listed = id_number::clean(&v.id_text);
        let target = by_id
            .get(&v.case_id)
            .copied()
            .or_else(|| {
                let p = problem?;
                by_person.get(&(listed.clone(), p)).copied()
            })
            .or_else(|| {
                // The case the row answers was raised last time under another id (the
                // person's ID was corrected since): follow it by its identity.
                let old = past.get(v.case_id.as_str())?;
                now_identity
                    .get(&history::identity(&old.problem_label, &old.name, &old.birth_date, &old.town, &old.village))
                    .copied()
            });
        let Some(i) = target else {
            let known_before = (!v.case_id.is_empty() && past.contains_key(v.case_id.as_str()))
                || past_by_person.contains_key(&(listed.clone(), v.problem_label.clone()));
            if known_before || corrected_rows.contains(&v.prov) {
                // The case was raised before and no longer is: resolved by the data.
                report.resolved_since += 1;
            } else {
                let why = if v.case_id.is_empty() {
                    "按身份证号+问题类型找不到对应案件（本次与上次运行均无此案件）"
                } else {
                    "case_id 在本次和上次运行中都不存在（可能被改动或该儿童已不在清查表中）"
                };
                report.unmatched.push(unmatched(inputs, v, why));
            }
            continue;
        };
        // A row filled in on an earlier issue of the ledger was counted by an earlier run: the
        // ledger prints 反馈次数, so a row showing fewer returns than the case has had is old
        // (returned folders accumulate month after month). Without that column (已销号 sheets),
        // a row repeating the recorded outcome and note exactly is the answer already counted.
        let (times, last, last_note) = &carried[i];
        let note = joined_note(v);
        let stale = match v.times_returned {
            Some(n) => n < *times,
            None => *times > 0 && *last == outcome_label(v) && *last_note == note,
        };
        if stale {
            report.stale += 1;
            continue;
        }
        let answer = (outcome_label(v), note);
        if let Some((first, applied)) = applied_to.get(&i) {
            // The same case filled in on several sheets (全部问题 and a village sheet): the
            // first one read wins. The same answer again is a copy; a different one is noted.
            if *applied != answer {
                let (file, sheet) = inputs.locate(*first);
                let c = &mut cases[i];
                if !c.history.outcome_note.contains("另有重复反馈") {
                    c.history
                        .outcome_note
                        .push_str(&format!("（另有重复反馈，以 {file}［{sheet}］第{}行为准）", first.row));
                }
            }
            continue;
        }
        applied_to.insert(i, (v.prov, answer.clone()));
        report.applied += 1;
        let c = &mut cases[i];
        c.history.times_returned += 1;
        (c.history.last_outcome, c.history.outcome_note) = answer;
        let settles = match v.outcome {
            Some(Outcome::InSchoolRegistered) => names_school(&v.outcome_note),
            Some(o) => o.settles(),
            None => false,
        };
        if settles {
            c.history.closed = true;
            c.history.closed_in = label.to_string();
            report.closed += 1;
        } else {
            c.history.closed = false;
            c.history.closed_in.clear();
            report.kept_open += 1;
        }
    }
}

/// The outcome as recorded in history: the canonical label, else the text as returned.
fn outcome_label(v: &VerificationRec) -> String {
    v.outcome.map(|o| o.label().to_string()).unwrap_or_else(|| v.outcome_text.clone())
}

/// 核实说明 and 整改情况 as one note.
fn joined_note(v: &VerificationRec) -> String {
    [v.outcome_note.as_str(), v.rectification.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("；")
}
