//! The rule table: every check telemetry-lint makes, declared once.
//!
//! Each [`Rule`] carries its id, its kebab-case name, its level, where it is
//! enforced, its documentation (what it checks, why it matters for privacy, an
//! example, the fix), the labels a diagnostic puts under its snippets, and whether
//! and where a waiver may excuse it. The compiler errors of `#[telemetry_event]`, the
//! findings of `cargo telemetry-lint`, `cargo telemetry-lint explain` and
//! `docs/rules.md` are all drawn from [`RULES`], so a rule reads the same wherever
//! it is met.
//!
//! The policy's defaults (`DEFAULT_*`) live here too, beside the rules that hold a
//! manifest to them; [`policy_docs`] renders them into `docs/rules.md`.
//!
//! ```
//! use telemetry_manifest::{WaiverScope, rules};
//! let rule = rules::find("path-field").unwrap();
//! assert_eq!((rule.id, rule.code_label), ("TL007", "forbidden type"));
//! assert_eq!(rules::IDENTIFIER_LIKE_FIELD.waivable, Some(WaiverScope::Field));
//! ```

use std::fmt::Write as _;

use crate::governance::GovernanceKey;
use crate::model::MetadataKey;
use crate::text::{markdown_cell, thousands, uppercase_first};
use crate::vocab::Category;

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

/// Where a waiver of a rule is written: on an event or on a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaiverScope {
    /// Under `events.<name>.waivers`: for findings about the event as a whole.
    Event,
    /// Under a field's `waivers`: for findings about that field.
    Field,
}

