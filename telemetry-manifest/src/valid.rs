//! From the manifest as parsed to the manifest as checked.
//!
//! [`validate`] never stops at the first problem: it resolves what it can (bucket
//! bounds into numbers, dates into [`Date`]s), records a [`Finding`] for the rest, and
//! always returns a [`ValidManifest`] that later checks can run on. [`check_policy`]
//! then holds that manifest to the project's privacy policy.

use heck::ToSnakeCase;

use crate::finding::Finding;
use crate::model::{ByteSpan, Located, Manifest, MetadataKey, Policy};
use crate::privacy::{self, Waiver, WaiverScope};
use crate::rules;
use crate::vocab::{self, Category, ConsentModel, ContextField, Date, Expiry, FieldType};

/// The default of `policy.max_retention_days`: 365 days.
pub const DEFAULT_MAX_RETENTION_DAYS: u32 = 365;

/// The default of `policy.allowed_categories`.
pub const DEFAULT_ALLOWED_CATEGORIES: [Category; 2] = [Category::Technical, Category::Interaction];

/// The default of `policy.max_combinations`: 10,000.
pub const DEFAULT_MAX_COMBINATIONS: u64 = 10_000;

/// The default of `policy.max_expiry_days`: 730 days, two years ahead of today.
pub const DEFAULT_MAX_EXPIRY_DAYS: u32 = 730;

/// The default of `policy.max_events`: 10 events, the number the field recommends
/// a project start with.
pub const DEFAULT_MAX_EVENTS: u32 = 10;

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

/// What a field belongs to: an event or a field group. Shown as ``event `name` ``
/// or ``group `name` `` in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner<'a> {
    /// An event, by name.
    Event(&'a str),
    /// A field group, by name.
    Group(&'a str),
}

impl<'a> Owner<'a> {
    /// The event's or the group's name.
    pub const fn name(self) -> &'a str {
        match self {
            Owner::Event(name) | Owner::Group(name) => name,
        }
    }

    /// `event` or `group`.
    pub const fn kind(self) -> &'static str {
        match self {
            Owner::Event(_) => "event",
            Owner::Group(_) => "group",
        }
    }

    /// Names the owner on a finding: [`Finding::event`] or [`Finding::group`].
    #[must_use]
    pub fn tag(self, finding: Finding) -> Finding {
        match self {
            Owner::Event(name) => finding.event(name),
            Owner::Group(name) => finding.group(name),
        }
    }
}

impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.kind(), self.name())
    }
}

impl<'a> From<&'a str> for Owner<'a> {
    fn from(event: &'a str) -> Self {
        Owner::Event(event)
    }
}

impl<'a> From<&'a String> for Owner<'a> {
    fn from(event: &'a String) -> Self {
        Owner::Event(event)
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
    /// Where the `project` section stands.
    pub span: ByteSpan,
}

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
                .is_some_and(|v| v.value),
            max_events: raw
                .and_then(|p| p.max_events.as_ref())
                .map_or(DEFAULT_MAX_EVENTS, |v| v.value),
            file,
            span,
        }
    }

    /// Whether the policy requires `key`.
    pub fn requires(&self, key: MetadataKey) -> bool {
        self.required_metadata.contains(&key)
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
    /// The fields, in manifest order.
    pub fields: Vec<FieldDef>,
    /// The field groups it embeds, in manifest order: each a group the manifest
    /// declares, listed once (an unknown or repeated name is a finding and left out).
    pub groups: Vec<Text>,
    /// The reviewed exceptions to event-level rules, in manifest order; a waiver
    /// that cannot be granted is left out and reported by [`crate::check_waivers`].
    pub waivers: Vec<Waiver>,
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

    /// Whether the event embeds the group called `name`.
    pub fn embeds(&self, name: &str) -> bool {
        self.groups.iter().any(|g| g.value == name)
    }
}

