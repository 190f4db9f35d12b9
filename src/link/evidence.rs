//! Evidence sentences: a comparison said the way a town official would say it, e.g.
//! `身份证号第14位不一致（学籍录入有误），姓名、出生日期、村社一致` or
//! `身份证号缺失；姓名同音（晓/小），出生日期、性别、村社一致`.
//!
//! The caller appends what was matched (`→ 学籍：荣昌中学 初二(3)班`). A sentence may
//! quote the differing name characters: it goes into the town's own ledger, never into a
//! log or a message.

use super::compare::{Comparison, Detail};
use super::{Repair, Side};
use crate::normalize::id_number::IdStatus;
use crate::schema::linkage::{Field, Level, Method};

/// What to call each side in a sentence, e.g. `清查表` and `学籍`.
#[derive(Clone, Copy, Debug)]
pub struct SideLabels<'a> {
    pub left: &'a str,
    pub right: &'a str,
}

impl<'a> SideLabels<'a> {
    pub fn new(left: &'a str, right: &'a str) -> Self {
        SideLabels { left, right }
    }

    fn of(&self, side: Side) -> &'a str {
        match side {
            Side::Left => self.left,
            Side::Right => self.right,
        }
    }
}

/// The sentence for a comparison; `repair` names the mistyped side of a repaired ID.
pub fn sentence(c: &Comparison, repair: Option<&Repair>, sides: SideLabels) -> String {
    let id = c.get(Field::Id);
    let (id_clause, id_agrees) = id_clause(id.level, id.detail.as_deref(), repair, sides);
    let mut notes: Vec<String> = Vec::new();
    let agree = other_fields(c, &mut notes);
    if !agree.is_empty() {
        notes.push(format!("{}一致", agree.join("、")));
    }
    if notes.is_empty() {
        return id_clause;
    }
    let sep = if id_agrees { "，" } else { "；" };
    format!("{id_clause}{sep}{}", notes.join("，"))
}

/// How a record of another list was matched to a person (`sides.right` names the list),
/// for a case's 匹配依据: `残疾人名单按姓名、出生日期、村社对应（身份证号缺失）` for a fuzzy
/// link, `建档立卡名单按身份证号纠错对应（身份证号第14位不一致（建档立卡名单录入有误），姓名一致）`
/// for a repaired ID, `建档立卡名单按身份证号对应` for an identical one.
pub fn list_sentence(c: &Comparison, repair: Option<&Repair>, method: Method, sides: SideLabels) -> String {
    match method {
        Method::ExactId => format!("{}按身份证号对应", sides.right),
        Method::RepairedId => format!("{}按身份证号纠错对应（{}）", sides.right, sentence(c, repair, sides)),
        Method::Fuzzy => {
            let id = c.get(Field::Id);
            let (id_clause, _) = id_clause(id.level, id.detail.as_deref(), None, sides);
            let mut notes = vec![id_clause];
            let agree = other_fields(c, &mut notes);
            let how = if agree.is_empty() { "模糊".to_string() } else { format!("按{}", agree.join("、")) };
            format!("{}{how}对应（{}）", sides.right, notes.join("；"))
        }
    }
}

/// The fields after the ID: those that agree (returned, to be said together as
/// `姓名、出生日期一致`) and, appended to `notes`, what is said of the others.
fn other_fields(c: &Comparison, notes: &mut Vec<String>) -> Vec<&'static str> {
    let mut agree = Vec::new();
    for field in [Field::Name, Field::Birth, Field::Sex, Field::Address] {
        let f = c.get(field);
        match field_clause(f.level, f.detail.as_deref()) {
            Clause::Agree(what) => agree.push(what),
            Clause::Note(text) => notes.push(text),
            Clause::Silent => {}
        }
    }
    agree
}

