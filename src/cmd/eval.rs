//! `kcbx eval`: scores a run's `cases.csv` against a sample's `truth.csv` — per problem code
//! TP, FP, FN, precision and recall (see [`crate::sample::score`]).

use std::path::PathBuf;

use crate::error::Result;
use crate::sample::score::{self, ProblemScore};

const AFTER_HELP: &str = "\
匹配规则 (matching): 同一问题类型下，案例的身份证号等于答案的 id_number 或 listed_id 即匹配；
否则姓名（规范化后）与出生日期都相同即匹配。每行答案至多匹配一个案例。
match_review（疑似匹配待核实）没有标准答案，只计数。
不加 --details 时只输出统计数字，不含个人信息 (no personal data without --details).

Examples:
  kcbx eval sample_data/truth.csv out/2020-05-14/cases.csv
  kcbx eval truth.csv cases.csv --json > score.json
  kcbx eval truth.csv cases.csv --details";

/// 用标准答案评估运行结果 — score a run's cases.csv against a sample's truth.csv.
#[derive(Debug, clap::Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// 标准答案 truth.csv (written by `kcbx sample`)
    pub truth: PathBuf,
    /// 运行结果 cases.csv (written by `kcbx run`)
    pub cases: PathBuf,
    /// 以 JSON 输出 (print JSON instead of a table)
    #[arg(long)]
    pub json: bool,
    /// 列出漏报（答案行号）和误报（case_id）(list missed truth rows and extra cases)
    #[arg(long)]
    pub details: bool,
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.4}", v)).unwrap_or_else(|| "—".to_string())
}

fn line(p: &ProblemScore) -> String {
    format!(
        "{:<28} {:<22} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>9}",
        p.problem,
        p.label,
        p.truth,
        p.cases,
        p.tp,
        p.fp,
        p.fn_,
        pct(p.precision),
        pct(p.recall)
    )
}

pub fn run(args: Args) -> Result<()> {
    let s = score::score_files(&args.truth, &args.cases)?;
    if args.json {
        let mut v = serde_json::to_value(&s).expect("serialisable");
        if args.details {
            let details: Vec<serde_json::Value> = s
                .problems
                .iter()
                .map(|p| serde_json::json!({"problem": p.problem, "missed_truth_rows": p.missed, "extra_case_ids": p.extra}))
                .collect();
            v["details"] = serde_json::Value::Array(details);
        }
        println!("{}", serde_json::to_string_pretty(&v).expect("serialisable"));
        return Ok(());
    }
    println!(
        "{:<28} {:<22} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>9}",
        "问题 problem", "", "答案", "案例", "TP", "FP", "FN", "精确率", "召回率"
    );
    println!(
        "{:<28} {:<22} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>9}",
        "", "", "truth", "cases", "", "", "", "precision", "recall"
    );
    for p in &s.problems {
        println!("{}", line(p));
    }
    println!("{}", line(&s.total));
    println!("match_review 疑似匹配待核实（无标准答案，仅计数 count only）：{}", s.match_review);
    if args.details {
        for p in &s.problems {
            if !p.missed.is_empty() {
                let rows: Vec<String> = p.missed.iter().map(|r| r.to_string()).collect();
                println!("漏报 FN {}：truth.csv 数据行 {}", p.problem, rows.join(", "));
            }
            if !p.extra.is_empty() {
                println!("误报 FP {}：case_id {}", p.problem, p.extra.join(", "));
            }
        }
    }
    Ok(())
}
