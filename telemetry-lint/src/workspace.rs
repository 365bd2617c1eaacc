//! Finding the workspace and scanning its sources for event structs, field group
//! structs and the enums they carry.
//!
//! The workspace root and its members come from `cargo metadata --no-deps`, so the
//! linter sees exactly the packages cargo builds. Each member's directory is walked
//! with `ignore` (which honours `.gitignore`, inside a git repository or not; `target/` is skipped whatever the
//! ignore files say, and so is a subdirectory with its own `Cargo.toml`: another
//! member, walked on its own, or another workspace). Only `.rs` files that mention `telemetry_event`,
//! `telemetry_group` or `TelemetryValue` are parsed, with `syn`; nothing is compiled or run.
//!
//! Problems with single files (unreadable, not UTF-8, not Rust) are recorded as
//! [`ScanProblem`]s and the scan goes on.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use heck::ToSnakeCase;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

/// A workspace found by `cargo metadata`.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// The workspace root directory (where the root `Cargo.toml` is).
    pub root: PathBuf,
    /// The directories of the member packages, sorted, without duplicates.
    pub members: Vec<PathBuf>,
}

/// Why the workspace could not be found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceError {
    /// What went wrong, lowercase, no trailing period.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Runs `cargo metadata --no-deps --format-version 1` (in the current directory, or
/// on `manifest_path`) and returns the workspace root and member directories.
///
/// # Errors
/// When cargo cannot be run, fails (no `Cargo.toml`, a malformed one), or prints
/// output that is not the expected JSON.
pub fn discover(manifest_path: Option<&Path>) -> Result<Workspace, WorkspaceError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args([
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
        "--offline",
    ]);
    if let Some(path) = manifest_path {
        command.arg("--manifest-path").arg(path);
    }
    let output = command.output().map_err(|e| WorkspaceError {
        message: format!("cannot run `cargo metadata`: {e}"),
        help: "install cargo, or set the CARGO environment variable to its path".to_owned(),
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("no output")
            .trim_start_matches("error: ");
        return Err(WorkspaceError {
            message: format!("cannot find the cargo workspace: {detail}"),
            help: "run from inside a cargo workspace, or pass `--manifest-path <Cargo.toml>`"
                .to_owned(),
        });
    }
    let malformed = |what: &str| WorkspaceError {
        message: format!("`cargo metadata` printed unexpected output: {what}"),
        help: "check that cargo works in this directory (`cargo metadata --no-deps`)".to_owned(),
    };
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| malformed(&e.to_string()))?;
    let root = json
        .get("workspace_root")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| malformed("no `workspace_root`"))?;
    let mut members = BTreeSet::new();
    for package in json
        .get("packages")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(dir) = package
            .get("manifest_path")
            .and_then(serde_json::Value::as_str)
            .and_then(|p| Path::new(p).parent())
        {
            members.insert(dir.to_path_buf());
        }
    }
    let root = PathBuf::from(root);
    if members.is_empty() {
        members.insert(root.clone());
    }
    Ok(Workspace {
        root,
        members: members.into_iter().collect(),
    })
}

/// A place in a scanned file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct SourceSpan {
    /// Byte offset of the first byte.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// A scanned file that holds events or enums, kept for snippets.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path relative to the workspace root, with `/` separators.
    pub path: String,
    /// The file's text.
    pub text: Arc<str>,
}

/// A field of an event struct.
#[derive(Clone, Debug)]
pub struct FoundField {
    /// The field's name.
    pub name: String,
    /// The field's type as written.
    pub ty: syn::Type,
    /// Where the name stands.
    pub name_span: SourceSpan,
    /// Where the type stands.
    pub ty_span: SourceSpan,
}

/// A struct with `#[telemetry_event]` or `#[telemetry_group]`.
#[derive(Clone, Debug)]
pub struct FoundStruct {
    /// Index into [`Scan::files`].
    pub file: usize,
    /// The struct's name.
    pub ident: String,
    /// The event it sends (for a group struct: the group it declares): `name =
    /// "..."` or the snake_case struct name.
    pub event: String,
    /// Where the struct's name stands.
    pub span: SourceSpan,
    /// Where the literal of `name = "..."` stands, when the event is named so.
    pub name_span: Option<SourceSpan>,
    /// Its named fields, in declaration order.
    pub fields: Vec<FoundField>,
    /// Why the struct cannot be checked field by field (not a non-generic struct
    /// with named fields), as `(message, help, where)`.
    pub shape_problem: Option<(String, String, SourceSpan)>,
}

