//! Diagnostics and their renderings: for people (miette), for tools (JSON), for code
//! scanning (SARIF 2.1.0) and for GitHub Actions (workflow annotations).
//!
//! A [`Diagnostic`] is a [`telemetry_manifest::Finding`] placed in files: the rule,
//! its words unchanged, and where it points in the Rust sources and in
//! `telemetry.yaml`. Problems that are not breaches of a rule (a file that cannot be
//! parsed, a manifest that does not match the schema) are diagnostics too, without
//! a rule id. A [`Report`] holds them sorted by file, line and rule, so the output
//! is the same from run to run.
//!
//! Every rendering is a pure function of the diagnostics: no timestamps, no absolute
//! paths of the machine, so two runs on the same input print the same bytes.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity};
use serde::Serialize;
use telemetry_manifest::{Finding, Level, Rule};

/// The width human output is wrapped at, in columns.
const WIDTH: usize = 100;

/// A place in a file, for a snippet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The path relative to the workspace root, with `/` separators.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset of the first byte in the file.
    pub offset: usize,
    /// Length in bytes; may be zero.
    pub len: usize,
    /// The label under the snippet.
    pub label: String,
}

/// One thing to report.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The rule broken, if the diagnostic is a rule's finding.
    pub rule: Option<&'static Rule>,
    /// The rule's kebab-case name, or the kind of problem for diagnostics without a
    /// rule (`invalid-manifest`, `manifest-schema`, `unparseable-source`, ...).
    pub name: &'static str,
    /// How serious it is.
    pub level: Level,
    /// What is wrong; lowercase, no trailing period.
    pub message: String,
    /// Why it matters for privacy.
    pub why: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// The event concerned.
    pub event: Option<String>,
    /// The field concerned.
    pub field: Option<String>,
    /// Where in the manifest.
    pub manifest: Option<Location>,
    /// Where in the Rust sources (or another file of the workspace).
    pub source: Option<Location>,
}

impl Diagnostic {
    /// A diagnostic from a rule's finding, with its words unchanged; the caller
    /// places it.
    pub fn from_finding(finding: &Finding) -> Self {
        Diagnostic {
            rule: Some(finding.rule),
            name: finding.rule.name,
            level: finding.rule.level,
            message: finding.message.clone(),
            why: Some(finding.rule.why.to_owned()),
            help: Some(finding.help.clone()),
            event: finding.event.clone(),
            field: finding.field.clone(),
            manifest: None,
            source: None,
        }
    }

    /// A diagnostic outside the rule table.
    pub fn other(
        name: &'static str,
        level: Level,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule: None,
            name,
            level,
            message: message.into(),
            why: None,
            help: Some(help.into()),
            event: None,
            field: None,
            manifest: None,
            source: None,
        }
    }

    /// `TL007 path-field`, or the bare name for diagnostics without a rule.
    pub fn code(&self) -> String {
        match self.rule {
            Some(rule) => rule.code(),
            None => self.name.to_owned(),
        }
    }

    fn sort_key(&self) -> (String, usize, usize, String, String) {
        let primary = self.source.as_ref().or(self.manifest.as_ref());
        (
            primary.map_or_else(String::new, |l| l.path.clone()),
            primary.map_or(0, |l| l.line),
            primary.map_or(0, |l| l.column),
            self.rule
                .map_or_else(|| format!("~{}", self.name), |r| r.id.to_owned()),
            self.message.clone(),
        )
    }
}

/// The result of a run: diagnostics, sorted, and the files they point into.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The diagnostics, sorted by file, line, column and rule.
    pub diagnostics: Vec<Diagnostic>,
    /// The text of every file a diagnostic points into, by relative path.
    pub files: BTreeMap<String, Arc<str>>,
    /// How many events were checked (declared or sent).
    pub events: usize,
    /// What was checked against what, such as `telemetry.yaml against 6 event
    /// structs in 4 Rust files`, for the summary line.
    pub scope: Option<String>,
    /// Whether the run could not be completed (exit code 2).
    pub fatal: bool,
    /// A line printed after the summary, such as where a file was written; when it
    /// is set and there are no diagnostics, the summary is left out.
    pub note: Option<String>,
    /// The manifest's path as shown, when known. SARIF and GitHub annotations place
    /// a diagnostic that points nowhere (a missing `TELEMETRY.md`) on this file,
    /// since code scanning rejects a result without a location.
    pub manifest: Option<String>,
}

