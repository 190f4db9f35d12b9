//! Name and place tables for the sample generator: surnames weighted as in south-west China,
//! given-name characters of children born 2002–2016, the homophone and look-alike pairs that
//! census takers and school clerks confuse, village-name stems, and places outside the district.

use super::rng::Rng;

/// Surnames with rough relative frequencies for Chongqing's western districts.
const SURNAMES: &[(&str, u32)] = &[
    ("刘", 90),
    ("张", 85),
    ("陈", 80),
    ("李", 80),
    ("王", 70),
    ("黄", 50),
    ("罗", 45),
    ("周", 40),
    ("蒋", 35),
    ("唐", 35),
    ("廖", 30),
    ("钟", 28),
    ("曾", 28),
    ("邓", 28),
    ("胡", 27),
    ("杨", 27),
    ("谢", 25),
    ("彭", 22),
    ("吕", 18),
    ("叶", 18),
    ("游", 15),
    ("赵", 20),
    ("吴", 20),
    ("徐", 18),
    ("何", 18),
    ("郭", 14),
    ("马", 12),
    ("朱", 14),
    ("高", 12),
    ("林", 12),
    ("冯", 12),
    ("袁", 12),
    ("曹", 10),
    ("肖", 16),
    ("田", 10),
    ("付", 10),
    ("龙", 8),
    ("喻", 8),
    ("敖", 6),
    ("兰", 6),
    ("雷", 8),
    ("邹", 8),
    ("魏", 6),
    ("汤", 6),
    ("余", 10),
    ("苏", 6),
    ("卢", 6),
    ("蒲", 5),
    ("欧阳", 2),
    ("司马", 1),
];

/// Given-name characters favoured for boys born 2002–2016.
const BOY: &[&str] = &[
    "浩", "宇", "轩", "子", "俊", "杰", "涛", "鑫", "磊", "博", "文", "明", "翔", "宏", "睿", "阳", "晨", "鹏", "凯",
    "志", "豪", "然", "航", "泽", "彬", "林", "健", "毅", "诚", "熙", "锦", "承", "佳", "家", "一", "天", "梓", "铭",
    "瑞", "皓", "骏", "思", "嘉", "奕", "煜", "宸", "洋", "勇", "川", "江", "伟", "东", "斌", "强", "亮", "正", "楠",
    "俊", "逸", "乐", "晖", "昊", "鸿", "靖",
];

/// Given-name characters favoured for girls born 2002–2016.
const GIRL: &[&str] = &[
    "欣", "怡", "婷", "雨", "涵", "梓", "佳", "思", "雪", "琳", "玲", "晓", "悦", "馨", "萱", "瑶", "嘉", "颖", "丹",
    "静", "雯", "露", "菲", "倩", "红", "娟", "诗", "语", "彤", "可", "心", "月", "若", "紫", "依", "琪", "梦", "蕊",
    "妍", "芯", "希", "雅", "媛", "洁", "艺", "茜", "燕", "莉", "子", "一", "美", "小", "玉", "蓉", "兰", "芳", "慧",
    "敏", "秋", "春", "霞", "宁", "安", "晴",
];

/// Characters people write for each other because they sound alike (either direction).
pub const HOMOPHONES: &[(&str, &str)] = &[
    ("晓", "小"),
    ("红", "宏"),
    ("玲", "琳"),
    ("婷", "庭"),
    ("佳", "家"),
    ("静", "靖"),
    ("雯", "文"),
    ("馨", "欣"),
    ("瑶", "遥"),
    ("翔", "祥"),
    ("浩", "皓"),
    ("杰", "洁"),
    ("俊", "骏"),
    ("宇", "雨"),
    ("晖", "辉"),
    ("鑫", "新"),
    ("涛", "滔"),
    ("丹", "单"),
    ("莉", "丽"),
    ("燕", "艳"),
    ("敏", "民"),
    ("彤", "桐"),
    ("琪", "琦"),
    ("妍", "研"),
    ("洋", "阳"),
    ("萱", "宣"),
    ("雅", "亚"),
    ("思", "斯"),
];

