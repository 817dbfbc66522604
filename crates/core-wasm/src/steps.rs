//! The core's step-by-step faces that the extension no longer calls, kept for scripts and
//! tests beside the save engine that now runs them (each in the module whose engine already
//! carries its code, so neither the save module every wake loads nor the settings module
//! grows): an outbox entry's `next_request` / `on_response` (feature `outbox`,
//! `core_outbox.js`) and a list page's `lookup_list` (feature `engine`, `core_engine.js`).

use wasm_bindgen::prelude::*;

#[cfg(feature = "outbox")]
use crate::uint32;
use crate::{call, number};

/// See [`saves::api::next_request`]: `[team, entry, tokens]`.
#[cfg(feature = "outbox")]
#[wasm_bindgen]
pub fn next_request(args: &str) -> String {
    call(args, |[team, entry, tokens]| {
        Some(saves::api::next_request(&team, &entry, &tokens))
    })
}

/// See [`saves::api::on_response`]: `[team, entry, response, now_ms, random]`.
#[cfg(feature = "outbox")]
#[wasm_bindgen]
pub fn on_response(args: &str) -> String {
    call(args, |[team, entry, response, now_ms, random]| {
        Some(saves::api::on_response(
            &team,
            &entry,
            &response,
            number(&now_ms),
            uint32(&random),
        ))
    })
}

/// See [`saves::bulk_lookup::lookup_list`], a list page's lookups in one call: `[team, msg,
/// tokens, known, answers, recent, now_ms]`.
#[cfg(feature = "engine")]
#[wasm_bindgen]
pub fn lookup_list(args: &str) -> String {
    call(
        args,
        |[team, msg, tokens, known, answers, recent, now_ms]| {
            Some(saves::bulk_lookup::lookup_list(
                &team,
                &msg,
                &tokens,
                &known,
                &answers,
                &recent,
                number(&now_ms),
            ))
        },
    )
}
