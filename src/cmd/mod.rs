//! One module per subcommand, each with its clap `Args` (help in Chinese with English and
//! an Examples section) and `pub fn run(args) -> Result<()>`.

pub mod check;
pub mod diff;
pub mod eval;
pub mod run;
pub mod sample;
