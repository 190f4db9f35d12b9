//! `kcbx run PIPELINE.toml` — the main job: read every source, apply returned corrections,
//! link people, apply the rules and returned outcomes, and write the run folder (问题台账
//! per town, 适龄儿童台账, 汇总.xlsx, 辍学学生花名册.xlsx, cases.csv, rejects.csv, run.json).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::link::people;
use crate::plan::{self, Overrides, PipelineKind};
use crate::progress::{self, LogFormat};
use crate::report::{self, manifest, RunDir};
use crate::roundtrip::history::{self, Now, PastRun};
use crate::roundtrip::verify;
use crate::{read, rules, sources};

const LONG_ABOUT: &str = "\
运行管线：读取管线文件列出的所有表格，按身份证号及姓名、出生日期、住址比对，\
按规则生成各镇街问题台账。
Run a pipeline: read every source, link people, apply the rules, and write one 问题台账 \
workbook per town plus the district summary, cases.csv, rejects.csv and run.json into a new \
run folder.

输出 (outputs): <output.dir>/<label>/ — 问题台账/<镇街>问题台账.xlsx, 适龄儿童台账/,
学校问题清单/<学区>/<学校>.xlsx, 学区汇总/<学区>.xlsx, 督查要点/<学区>.xlsx, 汇总.xlsx, 辍学学生花名册.xlsx, cases.csv,
rejects.csv, run.json, linkage_model.json.
The folder is written under a temporary name and renamed when complete; an existing folder
is never overwritten.

周报表管线 (kind = weekly): writes 周报表.xlsx (attachment 1) and, when column 7 or 14 is
not zero, 辍学学生花名册日报表.xlsx (attachment 2); see the README.

上次运行 (previous run): history and 变化情况 compare with --previous DIR, by default the
latest earlier run in the same output folder; --no-previous starts afresh.

退出码 (exit codes): 0 成功; 1 输入数据有误（不生成台账）; 2 用法或管线文件有误.

Examples:
  kcbx run pipelines/clearance.toml
  kcbx run pipelines/clearance.toml --out /tmp/runs --label 2020-05
  kcbx run pipelines/clearance.toml --as-of 2020-06-01 --previous out/2020-05
  kcbx run pipelines/weekly.toml";

/// 运行管线，生成问题台账 (run a pipeline).
#[derive(Debug, clap::Args)]
#[command(long_about = LONG_ABOUT)]
pub struct Args {
    /// 管线文件 (pipeline file, TOML)
    pub pipeline: PathBuf,
    /// 输出目录，替代管线文件中的 output.dir (output folder; the run folder is created inside)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 基准日，替代 [params] as_of (reference date, YYYY-MM-DD)
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// 本次运行的目录名，默认为当前日期时间 (run folder name; default: date and time)
    #[arg(long)]
    pub label: Option<String>,
    /// 上次运行的目录，用于历史和变化情况 (previous run folder; default: the latest in the output folder)
    #[arg(long, conflicts_with = "no_previous")]
    pub previous: Option<PathBuf>,
    /// 不与上次运行比较 (do not compare with any previous run)
    #[arg(long)]
    pub no_previous: bool,
    /// 另为每个村(社区)单独生成台账 (also write one workbook per village)
    #[arg(long)]
    pub per_village: bool,
    /// 不输出进度信息 (no progress output)
    #[arg(long, short)]
    pub quiet: bool,
    /// 进度与日志格式：text（终端上显示进度条）或 json（每行一个 JSON 对象，便于自动化）
    /// (progress/log format on stderr: text, or json lines for automation)
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// Parses `YYYY-MM-DD` for clap.
pub fn parse_date(s: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| format!("“{s}”不是 YYYY-MM-DD 格式的日期"))
}

