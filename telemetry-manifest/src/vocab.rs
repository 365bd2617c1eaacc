//! The closed vocabularies of the manifest: field types, data categories, bucket
//! bounds and calendar dates.
//!
//! Every word a manifest may use for a field's `type` or `category` is an enum
//! variant here, so a typo is a load error with the list of accepted words, never a
//! silently accepted new kind of data.

use std::fmt;

use serde::Deserialize;

/// The type of a manifest field: what kind of value the event may carry.
///
/// The vocabulary is closed on purpose. Each type is coarse by construction, so the
/// value it carries cannot single out a person on its own:
///
/// | type | Rust types that carry it | what is sent |
/// |---|---|---|
/// | `bool` | `bool` | `true` or `false` |
/// | `count` | `u8`, `u16`, `u32`, `u64`, `usize` | a non-negative integer up to its `max`, or the label of the bucket it falls in among its `buckets` |
/// | `enum` | a fieldless enum that derives `TelemetryValue` | one of the manifest's `values`, in snake_case |
/// | `duration_bucket` | `telemetry_core::DurationBucket` | the label of the bucket the duration falls in |
/// | `size_bucket` | `telemetry_core::SizeBucket` | the label of the bucket the size falls in |
/// | `os_family` | `telemetry_core::OsFamily` | `linux`, `macos`, `windows`, `bsd` or `other` |
/// | `arch` | `telemetry_core::Arch` | `x86_64`, `aarch64`, `x86`, `arm`, `riscv64`, `wasm32` or `other` |
/// | `version` | `telemetry_core::Version` | `major.minor`, never the patch level or a commit |
///
/// Any of these may be wrapped in `Option<..>`, which is sent as `null` when absent.
///
/// What is left out is as deliberate as what is in: there is no string type (free
/// text carries names, paths and secrets), no timestamp (exact times correlate
/// events across services), no identifier (it links events to one person), and no
/// map or list (an open-ended shape defeats the data dictionary).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// A yes/no fact.
    Bool,
    /// A non-negative number of things, such as the number of targets built: sent
    /// up to a declared `max` (larger counts are sent as the `max`), or as the label
    /// of the bucket it falls in among declared `buckets`. One of the two is
    /// required, since an unbounded count can carry any 64-bit value, such as a
    /// hash of a user name.
    Count,
    /// One of a closed list of values declared in the manifest.
    Enum,
    /// A duration, reported as the bucket it falls in.
    DurationBucket,
    /// A size in bytes, reported as the bucket it falls in.
    SizeBucket,
    /// The operating system family, not its version.
    OsFamily,
    /// The CPU architecture.
    Arch,
    /// A program version, at most `major.minor`.
    Version,
}

impl FieldType {
    /// Every field type, in declaration order.
    pub const ALL: [FieldType; 8] = [
        FieldType::Bool,
        FieldType::Count,
        FieldType::Enum,
        FieldType::DurationBucket,
        FieldType::SizeBucket,
        FieldType::OsFamily,
        FieldType::Arch,
        FieldType::Version,
    ];

