//! Pipeline file → validated plan. Two layers: the raw TOML structs (serde, unknown keys
//! refused with their line), then [`Plan`], where every path is resolved against the
//! pipeline file's folder, every date parsed, every column override checked against its
//! source kind's field table, and the linkage model validated — before any input is read,
//! so no stage meets a bad parameter halfway through a run.
//!
//! Pipeline position: schema → **plan** → read → sources → link → rules → roundtrip → report;
//! every stage reads the plan, the plan imports no stage.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};
use crate::normalize::values::ValueConfig;
use crate::schema::linkage::LinkConfig;
use crate::schema::{fields, SourceKind};

/// What a pipeline produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PipelineKind {
    /// 大清查比对: 问题台账 per town.
    Clearance,
    /// 周报表 / 日报表 from 学籍 changes.
    Weekly,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPipeline {
    name: String,
    kind: PipelineKind,
    #[serde(default)]
    params: RawParams,
    #[serde(default)]
    output: RawOutput,
    #[serde(default)]
    linkage: LinkConfig,
    #[serde(default)]
    values: ValueConfig,
    #[serde(default)]
    weekly: RawWeekly,
    #[serde(default)]
    inspection: RawInspection,
    #[serde(default)]
    sources: Vec<Spanned<RawSource>>,
}

/// `[inspection]`: what the 督查要点 read besides the run's own data.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInspection {
    /// Globs of weekly runs' `run.json`, for the 周报告 item.
    #[serde(default)]
    weekly_runs: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParams {
    as_of: Option<Spanned<DateValue>>,
    birth_from: Option<Spanned<DateValue>>,
    birth_to: Option<Spanned<DateValue>>,
    dropout_since: Option<Spanned<DateValue>>,
    deadline_days: Option<u32>,
    #[serde(default)]
    school_breaks: Vec<Spanned<RawBreak>>,
    summer_break_from: Option<Spanned<DateValue>>,
    suspension_max_days: Option<u32>,
    entry_grace_days: Option<u32>,
    deferral_term_days: Option<u32>,
}

