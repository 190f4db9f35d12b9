//! `rejects.csv`: every input row not used, with its reason — file, sheet, row, column,
//! reason, and nothing else (no cell values, so no personal data).

use std::io::Write;

use crate::table::Inputs;

pub fn write(out: impl Write, inputs: &Inputs) -> std::io::Result<()> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["file", "sheet", "row", "column", "reason"])?;
    let mut rejects: Vec<_> = inputs.rejects.iter().collect();
    rejects.sort_by_key(|r| (r.prov.sheet, r.prov.row));
    for r in rejects {
        let (file, sheet) = inputs.locate(r.prov);
        w.write_record([file, sheet, &r.prov.row.to_string(), r.column.as_deref().unwrap_or(""), &r.reason])?;
    }
    w.flush()
}
