//! What the files get wrong about a child: duplicate listings in two villages, mistyped and
//! transposed ID digits, missing or damaged IDs, and the faults of the other lists.
//! The truth ([`super::Child`]) is left as it is; only what a file says is spoiled.
//!
//! Pipeline position: the last step of [`super::build_district`].

use super::*;

/// Some families live in another village than that of their household registration; the
/// census lists their children in both.
pub(super) fn assign_duplicates(d: &mut District, rng: &mut Rng) {
    let listed = d.children.iter().filter(|c| c.listed).count();
    let want = (listed / 100).max(4);
    let mut idx: Vec<usize> = (0..d.children.len()).collect();
    rng.shuffle(&mut idx);
    let mut got = 0;
    for i in idx {
        if got == want {
            break;
        }
        let c = &d.children[i];
        if !c.listed
            || c.twin
            || !matches!(c.scenario, Scenario::Enrolled | Scenario::OverAgeGraduated | Scenario::Preschool)
        {
            continue;
        }
        let h = c.household().expect("listed children are local");
        if d.households[h].lives_in.is_some() {
            continue;
        }
        // Another village, usually in the same town.
        let (town, village) = if rng.chance(0.7) || d.towns.len() == 1 {
            let t = d.households[h].town;
            let nv = d.towns[t].villages.len();
            (t, (d.households[h].village + 1 + rng.below(nv - 1)) % nv)
        } else {
            let t = (d.households[h].town + 1 + rng.below(d.towns.len() - 1)) % d.towns.len();
            (t, rng.below(d.towns[t].villages.len()))
        };
        let group = 1 + rng.below(d.towns[town].villages[village].groups as usize) as u32;
        d.households[h].lives_in = Some((town, village, group));
        d.children[i].duplicate = Some((town, village, group));
        got += 1;
    }
}

/// Substitutes one digit (positions 7..=17, never the check character's own slot) or swaps
/// two adjacent different digits; retries until the result is not a valid ID.
pub fn typo(id: &str, transpose: bool, rng: &mut Rng) -> (String, String) {
    loop {
        let mut b: Vec<u8> = id.bytes().collect();
        let note;
        if transpose {
            let i = 6 + rng.below(11);
            if b[i] == b[i + 1] || !b[i + 1].is_ascii_digit() {
                continue;
            }
            b.swap(i, i + 1);
            note = format!("第{}、{}位对调", i + 1, i + 2);
        } else {
            let i = 6 + rng.below(11);
            let old = b[i];
            let new = b'0' + rng.below(10) as u8;
            if new == old {
                continue;
            }
            b[i] = new;
            note = format!("第{}位 {}→{}", i + 1, old as char, new as char);
        }
        let s = String::from_utf8(b).expect("ASCII");
        if crate::normalize::id_number::parse(&s).valid().is_none() {
            return (s, note);
        }
    }
}

