//! The privacy checks beyond the field types: how a data reviewer reads a
//! manifest.
//!
//! The field-type vocabulary keeps each value coarse; this module judges the
//! manifest as a whole, as a reviewer would:
//!
//! - fingerprinting: how many distinct value combinations an event can take
//!   ([`Cardinality`], TL022);
//! - names: a field named after content or facts of a higher data category than
//!   declared (TL024, [`CATEGORY_HINTS`]); the words that make a name
//!   identifier-like ([`IDENTIFIER_LAST_WORDS`] and [`IDENTIFIER_FIRST_WORDS`]) are
//!   here too, judged with the struct's fields (TL023, `meaning.rs`);
//! - time and scale: expiry too far ahead or `never` (TL025, TL026), too many events
//!   (TL027).
//!
//! Everything here is a pure function of the checked manifest (and today's date),
//! returning [`Finding`]s with spans into the manifest; the linter places them, and
//! applies the waivers (`waivers.rs`).
//!
//! ```
//! use telemetry_manifest::{Cardinality, Date, check_privacy, parse_str, validate};
//! let text = "version: 1\nproject: { name: p, retention_days: 30 }\nevents:\n  e:\n    expires: never\n    fields:\n      user_id: { type: count, category: interaction }\n";
//! let (manifest, _) = validate(&parse_str(text).unwrap());
//! let rules: Vec<&str> = check_privacy(&manifest, Date::parse("2026-11-21").unwrap())
//!     .iter()
//!     .map(|f| f.rule.id)
//!     .collect();
//! assert_eq!(rules, ["TL022", "TL026"]);
//! assert_eq!(Cardinality::of(&manifest.events[0].fields[0]), Cardinality::Unbounded);
//! ```

use std::fmt;

use crate::finding::{Finding, Owner};
use crate::rules;
use crate::text::{plural, thousands};
use crate::valid::{EventDef, FieldDef, ValidManifest};
use crate::vocab::{Category, Date, Expiry, FieldType};

/// The number of values a `version` field is assumed to take: 50, about the
/// `major.minor` releases of a program seen in a year of data, old installs
/// included. The manifest cannot list them.
pub const ASSUMED_VERSION_VALUES: u128 = 50;

/// How many distinct values a field, or distinct value combinations an event, can
/// take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cardinality {
    /// A finite number; [`u128::MAX`] stands for "at least that many" (the
    /// product saturates instead of overflowing).
    Finite(u128),
    /// No bound: a `count` with neither `max` nor `buckets` (which TL014 rejects).
    Unbounded,
}

impl Cardinality {
    /// The values one field can take, as sent: an enum's values (at least 1), a
    /// bucket field's (or a bucketed `count`'s) buckets, 2 for `bool`, `max + 1`
    /// for a `count` with `max`, the fixed values of `os_family` (5) and `arch`
    /// (7), [`ASSUMED_VERSION_VALUES`] for `version`; [`Cardinality::Unbounded`]
    /// for a `count` with neither `max` nor `buckets` (which TL014 rejects). A
    /// `null` sent for an absent `Option` is not counted: the manifest cannot tell.
    pub fn of(field: &FieldDef) -> Cardinality {
        let n = match field.ty.value {
            FieldType::Count if !field.bounds.is_empty() => field.bounds.len() as u128 + 1,
            FieldType::Count => match field.max {
                Some(max) => u128::from(max) + 1,
                None => return Cardinality::Unbounded,
            },
            FieldType::Version => ASSUMED_VERSION_VALUES,
            FieldType::Enum => field.values.len().max(1) as u128,
            FieldType::DurationBucket | FieldType::SizeBucket => field.bounds.len() as u128 + 1,
            other => other.fixed_values().len().max(1) as u128,
        };
        Cardinality::Finite(n)
    }

    /// The product of the cardinalities: the distinct combinations of values.
    /// Saturates at [`u128::MAX`]; unbounded when any factor is. An empty product
    /// is 1 (an event without fields takes one value: it happened).
    pub fn product(factors: impl IntoIterator<Item = Cardinality>) -> Cardinality {
        let mut total: u128 = 1;
        let mut unbounded = false;
        for factor in factors {
            match factor {
                Cardinality::Finite(n) => total = total.saturating_mul(n),
                Cardinality::Unbounded => unbounded = true,
            }
        }
        if unbounded {
            Cardinality::Unbounded
        } else {
            Cardinality::Finite(total)
        }
    }

