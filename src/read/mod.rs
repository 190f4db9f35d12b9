//! Reading spreadsheets as districts receive them: every file a source's globs match,
//! every sheet, the header found by content, columns mapped to canonical fields, grouping
//! columns filled down, blank / 合计 / note rows skipped and counted.
//!
//! Files are read in parallel (rayon) and assembled in a fixed order — plan order, then
//! sorted path, then workbook sheet order — so the same inputs always give the same
//! [`Inputs`] indices and the same rows.
//!
//! Pipeline position: schema → plan → **read** → sources → link → rules → roundtrip → report.

pub(crate) mod csv;
pub(crate) mod grid;
pub mod header;
pub mod limits;
pub(crate) mod sheet;
pub(crate) mod workbook;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::plan::{Plan, SourcePlan};
use crate::schema::SourceKind;
use crate::table::{FileInfo, Inputs, RawTable, SheetInfo};
use header::Matcher;
use sheet::{SheetCtx, SheetRead};

pub use header::normalize_header;

/// The tables read for one `[[sources]]` entry of the plan.
#[derive(Debug, Default)]
pub struct SourceTables {
    /// Index into `plan.sources`.
    pub source: usize,
    pub kind: Option<SourceKind>,
    pub tables: Vec<RawTable>,
}

/// Everything the read stage produced.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// Files, sheets (with header row, column mapping and row counts) and row rejects.
    pub inputs: Inputs,
    /// One entry per plan source, in plan order.
    pub sources: Vec<SourceTables>,
    /// Problems that make an input unusable (a glob matching nothing, a file that cannot be
    /// opened, a required column missing). `run` stops before writing any ledger when this
    /// is not empty; `check` prints them and carries on. No personal data.
    pub problems: Vec<String>,
    /// Things worth telling the user that do not stop a run (a sheet skipped because it has
    /// no recognisable header, a column found only approximately). No personal data.
    pub notes: Vec<String>,
}

/// File extensions the read stage accepts.
pub const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods", "csv"];

/// Reads every source of the plan. Never panics on bad input; everything wrong is in
/// `problems`, `notes` or `inputs.rejects`.
pub fn read_all(plan: &Plan) -> ReadOutcome {
    let (mut out, tables) = read_all_with(plan, |_, table| table);
    for (source, sheet, mut table) in tables {
        table.sheet = sheet;
        out.sources[source].tables.push(table);
    }
    out
}

/// Reads every source of the plan as [`read_all`] does, but hands each sheet's table to
/// `on_table` (with its source index) as soon as the sheet is read, on the thread that read
/// it, and keeps what it returns instead of the table: the next stage can turn a table into
/// its records while the other files are still being read, and no table outlives its file's
/// job (at city scale the tables of every file at once are over a gigabyte). Returns the
/// outcome (its `sources` hold no tables) and, in input order, (source, sheet index into
/// `inputs.sheets`, what `on_table` made) — the table `on_table` saw carried no sheet index
/// yet (0), the caller sets it.
pub fn read_all_with<T: Send>(
    plan: &Plan,
    on_table: impl Fn(usize, RawTable) -> T + Sync,
) -> (ReadOutcome, Vec<(usize, u32, T)>) {
    let base = plan.path.parent().unwrap_or(Path::new(""));
    let mut out = ReadOutcome::default();
    let matchers: Vec<Matcher> = plan.sources.iter().map(|s| Matcher::new(s.kind, &s.columns)).collect();

    let mut jobs: Vec<(usize, PathBuf)> = Vec::new();
    for (i, src) in plan.sources.iter().enumerate() {
        let files = expand(i, src, base, &mut out.problems, &mut out.notes);
        jobs.extend(files.into_iter().map(|p| (i, p)));
    }

    // Files in parallel, the largest first so that no large file is left to one thread at
    // the end; the results are put back in job order.
    crate::progress::begin("read", Some(jobs.len() as u64));
    let mut order: Vec<(u64, usize)> =
        jobs.iter().enumerate().map(|(k, (_, p))| (std::fs::metadata(p).map_or(0, |m| m.len()), k)).collect();
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    // Per job: its file's read, and what `on_table` made of each of its sheets.
    type Made<T> = (FileRead, Vec<Option<T>>);
    let mut reads: Vec<(usize, Made<T>)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&(_, k)| {
            let (i, path) = &jobs[k];
            let mut read = read_file(*i, &plan.sources[*i], &matchers[*i], path, base);
            let made: Vec<Option<T>> =
                read.sheets.iter_mut().map(|s| s.table.take().map(|t| on_table(*i, t))).collect();
            crate::progress::inc(1);
            (k, (read, made))
        })
        .collect();
    reads.sort_unstable_by_key(|r| r.0);
    let reads = reads.into_iter().map(|(_, r)| r);

    out.sources = plan
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| SourceTables { source: i, kind: Some(s.kind), tables: Vec::new() })
        .collect();
    let mut tables = Vec::new();
    for (read, made) in reads {
        out.problems.extend(read.problems);
        out.notes.extend(read.notes);
        let Some(info) = read.info else { continue };
        let file = out.inputs.files.len() as u32;
        out.inputs.files.push(info);
        for (s, made) in read.sheets.into_iter().zip(made) {
            let sheet = out.inputs.sheets.len() as u32;
            out.problems.extend(s.problems);
            out.notes.extend(s.notes);
            out.inputs.sheets.push(SheetInfo {
                file,
                name: s.name,
                header_row: s.header_row,
                columns: s.columns,
                skipped: s.skipped,
                counts: s.counts,
            });
            out.inputs.rejects.extend(s.rejects.into_iter().map(|mut r| {
                r.prov.sheet = sheet;
                r
            }));
            out.inputs.skips.extend(s.skips.into_iter().map(|mut r| {
                r.prov.sheet = sheet;
                r
            }));
            if let Some(made) = made {
                tables.push((read.source, sheet, made));
            }
        }
    }
    (out, tables)
}