impl Report {
    /// Adds a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Sorts the diagnostics and drops exact duplicates.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by_cached_key(Diagnostic::sort_key);
        self.diagnostics.dedup_by(|a, b| {
            a.sort_key() == b.sort_key() && a.manifest == b.manifest && a.source == b.source
        });
    }

    /// The number of error-level diagnostics.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .count()
    }

    /// The number of warning-level diagnostics.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.level == Level::Warning)
            .count()
    }

    /// The process exit code: 2 when the run could not be completed, 1 when there
    /// are errors, 0 otherwise.
    pub fn exit_code(&self) -> i32 {
        if self.fatal {
            2
        } else if self.errors() > 0 {
            1
        } else {
            0
        }
    }

    /// The summary line, such as `2 errors, 0 warnings in 3 events; checked
    /// telemetry.yaml against 3 event structs in 2 Rust files`, or
    /// `1 error, 0 warnings; the check could not run`.
    pub fn summary(&self) -> String {
        if self.fatal {
            return format!(
                "{}, {}; the check could not run",
                plural(self.errors(), "error"),
                plural(self.warnings(), "warning"),
            );
        }
        let scope = self
            .scope
            .as_ref()
            .map(|scope| format!("; checked {scope}"))
            .unwrap_or_default();
        format!(
            "{}, {} in {}{scope}",
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning"),
            plural(self.events, "event")
        )
    }

    /// Renders for people: each diagnostic with miette (snippets in the Rust file
    /// and in the manifest, the why as a note, the fix as help), then the summary.
    /// `color` turns ANSI colours on; hyperlinks are always off.
    pub fn render_human(&self, color: bool) -> String {
        let mut out = render_diagnostics(&self.diagnostics, &self.files, color);
        if self.note.is_none() || !self.diagnostics.is_empty() {
            out.push_str(&self.summary());
            out.push('\n');
        }
        if let Some(note) = &self.note {
            out.push_str(note);
            out.push('\n');
        }
        out
    }

    /// Renders for tools: the JSON document described in `docs/json-output.md`,
    /// pretty-printed, ending with a newline.
    pub fn render_json(&self) -> String {
        let document = JsonReport {
            version: 1,
            findings: self.diagnostics.iter().map(JsonFinding::from).collect(),
            summary: JsonSummary {
                errors: self.errors(),
                warnings: self.warnings(),
            },
        };
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_else(|e| {
            format!("{{\"version\":1,\"error\":\"cannot serialise the report: {e}\"}}")
        });
        text.push('\n');
        text
    }

    /// Renders for code scanning: one SARIF 2.1.0 log (see [`render_sarif`]),
    /// pretty-printed, ending with a newline.
    pub fn render_sarif(&self) -> String {
        render_sarif(&self.diagnostics, self.manifest.as_deref())
    }

    /// Renders for GitHub Actions: one workflow command per diagnostic (see
    /// [`render_github`]), then the summary and the note as plain lines.
    pub fn render_github(&self) -> String {
        let mut out = render_github(&self.diagnostics, self.manifest.as_deref());
        if self.note.is_none() || !self.diagnostics.is_empty() {
            out.push_str(&self.summary());
            out.push('\n');
        }
        if let Some(note) = &self.note {
            out.push_str(note);
            out.push('\n');
        }
        out
    }
}

/// `1 event`, `2 events`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Renders `diagnostics` for people, in the given order, each as
/// [`Report::render_human`] shows it and followed by a blank line; `files` holds the
/// text of the files they point into, by relative path. No summary.
pub(crate) fn render_diagnostics(
    diagnostics: &[Diagnostic],
    files: &BTreeMap<String, Arc<str>>,
    color: bool,
) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&render_one(diagnostic, files, color));
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
}

/// The `summary` of a JSON report.
#[derive(Serialize)]
pub(crate) struct JsonSummary {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
}

/// One entry of a JSON report's `findings`.
#[derive(Serialize)]
pub(crate) struct JsonFinding<'a> {
    rule: Option<&'static str>,
    name: &'static str,
    level: &'static str,
    message: &'a str,
    why: Option<&'a str>,
    help: Option<&'a str>,
    event: Option<&'a str>,
    field: Option<&'a str>,
    manifest: Option<JsonLocation<'a>>,
    source: Option<JsonLocation<'a>>,
}

/// A location in a JSON report: path, line and column.
#[derive(Serialize)]
pub(crate) struct JsonLocation<'a> {
    path: &'a str,
    line: usize,
    column: usize,
}

impl<'a> From<&'a Location> for JsonLocation<'a> {
    fn from(l: &'a Location) -> Self {
        JsonLocation {
            path: &l.path,
            line: l.line,
            column: l.column,
        }
    }
}

