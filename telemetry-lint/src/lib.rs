//! `cargo telemetry-lint`: holds a workspace's telemetry to its manifest.
//!
//! CI runs `cargo telemetry-lint` (the `check` command) to fail a pull request when
//! the telemetry manifest (`telemetry.yaml`) and the event structs drift apart, when
//! the manifest breaks the privacy policy, or when the committed data dictionary
//! (`TELEMETRY.md`) is stale. `doc` writes that data dictionary (or its JSON twin,
//! `TELEMETRY.json`), `explain` prints a rule's documentation, `init` drafts a first
//! manifest for a crate that already sends telemetry, `diff` prints the telemetry
//! changelog between two versions of the manifest, and `schema` the JSON Schema of
//! the records a program sends. Findings print for people, as JSON, as SARIF for
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

pub mod atomic;
pub mod check;
pub mod cli;
pub mod diff;
pub mod doc;
pub mod doc_json;
pub mod explain;
pub mod init;
pub mod nesting;
pub mod payload_schema;
pub mod report;
pub mod source;
pub mod workspace;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};

use clap::Parser;

use crate::cli::{Cli, ColorArg, Command, FormatArg};
use crate::report::Report;

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
        None => run_check(&cli.global, &cli.check, format, color),
        Some(Command::Check(ref args)) => {
            let merged = cli::CheckArgs {
                require_doc: args.require_doc || cli.check.require_doc,
                today: args.today.clone().or_else(|| cli.check.today.clone()),
            };
            run_check(&cli.global, &merged, format, color)
        }
        Some(Command::Doc(ref args)) => run_doc(&cli.global, args, format, color),
        Some(Command::Explain(ref args)) => match explain::explain(&args.rule) {
            Ok(text) => {
                print_out(&text);
                0
            }
            Err(message) => {
                eprint!("error: {message}");
                2
            }
        },
        Some(Command::Init(ref args)) => run_init(args, format, color),
        Some(Command::Diff(ref args)) => run_diff(&cli.global, args, format, color),
        Some(Command::Schema(ref args)) => run_schema(&cli.global, args, format, color),
    }
}

/// The `--color` choice, resolved per output stream.
#[derive(Clone, Copy)]
struct Color(ColorArg);

