//! The plain-language sentences the data dictionaries for people share
//! (`TELEMETRY.md` and `TELEMETRY.html`): how to opt out, when telemetry is on, how
//! to see every record, where records go and which files the program writes, what a
//! record's `count` means, and what is never collected. Each is derived from the
//! manifest, so no sentence says something an event contradicts.
//!
//! A sentence is a [`Line`]: plain text and code, kept apart, so that each renderer
//! escapes manifest text its own way (Markdown escapes, HTML elements) and never
//! parses it back.

use telemetry_manifest::text::telemetry_debug_env_var;
use telemetry_manifest::{
    Category, ConsentModel, EventDef, Expiry, FieldDef, FieldType, ValidManifest, ValidProject,
};

/// A piece of a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Running text; manifest text too, escaped by the renderer.
    Text(String),
    /// Code: a variable, a flag, a command, a file or a field name.
    Code(String),
}

/// One sentence or list item, as pieces.
pub(crate) type Line = Vec<Piece>;

fn t(text: impl Into<String>) -> Piece {
    Piece::Text(text.into())
}

fn c(text: impl Into<String>) -> Piece {
    Piece::Code(text.into())
}

/// One list item per declared way to opt out, in the manifest's order.
pub(crate) fn opt_out(project: &ValidProject) -> Vec<Line> {
    project
        .opt_out
        .iter()
        .map(|(kind, how)| {
            let how = how.value.clone();
            match *kind {
                "env" => vec![t("set the environment variable "), c(how)],
                "flag" => vec![t("pass the command-line flag "), c(how)],
                "command" => vec![t("run "), c(how)],
                "config" => vec![t("in the configuration: "), c(how)],
                "do_not_track" => vec![t("set "), c("DO_NOT_TRACK=1"), t(", which is honoured")],
                other => vec![t(format!("{other}: ")), c(how)],
            }
        })
        .collect()
}

/// When telemetry is on: the consent model in one paragraph.
pub(crate) fn consent(project: &ValidProject) -> &'static str {
    match project.consent {
        ConsentModel::OptIn => {
            "Telemetry is off until you turn it on (opt-in): nothing is sent before you choose."
        }
        ConsentModel::OptOut => {
            "Telemetry is on until you turn it off (opt-out). The first time it would be on, the program prints a notice saying what is collected and how to opt out, and sends nothing in that run."
        }
    }
}

/// The debug-mode variable of the project: `ACME_TELEMETRY_DEBUG`.
pub(crate) fn debug_env_var(project: &ValidProject) -> String {
    telemetry_debug_env_var(&project.name.value)
}

/// How to see every record before it is sent: debug mode, under the variable the
/// runtime reads for the project's name (`docs/runtime.md`, "Debug mode").
pub(crate) fn debug_mode(project: &ValidProject) -> Vec<Line> {
    vec![
        vec![
            t("Run the program with the environment variable "),
            c(format!("{}=1", debug_env_var(project))),
            t(
                " set, and it prints every record to its error output (stderr), one per line, exactly as it would be sent, and sends nothing at all, not even later.",
            ),
        ],
        vec![
            t(
                "When telemetry is off it prints one line saying why, and nothing else; any problem it meets is printed on a line starting with ",
            ),
            c("telemetry:"),
            t("."),
        ],
    ]
}

/// Where the records go: the project's collector. When the manifest does not say
/// who can see the data there (`governance.access`), the contact is named to ask.
pub(crate) fn destination(manifest: &ValidManifest) -> Line {
    let project = &manifest.project;
    let mut line = vec![t(format!(
        "Records are sent over the network to the collector that the maintainers of {} run.",
        project.name.value
    ))];
    let access_answered = manifest
        .governance
        .answer(telemetry_manifest::GovernanceKey::Access)
        .is_some();
    if let Some(contact) = project.contact.as_ref().filter(|_| !access_answered) {
        line.push(t(format!(
            " Ask {} who can read them there.",
            contact.value
        )));
    }
    line
}

