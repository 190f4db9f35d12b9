//! Source kinds and their typed records: turns the read stage's [`RawTable`](crate::table::RawTable)s into census
//! children, 学籍 records, poverty-register people and so on, normalising every value on
//! the way and rejecting (with a reason) rows that cannot be used.
//!
//! Pipeline position: schema → plan → read → **sources** (values through [`crate::normalize`])
//! → link → rules → roundtrip → report. The vocabulary it builds from (source kinds, fields)
//! is [`crate::schema`]; [`district`] gives every record its 区县.

pub mod attendance;
pub mod census;
pub mod district;
pub mod enrollment;
pub mod others;
pub mod packed;
pub mod persuasion;
pub mod row;
pub mod state;

use chrono::NaiveDate;

use crate::normalize::values::ValueConfig;
use crate::read::SourceTables;
use crate::schema::SourceKind;
use crate::table::Inputs;

pub use census::CensusRec;
pub use enrollment::{EnrollRec, Student};
pub use others::{DisabilityRec, ExemptionRec, PovertyRec, RosterRec, VerificationRec, VisitRec};

/// Every typed record of a run, per source kind, in input order.
#[derive(Debug, Default)]
pub struct Data {
    pub census: Vec<CensusRec>,
    pub enrollment: Vec<EnrollRec>,
    pub poverty: Vec<PovertyRec>,
    pub disability: Vec<DisabilityRec>,
    pub visits: Vec<VisitRec>,
    pub exemptions: Vec<ExemptionRec>,
    pub roster: Vec<RosterRec>,
    pub verification: Vec<VerificationRec>,
    /// Returned rows filled in but naming no case (neither case_id nor ID): rejected, and
    /// also listed by the round trip among the rows it could not match.
    pub verification_unidentified: Vec<crate::table::Prov>,
    /// The run's districts ([`crate::sources::district::assign`]).
    pub districts: crate::sources::district::Districts,
    /// Whether any attendance table was read (the weekly report then judges 已报送 by it).
    pub has_attendance: bool,
    /// Per-school attendance counts, for the weekly report.
    pub attendance: Vec<attendance::AttendanceRec>,
    /// 劝返 records, for the weekly report and the 督查要点.
    pub persuasion: Vec<persuasion::PersuasionRec>,
    /// The census, 学籍 and poverty records as the read packed them ([`packed`]): then
    /// `census`, `enrollment` and `poverty` are empty until [`Data::unpack`]. Read them
    /// through [`Data::census_store`] and its kin where either form can be at hand.
    pub packed: Option<Box<packed::Stored>>,
}

impl Data {
    /// Whether the large record kinds are packed.
    pub fn is_packed(&self) -> bool {
        self.packed.is_some()
    }

    /// Makes the packed records typed (a district run works on typed records only).
    pub fn unpack(&mut self) {
        if let Some(p) = self.packed.take() {
            let packed::Stored { census, enrollment, poverty } = *p;
            self.census = census.unpack();
            self.enrollment = enrollment.unpack();
            self.poverty = poverty.unpack();
            crate::memory::give_back();
        }
    }

    pub fn census_store(&self) -> packed::Store<'_, CensusRec> {
        match &self.packed {
            Some(p) => packed::Store::Packed(&p.census),
            None => packed::Store::Typed(&self.census),
        }
    }

    pub fn enrollment_store(&self) -> packed::Store<'_, EnrollRec> {
        match &self.packed {
            Some(p) => packed::Store::Packed(&p.enrollment),
            None => packed::Store::Typed(&self.enrollment),
        }
    }

    pub fn poverty_store(&self) -> packed::Store<'_, PovertyRec> {
        match &self.packed {
            Some(p) => packed::Store::Packed(&p.poverty),
            None => packed::Store::Typed(&self.poverty),
        }
    }

    pub fn census_store_mut(&mut self) -> packed::StoreMut<'_, CensusRec> {
        match &mut self.packed {
            Some(p) => packed::StoreMut::Packed(&mut p.census),
            None => packed::StoreMut::Typed(&mut self.census),
        }
    }

    pub fn enrollment_store_mut(&mut self) -> packed::StoreMut<'_, EnrollRec> {
        match &mut self.packed {
            Some(p) => packed::StoreMut::Packed(&mut p.enrollment),
            None => packed::StoreMut::Typed(&mut self.enrollment),
        }
    }

    pub fn poverty_store_mut(&mut self) -> packed::StoreMut<'_, PovertyRec> {
        match &mut self.packed {
            Some(p) => packed::StoreMut::Packed(&mut p.poverty),
            None => packed::StoreMut::Typed(&mut self.poverty),
        }
    }
}