impl<'a> From<&'a Diagnostic> for JsonFinding<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonFinding {
            rule: d.rule.map(|r| r.id),
            name: d.name,
            level: d.level.as_str(),
            message: &d.message,
            why: d.why.as_deref(),
            help: d.help.as_deref(),
            event: d.event.as_deref(),
            field: d.field.as_deref(),
            manifest: d.manifest.as_ref().map(JsonLocation::from),
            source: d.source.as_ref().map(JsonLocation::from),
        }
    }
}

/// One diagnostic as miette sees it: a header, a snippet, and the snippet of the
/// other file as a related diagnostic.
#[derive(Debug)]
struct Rendered {
    code: Option<String>,
    message: String,
    severity: Severity,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

/// The longest line a snippet shows, in bytes. Past it (minified or generated code,
/// a manifest written on one line) the place is given as `at path:line:column`
/// instead: miette would print the whole line, and cannot draw a label past
/// column 65,535.
const MAX_SNIPPET_LINE: usize = 1_000;

fn snippet(
    location: &Location,
    files: &BTreeMap<String, Arc<str>>,
) -> Option<(NamedSource<String>, LabeledSpan)> {
    let text = files.get(&location.path)?;
    // A span is in bytes; keep both ends on character boundaries.
    let mut offset = location.offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let mut end = offset.saturating_add(location.len).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    // The lines miette shows: the span's, and one of context on each side.
    let first = text[..offset]
        .rfind('\n')
        .and_then(|i| text[..i].rfind('\n').map(|j| j + 1).or(Some(0)))
        .unwrap_or(0);
    let last = text[end..]
        .match_indices('\n')
        .nth(1)
        .map_or(text.len(), |(i, _)| end + i);
    if text[first..last]
        .split('\n')
        .any(|line| line.len() > MAX_SNIPPET_LINE)
    {
        return None;
    }
    Some((
        NamedSource::new(&location.path, text.to_string()),
        LabeledSpan::new_primary_with_span(Some(location.label.clone()), (offset, end - offset)),
    ))
}

fn render_one(d: &Diagnostic, files: &BTreeMap<String, Arc<str>>, color: bool) -> String {
    let severity = match d.level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
    };
    let (first, second) = match (&d.source, &d.manifest) {
        (Some(source), manifest) => (Some(source), manifest.as_ref()),
        (None, manifest) => (manifest.as_ref(), None),
    };
    let mut main = Rendered {
        code: Some(d.code()),
        message: d.message.clone(),
        severity,
        source: None,
        labels: Vec::new(),
        related: Vec::new(),
    };
    let mut unplaced = Vec::new();
    if let Some(location) = first {
        match snippet(location, files) {
            Some((source, label)) => {
                main.source = Some(source);
                main.labels.push(label);
            }
            None => unplaced.push(location),
        }
    }
    if let Some(location) = second {
        match snippet(location, files) {
            Some((source, label)) => main.related.push(Rendered {
                code: None,
                message: "in the manifest".to_owned(),
                severity: Severity::Advice,
                source: Some(source),
                labels: vec![label],
                related: Vec::new(),
            }),
            None => unplaced.push(location),
        }
    }
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_urls(false)
        .with_width(WIDTH);
    let mut out = String::new();
    if handler.render_report(&mut out, &main).is_err() {
        out = format!("{}\n  × {}\n", d.code(), d.message);
    }
    // miette heads a related diagnostic with its severity; the snippet of the second
    // file is part of this diagnostic, so the heading goes.
    let mut out = out
        .lines()
        .filter(|line| line.trim_end() != "Advice:")
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    for location in unplaced {
        let _ = writeln!(
            out,
            "  at {}:{}:{}",
            location.path, location.line, location.column
        );
    }
    if let Some(why) = &d.why {
        out.push_str(&wrap("  note: ", why));
    }
    if let Some(help) = &d.help {
        out.push_str(&wrap("  help: ", help));
    }
    out
}

