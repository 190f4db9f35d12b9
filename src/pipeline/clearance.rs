//! The clearance pipeline (`kind = "clearance"`), stage by stage: read → sources (typed
//! records, districts, returned corrections) → link (people across sources) → rules (cases)
//! → roundtrip (returned outcomes, history, 变化情况) → report (问题台账 per town,
//! 适龄儿童台账, 汇总.xlsx, 辍学学生花名册.xlsx, cases.csv, rejects.csv, run.json).
//!
//! Pipeline position: the spine's clearance run ([`super`]); `kcbx run` calls [`run`].

use crate::error::Result;
use crate::link::people;
use crate::pipeline::{self, Log, Previous, RunOptions, Stages};
use crate::plan::Plan;
use crate::progress;
use crate::report::{self, manifest};
use crate::roundtrip::history::{self, Now, PastRun};
use crate::roundtrip::verify;
use crate::run::Run;
use crate::{rules, sources};

/// Runs a clearance pipeline and writes its run folder; prints the folder on stdout.
pub fn run(mut plan: Plan, opts: &RunOptions) -> Result<()> {
    plan.per_village |= opts.per_village;
    // Progress and notes go to stderr unless --quiet; the guard removes the sink on every exit.
    let _log = Log::install(opts);
    let say = progress::note;
    let mut stages = Stages::default();

    // The previous run is found before anything is written, so a bad --previous stops early.
    let previous = match &opts.previous {
        Previous::None => None,
        Previous::Dir(dir) => Some(PastRun::load(dir)?),
        Previous::Latest => match history::latest_run(&plan.output_dir) {
            Some(dir) => Some(PastRun::load(&dir)?),
            None => None,
        },
    };

    // Each table becomes its records as soon as it is read (the tables of every file are
    // never held at once): "read" times both, "normalize" what follows.
    let (mut inputs, mut data) = pipeline::start(&plan, &mut stages)?;

    stages.begin("normalize", None);
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
    stages.end(
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

    stages.begin("link", None);
    let people = people::resolve(&data, &plan);
    let linked = people.student_owner.iter().filter(|o| o.is_some()).count();
    stages.end(
        "link",
        &[
            ("persons", people.persons.len() as u64),
            ("students", people.students.len() as u64),
            ("students_linked", linked as u64),
        ],
    );

    stages.begin("rules", None);
    let facts = rules::all_facts(&people, &data, &plan);
    let mut cases = rules::evaluate(&people, &data, &plan, &inputs, &facts);
    let label = pipeline::label(&plan, opts);
    verify::mark_corrections(&mut cases, &people, &corrections);
    let outcomes = verify::Outcomes {
        data: &data,
        inputs: &inputs,
        previous: previous.as_ref(),
        label: &label,
        deadline: plan.params.deadline(),
        corrections: &corrections,
    };
    verify::apply_outcomes(&mut cases, &outcomes, &mut verify_report);
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
    stages.end("rules", &[("cases", cases.len() as u64)]);

    stages.begin("report", None);
    let dir = pipeline::run_dir(&plan, &label)?;
    let mut view = report::schools::View::new(&cases, &changes, previous.as_ref(), &directory);
    // 劝返 records in a clearance pipeline pre-fill the 督查要点's 劝返 items.
    if plan.sources.iter().any(|s| s.kind == crate::schema::SourceKind::Persuasion) {
        view.persuasion = Some(data.persuasion.clone());
    }
    let run = Run {
        plan: &plan,
        inputs: &inputs,
        data: &data,
        people: &people,
        facts: &facts,
        cases: &cases,
        changes: &changes,
        verification: &verify_report,
    };
    let mut outputs = report::write_all(&dir, &run, &view)?;
    outputs.push(report::write_json(&dir, "linkage_model.json", &plan.linkage.model())?);
    stages.end("report", &[("files", outputs.len() as u64)]);
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
        header: pipeline::header(&plan, &label, None),
        previous_run: previous.as_ref().map(|p| p.dir.display().to_string()),
        params: &plan.params,
        inputs: manifest::InputsReport { files: manifest::files(&inputs, &plan), accounting },
        cases: manifest::case_counts(&cases),
        changes: manifest::change_counts(&changes),
        verification: &verify_report,
        town_unknown,
        roster: directory.report(),
        timings_ms: stages.timings(),
        outputs,
    };
    let done = pipeline::finish(dir, &m)?;
    let open = cases.iter().filter(|c| !c.history.closed).count();
    say(&format!("完成：{open} 个待核实问题，{} 个已销号，输出目录 {} (done)", cases.len() - open, done.display()));
    println!("{}", done.display());
    // The process ends here: freeing millions of records one by one would only cost time
    // (seconds at city scale); the operating system takes the memory back at once.
    std::mem::forget((data, people, inputs, cases));
    Ok(())
}
