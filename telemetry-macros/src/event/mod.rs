//! `#[telemetry_event]` and `#[telemetry_group]`: parse, find the manifest, check,
//! expand.
//!
//! The pipeline, one file a step, after thiserror: `attr.rs` (the attribute's
//! arguments), `ast.rs` (the item into our own structure, with the shared TL012
//! shape check), `manifest.rs` (finding and caching the manifest), `valid.rs` (the
//! checks against the manifest, shared with the linter), `expand.rs` (the code).
//! Every step records its errors in one accumulator, [`Errors`], and carries on.
//!
//! Both attributes run the same pipeline; a group struct is checked against
//! `groups.<name>` with the same field checks as an event against
//! `events.<name>`. An event that embeds a group holds the group's struct as a
//! field named after the group; that field is checked as an embedding (its type
//! must be the group's struct, asserted through `TelemetryGroup::NAME`), and the
//! group's fields are checked once, on the group struct.
//!
//! `#[telemetry_event]` on an enum makes every variant an event: a variant with
//! named fields (or none) is checked exactly as a struct would be, under the
//! variant's snake_case name or its `#[telemetry(name = "...")]`, and a tuple
//! variant wrapping one type sends that type's event, which the type system
//! requires to implement `TelemetryEvent`.
//!
//! Every problem becomes a compile error on the tokens at fault, and all of them are
//! reported in one build, each once: a problem of the manifest as a whole (it is
//! missing, unreadable, or has a finding that belongs to no event and no group) is
//! reported by the first item of the compiler process that meets it, and a
//! problem of one event's or group's declaration by the items that send it. Whatever the errors, the item is emitted unchanged with
//! an impl of `TelemetryEvent` or `TelemetryGroup` (a placeholder one when the
//! checks failed), so the user sees the real problems and not a cascade of "no
//! such item" errors.

mod ast;
mod attr;
mod expand;
pub(crate) mod manifest;
mod valid;

use std::path::PathBuf;

use proc_macro2::{Span, TokenStream};
use quote::quote;

use telemetry_manifest::{Finding, Owner, default_event_name, rules};

use expand::{EventPlan, Plan, Shape, VariantPlan};

/// Which attribute is expanded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[telemetry_event]`: the struct is an event.
    Event,
    /// `#[telemetry_group]`: the struct is a field group.
    Group,
}

impl Kind {
    /// The attribute's name.
    pub(crate) const fn attribute(self) -> &'static str {
        match self {
            Kind::Event => "telemetry_event",
            Kind::Group => "telemetry_group",
        }
    }

    /// `event` or `group`.
    pub(crate) const fn noun(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::Group => "group",
        }
    }

    /// The manifest section that declares the struct.
    pub(crate) const fn section(self) -> &'static str {
        match self {
            Kind::Event => "events",
            Kind::Group => "groups",
        }
    }

    /// The event or the group called `name`.
    pub(crate) const fn owner(self, name: &str) -> Owner<'_> {
        match self {
            Kind::Event => Owner::Event(name),
            Kind::Group => Owner::Group(name),
        }
    }
}

/// The errors of one expansion, collected along the pipeline and reported together,
/// in the order they were found.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Records an error; the pipeline carries on.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn to_compile_error(&self) -> TokenStream {
        self.0
            .as_ref()
            .map(syn::Error::to_compile_error)
            .unwrap_or_default()
    }

    fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

/// Said of an error about the manifest as a whole, which only the first item that
/// meets it reports (see `manifest.rs`).
const ONCE: &str = "shown once, on the first item checked against the manifest; no event or group of this crate is checked until it is fixed";

