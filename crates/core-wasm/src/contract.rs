//! The spec's JSON contract functions, which only tests and scripts call (feature
//! `contract`, `core_contract.js`): `decide`, `validate_team`, `check_connect` and
//! `check_team_sync_choice`, plain objects in and out. `./build.sh` builds this module into
//! `dist/core-node` only: the extension never calls them (its options page's simulator decides
//! through `ui_message`), so the settings module does not carry them. Each export takes the
//! JSON array of its arguments (see the crate docs) and answers JSON text.

use wasm_bindgen::prelude::*;

use crate::call;

/// The attribution decision (spec: `decide(input)`, plain objects in and out): `[input]`.
#[wasm_bindgen]
pub fn decide(args: &str) -> String {
    call(args, |[input]| Some(attribution::decide_json(&input)))
}

/// Checks a whole team state (rules 7 and 9): `[input]`.
#[wasm_bindgen]
pub fn validate_team(args: &str) -> String {
    call(args, |[input]| {
        Some(attribution::validate_team_json(&input))
    })
}

/// May this app user connect this CRM user (rule 7)? `[input]`.
#[wasm_bindgen]
pub fn check_connect(args: &str) -> String {
    call(args, |[input]| {
        Some(attribution::check_connect_json(&input))
    })
}

/// May this app user be chosen as team sync (rule 9)? `[input]`.
#[wasm_bindgen]
pub fn check_team_sync_choice(args: &str) -> String {
    call(args, |[input]| {
        Some(attribution::check_team_sync_choice_json(&input))
    })
}
