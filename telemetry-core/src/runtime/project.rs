//! What the runtime takes from the manifest's `project` section: [`ProjectInfo`].
//!
//! The consent model, the context keys, the data dictionary's location and the ways
//! to opt out are declared once, in `telemetry.yaml`. `manifest_project!()` reads
//! them at compile time into a `const ProjectInfo`, so the notice, the status line
//! and every record say what the manifest says, and a change to the manifest
//! rebuilds the program.
//!
//! ```
//! use telemetry_core::runtime::{
//!     Automation, ConsentModel, ContextField, OptOut, OptOutKind, ProjectInfo,
//! };
//!
//! // What `manifest_project!()` expands to for a small manifest:
//! const PROJECT: ProjectInfo = ProjectInfo {
//!     name: "acme",
//!     env_var: "ACME_TELEMETRY",
//!     debug_env_var: "ACME_TELEMETRY_DEBUG",
//!     program_version: "1.4.2",
//!     consent: ConsentModel::OptOut,
//!     context: &[ContextField::ProgramVersion, ContextField::Hour],
//!     data_dictionary: Some("https://acme.example/TELEMETRY.md"),
//!     contact: None,
//!     opt_out: &[OptOut { kind: OptOutKind::Env, how: "ACME_TELEMETRY=0" }],
//!     events: &[],
//!     levels: &[],
//!     config_file: None,
//!     automation: Automation::Strict,
//!     digest: "",
//! };
//! assert_eq!(PROJECT.context[1].as_str(), "hour");
//! ```

use crate::Category;

/// Whether telemetry is on before the user chooses: the manifest's
/// `project.consent`; mirrors `telemetry_manifest::ConsentModel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConsentModel {
    /// `opt-in`: nothing is recorded until the user turns telemetry on.
    OptIn,
    /// `opt-out`: telemetry is on until the user turns it off, after a first-run
    /// notice (the run that shows it records nothing).
    OptOut,
}

impl ConsentModel {
    /// The word the manifest uses: `opt-in` or `opt-out`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ConsentModel::OptIn => "opt-in",
            ConsentModel::OptOut => "opt-out",
        }
    }
}

/// One piece of coarse context attached to every record, as listed in the
/// manifest's `project.context`; mirrors `telemetry_manifest::ContextField`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContextField {
    /// `program_version`: the program's version, `"major.minor"`.
    ProgramVersion,
    /// `os_family`: the operating system family the program was built for.
    OsFamily,
    /// `arch`: the processor architecture the program was built for.
    Arch,
    /// `hour`: when the event was recorded, rounded down to the hour, in UTC
    /// (`"2026-11-21T14:00:00Z"`).
    Hour,
    /// `session_id`: 128 random bits as 32 lowercase hex digits, drawn from the
    /// operating system at start and again when the UTC day changes; never derived
    /// from the machine or the user.
    SessionId,
}

impl ContextField {
    /// The key in a record's `"context"`, as the manifest spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContextField::ProgramVersion => "program_version",
            ContextField::OsFamily => "os_family",
            ContextField::Arch => "arch",
            ContextField::Hour => "hour",
            ContextField::SessionId => "session_id",
        }
    }
}

/// The kinds of opt-out a manifest declares under `project.opt_out`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptOutKind {
    /// `env`: an environment variable, such as `ACME_TELEMETRY=0`.
    Env,
    /// `flag`: a command-line flag, such as `--no-telemetry`.
    Flag,
    /// `command`: a command that persists the choice, such as `acme telemetry disable`.
    Command,
    /// `config`: a configuration setting.
    Config,
    /// `do_not_track`: the program honours `DO_NOT_TRACK=1`.
    DoNotTrack,
}

/// One way to opt out, as the manifest declares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptOut {
    /// Which kind of opt-out.
    pub kind: OptOutKind,
    /// What the user does, as written in the manifest (`ACME_TELEMETRY=0`,
    /// `--no-telemetry`, `acme telemetry disable`, `DO_NOT_TRACK=1`).
    pub how: &'static str,
}

/// One event the manifest declares: what the first-run notice lists, and what the
/// runtime needs to drop it (its level, its expiry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventInfo {
    /// The event's name.
    pub name: &'static str,
    /// What happened, from the manifest's `description` (empty when it has none).
    pub description: &'static str,
    /// The share of occurrences recorded, in millionths: the manifest's
    /// `sample_rate` (0 < rate <= 1) rounded to millionths, 1,000,000 (every
    /// occurrence) by default.
    pub sample_per_million: u32,
    /// The consent level it belongs to (`level`), empty when the manifest declares
    /// no levels.
    pub level: &'static str,
    /// When collection stops (`expires`), `None` for `never` or when not written.
    pub expires: Option<ExpiryDate>,
}

