//! `cargo telemetry-lint diff OLD NEW`: the telemetry changelog between two versions
//! of the manifest, for release notes.
//!
//! Each side is a manifest file, or `git:REV`: the workspace's manifest as it was at
//! a git revision, read with `git show REV:<path>` (the path relative to the
//! repository's root). Both are read with the same loader and `validate` as `check`;
//! findings of `validate` do not stop the diff, since the changelog describes what
//! is declared, but a manifest that cannot be loaded does (exit code 2).
//!
//! The changelog is computed once, as a [`Changelog`], and rendered as Markdown
//! (release notes) or JSON (`docs/json-output.md`). What matters most to the
//! program's users comes first: privacy budgets raised, then data categories
//! raised, since users who agreed to the old data dictionary may need to be asked
//! again. Then project changes
//! (consent, context, opt-out), events added, removed and changed field by field,
//! and changes of retention and expiry. Everything is in a fixed order (events and
//! fields by name, changes in a fixed order of keys), so the same two manifests
//! always give the same bytes.

use serde::Serialize;
use serde_json::Value;
use telemetry_manifest::{
    Category, EventDef, FieldDef, FieldType, GroupDef, ValidManifest, format_duration_ms,
    format_size_bytes,
};

use crate::render::json as doc_json;

mod json;
mod markdown;

pub use json::render_json;
pub use markdown::render_markdown;

/// One side of the diff, loaded and validated.
pub struct Side {
    /// The side as given on the command line: a path, or `git:REV`.
    pub label: String,
    /// The manifest as checked.
    pub valid: ValidManifest,
    /// Whether the side is a git revision without a manifest, before telemetry was
    /// added: `valid` then holds the other side's project and policy and no events.
    pub absent: bool,
}

/// A change of one property: its key, the old and the new value (`null` when
/// absent).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// What changed: `category`, `values`, `purpose`, `consent`, ...
    pub key: &'static str,
    /// The old value.
    pub old: Value,
    /// The new value.
    pub new: Value,
}

/// A data category raised: a field whose category went up, or a new field of an
/// event in a category above every field the event had.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Raise {
    /// The event.
    pub event: String,
    /// The field.
    pub field: String,
    /// `raised` (the field's category went up) or `new_field` (a new field above
    /// the event's highest category).
    pub kind: &'static str,
    /// The field's old category, or, for a new field, the highest category among
    /// the event's old fields (`null` when it had none).
    pub old: Option<&'static str>,
    /// The new category.
    pub new: &'static str,
}

/// A change of an event's privacy budget (or, with `event` `None`, of all events
/// together). `null` stands for no bound: the event is not locally private.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BudgetChange {
    /// The event, or `None` for all events together.
    pub event: Option<String>,
    /// Whether the budget per day went up (or lost its bound): a raised risk.
    pub raised: bool,
    /// The old epsilon per report.
    pub old_epsilon_per_report: Option<f64>,
    /// The new epsilon per report.
    pub new_epsilon_per_report: Option<f64>,
    /// The old epsilon per day.
    pub old_epsilon_per_day: Option<f64>,
    /// The new epsilon per day.
    pub new_epsilon_per_day: Option<f64>,
}

/// The changes of one field present on both sides.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field.
    pub field: String,
    /// What changed, in the order `type`, `values`, `buckets`, `max`, `category`,
    /// `description`, `group`, `privacy`, `waivers`.
    pub changes: Vec<Change>,
}

/// A change of retention: of one event (its effective retention), or of the
/// project's default when `event` is `None`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RetentionChange {
    /// The event, or `None` for the project's default.
    pub event: Option<String>,
    /// The old retention in days.
    pub old_days: u32,
    /// The new retention in days.
    pub new_days: u32,
    /// Whether the old retention was the project's default.
    pub old_is_default: bool,
    /// Whether the new retention is the project's default.
    pub new_is_default: bool,
}

/// A change of an event's expiry: a date, `never`, or `null` when not stated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExpiryChange {
    /// The event.
    pub event: String,
    /// The old expiry.
    pub old: Option<String>,
    /// The new expiry.
    pub new: Option<String>,
}

