//! From the manifest as parsed to the manifest as checked.
//!
//! [`validate`] never stops at the first problem: it resolves what it can (bucket
//! bounds into numbers, dates into [`Date`](crate::Date)s, waivers into granted
//! [`Waiver`]s), records a [`Finding`] for the rest, and always returns a
//! [`ValidManifest`] that later checks can run on. The checks themselves (of the
//! policy, of privacy, of structs) live in `checks/` and take a [`ValidManifest`].
//!
//! One field and its parameters are checked in `valid/field.rs`; the waiver model
//! sits in `valid/waiver.rs`: which rule a waiver names, whether it can be granted,
//! and why not.
//!
//! ```
//! use telemetry_manifest::{parse_str, validate};
//! let text = "version: 1\nproject: { name: p, retention_days: 30 }\nevents:\n  e:\n    retention_days: 7\n    fields:\n      ok: { type: bool, category: technical }\n";
//! let (manifest, findings) = validate(&parse_str(text).unwrap());
//! assert!(findings.is_empty());
//! let event = manifest.event("e").unwrap();
//! assert_eq!(manifest.retention_days(event), 7);
//! ```

mod field;
mod waiver;

use heck::ToSnakeCase;

use crate::finding::{Finding, Owner};
use crate::governance::{Alternative, GovernanceKey, ValidGovernance};
use crate::model::{ByteSpan, Event, Located, Manifest, MetadataKey, Policy, Project};
use crate::noise::DEFAULT_MIN_COUNT;
use crate::rules::{
    self, DEFAULT_ALLOW_NEVER_EXPIRES, DEFAULT_ALLOWED_CATEGORIES, DEFAULT_MAX_COMBINATIONS,
    DEFAULT_MAX_EVENTS, DEFAULT_MAX_EXPIRY_DAYS, DEFAULT_MAX_RETENTION_DAYS,
    DEFAULT_REQUIRED_GOVERNANCE, WaiverScope,
};
use crate::text::{closest, is_snake_case};
use crate::vocab::{Automation, Category, ConfigFormat, ConsentModel, ContextField, Expiry};

pub use field::FieldDef;
pub use waiver::Waiver;
pub(crate) use waiver::judge;
pub(crate) use waiver::resolve_waivers;

/// A piece of text from the manifest with its span.
pub type Text = Located<String>;

/// The manifest as checked: parameters resolved, defaults applied, events sorted
/// by name.
#[derive(Clone, Debug)]
pub struct ValidManifest {
    /// The project.
    pub project: ValidProject,
    /// The policy, defaults applied.
    pub policy: ValidPolicy,
    /// The field groups, sorted by name.
    pub groups: Vec<GroupDef>,
    /// The events, sorted by name.
    pub events: Vec<EventDef>,
    /// Who holds the data once it is sent; empty when the manifest has no
    /// `governance` section.
    pub governance: ValidGovernance,
}

impl ValidManifest {
    /// The event called `name`: a binary search, since `validate` leaves the
    /// events sorted by name (the first of that name, were there several).
    pub fn event(&self, name: &str) -> Option<&EventDef> {
        let at = self
            .events
            .partition_point(|e| e.name.value.as_str() < name);
        self.events.get(at).filter(|e| e.name.value == name)
    }

    /// The field group called `name`.
    pub fn group(&self, name: &str) -> Option<&GroupDef> {
        self.groups.iter().find(|g| g.name.value == name)
    }

    /// How long `event` is kept, in days: its own `retention_days`, else the
    /// project's.
    pub fn retention_days(&self, event: &EventDef) -> u32 {
        event
            .retention_days
            .as_ref()
            .map_or(self.project.retention_days.value, |days| days.value)
    }

