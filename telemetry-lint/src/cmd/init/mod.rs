//! `cargo telemetry-lint init`: drafts a manifest from the event structs of a crate
//! that already sends telemetry, and lists every field the manifest would reject.
//!
//! It reads Rust source only ([`crate::source`]); nothing of the scanned crate is
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
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use heck::ToSnakeCase;
use serde::Serialize;
use telemetry_manifest::text::lowercase_first;
use telemetry_manifest::{
    FieldType, Level, Rule, StructField, TypeClass, check_field_type, classify_type,
    default_event_name, rules, type_to_string,
};
use telemetry_manifest::{Owner, check_name};

mod draft;

use crate::Format;
use crate::cli;
use crate::cmd::{Color, print_out};
use crate::generated;
use crate::report::{
    self, Diagnostic, JsonFinding, JsonLocation, JsonSummary, Location, Problem, plural,
};
use crate::scan::attrs::SerdeContainer;
use crate::scan::{
    self, Body, EnumItem, ProblemKind, Scan, ScanProblem, SourceSpan, StructItem, TraitImpl,
};

/// How deep `init` follows struct fields into other structs.
pub const MAX_FLATTEN_DEPTH: usize = 4;

/// How many type aliases `init` follows in a row (`type A = B; type B = String;`).
const MAX_ALIASES: usize = 8;

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

struct Drafter<'a> {
    scan: &'a Scan,
    findings: Vec<Diagnostic>,
    /// The text of every file a finding points into.
    files: BTreeMap<String, Arc<str>>,
}

impl<'a> Drafter<'a> {
    /// A place in a scanned file: `pos` for line and column, `range` for the snippet.
    /// A place in a scanned file: `at` for line and column, `range` for the bytes of
    /// the snippet.
    fn location(&self, file: usize, at: SourceSpan, range: SourceSpan, label: &str) -> Location {
        Location {
            path: self.scan.files[file].path.clone(),
            line: at.line,
            column: at.column,
            offset: range.offset,
            len: range.len,
            label: label.to_owned(),
        }
    }

    /// As [`Drafter::location`], for a finding: the file's text is kept for its snippet.
    fn place(&mut self, file: usize, at: SourceSpan, range: SourceSpan, label: &str) -> Location {
        let scanned = &self.scan.files[file];
        self.files
            .entry(scanned.path.clone())
            .or_insert_with(|| Arc::clone(&scanned.text));
        self.location(file, at, range, label)
    }

    fn push(&mut self, finding: Diagnostic) -> usize {
        self.findings.push(finding);
        self.findings.len() - 1
    }

    fn warning(problem: Problem, message: String, why: &str, help: String) -> Diagnostic {
        let mut finding = Diagnostic::problem(problem, Level::Warning, message, help);
        finding.why = Some(why.to_owned());
        finding
    }

    fn scan_problems(&mut self) {
        for problem in &self.scan.problems {
            let finding = match (problem.kind, problem.at) {
                (ProblemKind::Unparseable, Some((file, at))) => {
                    let mut finding = Self::warning(
                        Problem::UnparseableSource,
                        format!(
                            "`{}` is not valid Rust, so its structs are not drafted: {}",
                            problem.path, problem.detail
                        ),
                        "init reads events from source; a struct in this file that sends telemetry would be missing from the manifest",
                        "fix the syntax error, or leave the file out of the paths given to init"
                            .to_owned(),
                    );
                    finding.source = Some(self.place(file, at, at, "the parser stopped here"));
                    finding
                }
                (ProblemKind::NotUtf8, _) => Self::warning(
                    Problem::NonUtf8Source,
                    format!("`{}` is not UTF-8, so it is not read", problem.path),
                    "init reads events from source; a struct in this file that sends telemetry would be missing from the manifest",
                    "save the file as UTF-8".to_owned(),
                ),
                _ => Self::warning(
                    Problem::UnreadablePath,
                    format!(
                        "`{}` could not be read: {}",
                        problem.path,
                        lowercase_first(&problem.detail)
                    ),
                    "init reads events from source; structs under this path would be missing from the manifest",
                    "check the path and its permissions".to_owned(),
                ),
            };
            self.push(finding);
        }
    }