    /// The word used in the manifest, such as `duration_bucket`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FieldType::Bool => "bool",
            FieldType::Count => "count",
            FieldType::Enum => "enum",
            FieldType::DurationBucket => "duration_bucket",
            FieldType::SizeBucket => "size_bucket",
            FieldType::OsFamily => "os_family",
            FieldType::Arch => "arch",
            FieldType::Version => "version",
        }
    }

    /// The Rust types that may carry this field type, for diagnostics and docs.
    pub const fn rust_types(self) -> &'static str {
        match self {
            FieldType::Bool => "`bool`",
            FieldType::Count => "`u8`, `u16`, `u32`, `u64` or `usize`",
            FieldType::Enum => "a fieldless enum that derives `TelemetryValue`",
            FieldType::DurationBucket => "`telemetry_core::DurationBucket`",
            FieldType::SizeBucket => "`telemetry_core::SizeBucket`",
            FieldType::OsFamily => "`telemetry_core::OsFamily`",
            FieldType::Arch => "`telemetry_core::Arch`",
            FieldType::Version => "`telemetry_core::Version`",
        }
    }

    /// A Rust type that carries this field type, as a suggestion in messages:
    /// `bool`, `u32`, `YourEnum`, `DurationBucket`, ...
    pub const fn example_rust_type(self) -> &'static str {
        match self {
            FieldType::Bool => "bool",
            FieldType::Count => "u32",
            FieldType::Enum => "YourEnum",
            FieldType::DurationBucket => "DurationBucket",
            FieldType::SizeBucket => "SizeBucket",
            FieldType::OsFamily => "OsFamily",
            FieldType::Arch => "Arch",
            FieldType::Version => "Version",
        }
    }

    /// The fixed values a type may take, for types whose values are not declared in
    /// the manifest (`bool`, `os_family`, `arch`); empty otherwise.
    pub const fn fixed_values(self) -> &'static [&'static str] {
        match self {
            FieldType::Bool => &["true", "false"],
            FieldType::OsFamily => &["linux", "macos", "windows", "bsd", "other"],
            FieldType::Arch => &[
                "x86_64", "aarch64", "x86", "arm", "riscv64", "wasm32", "other",
            ],
            _ => &[],
        }
    }

    /// The bucket bounds used when a bucket field declares none.
    ///
    /// Durations (milliseconds): 100 ms, 1 s, 10 s, 1 min, 10 min, 1 h, which separate
    /// "instant", "interactive", "a coffee" and "a batch job" as users feel them.
    /// Sizes (bytes): 1 KiB, 1 MiB, 100 MiB, 1 GiB, the orders of magnitude that change
    /// how a tool must behave. Empty for the other types.
    pub const fn default_bounds(self) -> &'static [u64] {
        match self {
            FieldType::DurationBucket => &[100, 1_000, 10_000, 60_000, 600_000, 3_600_000],
            FieldType::SizeBucket => &[1 << 10, 1 << 20, 100 << 20, 1 << 30],
            _ => &[],
        }
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A data category, after Mozilla's four data-collection categories.
///
/// The order is the order of sensitivity: `Technical < Interaction < StoredContent <
/// HighlySensitive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Category 1: information about the machine or the program itself, such as the
    /// OS family, the architecture, error counts or timings.
    Technical,
    /// Category 2: information about how the user interacts with the program, such as
    /// which commands ran or which options were used.
    Interaction,
    /// Category 3: information about what the user stores or works on, such as the
    /// number or size of their files.
    StoredContent,
    /// Category 4: information that can identify a person or reveal sensitive facts;
    /// never appropriate for routine telemetry.
    HighlySensitive,
}

impl Category {
    /// Every category, from least to most sensitive.
    pub const ALL: [Category; 4] = [
        Category::Technical,
        Category::Interaction,
        Category::StoredContent,
        Category::HighlySensitive,
    ];

    /// The word used in the manifest, such as `stored_content`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Technical => "technical",
            Category::Interaction => "interaction",
            Category::StoredContent => "stored_content",
            Category::HighlySensitive => "highly_sensitive",
        }
    }

    /// A one-sentence plain-language description, for the data dictionary's legend.
    pub const fn description(self) -> &'static str {
        match self {
            Category::Technical => {
                "facts about the program and the machine it runs on, such as the operating system family or how long a step took"
            }
            Category::Interaction => {
                "how the program is used, such as which commands ran and which options were chosen"
            }
            Category::StoredContent => {
                "coarse facts about what you work on, such as how many files a project has"
            }
            Category::HighlySensitive => {
                "information that could identify you or reveal sensitive facts about you"
            }
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a program does before the user has made a choice: the project's consent
/// model, `project.consent` in the manifest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentModel {
    /// Nothing is sent until the user turns telemetry on (the default when the
    /// manifest says nothing, because it is the choice that reveals nothing).
    #[default]
    OptIn,
    /// Telemetry is on until the user turns it off, after a first-run notice.
    OptOut,
}

impl ConsentModel {
    /// The word used in the manifest: `opt-in` or `opt-out`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ConsentModel::OptIn => "opt-in",
            ConsentModel::OptOut => "opt-out",
        }
    }
}