    /// Each consent level with the most sensitive data category its own events send
    /// (fields of embedded groups included), in the order of `project.levels`; a
    /// level without events sends `technical` at most. A manifest without levels
    /// gives one entry, named `""`, for all its events. This is what a user's choice
    /// of a level covers, and what the runtime compares on upgrade.
    pub fn level_categories(&self) -> Vec<(&str, Category)> {
        let names: Vec<&str> = if self.project.levels.is_empty() {
            vec![""]
        } else {
            self.project
                .levels
                .iter()
                .map(|level| level.value.as_str())
                .collect()
        };
        names
            .into_iter()
            .map(|name| {
                let highest = self
                    .events
                    .iter()
                    .filter(|event| {
                        name.is_empty() || event.level.as_ref().is_some_and(|l| l.value == name)
                    })
                    .flat_map(|event| event.all_fields(self))
                    .map(|field| field.category.value)
                    .max()
                    .unwrap_or(Category::Technical);
                (name, highest)
            })
            .collect()
    }
}

/// One field group, checked: fields declared once and embedded in several events.
#[derive(Clone, Debug)]
pub struct GroupDef {
    /// The group's name, with the span of its key.
    pub name: Text,
    /// Where the group's body stands.
    pub span: ByteSpan,
    /// What the group's fields say together.
    pub description: Option<Text>,
    /// The fields, in manifest order.
    pub fields: Vec<FieldDef>,
}

impl GroupDef {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name.value == name)
    }
}

impl<'a> From<&'a EventDef> for Owner<'a> {
    fn from(event: &'a EventDef) -> Self {
        Owner::Event(&event.name.value)
    }
}

impl<'a> From<&'a GroupDef> for Owner<'a> {
    fn from(group: &'a GroupDef) -> Self {
        Owner::Group(&group.name.value)
    }
}

