//! Older youths of the sample world (issue 13): people past the clearance window whom the
//! 大清理 still concerns, added after the rest of the world is drawn (from a stream of their
//! own, so the other children of a seed stay as they were).
//!
//! - Poverty-register youths born 2000–2002 who completed junior school before the 学籍
//!   records begin: no 学籍 row at all, 在校生状况 mostly 非在校生, 文化程度 written for some
//!   (初中, 高中, 中专) and blank for others ([`education`]).
//! - Youths born before the census window who dropped out of a district junior school since
//!   2015 and never came back, known only to 学籍: in no census sheet, on no list.
//! - A few poverty-register youths who dropped out, whose 学籍 rows carry a mistyped ID (and
//!   for some also a homophone name), and a few of the 学籍-only dropouts with a mistyped ID
//!   or a homophone name.
//!
//! What the register writes as 文化程度 is decided here for every child on it ([`education`]),
//! so that the truth can read the same fact the files show.

use std::collections::HashSet;

use chrono::Duration;

use super::names;
use super::rng::Rng;
use super::world::{
    self, cohort, grade_at, grade_now, make_id, new_child, random_date, typo, ymd, Born, Child, District, Event, Fault,
    Home, Scenario,
};

const DROP_KINDS: &[&str] = &["辍学", "辍学", "辍学", "辍学", "辍学", "辍学", "辍学", "退学", "退学", "其他离校"];
const DROP_REASONS: &[&str] = &["厌学", "外出务工", "家庭困难", "随父母外出", "身体原因", "学习困难"];

/// Adds the older youths to a district.
pub fn add_older_youths(d: &mut District) {
    let mut rng = Rng::derive(d.seed, 13_013);
    let mut used: HashSet<String> = d.children.iter().map(|c| c.id.clone()).collect();
    let households = d.households.len();
    // Poverty households: an elder child who finished before the records begin (≈30%), and
    // a few whose elder child dropped out with a mistyped 学籍 ID.
    let poor: Vec<usize> = (0..households).filter(|&h| d.households[h].poverty).collect();
    let mut typo_dropouts = (poor.len() / 150).max(2);
    let mut chosen = 0usize;
    for &h in &poor {
        if !rng.chance(0.3) {
            continue;
        }
        chosen += 1;
        let dropout = typo_dropouts > 0 && chosen % 20 == 7;
        let birth = if dropout {
            random_date(&mut rng, ymd(2000, 9, 1), ymd(2002, 8, 31))
        } else {
            random_date(&mut rng, ymd(2000, 1, 1), ymd(2002, 8, 31))
        };
        let mut c = youth(d, h, birth, &mut used, &mut rng);
        c.poverty_status = Some(if rng.chance(0.9) { "非在校生" } else { rng.pick_str(&["高中", "中职"]) });
        if dropout {
            typo_dropouts -= 1;
            c.scenario = Scenario::YouthDropoutPovertyTypo;
            c.poverty_status = Some("非在校生");
            drop_out(d, &mut c, &mut rng);
            let (bad, note) = typo(&c.id, rng.chance(0.3), &mut rng);
            c.record_id = bad.clone();
            c.student_no = format!("G{bad}");
            c.fault = Some(Fault::RecordTypo { transpose: note.contains("对调"), note });
            // Some of them under a homophone name in 学籍 too.
            if rng.chance(0.5) {
                if let Some((variant, _)) = names::swap_char(&c.name, c.surname_len, names::HOMOPHONES, &mut rng) {
                    c.record_name = variant;
                }
            }
        } else {
            c.scenario = Scenario::YouthCompletedNoRecord;
        }
        d.children.push(c);
    }
    // 学籍-only dropouts: households that are not poor, about one in 150.
    let others: Vec<usize> = (0..households).filter(|&h| !d.households[h].poverty).collect();
    let want = (others.len() / 150).max(4);
    for k in 0..want {
        let h = others[rng.below(others.len())];
        let birth = random_date(&mut rng, ymd(2000, 9, 1), ymd(2004, 8, 31));
        let mut c = youth(d, h, birth, &mut used, &mut rng);
        c.scenario = Scenario::YouthDropoutRecordOnly;
        drop_out(d, &mut c, &mut rng);
        // One in twelve with a mistyped ID, one in twelve under a homophone name.
        match k % 12 {
            5 => {
                let (bad, note) = typo(&c.id, k % 24 == 5, &mut rng);
                c.record_id = bad.clone();
                c.student_no = format!("G{bad}");
                c.fault = Some(Fault::RecordTypo { transpose: note.contains("对调"), note });
            }
            11 => {
                if let Some((variant, note)) = names::swap_char(&c.name, c.surname_len, names::HOMOPHONES, &mut rng) {
                    c.record_name = variant;
                    c.fault = Some(Fault::NameVariant { lookalike: false, census_side: false, note });
                }
            }
            _ => {}
        }
        d.children.push(c);
    }
}

