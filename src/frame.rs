//! The only module that touches polars: the equi-join of the exact-ID tier (and of
//! duplicate detection), and the group counts the reports need. Everything goes through
//! the lazy API with an explicit sort, so results come out in the same order every run.
//!
//! Pipeline position: a helper of **link** and **report**; it knows nothing of census or
//! 学籍, only of indices and string keys. Keeping polars behind this narrow door keeps
//! compile times and polars upgrades contained.

use polars::prelude::*;

use crate::error::{Error, Result};

/// Maps a polars error (which never carries cell values here: the frames are built from
/// our own indices and keys, and the message names columns only) into a data error.
fn internal(e: PolarsError) -> Error {
    Error::data(format!("内部表运算失败 (polars): {e}"))
}

/// Inner join of two keyed index lists: every `(left index, right index)` whose keys are
/// equal, sorted by left index then right index. A key repeated on both sides yields every
/// combination.
///
/// ```
/// let left = [(0, "a"), (1, "b"), (2, "a")];
/// let right = [(7, "a"), (8, "c")];
/// assert_eq!(kcbx::frame::join_keys(&left, &right).unwrap(), vec![(0, 7), (2, 7)]);
/// ```
pub fn join_keys(left: &[(u32, &str)], right: &[(u32, &str)]) -> Result<Vec<(u32, u32)>> {
    if left.is_empty() || right.is_empty() {
        return Ok(Vec::new());
    }
    let frame = |idx: &str, rows: &[(u32, &str)]| -> PolarsResult<LazyFrame> {
        let ids: Vec<u32> = rows.iter().map(|r| r.0).collect();
        let keys: Vec<&str> = rows.iter().map(|r| r.1).collect();
        let df = DataFrame::new_infer_height(vec![Column::new(idx.into(), ids), Column::new("key".into(), keys)])?;
        Ok(df.lazy())
    };
    let joined = frame("l", left)
        .and_then(|l| {
            let r = frame("r", right)?;
            l.inner_join(r, col("key"), col("key"))
                .select([col("l"), col("r")])
                .sort(["l", "r"], SortMultipleOptions::default())
                .collect()
        })
        .map_err(internal)?;
    let l = joined.column("l").and_then(|c| c.u32()).map_err(internal)?;
    let r = joined.column("r").and_then(|c| c.u32()).map_err(internal)?;
    Ok(l.into_no_null_iter().zip(r.into_no_null_iter()).collect())
}

/// Group counts: rows of string keys (all rows the same width) → each distinct key tuple
/// with the number of rows that have it, sorted by the keys (byte order of the text, the
/// same as Rust's `String` order). An empty input gives an empty output.
///
/// ```
/// let rows = vec![vec!["荣隆镇", "NE"], vec!["昌元街道", "NE"], vec!["荣隆镇", "NE"]];
/// let counts = kcbx::frame::count_by(&rows).unwrap();
/// assert_eq!(counts[0], (vec!["昌元街道".to_string(), "NE".to_string()], 1));
/// assert_eq!(counts[1], (vec!["荣隆镇".to_string(), "NE".to_string()], 2));
/// ```
pub fn count_by<R, S>(rows: &[R]) -> Result<Vec<(Vec<String>, u64)>>
where
    R: AsRef<[S]>,
    S: AsRef<str>,
{
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let width = first.as_ref().len();
    if let Some(bad) = rows.iter().position(|r| r.as_ref().len() != width) {
        return Err(Error::data(format!("内部表运算失败：第 {} 行的分组键列数与第 1 行不同", bad + 1)));
    }
    if width == 0 {
        return Ok(vec![(Vec::new(), rows.len() as u64)]);
    }
    let names: Vec<String> = (0..width).map(|i| format!("k{i}")).collect();
    let counted = (|| -> PolarsResult<DataFrame> {
        let columns: Vec<Column> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let values: Vec<&str> = rows.iter().map(|r| r.as_ref()[i].as_ref()).collect();
                Column::new(name.as_str().into(), values)
            })
            .collect();
        let keys: Vec<Expr> = names.iter().map(|n| col(n.as_str())).collect();
        DataFrame::new_infer_height(columns)?
            .lazy()
            .group_by(keys)
            .agg([len().cast(DataType::UInt64).alias("n")])
            .sort(names.iter().map(String::as_str).collect::<Vec<_>>(), SortMultipleOptions::default())
            .collect()
    })()
    .map_err(internal)?;
    let key_cols = names
        .iter()
        .map(|n| counted.column(n).and_then(|c| c.str()).cloned())
        .collect::<PolarsResult<Vec<_>>>()
        .map_err(internal)?;
    let n = counted.column("n").and_then(|c| c.u64()).map_err(internal)?;
    let mut out = Vec::with_capacity(counted.height());
    for (row, count) in n.into_no_null_iter().enumerate() {
        let key = key_cols.iter().map(|c| c.get(row).unwrap_or_default().to_string()).collect();
        out.push((key, count));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_is_sorted_and_complete() {
        let left = [(5, "x"), (1, "y"), (3, "x")];
        let right = [(9, "x"), (2, "x"), (4, "z")];
        assert_eq!(join_keys(&left, &right).unwrap(), vec![(3, 2), (3, 9), (5, 2), (5, 9)]);
        assert!(join_keys(&left, &[]).unwrap().is_empty());
    }

    #[test]
    fn counts_are_sorted_by_keys() {
        let rows = vec![vec!["b", "2"], vec!["a", "1"], vec!["b", "2"], vec!["a", "3"]];
        let counts = count_by(&rows).unwrap();
        let flat: Vec<(String, u64)> = counts.into_iter().map(|(k, n)| (k.join("|"), n)).collect();
        assert_eq!(flat, vec![("a|1".into(), 1), ("a|3".into(), 1), ("b|2".into(), 2)]);
        assert!(count_by::<Vec<&str>, &str>(&[]).unwrap().is_empty());
        assert!(count_by(&[vec!["a"], vec!["a", "b"]]).is_err());
    }
}