/// Rows an extractor turned down. Tables are built in parallel, so each keeps its own list;
/// [`build`] records them in the read accounting ([`Inputs::reject`]) in input order.
#[derive(Debug, Default)]
pub struct Rejects(Vec<(crate::table::Prov, Option<&'static str>, &'static str)>);

impl Rejects {
    /// Rejects a row the read stage passed on: the column at fault (if one is) and why.
    pub fn reject(&mut self, prov: crate::table::Prov, column: Option<&'static str>, reason: &'static str) {
        self.0.push((prov, column, reason));
    }
}

/// The records of one table.
enum Built {
    Census(Vec<CensusRec>),
    Enrollment(Vec<EnrollRec>),
    Poverty(Vec<PovertyRec>),
    /// The records of a census, 学籍 or poverty table, packed ([`packed`]).
    CensusPacked(Vec<packed::Chunk>),
    EnrollmentPacked(Vec<packed::Chunk>),
    PovertyPacked(Vec<packed::Chunk>),
    Disability(Vec<DisabilityRec>),
    Visits(Vec<VisitRec>),
    Exemptions(Vec<ExemptionRec>),
    Roster(Vec<RosterRec>),
    Verification(Vec<VerificationRec>, Vec<crate::table::Prov>),
    Attendance(Vec<attendance::AttendanceRec>),
    Persuasion(Vec<persuasion::PersuasionRec>),
}

/// Turns the read stage's tables into typed records, recording row rejects in `inputs`.
/// IDs are judged on `as_of`, the run's 基准日 (see [`crate::normalize::id_number::IdNumber::judged_on`]).
/// Tables are built in parallel (each table is dropped once built, which keeps the peak
/// memory near that of the read stage) and assembled in input order, so the records and
/// the accounting are the same whatever the thread count.
pub fn build(tables: Vec<SourceTables>, inputs: &mut Inputs, values: &ValueConfig, as_of: NaiveDate) -> Data {
    use rayon::prelude::*;
    let jobs: Vec<(SourceKind, usize, crate::table::RawTable)> = tables
        .into_iter()
        .filter_map(|st| st.kind.map(|kind| (kind, st.source, st.tables)))
        .flat_map(|(kind, source, tables)| tables.into_iter().map(move |t| (kind, source, t)))
        .collect();
    // The largest tables first (no large table left to one thread at the end), then back
    // in input order.
    let mut jobs: Vec<(usize, (SourceKind, usize, crate::table::RawTable))> = jobs.into_iter().enumerate().collect();
    jobs.sort_by(|a, b| b.1 .2.rows.len().cmp(&a.1 .2.rows.len()).then(a.0.cmp(&b.0)));
    let mut built: Vec<(usize, (Built, Rejects))> = jobs
        .into_par_iter()
        .with_max_len(1)
        .map(|(k, (kind, source, table))| (k, build_table(kind, source, table, values, as_of)))
        .collect();
    built.sort_unstable_by_key(|b| b.0);
    assemble(built.into_iter().map(|b| b.1).collect(), inputs)
}

/// Reads every source ([`crate::read::read_all_with`]) and builds each table's records as
/// soon as the table is read, on the thread that read it: the same outcome and records as
/// [`crate::read::read_all`] followed by [`build`], without ever holding the tables of every
/// file at once. The census, 学籍 and poverty records come packed ([`Data::packed`]; a
/// district run unpacks them, [`Data::unpack`]), so neither are the typed records of every
/// file. The records are built even when the read found problems (the caller stops the run
/// on them).
pub fn read_and_build(
    plan: &crate::plan::Plan,
    values: &ValueConfig,
    as_of: NaiveDate,
) -> (crate::read::ReadOutcome, Data) {
    let (mut outcome, tables) = crate::read::read_all_with(plan, |source, table| {
        build_packed(plan.sources[source].kind, source, table, values, as_of)
    });
    let built: Vec<(Built, Rejects)> = tables
        .into_iter()
        .map(|(_, sheet, (mut built, mut rejects))| {
            built.set_sheet(sheet);
            for r in &mut rejects.0 {
                r.0.sheet = sheet;
            }
            (built, rejects)
        })
        .collect();
    let data = assemble(built, &mut outcome.inputs);
    (outcome, data)
}

