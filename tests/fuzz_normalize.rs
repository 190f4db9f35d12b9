//! Property tests of the normalisers on stable Rust, with a seeded generator (the same
//! inputs on every run): no panic on any Unicode input, normalising twice gives what
//! normalising once gave, and a valid ID however it is decorated (full-width digits, spaces,
//! quotes, a lower-case x, a G 学籍号 or 残疾人证号 around it) is never reported invalid.

use chrono::NaiveDate;
use kcbx::normalize::id_number::{self, check_char, IdStatus};
use kcbx::normalize::values::Status;
use kcbx::normalize::{address, date, name};
use kcbx::table::Cell;

/// xorshift64*: small, fast, the same sequence for the same seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Characters the normalisers treat specially, and some that trouble Unicode code.
const SPECIAL: &[char] = &[
    ' ',
    '\u{3000}',
    '\u{a0}',
    '\t',
    '\n',
    '\u{200b}',
    '\u{feff}',
    '\'',
    '‘',
    '’',
    '"',
    '“',
    '”',
    '`',
    'x',
    'X',
    'Ｘ',
    'G',
    'L',
    'J',
    'B',
    'E',
    '+',
    '-',
    '.',
    '·',
    '•',
    '・',
    '。',
    '－',
    '—',
    '/',
    '年',
    '月',
    '日',
    '号',
    '镇',
    '街',
    '道',
    '办',
    '事',
    '处',
    '乡',
    '村',
    '社',
    '区',
    '组',
    '居',
    '委',
    '会',
    '第',
    '十',
    '三',
    '重',
    '庆',
    '市',
    '荣',
    '昌',
    '在',
    '读',
    '转',
    '出',
    '入',
    '辍',
    '学',
    '死',
    '亡',
    '毕',
    '业',
    '休',
    '复',
    '借',
    '\u{301}',
    '\u{308}',
    '\u{b4}',
    '\u{a8}',
    '\u{fb01}',
    '\u{2460}',
    '\u{ff10}',
    '\u{ff19}',
    '\u{1f600}',
    '\u{10ffff}',
    '\u{fffd}',
    'ß',
    'İ',
    'ﬀ',
    '㍿',
    '①',
    '⑩',
    '〇',
    '零',
    '一',
    '二',
    '九',
    '百',
];

/// A random string of up to 40 characters: digits, specials, CJK and any code point.
pub fn any_text(rng: &mut Rng) -> String {
    let len = rng.below(41);
    (0..len)
        .map(|_| match rng.below(6) {
            0 | 1 => char::from(b'0' + rng.below(10) as u8),
            2 | 3 => *rng.pick(SPECIAL),
            4 => char::from_u32(0x4E00 + rng.below(0x5200) as u32).unwrap_or('中'),
            _ => loop {
                if let Some(c) = char::from_u32(rng.below(0x11_0000) as u32) {
                    break c;
                }
            },
        })
        .collect()
}

/// A valid ID: a 6-digit area, a real birth date, a sequence number and its check character.
fn valid_id(rng: &mut Rng) -> (String, NaiveDate) {
    let area = 110_000 + rng.below(540_000);
    let birth = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Duration::days(rng.below(25_000) as i64);
    let first17 = format!("{area}{}{:03}", birth.format("%Y%m%d"), rng.below(1000));
    let id = format!("{first17}{}", check_char(&first17).unwrap());
    (id, birth)
}

/// The ID as people and spreadsheets write it: full-width digits here and there, spaces
/// (also U+3000) between, a leading apostrophe, quotes, a lower-case x.
fn decorate(rng: &mut Rng, id: &str) -> String {
    let mut out = String::new();
    if rng.below(4) == 0 {
        out.push(*rng.pick(&['\'', '‘', '"', '“', ' ', '\u{3000}']));
    }
    for c in id.chars() {
        let c = match c {
            'X' if rng.below(2) == 0 => 'x',
            'X' if rng.below(2) == 0 => 'Ｘ',
            d if d.is_ascii_digit() && rng.below(5) == 0 => char::from_u32(0xFF10 + d.to_digit(10).unwrap()).unwrap(),
            c => c,
        };
        out.push(c);
        if rng.below(12) == 0 {
            out.push(*rng.pick(&[' ', '\u{3000}', '\u{a0}', '\u{200b}', '\t']));
        }
    }
    if rng.below(4) == 0 {
        out.push(*rng.pick(&['\'', '’', '"', '”', ' ', '\u{3000}']));
    }
    out
}

const CASES: u64 = 10_000;

