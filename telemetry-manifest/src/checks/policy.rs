//! The policy checks: the metadata the policy requires (TL016), placeholders
//! (TL017), expired events (TL018), retention over the limit (TL019), data
//! categories the policy does not allow (TL020), and descriptions that only
//! repeat a name (TL035).
//!
//! ```
//! use telemetry_manifest::{Date, check_policy, parse_str, validate};
//! let text = "version: 1\nproject: { name: p, retention_days: 400 }\n";
//! let (manifest, _) = validate(&parse_str(text).unwrap());
//! let rules: Vec<&str> = check_policy(&manifest, Date::parse("2026-01-01").unwrap())
//!     .iter()
//!     .map(|f| f.rule.id)
//!     .collect();
//! assert_eq!(rules, ["TL016", "TL016", "TL019"]);
//! ```

use crate::finding::{Finding, Owner};
use crate::model::{Located, MetadataKey};
use crate::rules;
use crate::text::is_placeholder;
use crate::valid::{FieldDef, ValidManifest, ValidPolicy};
use crate::vocab::{Date, Expiry};

/// Holds the manifest to its privacy policy: required metadata, placeholders,
/// expiry (against `today`, UTC), retention and data categories.
pub fn check_policy(manifest: &ValidManifest, today: Date) -> Vec<Finding> {
    let mut findings = Vec::new();
    let project = &manifest.project;
    let policy = &manifest.policy;
    let project_name = &project.name.value;

    match &project.contact {
        None => findings.push(
            Finding::new(
                rules::MISSING_METADATA,
                format!("project `{project_name}` has no `contact`"),
                "add `contact:` with an address users can write to about their data",
            )
            .at_manifest(project.span),
        ),
        Some(contact) if is_placeholder(&contact.value) => findings.push(
            Finding::new(
                rules::PLACEHOLDER_TEXT,
                format!(
                    "the project's `contact` is a placeholder: `{}`",
                    contact.value
                ),
                "write an address users can write to about their data",
            )
            .at_manifest(contact.span),
        ),
        Some(_) => {}
    }
    if project.opt_out.is_empty() {
        findings.push(
            Finding::new(
                rules::MISSING_METADATA,
                format!("project `{project_name}` declares no way to opt out"),
                "add `opt_out:` with at least one of `env`, `flag`, `command`, `config`, `do_not_track: true`",
            )
            .at_manifest(project.span),
        );
    }
    if project.retention_days.value > policy.max_retention_days {
        findings.push(
            Finding::new(
                rules::RETENTION_OVER_LIMIT,
                format!(
                    "the project keeps events {} days; {} allows at most {}",
                    project.retention_days.value,
                    policy.named(),
                    policy.max_retention_days
                ),
                format!(
                    "lower `retention_days` to {} or less",
                    policy.max_retention_days
                ),
            )
            .at_manifest(project.retention_days.span),
        );
    }

    for event in &manifest.events {
        let name = &event.name.value;
        for (required, text) in [
            (MetadataKey::Description, &event.description),
            (MetadataKey::Purpose, &event.purpose),
            (MetadataKey::Owner, &event.owner),
            (MetadataKey::Since, &event.since),
        ] {
            let key = required.as_str();
            match text {
                None if policy.requires(required) => findings.push(
                    Finding::new(
                        rules::MISSING_METADATA,
                        format!("event `{name}` has no `{key}`"),
                        format!("add `{key}:` to the event"),
                    )
                    .event(name)
                    .at_manifest(event.name.span),
                ),
                Some(text) if required != MetadataKey::Since && is_placeholder(&text.value) => {
                    findings.push(
                        Finding::new(
                            rules::PLACEHOLDER_TEXT,
                            format!(
                                "the `{key}` of event `{name}` is a placeholder: `{}`",
                                text.value.trim()
                            ),
                            format!("write the real {key} in plain language"),
                        )
                        .event(name)
                        .at_manifest(text.span),
                    )
                }
                _ => {}
            }
        }
        match &event.expires {
            None if policy.requires(MetadataKey::Expires) => findings.push(
                Finding::new(
                    rules::MISSING_METADATA,
                    format!("event `{name}` has no valid `expires`"),
                    "add `expires:` with the date collection stops, such as 2027-06-30",
                )
                .event(name)
                .at_manifest(event.name.span),
            ),
            Some(Located {
                value: Expiry::On(date),
                span,
            }) if *date < today => findings.push(
                Finding::new(
                    rules::EXPIRED_EVENT,
                    format!("event `{name}` expired on {date}; today is {today}"),
                    "remove the event and its struct, or review it again and move `expires` forward",
                )
                .event(name)
                .at_manifest(*span),
            ),
            _ => {}
        }
        if let Some(days) = &event.retention_days
            && days.value > policy.max_retention_days
        {
            findings.push(
                Finding::new(
                    rules::RETENTION_OVER_LIMIT,
                    format!(
                        "event `{name}` is kept {} days; {} allows at most {}",
                        days.value,
                        policy.named(),
                        policy.max_retention_days
                    ),
                    format!(
                        "lower the event's `retention_days` to {} or less",
                        policy.max_retention_days
                    ),
                )
                .event(name)
                .at_manifest(days.span),
            );
        }
        for field in &event.fields {
            check_field_policy(Owner::Event(name), field, policy, &mut findings);
        }
    }
    for group in &manifest.groups {
        for field in &group.fields {
            check_field_policy(
                Owner::Group(&group.name.value),
                field,
                policy,
                &mut findings,
            );
        }
    }
    check_descriptions(manifest, &mut findings);
    findings
}