/// The project section.
#[derive(Clone, Debug)]
pub struct ValidProject {
    /// The project's name.
    pub name: Text,
    /// Where users send questions.
    pub contact: Option<Text>,
    /// The default retention, in days.
    pub retention_days: Located<u32>,
    /// The ways to opt out, as `(kind, how)` pairs in a fixed order: `env`, `flag`,
    /// `command`, `config`, `do_not_track`.
    pub opt_out: Vec<(&'static str, Text)>,
    /// The consent model; [`ConsentModel::OptIn`] when not written.
    pub consent: ConsentModel,
    /// The context attached to every event, without repeats, in
    /// [`ContextField::ALL`] order.
    pub context: Vec<ContextField>,
    /// Where users read the data dictionary, if written.
    pub data_dictionary: Option<Text>,
    /// The consent levels, least data first; empty when the manifest declares none.
    /// Names that TL042 rejects are left out.
    pub levels: Vec<Text>,
    /// The program's own configuration file, when declared and readable (TL043).
    pub config_file: Option<ValidConfigFile>,
    /// What an unattended run does before a person has seen the notice;
    /// [`Automation::Strict`] when not written.
    pub automation: Automation,
    /// Where the `project` section stands.
    pub span: ByteSpan,
}

/// The program's own configuration file, checked (`project.config_file`).
#[derive(Clone, Debug)]
pub struct ValidConfigFile {
    /// The path relative to the platform's configuration directory, as written.
    pub path: Text,
    /// The dotted key, as written.
    pub key: Text,
    /// The format, from the path's extension.
    pub format: ConfigFormat,
}

/// The words a level may not be named: `<NAME>_TELEMETRY` and the config file
/// already read them as on or off at every level.
pub const RESERVED_LEVEL_NAMES: [&str; 9] = [
    "0", "1", "false", "true", "off", "on", "enabled", "disabled", "all",
];

/// The policy section with its defaults applied.
#[derive(Clone, Debug)]
pub struct ValidPolicy {
    /// The longest retention allowed, in days.
    pub max_retention_days: u32,
    /// The data categories allowed.
    pub allowed_categories: Vec<Category>,
    /// The most distinct value combinations one event may take.
    pub max_combinations: u64,
    /// The metadata every event and field must have; all of [`MetadataKey::ALL`]
    /// by default.
    pub required_metadata: Vec<MetadataKey>,
    /// How far ahead of today an event's `expires` may lie, in days.
    pub max_expiry_days: u32,
    /// Whether an event may declare `expires: never`.
    pub allow_never_expires: bool,
    /// How many events the manifest may declare before a warning.
    pub max_events: u32,
    /// The governance answers the manifest must give; all of
    /// [`DEFAULT_REQUIRED_GOVERNANCE`] by default.
    pub required_governance: Vec<GovernanceKey>,
    /// The largest privacy budget, in ε per day, of each event and of all events
    /// together; `None` sets no limit.
    pub max_epsilon_per_day: Option<Located<f64>>,
    /// The manifest's `policy_file`, as written, when the policy comes from a shared
    /// file; `None` for a `policy` section or the defaults.
    pub file: Option<Text>,
    /// Where the policy is set in the manifest: the `policy` section, or the value
    /// of `policy_file`; `None` when the defaults apply.
    pub span: Option<ByteSpan>,
}

impl ValidPolicy {
    /// The policy with its defaults applied, from a `policy` section or the
    /// contents of a policy file (`file`, the manifest's `policy_file` value), or
    /// the defaults when `raw` is `None`.
    pub fn resolve(raw: Option<&Located<Policy>>, file: Option<Text>) -> ValidPolicy {
        let span = file.as_ref().map(|f| f.span).or(raw.map(|p| p.span));
        let raw = raw.map(|p| &p.value);
        ValidPolicy {
            max_retention_days: raw
                .and_then(|p| p.max_retention_days.as_ref())
                .map_or(DEFAULT_MAX_RETENTION_DAYS, |v| v.value),
            allowed_categories: raw.and_then(|p| p.allowed_categories.as_ref()).map_or_else(
                || DEFAULT_ALLOWED_CATEGORIES.to_vec(),
                |list| list.value.iter().map(|c| c.value).collect(),
            ),
            max_combinations: raw
                .and_then(|p| p.max_combinations.as_ref())
                .map_or(DEFAULT_MAX_COMBINATIONS, |v| v.value),
            required_metadata: raw.and_then(|p| p.required_metadata.as_ref()).map_or_else(
                || MetadataKey::ALL.to_vec(),
                |list| list.value.iter().map(|k| k.value).collect(),
            ),
            max_expiry_days: raw
                .and_then(|p| p.max_expiry_days.as_ref())
                .map_or(DEFAULT_MAX_EXPIRY_DAYS, |v| v.value),
            allow_never_expires: raw
                .and_then(|p| p.allow_never_expires.as_ref())
                .map_or(DEFAULT_ALLOW_NEVER_EXPIRES, |v| v.value),
            max_events: raw
                .and_then(|p| p.max_events.as_ref())
                .map_or(DEFAULT_MAX_EVENTS, |v| v.value),
            required_governance: raw
                .and_then(|p| p.required_governance.as_ref())
                .map_or_else(
                    || DEFAULT_REQUIRED_GOVERNANCE.to_vec(),
                    |list| list.value.iter().map(|k| k.value).collect(),
                ),
            max_epsilon_per_day: raw.and_then(|p| p.max_epsilon_per_day.clone()),
            file,
            span,
        }
    }

    /// Whether the policy requires `key`.
    pub fn requires(&self, key: MetadataKey) -> bool {
        self.required_metadata.contains(&key)
    }

    /// Whether the policy requires the governance answer `key`.
    pub fn requires_governance(&self, key: GovernanceKey) -> bool {
        self.required_governance.contains(&key)
    }

    /// The policy, for messages: `the policy`, or, for a shared policy,
    /// ``the policy in `../policy.yaml` ``.
    pub fn named(&self) -> String {
        match &self.file {
            Some(file) => format!("the policy in `{}`", file.value),
            None => "the policy".to_owned(),
        }
    }

