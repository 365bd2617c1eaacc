//! Finding `telemetry.yaml` and parsing it once per compiler process.
//!
//! The lookup order is: the `TELEMETRY_MANIFEST` environment variable (a path,
//! relative paths taken from `CARGO_MANIFEST_DIR`), then the nearest `telemetry.yaml`
//! walking up from the source file that holds the struct, then walking up from
//! `CARGO_MANIFEST_DIR`.
//!
//! A proc-macro library is loaded once per compiler process, so a `static` cache
//! keyed by path, modification time and size parses each manifest once however many
//! events a crate declares, and again only when the file changes.
//!
//! A problem of the manifest as a whole (it cannot be found or read, or `validate`
//! finds a problem that belongs to no event and no group) concerns every item
//! checked against it, yet is reported once per compiler process: by the first
//! item that meets it, which in a build is the first in source order, so the same
//! item reports it on every rebuild. That item, and only that one, reports it
//! again when it is expanded anew in the same process (as an editor's long-lived
//! macro server does). A changed manifest is a new parse, with a new first item.
//!
//! A hidden environment variable proves it: when `TELEMETRY_MACROS_TRACE_PARSES`
//! names a file, every actual parse (not a cache hit) appends one line to it,
//! `parse <n> pid <process id> micros <µs> <manifest path>`, where `n` counts the
//! parses of this compiler process from 1 and `µs` is the time the parse and the
//! manifest's checks took, in microseconds (the benchmark harness reports it as the
//! macro's cost of a large manifest in a user's debug build). A test builds a crate of many events and finds one line
//! per compiler process. The variable is not tracked by cargo, so it only applies to
//! crates that are compiled anyway.

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use telemetry_manifest::{Finding, Lines, LoadError, ValidManifest};

/// The environment variable that names the manifest explicitly.
pub(crate) const MANIFEST_ENV: &str = "TELEMETRY_MANIFEST";

/// The manifest's file name.
pub(crate) const MANIFEST_FILE: &str = "telemetry.yaml";

/// A manifest read and checked.
pub(crate) struct Parsed {
    /// The manifest's text, for turning spans into lines.
    pub(crate) source: String,
    /// Where each line of `source` starts: every expansion places its errors
    /// and assertions' messages with it.
    pub(crate) lines: Lines,
    /// The checked manifest and the findings of its validation, or the load error.
    pub(crate) result: Result<(ValidManifest, Vec<Finding>), LoadError>,
    /// The item that reports the problems of the manifest as a whole.
    pub(crate) reporter: Reporter,
}

/// Which item of the compiler process reports a problem that several items share,
/// named by a key that the item gives (its file, attribute and name).
#[derive(Default)]
pub(crate) struct Reporter(Mutex<Option<String>>);

impl Reporter {
    /// Whether `item` reports the problem: true for the first item that asks, and
    /// for that same item whenever it asks again; false for every other item.
    pub(crate) fn claim(&self, item: &str) -> bool {
        let mut reporter = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match reporter.as_deref() {
            Some(first) => first == item,
            None => {
                *reporter = Some(item.to_owned());
                true
            }
        }
    }
}

/// The reporters of the errors of finding a manifest, by message: items in one
/// folder share the message, and so its reporter.
static LOCATE_REPORTERS: OnceLock<Mutex<HashMap<String, Arc<Reporter>>>> = OnceLock::new();

/// Whether `item` reports the error `message` of [`locate`] (see [`Reporter`]).
pub(crate) fn claim_locate_error(message: &str, item: &str) -> bool {
    let reporter = Arc::clone(
        LOCATE_REPORTERS
            .get_or_init(|| Mutex::new(HashMap::new()))
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(message.to_owned())
            .or_default(),
    );
    reporter.claim(item)
}

/// A manifest found on disk, with its parse.
pub(crate) struct Found {
    /// Its absolute path.
    pub(crate) path: PathBuf,
    /// The parse, shared with every other expansion in this compiler process.
    pub(crate) parsed: Arc<Parsed>,
}

struct Entry {
    modified: Option<SystemTime>,
    len: u64,
    parsed: Arc<Parsed>,
}

static CACHE: OnceLock<Mutex<HashMap<PathBuf, Entry>>> = OnceLock::new();

/// The manifests whose rebuild tracking this compiler process has emitted.
static TRACKED: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();

/// Whether the expansion asking should emit the rebuild tracking of the manifest
/// at `path` (`include_bytes!` of it): true the first time this compiler process
/// asks for `path`, false after. One such item per crate is enough for cargo to
/// rebuild the crate when the manifest changes, and one per expansion would
/// copy the whole manifest into the crate once per event.
pub(crate) fn claim_tracking(path: &Path) -> bool {
    TRACKED
        .get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(path.to_path_buf())
}

/// The environment variable naming the file that records each parse (see the
/// module docs).
const TRACE_PARSES_ENV: &str = "TELEMETRY_MACROS_TRACE_PARSES";

