//! The example program, `examples/acme`, against a collector on loopback: with
//! `DO_NOT_TRACK=1` the collector receives nothing; the first run shows the notice
//! and sends nothing; later runs send the records the manifest declares; debug mode
//! prints them instead; `acme telemetry disable` stops them; with a collector that
//! hangs or is down, acme's records wait in its spool file, and the next run sends
//! them (how long acme's exit takes is a figure of `bench/`, not a test); and a
//! plain `http://` collector off loopback is refused.
//!
//! acme is built once, in `rebuild-test` beside this test's target directory, and
//! run with a home directory of its own, so the real one is never touched.

mod runtime_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use runtime_support::server::Server;

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("telemetry-core lives in the workspace")
}

/// Builds acme once; its binary.
fn acme() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .expect("the target directory")
            .join("rebuild-test");
        let output = Command::new(env!("CARGO"))
            .arg("build")
            .arg("--quiet")
            .arg("--manifest-path")
            .arg(workspace_root().join("examples/acme/Cargo.toml"))
            .arg("--target-dir")
            .arg(&target)
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("TELEMETRY_MANIFEST")
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        target
            .join("debug")
            .join(format!("acme{}", std::env::consts::EXE_SUFFIX))
    })
}

/// A user of acme: a home directory, and a project directory in it.
struct User {
    home: tempfile::TempDir,
}

