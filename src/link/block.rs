//! Blocking and candidate scoring for the fuzzy tier and for duplicate detection, streamed:
//! candidate pairs are enumerated block by block and scored on the spot, never collected.
//!
//! Why it is built this way: in a city (1.5 million census rows, towns of the same name in
//! several districts) one `town_surname` block can hold thousands of records, and the
//! residue of a linkage meets hundreds of millions of candidate pairs. Each index entry
//! therefore carries a copy of the record's [`Hot`] part (56 bytes, no pointers), so that
//! walking a block reads memory in order; a pair is first judged on an upper bound of its
//! score — every level but the name's exactly (the birth date's and the ID's first, most
//! pairs stop there), the name's at its best possible weight unless one name is missing
//! or the two certainly differ (no sound in common: [`similar::names_certainly_differ`])
//! — and only a pair whose bound reaches `review` is compared in full. The outcome is
//! exactly that of scoring every pair: a pair whose bound is below `review` scores below
//! it too.
//!
//! A pair sharing several blocks is counted and scored once: in the first block (in the
//! configured order) the two records share.

use rayon::prelude::*;

use super::compare::{self, Hot, Levels, Records};
use super::intern::{FastMap, NONE};
use super::similar;
use crate::schema::linkage::{BlockKey, Field, Level, LinkConfig};

/// A scored candidate pair.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scored {
    pub l: u32,
    pub r: u32,
    pub levels: Levels,
    pub score: f64,
}

/// Scores within this distance are equal (sums of the same weights in another order).
const EPS: f64 = 1e-9;
/// Headroom for the bound: it adds the same weights as the score, in another order.
const SLACK: f64 = 1e-6;

/// A block key as a number: the birth date's day count, the interned town stem with the
/// surname, or the interned pinyin key. Equal numbers: equal keys.
pub(crate) fn key(block: BlockKey, h: &Hot) -> Option<u64> {
    match block {
        BlockKey::BirthDate => h.birth.map(|d| {
            let days = i64::from(chrono::Datelike::num_days_from_ce(&d)) as u32;
            within(h, u64::from(days))
        }),
        // The town key carries the district already.
        BlockKey::TownSurname => {
            (h.town != NONE && h.surname != NONE).then(|| (u64::from(h.town) << 32) | u64::from(h.surname))
        }
        BlockKey::NamePinyin => (h.pinyin != NONE).then(|| within(h, u64::from(h.pinyin))),
    }
}

/// A 32-bit key within the record's district (as it is where there is none: a district run).
fn within(h: &Hot, key: u64) -> u64 {
    if h.district == NONE {
        key
    } else {
        (u64::from(h.district) << 32) | key
    }
}

/// Whether two records share `block`'s key: [`key`] equal on both, without computing it.
fn same_key(block: BlockKey, a: &Hot, b: &Hot) -> bool {
    match block {
        BlockKey::BirthDate => a.birth.is_some() && a.birth == b.birth && a.district == b.district,
        BlockKey::TownSurname => a.town != NONE && a.surname != NONE && a.town == b.town && a.surname == b.surname,
        BlockKey::NamePinyin => a.pinyin != NONE && a.pinyin == b.pinyin && a.district == b.district,
    }
}

/// One record in a block list.
#[derive(Clone, Copy)]
struct Entry {
    idx: u32,
    hot: Hot,
}

/// The block lists of one side: per configured block key, key → the records having it,
/// in index order.
pub(crate) struct Index {
    maps: Vec<FastMap<u64, Vec<Entry>>>,
}

impl Index {
    /// Indexes `members` of `side`. With `only`, a record is listed under a key only when
    /// some probe has that key (no other list will be walked).
    pub fn new(side: Records, members: &[usize], blocks: &[BlockKey], only: Option<&[FastMap<u64, ()>]>) -> Self {
        // One map per block key, built in parallel; members in index order within each list.
        let maps = blocks
            .par_iter()
            .enumerate()
            .map(|(k, &b)| {
                let mut map: FastMap<u64, Vec<Entry>> = FastMap::default();
                for &i in members {
                    let hot = side.preps[i].hot;
                    let Some(key) = key(b, &hot) else { continue };
                    if only.is_some_and(|o| !o[k].contains_key(&key)) {
                        continue;
                    }
                    map.entry(key).or_default().push(Entry { idx: i as u32, hot });
                }
                map
            })
            .collect();
        Index { maps }
    }

    /// The keys the given records have, per block (for [`Index::new`]'s `only`).
    pub fn keys_of(side: Records, members: &[usize], blocks: &[BlockKey]) -> Vec<FastMap<u64, ()>> {
        let mut out: Vec<FastMap<u64, ()>> = blocks.iter().map(|_| FastMap::default()).collect();
        for &i in members {
            let hot = &side.preps[i].hot;
            for (k, &b) in blocks.iter().enumerate() {
                if let Some(key) = key(b, hot) {
                    out[k].insert(key, ());
                }
            }
        }
        out
    }
}

