//! The thin wasm-bindgen layer between the service worker and the pure core crates.
//!
//! Every export takes **one JSON text**, the array of its arguments (`JSON.stringify([team,
//! msg, ...])`; a `Uint8Array` as an array of numbers), calls one function of `attribution` or
//! `saves::api`, and answers JSON text. The JS wrappers (`extension/background/core.js` for the
//! worker, `js/core-node.cjs` for `dist/core-node`) do the `JSON.stringify` / `JSON.parse`, so
//! callers still pass and get plain objects. One text in and one out keeps the module small:
//! no serde-wasm-bindgen, and each Rust type is read by one deserializer only (serde's
//! derive, from a borrowed `serde_json::Value`). No logic lives here. Arguments that are not JSON, or not of the
//! expected kind, answer `{ok:false, error:{code:"invalid_input"}}`; nothing throws and nothing
//! panics.
//!
//! Five modules are built from this crate for the extension (`./build.sh`), so the worker
//! instantiates only what a wake needs:
//! - feature `preview` ([`preview`]): the hover preview and the server URL check alone
//!   (`core_preview.js`: bundled into the worker and compiled at every wake, so a wake for a
//!   hover validates and compiles only what a preview runs);
//! - feature `save` ([`save`], with [`preview`]'s two): planning saves, the journal, the undo
//!   record of a finished save, server mode's hand-off (`core_wasm.js`: loaded after a wake's
//!   first answer, or at once for a save; an entry's requests run on the engine below);
//! - feature `settings` ([`settings`]): connecting, the managed policy (when there is one),
//!   the options page's and popup's messages and state view, undo's plan, the error-log CSV,
//!   and the contract functions only tests and scripts call (`decide`, `validate_team`, ...)
//!   (`core_settings.js`);
//! - the save engine ([`engine`]: `crates/engine` over `fetch` and the worker's storage, run
//!   in wasm32 only), whose exports are async and take the worker's store object besides the JSON
//!   arguments: feature `outbox`, an outbox entry's run (`core_outbox.js`), and feature
//!   `engine`, a page's lookup, an undo and a connect (`core_engine.js`). The whole engine in one module
//!   would be over the 200 KiB gzip ceiling. Beside them ([`steps`], any target), the core's
//!   step-by-step faces the worker no longer calls, for scripts and tests: `next_request` /
//!   `on_response` in `core_outbox`, `lookup_list` in `core_engine` (their engines carry that
//!   code already; in the save module they weighed 63 KB gzipped).
//!
//! A sixth, feature `contract` ([`contract`]): the spec's JSON contract functions (`decide`,
//! `validate_team`, ...), which only tests and scripts call, built into `dist/core-node` only.
//!
//! Native builds and tests have every feature (the default); the engine compiles natively too
//! (so clippy and `cargo test` build it) but runs only in Wasm, where its imports exist. Its
//! tests are `wasm_bindgen_test`s: compiled and linted natively, run by the Wasm test stage.
//! `dist/core-node` loads the modules behind one object.

use serde_json::{json, Value};

#[cfg(feature = "contract")]
pub mod contract;
#[cfg(any(feature = "engine", feature = "outbox"))]
pub mod engine;
#[cfg(any(feature = "save", feature = "preview"))]
pub mod preview;
#[cfg(feature = "save")]
pub mod save;
#[cfg(feature = "settings")]
pub mod settings;
#[cfg(any(feature = "engine", feature = "outbox"))]
pub mod steps;

fn invalid_input() -> Value {
    json!({"ok": false, "error": {"code": "invalid_input",
        "message": "the input is not a JSON object of the expected shape"}})
}

/// The `N` arguments JS passed as one JSON array; missing ones (JS `undefined`) are null,
/// extra ones are ignored as JS ignores them. `None` when the text is not a JSON array.
fn args<const N: usize>(json: &str) -> Option<[Value; N]> {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(json) else {
        return None;
    };
    let mut items = items.into_iter();
    Some(std::array::from_fn(|_| items.next().unwrap_or(Value::Null)))
}

#[cfg(any(
    feature = "save",
    feature = "preview",
    feature = "settings",
    feature = "engine",
    feature = "outbox",
    feature = "contract"
))]
/// Runs an export over its arguments: `f` answers `None` for an argument of the wrong kind
/// (a string expected, bytes expected), which answers `invalid_input` like bad JSON does.
fn call<const N: usize>(json: &str, f: impl FnOnce([Value; N]) -> Option<Value>) -> String {
    args(json)
        .and_then(f)
        .unwrap_or_else(invalid_input)
        .to_string()
}

#[cfg(any(feature = "save", feature = "settings", feature = "outbox"))]
/// A string argument.
fn text(v: &Value) -> Option<&str> {
    v.as_str()
}

#[cfg(any(
    feature = "save",
    feature = "settings",
    feature = "engine",
    feature = "outbox"
))]
/// A number argument (not a number: NaN, as JS would pass it).
fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[cfg(feature = "outbox")]
/// A `u32` argument, converted as JS's `ToUint32` does (modulo 2^32, NaN is 0).
fn uint32(v: &Value) -> u32 {
    let x = number(v);
    if x.is_finite() {
        x.trunc().rem_euclid(4_294_967_296.0) as u32
    } else {
        0
    }
}

#[cfg(feature = "settings")]
/// A bytes argument: an array of numbers 0–255 (what the wrapper makes of a `Uint8Array`).
fn bytes(v: &Value) -> Option<Vec<u8>> {
    v.as_array()?
        .iter()
        .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn arguments_are_one_json_array() {
        assert_eq!(args::<2>("[1]"), Some([json!(1), Value::Null]));
        assert_eq!(args::<1>("[1, 2]"), Some([json!(1)]));
        assert_eq!(args::<1>("{}"), None);
        assert_eq!(args::<1>(""), None);
        assert_eq!(args::<1>("[1"), None);
    }

    #[test]
    fn bad_arguments_answer_invalid_input() {
        let out: Value = serde_json::from_str(&call::<1>("nonsense", |_| None)).unwrap();
        assert_eq!(out["error"]["code"], "invalid_input");
        let out: Value = serde_json::from_str(&call::<1>("[3]", |[v]| {
            text(&v).map(|s| json!({"ok": true, "s": s}))
        }))
        .unwrap();
        assert_eq!(out["error"]["code"], "invalid_input");
        let out: Value = serde_json::from_str(&call::<1>("[\"x\"]", |[v]| {
            text(&v).map(|s| json!({"ok": true, "s": s}))
        }))
        .unwrap();
        assert_eq!(out, json!({"ok": true, "s": "x"}));
    }

    #[test]
    fn scalars_convert_as_js_does() {
        assert_eq!(uint32(&json!(4_294_967_297_u64)), 1);
        assert_eq!(uint32(&json!(-1)), u32::MAX);
        assert_eq!(uint32(&json!(7.9)), 7);
        assert_eq!(uint32(&Value::Null), 0);
        assert!(number(&json!("5")).is_nan());
        assert_eq!(bytes(&json!([0, 255])), Some(vec![0, 255]));
        assert_eq!(bytes(&json!([256])), None);
        assert_eq!(bytes(&json!({"0": 1})), None);
    }
}
