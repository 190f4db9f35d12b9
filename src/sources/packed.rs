//! Records kept packed: each table's census, 学籍 and poverty-register records encoded
//! (postcard) and compressed (LZ4) as soon as the table is built, in chunks of at most
//! [`CHUNK_RECORDS`] records, and decoded again only where a stage needs them.
//!
//! A run of several districts holds every district's records from the read until the last
//! district is judged ([`crate::pipeline::partition`]). Typed, a census row with its share
//! of 学籍 and poverty rows takes about 1.2 KiB (most of it the inline room of short texts);
//! packed, about a tenth of that, because a sheet repeats its district, town, village and
//! school on every row. A district run unpacks everything at once
//! ([`super::Data::unpack`]) and works on typed records as before.
//!
//! Pipeline position: inside [`super`]: the read packs, [`super::district`] and the
//! partitions of a run of several districts read and update packed records.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::normalize::id_number::IdNumber;
use crate::table::Prov;
use crate::text::Text;

/// A record that can be packed: its provenance's sheet is set when its table is placed in
/// the run (the read numbers sheets after building them).
pub trait Record: Serialize + DeserializeOwned + Clone + Send {
    fn prov(&self) -> Prov;
    fn prov_mut(&mut self) -> &mut Prov;
    /// The district the record names itself (empty when it names none).
    fn district(&self) -> &Text;
    fn district_mut(&mut self) -> &mut Text;
    /// The ID number the cross-district index keys the record by.
    fn id(&self) -> &IdNumber;
    /// What the record is listed under, kept per table so that the run's towns and schools
    /// are known without decoding: a census record's town, a 学籍 record's school.
    fn group(&self) -> Option<&Text> {
        None
    }
    /// The region code (the ID's first six digits) the record is evidence for, with its
    /// district: census listings with a valid ID ([`super::district`]).
    fn region_code(&self) -> Option<&str> {
        None
    }
    /// A record the run will turn down whatever else it says (a 学籍 row whose status word
    /// no table knows: [`super::enrollment::reject_unknown_status`]).
    fn doubtful(&self) -> bool {
        false
    }
}

/// The methods every packed kind has the same way: its `prov` and `district` fields.
macro_rules! located {
    () => {
        fn prov(&self) -> Prov {
            self.prov
        }
        fn prov_mut(&mut self) -> &mut Prov {
            &mut self.prov
        }
        fn district(&self) -> &Text {
            &self.district
        }
        fn district_mut(&mut self) -> &mut Text {
            &mut self.district
        }
        fn id(&self) -> &IdNumber {
            &self.id
        }
    };
}

impl Record for super::CensusRec {
    located!();
    fn region_code(&self) -> Option<&str> {
        self.id.valid().map(|v| &v[..6])
    }
    fn group(&self) -> Option<&Text> {
        Some(&self.town)
    }
}

impl Record for super::EnrollRec {
    located!();
    fn group(&self) -> Option<&Text> {
        Some(&self.school)
    }
    fn doubtful(&self) -> bool {
        self.status.is_none() && !self.status_text.is_empty()
    }
}

impl Record for super::PovertyRec {
    located!();
}

/// How many of a chunk's records name a district and a region code (see
/// [`Record::region_code`]): what [`super::district::assign`] needs to know of them without
/// decoding them.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub district: Text,
    pub code: Option<Text>,
    pub count: usize,
}

/// The distinct (district, region code) of `recs`, in the order first seen.
fn places<T: Record>(recs: &[T]) -> Vec<Place> {
    let mut out: Vec<Place> = Vec::new();
    for r in recs {
        let (d, code) = (r.district(), r.region_code());
        match out.iter_mut().find(|p| p.district == *d && p.code.as_deref() == code) {
            Some(p) => p.count += 1,
            None => out.push(Place { district: d.clone(), code: code.map(Text::from), count: 1 }),
        }
    }
    out
}

/// Chunks decoded at once per thread: a chunk is at most [`CHUNK_RECORDS`] records, so a
/// few of them are at most tens of megabytes typed.
const ROUND: usize = 2;

/// The most records one chunk holds. A table is built and packed this many rows at a time
/// (`sources::build_packed`), one chunk each: a city-wide 学籍 export of a million rows is then
/// hundreds of chunks, and a district's partition decodes the stretches that hold its
/// records instead of the whole export, a few chunks at a time. A table of one school or
/// one town is one chunk.
pub const CHUNK_RECORDS: usize = 4096;

