//! Duplicate listings within one side: the same child listed twice in the census (in the
//! village of household registration and in the village of residence, say). Two records
//! are the same person when they carry the same valid ID (and their names do not flatly
//! disagree), or when a fuzzy comparison within the side reaches `accept`; clusters are
//! the connected groups of such pairs.
//!
//! A fuzzy pair never merges two clusters that carry different valid IDs (a listing
//! without ID as close to two children with IDs joins the closer, the first on a tie);
//! such a pair becomes a review ([`ReviewReason::Conflict`]).
//!
//! Cost: the same-ID pairs come from a polars self-join; fuzzy pairs are only formed
//! around records without a valid ID (two valid, different IDs are never the same person),
//! each compared with the others in its blocks ([`block`]: streamed, most pairs judged on
//! a bound of their score).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::block;
use super::block::Scored;
use super::compare::{self, Comparison, Records};
use super::{LinkRec, Review, ReviewReason, SideLabels};
use crate::frame;
use crate::schema::linkage::{Field, Level, LinkConfig, Method};

/// A pair of records of one side judged to be the same person.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DupPair {
    /// The lower index.
    pub a: usize,
    /// The higher index.
    pub b: usize,
    /// [`Method::ExactId`] (same valid ID) or [`Method::Fuzzy`].
    pub method: Method,
    pub score: f64,
    pub comparison: Comparison,
}

/// Records that are one person: a single listing, or duplicate listings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cluster {
    /// Record indices, ascending; one or more.
    pub members: Vec<usize>,
    /// For duplicates joined by a fuzzy comparison, the sentence(s) saying why, listings
    /// numbered by their position in `members` (`第1条与第2条：第2条身份证号缺失；
    /// 住址不同，姓名、出生日期、性别一致`). `None` for a single record and for listings
    /// that all share one valid ID. For the workbook only (it may quote name characters).
    pub evidence: Option<String>,
    /// The pairs that joined the members (a spanning set or more), sorted.
    pub pairs: Vec<DupPair>,
    /// Pairs with a record of another cluster, worth a look but not merged, the lower
    /// index in this cluster (`left` < `right`, both indices into the same slice), sorted:
    /// fuzzy scores between `review` and `accept`, same-ID pairs whose names disagree
    /// ([`ReviewReason::SameIdDifferentName`]), and [`ReviewReason::Conflict`].
    pub reviews: Vec<Review>,
}

impl Cluster {
    /// More than one listing.
    pub fn is_duplicate(&self) -> bool {
        self.members.len() > 1
    }
}

/// A person key per record for [`super::link_grouped`]: the first member of its cluster.
pub fn person_keys(clusters: &[Cluster], n: usize) -> Vec<usize> {
    let mut out: Vec<usize> = (0..n).collect();
    for cluster in clusters {
        for &m in &cluster.members {
            out[m] = cluster.members[0];
        }
    }
    out
}

/// Finds the records of one side that are the same person: every record lands in exactly
/// one cluster, clusters sorted by their first member. Deterministic.
///
/// # Panics
/// Only on an internal polars error (see [`crate::frame::join_keys`]).
pub fn dedupe(recs: &[LinkRec], cfg: &LinkConfig) -> Vec<Cluster> {
    let preps = compare::prepare(recs);
    dedupe_records(Records { recs, preps: &preps }, cfg)
}

