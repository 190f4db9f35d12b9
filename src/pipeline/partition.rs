//! A run of several districts judged district by district, so that what linking and the
//! rules build (people, facts, candidate pairs) is as large as one district, not as the run.
//!
//! Each district's partition holds its own records — the records whose 区县 is that
//! district — and, as guests, the records of other districts that share a valid ID with one
//! of its own: the 学籍 of a child who studies in another district (a 县外就读 the run can
//! verify), the census listing of a student whose household is registered elsewhere (no
//! 在籍未清查 there), an ID listed in two districts' censuses. Those are the only links that
//! cross a district: blocking for the fuzzy links keeps to one district ([`crate::link`]).
//! The cross-district index is therefore a join on valid ID ([`split`]): no other record of
//! another district can change a district's people.
//!
//! A person made of records of two districts is made in both partitions, the same way; its
//! cases are kept by one of them, the partition that owns the record its case names first
//! ([`Part::keeps`]), and its row of the 适龄儿童台账 is written where its town is.
//!
//! Pipeline position: inside [`super::clearance`], between sources and the report.

use std::collections::{HashMap, HashSet};

use crate::link::intern::FastMap;
use crate::link::people::Person;
use crate::rules::Case;
use crate::sources::packed::{Record, Store};
use crate::sources::Data;
use crate::table::Prov;

/// The record kinds a person is made of, in the order of [`Lists`].
const KINDS: usize = 6;

/// Record indices of the run's [`Data`] per kind (census, 学籍, poverty, disability, 送教,
/// exemptions), in input order, each marked when it is another district's (a guest).
type Lists = [Vec<(u32, bool)>; KINDS];

/// Which records a district's partition holds, before they are copied ([`Spec::take`]).
pub struct Spec {
    /// 区县, or empty for the records whose district is not known.
    pub district: String,
    /// Position among the run's partitions (keys the 花名册's children apart).
    pub number: u32,
    lists: Lists,
}

/// One district's records, guests included, and what tells its own from its guests.
pub struct Part {
    pub district: String,
    pub number: u32,
    pub data: Data,
    /// The rows of the guest records.
    guests: HashSet<Prov>,
    /// For each census record of the partition, its index in the run's records.
    census: Vec<usize>,
}

/// The partitions of a run of several districts, in the order of the run's district names,
/// then the records without a district (if any). Partitions with no record are left out.
pub fn split(data: &Data) -> Vec<Spec> {
    let names = &data.districts.names;
    let index: HashMap<&str, u32> = names.iter().enumerate().map(|(i, n)| (n.as_str(), i as u32)).collect();
    let unknown = names.len() as u32;
    let part_of = |d: &str| index.get(d).copied().unwrap_or(unknown);
    // Per kind, in the order of [`Lists`]: each record's partition and valid ID (as a number).
    // Packed records are not decoded for it: their tables keep each record's ID number
    // and district ([`Store::keys`]).
    fn scanned<T: Record>(store: Store<'_, T>, part_of: impl Fn(&str) -> u32) -> Vec<(u32, Option<u64>)> {
        let mut keys = Vec::with_capacity(store.len());
        store.keys(|d, id| keys.push((part_of(d), id)));
        keys
    }
    let keys: [Vec<(u32, Option<u64>)>; KINDS] = [
        scanned(data.census_store(), part_of),
        scanned(data.enrollment_store(), part_of),
        scanned(data.poverty_store(), part_of),
        data.disability.iter().map(|r| (part_of(&r.district), r.id.number())).collect(),
        data.visits.iter().map(|r| (part_of(&r.district), r.id.number())).collect(),
        data.exemptions.iter().map(|r| (part_of(&r.district), r.id.number())).collect(),
    ];
    // The cross-district index: every valid ID held by records of two or more partitions,
    // with those partitions.
    let total: usize = keys.iter().map(Vec::len).sum();
    // Every valid ID of the run is a key (9 million at three cities' scale): hashed by the
    // linkage's fast hasher, not SipHash.
    let mut first: FastMap<u64, u32> = FastMap::with_capacity_and_hasher(total, Default::default());
    let mut cross: FastMap<u64, Vec<u32>> = FastMap::default();
    for &(p, id) in keys.iter().flatten() {
        let Some(id) = id else { continue };
        let q = *first.entry(id).or_insert(p);
        if q != p {
            let parts = cross.entry(id).or_insert_with(|| vec![q]);
            if !parts.contains(&p) {
                parts.push(p);
            }
        }
    }
    drop(first);
    let n = names.len() + 1;
    let mut lists: Vec<Lists> = (0..n).map(|_| Default::default()).collect();
    for (k, kind) in keys.iter().enumerate() {
        for (i, &(p, id)) in kind.iter().enumerate() {
            lists[p as usize][k].push((i as u32, false));
            for &q in id.and_then(|id| cross.get(&id)).into_iter().flatten() {
                if q != p {
                    lists[q as usize][k].push((i as u32, true));
                }
            }
        }
    }
    lists
        .into_iter()
        .enumerate()
        .filter(|(_, l)| l.iter().any(|v| v.iter().any(|&(_, guest)| !guest)))
        .map(|(i, lists)| Spec { district: names.get(i).cloned().unwrap_or_default(), number: i as u32, lists })
        .collect()
}