/// An elder child of a household, in no census sheet.
fn youth(d: &District, h: usize, birth: chrono::NaiveDate, used: &mut HashSet<String>, rng: &mut Rng) -> Child {
    let hh = &d.households[h];
    let male = rng.chance(0.52);
    let siblings: Vec<&str> = d.children.iter().filter(|c| c.household() == Some(h)).map(|c| c.name.as_str()).collect();
    let name = loop {
        let n = format!("{}{}", hh.surname, names::child_given(rng, male));
        if !siblings.contains(&n.as_str()) {
            break n;
        }
    };
    let relation = match (hh.head_is_grandparent, male) {
        (false, true) => "子",
        (false, false) => "女",
        (true, true) => "孙子",
        (true, false) => "孙女",
    };
    let id = make_id(&d.area, birth, male, used, rng);
    let born = Born {
        id,
        name,
        surname_len: hh.surname.chars().count(),
        male,
        birth,
        home: Home::Local(h),
        relation,
        twin: false,
    };
    let mut c = new_child(born, rng);
    c.listed = false;
    c.claim = String::new();
    c
}

/// A 辍学 / 退学 / 其他离校 row at a junior school since 2015 and nothing after it; for some,
/// the primary school's 毕业 row before it.
fn drop_out(d: &District, c: &mut Child, rng: &mut Rng) {
    let y = cohort(c.birth);
    let lo = ymd(y + 12, 10, 1).max(ymd(2015, 1, 5));
    let hi = ymd(y + 15, 6, 30).min(ymd(2019, 12, 20));
    let date = random_date(rng, lo, hi.max(lo + Duration::days(1)));
    let grade = grade_at(c.birth, date).clamp(7, 9);
    let school = world::local_junior(d, c, rng);
    let grad = ymd(y + 12, 7, 1);
    if grad >= world::dropout_since() && rng.chance(0.5) {
        let p = world::local_primary(d, c, rng);
        c.events.push(Event { school: p, grade: 6, kind: "毕业", date: grad, reason: "" });
    }
    let kind = rng.pick_str(DROP_KINDS);
    c.events.push(Event { school, grade, kind, date, reason: rng.pick_str(DROP_REASONS) });
}

/// 文化程度 as the poverty register writes it for a child on it (empty: not filled in).
/// Decided from the child's state and ID digits, so that it needs no random draw.
pub fn education(c: &Child) -> &'static str {
    use Scenario::*;
    let digit = c.id.as_bytes()[14] - b'0';
    match c.scenario {
        // Finished junior school before the 学籍 records begin: written for most.
        YouthCompletedNoRecord | OverAgeNoRecordPoverty => match digit {
            0..=3 => "",
            4..=7 => "初中",
            8 => "高中",
            _ => "中专",
        },
        // Left during junior school: the register often says 初中 all the same.
        DropoutOverAge | YouthDropoutPovertyTypo | DropoutInWindow | PrimaryGradNoJunior => {
            if digit.is_multiple_of(2) {
                "初中"
            } else {
                "小学"
            }
        }
        OverAgeGraduated | DropoutReturnedGraduated => {
            if digit < 3 {
                ""
            } else {
                "初中"
            }
        }
        _ => match c.poverty_status {
            Some("学前教育" | "学龄前儿童") => "学龄前",
            Some("小学") => "小学",
            Some("初中") => "初中",
            _ if grade_now(c.birth) <= 6 => "小学",
            _ => "初中",
        },
    }
}

/// Whether a 文化程度 text says compulsory education was completed (初中 and above).
pub fn completed_by_education(text: &str) -> bool {
    ["初中", "高中", "中专", "中职", "大专", "本科"].iter().any(|k| text.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn every_district_gets_each_kind_of_older_youth() {
        let d = world::build_district(1, 0, super::super::Scale::Small);
        let count = |s: Scenario| d.children.iter().filter(|c| c.scenario == s).count();
        assert!(count(Scenario::YouthCompletedNoRecord) >= 10);
        assert!(count(Scenario::YouthDropoutRecordOnly) >= 4);
        assert!(count(Scenario::YouthDropoutPovertyTypo) >= 1);
        for c in d.children.iter().filter(|c| c.scenario == Scenario::YouthDropoutRecordOnly) {
            assert!(!c.listed && c.poverty_status.is_none() && c.birth < world::birth_from());
            assert!(c.events.iter().any(|e| e.date >= world::dropout_since() && e.kind != "毕业"));
            assert!(c.birth.year() >= 2000);
        }
        assert!(d
            .children
            .iter()
            .filter(|c| c.scenario == Scenario::YouthCompletedNoRecord)
            .all(|c| !c.has_record() && c.poverty_status.is_some()));
    }
}