/// Does `work` on every job, a few jobs per thread at a time (each round on every thread),
/// and hands each job's result to `take` in the jobs' order: only one round's results are
/// held at once (decoded chunks, a few megabytes each).
fn in_rounds<J: Sync, R: Send>(jobs: &[J], work: impl Fn(&J) -> R + Sync, mut take: impl FnMut(&J, R)) {
    use rayon::prelude::*;
    for round in jobs.chunks(ROUND * rayon::current_num_threads().max(1)) {
        let made: Vec<R> = round.par_iter().map(&work).collect();
        round.iter().zip(made).for_each(|(j, r)| take(j, r));
    }
}

/// Records of one table (all of it, or a stretch of at most [`CHUNK_RECORDS`]), encoded one
/// after another and compressed as one block.
#[derive(Debug, Default)]
pub struct Chunk {
    bytes: Vec<u8>,
    count: usize,
    /// Where each record's encoding ends in the decompressed bytes: a few records of a
    /// chunk are decoded without decoding the others ([`Chunk::unpack_some`]).
    ends: Vec<u32>,
    /// The sheet every record of the chunk comes from (set on decoding).
    sheet: u32,
    /// The records' districts and region codes.
    places: Vec<Place>,
    /// How many records are [`Record::doubtful`].
    doubtful: usize,
    /// What the partitions of a run of several districts are made from, kept so that
    /// building them decodes nothing ([`Packed::keys`], [`Packed::groups`]).
    survey: Survey,
}

/// Per record its ID as a number, and its district as packed; the distinct groups.
#[derive(Debug, Default)]
struct Survey {
    /// Each record's [`IdNumber::number`], [`NO_ID`] for one without a valid ID.
    ids: Vec<u64>,
    /// The distinct districts the records name, in the order first seen (one for most
    /// tables, the empty text when they name none).
    districts: Vec<Text>,
    /// Each record's index into `districts`; empty when there is only one.
    district_of: Vec<u32>,
    /// The distinct (index into `districts`, [`Record::group`]), in the order first seen.
    groups: Vec<(u32, Text)>,
}

/// A record without a valid ID in [`Survey::ids`] (no ID number is this large).
const NO_ID: u64 = u64::MAX;

impl Survey {
    fn of<T: Record>(recs: &[T]) -> Survey {
        use std::collections::{HashMap, HashSet};
        let mut out = Survey { ids: Vec::with_capacity(recs.len()), ..Survey::default() };
        let mut index: HashMap<&str, u32> = HashMap::new();
        let mut seen: HashSet<(u32, &str)> = HashSet::new();
        let mut district_of = Vec::with_capacity(recs.len());
        let mut last: Option<(u32, &str)> = None;
        for r in recs {
            out.ids.push(r.id().number().unwrap_or(NO_ID));
            let d = *index.entry(r.district().as_str()).or_insert_with(|| {
                out.districts.push(r.district().clone());
                out.districts.len() as u32 - 1
            });
            district_of.push(d);
            if let Some(g) = r.group() {
                let key = (d, g.as_str());
                if last != Some(key) && seen.insert(key) {
                    out.groups.push((d, g.clone()));
                }
                last = Some(key);
            }
        }
        if out.districts.len() > 1 {
            out.district_of = district_of;
        }
        out
    }
}

impl Chunk {
    /// Packs records of one table as one chunk (the read packs at most [`CHUNK_RECORDS`]).
    pub fn pack<T: Record>(recs: &[T]) -> Chunk {
        let mut plain = Vec::with_capacity(recs.len() * 160);
        let mut ends = Vec::with_capacity(recs.len());
        for r in recs {
            // Writing to a growing Vec cannot fail for these derived types.
            plain = postcard::to_extend(r, plain).expect("a typed record always encodes");
            ends.push(u32::try_from(plain.len()).expect("a chunk of CHUNK_RECORDS records is far below 4 GiB"));
        }
        Chunk {
            bytes: lz4_flex::block::compress_prepend_size(&plain),
            count: recs.len(),
            ends,
            sheet: 0,
            places: places(recs),
            doubtful: recs.iter().filter(|r| r.doubtful()).count(),
            survey: Survey::of(recs),
        }
    }

    /// The records, in order, with their sheet set.
    pub fn unpack<T: Record>(&self) -> Vec<T> {
        self.decode(0..self.count)
    }

