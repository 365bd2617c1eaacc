//! The telemetry events acme sends, each declared in `telemetry.yaml`.
//!
//! `#[telemetry_core::telemetry_event]` checks each struct against the manifest when
//! acme is compiled: a field missing from the manifest, a field of the wrong type, or
//! a type that could carry personal data (a path, a string, a raw duration) is a
//! compile error.

use telemetry_core::{Arch, DurationBucket, OsFamily, SizeBucket, Version};

/// The subcommands, as the `command` field sends them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, telemetry_core::TelemetryValue)]
pub enum Command {
    Build,
    Test,
    Clean,
    Init,
}

/// The build profile, as `build_finished.profile` sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, telemetry_core::TelemetryValue)]
pub enum Profile {
    Debug,
    Release,
}

impl Profile {
    /// The directory under `target/` that holds this profile's output.
    pub fn dir_name(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
        }
    }
}

/// The kind of project `acme init` creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, telemetry_core::TelemetryValue)]
pub enum Template {
    Binary,
    Library,
}

/// The platform acme runs on: the field group `platform`, declared once in the
/// manifest and embedded in the events that carry it. Its fields are sent beside
/// the event's own.
#[telemetry_core::telemetry_group]
pub struct Platform {
    pub os: OsFamily,
    pub arch: Arch,
    pub acme_version: Version,
}

impl Platform {
    /// The platform this build of acme runs on: the target it was compiled for and
    /// its version, major and minor only.
    pub fn current() -> Self {
        Platform {
            os: OsFamily::current(),
            arch: Arch::current(),
            acme_version: Version::parse(env!("CARGO_PKG_VERSION")).unwrap_or(Version::new(0, 0)),
        }
    }
}

/// A command was started, with the platform acme runs on.
#[telemetry_core::telemetry_event]
pub struct CommandStarted {
    pub command: Command,
    pub platform: Platform,
}

/// A command ran to its end.
#[telemetry_core::telemetry_event]
pub struct CommandFinished {
    pub command: Command,
    pub success: bool,
    pub duration: DurationBucket,
}

/// A build completed.
#[telemetry_core::telemetry_event]
pub struct BuildFinished {
    pub profile: Profile,
    pub targets: u32,
    pub output_size: SizeBucket,
    pub duration: DurationBucket,
}

/// A test run completed.
#[telemetry_core::telemetry_event]
pub struct TestsFinished {
    pub passed: u32,
    pub failed: u32,
    pub duration: DurationBucket,
}

/// The build output was removed.
#[telemetry_core::telemetry_event]
pub struct ProjectCleaned {
    pub had_output: bool,
    pub freed: SizeBucket,
}

/// A new project was created.
#[telemetry_core::telemetry_event]
pub struct ProjectInitialized {
    pub template: Template,
    /// `None` when the user asked for no git repository.
    pub git: Option<bool>,
}
