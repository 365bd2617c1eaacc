//! Waivers against findings: every waiver written in the manifest is judged
//! ([`check_waivers`], TL028), and the granted ones are matched against the
//! findings of the run in one place ([`apply_waivers`]), which reports the waivers
//! that matched nothing (TL029).
//!
//! Which rule may be waived, and where, is the rule's [`Rule::waivable`]; the
//! waiver model itself is in `valid/waiver.rs`.
//!
//! ```
//! use telemetry_manifest::{
//!     EventStruct, StructField, apply_waivers, check_event_struct, check_waivers, parse_str,
//!     validate,
//! };
//! let text = "version: 1\nproject: { name: p, retention_days: 30 }\nevents:\n  e:\n    fields:\n      user_id:\n        type: count\n        max: 3\n        category: technical\n        waivers: [{ rule: TL023, reason: one of three test accounts, review: PR 7 }]\n";
//! let manifest = parse_str(text).unwrap();
//! let (valid, _) = validate(&manifest);
//! assert!(check_waivers(&manifest).is_empty());
//! let ty: syn::Type = syn::parse_str("u8").unwrap();
//! let fields = vec![StructField { name: "user_id".to_owned(), ty: &ty }];
//! let item = EventStruct { ident: "E".to_owned(), event: "e".to_owned(), fields };
//! let waived = apply_waivers(&valid, check_event_struct(&valid, &item));
//! assert_eq!((waived.kept.len(), waived.waived.len(), waived.unused.len()), (0, 1, 0));
//! ```

use crate::finding::Finding;
use crate::model::{ByteSpan, Located, Manifest, WaiverEntry};
use crate::rules::{self, Rule, WaiverScope};
use crate::valid::{ValidManifest, Waiver, judge};

/// Checks every waiver written in the manifest (TL028): the rule exists, may be
/// waived (never a compiler-enforced rule) and in this scope, is waived once, and
/// the reason and review are real text.
pub fn check_waivers(manifest: &Manifest) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut check = |list: Option<&Located<Vec<Located<WaiverEntry>>>>,
                     scope: WaiverScope,
                     place: String,
                     tag: &dyn Fn(Finding) -> Finding| {
        let mut seen: Vec<&'static Rule> = Vec::new();
        for entry in list.map(|l| l.value.as_slice()).unwrap_or_default() {
            match judge(entry, scope, &place) {
                Ok(waiver) if seen.contains(&waiver.rule) => findings.push(tag(Finding::new(
                    rules::INVALID_WAIVER,
                    format!("{} is waived twice on {place}", waiver.rule.code()),
                    "keep one waiver per rule, with the reason and the review of both",
                )
                .at_manifest(waiver.rule_span))),
                Ok(waiver) => seen.push(waiver.rule),
                Err((message, help, span)) => {
                    findings.push(tag(
                        Finding::new(rules::INVALID_WAIVER, message, help).at_manifest(span)
                    ))
                }
            }
        }
    };
    for (name, event) in manifest.events.iter() {
        let event_name = name.value.as_str();
        check(
            event.value.waivers.as_ref(),
            WaiverScope::Event,
            format!("event `{event_name}`"),
            &|f| f.event(event_name),
        );
        for (field_name, field) in event.value.fields.iter() {
            let field_name = field_name.value.as_str();
            check(
                field.value.waivers.as_ref(),
                WaiverScope::Field,
                format!("field `{field_name}` of event `{event_name}`"),
                &|f| f.event(event_name).field(field_name),
            );
        }
    }
    for (name, group) in manifest.groups.iter() {
        let group_name = name.value.as_str();
        for (field_name, field) in group.value.fields.iter() {
            let field_name = field_name.value.as_str();
            check(
                field.value.waivers.as_ref(),
                WaiverScope::Field,
                format!("field `{field_name}` of group `{group_name}`"),
                &|f| f.group(group_name).field(field_name),
            );
        }
    }
    findings
}

/// The findings once the waivers are applied. `T` is a finding, or anything that
/// carries one (the linter's finding with its place in the files).
#[derive(Clone, Debug)]
pub struct Waived<T = Finding> {
    /// The findings no waiver matched, in their order.
    pub kept: Vec<T>,
    /// The findings a waiver matched, each with its waiver.
    pub waived: Vec<(T, Waiver)>,
    /// A TL029 finding for each granted waiver that matched no finding.
    pub unused: Vec<Finding>,
}

/// Applies the manifest's granted waivers to `findings` (every finding of the run
/// that a waiver could match), in one place: a finding is waived when a waiver of
/// its rule stands on its event (event-level rules) or on its field (field-level
/// rules, the field of an event or of a group). Every waiver that matched nothing
/// comes back as a TL029 finding.
pub fn apply_waivers<T: AsRef<Finding>>(manifest: &ValidManifest, findings: Vec<T>) -> Waived<T> {
    let mut used: Vec<ByteSpan> = Vec::new();
    let mut out = Waived {
        kept: Vec::new(),
        waived: Vec::new(),
        unused: Vec::new(),
    };
    for finding in findings {
        match matching_waiver(manifest, finding.as_ref()) {
            Some(waiver) => {
                used.push(waiver.span);
                out.waived.push((finding, waiver.clone()));
            }
            None => out.kept.push(finding),
        }
    }
    let mut unused = |waiver: &Waiver, place: String, tag: &dyn Fn(Finding) -> Finding| {
        if !used.contains(&waiver.span) {
            out.unused.push(tag(Finding::new(
                rules::UNUSED_WAIVER,
                format!(
                    "the waiver of {} on {place} matches no finding",
                    waiver.rule.code()
                ),
                "remove the waiver: what it excused is gone, and TELEMETRY.md would go on listing it as an exception",
            )
            .at_manifest(waiver.rule_span)));
        }
    };
    for event in &manifest.events {
        let event_name = event.name.value.as_str();
        for waiver in &event.waivers {
            unused(waiver, format!("event `{event_name}`"), &|f| {
                f.event(event_name)
            });
        }
        for field in &event.fields {
            let field_name = field.name.value.as_str();
            for waiver in &field.waivers {
                unused(
                    waiver,
                    format!("field `{field_name}` of event `{event_name}`"),
                    &|f| f.event(event_name).field(field_name),
                );
            }
        }
    }
    for group in &manifest.groups {
        let group_name = group.name.value.as_str();
        for field in &group.fields {
            let field_name = field.name.value.as_str();
            for waiver in &field.waivers {
                unused(
                    waiver,
                    format!("field `{field_name}` of group `{group_name}`"),
                    &|f| f.group(group_name).field(field_name),
                );
            }
        }
    }
    out
}

fn matching_waiver<'a>(manifest: &'a ValidManifest, finding: &Finding) -> Option<&'a Waiver> {
    let scope = finding.rule.waivable?;
    let of_rule = |waivers: &'a [Waiver]| waivers.iter().find(|w| w.rule == finding.rule);
    match scope {
        WaiverScope::Event => {
            let event = manifest
                .events
                .iter()
                .find(|e| Some(&e.name.value) == finding.event.as_ref())?;
            of_rule(&event.waivers)
        }
        WaiverScope::Field => {
            let field_name = finding.field.as_deref()?;
            let field = if let Some(group) = &finding.group {
                manifest.group(group)?.field(field_name)?
            } else {
                let event = manifest
                    .events
                    .iter()
                    .find(|e| Some(&e.name.value) == finding.event.as_ref())?;
                *event
                    .all_fields(manifest)
                    .iter()
                    .find(|f| f.name.value == field_name)?
            };
            of_rule(&field.waivers)
        }
    }
}