/// The changelog between two manifests.
pub struct Changelog<'a> {
    /// The old side.
    pub old: &'a Side,
    /// The new side.
    pub new: &'a Side,
    /// Privacy budget changes: raised ones first, then lowered ones, each by
    /// event, all events together last of its kind.
    pub budget: Vec<BudgetChange>,
    /// Data categories raised, by event then field.
    pub raised: Vec<Raise>,
    /// Project changes: `name`, `contact`, `consent`, `context`, `opt_out`,
    /// `data_dictionary`.
    pub project: Vec<Change>,
    /// Policy changes: `max_retention_days`, `allowed_categories`,
    /// `max_combinations`, `required_metadata`, `max_expiry_days`,
    /// `allow_never_expires`, `max_events`, `policy_file` (the name of a shared
    /// policy file; its contents are not read), `required_governance`.
    pub policy: Vec<Change>,
    /// Changes of who holds the data: the keys of `policy.required_governance`
    /// but `alternatives`, in that order (`processors` a list, `sold_or_shared` a
    /// boolean, the others text).
    pub governance: Vec<Change>,
    /// Events only in the new manifest, by name.
    pub added: Vec<&'a EventDef>,
    /// Events only in the old manifest, by name.
    pub removed: Vec<&'a EventDef>,
    /// Events on both sides that changed, by name.
    pub changed: Vec<EventChange<'a>>,
    /// Retention changes: the project's default first, then events by name.
    pub retention: Vec<RetentionChange>,
    /// Expiry changes, by event.
    pub expiry: Vec<ExpiryChange>,
}

/// The changes of one event present on both sides (retention and expiry apart).
pub struct EventChange<'a> {
    /// The event's name.
    pub event: &'a str,
    /// Changes of the event itself: `description`, `purpose`, `owner`, `since`,
    /// `groups`, `sample_rate`, `min_count`, `waivers`.
    pub changes: Vec<Change>,
    /// Fields only in the new version, by name, with their group.
    pub fields_added: Vec<(Option<&'a GroupDef>, &'a FieldDef)>,
    /// Fields only in the old version, by name, with their group.
    pub fields_removed: Vec<(Option<&'a GroupDef>, &'a FieldDef)>,
    /// Fields on both sides that changed, by name.
    pub fields_changed: Vec<FieldChange>,
}

impl Changelog<'_> {
    /// Whether the two manifests declare the same telemetry.
    pub fn is_empty(&self) -> bool {
        self.budget.is_empty()
            && self.raised.is_empty()
            && self.project.is_empty()
            && self.policy.is_empty()
            && self.governance.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.retention.is_empty()
            && self.expiry.is_empty()
    }
}

fn text(t: Option<&telemetry_manifest::Text>) -> Value {
    t.map_or(Value::Null, |t| Value::from(t.value.as_str()))
}

fn push_change(changes: &mut Vec<Change>, key: &'static str, old: Value, new: Value) {
    if old != new {
        changes.push(Change { key, old, new });
    }
}

/// Waivers as `[{"reason", "review", "rule"}]`. Object keys are inserted in sorted
/// order, so the bytes are the same whether or not serde_json keeps insertion order.
fn waivers_value(list: &[telemetry_manifest::Waiver]) -> Value {
    Value::Array(
        list.iter()
            .map(|w| {
                let mut object = serde_json::Map::new();
                object.insert("reason".to_owned(), Value::from(w.reason.value.as_str()));
                object.insert("review".to_owned(), Value::from(w.review.value.as_str()));
                object.insert("rule".to_owned(), Value::from(w.rule.id));
                Value::Object(object)
            })
            .collect(),
    )
}

fn bucket_bounds(field: &FieldDef) -> Value {
    let format = match field.ty.value {
        FieldType::DurationBucket => format_duration_ms,
        FieldType::SizeBucket => format_size_bytes,
        FieldType::Count if !field.bounds.is_empty() => |bound: u64| bound.to_string(),
        _ => return Value::Null,
    };
    Value::from(field.bounds.iter().map(|b| format(*b)).collect::<Vec<_>>())
}

