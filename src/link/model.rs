//! The linkage model as data (Splink-style): blocking keys, comparison levels per field
//! with their weights, and the accept / review thresholds. Read from the pipeline's
//! `[linkage]` table, defaulted, validated, and written into every run folder.

use serde::{Deserialize, Serialize};

/// `[linkage]` in a pipeline file. Every key optional.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkConfig {
    /// Score at or above which a fuzzy candidate is linked.
    pub accept: f64,
    /// Score at or above which (and below `accept`) a candidate becomes a match_review case.
    pub review: f64,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig { accept: 10.0, review: 6.0 }
    }
}

impl LinkConfig {
    /// Checks the thresholds and weights make sense.
    pub fn validate(&self) -> Result<(), String> {
        if self.review > self.accept {
            return Err(format!("review ({}) 不能大于 accept ({})", self.review, self.accept));
        }
        Ok(())
    }
}