/// How users see a path: relative to the pipeline file's folder where possible.
fn display(path: &Path, base: &Path) -> String {
    let shown = match path.strip_prefix(base) {
        Ok(rel) if !base.as_os_str().is_empty() => rel,
        _ => path,
    };
    shown.to_string_lossy().into_owned()
}

/// Expands a source's globs into a sorted, de-duplicated list of files.
fn expand(
    i: usize,
    src: &SourcePlan,
    base: &Path,
    problems: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    let at = format!("来源 {}（{} {}）", i + 1, src.kind.label(), src.kind.key());
    for pattern in &src.patterns {
        let shown = display(Path::new(pattern), base);
        let mut found = 0;
        // Case-insensitive: files from Windows often end in .XLS or .Xlsx.
        let options = glob::MatchOptions { case_sensitive: false, ..glob::MatchOptions::new() };
        match glob::glob_with(pattern, options) {
            Err(e) => {
                // A literal file name with brackets in it is not a valid pattern but is a file.
                if Path::new(pattern).is_file() {
                    files.insert(PathBuf::from(pattern));
                    continue;
                }
                problems.push(format!("{at}：files 中的 \"{shown}\" 不是有效的通配符 (invalid glob: {})", e.msg));
                continue;
            }
            Ok(paths) => {
                for entry in paths {
                    match entry {
                        Ok(p) if p.is_file() => {
                            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                            // Excel and WPS leave `~$name.xlsx` lock files next to open workbooks.
                            if name.starts_with("~$") {
                                notes.push(format!(
                                    "{at}：忽略 Office 临时文件 {} (lock file ignored)",
                                    display(&p, base)
                                ));
                                continue;
                            }
                            found += 1;
                            files.insert(p);
                        }
                        Ok(_) => {}
                        Err(e) => problems.push(format!(
                            "{at}：无法读取 {} (cannot read: {})",
                            display(e.path(), base),
                            e.error()
                        )),
                    }
                }
            }
        }
        if found == 0 {
            if Path::new(pattern).is_file() {
                files.insert(PathBuf::from(pattern));
            } else if src.kind == crate::schema::SourceKind::Verification {
                // No town has returned its ledger yet (or none as .xls): normal, not an error.
                notes.push(format!(
                    "{at}：files = \"{shown}\" 没有匹配到任何文件，尚无交回的核实台账 (no returned ledger yet)"
                ));
            } else {
                problems.push(format!("{at}：files = \"{shown}\" 没有匹配到任何文件 (no file matches)"));
            }
        }
    }
    files
}

/// What reading one file produced.
struct FileRead {
    source: usize,
    info: Option<FileInfo>,
    sheets: Vec<SheetRead>,
    problems: Vec<String>,
    notes: Vec<String>,
}

