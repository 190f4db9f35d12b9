//! The only module that touches polars (TEMPORARY: plain Rust until the link branch lands).

use std::collections::BTreeMap;

/// Counts rows by key columns (column-major: `columns[k][row]`); sorted distinct key tuples.
pub fn count_by(columns: &[Vec<String>]) -> Vec<(Vec<String>, u64)> {
    let rows = columns.first().map_or(0, Vec::len);
    let mut map: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    for r in 0..rows {
        *map.entry(columns.iter().map(|c| c[r].clone()).collect()).or_default() += 1;
    }
    map.into_iter().collect()
}
