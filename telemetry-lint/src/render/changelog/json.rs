//! The changelog as the JSON document of `docs/json-output.md`: the model's changes
//! as they are, events and fields added or removed as in `TELEMETRY.json`.

use serde::Serialize;

use super::{
    BudgetChange, Change, Changelog, ExpiryChange, FieldChange, Raise, RetentionChange, Side,
};
use crate::render::json as doc_json;

/// The version of the changelog document's shape.
const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonChangelog<'a> {
    version: u32,
    old: JsonSide<'a>,
    new: JsonSide<'a>,
    changed: bool,
    privacy_budget: &'a [BudgetChange],
    categories_raised: &'a [Raise],
    project: &'a [Change],
    policy: &'a [Change],
    governance: &'a [Change],
    events_added: Vec<doc_json::Event<'a>>,
    events_removed: Vec<doc_json::Event<'a>>,
    events_changed: Vec<JsonEventChange<'a>>,
    retention: &'a [RetentionChange],
    expiry: &'a [ExpiryChange],
}

#[derive(Serialize)]
struct JsonSide<'a> {
    source: &'a str,
    project: &'a str,
    absent: bool,
}

#[derive(Serialize)]
struct JsonEventChange<'a> {
    event: &'a str,
    changes: &'a [Change],
    fields_added: Vec<doc_json::Field<'a>>,
    fields_removed: Vec<doc_json::Field<'a>>,
    fields_changed: &'a [FieldChange],
}

/// Renders the changelog as the JSON document of `docs/json-output.md`,
/// pretty-printed with a final newline.
pub fn render_json(log: &Changelog<'_>) -> String {
    fn side(s: &Side) -> JsonSide<'_> {
        JsonSide {
            source: &s.label,
            project: &s.valid.project.name.value,
            absent: s.absent,
        }
    }
    let (om, nm) = (&log.old.valid, &log.new.valid);
    let document = JsonChangelog {
        version: JSON_VERSION,
        old: side(log.old),
        new: side(log.new),
        changed: !log.is_empty(),
        privacy_budget: &log.budget,
        categories_raised: &log.raised,
        project: &log.project,
        policy: &log.policy,
        governance: &log.governance,
        events_added: log
            .added
            .iter()
            .map(|e| doc_json::event_entry(nm, e))
            .collect(),
        events_removed: log
            .removed
            .iter()
            .map(|e| doc_json::event_entry(om, e))
            .collect(),
        events_changed: log
            .changed
            .iter()
            .map(|c| JsonEventChange {
                event: c.event,
                changes: &c.changes,
                fields_added: c
                    .fields_added
                    .iter()
                    .map(|(g, f)| doc_json::field_entry(*g, f))
                    .collect(),
                fields_removed: c
                    .fields_removed
                    .iter()
                    .map(|(g, f)| doc_json::field_entry(*g, f))
                    .collect(),
                fields_changed: &c.fields_changed,
            })
            .collect(),
        retention: &log.retention,
        expiry: &log.expiry,
    };
    doc_json::to_pretty(&document)
}
