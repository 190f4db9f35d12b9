//! The weekly pipeline (`kind = "weekly"`): the notice's 周报表 and 日报表.
//!
//! From the 学籍 of two moments (last week's and this week's exports, or one export whose
//! status changes are dated), it writes `周报表.xlsx` in the shape of attachment 1 of
//! 荣教政发〔2020〕55号 — one row per school grouped by 学区, 学区 subtotals, a district total —
//! with the week's changes, the changes nothing explains, and the consistency checks; and, when
//! column 7 (辍学) or 14 (劝返复学) is not zero, `辍学学生花名册日报表.xlsx` in the shape of
//! attachment 2 with the week's 劝返 records. Children with three failed 劝返 attempts, who are
//! due a 限期复（入）学通知书 (attachment 3), get a sheet of their own.
//!
//! Stages, in the order data flows, on the run skeleton of [`crate::pipeline`]:
//! [`crate::pipeline::start`] (read, then the typed 学籍, roster, attendance and 劝返 rows)
//! → [`inputs`] (the attendance and 劝返 records handed over, the school list) → [`changes`]
//! (each student's standing at each school last week and this week, and the change between
//! them) → [`form`] (the rows of the 周报表 and their checks) → [`persuasion`] (daily columns
//! and the three-attempt rule) → [`write`] (the workbooks).
//!
//! Pipeline position: read → sources → **weekly** (its own report), beside the clearance
//! run's link → rules → roundtrip → report.

pub mod changes;
pub mod column;
pub mod form;
pub mod inputs;
pub mod persuasion;
mod write;

use column::WeeklyColumn;

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::pipeline::{self, Log, RunOptions, Stages};
use crate::plan::{Plan, Snapshot};
use crate::progress;
use crate::report::{self, dropouts::working_days_after, manifest};
use crate::schema::SourceKind;

/// The week a report covers: the seven days ending on `end` (normally a Friday), so that
/// consecutive reports cover consecutive, non-overlapping weeks.
#[derive(Clone, Debug, Serialize)]
pub struct Week {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The working days (Monday–Friday) of the week: one 劝返情况 column each.
    pub days: Vec<NaiveDate>,
}

impl Week {
    /// The week ending on `end`.
    pub fn ending(end: NaiveDate) -> Week {
        Week { start: end - Duration::days(6), end, days: working_days_after(end - Duration::days(7)) }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        (self.start..=self.end).contains(&d)
    }

    /// `2020年5月16日至5月22日`.
    pub fn label(&self) -> String {
        let s = self.start;
        let e = self.end;
        if s.year() == e.year() {
            format!("{}年{}月{}日至{}月{}日", s.year(), s.month(), s.day(), e.month(), e.day())
        } else {
            format!("{}年{}月{}日至{}年{}月{}日", s.year(), s.month(), s.day(), e.year(), e.month(), e.day())
        }
    }
}

/// How last week's 学籍 is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Two exports: `snapshot = "previous"` and `snapshot = "current"`.
    Snapshots,
    /// One export with dated status changes: last week's state is this week's with the
    /// changes dated within the week undone.
    Dated,
}

/// Checks the plan's sources for a weekly run: the snapshot markings and the roster.
fn mode_of(plan: &Plan) -> Result<Mode> {
    let shown = plan.path.display();
    let marks: Vec<Option<Snapshot>> =
        plan.sources.iter().filter(|s| s.kind == SourceKind::Enrollment).map(|s| s.snapshot).collect();
    let mut problems = Vec::new();
    let mode = if marks.iter().all(Option::is_none) {
        Mode::Dated
    } else {
        if marks.iter().any(Option::is_none) {
            problems.push(format!(
                "管线文件 {shown}：weekly 管线的学籍来源要么都标明 snapshot = \"previous\" / \"current\"，\
                 要么都不标（一份带异动日期的导出） (mark every enrollment source with a snapshot, or none)"
            ));
        }
        for (want, label) in [(Snapshot::Previous, "previous（上周）"), (Snapshot::Current, "current（本周）")]
        {
            if !marks.contains(&Some(want)) {
                problems.push(format!(
                    "管线文件 {shown}：缺少 snapshot = {label} 的学籍来源 (missing the {label} enrollment snapshot)"
                ));
            }
        }
        Mode::Snapshots
    };
    for s in &plan.sources {
        if s.snapshot.is_some() && s.kind != SourceKind::Enrollment {
            problems.push(format!(
                "管线文件 {shown}：只有学籍（enrollment）来源可以标 snapshot，{} 来源不可以",
                s.kind.key()
            ));
        }
    }
    if !plan.sources.iter().any(|s| s.kind == SourceKind::Roster) {
        problems.push(format!(
            "管线文件 {shown}：weekly 管线需要 kind = \"roster\"（包片包校责任人名单）来源，用以确定各校所属学区"
        ));
    }
    if problems.is_empty() {
        Ok(mode)
    } else {
        Err(Error::Usage(problems.join("\n")))
    }
}

