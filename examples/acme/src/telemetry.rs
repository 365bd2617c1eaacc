//! acme's telemetry, on the telemetry-core runtime.
//!
//! Whether it is on, and at which level (`errors`, or `usage` which includes
//! `errors`), is decided, first match wins, by `--no-telemetry`,
//! `ACME_TELEMETRY=0|1|errors|usage`, `DO_NOT_TRACK=1`, `telemetry = false|true|"errors"`
//! in `acme/config.toml` under the configuration directory, the choice saved by
//! `acme telemetry enable [--level errors]|disable`, then the manifest's default
//! (`opt-out`: on, after a first-run notice that a CI run or a run without a
//! terminal never counts as seen). `ACME_TELEMETRY_DEBUG=1` (or `--print-telemetry`)
//! prints every record to stderr instead of sending it.
//!
//! acme keeps the saved choice and the notice marker in its configuration directory:
//! `ACME_CONFIG_DIR` when set, else the user's (`~/.config/acme` on Linux); it reads
//! `acme/config.toml` under `ACME_CONFIG_HOME` when set, else under the platform's
//! configuration directory (`~/.config` on Linux). Records
//! go to the collector named by `ACME_TELEMETRY_ENDPOINT` when it is set, and
//! otherwise to `telemetry-spool.jsonl` in that directory, one record per line, where
//! anyone can read them.

use std::time::Duration;

pub use telemetry_core::runtime::Telemetry;
use telemetry_core::runtime::{ProjectInfo, TelemetryBuilder};

/// The manifest's `project` section: consent model, context, data dictionary,
/// opt-outs and events, read from `telemetry.yaml` when acme is compiled.
pub const PROJECT: ProjectInfo = telemetry_core::manifest_project!();

/// The command that turns telemetry on.
const ENABLE: &str = "acme telemetry enable";
/// The command that turns telemetry off.
const DISABLE: &str = "acme telemetry disable";

/// How long acme waits at exit for records to leave, at most.
pub const SHUTDOWN: Duration = Duration::from_millis(250);

/// The telemetry settings of this run: `no_telemetry` for `--no-telemetry`, `print`
/// for `--print-telemetry`.
pub fn builder(no_telemetry: bool, print: bool) -> TelemetryBuilder {
    let builder = TelemetryBuilder::new(&PROJECT)
        .cli_flag(no_telemetry.then_some(false))
        .debug(print)
        .enable_command(ENABLE)
        .disable_command(DISABLE);
    let builder = match std::env::var_os("ACME_CONFIG_HOME") {
        Some(dir) if !dir.is_empty() => builder.config_home(dir),
        _ => builder,
    };
    match std::env::var_os("ACME_CONFIG_DIR") {
        Some(dir) if !dir.is_empty() => builder.config_dir(dir),
        _ => builder,
    }
}

/// Starts telemetry for a command: shows the first-run notice when due, and sends to
/// the collector or the spool file.
pub fn start(no_telemetry: bool, print: bool) -> Telemetry {
    let builder = builder(no_telemetry, print);
    let builder = match std::env::var("ACME_TELEMETRY_ENDPOINT") {
        Ok(endpoint) if !endpoint.is_empty() => builder.http(endpoint),
        _ => match builder.config_path() {
            Some(dir) => builder.spool(dir.join("telemetry-spool.jsonl")),
            None => builder,
        },
    };
    builder.build()
}

/// `acme telemetry enable [--level LEVEL]|disable|status`: prints the status line,
/// after saving the choice for `enable` and `disable`.
///
/// # Errors
/// When the choice cannot be saved, or `level` is not one of the manifest's.
pub fn command(action: &str, level: Option<&str>, no_telemetry: bool) -> Result<(), String> {
    let builder = builder(no_telemetry, false);
    let saved = match (action, level) {
        ("enable", Some(level)) => builder.enable_level(level),
        ("enable", None) => builder.enable(),
        ("disable", _) => builder.disable(),
        _ => {
            println!("{}", builder.status_line());
            if let Some(dir) = builder.config_path() {
                println!("Settings: {}", dir.display());
            }
            if let Some(place) = PROJECT.data_dictionary {
                println!("What is sent: {place}");
            }
            return Ok(());
        }
    };
    saved.map_err(|error| {
        let place = builder.config_path().map_or_else(
            || "no configuration directory".to_owned(),
            |d| d.display().to_string(),
        );
        format!("cannot save the telemetry choice in {place}: {error}")
    })?;
    println!("{}", builder.status_line());
    Ok(())
}
