//! The one integration-test binary: each module tests one area by running the `kcbx` binary
//! or the library over real files.

mod util;

mod bench_log;
mod link_data;
mod link_quality;
mod link_tiers;
mod read_errors;
mod read_fixtures;
mod read_scale;
mod read_support;
mod sample_data;
mod sample_eval;
