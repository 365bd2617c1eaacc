//! What the runtime tests share: a program declared by `telemetry.yaml` beside this
//! file (project `demo`, opt-out, every context key), its events, and a builder that
//! reads nothing from the real environment or the real home directory.

#![allow(dead_code)]

pub mod server;

use std::io::{self, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use telemetry_core::runtime::{ConsentModel, ProjectInfo, TelemetryBuilder};
use telemetry_core::{DurationBucket, TelemetryValue, telemetry_event};

/// The manifest's project, opt-out.
pub const DEMO: ProjectInfo = telemetry_core::manifest_project!();

/// A notice marker by which the user was told of everything the demo sends: its
/// one level at any category.
pub const SEEN_NOTICE: &str = r#"# demo showed its telemetry notice
{"covers": {"levels": [{"name": "", "category": "highly_sensitive"}], "digest": ""}}
"#;

/// The same project, opt-in.
pub const DEMO_OPT_IN: ProjectInfo = ProjectInfo {
    consent: ConsentModel::OptIn,
    ..DEMO
};

/// The same project, a later version of the program.
pub const DEMO_UPGRADED: ProjectInfo = ProjectInfo {
    program_version: "7.3.0",
    ..DEMO
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, TelemetryValue)]
pub enum Command {
    Build,
    Test,
}

#[telemetry_event]
pub struct CommandFinished {
    pub command: Command,
    pub success: bool,
    pub duration: DurationBucket,
}

#[telemetry_event]
pub struct Ping {
    pub n: u32,
    pub ok: Option<bool>,
}

/// A `CommandFinished` that took `seconds`.
pub fn finished(command: Command, success: bool, seconds: u64) -> CommandFinished {
    CommandFinished {
        command,
        success,
        duration: Duration::from_secs(seconds).into(),
    }
}

/// What a builder wrote to its stderr.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// The text written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }

    /// The lines that are JSON records.
    pub fn records(&self) -> Vec<serde_json::Value> {
        self.text()
            .lines()
            .filter(|line| line.starts_with('{'))
            .map(|line| serde_json::from_str(line).expect("a record is JSON"))
            .collect()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A builder for `project` with the given environment only, its files in `dir`, and
/// its stderr captured.
pub fn builder(
    project: &'static ProjectInfo,
    dir: &Path,
    env: &[(&str, &str)],
) -> (TelemetryBuilder, Captured) {
    let captured = Captured::default();
    let builder = TelemetryBuilder::new(project)
        .env_vars(env.iter().map(|(k, v)| (k.to_string(), v.to_string())))
        .config_dir(dir)
        .enable_command("demo telemetry enable")
        .stderr(captured.clone());
    (builder, captured)
}

/// Checks that `record` is a record of the contract: keys `event`, `fields`,
/// `context` (and `count` in a summary) in that order, `fields` as the event's
/// payload says, and every context key of the manifest, formatted.
pub fn assert_record(text: &str, payload: &serde_json::Value, count: Option<u64>) {
    let record: serde_json::Value = serde_json::from_str(text).expect("JSON");
    let expected_keys = if count.is_some() {
        vec!["event", "fields", "context", "count"]
    } else {
        vec!["event", "fields", "context"]
    };
    let mut at = 0;
    for key in &expected_keys {
        let found = text[at..]
            .find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("`{key}` missing or out of order in {text}"));
        at += found;
    }
    let object = record.as_object().expect("an object");
    assert_eq!(object.len(), expected_keys.len(), "{text}");
    assert_eq!(record["event"], payload["event"], "{text}");
    assert_eq!(record["fields"], payload["fields"], "{text}");
    if let Some(count) = count {
        assert_eq!(record["count"], count, "{text}");
    }
    let context = record["context"].as_object().expect("context");
    let keys: Vec<&str> = context.keys().map(String::as_str).collect();
    let mut sorted = vec!["arch", "hour", "os_family", "program_version", "session_id"];
    sorted.sort_unstable();
    assert_eq!(keys, sorted, "{text}");
    let ordered = ["program_version", "os_family", "arch", "hour", "session_id"];
    let mut at = text.find("\"context\":").expect("context");
    for key in ordered {
        at += text[at..]
            .find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("context key `{key}` out of order in {text}"));
    }
    assert_eq!(context["program_version"], "0.1", "{text}");
    assert_eq!(
        context["os_family"],
        telemetry_core::OsFamily::current().as_str()
    );
    assert_eq!(context["arch"], telemetry_core::Arch::current().as_str());
    let hour = context["hour"].as_str().expect("hour");
    assert_eq!(hour.len(), 20, "{hour}");
    assert!(
        hour.ends_with(":00:00Z") && hour.as_bytes()[10] == b'T',
        "{hour}"
    );
    let session = context["session_id"].as_str().expect("session id");
    assert_eq!(session.len(), 32, "{session}");
    assert!(
        session
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{session}"
    );
}
