//! The verification round trip: towns return their ledgers with 核实结果 / 核实说明 /
//! 整改情况 filled in, and the next run applies them.
//!
//! Two moments in the pipeline: [`apply_corrections`] runs before linking (a
//! 身份证号或姓名错误 outcome with a corrected ID or name in 核实说明 is applied to the
//! census record), and [`apply_outcomes`] runs after the rules (settling outcomes close
//! cases; others leave them open with the note carried; history is carried from the
//! previous run, and so are the closed cases the rules no longer raise). A returned row
//! that matches no case is reported, never ignored; so is a row whose case is gone.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::normalize::id_number::{self, IdNumber};
use crate::normalize::values::Outcome;
use crate::roundtrip::history::{self, PastRun};
use crate::rules::{Case, Problem};
use crate::sources::{Data, VerificationRec};
use crate::table::{Inputs, Prov};

/// A correction applied to a census record: what the record said before, and the new ID
/// or name. Personal data: shown in the evidence of the person's cases (ledger and
/// cases.csv), never in messages.
#[derive(Clone, Debug)]
pub struct Correction {
    /// The returned row it came from.
    pub from: Prov,
    /// The census record corrected.
    pub census: usize,
    /// The record's ID text before the correction (empty when it had none, `（已损坏）` for
    /// a number damaged by a numeric cell).
    pub old_id: String,
    pub old_name: String,
    pub new_id: Option<String>,
    pub new_name: Option<String>,
}

impl Correction {
    /// What the correction changed, for the evidence: `清查表身份证号已按镇街核实反馈由 A
    /// 更正为 B，姓名由 X 更正为 Y`. None when the record already held the corrected values
    /// (the census itself was corrected since).
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(id) = self.new_id.as_ref().filter(|id| **id != self.old_id) {
            parts.push(("身份证号", self.old_id.as_str(), id.as_str()));
        }
        if let Some(name) = self.new_name.as_ref().filter(|n| **n != self.old_name) {
            parts.push(("姓名", self.old_name.as_str(), name.as_str()));
        }
        let text: Vec<String> = parts
            .iter()
            .enumerate()
            .map(|(k, (what, old, new))| {
                let old = if old.is_empty() { "（空）" } else { old };
                if k == 0 {
                    format!("{what}已按镇街核实反馈由 {old} 更正为 {new}")
                } else {
                    format!("{what}由 {old} 更正为 {new}")
                }
            })
            .collect();
        (!text.is_empty()).then(|| format!("清查表{}", text.join("，")))
    }
}

/// Shows in the evidence (匹配依据) of every case of a corrected person what the returned
/// ledger corrected in the census record.
pub fn mark_corrections(cases: &mut [Case], people: &crate::link::people::People, corrections: &[Correction]) {
    for c in cases {
        let Some(p) = c.person else { continue };
        let listings = &people.persons[p].listings;
        for corr in corrections.iter().filter(|k| listings.contains(&k.census)) {
            if let Some(what) = corr.describe() {
                c.evidence.push_str(&format!("（{what}）"));
            }
        }
    }
}

/// A returned row the round trip reports: one that could not be applied, and why; or one
/// whose case is gone, and what was done with it. No personal data.
#[derive(Clone, Debug, Serialize)]
pub struct RowNote {
    /// Where it is, for input order.
    #[serde(skip)]
    pub prov: Prov,
    pub file: String,
    pub sheet: String,
    pub row: u32,
    pub case_id: String,
    pub reason: String,
}

/// What the round trip did, for run.json, the summary workbook and the console.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VerifyReport {
    /// Returned rows read (the rows rejected for naming no case included).
    pub rows: usize,
    /// Rows with something filled in.
    pub filled: usize,
    /// Filled rows applied to a case the rules raised in this run.
    pub applied: usize,
    /// Raised cases a returned row closed (销号) in this run by a settling outcome.
    pub closed: usize,
    /// Cases a returned row left open (outcome needs more evidence).
    pub kept_open: usize,
    /// Closures of earlier runs reopened because newer 学籍 / exemption data contradict them.
    pub reopened: usize,
    /// Corrections applied to census records before linking.
    pub corrections: usize,
    /// Rows whose case the previous run had but this run no longer raises (resolved).
    pub resolved_since: usize,
    /// Those rows, each with what was done (file, sheet, row, case_id; no personal data).
    pub resolved_rows: Vec<RowNote>,
    /// Filled rows already counted in an earlier run (a returned ledger of an earlier month
    /// still in the folder, or an 已销号 row read back): skipped.
    pub stale: usize,
    /// Filled rows that could not be applied, in input order.
    pub unmatched: Vec<RowNote>,
    /// Cases answered differently by two rows (two sheets of one return, or two returns):
    /// the first row read was applied, the other is listed here with it.
    pub conflicts: Vec<Conflict>,
}

