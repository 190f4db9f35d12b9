//! Month-over-month history: reading an earlier run's `cases.csv`, carrying each case's
//! history (first raised, times returned, last outcome, closure) into the new run, turning a
//! recorded case back into a [`Case`] (a closed case the rules no longer raise is carried
//! forward as it was recorded), and the difference between two runs (new, resolved, still
//! open, changed) that `kcbx diff` prints and every run writes as 变化情况.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::normalize::values::disability_category_label;
use crate::rules::{Case, History, Problem};
use crate::schema::cases::CaseRow;

/// A case as recorded in an earlier run's cases.csv.
///
/// The row is the cases.csv row type itself ([`CaseRow`], the one home of the layout); its
/// fields read through (`past.town`), and the two columns the history computes with are kept
/// parsed beside it.
#[derive(Clone, Debug, Default)]
pub struct PastCase {
    /// The row as written.
    pub row: CaseRow,
    /// `status` is `closed`.
    pub closed: bool,
    /// `times_returned` as a number (0 when empty or not a number).
    pub times_returned: u32,
}

impl std::ops::Deref for PastCase {
    type Target = CaseRow;
    fn deref(&self) -> &CaseRow {
        &self.row
    }
}

impl From<CaseRow> for PastCase {
    /// A row of an earlier cases.csv, with status and times returned read back.
    fn from(row: CaseRow) -> PastCase {
        PastCase { closed: row.status == "closed", times_returned: row.times_returned.parse().unwrap_or(0), row }
    }
}

impl PastCase {
    /// The recorded case as a case of the new run, with its history as recorded: a case the
    /// rules no longer raise, carried forward (a closed one stays listed in 已销号 and
    /// cases.csv). It keeps what the earlier run wrote — description, evidence, the rows it
    /// was found in (`source`, rows of that run's inputs) — and links to no person or 学籍
    /// record of this run. None for a problem code this version does not know.
    pub fn to_case(&self, previous_label: &str, default_deadline: NaiveDate) -> Option<Case> {
        let problem = Problem::from_key(&self.problem)?;
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let (disability_category, disability_grade) = parse_disability(&self.disability);
        Some(Case {
            case_id: self.case_id.clone(),
            problem,
            person: None,
            student: None,
            district: self.district.clone(),
            town: self.town.clone(),
            village: self.village.clone(),
            group: self.group.clone(),
            householder: self.householder.clone(),
            name: self.name.clone(),
            sex: self.gender.clone(),
            id_number: self.id_number.clone(),
            birth: date(&self.birth_date),
            poverty: self.poverty == "是",
            disability_category,
            disability_grade,
            description: self.description.clone(),
            evidence: self.evidence.clone(),
            match_method: self.match_method.clone(),
            score: self.score.parse().ok(),
            school: self.school.clone(),
            student_no: self.student_no.clone(),
            responsible_unit: self.responsible_unit.clone(),
            responsible_person: self.responsible_person.clone(),
            responsible_phone: self.responsible_phone.clone(),
            contacts: Default::default(),
            deadline: date(&self.deadline).unwrap_or(default_deadline),
            sources: Vec::new(),
            earlier_sources: self.source.clone(),
            person_ref: self.person_ref.clone(),
            history: self.history(previous_label),
            roster: None,
        })
    }

    /// The recorded history; a case recorded without its first run was first seen in the run
    /// that recorded it.
    pub fn history(&self, previous_label: &str) -> History {
        History {
            first_seen: if self.first_seen.is_empty() { previous_label.to_string() } else { self.first_seen.clone() },
            times_returned: self.times_returned,
            last_outcome: self.last_outcome.clone(),
            outcome_note: self.outcome_note.clone(),
            closed: self.closed,
            closed_in: self.closed_in.clone(),
            closure_data: self.closure_data.clone(),
            closure_note: self.closure_note.clone(),
            reopened: false,
        }
    }
}

/// `肢体残疾2级` (as cases.csv writes it) back to category and grade.
fn parse_disability(text: &str) -> (Option<u8>, Option<u8>) {
    let Some(category) = (1..=8).find(|&k| text.starts_with(disability_category_label(k))) else {
        return (None, None);
    };
    let rest = &text[disability_category_label(category).len()..];
    let grade = rest.strip_suffix("级").and_then(|g| g.parse().ok());
    (Some(category), grade)
}

/// An earlier run: its folder, label and cases.
#[derive(Clone, Debug, Default)]
pub struct PastRun {
    pub dir: PathBuf,
    pub label: String,
    pub cases: Vec<PastCase>,
}

impl PastRun {
    /// The same run with only the cases of one district (a run of several districts
    /// applies the outcomes district by district, [`crate::pipeline::partition`]).
    pub fn of_district(&self, district: &str) -> PastRun {
        PastRun {
            dir: self.dir.clone(),
            label: self.label.clone(),
            cases: self.cases.iter().filter(|c| c.district == district).cloned().collect(),
        }
    }

