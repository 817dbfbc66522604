//! Property tests: nothing a page, a message or the network sends can panic the pipeline
//! (saves, previews, list lookups, undo).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crm::{HttpResponse, Permission};
use proptest::prelude::*;
use saves::bulk_lookup::lookup_list;
use saves::team::{Connection, CrmKind, Health, LocalTeam};
use saves::Role;
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
        permission: Some(Permission::Admin),
        health: Health::Ok,
        last_success: None,
        instance_url: "https://acme.my.salesforce.com".into(),
        credential: None,
    });
    t
}

fn hubspot_team() -> LocalTeam {
    let mut t = team();
    t.config.crm = CrmKind::Hubspot;
    t
}

/// What the worker holds for the team sync connection.
fn tokens() -> Value {
    json!({"team_sync": {"access_token": "TEAM-TOKEN", "refresh_token": "TEAM-REFRESH",
        "instance_url": "https://acme.my.salesforce.com", "id": "x"}})
}

/// The JSON answer contract: `ok` is a bool, and a refusal carries a string `error.code`.
fn answered(out: &Value) -> bool {
    match out.get("ok").and_then(Value::as_bool) {
        Some(true) => true,
        Some(false) => out["error"]["code"].is_string(),
        None => false,
    }
}

const NOW_MS: f64 = 1_800_000_000_000.0;

/// A one-person save run to its end through the JSON face the worker uses, and what undo
/// needs of it: `(team, undo record, planned delete calls)`.
fn finished_save() -> (Value, Value, Value) {
    let t = serde_json::to_value(team()).unwrap();
    let msg = json!({"kind":"save","source":"linkedin_extension","push":"single",
        "prospects":[{"full_name":"Ada Lovelace","email":"ada@example.com"}]});
    let plan = api::plan_save(
        &t,
        &msg,
        "s1",
        &json!({"email:ada@example.com": null}),
        &Value::Null,
        0.0,
    );
    let entry = plan["entries"][0].clone();
    let sent = api::next_request(&t, &entry, &tokens());
    let created = json!({"compositeResponse":[{"referenceId":"NewRecord","httpStatusCode":201,
        "body":{"id":"003000000000001AAA","success":true,"errors":[]}}]});
    let response = json!({"status": 200, "headers": [], "body": created.to_string()});
    let done = api::on_response(&t, &sent["entry"], &response, NOW_MS, 2);
    let results = json!([done["step"]["result"]]);
    let record = api::undo_record(&t, &json!([entry]), &results, "s1", NOW_MS)["undo"].clone();
    let undo = json!({"kind": "undo", "source": "linkedin_extension", "save_id": "s1"});
    let calls = api::undo_plan(&t, &undo, &record, &tokens(), NOW_MS + 1000.0)["calls"].clone();
    (t, record, calls)
}

/// A list page's lookup message (one person by e-mail, one by profile URL).
fn list_lookup() -> Value {
    json!({"kind":"lookup","source":"linkedin_extension","prospects":[
        {"full_name":"Ada Lovelace","email":"ada@example.com"},
        {"full_name":"Ben Okafor","linkedin_url":"https://www.linkedin.com/in/ben-okafor"}]})
}

