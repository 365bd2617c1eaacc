//! Reading Rust source for `init`: walk files, parse them with `syn`, and index their
//! structs, enums, type aliases and trait impls, with the place each was written.
//!
//! Nothing is built or run: this is syntax only. Names are matched on their last path
//! segment (`re_build_info::BuildInfo` is `BuildInfo`), the way a reader matches them.
//! A file that cannot be read or parsed becomes a [`ScanProblem`] and the scan goes on.
//!
//! ```no_run
//! # use std::path::{Path, PathBuf};
//! let scan = telemetry_lint::source::scan(&[PathBuf::from("src")], Path::new("."));
//! for item in &scan.structs {
//!     println!("{} at {}:{}", item.name, scan.files[item.file].display, item.pos.line);
//! }
//! ```

use std::path::{Component, Path, PathBuf};

use proc_macro2::LineColumn;
use syn::spanned::Spanned;

/// A place in a source file: 1-based line and 1-based column (in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, counted in characters.
    pub column: usize,
}

/// A range of a source file, in bytes from the start of the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ByteRange {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// One Rust file that was read.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path to read it from.
    pub path: PathBuf,
    /// The path as reports show it: relative to the current directory when inside it,
    /// with `/` separators.
    pub display: String,
    /// The file's text.
    pub text: String,
}

/// A named field of a struct.
#[derive(Clone, Debug)]
pub struct FieldDef {
    /// The field's name (raw identifiers lose their `r#`).
    pub name: String,
    /// The field's type as written.
    pub ty: syn::Type,
    /// The first paragraph of its doc comment, if any.
    pub doc: Option<String>,
    /// Where the field starts (its first attribute excluded).
    pub pos: Pos,
    /// The bytes of the field's type.
    pub ty_range: ByteRange,
}

/// The shape of a struct's body.
#[derive(Clone, Debug)]
pub enum Shape {
    /// `struct S { a: A, .. }` (also `struct S {}`).
    Named(Vec<FieldDef>),
    /// `struct S(A, ..);`
    Tuple,
    /// `struct S;`
    Unit,
}

/// A struct of the scanned sources.
#[derive(Clone, Debug)]
pub struct StructDef {
    /// Index into [`Scan::files`].
    pub file: usize,
    /// The struct's name.
    pub name: String,
    /// The first paragraph of its doc comment, if any.
    pub doc: Option<String>,
    /// The last path segment of every derive, such as `Serialize`.
    pub derives: Vec<String>,
    /// Its fields.
    pub shape: Shape,
    /// Where its name stands.
    pub pos: Pos,
    /// The bytes of its name.
    pub name_range: ByteRange,
}

/// A variant of an enum.
#[derive(Clone, Debug)]
pub struct VariantDef {
    /// The variant's name.
    pub name: String,
    /// The types it holds; empty for a unit variant.
    pub types: Vec<syn::Type>,
}

/// An enum of the scanned sources.
#[derive(Clone, Debug)]
pub struct EnumDef {
    /// Index into [`Scan::files`].
    pub file: usize,
    /// The enum's name.
    pub name: String,
    /// Its variants, in declaration order.
    pub variants: Vec<VariantDef>,
}

/// A type alias of the scanned sources: `type Name = Type;`.
#[derive(Clone, Debug)]
pub struct AliasDef {
    /// The alias.
    pub name: String,
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
    /// The implementing type's last path segment, such as `BuildInfo`; `None` when the
    /// type is not a path (a reference, a tuple).
    pub self_name: Option<String>,
    /// Where the `impl` keyword stands.
    pub pos: Pos,
    /// The bytes of the implementing type.
    pub self_range: ByteRange,
}

/// A file or directory the scan could not use.
#[derive(Clone, Debug)]
pub enum ScanProblem {
    /// A `.rs` file that is not valid Rust.
    Unparseable {
        /// Index into [`Scan::files`] (the file is kept for its snippet).
        file: usize,
        /// The parser's message.
        message: String,
        /// Where the parser stopped.
        pos: Pos,
        /// The bytes at fault.
        range: ByteRange,
    },
    /// A `.rs` file that is not UTF-8.
    NotUtf8 {
        /// The path, as reports show it.
        path: String,
    },
    /// A path that could not be read or walked.
    Unreadable {
        /// The path, as reports show it.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

/// Everything found in the scanned sources, in file order then source order.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// The `.rs` files read, sorted by their display path.
    pub files: Vec<SourceFile>,
    /// Every struct, including those in inline modules (`#[cfg(test)]` modules excluded).
    pub structs: Vec<StructDef>,
    /// Every enum.
    pub enums: Vec<EnumDef>,
    /// Every type alias.
    pub aliases: Vec<AliasDef>,
    /// Every `impl Trait for Type`.
    pub impls: Vec<TraitImpl>,
    /// Files and paths that could not be used.
    pub problems: Vec<ScanProblem>,
}

impl Scan {
    /// The first struct named `name`, in file then source order.
    pub fn find_struct(&self, name: &str) -> Option<&StructDef> {
        self.structs.iter().find(|s| s.name == name)
    }