    /// Reads `<dir>/cases.csv` (and the label from `<dir>/run.json`, else the folder name).
    pub fn load(dir: &Path) -> Result<PastRun> {
        let path = dir.join("cases.csv");
        let bytes = std::fs::read(&path)
            .map_err(|e| Error::io(format!("无法读取上次运行的 {} (cannot read previous run)", path.display()), e))?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim_start_matches('\u{feff}');
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| Error::data(format!("{} 不是 kcbx 的 cases.csv：{e}", path.display())))?
            .clone();
        if !headers.iter().any(|h| h == "case_id") {
            return Err(Error::data(format!("{} 缺少 case_id 列，不是 kcbx 的 cases.csv", path.display())));
        }
        // The writer's row type: a column an older cases.csv lacks is read as empty.
        let mut cases = Vec::new();
        for (i, row) in reader.deserialize::<CaseRow>().enumerate() {
            let row = row.map_err(|e| Error::data(format!("{} 第 {} 行无法读取：{e}", path.display(), i + 2)))?;
            cases.push(PastCase::from(row));
        }
        let label = std::fs::read_to_string(dir.join("run.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get("label").and_then(|l| l.as_str()).map(str::to_string))
            .unwrap_or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        Ok(PastRun { dir: dir.to_path_buf(), label, cases })
    }

    pub fn by_id(&self) -> HashMap<&str, &PastCase> {
        self.cases.iter().map(|c| (c.case_id.as_str(), c)).collect()
    }

    /// Past cases by [`identity`]: finds a case again when its id changed because the
    /// person's ID was corrected (the key moved from name + birth + place to the ID).
    pub fn by_identity(&self) -> HashMap<String, &PastCase> {
        let mut map = HashMap::new();
        for c in &self.cases {
            map.entry(identity(&c.problem_label, &c.name, &c.birth_date, &c.district, &c.town, &c.village))
                .or_insert(c);
        }
        map
    }
}

/// What identifies a case apart from its id: problem, name, birth date and place.
pub fn identity(problem_label: &str, name: &str, birth: &str, district: &str, town: &str, village: &str) -> String {
    if district.is_empty() {
        format!("{problem_label}|{name}|{birth}|{town}|{village}")
    } else {
        format!("{problem_label}|{name}|{birth}|{district}|{town}|{village}")
    }
}

/// The latest complete earlier run in an output folder: the run folder (with a run.json and
/// cases.csv) whose run.json records the latest `finished_at`.
pub fn latest_run(out: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(out).ok()?;
    let mut best: Option<(String, PathBuf)> = None;
    for e in entries.flatten() {
        let dir = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !dir.join("cases.csv").is_file() {
            continue;
        }
        let Some(finished) = std::fs::read_to_string(dir.join("run.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get("finished_at").and_then(|l| l.as_str()).map(str::to_string))
        else {
            continue;
        };
        let key = format!("{finished}|{name}");
        if best.as_ref().is_none_or(|(b, _)| key > *b) {
            best = Some((key, dir));
        }
    }
    best.map(|(_, d)| d)
}

/// How a case moved between two runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Open now, unknown before.
    New,
    /// Open before; closed now or no longer raised.
    Resolved,
    /// Open before and now.
    StillOpen,
    /// The same person's open problem changed type (e.g. not_enrolled → out_of_area_unverified).
    Changed,
    /// Closed before, open again now (a closure the newer data contradict, or a town's new
    /// answer that does not settle it).
    Reopened,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::New => "新增",
            Change::Resolved => "已解决",
            Change::StillOpen => "仍未解决",
            Change::Changed => "类型变化",
            Change::Reopened => "重新打开",
        }
    }

    pub const ALL: [Change; 5] = [Change::New, Change::Resolved, Change::StillOpen, Change::Changed, Change::Reopened];
    /// Changes in [`Change::ALL`]: the length of a row of [`counts`].
    pub const COUNT: usize = Change::ALL.len();
}

/// One line of a diff.
#[derive(Clone, Debug, Serialize)]
pub struct DiffRow {
    pub change: Change,
    pub case_id: String,
    /// For a change of type: the earlier case id.
    pub previous_case_id: String,
    /// 区县 (empty in a district run).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub district: String,
    pub town: String,
    pub village: String,
    pub name: String,
    pub problem_label: String,
    pub previous_problem_label: String,
}

/// A minimal view of a case in the newer run (from a live run or a cases.csv).
pub struct Now<'a> {
    pub case_id: &'a str,
    pub person_ref: &'a str,
    pub closed: bool,
    pub district: &'a str,
    pub town: &'a str,
    pub village: &'a str,
    pub name: &'a str,
    pub problem_label: &'a str,
    /// See [`identity`].
    pub identity: String,
}

