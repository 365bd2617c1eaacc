//! `cargo telemetry-lint` on the example program in `examples/acme`: the committed
//! manifest, code, `TELEMETRY.md` and `TELEMETRY.json` agree, and a drifted copy fails naming the line
//! in `telemetry.yaml` and the line in the Rust source.

mod common;

use std::path::Path;

use common::{Run, copy_dir, root, run};

/// `cargo telemetry-lint <args> --manifest-path <manifest_path>`, as cargo runs it.
fn lint(manifest_path: &Path, args: &[&str]) -> Run {
    let mut all = vec!["telemetry-lint"];
    all.extend_from_slice(args);
    all.extend([
        "--manifest-path",
        manifest_path.to_str().expect("UTF-8 path"),
    ]);
    run(&all)
}

#[test]
fn the_example_is_clean_and_its_data_dictionary_current() {
    let manifest_path = root().join("examples/acme/Cargo.toml");
    let check = lint(&manifest_path, &["check"]);
    let out = check.transcript();
    assert_eq!(check.code, 0, "{out}");
    assert!(out.contains("TELEMETRY.md is current"), "{out}");

    let doc = lint(&manifest_path, &["doc", "--check"]);
    assert_eq!(
        doc.code,
        0,
        "examples/acme/TELEMETRY.md is out of date; run `cargo run -p telemetry-lint -- telemetry-lint doc --manifest-path examples/acme/Cargo.toml`\n{}",
        doc.transcript()
    );

    let json = lint(&manifest_path, &["doc", "--format", "json", "--check"]);
    assert_eq!(
        json.code,
        0,
        "examples/acme/TELEMETRY.json is out of date; run `cargo run -p telemetry-lint -- telemetry-lint doc --format json --manifest-path examples/acme/Cargo.toml`\n{}",
        json.transcript()
    );

    let html = lint(&manifest_path, &["doc", "--format", "html", "--check"]);
    assert_eq!(
        html.code,
        0,
        "examples/acme/TELEMETRY.html is out of date; run `cargo run -p telemetry-lint -- telemetry-lint doc --format html --manifest-path examples/acme/Cargo.toml`\n{}",
        html.transcript()
    );
}

#[test]
fn a_drifted_copy_names_the_yaml_line_and_the_rust_line() {
    let copy = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join("examples/acme"), copy.path());
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
    let out = check.transcript();
    assert_eq!(check.code, 1, "{out}");
    assert!(out.contains("TL004 field-type-mismatch"), "{out}");
    assert!(
        out.contains("[src/events.rs:76:18]"),
        "the Rust line:\n{out}"
    );
    assert!(
        out.contains("[telemetry.yaml:90:15]"),
        "the YAML line:\n{out}"
    );
    // The data dictionary no longer matches the manifest either.
    assert!(out.contains("TL021 stale-data-dictionary"), "{out}");
}
