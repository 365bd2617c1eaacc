//! Places in a scanned file: [`SourceSpan`], and the line index that turns the
//! parser's line and column pairs into byte offsets.

/// A place in a scanned file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct SourceSpan {
    /// Byte offset of the first byte.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Line starts of a text, to turn `proc_macro2` line/column pairs into byte offsets.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
    text: String,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            starts,
            text: text.to_owned(),
        }
    }

    /// The byte offset of a 1-based line and 0-based character column.
    fn offset(&self, line: usize, column: usize) -> usize {
        let Some(start) = line
            .checked_sub(1)
            .and_then(|l| self.starts.get(l))
            .copied()
        else {
            return self.text.len();
        };
        let end = self.starts.get(line).copied().unwrap_or(self.text.len());
        let line_text = self.text.get(start..end).unwrap_or("");
        let within = line_text
            .char_indices()
            .nth(column)
            .map_or(line_text.len(), |(i, _)| i);
        start + within
    }

    /// The length in bytes of the character at `offset` (0 at the end).
    pub(crate) fn char_len(&self, offset: usize) -> usize {
        self.text
            .get(offset..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8)
    }

    pub(crate) fn span(&self, span: proc_macro2::Span) -> SourceSpan {
        let start = span.start();
        let end = span.end();
        let offset = self.offset(start.line, start.column);
        let end = self.offset(end.line, end.column).max(offset);
        SourceSpan {
            offset,
            len: end - offset,
            line: start.line.max(1),
            column: start.column + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_characters_per_line() {
        let lines = LineIndex::new("ab\néx: u8\n");
        assert_eq!(lines.offset(2, 1), 5);
        assert_eq!(lines.offset(9, 0), "ab\néx: u8\n".len());
    }
}