/// What `run.json` of a weekly run records: counts only, no personal data.
#[derive(Serialize)]
struct WeeklyManifest<'a> {
    #[serde(flatten)]
    header: manifest::RunHeader<'a>,
    week: &'a Week,
    mode: Mode,
    unit: &'a str,
    reviewer: &'a str,
    report_date: Option<NaiveDate>,
    inputs: manifest::InputsReport<'a>,
    /// District totals of columns 4–15 of the 周报表, keyed by column number.
    columns: BTreeMap<String, u32>,
    schools: usize,
    changes: BTreeMap<&'static str, usize>,
    unexplained: usize,
    checks_failed: usize,
    notices_due: usize,
    daily_rows: usize,
    persuasion_unmatched: usize,
    /// Per school of the 周报表: whether its report for the week arrived (read by the
    /// clearance pipeline's `[inspection] weekly_runs`). School names only.
    reports: Vec<SchoolReport>,
    timings_ms: BTreeMap<&'static str, u128>,
    outputs: Vec<String>,
}

/// One school's report for the week: `received` when this week's 学籍 export has rows of the
/// school and, when the pipeline has an attendance source, its 实际在校学生数 is given.
#[derive(Serialize)]
struct SchoolReport {
    school: String,
    unit: String,
    received: bool,
}

