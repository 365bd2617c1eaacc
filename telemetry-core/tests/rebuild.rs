//! Cargo rebuilds a crate when its manifest changes, or when `TELEMETRY_MANIFEST`
//! names another one: build a small crate, edit its `telemetry.yaml`, build again,
//! and see the new error.
//!
//! The crate is built in `target/rebuild-test` so later runs reuse its dependencies.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MAIN: &str = r#"
use telemetry_core::{TelemetryEvent, telemetry_event};

#[telemetry_event]
struct Ping {
    ok: bool,
}

fn main() {
    println!("{}", Ping { ok: true }.payload_json());
}
"#;

fn manifest(ok_type: &str) -> String {
    format!(
        "version: 1
project:
  name: rebuild
  contact: telemetry@rebuild.example
  retention_days: 30
  opt_out: {{ env: REBUILD_TELEMETRY=0 }}
events:
  ping:
    description: A ping.
    purpose: Check the rebuild tracking.
    owner: tests
    since: 0.1.0
    expires: 2030-01-01
    fields:
      ok: {{ type: {ok_type}, category: technical, description: Whether it worked. }}
"
    )
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("telemetry-core lives in the workspace")
        .to_path_buf()
}

fn build(dir: &Path, manifest_env: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO"));
    command
        .arg("build")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(workspace_root().join("target").join("rebuild-test"))
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("TELEMETRY_MANIFEST");
    if let Some(path) = manifest_env {
        command.env("TELEMETRY_MANIFEST", path);
    }
    command.output().expect("cargo runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes a file with a new modification time, so cargo's fingerprint sees it.
fn rewrite(path: &Path, text: &str) {
    let before = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    loop {
        std::fs::write(path, text).expect("write");
        let after = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        if after != before {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn editing_the_manifest_rebuilds_the_crate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = workspace_root();
    let core = root.join("telemetry-core");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"rebuild-probe\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ntelemetry-core = {{ path = {:?} }}\n\n[workspace]\n",
            core.display().to_string()
        ),
    )
    .expect("write Cargo.toml");
    // Resolve the same dependency versions as the workspace.
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).expect("copy lock");
    std::fs::create_dir(dir.path().join("src")).expect("src");
    std::fs::write(dir.path().join("src/main.rs"), MAIN).expect("main.rs");
    let yaml = dir.path().join("telemetry.yaml");
    rewrite(&yaml, &manifest("bool"));

    let first = build(dir.path(), None);
    assert!(
        first.status.success(),
        "first build failed:\n{}",
        stderr(&first)
    );

    rewrite(&yaml, &manifest("count"));
    let second = build(dir.path(), None);
    assert!(!second.status.success(), "the edit was not seen");
    let text = stderr(&second);
    assert!(
        text.contains("field `ok` of event `ping` is declared `count` in the manifest"),
        "{text}"
    );
    assert!(text.contains("TL004 field-type-mismatch"), "{text}");

    // Naming another manifest through the environment variable rebuilds too.
    let other = dir.path().join("other.yaml");
    rewrite(&other, &manifest("bool"));
    let third = build(dir.path(), Some(&other));
    assert!(
        third.status.success(),
        "the variable was not seen:\n{}",
        stderr(&third)
    );

    // And fixing the original manifest makes the plain build pass again.
    rewrite(&yaml, &manifest("bool"));
    let fourth = build(dir.path(), None);
    assert!(
        fourth.status.success(),
        "fixed manifest not seen:\n{}",
        stderr(&fourth)
    );
}
