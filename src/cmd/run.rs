//! `kcbx run PIPELINE.toml` — the main job: read every source, apply returned corrections,
//! link people, apply the rules and returned outcomes, and write the run folder (问题台账
//! per town, 适龄儿童台账, 汇总.xlsx, 辍学学生花名册.xlsx, cases.csv, rejects.csv, run.json).

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::error::Result;
use crate::pipeline::{self, Previous, RunOptions};
use crate::plan::{self, Overrides, PipelineKind};
use crate::progress::LogFormat;

const LONG_ABOUT: &str = "\
运行管线：读取管线文件列出的所有表格，按身份证号及姓名、出生日期、住址比对，\
按规则生成各镇街问题台账。
Run a pipeline: read every source, link people, apply the rules, and write one 问题台账 \
workbook per town plus the district summary, cases.csv, rejects.csv and run.json into a new \
run folder.

输出 (outputs): <output.dir>/<label>/ — 问题台账/<镇街>问题台账.xlsx, 适龄儿童台账/,
学校问题清单/<学区>/<学校>.xlsx, 学区汇总/<学区>.xlsx, 督查要点/<学区>.xlsx, 汇总.xlsx, 辍学学生花名册.xlsx, cases.csv,
rejects.csv, run.json, linkage_model.json.
The folder is written under a temporary name and renamed when complete; an existing folder
is never overwritten.

周报表管线 (kind = weekly): writes 周报表.xlsx (attachment 1) and, when column 7 or 14 is
not zero, 辍学学生花名册日报表.xlsx (attachment 2); see the README.

上次运行 (previous run): history and 变化情况 compare with --previous DIR, by default the
latest earlier run in the same output folder; --no-previous starts afresh.

退出码 (exit codes): 0 成功; 1 输入数据有误（不生成台账）; 2 用法或管线文件有误.

Examples:
  kcbx run pipelines/clearance.toml
  kcbx run pipelines/clearance.toml --out /tmp/runs --label 2020-05
  kcbx run pipelines/clearance.toml --as-of 2020-06-01 --previous out/2020-05
  kcbx run pipelines/weekly.toml";

/// 运行管线，生成问题台账 (run a pipeline).
#[derive(Debug, clap::Args)]
#[command(long_about = LONG_ABOUT)]
pub struct Args {
    /// 管线文件 (pipeline file, TOML)
    pub pipeline: PathBuf,
    /// 输出目录，替代管线文件中的 output.dir (output folder; the run folder is created inside)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 基准日，替代 [params] as_of (reference date, YYYY-MM-DD)
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// 本次运行的目录名，默认为当前日期时间 (run folder name; default: date and time)
    #[arg(long)]
    pub label: Option<String>,
    /// 上次运行的目录，用于历史和变化情况 (previous run folder; default: the latest in the output folder)
    #[arg(long, conflicts_with = "no_previous")]
    pub previous: Option<PathBuf>,
    /// 不与上次运行比较 (do not compare with any previous run)
    #[arg(long)]
    pub no_previous: bool,
    /// 另为每个村(社区)单独生成台账 (also write one workbook per village)
    #[arg(long)]
    pub per_village: bool,
    /// 不输出进度信息 (no progress output)
    #[arg(long, short)]
    pub quiet: bool,
    /// 进度与日志格式：text（终端上显示进度条）或 json（每行一个 JSON 对象，便于自动化）
    /// (progress/log format on stderr: text, or json lines for automation)
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// Parses `YYYY-MM-DD` for clap.
pub fn parse_date(s: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| format!("“{s}”不是 YYYY-MM-DD 格式的日期"))
}

pub fn run(args: Args) -> Result<()> {
    let overrides = Overrides { out: args.out.clone(), as_of: args.as_of };
    let plan = plan::load(&args.pipeline, &overrides)?;
    let opts = options(&args);
    match plan.kind {
        PipelineKind::Clearance => pipeline::clearance::run(plan, &opts),
        PipelineKind::Weekly => crate::weekly::run(&plan, &opts),
    }
}

/// The run's options from the command line: what the pipelines read instead of `Args`.
fn options(args: &Args) -> RunOptions {
    let previous = match (&args.previous, args.no_previous) {
        (Some(dir), _) => Previous::Dir(dir.clone()),
        (None, true) => Previous::None,
        (None, false) => Previous::Latest,
    };
    RunOptions {
        label: args.label.clone(),
        previous,
        per_village: args.per_village,
        quiet: args.quiet,
        log_format: args.log_format,
    }
}
