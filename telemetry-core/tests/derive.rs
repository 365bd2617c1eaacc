//! `#[derive(TelemetryValue)]` on fieldless enums, used the way a program uses it.

use telemetry_core::{Category, FieldMeta, PayloadValue, TelemetryValue, ValueKind};

#[derive(telemetry_core::TelemetryValue)]
enum Command {
    Build,
    RunTests,
    #[allow(dead_code)]
    HTTPServer,
    X86Target = 7,
    r#Type,
}

const FIELD: FieldMeta = FieldMeta {
    name: "command",
    kind: ValueKind::Enum,
    category: Category::Interaction,
    description: "Which subcommand ran.",
    values: &["build", "run_tests", "http_server", "x86_target", "type"],
    bounds: &[],
    max: None,
    noise: telemetry_core::Noise::None,
};

#[test]
fn variants_are_snake_case_in_declaration_order() {
    assert_eq!(<Command as TelemetryValue>::KIND, ValueKind::Enum);
    assert_eq!(
        Command::VARIANTS,
        ["build", "run_tests", "http_server", "x86_target", "type"]
    );
}

#[test]
fn each_variant_sends_its_name() {
    assert_eq!(
        Command::Build.to_payload(&FIELD),
        PayloadValue::Label("build")
    );
    assert_eq!(
        Command::RunTests.to_payload(&FIELD),
        PayloadValue::Label("run_tests")
    );
    assert_eq!(
        Command::X86Target.to_payload(&FIELD),
        PayloadValue::Label("x86_target")
    );
    assert_eq!(
        Command::Type.to_payload(&FIELD),
        PayloadValue::Label("type")
    );
}

#[test]
fn optional_enum_keeps_variants_and_sends_null() {
    assert_eq!(
        <Option<Command> as TelemetryValue>::VARIANTS,
        Command::VARIANTS
    );
    assert_eq!(None::<Command>.to_payload(&FIELD), PayloadValue::Null);
    assert_eq!(Some(Command::Build).to_payload(&FIELD).to_json(), "build");
}
