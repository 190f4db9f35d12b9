//! `rejects.csv`: every input row not used, with its reason — file, sheet, row, column,
//! kind, reason, and nothing else (no cell values, so no personal data).
//!
//! `kind` tells the two ways a row goes unused: 剔除 (rejected: a row of data that cannot
//! be used — it counts as `rejected` in run.json) and 跳过 (skipped: a 合计 row, a note or
//! signature row, a repeated header row — `skipped`), plus one 跳过 line with an empty row
//! number for every sheet skipped whole (no recognisable header, an empty sheet). Blank rows
//! are skipped too but only counted (`skipped_blank`), not listed: a sheet has thousands of
//! them past its data in some files, and they hold nothing to look at.
//!
//! Pipeline position: report (written from [`Inputs`], which read and sources filled).

use std::io::Write;

use crate::table::Inputs;

/// The `kind` of a rejected row.
pub const REJECTED: &str = "剔除";
/// The `kind` of a skipped row or sheet.
pub const SKIPPED: &str = "跳过";

pub fn write(out: impl Write, inputs: &Inputs) -> std::io::Result<()> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["file", "sheet", "row", "column", "kind", "reason"])?;
    // (sheet, row, kind, column, reason); a whole sheet has no row and comes first.
    let mut lines: Vec<(u32, Option<u32>, &str, &str, String)> = Vec::new();
    for (i, s) in inputs.sheets.iter().enumerate() {
        if let Some(reason) = &s.skipped {
            lines.push((i as u32, None, SKIPPED, "", format!("整张工作表未读取：{reason}")));
        }
    }
    for r in &inputs.rejects {
        lines.push((r.prov.sheet, Some(r.prov.row), REJECTED, r.column.as_deref().unwrap_or(""), r.reason.clone()));
    }
    for s in &inputs.skips {
        lines.push((s.prov.sheet, Some(s.prov.row), SKIPPED, "", s.reason.to_string()));
    }
    // Stable: two rejects of one row keep the order they were made in.
    lines.sort_by_key(|l| (l.0, l.1));
    for (sheet, row, kind, column, reason) in lines {
        let (file, name) = inputs.locate(crate::table::Prov { sheet, row: 0 });
        let row = row.map(|r| r.to_string()).unwrap_or_default();
        w.write_record([file, name, &row, column, kind, &reason])?;
    }
    w.flush()
}
