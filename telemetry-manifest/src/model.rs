//! The manifest as parsed: a faithful image of `telemetry.yaml` with the source span
//! of every event, field and value that a diagnostic may need to point at.
//!
//! Nothing here is checked beyond its YAML shape; [`crate::validate`] turns a
//! [`Manifest`] into a [`crate::ValidManifest`] and records what is wrong on the way.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};

use crate::governance::{Alternative, Governance, GovernanceKey};
use crate::noise::Mechanism;
use crate::vocab::{Automation, Category, ConsentModel, ContextField, FieldType};

/// A byte range in the manifest's text, for diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ByteSpan {
    /// Offset of the first byte, from the start of the file.
    pub offset: usize,
    /// Length in bytes; may be zero.
    pub len: usize,
}

impl ByteSpan {
    /// A span from an offset and a length, both in bytes.
    pub const fn new(offset: usize, len: usize) -> Self {
        ByteSpan { offset, len }
    }
}

/// A value with the place it was written in the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it stands in the manifest; zero-length where the parser gave no span.
    pub span: ByteSpan,
}

impl<T> Located<T> {
    /// Wraps a value with its span.
    pub const fn new(value: T, span: ByteSpan) -> Self {
        Located { value, span }
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    /// From the manifest's YAML tree (see `crate::yaml`), the value with the span
    /// of its node; from any other deserializer, the value with an empty span.
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LocatedVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for LocatedVisitor<T> {
            type Value = Located<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_newtype_struct<D: de::Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Self::Value, D::Error> {
                T::deserialize(deserializer).map(|value| Located::new(value, ByteSpan::default()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let missing = |index| de::Error::invalid_length(index, &"a span and a value");
                let offset: u64 = seq.next_element()?.ok_or_else(|| missing(0))?;
                let len: u64 = seq.next_element()?.ok_or_else(|| missing(1))?;
                let value: T = seq.next_element()?.ok_or_else(|| missing(2))?;
                let span = ByteSpan::new(
                    usize::try_from(offset).unwrap_or(usize::MAX),
                    usize::try_from(len).unwrap_or(0),
                );
                Ok(Located::new(value, span))
            }
        }
        deserializer.deserialize_newtype_struct(crate::yaml::LOCATED, LocatedVisitor(PhantomData))
    }
}

/// A YAML mapping kept in source order, with the span of every key and value.
///
/// Duplicate keys never reach this type: the loader rejects them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocatedMap<V>(pub Vec<(Located<String>, Located<V>)>);

impl<V> Default for LocatedMap<V> {
    fn default() -> Self {
        LocatedMap(Vec::new())
    }
}

impl<V> LocatedMap<V> {
    /// The entries in source order.
    pub fn iter(&self) -> impl Iterator<Item = (&Located<String>, &Located<V>)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The value under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&Located<V>> {
        self.0.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the mapping has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for LocatedMap<V> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = LocatedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Located<String>>()? {
                    let value = map.next_value::<Located<V>>()?;
                    entries.push((key, value));
                }
                Ok(LocatedMap(entries))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LocatedMap(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LocatedMap(Vec::new()))
            }
        }
        // `deserialize_any`, not `deserialize_map`: the YAML parser hands an empty
        // value (`fields:` with nothing after it) only to `deserialize_any`.
        deserializer.deserialize_any(MapVisitor(PhantomData))
    }
}

/// The whole manifest, `telemetry.yaml`, as parsed.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The format version; only `1` exists.
    pub version: Located<u32>,
    /// Who collects the data and how to opt out.
    pub project: Located<Project>,
    /// The privacy policy the events must meet; strict defaults apply when absent.
    #[serde(default)]
    pub policy: Option<Located<Policy>>,
    /// A file that holds the policy instead of a `policy` section, so that several
    /// workspaces share one: a path relative to the manifest's directory, ending in
    /// `.yaml` or `.yml`, whose top level has the keys of [`Policy`].
    #[serde(default)]
    pub policy_file: Option<Located<String>>,
    /// Who holds the data once it is sent: access, storage, processors, encryption,
    /// deletion, publication, incidents, sale (see [`Governance`]).
    #[serde(default)]
    pub governance: Option<Located<Governance>>,
    /// The field groups, by name (snake_case): sets of fields declared once and
    /// embedded in several events.
    #[serde(default)]
    pub groups: LocatedMap<Group>,
    /// The events, by name (snake_case).
    #[serde(default)]
    pub events: LocatedMap<Event>,
}

/// A field group: a set of fields declared once and embedded in several events,
/// such as the platform a program runs on.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// What the fields of the group say together, in plain language.
    #[serde(default)]
    pub description: Option<Located<String>>,
    /// The group's fields, by name (snake_case, the Rust field names of the group
    /// struct).
    #[serde(default)]
    pub fields: LocatedMap<Field>,
}

