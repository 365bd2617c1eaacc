//! `cargo telemetry-lint init`: drafts a manifest from the event structs of a crate
//! that already sends telemetry, and lists every field the manifest would reject.
//!
//! It reads Rust source only (through `crate::scan`); nothing of the scanned crate is
//! built or run. A [`Selector`] says which structs are events. Each named field is
//! classified with [`telemetry_manifest::classify_type`]:
//!
//! - a vetted type becomes a field of that type (`category: technical`);
//! - a fieldless enum of the scanned sources becomes an `enum` field with its variants
//!   in snake_case (`category: interaction`);
//! - a struct of the scanned sources is followed into: its fields are added as
//!   `parent_child` (cycles and nesting deeper than [`MAX_FLATTEN_DEPTH`] are rejected);
//! - anything else is left out of the draft, with a comment saying why, and reported
//!   with the rule that rejects it ([`telemetry_manifest::check_field_type`]).
//!
//! The draft deliberately fails `cargo telemetry-lint` until a person decides what
//! only a person can: `description`, `purpose` and `owner` are `TODO` (TL017), and
//! `since`, `expires` and the project's `opt_out` are left out, shown as comments
//! (TL016). A placeholder there would not be caught, since the policy checks accept
//! any text for them, and a wrong expiry date or opt-out would be published as fact.
//!
//! ```no_run
//! use telemetry_lint::{InitOptions, Selector, init};
//! let report = init(&InitOptions {
//!     paths: vec!["src".into()],
//!     selector: Selector::Trait("Properties".into()),
//!     output: None,
//!     dry_run: true,
//!     force: false,
//!     format: telemetry_lint::Format::Human,
//! })?;
//! print!("{}", report.render_human(false));
//! # Ok::<(), telemetry_lint::InitError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use telemetry_manifest::FieldType;

mod classify;
mod draft;
mod drafter;
mod report;

use self::drafter::{Drafter, EventUnit};
use crate::Format;
use crate::cli;
use crate::cmd::{Color, print_out};
use crate::generated;
use crate::report::{Diagnostic, Location};
use crate::scan::{self, ProblemKind, ScanProblem};

/// How deep `init` follows struct fields into other structs.
pub const MAX_FLATTEN_DEPTH: usize = 4;

/// The retention the draft proposes, in days.
pub const DRAFT_RETENTION_DAYS: u32 = 90;

/// Which structs of the scanned sources are events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// Every struct with an `impl NAME for Struct` block (the trait matched on its
    /// last path segment).
    Trait(String),
    /// Every struct whose `#[derive(..)]` list names NAME (last path segment).
    Derive(String),
    /// Every struct in the given files.
    AllStructs,
}

impl Selector {
    /// The command-line flag that selects this way, such as `--trait Properties`.
    pub fn flag(&self) -> String {
        match self {
            Selector::Trait(name) => format!("--trait {name}"),
            Selector::Derive(name) => format!("--derive {name}"),
            Selector::AllStructs => "--all-structs".to_owned(),
        }
    }
}

/// What `init` reads and where it writes.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// Files or directories to scan; empty means the current directory.
    pub paths: Vec<PathBuf>,
    /// Which structs are events.
    pub selector: Selector,
    /// Where to write the draft manifest; `None` means `./telemetry.yaml`.
    pub output: Option<PathBuf>,
    /// Write nothing.
    pub dry_run: bool,
    /// Overwrite an existing manifest at the output path.
    pub force: bool,
    /// The output format.
    pub format: Format,
}

/// What the draft says about one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldOutcome {
    /// The field is in the draft.
    Kept {
        /// The manifest type inferred.
        ty: FieldType,
        /// Whether the Rust type is an `Option`.
        optional: bool,
        /// For `enum`: the values, in snake_case.
        values: Vec<String>,
        /// The data category guessed: `interaction` for enums, else `technical`.
        category: &'static str,
    },
    /// The field is left out; the finding at this index of [`InitReport::findings`] says why.
    Rejected {
        /// Index into [`InitReport::findings`].
        finding: usize,
    },
}

/// One field of a drafted event.
#[derive(Clone, Debug)]
pub struct DraftField {
    /// The field's name in the manifest: the name serde sends, in snake_case; a
    /// field of a nested struct is `parent_child`.
    pub name: String,
    /// The field's Rust name, nested as `parent_child` by the Rust names.
    pub rust_name: String,
    /// The Rust type as written.
    pub rust_type: String,
    /// The first paragraph of its doc comment, if any.
    pub doc: Option<String>,
    /// Where the field is written: line and column of its start, bytes of its type;
    /// the label is empty.
    pub source: Location,
    /// Kept or left out.
    pub outcome: FieldOutcome,
}

