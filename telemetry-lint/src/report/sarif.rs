//! Diagnostics for code scanning: one SARIF 2.1.0 log.

use std::fmt::Write as _;

use serde::Serialize;
use telemetry_manifest::Rule;

use super::{Code, Diagnostic, Location, Problem, primary_and_related};

/// The `$schema` of the SARIF logs written: the OASIS SARIF 2.1.0 schema.
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json";

/// A workspace-relative path as a URI reference: every byte outside the unreserved
/// set and `/` percent-encoded; an absolute path becomes a `file://` URI.
fn path_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: SarifTool,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct SarifTool {
    driver: SarifDriver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<SarifRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: String,
    name: String,
    short_description: SarifText,
    full_description: SarifText,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<SarifMarkdown>,
    help_uri: String,
    default_configuration: SarifConfiguration,
    properties: SarifRuleProperties,
}

#[derive(Serialize)]
struct SarifRuleProperties {
    tags: [&'static str; 2],
}

#[derive(Serialize)]
struct SarifText {
    text: String,
}

#[derive(Serialize)]
struct SarifMarkdown {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct SarifConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: SarifText,
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: SarifPhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<SarifText>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysicalLocation {
    artifact_location: SarifArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<SarifRegion>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
}

fn sarif_location(location: &Location) -> SarifPhysicalLocation {
    SarifPhysicalLocation {
        artifact_location: SarifArtifactLocation {
            uri: path_uri(&location.path),
            uri_base_id: "%SRCROOT%",
        },
        region: Some(SarifRegion {
            start_line: location.line.max(1),
            start_column: location.column.max(1),
        }),
    }
}

/// The documentation address of a rule: its section of `docs/rules.md` in the
/// repository (anchors are `tl007-path-field`).
pub fn rule_help_uri(rule: &Rule) -> String {
    format!(
        "{}/blob/main/docs/rules.md#{}-{}",
        env!("CARGO_PKG_REPOSITORY"),
        rule.id.to_lowercase(),
        rule.name
    )
}

/// The SARIF rule of a problem outside the rule table.
fn problem_rule(problem: Problem) -> SarifRule {
    let (name, level, description) = (
        problem.name(),
        problem.default_level(),
        problem.description(),
    );
    SarifRule {
        id: name.to_owned(),
        name: name.to_owned(),
        short_description: SarifText {
            text: description.to_owned(),
        },
        full_description: SarifText {
            text: description.to_owned(),
        },
        help: None,
        help_uri: format!(
            "{}/blob/main/docs/json-output.md#problems-that-are-not-rule-findings",
            env!("CARGO_PKG_REPOSITORY")
        ),
        default_configuration: SarifConfiguration {
            level: level.as_str(),
        },
        properties: SarifRuleProperties {
            tags: ["telemetry", "run"],
        },
    }
}

/// Renders diagnostics as one SARIF 2.1.0 log with one run, for GitHub code
/// scanning (`github/codeql-action/upload-sarif`) and other SARIF viewers.
///
/// `tool.driver.rules` lists every rule of [`telemetry_manifest::RULES`] (id, name,
/// summary, why, fix, a `helpUri` into `docs/rules.md`, the default level), then the
/// kinds of rule-less diagnostics that occur, by name. Each result has the rule's
/// id and index, the level, the message with its fix, and its location (the Rust
/// line, else the manifest line; the other as a related location). Paths are URIs
/// relative to the workspace root (`uriBaseId` `%SRCROOT%`); lines and columns start
/// at 1 and columns count Unicode code points. A diagnostic that points nowhere is
/// placed at the start of `fallback` (the manifest), since code scanning rejects a
/// result without a location.
pub fn render_sarif(diagnostics: &[Diagnostic], fallback: Option<&str>) -> String {
    let mut rules: Vec<SarifRule> = telemetry_manifest::RULES
        .iter()
        .map(|rule| SarifRule {
            id: rule.id.to_owned(),
            name: rule.name.to_owned(),
            short_description: SarifText {
                text: rule.summary.to_owned(),
            },
            full_description: SarifText {
                text: format!("{}: {}", rule.summary, rule.why),
            },
            help: Some(SarifMarkdown {
                text: rule.fix.to_owned(),
                markdown: telemetry_manifest::rules::render_rule(rule),
            }),
            help_uri: rule_help_uri(rule),
            default_configuration: SarifConfiguration {
                level: rule.level.as_str(),
            },
            properties: SarifRuleProperties {
                tags: ["telemetry", "privacy"],
            },
        })
        .collect();
    let mut others: Vec<Problem> = diagnostics
        .iter()
        .filter_map(|d| match d.code {
            Code::Problem(problem) => Some(problem),
            Code::Rule(_) => None,
        })
        .collect();
    others.sort_unstable_by_key(|p| p.name());
    others.dedup();
    rules.extend(others.into_iter().map(problem_rule));

    let results = diagnostics
        .iter()
        .map(|d| {
            let id = d.rule().map_or(d.name(), |r| r.id);
            let rule_index = rules.iter().position(|r| r.id == id).unwrap_or(0);
            let (primary, related) = primary_and_related(d);
            let locations = match (primary, fallback) {
                (Some(location), _) => vec![SarifLocation {
                    id: None,
                    physical_location: sarif_location(location),
                    message: None,
                }],
                (None, Some(path)) => vec![SarifLocation {
                    id: None,
                    physical_location: SarifPhysicalLocation {
                        artifact_location: SarifArtifactLocation {
                            uri: path_uri(path),
                            uri_base_id: "%SRCROOT%",
                        },
                        region: None,
                    },
                    message: None,
                }],
                (None, None) => Vec::new(),
            };
            let related_locations = related
                .map(|location| SarifLocation {
                    id: Some(1),
                    physical_location: sarif_location(location),
                    message: Some(SarifText {
                        text: "in the manifest".to_owned(),
                    }),
                })
                .into_iter()
                .collect();
            SarifResult {
                rule_id: id,
                rule_index,
                level: d.level.as_str(),
                message: SarifText {
                    text: match &d.help {
                        Some(help) => format!("{}\nhelp: {help}", d.message),
                        None => d.message.clone(),
                    },
                },
                locations,
                related_locations,
            }
        })
        .collect();
    let log = SarifLog {
        schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: [SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "telemetry-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|e| {
        format!("{{\"version\":\"2.1.0\",\"runs\":[],\"error\":\"cannot serialise the log: {e}\"}}")
    });
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use telemetry_manifest::Finding;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(path_uri("src/my file#1.rs"), "src/my%20file%231.rs");
        assert_eq!(path_uri("/abs/é.yaml"), "file:///abs/%C3%A9.yaml");
    }

    #[test]
    fn sarif_places_a_finding_without_location_on_the_manifest() {
        let finding = Finding::new(
            telemetry_manifest::rules::STALE_DATA_DICTIONARY,
            "the data dictionary `TELEMETRY.md` does not exist",
            "run `cargo telemetry-lint doc`",
        );
        let d = Diagnostic::from_finding(&finding);
        let log: serde_json::Value =
            serde_json::from_str(&render_sarif(&[d], Some("telemetry.yaml"))).unwrap();
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "TL021");
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "telemetry.yaml"
        );
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"][index]["id"],
            "TL021"
        );
    }
}
