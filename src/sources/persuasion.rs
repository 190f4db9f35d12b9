//! The daily 劝返 (persuasion to return) records: who was visited, when, by whom and what
//! came of it ([`Attempt`]: three failed attempts make a child due for the 辍学学生花名册).
//! The weekly pipeline counts them; a clearance run with 劝返 records pre-fills the
//! 督查要点's 劝返 items from them.
//!
//! Pipeline position: read → **sources** (劝返) → weekly / report.

use chrono::NaiveDate;

use super::row::Columns;
use super::Rejects;
use crate::normalize::id_number::{IdNumber, IdStatus};
use crate::table::{Prov, RawTable};

/// What one 劝返 attempt came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Attempt {
    /// 劝返无效 / 未果 / 拒绝 / 联系不上 …: counts towards the three-attempt rule.
    Failed,
    /// 已复学 / 同意返校 / 已到校 ….
    Succeeded,
    /// Anything else (a note, an appointment): recorded, not counted.
    Other,
}

impl Attempt {
    /// Reads an outcome text. Failure words are looked for first, so that `家长不同意返校`
    /// is a failure although it contains `同意` and `返校`.
    pub fn judge(outcome: &str) -> Attempt {
        let s = crate::normalize::compact(outcome);
        const FAILED: &[&str] = &[
            "无效",
            "未果",
            "失败",
            "拒绝",
            "不同意",
            "不愿",
            "不肯",
            "不配合",
            "未返校",
            "未复学",
            "未到校",
            "没有返校",
            "联系不上",
            "无法联系",
            "未联系上",
            "未见到",
            "未找到",
            "不在家",
        ];
        const SUCCEEDED: &[&str] = &["已复学", "复学", "已返校", "返校", "已到校", "到校", "成功", "同意"];
        if FAILED.iter().any(|k| s.contains(k)) {
            Attempt::Failed
        } else if SUCCEEDED.iter().any(|k| s.contains(k)) {
            Attempt::Succeeded
        } else {
            Attempt::Other
        }
    }
}

/// One 劝返 record: a child, a date, what came of it.
#[derive(Clone, Debug)]
pub struct PersuasionRec {
    pub prov: Prov,
    pub school: String,
    pub name: String,
    pub id: IdNumber,
    pub student_no: String,
    pub date: NaiveDate,
    pub outcome: String,
    pub attempt: Attempt,
    pub staff: String,
}

/// Types one 劝返 table, rejecting rows that name nobody, have no usable date or no outcome.
pub fn extract(table: &RawTable, inputs: &mut Rejects, as_of: NaiveDate) -> Vec<PersuasionRec> {
    let cols = Columns::new(table, as_of);
    let mut out = Vec::new();
    for raw in &table.rows {
        let r = cols.row(raw);
        let name = r.name("name");
        let id = r.id("id_number");
        let student_no = crate::normalize::compact(&r.text("student_no")).to_uppercase();
        if name.is_empty() && id.status == IdStatus::Missing && student_no.is_empty() {
            inputs.reject(r.prov(), None, "姓名、身份证号和学籍号均为空 (no name, ID or student number)");
            continue;
        }
        let Some(date) = r.date("date") else {
            inputs.reject(r.prov(), Some("劝返日期"), "劝返日期为空或无法识别 (no usable date)");
            continue;
        };
        let outcome = r.text("outcome");
        if outcome.is_empty() {
            inputs.reject(r.prov(), Some("劝返情况"), "劝返情况为空 (no outcome)");
            continue;
        }
        out.push(PersuasionRec {
            prov: r.prov(),
            school: r.text("school").to_string(),
            id,
            student_no,
            date,
            attempt: Attempt::judge(&outcome),
            outcome: outcome.to_string(),
            staff: r.name("staff").to_string(),
            name: name.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_failure_words_first() {
        assert_eq!(Attempt::judge("家长不同意返校"), Attempt::Failed);
        assert_eq!(Attempt::judge("劝返无效"), Attempt::Failed);
        assert_eq!(Attempt::judge("未见到本人，联系不上家长"), Attempt::Failed);
        assert_eq!(Attempt::judge("家长同意下周返校"), Attempt::Succeeded);
        assert_eq!(Attempt::judge("已复学"), Attempt::Succeeded);
        assert_eq!(Attempt::judge("约定周五再访"), Attempt::Other);
    }
}
