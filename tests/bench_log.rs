//! Progress and log output of `kcbx run` (issue 7): `--log-format json` writes one JSON object
//! per line on stderr — stage events with counts and elapsed times, never personal data — and
//! `--quiet` writes nothing. No timings are asserted: the figures live in bench/RESULTS.md.

use serde_json::Value;

use crate::util::{repo, Workdir};

/// Runs the shipped pipeline into a fresh folder with extra arguments; returns stderr.
fn run_sample(wd: &Workdir, extra: &[&str]) -> String {
    let pipeline = repo().join("pipelines/clearance.toml");
    let out = wd.path("out");
    let mut args = vec![
        "run".to_string(),
        pipeline.display().to_string(),
        "--out".to_string(),
        out.display().to_string(),
        "--label".to_string(),
        "t".to_string(),
        "--no-previous".to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let output = wd.kcbx().args(&args).output().expect("run kcbx");
    assert!(output.status.success(), "kcbx run failed:\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(wd.path("out/t/cases.csv").is_file(), "the run wrote its folder");
    String::from_utf8(output.stderr).expect("stderr is UTF-8")
}

#[test]
fn json_log_is_one_object_per_line_with_stage_counts() {
    let wd = Workdir::new("bench-log-json");
    let stderr = run_sample(&wd, &["--log-format", "json"]);
    let events: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .collect();
    assert!(!events.is_empty());
    for e in &events {
        let obj = e.as_object().expect("each line is an object");
        for key in ["t_ms", "event", "stage"] {
            assert!(obj.contains_key(key), "{key} missing in {e}");
        }
    }
    let done = |stage: &str| {
        events
            .iter()
            .find(|e| e["event"] == "done" && e["stage"] == stage)
            .unwrap_or_else(|| panic!("no done event for {stage}"))
    };
    // Every stage reports, in pipeline order, with its elapsed time.
    let order: Vec<u64> = ["read", "normalize", "link", "rules", "report"]
        .iter()
        .map(|s| done(s)["t_ms"].as_u64().expect("t_ms is a number"))
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "stages out of order: {order:?}");
    let read = done("read");
    assert!(read["files"].as_u64().unwrap() >= 10, "{read}");
    assert!(read["rows_used"].as_u64().unwrap() > 1000, "{read}");
    assert_eq!(read["problems"], 0);
    assert!(read["elapsed_ms"].is_u64());
    assert!(done("normalize")["census"].as_u64().unwrap() > 1000);
    assert!(done("rules")["cases"].as_u64().unwrap() > 0);
    assert!(done("report")["files"].as_u64().unwrap() > 3);
    // Linking reports each source it linked, with counts.
    let steps: Vec<&str> = events.iter().filter(|e| e["event"] == "step").filter_map(|e| e["step"].as_str()).collect();
    for s in ["census", "poverty", "enrollment"] {
        assert!(steps.contains(&s), "no link step {s}: {steps:?}");
    }
    let enrollment = events.iter().find(|e| e["step"] == "enrollment").unwrap();
    assert!(enrollment["exact_id"].as_u64().unwrap() > 1000, "{enrollment}");
    // No personal data: no ID number (17 or more digits in a row) anywhere in the log.
    let mut run = 0;
    for c in stderr.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        assert!(run < 17, "an ID-like number in the log");
    }
}

#[test]
fn quiet_writes_nothing_and_text_log_has_no_bars_off_a_terminal() {
    let wd = Workdir::new("bench-log-quiet");
    assert_eq!(run_sample(&wd, &["--quiet"]), "");
    let wd = Workdir::new("bench-log-text");
    let stderr = run_sample(&wd, &[]);
    // stderr is a pipe here: plain `kcbx: …` lines, no bar drawing.
    assert!(stderr.lines().all(|l| l.starts_with("kcbx: ")), "{stderr}");
    assert!(stderr.contains("完成"), "{stderr}");
    assert!(!stderr.contains('\r') && !stderr.contains('\u{1b}'), "no terminal control codes");
}