impl WaiverScope {
    /// `events` or `fields`, as messages name the scope ("waivable on events").
    pub const fn as_str(self) -> &'static str {
        match self {
            WaiverScope::Event => "events",
            WaiverScope::Field => "fields",
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
    /// The label under the Rust snippet of a finding: what is wrong with the
    /// tokens shown (`forbidden type`); `here` by default.
    pub code_label: &'static str,
    /// The label under the manifest snippet of a finding: what the lines shown are
    /// (`declared type`); `here` by default.
    pub manifest_label: &'static str,
    /// Where a waiver of the rule is written, if the rule can be waived at all: a
    /// judgement rule of the linter, never a rule the compiler enforces.
    pub waivable: Option<WaiverScope>,
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

/// Declares the rule table. Each entry reads
/// `CONST = "TL###" "kebab-name" Level Enforced { summary, why, details, example,
/// fix }`, then, where they differ from the defaults, `code_label` and
/// `manifest_label` (default `here`) and `waivable: Event` or `waivable: Field`
/// (default: not waivable).
macro_rules! rules {
    ($( $konst:ident = $id:literal $name:literal $level:ident $enforced:ident {
        summary: $summary:literal,
        why: $why:literal,
        details: $details:literal,
        example: $example:literal,
        fix: $fix:literal
        $(, code_label: $code_label:literal)?
        $(, manifest_label: $manifest_label:literal)?
        $(, waivable: $waivable:ident)?
        $(,)?
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
                code_label: or_here!($($code_label)?),
                manifest_label: or_here!($($manifest_label)?),
                waivable: waivable!($($waivable)?),
            };
        )*
        /// Every rule, in id order.
        pub const RULES: &[&Rule] = &[$($konst),*];
    };
}

/// A snippet label of the rule table, `here` when the entry gives none.
macro_rules! or_here {
    () => {
        "here"
    };
    ($label:literal) => {
        $label
    };
}

/// The waiver scope of the rule table, `None` when the entry gives none.
macro_rules! waivable {
    () => {
        None
    };
    ($scope:ident) => {
        Some(WaiverScope::$scope)
    };
}

rules! {
    UNDECLARED_EVENT = "TL001" "undeclared-event" Error CompilerAndLinter {
        summary: "an event struct has no declaration in the manifest",
        why: "an event missing from the manifest is missing from the published data dictionary, so users are not told it is sent",
        details: "The manifest is the contract with users: `TELEMETRY.md` is generated from it. Code that sends an event the manifest does not declare breaks that contract silently.",
        example: "```rust\n#[telemetry_event] // no `cache_cleared` under `events:` in telemetry.yaml\nstruct CacheCleared { entries: u32 }\n```",
        fix: "Declare the event under `events:` in `telemetry.yaml` with its description, purpose, owner and fields, or name the declared event with `#[telemetry_event(name = \"...\")]`.",
        code_label: "not declared in the manifest",
    }
    UNDECLARED_FIELD = "TL002" "undeclared-field" Error CompilerAndLinter {
        summary: "a field of an event struct is not declared in the manifest",
        why: "an undeclared field is sent without being listed in the data dictionary",
        details: "",
        example: "```rust\n#[telemetry_event]\nstruct CommandFinished { command: Command, retries: u32 } // manifest has no `retries`\n```",
        fix: "Declare the field under the event's `fields:` with its type, category and description, or remove it from the struct.",
        code_label: "not declared in the manifest",
        manifest_label: "the event's declaration",
    }
    MISSING_FIELD = "TL003" "missing-field" Error CompilerAndLinter {
        summary: "a field declared in the manifest is missing from the event struct",
        why: "the data dictionary then promises a field the program does not send, and the manifest no longer describes the code",
        details: "",
        example: "```yaml\nevents:\n  command_finished:\n    fields:\n      success: { type: bool, category: technical, description: Whether it exited 0. }\n```\n```rust\n#[telemetry_event]\nstruct CommandFinished { command: Command } // no `success`\n```",
        fix: "Add the field to the struct, or remove it from the manifest.",
        code_label: "the field is missing from this struct",
        manifest_label: "declared here",
    }
    FIELD_TYPE_MISMATCH = "TL004" "field-type-mismatch" Error CompilerAndLinter {
        summary: "a field's Rust type does not carry the type the manifest declares",
        why: "the data dictionary must describe exactly what is sent; a mismatched type sends values users were not told about",
        details: "Each manifest field type is carried by a fixed set of Rust types (see the crate docs of `telemetry-manifest`). Type aliases and wrappers are seen through by a compile-time assertion on `TelemetryValue::KIND`.",
        example: "```yaml\n      success: { type: bool, category: technical, description: Whether it exited 0. }\n```\n```rust\n    success: u32,\n```",
        fix: "Change the Rust type to one that carries the declared type, or change the declared type.",
        code_label: "does not carry the declared type",
        manifest_label: "declared type",
    }
    ENUM_VALUES_MISMATCH = "TL005" "enum-values-mismatch" Error CompilerAndLinter {
        summary: "an enum field's Rust variants differ from the manifest's `values`",
        why: "users read the list of values in the data dictionary; a variant missing from it is a value sent without notice",
        details: "Variants are compared by their snake_case names, which are the values sent.",
        example: "```yaml\n      command: { type: enum, values: [build, test], category: interaction, description: Which command ran. }\n```\n```rust\n#[derive(TelemetryValue)]\nenum Command { Build, Test, Publish } // `publish` is not in `values`\n```",
        fix: "Make the manifest's `values` list exactly the enum's variants in snake_case.",
        code_label: "these variants are sent",
        manifest_label: "declared values",
    }
    FREE_TEXT_FIELD = "TL006" "free-text-field" Error CompilerAndLinter {
        summary: "a field's type can carry free text",
        why: "free text can carry names, e-mail addresses, file contents and secrets typed by the user",
        details: "Forbidden: `String`, `str`, `&str`, `Cow<str>`, `Box<str>`, `Arc<str>`, `Rc<str>`, `char`, in any wrapper.",
        example: "```rust\n#[telemetry_event]\nstruct SearchRun { query: String }\n```",
        fix: "Send a closed set of values instead: an `enum` that derives `TelemetryValue`, or a `count` (such as the query's length bucketed).",
        code_label: "forbidden type",
    }
    PATH_FIELD = "TL007" "path-field" Error CompilerAndLinter {
        summary: "a field's type can carry a file-system path",
        why: "paths contain user names, project names and directory layouts that identify a person",
        details: "Forbidden: `PathBuf`, `Path`, `OsString`, `OsStr`, in any wrapper.",
        example: "```rust\n#[telemetry_event]\nstruct ConfigLoaded { config_path: PathBuf }\n```",
        fix: "Send a coarse fact about the path instead: a `bool` (whether a config file was found), an `enum` (which kind of location), or a `size_bucket`.",
        code_label: "forbidden type",
    }
    RAW_TIME_FIELD = "TL008" "raw-time-field" Error CompilerAndLinter {
        summary: "a field's type carries an exact time or an exact duration",
        why: "exact timestamps and durations let events be linked across services and to a person's activity",
        details: "Forbidden: `SystemTime`, `Instant`, `Duration`, chrono's `DateTime`, `NaiveDate`, `NaiveDateTime`, `NaiveTime`, time's `OffsetDateTime`, `PrimitiveDateTime`, `UtcDateTime`, `Date`, `Time`, in any wrapper. The envelope adds a time rounded to the hour; events need no time of their own.",
        example: "```rust\n#[telemetry_event]\nstruct BuildFinished { took: std::time::Duration }\n```",
        fix: "Use `telemetry_core::DurationBucket` with a `duration_bucket` field, which sends only the bucket the duration falls in.",
        code_label: "forbidden type",
    }
    ADDRESS_OR_IDENTIFIER_FIELD = "TL009" "address-or-identifier-field" Error CompilerAndLinter {
        summary: "a field's type carries a network address, a URL or a unique identifier",
        why: "addresses and unique identifiers single out a machine or a person and link all their events together",
        details: "Forbidden: `IpAddr`, `Ipv4Addr`, `Ipv6Addr`, `SocketAddr`, `SocketAddrV4`, `SocketAddrV6`, `Uuid`, `Url`, `Uri`, in any wrapper.",
        example: "```rust\n#[telemetry_event]\nstruct RegistryQueried { registry: url::Url }\n```",
        fix: "Send what the decision needs, as an `enum` (such as `default_registry` or `custom_registry`) or a `bool`.",
        code_label: "forbidden type",
    }
    RAW_BYTES_FIELD = "TL010" "raw-bytes-field" Error CompilerAndLinter {
        summary: "a field's type carries raw bytes",
        why: "raw bytes can hold anything, including file contents, keys and hashes that identify a file or a person",
        details: "Forbidden: `Vec<u8>`, `[u8; N]`, `[u8]`, `&[u8]`, `Bytes`, `BytesMut`, in any wrapper.",
        example: "```rust\n#[telemetry_event]\nstruct CacheHit { key: [u8; 32] }\n```",
        fix: "Send a coarse property of the bytes instead, such as a `size_bucket` or a `bool`.",
        code_label: "forbidden type",
    }
    UNTYPED_VALUE_FIELD = "TL011" "untyped-value-field" Error CompilerAndLinter {
        summary: "a field's type is an untyped value, a map or a list",
        why: "an open-ended shape can carry anything, so the data dictionary cannot say what is sent",
        details: "Forbidden: `serde_json::Value`, `toml::Value`, `HashMap`, `BTreeMap`, `IndexMap`, `HashSet`, `BTreeSet`, `Vec<T>`, slices, arrays and tuples, in any wrapper.",
        example: "```rust\n#[telemetry_event]\nstruct FeatureUsed { extra: HashMap<String, String> }\n```",
        fix: "Give each piece of information its own declared field, with a type from the manifest's vocabulary.",
        code_label: "forbidden type",
    }
    UNSUPPORTED_EVENT_SHAPE = "TL012" "unsupported-event-shape" Error CompilerAndLinter {
        summary: "`#[telemetry_event]` is placed on something other than a non-generic struct with named fields or a non-generic enum of events",
        why: "only named fields can be matched one by one against the manifest, so nothing else can be checked",
        details: "Accepted: a non-generic struct with named fields (or none, `{}`), and, for `#[telemetry_event]` only, a non-generic enum of events. In an enum, every variant is an event: a variant with named fields, or a unit variant (an event with no fields), is checked as a struct would be, under the variant's name in snake_case or the name given by `#[telemetry(name = \"...\")]` on the variant; a tuple variant wrapping exactly one type, such as `Build(BuildFinished)`, sends that type's event, and the type must itself carry `#[telemetry_event]`. Rejected: generic structs and enums, tuple structs, unit structs, unions, enums under `#[telemetry_group]`, tuple variants with other than one field (or wrapping a type that is not an event), and `#[telemetry_event(name = \"...\")]` on an enum, whose variants name their own events.",
        example: "```rust\n#[telemetry_event]\nstruct Ping(u32);\n\n#[telemetry_event]\nenum Event {\n    Moved(u8, u8),\n}\n```",
        fix: "Declare the event as a struct with named, non-generic fields, or as a variant with named fields of a non-generic enum; a tuple variant wraps exactly one `#[telemetry_event]` type.",
        code_label: "not a struct with named fields or an enum of events",
    }
    UNVETTED_VALUE_TYPE = "TL013" "unvetted-value-type" Error CompilerAndLinter {
        summary: "a field's type does not implement `TelemetryValue`",
        why: "only vetted value types are known to be coarse; an alias or a newtype could wrap a string, a path or an identifier",
        details: "`TelemetryValue` is implemented only for the safe types of `telemetry-core` and for fieldless enums that derive it, so `type Email = String;` or `struct Wrapped(PathBuf);` is rejected by the type system, with the field named. `cargo telemetry-lint` reports a field type it cannot resolve to a vetted type.",
        example: "```rust\ntype Email = String;\n#[telemetry_event]\nstruct SignedUp { email: Email }\n```",
        fix: "Use a type from the manifest's vocabulary, or a fieldless enum with `#[derive(TelemetryValue)]`.",
        code_label: "not a vetted telemetry value type",
    }
    INVALID_FIELD_PARAMETERS = "TL014" "invalid-field-parameters" Error CompilerAndLinter {
        summary: "a field's parameters do not fit its type",
        why: "the parameters bound what a field can send; a malformed bound leaves the data dictionary unable to say which values leave the machine",
        details: "Checked: an `enum` needs `values`, each snake_case and listed once; bucket fields take ascending `buckets` with units (`100ms`, `1MiB`); a `count` needs a positive `max` (larger counts are sent as it) or ascending `buckets` of whole numbers without a unit (`[1, 10, 100]`, sent as the bucket's label), one of the two: a count with neither could send any 64-bit number, such as a hash of a user name; no other type takes parameters.",
        example: "```yaml\n      took: { type: duration_bucket, buckets: [10s, 1s], category: technical, description: How long it took. }\n```",
        fix: "Write the parameters the type takes, as the message says.",
    }
    MISSING_EVENT_STRUCT = "TL015" "missing-event-struct" Error Linter {
        summary: "an event declared in the manifest has no `#[telemetry_event]` struct",
        why: "the data dictionary then lists an event the program does not send, so it no longer describes the program",
        details: "",
        example: "```yaml\nevents:\n  cache_cleared: # no struct carries this event\n```",
        fix: "Add the event struct, or remove the event from the manifest.",
        manifest_label: "no struct sends this event",
    }
    MISSING_METADATA = "TL016" "missing-metadata" Error Linter {
        summary: "an event or the project lacks a description, purpose, owner, contact or opt-out",
        why: "users can only judge an event when they know what it is, why it is collected, who answers for it and how to opt out",
        details: "Required: the project's `contact` and at least one `opt_out` way, always; and, unless the policy says otherwise, each event's `description`, `purpose`, `owner`, `since` and `expires`, and each field's `description`. A policy lists what it requires in `required_metadata`, from `description`, `purpose`, `owner`, `since`, `expires` and `field_description`; the default is all six.",
        example: "```yaml\nevents:\n  command_finished:\n    description: A command ran to completion.\n    # no purpose, no owner\n```",
        fix: "Add the missing key with a real answer.",
        manifest_label: "missing here",
    }
    PLACEHOLDER_TEXT = "TL017" "placeholder-text" Error Linter {
        summary: "a description, purpose, owner or governance answer is a placeholder such as `TODO`, `TBD` or empty",
        why: "a placeholder published in the data dictionary tells users nothing about why their data is collected or who holds it",
        details: "Matched, ignoring case and punctuation: empty text, `TODO`, `TBD`, `FIXME`, `XXX`, `N/A`, `none`, `?`. The text answers of the `governance` section, its `processors` and each event's `alternatives` are matched too; say that no third party processes the data with `processors: []`, not `none`.",
        example: "```yaml\n    purpose: TODO\n```",
        fix: "Write the decision the data informs, in one or two plain sentences.",
        manifest_label: "placeholder",
    }
    EXPIRED_EVENT = "TL018" "expired-event" Error Linter {
        summary: "an event's expiry date has passed",
        why: "an expired event was promised to stop; collecting it further breaks that promise",
        details: "The date is compared with today's date in UTC.",
        example: "```yaml\n    expires: 2024-01-31\n```",
        fix: "Remove the event and its struct, or, after a new review, move `expires` forward.",
        manifest_label: "expired",
    }
    RETENTION_OVER_LIMIT = "TL019" "retention-over-limit" Error Linter {
        summary: "a retention period exceeds the policy's `max_retention_days`",
        why: "data kept longer than needed is data that can leak, be subpoenaed or be repurposed",
        details: "The limit is `policy.max_retention_days`, 365 days when the policy does not say. An event's retention is waivable per event, in `events.<name>.waivers`; the project's is not.",
        example: "```yaml\nproject:\n  retention_days: 730\n```",
        fix: "Lower `retention_days` to the policy's limit or less.",
        manifest_label: "over the limit",
        waivable: Event,
    }
    CATEGORY_NOT_ALLOWED = "TL020" "category-not-allowed" Error Linter {
        summary: "a field uses a data category the policy does not allow",
        why: "higher data categories reveal more about a person and need a review that the policy has not granted",
        details: "Allowed by default: `technical` and `interaction`. A project widens the list in `policy.allowed_categories`, or, for one reviewed field, waives the rule in the field's `waivers`.",
        example: "```yaml\n      file_count: { type: count, category: stored_content, description: Files in the project. }\n```",
        fix: "Send a coarser field that fits an allowed category, or, after review, add the category to `policy.allowed_categories`.",
        manifest_label: "category not allowed",
        waivable: Field,
    }
    STALE_DATA_DICTIONARY = "TL021" "stale-data-dictionary" Error Linter {
        summary: "the committed `TELEMETRY.md` differs from what the manifest generates",
        why: "a stale data dictionary tells users something other than what the program sends",
        details: "",
        example: "```text\nTELEMETRY.md was generated before `retries` was added to `command_finished`\n```",
        fix: "Run `cargo telemetry-lint doc` and commit the result.",
    }
    FINGERPRINTING_RISK = "TL022" "fingerprinting-risk" Error Linter {
        summary: "an event can take more distinct value combinations than the policy's `max_combinations`",
        why: "the more distinct combinations an event's fields can take, the fewer people share each one, until a combination singles out one person or machine",
        details: "The combinations are the product of each field's number of values: an `enum`'s `values`, a bucket field's or a bucketed `count`'s buckets (one more than its bounds), 2 for `bool`, `max + 1` for a `count` with `max`, 5 for `os_family`, 7 for `arch`. A `count` with neither `max` nor `buckets` (which TL014 rejects) is unbounded and always over the limit. A `version` sends `major.minor`, whose values the manifest cannot list; it is counted as 50 values, about the releases of a program seen in a year of data. An `Option` field may also send `null`, which the manifest cannot tell, so the figure can be one value per optional field short. Fields of embedded groups count too; the context of `project.context` does not. The arithmetic saturates, so no manifest overflows it. The limit is `policy.max_combinations`, 10,000 when the policy does not say. Waivable per event, in `events.<name>.waivers`.",
        example: "```yaml\n    fields: # 64 x 64 x 64 x 64 = 16,777,216 combinations\n      a: { type: enum, values: [v1, v2, ..., v64], category: interaction, description: ... }\n      b: { type: enum, values: [v1, v2, ..., v64], category: interaction, description: ... }\n      c: { type: enum, values: [v1, v2, ..., v64], category: interaction, description: ... }\n      d: { type: enum, values: [v1, v2, ..., v64], category: interaction, description: ... }\n```",
        fix: "Coarsen the fields that contribute most (fewer enum values, fewer buckets, a lower `max`), give every `count` a `max`, split the event, or drop a field the decision does not need. After review, raise `policy.max_combinations` or waive the rule for the event.",
        manifest_label: "too many combinations",
        waivable: Event,
    }
    IDENTIFIER_LIKE_FIELD = "TL023" "identifier-like-field" Error CompilerAndLinter {
        summary: "a number's name says it identifies a person, a machine, a file or a place, or holds an address",
        why: "a number named as an identifier is one by intent: a number or a hash that stands for a user, a device or a file links all their events together as well as the name itself would",
        details: "Applies to numbers: a `count` declared in the manifest, an integer or a float in `init`'s drafts (a `bool`, an `enum` or a bucket sends only the values the manifest lists, so it cannot carry an identifier whatever its name). The field's name is split at `_` into words. It is identifier-like when its last word is one of: `id`, `uid`, `uuid`, `guid`, `pid`, `hwid`, `imei`, `userid`, `username`, `deviceid`, `machineid`, `sessionid`, `email`, `login`, `account`, `host`, `hostname`, `ip`, `ipv4`, `ipv6`, `mac`, `peer`, `address`, `addr`, `port`, `ptr`, `pointer`, `phone`, `serial`, `ssn`, `iban`, `token`, `secret`, `password`, `passwd`, `key`, `hash`, `digest`, `fingerprint`, `cookie`, `name`, `filename`, `filepath`, `path`, `cwd`, `dir`, `directory`, `folder`, `url`, `uri`, `query`; or when its first word is one of `user`, `device`, `machine`, `session`, `install`, `installation`, `account`, `host`, `email`, `file`, `serial`, `phone`, `ip`, `mac` and its last word is not a word for a quantity, a kind or a state of the thing: `count`, `total`, `kind`, `type`, `class`, `category`, `len`, `length`, `size`, `depth`, `bucket`, `duration`, `age`, `tier`, `mode`, `status`, `state`, `format`, `scheme`, `version`, `os`, `arch`, `family`, `source`, `provider`, `present`, `known`, `set`, `enabled`, `configured`, `verified`, `valid`, `found`, `missing`. A name that starts with `has`, `is`, `uses`, `with`, `num`, `n`, `count`, `total`, `max`, `min` or `avg` states a fact about the thing and is not flagged (`has_email`, `num_users`). So `user_id`, `host`, `peer_port` and `node_id` are identifier-like; `user_count`, `email_kind` and `has_email` are not. Waivable per field, in the field's `waivers`.",
        example: "```yaml\n      user_id: { type: count, category: interaction, description: Which account ran the command. }\n```",
        fix: "Send the coarse fact the decision needs under a name that says so (`is_logged_in`, `account_kind`, `user_count`), or drop the field. If the name misleads and the field identifies nothing, rename it, or waive the rule for the field with the reason and the review.",
        code_label: "named like an identifier",
        manifest_label: "named like an identifier",
        waivable: Field,
    }
    CATEGORY_UNDERSTATED = "TL024" "category-understated" Error Linter {
        summary: "a field's name and type say it reveals a higher data category than the one declared",
        why: "the data category tells users and reviewers how sensitive a field is; understating it lets stored content or sensitive personal facts pass a review meant for technical data",
        details: "A field's name is split at `_` into words and compared with a small table. A `count` or `size_bucket` named after what the user stores or works on (`file`, `files`, `document`, `documents`, `project`, `projects`, `repo`, `repos`, `repository`, `repositories`, `workspace`, `workspaces`, `folder`, `folders`, `dir`, `dirs`, `directory`, `directories`, `note`, `notes`, `message`, `messages`, `attachment`, `attachments`, `photo`, `photos`, `image`, `images`, `contact`, `contacts`, `bookmark`, `bookmarks`, `commit`, `commits`) is at least `stored_content`. A field of any type named after a personal or sensitive fact (`gender`, `sex`, `birthday`, `birthdate`, `religion`, `health`, `medical`, `diagnosis`, `salary`, `income`, `ethnicity`, `nationality`, `disability`, `latitude`, `longitude`, `geolocation`, `gps`, `city`, `zipcode`, `postcode`) is `highly_sensitive`. A field already reported as identifier-like (TL023) is not reported again. After Mozilla's check that a metric's name does not need a higher data sensitivity than declared. Waivable per field, in the field's `waivers`.",
        example: "```yaml\n      file_count: { type: count, max: 1000, category: technical, description: How many files the project has. }\n```",
        fix: "Declare the category the name implies (the policy must then allow it), or, if the name misleads, rename the field after what it really counts.",
        manifest_label: "declared category",
        waivable: Field,
    }
    EXPIRY_TOO_FAR = "TL025" "expiry-too-far" Error Linter {
        summary: "an event's `expires` lies further ahead of today than the policy's `max_expiry_days`",
        why: "an expiry is a promise to look at the event again; one set years ahead means the data keeps flowing long after anyone last asked whether it is still needed",
        details: "Compared with today's date in UTC. The horizon is `policy.max_expiry_days`, 730 days when the policy does not say. Waivable per event, in `events.<name>.waivers`.",
        example: "```yaml\n    expires: 2035-12-31\n```",
        fix: "Move `expires` within the horizon and review the event again by then; the message gives the latest date allowed.",
        manifest_label: "too far ahead",
        waivable: Event,
    }
    NEVER_EXPIRES = "TL026" "never-expires" Error Linter {
        summary: "an event declares `expires: never` and the policy does not allow it",
        why: "an event without an end date is never reviewed again, so it outlives the question it was meant to answer",
        details: "A policy allows such events with `allow_never_expires: true`; by default it does not. Waivable per event, in `events.<name>.waivers`.",
        example: "```yaml\n    expires: never\n```",
        fix: "Give the event an end date within the policy's `max_expiry_days`, or, after review, set `allow_never_expires: true` in the policy.",
        manifest_label: "no end date",
        waivable: Event,
    }
    TOO_MANY_EVENTS = "TL027" "too-many-events" Warning Linter {
        summary: "the manifest declares more events than the policy's `max_events`",
        why: "every event is more data to justify, protect and explain to users; a long list of events is rarely all needed and hard for users to review",
        details: "The limit is `policy.max_events`, 10 when the policy does not say, the number the field recommends a project start with. A warning: it does not fail the check.",
        example: "```yaml\nevents: # eleven events, and the policy says nothing\n```",
        fix: "Merge events that answer the same question, remove those no decision needs, or raise `policy.max_events` once every event has earned its place.",
        manifest_label: "past the limit",
    }
    INVALID_WAIVER = "TL028" "invalid-waiver" Error Linter {
        summary: "a waiver cannot be granted: it names an unknown rule, a rule that cannot be waived or a rule of the wrong scope, or lacks a real reason or review",
        why: "a waiver records a reviewed exception to the policy; one without a reason and a review, or one of a rule the compiler enforces, hides a privacy problem instead of documenting a decision",
        details: "A waiver lists `rule` (an id such as `TL023` or a name such as `identifier-like-field`), `reason` and `review` (a pull request, an issue or a review document); neither may be a placeholder. Waivable under an event's `waivers`: TL019 `retention-over-limit`, TL022 `fingerprinting-risk`, TL025 `expiry-too-far`, TL026 `never-expires`. Waivable under a field's `waivers`: TL020 `category-not-allowed`, TL023 `identifier-like-field`, TL024 `category-understated`, TL036 `timestamp-like-field`, TL037 `duration-like-field`, TL038 `size-like-field`. The rules that judge a field by its name (TL023, TL036 to TL038) are enforced by the compiler too, which reads the same waivers. The rules about types and shapes (TL001 to TL014) can never be waived: a forbidden type stays forbidden. A rule is waived once per event or field. Every granted waiver is listed in `TELEMETRY.md` under \"Exceptions to the policy\".",
        example: "```yaml\n      query:\n        type: count\n        category: interaction\n        waivers:\n          - rule: TL006\n            reason: the query is short\n            review: TODO\n```",
        fix: "Name a waivable rule of the right scope with a real reason and review, or remove the waiver and fix the finding.",
        manifest_label: "cannot be granted",
    }
    UNUSED_WAIVER = "TL029" "unused-waiver" Error Linter {
        summary: "a waiver matches no finding",
        why: "a stale waiver is listed in `TELEMETRY.md` as an exception that no longer exists, and would silently excuse a new finding of the same rule later",
        details: "Waivers are matched after every check has run. A waiver whose finding is gone (the field was renamed, coarsened or removed) is reported so it can be removed.",
        example: "```yaml\n      account_kind:\n        type: enum\n        values: [personal, work]\n        category: interaction\n        waivers:\n          - rule: TL023 # `account_kind` is not identifier-like\n            reason: the kind of account, not the account\n            review: https://github.com/acme/acme/pull/42\n```",
        fix: "Remove the waiver.",
        manifest_label: "matches no finding",
    }
    UNDECLARED_GROUP = "TL030" "undeclared-group" Error CompilerAndLinter {
        summary: "an event's `groups:` list or a `#[telemetry_group]` struct names a field group the manifest does not declare",
        why: "fields sent through an undeclared group are missing from the published data dictionary, so users are not told they are sent",
        details: "Field groups are declared once, under the manifest's top-level `groups:`. An event embeds a group by listing it under its own `groups:`; the group's Rust struct carries `#[telemetry_group]` and is named after the group (or names it with `name = \"...\"`).",
        example: "```yaml\nevents:\n  command_started:\n    groups: [platfrom] # no `platfrom` under `groups:`\n```",
        fix: "Declare the group under `groups:` with its description and fields, or correct the name.",
        code_label: "not declared in the manifest",
        manifest_label: "not declared under `groups:`",
    }
    GROUP_FIELD_COLLISION = "TL031" "group-field-collision" Error CompilerAndLinter {
        summary: "two fields of one event share a name: an own field and a field of an embedded group, or fields of two embedded groups",
        why: "an event's fields are sent side by side, so two fields of one name would overwrite each other and the data dictionary could not say which value is sent",
        details: "An event sends its own fields and the fields of every group it embeds, all under `\"fields\"` in the payload. A group listed twice in one event collides with itself.",
        example: "```yaml\ngroups:\n  platform:\n    fields:\n      os: { type: os_family, category: technical, description: Operating system family. }\nevents:\n  command_started:\n    groups: [platform]\n    fields:\n      os: { type: os_family, category: technical, description: Operating system family. }\n```",
        fix: "Keep the field in one place: remove it from the event or from the group, or rename one of the two.",
        manifest_label: "the name is taken twice",
    }
    GROUP_EMBEDDING_MISMATCH = "TL032" "group-embedding-mismatch" Error CompilerAndLinter {
        summary: "an event struct does not embed exactly the groups its declaration lists, each as a field typed with the group's struct",
        why: "a group's fields are sent only through its embedded struct, so a missing or wrong embedding sends other fields than the data dictionary lists",
        details: "An event that lists `groups: [platform]` has a field `platform` whose type is the `#[telemetry_group]` struct of group `platform`. The compiler checks the type through `TelemetryGroup::NAME`, so an alias or the struct of another group is caught too. A field named after a group that the event does not list is reported as well.",
        example: "```yaml\nevents:\n  command_started:\n    groups: [platform]\n```\n```rust\n#[telemetry_event]\nstruct CommandStarted { command: Command } // no `platform: Platform`\n```",
        fix: "Give the struct one field per listed group, named after the group and typed with the group's `#[telemetry_group]` struct, or change the event's `groups:`.",
        code_label: "does not embed the group",
        manifest_label: "the event's declaration",
    }
    MISSING_GROUP_STRUCT = "TL033" "missing-group-struct" Error Linter {
        summary: "a field group that events embed has no `#[telemetry_group]` struct",
        why: "events can send a group's fields only through its struct, so without one the data dictionary lists fields the program cannot send as declared",
        details: "",
        example: "```yaml\ngroups:\n  platform: # no `#[telemetry_group] struct Platform`\n    fields:\n      os: { type: os_family, category: technical, description: Operating system family. }\n```",
        fix: "Add `#[telemetry_group] struct Platform { .. }` with the group's fields, or remove the group and the events' references to it.",
        manifest_label: "no struct declares this group",
    }
    UNUSED_GROUP = "TL034" "unused-group" Warning Linter {
        summary: "a field group is declared but no event embeds it",
        why: "a group that no event embeds lists fields in the data dictionary that are never sent, which makes the document harder to trust",
        details: "",
        example: "```yaml\ngroups:\n  platform: # no event lists `groups: [platform]`\n```",
        fix: "List the group under `groups:` of the events that send its fields, or remove it and its struct.",
        manifest_label: "no event embeds this group",
    }
    DESCRIPTION_REPEATS_NAME = "TL035" "description-repeats-name" Warning Linter {
        summary: "an event's or a field's description only repeats its name",
        why: "users read the data dictionary to learn what is sent and why; a description that only repeats the name tells them nothing the name did not",
        details: "The description's words, lowercased and without punctuation or the articles `a`, `an` and `the`, are compared with the name's words, split at `_`. `retries: Retries.` and `cache_hit: The cache hit.` repeat the name; `retries: How many times the download was retried.` does not.",
        example: "```yaml\n      retries: { type: count, max: 10, category: technical, description: Retries. }\n```",
        fix: "Say what the value means and in which unit or range, such as `How many times the download was retried, up to 10`.",
        manifest_label: "repeats the name",
    }
    TIMESTAMP_LIKE_FIELD = "TL036" "timestamp-like-field" Error CompilerAndLinter {
        summary: "a number's name says it holds a point in time: a date or a time of day",
        why: "an exact time links an event to the moment a person did something, and to their other traces at that moment; the envelope already carries the hour",
        details: "Applies to numbers: a `count` declared in the manifest, an integer or a float in `init`'s drafts. The name is split at `_` into words. It names a point in time when any word is one of `timestamp`, `datetime`, or when its last word, after trailing units of time (`ns`, `nanos`, `nanoseconds`, `us`, `usec`, `usecs`, `micros`, `microseconds`, `ms`, `msec`, `msecs`, `millis`, `milliseconds`, `sec`, `secs`, `seconds`, `mins`, `minutes`) are set aside, is one of `at`, `when`, `date`, `day`, `since`, `ts`, `epoch`, `unix`: `started_at`, `created_at_ms`, `epoch_secs`, `crashed_when`. A last word `time` names a point in time after a word of a moment (`start`, `started`, `end`, `ended`, `stop`, `stopped`, `created`, `updated`, `modified`, `last`, `first`, `install`, `installed`, `launch`, `launched`, `crash`, `crashed`, `begin`, `finish`, `finished`, `sent`, `received`, `login`, `opened`, `closed`: `start_time`) and a duration otherwise (`compile_time`). A name is not flagged when its last word makes it a bucket, a class or a proportion (`bucket`, `buckets`, `tier`, `tiers`, `class`, `kind`, `type`, `category`, `level`, `range`, `ratio`, `rate`, `percent`, `pct`, `share`, `fraction`, `version`, `format`, `mode`, `status`, `state`, `enabled`, `known`, `exceeded`, `set`) or counts occurrences (any plural that is not itself a unit, a spec or a plural of a word above, such as `gpu_dispatches`; and `errors`, `failures`, `warnings`, `events`, `hits`, `misses`, `spikes`, `allocations`, `crashes`, `calls`, `requests`, `retries`, `attempts`, `files`, `sockets`, `faults`, `timeouts`, `restarts`, `reloads`, `clicks`, `runs`, `builds`, `panics`), or when its first word states a fact (`is`, `has`, `uses`, `with`, `was`, `should`). Waivable per field, in the field's `waivers`.",
        example: "```rust\n#[telemetry_event]\nstruct CommandFinished { started_at: u64 }\n```",
        fix: "Drop the field: every record carries the hour it was sent in (the `hour` context). To say how long ago something happened, send a `duration_bucket`. If the name misleads, rename the field after what it counts.",
        code_label: "named like a point in time",
        manifest_label: "declared as a number",
        waivable: Field,
    }
    DURATION_LIKE_FIELD = "TL037" "duration-like-field" Error CompilerAndLinter {
        summary: "a number's name says it holds a precise duration",
        why: "a precise duration is a fingerprint: to the millisecond it tells one machine and one run from another, and links events across services",
        details: "Applies to numbers: a `count` declared in the manifest, an integer or a float in `init`'s drafts. The name is split at `_` into words. It names a precise duration when any word is one of `duration`, `elapsed`, `latency`, `took`, `uptime`, `delay`, `rtt`, `ttfb`, `runtime`, or when its last word is a unit of time: `ns`, `nanos`, `nanoseconds`, `us`, `usec`, `usecs`, `micros`, `microseconds`, `ms`, `msec`, `msecs`, `millis`, `milliseconds`, `sec`, `secs`, `seconds`, `mins`, `minutes` (`load_ms`, `elapsed_us`, `response_latency`). A name that reads as a point in time is TL036 instead. A last word `time` names a point in time after a word of a moment (`start`, `started`, `end`, `ended`, `stop`, `stopped`, `created`, `updated`, `modified`, `last`, `first`, `install`, `installed`, `launch`, `launched`, `crash`, `crashed`, `begin`, `finish`, `finished`, `sent`, `received`, `login`, `opened`, `closed`: `start_time`) and a duration otherwise (`compile_time`). A name is not flagged when its last word makes it a bucket, a class or a proportion (`bucket`, `buckets`, `tier`, `tiers`, `class`, `kind`, `type`, `category`, `level`, `range`, `ratio`, `rate`, `percent`, `pct`, `share`, `fraction`, `version`, `format`, `mode`, `status`, `state`, `enabled`, `known`, `exceeded`, `set`) or counts occurrences (any plural that is not itself a unit, a spec or a plural of a word above, such as `gpu_dispatches`; and `errors`, `failures`, `warnings`, `events`, `hits`, `misses`, `spikes`, `allocations`, `crashes`, `calls`, `requests`, `retries`, `attempts`, `files`, `sockets`, `faults`, `timeouts`, `restarts`, `reloads`, `clicks`, `runs`, `builds`, `panics`), or when its first word states a fact (`is`, `has`, `uses`, `with`, `was`, `should`). Waivable per field, in the field's `waivers`.",
        example: "```rust\n#[telemetry_event]\nstruct ProjectLoaded { load_ms: u64 }\n```",
        fix: "Send a `duration_bucket` with `telemetry_core::DurationBucket`, which sends only the bucket the duration falls in. If the name misleads, rename the field after what it counts.",
        code_label: "named like a precise duration",
        manifest_label: "declared as a number",
        waivable: Field,
    }
    SIZE_LIKE_FIELD = "TL038" "size-like-field" Error CompilerAndLinter {
        summary: "a number's name says it holds an exact size or a system spec",
        why: "exact sizes and machine specs, combined, single out an installation, and the size of a user's files or prompts tells about their content",
        details: "Applies to numbers: a `count` declared in the manifest, an integer or a float in `init`'s drafts. The name is split at `_` into words. It names an exact size or a detail of the machine when any word is one of `bytes`, `byte`, `kb`, `kib`, `mb`, `mib`, `gb`, `gib`, `tb`, `tib`, `size`, `capacity`, `ram`, `memory`, `mem`, `heap`, `rss`, `vram`, `disk`, `storage`, `tokens`, `chars`, `characters`, `cores`, `core`, `cpus`, `cpu`, `gpus`, `gpu`, `screen`, `display`, `monitor`, `monitors`, `pixels`, `dpi`, `resolution`, or when its last word is one of `len`, `length` (`total_ram`, `heap_bytes`, `volume_capacity`, `num_cpus`, `input_tokens`, `screen_width`). Exact sizes and specs, combined, fingerprint a machine; a size also tells how large a user's files or prompts are. A name is not flagged when its last word makes it a bucket, a class or a proportion (`bucket`, `buckets`, `tier`, `tiers`, `class`, `kind`, `type`, `category`, `level`, `range`, `ratio`, `rate`, `percent`, `pct`, `share`, `fraction`, `version`, `format`, `mode`, `status`, `state`, `enabled`, `known`, `exceeded`, `set`) or counts occurrences (any plural that is not itself a unit, a spec or a plural of a word above, such as `gpu_dispatches`; and `errors`, `failures`, `warnings`, `events`, `hits`, `misses`, `spikes`, `allocations`, `crashes`, `calls`, `requests`, `retries`, `attempts`, `files`, `sockets`, `faults`, `timeouts`, `restarts`, `reloads`, `clicks`, `runs`, `builds`, `panics`), or when its first word states a fact (`is`, `has`, `uses`, `with`, `was`, `should`). Waivable per field, in the field's `waivers`.",
        example: "```rust\n#[telemetry_event]\nstruct Started { total_ram: u64 }\n```",
        fix: "Send a `size_bucket` with `telemetry_core::SizeBucket`, or a tier as a fieldless enum (`small`, `medium`, `large`). If the name misleads, rename the field after what it counts.",
        code_label: "named like an exact size",
        manifest_label: "declared as a number",
        waivable: Field,
    }
    PRIVACY_BUDGET_EXCEEDED = "TL039" "privacy-budget-exceeded" Error Linter {
        summary: "an event spends more privacy budget per day than the policy's `max_epsilon_per_day`, or is not locally private under a policy that sets one",
        why: "epsilon bounds what the collector can learn about one user's true values; a budget over the limit, or a field sent without noise, lets the reports of one installation reveal its values",
        details: "Applies only when the policy sets `max_epsilon_per_day`. Every field of every event must then declare a mechanism under `privacy:` (`randomized_response` or `geometric`). An event's budget per day is the sum, over its fields (its groups' included), of the field's epsilon times the number of values the field can take: the program keeps the noisy answer of each value and repeats it, so a field reveals something new only when it takes a value it never took before. The number of reports in a day and the aggregation period add nothing, and sampling (`sample_rate`) lowers nothing, since the collector sees whether a report arrived. The sum over all events is held to the same limit. `TELEMETRY.md` shows every event's budget.",
        example: "```yaml
policy:
  max_epsilon_per_day: 4
events:
  command_finished:
    fields:
      command: { type: enum, values: [build, test, lint], category: interaction, description: Which command ran., privacy: { mechanism: randomized_response, epsilon: 2 } }
```
The field spends 2 × 3 = 6 per day.",
        fix: "Lower the fields' `epsilon`, coarsen fields so they take fewer values, declare `privacy:` on every field sent as it is, or drop fields; raise `max_epsilon_per_day` only after a review.",
        manifest_label: "over the budget",
    }
    UNDECLARED_LEVEL = "TL040" "undeclared-level" Error CompilerAndLinter {
        summary: "an event names a consent level that `project.levels` does not declare",
        why: "a user chooses among the declared levels; an event of another level would be sent under a choice that never named it",
        details: "`project.levels` lists the consent levels users choose from, least data first, such as `[errors, usage]`; each event's `level` must be one of them. A manifest without `project.levels` has one implicit level, and its events name none.",
        example: "```yaml\nproject:\n  levels: [errors, usage]\nevents:\n  command_finished:\n    level: everything\n```",
        fix: "Name one of the declared levels in the event's `level`, or add the level to `project.levels` in its place in the order.",
        manifest_label: "undeclared level",
    }
    MISSING_LEVEL = "TL041" "missing-level" Error CompilerAndLinter {
        summary: "the project declares consent levels, but an event names none",
        why: "the runtime sends an event only when the user's chosen level allows it; an event without a level could not be placed under any choice",
        details: "When `project.levels` is given, every event names its `level`. The runtime then never records an event above the level the user chose.",
        example: "```yaml\nproject:\n  levels: [errors, usage]\nevents:\n  command_finished:\n    description: A command ran to completion.\n```",
        fix: "Add `level:` with one of `project.levels` to the event, the lowest level whose purpose it serves.",
        manifest_label: "no level",
    }
    INVALID_LEVELS = "TL042" "invalid-levels" Error CompilerAndLinter {
        summary: "`project.levels` is empty, repeats a level, or names one with a word that already means on or off",
        why: "users choose a level by its name (`ACME_TELEMETRY=errors`); a repeated name or one such as `off` or `1` would make that choice mean two things",
        details: "Levels are snake_case names, listed least data first, each once, at least one. The words `0`, `1`, `false`, `true`, `off`, `on`, `enabled`, `disabled` and `all` are taken: they turn telemetry off or on at every level.",
        example: "```yaml\nproject:\n  levels: [errors, off]\n```",
        fix: "List each level once, in snake_case, least data first, under a name that says what it sends (`errors`, `usage`).",
        manifest_label: "invalid level",
    }
    INVALID_CONFIG_FILE = "TL043" "invalid-config-file" Error CompilerAndLinter {
        summary: "`project.config_file` names a path or a key the runtime cannot read",
        why: "a documented config-file opt-out that the program cannot read leaves telemetry on for a user who turned it off",
        details: "`path` is relative to the platform's configuration directory (`~/.config` on Linux, `~/Library/Application Support` on macOS, `%APPDATA%` on Windows), with no `..`, and ends in `.toml`, `.yaml`, `.yml` or `.json`, which names the format. `key` is a dotted path of keys (`telemetry`, `privacy.telemetry`) whose value is `false`, `true` or a level's name.",
        example: "```yaml\nproject:\n  config_file: { path: /etc/acme.ini, key: telemetry }\n```",
        fix: "Write the path relative to the configuration directory with a `.toml`, `.yaml`, `.yml` or `.json` extension (`acme/config.toml`), and the key as dotted names (`telemetry`).",
        manifest_label: "unreadable",
    }
    MISSING_GOVERNANCE = "TL044" "missing-governance" Error Linter {
        summary: "the manifest does not answer a governance question the policy requires, or an event does not say what was considered instead of collecting it",
        why: "users and reviewers cannot judge who holds their data, where, how safely and for how long, or whether the event needs to be collected at all",
        details: "The questions come from Mozilla's data-collection review request (the alternatives considered, where results are shared, third-party tools: https://github.com/mozilla/data-review/blob/main/request.md) and the Linux Foundation's telemetry policy (privacy, confidentiality, awareness and the security of the collection mechanism: https://bestpractices.linuxfoundation.org/privacy/telemetry.html). The answers live in the top-level `governance` section (`access`, `storage`, `processors`, `encryption.in_transit`, `encryption.at_rest`, `after_retention.raw_data`, `after_retention.aggregates`, `aggregates_published`, `incident_contact`, `sold_or_shared`) and in each event's `alternatives`, a list of `considered` and `not_enough`. A policy lists the answers it requires in `required_governance`, by the keys `access`, `storage`, `processors`, `encryption_in_transit`, `encryption_at_rest`, `raw_data_after_retention`, `aggregates_after_retention`, `aggregates_published`, `incident_contact`, `sold_or_shared` and `alternatives`; the default is all eleven. `TELEMETRY.md` and `TELEMETRY.json` publish the answers, and `cargo telemetry-lint review` quotes them.",
        example: "```yaml\ngovernance:\n  access: The two maintainers of the release team.\n  # no storage, processors, encryption, ...\nevents:\n  command_finished:\n    # no alternatives\n```",
        fix: "Answer the question in the manifest, in plain language (`processors: []` when no third party is involved), or, if the project's policy does not need the answer, leave its key out of `policy.required_governance`.",
        manifest_label: "missing here",
    }
    DATA_SOLD_OR_SHARED = "TL045" "data-sold-or-shared" Error Linter {
        summary: "the governance section says the data is sold or shared beyond the people and processors it names",
        why: "users gave their data to the project for the purposes in the data dictionary; data sold or passed on leaves those purposes, the retention and the opt-out behind",
        details: "Fires on `governance.sold_or_shared: true`. The people of `governance.access` and the `processors` (hosting, analytics run for the project) are not sharing. The Linux Foundation's telemetry policy asks whether collected data could reach others than the project community; Mozilla's review request asks whether a third-party tool receives the data.",
        example: "```yaml\ngovernance:\n  sold_or_shared: true\n```",
        fix: "Stop selling or passing on the data, and write `sold_or_shared: false`; a party that processes the data for the project belongs in `processors`, and published aggregates in `aggregates_published`.",
        manifest_label: "sold or shared",
    }
    UNREACHABLE_INCIDENT_CONTACT = "TL046" "unreachable-incident-contact" Error Linter {
        summary: "the governance section's `incident_contact` is not an e-mail address or a URL",
        why: "whoever finds a breach, and the users it touches, need an address to write to at once, not the name of a team",
        details: "Accepted: one word with text on both sides of an `@` (`security@acme.example`), or a URL starting with `https://` or `http://` (a security policy page or a form).",
        example: "```yaml\ngovernance:\n  incident_contact: the security team\n```",
        fix: "Write an e-mail address or the URL of the project's security policy, such as `security@acme.example`.",
        manifest_label: "not an address",
    }
}

/// The rule with this id (`TL007`, any case) or name (`path-field`).
pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
}

/// The rules a waiver may name in `scope`, in id order. The rules the compiler
/// enforces are never among them: a forbidden type cannot be waived.
pub fn waivable(scope: WaiverScope) -> impl Iterator<Item = &'static Rule> {
    RULES
        .iter()
        .copied()
        .filter(move |r| r.waivable == Some(scope))
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
    let _ = writeln!(
        out,
        "**What it checks.** {}.\n",
        uppercase_first(rule.summary)
    );
    let _ = writeln!(out, "**Why it matters.** {}.\n", uppercase_first(rule.why));
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
            summary = markdown_cell(rule.summary),
        );
    }
    out.push('\n');
    out.push_str(&policy_docs());
    for rule in RULES {
        out.push('\n');
        out.push_str(&render_rule(rule));
    }
    out
}

