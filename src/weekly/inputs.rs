//! The weekly pipeline's own inputs: the attendance counts (column 5 of the 周报表) and the
//! daily 劝返 records, typed by the sources stage ([`crate::sources::attendance`],
//! [`crate::sources::persuasion`]) and handed over in [`Extra`]; and the list of schools
//! every other part refers to, in the order of the 包片包校责任人名单 (which also gives each
//! school's 学区).
//!
//! Pipeline position: sources → **weekly inputs** → weekly changes → form → write.

use std::collections::HashMap;

pub use crate::sources::attendance::AttendanceRec;
pub use crate::sources::persuasion::{Attempt, PersuasionRec};
use crate::sources::Data;

/// The group a school goes into when the roster does not list it (the clearance run's
/// 学区汇总 uses the same group, [`crate::schools::UNLISTED`]).
pub use crate::schools::UNLISTED;

/// The school of 学籍 rows whose 学校名称 is blank.
pub const BLANK: &str = "（学校名称空白）";

/// The typed attendance and 劝返 records of a run.
#[derive(Debug, Default)]
pub struct Extra {
    /// Whether the pipeline has an attendance source at all.
    pub has_attendance: bool,
    pub attendance: Vec<AttendanceRec>,
    pub persuasion: Vec<PersuasionRec>,
}

/// The attendance and 劝返 records of a run, taken out of the sources' [`Data`] (typed there,
/// [`crate::sources::attendance`] and [`crate::sources::persuasion`]).
pub fn extract(data: &mut Data) -> Extra {
    Extra {
        has_attendance: data.has_attendance,
        attendance: std::mem::take(&mut data.attendance),
        persuasion: std::mem::take(&mut data.persuasion),
    }
}

/// One school of the report.
#[derive(Clone, Debug)]
pub struct School {
    /// The name as the roster writes it, else as the 学籍 first writes it.
    pub name: String,
    /// 学区 (or 直属学校) from the roster; [`UNLISTED`] when the roster does not list it.
    pub unit: String,
    /// Position in the roster; `None` for unlisted schools.
    pub roster_pos: Option<usize>,
}

impl School {
    pub fn listed(&self) -> bool {
        self.roster_pos.is_some()
    }
}

/// The schools of a run: every roster school and every school named in the 学籍, 劝返 records
/// or attendance sheet, matched by name (see [`key`] and [`short_key`]).
#[derive(Clone, Debug, Default)]
pub struct Schools {
    pub list: Vec<School>,
    /// The 学区 in roster order, then [`UNLISTED`] when any school is unlisted.
    pub units: Vec<String>,
    by_key: HashMap<String, usize>,
    by_short: HashMap<String, Option<usize>>,
    /// The roster matched to the 学籍 schools ([`crate::schools::Directory`]).
    dir: crate::schools::Directory,
}

pub use crate::schools::{key, short_key};

impl Schools {
    /// The roster's schools first, in roster order; then the other schools as met in the
    /// 学籍 (input order), the 劝返 records and the attendance sheet.
    pub fn build(data: &Data, extra: &Extra) -> Schools {
        let mut s = Schools::default();
        // The roster as the clearance run reads it: the same 学区 for every school, the same
        // matching of roster names to 学籍 names (short forms, abbreviations, campuses).
        let dir = crate::schools::Directory::build(data, &crate::table::Inputs::default());
        for e in &dir.entries {
            if !s.units.contains(&e.unit) {
                s.units.push(e.unit.clone());
            }
            let pos = data.roster.iter().position(|r| r.prov == e.prov);
            s.add(School { name: e.school.clone(), unit: e.unit.clone(), roster_pos: pos.or(Some(0)) });
        }
        s.dir = dir;
        let names = data
            .enrollment
            .iter()
            .map(|r| r.school.as_str())
            .chain(extra.persuasion.iter().map(|p| p.school.as_str()))
            .chain(extra.attendance.iter().map(|a| a.school.as_str()));
        for name in names {
            let name = if name.trim().is_empty() { BLANK } else { name };
            if s.find(name).is_none() {
                s.add(School { name: crate::normalize::compact(name), unit: UNLISTED.to_string(), roster_pos: None });
            }
        }
        if s.list.iter().any(|x| !x.listed()) && !s.units.iter().any(|u| u == UNLISTED) {
            s.units.push(UNLISTED.to_string());
        }
        s
    }

    fn add(&mut self, school: School) -> usize {
        let i = self.list.len();
        self.by_key.insert(key(&school.name), i);
        // A short name shared by two schools finds neither.
        self.by_short.entry(short_key(&school.name)).and_modify(|e| *e = None).or_insert(Some(i));
        self.list.push(school);
        i
    }

    /// The school a name refers to: the same name, else the same name without the city /
    /// district prefix (when that is unambiguous).
    pub fn find(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.by_key.get(&key(name)) {
            return Some(i);
        }
        if let Some(e) = self.dir.entry_for(name) {
            return self.by_key.get(&key(&e.school)).copied();
        }
        self.by_short.get(&short_key(name)).copied().flatten()
    }

    /// The school of a name [`Schools::build`] has seen (every 学籍, 劝返 and attendance
    /// school); a blank name is the [`BLANK`] school.
    pub fn of(&self, name: &str) -> usize {
        let name = if name.trim().is_empty() { BLANK } else { name };
        self.find(name).expect("every school name was registered by Schools::build")
    }
}
