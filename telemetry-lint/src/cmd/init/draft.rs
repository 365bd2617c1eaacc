//! The draft manifest `init` writes.
//!
//! The draft is built as a value and written by serde-saphyr's serializer, never by
//! pasting text together: every name, doc comment, Rust type and path from the
//! scanned code reaches the YAML as a scalar the serializer quotes as needed, so a
//! doc comment such as `Set for admins, otherwise unset` cannot break the document.
//!
//! The notes for the person who finishes the draft are YAML comments, also written
//! by the serializer: with [`CommentPosition::Above`], a [`Commented`] mapping gets
//! its comment on a line of its own at the top of its block, and the serializer
//! keeps each comment to one line. [`Noted`] stacks several such lines. So the
//! header sits above the document, the opt-out hint at the top of `project`, the
//! struct's (or variant's) place and the `since`/`expires` hints at the top of each
//! event, and one line per left-out field at the top of the event's `fields` (past
//! [`MAX_NOTE_LINES`], the rest share one line):
//!
//! ```yaml
//! # Draft telemetry manifest, written by `cargo telemetry-lint init --all-structs`
//! # ...
//! version: 1
//! project:
//!   # opt_out: { env: NAME=0, flag: --no-telemetry }   (how users turn telemetry off)
//!   name: acme
//!   contact: TODO
//!   retention_days: 90
//!
//! events:
//!   search_run:
//!     # struct SearchRun (src/events.rs:4)
//!     # since: 0.0.0          (the first version that sends this event)
//!     # expires: YYYY-MM-DD   (the date collection stops, or `never`)
//!     description: A search ran.
//!     purpose: TODO
//!     owner: TODO
//!     fields:
//!       # left out `query: String` (src/events.rs:5), TL006 free-text-field: ...
//!       # `buckets: [1, 10, 100, 1000]` is a first guess for each count of things: set the bounds a decision needs
//!       hits: {type: count, buckets: [1, 10, 100, 1000], category: technical, description: TODO}
//! ```
//!
//! A `count` needs `max` or `buckets` (an unbounded count could carry a hash of a
//! user name), so the draft gives a count of things (`hits`, `error_count`,
//! `num_retries`) buckets of orders of magnitude, and any other count
//! [`DRAFT_COUNT_MAX`], and says so.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_saphyr::{CommentPosition, Commented, FlowMap, FlowSeq, SerializerOptions, SpaceAfter};

use telemetry_manifest::FieldType;

use super::{DRAFT_RETENTION_DAYS, DraftEvent, DraftField, FieldOutcome, InitReport};
use crate::report::{Diagnostic, plural};

/// What stands in for an answer only a person can give.
const TODO: &str = "TODO";

/// The fixed lines of the header, after the two that name the command and its input.
const HEADER_TODO: [&str; 2] = [
    "Every TODO needs a real answer, and `since`, `expires` and `opt_out` are left out",
    "until someone decides them: `cargo telemetry-lint` fails until then.",
];

/// How users turn telemetry off: left for a person to decide.
const OPT_OUT_HINT: &str =
    "opt_out: { env: NAME=0, flag: --no-telemetry }   (how users turn telemetry off)";

/// The most comment lines in a row the draft writes for left-out fields. The manifest
/// loader refuses a run of more than 32 comment lines before a mapping entry
/// (serde-saphyr's default `Budget::max_buffered_comment_events`).
const MAX_NOTE_LINES: usize = 24;

/// The `max` the draft gives a count that is not a number of things, a first guess
/// for a person to revise: a count needs `max` or `buckets`, and a draft must
/// validate.
pub(super) const DRAFT_COUNT_MAX: u64 = 100;

/// The `buckets` the draft gives a count of things (`files`, `error_count`,
/// `num_retries`): orders of magnitude, a first guess for a person to revise.
const DRAFT_COUNT_BUCKETS: [u64; 4] = [1, 10, 100, 1000];

/// The note beside counts drafted with buckets.
const COUNT_BUCKETS_NOTE: &str = "`buckets: [1, 10, 100, 1000]` is a first guess for each count of things: set the bounds a decision needs";

