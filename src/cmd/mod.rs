//! One module per subcommand, each with its clap `Args` (help in Chinese with English and
//! an Examples section) and `pub fn run(args) -> Result<()>`.
//!
//! Pipeline position: the top, a leaf nothing imports (only `main.rs`): a subcommand turns its
//! `Args` into plain values (a [`crate::plan::Plan`], [`crate::pipeline::RunOptions`]) and
//! calls the library; `cmd/run.rs` hands a clearance plan to [`crate::pipeline::clearance`]
//! and a weekly one to [`crate::weekly`].

pub mod check;
pub mod diff;
pub mod eval;
pub mod run;
pub mod sample;
