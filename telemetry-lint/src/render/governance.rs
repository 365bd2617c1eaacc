//! The governance answers in the data dictionaries: the section "Who holds the
//! data" of `TELEMETRY.md` (and its words, which `TELEMETRY.html` shares), the
//! `governance` object of `TELEMETRY.json`, and each event's alternatives in all
//! three.
//!
//! Each answer sits under a fixed heading, the question a user asks
//! ([`GovernanceKey::question`]: "Who can see the data", "When the data is
//! deleted", ...), in the order of [`GovernanceKey::ALL`], so a reader finds it in
//! the same place in every project's dictionary. The words of an answer are the
//! manifest's, through [`ValidGovernance::answer`], the same text `review` quotes.

use std::fmt::Write as _;

use serde::Serialize;
use telemetry_manifest::text::{markdown_inline, uppercase_first};
use telemetry_manifest::{EventDef, GovernanceKey, ValidGovernance, ValidManifest};

/// The section "Who holds the data" of `TELEMETRY.md`: one `###` heading per
/// question, "Not stated." where the manifest gives no answer. Left out when the
/// manifest has no `governance` section, so such a manifest renders as before.
pub(crate) fn markdown(out: &mut String, manifest: &ValidManifest) {
    let governance = &manifest.governance;
    if governance.span.is_none() {
        return;
    }
    let _ = writeln!(out, "## {HEADING}\n\n{INTRO}\n");
    for key in GovernanceKey::ALL {
        if key == GovernanceKey::Alternatives {
            continue;
        }
        let _ = writeln!(out, "### {}\n", key.question());
        match governance.answer(key) {
            Some(answer) => {
                let _ = write!(out, "{}", sentence(&answer.text));
            }
            None => out.push_str("Not stated."),
        }
        if key == GovernanceKey::RawDataAfterRetention {
            let _ = write!(out, " {RETENTION_NOTE}");
        }
        out.push_str("\n\n");
    }
}

/// The lines of an event's alternatives in `TELEMETRY.md`, after its metadata;
/// nothing when the event lists none.
pub(crate) fn markdown_alternatives(out: &mut String, event: &EventDef) {
    let Some(list) = event.alternatives.as_ref().filter(|l| !l.value.is_empty()) else {
        return;
    };
    for alternative in &list.value {
        let _ = writeln!(
            out,
            "- {CONSIDERED}: {} {NOT_ENOUGH}: {}",
            sentence(&alternative.value.considered.value),
            sentence(&alternative.value.not_enough.value)
        );
    }
}

/// The section's heading.
pub(crate) const HEADING: &str = "Who holds the data";

/// The paragraph under the heading.
pub(crate) const INTRO: &str =
    "What happens to the data once it is sent, in the project's own words.";

/// Said after the answer to "When the data is deleted".
pub(crate) const RETENTION_NOTE: &str = "How long each event is kept is listed with the event.";

/// The label of what an event's alternative considered.
pub(crate) const CONSIDERED: &str = "Considered instead of collecting";

/// The label of why an alternative is not enough.
pub(crate) const NOT_ENOUGH: &str = "Not enough, because";

/// An answer as a sentence of running Markdown: [`plain_sentence`], with what
/// Markdown would read as markup escaped.
fn sentence(text: &str) -> String {
    markdown_inline(&plain_sentence(text))
}

/// An answer as a sentence: trimmed, first letter uppercase, ending in a full
/// stop. A single word (an address, a URL) is left as written.
pub(crate) fn plain_sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.contains(char::is_whitespace) {
        return text;
    }
    let mut text = uppercase_first(&text);
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// The `governance` object of `TELEMETRY.json`: one key per answer, named as in
/// `policy.required_governance` (without `alternatives`, which each event holds),
/// `null` when not stated.
#[derive(Serialize)]
pub(crate) struct GovernanceJson<'a> {
    access: Option<&'a str>,
    storage: Option<&'a str>,
    processors: Option<Vec<&'a str>>,
    encryption_in_transit: Option<&'a str>,
    encryption_at_rest: Option<&'a str>,
    raw_data_after_retention: Option<&'a str>,
    aggregates_after_retention: Option<&'a str>,
    aggregates_published: Option<&'a str>,
    incident_contact: Option<&'a str>,
    sold_or_shared: Option<bool>,
}

impl<'a> GovernanceJson<'a> {
    /// The object for `governance`.
    pub(crate) fn of(governance: &'a ValidGovernance) -> Self {
        let text = |key| governance.text(key).map(|t| t.value.trim());
        GovernanceJson {
            access: text(GovernanceKey::Access),
            storage: text(GovernanceKey::Storage),
            processors: governance
                .processors
                .as_ref()
                .map(|list| list.value.iter().map(|p| p.value.trim()).collect()),
            encryption_in_transit: text(GovernanceKey::EncryptionInTransit),
            encryption_at_rest: text(GovernanceKey::EncryptionAtRest),
            raw_data_after_retention: text(GovernanceKey::RawDataAfterRetention),
            aggregates_after_retention: text(GovernanceKey::AggregatesAfterRetention),
            aggregates_published: text(GovernanceKey::AggregatesPublished),
            incident_contact: text(GovernanceKey::IncidentContact),
            sold_or_shared: governance.sold_or_shared.as_ref().map(|s| s.value),
        }
    }
}

/// One alternative of an event in `TELEMETRY.json`.
#[derive(Serialize)]
pub(crate) struct AlternativeJson<'a> {
    considered: &'a str,
    not_enough: &'a str,
}

/// An event's alternatives for `TELEMETRY.json`, in manifest order; empty when
/// it lists none.
pub(crate) fn alternatives_json(event: &EventDef) -> Vec<AlternativeJson<'_>> {
    event
        .alternatives
        .iter()
        .flat_map(|list| list.value.iter())
        .map(|a| AlternativeJson {
            considered: a.value.considered.value.trim(),
            not_enough: a.value.not_enough.value.trim(),
        })
        .collect()
}
