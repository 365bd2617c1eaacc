//! Whether telemetry is on, at which level, and which source decided: [`Consent`];
//! what a stored choice covers; the automation policy; and the gate that drops
//! events the user did not agree to.
//!
//! The sources, first match wins:
//!
//! 1. the program's command-line flag (the program parses it and passes it in);
//! 2. `<NAME>_TELEMETRY=0|1|false|true|off|on|<level>` (any case, surrounding
//!    blanks ignored);
//! 3. `DO_NOT_TRACK`, set to anything but empty, `0` or `false`;
//! 4. the program's own config file (`project.config_file`): `false`, `true` or a
//!    level;
//! 5. the choice persisted in the user's configuration directory by
//!    `<program> telemetry enable|disable`;
//! 6. the manifest's consent model (`opt-in`: off, `opt-out`: on).
//!
//! A value a source cannot understand (`ACME_TELEMETRY=maybe`, a corrupt consent
//! file) does not decide: the next source does, and the problem is shown in debug
//! mode.
//!
//! Choosing a level allows the events of that level and of every level before it
//! in `project.levels`; `on` allows every level. A choice made earlier (the
//! persisted one, or the notice shown under the default) covers only what the user
//! was told then: a level that is new, or that now sends a more sensitive data
//! category, is held back until the notice is shown again. An unattended run (a CI
//! service's variables, or stderr not a terminal) never shows the notice nor
//! stores it as shown under the `strict` automation policy.

use std::collections::HashMap;
use std::fmt;

use std::path::Path;

use super::Resolution;
use super::config_file::{self, Setting};
use super::project::{Automation, ConsentModel, EventInfo, OptOutKind, ProjectInfo};
use super::store::{Coverage, NoticeState, Store, StoredChoice};

/// Where the environment variables come from: the process, or a fixed set (tests
/// and benchmarks, which must not depend on the caller's environment).
#[derive(Clone, Debug, Default)]
pub(crate) enum Env {
    /// `std::env::var`.
    #[default]
    Process,
    /// Only these variables are set.
    Fixed(HashMap<String, String>),
}

impl Env {
    /// The variable's value, when set and valid Unicode.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        match self {
            Env::Process => std::env::var(name).ok(),
            Env::Fixed(vars) => vars.get(name).cloned(),
        }
    }
}

/// Which source decided whether telemetry is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConsentSource {
    /// The program's command-line flag.
    Flag,
    /// The `<NAME>_TELEMETRY` environment variable.
    Env,
    /// The `DO_NOT_TRACK` environment variable (it can only turn telemetry off).
    DoNotTrack,
    /// The program's own config file, `project.config_file`.
    ConfigFile,
    /// The choice persisted by `<program> telemetry enable|disable`.
    Persisted,
    /// The manifest's consent model, as nothing else decided.
    Default,
}

/// Whether telemetry is on, at which level, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Consent {
    /// Whether events may be recorded and sent.
    pub enabled: bool,
    /// The source that decided.
    pub source: ConsentSource,
    /// The highest level allowed, when telemetry is on and the manifest declares
    /// levels (the last level when the user chose no level); `None` otherwise.
    pub level: Option<&'static str>,
}

/// What a source says: off, on at every level, or on up to a level (its index in
/// `ProjectInfo::levels`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    Off,
    On,
    Level(usize),
}

/// Reads a switch word or a level's name.
fn parse_choice(project: &ProjectInfo, value: &str) -> Option<Choice> {
    match parse_switch(value) {
        Some(true) => Some(Choice::On),
        Some(false) => Some(Choice::Off),
        None => project.level_index(value.trim()).map(Choice::Level),
    }
}

/// The words a source accepts, for messages: `0, 1, false, true, off or on`, and
/// the levels.
fn accepted(project: &ProjectInfo) -> String {
    let mut words: Vec<String> = ["0", "1", "false", "true", "off", "on"]
        .iter()
        .map(|w| (*w).to_owned())
        .collect();
    if project.has_levels() {
        let names: Vec<&str> = project.levels.iter().map(|l| l.name).collect();
        words.push(format!("a level ({})", names.join(", ")));
    }
    or_list(&words)
}

