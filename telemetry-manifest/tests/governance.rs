//! The governance section and events' alternatives: what the policy requires
//! (TL044), placeholders among the answers (TL017), data sold or shared (TL045),
//! an incident contact that is no address (TL046), and the answers in plain
//! language.

use telemetry_manifest::{
    Finding, GovernanceKey, ValidManifest, check_governance, parse_str, rules, validate,
};

const HEAD: &str = "version: 1\nproject: { name: p, contact: a@b.example, retention_days: 30, opt_out: { env: P=0 } }\n";

const EVENT: &str = "events:\n  ping:\n    description: A ping.\n    fields:\n      ok: { type: bool, category: technical, description: Whether it worked. }\n";

const ALTERNATIVES: &str =
    "    alternatives:\n      - considered: Asking users.\n        not_enough: Few answer.\n";

const FULL: &str = "governance:
  access: The two maintainers.
  storage: A database in Germany.
  processors: []
  encryption:
    in_transit: TLS 1.3.
    at_rest: Disk encryption.
  after_retention:
    raw_data: Deleted nightly.
    aggregates: Monthly totals are kept.
  aggregates_published: https://p.example/telemetry/
  incident_contact: security@p.example
  sold_or_shared: false
";

fn manifest(text: &str) -> ValidManifest {
    let (manifest, findings) = validate(&parse_str(text).expect("parses"));
    assert!(findings.is_empty(), "{findings:#?}");
    manifest
}

fn findings(text: &str) -> Vec<Finding> {
    check_governance(&manifest(text))
}

fn ids(found: &[Finding]) -> Vec<&'static str> {
    found.iter().map(|f| f.rule.id).collect()
}

#[test]
fn a_full_answer_is_clean() {
    let text = format!("{HEAD}{FULL}{EVENT}{ALTERNATIVES}");
    assert_eq!(findings(&text), []);
}

#[test]
fn no_section_is_one_finding_naming_every_required_answer() {
    let text = format!("{HEAD}{EVENT}{ALTERNATIVES}");
    let found = findings(&text);
    assert_eq!(ids(&found), ["TL044"]);
    assert!(
        found[0]
            .message
            .starts_with("the manifest has no `governance` section; the policy requires 10 answers: `governance.access`, `governance.storage`"),
        "{}",
        found[0].message
    );
    assert!(found[0].manifest_span.is_some());
}

#[test]
fn each_missing_answer_and_each_event_without_alternatives_is_a_finding() {
    let text =
        format!("{HEAD}governance:\n  access: The two maintainers.\n  processors: []\n{EVENT}");
    let found = findings(&text);
    let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(found.len(), 9, "{messages:#?}");
    assert!(found.iter().all(|f| f.rule == rules::MISSING_GOVERNANCE));
    assert!(messages.contains(
        &"the governance section does not say when the data is deleted: `governance.after_retention.raw_data` is missing"
    ));
    assert_eq!(
        messages.last(),
        Some(&"event `ping` does not say what was considered instead of collecting it")
    );
    assert_eq!(found.last().and_then(|f| f.event.as_deref()), Some("ping"));
}

#[test]
fn the_policy_decides_which_answers_are_required() {
    let text = format!(
        "{HEAD}policy:\n  required_governance: [incident_contact]\ngovernance:\n  incident_contact: security@p.example\n{EVENT}"
    );
    assert_eq!(findings(&text), []);
    let none = format!("{HEAD}policy:\n  required_governance: []\n{EVENT}");
    assert_eq!(findings(&none), []);
    let only = manifest(&none);
    assert!(!only.policy.requires_governance(GovernanceKey::Access));
    let default = manifest(&format!("{HEAD}{EVENT}"));
    for key in GovernanceKey::ALL {
        assert!(default.policy.requires_governance(key), "{key:?}");
    }
}

#[test]
fn placeholders_are_tl017() {
    let text = format!(
        "{HEAD}{}{EVENT}    alternatives:\n      - considered: TODO\n        not_enough: Few answer.\n",
        FULL.replace("The two maintainers.", "TBD")
            .replace("processors: []", "processors: [none]")
    );
    let found = findings(&text);
    assert_eq!(ids(&found), ["TL017", "TL017", "TL017"], "{found:#?}");
    assert_eq!(
        found[0].message,
        "the governance answer `governance.access` is a placeholder: `TBD`"
    );
    assert_eq!(
        found[1].message,
        "an entry of `governance.processors` is a placeholder: `none`"
    );
    assert_eq!(found[2].event.as_deref(), Some("ping"));
}

#[test]
fn data_sold_or_shared_is_tl045() {
    let text = format!(
        "{HEAD}{}{EVENT}{ALTERNATIVES}",
        FULL.replace("sold_or_shared: false", "sold_or_shared: true")
    );
    let found = findings(&text);
    assert_eq!(ids(&found), ["TL045"]);
    let manifest = manifest(&text);
    let answer = manifest
        .governance
        .answer(GovernanceKey::SoldOrShared)
        .expect("answered");
    assert!(answer.text.starts_with("yes"), "{}", answer.text);
}

#[test]
fn an_incident_contact_that_is_no_address_is_tl046() {
    let text = format!(
        "{HEAD}{}{EVENT}{ALTERNATIVES}",
        FULL.replace("security@p.example", "the security team")
    );
    let found = findings(&text);
    assert_eq!(ids(&found), ["TL046"]);
    assert_eq!(
        found[0].message,
        "the incident contact `the security team` is not an e-mail address or a URL"
    );
}

#[test]
fn answers_come_with_their_spans() {
    let text = format!("{HEAD}{FULL}{EVENT}{ALTERNATIVES}");
    let manifest = manifest(&text);
    let answer = manifest
        .governance
        .answer(GovernanceKey::EncryptionAtRest)
        .expect("answered");
    assert_eq!(answer.text, "Disk encryption.");
    assert_eq!(
        &text[answer.span.offset..answer.span.offset + answer.span.len],
        "Disk encryption."
    );
    assert!(
        manifest
            .governance
            .answer(GovernanceKey::Alternatives)
            .is_none()
    );
    let event = manifest.event("ping").expect("ping");
    let alternatives = event.alternatives.as_ref().expect("alternatives");
    assert_eq!(
        alternatives.value[0].value.considered.value,
        "Asking users."
    );
}
