//! `cases.csv`: the machine-readable case list (UTF-8 with BOM so Excel opens it correctly),
//! stable English column names, rows in ledger order. Byte-identical for identical inputs,
//! label and previous run (the label is written as first_seen / closed_in; the previous
//! run gives the history).

use std::io::Write;

use crate::normalize::values::disability_category_label;
use crate::rules::Case;
pub use crate::schema::cases::{columns, values_of, CaseRow};
use crate::table::Inputs;

/// One case as the row of cases.csv / cases.xlsx.
pub fn record(c: &Case, inputs: &Inputs, as_of: chrono::NaiveDate) -> CaseRow {
    let sources: Vec<String> = if c.sources.is_empty() && !c.earlier_sources.is_empty() {
        // A case carried from an earlier run: the rows as that run described them.
        vec![c.earlier_sources.clone()]
    } else {
        c.sources.iter().map(|p| inputs.describe(*p)).collect()
    };
    let disability = c
        .disability_category
        .map(|k| {
            format!(
                "{}{}",
                disability_category_label(k),
                c.disability_grade.map(|g| format!("{g}级")).unwrap_or_default()
            )
        })
        .unwrap_or_default();
    CaseRow {
        case_id: c.case_id.clone(),
        problem: c.problem.key().to_string(),
        problem_label: c.problem.label().to_string(),
        town: c.town.clone(),
        village: c.village.clone(),
        group: c.group.clone(),
        householder: c.householder.clone(),
        name: c.name.clone(),
        gender: c.sex.clone(),
        id_number: c.id_number.clone(),
        birth_date: c.birth.map(crate::normalize::date::ymd).unwrap_or_default(),
        age: c.birth.map(|b| crate::rules::window::age_on(b, as_of).to_string()).unwrap_or_default(),
        poverty: if c.poverty { "是" } else { "否" }.to_string(),
        disability,
        match_method: c.match_method.clone(),
        score: c.score.map(|s| format!("{s:.2}")).unwrap_or_default(),
        school: c.school.clone(),
        student_no: c.student_no.clone(),
        description: c.description.clone(),
        evidence: c.evidence.clone(),
        measure: c.problem.measure().to_string(),
        responsible_unit: c.responsible_unit.clone(),
        responsible_person: c.responsible_person.clone(),
        responsible_phone: c.responsible_phone.clone(),
        deadline: crate::normalize::date::ymd(c.deadline),
        source: sources.join("; "),
        status: match (c.history.closed, c.history.reopened) {
            (true, _) => "closed",
            (false, true) => "reopened",
            (false, false) => "open",
        }
        .to_string(),
        first_seen: c.history.first_seen.clone(),
        times_returned: c.history.times_returned.to_string(),
        last_outcome: c.history.last_outcome.clone(),
        outcome_note: c.history.outcome_note.clone(),
        closed_in: c.history.closed_in.clone(),
        person_ref: c.person_ref.clone(),
        closure_note: c.history.closure_note.clone(),
        closure_data: c.history.closure_data.clone(),
        district: c.district.clone(),
    }
}

/// Writes the case list.
pub fn write(out: impl Write, cases: &[Case], inputs: &Inputs, as_of: chrono::NaiveDate) -> std::io::Result<()> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    // The header is written even when there are no cases (serialize writes none then).
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(out);
    w.write_record(columns())?;
    for c in cases {
        w.serialize(record(c, inputs, as_of))?;
    }
    w.flush()?;
    Ok(())
}

/// The columns of cases.xlsx written as numbers (the rest are text, IDs included).
const NUMERIC: &[&str] = &["age", "score", "times_returned"];

/// Writes `cases.xlsx`: the same table as cases.csv for people — every ID, 学籍号 and
/// phone number as text (Excel shows 18 digits, and saving keeps them), age, score and
/// times returned as numbers.
pub fn write_xlsx(
    path: &std::path::Path,
    cases: &[Case],
    inputs: &Inputs,
    as_of: chrono::NaiveDate,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut wb = super::xlsx::workbook("cases", as_of);
    let text = rust_xlsxwriter::Format::new().set_num_format("@");
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("cases")?;
    let columns = columns();
    for (c, h) in columns.iter().enumerate() {
        ws.set_column_format(c as u16, &text)?;
        ws.write_string_with_format(0, c as u16, h, &bold)?;
    }
    ws.set_column_width(columns.iter().position(|c| c == "id_number").expect("column") as u16, 20)?;
    // Rows are turned into values a few thousand at a time: one csv round trip per batch,
    // without holding a second copy of the whole table.
    let batches = cases.chunks(4096).flat_map(|batch| {
        let rows: Vec<CaseRow> = batch.iter().map(|c| record(c, inputs, as_of)).collect();
        values_of(&rows)
    });
    for (r, values) in batches.enumerate() {
        let r = 1 + r as u32;
        for (k, value) in values.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            let number = NUMERIC.contains(&columns[k].as_str()).then(|| value.parse::<f64>().ok()).flatten();
            match number {
                Some(n) => ws.write_number(r, k as u16, n)?,
                None => ws.write_string_with_format(r, k as u16, value, &text)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, (cases.len() as u32).max(1), columns.len() as u16 - 1)?;
    wb.save(path)
}
