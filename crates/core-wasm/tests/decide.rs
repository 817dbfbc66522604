//! The exported `decide` called as the JS wrapper calls it: one JSON array of arguments in,
//! JSON text out, never a throw or a trap.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(target_arch = "wasm32")]

use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

/// As the wrapper passes them: `JSON.stringify([arg, ...])`.
fn call(f: fn(&str) -> String, args: &Value) -> Value {
    serde_json::from_str(&f(&args.to_string())).unwrap()
}

/// The spec's example, as the attribution tests read it.
fn spec_example() -> Value {
    serde_json::from_str(include_str!(
        "../../attribution/tests/fixtures/spec-example.json"
    ))
    .unwrap()
}

#[wasm_bindgen_test]
fn decide_answers_the_spec_example() {
    let example = spec_example();
    let out = call(core_wasm::contract::decide, &json!([example["input"]]));
    for (field, value) in example["output"].as_object().unwrap() {
        assert_eq!(&out[field], value, "field {field} of {out}");
    }
    assert_eq!(out["reasons"][0], example["first_reason"]);
}

#[wasm_bindgen_test]
fn decide_refuses_malformed_input_without_throwing() {
    for bad in [
        "nonsense",
        "",
        "[null]",
        "[]",
        "{}",
        r#"[{"crm": 7}]"#,
        "[\"save\"]",
    ] {
        let out: Value = serde_json::from_str(&core_wasm::contract::decide(bad)).unwrap();
        assert_eq!(out["ok"], false, "{bad}");
        assert_eq!(out["error"]["code"], "invalid_input", "{bad}");
    }
}

#[wasm_bindgen_test]
fn save_path_exports_answer_in_wasm() {
    // A string argument of the wrong kind answers invalid_input instead of throwing.
    let out = call(core_wasm::save::plan_save, &json!([{}, {}, 7, null]));
    assert_eq!(out["error"]["code"], "invalid_input");
    // Bytes arrive as an array of numbers.
    let team = json!({"config": {"crm": "salesforce", "login_host": "production",
        "client_id": "x", "me_email": "rep@acme.example"}});
    let random: Vec<u8> = (0..48).collect();
    let out = call(
        core_wasm::settings::oauth_start,
        &json!([team, "https://x.chromiumapp.org/oauth2", random]),
    );
    assert_eq!(out["ok"], true, "{out}");
}
