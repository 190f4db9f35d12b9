//! The attendance counts of the weekly report: one row per school with its 本月实际在校学生数
//! (column 5 of the 周报表). Only the weekly pipeline uses them.
//!
//! Pipeline position: read → **sources** (attendance) → weekly.

use chrono::NaiveDate;

use super::row::Columns;
use super::Rejects;
use crate::table::{Prov, RawTable};

/// One row of an attendance sheet: a school's 本月实际在校学生数.
#[derive(Clone, Debug)]
pub struct AttendanceRec {
    pub prov: Prov,
    pub school: String,
    pub present: u32,
}

/// Types one attendance table, rejecting rows without a school or a whole count.
pub fn extract(table: &RawTable, inputs: &mut Rejects, as_of: NaiveDate) -> Vec<AttendanceRec> {
    let cols = Columns::new(table, as_of);
    let mut out = Vec::new();
    for raw in &table.rows {
        let r = cols.row(raw);
        let school = r.text("school").to_string();
        if school.is_empty() {
            inputs.reject(r.prov(), Some("学校名称"), "学校名称为空 (no school name)");
            continue;
        }
        match r.number("present") {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n < 1e6 => {
                out.push(AttendanceRec { prov: r.prov(), school, present: n as u32 })
            }
            _ => inputs.reject(r.prov(), Some("实际在校学生数"), "实际在校学生数不是非负整数 (not a whole number)"),
        }
    }
    out
}
