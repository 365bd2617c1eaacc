//! The rule table: every check telemetry-lint makes, declared once.
//!
//! Each [`Rule`] carries its id, its kebab-case name, its level, where it is
//! enforced, and its documentation (what it checks, why it matters for privacy, an
//! example, the fix). The compiler errors of `#[telemetry_event]`, the findings of
//! `cargo telemetry-lint`, `cargo telemetry-lint explain` and `docs/rules.md` are all
//! drawn from [`RULES`], so a rule reads the same wherever it is met.

use std::fmt::Write as _;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Fails the build or the CI run.
    Error,
    /// Reported, but does not change the exit code.
    Warning,
}

impl Level {
    /// `error` or `warning`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// Where a rule is enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Enforced {
    /// By `#[telemetry_event]` at compile time and by `cargo telemetry-lint`.
    CompilerAndLinter,
    /// By `cargo telemetry-lint` only: the rule needs the whole workspace or the
    /// calendar, which one macro expansion cannot see.
    Linter,
}

impl Enforced {
    /// A short phrase for the docs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Enforced::CompilerAndLinter => {
                "`#[telemetry_event]` at compile time, and `cargo telemetry-lint`"
            }
            Enforced::Linter => "`cargo telemetry-lint`",
        }
    }
}

/// One rule of the table.
#[derive(Debug)]
pub struct Rule {
    /// The stable id, `TL` and three digits.
    pub id: &'static str,
    /// The kebab-case name.
    pub name: &'static str,
    /// The level of its findings.
    pub level: Level,
    /// Where it is enforced.
    pub enforced: Enforced,
    /// What it checks, one sentence, lowercase, no trailing period.
    pub summary: &'static str,
    /// Why it matters for privacy, one sentence, lowercase, no trailing period; every
    /// finding of the rule repeats it.
    pub why: &'static str,
    /// More on the why, as Markdown paragraphs; may be empty.
    pub details: &'static str,
    /// An example that triggers the rule, as a fenced Markdown block.
    pub example: &'static str,
    /// How to fix a finding, as Markdown.
    pub fix: &'static str,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Rule {}

impl Rule {
    /// `TL006 free-text-field`, as diagnostics print it.
    pub fn code(&self) -> String {
        format!("{} {}", self.id, self.name)
    }
}

macro_rules! rules {
    ($( $konst:ident = $id:literal $name:literal $level:ident $enforced:ident {
        summary: $summary:literal,
        why: $why:literal,
        details: $details:literal,
        example: $example:literal,
        fix: $fix:literal $(,)?
    } )*) => {
        $(
            #[doc = concat!("`", $id, " ", $name, "`: ", $summary, ".")]
            pub const $konst: &Rule = &Rule {
                id: $id,
                name: $name,
                level: Level::$level,
                enforced: Enforced::$enforced,
                summary: $summary,
                why: $why,
                details: $details,
                example: $example,
                fix: $fix,
            };
        )*
        /// Every rule, in id order.
        pub const RULES: &[&Rule] = &[$($konst),*];
    };
}

rules! {
    UNDECLARED_EVENT = "TL001" "undeclared-event" Error CompilerAndLinter {
        summary: "an event struct has no declaration in the manifest",
        why: "an event missing from the manifest is missing from the published data dictionary, so users are not told it is sent",
        details: "The manifest is the contract with users: `TELEMETRY.md` is generated from it. Code that sends an event the manifest does not declare breaks that contract silently.",
        example: "```rust\n#[telemetry_event] // no `cache_cleared` under `events:` in telemetry.yaml\nstruct CacheCleared { entries: u32 }\n```",
        fix: "Declare the event under `events:` in `telemetry.yaml` with its description, purpose, owner and fields, or name the declared event with `#[telemetry_event(name = \"...\")]`.",
    }
    UNDECLARED_FIELD = "TL002" "undeclared-field" Error CompilerAndLinter {
        summary: "a field of an event struct is not declared in the manifest",
        why: "an undeclared field is sent without being listed in the data dictionary",
        details: "",
        example: "```rust\n#[telemetry_event]\nstruct CommandFinished { command: Command, retries: u32 } // manifest has no `retries`\n```",
        fix: "Declare the field under the event's `fields:` with its type, category and description, or remove it from the struct.",
    }
    MISSING_FIELD = "TL003" "missing-field" Error CompilerAndLinter {
        summary: "a field declared in the manifest is missing from the event struct",
        why: "the data dictionary then promises a field the program does not send, and the manifest no longer describes the code",
        details: "",
        example: "```yaml\nevents:\n  command_finished:\n    fields:\n      success: { type: bool, category: technical, description: Whether it exited 0. }\n```\n```rust\n#[telemetry_event]\nstruct CommandFinished { command: Command } // no `success`\n```",
        fix: "Add the field to the struct, or remove it from the manifest.",
    }
    FIELD_TYPE_MISMATCH = "TL004" "field-type-mismatch" Error CompilerAndLinter {
        summary: "a field's Rust type does not carry the type the manifest declares",
        why: "the data dictionary must describe exactly what is sent; a mismatched type sends values users were not told about",
        details: "Each manifest field type is carried by a fixed set of Rust types (see the crate docs of `telemetry-manifest`). Type aliases and wrappers are seen through by a compile-time assertion on `TelemetryValue::KIND`.",
        example: "```yaml\n      success: { type: bool, category: technical, description: Whether it exited 0. }\n```\n```rust\n    success: u32,\n```",
        fix: "Change the Rust type to one that carries the declared type, or change the declared type.",
    }
    ENUM_VALUES_MISMATCH = "TL005" "enum-values-mismatch" Error CompilerAndLinter {
        summary: "an enum field's Rust variants differ from the manifest's `values`",
        why: "users read the list of values in the data dictionary; a variant missing from it is a value sent without notice",
        details: "Variants are compared by their snake_case names, which are the values sent.",
        example: "```yaml\n      command: { type: enum, values: [build, test], category: interaction, description: Which command ran. }\n```\n```rust\n#[derive(TelemetryValue)]\nenum Command { Build, Test, Publish } // `publish` is not in `values`\n```",
        fix: "Make the manifest's `values` list exactly the enum's variants in snake_case.",
    }
    FREE_TEXT_FIELD = "TL006" "free-text-field" Error CompilerAndLinter {
        summary: "a field's type can carry free text",
        why: "free text can carry names, e-mail addresses, file contents and secrets typed by the user",
        details: "Forbidden: `String`, `str`, `&str`, `Cow<str>`, `Box<str>`, `Arc<str>`, `Rc<str>`, `char`, in any wrapper.",
        example: "```rust\n#[telemetry_event]\nstruct SearchRun { query: String }\n```",
        fix: "Send a closed set of values instead: an `enum` that derives `TelemetryValue`, or a `count` (such as the query's length bucketed).",
    }
    PATH_FIELD = "TL007" "path-field" Error CompilerAndLinter {
        summary: "a field's type can carry a file-system path",
        why: "paths contain user names, project names and directory layouts that identify a person",
        details: "Forbidden: `PathBuf`, `Path`, `OsString`, `OsStr`, in any wrapper.",
        example: "```rust\n#[telemetry_event]\nstruct ConfigLoaded { config_path: PathBuf }\n```",
        fix: "Send a coarse fact about the path instead: a `bool` (whether a config file was found), an `enum` (which kind of location), or a `size_bucket`.",
    }
    RAW_TIME_FIELD = "TL008" "raw-time-field" Error CompilerAndLinter {
        summary: "a field's type carries an exact time or an exact duration",
        why: "exact timestamps and durations let events be linked across services and to a person's activity",
        details: "Forbidden: `SystemTime`, `Instant`, `Duration`, chrono's `DateTime`, `NaiveDate`, `NaiveDateTime`, `NaiveTime`, time's `OffsetDateTime`, `PrimitiveDateTime`, `UtcDateTime`, `Date`, `Time`, in any wrapper. The envelope adds a time rounded to the hour; events need no time of their own.",
        example: "```rust\n#[telemetry_event]\nstruct BuildFinished { took: std::time::Duration }\n```",
        fix: "Use `telemetry_core::DurationBucket` with a `duration_bucket` field, which sends only the bucket the duration falls in.",
    }
    ADDRESS_OR_IDENTIFIER_FIELD = "TL009" "address-or-identifier-field" Error CompilerAndLinter {
        summary: "a field's type carries a network address, a URL or a unique identifier",
        why: "addresses and unique identifiers single out a machine or a person and link all their events together",
        details: "Forbidden: `IpAddr`, `Ipv4Addr`, `Ipv6Addr`, `SocketAddr`, `SocketAddrV4`, `SocketAddrV6`, `Uuid`, `Url`, `Uri`, in any wrapper.",
        example: "```rust\n#[telemetry_event]\nstruct RegistryQueried { registry: url::Url }\n```",
        fix: "Send what the decision needs, as an `enum` (such as `default_registry` or `custom_registry`) or a `bool`.",
    }
    RAW_BYTES_FIELD = "TL010" "raw-bytes-field" Error CompilerAndLinter {
        summary: "a field's type carries raw bytes",
        why: "raw bytes can hold anything, including file contents, keys and hashes that identify a file or a person",
        details: "Forbidden: `Vec<u8>`, `[u8; N]`, `[u8]`, `&[u8]`, `Bytes`, `BytesMut`, in any wrapper.",
        example: "```rust\n#[telemetry_event]\nstruct CacheHit { key: [u8; 32] }\n```",
        fix: "Send a coarse property of the bytes instead, such as a `size_bucket` or a `bool`.",
    }
    UNTYPED_VALUE_FIELD = "TL011" "untyped-value-field" Error CompilerAndLinter {
        summary: "a field's type is an untyped value, a map or a list",
        why: "an open-ended shape can carry anything, so the data dictionary cannot say what is sent",
        details: "Forbidden: `serde_json::Value`, `toml::Value`, `HashMap`, `BTreeMap`, `IndexMap`, `HashSet`, `BTreeSet`, `Vec<T>`, slices, arrays and tuples, in any wrapper.",
        example: "```rust\n#[telemetry_event]\nstruct FeatureUsed { extra: HashMap<String, String> }\n```",
        fix: "Give each piece of information its own declared field, with a type from the manifest's vocabulary.",
    }
    UNSUPPORTED_EVENT_SHAPE = "TL012" "unsupported-event-shape" Error CompilerAndLinter {
        summary: "`#[telemetry_event]` is placed on something other than a non-generic struct with named fields",
        why: "only named fields can be matched one by one against the manifest, so nothing else can be checked",
        details: "Rejected: generic structs, tuple structs, unit structs, enums and unions.",
        example: "```rust\n#[telemetry_event]\nstruct Ping(u32);\n```",
        fix: "Declare the event as a struct with named, non-generic fields.",
    }
    UNVETTED_VALUE_TYPE = "TL013" "unvetted-value-type" Error CompilerAndLinter {
        summary: "a field's type does not implement `TelemetryValue`",
        why: "only vetted value types are known to be coarse; an alias or a newtype could wrap a string, a path or an identifier",
        details: "`TelemetryValue` is implemented only for the safe types of `telemetry-core` and for fieldless enums that derive it, so `type Email = String;` or `struct Wrapped(PathBuf);` is rejected by the type system, with the field named. `cargo telemetry-lint` reports a field type it cannot resolve to a vetted type.",
        example: "```rust\ntype Email = String;\n#[telemetry_event]\nstruct SignedUp { email: Email }\n```",
        fix: "Use a type from the manifest's vocabulary, or a fieldless enum with `#[derive(TelemetryValue)]`.",
    }
    INVALID_FIELD_PARAMETERS = "TL014" "invalid-field-parameters" Error CompilerAndLinter {
        summary: "a field's parameters do not fit its type",
        why: "the parameters bound what a field can send; a malformed bound leaves the data dictionary unable to say which values leave the machine",
        details: "Checked: an `enum` needs `values`, each snake_case and listed once; bucket fields take ascending `buckets` with units (`100ms`, `1MiB`); a `count` takes `max`; no other type takes parameters.",
        example: "```yaml\n      took: { type: duration_bucket, buckets: [10s, 1s], category: technical, description: How long it took. }\n```",
        fix: "Write the parameters the type takes, as the message says.",
    }
    MISSING_EVENT_STRUCT = "TL015" "missing-event-struct" Error Linter {
        summary: "an event declared in the manifest has no `#[telemetry_event]` struct",
        why: "the data dictionary then lists an event the program does not send, so it no longer describes the program",
        details: "",
        example: "```yaml\nevents:\n  cache_cleared: # no struct carries this event\n```",
        fix: "Add the event struct, or remove the event from the manifest.",
    }
    MISSING_METADATA = "TL016" "missing-metadata" Error Linter {
        summary: "an event or the project lacks a description, purpose, owner, contact or opt-out",
        why: "users can only judge an event when they know what it is, why it is collected, who answers for it and how to opt out",
        details: "Required: the project's `contact` and at least one `opt_out` way; each event's `description`, `purpose`, `owner`, `since` and `expires`; each field's `description`.",
        example: "```yaml\nevents:\n  command_finished:\n    description: A command ran to completion.\n    # no purpose, no owner\n```",
        fix: "Add the missing key with a real answer.",
    }
    PLACEHOLDER_TEXT = "TL017" "placeholder-text" Error Linter {
        summary: "a description, purpose or owner is a placeholder such as `TODO`, `TBD` or empty",
        why: "a placeholder published in the data dictionary tells users nothing about why their data is collected",
        details: "Matched, ignoring case and punctuation: empty text, `TODO`, `TBD`, `FIXME`, `XXX`, `N/A`, `none`, `?`.",
        example: "```yaml\n    purpose: TODO\n```",
        fix: "Write the decision the data informs, in one or two plain sentences.",
    }
    EXPIRED_EVENT = "TL018" "expired-event" Error Linter {
        summary: "an event's expiry date has passed",
        why: "an expired event was promised to stop; collecting it further breaks that promise",
        details: "The date is compared with today's date in UTC.",
        example: "```yaml\n    expires: 2024-01-31\n```",
        fix: "Remove the event and its struct, or, after a new review, move `expires` forward.",
    }
    RETENTION_OVER_LIMIT = "TL019" "retention-over-limit" Error Linter {
        summary: "a retention period exceeds the policy's `max_retention_days`",
        why: "data kept longer than needed is data that can leak, be subpoenaed or be repurposed",
        details: "The limit is `policy.max_retention_days`, 365 days when the policy does not say.",
        example: "```yaml\nproject:\n  retention_days: 730\n```",
        fix: "Lower `retention_days` to the policy's limit or less.",
    }
    CATEGORY_NOT_ALLOWED = "TL020" "category-not-allowed" Error Linter {
        summary: "a field uses a data category the policy does not allow",
        why: "higher data categories reveal more about a person and need a review that the policy has not granted",
        details: "Allowed by default: `technical` and `interaction`. A project widens the list in `policy.allowed_categories`.",
        example: "```yaml\n      file_count: { type: count, category: stored_content, description: Files in the project. }\n```",
        fix: "Send a coarser field that fits an allowed category, or, after review, add the category to `policy.allowed_categories`.",
    }
    STALE_DATA_DICTIONARY = "TL021" "stale-data-dictionary" Error Linter {
        summary: "the committed `TELEMETRY.md` differs from what the manifest generates",
        why: "a stale data dictionary tells users something other than what the program sends",
        details: "",
        example: "```text\nTELEMETRY.md was generated before `retries` was added to `command_finished`\n```",
        fix: "Run `cargo telemetry-lint doc` and commit the result.",
    }
}

/// The rule with this id (`TL007`, any case) or name (`path-field`).
pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
}