fn read_file(source: usize, src: &SourcePlan, matcher: &Matcher, path: &Path, base: &Path) -> FileRead {
    let shown = display(path, base);
    let mut out = FileRead { source, info: None, sheets: Vec::new(), problems: Vec::new(), notes: Vec::new() };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            out.problems.push(format!("文件 {shown}：无法读取 (cannot read: {e})"));
            return out;
        }
    };
    let sha256 = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let mut info = FileInfo {
        source,
        path: path.to_path_buf(),
        display: shown.clone(),
        sha256,
        bytes: bytes.len() as u64,
        format: ext.clone(),
    };
    let mut ctx = SheetCtx { matcher, header_row: src.header_row, grouping: &src.grouping, epoch: Default::default() };

    if !EXTENSIONS.contains(&ext.as_str()) {
        out.problems.push(format!(
            "文件 {shown}：不支持的文件类型「.{ext}」，可读 {} (unsupported file type)",
            EXTENSIONS.join("、")
        ));
    } else if ext == "csv" {
        match limits::check_csv(&bytes) {
            Err(e) => out.problems.push(format!("文件 {shown}：{e}")),
            Ok(()) => read_csv(&bytes, src, &ctx, &shown, &mut out),
        }
    } else if let Err(e) = match workbook::sniff(&bytes) {
        // Before calamine opens the file: it would allocate what the file claims.
        workbook::Container::Zip => limits::check_zip(&bytes),
        workbook::Container::Cfb => limits::check_xls(&bytes),
        workbook::Container::Other => Ok(()),
    } {
        out.problems.push(format!("文件 {shown}：{e}"));
    } else {
        // calamine is trusted with well-formed files; on a damaged one it can fail an index
        // or an arithmetic check (a compound file cut short mid-sector does). Such a panic
        // stays inside this file: the file is reported as damaged, the run goes on to list
        // every other problem, and nothing of the file is used.
        let (notes, problems) = (out.notes.len(), out.problems.len());
        let read = quiet_panics(|| match workbook::open(&bytes, &ext) {
            Err(e) => out.problems.push(format!("文件 {shown}：{}", workbook::open_error(&bytes, &ext, &e))),
            Ok(mut book) => {
                let actual = workbook::format_of(&book, &ext);
                if actual != ext && !(actual == "xlsx" && ext == "xlsm") {
                    out.notes
                        .push(format!("文件 {shown}：扩展名为 .{ext}，内容实为 {actual} 格式，已按 {actual} 读取"));
                }
                info.format = actual.to_string();
                ctx.epoch = workbook::epoch(&book);
                read_workbook(&mut book, &bytes, src, &ctx, &shown, &mut out);
            }
        });
        if read.is_err() {
            out.sheets.clear();
            out.notes.truncate(notes);
            out.problems.truncate(problems);
            out.problems.push(format!(
                "文件 {shown}：文件损坏，读取时出错，未使用；请用 Excel / WPS 打开后另存，或向报送单位要一份完整的文件 (damaged workbook: the reader failed)"
            ));
        }
    }
    out.info = Some(info);
    out
}

fn read_csv(bytes: &[u8], src: &SourcePlan, ctx: &SheetCtx<'_>, shown: &str, out: &mut FileRead) {
    let name = Path::new(shown).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    match csv::parse(bytes, src.encoding) {
        Err(e) => out.problems.push(format!("文件 {shown}：{e}")),
        Ok((mut grid, decoded)) => {
            if decoded.encoding != "UTF-8" {
                let sep = if decoded.delimiter == b'\t' { "制表符" } else { "逗号" };
                out.notes.push(format!("文件 {shown}：按 {} 编码、{sep}分隔读取", decoded.encoding));
            }
            if decoded.malformed {
                out.notes.push(format!(
                    "文件 {shown}：部分字节不是有效的 {} 编码，已替换为 �；如乱码请在管线文件中写 encoding = \"gbk\" 或 \"utf-8\"",
                    decoded.encoding
                ));
            }
            let at = format!("文件 {shown}");
            let mut read = sheet::read_sheet(&mut grid, None, ctx, &at, name, false);
            if !read.has_header && read.problems.is_empty() {
                // A CSV is its only sheet: the file-level problem replaces the sheet note.
                read.notes.clear();
                out.problems.push(format!(
                    "文件 {shown}：没有可识别的{}表头（按 {} 编码、{} 分隔读取）(no recognisable header)",
                    ctx.matcher.kind.label(),
                    decoded.encoding,
                    if decoded.delimiter == b'\t' { "制表符" } else { "逗号" }
                ));
            }
            out.sheets.push(read);
        }
    }
}

