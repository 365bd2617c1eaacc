//! The first-run notice: what is collected, where the data dictionary is, and how
//! to opt out, all taken from the manifest.
//!
//! It is printed to stderr the first time telemetry would be on by default (the
//! manifest's `opt-out` model), once: a marker file in the configuration directory
//! records that it was shown, and what it told. The run that shows it records
//! nothing. It is shown again, opening with what changed, when a version sends more
//! than the stored choice covered; the levels held back are not recorded in that
//! run.

use std::fmt::Write as _;

use super::consent::{HeldLevel, or_list};
use super::project::{ContextField, OptOutKind, ProjectInfo};

/// The notice's text, several lines ending in a newline; `held` are the levels that
/// make it shown again (empty for the first-run notice).
pub(crate) fn notice_text(project: &ProjectInfo, held: &[HeldLevel]) -> String {
    let name = project.name;
    let mut out = String::new();
    if held.is_empty() {
        let _ = writeln!(
            out,
            "{name} collects anonymous usage data (telemetry) to learn how it is used and where it fails."
        );
        let _ = writeln!(
            out,
            "Nothing was sent in this run. From the next run on, {name} may send these events:"
        );
    } else {
        let reasons: Vec<String> = held.iter().map(|h| h.reason.clone()).collect();
        let _ = writeln!(
            out,
            "This version of {name} sends more telemetry than you were told: {}.",
            or_list(&reasons).replace(" or ", " and ")
        );
        let _ = writeln!(
            out,
            "None of it was sent in this run. From the next run on, {name} may send these events:"
        );
    }
    for event in project.events {
        let level = if project.has_levels() {
            format!(" [{}]", event.level)
        } else {
            String::new()
        };
        if event.description.is_empty() {
            let _ = writeln!(out, "  - {}{level}", event.name);
        } else {
            let _ = writeln!(out, "  - {}{level}: {}", event.name, event.description);
        }
    }
    if project.has_levels() {
        let levels: Vec<String> = project
            .levels
            .iter()
            .map(|l| format!("{} ({})", l.name, l.category.as_str()))
            .collect();
        let first = project.levels[0].name;
        let mut ways = vec![format!("{}={first}", project.env_var)];
        if let Some(file) = &project.config_file {
            ways.push(format!("`{}` in {}", file.key, file.path));
        }
        let _ = writeln!(
            out,
            "Levels, least data first: {}; each includes the ones before it. Choose one with {}.",
            levels.join(", "),
            or_list(&ways)
        );
    }
    if !project.context.is_empty() {
        let context: Vec<String> = project
            .context
            .iter()
            .map(|field| {
                match field {
                    ContextField::ProgramVersion => "the program version (major.minor)",
                    ContextField::OsFamily => "the OS family",
                    ContextField::Arch => "the CPU architecture",
                    ContextField::Hour => "the hour (UTC)",
                    ContextField::SessionId => "a random session id renewed daily",
                }
                .to_owned()
            })
            .collect();
        let _ = writeln!(out, "Each carries {}.", and_list(&context));
    }
    let _ = writeln!(
        out,
        "Never sent: paths, file names, free text, IP addresses, or ids of you or your machine."
    );
    if let Some(place) = project.data_dictionary {
        let _ = writeln!(out, "Everything that is sent is described in {place}");
    }
    let _ = writeln!(
        out,
        "See each event instead of sending it: {}=1",
        project.debug_env_var
    );
    let ways: Vec<String> = project
        .opt_out
        .iter()
        .map(|way| match way.kind {
            OptOutKind::Command => format!("`{}`", way.how),
            _ => way.how.to_owned(),
        })
        .collect();
    if !ways.is_empty() {
        let _ = writeln!(out, "Opt out with {}.", or_list(&ways));
    }
    let _ = writeln!(
        out,
        "This notice is shown again only if a later version sends more."
    );
    out
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