fn consent_of(project: &ProjectInfo, choice: Choice, source: ConsentSource) -> Consent {
    let level = |index: usize| {
        project
            .has_levels()
            .then(|| project.levels.get(index).map(|l| l.name))
            .flatten()
    };
    match choice {
        Choice::Off => Consent {
            enabled: false,
            source,
            level: None,
        },
        Choice::On => Consent {
            enabled: true,
            source,
            level: level(project.levels.len().saturating_sub(1)),
        },
        Choice::Level(index) => Consent {
            enabled: true,
            source,
            level: level(index),
        },
    }
}

/// The well-known variables of CI services: the run is automated when one is set
/// (to anything but empty, `0` or `false`). The list joins those read by Next.js's
/// telemetry (through the `ci-info` package), Homebrew's analytics and the .NET
/// CLI's telemetry (its "continuous integration detection"); see
/// `docs/runtime.md`.
pub const CI_VARIABLES: [&str; 15] = [
    "CI",
    "CONTINUOUS_INTEGRATION",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "BUILDKITE",
    "JENKINS_URL",
    "HUDSON_URL",
    "TF_BUILD",
    "CIRCLECI",
    "TRAVIS",
    "APPVEYOR",
    "TEAMCITY_VERSION",
    "CODEBUILD_BUILD_ID",
    "BITBUCKET_BUILD_NUMBER",
    "DRONE",
];

/// Why this run counts as unattended, if it does: `CI=true is set`, or `stderr is
/// not a terminal`.
pub(crate) fn automated(env: &Env, terminal: bool) -> Option<String> {
    for name in CI_VARIABLES {
        if let Some(value) = env.get(name) {
            let value = value.trim();
            if !(value.is_empty() || value == "0" || value.eq_ignore_ascii_case("false")) {
                return Some(format!("{name}={value} is set"));
            }
        }
    }
    (!terminal).then(|| "stderr is not a terminal".to_owned())
}

/// A level held back in this run, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldLevel {
    /// The level's name (empty for the one level of a manifest without levels).
    pub level: &'static str,
    /// Why, as the status line says it.
    pub reason: String,
}

/// Reads a `<NAME>_TELEMETRY` value: `Some(true)` for `1`, `true`, `on`,
/// `Some(false)` for `0`, `false`, `off` (any case, blanks around ignored), `None`
/// for anything else.
pub fn parse_switch(value: &str) -> Option<bool> {
    let value = value.trim();
    if ["1", "true", "on"]
        .iter()
        .any(|word| value.eq_ignore_ascii_case(word))
    {
        Some(true)
    } else if ["0", "false", "off"]
        .iter()
        .any(|word| value.eq_ignore_ascii_case(word))
    {
        Some(false)
    } else {
        None
    }
}

/// Whether a `DO_NOT_TRACK` value asks not to be tracked: anything but empty, `0` or
/// `false` does (when in doubt, the user is not tracked).
fn do_not_track(value: &str) -> bool {
    let value = value.trim();
    !(value.is_empty() || value == "0" || value.eq_ignore_ascii_case("false"))
}

/// The outside inputs of a resolution.
pub(crate) struct Inputs<'a> {
    pub(crate) project: &'static ProjectInfo,
    pub(crate) flag: Option<bool>,
    pub(crate) env: &'a Env,
    pub(crate) store: &'a Store,
    /// The directory `project.config_file` is relative to.
    pub(crate) config_base: Option<&'a Path>,
}

