use telemetry_core::{
    Arch, DurationBucket, OsFamily, SizeBucket, StructEvent, TelemetryEvent, TelemetryValue, Version,
    telemetry_event,
};

#[derive(Debug, TelemetryValue)]
enum Command {
    Build,
    Test,
    Lint,
}

/// Doc comments and other attributes stay on the struct.
#[telemetry_event]
#[derive(Debug)]
pub struct EveryType {
    flag: bool,
    targets: u32,
    retries: Option<u8>,
    command: Command,
    took: DurationBucket,
    output: SizeBucket,
    os: OsFamily,
    arch: Arch,
    version: Version,
}

fn main() {
    let event = EveryType {
        flag: true,
        targets: 5_000,
        retries: Some(2),
        command: Command::Lint,
        took: DurationBucket::from_duration(std::time::Duration::from_secs(90)),
        output: SizeBucket::from_bytes(4096),
        os: OsFamily::Linux,
        arch: Arch::Aarch64,
        version: Version::new(1, 4),
    };
    assert_eq!(EveryType::NAME, "every_type");
    assert_eq!(EveryType::FIELDS.len(), 9);
    let payload = event.payload_json();
    assert_eq!(
        payload,
        r#"{"event":"every_type","fields":{"arch":"aarch64","command":"lint","flag":true,"os":"linux","output":"1KiB-1MiB","retries":"1-3","targets":1000,"took":">=1min","version":"1.4"}}"#,
        "{payload}"
    );
}
