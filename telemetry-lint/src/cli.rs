//! The command line, declared once with clap's derive API; `--help` is generated
//! from these doc comments.
//!
//! `cargo telemetry-lint` runs the binary `cargo-telemetry-lint` with the word
//! `telemetry-lint` as its first argument; [`crate::run`] drops it, so the binary
//! also works when run directly.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Holds telemetry to its manifest: checks that the telemetry events in the code
/// match telemetry.yaml and the privacy policy, and generates TELEMETRY.md, the data
/// dictionary users read.
///
/// With no command, runs `check`. Exit codes: 0 clean, 1 findings at error level,
/// 2 could not run.
#[derive(Debug, Parser)]
#[command(
    name = "cargo-telemetry-lint",
    bin_name = "cargo telemetry-lint",
    version,
    disable_help_subcommand = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Options for every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The options of `check`, when no command is given.
    #[command(flatten)]
    pub check: CheckArgs,
    /// The command; `check` when none is given.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options for every command.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The workspace's Cargo.toml [default: found by cargo from the current directory]
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// The telemetry manifest [default: telemetry.yaml at the workspace root]
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest: Option<PathBuf>,
    /// Output format: `human` diagnostics, one `json` document (see docs/json-output.md),
    /// `sarif` for code scanning, `github` workflow annotations, `markdown` (`diff`
    /// and `doc`), or `html` (`doc`)
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// When to colour human output; `auto` colours a terminal unless NO_COLOR is set
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Diagnostics with source snippets, for people.
    Human,
    /// One JSON document, for tools; `doc` writes the JSON data dictionary.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub's upload-sarif).
    Sarif,
    /// GitHub Actions workflow commands: one annotation per finding.
    Github,
    /// The changelog of `diff` and TELEMETRY.md of `doc`, for people (their default).
    Markdown,
    /// `doc` writes TELEMETRY.html, the data dictionary as one web page to publish.
    Html,
}

/// When to use colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// When writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the manifest against its schema and policy, the event structs against the
    /// manifest, and TELEMETRY.md against the manifest (the default command)
    ///
    /// Reads telemetry.yaml at the workspace root and every member's Rust sources
    /// (skipping target/ and ignored files; nothing is built or run). Reports drift
    /// both ways (events, fields, types, enum values), forbidden field types, policy
    /// breaches (missing metadata, placeholders, expiry, retention, data categories)
    /// and a stale TELEMETRY.md. Files that cannot be read or parsed are reported as
    /// errors, since their events go unchecked, and the run goes on.
    Check(CheckArgs),
    /// Write TELEMETRY.md, the data dictionary, from the manifest
    ///
    /// With `--format json`, writes the machine-readable data dictionary,
    /// TELEMETRY.json, instead; with `--format html`, TELEMETRY.html, one
    /// self-contained web page with search and a data category filter. The output is
    /// the same to the byte for the same manifest, and is written atomically.
    Doc(DocArgs),
    /// Print the documentation of a rule: what it checks, why, an example and the fix
    Explain(ExplainArgs),
    /// Draft telemetry.yaml from a crate's existing event structs, listing every field
    /// that would be rejected
    ///
    /// Reads source only: nothing of the scanned crate is built or run.
    Init(InitArgs),
    /// Print the telemetry changelog between two versions of the manifest, for
    /// release notes
    ///
    /// Lists the data categories raised first (users may need to consent again), then
    /// project changes (consent, context, opt-out), events added, removed and changed
    /// field by field, and changes of retention and expiry. Markdown by default;
    /// `--format json` for tools. A difference is not a finding: the exit code is 0.
    Diff(DiffArgs),
    /// Print the JSON Schema (2020-12) of the records the program sends, one
    /// definition per event
    ///
    /// Each record is `{"event", "fields", "context"}`, with a `count` when
    /// aggregated; every field's schema lists the values the manifest allows.
    Schema(SchemaArgs),
    /// Write the data review request for new or changed events, answered from the
    /// manifest
    ///
    /// Asks every question of Mozilla's request for data-collection review
    /// (https://github.com/mozilla/data-review/blob/main/request.md) and the four
    /// concerns of the Linux Foundation's telemetry policy (privacy, confidentiality,
    /// awareness, security of the collection mechanism;
    /// https://bestpractices.linuxfoundation.org/privacy/telemetry.html). Each answer
    /// is quoted from the manifest with its line; every unanswered question is
    /// listed. Markdown by default, `--format json` for tools. Exit code 1 when an
    /// answer the policy requires is missing.
    Review(ReviewArgs),
    /// Estimate, from the records programs sent, each field's distribution with 95%
    /// confidence intervals, undoing the noise the manifest declares
    ///
    /// Reads the JSON Lines that the spool and the HTTP sink write. Prints, per event
    /// and field, the debiased share of each value (the mean for a count with `max`),
    /// and suppresses every cell resting on fewer reports than the event's
    /// `min_count` (default 10). With `--manifest PATH`, no workspace is needed.
    Estimate(EstimateArgs),
}