/// [`build_table`], packed: the census, 学籍 and poverty tables are built and packed a
/// stretch of [`packed::CHUNK_RECORDS`] rows at a time, each stretch's raw rows freed as it
/// is built, so that a large table (a city-wide 学籍 export) is never held typed as a whole.
/// The same records and rejects, in the same order, as building the whole table.
fn build_packed(
    kind: SourceKind,
    source: usize,
    mut table: crate::table::RawTable,
    values: &ValueConfig,
    as_of: NaiveDate,
) -> (Built, Rejects) {
    if !matches!(kind, SourceKind::Census | SourceKind::Enrollment | SourceKind::Poverty) {
        return build_table(kind, source, table, values, as_of);
    }
    let mut rows = std::mem::take(&mut table.rows).into_iter();
    let mut chunks = Vec::new();
    let mut rejects = Rejects::default();
    loop {
        let stretch: Vec<crate::table::RawRow> = rows.by_ref().take(packed::CHUNK_RECORDS).collect();
        if stretch.is_empty() {
            break;
        }
        let part = crate::table::RawTable { rows: stretch, ..table.clone() };
        let r = &mut rejects;
        chunks.push(match kind {
            SourceKind::Census => packed::Chunk::pack(&census::extract(&part, r, values, as_of)),
            SourceKind::Enrollment => packed::Chunk::pack(&enrollment::extract(&part, source, r, values, as_of)),
            _ => packed::Chunk::pack(&others::extract_poverty(&part, r, values, as_of)),
        });
    }
    let built = match kind {
        SourceKind::Census => Built::CensusPacked(chunks),
        SourceKind::Enrollment => Built::EnrollmentPacked(chunks),
        _ => Built::PovertyPacked(chunks),
    };
    (built, rejects)
}

/// The records of one table, and the rows it turned down.
fn build_table(
    kind: SourceKind,
    source: usize,
    table: crate::table::RawTable,
    values: &ValueConfig,
    as_of: NaiveDate,
) -> (Built, Rejects) {
    let mut rejects = Rejects::default();
    let r = &mut rejects;
    let built = match kind {
        SourceKind::Census => Built::Census(census::extract(&table, r, values, as_of)),
        SourceKind::Enrollment => Built::Enrollment(enrollment::extract(&table, source, r, values, as_of)),
        SourceKind::Poverty => Built::Poverty(others::extract_poverty(&table, r, values, as_of)),
        SourceKind::Disability => Built::Disability(others::extract_disability(&table, r, values, as_of)),
        SourceKind::HomeTeaching => Built::Visits(others::extract_visits(&table, r, values, as_of)),
        SourceKind::Exemption => Built::Exemptions(others::extract_exemptions(&table, r, values, as_of)),
        SourceKind::Roster => Built::Roster(others::extract_roster(&table, r, as_of)),
        SourceKind::Verification => {
            let (recs, unidentified) = others::extract_verification(&table, r, values, as_of);
            Built::Verification(recs, unidentified)
        }
        SourceKind::Attendance => Built::Attendance(attendance::extract(&table, r, as_of)),
        SourceKind::Persuasion => Built::Persuasion(persuasion::extract(&table, r, as_of)),
    };
    (built, rejects)
}