enum Clause {
    Agree(&'static str),
    Note(String),
    Silent,
}

fn positions_text(positions: &[usize]) -> String {
    positions.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("、")
}

/// The ID clause and whether it speaks for the match (then a comma follows, else a
/// semicolon).
fn id_clause(level: Level, detail: Option<&Detail>, repair: Option<&Repair>, sides: SideLabels) -> (String, bool) {
    match level {
        Level::IdSame => ("身份证号一致".to_string(), true),
        Level::IdOneEdit => {
            let (positions, transposed) = match (repair, detail) {
                (Some(r), _) => (r.positions.clone(), r.transposed),
                (None, Some(Detail::Positions { positions, transposed })) => (positions.clone(), *transposed),
                _ => (Vec::new(), false),
            };
            let what = if transposed {
                format!("身份证号第{}位颠倒", positions_text(&positions))
            } else {
                format!("身份证号第{}位不一致", positions_text(&positions))
            };
            match repair {
                Some(r) => (format!("{what}（{}录入有误）", sides.of(r.side)), true),
                None => (what, true),
            }
        }
        Level::IdDifferentValid => ("身份证号不同（双方均为有效号码）".to_string(), false),
        Level::IdDifferent => ("身份证号不一致".to_string(), false),
        _ => {
            // Missing on one side or both.
            let (l, r) = match detail {
                Some(Detail::Unusable { left, right }) => (*left, *right),
                _ => (Some(IdStatus::Missing), None),
            };
            let text = match (l, r) {
                (Some(a), Some(b)) if a == b => {
                    format!("{}和{}的身份证号都{}，无法按号码核对", sides.left, sides.right, unusable(a))
                }
                (Some(a), Some(b)) => {
                    format!("{}身份证号{}，{}身份证号{}", sides.left, unusable(a), sides.right, unusable(b))
                }
                (Some(a), None) => format!("{}身份证号{}", sides.left, unusable(a)),
                (None, Some(b)) => format!("{}身份证号{}", sides.right, unusable(b)),
                (None, None) => "身份证号缺失".to_string(),
            };
            (text, false)
        }
    }
}

/// Short wording of why an ID cannot be compared.
fn unusable(status: IdStatus) -> &'static str {
    match status {
        IdStatus::Damaged => "损坏（数字格式丢失末位）",
        IdStatus::NotAnId => "为临时学籍号",
        IdStatus::BadFormat => "位数或字符不符",
        _ => "缺失",
    }
}

fn chars_text(detail: Option<&Detail>) -> String {
    match detail {
        Some(Detail::Chars(pairs)) if !pairs.is_empty() => {
            let parts: Vec<String> = pairs.iter().map(|(a, b)| format!("{a}/{b}")).collect();
            format!("（{}）", parts.join("、"))
        }
        _ => String::new(),
    }
}

fn field_clause(level: Level, detail: Option<&Detail>) -> Clause {
    use Level::*;
    match level {
        NameExact => Clause::Agree("姓名"),
        NameHomophone => Clause::Note(format!("姓名同音{}", chars_text(detail))),
        NameNearSound => Clause::Note(format!("姓名近音{}", chars_text(detail))),
        NameLookalike => Clause::Note(format!("姓名形近{}", chars_text(detail))),
        NameGivenSame => Clause::Note(format!("名相同、姓不同{}", chars_text(detail))),
        NameOneChar => match detail {
            Some(Detail::Chars(_)) => Clause::Note(format!("姓名一字不同{}", chars_text(detail))),
            _ => Clause::Note("姓名相差一字".to_string()),
        },
        NameDifferent => Clause::Note("姓名不同".to_string()),
        NameMissing => Clause::Note("姓名缺失".to_string()),
        BirthExact => Clause::Agree("出生日期"),
        BirthNear => match detail {
            Some(Detail::Birth(n)) => Clause::Note(format!("出生日期相近（{}）", n.label())),
            _ => Clause::Note("出生日期相近".to_string()),
        },
        BirthMissing => Clause::Note("出生日期缺失".to_string()),
        BirthDifferent => Clause::Note("出生日期不同".to_string()),
        SexSame => Clause::Agree("性别"),
        SexDifferent => Clause::Note("性别不同".to_string()),
        AddressSameGroup => Clause::Agree("村社"),
        AddressSameVillage => Clause::Agree("村"),
        AddressSameTown => Clause::Agree("镇街"),
        AddressDifferent => Clause::Note("住址不同".to_string()),
        // Missing sex or address says nothing a reader needs.
        _ => Clause::Silent,
    }
}