impl<'a> Now<'a> {
    pub fn of_case(c: &'a Case) -> Now<'a> {
        Now {
            case_id: &c.case_id,
            person_ref: &c.person_ref,
            closed: c.history.closed,
            district: &c.district,
            town: &c.town,
            village: &c.village,
            name: &c.name,
            problem_label: c.problem.label(),
            identity: identity(
                c.problem.label(),
                &c.name,
                &c.birth.map(|b| b.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                &c.district,
                &c.town,
                &c.village,
            ),
        }
    }

    pub fn of_past(c: &'a PastCase) -> Now<'a> {
        Now {
            case_id: &c.case_id,
            person_ref: &c.person_ref,
            closed: c.closed,
            district: &c.district,
            town: &c.town,
            village: &c.village,
            name: &c.name,
            problem_label: &c.problem_label,
            identity: identity(&c.problem_label, &c.name, &c.birth_date, &c.district, &c.town, &c.village),
        }
    }
}

/// Compares the open cases of an earlier run with those of a newer one. A person whose open
/// cases were resolved while another open case of a different type appeared counts as
/// `Changed` (once per new case), not as resolved + new.
pub fn diff(old: &[PastCase], new: &[Now]) -> Vec<DiffRow> {
    let old_open: Vec<&PastCase> = old.iter().filter(|c| !c.closed).collect();
    let new_open: Vec<&Now> = new.iter().filter(|c| !c.closed).collect();
    let old_ids: HashMap<&str, &PastCase> = old.iter().map(|c| (c.case_id.as_str(), c)).collect();
    let old_identity: HashMap<String, &PastCase> = old
        .iter()
        .map(|c| (identity(&c.problem_label, &c.name, &c.birth_date, &c.district, &c.town, &c.village), c))
        .collect();
    // The earlier case each open case continues: same id, else same identity (an ID corrected
    // between the runs changes the case id but not the case).
    let continued: Vec<Option<&PastCase>> = new_open
        .iter()
        .map(|c| old_ids.get(c.case_id).copied().or_else(|| old_identity.get(&c.identity).copied()))
        .collect();
    let continued_ids: std::collections::HashSet<&str> =
        continued.iter().flatten().map(|o| o.case_id.as_str()).collect();
    let new_open_ids: HashMap<&str, &&Now> = new_open.iter().map(|c| (c.case_id, c)).collect();
    let mut rows = Vec::new();
    // Cases that left the open set, per person, to pair with new cases of the same person.
    let mut gone_by_person: BTreeMap<&str, Vec<&PastCase>> = BTreeMap::new();
    for c in &old_open {
        if !new_open_ids.contains_key(c.case_id.as_str()) && !continued_ids.contains(c.case_id.as_str()) {
            gone_by_person.entry(c.person_ref.as_str()).or_default().push(c);
        }
    }
    for (c, before) in new_open.iter().zip(&continued) {
        match before {
            Some(o) if !o.closed => rows.push(row(Change::StillOpen, c, None)),
            Some(_) => rows.push(row(Change::Reopened, c, None)),
            None => {
                let paired = if c.person_ref.is_empty() {
                    None
                } else {
                    gone_by_person
                        .get_mut(c.person_ref)
                        .and_then(|v| if v.is_empty() { None } else { Some(v.remove(0)) })
                };
                match paired {
                    Some(o) => rows.push(row(Change::Changed, c, Some(o))),
                    None => rows.push(row(Change::New, c, None)),
                }
            }
        }
    }
    for list in gone_by_person.values() {
        for o in list {
            rows.push(DiffRow {
                change: Change::Resolved,
                case_id: o.case_id.clone(),
                previous_case_id: o.case_id.clone(),
                district: o.district.clone(),
                town: o.town.clone(),
                village: o.village.clone(),
                name: o.name.clone(),
                problem_label: o.problem_label.clone(),
                previous_problem_label: o.problem_label.clone(),
            });
        }
    }
    rows.sort_by(|a, b| {
        (&a.district, &a.town, &a.village, a.change, &a.case_id).cmp(&(
            &b.district,
            &b.town,
            &b.village,
            b.change,
            &b.case_id,
        ))
    });
    rows
}

fn row(change: Change, c: &Now, old: Option<&PastCase>) -> DiffRow {
    DiffRow {
        change,
        case_id: c.case_id.to_string(),
        previous_case_id: old.map(|o| o.case_id.clone()).unwrap_or_default(),
        district: c.district.to_string(),
        town: c.town.to_string(),
        village: c.village.to_string(),
        name: c.name.to_string(),
        problem_label: c.problem_label.to_string(),
        previous_problem_label: old.map(|o| o.problem_label.clone()).unwrap_or_default(),
    }
}

/// Diff counts per (town, village) and change.
pub fn counts(rows: &[DiffRow]) -> BTreeMap<(String, String), [usize; Change::COUNT]> {
    let mut out: BTreeMap<(String, String), [usize; Change::COUNT]> = BTreeMap::new();
    for r in rows {
        let k = Change::ALL.iter().position(|c| *c == r.change).expect("known change");
        out.entry((r.town.clone(), r.village.clone())).or_default()[k] += 1;
    }
    out
}
