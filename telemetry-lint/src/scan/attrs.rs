//! Reading attributes as the compiler would expand them.
//!
//! An attribute counts wherever it stands: directly, inside `cfg_attr` with any
//! condition (`#[cfg_attr(feature = "telemetry", telemetry_event)]`, nested too),
//! under a full path (`#[telemetry_core::telemetry_event]`), or under the name a
//! `use telemetry_core::telemetry_event as te;` of the same file gave it. The linter
//! checks what a build with every feature would send, so a condition never hides
//! an event.

use std::collections::BTreeMap;

use heck::{
    ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase,
    ToUpperCamelCase,
};
use syn::punctuated::Punctuated;

use super::span::{LineIndex, SourceSpan};

/// The names of ours that a renamed import can stand for.
const OURS: [&str; 3] = ["telemetry_event", "telemetry_group", "TelemetryValue"];

/// The `use` items of one file: each local name and the path it stands for
/// (`use serde_json::{Map, Value as Json};` maps `Map` to `serde_json::Map` and
/// `Json` to `serde_json::Value`). Globs and `self` imports are left out.
#[derive(Clone, Debug, Default)]
pub struct Imports(BTreeMap<String, Vec<String>>);

impl Imports {
    /// Collects the imports of `use` items at any module depth of a file.
    pub(crate) fn of(items: &[syn::Item]) -> Imports {
        let mut imports = Imports::default();
        imports.collect(items);
        imports
    }

