//! `cargo telemetry-lint` on the example program in `examples/acme`: the committed
//! manifest, code and `TELEMETRY.md` agree, and a drifted copy fails naming the line
//! in `telemetry.yaml` and the line in the Rust source.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("telemetry-lint lives in the workspace")
        .to_path_buf()
}

fn lint(manifest_path: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-telemetry-lint"))
        .arg("telemetry-lint")
        .args(args)
        .arg("--manifest-path")
        .arg(manifest_path)
        .env("NO_COLOR", "1")
        .env_remove("TELEMETRY_LINT_TODAY")
        .output()
        .expect("the linter runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_example_is_clean_and_its_data_dictionary_current() {
    let manifest_path = root().join("examples/acme/Cargo.toml");
    let check = lint(&manifest_path, &["check"]);
    let out = text(&check);
    assert_eq!(check.status.code(), Some(0), "{out}");
    assert!(out.contains("TELEMETRY.md is current"), "{out}");

    let doc = lint(&manifest_path, &["doc", "--check"]);
    assert_eq!(
        doc.status.code(),
        Some(0),
        "examples/acme/TELEMETRY.md is out of date; run `cargo run -p telemetry-lint -- telemetry-lint doc --manifest-path examples/acme/Cargo.toml`\n{}",
        text(&doc)
    );
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read example") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn a_drifted_copy_names_the_yaml_line_and_the_rust_line() {
    let copy = tempfile::tempdir().expect("tempdir");
    copy_tree(&root().join("examples/acme"), copy.path());
    // The copy's path dependency must still resolve for `cargo metadata`.
    let cargo_toml = copy.path().join("Cargo.toml");
    let core = root().join("telemetry-core");
    let manifest = std::fs::read_to_string(&cargo_toml)
        .expect("Cargo.toml")
        .replace(
            "\"../../telemetry-core\"",
            &format!("{:?}", core.display().to_string()),
        );
    std::fs::write(&cargo_toml, manifest).expect("write Cargo.toml");
    // Declare `success` a count while the struct keeps a bool.
    let yaml = copy.path().join("telemetry.yaml");
    let drifted = std::fs::read_to_string(&yaml)
        .expect("telemetry.yaml")
        .replacen(
            "      success:\n        type: bool",
            "      success:\n        type: count",
            1,
        );
    assert_ne!(
        drifted,
        std::fs::read_to_string(&yaml).unwrap_or_default(),
        "the edit applied"
    );
    std::fs::write(&yaml, drifted).expect("write telemetry.yaml");

    let check = lint(&cargo_toml, &["check"]);
    let out = text(&check);
    assert_eq!(check.status.code(), Some(1), "{out}");
    assert!(out.contains("TL004 field-type-mismatch"), "{out}");
    assert!(
        out.contains("[src/events.rs:76:18]"),
        "the Rust line:\n{out}"
    );
    assert!(
        out.contains("[telemetry.yaml:69:15]"),
        "the YAML line:\n{out}"
    );
    // The data dictionary no longer matches the manifest either.
    assert!(out.contains("TL021 stale-data-dictionary"), "{out}");
}
