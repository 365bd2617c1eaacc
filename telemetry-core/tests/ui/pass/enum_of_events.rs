// An enum of events: each variant sends the payload a struct with the same fields
// and event name would send.
use telemetry_core::{
    DurationBucket, StructEvent, TelemetryEvent, TelemetryValue, telemetry_event,
};

#[derive(Clone, Copy, TelemetryValue)]
pub enum Theme {
    Light,
    Dark,
}

#[derive(Clone, Copy, TelemetryValue)]
pub enum Command {
    Build,
    Test,
    Lint,
}

#[telemetry_event]
#[derive(Clone, Copy)]
pub struct CommandFinished {
    pub command: Command,
    pub duration: DurationBucket,
    pub success: bool,
}

/// Doc comments and derives stay on the enum; `#[telemetry]` is removed.
#[telemetry_event]
#[derive(Clone, Copy)]
pub enum Event {
    /// A variant with named fields: event `session_started`.
    SessionStarted { theme: Theme, retries: u8 },
    /// A unit variant: event `quit`, without fields.
    Quit,
    /// A renamed variant: event `app_closed`.
    #[telemetry(name = "app_closed")]
    Close { forced: bool },
    /// A tuple variant wrapping an event: sends `command_finished`.
    Finished(CommandFinished),
}

/// The payload of a struct with the same fields and name, for comparison.
#[telemetry_event]
pub struct SessionStarted {
    pub theme: Theme,
    pub retries: u8,
}

fn names(fields: &[telemetry_core::FieldMeta]) -> Vec<&'static str> {
    fields.iter().map(|f| f.name).collect()
}

fn main() {
    let started = Event::SessionStarted {
        theme: Theme::Dark,
        retries: 200,
    };
    assert_eq!(started.name(), "session_started");
    assert_eq!(names(started.fields()), ["theme", "retries"]);
    assert_eq!(
        started.payload_json(),
        r#"{"event":"session_started","fields":{"retries":10,"theme":"dark"}}"#
    );
    let same = SessionStarted {
        theme: Theme::Dark,
        retries: 200,
    };
    assert_eq!(started.payload_json(), same.payload_json());
    assert_eq!(names(started.fields()), names(SessionStarted::FIELDS));

    let quit = Event::Quit;
    assert_eq!(quit.name(), "quit");
    assert!(quit.fields().is_empty());
    assert_eq!(quit.payload_json(), r#"{"event":"quit","fields":{}}"#);

    let closed = Event::Close { forced: true };
    assert_eq!(closed.name(), "app_closed");
    assert_eq!(
        closed.payload_json(),
        r#"{"event":"app_closed","fields":{"forced":true}}"#
    );

    let inner = CommandFinished {
        command: Command::Test,
        duration: DurationBucket::from_millis(1_500),
        success: true,
    };
    let finished = Event::Finished(inner);
    assert_eq!(finished.name(), CommandFinished::NAME);
    assert_eq!(names(finished.fields()), names(CommandFinished::FIELDS));
    assert_eq!(
        finished.payload_json(),
        r#"{"event":"command_finished","fields":{"command":"test","duration":"1s-10s","success":true}}"#
    );
    assert_eq!(finished.payload_json(), inner.payload_json());

    // An enum of events is used through `dyn TelemetryEvent` as well.
    let events: [&dyn TelemetryEvent; 2] = [&started, &inner];
    assert_eq!(events[1].name(), "command_finished");
    let _ = (Theme::Light, Command::Build, Command::Lint);
}
