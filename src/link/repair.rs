//! Tier 2: an ID mistyped on one side. Two 18-character IDs one substituted character or
//! one adjacent transposition apart, exactly one of them valid, and names that agree
//! (same, homophone, near sound or look-alike). GB 11643's check character catches every
//! single substitution and adjacent transposition, so the side whose check fails (or whose
//! date is impossible) is the mistyped one and the other side's ID is the correction.
//!
//! Cost: for each unlinked invalid ID, its one-edit variants that pass the check (about
//! one in eleven of ~170) are looked up in a hash of the other side's unlinked valid IDs.
//! Linear in the number of records, no pairwise comparison.

use std::collections::HashMap;

use super::compare::{self, Records};
use super::model::{Field, Method, Weights};
use super::{Link, Repair, Side};
use crate::normalize::id_number::{check_char, parse};

/// Runs the tier, marking linked records as used.
pub(crate) fn tier(l: Records, r: Records, w: &Weights, used_l: &mut [bool], used_r: &mut [bool]) -> Vec<Link> {
    // (name rank, left, right, repair)
    let mut cands: Vec<(u8, usize, usize, Repair)> = Vec::new();
    for side in [Side::Left, Side::Right] {
        let (bad, good, used_bad, used_good) = match side {
            Side::Left => (l, r, &*used_l, &*used_r),
            Side::Right => (r, l, &*used_r, &*used_l),
        };
        let mut valid: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, rec) in good.recs.iter().enumerate() {
            if let (false, Some(t)) = (used_good[i], rec.id.valid()) {
                valid.entry(t).or_default().push(i);
            }
        }
        for (i, rec) in bad.recs.iter().enumerate() {
            if used_bad[i] || rec.id.is_valid() {
                continue;
            }
            let Some(text) = compare::id18(rec) else {
                continue;
            };
            for (corrected, positions, transposed) in corrections(text) {
                let Some(hits) = valid.get(corrected.as_str()) else {
                    continue;
                };
                for &j in hits {
                    let (a, b) = match side {
                        Side::Left => (i, j),
                        Side::Right => (j, i),
                    };
                    let name = compare::levels(l.one(a), r.one(b)).name();
                    if compare::names_agree(name) {
                        let repair =
                            Repair { side, positions: positions.clone(), transposed, corrected: corrected.clone() };
                        cands.push((compare::name_rank(name), a, b, repair));
                    }
                }
            }
        }
    }
    cands.sort_by_key(|c| (c.0, c.1, c.2));
    let mut links = Vec::new();
    for (_, a, b, repair) in cands {
        if used_l[a] || used_r[b] {
            continue;
        }
        used_l[a] = true;
        used_r[b] = true;
        let comparison = compare::compare(l.one(a), r.one(b), w);
        debug_assert_eq!(comparison.level(Field::Id), super::Level::IdOneEdit);
        links.push(Link {
            left: a,
            right: b,
            method: Method::RepairedId,
            score: comparison.score,
            comparison,
            repair: Some(repair),
        });
    }
    links
}

/// Every valid ID one substitution or one adjacent transposition away from `text`, with
/// the changed positions (1-based) and whether it was a transposition. In a fixed order.
pub(crate) fn corrections(text: &str) -> Vec<(String, Vec<usize>, bool)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    if b.len() != 18 {
        return out;
    }
    let mut push = |t: Vec<u8>, positions: Vec<usize>, transposed: bool| {
        let Ok(s) = String::from_utf8(t) else { return };
        // The check character first (cheap), then the whole verdict (date included).
        if check_char(&s[..17]).is_some_and(|c| s.as_bytes()[17] == c as u8) && parse(&s).is_valid() {
            out.push((s, positions, transposed));
        }
    };
    for i in 0..18 {
        let alphabet: &[u8] = if i == 17 { b"0123456789X" } else { b"0123456789" };
        for &c in alphabet {
            if c != b[i] {
                let mut t = b.to_vec();
                t[i] = c;
                push(t, vec![i + 1], false);
            }
        }
    }
    for i in 0..17 {
        if b[i] != b[i + 1] {
            let mut t = b.to_vec();
            t.swap(i, i + 1);
            push(t, vec![i + 1, i + 2], true);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_true_id_is_among_the_corrections() {
        let good = format!("50015320100503123{}", check_char("50015320100503123").unwrap());
        let mut typo = good.clone().into_bytes();
        typo[13] = if typo[13] == b'9' { b'1' } else { typo[13] + 1 };
        let typo = String::from_utf8(typo).unwrap();
        let found = corrections(&typo);
        assert!(found.iter().any(|(s, p, t)| *s == good && *p == vec![14] && !t));
        // Every correction is valid and one edit away.
        assert!(found.iter().all(|(s, _, _)| parse(s).is_valid() && compare::one_edit(s, &typo).is_some()));
        let mut swapped = good.clone().into_bytes();
        swapped.swap(10, 11);
        let swapped = String::from_utf8(swapped).unwrap();
        if swapped != good {
            assert!(corrections(&swapped).iter().any(|(s, p, t)| *s == good && *p == vec![11, 12] && *t));
        }
    }
}