impl Built {
    /// The bytes its records take inline (what moving them into one list copies).
    fn bytes(&self) -> usize {
        fn size<T>(v: &[T]) -> usize {
            std::mem::size_of_val(v)
        }
        match self {
            Built::Census(v) => size(v),
            Built::Enrollment(v) => size(v),
            Built::Poverty(v) => size(v),
            Built::CensusPacked(c) | Built::EnrollmentPacked(c) | Built::PovertyPacked(c) => {
                c.iter().map(packed::Chunk::bytes).sum()
            }
            Built::Disability(v) => size(v),
            Built::Visits(v) => size(v),
            Built::Exemptions(v) => size(v),
            Built::Roster(v) => size(v),
            Built::Verification(v, _) => size(v),
            Built::Attendance(v) => size(v),
            Built::Persuasion(v) => size(v),
        }
    }

    /// Sets the sheet of every record's provenance (one table is one sheet).
    fn set_sheet(&mut self, sheet: u32) {
        fn set<T>(v: &mut [T], sheet: u32, prov: impl Fn(&mut T) -> &mut crate::table::Prov) {
            for r in v {
                prov(r).sheet = sheet;
            }
        }
        match self {
            Built::Census(v) => set(v, sheet, |r| &mut r.prov),
            Built::Enrollment(v) => set(v, sheet, |r| &mut r.prov),
            Built::Poverty(v) => set(v, sheet, |r| &mut r.prov),
            Built::CensusPacked(c) | Built::EnrollmentPacked(c) | Built::PovertyPacked(c) => {
                c.iter_mut().for_each(|c| c.set_sheet(sheet))
            }
            Built::Disability(v) => set(v, sheet, |r| &mut r.prov),
            Built::Visits(v) => set(v, sheet, |r| &mut r.prov),
            Built::Exemptions(v) => set(v, sheet, |r| &mut r.prov),
            Built::Roster(v) => set(v, sheet, |r| &mut r.prov),
            Built::Verification(v, unidentified) => {
                set(v, sheet, |r| &mut r.prov);
                set(unidentified, sheet, |p| p);
            }
            Built::Attendance(v) => set(v, sheet, |r| &mut r.prov),
            Built::Persuasion(v) => set(v, sheet, |r| &mut r.prov),
        }
    }
}

/// The records of every table, in input order, with their rejects recorded in `inputs`.
fn assemble(built: Vec<(Built, Rejects)>, inputs: &mut Inputs) -> Data {
    let mut data = Data::default();
    // The large record lists are sized once instead of grown table by table.
    let (mut census, mut enrollment, mut poverty) = (0, 0, 0);
    for (b, _) in &built {
        match b {
            Built::Census(v) => census += v.len(),
            Built::Enrollment(v) => enrollment += v.len(),
            Built::Poverty(v) => poverty += v.len(),
            _ => {}
        }
    }
    data.census.reserve_exact(census);
    data.enrollment.reserve_exact(enrollment);
    data.poverty.reserve_exact(poverty);
    // Each table's records are freed as soon as they are moved; the freed pages are given
    // back every 64 MB moved, or the run would hold the records twice at the end of the
    // read ([`crate::memory`]).
    let mut moved = 0usize;
    for (built, rejects) in built {
        for (prov, column, reason) in rejects.0 {
            inputs.reject(prov, column, reason);
        }
        moved += built.bytes();
        if moved > 64 << 20 {
            crate::memory::give_back();
            moved = 0;
        }
        match built {
            Built::Census(v) => data.census.extend(v),
            Built::Enrollment(v) => data.enrollment.extend(v),
            Built::Poverty(v) => data.poverty.extend(v),
            Built::CensusPacked(c) => data.packed.get_or_insert_default().census.extend(c),
            Built::EnrollmentPacked(c) => data.packed.get_or_insert_default().enrollment.extend(c),
            Built::PovertyPacked(c) => data.packed.get_or_insert_default().poverty.extend(c),
            Built::Disability(v) => data.disability.extend(v),
            Built::Visits(v) => data.visits.extend(v),
            Built::Exemptions(v) => data.exemptions.extend(v),
            Built::Roster(v) => data.roster.extend(v),
            Built::Verification(v, unidentified) => {
                data.verification.extend(v);
                data.verification_unidentified.extend(unidentified);
            }
            Built::Attendance(v) => {
                data.has_attendance = true;
                data.attendance.extend(v);
            }
            Built::Persuasion(v) => data.persuasion.extend(v),
        }
    }
    data
}