/// Resolves consent from the sources, in order; problems met on the way (values
/// that decide nothing) are pushed to `problems`. Returns the persisted choice
/// too, as read, for what it covered.
pub(crate) fn resolve(
    inputs: &Inputs<'_>,
    problems: &mut Vec<String>,
) -> (Consent, Option<StoredChoice>) {
    let project = inputs.project;
    let env = inputs.env;
    if let Some(enabled) = inputs.flag {
        let choice = if enabled { Choice::On } else { Choice::Off };
        return (consent_of(project, choice, ConsentSource::Flag), None);
    }
    if let Some(value) = env.get(project.env_var) {
        match parse_choice(project, &value) {
            Some(choice) => return (consent_of(project, choice, ConsentSource::Env), None),
            None if value.trim().is_empty() => {}
            None => problems.push(format!(
                "{}={value:?} is not understood and decides nothing; use {}",
                project.env_var,
                accepted(project)
            )),
        }
    }
    if env.get("DO_NOT_TRACK").is_some_and(|v| do_not_track(&v)) {
        return (
            consent_of(project, Choice::Off, ConsentSource::DoNotTrack),
            None,
        );
    }
    if let (Some(file), Some(base)) = (&project.config_file, inputs.config_base) {
        let choice = match config_file::read(file, base) {
            Ok(Some(Setting::Switch(on))) => Some(if on { Choice::On } else { Choice::Off }),
            Ok(Some(Setting::Word(word))) => {
                let choice = parse_choice(project, &word);
                if choice.is_none() {
                    problems.push(format!(
                        "`{}` = {word:?} in the config file {} is not understood and decides nothing; use {}",
                        file.key,
                        base.join(file.path).display(),
                        accepted(project)
                    ));
                }
                choice
            }
            Ok(None) => None,
            Err(problem) => {
                problems.push(problem);
                None
            }
        };
        if let Some(choice) = choice {
            return (consent_of(project, choice, ConsentSource::ConfigFile), None);
        }
    }
    match inputs.store.read_choice() {
        Ok(Some(stored)) => {
            let choice = match (stored.enabled, &stored.level) {
                (false, _) => Choice::Off,
                (true, None) => Choice::On,
                (true, Some(level)) => match project.level_index(level) {
                    Some(index) => Choice::Level(index),
                    None => {
                        problems.push(format!(
                            "the persisted level `{level}` is not a level of this version; only the lowest level is allowed until you choose again"
                        ));
                        Choice::Level(0)
                    }
                },
            };
            return (
                consent_of(project, choice, ConsentSource::Persisted),
                Some(stored),
            );
        }
        Ok(None) => {}
        Err(problem) => problems.push(problem),
    }
    let choice = if project.consent == ConsentModel::OptOut {
        Choice::On
    } else {
        Choice::Off
    };
    (consent_of(project, choice, ConsentSource::Default), None)
}

/// What the notice and the gate do in a run, given consent and what the stored
/// choice and the notice marker covered.
pub(crate) struct Plan {
    /// The notice is due: never shown (under the default), or shown for less than
    /// this version sends.
    pub(crate) notice_due: bool,
    /// The notice was never shown: the run that would show it records nothing.
    pub(crate) first_run: bool,
    /// Why the run counts as unattended, when it does.
    pub(crate) automated: Option<String>,
    /// The notice is due but not shown: the strict automation policy.
    pub(crate) withheld: bool,
    /// Levels held back until the notice is shown again.
    pub(crate) held: Vec<HeldLevel>,
}

