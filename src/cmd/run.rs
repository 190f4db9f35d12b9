//! `kcbx run`.

use crate::error::Result;

/// run
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    todo!("run")
}