/// An enum that derives `TelemetryValue`.
#[derive(Clone, Debug)]
pub struct FoundEnum {
    /// Index into [`Scan::files`].
    pub file: usize,
    /// The enum's name.
    pub ident: String,
    /// Its variants in snake_case, as they are sent.
    pub variants: Vec<String>,
    /// Where the enum's name stands.
    pub span: SourceSpan,
}

/// The kind of a file-level problem met while scanning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// A file or directory could not be read.
    Unreadable,
    /// A `.rs` file is not UTF-8.
    NotUtf8,
    /// A `.rs` file that mentions events is not valid Rust.
    Unparseable,
}

/// A file that could not be scanned; the scan went on without it.
#[derive(Clone, Debug)]
pub struct ScanProblem {
    /// What went wrong.
    pub kind: ProblemKind,
    /// The path relative to the workspace root, with `/` separators.
    pub path: String,
    /// What is wrong, lowercase, no trailing period.
    pub message: String,
    /// Where, for a parse error: index into [`Scan::files`] and the span.
    pub at: Option<(usize, SourceSpan)>,
}

/// Everything the scan found.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// Files that hold events or enums (or failed to parse), for snippets.
    pub files: Vec<SourceFile>,
    /// Event structs, in file order.
    pub structs: Vec<FoundStruct>,
    /// Field group structs (`#[telemetry_group]`), in file order; their
    /// [`FoundStruct::event`] holds the group's name.
    pub groups: Vec<FoundStruct>,
    /// Enums deriving `TelemetryValue`, in file order.
    pub enums: Vec<FoundEnum>,
    /// Files that could not be scanned.
    pub problems: Vec<ScanProblem>,
    /// How many `.rs` files were looked at.
    pub rust_files: usize,
}

/// The path of `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// How a path is shown in output: relative to the workspace root, with `/`
/// separators, when it lies inside the root (after resolving `..` and symbolic
/// links); as given otherwise.
pub fn shown_path(root: &Path, path: &Path) -> String {
    let resolve = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let root = resolve(root);
    // The file itself may not exist yet (an output path): resolve its directory.
    let full = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !path.exists() => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            resolve(dir).join(name)
        }
        _ => resolve(path),
    };
    if full.starts_with(&root) {
        relative(&root, &full)
    } else {
        path.display().to_string().replace('\\', "/")
    }
}

