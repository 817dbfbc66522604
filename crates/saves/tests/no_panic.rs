//! Property tests: nothing a page, a message or the network sends can panic the pipeline.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crm::{HttpResponse, Permission};
use proptest::prelude::*;
use saves::message::Role;
use saves::team::{Connection, Health, LocalTeam};
use saves::{
    api, parse_content_message, parse_ui_message, plan_save, ContentToWorker, KnownRecords,
};
use serde_json::{json, Value};

/// Arbitrary JSON, biased towards the shapes messages have.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
        prop_oneof![
            Just("save"),
            Just("lookup"),
            Just("preview"),
            Just("linkedin_extension"),
            Just("gmail_extension"),
            Just("single"),
            Just("bulk"),
            Just("email"),
            Just("2026-01-02")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("kind".to_string()),
                    Just("source".to_string()),
                    Just("push".to_string()),
                    Just("prospects".to_string()),
                    Just("activity".to_string()),
                    Just("full_name".to_string()),
                    Just("last_name".to_string()),
                    Just("email".to_string()),
                    Just("date".to_string()),
                    ".{0,8}".prop_map(String::from)
                ],
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn team() -> LocalTeam {
    let mut t = LocalTeam::default();
    t.config.me_email = Some("rep@acme.example".into());
    t.set_connection(Connection {
        role: Role::TeamSync,
        crm_user_id: "005I".into(),
        name: "Integration".into(),
        email: "integration@acme.example".into(),
        permission: Permission::Admin,
        health: Health::Ok,
        last_success: None,
        instance_url: "https://acme.my.salesforce.com".into(),
    });
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn messages_never_panic(v in arb_json()) {
        let _ = parse_content_message(&v);
        let _ = parse_ui_message(&v);
        let t = serde_json::to_value(team()).unwrap();
        let out = api::plan_save(&t, &v, "s", &Value::Null);
        prop_assert!(out.get("ok").and_then(Value::as_bool).is_some());
        let out = api::ui_message(&t, &v);
        prop_assert!(out.get("ok").and_then(Value::as_bool).is_some());
        let out = api::preview(&t, &v);
        prop_assert!(out.get("ok").and_then(Value::as_bool).is_some());
    }

    #[test]
    fn api_never_panics_on_any_state(team in arb_json(), entry in arb_json(), resp in arb_json()) {
        for out in [
            api::next_request(&team, &entry, &resp),
            api::on_response(&team, &entry, &resp, 1.0, 3),
            api::state_view(&team, &entry, &resp, &Value::Null),
            api::parse_token(&resp),
            api::connected(&team, &entry, &resp, &resp, &resp, &resp, "now"),
        ] {
            prop_assert!(out.get("ok").and_then(Value::as_bool).is_some());
        }
    }

    #[test]
    fn crm_answers_never_panic(status in 0u16..600, body in ".{0,200}", json_body in arb_json()) {
        let t = team();
        let msg = json!({"kind":"save","source":"linkedin_extension","push":"bulk",
            "prospects":[{"full_name":"Ada Lovelace","email":"ada@example.com"}]});
        let ContentToWorker::Save(save) = parse_content_message(&msg).unwrap() else { panic!() };
        let mut known = KnownRecords::new();
        known.insert("email:ada@example.com".into(), None);
        let entry = plan_save(&t, &save, "s", &known).entries[0].clone();
        for body in [body, json_body.to_string()] {
            let resp = HttpResponse { status, headers: vec![], body };
            let _ = saves::on_response(&t, &entry, &resp, 0, 1);
        }
    }
}
