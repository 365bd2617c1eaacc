use telemetry_core::{
    Arch, OsFamily, StructEvent, TelemetryEvent, TelemetryGroup, TelemetryValue, Version,
    telemetry_event,
    telemetry_group,
};

#[derive(TelemetryValue)]
pub enum Command {
    Build,
    Test,
    Lint,
}

/// The struct's order differs from the manifest's; the metadata follows the manifest.
#[telemetry_group]
pub struct Platform {
    pub version: Version,
    pub os: OsFamily,
    pub arch: Arch,
}

#[telemetry_group(name = "runner")]
pub struct HowStarted {
    pub mode: Command,
    pub ci: bool,
}

#[telemetry_event]
pub struct ToolStarted {
    pub platform: Platform,
    pub command: Command,
}

#[telemetry_event]
pub struct ToolStopped {
    pub success: bool,
    pub platform: Platform,
    pub runner: HowStarted,
}

fn names(fields: &[telemetry_core::FieldMeta]) -> Vec<&'static str> {
    fields.iter().map(|f| f.name).collect()
}

fn main() {
    assert_eq!(Platform::NAME, "platform");
    assert_eq!(names(Platform::FIELDS), ["os", "arch", "version"]);
    assert_eq!(HowStarted::NAME, "runner");

    let platform = Platform {
        version: Version::new(2, 7),
        os: OsFamily::Macos,
        arch: Arch::X86_64,
    };
    let started = ToolStarted {
        platform,
        command: Command::Test,
    };
    // The event's metadata lists the group's fields after its own.
    assert_eq!(
        names(ToolStarted::FIELDS),
        ["command", "os", "arch", "version"]
    );
    // The payload is flat: the group's fields stand beside the event's own.
    assert_eq!(
        started.payload_json(),
        r#"{"event":"tool_started","fields":{"arch":"x86_64","command":"test","os":"macos","version":"2.7"}}"#
    );

    let stopped = ToolStopped {
        success: false,
        platform: Platform {
            version: Version::new(1, 0),
            os: OsFamily::Linux,
            arch: Arch::Aarch64,
        },
        runner: HowStarted {
            mode: Command::Lint,
            ci: true,
        },
    };
    // Groups follow the order of the event's `groups:` list: runner, then platform.
    assert_eq!(
        names(ToolStopped::FIELDS),
        ["success", "ci", "mode", "os", "arch", "version"]
    );
    let mut visited = Vec::new();
    stopped.visit_fields(&mut |meta, _| visited.push(meta.name));
    assert_eq!(visited, names(ToolStopped::FIELDS));
    assert_eq!(
        stopped.payload_json(),
        r#"{"event":"tool_stopped","fields":{"arch":"aarch64","ci":true,"mode":"lint","os":"linux","success":false,"version":"1.0"}}"#
    );
}
