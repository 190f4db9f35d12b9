//! The only module that touches polars: the equi-join of the exact-ID tier (and of
//! duplicate detection), and the group counts the reports need. Everything goes through
//! the lazy API with an explicit sort, so results come out in the same order every run.
//!
//! Pipeline position: a helper of **link** and **report**; it knows nothing of census or
//! 学籍, only of indices, ID numbers and string keys. Keeping polars behind this narrow door keeps
//! compile times and polars upgrades contained.

use polars::prelude::*;

/// Polars fails here only on a bug of ours or of polars (the frames are built from our own
/// indices and keys); the message names columns, never values.
fn internal(e: PolarsError) -> ! {
    panic!("内部表运算失败 (polars internal error): {e}")
}

/// Inner join of two keyed index lists: every `(left index, right index)` whose keys are
/// equal, sorted by left index then right index. A key repeated on both sides yields every
/// combination. The keys are valid ID numbers as integers
/// ([`crate::normalize::id_number::IdNumber::number`]): polars joins integers several times
/// faster than text.
///
/// ```
/// let left = [(0, 11), (1, 12), (2, 11)];
/// let right = [(7, 11), (8, 13)];
/// assert_eq!(kcbx::frame::join_keys(&left, &right), vec![(0, 7), (2, 7)]);
/// ```
///
/// # Panics
/// Only on an internal polars error.
pub fn join_keys(left: &[(u32, u64)], right: &[(u32, u64)]) -> Vec<(u32, u32)> {
    if left.is_empty() || right.is_empty() {
        return Vec::new();
    }
    let frame = |idx: &str, rows: &[(u32, u64)]| -> PolarsResult<LazyFrame> {
        let ids: Vec<u32> = rows.iter().map(|r| r.0).collect();
        let keys: Vec<u64> = rows.iter().map(|r| r.1).collect();
        let df = DataFrame::new_infer_height(vec![Column::new(idx.into(), ids), Column::new("key".into(), keys)])?;
        Ok(df.lazy())
    };
    let run = || -> PolarsResult<Vec<(u32, u32)>> {
        let joined = frame("l", left)?
            .inner_join(frame("r", right)?, col("key"), col("key"))
            .select([col("l"), col("r")])
            .sort(["l", "r"], SortMultipleOptions::default())
            .collect()?;
        let l = joined.column("l")?.u32()?;
        let r = joined.column("r")?.u32()?;
        Ok(l.into_no_null_iter().zip(r.into_no_null_iter()).collect())
    };
    run().unwrap_or_else(|e| internal(e))
}

/// Group counts over key columns given column by column (`columns[k][row]`, every column
/// the same length): each distinct key tuple with the number of rows that have it, sorted
/// by the keys (byte order of the text, the same as Rust's `String` order). No columns or
/// no rows give an empty output.
///
/// ```
/// let col = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
/// let towns = col(&["荣隆镇", "昌元街道", "荣隆镇"]);
/// let codes = col(&["NE", "NE", "NE"]);
/// let counts = kcbx::frame::count_by(&[towns, codes]);
/// assert_eq!(counts[0], (vec!["昌元街道".to_string(), "NE".to_string()], 1));
/// assert_eq!(counts[1], (vec!["荣隆镇".to_string(), "NE".to_string()], 2));
/// ```
///
/// # Panics
/// If the columns differ in length (a bug in the caller), or on an internal polars error.
pub fn count_by(columns: &[Vec<String>]) -> Vec<(Vec<String>, u64)> {
    let Some(first) = columns.first() else {
        return Vec::new();
    };
    let height = first.len();
    assert!(columns.iter().all(|c| c.len() == height), "count_by: key columns of different lengths");
    if height == 0 {
        return Vec::new();
    }
    let names: Vec<String> = (0..columns.len()).map(|i| format!("k{i}")).collect();
    let run = || -> PolarsResult<Vec<(Vec<String>, u64)>> {
        let cols: Vec<Column> = names
            .iter()
            .zip(columns)
            .map(|(name, c)| {
                let values: Vec<&str> = c.iter().map(String::as_str).collect();
                Column::new(name.as_str().into(), values)
            })
            .collect();
        let keys: Vec<Expr> = names.iter().map(|n| col(n.as_str())).collect();
        let counted = DataFrame::new_infer_height(cols)?
            .lazy()
            .group_by(keys)
            .agg([len().cast(DataType::UInt64).alias("n")])
            .sort(names.iter().map(String::as_str).collect::<Vec<_>>(), SortMultipleOptions::default())
            .collect()?;
        let key_cols =
            names.iter().map(|n| counted.column(n).and_then(|c| c.str()).cloned()).collect::<PolarsResult<Vec<_>>>()?;
        let n = counted.column("n")?.u64()?;
        Ok(n.into_no_null_iter()
            .enumerate()
            .map(|(row, count)| {
                let key = key_cols.iter().map(|c| c.get(row).unwrap_or_default().to_string()).collect();
                (key, count)
            })
            .collect())
    };
    run().unwrap_or_else(|e| internal(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn join_is_sorted_and_complete() {
        let left = [(5, 1), (1, 2), (3, 1)];
        let right = [(9, 1), (2, 1), (4, 3)];
        assert_eq!(join_keys(&left, &right), vec![(3, 2), (3, 9), (5, 2), (5, 9)]);
        assert!(join_keys(&left, &[]).is_empty());
    }

    #[test]
    #[should_panic(expected = "different lengths")]
    fn count_by_refuses_ragged_columns() {
        count_by(&[strings(&["a"]), strings(&["a", "b"])]);
    }

    #[test]
    fn counts_are_sorted_by_keys() {
        let columns = vec![strings(&["b", "a", "b", "a"]), strings(&["2", "1", "2", "3"])];
        let flat: Vec<(String, u64)> = count_by(&columns).into_iter().map(|(k, n)| (k.join("|"), n)).collect();
        assert_eq!(flat, vec![("a|1".into(), 1), ("a|3".into(), 1), ("b|2".into(), 2)]);
        let owned: Vec<Vec<String>> = vec![vec!["x".to_string(); 3]];
        assert_eq!(count_by(&owned), vec![(vec!["x".to_string()], 3)]);
        assert!(count_by(&[]).is_empty());
        assert!(count_by(&[Vec::<String>::new()]).is_empty());
    }
}