/// Walks every member directory and scans its `.rs` files.
pub fn scan(workspace: &Workspace) -> Scan {
    let mut scan = Scan::default();
    let mut paths = BTreeSet::new();
    for member in &workspace.members {
        let walker = ignore::WalkBuilder::new(member)
            .follow_links(false)
            .require_git(false)
            .filter_entry(|entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                // `target/` holds build output; a directory with its own Cargo.toml is
                // another member (walked on its own) or another workspace.
                !(is_dir
                    && (entry.file_name() == "target"
                        || (entry.depth() > 0 && entry.path().join("Cargo.toml").exists())))
            })
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let path = entry.path();
                    // A symbolic link to a `.rs` file is read (the compiler reads it
                    // too); one that loops or dangles becomes a problem when read.
                    // Links to directories are not followed, so a link loop or a
                    // link to `/` cannot make the walk endless.
                    if entry
                        .file_type()
                        .is_some_and(|t| t.is_file() || t.is_symlink())
                        && path.extension().is_some_and(|e| e == "rs")
                    {
                        paths.insert(path.to_path_buf());
                    }
                }
                Err(error) => {
                    let (path, message) = walk_error(&error);
                    let path = path.map_or_else(String::new, |p| relative(&workspace.root, &p));
                    scan.problems.push(ScanProblem {
                        kind: ProblemKind::Unreadable,
                        path,
                        message: format!("cannot read a directory of the workspace: {message}"),
                        at: None,
                    });
                }
            }
        }
    }
    let mut paths: Vec<PathBuf> = paths.into_iter().collect();
    if let Some(seed) = std::env::var(WALK_SEED_ENV)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
    {
        shuffle(&mut paths, seed);
    }
    // The files are read (and the few that may hold events kept) on every core:
    // each thread takes the next path until none is left. The texts kept are then
    // parsed here in the order of `paths`, as if read one after the other.
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(paths.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let mut reads: Vec<(usize, Read)> = std::thread::scope(|scope| {
        let work = || {
            let mut reads = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(index) else {
                    break reads;
                };
                match read_file(&workspace.root, path) {
                    Read::Nothing => {}
                    read => reads.push((index, read)),
                }
            }
        };
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut reads = work();
        for handle in handles {
            // Reading does not panic on bad input; were it to, the panic goes on
            // as it would have on one thread.
            match handle.join() {
                Ok(part) => reads.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        reads
    });
    reads.sort_unstable_by_key(|(index, _)| *index);
    scan.rust_files += paths.len();
    for (_, read) in reads {
        match read {
            Read::Problem(problem) => scan.problems.push(problem),
            Read::Text(rel, text) => scan_text(&mut scan, rel, text),
            Read::Nothing => {}
        }
    }
    // Whatever order the files were read in, the findings come out in one order:
    // by file path, then by place in the file (so, for one, the first of two enums
    // of the same name is always the same one).
    let files = &scan.files;
    let place = |file: usize, offset: usize| (files[file].path.as_str(), offset);
    scan.structs
        .sort_by(|a, b| place(a.file, a.span.offset).cmp(&place(b.file, b.span.offset)));
    scan.groups
        .sort_by(|a, b| place(a.file, a.span.offset).cmp(&place(b.file, b.span.offset)));
    scan.enums
        .sort_by(|a, b| place(a.file, a.span.offset).cmp(&place(b.file, b.span.offset)));
    scan.problems
        .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    scan
}

/// A hidden test hook: when set to a number, the files are scanned in an order
/// shuffled with that seed instead of sorted by path, so a test can show that the
/// output does not depend on the order the file system lists files in.
#[doc(hidden)]
pub const WALK_SEED_ENV: &str = "TELEMETRY_LINT_WALK_SEED";

/// Fisher-Yates with a splitmix64 sequence: a fixed, seedable order for the test
/// hook above, not for anything that needs randomness.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..items.len()).rev() {
        let j = usize::try_from(next() % (i as u64 + 1)).unwrap_or(0);
        items.swap(i, j);
    }
}

fn walk_error(error: &ignore::Error) -> (Option<PathBuf>, String) {
    match error {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        // A walk error wraps the I/O error with its path, which is shown apart.
        ignore::Error::Io(io) => (
            None,
            io.get_ref()
                .and_then(std::error::Error::source)
                .map_or_else(|| io.to_string(), ToString::to_string),
        ),
        other => (None, other.to_string()),
    }
}

/// The largest Rust file read, in bytes: 64 MiB. Generated files of tens of
/// megabytes are read; a larger `.rs` file (or a link to a device) is a problem.
pub const MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;

fn read_file(root: &Path, path: &Path) -> Read {
    let rel = relative(root, path);
    let unreadable = |message: String| ScanProblem {
        kind: ProblemKind::Unreadable,
        path: rel.clone(),
        message,
        at: None,
    };
    let problem = match std::fs::metadata(path) {
        Err(e) => Some(format!("cannot read the file: {e}")),
        Ok(m) if !m.is_file() => Some(
            "cannot read the file: it is a link to something that is not a regular file".to_owned(),
        ),
        Ok(m) if m.len() > MAX_SOURCE_BYTES => Some(format!(
            "the file is {} bytes, over the {MAX_SOURCE_BYTES}-byte (64 MiB) limit for a Rust file, so it was not read",
            m.len()
        )),
        Ok(_) => None,
    };
    if let Some(message) = problem {
        return Read::Problem(unreadable(message));
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return Read::Problem(unreadable(format!("cannot read the file: {e}"))),
    };
    candidate(rel, bytes)
}

/// Scans the contents of one `.rs` file, shown as `rel`, into `scan`: what
/// [`scan`] does with each file it reads. Hidden; public for the fuzz targets.
#[doc(hidden)]
pub fn scan_bytes(scan: &mut Scan, rel: String, bytes: Vec<u8>) {
    match candidate(rel, bytes) {
        Read::Problem(problem) => scan.problems.push(problem),
        Read::Text(rel, text) => scan_text(scan, rel, text),
        Read::Nothing => {}
    }
}