/// The project that collects the data.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// The project's name, as users know it.
    pub name: Located<String>,
    /// Where users send questions and deletion requests (an e-mail address or URL).
    #[serde(default)]
    pub contact: Option<Located<String>>,
    /// How long collected events are kept, in days, unless an event says otherwise.
    pub retention_days: Located<u32>,
    /// How users turn telemetry off.
    #[serde(default)]
    pub opt_out: Option<Located<OptOut>>,
    /// Whether telemetry is on before the user chooses: `opt-in` (the default) or
    /// `opt-out`.
    #[serde(default)]
    pub consent: Option<Located<ConsentModel>>,
    /// The coarse context attached to every event (`program_version`, `os_family`,
    /// `arch`, `hour`, `session_id`); none when absent.
    #[serde(default)]
    pub context: Option<Located<Vec<Located<ContextField>>>>,
    /// Where users read the data dictionary (the published `TELEMETRY.md`): a URL, or
    /// a path in the program's distribution.
    #[serde(default)]
    pub data_dictionary: Option<Located<String>>,
    /// The consent levels users choose from, least data first (`[errors, usage]`):
    /// choosing a level allows its events and those of every level before it. When
    /// given, every event names its `level`.
    #[serde(default)]
    pub levels: Option<Located<Vec<Located<String>>>>,
    /// The program's own configuration file, where a user may turn telemetry off or
    /// choose a level.
    #[serde(default)]
    pub config_file: Option<Located<ConfigFile>>,
    /// What an unattended run (CI, no terminal) does before a person has seen the
    /// notice: `strict` (the default, nothing is sent) or `allow`.
    #[serde(default)]
    pub automation: Option<Located<Automation>>,
}

/// The program's own configuration file and the key in it that holds the user's
/// telemetry choice (`false`, `true`, or a level's name).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The file's path relative to the platform's configuration directory
    /// (`~/.config` on Linux, `~/Library/Application Support` on macOS, `%APPDATA%`
    /// on Windows), such as `acme/config.toml`; its extension names the format:
    /// `.toml`, `.yaml`, `.yml` or `.json`.
    pub path: Located<String>,
    /// The key, dotted for a nested table (`telemetry`, `privacy.telemetry`).
    pub key: Located<String>,
}

/// The ways a user can turn telemetry off; at least one must be given.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptOut {
    /// An environment variable assignment, such as `ACME_TELEMETRY=0`.
    #[serde(default)]
    pub env: Option<Located<String>>,
    /// A command-line flag, such as `--no-telemetry`.
    #[serde(default)]
    pub flag: Option<Located<String>>,
    /// A command that persists the choice, such as `acme telemetry disable`.
    #[serde(default)]
    pub command: Option<Located<String>>,
    /// A configuration file setting, such as `telemetry = false in ~/.config/acme.toml`.
    #[serde(default)]
    pub config: Option<Located<String>>,
    /// Whether the program honours `DO_NOT_TRACK=1`.
    #[serde(default)]
    pub do_not_track: Option<Located<bool>>,
}

/// The privacy policy that the manifest's events must meet.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The longest retention any event may declare, in days (default 365).
    #[serde(default)]
    pub max_retention_days: Option<Located<u32>>,
    /// The data categories fields may use (default: `technical`, `interaction`).
    #[serde(default)]
    pub allowed_categories: Option<Located<Vec<Located<Category>>>>,
    /// The most distinct value combinations one event may take (default 10,000).
    #[serde(default)]
    pub max_combinations: Option<Located<u64>>,
    /// Which metadata every event and field must have (default: all of
    /// [`MetadataKey::ALL`]).
    #[serde(default)]
    pub required_metadata: Option<Located<Vec<Located<MetadataKey>>>>,
    /// How far ahead of today an event's `expires` may lie, in days (default 730).
    #[serde(default)]
    pub max_expiry_days: Option<Located<u32>>,
    /// Whether an event may declare `expires: never` (default `false`).
    #[serde(default)]
    pub allow_never_expires: Option<Located<bool>>,
    /// How many events the manifest may declare before a warning (default 10).
    #[serde(default)]
    pub max_events: Option<Located<u32>>,
    /// Which governance answers the manifest must give (default: all of
    /// [`GovernanceKey::ALL`]).
    #[serde(default)]
    pub required_governance: Option<Located<Vec<Located<GovernanceKey>>>>,
    /// The largest privacy budget, in epsilon per day, that any event and all
    /// events together may spend (see [`crate::EventBudget`]); no limit when
    /// absent. When set, every event must be locally private.
    #[serde(default)]
    pub max_epsilon_per_day: Option<Located<f64>>,
}

/// A piece of metadata the policy can require, listed in `policy.required_metadata`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetadataKey {
    /// An event's `description`.
    Description,
    /// An event's `purpose`.
    Purpose,
    /// An event's `owner`.
    Owner,
    /// An event's `since`.
    Since,
    /// An event's `expires`.
    Expires,
    /// A field's `description`.
    FieldDescription,
}

