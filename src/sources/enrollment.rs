//! 学籍 rows → [`EnrollRec`] (one row of an export: a student, or one status change), and
//! the per-student view [`Student`] that collapses overlapping exports and reads a student's
//! rows across schools together ([`super::state`]).

use crate::text::Text;
use std::collections::HashMap;

use chrono::NaiveDate;

use super::row::Columns;
use super::state::{Conflict, ConflictKind, Resolution};
use super::Rejects;
use crate::normalize::address::{self, Address};
use crate::normalize::id_number::{IdNumber, IdStatus, Sex};
use crate::normalize::values::{self, Status, ValueConfig};
use crate::table::{Prov, RawTable};

/// One row of a 学籍 export.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct EnrollRec {
    pub prov: Prov,
    /// 区县 of the school: the district column, else the source's declaration
    /// ([`crate::sources::district`]).
    pub district: Text,
    /// 区县 of 户口所在地: the district it names, else the ID's region code, else the
    /// school's (in a run of several districts; empty otherwise).
    pub home_district: Text,
    /// Where `home_district` came from, for the 匹配依据 of the cases it places.
    pub home_from: crate::sources::district::HomeFrom,
    /// `district` is the one most of the school's rows are placed in (a city-wide export
    /// without a 区县 column, [`crate::sources::district`]).
    pub district_by_school: bool,
    pub school: Text,
    pub name: Text,
    pub sex: Option<Sex>,
    #[serde(with = "crate::normalize::date::as_day")]
    pub birth: Option<NaiveDate>,
    pub id: IdNumber,
    /// 全国学籍号 as written (G…, L…, J…).
    pub student_no: Text,
    pub grade: Text,
    pub grade_level: Option<u8>,
    pub class: Text,
    #[serde(with = "crate::normalize::date::as_day")]
    pub entry: Option<NaiveDate>,
    pub hukou: Address,
    /// 户口所在地 as written (for rosters that print the address).
    pub hukou_text: Text,
    /// 现住址, when it is written differently from 户口所在地 (most students live where they
    /// are registered; a million copies of the same address are not kept): see
    /// [`EnrollRec::current`].
    pub current_other: Option<Box<Address>>,
    pub inclusive: bool,
    pub disability_type: Option<u8>,
    /// The status this row records: 异动类型 when given, else 学籍状态.
    pub status: Option<Status>,
    /// The status text as written (异动类型, else 学籍状态): keeps what `status` folds away,
    /// such as the direction of 借读（出）/ 借读（入） that the weekly report counts apart.
    pub status_text: Text,
    /// `status_text` came from 异动类型 (else from 学籍状态).
    pub status_is_change: bool,
    /// 异动日期, when given.
    #[serde(with = "crate::normalize::date::as_day")]
    pub status_date: Option<NaiveDate>,
    /// Which `[[sources]]` snapshot this row came from (weekly reports).
    pub source: usize,
}

impl EnrollRec {
    /// 现住址 as parsed (the registered address when it is written the same).
    pub fn current(&self) -> &Address {
        self.current_other.as_deref().unwrap_or(&self.hukou)
    }

    /// `荣昌中学 初二(3)班` — for evidence.
    pub fn placement(&self) -> String {
        let mut s = self.school.to_string();
        if !self.grade.is_empty() {
            s.push(' ');
            s.push_str(&self.grade);
        }
        // 班级 is written as 3, 3班, (3)班 or （3）班: show it as (3)班.
        let core = self.class.trim().trim_end_matches('班').trim_matches(['(', ')', '（', '）', ' ']);
        if !core.is_empty() {
            s.push_str(&format!("({core})班"));
        }
        s
    }

    /// `荣昌中学 初二(3)班（学籍号 G500153…）` — the matched record, for evidence.
    pub fn placement_and_number(&self) -> String {
        let place = self.placement();
        if self.student_no.is_empty() {
            place
        } else {
            format!("{place}（学籍号 {}）", self.student_no)
        }
    }

    /// A 毕业 record that completes compulsory education: grade 9, or no grade given and a
    /// school named 中学 / 初中 (not a 小学).
    pub fn is_junior_graduation(&self) -> bool {
        self.status == Some(Status::Graduated)
            && (self.grade_level == Some(9) || (self.grade_level.is_none() && is_junior_school(&self.school)))
    }
}

fn is_junior_school(school: &str) -> bool {
    (school.contains("中学") || school.contains("初中") || school.contains("初级中学")) && !school.contains("小学")
}