#[test]
fn the_fixtures_reach_past_the_input_checks() {
    // Otherwise the properties below would only ever exercise the first refusal.
    let (t, record, calls) = finished_save();
    assert_eq!(
        record["items"].as_array().map(Vec::len),
        Some(1),
        "{record}"
    );
    assert_eq!(calls.as_array().map(Vec::len), Some(1), "{calls}");
    let deleted = json!([{"status": 200, "headers": [], "body":
        r#"[{"id":"003000000000001AAA","success":true,"errors":[]}]"#}]);
    let outcome = api::undo_outcome(&record, &calls, &deleted);
    assert_eq!(
        outcome["deleted"].as_array().map(Vec::len),
        Some(1),
        "{outcome}"
    );
    let first = lookup_list(
        &t,
        &list_lookup(),
        &tokens(),
        &Value::Null,
        &Value::Null,
        &Value::Null,
        0.0,
    );
    assert!(first["request"].is_object(), "{first}");
    assert!(!answered(&json!({"ok": false})) && !answered(&json!({})));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn messages_never_panic(v in arb_json()) {
        let _ = parse_content_message(&v);
        let _ = parse_ui_message(&v);
        let t = serde_json::to_value(team()).unwrap();
        let out = api::plan_save(&t, &v, "s", &Value::Null, &Value::Null, 0.0);
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
            api::connect_finish(&team, &entry, "now"),
        ] {
            prop_assert!(out.get("ok").and_then(Value::as_bool).is_some());
        }
    }

    #[test]
    fn a_connect_flow_never_panics_on_any_answers(
        answers in prop::collection::vec((0u16..600, ".{0,120}"), 0..8),
        json_answers in prop::collection::vec(arb_json(), 0..4),
        hubspot in any::<bool>(),
    ) {
        let mut t = team();
        t.config.client_id = Some("key".into());
        if hubspot {
            t.config.crm = CrmKind::Hubspot;
        }
        let redirect = "https://x.chromiumapp.org/oauth2";
        let start = serde_json::from_value(json!({"kind": "oauth", "role": "personal",
            "redirect_uri": redirect, "returned_url": format!("{redirect}?code=c&state=s"),
            "state": "s", "verifier": "v"})).unwrap();
        let mut flow = api::ConnectFlow::start(t, start, "secret").unwrap();
        let bodies = answers.into_iter()
            .chain(json_answers.into_iter().map(|v| (200, v.to_string())));
        for (status, body) in bodies {
            match flow.next_request() {
                Ok(Some(_)) => {}
                _ => break,
            }
            let response = crm::HttpResponse { status, headers: vec![], body };
            if flow.on_response(&response).is_err() {
                break;
            }
        }
        let _ = flow.finished();
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

    #[test]
    fn undo_never_panics_on_any_state(
        any_team in arb_json(), msg in arb_json(), record in arb_json(), other in arb_json(),
        now in any::<f64>(), save_id in ".{0,80}",
    ) {
        let real = serde_json::to_value(team()).unwrap();
        let undo = json!({"kind": "undo", "source": "linkedin_extension", "save_id": save_id});
        for t in [&any_team, &real] {
            for out in [
                api::undo_plan(t, &msg, &record, &other, now),
                api::undo_plan(t, &undo, &record, &other, now),
                api::undo_record(t, &msg, &record, &save_id, now),
            ] {
                prop_assert!(answered(&out), "{}", out);
            }
        }
        for out in [
            api::undo_outcome(&record, &msg, &other),
            api::journal_mark_undone(&record, &save_id, &msg),
        ] {
            prop_assert!(answered(&out), "{}", out);
        }
    }

    #[test]
    fn undo_of_a_real_save_never_panics(
        msg in arb_json(), save_id in ".{0,80}", now in any::<f64>(),
        status in 0u16..1000, body in ".{0,200}", json_body in arb_json(),
    ) {
        let (t, record, calls) = finished_save();
        let undo = json!({"kind": "undo", "source": "linkedin_extension", "save_id": save_id});
        for out in [
            api::undo_plan(&t, &undo, &record, &tokens(), now),
            api::undo_plan(&t, &msg, &record, &tokens(), now),
            api::undo_record(&t, &msg, &json!([msg]), &save_id, now),
        ] {
            prop_assert!(answered(&out), "{}", out);
        }
        for body in [body, json_body.to_string()] {
            let responses = json!([{"status": status, "headers": [], "body": body}]);
            let outcome = api::undo_outcome(&record, &calls, &responses);
            prop_assert!(answered(&outcome), "{}", outcome);
            let journal = api::journal_mark_undone(&msg, &save_id, &outcome);
            prop_assert!(answered(&journal), "{}", journal);
        }
    }

    #[test]
    fn list_lookups_never_panic(
        msg in arb_json(), any_tokens in arb_json(), known in arb_json(), answers in arb_json(),
        status in 0u16..1000, body in ".{0,200}", json_body in arb_json(),
    ) {
        let real = serde_json::to_value(team()).unwrap();
        for out in [
            lookup_list(&real, &msg, &tokens(), &known, &answers, &Value::Null, 0.0),
            lookup_list(&real, &list_lookup(), &any_tokens, &known, &answers, &Value::Null, 0.0),
            lookup_list(&real, &list_lookup(), &tokens(), &known, &answers, &Value::Null, 0.0),
            lookup_list(&msg, &list_lookup(), &tokens(), &Value::Null, &Value::Null, &Value::Null, 0.0),
        ] {
            prop_assert!(answered(&out), "{}", out);
        }
        // The dedupe query answered with anything, once or as a second round.
        let hubspot = serde_json::to_value(hubspot_team()).unwrap();
        for body in [body, json_body.to_string()] {
            let answer = json!({"status": status, "headers": [], "body": body});
            for t in [&real, &hubspot] {
                for answers in [json!([answer]), json!([answer, answer])] {
                    let out = lookup_list(t, &list_lookup(), &tokens(), &Value::Null, &answers, &Value::Null, 0.0);
                    prop_assert!(answered(&out), "{}", out);
                }
            }
        }
    }
}
