//! The one source scanner: walks Rust files, parses them with `syn`, and indexes
//! their structs, enums, type aliases and trait impls with the place each was
//! written. `check` and `init` both read the workspace through it.
//!
//! Nothing is built or run: this is syntax only. The walk uses `ignore` (which
//! honours `.gitignore`, inside a git repository or not); `target/` is skipped, and,
//! for `check`, so is a subdirectory with its own `Cargo.toml` (another member,
//! walked on its own, or another workspace). Files are read on every core; with
//! [`Walk::prefilter`] only files that mention `telemetry_event`, `telemetry_group`
//! or `TelemetryValue` are parsed. Items are indexed whatever `cfg` they sit
//! under, so an event behind a feature is checked even when CI builds without it.
//!
//! The attributes are read the way the compiler would expand them: inside
//! `cfg_attr` with any condition, under a full path (`telemetry_core::telemetry_event`)
//! or under the name a `use ... as` gave them. serde's field and container
//! attributes (`skip`, `rename`, `rename_all`, `flatten`) are recorded, since they
//! decide what a serde-serialized event actually sends.
//!
//! A file that cannot be read or parsed becomes a [`ScanProblem`] and the scan
//! goes on; each command words it for what it could not do.

pub(crate) mod attrs;
pub(crate) mod nesting;
mod span;

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use syn::ext::IdentExt;
use syn::spanned::Spanned;
use telemetry_manifest::Owner;

use self::attrs::{Imports, Marks, SerdeContainer, SerdeField};
pub(crate) use self::span::LineIndex;
pub use self::span::SourceSpan;

/// A Rust file that was read and parsed (or failed to parse).
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as reports show it: relative to the walk's base when inside it,
    /// with `/` separators.
    pub path: String,
    /// The file's text.
    pub text: Arc<str>,
    /// What its `use` items import, to judge a type by what it names.
    pub imports: Imports,
}

/// A named field of a struct or of an enum variant.
#[derive(Clone, Debug)]
pub struct Field {
    /// The field's name as written (raw identifiers lose their `r#`).
    pub name: String,
    /// The field's type as written.
    pub ty: syn::Type,
    /// The first paragraph of its doc comment, if any.
    pub doc: Option<String>,
    /// Where the field starts: its visibility, else its name (doc comments and
    /// attributes excluded).
    pub start: SourceSpan,
    /// Where the name stands.
    pub name_span: SourceSpan,
    /// Where the type stands.
    pub ty_span: SourceSpan,
    /// Its serde attributes.
    pub serde: SerdeField,
}

/// The body of a struct or of an enum variant.
#[derive(Clone, Debug)]
pub enum Body {
    /// `{ a: A, .. }` (also `{}`).
    Named(Vec<Field>),
    /// `(A, ..)`: the types, and where the parentheses stand.
    Tuple(Vec<syn::Type>, SourceSpan),
    /// No body.
    Unit,
}

/// A struct of the scanned sources.
#[derive(Clone, Debug)]
pub struct StructItem {
    /// Index into [`Scan::files`].
    pub file: usize,
    /// The struct's name.
    pub ident: String,
    /// The first paragraph of its doc comment, if any.
    pub doc: Option<String>,
    /// The last path segment of every derive, such as `Serialize`.
    pub derives: Vec<String>,
    /// Where its name stands.
    pub span: SourceSpan,
    /// Where its generic parameters stand, when it has any (or a `where` clause).
    pub generics: Option<SourceSpan>,
    /// The names of its type parameters (`P` of `Envelope<P>`).
    pub type_params: Vec<String>,
    /// Its fields.
    pub body: Body,
    /// `#[telemetry_event]` and `#[telemetry_group]` on it.
    pub marks: Marks,
    /// Its serde container attributes.
    pub serde: SerdeContainer,
}