/// Two returned rows that answer one case differently. The first one read (files by path,
/// sheets in workbook order — 全部问题 first —, rows in order) is the one applied. No
/// personal data: where the rows are, and the outcomes chosen.
#[derive(Clone, Debug, Serialize)]
pub struct Conflict {
    pub case_id: String,
    /// The row applied.
    pub applied: ConflictRow,
    /// The row not applied.
    pub other: ConflictRow,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConflictRow {
    #[serde(skip)]
    pub prov: Prov,
    pub file: String,
    pub sheet: String,
    pub row: u32,
    /// 核实结果 as returned.
    pub outcome: String,
}

impl ConflictRow {
    fn new(inputs: &Inputs, prov: Prov, outcome: &str) -> ConflictRow {
        let (file, sheet) = inputs.locate(prov);
        ConflictRow {
            prov,
            file: file.to_string(),
            sheet: sheet.to_string(),
            row: prov.row,
            outcome: outcome.to_string(),
        }
    }
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
/// found by name plus the listed ID, else by name plus town and village (within the row's
/// district when it names one); an ambiguous or unknown target is reported. Packed census
/// records ([`crate::sources::packed`]) are corrected the same way: the listings a returned
/// row could name (by its ID, its name or the corrected ID) are decoded, corrected and put
/// back.
pub fn apply_corrections(
    data: &mut Data,
    inputs: &Inputs,
    as_of: NaiveDate,
    report: &mut VerifyReport,
) -> Vec<Correction> {
    let Some(packed) = data.packed.as_mut() else {
        return correct(&mut data.census, &data.verification, inputs, as_of, report);
    };
    let asks: Vec<(String, &str, Option<String>)> = data
        .verification
        .iter()
        .filter(|v| v.outcome == Some(Outcome::IdOrNameWrong))
        .map(|v| {
            (
                id_number::clean(&v.id_text),
                v.name.as_str(),
                find_id(&v.outcome_note, as_of).map(|id| id.text.to_string()),
            )
        })
        .collect();
    if asks.is_empty() {
        return Vec::new();
    }
    // The IDs (listed or corrected) and names the rows ask about, looked up once per listing.
    let ids: HashSet<&str> = asks
        .iter()
        .flat_map(|(listed, _, new_id)| [Some(listed.as_str()), new_id.as_deref()])
        .flatten()
        .filter(|id| !id.is_empty())
        .collect();
    let names: HashSet<&str> = asks.iter().map(|a| a.1).filter(|n| !n.is_empty()).collect();
    let mut named = Vec::new();
    packed.census.scan(|i, c| {
        if ids.contains(c.id.text.as_str()) || names.contains(c.name.as_str()) {
            named.push(i);
        }
    });
    let mut census = packed.census.pick(named.iter().copied());
    let mut out = correct(&mut census, &data.verification, inputs, as_of, report);
    for c in &mut out {
        c.census = named[c.census];
    }
    packed.census.put(named.into_iter().zip(census).collect());
    out
}

/// [`apply_corrections`] on a list of census records (`Correction::census` indexes it).
fn correct(
    census: &mut [crate::sources::CensusRec],
    verification: &[VerificationRec],
    inputs: &Inputs,
    as_of: NaiveDate,
    report: &mut VerifyReport,
) -> Vec<Correction> {
    let mut out = Vec::new();
    for v in verification {
        if v.outcome != Some(Outcome::IdOrNameWrong) {
            continue;
        }
        let new_id = find_id(&v.outcome_note, as_of).map(|id| id.text.to_string());
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
            (0..census.len()).filter(|&i| !listed.is_empty() && census[i].id.text == listed).collect();
        let targets = if !by_id.is_empty() {
            by_id
        } else {
            (0..census.len())
                .filter(|&i| {
                    let c = &census[i];
                    // Within the row's district when it names one (two districts may share a
                    // town and village name).
                    c.name == v.name
                        && !v.name.is_empty()
                        && (v.district.is_empty() || c.district == v.district)
                        && c.town == v.town
                        && c.village == v.village
                })
                .collect()
        };
        if targets.is_empty() {
            // The census already holds the corrected ID: corrected since (by the data team, or
            // by another returned row of this run — the same answer read back from an 已销号
            // sheet, say). Nothing is left to do.
            if new_id.as_ref().is_some_and(|id| census.iter().any(|c| c.id.text == *id)) {
                continue;
            }
            report.unmatched.push(unmatched(
                inputs,
                v,
                "更正未能应用：清查表中找不到该儿童（按原身份证号或姓名+镇街+村）",
            ));
            continue;
        }
        for &t in &targets {
            let rec = &mut census[t];
            let old_id = match rec.id.status {
                _ if !rec.id.text.is_empty() => rec.id.text.to_string(),
                id_number::IdStatus::Damaged => "（已损坏）".to_string(),
                _ => String::new(),
            };
            let old_name = rec.name.to_string();
            if let Some(id) = &new_id {
                rec.id = id_number::parse(id).judged_on(as_of);
                rec.birth = rec.id.birth().or(rec.birth);
                rec.sex = rec.sex.or_else(|| rec.id.sex());
            }
            if let Some(name) = &new_name {
                rec.name = name.as_str().into();
            }
            out.push(Correction {
                from: v.prov,
                census: t,
                old_id,
                old_name,
                new_id: new_id.clone(),
                new_name: new_name.clone(),
            });
        }
        report.corrections += 1;
    }
    out
}

fn unmatched(inputs: &Inputs, v: &VerificationRec, reason: &str) -> RowNote {
    row_note(inputs, v.prov, &v.case_id, reason)
}

fn row_note(inputs: &Inputs, prov: Prov, case_id: &str, reason: &str) -> RowNote {
    let (file, sheet) = inputs.locate(prov);
    RowNote {
        prov,
        file: file.to_string(),
        sheet: sheet.to_string(),
        row: prov.row,
        case_id: case_id.to_string(),
        reason: reason.to_string(),
    }
}

/// Words that name a school, or a kind of school, in 核实说明 / 整改情况: what
/// 已在校就读并注册学籍 needs before it closes a case. The README quotes this list.
pub const SCHOOL_WORDS: &[&str] = &[
    "学校",
    "小学",
    "中学",
    "初中",
    "高中",
    "中心校",
    "完小",
    "村小",
    "教学点",
    "九年制",
    "一贯制",
    "附小",
    "附中",
    "一中",
    "二中",
    "三中",
    "实验",
    "学院",
    "院校",
    "学堂",
    "分校",
    "校区",
    "职校",
    "职中",
    "职高",
    "中职",
    "中专",
    "技校",
    "技工",
    "特校",
    "特教",
    "特殊教育",
    "培智",
    "启智",
    "聋校",
    "盲校",
];

/// Words that, in the same clause as a school word, say the child is not (or no longer) at
/// that school: `未在学校就读`, `没有学校`, `荣隆中学辍学`, `在荣隆小学但无学籍`.
pub const NOT_AT_SCHOOL: &[&str] = &[
    "未", "没", "不在", "不是", "不去", "不上", "不读", "不再", "不愿", "不肯", "拒绝", "无学", "无法", "非", "辍学",
    "退学", "休学", "失学", "离校", "转出",
];

/// What separates the clauses of a note: each clause is judged on its own, so that
/// `学籍原在仁义中学已转出，现在荣隆中学就读` names a school (the second clause).
const CLAUSE_BREAKS: &[char] =
    &[',', '，', '.', '。', ';', '；', ':', '：', '!', '！', '?', '？', '、', '(', ')', '（', '）', '\n'];

/// Whether a note (核实说明 and 整改情况) names the school a child attends: some clause
/// holds a [`SCHOOL_WORDS`] word and none of [`NOT_AT_SCHOOL`].
pub fn names_school(note: &str) -> bool {
    let text = crate::normalize::fold(note);
    text.split(CLAUSE_BREAKS).any(|clause| {
        SCHOOL_WORDS.iter().any(|w| clause.contains(w)) && !NOT_AT_SCHOOL.iter().any(|w| clause.contains(w))
    })
}

/// Whether an outcome (with its note: 核实说明 and 整改情况) closes a case.
pub fn settles(outcome: Option<Outcome>, note: &str) -> bool {
    match outcome {
        Some(Outcome::InSchoolRegistered) => names_school(note),
        Some(o) => o.settles(),
        None => false,
    }
}

/// How a closed case came to be closed, for the 已销号 sheet: by a settling outcome, or —
/// a town answered (with any outcome) a case the next run no longer raised — by the data.
/// Read from the recorded outcome, so it is the same in every later run.
pub fn closed_by(c: &Case) -> &'static str {
    let h = &c.history;
    let outcome = Outcome::from_label(&h.last_outcome).or_else(|| Outcome::parse(&h.last_outcome));
    if settles(outcome, &h.outcome_note) {
        "按核实结果销号"
    } else {
        "问题已不再出现，按已解决处理"
    }
}

/// What a closure that still stands after a run on the same 学籍 and exemption export is
/// marked with (cases.csv `closure_note`, 已销号 销号依据).
pub const AWAITS_NEW_DATA: &str = "待新数据核对";

/// 销号依据 as the 已销号 sheet shows it: [`closed_by`], and [`AWAITS_NEW_DATA`] when the
/// rules raised the case again from the export it was closed on.
pub fn closed_by_text(c: &Case) -> String {
    let by = closed_by(c);
    if c.history.closure_note.is_empty() {
        by.to_string()
    } else {
        format!("{by}（{}）", c.history.closure_note)
    }
}

/// The content hash of the run's 学籍 and exemption records (the data a closure's claim can
/// be checked against): SHA-256 over every field of every record as read, in input order, as
/// 16 hex digits. A workbook saved again with the same rows hashes the same (its bytes differ:
/// xlsx files carry their save time). Empty when the run read neither.
pub fn data_hash(data: &Data) -> String {
    use rayon::prelude::*;
    use sha2::{Digest, Sha256};
    use std::fmt::Write as _;
    if data.enrollment_store().is_empty() && data.exemptions.is_empty() {
        return String::new();
    }
    /// Records formatted per parallel piece, and pieces per round: a round holds about
    /// 64 k records' text (tens of megabytes at most) before it is fed to the hasher.
    const PIECE: usize = 1024;
    const ROUND: usize = 64 * PIECE;
    /// Formats the records of `recs` in parallel (the Debug text escapes every character:
    /// the costly part) and feeds them to the hasher in input order, so the digest is that
    /// of the records written one after another.
    fn feed<T: std::fmt::Debug + Sync>(hasher: &mut Sha256, recs: &[T]) {
        for round in recs.chunks(ROUND) {
            let texts: Vec<String> = round
                .par_chunks(PIECE)
                .map(|piece| {
                    let mut text = String::new();
                    for r in piece {
                        let _ = writeln!(text, "{r:?}");
                    }
                    text
                })
                .collect();
            for text in &texts {
                hasher.update(text.as_bytes());
            }
        }
    }
    let mut hasher = Sha256::new();
    match data.enrollment_store() {
        crate::sources::packed::Store::Typed(recs) => feed(&mut hasher, recs),
        // Packed records: each chunk's text in turn, a few chunks decoded at once.
        crate::sources::packed::Store::Packed(p) => p.scan_rounds(
            |recs| {
                let mut text = String::new();
                for r in recs {
                    let _ = writeln!(text, "{r:?}");
                }
                text
            },
            |text| hasher.update(text.as_bytes()),
        ),
    }
    hasher.update(b"--\n");
    feed(&mut hasher, &data.exemptions);
    hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Whether the data can check a closing outcome: 已在校就读并注册学籍 and 已劝返复学 (学籍),
/// 已办理缓学/免学 (the exemption list) when the list holds no exemption for the child.
/// 死亡, 出国在外, 已超出义务教育年龄离校 and the others cannot be checked.
fn checkable(outcome: Option<Outcome>, c: &Case, data: &Data) -> bool {
    match outcome {
        Some(Outcome::InSchoolRegistered | Outcome::Returned) => true,
        Some(Outcome::ExemptionGranted) => !data.exemptions.iter().any(|e| {
            (!c.id_number.is_empty() && *e.id.text == *c.id_number)
                || (!c.name.is_empty() && *e.name == *c.name && c.birth.is_some() && e.birth == c.birth)
        }),
        _ => false,
    }
}

/// The reason a closure is reopened: `上次核实为已劝返复学（2020-05批次），本次学籍数据仍显示“辍学”`.
fn reopen_reason(c: &Case, outcome: Option<Outcome>) -> String {
    let h = &c.history;
    let data = if outcome == Some(Outcome::ExemptionGranted) {
        "缓学免学名单中仍无此人的缓学/免学，"
    } else {
        "学籍数据"
    };
    format!("上次核实为{}（{}批次），本次{data}仍显示“{}”", h.last_outcome, h.closed_in, c.problem.label())
}

/// What happened to a returned row whose case this run no longer raises, for run.json and
/// the 核实反馈 sheet.
const GONE_OPEN: &str = "该问题本次已不再出现，按已解决处理：核实结果记入已销号";
const GONE_CLOSED: &str = "该问题此前已销号，本次也不再出现：核实结果已记录，仍列在已销号";
const GONE_CORRECTED: &str = "已按此行更正清查表，原问题本次已不再出现，按已解决处理";

/// What [`apply_outcomes`] applies the returned rows against: this run's records and
/// accounting, the previous run, and what the run itself is called and owes.
#[derive(Clone, Copy)]
pub struct Outcomes<'a> {
    pub data: &'a Data,
    pub inputs: &'a Inputs,
    /// The previous run, whose cases' history is carried.
    pub previous: Option<&'a PastRun>,
    /// This run's label (a new case is first seen in it).
    pub label: &'a str,
    /// The 整改期限 of cases carried forward open.
    pub deadline: chrono::NaiveDate,
    /// The corrections applied before linking ([`apply_corrections`]).
    pub corrections: &'a [Correction],
    /// The [`data_hash`] of `data`, computed on first use and shared by every call of the
    /// run (a run of several districts applies the outcomes once per district to show
    /// them in its 适龄儿童台账, then once to all its cases).
    pub hash: &'a std::sync::OnceLock<String>,
}

/// Applies returned outcomes and carries history from the previous run.
///
/// `cases` are the cases the rules raised; on return they also hold the cases carried
/// forward from the previous run that the rules no longer raise: every closed one (same
/// case_id and history), and every open one a returned row answered (closed now, with the
/// town's outcome; the row is listed in [`VerifyReport::resolved_rows`]). An open case
/// that is gone and unanswered is not carried: 变化情况 counts it as resolved. A closed case
/// the rules raise again stays closed, unless a returned row gives it an outcome that does
/// not settle it (then it is open again), or its closing outcome is one the data can check
/// and this run's 学籍 and exemption records ([`data_hash`]) differ from those of
/// the run that closed it: then it is reopened (`reopened`, with the reason in
/// `closure_note`); from the same files the closure stands, marked [`AWAITS_NEW_DATA`].
/// The cases are in ledger order on return.
pub fn apply_outcomes(cases: &mut Vec<Case>, with: &Outcomes, report: &mut VerifyReport) {
    let Outcomes { data, inputs, previous, label, deadline, corrections, hash } = *with;
    // The [`data_hash`] of this run's records tells newer data from the export a closure
    // saw. It is computed when a closure is first recorded or compared (seconds at city
    // scale), so a run without returned workbooks or a previous run never pays for it.
    let data_hash = || hash.get_or_init(|| self::data_hash(data)).as_str();
    let past = previous.map(PastRun::by_id).unwrap_or_default();
    let past_identity = previous.map(PastRun::by_identity).unwrap_or_default();
    let previous_label = previous.map(|r| r.label.as_str()).unwrap_or_default();
    let identity_of = |c: &Case| {
        let birth = c.birth.map(|b| b.format("%Y-%m-%d").to_string()).unwrap_or_default();
        history::identity(c.problem.label(), &c.name, &birth, &c.district, &c.town, &c.village)
    };
    // History first: first seen, times returned, closure, last outcome. A raised case
    // continues the earlier case of the same id, else of the same identity.
    let mut continued: HashSet<&str> = HashSet::new();
    for c in cases.iter_mut() {
        let same = past.get(c.case_id.as_str()).copied().or_else(|| past_identity.get(&identity_of(c)).copied());
        match same {
            Some(p) => {
                c.history = p.history(previous_label);
                continued.insert(p.case_id.as_str());
            }
            None => c.history.first_seen = label.to_string(),
        }
    }
    // The earlier cases the rules no longer raise, after the raised ones: carried if closed
    // or answered (below).
    let raised = cases.len();
    if let Some(prev) = previous {
        cases.extend(
            prev.cases
                .iter()
                .filter(|p| !continued.contains(p.case_id.as_str()))
                .filter_map(|p| p.to_case(previous_label, deadline)),
        );
    }
    // Lookups; a raised case wins over a carried one.
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut now_identity: HashMap<String, usize> = HashMap::new();
    let mut by_person: HashMap<(String, Problem), usize> = HashMap::new();
    for (i, c) in cases.iter().enumerate() {
        by_id.entry(c.case_id.clone()).or_insert(i);
        now_identity.entry(identity_of(c)).or_insert(i);
        if !c.id_number.is_empty() {
            by_person.entry((c.id_number.clone(), c.problem)).or_insert(i);
        }
    }
    let past_by_person: HashMap<(String, String), &str> = previous
        .map(|r| r.cases.iter().map(|c| ((c.id_number.clone(), c.problem_label.clone()), c.case_id.as_str())).collect())
        .unwrap_or_default();
    let corrected_rows: HashSet<Prov> = corrections.iter().map(|c| c.from).collect();
    // What earlier runs had counted for each case, before this run's rows are applied.
    let carried: Vec<(u32, String, String)> = cases
        .iter()
        .map(|c| (c.history.times_returned, c.history.last_outcome.clone(), c.history.outcome_note.clone()))
        .collect();
    // Per case: the row applied and its answer (outcome label, note).
    let mut applied_to: HashMap<usize, (Prov, (String, String))> = HashMap::new();

    // Rows filled in with neither case_id nor ID were rejected when read (rejects.csv); they
    // are listed here too, so that a town's answer is never dropped without a word.
    report.rows = data.verification.len() + data.verification_unidentified.len();
    report.filled += data.verification_unidentified.len();
    for &prov in &data.verification_unidentified {
        report.unmatched.push(row_note(
            inputs,
            prov,
            "",
            "已填写核实结果，但既无 case_id 也无身份证号，无法对应案件（该行同时记入 rejects.csv）",
        ));
    }
    for v in &data.verification {
        if !v.filled() {
            continue;
        }
        report.filled += 1;
        let problem = Problem::from_label(&v.problem_label);
        let listed = id_number::clean(&v.id_text);
        let target = by_id
            .get(v.case_id.as_str())
            .copied()
            .or_else(|| {
                let p = problem?;
                by_person.get(&(listed.clone(), p)).copied()
            })
            .or_else(|| {
                // The case the row answers was recorded last time under another id or ID
                // (the person's ID was corrected since): follow it by its identity.
                let old = past.get(v.case_id.as_str()).copied().or_else(|| {
                    let id = past_by_person.get(&(listed.clone(), v.problem_label.to_string()))?;
                    past.get(id).copied()
                })?;
                now_identity
                    .get(&history::identity(
                        &old.problem_label,
                        &old.name,
                        &old.birth_date,
                        &old.district,
                        &old.town,
                        &old.village,
                    ))
                    .copied()
            });
        let Some(i) = target else {
            if corrected_rows.contains(&v.prov) {
                // The row's correction removed the case it answered, which was never
                // recorded (the correction came with the first return).
                report.resolved_since += 1;
                report.resolved_rows.push(row_note(inputs, v.prov, &v.case_id, GONE_CORRECTED));
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
                report.conflicts.push(Conflict {
                    case_id: cases[i].case_id.clone(),
                    applied: ConflictRow::new(inputs, *first, &applied.0),
                    other: ConflictRow::new(inputs, v.prov, &answer.0),
                });
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
        let c = &mut cases[i];
        c.history.times_returned += 1;
        (c.history.last_outcome, c.history.outcome_note) = answer;
        if i >= raised {
            // The case is gone from this run's data: resolved, whatever the answer; the
            // town's outcome is recorded on it in 已销号.
            report.resolved_since += 1;
            let what = if c.history.closed { GONE_CLOSED } else { GONE_OPEN };
            if !c.history.closed {
                c.history.closed = true;
                c.history.closed_in = label.to_string();
                c.history.closure_data = data_hash().to_string();
            }
            report.resolved_rows.push(row_note(inputs, v.prov, &v.case_id, what));
            continue;
        }
        report.applied += 1;
        if settles(v.outcome, &c.history.outcome_note) {
            c.history.closed = true;
            c.history.closed_in = label.to_string();
            c.history.closure_data = data_hash().to_string();
            c.history.closure_note.clear();
            report.closed += 1;
        } else {
            c.history.closed = false;
            c.history.closed_in.clear();
            report.kept_open += 1;
        }
    }
    // A closure of an earlier run that the rules raise again: reopened when the data can check
    // its claim and are newer than the export it was closed on; else it stands.
    for c in cases.iter_mut().take(raised) {
        let h = &c.history;
        if !h.closed || h.closed_in == label {
            continue;
        }
        let outcome = Outcome::from_label(&h.last_outcome).or_else(|| Outcome::parse(&h.last_outcome));
        if !checkable(outcome, c, data) {
            continue;
        }
        if !h.closure_data.is_empty() && h.closure_data != data_hash() {
            let reason = reopen_reason(c, outcome);
            let h = &mut c.history;
            h.closed = false;
            h.closed_in.clear();
            h.closure_data.clear();
            h.reopened = true;
            h.closure_note = reason;
            report.reopened += 1;
        } else {
            // Same export (or a closure recorded without one): stands until newer data.
            let h = &mut c.history;
            if h.closure_data.is_empty() {
                h.closure_data = data_hash().to_string();
            }
            h.closure_note = AWAITS_NEW_DATA.to_string();
        }
    }
    // A gone case that was open and that no row answered is not carried (resolved).
    let mut k = 0;
    cases.retain(|c| {
        k += 1;
        k <= raised || c.history.closed
    });
    crate::rules::sort_cases(cases);
    // In input order (file, sheet, row), whichever step found them.
    report.unmatched.sort_by_key(|u| u.prov);
    report.resolved_rows.sort_by_key(|u| u.prov);
    report.conflicts.sort_by_key(|c| (c.other.prov, c.applied.prov));
}

/// The outcome as recorded in history: the canonical label, else the text as returned.
fn outcome_label(v: &VerificationRec) -> String {
    v.outcome.map(|o| o.label().to_string()).unwrap_or_else(|| v.outcome_text.to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_school_is_named_unless_the_clause_denies_it() {
        let cases: &[(&str, bool)] = &[
            ("已在荣隆镇中心小学就读，学籍已注册", true),
            ("已在荣隆镇中心校就读", true),
            ("在双河完小读三年级", true),
            ("在古昌村小就读", true),
            ("荣昌区职校", true),
            ("已到重庆市荣昌区技校就读", true),
            ("在清江镇九年制学校", true),
            ("荣昌区特殊教育学校随班就读", true),
            ("学籍原在仁义中学已转出，现在荣隆中学就读", true),
            ("已入学", false),
            ("已在校就读", false),
            ("未在学校就读", false),
            ("没有学校接收", false),
            ("不在学校，在家务农", false),
            ("在荣隆小学就读但无学籍", false),
            ("已从荣隆中学辍学", false),
            ("", false),
        ];
        for (note, named) in cases {
            assert_eq!(names_school(note), *named, "{note}");
        }
    }

    #[test]
    fn a_correction_says_what_it_changed() {
        let corr = |old_id: &str, old_name: &str, new_id: Option<&str>, new_name: Option<&str>| Correction {
            from: Prov::default(),
            census: 0,
            old_id: old_id.into(),
            old_name: old_name.into(),
            new_id: new_id.map(str::to_string),
            new_name: new_name.map(str::to_string),
        };
        assert_eq!(
            corr("A1", "付子航", Some("B2"), Some("傅子航")).describe().as_deref(),
            Some("清查表身份证号已按镇街核实反馈由 A1 更正为 B2，姓名由 付子航 更正为 傅子航")
        );
        assert_eq!(
            corr("", "傅子航", Some("B2"), Some("傅子航")).describe().as_deref(),
            Some("清查表身份证号已按镇街核实反馈由 （空） 更正为 B2")
        );
        assert_eq!(corr("B2", "傅子航", Some("B2"), None).describe(), None, "nothing left to correct");
    }
}