/// The budget changes of the events on both sides, and of all events together;
/// raised first.
fn budget_changes(om: &ValidManifest, nm: &ValidManifest) -> Vec<BudgetChange> {
    use telemetry_manifest::EventBudget;
    let (old_all, new_all) = (EventBudget::all(om), EventBudget::all(nm));
    let f = |e: Option<telemetry_manifest::Epsilon>| e.map(|e| e.as_f64());
    // No bound (None) is above every bound.
    let above = |new: Option<f64>, old: Option<f64>| match (new, old) {
        (None, Some(_)) => true,
        (Some(n), Some(o)) => n > o,
        _ => false,
    };
    let mut changes = Vec::new();
    for new in &new_all {
        let Some(old) = old_all.iter().find(|o| o.event == new.event) else {
            continue;
        };
        if old.per_report != new.per_report || old.per_day != new.per_day {
            changes.push(BudgetChange {
                event: Some(new.event.clone()),
                raised: above(f(new.per_day), f(old.per_day))
                    || above(f(new.per_report), f(old.per_report)),
                old_epsilon_per_report: f(old.per_report),
                new_epsilon_per_report: f(new.per_report),
                old_epsilon_per_day: f(old.per_day),
                new_epsilon_per_day: f(new.per_day),
            });
        }
    }
    let (old_total, new_total) = (
        EventBudget::total_per_day(&old_all),
        EventBudget::total_per_day(&new_all),
    );
    if old_total != new_total {
        changes.push(BudgetChange {
            event: None,
            raised: above(f(new_total), f(old_total)),
            old_epsilon_per_report: None,
            new_epsilon_per_report: None,
            old_epsilon_per_day: f(old_total),
            new_epsilon_per_day: f(new_total),
        });
    }
    // Raised first; the sort is stable, so events stay by name, the total last.
    changes.sort_by_key(|c| !c.raised);
    changes
}

fn highest_category<'a>(fields: impl IntoIterator<Item = &'a FieldDef>) -> Option<Category> {
    fields.into_iter().map(|f| f.category.value).max()
}