/// A variant of an enum.
#[derive(Clone, Debug)]
pub struct Variant {
    /// The variant's name.
    pub ident: String,
    /// Where its name stands.
    pub span: SourceSpan,
    /// The first paragraph of its doc comment, if any.
    pub doc: Option<String>,
    /// Its fields.
    pub body: Body,
    /// `#[telemetry(name = "...")]` on the variant: the event name and where the
    /// literal stands.
    pub event_name: Option<(String, SourceSpan)>,
    /// Its serde attributes (`skip`, `rename`).
    pub serde: SerdeField,
}

/// An enum of the scanned sources.
#[derive(Clone, Debug)]
pub struct EnumItem {
    /// Index into [`Scan::files`].
    pub file: usize,
    /// The enum's name.
    pub ident: String,
    /// The first paragraph of its doc comment, if any.
    pub doc: Option<String>,
    /// The last path segment of every derive (renamed imports resolved).
    pub derives: Vec<String>,
    /// Where its name stands.
    pub span: SourceSpan,
    /// Where its generic parameters stand, when it has any.
    pub generics: Option<SourceSpan>,
    /// The names of its type parameters.
    pub type_params: Vec<String>,
    /// Its variants, in declaration order.
    pub variants: Vec<Variant>,
    /// `#[telemetry_event]` and `#[telemetry_group]` on it.
    pub marks: Marks,
    /// Its serde container attributes.
    pub serde: SerdeContainer,
}

impl EnumItem {
    /// Whether it derives `TelemetryValue` (under any imported name).
    pub fn derives_telemetry_value(&self) -> bool {
        self.derives.iter().any(|d| d == "TelemetryValue")
    }

    /// Whether every variant is a unit variant (and there is at least one).
    pub fn is_fieldless(&self) -> bool {
        !self.variants.is_empty() && self.variants.iter().all(|v| matches!(v.body, Body::Unit))
    }
}

/// A type alias of the scanned sources: `type Name = Type;`.
#[derive(Clone, Debug)]
pub struct AliasItem {
    /// The alias.
    pub ident: String,
    /// The aliased type.
    pub ty: syn::Type,
}

/// An `impl Trait for Type` block.
#[derive(Clone, Debug)]
pub struct TraitImpl {
    /// Index into [`Scan::files`].
    pub file: usize,
    /// The trait's last path segment, such as `Properties`.
    pub trait_name: String,
    /// The implementing type as written, such as `re_build_info::BuildInfo`.
    pub self_ty: String,
    /// The implementing type's last path segment; `None` when the type is not a
    /// path (a reference, a tuple).
    pub self_name: Option<String>,
    /// Where the `impl` keyword stands (line and column) and the implementing type
    /// (bytes).
    pub impl_span: SourceSpan,
    /// Where the implementing type stands.
    pub self_span: SourceSpan,
}

/// The kind of a file-level problem met while scanning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// A path given to walk, or a directory met on the way, could not be read.
    UnreadableDirectory,
    /// A `.rs` file could not be read.
    UnreadableFile,
    /// A `.rs` file is over [`MAX_SOURCE_BYTES`]; the detail says how large.
    TooLarge,
    /// A `.rs` file is not UTF-8.
    NotUtf8,
    /// A `.rs` file is not valid Rust.
    Unparseable,
}

/// A file or directory the scan could not use; the scan went on without it.
#[derive(Clone, Debug)]
pub struct ScanProblem {
    /// What went wrong.
    pub kind: ProblemKind,
    /// The path as reports show it.
    pub path: String,
    /// What the operating system, the UTF-8 decoder or the parser said, lowercase.
    pub detail: String,
    /// For a parse error: index into [`Scan::files`] and where the parser stopped.
    pub at: Option<(usize, SourceSpan)>,
}

