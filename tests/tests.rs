//! The one integration-test binary: each module tests one area by running the `kcbx` binary
//! or the library over real files.

mod builder;
mod fuzz_fixtures;
mod fuzz_normalize;
mod hostile;
mod util;

mod bench_log;
mod districts;
mod inspection;
mod ledger_workbooks;
mod link_data;
mod link_quality;
mod link_tiers;
mod memory_guard;
mod place_towns;
mod read_errors;
mod read_fixtures;
mod read_formats;
mod read_hostile;
mod read_scale;
mod read_support;
mod readme;
mod roundtrip_answers;
mod roundtrip_determinism;
mod roundtrip_history;
mod roundtrip_month;
mod roundtrip_reopen;
mod roundtrip_xls;
mod rules_enrollment_state;
mod rules_exemptions;
mod rules_home_teaching;
mod rules_linkage;
mod rules_non_completer;
mod rules_roster;
mod rules_sample;
mod rules_unseen;
mod rules_window;
mod sample_check;
mod sample_data;
mod sample_eval;
mod schools;
mod weekly_form;
mod weekly_sample;
