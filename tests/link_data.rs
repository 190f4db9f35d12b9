//! Test data for the link stage: record builders, and a seeded synthetic population of
//! children listed in a census and in 学籍 with known truth and injected faults (ID typos
//! on either side, missing and damaged IDs, homophone / near-sound / look-alike name
//! characters, inner spaces, address variants, moves, duplicate listings, twins, children
//! the census missed and children not enrolled).

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use kcbx::link::LinkRec;
use kcbx::normalize::id_number::{self, check_char, IdNumber, Sex};
use kcbx::normalize::{address, name};

/// A valid ID from area, birth date and 3-digit sequence.
pub fn make_id(area: &str, birth: NaiveDate, seq: u32) -> String {
    let first17 = format!("{area}{}{seq:03}", birth.format("%Y%m%d"));
    format!("{first17}{}", check_char(&first17).unwrap())
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A record built from raw strings, the way a caller would: ID parsed, name normalised,
/// address parsed; birth from the valid ID, else the given date, else a bad-check date.
pub fn rec(id: &str, name_raw: &str, birth: Option<NaiveDate>, sex: Option<Sex>, addr: &str) -> LinkRec {
    let id = id_number::parse(id);
    let birth = if id.is_valid() { id.birth() } else { birth.or_else(|| id.birth()) };
    let sex = sex.or_else(|| id.sex());
    let a = address::parse(addr);
    LinkRec { id, name: name::normalize(name_raw).into(), birth, sex, town: a.town, village: a.village, group: a.group }
}

/// A damaged ID (a float that lost its last digits).
pub fn damaged() -> IdNumber {
    IdNumber::damaged(None)
}

/// splitmix64: a small deterministic generator, so the population is the same every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability p.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const SURNAMES: &[&str] = &[
    "张", "张", "张", "王", "王", "王", "李", "李", "李", "刘", "刘", "陈", "陈", "杨", "杨", "黄", "赵", "周", "吴",
    "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "邓", "曾",
    "彭", "蒋", "蔡", "余", "杜", "夏", "钟", "田", "任", "姜", "石", "谭", "廖", "熊", "龙", "雷",
];

const GIVEN: &[&str] = &[
    "子", "梓", "浩", "宇", "轩", "涵", "欣", "怡", "雨", "思", "佳", "俊", "杰", "晓", "红", "玲", "伟", "婷", "静",
    "丽", "燕", "涛", "明", "华", "军", "平", "强", "勇", "磊", "洋", "鹏", "辉", "建", "国", "文", "博", "睿", "泽",
    "铭", "晨", "阳", "一", "诺", "可", "雪", "梦", "瑶", "琪", "颖", "嘉", "乐", "天", "航", "凯", "家", "豪", "鑫",
    "娜", "敏", "霞", "芳", "兰", "萍", "春", "东", "志", "成", "新", "永", "海", "云", "飞", "凤", "玉", "秀", "英",
    "慧", "丹", "倩", "蕾", "悦", "妍", "彤", "菲", "晴", "冰",
];

/// Same reading.
const HOMOPHONES: &[(&str, &str)] = &[
    ("晓", "小"),
    ("红", "宏"),
    ("伟", "玮"),
    ("婷", "亭"),
    ("静", "婧"),
    ("丽", "莉"),
    ("燕", "艳"),
    ("涛", "韬"),
    ("明", "鸣"),
    ("杰", "洁"),
    ("宇", "雨"),
    ("欣", "馨"),
    ("俊", "骏"),
    ("浩", "昊"),
    ("怡", "宜"),
    ("佳", "家"),
    ("琪", "琦"),
    ("瑶", "遥"),
    ("凯", "恺"),
    ("华", "桦"),
    ("军", "君"),
    ("磊", "垒"),
    ("辉", "晖"),
    ("建", "健"),
    ("晨", "辰"),
    ("雪", "学"),
    ("梦", "孟"),
    ("颖", "影"),
];
/// Near sounds (l/n, in/ing, en/eng, s/sh…).
const NEAR: &[(&str, &str)] = &[("玲", "琳"), ("婷", "亭"), ("晴", "琴"), ("兰", "南"), ("凤", "芬"), ("春", "村")];
/// Written alike.
const LOOKALIKE: &[(&str, &str)] = &[("玉", "王"), ("未", "末"), ("晴", "睛"), ("冰", "水"), ("彤", "形")];