/// How many manifests this compiler process has parsed.
static PARSES: AtomicUsize = AtomicUsize::new(0);

/// Counts a parse that took `took` and, when [`TRACE_PARSES_ENV`] names a file,
/// appends a line to it. Tracing is best effort: a file that cannot be written is
/// ignored.
fn count_parse(path: &Path, took: std::time::Duration) {
    let n = PARSES.fetch_add(1, Ordering::Relaxed) + 1;
    let Some(trace) = std::env::var_os(TRACE_PARSES_ENV).filter(|v| !v.is_empty()) else {
        return;
    };
    let line = format!(
        "parse {n} pid {} micros {} {}\n",
        std::process::id(),
        took.as_micros(),
        path.display()
    );
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(trace)
    {
        let _ = file.write_all(line.as_bytes());
    }
}

/// Finds the manifest for a struct in `local_file` (the source file, if the
/// compiler knows it).
///
/// # Errors
/// A message saying where it looked, when no manifest is found, or when the
/// environment variable names a missing file.
pub(crate) fn locate(local_file: Option<&Path>) -> Result<PathBuf, String> {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    if let Some(explicit) = std::env::var_os(MANIFEST_ENV).filter(|v| !v.is_empty()) {
        let explicit = PathBuf::from(explicit);
        let path = match (&crate_dir, explicit.is_absolute()) {
            (Some(dir), false) => dir.join(&explicit),
            _ => explicit,
        };
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "{MANIFEST_ENV} names `{}`, which is not a file ({})",
                path.display(),
                match std::fs::metadata(&path) {
                    Ok(m) if m.is_dir() => "it is a directory".to_owned(),
                    Ok(_) => "it is not a regular file".to_owned(),
                    Err(e) => e.to_string(),
                }
            ))
        };
    }
    let cwd = std::env::current_dir().ok();
    let absolute = |path: &Path| match (&cwd, path.is_absolute()) {
        (Some(cwd), false) => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let mut looked = Vec::new();
    let starts = [
        local_file.and_then(|f| f.parent()).map(absolute),
        crate_dir.as_deref().map(absolute),
    ];
    for start in starts.iter().flatten() {
        if let Some(found) = walk_up(start) {
            return Ok(found);
        }
        looked.push(start.display().to_string());
    }
    // A folder that is named like the manifest is passed over; say so.
    let folders: Vec<String> = starts
        .iter()
        .flatten()
        .flat_map(|start| start.ancestors())
        .map(|dir| dir.join(MANIFEST_FILE))
        .filter(|candidate| candidate.is_dir())
        .map(|candidate| format!("; `{}` is a directory, not a file", candidate.display()))
        .collect();
    Err(format!(
        "no `{MANIFEST_FILE}` found in {} or any folder above; looked up from {}{}",
        looked.first().map_or("the crate", String::as_str),
        if looked.is_empty() {
            "nowhere (the compiler gave no source file and no CARGO_MANIFEST_DIR)".to_owned()
        } else {
            looked.join(" and ")
        },
        folders.first().map_or("", String::as_str)
    ))
}

fn walk_up(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(MANIFEST_FILE))
        .find(|candidate| candidate.is_file())
}

/// Reads and checks the manifest at `path`, or returns the cached parse when the
/// file's modification time and size are unchanged.
pub(crate) fn load(path: &Path) -> Found {
    let metadata = std::fs::metadata(path).ok();
    let modified = metadata.as_ref().and_then(|m| m.modified().ok());
    let len = metadata.as_ref().map_or(0, std::fs::Metadata::len);
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut cache = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(entry) = cache.get(path)
        && entry.modified == modified
        && entry.len == len
    {
        return Found {
            path: path.to_path_buf(),
            parsed: Arc::clone(&entry.parsed),
        };
    }
    let started = std::time::Instant::now();
    let parsed = Arc::new(match telemetry_manifest::load_path(path) {
        Ok(loaded) => Parsed {
            result: loaded
                .manifest
                .map(|manifest| telemetry_manifest::validate(&manifest)),
            lines: Lines::new(&loaded.source),
            source: loaded.source,
            reporter: Reporter::default(),
        },
        Err(error) => Parsed {
            source: String::new(),
            lines: Lines::default(),
            result: Err(error),
            reporter: Reporter::default(),
        },
    });
    count_parse(path, started.elapsed());
    cache.insert(
        path.to_path_buf(),
        Entry {
            modified,
            len,
            parsed: Arc::clone(&parsed),
        },
    );
    Found {
        path: path.to_path_buf(),
        parsed,
    }
}

/// How a manifest path is shown in messages: relative to the current directory
/// (the workspace root when cargo runs the compiler) when it lies below it.
pub(crate) fn display_path(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    shown.display().to_string().replace('\\', "/")
}
