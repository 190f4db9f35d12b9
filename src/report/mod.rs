//! Writing a run: the per-town 问题台账, `cases.csv`, `rejects.csv`, `run.json` and the
//! linkage model, into a new folder that is written under a temporary name and renamed
//! when complete — so a folder with the final name is always a whole run, and nothing
//! that exists is ever overwritten.
//!
//! Pipeline position: read → sources → link → rules → roundtrip → **report**; it receives the
//! run as one [`crate::run::Run`].

pub mod cases_csv;
pub mod children;
pub mod dropouts;
pub mod inspection;
pub mod layout;
pub mod ledger;
pub mod manifest;
pub mod rejects;
pub mod schools;
pub mod summary;
pub mod town_unknown;
pub mod xlsx;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::rules::{Case, Problem};
use crate::run::Run;
use crate::table::Inputs;

/// A run folder being written: `<out>/.<label>.partial-<pid>`, renamed to `<out>/<label>` by
/// [`RunDir::finish`]. Dropped unfinished (a write failed, the run stopped with an error or
/// a panic unwound), it removes its own partial folder and nothing else: a failed run leaves
/// no half-written workbooks behind, and earlier runs' folders are never touched.
pub struct RunDir {
    pub partial: PathBuf,
    pub target: PathBuf,
    pub label: String,
    finished: bool,
}

impl RunDir {
    /// Creates the partial folder. Refuses when `<out>/<label>` exists already.
    pub fn create(out: &Path, label: &str) -> Result<RunDir> {
        fs::create_dir_all(out).map_err(|e| Error::io(format!("无法创建输出目录 {}", out.display()), e))?;
        let target = out.join(label);
        if target.exists() {
            return Err(Error::usage(format!(
                "输出目录 {} 已存在，不会覆盖；请换一个 --label (output folder exists; choose another --label)",
                target.display()
            )));
        }
        // A private temporary name, new for this process: only this run ever writes into it
        // or removes it. A run killed outright (power cut, out of memory) leaves it behind,
        // and a later run never touches it.
        let mut partial = out.join(format!(".{label}.partial-{}", std::process::id()));
        let mut n = 2;
        while partial.exists() {
            partial = out.join(format!(".{label}.partial-{}-{n}", std::process::id()));
            n += 1;
        }
        fs::create_dir_all(&partial).map_err(|e| Error::io(format!("无法创建 {}", partial.display()), e))?;
        Ok(RunDir { partial, target, label: label.to_string(), finished: false })
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.partial.join(rel)
    }

    /// Renames the partial folder to its final name.
    pub fn finish(mut self) -> Result<PathBuf> {
        fs::rename(&self.partial, &self.target)
            .map_err(|e| Error::io(format!("无法完成输出目录 {}", self.target.display()), e))?;
        self.finished = true;
        Ok(self.target.clone())
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if !self.finished {
            // Best effort: the error that stopped the run is what the user needs to see.
            let _ = fs::remove_dir_all(&self.partial);
        }
    }
}

/// A label for a run that was not given one: local date and time, made unique in `out`.
pub fn default_label(out: &Path) -> String {
    let base = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
    let mut label = base.clone();
    let mut n = 2;
    while out.join(&label).exists() {
        label = format!("{base}-{n}");
        n += 1;
    }
    label
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::io(format!("无法写入 {}", path.display()), e)
}

fn xlsx_err(path: &Path) -> impl FnOnce(rust_xlsxwriter::XlsxError) -> Error + '_ {
    move |e| Error::io(format!("无法写入 {}", path.display()), std::io::Error::other(e.to_string()))
}

/// A town of the run: (district, town), the district empty in a district run.
pub type TownKey<'a> = (&'a str, &'a str);

/// Cases grouped by (district, town), in ledger order.
pub fn by_town(cases: &[Case]) -> BTreeMap<TownKey<'_>, Vec<&Case>> {
    let mut map: BTreeMap<TownKey, Vec<&Case>> = BTreeMap::new();
    for c in cases {
        map.entry((c.district.as_str(), c.town.as_str())).or_default().push(c);
    }
    map
}

/// The folder of a district's workbooks under `dir`: `dir/<区县>` in a run of several
/// districts, `dir` itself in a district run; and its relative prefix (`荣昌区/` or empty).
fn district_dir(dir: &Path, district: &str) -> Result<(PathBuf, String)> {
    if district.is_empty() {
        return Ok((dir.to_path_buf(), String::new()));
    }
    let sub = ledger::safe_file(district);
    let path = dir.join(&sub);
    fs::create_dir_all(&path).map_err(io_err(&path))?;
    Ok((path, format!("{sub}/")))
}

