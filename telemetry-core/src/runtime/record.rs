//! The record: what a program sends for an event, as compact JSON text.
//!
//! `{"event":"<name>","fields":{...sorted by name},"context":{...},"count":n}`:
//! `fields` is exactly [`TelemetryEvent::payload`](crate::TelemetryEvent::payload)'s
//! `"fields"`, `context` holds the manifest's `project.context` keys in order (left
//! out when it lists none), and `count` appears only in a summary. The text is
//! written by hand, key by key, so the order of the keys does not depend on which
//! serde_json features the program's build enables.

use crate::PayloadValue;

use super::context::{ContextValues, push_str_json};

/// Appends one field value as JSON.
fn push_value(out: &mut String, value: PayloadValue) {
    match value {
        PayloadValue::Null => out.push_str("null"),
        PayloadValue::Bool(true) => out.push_str("true"),
        PayloadValue::Bool(false) => out.push_str("false"),
        PayloadValue::Count(count) => out.push_str(&count.to_string()),
        PayloadValue::NoisyCount(count) => out.push_str(&count.to_string()),
        PayloadValue::Label(label) => push_str_json(out, label),
        PayloadValue::Version { major, minor } => {
            out.push_str(&format!("\"{major}.{minor}\""));
        }
    }
}

/// A record's JSON text. `fields` are sorted here, by name.
pub(crate) fn record_json(
    event: &str,
    fields: &mut [(&'static str, PayloadValue)],
    context: &ContextValues<'_>,
    count: Option<u64>,
) -> String {
    fields.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::with_capacity(128 + 32 * fields.len());
    out.push_str("{\"event\":");
    push_str_json(&mut out, event);
    out.push_str(",\"fields\":{");
    for (index, (name, value)) in fields.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        push_str_json(&mut out, name);
        out.push(':');
        push_value(&mut out, *value);
    }
    out.push('}');
    if !context.keys.is_empty() {
        out.push_str(",\"context\":{");
        for (index, key) in context.keys.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            push_str_json(&mut out, key.as_str());
            out.push(':');
            context.write_value(*key, &mut out);
        }
        out.push('}');
    }
    if let Some(count) = count {
        out.push_str(",\"count\":");
        out.push_str(&count.to_string());
    }
    out.push('}');
    out
}