/// Plans the notice and the levels held back; `notice` is the marker's state.
pub(crate) fn plan(
    project: &ProjectInfo,
    consent: &Consent,
    persisted: Option<&StoredChoice>,
    notice: &NoticeState,
    automated: Option<String>,
) -> Plan {
    let mut plan = Plan {
        notice_due: false,
        first_run: false,
        automated,
        withheld: false,
        held: Vec::new(),
    };
    // An explicit choice made now (flag, variable, config file) needs no notice.
    let past_choice = matches!(
        consent.source,
        ConsentSource::Persisted | ConsentSource::Default
    );
    if !consent.enabled || !past_choice {
        return plan;
    }
    let told: Vec<&Coverage> = persisted
        .and_then(|p| p.covers.as_ref())
        .into_iter()
        .chain(notice.as_ref().and_then(Option::as_ref))
        .collect();
    if consent.source == ConsentSource::Default && notice.is_none() {
        plan.first_run = true;
        plan.notice_due = true;
    } else {
        let allowed = allowed_levels(project, consent);
        for level in &project.levels[..allowed] {
            if told.iter().any(|c| c.covers(level.name, level.category)) {
                continue;
            }
            let what = if level.name.is_empty() {
                "this version".to_owned()
            } else {
                format!("level {}", level.name)
            };
            let reason = if told.is_empty() {
                format!(
                    "{what} sends {} data, and the stored choice does not record what you were told",
                    level.category.as_str()
                )
            } else {
                format!(
                    "{what} now sends {} data, more than you were told",
                    level.category.as_str()
                )
            };
            plan.held.push(HeldLevel {
                level: level.name,
                reason,
            });
        }
        plan.notice_due = !plan.held.is_empty();
    }
    if plan.notice_due && project.automation == Automation::Strict && plan.automated.is_some() {
        plan.withheld = true;
    }
    plan
}

/// How many of `project.levels`, from the first, the consent allows.
fn allowed_levels(project: &ProjectInfo, consent: &Consent) -> usize {
    if !consent.enabled {
        return 0;
    }
    match consent.level {
        Some(level) => project
            .level_index(level)
            .map_or(project.levels.len(), |i| i + 1),
        None => project.levels.len(),
    }
}

/// The gate between [`Telemetry::record`](super::Telemetry::record) and the
/// aggregator: which of the manifest's events this run drops, by position in
/// `ProjectInfo::events` (sorted by name).
pub(crate) struct Gate {
    events: &'static [EventInfo],
    blocked: Box<[bool]>,
    /// Drop events the manifest does not list (a program built against another
    /// manifest) when the manifest declares levels.
    unknown_blocked: bool,
}

impl Gate {
    /// The gate for this run, and a line for debug mode per event dropped. `today`
    /// is days since 1970-01-01 (UTC).
    pub(crate) fn new(
        project: &'static ProjectInfo,
        consent: &Consent,
        held: &[HeldLevel],
        today: u64,
    ) -> (Gate, Vec<String>) {
        let allowed = allowed_levels(project, consent);
        let mut notes = Vec::new();
        let blocked = project
            .events
            .iter()
            .map(|event| {
                if let Some(expiry) = event.expires
                    && u64::from(expiry.day) < today
                {
                    notes.push(format!(
                        "event `{}` expired on {}; it is dropped, never recorded",
                        event.name, expiry.date
                    ));
                    return true;
                }
                if !project.has_levels() {
                    return held.iter().any(|h| h.level.is_empty());
                }
                match project.level_index(event.level) {
                    Some(index) if index >= allowed => {
                        notes.push(format!(
                            "event `{}` is of level {}, above the chosen level {}; it is never recorded",
                            event.name,
                            event.level,
                            consent.level.unwrap_or("")
                        ));
                        true
                    }
                    Some(_) if held.iter().any(|h| h.level == event.level) => {
                        notes.push(format!(
                            "event `{}` (level {}) is held back until the notice is shown again",
                            event.name, event.level
                        ));
                        true
                    }
                    Some(_) => false,
                    None => true,
                }
            })
            .collect();
        (
            Gate {
                events: project.events,
                blocked,
                unknown_blocked: project.has_levels(),
            },
            notes,
        )
    }

    /// Whether the event called `name` is dropped in this run.
    #[inline]
    pub(crate) fn blocks(&self, name: &str) -> bool {
        match self.events.binary_search_by(|event| event.name.cmp(name)) {
            Ok(index) => self.blocked.get(index).copied().unwrap_or(true),
            Err(_) => self.unknown_blocked,
        }
    }
}

