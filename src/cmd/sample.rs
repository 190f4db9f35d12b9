//! `kcbx sample`: writes a synthetic data set modelled on 重庆市荣昌区 with its pipeline file and
//! ground truth (see [`crate::sample`]).

use std::path::PathBuf;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::sample::{self, Scale};

const AFTER_HELP: &str = "\
生成的文件 (what is written into DIR):
  大清查/      各镇街清查登记表（xlsx、xls，昌元街道每村一个工作簿）
  学籍/        每校学籍导出（一校为 GBK 编码 CSV）及 2015 年以来学籍异动记录
  建档立卡/    建档立卡贫困人口（.xls，分两个工作表）
  残联/ 送教上门/ 缓学免学/ 责任人名单/
  周报/        两期全区学籍导出（2020-05-15、05-22）、实际在校人数、劝返记录，
               及其 weekly 管线 周报/pipeline.toml（周报表与日报表）
  pipeline.toml   指向以上文件的管线 (kind = \"clearance\")；加 --pipelines DIR 时两个管线
                  改为写入 DIR/clearance.toml 和 DIR/weekly.toml（路径相对于 DIR），不写在数据旁
  truth.csv       标准答案：每个应发现的问题一行 (ground truth, one row per expected case)
  injections.csv  注入的错误及其位置，以及应剔除、跳过的行和工作表（合计、填表说明等）
                  (every injected fault, and every row or sheet a run must not use, with file/sheet/row)

同一种子生成的文件逐字节相同 (same seed → byte-identical files).
数据为合成数据，不含真实个人信息 (synthetic; no real personal data).

Examples:
  kcbx sample --out demo
  kcbx sample --out demo-district --scale district --seed 7
  kcbx sample --out three-cities --scale city --districts 75
  kcbx sample --out sample_data --pipelines pipelines --force   (仓库自带的样例)
  kcbx run demo/pipeline.toml && kcbx eval demo/truth.csv demo/out/<运行>/cases.csv";

/// 生成合成样例数据及标准答案 — write a synthetic sample data set with its ground truth.
#[derive(Debug, clap::Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// 输出文件夹 (output folder; created if missing, must be empty unless --force)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// 随机种子 (seed; the same seed gives the same files)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// 规模 (scale): small ≈6千行清查表, district ≈6万行, city ≈150万行
    #[arg(long, value_enum, default_value_t = Scale::Small)]
    pub scale: Scale,
    /// 区县数，仅用于 city 规模（默认 25；每区县约 6 万行清查表，如 75 ≈ 三个城市）
    /// (districts, city scale only: default 25, ≈60,000 census rows each)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(2..=200))]
    pub districts: Option<u16>,
    /// 覆盖已有的样例文件 (replace an earlier sample in DIR; other files are left alone)
    #[arg(long)]
    pub force: bool,
    /// 管线文件写入此文件夹（clearance.toml、weekly.toml，路径相对于它），而不写在数据旁
    /// (write the two pipeline files into this folder, globs relative to it, instead of
    /// pipeline.toml beside the data; the repository's own sample uses `pipelines`)
    #[arg(long, value_name = "PDIR")]
    pub pipelines: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let out = &args.out;
    if args.districts.is_some() && args.scale != Scale::City {
        return Err(Error::usage("--districts 只用于 --scale city (only with the city scale)"));
    }
    if out.exists() {
        let mut entries =
            std::fs::read_dir(out).map_err(|e| Error::io(format!("无法读取文件夹 {}", out.display()), e))?;
        if entries.next().is_some() {
            if !args.force {
                return Err(Error::usage(format!(
                    "文件夹 {} 不是空的；如要覆盖其中的样例数据，请加 --force (folder not empty; use --force)",
                    out.display()
                )));
            }
            for name in sample::OUTPUTS {
                let p = out.join(name);
                let res = if p.is_dir() {
                    std::fs::remove_dir_all(&p)
                } else if p.exists() {
                    std::fs::remove_file(&p)
                } else {
                    Ok(())
                };
                res.map_err(|e| Error::io(format!("无法删除旧的样例文件 {}", p.display()), e))?;
            }
        }
    }
    if let Some(dir) = &args.pipelines {
        for name in ["clearance.toml", "weekly.toml"] {
            let p = dir.join(name);
            if p.exists() && !args.force {
                return Err(Error::usage(format!(
                    "管线文件 {} 已存在；如要覆盖，请加 --force (pipeline file exists; use --force)",
                    p.display()
                )));
            }
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("无法创建文件夹 {}", dir.display()), e))?;
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(format!("无法创建文件夹 {}", out.display()), e))?;
    let start = Instant::now();
    let pipelines = match &args.pipelines {
        Some(dir) => sample::Pipelines::Into(dir),
        None => sample::Pipelines::Beside,
    };
    let s = sample::generate(out, args.seed, args.scale, args.districts.map(usize::from), pipelines)?;
    let secs = start.elapsed().as_secs_f64();
    println!("已生成样例数据 (sample written)：{}，规模 {}，种子 {}", out.display(), args.scale.key(), args.seed);
    println!(
        "  {} 个区县、{} 个镇街、{} 所学校；{} 个文件，共 {:.1} MiB；用时 {secs:.1} 秒",
        s.districts,
        s.towns,
        s.schools,
        s.files,
        s.bytes as f64 / 1_048_576.0
    );
    println!(
        "  清查表 {} 行，学籍 {} 行（在籍与异动），注入错误 {} 处，应剔除或跳过的行和工作表 {} 处",
        s.census_rows, s.enrollment_rows, s.injections, s.unused
    );
    println!("  标准答案 (truth.csv)：");
    for (code, n) in &s.truth {
        println!("    {:<28} {:<24} {n:>7}", code, sample::truth::label(code));
    }
    Ok(())
}
