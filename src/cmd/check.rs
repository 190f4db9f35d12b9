//! `kcbx check`.

use crate::error::Result;

/// check
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    todo!("check")
}
