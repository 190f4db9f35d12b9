//! The linked view of every child: census listings collapsed into one person each, the
//! poverty register, disability list, 送教上门 roster and exemption list attached to them
//! (or, where the census missed someone, added as people of their own), and each person's
//! 学籍 student, with how each link was made.
//!
//! Pipeline position: read → normalize → link → **people** → rules → report. This module
//! decides *who is who*; it calls [`crate::link`] for every pairing and never judges a case.

use crate::text::Text;
use chrono::NaiveDate;
use rayon::prelude::*;

use crate::link::{self, LinkRec, Linkage, Method};
use crate::normalize::address;
use crate::normalize::id_number::{IdNumber, IdStatus, Sex};
use crate::plan::Plan;
use crate::schema::SourceKind;
use crate::sources::enrollment::{self, Student};
use crate::sources::{Data, EnrollRec};

/// Where a person first became known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    Census,
    /// On the poverty register, in no census sheet.
    PovertyOnly,
    /// On the disability list only.
    DisabilityOnly,
    /// On the 送教上门 roster only.
    HomeTeachingOnly,
}

impl Origin {
    /// The list a person of this origin was first found on, as evidence names it (the
    /// census as `清查表`, the word the ledgers use).
    pub fn label(self) -> &'static str {
        match self {
            Origin::Census => "清查表",
            Origin::PovertyOnly => SourceKind::Poverty.label(),
            Origin::DisabilityOnly => SourceKind::Disability.label(),
            Origin::HomeTeachingOnly => SourceKind::HomeTeaching.label(),
        }
    }
}

/// How a person's 学籍 student was found.
#[derive(Clone, Debug)]
pub struct StudentLink {
    /// Index into [`People::students`].
    pub student: usize,
    pub method: Method,
    pub score: f64,
    /// The agreement sentence (`身份证号第14位不一致，姓名、出生日期、村社一致`).
    pub evidence: String,
    /// Set when the IDs differ (a repaired ID) and the 学籍 side's is the mistyped one: the
    /// 学籍 ID text.
    pub enrollment_id_wrong: Option<String>,
    /// Set when the IDs differ (a repaired ID) and the person's is the mistyped one (a
    /// census listing's, or that of the list the person was found on).
    pub person_id_wrong: bool,
}

/// A record of another list (poverty register, disability list, 送教上门 roster, exemption
/// list) attached to a person by anything but an identical valid ID: these links decide
/// whether a child counts as poor, disabled, home-taught or exempted, so the person's cases
/// say how each was made.
#[derive(Clone, Debug)]
pub struct ListLink {
    pub kind: SourceKind,
    pub method: Method,
    /// `残疾人名单按姓名、出生日期、村社对应（身份证号缺失）`.
    pub evidence: String,
}

/// Where a person's valid ID came from when the census (or first) listing's was missing or
/// mistyped: another list's record, attached by `method` (a repaired ID: the person's was
/// the mistyped one).
#[derive(Clone, Debug)]
pub struct IdFill {
    pub kind: SourceKind,
    pub method: Method,
}

/// A candidate 学籍 record that scored between the review and accept thresholds.
#[derive(Clone, Debug)]
pub struct ReviewCandidate {
    pub student: usize,
    pub score: f64,
    pub evidence: String,
}

/// One child (or young person), with everything linked to it.
#[derive(Clone, Debug)]
pub struct Person {
    pub origin: Origin,
    /// Census record indices, input order.
    pub listings: Vec<usize>,
    pub poverty: Vec<usize>,
    pub disability: Vec<usize>,
    pub visits: Vec<usize>,
    pub exemptions: Vec<usize>,
    /// The listing that places the person (household registration, else the first).
    pub primary: Option<usize>,
    /// Best ID: a valid one from any listing or record, else the primary record's.
    pub id: IdNumber,
    pub name: Text,
    pub sex: Option<Sex>,
    pub birth: Option<NaiveDate>,
    /// 区县 (empty in a district run, [`crate::sources::district`]).
    pub district: Text,
    /// Set when the district was inferred (from an address or the ID's region code).
    pub district_inferred: Option<crate::sources::district::Inferred>,
    pub town: Text,
    pub village: Text,
    pub group_text: Text,
    pub householder: Text,
    pub student: Option<StudentLink>,
    pub reviews: Vec<ReviewCandidate>,
    /// Evidence of fuzzy duplicate listings (when not all share one valid ID).
    pub duplicate_evidence: Option<String>,
    /// Another person holds the same valid ID (listed under a different name, so not merged).
    pub id_shared: bool,
    /// Records of the other lists attached other than by an identical ID, in link order.
    pub list_links: Vec<ListLink>,
    /// Set when `id` was taken from another list's record.
    pub id_from: Option<IdFill>,
    /// The town was inferred from the village name ([`crate::link::place`]).
    pub town_from_village: bool,
}

