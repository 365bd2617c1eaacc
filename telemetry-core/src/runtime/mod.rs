//! The runtime: whether telemetry is on, the first-run notice, the status line,
//! debug mode, and delivery of records to sinks.
//!
//! A program builds one [`Telemetry`] at start with a [`TelemetryBuilder`], given the
//! [`ProjectInfo`] that `manifest_project!()` reads from the manifest, and calls
//! [`Telemetry::record`] for each event. Everything the user sees and everything
//! that is sent is decided by the manifest and the user's choice:
//!
//! - **Consent** ([`Consent`]), first match wins: the program's command-line flag,
//!   `<NAME>_TELEMETRY=0|1|false|true|off|on|<level>`, `DO_NOT_TRACK`, the
//!   program's own config file (`project.config_file`), the choice persisted by
//!   [`TelemetryBuilder::enable`] / [`TelemetryBuilder::enable_level`] /
//!   [`TelemetryBuilder::disable`] in the user's configuration directory, then the
//!   manifest's consent model. When telemetry is off, [`Telemetry::record`] returns
//!   at once and nothing is written or sent. An event above the chosen level
//!   (`project.levels`), past its `expires` date, or of a level that sends more than
//!   the stored choice covered is dropped before it is counted.
//! - **Unattended runs**: under the manifest's strict automation policy, a run with
//!   a CI service's variables set ([`CI_VARIABLES`]) or stderr not a terminal never
//!   shows the notice nor counts it as seen, and sends nothing it would announce.
//! - **First-run notice**: the first time telemetry would be on by default (the
//!   `opt-out` model), the program prints to stderr what is collected, where the
//!   data dictionary is and how to opt out, stores that it did, and records nothing
//!   in that run.
//! - **Debug mode** (`<NAME>_TELEMETRY_DEBUG=1`): every record is printed to stderr,
//!   one per line, exactly as it would be sent, and nothing is sent; problems (an
//!   unreadable consent file, a full table) are printed too.
//! - **Records**: `{"event":..,"fields":{..},"context":{..}}`, plus `"count"` in a
//!   summary; see `docs/runtime.md`.
//! - **Delivery** ([`Delivery`]): by default, events are counted locally and sent
//!   as one summary per distinct event and hour, when the hour ends, on
//!   [`Telemetry::flush`] and at shutdown; or each event as it happens. Sinks: a
//!   JSON Lines spool file ([`TelemetryBuilder::spool`]), or a collector over the
//!   network: our JSON or OTLP (feature `otlp`), through the program's own
//!   [`HttpClient`] or the built-in one (feature `http`), to an [`Endpoint`] that
//!   is `https://` or on loopback. A network sink sends from a background thread;
//!   at exit it waits at most the shutdown timeout ([`DEFAULT_SHUTDOWN`], 5 ms)
//!   and keeps what is not delivered in the spool file, which the next run sends
//!   first. Delivery never panics and never grows memory or the spool without
//!   bound; failures are silent and counted in [`Stats`].
//!
//! ```no_run
//! use std::time::Duration;
//! use telemetry_core::runtime::{ProjectInfo, Telemetry, TelemetryBuilder};
//!
//! # const PROJECT: ProjectInfo = ProjectInfo { name: "acme", env_var: "ACME_TELEMETRY",
//! #     debug_env_var: "ACME_TELEMETRY_DEBUG", program_version: "1.4.2",
//! #     consent: telemetry_core::runtime::ConsentModel::OptOut, context: &[],
//! #     data_dictionary: None, contact: None, opt_out: &[], events: &[], levels: &[],
//! #     config_file: None, automation: telemetry_core::runtime::Automation::Strict,
//! #     digest: "" };
//! // const PROJECT: ProjectInfo = telemetry_core::manifest_project!();
//! let builder = TelemetryBuilder::new(&PROJECT)
//!     .cli_flag(None) // Some(false) for --no-telemetry
//!     .enable_command("acme telemetry enable");
//! println!("{}", builder.status_line()); // Telemetry: enabled (via default; ...)
//! let telemetry: Telemetry = builder.spool("/tmp/acme-telemetry.jsonl").build();
//! // telemetry.record(&CommandFinished { .. });
//! telemetry.shutdown(Duration::from_millis(5));
//! ```

mod aggregate;
mod config_file;
mod consent;
mod context;
mod notice;
pub mod privacy;
mod project;
mod record;
mod sink;
mod store;

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::{FieldMeta, PayloadValue, TelemetryEvent, Version};