/// The policy checks of one field: its description, and its data category
/// against `policy.allowed_categories`.
fn check_field_policy(
    owner: Owner<'_>,
    field: &FieldDef,
    policy: &ValidPolicy,
    findings: &mut Vec<Finding>,
) {
    let field_name = &field.name.value;
    match &field.description {
        None if policy.requires(MetadataKey::FieldDescription) => findings.push(
            owner
                .tag(Finding::new(
                    rules::MISSING_METADATA,
                    format!("field `{field_name}` of {owner} has no `description`"),
                    "add `description:` saying what the field tells, in plain language",
                ))
                .field(field_name)
                .at_manifest(field.name.span),
        ),
        Some(text) if is_placeholder(&text.value) => findings.push(
            owner
                .tag(Finding::new(
                    rules::PLACEHOLDER_TEXT,
                    format!(
                        "the `description` of field `{field_name}` of {owner} is a placeholder: `{}`",
                        text.value.trim()
                    ),
                    "write what the field tells, in plain language",
                ))
                .field(field_name)
                .at_manifest(text.span),
        ),
        _ => {}
    }
    let category = field.category.value;
    if !policy.allowed_categories.contains(&category) {
        let allowed: Vec<&str> = policy
            .allowed_categories
            .iter()
            .map(|c| c.as_str())
            .collect();
        findings.push(
            owner
                .tag(Finding::new(
                    rules::CATEGORY_NOT_ALLOWED,
                    format!(
                        "field `{field_name}` of {owner} is `{category}` data; {} allows {}",
                        policy.named(),
                        if allowed.is_empty() { "no category".to_owned() } else { allowed.join(", ") }
                    ),
                    "send a coarser field in an allowed category, or, after review, add the category to `policy.allowed_categories`",
                ))
                .field(field_name)
                .at_manifest(field.category.span),
        );
    }
}

/// TL035: an event's or a field's description that only repeats its name.
fn check_descriptions(manifest: &ValidManifest, findings: &mut Vec<Finding>) {
    let mut check = |owner: Owner<'_>,
                     field: Option<&str>,
                     name: &str,
                     description: Option<&Located<String>>| {
        let Some(description) = description else {
            return;
        };
        if !repeats(name, &description.value) {
            return;
        }
        let what = match field {
            Some(field) => format!("field `{field}` of {owner}"),
            None => owner.to_string(),
        };
        let finding = owner.tag(
            Finding::new(
                rules::DESCRIPTION_REPEATS_NAME,
                format!(
                    "the description of {what} only repeats its name: `{}`",
                    description.value.trim()
                ),
                "say what the value means and in which unit or range, so a user of the data dictionary learns what is sent",
            )
            .at_manifest(description.span),
        );
        findings.push(match field {
            Some(field) => finding.field(field),
            None => finding,
        });
    };
    for event in &manifest.events {
        let owner = Owner::Event(&event.name.value);
        check(owner, None, &event.name.value, event.description.as_ref());
        for field in &event.fields {
            check(
                owner,
                Some(&field.name.value),
                &field.name.value,
                field.description.as_ref(),
            );
        }
    }
    for group in &manifest.groups {
        let owner = Owner::Group(&group.name.value);
        for field in &group.fields {
            check(
                owner,
                Some(&field.name.value),
                &field.name.value,
                field.description.as_ref(),
            );
        }
    }
}

/// Whether `description` says no more than `name`: the same words, once
/// lowercased and stripped of punctuation and articles.
fn repeats(name: &str, description: &str) -> bool {
    let said: Vec<String> = description
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !matches!(w.as_str(), "a" | "an" | "the"))
        .collect();
    let named: Vec<String> = name
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    !said.is_empty() && said == named
}
