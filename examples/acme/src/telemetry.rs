//! Whether telemetry is on, and what happens to an event.
//!
//! Telemetry is off when `ACME_TELEMETRY=0`, `DO_NOT_TRACK=1` or `--no-telemetry`
//! is given. Nothing is sent anywhere yet: with `--print-telemetry`, each event is
//! printed to stderr as the JSON that would be sent, so users can see exactly what
//! acme reports.

use telemetry_core::TelemetryEvent;

/// Why telemetry is off, for the status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptedOut {
    /// `--no-telemetry` was given.
    Flag,
    /// `ACME_TELEMETRY=0` (or `false`, `off`, `no`) is set.
    Env,
    /// `DO_NOT_TRACK` is set to anything but `0` or empty.
    DoNotTrack,
}

/// The telemetry settings of one run.
#[derive(Clone, Copy, Debug)]
pub struct Telemetry {
    opted_out: Option<OptedOut>,
    print: bool,
}

impl Telemetry {
    /// Reads the opt-outs: the flag first, then the environment.
    pub fn new(no_telemetry_flag: bool, print: bool) -> Self {
        let var = |name: &str| std::env::var(name).unwrap_or_default();
        let acme = var("ACME_TELEMETRY").trim().to_ascii_lowercase();
        let dnt = var("DO_NOT_TRACK");
        let opted_out = if no_telemetry_flag {
            Some(OptedOut::Flag)
        } else if matches!(acme.as_str(), "0" | "false" | "off" | "no") {
            Some(OptedOut::Env)
        } else if !matches!(dnt.trim(), "" | "0") {
            Some(OptedOut::DoNotTrack)
        } else {
            None
        };
        Telemetry { opted_out, print }
    }

    /// One line saying whether telemetry is on and how to change it.
    pub fn status(&self) -> &'static str {
        match self.opted_out {
            None => {
                "telemetry is on; turn it off with --no-telemetry, ACME_TELEMETRY=0 or DO_NOT_TRACK=1, and see what is sent with --print-telemetry"
            }
            Some(OptedOut::Flag) => "telemetry is off (--no-telemetry)",
            Some(OptedOut::Env) => "telemetry is off (ACME_TELEMETRY=0)",
            Some(OptedOut::DoNotTrack) => "telemetry is off (DO_NOT_TRACK)",
        }
    }

    /// Whether events are recorded at all.
    pub fn is_on(&self) -> bool {
        self.opted_out.is_none()
    }

    /// Records an event: nothing when the user opted out; with `--print-telemetry`,
    /// prints the exact payload to stderr. Never fails.
    pub fn record<E: TelemetryEvent>(&self, event: &E) {
        if !self.is_on() {
            return;
        }
        if self.print {
            eprintln!("telemetry: {}", event.payload_json());
        }
    }
}
