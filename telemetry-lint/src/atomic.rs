//! Writing generated files atomically: a reader, or a run that is interrupted, sees
//! the old file or the new one, never a mix.
//!
//! [`write_file`] writes into a temporary file in the target's directory (so the
//! final rename stays on one file system), flushes it to disk, and renames it over
//! the target; on any error the temporary file is removed and the old file is left
//! as it was. `doc` (`TELEMETRY.md`) and `init` (`telemetry.yaml`) write through it.
//! A process killed mid-write can leave its temporary file (named
//! `.<file name>.<random>.tmp`) beside the target, but never a half-written target.
//!
//! ```no_run
//! telemetry_lint::atomic::write_file("TELEMETRY.md".as_ref(), b"# Telemetry\n")?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Two hidden environment variables let tests interrupt a write:
//! `TELEMETRY_LINT_FAIL_WRITE_AFTER=<bytes>` makes the write fail once that many bytes
//! of the temporary file are written, and `TELEMETRY_LINT_WRITE_PAUSE_MS=<ms>` pauses
//! after every chunk of [`CHUNK_BYTES`], so a test can kill the process mid-write.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

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
}
