//! Tier 1: the same valid ID on both sides, joined with polars ([`crate::frame::join_keys`]).
//!
//! An ID repeated on a side (a child listed twice, or two children under one ID) makes
//! several candidate pairs; they are taken one-to-one, the best name agreement first (ties
//! by index), and the records left over go on to the later tiers.

use rayon::prelude::*;

use super::compare::{self, Records};
use super::Link;
use crate::frame;
use crate::schema::linkage::{Method, Weights};

/// Runs the tier, marking linked records as used.
pub(crate) fn tier(l: Records, r: Records, w: &Weights, used_l: &mut [bool], used_r: &mut [bool]) -> Vec<Link> {
    fn keys(side: Records<'_>, used: &[bool]) -> Vec<(u32, u64)> {
        side.recs
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .filter_map(|(i, rec)| rec.id.number().map(|n| (i as u32, n)))
            .collect()
    }
    let pairs = frame::join_keys(&keys(l, used_l), &keys(r, used_r));
    // Full comparisons for every pair (needed for the evidence of each link anyway).
    let mut scored: Vec<(u8, usize, usize, compare::Comparison)> = pairs
        .par_iter()
        .map(|&(a, b)| {
            let (a, b) = (a as usize, b as usize);
            let c = compare::compare(l.one(a), r.one(b), w);
            (compare::name_rank(c.level(super::Field::Name)), a, b, c)
        })
        .collect();
    scored.sort_by_key(|s| (s.0, s.1, s.2));
    let mut links = Vec::with_capacity(scored.len());
    for (_, a, b, comparison) in scored {
        if used_l[a] || used_r[b] {
            continue;
        }
        used_l[a] = true;
        used_r[b] = true;
        links.push(Link {
            left: a,
            right: b,
            method: Method::ExactId,
            score: comparison.score,
            comparison,
            repair: None,
        });
    }
    links
}