impl Person {
    fn empty(origin: Origin) -> Self {
        Person {
            origin,
            listings: Vec::new(),
            poverty: Vec::new(),
            disability: Vec::new(),
            visits: Vec::new(),
            exemptions: Vec::new(),
            primary: None,
            id: IdNumber::missing(),
            name: Text::default(),
            sex: None,
            birth: None,
            district: Text::default(),
            district_inferred: None,
            town: Text::default(),
            village: Text::default(),
            group_text: Text::default(),
            householder: Text::default(),
            student: None,
            reviews: Vec::new(),
            duplicate_evidence: None,
            id_shared: false,
            list_links: Vec::new(),
            id_from: None,
            town_from_village: false,
        }
    }

    fn link_rec(&self) -> LinkRec {
        LinkRec {
            id: self.id.clone(),
            name: self.name.clone(),
            birth: self.birth,
            sex: self.sex,
            town: link_key(&self.district, &self.town),
            village: link_key(&self.district, &self.village),
            group: address::parse_group(&self.group_text),
        }
    }
}

use crate::sources::district::link_key;

/// The district a source row was placed in by inference, if it was.
fn inferred(data: &Data, prov: crate::table::Prov) -> Option<crate::sources::district::Inferred> {
    if data.districts.inferred.is_empty() {
        None
    } else {
        data.districts.inferred.get(&prov).copied()
    }
}

/// Everyone, and the 学籍 students.
#[derive(Debug, Default)]
pub struct People {
    pub persons: Vec<Person>,
    pub students: Vec<Student>,
    /// For each student, the person it is linked to.
    pub student_owner: Vec<Option<usize>>,
    /// The towns of the census, canonical: (district, town), the district empty in a
    /// district run.
    pub towns: Vec<(Text, Text)>,
}

/// The towns of the census, canonical and sorted: (district, town).
pub fn census_towns(data: &Data) -> Vec<(Text, Text)> {
    if !data.is_packed() {
        let mut towns: Vec<(&str, &str)> = data
            .census
            .par_iter()
            .map(|c| (c.district.as_str(), c.town.as_str()))
            .filter(|t| !t.1.is_empty())
            .collect();
        towns.par_sort_unstable();
        towns.dedup();
        return towns.into_iter().map(|(d, t)| (d.into(), t.into())).collect();
    }
    // Each census table keeps its distinct (district, town): nothing is decoded.
    let mut towns = std::collections::BTreeSet::new();
    data.census_store().groups(|district, town| {
        if !town.is_empty() {
            towns.insert((district.clone(), town.clone()));
        }
    });
    towns.into_iter().collect()
}

