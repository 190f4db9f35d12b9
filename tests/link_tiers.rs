//! The link stage's tiers, one-to-one assignment, duplicates and evidence, on small cases
//! whose right answer is known.

use kcbx::link::{dedupe, link, Field, Level, LinkConfig, Method, ReviewReason, Side, SideLabels};
use kcbx::normalize::id_number::Sex;

use crate::link_data::{damaged, date, make_id, rec};

const SIDES: SideLabels<'static> = SideLabels { left: "清查表", right: "学籍" };

fn cfg() -> LinkConfig {
    LinkConfig::default()
}

/// Swaps two 1-based positions of an ID.
fn swapped(id: &str, p: usize) -> String {
    let mut b = id.as_bytes().to_vec();
    b.swap(p - 1, p);
    String::from_utf8(b).unwrap()
}

/// Replaces the digit at a 1-based position.
fn substituted(id: &str, p: usize, digit: u8) -> String {
    let mut b = id.as_bytes().to_vec();
    assert_ne!(b[p - 1], digit);
    b[p - 1] = digit;
    String::from_utf8(b).unwrap()
}

#[test]
fn exact_ids_link_and_duplicate_ids_go_to_the_best_name() {
    let id = make_id("500153", date(2012, 3, 4), 123);
    let other = make_id("500153", date(2011, 7, 9), 456);
    let left = vec![
        rec(&id, "刘阳", None, None, "昌元街道新峰村3社"),
        rec(&id, "刘洋", None, None, "昌元街道大南村1社"),
        rec(&other, "陈静", None, None, "荣隆镇石河村2社"),
    ];
    let right = vec![rec(&other, "陈静", None, None, ""), rec(&id, "刘洋", None, None, "昌元街道新峰村三社")];
    let out = link(&left, &right, &cfg());
    let pairs: Vec<(usize, usize, Method)> = out.links.iter().map(|l| (l.left, l.right, l.method)).collect();
    // The listing named exactly 刘洋 wins the shared ID; 刘阳 is left for later tiers and
    // finds nothing (the record is taken).
    assert_eq!(pairs, vec![(1, 1, Method::ExactId), (2, 0, Method::ExactId)]);
    assert_eq!(out.stats.exact_id, 2);
    assert_eq!(out.links[0].evidence(SIDES), "身份证号一致，姓名、出生日期、性别、镇街一致");
}

#[test]
fn transposition_on_the_right_is_repaired_and_the_right_side_named() {
    let good = make_id("500153", date(2012, 3, 4), 123);
    let bad = swapped(&good, 15); // positions 15 and 16: "12" → "21"
    let left = vec![rec(&good, "周子涵", None, None, "昌元街道新峰村3社")];
    let right = vec![rec(&bad, "周子涵", Some(date(2012, 3, 4)), Some(Sex::Male), "昌元街道新峰村3组")];
    let out = link(&left, &right, &cfg());
    assert_eq!(out.links.len(), 1);
    let l = &out.links[0];
    assert_eq!(l.method, Method::RepairedId);
    let r = l.repair.as_ref().unwrap();
    assert_eq!(r.side, Side::Right);
    assert_eq!(r.positions, vec![15, 16]);
    assert!(r.transposed);
    assert_eq!(r.corrected, good);
    assert_eq!(l.evidence(SIDES), "身份证号第15、16位颠倒（学籍录入有误），姓名、出生日期、性别、村社一致");
}

#[test]
fn substitution_on_the_left_is_repaired_with_a_homophone_name() {
    let good = make_id("500153", date(2012, 3, 4), 124);
    let bad = substituted(&good, 14, b'9'); // 20120304 → 20120309: a real date, a bad check
    let left = vec![rec(&bad, "张晓红", Some(date(2012, 3, 4)), Some(Sex::Female), "荣隆镇大南村2社")];
    let right = vec![rec(&good, "张小红", None, None, "荣隆镇大南村2社")];
    let out = link(&left, &right, &cfg());
    let l = &out.links[0];
    assert_eq!(l.method, Method::RepairedId);
    let r = l.repair.as_ref().unwrap();
    assert_eq!((r.side, r.positions.clone(), r.transposed), (Side::Left, vec![14], false));
    assert_eq!(
        l.evidence(SIDES),
        "身份证号第14位不一致（清查表录入有误），姓名同音（晓/小），出生日期、性别、村社一致"
    );
}