/// Characters mistaken for each other because they look alike in handwriting or on a
/// photocopied form.
pub const LOOKALIKES: &[(&str, &str)] = &[
    ("怡", "恰"),
    ("晴", "睛"),
    ("茜", "西"),
    ("娟", "涓"),
    ("萱", "宣"),
    ("梓", "锌"),
    ("鹏", "朋"),
    ("睿", "容"),
    ("鑫", "金"),
    ("锦", "绵"),
    ("彬", "杉"),
    ("琳", "淋"),
    ("婷", "亭"),
    ("瑞", "端"),
    ("逸", "免"),
    ("熙", "照"),
    ("博", "搏"),
    ("蕊", "芯"),
    ("毅", "殷"),
    ("晨", "辰"),
];

/// Given names of adults (parents, grandparents, teachers, officials).
const ADULT_MALE: &[&str] = &[
    "建国", "国强", "永红", "德明", "志强", "建华", "明", "勇", "军", "伟", "刚", "平", "华", "斌", "小兵", "光明",
    "学文", "长江", "正华", "顺", "海", "涛", "洪", "林", "春林", "世荣", "仕全",
];
const ADULT_FEMALE: &[&str] = &[
    "秀英", "桂英", "淑芬", "丽", "敏", "芳", "红梅", "小琴", "玉兰", "素华", "琼", "燕", "霞", "萍", "春梅", "晓燕",
    "丽娟", "德芬", "莉", "群", "英", "静", "兰", "凤", "洁", "慧",
];

/// Village-name stems (without 村 / 社区). None contains 村, 社, 组, 镇, 乡, 区, 县, 市, 街 or
/// 省, so addresses built from them parse without surprises.
pub const VILLAGE_STEMS: &[&str] = &[
    "新峰",
    "大南",
    "石盘",
    "双流",
    "玉屏",
    "河坝",
    "广富",
    "金竹",
    "龙井",
    "桂花",
    "高峰",
    "万福",
    "青杠",
    "白塔",
    "黄桷",
    "宝城",
    "三奇",
    "仁和",
    "凤凰",
    "雷打石",
    "观音",
    "五星",
    "红岩",
    "太平",
    "长岭",
    "燕子岩",
    "清河",
    "安和",
    "百家",
    "石桥",
    "堰塘",
    "梨子园",
    "松林",
    "柏林",
    "荷花",
    "狮子",
    "天堂",
    "龙洞",
    "大石",
    "花园",
    "永安",
    "兴隆",
    "和平",
    "复兴",
    "新华",
    "民主",
    "团结",
    "光荣",
    "黄金",
    "古佛",
    "瓦子",
    "马鞍",
    "铜佛",
    "玉带",
    "碑亭",
    "学堂",
    "大堰",
    "滴水",
    "沙坝",
    "楠木",
    "竹林",
    "田坝",
    "晒坝",
    "庙坝",
    "茅坡",
    "罗汉",
    "菩提",
    "水口",
    "桥亭",
    "雨坛",
    "凉风",
    "高洞",
    "草坝",
    "冒水",
    "天星",
    "金星",
    "新民",
    "双龙",
    "盘石",
    "三合",
    "四方",
    "五里",
    "六合",
    "七里",
    "八角",
    "九龙",
    "十字",
    "杨柳",
    "杉树",
    "柑子",
    "黄泥",
    "白鹤",
    "鸭子",
    "大屋",
    "老鹰",
    "石龙",
    "螺丝",
    "踏水",
    "檬子",
    "桅杆",
    "店子",
    "石河",
    "登云",
    "宝珠",
    "红星",
    "金鹅",
    "古楼",
    "尖山",
    "大坡",
    "水井",
    "阳光",
    "朝阳",
    "东城",
    "西岭",
    "南门",
    "北关",
    "昌宁",
    "棠香",
    "海棠",
    "香山",
    "峰顶",
    "元丰",
    "庆隆",
    "和顺",
    "金鸡",
    "银杏",
    "翠竹",
    "宝峰",
    "龙凤",
    "福田",
    "兰田",
    "麒麟",
];