/// The towns that get a 问题台账, each with its cases (open and closed) in ledger order:
/// every town of the census (`census_towns`, [`crate::link::people::People::towns`]) — one
/// with no problems gets a ledger that says so — and every town with a case or a change
/// since the previous run (a town whose cases are all gone still sees them resolved in its
/// 变化情况).
pub fn ledger_towns<'a>(
    cases: &'a [Case],
    changes: &'a [crate::roundtrip::history::DiffRow],
    census_towns: &'a [(crate::text::Text, crate::text::Text)],
) -> BTreeMap<TownKey<'a>, Vec<&'a Case>> {
    let mut map: BTreeMap<TownKey, Vec<&Case>> = BTreeMap::new();
    for (district, town) in census_towns {
        map.entry((district.as_str(), town.as_str())).or_default();
    }
    for r in changes {
        map.entry((r.district.as_str(), r.town.as_str())).or_default();
    }
    for (town, list) in by_town(cases) {
        map.entry(town).or_default().extend(list);
    }
    map
}

/// Writes one town's ledger (and, with `--per-village`, its village workbooks), returning
/// the relative paths written.
fn write_ledger(
    ledger_dir: &Path,
    (district, town): TownKey,
    cases: &[&Case],
    town_changes: &[&crate::roundtrip::history::DiffRow],
    plan: &Plan,
) -> Result<Vec<String>> {
    let (dir, sub) = district_dir(ledger_dir, district)?;
    let name = format!("{}问题台账.xlsx", ledger::safe_file(town));
    let path = dir.join(&name);
    // Titles name the district too where there are several (荣昌区昌元街道…).
    let unit = format!("{district}{town}");
    ledger::write_town(&path, &unit, cases, town_changes, plan).map_err(xlsx_err(&path))?;
    let mut files = vec![format!("问题台账/{sub}{name}")];
    if plan.per_village {
        let vdir = dir.join(ledger::safe_file(town));
        fs::create_dir_all(&vdir).map_err(io_err(&vdir))?;
        ledger::write_villages(&vdir, &unit, cases, plan).map_err(xlsx_err(&vdir))?;
        files.push(format!("问题台账/{sub}{}/", ledger::safe_file(town)));
    }
    Ok(files)
}

/// Writes `cases.csv` and `rejects.csv`.
pub fn write_csvs(dir: &RunDir, cases: &[Case], inputs: &Inputs, plan: &Plan) -> Result<Vec<String>> {
    let path = dir.path("cases.csv");
    let file = fs::File::create(&path).map_err(io_err(&path))?;
    cases_csv::write(std::io::BufWriter::new(file), cases, inputs, plan.params.as_of).map_err(io_err(&path))?;
    let path = dir.path("cases.xlsx");
    cases_csv::write_xlsx(&path, cases, inputs, plan.params.as_of).map_err(xlsx_err(&path))?;
    let path = dir.path("rejects.csv");
    let file = fs::File::create(&path).map_err(io_err(&path))?;
    rejects::write(std::io::BufWriter::new(file), inputs).map_err(io_err(&path))?;
    Ok(vec!["cases.csv".into(), "cases.xlsx".into(), "rejects.csv".into()])
}

/// Writes a JSON document.
pub fn write_json(dir: &RunDir, name: &str, value: &impl serde::Serialize) -> Result<String> {
    let path = dir.path(name);
    let text = serde_json::to_string_pretty(value).expect("serializable");
    fs::write(&path, text + "\n").map_err(io_err(&path))?;
    Ok(name.to_string())
}

/// What a run of several districts wrote and found district by district, while each
/// district's people were at hand ([`crate::pipeline::partition`]): the 适龄儿童台账 (paths
/// written) and the facts of each school that come from its people (督查要点).
#[derive(Debug, Default)]
pub struct Parted {
    pub children: Vec<String>,
    pub person_facts: BTreeMap<String, inspection::SchoolFacts>,
    /// What each district's partition held (run.json).
    pub counts: Vec<manifest::PartCounts>,
}

/// Writes the 适龄儿童台账 of the towns `only` accepts, from `people` and the cases with
/// their outcomes (a closed case shows the town's finding), in parallel; returns the
/// relative paths written, in town order.
pub fn write_children(
    dir: &RunDir,
    run: (&crate::link::people::People, &[crate::rules::Facts], &[Case]),
    plan: &Plan,
    only: impl Fn(TownKey) -> bool,
) -> Result<Vec<String>> {
    use rayon::prelude::*;
    let (people, facts, cases) = run;
    let children_dir = dir.path("适龄儿童台账");
    fs::create_dir_all(&children_dir).map_err(io_err(&children_dir))?;
    let rows: Vec<((String, String), Vec<children::ChildRow>)> = children::rows_by_town(people, facts, cases)
        .into_iter()
        .filter(|((d, t), _)| only((d.as_str(), t.as_str())))
        .collect();
    let written: Vec<Result<Vec<String>>> = rows
        .par_iter()
        .with_max_len(1)
        .map(|((district, town), rows)| write_children_town(&children_dir, (district, town), rows, people, plan))
        .collect();
    let mut out = Vec::new();
    for w in written {
        out.extend(w?);
    }
    Ok(out)
}

