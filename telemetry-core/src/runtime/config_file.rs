//! The program's own configuration file (`project.config_file`): the one setting
//! in it that turns telemetry off, on, or to a level.
//!
//! The file is parsed with a well-kept parser for its format: JSON with
//! `serde_json` (always), TOML with `toml` (cargo feature `config-toml`) and YAML
//! with `serde-saphyr` (cargo feature `config-yaml`), so a program that links
//! telemetry-core pays only for the format it uses. A file that is missing decides
//! nothing, silently; a file that cannot be read or parsed, a key whose value is
//! neither a boolean nor a word the runtime knows, or a format this build cannot
//! read decides nothing and says why in debug mode.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::project::{ConfigFile, ConfigFormat};

/// The largest configuration file read, in bytes: 1 MiB. A larger one decides
/// nothing: telemetry never makes the program read a huge file at start.
pub(crate) const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// What the file says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Setting {
    /// The key holds a boolean.
    Switch(bool),
    /// The key holds a string (a switch word or a level, for the caller to read).
    Word(String),
}

/// The platform's configuration directory the manifest's path is relative to:
/// `~/.config` on Linux, `~/Library/Application Support` on macOS, `%APPDATA%` on
/// Windows (`directories::BaseDirs`).
pub(crate) fn default_base() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.config_dir().to_path_buf())
}

/// Reads the setting from `file` under `base`: `Ok(None)` when the file or the key
/// is missing.
///
/// # Errors
/// A sentence naming the file and the problem, for debug mode; the caller treats it
/// as no setting.
pub(crate) fn read(file: &ConfigFile, base: &Path) -> Result<Option<Setting>, String> {
    let path = base.join(file.path);
    let shown = path.display();
    let metadata = match std::fs::metadata(&path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(format!(
                "cannot read the config file {shown}: {error}; it decides nothing"
            ));
        }
    };
    if metadata.len() > MAX_CONFIG_BYTES {
        return Err(format!(
            "the config file {shown} is larger than 1 MiB and is not read; it decides nothing"
        ));
    }
    let text = std::fs::read_to_string(&path).map_err(|error| {
        format!("cannot read the config file {shown}: {error}; it decides nothing")
    })?;
    let document = parse(file.format, &text).map_err(|error| {
        format!("cannot parse the config file {shown}: {error}; it decides nothing")
    })?;
    let mut value = &document;
    for part in file.key.split('.') {
        match value.get(part) {
            Some(inner) => value = inner,
            None => return Ok(None),
        }
    }
    match value {
        Value::Bool(on) => Ok(Some(Setting::Switch(*on))),
        Value::String(word) => Ok(Some(Setting::Word(word.clone()))),
        Value::Null => Ok(None),
        other => Err(format!(
            "`{}` in the config file {shown} is {other}, neither a boolean nor a level; it decides nothing",
            file.key
        )),
    }
}

fn parse(format: ConfigFormat, text: &str) -> Result<Value, String> {
    match format {
        ConfigFormat::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
        #[cfg(feature = "config-toml")]
        ConfigFormat::Toml => toml::from_str(text).map_err(|e| e.message().to_owned()),
        #[cfg(feature = "config-yaml")]
        ConfigFormat::Yaml => serde_saphyr::from_str(text).map_err(|e| e.to_string()),
        #[allow(unreachable_patterns)]
        other => Err(format!(
            "this build reads no {} (enable telemetry-core's cargo feature `config-{}`)",
            match other {
                ConfigFormat::Toml => "TOML",
                ConfigFormat::Yaml => "YAML",
                ConfigFormat::Json => "JSON",
            },
            match other {
                ConfigFormat::Toml => "toml",
                ConfigFormat::Yaml => "yaml",
                ConfigFormat::Json => "json",
            }
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(
        format: ConfigFormat,
        name: &str,
        text: &str,
        key: &'static str,
    ) -> Result<Option<Setting>, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        std::fs::write(dir.path().join(name), text).map_err(|e| e.to_string())?;
        let file = ConfigFile {
            path: if name.ends_with("json") {
                "c.json"
            } else if name.ends_with("toml") {
                "c.toml"
            } else {
                "c.yaml"
            },
            key,
            format,
        };
        read(&file, dir.path())
    }

    #[test]
    fn json_keys_dotted_and_plain() {
        let text = r#"{"telemetry": false, "privacy": {"telemetry": "errors"}}"#;
        assert_eq!(
            setting(ConfigFormat::Json, "c.json", text, "telemetry"),
            Ok(Some(Setting::Switch(false)))
        );
        assert_eq!(
            setting(ConfigFormat::Json, "c.json", text, "privacy.telemetry"),
            Ok(Some(Setting::Word("errors".to_owned())))
        );
        assert_eq!(
            setting(ConfigFormat::Json, "c.json", text, "other"),
            Ok(None)
        );
        assert!(setting(ConfigFormat::Json, "c.json", "{", "telemetry").is_err());
    }

    /// Run with `cargo test -p telemetry-core --lib --features config-toml,config-yaml`.
    #[cfg(all(feature = "config-toml", feature = "config-yaml"))]
    #[test]
    fn toml_and_yaml() {
        assert_eq!(
            setting(
                ConfigFormat::Toml,
                "c.toml",
                "[privacy]\ntelemetry = \"usage\"\n",
                "privacy.telemetry"
            ),
            Ok(Some(Setting::Word("usage".to_owned())))
        );
        assert_eq!(
            setting(
                ConfigFormat::Yaml,
                "c.yaml",
                "telemetry: false\n",
                "telemetry"
            ),
            Ok(Some(Setting::Switch(false)))
        );
        assert!(setting(ConfigFormat::Toml, "c.toml", "telemetry = \n", "telemetry").is_err());
    }
}