#[test]
fn a_one_edit_id_with_names_that_disagree_is_not_repaired() {
    let good = make_id("500153", date(2012, 3, 4), 124);
    let bad = substituted(&good, 16, b'7');
    let left = vec![rec(&bad, "张晓红", None, None, "荣隆镇大南村2社")];
    let right = vec![rec(&good, "王明", None, None, "铜鼓镇高桥村5社")];
    let out = link(&left, &right, &cfg());
    assert!(out.links.is_empty());
    assert_eq!(out.stats.repaired_id, 0);
}

#[test]
fn homophone_two_character_name_links_by_birth_date_and_address() {
    let id = make_id("500153", date(2013, 6, 1), 222);
    let left = vec![rec("", "王晓", Some(date(2013, 6, 1)), Some(Sex::Female), "荣隆镇大南村3社")];
    let right = vec![rec(&id, "王小", None, None, "重庆市荣昌区荣隆镇大南村三组")];
    let out = link(&left, &right, &cfg());
    assert_eq!(out.links.len(), 1);
    let l = &out.links[0];
    assert_eq!(l.method, Method::Fuzzy);
    assert_eq!(l.comparison.level(Field::Name), Level::NameHomophone);
    assert_eq!(l.score, 6.0 + 7.0 + 1.0 + 4.0);
    assert_eq!(l.evidence(SIDES), "清查表身份证号缺失；姓名同音（晓/小），出生日期、性别、村社一致");
}

#[test]
fn near_sound_and_inner_spaces() {
    let id = make_id("500153", date(2010, 11, 20), 342);
    let left = vec![rec("", "李  玲", Some(date(2010, 11, 20)), None, "吴家镇石河村4社")];
    let right = vec![rec(&id, "李琳", None, None, "吴家镇石河村")];
    let out = link(&left, &right, &cfg());
    assert_eq!(out.links.len(), 1);
    assert_eq!(out.links[0].comparison.level(Field::Name), Level::NameNearSound);
    assert_eq!(out.links[0].evidence(SIDES), "清查表身份证号缺失；姓名近音（玲/琳），出生日期、村一致");
}

#[test]
fn damaged_ids_are_never_compared() {
    let id = make_id("500153", date(2011, 2, 3), 555);
    let mut l = rec("", "刘洋", Some(date(2011, 2, 3)), Some(Sex::Male), "仁义镇玉屏村1社");
    l.id = damaged();
    let right = vec![rec(&id, "刘洋", None, None, "仁义镇玉屏村1社")];
    let out = link(&[l], &right, &cfg());
    assert_eq!(out.links[0].method, Method::Fuzzy);
    assert_eq!(out.links[0].comparison.level(Field::Id), Level::IdMissing);
    assert_eq!(out.links[0].evidence(SIDES), "清查表身份证号损坏（数字格式丢失末位）；姓名、出生日期、性别、村社一致");
}

#[test]
fn two_children_wanting_one_record_the_better_score_wins() {
    let b = Some(date(2011, 1, 2));
    let left = vec![
        rec("", "张玮", b, Some(Sex::Male), "昌元街道新峰村3社"),
        rec("", "张伟", b, Some(Sex::Male), "昌元街道新峰村3社"),
    ];
    let right = vec![rec("", "张伟", b, Some(Sex::Male), "昌元街道新峰村3社")];
    let out = link(&left, &right, &cfg());
    assert_eq!(out.links.len(), 1);
    assert_eq!((out.links[0].left, out.links[0].right), (1, 0));
    assert_eq!(out.links[0].score, 8.0 + 7.0 + 1.0 + 4.0);
    // The loser is not offered the taken record for review.
    assert!(out.reviews.is_empty());
}

#[test]
fn a_tie_becomes_a_review_and_links_nothing() {
    let b = Some(date(2011, 1, 2));
    let one = rec("", "张伟", b, Some(Sex::Male), "昌元街道新峰村3社");
    let left = vec![one.clone(), one.clone()];
    let right = vec![one];
    let out = link(&left, &right, &cfg());
    assert!(out.links.is_empty());
    assert_eq!(out.stats.ties, 2);
    let reviews: Vec<(usize, usize, ReviewReason)> = out.reviews.iter().map(|r| (r.left, r.right, r.reason)).collect();
    assert_eq!(reviews, vec![(0, 0, ReviewReason::Tie), (1, 0, ReviewReason::Tie)]);
    assert_eq!(
        out.reviews[0].evidence(SIDES),
        "清查表和学籍的身份证号都缺失，无法按号码核对；姓名、出生日期、性别、村社一致；另有同分候选，无法自动判定"
    );
}

