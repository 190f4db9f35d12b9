//! `kcbx diff`.

use crate::error::Result;

/// diff
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    todo!("diff")
}