/// The weight bounds a scan needs, from the linkage model.
struct Bound {
    /// Best weight of a name level other than exact and missing.
    name_other: f64,
    name_exact: f64,
    name_missing: f64,
    name_different: f64,
    /// Best weight of the ID, birth date, sex and address levels.
    best: [f64; 4],
    /// The score a pair must be able to reach, with the headroom for rounding.
    floor: f64,
}

impl Bound {
    fn new(cfg: &LinkConfig) -> Self {
        let w = &cfg.weights;
        let best_of = |field: Field, keep: &dyn Fn(Level) -> bool| {
            field.levels().filter(|&l| keep(l)).map(|l| w.of(l)).fold(f64::NEG_INFINITY, f64::max)
        };
        let name_other = best_of(Field::Name, &|l| !matches!(l, Level::NameExact | Level::NameMissing));
        let best = [Field::Id, Field::Birth, Field::Sex, Field::Address].map(|f| best_of(f, &|_| true));
        Bound {
            name_other,
            name_exact: w.of(Level::NameExact),
            name_missing: w.of(Level::NameMissing),
            name_different: w.of(Level::NameDifferent),
            best,
            floor: cfg.review - EPS - SLACK,
        }
    }

    /// Whether the pair may score at least `review`: the name at its best possible weight
    /// (exactly when one is missing), the other fields at their own weights — the birth
    /// date's and the ID's first, stopping as soon as the rest at their best could not
    /// make up the difference (most pairs of a large block stop there).
    ///
    /// Returns the ID, birth date, sex and address levels of a pair that may reach it.
    fn may_reach(&self, x: &Hot, y: &Hot, cfg: &LinkConfig) -> Option<[Level; 4]> {
        let name = if x.name == 0 || y.name == 0 {
            self.name_missing
        } else if x.name == y.name {
            // Equal hashes: most likely the same name, but not certainly.
            self.name_exact.max(self.name_other)
        } else if similar::names_certainly_differ(x.sound, y.sound) {
            self.name_different
        } else {
            self.name_other
        };
        let w = &cfg.weights;
        let [id_best, birth_best, sex_best, address_best] = self.best;
        let mut total = name + id_best + birth_best + sex_best + address_best;
        let birth = compare::birth_level(x.birth, y.birth).0;
        total += w.of(birth) - birth_best;
        if total < self.floor {
            return None;
        }
        let id = compare::id_level_hot(x, y);
        total += w.of(id) - id_best;
        if total < self.floor {
            return None;
        }
        let sex = compare::sex_level(x.sex, y.sex);
        let address = compare::address_level(x, y);
        total += w.of(sex) - sex_best + w.of(address) - address_best;
        (total >= self.floor).then_some([id, birth, sex, address])
    }
}

/// Which records a probe meets.
pub(crate) enum Pairing<'a> {
    /// Probes on the left, index on the right: pairs `(probe, member)`.
    LeftProbes,
    /// Probes on the right, index on the left: pairs `(member, probe)`.
    RightProbes,
    /// One side against itself: pairs `(lower, higher)`, a record never with itself, and a
    /// pair of two probes only from the lower one's scan. `is_probe` per record.
    Within { is_probe: &'a [bool] },
}

/// What a scan found.
pub(crate) struct Scan {
    /// Distinct pairs sharing at least one block.
    pub pairs: usize,
    /// The pairs scoring at least `review`, sorted by (left, right).
    pub scored: Vec<Scored>,
}