    /// Where a policy key is set, for messages: ``the policy's `max_events` ``, or,
    /// for a shared policy, ``the policy's `max_events` in `../policy.yaml` ``.
    pub fn key(&self, key: &str) -> String {
        match &self.file {
            Some(file) => format!("the policy's `{key}` in `{}`", file.value),
            None => format!("the policy's `{key}`"),
        }
    }
}

/// One event, checked.
#[derive(Clone, Debug)]
pub struct EventDef {
    /// The event's name, with the span of its key.
    pub name: Text,
    /// Where the event's body stands.
    pub span: ByteSpan,
    /// What happened.
    pub description: Option<Text>,
    /// Why it is collected.
    pub purpose: Option<Text>,
    /// Who answers for it.
    pub owner: Option<Text>,
    /// The first version that sends it.
    pub since: Option<Text>,
    /// When collection stops, if written and valid.
    pub expires: Option<Located<Expiry>>,
    /// Its own retention in days, if it overrides the project's.
    pub retention_days: Option<Located<u32>>,
    /// The consent level it belongs to, as written (TL040 and TL041 check it).
    pub level: Option<Text>,
    /// The fields, in manifest order.
    pub fields: Vec<FieldDef>,
    /// The field groups it embeds, in manifest order: each a group the manifest
    /// declares, listed once (an unknown or repeated name is a finding and left out).
    pub groups: Vec<Text>,
    /// The reviewed exceptions to event-level rules, in manifest order; a waiver
    /// that cannot be granted is left out and reported by [`crate::check_waivers`].
    pub waivers: Vec<Waiver>,
    /// What was considered instead of collecting the event, as written; `None`
    /// when the event does not say.
    pub alternatives: Option<Located<Vec<Located<Alternative>>>>,
    /// The share of occurrences recorded, `0 < rate <= 1`; 1 when not written or
    /// invalid.
    pub sample_rate: f64,
    /// The fewest reports a cell of an estimate must rest on;
    /// [`DEFAULT_MIN_COUNT`] when not written or invalid.
    pub min_count: u32,
}

impl EventDef {
    /// The event's own field called `name` (not a field of an embedded group).
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name.value == name)
    }

    /// Every field the event sends: its own fields, then the fields of each
    /// embedded group in the order of its `groups:` list, each group's in manifest
    /// order. A group field whose name is already taken is left out (the manifest
    /// then has a TL031 finding), so names are unique.
    pub fn all_fields<'a>(&'a self, manifest: &'a ValidManifest) -> Vec<&'a FieldDef> {
        self.fields_with_groups(manifest)
            .into_iter()
            .map(|(_, field)| field)
            .collect()
    }

    /// [`all_fields`](Self::all_fields), each with the group it comes from (`None`
    /// for the event's own fields).
    pub fn fields_with_groups<'a>(
        &'a self,
        manifest: &'a ValidManifest,
    ) -> Vec<(Option<&'a GroupDef>, &'a FieldDef)> {
        let mut all: Vec<(Option<&GroupDef>, &FieldDef)> =
            self.fields.iter().map(|f| (None, f)).collect();
        for name in &self.groups {
            let Some(group) = manifest.group(&name.value) else {
                continue;
            };
            for field in &group.fields {
                if !all.iter().any(|(_, f)| f.name.value == field.name.value) {
                    all.push((Some(group), field));
                }
            }
        }
        all
    }

    /// [`fields_with_groups`](Self::fields_with_groups), sorted by field name: the
    /// order every document lists an event's fields in.
    pub fn sorted_fields_with_groups<'a>(
        &'a self,
        manifest: &'a ValidManifest,
    ) -> Vec<(Option<&'a GroupDef>, &'a FieldDef)> {
        let mut fields = self.fields_with_groups(manifest);
        fields.sort_by(|a, b| a.1.name.value.cmp(&b.1.name.value));
        fields
    }

    /// Whether the event embeds the group called `name`.
    pub fn embeds(&self, name: &str) -> bool {
        self.groups.iter().any(|g| g.value == name)
    }
}

