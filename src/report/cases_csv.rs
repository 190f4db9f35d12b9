//! `cases.csv`: the machine-readable case list (UTF-8 with BOM so Excel opens it correctly),
//! stable English column names, rows in ledger order. Byte-identical for identical inputs,
//! label and previous run (the label is written as first_seen / closed_in; the previous
//! run gives the history).

use std::io::Write;

use crate::normalize::values::disability_category_label;
use crate::rules::Case;
use crate::table::Inputs;

/// The column names, in order.
pub const COLUMNS: &[&str] = &[
    "case_id",
    "problem",
    "problem_label",
    "town",
    "village",
    "group",
    "householder",
    "name",
    "gender",
    "id_number",
    "birth_date",
    "age",
    "poverty",
    "disability",
    "match_method",
    "score",
    "school",
    "student_no",
    "description",
    "evidence",
    "measure",
    "responsible_unit",
    "responsible_person",
    "responsible_phone",
    "deadline",
    "source",
    "status",
    "first_seen",
    "times_returned",
    "last_outcome",
    "outcome_note",
    "closed_in",
    "person_ref",
    "closure_note",
    "closure_data",
    "district",
];

/// One case as the row of cases.csv / cases.xlsx, in [`COLUMNS`] order.
pub fn record(c: &Case, inputs: &Inputs, as_of: chrono::NaiveDate) -> Vec<String> {
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
    vec![
        c.case_id.clone(),
        c.problem.key().to_string(),
        c.problem.label().to_string(),
        c.town.clone(),
        c.village.clone(),
        c.group.clone(),
        c.householder.clone(),
        c.name.clone(),
        c.sex.clone(),
        c.id_number.clone(),
        c.birth.map(|b| b.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        c.birth.map(|b| crate::rules::window::age_on(b, as_of).to_string()).unwrap_or_default(),
        if c.poverty { "是" } else { "否" }.to_string(),
        disability,
        c.match_method.clone(),
        c.score.map(|s| format!("{s:.2}")).unwrap_or_default(),
        c.school.clone(),
        c.student_no.clone(),
        c.description.clone(),
        c.evidence.clone(),
        c.problem.measure().to_string(),
        c.responsible_unit.clone(),
        c.responsible_person.clone(),
        c.responsible_phone.clone(),
        c.deadline.format("%Y-%m-%d").to_string(),
        sources.join("; "),
        match (c.history.closed, c.history.reopened) {
            (true, _) => "closed",
            (false, true) => "reopened",
            (false, false) => "open",
        }
        .to_string(),
        c.history.first_seen.clone(),
        c.history.times_returned.to_string(),
        c.history.last_outcome.clone(),
        c.history.outcome_note.clone(),
        c.history.closed_in.clone(),
        c.person_ref.clone(),
        c.history.closure_note.clone(),
        c.history.closure_data.clone(),
        c.district.clone(),
    ]
}

/// Writes the case list.
pub fn write(out: impl Write, cases: &[Case], inputs: &Inputs, as_of: chrono::NaiveDate) -> std::io::Result<()> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for c in cases {
        w.write_record(record(c, inputs, as_of))?;
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
    for (c, h) in COLUMNS.iter().enumerate() {
        ws.set_column_format(c as u16, &text)?;
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    ws.set_column_width(COLUMNS.iter().position(|c| *c == "id_number").expect("column") as u16, 20)?;
    for (r, c) in cases.iter().enumerate() {
        let r = 1 + r as u32;
        for (k, value) in record(c, inputs, as_of).iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            let number = NUMERIC.contains(&COLUMNS[k]).then(|| value.parse::<f64>().ok()).flatten();
            match number {
                Some(n) => ws.write_number(r, k as u16, n)?,
                None => ws.write_string_with_format(r, k as u16, value, &text)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, (cases.len() as u32).max(1), COLUMNS.len() as u16 - 1)?;
    wb.save(path)
}
