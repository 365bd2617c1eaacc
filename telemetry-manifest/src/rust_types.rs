//! Classifying a field's Rust type by its syntax: which manifest field type it
//! carries, or which privacy rule forbids it.
//!
//! This is the syntactic half of the type check, shared by `#[telemetry_event]` and
//! `cargo telemetry-lint`. It sees names, not resolved types, so `type Email =
//! String;` reads as an opaque `Email`; the macro's semantic half (a bound on
//! `TelemetryValue`) catches those.
//!
//! ```
//! use telemetry_manifest::{classify_type, TypeClass, FieldType};
//! let ty: syn::Type = syn::parse_str("Option<DurationBucket>").unwrap();
//! assert!(matches!(classify_type(&ty), TypeClass::Carries { ty: FieldType::DurationBucket, optional: true }));
//! ```

use quote::ToTokens;

use crate::rules::{self, Rule};
use crate::vocab::FieldType;

/// What a Rust type is, for telemetry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeClass {
    /// A vetted type that carries this manifest field type.
    Carries {
        /// The manifest field type carried.
        ty: FieldType,
        /// Whether it is wrapped in `Option`.
        optional: bool,
    },
    /// A type not known by name: a user enum deriving `TelemetryValue`, an alias or
    /// a newtype. The type system (or the linter's enum index) decides.
    Opaque {
        /// The type's last path segment, such as `Command`.
        name: String,
        /// Whether it is wrapped in `Option`.
        optional: bool,
    },
    /// A type that a privacy rule forbids.
    Forbidden(Forbidden),
    /// A type that is neither forbidden nor vetted, such as `i64` or `&bool`; only
    /// the vetted types may be sent.
    Unvetted {
        /// The type as written, such as `i64`.
        shown: String,
    },
}

/// A forbidden type, with the rule that forbids it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forbidden {
    /// The rule that forbids it.
    pub rule: &'static Rule,
    /// The innermost forbidden type as written, such as `PathBuf`.
    pub culprit: String,
    /// What it can carry, completing "which can carry ...", such as `a file-system path`.
    pub carries: &'static str,
}

/// Renders a type the way a person writes it: `Option<PathBuf>`, not `Option < PathBuf >`.
pub fn type_to_string(ty: &syn::Type) -> String {
    tokens_to_string(&ty.to_token_stream().to_string())
}

fn tokens_to_string(raw: &str) -> String {
    let mut out = raw
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
        .replace("[ ", "[")
        .replace(" ]", "]")
        .replace(" ;", ";")
        .replace("( ", "(")
        .replace(" )", ")");
    if out.starts_with("::") {
        out.replace_range(..2, "");
    }
    out
}

/// Classifies a field type. See the module docs.
pub fn classify_type(ty: &syn::Type) -> TypeClass {
    classify(ty, false)
}

fn forbidden(rule: &'static Rule, culprit: impl Into<String>, carries: &'static str) -> TypeClass {
    TypeClass::Forbidden(Forbidden {
        rule,
        culprit: culprit.into(),
        carries,
    })
}

const FREE_TEXT: &str = "free text";
const PATH: &str = "a file-system path";
const RAW_TIME: &str = "an exact time or duration";
const ADDRESS: &str = "a network address or a unique identifier";
const RAW_BYTES: &str = "raw bytes";
const UNTYPED: &str = "any value at all";

fn classify(ty: &syn::Type, optional: bool) -> TypeClass {
    match ty {
        syn::Type::Paren(inner) => classify(&inner.elem, optional),
        syn::Type::Group(inner) => classify(&inner.elem, optional),
        syn::Type::Reference(reference) => match forbidden_inside(&reference.elem) {
            Some(found) => TypeClass::Forbidden(found),
            None => TypeClass::Unvetted {
                shown: type_to_string(ty),
            },
        },
        syn::Type::Slice(syn::TypeSlice { elem, .. })
        | syn::Type::Array(syn::TypeArray { elem, .. }) => {
            if is_ident(elem, "u8") {
                return forbidden(rules::RAW_BYTES_FIELD, type_to_string(ty), RAW_BYTES);
            }
            match forbidden_inside(elem) {
                Some(found) => TypeClass::Forbidden(found),
                None => forbidden(rules::UNTYPED_VALUE_FIELD, type_to_string(ty), UNTYPED),
            }
        }
        syn::Type::Tuple(tuple) if tuple.elems.is_empty() => TypeClass::Unvetted {
            shown: "()".to_owned(),
        },
        syn::Type::Tuple(tuple) => tuple
            .elems
            .iter()
            .find_map(forbidden_inside)
            .map(TypeClass::Forbidden)
            .unwrap_or_else(|| forbidden(rules::UNTYPED_VALUE_FIELD, type_to_string(ty), UNTYPED)),
        syn::Type::Path(path) if path.qself.is_none() => classify_path(ty, &path.path, optional),
        _ => TypeClass::Unvetted {
            shown: type_to_string(ty),
        },
    }
}