pub use consent::{CI_VARIABLES, Consent, ConsentSource, HeldLevel, parse_switch};
pub use context::utc_hour;
pub use project::{
    Automation, ConfigFile, ConfigFormat, ConsentModel, ContextField, EventInfo, ExpiryDate,
    LevelInfo, OptOut, OptOutKind, ProjectInfo,
};
pub use sink::client::{HttpClient, HttpError};
pub use sink::endpoint::{Endpoint, EndpointError};
pub use sink::network::HttpOptions;
pub use sink::spool::SPOOL_FILE;

use aggregate::{Aggregator, Key, Values};
use consent::{Env, Gate, Inputs};
use context::{ContextValues, Session};
use privacy::Privacy;
use sink::debug::DebugSink;
use sink::network::{Format, NetworkSink};
use sink::spool::{Spool, SpoolSink};
use sink::{Counters, Output, Sink, write_out};
use store::{Coverage, Store};

/// How long [`Telemetry`]'s `Drop` waits for a network sink to deliver at most:
/// 5 ms. What is not delivered by then goes to the spool file, for the next run;
/// the program's exit costs this wait plus one append to the spool at most,
/// whatever the collector does (`bench/` measures it against the example program).
pub const DEFAULT_SHUTDOWN: Duration = Duration::from_millis(5);

/// The spool file's default size limit: 1 MiB; records beyond it are dropped.
pub const DEFAULT_SPOOL_MAX_BYTES: u64 = 1 << 20;

/// The default number of distinct (event, field values, hour) keys the local
/// aggregator counts before it drops new ones: 4,096.
pub const DEFAULT_AGGREGATE_CAPACITY: usize = 4_096;

/// The file names the runtime writes in the user's configuration directory: the
/// persisted choice and the first-run notice marker. A program with noised fields
/// also keeps their answers there, in [`privacy::NOISE_FILE`].
pub const FILES: [&str; 2] = [store::CONSENT_FILE, store::NOTICE_FILE];

/// How events become records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// Count events locally and send one summary record (with `"count"`) per
    /// distinct event and field values per hour: when the hour ends, on
    /// [`Telemetry::flush`] and at shutdown. Recording a repeated event allocates
    /// nothing.
    #[default]
    Summaries,
    /// Send one record per event as it is recorded.
    EachEvent,
}

/// What happened to the records of one [`Telemetry`], since it was built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Events passed to [`Telemetry::record`] while telemetry was recording.
    pub recorded: u64,
    /// Records a sink accepted: printed in debug mode, appended to the spool, or
    /// answered with a 2xx status by the collector.
    pub delivered: u64,
    /// Records given up on: write errors, batches the collector rejected (a 4xx
    /// that is not retried), or records left at shutdown with no spool file to
    /// keep them.
    pub failed: u64,
    /// Events or records dropped because a bound was reached: the aggregator's
    /// table, the network queue, or the spool's size limit.
    pub dropped: u64,
    /// Records a network sink had not delivered at shutdown and appended to the
    /// spool file, for a later run to send.
    pub spooled: u64,
    /// Records waiting in the network sink's queue now, those taken from the spool
    /// file included.
    pub queued: usize,
    /// Distinct keys counted by the aggregator and not yet sent.
    pub pending: usize,
}

/// Consent as the builder resolves it, without side effects: for `status` commands
/// and tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// Whether telemetry is on, and which source decided.
    pub consent: Consent,
    /// Whether debug mode is on (`<NAME>_TELEMETRY_DEBUG`).
    pub debug: bool,
    /// Whether the next [`TelemetryBuilder::build`] shows the notice: the first-run
    /// notice (that run records nothing, unless in debug mode), or the notice again
    /// because this version sends more than the stored choice covered.
    pub notice_due: bool,
    /// Whether the notice has never been shown (under the default consent).
    pub first_run: bool,
    /// Why this run counts as unattended (a CI service's variable, or stderr not a
    /// terminal), when it does.
    pub automated: Option<String>,
    /// Whether the notice is due but withheld: an unattended run under the strict
    /// automation policy shows nothing, stores nothing and sends nothing the user
    /// was not told of.
    pub notice_withheld: bool,
    /// The levels held back until the notice is shown again, with the reason.
    pub held_levels: Vec<HeldLevel>,
    /// Problems met on the way, each a sentence without trailing period: values that
    /// decided nothing, unreadable files. Printed in debug mode.
    pub problems: Vec<String>,
}

/// A network sink as the builder was told: where, in which format, through which
/// client (`None`: the built-in one).
struct Network {
    endpoint: Endpoint,
    format: Format,
    client: Option<Box<dyn HttpClient>>,
    options: HttpOptions,
}