impl Color {
    /// Whether to colour text written to a stream that is (or is not) a terminal;
    /// `auto` colours a terminal unless `NO_COLOR` is set to a non-empty value.
    fn for_stream(self, is_terminal: bool) -> bool {
        match self.0 {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }

    fn stdout(self) -> bool {
        self.for_stream(std::io::stdout().is_terminal())
    }

    fn stderr(self) -> bool {
        self.for_stream(std::io::stderr().is_terminal())
    }
}

fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Prints a report in `format` and returns its exit code. Human output of a run
/// that could not complete goes to stderr; everything else to stdout.
fn emit(report: &Report, format: Format, color: Color) -> i32 {
    match format {
        Format::Json => print_out(&report.render_json()),
        Format::Sarif => print_out(&report.render_sarif()),
        Format::Github => print_out(&report.render_github()),
        Format::Human | Format::Markdown if report.fatal => {
            let text = report.render_human(color.stderr());
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        Format::Human | Format::Markdown => print_out(&report.render_human(color.stdout())),
    }
    report.exit_code()
}

/// Refuses a format a command does not print, with exit code 2.
fn refuse_format(command: &str, format: Format, accepted: &str) -> Option<i32> {
    let name = match format {
        Format::Human => "human",
        Format::Json => "json",
        Format::Sarif => "sarif",
        Format::Github => "github",
        Format::Markdown => "markdown",
    };
    if accepted.split(", ").any(|a| a == name) {
        return None;
    }
    eprintln!("error: `{command}` does not print `--format {name}`; it prints {accepted}");
    Some(2)
}

fn today(args: &cli::CheckArgs) -> Result<telemetry_manifest::Date, String> {
    let text = match &args.today {
        Some(text) => Some(text.clone()),
        None => std::env::var(TODAY_ENV).ok().filter(|t| !t.is_empty()),
    };
    match text {
        Some(text) => telemetry_manifest::Date::parse(text.trim())
            .map_err(|e| format!("invalid --today or {TODAY_ENV}: {e}")),
        None => Ok(telemetry_manifest::Date::today()),
    }
}

fn run_check(global: &cli::GlobalArgs, args: &cli::CheckArgs, format: Format, color: Color) -> i32 {
    if let Some(code) = refuse_format("check", format, "human, json, sarif, github") {
        return code;
    }
    let today = match today(args) {
        Ok(today) => today,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let options = check::CheckOptions {
        manifest_path: global.manifest_path.clone(),
        manifest: global.manifest.clone(),
        today,
        require_doc: args.require_doc,
    };
    let report = check::run(&options);
    emit(&report, format, color)
}

fn run_doc(global: &cli::GlobalArgs, args: &cli::DocArgs, format: Format, color: Color) -> i32 {
    let loaded = match check::load(global.manifest_path.as_deref(), global.manifest.as_deref()) {
        Ok(loaded) => loaded,
        Err(report) => return emit(&report, format, color),
    };
    // `--format json` selects the JSON data dictionary; the report of the run is
    // then printed as JSON too.
    let (expected, file_name, command) = if format == Format::Json {
        (
            doc_json::render(&loaded.valid, &loaded.shown_path),
            doc_json::FILE_NAME,
            "cargo telemetry-lint doc --format json",
        )
    } else {
        (
            doc::render(&loaded.valid, &loaded.shown_path),
            doc::FILE_NAME,
            "cargo telemetry-lint doc",
        )
    };
    if args.output.as_deref() == Some(std::path::Path::new("-")) {
        if args.check {
            eprintln!("error: `--check` compares a file; give `--output <PATH>`, not `-`");
            return 2;
        }
        print_out(&expected);
        return 0;
    }
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| loaded.workspace.root.join(file_name));
    let shown = workspace::shown_path(&loaded.workspace.root, &path);
    let mut report = Report {
        manifest: Some(loaded.shown_path.clone()),
        ..Report::default()
    };
    if args.check {
        if let Some(mut diagnostic) = doc::staleness(&path, &shown, &expected, true, &mut report) {
            if format == Format::Json {
                diagnostic.help = Some(format!("run `{command}` and commit the result"));
            }
            report.push(diagnostic);
        } else {
            report.note = Some(format!("{shown} is up to date"));
        }
    } else {
        write_output(&path, &shown, &expected, &mut report);
    }
    report.events = loaded.valid.events.len();
    report.sort();
    emit(&report, format, color)
}

/// Writes a generated file atomically, noting it in the report, or making the
/// report fatal when it cannot be written.
fn write_output(path: &std::path::Path, shown: &str, contents: &str, report: &mut Report) {
    match doc::write_atomically(path, contents) {
        Ok(()) => report.note = Some(format!("wrote {shown}")),
        Err(e) => {
            report.fatal = true;
            report.push(report::Diagnostic::other(
                "unwritable-output",
                telemetry_manifest::Level::Error,
                format!("cannot write `{shown}`: {e}"),
                "check that the directory exists and is writable, or pass `--output <PATH>`",
            ));
        }
    }
}

fn run_schema(
    global: &cli::GlobalArgs,
    args: &cli::SchemaArgs,
    format: Format,
    color: Color,
) -> i32 {
    if let Some(code) = refuse_format("schema", format, "human, json") {
        return code;
    }
    let loaded = match check::load(global.manifest_path.as_deref(), global.manifest.as_deref()) {
        Ok(loaded) => loaded,
        Err(report) => return emit(&report, format, color),
    };
    let expected = payload_schema::render(&loaded.valid);
    let Some(path) = &args.output else {
        print_out(&expected);
        return 0;
    };
    let shown = workspace::shown_path(&loaded.workspace.root, path);
    let mut report = Report {
        manifest: Some(loaded.shown_path.clone()),
        ..Report::default()
    };
    if args.check {
        let current = std::fs::read(path).ok();
        let same = current.as_deref().is_some_and(|bytes| {
            bytes == expected.as_bytes()
                || String::from_utf8_lossy(bytes).replace("\r\n", "\n") == expected
        });
        if same {
            report.note = Some(format!("{shown} is up to date"));
        } else {
            let state = if current.is_some() {
                "differs from what the manifest generates"
            } else {
                "does not exist"
            };
            report.push(report::Diagnostic::other(
                "stale-schema",
                telemetry_manifest::Level::Error,
                format!("the payload schema `{shown}` {state}, so collectors would check records against an outdated list of fields and values"),
                format!("run `cargo telemetry-lint schema --output {shown}` and commit the result"),
            ));
        }
    } else {
        write_output(path, &shown, &expected, &mut report);
    }
    report.events = loaded.valid.events.len();
    report.sort();
    emit(&report, format, color)
}

fn run_diff(global: &cli::GlobalArgs, args: &cli::DiffArgs, format: Format, color: Color) -> i32 {
    if let Some(code) = refuse_format("diff", format, "markdown, human, json") {
        return code;
    }
    let mut found: Option<std::path::PathBuf> = None;
    let mut workspace_manifest = || -> Result<std::path::PathBuf, Box<Report>> {
        if let Some(path) = &found {
            return Ok(path.clone());
        }
        let path = match &global.manifest {
            Some(path) => path.clone(),
            None => {
                let workspace =
                    workspace::discover(global.manifest_path.as_deref()).map_err(|e| {
                        let mut report = Report {
                            fatal: true,
                            ..Report::default()
                        };
                        report.push(report::Diagnostic::other(
                            "no-workspace",
                            telemetry_manifest::Level::Error,
                            e.message,
                            e.help,
                        ));
                        Box::new(report)
                    })?;
                workspace.root.join("telemetry.yaml")
            }
        };
        found = Some(path.clone());
        Ok(path)
    };
    let old = match diff::load_side(&args.old, &mut workspace_manifest) {
        Ok(side) => side,
        Err(report) => return emit(&report, format, color),
    };
    let new = match diff::load_side(&args.new, &mut workspace_manifest) {
        Ok(side) => side,
        Err(report) => return emit(&report, format, color),
    };
    let log = diff::compute(&old, &new);
    match format {
        Format::Json => print_out(&diff::render_json(&log)),
        _ => print_out(&diff::render_markdown(&log)),
    }
    0
}

fn run_init(args: &cli::InitArgs, format: Format, color: Color) -> i32 {
    let selector = if let Some(name) = &args.selector.trait_name {
        init::Selector::Trait(name.clone())
    } else if let Some(name) = &args.selector.derive {
        init::Selector::Derive(name.clone())
    } else {
        init::Selector::AllStructs
    };
    let options = init::InitOptions {
        paths: args.paths.clone(),
        selector,
        output: args.output.clone(),
        dry_run: args.dry_run,
        force: args.force,
        format,
    };
    match init::run(&options) {
        Ok(report) => {
            match format {
                Format::Human | Format::Markdown => {
                    print_out(&report.render_human(color.stdout()));
                }
                Format::Json => print_out(&report.render_json()),
                Format::Sarif => print_out(&report::render_sarif(&report.findings, None)),
                Format::Github => print_out(&report::render_github(&report.findings, None)),
            }
            i32::from(report.has_errors())
        }
        Err(error) => {
            eprintln!("error: {error}");
            2
        }
    }
}