impl MetadataKey {
    /// Every key, in the order the policy lists them by default.
    pub const ALL: [MetadataKey; 6] = [
        MetadataKey::Description,
        MetadataKey::Purpose,
        MetadataKey::Owner,
        MetadataKey::Since,
        MetadataKey::Expires,
        MetadataKey::FieldDescription,
    ];

    /// The word used in the manifest, such as `field_description`.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetadataKey::Description => "description",
            MetadataKey::Purpose => "purpose",
            MetadataKey::Owner => "owner",
            MetadataKey::Since => "since",
            MetadataKey::Expires => "expires",
            MetadataKey::FieldDescription => "field_description",
        }
    }
}

/// One entry of a `waivers:` list, as written: an exception to one rule for one
/// event or field, granted after a review.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverEntry {
    /// The rule waived, by id (`TL023`) or name (`identifier-like-field`).
    pub rule: Located<String>,
    /// Why the finding does not apply, in plain language.
    #[serde(default)]
    pub reason: Option<Located<String>>,
    /// Where the exception was reviewed: a pull request, an issue or a review
    /// document.
    #[serde(default)]
    pub review: Option<Located<String>>,
}

/// One event: a thing that happened, sent with a fixed set of fields.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// What happened, in plain language.
    #[serde(default)]
    pub description: Option<Located<String>>,
    /// Why the project needs to know: the decision the data informs.
    #[serde(default)]
    pub purpose: Option<Located<String>>,
    /// Who answers for this event: a team or a person's handle.
    #[serde(default)]
    pub owner: Option<Located<String>>,
    /// The first program version that sends it.
    #[serde(default)]
    pub since: Option<Located<String>>,
    /// When collection stops: `YYYY-MM-DD` or `never`.
    #[serde(default)]
    pub expires: Option<Located<String>>,
    /// How long this event is kept, in days, when it differs from the project's.
    #[serde(default)]
    pub retention_days: Option<Located<u32>>,
    /// The consent level the event belongs to, one of `project.levels`.
    #[serde(default)]
    pub level: Option<Located<String>>,
    /// The fields, by name (snake_case, the Rust field names).
    #[serde(default)]
    pub fields: LocatedMap<Field>,
    /// Reviewed exceptions to event-level rules for this event.
    #[serde(default)]
    pub waivers: Option<Located<Vec<Located<WaiverEntry>>>>,
    /// The field groups the event embeds, by name: each group's fields are sent
    /// with the event's own, and the event struct holds the group's struct as a
    /// field named after the group.
    #[serde(default)]
    pub groups: Option<Located<Vec<Located<String>>>>,
    /// What was considered instead of collecting the event, and why it is not
    /// enough.
    #[serde(default)]
    pub alternatives: Option<Located<Vec<Located<Alternative>>>>,
    /// The share of occurrences the program records, `0 < rate <= 1` (default 1):
    /// each occurrence is kept with this probability, independently.
    #[serde(default)]
    pub sample_rate: Option<Located<f64>>,
    /// The fewest reports a cell of an estimate (one value of one field) must rest
    /// on to be shown; smaller cells are suppressed (default 10).
    #[serde(default)]
    pub min_count: Option<Located<u32>>,
}

/// One field of an event.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The field type, from the closed vocabulary of [`FieldType`].
    #[serde(rename = "type")]
    pub ty: Located<FieldType>,
    /// The data category of what the field reveals.
    pub category: Located<Category>,
    /// What the field says, in plain language.
    #[serde(default)]
    pub description: Option<Located<String>>,
    /// For `enum` fields: every value the field may take, in snake_case.
    #[serde(default)]
    pub values: Option<Located<Vec<Located<String>>>>,
    /// For bucket fields: the ascending bounds between buckets (`100ms`, `1MiB`, ...);
    /// for a `count`, whole numbers without a unit (`1`, `10`, `100`), as written.
    #[serde(default)]
    pub buckets: Option<Located<Vec<Located<String>>>>,
    /// For `count` fields: the largest value that will be sent; larger values are
    /// clamped to it. A count declares `max` or `buckets`.
    #[serde(default)]
    pub max: Option<Located<u64>>,
    /// Reviewed exceptions to field-level rules for this field.
    #[serde(default)]
    pub waivers: Option<Located<Vec<Located<WaiverEntry>>>>,
    /// The local differential privacy mechanism the program applies to the value
    /// before it leaves the process.
    #[serde(default)]
    pub privacy: Option<Located<FieldPrivacy>>,
}

/// A field's `privacy:` key, as written: `{ mechanism: randomized_response,
/// epsilon: 1.0 }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldPrivacy {
    /// Which mechanism: `randomized_response` or `geometric`.
    pub mechanism: Located<Mechanism>,
    /// The privacy loss of one report, `0 < epsilon <= 10`, at most three decimals.
    pub epsilon: Located<f64>,
}
