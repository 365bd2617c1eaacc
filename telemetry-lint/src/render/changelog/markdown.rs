//! The changelog as Markdown, for release notes: one section per kind of change,
//! the data categories raised first.

use std::fmt::Write as _;

use serde_json::Value;
use telemetry_manifest::text::{markdown_code, markdown_inline};
use telemetry_manifest::{FieldDef, FieldType, GroupDef};

use super::{Change, Changelog};
use crate::render::json as doc_json;
use crate::render::markdown::days as plural_u32_days;

/// A scalar value for a Markdown line: text quoted, `not stated` for null.
fn quoted(value: &Value) -> String {
    match value {
        Value::Null => "not stated".to_owned(),
        Value::String(s) => format!("“{}”", markdown_inline(s)),
        other => other.to_string(),
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|list| {
            list.iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `added `a`, `b`; removed `c``, for lists whose order does not matter.
fn list_delta(old: &Value, new: &Value) -> String {
    let (old, new) = (strings(old), strings(new));
    let added: Vec<String> = new
        .iter()
        .filter(|v| !old.contains(v))
        .map(|v| markdown_code(v))
        .collect();
    let removed: Vec<String> = old
        .iter()
        .filter(|v| !new.contains(v))
        .map(|v| markdown_code(v))
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {}", added.join(", ")));
    }
    if !removed.is_empty() {
        parts.push(format!("removed {}", removed.join(", ")));
    }
    if parts.is_empty() {
        parts.push("reordered".to_owned());
    }
    parts.join("; ")
}

fn code_list(value: &Value) -> String {
    let items = strings(value);
    if items.is_empty() {
        "none".to_owned()
    } else {
        markdown_code(&items.join(", "))
    }
}

fn waiver_lines(old: &Value, new: &Value) -> Vec<String> {
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let (old, new) = (list(old), list(new));
    let describe = |w: &Value| {
        let rule = w["rule"].as_str().unwrap_or("?");
        let reason = w["reason"]
            .as_str()
            .map(markdown_inline)
            .unwrap_or_default();
        match w["review"].as_str() {
            Some(review) => format!(
                "{rule} (“{reason}”, reviewed in {})",
                markdown_inline(review)
            ),
            None => format!("{rule} (“{reason}”)"),
        }
    };
    let mut lines = Vec::new();
    for w in new.iter().filter(|w| !old.contains(w)) {
        lines.push(format!("waiver added: {}", describe(w)));
    }
    for w in old.iter().filter(|w| !new.contains(w)) {
        lines.push(format!("waiver removed: {}", describe(w)));
    }
    lines
}

/// One change as Markdown, without the leading dash.
fn change_text(change: &Change) -> Vec<String> {
    let (old, new) = (&change.old, &change.new);
    let arrow = |a: String, b: String| vec![format!("{}: {a} → {b}", change.key)];
    match change.key {
        "type" | "category" | "consent" => arrow(
            markdown_code(old.as_str().unwrap_or("none")),
            markdown_code(new.as_str().unwrap_or("none")),
        ),
        "values" => vec![format!("values: {}", list_delta(old, new))],
        "context" => vec![format!("context: {}", list_delta(old, new))],
        "groups" => vec![format!("groups: {}", list_delta(old, new))],
        "allowed_categories" => vec![format!("allowed categories: {}", list_delta(old, new))],
        "required_metadata" => vec![format!("required metadata: {}", list_delta(old, new))],
        "required_governance" => vec![format!(
            "required governance answers: {}",
            list_delta(old, new)
        )],
        "processors" => vec![format!(
            "processors (third parties): {}",
            list_delta(old, new)
        )],
        "alternatives" => {
            let considered = |v: &Value| {
                v.as_array()
                    .map(|list| {
                        list.iter()
                            .filter_map(|a| a["considered"].as_str())
                            .map(|c| format!("“{}”", markdown_inline(c)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "none".to_owned())
            };
            arrow(considered(old), considered(new))
        }
        "buckets" => arrow(code_list(old), code_list(new)),
        "max" => arrow(
            old.as_u64()
                .map_or_else(|| "none".to_owned(), |n| n.to_string()),
            new.as_u64()
                .map_or_else(|| "none".to_owned(), |n| n.to_string()),
        ),
        "group" => arrow(
            old.as_str()
                .map_or_else(|| "none".to_owned(), markdown_code),
            new.as_str()
                .map_or_else(|| "none".to_owned(), markdown_code),
        ),
        "waivers" => waiver_lines(old, new),
        "opt_out" => {
            let map = |v: &Value| v.as_object().cloned().unwrap_or_default();
            let (old, new) = (map(old), map(new));
            let mut kinds: Vec<&String> = old.keys().chain(new.keys()).collect();
            kinds.sort_unstable();
            kinds.dedup();
            let how = |v: &Value| markdown_code(v.as_str().unwrap_or_default());
            let way = |kind: &str| match kind {
                "env" => "environment variable ",
                "flag" => "flag ",
                "command" => "command ",
                "config" => "configuration ",
                _ => "",
            };
            kinds
                .into_iter()
                .filter_map(|kind| {
                    let way = way(kind);
                    match (old.get(kind), new.get(kind)) {
                        (None, Some(n)) => Some(format!("opt-out added: {way}{}", how(n))),
                        (Some(o), None) => Some(format!("opt-out removed: {way}{}", how(o))),
                        (Some(o), Some(n)) if o != n => {
                            Some(format!("opt-out changed: {way}{} → {}", how(o), how(n)))
                        }
                        _ => None,
                    }
                })
                .collect()
        }
        "max_retention_days"
        | "max_expiry_days"
        | "max_events"
        | "max_combinations"
        | "allow_never_expires"
        | "max_epsilon_per_day"
        | "sample_rate"
        | "min_count" => arrow(old.to_string(), new.to_string()),
        "privacy" => {
            let words = |v: &Value| match v {
                Value::Null => "no noise".to_owned(),
                v => format!(
                    "{}, epsilon {}",
                    v["mechanism"].as_str().unwrap_or("?"),
                    v["epsilon"]
                ),
            };
            arrow(words(old), words(new))
        }
        _ => arrow(quoted(old), quoted(new)),
    }
}

fn field_summary(group: Option<&GroupDef>, field: &FieldDef) -> String {
    let shape = match (field.ty.value, field.max) {
        (FieldType::Enum, _) => format!(
            "enum of {}",
            field
                .values
                .iter()
                .map(|v| markdown_code(&v.value))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (FieldType::Count, Some(max)) => format!("count up to {max}"),
        (FieldType::Count, None) if !field.bounds.is_empty() => format!(
            "count in buckets {}",
            field
                .possible_values()
                .iter()
                .map(|l| markdown_code(l))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (ty, _) => ty.to_string(),
    };
    let mut out = format!("`{}` ({shape}; {}", field.name.value, field.category.value);
    if let Some(group) = group {
        let _ = write!(out, ", from group `{}`", group.name.value);
    }
    out.push(')');
    if let Some(description) = &field.description {
        let _ = write!(out, ": {}", markdown_inline(&description.value));
    }
    out
}

fn expiry_words(expiry: Option<&str>) -> String {
    match expiry {
        None => "not stated".to_owned(),
        Some("never") => "no end date".to_owned(),
        Some(date) => date.to_owned(),
    }
}

/// `epsilon 2`, or `no bound (not locally private)`.
fn epsilon_words(epsilon: Option<f64>) -> String {
    match epsilon {
        Some(e) => format!("epsilon {e}"),
        None => "no bound (not locally private)".to_owned(),
    }
}

/// The section "Privacy budget": raised budgets first, the most important risk a
/// release can add, then lowered ones.
fn render_budget(out: &mut String, log: &Changelog<'_>) {
    if log.budget.is_empty() {
        return;
    }
    out.push_str("## Privacy budget\n\n");
    if log.budget.iter().any(|b| b.raised) {
        out.push_str("A raised budget lets the collector learn more about each user's true values than before. Users who agreed to the earlier data dictionary may need to be asked again.\n\n");
    }
    for change in &log.budget {
        let who = match &change.event {
            Some(event) => format!("`{event}`"),
            None => "all events together".to_owned(),
        };
        let verb = if change.raised { "raised" } else { "lowered" };
        let _ = writeln!(
            out,
            "- {who} ({verb}): per day {} → {}",
            epsilon_words(change.old_epsilon_per_day),
            epsilon_words(change.new_epsilon_per_day)
        );
    }
    out.push('\n');
}

/// Renders the changelog as Markdown for release notes.
pub fn render_markdown(log: &Changelog<'_>) -> String {
    let nm = &log.new.valid;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Telemetry changes in {}\n",
        markdown_inline(&nm.project.name.value)
    );
    let _ = writeln!(
        out,
        "From {} to {}.\n",
        markdown_code(&log.old.label),
        markdown_code(&log.new.label)
    );
    if log.old.absent {
        let _ = writeln!(
            out,
            "{} has no telemetry manifest: telemetry is new, and every event is added.\n",
            markdown_code(&log.old.label)
        );
    }
    if log.new.absent {
        let _ = writeln!(
            out,
            "{} has no telemetry manifest: telemetry is gone, and every event is removed.\n",
            markdown_code(&log.new.label)
        );
    }
    if log.is_empty() {
        out.push_str("No changes: both manifests declare the same telemetry.\n");
        return out;
    }

    render_budget(&mut out, log);

    if !log.raised.is_empty() {
        out.push_str("## Data categories raised\n\n");
        out.push_str("These fields now carry more sensitive data than before. Users who agreed to the earlier data dictionary may need to be asked again.\n\n");
        for raise in &log.raised {
            let line = match (raise.kind, raise.old) {
                ("new_field", Some(old)) => format!(
                    "- `{}.{}` (new field): `{}`, above the event's `{old}`",
                    raise.event, raise.field, raise.new
                ),
                ("new_field", None) => format!(
                    "- `{}.{}` (new field): `{}`; the event had no fields",
                    raise.event, raise.field, raise.new
                ),
                (_, old) => format!(
                    "- `{}.{}`: `{}` → `{}`",
                    raise.event,
                    raise.field,
                    old.unwrap_or("none"),
                    raise.new
                ),
            };
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }

    for (title, changes) in [
        ("Project", &log.project),
        ("Policy", &log.policy),
        ("Who holds the data", &log.governance),
    ] {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n");
        for change in changes {
            for line in change_text(change) {
                let _ = writeln!(out, "- {line}");
            }
        }
        out.push('\n');
    }

    if !log.added.is_empty() {
        out.push_str("## Events added\n\n");
        for event in &log.added {
            let _ = writeln!(out, "### `{}`\n", event.name.value);
            if let Some(description) = &event.description {
                let _ = writeln!(out, "{}\n", markdown_inline(&description.value));
            }
            let meta = |t: &Option<telemetry_manifest::Text>| {
                t.as_ref()
                    .map_or_else(|| "not stated".to_owned(), |t| markdown_inline(&t.value))
            };
            let _ = writeln!(out, "- Purpose: {}", meta(&event.purpose));
            let _ = writeln!(out, "- Owner: {}", meta(&event.owner));
            let _ = writeln!(
                out,
                "- Kept for: {}{}",
                plural_u32_days(nm.retention_days(event)),
                if event.retention_days.is_none() {
                    " (the project's default)"
                } else {
                    ""
                }
            );
            let expiry = event
                .expires
                .as_ref()
                .map(|e| doc_json::expiry_text(e.value));
            let _ = writeln!(
                out,
                "- Collected until: {}",
                expiry_words(expiry.as_deref())
            );
            let fields = event.sorted_fields_with_groups(nm);
            if fields.is_empty() {
                out.push_str("- Fields: none; only the fact that it happened is sent\n");
            } else {
                out.push_str("- Fields:\n");
                for (group, field) in fields {
                    let _ = writeln!(out, "  - {}", field_summary(group, field));
                }
            }
            out.push('\n');
        }
    }

    if !log.removed.is_empty() {
        out.push_str("## Events removed\n\n");
        for event in &log.removed {
            match &event.description {
                Some(d) => {
                    let _ = writeln!(
                        out,
                        "- `{}`: {}",
                        event.name.value,
                        markdown_inline(&d.value)
                    );
                }
                None => {
                    let _ = writeln!(out, "- `{}`", event.name.value);
                }
            }
        }
        out.push('\n');
    }

    if !log.changed.is_empty() {
        out.push_str("## Events changed\n\n");
        for change in &log.changed {
            let _ = writeln!(out, "### `{}`\n", change.event);
            for (group, field) in &change.fields_added {
                let _ = writeln!(out, "- field added: {}", field_summary(*group, field));
            }
            for (group, field) in &change.fields_removed {
                let _ = writeln!(out, "- field removed: {}", field_summary(*group, field));
            }
            for field in &change.fields_changed {
                let parts: Vec<String> = field.changes.iter().flat_map(change_text).collect();
                if let [part] = parts.as_slice() {
                    let _ = writeln!(out, "- field `{}`: {part}", field.field);
                } else {
                    let _ = writeln!(out, "- field `{}`:", field.field);
                    for part in parts {
                        let _ = writeln!(out, "  - {part}");
                    }
                }
            }
            for c in &change.changes {
                for line in change_text(c) {
                    let _ = writeln!(out, "- {line}");
                }
            }
            out.push('\n');
        }
    }

    if !log.retention.is_empty() || !log.expiry.is_empty() {
        out.push_str("## Retention and expiry\n\n");
        for r in &log.retention {
            let tag = |is_default: bool| {
                if is_default {
                    " (the project's default)"
                } else {
                    ""
                }
            };
            match &r.event {
                None => {
                    let _ = writeln!(
                        out,
                        "- the project's default retention: {} → {}",
                        plural_u32_days(r.old_days),
                        plural_u32_days(r.new_days)
                    );
                }
                Some(event) => {
                    let _ = writeln!(
                        out,
                        "- `{event}`: kept for {}{} → {}{}",
                        plural_u32_days(r.old_days),
                        tag(r.old_is_default),
                        plural_u32_days(r.new_days),
                        tag(r.new_is_default)
                    );
                }
            }
        }
        for e in &log.expiry {
            let _ = writeln!(
                out,
                "- `{}`: collected until {} → {}",
                e.event,
                expiry_words(e.old.as_deref()),
                expiry_words(e.new.as_deref())
            );
        }
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::changelog::compute;
    use crate::render::changelog::tests::{BASE, side};

    #[test]
    fn identical_manifests_have_no_changes() {
        let (a, b) = (side("a", BASE), side("b", BASE));
        let log = compute(&a, &b);
        assert!(log.is_empty());
        assert!(render_markdown(&log).contains("No changes"));
    }

    #[test]
    fn fields_of_embedded_groups_are_compared_like_own_fields() {
        let own = side(
            "own",
            "version: 1\nproject: { name: acme, retention_days: 90 }\nevents:\n  ping:\n    fields:\n      ok: { type: bool, category: technical }\n      os: { type: os_family, category: technical }\n",
        );
        let grouped = side(
            "grouped",
            "version: 1\nproject: { name: acme, retention_days: 90 }\ngroups:\n  platform:\n    description: The platform.\n    fields:\n      os: { type: os_family, category: technical }\n      arch: { type: arch, category: interaction }\nevents:\n  ping:\n    groups: [platform]\n    fields:\n      ok: { type: bool, category: technical }\n",
        );
        let log = compute(&own, &grouped);
        let ping = &log.changed[0];
        assert_eq!(ping.fields_added.len(), 1);
        assert_eq!(ping.fields_added[0].1.name.value, "arch");
        assert_eq!(
            ping.fields_added[0].0.map(|g| g.name.value.as_str()),
            Some("platform")
        );
        assert_eq!(ping.fields_changed[0].field, "os");
        assert_eq!(ping.fields_changed[0].changes[0].key, "group");
        assert_eq!(ping.changes[0].key, "groups");
        // A field brought in by a group counts like an own field for raises.
        assert_eq!(log.raised.len(), 1);
        assert_eq!(log.raised[0].field, "arch");
        let markdown = render_markdown(&log);
        assert!(
            markdown.contains("- field added: `arch` (arch; interaction, from group `platform`)"),
            "{markdown}"
        );
    }

    #[test]
    fn policy_changes_are_listed() {
        let a = side("a", BASE);
        let b = side(
            "b",
            &BASE.replace(
                "events:",
                "policy:\n  max_retention_days: 30\n  allowed_categories: [technical]\nevents:",
            ),
        );
        let log = compute(&a, &b);
        let keys: Vec<&str> = log.policy.iter().map(|c| c.key).collect();
        assert_eq!(keys, ["max_retention_days", "allowed_categories"]);
        let markdown = render_markdown(&log);
        assert!(markdown.contains("## Policy\n\n- max_retention_days: 365 → 30\n- allowed categories: removed `interaction`\n"), "{markdown}");
    }

    #[test]
    fn governance_changes_are_listed() {
        let a = side("a", BASE);
        let b = side(
            "b",
            &BASE
                .replace(
                    "events:",
                    "policy:\n  required_governance: [access]\ngovernance:\n  access: The maintainers.\n  processors: [A host in Germany]\n  sold_or_shared: false\nevents:",
                )
                .replace(
                    "    fields:",
                    "    alternatives:\n      - { considered: Asking users., not_enough: Few answer. }\n    fields:",
                ),
        );
        let log = compute(&a, &b);
        let keys: Vec<&str> = log.governance.iter().map(|c| c.key).collect();
        assert_eq!(keys, ["access", "processors", "sold_or_shared"]);
        let policy: Vec<&str> = log.policy.iter().map(|c| c.key).collect();
        assert_eq!(policy, ["required_governance"]);
        let markdown = render_markdown(&log);
        assert!(
            markdown.contains("## Who holds the data\n\n- access: not stated → “The maintainers.”\n- processors (third parties): added `A host in Germany`\n- sold_or_shared: not stated → false\n"),
            "{markdown}"
        );
        assert!(
            markdown.contains("- alternatives: none → “Asking users.”"),
            "{markdown}"
        );
    }
}
