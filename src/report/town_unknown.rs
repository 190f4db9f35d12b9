//! Cases without a town (镇街), counted by the file, sheet and town column of their first
//! source row: a data fault the 汇总 workbook and `run.json` report, so that the office can
//! tell which list left the town empty. People are placed in a town from their village
//! before the rules run ([`crate::link::place`]); what is counted here is what that left.
//!
//! Pipeline position: rules → **report**.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::rules::Case;
use crate::table::Inputs;

/// Cases without a town, by where they came from.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TownUnknown {
    /// Open cases without a town.
    pub cases: usize,
    /// Per file and sheet of the case's first source row: the cases, and the town column
    /// (its header; empty when the sheet has none).
    pub sources: Vec<TownUnknownSource>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TownUnknownSource {
    pub file: String,
    pub sheet: String,
    /// The header of the sheet's town column, or empty when it has none.
    pub column: String,
    pub cases: usize,
    /// What is wrong, in words.
    pub reason: String,
}

/// Counts the open cases without a town by the file, sheet and town column of their first
/// source row (cases with no source row count under an empty file).
pub fn town_unknown(cases: &[Case], inputs: &Inputs) -> TownUnknown {
    let mut by_sheet: BTreeMap<Option<u32>, usize> = BTreeMap::new();
    let mut total = 0;
    for c in cases.iter().filter(|c| !c.history.closed && c.town.is_empty()) {
        total += 1;
        *by_sheet.entry(c.sources.first().map(|p| p.sheet)).or_default() += 1;
    }
    let sources = by_sheet
        .into_iter()
        .map(|(sheet, n)| match sheet {
            Some(s) => {
                let info = &inputs.sheets[s as usize];
                let column = info.columns.iter().find(|m| m.field == "town").map(|m| m.header.clone());
                let reason = match &column {
                    Some(h) => format!("镇街列「{h}」为空，村名不能唯一确定镇街"),
                    None => "该表没有可识别的镇街列，村名不能唯一确定镇街".to_string(),
                };
                TownUnknownSource {
                    file: inputs.files[info.file as usize].display.clone(),
                    sheet: info.name.clone(),
                    column: column.unwrap_or_default(),
                    cases: n,
                    reason,
                }
            }
            None => TownUnknownSource {
                file: String::new(),
                sheet: String::new(),
                column: String::new(),
                cases: n,
                reason: "无来源行".to_string(),
            },
        })
        .collect();
    TownUnknown { cases: total, sources }
}
