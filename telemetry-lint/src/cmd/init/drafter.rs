//! The [`Drafter`]: picks the structs and enums the [`Selector`] names, turns each
//! into the events it sends, and drafts their fields, following nested structs.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use heck::ToSnakeCase;
use telemetry_manifest::text::lowercase_first;
use telemetry_manifest::{
    FieldType, Level, Rule, StructField, TypeClass, check_field_type, classify_type,
    default_event_name, rules, type_to_string,
};
use telemetry_manifest::{Owner, check_name};

use super::classify::{
    Resolved, Site, is_float, is_marker, is_number, is_static_str, type_param, variant_types,
};
use super::{DraftEvent, DraftField, FieldOutcome, MAX_FLATTEN_DEPTH, Selector};
use crate::report::{Diagnostic, Location, Problem};
use crate::scan::attrs::SerdeContainer;
use crate::scan::{Body, EnumItem, ProblemKind, Scan, SourceSpan, StructItem, TraitImpl};

pub(super) struct Drafter<'a> {
    pub(super) scan: &'a Scan,
    pub(super) findings: Vec<Diagnostic>,
    /// The text of every file a finding points into.
    pub(super) files: BTreeMap<String, Arc<str>>,
}

impl<'a> Drafter<'a> {
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

    pub(super) fn scan_problems(&mut self) {
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
    pub(super) fn select(&mut self, selector: &Selector) -> Vec<Selected<'a>> {
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
    pub(super) fn units(&self, item: &Selected<'a>) -> Vec<EventUnit<'a>> {
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

    pub(super) fn duplicate_event(&mut self, unit: &EventUnit<'_>) {
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

    pub(super) fn event(&mut self, unit: &EventUnit<'a>) -> DraftEvent {
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

    /// A field init leaves out because the manifest's vocabulary has no type for it
    /// or init cannot see what it carries (TL013). In a draft this is a decision
    /// for the maintainer, not a privacy breach, so it is reported as a warning;
    /// the compiler and `check` still refuse such a field.
    pub(super) fn unvetted(&mut self, site: &Site<'_>, message: String, help: String) -> usize {
        let index = self.rule_finding(site, rules::UNVETTED_VALUE_TYPE, message, help);
        self.findings[index].level = Level::Warning;
        index
    }

    pub(super) fn rule_finding(
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
pub(super) enum Selected<'a> {
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
pub(super) struct EventUnit<'a> {
    /// `Struct`, or `Enum::Variant`.
    ident: String,
    /// `struct` or `variant`, for messages.
    kind: &'static str,
    /// The event name.
    pub(super) name: String,
    pub(super) file: usize,
    pub(super) span: SourceSpan,
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
        // A struct already marked `#[telemetry_event(name = "...")]` keeps its name.
        name: s
            .marks
            .event
            .as_ref()
            .and_then(|m| m.name.as_ref())
            .map_or_else(|| default_event_name(&s.ident), |(n, _)| n.clone()),
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

/// How many type aliases `init` follows in a row (`type A = B; type B = String;`).
const MAX_ALIASES: usize = 8;

impl<'a> Drafter<'a> {
    /// Classifies one field type; `aliases` counts the type aliases followed so far.
    ///
    /// The type is judged by what it names: its paths are resolved through the
    /// file's `use` items first, so `Value` imported from `serde_json` is an
    /// untyped value, not an unknown name.
    pub(super) fn classify(
        &mut self,
        ty: &syn::Type,
        site: &Site<'_>,
        aliases: usize,
    ) -> Resolved<'a> {
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
}
