//! `kcbx check` on the shipped pipeline (issue 3): it exits 0 with no problem, and prints the
//! column mapping of every sheet of every source kind — each required field mapped, every
//! census column of the sample recognised — and the skipped 填表说明 sheet as not read.

use std::collections::BTreeMap;

use kcbx::schema::{fields, SourceKind};

use crate::util::{repo, Workdir};

/// One read sheet of the report: its source kind and its field → (column, header) mapping.
struct Mapped {
    kind: String,
    file: String,
    sheet: String,
    fields: BTreeMap<String, (String, String)>,
}

/// The sheets of a check report with their mappings ("列映射同上一张工作表" resolved).
fn mappings(report: &str) -> Vec<Mapped> {
    let mut out: Vec<Mapped> = Vec::new();
    let (mut kind, mut file) = (String::new(), String::new());
    for line in report.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = line.strip_prefix("来源 ") {
            kind = rest.split('（').nth(1).and_then(|r| r.split('）').next()).unwrap().to_string();
        } else if let Some(rest) = trimmed.strip_prefix("文件 ") {
            file = rest.rsplit_once('（').unwrap().0.to_string();
        } else if let Some(rest) = trimmed.strip_prefix("工作表「") {
            if rest.contains("：表头在第") {
                let sheet = rest.split('」').next().unwrap().to_string();
                out.push(Mapped { kind: kind.clone(), file: file.clone(), sheet, fields: BTreeMap::new() });
            }
        } else if trimmed.starts_with("列映射同上一张工作表") {
            let n = out.len();
            out[n - 1].fields = out[n - 2].fields.clone();
        } else if let Some((field, rest)) = trimmed.split_once(" ← ") {
            let (column, header) = rest.split_once(" 列「").unwrap();
            let header = header.split('」').next().unwrap();
            out.last_mut().unwrap().fields.insert(field.to_string(), (column.to_string(), header.to_string()));
        }
    }
    out
}

#[test]
fn check_on_the_shipped_pipeline_prints_the_mapping_of_every_source_kind() {
    let wd = Workdir::new("sample-check");
    let pipeline = repo().join("pipelines/clearance.toml");
    let report = wd.run_ok(&["check", pipeline.to_str().unwrap()]);
    assert!(report.contains("问题 0 个"), "{report}");
    assert!(report.contains("工作表「填表说明」：未读取——前 30 行中没有可识别的大清查表表头"), "{report}");
    let sheets = mappings(&report);

    // Every kind a clearance pipeline reads from the sample (returned ledgers aside, and the
    // weekly pipeline's own kinds).
    let weekly_or_returned = [SourceKind::Verification, SourceKind::Attendance, SourceKind::Persuasion];
    for kind in SourceKind::ALL.into_iter().filter(|k| !weekly_or_returned.contains(k)) {
        let of_kind: Vec<&Mapped> = sheets.iter().filter(|m| m.kind == kind.key()).collect();
        assert!(!of_kind.is_empty(), "no sheet of {} in\n{report}", kind.key());
        let table = fields::table(kind);
        for m in &of_kind {
            assert!(!m.fields.is_empty(), "{} [{}]: no mapping printed", m.file, m.sheet);
            for f in table.iter().filter(|f| f.required) {
                assert!(m.fields.contains_key(f.name), "{} [{}]: {} not mapped", m.file, m.sheet, f.name);
            }
            for (field, (column, _)) in &m.fields {
                assert!(table.iter().any(|f| f.name == field), "{} [{}]: unknown field {field}", m.file, m.sheet);
                assert!(column.chars().all(|c| c.is_ascii_uppercase()), "{} [{}]: column {column}", m.file, m.sheet);
            }
        }
    }
    // Every census sheet of the sample maps every census column it has: every census field
    // but 残疾等级 and 区县, which the sample's template lacks (序号 is left unmapped; a
    // multi-district set declares its districts by folder instead).
    for m in sheets.iter().filter(|m| m.kind == "census") {
        let missing: Vec<&str> = fields::table(SourceKind::Census)
            .iter()
            .map(|f| f.name)
            .filter(|f| *f != "disability_grade" && *f != "district" && !m.fields.contains_key(*f))
            .collect();
        assert!(missing.is_empty(), "{} [{}] does not map {missing:?}", m.file, m.sheet);
        assert_eq!(m.fields["town"].0, "B", "{} [{}]", m.file, m.sheet);
    }
    // 学籍 exports carry an ID or a 学籍号 column.
    for m in sheets.iter().filter(|m| m.kind == "enrollment") {
        assert!(m.fields.contains_key("id_number") || m.fields.contains_key("student_no"), "{}", m.file);
    }
    // The roster in the shape of attachment 4: two header rows joined.
    let roster = sheets.iter().find(|m| m.kind == "roster").unwrap();
    let got: Vec<(&str, &str, &str)> =
        roster.fields.iter().map(|(f, (c, h))| (f.as_str(), c.as_str(), h.as_str())).collect();
    let mut want = vec![
        ("unit", "A", "单位"),
        ("school", "B", "学校名称"),
        ("leader", "C", "教委包干领导"),
        ("area_person", "D", "教委科室包片人员/姓名"),
        ("area_phone", "E", "教委科室包片人员/联系电话"),
        ("school_person", "F", "教委学区督导责任区包校人员/姓名"),
        ("school_phone", "G", "教委学区督导责任区包校人员/联系电话"),
        ("note", "H", "备注"),
    ];
    want.sort();
    assert_eq!(got, want);
}
