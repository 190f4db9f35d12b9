//! Synthetic sample data with a known answer (`kcbx sample`), and scoring a run against it
//! (`kcbx eval`).
//!
//! Not a pipeline stage: it produces the pipeline's inputs. [`world`] builds a district modelled
//! on 重庆市荣昌区 — towns, villages, households, children with true schooling states and
//! injected faults; [`render`] writes the files a district office receives (census workbooks as
//! xlsx, .xls via [`xls`] and CSV; 学籍 exports; the poverty register; the disability,
//! home-teaching, exemption and responsibility lists) through [`book`]; [`truth`] applies the
//! rules of the README (问题类型与规则) to the world and writes `truth.csv` and `injections.csv`;
//! [`score`] compares a run's `cases.csv` with `truth.csv`.
//!
//! Everything is deterministic from the seed: [`rng`] is our own splitmix64, districts and
//! files are generated in parallel but collected in a fixed order, and every workbook writer
//! fixes its timestamps.
//!
//! Pipeline position: beside the pipeline, in front of it (it writes inputs for `kcbx run`);
//! of the stages it imports only [`crate::normalize`].

pub mod book;
pub mod names;
pub mod render;
pub mod rng;
pub mod score;
pub mod truth;
pub mod weekly;
pub mod world;
pub mod xls;
pub mod youths;

use std::path::Path;

use rayon::prelude::*;

use crate::error::{Error, Result};

/// How much data to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// ≈6,000 census rows in five towns of 荣昌区 (the committed `sample_data/`).
    Small,
    /// ≈60,000 census rows across all 21 towns and streets of 荣昌区.
    District,
    /// ≈1.5 million census rows across 25 districts of 重庆.
    City,
}

impl Scale {
    pub fn key(self) -> &'static str {
        match self {
            Scale::Small => "small",
            Scale::District => "district",
            Scale::City => "city",
        }
    }
}

/// What was generated: counts only, no personal data.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub bytes: u64,
    pub districts: usize,
    pub towns: usize,
    pub schools: usize,
    pub census_rows: usize,
    pub enrollment_rows: usize,
    /// Injected faults.
    pub injections: usize,
    /// Rows and sheets a run must reject or skip ([`render::UNUSED_KINDS`]).
    pub unused: usize,
    /// Truth rows per problem code, in report order.
    pub truth: Vec<(String, usize)>,
}

/// Folders and files a sample set consists of; `--force` clears exactly these.
pub const OUTPUTS: &[&str] = &[
    "大清查",
    "学籍",
    "建档立卡",
    "残联",
    "送教上门",
    "缓学免学",
    "责任人名单",
    weekly::FOLDER,
    "pipeline.toml",
    "truth.csv",
    "injections.csv",
];

/// Where a sample set's two pipeline files go.
#[derive(Clone, Copy, Debug)]
pub enum Pipelines<'a> {
    /// Beside the data: `pipeline.toml` and `周报/pipeline.toml` (globs relative to them).
    Beside,
    /// Into this folder (which must exist) as `clearance.toml` and `weekly.toml`, globs
    /// relative to it: how the repository keeps `pipelines/` as the one pipeline file of the
    /// shipped sample.
    Into(&'a Path),
}