/// Checks a parsed manifest and resolves it. Never fails: problems are findings.
pub fn validate(manifest: &Manifest) -> (ValidManifest, Vec<Finding>) {
    let mut findings = Vec::new();
    let project = &manifest.project.value;
    let mut opt_out = Vec::new();
    if let Some(ways) = &project.opt_out {
        let ways = &ways.value;
        for (kind, text) in [
            ("env", &ways.env),
            ("flag", &ways.flag),
            ("command", &ways.command),
            ("config", &ways.config),
        ] {
            if let Some(text) = text {
                opt_out.push((kind, text.clone()));
            }
        }
        if let Some(dnt) = &ways.do_not_track
            && dnt.value
        {
            opt_out.push((
                "do_not_track",
                Located::new("DO_NOT_TRACK=1".to_owned(), dnt.span),
            ));
        }
    }
    let project = ValidProject {
        name: project.name.clone(),
        contact: project.contact.clone(),
        retention_days: project.retention_days.clone(),
        opt_out,
        consent: project
            .consent
            .as_ref()
            .map(|c| c.value)
            .unwrap_or_default(),
        context: ContextField::ALL
            .into_iter()
            .filter(|field| {
                project
                    .context
                    .as_ref()
                    .is_some_and(|list| list.value.iter().any(|f| f.value == *field))
            })
            .collect(),
        data_dictionary: project.data_dictionary.clone(),
        levels: validate_levels(project, &mut findings),
        config_file: validate_config_file(project, &mut findings),
        automation: project
            .automation
            .as_ref()
            .map(|a| a.value)
            .unwrap_or_default(),
        span: manifest.project.span,
    };

    // A `policy_file` is read by the caller, which has the file system
    // (`load_policy_path`), and replaces this with `ValidPolicy::resolve`.
    let policy = ValidPolicy::resolve(manifest.policy.as_ref(), None);

    let mut groups = Vec::with_capacity(manifest.groups.len());
    for (name, group) in manifest.groups.iter() {
        let group_name = &name.value;
        if !is_snake_case(group_name) {
            findings.push(
                Finding::new(
                    rules::INVALID_FIELD_PARAMETERS,
                    format!("group name `{group_name}` is not snake_case"),
                    format!(
                        "rename the group to `{}`, as the field that embeds it is named",
                        group_name.to_snake_case()
                    ),
                )
                .group(group_name)
                .at_manifest(name.span),
            );
        }
        let body = &group.value;
        let mut fields = Vec::with_capacity(body.fields.len());
        for (field_name, field) in body.fields.iter() {
            fields.push(field::validate_field(
                Owner::Group(group_name),
                field_name,
                field,
                &mut findings,
            ));
        }
        groups.push(GroupDef {
            name: name.clone(),
            span: group.span,
            description: body.description.clone(),
            fields,
        });
    }
    groups.sort_by(|a, b| a.name.value.cmp(&b.name.value));

    let mut events = Vec::with_capacity(manifest.events.len());
    for (name, event) in manifest.events.iter() {
        let event_name = &name.value;
        if !is_snake_case(event_name) {
            findings.push(
                Finding::new(
                    rules::INVALID_FIELD_PARAMETERS,
                    format!("event name `{event_name}` is not snake_case"),
                    format!("rename the event to `{}`", event_name.to_snake_case()),
                )
                .event(event_name)
                .at_manifest(name.span),
            );
        }
        let body = &event.value;
        let expires = body
            .expires
            .as_ref()
            .and_then(|text| match Expiry::parse(&text.value) {
                Ok(expiry) => Some(Located::new(expiry, text.span)),
                Err(message) => {
                    findings.push(
                        Finding::new(
                            rules::INVALID_FIELD_PARAMETERS,
                            format!("event `{event_name}` has an invalid `expires`: {message}"),
                            "write `expires` as a date such as 2027-06-30, or `never`",
                        )
                        .event(event_name)
                        .at_manifest(text.span),
                    );
                    None
                }
            });
        let mut fields = Vec::with_capacity(body.fields.len());
        for (field_name, field) in body.fields.iter() {
            fields.push(field::validate_field(
                Owner::Event(event_name),
                field_name,
                field,
                &mut findings,
            ));
        }
        let embedded = validate_embedded_groups(event_name, body, &fields, &groups, &mut findings);
        let sample_rate = match &body.sample_rate {
            Some(rate) if rate.value > 0.0 && rate.value <= 1.0 => rate.value,
            Some(rate) => {
                findings.push(
                    Finding::new(
                        rules::INVALID_FIELD_PARAMETERS,
                        format!(
                            "event `{event_name}` has `sample_rate: {}`, outside 0 < rate <= 1",
                            rate.value
                        ),
                        "write the share of occurrences to record, such as `0.1` for one in ten, or remove it to record all",
                    )
                    .event(event_name)
                    .at_manifest(rate.span),
                );
                1.0
            }
            None => 1.0,
        };
        let min_count = match &body.min_count {
            Some(count) if count.value == 0 => {
                findings.push(
                    Finding::new(
                        rules::INVALID_FIELD_PARAMETERS,
                        format!("event `{event_name}` has `min_count: 0`, which suppresses nothing"),
                        format!("write the fewest reports a published cell may rest on, {DEFAULT_MIN_COUNT} or more, or remove it for the default {DEFAULT_MIN_COUNT}"),
                    )
                    .event(event_name)
                    .at_manifest(count.span),
                );
                DEFAULT_MIN_COUNT
            }
            Some(count) => count.value,
            None => DEFAULT_MIN_COUNT,
        };
        validate_event_level(event_name, name.span, body, &project, &mut findings);
        events.push(EventDef {
            name: name.clone(),
            span: event.span,
            description: body.description.clone(),
            purpose: body.purpose.clone(),
            owner: body.owner.clone(),
            since: body.since.clone(),
            expires,
            retention_days: body.retention_days.clone(),
            level: body.level.clone(),
            fields,
            waivers: resolve_waivers(body.waivers.as_ref(), WaiverScope::Event),
            groups: embedded,
            alternatives: body.alternatives.clone(),
            sample_rate,
            min_count,
        });
    }
    events.sort_by(|a, b| a.name.value.cmp(&b.name.value));

    if manifest.version.value != 1 {
        findings.push(
            Finding::new(
                rules::INVALID_FIELD_PARAMETERS,
                format!(
                    "manifest format version {} is not supported",
                    manifest.version.value
                ),
                "write `version: 1`, the only format version",
            )
            .at_manifest(manifest.version.span),
        );
    }

    for group in &groups {
        let name = &group.name.value;
        if !events.iter().any(|e| e.embeds(name)) {
            findings.push(
                Finding::new(
                    rules::UNUSED_GROUP,
                    format!("group `{name}` is declared, but no event embeds it"),
                    format!(
                        "add `groups: [{name}]` to the events that send its fields, or remove the group"
                    ),
                )
                .group(name)
                .at_manifest(group.name.span),
            );
        }
    }

    (
        ValidManifest {
            project,
            policy,
            groups,
            events,
            governance: ValidGovernance::resolve(manifest.governance.as_ref()),
        },
        findings,
    )
}