/// One town's 适龄儿童台账.
fn write_children_town(
    children_dir: &Path,
    (district, town): TownKey,
    rows: &[children::ChildRow],
    people: &crate::link::people::People,
    plan: &Plan,
) -> Result<Vec<String>> {
    let (dir, sub) = district_dir(children_dir, district)?;
    let name = format!("{}适龄儿童台账.xlsx", ledger::safe_file(town));
    let path = dir.join(&name);
    children::write_town(&path, &format!("{district}{town}"), rows, people, plan).map_err(xlsx_err(&path))?;
    Ok(vec![format!("适龄儿童台账/{sub}{name}")])
}

/// One workbook (or pair of CSVs) of the report stage.
enum Job<'a> {
    /// Workbooks written before the report stage (a run of several districts writes the
    /// 适龄儿童台账 district by district): their paths, listed in their place.
    Written(&'a [String]),
    Ledger(TownKey<'a>, &'a [&'a Case]),
    Summary,
    Dropouts,
    Children(TownKey<'a>, &'a [children::ChildRow]),
    Csvs,
    /// A 学校问题清单: 学区, school, its roster entry, its cases.
    School(&'a str, &'a str, Option<&'a crate::schools::Entry>, Vec<&'a Case>),
    Xuequ(&'a schools::Group),
    Inspection(&'a schools::Group),
}

/// Writes every output of a run: the town ledgers, the district's own workbooks (汇总.xlsx,
/// 辍学学生花名册.xlsx), the 适龄儿童台账 per town and the CSVs. Returns the relative paths
/// written, in that order.
///
/// The workbooks are independent jobs taken from one queue by every thread, the costliest
/// first (estimated from their row and cell counts), so that no large workbook is left to
/// one thread at the end while the other waits.
///
/// `parted`: what a run of several districts wrote and found district by district; `run`
/// then holds no people.
pub fn write_all(dir: &RunDir, run: &Run, view: &schools::View, parted: Option<&Parted>) -> Result<Vec<String>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    let Run { plan, inputs, data, people, facts, cases, changes, verification: verify } = *run;

    let ledger_dir = dir.path("问题台账");
    fs::create_dir_all(&ledger_dir).map_err(io_err(&ledger_dir))?;
    let children_dir = dir.path("适龄儿童台账");
    fs::create_dir_all(&children_dir).map_err(io_err(&children_dir))?;
    let towns: Vec<(TownKey, Vec<&Case>)> = ledger_towns(cases, changes, &people.towns).into_iter().collect();
    let child_rows: Vec<((String, String), Vec<children::ChildRow>)> =
        children::rows_by_town(people, facts, cases).into_iter().collect();
    let open = || cases.iter().filter(|c| !c.history.closed);
    // Each town's rows of the changes since the previous run, in order (grouped once).
    let mut town_changes: HashMap<TownKey, Vec<&crate::roundtrip::history::DiffRow>> = HashMap::new();
    for r in changes {
        town_changes.entry((r.district.as_str(), r.town.as_str())).or_default().push(r);
    }

    // Jobs in output order, each with a cost in written cells: a case is written on three
    // sheets of its town's ledger (全部问题, its category, its village) with 30 columns, a
    // child's row has 16 plain cells.
    let mut jobs: Vec<(Job, usize)> = Vec::new();
    for (town, list) in &towns {
        // A ledger with no case still has its sheets to write.
        jobs.push((Job::Ledger(*town, list), 90 * list.len() + 200));
    }
    jobs.push((Job::Summary, 20 * cases.len()));
    jobs.push((
        Job::Dropouts,
        30 * open().filter(|c| matches!(c.problem, Problem::NonCompleter | Problem::NotEnrolled)).count(),
    ));
    for ((district, town), rows) in &child_rows {
        jobs.push((Job::Children((district, town), rows), 10 * rows.len()));
    }
    if let Some(p) = parted {
        jobs.push((Job::Written(&p.children), 0));
    }
    jobs.push((Job::Csvs, 40 * cases.len()));
    // The school lists, 学区 by 学区 in roster order, then the 学区 workbooks.
    let by_school = view.cases_by_school();
    let school_dir = dir.path("学校问题清单");
    let xuequ_dir = dir.path("学区汇总");
    for d in [&school_dir, &xuequ_dir] {
        fs::create_dir_all(d).map_err(io_err(d))?;
    }
    for g in &view.groups {
        for s in &g.schools {
            let Some(list) = by_school.get(s.name.as_str()) else { continue };
            let list: Vec<&Case> = list.iter().map(|&i| &cases[i]).collect();
            let cost = 40 * list.len() + 100;
            jobs.push((Job::School(&g.unit, &s.name, view.entry(s), list), cost));
        }
        jobs.push((Job::Xuequ(g), 40 * cases.len() / view.groups.len().max(1) + 100));
        jobs.push((Job::Inspection(g), 200 * g.schools.len()));
    }
    let inspection_dir = dir.path("督查要点");
    fs::create_dir_all(&inspection_dir).map_err(io_err(&inspection_dir))?;
    let sources = inspection::Sources { cases, people, facts, data, persuasion: view.persuasion.as_deref() };
    let mut school_facts = inspection::facts_by_school(view, &sources, plan);
    if let Some(p) = parted {
        inspection::add_person_facts(&mut school_facts, p.person_facts.clone());
    }
    for note in inspection::add_weekly(&mut school_facts, view, plan) {
        crate::progress::note(&note);
    }

    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&k| (std::cmp::Reverse(jobs[k].1), k));
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<Result<Vec<String>>>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    let write_job = |job: &Job| -> Result<Vec<String>> {
        match *job {
            Job::Ledger(town, list) => {
                let town_changes = town_changes.get(&town).map_or(&[][..], Vec::as_slice);
                write_ledger(&ledger_dir, town, list, town_changes, plan)
            }
            Job::Summary => {
                let path = dir.path("汇总.xlsx");
                summary::write(&path, cases, changes, verify, inputs, plan, view).map_err(xlsx_err(&path))?;
                Ok(vec!["汇总.xlsx".to_string()])
            }
            Job::Dropouts => {
                // The 花名册 follows open cases only; the children's ledger shows what a
                // town found for a closed case too.
                let open: Vec<&Case> = open().collect();
                let path = dir.path("辍学学生花名册.xlsx");
                dropouts::write(&path, &open, plan).map_err(xlsx_err(&path))?;
                Ok(vec!["辍学学生花名册.xlsx".to_string()])
            }
            Job::Children(town, rows) => write_children_town(&children_dir, town, rows, people, plan),
            Job::Written(paths) => Ok(paths.to_vec()),
            Job::Csvs => write_csvs(dir, cases, inputs, plan),
            Job::School(unit, school, entry, ref list) => {
                let folder = school_dir.join(ledger::safe_file(unit));
                fs::create_dir_all(&folder).map_err(io_err(&folder))?;
                let name = format!("{}.xlsx", ledger::safe_file(school));
                let path = folder.join(&name);
                schools::write_school(&path, school, unit, entry, list, plan).map_err(xlsx_err(&path))?;
                Ok(vec![format!("学校问题清单/{}/{name}", ledger::safe_file(unit))])
            }
            Job::Inspection(g) => {
                let name = format!("{}.xlsx", ledger::safe_file(&g.unit));
                let path = inspection_dir.join(&name);
                inspection::write(&path, g, view, &school_facts, plan, view.persuasion.is_some())
                    .map_err(xlsx_err(&path))?;
                Ok(vec![format!("督查要点/{name}")])
            }
            Job::Xuequ(g) => {
                let name = format!("{}.xlsx", ledger::safe_file(&g.unit));
                let path = xuequ_dir.join(&name);
                schools::write_xuequ(&path, g, view, cases, plan).map_err(xlsx_err(&path))?;
                Ok(vec![format!("学区汇总/{name}")])
            }
        }
    };
    rayon::broadcast(|_| loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(&k) = order.get(i) else { break };
        let result = write_job(&jobs[k].0);
        crate::progress::inc(1);
        done.lock().expect("report queue")[k] = Some(result);
    });
    let mut out = Vec::new();
    for result in done.into_inner().expect("report queue") {
        out.extend(result.expect("every job ran")?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unfinished_run_folder_removes_itself_and_nothing_else() {
        let out = std::env::temp_dir().join(format!("kcbx-rundir-{}", std::process::id()));
        let _ = fs::remove_dir_all(&out);
        // An earlier run, and an earlier run's leftover partial folder.
        let done = RunDir::create(&out, "first").unwrap();
        fs::write(done.path("run.json"), "{}").unwrap();
        let first = done.finish().unwrap();
        let stale = out.join(".old.partial-1");
        fs::create_dir_all(&stale).unwrap();

        let dir = RunDir::create(&out, "second").unwrap();
        fs::create_dir_all(dir.path("问题台账")).unwrap();
        fs::write(dir.path("问题台账/甲镇问题台账.xlsx"), "half").unwrap();
        let partial = dir.partial.clone();
        assert!(partial.is_dir());
        drop(dir);
        assert!(!partial.exists() && !out.join("second").exists());
        assert!(first.join("run.json").is_file() && stale.is_dir());
        fs::remove_dir_all(&out).unwrap();
    }
}
