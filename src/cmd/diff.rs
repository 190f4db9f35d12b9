//! `kcbx diff OLD_RUN NEW_RUN` — what changed between two runs: new, resolved, still open,
//! and changed (same person, different problem type), per town and village.

use std::path::PathBuf;

use crate::error::Result;
use crate::roundtrip::history::{self, Change, Now, PastRun};

const LONG_ABOUT: &str = "\
比较两次运行的问题清单（各自的 cases.csv）：新增、已解决、仍未解决、类型变化、重新打开，按镇街和村统计。
Compare two run folders: new, resolved, still-open and changed cases per town and village.
A case closed (销号) in the newer run counts as resolved.

Examples:
  kcbx diff out/2020-05 out/2020-06
  kcbx diff out/2020-05 out/2020-06 --details";

/// 比较两次运行 (compare two runs).
#[derive(Debug, clap::Args)]
#[command(long_about = LONG_ABOUT)]
pub struct Args {
    /// 较早的运行目录 (older run folder)
    pub old: PathBuf,
    /// 较新的运行目录 (newer run folder)
    pub new: PathBuf,
    /// 逐条列出变化的 case_id (list every changed case id)
    #[arg(long)]
    pub details: bool,
}

pub fn run(args: Args) -> Result<()> {
    let old = PastRun::load(&args.old)?;
    let new = PastRun::load(&args.new)?;
    let now: Vec<Now> = new.cases.iter().map(Now::of_past).collect();
    let rows = history::diff(&old.cases, &now);
    let counts = history::counts(&rows);
    println!("{} → {}", old.label, new.label);
    println!(
        "{:<12}{:<14}{:>6}{:>8}{:>10}{:>10}{:>10}",
        "镇街", "村(社区)", "新增", "已解决", "仍未解决", "类型变化", "重新打开"
    );
    let mut totals = [0usize; Change::COUNT];
    for ((town, village), n) in &counts {
        println!("{:<12}{:<14}{:>6}{:>8}{:>10}{:>10}{:>10}", town, village, n[0], n[1], n[2], n[3], n[4]);
        for k in 0..Change::COUNT {
            totals[k] += n[k];
        }
    }
    println!(
        "{:<26}{:>6}{:>8}{:>10}{:>10}{:>10}",
        "合计 (total)", totals[0], totals[1], totals[2], totals[3], totals[4]
    );
    if args.details {
        for r in &rows {
            if r.change == Change::StillOpen {
                continue;
            }
            let was = if r.previous_case_id.is_empty() || r.previous_case_id == r.case_id {
                String::new()
            } else {
                format!(" (原 {})", r.previous_case_id)
            };
            println!("{}\t{}{}\t{}\t{}", r.change.label(), r.case_id, was, r.town, r.village);
        }
    }
    Ok(())
}
