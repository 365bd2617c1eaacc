//! Generated files: written atomically, and compared with what would be written.
//!
//! Every file the linter generates (`TELEMETRY.md`, `TELEMETRY.json`, the payload
//! schema, a draft `telemetry.yaml`) is written through [`write_file`] and checked
//! for staleness through [`compare`], so `doc --check`, `schema --check` and `check`
//! judge a committed copy the same way (a checkout that turned line ends into CRLF
//! holds the same document).
//!
//! Writing is atomic: a reader, or a run that is interrupted, sees the old file or
//! the new one, never a mix.
//!
//! [`write_file`] writes into a temporary file in the target's directory (so the
//! final rename stays on one file system), flushes it to disk, and renames it over
//! the target; on any error the temporary file is removed and the old file is left
//! as it was. `doc` (`TELEMETRY.md`) and `init` (`telemetry.yaml`) write through it.
//! A process killed mid-write can leave its temporary file (named
//! `.<file name>.<random>.tmp`) beside the target, but never a half-written target.
//!
//! Two hidden environment variables let tests interrupt a write:
//! `TELEMETRY_LINT_FAIL_WRITE_AFTER=<bytes>` makes the write fail once that many bytes
//! of the temporary file are written, and `TELEMETRY_LINT_WRITE_PAUSE_MS=<ms>` pauses
//! after every chunk of [`CHUNK_BYTES`], so a test can kill the process mid-write.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use telemetry_manifest::{Finding, Level, rules};

use crate::report::{Diagnostic, Location, Problem, Report};

/// The size of the chunks the temporary file is written in, in bytes: 64 KiB.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// Hidden test hook: fail the write after this many bytes (see the module docs).
#[doc(hidden)]
pub const FAIL_AFTER_ENV: &str = "TELEMETRY_LINT_FAIL_WRITE_AFTER";

/// Hidden test hook: pause this many milliseconds after each chunk.
#[doc(hidden)]
pub const PAUSE_ENV: &str = "TELEMETRY_LINT_WRITE_PAUSE_MS";

/// Writes `contents` to `path` atomically: a temporary file in the same directory,
/// flushed to disk, then renamed over `path`. A new file gets the usual permissions
/// (read-write for the owner, readable by others, less the umask); a replaced file
/// keeps its permissions.
///
/// # Errors
/// When the directory is missing or not writable, a write or flush fails, or the
/// rename fails. `path` is then unchanged and no temporary file is left.
pub fn write_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir)?;
    if let Ok(old) = std::fs::metadata(path)
        && old.is_file()
    {
        file.as_file().set_permissions(old.permissions())?;
    }
    write_chunks(file.as_file_mut(), contents)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    // The rename itself is durable once the directory is flushed; where a directory
    // cannot be opened or flushed (some platforms), the file is still complete.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

fn write_chunks(file: &mut File, contents: &[u8]) -> io::Result<()> {
    let fail_after = hook(FAIL_AFTER_ENV);
    let pause = hook(PAUSE_ENV).map(|ms| Duration::from_millis(ms as u64));
    let mut written = 0;
    for chunk in contents.chunks(CHUNK_BYTES) {
        if let Some(limit) = fail_after
            && written + chunk.len() > limit
        {
            file.write_all(&chunk[..limit - written])?;
            return Err(io::Error::other(format!(
                "the write was stopped after {limit} bytes ({FAIL_AFTER_ENV} is set)"
            )));
        }
        file.write_all(chunk)?;
        written += chunk.len();
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
    }
    Ok(())
}

fn hook(name: &str) -> Option<usize> {
    std::env::var(name).ok()?.trim().parse().ok()
}

/// How a file on disk compares with what would be generated.
#[derive(Debug)]
pub(crate) enum Staleness {
    /// The file holds the expected bytes (line ends aside).
    Current,
    /// There is no file.
    Missing,
    /// The file exists but cannot be read.
    Unreadable(io::Error),
    /// The file differs; its text (lossily decoded) for the snippet.
    Differs(String),
}

