//! Diagnostics as GitHub Actions workflow commands, one annotation per finding.

use std::fmt::Write as _;

use telemetry_manifest::Level;

use super::{Diagnostic, primary_and_related};

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
        properties.push(format!("title={}", github_escape_property(&d.heading())));
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
    use telemetry_manifest::Finding;

    use crate::report::Location;

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
}
