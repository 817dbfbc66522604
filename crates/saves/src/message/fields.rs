//! Reading a tagged message straight from its `serde_json::Value`, with serde's own rules and
//! error texts.
//!
//! `#[serde(tag = "kind")]` enums make serde buffer the whole message into its private
//! `Content` type and deserialize every field type a second time from it: in the Wasm module
//! that doubled code was the largest part of the message parsers. Dispatching on `kind` here
//! and deserializing each field from the `Value` keeps one copy of the code per field type.

use crate::from_json::Error;
use serde::de::Error as _;
use serde_json::Value;

use crate::from_json::unexpected;
pub(super) use crate::from_json::{field, field_or_default};

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
