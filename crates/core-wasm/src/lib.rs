//! The thin wasm-bindgen layer between the service worker and the pure core crates.
//!
//! Every export converts its JS arguments into `serde_json::Value`, calls one function of
//! `attribution` or `saves::api`, and converts the answer back into a **plain** JS object
//! (`Serializer::json_compatible()`: maps become objects, not `Map`s). No logic lives here.
//! Input that is not JSON-shaped answers `{ok:false, error:{code:"invalid_input"}}`; nothing
//! throws and nothing panics.
//!
//! Built by `./build.sh` with wasm-bindgen `--target web` (the service worker imports
//! `../wasm/core_wasm.js`) and `--target nodejs` (`dist/core-node`, used by `tests/node`).

use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

/// JS → JSON; anything serde cannot read becomes `None`.
fn input(v: JsValue) -> Option<Value> {
    if v.is_undefined() {
        return Some(Value::Null);
    }
    serde_wasm_bindgen::from_value(v).ok()
}

/// JSON → plain JS object.
fn output(v: &Value) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

fn invalid_input() -> Value {
    json!({"ok": false, "error": {"code": "invalid_input",
        "message": "the input is not a JSON object of the expected shape"}})
}

/// Runs `f` on converted arguments, or answers `invalid_input`.
macro_rules! call {
    ($f:expr; $($arg:ident),*) => {{
        match ($(input($arg),)*) {
            ($(Some($arg),)*) => output(&$f($(&$arg),*)),
            #[allow(unreachable_patterns)]
            _ => output(&invalid_input()),
        }
    }};
}

/// The attribution decision (spec: `decide(input)` with plain objects in and out).
#[wasm_bindgen]
pub fn decide(input: JsValue) -> JsValue {
    call!(attribution::decide_json; input)
}

/// Checks a whole team state (rules 7 and 9).
#[wasm_bindgen]
pub fn validate_team(input: JsValue) -> JsValue {
    call!(attribution::validate_team_json; input)
}

/// May this app user connect this CRM user (rule 7)?
#[wasm_bindgen]
pub fn check_connect(input: JsValue) -> JsValue {
    call!(attribution::check_connect_json; input)
}

/// May this app user be chosen as team sync (rule 9)?
#[wasm_bindgen]
pub fn check_team_sync_choice(input: JsValue) -> JsValue {
    call!(attribution::check_team_sync_choice_json; input)
}

/// See [`saves::api::preview`].
#[wasm_bindgen]
pub fn preview(team: JsValue, msg: JsValue) -> JsValue {
    call!(saves::api::preview; team, msg)
}

/// See [`saves::api::lookup_requests`].
#[wasm_bindgen]
pub fn lookup_requests(team: JsValue, msg: JsValue, tokens: JsValue) -> JsValue {
    call!(saves::api::lookup_requests; team, msg, tokens)
}

/// See [`saves::api::parse_lookup`].
#[wasm_bindgen]
pub fn parse_lookup(team: JsValue, response: JsValue) -> JsValue {
    call!(saves::api::parse_lookup; team, response)
}

/// See [`saves::bulk_lookup::lookup_list`]: a list page's lookups in one call.
#[wasm_bindgen]
pub fn lookup_list(
    team: JsValue,
    msg: JsValue,
    tokens: JsValue,
    known: JsValue,
    answers: JsValue,
) -> JsValue {
    call!(saves::bulk_lookup::lookup_list; team, msg, tokens, known, answers)
}

/// See [`saves::api::plan_save`].
#[wasm_bindgen]
pub fn plan_save(team: JsValue, msg: JsValue, save_id: &str, known: JsValue) -> JsValue {
    let f = |t: &Value, m: &Value, k: &Value| saves::api::plan_save(t, m, save_id, k);
    call!(f; team, msg, known)
}

/// See [`saves::api::next_request`].
#[wasm_bindgen]
pub fn next_request(team: JsValue, entry: JsValue, tokens: JsValue) -> JsValue {
    call!(saves::api::next_request; team, entry, tokens)
}

/// See [`saves::api::on_response`].
#[wasm_bindgen]
pub fn on_response(
    team: JsValue,
    entry: JsValue,
    response: JsValue,
    now_ms: f64,
    random: u32,
) -> JsValue {
    let f = |t: &Value, e: &Value, r: &Value| saves::api::on_response(t, e, r, now_ms, random);
    call!(f; team, entry, response)
}

