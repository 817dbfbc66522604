//! Reading a tagged message straight from its `serde_json::Value`, with serde's own rules and
//! error texts.
//!
//! `#[serde(tag = "kind")]` enums make serde buffer the whole message into its private
//! `Content` type and deserialize every field type a second time from it: in the Wasm module
//! that doubled code was the largest part of the message parsers. Dispatching on `kind` here
//! and deserializing each field from the `Value` keeps one copy of the code per field type.

use serde::de::{DeserializeOwned, Error as _, Unexpected};
use serde_json::{Error, Value};

/// What serde calls a JSON value in "invalid type" errors.
fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (_, Some(i), _) => Unexpected::Signed(i),
            (_, _, f) => Unexpected::Float(f.unwrap_or_default()),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// The message's `kind`, one of `kinds`; `what` names the message type in errors.
pub(super) fn kind<'v>(
    value: &'v Value,
    what: &'static str,
    kinds: &'static [&'static str],
) -> Result<&'v str, Error> {
    let Value::Object(map) = value else {
        return Err(Error::invalid_type(unexpected(value), &what));
    };
    match map.get("kind") {
        None => Err(Error::missing_field("kind")),
        Some(Value::String(k)) if kinds.contains(&k.as_str()) => Ok(k),
        Some(Value::String(k)) => Err(Error::unknown_variant(k, kinds)),
        Some(other) => Err(Error::invalid_type(
            unexpected(other),
            &"variant identifier",
        )),
    }
}

/// A field without a default: missing is an error unless `T` is an `Option` (then `None`).
pub(super) fn field<T: DeserializeOwned>(value: &Value, name: &'static str) -> Result<T, Error> {
    match value.get(name) {
        Some(v) => serde_json::from_value(v.clone()),
        None => serde_json::from_value(Value::Null).map_err(|_| Error::missing_field(name)),
    }
}

/// A `#[serde(default)]` field: missing is `T::default()`; present (even `null`) must parse.
pub(super) fn field_or_default<T: DeserializeOwned + Default>(
    value: &Value,
    name: &'static str,
) -> Result<T, Error> {
    value
        .get(name)
        .map_or_else(|| Ok(T::default()), |v| serde_json::from_value(v.clone()))
}
