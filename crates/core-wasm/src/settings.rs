//! The exports for everything but the save path (feature `settings`, `core_settings.js`):
//! connecting (the sign-in URL and, once the save engine's `engine_connect` read the account,
//! storing the connection: `connect_finish`; HubSpot's token refresh and revokes), the reconnect line of the error log (`journal_log_error`), the managed policy
//! (when there is one), the options page's and popup's messages and state view, undo (the
//! record of what a save created is computed only when the rep clicks Undo), the error-log
//! CSV. (The JSON contract functions only tests and scripts call are in [`crate::contract`],
//! which the extension does not ship.) Token refreshes, lookups and
//! what follows a refused refresh run on the save engine (`core_engine`, `core_outbox`), so
//! their old step-by-step exports are gone from here. The worker instantiates this module
//! only when one of these is needed. Each export takes the JSON array of its arguments (see
//! the crate docs) and answers JSON text.

use wasm_bindgen::prelude::*;

use crate::{bytes, call, number, text};

/// See [`saves::api::ui_message`]: `[team, msg]`.
#[wasm_bindgen]
pub fn ui_message(args: &str) -> String {
    call(args, |[team, msg]| {
        Some(saves::api::ui_message(&team, &msg))
    })
}

/// See [`saves::api::state_view`]: `[team, journal, outbox, extras]`.
#[wasm_bindgen]
pub fn state_view(args: &str) -> String {
    call(args, |[team, journal, outbox, extras]| {
        Some(saves::api::state_view(&team, &journal, &outbox, &extras))
    })
}

/// See [`saves::api::error_log_csv`]: `[journal]`.
#[wasm_bindgen]
pub fn error_log_csv(args: &str) -> String {
    call(args, |[journal]| Some(saves::api::error_log_csv(&journal)))
}

/// See [`saves::api::connect_finish`]: `[team, finished, now]` (`finished`: the save
/// engine's `engine_connect` answer).
#[wasm_bindgen]
pub fn connect_finish(args: &str) -> String {
    call(args, |[team, finished, now]| {
        Some(saves::api::connect_finish(&team, &finished, text(&now)?))
    })
}

/// See [`saves::api::oauth_start`]: `[team, redirect_uri, random]`, `random` = 48 bytes from
/// `crypto.getRandomValues`.
#[wasm_bindgen]
pub fn oauth_start(args: &str) -> String {
    call(args, |[team, redirect_uri, random]| {
        Some(saves::api::oauth_start(
            &team,
            text(&redirect_uri)?,
            &bytes(&random)?,
        ))
    })
}

/// See [`saves::api::revoke_request`]: `[team, token]`.
#[wasm_bindgen]
pub fn revoke_request(args: &str) -> String {
    call(args, |[team, token]| {
        Some(saves::api::revoke_request(&team, &token))
    })
}

/// See [`saves::api::sign_in_failed`]: `[team, page_loaded]`.
#[wasm_bindgen]
pub fn sign_in_failed(args: &str) -> String {
    call(args, |[team, loaded]| {
        Some(saves::api::sign_in_failed(&team, loaded.as_bool()?))
    })
}

/// See [`saves::api::hubspot_revoke_request_via`] (disconnect): `[team, token, hubspot]`,
/// `hubspot` the client secret from the worker's storage, or `{team_server, session}` in
/// server mode (no secret in the browser: HubSpot's secret-less legacy revoke).
#[wasm_bindgen]
pub fn hubspot_revoke_request(args: &str) -> String {
    call(args, |[team, token, hubspot]| {
        Some(saves::api::hubspot_revoke_request_via(
            &team,
            &token,
            &saves::api::HubspotBroker::from_value(&hubspot),
        ))
    })
}

/// See [`saves::api::hubspot_refresh_request`]: `[team, token, client_secret]`.
#[wasm_bindgen]
pub fn hubspot_refresh_request(args: &str) -> String {
    call(args, |[team, token, client_secret]| {
        Some(saves::api::hubspot_refresh_request(
            &team,
            &token,
            text(&client_secret)?,
        ))
    })
}

/// See [`saves::api::parse_hubspot_refresh`]: `[response, old_token]`.
#[wasm_bindgen]
pub fn parse_hubspot_refresh(args: &str) -> String {
    call(args, |[response, old_token]| {
        Some(saves::api::parse_hubspot_refresh(&response, &old_token))
    })
}

/// See [`saves::api::apply_policy`]: `[team, managed]`.
#[wasm_bindgen]
pub fn apply_policy(args: &str) -> String {
    call(args, |[team, managed]| {
        Some(saves::api::apply_policy(&team, &managed))
    })
}

/// See [`saves::api::undo_plan`]: `[team, msg, record, tokens, now_ms]`.
#[wasm_bindgen]
pub fn undo_plan(args: &str) -> String {
    call(args, |[team, msg, record, tokens, now_ms]| {
        Some(saves::api::undo_plan(
            &team,
            &msg,
            &record,
            &tokens,
            number(&now_ms),
        ))
    })
}

/// See [`saves::api::undo_outcome`]: `[record, calls, responses]`.
#[wasm_bindgen]
pub fn undo_outcome(args: &str) -> String {
    call(args, |[record, calls, responses]| {
        Some(saves::api::undo_outcome(&record, &calls, &responses))
    })
}

/// See [`saves::api::journal_mark_undone`]: `[journal, save_id, outcome]`.
#[wasm_bindgen]
pub fn journal_mark_undone(args: &str) -> String {
    call(args, |[journal, save_id, outcome]| {
        Some(saves::api::journal_mark_undone(
            &journal,
            text(&save_id)?,
            &outcome,
        ))
    })
}

/// See [`saves::api::journal_log_error`]: `[journal, error, name, source, at]`.
#[wasm_bindgen]
pub fn journal_log_error(args: &str) -> String {
    call(args, |[journal, error, name, source, at]| {
        Some(saves::api::journal_log_error(
            &journal,
            &error,
            text(&name)?,
            text(&source)?,
            text(&at)?,
        ))
    })
}

/// See [`saves::api::undo_record`] (when the rep clicks Undo, from what the save left):
/// `[team, entries, results, save_id, finished_at_ms]`.
#[wasm_bindgen]
pub fn undo_record(args: &str) -> String {
    call(args, |[team, entries, results, save_id, now_ms]| {
        Some(saves::api::undo_record(
            &team,
            &entries,
            &results,
            text(&save_id)?,
            number(&now_ms),
        ))
    })
}
