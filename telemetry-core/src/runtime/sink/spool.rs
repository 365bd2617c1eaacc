//! The spool sink: records appended to a local file, one per line (JSON Lines), for
//! a collector to pick up or a user to read.
//!
//! Each delivery is one append of whole lines. The file never grows past its size
//! limit: records that would cross it are dropped and counted.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{Counters, Sink};

/// Appends records to a file.
pub(crate) struct SpoolSink {
    path: PathBuf,
    max_bytes: u64,
    lock: Mutex<()>,
    counters: Arc<Counters>,
}

impl SpoolSink {
    /// A sink appending to `path`, which it keeps under `max_bytes` bytes.
    pub(crate) fn new(path: PathBuf, max_bytes: u64, counters: Arc<Counters>) -> Self {
        SpoolSink {
            path,
            max_bytes,
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
        let mut size = fs::metadata(&self.path).map_or(0, |m| m.len());
        let mut text = String::new();
        let mut kept = 0;
        for record in &records {
            let line = u64::try_from(record.len() + 1).unwrap_or(u64::MAX);
            if size.saturating_add(line) > self.max_bytes {
                continue;
            }
            size += line;
            text.push_str(record);
            text.push('\n');
            kept += 1;
        }
        Counters::add(&self.counters.dropped, records.len() - kept);
        if kept == 0 {
            return;
        }
        let written = (|| {
            if let Some(dir) = self.path.parent() {
                fs::create_dir_all(dir)?;
            }
            let mut file = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?;
            file.write_all(text.as_bytes())
        })();
        match written {
            Ok(()) => Counters::add(&self.counters.delivered, kept),
            Err(_) => Counters::add(&self.counters.failed, kept),
        }
    }

    fn shutdown(&self, _deadline: Instant) {}
}
