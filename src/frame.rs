//! polars
