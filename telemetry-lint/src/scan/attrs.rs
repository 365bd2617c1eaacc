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

use super::{LineIndex, SourceSpan};

/// The names of ours that a renamed import can stand for.
const OURS: [&str; 3] = ["telemetry_event", "telemetry_group", "TelemetryValue"];

/// The renamed imports of one file: local name → our name
/// (`use telemetry_core::telemetry_event as te;` maps `te` to `telemetry_event`).
#[derive(Debug, Default)]
pub(crate) struct Renames(BTreeMap<String, &'static str>);

impl Renames {
    /// Collects the renames of `use` items at any module depth of a file.
    pub(crate) fn of(items: &[syn::Item]) -> Renames {
        let mut renames = Renames::default();
        renames.collect(items);
        renames
    }

    fn collect(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Use(item) => self.tree(&item.tree),
                syn::Item::Mod(module) => {
                    if let Some((_, content)) = &module.content {
                        self.collect(content);
                    }
                }
                _ => {}
            }
        }
    }

    fn tree(&mut self, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => self.tree(&path.tree),
            syn::UseTree::Group(group) => group.items.iter().for_each(|t| self.tree(t)),
            syn::UseTree::Rename(rename) => {
                if let Some(ours) = OURS.iter().find(|o| rename.ident == **o) {
                    self.0.insert(rename.rename.to_string(), ours);
                }
            }
            syn::UseTree::Name(_) | syn::UseTree::Glob(_) => {}
        }
    }

    /// Which of ours a path names: its last segment, through a rename.
    fn resolve(&self, path: &syn::Path) -> Option<&'static str> {
        let last = path.segments.last()?.ident.to_string();
        if let Some(ours) = OURS.iter().find(|o| last == **o) {
            return Some(ours);
        }
        // A rename applies to the bare local name only.
        (path.segments.len() == 1)
            .then(|| self.0.get(&last).copied())
            .flatten()
    }
}

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    /// `name = "..."` and where the literal stands, when given and well formed.
    pub name: Option<(String, SourceSpan)>,
}

/// Our attributes on an item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// `#[telemetry_event]`.
    pub event: Option<Mark>,
    /// `#[telemetry_group]`.
    pub group: Option<Mark>,
}

impl Marks {
    pub(crate) fn of(attrs: &[syn::Attribute], renames: &Renames, lines: &LineIndex) -> Marks {
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
pub(crate) fn derives_of(attrs: &[syn::Attribute], renames: &Renames) -> Vec<String> {
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
        let renames = Renames::of(
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
