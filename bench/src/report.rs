//! The table the harness prints: one row per figure, with our figure, the
//! reference it is compared with, their ratio, the target and whether it is met.

use std::fmt::Write as _;

/// Whether a row meets its target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The target is met.
    Met,
    /// The target is missed.
    Missed,
    /// A figure without a target, shown for context.
    Info,
    /// Not measured, with the reason.
    Skipped(String),
    /// The measurement failed, with the reason.
    Failed(String),
}

/// One line of the table.
#[derive(Clone, Debug)]
pub struct Row {
    /// What is measured.
    pub figure: String,
    /// Our figure.
    pub ours: String,
    /// The reference figure, or `-`.
    pub reference: String,
    /// The ratio the target is about, or `-`.
    pub ratio: String,
    /// The target, or `-`.
    pub target: String,
    /// Met or missed.
    pub verdict: Verdict,
}

impl Row {
    /// A row.
    pub fn new(
        figure: impl Into<String>,
        ours: impl Into<String>,
        reference: impl Into<String>,
        ratio: impl Into<String>,
        target: impl Into<String>,
        verdict: Verdict,
    ) -> Row {
        Row {
            figure: figure.into(),
            ours: ours.into(),
            reference: reference.into(),
            ratio: ratio.into(),
            target: target.into(),
            verdict,
        }
    }

    /// A row for a figure that was not measured.
    pub fn skipped(figure: impl Into<String>, reason: impl Into<String>) -> Row {
        Row::new(figure, "-", "-", "-", "-", Verdict::Skipped(reason.into()))
    }

    /// A row for a figure whose measurement failed.
    pub fn failed(figure: impl Into<String>, reason: impl Into<String>) -> Row {
        Row::new(figure, "-", "-", "-", "-", Verdict::Failed(reason.into()))
    }

    /// An informational row, without a target.
    pub fn info(figure: impl Into<String>, ours: impl Into<String>) -> Row {
        Row::new(figure, ours, "-", "-", "-", Verdict::Info)
    }
}

/// `met` or `missed`.
pub fn verdict(met: bool) -> Verdict {
    if met { Verdict::Met } else { Verdict::Missed }
}

/// The rows as an aligned plain-text table (also valid Markdown), followed by the
/// reasons of skipped and failed rows.
pub fn render(rows: &[Row]) -> String {
    let header = ["figure", "ours", "reference", "ratio", "target", "verdict"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            let verdict = match &row.verdict {
                Verdict::Met => "met".to_owned(),
                Verdict::Missed => "MISSED".to_owned(),
                Verdict::Info => "info".to_owned(),
                Verdict::Skipped(_) => "skipped".to_owned(),
                Verdict::Failed(_) => "FAILED".to_owned(),
            };
            [
                row.figure.clone(),
                row.ours.clone(),
                row.reference.clone(),
                row.ratio.clone(),
                row.target.clone(),
                verdict,
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for line in &cells {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        out.push('|');
        for (cell, width) in cells.iter().zip(widths) {
            let pad = width - cell.chars().count();
            let _ = write!(out, " {cell}{} |", " ".repeat(pad));
        }
        out.push('\n');
    };
    line(&mut out, &header.map(str::to_owned));
    out.push('|');
    for width in widths {
        let _ = write!(out, "{}|", "-".repeat(width + 2));
    }
    out.push('\n');
    for row in &cells {
        line(&mut out, row);
    }
    for row in rows {
        match &row.verdict {
            Verdict::Skipped(why) => {
                let _ = writeln!(out, "skipped: {}: {why}", row.figure);
            }
            Verdict::Failed(why) => {
                let _ = writeln!(out, "FAILED: {}: {why}", row.figure);
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_aligns_columns_and_lists_reasons() {
        let rows = vec![
            Row::new("a", "1 ms", "2 ms", "2.0", "<= 3", Verdict::Met),
            Row::skipped("longer figure", "tool absent"),
        ];
        let text = render(&rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].len(), lines[2].len());
        assert!(lines[2].ends_with("| met     |"), "{text}");
        assert!(text.contains("skipped: longer figure: tool absent"));
    }
}