impl fmt::Display for ConsentModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a program does, before a person has seen the first-run notice, when it runs
/// unattended: under a CI service (its well-known environment variables are set) or
/// with stderr not a terminal on the first run. The manifest's `project.automation`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Automation {
    /// Nothing is sent, and the notice is not stored as shown, until a person has
    /// seen the notice at a terminal or turned telemetry on explicitly (the default:
    /// consent that nobody saw is no consent).
    #[default]
    Strict,
    /// Automated runs are treated as interactive ones: the notice is printed to
    /// whatever stderr is and stored as shown.
    Allow,
}

impl Automation {
    /// The word used in the manifest: `strict` or `allow`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Automation::Strict => "strict",
            Automation::Allow => "allow",
        }
    }
}

/// The format of the program's own configuration file (`project.config_file`),
/// told by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConfigFormat {
    /// `.toml`.
    Toml,
    /// `.yaml` or `.yml`.
    Yaml,
    /// `.json`.
    Json,
}

impl ConfigFormat {
    /// The format of a file named `path`, from its extension (any case); `None` for
    /// another extension.
    pub fn of_path(path: &str) -> Option<ConfigFormat> {
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "toml" => Some(ConfigFormat::Toml),
            "yaml" | "yml" => Some(ConfigFormat::Yaml),
            "json" => Some(ConfigFormat::Json),
            _ => None,
        }
    }

    /// `toml`, `yaml` or `json`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ConfigFormat::Toml => "toml",
            ConfigFormat::Yaml => "yaml",
            ConfigFormat::Json => "json",
        }
    }
}

/// One piece of coarse context a program may attach to every event it sends, listed
/// in the manifest's `project.context`; nothing else is attached.
///
/// In a payload they appear under `"context"` with these names as keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContextField {
    /// The program's version, `"major.minor"`.
    ProgramVersion,
    /// The operating system family the program was built for, as `os_family`.
    OsFamily,
    /// The processor architecture the program was built for, as `arch`.
    Arch,
    /// The time the event was recorded, rounded down to the hour, in UTC
    /// (`"2026-11-21T14:00:00Z"`).
    Hour,
    /// A random id of 128 bits, as 32 lowercase hex digits, drawn anew at least once a
    /// day and never derived from the machine or the user; it links the events of one
    /// run and nothing else.
    SessionId,
}

impl ContextField {
    /// Every context field, in the order payloads and documents list them.
    pub const ALL: [ContextField; 5] = [
        ContextField::ProgramVersion,
        ContextField::OsFamily,
        ContextField::Arch,
        ContextField::Hour,
        ContextField::SessionId,
    ];

    /// The word used in the manifest and as the key in a payload's `"context"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContextField::ProgramVersion => "program_version",
            ContextField::OsFamily => "os_family",
            ContextField::Arch => "arch",
            ContextField::Hour => "hour",
            ContextField::SessionId => "session_id",
        }
    }

    /// What it says, in plain language, for the data dictionary.
    pub const fn description(self) -> &'static str {
        match self {
            ContextField::ProgramVersion => {
                "the program's version, major and minor only, such as `1.4`"
            }
            ContextField::OsFamily => {
                "the operating system family the program was built for, such as `linux`; never its version"
            }
            ContextField::Arch => {
                "the processor architecture the program was built for, such as `x86_64`"
            }
            ContextField::Hour => "when the event was recorded, rounded down to the hour, in UTC",
            ContextField::SessionId => {
                "a random id drawn anew at least once a day, never derived from your machine or from you; it only tells which events came from the same run"
            }
        }
    }
}