    fn collect(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Use(item) => self.tree(&item.tree, &mut Vec::new()),
                syn::Item::Mod(module) => {
                    if let Some((_, content)) = &module.content {
                        self.collect(content);
                    }
                }
                _ => {}
            }
        }
    }

    fn tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.tree(&path.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Group(group) => group.items.iter().for_each(|t| self.tree(t, prefix)),
            syn::UseTree::Name(name) if name.ident != "self" => {
                let mut full = prefix.clone();
                full.push(name.ident.to_string());
                self.0.insert(name.ident.to_string(), full);
            }
            syn::UseTree::Rename(rename) if rename.ident != "self" => {
                let mut full = prefix.clone();
                full.push(rename.ident.to_string());
                self.0.insert(rename.rename.to_string(), full);
            }
            _ => {}
        }
    }

    /// Which of ours a path names: its last segment, through a rename.
    fn resolve(&self, path: &syn::Path) -> Option<&'static str> {
        let last = path.segments.last()?.ident.to_string();
        // An imported name stands for the last segment of what it imports.
        let original = match (path.segments.len(), self.0.get(&last)) {
            (1, Some(full)) => full.last().cloned().unwrap_or(last),
            _ => last,
        };
        OURS.iter().find(|o| original == **o).copied()
    }

    /// `ty` with the first segment of every path resolved through the imports:
    /// `Option<Value>` becomes `Option<serde_json::Value>` when the file imports
    /// `serde_json::Value`. A type judged by its name alone (`Value` could be
    /// anything) is judged by what it is.
    pub fn qualify(&self, ty: &syn::Type) -> syn::Type {
        let mut ty = ty.clone();
        self.qualify_in(&mut ty, 0);
        ty
    }

    fn qualify_in(&self, ty: &mut syn::Type, depth: usize) {
        if depth > MAX_QUALIFY_DEPTH {
            return;
        }
        match ty {
            syn::Type::Path(path) if path.qself.is_none() => {
                let path = &mut path.path;
                if path.leading_colon.is_none()
                    && let Some(first) = path.segments.first()
                    && let Some(full) = self.0.get(&first.ident.to_string())
                    && full.len() > 1
                {
                    let rest: Vec<syn::PathSegment> =
                        path.segments.iter().skip(1).cloned().collect();
                    let arguments = first.arguments.clone();
                    let mut segments: Punctuated<syn::PathSegment, syn::Token![::]> = full
                        .iter()
                        .map(|s| {
                            syn::PathSegment::from(syn::Ident::new(
                                s,
                                proc_macro2::Span::call_site(),
                            ))
                        })
                        .collect();
                    if let Some(last) = segments.last_mut() {
                        last.arguments = arguments;
                    }
                    segments.extend(rest);
                    path.segments = segments;
                }
                for segment in &mut path.segments {
                    if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
                        for arg in &mut args.args {
                            if let syn::GenericArgument::Type(inner) = arg {
                                self.qualify_in(inner, depth + 1);
                            }
                        }
                    }
                }
            }
            syn::Type::Reference(reference) => self.qualify_in(&mut reference.elem, depth + 1),
            syn::Type::Paren(inner) => self.qualify_in(&mut inner.elem, depth + 1),
            syn::Type::Slice(slice) => self.qualify_in(&mut slice.elem, depth + 1),
            syn::Type::Array(array) => self.qualify_in(&mut array.elem, depth + 1),
            syn::Type::Tuple(tuple) => {
                for elem in &mut tuple.elems {
                    self.qualify_in(elem, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// How deep [`Imports::qualify`] follows nested types.
const MAX_QUALIFY_DEPTH: usize = 16;

/// The metas an attribute list amounts to once every `cfg_attr` is expanded, its
/// condition taken as true.
fn expanded(attrs: &[syn::Attribute]) -> Vec<syn::Meta> {
    let mut out = Vec::new();
    for attr in attrs {
        expand(&attr.meta, &mut out, 0);
    }
    out
}

/// How deep `cfg_attr` inside `cfg_attr` is followed.
const MAX_CFG_ATTR_DEPTH: usize = 8;

fn expand(meta: &syn::Meta, out: &mut Vec<syn::Meta>, depth: usize) {
    if meta.path().is_ident("cfg_attr") {
        let syn::Meta::List(list) = meta else {
            return;
        };
        let Ok(parts) =
            list.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        else {
            return;
        };
        if depth < MAX_CFG_ATTR_DEPTH {
            // The first part is the condition.
            for part in parts.iter().skip(1) {
                expand(part, out, depth + 1);
            }
        }
    } else {
        out.push(meta.clone());
    }
}

/// `#[telemetry_event]` (or `#[telemetry_group]`) on an item.
#[derive(Clone, Debug, Default)]
pub struct Mark {
    /// `name = "..."` and where the literal stands, when given and well formed.
    pub name: Option<(String, SourceSpan)>,
    /// Why the item cannot carry the attribute (TL012, from the shared
    /// `check_shape`), each with the tokens at fault; empty when it can.
    pub shape: Vec<(telemetry_manifest::Finding, SourceSpan)>,
}

/// Our attributes on an item.
#[derive(Clone, Debug, Default)]
pub struct Marks {
    /// `#[telemetry_event]`.
    pub event: Option<Mark>,
    /// `#[telemetry_group]`.
    pub group: Option<Mark>,
}

impl Marks {
    pub(crate) fn of(attrs: &[syn::Attribute], renames: &Imports, lines: &LineIndex) -> Marks {
        let mut marks = Marks::default();
        for meta in expanded(attrs) {
            let slot = match renames.resolve(meta.path()) {
                Some("telemetry_event") => &mut marks.event,
                Some("telemetry_group") => &mut marks.group,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(Mark {
                    name: name_argument(&meta, "name", lines),
                    shape: Vec::new(),
                });
            }
        }
        marks
    }
}

/// The string `key = "..."` of a list meta, with the literal's span.
fn name_argument(meta: &syn::Meta, key: &str, lines: &LineIndex) -> Option<(String, SourceSpan)> {
    let syn::Meta::List(list) = meta else {
        return None;
    };
    let mut found = None;
    let _ = list.parse_nested_meta(|nested| {
        if nested.path.is_ident(key) {
            let literal: syn::LitStr = nested.value()?.parse()?;
            found = Some((literal.value(), lines.span(literal.span())));
        } else {
            skip_meta(&nested)?;
        }
        Ok(())
    });
    found
}

/// Consumes the value or arguments of a nested meta we do not read.
fn skip_meta(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_meta(&inner))?;
    }
    Ok(())
}

/// `#[telemetry(name = "...")]` on an enum variant: the event's name.
pub(crate) fn variant_event_name(
    attrs: &[syn::Attribute],
    lines: &LineIndex,
) -> Option<(String, SourceSpan)> {
    expanded(attrs)
        .iter()
        .filter(|m| m.path().is_ident("telemetry"))
        .find_map(|m| name_argument(m, "name", lines))
}

/// The last path segment of every derive (a renamed import of ours resolved).
pub(crate) fn derives_of(attrs: &[syn::Attribute], renames: &Imports) -> Vec<String> {
    let mut derives = Vec::new();
    for meta in expanded(attrs) {
        let syn::Meta::List(list) = &meta else {
            continue;
        };
        if !list.path.is_ident("derive") {
            continue;
        }
        let parsed =
            list.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated);
        if let Ok(paths) = parsed {
            derives.extend(paths.iter().filter_map(|p| match renames.resolve(p) {
                Some(ours) => Some(ours.to_owned()),
                None => p.segments.last().map(|s| s.ident.to_string()),
            }));
        }
    }
    derives
}

/// Whether the attributes hold `#[cfg(test)]`.
pub(crate) fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "test")
    })
}