/// Places outside the district, for out-of-area schooling and students from elsewhere.
/// (area code, address prefix, school names there)
pub const OUTSIDE: &[(&str, &str, &str)] = &[
    ("511083", "四川省隆昌市古湖街道", "隆昌市第一中学"),
    ("511083", "四川省隆昌市界市镇", "隆昌市界市镇中心学校"),
    ("500111", "重庆市大足区龙水镇", "大足区龙水小学"),
    ("500111", "重庆市大足区邮亭镇", "大足区邮亭中学"),
    ("500118", "重庆市永川区朱沱镇", "永川区朱沱中学"),
    ("500118", "重庆市永川区胜利路街道", "永川区萱花中学"),
    ("510521", "四川省泸县玉蟾街道", "泸县第五中学"),
    ("441900", "广东省东莞市长安镇", "东莞市长安镇实验学校"),
    ("330282", "浙江省慈溪市浒山街道", "慈溪市实验小学"),
    ("500106", "重庆市沙坪坝区覃家岗街道", "沙坪坝区森林实验小学"),
];

/// A surname drawn by frequency.
pub fn surname(rng: &mut Rng) -> &'static str {
    let weights: Vec<u32> = SURNAMES.iter().map(|(_, w)| *w).collect();
    SURNAMES[rng.weighted(&weights)].0
}

/// A child's given name: one character (25%) or two.
pub fn child_given(rng: &mut Rng, male: bool) -> String {
    let pool = if male { BOY } else { GIRL };
    let first = *rng.pick(pool);
    // One-character given names, but not from characters that only work in pairs.
    if rng.chance(0.25)
        && !["子", "一", "小", "心", "可", "安", "乐", "天", "思", "若", "依", "希", "语"].contains(&first)
    {
        return first.to_string();
    }
    loop {
        let second = *rng.pick(pool);
        if second != first {
            return format!("{first}{second}");
        }
    }
}

/// An adult's given name.
pub fn adult_given(rng: &mut Rng, male: bool) -> &'static str {
    if male {
        rng.pick::<&str>(ADULT_MALE)
    } else {
        rng.pick::<&str>(ADULT_FEMALE)
    }
}

/// A full adult name.
pub fn adult_name(rng: &mut Rng, male: bool) -> String {
    format!("{}{}", surname(rng), adult_given(rng, male))
}

/// Replaces one given-name character of `name` (surname `surname_len` characters long) by its
/// partner in `pairs`, if the name has such a character. Returns the new name and a note.
pub fn swap_char(name: &str, surname_len: usize, pairs: &[(&str, &str)], rng: &mut Rng) -> Option<(String, String)> {
    let chars: Vec<char> = name.chars().collect();
    let mut options = Vec::new();
    for (i, c) in chars.iter().enumerate().skip(surname_len) {
        let c = c.to_string();
        for (a, b) in pairs {
            if *a == c {
                options.push((i, (*b).to_string()));
            } else if *b == c {
                options.push((i, (*a).to_string()));
            }
        }
    }
    if options.is_empty() {
        return None;
    }
    let (i, with) = rng.pick(&options).clone();
    let mut out = String::new();
    for (j, c) in chars.iter().enumerate() {
        if j == i {
            out.push_str(&with);
        } else {
            out.push(*c);
        }
    }
    let note = format!("第{}字 {}→{}", i + 1, chars[i], with);
    Some((out, note))
}

/// Chinese numeral for 1..=99 (三, 十二, 二十一).
pub fn cn_number(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[(n - 10) as usize]),
        _ if n.is_multiple_of(10) => format!("{}十", D[(n / 10) as usize]),
        _ => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
    }
}

/// 一年级 .. 九年级.
pub fn grade_label(grade: u8) -> String {
    format!("{}年级", cn_number(u32::from(grade)))
}

/// A mobile number (139xxxxxxxx); synthetic, never a real line on purpose.
pub fn phone(rng: &mut Rng) -> String {
    const HEADS: &[&str] = &["139", "138", "136", "135", "158", "150", "187", "183", "177", "133"];
    format!("{}{:08}", rng.pick(HEADS), rng.below(100_000_000))
}
