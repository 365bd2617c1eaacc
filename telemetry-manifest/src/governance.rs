//! Governance: who holds the data once it is sent, and what was considered instead
//! of collecting it.
//!
//! A data dictionary says *what* is sent. The review writing this project follows
//! asks more of every collection: Mozilla's data-collection review request
//! (<https://github.com/mozilla/data-review/blob/main/request.md>: the alternatives
//! considered, where results are shared, third-party tools) and the Linux
//! Foundation's telemetry policy
//! (<https://bestpractices.linuxfoundation.org/privacy/telemetry.html>: privacy,
//! confidentiality, awareness, and the security of the collection mechanism). The
//! manifest answers them in one top-level section, `governance`, and in each event's
//! `alternatives`:
//!
//! ```yaml
//! governance:
//!   access: The two maintainers of the release team.
//!   storage: A PostgreSQL database on a server the project rents in Germany.
//!   processors: [Hetzner Online GmbH, which hosts the server]   # [] when none
//!   encryption:
//!     in_transit: TLS 1.3 (HTTPS) from the program to the collector.
//!     at_rest: The database's disk is encrypted.
//!   after_retention:
//!     raw_data: Deleted by a nightly job.
//!     aggregates: Monthly totals per command are kept.
//!   aggregates_published: https://acme.example/telemetry/
//!   incident_contact: security@acme.example
//!   sold_or_shared: false
//! events:
//!   command_finished:
//!     alternatives:
//!       - considered: Asking users in the issue tracker.
//!         not_enough: Few answer, and never those whose command failed quietly.
//! ```
//!
//! The section is its own top-level key, not part of `project`: `project` is what the
//! program itself reads at build time (`manifest_project!()`), while governance is
//! about the collector's side and is read only by the linter and the documents.
//!
//! Which answers are required is the policy's `required_governance`
//! ([`GovernanceKey`]); all of them by default. [`ValidGovernance::answer`] gives
//! each answer in plain language with the span it came from, for `TELEMETRY.md`,
//! `TELEMETRY.json` and `review`, so the three say the same words.
//!
//! ```
//! use telemetry_manifest::{GovernanceKey, parse_str, validate};
//! let text = "version: 1\nproject: { name: p, retention_days: 30 }\ngovernance:\n  processors: []\n  sold_or_shared: false\n";
//! let (manifest, _) = validate(&parse_str(text).unwrap());
//! let answer = manifest.governance.answer(GovernanceKey::Processors).unwrap();
//! assert_eq!(answer.text, "none: no third party stores or processes the data");
//! assert!(manifest.governance.answer(GovernanceKey::Access).is_none());
//! ```

use serde::Deserialize;

use crate::model::{ByteSpan, Located};

/// The `governance` section as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Governance {
    /// Who can see the raw data (the events as received), in plain language.
    #[serde(default)]
    pub access: Option<Located<String>>,
    /// Where the raw data is stored: the service or machine, and the country.
    #[serde(default)]
    pub storage: Option<Located<String>>,
    /// The third parties that store or process the data for the project (hosting,
    /// analytics); an empty list says there are none.
    #[serde(default)]
    pub processors: Option<Located<Vec<Located<String>>>>,
    /// How the data is protected in transit and at rest.
    #[serde(default)]
    pub encryption: Option<Located<Encryption>>,
    /// What happens to raw data and aggregates when the retention period ends.
    #[serde(default)]
    pub after_retention: Option<Located<AfterRetention>>,
    /// Where aggregates are published (a URL), or that they are not.
    #[serde(default)]
    pub aggregates_published: Option<Located<String>>,
    /// Whom to tell of a breach or a security problem of the collection: an
    /// e-mail address or a URL.
    #[serde(default)]
    pub incident_contact: Option<Located<String>>,
    /// Whether the data is ever sold, or shared beyond the people of `access` and
    /// the `processors`.
    #[serde(default)]
    pub sold_or_shared: Option<Located<bool>>,
}

/// `governance.encryption` as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Encryption {
    /// How the data is protected between the program and the collector.
    #[serde(default)]
    pub in_transit: Option<Located<String>>,
    /// How the stored data is protected.
    #[serde(default)]
    pub at_rest: Option<Located<String>>,
}

/// `governance.after_retention` as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfterRetention {
    /// What happens to the raw events when their retention period ends.
    #[serde(default)]
    pub raw_data: Option<Located<String>>,
    /// What happens to the aggregates computed from them: kept, and for how long.
    #[serde(default)]
    pub aggregates: Option<Located<String>>,
}

