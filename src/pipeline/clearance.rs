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
    let unknown = sources::enrollment::reject_unknown_status(data.enrollment_store_mut(), &mut inputs);
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
            ("census", data.census_store().len() as u64),
            ("enrollment", data.enrollment_store().len() as u64),
            ("poverty", data.poverty_store().len() as u64),
            ("disability", data.disability.len() as u64),
            ("visits", data.visits.len() as u64),
            ("exemptions", data.exemptions.len() as u64),
        ],
    );
    say(&format!(
        "已读取：清查表 {} 行，学籍 {} 行，建档立卡 {} 行，残疾人 {} 行，送教 {} 行，缓免学 {} 行 (rows used)",
        data.census_store().len(),
        data.enrollment_store().len(),
        data.poverty_store().len(),
        data.disability.len(),
        data.visits.len(),
        data.exemptions.len()
    ));

    let label = pipeline::label(&plan, opts);
    let dir = pipeline::run_dir(&plan, &label)?;
    let hash = std::sync::OnceLock::new();
    let directory = crate::schools::Directory::build(&data, &inputs);
    if data.districts.multi {
        let mut parted = report::Parted::default();
        // The towns of every district: a student's home is placed in the census towns of
        // the run, whichever district judges the student.
        let towns = people::census_towns(&data);
        let judged = Judged { plan: &plan, inputs: &inputs, data: &data, corrections: &corrections, hash: &hash };
        let cases = judge_by_district(
            &judged,
            (previous.as_ref(), &label),
            (&dir, &directory, &towns),
            &mut parted,
            &mut stages,
        )?;
        stages.begin("rules", None);
        // What the round trip and the report still need of the records — the census towns,
        // the data hash a closure is checked against (only a run with returned rows or a
        // previous run can record or check one) — is kept; the records themselves are
        // freed, so that the report does not hold them on top of its own work.
        let people = people::People { towns, ..Default::default() };
        if previous.is_some() || !data.verification.is_empty() {
            hash.get_or_init(|| verify::data_hash(&data));
        }
        release_records(&mut data);
        let judged = Judged { plan: &plan, inputs: &inputs, data: &data, corrections: &corrections, hash: &hash };
        let tail =
            Tail { previous: previous.as_ref(), label: &label, dir, directory, verify_report, parted: Some(parted) };
        return finish(&judged, &people, &[], cases, tail, stages);
    }
    let judged = Judged { plan: &plan, inputs: &inputs, data: &data, corrections: &corrections, hash: &hash };

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
    let mut cases = rules::evaluate((&people, &data, &plan, &inputs), &facts, directory.clone());
    verify::mark_corrections(&mut cases, &people, &corrections);
    report::dropouts::annotate(&mut cases, &people, &data, 0);
    let tail = Tail { previous: previous.as_ref(), label: &label, dir, directory, verify_report, parted: None };
    let result = finish(&judged, &people, &facts, cases, tail, stages);
    // The process ends here: freeing millions of records one by one would only cost time
    // (seconds at city scale); the operating system takes the memory back at once.
    std::mem::forget(facts);
    std::mem::forget((people, data, inputs));
    result
}

/// Frees the records a run of several districts has judged, district by district; keeps the
/// returned rows, the roster and the 劝返 records the round trip and the report read, and
/// the exemptions (a short list) a closure as 已办理缓学/免学 is checked against.
fn release_records(data: &mut crate::sources::Data) {
    data.packed = None;
    data.census = Vec::new();
    data.enrollment = Vec::new();
    data.poverty = Vec::new();
    data.disability = Vec::new();
    data.visits = Vec::new();
    crate::memory::give_back();
}

/// What every stage after the sources reads: the plan, the accounting, the records (with
/// the returned corrections applied) and the data hash the round trip computes once.
struct Judged<'a> {
    plan: &'a Plan,
    inputs: &'a crate::table::Inputs,
    data: &'a crate::sources::Data,
    corrections: &'a [verify::Correction],
    hash: &'a std::sync::OnceLock<String>,
}