impl User {
    fn new() -> User {
        User {
            home: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A user who already saw the first-run notice, and so was told of both levels.
    fn seasoned() -> User {
        let user = User::new();
        let dir = user.config();
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            dir.join("telemetry-notice"),
            r#"{"covers": {"levels": [{"name": "errors", "category": "interaction"}, {"name": "usage", "category": "interaction"}], "digest": ""}}"#,
        )
        .expect("write");
        user
    }

    fn config(&self) -> PathBuf {
        self.home.path().join(".config").join("acme")
    }

    /// Runs acme in `dir` (relative to the home directory) with only these
    /// variables set, besides `PATH` and the home directory's.
    fn run(&self, dir: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let cwd = self.home.path().join(dir);
        std::fs::create_dir_all(&cwd).expect("mkdir");
        let mut command = Command::new(acme());
        command
            .args(args)
            .current_dir(cwd)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env("ACME_CONFIG_DIR", self.config());
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().expect("acme runs");
        assert!(
            output.status.success(),
            "acme {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Runs acme as [`run`](Self::run) does, but at a terminal: under util-linux
    /// `script`, which gives it a pseudo-terminal; stdout and stderr both come back
    /// as stdout.
    fn run_at_terminal(&self, dir: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut line = acme().display().to_string();
        for arg in args {
            line.push(' ');
            line.push_str(arg);
        }
        let cwd = self.home.path().join(dir);
        std::fs::create_dir_all(&cwd).expect("mkdir");
        let mut command = Command::new("script");
        command
            .args(["-qec", &line, "/dev/null"])
            .current_dir(cwd)
            .stdin(std::process::Stdio::null())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env("ACME_CONFIG_DIR", self.config());
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().expect("script runs acme");
        assert!(
            output.status.success(),
            "acme {args:?} at a terminal: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        output
    }

    /// A project to build, made with telemetry off.
    fn project(&self) {
        self.run(".", &["init", "demo", "--no-git", "--no-telemetry"], &[]);
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The events acme's manifest declares, with the names of their fields.
fn declared() -> Vec<(String, BTreeSet<String>)> {
    let path = workspace_root().join("examples/acme/telemetry.yaml");
    let loaded = telemetry_manifest::load_path(&path).expect("the manifest reads");
    let manifest = loaded.manifest.expect("the manifest parses");
    let (valid, _) = telemetry_manifest::validate(&manifest);
    valid
        .events
        .iter()
        .map(|event| {
            let fields = event
                .all_fields(&valid)
                .iter()
                .map(|field| field.name.value.clone())
                .collect();
            (event.name.value.clone(), fields)
        })
        .collect()
}

/// Checks that `record` is an event the manifest declares, with exactly its fields
/// and the declared context.
fn assert_declared(record: &serde_json::Value) {
    let declared = declared();
    let name = record["event"].as_str().expect("event");
    let (_, fields) = declared
        .iter()
        .find(|(event, _)| event == name)
        .unwrap_or_else(|| panic!("`{name}` is not declared"));
    let sent: BTreeSet<String> = record["fields"]
        .as_object()
        .expect("fields")
        .keys()
        .cloned()
        .collect();
    assert_eq!(&sent, fields, "{record}");
    let context: BTreeSet<&str> = record["context"]
        .as_object()
        .expect("context")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        context,
        BTreeSet::from(["arch", "hour", "os_family", "program_version", "session_id"])
    );
    assert!(record["count"].as_u64().is_some_and(|n| n >= 1), "{record}");
}

#[test]
fn with_do_not_track_the_collector_receives_nothing() {
    let server = Server::ok();
    let user = User::new();
    let env = [
        ("DO_NOT_TRACK", "1"),
        ("ACME_TELEMETRY_ENDPOINT", server.url().leak() as &str),
    ];
    for args in [
        &["init", "demo", "--no-git"][..],
        &["build"],
        &["build", "--release"],
        &["test"],
        &["clean"],
    ] {
        let dir = if args[0] == "init" { "." } else { "demo" };
        let output = user.run(dir, args, &env);
        assert_eq!(stderr(&output), "", "no notice, no output: {args:?}");
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(server.connections(), 0, "DO_NOT_TRACK=1 sends nothing");
    assert!(!user.config().exists(), "and writes nothing");
}

#[test]
fn the_first_run_shows_the_notice_and_later_runs_send_the_declared_records() {
    let server = Server::ok();
    let user = User::new();
    let endpoint = server.url();
    let env = [("ACME_TELEMETRY_ENDPOINT", endpoint.as_str())];

    // Without a terminal, or in CI, no person sees the notice: nothing is shown,
    // stored or sent.
    for (args, env) in [
        (&["init", "demo", "--no-git"][..], &env[..]),
        (
            &["init", "other", "--no-git"][..],
            &[env[0], ("CI", "true")][..],
        ),
    ] {
        let unattended = user.run(".", args, env);
        assert_eq!(stderr(&unattended), "", "{args:?}");
        assert!(!user.config().join("telemetry-notice").exists());
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        server.connections(),
        0,
        "an unattended first run sends nothing"
    );
    std::fs::remove_dir_all(user.home.path().join("demo")).expect("rm");

    let first = user.run_at_terminal(".", &["init", "demo", "--no-git"], &env);
    let notice = stdout(&first).replace("\r\n", "\n");
    assert!(
        notice.starts_with(
            "acme collects anonymous usage data (telemetry) to learn how it is used and where it fails.\nNothing was sent in this run."
        ),
        "{notice}"
    );
    assert!(
        notice.contains("https://acme.example/TELEMETRY.md"),
        "{notice}"
    );
    assert!(
        notice.contains("Opt out with ACME_TELEMETRY=0, --no-telemetry, `acme telemetry disable`, telemetry = false in acme/config.toml or DO_NOT_TRACK=1."),
        "{notice}"
    );
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(server.connections(), 0, "the notice's run sends nothing");

    let second = user.run("demo", &["build"], &env);
    assert_eq!(stderr(&second), "", "the notice is shown once");
    // acme waits 5 ms at most at exit: the batch leaves then, or it waits in the
    // spool file and the next run sends it first.
    if server.wait_for(1, Duration::from_millis(500)).is_empty() {
        user.run("demo", &["clean"], &env);
    }
    let requests = server.wait_for(1, Duration::from_secs(2));
    // The build's records come first (a later run's own may follow).
    let records = &requests[0].records()[..3];
    let events: Vec<&str> = records
        .iter()
        .map(|r| r["event"].as_str().expect("event"))
        .collect();
    assert_eq!(
        events,
        ["build_finished", "command_finished", "command_started"]
    );
    for record in records {
        assert_declared(record);
    }
    assert_eq!(records[2]["fields"]["command"], "build");
    assert_eq!(records[0]["fields"]["profile"], "debug");
}

#[test]
fn debug_mode_prints_the_records_and_sends_nothing() {
    let server = Server::ok();
    let user = User::seasoned();
    user.project();
    let endpoint = server.url();
    for flag in [("ACME_TELEMETRY_DEBUG", "1"), ("ACME_TELEMETRY_DEBUG", "0")] {
        let mut args = vec!["build", "--release"];
        if flag.1 == "0" {
            args.push("--print-telemetry");
        }
        let output = user.run(
            "demo",
            &args,
            &[flag, ("ACME_TELEMETRY_ENDPOINT", endpoint.as_str())],
        );
        let text = stderr(&output);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        for line in lines {
            let record: serde_json::Value = serde_json::from_str(line).expect("a JSON record");
            assert_declared(&record);
        }
        assert!(text.starts_with(r#"{"event":"build_finished","fields":{"duration":"<1s","output_size":"<1MiB","profile":"release","targets":1},"context":{"program_version":"0.1","#), "{text}");
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(server.connections(), 0);
}

#[test]
fn status_disable_and_enable() {
    let server = Server::ok();
    let user = User::seasoned();
    user.project();
    let endpoint = server.url();
    let env = [("ACME_TELEMETRY_ENDPOINT", endpoint.as_str())];
    let enabled = "Telemetry: enabled (level usage of errors, usage; via default; disable with `acme telemetry disable` or ACME_TELEMETRY=0)";

    let version = stdout(&user.run(".", &["--version"], &env));
    assert_eq!(version, format!("acme 0.1.0\n{enabled}\n"));
    let help = stdout(&user.run(".", &["--help"], &env));
    assert!(help.ends_with(&format!("\n\n{enabled}\n")), "{help}");
    let status = stdout(&user.run(".", &["telemetry", "status"], &env));
    assert!(
        status.starts_with(&format!("{enabled}\nSettings: ")),
        "{status}"
    );

    let disabled = stdout(&user.run(".", &["telemetry", "disable"], &env));
    assert_eq!(
        disabled,
        "Telemetry: disabled (via `acme telemetry disable`; enable with `acme telemetry enable`)\n"
    );
    let run = user.run("demo", &["build"], &env);
    assert_eq!(stderr(&run), "", "disabled: no notice either");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(server.connections(), 0);

    let enabled = stdout(&user.run(".", &["telemetry", "enable", "--level", "errors"], &env));
    assert_eq!(
        enabled,
        "Telemetry: enabled (level errors of errors, usage; via `acme telemetry enable`; disable with `acme telemetry disable` or ACME_TELEMETRY=0)\n"
    );
    let enabled = stdout(&user.run(".", &["telemetry", "enable"], &env));
    assert_eq!(
        enabled,
        "Telemetry: enabled (level usage of errors, usage; via `acme telemetry enable`; disable with `acme telemetry disable` or ACME_TELEMETRY=0)\n"
    );
    // The config file outranks the saved choice; the variable outranks both.
    std::fs::write(user.config().join("config.toml"), "telemetry = false\n").expect("write");
    let status = stdout(&user.run(".", &["--version"], &[]));
    assert!(
        status.ends_with("Telemetry: disabled (via `telemetry` in acme/config.toml)\n"),
        "{status}"
    );
    std::fs::write(
        user.config().join("config.toml"),
        "telemetry = \"errors\"\n",
    )
    .expect("write");
    let status = stdout(&user.run(".", &["--version"], &[("ACME_TELEMETRY", "usage")]));
    assert!(
        status.ends_with("Telemetry: enabled (level usage of errors, usage; via ACME_TELEMETRY=1; disable with `acme telemetry disable` or ACME_TELEMETRY=0)\n"),
        "{status}"
    );
    std::fs::remove_file(user.config().join("config.toml")).expect("rm");
    user.run("demo", &["build"], &env);
    assert_eq!(server.wait_for(1, Duration::from_secs(2)).len(), 1);
    // The variable outranks the saved choice.
    let status = stdout(&user.run(".", &["--version"], &[("ACME_TELEMETRY", "0")]));
    assert!(
        status.ends_with("Telemetry: disabled (via ACME_TELEMETRY=0)\n"),
        "{status}"
    );
}

#[test]
fn with_a_collector_that_hangs_or_is_down_the_records_wait_for_the_next_run() {
    let hanging = Server::hanging();
    let user = User::seasoned();
    user.project();
    let spool = user.config().join("telemetry-spool.jsonl");
    let hanging_url = hanging.url();
    let down_url = Server::down_url();
    let mut waiting = 0;
    for endpoint in [hanging_url.as_str(), down_url.as_str()] {
        user.run("demo", &["build"], &[("ACME_TELEMETRY_ENDPOINT", endpoint)]);
        let lines = std::fs::read_to_string(&spool).expect("a spool file");
        waiting += 3;
        assert_eq!(lines.lines().count(), waiting, "{endpoint}: {lines}");
    }
    let server = Server::ok();
    let endpoint = server.url();
    user.run(
        "demo",
        &["clean"],
        &[("ACME_TELEMETRY_ENDPOINT", endpoint.as_str())],
    );
    let requests = server.wait_for(1, Duration::from_secs(2));
    let events: Vec<String> = requests[0]
        .records()
        .iter()
        .map(|r| r["event"].as_str().expect("event").to_owned())
        .collect();
    assert_eq!(
        events[..6],
        ["build_finished", "command_finished", "command_started"].repeat(2),
        "both runs' records, sent first by the next run"
    );
}

#[test]
fn a_plain_http_collector_off_loopback_is_refused() {
    let user = User::seasoned();
    user.project();
    let run = user.run(
        "demo",
        &["build"],
        &[(
            "ACME_TELEMETRY_ENDPOINT",
            "http://telemetry.acme.example/v1/records",
        )],
    );
    assert_eq!(
        stderr(&run),
        "acme: telemetry endpoint \"http://telemetry.acme.example/v1/records\" uses plain http:// to telemetry.acme.example, which is not on loopback, so records would cross the network unencrypted; use https://; telemetry records stay on this machine\n"
    );
    let spool =
        std::fs::read_to_string(user.config().join("telemetry-spool.jsonl")).expect("a spool file");
    assert_eq!(spool.lines().count(), 3);
}
