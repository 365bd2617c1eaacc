//! `cargo telemetry-lint doc --format json`: the data dictionary for tools,
//! `TELEMETRY.json`.
//!
//! The same facts as `TELEMETRY.md`, in a stable, documented shape
//! (`docs/json-output.md`): the project, its consent model, the context sent with
//! every event, the policy, who holds the data (`governance`), and every event with
//! its purpose, owner, retention, expiry, alternatives and fields, each field with
//! the values it may take. Like the Markdown document it is a pure function of
//! the [`ValidManifest`]: events and fields sorted by name, every key always
//! present (`null` when it does not apply), so the same manifest always gives the
//! same bytes.
//!
//! ```
//! let manifest = telemetry_manifest::parse_str(
//!     "version: 1\nproject: { name: acme, retention_days: 90 }\nevents:\n  ping:\n    fields:\n      ok: { type: bool, category: technical }\n",
//! )
//! .unwrap();
//! let (valid, _) = telemetry_manifest::validate(&manifest);
//! let json = telemetry_lint::__private::render_json_dictionary(&valid, "telemetry.yaml");
//! assert!(json.contains("\"name\": \"ping\""));
//! ```

use serde::Serialize;

use super::governance::{AlternativeJson, GovernanceJson, alternatives_json};
use telemetry_manifest::{
    Category, EventDef, Expiry, FieldDef, FieldType, GroupDef, ValidManifest,
};

/// The JSON data dictionary's file name, at the workspace root.
pub const FILE_NAME: &str = "TELEMETRY.json";

/// The version of the document's shape; a breaking change bumps it.
pub const VERSION: u32 = 1;

/// The whole document.
#[derive(Serialize)]
struct Dictionary<'a> {
    version: u32,
    manifest: &'a str,
    project: Project<'a>,
    policy: Policy<'a>,
    governance: GovernanceJson<'a>,
    privacy_budget: PrivacyBudget,
    events: Vec<Event<'a>>,
    categories: Vec<CategoryEntry>,
}

/// The privacy budget of all events together, and what epsilon means.
#[derive(Serialize)]
struct PrivacyBudget {
    explanation: &'static str,
    epsilon_per_day: Option<f64>,
    locally_private: bool,
}

/// An event's privacy budget.
#[derive(Serialize)]
struct EventBudget {
    epsilon_per_report: Option<f64>,
    epsilon_per_day: Option<f64>,
    locally_private: bool,
    fields_without_noise: Vec<String>,
}

/// A field's local differential privacy mechanism.
#[derive(Serialize)]
pub(crate) struct FieldPrivacy {
    mechanism: &'static str,
    epsilon: f64,
}

#[derive(Serialize)]
struct Project<'a> {
    name: &'a str,
    contact: Option<&'a str>,
    consent: &'static str,
    opt_out: Vec<OptOutWay<'a>>,
    context: Vec<ContextEntry>,
    retention_days: u32,
    data_dictionary: Option<&'a str>,
    /// The consent levels, least data first, each with the most sensitive category
    /// its events send; left out when the manifest declares none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    levels: Vec<LevelEntry<'a>>,
}

#[derive(Serialize)]
struct LevelEntry<'a> {
    name: &'a str,
    category: &'static str,
}

#[derive(Serialize)]
struct OptOutWay<'a> {
    kind: &'static str,
    how: &'a str,
}

#[derive(Serialize)]
struct ContextEntry {
    name: &'static str,
    description: &'static str,
}

#[derive(Serialize)]
struct Policy<'a> {
    max_retention_days: u32,
    allowed_categories: Vec<&'static str>,
    max_combinations: u64,
    required_metadata: Vec<&'static str>,
    max_expiry_days: u32,
    allow_never_expires: bool,
    max_events: u32,
    required_governance: Vec<&'static str>,
    max_epsilon_per_day: Option<f64>,
    policy_file: Option<&'a str>,
}

#[derive(Serialize)]
struct CategoryEntry {
    name: &'static str,
    description: &'static str,
}

