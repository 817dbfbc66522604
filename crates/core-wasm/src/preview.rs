//! The hover preview and the team server URL check (`preview`, `team_server_url`), in the save
//! module (feature `save`, `core_wasm.js`) and alone in the preview module (feature `preview`,
//! `core_preview.js`), the one the worker compiles from its own bundle at every wake: a wake
//! for a hover validates and compiles only what a preview runs, and the save module loads
//! after the first answer (`extension/background/core.js`). Both modules run these same
//! functions, so a preview and the save that follows decide alike. Each takes the JSON array
//! of its arguments (see the crate docs) and answers JSON text.

use wasm_bindgen::prelude::*;

use crate::{call, invalid_input};

/// See [`saves::api::preview`]: `[team, msg]`; the answer written by its own derive
/// ([`saves::api::preview_text`]), not through a `Value`.
#[wasm_bindgen]
pub fn preview(args: &str) -> String {
    match crate::args(args) {
        Some([team, msg]) => saves::api::preview_text(&team, &msg),
        None => invalid_input().to_string(),
    }
}

/// See [`saves::api::team_server_url`], a team server URL checked: `[url]` (server mode's
/// preview decides with the team snapshot only for the URL the core accepts).
#[wasm_bindgen]
pub fn team_server_url(args: &str) -> String {
    call(args, |[url]| Some(saves::api::team_server_url(&url)))
}