pub(super) fn assign_faults(d: &mut District, rng: &mut Rng) {
    use Scenario::*;
    let listed = d.children.iter().filter(|c| c.listed).count();
    let mut idx: Vec<usize> = (0..d.children.len()).collect();
    rng.shuffle(&mut idx);
    // (kind id, rate of listed children, minimum)
    // Typos ≈2.5% of children (census 1.5%, 学籍 1.0%); no usable ID ≈1% (census blank 0.6%,
    // J number 0.4%); damaged numeric cells 0.4%; name variants 1.3%.
    let plan: &[(u8, f64, usize)] = &[
        (0, 0.01, 4),
        (1, 0.005, 3),
        (2, 0.007, 3),
        (3, 0.003, 2),
        (4, 0.004, 3),
        (5, 0.006, 3),
        (6, 0.004, 2),
        (7, 0.01, 3),
        (8, 0.003, 2),
    ];
    let mut cursor = 0;
    for &(kind, rate, min) in plan {
        let want = ((listed as f64 * rate).round() as usize).max(min);
        let mut got = 0;
        let mut tries = 0;
        while got < want && tries < idx.len() * 2 {
            let i = idx[cursor % idx.len()];
            cursor += 1;
            tries += 1;
            let c = &d.children[i];
            if !c.listed || c.twin || c.duplicate.is_some() || c.fault.is_some() {
                continue;
            }
            if matches!(
                c.scenario,
                DeadCensus | DeadRecord | CensusMissed | PovertyOnlyEnrolled | PovertyOnlyNotEnrolled | Outsider
            ) {
                continue;
            }
            let needs_record = matches!(kind, 2 | 3 | 6 | 7 | 8);
            if needs_record && !c.has_record() {
                continue;
            }
            if kind == 6 && c.current.is_none() {
                continue;
            }
            // Only an all-digit ID can have been typed into a numeric cell.
            if kind == 4 && c.id.ends_with('X') {
                continue;
            }
            let c = &mut d.children[i];
            let fault = match kind {
                0 | 1 => {
                    let (bad, note) = typo(&c.id, kind == 1, rng);
                    Fault::CensusTypo { transpose: kind == 1, bad, note }
                }
                2 | 3 => {
                    let (bad, note) = typo(&c.id, kind == 3, rng);
                    c.record_id = bad.clone();
                    c.student_no = format!("G{bad}");
                    Fault::RecordTypo { transpose: kind == 3, note }
                }
                4 => Fault::CensusNumeric,
                5 => Fault::CensusMissing,
                6 => {
                    c.record_id = String::new();
                    c.student_no = format!("J{}{}{:04}", &c.id[..6], c.birth.format("%Y%m%d"), rng.below(10_000));
                    Fault::RecordJ
                }
                _ => {
                    let lookalike = kind == 8;
                    let pairs = if lookalike { names::LOOKALIKES } else { names::HOMOPHONES };
                    let Some((variant, note)) = names::swap_char(&c.name, c.surname_len, pairs, rng) else {
                        continue;
                    };
                    let census_side = rng.chance(0.5);
                    if census_side {
                        // The census has the variant; the 学籍 keeps the registered name.
                        c.record_name = c.name.clone();
                        c.name = variant;
                    } else {
                        c.record_name = variant;
                    }
                    Fault::NameVariant { lookalike, census_side, note }
                }
            };
            c.fault = Some(fault);
            got += 1;
        }
    }
}

/// IDs mistyped on the other lists (issue 4: the side whose check fails is the mistyped one,
/// and gets an id_invalid case): the poverty register, the disability list, the 送教上门
/// roster and the 缓学/免学 approvals, each for ≈2% of the listed children on it (at least
/// two); and the 学籍 of children the census missed but the poverty register knows.
/// Drawn after everything else, so the rest of the world is that of the same seed without
/// them.
pub(super) fn assign_list_faults(d: &mut District, rng: &mut Rng) {
    use Scenario::*;
    /// Whether a child is on a list (and may have its ID mistyped there).
    type OnList = fn(&Child) -> bool;
    let lists: [(List, OnList); 4] = [
        // Not a child whose 证件号码 there is a 20-digit 残疾人证号 (see render::poverty).
        (List::Poverty, |c| c.poverty_status.is_some() && !(c.on_disability_list && c.id.as_bytes()[13] % 5 < 3)),
        (List::Disability, |c| c.on_disability_list),
        (List::HomeTeaching, |c| !c.visits.is_empty()),
        (List::Exemption, |c| !c.exemptions.is_empty()),
    ];
    let mut idx: Vec<usize> = (0..d.children.len()).collect();
    rng.shuffle(&mut idx);
    for (list, on) in lists {
        let eligible: Vec<usize> = idx
            .iter()
            .copied()
            .filter(|&i| {
                let c = &d.children[i];
                c.listed && !c.twin && c.duplicate.is_none() && c.fault.is_none() && on(c)
            })
            .collect();
        let want = ((eligible.len() as f64 * 0.02).round() as usize).max(2);
        for &i in eligible.iter().take(want) {
            let transpose = rng.chance(0.3);
            let c = &mut d.children[i];
            let (bad, note) = typo(&c.id, transpose, rng);
            c.fault = Some(Fault::ListTypo { list, transpose, bad, note });
        }
    }
    // A 学籍 typo of a child known only to the poverty register.
    let missed: Vec<usize> = idx
        .iter()
        .copied()
        .filter(|&i| {
            let c = &d.children[i];
            c.scenario == PovertyOnlyEnrolled && c.fault.is_none() && c.current.is_some() && !c.twin
        })
        .collect();
    for &i in missed.iter().take(1) {
        let transpose = rng.chance(0.5);
        let c = &mut d.children[i];
        let (bad, note) = typo(&c.id, transpose, rng);
        c.record_id = bad.clone();
        c.student_no = format!("G{bad}");
        c.fault = Some(Fault::RecordTypo { transpose, note });
    }
}
