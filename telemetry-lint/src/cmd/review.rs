//! `cargo telemetry-lint review`: writes the data review request for new or
//! changed events, answered from the manifest (`render::review`).
//!
//! The events under review are those named on the command line, or, with
//! `--since OLD` (`git:REV` or a file, read as `diff` reads it), those that the
//! changelog from `OLD` to the manifest lists as added or changed (fields, metadata,
//! a raised data category, retention or expiry), or every event. The questions are
//! those of Mozilla's request for data-collection review
//! (<https://github.com/mozilla/data-review/blob/main/request.md>) and the four
//! concerns of the Linux Foundation's telemetry policy
//! (<https://bestpractices.linuxfoundation.org/privacy/telemetry.html>). Exit code 1
//! when an answer the policy requires is missing, 0 otherwise (questions the
//! manifest has no place for are listed, to be answered by hand, and do not count);
//! 2 when the manifest or `OLD` cannot be read or an event is unknown.

use std::collections::BTreeSet;

use telemetry_manifest::EventDef;
use telemetry_manifest::text::closest;

use crate::Format;
use crate::cli;
use crate::cmd::diff::load_side;
use crate::cmd::{Color, emit, print_out, refuse_format};
use crate::load;
use crate::render::changelog::{self, Side};
use crate::render::review::{self, Scope};

/// Runs `review`; returns the exit code.
pub(crate) fn run(
    global: &cli::GlobalArgs,
    args: &cli::ReviewArgs,
    format: Format,
    color: Color,
) -> i32 {
    if let Some(code) = refuse_format("review", format, "markdown, human, json") {
        return code;
    }
    let loaded = match load::load(global.manifest_path.as_deref(), global.manifest.as_deref()) {
        Ok(loaded) => loaded,
        Err(report) => return emit(&report, format, color),
    };
    let manifest = &loaded.valid;
    let (names, scope): (BTreeSet<String>, Scope) = if let Some(since) = &args.since {
        let path = global
            .manifest
            .clone()
            .unwrap_or_else(|| loaded.workspace.root.join("telemetry.yaml"));
        let mut workspace_manifest = || Ok(path.clone());
        let old = match load_side(since, &mut workspace_manifest) {
            Ok(old) => old,
            Err(report) => return emit(&report, format, color),
        };
        match old {
            None => (
                manifest
                    .events
                    .iter()
                    .map(|e| e.name.value.clone())
                    .collect(),
                Scope::Since {
                    label: since.clone(),
                    absent: true,
                },
            ),
            Some(old) => {
                let new = Side {
                    label: loaded.shown_path.clone(),
                    valid: manifest.clone(),
                    absent: false,
                };
                (
                    changed_events(&old, &new),
                    Scope::Since {
                        label: since.clone(),
                        absent: false,
                    },
                )
            }
        }
    } else if args.events.is_empty() {
        (
            manifest
                .events
                .iter()
                .map(|e| e.name.value.clone())
                .collect(),
            Scope::All,
        )
    } else {
        let known: Vec<&str> = manifest
            .events
            .iter()
            .map(|e| e.name.value.as_str())
            .collect();
        for name in &args.events {
            if manifest.event(name).is_none() {
                let hint = match closest(name, &known) {
                    Some(near) => format!("; did you mean `{near}`?"),
                    None => format!("; it declares {}", known.join(", ")),
                };
                eprintln!(
                    "error: `{name}` is not an event of {}{hint}",
                    loaded.shown_path
                );
                return 2;
            }
        }
        (args.events.iter().cloned().collect(), Scope::Named)
    };
    let events: Vec<&EventDef> = manifest
        .events
        .iter()
        .filter(|e| names.contains(&e.name.value))
        .collect();
    let request = review::build(manifest, &loaded.text, &loaded.shown_path, &events, scope);
    match format {
        Format::Json => print_out(&review::render_json(&request)),
        _ => print_out(&review::render_markdown(&request)),
    }
    i32::from(request.required_missing() > 0)
}

/// The events of `new` that the changelog from `old` lists: added, changed, with a
/// raised data category, or with a new retention or expiry.
fn changed_events(old: &Side, new: &Side) -> BTreeSet<String> {
    let log = changelog::compute(old, new);
    let mut names: BTreeSet<String> = BTreeSet::new();
    names.extend(log.added.iter().map(|e| e.name.value.clone()));
    names.extend(log.changed.iter().map(|c| c.event.to_owned()));
    names.extend(log.raised.iter().map(|r| r.event.clone()));
    names.extend(log.expiry.iter().map(|e| e.event.clone()));
    names.extend(log.retention.iter().filter_map(|r| r.event.clone()));
    names.retain(|n| new.valid.event(n).is_some());
    names
}