/// Word-wraps `text` at [`WIDTH`] after a `prefix`, aligning continuation lines
/// under the text.
fn wrap(prefix: &str, text: &str) -> String {
    let indent = " ".repeat(prefix.chars().count());
    let mut out = String::new();
    let mut line = prefix.to_owned();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The `$schema` of the SARIF logs written: the OASIS SARIF 2.1.0 schema.
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json";

/// Diagnostics that are not rule findings, as SARIF rules: name, level, and what
/// they mean. Names not listed here get a generic description.
const OTHER_KINDS: &[(&str, Level, &str)] = &[
    (
        "invalid-manifest",
        Level::Error,
        "the telemetry manifest cannot be read or parsed, so nothing could be checked",
    ),
    (
        "manifest-schema",
        Level::Error,
        "the manifest breaks schemas/telemetry-manifest.schema.json in a way the rules do not report",
    ),
    (
        "no-git",
        Level::Error,
        "git cannot be run, so a manifest at a git revision cannot be read",
    ),
    (
        "no-workspace",
        Level::Error,
        "cargo cannot find the workspace, so nothing could be checked",
    ),
    (
        "non-utf8-source",
        Level::Error,
        "a Rust file is not UTF-8 and was skipped",
    ),
    (
        "stale-schema",
        Level::Error,
        "the committed payload schema differs from what the manifest generates",
    ),
    (
        "unknown-revision",
        Level::Error,
        "the manifest cannot be read at the given git revision",
    ),
    (
        "unparseable-source",
        Level::Error,
        "a Rust file that mentions telemetry events is not valid Rust and was skipped",
    ),
    (
        "unreadable-source",
        Level::Error,
        "a file or directory of the workspace cannot be read and was skipped",
    ),
    (
        "unwritable-output",
        Level::Error,
        "a generated file cannot be written",
    ),
];

/// Where a diagnostic is shown: its Rust location, else its manifest location.
/// The other one, when both are set, is the related location.
fn primary_and_related(d: &Diagnostic) -> (Option<&Location>, Option<&Location>) {
    match (&d.source, &d.manifest) {
        (Some(source), manifest) => (Some(source), manifest.as_ref()),
        (None, manifest) => (manifest.as_ref(), None),
    }
}

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

/// The SARIF rule of a diagnostic without a rule id.
fn other_kind_rule(name: &str) -> SarifRule {
    let (level, description) = OTHER_KINDS.iter().find(|(n, _, _)| *n == name).map_or(
        (
            Level::Error,
            "a problem that kept cargo telemetry-lint from checking part of the workspace",
        ),
        |(_, level, d)| (*level, *d),
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
    let mut others: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d.rule.is_none())
        .map(|d| d.name)
        .collect();
    others.sort_unstable();
    others.dedup();
    rules.extend(others.iter().map(|name| other_kind_rule(name)));

    let results = diagnostics
        .iter()
        .map(|d| {
            let id = d.rule.map_or(d.name, |r| r.id);
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

/// Escapes the message of a GitHub workflow command: `%`, CR and LF.
pub fn github_escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a GitHub workflow command (`file=`, `title=`): as
/// [`github_escape_data`], and `:` and `,` too.
pub fn github_escape_property(text: &str) -> String {
    github_escape_data(text)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// Renders diagnostics as GitHub Actions workflow commands, one line each:
/// `::error file=src/lib.rs,line=15,col=18,title=TL004 field-type-mismatch::message`
/// (`::warning` for warnings). The message carries the manifest location, when the
/// finding has one besides the Rust one, and the fix, on lines of their own. A
/// diagnostic that points nowhere is placed on `fallback` (the manifest), without a
/// line.
pub fn render_github(diagnostics: &[Diagnostic], fallback: Option<&str>) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let (primary, related) = primary_and_related(d);
        let mut properties = Vec::new();
        match (primary, fallback) {
            (Some(location), _) => {
                properties.push(format!("file={}", github_escape_property(&location.path)));
                properties.push(format!("line={}", location.line.max(1)));
                properties.push(format!("col={}", location.column.max(1)));
            }
            (None, Some(path)) => properties.push(format!("file={}", github_escape_property(path))),
            (None, None) => {}
        }
        properties.push(format!("title={}", github_escape_property(&d.code())));
        let mut message = d.message.clone();
        if let Some(location) = related {
            let _ = write!(
                message,
                "\nin the manifest: {}:{}:{}",
                location.path, location.line, location.column
            );
        }
        if let Some(help) = &d.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            github_escape_data(&message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes_follow_the_workflow_command_rules() {
        assert_eq!(github_escape_data("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
        assert_eq!(
            github_escape_property("100% a:b,c\r\nd"),
            "100%25 a%3Ab%2Cc%0D%0Ad"
        );
    }

    #[test]
    fn github_annotation_names_file_line_column_and_rule() {
        let finding = Finding::new(
            telemetry_manifest::rules::PATH_FIELD,
            "field `p` has type `PathBuf`, which: can, carry 100% a path",
            "send a bool",
        );
        let mut d = Diagnostic::from_finding(&finding);
        d.source = Some(Location {
            path: "src/a,b.rs".to_owned(),
            line: 3,
            column: 7,
            offset: 0,
            len: 0,
            label: String::new(),
        });
        assert_eq!(
            render_github(&[d], None),
            "::error file=src/a%2Cb.rs,line=3,col=7,title=TL007 path-field::field `p` has type `PathBuf`, which: can, carry 100%25 a path%0Ahelp: send a bool\n"
        );
    }

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
