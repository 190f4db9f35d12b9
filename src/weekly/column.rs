//! The 16 columns of the 周报表 (attachment 1), in the order the notice prints them. The form
//! and its checks name a column by its printed number (第7栏 辍学, 第14栏 劝返复学 — the two
//! the notice watches), the workbook writer by its 0-based sheet column: both come from here.
//!
//! Pipeline position: vocabulary of the weekly stages (changes → form → write).

use serde::{Serialize, Serializer};

/// A column of the 周报表; the discriminant is the number printed under the header (1–16).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WeeklyColumn {
    /// 1 学区.
    Unit = 1,
    /// 2 学校名称.
    School,
    /// 3 学校类别（小学或初中）.
    SchoolType,
    /// 4 本学期学籍系统注册学生数: students who count at the school at the week's end.
    Roll,
    /// 5 本月实际在校学生数: attendance where given, else column 4.
    Present,
    /// 6 本周减少学生数 小计 (= 7 + … + 11).
    Decreases,
    /// 7 辍学人数.
    Dropout,
    /// 8 转出人数.
    TransferOut,
    /// 9 休学人数.
    Suspended,
    /// 10 借读（出）人数.
    VisitOut,
    /// 11 死亡人数.
    Death,
    /// 12 本周增加学生数 小计 (= 13 + 14 + 15).
    Increases,
    /// 13 转入人数.
    TransferIn,
    /// 14 劝返复学人数.
    Returned,
    /// 15 借读（入）人数.
    VisitIn,
    /// 16 备注.
    Remark,
}

impl WeeklyColumn {
    /// Every column, in printed order.
    pub const ALL: [WeeklyColumn; 16] = [
        WeeklyColumn::Unit,
        WeeklyColumn::School,
        WeeklyColumn::SchoolType,
        WeeklyColumn::Roll,
        WeeklyColumn::Present,
        WeeklyColumn::Decreases,
        WeeklyColumn::Dropout,
        WeeklyColumn::TransferOut,
        WeeklyColumn::Suspended,
        WeeklyColumn::VisitOut,
        WeeklyColumn::Death,
        WeeklyColumn::Increases,
        WeeklyColumn::TransferIn,
        WeeklyColumn::Returned,
        WeeklyColumn::VisitIn,
        WeeklyColumn::Remark,
    ];
    /// The columns that hold counts (4–15), in order.
    pub const COUNTS: [WeeklyColumn; 12] = [
        WeeklyColumn::Roll,
        WeeklyColumn::Present,
        WeeklyColumn::Decreases,
        WeeklyColumn::Dropout,
        WeeklyColumn::TransferOut,
        WeeklyColumn::Suspended,
        WeeklyColumn::VisitOut,
        WeeklyColumn::Death,
        WeeklyColumn::Increases,
        WeeklyColumn::TransferIn,
        WeeklyColumn::Returned,
        WeeklyColumn::VisitIn,
    ];
    /// The parts of 本周减少 (columns 7–11), whose sum is column 6.
    pub const DECREASE_PARTS: [WeeklyColumn; 5] = [
        WeeklyColumn::Dropout,
        WeeklyColumn::TransferOut,
        WeeklyColumn::Suspended,
        WeeklyColumn::VisitOut,
        WeeklyColumn::Death,
    ];
    /// The parts of 本周增加 (columns 13–15), whose sum is column 12.
    pub const INCREASE_PARTS: [WeeklyColumn; 3] =
        [WeeklyColumn::TransferIn, WeeklyColumn::Returned, WeeklyColumn::VisitIn];

    /// The number printed under the header (1-based), as in 第7栏.
    pub const fn number(self) -> u16 {
        self as u16
    }

    /// The 0-based column of the sheet.
    pub const fn index(self) -> u16 {
        self as u16 - 1
    }

    /// The column printed as number `n` (1–16).
    pub fn from_number(n: u16) -> Option<WeeklyColumn> {
        Self::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// The column of 0-based sheet column `i`.
    pub fn from_index(i: u16) -> Option<WeeklyColumn> {
        Self::from_number(i + 1)
    }

    /// The header text of the column (the lower header row's, under 本周减少 / 本周增加).
    pub fn label(self) -> &'static str {
        match self {
            WeeklyColumn::Unit => "学区",
            WeeklyColumn::School => "学校名称",
            WeeklyColumn::SchoolType => "学校类别（小学或初中）",
            WeeklyColumn::Roll => "本学期学籍系统注册学生数",
            WeeklyColumn::Present => "本月实际在校学生数",
            WeeklyColumn::Decreases | WeeklyColumn::Increases => "小计",
            WeeklyColumn::Dropout => "辍学人数",
            WeeklyColumn::TransferOut => "转出人数",
            WeeklyColumn::Suspended => "休学人数",
            WeeklyColumn::VisitOut => "借读（出）人数",
            WeeklyColumn::Death => "死亡人数",
            WeeklyColumn::TransferIn => "转入人数",
            WeeklyColumn::Returned => "劝返复学人数",
            WeeklyColumn::VisitIn => "借读（入）人数",
            WeeklyColumn::Remark => "备注",
        }
    }
}

/// Serialized as its printed number, as the 核对 records of run.json always held it.
impl Serialize for WeeklyColumn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u16(self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_indexes_agree() {
        for (i, c) in WeeklyColumn::ALL.iter().enumerate() {
            assert_eq!(c.index() as usize, i);
            assert_eq!(c.number() as usize, i + 1);
            assert_eq!(WeeklyColumn::from_number(c.number()), Some(*c));
        }
        assert_eq!(WeeklyColumn::Dropout.number(), 7);
        assert_eq!(WeeklyColumn::Returned.number(), 14);
        assert_eq!(WeeklyColumn::from_number(0), None);
        assert_eq!(WeeklyColumn::from_number(17), None);
    }
}
