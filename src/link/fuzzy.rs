//! Tier 3: records left unlinked by tiers 1-2, compared within blocks, scored Splink-style,
//! and assigned one-to-one, best score first.
//!
//! Blocking only the residue keeps the cost proportional to residue × block size: with
//! 60,000 census rows nearly all linked by ID, a few thousand records on each side are
//! compared with the few others that share a birth date, a town and surname, or a
//! full-name pinyin. The blocks are walked and scored without collecting the pairs, most
//! of them judged from a 52-byte summary of each record ([`block`]).

use std::collections::{HashMap, HashSet};

use super::block::{self, Scored};
use super::compare::{self, Records};
use super::{Link, Review, ReviewReason};
use crate::schema::linkage::{LinkConfig, Method};

/// Scores within this distance are equal (sums of the same weights in another order).
const EPS: f64 = 1e-9;

/// What the tier returns.
pub(crate) struct FuzzyResult {
    pub links: Vec<Link>,
    pub reviews: Vec<Review>,
    pub candidate_pairs: usize,
    pub ties: usize,
}

/// Runs the tier on the records not yet used, marking linked records as used.
/// `left_person[i]` is equal for listings of one person (see [`super::link_grouped`]).
pub(crate) fn tier(
    l: Records,
    r: Records,
    left_person: &[usize],
    cfg: &LinkConfig,
    used_l: &mut [bool],
    used_r: &mut [bool],
) -> FuzzyResult {
    // A person already linked through another listing takes no second record here.
    let mut person_linked: HashSet<usize> = HashSet::new();
    for (i, &u) in used_l.iter().enumerate() {
        if u {
            person_linked.insert(left_person[i]);
        }
    }
    let left: Vec<usize> = (0..l.len()).filter(|&i| !used_l[i] && !person_linked.contains(&left_person[i])).collect();
    let right: Vec<usize> = (0..r.len()).filter(|&j| !used_r[j]).collect();
    // Index the smaller residue, probe with the larger: the same pairs either way.
    let found = if right.len() <= left.len() {
        let index = block::Index::new(r, &right, &cfg.blocks, None);
        block::scan(l, &left, r, &index, block::Pairing::LeftProbes, cfg)
    } else {
        let index = block::Index::new(l, &left, &cfg.blocks, None);
        block::scan(r, &right, l, &index, block::Pairing::RightProbes, cfg)
    };
    let scored = found.scored;
    let (chosen, ties) = assign(&scored, cfg.accept, left_person, &mut person_linked, used_l, used_r);

    let links = chosen
        .into_iter()
        .map(|s| {
            let comparison = compare::compare(l.one(s.l as usize), r.one(s.r as usize), &cfg.weights);
            Link {
                left: s.l as usize,
                right: s.r as usize,
                method: Method::Fuzzy,
                score: comparison.score,
                comparison,
                repair: None,
            }
        })
        .collect();
    let reviews = reviews(l, r, &scored, cfg, left_person, &person_linked, used_r);
    FuzzyResult { links, reviews, candidate_pairs: found.pairs, ties }
}

/// One-to-one assignment, best score first. Candidates of one score are taken together:
/// a right record wanted by listings of two different persons, or a left record wanting
/// two right records, is a tie — not linked, and not linkable afterwards (the candidates
/// become reviews). Listings of one person wanting the same record are no tie: the first
/// listing takes it. Returns the links and the number of tied candidates.
pub(crate) fn assign(
    scored: &[Scored],
    accept: f64,
    left_person: &[usize],
    person_linked: &mut HashSet<usize>,
    used_l: &mut [bool],
    used_r: &mut [bool],
) -> (Vec<Scored>, usize) {
    let mut order: Vec<&Scored> = scored.iter().filter(|s| s.score >= accept - EPS && !s.levels.vetoed()).collect();
    order.sort_by(|x, y| y.score.total_cmp(&x.score).then((x.r, x.l).cmp(&(y.r, y.l))));
    let mut tied_l = vec![false; used_l.len()];
    let mut tied_r = vec![false; used_r.len()];
    let mut chosen = Vec::new();
    let mut ties = 0;
    let mut i = 0;
    while i < order.len() {
        let top = order[i].score;
        let mut j = i;
        while j < order.len() && top - order[j].score <= EPS {
            j += 1;
        }
        let open = |s: &&Scored| {
            let (a, b) = (s.l as usize, s.r as usize);
            !used_l[a] && !used_r[b] && !tied_l[a] && !tied_r[b] && !person_linked.contains(&left_person[a])
        };
        // Per right record (the group is sorted by right, then left): one candidate per
        // right record survives — the first listing — unless two persons want it.
        let group: Vec<&Scored> = order[i..j].iter().copied().filter(open).collect();
        let mut kept: Vec<&Scored> = Vec::new();
        let mut k = 0;
        while k < group.len() {
            let mut m = k;
            while m < group.len() && group[m].r == group[k].r {
                m += 1;
            }
            let person = left_person[group[k].l as usize];
            if group[k..m].iter().all(|s| left_person[s.l as usize] == person) {
                kept.push(group[k]);
            } else {
                ties += m - k;
                tied_r[group[k].r as usize] = true;
            }
            k = m;
        }
        let mut count_l: HashMap<u32, u32> = HashMap::new();
        for s in &kept {
            *count_l.entry(s.l).or_default() += 1;
        }
        for s in kept {
            if count_l[&s.l] == 1 {
                used_l[s.l as usize] = true;
                used_r[s.r as usize] = true;
                person_linked.insert(left_person[s.l as usize]);
                chosen.push(*s);
            } else {
                ties += 1;
                tied_l[s.l as usize] = true;
            }
        }
        i = j;
    }
    chosen.sort_by_key(|s| (s.l, s.r));
    (chosen, ties)
}

/// For every left record of an unlinked person, its best-scoring candidates among unlinked right
/// records (several only when they tie), as reviews.
fn reviews(
    l: Records,
    r: Records,
    scored: &[Scored],
    cfg: &LinkConfig,
    left_person: &[usize],
    person_linked: &HashSet<usize>,
    used_r: &[bool],
) -> Vec<Review> {
    let mut out = Vec::new();
    // `scored` is in pair order: sorted by left, then right.
    let mut i = 0;
    while i < scored.len() {
        let a = scored[i].l;
        let mut j = i;
        while j < scored.len() && scored[j].l == a {
            j += 1;
        }
        if !person_linked.contains(&left_person[a as usize]) {
            let open: Vec<&Scored> = scored[i..j].iter().filter(|s| !used_r[s.r as usize]).collect();
            if let Some(best) = open.iter().map(|s| s.score).max_by(f64::total_cmp) {
                for s in open.into_iter().filter(|s| best - s.score <= EPS) {
                    let reason = if s.levels.vetoed() {
                        ReviewReason::DifferentValidIds
                    } else if s.score >= cfg.accept - EPS {
                        ReviewReason::Tie
                    } else {
                        ReviewReason::BelowAccept
                    };
                    let comparison = compare::compare(l.one(a as usize), r.one(s.r as usize), &cfg.weights);
                    out.push(Review {
                        left: a as usize,
                        right: s.r as usize,
                        score: comparison.score,
                        comparison,
                        reason,
                    });
                }
            }
        }
        i = j;
    }
    out
}