#[test]
fn two_different_valid_ids_are_never_linked() {
    let b = date(2012, 8, 8);
    let left = vec![rec(&make_id("500153", b, 301), "赵敏", None, None, "盘龙镇黄桷村6社")];
    let right = vec![rec(&make_id("500153", b, 303), "赵敏", None, None, "盘龙镇黄桷村6社")];
    let out = link(&left, &right, &cfg());
    assert!(out.links.is_empty());
    assert_eq!(out.reviews.len(), 1);
    assert_eq!(out.reviews[0].reason, ReviewReason::DifferentValidIds);
    assert_eq!(out.reviews[0].score, -12.0 + 8.0 + 7.0 + 1.0 + 4.0);
    // Not even when the thresholds would let anything through.
    let loose = LinkConfig { accept: 0.5, review: -100.0, ..LinkConfig::default() };
    let out = link(&left, &right, &loose);
    assert!(out.links.is_empty());
    assert_eq!(out.reviews[0].evidence(SIDES), "身份证号不同（双方均为有效号码）；姓名、出生日期、性别、村社一致");
}

#[test]
fn twins_are_told_apart() {
    let b = date(2012, 5, 5);
    let (id_a, id_b) = (make_id("500153", b, 122), make_id("500153", b, 124));
    let addr = "观胜镇双龙村2社";
    // Both twins in school, neither with an ID in the census: each finds their own record.
    let left =
        vec![rec("", "张晓红", Some(b), Some(Sex::Female), addr), rec("", "张晓丽", Some(b), Some(Sex::Female), addr)];
    let right = vec![rec(&id_b, "张晓丽", None, None, addr), rec(&id_a, "张晓红", None, None, addr)];
    let out = link(&left, &right, &cfg());
    let pairs: Vec<(usize, usize)> = out.links.iter().map(|l| (l.left, l.right)).collect();
    assert_eq!(pairs, vec![(0, 1), (1, 0)]);
    // Only one twin in school: the other is not linked to her sister's record.
    let out = link(&left[1..], &right[1..], &cfg());
    assert!(out.links.is_empty());
    assert_eq!(out.reviews.len(), 1);
    assert_eq!(out.reviews[0].reason, ReviewReason::BelowAccept);
    assert_eq!(out.reviews[0].score, -3.0 + 7.0 + 1.0 + 4.0);
    assert_eq!(out.reviews[0].evidence(SIDES), "清查表身份证号缺失；姓名一字不同（丽/红），出生日期、性别、村社一致");
}

#[test]
fn below_review_nothing_is_reported() {
    let left = vec![rec("", "张伟", Some(date(2011, 1, 2)), Some(Sex::Male), "昌元街道新峰村3社")];
    let right = vec![rec("", "李娜", Some(date(2011, 1, 2)), Some(Sex::Female), "昌元街道新峰村3社")];
    let out = link(&left, &right, &cfg());
    assert!(out.links.is_empty() && out.reviews.is_empty());
    assert_eq!(out.stats.candidate_pairs, 1);
}