/// See [`saves::api::on_refresh_failed`].
#[wasm_bindgen]
pub fn on_refresh_failed(team: JsValue, entry: JsValue, role: JsValue, error: JsValue) -> JsValue {
    call!(saves::api::on_refresh_failed; team, entry, role, error)
}

/// See [`saves::api::ui_message`].
#[wasm_bindgen]
pub fn ui_message(team: JsValue, msg: JsValue) -> JsValue {
    call!(saves::api::ui_message; team, msg)
}

/// See [`saves::api::state_view`].
#[wasm_bindgen]
pub fn state_view(team: JsValue, journal: JsValue, outbox: JsValue, extras: JsValue) -> JsValue {
    call!(saves::api::state_view; team, journal, outbox, extras)
}

/// See [`saves::api::journal_record`].
#[wasm_bindgen]
pub fn journal_record(
    journal: JsValue,
    save_id: &str,
    source: &str,
    result: JsValue,
    at: &str,
) -> JsValue {
    let f = |j: &Value, r: &Value| saves::api::journal_record(j, save_id, source, r, at);
    call!(f; journal, result)
}

/// See [`saves::api::error_log_csv`].
#[wasm_bindgen]
pub fn error_log_csv(journal: JsValue) -> JsValue {
    call!(saves::api::error_log_csv; journal)
}

/// See [`saves::api::oauth_start`]; `random` = 48 bytes from `crypto.getRandomValues`.
#[wasm_bindgen]
pub fn oauth_start(team: JsValue, redirect_uri: &str, random: &[u8]) -> JsValue {
    let f = |t: &Value| saves::api::oauth_start(t, redirect_uri, random);
    call!(f; team)
}

/// See [`saves::api::oauth_exchange`].
#[wasm_bindgen]
pub fn oauth_exchange(
    team: JsValue,
    redirect_uri: &str,
    returned_url: &str,
    expected_state: &str,
    verifier: &str,
) -> JsValue {
    let f = |t: &Value| {
        saves::api::oauth_exchange(t, redirect_uri, returned_url, expected_state, verifier)
    };
    call!(f; team)
}

/// See [`saves::api::parse_token`].
#[wasm_bindgen]
pub fn parse_token(response: JsValue) -> JsValue {
    call!(saves::api::parse_token; response)
}

/// See [`saves::api::identity_request`].
#[wasm_bindgen]
pub fn identity_request(team: JsValue, token: JsValue) -> JsValue {
    call!(saves::api::identity_request; team, token)
}

/// See [`saves::api::parse_identity`].
#[wasm_bindgen]
pub fn parse_identity(response: JsValue) -> JsValue {
    call!(saves::api::parse_identity; response)
}

/// See [`saves::api::permission_request`].
#[wasm_bindgen]
pub fn permission_request(team: JsValue, token: JsValue, user_id: &str) -> JsValue {
    let f = |t: &Value, k: &Value| saves::api::permission_request(t, k, user_id);
    call!(f; team, token)
}

/// See [`saves::api::parse_permission`].
#[wasm_bindgen]
pub fn parse_permission(response: JsValue) -> JsValue {
    call!(saves::api::parse_permission; response)
}

/// See [`saves::api::users_request`]; `next_records_url` may be undefined.
#[wasm_bindgen]
pub fn users_request(team: JsValue, token: JsValue, next_records_url: Option<String>) -> JsValue {
    let f = |t: &Value, k: &Value| saves::api::users_request(t, k, next_records_url.as_deref());
    call!(f; team, token)
}

/// See [`saves::api::parse_users`].
#[wasm_bindgen]
pub fn parse_users(response: JsValue) -> JsValue {
    call!(saves::api::parse_users; response)
}

/// See [`saves::api::connected`].
#[wasm_bindgen]
pub fn connected(
    team: JsValue,
    role: JsValue,
    token: JsValue,
    identity: JsValue,
    permission: JsValue,
    users: JsValue,
    now: &str,
) -> JsValue {
    let f = |t: &Value, r: &Value, k: &Value, i: &Value, p: &Value, u: &Value| {
        saves::api::connected(t, r, k, i, p, u, now)
    };
    call!(f; team, role, token, identity, permission, users)
}