/// Everything the scan found, in file order then source order.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// The files parsed (or that failed to parse), for snippets.
    pub files: Vec<SourceFile>,
    /// Every struct, including those in inline modules.
    pub structs: Vec<StructItem>,
    /// Every enum.
    pub enums: Vec<EnumItem>,
    /// Every type alias.
    pub aliases: Vec<AliasItem>,
    /// Every `impl Trait for Type`.
    pub impls: Vec<TraitImpl>,
    /// Files and paths that could not be used.
    pub problems: Vec<ScanProblem>,
    /// How many `.rs` files were looked at.
    pub rust_files: usize,
}

impl Scan {
    /// The first struct named `name`, in file then source order.
    pub fn find_struct(&self, name: &str) -> Option<&StructItem> {
        self.structs.iter().find(|s| s.ident == name)
    }

    /// The first enum named `name`, in file then source order.
    pub fn find_enum(&self, name: &str) -> Option<&EnumItem> {
        self.enums.iter().find(|e| e.ident == name)
    }

    /// The first type alias named `name`.
    pub fn find_alias(&self, name: &str) -> Option<&AliasItem> {
        self.aliases.iter().find(|a| a.ident == name)
    }
}

/// What to walk and how.
#[derive(Clone, Debug)]
pub struct Walk<'a> {
    /// Files or directories to walk.
    pub roots: &'a [PathBuf],
    /// Paths are shown relative to this directory.
    pub base: &'a Path,
    /// Parse only files that mention the attributes or the derive (`check`);
    /// otherwise every file (`init`).
    pub prefilter: bool,
    /// Skip subdirectories with their own `Cargo.toml` (`check` walks each member
    /// on its own).
    pub skip_nested_packages: bool,
    /// Leave out items in `#[cfg(test)]` modules (`init`: test fixtures are not
    /// events; `check` judges a marked struct wherever it is).
    pub skip_test_modules: bool,
}

/// The words a file must contain for [`Walk::prefilter`] to parse it.
const MARKERS: [&str; 3] = ["telemetry_event", "telemetry_group", "TelemetryValue"];

/// A word every one of [`MARKERS`] contains, looked for first: one pass over a
/// file's text rules out almost every file.
const MARKERS_SHARE: &str = "elemetry";

/// How `path` is shown: relative to `base` when inside it, with `/` separators;
/// `.` for `base` itself.
pub fn shown_path(path: &Path, base: &Path) -> String {
    let shown = path.strip_prefix(base).unwrap_or(path);
    let mut parts = Vec::new();
    for component in shown.components() {
        match component {
            Component::CurDir => {}
            Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}

/// Walks `walk.roots` for `.rs` files and indexes them. Never fails: what cannot
/// be read is a [`ScanProblem`].
pub fn scan(walk: &Walk<'_>) -> Scan {
    let mut scan = Scan::default();
    let mut paths = BTreeSet::new();
    for root in walk.roots {
        if let Err(error) = std::fs::metadata(root) {
            scan.problems.push(ScanProblem {
                kind: ProblemKind::UnreadableDirectory,
                path: shown_path(root, walk.base),
                detail: error.to_string(),
                at: None,
            });
            continue;
        }
        let skip_nested = walk.skip_nested_packages;
        let walker = ignore::WalkBuilder::new(root)
            .follow_links(false)
            .require_git(false)
            .filter_entry(move |entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                // `target/` holds build output; a directory with its own Cargo.toml is
                // another member (walked on its own) or another workspace.
                !(is_dir
                    && entry.depth() > 0
                    && (entry.file_name() == "target"
                        || (skip_nested && entry.path().join("Cargo.toml").exists())))
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
                    let kind = entry.file_type();
                    if kind.is_some_and(|t| t.is_file() || t.is_symlink())
                        && path.extension().is_some_and(|e| e == "rs")
                    {
                        let link = kind.is_some_and(|t| t.is_symlink());
                        paths.insert((shown_path(path, walk.base), path.to_path_buf(), link));
                    }
                }
                Err(error) => {
                    let (path, detail) = walk_error(&error);
                    scan.problems.push(ScanProblem {
                        kind: ProblemKind::UnreadableDirectory,
                        path: path.map_or_else(
                            || shown_path(root, walk.base),
                            |p| shown_path(&p, walk.base),
                        ),
                        detail,
                        at: None,
                    });
                }
            }
        }
    }
    let mut paths: Vec<(String, PathBuf, bool)> = paths.into_iter().collect();
    paths.dedup_by(|a, b| a.0 == b.0);
    if let Some(seed) = std::env::var(WALK_SEED_ENV)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
    {
        shuffle(&mut paths, seed);
    }
    let reads = read_all(&paths, walk.prefilter);
    scan.rust_files += paths.len();
    for read in reads {
        match read {
            Read::Problem(problem) => scan.problems.push(problem),
            Read::Text(shown, text) => scan_text(&mut scan, shown, text, walk.skip_test_modules),
            Read::Nothing => {}
        }
    }
    sort(&mut scan);
    scan
}

