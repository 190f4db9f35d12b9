//! Test helpers: a unique working folder per test, running the `kcbx` binary in it, and
//! reading back what it wrote (workbooks through calamine, CSV through the csv crate).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use calamine::{open_workbook_auto, Data, Reader};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh folder for one test, under Cargo's per-target temporary directory. It is removed
/// when the test passes and kept when it fails, for a look at what the run wrote.
pub struct Workdir {
    pub dir: PathBuf,
}

impl Drop for Workdir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl std::ops::Deref for Workdir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.dir
    }
}

impl AsRef<Path> for Workdir {
    fn as_ref(&self) -> &Path {
        &self.dir
    }
}

impl Workdir {
    pub fn new(name: &str) -> Workdir {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("kcbx-{name}-{}-{n}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("clean test folder");
        }
        std::fs::create_dir_all(&dir).expect("create test folder");
        Workdir { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// A `kcbx` command running in this folder.
    pub fn kcbx(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kcbx"));
        cmd.current_dir(&self.dir);
        cmd
    }

    /// Runs `kcbx` with arguments, asserting success; returns stdout.
    pub fn run_ok(&self, args: &[&str]) -> String {
        let out = self.kcbx().args(args).output().expect("run kcbx");
        assert!(out.status.success(), "kcbx {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs `kcbx` with arguments and returns the whole output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.kcbx().args(args).output().expect("run kcbx")
    }
}

/// The repository root (where Cargo.toml is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every cell of a sheet as display text (rows × columns).
pub fn sheet_text(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let range = wb.worksheet_range(sheet).unwrap_or_else(|e| panic!("sheet {sheet} of {}: {e}", path.display()));
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The raw cell values of a sheet, for type assertions (text vs number).
pub fn sheet_cells(path: &Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let range = wb.worksheet_range(sheet).unwrap_or_else(|e| panic!("sheet {sheet}: {e}"));
    range.rows().map(|r| r.to_vec()).collect()
}

pub fn sheet_names(path: &Path) -> Vec<String> {
    open_workbook_auto(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display())).sheet_names().to_vec()
}

/// A CSV written by kcbx (UTF-8 with BOM) as header + rows of named fields.
pub fn read_csv(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let text = text.strip_prefix('\u{feff}').expect("kcbx CSVs start with a BOM");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers.iter().zip(rec.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()
        })
        .collect()
}

/// The single run folder inside an output folder (a run prints it on stdout too).
pub fn run_dir(stdout: &str) -> PathBuf {
    PathBuf::from(stdout.trim().lines().last().expect("run prints its folder"))
}