    /// Whether the cardinality is above `limit`.
    pub fn exceeds(self, limit: u64) -> bool {
        match self {
            Cardinality::Finite(n) => n > u128::from(limit),
            Cardinality::Unbounded => true,
        }
    }
}

impl fmt::Display for Cardinality {
    /// `16,777,216`; `at least 340,282,...` when saturated; `unbounded`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cardinality::Finite(u128::MAX) => write!(f, "at least {}", thousands(u128::MAX)),
            Cardinality::Finite(n) => f.write_str(&thousands(*n)),
            Cardinality::Unbounded => f.write_str("unbounded"),
        }
    }
}

/// Words that, as the last word of a field name (the thing the name names), make
/// the field identifier-like, each with what it identifies. Listed in the docs of
/// TL023 `identifier-like-field`.
pub const IDENTIFIER_LAST_WORDS: &[(&str, &str)] = &[
    ("id", "an identifier"),
    ("uid", "a user id"),
    ("uuid", "a unique id"),
    ("guid", "a unique id"),
    ("pid", "a process id"),
    ("hwid", "a hardware id"),
    ("imei", "a device id"),
    ("userid", "a user id"),
    ("username", "a user name"),
    ("deviceid", "a device id"),
    ("machineid", "a machine id"),
    ("sessionid", "a session id"),
    ("email", "an e-mail address"),
    ("login", "a login"),
    ("account", "an account"),
    ("host", "a host"),
    ("hostname", "a host name"),
    ("ip", "an IP address"),
    ("ipv4", "an IP address"),
    ("ipv6", "an IP address"),
    ("mac", "a hardware address"),
    ("peer", "a network peer"),
    ("address", "an address"),
    ("addr", "an address"),
    ("port", "a network port"),
    ("ptr", "a memory address"),
    ("pointer", "a memory address"),
    ("phone", "a phone number"),
    ("serial", "a serial number"),
    ("ssn", "a national identity number"),
    ("iban", "a bank account"),
    ("token", "a token"),
    ("secret", "a secret"),
    ("password", "a password"),
    ("passwd", "a password"),
    ("key", "a key"),
    ("hash", "a hash, which identifies what was hashed"),
    ("digest", "a digest, which identifies what was hashed"),
    ("fingerprint", "a fingerprint"),
    ("cookie", "a cookie"),
    ("name", "a name"),
    ("filename", "a file name"),
    ("filepath", "a file path"),
    ("path", "a path"),
    ("cwd", "a working directory"),
    ("dir", "a directory"),
    ("directory", "a directory"),
    ("folder", "a folder"),
    ("url", "a URL"),
    ("uri", "a URI"),
    ("query", "a query the user typed"),
];

/// Words that, as the first word of a field name, name something that identifies
/// a person or a machine, unless the last word is one of [`QUALIFIER_WORDS`].
/// Listed in the docs of TL023 `identifier-like-field`.
pub const IDENTIFIER_FIRST_WORDS: &[(&str, &str)] = &[
    ("user", "a user"),
    ("device", "a device"),
    ("machine", "a machine"),
    ("session", "a session"),
    ("install", "an installation"),
    ("installation", "an installation"),
    ("account", "an account"),
    ("host", "a host"),
    ("email", "an e-mail address"),
    ("file", "a file"),
    ("serial", "a serial number"),
    ("phone", "a phone number"),
    ("ip", "an IP address"),
    ("mac", "a hardware address"),
];

/// Last words that make a name a quantity, kind or state of the thing its first
/// word names (`user_count`, `email_kind`), not the thing itself.
pub const QUALIFIER_WORDS: &[&str] = &[
    "count",
    "total",
    "kind",
    "type",
    "class",
    "category",
    "len",
    "length",
    "size",
    "depth",
    "bucket",
    "duration",
    "age",
    "tier",
    "mode",
    "status",
    "state",
    "format",
    "scheme",
    "version",
    "os",
    "arch",
    "family",
    "source",
    "provider",
    "present",
    "known",
    "set",
    "enabled",
    "configured",
    "verified",
    "valid",
    "found",
    "missing",
];