/// Reads the files on every core: each thread takes the next path until none is
/// left. The reads come back in the order of `paths`, as if read one after the
/// other.
fn read_all(paths: &[(String, PathBuf, bool)], prefilter: bool) -> Vec<Read> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(paths.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let mut reads: Vec<(usize, Read)> = std::thread::scope(|scope| {
        let work = || {
            let mut reads = Vec::new();
            // One buffer per thread, reused for every file.
            let mut buffer = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some((shown, path, link)) = paths.get(index) else {
                    break reads;
                };
                match read_file(shown, path, *link, prefilter, &mut buffer) {
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
    reads.into_iter().map(|(_, read)| read).collect()
}

/// Whatever order the files were read in, the items come out in one order: by
/// file path, then by place in the file (so, for one, the first of two enums of
/// the same name is always the same one).
fn sort(scan: &mut Scan) {
    let files = &scan.files;
    let place = |file: usize, offset: usize| (files[file].path.as_str(), offset);
    scan.structs
        .sort_by(|a, b| place(a.file, a.span.offset).cmp(&place(b.file, b.span.offset)));
    scan.enums
        .sort_by(|a, b| place(a.file, a.span.offset).cmp(&place(b.file, b.span.offset)));
    scan.impls
        .sort_by(|a, b| place(a.file, a.impl_span.offset).cmp(&place(b.file, b.impl_span.offset)));
    scan.problems
        .sort_by(|a, b| (&a.path, &a.detail).cmp(&(&b.path, &b.detail)));
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

/// Reads the file at `path` into `buffer` and checks it ([`candidate`]). A
/// symbolic link is looked at before it is opened, since it may lead to a pipe
/// or a device that would block a read; a regular file (as the directory listing
/// says) is opened at once, and its size checked on the open file.
fn read_file(shown: &str, path: &Path, link: bool, prefilter: bool, buffer: &mut Vec<u8>) -> Read {
    let unreadable = |kind: ProblemKind, detail: String| {
        Read::Problem(ScanProblem {
            kind,
            path: shown.to_owned(),
            detail,
            at: None,
        })
    };
    let usable = |metadata: std::io::Result<std::fs::Metadata>| match metadata {
        Err(e) => Err(unreadable(ProblemKind::UnreadableFile, e.to_string())),
        Ok(m) if !m.is_file() => Err(unreadable(
            ProblemKind::UnreadableFile,
            "it is a link to something that is not a regular file".to_owned(),
        )),
        Ok(m) if m.len() > MAX_SOURCE_BYTES => Err(unreadable(
            ProblemKind::TooLarge,
            format!(
                "the file is {} bytes, over the {MAX_SOURCE_BYTES}-byte (64 MiB) limit for a Rust file, so it was not read",
                m.len()
            ),
        )),
        Ok(_) => Ok(()),
    };
    if link && let Err(problem) = usable(std::fs::metadata(path)) {
        return problem;
    }
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => return unreadable(ProblemKind::UnreadableFile, e.to_string()),
    };
    if let Err(problem) = usable(file.metadata()) {
        return problem;
    }
    buffer.clear();
    // Bounded even if the file grows after its size was checked.
    match std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut file, MAX_SOURCE_BYTES + 1),
        buffer,
    ) {
        Ok(_) if buffer.len() as u64 > MAX_SOURCE_BYTES => unreadable(
            ProblemKind::TooLarge,
            format!(
                "the file grew over the {MAX_SOURCE_BYTES}-byte (64 MiB) limit for a Rust file while it was read"
            ),
        ),
        Ok(_) => candidate(shown, buffer, prefilter),
        Err(e) => unreadable(ProblemKind::UnreadableFile, e.to_string()),
    }
}

/// Scans the contents of one `.rs` file, shown as `shown`, into `scan`: what
/// [`scan`] does with each file it reads when prefiltering. Hidden; public for the
/// fuzz targets.
#[doc(hidden)]
pub fn scan_bytes(scan: &mut Scan, shown: String, bytes: Vec<u8>) {
    match candidate(&shown, &bytes, true) {
        Read::Problem(problem) => scan.problems.push(problem),
        Read::Text(shown, text) => scan_text(scan, shown, text, false),
        Read::Nothing => {}
    }
}

/// What reading one `.rs` file gave.
enum Read {
    /// The file cannot be read, or is not UTF-8.
    Problem(ScanProblem),
    /// The path shown and the text of a file to parse.
    Text(String, String),
    /// A file that cannot hold anything the scan looks for.
    Nothing,
}

/// Checks the bytes of the file shown as `shown`: UTF-8, and (with `prefilter`)
/// whether they name anything the scan looks for. Only a file to parse is
/// copied out of `bytes`.
fn candidate(shown: &str, bytes: &[u8], prefilter: bool) -> Read {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Read::Problem(ScanProblem {
                kind: ProblemKind::NotUtf8,
                detail: not_utf8_place(bytes, e.valid_up_to()),
                path: shown.to_owned(),
                at: None,
            });
        }
    };
    if prefilter && !(text.contains(MARKERS_SHARE) && MARKERS.iter().any(|m| text.contains(m))) {
        return Read::Nothing;
    }
    Read::Text(shown.to_owned(), text.to_owned())
}

