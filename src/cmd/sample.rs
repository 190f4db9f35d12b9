//! `kcbx sample`.

use crate::error::Result;

/// sample
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<()> {
    todo!("sample")
}