/// Computes the changelog from `old` to `new`.
pub fn compute<'a>(old: &'a Side, new: &'a Side) -> Changelog<'a> {
    let (om, nm) = (&old.valid, &new.valid);
    let mut log = Changelog {
        old,
        new,
        // Without a manifest on one side, every event is added (or removed): the
        // events listed say all there is, and a budget of nothing compares to none.
        budget: if old.absent || new.absent {
            Vec::new()
        } else {
            budget_changes(om, nm)
        },
        raised: Vec::new(),
        project: Vec::new(),
        policy: Vec::new(),
        governance: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        retention: Vec::new(),
        expiry: Vec::new(),
    };

    let (op, np) = (&om.project, &nm.project);
    push_change(
        &mut log.project,
        "name",
        Value::from(op.name.value.as_str()),
        Value::from(np.name.value.as_str()),
    );
    push_change(
        &mut log.project,
        "contact",
        text(op.contact.as_ref()),
        text(np.contact.as_ref()),
    );
    push_change(
        &mut log.project,
        "consent",
        Value::from(op.consent.as_str()),
        Value::from(np.consent.as_str()),
    );
    let context = |p: &telemetry_manifest::ValidProject| {
        Value::from(p.context.iter().map(|c| c.as_str()).collect::<Vec<_>>())
    };
    push_change(&mut log.project, "context", context(op), context(np));
    let opt_out = |p: &telemetry_manifest::ValidProject| {
        let mut ways: Vec<(&str, &str)> = p
            .opt_out
            .iter()
            .map(|(kind, how)| (*kind, how.value.as_str()))
            .collect();
        ways.sort_unstable();
        Value::Object(
            ways.into_iter()
                .map(|(kind, how)| (kind.to_owned(), Value::from(how)))
                .collect(),
        )
    };
    push_change(&mut log.project, "opt_out", opt_out(op), opt_out(np));
    push_change(
        &mut log.project,
        "data_dictionary",
        text(op.data_dictionary.as_ref()),
        text(np.data_dictionary.as_ref()),
    );

    let (opol, npol) = (&om.policy, &nm.policy);
    push_change(
        &mut log.policy,
        "max_retention_days",
        Value::from(opol.max_retention_days),
        Value::from(npol.max_retention_days),
    );
    let categories = |list: &[Category]| {
        let mut list: Vec<Category> = list.to_vec();
        list.sort_unstable();
        list.dedup();
        Value::from(list.iter().map(|c| c.as_str()).collect::<Vec<_>>())
    };
    push_change(
        &mut log.policy,
        "allowed_categories",
        categories(&opol.allowed_categories),
        categories(&npol.allowed_categories),
    );
    push_change(
        &mut log.policy,
        "max_combinations",
        Value::from(opol.max_combinations),
        Value::from(npol.max_combinations),
    );
    let metadata = |p: &telemetry_manifest::ValidPolicy| {
        Value::from(
            p.required_metadata
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>(),
        )
    };
    push_change(
        &mut log.policy,
        "required_metadata",
        metadata(opol),
        metadata(npol),
    );
    push_change(
        &mut log.policy,
        "max_expiry_days",
        Value::from(opol.max_expiry_days),
        Value::from(npol.max_expiry_days),
    );
    push_change(
        &mut log.policy,
        "allow_never_expires",
        Value::from(opol.allow_never_expires),
        Value::from(npol.allow_never_expires),
    );
    push_change(
        &mut log.policy,
        "max_events",
        Value::from(opol.max_events),
        Value::from(npol.max_events),
    );
    let governance_keys = |p: &telemetry_manifest::ValidPolicy| {
        Value::from(
            p.required_governance
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>(),
        )
    };
    push_change(
        &mut log.policy,
        "required_governance",
        governance_keys(opol),
        governance_keys(npol),
    );
    for key in telemetry_manifest::GovernanceKey::ALL {
        let value = |g: &'a telemetry_manifest::ValidGovernance| match key {
            telemetry_manifest::GovernanceKey::Processors => {
                g.processors.as_ref().map_or(Value::Null, |list| {
                    Value::from(
                        list.value
                            .iter()
                            .map(|p| p.value.trim())
                            .collect::<Vec<_>>(),
                    )
                })
            }
            telemetry_manifest::GovernanceKey::SoldOrShared => g
                .sold_or_shared
                .as_ref()
                .map_or(Value::Null, |s| Value::from(s.value)),
            key => g
                .text(key)
                .map_or(Value::Null, |t| Value::from(t.value.trim())),
        };
        if key != telemetry_manifest::GovernanceKey::Alternatives {
            push_change(
                &mut log.governance,
                key.as_str(),
                value(&om.governance),
                value(&nm.governance),
            );
        }
    }
    let epsilon = |p: &telemetry_manifest::ValidPolicy| {
        p.max_epsilon_per_day
            .as_ref()
            .map_or(Value::Null, |m| Value::from(m.value))
    };
    push_change(
        &mut log.policy,
        "max_epsilon_per_day",
        epsilon(opol),
        epsilon(npol),
    );
    push_change(
        &mut log.policy,
        "policy_file",
        text(opol.file.as_ref()),
        text(npol.file.as_ref()),
    );

    if op.retention_days.value != np.retention_days.value {
        log.retention.push(RetentionChange {
            event: None,
            old_days: op.retention_days.value,
            new_days: np.retention_days.value,
            old_is_default: true,
            new_is_default: true,
        });
    }

    let mut names: Vec<&str> = om
        .events
        .iter()
        .chain(&nm.events)
        .map(|e| e.name.value.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let before = om.events.iter().find(|e| e.name.value == name);
        let after = nm.events.iter().find(|e| e.name.value == name);
        match (before, after) {
            (None, Some(event)) => log.added.push(event),
            (Some(event), None) => log.removed.push(event),
            (Some(before), Some(after)) => {
                compare_event(&mut log, om, nm, before, after);
            }
            (None, None) => {}
        }
    }
    log
}