impl Network {
    #[cfg(feature = "http")]
    fn builtin(endpoint: Endpoint, format: Format, options: HttpOptions) -> Network {
        Network {
            endpoint,
            format,
            client: None,
            options,
        }
    }
}

/// Settings of one program's telemetry; [`build`](Self::build) resolves consent,
/// shows the first-run notice when due, and starts the sinks.
///
/// Nothing is read or written before a method that says so is called, and a test or
/// benchmark can replace every outside input: [`env_vars`](Self::env_vars) for the
/// environment, [`config_dir`](Self::config_dir) for the configuration directory,
/// [`stderr`](Self::stderr) for the output.
pub struct TelemetryBuilder {
    project: &'static ProjectInfo,
    cli_flag: Option<bool>,
    debug_flag: bool,
    env: Env,
    config_dir: Option<PathBuf>,
    out: Option<Output>,
    delivery: Delivery,
    spool: Option<PathBuf>,
    spool_max_bytes: u64,
    network: Option<Network>,
    enable_command: Option<String>,
    disable_command: Option<String>,
    aggregate_capacity: usize,
    privacy_seed: Option<u64>,
    config_home: Option<PathBuf>,
    terminal: Option<bool>,
}

impl TelemetryBuilder {
    /// Settings for the program the manifest describes, with the defaults: the
    /// process environment, the user's configuration directory for
    /// `project.name`, stderr, [`Delivery::Summaries`], and no sink (records are
    /// counted and then discarded until one is set).
    pub fn new(project: &'static ProjectInfo) -> Self {
        TelemetryBuilder {
            project,
            cli_flag: None,
            debug_flag: false,
            env: Env::Process,
            config_dir: None,
            out: None,
            delivery: Delivery::default(),
            spool: None,
            spool_max_bytes: DEFAULT_SPOOL_MAX_BYTES,
            network: None,
            enable_command: None,
            disable_command: None,
            aggregate_capacity: DEFAULT_AGGREGATE_CAPACITY,
            privacy_seed: None,
            config_home: None,
            terminal: None,
        }
    }

    /// The choice the program's command line made: `Some(false)` for a flag such as
    /// `--no-telemetry`, `Some(true)` for one that turns telemetry on, `None` when
    /// the command line says nothing. It outranks every other source.
    pub fn cli_flag(mut self, choice: Option<bool>) -> Self {
        self.cli_flag = choice;
        self
    }

    /// Turns debug mode on whatever `<NAME>_TELEMETRY_DEBUG` says, for a flag such as
    /// `--print-telemetry`; `false` leaves it to the variable.
    pub fn debug(mut self, on: bool) -> Self {
        self.debug_flag = on;
        self
    }

    /// Reads environment variables from `vars` instead of the process: variables not
    /// listed count as unset. For tests and benchmarks.
    pub fn env_vars<I, K, V>(mut self, vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.env = Env::Fixed(
            vars.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect::<HashMap<_, _>>(),
        );
        self
    }

