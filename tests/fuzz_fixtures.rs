//! A mutation test over the committed fixtures: each file with bytes flipped, cut short,
//! zeroed, spliced with another file's bytes, and — for the zip formats — the same done to
//! one part inside the package (the XML calamine parses, not only the deflate stream around
//! it). About three thousand variants, generated from a fixed seed, read in process: none
//! may panic, and a variant that cannot be used is refused with a message naming its file.
//! A few of the refused ones are then run through the binary: exit 1, the file named, no
//! run folder and no ledger.

use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::Command;

use crate::fuzz_normalize::Rng;
use crate::read_support::{fixtures, plan_in, scratch};

const FIXTURES: &[&str] = &[
    "census_merged.xlsx",
    "census_no_id.xlsx",
    "census_macro.xlsm",
    "dates_1904.xlsx",
    "census_town.xls",
    "census_biff5_gbk.xls",
    "poverty.ods",
    "census_utf8.csv",
    "census_gb18030.csv",
    "enrollment_gbk.csv",
    "enrollment_bom.csv",
    "returned/returned_renyi.xls",
];

/// Variants per fixture and kind of damage.
const PER_FIXTURE: usize = 250;

/// One damaged copy of `bytes`; `other` supplies spliced-in bytes.
fn mutate(rng: &mut Rng, bytes: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    if v.is_empty() {
        return v;
    }
    match rng.below(6) {
        // A few bytes flipped.
        0 | 1 => {
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(v.len() as u64) as usize;
                v[i] ^= 1 << rng.below(8);
            }
        }
        // Cut short.
        2 => v.truncate(rng.below(v.len() as u64) as usize),
        // A run of zeros or of 0xFF (a sector gone, a length field maxed out).
        3 => {
            let at = rng.below(v.len() as u64) as usize;
            let len = (1 + rng.below(64) as usize).min(v.len() - at);
            let fill = if rng.below(2) == 0 { 0 } else { 0xFF };
            v[at..at + len].fill(fill);
        }
        // Another file's bytes spliced in (replacing or inserted).
        4 => {
            let from = rng.below(other.len() as u64) as usize;
            let len = (1 + rng.below(512) as usize).min(other.len() - from);
            let at = rng.below(v.len() as u64) as usize;
            if rng.below(2) == 0 {
                let end = (at + len).min(v.len());
                v.splice(at..end, other[from..from + len].iter().copied());
            } else {
                v.splice(at..at, other[from..from + len].iter().copied());
            }
        }
        // A piece of the file itself repeated.
        _ => {
            let from = rng.below(v.len() as u64) as usize;
            let len = (1 + rng.below(256) as usize).min(v.len() - from);
            let piece = v[from..from + len].to_vec();
            let at = rng.below(v.len() as u64) as usize;
            v.splice(at..at, piece);
        }
    }
    v
}

/// The same damage done to one part inside a zip package, which is written back whole.
fn mutate_inside(rng: &mut Rng, bytes: &[u8], other: &[u8]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let victim = rng.below(zip.len() as u64) as usize;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).ok()?;
        let name = f.name().ok()?.to_string();
        let mut body = Vec::new();
        f.read_to_end(&mut body).ok()?;
        if i == victim {
            body = mutate(rng, &body, other);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).ok()?;
        out.write_all(&body).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

#[test]
fn damaged_fixtures_never_panic_and_are_refused_by_name() {
    let dir = scratch("mutations");
    let originals: Vec<Vec<u8>> = FIXTURES.iter().map(|f| std::fs::read(fixtures().join(f)).unwrap()).collect();
    let mut rng = Rng::new(1515);
    let (mut variants, mut refused, mut caught) = (0usize, 0usize, 0usize);
    let mut for_binary: Vec<(String, Vec<u8>)> = Vec::new();
    for (k, name) in FIXTURES.iter().enumerate() {
        let ext = name.rsplit('.').next().unwrap();
        let file = format!("v{k}.{ext}");
        let other = &originals[(k + 1) % originals.len()];
        let zipped = matches!(ext, "xlsx" | "xlsm" | "ods");
        for n in 0..PER_FIXTURE {
            let bytes = if zipped && n % 2 == 1 {
                match mutate_inside(&mut rng, &originals[k], other) {
                    Some(b) => b,
                    None => continue,
                }
            } else {
                mutate(&mut rng, &originals[k], other)
            };
            std::fs::write(dir.join(&file), &bytes).unwrap();
            if std::env::var_os("KCBX_FUZZ_TRACE").is_some() {
                eprintln!("variant {n} of {name}");
                std::fs::write(std::env::temp_dir().join("kcbx-last-variant"), &bytes).unwrap();
            }
            let plan = plan_in(&dir, &format!("[[sources]]\nkind = \"census\"\nfiles = \"{file}\"\n"));
            let out = catch_unwind(AssertUnwindSafe(|| kcbx::read::read_all(&plan)))
                .unwrap_or_else(|_| panic!("reading variant {n} of {name} panicked"));
            variants += 1;
            if !out.problems.is_empty() {
                refused += 1;
                caught += out.problems.iter().filter(|p| p.contains("the reader failed")).count();
                for p in &out.problems {
                    assert!(p.contains(&file), "variant {n} of {name}: a problem not naming the file: {p}");
                }
                if n % 211 == 0 {
                    for_binary.push((file.clone(), bytes));
                }
            }
        }
    }
    println!(
        "{variants} variants, {refused} refused ({caught} where calamine failed a check), {} run through the binary",
        for_binary.len()
    );
    assert!(variants >= 2_500 && refused > 0, "{variants} variants, {refused} refused");

    for (i, (file, bytes)) in for_binary.iter().enumerate() {
        let run = scratch("mutation-run");
        std::fs::write(run.join(file), bytes).unwrap();
        let pipe = run.join("pipe.toml");
        std::fs::write(
            &pipe,
            format!(
                "name = \"t\"\nkind = \"clearance\"\n[params]\nas_of = \"2020-05-14\"\n[output]\ndir = \"out\"\n\
                 [[sources]]\nkind = \"census\"\nfiles = \"{file}\"\n\
                 [[sources]]\nkind = \"enrollment\"\nfiles = \"{}\"\n",
                fixtures().join("enrollment_bom.csv").display()
            ),
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_kcbx")).args(["run", "--quiet"]).arg(&pipe).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(out.status.code(), Some(1 | 2)), "variant {i} ({file}): {:?}\n{stderr}", out.status);
        assert!(stderr.contains(file.as_str()), "variant {i} ({file}): {stderr}");
        assert!(!run.join("out").exists(), "variant {i} ({file}) wrote an output folder");
    }
}