/// First words that make a name a fact about a thing (`has_email`, `num_users`),
/// not the thing itself.
pub const FACT_FIRST_WORDS: &[&str] = &[
    "has", "is", "uses", "with", "num", "n", "count", "total", "max", "min", "avg",
];

/// Why a field's name makes it identifier-like: what it names.
///
/// Returns `None` for names that are not identifier-like (see TL023's docs).
pub(crate) fn identifier_like(name: &str) -> Option<&'static str> {
    let words: Vec<&str> = name.split('_').filter(|w| !w.is_empty()).collect();
    let (first, last) = (*words.first()?, *words.last()?);
    if FACT_FIRST_WORDS.contains(&first) && words.len() > 1 {
        return None;
    }
    if let Some((_, what)) = IDENTIFIER_LAST_WORDS.iter().find(|(w, _)| *w == last) {
        return Some(what);
    }
    if QUALIFIER_WORDS.contains(&last) {
        return None;
    }
    IDENTIFIER_FIRST_WORDS
        .iter()
        .find(|(w, _)| *w == first)
        .map(|(_, what)| *what)
}

/// One row of [`CATEGORY_HINTS`]: field names that imply a minimum data category.
#[derive(Debug)]
pub struct CategoryHint {
    /// Any of these words in the name (split at `_`) matches.
    pub words: &'static [&'static str],
    /// The field types the row applies to; empty for every type.
    pub types: &'static [FieldType],
    /// The least category such a field belongs to.
    pub category: Category,
    /// What such a field reveals, for the message.
    pub what: &'static str,
}

/// The name patterns that imply a higher data category (TL024), after Mozilla's
/// data-collection categories. Listed in the docs of TL024 `category-understated`.
pub const CATEGORY_HINTS: &[CategoryHint] = &[
    CategoryHint {
        words: &[
            "file",
            "files",
            "document",
            "documents",
            "project",
            "projects",
            "repo",
            "repos",
            "repository",
            "repositories",
            "workspace",
            "workspaces",
            "folder",
            "folders",
            "dir",
            "dirs",
            "directory",
            "directories",
            "note",
            "notes",
            "message",
            "messages",
            "attachment",
            "attachments",
            "photo",
            "photos",
            "image",
            "images",
            "contact",
            "contacts",
            "bookmark",
            "bookmarks",
            "commit",
            "commits",
        ],
        types: &[FieldType::Count, FieldType::SizeBucket],
        category: Category::StoredContent,
        what: "the amount of what the user stores or works on",
    },
    CategoryHint {
        words: &[
            "gender",
            "sex",
            "birthday",
            "birthdate",
            "religion",
            "health",
            "medical",
            "diagnosis",
            "salary",
            "income",
            "ethnicity",
            "nationality",
            "disability",
            "latitude",
            "longitude",
            "geolocation",
            "gps",
            "city",
            "zipcode",
            "postcode",
        ],
        types: &[],
        category: Category::HighlySensitive,
        what: "a personal or sensitive fact about the user",
    },
];

/// The hint a field's name and type match, if any (the first row that matches).
pub fn category_hint(name: &str, ty: FieldType) -> Option<&'static CategoryHint> {
    CATEGORY_HINTS.iter().find(|hint| {
        (hint.types.is_empty() || hint.types.contains(&ty))
            && name.split('_').any(|word| hint.words.contains(&word))
    })
}

