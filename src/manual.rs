//! The parts of the README that are generated from the code, so the user's manual and the
//! program cannot drift apart: the recognised column names of every source kind (from
//! [`crate::schema::fields`]) and the linkage model with its default weights (from
//! [`crate::schema::linkage`]), and the school words that let 已在校就读并注册学籍 close a case
//! (from [`crate::roundtrip::verify`]), and the columns of cases.csv (from
//! [`crate::schema::cases::CaseRow`]). A test compares them with README.md; run it with
//! `KCBX_UPDATE_README=1` to rewrite the blocks after changing a table.
//!
//! Pipeline position: none — it reads the knowledge homes (schema, roundtrip) for the README
//! test and `kcbx check`.

use std::fmt::Write;

use crate::roundtrip::verify;
use crate::schema::linkage::LinkConfig;
use crate::schema::{cases, fields, SourceKind};

/// The recognised-columns block: one table per source kind.
pub fn fields_markdown() -> String {
    let mut out = String::new();
    for kind in SourceKind::ALL {
        let _ = writeln!(out, "**{} `{}`**\n", kind.label(), kind.key());
        out.push_str("| 字段 (field) | 含义 | 可识别的表头 (recognised headers) |\n| --- | --- | --- |\n");
        for f in fields::table(kind) {
            let mut flags = String::new();
            if f.required {
                flags.push('★');
            }
            if f.grouping {
                flags.push('☰');
            }
            let aliases: Vec<String> = f.aliases.iter().map(|a| a.replace('|', "\\|")).collect();
            let _ = writeln!(out, "| `{}` {flags} | {} | {} |", f.name, f.label, aliases.join("、"));
        }
        let any = fields::any_of(kind);
        if !any.is_empty() {
            let _ = writeln!(
                out,
                "\n至少需要其中一列 (at least one of): {}",
                any.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join("、")
            );
        }
        out.push('\n');
    }
    out
}

/// The linkage block: tiers, blocks, levels with their default weights, thresholds.
pub fn linkage_markdown() -> String {
    let model = LinkConfig::default().model();
    let mut out = String::new();
    out.push_str("每条记录至多链接一次，按层次依次进行：\n\n");
    for (i, t) in model.tiers.iter().enumerate() {
        let _ = writeln!(out, "{}. `{}` — {}", i + 1, t.method.key(), t.description);
    }
    let _ = writeln!(out, "\n第三层只比较至少共享一个分块键的记录（分块键 `blocks`）：\n");
    for b in &model.blocks {
        let key = serde_json::to_value(b.key).expect("serializable");
        let _ = writeln!(out, "- `{}`：{}", key.as_str().unwrap_or_default(), b.description);
    }
    out.push_str("\n每个字段按下表顺序取第一个成立的级别，得分为各字段权重（log2 贝叶斯因子）之和。\n");
    out.push_str("权重可在管线文件 `[linkage.weights]` 中修改（键名即“级别”一列）。\n\n");
    out.push_str("| 字段 | 级别 (`[linkage.weights]` 键) | 条件 | 默认权重 |\n| --- | --- | --- | ---: |\n");
    for f in &model.fields {
        for l in &f.levels {
            let _ = writeln!(out, "| {} | `{}` | {} | {} |", f.label, l.level.key(), l.condition, l.weight);
        }
    }
    let _ = writeln!(
        out,
        "\n阈值：得分 ≥ `accept`（默认 {}）链接；`review`（默认 {}）≤ 得分 < `accept` 不链接，列为 `match_review`。\n",
        model.accept, model.review
    );
    for r in &model.rules {
        let _ = writeln!(out, "- {r}");
    }
    out.push_str(
        "\n每个链接和问题都附“匹配依据”，如 `身份证号第14位不一致（学籍录入有误），姓名、出生日期、村社一致 → 学籍：荣昌中学 初二(3)班（学籍号 G500153200701011234）`；\
         其他名单上的记录不是按相同身份证号对上的，也写明如何对上，如 `残疾人名单按姓名、出生日期、村社对应（残疾人名单身份证号缺失）`。\
         本次实际使用的模型写入运行目录的 `linkage_model.json`。\n",
    );
    out
}

/// The school-words block: when 已在校就读并注册学籍 closes a case ([`verify::names_school`]).
pub fn school_words_markdown() -> String {
    let quoted = |words: &[&str]| words.join("、");
    format!(
        "“已在校就读并注册学籍”在核实说明或整改情况写明学校时销号：两栏合起来按标点（逗号、句号、分号、冒号、\
         顿号、括号、问号、感叹号、换行）分成若干分句，某一分句含下列**学校字样**之一、且同一分句不含下列\
         **否定或离校字样**时，视为写明了学校；否则仍为待核实。\n\n\
         - 学校字样：{}\n\
         - 否定或离校字样：{}\n\n\
         例：“已在荣隆镇中心校就读”“在双河完小读三年级”“学籍原在仁义中学已转出，现在荣隆中学就读”（第二个分句）\
         销号；“已入学”“已在校就读”（未写学校）、“未在学校就读”“没有学校接收”“在荣隆小学就读但无学籍”\
         “已从荣隆中学辍学”不销号。\n",
        quoted(verify::SCHOOL_WORDS),
        quoted(verify::NOT_AT_SCHOOL)
    )
}

/// The cases.csv columns block: the field names of [`cases::CaseRow`] in column order, as
/// one code span wrapped at about 100 characters.
pub fn cases_columns_markdown() -> String {
    let mut out = String::from("`");
    let mut line = 1;
    let columns = cases::columns();
    for (i, c) in columns.iter().enumerate() {
        let piece = if i + 1 < columns.len() { format!("{c},") } else { format!("{c}`") };
        if line + 1 + piece.len() > 100 {
            out.push('\n');
            line = 0;
        } else if i > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(&piece);
        line += piece.len();
    }
    out.push('\n');
    out
}

/// Replaces the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.
pub fn splice(readme: &str, name: &str, body: &str) -> Option<String> {
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let b = readme.find(&begin)? + begin.len();
    let e = readme.find(&end)?;
    Some(format!("{}\n{}{}", &readme[..b], body, &readme[e..]))
}
