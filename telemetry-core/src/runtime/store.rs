//! The small files the runtime keeps in the user's configuration directory: the
//! persisted choice (`telemetry-consent`), the marker that the first-run notice
//! was shown (`telemetry-notice`), and the kept noisy answers of noised fields
//! (`telemetry-noise`, read and written by `runtime::privacy`).
//!
//! Both are written atomically (a temporary file in the same directory, then a
//! rename), so a crash leaves the old file or the new one, never half of one. A file
//! that cannot be read, or does not hold what it should, counts as "no choice" (or
//! "notice not shown"): the caller gets the problem as text, for debug mode, and
//! nothing panics.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The persisted choice's file name.
pub(crate) const CONSENT_FILE: &str = "telemetry-consent";
/// The notice marker's file name.
pub(crate) const NOTICE_FILE: &str = "telemetry-notice";
/// The kept noisy answers' file name (`runtime::privacy`).
pub(crate) const NOISE_FILE: &str = "telemetry-noise";

/// The configuration directory, when there is one.
#[derive(Clone, Debug)]
pub(crate) struct Store {
    dir: Option<PathBuf>,
}

impl Store {
    /// A store in `dir`; `None` when the user has no configuration directory (no home
    /// directory), in which case nothing persists.
    pub(crate) fn new(dir: Option<PathBuf>) -> Self {
        Store { dir }
    }

    /// The user's configuration directory for `name`, such as `~/.config/acme` on
    /// Linux, `~/Library/Application Support/acme` on macOS and
    /// `%APPDATA%\acme\config` on Windows.
    pub(crate) fn default_dir(name: &str) -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", name).map(|dirs| dirs.config_dir().to_path_buf())
    }

    /// The directory, when there is one.
    pub(crate) fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn path(&self, file: &str) -> Option<PathBuf> {
        self.dir.as_ref().map(|dir| dir.join(file))
    }

    /// The persisted choice: `Ok(Some(true))` enabled, `Ok(Some(false))` disabled,
    /// `Ok(None)` when none was made.
    ///
    /// # Errors
    /// A message naming the file when it cannot be read or holds something else than
    /// `enabled` or `disabled`; the caller treats that as no choice.
    pub(crate) fn read_choice(&self) -> Result<Option<bool>, String> {
        let Some(path) = self.path(CONSENT_FILE) else {
            return Ok(None);
        };
        let text = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => {
                return Err(format!(
                    "cannot read the persisted choice in {}: {error}; treated as no choice",
                    path.display()
                ));
            }
        };
        let text = String::from_utf8_lossy(&text);
        let word = text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with('#'));
        match word {
            Some("enabled") => Ok(Some(true)),
            Some("disabled") => Ok(Some(false)),
            _ => Err(format!(
                "the persisted choice in {} holds neither `enabled` nor `disabled`; treated as no choice",
                path.display()
            )),
        }
    }

    /// Persists the choice, atomically, and returns the file written.
    ///
    /// # Errors
    /// When there is no configuration directory, or it cannot be written.
    pub(crate) fn write_choice(&self, enabled: bool, program: &str) -> io::Result<PathBuf> {
        let path = self.path(CONSENT_FILE).ok_or_else(no_dir)?;
        let word = if enabled { "enabled" } else { "disabled" };
        let text = format!(
            "# Whether {program} may send telemetry: `enabled` or `disabled`.\n# Written by `{program} telemetry enable|disable`; it outlasts upgrades.\n{word}\n"
        );
        write_atomic(&path, text.as_bytes())?;
        Ok(path)
    }

    /// Whether the first-run notice was shown.
    ///
    /// # Errors
    /// A message naming the marker when its presence cannot be told; the caller then
    /// treats the notice as not shown (so nothing is sent).
    pub(crate) fn notice_shown(&self) -> Result<bool, String> {
        let Some(path) = self.path(NOTICE_FILE) else {
            return Ok(false);
        };
        match fs::metadata(&path) {
            Ok(_) => Ok(true),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(format!(
                "cannot read the notice marker {}: {error}; the notice counts as not shown",
                path.display()
            )),
        }
    }

    /// Stores that the first-run notice was shown.
    ///
    /// # Errors
    /// When there is no configuration directory, or it cannot be written.
    pub(crate) fn mark_notice_shown(&self, program: &str) -> io::Result<PathBuf> {
        let path = self.path(NOTICE_FILE).ok_or_else(no_dir)?;
        let text =
            format!("# {program} showed its telemetry notice; delete this file to see it again.\n");
        write_atomic(&path, text.as_bytes())?;
        Ok(path)
    }
}

fn no_dir() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        "no configuration directory (no home directory is known)",
    )
}

/// Writes `bytes` to `path` atomically: a new temporary file beside it, flushed to
/// disk, then renamed over `path`. Creates the directory when missing.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no directory"))?;
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}