/// The local files the runtime writes, with what each holds (`docs/runtime.md`,
/// "Files"): the consent file and the notice marker, in the configuration
/// directory for the project's name, and a spool file where the program keeps one
/// (its place is the program's choice, which the manifest does not record).
pub(crate) fn local_files(project: &ValidProject) -> (Line, Vec<Line>) {
    let name = &project.name.value;
    let intro = vec![
        t(
            "The telemetry runtime writes only these files on your machine, in the program's configuration directory (",
        ),
        c(format!("~/.config/{name}")),
        t(" on Linux, "),
        c(format!("~/Library/Application Support/{name}")),
        t(" on macOS, "),
        c(format!("%APPDATA%\\{name}\\config")),
        t(" on Windows), and nothing while telemetry is off except your choice to turn it off:"),
    ];
    let files = vec![
        vec![
            c("telemetry-consent"),
            t(": your choice, "),
            c("enabled"),
            t(" or "),
            c("disabled"),
            t(", when you turned telemetry on or off with a command"),
        ],
        vec![
            c("telemetry-notice"),
            t(": a one-line marker saying the first-run notice was shown"),
        ],
        vec![t(
            "a spool file, only if the program keeps records on disk until they are sent, where the program chooses: the same records debug mode prints, one per line",
        )],
    ];
    (intro, files)
}

/// What a record's `count` means, and over which period: one hour, UTC
/// (`docs/runtime.md`, "Records" and "Delivery").
pub(crate) fn count(project: &ValidProject) -> Line {
    let mut line = vec![
        t(
            "The program counts events on your machine and sends one record for each event and combination of field values per hour, instead of one record each time. Such a record carries a ",
        ),
        c("count"),
        t(
            ": how many times that event happened with exactly those field values within that hour (UTC)",
        ),
    ];
    if project
        .context
        .contains(&telemetry_manifest::ContextField::Hour)
    {
        line.extend([t(", which its "), c("hour"), t(" names")]);
    }
    line.push(t(". A count tells how often, never when within the hour."));
    line
}

