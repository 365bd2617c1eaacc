//! Field groups: declared once under `groups:`, embedded by events, seen through
//! by `EventDef::all_fields`, and checked on both sides (the manifest's own
//! consistency, and event and group structs against it).

use telemetry_manifest::{
    EventStruct, Finding, GroupStruct, StructField, ValidManifest, check_event_struct,
    check_group_struct, parse_str, validate,
};

const MANIFEST: &str = "\
version: 1
project:
  name: acme
  retention_days: 90
groups:
  platform:
    description: The platform the program runs on.
    fields:
      os: { type: os_family, category: technical, description: Operating system family. }
      arch: { type: arch, category: technical, description: CPU architecture. }
  runner:
    fields:
      ci: { type: bool, category: technical, description: Whether it runs in CI. }
events:
  command_started:
    groups: [runner, platform]
    fields:
      command: { type: enum, values: [build, test], category: interaction, description: Which command. }
";

fn load(text: &str) -> (ValidManifest, Vec<Finding>) {
    let manifest = parse_str(text).unwrap_or_else(|e| panic!("{}", e.message));
    validate(&manifest)
}

fn ids(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule.id).collect()
}

fn ty(text: &str) -> syn::Type {
    syn::parse_str(text).expect("a type")
}

#[test]
fn all_fields_lists_own_fields_then_each_group_in_list_order() {
    let (valid, findings) = load(MANIFEST);
    assert!(findings.is_empty(), "{findings:?}");
    let names: Vec<&str> = valid.groups.iter().map(|g| g.name.value.as_str()).collect();
    assert_eq!(names, ["platform", "runner"], "groups are sorted by name");
    let event = &valid.events[0];
    let embedded: Vec<&str> = event.groups.iter().map(|g| g.value.as_str()).collect();
    assert_eq!(
        embedded,
        ["runner", "platform"],
        "the event keeps its list's order"
    );
    let all: Vec<&str> = event
        .all_fields(&valid)
        .iter()
        .map(|f| f.name.value.as_str())
        .collect();
    assert_eq!(all, ["command", "ci", "os", "arch"]);
    let origins: Vec<Option<&str>> = event
        .fields_with_groups(&valid)
        .iter()
        .map(|(g, _)| g.map(|g| g.name.value.as_str()))
        .collect();
    assert_eq!(
        origins,
        [None, Some("runner"), Some("platform"), Some("platform")]
    );
    // `field` stays the event's own fields.
    assert!(event.field("os").is_none());
    assert!(event.embeds("platform") && !event.embeds("os"));
}

#[test]
fn a_group_field_named_like_an_own_field_collides() {
    let text = MANIFEST.replace(
        "      command: {",
        "      os: { type: bool, category: technical, description: Clash. }\n      command: {",
    );
    let (valid, findings) = load(&text);
    assert_eq!(ids(&findings), ["TL031"], "{findings:?}");
    let finding = &findings[0];
    assert_eq!(
        finding.message,
        "field `os` of event `command_started` is also a field of group `platform`, which the event embeds"
    );
    assert_eq!(finding.event.as_deref(), Some("command_started"));
    assert_eq!(finding.field.as_deref(), Some("os"));
    let span = finding.manifest_span.expect("points at the own field");
    assert_eq!(&text[span.offset..span.offset + span.len], "os");
    // The own field wins; the names stay unique.
    let all: Vec<&str> = valid.events[0]
        .all_fields(&valid)
        .iter()
        .map(|f| f.name.value.as_str())
        .collect();
    assert_eq!(all, ["os", "command", "ci", "arch"]);
}

#[test]
fn two_groups_with_one_field_name_collide_and_a_repeat_is_reported() {
    let text = MANIFEST
        .replace(
            "      ci: { type: bool",
            "      arch: { type: arch, category: technical, description: Again. }\n      ci: { type: bool",
        )
        .replace("groups: [runner, platform]", "groups: [runner, platform, runner]");
    let (_, findings) = load(&text);
    assert_eq!(ids(&findings), ["TL031", "TL031"], "{findings:?}");
    assert_eq!(
        findings[0].message,
        "groups `runner` and `platform`, both embedded in event `command_started`, each have a field `arch`"
    );
    assert_eq!(
        findings[1].message,
        "event `command_started` lists group `runner` twice"
    );
}