#[test]
fn duplicates_within_the_census() {
    let b1 = date(2009, 12, 1);
    let b2 = date(2010, 4, 17);
    let b3 = date(2011, 9, 9);
    let a = make_id("500153", b1, 111);
    let c = make_id("500153", b2, 222);
    let census = vec![
        rec(&a, "周杰", None, None, "清江镇新峰村3社"), // 0: listed in the village of registration
        rec("", "何雨", Some(b3), Some(Sex::Female), "清江镇高桥村1社"), // 1: twin, no ID
        rec(&c, "黄俊", None, None, "河包镇石河村1社"), // 2
        rec(&a, "周杰", None, None, "清江镇大南村5社"), // 3: …and of residence
        rec("", "黄  俊", Some(b2), Some(Sex::Male), "河包镇金鹅村2社"), // 4: again, without ID
        rec("", "何雪", Some(b3), Some(Sex::Female), "清江镇高桥村1社"), // 5: the other twin
        rec(&make_id("500153", b2, 224), "黄俊", None, None, "河包镇石河村1社"), // 6: another 黄俊
    ];
    let d = dedupe(&census, &cfg());
    let members: Vec<Vec<usize>> = d.iter().map(|c| c.members.clone()).collect();
    assert_eq!(members, vec![vec![0, 3], vec![1], vec![2, 4], vec![5], vec![6]]);
    assert_eq!(d[0].pairs[0].method, Method::ExactId);
    assert_eq!(d[0].evidence, None);
    assert_eq!(d[2].pairs[0].method, Method::Fuzzy);
    assert_eq!(d[2].evidence.as_deref(), Some("第1条与第2条：第2条身份证号缺失；性别不同，姓名、出生日期、镇街一致"));
    assert_eq!(kcbx::link::person_keys(&d, 7), vec![0, 1, 2, 0, 2, 5, 6]);
    let reviews: Vec<_> = d.iter().flat_map(|c| c.reviews.iter()).collect();
    // 4 is as close to 6 (another 黄俊 with another valid ID) as to 2: it joins the first,
    // and 2 and 6 (two different valid IDs) are never merged through it.
    assert!(reviews.iter().any(|r| (r.left, r.right, r.reason) == (4, 6, ReviewReason::Conflict)));
    assert_eq!(d[0].pairs[0].comparison.level(Field::Address), Level::AddressSameTown);
    // The twins are a review, not a cluster.
    assert!(reviews.iter().any(|r| (r.left, r.right, r.reason) == (1, 5, ReviewReason::BelowAccept)));
}

#[test]
fn the_same_result_with_one_thread_or_many() {
    let pop = crate::link_data::population(1500, 7);
    let many = link(&pop.census, &pop.enrolled, &cfg());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let one = pool.install(|| link(&pop.census, &pop.enrolled, &cfg()));
    assert_eq!(many, one);
    assert!(many.stats.fuzzy > 0 && many.stats.repaired_id > 0);
}

#[test]
fn weights_from_toml_change_the_outcome_and_the_model() {
    // With name_one_char raised, the twins of `twins_are_told_apart` would link: the
    // weights really are read.
    let cfg: LinkConfig = toml::from_str("review = 2.0\n[weights]\nname_one_char = 2.0\n").unwrap();
    cfg.validate().unwrap();
    let b = date(2012, 5, 5);
    let left = vec![rec("", "张晓丽", Some(b), Some(Sex::Female), "观胜镇双龙村2社")];
    let right = vec![rec(&make_id("500153", b, 122), "张晓红", None, None, "观胜镇双龙村2社")];
    let out = link(&left, &right, &cfg);
    assert_eq!(out.links.len(), 1);
    let json = serde_json::to_value(cfg.model()).unwrap();
    let levels = json["fields"][1]["levels"].as_array().unwrap();
    let one_char = levels.iter().find(|l| l["level"] == "name_one_char").unwrap();
    assert_eq!(one_char["weight"], 2.0);
    assert_eq!(json["review"], 2.0);
}

#[test]
fn namesakes_born_the_same_day_are_kept_apart_by_their_ids() {
    // Two boys named alike, born the same day, in two towns; the second listing's ID has a
    // typo (one edit from its own true ID, three from the first boy's).
    let b = date(2014, 7, 25);
    let first = make_id("500153", b, 441);
    let second_true = make_id("500153", b, 53);
    let second_typo = substituted(&second_true, 16, if second_true.as_bytes()[15] == b'8' { b'1' } else { b'8' });
    let census = vec![
        rec(&first, "曹博锦", None, None, "昌州街道石河社区5组"),
        rec(&second_typo, "曹博锦", Some(b), Some(Sex::Male), "清升镇桥亭村1社"),
    ];
    let d = dedupe(&census, &cfg());
    assert_eq!(d.len(), 2, "two people, not one listed twice");
    assert_eq!(d[0].reviews[0].comparison.level(Field::Id), Level::IdDifferent);
    // Against a 学籍 holding only the first boy, the second is not linked to him.
    let right = vec![rec(&first, "曹博锦", None, None, "昌州街道石河社区5组")];
    let out = link(&census[1..], &right, &cfg());
    assert!(out.links.is_empty());
}
