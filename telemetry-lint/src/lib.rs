//! `cargo telemetry-lint`: holds a workspace's telemetry to its manifest.
//!
//! CI runs `cargo telemetry-lint` (the `check` command) to fail a pull request when
//! the telemetry manifest (`telemetry.yaml`) and the event structs drift apart, when
//! the manifest breaks the privacy policy, or when the committed data dictionary
//! (`TELEMETRY.md`) is stale. `doc` writes that data dictionary (or its JSON twin,
//! `TELEMETRY.json`), `explain` prints a rule's documentation, `init` drafts a first
//! manifest for a crate that already sends telemetry, `diff` prints the telemetry
//! changelog between two versions of the manifest, `schema` the JSON Schema of
//! the records a program sends, and `estimate` the distributions a collector can
//! draw from those records, the noise undone. Findings print for people, as JSON, as SARIF for
//! code scanning, or as GitHub Actions annotations.
//!
//! The crate is a library with a thin binary on top: [`run`] parses the arguments,
//! runs one command and returns the exit code (0 clean, 1 findings at error level,
//! 2 could not run). One module per command; the checks themselves come from
//! `telemetry-manifest`, shared with `#[telemetry_event]`, so the compiler and the
//! linter report a rule with the same id and words.
//!
//! ```no_run
//! let code = telemetry_lint::run(["cargo-telemetry-lint", "check", "--format", "json"]);
//! std::process::exit(code);
//! ```
#![deny(missing_docs)]

mod cli;
mod cmd;
mod generated;
mod load;
mod render;
mod report;
mod scan;

use std::ffi::OsString;

use clap::Parser;

use crate::cli::{Cli, Command, FormatArg};
use crate::cmd::Color;

pub use crate::cmd::init::{
    DraftEvent, DraftField, FieldOutcome, InitError, InitOptions, InitReport, Selector, run as init,
};
pub use crate::report::{Diagnostic, Location, Report};

/// Hidden entry points for the fuzz targets and the benchmark harness; not part of
/// the supported interface.
#[doc(hidden)]
pub mod __private {
    pub use crate::cmd::init::run_in as init_in;
    pub use crate::render::html::render as render_html_dictionary;
    pub use crate::render::json::render as render_json_dictionary;
    pub use crate::render::markdown::render as render_markdown_dictionary;
    pub use crate::report::Problem;
    pub use crate::scan::nesting::STACK_BYTES;
    pub use crate::scan::nesting::parse_file;
    pub use crate::scan::{Body, Scan, SourceSpan, scan_bytes};
}

/// The output format of a report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Format {
    /// Diagnostics for people, rendered with miette.
    #[default]
    Human,
    /// One JSON document for tools (see `docs/json-output.md`).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands, one annotation per finding.
    Github,
    /// Markdown: the changelog of `diff`, `TELEMETRY.md` for `doc`.
    Markdown,
    /// HTML: `TELEMETRY.html` for `doc`; the report of the run is human.
    Html,
}

/// The environment variable that, like `--today`, sets the date expiry is checked
/// against (`YYYY-MM-DD`), for reproducible runs.
pub const TODAY_ENV: &str = "TELEMETRY_LINT_TODAY";

/// Runs the command line `args` (the program name first; a leading
/// `telemetry-lint`, as cargo passes it, is skipped) and returns the exit code:
/// 0 clean, 1 findings at error level, 2 could not run.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    if args.get(1).is_some_and(|a| a == "telemetry-lint") {
        args.remove(1);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return error.exit_code();
        }
    };
    let format = match cli.global.format {
        FormatArg::Human => Format::Human,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Html => Format::Html,
    };
    let color = Color(cli.global.color);
    let top_level_check = cli.check.require_doc || cli.check.today.is_some();
    if top_level_check && !matches!(cli.command, None | Some(Command::Check(_))) {
        eprintln!(
            "error: `--require-doc` and `--today` are options of `check`; give them after `check`, or without a command"
        );
        return 2;
    }
    match cli.command {
        None => cmd::check::run(&cli.global, &cli.check, format, color),
        Some(Command::Check(ref args)) => {
            let merged = cli::CheckArgs {
                require_doc: args.require_doc || cli.check.require_doc,
                today: args.today.clone().or_else(|| cli.check.today.clone()),
            };
            cmd::check::run(&cli.global, &merged, format, color)
        }
        Some(Command::Doc(ref args)) => cmd::doc::run(&cli.global, args, format, color),
        Some(Command::Explain(ref args)) => cmd::explain::run(args),
        Some(Command::Init(ref args)) => cmd::init::run_command(args, format, color),
        Some(Command::Diff(ref args)) => cmd::diff::run(&cli.global, args, format, color),
        Some(Command::Schema(ref args)) => cmd::schema::run(&cli.global, args, format, color),
        Some(Command::Review(ref args)) => cmd::review::run(&cli.global, args, format, color),
        Some(Command::Estimate(ref args)) => cmd::estimate::run(&cli.global, args, format, color),
    }
}