    /// The structs and enums the selector picks, in file then source order. With
    /// `--all-structs`, an enum is picked when it reads as a set of events: a
    /// variant with named fields, or one wrapping a struct of the scanned sources.
    fn select(&mut self, selector: &Selector) -> Vec<Selected<'a>> {
        let scan = self.scan;
        let mut picked: Vec<Selected<'a>> = match selector {
            Selector::AllStructs => scan
                .structs
                .iter()
                .map(Selected::Struct)
                .chain(
                    scan.enums
                        .iter()
                        .filter(|e| self.is_event_enum(e))
                        .map(Selected::Enum),
                )
                .collect(),
            Selector::Derive(name) => scan
                .structs
                .iter()
                .filter(|s| s.derives.iter().any(|d| d == name))
                .map(Selected::Struct)
                .chain(
                    scan.enums
                        .iter()
                        .filter(|e| e.derives.iter().any(|d| d == name))
                        .map(Selected::Enum),
                )
                .collect(),
            Selector::Trait(name) => {
                let mut wanted = BTreeSet::new();
                for imp in scan.impls.iter().filter(|i| i.trait_name == *name) {
                    match imp.self_name.as_deref() {
                        Some(ty)
                            if scan.find_struct(ty).is_some() || scan.find_enum(ty).is_some() =>
                        {
                            wanted.insert(ty.to_owned());
                        }
                        _ => self.not_drafted(imp, name),
                    }
                }
                scan.structs
                    .iter()
                    .filter(|s| wanted.contains(&s.ident))
                    .map(Selected::Struct)
                    .chain(
                        scan.enums
                            .iter()
                            .filter(|e| wanted.contains(&e.ident))
                            .map(Selected::Enum),
                    )
                    .collect()
            }
        };
        let files = &scan.files;
        picked.sort_by_key(|item| {
            let (file, offset) = item.place();
            (files[file].path.as_str(), offset)
        });
        picked
    }

    /// Whether an enum reads as a set of events rather than a set of values.
    fn is_event_enum(&self, item: &EnumItem) -> bool {
        item.variants.iter().any(|v| match &v.body {
            Body::Named(_) => true,
            Body::Tuple(types, _) => self.wrapped_struct(types).is_some(),
            Body::Unit => false,
        })
    }

    /// The struct of the scanned sources a tuple variant wraps, if it wraps one.
    fn wrapped_struct(&self, types: &[syn::Type]) -> Option<&'a StructItem> {
        match types {
            [ty] => match classify_type(ty) {
                TypeClass::Opaque {
                    name,
                    optional: false,
                } => self.scan.find_struct(&name),
                _ => None,
            },
            _ => None,
        }
    }

    /// The events a selected item sends: a struct is one; an enum sends one per
    /// variant, named by `#[telemetry(name = "...")]`, else by serde's name for the
    /// variant, in snake_case. A variant serde skips is never sent.
    fn units(&self, item: &Selected<'a>) -> Vec<EventUnit<'a>> {
        match *item {
            Selected::Struct(s) => vec![struct_unit(s)],
            Selected::Enum(e) => e
                .variants
                .iter()
                .filter(|v| !v.serde.skip)
                .map(|v| {
                    let sent = v
                        .serde
                        .rename
                        .clone()
                        .unwrap_or_else(|| e.serde.apply(&v.ident));
                    let name = v
                        .event_name
                        .as_ref()
                        .map_or_else(|| default_event_name(&sent), |(n, _)| n.clone());
                    // A variant wrapping a struct delegates to it: the struct is
                    // the event, drafted once however many variants wrap it.
                    if let Body::Tuple(types, _) = &v.body
                        && let Some(wrapped) = self.wrapped_struct(types)
                    {
                        return struct_unit(wrapped);
                    }
                    EventUnit {
                        ident: format!("{}::{}", e.ident, v.ident),
                        kind: "variant",
                        name,
                        file: e.file,
                        span: v.span,
                        doc: v.doc.clone().or_else(|| e.doc.clone()),
                        body: &v.body,
                        serde: &NO_SERDE,
                        params: &e.type_params,
                    }
                })
                .collect(),
        }
    }

    fn not_drafted(&mut self, imp: &TraitImpl, trait_name: &str) {
        let message = format!(
            "type `{}` implements `{trait_name}` but is neither a struct nor an enum of the scanned sources, so it is not drafted",
            imp.self_ty
        );
        let help = "add the source of the crate that defines it to the paths given to init, or declare its fields by hand".to_owned();
        let mut finding = Self::warning(
            Problem::EventNotDrafted,
            message,
            "what it sends is not in the draft, so the data dictionary would not list it",
            help,
        );
        finding.source =
            Some(self.place(imp.file, imp.impl_span, imp.self_span, "defined elsewhere"));
        self.push(finding);
    }

    fn duplicate_event(&mut self, unit: &EventUnit<'_>) {
        let mut finding = Self::warning(
            Problem::DuplicateEvent,
            format!(
                "{} `{}` would send event `{}`, which an earlier struct already drafts",
                unit.kind, unit.ident, unit.name
            ),
            "one event name must describe one set of fields, or the data dictionary is ambiguous",
            "rename one of the events in the draft, and declare the second one by hand".to_owned(),
        );
        finding.source = Some(self.place(unit.file, unit.span, unit.span, "left out of the draft"));
        finding.event = Some(unit.name.clone());
        self.push(finding);
    }

    fn event(&mut self, unit: &EventUnit<'a>) -> DraftEvent {
        let name = unit.name.clone();
        let mut fields = Vec::new();
        match unit.body {
            Body::Named(_) => {
                let mut stack = vec![unit.ident.clone()];
                self.fields(
                    &name,
                    unit.file,
                    unit.body,
                    unit.serde,
                    unit.params,
                    ("", ""),
                    &mut stack,
                    &mut fields,
                );
            }
            Body::Unit => {}
            Body::Tuple(..) => {
                let rule = rules::UNSUPPORTED_EVENT_SHAPE;
                let mut finding = Diagnostic::for_rule(
                    rule,
                    format!(
                        "{kind} `{}` (event `{name}`) is a tuple {kind}, so its fields have no names to declare",
                        unit.ident,
                        kind = unit.kind
                    ),
                    format!("give the {} named fields", unit.kind),
                );
                finding.event = Some(name.clone());
                let label = format!("tuple {}", unit.kind);
                finding.source = Some(self.place(unit.file, unit.span, unit.span, &label));
                self.push(finding);
            }
        }
        DraftEvent {
            struct_name: unit.ident.clone(),
            source: self.location(unit.file, unit.span, unit.span, ""),
            doc: unit.doc.clone(),
            fields,
            name,
        }
    }

    /// Drafts the fields of `body` (in file `file`, under serde container
    /// attributes `serde`) into `out`, each named `prefix_name`. A field serde
    /// skips, or a `PhantomData` marker, is never sent and is left out silently; a
    /// field serde flattens sends its own fields at this level; a field of a
    /// struct type of the scanned sources is followed into.
    #[allow(clippy::too_many_arguments)]
    fn fields(
        &mut self,
        event: &str,
        file: usize,
        body: &'a Body,
        serde: &SerdeContainer,
        params: &[String],
        prefix: (&str, &str),
        stack: &mut Vec<String>,
        out: &mut Vec<DraftField>,
    ) {
        let (prefix, rust_prefix) = prefix;
        let Body::Named(defs) = body else {
            return;
        };
        for def in defs {
            if def.serde.skip || is_marker(&def.ty) {
                continue;
            }
            // The name serde sends, in snake_case as the manifest wants it when a
            // rename changed it; the Rust name as written otherwise.
            let sent = match def.serde.rename.clone() {
                Some(renamed) => renamed,
                None => serde.apply(&def.name),
            };
            let sent = if sent == def.name {
                sent
            } else {
                sent.to_snake_case()
            };
            // A flattened struct's fields come in with the prefix of the level
            // they are sent at.
            let join = |prefix: &str, name: String| {
                if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}_{name}")
                }
            };
            let name = join(prefix, sent);
            let rust_name = join(rust_prefix, def.name.clone());
            let source = self.location(file, def.start, def.ty_span, "");
            let rust_type = type_to_string(&def.ty);
            let mut field = DraftField {
                name: name.clone(),
                rust_name: rust_name.clone(),
                rust_type,
                doc: def.doc.clone(),
                source: source.clone(),
                outcome: FieldOutcome::Rejected {
                    finding: usize::MAX,
                },
            };
            let site = Site {
                event,
                field: &name,
                written: &field.rust_type,
                index: out.len(),
                file,
                at: def.start,
                range: def.ty_span,
            };
            if out.iter().any(|f| f.name == name) {
                let message = format!(
                    "field `{name}` of event `{event}` has the same name as an earlier field of the flattened event"
                );
                let finding = self.unvetted(
                    &site,
                    message,
                    "rename the field, or declare the nested fields by hand".to_owned(),
                );
                field.outcome = FieldOutcome::Rejected { finding };
                out.push(field);
                continue;
            }
            if let Some(param) = type_param(&def.ty, params) {
                // The event does not say what the field holds: any type fits.
                let forbidden = rules::UNTYPED_VALUE_FIELD;
                let message = format!(
                    "field `{name}` of event `{event}` has type `{param}`, a type parameter, which can carry any value at all"
                );
                let help = "give the field a concrete type from the manifest's vocabulary, or declare each payload the parameter stands for as an event of its own".to_owned();
                let index = self.rule_finding(&site, forbidden, message, help);
                field.outcome = FieldOutcome::Rejected { finding: index };
                out.push(field);
                continue;
            }
            match self.classify(&def.ty, &site, 0) {
                Resolved::Field(outcome) => {
                    field.outcome = match outcome {
                        // A kept field is judged by its name too, as the compiler
                        // will judge it: `started_at: u64` is a point in time.
                        FieldOutcome::Kept { ty, .. }
                            if let Some(finding) = check_name(Owner::Event(event), &name, ty) =>
                        {
                            let index = self.rule_finding(
                                &site,
                                finding.rule,
                                finding.message,
                                finding.help,
                            );
                            FieldOutcome::Rejected { finding: index }
                        }
                        outcome => outcome,
                    };
                    out.push(field);
                }
                Resolved::Struct(nested) => {
                    let refused = if stack.contains(&nested.ident) {
                        Some(
                            "which contains itself, so it cannot be flattened into fields"
                                .to_owned(),
                        )
                    } else if stack.len() > MAX_FLATTEN_DEPTH {
                        Some(format!(
                            "nested more than {MAX_FLATTEN_DEPTH} structs deep, so init does not flatten it"
                        ))
                    } else {
                        None
                    };
                    if let Some(reason) = refused {
                        let message = format!(
                            "field `{name}` of event `{event}` has type `{}`, {reason}",
                            field.rust_type
                        );
                        let finding = self.unvetted(
                            &site,
                            message,
                            "give the event the facts it needs as fields of its own, each with a type from the manifest's vocabulary".to_owned(),
                        );
                        field.outcome = FieldOutcome::Rejected { finding };
                        out.push(field);
                    } else {
                        // A flattened struct's fields stand at this level.
                        let inner = if def.serde.flatten {
                            (prefix, rust_prefix)
                        } else {
                            (name.as_str(), rust_name.as_str())
                        };
                        stack.push(nested.ident.clone());
                        self.fields(
                            event,
                            nested.file,
                            &nested.body,
                            &nested.serde,
                            &nested.type_params,
                            inner,
                            stack,
                            out,
                        );
                        stack.pop();
                    }
                }
            }
        }
    }

    /// Classifies one field type; `aliases` counts the type aliases followed so far.
    ///
    /// The type is judged by what it names: its paths are resolved through the
    /// file's `use` items first, so `Value` imported from `serde_json` is an
    /// untyped value, not an unknown name.
    fn classify(&mut self, ty: &syn::Type, site: &Site<'_>, aliases: usize) -> Resolved<'a> {
        let scan = self.scan;
        // A name the syntax cannot judge is judged by what the file imports it as;
        // a type judged already keeps the name it is written with.
        let mut class = classify_type(ty);
        let qualified;
        let ty = if matches!(class, TypeClass::Opaque { .. } | TypeClass::Unvetted { .. }) {
            qualified = scan.files[site.file].imports.qualify(ty);
            let judged = classify_type(&qualified);
            if matches!(judged, TypeClass::Forbidden(_) | TypeClass::Carries { .. }) {
                class = judged;
                &qualified
            } else {
                ty
            }
        } else {
            ty
        };
        match class {
            TypeClass::Carries { ty, optional } => Resolved::Field(FieldOutcome::Kept {
                ty,
                optional,
                values: Vec::new(),
                category: "technical",
            }),
            TypeClass::Forbidden(_) if is_static_str(ty) => {
                let message = format!(
                    "field `{}` of event `{}` has type `{}`, which holds one of the fixed strings written in the program, a set the manifest cannot list",
                    site.field,
                    site.event,
                    type_to_string(ty)
                );
                let help = "list the strings the program sends as the variants of a fieldless enum that derives `TelemetryValue`, and declare it as an `enum` field".to_owned();
                Resolved::Field(FieldOutcome::Rejected {
                    finding: self.unvetted(site, message, help),
                })
            }
            TypeClass::Unvetted { .. } if is_number(ty) => {
                // A float or a signed integer whose name says what it holds is
                // judged as a number.
                if let Some(finding) =
                    check_name(Owner::Event(site.event), site.field, FieldType::Count)
                {
                    let index =
                        self.rule_finding(site, finding.rule, finding.message, finding.help);
                    return Resolved::Field(FieldOutcome::Rejected { finding: index });
                }
                let message = format!(
                    "field `{}` of event `{}` has type `{}`, a number the manifest's vocabulary does not carry (a `count` is unsigned and bounded)",
                    site.field,
                    site.event,
                    type_to_string(ty)
                );
                let help = if is_float(ty) {
                    "send the value bucketed: a fieldless enum of ranges (such as `low`, `medium`, `high` for a ratio), a `duration_bucket` or a `size_bucket`"
                } else {
                    "send an unsigned integer declared `count` with a `max` or `buckets`, or a fieldless enum of the values that matter (such as `success` and `failure` for an exit code)"
                }
                .to_owned();
                Resolved::Field(FieldOutcome::Rejected {
                    finding: self.unvetted(site, message, help),
                })
            }
            TypeClass::Forbidden(_) | TypeClass::Unvetted { .. } => {
                let field = StructField {
                    name: site.field.to_owned(),
                    ty,
                };
                match check_field_type(site.event, site.index, &field) {
                    Some(finding) => {
                        let message = if aliases > 0 {
                            let alias = format!("has type `{}`, an alias of `", site.written);
                            finding.message.replacen("has type `", &alias, 1)
                        } else {
                            finding.message
                        };
                        let index = if finding.rule == rules::UNVETTED_VALUE_TYPE {
                            self.unvetted(site, message, finding.help)
                        } else {
                            self.rule_finding(site, finding.rule, message, finding.help)
                        };
                        Resolved::Field(FieldOutcome::Rejected { finding: index })
                    }
                    None => self.classify_unknown(ty, site),
                }
            }
            TypeClass::Opaque { name, optional } => {
                if let Some(nested) = scan.find_struct(&name) {
                    return Resolved::Struct(nested);
                }
                if let Some(found) = scan.find_enum(&name) {
                    return Resolved::Field(self.enum_field(found, &name, optional, ty, site));
                }
                if let Some(alias) = scan.find_alias(&name)
                    && aliases < MAX_ALIASES
                {
                    return self.classify(&alias.ty, site, aliases + 1);
                }
                let message = format!(
                    "field `{}` of event `{}` has type `{}`, which is defined outside the scanned sources, so init did not inspect what it carries",
                    site.field,
                    site.event,
                    type_to_string(ty)
                );
                let help = "declare its values by hand (a fieldless enum that derives `TelemetryValue`), or wrap what the event needs in a type from the manifest's vocabulary; give init the path of the source that defines it to have it inspected".to_owned();
                let finding = self.unvetted(site, message, help);
                Resolved::Field(FieldOutcome::Rejected { finding })
            }
        }
    }

    fn classify_unknown(&mut self, ty: &syn::Type, site: &Site<'_>) -> Resolved<'a> {
        let message = format!(
            "field `{}` of event `{}` has type `{}`, which init cannot classify",
            site.field,
            site.event,
            type_to_string(ty)
        );
        let finding = self.unvetted(
            site,
            message,
            "use a type from the manifest's vocabulary".to_owned(),
        );
        Resolved::Field(FieldOutcome::Rejected { finding })
    }

    fn enum_field(
        &mut self,
        found: &EnumItem,
        name: &str,
        optional: bool,
        ty: &syn::Type,
        site: &Site<'_>,
    ) -> FieldOutcome {
        if found.is_fieldless() {
            return FieldOutcome::Kept {
                ty: FieldType::Enum,
                optional,
                values: found
                    .variants
                    .iter()
                    .map(|v| v.ident.to_snake_case())
                    .collect(),
                category: "interaction",
            };
        }
        // An enum whose variants hold data: report the first forbidden type inside.
        for variant in &found.variants {
            for inner in variant_types(&variant.body) {
                if let TypeClass::Forbidden(forbidden) = classify_type(inner) {
                    let message = format!(
                        "field `{}` of event `{}` has type `{}`, whose variant `{}` holds `{}`, which can carry {}",
                        site.field,
                        site.event,
                        type_to_string(ty),
                        variant.ident,
                        forbidden.culprit,
                        forbidden.carries
                    );
                    let help = lowercase_first(forbidden.rule.fix.trim_end_matches('.'));
                    let index = self.rule_finding(site, forbidden.rule, message, help);
                    return FieldOutcome::Rejected { finding: index };
                }
            }
        }
        let message = if found.variants.is_empty() {
            format!(
                "field `{}` of event `{}` has type `{name}`, an enum without variants",
                site.field, site.event
            )
        } else {
            format!(
                "field `{}` of event `{}` has type `{name}`, an enum whose variants hold data, so its values cannot be listed",
                site.field, site.event
            )
        };
        let finding = self.unvetted(
            site,
            message,
            "use a fieldless enum, one value per variant".to_owned(),
        );
        FieldOutcome::Rejected { finding }
    }

    /// A field init leaves out because the manifest's vocabulary has no type for it
    /// or init cannot see what it carries (TL013). In a draft this is a decision
    /// for the maintainer, not a privacy breach, so it is reported as a warning;
    /// the compiler and `check` still refuse such a field.
    fn unvetted(&mut self, site: &Site<'_>, message: String, help: String) -> usize {
        let index = self.rule_finding(site, rules::UNVETTED_VALUE_TYPE, message, help);
        self.findings[index].level = Level::Warning;
        index
    }

    fn rule_finding(
        &mut self,
        site: &Site<'_>,
        rule: &'static Rule,
        message: String,
        help: String,
    ) -> usize {
        let mut finding = Diagnostic::for_rule(rule, message, help);
        finding.event = Some(site.event.to_owned());
        finding.field = Some(site.field.to_owned());
        let label = format!("left out of the draft ({})", rule.id);
        finding.source = Some(self.place(site.file, site.at, site.range, &label));
        self.push(finding)
    }
}

/// A struct or an enum the selector picked.
enum Selected<'a> {
    Struct(&'a StructItem),
    Enum(&'a EnumItem),
}

impl Selected<'_> {
    /// Its file and the offset of its name, for ordering.
    fn place(&self) -> (usize, usize) {
        match self {
            Selected::Struct(s) => (s.file, s.span.offset),
            Selected::Enum(e) => (e.file, e.span.offset),
        }
    }
}

/// One event to draft: a struct, or a variant of an enum of events.
struct EventUnit<'a> {
    /// `Struct`, or `Enum::Variant`.
    ident: String,
    /// `struct` or `variant`, for messages.
    kind: &'static str,
    /// The event name.
    name: String,
    file: usize,
    span: SourceSpan,
    doc: Option<String>,
    /// The fields: the struct's, the variant's, or those of the struct a tuple
    /// variant wraps.
    body: &'a Body,
    /// The serde container attributes that name those fields.
    serde: &'a SerdeContainer,
    /// The type parameters of the struct or enum the fields belong to.
    params: &'a [String],
}

