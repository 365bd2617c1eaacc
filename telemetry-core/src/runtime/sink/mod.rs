//! Where records go: the debug sink (stderr), the spool sink (a local JSON Lines
//! file), and the network sinks (`network.rs`: our JSON, or OTLP with the `otlp`
//! feature, over the program's own [`client::HttpClient`] or, with the `http` feature, the
//! built-in one).
//!
//! A sink takes records that are already JSON text. It never blocks on the network,
//! never panics and never grows without bound: failures and drops are counted in
//! [`Counters`], and are silent.

pub(crate) mod client;
pub(crate) mod debug;
pub(crate) mod endpoint;
pub(crate) mod network;
#[cfg(feature = "otlp")]
pub(crate) mod otlp;
pub(crate) mod spool;

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Where the notice, debug payloads and debug diagnostics are written: stderr, or a
/// writer a test supplies.
pub(crate) type Output = Arc<Mutex<Box<dyn Write + Send>>>;

/// Writes `text` to `out`, ignoring failures (telemetry never breaks the program).
pub(crate) fn write_out(out: &Output, text: &str) {
    let mut out = out
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// A destination for records.
pub(crate) trait Sink: Send + Sync {
    /// Takes records, each a compact JSON text; returns at once, whatever happens
    /// to them.
    fn deliver(&self, records: Vec<String>);

    /// Delivers what is pending until `deadline` at most, then keeps what is left
    /// for a later run where the sink can (the network sinks' spool), and returns.
    fn shutdown(&self, deadline: Instant);

    /// How many records wait in the sink's queue now.
    fn queued(&self) -> usize {
        0
    }
}

/// Counts of what happened to records, shared by the sinks and the runtime.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Records a sink accepted: printed, written to the spool, or answered with a
    /// 2xx status by the collector.
    pub(crate) delivered: AtomicU64,
    /// Records given up on: write errors, batches the collector rejected, or
    /// records left at shutdown with no spool to keep them.
    pub(crate) failed: AtomicU64,
    /// Records dropped because a bound was reached: the aggregator's table, the
    /// network queue, or the spool file's size.
    pub(crate) dropped: AtomicU64,
    /// Records a network sink could not deliver by shutdown and appended to the
    /// spool, for a later run to send.
    pub(crate) spooled: AtomicU64,
}

impl Counters {
    /// Adds `n` to `counter`.
    pub(crate) fn add(counter: &AtomicU64, n: usize) {
        counter.fetch_add(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// The value of `counter`.
    pub(crate) fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}