    /// The records at `offsets` (ascending, each below [`Chunk::len`]) in that order, with
    /// their sheet set; the chunk's other records are not decoded.
    pub fn unpack_some<T: Record>(&self, offsets: &[usize]) -> Vec<T> {
        self.decode(offsets.iter().copied())
    }

    /// The records at `offsets`, each decoded from its own bytes ([`Chunk::ends`]).
    fn decode<T: Record>(&self, offsets: impl ExactSizeIterator<Item = usize>) -> Vec<T> {
        let plain =
            lz4_flex::block::decompress_size_prepended(&self.bytes).expect("a chunk this run packed decompresses");
        offsets
            .map(|k| {
                let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
                let mut r: T = postcard::from_bytes(&plain[start..self.ends[k] as usize])
                    .expect("a record this run packed decodes");
                r.prov_mut().sheet = self.sheet;
                r
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Places the chunk's table in the run: the sheet its records come from (every chunk of
    /// a table is given the same).
    pub fn set_sheet(&mut self, sheet: u32) {
        self.sheet = sheet;
    }

    /// The bytes it takes.
    pub fn bytes(&self) -> usize {
        self.bytes.len() + std::mem::size_of_val(self.ends.as_slice())
    }
}

/// What is done to every record's district as it is decoded, given the record's sheet: the
/// run's districts settled on it ([`super::district::assign`]) without packing every table
/// again.
pub type SettleDistrict = std::sync::Arc<dyn Fn(&mut Text, Prov) + Send + Sync>;

/// What is done to every record after its district is settled.
pub type Settle<T> = std::sync::Arc<dyn Fn(&mut T) + Send + Sync>;

/// The packed records of one kind, in input order.
pub struct Packed<T> {
    chunks: Vec<Chunk>,
    /// The index of each chunk's first record.
    starts: Vec<usize>,
    len: usize,
    settle: Option<(SettleDistrict, Option<Settle<T>>)>,
}

impl<T> Default for Packed<T> {
    fn default() -> Self {
        Packed { chunks: Vec::new(), starts: Vec::new(), len: 0, settle: None }
    }
}

impl<T> std::fmt::Debug for Packed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Packed")
            .field("chunks", &self.chunks.len())
            .field("len", &self.len)
            .field("settled", &self.settle.is_some())
            .finish()
    }
}

impl<T: Record> Packed<T> {
    /// Appends a table's chunks.
    pub fn extend(&mut self, chunks: Vec<Chunk>) {
        chunks.into_iter().for_each(|c| self.push(c));
    }