impl fmt::Display for ContextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A calendar date, as written in the manifest (`YYYY-MM-DD`, proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// The year, 1970 to 9999.
    pub year: u16,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, 1 to 31 (checked against the month's length).
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`.
    ///
    /// # Errors
    /// Returns a lowercase message without trailing period when the text is not a
    /// real date between 1970-01-01 and 9999-12-31.
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}` is not a date of the form YYYY-MM-DD");
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(bad());
        }
        let number = |range: std::ops::Range<usize>| -> Result<u16, String> {
            let part = &text[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse::<u16>().map_err(|_| bad())
        };
        let year = number(0..4)?;
        let month = u8::try_from(number(5..7)?).map_err(|_| bad())?;
        let day = u8::try_from(number(8..10)?).map_err(|_| bad())?;
        if year < 1970 || !(1..=12).contains(&month) {
            return Err(bad());
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(format!(
                "`{text}` is not a real date: month {month} has no day {day}"
            ));
        }
        Ok(Date { year, month, day })
    }

    /// The date of a number of whole days since 1970-01-01 (the Unix epoch), in UTC.
    ///
    /// Uses Howard Hinnant's `civil_from_days` algorithm. Days past 9999-12-31 clamp
    /// to that date.
    pub fn from_days_since_epoch(days: u64) -> Date {
        let days = days.min(2_932_896); // 9999-12-31
        let z = days as i64 + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }

    /// The number of whole days from 1970-01-01 to this date.
    pub fn days_since_epoch(self) -> u64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year / 400;
        let yoe = year - era * 400;
        let month = i64::from(self.month);
        let mp = if month > 2 { month - 3 } else { month + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468).max(0) as u64
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days_since_epoch(secs / 86_400)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// When an event stops being collected: a date, or `never`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expiry {
    /// Collection stops at the end of this day (UTC).
    On(Date),
    /// The event does not expire; a policy may forbid this.
    Never,
}

impl Expiry {
    /// Parses a date `YYYY-MM-DD` or the word `never`.
    ///
    /// # Errors
    /// A lowercase message when the text is neither.
    pub fn parse(text: &str) -> Result<Expiry, String> {
        if text == "never" {
            return Ok(Expiry::Never);
        }
        Date::parse(text)
            .map(Expiry::On)
            .map_err(|e| format!("{e}; write a date such as 2027-06-30, or `never`"))
    }
}

impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expiry::On(date) => date.fmt(f),
            Expiry::Never => f.write_str("never"),
        }
    }
}

/// Parses a duration bucket bound such as `100ms`, `10s`, `5min` or `1h` into
/// milliseconds.
///
/// # Errors
/// A lowercase message naming the accepted units when the text is not a positive
/// whole number followed by `ms`, `s`, `min` or `h`.
pub fn parse_duration_ms(text: &str) -> Result<u64, String> {
    parse_with_units(
        text,
        &[("ms", 1), ("s", 1_000), ("min", 60_000), ("h", 3_600_000)],
        "a duration such as `100ms`, `10s`, `5min` or `1h`",
    )
}

/// Parses a size bucket bound such as `512B`, `1KiB`, `10MiB` or `2GiB` into bytes.
///
/// # Errors
/// A lowercase message naming the accepted units when the text is not a positive
/// whole number followed by `B`, `KiB`, `MiB`, `GiB` or `TiB`.
pub fn parse_size_bytes(text: &str) -> Result<u64, String> {
    parse_with_units(
        text,
        &[
            ("B", 1),
            ("KiB", 1 << 10),
            ("MiB", 1 << 20),
            ("GiB", 1 << 30),
            ("TiB", 1 << 40),
        ],
        "a size such as `512B`, `1KiB`, `10MiB` or `2GiB`",
    )
}

fn parse_with_units(text: &str, units: &[(&str, u64)], expected: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let bad = || format!("`{text}` is not {expected}");
    let number: u64 = number.parse().map_err(|_| bad())?;
    let scale = units
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|(_, scale)| *scale)
        .ok_or_else(bad)?;
    if number == 0 {
        return Err(format!("`{text}` is zero; a bucket bound must be positive"));
    }
    number
        .checked_mul(scale)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// Parses a count bucket bound such as `10`: a positive whole number, without a
