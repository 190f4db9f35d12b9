//! `kcbx check PIPELINE.toml`: reads every source of a pipeline the way `kcbx run` would
//! and reports what it found — files, sheets, the header row, the column mapping, the row
//! accounting and ID validity per sheet — plus every problem, without stopping at the first
//! and without writing anything. The tool a district team runs before the real run.
//!
//! The rows are also turned into records by the same step as in `kcbx run`
//! ([`crate::sources::build`], and the weekly pipeline's own tables), so that the rows that
//! step rejects (no name and no ID, no school name, …) are counted as rejected here too:
//! check's used / skipped / rejected numbers are run.json's.
//!
//! Pipeline position: plan → **read** → **sources/normalize**; nothing after it runs.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::normalize::id_number::{self, IdStatus};
use crate::plan::{self, Overrides, PipelineKind, Plan};
use crate::read::{self, ReadOutcome};
use crate::table::{RawTable, Reject, SheetInfo};

const LONG_ABOUT: &str = "\
检查管线文件中的所有输入：找到了哪些文件和工作表、表头在第几行、每个字段对应哪一列、\
每张表读取/使用/跳过/剔除了多少行、身份证号的有效情况，并列出所有问题。不写任何文件。
有问题时退出码为 1，否则为 0。

Reads every input of a pipeline and reports files, sheets, header rows, the column mapping,
row accounting (read = used + skipped + rejected) and ID validity per sheet, then lists every
problem (a glob matching nothing, a file that cannot be opened, a required column missing).
Writes nothing. Exit code 1 when there are problems, 0 otherwise.

Examples / 示例:
  # 检查荣昌区大清查管线的全部输入
  kcbx check pipelines/rongchang.toml

  # 管线文件未写基准日时，在命令行给出
  kcbx check pipelines/rongchang.toml --as-of 2020-05-14

  # 只看问题（问题和说明在输出末尾）
  kcbx check pipelines/rongchang.toml | sed -n '/^问题/,$p'";

/// 检查输入文件：表头、列映射、行数与身份证号，不写任何文件 (check inputs; writes nothing)
#[derive(Debug, clap::Args)]
#[command(long_about = LONG_ABOUT)]
pub struct Args {
    /// 管线文件 (pipeline file, TOML)
    #[arg(value_name = "PIPELINE.toml")]
    pub pipeline: PathBuf,

    /// 基准日，覆盖管线文件的 [params] as_of (as-of date override)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
}

/// Runs the check: prints the report on stdout; an error (exit code 1) when any input has a
/// problem, after everything has been printed.
pub fn run(args: Args) -> Result<()> {
    let plan = plan::load(&args.pipeline, &Overrides { out: None, as_of: args.as_of })?;
    let mut outcome = read::read_all(&plan);
    let ids = id_lines(&outcome, plan.params.as_of);
    let roster = build(&plan, &mut outcome);
    print!("{}", render(&plan, &outcome, &ids));
    if let Some(report) = roster {
        print!("\n{}", report.render());
    }
    match outcome.problems.len() {
        0 => Ok(()),
        n => Err(Error::Data(vec![format!("发现 {n} 个输入问题，详见上文 (found {n} input problems, listed above)")])),
    }
}

/// Turns the tables read into records exactly as `kcbx run` does (the weekly pipeline's
/// attendance and 劝返 tables included), recording the rows it rejects in the accounting.
/// The records themselves are not needed and are dropped; the tables are consumed. Returns
/// the roster's school mapping ([`crate::schools::Directory`]) when the pipeline has a roster.
pub fn build(plan: &Plan, outcome: &mut ReadOutcome) -> Option<crate::schools::DirectoryReport> {
    let tables = std::mem::take(&mut outcome.sources);
    let mut data = crate::sources::build(tables, &mut outcome.inputs, &plan.values, plan.params.as_of);
    if plan.kind != PipelineKind::Weekly {
        crate::sources::enrollment::reject_unknown_status(data.enrollment_store_mut(), &mut outcome.inputs);
    }
    let has_roster = plan.sources.iter().any(|s| s.kind == crate::schema::SourceKind::Roster);
    has_roster.then(|| crate::schools::Directory::build(&data, &outcome.inputs).report())
}

/// ID validity per sheet (by sheet index), counted on the tables as read.
pub fn id_lines(outcome: &ReadOutcome, as_of: NaiveDate) -> HashMap<u32, String> {
    outcome
        .sources
        .iter()
        .flat_map(|src| src.tables.iter())
        .filter_map(|t| id_counts(t, as_of).map(|line| (t.sheet, line)))
        .collect()
}