/// One entry of an event's `alternatives`: a way to answer the event's purpose
/// without collecting it, and why it is not enough.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    /// What was considered instead of collecting the event.
    pub considered: Located<String>,
    /// Why it does not answer the event's purpose.
    pub not_enough: Located<String>,
}

/// One governance question the policy can require, listed in
/// `policy.required_governance`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GovernanceKey {
    /// `governance.access`: who can see the raw data.
    Access,
    /// `governance.storage`: where the raw data is stored.
    Storage,
    /// `governance.processors`: the third parties that store or process it.
    Processors,
    /// `governance.encryption.in_transit`.
    EncryptionInTransit,
    /// `governance.encryption.at_rest`.
    EncryptionAtRest,
    /// `governance.after_retention.raw_data`.
    RawDataAfterRetention,
    /// `governance.after_retention.aggregates`.
    AggregatesAfterRetention,
    /// `governance.aggregates_published`.
    AggregatesPublished,
    /// `governance.incident_contact`.
    IncidentContact,
    /// `governance.sold_or_shared`.
    SoldOrShared,
    /// Each event's `alternatives`.
    Alternatives,
}

impl GovernanceKey {
    /// Every key, in the order documents list them.
    pub const ALL: [GovernanceKey; 11] = [
        GovernanceKey::Access,
        GovernanceKey::Storage,
        GovernanceKey::Processors,
        GovernanceKey::EncryptionInTransit,
        GovernanceKey::EncryptionAtRest,
        GovernanceKey::RawDataAfterRetention,
        GovernanceKey::AggregatesAfterRetention,
        GovernanceKey::AggregatesPublished,
        GovernanceKey::IncidentContact,
        GovernanceKey::SoldOrShared,
        GovernanceKey::Alternatives,
    ];

    /// The word used in `policy.required_governance`, such as `encryption_at_rest`.
    pub const fn as_str(self) -> &'static str {
        match self {
            GovernanceKey::Access => "access",
            GovernanceKey::Storage => "storage",
            GovernanceKey::Processors => "processors",
            GovernanceKey::EncryptionInTransit => "encryption_in_transit",
            GovernanceKey::EncryptionAtRest => "encryption_at_rest",
            GovernanceKey::RawDataAfterRetention => "raw_data_after_retention",
            GovernanceKey::AggregatesAfterRetention => "aggregates_after_retention",
            GovernanceKey::AggregatesPublished => "aggregates_published",
            GovernanceKey::IncidentContact => "incident_contact",
            GovernanceKey::SoldOrShared => "sold_or_shared",
            GovernanceKey::Alternatives => "alternatives",
        }
    }

    /// Where the answer is written in the manifest, such as
    /// `governance.encryption.at_rest` or `events.<name>.alternatives`.
    pub const fn path(self) -> &'static str {
        match self {
            GovernanceKey::Access => "governance.access",
            GovernanceKey::Storage => "governance.storage",
            GovernanceKey::Processors => "governance.processors",
            GovernanceKey::EncryptionInTransit => "governance.encryption.in_transit",
            GovernanceKey::EncryptionAtRest => "governance.encryption.at_rest",
            GovernanceKey::RawDataAfterRetention => "governance.after_retention.raw_data",
            GovernanceKey::AggregatesAfterRetention => "governance.after_retention.aggregates",
            GovernanceKey::AggregatesPublished => "governance.aggregates_published",
            GovernanceKey::IncidentContact => "governance.incident_contact",
            GovernanceKey::SoldOrShared => "governance.sold_or_shared",
            GovernanceKey::Alternatives => "events.<name>.alternatives",
        }
    }

    /// The question the answer gives, as a user asks it: the stable heading of
    /// `TELEMETRY.md` and the label of `TELEMETRY.json` and `review`.
    pub const fn question(self) -> &'static str {
        match self {
            GovernanceKey::Access => "Who can see the data",
            GovernanceKey::Storage => "Where the data is stored",
            GovernanceKey::Processors => "Who else stores or processes the data",
            GovernanceKey::EncryptionInTransit => "How the data is protected on its way",
            GovernanceKey::EncryptionAtRest => "How the stored data is protected",
            GovernanceKey::RawDataAfterRetention => "When the data is deleted",
            GovernanceKey::AggregatesAfterRetention => "What is kept after that",
            GovernanceKey::AggregatesPublished => "Where the results are published",
            GovernanceKey::IncidentContact => "Whom to tell of a breach",
            GovernanceKey::SoldOrShared => "Whether the data is sold or shared",
            GovernanceKey::Alternatives => "What was considered instead of collecting",
        }
    }
}

/// A piece of text from the manifest with its span.
type Text = Located<String>;