/// The status line for `--version` and `--help`, such as
/// `Telemetry: enabled (via default; disable with `acme telemetry disable` or ACME_TELEMETRY=0)`.
pub(crate) fn status_line(
    project: &ProjectInfo,
    resolution: &Resolution,
    enable_command: Option<&str>,
) -> String {
    let consent = resolution.consent;
    let via = match consent.source {
        ConsentSource::Flag => match (consent.enabled, project.opt_out(OptOutKind::Flag)) {
            (false, Some(flag)) => flag.to_owned(),
            _ => "the command line".to_owned(),
        },
        ConsentSource::Env => format!(
            "{}={}",
            project.env_var,
            match (consent.enabled, consent.level) {
                (false, _) => "0",
                (true, Some(level)) if project.levels.last().is_some_and(|l| l.name != level) =>
                    level,
                (true, _) => "1",
            }
        ),
        ConsentSource::DoNotTrack => "DO_NOT_TRACK".to_owned(),
        ConsentSource::ConfigFile => match &project.config_file {
            Some(file) => format!("`{}` in {}", file.key, file.path),
            None => "the config file".to_owned(),
        },
        ConsentSource::Persisted => match (consent.enabled, enable_command) {
            (true, Some(command)) => format!("`{command}`"),
            (false, _) => match project.opt_out(OptOutKind::Command) {
                Some(command) => format!("`{command}`"),
                None => "the saved choice".to_owned(),
            },
            (true, None) => "the saved choice".to_owned(),
        },
        ConsentSource::Default => "default".to_owned(),
    };
    let paused = consent.enabled
        && resolution.notice_withheld
        && (resolution.first_run || resolution.held_levels.len() >= project.levels.len());
    let state = if paused {
        "paused"
    } else if consent.enabled {
        "enabled"
    } else {
        "disabled"
    };
    let mut line = format!("Telemetry: {state} (");
    if consent.enabled
        && let Some(level) = consent.level
    {
        let names: Vec<&str> = project.levels.iter().map(|l| l.name).collect();
        line.push_str(&format!("level {level} of {}; ", names.join(", ")));
    }
    line.push_str(&format!("via {via}"));
    if consent.enabled && resolution.notice_withheld {
        let reason = resolution
            .automated
            .as_deref()
            .unwrap_or("an automated run");
        let enable = match enable_command {
            Some(command) => format!("runs `{command}`"),
            None => "turns telemetry on".to_owned(),
        };
        let what = if paused {
            "nothing is sent"
        } else {
            "nothing new is sent"
        };
        line.push_str(&format!(
            "; {reason}: an automated run, where {what} until a person sees the notice or {enable}"
        ));
    }
    for held in &resolution.held_levels {
        if !resolution.first_run {
            line.push_str(&format!(
                "; {}: held back until the notice is shown again",
                held.reason
            ));
        }
    }
    if consent.enabled {
        let ways = disable_ways(project);
        if !ways.is_empty() {
            line.push_str("; disable with ");
            line.push_str(&or_list(&ways));
        }
    } else if matches!(
        consent.source,
        ConsentSource::Persisted | ConsentSource::Default
    ) && let Some(command) = enable_command
    {
        line.push_str(&format!("; enable with `{command}`"));
    }
    line.push(')');
    if resolution.debug {
        line.push_str(&format!(
            "; debug mode ({}=1): events are printed to stderr, never sent",
            project.debug_env_var
        ));
    }
    line
}

/// The two most lasting declared ways to turn telemetry off, for the status line:
/// the command, then the environment variable, then the others.
fn disable_ways(project: &ProjectInfo) -> Vec<String> {
    [
        OptOutKind::Command,
        OptOutKind::Env,
        OptOutKind::Flag,
        OptOutKind::Config,
        OptOutKind::DoNotTrack,
    ]
    .into_iter()
    .filter_map(|kind| {
        project.opt_out(kind).map(|how| match kind {
            OptOutKind::Command => format!("`{how}`"),
            _ => how.to_owned(),
        })
    })
    .take(2)
    .collect()
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl fmt::Display for ConsentSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConsentSource::Flag => "flag",
            ConsentSource::Env => "env",
            ConsentSource::DoNotTrack => "do_not_track",
            ConsentSource::ConfigFile => "config_file",
            ConsentSource::Persisted => "persisted",
            ConsentSource::Default => "default",
        })
    }
}