/// Parses the text of a file, shown as `shown`, and indexes what it holds.
fn scan_text(scan: &mut Scan, shown: String, text: String, skip_test_modules: bool) {
    let lines = LineIndex::new(&text);
    let file = scan.files.len();
    let parsed = nesting::parse_file(&text);
    match parsed {
        Ok(parsed) => {
            let imports = Imports::of(&parsed.items);
            let mut indexer = Indexer {
                scan,
                file,
                lines: &lines,
                renames: &imports,
                skip_test_modules,
            };
            indexer.items(&parsed.items);
            scan.files.push(SourceFile {
                path: shown,
                text: Arc::from(text),
                imports,
            });
        }
        Err(error) => {
            let span = lines.span(error.span());
            let span = SourceSpan {
                len: span.len.max(lines.char_len(span.offset)),
                ..span
            };
            scan.problems.push(ScanProblem {
                kind: ProblemKind::Unparseable,
                path: shown.clone(),
                detail: error.to_string(),
                at: Some((file, span)),
            });
            scan.files.push(SourceFile {
                path: shown,
                text: Arc::from(text),
                imports: Imports::default(),
            });
        }
    }
}

/// Where the first byte that is not UTF-8 stands: `byte 0xe9 at line 3, column 6`.
fn not_utf8_place(bytes: &[u8], offset: usize) -> String {
    let (line, column) = telemetry_manifest::text::line_column_of_byte(bytes, offset);
    match bytes.get(offset) {
        Some(byte) => format!("byte 0x{byte:02x} at line {line}, column {column}"),
        None => format!("at line {line}, column {column}"),
    }
}