fn compare_event<'a>(
    log: &mut Changelog<'a>,
    om: &'a ValidManifest,
    nm: &'a ValidManifest,
    before: &'a EventDef,
    after: &'a EventDef,
) {
    let name = after.name.value.as_str();
    let mut changes = Vec::new();
    push_change(
        &mut changes,
        "description",
        text(before.description.as_ref()),
        text(after.description.as_ref()),
    );
    push_change(
        &mut changes,
        "purpose",
        text(before.purpose.as_ref()),
        text(after.purpose.as_ref()),
    );
    push_change(
        &mut changes,
        "owner",
        text(before.owner.as_ref()),
        text(after.owner.as_ref()),
    );
    push_change(
        &mut changes,
        "since",
        text(before.since.as_ref()),
        text(after.since.as_ref()),
    );
    let groups = |e: &EventDef| {
        Value::from(
            e.groups
                .iter()
                .map(|g| g.value.as_str())
                .collect::<Vec<_>>(),
        )
    };
    push_change(&mut changes, "groups", groups(before), groups(after));
    push_change(
        &mut changes,
        "sample_rate",
        Value::from(before.sample_rate),
        Value::from(after.sample_rate),
    );
    push_change(
        &mut changes,
        "min_count",
        Value::from(before.min_count),
        Value::from(after.min_count),
    );
    push_change(
        &mut changes,
        "waivers",
        waivers_value(&before.waivers),
        waivers_value(&after.waivers),
    );
    let alternatives = |e: &EventDef| {
        serde_json::to_value(super::governance::alternatives_json(e)).unwrap_or(Value::Null)
    };
    push_change(
        &mut changes,
        "alternatives",
        alternatives(before),
        alternatives(after),
    );

    let old_fields = before.sorted_fields_with_groups(om);
    let new_fields = after.sorted_fields_with_groups(nm);
    let old_highest = highest_category(old_fields.iter().map(|(_, f)| *f));
    let mut fields_added = Vec::new();
    let mut fields_removed = Vec::new();
    let mut fields_changed = Vec::new();
    let mut field_names: Vec<&str> = old_fields
        .iter()
        .chain(&new_fields)
        .map(|(_, f)| f.name.value.as_str())
        .collect();
    field_names.sort_unstable();
    field_names.dedup();
    for field_name in field_names {
        let old_field = old_fields.iter().find(|(_, f)| f.name.value == field_name);
        let new_field = new_fields.iter().find(|(_, f)| f.name.value == field_name);
        match (old_field, new_field) {
            (None, Some(&(group, field))) => {
                let category = field.category.value;
                if old_highest.is_none_or(|highest| category > highest)
                    && (old_highest.is_some() || category > Category::Technical)
                {
                    log.raised.push(Raise {
                        event: name.to_owned(),
                        field: field_name.to_owned(),
                        kind: "new_field",
                        old: old_highest.map(Category::as_str),
                        new: category.as_str(),
                    });
                }
                fields_added.push((group, field));
            }
            (Some(&(group, field)), None) => fields_removed.push((group, field)),
            (Some(&(old_group, old)), Some(&(new_group, new))) => {
                if new.category.value > old.category.value {
                    log.raised.push(Raise {
                        event: name.to_owned(),
                        field: field_name.to_owned(),
                        kind: "raised",
                        old: Some(old.category.value.as_str()),
                        new: new.category.value.as_str(),
                    });
                }
                let changes = compare_field(old_group, old, new_group, new);
                if !changes.is_empty() {
                    fields_changed.push(FieldChange {
                        field: field_name.to_owned(),
                        changes,
                    });
                }
            }
            (None, None) => {}
        }
    }

    let (old_days, new_days) = (om.retention_days(before), nm.retention_days(after));
    if old_days != new_days {
        log.retention.push(RetentionChange {
            event: Some(name.to_owned()),
            old_days,
            new_days,
            old_is_default: before.retention_days.is_none(),
            new_is_default: after.retention_days.is_none(),
        });
    }
    let expiry = |e: &EventDef| e.expires.as_ref().map(|x| doc_json::expiry_text(x.value));
    if expiry(before) != expiry(after) {
        log.expiry.push(ExpiryChange {
            event: name.to_owned(),
            old: expiry(before),
            new: expiry(after),
        });
    }

    if !changes.is_empty()
        || !fields_added.is_empty()
        || !fields_removed.is_empty()
        || !fields_changed.is_empty()
    {
        log.changed.push(EventChange {
            event: name,
            changes,
            fields_added,
            fields_removed,
            fields_changed,
        });
    }
}