/// What reading one `.rs` file gave.
enum Read {
    /// The file cannot be read, or is not UTF-8.
    Problem(ScanProblem),
    /// The path shown and the text of a file that names the attributes or the
    /// derive, so may hold events, groups or enums.
    Text(String, String),
    /// A file that cannot hold any: nothing to scan.
    Nothing,
}

/// Checks the bytes of the file shown as `rel`: UTF-8, and whether they name
/// anything the scan looks for.
fn candidate(rel: String, bytes: Vec<u8>) -> Read {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Read::Problem(ScanProblem {
                kind: ProblemKind::NotUtf8,
                path: rel,
                message: format!(
                    "the file is not UTF-8 ({}), so its events could not be checked",
                    not_utf8_place(e.as_bytes(), e.utf8_error().valid_up_to())
                ),
                at: None,
            });
        }
    };
    if !text.contains("telemetry_event")
        && !text.contains("telemetry_group")
        && !text.contains("TelemetryValue")
    {
        return Read::Nothing;
    }
    Read::Text(rel, text)
}

/// Parses the text of a candidate file, shown as `rel`, and collects what it holds.
fn scan_text(scan: &mut Scan, rel: String, text: String) {
    let lines = LineIndex::new(&text);
    let file_index = scan.files.len();
    let parsed = crate::nesting::parse_file(&text);
    let text: Arc<str> = Arc::from(text);
    match parsed {
        Ok(file) => {
            let before = (scan.structs.len(), scan.enums.len(), scan.groups.len());
            collect_items(scan, file_index, &lines, &file.items);
            if (scan.structs.len(), scan.enums.len(), scan.groups.len()) != before {
                scan.files.push(SourceFile { path: rel, text });
            }
        }
        Err(error) => {
            let span = lines.span(error.span());
            scan.problems.push(ScanProblem {
                kind: ProblemKind::Unparseable,
                path: rel.clone(),
                message: format!(
                    "the file cannot be parsed as Rust ({error}), so its events could not be checked"
                ),
                at: Some((file_index, span)),
            });
            scan.files.push(SourceFile { path: rel, text });
        }
    }
}

/// Where the first byte that is not UTF-8 stands: `byte 0xe9 at line 3, column 6`.
fn not_utf8_place(bytes: &[u8], offset: usize) -> String {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    match bytes.get(offset) {
        Some(byte) => format!("byte 0x{byte:02x} at line {line}, column {column}"),
        None => format!("at line {line}, column {column}"),
    }
}

fn collect_items(scan: &mut Scan, file: usize, lines: &LineIndex, items: &[syn::Item]) {
    for item in items {
        match item {
            syn::Item::Struct(item) => {
                if let Some(attr) = item.attrs.iter().find(|a| is_event_attr(a)) {
                    scan.structs.push(found_struct(file, lines, item, attr));
                }
                if let Some(attr) = item.attrs.iter().find(|a| is_group_attr(a)) {
                    scan.groups.push(found_struct(file, lines, item, attr));
                }
            }
            syn::Item::Enum(item) => {
                if item.attrs.iter().any(derives_telemetry_value) {
                    let variants = item
                        .variants
                        .iter()
                        .map(|v| v.ident.unraw().to_string().to_snake_case())
                        .collect();
                    scan.enums.push(FoundEnum {
                        file,
                        ident: item.ident.to_string(),
                        variants,
                        span: lines.span(item.ident.span()),
                    });
                }
                if let Some(attr) = item.attrs.iter().find(|a| is_event_attr(a)) {
                    let ident = item.ident.to_string();
                    let named = event_name(attr);
                    scan.structs.push(FoundStruct {
                        file,
                        event: named
                            .as_ref()
                            .map_or_else(|| ident.to_snake_case(), |(n, _)| n.clone()),
                        name_span: named.map(|(_, span)| lines.span(span)),
                        ident,
                        span: lines.span(item.ident.span()),
                        fields: Vec::new(),
                        shape_problem: Some((
                            "`#[telemetry_event]` cannot be placed on an enum".to_owned(),
                            "declare the event as a struct with named fields; an enum that a field carries derives `TelemetryValue` instead".to_owned(),
                            lines.span(item.enum_token.span),
                        )),
                    });
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, content)) = &module.content {
                    collect_items(scan, file, lines, content);
                }
            }
            _ => {}
        }
    }
}

