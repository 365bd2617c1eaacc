//! Helpers shared by the integration tests: where the repository and its fixtures
//! are, running the built `cargo-telemetry-lint` and capturing what it prints,
//! copying a fixture workspace, and finding a registry crate's source through
//! `cargo metadata`.
//!
//! Each test binary compiles this module on its own and uses only some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The built binary under test.
pub const BINARY: &str = env!("CARGO_BIN_EXE_cargo-telemetry-lint");

/// The variables the binary reads that a test must not inherit from whoever runs
/// it: the date it takes for today, and the hidden test hooks.
const HIDDEN_VARIABLES: [&str; 4] = [
    "TELEMETRY_LINT_TODAY",
    "TELEMETRY_LINT_WALK_SEED",
    "TELEMETRY_LINT_FAIL_WRITE_AFTER",
    "TELEMETRY_LINT_WRITE_PAUSE_MS",
];

/// The repository root: the workspace that holds `telemetry-lint/`, `fixtures/`
/// and `examples/`.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The fixture directory, `fixtures/`.
pub fn fixtures() -> PathBuf {
    root().join("fixtures")
}

/// The fixture `fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

/// Gives `command` the environment every run has: colour off (`NO_COLOR=1`) and
/// none of [`HIDDEN_VARIABLES`]. Set a test's own variables after this.
pub fn plain_environment(command: &mut Command) -> &mut Command {
    command.env("NO_COLOR", "1");
    for name in HIDDEN_VARIABLES {
        command.env_remove(name);
    }
    command
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The exit code, stdout and stderr, as the snapshots hold them.
    pub fn transcript(&self) -> String {
        format!(
            "exit code: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// Stdout read as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.transcript()))
    }
}

/// Runs the binary with `args` in `dir` (or the test's working directory), with the
/// [`plain_environment`] and then `env`, and waits for it.
pub fn run_with(dir: Option<&Path>, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(BINARY);
    plain_environment(&mut command)
        .args(args)
        .envs(env.iter().copied());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let output = command.output().expect("the binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs the binary with `args` in the test's working directory.
pub fn run(args: &[&str]) -> Run {
    run_with(None, args, &[])
}

/// Runs the binary with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_with(Some(dir), args, &[])
}

/// Copies the tree at `from` into `to` (made if missing), leaving out any `target/`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("mkdir {}: {e}", to.display()));
    let entries =
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.expect("a directory entry");
        if entry.file_name() == "target" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// A temporary copy of the fixture `fixtures/<name>` (without its `target/`).
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture(name), dir.path());
    dir
}

/// The source directory of the registry crate `name` `version`, a dependency of the
/// fixture workspace at `fixture_manifest` (its `Cargo.toml`, with a committed
/// `Cargo.lock`): `cargo metadata` downloads it into cargo's registry, builds
/// nothing, and says where it is.
pub fn registry_crate_dir(fixture_manifest: &Path, name: &str, version: &str) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--manifest-path",
        ])
        .arg(fixture_manifest)
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let package = metadata["packages"]
        .as_array()
        .expect("a package list")
        .iter()
        .find(|p| p["name"] == name && p["version"] == version)
        .unwrap_or_else(|| panic!("{name} {version} is not in the fixture's dependency graph"));
    let manifest = Path::new(package["manifest_path"].as_str().expect("a manifest path"));
    manifest
        .parent()
        .expect("the manifest's directory")
        .to_path_buf()
}

/// Whether `git` can be run here; the tests that need it are skipped otherwise.
pub fn git_available() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `git` in `dir` with a fixed identity and no system or user configuration,
/// and fails the test when it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
        ])
        .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
