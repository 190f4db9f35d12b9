//! Bad inputs: every problem names the file, the sheet where there is one, and the field or
//! column at fault — and never a cell value. `kcbx check` prints them all and exits 1; `kcbx
//! run` lists them all in one pass, exits 1 and writes no run folder.

use std::process::Command;

use crate::read_support::*;

/// One problem mentioning every one of `parts`.
fn problem_with<'a>(problems: &'a [String], parts: &[&str]) -> &'a str {
    problems
        .iter()
        .find(|p| parts.iter().all(|x| p.contains(x)))
        .unwrap_or_else(|| panic!("no problem with {parts:?} in {problems:#?}"))
}

#[test]
fn a_glob_matching_nothing() {
    let out = read("[[sources]]\nkind = \"census\"\nfiles = [\"census_town.xls\", \"towns/*.xlsx\"]\n");
    assert_eq!(out.problems.len(), 1, "{:#?}", out.problems);
    problem_with(&out.problems, &["towns/*.xlsx", "没有匹配到任何文件", "大清查表"]);
    // The other pattern is still read.
    assert_eq!(out.inputs.files.len(), 2);
}

#[test]
fn corrupt_renamed_and_encrypted_files() {
    let dir = scratch("bad-files");
    write_bad_files(&dir);
    // Excel's lock file for an open workbook is ignored, with a note.
    std::fs::write(dir.join("~$truncated.xlsx"), "lock").unwrap();

    let out = kcbx::read::read_all(&plan_in(&dir, "[[sources]]\nkind = \"census\"\nfiles = \"*.*\"\n"));
    let mine: Vec<String> = out.problems.iter().filter(|p| !p.contains("enrollment")).cloned().collect();
    assert_eq!(mine.len(), 5, "{mine:#?}");
    problem_with(&mine, &["文件 truncated.xlsx", "损坏"]);
    problem_with(&mine, &["文件 list.xlsx", "不是 .xlsx 工作簿"]);
    problem_with(&mine, &["文件 page.xls", "HTML"]);
    problem_with(&mine, &["文件 notes.docx", "不支持的文件类型"]);
    problem_with(&mine, &["文件 locked.xlsx", "加密"]);
    assert!(out.notes.iter().any(|n| n.contains("~$truncated.xlsx")), "{:?}", out.notes);
    // No cell value leaks into a message.
    assert!(!out.problems.iter().any(|p| p.contains("张三") || p.contains("500153201005031234")));
    // The files are still listed (with their checksums) for the run record.
    assert_eq!(out.inputs.files.iter().filter(|f| f.source == 0).count(), 5);
}

#[test]
fn a_required_column_missing() {
    let out = read("[[sources]]\nkind = \"census\"\nfiles = \"census_no_id.xlsx\"\n");
    assert_eq!(out.problems.len(), 1, "{:#?}", out.problems);
    let p = problem_with(
        &out.problems,
        &[
            "census_no_id.xlsx",
            "［清查］",
            "「身份证号」",
            "id_number",
            "镇街、村(社区)、姓名、性别、身份证编号、就学状态",
        ],
    );
    assert!(p.contains("最接近的列是「身份证编号」"), "{p}");
    let (_, s) = sheet(&out, "census_no_id.xlsx", "清查");
    assert!(s.skipped.is_some());
    assert!(out.sources[0].tables.is_empty());
}

#[test]
fn a_column_override_naming_a_missing_header() {
    let out = read(
        "[[sources]]\nkind = \"census\"\nfiles = \"census_merged.xlsx\"\n[sources.columns]\nid_number = \"公民身份号码\"\n",
    );
    assert_eq!(out.problems.len(), 1, "{:#?}", out.problems);
    problem_with(
        &out.problems,
        &["census_merged.xlsx", "［大清查］", "id_number", "公民身份号码", "身份证号/(18位)", "地址/户籍地址"],
    );
}

#[test]
fn a_named_sheet_that_does_not_exist() {
    let out = read("[[sources]]\nkind = \"census\"\nfiles = \"census_town.xls\"\nsheets = [\"高峰村\", \"清流村\"]\n");
    assert_eq!(out.problems.len(), 1, "{:#?}", out.problems);
    problem_with(&out.problems, &["census_town.xls", "「清流村」", "高峰村、双河村"]);
    assert_eq!(out.inputs.sheets.iter().filter(|s| s.file == 0).count(), 1);
}

#[test]
fn a_workbook_with_no_usable_sheet() {
    // Read as a 包片包校 roster, the census workbook has no sheet with that header.
    let out = read("[[sources]]\nkind = \"roster\"\nfiles = \"census_merged.xlsx\"\n");
    assert_eq!(out.problems.len(), 1, "{:#?}", out.problems);
    problem_with(&out.problems, &["census_merged.xlsx", "没有任何工作表", "填表说明、大清查、Sheet3", "学校名称"]);
}

