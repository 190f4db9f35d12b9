//! The problem rules. Each rule lives in its own module and states its rule once, in its
//! module doc; the README quotes the same definitions. Rules read the linked [`People`]
//! and the per-person [`facts::Facts`], and return [`Case`]s. They never read files.
//!
//! Pipeline position: read → sources → link → **rules** → roundtrip → report.

pub mod completion_unknown;
pub mod death_unverified;
pub mod disabled_unplaced;
pub mod duplicate_registration;
pub mod enrolled_not_in_census;
pub mod enrollment_conflict;
pub mod exemption_expired;
pub mod facts;
pub mod home_teaching;
pub mod id_invalid;
pub mod match_review;
pub mod non_completer;
pub mod not_enrolled;
pub mod problem;
pub mod suspension_overdue;
pub mod window;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

pub use facts::Facts;
pub use problem::Problem;

use crate::link::people::{People, Person};
use crate::plan::Plan;
use crate::sources::Data;
use crate::table::{Inputs, Prov};

/// One raised case: a person (or a 学籍 student) and a problem, with everything the ledger
/// shows about it.
#[derive(Clone, Debug)]
pub struct Case {
    pub case_id: String,
    pub problem: Problem,
    /// Index into `People::persons` (None for enrolled_not_in_census).
    pub person: Option<usize>,
    /// Index into `People::students` where a 学籍 record is involved.
    pub student: Option<usize>,
    /// 区县 of the town (empty in a district run, [`crate::sources::district`]).
    pub district: String,
    pub town: String,
    pub village: String,
    pub group: String,
    pub householder: String,
    pub name: String,
    pub sex: String,
    /// The ID as listed (normalised text; may be invalid, empty when missing or damaged).
    pub id_number: String,
    pub birth: Option<NaiveDate>,
    pub poverty: bool,
    pub disability_category: Option<u8>,
    pub disability_grade: Option<u8>,
    /// 问题描述.
    pub description: String,
    /// 匹配依据: how the 学籍 record was (or was not) found.
    pub evidence: String,
    /// exact_id, repaired_id, fuzzy or none.
    pub match_method: String,
    pub score: Option<f64>,
    pub school: String,
    pub student_no: String,
    pub responsible_unit: String,
    pub responsible_person: String,
    pub responsible_phone: String,
    /// 包片人员 and 包干领导 of the school ([`fill_contacts`]).
    pub contacts: crate::schools::Contacts,
    pub deadline: NaiveDate,
    /// The rows behind the case.
    pub sources: Vec<Prov>,
    /// For a case carried from an earlier run that the rules no longer raise: its `source`
    /// column as that run wrote it (rows of that run's inputs). Empty for a raised case.
    pub earlier_sources: String,
    /// A short hash of the person key: the same person across runs, without naming them.
    pub person_ref: String,
    /// The case's history across runs (verification round trip).
    pub history: History,
    /// For a non_completer or not_enrolled case: its line of the 辍学学生花名册, taken from
    /// the person's 学籍 record while the records are at hand ([`crate::report::dropouts::annotate`]).
    pub roster: Option<Box<RosterEntry>>,
}

/// The child a case is about: (partition, person) or (partition, 学籍 student known to no
/// person).
pub type Whose = (u32, Option<usize>, Option<usize>);

/// What the 花名册 needs of a non_completer or not_enrolled case beyond the case itself:
/// whose case it is, and (for a child with a 学籍 history) the 学籍 columns of the child's
/// row. Taken while the run's records and people are at hand, so that the roster
/// ([`crate::report::dropouts`]) can be written from the cases alone, after the districts of
/// a run were linked one by one.
#[derive(Clone, Debug)]
pub struct RosterEntry {
    /// The child the case is about: (partition, person) or (partition, student known only
    /// to 学籍). The cases of one child share it.
    pub whose: Whose,
    /// The roster row's 学籍 columns; None for a child with no 学籍 history (not listed).
    pub row: Option<RosterCells>,
}

/// The 学籍 columns of a 花名册 row, and the child it is (one row per child).
#[derive(Clone, Debug)]
pub struct RosterCells {
    /// (partition, 0, person) or (partition, 1, student).
    pub key: (u32, u8, usize),
    pub school: String,
    pub student_no: String,
    pub grade: String,
    pub class: String,
    /// 户籍地址: the census listing's, else the town, village and 社 of the person, else
    /// the 学籍 record's.
    pub hukou: String,
}

/// What earlier runs and returned ledgers say about a case.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Label of the run that first raised the case.
    pub first_seen: String,
    /// How many times a town returned a filled-in row for it.
    pub times_returned: u32,
    /// The latest 核实结果 (label as returned) and 核实说明.
    pub last_outcome: String,
    pub outcome_note: String,
    /// Closed (销号) by a settling outcome; the label of the run that closed it.
    pub closed: bool,
    pub closed_in: String,
    /// For a closed case: the hash of the 学籍 and exemption input files of the run that
    /// closed it ([`crate::roundtrip::verify::data_hash`]), to tell newer data from the same export.
    pub closure_data: String,
    /// What the next runs found about the closure: `待新数据核对` (raised again from the same
    /// export) or the reason it was reopened.
    pub closure_note: String,
    /// Reopened in this run: a closure the newer data contradict (status `reopened`).
    pub reopened: bool,
}