/// The privacy checks of a checked manifest against its policy, with `today` in
/// UTC: fingerprinting (TL022), identifier-like names (TL023), understated
/// categories (TL024), expiry horizon (TL025) and `never` (TL026), and the number
/// of events (TL027). Group fields are judged once, as fields of their group, and
/// count towards the combinations of every event that embeds them.
pub fn check_privacy(manifest: &ValidManifest, today: Date) -> Vec<Finding> {
    let mut findings = Vec::new();
    let policy = &manifest.policy;
    for event in &manifest.events {
        check_combinations(manifest, event, &mut findings);
        check_expiry(manifest, event, today, &mut findings);
        for field in &event.fields {
            check_field_name(Owner::Event(&event.name.value), field, &mut findings);
        }
    }
    for group in &manifest.groups {
        for field in &group.fields {
            check_field_name(Owner::Group(&group.name.value), field, &mut findings);
        }
    }
    let count = manifest.events.len();
    if count > policy.max_events as usize {
        let mut in_order: Vec<&EventDef> = manifest.events.iter().collect();
        in_order.sort_by_key(|e| e.name.span.offset);
        let first_over = in_order.get(policy.max_events as usize);
        let mut finding = Finding::new(
            rules::TOO_MANY_EVENTS,
            format!(
                "the manifest declares {count} events, more than the {} that {} allows{}",
                policy.max_events,
                policy.key("max_events"),
                first_over.map_or_else(String::new, |e| format!(
                    "; `{}` is the first past the limit",
                    e.name.value
                )),
            ),
            "merge events that answer the same question and remove those no decision needs, or raise `max_events` in the policy once every event has earned its place",
        );
        if let Some(event) = first_over {
            finding = finding.at_manifest(event.name.span);
        }
        findings.push(finding);
    }
    findings
}

fn check_combinations(manifest: &ValidManifest, event: &EventDef, findings: &mut Vec<Finding>) {
    let policy = &manifest.policy;
    let fields = event.all_fields(manifest);
    let each: Vec<(&FieldDef, Cardinality)> =
        fields.iter().map(|f| (*f, Cardinality::of(f))).collect();
    let total = Cardinality::product(each.iter().map(|(_, c)| *c));
    if !total.exceeds(policy.max_combinations) {
        return;
    }
    let mut ranked: Vec<&(&FieldDef, Cardinality)> = each
        .iter()
        .filter(|(_, c)| *c != Cardinality::Finite(1))
        .collect();
    // Largest first; the sort is stable, so ties keep manifest order.
    ranked.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    const SHOWN: usize = 4;
    let mut parts: Vec<String> = ranked
        .iter()
        .take(SHOWN)
        .map(|(field, cardinality)| {
            let name = &field.name.value;
            match (cardinality, field.ty.value) {
                (Cardinality::Unbounded, _) => {
                    format!("`{name}` (unbounded: a count without `max`)")
                }
                (Cardinality::Finite(n), FieldType::Version) => {
                    format!("`{name}` ({} values assumed for a version)", thousands(*n))
                }
                (Cardinality::Finite(n), _) => format!("`{name}` ({} values)", thousands(*n)),
            }
        })
        .collect();
    if ranked.len() > SHOWN {
        let more = ranked.len() - SHOWN;
        parts.push(format!("and {} more", plural(more, "field")));
    }
    let amount = match total {
        Cardinality::Unbounded => "an unbounded number of".to_owned(),
        finite => finite.to_string(),
    };
    let unbounded: Vec<String> = each
        .iter()
        .filter(|(_, c)| *c == Cardinality::Unbounded)
        .map(|(f, _)| format!("`{}`", f.name.value))
        .collect();
    let help = if unbounded.is_empty() {
        format!(
            "coarsen the fields that contribute most (fewer enum values, fewer buckets, a lower `max`), split the event, or drop a field no decision needs; after review, raise `max_combinations` in the policy or waive TL022 in `events.{}.waivers`",
            event.name.value
        )
    } else {
        format!(
            "give {} a `max` (larger counts are then sent as the maximum), and keep the product under {}",
            unbounded.join(", "),
            thousands(u128::from(policy.max_combinations))
        )
    };
    findings.push(
        Finding::new(
            rules::FINGERPRINTING_RISK,
            format!(
                "event `{}` can take {amount} distinct value combinations, more than the {} that {} allows: {}",
                event.name.value,
                thousands(u128::from(policy.max_combinations)),
                policy.key("max_combinations"),
                parts.join(", ")
            ),
            help,
        )
        .event(&event.name.value)
        .at_manifest(event.name.span),
    );
}