impl Spec {
    /// Copies the partition's records out of the run's (decoding packed ones: the
    /// partition's records are typed). The roster is every partition's
    /// (the 学籍 schools of guests are found in it too); the districts are the run's.
    pub fn take(self, data: &Data) -> Part {
        fn copy<T: Clone>(
            from: &[T],
            list: &[(u32, bool)],
            prov: impl Fn(&T) -> Prov,
            guests: &mut HashSet<Prov>,
        ) -> Vec<T> {
            list.iter()
                .map(|&(i, guest)| {
                    let r = &from[i as usize];
                    if guest {
                        guests.insert(prov(r));
                    }
                    r.clone()
                })
                .collect()
        }
        /// [`copy`] from typed or packed records.
        fn take<T: Record>(
            from: Store<'_, T>,
            list: &[(u32, bool)],
            prov: impl Fn(&T) -> Prov,
            guests: &mut HashSet<Prov>,
        ) -> Vec<T> {
            match from {
                Store::Typed(v) => copy(v, list, prov, guests),
                Store::Packed(p) => {
                    let recs = p.pick(list.iter().map(|&(i, _)| i as usize));
                    guests.extend(recs.iter().zip(list).filter(|(_, &(_, guest))| guest).map(|(r, _)| prov(r)));
                    recs
                }
            }
        }
        let mut guests = HashSet::new();
        let g = &mut guests;
        let [census, enrollment, poverty, disability, visits, exemptions] = &self.lists;
        let part = Data {
            census: take(data.census_store(), census, |r| r.prov, g),
            enrollment: take(data.enrollment_store(), enrollment, |r| r.prov, g),
            poverty: take(data.poverty_store(), poverty, |r| r.prov, g),
            disability: copy(&data.disability, disability, |r| r.prov, g),
            visits: copy(&data.visits, visits, |r| r.prov, g),
            exemptions: copy(&data.exemptions, exemptions, |r| r.prov, g),
            roster: data.roster.clone(),
            districts: data.districts.clone(),
            ..Data::default()
        };
        Part {
            census: census.iter().map(|&(i, _)| i as usize).collect(),
            district: self.district,
            number: self.number,
            data: part,
            guests,
        }
    }
}

impl Part {
    /// Whether this partition keeps a case: the first row behind it is one of its own
    /// (every partition that makes the same person names the same rows in the same order,
    /// so exactly one keeps it). A case behind no row is kept where its district is.
    pub fn keeps(&self, case: &Case) -> bool {
        match case.sources.first() {
            Some(prov) => !self.guests.contains(prov),
            None => case.district == self.district,
        }
    }

    /// Whether a person is this partition's: the first of its records (census listings,
    /// then the poverty register, the disability list, 送教上门, exemptions, then 学籍) is
    /// one of its own.
    pub fn owns(&self, p: &Person, people: &crate::link::people::People) -> bool {
        let d = &self.data;
        let first = p
            .listings
            .first()
            .map(|&i| d.census[i].prov)
            .or_else(|| p.poverty.first().map(|&i| d.poverty[i].prov))
            .or_else(|| p.disability.first().map(|&i| d.disability[i].prov))
            .or_else(|| p.visits.first().map(|&i| d.visits[i].prov))
            .or_else(|| p.exemptions.first().map(|&i| d.exemptions[i].prov))
            .or_else(|| {
                let s = p.student.as_ref()?.student;
                people.students[s].records.first().map(|&i| d.enrollment[i].prov)
            });
        first.is_none_or(|prov| !self.guests.contains(&prov))
    }

    /// The partition's index of the run's census record `global`, if it holds it.
    pub fn census_index(&self, global: usize) -> Option<usize> {
        self.census.binary_search(&global).ok()
    }

    /// How many records the partition holds, guests included.
    pub fn record_count(&self) -> usize {
        let d = &self.data;
        d.census.len() + d.enrollment.len() + d.poverty.len() + d.disability.len() + d.visits.len() + d.exemptions.len()
    }

    /// How many of the partition's records are guests.
    pub fn guest_count(&self) -> usize {
        self.guests.len()
    }
}