fn compare_field(
    old_group: Option<&GroupDef>,
    old: &FieldDef,
    new_group: Option<&GroupDef>,
    new: &FieldDef,
) -> Vec<Change> {
    let mut changes = Vec::new();
    push_change(
        &mut changes,
        "type",
        Value::from(old.ty.value.as_str()),
        Value::from(new.ty.value.as_str()),
    );
    let values = |f: &FieldDef| match f.ty.value {
        FieldType::Enum => Value::from(
            f.values
                .iter()
                .map(|v| v.value.as_str())
                .collect::<Vec<_>>(),
        ),
        _ => Value::Null,
    };
    push_change(&mut changes, "values", values(old), values(new));
    push_change(
        &mut changes,
        "buckets",
        bucket_bounds(old),
        bucket_bounds(new),
    );
    let max = |f: &FieldDef| match f.ty.value {
        FieldType::Count => f.max.map_or(Value::Null, Value::from),
        _ => Value::Null,
    };
    push_change(&mut changes, "max", max(old), max(new));
    push_change(
        &mut changes,
        "category",
        Value::from(old.category.value.as_str()),
        Value::from(new.category.value.as_str()),
    );
    push_change(
        &mut changes,
        "description",
        text(old.description.as_ref()),
        text(new.description.as_ref()),
    );
    let group =
        |g: Option<&GroupDef>| g.map_or(Value::Null, |g| Value::from(g.name.value.as_str()));
    push_change(&mut changes, "group", group(old_group), group(new_group));
    let privacy = |f: &FieldDef| match f.noise {
        Some(noise) => {
            let mut object = serde_json::Map::new();
            object.insert("epsilon".to_owned(), Value::from(noise.epsilon.as_f64()));
            object.insert(
                "mechanism".to_owned(),
                Value::from(noise.mechanism.as_str()),
            );
            Value::Object(object)
        }
        None => Value::Null,
    };
    push_change(&mut changes, "privacy", privacy(old), privacy(new));
    push_change(
        &mut changes,
        "waivers",
        waivers_value(&old.waivers),
        waivers_value(&new.waivers),
    );
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn side(label: &str, yaml: &str) -> Side {
        let manifest = telemetry_manifest::parse_str(yaml).unwrap();
        let (valid, _) = telemetry_manifest::validate(&manifest);
        Side {
            label: label.to_owned(),
            valid,
            absent: false,
        }
    }

    pub(super) const BASE: &str = "version: 1\nproject:\n  name: acme\n  retention_days: 90\nevents:\n  ping:\n    fields:\n      ok: { type: bool, category: technical }\n";

    #[test]
    fn a_new_technical_field_is_not_a_raise_but_a_new_interaction_field_is() {
        let a = side("a", BASE);
        let b = side(
            "b",
            &format!("{BASE}      n: {{ type: count, category: technical }}\n"),
        );
        assert!(compute(&a, &b).raised.is_empty());
        let c = side(
            "c",
            &format!("{BASE}      n: {{ type: count, category: interaction }}\n"),
        );
        let log = compute(&a, &c);
        assert_eq!(log.raised.len(), 1);
        assert_eq!(log.raised[0].kind, "new_field");
        assert_eq!(log.raised[0].old, Some("technical"));
    }

    #[test]
    fn budget_changes_come_first_raised_before_lowered() {
        let noised = |e: &str| {
            BASE.replace(
                "ok: { type: bool, category: technical }",
                &format!(
                    "ok: {{ type: bool, category: technical, privacy: {{ mechanism: randomized_response, epsilon: {e} }} }}"
                ),
            )
        };
        let a = side("a", &noised("1"));
        let b = side(
            "b",
            &noised("2").replace("  ping:\n", "  ping:\n    sample_rate: 0.5\n"),
        );
        let log = compute(&a, &b);
        assert_eq!(log.budget.len(), 2, "the event, then all events");
        assert!(log.budget.iter().all(|c| c.raised));
        assert_eq!(log.budget[0].old_epsilon_per_day, Some(2.0));
        assert_eq!(log.budget[0].new_epsilon_per_day, Some(4.0));
        let keys: Vec<&str> = log.changed[0].changes.iter().map(|c| c.key).collect();
        assert_eq!(keys, ["sample_rate"]);
        assert_eq!(log.changed[0].fields_changed[0].changes[0].key, "privacy");
        let text = render_markdown(&log);
        assert!(
            text.contains("## Privacy budget\n\nA raised budget"),
            "{text}"
        );
        assert!(
            text.contains("- `ping` (raised): per day epsilon 2 → epsilon 4"),
            "{text}"
        );
        assert!(text.contains("- sample_rate: 1.0 → 0.5"), "{text}");
        // Back again: lowered, and a field without noise has no bound.
        let c = side("c", BASE);
        let log = compute(&b, &c);
        assert!(log.budget[0].raised, "no bound is above every bound");
        assert_eq!(log.budget[0].new_epsilon_per_day, None);
        let log = compute(&b, &a);
        assert!(!log.budget[0].raised);
    }

    #[test]
    fn a_lowered_category_is_a_change_but_not_a_raise() {
        let a = side("a", &BASE.replace("technical", "interaction"));
        let b = side("b", BASE);
        let log = compute(&a, &b);
        assert!(log.raised.is_empty());
        assert_eq!(log.changed[0].fields_changed[0].changes[0].key, "category");
    }
}