/// Generates a sample set into `out` (which must exist and hold none of [`OUTPUTS`]);
/// `districts` replaces the scale's number of districts (city scale).
pub fn generate(
    out: &Path,
    seed: u64,
    scale: Scale,
    districts: Option<usize>,
    pipelines: Pipelines,
) -> Result<Summary> {
    let n = districts.unwrap_or(world::Plan::of(scale).districts);
    let multi = n > 1;
    let districts: Vec<world::District> =
        (0..n).into_par_iter().map(|i| world::build_district(seed, i, scale)).collect();
    type Part = (Vec<truth::TruthRow>, Vec<render::Injection>, Summary);
    let parts: Vec<Result<Part>> = districts
        .par_iter()
        .map(|d| {
            let rendered = render::render(d, multi);
            let sizes: Vec<u64> = rendered
                .books
                .par_iter()
                .map(|b| {
                    b.write(out)?;
                    Ok(std::fs::metadata(out.join(&b.path)).map(|m| m.len()).unwrap_or(0))
                })
                .collect::<Result<Vec<u64>>>()?;
            let rows = truth::truth(d, &rendered);
            let summary = Summary {
                files: rendered.books.len(),
                bytes: sizes.iter().sum(),
                districts: 1,
                towns: d.towns.len(),
                schools: d.schools.len(),
                census_rows: rendered.listings.len(),
                enrollment_rows: d.children.iter().map(|c| usize::from(c.current.is_some()) + c.events.len()).sum(),
                ..Summary::default()
            };
            Ok((rows, rendered.injections, summary))
        })
        .collect();
    let mut all_truth = Vec::new();
    let mut all_inj = Vec::new();
    let mut summary = Summary::default();
    for part in parts {
        let (t, inj, s) = part?;
        all_truth.extend(t);
        all_inj.extend(inj);
        summary.files += s.files;
        summary.bytes += s.bytes;
        summary.districts += s.districts;
        summary.towns += s.towns;
        summary.schools += s.schools;
        summary.census_rows += s.census_rows;
        summary.enrollment_rows += s.enrollment_rows;
    }
    truth::sort(&mut all_truth);
    summary.unused = all_inj.iter().filter(|i| render::UNUSED_KINDS.contains(&i.kind)).count();
    summary.injections = all_inj.len() - summary.unused;
    summary.truth = truth::PROBLEMS
        .iter()
        .map(|(code, _)| (code.to_string(), all_truth.iter().filter(|t| t.problem == *code).count()))
        .collect();
    let extra: Vec<(String, Vec<u8>)> = vec![
        ("truth.csv".into(), truth::write_truth(&all_truth)),
        ("injections.csv".into(), truth::write_injections(&all_inj)),
    ];
    // The weekly sample (周报/) of the first district, from its own random stream.
    let week = weekly::render(&districts[0], seed, multi);
    for b in &week.books {
        b.write(out)?;
        summary.files += 1;
        summary.bytes += std::fs::metadata(out.join(&b.path)).map(|m| m.len()).unwrap_or(0);
    }
    let sub = if multi { format!("{}/", districts[0].name) } else { String::new() };
    let mut files: Vec<(std::path::PathBuf, Vec<u8>)> =
        extra.into_iter().map(|(name, bytes)| (out.join(name), bytes)).collect();
    match pipelines {
        Pipelines::Beside => {
            files.push((out.join("pipeline.toml"), pipeline_text(multi, "", "out").into_bytes()));
            files.push((out.join(format!("{}/{sub}pipeline.toml", weekly::FOLDER)), week.pipeline.into_bytes()));
        }
        Pipelines::Into(dir) => {
            // Globs relative to `dir`; the run folder beside the data folder (`../out`
            // from `pipelines/` for `sample_data/`).
            let data = relative(dir, out)?;
            let parent = relative(dir, out.parent().unwrap_or(out))?;
            let out_dir = if parent.is_empty() { "out".to_string() } else { format!("{parent}/out") };
            let base = if data.is_empty() { String::new() } else { format!("{data}/") };
            let clearance = pipeline_text(multi, &base, &out_dir);
            let weekly_glob = format!("{base}{}/{sub}", weekly::FOLDER);
            let weekly = weekly::pipeline_text(&weekly_glob, &base, &sub, &out_dir);
            files.push((dir.join("clearance.toml"), clearance.into_bytes()));
            files.push((dir.join("weekly.toml"), weekly.into_bytes()));
        }
    }
    for (path, bytes) in files {
        summary.files += 1;
        summary.bytes += bytes.len() as u64;
        std::fs::write(&path, bytes).map_err(|e| Error::io(format!("无法写入 {}", path.display()), e))?;
    }
    Ok(summary)
}