/// An event's expiry date, as the manifest writes it and as a day number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpiryDate {
    /// `YYYY-MM-DD`, as written.
    pub date: &'static str,
    /// Days from 1970-01-01 to that date (UTC). The event is dropped from the day
    /// after on, as `cargo telemetry-lint` reports it expired (TL018).
    pub day: u32,
}

/// One consent level (`project.levels`), with the most sensitive data category
/// its own events send: what a user's choice of it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelInfo {
    /// The level's name, such as `errors`; empty for the one implicit level of a
    /// manifest that declares none.
    pub name: &'static str,
    /// The most sensitive data category of the level's own events (fields of
    /// embedded groups included).
    pub category: Category,
}

/// What an unattended run does before a person has seen the notice
/// (`project.automation`); mirrors `telemetry_manifest::Automation`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Automation {
    /// With a CI service's variables set, or stderr not a terminal when the notice
    /// is due, the notice is neither shown nor stored and nothing new is sent,
    /// until a person sees the notice or turns telemetry on explicitly.
    #[default]
    Strict,
    /// Unattended runs are treated as interactive ones.
    Allow,
}

/// The format of the program's own configuration file; mirrors
/// `telemetry_manifest::ConfigFormat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigFormat {
    /// TOML 1.0 (read with the `toml` crate; cargo feature `config-toml`).
    Toml,
    /// YAML 1.2 (read with `serde-saphyr`; cargo feature `config-yaml`).
    Yaml,
    /// JSON (RFC 8259, read with `serde_json`; always available).
    Json,
}

/// The program's own configuration file (`project.config_file`), where a user turns
/// telemetry off (`false`), on (`true`) or chooses a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfigFile {
    /// The path relative to the platform's configuration directory, such as
    /// `acme/config.toml`.
    pub path: &'static str,
    /// The key, dotted for a nested table, such as `telemetry`.
    pub key: &'static str,
    /// The format, from the path's extension.
    pub format: ConfigFormat,
}

/// The manifest's `project` section as the runtime needs it; generated by
/// `telemetry_core::manifest_project!()`.
#[derive(Clone, Copy, Debug)]
pub struct ProjectInfo {
    /// The program's name (`project.name`), which names its configuration directory.
    pub name: &'static str,
    /// The environment variable that turns telemetry on or off, `<NAME>_TELEMETRY`
    /// (the name in upper case, other characters than letters and digits as `_`).
    pub env_var: &'static str,
    /// The environment variable that turns debug mode on, `<NAME>_TELEMETRY_DEBUG`.
    pub debug_env_var: &'static str,
    /// The program's version as its package declares it (`CARGO_PKG_VERSION` of the
    /// crate that expands the macro); records carry only `major.minor`.
    pub program_version: &'static str,
    /// Whether telemetry is on before the user chooses.
    pub consent: ConsentModel,
    /// The context keys every record carries, in the order records list them.
    pub context: &'static [ContextField],
    /// Where users read the data dictionary (`project.data_dictionary`).
    pub data_dictionary: Option<&'static str>,
    /// Where users send questions (`project.contact`).
    pub contact: Option<&'static str>,
    /// The ways to opt out, in the manifest's order: env, flag, command, config,
    /// do_not_track.
    pub opt_out: &'static [OptOut],
    /// Every event the manifest declares, sorted by name.
    pub events: &'static [EventInfo],
    /// The consent levels, least data first; one unnamed level when the manifest
    /// declares none (empty only in a placeholder that turns nothing on).
    pub levels: &'static [LevelInfo],
    /// The program's own configuration file, when the manifest names one.
    pub config_file: Option<ConfigFile>,
    /// What an unattended run does before a person has seen the notice.
    pub automation: Automation,
    /// SHA-256 (FIPS 180-4), as 64 lowercase hex digits, of the data dictionary's
    /// consent-relevant parts, computed by `manifest_project!()`: the consent
    /// model, the context keys, the levels with their categories, and each event's
    /// name, level and fields with their categories. A stored choice records it.
    pub digest: &'static str,
}

impl ProjectInfo {
    /// The declared way to opt out of `kind`, if any.
    pub fn opt_out(&self, kind: OptOutKind) -> Option<&'static str> {
        self.opt_out
            .iter()
            .find(|way| way.kind == kind)
            .map(|way| way.how)
    }

    /// Whether the manifest declares consent levels users choose from.
    pub fn has_levels(&self) -> bool {
        self.levels.iter().any(|level| !level.name.is_empty())
    }

    /// The position of the level called `name` (any case), if declared.
    pub fn level_index(&self, name: &str) -> Option<usize> {
        self.levels
            .iter()
            .position(|level| !level.name.is_empty() && level.name.eq_ignore_ascii_case(name))
    }
}
