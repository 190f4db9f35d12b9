//! Linkage: which record on one side (a census child) is which record on the other (a 学籍
//! record, a poverty-register person…), in tiers — exact ID, repaired ID, fuzzy — with
//! one-to-one assignment and the evidence for every decision; and, within one side, which
//! records are the same person listed twice.
//!
//! Pipeline position: read → sources → **link** (the engine here; [`people`] drives it over
//! the run's records, [`place`] fills towns from villages) → rules → roundtrip → report. The engine is
//! generic: callers turn their records into [`LinkRec`]s, call [`link`] (or
//! [`link_grouped`]) or [`dedupe`], and map the indices back. Pass one record per person
//! on the left (collapse [`dedupe`] clusters first), or say which listings are one person
//! with [`link_grouped`]: two listings of one child are otherwise two candidates of equal
//! score for the child's 学籍 record — a tie, and no link.
//!
//! The tiers, in order; a record is linked at most once:
//! 1. [`Method::ExactId`]: the same valid ID (a polars join, [`crate::frame::join_keys`]).
//!    When one ID appears more than once on a side, pairs are made one-to-one, the best
//!    name agreement first; the rest go on to the later tiers.
//! 2. [`Method::RepairedId`]: two 18-character IDs one substituted character or one adjacent
//!    transposition apart, exactly one of them valid, and the names agreeing (same,
//!    homophone, near sound or look-alike). The invalid side is the mistyped one
//!    ([`Repair`]). Cost: each invalid ID's ~170 one-edit variants that pass the check are
//!    looked up in a hash of the other side's valid IDs — linear in the input.
//! 3. [`Method::Fuzzy`]: everything still unlinked, compared within blocks (see
//!    [`BlockKey`]) on ID, name, birth date, sex and address; the score is the sum
//!    of the levels' weights ([`crate::schema::linkage`]). At or above `accept`: linked; between `review`
//!    and `accept`: a [`Review`]. Candidates are taken best score first; two candidates
//!    of equal score competing for one record are both turned into reviews (a tie), and
//!    a pair with two different valid IDs is never linked. Only the residue of tiers 1-2
//!    is blocked, so the cost grows with the residue, not with the square of the input
//!    (60,000 census rows against 57,000 学籍 rows: about 17,000 pairs scored).
//!
//! Evidence: [`Link::evidence`] / [`Review::evidence`] (or [`evidence`] /
//! [`review_evidence`]) give one Chinese sentence per decision, naming the sides with
//! [`SideLabels`]; [`LinkConfig::model`] is the model written to `linkage_model.json`.
//!
//! Personal data never leaves this module except in the returned values; nothing is logged.

mod block;
mod compare;
mod dedupe;
mod evidence;
mod exact;
mod fuzzy;
pub(crate) mod intern;

pub mod people;
pub mod place;
mod repair;
mod similar;

use crate::text::Text;
use chrono::NaiveDate;
use serde::Serialize;

pub use crate::schema::linkage::{BlockKey, Field, Level, LinkConfig, Method, Weights};
pub use compare::{BirthNear, Comparison, Detail, FieldComparison};
pub use dedupe::{dedupe, person_keys, Cluster, DupPair};
pub use evidence::{list_sentence, sentence, SideLabels};

use crate::normalize::id_number::{IdNumber, Sex};

/// One record as the link stage sees it. Callers fill every field from their own records.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkRec {
    /// The normalised ID ([`crate::normalize::id_number::from_cell`]), whatever its status.
    pub id: IdNumber,
    /// Normalised by [`crate::normalize::name::normalize`].
    pub name: Text,
    /// From the ID when valid, else a date column, else a bad-check ID's date.
    pub birth: Option<NaiveDate>,
    pub sex: Option<Sex>,
    /// Canonical town ([`crate::normalize::address::canon_town`]).
    pub town: Option<Text>,
    /// Canonical village ([`crate::normalize::address::canon_village`]).
    pub village: Option<Text>,
    /// 社 / 组 number.
    pub group: Option<u32>,
}

/// Which side of a linkage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Left,
    Right,
}

/// The correction behind a [`Method::RepairedId`] link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Repair {
    /// The side whose ID fails its check: the mistyped one.
    pub side: Side,
    /// Differing positions, 1-based (one for a substitution, two for a transposition).
    pub positions: Vec<usize>,
    /// Two adjacent characters swapped.
    pub transposed: bool,
    /// The corrected ID: the other side's valid ID.
    pub corrected: String,
}

/// A link between `left[left]` and `right[right]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Link {
    pub left: usize,
    pub right: usize,
    pub method: Method,
    /// The comparison score (sum of the level weights), whatever the method.
    pub score: f64,
    pub comparison: Comparison,
    /// Set for [`Method::RepairedId`].
    pub repair: Option<Repair>,
}

