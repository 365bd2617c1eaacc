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

mod github;
mod human;
mod json;
mod problem;
mod sarif;

use std::collections::BTreeMap;
use std::sync::Arc;

pub(crate) use telemetry_manifest::text::plural;
use telemetry_manifest::{Finding, Level, Rule};

pub(crate) use github::render_github;
pub(crate) use human::render_diagnostics;
use json::JsonReport;
pub(crate) use json::{JsonFinding, JsonLocation, JsonSummary};
pub use problem::{Code, Problem};
pub(crate) use sarif::render_sarif;

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
    /// The rule broken, or the problem outside the rule table.
    pub code: Code,
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
            code: Code::Rule(finding.rule),
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

    /// A finding of `rule` made outside the shared checks, with the rule's level
    /// and why; the caller places it.
    pub fn for_rule(
        rule: &'static Rule,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Diagnostic::from_finding(&Finding::new(rule, message, help))
    }

    /// A problem outside the rule table, at `level`.
    pub fn problem(
        problem: Problem,
        level: Level,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code: Code::Problem(problem),
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

    /// The rule broken, if the diagnostic is a rule's finding.
    pub fn rule(&self) -> Option<&'static Rule> {
        self.code.rule()
    }

    /// The rule's or the problem's kebab-case name.
    pub fn name(&self) -> &'static str {
        self.code.name()
    }

    /// `TL007 path-field`, or the bare name for diagnostics without a rule.
    pub fn heading(&self) -> String {
        match self.code {
            Code::Rule(rule) => rule.code(),
            Code::Problem(problem) => problem.name().to_owned(),
        }
    }

    fn sort_key(&self) -> (String, usize, usize, String, String) {
        let primary = self.source.as_ref().or(self.manifest.as_ref());
        (
            primary.map_or_else(String::new, |l| l.path.clone()),
            primary.map_or(0, |l| l.line),
            primary.map_or(0, |l| l.column),
            match self.code {
                Code::Rule(rule) => rule.id.to_owned(),
                Code::Problem(problem) => format!("~{}", problem.name()),
            },
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
        out.push_str(&self.closing_lines());
        out
    }

    /// The summary line (left out when a note stands alone) and the note, each
    /// ending with a newline: what human and GitHub output end with.
    fn closing_lines(&self) -> String {
        let mut out = String::new();
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

    /// Renders for code scanning: one SARIF 2.1.0 log (see `report::sarif`),
    /// pretty-printed, ending with a newline.
    pub fn render_sarif(&self) -> String {
        render_sarif(&self.diagnostics, self.manifest.as_deref())
    }

    /// Renders for GitHub Actions: one workflow command per diagnostic (see
    /// `report::github`), then the summary and the note as plain lines.
    pub fn render_github(&self) -> String {
        let mut out = render_github(&self.diagnostics, self.manifest.as_deref());
        out.push_str(&self.closing_lines());
        out
    }
}

/// Where a diagnostic is shown: its Rust location, else its manifest location.
/// The other one, when both are set, is the related location.
pub(crate) fn primary_and_related(d: &Diagnostic) -> (Option<&Location>, Option<&Location>) {
    match (&d.source, &d.manifest) {
        (Some(source), manifest) => (Some(source), manifest.as_ref()),
        (None, manifest) => (manifest.as_ref(), None),
    }
}
