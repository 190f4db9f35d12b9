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
    if nfkc_already(s) {
        return s.trim().to_string();
    }
    s.nfkc().collect::<String>().trim().to_string()
}

/// [`fold`], then every whitespace character removed.
pub fn compact(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // Most cells are ASCII and CJK Unified Ideographs without a space: NFKC-stable, so
    // copied as they are (building the text a character at a time cost more than the rest).
    if s.chars().all(|c| plain(c) && !c.is_whitespace()) {
        return s.to_owned();
    }
    if nfkc_already(s) {
        return s.chars().filter(|c| !c.is_whitespace()).collect();
    }
    renormalize(s.nfkc().filter(|c| !c.is_whitespace()).collect())
}

/// NFKC once more after characters were removed from NFKC text: a combining mark that
/// followed a removed space (`E ´` is `E` + space + U+0301 after NFKC) now follows a letter
/// and composes with it, so normalising the result again would change it. With this, every
/// normaliser here gives the same text when given its own output.
pub(crate) fn renormalize(s: String) -> String {
    use unicode_normalization::UnicodeNormalization;
    if nfkc_already(&s) {
        s
    } else {
        s.nfkc().collect()
    }
}

/// ASCII or a CJK Unified Ideograph: NFKC-stable on its own, never combining.
fn plain(c: char) -> bool {
    c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Whether NFKC would leave `s` as it is, by the quick check (most cells: plain CJK, ASCII
/// digits). Saves the full normalisation, the hottest step of building records.
pub(crate) fn nfkc_already(s: &str) -> bool {
    // ASCII and the CJK Unified Ideographs are NFKC-stable one by one and never combine:
    // most cells are only these, and this test is much cheaper than the quick check.
    s.chars().all(plain) || unicode_normalization::is_nfkc_quick(s.chars()) == unicode_normalization::IsNormalized::Yes
}