/// Shared inputs of every rule.
pub struct Ctx<'a> {
    pub inputs: &'a Inputs,
    pub people: &'a People,
    pub data: &'a Data,
    pub plan: &'a Plan,
    /// Facts per person, same order as `people.persons` ([`all_facts`]).
    pub facts: &'a [Facts<'a>],
    /// The roster matched to the 学籍 schools: who is responsible for a school.
    pub schools: crate::schools::Directory,
}

/// The facts of every person, in the order of `people.persons` (computed once a run, in
/// parallel; the rules and the children's ledger read them).
pub fn all_facts<'a>(people: &'a People, data: &'a Data, plan: &'a Plan) -> Vec<Facts<'a>> {
    use rayon::prelude::*;
    people.persons.par_iter().map(|p| Facts::of(p, people, data, &plan.params)).collect()
}

impl<'a> Ctx<'a> {
    /// A case about a person, placed where the person is placed, with the person's 学籍 link
    /// (and how the other lists were matched, when not by an identical ID) as its 匹配依据 and
    /// the responsible people looked up.
    pub fn person_case(&self, problem: Problem, index: usize, mut description: String) -> Case {
        let p = &self.people.persons[index];
        let f = &self.facts[index];
        let (match_method, score, evidence, school, student_no, student) = match &p.student {
            Some(link) => {
                let r = f.current.expect("linked student has a current record");
                (
                    link.method.key().to_string(),
                    Some(link.score),
                    match f.why {
                        Some(why) => format!("{} → 学籍：{}（{why}）", link.evidence, r.placement_and_number()),
                        None => format!("{} → 学籍：{}", link.evidence, r.placement_and_number()),
                    },
                    r.school.to_string(),
                    r.student_no.to_string(),
                    Some(link.student),
                )
            }
            None => (
                "none".to_string(),
                None,
                "学籍系统中未找到该儿童（已按身份证号、姓名、出生日期、住址比对）".to_string(),
                p.primary.map(|i| self.data.census[i].school.to_string()).unwrap_or_default(),
                String::new(),
                None,
            ),
        };
        let mut evidence = list_evidence(evidence, p);
        if let Some(how) = p.district_inferred {
            evidence.push('；');
            evidence.push_str(&crate::sources::district::evidence(how, &p.district));
        }
        if p.town_from_village {
            evidence.push('；');
            evidence.push_str(&crate::link::place::evidence(&p.town));
        }
        // The census missed a child the poverty register knows: the problem itself says so
        // (README: 问题描述注明), like the disability-list-only note of disabled_unplaced.
        if p.origin == crate::link::people::Origin::PovertyOnly {
            description.push_str("；清查表未登记，见于建档立卡名单");
        }
        let mut sources: Vec<Prov> = p.listings.iter().map(|&i| self.data.census[i].prov).collect();
        sources.extend(p.poverty.iter().map(|&i| self.data.poverty[i].prov));
        sources.extend(p.disability.iter().map(|&i| self.data.disability[i].prov));
        if let Some(s) = student {
            sources.extend(self.people.students[s].records.iter().map(|&i| self.data.enrollment[i].prov));
        }
        let (unit, person, phone) = self.responsible(&school, &p.town);
        Case {
            case_id: case_id(problem, &person_key(p)),
            problem,
            person: Some(index),
            student,
            district: p.district.to_string(),
            town: p.town.to_string(),
            village: p.village.to_string(),
            group: p.group_text.to_string(),
            householder: p.householder.to_string(),
            name: p.name.to_string(),
            sex: p.sex.map(|s| s.label().to_string()).unwrap_or_default(),
            id_number: p.id.text.to_string(),
            birth: p.birth,
            poverty: f.poverty,
            disability_category: f.disabled.then_some(f.disability_category).flatten(),
            disability_grade: f.disabled.then_some(f.disability_grade).flatten(),
            description,
            evidence,
            match_method,
            score,
            school,
            student_no,
            responsible_unit: unit,
            responsible_person: person,
            responsible_phone: phone,
            contacts: Default::default(),
            deadline: self.plan.params.deadline(),
            sources,
            earlier_sources: String::new(),
            person_ref: person_ref(&person_key(p)),
            history: History::default(),
            roster: None,
        }
    }

    /// The school's 包校人员 from the roster where the school is known (through the school
    /// directory, [`crate::schools`]), else the town.
    pub fn responsible(&self, school: &str, town: &str) -> (String, String, String) {
        if let Some(e) = self.schools.entry_for(school) {
            return (e.school.clone(), e.person.name.clone(), e.person.phone.clone());
        }
        let unit = if town.is_empty() {
            "区教委".to_string()
        } else if town.ends_with("街道") {
            format!("{town}办事处")
        } else {
            format!("{town}人民政府")
        };
        (unit, String::new(), String::new())
    }
}

