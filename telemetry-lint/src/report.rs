//! Diagnostics and their two renderings: for people (miette) and for tools (JSON).
//!
//! A [`Diagnostic`] is a [`telemetry_manifest::Finding`] placed in files: the rule,
//! its words unchanged, and where it points in the Rust sources and in
//! `telemetry.yaml`. Problems that are not breaches of a rule (a file that cannot be
//! parsed, a manifest that does not match the schema) are diagnostics too, without
//! a rule id. A [`Report`] holds them sorted by file, line and rule, so the output
//! is the same from run to run.

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

fn snippet(
    location: &Location,
    files: &BTreeMap<String, Arc<str>>,
) -> Option<(NamedSource<String>, LabeledSpan)> {
    let text = files.get(&location.path)?;
    let offset = location.offset.min(text.len());
    let len = location.len.min(text.len() - offset);
    Some((
        NamedSource::new(&location.path, text.to_string()),
        LabeledSpan::new_primary_with_span(Some(location.label.clone()), (offset, len)),
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