/// The declared consent levels that TL042 accepts; a finding for the others.
fn validate_levels(project: &Project, findings: &mut Vec<Finding>) -> Vec<Text> {
    let mut levels: Vec<Text> = Vec::new();
    let Some(list) = &project.levels else {
        return levels;
    };
    if list.value.is_empty() {
        findings.push(
            Finding::new(
                rules::INVALID_LEVELS,
                "`project.levels` is empty",
                "list at least one level, least data first (`levels: [errors, usage]`), or remove `levels`",
            )
            .at_manifest(list.span),
        );
    }
    for level in &list.value {
        let name = level.value.as_str();
        let problem = if RESERVED_LEVEL_NAMES
            .iter()
            .any(|word| word.eq_ignore_ascii_case(name))
        {
            Some(format!(
                "level `{name}` is named with a word that turns telemetry on or off at every level"
            ))
        } else if !is_snake_case(name) {
            Some(format!("level `{name}` is not snake_case"))
        } else if levels.iter().any(|l| l.value == name) {
            Some(format!(
                "level `{name}` is listed twice in `project.levels`"
            ))
        } else {
            None
        };
        match problem {
            Some(message) => findings.push(
                Finding::new(
                    rules::INVALID_LEVELS,
                    message,
                    "list each level once, in snake_case, under a name that says what it sends (`errors`, `usage`)",
                )
                .at_manifest(level.span),
            ),
            None => levels.push(level.clone()),
        }
    }
    levels
}

