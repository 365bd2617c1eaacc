//! Finding the workspace and scanning its sources for event structs and the enums
//! they carry.
//!
//! The workspace root and its members come from `cargo metadata --no-deps`, so the
//! linter sees exactly the packages cargo builds. Each member's directory is walked
//! with `ignore` (which honours `.gitignore`, inside a git repository or not; `target/` is skipped whatever the
//! ignore files say, and so is a subdirectory with its own `Cargo.toml`: another
//! member, walked on its own, or another workspace). Only `.rs` files that mention `telemetry_event` or
//! `TelemetryValue` are parsed, with `syn`; nothing is compiled or run.
//!
//! Problems with single files (unreadable, not UTF-8, not Rust) are recorded as
//! [`ScanProblem`]s and the scan goes on.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

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

/// A struct with `#[telemetry_event]`.
#[derive(Clone, Debug)]
pub struct FoundStruct {
    /// Index into [`Scan::files`].
    pub file: usize,
    /// The struct's name.
    pub ident: String,
    /// The event it sends: `name = "..."` or the snake_case struct name.
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
                    if entry.file_type().is_some_and(|t| t.is_file())
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
    for path in paths {
        scan.rust_files += 1;
        scan_file(&mut scan, &workspace.root, &path);
    }
    scan
}

fn walk_error(error: &ignore::Error) -> (Option<PathBuf>, String) {
    match error {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        ignore::Error::Io(io) => (None, io.to_string()),
        other => (None, other.to_string()),
    }
}

fn scan_file(scan: &mut Scan, root: &Path, path: &Path) {
    let rel = relative(root, path);
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            scan.problems.push(ScanProblem {
                kind: ProblemKind::Unreadable,
                path: rel,
                message: format!("cannot read the file: {e}"),
                at: None,
            });
            return;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            scan.problems.push(ScanProblem {
                kind: ProblemKind::NotUtf8,
                path: rel,
                message: format!(
                    "the file is not UTF-8 (invalid byte at offset {}), so its events could not be checked",
                    e.utf8_error().valid_up_to()
                ),
                at: None,
            });
            return;
        }
    };
    if !text.contains("telemetry_event") && !text.contains("TelemetryValue") {
        return;
    }
    let lines = LineIndex::new(&text);
    let file_index = scan.files.len();
    let parsed = syn::parse_file(&text);
    let text: Arc<str> = Arc::from(text);
    match parsed {
        Ok(file) => {
            let before = (scan.structs.len(), scan.enums.len());
            collect_items(scan, file_index, &lines, &file.items);
            if (scan.structs.len(), scan.enums.len()) != before {
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

fn collect_items(scan: &mut Scan, file: usize, lines: &LineIndex, items: &[syn::Item]) {
    for item in items {
        match item {
            syn::Item::Struct(item) => {
                if let Some(attr) = item.attrs.iter().find(|a| is_event_attr(a)) {
                    scan.structs.push(found_struct(file, lines, item, attr));
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
    let mut shape_problem = None;
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        shape_problem = Some((
            "`#[telemetry_event]` cannot be placed on a generic struct".to_owned(),
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
                "`#[telemetry_event]` cannot be placed on a tuple struct".to_owned(),
                "name the fields, as the manifest names them: `struct Event { field: Type }`"
                    .to_owned(),
                lines.span(unnamed.span()),
            ));
            Vec::new()
        }
        syn::Fields::Unit => {
            shape_problem = Some((
                "`#[telemetry_event]` cannot be placed on a unit struct".to_owned(),
                "give the struct named fields, as the manifest declares them".to_owned(),
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
