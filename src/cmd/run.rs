//! `kcbx run PIPELINE.toml` — the main job: read every source, link people, apply the
//! rules, write the run folder (问题台账 per town, cases.csv, rejects.csv, run.json).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::plan::{self, Overrides, PipelineKind};
use crate::report::{self, manifest, RunDir};
use crate::{people, read, rules, sources};

const LONG_ABOUT: &str = "\
运行管线：读取管线文件列出的所有表格，按身份证号及姓名、出生日期、住址比对，\
按规则生成各镇街问题台账。
Run a pipeline: read every source, link people, apply the rules, and write one 问题台账 \
workbook per town plus cases.csv, rejects.csv and run.json into a new run folder.

输出 (outputs): <output.dir>/<label>/ — 问题台账/<镇街>问题台账.xlsx, cases.csv, rejects.csv,
run.json, linkage_model.json. The folder is written under a temporary name and renamed when
complete; an existing folder is never overwritten.

退出码 (exit codes): 0 成功; 1 输入数据有误（不生成台账）; 2 用法或管线文件有误.

Examples:
  kcbx run pipelines/clearance.toml
  kcbx run pipelines/clearance.toml --out /tmp/runs --label 2020-05
  kcbx run pipelines/clearance.toml --as-of 2020-06-01";

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
    /// 另为每个村(社区)单独生成台账 (also write one workbook per village)
    #[arg(long)]
    pub per_village: bool,
    /// 不输出进度信息 (no progress output)
    #[arg(long, short)]
    pub quiet: bool,
}

/// Parses `YYYY-MM-DD` for clap.
pub fn parse_date(s: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| format!("“{s}”不是 YYYY-MM-DD 格式的日期"))
}

pub fn run(args: Args) -> Result<()> {
    let overrides = Overrides { out: args.out.clone(), as_of: args.as_of };
    let mut plan = plan::load(&args.pipeline, &overrides)?;
    plan.per_village |= args.per_village;
    if plan.kind != PipelineKind::Clearance {
        return Err(Error::usage(format!(
            "管线 {} 的 kind = \"weekly\"，请用周报表管线运行方式 (weekly pipelines are not run by this command yet)",
            args.pipeline.display()
        )));
    }
    let say = |msg: &str| {
        if !args.quiet {
            eprintln!("kcbx: {msg}");
        }
    };
    let mut timings = BTreeMap::new();

    let t = Instant::now();
    let outcome = read::read_all(&plan);
    timings.insert("read", t.elapsed().as_millis());
    for note in &outcome.notes {
        say(note);
    }
    if !outcome.problems.is_empty() {
        return Err(Error::Data(outcome.problems));
    }
    let mut inputs = outcome.inputs;

    let t = Instant::now();
    let data = sources::build(outcome.sources, &mut inputs, &plan.values);
    timings.insert("normalize", t.elapsed().as_millis());
    say(&format!(
        "已读取：清查表 {} 行，学籍 {} 行，建档立卡 {} 行 (rows read)",
        data.census.len(),
        data.enrollment.len(),
        data.poverty.len()
    ));

    let t = Instant::now();
    let people = people::resolve(&data, &plan);
    timings.insert("link", t.elapsed().as_millis());

    let t = Instant::now();
    let cases = rules::evaluate(&people, &data, &plan, &inputs);
    timings.insert("rules", t.elapsed().as_millis());

    let t = Instant::now();
    let label = args.label.clone().unwrap_or_else(|| report::default_label(&plan.output_dir));
    let dir = RunDir::create(&plan.output_dir, &label)?;
    let mut outputs = report::write_ledgers(&dir, &cases, &plan)?;
    outputs.extend(report::write_csvs(&dir, &cases, &inputs, &plan)?);
    outputs.push(report::write_json(&dir, "linkage_model.json", &plan.linkage)?);
    timings.insert("report", t.elapsed().as_millis());
    outputs.push("run.json".into());
    let m = manifest::Manifest {
        tool: "kcbx",
        version: env!("CARGO_PKG_VERSION"),
        pipeline: &plan.name,
        pipeline_file: plan.path.display().to_string(),
        label: &label,
        params: &plan.params,
        inputs: manifest::InputsReport {
            files: manifest::files(&inputs, &plan),
            accounting: manifest::accounting(&inputs),
        },
        cases: manifest::case_counts(&cases),
        timings_ms: timings,
        outputs,
    };
    report::write_json(&dir, "run.json", &m)?;
    let done = dir.finish()?;
    say(&format!("完成：{} 个问题，输出目录 {} (done)", cases.len(), done.display()));
    println!("{}", done.display());
    Ok(())
}
