//! One field of an event or a group, checked: [`FieldDef`], and the checks of its
//! parameters against its type (`values` for an `enum`, ascending `buckets` with
//! units for a bucket type, a positive `max` or ascending unitless `buckets` for a
//! `count`, nothing for the other types), TL014.

use heck::ToSnakeCase;

use crate::finding::{Finding, Owner};
use crate::model::{ByteSpan, Field, Located};
use crate::noise::{Epsilon, FieldNoise, Mechanism};
use crate::rules::{self, WaiverScope};
use crate::text::is_snake_case;
use crate::vocab::{self, Category, FieldType};

use super::waiver::{Waiver, resolve_waivers};

/// One field, checked.
#[derive(Clone, Debug)]
pub struct FieldDef {
    /// The field's name, with the span of its key.
    pub name: Located<String>,
    /// Where the field's body stands.
    pub span: ByteSpan,
    /// The declared type.
    pub ty: Located<FieldType>,
    /// The declared data category.
    pub category: Located<Category>,
    /// What the field says.
    pub description: Option<Located<String>>,
    /// For `enum`: the values, in manifest order.
    pub values: Vec<Located<String>>,
    /// For buckets: ascending bounds, in milliseconds (durations) or bytes (sizes),
    /// the type's [`FieldType::default_bounds`] when none are written; for a
    /// bucketed `count`, its unitless bounds; empty otherwise.
    pub bounds: Vec<u64>,
    /// For `count`: the largest value sent, if declared (a count declares `max` or
    /// `buckets`).
    pub max: Option<u64>,
    /// The reviewed exceptions to field-level rules, in manifest order; a waiver
    /// that cannot be granted (an unknown rule, a compiler-enforced rule, no reason)
    /// is left out and reported by [`crate::check_waivers`].
    pub waivers: Vec<Waiver>,
    /// The local differential privacy mechanism applied to the value, if declared
    /// and valid for the field's type.
    pub noise: Option<FieldNoise>,
}

impl FieldDef {
    /// The values the field may take, as sent: enum values, bucket labels (of a
    /// bucketed `count` too), the fixed values of `bool`, `os_family` and `arch`;
    /// empty for a `count` with `max` and for `version`.
    pub fn possible_values(&self) -> Vec<String> {
        match self.ty.value {
            FieldType::Enum => self.values.iter().map(|v| v.value.clone()).collect(),
            FieldType::DurationBucket | FieldType::SizeBucket => {
                vocab::bucket_labels(self.ty.value, &self.bounds)
            }
            FieldType::Count if !self.bounds.is_empty() => {
                vocab::bucket_labels(self.ty.value, &self.bounds)
            }
            other => other
                .fixed_values()
                .iter()
                .map(|v| (*v).to_owned())
                .collect(),
        }
    }
}

/// Parses one bucket bound as written into its value.
type BoundParser = fn(&str) -> Result<u64, String>;