/// The event a struct sends.
fn struct_unit(s: &StructItem) -> EventUnit<'_> {
    EventUnit {
        ident: s.ident.clone(),
        kind: "struct",
        name: default_event_name(&s.ident),
        file: s.file,
        span: s.span,
        doc: s.doc.clone(),
        body: &s.body,
        serde: &s.serde,
        params: &s.type_params,
    }
}

/// serde container attributes that change nothing.
static NO_SERDE: SerdeContainer = SerdeContainer { rename_all: None };

/// Whether a type is `&'static str`, or an `Option` of it: a string the program
/// writes itself, from a set fixed at compile time.
fn is_static_str(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(reference) => {
            reference
                .lifetime
                .as_ref()
                .is_some_and(|l| l.ident == "static")
                && matches!(&*reference.elem, syn::Type::Path(p) if p.path.is_ident("str"))
        }
        syn::Type::Path(path) => option_inner(path).is_some_and(is_static_str),
        syn::Type::Paren(inner) => is_static_str(&inner.elem),
        _ => false,
    }
}

/// Whether a type is `f32` or `f64`, or an `Option` of one.
fn is_float(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(path) => {
            path.path.is_ident("f32")
                || path.path.is_ident("f64")
                || option_inner(path).is_some_and(is_float)
        }
        _ => false,
    }
}