/// The documentation of one rule as Markdown, as `explain` prints it and
/// `docs/rules.md` contains it.
pub fn render_rule(rule: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {} `{}`\n", rule.id, rule.name);
    let _ = writeln!(
        out,
        "Level: {}. Enforced by {}.\n",
        rule.level.as_str(),
        rule.enforced.as_str()
    );
    let _ = writeln!(out, "**What it checks.** {}.\n", capitalize(rule.summary));
    let _ = writeln!(out, "**Why it matters.** {}.\n", capitalize(rule.why));
    if !rule.details.is_empty() {
        let _ = writeln!(out, "{}\n", rule.details);
    }
    let _ = writeln!(out, "**Example.**\n\n{}\n", rule.example);
    let _ = writeln!(out, "**Fix.** {}", rule.fix);
    out
}

/// `docs/rules.md`: every rule's documentation, generated from [`RULES`].
pub fn render_rules_markdown() -> String {
    let mut out = String::new();
    out.push_str(
        "<!-- Generated from the rule table in telemetry-manifest/src/rules.rs; do not edit. -->\n",
    );
    out.push_str("<!-- Regenerate with: UPDATE_GENERATED=1 cargo test -p telemetry-manifest --test generated -->\n\n");
    out.push_str("# Rules\n\n");
    out.push_str("Every check of `#[telemetry_event]` and `cargo telemetry-lint`. ");
    out.push_str("`cargo telemetry-lint explain TL###` prints one of them.\n\n");
    out.push_str("| id | name | level | what it checks |\n|---|---|---|---|\n");
    for rule in RULES {
        let _ = writeln!(
            out,
            "| [{id}](#{anchor}) | `{name}` | {level} | {summary} |",
            id = rule.id,
            anchor = format!("{}-{}", rule.id, rule.name).to_lowercase(),
            name = rule.name,
            level = rule.level.as_str(),
            summary = rule.summary.replace('|', "\\|"),
        );
    }
    for rule in RULES {
        out.push('\n');
        out.push_str(&render_rule(rule));
    }
    out
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sequential_and_names_kebab_case() {
        for (i, rule) in RULES.iter().enumerate() {
            assert_eq!(rule.id, format!("TL{:03}", i + 1));
            assert!(
                rule.name
                    .split('-')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{} is not kebab-case",
                rule.name
            );
        }
    }

    #[test]
    fn one_line_texts_follow_message_style() {
        for rule in RULES {
            for text in [rule.summary, rule.why] {
                let first = text.chars().next().unwrap_or('A');
                assert!(
                    !first.is_uppercase(),
                    "{}: `{text}` starts uppercase",
                    rule.id
                );
                assert!(
                    !text.ends_with('.'),
                    "{}: `{text}` ends with a period",
                    rule.id
                );
                assert!(!text.contains('\n'), "{}: `{text}` spans lines", rule.id);
            }
            assert!(
                rule.example.starts_with("```"),
                "{}: example not fenced",
                rule.id
            );
            assert!(rule.fix.ends_with('.'), "{}: fix is a sentence", rule.id);
        }
    }

    #[test]
    fn find_by_id_or_name() {
        assert_eq!(find("tl007").map(|r| r.name), Some("path-field"));
        assert_eq!(find("path-field").map(|r| r.id), Some("TL007"));
        assert!(find("TL999").is_none());
    }
}