/// The first forbidden type anywhere inside `ty`, if any.
fn forbidden_inside(ty: &syn::Type) -> Option<Forbidden> {
    match classify(ty, false) {
        TypeClass::Forbidden(found) => Some(found),
        _ => None,
    }
}

fn type_args(segment: &syn::PathSegment) -> Vec<&syn::Type> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn is_ident(ty: &syn::Type, name: &str) -> bool {
    match ty {
        syn::Type::Path(path) => path.qself.is_none() && path.path.is_ident(name),
        syn::Type::Paren(inner) => is_ident(&inner.elem, name),
        syn::Type::Group(inner) => is_ident(&inner.elem, name),
        _ => false,
    }
}

fn classify_path(ty: &syn::Type, path: &syn::Path, optional: bool) -> TypeClass {
    let Some(last) = path.segments.last() else {
        return TypeClass::Unvetted {
            shown: type_to_string(ty),
        };
    };
    let name = last.ident.to_string();
    let qualifier: Vec<String> = path
        .segments
        .iter()
        .rev()
        .skip(1)
        .map(|s| s.ident.to_string())
        .collect();
    let args = type_args(last);
    let shown = || type_to_string(ty);

    // Forbidden by name, whatever the arguments.
    match name.as_str() {
        "String" | "str" | "char" => return forbidden(rules::FREE_TEXT_FIELD, shown(), FREE_TEXT),
        "PathBuf" | "Path" | "OsString" | "OsStr" => {
            return forbidden(rules::PATH_FIELD, shown(), PATH);
        }
        "SystemTime" | "Instant" | "Duration" | "TimeDelta" | "DateTime" | "NaiveDate"
        | "NaiveDateTime" | "NaiveTime" | "OffsetDateTime" | "PrimitiveDateTime"
        | "UtcDateTime" | "Timestamp" | "Zoned" => {
            return forbidden(rules::RAW_TIME_FIELD, shown(), RAW_TIME);
        }
        "Date" | "Time" if !qualifier.is_empty() || args.is_empty() => {
            return forbidden(rules::RAW_TIME_FIELD, shown(), RAW_TIME);
        }
        "IpAddr" | "Ipv4Addr" | "Ipv6Addr" | "SocketAddr" | "SocketAddrV4" | "SocketAddrV6"
        | "Uuid" | "Url" | "Uri" => {
            return forbidden(rules::ADDRESS_OR_IDENTIFIER_FIELD, shown(), ADDRESS);
        }
        "Bytes" | "BytesMut" => return forbidden(rules::RAW_BYTES_FIELD, shown(), RAW_BYTES),
        "HashMap" | "BTreeMap" | "IndexMap" | "HashSet" | "BTreeSet" | "IndexSet" | "VecDeque"
        | "LinkedList" | "BinaryHeap" | "JsonValue" => {
            return forbidden(rules::UNTYPED_VALUE_FIELD, shown(), UNTYPED);
        }
        "Value" | "Map" | "Mapping"
            if qualifier.first().is_some_and(|q| {
                matches!(
                    q.as_str(),
                    "serde_json" | "json" | "toml" | "serde_yaml" | "serde_saphyr" | "serde_value"
                )
            }) =>
        {
            return forbidden(rules::UNTYPED_VALUE_FIELD, shown(), UNTYPED);
        }
        _ => {}
    }

    // Wrappers and containers.
    match name.as_str() {
        "Option" if args.len() == 1 => return classify(args[0], true),
        "Vec" if args.len() == 1 => {
            if is_ident(args[0], "u8") {
                return forbidden(rules::RAW_BYTES_FIELD, shown(), RAW_BYTES);
            }
            return match forbidden_inside(args[0]) {
                Some(found) => TypeClass::Forbidden(found),
                None => forbidden(rules::UNTYPED_VALUE_FIELD, shown(), UNTYPED),
            };
        }
        _ => {}
    }

    // Anything else with type arguments (Box<str>, Arc<Path>, Cow<str>, Wrapper<String>):
    // forbidden when something inside is.
    if let Some(found) = args.iter().find_map(|arg| forbidden_inside(arg)) {
        return TypeClass::Forbidden(found);
    }
    if !args.is_empty() {
        return TypeClass::Unvetted { shown: shown() };
    }

    let ours = qualifier.is_empty()
        || qualifier
            .last()
            .is_some_and(|root| root == "telemetry_core");
    let carried = match name.as_str() {
        "bool" => Some(FieldType::Bool),
        "u8" | "u16" | "u32" | "u64" | "usize" => Some(FieldType::Count),
        "DurationBucket" if ours => Some(FieldType::DurationBucket),
        "SizeBucket" if ours => Some(FieldType::SizeBucket),
        "OsFamily" if ours => Some(FieldType::OsFamily),
        "Arch" if ours => Some(FieldType::Arch),
        "Version" if ours => Some(FieldType::Version),
        _ => None,
    };
    if let Some(carried) = carried {
        return TypeClass::Carries {
            ty: carried,
            optional,
        };
    }
    match name.as_str() {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u128" | "f32" | "f64" => {
            TypeClass::Unvetted { shown: shown() }
        }
        _ => TypeClass::Opaque { name, optional },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(text: &str) -> TypeClass {
        classify_type(&syn::parse_str(text).unwrap())
    }

    fn rule_of(text: &str) -> &'static str {
        match class(text) {
            TypeClass::Forbidden(found) => found.rule.id,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn forbidden_types_in_any_wrapper() {
        for text in [
            "String",
            "&str",
            "&'static str",
            "Cow<'static, str>",
            "Box<str>",
            "Arc<str>",
            "Rc<str>",
            "Option<String>",
            "Vec<String>",
            "Box<Option<String>>",
        ] {
            assert_eq!(rule_of(text), "TL006", "{text}");
        }
        for text in [
            "PathBuf",
            "&Path",
            "std::path::PathBuf",
            "OsString",
            "&OsStr",
            "Option<PathBuf>",
            "Arc<Path>",
        ] {
            assert_eq!(rule_of(text), "TL007", "{text}");
        }
        for text in [
            "SystemTime",
            "Instant",
            "Duration",
            "std::time::Duration",
            "chrono::DateTime<Utc>",
            "NaiveDate",
            "time::OffsetDateTime",
            "time::Date",
            "Option<Instant>",
        ] {
            assert_eq!(rule_of(text), "TL008", "{text}");
        }
        for text in [
            "IpAddr",
            "std::net::Ipv4Addr",
            "Ipv6Addr",
            "SocketAddr",
            "uuid::Uuid",
            "url::Url",
            "Vec<Uuid>",
        ] {
            assert_eq!(rule_of(text), "TL009", "{text}");
        }
        for text in [
            "Vec<u8>",
            "[u8; 32]",
            "&[u8]",
            "Box<[u8]>",
            "bytes::Bytes",
            "Option<Vec<u8>>",
        ] {
            assert_eq!(rule_of(text), "TL010", "{text}");
        }
        for text in [
            "serde_json::Value",
            "HashMap<u32, u32>",
            "BTreeMap<u8, bool>",
            "Vec<bool>",
            "(u8, u8)",
            "[bool; 2]",
        ] {
            assert_eq!(rule_of(text), "TL011", "{text}");
        }
    }

    #[test]
    fn vetted_types_carry_their_field_type() {
        let cases = [
            ("bool", FieldType::Bool, false),
            ("u64", FieldType::Count, false),
            ("Option<u32>", FieldType::Count, true),
            ("DurationBucket", FieldType::DurationBucket, false),
            ("telemetry_core::SizeBucket", FieldType::SizeBucket, false),
            ("OsFamily", FieldType::OsFamily, false),
            ("Arch", FieldType::Arch, false),
            ("Option<Version>", FieldType::Version, true),
        ];
        for (text, ty, optional) in cases {
            assert_eq!(class(text), TypeClass::Carries { ty, optional }, "{text}");
        }
    }

    #[test]
    fn other_types_are_opaque_or_unvetted() {
        assert!(matches!(class("Command"), TypeClass::Opaque { .. }));
        assert!(matches!(class("semver::Version"), TypeClass::Opaque { .. }));
        assert!(matches!(class("i64"), TypeClass::Unvetted { .. }));
        assert!(matches!(class("&bool"), TypeClass::Unvetted { .. }));
        assert!(matches!(class("Box<bool>"), TypeClass::Unvetted { .. }));
    }

    #[test]
    fn types_print_as_written() {
        let ty: syn::Type = syn::parse_str("Option < std :: path :: PathBuf >").unwrap();
        assert_eq!(type_to_string(&ty), "Option<std::path::PathBuf>");
        let ty: syn::Type = syn::parse_str("& 'static str").unwrap();
        assert_eq!(type_to_string(&ty), "&'static str");
    }
}