    /// Keeps the persisted choice and the notice marker in `dir` instead of the
    /// user's configuration directory. For tests, which must not touch the real one.
    pub fn config_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config_dir = Some(dir.into());
        self
    }

    /// Writes the notice and debug output to `out` instead of stderr.
    pub fn stderr(mut self, out: impl Write + Send + 'static) -> Self {
        self.out = Some(Arc::new(Mutex::new(Box::new(out))));
        self
    }

    /// How events become records; [`Delivery::Summaries`] by default.
    pub fn delivery(mut self, delivery: Delivery) -> Self {
        self.delivery = delivery;
        self
    }

    /// The spool file: a JSON Lines file at `path`, created with its directory
    /// when missing, and kept under [`DEFAULT_SPOOL_MAX_BYTES`] (see
    /// [`spool_max_bytes`](Self::spool_max_bytes)).
    ///
    /// Without a network sink, records are appended to it, for a collector to pick
    /// up. With one, it keeps the records not delivered by shutdown, and the next
    /// run sends them first; a network sink without this setting uses
    /// `telemetry-spool.jsonl` in the configuration directory.
    pub fn spool(mut self, path: impl Into<PathBuf>) -> Self {
        self.spool = Some(path.into());
        self
    }

    /// The spool file's size limit, in bytes: records that would cross it are
    /// dropped and counted.
    pub fn spool_max_bytes(mut self, bytes: u64) -> Self {
        self.spool_max_bytes = bytes;
        self
    }

    /// POSTs records to `endpoint` as JSON arrays, with the built-in client (ureq
    /// with rustls) and the default [`HttpOptions`]. Build the [`Endpoint`] with
    /// [`Endpoint::new`], which refuses plain `http://` off loopback.
    #[cfg(feature = "http")]
    pub fn http(self, endpoint: Endpoint) -> Self {
        self.http_with(endpoint, HttpOptions::default())
    }

    /// As [`http`](Self::http), with explicit options.
    #[cfg(feature = "http")]
    pub fn http_with(mut self, endpoint: Endpoint, options: HttpOptions) -> Self {
        self.network = Some(Network::builtin(endpoint, Format::Json, options));
        self
    }

    /// POSTs records to `endpoint` as JSON arrays, through the program's own HTTP
    /// client (see [`HttpClient`]), so telemetry adds no HTTP or TLS stack of its
    /// own. The timeouts of `options` are left to the client.
    pub fn http_client(
        mut self,
        endpoint: Endpoint,
        client: impl HttpClient,
        options: HttpOptions,
    ) -> Self {
        self.network = Some(Network {
            endpoint,
            format: Format::Json,
            client: Some(Box::new(client)),
            options,
        });
        self
    }

    /// Sends records to an OpenTelemetry Collector, OTLP over HTTP in protobuf
    /// (`endpoint` is the full URL, such as `https://collector.example:4318/v1/logs`),
    /// as log records, with the built-in client and the default [`HttpOptions`]; the
    /// same queue, batches, retries, spool and no wait at exit as [`http`](Self::http).
    /// `docs/runtime.md` gives the mapping and a Collector configuration.
    #[cfg(all(feature = "otlp", feature = "http"))]
    pub fn otlp(self, endpoint: Endpoint) -> Self {
        self.otlp_with(endpoint, HttpOptions::default())
    }

    /// As [`otlp`](Self::otlp), with explicit options.
    #[cfg(all(feature = "otlp", feature = "http"))]
    pub fn otlp_with(mut self, endpoint: Endpoint, options: HttpOptions) -> Self {
        let format = Format::Otlp {
            service: self.project.name,
        };
        self.network = Some(Network::builtin(endpoint, format, options));
        self
    }

    /// As [`otlp`](Self::otlp), through the program's own HTTP client (see
    /// [`HttpClient`]).
    #[cfg(feature = "otlp")]
    pub fn otlp_client(
        mut self,
        endpoint: Endpoint,
        client: impl HttpClient,
        options: HttpOptions,
    ) -> Self {
        self.network = Some(Network {
            endpoint,
            format: Format::Otlp {
                service: self.project.name,
            },
            client: Some(Box::new(client)),
            options,
        });
        self
    }

    /// The command that turns telemetry on, such as `acme telemetry enable`, named
    /// by the status line when telemetry is off by default or by the saved choice.
    pub fn enable_command(mut self, command: impl Into<String>) -> Self {
        self.enable_command = Some(command.into());
        self
    }

    /// The command that turns telemetry off, such as `acme telemetry disable`, named
    /// in the persisted choice's comment; the manifest's `opt_out.command` when not
    /// set.
    pub fn disable_command(mut self, command: impl Into<String>) -> Self {
        self.disable_command = Some(command.into());
        self
    }

    /// Reads the manifest's `project.config_file` relative to `dir` instead of the
    /// platform's configuration directory. For tests.
    pub fn config_home(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config_home = Some(dir.into());
        self
    }

    /// Whether a person may read stderr: `true` for a terminal. By default, whether
    /// stderr is a terminal (`std::io::IsTerminal`); with [`env_vars`](Self::env_vars)
    /// or [`stderr`](Self::stderr) set, `true`, so a test states an unattended run
    /// explicitly. An unattended first run is subject to the automation policy.
    pub fn terminal(mut self, is_terminal: bool) -> Self {
        self.terminal = Some(is_terminal);
        self
    }

    /// The most distinct (event, field values, hour) keys the local aggregator
    /// counts at once; events of further keys are dropped and counted.
    pub fn aggregate_capacity(mut self, keys: usize) -> Self {
        self.aggregate_capacity = keys;
        self
    }

    /// Draws the noise of noised fields and the sampling decisions from a seeded
    /// generator instead of the operating system's CSPRNG. For tests only: seeded
    /// noise is predictable and protects nothing.
    #[doc(hidden)]
    pub fn privacy_seed(mut self, seed: u64) -> Self {
        self.privacy_seed = Some(seed);
        self
    }

    /// The directory holding the persisted choice and the notice marker (see
    /// [`FILES`]), if the user has one.
    pub fn config_path(&self) -> Option<PathBuf> {
        self.store().dir().map(Path::to_path_buf)
    }

    fn store(&self) -> Store {
        Store::new(
            self.config_dir
                .clone()
                .or_else(|| Store::default_dir(self.project.name)),
        )
    }

    fn output(&self) -> Output {
        self.out
            .clone()
            .unwrap_or_else(|| Arc::new(Mutex::new(Box::new(io::stderr()))))
    }

    /// Resolves consent, debug mode and whether the notice is due, reading the
    /// environment, the program's config file and the configuration directory but
    /// writing nothing.
    pub fn resolve(&self) -> Resolution {
        let store = self.store();
        let mut problems = Vec::new();
        let config_base = self.config_home.clone().or_else(config_file::default_base);
        let (consent, persisted) = consent::resolve(
            &Inputs {
                project: self.project,
                flag: self.cli_flag,
                env: &self.env,
                store: &store,
                config_base: config_base.as_deref(),
            },
            &mut problems,
        );
        let debug = self.debug_flag
            || match self.env.get(self.project.debug_env_var) {
                None => false,
                Some(value) => match parse_switch(&value) {
                    Some(on) => on,
                    None if value.trim().is_empty() => false,
                    None => {
                        problems.push(format!(
                            "{}={value:?} is not understood; use 0, 1, false, true, off or on",
                            self.project.debug_env_var
                        ));
                        false
                    }
                },
            };
        let notice = if consent.enabled {
            store.notice_state().unwrap_or_else(|problem| {
                problems.push(problem);
                None
            })
        } else {
            None
        };
        let terminal = self.terminal.unwrap_or_else(|| {
            matches!(self.env, Env::Fixed(_)) || self.out.is_some() || {
                use std::io::IsTerminal;
                io::stderr().is_terminal()
            }
        });
        let plan = consent::plan(
            self.project,
            &consent,
            persisted.as_ref(),
            &notice,
            consent::automated(&self.env, terminal),
        );
        Resolution {
            consent,
            debug,
            notice_due: plan.notice_due && !plan.withheld,
            first_run: plan.first_run,
            automated: plan.automated,
            notice_withheld: plan.withheld,
            held_levels: plan.held,
            problems,
        }
    }

    /// Whether telemetry is on, and which source decided; see [`resolve`](Self::resolve).
    pub fn consent(&self) -> Consent {
        self.resolve().consent
    }

    /// The status line for `--version`, `--help` and a `status` command, such as
    /// `Telemetry: enabled (via default; disable with `acme telemetry disable` or ACME_TELEMETRY=0)`.
    pub fn status_line(&self) -> String {
        consent::status_line(
            self.project,
            &self.resolve(),
            self.enable_command.as_deref(),
        )
    }

    /// The first-run notice's text: what is collected, where the data dictionary
    /// is, and how to opt out; several lines, ending in a newline.
    pub fn notice_text(&self) -> String {
        notice::notice_text(self.project, &[])
    }

    /// Persists the choice to turn telemetry on at every level (for an `enable`
    /// command), and stores the notice as shown, since the user chose knowingly;
    /// both record what this version sends. Returns the consent now in force, which
    /// a flag, an environment variable or the config file may still outrank.
    ///
    /// # Errors
    /// When the user has no configuration directory or it cannot be written.
    pub fn enable(&self) -> io::Result<Consent> {
        self.persist(true, None)
    }

    /// As [`enable`](Self::enable), up to the level called `level` (for
    /// `enable --level errors`).
    ///
    /// # Errors
    /// `InvalidInput` naming the declared levels when `level` is not one of them;
    /// otherwise as [`enable`](Self::enable).
    pub fn enable_level(&self, level: &str) -> io::Result<Consent> {
        let Some(index) = self.project.level_index(level) else {
            let names: Vec<&str> = self.project.levels.iter().map(|l| l.name).collect();
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                if self.project.has_levels() {
                    format!(
                        "`{level}` is not a telemetry level of {}; choose one of {}",
                        self.project.name,
                        names.join(", ")
                    )
                } else {
                    format!("{} declares no telemetry levels", self.project.name)
                },
            ));
        };
        self.persist(true, Some(self.project.levels[index].name))
    }

    /// Persists the choice to turn telemetry off (for a `disable` command). Nothing
    /// is sent about it, and it outlasts every upgrade. Returns the consent now in
    /// force, which a flag or an environment variable may still outrank.
    ///
    /// # Errors
    /// When the user has no configuration directory or it cannot be written.
    pub fn disable(&self) -> io::Result<Consent> {
        self.persist(false, None)
    }

    fn persist(&self, enabled: bool, level: Option<&str>) -> io::Result<Consent> {
        let store = self.store();
        let covers = Coverage::of(self.project);
        let commands: Vec<&str> = self
            .enable_command
            .as_deref()
            .into_iter()
            .chain(
                self.disable_command
                    .as_deref()
                    .or_else(|| self.project.opt_out(OptOutKind::Command)),
            )
            .collect();
        store.write_choice(enabled, level, &covers, self.project.name, &commands)?;
        if enabled {
            store.mark_notice_shown(self.project.name, &covers)?;
        }
        Ok(self.consent())
    }

    /// The sinks of a run that records: the debug sink alone in debug mode, else the
    /// spool and the HTTP collector, as set.
    fn sinks(
        &mut self,
        debug: bool,
        out: &Output,
        counters: &Arc<Counters>,
        problems: &mut Vec<String>,
    ) -> Vec<Box<dyn Sink>> {
        let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
        if debug {
            sinks.push(Box::new(DebugSink::new(out.clone(), Arc::clone(counters))));
            return sinks;
        }
        let spool = self
            .spool
            .clone()
            .or_else(|| {
                self.network
                    .as_ref()
                    .and(self.config_path())
                    .map(|dir| dir.join(SPOOL_FILE))
            })
            .map(|path| Spool {
                path,
                max_bytes: self.spool_max_bytes,
            });
        match (self.network.take(), spool) {
            (Some(network), spool) => {
                let client = match network.client {
                    Some(client) => client,
                    #[cfg(feature = "http")]
                    None => Box::new(sink::client::Ureq::new(
                        network.options.connect_timeout,
                        network.options.request_timeout,
                    )),
                    #[cfg(not(feature = "http"))]
                    None => return sinks,
                };
                match NetworkSink::start(
                    network.endpoint,
                    network.format,
                    client,
                    network.options,
                    spool,
                    Arc::clone(counters),
                ) {
                    Ok(sink) => sinks.push(Box::new(sink)),
                    Err(error) => problems.push(format!(
                        "the network sink could not start its thread ({error}); nothing is sent"
                    )),
                }
            }
            (None, Some(spool)) => {
                sinks.push(Box::new(SpoolSink::new(spool, Arc::clone(counters))));
            }
            (None, None) => {}
        }
        sinks
    }

    /// Resolves consent; shows the first-run notice when due (and stores that it
    /// did); in debug mode, prints the problems met; and starts the sinks when
    /// telemetry records in this run. Never fails: whatever goes wrong leaves
    /// telemetry off or silent.
    pub fn build(mut self) -> Telemetry {
        let resolution = self.resolve();
        let out = self.output();
        let project = self.project;
        let store = self.store();
        let consent = resolution.consent;
        let debug = resolution.debug;
        let mut problems = resolution.problems.clone();
        let mut recording = consent.enabled;
        if resolution.notice_due {
            write_out(&out, &notice::notice_text(project, &resolution.held_levels));
            if let Err(error) = store.mark_notice_shown(project.name, &Coverage::of(project)) {
                problems.push(format!(
                    "cannot store that the notice was shown ({error}); it will be shown again, and nothing new sent"
                ));
            }
        }
        // The levels the notice announces are held back in this run, shown or not.
        let held = &resolution.held_levels;
        if resolution.first_run && (resolution.notice_due || resolution.notice_withheld) {
            // The run that shows the notice sends nothing, nor does one that may not
            // show it; in debug mode nothing is sent anyway, and the records are printed.
            recording = debug && resolution.notice_due;
        }
        let today = context::current_hour() / 24;
        let (gate, notes) = Gate::new(project, &consent, held, today);
        let counters = Arc::new(Counters::default());
        let hour = context::current_hour();
        let session = if recording && project.context.contains(&ContextField::SessionId) {
            match Session::draw(hour) {
                Ok(session) => Some(session),
                Err(problem) => {
                    problems.push(format!("{problem}; nothing is recorded in this run"));
                    recording = false;
                    None
                }
            }
        } else {
            None
        };
        let sinks = if recording {
            self.sinks(debug, &out, &counters, &mut problems)
        } else {
            Vec::new()
        };
        let privacy = recording.then(|| {
            let (privacy, problem) = Privacy::new(project.events, &store, self.privacy_seed);
            problems.extend(problem);
            privacy
        });
        let status = consent::status_line(project, &resolution, self.enable_command.as_deref());
        if debug {
            let mut text = String::new();
            for problem in &problems {
                text.push_str(&format!("telemetry: {problem}\n"));
            }
            if recording {
                for note in &notes {
                    text.push_str(&format!("telemetry: {note}\n"));
                }
            } else {
                text.push_str(&format!(
                    "telemetry: {}; nothing is recorded in this run\n",
                    status.trim_start_matches("Telemetry: ")
                ));
            }
            write_out(&out, &text);
        }
        let notice_due = resolution.notice_due;
        let active = privacy.map(|privacy| {
            Box::new(Active {
                gate,
                delivery: self.delivery,
                debug,
                out,
                context: project.context,
                version: Version::parse(project.program_version),
                session: session.map(Mutex::new),
                aggregator: Mutex::new(Aggregator::new(self.aggregate_capacity)),
                recorded: AtomicU64::new(0),
                dropped_reported: AtomicU64::new(0),
                sinks,
                counters,
                privacy,
            })
        });
        Telemetry {
            consent,
            debug,
            notice_shown: notice_due,
            status,
            active,
        }
    }
}