#[test]
fn unknown_unused_and_malformed_groups_are_findings() {
    let text = MANIFEST
        .replace("groups: [runner, platform]", "groups: [platfrom]")
        .replace("  runner:\n", "  Runner:\n")
        .replace("      ci: { type: bool,", "      ci: { type: bool, max: 3,");
    let (valid, findings) = load(&text);
    let found: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.rule.id, f.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("TL014", "group name `Runner` is not snake_case"),
            (
                "TL014",
                "field `ci` of group `Runner` is a `bool`, which takes no `max`"
            ),
            (
                "TL030",
                "event `command_started` embeds group `platfrom`, which the manifest does not declare"
            ),
            (
                "TL034",
                "group `Runner` is declared, but no event embeds it"
            ),
            (
                "TL034",
                "group `platform` is declared, but no event embeds it"
            ),
        ]
    );
    assert!(findings[2].help.starts_with("did you mean `platform`?"));
    // Group findings name the group, not an event.
    assert_eq!(findings[1].group.as_deref(), Some("Runner"));
    assert_eq!(findings[1].event, None);
    assert!(
        valid.events[0].groups.is_empty(),
        "unknown groups are left out"
    );
}

#[test]
fn policy_checks_see_group_fields_once() {
    let text = MANIFEST.replace(
        "      ci: { type: bool, category: technical, description: Whether it runs in CI. }",
        "      ci: { type: bool, category: stored_content }",
    );
    let (valid, _) = load(&text);
    let today = telemetry_manifest::Date::parse("2026-01-01").expect("a date");
    let findings: Vec<Finding> = telemetry_manifest::check_policy(&valid, today)
        .into_iter()
        .filter(|f| f.field.as_deref() == Some("ci"))
        .collect();
    assert_eq!(ids(&findings), ["TL016", "TL020"], "{findings:?}");
    assert!(
        findings
            .iter()
            .all(|f| f.group.as_deref() == Some("runner"))
    );
    assert_eq!(
        findings[1].message,
        "field `ci` of group `runner` is `stored_content` data; the policy allows technical, interaction"
    );
}

#[test]
fn an_event_struct_embeds_each_group_as_a_field() {
    let (valid, _) = load(MANIFEST);
    let (command, platform, runner, os, text) = (
        ty("Command"),
        ty("Platform"),
        ty("Runner"),
        ty("OsFamily"),
        ty("String"),
    );
    let field = |name: &str, ty| StructField {
        name: name.to_owned(),
        ty,
    };
    let check = |fields: Vec<StructField<'_>>| {
        check_event_struct(
            &valid,
            &EventStruct {
                ident: "CommandStarted".to_owned(),
                event: "command_started".to_owned(),
                fields,
            },
        )
    };
    let clean = check(vec![
        field("command", &command),
        field("platform", &platform),
        field("runner", &runner),
    ]);
    assert!(clean.is_empty(), "{clean:?}");

    // No `runner` field, the group's field `os` written as an own field, and the
    // `platform` embedding typed as a string.
    let drift = check(vec![
        field("command", &command),
        field("platform", &text),
        field("os", &os),
    ]);
    let found: Vec<(&str, &str)> = drift
        .iter()
        .map(|f| (f.rule.id, f.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "TL032",
                "field `platform` of event `command_started` embeds group `platform`, but has type `String`, which is not a group struct"
            ),
            (
                "TL002",
                "field `os` of event `command_started` belongs to group `platform`, which the event embeds, not to the event itself"
            ),
            (
                "TL032",
                "event `command_started` embeds group `runner`, but struct `CommandStarted` has no field `runner` to carry it"
            ),
        ]
    );
}

#[test]
fn a_group_struct_gets_the_field_checks_of_an_event() {
    let (valid, _) = load(MANIFEST);
    let (os, path, count) = (ty("OsFamily"), ty("PathBuf"), ty("u32"));
    let check = |group: &str, fields: Vec<StructField<'_>>| {
        check_group_struct(
            &valid,
            &GroupStruct {
                ident: "Platform".to_owned(),
                group: group.to_owned(),
                fields,
            },
        )
    };
    let field = |name: &str, ty| StructField {
        name: name.to_owned(),
        ty,
    };
    let findings = check("platform", vec![field("os", &count), field("home", &path)]);
    let found: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.rule.id, f.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "TL007",
                "field `home` of group `platform` has type `PathBuf`, which can carry a file-system path"
            ),
            (
                "TL004",
                "field `os` of group `platform` is declared `os_family` in the manifest, but its Rust type `u32` does not carry a `os_family`"
            ),
            (
                "TL002",
                "field `home` of group `platform` is not declared in the manifest"
            ),
            (
                "TL003",
                "field `arch` of group `platform` is declared in the manifest but missing from struct `Platform`"
            ),
        ]
    );
    assert!(
        findings
            .iter()
            .all(|f| f.group.as_deref() == Some("platform"))
    );

    let undeclared = check("platfrom", vec![field("os", &os)]);
    assert_eq!(ids(&undeclared), ["TL030"]);
    assert!(undeclared[0].help.starts_with("did you mean `platform`?"));
}
