//! Reading a tagged message straight from its `serde_json::Value`: the `kind` picks the
//! variant, and each field is read with its own serde derive from the same borrowed value.
//!
//! `#[serde(tag = "kind")]` enums make serde buffer the whole message into its private
//! `Content` type and deserialize every field type a second time from it: in the Wasm module
//! that doubled code was the largest part of the message parsers. Dispatching on `kind` here
//! keeps one copy of the code per field type. Errors are serde_json's own texts.

use serde::de::{Deserialize, Error as _, Unexpected};
use serde_json::Value;

/// A reading error: serde_json's (`missing field `date``, `invalid type: ...`).
pub(super) type Error = serde_json::Error;

/// Reads a `T` from `value` with its derive (borrowing, no copy).
pub(super) fn from_json<'de, T: Deserialize<'de>>(value: &'de Value) -> Result<T, Error> {
    T::deserialize(value)
}

/// A field without a default: missing is an error unless `T` is an `Option` (then `None`).
pub(super) fn field<'de, T: Deserialize<'de>>(
    value: &'de Value,
    name: &'static str,
) -> Result<T, Error> {
    match value.get(name) {
        Some(v) => T::deserialize(v),
        None => T::deserialize(&Value::Null).map_err(|_| Error::missing_field(name)),
    }
}

/// A `#[serde(default)]` field: missing is `T::default()`; present (even `null`) must parse.
pub(super) fn field_or_default<'de, T: Deserialize<'de> + Default>(
    value: &'de Value,
    name: &'static str,
) -> Result<T, Error> {
    value
        .get(name)
        .map_or_else(|| Ok(T::default()), T::deserialize)
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

/// What serde calls a JSON value in "invalid type" errors (numbers by kind only).
fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}