/// One `[params] school_breaks` entry: `{ from = "2020-01-18", to = "2020-02-16" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreak {
    from: Spanned<DateValue>,
    to: Spanned<DateValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    dir: Option<String>,
    per_village: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeekly {
    week_end: Option<Spanned<DateValue>>,
    unit: Option<String>,
    reviewer: Option<String>,
    report_date: Option<Spanned<DateValue>>,
    district: Option<String>,
    recipient: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    kind: SourceKind,
    files: OneOrMany,
    sheet: Option<String>,
    sheets: Option<Vec<String>>,
    header_row: Option<u32>,
    encoding: Option<String>,
    #[serde(default)]
    grouping: Vec<String>,
    #[serde(default)]
    columns: BTreeMap<Spanned<String>, String>,
    snapshot: Option<Snapshot>,
    /// 区县 of every file: a name (`"荣昌区"`), or `"*"`: the folder the first wildcard of
    /// the glob matches (`大清查/*/*.xlsx` → the folder under 大清查).
    district: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A date given either as a TOML date (`2020-05-14`) or a string (`"2020-05-14"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DateValue {
    Text(String),
    Toml(toml::value::Datetime),
}

/// Which of two 学籍 snapshots a weekly source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Snapshot {
    Previous,
    Current,
}

/// The validated pipeline.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Plan {
    pub name: String,
    pub kind: PipelineKind,
    /// The pipeline file itself, as given.
    pub path: PathBuf,
    pub params: Params,
    pub output_dir: PathBuf,
    pub per_village: bool,
    pub linkage: LinkConfig,
    pub values: ValueConfig,
    pub weekly: WeeklyParams,
    /// `[inspection] weekly_runs`: globs of weekly runs' `run.json`, resolved against the
    /// pipeline file's folder; empty when not given.
    pub weekly_runs: Vec<String>,
    pub sources: Vec<SourcePlan>,
}

/// The dates that define the clearance.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// 基准日.
    pub as_of: NaiveDate,
    /// 适龄出生日期起（含）.
    pub birth_from: NaiveDate,
    /// 适龄出生日期止（含）.
    pub birth_to: NaiveDate,
    /// 大清理起点.
    pub dropout_since: NaiveDate,
    pub deadline_days: u32,
    /// School breaks within the school year (寒假 …): a Monday–Sunday week wholly inside
    /// one is not a school week (送教上门 is owed only in school weeks).
    pub school_breaks: Vec<SchoolBreak>,
    /// 暑假开始日: the end of the teaching year, up to which the 送教上门 pace is projected
    /// (weeks from it to 31 August are not school weeks either). Default: 1 July of the
    /// year the school year containing as_of ends in.
    pub summer_break_from: NaiveDate,
    /// A 休学 that began more than this many days before as_of, with no 复学 since, is a
    /// case (suspension_overdue). Default 365.
    pub suspension_max_days: u32,
    /// Days after 1 September before the new grade-1 cohort counts as 适龄未入学 (schools
    /// register their new pupils in September). Default 30.
    pub entry_grace_days: u32,
    /// The term of a 缓学 whose list gives no 有效期至: this many days from 批准日期.
    /// Default 365 (免学 without 有效期至 is open-ended).
    pub deferral_term_days: u32,
}

#[cfg(test)]
impl Params {
    /// The sample's parameters, for unit tests: 基准日 2020-05-14 (a Thursday), the notice's
    /// window, 寒假 2020-01-18 .. 02-16, summer from 07-01.
    pub(crate) fn sample() -> Params {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("a date");
        Params {
            as_of: d(2020, 5, 14),
            birth_from: d(2004, 9, 1),
            birth_to: d(2014, 8, 31),
            dropout_since: d(2015, 1, 1),
            deadline_days: 30,
            school_breaks: vec![SchoolBreak { from: d(2020, 1, 18), to: d(2020, 2, 16) }],
            summer_break_from: d(2020, 7, 1),
            suspension_max_days: 365,
            entry_grace_days: 30,
            deferral_term_days: 365,
        }
    }
}

/// A break from school, both days included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SchoolBreak {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Params {
    /// 完成时限 = 基准日 + deadline_days.
    pub fn deadline(&self) -> NaiveDate {
        self.as_of + chrono::Days::new(u64::from(self.deadline_days))
    }
}

/// Parameters of a weekly report pipeline.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct WeeklyParams {
    /// The Friday the week ends on (defaults to as_of).
    pub week_end: Option<NaiveDate>,
    pub unit: String,
    pub reviewer: String,
    pub report_date: Option<NaiveDate>,
    /// The district named in the titles (`荣昌区` → `荣昌区义务教育控辍保学周报表`); empty
    /// leaves the titles without one.
    pub district: String,
    /// Who receives the weekly form, as the note under the table names them (`基教科陈纪钱`);
    /// empty gives a note without a name.
    pub recipient: String,
}

/// One validated `[[sources]]` entry.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SourcePlan {
    pub kind: SourceKind,
    /// Glob patterns, resolved against the pipeline file's folder.
    pub patterns: Vec<String>,
    /// Sheet names to read; empty means every sheet.
    pub sheets: Vec<String>,
    /// Excel row number of the header (the last row of a two-row header).
    pub header_row: Option<u32>,
    /// CSV encoding override (`utf-8`, `gbk`, `gb18030`).
    #[serde(skip)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Canonical fields whose blanks are filled down from the row above.
    pub grouping: Vec<&'static str>,
    /// canonical field → header text, from `[sources.columns]`.
    pub columns: BTreeMap<&'static str, String>,
    pub snapshot: Option<Snapshot>,
    /// The district the source's files belong to, where their rows name none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<DistrictDecl>,
}

/// A `[[sources]]` entry's `district`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DistrictDecl {
    /// One district for every file (canonical name).
    Named(String),
    /// The folder the first wildcard folder of the matching glob stands for.
    Folder,
}

/// CLI values that take precedence over the pipeline file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub out: Option<PathBuf>,
    pub as_of: Option<NaiveDate>,
}

/// Reads and validates a pipeline file.
pub fn load(path: &Path, overrides: &Overrides) -> Result<Plan> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::usage(format!("无法读取管线文件 {} (cannot read pipeline file)：{e}", path.display())))?;
    parse(&text, path, overrides)
}

/// Parses pipeline text; `path` locates relative paths and names the file in messages.
pub fn parse(text: &str, path: &Path, overrides: &Overrides) -> Result<Plan> {
    let shown = path.display().to_string();
    let raw: RawPipeline = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
        Error::usage(format!("管线文件 {shown} 第 {line} 行有误 (pipeline file error at line {line})：{}", e.message()))
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut problems = Vec::new();
    let at = |span: std::ops::Range<usize>| format!("管线文件 {shown} 第 {} 行", line_of(text, span.start));

    let date = |v: Option<&Spanned<DateValue>>, key: &str, problems: &mut Vec<String>| -> Option<NaiveDate> {
        let v = v?;
        let s = match v.get_ref() {
            DateValue::Text(s) => s.clone(),
            DateValue::Toml(d) => d.to_string(),
        };
        match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(format!("{}：{key} 不是有效日期，应写作 YYYY-MM-DD (not a date)", at(v.span())));
                None
            }
        }
    };

    let as_of = overrides.as_of.or_else(|| date(raw.params.as_of.as_ref(), "as_of", &mut problems));
    let birth_from = date(raw.params.birth_from.as_ref(), "birth_from", &mut problems);
    let birth_to = date(raw.params.birth_to.as_ref(), "birth_to", &mut problems);
    let dropout_since = date(raw.params.dropout_since.as_ref(), "dropout_since", &mut problems);
    let summer_break_from = date(raw.params.summer_break_from.as_ref(), "summer_break_from", &mut problems);
    let mut school_breaks = Vec::new();
    for b in &raw.params.school_breaks {
        let (from, to) = (
            date(Some(&b.get_ref().from), "school_breaks.from", &mut problems),
            date(Some(&b.get_ref().to), "school_breaks.to", &mut problems),
        );
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                problems.push(format!(
                    "{}：school_breaks 的 from ({from}) 晚于 to ({to}) (a break ends before it starts)",
                    at(b.span())
                ));
            } else {
                school_breaks.push(SchoolBreak { from, to });
            }
        }
    }
    school_breaks.sort_by_key(|b| (b.from, b.to));
    let week_end = date(raw.weekly.week_end.as_ref(), "week_end", &mut problems);
    let report_date = date(raw.weekly.report_date.as_ref(), "report_date", &mut problems);
    let as_of = as_of.or(week_end);

    let params = match as_of {
        Some(as_of) => {
            // Default window: the cohorts aged 6..15 at the start of the school year that
            // begins in as_of's calendar year (for 2020-05-14: 2004-09-01 ..= 2014-08-31).
            let y = as_of.year();
            // The school year (1 September – 31 August) containing as_of.
            let (year_start, year_end) = crate::normalize::date::school_year(as_of);
            let p = Params {
                as_of,
                birth_from: birth_from.unwrap_or_else(|| ymd(y - 16, 9, 1)),
                birth_to: birth_to.unwrap_or_else(|| ymd(y - 6, 8, 31)),
                dropout_since: dropout_since.unwrap_or_else(|| ymd(2015, 1, 1)),
                deadline_days: raw.params.deadline_days.unwrap_or(30),
                school_breaks,
                summer_break_from: summer_break_from.unwrap_or_else(|| ymd(year_end.year(), 7, 1)),
                suspension_max_days: raw.params.suspension_max_days.unwrap_or(365),
                entry_grace_days: raw.params.entry_grace_days.unwrap_or(30),
                deferral_term_days: raw.params.deferral_term_days.unwrap_or(365),
            };
            if p.birth_from > p.birth_to {
                problems.push(format!("管线文件 {shown}：birth_from 晚于 birth_to (empty birth window)"));
            }
            if p.summer_break_from <= year_start || p.summer_break_from > year_end {
                problems.push(format!(
                    "管线文件 {shown}：summer_break_from ({}) 不在基准日所在学年（{year_start} 至 {year_end}）内 \
                     (summer break outside the school year of as_of)",
                    p.summer_break_from
                ));
            }
            Some(p)
        }
        None => {
            problems
                .push(format!("管线文件 {shown}：缺少基准日 [params] as_of，或在命令行给出 --as-of (no as_of date)"));
            None
        }
    };

    let output_dir = match (&overrides.out, &raw.output.dir) {
        (Some(out), _) => out.clone(),
        (None, Some(dir)) => base.join(dir),
        (None, None) => base.join("out"),
    };

    if let Err(e) = raw.linkage.validate() {
        problems.push(format!("管线文件 {shown} [linkage]：{e}"));
    }
    if let Err(e) = raw.values.validate() {
        problems.push(format!("管线文件 {shown} [values]：{e}"));
    }

    let mut sources = Vec::new();
    for spanned in &raw.sources {
        let src = spanned.get_ref();
        let here = at(spanned.span());
        let patterns = match &src.files {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        };
        if patterns.is_empty() {
            problems.push(format!("{here}：{} 来源的 files 为空 (no files given)", src.kind.key()));
        }
        let patterns = patterns
            .iter()
            .map(|p| {
                let p = Path::new(p);
                if p.is_absolute() { p.to_path_buf() } else { base.join(p) }.to_string_lossy().into_owned()
            })
            .collect();
        let mut sheets = src.sheets.clone().unwrap_or_default();
        if let Some(s) = &src.sheet {
            sheets.insert(0, s.clone());
        }
        let encoding = match &src.encoding {
            None => None,
            Some(label) => match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
                Some(enc) => Some(enc),
                None => {
                    problems.push(format!("{here}：不认识的编码 encoding = \"{label}\"，可用 utf-8、gbk、gb18030"));
                    None
                }
            },
        };
        let mut columns = BTreeMap::new();
        for (key, header) in &src.columns {
            match fields::field(src.kind, key.get_ref()) {
                Some(spec) => {
                    columns.insert(spec.name, header.clone());
                }
                None => problems.push(format!(
                    "{}：{} 来源没有字段 \"{}\" (unknown field)；可用字段：{}",
                    at(key.span()),
                    src.kind.key(),
                    key.get_ref(),
                    field_names(src.kind)
                )),
            }
        }
        let mut grouping = Vec::new();
        for g in &src.grouping {
            match fields::field(src.kind, g) {
                Some(spec) => grouping.push(spec.name),
                None => problems.push(format!(
                    "{here}：grouping 中的 \"{g}\" 不是 {} 来源的字段；可用字段：{}",
                    src.kind.key(),
                    field_names(src.kind)
                )),
            }
        }
        if src.header_row == Some(0) {
            problems.push(format!("{here}：header_row 从 1 开始计数 (header_row starts at 1)"));
        }
        let district = match src.district.as_deref().map(str::trim) {
            None => None,
            Some("*") => Some(DistrictDecl::Folder),
            Some(name) => {
                let canon = crate::normalize::address::canon_district(name);
                if canon.is_empty() {
                    problems.push(format!("{here}：district 为空；写区县名（如 \"荣昌区\"），或 \"*\" 表示按文件夹名"));
                    None
                } else {
                    Some(DistrictDecl::Named(canon))
                }
            }
        };
        sources.push(SourcePlan {
            kind: src.kind,
            district,
            patterns,
            sheets,
            header_row: src.header_row,
            encoding,
            grouping,
            columns,
            snapshot: src.snapshot,
        });
    }
    if sources.is_empty() {
        problems.push(format!("管线文件 {shown}：没有任何 [[sources]] (no sources)"));
    }
    match raw.kind {
        PipelineKind::Clearance => {
            for need in [SourceKind::Census, SourceKind::Enrollment] {
                if !sources.iter().any(|s| s.kind == need) {
                    problems.push(format!(
                        "管线文件 {shown}：clearance 管线需要 kind = \"{}\"（{}）来源",
                        need.key(),
                        need.label()
                    ));
                }
            }
        }
        PipelineKind::Weekly => {
            if !sources.iter().any(|s| s.kind == SourceKind::Enrollment) {
                problems.push(format!("管线文件 {shown}：weekly 管线需要 kind = \"enrollment\"（学籍）来源"));
            }
        }
    }

    if !problems.is_empty() {
        return Err(Error::Usage(problems.join("\n")));
    }
    Ok(Plan {
        name: raw.name,
        kind: raw.kind,
        path: path.to_path_buf(),
        params: params.expect("as_of checked above"),
        output_dir,
        per_village: raw.output.per_village.unwrap_or(false),
        linkage: raw.linkage,
        values: raw.values,
        weekly: WeeklyParams {
            week_end,
            unit: raw.weekly.unit.unwrap_or_default(),
            reviewer: raw.weekly.reviewer.unwrap_or_default(),
            report_date,
            district: raw.weekly.district.unwrap_or_default(),
            recipient: raw.weekly.recipient.unwrap_or_default(),
        },
        weekly_runs: raw
            .inspection
            .weekly_runs
            .iter()
            .map(|p| {
                let p = Path::new(p);
                if p.is_absolute() { p.to_path_buf() } else { base.join(p) }.to_string_lossy().into_owned()
            })
            .collect(),
        sources,
    })
}

fn field_names(kind: SourceKind) -> String {
    fields::table(kind).iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid constant date")
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
name = "t"
kind = "clearance"
[params]
as_of = "2020-05-14"
[[sources]]
kind = "census"
files = ["c/*.xlsx"]
[[sources]]
kind = "enrollment"
files = "x/*.xlsx"
"#;

    #[test]
    fn defaults_follow_the_notice() {
        let plan = parse(MINIMAL, Path::new("/p/pipe.toml"), &Overrides::default()).unwrap();
        assert_eq!(plan.params.birth_from, ymd(2004, 9, 1));
        assert_eq!(plan.params.birth_to, ymd(2014, 8, 31));
        assert_eq!(plan.params.deadline(), ymd(2020, 6, 13));
        assert_eq!(plan.sources[0].patterns, vec!["/p/c/*.xlsx".to_string()]);
        assert_eq!(plan.output_dir, PathBuf::from("/p/out"));
        assert!(plan.params.school_breaks.is_empty());
        assert_eq!(plan.params.summer_break_from, ymd(2020, 7, 1));
    }

    #[test]
    fn school_breaks_and_the_summer_break_are_dates_checked_before_the_run() {
        let with = |lines: &str| MINIMAL.replace("as_of = \"2020-05-14\"", &format!("as_of = \"2020-05-14\"\n{lines}"));
        let text = with(
            "school_breaks = [{ from = 2020-04-04, to = \"2020-04-06\" }, { from = \"2020-01-18\", to = \"2020-02-16\" }]\n\
             summer_break_from = \"2020-07-04\"",
        );
        let plan = parse(&text, Path::new("p.toml"), &Overrides::default()).unwrap();
        assert_eq!(
            plan.params.school_breaks,
            [
                SchoolBreak { from: ymd(2020, 1, 18), to: ymd(2020, 2, 16) },
                SchoolBreak { from: ymd(2020, 4, 4), to: ymd(2020, 4, 6) }
            ],
            "sorted"
        );
        assert_eq!(plan.params.summer_break_from, ymd(2020, 7, 4));
        // as_of in the autumn: the summer break of the next calendar year.
        let plan =
            parse(&MINIMAL.replace("2020-05-14", "2020-10-08"), Path::new("p.toml"), &Overrides::default()).unwrap();
        assert_eq!(plan.params.summer_break_from, ymd(2021, 7, 1));

        let err =
            |lines: &str| parse(&with(lines), Path::new("p.toml"), &Overrides::default()).unwrap_err().to_string();
        let e = err("school_breaks = [{ from = \"2020-02-16\", to = \"2020-01-18\" }]");
        assert!(e.contains("school_breaks") && e.contains("第 6 行"), "{e}");
        let e = err("school_breaks = [{ from = \"2020-01-18\", until = \"2020-02-16\" }]");
        assert!(e.contains("until"), "{e}");
        let e = err("school_breaks = [{ from = \"2020-01-32\", to = \"2020-02-16\" }]");
        assert!(e.contains("school_breaks.from"), "{e}");
        let e = err("summer_break_from = \"2020-09-01\"");
        assert!(e.contains("summer_break_from"), "{e}");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = MINIMAL.replace("kind = \"census\"", "kind = \"census\"\nsheeet = \"a\"");
        let err = parse(&text, Path::new("p.toml"), &Overrides::default()).unwrap_err().to_string();
        assert!(err.contains("sheeet"), "{err}");
        assert!(err.contains("第 8 行"), "{err}");
    }

    #[test]
    fn unknown_kind_and_column_field_are_refused() {
        let text = MINIMAL.replace("kind = \"census\"", "kind = \"censuss\"");
        let err = parse(&text, Path::new("p.toml"), &Overrides::default()).unwrap_err().to_string();
        assert!(err.contains("censuss") && err.contains("第 7 行"), "{err}");

        let text =
            MINIMAL.replace("files = [\"c/*.xlsx\"]", "files = [\"c/*.xlsx\"]\n[sources.columns]\nidnumber = \"证号\"");
        let err = parse(&text, Path::new("p.toml"), &Overrides::default()).unwrap_err().to_string();
        assert!(err.contains("idnumber") && err.contains("第 10 行"), "{err}");
    }
}