pub(super) fn validate_field(
    owner: Owner<'_>,
    name: &Located<String>,
    field: &Located<Field>,
    findings: &mut Vec<Finding>,
) -> FieldDef {
    let body = &field.value;
    let ty = body.ty.value;
    let field_name = &name.value;
    let mut finding = |span: ByteSpan, message: String, help: String| {
        findings.push(
            owner
                .tag(Finding::new(rules::INVALID_FIELD_PARAMETERS, message, help))
                .field(field_name)
                .at_manifest(span),
        );
    };
    if !is_snake_case(field_name) {
        finding(
            name.span,
            format!("field name `{field_name}` of {owner} is not snake_case"),
            format!(
                "rename it `{}`, as the Rust field is named",
                field_name.to_snake_case()
            ),
        );
    }

    let mut values = Vec::new();
    match (&body.values, ty) {
        (Some(list), FieldType::Enum) => {
            if list.value.is_empty() {
                finding(
                    list.span,
                    format!("enum field `{field_name}` of {owner} has an empty `values` list"),
                    "list every value the field may take".to_owned(),
                );
            }
            for value in &list.value {
                if !is_snake_case(&value.value) {
                    finding(
                        value.span,
                        format!(
                            "value `{}` of field `{field_name}` is not snake_case",
                            value.value
                        ),
                        format!(
                            "write `{}`, the snake_case name of the Rust variant",
                            value.value.to_snake_case()
                        ),
                    );
                } else if values
                    .iter()
                    .any(|v: &Located<String>| v.value == value.value)
                {
                    finding(
                        value.span,
                        format!(
                            "value `{}` of field `{field_name}` is listed twice",
                            value.value
                        ),
                        "list each value once".to_owned(),
                    );
                } else {
                    values.push(value.clone());
                }
            }
        }
        (None, FieldType::Enum) => finding(
            body.ty.span,
            format!("enum field `{field_name}` of {owner} has no `values`"),
            "add `values: [...]` listing the snake_case names of the enum's variants".to_owned(),
        ),
        (Some(list), other) => finding(
            list.span,
            format!("field `{field_name}` of {owner} is a `{other}`, which takes no `values`"),
            "remove `values`, or declare the field `type: enum`".to_owned(),
        ),
        (None, _) => {}
    }

    let mut bounds = Vec::new();
    match (&body.buckets, ty) {
        (Some(list), FieldType::DurationBucket | FieldType::SizeBucket | FieldType::Count) => {
            let (parse, written): (BoundParser, &str) = match ty {
                FieldType::DurationBucket => (
                    vocab::parse_duration_ms,
                    "write each bound as a whole number with a unit",
                ),
                FieldType::SizeBucket => (
                    vocab::parse_size_bytes,
                    "write each bound as a whole number with a unit",
                ),
                _ => (
                    vocab::parse_count_bound,
                    "write each bound of a count as a positive whole number without a unit, such as `10`",
                ),
            };
            if list.value.is_empty() {
                finding(
                    list.span,
                    format!("bucket field `{field_name}` of {owner} has an empty `buckets` list"),
                    "list at least one bound, or remove `buckets` to use the defaults".to_owned(),
                );
            }
            for bound in &list.value {
                match parse(&bound.value) {
                    Ok(value) if bounds.last().is_some_and(|last| *last >= value) => finding(
                        bound.span,
                        format!(
                            "bucket bound `{}` of field `{field_name}` is not above the one before it",
                            bound.value
                        ),
                        "list the bounds in ascending order, each once".to_owned(),
                    ),
                    Ok(value) => bounds.push(value),
                    Err(message) => finding(
                        bound.span,
                        format!("bucket bound of field `{field_name}`: {message}"),
                        written.to_owned(),
                    ),
                }
            }
        }
        (Some(list), other) => finding(
            list.span,
            format!("field `{field_name}` of {owner} is a `{other}`, which takes no `buckets`"),
            "remove `buckets`, or declare a `duration_bucket`, a `size_bucket` or a `count`"
                .to_owned(),
        ),
        (None, _) => {}
    }
    if bounds.is_empty() {
        bounds = ty.default_bounds().to_vec();
    }

    if ty == FieldType::Count {
        match (&body.max, &body.buckets) {
            (None, None) => finding(
                body.ty.span,
                format!(
                    "count field `{field_name}` of {owner} has neither `max` nor `buckets`, so it could send any 64-bit number, such as a hash of a user name"
                ),
                "declare `max: N`, the largest count worth telling apart (larger counts are sent as N), or `buckets: [1, 10, 100]`, to send only the range the count falls in".to_owned(),
            ),
            (Some(max), Some(_)) => finding(
                max.span,
                format!("count field `{field_name}` of {owner} has both `max` and `buckets`"),
                "keep one: `max` sends the count up to that value, `buckets` only the range it falls in".to_owned(),
            ),
            _ => {}
        }
    }

    let max = match (&body.max, ty) {
        (Some(max), FieldType::Count) if max.value == 0 => {
            finding(
                max.span,
                format!("count field `{field_name}` of {owner} has `max: 0`"),
                "a count that can only be 0 says nothing; give a positive maximum".to_owned(),
            );
            None
        }
        // Both `max` and `buckets`, reported above: the buckets decide what is sent.
        (Some(_), FieldType::Count) if body.buckets.is_some() => None,
        (Some(max), FieldType::Count) => Some(max.value),
        (Some(max), other) => {
            finding(
                max.span,
                format!("field `{field_name}` of {owner} is a `{other}`, which takes no `max`"),
                "remove `max`; only `count` fields take it".to_owned(),
            );
            None
        }
        (None, _) => None,
    };

    let mut def = FieldDef {
        name: name.clone(),
        span: field.span,
        ty: body.ty.clone(),
        category: body.category.clone(),
        description: body.description.clone(),
        values,
        bounds,
        max,
        waivers: resolve_waivers(body.waivers.as_ref(), WaiverScope::Field),
        noise: None,
    };
    if let Some(privacy) = &body.privacy {
        let mechanism = privacy.value.mechanism.value;
        let epsilon = match Epsilon::parse(privacy.value.epsilon.value) {
            Ok(epsilon) => Some(epsilon),
            Err(message) => {
                finding(
                    privacy.value.epsilon.span,
                    format!("field `{field_name}` of {owner}: {message}"),
                    format!(
                        "write an epsilon above 0 and at most {}, with at most three decimals, such as `1.0` or `0.5`",
                        crate::noise::MAX_EPSILON
                    ),
                );
                None
            }
        };
        if !mechanism.fits(&def) {
            let help = match mechanism {
                Mechanism::RandomizedResponse if ty == FieldType::Count => {
                    "randomized response needs a list of values: give the count `buckets` instead of `max`, or use `mechanism: geometric`"
                }
                Mechanism::RandomizedResponse => {
                    "a `version` takes values the manifest cannot list, so randomized response has no domain to draw from; remove `privacy`, or send an `enum` of the versions that matter"
                }
                Mechanism::Geometric if ty == FieldType::Count => {
                    "the geometric mechanism needs the count's `max` (its sensitivity): declare `max: N` instead of `buckets`, or use `mechanism: randomized_response`"
                }
                Mechanism::Geometric => {
                    "the geometric mechanism adds noise to numbers: use `mechanism: randomized_response` for a field with a list of values"
                }
            };
            finding(
                privacy.value.mechanism.span,
                format!(
                    "field `{field_name}` of {owner} is a `{ty}`{}, which `{mechanism}` cannot noise",
                    if ty == FieldType::Count && def.bounds.is_empty() {
                        " with `max`"
                    } else if ty == FieldType::Count {
                        " with `buckets`"
                    } else {
                        ""
                    }
                ),
                help.to_owned(),
            );
        } else if let Some(epsilon) = epsilon {
            def.noise = Some(FieldNoise { mechanism, epsilon });
        }
    }
    def
}