/// One drafted event.
#[derive(Clone, Debug)]
pub struct DraftEvent {
    /// The event name: the struct's name in snake_case.
    pub name: String,
    /// The struct's name.
    pub struct_name: String,
    /// Where the struct's name is written; the label is empty.
    pub source: Location,
    /// The first paragraph of the struct's doc comment, if any.
    pub doc: Option<String>,
    /// Its fields, nested structs flattened, in declaration order.
    pub fields: Vec<DraftField>,
}

/// What `init` found and drafted.
#[derive(Clone, Debug)]
pub struct InitReport {
    /// The selector used.
    pub selector: Selector,
    /// The drafted events, in file then source order.
    pub events: Vec<DraftEvent>,
    /// Rejected fields (errors) and problems of the scan (warnings), in file then
    /// source order of the events, scan problems first. Every rule-less warning has
    /// a `why`; those that point into a Rust file have a `source`.
    pub findings: Vec<Diagnostic>,
    /// The draft `telemetry.yaml`.
    pub draft: String,
    /// Where the draft was written; `None` on a dry run.
    pub written: Option<String>,
    /// How many Rust files were read.
    pub files_read: usize,
    /// The text of every file a finding points into, by shown path.
    files: BTreeMap<String, Arc<str>>,
}

/// Why `init` could not run.
#[derive(Debug)]
pub enum InitError {
    /// No Rust file could be read under the given paths.
    NothingToRead {
        /// The paths given, as shown.
        paths: Vec<String>,
        /// What went wrong with them, one line each.
        problems: Vec<String>,
    },
    /// The output exists and `--force` was not given.
    OutputExists {
        /// The output path, as shown.
        path: String,
    },
    /// The draft could not be written.
    Write {
        /// The output path, as shown.
        path: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The current directory could not be read.
    CurrentDir(std::io::Error),
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::NothingToRead { paths, problems } => {
                write!(
                    f,
                    "no Rust source file could be read under {}",
                    paths.join(", ")
                )?;
                for problem in problems {
                    write!(f, "\n  {problem}")?;
                }
                Ok(())
            }
            InitError::OutputExists { path } => write!(
                f,
                "`{path}` already exists; init does not overwrite a manifest unless given `--force` (or use `--dry-run`, or `--output` with another path)"
            ),
            InitError::Write { path, source } => {
                write!(f, "could not write the draft manifest `{path}`: {source}")
            }
            InitError::CurrentDir(source) => {
                write!(f, "could not read the current directory: {source}")
            }
        }
    }
}

impl std::error::Error for InitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InitError::Write { source, .. } | InitError::CurrentDir(source) => Some(source),
            _ => None,
        }
    }
}

/// Runs `init` from the current directory: paths in the report are shown relative to it.
///
/// # Errors
/// [`InitError`] when no Rust file can be read, the output exists without `force`, or
/// the draft cannot be written. Files that do not parse are warnings in the report.
pub fn run(options: &InitOptions) -> Result<InitReport, InitError> {
    let cwd = std::env::current_dir().map_err(InitError::CurrentDir)?;
    run_in(options, &cwd)
}

