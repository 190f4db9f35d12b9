//! Linkage quality on a synthetic population with known truth (see `link_data`): link
//! precision and recall, not_enrolled precision and recall (a census person — a dedupe
//! cluster or a single listing — with no link), ID typos repaired, duplicates found.
//! The bars are issue 4's: not_enrolled recall >= 0.995 and precision >= 0.98, and every
//! injected ID typo repaired or flagged.

use kcbx::link::{LinkConfig, Method};

use crate::link_data::{evaluate, population, Quality};

fn report(label: &str, q: &Quality) {
    // Synthetic data only: counts, no records.
    eprintln!(
        "{label}: links {} (precision {:.4}, recall {:.4}); not_enrolled TP {} FP {} FN {} \
         (precision {:.4}, recall {:.4}); typos {} repaired {} unflagged {}; duplicates {} found {} wrong {}; reviews {}",
        q.links,
        q.link_precision(),
        q.link_recall(),
        q.ne_tp,
        q.ne_fp,
        q.ne_fn,
        q.ne_precision(),
        q.ne_recall(),
        q.typos,
        q.typos_repaired,
        q.typos_unflagged,
        q.dup_true,
        q.dup_found,
        q.dup_wrong,
        q.reviews
    );
}

fn check(q: &Quality) {
    assert!(q.link_precision() >= 0.998, "link precision {:.4}", q.link_precision());
    assert!(q.link_recall() >= 0.99, "link recall {:.4}", q.link_recall());
    assert!(q.ne_recall() >= 0.995, "not_enrolled recall {:.4}", q.ne_recall());
    assert!(q.ne_precision() >= 0.98, "not_enrolled precision {:.4}", q.ne_precision());
    assert!(q.typos > 0 && q.typos_unflagged == 0, "typos neither repaired nor flagged: {}", q.typos_unflagged);
    // Most typos can be repaired (the rest are on children absent from the other side).
    assert!(q.typos_repaired * 100 >= q.typos * 85, "typos repaired {} of {}", q.typos_repaired, q.typos);
    assert_eq!(q.dup_wrong, 0, "duplicate clusters joining different children");
    assert!(q.dup_found * 100 >= q.dup_true * 95, "duplicates found {} of {}", q.dup_found, q.dup_true);
}

#[test]
fn synthetic_population_meets_the_bar() {
    for seed in [1, 2] {
        let pop = population(4000, seed);
        let (q, linkage) = evaluate(&pop, &LinkConfig::default());
        report(&format!("seed {seed}, {} census rows", pop.census.len()), &q);
        check(&q);
        // Every tier did some of the work.
        assert!(linkage.links.iter().any(|l| l.method == Method::ExactId));
        assert!(linkage.links.iter().any(|l| l.method == Method::RepairedId));
        assert!(linkage.links.iter().any(|l| l.method == Method::Fuzzy));
    }
}

/// District scale (≈60,000 census rows). Slow in a debug build: run with
/// `cargo test --release district_scale -- --ignored --nocapture`.
#[test]
#[ignore]
fn district_scale() {
    let pop = population(58_000, 2020);
    let (q, linkage) = evaluate(&pop, &LinkConfig::default());
    report(&format!("district, {} census rows, {} 学籍 rows", pop.census.len(), pop.enrolled.len()), &q);
    eprintln!("{:?}", linkage.stats);
    check(&q);
}
