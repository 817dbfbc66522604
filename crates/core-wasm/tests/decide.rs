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

fn spec_example() -> Value {
    json!({
      "crm": "salesforce", "source": "linkedin_extension", "record": "contact", "push": "bulk",
      "actor": "u_rep",
      "team": {
        "users": [
          { "id": "u_admin", "email": "admin@acme.example",
            "personal": { "crm_user_id": "005000000000001AAA", "email": "admin@acme.example", "permission": "admin" },
            "owner_mapping": null },
          { "id": "u_rep", "email": "rep@acme.example", "personal": null,
            "owner_mapping": "005000000000002AAA" }
        ],
        "team_sync": "u_admin",
        "crm_users": [
          { "id": "005000000000001AAA", "email": "admin@acme.example", "active": true },
          { "id": "005000000000002AAA", "email": "rep@acme.example", "active": true }
        ]
      }
    })
}

#[wasm_bindgen_test]
fn decide_answers_the_spec_example() {
    let out = call(core_wasm::contract::decide, &json!([spec_example()]));
    assert_eq!(out["ok"], true);
    assert_eq!(
        out["credential"],
        json!({"kind": "team_sync", "user": "u_admin", "crm_user_id": "005000000000001AAA"})
    );
    assert_eq!(out["created_by"], "005000000000001AAA");
    assert_eq!(out["owner"], "005000000000002AAA");
    assert_eq!(out["needs"], json!([]));
    assert_eq!(out["warnings"], json!([]));
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
