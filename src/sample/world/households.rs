//! Who lives where: the district's towns (镇街), villages and schools, its households and
//! children with their IDs, the outsiders who study here, and the disabled adults on the
//! 残联 list.
//!
//! Pipeline position: the second step of [`super::build_district`], after the calendar and
//! before each child's scenario.

use super::*;

pub(super) const STREETS: &[&str] = &["昌元街道", "昌州街道", "广顺街道", "双河街道", "安富街道", "峰高街道"];
pub(super) const TOWNS: &[&str] = &[
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
pub(super) const XUEQU: &[&str] =
    &["直属学校", "昌元学区", "昌州学区", "安富学区", "仁义学区", "吴家学区", "盘龙学区", "荣隆学区", "双河学区"];

/// The 学区 of each 荣昌 town (our assignment for the sample; the notice lists only the 学区).
pub(super) fn rongchang_xuequ(town: &str) -> usize {
    match town {
        "昌元街道" | "广顺街道" | "清升镇" => 1,
        "昌州街道" | "峰高街道" | "直升镇" => 2,
        "安富街道" | "清江镇" | "古昌镇" => 3,
        "仁义镇" | "河包镇" | "观胜镇" => 4,
        "吴家镇" | "铜鼓镇" | "龙集镇" => 5,
        "盘龙镇" | "远觉镇" | "清流镇" => 6,
        "荣隆镇" | "万灵镇" => 7,
        _ => 8,
    }
}

/// Other Chongqing districts for the city scale: (name, area code).
pub(super) const CITY: &[(&str, &str)] = &[
    ("万州区", "500101"),
    ("涪陵区", "500102"),
    ("渝中区", "500103"),
    ("大渡口区", "500104"),
    ("江北区", "500105"),
    ("九龙坡区", "500107"),
    ("南岸区", "500108"),
    ("北碚区", "500109"),
    ("綦江区", "500110"),
    ("渝北区", "500112"),
    ("巴南区", "500113"),
    ("黔江区", "500114"),
    ("长寿区", "500115"),
    ("江津区", "500116"),
    ("合川区", "500117"),
    ("南川区", "500119"),
    ("璧山区", "500120"),
    ("铜梁区", "500151"),
    ("潼南区", "500152"),
    ("开州区", "500154"),
    ("梁平区", "500155"),
    ("武隆区", "500156"),
    ("城口县", "500229"),
    ("丰都县", "500230"),
];

/// Town-name stems for invented towns of other districts.
pub(super) const TOWN_STEMS: &[&str] = &[
    "石龙",
    "青龙",
    "白沙",
    "金山",
    "凤鸣",
    "双凤",
    "回龙",
    "太和",
    "三溪",
    "永兴",
    "临江",
    "高桥",
    "龙岗",
    "新店",
    "柏梓",
    "安居",
    "花岩",
    "土桥",
    "石滩",
    "大兴",
    "福禄",
    "兴山",
    "复盛",
    "龙凤桥",
    "先锋",
    "明月",
    "石柱",
    "三元",
    "长坝",
    "白市",
    "麻柳",
    "东溪",
    "横山",
    "天台",
    "桂溪",
    "金龙",
    "中和",
];

pub(super) fn teacher_pair(rng: &mut Rng) -> Vec<String> {
    (0..2)
        .map(|_| {
            let male = rng.chance(0.3);
            names::adult_name(rng, male)
        })
        .collect()
}

pub(super) fn build_schools_and_towns(
    d: &mut District,
    town_names: &[String],
    index: usize,
    scale: Scale,
    rng: &mut Rng,
) {
    let short = d.name.trim_end_matches(['区', '县']).to_string();
    // 直属 schools first.
    let direct = [
        (format!("{}区实验小学", short), SchoolKind::Primary),
        (if index == 0 { "重庆市荣昌中学校".to_string() } else { format!("{short}区第一中学") }, SchoolKind::Junior),
        (format!("{}区特殊教育学校", short), SchoolKind::Special),
    ];
    for (name, kind) in direct {
        let teachers = teacher_pair(rng);
        d.schools.push(School { name, kind, xuequ: 0, csv: false, titled: false, dated: false, teachers });
    }
    let mut stems: Vec<&str> = names::VILLAGE_STEMS.to_vec();
    rng.shuffle(&mut stems);
    let stem_cursor = &mut 0usize;
    for (ti, tname) in town_names.iter().enumerate() {
        let street = tname.ends_with("街道");
        let stem = tname.trim_end_matches("街道").trim_end_matches('镇');
        let xuequ = if index == 0 { rongchang_xuequ(tname) } else { 1 + ti % (d.xuequ.len() - 1) };
        let primary = d.schools.len();
        let pname = if street { format!("{short}区{stem}小学") } else { format!("{short}区{stem}镇中心小学") };
        let t = teacher_pair(rng);
        d.schools.push(School {
            name: pname,
            kind: SchoolKind::Primary,
            xuequ,
            csv: false,
            titled: false,
            dated: false,
            teachers: t,
        });
        let junior = d.schools.len();
        let t = teacher_pair(rng);
        d.schools.push(School {
            name: format!("{short}区{stem}中学"),
            kind: SchoolKind::Junior,
            xuequ,
            csv: false,
            titled: false,
            dated: false,
            teachers: t,
        });
        // Layout: the first town (a street) sends one workbook per village; for 荣昌 the
        // towns 荣隆, 龙集 and 清升 send .xls (and 河包 in the small sample, which has neither
        // 龙集 nor 清升, so that it too holds two .xls towns); the city scale adds CSV towns.
        let old_xls = match index {
            0 => {
                matches!(tname.as_str(), "荣隆镇" | "龙集镇" | "清升镇") || (scale == Scale::Small && tname == "河包镇")
            }
            _ => ti % 7 == 3,
        };
        let layout = if ti == 0 {
            Layout::PerVillage
        } else if old_xls {
            Layout::Xls
        } else if index > 0 && ti % 5 == 2 {
            Layout::Csv { gbk: ti % 2 == 0 }
        } else {
            Layout::Xlsx
        };
        let merged = !matches!(layout, Layout::Csv { .. }) && (ti % 3 == 2 || (scale == Scale::Small && ti == 4));
        let style = Style {
            id_header: ["身份证号", "公民身份号码", "身份证号码"][ti % 3],
            village_header: ["村(社区)", "村（社区）", "村居"][(ti / 3) % 3],
            group_header: ["社", "组", "社"][(ti / 2) % 3],
            householder_header: if ti % 4 == 1 { "户主" } else { "户主姓名" },
            current_header: if ti % 2 == 0 { "现居住地址" } else { "现住址" },
            status_header: ["就学状态", "就读状态", "就学状态", "在校情况"][ti % 4],
            group_style: (ti % 4) as u8,
            date_style: if matches!(layout, Layout::Csv { .. }) { (ti % 4) as u8 } else { (ti % 5) as u8 },
            merged,
            totals: !matches!(layout, Layout::Csv { .. }) && (ti % 2 == 0 || ti == 1),
            blank_rows: !merged && ti % 3 != 1,
            pad_names: ti % 4 == 3,
            apostrophes: ti % 6 == 4,
            blank_no: ti % 5 == 1,
        };
        let n_villages = 3 + rng.below(6);
        let mut villages = Vec::new();
        while villages.len() < n_villages {
            // Village names unique within the district, so that every address names one place.
            let k = *stem_cursor;
            *stem_cursor += 1;
            let stem = stems[k % stems.len()];
            let round = k / stems.len();
            let community = villages.is_empty() || (street && rng.chance(0.7));
            let suffix = if community { "社区" } else { "村" };
            let name = if round == 0 {
                format!("{stem}{suffix}")
            } else {
                format!("{stem}{}{suffix}", cn_number(round as u32 + 1))
            };
            villages.push(new_village(name, rng));
        }
        d.towns.push(Town { name: tname.clone(), villages, xuequ, primary, junior, layout, style, street });
    }
    // One school's export comes as a GBK CSV, one has a title row.
    let csv_school = d.schools.len() - 1;
    d.schools[csv_school].csv = true;
    if d.schools.len() > 4 {
        d.schools[4].titled = true;
    }
}

pub(super) fn new_village(name: String, rng: &mut Rng) -> Village {
    Village {
        name,
        groups: 6 + rng.below(7) as u32,
        surveyor: {
            let male = rng.chance(0.5);
            names::adult_name(rng, male)
        },
        surveyor_phone: names::phone(rng),
    }
}

/// A valid ID for a birth date and sex, unique within `used`.
pub fn make_id(area: &str, birth: NaiveDate, male: bool, used: &mut HashSet<String>, rng: &mut Rng) -> String {
    loop {
        let mut seq = 1 + rng.below(998) as u32;
        if (seq % 2 == 1) != male {
            seq += 1;
        }
        let first17 = format!("{area}{}{:03}", birth.format("%Y%m%d"), seq);
        let id = format!("{first17}{}", check_char(&first17).expect("17 digits"));
        if used.insert(id.clone()) {
            return id;
        }
    }
}

pub(in crate::sample) fn random_date(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days();
    from + Duration::days(rng.range(0, span))
}

pub(super) fn build_households(d: &mut District, per_town: usize, rng: &mut Rng) {
    let mut used = HashSet::new();
    let first_birth = ymd(2002, 1, 1);
    let last_birth = ymd(2016, 12, 31);
    for ti in 0..d.towns.len() {
        let n_v = d.towns[ti].villages.len();
        let street = d.towns[ti].street;
        for vi in 0..n_v {
            let target = per_town / n_v;
            let groups = d.towns[ti].villages[vi].groups;
            let mut made = 0;
            let mut door = 0;
            while made < target {
                door += 1 + rng.below(3) as u32;
                let surname = names::surname(rng).to_string();
                let grand = rng.chance(0.3);
                let father = format!("{surname}{}", names::adult_given(rng, true));
                let head = if grand { format!("{surname}{}", names::adult_given(rng, true)) } else { father.clone() };
                let poverty = rng.chance(if street { 0.02 } else { 0.08 });
                let hh = d.households.len();
                let n_kids = [1usize, 1, 1, 1, 2, 2, 2, 2, 3, 3][rng.below(10)].min(target - made).max(1);
                let mut births = Vec::new();
                let mut b = random_date(rng, first_birth, last_birth);
                for k in 0..n_kids {
                    if k > 0 {
                        if rng.chance(0.02) {
                            births.push((b, true));
                            continue;
                        }
                        b += Duration::days(rng.range(500, 2200));
                        if b > last_birth {
                            break;
                        }
                    }
                    births.push((b, false));
                }
                // Twins: the previous child is a twin too.
                for i in 1..births.len() {
                    if births[i].1 {
                        births[i - 1].1 = true;
                    }
                }
                let eldest = births[0].0;
                let father_birth = random_date(rng, ymd(eldest.year() - 32, 1, 1), ymd(eldest.year() - 22, 12, 31));
                let mother_birth = father_birth + Duration::days(rng.range(-800, 1500));
                let mut adults = Vec::new();
                if poverty {
                    if grand {
                        let gb = ymd(
                            father_birth.year() - rng.range(22, 30) as i32,
                            rng.range(1, 12) as u32,
                            rng.range(1, 28) as u32,
                        );
                        adults.push((head.clone(), make_id(&d.area, gb, true, &mut used, rng), true, "户主"));
                        adults.push((
                            father.clone(),
                            make_id(&d.area, father_birth, true, &mut used, rng),
                            true,
                            "之子",
                        ));
                    } else {
                        adults.push((
                            father.clone(),
                            make_id(&d.area, father_birth, true, &mut used, rng),
                            true,
                            "户主",
                        ));
                    }
                    let mother = names::adult_name(rng, false);
                    adults.push((
                        mother,
                        make_id(&d.area, mother_birth, false, &mut used, rng),
                        false,
                        if grand { "之儿媳" } else { "配偶" },
                    ));
                }
                let group = 1 + rng.below(groups as usize) as u32;
                d.households.push(Household {
                    town: ti,
                    village: vi,
                    group,
                    door,
                    surname: surname.clone(),
                    head,
                    head_is_grandparent: grand,
                    poverty,
                    phone: names::phone(rng),
                    adults,
                    household_no: format!("{}{:03}{:03}{:05}", d.area, ti + 1, vi + 1, hh % 100_000),
                    exit_year: rng.pick_str(&["2016", "2017", "2018", "2019", "2019", ""]),
                    household_type: rng.pick_str(&["一般贫困户", "一般贫困户", "低保贫困户", "特困供养贫困户"]),
                    lives_in: None,
                });
                let mut given_used: Vec<String> = Vec::new();
                for (birth, twin) in births {
                    let male = rng.chance(0.52);
                    let given = loop {
                        let g = names::child_given(rng, male);
                        if !given_used.contains(&g)
                            && !given_used.iter().any(|u| u.chars().next() == g.chars().next() && twin)
                        {
                            break g;
                        }
                    };
                    given_used.push(given.clone());
                    let relation = match (grand, male) {
                        (false, true) => "子",
                        (false, false) => "女",
                        (true, true) => "孙子",
                        (true, false) => "孙女",
                    };
                    let id = make_id(&d.area, birth, male, &mut used, rng);
                    let name = format!("{surname}{given}");
                    let born = Born {
                        id,
                        name,
                        surname_len: surname.chars().count(),
                        male,
                        birth,
                        home: Home::Local(hh),
                        relation,
                        twin,
                    };
                    d.children.push(new_child(born, rng));
                    made += 1;
                }
            }
        }
    }
}

/// What a child is born with, before any scenario: its true ID and name, sex, birth date,
/// home and place in the household.
pub(in crate::sample) struct Born {
    pub id: String,
    pub name: String,
    /// Characters of the surname (a 复姓 has two): the name's typo faults keep it.
    pub surname_len: usize,
    pub male: bool,
    pub birth: NaiveDate,
    pub home: Home,
    /// 与户主关系.
    pub relation: &'static str,
    pub twin: bool,
}

/// A child as born, enrolled by default, with its 民族 drawn.
pub(in crate::sample) fn new_child(born: Born, rng: &mut Rng) -> Child {
    let Born { id, name, surname_len, male, birth, home, relation, twin } = born;
    let nation = if rng.chance(0.985) { "汉族" } else { *rng.pick(&["土家族", "苗族", "回族", "彝族"]) };
    Child {
        record_name: name.clone(),
        record_id: id.clone(),
        student_no: format!("G{id}"),
        id,
        name,
        surname_len,
        male,
        birth,
        home,
        relation,
        twin,
        scenario: Scenario::Enrolled,
        listed: true,
        duplicate: None,
        claim: String::new(),
        claim_school: String::new(),
        claim_grade: String::new(),
        note: "",
        census_disabled: false,
        disability: None,
        on_disability_list: false,
        current: None,
        events: Vec::new(),
        exemptions: Vec::new(),
        home_school: None,
        home_kind: None,
        visits: Vec::new(),
        poverty_status: None,
        fault: None,
        nation,
        boarding: rng.chance(0.2),
        current_date: None,
        stale_school: None,
        old_student_no: None,
        conflict: false,
    }
}

/// Students at district schools who live outside the district: never flagged.
pub(super) fn add_outsiders(d: &mut District, rng: &mut Rng) {
    let enrolled = d.children.iter().filter(|c| c.current.is_some()).count();
    let n = (enrolled / 120).max(3);
    let mut used: HashSet<String> = d.children.iter().map(|c| c.id.clone()).collect();
    for _ in 0..n {
        let place = rng.below(names::OUTSIDE.len());
        // Not an address in a district of this world (the city scale holds several).
        let area = names::OUTSIDE[place].0;
        let birth = random_date(rng, ymd(2005, 9, 1), ymd(2013, 8, 31));
        let male = rng.chance(0.5);
        let id = make_id(area, birth, male, &mut used, rng);
        let surname = names::surname(rng).to_string();
        let name = format!("{surname}{}", names::child_given(rng, male));
        let born = Born {
            id,
            name,
            surname_len: surname.chars().count(),
            male,
            birth,
            home: Home::Outside { place, door: 1 + rng.below(200) as u32 },
            relation: "子",
            twin: false,
        };
        let mut c = new_child(born, rng);
        c.scenario = Scenario::Outsider;
        c.listed = false;
        let g = grade_now(birth);
        let school = if g <= 6 {
            if rng.chance(0.5) {
                0
            } else {
                d.towns[rng.below(d.towns.len())].primary
            }
        } else {
            1
        };
        c.current = Some(Current {
            school,
            grade: g,
            status: "在读",
            mode: "住校",
            inclusive: false,
            entry: ymd(if g <= 6 { 2020 - g } else { 2019 - (g - 7) }, 9, 1),
        });
        d.children.push(c);
    }
}

pub(super) fn add_disabled_adults(d: &mut District, rng: &mut Rng) {
    let n = (d.children.iter().filter(|c| c.on_disability_list).count() * 3 / 2).max(10);
    let mut used: HashSet<String> = d.children.iter().map(|c| c.id.clone()).collect();
    for _ in 0..n {
        let town = rng.below(d.towns.len());
        let village = rng.below(d.towns[town].villages.len());
        let male = rng.chance(0.55);
        let birth = random_date(rng, ymd(1945, 1, 1), ymd(1996, 12, 31));
        let (category, grade) = {
            let severe = rng.chance(0.3);
            disability_of(rng, severe)
        };
        d.disabled_adults.push(DisabledAdult {
            name: names::adult_name(rng, male),
            id: make_id(&d.area, birth, male, &mut used, rng),
            male,
            town,
            village,
            group: 1 + rng.below(d.towns[town].villages[village].groups as usize) as u32,
            category,
            grade,
        });
    }
}

/// 残疾类别 labels by category digit.
pub fn disability_label(cat: u8) -> &'static str {
    ["", "视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"][cat as usize]
}

/// 残疾等级 labels by grade digit.
pub fn disability_grade_label(grade: u8) -> &'static str {
    ["", "一级", "二级", "三级", "四级"][grade as usize]
}
