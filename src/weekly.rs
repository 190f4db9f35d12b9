//! The weekly pipeline (周报表 / 日报表). Not built yet.

use crate::error::{Error, Result};
use crate::plan::Plan;

pub fn run(plan: &Plan, _args: &crate::cmd::run::Args) -> Result<()> {
    Err(Error::usage(format!("管线 {} 为 weekly 类型，尚未支持 (weekly pipelines are not supported yet)", plan.name)))
}
