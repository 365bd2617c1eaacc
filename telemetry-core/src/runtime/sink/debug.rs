//! The debug sink: every record printed to stderr, one per line, exactly as it
//! would be sent, and nothing sent anywhere.

use std::sync::Arc;
use std::time::Instant;

use super::{Counters, Output, Sink, write_out};

/// Prints records.
pub(crate) struct DebugSink {
    out: Output,
    counters: Arc<Counters>,
}

impl DebugSink {
    /// A sink printing to `out`.
    pub(crate) fn new(out: Output, counters: Arc<Counters>) -> Self {
        DebugSink { out, counters }
    }
}

impl Sink for DebugSink {
    fn deliver(&self, records: Vec<String>) {
        let mut text = String::new();
        for record in &records {
            text.push_str(record);
            text.push('\n');
        }
        write_out(&self.out, &text);
        Counters::add(&self.counters.delivered, records.len());
    }

    fn shutdown(&self, _deadline: Instant) {}
}
