//! The HTTP sink's tests (`runtime_http.rs`) need the `http` feature, which a plain
//! `cargo test --workspace` does not enable. Built without it, this test runs them
//! in a nested `cargo test --features http`, in `rebuild-test` beside this test's
//! target directory, and fails when they fail or do not run.

#![cfg(not(feature = "http"))]

use std::path::Path;
use std::process::Command;

#[test]
fn the_http_sink_tests_pass_with_the_http_feature() {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("rebuild-test");
    let output = Command::new(env!("CARGO"))
        .args(["test", "-p", "telemetry-core", "--features", "http"])
        .args(["--test", "runtime_http", "--target-dir"])
        .arg(&target)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("TELEMETRY_MANIFEST")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let passed = stdout
        .lines()
        .find_map(|line| line.strip_prefix("test result: ok. "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<u32>().ok());
    assert!(
        passed.is_some_and(|n| n >= 9),
        "the HTTP sink tests did not run: {stdout}"
    );
}