/// Whether a type is a number the vocabulary does not carry (a float, a signed
/// or 128-bit integer), or an `Option` of one.
fn is_number(ty: &syn::Type) -> bool {
    const NUMBERS: [&str; 9] = [
        "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "u128",
    ];
    match ty {
        syn::Type::Path(path) => {
            NUMBERS.iter().any(|n| path.path.is_ident(n))
                || option_inner(path).is_some_and(is_number)
        }
        _ => false,
    }
}

/// The `T` of `Option<T>`.
fn option_inner(path: &syn::TypePath) -> Option<&syn::Type> {
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a type is a zero-sized marker that sends nothing (`PhantomData`).
fn is_marker(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path)
        if path.path.segments.last().is_some_and(|s| s.ident == "PhantomData" || s.ident == "PhantomPinned"))
}

/// Where a field stands, for its findings.
struct Site<'s> {
    event: &'s str,
    field: &'s str,
    /// The field's type as written.
    written: &'s str,
    index: usize,
    file: usize,
    at: SourceSpan,
    range: SourceSpan,
}

/// The type parameter of the item a field's type is, seen through `Option`.
fn type_param<'p>(ty: &syn::Type, params: &'p [String]) -> Option<&'p str> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if let Some(inner) = option_inner(path) {
        return type_param(inner, params);
    }
    let ident = path.path.get_ident()?.to_string();
    params.iter().find(|p| **p == ident).map(String::as_str)
}

