//! The answer shapes every JSON function shares: `{ok:false, error}` from an [`ErrorInfo`],
//! `invalid_input` for input of the wrong shape, and typed reading of an argument.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::journal::records::ErrorInfo;
use crate::outbox::OutboxEntry;

/// `{ok:false, error}` from an [`ErrorInfo`].
pub(crate) fn fail(e: &ErrorInfo) -> Value {
    json!({"ok": false, "error": e})
}

/// `{ok:false, error}` for input that did not have the expected shape.
pub(crate) fn invalid(what: &str, e: impl std::fmt::Display) -> Value {
    fail(&ErrorInfo {
        code: "invalid_input".into(),
        message: format!("{what}: {e}"),
        hint: "This is a bug in the extension; please report it.".into(),
    })
}

/// Reads a typed value with its serde derive (borrowing `v`, no copy) or answers
/// `invalid_input` with serde's text (`team: missing field `email``).
pub(crate) fn read<'de, T: Deserialize<'de>>(what: &str, v: &'de Value) -> Result<T, Value> {
    T::deserialize(v).map_err(|e| invalid(what, e))
}

/// An outbox entry, read by reference ([`OutboxEntry::from_value`]), or `invalid_input`.
pub(crate) fn read_entry(what: &str, v: &Value) -> Result<OutboxEntry, Value> {
    OutboxEntry::from_value(v).map_err(|e| invalid(what, e))
}

/// A list of outbox entries ([`OutboxEntry::list_from_value`]), or `invalid_input`.
pub(crate) fn read_entries(what: &str, v: &Value) -> Result<Vec<OutboxEntry>, Value> {
    OutboxEntry::list_from_value(v).map_err(|e| invalid(what, e))
}

/// Like [`read`], with `null` meaning "nothing stored yet" (the type's default).
pub(crate) fn read_or_default<'de, T: Deserialize<'de> + Default>(
    what: &str,
    v: &'de Value,
) -> Result<T, Value> {
    if v.is_null() {
        Ok(T::default())
    } else {
        read(what, v)
    }
}

/// Serialises a value into JSON (infallible for this crate's types; falls back to null).
pub(crate) fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Collapses `Result<Value, Value>` (both sides are answers).
pub(crate) fn answer(r: Result<Value, Value>) -> Value {
    r.unwrap_or_else(|e| e)
}

/// A clock reading from JS (ms since epoch; not a finite positive number: 0).
pub(crate) fn clock_ms(now_ms: f64) -> u64 {
    // `as` saturates: a negative reading or NaN is 0 already; only +infinity needs saying.
    if now_ms.is_finite() {
        now_ms as u64
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::clock_ms;

    #[test]
    fn a_clock_reading_that_is_not_a_finite_positive_number_is_zero() {
        assert_eq!(clock_ms(1_764_800_000_123.9), 1_764_800_000_123);
        for bad in [
            0.0,
            -0.0,
            -1.0,
            -1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(clock_ms(bad), 0, "{bad}");
        }
    }
}