struct Indexer<'a> {
    scan: &'a mut Scan,
    file: usize,
    lines: &'a LineIndex,
    renames: &'a Imports,
    skip_test_modules: bool,
}

impl Indexer<'_> {
    fn items(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Struct(item) => self.item_struct(item),
                syn::Item::Enum(item) => self.item_enum(item),
                syn::Item::Type(item) => self.scan.aliases.push(AliasItem {
                    ident: item.ident.to_string(),
                    ty: (*item.ty).clone(),
                }),
                syn::Item::Impl(item) => self.item_impl(item),
                syn::Item::Mod(module) => {
                    if let Some((_, content)) = &module.content
                        && !(self.skip_test_modules && attrs::is_cfg_test(&module.attrs))
                    {
                        self.items(content);
                    }
                }
                _ => {}
            }
        }
    }

    fn span(&self, span: proc_macro2::Span) -> SourceSpan {
        self.lines.span(span)
    }

    /// Our attributes on an enum, with the shared TL012 check of an enum of
    /// events: generic parameters, a name on the enum, tuple variants that
    /// neither name their fields nor wrap one type.
    fn enum_marks(&self, item: &syn::ItemEnum) -> Marks {
        let mut marks = Marks::of(&item.attrs, self.renames, self.lines);
        let ident = item.ident.unraw().to_string();
        if let Some(mark) = &mut marks.event {
            let name = telemetry_manifest::default_event_name(&ident);
            mark.shape = telemetry_manifest::check_shape(item, Owner::Event(&name))
                .into_iter()
                .map(|p| (p.finding, self.span(p.span)))
                .collect();
            if let Some((_, span)) = &mark.name {
                mark.shape.insert(
                    0,
                    (
                        telemetry_manifest::enum_name_problem(proc_macro2::Span::call_site())
                            .finding
                            .event(&name),
                        *span,
                    ),
                );
            }
        }
        if let Some(mark) = &mut marks.group {
            let name = telemetry_manifest::default_event_name(&ident);
            mark.shape = telemetry_manifest::check_shape(item, Owner::Group(&name))
                .into_iter()
                .map(|p| (p.finding, self.span(p.span)))
                .collect();
        }
        marks
    }

    /// The shared TL012 check of a struct carrying our attribute for `owner`.
    fn shape(
        &self,
        item: &syn::ItemStruct,
        owner: Owner<'_>,
    ) -> Vec<(telemetry_manifest::Finding, SourceSpan)> {
        telemetry_manifest::check_shape(item, owner)
            .into_iter()
            .map(|p| (p.finding, self.span(p.span)))
            .collect()
    }

    fn generics(&self, generics: &syn::Generics) -> Option<SourceSpan> {
        (!generics.params.is_empty() || generics.where_clause.is_some())
            .then(|| self.span(generics.span()))
    }

    fn body(&self, fields: &syn::Fields) -> Body {
        match fields {
            syn::Fields::Named(named) => Body::Named(
                named
                    .named
                    .iter()
                    .filter_map(|field| {
                        let ident = field.ident.as_ref()?;
                        Some(Field {
                            name: ident.unraw().to_string(),
                            ty: field.ty.clone(),
                            doc: attrs::doc_of(&field.attrs),
                            start: self.span(first_token_of_field(field)),
                            name_span: self.span(ident.span()),
                            ty_span: self.span(field.ty.span()),
                            serde: SerdeField::of(&field.attrs),
                        })
                    })
                    .collect(),
            ),
            syn::Fields::Unnamed(unnamed) => Body::Tuple(
                unnamed.unnamed.iter().map(|f| f.ty.clone()).collect(),
                self.span(unnamed.span()),
            ),
            syn::Fields::Unit => Body::Unit,
        }
    }

    fn item_struct(&mut self, item: &syn::ItemStruct) {
        let ident = item.ident.unraw().to_string();
        let mut marks = Marks::of(&item.attrs, self.renames, self.lines);
        // The shape check is the shared one, run on the syntax while it is at hand.
        if let Some(mark) = &mut marks.event {
            let name = mark.name.as_ref().map_or_else(
                || telemetry_manifest::default_event_name(&ident),
                |(n, _)| n.clone(),
            );
            mark.shape = self.shape(item, Owner::Event(&name));
        }
        if let Some(mark) = &mut marks.group {
            let name = mark.name.as_ref().map_or_else(
                || telemetry_manifest::default_event_name(&ident),
                |(n, _)| n.clone(),
            );
            mark.shape = self.shape(item, Owner::Group(&name));
        }
        let found = StructItem {
            file: self.file,
            ident,
            doc: attrs::doc_of(&item.attrs),
            derives: attrs::derives_of(&item.attrs, self.renames),
            span: self.span(item.ident.span()),
            generics: self.generics(&item.generics),
            type_params: item
                .generics
                .type_params()
                .map(|p| p.ident.to_string())
                .collect(),
            body: self.body(&item.fields),
            marks,
            serde: SerdeContainer::of(&item.attrs),
        };
        self.scan.structs.push(found);
    }

    fn item_enum(&mut self, item: &syn::ItemEnum) {
        let variants = item
            .variants
            .iter()
            .map(|v| Variant {
                ident: v.ident.unraw().to_string(),
                span: self.span(v.ident.span()),
                doc: attrs::doc_of(&v.attrs),
                body: self.body(&v.fields),
                event_name: attrs::variant_event_name(&v.attrs, self.lines),
                serde: SerdeField::of(&v.attrs),
            })
            .collect();
        let found = EnumItem {
            file: self.file,
            ident: item.ident.unraw().to_string(),
            doc: attrs::doc_of(&item.attrs),
            derives: attrs::derives_of(&item.attrs, self.renames),
            span: self.span(item.ident.span()),
            generics: self.generics(&item.generics),
            type_params: item
                .generics
                .type_params()
                .map(|p| p.ident.to_string())
                .collect(),
            variants,
            marks: self.enum_marks(item),
            serde: SerdeContainer::of(&item.attrs),
        };
        self.scan.enums.push(found);
    }

    fn item_impl(&mut self, item: &syn::ItemImpl) {
        // A negative impl (`impl !Trait for T`) implements nothing.
        let (Some((trait_path, _)), None) = (&item.trait_, &item.modifiers.polarity) else {
            return;
        };
        let Some(trait_name) = trait_path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        let self_name = match &*item.self_ty {
            syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        self.scan.impls.push(TraitImpl {
            file: self.file,
            trait_name,
            self_ty: telemetry_manifest::type_to_string(&item.self_ty),
            self_name,
            impl_span: self.span(item.impl_token.span),
            self_span: self.span(item.self_ty.span()),
        });
    }
}

/// The span of the field from its visibility or name (doc comments excluded).
fn first_token_of_field(field: &syn::Field) -> proc_macro2::Span {
    match &field.vis {
        syn::Visibility::Inherited => field
            .ident
            .as_ref()
            .map_or_else(|| field.ty.span(), syn::Ident::span),
        vis => vis.span(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marker_holds_the_word_looked_for_first() {
        assert!(MARKERS.iter().all(|m| m.contains(MARKERS_SHARE)));
    }

    #[test]
    fn paths_show_relative_with_slashes() {
        assert_eq!(
            shown_path(Path::new("/a/b/src/x.rs"), Path::new("/a/b")),
            "src/x.rs"
        );
        assert_eq!(
            shown_path(Path::new("./src/x.rs"), Path::new("/a")),
            "src/x.rs"
        );
        assert_eq!(shown_path(Path::new("/a"), Path::new("/a")), ".");
    }
}