/// Builds 学籍 records; rows with neither a name nor an ID/学籍号 are rejected.
pub fn extract(
    table: &RawTable,
    source: usize,
    inputs: &mut Rejects,
    values: &ValueConfig,
    as_of: NaiveDate,
) -> Vec<EnrollRec> {
    let cols = Columns::new(table, as_of);
    let mut out = Vec::with_capacity(table.rows.len());
    for raw in &table.rows {
        let r = cols.row(raw);
        let mut id = r.id("id_number");
        let student_no: Text = r.compact("student_no").to_uppercase();
        if !id.is_valid() {
            // A G 全国学籍号 carries the ID.
            let from_no = r.id_in(&student_no);
            if from_no.is_valid() && (id.status == IdStatus::Missing || id.status == IdStatus::Damaged) {
                id = from_no;
            }
        }
        let name = r.name("name");
        if name.is_empty() && id.status == IdStatus::Missing && student_no.is_empty() {
            inputs.reject(r.prov(), None, "姓名、身份证件号和学籍号均为空 (no name, ID or student number)");
            continue;
        }
        let change = r.text("change_type");
        let status_is_change = !change.is_empty();
        let status_text = if status_is_change { change } else { r.text("status") };
        let grade = r.text("grade");
        let grade_level = values::grade_level(&grade);
        // A plain 离校 at grade 9 or above ends junior school: a graduation.
        let status = if status_text.is_empty() {
            None
        } else {
            values.status(&status_text).map(|s| s.at_grade(&status_text, grade_level))
        };
        let hukou_text = r.text("hukou_address");
        let inclusive = r.yes_no("inclusive", values).unwrap_or(false) || r.text("attend_mode").contains("随班就读");
        let dtype = r.text("disability_type");
        let hukou = r.hukou(&hukou_text);
        // Most students live where they are registered: the same text is parsed once.
        let current_text = r.text("current_address");
        let current_other = (current_text != hukou_text).then(|| Box::new(address::parse(&current_text)));
        out.push(EnrollRec {
            prov: r.prov(),
            district: r.district("district"),
            home_district: Text::default(),
            home_from: Default::default(),
            district_by_school: false,
            school: r.text("school"),
            sex: r.sex("sex", values).or_else(|| id.sex()),
            birth: id.valid().and(id.birth()).or_else(|| r.date("birth_date")).or_else(|| id.birth()),
            grade_level,
            grade,
            class: r.text("class"),
            entry: r.year_month("entry"),
            hukou,
            hukou_text,
            current_other,
            inclusive,
            disability_type: values::disability_category(&dtype).filter(|c| *c != 0),
            status,
            status_text,
            status_is_change,
            status_date: if r.has("change_date") { r.date("change_date") } else { None },
            source,
            student_no,
            name,
            id,
        });
    }
    out
}

/// The end of the reason of a row rejected by [`reject_unknown_status`].
pub const UNKNOWN_STATUS: &str = "(unknown status word)";

/// Removes the 学籍 rows whose status word is known to no table (built-in or the pipeline's
/// `[values.status]`) and rejects them, naming the column and the word (a status word is no
/// personal data): the clearance rules must never read an unknown word as 在读 or as 离校.
/// The weekly pipeline keeps such rows (counted as 在读, and said so in its 核对 sheet).
pub fn reject_unknown_status(
    mut recs: super::packed::StoreMut<'_, EnrollRec>,
    inputs: &mut crate::table::Inputs,
) -> usize {
    let mut rejected = 0;
    recs.retain_doubtful(|r| {
        let unknown = r.status.is_none() && !r.status_text.is_empty();
        if unknown {
            let column = if r.status_is_change { "异动类型" } else { "学籍状态" };
            inputs.reject(
                r.prov,
                Some(column),
                format!(
                    "{column}“{}”无法识别，未作在读或离校处理；如为已知状态的别称，请在管线文件 [values.status] 中指明 {UNKNOWN_STATUS}",
                    r.status_text
                ),
            );
            rejected += 1;
        }
        !unknown
    });
    rejected
}

/// One student: every 学籍 row of the same person, in time order.
#[derive(Clone, Debug)]
pub struct Student {
    /// Indices into the record list, ordered oldest first (undated last, then input order).
    pub records: Vec<usize>,
    /// The record that sets the current status, chosen from all rows across schools
    /// ([`super::state::resolve`]).
    pub current: usize,
    /// How `current` was chosen (transfer, 升学, rows joined by name, a contradiction).
    pub resolution: Resolution,
}

impl Student {
    pub fn current_status(&self, recs: &[EnrollRec]) -> Option<Status> {
        recs[self.current].status
    }

    pub fn is_active(&self, recs: &[EnrollRec]) -> bool {
        self.current_status(recs).is_some_and(Status::is_active)
    }

