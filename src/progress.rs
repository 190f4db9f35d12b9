//! Progress and log lines on stderr for long runs: files read, rows, linking, workbooks
//! written. Not a pipeline stage — a sink the stages report to.
//!
//! Like the `log` crate, there is one process-wide sink, installed by the command that wants
//! it ([`install`], from `kcbx run`) and absent otherwise, so the stages report with one
//! call each ([`begin`], [`inc`], [`step`], [`end`], [`note`]) and need no extra
//! parameters; with no sink installed every call is a no-op (library use, tests, `check`).
//!
//! Three forms:
//! - **text** on a terminal: an indicatif bar per stage (files read, workbooks written) or a
//!   spinner (normalising, linking), and notes printed above it;
//! - **text** when stderr is not a terminal: notes only, no bars (a log file stays clean);
//! - **json** (`--log-format json`): one JSON object per line, for automation:
//!   `{"t_ms":1234,"event":"done","stage":"read","elapsed_ms":1200,"files":78,...}` with
//!   `event` one of `start`, `progress` (at most once a second), `step`, `done`, `note`.
//!
//! `--quiet` installs nothing: stderr then carries errors only.
//!
//! Nothing here may carry personal data: stages pass stage names, counts and the notes of
//! the read stage (which point at files, sheets, rows and columns, never at values).
//!
//! Pipeline position: below every stage; [`crate::pipeline`] installs the sink and times the
//! stages ([`crate::pipeline::Stages`]).

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Map, Value};

/// How log lines are written (`--log-format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// 文字提示；终端上显示进度条 (human text; bars on a terminal)
    #[default]
    Text,
    /// 每行一个 JSON 对象 (one JSON object per line)
    Json,
}

/// The installed sink.
struct Sink {
    format: LogFormat,
    /// Bars and spinners are drawn (text form on a terminal).
    bars: bool,
    start: Instant,
    stage: Option<Stage>,
}

/// The stage being reported.
struct Stage {
    name: &'static str,
    start: Instant,
    bar: Option<ProgressBar>,
    done: u64,
    total: Option<u64>,
    last_json: Instant,
}

static SINK: Mutex<Option<Sink>> = Mutex::new(None);

/// Installs the process-wide sink (replacing any earlier one). Bars are drawn only when
/// stderr is a terminal and the format is text.
pub fn install(format: LogFormat) {
    let bars = format == LogFormat::Text && std::io::stderr().is_terminal();
    *lock() = Some(Sink { format, bars, start: Instant::now(), stage: None });
}

/// Removes the sink, clearing any bar left on screen.
pub fn uninstall() {
    if let Some(mut sink) = lock().take() {
        if let Some(bar) = sink.stage.take().and_then(|s| s.bar) {
            bar.finish_and_clear();
        }
    }
}

/// Whether a sink is installed (so that callers can skip building counts nobody reads).
pub fn enabled() -> bool {
    lock().is_some()
}

fn lock() -> std::sync::MutexGuard<'static, Option<Sink>> {
    // A panic while holding the lock leaves only display state behind: carry on.
    SINK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The Chinese label of a stage, for bars.
fn label(stage: &str) -> &'static str {
    match stage {
        "read" => "读取文件",
        "normalize" => "整理字段",
        "link" => "比对人员",
        "rules" => "判定问题",
        "changes" => "统计变动",
        "report" => "写出台账",
        _ => "处理中",
    }
}

/// A stage begins; `total` is the number of units [`inc`] will count (files, workbooks),
/// or `None` for a spinner.
pub fn begin(stage: &'static str, total: Option<u64>) {
    let mut guard = lock();
    let Some(sink) = guard.as_mut() else { return };
    if let Some(bar) = sink.stage.take().and_then(|s| s.bar) {
        bar.finish_and_clear();
    }
    let bar = sink.bars.then(|| {
        let bar = match total {
            Some(n) => {
                let bar = ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed})")
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                );
                bar
            }
            None => {
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template("{prefix} {spinner} {msg} ({elapsed})")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.enable_steady_tick(Duration::from_millis(120));
                bar
            }
        };
        bar.set_prefix(format!("kcbx: {}", label(stage)));
        bar
    });
    let now = Instant::now();
    sink.stage = Some(Stage { name: stage, start: now, bar, done: 0, total, last_json: now });
    if sink.format == LogFormat::Json {
        let mut obj = Map::new();
        if let Some(n) = total {
            obj.insert("total".into(), n.into());
        }
        emit(sink, "start", stage, obj);
    }
}