#[test]
fn a_csv_that_is_not_text() {
    let dir = scratch("bin-csv");
    std::fs::write(dir.join("x.csv"), b"PK\x03\x04\x00\x00\x00binary").unwrap();
    let out = kcbx::read::read_all(&plan_in(&dir, "[[sources]]\nkind = \"enrollment\"\nfiles = \"x.csv\"\n"));
    problem_with(&out.problems, &["文件 x.csv", "不是 CSV"]);
}

#[test]
fn check_prints_mapping_counts_and_problems_and_exits_1() {
    let dir = scratch("check");
    let fx = fixtures();
    let pipe = dir.join("pipe.toml");
    let write = |extra: &str| {
        std::fs::write(
            &pipe,
            format!(
                "name = \"荣昌\"\nkind = \"clearance\"\n[params]\nas_of = \"2020-05-14\"\n\
                 [[sources]]\nkind = \"census\"\nfiles = [\"{}\"{extra}]\n\
                 [[sources]]\nkind = \"enrollment\"\nfiles = \"{}\"\n",
                fx.join("census_merged.xlsx").display(),
                fx.join("enrollment_gbk.csv").display()
            ),
        )
        .unwrap()
    };
    write("");
    let run = || Command::new(env!("CARGO_BIN_EXE_kcbx")).arg("check").arg(&pipe).output().unwrap();
    let ok = run();
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&ok.stderr));
    for want in [
        "工作表「大清查」：表头在第 4 行",
        "id_number ← G 列「身份证号/(18位)」",
        "行数：读取 13 = 使用 7 + 跳过 5（空行 2、合计 1、备注/说明 2）+ 剔除 1",
        "身份证号：有效 6、数字格式损坏（科学计数法丢失末位） 1",
        "剔除：第 12 行",
        "工作表「填表说明」：未读取",
        "school ← A 列「学校名称」",
        "问题 0 个",
    ] {
        assert!(stdout.contains(want), "missing {want:?} in\n{stdout}");
    }
    // No personal data in the report.
    assert!(!stdout.contains("王小明") && !stdout.contains("500153201005031234"), "{stdout}");
    assert!(!dir.join("out").exists());

    write(", \"missing/*.xlsx\"");
    let bad = run();
    let stdout = String::from_utf8_lossy(&bad.stdout);
    assert_eq!(bad.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("问题 1 个") && stdout.contains("missing/*.xlsx"), "{stdout}");
    // It carries on: the good file is still reported.
    assert!(stdout.contains("工作表「大清查」"), "{stdout}");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("发现 1 个输入问题"));
}