    pub fn is_dead(&self, recs: &[EnrollRec]) -> bool {
        self.current_status(recs) == Some(Status::Dead)
    }

    /// Whether any record shows 初中毕业.
    pub fn completed_junior(&self, recs: &[EnrollRec]) -> bool {
        self.records.iter().any(|&i| recs[i].is_junior_graduation())
    }

    pub fn conflict(&self) -> Option<&Conflict> {
        self.resolution.conflict.as_ref()
    }
}

/// Groups records into students: by valid ID, else by 全国学籍号, else by name + birth date +
/// school; then rows without an ID at different schools (temporary 学籍号 re-issued by a new
/// school) are joined when name, birth date, sex and 户口所在地 agree and no ID disagrees. A
/// 学籍号 seen with two valid IDs keeps two students, each marked with the contradiction.
/// Each student's current row is resolved from all of its rows. Deterministic: students
/// ordered by their first record.
pub fn students(recs: &[EnrollRec]) -> Vec<Student> {
    /// What identifies a student's rows (borrowed: no allocation per row).
    #[derive(Hash, PartialEq, Eq)]
    enum Key<'a> {
        Id(&'a str),
        StudentNo(&'a str),
        Person(&'a str, Option<NaiveDate>, &'a str),
    }
    let mut by_key: HashMap<Key<'_>, usize> = HashMap::with_capacity(recs.len());
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_id: Vec<Option<&str>> = Vec::new();
    let mut no_to_group: HashMap<&str, usize> = HashMap::with_capacity(recs.len());
    // (row, row of another group) sharing a 学籍号 under two valid IDs.
    let mut two_ids: Vec<(usize, usize)> = Vec::new();
    for (i, r) in recs.iter().enumerate() {
        let key = if let Some(id) = r.id.valid() {
            Key::Id(id)
        } else if !r.student_no.is_empty() {
            Key::StudentNo(&r.student_no)
        } else {
            Key::Person(&r.name, r.birth, &r.school)
        };
        // A student number seen with a valid ID joins rows that lack the ID; seen with
        // another valid ID, it is a contradiction, not the same student.
        let mut existing = by_key.get(&key).copied();
        if existing.is_none() && !r.student_no.is_empty() {
            if let Some(&g) = no_to_group.get(r.student_no.as_str()) {
                match (group_id[g], r.id.valid()) {
                    (Some(a), Some(b)) if a != b => two_ids.push((i, groups[g][0])),
                    _ => existing = Some(g),
                }
            }
        }
        let g = match existing {
            Some(g) => g,
            None => {
                groups.push(Vec::new());
                group_id.push(None);
                groups.len() - 1
            }
        };
        by_key.insert(key, g);
        if !r.student_no.is_empty() {
            no_to_group.entry(r.student_no.as_str()).or_insert(g);
        }
        if group_id[g].is_none() {
            group_id[g] = r.id.valid();
        }
        groups[g].push(i);
    }
    let joined = join_by_person(recs, &mut groups, &group_id);
    let mut students: Vec<Student> = groups
        .into_iter()
        .zip(joined)
        .filter(|(records, _)| !records.is_empty())
        .map(|(mut records, joined)| {
            // Dated first in date order, undated (current exports) last; ties keep input order.
            records.sort_by_key(|&i| (recs[i].status_date.is_none(), recs[i].status_date, i));
            let (current, mut resolution) = super::state::resolve(recs, &records);
            resolution.joined = joined;
            if joined {
                resolution.why = Some(match resolution.why.take() {
                    Some(w) => format!("{w}；{}", super::state::JOINED),
                    None => super::state::JOINED.to_string(),
                });
            }
            Student { records, current, resolution }
        })
        .collect();
    // Both students of a 学籍号 with two IDs carry the contradiction.
    if !two_ids.is_empty() {
        let mut of_row: HashMap<usize, usize> = HashMap::new();
        for (s, st) in students.iter().enumerate() {
            for &i in &st.records {
                if two_ids.iter().any(|&(a, b)| a == i || b == i) {
                    of_row.insert(i, s);
                }
            }
        }
        for &(a, b) in &two_ids {
            for (mine, other) in [(a, b), (b, a)] {
                let s = of_row[&mine];
                if students[s].resolution.conflict.is_none() {
                    let res = &mut students[s].resolution;
                    res.conflict = Some(Conflict { kind: ConflictKind::TwoIds, rows: [mine, other] });
                    res.why = Some(format!(
                        "学籍状态矛盾：学籍号 {} 对应两个不同的身份证号（{}；{}）",
                        recs[mine].student_no,
                        recs[mine].placement(),
                        recs[other].placement()
                    ));
                }
            }
        }
    }
    students
}

/// Joins groups without a valid ID to the one group (at other schools) whose rows agree in
/// name, birth date, sex and 户口所在地, where no ID text disagrees. Returns, per group,
/// whether it received rows this way; joined groups are left empty.
fn join_by_person(recs: &[EnrollRec], groups: &mut [Vec<usize>], group_id: &[Option<&str>]) -> Vec<bool> {
    let mut joined = vec![false; groups.len()];
    // The (name, birth) of the groups without an ID: only rows sharing one are keyed.
    let idless: Vec<usize> = (0..groups.len()).filter(|&g| group_id[g].is_none()).collect();
    if idless.is_empty() {
        return joined;
    }
    let person_key = |i: usize| -> Option<String> {
        let r = &recs[i];
        let (birth, sex) = (r.birth?, r.sex?);
        if r.name.is_empty() {
            return None;
        }
        let place = match (&r.hukou.town, &r.hukou.village) {
            (Some(t), Some(v)) => format!(
                "{}|{}|{}",
                address::town_stem(t),
                address::village_stem(v),
                r.hukou.group.map(|g| g.to_string()).unwrap_or_default()
            ),
            _ if !r.hukou_text.is_empty() => crate::normalize::compact(&r.hukou_text),
            _ => return None,
        };
        Some(format!("{}|{birth}|{sex:?}|{place}", r.name))
    };
    let wanted: std::collections::HashSet<(&str, NaiveDate)> = idless
        .iter()
        .flat_map(|&g| groups[g].iter().filter_map(|&i| recs[i].birth.map(|b| (recs[i].name.as_str(), b))))
        .collect();
    // person key → groups having a row with it.
    let mut by_person: HashMap<String, Vec<usize>> = HashMap::new();
    for (g, rows) in groups.iter().enumerate() {
        for &i in rows {
            let Some(b) = recs[i].birth else { continue };
            if !wanted.contains(&(recs[i].name.as_str(), b)) {
                continue;
            }
            if let Some(k) = person_key(i) {
                let list = by_person.entry(k).or_default();
                if list.last() != Some(&g) {
                    list.push(g);
                }
            }
        }
    }
    let schools = |g: &Vec<usize>| -> Vec<String> {
        let mut s: Vec<String> = g.iter().map(|&i| crate::normalize::compact(&recs[i].school)).collect();
        s.sort();
        s.dedup();
        s
    };
    let id_texts = |g: &Vec<usize>| -> Vec<String> {
        let mut s: Vec<String> = g.iter().map(|&i| recs[i].id.text.to_string()).filter(|t| !t.is_empty()).collect();
        s.sort();
        s.dedup();
        s
    };
    // Union of the groups of one person key, in key order (deterministic).
    let mut keys: Vec<(&String, &Vec<usize>)> = by_person.iter().filter(|(_, v)| v.len() > 1).collect();
    keys.sort();
    let mut parent: Vec<usize> = (0..groups.len()).collect();
    fn find(parent: &mut [usize], mut g: usize) -> usize {
        while parent[g] != g {
            parent[g] = parent[parent[g]];
            g = parent[g];
        }
        g
    }
    for (_, list) in keys {
        // More than one group with an ID: whose the ID-less rows are cannot be told.
        if list.iter().filter(|&&g| group_id[g].is_some()).count() > 1 {
            continue;
        }
        for w in list.windows(2) {
            let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
            if a == b {
                continue;
            }
            let (sa, sb) = (schools(&groups[a]), schools(&groups[b]));
            if sa.iter().any(|s| sb.contains(s)) {
                continue;
            }
            let (ia, ib) = (id_texts(&groups[a]), id_texts(&groups[b]));
            if !ia.is_empty() && !ib.is_empty() && ia != ib {
                continue;
            }
            let (keep, gone) = (a.min(b), a.max(b));
            let rows = std::mem::take(&mut groups[gone]);
            groups[keep].extend(rows);
            parent[gone] = keep;
            joined[keep] = true;
        }
    }
    joined
}

/// The census town (canonical) an address names among the towns of `district` (the census
/// towns are (district, town), the district empty in a district run); None when the
/// address names none of them.
pub fn census_town<'t>(addr: &Address, district: &str, towns: &'t [(Text, Text)]) -> Option<&'t str> {
    let t = addr.town.as_deref()?;
    // `towns` is sorted by district: only the district's own towns are compared.
    let from = towns.partition_point(|(d, _)| d.as_str() < district);
    towns[from..]
        .iter()
        .take_while(|(d, _)| d.as_str() == district)
        .find(|(_, x)| address::same_town(x, t))
        .map(|(_, x)| x.as_str())
}