/// Walks the blocks of every probe and scores the pairs that may reach `review`, in
/// parallel. `probe_side` holds the probes, `index_side` the indexed records (the same
/// side for [`Pairing::Within`]).
pub(crate) fn scan(
    probe_side: Records,
    probes: &[usize],
    index_side: Records,
    index: &Index,
    pairing: Pairing<'_>,
    cfg: &LinkConfig,
) -> Scan {
    let bound = Bound::new(cfg);
    let blocks = &cfg.blocks;
    let (pairs, mut scored) = probes
        .par_iter()
        .fold(
            || (0usize, Vec::new()),
            |(mut pairs, mut scored): (usize, Vec<Scored>), &p| {
                let hp = &probe_side.preps[p].hot;
                for (k, &block_k) in blocks.iter().enumerate() {
                    let Some(members) = key(block_k, hp).and_then(|kk| index.maps[k].get(&kk)) else { continue };
                    let earlier = &blocks[..k];
                    for e in members {
                        let q = e.idx as usize;
                        if let Pairing::Within { is_probe } = pairing {
                            if q == p || (is_probe[q] && q < p) {
                                continue;
                            }
                        }
                        // Counted in an earlier block already.
                        if earlier.iter().any(|&b| same_key(b, hp, &e.hot)) {
                            continue;
                        }
                        pairs += 1;
                        // The pair as (left, right): the bound's levels are those of
                        // `compare::levels` on the same two records.
                        let (l, r, hl, hr) = match pairing {
                            Pairing::LeftProbes => (p, q, hp, &e.hot),
                            Pairing::RightProbes => (q, p, &e.hot, hp),
                            Pairing::Within { .. } if p < q => (p, q, hp, &e.hot),
                            Pairing::Within { .. } => (q, p, &e.hot, hp),
                        };
                        let Some([id, birth, sex, address]) = bound.may_reach(hl, hr, cfg) else { continue };
                        let (lo, ro) = match pairing {
                            Pairing::LeftProbes => (probe_side.one(l), index_side.one(r)),
                            Pairing::RightProbes => (index_side.one(l), probe_side.one(r)),
                            Pairing::Within { .. } => (probe_side.one(l), probe_side.one(r)),
                        };
                        let name = compare::name_level(&lo.prep.name, &ro.prep.name);
                        let levels = compare::Levels([id, name, birth, sex, address]);
                        let score = levels.score(&cfg.weights);
                        if score >= cfg.review - EPS {
                            scored.push(Scored { l: l as u32, r: r as u32, levels, score });
                        }
                    }
                }
                (pairs, scored)
            },
        )
        .reduce(
            || (0, Vec::new()),
            |(n1, mut s1), (n2, s2)| {
                s1.extend(s2);
                (n1 + n2, s1)
            },
        );
    scored.par_sort_unstable_by_key(|s| (s.l, s.r));
    Scan { pairs, scored }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::LinkRec;
    use crate::normalize::id_number::{self, Sex};
    use chrono::NaiveDate;

    /// A small deterministic generator (no test depends on the platform's randomness).
    struct Lcg(u64);
    impl Lcg {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    /// Records drawn from few names, dates, towns and IDs, so that blocks are crowded and
    /// every level of every field occurs.
    fn records(rng: &mut Lcg, n: usize) -> Vec<LinkRec> {
        let names = ["张伟", "张巍", "章伟", "张伟伟", "李娜", "李那", "王芳", "", "刘洋", "刘阳", "伟", "玉", "王"];
        let towns = ["龙水镇", "昌元街道", "双河街道"];
        let villages = ["石河村", "玉屏村", "河包社区"];
        (0..n)
            .map(|_| {
                let birth = NaiveDate::from_ymd_opt(
                    2010 + rng.below(2) as i32,
                    1 + rng.below(3) as u32,
                    1 + rng.below(3) as u32,
                );
                let id = match rng.below(4) {
                    0 => String::new(),
                    _ => {
                        let d = birth.unwrap();
                        let body = format!("500153{}{:03}", d.format("%Y%m%d"), rng.below(4) * 2 + 1);
                        let check = if rng.below(6) == 0 { 'X' } else { id_number::check_char(&body).unwrap() };
                        format!("{body}{check}")
                    }
                };
                LinkRec {
                    id: id_number::parse(&id),
                    name: names[rng.below(names.len() as u64) as usize].into(),
                    birth: if rng.below(8) == 0 { None } else { birth },
                    sex: match rng.below(5) {
                        0 => None,
                        1 | 2 => Some(Sex::Male),
                        _ => Some(Sex::Female),
                    },
                    town: (rng.below(6) != 0).then(|| towns[rng.below(3) as usize].into()),
                    village: (rng.below(4) != 0).then(|| villages[rng.below(3) as usize].into()),
                    group: (rng.below(3) != 0).then(|| rng.below(3) as u32 + 1),
                }
            })
            .collect()
    }

    /// The scan finds exactly the pairs that share a block and score at least `review`,
    /// and counts every pair sharing a block once: its bound never drops a pair.
    #[test]
    fn scan_equals_scoring_every_pair() {
        let mut rng = Lcg(7);
        let (lr, rr) = (records(&mut rng, 300), records(&mut rng, 200));
        let (lp, rp) = (compare::prepare(&lr), compare::prepare(&rr));
        let l = Records { recs: &lr, preps: &lp };
        let r = Records { recs: &rr, preps: &rp };
        for review in [-2.0, 6.0, 9.0] {
            let cfg = LinkConfig { review, ..LinkConfig::default() };
            let left: Vec<usize> = (0..lr.len()).collect();
            let right: Vec<usize> = (0..rr.len()).collect();
            let index = Index::new(r, &right, &cfg.blocks, None);
            let found = scan(l, &left, r, &index, Pairing::LeftProbes, &cfg);

            let mut pairs = 0;
            let mut want = Vec::new();
            for (i, pi) in lp.iter().enumerate() {
                for (j, pj) in rp.iter().enumerate() {
                    let (x, y) = (&pi.hot, &pj.hot);
                    if !cfg.blocks.iter().any(|&b| key(b, x).is_some() && key(b, x) == key(b, y)) {
                        continue;
                    }
                    pairs += 1;
                    let score = compare::levels(l.one(i), r.one(j)).score(&cfg.weights);
                    if score >= review - EPS {
                        want.push((i as u32, j as u32));
                    }
                }
            }
            let got: Vec<(u32, u32)> = found.scored.iter().map(|s| (s.l, s.r)).collect();
            assert_eq!(found.pairs, pairs, "review {review}");
            assert!(want.len() > 10 && want.len() < pairs, "a test that can fail: {} of {pairs}", want.len());
            assert!(got == want, "review {review}: {} pairs found, {} expected", got.len(), want.len());
            for f in &found.scored {
                assert_eq!(f.levels, compare::levels(l.one(f.l as usize), r.one(f.r as usize)));
            }
        }
    }
}
