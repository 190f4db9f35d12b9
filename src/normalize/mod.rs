//! Value normalisation: ID numbers (GB 11643-1999), names, addresses, dates, and the
//! label tables for sex, yes/no, 学籍 status, census 就学状态 and 核实结果.
//!
//! Pipeline position: read → **normalize** (called by `sources` while building records) →
//! link → rules → report. Every function here is pure and per-value.

pub mod address;
pub mod date;
pub mod id_number;
pub mod name;
pub mod values;

/// NFKC-folds text (full-width digits and letters to half-width, U+3000 to a space) and
/// trims it. The first step of every normaliser here.
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().collect::<String>().trim().to_string()
}

/// [`fold`], then every whitespace character removed.
pub fn compact(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}
