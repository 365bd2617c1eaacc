//! Files generated from the rule table must match what is checked in.
//!
//! `docs/rules.md` is rendered by `telemetry_manifest::rules::render_rules_markdown`.
//! The comparison is byte for byte; nothing is normalised. To regenerate:
//!
//! ```text
//! UPDATE_GENERATED=1 cargo test -p telemetry-manifest --test generated
//! ```
//!
//! which writes the file atomically: a temporary file in the same folder, then a
//! rename over the old one.

use std::io::Write as _;
use std::path::{Path, PathBuf};

const REGENERATE: &str = "UPDATE_GENERATED=1 cargo test -p telemetry-manifest --test generated";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lies inside the workspace")
        .to_path_buf()
}

fn updating() -> bool {
    std::env::var_os("UPDATE_GENERATED").is_some_and(|v| v == "1")
}

/// Writes `contents` to `path` through a temporary file in the same folder.
fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The first line on which two texts differ, 1-based, with both versions of it.
fn first_difference(expected: &str, found: &str) -> String {
    let mut expected_lines = expected.split_inclusive('\n');
    let mut found_lines = found.split_inclusive('\n');
    let mut line = 1;
    loop {
        match (expected_lines.next(), found_lines.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (None, None) => return "the texts differ in no line".to_owned(),
            (a, b) => {
                return format!(
                    "first difference at line {line}:\n  generated:   {:?}\n  checked in:  {:?}",
                    a.unwrap_or("<end of file>"),
                    b.unwrap_or("<end of file>")
                );
            }
        }
    }
}

/// Compares a generated file with its checked-in copy, or rewrites the copy when
/// `UPDATE_GENERATED=1`.
fn check_generated(relative: &str, generated: &str) {
    let path = workspace_root().join(relative);
    if updating() {
        write_atomically(&path, generated.as_bytes())
            .unwrap_or_else(|e| panic!("cannot write {relative}: {e}"));
        return;
    }
    let checked_in = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => panic!("cannot read {relative}: {e}; generate it with `{REGENERATE}`"),
    };
    if checked_in != generated.as_bytes() {
        let found = String::from_utf8_lossy(&checked_in);
        panic!(
            "{relative} is out of date with the rule table; regenerate it with `{REGENERATE}` \
             and commit the result\n{}",
            first_difference(generated, &found)
        );
    }
}

#[test]
fn rules_md_is_current() {
    check_generated(
        "docs/rules.md",
        &telemetry_manifest::rules::render_rules_markdown(),
    );
}

#[test]
fn the_comparison_sees_every_byte() {
    let text = "# Rules\n\nline\n";
    assert_eq!(
        first_difference(text, "# Rules\n\nline\r\n"),
        "first difference at line 3:\n  generated:   \"line\\n\"\n  checked in:  \"line\\r\\n\""
    );
    assert!(first_difference(text, "# Rules\n\nline").contains("line 3"));
    assert!(first_difference(text, "# Rules\n\nline\n\n").contains("<end of file>"));
}

#[test]
fn atomic_write_replaces_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rules.md");
    std::fs::write(&path, "old").expect("write");
    write_atomically(&path, b"new\n").expect("atomic write");
    assert_eq!(std::fs::read(&path).expect("read"), b"new\n");
    let leftovers = std::fs::read_dir(dir.path()).expect("list").count();
    assert_eq!(leftovers, 1, "the temporary file was left behind");
}
