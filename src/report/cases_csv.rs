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
];

/// Writes the case list.
pub fn write(out: impl Write, cases: &[Case], inputs: &Inputs, as_of: chrono::NaiveDate) -> std::io::Result<()> {
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for c in cases {
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
        w.write_record([
            c.case_id.as_str(),
            c.problem.key(),
            c.problem.label(),
            &c.town,
            &c.village,
            &c.group,
            &c.householder,
            &c.name,
            &c.sex,
            &c.id_number,
            &c.birth.map(|b| b.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            &c.birth.map(|b| crate::rules::window::age_on(b, as_of).to_string()).unwrap_or_default(),
            if c.poverty { "是" } else { "否" },
            &disability,
            &c.match_method,
            &c.score.map(|s| format!("{s:.2}")).unwrap_or_default(),
            &c.school,
            &c.student_no,
            &c.description,
            &c.evidence,
            c.problem.measure(),
            &c.responsible_unit,
            &c.responsible_person,
            &c.responsible_phone,
            &c.deadline.format("%Y-%m-%d").to_string(),
            &sources.join("; "),
            if c.history.closed { "closed" } else { "open" },
            &c.history.first_seen,
            &c.history.times_returned.to_string(),
            &c.history.last_outcome,
            &c.history.outcome_note,
            &c.history.closed_in,
            &c.person_ref,
        ])?;
    }
    w.flush()?;
    Ok(())
}
