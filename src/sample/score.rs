//! Scoring a run's `cases.csv` against a sample's `truth.csv` (`kcbx eval`): per problem code
//! true positives, false positives, false negatives, precision and recall.
//!
//! Matching, per problem code: a case matches a truth row whose `id_number` or `listed_id`
//! equals the case's (non-empty) `id_number`; failing that, one with the same normalised name
//! and birth date. Each truth row and each case is matched at most once; ID matches are made
//! first over all cases, then name-and-birth matches, both in file order, so the result does
//! not depend on which kind of match a case happens to meet first. `match_review` has no
//! truth and is only counted.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::truth::{self, TruthRow, MATCH_REVIEW, PROBLEMS};
use crate::error::{Error, Result};
use crate::normalize::{date, id_number, name};

/// One case of a run: the cases.csv row type ([`crate::schema::cases`]), of which `kcbx eval`
/// uses case_id, problem, name, id_number and birth_date.
pub use crate::schema::cases::CaseRow;

/// The figures of one problem code.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ProblemScore {
    pub problem: String,
    pub label: String,
    pub truth: usize,
    pub cases: usize,
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// None when there are no cases.
    pub precision: Option<f64>,
    /// None when there is no truth.
    pub recall: Option<f64>,
    /// Truth row numbers (data rows, 1-based, header excluded) not matched by any case.
    #[serde(skip)]
    pub missed: Vec<usize>,
    /// case_ids not matching any truth row.
    #[serde(skip)]
    pub extra: Vec<String>,
}

/// The whole score.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Score {
    pub problems: Vec<ProblemScore>,
    pub total: ProblemScore,
    /// Number of match_review cases (no truth).
    pub match_review: usize,
}

impl Score {
    pub fn get(&self, problem: &str) -> Option<&ProblemScore> {
        self.problems.iter().find(|p| p.problem == problem)
    }
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn norm_id(s: &str) -> String {
    id_number::clean(s)
}

fn norm_date(s: &str) -> String {
    date::parse_text(s).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| s.trim().to_string())
}

/// Scores cases against truth rows.
pub fn score(truth_rows: &[TruthRow], cases: &[CaseRow]) -> Score {
    let mut codes: Vec<String> = PROBLEMS.iter().map(|(c, _)| c.to_string()).collect();
    for p in truth_rows.iter().map(|t| &t.problem).chain(cases.iter().map(|c| &c.problem)) {
        if p != MATCH_REVIEW.0 && !codes.contains(p) {
            codes.push(p.clone());
        }
    }
    let mut out =
        Score { match_review: cases.iter().filter(|c| c.problem == MATCH_REVIEW.0).count(), ..Score::default() };
    for code in codes {
        let t: Vec<(usize, &TruthRow)> = truth_rows.iter().enumerate().filter(|(_, r)| r.problem == code).collect();
        let c: Vec<&CaseRow> = cases.iter().filter(|r| r.problem == code).collect();
        let mut t_used = vec![false; t.len()];
        let mut c_used = vec![false; c.len()];
        // Pass 1: IDs.
        for (ci, case) in c.iter().enumerate() {
            let id = norm_id(&case.id_number);
            if id.is_empty() {
                continue;
            }
            if let Some(ti) = (0..t.len()).find(|&ti| {
                !t_used[ti]
                    && (norm_id(&t[ti].1.id_number) == id
                        || (!t[ti].1.listed_id.is_empty() && norm_id(&t[ti].1.listed_id) == id))
            }) {
                t_used[ti] = true;
                c_used[ci] = true;
            }
        }
        // Pass 2: name and birth date.
        for (ci, case) in c.iter().enumerate() {
            if c_used[ci] {
                continue;
            }
            let n = name::normalize(&case.name);
            let b = norm_date(&case.birth_date);
            if n.is_empty() || b.is_empty() {
                continue;
            }
            if let Some(ti) = (0..t.len())
                .find(|&ti| !t_used[ti] && name::normalize(&t[ti].1.name) == n && norm_date(&t[ti].1.birth_date) == b)
            {
                t_used[ti] = true;
                c_used[ci] = true;
            }
        }
        let tp = c_used.iter().filter(|u| **u).count();
        let ps = ProblemScore {
            label: truth::label(&code).to_string(),
            problem: code,
            truth: t.len(),
            cases: c.len(),
            tp,
            fp: c.len() - tp,
            fn_: t.len() - tp,
            precision: ratio(tp, c.len()),
            recall: ratio(tp, t.len()),
            missed: t.iter().zip(&t_used).filter(|(_, u)| !**u).map(|((i, _), _)| i + 1).collect(),
            extra: c.iter().zip(&c_used).filter(|(_, u)| !**u).map(|(c, _)| c.case_id.clone()).collect(),
        };
        out.total.truth += ps.truth;
        out.total.cases += ps.cases;
        out.total.tp += ps.tp;
        out.total.fp += ps.fp;
        out.total.fn_ += ps.fn_;
        out.problems.push(ps);
    }
    out.total.problem = "total".into();
    out.total.label = "合计".into();
    out.total.precision = ratio(out.total.tp, out.total.cases);
    out.total.recall = ratio(out.total.tp, out.total.truth);
    out
}

/// Reads a CSV file (UTF-8, BOM optional) into header → value maps.
fn read_csv(path: &Path) -> Result<Vec<BTreeMap<String, String>>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(format!("无法读取 {}", path.display()), e))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| Error::data(format!("{} 不是有效的 CSV (not a CSV file)：{e}", path.display())))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| Error::data(format!("{} 第 {} 行无法读取：{e}", path.display(), i + 2)))?;
        rows.push(headers.iter().cloned().zip(rec.iter().map(str::to_string)).collect());
    }
    Ok(rows)
}