/// `n` more units of the current stage are done (callable from any thread).
pub fn inc(n: u64) {
    let mut guard = lock();
    let Some(sink) = guard.as_mut() else { return };
    let json = sink.format == LogFormat::Json;
    let Some(stage) = sink.stage.as_mut() else { return };
    stage.done += n;
    if let Some(bar) = &stage.bar {
        bar.inc(n);
        if stage.total.is_none() {
            bar.set_message(format!("已完成 {} 个 (done)", stage.done));
        }
    }
    if json && stage.last_json.elapsed() >= Duration::from_secs(1) {
        stage.last_json = Instant::now();
        let (name, done, total) = (stage.name, stage.done, stage.total);
        let mut obj = Map::new();
        obj.insert("done".into(), done.into());
        if let Some(t) = total {
            obj.insert("total".into(), t.into());
        }
        emit(sink, "progress", name, obj);
    }
}

/// A named step within the current stage finished, with counts (`link`: one per source
/// linked). Text form: shown as the spinner's message; json: a `step` line.
pub fn step(what: &str, counts: &[(&str, u64)]) {
    let mut guard = lock();
    let Some(sink) = guard.as_mut() else { return };
    let Some(stage) = sink.stage.as_ref() else { return };
    let name = stage.name;
    if let Some(bar) = &stage.bar {
        bar.set_message(what.to_string());
    }
    if sink.format == LogFormat::Json {
        let mut obj = counts_map(counts);
        obj.insert("step".into(), what.into());
        obj.insert("elapsed_ms".into(), (stage.start.elapsed().as_millis() as u64).into());
        emit(sink, "step", name, obj);
    }
}

/// Sets the text shown beside the current bar (e.g. the running row count). No json line.
pub fn message(text: &str) {
    let guard = lock();
    if let Some(bar) = guard.as_ref().and_then(|s| s.stage.as_ref()).and_then(|s| s.bar.as_ref()) {
        bar.set_message(text.to_string());
    }
}

/// The current stage ends, with its counts. Returns the stage's elapsed milliseconds
/// (0 when no sink is installed).
pub fn end(stage: &'static str, counts: &[(&str, u64)]) -> u64 {
    let mut guard = lock();
    let Some(sink) = guard.as_mut() else { return 0 };
    let current = sink.stage.take().filter(|s| s.name == stage);
    let elapsed = current.as_ref().map_or(0, |s| s.start.elapsed().as_millis() as u64);
    if let Some(bar) = current.and_then(|s| s.bar) {
        bar.finish_and_clear();
    }
    if sink.format == LogFormat::Json {
        let mut obj = counts_map(counts);
        obj.insert("elapsed_ms".into(), elapsed.into());
        emit(sink, "done", stage, obj);
    }
    elapsed
}

/// A message for the user (no personal data): `kcbx: …` above any bar, or a json `note`.
pub fn note(text: &str) {
    let mut guard = lock();
    let Some(sink) = guard.as_mut() else { return };
    match sink.format {
        LogFormat::Text => {
            let line = format!("kcbx: {text}");
            match sink.stage.as_ref().and_then(|s| s.bar.as_ref()) {
                Some(bar) => bar.suspend(|| eprintln!("{line}")),
                None => eprintln!("{line}"),
            }
        }
        LogFormat::Json => {
            let stage = sink.stage.as_ref().map_or("run", |s| s.name);
            let mut obj = Map::new();
            obj.insert("message".into(), text.into());
            emit(sink, "note", stage, obj);
        }
    }
}

fn counts_map(counts: &[(&str, u64)]) -> Map<String, Value> {
    counts.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect()
}

/// Writes one json line: `t_ms`, `event`, `stage`, then the fields.
fn emit(sink: &Sink, event: &str, stage: &str, fields: Map<String, Value>) {
    let mut obj = Map::new();
    obj.insert("t_ms".into(), (sink.start.elapsed().as_millis() as u64).into());
    obj.insert("event".into(), event.into());
    obj.insert("stage".into(), stage.into());
    obj.extend(fields);
    let mut err = std::io::stderr().lock();
    // A closed stderr must not stop a run.
    let _ = writeln!(err, "{}", Value::Object(obj));
}