fn check_expiry(
    manifest: &ValidManifest,
    event: &EventDef,
    today: Date,
    findings: &mut Vec<Finding>,
) {
    let policy = &manifest.policy;
    let Some(expires) = &event.expires else {
        return;
    };
    let name = &event.name.value;
    let latest = Date::from_days_since_epoch(
        today
            .days_since_epoch()
            .saturating_add(u64::from(policy.max_expiry_days)),
    );
    match expires.value {
        Expiry::On(date) => {
            let ahead = date
                .days_since_epoch()
                .saturating_sub(today.days_since_epoch());
            if ahead > u64::from(policy.max_expiry_days) {
                findings.push(
                    Finding::new(
                        rules::EXPIRY_TOO_FAR,
                        format!(
                            "event `{name}` expires on {date}, {} days after today ({today}); {} allows at most {} days ahead",
                            thousands(u128::from(ahead)),
                            policy.key("max_expiry_days"),
                            thousands(u128::from(policy.max_expiry_days))
                        ),
                        format!(
                            "set `expires` to {latest} or earlier, and review the event again by then"
                        ),
                    )
                    .event(name)
                    .at_manifest(expires.span),
                );
            }
        }
        Expiry::Never if !policy.allow_never_expires => findings.push(
            Finding::new(
                rules::NEVER_EXPIRES,
                format!(
                    "event `{name}` never expires, and the policy does not allow events without an end date"
                ),
                format!(
                    "set `expires` to a date by which the event is reviewed again, {latest} at the latest; or, after review, set `allow_never_expires: true` in the policy"
                ),
            )
            .event(name)
            .at_manifest(expires.span),
        ),
        Expiry::Never => {}
    }
}