pub fn run(args: Args) -> Result<()> {
    let overrides = Overrides { out: args.out.clone(), as_of: args.as_of };
    let mut plan = plan::load(&args.pipeline, &overrides)?;
    plan.per_village |= args.per_village;
    if plan.kind != PipelineKind::Clearance {
        return crate::weekly::run(&plan, &args);
    }
    // Progress and notes go to stderr unless --quiet; the guard removes the sink on every exit.
    let _progress = Installed::new(!args.quiet, args.log_format);
    let say = progress::note;
    let mut timings = BTreeMap::new();

    // The previous run is found before anything is written, so a bad --previous stops early.
    let previous = if args.no_previous {
        None
    } else {
        match args.previous.clone().or_else(|| history::latest_run(&plan.output_dir)) {
            Some(dir) => Some(PastRun::load(&dir)?),
            None => None,
        }
    };

    let t = Instant::now();
    // Each table becomes its records as soon as it is read (the tables of every file are
    // never held at once): "read" times both, "normalize" what follows.
    let (outcome, data) = sources::read_and_build(&plan, &plan.values, plan.params.as_of);
    timings.insert("read", t.elapsed().as_millis());
    progress::end("read", &read_counts(&outcome));
    for note in &outcome.notes {
        say(note);
    }
    if !outcome.problems.is_empty() {
        return Err(Error::Data(outcome.problems));
    }
    let mut inputs = outcome.inputs;

    let t = Instant::now();
    progress::begin("normalize", None);
    let mut data = data;
    data.districts = crate::sources::district::assign(&mut data, &inputs, &plan);
    if data.districts.multi {
        say(&format!(
            "本次运行含 {} 个区县：{}；问题台账按区县分文件夹 (districts)",
            data.districts.names.len(),
            data.districts.names.join("、")
        ));
        if data.districts.unknown > 0 {
            say(&format!(
                "注意：{} 行记录未能确定区县（无区县列、管线未声明、身份证号前六位也无法对应）(records without a district)",
                data.districts.unknown
            ));
        }
    }
    let unknown = sources::enrollment::reject_unknown_status(&mut data.enrollment, &mut inputs);
    if unknown > 0 {
        say(&format!(
            "学籍中 {unknown} 行的学籍状态或异动类型无法识别，已剔除（见 rejects.csv；可在 [values.status] 中指明）(unknown status words)"
        ));
    }
    if data.exemptions.iter().any(|e| e.until_assumed()) {
        say(&format!(
            "缓学免学名单中有未填有效期至的记录：缓学按批准日期起 {} 天计，免学视为长期有效，并在问题中注明 (valid-until assumed)",
            plan.params.deferral_term_days
        ));
    }
    let mut verify_report = verify::VerifyReport::default();
    let corrections = verify::apply_corrections(&mut data, &inputs, plan.params.as_of, &mut verify_report);
    timings.insert("normalize", t.elapsed().as_millis());
    progress::end(
        "normalize",
        &[
            ("census", data.census.len() as u64),
            ("enrollment", data.enrollment.len() as u64),
            ("poverty", data.poverty.len() as u64),
            ("disability", data.disability.len() as u64),
            ("visits", data.visits.len() as u64),
            ("exemptions", data.exemptions.len() as u64),
        ],
    );
    say(&format!(
        "已读取：清查表 {} 行，学籍 {} 行，建档立卡 {} 行，残疾人 {} 行，送教 {} 行，缓免学 {} 行 (rows used)",
        data.census.len(),
        data.enrollment.len(),
        data.poverty.len(),
        data.disability.len(),
        data.visits.len(),
        data.exemptions.len()
    ));

    let t = Instant::now();
    progress::begin("link", None);
    let people = people::resolve(&data, &plan);
    timings.insert("link", t.elapsed().as_millis());
    let linked = people.student_owner.iter().filter(|o| o.is_some()).count();
    progress::end(
        "link",
        &[
            ("persons", people.persons.len() as u64),
            ("students", people.students.len() as u64),
            ("students_linked", linked as u64),
        ],
    );

    let t = Instant::now();
    progress::begin("rules", None);
    let facts = rules::all_facts(&people, &data, &plan);
    let mut cases = rules::evaluate(&people, &data, &plan, &inputs, &facts);
    let label = args.label.clone().unwrap_or_else(|| report::default_label(&plan.output_dir));
    verify::mark_corrections(&mut cases, &people, &corrections);
    verify::apply_outcomes(
        &mut cases,
        &data,
        &inputs,
        previous.as_ref(),
        &label,
        plan.params.deadline(),
        &corrections,
        &verify::data_hash(&data),
        &mut verify_report,
    );
    for u in &verify_report.unmatched {
        say(&format!("核实反馈未能对应：{}［{}］第{}行：{}", u.file, u.sheet, u.row, u.reason));
    }
    if !verify_report.resolved_rows.is_empty() {
        say(&format!(
            "核实反馈：{} 行所对应的问题本次已不再出现，按已解决处理（逐行列在 run.json 和 汇总.xlsx 的“核实反馈”表）",
            verify_report.resolved_rows.len()
        ));
    }
    if !verify_report.conflicts.is_empty() {
        say(&format!(
            "核实反馈：{} 个问题在不同的行中答复不一致，以先读到的一行为准（逐对列在 run.json 和 汇总.xlsx 的“核实反馈”表）",
            verify_report.conflicts.len()
        ));
    }
    let directory = crate::schools::Directory::build(&data, &inputs);
    crate::rules::fill_contacts(&mut cases, &directory);
    for f in &directory.faults {
        say(&f.sentence());
    }
    let now: Vec<Now> = cases.iter().map(Now::of_case).collect();
    let changes = history::diff(previous.as_ref().map(|p| p.cases.as_slice()).unwrap_or(&[]), &now);
    timings.insert("rules", t.elapsed().as_millis());
    progress::end("rules", &[("cases", cases.len() as u64)]);

    let t = Instant::now();
    progress::begin("report", None);
    let dir = RunDir::create(&plan.output_dir, &label)?;
    let mut view = report::schools::View::new(&cases, &changes, previous.as_ref(), &directory);
    // 劝返 records in a clearance pipeline pre-fill the 督查要点's 劝返 items.
    if plan.sources.iter().any(|s| s.kind == crate::schema::SourceKind::Persuasion) {
        view.persuasion = Some(data.persuasion.clone());
    }
    let mut outputs =
        report::write_all(&dir, &cases, &changes, &verify_report, &people, &facts, &data, &inputs, &plan, &view)?;
    outputs.push(report::write_json(&dir, "linkage_model.json", &plan.linkage.model())?);
    timings.insert("report", t.elapsed().as_millis());
    progress::end("report", &[("files", outputs.len() as u64)]);
    outputs.push("run.json".into());
    let accounting = manifest::accounting(&inputs);
    let town_unknown = crate::report::town_unknown::town_unknown(&cases, &inputs);
    if town_unknown.cases > 0 {
        say(&format!(
            "注意：{} 个问题未能确定镇街，见 汇总.xlsx 的“镇街不详”表 (cases without a town)",
            town_unknown.cases
        ));
    }
    let m = manifest::Manifest {
        tool: "kcbx",
        version: env!("CARGO_PKG_VERSION"),
        pipeline: &plan.name,
        pipeline_file: plan.path.display().to_string(),
        label: &label,
        finished_at: chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
        previous_run: previous.as_ref().map(|p| p.dir.display().to_string()),
        params: &plan.params,
        inputs: manifest::InputsReport { files: manifest::files(&inputs, &plan), accounting },
        cases: manifest::case_counts(&cases),
        changes: manifest::change_counts(&changes),
        verification: &verify_report,
        town_unknown,
        roster: directory.report(),
        timings_ms: timings,
        outputs,
    };
    report::write_json(&dir, "run.json", &m)?;
    let done = dir.finish()?;
    let open = cases.iter().filter(|c| !c.history.closed).count();
    say(&format!("完成：{open} 个待核实问题，{} 个已销号，输出目录 {} (done)", cases.len() - open, done.display()));
    println!("{}", done.display());
    // The process ends here: freeing millions of records one by one would only cost time
    // (seconds at city scale); the operating system takes the memory back at once.
    std::mem::forget((data, people, inputs, cases));
    Ok(())
}

/// Installs the progress sink for the length of a run and removes it on every exit.
struct Installed;

impl Installed {
    fn new(on: bool, format: LogFormat) -> Option<Installed> {
        on.then(|| {
            progress::install(format);
            Installed
        })
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        progress::uninstall();
    }
}

/// Counts of the read stage for the progress log (no personal data).
fn read_counts(outcome: &read::ReadOutcome) -> [(&'static str, u64); 5] {
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
