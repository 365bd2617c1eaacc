//! Runs the harness in smoke mode: small sizes, no timing claims. It proves that
//! every figure runs and gives correct output (clean `check` runs, a complete
//! `TELEMETRY.md`, `grep` and `check` finding the events in the source tree, the
//! build crates passing `check`), so the harness cannot rot between full runs.

use std::process::Command;

#[test]
fn smoke_run_completes_every_figure() {
    let output = Command::new(env!("CARGO_BIN_EXE_telemetry-bench"))
        .arg("smoke")
        .arg("--linter")
        .arg(env!("CARGO_BIN_EXE_bench-telemetry-lint"))
        .output()
        .expect("the harness runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the smoke run failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(!stdout.contains("FAILED"), "{stdout}");
    for figure in [
        "1 registry: check + doc, 200 events",
        "1 registry: review of all 200 events",
        "1 registry: check with a finding for each of 200 events",
        "3 build: crate alone, 20 events",
        "4 runtime",
    ] {
        assert!(stdout.contains(figure), "no row for `{figure}`:\n{stdout}");
    }
    // Figure 2 needs cargo's registry cache, which any build of this workspace fills.
    assert!(stdout.contains("2 source: check vs grep -rl"), "{stdout}");
}