/// Links every source into people. Deterministic for the same inputs.
pub fn resolve(data: &Data, plan: &Plan) -> People {
    let cfg = &plan.linkage;
    // Room for every person the other lists can add, so that neither `persons` nor the
    // prepared side is copied to a larger allocation while they grow (at city scale each
    // copy is hundreds of megabytes).
    let extra = data.poverty.len() + data.disability.len() + data.visits.len();
    // The census people, and meanwhile everything that does not depend on them: the poverty
    // and disability lists collapsed and prepared, the 学籍 students and their link records.
    let ((mut persons, census), ((poverty, disability), (students, student_side))) = rayon::join(
        || census_persons(data, cfg, extra),
        || {
            rayon::join(
                || rayon::join(|| Source::new(&poverty_recs(data), cfg), || Source::new(&disability_recs(data), cfg)),
                || student_side(data),
            )
        },
    );
    // The persons as the link stage sees them, prepared once (from their census listings'
    // preparation) and kept in step with `persons` (new people appended, IDs filled in)
    // across the five linkages below.
    let primaries: Vec<usize> = persons.iter().map(|p| p.primary.unwrap_or(0)).collect();
    let mut recs = Vec::with_capacity(persons.len() + extra);
    recs.par_extend(persons.par_iter().map(Person::link_rec));
    let mut side = link::Prepared::derived(&census, recs, &primaries);
    drop(census);

    // Poverty register: attach to census people, the rest become people of their own.
    attach(
        (SourceKind::Poverty, Some(Origin::PovertyOnly)),
        &mut persons,
        &mut side,
        poverty,
        cfg,
        |p, i| p.poverty.push(i),
        |p, i| {
            let r = &data.poverty[i];
            p.id = r.id.clone();
            p.name = r.name.clone();
            p.sex = r.sex;
            p.birth = r.birth;
            p.district = r.district.clone();
            p.district_inferred = inferred(data, r.prov);
            p.town = r.town.clone();
            p.village = r.village.clone();
            p.group_text = r.group_text.clone();
        },
    );

    attach(
        (SourceKind::Disability, Some(Origin::DisabilityOnly)),
        &mut persons,
        &mut side,
        disability,
        cfg,
        |p, i| p.disability.push(i),
        |p, i| {
            let r = &data.disability[i];
            p.id = r.id.clone();
            p.name = r.name.clone();
            p.sex = r.sex;
            p.birth = r.birth;
            p.district = r.district.clone();
            p.district_inferred = inferred(data, r.prov);
            p.town = if r.town.is_empty() { r.address.town.clone().unwrap_or_default() } else { r.town.clone() };
            p.village =
                if r.village.is_empty() { r.address.village.clone().unwrap_or_default() } else { r.village.clone() };
        },
    );

    // 送教上门: one entry per child (the roster has one row per visit).
    let (visit_children, visit_rows) = group_visits(data);
    let visit_recs: Vec<LinkRec> = visit_children
        .iter()
        .map(|&i| {
            let r = &data.visits[i];
            LinkRec {
                id: r.id.clone(),
                name: r.name.clone(),
                birth: r.birth,
                sex: r.sex,
                town: link_key(&r.district, &r.town),
                village: link_key(&r.district, &r.village),
                group: None,
            }
        })
        .collect();
    attach(
        (SourceKind::HomeTeaching, Some(Origin::HomeTeachingOnly)),
        &mut persons,
        &mut side,
        Source::new(&visit_recs, cfg),
        cfg,
        |p, k| p.visits.extend(visit_rows[k].iter().copied()),
        |p, k| {
            let r = &data.visits[visit_children[k]];
            p.id = r.id.clone();
            p.name = r.name.clone();
            p.sex = r.sex;
            p.birth = r.birth;
            p.district = r.district.clone();
            p.district_inferred = inferred(data, r.prov);
            p.town = r.town.clone();
            p.village = r.village.clone();
        },
    );

    // Exemptions only matter for people already known.
    let exemption_recs: Vec<LinkRec> = data
        .exemptions
        .par_iter()
        .map(|r| LinkRec {
            id: r.id.clone(),
            name: r.name.clone(),
            birth: r.birth,
            sex: r.sex,
            town: link_key(&r.district, &r.town),
            village: link_key(&r.district, &r.village),
            group: None,
        })
        .collect();
    attach(
        (SourceKind::Exemption, None),
        &mut persons,
        &mut side,
        Source::new(&exemption_recs, cfg),
        cfg,
        |p, i| p.exemptions.push(i),
        |_, _| {},
    );

    // 学籍: students, each represented by its current record.
    let t = std::time::Instant::now();
    let right = student_side;
    let linkage = link::link_prepared(&side, &right, cfg);
    let (left, student_recs) = (side.recs(), right.recs());
    report_link("enrollment", t.elapsed(), &linkage.stats);
    let mut student_owner = vec![None; students.len()];
    // Evidence sentences in parallel; each link (with its comparison) is dropped once its
    // sentence is written, which keeps the peak memory of a city run down.
    let link::Linkage { links, reviews, .. } = linkage;
    let made: Vec<(usize, StudentLink)> = links
        .into_par_iter()
        .map(|l| {
            let (census_id, enroll_id) = (&left[l.left].id, &student_recs[l.right].id);
            // A repaired ID has exactly one valid side (the tier's condition): the other is
            // the mistyped one.
            let repaired = l.method == Method::RepairedId;
            let enrollment_id_wrong =
                (repaired && census_id.is_valid() && !enroll_id.is_valid()).then(|| enroll_id.text.to_string());
            let person_id_wrong = repaired && !census_id.is_valid() && enroll_id.is_valid();
            let origin = persons[l.left].origin.label();
            let link = StudentLink {
                student: l.right,
                method: l.method,
                score: l.score,
                evidence: link::evidence(&l, link::SideLabels::new(origin, "学籍")),
                enrollment_id_wrong,
                person_id_wrong,
            };
            (l.left, link)
        })
        .collect();
    for (left, link) in made {
        student_owner[link.student] = Some(left);
        persons[left].student = Some(link);
    }
    for r in &reviews {
        let origin = persons[r.left].origin.label();
        persons[r.left].reviews.push(ReviewCandidate {
            student: r.right,
            score: r.score,
            evidence: link::review_evidence(r, link::SideLabels::new(origin, "学籍")),
        });
    }

    let towns = census_towns(data);
    // A valid ID held by two people (same number, names that disagree) is a data fault in
    // itself, and the two must still get distinct case ids.
    let mut held: Vec<(&str, usize)> =
        persons.par_iter().enumerate().filter_map(|(i, p)| p.id.valid().map(|id| (id, i))).collect();
    held.par_sort_unstable();
    let mut shared = Vec::new();
    for run in held.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        shared.extend(run.iter().map(|&(_, i)| i));
    }
    for i in shared {
        persons[i].id_shared = true;
    }
    crate::link::place::infer_towns(&mut persons, data);
    People { persons, students, student_owner, towns }
}