/// Compares the file at `path` with `expected`.
pub(crate) fn compare(path: &Path, expected: &str) -> Staleness {
    let actual = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Staleness::Missing,
        Err(e) => return Staleness::Unreadable(e),
    };
    let actual = String::from_utf8_lossy(&actual).into_owned();
    // A checkout that turned line ends into CRLF holds the same document.
    if actual == expected || (actual.contains("\r\n") && actual.replace("\r\n", "\n") == expected) {
        Staleness::Current
    } else {
        Staleness::Differs(actual)
    }
}

/// Compares the data dictionary at `path` (shown as `shown`) with `expected`.
/// Returns a TL021 diagnostic when it differs, or when it is missing and
/// `require` is set; adds the file's text to `report` for the snippet.
pub(crate) fn dictionary_staleness(
    path: &Path,
    shown: &str,
    expected: &str,
    require: bool,
    report: &mut Report,
) -> Option<Diagnostic> {
    let fix = "run `cargo telemetry-lint doc` and commit the result";
    let (message, help, actual) = match compare(path, expected) {
        Staleness::Current => return None,
        Staleness::Missing if !require => return None,
        Staleness::Missing => (
            format!("the data dictionary `{shown}` does not exist"),
            fix.to_owned(),
            None,
        ),
        Staleness::Unreadable(e) => (
            format!("the data dictionary `{shown}` cannot be read: {e}"),
            format!("check the file's permissions, then {fix}"),
            None,
        ),
        Staleness::Differs(actual) => {
            let at = first_difference(&actual, expected);
            (
                format!(
                    "the data dictionary `{shown}` differs from what the manifest generates, from line {} on",
                    at.0
                ),
                fix.to_owned(),
                Some((actual, at)),
            )
        }
    };
    let finding = Finding::new(rules::STALE_DATA_DICTIONARY, message, help);
    let mut diagnostic = Diagnostic::from_finding(&finding);
    if let Some((actual, (line, column, offset, len))) = actual {
        diagnostic.source = Some(Location {
            path: shown.to_owned(),
            line,
            column,
            offset,
            len,
            label: "differs from here".to_owned(),
        });
        report.files.insert(shown.to_owned(), Arc::from(actual));
    }
    Some(diagnostic)
}

/// Where `actual` first differs from `expected`: the 1-based line and column (in
/// characters), the byte offset, and the length in bytes of the differing character
/// (0 at the end of the text).
fn first_difference(actual: &str, expected: &str) -> (usize, usize, usize, usize) {
    let mut offset = 0;
    let mut expected_lines = expected.split_inclusive('\n');
    let mut line_number = 1;
    for line in actual.split_inclusive('\n') {
        let wanted = expected_lines.next().unwrap_or("");
        if wanted != line {
            let same = line
                .char_indices()
                .zip(wanted.chars())
                .find(|((_, a), b)| a != b)
                .map_or(line.len().min(wanted.len()), |((i, _), _)| i);
            let column = line[..same].chars().count() + 1;
            let len = line[same..].chars().next().map_or(0, char::len_utf8);
            return (line_number, column, offset + same, len);
        }
        offset += line.len();
        line_number += 1;
    }
    (line_number, 1, actual.len(), 0)
}

/// Writes a generated file atomically, noting it in the report, or making the
/// report fatal when it cannot be written.
pub(crate) fn write_output(path: &Path, shown: &str, contents: &str, report: &mut Report) {
    match write_file(path, contents.as_bytes()) {
        Ok(()) => report.note = Some(format!("wrote {shown}")),
        Err(e) => {
            report.fatal = true;
            report.push(Diagnostic::problem(
                Problem::UnwritableOutput,
                Level::Error,
                format!("cannot write `{shown}`: {e}"),
                "check that the directory exists and is writable, or pass `--output <PATH>`",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.md");
        write_file(&path, b"old\n").unwrap();
        write_file(&path, b"new\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_permissions_of_the_file_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.md");
        write_file(&path, b"first\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&path, b"second\n").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.md");
        assert!(write_file(&path, b"x").is_err());
    }

    #[test]
    fn first_difference_points_at_the_character() {
        assert_eq!(first_difference("a\nbcd\n", "a\nbxd\n"), (2, 2, 3, 1));
        assert_eq!(first_difference("a\n", "a\nb\n"), (2, 1, 2, 0));
        assert_eq!(first_difference("a\nb\n", "a\n"), (2, 1, 2, 1));
        assert_eq!(first_difference("é\n", "e\n"), (1, 1, 0, 2));
    }
}