/// The program's configuration file, when TL043 accepts it; a finding otherwise.
fn validate_config_file(project: &Project, findings: &mut Vec<Finding>) -> Option<ValidConfigFile> {
    let declared = project.config_file.as_ref()?;
    let path = &declared.value.path;
    let key = &declared.value.key;
    let help = "write the path relative to the configuration directory with a `.toml`, `.yaml`, `.yml` or `.json` extension (`acme/config.toml`), and the key as dotted names (`telemetry`)";
    let text = path.value.as_str();
    let absolute = text.starts_with('/')
        || text.starts_with('\\')
        || text.starts_with('~')
        || text.as_bytes().get(1) == Some(&b':');
    let problem = if text.trim().is_empty() {
        Some((path.span, "`project.config_file.path` is empty".to_owned()))
    } else if absolute {
        Some((
            path.span,
            format!(
                "`project.config_file.path` `{text}` is not relative to the configuration directory"
            ),
        ))
    } else if text.split(['/', '\\']).any(|part| part == "..") {
        Some((
            path.span,
            format!(
                "`project.config_file.path` `{text}` leaves the configuration directory with `..`"
            ),
        ))
    } else if ConfigFormat::of_path(text).is_none() {
        Some((
            path.span,
            format!(
                "`project.config_file.path` `{text}` has no `.toml`, `.yaml`, `.yml` or `.json` extension, so its format is unknown"
            ),
        ))
    } else if key.value.split('.').any(|part| part.trim().is_empty()) {
        Some((
            key.span,
            format!(
                "`project.config_file.key` `{}` has an empty name in its dotted path",
                key.value
            ),
        ))
    } else {
        None
    };
    if let Some((span, message)) = problem {
        findings.push(Finding::new(rules::INVALID_CONFIG_FILE, message, help).at_manifest(span));
        return None;
    }
    Some(ValidConfigFile {
        path: path.clone(),
        key: key.clone(),
        format: ConfigFormat::of_path(text)?,
    })
}

/// TL040 and TL041: the event's `level` against the declared levels.
fn validate_event_level(
    event: &str,
    name_span: ByteSpan,
    body: &Event,
    project: &ValidProject,
    findings: &mut Vec<Finding>,
) {
    let declared: Vec<&str> = project.levels.iter().map(|l| l.value.as_str()).collect();
    match &body.level {
        None if !declared.is_empty() => findings.push(
            Finding::new(
                rules::MISSING_LEVEL,
                format!(
                    "event `{event}` names no `level`, but the project declares levels {}",
                    declared.join(", ")
                ),
                format!(
                    "add `level:` with one of {} to the event, the lowest level whose purpose it serves",
                    declared.join(", ")
                ),
            )
            .event(event)
            .at_manifest(name_span),
        ),
        Some(level) if !declared.contains(&level.value.as_str()) => {
            let help = if declared.is_empty() {
                format!(
                    "declare the levels under `project.levels` (`levels: [{}]`), or remove the event's `level`",
                    level.value
                )
            } else {
                match closest(&level.value, &declared) {
                    Some(near) => format!(
                        "did you mean `{near}`? Name one of {}, or add `{}` to `project.levels`",
                        declared.join(", "),
                        level.value
                    ),
                    None => format!(
                        "name one of {}, or add `{}` to `project.levels`",
                        declared.join(", "),
                        level.value
                    ),
                }
            };
            findings.push(
                Finding::new(
                    rules::UNDECLARED_LEVEL,
                    format!(
                        "event `{event}` names level `{}`, which `project.levels` does not declare",
                        level.value
                    ),
                    help,
                )
                .event(event)
                .at_manifest(level.span),
            );
        }
        _ => {}
    }
}

