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
//! configuration directory (`~/.config` on Linux). Records go, first match wins:
//!
//! - with the `otlp` feature, to the OpenTelemetry Collector named by
//!   `ACME_TELEMETRY_OTLP_ENDPOINT` (such as `http://127.0.0.1:4318/v1/logs`), as
//!   OTLP log records;
//! - to the collector named by `ACME_TELEMETRY_ENDPOINT`, as JSON, through acme's
//!   own HTTP client (feature `own-client`) or the built-in one (feature `http`,
//!   the default);
//! - otherwise to `telemetry-spool.jsonl` in that directory, one record per line,
//!   where anyone can read them.
//!
//! With a collector, the same file keeps what is not delivered when acme exits (acme
//! waits 5 ms at most), and the next run sends it first. An endpoint that is not
//! `https://` (or `http://` on loopback) is refused: acme says so on stderr and
//! keeps the records in the file.

use std::time::Duration;

pub use telemetry_core::runtime::Telemetry;
use telemetry_core::runtime::{DEFAULT_SHUTDOWN, Endpoint, ProjectInfo, TelemetryBuilder};

/// The manifest's `project` section: consent model, context, data dictionary,
/// opt-outs and events, read from `telemetry.yaml` when acme is compiled.
pub const PROJECT: ProjectInfo = telemetry_core::manifest_project!();

/// The command that turns telemetry on.
const ENABLE: &str = "acme telemetry enable";
/// The command that turns telemetry off.
const DISABLE: &str = "acme telemetry disable";

/// How long acme waits at exit for records to leave, at most: 5 ms. What is left
/// then stays in the spool file for the next run.
pub const SHUTDOWN: Duration = DEFAULT_SHUTDOWN;

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
    let builder = match builder.config_path() {
        Some(dir) => builder.spool(dir.join(telemetry_core::runtime::SPOOL_FILE)),
        None => builder,
    };
    with_collector(builder).build()
}

/// The endpoint named by the variable `name`, when it is set; an endpoint that is
/// refused is reported on stderr, and telemetry keeps its records in the spool.
fn endpoint(name: &str) -> Option<Endpoint> {
    let url = std::env::var(name).ok().filter(|url| !url.is_empty())?;
    match Endpoint::new(&url) {
        Ok(endpoint) => Some(endpoint),
        Err(error) => {
            eprintln!("acme: {error}; telemetry records stay on this machine");
            None
        }
    }
}

/// The collector of `ACME_TELEMETRY_OTLP_ENDPOINT` or `ACME_TELEMETRY_ENDPOINT`, if
/// one is set and this build has a sink for it.
fn with_collector(builder: TelemetryBuilder) -> TelemetryBuilder {
    #[cfg(feature = "otlp")]
    if let Some(endpoint) = endpoint("ACME_TELEMETRY_OTLP_ENDPOINT") {
        return builder.otlp(endpoint);
    }
    #[cfg(feature = "own-client")]
    if let Some(endpoint) = endpoint("ACME_TELEMETRY_ENDPOINT") {
        return builder.http_client(
            endpoint,
            client::Ureq::new(),
            telemetry_core::runtime::HttpOptions::default(),
        );
    }
    #[cfg(all(feature = "http", not(feature = "own-client")))]
    if let Some(endpoint) = endpoint("ACME_TELEMETRY_ENDPOINT") {
        return builder.http(endpoint);
    }
    #[cfg(not(any(feature = "http", feature = "own-client")))]
    let _ = endpoint;
    builder
}

/// acme's own HTTP client, shared with telemetry (feature `own-client`): the few
/// lines a program with an HTTP client writes instead of enabling telemetry-core's.
#[cfg(feature = "own-client")]
mod client {
    use std::time::Duration;

    use telemetry_core::runtime::{HttpClient, HttpError};

    /// A ureq agent with short timeouts, no redirects, no `User-Agent`, and statuses
    /// as answers.
    pub struct Ureq(ureq::Agent);

    impl Ureq {
        /// The agent acme would use for its own requests.
        pub fn new() -> Ureq {
            Ureq(
                ureq::Agent::config_builder()
                    .timeout_connect(Some(Duration::from_secs(2)))
                    .timeout_global(Some(Duration::from_secs(5)))
                    .user_agent(ureq::config::AutoHeaderValue::None)
                    .http_status_as_error(false)
                    .max_redirects(0)
                    .build()
                    .into(),
            )
        }
    }

    impl HttpClient for Ureq {
        fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Result<u16, HttpError> {
            let response = self
                .0
                .post(url)
                .header("Content-Type", content_type)
                .send(body)?;
            Ok(response.status().as_u16())
        }
    }
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
