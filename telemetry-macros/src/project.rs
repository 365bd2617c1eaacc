//! `manifest_project!()`: the manifest's `project` section as a
//! `telemetry_core::runtime::ProjectInfo` expression, for the runtime.
//!
//! The manifest is found and parsed through the same lookup and per-process cache as
//! `#[telemetry_event]` (`event::manifest`), and the expansion includes the manifest
//! with `include_bytes!` (unless an earlier expansion in the same compiler process
//! did) so cargo rebuilds the program when it changes. Every problem
//! is a `compile_error!` with a placeholder `ProjectInfo` beside it, so the program
//! sees that one error and not a cascade.
//!
//! The runtime reads `<NAME>_TELEMETRY` (the project's name in upper case, other
//! characters than letters and digits as `_`); a manifest that documents another
//! variable under `project.opt_out.env` would promise an opt-out that does not work,
//! so that is an error here.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;

use sha2::{Digest, Sha256};
use telemetry_manifest::{
    Automation, Category, ConfigFormat, ConsentModel, ContextField, Expiry, ValidManifest,
    line_column,
};

use crate::event::manifest;

/// Expands `manifest_project!(input)`; `local_file` is the source file of the call,
/// when the compiler knows it.
pub(crate) fn expand(input: TokenStream, local_file: Option<PathBuf>) -> TokenStream {
    if let Some(token) = input.into_iter().next() {
        let error = syn::Error::new(
            token.span(),
            "`manifest_project!()` takes no arguments\n  = help: the manifest is found as `#[telemetry_event]` finds it; set TELEMETRY_MANIFEST to choose another one",
        );
        return with_placeholder(error.to_compile_error());
    }
    let path = match manifest::locate(local_file.as_deref()) {
        Ok(path) => path,
        Err(message) => {
            return with_placeholder(error(format!(
                "cannot read the telemetry manifest for `manifest_project!()`: {message}\n  = help: create `{}` at the workspace root, or set {} to the manifest's path",
                manifest::MANIFEST_FILE,
                manifest::MANIFEST_ENV
            )));
        }
    };
    let found = manifest::load(&path);
    let shown = manifest::display_path(&found.path);
    let source = found.parsed.source.as_str();
    let tracking = tracking(&found.path);
    match &found.parsed.result {
        Err(load_error) => {
            let place = load_error
                .span
                .map(|span| {
                    let (line, column) = line_column(source, span.offset);
                    format!(":{line}:{column}")
                })
                .unwrap_or_default();
            let error = error(format!(
                "cannot read the telemetry manifest for `manifest_project!()`: {shown}{place}: {}\n  = help: {}",
                load_error.message, load_error.help
            ));
            let placeholder = with_placeholder(error);
            quote! {{ #tracking #placeholder }}
        }
        Ok((valid, _findings)) => match project_info(valid, &shown, source) {
            Ok(info) => quote! {{ #tracking #info }},
            Err(message) => {
                let placeholder = with_placeholder(error(message));
                quote! {{ #tracking #placeholder }}
            }
        },
    }
}

fn error(message: String) -> TokenStream {
    syn::Error::new(Span::call_site(), message).to_compile_error()
}

/// The variable the runtime reads for `name`: `acme` gives `ACME_TELEMETRY`.
pub(crate) fn env_var(name: &str) -> String {
    telemetry_manifest::text::telemetry_env_var(name)
}

/// What makes cargo rebuild the caller when the manifest changes or
/// `TELEMETRY_MANIFEST` names another one.
fn tracking(path: &Path) -> TokenStream {
    // Once per compiler process and manifest, as for events.
    let manifest = Some(path)
        .filter(|path| crate::event::manifest::claim_tracking(path))
        .and_then(Path::to_str)
        .map(|path| quote! { const _: &[u8] = ::core::include_bytes!(#path); });
    quote! {
        #manifest
        const _: ::core::option::Option<&str> = ::core::option_env!("TELEMETRY_MANIFEST");
    }
}

/// `error` followed by a `ProjectInfo` that turns nothing on.
fn with_placeholder(error: TokenStream) -> TokenStream {
    quote! {{
        #error
        ::telemetry_core::__private::ProjectInfo {
            name: "",
            env_var: "",
            debug_env_var: "",
            program_version: "",
            consent: ::telemetry_core::__private::ConsentModel::OptIn,
            context: &[],
            data_dictionary: ::core::option::Option::None,
            contact: ::core::option::Option::None,
            opt_out: &[],
            events: &[],
            levels: &[],
            config_file: ::core::option::Option::None,
            automation: ::telemetry_core::__private::Automation::Strict,
            digest: "",
        }
    }}
}

/// The `ProjectInfo` expression, or why the manifest cannot give one.
fn project_info(valid: &ValidManifest, shown: &str, source: &str) -> Result<TokenStream, String> {
    let project = &valid.project;
    let name = project.name.value.as_str();
    let env_var = env_var(name);
    let debug_env_var = telemetry_manifest::text::telemetry_debug_env_var(name);
    if let Some((_, declared)) = project.opt_out.iter().find(|(kind, _)| *kind == "env") {
        let text = declared.value.trim();
        let (var, value) = text.split_once('=').unwrap_or((text, ""));
        let turns_off = matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "0" | "false" | "off"
        );
        if var.trim() != env_var || !turns_off {
            let (line, column) = line_column(source, declared.span.offset);
            return Err(format!(
                "project.opt_out.env is `{text}`, but the telemetry runtime turns telemetry off with `{env_var}=0` (or false, off)\n  = manifest: {shown}:{line}:{column}\n  = why: users follow the documented opt-out; a variable the program does not read leaves telemetry on\n  = help: write `env: {env_var}=0`"
            ));
        }
    }
    let consent = match project.consent {
        ConsentModel::OptIn => quote!(OptIn),
        ConsentModel::OptOut => quote!(OptOut),
    };
    let context = project.context.iter().map(|field| match field {
        ContextField::ProgramVersion => quote!(ProgramVersion),
        ContextField::OsFamily => quote!(OsFamily),
        ContextField::Arch => quote!(Arch),
        ContextField::Hour => quote!(Hour),
        ContextField::SessionId => quote!(SessionId),
    });
    let optional = |text: Option<&str>| match text {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    };
    let data_dictionary = optional(project.data_dictionary.as_ref().map(|t| t.value.as_str()));
    let contact = optional(project.contact.as_ref().map(|t| t.value.as_str()));
    let opt_out = project.opt_out.iter().filter_map(|(kind, how)| {
        let kind = match *kind {
            "env" => quote!(Env),
            "flag" => quote!(Flag),
            "command" => quote!(Command),
            "config" => quote!(Config),
            "do_not_track" => quote!(DoNotTrack),
            _ => return None,
        };
        let how = how.value.as_str();
        Some(quote! {
            ::telemetry_core::__private::OptOut {
                kind: ::telemetry_core::__private::OptOutKind::#kind,
                how: #how,
            }
        })
    });
    let events = valid.events.iter().map(|event| {
        let name = event.name.value.as_str();
        let description = event
            .description
            .as_ref()
            .map_or("", |text| text.value.as_str());
        // Millionths, at least 1: validation keeps the rate in (0, 1].
        let sample_per_million = ((event.sample_rate * 1e6).round() as u32).clamp(1, 1_000_000);
        let level = event.level.as_ref().map_or("", |text| text.value.as_str());
        let expires = match event.expires.as_ref().map(|e| &e.value) {
            Some(Expiry::On(date)) => {
                let text = date.to_string();
                let day = u32::try_from(date.days_since_epoch()).unwrap_or(u32::MAX);
                quote!(::core::option::Option::Some(
                    ::telemetry_core::__private::ExpiryDate { date: #text, day: #day }
                ))
            }
            _ => quote!(::core::option::Option::None),
        };
        quote! {
            ::telemetry_core::__private::EventInfo {
                name: #name,
                description: #description,
                sample_per_million: #sample_per_million,
                level: #level,
                expires: #expires,
            }
        }
    });
    let levels = valid.level_categories();
    let level_infos = levels.iter().map(|(name, category)| {
        let category = category_tokens(*category);
        quote! {
            ::telemetry_core::__private::LevelInfo {
                name: #name,
                category: ::telemetry_core::__private::Category::#category,
            }
        }
    });
    let config_file = match &project.config_file {
        Some(file) => {
            let path = file.path.value.as_str();
            let key = file.key.value.as_str();
            let format = match file.format {
                ConfigFormat::Toml => quote!(Toml),
                ConfigFormat::Yaml => quote!(Yaml),
                ConfigFormat::Json => quote!(Json),
            };
            quote!(::core::option::Option::Some(::telemetry_core::__private::ConfigFile {
                path: #path,
                key: #key,
                format: ::telemetry_core::__private::ConfigFormat::#format,
            }))
        }
        None => quote!(::core::option::Option::None),
    };
    let automation = match project.automation {
        Automation::Strict => quote!(Strict),
        Automation::Allow => quote!(Allow),
    };
    let digest = digest(valid);
    Ok(quote! {
        ::telemetry_core::__private::ProjectInfo {
            name: #name,
            env_var: #env_var,
            debug_env_var: #debug_env_var,
            program_version: match ::core::option_env!("CARGO_PKG_VERSION") {
                ::core::option::Option::Some(version) => version,
                ::core::option::Option::None => "",
            },
            consent: ::telemetry_core::__private::ConsentModel::#consent,
            context: &[#(::telemetry_core::__private::ContextField::#context),*],
            data_dictionary: #data_dictionary,
            contact: #contact,
            opt_out: &[#(#opt_out),*],
            events: &[#(#events),*],
            levels: &[#(#level_infos),*],
            config_file: #config_file,
            automation: ::telemetry_core::__private::Automation::#automation,
            digest: #digest,
        }
    })
}

fn category_tokens(category: Category) -> TokenStream {
    match category {
        Category::Technical => quote!(Technical),
        Category::Interaction => quote!(Interaction),
        Category::StoredContent => quote!(StoredContent),
        Category::HighlySensitive => quote!(HighlySensitive),
    }
}

/// The SHA-256 (FIPS 180-4) of the data dictionary's consent-relevant parts, as 64
/// lowercase hex digits: a canonical JSON document (serde_json, keys in a fixed
/// order, events sorted by name) of the consent model, the context keys, the levels
/// with their highest category, and each event's name, level and fields (own and
/// embedded) with their categories. Descriptions, purposes and owners are left
/// out: rewording them sends nothing new.
fn digest(valid: &ValidManifest) -> String {
    let project = &valid.project;
    let document = serde_json::json!({
        "consent": project.consent.as_str(),
        "context": project.context.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        "levels": valid
            .level_categories()
            .iter()
            .map(|(name, category)| serde_json::json!([name, category.as_str()]))
            .collect::<Vec<_>>(),
        "events": valid
            .events
            .iter()
            .map(|event| {
                serde_json::json!([
                    event.name.value,
                    event.level.as_ref().map_or("", |l| l.value.as_str()),
                    event
                        .all_fields(valid)
                        .iter()
                        .map(|f| serde_json::json!([f.name.value, f.category.value.as_str()]))
                        .collect::<Vec<_>>(),
                ])
            })
            .collect::<Vec<_>>(),
    });
    let hash = Sha256::digest(document.to_string().as_bytes());
    hash.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_text(yaml: &str) -> String {
        let (valid, _) =
            telemetry_manifest::validate(&telemetry_manifest::parse_str(yaml).expect("parses"));
        match project_info(&valid, "telemetry.yaml", yaml) {
            Ok(tokens) => tokens.to_string(),
            Err(message) => message,
        }
    }

    const MANIFEST: &str = "version: 1
project:
  name: my-tool
  contact: t@example.org
  retention_days: 30
  opt_out: { env: MY_TOOL_TELEMETRY=0, command: my-tool telemetry disable, do_not_track: true }
  consent: opt-out
  context: [session_id, hour, program_version]
  data_dictionary: https://example.org/TELEMETRY.md
events:
  ping:
    description: A ping.
    purpose: Test.
    owner: tests
    since: 0.1.0
    expires: 2030-01-01
    fields:
      ok: { type: bool, category: technical, description: Whether it worked. }
";

    #[test]
    fn the_project_section_becomes_a_project_info() {
        let text = expand_text(MANIFEST);
        for expected in [
            "name : \"my-tool\"",
            "env_var : \"MY_TOOL_TELEMETRY\"",
            "debug_env_var : \"MY_TOOL_TELEMETRY_DEBUG\"",
            "ConsentModel :: OptOut",
            "Some (\"https://example.org/TELEMETRY.md\")",
            "OptOutKind :: Command , how : \"my-tool telemetry disable\"",
            "OptOutKind :: DoNotTrack , how : \"DO_NOT_TRACK=1\"",
            "EventInfo { name : \"ping\" , description : \"A ping.\" , sample_per_million : 1000000u32 , level : \"\" ,",
        ] {
            assert!(text.contains(expected), "{expected} missing in {text}");
        }
        // Context keys in the order records carry them, whatever the manifest's order.
        let version = text
            .find("ContextField :: ProgramVersion")
            .expect("version");
        let hour = text.find("ContextField :: Hour").expect("hour");
        let session = text.find("ContextField :: SessionId").expect("session");
        assert!(version < hour && hour < session, "{text}");
    }

    #[test]
    fn an_opt_out_variable_the_runtime_does_not_read_is_an_error() {
        let text = expand_text(&MANIFEST.replace("MY_TOOL_TELEMETRY=0", "MYTOOL_OFF=1"));
        assert!(
            text.starts_with("project.opt_out.env is `MYTOOL_OFF=1`, but the telemetry runtime turns telemetry off with `MY_TOOL_TELEMETRY=0`"),
            "{text}"
        );
        assert!(text.contains("= manifest: telemetry.yaml:6:"), "{text}");
        assert!(
            text.contains("= help: write `env: MY_TOOL_TELEMETRY=0`"),
            "{text}"
        );
        let text = expand_text(&MANIFEST.replace("MY_TOOL_TELEMETRY=0", "MY_TOOL_TELEMETRY=1"));
        assert!(
            text.starts_with("project.opt_out.env is `MY_TOOL_TELEMETRY=1`"),
            "{text}"
        );
    }

    #[test]
    fn levels_expiry_config_file_and_digest_reach_the_project_info() {
        let leveled = MANIFEST
            .replace(
                "  consent: opt-out\n",
                "  consent: opt-out\n  levels: [errors, usage]\n  config_file: { path: my-tool/config.json, key: telemetry }\n  automation: allow\n",
            )
            .replace("    owner: tests\n", "    owner: tests\n    level: errors\n");
        let text = expand_text(&leveled);
        for expected in [
            "LevelInfo { name : \"errors\" , category : :: telemetry_core :: __private :: Category :: Technical , }",
            "LevelInfo { name : \"usage\" , category : :: telemetry_core :: __private :: Category :: Technical , }",
            "level : \"errors\"",
            "ExpiryDate { date : \"2030-01-01\" , day : 21915u32 }",
            "path : \"my-tool/config.json\" , key : \"telemetry\" , format : :: telemetry_core :: __private :: ConfigFormat :: Json",
            "Automation :: Allow",
        ] {
            assert!(text.contains(expected), "{expected} missing in {text}");
        }
        let digest_of = |yaml: &str| {
            let (valid, _) =
                telemetry_manifest::validate(&telemetry_manifest::parse_str(yaml).expect("parses"));
            digest(&valid)
        };
        let digest = digest_of(&leveled);
        assert_eq!(digest.len(), 64);
        assert!(text.contains(&format!("digest : \"{digest}\"")), "{text}");
        // Rewording changes nothing a user consented to; a raised category does.
        assert_eq!(digest_of(&leveled.replace("A ping.", "One ping.")), digest);
        assert_ne!(
            digest_of(&leveled.replace("category: technical", "category: interaction")),
            digest
        );
    }

    #[test]
    fn env_var_names_follow_the_project_name() {
        assert_eq!(env_var("acme"), "ACME_TELEMETRY");
        assert_eq!(env_var("my-tool.rs"), "MY_TOOL_RS_TELEMETRY");
    }
}
