//! The README is the user's manual: its generated blocks (recognised column names, the
//! linkage model, the school words of 已在校就读并注册学籍, the
//! columns of cases.csv) must match the code, and its two
//! set-up commands must name real files.
//! `KCBX_UPDATE_README=1 cargo test readme` rewrites the blocks.

use kcbx::manual;

use crate::util::repo;

#[test]
fn readme_blocks_match_the_code() {
    let path = repo().join("README.md");
    let text = std::fs::read_to_string(&path).expect("README.md");
    let mut want = text.clone();
    for (name, body) in [
        ("fields", manual::fields_markdown()),
        ("linkage", manual::linkage_markdown()),
        ("school", manual::school_words_markdown()),
        ("cases", manual::cases_columns_markdown()),
    ] {
        want = manual::splice(&want, name, &body).unwrap_or_else(|| panic!("README lacks the {name} markers"));
    }
    if want != text {
        if std::env::var_os("KCBX_UPDATE_README").is_some() {
            std::fs::write(&path, &want).expect("write README.md");
        } else {
            panic!("README.md is out of date with the code; run `KCBX_UPDATE_README=1 cargo test readme`");
        }
    }
}

#[test]
fn readme_commands_point_at_shipped_files() {
    let text = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    assert!(text.contains("cargo run --release -- run pipelines/clearance.toml"));
    assert!(text.contains("cargo test"));
    assert!(repo().join("pipelines/clearance.toml").is_file());
    // Every problem code is documented.
    for p in kcbx::rules::Problem::ALL {
        assert!(text.contains(&format!("`{}`", p.key())), "README does not document {}", p.key());
        assert!(text.contains(p.label()), "README does not name {}", p.label());
    }
}