/// Why a candidate is shown for review instead of linked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewReason {
    /// `review <= score < accept`.
    BelowAccept,
    /// At or above `accept`, but another candidate of the same score wants one of the two
    /// records.
    Tie,
    /// Both IDs valid and different: never linked, whatever the score.
    DifferentValidIds,
    /// ([`dedupe`] only) the same valid ID under names that do not agree: not merged.
    SameIdDifferentName,
    /// ([`dedupe`] only) at or above `accept`, but merging would put two different valid
    /// IDs in one cluster; the record went with a closer (or earlier) one.
    Conflict,
}

impl ReviewReason {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            ReviewReason::BelowAccept => "得分未达链接阈值",
            ReviewReason::Tie => "另有同分候选，无法自动判定",
            ReviewReason::DifferentValidIds => "双方身份证号均有效但不同",
            ReviewReason::SameIdDifferentName => "身份证号相同但姓名不同",
            ReviewReason::Conflict => "已与另一持有效身份证号的记录归并",
        }
    }
}

/// A candidate pair shown for review (a match_review case), not linked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Review {
    pub left: usize,
    pub right: usize,
    pub score: f64,
    pub comparison: Comparison,
    pub reason: ReviewReason,
}

/// Counts for `run.json` (no personal data).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LinkStats {
    pub left: usize,
    pub right: usize,
    pub exact_id: usize,
    pub repaired_id: usize,
    pub fuzzy: usize,
    pub reviews: usize,
    /// Residue after tiers 1-2 on each side.
    pub residue_left: usize,
    pub residue_right: usize,
    /// Pairs compared in the fuzzy tier.
    pub candidate_pairs: usize,
    /// Candidates at or above `accept` turned into reviews by a tie.
    pub ties: usize,
}

/// What [`link`] returns.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Linkage {
    /// Sorted by left index. Every left and every right index appears at most once.
    pub links: Vec<Link>,
    /// Sorted by left index, then right index. Only pairs whose two records are both
    /// unlinked; at most the best-scoring candidates of each left record (several only
    /// when they tie).
    pub reviews: Vec<Review>,
    pub stats: LinkStats,
}

impl Linkage {
    /// For each left index, the index into `links` of its link.
    pub fn by_left(&self, n_left: usize) -> Vec<Option<usize>> {
        let mut out = vec![None; n_left];
        for (i, l) in self.links.iter().enumerate() {
            out[l.left] = Some(i);
        }
        out
    }

    /// For each right index, the index into `links` of its link.
    pub fn by_right(&self, n_right: usize) -> Vec<Option<usize>> {
        let mut out = vec![None; n_right];
        for (i, l) in self.links.iter().enumerate() {
            out[l.right] = Some(i);
        }
        out
    }
}

/// The evidence sentence of a link (see [`Link::evidence`]).
pub fn evidence(link: &Link, sides: SideLabels) -> String {
    link.evidence(sides)
}

/// The evidence sentence of a review (see [`Review::evidence`]).
pub fn review_evidence(review: &Review, sides: SideLabels) -> String {
    review.evidence(sides)
}

impl Link {
    /// The evidence sentence, e.g. `身份证号第14位不一致（学籍录入有误），姓名、出生日期、村社一致`.
    /// For the workbook only: it may quote name characters.
    pub fn evidence(&self, sides: SideLabels) -> String {
        sentence(&self.comparison, self.repair.as_ref(), sides)
    }
}

impl Review {
    /// The evidence sentence, e.g. `身份证号缺失；姓名一字不同（红/明），出生日期、村社一致`;
    /// a tie adds `；另有同分候选，无法自动判定`. For the workbook only.
    pub fn evidence(&self, sides: SideLabels) -> String {
        let s = sentence(&self.comparison, None, sides);
        match self.reason {
            ReviewReason::Tie | ReviewReason::SameIdDifferentName | ReviewReason::Conflict => {
                format!("{s}；{}", self.reason.label())
            }
            ReviewReason::BelowAccept | ReviewReason::DifferentValidIds => s,
        }
    }
}

/// Links `left` to `right` one-to-one, tier by tier (see the module docs), every left
/// record its own person. Deterministic: the same inputs give the same output, whatever
/// the thread count.
///
/// # Panics
/// Only on an internal polars error (see [`crate::frame::join_keys`]).
pub fn link(left: &[LinkRec], right: &[LinkRec], cfg: &LinkConfig) -> Linkage {
    let persons: Vec<usize> = (0..left.len()).collect();
    link_grouped(left, &persons, right, cfg)
}

/// [`link`], knowing which left records are listings of one person: `left_person[i]` is
/// equal for them (use [`person_keys`] on the clusters of [`dedupe`]). Two listings of one
/// person wanting the same right record are then no tie (the first listing takes it),
/// and once a person is linked, its other listings take no record in the fuzzy tier and
/// get no review. Tiers 1-2 still link every listing that has its own ID match.
///
/// # Panics
/// If `left_person` and `left` differ in length (a bug in the caller), or on an internal
/// polars error.
pub fn link_grouped(left: &[LinkRec], left_person: &[usize], right: &[LinkRec], cfg: &LinkConfig) -> Linkage {
    assert_eq!(left_person.len(), left.len(), "link_grouped: one person key per left record");
    let lp = compare::prepare(left);
    let rp = compare::prepare(right);
    let l = compare::Records { recs: left, preps: &lp };
    let r = compare::Records { recs: right, preps: &rp };
    link_records(l, left_person, r, cfg)
}

