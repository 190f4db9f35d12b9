//! Linkage: which census child is which 学籍 record (and which poverty, disability,
//! home-teaching and exemption entry), in tiers — exact ID, repaired ID, fuzzy — with
//! one-to-one assignment and the evidence for every decision.
//!
//! Pipeline position: read → normalize → **link** → rules → report.
//!
//! TEMPORARY SHIM (exact ID only) until the link branch lands.

pub mod model;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::normalize::id_number::{IdNumber, Sex};
use model::LinkConfig;

#[derive(Clone, Debug)]
pub struct LinkRec {
    pub id: IdNumber,
    pub name: String,
    pub birth: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub town: Option<String>,
    pub village: Option<String>,
    pub group: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    ExactId,
    RepairedId,
    Fuzzy,
}

impl Method {
    pub fn key(self) -> &'static str {
        match self {
            Method::ExactId => "exact_id",
            Method::RepairedId => "repaired_id",
            Method::Fuzzy => "fuzzy",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Link {
    pub left: usize,
    pub right: usize,
    pub method: Method,
    pub score: f64,
}

#[derive(Clone, Debug)]
pub struct Review {
    pub left: usize,
    pub right: usize,
    pub score: f64,
}

#[derive(Clone, Debug, Default)]
pub struct Linkage {
    pub links: Vec<Link>,
    pub reviews: Vec<Review>,
}

#[derive(Clone, Debug)]
pub struct Cluster {
    pub members: Vec<usize>,
    pub evidence: Option<String>,
}

pub fn link(left: &[LinkRec], right: &[LinkRec], _cfg: &LinkConfig) -> Linkage {
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, r) in left.iter().enumerate() {
        if let Some(id) = r.id.valid() {
            by_id.entry(id).or_insert(i);
        }
    }
    let mut used = vec![false; left.len()];
    let mut links = Vec::new();
    for (j, r) in right.iter().enumerate() {
        if let Some(&i) = r.id.valid().and_then(|id| by_id.get(id)) {
            if !used[i] {
                used[i] = true;
                links.push(Link { left: i, right: j, method: Method::ExactId, score: 0.0 });
            }
        }
    }
    Linkage { links, reviews: Vec::new() }
}

pub fn dedupe(recs: &[LinkRec], _cfg: &LinkConfig) -> Vec<Cluster> {
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut clusters: Vec<Cluster> = Vec::new();
    for (i, r) in recs.iter().enumerate() {
        match r.id.valid() {
            Some(id) => {
                if let Some(&c) = by_id.get(id) {
                    clusters[c].members.push(i);
                } else {
                    by_id.insert(id, clusters.len());
                    clusters.push(Cluster { members: vec![i], evidence: None });
                }
            }
            None => clusters.push(Cluster { members: vec![i], evidence: None }),
        }
    }
    clusters
}

pub fn evidence(_l: &Link) -> String {
    "身份证号一致".to_string()
}

pub fn review_evidence(_r: &Review) -> String {
    String::new()
}
