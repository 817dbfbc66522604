//! The exported `decide` called as JavaScript would: plain objects in and out, never a throw.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(target_arch = "wasm32")]

use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// As JavaScript passes it: plain objects.
fn js(v: &Value) -> JsValue {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn back(v: JsValue) -> Value {
    serde_wasm_bindgen::from_value(v).unwrap()
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
    let out = core_wasm::decide(js(&spec_example()));
    // A plain object, not a Map.
    assert!(!out.is_instance_of::<js_sys_map::Map>());
    let out = back(out);
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
        JsValue::from_str("nonsense"),
        JsValue::NULL,
        JsValue::UNDEFINED,
        js(&json!({"crm": 7})),
    ] {
        let out = back(core_wasm::decide(bad));
        assert_eq!(out["ok"], false);
        assert_eq!(out["error"]["code"], "invalid_input");
    }
}

/// `js_sys` is not a dependency; `Map` is reached through wasm-bindgen's own import.
mod js_sys_map {
    use wasm_bindgen::prelude::*;
    #[wasm_bindgen]
    extern "C" {
        /// The JS `Map` class.
        pub type Map;
    }
}