/// Expands `#[telemetry_event(attr)] item` or `#[telemetry_group(attr)] item`;
/// `local_file` is the source file of the item, when the compiler knows it.
pub(crate) fn expand(
    kind: Kind,
    attr: TokenStream,
    item: TokenStream,
    local_file: Option<PathBuf>,
) -> TokenStream {
    let attribute = kind.attribute();
    let noun = kind.noun();
    let parsed: syn::DeriveInput = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(_) => {
            let what = match kind {
                Kind::Event => "a struct with named fields or an enum of events",
                Kind::Group => "a struct with named fields",
            };
            let finding = Finding::new(
                rules::UNSUPPORTED_EVENT_SHAPE,
                format!("`#[{attribute}]` can only be placed on {what}"),
                format!("move the attribute to the struct that carries the {noun}"),
            );
            let error = syn::Error::new(Span::call_site(), finding.render_for_compiler());
            let error = error.to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut errors = Errors::default();
    let args = attr::parse(attr, kind, &mut errors);
    let name = match &args.name {
        Some((name, _)) => name.clone(),
        None => default_event_name(&parsed.ident.to_string()),
    };
    let input = ast::parse(
        &parsed,
        kind,
        &name,
        args.name.as_ref().map(|(_, span)| *span),
        &mut errors,
    );
    let is_enum = matches!(input, Some(ast::Input::Enum { .. }));
    // What messages call the item when the manifest cannot be read.
    let subject = if is_enum {
        format!("the events of enum `{}`", parsed.ident)
    } else {
        format!("{noun} `{name}`")
    };
    // The enum as emitted: without the helper attributes on its variants, which
    // the compiler would not know (under `#[telemetry_group]` too, where the enum
    // is an error already and an unknown attribute would only add another).
    let mut emitted = parsed.clone();
    if let syn::Data::Enum(data) = &mut emitted.data {
        for variant in &mut data.variants {
            variant.attrs.retain(|attr| !ast::is_helper(attr));
        }
    }

    // The plan borrows the cached parse: nothing of the manifest is copied per item.
    let located = manifest::locate(local_file.as_deref());
    let found = located.as_ref().ok().map(|path| manifest::load(path));
    let shown = found
        .as_ref()
        .map(|found| manifest::display_path(&found.path))
        .unwrap_or_default();
    // The item as the reporter of a problem that several items share.
    let item_key = format!(
        "{}#{attribute}#{}",
        local_file
            .as_deref()
            .map(|file| file.display().to_string())
            .unwrap_or_default(),
        parsed.ident
    );
    if let Err(message) = &located
        && manifest::claim_locate_error(message, &item_key)
    {
        errors.push(syn::Error::new(
            Span::call_site(),
            format!(
                "cannot check {subject}: {message}\n  = note: {ONCE}\n  = help: create `{}` at the workspace root, or set {} to the manifest's path",
                manifest::MANIFEST_FILE,
                manifest::MANIFEST_ENV
            ),
        ));
    }
    let mut checked = false;
    let mut shape = None;
    if let Some(found) = &found {
        let source = found.parsed.source.as_str();
        // Whether this item reports the problems of the manifest as a whole.
        let reports = || found.parsed.reporter.claim(&item_key);
        match &found.parsed.result {
            Err(error) if reports() => {
                let place = error
                    .span
                    .map(|span| {
                        let (line, column) = found.parsed.lines.line_column(source, span.offset);
                        format!(":{line}:{column}")
                    })
                    .unwrap_or_default();
                errors.push(syn::Error::new(
                    Span::call_site(),
                    format!(
                        "cannot check {subject}: {shown}{place}: {}\n  = note: {ONCE}\n  = help: {}",
                        error.message, error.help
                    ),
                ));
            }
            // Reported by another item.
            Err(_) => {}
            Ok((valid_manifest, manifest_findings)) => {
                checked = true;
                let context = valid::Context {
                    valid: valid_manifest,
                    shown: &shown,
                    source,
                    lines: &found.parsed.lines,
                };
                if manifest_findings.iter().any(valid::manifest_level) && reports() {
                    valid::report_manifest_level(
                        &context,
                        manifest_findings,
                        parsed.ident.span(),
                        &mut errors,
                    );
                }
                shape = input
                    .as_ref()
                    .map(|input| plan_shape(kind, input, &context, manifest_findings, &mut errors));
            }
        }
    }
    // Without a manifest (or with an item whose shape was rejected), the impls
    // are placeholders shaped after the item.
    let shape = shape.unwrap_or_else(|| unchecked_shape(input.as_ref(), &parsed, &name));
    let plan = Plan {
        kind,
        item: &emitted,
        manifest_path: found.as_ref().map(|found| found.path.as_path()),
        shape,
    };
    let complete = checked && errors.is_empty();
    let generated = expand::generate(&plan, complete);
    let errors = errors.to_compile_error();
    quote! {
        #errors
        #generated
    }
}

/// Checks every event of the item against the manifest, and plans each.
fn plan_shape<'a>(
    kind: Kind,
    input: &ast::Input<'_>,
    context: &valid::Context<'a>,
    manifest_findings: &[Finding],
    errors: &mut Errors,
) -> Shape<'a> {
    match input {
        ast::Input::Struct(input) => Shape::Struct(valid::check(
            kind,
            input,
            context,
            manifest_findings,
            errors,
        )),
        ast::Input::Enum { variants, checked } => Shape::Enum(
            variants
                .iter()
                .map(|variant| match variant {
                    ast::VariantInput::Event(input) if *checked => VariantPlan::Event(
                        valid::check(kind, input, context, manifest_findings, errors),
                    ),
                    other => unchecked_variant(other),
                })
                .collect(),
        ),
    }
}

/// The shape of an item whose events could not be checked.
fn unchecked_shape<'a>(
    input: Option<&ast::Input<'_>>,
    parsed: &syn::DeriveInput,
    name: &str,
) -> Shape<'a> {
    match input {
        Some(ast::Input::Enum { variants, .. }) => {
            Shape::Enum(variants.iter().map(unchecked_variant).collect())
        }
        Some(ast::Input::Struct(input)) => Shape::Struct(EventPlan::unchecked(
            input.ident.clone(),
            input.name.clone(),
        )),
        None => Shape::Struct(EventPlan::unchecked(parsed.ident.clone(), name.to_owned())),
    }
}

/// A variant's plan without checks: its name only, or its delegation.
fn unchecked_variant<'a>(variant: &ast::VariantInput<'_>) -> VariantPlan<'a> {
    match variant {
        ast::VariantInput::Event(input) => VariantPlan::Event(EventPlan::unchecked(
            input.ident.clone(),
            input.name.clone(),
        )),
        ast::VariantInput::Delegate { ident, ty } => VariantPlan::Delegate {
            ident: (*ident).clone(),
            ty: (*ty).clone(),
        },
        ast::VariantInput::Unsupported { ident, name } => VariantPlan::Unsupported {
            ident: (*ident).clone(),
            name: name.clone(),
        },
    }
}
