//! The school's and the 学区's view of a run, as the notice organises the work: the school is
//! the 责任主体, the 学区 supervises its schools.
//!
//! - `学校问题清单/<学区>/<学校>.xlsx`: the cases whose 学籍 school it is, in the town ledger's
//!   case table (same columns, verification columns and print setup), with the school's
//!   包校人员, 包片人员 and 包干领导 at the top. The same case_id as in the town ledger: a
//!   return of either closes the case.
//! - `学区汇总/<学区>.xlsx` and the 学区汇总 sheet of 汇总.xlsx: schools × problem type with
//!   the open and closed counts and this run's changes (重新打开 among them), per 学区 (直属学校 its own
//!   group, schools missing from the roster under 未列入名单).
//! - `督查要点/<学区>.xlsx`: attachment 3, one sheet per school, pre-filled from the data
//!   ([`super::inspection`]).
//!
//! The school-to-学区 assignment is the roster's ([`crate::schools::Directory`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::xlsx::{self, Formats};
use crate::plan::Plan;
use crate::roundtrip::history::{Change, DiffRow, PastRun};
use crate::rules::{Case, Problem};
use crate::schools::{Directory, Entry, Mapping, UNLISTED};

/// One school of a 学区 group.
#[derive(Clone, Debug)]
pub struct SchoolRow {
    /// The 学籍 name; the roster's name for a roster school that matches no 学籍 school.
    pub name: String,
    /// Its roster entry (index into [`Directory::entries`]).
    pub entry: Option<usize>,
}

/// A 学区 (or 直属学校, or 未列入名单) and its schools, in roster order.
#[derive(Clone, Debug)]
pub struct Group {
    pub unit: String,
    pub schools: Vec<SchoolRow>,
}

/// Which school and 学区 each case and change belongs to.
pub struct View<'a> {
    pub dir: &'a Directory,
    /// Per case (same order as the run's cases): the 学籍 school whose list holds it.
    pub case_school: Vec<Option<String>>,
    /// Per change row: the school of its case.
    pub change_school: Vec<Option<String>>,
    pub groups: Vec<Group>,
    /// 劝返 records, when the pipeline has a `persuasion` source (for the 督查要点).
    pub persuasion: Option<Vec<crate::sources::persuasion::PersuasionRec>>,
    /// Per school: its row of the 学区汇总 (counted once for every 学区's workbook).
    school_counts: HashMap<String, Counts>,
    /// Per school: its open cases (indices into the run's cases, ascending).
    open_by_school: HashMap<String, Vec<usize>>,
}

/// The 学籍 school whose list holds a case: the school of the case's 学籍 record (the linked
/// student's current record; for match_review the candidate's), and for the 送教上门 cases
/// the 送教 school. A school named only by the census's 就读学校 column is a claim, not the
/// child's 学籍 school: such cases stay with the town.
pub fn case_school(c: &Case, dir: &Directory) -> Option<String> {
    let home = matches!(c.problem, Problem::HomeTeachingShort | Problem::HomeTeachingUnregistered);
    // A case carried from an earlier run has no person or student of this run: its school
    // column was written by the same rule.
    if !(c.student.is_some() || c.person.is_none() || home) {
        return None;
    }
    let name = crate::normalize::compact(&c.school);
    if name.is_empty() {
        return None;
    }
    if dir.is_school(&name) {
        return Some(name);
    }
    // A 送教 school written otherwise than in the 学籍: the school its roster entry names.
    let k = dir.entry_index(&name)?;
    match dir.mapping[k] {
        Mapping::Matched(s, _) => Some(dir.schools[s].clone()),
        _ => None,
    }
}

