//! The example program in `examples/acme` builds against its manifest and prints
//! exactly the payloads its manifest declares.
//!
//! Built in `target/rebuild-test`, shared with the rebuild test, so the
//! dependencies are compiled once.

use std::path::Path;
use std::process::Command;

#[test]
fn example_program_builds_and_reports_its_events() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("telemetry-core lives in the workspace");
    let project = tempfile::tempdir().expect("tempdir");
    // acme keeps its telemetry choice in the user's configuration directory: give it
    // one of its own (ACME_CONFIG_DIR), so the real one is never touched.
    let home = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO"))
            .arg("run")
            .arg("--quiet")
            .arg("--manifest-path")
            .arg(root.join("examples/acme/Cargo.toml"))
            .arg("--target-dir")
            .arg(root.join("target/rebuild-test"))
            .arg("--")
            .args(args)
            .current_dir(project.path())
            .env("CARGO_TERM_COLOR", "never")
            // On by the variable: a run without a terminal shows no first-run
            // notice and sends nothing under the default.
            .env("ACME_TELEMETRY", "1")
            .env_remove("ACME_TELEMETRY_DEBUG")
            .env_remove("ACME_TELEMETRY_ENDPOINT")
            .env_remove("DO_NOT_TRACK")
            .env("ACME_CONFIG_DIR", home.path())
            .output()
            .expect("cargo runs")
    };
    let init = run(&["--print-telemetry", "init", "demo"]);
    let stderr = String::from_utf8_lossy(&init.stderr);
    assert!(init.status.success(), "{stderr}");
    assert!(
        stderr.contains(r#"{"event":"project_initialized","fields":{"#),
        "{stderr}"
    );

    // Opting out prints nothing at all.
    let quiet = run(&["--print-telemetry", "--no-telemetry", "init", "other"]);
    let stderr = String::from_utf8_lossy(&quiet.stderr);
    assert!(quiet.status.success(), "{stderr}");
    assert!(!stderr.contains(r#"{"event":"#), "{stderr}");
}
