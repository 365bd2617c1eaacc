//! Diagnostics for people: miette snippets in the Rust file and in the manifest,
//! the why as a note and the fix as help, wrapped at 100 columns.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, Severity,
    SourceSpan, SpanContents,
};
use telemetry_manifest::Level;

use super::{Diagnostic, Location, primary_and_related};

/// The width human output is wrapped at, in columns.
const WIDTH: usize = 100;

/// Renders `diagnostics` for people, in the given order, each as
/// [`Report::render_human`](super::Report::render_human) shows it and followed by a blank line; `files` holds the
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

/// One diagnostic as miette sees it: a header, a snippet, and the snippet of the
/// other file as a related diagnostic.
#[derive(Debug)]
struct Rendered {
    code: Option<String>,
    message: String,
    severity: Severity,
    source: Option<Window>,
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

/// The lines of a file that one snippet shows, and where they start in the file,
/// so that miette reads (and the report copies) only them: a report of 5,000
/// findings in a 4 MB manifest would otherwise copy and scan the whole manifest
/// for each.
#[derive(Debug)]
struct Window {
    /// The file's path as shown.
    name: String,
    /// The lines shown.
    text: String,
    /// The byte offset of `text` in the file.
    start: usize,
    /// The 0-based line number of `text`'s first line in the file.
    first_line: usize,
}

impl miette::SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // Labels are placed in the file; the window reads in its own offsets.
        let local = SourceSpan::new(span.offset().saturating_sub(self.start).into(), span.len());
        let inner =
            self.text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + self.start).into(),
                inner.span().len(),
            ),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
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
) -> Option<(Window, LabeledSpan)> {
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
    // The window keeps the last line's end, as miette reads a line that has one.
    let window_end = if text[last..].starts_with('\n') {
        last + 1
    } else {
        last
    };
    // `first` starts the line before the span's (line 1 for a span on line 2),
    // or line 1 itself for a span there: 0-based, the span's line less two.
    let first_line = location.line.saturating_sub(2);
    Some((
        Window {
            name: location.path.clone(),
            text: text[first..window_end].to_owned(),
            start: first,
            first_line,
        },
        LabeledSpan::new_primary_with_span(Some(location.label.clone()), (offset, end - offset)),
    ))
}

fn render_one(d: &Diagnostic, files: &BTreeMap<String, Arc<str>>, color: bool) -> String {
    let severity = match d.level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
    };
    let (first, second) = primary_and_related(d);
    let mut main = Rendered {
        code: Some(d.heading()),
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
        out = format!("{}\n  × {}\n", d.heading(), d.message);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::manifest_location;
    use crate::report::Problem;

    /// The snippet of a span on line `line` of a ten-line manifest.
    fn rendered_at_line(line: usize) -> String {
        let text: String = (1..=10).map(|i| format!("key{i}: value\n")).collect();
        let offset = match line {
            1 => 0,
            _ => text
                .match_indices('\n')
                .nth(line - 2)
                .map_or(0, |(i, _)| i + 1),
        };
        let lines = telemetry_manifest::Lines::new(&text);
        let mut diagnostic = Diagnostic::problem(
            Problem::InvalidManifest,
            Level::Error,
            "something is wrong",
            "fix it",
        );
        diagnostic.manifest = Some(manifest_location(
            "telemetry.yaml",
            &text,
            &lines,
            telemetry_manifest::ByteSpan::new(offset, 4),
            "here",
        ));
        let files = BTreeMap::from([("telemetry.yaml".to_owned(), Arc::from(text.as_str()))]);
        render_diagnostics(&[diagnostic], &files, false)
    }

    #[test]
    fn snippets_number_their_lines_as_the_file_does() {
        for line in [1, 2, 3, 9, 10] {
            let out = rendered_at_line(line);
            assert!(
                out.contains(&format!("[telemetry.yaml:{line}:1]")),
                "line {line}:\n{out}"
            );
            assert!(
                out.contains(&format!("{line} │ key{line}: value")),
                "line {line}:\n{out}"
            );
            if line > 1 {
                let before = line - 1;
                assert!(
                    out.contains(&format!("{before} │ key{before}: value")),
                    "line {line}:\n{out}"
                );
            }
        }
    }
}