/// Options of `estimate`.
#[derive(Debug, Args)]
pub struct EstimateArgs {
    /// The records: a JSON Lines file, or `-` for standard input
    #[arg(value_name = "RECORDS")]
    pub records: PathBuf,
}

/// Options of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Report a missing TELEMETRY.md at the workspace root; without this flag only a
    /// TELEMETRY.md that exists and is stale is reported
    #[arg(long)]
    pub require_doc: bool,
    /// Check expiry dates against this day (UTC, YYYY-MM-DD) instead of today; the
    /// environment variable TELEMETRY_LINT_TODAY does the same
    #[arg(long, value_name = "YYYY-MM-DD", hide = true)]
    pub today: Option<String>,
}

/// Options of `doc`.
#[derive(Debug, Args)]
pub struct DocArgs {
    /// Where to write, `-` for standard output [default: TELEMETRY.md, TELEMETRY.json
    /// with `--format json` or TELEMETRY.html with `--format html`, at the workspace
    /// root]
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Write nothing; exit 1 when the file is missing or differs from what would be written
    #[arg(long)]
    pub check: bool,
}

/// Options of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old manifest: a file, or `git:REV` for the workspace's manifest at a git
    /// revision (`git:v1.2.0`)
    #[arg(value_name = "OLD")]
    pub old: String,
    /// The new manifest: a file, or `git:REV`
    #[arg(value_name = "NEW")]
    pub new: String,
}

/// Options of `review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The events to review, by name [default: every event, or with `--since` those
    /// new or changed]
    #[arg(value_name = "EVENT", conflicts_with = "since")]
    pub events: Vec<String>,
    /// Review the events added or changed since this manifest: `git:REV` for the
    /// workspace's manifest at a git revision (`git:v1.2.0`), or a file
    #[arg(long, value_name = "OLD")]
    pub since: Option<String>,
}

/// Options of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Where to write the schema, atomically [default: standard output]
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Write nothing; exit 1 when the file at `--output` is missing or differs
    #[arg(long, requires = "output")]
    pub check: bool,
}

/// Options of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule's id (TL007) or name (path-field)
    #[arg(value_name = "RULE")]
    pub rule: String,
}

/// Options of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Files or directories to scan [default: the current directory]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Which structs are events.
    #[command(flatten)]
    pub selector: SelectorArgs,
    /// Where to write the draft manifest [default: ./telemetry.yaml]
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Write nothing; only report
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite an existing manifest at the output path
    #[arg(long)]
    pub force: bool,
}

/// How `init` tells which structs are events; exactly one is required.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct SelectorArgs {
    /// Every struct that implements this trait
    #[arg(long = "trait", value_name = "NAME")]
    pub trait_name: Option<String>,
    /// Every struct that derives this macro
    #[arg(long, value_name = "NAME")]
    pub derive: Option<String>,
    /// Every struct in the given files
    #[arg(long)]
    pub all_structs: bool,
}
