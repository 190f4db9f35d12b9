//! Blocking and candidate scoring for the fuzzy tier and for duplicate detection, streamed:
//! candidate pairs are enumerated block by block and scored on the spot, never collected.
//!
//! Why it is built this way: in a city (1.5 million census rows, towns of the same name in
//! several districts) one `town_surname` block can hold thousands of records, and the
//! residue of a linkage meets hundreds of millions of candidate pairs. Each index entry
//! therefore carries a copy of the record's [`Hot`] part (48 bytes, no pointers), so that
//! walking a block reads memory in order; a pair is first judged on an upper bound of its
//! score — every level but the name's exactly, the name's at its best possible weight
//! unless one name is missing or their hashes differ — and only a pair whose bound reaches
//! `review` is compared in full. The outcome is exactly that of scoring every pair: a
//! pair whose bound is below `review` scores below it too.
//!
//! A pair sharing several blocks is counted and scored once: in the first block (in the
//! configured order) the two records share.

use rayon::prelude::*;

use super::compare::{self, Hot, Records};
use super::fuzzy::Scored;
use super::intern::{FastMap, NONE};
use super::model::{BlockKey, Field, Level, LinkConfig};

/// Scores within this distance are equal (sums of the same weights in another order).
const EPS: f64 = 1e-9;
/// Headroom for the bound: it adds the same weights as the score, in another order.
const SLACK: f64 = 1e-6;

/// A block key as a number: the birth date's day count, the interned town stem with the
/// surname, or the interned pinyin key. Equal numbers: equal keys.
pub(crate) fn key(block: BlockKey, h: &Hot) -> Option<u64> {
    match block {
        BlockKey::BirthDate => h.birth.map(|d| i64::from(chrono::Datelike::num_days_from_ce(&d)) as u64),
        BlockKey::TownSurname => {
            (h.town != NONE && h.surname != NONE).then(|| (u64::from(h.town) << 32) | u64::from(h.surname))
        }
        BlockKey::NamePinyin => (h.pinyin != NONE).then_some(u64::from(h.pinyin)),
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
    review: f64,
}

impl Bound {
    fn new(cfg: &LinkConfig) -> Self {
        let w = &cfg.weights;
        let name_other = Field::Name
            .levels()
            .iter()
            .filter(|l| !matches!(l, Level::NameExact | Level::NameMissing))
            .map(|&l| w.of(l))
            .fold(f64::NEG_INFINITY, f64::max);
        Bound {
            name_other,
            name_exact: w.of(Level::NameExact),
            name_missing: w.of(Level::NameMissing),
            review: cfg.review,
        }
    }

    /// Whether the pair may score at least `review`.
    fn may_reach(&self, x: &Hot, y: &Hot, cfg: &LinkConfig) -> bool {
        let name = if x.name == 0 || y.name == 0 {
            self.name_missing
        } else if x.name == y.name {
            // Equal hashes: most likely the same name, but not certainly.
            self.name_exact.max(self.name_other)
        } else {
            self.name_other
        };
        let rest: f64 = compare::hot_levels(x, y).iter().map(|&l| cfg.weights.of(l)).sum();
        rest + name >= self.review - EPS - SLACK
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
                let keys: Vec<Option<u64>> = blocks.iter().map(|&b| key(b, hp)).collect();
                for (k, key_k) in keys.iter().enumerate() {
                    let Some(members) = key_k.and_then(|kk| index.maps[k].get(&kk)) else { continue };
                    for e in members {
                        let q = e.idx as usize;
                        if let Pairing::Within { is_probe } = pairing {
                            if q == p || (is_probe[q] && q < p) {
                                continue;
                            }
                        }
                        // Counted in an earlier block already.
                        if (0..k).any(|k2| keys[k2].is_some() && keys[k2] == key(blocks[k2], &e.hot)) {
                            continue;
                        }
                        pairs += 1;
                        if !bound.may_reach(hp, &e.hot, cfg) {
                            continue;
                        }
                        let (l, r, lo, ro) = match pairing {
                            Pairing::LeftProbes => (p, q, probe_side.one(p), index_side.one(q)),
                            Pairing::RightProbes => (q, p, index_side.one(q), probe_side.one(p)),
                            Pairing::Within { .. } => {
                                let (a, b) = (p.min(q), p.max(q));
                                (a, b, probe_side.one(a), probe_side.one(b))
                            }
                        };
                        let levels = compare::levels(lo, ro);
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
