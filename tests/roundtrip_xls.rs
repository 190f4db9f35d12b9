//! A returned ledger re-saved as .xls (as towns do in WPS) is read as a `verification`
//! source: the committed fixture is the shipped sample's 仁义镇 ledger with three rows filled
//! in and saved by LibreOffice as BIFF8.

use crate::util::{read_csv, repo, run_dir, Workdir};

#[test]
fn a_ledger_returned_as_xls_closes_its_cases() {
    let wd = Workdir::new("roundtrip-xls");
    let pipeline = std::fs::read_to_string(repo().join("pipelines/clearance.toml")).expect("pipeline");
    let pipeline = pipeline.replace("../sample_data/", &format!("{}/sample_data/", repo().display()))
        + &format!(
            "\n[[sources]]\nkind = \"verification\"\nfiles = [\"{}/tests/fixtures/returned/returned_renyi.xls\"]\n",
            repo().display()
        );
    std::fs::write(wd.path("pipeline.toml"), pipeline).expect("write pipeline");
    let out = wd.run_ok(&["run", "pipeline.toml", "--out", "out", "--label", "m2", "--no-previous", "-q"]);
    let dir = wd.dir.join(run_dir(&out));
    let cases = read_csv(&dir.join("cases.csv"));
    let get = |id: &str| cases.iter().find(|c| c["case_id"] == id).unwrap_or_else(|| panic!("case {id}"));
    for id in ["NE-ea63f6348d", "DR-4d330f2fc1"] {
        assert_eq!((get(id)["status"].as_str(), get(id)["closed_in"].as_str()), ("closed", "m2"), "{id}");
    }
    let open = get("II-5082ec6184");
    assert_eq!((open["status"].as_str(), open["last_outcome"].as_str()), ("open", "其他"));
    assert_eq!(open["times_returned"], "1");
    let closed = cases.iter().filter(|c| c["status"] == "closed").count();
    assert_eq!(closed, 2, "only the two settled rows close cases");
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).expect("run.json")).expect("json");
    assert_eq!(run["verification"]["applied"], 3);
    assert_eq!(run["verification"]["unmatched"].as_array().map(Vec::len), Some(0));
}