#[test]
fn id_numbers_never_panic_and_normalise_once() {
    let mut rng = Rng::new(15);
    for _ in 0..CASES {
        let raw = any_text(&mut rng);
        let once = id_number::parse(&raw);
        let twice = id_number::parse(&once.text);
        if once.status != IdStatus::Missing && once.status != IdStatus::Damaged {
            assert_eq!((&twice.text, twice.status), (&once.text, once.status), "input {raw:?}");
        }
        let _ = id_number::from_cell(&Cell::Text(raw.as_str().into()));
        let _ = id_number::from_cell(&Cell::Number(f64::from_bits(rng.next())));
    }
}

#[test]
fn a_valid_id_is_never_reported_invalid() {
    let mut rng = Rng::new(16);
    for _ in 0..CASES {
        let (id, birth) = valid_id(&mut rng);
        let typed = decorate(&mut rng, &id);
        let got = id_number::parse(&typed);
        assert_eq!((got.status, got.text.as_str()), (IdStatus::Valid, id.as_str()), "typed {typed:?}");
        assert_eq!(id_number::from_cell(&Cell::Text(typed.as_str().into())).status, IdStatus::Valid);
        // Judged on any day from the birth date on, it stays valid.
        let as_of = birth + chrono::Duration::days(rng.below(10_000) as i64);
        assert_eq!(got.clone().judged_on(as_of).status, IdStatus::Valid, "{typed:?} on {as_of}");
        // As a G 全国学籍号 and as a 残疾人证号 (category 1-7, grade 1-4, maybe B1..B9).
        assert_eq!(id_number::parse(&format!("G{id}")).text.as_str(), id);
        assert_eq!(id_number::parse(&format!("G{id}")).status, IdStatus::Valid);
        let cert = format!("{id}{}{}", 1 + rng.below(7), 1 + rng.below(4));
        let cert = if rng.below(2) == 0 { format!("{cert}B{}", 1 + rng.below(9)) } else { cert };
        let got = id_number::parse(&cert);
        assert_eq!((got.status, got.text.as_str()), (IdStatus::Valid, id.as_str()), "{cert}");
    }
}

#[test]
fn dates_never_panic_and_read_back_what_was_written() {
    let mut rng = Rng::new(17);
    for _ in 0..CASES {
        let raw = any_text(&mut rng);
        if let Some(d) = date::parse_text(&raw) {
            assert_eq!(date::parse_text(&d.format("%Y-%m-%d").to_string()), Some(d), "{raw:?}");
        }
        let _ = date::parse_year_month(&raw);
        let _ = date::from_serial_1900(f64::from_bits(rng.next()));
        let _ = date::from_serial_1904(f64::from_bits(rng.next()));
        let _ = date::from_serial_1900((rng.below(4_000_000) as f64) - 1_000_000.0);
        let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(rng.below(73_000) as i64);
        for text in [
            d.format("%Y-%m-%d").to_string(),
            d.format("%Y/%-m/%-d").to_string(),
            d.format("%Y.%m.%d").to_string(),
            d.format("%Y年%-m月%-d日").to_string(),
            d.format("%Y%m%d").to_string(),
            d.format("%Y-%m-%d 00:00:00").to_string(),
        ] {
            assert_eq!(date::parse_text(&text), Some(d), "{text}");
        }
    }
}

#[test]
fn names_never_panic_and_normalise_once() {
    let mut rng = Rng::new(18);
    for _ in 0..CASES {
        let raw = any_text(&mut rng);
        let once = name::normalize(&raw);
        assert_eq!(name::normalize(&once), once, "input {raw:?}");
        let _ = name::pinyin_key(&once);
        let _ = name::surname(&once);
    }
}

#[test]
fn addresses_never_panic_and_normalise_once() {
    let mut rng = Rng::new(19);
    for _ in 0..CASES {
        let raw = any_text(&mut rng);
        let a = address::parse(&raw);
        for part in [&a.town, &a.village].into_iter().flatten() {
            assert_eq!(address::canon_town(part).is_empty(), part.is_empty(), "{raw:?}");
        }
        let town = address::canon_town(&raw);
        assert_eq!(address::canon_town(&town), town, "town of {raw:?}");
        let village = address::canon_village(&raw);
        assert_eq!(address::canon_village(&village), village, "village of {raw:?}");
        let _ = address::parse_group(&raw);
    }
}

#[test]
fn statuses_never_panic_and_normalise_once() {
    let mut rng = Rng::new(20);
    for _ in 0..CASES {
        let raw = any_text(&mut rng);
        if let Some(s) = Status::parse(&raw) {
            assert_eq!(Status::parse(s.label()), Some(s), "{raw:?}");
        }
    }
    for text in [
        "在读",
        "转入",
        "复学",
        "休学",
        "借读",
        "转出",
        "毕业",
        "结业",
        "辍学",
        "退学",
        "其他离校",
        "死亡",
        "失踪",
        "出国",
    ] {
        let s = Status::parse(text).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(Status::parse(s.label()), Some(s));
        assert_eq!(Status::parse(&format!(" {} ", s.label())), Some(s));
    }
}