fn found_struct(
    file: usize,
    lines: &LineIndex,
    item: &syn::ItemStruct,
    attr: &syn::Attribute,
) -> FoundStruct {
    let ident = item.ident.to_string();
    let (attribute, noun) = if is_group_attr(attr) {
        ("telemetry_group", "group")
    } else {
        ("telemetry_event", "event")
    };
    let mut shape_problem = None;
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        shape_problem = Some((
            format!("`#[{attribute}]` cannot be placed on a generic struct"),
            "remove the generic parameters; each field needs one concrete type that the manifest declares".to_owned(),
            lines.span(item.generics.span()),
        ));
    }
    let fields = match &item.fields {
        syn::Fields::Named(named) => named
            .named
            .iter()
            .filter_map(|field| {
                field.ident.as_ref().map(|name| FoundField {
                    name: name.unraw().to_string(),
                    ty: field.ty.clone(),
                    name_span: lines.span(name.span()),
                    ty_span: lines.span(field.ty.span()),
                })
            })
            .collect(),
        syn::Fields::Unnamed(unnamed) => {
            shape_problem = Some((
                format!("`#[{attribute}]` cannot be placed on a tuple struct"),
                "name the fields, as the manifest names them: `struct Event { field: Type }`"
                    .to_owned(),
                lines.span(unnamed.span()),
            ));
            Vec::new()
        }
        syn::Fields::Unit => {
            shape_problem = Some((
                format!("`#[{attribute}]` cannot be placed on a unit struct"),
                format!(
                    "give the struct named fields, as the manifest declares the {noun}'s fields"
                ),
                lines.span(item.ident.span()),
            ));
            Vec::new()
        }
    };
    let named = event_name(attr);
    FoundStruct {
        file,
        event: named.as_ref().map_or_else(
            || telemetry_manifest::default_event_name(&ident),
            |(n, _)| n.clone(),
        ),
        name_span: named.map(|(_, span)| lines.span(span)),
        ident,
        span: lines.span(item.ident.span()),
        fields,
        shape_problem,
    }
}

fn is_group_attr(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "telemetry_group")
}

fn is_event_attr(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "telemetry_event")
}

/// The `name = "..."` of `#[telemetry_event(name = "...")]` and the literal's
/// span, if given and well formed.
fn event_name(attr: &syn::Attribute) -> Option<(String, proc_macro2::Span)> {
    let syn::Meta::List(_) = &attr.meta else {
        return None;
    };
    let mut name = None;
    let _ = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("name") {
            let literal: syn::LitStr = meta.value()?.parse()?;
            name = Some((literal.value(), literal.span()));
        }
        Ok(())
    });
    name
}

fn derives_telemetry_value(attr: &syn::Attribute) -> bool {
    if !attr.path().is_ident("derive") {
        return false;
    }
    let mut found = false;
    let _ = attr.parse_nested_meta(|meta| {
        if meta
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "TelemetryValue")
        {
            found = true;
        }
        Ok(())
    });
    found
}

/// Line starts of a text, to turn `proc_macro2` line/column pairs into byte offsets.
struct LineIndex {
    starts: Vec<usize>,
    text_len: usize,
    text: String,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text_len: text.len(),
            starts,
            text: text.to_owned(),
        }
    }

    /// The byte offset of a 1-based line and 0-based character column.
    fn offset(&self, line: usize, column: usize) -> usize {
        let Some(start) = line
            .checked_sub(1)
            .and_then(|l| self.starts.get(l))
            .copied()
        else {
            return self.text_len;
        };
        let end = self.starts.get(line).copied().unwrap_or(self.text_len);
        let line_text = self.text.get(start..end).unwrap_or("");
        let within = line_text
            .char_indices()
            .nth(column)
            .map_or(line_text.len(), |(i, _)| i);
        start + within
    }

    fn span(&self, span: proc_macro2::Span) -> SourceSpan {
        let start = span.start();
        let end = span.end();
        let offset = self.offset(start.line, start.column);
        let end = self.offset(end.line, end.column).max(offset);
        SourceSpan {
            offset,
            len: end - offset,
            line: start.line.max(1),
            column: start.column + 1,
        }
    }
}
