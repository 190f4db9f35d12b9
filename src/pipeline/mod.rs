//! The run skeleton both pipelines go through: the options of a run ([`RunOptions`], built
//! from the command line by `cmd/run.rs`, so no stage ever sees `Args`), the log sink for
//! the length of the run ([`Log`]), the stage timer that drives progress, the JSON log and
//! `timings_ms` ([`Stages`]), the shared start — read every source and type its records
//! ([`start`]) —, the run folder ([`run_dir`]) and the fields every `run.json` begins with
//! ([`RunHeader`]).
//!
//! Pipeline position: the spine. [`clearance`] runs read → sources → link → rules →
//! roundtrip → report on it; [`crate::weekly`] runs read → sources → weekly on it. A run
//! over several partitions (one district at a time) would loop inside [`clearance::run`]
//! between [`start`] and the report, reusing the same timer and run folder.

pub mod clearance;
pub mod partition;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::progress::{self, LogFormat};
use crate::read::ReadOutcome;
use crate::report::manifest::RunHeader;
use crate::report::{self, RunDir};
use crate::sources::Data;

/// Which earlier run a clearance run compares with (history and 变化情况).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Previous {
    /// The latest earlier run in the output folder, if any (the default).
    #[default]
    Latest,
    /// This run folder (`--previous DIR`).
    Dir(PathBuf),
    /// None: start afresh (`--no-previous`).
    None,
}

/// What the command line asks of a run, beyond the pipeline file. Built by `kcbx run` from
/// its `Args`; the pipelines read it, never the command line.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The run folder's name; default: the date and time ([`report::default_label`]).
    pub label: Option<String>,
    pub previous: Previous,
    /// `--per-village` was given (also one workbook per village). The clearance run adds it
    /// to the pipeline file's `per_village`; the weekly run refuses it.
    pub per_village: bool,
    /// No progress or notes on stderr (errors only).
    pub quiet: bool,
    pub log_format: LogFormat,
}

impl RunOptions {
    /// Refuses the options a weekly run cannot honour, rather than ignoring them.
    pub fn weekly_refusals(&self) -> Result<()> {
        let mut problems = Vec::new();
        if let Previous::Dir(dir) = &self.previous {
            problems.push(format!(
                "周报表管线（kind = weekly）不与上次运行比较，不能使用 --previous {}；\
                 上周的学籍由管线文件中 snapshot = \"previous\" 的来源给出 (--previous does not apply to a weekly run)",
                dir.display()
            ));
        }
        if self.per_village {
            problems.push(
                "周报表管线（kind = weekly）按学校统计，不生成村(社区)台账，不能使用 --per-village \
                 (--per-village does not apply to a weekly run)"
                    .to_string(),
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Usage(problems.join("\n")))
        }
    }
}

/// The progress and log sink for the length of a run: installed unless `quiet`, removed
/// on every exit (an error, a panic unwinding) when dropped.
pub struct Log(bool);

impl Log {
    pub fn install(opts: &RunOptions) -> Log {
        if !opts.quiet {
            progress::install(opts.log_format);
        }
        Log(!opts.quiet)
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        if self.0 {
            progress::uninstall();
        }
    }
}

/// The stage timer: each stage's start and end go to the progress sink (bars, JSON `start`
/// and `done` events) and its wall time into `timings_ms` of `run.json`.
#[derive(Debug, Default)]
pub struct Stages {
    timings: BTreeMap<&'static str, u128>,
    current: Option<(&'static str, Instant)>,
}

impl Stages {
    /// A stage begins: `total` units (files, workbooks) for a bar, or `None` for a spinner.
    pub fn begin(&mut self, stage: &'static str, total: Option<u64>) {
        self.clock(stage);
        progress::begin(stage, total);
    }

    /// Starts a stage's clock only, for a stage that reports its own start (the read
    /// stage knows its file count once the globs are expanded).
    pub fn clock(&mut self, stage: &'static str) {
        self.current = Some((stage, Instant::now()));
    }

    /// The stage ends: its time is recorded and its counts (no personal data) logged.
    pub fn end(&mut self, stage: &'static str, counts: &[(&str, u64)]) {
        if let Some((name, t)) = self.current.take() {
            debug_assert_eq!(name, stage, "stages end in the order they begin");
            self.timings.insert(stage, t.elapsed().as_millis());
        }
        progress::end(stage, counts);
    }

    /// Wall time per stage, in milliseconds, for `run.json`.
    pub fn timings(&self) -> BTreeMap<&'static str, u128> {
        self.timings.clone()
    }
}

/// The shared start of both pipelines: every source read and its tables turned into typed
/// records as they are read ([`crate::sources::read_and_build`]), the read stage's notes
/// said, and the run stopped (exit code 1, before anything is written) when an input is
/// unusable. Times the `read` stage.
pub fn start(plan: &Plan, stages: &mut Stages) -> Result<(crate::table::Inputs, Data)> {
    stages.clock("read");
    let (outcome, data) = crate::sources::read_and_build(plan, &plan.values, plan.params.as_of);
    stages.end("read", &read_counts(&outcome));
    for note in &outcome.notes {
        progress::note(note);
    }
    if !outcome.problems.is_empty() {
        return Err(Error::Data(outcome.problems));
    }
    Ok((outcome.inputs, data))
}

/// Counts of the read stage for the progress log (no personal data).
fn read_counts(outcome: &ReadOutcome) -> [(&'static str, u64); 5] {
    let rows: u64 = outcome.inputs.sheets.iter().map(|s| s.counts.read).sum();
    let used: u64 = outcome.inputs.sheets.iter().map(|s| s.counts.used).sum();
    [
        ("files", outcome.inputs.files.len() as u64),
        ("sheets", outcome.inputs.sheets.len() as u64),
        ("rows", rows),
        ("rows_used", used),
        ("problems", outcome.problems.len() as u64),
    ]
}

/// The run's label (`--label`, else the date and time).
pub fn label(plan: &Plan, opts: &RunOptions) -> String {
    opts.label.clone().unwrap_or_else(|| report::default_label(&plan.output_dir))
}

/// The run folder `<output.dir>/<label>`, written under a temporary name until
/// [`RunDir::finish`]; an existing folder is refused.
pub fn run_dir(plan: &Plan, label: &str) -> Result<RunDir> {
    RunDir::create(&plan.output_dir, label)
}

/// The fields every `run.json` begins with, for a run of `plan` labelled `label` that
/// finishes now; `kind` is written by the weekly run only.
pub fn header<'a>(plan: &'a Plan, label: &'a str, kind: Option<&'static str>) -> RunHeader<'a> {
    RunHeader {
        tool: "kcbx",
        version: env!("CARGO_PKG_VERSION"),
        pipeline: &plan.name,
        pipeline_file: plan.path.display().to_string(),
        kind,
        label,
        finished_at: chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
    }
}

/// Writes `run.json` and renames the run folder into place; returns where it is.
pub fn finish(dir: RunDir, manifest: &impl Serialize) -> Result<PathBuf> {
    report::write_json(&dir, "run.json", manifest)?;
    let done = dir.finish()?;
    Ok(done)
}