/// The `governance` section, checked: each answer as written, with its span.
#[derive(Clone, Debug, Default)]
pub struct ValidGovernance {
    /// Who can see the raw data.
    pub access: Option<Text>,
    /// Where the raw data is stored.
    pub storage: Option<Text>,
    /// The third parties that store or process the data; an empty list says none.
    pub processors: Option<Located<Vec<Text>>>,
    /// How the data is protected in transit.
    pub encryption_in_transit: Option<Text>,
    /// How the stored data is protected.
    pub encryption_at_rest: Option<Text>,
    /// What happens to raw data after its retention period.
    pub raw_data_after_retention: Option<Text>,
    /// What happens to aggregates after the retention period.
    pub aggregates_after_retention: Option<Text>,
    /// Where aggregates are published.
    pub aggregates_published: Option<Text>,
    /// Whom to tell of a breach.
    pub incident_contact: Option<Text>,
    /// Whether the data is ever sold or shared.
    pub sold_or_shared: Option<Located<bool>>,
    /// Where the `governance` section stands; `None` when the manifest has none.
    pub span: Option<ByteSpan>,
}

/// One governance answer in plain language, with the span of what it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The answer, as written or, for a list or a yes/no, in a sentence.
    pub text: String,
    /// Where it was written in the manifest.
    pub span: ByteSpan,
}

impl ValidGovernance {
    /// Resolves the section as written (`None` when absent).
    pub fn resolve(raw: Option<&Located<Governance>>) -> ValidGovernance {
        let Some(section) = raw else {
            return ValidGovernance::default();
        };
        let g = &section.value;
        let encryption = g.encryption.as_ref().map(|e| &e.value);
        let after = g.after_retention.as_ref().map(|a| &a.value);
        ValidGovernance {
            access: g.access.clone(),
            storage: g.storage.clone(),
            processors: g.processors.clone(),
            encryption_in_transit: encryption.and_then(|e| e.in_transit.clone()),
            encryption_at_rest: encryption.and_then(|e| e.at_rest.clone()),
            raw_data_after_retention: after.and_then(|a| a.raw_data.clone()),
            aggregates_after_retention: after.and_then(|a| a.aggregates.clone()),
            aggregates_published: g.aggregates_published.clone(),
            incident_contact: g.incident_contact.clone(),
            sold_or_shared: g.sold_or_shared.clone(),
            span: Some(section.span),
        }
    }

    /// The text answer under `key`, as written; `None` for `processors`,
    /// `sold_or_shared` and `alternatives`, which are not one text, and for an
    /// answer not given.
    pub fn text(&self, key: GovernanceKey) -> Option<&Text> {
        match key {
            GovernanceKey::Access => self.access.as_ref(),
            GovernanceKey::Storage => self.storage.as_ref(),
            GovernanceKey::EncryptionInTransit => self.encryption_in_transit.as_ref(),
            GovernanceKey::EncryptionAtRest => self.encryption_at_rest.as_ref(),
            GovernanceKey::RawDataAfterRetention => self.raw_data_after_retention.as_ref(),
            GovernanceKey::AggregatesAfterRetention => self.aggregates_after_retention.as_ref(),
            GovernanceKey::AggregatesPublished => self.aggregates_published.as_ref(),
            GovernanceKey::IncidentContact => self.incident_contact.as_ref(),
            GovernanceKey::Processors
            | GovernanceKey::SoldOrShared
            | GovernanceKey::Alternatives => None,
        }
    }

    /// The answer to a project-wide question in plain language, with its span;
    /// `None` when the manifest does not answer it, and always for
    /// [`GovernanceKey::Alternatives`], which each event answers.
    pub fn answer(&self, key: GovernanceKey) -> Option<Answer> {
        match key {
            GovernanceKey::Processors => {
                let list = self.processors.as_ref()?;
                let text = if list.value.is_empty() {
                    "none: no third party stores or processes the data".to_owned()
                } else {
                    list.value
                        .iter()
                        .map(|p| p.value.trim())
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                Some(Answer {
                    text,
                    span: list.span,
                })
            }
            GovernanceKey::SoldOrShared => {
                let sold = self.sold_or_shared.as_ref()?;
                let text = if sold.value {
                    "yes: the project says the data is sold or shared beyond the people and processors named here"
                } else {
                    "never: the data is not sold, nor shared beyond the people and processors named here"
                };
                Some(Answer {
                    text: text.to_owned(),
                    span: sold.span,
                })
            }
            key => self.text(key).map(|t| Answer {
                text: t.value.trim().to_owned(),
                span: t.span,
            }),
        }
    }
}