/// The path from folder `from` to `to` (both existing), `/`-separated; empty when equal.
fn relative(from: &Path, to: &Path) -> Result<String> {
    let abs = |p: &Path| std::fs::canonicalize(p).map_err(|e| Error::io(format!("无法访问 {}", p.display()), e));
    let (from, to) = (abs(from)?, abs(to)?);
    let (a, b): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); a.len() - common];
    parts.extend(b[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    Ok(parts.join("/"))
}

/// The pipeline file of a sample set. `base` is prepended to every glob (`""` beside the
/// data, `"../sample_data/"` for `pipelines/clearance.toml`, see [`Pipelines`]).
pub fn pipeline_text(multi: bool, base: &str, out_dir: &str) -> String {
    let sub = if multi { "*/" } else { "" };
    let list = |globs: &[String]| globs.iter().map(|g| format!("\"{base}{g}\"")).collect::<Vec<_>>().join(", ");
    let census = if multi {
        vec![
            format!("大清查/{sub}*.xlsx"),
            format!("大清查/{sub}*.xls"),
            format!("大清查/{sub}*.csv"),
            format!("大清查/{sub}*/*.xlsx"),
        ]
    } else {
        vec!["大清查/*.xlsx".to_string(), "大清查/*.xls".to_string(), "大清查/*/*.xlsx".to_string()]
    };
    let one = |dir: &str, ext: &str| vec![format!("{dir}/{sub}*.{ext}")];
    let sources: Vec<(&str, &str, Vec<String>)> = vec![
        ("census", "大清查登记表：每镇街一个工作簿（部分为 .xls），昌元街道每村（社区）一个工作簿", census),
        (
            "enrollment",
            "学籍：每校一个导出（一所学校为 GBK 编码 CSV），另有 2015 年以来的异动记录",
            {
                let mut v = one("学籍", "xlsx");
                v.extend(one("学籍", "csv"));
                v
            },
        ),
        ("poverty", "2019 年动态调整建档立卡贫困人口（.xls，分两个工作表）", one("建档立卡", "xls")),
        ("disability", "残联持证残疾人名单", one("残联", "xlsx")),
        ("home_teaching", "送教上门记录（每次送教一行）", one("送教上门", "xlsx")),
        ("exemption", "缓学免学审批名单", one("缓学免学", "xlsx")),
        ("roster", "包片包校责任人名单（通知附件4格式）", one("责任人名单", "xlsx")),
    ];
    let mut s = String::new();
    s.push_str("# kcbx 样例管线：由 `kcbx sample` 生成的合成数据（非真实个人信息）。\n");
    s.push_str("# Sample pipeline over synthetic data written by `kcbx sample`.\n");
    s.push_str("name = \"荣昌区2020年5月控辍保学大清查（样例数据）\"\n");
    s.push_str("kind = \"clearance\"\n\n");
    s.push_str("[params]\n");
    s.push_str("as_of = \"2020-05-14\"          # 基准日\n");
    s.push_str("birth_from = \"2004-09-01\"     # 适龄出生日期起（含）\n");
    s.push_str("birth_to = \"2014-08-31\"       # 适龄出生日期止（含）\n");
    s.push_str("dropout_since = \"2015-01-01\"  # 大清理起点\n");
    s.push_str("deadline_days = 30            # 完成时限 = 基准日 + N 天\n");
    s.push_str("# 寒假：整周在假期内的周不是教学周，不要求送教上门\n");
    s.push_str("school_breaks = [{ from = \"2020-01-18\", to = \"2020-02-16\" }]\n");
    s.push_str("summer_break_from = \"2020-07-01\"  # 暑假开始日：送教学时按每周2学时推算到此日\n\n");
    s.push_str("[output]\n");
    s.push_str(&format!("dir = \"{out_dir}\"\n"));
    for (kind, comment, globs) in sources {
        s.push_str(&format!("\n# {comment}\n[[sources]]\nkind = \"{kind}\"\nfiles = [{}]\n", list(&globs)));
        // A multi-district set keeps each district in its own folder: the folder names it.
        if multi {
            s.push_str("district = \"*\"  # 区县 = 文件所在的区县文件夹名\n");
        }
    }
    s
}