/// Runs `init` as if from `cwd`: relative paths (scanned and output) are resolved
/// against it, and the report shows paths relative to it.
///
/// # Errors
/// As [`run`].
pub fn run_in(options: &InitOptions, cwd: &Path) -> Result<InitReport, InitError> {
    let resolve = |path: &Path| {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            cwd.join(path)
        }
    };
    let output = resolve(
        options
            .output
            .as_deref()
            .unwrap_or(Path::new("telemetry.yaml")),
    );
    let output_shown = scan::shown_path(&output, cwd);
    if !options.dry_run && !options.force && output.exists() {
        return Err(InitError::OutputExists { path: output_shown });
    }

    let given: Vec<PathBuf> = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let roots: Vec<PathBuf> = given.iter().map(|p| resolve(p)).collect();
    let shown_roots: Vec<String> = roots.iter().map(|p| scan::shown_path(p, cwd)).collect();
    let scan = scan::scan(&scan::Walk {
        roots: &roots,
        base: cwd,
        prefilter: false,
        skip_nested_packages: false,
        skip_test_modules: true,
    });
    if scan.files.is_empty() {
        let problems = scan.problems.iter().map(problem_line).collect();
        return Err(InitError::NothingToRead {
            paths: shown_roots,
            problems,
        });
    }

    let mut drafter = Drafter {
        scan: &scan,
        findings: Vec::new(),
        files: BTreeMap::new(),
    };
    drafter.scan_problems();
    let selected = drafter.select(&options.selector);
    let mut events = Vec::new();
    let mut names = BTreeSet::new();
    let units: Vec<EventUnit<'_>> = selected
        .iter()
        .flat_map(|item| drafter.units(item))
        .collect();
    let mut drafted = BTreeSet::new();
    for unit in units {
        // A struct wrapped by variants (and selected itself) is one event.
        if !drafted.insert((unit.file, unit.span.offset)) {
            continue;
        }
        if !names.insert(unit.name.clone()) {
            drafter.duplicate_event(&unit);
            continue;
        }
        events.push(drafter.event(&unit));
    }

    let project = project_name(&roots, cwd);
    let mut report = InitReport {
        selector: options.selector.clone(),
        events,
        findings: drafter.findings,
        draft: String::new(),
        written: None,
        files_read: scan.files.len(),
        files: drafter.files,
    };
    report.draft = draft::draft_yaml(&report, &project, &shown_roots);
    if !options.dry_run {
        generated::write_file(&output, report.draft.as_bytes()).map_err(|source| {
            InitError::Write {
                path: output_shown.clone(),
                source,
            }
        })?;
        report.written = Some(output_shown);
    }
    Ok(report)
}

/// Runs `init` from the command line; returns the exit code.
pub(crate) fn run_command(args: &cli::InitArgs, format: Format, color: Color) -> i32 {
    let selector = if let Some(name) = &args.selector.trait_name {
        Selector::Trait(name.clone())
    } else if let Some(name) = &args.selector.derive {
        Selector::Derive(name.clone())
    } else {
        Selector::AllStructs
    };
    let options = InitOptions {
        paths: args.paths.clone(),
        selector,
        output: args.output.clone(),
        dry_run: args.dry_run,
        force: args.force,
        format,
    };
    match run(&options) {
        Ok(report) => {
            match format {
                Format::Human | Format::Markdown | Format::Html => {
                    print_out(&report.render_human(color.stdout()));
                }
                Format::Json => print_out(&report.render_json()),
                Format::Sarif => print_out(&crate::report::render_sarif(&report.findings, None)),
                Format::Github => print_out(&crate::report::render_github(&report.findings, None)),
            }
            i32::from(report.has_errors())
        }
        Err(error) => {
            eprintln!("error: {error}");
            2
        }
    }
}

fn problem_line(problem: &ScanProblem) -> String {
    match problem.kind {
        ProblemKind::NotUtf8 => format!("{}: not UTF-8", problem.path),
        ProblemKind::Unparseable => problem.detail.clone(),
        _ => format!("{}: {}", problem.path, problem.detail),
    }
}

/// The project's name: the `[package] name` of the nearest `Cargo.toml` above the
/// first path, else that directory's name.
fn project_name(roots: &[PathBuf], cwd: &Path) -> String {
    let first = roots.first().map_or(cwd, PathBuf::as_path);
    let start = if first.is_file() {
        first.parent().unwrap_or(cwd)
    } else {
        first
    };
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in start.ancestors() {
        if let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml"))
            && let Some(name) = package_name(&text)
        {
            return name;
        }
    }
    start
        .file_name()
        .map_or_else(|| "TODO".to_owned(), |n| n.to_string_lossy().into_owned())
}

/// The `name` under `[package]` in a Cargo.toml, read line by line.
fn package_name(toml: &str) -> Option<String> {
    let mut in_package = false;
    for line in toml.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if in_package
            && let Some(rest) = line.strip_prefix("name")
            && let Some(value) = rest.trim_start().strip_prefix('=')
        {
            let value = value.trim().trim_matches('"').trim_matches('\'');
            if !value.is_empty() {
                return Some(value.to_owned());
            }
        }
    }
    None
}
impl DraftEvent {
    /// How many fields are in the draft.
    pub fn kept(&self) -> usize {
        self.fields
            .iter()
            .filter(|f| matches!(f.outcome, FieldOutcome::Kept { .. }))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_come_from_the_package_table() {
        let toml =
            "[workspace]\nname = \"no\"\n[package]\nversion = \"1\"\nname = \"re_analytics\"\n";
        assert_eq!(package_name(toml).as_deref(), Some("re_analytics"));
        assert_eq!(package_name("[workspace]\n"), None);
    }
}
