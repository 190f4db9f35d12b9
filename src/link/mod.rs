//! Linkage: which census child is which 学籍 record (and which poverty, disability,
//! home-teaching and exemption entry), in tiers — exact ID, repaired ID, fuzzy — with
//! one-to-one assignment and the evidence for every decision.
//!
//! Pipeline position: read → normalize → **link** → rules → report.

pub mod model;