/// The first paragraph of a doc comment, its lines joined by spaces.
pub(crate) fn doc_of(attrs: &[syn::Attribute]) -> Option<String> {
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

/// The serde attributes of a field or a variant that change what is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SerdeField {
    /// `skip` or `skip_serializing`: never sent. (`skip_serializing_if` sends the
    /// field sometimes, so it does not count.)
    pub skip: bool,
    /// `rename = "..."` or `rename(serialize = "...")`: the name sent.
    pub rename: Option<String>,
    /// `flatten`: the field's own fields are sent in its place.
    pub flatten: bool,
}

impl SerdeField {
    pub(crate) fn of(attrs: &[syn::Attribute]) -> SerdeField {
        let mut serde = SerdeField::default();
        for meta in serde_metas(attrs) {
            let _ = meta.parse_nested_meta(|nested| {
                if nested.path.is_ident("skip") || nested.path.is_ident("skip_serializing") {
                    serde.skip = true;
                } else if nested.path.is_ident("flatten") {
                    serde.flatten = true;
                } else if nested.path.is_ident("rename") {
                    serde.rename = serialized_name(&nested)?.or(serde.rename.take());
                } else {
                    skip_meta(&nested)?;
                }
                Ok(())
            });
        }
        serde
    }
}

/// The serde container attributes that change the names sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SerdeContainer {
    /// `rename_all = "..."` (or its `serialize` half): the case convention of the
    /// names sent.
    pub rename_all: Option<String>,
}

impl SerdeContainer {
    pub(crate) fn of(attrs: &[syn::Attribute]) -> SerdeContainer {
        let mut serde = SerdeContainer::default();
        for meta in serde_metas(attrs) {
            let _ = meta.parse_nested_meta(|nested| {
                if nested.path.is_ident("rename_all") {
                    serde.rename_all = serialized_name(&nested)?.or(serde.rename_all.take());
                } else {
                    skip_meta(&nested)?;
                }
                Ok(())
            });
        }
        serde
    }

    /// `name` as sent under `rename_all`; unchanged for an unknown convention.
    pub fn apply(&self, name: &str) -> String {
        match self.rename_all.as_deref() {
            Some("lowercase") => name.to_lowercase(),
            Some("UPPERCASE") => name.to_uppercase(),
            Some("PascalCase") => name.to_upper_camel_case(),
            Some("camelCase") => name.to_lower_camel_case(),
            Some("snake_case") => name.to_snake_case(),
            Some("SCREAMING_SNAKE_CASE") => name.to_shouty_snake_case(),
            Some("kebab-case") => name.to_kebab_case(),
            Some("SCREAMING-KEBAB-CASE") => name.to_shouty_kebab_case(),
            _ => name.to_owned(),
        }
    }
}