/// One field, checked.
#[derive(Clone, Debug)]
pub struct FieldDef {
    /// The field's name, with the span of its key.
    pub name: Text,
    /// Where the field's body stands.
    pub span: ByteSpan,
    /// The declared type.
    pub ty: Located<FieldType>,
    /// The declared data category.
    pub category: Located<Category>,
    /// What the field says.
    pub description: Option<Text>,
    /// For `enum`: the values, in manifest order.
    pub values: Vec<Text>,
    /// For buckets: ascending bounds, in milliseconds (durations) or bytes (sizes);
    /// the type's [`FieldType::default_bounds`] when none are written.
    pub bounds: Vec<u64>,
    /// For `count`: the largest value sent, if declared.
    pub max: Option<u64>,
    /// The reviewed exceptions to field-level rules, in manifest order; a waiver
    /// that cannot be granted (an unknown rule, a compiler-enforced rule, no reason)
    /// is left out and reported by [`crate::check_waivers`].
    pub waivers: Vec<Waiver>,
}

impl FieldDef {
    /// The values the field may take, as sent: enum values, bucket labels, the fixed
    /// values of `bool`, `os_family` and `arch`; empty for `count` and `version`.
    pub fn possible_values(&self) -> Vec<String> {
        match self.ty.value {
            FieldType::Enum => self.values.iter().map(|v| v.value.clone()).collect(),
            FieldType::DurationBucket | FieldType::SizeBucket => {
                vocab::bucket_labels(self.ty.value, &self.bounds)
            }
            other => other
                .fixed_values()
                .iter()
                .map(|v| (*v).to_owned())
                .collect(),
        }
    }
}