fn need<T>(rows: &[T], path: &Path, columns: &[&str], have: &[String]) -> Result<()> {
    let missing: Vec<&str> = columns.iter().copied().filter(|c| !have.iter().any(|h| h == c)).collect();
    if missing.is_empty() || rows.is_empty() {
        Ok(())
    } else {
        Err(Error::data(format!("{} 缺少列 (missing columns)：{}", path.display(), missing.join(", "))))
    }
}

/// Reads a `truth.csv`.
pub fn read_truth(path: &Path) -> Result<Vec<TruthRow>> {
    let rows = read_csv(path)?;
    let have: Vec<String> = rows.first().map(|r| r.keys().cloned().collect()).unwrap_or_default();
    need(&rows, path, &["problem", "id_number", "listed_id", "name", "birth_date"], &have)?;
    let get = |r: &BTreeMap<String, String>, k: &str| r.get(k).cloned().unwrap_or_default();
    Ok(rows
        .iter()
        .map(|r| TruthRow {
            problem: get(r, "problem"),
            id_number: get(r, "id_number"),
            listed_id: get(r, "listed_id"),
            name: get(r, "name"),
            birth_date: get(r, "birth_date"),
            town: get(r, "town"),
            village: get(r, "village"),
            detail: get(r, "detail"),
        })
        .collect())
}

/// Reads a run's `cases.csv` through its row type (a column an older file lacks is empty;
/// the five eval needs must be there).
pub fn read_cases(path: &Path) -> Result<Vec<CaseRow>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(format!("无法读取 {}", path.display()), e))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let have: Vec<String> = r
        .headers()
        .map_err(|e| Error::data(format!("{} 不是有效的 CSV (not a CSV file)：{e}", path.display())))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    r.set_headers(csv::StringRecord::from(have.clone()));
    let rows = r
        .deserialize::<CaseRow>()
        .enumerate()
        .map(|(i, row)| row.map_err(|e| Error::data(format!("{} 第 {} 行无法读取：{e}", path.display(), i + 2))))
        .collect::<Result<Vec<CaseRow>>>()?;
    need(&rows, path, &["case_id", "problem", "name", "id_number", "birth_date"], &have)?;
    Ok(rows)
}

/// Scores two files.
pub fn score_files(truth_path: &Path, cases_path: &Path) -> Result<Score> {
    Ok(score(&read_truth(truth_path)?, &read_cases(cases_path)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(problem: &str, id: &str, listed: &str, name: &str, birth: &str) -> TruthRow {
        TruthRow {
            problem: problem.into(),
            id_number: id.into(),
            listed_id: listed.into(),
            name: name.into(),
            birth_date: birth.into(),
            town: String::new(),
            village: String::new(),
            detail: String::new(),
        }
    }

    fn c(case_id: &str, problem: &str, id: &str, name: &str, birth: &str) -> CaseRow {
        CaseRow {
            case_id: case_id.into(),
            problem: problem.into(),
            name: name.into(),
            id_number: id.into(),
            birth_date: birth.into(),
            ..CaseRow::default()
        }
    }

    #[test]
    fn id_listed_id_and_name_birth_matches() {
        let truth = vec![
            t("not_enrolled", "A", "", "龙念", "2010-05-03"),
            t("not_enrolled", "B", "B1", "张三", "2011-01-01"),
            t("not_enrolled", "C", "", "李四", "2012-02-02"),
            t("id_invalid", "D", "D9", "王五", "2013-03-03"),
        ];
        let cases = vec![
            c("NE-1", "not_enrolled", "", "龙  念", "2010/5/3"),
            c("NE-2", "not_enrolled", "B1", "x", "x"),
            c("NE-3", "not_enrolled", "Z", "赵六", "2012-02-02"),
            c("II-1", "id_invalid", "D9", "", ""),
            c("MR-1", "match_review", "", "", ""),
        ];
        let s = score(&truth, &cases);
        let ne = s.get("not_enrolled").unwrap();
        assert_eq!((ne.tp, ne.fp, ne.fn_), (2, 1, 1));
        assert_eq!(ne.missed, vec![3]);
        assert_eq!(ne.extra, vec!["NE-3".to_string()]);
        let ii = s.get("id_invalid").unwrap();
        assert_eq!((ii.tp, ii.fp, ii.fn_, ii.precision, ii.recall), (1, 0, 0, Some(1.0), Some(1.0)));
        assert_eq!(s.match_review, 1);
        assert_eq!((s.total.tp, s.total.fp, s.total.fn_), (3, 1, 1));
        let oa = s.get("out_of_area_unverified").unwrap();
        assert_eq!((oa.precision, oa.recall), (None, None));
    }

    #[test]
    fn each_truth_row_matches_once() {
        let truth = vec![t("duplicate_registration", "A", "A", "甲", "2010-01-01")];
        let cases = vec![
            c("DR-1", "duplicate_registration", "A", "甲", "2010-01-01"),
            c("DR-2", "duplicate_registration", "A", "甲", "2010-01-01"),
        ];
        let s = score(&truth, &cases);
        let dr = s.get("duplicate_registration").unwrap();
        assert_eq!((dr.tp, dr.fp, dr.fn_), (1, 1, 0));
    }
}
