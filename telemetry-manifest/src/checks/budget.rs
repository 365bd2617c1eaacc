//! The privacy budget check (TL039): when the policy sets `max_epsilon_per_day`,
//! every event must be locally private and spend at most that much per day, and
//! so must all events together. The budget itself is [`crate::EventBudget`].
//!
//! ```
//! use telemetry_manifest::{check_budget, parse_str, validate};
//! let text = "version: 1\nproject: { name: p, retention_days: 30 }\npolicy: { max_epsilon_per_day: 1 }\nevents:\n  e:\n    fields:\n      ok: { type: bool, category: technical, privacy: { mechanism: randomized_response, epsilon: 1 } }\n";
//! let (manifest, findings) = validate(&parse_str(text).unwrap());
//! assert!(findings.is_empty());
//! let found = check_budget(&manifest);
//! assert_eq!(found.len(), 1); // epsilon 1 × 2 values = 2 per day
//! assert_eq!(found[0].rule.id, "TL039");
//! ```

use crate::finding::Finding;
use crate::noise::EventBudget;
use crate::rules;
use crate::valid::ValidManifest;

/// Holds every event's privacy budget, and their sum, to the policy's
/// `max_epsilon_per_day`; nothing when the policy sets none.
pub fn check_budget(manifest: &ValidManifest) -> Vec<Finding> {
    let mut findings = Vec::new();
    let policy = &manifest.policy;
    let Some(limit) = &policy.max_epsilon_per_day else {
        return findings;
    };
    let key = policy.key("max_epsilon_per_day");
    let budgets = EventBudget::all(manifest);
    for (event, budget) in manifest.events.iter().zip(&budgets) {
        let name = &event.name.value;
        match budget.per_day {
            None => {
                let fields = budget
                    .plain_fields
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let span = event
                    .all_fields(manifest)
                    .into_iter()
                    .find(|f| f.noise.is_none())
                    .filter(|f| event.field(&f.name.value).is_some())
                    .map_or(event.name.span, |f| f.name.span);
                findings.push(
                    Finding::new(
                        rules::PRIVACY_BUDGET_EXCEEDED,
                        format!(
                            "event `{name}` is not locally private: {} {fields} {} sent without noise, and {key} is {}",
                            if budget.plain_fields.len() == 1 { "field" } else { "fields" },
                            if budget.plain_fields.len() == 1 { "is" } else { "are" },
                            limit.value
                        ),
                        "declare `privacy: { mechanism: randomized_response, epsilon: 1 }` on every field sent without noise (`geometric` for a count with `max`), or remove those fields",
                    )
                    .event(name)
                    .at_manifest(span),
                );
            }
            Some(per_day) if per_day.as_f64() > limit.value => findings.push(
                Finding::new(
                    rules::PRIVACY_BUDGET_EXCEEDED,
                    format!(
                        "event `{name}` spends epsilon {per_day} per day; {key} is {}",
                        limit.value
                    ),
                    "lower the fields' `epsilon`, coarsen fields to fewer values, or drop a field; each field spends its epsilon once per value it can take",
                )
                .event(name)
                .at_manifest(event.name.span),
            ),
            Some(_) => {}
        }
    }
    if let Some(total) = EventBudget::total_per_day(&budgets)
        && budgets.len() > 1
        && total.as_f64() > limit.value
    {
        findings.push(
            Finding::new(
                rules::PRIVACY_BUDGET_EXCEEDED,
                format!(
                    "all events together spend epsilon {total} per day; {key} is {}",
                    limit.value
                ),
                "lower the fields' `epsilon`, coarsen fields, or drop events no decision needs",
            )
            .at_manifest(limit.span),
        );
    }
    findings
}
