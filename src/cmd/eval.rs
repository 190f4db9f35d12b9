//! `kcbx eval`.

use crate::error::Result;

/// eval
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    todo!("eval")
}