    /// Appends a chunk of a table.
    pub fn push(&mut self, chunk: Chunk) {
        if chunk.is_empty() {
            return;
        }
        self.starts.push(self.len);
        self.len += chunk.len();
        self.chunks.push(chunk);
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes the chunks take.
    pub fn bytes(&self) -> usize {
        self.chunks.iter().map(Chunk::bytes).sum()
    }

    /// Every record in order, with its index.
    pub fn scan(&self, mut f: impl FnMut(usize, &T)) {
        let all: Vec<usize> = (0..self.chunks.len()).collect();
        self.decoded(&all, |c, recs| {
            for (k, r) in recs.iter().enumerate() {
                f(self.starts[c] + k, r);
            }
        });
    }

    /// What `f` makes of each chunk's records (in order, decoded on both threads), a few
    /// chunks at a time, handed to `take` in order: only those few are ever decoded at once.
    pub fn scan_rounds<R: Send>(&self, f: impl Fn(&[T]) -> R + Sync, mut take: impl FnMut(R)) {
        let all: Vec<usize> = (0..self.chunks.len()).collect();
        in_rounds(&all, |&c| f(&self.open(c)), |_, made| take(made));
    }

    /// The records of the chunks `which` (ascending), each chunk's in turn: the chunks are
    /// decoded a few at a time, on every thread.
    fn decoded(&self, which: &[usize], mut f: impl FnMut(usize, Vec<T>)) {
        in_rounds(which, |&c| self.open(c), |&c, recs| f(c, recs));
    }

    /// Packs again the chunks whose records changed (in parallel).
    fn repack_all(&mut self, changed: Vec<(usize, Vec<T>)>) {
        use rayon::prelude::*;
        let packed: Vec<(usize, Chunk)> = changed.into_par_iter().map(|(c, recs)| (c, Chunk::pack(&recs))).collect();
        for (c, chunk) in packed {
            let sheet = self.chunks[c].sheet;
            self.chunks[c] = Chunk { sheet, ..chunk };
        }
    }

    /// Sets what is done to every record's district as it is decoded, and then to the
    /// record, from now on (both must leave what they were already done to as it is: packed
    /// again, such a record meets them again).
    pub fn settle_on_decode(&mut self, district: SettleDistrict, then: Option<Settle<T>>) {
        self.settle = Some((district, then));
    }

    /// The records of chunk `c`, in order, settled.
    fn open(&self, c: usize) -> Vec<T> {
        let mut recs = self.chunks[c].unpack::<T>();
        self.settle_all(&mut recs);
        recs
    }

    /// The records of chunk `c` at `offsets` (ascending), in order, settled: all of them
    /// decoded when all are wanted, else only those.
    fn open_some(&self, c: usize, offsets: &[usize]) -> Vec<T> {
        if offsets.len() == self.chunks[c].len() {
            return self.open(c);
        }
        let mut recs = self.chunks[c].unpack_some::<T>(offsets);
        self.settle_all(&mut recs);
        recs
    }

    /// Settles each record's district, then the record ([`Packed::settle_on_decode`]).
    fn settle_all(&self, recs: &mut [T]) {
        if let Some((district, then)) = &self.settle {
            // A table names one district on most rows: each spelling is settled once.
            let mut last: Option<(Text, Text)> = None;
            for r in recs.iter_mut() {
                match &last {
                    Some((raw, settled)) if raw == r.district() => *r.district_mut() = settled.clone(),
                    _ => {
                        let raw = r.district().clone();
                        let prov = r.prov();
                        district(r.district_mut(), prov);
                        last = Some((raw, r.district().clone()));
                    }
                }
                if let Some(then) = then {
                    then(r);
                }
            }
        }
    }

    /// Chunk `c`'s distinct districts, settled.
    fn settled_districts(&self, c: &Chunk) -> Vec<Text> {
        let mut out = c.survey.districts.clone();
        if let Some((district, _)) = &self.settle {
            let prov = Prov { sheet: c.sheet, row: 0 };
            out.iter_mut().for_each(|d| district(d, prov));
        }
        out
    }

    /// Every record's district (settled) and valid ID as a number, in order, without
    /// decoding any.
    pub fn keys(&self, mut f: impl FnMut(&Text, Option<u64>)) {
        for c in &self.chunks {
            let districts = self.settled_districts(c);
            let s = &c.survey;
            for (k, &id) in s.ids.iter().enumerate() {
                let d = s.district_of.get(k).map_or(0, |&d| d as usize);
                f(&districts[d], (id != NO_ID).then_some(id));
            }
        }
    }

    /// What the records are listed under ([`Record::group`]) with their districts
    /// (settled), without decoding any: each distinct pair of a chunk once, the chunks in
    /// order, each chunk's pairs in the order first seen.
    pub fn groups(&self, mut f: impl FnMut(&Text, &Text)) {
        for c in &self.chunks {
            let districts = self.settled_districts(c);
            for (d, g) in &c.survey.groups {
                f(&districts[*d as usize], g);
            }
        }
    }

    /// Every chunk's sheet and places (as packed, before any [`Packed::settle_on_decode`]), in order: the districts and region codes of its
    /// records, with how many records have each.
    pub fn places(&self, mut f: impl FnMut(Prov, &Place)) {
        for c in &self.chunks {
            for p in &c.places {
                f(Prov { sheet: c.sheet, row: 0 }, p);
            }
        }
    }

    /// Updates every record; a chunk is packed again only when `f` changed one of its
    /// records (said by returning true).
    pub fn update(&mut self, f: impl FnMut(&mut T) -> bool) {
        self.update_where(|_, _| true, f);
    }

    /// Updates the records of the chunks where `wanted` holds for one of the districts
    /// their records name (given with the chunk's sheet); the other chunks are not decoded.
    pub fn update_where(&mut self, wanted: impl Fn(Prov, &Text) -> bool, mut f: impl FnMut(&mut T) -> bool) {
        let all: Vec<usize> = (0..self.chunks.len())
            .filter(|&c| {
                let chunk = &self.chunks[c];
                chunk.places.iter().any(|p| wanted(Prov { sheet: chunk.sheet, row: 0 }, &p.district))
            })
            .collect();
        for round in all.chunks(ROUND * rayon::current_num_threads().max(1)) {
            let mut changed = Vec::new();
            self.decoded(round, |c, mut recs| {
                let mut any = false;
                for r in &mut recs {
                    any |= f(r);
                }
                if any {
                    changed.push((c, recs));
                }
            });
            self.repack_all(changed);
        }
    }

    /// Keeps the records `keep` says to keep.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.retain_where(|_| true, keep);
    }