/// The poverty register's records as the link stage sees them.
fn poverty_recs(data: &Data) -> Vec<LinkRec> {
    data.poverty
        .par_iter()
        .map(|r| LinkRec {
            id: r.id.clone(),
            name: r.name.clone(),
            birth: r.birth,
            sex: r.sex,
            town: link_key(&r.district, &r.town),
            village: link_key(&r.district, &r.village),
            group: address::parse_group(&r.group_text),
        })
        .collect()
}

/// The disability list's records as the link stage sees them (the address column fills a
/// missing town or village).
fn disability_recs(data: &Data) -> Vec<LinkRec> {
    data.disability
        .par_iter()
        .map(|r| LinkRec {
            id: r.id.clone(),
            name: r.name.clone(),
            birth: r.birth,
            sex: r.sex,
            town: link_key(
                &r.district,
                if r.town.is_empty() { r.address.town.as_deref().unwrap_or("") } else { &r.town },
            ),
            village: link_key(
                &r.district,
                if r.village.is_empty() { r.address.village.as_deref().unwrap_or("") } else { &r.village },
            ),
            group: r.address.group,
        })
        .collect()
}

/// The 学籍 students, each represented by its current record, prepared for linking.
fn student_side(data: &Data) -> (Vec<Student>, link::Prepared) {
    let students = enrollment::students(&data.enrollment);
    let recs: Vec<LinkRec> = students.par_iter().map(|s| student_link_rec(s, &data.enrollment)).collect();
    (students, link::Prepared::new(recs))
}