/// One program's telemetry for one run: records events, when consent allows, and
/// hands them to the sinks.
///
/// `Telemetry` is `Send + Sync`: share it by reference. Dropping it hands what is
/// pending to the sinks, waits at most [`DEFAULT_SHUTDOWN`] for a network sink to
/// deliver, and keeps the rest in the spool file; [`shutdown`](Self::shutdown) does
/// the same with a chosen wait and returns the [`Stats`].
pub struct Telemetry {
    consent: Consent,
    debug: bool,
    notice_shown: bool,
    status: String,
    active: Option<Box<Active>>,
}

struct Active {
    /// Drops the events of levels not chosen, held back or expired.
    gate: Gate,
    delivery: Delivery,
    debug: bool,
    out: Output,
    context: &'static [ContextField],
    version: Option<Version>,
    session: Option<Mutex<Session>>,
    aggregator: Mutex<Aggregator>,
    recorded: AtomicU64,
    /// How many aggregator drops debug mode has reported.
    dropped_reported: AtomicU64,
    sinks: Vec<Box<dyn Sink>>,
    counters: Arc<Counters>,
    privacy: Privacy,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An event's fields, visited: what [`Telemetry::record`] hands to the runtime.
type VisitFields<'a> = &'a dyn Fn(&mut dyn FnMut(&'static FieldMeta, PayloadValue));

impl Telemetry {
    /// Records `event`: counts it (with [`Delivery::Summaries`]) or hands its record to
    /// the sinks (with [`Delivery::EachEvent`]). When telemetry is off it returns at
    /// once. Never blocks on the network, never panics.
    #[inline]
    pub fn record<E: TelemetryEvent + ?Sized>(&self, event: &E) {
        if let Some(active) = &self.active {
            active.record(event.name(), &|visit| event.visit_fields(visit));
        }
    }

    /// Whether this run records events: consent is on and no first-run notice was
    /// shown (in debug mode, records are printed even then).
    pub fn is_recording(&self) -> bool {
        self.active.is_some()
    }

    /// Whether telemetry is on, and which source decided.
    pub fn consent(&self) -> Consent {
        self.consent
    }

    /// Whether debug mode is on: records are printed to stderr and never sent.
    pub fn is_debug(&self) -> bool {
        self.debug
    }

    /// Whether this run showed the first-run notice.
    pub fn notice_shown(&self) -> bool {
        self.notice_shown
    }

    /// The status line, as [`TelemetryBuilder::status_line`] gave it at build.
    pub fn status_line(&self) -> &str {
        &self.status
    }

    /// Sends the summaries counted so far (with [`Delivery::Summaries`]); returns at
    /// once, as the sinks send in the background or to a local file.
    pub fn flush(&self) {
        if let Some(active) = &self.active {
            active.flush();
        }
    }

    /// What happened to the records so far.
    pub fn stats(&self) -> Stats {
        self.active
            .as_ref()
            .map_or_else(Stats::default, |active| active.stats())
    }

    /// Hands what is pending to the sinks and stops them: a network sink gets at
    /// most `timeout` to deliver (`Duration::ZERO`: none), then appends what it has
    /// not delivered to the spool file, for the next run to send, and returns; a
    /// request still running is not waited for. Returns the final [`Stats`].
    pub fn shutdown(mut self, timeout: Duration) -> Stats {
        match self.active.take() {
            Some(active) => active.finish(timeout),
            None => Stats::default(),
        }
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(active) = self.active.take() {
            active.finish(DEFAULT_SHUTDOWN);
        }
    }
}

impl std::fmt::Debug for Telemetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telemetry")
            .field("consent", &self.consent)
            .field("debug", &self.debug)
            .field("recording", &self.active.is_some())
            .finish_non_exhaustive()
    }
}

impl Active {
    fn record(&self, event: &'static str, visit: VisitFields<'_>) {
        if self.gate.blocks(event) {
            return;
        }
        self.recorded.fetch_add(1, Ordering::Relaxed);
        // Sampling, then each field's mechanism, before anything is counted or sent.
        match self.privacy.sampled(event) {
            Ok(true) => {}
            Ok(false) => return,
            Err(problem) => return self.report(&problem),
        }
        let hour = context::current_hour();
        let mut values = Values::new();
        let mut problem = None;
        visit(
            &mut |meta, value| match self.privacy.apply(event, meta, value) {
                Ok(value) => values.push(meta.name, value),
                Err(error) => problem = Some(error),
            },
        );
        if let Some(problem) = problem {
            return self.report(&problem);
        }
        match self.delivery {
            Delivery::Summaries => {
                let finished = lock(&self.aggregator).add(hour, event, values);
                if let Some(finished) = finished {
                    self.send_summaries(finished);
                }
            }
            Delivery::EachEvent => {
                let mut fields = values.as_slice().to_vec();
                if let Some(record) = self.record_text(event, &mut fields, hour, None) {
                    self.send(vec![record]);
                }
            }
        }
    }