/// See [`saves::api::refresh_request`].
#[wasm_bindgen]
pub fn refresh_request(team: JsValue, token: JsValue) -> JsValue {
    call!(saves::api::refresh_request; team, token)
}

/// See [`saves::api::parse_refresh`].
#[wasm_bindgen]
pub fn parse_refresh(response: JsValue, old_token: JsValue) -> JsValue {
    call!(saves::api::parse_refresh; response, old_token)
}

/// See [`saves::api::revoke_request`].
#[wasm_bindgen]
pub fn revoke_request(team: JsValue, token: JsValue) -> JsValue {
    call!(saves::api::revoke_request; team, token)
}

/// See [`saves::api::hubspot_owners_request`]; `after` may be undefined.
#[wasm_bindgen]
pub fn hubspot_owners_request(token: JsValue, after: Option<String>) -> JsValue {
    let f = |t: &Value| saves::api::hubspot_owners_request(t, after.as_deref());
    call!(f; token)
}

/// See [`saves::api::parse_hubspot_owners`].
#[wasm_bindgen]
pub fn parse_hubspot_owners(response: JsValue) -> JsValue {
    call!(saves::api::parse_hubspot_owners; response)
}

/// See [`saves::api::connected_private_app`].
#[wasm_bindgen]
pub fn connected_private_app(team: JsValue, users: JsValue, email: &str, now: &str) -> JsValue {
    let f = |t: &Value, u: &Value| saves::api::connected_private_app(t, u, email, now);
    call!(f; team, users)
}

/// See [`saves::api::journal_log_error`].
#[wasm_bindgen]
pub fn journal_log_error(
    journal: JsValue,
    error: JsValue,
    name: &str,
    source: &str,
    at: &str,
) -> JsValue {
    let f = |j: &Value, e: &Value| saves::api::journal_log_error(j, e, name, source, at);
    call!(f; journal, error)
}

/// See [`saves::api::hubspot_oauth_exchange`]; the secret comes from the worker's storage.
#[wasm_bindgen]
pub fn hubspot_oauth_exchange(
    team: JsValue,
    redirect_uri: &str,
    returned_url: &str,
    expected_state: &str,
    verifier: &str,
    client_secret: &str,
) -> JsValue {
    let f = |t: &Value| {
        saves::api::hubspot_oauth_exchange(
            t,
            redirect_uri,
            returned_url,
            expected_state,
            verifier,
            client_secret,
        )
    };
    call!(f; team)
}

/// See [`saves::api::parse_hubspot_token`].
#[wasm_bindgen]
pub fn parse_hubspot_token(response: JsValue) -> JsValue {
    call!(saves::api::parse_hubspot_token; response)
}

/// See [`saves::api::hubspot_owner_request`].
#[wasm_bindgen]
pub fn hubspot_owner_request(token: JsValue, user_id: &str) -> JsValue {
    let f = |t: &Value| saves::api::hubspot_owner_request(t, user_id);
    call!(f; token)
}

/// See [`saves::api::parse_hubspot_owner`].
#[wasm_bindgen]
pub fn parse_hubspot_owner(response: JsValue) -> JsValue {
    call!(saves::api::parse_hubspot_owner; response)
}

/// See [`saves::api::connected_hubspot`].
#[wasm_bindgen]
pub fn connected_hubspot(
    team: JsValue,
    role: JsValue,
    owner: JsValue,
    users: JsValue,
    now: &str,
) -> JsValue {
    let f =
        |t: &Value, r: &Value, o: &Value, u: &Value| saves::api::connected_hubspot(t, r, o, u, now);
    call!(f; team, role, owner, users)
}

/// See [`saves::api::hubspot_refresh_request`].
#[wasm_bindgen]
pub fn hubspot_refresh_request(team: JsValue, token: JsValue, client_secret: &str) -> JsValue {
    let f = |t: &Value, k: &Value| saves::api::hubspot_refresh_request(t, k, client_secret);
    call!(f; team, token)
}

/// See [`saves::api::parse_hubspot_refresh`].
#[wasm_bindgen]
pub fn parse_hubspot_refresh(response: JsValue, old_token: JsValue) -> JsValue {
    call!(saves::api::parse_hubspot_refresh; response, old_token)
}

/// See [`saves::api::apply_policy`].
#[wasm_bindgen]
pub fn apply_policy(team: JsValue, managed: JsValue) -> JsValue {
    call!(saves::api::apply_policy; team, managed)
}
