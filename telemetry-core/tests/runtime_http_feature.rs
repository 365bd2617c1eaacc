//! The network sinks' tests (`runtime_http.rs`, `runtime_otlp.rs`) need the `http`
//! and `otlp` features, which a plain `cargo test --workspace` does not enable.
//! Built without them, this test runs both files in one nested
//! `cargo test --features http,otlp`, in `rebuild-test` beside this test's target
//! directory, and fails when they fail or do not run.

#![cfg(not(all(feature = "http", feature = "otlp")))]

use std::path::Path;
use std::process::Command;

#[test]
fn the_network_sink_tests_pass_with_the_http_and_otlp_features() {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("rebuild-test");
    let output = Command::new(env!("CARGO"))
        .args(["test", "-p", "telemetry-core", "--features", "http,otlp"])
        .args([
            "--test",
            "runtime_http",
            "--test",
            "runtime_otlp",
            "--target-dir",
        ])
        .arg(&target)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("TELEMETRY_MANIFEST")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let passed: Vec<u32> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split(' ').next())
        .filter_map(|n| n.parse::<u32>().ok())
        .collect();
    assert!(
        passed.len() == 2 && passed[0] >= 9 && passed[1] >= 2,
        "the network sink tests did not run: {stdout}"
    );
}