    /// [`Packed::retain`], asking only of the chunks holding a [`Record::doubtful`] record
    /// (`keep` must keep every other record).
    pub fn retain_doubtful(&mut self, keep: impl FnMut(&T) -> bool) {
        self.retain_where(|c| c.doubtful > 0, keep);
    }

    fn retain_where(&mut self, wanted: impl Fn(&Chunk) -> bool, mut keep: impl FnMut(&T) -> bool) {
        let all: Vec<usize> = (0..self.chunks.len()).filter(|&c| wanted(&self.chunks[c])).collect();
        let mut counts: Vec<usize> = self.chunks.iter().map(Chunk::len).collect();
        for round in all.chunks(ROUND * rayon::current_num_threads().max(1)) {
            let mut changed = Vec::new();
            self.decoded(round, |c, mut recs| {
                let before = recs.len();
                recs.retain(&mut keep);
                counts[c] = recs.len();
                if recs.len() != before {
                    changed.push((c, recs));
                }
            });
            self.repack_all(changed);
        }
        let mut len = 0;
        for (c, n) in counts.into_iter().enumerate() {
            self.starts[c] = len;
            len += n;
        }
        self.len = len;
    }

    /// The records at `indices` (ascending; an index given twice is taken once), in that
    /// order, decoded; no other record is.
    pub fn pick(&self, indices: impl IntoIterator<Item = usize>) -> Vec<T> {
        // Per chunk, the offsets wanted in it.
        let mut wanted: Vec<(usize, Vec<usize>)> = Vec::new();
        for i in indices {
            let c = self.chunk_of(i);
            let k = i - self.starts[c];
            match wanted.last_mut() {
                Some((last, offsets)) if *last == c => {
                    if offsets.last() != Some(&k) {
                        offsets.push(k);
                    }
                }
                _ => wanted.push((c, vec![k])),
            }
        }
        // Only the wanted records are decoded, a few chunks at a time on every thread.
        let mut out = Vec::with_capacity(wanted.iter().map(|w| w.1.len()).sum());
        in_rounds(&wanted, |(c, offsets)| self.open_some(*c, offsets), |_, recs| out.extend(recs));
        out
    }

    /// Puts `recs` (index, record; ascending) in place of the records at those indices.
    pub fn put(&mut self, recs: Vec<(usize, T)>) {
        let mut open: Option<(usize, Vec<T>)> = None;
        let mut changed = Vec::new();
        for (i, r) in recs {
            let c = self.chunk_of(i);
            if open.as_ref().is_some_and(|o| o.0 != c) {
                changed.extend(open.take());
            }
            let (_, list) = open.get_or_insert_with(|| (c, self.open(c)));
            list[i - self.starts[c]] = r;
        }
        changed.extend(open);
        self.repack_all(changed);
    }

    /// Every record, typed.
    pub fn unpack(self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len);
        let all: Vec<usize> = (0..self.chunks.len()).collect();
        self.decoded(&all, |_, recs| out.extend(recs));
        out
    }

    fn chunk_of(&self, i: usize) -> usize {
        self.starts.partition_point(|&s| s <= i) - 1
    }
}

/// The packed records of a run: the three large kinds.
#[derive(Debug, Default)]
pub struct Stored {
    pub census: Packed<super::CensusRec>,
    pub enrollment: Packed<super::EnrollRec>,
    pub poverty: Packed<super::PovertyRec>,
}