fn check_field_name(owner: Owner<'_>, field: &FieldDef, findings: &mut Vec<Finding>) {
    let name = &field.name.value;
    // A number with an identifier-like name is TL023, judged with the struct's
    // fields (see `meaning.rs`); its category is not judged again.
    if field.ty.value == FieldType::Count && identifier_like(name).is_some() {
        return;
    }
    let declared = field.category.value;
    if let Some(hint) = category_hint(name, field.ty.value)
        && declared < hint.category
    {
        findings.push(
            owner
                .tag(Finding::new(
                    rules::CATEGORY_UNDERSTATED,
                    format!(
                        "field `{name}` of {owner} is declared `{declared}`, but its name and type (`{}`) say it tells {}, which is `{}` data",
                        field.ty.value, hint.what, hint.category
                    ),
                    format!(
                        "declare `category: {}` (the policy must allow it), or rename the field after what it really measures",
                        hint.category
                    ),
                ))
                .field(name)
                .at_manifest(field.category.span),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::valid::validate;

    fn field(ty: FieldType) -> FieldDef {
        let (manifest, _) = validate(
            &crate::parse_str(&format!(
                "version: 1\nproject: {{ name: p, retention_days: 1 }}\nevents:\n  e:\n    fields:\n      f: {{ type: {ty}, category: technical{} }}\n",
                if ty == FieldType::Enum { ", values: [a, b, c]" } else { "" }
            ))
            .unwrap(),
        );
        manifest.events[0].fields[0].clone()
    }

    #[test]
    fn each_type_has_its_cardinality() {
        assert_eq!(
            Cardinality::of(&field(FieldType::Bool)),
            Cardinality::Finite(2)
        );
        assert_eq!(
            Cardinality::of(&field(FieldType::Enum)),
            Cardinality::Finite(3)
        );
        assert_eq!(
            Cardinality::of(&field(FieldType::OsFamily)),
            Cardinality::Finite(5)
        );
        assert_eq!(
            Cardinality::of(&field(FieldType::Arch)),
            Cardinality::Finite(7)
        );
        assert_eq!(
            Cardinality::of(&field(FieldType::DurationBucket)),
            Cardinality::Finite(7),
            "six default bounds make seven buckets"
        );
        assert_eq!(
            Cardinality::of(&field(FieldType::SizeBucket)),
            Cardinality::Finite(5)
        );
        assert_eq!(
            Cardinality::of(&field(FieldType::Version)),
            Cardinality::Finite(ASSUMED_VERSION_VALUES)
        );
        assert_eq!(
            Cardinality::of(&field(FieldType::Count)),
            Cardinality::Unbounded
        );
        let mut bounded = field(FieldType::Count);
        bounded.max = Some(9);
        assert_eq!(Cardinality::of(&bounded), Cardinality::Finite(10));
        bounded.max = Some(u64::MAX);
        assert_eq!(
            Cardinality::of(&bounded),
            Cardinality::Finite(u128::from(u64::MAX) + 1),
            "max + 1 does not overflow"
        );
    }

    #[test]
    fn products_multiply_and_saturate() {
        let f = Cardinality::Finite;
        assert_eq!(
            Cardinality::product([f(64), f(64), f(64), f(64)]),
            f(16_777_216)
        );
        assert_eq!(Cardinality::product([]), f(1));
        let huge = f(u128::from(u64::MAX) + 1);
        assert_eq!(Cardinality::product([huge, huge]), f(u128::MAX));
        assert_eq!(Cardinality::product([huge, huge, huge, f(0)]), f(0));
        assert_eq!(
            Cardinality::product([f(2), Cardinality::Unbounded]),
            Cardinality::Unbounded
        );
        assert!(f(u128::MAX).exceeds(u64::MAX));
        assert!(!f(10_000).exceeds(10_000));
        assert!(f(10_001).exceeds(10_000));
        assert!(Cardinality::Unbounded.exceeds(u64::MAX));
        assert_eq!(f(16_777_216).to_string(), "16,777,216");
        assert_eq!(f(999).to_string(), "999");
        assert_eq!(f(1000).to_string(), "1,000");
        assert!(
            f(u128::MAX)
                .to_string()
                .starts_with("at least 340,282,366,")
        );
    }

    #[test]
    fn identifier_names() {
        for name in [
            "user_id",
            "id",
            "uuid",
            "email",
            "user",
            "username",
            "hostname",
            "host",
            "ip",
            "mac_address",
            "serial_number",
            "device_model",
            "session",
            "token",
            "config_path",
            "file_name",
            "url",
            "query",
            "user_email",
            "install_id",
            "cache_key",
        ] {
            assert!(
                identifier_like(name).is_some(),
                "{name} should be identifier-like"
            );
        }
        for name in [
            "user_count",
            "email_kind",
            "has_email",
            "num_users",
            "file_count",
            "session_length",
            "command",
            "success",
            "duration",
            "os",
            "arch",
            "acme_version",
            "targets",
            "files",
            "plugins",
            "host_os",
            "path_depth",
            "is_logged_in",
        ] {
            assert!(
                identifier_like(name).is_none(),
                "{name} should not be identifier-like"
            );
        }
    }

    #[test]
    fn category_hints_need_the_type() {
        let hint = category_hint("file_count", FieldType::Count).map(|h| h.category);
        assert_eq!(hint, Some(Category::StoredContent));
        assert_eq!(
            category_hint("project_size", FieldType::SizeBucket).map(|h| h.category),
            Some(Category::StoredContent)
        );
        assert!(category_hint("project_kind", FieldType::Enum).is_none());
        assert_eq!(
            category_hint("gender", FieldType::Enum).map(|h| h.category),
            Some(Category::HighlySensitive)
        );
        assert!(category_hint("output_size", FieldType::SizeBucket).is_none());
    }

    #[test]
    fn the_tables_are_in_the_rule_docs() {
        let docs = rules::IDENTIFIER_LIKE_FIELD.details;
        for (word, _) in IDENTIFIER_LAST_WORDS.iter().chain(IDENTIFIER_FIRST_WORDS) {
            assert!(
                docs.contains(&format!("`{word}`")),
                "TL023 docs lack `{word}`"
            );
        }
        for word in QUALIFIER_WORDS.iter().chain(FACT_FIRST_WORDS) {
            assert!(
                docs.contains(&format!("`{word}`")),
                "TL023 docs lack `{word}`"
            );
        }
        let docs = rules::CATEGORY_UNDERSTATED.details;
        for hint in CATEGORY_HINTS {
            for word in hint.words {
                assert!(
                    docs.contains(&format!("`{word}`")),
                    "TL024 docs lack `{word}`"
                );
            }
            assert!(docs.contains(&format!("`{}`", hint.category)));
        }
    }
}