impl<'a> View<'a> {
    pub fn new(cases: &[Case], changes: &[DiffRow], previous: Option<&PastRun>, dir: &'a Directory) -> View<'a> {
        let case_school: Vec<Option<String>> = cases.iter().map(|c| case_school(c, dir)).collect();
        let by_id: HashMap<&str, usize> = cases.iter().enumerate().map(|(i, c)| (c.case_id.as_str(), i)).collect();
        let past = previous.map(PastRun::by_id).unwrap_or_default();
        let change_school: Vec<Option<String>> = changes
            .iter()
            .map(|r| match by_id.get(r.case_id.as_str()) {
                Some(&i) => case_school[i].clone(),
                None => past.get(r.case_id.as_str()).and_then(|p| {
                    let name = crate::normalize::compact(&p.school);
                    dir.is_school(&name).then_some(name)
                }),
            })
            .collect();
        let mut groups: Vec<Group> = dir.units.iter().map(|u| Group { unit: u.clone(), schools: Vec::new() }).collect();
        for (k, e) in dir.entries.iter().enumerate() {
            let name = match dir.mapping[k] {
                Mapping::Matched(s, _) if dir.entry_of[s] == Some(k) => dir.schools[s].clone(),
                _ => e.school.clone(),
            };
            let g = groups.iter_mut().find(|g| g.unit == e.unit).expect("every unit has a group");
            g.schools.push(SchoolRow { name, entry: Some(k) });
        }
        let unlisted: Vec<SchoolRow> =
            dir.unlisted().into_iter().map(|s| SchoolRow { name: s.to_string(), entry: None }).collect();
        if !unlisted.is_empty() {
            match groups.iter_mut().find(|g| g.unit == UNLISTED) {
                Some(g) => g.schools.extend(unlisted),
                None => groups.push(Group { unit: UNLISTED.to_string(), schools: unlisted }),
            }
        }
        let (school_counts, open_by_school) = tally_schools(cases, changes, &case_school, &change_school);
        View { dir, case_school, change_school, groups, persuasion: None, school_counts, open_by_school }
    }

    /// The cases of each school (indices into the run's cases), by school name.
    pub fn cases_by_school(&self) -> BTreeMap<&str, Vec<usize>> {
        let mut map: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, s) in self.case_school.iter().enumerate() {
            if let Some(s) = s {
                map.entry(s.as_str()).or_default().push(i);
            }
        }
        map
    }

    pub fn entry(&self, row: &SchoolRow) -> Option<&Entry> {
        row.entry.map(|k| &self.dir.entries[k])
    }
}

/// `学区：昌元学区    包校人员：张三 13800000000    包片人员：李四 13900000000    包干领导：王五`.
pub fn contacts_line(unit: &str, entry: Option<&Entry>) -> String {
    match entry {
        Some(e) => {
            let unit_of = |o: &crate::schools::Official| {
                if o.unit.is_empty() {
                    o.with_phone()
                } else {
                    format!("{}（{}）", o.with_phone(), o.unit)
                }
            };
            format!(
                "学区：{unit}    包校人员：{}    包片人员：{}    包干领导：{}",
                unit_of(&e.person),
                unit_of(&e.area),
                unit_of(&e.leader)
            )
        }
        None => format!("学区：{unit}    本校不在包片包校责任人名单中（{UNLISTED}），请区教委补充责任人"),
    }
}

/// The case sheet of a school list: the town ledger's case-sheet writer (same columns,
/// verification columns, drop-downs and print setup), `unit` in its banner.
fn case_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    title: &str,
    unit: &str,
    note: &str,
    cases: &[&Case],
    plan: &Plan,
) -> Result<u32, XlsxError> {
    super::layout::write_case_sheet(ws, f, &super::layout::Heading { title, unit, note }, cases, plan.params.as_of)
}

