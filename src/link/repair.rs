//! Tier 2: an ID mistyped on one side. Two 18-character IDs one substituted character or
//! one adjacent transposition apart, exactly one of them valid, and names that agree
//! (same, homophone, near sound or look-alike). GB 11643's check character catches every
//! single substitution and adjacent transposition, so the side whose check fails (or whose
//! date is impossible) is the mistyped one and the other side's ID is the correction.
//!
//! Cost: for each unlinked invalid ID, its one-edit variants that pass the check (about
//! one in eleven of ~170) are looked up in a hash of the other side's unlinked valid IDs.
//! Linear in the number of records, no pairwise comparison.

use rayon::prelude::*;

use super::compare::{self, Records};
use super::intern::FastMap;
use super::{Link, Repair, Side};
use crate::normalize::id_number::birth_of;
#[cfg(test)]
use crate::normalize::id_number::{check_char, parse};
use crate::schema::linkage::{Field, Method, Weights};

/// Runs the tier, marking linked records as used.
pub(crate) fn tier(l: Records, r: Records, w: &Weights, used_l: &mut [bool], used_r: &mut [bool]) -> Vec<Link> {
    // (name rank, left, right, repair)
    let mut cands: Vec<(u8, usize, usize, Repair)> = Vec::new();
    for side in [Side::Left, Side::Right] {
        let (bad, good, used_bad, used_good) = match side {
            Side::Left => (l, r, &*used_l, &*used_r),
            Side::Right => (r, l, &*used_r, &*used_l),
        };
        // The valid IDs one edit away from every unlinked invalid 18-character ID…
        let bad_ids: Vec<usize> = (0..bad.len())
            .filter(|&i| !used_bad[i] && !bad.recs[i].id.is_valid() && compare::id18(&bad.recs[i]).is_some())
            .collect();
        if bad_ids.is_empty() {
            continue;
        }
        let fixes: Vec<(usize, Vec<Fix>)> =
            bad_ids.par_iter().map(|&i| (i, fixes(compare::id18(&bad.recs[i]).unwrap_or_default()))).collect();
        let mut wanted: FastMap<[u8; 18], Vec<(usize, usize)>> = FastMap::default();
        for (k, (_, fs)) in fixes.iter().enumerate() {
            for (f, fix) in fs.iter().enumerate() {
                wanted.entry(fix.id).or_default().push((k, f));
            }
        }
        // …looked up by every unlinked valid ID of the other side: one pass over it, without
        // building a table of it (it may be every person of a city).
        for (j, rec) in good.recs.iter().enumerate() {
            if used_good[j] {
                continue;
            }
            let Some(hits) =
                rec.id.valid().and_then(|t| <[u8; 18]>::try_from(t.as_bytes()).ok()).and_then(|t| wanted.get(&t))
            else {
                continue;
            };
            for &(k, f) in hits {
                let i = fixes[k].0;
                let (a, b) = match side {
                    Side::Left => (i, j),
                    Side::Right => (j, i),
                };
                let name = compare::levels(l.one(a), r.one(b)).name();
                if compare::names_agree(name) {
                    let (corrected, positions, transposed) = fixes[k].1[f].correction();
                    let repair = Repair { side, positions, transposed, corrected };
                    cands.push((compare::name_rank(name), a, b, repair));
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

/// A valid ID one edit away, the changed positions (1-based) and whether it was a
/// transposition.
pub(crate) type Correction = (String, Vec<usize>, bool);

/// A valid ID one edit away from an invalid one, as bytes (no allocation while searching).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fix {
    pub id: [u8; 18],
    /// The changed position (0-based; for a transposition, the first of the two).
    pos: u8,
    transposed: bool,
}

impl Fix {
    /// The correction as evidence shows it.
    pub fn correction(&self) -> Correction {
        let text = String::from_utf8_lossy(&self.id).into_owned();
        let p = usize::from(self.pos) + 1;
        let positions = if self.transposed { vec![p, p + 1] } else { vec![p] };
        (text, positions, self.transposed)
    }
}

/// Every valid ID one substitution or one adjacent transposition away from `text`, with
/// the changed positions (1-based) and whether it was a transposition. In a fixed order.
#[cfg(test)]
pub(crate) fn corrections(text: &str) -> Vec<Correction> {
    fixes(text).iter().map(Fix::correction).collect()
}

/// [`corrections`] as bytes. The check character is computed on the bytes; only the one in
/// eleven candidates that pass it have their date checked.
fn fixes(text: &str) -> Vec<Fix> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let Ok(base) = <[u8; 18]>::try_from(b) else {
        return out;
    };
    let mut push = |t: [u8; 18], pos: usize, transposed: bool| {
        if !check_ok(&t) {
            return;
        }
        let Ok(s) = std::str::from_utf8(&t) else { return };
        // Shaped and with a good check character: valid exactly when the date is real.
        if birth_of(s).is_some() {
            out.push(Fix { id: t, pos: pos as u8, transposed });
        }
    };
    for i in 0..18 {
        let alphabet: &[u8] = if i == 17 { b"0123456789X" } else { b"0123456789" };
        for &c in alphabet {
            if c != b[i] {
                let mut t = base;
                t[i] = c;
                push(t, i, false);
            }
        }
    }
    for i in 0..17 {
        if b[i] != b[i + 1] {
            let mut t = base;
            t.swap(i, i + 1);
            push(t, i, true);
        }
    }
    out
}

/// Whether the 18th character is the check character of the first 17 (all digits): the
/// same verdict as [`crate::normalize::id_number::check_char`], without building a string.
fn check_ok(t: &[u8; 18]) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let mut sum = 0u32;
    for (d, w) in t[..17].iter().zip(WEIGHTS) {
        if !d.is_ascii_digit() {
            return false;
        }
        sum += u32::from(d - b'0') * w;
    }
    CHECK[(sum % 11) as usize] == t[17]
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
        // The byte-level check agrees with check_char on every candidate.
        for (s, _, _) in &found {
            assert_eq!(check_char(&s[..17]).map(|c| c as u8), Some(s.as_bytes()[17]));
        }
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
