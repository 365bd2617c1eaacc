use telemetry_core::{DurationBucket, StructEvent, TelemetryEvent, TelemetryValue, telemetry_event};

#[derive(TelemetryValue)]
pub enum Command {
    Build,
    Test,
    Lint,
}

#[telemetry_event(name = "command_finished")]
pub struct Finished {
    pub command: Command,
    pub duration: DurationBucket,
    pub success: bool,
}

fn main() {
    let event = Finished {
        command: Command::Build,
        duration: DurationBucket::from_millis(150),
        success: true,
    };
    assert_eq!(Finished::NAME, "command_finished");
    assert_eq!(
        event.payload_json(),
        r#"{"event":"command_finished","fields":{"command":"build","duration":"100ms-1s","success":true}}"#
    );
}
