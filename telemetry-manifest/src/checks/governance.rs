//! The governance checks: the answers the policy requires (TL044), placeholders
//! among them (TL017, with the same words as the metadata's), data sold or shared
//! (TL045), and an incident contact that is no address (TL046).
//!
//! ```
//! use telemetry_manifest::{check_governance, parse_str, validate};
//! let text = "version: 1\nproject: { name: p, retention_days: 30 }\npolicy:\n  required_governance: [incident_contact]\ngovernance:\n  incident_contact: the security team\n";
//! let (manifest, _) = validate(&parse_str(text).unwrap());
//! let rules: Vec<&str> = check_governance(&manifest).iter().map(|f| f.rule.id).collect();
//! assert_eq!(rules, ["TL046"]);
//! ```

use crate::finding::Finding;
use crate::governance::GovernanceKey;
use crate::model::ByteSpan;
use crate::rules;
use crate::text::{is_placeholder, plural};
use crate::valid::ValidManifest;

/// Holds the manifest's governance answers to its policy's `required_governance`,
/// and checks what the answers say.
pub fn check_governance(manifest: &ValidManifest) -> Vec<Finding> {
    let mut findings = Vec::new();
    let governance = &manifest.governance;
    let policy = &manifest.policy;
    let project_wide: Vec<GovernanceKey> = GovernanceKey::ALL
        .into_iter()
        .filter(|k| *k != GovernanceKey::Alternatives)
        .collect();

    let missing: Vec<GovernanceKey> = project_wide
        .iter()
        .copied()
        .filter(|k| policy.requires_governance(*k) && governance.answer(*k).is_none())
        .collect();
    let unrequired = |keys: &[GovernanceKey]| {
        format!(
            "or, if {} does not need {}, leave {} out of `required_governance`",
            policy.named(),
            if keys.len() == 1 { "it" } else { "them" },
            keys.iter()
                .map(|k| format!("`{}`", k.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match governance.span {
        None if !missing.is_empty() => findings.push(
            Finding::new(
                rules::MISSING_GOVERNANCE,
                format!(
                    "the manifest has no `governance` section; {} requires {}: {}",
                    policy.named(),
                    plural(missing.len(), "answer"),
                    missing
                        .iter()
                        .map(|k| format!("`{}`", k.path()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                format!(
                    "add a top-level `governance:` section saying who can see the data, where it is stored and by whom, how it is encrypted, what happens after retention, where aggregates are published, whom to tell of a breach and whether it is sold or shared, {}",
                    unrequired(&missing)
                ),
            )
            .at_manifest(manifest.project.span),
        ),
        None => {}
        Some(span) => {
            for key in &missing {
                findings.push(
                    Finding::new(
                        rules::MISSING_GOVERNANCE,
                        format!(
                            "the governance section does not say {}: `{}` is missing",
                            key.question().to_lowercase(),
                            key.path()
                        ),
                        format!(
                            "add `{}` in plain language, {}",
                            key.path(),
                            unrequired(&[*key])
                        ),
                    )
                    .at_manifest(span),
                );
            }
        }
    }

    for key in project_wide {
        if let Some(text) = governance.text(key)
            && is_placeholder(&text.value)
        {
            findings.push(placeholder(
                format!(
                    "the governance answer `{}` is a placeholder: `{}`",
                    key.path(),
                    text.value.trim()
                ),
                "write the real answer in plain language",
                text.span,
            ));
        }
    }
    if let Some(list) = &governance.processors {
        for processor in &list.value {
            if is_placeholder(&processor.value) {
                findings.push(placeholder(
                    format!(
                        "an entry of `governance.processors` is a placeholder: `{}`",
                        processor.value.trim()
                    ),
                    "name the third party and what it does with the data, or write `processors: []` when there is none",
                    processor.span,
                ));
            }
        }
    }

    if let Some(sold) = &governance.sold_or_shared
        && sold.value
    {
        findings.push(
            Finding::new(
                rules::DATA_SOLD_OR_SHARED,
                "the governance section says the data is sold or shared (`sold_or_shared: true`)",
                "stop selling or passing on the data and write `sold_or_shared: false`; list a party that processes the data for the project under `processors`",
            )
            .at_manifest(sold.span),
        );
    }

    if let Some(contact) = &governance.incident_contact
        && !is_placeholder(&contact.value)
        && !is_address(contact.value.trim())
    {
        findings.push(
            Finding::new(
                rules::UNREACHABLE_INCIDENT_CONTACT,
                format!(
                    "the incident contact `{}` is not an e-mail address or a URL",
                    contact.value.trim()
                ),
                "write an e-mail address or the URL of the project's security policy, such as `security@acme.example`",
            )
            .at_manifest(contact.span),
        );
    }

    for event in &manifest.events {
        let name = &event.name.value;
        let given = event.alternatives.as_ref().filter(|l| !l.value.is_empty());
        match given {
            None if policy.requires_governance(GovernanceKey::Alternatives) => findings.push(
                Finding::new(
                    rules::MISSING_GOVERNANCE,
                    format!(
                        "event `{name}` does not say what was considered instead of collecting it"
                    ),
                    format!(
                        "add `alternatives:` to the event, each with `considered` (a way to learn the same without the event) and `not_enough` (why it does not answer the purpose), {}",
                        unrequired(&[GovernanceKey::Alternatives])
                    ),
                )
                .event(name)
                .at_manifest(
                    event
                        .alternatives
                        .as_ref()
                        .map_or(event.name.span, |l| l.span),
                ),
            ),
            None => {}
            Some(list) => {
                for alternative in &list.value {
                    for (key, text) in [
                        ("considered", &alternative.value.considered),
                        ("not_enough", &alternative.value.not_enough),
                    ] {
                        if is_placeholder(&text.value) {
                            findings.push(
                                placeholder(
                                    format!(
                                        "the `{key}` of an alternative of event `{name}` is a placeholder: `{}`",
                                        text.value.trim()
                                    ),
                                    "write the alternative, and why it does not answer the event's purpose, in plain language",
                                    text.span,
                                )
                                .event(name),
                            );
                        }
                    }
                }
            }
        }
    }
    findings
}

/// A TL017 finding, the rule of every placeholder.
fn placeholder(message: String, help: &str, span: ByteSpan) -> Finding {
    Finding::new(rules::PLACEHOLDER_TEXT, message, help).at_manifest(span)
}

/// Whether `text` reads as an address one can write to: one word with text on
/// both sides of an `@`, or an `http(s)://` URL.
fn is_address(text: &str) -> bool {
    if text.starts_with("https://") || text.starts_with("http://") {
        return crate::text::is_web_address(text);
    }
    let text = text.strip_prefix("mailto:").unwrap_or(text);
    match text.split_once('@') {
        Some((user, host)) => {
            !user.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_address;

    #[test]
    fn addresses() {
        for ok in [
            "security@acme.example",
            "mailto:security@acme.example",
            "https://acme.example/security",
        ] {
            assert!(is_address(ok), "{ok}");
        }
        for no in [
            "the security team",
            "@acme",
            "security@",
            "https://",
            "sec urity@acme.example",
            "security@localhost",
        ] {
            assert!(!is_address(no), "{no}");
        }
    }
}
