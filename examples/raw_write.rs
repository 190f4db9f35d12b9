//! The other half of the floor (issue 19): writing as many workbooks, sheets, cells and
//! strings as a run's outputs hold, with rust_xlsxwriter at the report's settings
//! (document properties fixed, deflate level 2, one bordered body format per cell of a
//! normal sheet, constant-memory sheets without a format where kcbx writes them so), plus
//! the CSVs' bytes — and nothing else. Workbooks are written in parallel with rayon, as the
//! report stage writes them, the largest first.
//!
//! Two steps, so that only the writing is timed:
//!
//! ```sh
//! cargo build --release --example raw_write
//! target/release/examples/raw_write count bench/data/out-city/<run> > bench/data/write-city.tsv
//! target/release/examples/raw_write write bench/data/write-city.tsv /tmp/raw-write-out
//! ```
//!
//! `count` reads every `.xlsx` of a run folder with calamine and prints, per sheet, its rows,
//! columns, string cells, number cells, bytes of text and distinct strings (per workbook:
//! the shared-string table rust_xlsxwriter builds), and per CSV its bytes and lines. It
//! prints counts only, never a cell value. `write` writes synthetic workbooks of exactly those
//! shapes: strings of the same mean length, as many distinct ones per workbook.
//!
//! Not part of kcbx: a benchmark baseline.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use calamine::{open_workbook_auto, Data, Reader};
use rayon::prelude::*;
use rust_xlsxwriter::{Format, FormatBorder, XlsxError};

/// One sheet's shape.
#[derive(Clone, Debug, Default)]
struct Sheet {
    rows: u32,
    cols: u16,
    strings: u64,
    numbers: u64,
    text_bytes: u64,
}

/// One output file's shape.
#[derive(Clone, Debug)]
enum Output {
    Book { path: String, sheets: Vec<Sheet>, distinct: u64, constant_memory: bool },
    Csv { path: String, bytes: u64, lines: u64 },
}