const TOWNS: &[&str] = &[
    "昌元街道",
    "昌州街道",
    "广顺街道",
    "双河街道",
    "安富街道",
    "峰高街道",
    "荣隆镇",
    "仁义镇",
    "盘龙镇",
    "吴家镇",
    "直升镇",
    "万灵镇",
    "清升镇",
    "铜鼓镇",
    "龙集镇",
    "清流镇",
    "远觉镇",
    "清江镇",
    "古昌镇",
    "河包镇",
    "观胜镇",
];
const VILLAGE_HEADS: &[&str] =
    &["新峰", "大南", "石河", "玉屏", "双龙", "高桥", "铜鼓", "河坝", "黄桷", "观音", "金鹅", "三奇"];

#[derive(Clone, Debug)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub birth: NaiveDate,
    pub sex: Sex,
    pub town: usize,
    pub village: usize,
    pub group: u32,
}

/// The synthetic census and 学籍 with their truth.
pub struct Population {
    pub people: Vec<Person>,
    pub census: Vec<LinkRec>,
    /// Person index of each census record.
    pub census_person: Vec<usize>,
    pub enrolled: Vec<LinkRec>,
    pub enrolled_person: Vec<usize>,
    /// Injected ID typos: (person, side 0 = census / 1 = 学籍, record index on that side).
    pub typos: Vec<(usize, u8, usize)>,
}

fn village_name(town: usize, village: usize) -> String {
    format!(
        "{}{}",
        VILLAGE_HEADS[(town * 5 + village) % VILLAGE_HEADS.len()],
        if village % 4 == 3 { "社区" } else { "村" }
    )
}

/// Address text in one of the ways people write it.
fn address_text(rng: &mut Rng, p: &Person) -> String {
    const CN: [&str; 13] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];
    let town = TOWNS[p.town];
    let village = village_name(p.town, p.village);
    let group = match rng.below(3) {
        0 => format!("{}社", p.group),
        1 => format!("{}社", CN[p.group as usize]),
        _ => format!("{}组", p.group),
    };
    let town = if rng.chance(0.3) && town.ends_with("街道") { format!("{town}办事处") } else { town.to_string() };
    let prefix = if rng.chance(0.4) { "重庆市荣昌区" } else { "" };
    format!("{prefix}{town}{village}{group}")
}

/// One typed typo: a substituted digit or two adjacent different characters swapped.
/// Returns the mistyped text (always invalid: the check catches both kinds).
fn typo(rng: &mut Rng, id: &str) -> String {
    let mut b = id.as_bytes().to_vec();
    loop {
        if rng.chance(0.7) {
            let i = rng.below(17);
            let old = b[i];
            let mut d = b'0' + rng.below(10) as u8;
            if d == old {
                d = if d == b'9' { b'0' } else { d + 1 };
            }
            b[i] = d;
        } else {
            let i = rng.below(16);
            if b[i] == b[i + 1] {
                continue;
            }
            b.swap(i, i + 1);
        }
        let s = String::from_utf8(b.clone()).unwrap();
        if !id_number::parse(&s).is_valid() {
            return s;
        }
        b = id.as_bytes().to_vec();
    }
}

/// Replaces one given-name character by a partner from `table`, if the name has one.
fn swap_char(rng: &mut Rng, name: &str, table: &[(&str, &str)]) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut options = Vec::new();
    for (i, c) in chars.iter().enumerate().skip(1) {
        for (a, b) in table {
            let (a, b) = (a.chars().next().unwrap(), b.chars().next().unwrap());
            if *c == a {
                options.push((i, b));
            } else if *c == b {
                options.push((i, a));
            }
        }
    }
    if options.is_empty() {
        return None;
    }
    let (i, c) = *rng.pick(&options);
    let mut out = chars;
    out[i] = c;
    Some(out.into_iter().collect())
}

/// Faults applied to one listing.
struct Faults {
    typo: bool,
    missing_id: bool,
    damaged_id: bool,
    not_an_id: bool,
    name_fault: u8, // 0 none, 1 homophone, 2 near, 3 look-alike, 4 inner space
    moved: bool,
    no_address: bool,
    no_birth_column: bool,
}