/// Whether a count's name says it counts things (`files`, `error_count`,
/// `num_retries`, `total_runs`): such a count is drafted with buckets of orders of
/// magnitude, since no one `max` fits all projects.
fn counts_things(name: &str) -> bool {
    let words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).collect();
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    matches!(*last, "count" | "counts" | "total" | "number")
        || matches!(*first, "num" | "n" | "count" | "total" | "number")
        || (last.len() > 3 && last.ends_with('s') && !last.ends_with("ss") && !last.ends_with("us"))
}

/// The note above the fields of an event whose counts got [`DRAFT_COUNT_MAX`].
const COUNT_MAX_NOTE: &str = "`max: 100` is a first guess for each count: set the largest count worth telling apart, or `buckets: [1, 10, 100]`";

/// The event metadata left for a person to decide.
const EVENT_HINTS: [&str; 2] = [
    "since: 0.0.0          (the first version that sends this event)",
    "expires: YYYY-MM-DD   (the date collection stops, or `never`)",
];

/// The draft `telemetry.yaml` for `report`: `project` is the project's name, `roots`
/// the scanned paths as shown.
pub(super) fn draft_yaml(report: &InitReport, project: &str, roots: &[String]) -> String {
    let kept: usize = report.events.iter().map(DraftEvent::kept).sum();
    let left: usize = report
        .events
        .iter()
        .map(|e| e.fields.len() - e.kept())
        .sum();
    let mut header = vec![
        format!(
            "Draft telemetry manifest, written by `cargo telemetry-lint init {}`",
            report.selector.flag()
        ),
        format!(
            "from {} ({}, {} kept, {left} left out).",
            roots.join(", "),
            plural(report.events.len(), "event"),
            plural(kept, "field"),
        ),
    ];
    header.extend(HEADER_TODO.map(str::to_owned));
    let opt_out = [OPT_OUT_HINT.to_owned()];
    let events: Vec<EventDraft<'_>> = report
        .events
        .iter()
        .map(|event| EventDraft::new(report, event))
        .collect();
    let document = Noted {
        notes: &header,
        value: &Document {
            version: 1,
            project: SpaceAfter(Noted {
                notes: &opt_out,
                value: &ProjectDraft {
                    name: project,
                    contact: TODO,
                    retention_days: DRAFT_RETENTION_DAYS,
                },
            }),
            events: Events(&events),
        },
    };
    let mut options = SerializerOptions::default();
    options.comment_position = CommentPosition::Above;
    // One line per description, as a person would write it; never `>` or `|`.
    options.prefer_block_scalars = false;
    serde_saphyr::to_string_with_options(&document, options).unwrap_or_else(|error| {
        let error = error.to_string().replace(['\n', '\r'], " ");
        format!("# init could not write the draft manifest: {error}\n")
    })
}

/// A value with YAML comment lines at the top of its block, one [`Commented`] each
/// (the first line outermost, so the lines keep their order).
struct Noted<'n, T> {
    notes: &'n [String],
    value: &'n T,
}

impl<T: Serialize> Serialize for Noted<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.notes.split_first() {
            None => self.value.serialize(serializer),
            Some((first, rest)) => Commented(
                Noted {
                    notes: rest,
                    value: self.value,
                },
                first.clone(),
            )
            .serialize(serializer),
        }
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    project: SpaceAfter<Noted<'a, ProjectDraft<'a>>>,
    events: Events<'a>,
}

#[derive(Serialize)]
struct ProjectDraft<'a> {
    name: &'a str,
    contact: &'a str,
    retention_days: u32,
}

/// The events, in the report's order, a blank line between two.
struct Events<'a>(&'a [EventDraft<'a>]);

impl Serialize for Events<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (index, event) in self.0.iter().enumerate() {
            let value = Noted {
                notes: &event.notes,
                value: &event.body,
            };
            if index + 1 < self.0.len() {
                map.serialize_entry(event.name, &SpaceAfter(value))?;
            } else {
                map.serialize_entry(event.name, &value)?;
            }
        }
        map.end()
    }
}

/// One event of the draft, with the notes at the top of its block and of its fields.
struct EventDraft<'a> {
    name: &'a str,
    /// Where the struct is, then the hints for `since` and `expires`.
    notes: Vec<String>,
    body: EventBody<'a>,
}

#[derive(Serialize)]
struct EventBody<'a> {
    description: &'a str,
    purpose: &'a str,
    owner: &'a str,
    fields: FieldsDraft<'a>,
}

/// The kept fields, in declaration order, under one line per left-out field.
struct FieldsDraft<'a> {
    left_out: Vec<String>,
    kept: Vec<(&'a str, FlowMap<FieldDraft<'a>>)>,
}