/// The records of one kind, typed or packed, to read.
pub enum Store<'a, T> {
    Typed(&'a [T]),
    Packed(&'a Packed<T>),
}

impl<T: Record> Store<'_, T> {
    /// Every record in order, with its index.
    pub fn scan(&self, mut f: impl FnMut(usize, &T)) {
        match self {
            Store::Typed(v) => v.iter().enumerate().for_each(|(i, r)| f(i, r)),
            Store::Packed(p) => p.scan(f),
        }
    }

    /// The districts and region codes the records name, with their sheet, and how many
    /// records name each ([`Packed::places`]; typed records one by one).
    pub fn places(&self, mut f: impl FnMut(Prov, &Place)) {
        match self {
            Store::Typed(v) => v.iter().for_each(|r| {
                let place = Place { district: r.district().clone(), code: r.region_code().map(Text::from), count: 1 };
                f(r.prov(), &place)
            }),
            Store::Packed(p) => p.places(f),
        }
    }

    /// Every record's district and valid ID as a number, in order ([`Packed::keys`]).
    pub fn keys(&self, mut f: impl FnMut(&Text, Option<u64>)) {
        match self {
            Store::Typed(v) => v.iter().for_each(|r| f(r.district(), r.id().number())),
            Store::Packed(p) => p.keys(f),
        }
    }

    /// Every record's district and group ([`Record::group`]) in record order; packed,
    /// each chunk's distinct pairs once ([`Packed::groups`]).
    pub fn groups(&self, mut f: impl FnMut(&Text, &Text)) {
        match self {
            Store::Typed(v) => v.iter().for_each(|r| {
                if let Some(g) = r.group() {
                    f(r.district(), g)
                }
            }),
            Store::Packed(p) => p.groups(f),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Store::Typed(v) => v.len(),
            Store::Packed(p) => p.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The records of one kind, typed or packed, to change.
pub enum StoreMut<'a, T> {
    Typed(&'a mut Vec<T>),
    Packed(&'a mut Packed<T>),
}

impl<T: Record> StoreMut<'_, T> {
    /// Updates every record in order (`f` says whether it changed the record).
    pub fn update(&mut self, mut f: impl FnMut(&mut T) -> bool) {
        match self {
            StoreMut::Typed(v) => v.iter_mut().for_each(|r| {
                f(r);
            }),
            StoreMut::Packed(p) => p.update(f),
        }
    }

    /// Updates the records for which `wanted` holds (of their sheet and district); packed,
    /// the chunks holding none are not decoded ([`Packed::update_where`]).
    pub fn update_where(&mut self, wanted: impl Fn(Prov, &Text) -> bool, mut f: impl FnMut(&mut T) -> bool) {
        match self {
            StoreMut::Typed(v) => v.iter_mut().filter(|r| wanted(r.prov(), r.district())).for_each(|r| {
                f(r);
            }),
            StoreMut::Packed(p) => p.update_where(wanted, f),
        }
    }

    /// Keeps the records `keep` says to keep, in order.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        match self {
            StoreMut::Typed(v) => v.retain(keep),
            StoreMut::Packed(p) => p.retain(keep),
        }
    }

    /// [`StoreMut::retain`] where `keep` keeps every record that is not
    /// [`Record::doubtful`]: packed, only the chunks holding one are decoded.
    pub fn retain_doubtful(&mut self, keep: impl FnMut(&T) -> bool) {
        match self {
            StoreMut::Typed(v) => v.retain(keep),
            StoreMut::Packed(p) => p.retain_doubtful(keep),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::CensusRec;

    fn rec(row: u32, name: &str) -> CensusRec {
        CensusRec {
            prov: Prov { sheet: 0, row },
            district: "".into(),
            town: "昌元街道".into(),
            village: "新峰村".into(),
            group_text: "3社".into(),
            group: Some(3),
            householder: "".into(),
            name: name.into(),
            sex: None,
            id: crate::normalize::id_number::parse("500226201203040012"),
            birth: chrono::NaiveDate::from_ymd_opt(2012, 3, 4),
            relation: "".into(),
            hukou: Default::default(),
            hukou_text: "重庆市荣昌区昌元街道新峰村3社".into(),
            poverty: Some(true),
            disabled: None,
            disability_category: None,
            disability_grade: None,
            claim: None,
            claim_text: "".into(),
            school: "".into(),
            grade: "".into(),
            note: "".into(),
        }
    }

    fn packed(tables: &[&[(u32, &str)]]) -> Packed<CensusRec> {
        let mut p = Packed::default();
        for (sheet, t) in tables.iter().enumerate() {
            let recs: Vec<CensusRec> = t.iter().map(|&(row, name)| rec(row, name)).collect();
            let mut c = Chunk::pack(&recs);
            c.set_sheet(sheet as u32 + 1);
            p.push(c);
        }
        p
    }

    #[test]
    fn a_large_table_is_packed_in_stretches_and_only_those_holding_a_district_are_decoded() {
        // A city-wide export: 甲区's rows, then 乙区's, across three chunks.
        let n = 2 * CHUNK_RECORDS + 5;
        let recs: Vec<CensusRec> = (0..n)
            .map(|i| CensusRec {
                district: if i < CHUNK_RECORDS + 10 { "甲区" } else { "乙区" }.into(),
                ..rec(i as u32 + 2, &format!("童{i}"))
            })
            .collect();
        let mut chunks: Vec<Chunk> = recs.chunks(CHUNK_RECORDS).map(Chunk::pack).collect();
        assert_eq!(chunks.iter().map(Chunk::len).collect::<Vec<_>>(), [CHUNK_RECORDS, CHUNK_RECORDS, 5]);
        chunks.iter_mut().for_each(|c| c.set_sheet(7));
        let mut p: Packed<CensusRec> = Packed::default();
        p.extend(chunks);
        assert_eq!(p.len(), n);
        let picked = p.pick([0, CHUNK_RECORDS - 1, CHUNK_RECORDS, n - 1]);
        let got: Vec<(u32, u32)> = picked.iter().map(|r| (r.prov.sheet, r.prov.row)).collect();
        let row = |i: usize| (7, i as u32 + 2);
        assert_eq!(got, [row(0), row(CHUNK_RECORDS - 1), row(CHUNK_RECORDS), row(n - 1)]);
        let mut counts = std::collections::BTreeMap::new();
        p.places(|prov, place| {
            assert_eq!(prov.sheet, 7);
            *counts.entry(place.district.to_string()).or_insert(0) += place.count;
        });
        assert_eq!(counts.get("甲区"), Some(&(CHUNK_RECORDS + 10)));
        assert_eq!(counts.get("乙区"), Some(&(CHUNK_RECORDS - 5)));
        // 乙区's records are in the last two chunks: the first is never decoded.
        let mut decoded = 0;
        p.update_where(
            |_, d| d == "乙区",
            |_| {
                decoded += 1;
                false
            },
        );
        assert_eq!(decoded, CHUNK_RECORDS + 5);
        // Picking decodes the records picked and no other (the settling sees each once).
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = seen.clone();
        p.settle_on_decode(
            std::sync::Arc::new(|_, _| {}),
            Some(std::sync::Arc::new(move |_: &mut CensusRec| {
                count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            })),
        );
        let picked = p.pick([3, 3, CHUNK_RECORDS + 1, n - 2]);
        let rows: Vec<u32> = picked.iter().map(|r| r.prov.row).collect();
        assert_eq!(rows, [5, CHUNK_RECORDS as u32 + 3, n as u32]);
        assert_eq!(seen.load(std::sync::atomic::Ordering::Relaxed), 3);
    }

    #[test]
    fn records_come_back_as_they_went_in_with_their_sheet() {
        let p = packed(&[&[(2, "张三"), (3, "李四")], &[], &[(5, "王五")]]);
        assert_eq!(p.len(), 3);
        let all = p.unpack();
        let got: Vec<(u32, u32, &str)> = all.iter().map(|r| (r.prov.sheet, r.prov.row, r.name.as_str())).collect();
        assert_eq!(got, vec![(1, 2, "张三"), (1, 3, "李四"), (3, 5, "王五")]);
        assert_eq!(all[2].birth, chrono::NaiveDate::from_ymd_opt(2012, 3, 4));
        assert_eq!(
            format!("{:?}", all[0]),
            format!("{:?}", CensusRec { prov: Prov { sheet: 1, row: 2 }, ..rec(2, "张三") })
        );
    }

    #[test]
    fn pick_put_update_and_retain_keep_the_order() {
        let mut p = packed(&[&[(2, "甲"), (3, "乙")], &[(2, "丙"), (3, "丁"), (4, "戊")]]);
        let names = |p: &Packed<CensusRec>| {
            let mut v = Vec::new();
            p.scan(|i, r| v.push(format!("{i}{}", r.name)));
            v.join(" ")
        };
        let picked: Vec<String> = p.pick([1, 2, 4]).into_iter().map(|r| r.name.to_string()).collect();
        assert_eq!(picked, ["乙", "丙", "戊"]);
        p.put(vec![(0, rec(2, "己")), (3, rec(3, "庚"))]);
        assert_eq!(names(&p), "0己 1乙 2丙 3庚 4戊");
        p.update(|r| {
            let hit = r.name == "乙";
            if hit {
                r.name = "辛".into();
            }
            hit
        });
        p.retain(|r| r.name != "丙" && r.name != "己");
        assert_eq!(p.len(), 3);
        assert_eq!(names(&p), "0辛 1庚 2戊");
        assert_eq!(p.pick([2]).first().map(|r| r.prov.sheet), Some(2));
    }

    #[test]
    fn settled_on_decode_and_updated_only_where_wanted() {
        let mut p = packed(&[&[(2, "甲"), (3, "乙")], &[(2, "丙")]]);
        let mut places = Vec::new();
        p.places(|prov, place| places.push((prov.sheet, place.district.to_string(), place.count)));
        assert_eq!(places, [(1, "".to_string(), 2), (2, "".to_string(), 1)]);
        p.settle_on_decode(
            std::sync::Arc::new(|d: &mut Text, prov: Prov| {
                if d.is_empty() {
                    *d = format!("区{}", prov.sheet).into();
                }
            }),
            None,
        );
        // Only the second table is decoded; the first is settled when read.
        let mut seen = Vec::new();
        p.update_where(
            |prov, _| prov.sheet == 2,
            |r| {
                seen.push(r.name.to_string());
                r.group = Some(9);
                true
            },
        );
        assert_eq!(seen, ["丙"]);
        let all = p.unpack();
        let got: Vec<(&str, &str, Option<u32>)> =
            all.iter().map(|r| (r.name.as_str(), r.district.as_str(), r.group)).collect();
        assert_eq!(got, [("甲", "区1", Some(3)), ("乙", "区1", Some(3)), ("丙", "区2", Some(9))]);
    }

    #[test]
    fn keys_and_groups_are_what_the_decoded_records_say() {
        // Three tables: one naming no district, one naming two (and two towns), one emptied.
        let mut p = packed(&[&[(2, "甲"), (3, "乙")], &[(2, "丙"), (3, "丁"), (4, "戊")], &[(2, "己")]]);
        let valid = crate::normalize::id_number::parse("500226201203040015");
        p.put(vec![
            (0, CensusRec { id: valid.clone(), ..rec(2, "甲") }),
            (2, CensusRec { id: valid.clone(), ..rec(2, "丙") }),
        ]);
        p.put(vec![
            (2, CensusRec { district: "永川".into(), id: valid.clone(), ..rec(2, "丙") }),
            (3, CensusRec { district: "荣昌区".into(), town: "广顺街道".into(), ..rec(3, "丁") }),
            (
                4,
                CensusRec {
                    district: "永川".into(), id: crate::normalize::id_number::parse("5002"), ..rec(4, "戊")
                },
            ),
        ]);
        p.settle_on_decode(
            std::sync::Arc::new(|d: &mut Text, prov: Prov| {
                if d.is_empty() {
                    *d = format!("区{}", prov.sheet).into();
                } else if d.as_str() == "永川" {
                    *d = "永川区".into();
                }
            }),
            None,
        );
        p.retain(|r| r.name != "己");
        let by_scan = |p: &Packed<CensusRec>| {
            let (mut keys, mut towns) = (Vec::new(), Vec::new());
            p.scan(|_, r| {
                keys.push((r.district.to_string(), r.id.number()));
                let t = (r.district.to_string(), r.town.to_string());
                if !towns.contains(&t) {
                    towns.push(t);
                }
            });
            (keys, towns)
        };
        let by_survey = |p: &Packed<CensusRec>| {
            let (mut keys, mut towns) = (Vec::new(), Vec::new());
            p.keys(|d, id| keys.push((d.to_string(), id)));
            p.groups(|d, t| towns.push((d.to_string(), t.to_string())));
            (keys, towns)
        };
        let (keys, towns) = by_survey(&p);
        assert_eq!((keys.clone(), towns.clone()), by_scan(&p));
        let id = valid.number();
        assert_eq!(id, Some(50022620120304001 * 11 + 5));
        assert_eq!(keys[0], ("区1".to_string(), id));
        assert_eq!(keys[1], ("区1".to_string(), None));
        assert_eq!(keys[2], ("永川区".to_string(), id));
        assert_eq!(keys[4], ("永川区".to_string(), None));
        assert_eq!(
            towns,
            [("区1", "昌元街道"), ("永川区", "昌元街道"), ("荣昌区", "广顺街道")]
                .map(|(d, t)| (d.to_string(), t.to_string()))
        );
        // Records changed in place keep what the survey says true.
        p.update(|r| {
            let hit = r.name == "甲";
            if hit {
                r.id = crate::normalize::id_number::parse("");
                r.town = "峰高街道".into();
            }
            hit
        });
        assert_eq!(by_survey(&p), by_scan(&p));
        assert_eq!(p.len(), 5);
    }
}