    /// The first enum named `name`, in file then source order.
    pub fn find_enum(&self, name: &str) -> Option<&EnumDef> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The first type alias named `name`.
    pub fn find_alias(&self, name: &str) -> Option<&AliasDef> {
        self.aliases.iter().find(|a| a.name == name)
    }
}

/// Shows `path` relative to `cwd` when it is inside it, with `/` separators.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let mut parts = Vec::new();
    for component in shown.components() {
        match component {
            Component::CurDir => {}
            Component::RootDir => parts.push(String::new()),
            Component::Prefix(prefix) => {
                parts.push(prefix.as_os_str().to_string_lossy().into_owned())
            }
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

/// Walks `paths` (files or directories) for `.rs` files, skipping `target/`, hidden
/// and ignored files, and indexes them. Paths are shown relative to `cwd`.
///
/// Never fails: what cannot be read is a [`ScanProblem`].
pub fn scan(paths: &[PathBuf], cwd: &Path) -> Scan {
    let mut scan = Scan::default();
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for root in paths {
        if let Err(error) = std::fs::metadata(root) {
            scan.problems.push(ScanProblem::Unreadable {
                path: display_path(root, cwd),
                message: error.to_string(),
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .sort_by_file_name(std::cmp::Ord::cmp)
            .filter_entry(|entry| entry.file_name() != "target" || entry.depth() == 0)
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    let is_rs = entry.path().extension().is_some_and(|e| e == "rs");
                    if is_file && is_rs {
                        let path = entry.into_path();
                        found.push((display_path(&path, cwd), path));
                    }
                }
                Err(error) => {
                    let path = error_path(&error)
                        .map_or_else(|| display_path(root, cwd), |p| display_path(p, cwd));
                    scan.problems.push(ScanProblem::Unreadable {
                        path,
                        message: error.to_string(),
                    });
                }
            }
        }
    }
    found.sort();
    found.dedup_by(|a, b| a.0 == b.0);

    for (display, path) in found {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) => {
                scan.problems.push(ScanProblem::Unreadable {
                    path: display,
                    message: error.to_string(),
                });
                continue;
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            scan.problems.push(ScanProblem::NotUtf8 { path: display });
            continue;
        };
        let index = scan.files.len();
        let parsed = crate::nesting::parse_file(&text);
        scan.files.push(SourceFile {
            path,
            display,
            text,
        });
        match parsed {
            Ok(file) => {
                let text = scan.files[index].text.clone();
                let mut indexer = Indexer {
                    scan: &mut scan,
                    file: index,
                    text: &text,
                };
                indexer.items(&file.items);
            }
            Err(error) => {
                let text = &scan.files[index].text;
                let start = error.span().start();
                let mut end = error.span().end();
                if end <= start {
                    end = LineColumn {
                        line: start.line,
                        column: start.column + 1,
                    };
                }
                let range = byte_range(text, start, end);
                scan.problems.push(ScanProblem::Unparseable {
                    file: index,
                    message: error.to_string(),
                    pos: pos_of(start),
                    range,
                });
            }
        }
    }
    scan
}

fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

struct Indexer<'a> {
    scan: &'a mut Scan,
    file: usize,
    text: &'a str,
}

impl Indexer<'_> {
    fn items(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Struct(item) => self.item_struct(item),
                syn::Item::Enum(item) => self.scan.enums.push(EnumDef {
                    file: self.file,
                    name: item.ident.to_string(),
                    variants: item
                        .variants
                        .iter()
                        .map(|v| VariantDef {
                            name: v.ident.to_string(),
                            types: v.fields.iter().map(|f| f.ty.clone()).collect(),
                        })
                        .collect(),
                }),
                syn::Item::Type(item) => self.scan.aliases.push(AliasDef {
                    name: item.ident.to_string(),
                    ty: (*item.ty).clone(),
                }),
                syn::Item::Impl(item) => self.item_impl(item),
                syn::Item::Mod(item) if !is_cfg_test(&item.attrs) => {
                    if let Some((_, inner)) = &item.content {
                        self.items(inner);
                    }
                }
                _ => {}
            }
        }
    }

    fn item_struct(&mut self, item: &syn::ItemStruct) {
        let shape = match &item.fields {
            syn::Fields::Named(named) => Shape::Named(
                named
                    .named
                    .iter()
                    .filter_map(|field| {
                        let ident = field.ident.as_ref()?;
                        let ty_span = field.ty.span();
                        Some(FieldDef {
                            name: ident.to_string().trim_start_matches("r#").to_owned(),
                            ty: field.ty.clone(),
                            doc: doc_of(&field.attrs),
                            pos: pos_of(first_token_of_field(field).start()),
                            ty_range: byte_range(self.text, ty_span.start(), ty_span.end()),
                        })
                    })
                    .collect(),
            ),
            syn::Fields::Unnamed(_) => Shape::Tuple,
            syn::Fields::Unit => Shape::Unit,
        };
        let name_span = item.ident.span();
        self.scan.structs.push(StructDef {
            file: self.file,
            name: item.ident.to_string(),
            doc: doc_of(&item.attrs),
            derives: derives_of(&item.attrs),
            shape,
            pos: pos_of(name_span.start()),
            name_range: byte_range(self.text, name_span.start(), name_span.end()),
        });
    }

    fn item_impl(&mut self, item: &syn::ItemImpl) {
        let Some((None, trait_path, _)) = &item.trait_ else {
            return;
        };
        let Some(trait_name) = trait_path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        let self_name = match &*item.self_ty {
            syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let span = item.self_ty.span();
        self.scan.impls.push(TraitImpl {
            file: self.file,
            trait_name,
            self_ty: telemetry_manifest::type_to_string(&item.self_ty),
            self_name,
            pos: pos_of(item.impl_token.span.start()),
            self_range: byte_range(self.text, span.start(), span.end()),
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

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "test")
    })
}