/// Whether `text` is a snake_case identifier: lowercase ASCII letters, digits and
/// single underscores, starting with a letter.
pub fn is_snake_case(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !text.contains("__")
        && !text.ends_with('_')
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
            fields.push(validate_field(
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
            fields.push(validate_field(
                Owner::Event(event_name),
                field_name,
                field,
                &mut findings,
            ));
        }
        let embedded = validate_embedded_groups(event_name, body, &fields, &groups, &mut findings);
        events.push(EventDef {
            name: name.clone(),
            span: event.span,
            description: body.description.clone(),
            purpose: body.purpose.clone(),
            owner: body.owner.clone(),
            since: body.since.clone(),
            expires,
            retention_days: body.retention_days.clone(),
            fields,
            waivers: privacy::resolve_waivers(body.waivers.as_ref(), WaiverScope::Event),
            groups: embedded,
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
        },
        findings,
    )
}

/// Resolves an event's `groups:` list against the declared groups: an unknown
/// name is a TL030 finding, a repeated name or a field name taken twice a TL031
/// finding. Returns the known groups, each once, in the list's order.
fn validate_embedded_groups(
    event: &str,
    body: &crate::model::Event,
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
            let help = match crate::check::closest(group_name, &known) {
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

fn validate_field(
    owner: Owner<'_>,
    name: &Text,
    field: &Located<crate::model::Field>,
    findings: &mut Vec<Finding>,
) -> FieldDef {
    let body = &field.value;
    let ty = body.ty.value;
    let field_name = &name.value;
    let mut finding = |span: ByteSpan, message: String, help: String| {
        findings.push(
            owner
                .tag(Finding::new(rules::INVALID_FIELD_PARAMETERS, message, help))
                .field(field_name)
                .at_manifest(span),
        );
    };
    if !is_snake_case(field_name) {
        finding(
            name.span,
            format!("field name `{field_name}` of {owner} is not snake_case"),
            format!(
                "rename it `{}`, as the Rust field is named",
                field_name.to_snake_case()
            ),
        );
    }

    let mut values = Vec::new();
    match (&body.values, ty) {
        (Some(list), FieldType::Enum) => {
            if list.value.is_empty() {
                finding(
                    list.span,
                    format!("enum field `{field_name}` of {owner} has an empty `values` list"),
                    "list every value the field may take".to_owned(),
                );
            }
            for value in &list.value {
                if !is_snake_case(&value.value) {
                    finding(
                        value.span,
                        format!(
                            "value `{}` of field `{field_name}` is not snake_case",
                            value.value
                        ),
                        format!(
                            "write `{}`, the snake_case name of the Rust variant",
                            value.value.to_snake_case()
                        ),
                    );
                } else if values.iter().any(|v: &Text| v.value == value.value) {
                    finding(
                        value.span,
                        format!(
                            "value `{}` of field `{field_name}` is listed twice",
                            value.value
                        ),
                        "list each value once".to_owned(),
                    );
                } else {
                    values.push(value.clone());
                }
            }
        }
        (None, FieldType::Enum) => finding(
            body.ty.span,
            format!("enum field `{field_name}` of {owner} has no `values`"),
            "add `values: [...]` listing the snake_case names of the enum's variants".to_owned(),
        ),
        (Some(list), other) => finding(
            list.span,
            format!("field `{field_name}` of {owner} is a `{other}`, which takes no `values`"),
            "remove `values`, or declare the field `type: enum`".to_owned(),
        ),
        (None, _) => {}
    }

    let mut bounds = Vec::new();
    match (&body.buckets, ty) {
        (Some(list), FieldType::DurationBucket | FieldType::SizeBucket) => {
            let parse = if ty == FieldType::DurationBucket {
                vocab::parse_duration_ms
            } else {
                vocab::parse_size_bytes
            };
            if list.value.is_empty() {
                finding(
                    list.span,
                    format!("bucket field `{field_name}` of {owner} has an empty `buckets` list"),
                    "list at least one bound, or remove `buckets` to use the defaults".to_owned(),
                );
            }
            for bound in &list.value {
                match parse(&bound.value) {
                    Ok(value) if bounds.last().is_some_and(|last| *last >= value) => finding(
                        bound.span,
                        format!(
                            "bucket bound `{}` of field `{field_name}` is not above the one before it",
                            bound.value
                        ),
                        "list the bounds in ascending order, each once".to_owned(),
                    ),
                    Ok(value) => bounds.push(value),
                    Err(message) => finding(
                        bound.span,
                        format!("bucket bound of field `{field_name}`: {message}"),
                        "write each bound as a whole number with a unit".to_owned(),
                    ),
                }
            }
        }
        (Some(list), other) => finding(
            list.span,
            format!("field `{field_name}` of {owner} is a `{other}`, which takes no `buckets`"),
            "remove `buckets`, or declare a `duration_bucket` or `size_bucket`".to_owned(),
        ),
        (None, _) => {}
    }
    if bounds.is_empty() {
        bounds = ty.default_bounds().to_vec();
    }

    let max = match (&body.max, ty) {
        (Some(max), FieldType::Count) if max.value == 0 => {
            finding(
                max.span,
                format!("count field `{field_name}` of {owner} has `max: 0`"),
                "a count that can only be 0 says nothing; give a positive maximum".to_owned(),
            );
            None
        }
        (Some(max), FieldType::Count) => Some(max.value),
        (Some(max), other) => {
            finding(
                max.span,
                format!("field `{field_name}` of {owner} is a `{other}`, which takes no `max`"),
                "remove `max`; only `count` fields take it".to_owned(),
            );
            None
        }
        (None, _) => None,
    };

    FieldDef {
        name: name.clone(),
        span: field.span,
        ty: body.ty.clone(),
        category: body.category.clone(),
        description: body.description.clone(),
        values,
        bounds,
        max,
        waivers: privacy::resolve_waivers(body.waivers.as_ref(), WaiverScope::Field),
    }
}

/// Whether a description, purpose or owner is a placeholder: empty, or, ignoring
/// case and punctuation, `todo`, `tbd`, `fixme`, `xxx`, `n/a`, `none` or `?`.
pub fn is_placeholder(text: &str) -> bool {
    let word: String = text
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '?')
        .collect::<String>()
        .to_lowercase();
    if word.is_empty() || word.chars().all(|c| c == '?') {
        return true;
    }
    matches!(
        word.as_str(),
        "todo" | "tbd" | "fixme" | "xxx" | "na" | "none"
    ) || text.trim_start().to_lowercase().starts_with("todo")
        || text.trim_start().to_lowercase().starts_with("tbd")
}

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