#[test]
fn run_stops_before_any_ledger_and_lists_every_problem() {
    let dir = scratch("run-stops");
    let fx = fixtures();
    let pipe = dir.join("pipe.toml");
    std::fs::write(
        &pipe,
        format!(
            "name = \"t\"\nkind = \"clearance\"\n[params]\nas_of = \"2020-05-14\"\n[output]\ndir = \"out\"\n\
             [[sources]]\nkind = \"census\"\nfiles = [\"{}\", \"{}\", \"towns/*.xlsx\"]\n\
             [[sources]]\nkind = \"enrollment\"\nfiles = \"{}\"\n",
            fx.join("census_no_id.xlsx").display(),
            fx.join("census_merged.xlsx").display(),
            fx.join("enrollment_gbk.csv").display()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kcbx")).arg("run").arg(&pipe).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("发现 2 个输入问题"), "{stderr}");
    assert!(stderr.contains("census_no_id.xlsx［清查］") && stderr.contains("「身份证号」"), "{stderr}");
    assert!(stderr.contains("towns/*.xlsx"), "{stderr}");
    assert!(!dir.join("out").exists(), "a ledger folder was written");
}

#[test]
fn a_csv_without_a_header() {
    let dir = scratch("no-header-csv");
    std::fs::write(dir.join("x.csv"), "甲,乙,丙\n1,2,3\n").unwrap();
    let out = kcbx::read::read_all(&plan_in(&dir, "[[sources]]\nkind = \"enrollment\"\nfiles = \"x.csv\"\n"));
    assert_eq!(out.problems.len(), 1, "{:#?}", out.problems);
    problem_with(&out.problems, &["文件 x.csv", "没有可识别的学籍表头", "UTF-8", "逗号"]);
    assert!(!out.notes.iter().any(|n| n.contains("x.csv")), "{:?}", out.notes);
}

/// A truncated (corrupt) workbook, a text file named .xlsx, an HTML page named .xls, a .docx
/// and an encrypted OOXML workbook (a compound file with these two streams), in `dir`.
fn write_bad_files(dir: &std::path::Path) {
    let good = std::fs::read(fixtures().join("census_merged.xlsx")).unwrap();
    std::fs::write(dir.join("truncated.xlsx"), &good[..good.len() / 2]).unwrap();
    std::fs::write(dir.join("list.xlsx"), "姓名,身份证号\n张三,500153201005031234\n").unwrap();
    std::fs::write(dir.join("page.xls"), "<html><body><table><tr><td>姓名</td></tr></table></body></html>").unwrap();
    std::fs::write(dir.join("notes.docx"), "PK\x03\x04 not a spreadsheet").unwrap();
    let mut enc = cfb::create(dir.join("locked.xlsx")).unwrap();
    enc.create_stream("EncryptionInfo").unwrap();
    enc.create_stream("EncryptedPackage").unwrap();
    drop(enc);
}

#[test]
fn run_on_bad_files_exits_1_names_each_file_and_writes_nothing() {
    let dir = scratch("run-bad-files");
    let bad = dir.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    write_bad_files(&bad);
    let fx = fixtures();
    let pipe = dir.join("pipe.toml");
    // The bad files, a good workbook with a named sheet that does not exist, and one whose
    // sheet lacks a required column: seven problems, all in one run.
    std::fs::write(
        &pipe,
        format!(
            "name = \"t\"\nkind = \"clearance\"\n[params]\nas_of = \"2020-05-14\"\n[output]\ndir = \"out\"\n\
             [[sources]]\nkind = \"census\"\nfiles = [\"bad/*.*\", \"{}\"]\n\
             [[sources]]\nkind = \"census\"\nfiles = \"{}\"\nsheets = [\"高峰村\", \"清流村\"]\n\
             [[sources]]\nkind = \"enrollment\"\nfiles = \"{}\"\n",
            fx.join("census_no_id.xlsx").display(),
            fx.join("census_town.xls").display(),
            fx.join("enrollment_gbk.csv").display()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kcbx")).arg("run").arg(&pipe).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("发现 7 个输入问题，未生成台账"), "{stderr}");
    let listed: Vec<&str> =
        stderr.lines().filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit())).collect();
    assert_eq!(listed.len(), 7, "{stderr}");
    for (file, what) in [
        ("文件 bad/truncated.xlsx", "损坏"),
        ("文件 bad/list.xlsx", "不是 .xlsx 工作簿"),
        ("文件 bad/page.xls", "HTML"),
        ("文件 bad/notes.docx", "不支持的文件类型"),
        ("文件 bad/locked.xlsx", "加密"),
        ("census_no_id.xlsx［清查］", "「身份证号」"),
        ("census_town.xls", "「清流村」"),
    ] {
        assert!(listed.iter().any(|l| l.contains(file) && l.contains(what)), "no {file} … {what} in\n{stderr}");
    }
    // No personal data, and nothing written: no run folder, no partial folder, no ledger.
    assert!(!stderr.contains("张三") && !stderr.contains("500153201005031234"), "{stderr}");
    assert!(!dir.join("out").exists(), "an output folder was written");

    // `kcbx check` lists the same seven problems, reports the good sheets, and writes nothing.
    let out = Command::new(env!("CARGO_BIN_EXE_kcbx")).arg("check").arg(&pipe).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("问题 7 个"), "{stdout}");
    assert!(stdout.contains("工作表「高峰村」：表头在第 2 行"), "{stdout}");
    assert!(!dir.join("out").exists());
}

#[test]
fn run_on_a_workbook_with_no_usable_sheet_names_every_sheet() {
    let dir = scratch("run-no-sheet");
    let fx = fixtures();
    let pipe = dir.join("pipe.toml");
    // Read as the roster, the census workbook has no sheet with a roster header.
    std::fs::write(
        &pipe,
        format!(
            "name = \"t\"\nkind = \"clearance\"\n[params]\nas_of = \"2020-05-14\"\n[output]\ndir = \"out\"\n\
             [[sources]]\nkind = \"census\"\nfiles = \"{}\"\n\
             [[sources]]\nkind = \"enrollment\"\nfiles = \"{}\"\n\
             [[sources]]\nkind = \"roster\"\nfiles = \"{}\"\n",
            fx.join("census_town.xls").display(),
            fx.join("enrollment_gbk.csv").display(),
            fx.join("census_merged.xlsx").display()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kcbx")).arg("run").arg(&pipe).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("census_merged.xlsx：没有任何工作表有可识别的包片包校责任人名单表头")
            && stderr.contains("填表说明、大清查、Sheet3"),
        "{stderr}"
    );
    assert!(!dir.join("out").exists(), "an output folder was written");
}
