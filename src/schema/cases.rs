//! The layout of `cases.csv` (and `cases.xlsx`), the case list every run writes and the
//! next run reads back: one row type whose field order is the column order. The report
//! stage fills it from a case (`report::cases_csv::record`), the round trip reads an
//! earlier run's file into it (`roundtrip::history`), and the README's column list is
//! generated from it (`manual`).
//!
//! Pipeline position: **schema** (ground floor; imports nothing of the crate).

/// One row of cases.csv (and of cases.xlsx): the field order is the column order, the
/// field names are the column names. The writer serializes it and the history reader
/// (`roundtrip::history::PastRun::load`) deserializes it; `#[serde(default)]`
/// lets a cases.csv written before a column existed be read (the missing column is empty).
/// Every value is the text as written, so that reading and writing again keeps the bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CaseRow {
    /// Stable case id (problem, person or name + birth + place); the key across runs.
    pub case_id: String,
    /// The English problem code ([`crate::rules::Problem::key`]).
    pub problem: String,
    /// The Chinese problem name.
    pub problem_label: String,
    pub town: String,
    pub village: String,
    pub group: String,
    pub householder: String,
    pub name: String,
    pub gender: String,
    pub id_number: String,
    pub birth_date: String,
    /// Age in whole years on the run's as-of date.
    pub age: String,
    /// 是 / 否.
    pub poverty: String,
    /// Category and grade as one text, e.g. `肢体残疾2级`.
    pub disability: String,
    pub match_method: String,
    /// Tier-3 link score, two decimals; empty for exact links.
    pub score: String,
    pub school: String,
    pub student_no: String,
    pub description: String,
    pub evidence: String,
    /// The suggested measure of the problem.
    pub measure: String,
    pub responsible_unit: String,
    pub responsible_person: String,
    pub responsible_phone: String,
    pub deadline: String,
    /// The rows the case was found in, `; `-separated.
    pub source: String,
    /// `open`, `reopened` or `closed`.
    pub status: String,
    pub first_seen: String,
    pub times_returned: String,
    pub last_outcome: String,
    pub outcome_note: String,
    pub closed_in: String,
    pub person_ref: String,
    pub closure_note: String,
    pub closure_data: String,
    /// 区县; empty in a run of one district (and in runs before the column existed).
    pub district: String,
}

impl CaseRow {
    /// The values in column order, as cases.csv writes them (for cases.xlsx, which writes
    /// the same table cell by cell).
    pub fn values(&self) -> Vec<String> {
        values_of(std::slice::from_ref(self)).pop().expect("one record")
    }
}

/// The values of each row in column order, as cases.csv writes them: the rows go through one
/// csv writer and one reader (a reader is costly to set up, so not one per row).
pub fn values_of(rows: &[CaseRow]) -> Vec<Vec<String>> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    for row in rows {
        w.serialize(row).expect("CaseRow serializes");
    }
    let bytes = w.into_inner().expect("in memory");
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes.as_slice());
    r.records().map(|record| record.expect("csv the writer wrote").iter().map(str::to_string).collect()).collect()
}

/// The column names, in order: the field names of [`CaseRow`] (the csv crate writes them
/// as the header of a serialized struct).
pub fn columns() -> &'static [String] {
    static COLUMNS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(CaseRow::default()).expect("CaseRow serializes");
        let bytes = w.into_inner().expect("in memory");
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        r.headers().expect("header").iter().map(str::to_string).collect()
    });
    &COLUMNS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_the_field_names_and_a_row_reads_back() {
        let cols = columns();
        assert_eq!(cols.first().map(String::as_str), Some("case_id"));
        assert_eq!(cols.last().map(String::as_str), Some("district"));
        let row = CaseRow { case_id: "C1".into(), evidence: "a, \"b\"\nc".into(), ..CaseRow::default() };
        let values = row.values();
        assert_eq!(values.len(), cols.len());
        assert_eq!(values[cols.iter().position(|c| c == "evidence").unwrap()], "a, \"b\"\nc");
    }

    #[test]
    fn an_older_file_without_a_column_reads_it_as_empty() {
        let text = "case_id,problem,status,times_returned\nC1,not_enrolled,closed,2\n";
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<CaseRow> = r.deserialize().collect::<Result<_, _>>().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].case_id, "C1");
        assert_eq!(rows[0].status, "closed");
        assert_eq!(rows[0].times_returned, "2");
        assert_eq!(rows[0].district, "");
        assert_eq!(rows[0].closure_data, "");
    }
}
