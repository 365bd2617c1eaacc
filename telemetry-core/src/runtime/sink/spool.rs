//! The spool: a local file of records, one per line (JSON Lines), kept under a size
//! limit. It is the spool sink's destination, for a collector to pick up or a user
//! to read, and the network sinks' store of records not yet delivered, which a
//! later run sends first.
//!
//! Each write is one append of whole lines. The file never grows past its size
//! limit: records that would cross it are dropped and counted.

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{Counters, Sink};

/// The spool file's name in the user's configuration directory, when the program
/// names no other path.
pub const SPOOL_FILE: &str = "telemetry-spool.jsonl";

/// A JSON Lines file kept under `max_bytes` bytes.
#[derive(Clone, Debug)]
pub(crate) struct Spool {
    pub(crate) path: PathBuf,
    pub(crate) max_bytes: u64,
}

/// What an append came to: records written, and records dropped at the size limit.
pub(crate) struct Appended {
    pub(crate) kept: usize,
    pub(crate) dropped: usize,
}

impl Spool {
    /// Appends `records` in order, one line each, creating the file and its
    /// directory; stops at the size limit, dropping the records that would cross
    /// it.
    ///
    /// # Errors
    /// When the file cannot be written; then no record counts as kept.
    pub(crate) fn append(&self, records: &[String]) -> io::Result<Appended> {
        let mut size = fs::metadata(&self.path).map_or(0, |m| m.len());
        let mut text = String::new();
        let mut kept = 0;
        for record in records {
            let line = u64::try_from(record.len() + 1).unwrap_or(u64::MAX);
            if size.saturating_add(line) > self.max_bytes {
                continue;
            }
            size += line;
            text.push_str(record);
            text.push('\n');
            kept += 1;
        }
        let dropped = records.len() - kept;
        if kept > 0 {
            if let Some(dir) = self.path.parent() {
                fs::create_dir_all(dir)?;
            }
            let mut file = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?;
            file.write_all(text.as_bytes())?;
        }
        Ok(Appended { kept, dropped })
    }

    /// Takes every record out of the file: renames it to a name of this process
    /// (so that two runs never take the same records), reads it, and removes it.
    /// Lines that are not records (a line cut short by a crash) are skipped. An
    /// absent file gives nothing.
    pub(crate) fn take(&self) -> Vec<String> {
        let mut taken = self.path.clone().into_os_string();
        taken.push(format!(".{}.taken", std::process::id()));
        let taken = PathBuf::from(taken);
        if fs::rename(&self.path, &taken).is_err() {
            return Vec::new();
        }
        let text = fs::read_to_string(&taken).unwrap_or_default();
        let _ = fs::remove_file(&taken);
        text.lines()
            .filter(|line| line.starts_with("{\"event\":") && line.ends_with('}'))
            .map(str::to_owned)
            .collect()
    }
}

/// Appends records to a file.
pub(crate) struct SpoolSink {
    spool: Spool,
    lock: Mutex<()>,
    counters: Arc<Counters>,
}

impl SpoolSink {
    /// A sink appending to `spool`.
    pub(crate) fn new(spool: Spool, counters: Arc<Counters>) -> Self {
        SpoolSink {
            spool,
            lock: Mutex::new(()),
            counters,
        }
    }
}

impl Sink for SpoolSink {
    fn deliver(&self, records: Vec<String>) {
        let _guard = self
            .lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match self.spool.append(&records) {
            Ok(appended) => {
                Counters::add(&self.counters.dropped, appended.dropped);
                Counters::add(&self.counters.delivered, appended.kept);
            }
            Err(_) => Counters::add(&self.counters.failed, records.len()),
        }
    }

    fn shutdown(&self, _deadline: Instant) {}
}