/// Writes one school's 学校问题清单: 问题清单 (open cases, with the verification columns),
/// then 已销号.
pub fn write_school(
    path: &Path,
    school: &str,
    unit: &str,
    entry: Option<&Entry>,
    all: &[&Case],
    plan: &Plan,
) -> Result<(), XlsxError> {
    let as_of = plan.params.as_of;
    let open: Vec<&Case> = all.iter().copied().filter(|c| !c.history.closed).collect();
    let closed: Vec<&Case> = all.iter().copied().filter(|c| c.history.closed).collect();
    let title = format!("{school}控辍保学问题清单（基准日 {}）", as_of.format("%Y-%m-%d"));
    let mut wb = xlsx::workbook(&title, as_of);
    let f = Formats::new();
    let note = format!(
        "{}    完成时限：{}    黄色列由学校核实后填写（与镇街台账同一 case_id，任一份交回即可销号；见“填写说明”）",
        contacts_line(unit, entry),
        plan.params.deadline().format("%Y-%m-%d")
    );
    let ws = wb.add_worksheet();
    ws.set_name("填写说明")?;
    super::layout::write_instructions(ws, &f, &format!("{school}控辍保学问题清单填写说明"))?;
    let ws = wb.add_worksheet();
    ws.set_name("问题清单")?;
    case_sheet(ws, &f, &title, school, &note, &open, plan)?;
    let ws = wb.add_worksheet();
    ws.set_name("已销号")?;
    super::ledger::write_closed(ws, &f, school, &closed, plan)?;
    wb.save(path)
}

/// Per school: its counts (open per problem, open, closed, changes) and its open cases.
fn tally_schools(
    cases: &[Case],
    changes: &[DiffRow],
    case_school: &[Option<String>],
    change_school: &[Option<String>],
) -> (HashMap<String, Counts>, HashMap<String, Vec<usize>>) {
    let problems = Problem::ALL;
    let blank = || Counts { by_problem: vec![0; problems.len()], ..Default::default() };
    let mut counts: HashMap<String, Counts> = HashMap::new();
    let mut open: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in cases.iter().enumerate() {
        let Some(s) = case_school[i].as_deref() else { continue };
        let n = match counts.get_mut(s) {
            Some(n) => n,
            None => counts.entry(s.to_string()).or_insert_with(blank),
        };
        if c.history.closed {
            n.closed += 1;
        } else {
            n.open += 1;
            let k = problems.iter().position(|p| *p == c.problem).expect("known problem");
            n.by_problem[k] += 1;
            match open.get_mut(s) {
                Some(list) => list.push(i),
                None => {
                    open.insert(s.to_string(), vec![i]);
                }
            }
        }
    }
    for (r, s) in changes.iter().zip(change_school) {
        let Some(s) = s.as_deref() else { continue };
        let k = Change::ALL.iter().position(|c| *c == r.change).expect("known change");
        let n = match counts.get_mut(s) {
            Some(n) => n,
            None => counts.entry(s.to_string()).or_insert_with(blank),
        };
        n.changes[k] += 1;
    }
    (counts, open)
}

/// Counts of one school row: per problem (open), open total, closed, changes.
#[derive(Clone, Debug, Default)]
struct Counts {
    by_problem: Vec<usize>,
    open: usize,
    closed: usize,
    changes: [usize; Change::COUNT],
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        for (a, b) in self.by_problem.iter_mut().zip(&o.by_problem) {
            *a += b;
        }
        self.open += o.open;
        self.closed += o.closed;
        for (a, b) in self.changes.iter_mut().zip(&o.changes) {
            *a += b;
        }
    }
}