/// [`link`] of two [`Prepared`] sides: the same result, without preparing the records
/// again (people links its persons to five sources in turn).
pub fn link_prepared(left: &Prepared, right: &Prepared, cfg: &LinkConfig) -> Linkage {
    let persons: Vec<usize> = (0..left.len()).collect();
    link_records(left.records(), &persons, right.records(), cfg)
}

/// The records of one side with what comparisons need (name readings, interned texts),
/// prepared once, in parallel. Worth it for a side linked several times.
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    recs: Vec<LinkRec>,
    preps: Vec<compare::Prep>,
}

impl Prepared {
    pub fn new(recs: Vec<LinkRec>) -> Self {
        let preps = compare::prepare(&recs);
        Prepared { recs, preps }
    }

    pub fn recs(&self) -> &[LinkRec] {
        &self.recs
    }

    pub fn len(&self) -> usize {
        self.recs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// Adds records at the end (prepared in parallel).
    pub fn extend(&mut self, recs: Vec<LinkRec>) {
        self.preps.extend(compare::prepare(&recs));
        self.recs.extend(recs);
    }

    /// Replaces the ID of record `i` (a valid ID from another source filling a gap), and
    /// fills a missing birth date and sex from it.
    pub fn set_id(&mut self, i: usize, id: IdNumber) {
        let rec = &mut self.recs[i];
        if rec.birth.is_none() && id.is_valid() {
            rec.birth = id.birth();
            self.preps[i].hot.birth = rec.birth;
        }
        if rec.sex.is_none() && id.is_valid() {
            rec.sex = id.sex();
            self.preps[i].hot.sex = rec.sex;
        }
        rec.id = id;
        self.preps[i].hot.set_id(&self.recs[i]);
    }

    /// Prepares `recs`, each of which has the name, town, village and group of record
    /// `like[i]` of `base` (people: a person and its census listing): the preparation is
    /// copied and only the ID, birth date and sex parts are redone. The same result as
    /// [`Prepared::new`], in a fraction of the time; a record that does not match its
    /// model is prepared anew.
    pub fn derived(base: &Prepared, recs: Vec<LinkRec>, like: &[usize]) -> Prepared {
        use rayon::prelude::*;
        assert_eq!(recs.len(), like.len(), "Prepared::derived: one model per record");
        // As much room as `recs` has: the caller may have reserved some for later records.
        let mut preps = Vec::with_capacity(recs.capacity());
        preps.par_extend(recs.par_iter().zip(like.par_iter()).map(|(rec, &i)| {
            let model = &base.recs[i];
            let same = rec.name == model.name
                && rec.town == model.town
                && rec.village == model.village
                && rec.group == model.group;
            if !same {
                return compare::Prep::new(rec);
            }
            let mut prep = base.preps[i].clone();
            prep.hot.birth = rec.birth;
            prep.hot.sex = rec.sex;
            prep.hot.set_id(rec);
            prep
        }));
        Prepared { recs, preps }
    }

    /// Finds duplicate records ([`dedupe`]) of this side.
    pub fn dedupe(&self, cfg: &LinkConfig) -> Vec<Cluster> {
        dedupe::dedupe_records(self.records(), cfg)
    }

    fn records(&self) -> compare::Records<'_> {
        compare::Records { recs: &self.recs, preps: &self.preps }
    }
}

fn link_records(l: compare::Records, left_person: &[usize], r: compare::Records, cfg: &LinkConfig) -> Linkage {
    let (left, right) = (l.recs, r.recs);
    let mut used_l = vec![false; left.len()];
    let mut used_r = vec![false; right.len()];

    let mut links = exact::tier(l, r, &cfg.weights, &mut used_l, &mut used_r);
    let exact_id = links.len();
    let repaired = repair::tier(l, r, &cfg.weights, &mut used_l, &mut used_r);
    let repaired_id = repaired.len();
    links.extend(repaired);
    let residue_left = used_l.iter().filter(|u| !**u).count();
    let residue_right = used_r.iter().filter(|u| !**u).count();
    let fz = fuzzy::tier(l, r, left_person, cfg, &mut used_l, &mut used_r);
    let fuzzy = fz.links.len();
    links.extend(fz.links);
    links.sort_by_key(|k| (k.left, k.right));

    let stats = LinkStats {
        left: left.len(),
        right: right.len(),
        exact_id,
        repaired_id,
        fuzzy,
        reviews: fz.reviews.len(),
        residue_left,
        residue_right,
        candidate_pairs: fz.candidate_pairs,
        ties: fz.ties,
    };
    Linkage { links, reviews: fz.reviews, stats }
}