fn listing(rng: &mut Rng, p: &Person, f: &Faults) -> LinkRec {
    let id_text = if f.typo { typo(rng, &p.id) } else { p.id.clone() };
    let mut id = id_number::parse(&id_text);
    if f.missing_id {
        id = IdNumber::missing();
    } else if f.damaged_id {
        id = damaged();
    } else if f.not_an_id {
        id = id_number::parse(&format!("J{}", &p.id[..17]));
    }
    let mut name_raw = p.name.clone();
    match f.name_fault {
        1 => name_raw = swap_char(rng, &p.name, HOMOPHONES).unwrap_or(name_raw),
        2 => name_raw = swap_char(rng, &p.name, NEAR).unwrap_or(name_raw),
        3 => name_raw = swap_char(rng, &p.name, LOOKALIKE).unwrap_or(name_raw),
        4 => {
            let chars: Vec<char> = p.name.chars().collect();
            name_raw = format!("{}  {}", chars[0], chars[1..].iter().collect::<String>());
        }
        _ => {}
    }
    let mut q = p.clone();
    if f.moved {
        q.village = (p.village + 1 + rng.below(6)) % 8;
        q.group = 1 + rng.below(12) as u32;
    }
    let addr = if f.no_address { String::new() } else { address_text(rng, &q) };
    let birth_col = (!f.no_birth_column).then_some(p.birth);
    let sex_col = rng.chance(0.9).then_some(p.sex);
    rec(&id.text.clone(), &name_raw, birth_col, sex_col, &addr).with_id(id)
}

trait WithId {
    fn with_id(self, id: IdNumber) -> Self;
}

impl WithId for LinkRec {
    /// Keeps the status of a damaged / missing ID that `parse` of its empty text would lose,
    /// and recomputes the ID-derived fields the way a caller does.
    fn with_id(mut self, id: IdNumber) -> Self {
        if id.is_valid() {
            self.birth = id.birth();
            self.sex = id.sex().or(self.sex);
        }
        self.id = id;
        self
    }
}