fn derives_of(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut derives = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let parsed = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        );
        if let Ok(paths) = parsed {
            derives.extend(
                paths
                    .iter()
                    .filter_map(|p| p.segments.last().map(|s| s.ident.to_string())),
            );
        }
    }
    derives
}

/// The first paragraph of a doc comment, its lines joined by spaces.
fn doc_of(attrs: &[syn::Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(syn::MetaNameValue {
            value:
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }),
            ..
        }) = &attr.meta
        {
            // `split`, not `lines`: an empty `///` line must stay an empty line.
            lines.extend(text.value().split('\n').map(|l| l.trim().to_owned()));
        }
    }
    let paragraph: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect();
    let joined = paragraph.join(" ");
    let joined = joined.trim();
    (!joined.is_empty()).then(|| joined.to_owned())
}

fn pos_of(at: LineColumn) -> Pos {
    Pos {
        line: at.line,
        column: at.column + 1,
    }
}

/// Converts proc-macro2 line/column places (1-based lines, 0-based character
/// columns) into byte offsets of `text`, clamped to the text.
fn byte_range(text: &str, start: LineColumn, end: LineColumn) -> ByteRange {
    let start = byte_offset(text, start);
    let end = byte_offset(text, end).max(start);
    ByteRange { start, end }
}

fn byte_offset(text: &str, at: LineColumn) -> usize {
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index + 1 == at.line {
            let within: usize = line.chars().take(at.column).map(char::len_utf8).sum();
            return offset + within;
        }
        offset += line.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offsets_count_characters_per_line() {
        let text = "ab\néx: u8\n";
        assert_eq!(byte_offset(text, LineColumn { line: 2, column: 1 }), 5);
        assert_eq!(
            byte_offset(text, LineColumn { line: 9, column: 0 }),
            text.len()
        );
    }

    #[test]
    fn doc_keeps_the_first_paragraph() {
        let item: syn::ItemStruct =
            syn::parse_str("/// One.\n/// Two.\n///\n/// Three.\nstruct S;").unwrap();
        assert_eq!(doc_of(&item.attrs).as_deref(), Some("One. Two."));
    }

    #[test]
    fn paths_show_relative_with_slashes() {
        assert_eq!(
            display_path(Path::new("/a/b/src/x.rs"), Path::new("/a/b")),
            "src/x.rs"
        );
        assert_eq!(
            display_path(Path::new("./src/x.rs"), Path::new("/a")),
            "src/x.rs"
        );
    }
}