/// Runs a weekly pipeline: reads the sources, works out the week's changes, writes the run
/// folder (`周报表.xlsx`, `辍学学生花名册日报表.xlsx` when due, `rejects.csv`, `run.json`).
/// Refuses `--previous` and `--per-village` (see [`RunOptions::weekly_refusals`]); logs
/// through the run's sink, so `--log-format json` holds here too.
pub fn run(plan: &Plan, opts: &RunOptions) -> Result<()> {
    opts.weekly_refusals()?;
    let mode = mode_of(plan)?;
    let _log = Log::install(opts);
    let say = progress::note;
    let mut stages = Stages::default();
    let week = Week::ending(plan.weekly.week_end.unwrap_or(plan.params.as_of));
    say(&format!(
        "周报表：统计时段 {}（{}）",
        week.label(),
        match mode {
            Mode::Snapshots => "上周、本周两期学籍比较",
            Mode::Dated => "按本周异动日期推算上周学籍",
        }
    ));

    let (inputs, mut data) = pipeline::start(plan, &mut stages)?;
    data.unpack();

    stages.begin("changes", None);
    let extra = inputs::extract(&mut data);
    let schools = inputs::Schools::build(&data, &extra);
    let found = changes::find(&data, plan, &schools, &week, mode);
    let sheet = form::build(&schools, &found, &extra, &data.enrollment);
    let daily = persuasion::build(&data, &schools, &found, &extra, &sheet, &week);
    stages.end("changes", &[("schools", schools.list.len() as u64), ("changes", found.changes.len() as u64)]);

    stages.begin("report", None);
    let label = pipeline::label(plan, opts);
    let dir = pipeline::run_dir(plan, &label)?;
    let ctx = write::Ctx {
        plan,
        week: &week,
        data: &data,
        inputs: &inputs,
        schools: &schools,
        persuasion: &extra.persuasion,
    };
    let mut outputs = vec![write::weekly_book(&dir, &ctx, &found, &sheet, &daily)?];
    if let Some(name) = write::daily_book(&dir, &ctx, &daily)? {
        outputs.push(name);
    }
    let path = dir.path("rejects.csv");
    let file = std::fs::File::create(&path).map_err(|e| Error::io(format!("无法写入 {}", path.display()), e))?;
    report::rejects::write(std::io::BufWriter::new(file), &inputs)
        .map_err(|e| Error::io(format!("无法写入 {}", path.display()), e))?;
    outputs.push("rejects.csv".into());
    stages.end("report", &[("files", outputs.len() as u64)]);
    outputs.push("run.json".into());

    let total = &sheet.total;
    let columns: BTreeMap<String, u32> = WeeklyColumn::COUNTS
        .iter()
        .map(|&c| (format!("{:02}", c.number()), total.column(c).expect("numeric column")))
        .collect();
    let mut by_kind = BTreeMap::new();
    for c in &found.changes {
        *by_kind.entry(c.kind.key()).or_insert(0) += 1;
    }
    let m = WeeklyManifest {
        header: pipeline::header(plan, &label, Some("weekly")),
        week: &week,
        mode,
        unit: &plan.weekly.unit,
        reviewer: &plan.weekly.reviewer,
        report_date: plan.weekly.report_date,
        inputs: manifest::InputsReport {
            files: manifest::files(&inputs, plan),
            accounting: manifest::accounting(&inputs),
        },
        columns,
        schools: sheet.units.iter().map(|u| u.rows.len()).sum(),
        changes: by_kind,
        unexplained: found.changes.iter().filter(|c| c.kind.is_unexplained()).count(),
        checks_failed: sheet.failures().count(),
        notices_due: daily.due.len(),
        daily_rows: daily.rows.len(),
        persuasion_unmatched: daily.unmatched.len(),
        reports: sheet
            .units
            .iter()
            .flat_map(|u| &u.rows)
            .map(|r| SchoolReport {
                school: schools.list[r.school].name.clone(),
                unit: schools.list[r.school].unit.clone(),
                received: r.counts.roll > 0 && (!extra.has_attendance || r.attended),
            })
            .collect(),
        timings_ms: stages.timings(),
        outputs,
    };
    let done = pipeline::finish(dir, &m)?;

    // The summary: counts and school names only.
    say(&format!(
        "本周减少 {} 人（辍学 {}，转出 {}，休学 {}，借读（出） {}，死亡 {}），增加 {} 人（转入 {}，劝返复学 {}，借读（入） {}）",
        total.column(WeeklyColumn::Decreases).unwrap_or(0),
        total.column(WeeklyColumn::Dropout).unwrap_or(0),
        total.column(WeeklyColumn::TransferOut).unwrap_or(0),
        total.column(WeeklyColumn::Suspended).unwrap_or(0),
        total.column(WeeklyColumn::VisitOut).unwrap_or(0),
        total.column(WeeklyColumn::Death).unwrap_or(0),
        total.column(WeeklyColumn::Increases).unwrap_or(0),
        total.column(WeeklyColumn::TransferIn).unwrap_or(0),
        total.column(WeeklyColumn::Returned).unwrap_or(0),
        total.column(WeeklyColumn::VisitIn).unwrap_or(0),
    ));
    if m.unexplained > 0 {
        say(&format!("没有异动记录说明的学籍变动 {} 人，已列入 周报表.xlsx 的“未说明变动”表并写入备注", m.unexplained));
    }
    let failed: Vec<String> = sheet.failures().map(|c| c.describe()).collect();
    if failed.is_empty() {
        say("核对通过：各校 上周第4栏 + 本周增加 − 本周减少 = 本周第4栏，小计与合计无误");
    } else {
        say(&format!("核对未通过 {} 项，见 周报表.xlsx 的“核对”表：", failed.len()));
        for f in failed.iter().take(20) {
            say(&format!("  {f}"));
        }
        if failed.len() > 20 {
            say(&format!("  ……另有 {} 项", failed.len() - 20));
        }
    }
    for note in &sheet.notes {
        say(note);
    }
    if !daily.unmatched.is_empty() {
        say(&format!(
            "{} 条劝返记录对不上学籍中的学生（见“核对”表），仍按记录本身计入三次劝返规则",
            daily.unmatched.len()
        ));
    }
    if !daily.due.is_empty() {
        say(&format!(
            "三次劝返无效、应下达《义务教育阶段限期复（入）学通知书》的儿童 {} 人，见 周报表.xlsx 的“限期复学通知”表",
            daily.due.len()
        ));
    }
    if daily.written {
        say(&format!("第7或第14栏不为0，已生成 辍学学生花名册日报表.xlsx（{} 人）", daily.rows.len()));
    }
    say(&format!("完成，输出目录 {} (done)", done.display()));
    println!("{}", done.display());
    Ok(())
}