    /// A record's text, or `None` when no session id can be had.
    fn record_text(
        &self,
        event: &str,
        fields: &mut [(&'static str, PayloadValue)],
        hour: u64,
        count: Option<u64>,
    ) -> Option<String> {
        let hour_text = context::format_hour(hour);
        let session = match &self.session {
            Some(session) => match lock(session).for_hour(hour) {
                Ok(id) => id.to_owned(),
                Err(problem) => {
                    self.report(&problem);
                    return None;
                }
            },
            None => String::new(),
        };
        let context = ContextValues {
            keys: self.context,
            version: self.version,
            hour: &hour_text,
            session: &session,
        };
        Some(record::record_json(event, fields, &context, count))
    }

    fn send_summaries(&self, counted: Vec<(Key, u64)>) {
        let mut records: Vec<(u64, String)> = counted
            .into_iter()
            .filter_map(|(key, count)| {
                let mut fields = key.values.as_slice().to_vec();
                self.record_text(key.event, &mut fields, key.hour, Some(count))
                    .map(|text| (key.hour, text))
            })
            .collect();
        records.sort();
        self.send(records.into_iter().map(|(_, text)| text).collect());
    }

    fn send(&self, records: Vec<String>) {
        if records.is_empty() {
            return;
        }
        // With no sink, nothing leaves the process.
        if let Some((last, others)) = self.sinks.split_last() {
            for sink in others {
                sink.deliver(records.clone());
            }
            last.deliver(records);
        }
    }

    fn flush(&self) {
        let (counted, dropped) = {
            let mut aggregator = lock(&self.aggregator);
            (aggregator.drain(), aggregator.dropped())
        };
        let reported = self.dropped_reported.swap(dropped, Ordering::Relaxed);
        if dropped > reported {
            self.report(&format!(
                "{} events dropped: the local aggregator holds at most its capacity of distinct events",
                dropped - reported
            ));
        }
        self.send_summaries(counted);
    }

    fn report(&self, problem: &str) {
        if self.debug {
            write_out(&self.out, &format!("telemetry: {problem}\n"));
        }
    }

    fn stats(&self) -> Stats {
        let aggregator = lock(&self.aggregator);
        Stats {
            recorded: self.recorded.load(Ordering::Relaxed),
            delivered: Counters::get(&self.counters.delivered),
            failed: Counters::get(&self.counters.failed),
            dropped: Counters::get(&self.counters.dropped) + aggregator.dropped(),
            spooled: Counters::get(&self.counters.spooled),
            queued: self.sinks.iter().map(|sink| sink.queued()).sum(),
            pending: aggregator.len(),
        }
    }

    fn finish(&self, timeout: Duration) -> Stats {
        let deadline = Instant::now() + timeout;
        self.flush();
        for sink in &self.sinks {
            sink.shutdown(deadline);
        }
        self.stats()
    }
}