/// The default of `policy.max_retention_days`: 365 days.
pub const DEFAULT_MAX_RETENTION_DAYS: u32 = 365;

/// The default of `policy.allowed_categories`.
pub const DEFAULT_ALLOWED_CATEGORIES: [Category; 2] = [Category::Technical, Category::Interaction];

/// The default of `policy.max_combinations`: 10,000.
pub const DEFAULT_MAX_COMBINATIONS: u64 = 10_000;

/// The default of `policy.max_expiry_days`: 730 days, two years ahead of today.
pub const DEFAULT_MAX_EXPIRY_DAYS: u32 = 730;

/// The default of `policy.allow_never_expires`: no event may go without an end date.
pub const DEFAULT_ALLOW_NEVER_EXPIRES: bool = false;

/// The default of `policy.max_events`: 10 events, the number the field recommends
/// a project start with.
pub const DEFAULT_MAX_EVENTS: u32 = 10;

/// The default of `policy.required_governance`: every governance answer, after
/// Mozilla's data-collection review, where every question is mandatory.
pub const DEFAULT_REQUIRED_GOVERNANCE: [GovernanceKey; 11] = GovernanceKey::ALL;

/// The section of `docs/rules.md` on the policy the rules hold a manifest to: its
/// keys with their strict defaults (the `DEFAULT_*` constants), shared policy files
/// and waivers (the rules whose [`Rule::waivable`] is set).
pub fn policy_docs() -> String {
    fn list<'a>(words: impl Iterator<Item = &'a str>) -> String {
        words.collect::<Vec<_>>().join(", ")
    }
    let categories = list(DEFAULT_ALLOWED_CATEGORIES.iter().map(|c| c.as_str()));
    let metadata = list(MetadataKey::ALL.iter().map(|k| k.as_str()));
    let governance = list(DEFAULT_REQUIRED_GOVERNANCE.iter().map(|k| k.as_str()));
    let on_events = list(waivable(WaiverScope::Event).map(|r| r.id));
    let on_fields = list(waivable(WaiverScope::Field).map(|r| r.id));
    format!(
        "## The policy

The linter holds the manifest to a privacy policy. Without one, the strict defaults apply. A manifest sets its own in a `policy` section, or names a shared file in `policy_file`:

| key | default | what it limits | rule |
|---|---|---|---|
| `max_retention_days` | {max_retention_days} | the retention of the project and of each event, in days | {retention} |
| `allowed_categories` | `[{categories}]` | the data categories fields may use | {category} |
| `required_metadata` | all of `[{metadata}]` | the metadata each event (and, with `field_description`, each field) must have; the project's `contact` and an opt-out are always required | {metadata_rule} |
| `max_combinations` | {max_combinations} | the distinct value combinations one event may take | {fingerprinting} |
| `max_expiry_days` | {max_expiry_days} | how far ahead of today `expires` may lie, in days | {expiry} |
| `allow_never_expires` | `{allow_never_expires}` | whether `expires: never` is allowed | {never} |
| `max_events` | {max_events} | how many events the manifest declares before a warning | {events} |
| `required_governance` | all of `[{governance}]` | the governance answers the manifest gives: the `governance` section's, and each event's `alternatives` | {governance_rule} |
| `max_epsilon_per_day` | no limit | the privacy budget, in epsilon per day, of each event and of all events together; when set, every field must declare a local differential privacy mechanism | {budget} |

**A shared policy file.** Several workspaces keep one policy by naming it in their manifests, at the top level, instead of a `policy` section (a manifest with both cannot be checked):

```yaml
policy_file: ../shared/telemetry-policy.yaml
```

The path is relative to the manifest's folder and must end in `.yaml` or `.yml`; an absolute path is refused, so a manifest cannot make CI read an arbitrary file. The file's top level has the keys of `policy`, and it is loaded with the manifest's limits (size, nesting, aliases; unknown and duplicate keys refused). A file that cannot be read or parsed stops the check (exit code 2) with a snippet of the file and of the `policy_file` line. Findings that quote a limit name the file.

**Waivers.** A finding of a judgement rule can be waived for one event or field, in the manifest, with the reason and the review that granted it:

```yaml
      user_id:
        type: count
        max: 20
        category: interaction
        description: The position of the account among the machine's accounts.
        waivers:
          - rule: TL023 # or identifier-like-field
            reason: the position on the machine, never an account id
            review: https://github.com/acme/acme/pull/42
```

Waivable on an event (`events.<name>.waivers`): {on_events}. Waivable on a field: {on_fields}. The rules the compiler enforces (TL001 to TL014) are never waivable. A waived finding is not reported; every waiver is listed in `TELEMETRY.md` under \"Exceptions to the policy\". A waiver that cannot be granted is a TL028 finding, one that matches no finding a TL029 finding.
",
        max_retention_days = DEFAULT_MAX_RETENTION_DAYS,
        retention = RETENTION_OVER_LIMIT.id,
        category = CATEGORY_NOT_ALLOWED.id,
        metadata_rule = MISSING_METADATA.id,
        max_combinations = thousands(DEFAULT_MAX_COMBINATIONS.into()),
        fingerprinting = FINGERPRINTING_RISK.id,
        max_expiry_days = DEFAULT_MAX_EXPIRY_DAYS,
        expiry = EXPIRY_TOO_FAR.id,
        allow_never_expires = DEFAULT_ALLOW_NEVER_EXPIRES,
        never = NEVER_EXPIRES.id,
        max_events = DEFAULT_MAX_EVENTS,
        events = TOO_MANY_EVENTS.id,
        governance_rule = MISSING_GOVERNANCE.id,
        budget = PRIVACY_BUDGET_EXCEEDED.id,
    )
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
    fn labels_follow_message_style() {
        for rule in RULES {
            for label in [rule.code_label, rule.manifest_label] {
                assert!(
                    !label.is_empty() && !label.ends_with('.'),
                    "{}: label `{label}`",
                    rule.id
                );
                assert!(
                    !label.starts_with(char::is_uppercase),
                    "{}: label `{label}` starts uppercase",
                    rule.id
                );
            }
        }
        assert_eq!(PATH_FIELD.code_label, "forbidden type");
        assert_eq!(MISSING_EVENT_STRUCT.code_label, "here");
        assert_eq!(UNDECLARED_EVENT.manifest_label, "here");
    }

    #[test]
    fn only_judgement_rules_are_waivable_and_their_docs_say_so() {
        let waivable: Vec<&str> = RULES
            .iter()
            .filter(|r| r.waivable.is_some())
            .map(|r| r.id)
            .collect();
        assert_eq!(
            waivable,
            [
                "TL019", "TL020", "TL022", "TL023", "TL024", "TL025", "TL026", "TL036", "TL037",
                "TL038"
            ]
        );
        // The compiler enforces only the waivable rules that judge a field by its
        // name, and reads the same waivers.
        let by_name = ["TL023", "TL036", "TL037", "TL038"];
        for scope in [WaiverScope::Event, WaiverScope::Field] {
            for rule in super::waivable(scope) {
                assert!(
                    rule.enforced == Enforced::Linter || by_name.contains(&rule.id),
                    "{} is compiler-enforced",
                    rule.id
                );
                assert!(
                    INVALID_WAIVER.details.contains(rule.id),
                    "TL028 docs lack {}",
                    rule.id
                );
                let place = match scope {
                    WaiverScope::Event => "`events.<name>.waivers`",
                    WaiverScope::Field => "the field's `waivers`",
                };
                assert!(
                    rule.details.contains(place),
                    "{} docs do not say where it is waived",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn rule_docs_quote_the_policy_defaults() {
        for (rule, default) in [
            (
                RETENTION_OVER_LIMIT,
                format!("{DEFAULT_MAX_RETENTION_DAYS} days"),
            ),
            (
                FINGERPRINTING_RISK,
                thousands(DEFAULT_MAX_COMBINATIONS.into()),
            ),
            (EXPIRY_TOO_FAR, format!("{DEFAULT_MAX_EXPIRY_DAYS} days")),
            (TOO_MANY_EVENTS, DEFAULT_MAX_EVENTS.to_string()),
        ] {
            assert!(
                rule.details
                    .contains(&format!("{default} when the policy does not say")),
                "{} docs lack the default {default}",
                rule.id
            );
        }
        let allowed: Vec<String> = DEFAULT_ALLOWED_CATEGORIES
            .iter()
            .map(|c| format!("`{c}`"))
            .collect();
        assert!(
            CATEGORY_NOT_ALLOWED
                .details
                .contains(&format!("Allowed by default: {}.", allowed.join(" and "))),
            "TL020 docs lack the default categories"
        );
        let policy = policy_docs();
        assert!(policy.contains("| `max_combinations` | 10,000 |"));
        assert!(policy.contains("| `allowed_categories` | `[technical, interaction]` |"));
        assert!(policy.contains(
            "Waivable on an event (`events.<name>.waivers`): TL019, TL022, TL025, TL026. Waivable on a field: TL020, TL023, TL024, TL036, TL037, TL038."
        ));
    }

    #[test]
    fn governance_docs_name_every_key() {
        for key in GovernanceKey::ALL {
            assert!(
                MISSING_GOVERNANCE
                    .details
                    .contains(&format!("`{}`", key.as_str())),
                "TL044 docs lack the policy key {}",
                key.as_str()
            );
            let place = key.path().trim_start_matches("governance.");
            assert!(
                key == GovernanceKey::Alternatives
                    || MISSING_GOVERNANCE.details.contains(&format!("`{place}`")),
                "TL044 docs lack the manifest key {place}"
            );
        }
        assert!(policy_docs().contains("| `required_governance` | all of `[access, storage,"));
    }

    #[test]
    fn find_by_id_or_name() {
        assert_eq!(find("tl007").map(|r| r.name), Some("path-field"));
        assert_eq!(find("path-field").map(|r| r.id), Some("TL007"));
        assert!(find("TL999").is_none());
    }
}
