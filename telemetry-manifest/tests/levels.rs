//! Consent levels, the program's config file and the automation policy in the
//! project section: what `validate` resolves, and TL040 to TL043.

use telemetry_manifest::{
    Automation, Category, ConfigFormat, Finding, ValidManifest, parse_str, validate,
};

fn manifest(project_extra: &str, levels: [&str; 2]) -> String {
    format!(
        "\
version: 1
project:
  name: acme
  retention_days: 90
{project_extra}events:
  command_finished:
{}    fields:
      command: {{ type: enum, values: [build, test], category: interaction, description: Which command. }}
  crashed:
{}    groups: [platform]
groups:
  platform:
    fields:
      os: {{ type: os_family, category: technical, description: Operating system family. }}
",
        levels[0], levels[1]
    )
}

fn load(text: &str) -> (ValidManifest, Vec<Finding>) {
    let manifest = parse_str(text).unwrap_or_else(|e| panic!("{}", e.message));
    validate(&manifest)
}

fn ids(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule.id).collect()
}

const LEVELS: &str = "  levels: [errors, usage]\n";

#[test]
fn levels_resolve_with_the_highest_category_of_their_events() {
    let (valid, findings) = load(&manifest(
        &format!(
            "{LEVELS}  config_file: {{ path: acme/config.toml, key: privacy.telemetry }}\n  automation: allow\n"
        ),
        ["    level: usage\n", "    level: errors\n"],
    ));
    assert!(findings.is_empty(), "{findings:?}");
    let levels: Vec<&str> = valid
        .project
        .levels
        .iter()
        .map(|l| l.value.as_str())
        .collect();
    assert_eq!(levels, ["errors", "usage"]);
    assert_eq!(
        valid.level_categories(),
        [
            ("errors", Category::Technical),
            ("usage", Category::Interaction)
        ]
    );
    let file = valid.project.config_file.as_ref().expect("config file");
    assert_eq!(file.format, ConfigFormat::Toml);
    assert_eq!(file.key.value, "privacy.telemetry");
    assert_eq!(valid.project.automation, Automation::Allow);

    // Without levels: one unnamed level, strict automation.
    let (valid, findings) = load(&manifest("", ["", ""]));
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(valid.level_categories(), [("", Category::Interaction)]);
    assert_eq!(valid.project.automation, Automation::Strict);
}

#[test]
fn an_undeclared_or_missing_level_is_a_finding_on_the_event() {
    let (_, findings) = load(&manifest(LEVELS, ["    level: usag\n", ""]));
    assert_eq!(ids(&findings), ["TL040", "TL041"]);
    assert_eq!(
        findings[0].message,
        "event `command_finished` names level `usag`, which `project.levels` does not declare"
    );
    assert!(
        findings[0].help.starts_with("did you mean `usage`?"),
        "{}",
        findings[0].help
    );
    assert_eq!(findings[0].event.as_deref(), Some("command_finished"));
    assert_eq!(
        findings[1].message,
        "event `crashed` names no `level`, but the project declares levels errors, usage"
    );

    // A level with no `project.levels` at all.
    let (_, findings) = load(&manifest("", ["    level: errors\n", ""]));
    assert_eq!(ids(&findings), ["TL040"]);
    assert!(
        findings[0]
            .help
            .starts_with("declare the levels under `project.levels`")
    );
}

#[test]
fn levels_that_are_empty_repeated_or_reserved_are_findings() {
    for (levels, message) in [
        ("[]", "`project.levels` is empty"),
        (
            "[errors, errors]",
            "level `errors` is listed twice in `project.levels`",
        ),
        (
            "[errors, off]",
            "level `off` is named with a word that turns telemetry on or off at every level",
        ),
        (
            "[errors, All]",
            "level `All` is named with a word that turns telemetry on or off at every level",
        ),
        ("[errors, UsageData]", "level `UsageData` is not snake_case"),
    ] {
        let (_, findings) = load(&manifest(&format!("  levels: {levels}\n"), ["", ""]));
        let tl042: Vec<&Finding> = findings.iter().filter(|f| f.rule.id == "TL042").collect();
        assert_eq!(tl042.len(), 1, "{levels}: {findings:?}");
        assert_eq!(tl042[0].message, message);
    }
}

#[test]
fn a_config_file_the_runtime_cannot_read_is_a_finding() {
    for (file, message) in [
        (
            "{ path: /etc/acme.toml, key: telemetry }",
            "`project.config_file.path` `/etc/acme.toml` is not relative to the configuration directory",
        ),
        (
            "{ path: ../acme.toml, key: telemetry }",
            "`project.config_file.path` `../acme.toml` leaves the configuration directory with `..`",
        ),
        (
            "{ path: acme/config.ini, key: telemetry }",
            "`project.config_file.path` `acme/config.ini` has no `.toml`, `.yaml`, `.yml` or `.json` extension, so its format is unknown",
        ),
        (
            "{ path: acme/config.json, key: privacy..telemetry }",
            "`project.config_file.key` `privacy..telemetry` has an empty name in its dotted path",
        ),
    ] {
        let (valid, findings) = load(&manifest(&format!("  config_file: {file}\n"), ["", ""]));
        assert_eq!(ids(&findings), ["TL043"], "{file}");
        assert_eq!(findings[0].message, message);
        assert!(valid.project.config_file.is_none());
    }
    for (path, format) in [
        ("a.YAML", ConfigFormat::Yaml),
        ("a/b.yml", ConfigFormat::Yaml),
        ("a.json", ConfigFormat::Json),
    ] {
        let (valid, findings) = load(&manifest(
            &format!("  config_file: {{ path: {path}, key: telemetry }}\n"),
            ["", ""],
        ));
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(valid.project.config_file.expect("file").format, format);
    }
}