/// One event of the document; also the shape of an added or removed event in the
/// changelog of `diff`.
#[derive(Serialize)]
pub(crate) struct Event<'a> {
    name: &'a str,
    description: Option<&'a str>,
    purpose: Option<&'a str>,
    owner: Option<&'a str>,
    since: Option<&'a str>,
    expires: Option<String>,
    /// The event's consent level; left out when the manifest declares none.
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<&'a str>,
    retention_days: u32,
    retention_is_default: bool,
    categories: Vec<&'static str>,
    groups: Vec<&'a str>,
    sample_rate: f64,
    min_count: u32,
    privacy_budget: EventBudget,
    fields: Vec<Field<'a>>,
    waivers: Vec<Waiver<'a>>,
    alternatives: Vec<AlternativeJson<'a>>,
}

/// One field; also the shape of an added or removed field in the changelog.
#[derive(Serialize)]
pub(crate) struct Field<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    ty: &'static str,
    category: &'static str,
    description: Option<&'a str>,
    group: Option<&'a str>,
    values: Option<Vec<serde_json::Value>>,
    max: Option<u64>,
    buckets: Option<Buckets>,
    privacy: Option<FieldPrivacy>,
    waivers: Vec<Waiver<'a>>,
}

#[derive(Serialize)]
struct Buckets {
    unit: &'static str,
    bounds: Vec<u64>,
}

/// A reviewed exception to a rule.
#[derive(Serialize)]
pub(crate) struct Waiver<'a> {
    rule: &'a str,
    reason: &'a str,
    review: &'a str,
}

/// Renders `TELEMETRY.json`, pretty-printed with a final newline. `manifest_path`
/// is the manifest's path as shown (relative to the workspace root).
pub fn render(manifest: &ValidManifest, manifest_path: &str) -> String {
    let project = &manifest.project;
    let document = Dictionary {
        version: VERSION,
        manifest: manifest_path,
        project: Project {
            name: &project.name.value,
            contact: project.contact.as_ref().map(|t| t.value.as_str()),
            consent: project.consent.as_str(),
            opt_out: project
                .opt_out
                .iter()
                .map(|(kind, how)| OptOutWay {
                    kind,
                    how: &how.value,
                })
                .collect(),
            context: project
                .context
                .iter()
                .map(|c| ContextEntry {
                    name: c.as_str(),
                    description: c.description(),
                })
                .collect(),
            retention_days: project.retention_days.value,
            data_dictionary: project.data_dictionary.as_ref().map(|t| t.value.as_str()),
            levels: if project.levels.is_empty() {
                Vec::new()
            } else {
                manifest
                    .level_categories()
                    .into_iter()
                    .map(|(name, category)| LevelEntry {
                        name,
                        category: category.as_str(),
                    })
                    .collect()
            },
        },
        policy: Policy {
            max_retention_days: manifest.policy.max_retention_days,
            allowed_categories: manifest
                .policy
                .allowed_categories
                .iter()
                .map(|c| c.as_str())
                .collect(),
            max_combinations: manifest.policy.max_combinations,
            required_metadata: manifest
                .policy
                .required_metadata
                .iter()
                .map(|m| m.as_str())
                .collect(),
            max_expiry_days: manifest.policy.max_expiry_days,
            allow_never_expires: manifest.policy.allow_never_expires,
            max_events: manifest.policy.max_events,
            required_governance: manifest
                .policy
                .required_governance
                .iter()
                .map(|k| k.as_str())
                .collect(),
            max_epsilon_per_day: manifest
                .policy
                .max_epsilon_per_day
                .as_ref()
                .map(|m| m.value),
            policy_file: manifest.policy.file.as_ref().map(|t| t.value.as_str()),
        },
        governance: GovernanceJson::of(&manifest.governance),
        privacy_budget: {
            let budgets = telemetry_manifest::EventBudget::all(manifest);
            let total = telemetry_manifest::EventBudget::total_per_day(&budgets);
            PrivacyBudget {
                explanation: telemetry_manifest::EPSILON_IN_PLAIN_WORDS,
                epsilon_per_day: total.map(|e| e.as_f64()),
                locally_private: total.is_some(),
            }
        },
        events: manifest
            .events
            .iter()
            .map(|event| event_entry(manifest, event))
            .collect(),
        categories: Category::ALL
            .iter()
            .map(|c| CategoryEntry {
                name: c.as_str(),
                description: c.description(),
            })
            .collect(),
    };
    to_pretty(&document)
}