/// Collapses census listings into people (same valid ID, or a fuzzy duplicate).
/// `extra`: room to leave for people added later.
fn census_persons(
    data: &Data,
    cfg: &crate::schema::linkage::LinkConfig,
    extra: usize,
) -> (Vec<Person>, link::Prepared) {
    let recs: Vec<LinkRec> = data
        .census
        .par_iter()
        .map(|c| LinkRec {
            id: c.id.clone(),
            name: c.name.clone(),
            birth: c.birth,
            sex: c.sex,
            town: link_key(&c.district, &c.town),
            village: link_key(&c.district, &c.village),
            group: c.group,
        })
        .collect();
    let t = std::time::Instant::now();
    let census = link::Prepared::new(recs);
    let clusters = census.dedupe(cfg);
    crate::progress::step(
        "census",
        &[("records", census.len() as u64), ("persons", clusters.len() as u64), ("ms", t.elapsed().as_millis() as u64)],
    );
    let mut persons: Vec<Person> = Vec::with_capacity(clusters.len() + extra);
    persons.par_extend(clusters.into_par_iter().map(|cluster| {
        let mut listings = cluster.members;
        listings.sort_unstable();
        let primary =
            listings.iter().copied().find(|&i| data.census[i].is_registration_listing()).unwrap_or(listings[0]);
        let p = &data.census[primary];
        let id = listings.iter().map(|&i| &data.census[i].id).find(|id| id.is_valid()).unwrap_or(&p.id).clone();
        let birth = id.valid().and(id.birth()).or(p.birth);
        let mut person = Person::empty(Origin::Census);
        person.primary = Some(primary);
        person.sex = p.sex.or_else(|| id.sex());
        person.id = id;
        person.name = p.name.clone();
        person.birth = birth;
        person.district = p.district.clone();
        person.district_inferred = inferred(data, p.prov);
        person.town = p.town.clone();
        person.village = p.village.clone();
        person.group_text = p.group_text.clone();
        person.householder = p.householder.clone();
        person.duplicate_evidence = cluster.evidence;
        person.listings = listings;
        person
    }));
    (persons, census)
}

/// A source's records ready to attach: collapsed into groups (a renewed exemption, a child
/// on two poverty sheets, every visit of one child), each group represented by one record,
/// and the representatives prepared for linking. Independent of the people, so it is
/// built while the census is being de-duplicated.
struct Source {
    clusters: Vec<link::Cluster>,
    /// Per group, the representative record: a member with a valid ID where there is one.
    reps: Vec<usize>,
    right: link::Prepared,
    /// How long the preparation took (for the progress log).
    took: std::time::Duration,
}

impl Source {
    fn new(recs: &[LinkRec], cfg: &crate::schema::linkage::LinkConfig) -> Source {
        let start = std::time::Instant::now();
        let clusters = if recs.is_empty() { Vec::new() } else { link::dedupe(recs, cfg) };
        let reps: Vec<usize> = clusters
            .iter()
            .map(|c| c.members.iter().copied().find(|&m| recs[m].id.is_valid()).unwrap_or(c.members[0]))
            .collect();
        let rep_recs: Vec<LinkRec> = reps.iter().map(|&r| recs[r].clone()).collect();
        Source { clusters, reps, right: link::Prepared::new(rep_recs), took: start.elapsed() }
    }
}

