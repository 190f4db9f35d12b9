//! The floor for any pipeline that starts from Excel files: open every file a pipeline's
//! globs match, read every cell of every sheet, and do nothing else (CSV: decode and split
//! into fields). Files are read in parallel with rayon, as `kcbx run` reads them, so that
//! `bench/run.sh` compares like with like.
//!
//! Not part of kcbx: a benchmark baseline. It prints counts only (files, sheets, rows,
//! cells), never a cell value.
//!
//! ```sh
//! cargo build --release --example raw_read
//! target/release/examples/raw_read bench/data/city/pipeline.toml
//! ```

use std::collections::BTreeSet;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use encoding_rs::{Encoding, GB18030, UTF_8};
use rayon::prelude::*;

/// What reading one file saw.
#[derive(Default)]
struct Counts {
    files: u64,
    bytes: u64,
    sheets: u64,
    rows: u64,
    /// Non-empty cells.
    cells: u64,
    /// Bytes of text in string cells: a use of every value, so nothing is optimised away.
    text: u64,
    failed: u64,
}

impl Counts {
    fn add(mut self, o: Counts) -> Counts {
        self.files += o.files;
        self.bytes += o.bytes;
        self.sheets += o.sheets;
        self.rows += o.rows;
        self.cells += o.cells;
        self.text += o.text;
        self.failed += o.failed;
        self
    }
}

fn main() -> ExitCode {
    let Some(pipeline) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: raw_read PIPELINE.toml");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let plan = match kcbx::plan::load(&pipeline, &kcbx::plan::Overrides::default()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("raw_read: {e}");
            return ExitCode::from(2);
        }
    };
    // The same files `kcbx run` reads: every source's globs, case-insensitive, no lock files.
    let options = glob::MatchOptions { case_sensitive: false, ..glob::MatchOptions::new() };
    let mut files: BTreeSet<PathBuf> = BTreeSet::new();
    for src in &plan.sources {
        for pattern in &src.patterns {
            let Ok(paths) = glob::glob_with(pattern, options) else { continue };
            for p in paths.flatten() {
                let lock = p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("~$"));
                if p.is_file() && !lock {
                    files.insert(p);
                }
            }
        }
    }
    let files: Vec<PathBuf> = files.into_iter().collect();
    let total = files.par_iter().map(|p| read(p)).reduce(Counts::default, Counts::add);
    eprintln!(
        "raw_read: {} files ({:.1} MiB), {} sheets, {} rows, {} non-empty cells, {} bytes of text, {} failed, {:.2} s",
        total.files,
        total.bytes as f64 / 1_048_576.0,
        total.sheets,
        total.rows,
        total.cells,
        total.text,
        total.failed,
        start.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

fn read(path: &Path) -> Counts {
    let mut c = Counts { files: 1, ..Counts::default() };
    let Ok(bytes) = std::fs::read(path) else {
        c.failed = 1;
        return c;
    };
    c.bytes = bytes.len() as u64;
    let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        read_csv(&bytes, &mut c);
        return c;
    }
    let Ok(mut book) = open_workbook_auto_from_rs(Cursor::new(bytes.as_slice())) else {
        c.failed = 1;
        return c;
    };
    for name in book.sheet_names() {
        let Ok(range) = book.worksheet_range(&name) else {
            c.failed += 1;
            continue;
        };
        c.sheets += 1;
        for row in range.rows() {
            c.rows += 1;
            for cell in row {
                match cell {
                    Data::Empty => {}
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                        c.cells += 1;
                        c.text += s.len() as u64;
                    }
                    _ => c.cells += 1,
                }
            }
        }
    }
    c
}

/// Decodes (BOM, else UTF-8 if valid, else GB18030) and splits into fields, as kcbx does.
fn read_csv(bytes: &[u8], c: &mut Counts) {
    let encoding = match Encoding::for_bom(bytes) {
        Some((enc, _)) => enc,
        None if std::str::from_utf8(bytes).is_ok() => UTF_8,
        None => GB18030,
    };
    let (text, _, _) = encoding.decode(bytes);
    let head = &text.as_bytes()[..text.len().min(4096)];
    let count = |b: u8| head.iter().filter(|&&x| x == b).count();
    let delimiter = if count(b'\t') > count(b',') { b'\t' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    c.sheets += 1;
    let mut record = csv::StringRecord::new();
    while let Ok(true) = reader.read_record(&mut record) {
        c.rows += 1;
        for field in record.iter().filter(|f| !f.is_empty()) {
            c.cells += 1;
            c.text += field.len() as u64;
        }
    }
}