/// Builds `n` children (plus twins), lists them in a census and in 学籍 with faults.
/// Rates: ID typo 2.5 % of children (half on each side), census ID missing 1 %, damaged
/// 0.5 %, 学籍 J-number 0.3 %, name faults 4 % (homophone, near sound, look-alike, inner
/// space), moved 10 % (学籍 address), no 学籍 address 5 %, twins 1.5 %, duplicate census
/// listings 2 % (a third of them without ID), not enrolled 4 %, missed by the census 1 %,
/// 学籍 children from outside the district 3 %.
pub fn population(n: usize, seed: u64) -> Population {
    let mut rng = Rng::new(seed);
    let mut people: Vec<Person> = Vec::new();
    let mut ids: HashSet<String> = HashSet::new();
    let start = date(2004, 9, 1);
    let mut new_id = |rng: &mut Rng, area: &str, birth: NaiveDate, sex: Sex| loop {
        let mut seq = 1 + rng.below(998) as u32;
        if (seq % 2 == 1) != (sex == Sex::Male) {
            seq += 1;
        }
        let id = make_id(area, birth, seq % 1000);
        if ids.insert(id.clone()) {
            return id;
        }
    };
    let given = |rng: &mut Rng| -> String {
        let k = if rng.chance(0.35) { 1 } else { 2 };
        (0..k).map(|_| *rng.pick(GIVEN)).collect()
    };
    while people.len() < n {
        let birth = start + Duration::days(rng.below(3652) as i64);
        let sex = if rng.chance(0.52) { Sex::Male } else { Sex::Female };
        let surname = *rng.pick(SURNAMES);
        let name = format!("{surname}{}", given(&mut rng));
        let p = Person {
            id: new_id(&mut rng, "500153", birth, sex),
            name,
            birth,
            sex,
            town: rng.below(TOWNS.len()),
            village: rng.below(8),
            group: 1 + rng.below(12) as u32,
        };
        if rng.chance(0.015) {
            // A twin: same birth date and household, a given name sharing the first
            // character when there are two.
            let sex2 = if rng.chance(0.5) { Sex::Male } else { Sex::Female };
            let chars: Vec<char> = p.name.chars().collect();
            let mut twin_name = p.name.clone();
            while twin_name == p.name {
                twin_name = if chars.len() == 3 {
                    format!("{}{}{}", chars[0], chars[1], rng.pick(GIVEN))
                } else {
                    format!("{}{}", chars[0], rng.pick(GIVEN))
                };
            }
            let twin = Person { id: new_id(&mut rng, "500153", birth, sex2), name: twin_name, sex: sex2, ..p.clone() };
            people.push(p);
            people.push(twin);
        } else {
            people.push(p);
        }
    }
    let n_local = people.len();
    // Children from outside the district, only in 学籍.
    for _ in 0..(n_local * 3 / 100) {
        let birth = start + Duration::days(rng.below(3652) as i64);
        let sex = if rng.chance(0.5) { Sex::Male } else { Sex::Female };
        let name = format!("{}{}", rng.pick(SURNAMES), given(&mut rng));
        let id = new_id(&mut rng, "500118", birth, sex);
        people.push(Person { id, name, birth, sex, town: rng.below(TOWNS.len()), village: rng.below(8), group: 1 });
    }

    let mut pop = Population {
        people: Vec::new(),
        census: Vec::new(),
        census_person: Vec::new(),
        enrolled: Vec::new(),
        enrolled_person: Vec::new(),
        typos: Vec::new(),
    };
    for (k, p) in people.iter().enumerate() {
        let local = k < n_local;
        let in_census = local && !rng.chance(0.01);
        let in_school = !local || !rng.chance(0.04);
        let typo_side = rng.chance(0.025).then(|| rng.below(2) as u8);
        let name_fault = |rng: &mut Rng| {
            if rng.chance(0.04) {
                1 + rng.below(4) as u8
            } else {
                0
            }
        };
        if in_census {
            let f = Faults {
                typo: typo_side == Some(0),
                missing_id: typo_side != Some(0) && rng.chance(0.01),
                damaged_id: typo_side != Some(0) && rng.chance(0.005),
                not_an_id: false,
                name_fault: name_fault(&mut rng),
                moved: false,
                no_address: false,
                no_birth_column: rng.chance(0.1),
            };
            pop.census.push(listing(&mut rng, p, &f));
            pop.census_person.push(k);
            if f.typo {
                pop.typos.push((k, 0, pop.census.len() - 1));
            }
            if rng.chance(0.02) {
                // A second listing in another village (residence vs registration).
                let f2 = Faults {
                    typo: false,
                    missing_id: rng.chance(0.33),
                    damaged_id: false,
                    not_an_id: false,
                    name_fault: if rng.chance(0.1) { 4 } else { 0 },
                    moved: true,
                    no_address: false,
                    no_birth_column: false,
                };
                pop.census.push(listing(&mut rng, p, &f2));
                pop.census_person.push(k);
            }
        }
        if in_school {
            let f = Faults {
                typo: typo_side == Some(1),
                missing_id: false,
                damaged_id: false,
                not_an_id: typo_side != Some(1) && rng.chance(0.003),
                name_fault: name_fault(&mut rng),
                moved: rng.chance(0.1),
                no_address: rng.chance(0.05),
                no_birth_column: false,
            };
            pop.enrolled.push(listing(&mut rng, p, &f));
            pop.enrolled_person.push(k);
            if f.typo {
                pop.typos.push((k, 1, pop.enrolled.len() - 1));
            }
        }
    }
    pop.people = people;
    pop
}

/// Quality of a linkage against the truth.
#[derive(Debug, Default)]
pub struct Quality {
    pub links: usize,
    pub correct_links: usize,
    /// Census people who are in 学籍 (truth pairs, counted once per person).
    pub true_pairs: usize,
    /// People with a correct link from at least one of their census listings.
    pub found_pairs: usize,
    pub ne_tp: usize,
    pub ne_fp: usize,
    pub ne_fn: usize,
    pub typos: usize,
    pub typos_repaired: usize,
    /// Typos neither repaired nor otherwise flagged: a 学籍-side typo on a record linked to
    /// no census listing although the child is in the census. (A census-side typo is
    /// always flagged: its ID is invalid.)
    pub typos_unflagged: usize,
    pub reviews: usize,
    pub dup_true: usize,
    pub dup_found: usize,
    pub dup_wrong: usize,
}

