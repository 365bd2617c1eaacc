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
//!
//! Both record what the user was told: a few `#` comment lines, then a JSON object
//! (serde_json) with the choice (`"enabled"`, `"disabled"`; the consent file only),
//! the chosen level, and `"covers"`: each level with the most sensitive data
//! category it sent, and the data dictionary's digest ([`Coverage`]). Files written
//! before levels existed (a bare `enabled` or `disabled`, a marker with a comment
//! only) are still read: their choice counts, and they cover nothing known, so the
//! notice is shown once more before anything is sent under them.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::project::ProjectInfo;
use crate::Category;

/// The persisted choice's file name.
pub(crate) const CONSENT_FILE: &str = "telemetry-consent";
/// The notice marker's file name.
pub(crate) const NOTICE_FILE: &str = "telemetry-notice";
/// The kept noisy answers' file name (`runtime::privacy`).
pub(crate) const NOISE_FILE: &str = "telemetry-noise";

/// What a stored choice or a shown notice covered: each level with the most
/// sensitive data category it sent then, and the data dictionary's digest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Coverage {
    /// `(level name, category)`, in the build's order; an unnamed level (`""`) for
    /// a manifest without levels.
    pub(crate) levels: Vec<(String, Category)>,
    /// `ProjectInfo::digest` of the build that wrote it.
    pub(crate) digest: String,
}

impl Coverage {
    /// What this build sends.
    pub(crate) fn of(project: &ProjectInfo) -> Coverage {
        Coverage {
            levels: project
                .levels
                .iter()
                .map(|level| (level.name.to_owned(), level.category))
                .collect(),
            digest: project.digest.to_owned(),
        }
    }

    /// Whether the level called `name` was covered with a category at least `category`.
    pub(crate) fn covers(&self, name: &str, category: Category) -> bool {
        self.levels
            .iter()
            .any(|(covered, highest)| covered == name && *highest >= category)
    }

    fn to_json(&self) -> Value {
        json!({
            "levels": self
                .levels
                .iter()
                .map(|(name, category)| json!({ "name": name, "category": category.as_str() }))
                .collect::<Vec<_>>(),
            "digest": self.digest,
        })
    }

    fn from_json(value: &Value) -> Option<Coverage> {
        let levels = value
            .get("levels")?
            .as_array()?
            .iter()
            .map(|level| {
                Some((
                    level.get("name")?.as_str()?.to_owned(),
                    Category::parse(level.get("category")?.as_str()?)?,
                ))
            })
            .collect::<Option<Vec<_>>>()?;
        let digest = value.get("digest")?.as_str()?.to_owned();
        Some(Coverage { levels, digest })
    }
}

/// The persisted choice, as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StoredChoice {
    /// `enabled` or `disabled`.
    pub(crate) enabled: bool,
    /// The chosen level, when one was chosen.
    pub(crate) level: Option<String>,
    /// What it covered; `None` for a file written before levels existed.
    pub(crate) covers: Option<Coverage>,
}

/// The notice marker, as read: `None` when the notice was never shown.
pub(crate) type NoticeState = Option<Option<Coverage>>;

/// The text after the comment lines, trimmed.
fn body(text: &str) -> String {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

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

    /// The persisted choice, `Ok(None)` when none was made.
    ///
    /// # Errors
    /// A message naming the file when it cannot be read or holds something else than
    /// a choice; the caller treats that as no choice.
    pub(crate) fn read_choice(&self) -> Result<Option<StoredChoice>, String> {
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
        let body = body(&String::from_utf8_lossy(&text));
        let unreadable = || {
            format!(
                "the persisted choice in {} holds neither `enabled` nor `disabled`; treated as no choice",
                path.display()
            )
        };
        if body.starts_with('{') {
            let value: Value = serde_json::from_str(&body).map_err(|_| unreadable())?;
            let enabled = match value.get("choice").and_then(Value::as_str) {
                Some("enabled") => true,
                Some("disabled") => false,
                _ => return Err(unreadable()),
            };
            return Ok(Some(StoredChoice {
                enabled,
                level: value
                    .get("level")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                covers: value.get("covers").and_then(Coverage::from_json),
            }));
        }
        // Written before levels existed: one word.
        let enabled = match body.as_str() {
            "enabled" => true,
            "disabled" => false,
            _ => return Err(unreadable()),
        };
        Ok(Some(StoredChoice {
            enabled,
            level: None,
            covers: None,
        }))
    }

    /// Persists the choice, atomically, and returns the file written. `level` is
    /// the chosen level (`None`: every level); `commands` the program's own enable
    /// and disable commands, which the comment names.
    ///
    /// # Errors
    /// When there is no configuration directory, or it cannot be written.
    pub(crate) fn write_choice(
        &self,
        enabled: bool,
        level: Option<&str>,
        covers: &Coverage,
        program: &str,
        commands: &[&str],
    ) -> io::Result<PathBuf> {
        let path = self.path(CONSENT_FILE).ok_or_else(no_dir)?;
        let how = match commands {
            [] => "the program's telemetry commands".to_owned(),
            [one] => format!("`{one}`"),
            [init @ .., last] => format!(
                "{} or `{last}`",
                init.iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let document = json!({
            "choice": if enabled { "enabled" } else { "disabled" },
            "level": level,
            "covers": covers.to_json(),
        });
        let text = format!(
            "# Whether {program} may send telemetry, and at which level. Change it with {how}.\n# It outlasts upgrades; a version that sends more than `covers` says asks again first.\n{}\n",
            serde_json::to_string_pretty(&document).map_err(io::Error::other)?
        );
        write_atomic(&path, text.as_bytes())?;
        Ok(path)
    }

    /// Whether the first-run notice was shown, and what it covered.
    ///
    /// # Errors
    /// A message naming the marker when it cannot be read; the caller then treats
    /// the notice as not shown (so nothing is sent).
    pub(crate) fn notice_state(&self) -> Result<NoticeState, String> {
        let Some(path) = self.path(NOTICE_FILE) else {
            return Ok(None);
        };
        match fs::read(&path) {
            Ok(bytes) => {
                let body = body(&String::from_utf8_lossy(&bytes));
                Ok(Some(serde_json::from_str::<Value>(&body).ok().and_then(
                    |value| value.get("covers").and_then(Coverage::from_json),
                )))
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(format!(
                "cannot read the notice marker {}: {error}; the notice counts as not shown",
                path.display()
            )),
        }
    }

    /// Stores that the notice was shown, and what it told.
    ///
    /// # Errors
    /// When there is no configuration directory, or it cannot be written.
    pub(crate) fn mark_notice_shown(
        &self,
        program: &str,
        covers: &Coverage,
    ) -> io::Result<PathBuf> {
        let path = self.path(NOTICE_FILE).ok_or_else(no_dir)?;
        let document = json!({ "covers": covers.to_json() });
        let text = format!(
            "# {program} showed its telemetry notice; delete this file to see it again.\n{}\n",
            serde_json::to_string_pretty(&document).map_err(io::Error::other)?
        );
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