/// What the rules stage hands on to the round trip and the report.
struct Tail<'a> {
    previous: Option<&'a PastRun>,
    label: &'a str,
    dir: report::RunDir,
    directory: crate::schools::Directory,
    verify_report: verify::VerifyReport,
    parted: Option<report::Parted>,
}

/// Links and judges a run of several districts one district at a time
/// ([`crate::pipeline::partition`]), two at once (one per core of an ordinary laptop, each
/// linking in parallel too): each district's people and facts live only while it is judged,
/// so memory grows with the two largest districts, not with the run. Writes each district's
/// 适龄儿童台账 (with the outcomes the returned ledgers and the previous run give its cases)
/// and keeps its cases and the facts the 督查要点 take from its people. Returns the cases of
/// every district, in ledger order, their ids made unique; what the districts found is
/// gathered in district order, whichever finished first.
fn judge_by_district(
    run: &Judged,
    (previous, label): (Option<&PastRun>, &str),
    (dir, directory, towns): (&report::RunDir, &crate::schools::Directory, &[(crate::text::Text, crate::text::Text)]),
    parted: &mut report::Parted,
    stages: &mut Stages,
) -> Result<Vec<rules::Case>> {
    let specs = super::partition::split(run.data);
    stages.begin("link", Some(specs.len() as u64));
    let (mut persons, mut students, mut guests) = (0u64, 0u64, 0u64);
    let mut cases = Vec::new();
    let judge = |spec: super::partition::Spec| judge_district(run, (previous, label), (dir, directory, towns), spec);
    let mut specs = specs.into_iter();
    while let Some(a) = specs.next() {
        // Two districts at a time: a thread waiting inside one district's linking can only
        // take work of the other one, never start a third district.
        let (one, two) = match specs.next() {
            Some(b) => {
                let (x, y) = rayon::join(|| judge(a), || judge(b));
                (x, Some(y))
            }
            None => (judge(a), None),
        };
        for judged in std::iter::once(one).chain(two) {
            let judged = judged?;
            parted.children.extend(judged.children);
            crate::report::inspection::add_person_facts(&mut parted.person_facts, judged.person_facts);
            persons += judged.counts.persons as u64;
            guests += judged.counts.guest_records as u64;
            students += judged.students as u64;
            parted.counts.push(judged.counts);
            cases.extend(judged.cases);
        }
        crate::memory::give_back();
    }
    stages.end("link", &[("persons", persons), ("students", students), ("guest_records", guests)]);
    rules::sort_cases(&mut cases);
    rules::disambiguate(&mut cases);
    Ok(cases)
}

/// What one district's partition gives back to the run ([`judge_district`]).
struct DistrictJudged {
    children: Vec<String>,
    person_facts: std::collections::BTreeMap<String, crate::report::inspection::SchoolFacts>,
    counts: manifest::PartCounts,
    students: usize,
    cases: Vec<rules::Case>,
}

/// Links and judges one district's partition, writes its 适龄儿童台账; its records, people
/// and facts are freed on return.
fn judge_district(
    run: &Judged,
    (previous, label): (Option<&PastRun>, &str),
    (dir, directory, towns): (&report::RunDir, &crate::schools::Directory, &[(crate::text::Text, crate::text::Text)]),
    spec: super::partition::Spec,
) -> Result<DistrictJudged> {
    let Judged { plan, inputs, data, corrections, hash } = *run;
    let part = spec.take(data);
    let mut people = people::resolve(&part.data, plan);
    people.towns = towns.to_vec();
    let facts = rules::all_facts(&people, &part.data, plan);
    let mut mine = rules::evaluate_unnumbered((&people, &part.data, plan, inputs), &facts, directory.clone());
    mine.retain(|c| part.keeps(c));
    let local: Vec<verify::Correction> = corrections
        .iter()
        .filter_map(|c| Some(verify::Correction { census: part.census_index(c.census)?, ..c.clone() }))
        .collect();
    verify::mark_corrections(&mut mine, &people, &local);
    report::dropouts::annotate(&mut mine, &people, &part.data, part.number);
    // The 适龄儿童台账 shows what the towns found for a closed case: the outcomes are
    // applied to a copy here, against the previous run's cases of this district, and to
    // all the run's cases once every district is judged.
    let mut shown = mine.clone();
    let earlier = previous.map(|p| p.of_district(&part.district));
    let outcomes = verify::Outcomes {
        data,
        inputs,
        previous: earlier.as_ref(),
        label,
        deadline: plan.params.deadline(),
        corrections,
        hash,
    };
    verify::apply_outcomes(&mut shown, &outcomes, &mut verify::VerifyReport::default());
    let district = part.district.as_str();
    let children = report::write_children(dir, (&people, &facts, &shown), plan, |t| t.0 == district)?;
    let person_facts = crate::report::inspection::person_facts(directory, &people, &facts, &part.data, plan, |p| {
        part.owns(p, &people)
    });
    let counts = manifest::PartCounts {
        district: part.district.clone(),
        records: part.record_count() - part.guest_count(),
        guest_records: part.guest_count(),
        persons: people.persons.len(),
        cases: mine.len(),
    };
    progress::inc(1);
    Ok(DistrictJudged { children, person_facts, counts, students: people.students.len(), cases: mine })
}