/// The types a variant holds.
fn variant_types(body: &Body) -> Vec<&syn::Type> {
    match body {
        Body::Named(fields) => fields.iter().map(|f| &f.ty).collect(),
        Body::Tuple(types, _) => types.iter().collect(),
        Body::Unit => Vec::new(),
    }
}

enum Resolved<'a> {
    Field(FieldOutcome),
    Struct(&'a StructItem),
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

impl InitReport {
    /// The report for people: one miette diagnostic per finding, with a snippet on
    /// the Rust line, then a summary of the events, then (on a dry run) the draft.
    /// `color` turns ANSI colours on; links are never emitted.
    pub fn render_human(&self, color: bool) -> String {
        let mut out = report::render_diagnostics(&self.findings, &self.files, color);
        let errors = self.count(Level::Error);
        let warnings = self.count(Level::Warning);
        let _ = writeln!(
            out,
            "init {}: {} drafted from {}; {} kept, {} left out; {}, {}",
            self.selector.flag(),
            plural(self.events.len(), "event"),
            plural(self.files_read, "file"),
            plural(
                self.events.iter().map(DraftEvent::kept).sum::<usize>(),
                "field"
            ),
            self.events
                .iter()
                .map(|e| e.fields.len() - e.kept())
                .sum::<usize>(),
            plural(errors, "error"),
            plural(warnings, "warning"),
        );
        for event in &self.events {
            let _ = writeln!(
                out,
                "  {} (struct {}, {}:{}): {} of {} fields kept",
                event.name,
                event.struct_name,
                event.source.path,
                event.source.line,
                event.kept(),
                event.fields.len()
            );
        }
        match &self.written {
            Some(path) => {
                let _ = writeln!(out, "wrote the draft manifest to {path}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "dry run: nothing written; the draft manifest would be:\n"
                );
                out.push_str(&self.draft);
            }
        }
        out
    }

    /// The report for tools, as one JSON document (see `docs/json-output.md`):
    /// `version`, `findings` and `summary` as for `check`, plus `events` (each with
    /// `name`, `struct`, `source`, `description` and `fields`, each field with `name`,
    /// `rust_type`, `source`, and either its inferred `type`, `optional`, `values`
    /// and `category`, or the `rule` that rejects it), `draft` (the YAML text) and
    /// `written` (the path, or `null` on a dry run).
    pub fn render_json(&self) -> String {
        let events = self
            .events
            .iter()
            .map(|event| JsonEvent {
                name: &event.name,
                r#struct: &event.struct_name,
                description: event.doc.as_deref(),
                source: JsonLocation::from(&event.source),
                fields: event
                    .fields
                    .iter()
                    .map(|field| self.json_field(field))
                    .collect(),
            })
            .collect();
        let document = JsonReport {
            version: 1,
            findings: self.findings.iter().map(JsonFinding::from).collect(),
            summary: JsonSummary {
                errors: self.count(Level::Error),
                warnings: self.count(Level::Warning),
            },
            events,
            draft: &self.draft,
            written: self.written.as_deref(),
        };
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_else(|e| {
            format!("{{\"version\":1,\"error\":\"cannot serialise the report: {e}\"}}")
        });
        text.push('\n');
        text
    }

    fn json_field<'r>(&'r self, field: &'r DraftField) -> JsonField<'r> {
        let (ty, optional, values, category, rule) = match &field.outcome {
            FieldOutcome::Kept {
                ty,
                optional,
                values,
                category,
            } => (
                Some(ty.as_str()),
                Some(*optional),
                Some(values.as_slice()),
                Some(*category),
                None,
            ),
            FieldOutcome::Rejected { finding } => (
                None,
                None,
                None,
                None,
                self.findings
                    .get(*finding)
                    .and_then(Diagnostic::rule)
                    .map(|r| r.id),
            ),
        };
        JsonField {
            name: &field.name,
            rust_name: &field.rust_name,
            rust_type: &field.rust_type,
            r#type: ty,
            optional,
            values,
            category,
            description: field.doc.as_deref(),
            rule,
            source: JsonLocation::from(&field.source),
        }
    }

    /// Whether any field or event would be rejected (exit code 1).
    pub fn has_errors(&self) -> bool {
        self.count(Level::Error) > 0
    }

    fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
    events: Vec<JsonEvent<'a>>,
    draft: &'a str,
    written: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonEvent<'a> {
    name: &'a str,
    r#struct: &'a str,
    description: Option<&'a str>,
    source: JsonLocation<'a>,
    fields: Vec<JsonField<'a>>,
}

#[derive(Serialize)]
struct JsonField<'a> {
    name: &'a str,
    rust_name: &'a str,
    rust_type: &'a str,
    r#type: Option<&'static str>,
    optional: Option<bool>,
    values: Option<&'a [String]>,
    category: Option<&'static str>,
    description: Option<&'a str>,
    rule: Option<&'static str>,
    source: JsonLocation<'a>,
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