/// A 匹配依据 followed by how the person's records on the other lists were matched, where
/// that was not by an identical ID (`；残疾人名单按姓名、出生日期、村社对应（…）`).
pub fn list_evidence(mut evidence: String, p: &Person) -> String {
    for l in &p.list_links {
        evidence.push('；');
        evidence.push_str(&l.evidence);
    }
    evidence
}

/// The identity a case id is derived from: the valid ID (with the name when two people hold
/// the same ID), else name + birth + town + village (+ the district first, in a run of
/// several districts).
pub fn person_key(p: &Person) -> String {
    match p.id.valid() {
        Some(id) if p.id_shared => format!("{id}|{}", p.name),
        Some(id) => id.to_string(),
        None if !p.district.is_empty() => format!(
            "{}|{}|{}|{}|{}",
            p.name,
            p.birth.map(facts::fmt_date).unwrap_or_default(),
            p.district,
            p.town,
            p.village
        ),
        None => format!("{}|{}|{}|{}", p.name, p.birth.map(facts::fmt_date).unwrap_or_default(), p.town, p.village),
    }
}

/// A short, stable, non-identifying reference to a person key.
pub fn person_ref(key: &str) -> String {
    let digest = Sha256::digest(format!("person|{key}").as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// `NE-1a2b3c4d5e`: problem prefix + the start of SHA-256(problem | key). Stable across runs.
pub fn case_id(problem: Problem, key: &str) -> String {
    let mut h = Sha256::new();
    h.update(problem.key().as_bytes());
    h.update(b"|");
    h.update(key.as_bytes());
    let digest = h.finalize();
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{}-{hex}", problem.short())
}

/// Runs every rule; cases sorted by town, village, poverty first, problem, name, case id.
/// Case ids of two people with the same key are not yet told apart ([`disambiguate`]).
/// `schools`: the roster matched to the run's 学籍 schools (a district judged on its own
/// still looks its schools up among the whole run's, as a run of one district would).
pub fn evaluate_unnumbered<'a>(
    (people, data, plan, inputs): (&'a People, &'a Data, &'a Plan, &'a Inputs),
    facts: &'a [Facts<'a>],
    schools: crate::schools::Directory,
) -> Vec<Case> {
    let ctx = Ctx { inputs, people, data, plan, facts, schools };
    type Check = fn(&Ctx, &mut Vec<Case>);
    let checks: [Check; 13] = [
        exemption_expired::check,
        not_enrolled::check,
        disabled_unplaced::check,
        non_completer::check,
        home_teaching::check,
        id_invalid::check,
        duplicate_registration::check,
        enrolled_not_in_census::check,
        enrollment_conflict::check,
        match_review::check,
        completion_unknown::check,
        suspension_overdue::check,
        death_unverified::check,
    ];
    // The rules in parallel, each on its own list; joined in this fixed order, then sorted.
    use rayon::prelude::*;
    let found: Vec<Vec<Case>> = checks
        .par_iter()
        .with_max_len(1)
        .map(|check| {
            let mut cases = Vec::new();
            check(&ctx, &mut cases);
            cases
        })
        .collect();
    let mut cases: Vec<Case> = found.into_iter().flatten().collect();
    sort_cases(&mut cases);
    cases
}

/// Runs every rule ([`evaluate_unnumbered`]) and makes every case id unique ([`disambiguate`]).
pub fn evaluate<'a>(
    run: (&'a People, &'a Data, &'a Plan, &'a Inputs),
    facts: &'a [Facts<'a>],
    schools: crate::schools::Directory,
) -> Vec<Case> {
    let mut cases = evaluate_unnumbered(run, facts, schools);
    disambiguate(&mut cases);
    cases
}

/// Two people with the same key (same name, birth date and village, no valid ID) would share
/// a case id; the later ones in ledger order get `-2`, `-3`, … so every id stays unique.
/// A run that judges its districts one by one numbers them once all are joined.
pub fn disambiguate(cases: &mut [Case]) {
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for c in cases.iter_mut() {
        let n = seen.entry(c.case_id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            c.case_id = format!("{}-{n}", c.case_id);
        }
    }
}

/// Fills the 包片人员 and 包干领导 of every case from its school's roster entry (cases carried
/// from an earlier run included).
pub fn fill_contacts(cases: &mut [Case], dir: &crate::schools::Directory) {
    // The directory answers a name outside the 学籍 once per run ([`crate::schools`]).
    for c in cases {
        c.contacts = dir.contacts_for(&c.school);
    }
}

/// The ledger order: district, town, village, the low-priority codes last, poverty
/// households first, problem, name, case id.
pub fn sort_cases(cases: &mut [Case]) {
    cases.sort_by(|a, b| {
        (
            &a.district,
            &a.town,
            !a.history.reopened,
            &a.village,
            a.problem.low_priority(),
            !a.poverty,
            a.problem,
            &a.name,
            &a.case_id,
        )
            .cmp(&(
                &b.district,
                &b.town,
                !b.history.reopened,
                &b.village,
                b.problem.low_priority(),
                !b.poverty,
                b.problem,
                &b.name,
                &b.case_id,
            ))
    });
}