impl Output {
    fn cost(&self) -> u64 {
        match self {
            Output::Book { sheets, .. } => sheets.iter().map(|s| s.strings + s.numbers).sum(),
            Output::Csv { bytes, .. } => bytes / 20,
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["count", dir] => count(Path::new(dir)),
        ["write", counts, out] => write(Path::new(counts), Path::new(out)),
        _ => {
            eprintln!("usage: raw_write count RUN_DIR > counts.tsv | raw_write write counts.tsv OUT_DIR");
            ExitCode::from(2)
        }
    }
}

/// Every file under `dir`, sorted, relative.
fn files(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if let Ok(rel) = p.strip_prefix(base) {
                out.push(rel.to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The sheets kcbx writes in constant-memory mode: the children's ledgers and cases.xlsx.
fn constant_memory(rel: &str) -> bool {
    rel.starts_with("适龄儿童台账") || rel == "cases.xlsx"
}

fn count(dir: &Path) -> ExitCode {
    let list = files(dir);
    let outputs: Vec<Option<Output>> = list
        .par_iter()
        .map(|rel| {
            let path = dir.join(rel);
            let shown = rel.to_string_lossy().into_owned();
            let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
            match ext.as_str() {
                "csv" => {
                    let bytes = std::fs::read(&path).ok()?;
                    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
                    Some(Output::Csv { path: shown, bytes: bytes.len() as u64, lines })
                }
                "xlsx" => {
                    let mut book = open_workbook_auto(&path).ok()?;
                    let mut distinct: HashSet<String> = HashSet::new();
                    let mut sheets = Vec::new();
                    for name in book.sheet_names() {
                        let Ok(range) = book.worksheet_range(&name) else { continue };
                        let (rows, cols) = range.get_size();
                        let mut s = Sheet { rows: rows as u32, cols: cols as u16, ..Sheet::default() };
                        for row in range.rows() {
                            for cell in row {
                                match cell {
                                    Data::Empty => {}
                                    Data::String(t) => {
                                        s.strings += 1;
                                        s.text_bytes += t.len() as u64;
                                        if !distinct.contains(t.as_str()) {
                                            distinct.insert(t.clone());
                                        }
                                    }
                                    _ => s.numbers += 1,
                                }
                            }
                        }
                        sheets.push(s);
                    }
                    Some(Output::Book {
                        constant_memory: constant_memory(&shown),
                        path: shown,
                        sheets,
                        distinct: distinct.len() as u64,
                    })
                }
                _ => None,
            }
        })
        .collect();
    let mut out = std::io::stdout().lock();
    let (mut books, mut cells, mut strings, mut csv_bytes) = (0u64, 0u64, 0u64, 0u64);
    for o in outputs.into_iter().flatten() {
        match o {
            Output::Book { path, sheets, distinct, constant_memory } => {
                books += 1;
                for s in &sheets {
                    cells += s.strings + s.numbers;
                    strings += s.strings;
                    let _ = writeln!(
                        out,
                        "sheet\t{path}\t{}\t{}\t{}\t{}\t{}\t{distinct}\t{}",
                        s.rows,
                        s.cols,
                        s.strings,
                        s.numbers,
                        s.text_bytes,
                        u8::from(constant_memory)
                    );
                }
            }
            Output::Csv { path, bytes, lines } => {
                csv_bytes += bytes;
                let _ = writeln!(out, "csv\t{path}\t{bytes}\t{lines}");
            }
        }
    }
    eprintln!("raw_write count: {books} workbooks, {cells} cells ({strings} strings), {csv_bytes} bytes of CSV");
    ExitCode::SUCCESS
}

fn parse(counts: &Path) -> Option<Vec<Output>> {
    let text = std::fs::read_to_string(counts).ok()?;
    let mut books: BTreeMap<String, (Vec<Sheet>, u64, bool)> = BTreeMap::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["sheet", path, rows, cols, strings, numbers, bytes, distinct, cm] => {
                let e = books.entry(path.to_string()).or_insert((Vec::new(), 0, false));
                e.0.push(Sheet {
                    rows: rows.parse().ok()?,
                    cols: cols.parse().ok()?,
                    strings: strings.parse().ok()?,
                    numbers: numbers.parse().ok()?,
                    text_bytes: bytes.parse().ok()?,
                });
                e.1 = distinct.parse().ok()?;
                e.2 = *cm == "1";
            }
            ["csv", path, bytes, lines] => {
                out.push(Output::Csv { path: path.to_string(), bytes: bytes.parse().ok()?, lines: lines.parse().ok()? })
            }
            _ => return None,
        }
    }
    for (path, (sheets, distinct, constant_memory)) in books {
        out.push(Output::Book { path, sheets, distinct, constant_memory });
    }
    Some(out)
}

fn write(counts: &Path, out: &Path) -> ExitCode {
    let Some(mut outputs) = parse(counts) else {
        eprintln!("raw_write: cannot read {}", counts.display());
        return ExitCode::from(2);
    };
    let start = Instant::now();
    // The largest first, as the report's job queue takes them.
    outputs.sort_by_key(|o| std::cmp::Reverse(o.cost()));
    let _ = std::fs::remove_dir_all(out);
    let failed: usize =
        outputs.par_iter().with_max_len(1).enumerate().map(|(k, o)| usize::from(write_one(o, out, k).is_err())).sum();
    let cells: u64 = outputs.iter().map(Output::cost).sum();
    eprintln!(
        "raw_write: {} files, {cells} cells, {failed} failed, {:.2} s",
        outputs.len(),
        start.elapsed().as_secs_f64()
    );
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// A text of `chars` characters, distinct for each `k` (up to the pool's variety).
fn text(k: u64, chars: usize, buf: &mut String) {
    const POOL: &[char] = &[
        '张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴', '村', '社', '镇', '街', '道', '学', '校', '小',
        '中', '区',
    ];
    buf.clear();
    let mut x = k;
    for _ in 0..chars.max(1) {
        buf.push(POOL[(x % POOL.len() as u64) as usize]);
        x /= POOL.len() as u64;
        if x == 0 {
            x = k.wrapping_mul(0x9E37_79B9) + 7;
        }
    }
}

fn write_one(o: &Output, out: &Path, k: usize) -> Result<(), XlsxError> {
    match o {
        Output::Csv { path, bytes, lines } => {
            let p = out.join(path);
            std::fs::create_dir_all(p.parent().unwrap_or(out))?;
            let mut w = std::io::BufWriter::new(std::fs::File::create(&p)?);
            let per = (*bytes / (*lines).max(1)).max(1) as usize;
            let mut line = "学".repeat(per / 3);
            line.push('\n');
            for _ in 0..*lines {
                w.write_all(line.as_bytes())?;
            }
            w.flush()?;
            Ok(())
        }
        Output::Book { path, sheets, distinct, constant_memory } => {
            let p = out.join(path);
            std::fs::create_dir_all(p.parent().unwrap_or(out))?;
            let as_of = chrono::NaiveDate::from_ymd_opt(2020, 5, 14).expect("date");
            let mut wb = kcbx::report::xlsx::workbook(&format!("raw_write {k}"), as_of);
            let cell = Format::new().set_font_name("宋体").set_font_size(9).set_border(FormatBorder::Thin);
            let distinct = (*distinct).max(1);
            let mut next = 0u64;
            let mut buf = String::new();
            for s in sheets {
                let ws = if *constant_memory { wb.add_worksheet_with_constant_memory()? } else { wb.add_worksheet() };
                let cells = s.strings + s.numbers;
                if cells == 0 {
                    continue;
                }
                let cols = u64::from(s.cols.max(1));
                let chars = ((s.text_bytes / s.strings.max(1)) / 3).max(1) as usize;
                for i in 0..cells {
                    let (r, c) = ((i / cols) as u32, (i % cols) as u16);
                    // Strings and numbers in the sheet's proportion.
                    let is_string = i * s.strings / cells != (i + 1) * s.strings / cells;
                    if is_string {
                        text(next % distinct, chars, &mut buf);
                        next += 1;
                        if *constant_memory {
                            ws.write_string(r, c, &buf)?;
                        } else {
                            ws.write_string_with_format(r, c, &buf, &cell)?;
                        }
                    } else if *constant_memory {
                        ws.write_number(r, c, i as f64)?;
                    } else {
                        ws.write_number_with_format(r, c, i as f64, &cell)?;
                    }
                }
            }
            wb.save(&p)
        }
    }
}