/// Pretty JSON with a final newline; a value that cannot be serialised (none of
/// ours) becomes an error object rather than a panic.
pub(crate) fn to_pretty<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|e| {
        format!("{{\"version\":{VERSION},\"error\":\"cannot serialise the document: {e}\"}}")
    });
    text.push('\n');
    text
}

/// An event's entry: metadata, effective retention, and its fields sorted by name.
pub(crate) fn event_entry<'a>(manifest: &'a ValidManifest, event: &'a EventDef) -> Event<'a> {
    let fields = event.sorted_fields_with_groups(manifest);
    let mut categories: Vec<Category> = fields.iter().map(|(_, f)| f.category.value).collect();
    categories.sort_unstable();
    categories.dedup();
    let text = |t: &'a Option<telemetry_manifest::Text>| t.as_ref().map(|t| t.value.as_str());
    Event {
        name: &event.name.value,
        description: text(&event.description),
        purpose: text(&event.purpose),
        owner: text(&event.owner),
        since: text(&event.since),
        expires: event.expires.as_ref().map(|e| expiry_text(e.value)),
        level: event.level.as_ref().map(|l| l.value.as_str()),
        retention_days: manifest.retention_days(event),
        retention_is_default: event.retention_days.is_none(),
        categories: categories.iter().map(|c| c.as_str()).collect(),
        groups: event.groups.iter().map(|g| g.value.as_str()).collect(),
        sample_rate: event.sample_rate,
        min_count: event.min_count,
        privacy_budget: {
            let budget = telemetry_manifest::EventBudget::of(manifest, event);
            EventBudget {
                epsilon_per_report: budget.per_report.map(|e| e.as_f64()),
                epsilon_per_day: budget.per_day.map(|e| e.as_f64()),
                locally_private: budget.per_report.is_some(),
                fields_without_noise: budget.plain_fields,
            }
        },
        fields: fields
            .into_iter()
            .map(|(group, field)| field_entry(group, field))
            .collect(),
        waivers: waivers(&event.waivers),
        alternatives: alternatives_json(event),
    }
}

/// A field's entry.
pub(crate) fn field_entry<'a>(group: Option<&'a GroupDef>, field: &'a FieldDef) -> Field<'a> {
    let ty = field.ty.value;
    Field {
        name: &field.name.value,
        ty: ty.as_str(),
        category: field.category.value.as_str(),
        description: field.description.as_ref().map(|t| t.value.as_str()),
        group: group.map(|g| g.name.value.as_str()),
        values: possible_values(field),
        max: field.max,
        buckets: match ty {
            FieldType::DurationBucket => Some(Buckets {
                unit: "milliseconds",
                bounds: field.bounds.clone(),
            }),
            FieldType::SizeBucket => Some(Buckets {
                unit: "bytes",
                bounds: field.bounds.clone(),
            }),
            FieldType::Count if !field.bounds.is_empty() => Some(Buckets {
                unit: "count",
                bounds: field.bounds.clone(),
            }),
            _ => None,
        },
        privacy: field.noise.map(|noise| FieldPrivacy {
            mechanism: noise.mechanism.as_str(),
            epsilon: noise.epsilon.as_f64(),
        }),
        waivers: waivers(&field.waivers),
    }
}

fn waivers(list: &[telemetry_manifest::Waiver]) -> Vec<Waiver<'_>> {
    list.iter()
        .map(|w| Waiver {
            rule: w.rule.id,
            reason: &w.reason.value,
            review: &w.review.value,
        })
        .collect()
}

/// The values a field may take, as JSON values exactly as sent (`true`/`false` for
/// `bool`, strings otherwise); `None` for `count` and `version`, whose range is
/// given by `max` and the `major.minor` form.
pub(crate) fn possible_values(field: &FieldDef) -> Option<Vec<serde_json::Value>> {
    match field.ty.value {
        FieldType::Count if field.bounds.is_empty() => None,
        FieldType::Version => None,
        FieldType::Bool => Some(vec![true.into(), false.into()]),
        _ => Some(
            field
                .possible_values()
                .into_iter()
                .map(serde_json::Value::from)
                .collect(),
        ),
    }
}

/// `2027-12-31` or `never`.
pub(crate) fn expiry_text(expiry: Expiry) -> String {
    expiry.to_string()
}