impl Quality {
    pub fn link_precision(&self) -> f64 {
        self.correct_links as f64 / self.links.max(1) as f64
    }
    pub fn link_recall(&self) -> f64 {
        self.found_pairs as f64 / self.true_pairs.max(1) as f64
    }
    pub fn ne_precision(&self) -> f64 {
        self.ne_tp as f64 / (self.ne_tp + self.ne_fp).max(1) as f64
    }
    pub fn ne_recall(&self) -> f64 {
        self.ne_tp as f64 / (self.ne_tp + self.ne_fn).max(1) as f64
    }
}

/// Runs dedupe and link the way the pipeline does and scores them: a census person is the
/// dedupe cluster (or a single listing); it is "not enrolled" when none of its listings is
/// linked.
pub fn evaluate(pop: &Population, cfg: &kcbx::link::LinkConfig) -> (Quality, kcbx::link::Linkage) {
    use kcbx::link::{dedupe, link_grouped, person_keys, Method};
    let dups = dedupe(&pop.census, cfg);
    let persons = person_keys(&dups, pop.census.len());
    let linkage = link_grouped(&pop.census, &persons, &pop.enrolled, cfg);
    let mut q = Quality { reviews: linkage.reviews.len(), ..Quality::default() };
    let enrolled_people: HashSet<usize> = pop.enrolled_person.iter().copied().collect();

    // Links.
    let mut found: HashSet<usize> = HashSet::new();
    for l in &linkage.links {
        q.links += 1;
        let pl = pop.census_person[l.left];
        if pl == pop.enrolled_person[l.right] {
            q.correct_links += 1;
            found.insert(pl);
        }
    }
    let census_people: HashSet<usize> = pop.census_person.iter().copied().collect();
    q.true_pairs = census_people.iter().filter(|p| enrolled_people.contains(p)).count();
    q.found_pairs = found.len();

    // Not enrolled, per predicted person (cluster or single listing).
    // The cluster of each listing, when it has more than one member.
    let mut cluster_of: Vec<Option<usize>> = vec![None; pop.census.len()];
    for (c, cluster) in dups.iter().enumerate().filter(|(_, c)| c.is_duplicate()) {
        for &m in &cluster.members {
            cluster_of[m] = Some(c);
        }
    }
    let linked = linkage.by_left(pop.census.len());
    let mut groups: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
    for (i, cluster) in cluster_of.iter().enumerate() {
        let key = match *cluster {
            Some(c) => (0, c),
            None => (1, i),
        };
        groups.entry(key).or_default().push(i);
    }
    for members in groups.values() {
        let flagged = members.iter().all(|&i| linked[i].is_none());
        let truth_ne = !enrolled_people.contains(&pop.census_person[members[0]]);
        match (flagged, truth_ne) {
            (true, true) => q.ne_tp += 1,
            (true, false) => q.ne_fp += 1,
            (false, true) => q.ne_fn += 1,
            _ => {}
        }
    }

    // Typos: repaired when a repaired_id link names the mistyped side at that record.
    for &(_, side, idx) in &pop.typos {
        q.typos += 1;
        let hit = linkage.links.iter().any(|l| {
            l.method == Method::RepairedId
                && l.repair.as_ref().is_some_and(|r| {
                    (r.side == kcbx::link::Side::Left && side == 0 && l.left == idx)
                        || (r.side == kcbx::link::Side::Right && side == 1 && l.right == idx)
                })
        });
        if hit {
            q.typos_repaired += 1;
        } else if side == 1
            && linkage.links.iter().all(|l| l.right != idx)
            && pop.census_person.contains(&pop.enrolled_person[idx])
        {
            q.typos_unflagged += 1;
        }
    }

    // Duplicates: true pairs of census listings of one person.
    let mut by_person: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for (i, &p) in pop.census_person.iter().enumerate() {
        by_person.entry(p).or_default().push(i);
    }
    q.dup_true = by_person.values().filter(|v| v.len() > 1).count();
    q.dup_found = by_person
        .values()
        .filter(|v| v.len() > 1 && cluster_of[v[0]].is_some() && v.iter().all(|&i| cluster_of[i] == cluster_of[v[0]]))
        .count();
    q.dup_wrong = dups
        .iter()
        .filter(|c| c.members.iter().any(|&m| pop.census_person[m] != pop.census_person[c.members[0]]))
        .count();
    (q, linkage)
}