/// Resolves an event's `groups:` list against the declared groups: an unknown
/// name is a TL030 finding, a repeated name or a field name taken twice a TL031
/// finding. Returns the known groups, each once, in the list's order.
fn validate_embedded_groups(
    event: &str,
    body: &Event,
    own: &[FieldDef],
    groups: &[GroupDef],
    findings: &mut Vec<Finding>,
) -> Vec<Text> {
    let mut embedded: Vec<Text> = Vec::new();
    let Some(list) = &body.groups else {
        return embedded;
    };
    for name in &list.value {
        let group_name = &name.value;
        let Some(group) = groups.iter().find(|g| g.name.value == *group_name) else {
            let known: Vec<&str> = groups.iter().map(|g| g.name.value.as_str()).collect();
            let help = match closest(group_name, &known) {
                Some(near) => format!(
                    "did you mean `{near}`? Correct the name, or declare `{group_name}` under `groups:` with its description and fields"
                ),
                None => format!(
                    "declare `{group_name}` under `groups:` with its description and fields, or remove it from the event's `groups:`"
                ),
            };
            findings.push(
                Finding::new(
                    rules::UNDECLARED_GROUP,
                    format!(
                        "event `{event}` embeds group `{group_name}`, which the manifest does not declare"
                    ),
                    help,
                )
                .event(event)
                .at_manifest(name.span),
            );
            continue;
        };
        if embedded.iter().any(|g| g.value == *group_name) {
            findings.push(
                Finding::new(
                    rules::GROUP_FIELD_COLLISION,
                    format!("event `{event}` lists group `{group_name}` twice"),
                    "list each group once",
                )
                .event(event)
                .at_manifest(name.span),
            );
            continue;
        }
        for field in &group.fields {
            let field_name = &field.name.value;
            if let Some(mine) = own.iter().find(|f| f.name.value == *field_name) {
                findings.push(
                    Finding::new(
                        rules::GROUP_FIELD_COLLISION,
                        format!(
                            "field `{field_name}` of event `{event}` is also a field of group `{group_name}`, which the event embeds"
                        ),
                        format!(
                            "remove `{field_name}` from the event's `fields:` (the group sends it), or rename one of the two"
                        ),
                    )
                    .event(event)
                    .field(field_name)
                    .at_manifest(mine.name.span),
                );
            } else if let Some(other) = embedded.iter().find(|g| {
                groups
                    .iter()
                    .find(|d| d.name.value == g.value)
                    .is_some_and(|d| d.field(field_name).is_some())
            }) {
                findings.push(
                    Finding::new(
                        rules::GROUP_FIELD_COLLISION,
                        format!(
                            "groups `{}` and `{group_name}`, both embedded in event `{event}`, each have a field `{field_name}`",
                            other.value
                        ),
                        format!(
                            "keep `{field_name}` in one of the two groups, or rename it in one of them"
                        ),
                    )
                    .event(event)
                    .field(field_name)
                    .at_manifest(name.span),
                );
            }
        }
        embedded.push(name.clone());
    }
    embedded
}