/// The report `kcbx check` prints, from the read outcome after [`build`] and the ID lines of
/// [`id_lines`]. No personal data: counts, headers and locations only.
pub fn render(plan: &Plan, outcome: &ReadOutcome, ids: &HashMap<u32, String>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "管线 {}（{}）", plan.name, plan.path.display());
    let mut rejects: HashMap<u32, Vec<&Reject>> = HashMap::new();
    for r in &outcome.inputs.rejects {
        rejects.entry(r.prov.sheet).or_default().push(r);
    }
    for list in rejects.values_mut() {
        list.sort_by_key(|r| r.prov.row);
    }
    let base = plan.path.parent().unwrap_or(std::path::Path::new(""));

    for (i, src) in plan.sources.iter().enumerate() {
        let patterns: Vec<String> = src
            .patterns
            .iter()
            .map(|p| std::path::Path::new(p).strip_prefix(base).map_or_else(|_| p.clone(), |r| r.display().to_string()))
            .collect();
        let _ =
            writeln!(s, "\n来源 {}：{}（{}）files = {}", i + 1, src.kind.label(), src.kind.key(), patterns.join("，"));
        let mut total = crate::table::RowCounts::default();
        let (mut nfiles, mut nsheets, mut nread) = (0, 0, 0);
        for (fi, file) in outcome.inputs.files.iter().enumerate().filter(|(_, f)| f.source == i) {
            nfiles += 1;
            let _ = writeln!(
                s,
                "  文件 {}（{}，{}，sha256 {}）",
                file.display,
                file.format,
                size(file.bytes),
                &file.sha256[..12.min(file.sha256.len())]
            );
            let mut previous_mapping: Option<&SheetInfo> = None;
            for (si, sheet) in outcome.inputs.sheets.iter().enumerate().filter(|(_, sh)| sh.file as usize == fi) {
                nsheets += 1;
                let si = si as u32;
                if let Some(reason) = &sheet.skipped {
                    let _ = writeln!(s, "    工作表「{}」：未读取——{}", sheet.name, reason);
                    if sheet.columns.is_empty() {
                        continue;
                    }
                } else {
                    nread += 1;
                    let _ = writeln!(s, "    工作表「{}」：表头在第 {} 行", sheet.name, sheet.header_row.unwrap_or(0));
                }
                // Sheets of one workbook usually share a layout: say so instead of repeating it.
                if previous_mapping.is_some_and(|p| same_mapping(p, sheet)) {
                    let _ = writeln!(s, "      列映射同上一张工作表 (same column mapping as above)");
                } else {
                    write_mapping(&mut s, sheet);
                }
                if !sheet.columns.is_empty() {
                    previous_mapping = Some(sheet);
                }
                if sheet.skipped.is_some() {
                    continue;
                }
                let c = &sheet.counts;
                let _ = writeln!(
                    s,
                    "      行数：读取 {} = 使用 {} + 跳过 {}（空行 {}、合计 {}、备注/说明 {}）+ 剔除 {}{}",
                    c.read,
                    c.used,
                    c.skipped(),
                    c.skipped_blank,
                    c.skipped_total,
                    c.skipped_note,
                    c.rejected,
                    if c.balanced() { "" } else { "  ⚠ 不平衡 (unbalanced)" }
                );
                add(&mut total, c);
                if let Some(line) = ids.get(&si) {
                    let _ = writeln!(s, "      身份证号：{line}");
                }
                if let Some(list) = rejects.get(&si) {
                    for r in list.iter().take(5) {
                        let col = r.column.as_deref().map(|c| format!("「{c}」列 ")).unwrap_or_default();
                        let _ = writeln!(s, "      剔除：第 {} 行 {}— {}", r.prov.row, col, r.reason);
                    }
                    if list.len() > 5 {
                        let _ = writeln!(s, "      剔除：另有 {} 行", list.len() - 5);
                    }
                }
            }
        }
        let _ = writeln!(
            s,
            "  小结：文件 {nfiles} 个，工作表 {nsheets} 张（读取 {nread} 张），行读取 {}、使用 {}、跳过 {}、剔除 {}",
            total.read,
            total.used,
            total.skipped(),
            total.rejected
        );
    }

    let _ = writeln!(s, "\n问题 {} 个 (problems)：", outcome.problems.len());
    for (i, p) in outcome.problems.iter().enumerate() {
        let _ = writeln!(s, "  {}. {p}", i + 1);
    }
    if !outcome.notes.is_empty() {
        let _ = writeln!(s, "\n说明 {} 条 (notes)：", outcome.notes.len());
        for n in &outcome.notes {
            let _ = writeln!(s, "  - {n}");
        }
    }
    s
}

fn same_mapping(a: &SheetInfo, b: &SheetInfo) -> bool {
    a.columns.len() == b.columns.len()
        && a.columns
            .iter()
            .zip(&b.columns)
            .all(|(x, y)| x.field == y.field && x.column == y.column && x.header == y.header)
}

fn write_mapping(s: &mut String, sheet: &SheetInfo) {
    for c in &sheet.columns {
        let how = if c.how == "pipeline" { "（管线文件指定）" } else { "" };
        let _ =
            writeln!(s, "      {} ← {} 列「{}」{how}", c.field, crate::read::sheet::column_name(c.column), c.header);
    }
}

/// ID validity on the sheet's id_number column, counted per [`IdStatus`] label, judged on the
/// run's 基准日 as `kcbx run` judges them.
fn id_counts(table: &RawTable, as_of: NaiveDate) -> Option<String> {
    let col = table.col("id_number")?;
    let mut counts: BTreeMap<IdStatus, usize> = BTreeMap::new();
    for row in &table.rows {
        *counts.entry(id_number::from_cell(&row.cells[col]).judged_on(as_of).status).or_default() += 1;
    }
    if counts.is_empty() {
        return Some("（无数据行）".to_string());
    }
    Some(counts.iter().map(|(st, n)| format!("{} {n}", st.label())).collect::<Vec<_>>().join("、"))
}

fn add(total: &mut crate::table::RowCounts, c: &crate::table::RowCounts) {
    total.read += c.read;
    total.used += c.used;
    total.skipped_blank += c.skipped_blank;
    total.skipped_total += c.skipped_total;
    total.skipped_note += c.skipped_note;
    total.rejected += c.rejected;
}

fn size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}