/// Links a source's record groups ([`Source`]) to the existing people; each group linked to
/// nobody becomes a new person of `origin` (or is left alone when `origin` is `None`). A
/// link made other than by an identical ID is kept as a [`ListLink`] (its evidence), and a
/// valid ID filling a person's missing or mistyped one as an [`IdFill`]. The first argument is
/// the source's kind and the origin of the people it adds.
fn attach(
    (kind, origin): (SourceKind, Option<Origin>),
    persons: &mut Vec<Person>,
    side: &mut link::Prepared,
    source: Source,
    cfg: &crate::schema::linkage::LinkConfig,
    add: impl Fn(&mut Person, usize),
    init: impl Fn(&mut Person, usize),
) {
    let Source { clusters, reps, right, took } = source;
    if clusters.is_empty() {
        return;
    }
    let t = std::time::Instant::now();
    let linkage: Linkage = link::link_prepared(side, &right, cfg);
    let rep_recs = right.recs();
    report_link(kind.key(), took + t.elapsed(), &linkage.stats);
    let mut linked = vec![false; clusters.len()];
    for l in &linkage.links {
        let mut members = clusters[l.right].members.clone();
        members.sort_unstable();
        for m in members {
            add(&mut persons[l.left], m);
        }
        linked[l.right] = true;
        let person = &mut persons[l.left];
        if l.method != Method::ExactId {
            let sides = link::SideLabels::new(person.origin.label(), kind.label());
            let evidence = link::list_sentence(&l.comparison, l.repair.as_ref(), l.method, sides);
            person.list_links.push(ListLink { kind, method: l.method, evidence });
        }
        // A valid ID from another source fills in a person's missing or broken one (and the
        // birth date it carries, when none was listed).
        if !person.id.is_valid() && rep_recs[l.right].id.is_valid() {
            let id = rep_recs[l.right].id.clone();
            person.id_from = Some(IdFill { kind, method: l.method });
            if person.birth.is_none() {
                person.birth = id.birth();
            }
            if person.sex.is_none() {
                person.sex = id.sex();
            }
            person.id = id.clone();
            side.set_id(l.left, id);
        }
    }
    let Some(origin) = origin else { return };
    let first_new = persons.len();
    for (k, cluster) in clusters.iter().enumerate() {
        if linked[k] {
            continue;
        }
        let mut members = cluster.members.clone();
        members.sort_unstable();
        let mut p = Person::empty(origin);
        init(&mut p, reps[k]);
        for &m in &members {
            add(&mut p, m);
        }
        persons.push(p);
    }
    side.extend(persons[first_new..].iter().map(Person::link_rec).collect());
}

/// Reports one linkage to the progress log: counts only.
fn report_link(what: &str, took: std::time::Duration, s: &link::LinkStats) {
    let n = |x: usize| x as u64;
    crate::progress::step(
        what,
        &[
            ("left", n(s.left)),
            ("right", n(s.right)),
            ("exact_id", n(s.exact_id)),
            ("repaired_id", n(s.repaired_id)),
            ("fuzzy", n(s.fuzzy)),
            ("reviews", n(s.reviews)),
            ("residue_left", n(s.residue_left)),
            ("residue_right", n(s.residue_right)),
            ("candidate_pairs", n(s.candidate_pairs)),
            ("ms", took.as_millis() as u64),
        ],
    );
}

/// Groups 送教上门 rows by child: returns one representative row per child and, per child,
/// all of its rows.
fn group_visits(data: &Data) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut keys: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut reps = Vec::new();
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for (i, v) in data.visits.iter().enumerate() {
        let key = match v.id.valid() {
            Some(id) => format!("I{id}"),
            None if !v.student_no.is_empty() => format!("N{}", v.student_no),
            None => format!("P{}|{}", v.name, v.school),
        };
        let k = *keys.entry(key).or_insert_with(|| {
            reps.push(i);
            rows.push(Vec::new());
            reps.len() - 1
        });
        rows[k].push(i);
    }
    (reps, rows)
}

impl People {
    /// The ID status of each census listing of a person that is not valid.
    pub fn invalid_listings(&self, person: &Person, data: &Data) -> Vec<(usize, IdStatus)> {
        person
            .listings
            .iter()
            .filter(|&&i| !data.census[i].id.is_valid())
            .map(|&i| (i, data.census[i].id.status))
            .collect()
    }
}

/// A 学籍 student as the link stage sees it: any valid ID among its rows; the name, birth
/// date and sex of its current row, and that row's 户口所在地 (else 现住址).
pub(crate) fn student_link_rec(student: &Student, recs: &[EnrollRec]) -> LinkRec {
    let r = &recs[student.current];
    let id = student.records.iter().map(|&i| &recs[i].id).find(|id| id.is_valid()).unwrap_or(&r.id).clone();
    let addr = if r.hukou.town.is_some() { &r.hukou } else { r.current() };
    LinkRec {
        id,
        name: r.name.clone(),
        birth: r.birth,
        sex: r.sex,
        town: addr.town.as_deref().and_then(|t| link_key(&r.home_district, t)),
        village: addr.village.as_deref().and_then(|v| link_key(&r.home_district, v)),
        group: addr.group,
    }
}
