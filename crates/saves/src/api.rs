//! The JSON face of the pipeline: every function takes and returns `serde_json::Value`s in
//! the shapes the service worker stores and sends, answers `{ok:true, ...}` or
//! `{ok:false, error:{code, message, hint}}`, and never panics. The Wasm crate exports each
//! one unchanged (JS objects in, plain JS objects out).

mod connect;
mod hubspot;
mod pipeline;
mod ui;
mod undo;

pub use connect::{
    connected, connected_private_app, hubspot_owners_request, identity_request, oauth_exchange,
    oauth_start, parse_hubspot_owners, parse_identity, parse_permission, parse_refresh,
    parse_token, parse_users, permission_request, refresh_request, revoke_request, users_request,
};
pub use hubspot::{
    connected_hubspot, hubspot_oauth_exchange, hubspot_owner_request, hubspot_refresh_request,
    hubspot_revoke_request, parse_hubspot_owner, parse_hubspot_refresh, parse_hubspot_token,
};
pub use pipeline::{
    lookup_requests, next_request, on_refresh_failed, on_response, parse_lookup, plan_save, preview,
};
pub use ui::{
    apply_policy, error_log_csv, journal_log_error, journal_record, state_view, ui_message,
};
pub use undo::{journal_mark_undone, undo_outcome, undo_plan, undo_record};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::records::ErrorInfo;

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