/// Writes the 学区汇总 table of `groups` on `ws`: per school, its people and counts; a 小计
/// per 学区, then the 合计.
pub fn write_xuequ_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    title: &str,
    groups: &[&Group],
    view: &View,
) -> Result<(), XlsxError> {
    let problems = Problem::ALL;
    let blank = || Counts { by_problem: vec![0; problems.len()], ..Default::default() };
    let per_school = &view.school_counts;
    let mut headers: Vec<(&str, f64)> =
        vec![("学区", 10.0), ("学校", 22.0), ("包校人员", 16.0), ("包片人员", 16.0), ("包干领导", 8.0)];
    headers.extend(problems.iter().map(|p| (p.label(), 9.0)));
    headers.extend([("待核实合计", 7.0), ("已销号", 6.0)]);
    headers.extend(Change::ALL.iter().map(|c| (c.label(), 6.0)));
    let last = headers.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last, title, &f.title)?;
    ws.write_string_with_format(
        1,
        0,
        "待核实、已销号为本次运行的问题数（按学籍学校）；新增、已解决、仍未解决、类型变化、重新打开为与上次运行相比的变化",
        &f.subtitle,
    )?;
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_row_height(2, 45)?;
    let write_counts = |ws: &mut Worksheet, r: u32, n: &Counts, fmt| -> Result<(), XlsxError> {
        let mut values: Vec<usize> = n.by_problem.clone();
        values.extend([n.open, n.closed]);
        values.extend(n.changes);
        for (k, v) in values.iter().enumerate() {
            ws.write_number_with_format(r, 5 + k as u16, *v as f64, fmt)?;
        }
        Ok(())
    };
    let mut r = 3u32;
    let mut total = blank();
    for g in groups {
        let mut sub = blank();
        for s in &g.schools {
            let n = per_school.get(s.name.as_str()).cloned().unwrap_or_else(blank);
            let e = view.entry(s);
            ws.write_string_with_format(r, 0, &g.unit, &f.cell)?;
            ws.write_string_with_format(r, 1, &s.name, &f.wrap)?;
            ws.write_string_with_format(r, 2, e.map(|e| e.person.with_phone()).unwrap_or_default(), &f.wrap)?;
            ws.write_string_with_format(r, 3, e.map(|e| e.area.with_phone()).unwrap_or_default(), &f.wrap)?;
            ws.write_string_with_format(r, 4, e.map(|e| e.leader.name.clone()).unwrap_or_default(), &f.wrap)?;
            write_counts(ws, r, &n, &f.number)?;
            sub.add(&n);
            r += 1;
        }
        ws.write_string_with_format(r, 0, &g.unit, &f.bold)?;
        ws.write_string_with_format(r, 1, "小计", &f.bold)?;
        for c in 2..5 {
            ws.write_blank(r, c, &f.bold)?;
        }
        write_counts(ws, r, &sub, &f.bold)?;
        total.add(&sub);
        r += 1;
    }
    ws.write_string_with_format(r, 0, "合计", &f.bold)?;
    for c in 1..5 {
        ws.write_blank(r, c, &f.bold)?;
    }
    write_counts(ws, r, &total, &f.bold)?;
    ws.set_freeze_panes(3, 2)?;
    xlsx::print_setup(ws, (2, 2))?;
    Ok(())
}

/// Writes `学区汇总/<学区>.xlsx`: the 学区's table, then its schools' open cases.
pub fn write_xuequ(path: &Path, group: &Group, view: &View, cases: &[Case], plan: &Plan) -> Result<(), XlsxError> {
    let as_of = plan.params.as_of;
    let title = format!("{}控辍保学问题汇总（基准日 {}）", group.unit, as_of.format("%Y-%m-%d"));
    let mut wb = xlsx::workbook(&title, as_of);
    let f = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name("学区汇总")?;
    write_xuequ_sheet(ws, &f, &title, &[group], view)?;
    let names: HashSet<&str> = group.schools.iter().map(|s| s.name.as_str()).collect();
    let mut which: Vec<usize> = names.iter().filter_map(|s| view.open_by_school.get(*s)).flatten().copied().collect();
    which.sort_unstable();
    let open: Vec<&Case> = which.into_iter().map(|i| &cases[i]).collect();
    let ws = wb.add_worksheet();
    ws.set_name("全部问题")?;
    let t = format!("{}各校控辍保学问题（基准日 {}）", group.unit, as_of.format("%Y-%m-%d"));
    case_sheet(ws, &f, &t, &group.unit, "", &open, plan)?;
    wb.save(path)
}

/// Adds the 学区汇总 sheet to 汇总.xlsx.
pub fn summary_sheet(wb: &mut Workbook, f: &Formats, title: &str, view: &View) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("学区汇总")?;
    let groups: Vec<&Group> = view.groups.iter().collect();
    write_xuequ_sheet(ws, f, title, &groups, view)
}