/// [`dedupe`] of records prepared already.
pub(crate) fn dedupe_records(side: Records, cfg: &LinkConfig) -> Vec<Cluster> {
    let recs = side.recs;
    let mut uf = UnionFind::new(recs.len());
    let mut pairs = Vec::new();
    let mut reviews = Vec::new();

    // Same valid ID.
    let keys: Vec<(u32, u64)> =
        recs.iter().enumerate().filter_map(|(i, r)| r.id.number().map(|n| (i as u32, n))).collect();
    let same: Vec<(u32, u32)> = frame::join_keys(&keys, &keys).into_iter().filter(|(a, b)| a < b).collect();
    for (a, b) in same {
        let (a, b) = (a as usize, b as usize);
        let comparison = compare::compare(side.one(a), side.one(b), &cfg.weights);
        if comparison.level(Field::Name) == Level::NameDifferent {
            // Two children under one ID (a copied sibling's ID): merging them would hide one.
            reviews.push(Review {
                left: a,
                right: b,
                score: comparison.score,
                comparison,
                reason: ReviewReason::SameIdDifferentName,
            });
        } else {
            uf.union(a, b);
            pairs.push(DupPair { a, b, method: Method::ExactId, score: comparison.score, comparison });
        }
    }

    // Fuzzy, around the records without a valid ID: only their blocks are indexed.
    let probes: Vec<usize> = (0..recs.len()).filter(|&i| !recs[i].id.is_valid()).collect();
    let mut is_probe = vec![false; recs.len()];
    for &p in &probes {
        is_probe[p] = true;
    }
    let everyone: Vec<usize> = (0..recs.len()).collect();
    let wanted = block::Index::keys_of(side, &probes, &cfg.blocks);
    let index = block::Index::new(side, &everyone, &cfg.blocks, Some(&wanted));
    let found = block::scan(side, &probes, side, &index, block::Pairing::Within { is_probe: &is_probe }, cfg);
    drop(index);
    let mut scored: Vec<Scored> = found.scored;
    // Best first, so that a record close to two people joins the closer one.
    scored.sort_by(|x, y| y.score.total_cmp(&x.score).then((x.l, x.r).cmp(&(y.l, y.r))));
    // The valid ID of each component (by root), to refuse merging two different people.
    let mut comp_id: Vec<Option<&str>> = recs.iter().map(|r| r.id.valid()).collect();
    for s in scored {
        let (a, b) = (s.l as usize, s.r as usize);
        let comparison = compare::compare(side.one(a), side.one(b), &cfg.weights);
        let linkable = s.score >= cfg.accept - 1e-9 && !s.levels.vetoed();
        let (ra, rb) = (uf.find(a), uf.find(b));
        let conflict = ra != rb && matches!((comp_id[ra], comp_id[rb]), (Some(x), Some(y)) if x != y);
        if linkable && !conflict {
            let merged = comp_id[ra].or(comp_id[rb]);
            uf.union(a, b);
            comp_id[uf.find(a)] = merged;
            pairs.push(DupPair { a, b, method: Method::Fuzzy, score: comparison.score, comparison });
        } else {
            let reason = if s.levels.vetoed() {
                ReviewReason::DifferentValidIds
            } else if linkable {
                ReviewReason::Conflict
            } else {
                ReviewReason::BelowAccept
            };
            reviews.push(Review { left: a, right: b, score: comparison.score, comparison, reason });
        }
    }

    // Clusters: connected components (the root is the smallest member, see UnionFind).
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..recs.len() {
        groups.entry(uf.find(i)).or_default().push(i);
    }
    let mut clusters: Vec<Cluster> = groups
        .into_values()
        .map(|members| Cluster { members, evidence: None, pairs: Vec::new(), reviews: Vec::new() })
        .collect();
    clusters.sort_by_key(|c| c.members[0]);
    let mut root_to_cluster: HashMap<usize, usize> = HashMap::new();
    for (c, cluster) in clusters.iter().enumerate() {
        root_to_cluster.insert(uf.find(cluster.members[0]), c);
    }
    pairs.sort_by_key(|p| (p.a, p.b));
    for p in pairs {
        let c = root_to_cluster[&uf.find(p.a)];
        clusters[c].pairs.push(p);
    }
    reviews.retain(|r| uf.find(r.left) != uf.find(r.right));
    reviews.sort_by_key(|r| (r.left, r.right));
    for r in reviews {
        let c = root_to_cluster[&uf.find(r.left)];
        clusters[c].reviews.push(r);
    }
    for cluster in &mut clusters {
        cluster.evidence = cluster_evidence(cluster);
    }
    clusters
}

/// The sentences of a cluster's fuzzy pairs, listings numbered by position in `members`.
fn cluster_evidence(cluster: &Cluster) -> Option<String> {
    let pos = |i: usize| cluster.members.iter().position(|&m| m == i).map_or(0, |p| p + 1);
    let parts: Vec<String> = cluster
        .pairs
        .iter()
        .filter(|p| p.method == Method::Fuzzy)
        .map(|p| {
            let (a, b) = (format!("第{}条", pos(p.a)), format!("第{}条", pos(p.b)));
            let s = super::sentence(&p.comparison, None, SideLabels::new(&a, &b));
            format!("{a}与{b}：{s}")
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("；"))
}

/// Union-find with path halving; the smaller index becomes the root, so roots (and thus
/// cluster order) do not depend on the order of unions.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect() }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.parent[hi] = lo;
        }
    }
}
