//! The one integration-test binary (autotests = false): each `mod` is a file of tests.

mod sample_data;
mod sample_eval;