/// The round trip (returned outcomes, history, 变化情况), the contacts, and the report.
fn finish(
    run: &Judged,
    people: &people::People,
    facts: &[rules::Facts],
    mut cases: Vec<rules::Case>,
    tail: Tail,
    mut stages: Stages,
) -> Result<()> {
    let say = progress::note;
    let Judged { plan, inputs, data, corrections, hash } = *run;
    let Tail { previous, label, dir, directory, mut verify_report, parted } = tail;
    let outcomes =
        verify::Outcomes { data, inputs, previous, label, deadline: plan.params.deadline(), corrections, hash };
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
    crate::rules::fill_contacts(&mut cases, &directory);
    for f in &directory.faults {
        say(&f.sentence());
    }
    let now: Vec<Now> = cases.iter().map(Now::of_case).collect();
    let changes = history::diff(previous.map(|p| p.cases.as_slice()).unwrap_or(&[]), &now);
    stages.end("rules", &[("cases", cases.len() as u64)]);

    stages.begin("report", None);
    let mut view = report::schools::View::new(&cases, &changes, previous, &directory);
    // 劝返 records in a clearance pipeline pre-fill the 督查要点's 劝返 items.
    if plan.sources.iter().any(|s| s.kind == crate::schema::SourceKind::Persuasion) {
        view.persuasion = Some(data.persuasion.clone());
    }
    let run = Run { plan, inputs, data, people, facts, cases: &cases, changes: &changes, verification: &verify_report };
    let mut outputs = report::write_all(&dir, &run, &view, parted.as_ref())?;
    outputs.push(report::write_json(&dir, "linkage_model.json", &plan.linkage.model())?);
    stages.end("report", &[("files", outputs.len() as u64)]);
    outputs.push("run.json".into());
    let accounting = manifest::accounting(inputs);
    let town_unknown = crate::report::town_unknown::town_unknown(&cases, inputs);
    if town_unknown.cases > 0 {
        say(&format!(
            "注意：{} 个问题未能确定镇街，见 汇总.xlsx 的“镇街不详”表 (cases without a town)",
            town_unknown.cases
        ));
    }
    let m = manifest::Manifest {
        header: pipeline::header(plan, label, None),
        previous_run: previous.map(|p| p.dir.display().to_string()),
        params: &plan.params,
        inputs: manifest::InputsReport { files: manifest::files(inputs, plan), accounting },
        cases: manifest::case_counts(&cases),
        changes: manifest::change_counts(&changes),
        verification: &verify_report,
        town_unknown,
        roster: directory.report(),
        partitions: parted.map(|p| p.counts).unwrap_or_default(),
        timings_ms: stages.timings(),
        outputs,
    };
    let done = pipeline::finish(dir, &m)?;
    let open = cases.iter().filter(|c| !c.history.closed).count();
    say(&format!("完成：{open} 个待核实问题，{} 个已销号，输出目录 {} (done)", cases.len() - open, done.display()));
    println!("{}", done.display());
    std::mem::forget(cases);
    Ok(())
}
