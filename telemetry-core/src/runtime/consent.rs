//! Whether telemetry is on, and which source decided: [`Consent`].
//!
//! The sources, first match wins:
//!
//! 1. the program's command-line flag (the program parses it and passes it in);
//! 2. `<NAME>_TELEMETRY=0|1|false|true|off|on` (any case, surrounding blanks ignored);
//! 3. `DO_NOT_TRACK`, set to anything but empty, `0` or `false`;
//! 4. the choice persisted in the user's configuration directory by
//!    `<program> telemetry enable|disable`;
//! 5. the manifest's consent model (`opt-in`: off, `opt-out`: on).
//!
//! A value a source cannot understand (`ACME_TELEMETRY=maybe`, a corrupt consent
//! file) does not decide: the next source does, and the problem is shown in debug
//! mode.

use std::collections::HashMap;
use std::fmt;

use super::project::{ConsentModel, OptOutKind, ProjectInfo};
use super::store::Store;

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
    /// The choice persisted by `<program> telemetry enable|disable`.
    Persisted,
    /// The manifest's consent model, as nothing else decided.
    Default,
}

/// Whether telemetry is on, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Consent {
    /// Whether events may be recorded and sent.
    pub enabled: bool,
    /// The source that decided.
    pub source: ConsentSource,
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

/// Resolves consent from the sources, in order; problems met on the way (values
/// that decide nothing) are pushed to `problems`.
pub(crate) fn resolve(
    project: &ProjectInfo,
    flag: Option<bool>,
    env: &Env,
    store: &Store,
    problems: &mut Vec<String>,
) -> Consent {
    let decided = |enabled, source| Consent { enabled, source };
    if let Some(enabled) = flag {
        return decided(enabled, ConsentSource::Flag);
    }
    if let Some(value) = env.get(project.env_var) {
        match parse_switch(&value) {
            Some(enabled) => return decided(enabled, ConsentSource::Env),
            None if value.trim().is_empty() => {}
            None => problems.push(format!(
                "{}={value:?} is not understood and decides nothing; use 0, 1, false, true, off or on",
                project.env_var
            )),
        }
    }
    if env.get("DO_NOT_TRACK").is_some_and(|v| do_not_track(&v)) {
        return decided(false, ConsentSource::DoNotTrack);
    }
    match store.read_choice() {
        Ok(Some(enabled)) => return decided(enabled, ConsentSource::Persisted),
        Ok(None) => {}
        Err(problem) => problems.push(problem),
    }
    decided(
        project.consent == ConsentModel::OptOut,
        ConsentSource::Default,
    )
}

/// The status line for `--version` and `--help`, such as
/// `Telemetry: enabled (via default; disable with `acme telemetry disable` or ACME_TELEMETRY=0)`.
pub(crate) fn status_line(
    project: &ProjectInfo,
    consent: Consent,
    debug: bool,
    enable_command: Option<&str>,
) -> String {
    let via = match consent.source {
        ConsentSource::Flag => match (consent.enabled, project.opt_out(OptOutKind::Flag)) {
            (false, Some(flag)) => flag.to_owned(),
            _ => "the command line".to_owned(),
        },
        ConsentSource::Env => format!(
            "{}={}",
            project.env_var,
            if consent.enabled { 1 } else { 0 }
        ),
        ConsentSource::DoNotTrack => "DO_NOT_TRACK".to_owned(),
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
    let mut line = format!(
        "Telemetry: {} (via {via}",
        if consent.enabled {
            "enabled"
        } else {
            "disabled"
        }
    );
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
    if debug {
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
            ConsentSource::Persisted => "persisted",
            ConsentSource::Default => "default",
        })
    }
}
