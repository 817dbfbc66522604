//! The save path's exports (feature `save`, `core_wasm.js`): planning saves, the journal, the
//! undo window, server mode's hand-off; with them the hover preview and the server URL check
//! ([`crate::preview`], which the preview module carries alone). Each takes the JSON array of
//! its arguments (see the crate docs) and answers JSON text.

use wasm_bindgen::prelude::*;

use crate::{call, number, text};

/// See [`saves::api::plan_save`]: `[team, msg, save_id, known, recent, now_ms]`.
#[wasm_bindgen]
pub fn plan_save(args: &str) -> String {
    call(args, |[team, msg, save_id, known, recent, now_ms]| {
        Some(saves::api::plan_save(
            &team,
            &msg,
            text(&save_id)?,
            &known,
            &recent,
            number(&now_ms),
        ))
    })
}

/// See [`saves::api::journal_record`]: `[journal, save_id, source, result, at, team,
/// lookup_key, now_ms]` (the last three may be left out: nothing is noted for HubSpot's lag).
#[wasm_bindgen]
pub fn journal_record(args: &str) -> String {
    call(
        args,
        |[journal, save_id, source, result, at, team, lookup_key, now_ms]| {
            Some(saves::api::journal_record(
                &journal,
                text(&save_id)?,
                text(&source)?,
                &result,
                text(&at)?,
                &team,
                lookup_key.as_str(),
                number(&now_ms),
            ))
        },
    )
}

/// See [`saves::api::contract`], the message kinds and the undo window: `[]`.
#[wasm_bindgen]
pub fn contract(args: &str) -> String {
    call(args, |[]: [serde_json::Value; 0]| {
        Some(saves::api::contract())
    })
}

/// See [`saves::api::queued_result`], the waiting result of an outbox entry: `[entry]`.
#[wasm_bindgen]
pub fn queued_result(args: &str) -> String {
    call(args, |[entry]| Some(saves::api::queued_result(&entry)))
}

/// See [`saves::api::import_rows`]: `[text]`, a CSV file's text (the import page parses with
/// this module, so the worker stays free while a large file is read).
#[wasm_bindgen]
pub fn import_rows(args: &str) -> String {
    call(args, |[text]| Some(saves::api::import_rows(&text)))
}

/// See [`saves::api::server_save`], an entry handed to the team server: `[team, entry, url,
/// session]`.
#[wasm_bindgen]
pub fn server_save(args: &str) -> String {
    call(args, |[team, entry, url, session]| {
        Some(saves::api::server_save(&team, &entry, &url, &session))
    })
}

/// See [`saves::api::server_answer`], the team server's answer to a save: `[team, entry,
/// response, now_ms]`.
#[wasm_bindgen]
pub fn server_answer(args: &str) -> String {
    call(args, |[team, entry, response, now_ms]| {
        Some(saves::api::server_answer(
            &team,
            &entry,
            &response,
            number(&now_ms),
        ))
    })
}