#[derive(Serialize)]
struct FieldDraft<'a> {
    #[serde(rename = "type")]
    ty: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    values: Option<FlowSeq<&'a [String]>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    buckets: Option<FlowSeq<&'static [u64]>>,
    category: &'a str,
    description: &'a str,
}

impl<'a> EventDraft<'a> {
    fn new(report: &'a InitReport, event: &'a DraftEvent) -> Self {
        // A variant's event is named `Enum::Variant`.
        let kind = if event.struct_name.contains("::") {
            "variant"
        } else {
            "struct"
        };
        let mut notes = vec![format!(
            "{kind} {} ({}:{})",
            event.struct_name, event.source.path, event.source.line
        )];
        notes.extend(EVENT_HINTS.map(str::to_owned));
        let mut kept = Vec::new();
        let mut left_out = Vec::new();
        for field in &event.fields {
            match &field.outcome {
                FieldOutcome::Kept {
                    ty,
                    values,
                    category,
                    ..
                } => kept.push((
                    field.name.as_str(),
                    FlowMap(FieldDraft {
                        ty: ty.as_str(),
                        values: (!values.is_empty()).then_some(FlowSeq(values.as_slice())),
                        max: (*ty == FieldType::Count && !counts_things(&field.name))
                            .then_some(DRAFT_COUNT_MAX),
                        buckets: (*ty == FieldType::Count && counts_things(&field.name))
                            .then_some(FlowSeq(DRAFT_COUNT_BUCKETS.as_slice())),
                        category,
                        description: field.doc.as_deref().unwrap_or(TODO),
                    }),
                )),
                FieldOutcome::Rejected { finding } => {
                    left_out.push((field, report.findings.get(*finding)));
                }
            }
        }
        let mut field_notes = left_out_notes(&left_out);
        if kept.iter().any(|(_, field)| field.0.max.is_some()) {
            field_notes.push(COUNT_MAX_NOTE.to_owned());
        }
        if kept.iter().any(|(_, field)| field.0.buckets.is_some()) {
            field_notes.push(COUNT_BUCKETS_NOTE.to_owned());
        }
        EventDraft {
            name: &event.name,
            notes,
            body: EventBody {
                description: event.doc.as_deref().unwrap_or(TODO),
                purpose: TODO,
                owner: TODO,
                fields: FieldsDraft {
                    left_out: field_notes,
                    kept,
                },
            },
        }
    }
}

/// One comment line per left-out field, with its Rust type, place and rule; past
/// [`MAX_NOTE_LINES`], the rest share the last line, without the rule's reason.
fn left_out_notes(left_out: &[(&DraftField, Option<&Diagnostic>)]) -> Vec<String> {
    let place = |field: &DraftField| {
        format!(
            "`{}: {}` ({}:{}",
            field.name, field.rust_type, field.source.path, field.source.line
        )
    };
    let own_lines = if left_out.len() > MAX_NOTE_LINES {
        MAX_NOTE_LINES - 1
    } else {
        left_out.len()
    };
    let (first, rest) = left_out.split_at(own_lines);
    let mut notes: Vec<String> = first
        .iter()
        .map(|(field, finding)| {
            let why = finding
                .and_then(|f| f.why.as_deref())
                .map_or_else(String::new, |why| format!(": {why}"));
            let heading = finding.map_or_else(String::new, |f| format!(", {}", f.heading()));
            format!("left out {}){heading}{why}", place(field))
        })
        .collect();
    if !rest.is_empty() {
        let listed: Vec<String> = rest
            .iter()
            .map(|(field, finding)| {
                let rule = finding.map_or_else(String::new, |f| format!(", {}", f.heading()));
                format!("{}{rule})", place(field))
            })
            .collect();
        notes.push(format!(
            "and {} more left out: {}",
            rest.len(),
            listed.join("; ")
        ));
    }
    notes
}

impl Serialize for FieldsDraft<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Noted {
            notes: &self.left_out,
            value: &KeptFields(&self.kept),
        }
        .serialize(serializer)
    }
}

struct KeptFields<'k, 'a>(&'k [(&'a str, FlowMap<FieldDraft<'a>>)]);

impl Serialize for KeptFields<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, field) in self.0 {
            map.serialize_entry(name, field)?;
        }
        map.end()
    }
}
