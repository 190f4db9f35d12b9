//! The memory guard: `kcbx run` on the far-cell workbook, on a zip bomb and on a one-line
//! 200 MB CSV, each as a whole process whose peak resident memory (`VmHWM` in
//! `/proc/<pid>/status`, polled while it runs) must stay under 512 MiB. Exit code and
//! message are asserted; the figures are printed (`--nocapture`), never compared with a time.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::hostile::*;
use crate::read_support::fixtures;
use crate::util::Workdir;

const CEILING_KIB: u64 = 512 * 1024;

/// Peak resident memory of a process so far, in KiB (0 once it has exited).
fn vm_hwm(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Runs `kcbx run` on a pipeline with `census` as the census source; returns the exit code,
/// stderr and the peak resident memory seen, in KiB.
fn run_guarded(w: &Workdir, census: &str) -> (Option<i32>, String, u64) {
    let pipe = w.path("pipe.toml");
    std::fs::write(
        &pipe,
        format!(
            "name = \"t\"\nkind = \"clearance\"\n[params]\nas_of = \"2020-05-14\"\n[output]\ndir = \"out\"\n\
             [[sources]]\nkind = \"census\"\nfiles = \"{census}\"\n\
             [[sources]]\nkind = \"enrollment\"\nfiles = \"{}\"\n",
            fixtures().join("enrollment_bom.csv").display()
        ),
    )
    .unwrap();
    let err = std::fs::File::create(w.path("stderr.txt")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kcbx"))
        .args(["run", "--no-previous"])
        .arg(&pipe)
        .current_dir(&w.dir)
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .unwrap();
    let mut peak = 0;
    let status = loop {
        peak = peak.max(vm_hwm(child.id()));
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let stderr = std::fs::read_to_string(w.path("stderr.txt")).unwrap();
    (status.code(), stderr, peak)
}

fn no_run_folder(w: &Workdir) {
    let out = w.path("out");
    let left: Vec<_> =
        std::fs::read_dir(&out).map(|d| d.flatten().map(|e| e.file_name()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "{} holds {left:?}", out.display());
}

#[test]
fn hostile_inputs_stay_under_512_mib() {
    // The far cell: read by its cells, a note naming file, sheet and cell; the run goes on.
    let w = Workdir::new("guard-far");
    std::fs::write(w.path("far.xlsx"), far_cell(3)).unwrap();
    let (code, stderr, peak) = run_guarded(&w, "far.xlsx");
    println!("far-cell xlsx ({} bytes): exit {code:?}, peak {} MiB", file_len(&w.path("far.xlsx")), peak / 1024);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("far.xlsx［表1］") && stderr.contains("XFD1048576"), "{stderr}");
    assert!(peak > 0 && peak <= CEILING_KIB, "peak {peak} KiB");

    // A zip bomb: one shared string of 256 MiB in a file of a few hundred KB.
    let w = Workdir::new("guard-bomb");
    std::fs::write(w.path("bomb.xlsx"), zip_bomb(256 << 20)).unwrap();
    let (code, stderr, peak) = run_guarded(&w, "bomb.xlsx");
    println!("zip bomb ({} bytes): exit {code:?}, peak {} MiB", file_len(&w.path("bomb.xlsx")), peak / 1024);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("文件 bomb.xlsx") && stderr.contains("压缩炸弹") && stderr.contains("256 MB"), "{stderr}");
    assert!(peak > 0 && peak <= CEILING_KIB, "peak {peak} KiB");
    no_run_folder(&w);

    // One line of 200 MB, no line break anywhere.
    let w = Workdir::new("guard-csv");
    std::fs::write(w.path("line.csv"), vec![b'x'; 200 << 20]).unwrap();
    let (code, stderr, peak) = run_guarded(&w, "line.csv");
    println!("one-line CSV (200 MiB): exit {code:?}, peak {} MiB", peak / 1024);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("文件 line.csv") && stderr.contains("没有换行符") && stderr.contains("200 MB"), "{stderr}");
    assert!(peak > 0 && peak <= CEILING_KIB, "peak {peak} KiB");
    no_run_folder(&w);
    let _ = std::fs::remove_file(w.path("line.csv"));
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}
