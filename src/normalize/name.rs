//! Person names: NFKC, every inner space removed (`龙    念` → `龙念`), middle-dot variants
//! unified to `·`; and the pinyin of each character, which linkage uses to treat homophones
//! (晓/小, 红/宏) as near.

use pinyin::ToPinyin;

/// Characters people use for the middle dot in minority and foreign names.
const DOTS: &[char] = &['·', '•', '‧', '・', '･', '∙', '⋅', '.', '。', '-', '－', '—'];

/// Normalises a name for comparison and display.
pub fn normalize(raw: &str) -> String {
    let compacted = super::compact(raw);
    if !compacted.contains(DOTS) {
        return compacted;
    }
    let mut out = String::with_capacity(compacted.len());
    for c in compacted.chars() {
        if DOTS.contains(&c) {
            if !out.is_empty() && !out.ends_with('·') {
                out.push('·');
            }
        } else {
            out.push(c);
        }
    }
    while out.ends_with('·') {
        out.pop();
    }
    out
}

/// The toneless pinyin of each character (`None` for a character without one).
pub fn syllables(name: &str) -> Vec<Option<&'static str>> {
    name.chars().map(|c| c.to_pinyin().map(|p| p.plain())).collect()
}

/// Every toneless reading of one character (heteronyms included: 乐 → le, yue), in the
/// dictionary's order, without repeats. Empty for a character without a reading.
pub fn readings(c: char) -> Vec<&'static str> {
    use pinyin::ToPinyinMulti;
    let mut out: Vec<&'static str> = Vec::new();
    if let Some(multi) = c.to_pinyin_multi() {
        for p in multi {
            let plain = p.plain();
            if !out.contains(&plain) {
                out.push(plain);
            }
        }
    }
    out
}

/// Full-name pinyin key, syllables joined without separators (`longnian`). Characters
/// without a reading are kept as they are.
pub fn pinyin_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 2);
    for c in name.chars() {
        match c.to_pinyin() {
            Some(p) => out.push_str(p.plain()),
            None => out.push(c),
        }
    }
    out
}

/// The surname: the first character (compound surnames are rare enough that blocking on the
/// first character loses nothing).
pub fn surname(name: &str) -> Option<char> {
    name.chars().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_and_dots() {
        assert_eq!(normalize("龙    念"), "龙念");
        assert_eq!(normalize(" 龙\u{3000}念 "), "龙念");
        assert_eq!(normalize("阿依古丽•买买提"), "阿依古丽·买买提");
        assert_eq!(normalize("阿依古丽.买买提"), "阿依古丽·买买提");
    }

    #[test]
    fn homophones_share_pinyin() {
        assert_eq!(pinyin_key("张晓红"), pinyin_key("张小宏"));
        assert_ne!(pinyin_key("张晓红"), pinyin_key("张晓明"));
        assert!(readings('乐').contains(&"yue"));
        assert!(readings('a').is_empty());
    }
}
