//! The commands, one module each. Each takes its parsed arguments and returns the
//! exit code; what they share (printing a report, refusing a format, the colour
//! choice) is here.

pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod doc;
pub(crate) mod estimate;
pub(crate) mod explain;
pub(crate) mod init;
pub(crate) mod review;
pub(crate) mod schema;

use std::io::{IsTerminal, Write};

use crate::Format;
use crate::cli::ColorArg;
use crate::report::Report;

/// The `--color` choice, resolved per output stream.
#[derive(Clone, Copy)]
pub(crate) struct Color(pub(crate) ColorArg);

impl Color {
    /// Whether to colour text written to a stream that is (or is not) a terminal;
    /// `auto` colours a terminal unless `NO_COLOR` is set to a non-empty value.
    fn for_stream(self, is_terminal: bool) -> bool {
        match self.0 {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }

    pub(crate) fn stdout(self) -> bool {
        self.for_stream(std::io::stdout().is_terminal())
    }

    fn stderr(self) -> bool {
        self.for_stream(std::io::stderr().is_terminal())
    }
}

pub(crate) fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Prints a report in `format` and returns its exit code. Human output of a run
/// that could not complete goes to stderr; everything else to stdout.
pub(crate) fn emit(report: &Report, format: Format, color: Color) -> i32 {
    match format {
        Format::Json => print_out(&report.render_json()),
        Format::Sarif => print_out(&report.render_sarif()),
        Format::Github => print_out(&report.render_github()),
        Format::Human | Format::Markdown | Format::Html if report.fatal => {
            let text = report.render_human(color.stderr());
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        Format::Human | Format::Markdown | Format::Html => {
            print_out(&report.render_human(color.stdout()))
        }
    }
    report.exit_code()
}

/// Refuses a format a command does not print, with exit code 2.
pub(crate) fn refuse_format(command: &str, format: Format, accepted: &str) -> Option<i32> {
    let name = match format {
        Format::Human => "human",
        Format::Json => "json",
        Format::Sarif => "sarif",
        Format::Github => "github",
        Format::Markdown => "markdown",
        Format::Html => "html",
    };
    if accepted.split(", ").any(|a| a == name) {
        return None;
    }
    eprintln!("error: `{command}` does not print `--format {name}`; it prints {accepted}");
    Some(2)
}