/// Every `#[serde(...)]` list, `cfg_attr` expanded.
fn serde_metas(attrs: &[syn::Attribute]) -> Vec<syn::MetaList> {
    expanded(attrs)
        .into_iter()
        .filter_map(|m| match m {
            syn::Meta::List(list) if list.path.is_ident("serde") => Some(list),
            _ => None,
        })
        .collect()
}

/// The name of `rename = "..."` or `rename(serialize = "...", ..)`.
fn serialized_name(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Option<String>> {
    if meta.input.peek(syn::Token![=]) {
        let literal: syn::LitStr = meta.value()?.parse()?;
        return Ok(Some(literal.value()));
    }
    let mut name = None;
    if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| {
            if inner.path.is_ident("serialize") {
                let literal: syn::LitStr = inner.value()?.parse()?;
                name = Some(literal.value());
            } else {
                skip_meta(&inner)?;
            }
            Ok(())
        })?;
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str) -> syn::ItemStruct {
        syn::parse_str(code).unwrap()
    }

    #[test]
    fn cfg_attr_and_paths_and_renames_mark_events() {
        let lines = LineIndex::new("");
        let renames = Imports::of(
            &syn::parse_file("use telemetry_core::telemetry_event as te;")
                .unwrap()
                .items,
        );
        for code in [
            "#[telemetry_event] struct A { a: bool }",
            "#[telemetry_core::telemetry_event] struct A { a: bool }",
            "#[cfg_attr(feature = \"t\", telemetry_event(name = \"x\"))] struct A { a: bool }",
            "#[cfg_attr(all(unix, feature = \"t\"), cfg_attr(test, telemetry_event))] struct A { a: bool }",
            "#[te] struct A { a: bool }",
        ] {
            let marks = Marks::of(&item(code).attrs, &renames, &lines);
            assert!(marks.event.is_some(), "{code}");
        }
        let marks = Marks::of(
            &item("#[cfg_attr(feature = \"t\", telemetry_event(name = \"x\"))] struct A;").attrs,
            &renames,
            &lines,
        );
        assert_eq!(marks.event.unwrap().name.unwrap().0, "x");
        let plain = Marks::of(&item("#[derive(Debug)] struct A;").attrs, &renames, &lines);
        assert!(plain.event.is_none());
    }

    #[test]
    fn imports_qualify_types() {
        let imports = Imports::of(
            &syn::parse_file("use serde_json::{Map, Value as Json}; use std::path::PathBuf;")
                .unwrap()
                .items,
        );
        let ty: syn::Type = syn::parse_str("Option<Vec<Json>>").unwrap();
        assert_eq!(
            telemetry_manifest::type_to_string(&imports.qualify(&ty)),
            "Option<Vec<serde_json::Value>>"
        );
        let ty: syn::Type = syn::parse_str("Map<String, u8>").unwrap();
        assert_eq!(
            telemetry_manifest::type_to_string(&imports.qualify(&ty)),
            "serde_json::Map<String, u8>"
        );
    }

    #[test]
    fn serde_attributes_are_read() {
        let field = |code: &str| {
            let s = item(&format!("struct A {{ {code} a: u8 }}"));
            let syn::Fields::Named(named) = s.fields else {
                unreachable!()
            };
            SerdeField::of(&named.named[0].attrs)
        };
        assert!(field("#[serde(skip)]").skip);
        assert!(field("#[serde(default, skip_serializing)]").skip);
        assert!(!field("#[serde(skip_serializing_if = \"Option::is_none\")]").skip);
        assert!(field("#[cfg_attr(feature = \"s\", serde(flatten))]").flatten);
        assert_eq!(
            field("#[serde(rename = \"b\")]").rename.as_deref(),
            Some("b")
        );
        assert_eq!(
            field("#[serde(rename(serialize = \"c\", deserialize = \"d\"))]")
                .rename
                .as_deref(),
            Some("c")
        );
        let container =
            SerdeContainer::of(&item("#[serde(rename_all = \"camelCase\")] struct A;").attrs);
        assert_eq!(container.apply("load_time"), "loadTime");
    }
}