fn read_workbook(
    book: &mut calamine::Sheets<std::io::Cursor<&[u8]>>,
    bytes: &[u8],
    src: &SourcePlan,
    ctx: &SheetCtx<'_>,
    shown: &str,
    out: &mut FileRead,
) {
    let entries = workbook::sheets(book);
    if entries.len() > limits::MAX_SHEETS {
        out.problems.push(format!("文件 {shown}：{}", limits::too_many_sheets(entries.len())));
        return;
    }
    for wanted in &src.sheets {
        if !entries.iter().any(|e| &e.name == wanted) {
            let have: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
            out.problems.push(format!(
                "文件 {shown}：没有名为「{wanted}」的工作表 (sheet not found)；工作簿中有：{}",
                have.join("、")
            ));
        }
    }
    let explicit = !src.sheets.is_empty();
    let mut parts = match book {
        calamine::Sheets::Xlsx(_) => workbook::XlsxParts::new(bytes),
        _ => None,
    };
    for entry in entries.iter().filter(|e| !explicit || src.sheets.contains(&e.name)) {
        let at = format!("文件 {shown}［{}］", entry.name);
        if !entry.worksheet {
            out.sheets.push(SheetRead::skipped(entry.name.clone(), "图表或宏工作表 (not a worksheet)".to_string()));
            continue;
        }
        if entry.hidden {
            out.notes.push(format!("{at}：这是隐藏的工作表，仍已读取 (hidden sheet read)"));
        }
        match workbook::load(book, parts.as_mut(), &entry.name) {
            Err(e) => {
                let reason = match e {
                    workbook::LoadError::Calamine(e) => workbook::sheet_error(&e),
                    workbook::LoadError::Limit(reason) => reason,
                };
                out.problems.push(format!("{at}：{reason}"));
                out.sheets.push(SheetRead::skipped(entry.name.clone(), reason));
            }
            Ok((mut grid, merges)) => {
                if let Some(note) = far_cells_note(&grid) {
                    out.notes.push(format!("{at}：{note}"));
                }
                let regions = merges.as_ref().map(|m| grid.regions(m));
                out.sheets.push(sheet::read_sheet(
                    &mut grid,
                    regions.as_deref(),
                    ctx,
                    &at,
                    entry.name.clone(),
                    explicit,
                ));
            }
        }
    }
    let readable = out.sheets.iter().any(|s| s.has_header);
    let reported = out.sheets.iter().any(|s| !s.problems.is_empty());
    if !readable && !reported && !out.sheets.is_empty() {
        let names: Vec<&str> = out.sheets.iter().map(|s| s.name.as_str()).collect();
        let needed: Vec<&str> = ctx.matcher.specs.iter().filter(|f| f.required).map(|f| f.label).collect();
        out.problems.push(format!(
            "文件 {shown}：没有任何工作表有可识别的{}表头 (no sheet with a recognisable header)；已检查：{}；需要的列如：{}",
            ctx.matcher.kind.label(),
            names.join("、"),
            needed.join("、")
        ));
    }
}

/// A note for a sheet whose cells are few and far apart (a stray cell far below or right of
/// the data, often from formatting whole columns): it was read by its cells, and saving it
/// without the stray cells makes it smaller for everyone.
fn far_cells_note(grid: &workbook::SheetGrid) -> Option<String> {
    use grid::Grid;
    if !grid.is_sparse() {
        return None;
    }
    let (h, w) = (grid.height(), grid.width());
    let corner = format!("{}{}", sheet::column_name(grid.column_index(w - 1)), grid.row_number(h - 1));
    Some(format!(
        "已用区域延伸到 {corner}（{} 行 × {} 列），但单元格很少，已按实际内容读取；建议删除数据区以外的单元格（如 {corner}）后另存 (sparse sheet read by its cells)",
        limits::thousands(h as u64),
        limits::thousands(w as u64)
    ))
}

thread_local! {
    /// Set while this thread runs [`quiet_panics`].
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic inside it into `Err` without the panic's message on stderr
/// (the caller reports the damaged file in its own words). Other threads' panics are
/// printed as always.
fn quiet_panics<R>(f: impl FnOnce() -> R) -> Result<R, ()> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|_| ())
}