/// unit.
///
/// # Errors
/// A lowercase message when the text is not a positive whole number that fits in
/// 64 bits.
pub fn parse_count_bound(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{text}` is not a whole number such as `10`"));
    }
    match text.parse::<u64>() {
        Ok(0) => Err(format!("`{text}` is zero; a bucket bound must be positive")),
        Ok(value) => Ok(value),
        Err(_) => Err(format!("`{text}` is too large")),
    }
}

/// Formats milliseconds with the largest unit that divides them exactly
/// (`90s`, not `1.5min`), the inverse of [`parse_duration_ms`].
pub fn format_duration_ms(ms: u64) -> String {
    format_with_units(
        ms,
        &[("h", 3_600_000), ("min", 60_000), ("s", 1_000), ("ms", 1)],
    )
}

/// Formats bytes with the largest binary unit that divides them exactly, the
/// inverse of [`parse_size_bytes`].
pub fn format_size_bytes(bytes: u64) -> String {
    format_with_units(
        bytes,
        &[
            ("TiB", 1 << 40),
            ("GiB", 1 << 30),
            ("MiB", 1 << 20),
            ("KiB", 1 << 10),
            ("B", 1),
        ],
    )
}

fn format_with_units(value: u64, units: &[(&str, u64)]) -> String {
    for (name, scale) in units {
        if value >= *scale && value.is_multiple_of(*scale) {
            return format!("{}{name}", value / scale);
        }
    }
    format!("{value}{}", units.last().map_or("", |(name, _)| name))
}

/// The labels of the buckets that `bounds` (ascending) cut the range into: one more
/// label than bounds, such as `<100ms`, `100ms-1s`, `>=1s`; for a `count`, plain
/// numbers, such as `<1`, `1-10`, `>=10`.
///
/// These labels are what a bucket field sends, so they appear verbatim in the data
/// dictionary.
pub fn bucket_labels(ty: FieldType, bounds: &[u64]) -> Vec<String> {
    let fmt = |v: u64| match ty {
        FieldType::SizeBucket => format_size_bytes(v),
        FieldType::Count => v.to_string(),
        _ => format_duration_ms(v),
    };
    let mut labels = Vec::with_capacity(bounds.len() + 1);
    let Some(first) = bounds.first() else {
        labels.push("any".to_owned());
        return labels;
    };
    labels.push(format!("<{}", fmt(*first)));
    for pair in bounds.windows(2) {
        labels.push(format!("{}-{}", fmt(pair[0]), fmt(pair[1])));
    }
    if let Some(last) = bounds.last() {
        labels.push(format!(">={}", fmt(*last)));
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_days() {
        for text in ["1970-01-01", "2000-02-29", "2026-11-21", "9999-12-31"] {
            let date = Date::parse(text).unwrap();
            assert_eq!(Date::from_days_since_epoch(date.days_since_epoch()), date);
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn bad_dates_are_rejected() {
        for text in [
            "2027-02-30",
            "2027-13-01",
            "27-01-01",
            "2027-1-01",
            "soon",
            "1969-12-31",
        ] {
            assert!(Date::parse(text).is_err(), "{text}");
        }
        assert!(Date::parse("2028-02-29").is_ok());
    }

    #[test]
    fn units_parse_and_format() {
        assert_eq!(parse_duration_ms("100ms"), Ok(100));
        assert_eq!(parse_duration_ms("5min"), Ok(300_000));
        assert_eq!(parse_size_bytes("10MiB"), Ok(10 << 20));
        assert!(parse_duration_ms("1.5s").is_err());
        assert!(parse_duration_ms("0s").is_err());
        assert!(parse_size_bytes("99999999999TiB").is_err());
        assert_eq!(format_duration_ms(90_000), "90s");
        assert_eq!(format_size_bytes(1 << 30), "1GiB");
    }

    #[test]
    fn labels_cover_every_bucket() {
        let labels = bucket_labels(FieldType::DurationBucket, &[100, 1_000]);
        assert_eq!(labels, ["<100ms", "100ms-1s", ">=1s"]);
        let labels = bucket_labels(FieldType::Count, &[1, 10, 100]);
        assert_eq!(labels, ["<1", "1-10", "10-100", ">=100"]);
    }

    #[test]
    fn count_bounds_are_positive_whole_numbers() {
        assert_eq!(parse_count_bound("10"), Ok(10));
        assert_eq!(parse_count_bound("007"), Ok(7));
        for text in [
            "0",
            "1s",
            "-1",
            "1.5",
            "1e3",
            "0x10",
            "",
            "99999999999999999999",
        ] {
            assert!(parse_count_bound(text).is_err(), "{text}");
        }
    }
}