/// The fields through which users' choices (the `interaction` data category) are
/// sent, as `event.field`, sorted: what is sent about the command line.
fn choices(manifest: &ValidManifest) -> Vec<String> {
    let mut out: Vec<String> = manifest
        .events
        .iter()
        .flat_map(|event| {
            event
                .all_fields(manifest)
                .into_iter()
                .filter(|f| f.category.value == Category::Interaction)
                .map(move |f| format!("{}.{}", event.name.value, f.name.value))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The paragraph before the list of what is never collected.
pub(crate) const NEVER_COLLECTED_INTRO: &str = "Every field has a type from a small, closed vocabulary (yes/no, counts, values from a fixed list, duration and size buckets, operating system family, CPU architecture, `major.minor` version), and the build fails when a field's type could carry anything else. So these are never sent:";

/// What is never sent, one line each. The line about the command line names the
/// fields that do say something about the user's choices, when there are any.
pub(crate) fn never_collected(manifest: &ValidManifest) -> Vec<Line> {
    let choices = choices(manifest);
    let mut lines: Vec<Line> = vec![vec![t("file and directory paths, and file names")]];
    if choices.is_empty() {
        lines.push(vec![t(
            "free text: what you type, search queries, messages, command-line arguments",
        )]);
    } else {
        lines.push(vec![t(
            "free text: what you type, search queries, messages",
        )]);
        let mut line = vec![t(
            "the command line as you typed it: of what you asked the program to do, only the choices these fields name are sent, each as one value of a fixed list: ",
        )];
        for (i, choice) in choices.into_iter().enumerate() {
            if i > 0 {
                line.push(t(", "));
            }
            line.push(c(choice));
        }
        lines.push(line);
    }
    for text in [
        "IP addresses, host names, URLs and other network addresses",
        "identifiers that single out you or your machine: user names, e-mail addresses, device or installation ids; a session id, when sent, is random and drawn anew at least once a day",
        "exact times and durations: durations are sent as coarse buckets, and an event's time, when sent at all, is rounded down to the hour",
        "the contents of your files, raw bytes, and open-ended data such as maps or lists",
        "detailed system specifications: the operating system family is sent, not its version; a size bucket, not a byte count",
    ] {
        lines.push(vec![t(text)]);
    }
    lines
}

/// The values a field may take: a count's range, `major.minor` for a version, or
/// the declared values (enum values, bucket labels), each as code.
pub(crate) fn values(field: &FieldDef) -> Line {
    let possible = field.possible_values();
    match field.ty.value {
        FieldType::Count if field.bounds.is_empty() => match field.max {
            Some(max) => vec![t(format!("0 to {max} (larger counts are sent as {max})"))],
            None => vec![t("any whole number from 0")],
        },
        FieldType::Version => vec![c("major.minor")],
        _ if possible.is_empty() => vec![t("none declared")],
        _ => {
            let mut line = Vec::with_capacity(possible.len() * 2);
            for (i, value) in possible.iter().enumerate() {
                if i > 0 {
                    line.push(t(", "));
                }
                line.push(c(value.as_str()));
            }
            line
        }
    }
}

/// How long an event's records are kept: `30 days`, or the project's default
/// marked as such.
pub(crate) fn retention(manifest: &ValidManifest, event: &EventDef) -> String {
    match &event.retention_days {
        Some(own) => crate::render::markdown::days(own.value),
        None => format!(
            "{} (the project's default)",
            crate::render::markdown::days(manifest.project.retention_days.value)
        ),
    }
}

/// Until when an event is collected: its expiry date, `no end date`, or `not
/// stated`.
pub(crate) fn expiry(event: &EventDef) -> String {
    match &event.expires {
        Some(expiry) => match expiry.value {
            Expiry::On(date) => date.to_string(),
            Expiry::Never => "no end date".to_owned(),
        },
        None => "not stated".to_owned(),
    }
}

/// The data categories of an event's fields (its own and its groups'), from least
/// to most sensitive, without repeats.
pub(crate) fn categories(manifest: &ValidManifest, event: &EventDef) -> Vec<Category> {
    let mut categories: Vec<Category> = event
        .all_fields(manifest)
        .iter()
        .map(|f| f.category.value)
        .collect();
    categories.sort_unstable();
    categories.dedup();
    categories
}

/// Whether the manifest declares any noise, sampling or privacy budget: the
/// documents leave the privacy budget and each event's privacy lines out otherwise,
/// so a manifest without them renders as before.
pub(crate) fn declares_privacy(manifest: &ValidManifest) -> bool {
    manifest.policy.max_epsilon_per_day.is_some()
        || manifest.events.iter().any(|e| {
            e.sample_rate < 1.0 || e.all_fields(manifest).iter().any(|f| f.noise.is_some())
        })
}

/// A field's local differential privacy mechanism: `randomized response, epsilon 1`.
pub(crate) fn noise_words(noise: &telemetry_manifest::FieldNoise) -> String {
    let name = match noise.mechanism {
        telemetry_manifest::Mechanism::RandomizedResponse => "randomized response",
        telemetry_manifest::Mechanism::Geometric => "geometric noise",
    };
    format!("{name}, epsilon {}", noise.epsilon)
}

/// The share of occurrences an event's sampling rate sends: `1 in 4 (0.25)`, `all`.
pub(crate) fn sampling_words(rate: f64) -> String {
    if rate >= 1.0 {
        "all".to_owned()
    } else {
        format!("1 in {:.0} ({rate})", 1.0 / rate)
    }
}

/// Whether an event is locally private, and its epsilon per report:
/// `locally private, epsilon 2.5 per report` or `not locally private`.
pub(crate) fn privacy(manifest: &ValidManifest, event: &EventDef) -> String {
    match telemetry_manifest::EventBudget::of(manifest, event).per_report {
        Some(epsilon) => format!("locally private, epsilon {epsilon} per report"),
        None => "not locally private".to_owned(),
    }
}
