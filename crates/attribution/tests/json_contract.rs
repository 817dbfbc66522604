//! The JSON contract of `shared/spec/attribution.md`: the spec's example, the exact output
//! shapes, and malformed inputs that must answer `invalid_input` without panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use attribution::{
    check_connect_json, check_team_sync_choice_json, decide_json, decide_str, validate_team_json,
};
use serde_json::{json, Value};

/// The spec's example (`tests/fixtures/spec-example.json`): its input, its output without
/// the reasons, and its first reason.
fn spec_example() -> Value {
    serde_json::from_str(include_str!("fixtures/spec-example.json")).unwrap()
}

/// The input of the spec, verbatim.
fn spec_input() -> Value {
    spec_example()["input"].take()
}

fn error_code(answer: &Value) -> &str {
    assert_eq!(
        answer["ok"],
        json!(false),
        "expected a failure, got {answer}"
    );
    let error = answer["error"].as_object().unwrap();
    assert_eq!(
        error.len(),
        2,
        "error has exactly code and message: {answer}"
    );
    assert!(!error["message"].as_str().unwrap().is_empty());
    error["code"].as_str().unwrap()
}

fn invalid_field(answer: &Value, field: &str) {
    assert_eq!(error_code(answer), "invalid_input", "{answer}");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("`{field}`")),
        "message {message:?} does not name {field}"
    );
}

#[test]
fn the_spec_example_gives_the_spec_output() {
    let answer = decide_json(&spec_input());
    let example = spec_example();
    for (field, value) in example["output"].as_object().unwrap() {
        assert_eq!(&answer[field], value, "field {field} of {answer}");
    }
    assert_eq!(answer["credential"].as_object().unwrap().len(), 3);
    let reasons = answer["reasons"].as_array().unwrap();
    assert_eq!(reasons[0], example["first_reason"]);
    assert!(reasons
        .iter()
        .all(|r| r.as_str().is_some_and(|s| !s.is_empty())));
    // The documented extras.
    assert_eq!(answer["source"], json!("linkedin_extension"));
    assert_eq!(answer["on_behalf_of"], json!("u_rep"));
    assert_eq!(answer["owner_from"], json!("owner_mapping"));
}

#[test]
fn optional_fields_may_be_absent_or_null_and_push_defaults_to_bulk() {
    let mut input = spec_input();
    let fields = input.as_object_mut().unwrap();
    fields.remove("push");
    fields["source"] = json!("manual");
    fields["team"]["crm_users"] = Value::Null;
    fields["team"]["users"][0]
        .as_object_mut()
        .unwrap()
        .remove("owner_mapping");
    fields["team"]["users"][1]
        .as_object_mut()
        .unwrap()
        .remove("personal");
    fields["team"]["users"][1]["owner_mapping"] = Value::Null;
    let answer = decide_json(&input);
    assert_eq!(answer["ok"], json!(true), "{answer}");
    // Bulk: no email match, so the team sync admin owns the rep's manual record.
    assert_eq!(answer["owner"], json!("005000000000001AAA"));

    let mut single = input.clone();
    single["push"] = json!("single");
    single["team"]["crm_users"] = spec_input()["team"]["crm_users"].clone();
    assert_eq!(decide_json(&single)["owner"], json!("005000000000002AAA"));

    input["team"]["team_sync"] = Value::Null;
    input["team"].as_object_mut().unwrap().remove("crm_users");
    let answer = decide_json(&input);
    assert_eq!(
        answer["credential"]["kind"],
        json!("highest_permission"),
        "{answer}"
    );
}

#[test]
fn every_error_code_has_the_failure_shape() {
    let mut unknown = spec_input();
    unknown["actor"] = json!("u_ghost");
    assert_eq!(error_code(&decide_json(&unknown)), "unknown_actor");

    let mut duplicate = spec_input();
    duplicate["team"]["users"][1]["personal"] = duplicate["team"]["users"][0]["personal"].clone();
    assert_eq!(
        error_code(&decide_json(&duplicate)),
        "duplicate_crm_account"
    );

    let mut not_connected = spec_input();
    not_connected["team"]["team_sync"] = json!("u_rep");
    assert_eq!(
        error_code(&decide_json(&not_connected)),
        "team_sync_not_connected"
    );

    let mut nobody = spec_input();
    nobody["team"]["users"][0]["personal"]["permission"] = json!("read_only");
    nobody["team"]["team_sync"] = Value::Null;
    let answer = decide_json(&nobody);
    assert_eq!(error_code(&answer), "no_credentials");
    assert!(answer["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Salesforce"));

    assert_eq!(error_code(&decide_json(&json!([]))), "invalid_input");
}

/// Removes (`None`) or replaces the value at a JSON pointer of the spec's input.
fn broken(pointer: &str, replacement: Option<Value>) -> Value {
    let mut input = spec_input();
    match replacement {
        Some(value) => *input.pointer_mut(pointer).unwrap() = value,
        None => {
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            input
                .pointer_mut(parent)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .remove(key);
        }
    }
    input
}

#[test]
fn malformed_inputs_name_the_field() {
    // (field named in the message, JSON pointer changed, new value or None to remove it)
    let cases = [
        ("input", "", Some(json!("decide please"))),
        ("team", "/team", None),
        ("team", "/team", Some(json!([]))),
        ("crm", "/crm", Some(json!("pipedrive"))),
        ("crm", "/crm", None),
        ("source", "/source", Some(json!("LinkedIn_Extension"))),
        ("source", "/source", Some(json!(7))),
        ("record", "/record", Some(json!("opportunity"))),
        ("push", "/push", Some(json!(true))),
        ("push", "/push", Some(json!("all"))),
        ("actor", "/actor", Some(json!(""))),
        ("actor", "/actor", Some(json!({ "id": "u_rep" }))),
        ("actor", "/actor", Some(json!("x".repeat(100_000)))),
        ("actor", "/actor", Some(json!("u_rep\u{0}"))),
        ("team.users", "/team/users", Some(json!({}))),
        ("team.users[1]", "/team/users/1", Some(json!(null))),
        ("team.users[1].email", "/team/users/1/email", Some(json!(5))),
        ("team.users[1].id", "/team/users/1/id", None),
        (
            "team.users[0].personal.permission",
            "/team/users/0/personal/permission",
            Some(json!("owner")),
        ),
        (
            "team.users[0].personal.crm_user_id",
            "/team/users/0/personal/crm_user_id",
            None,
        ),
        (
            "team.users[1].owner_mapping",
            "/team/users/1/owner_mapping",
            Some(json!(["005"])),
        ),
        ("team.team_sync", "/team/team_sync", Some(json!(1.5))),
        (
            "team.crm_users",
            "/team/crm_users",
            Some(json!("all of them")),
        ),
        (
            "team.crm_users[0].active",
            "/team/crm_users/0/active",
            Some(json!("yes")),
        ),
        (
            "team.crm_users[1].id",
            "/team/crm_users/1/id",
            Some(json!(-1)),
        ),
        (
            "team.users[1].id",
            "/team/users/1/id",
            Some(json!("u_admin")),
        ),
    ];
    for (field, pointer, replacement) in cases {
        invalid_field(&decide_json(&broken(pointer, replacement)), field);
    }
}

#[test]
fn huge_and_odd_strings_are_refused_or_handled() {
    let huge = "€".repeat(10_000);
    let mut input = spec_input();
    input["source"] = json!(huge);
    let answer = decide_json(&input);
    invalid_field(&answer, "source");
    assert!(
        answer["error"]["message"].as_str().unwrap().len() < 500,
        "echoes at most an excerpt"
    );

    // Unicode ids and emails are fine.
    let mut unicode = spec_input();
    unicode["team"]["users"][1]["id"] = json!("u_rép🙂");
    unicode["actor"] = json!("u_rép🙂");
    assert_eq!(decide_json(&unicode)["ok"], json!(true));

    let mut many = spec_input();
    many["team"]["users"] = json!(vec![json!(null); attribution::MAX_APP_USERS + 1]);
    invalid_field(&decide_json(&many), "team.users");
}

#[test]
fn decide_str_answers_any_text() {
    let ok: Value = serde_json::from_str(&decide_str(&spec_input().to_string())).unwrap();
    assert_eq!(ok, decide_json(&spec_input()));
    for text in [
        "",
        "{",
        "null",
        "[1,2",
        "\"manual\"",
        &"[".repeat(10_000),
        "{\"crm\":\"salesforce\"}",
    ] {
        let answer: Value = serde_json::from_str(&decide_str(text)).unwrap();
        assert_eq!(error_code(&answer), "invalid_input", "for {text:.20}");
    }
}

#[test]
fn options_page_checks_answer_in_json() {
    let team = spec_input()["team"].clone();
    assert_eq!(
        validate_team_json(&json!({ "team": team })),
        json!({ "ok": true })
    );
    assert_eq!(
        validate_team_json(&json!({ "team": team, "crm": "hubspot" })),
        json!({ "ok": true })
    );
    invalid_field(&validate_team_json(&json!({ "users": [] })), "team");
    invalid_field(
        &validate_team_json(&json!({ "team": team, "crm": "sap" })),
        "crm",
    );

    let admins = json!({ "crm_user_id": "005000000000001AAA", "email": "admin@acme.example", "permission": "admin" });
    let own = json!({ "crm_user_id": "005000000000002AAA", "email": "rep@acme.example", "permission": "standard" });
    let taken = check_connect_json(
        &json!({ "team": team, "app_user": "u_rep", "personal": admins, "crm": "salesforce" }),
    );
    assert_eq!(error_code(&taken), "duplicate_crm_account");
    assert!(taken["error"]["message"]
        .as_str()
        .unwrap()
        .contains("admin@acme.example"));
    assert_eq!(
        check_connect_json(&json!({ "team": team, "app_user": "u_rep", "personal": own })),
        json!({ "ok": true })
    );
    // Reconnecting one's own CRM user is fine.
    assert_eq!(
        check_connect_json(&json!({ "team": team, "app_user": "u_admin", "personal": admins })),
        json!({ "ok": true })
    );
    assert_eq!(
        error_code(&check_connect_json(
            &json!({ "team": team, "app_user": "u_x", "personal": own })
        )),
        "unknown_actor"
    );
    invalid_field(
        &check_connect_json(&json!({ "team": team, "app_user": "u_rep" })),
        "personal",
    );

    assert_eq!(
        check_team_sync_choice_json(&json!({ "team": team, "app_user": "u_admin" })),
        json!({ "ok": true, "warnings": [] })
    );
    let refused = check_team_sync_choice_json(&json!({ "team": team, "app_user": "u_rep" }));
    assert_eq!(error_code(&refused), "team_sync_not_connected");
    assert_eq!(
        error_code(&check_team_sync_choice_json(
            &json!({ "team": team, "app_user": "u_x" })
        )),
        "team_sync_not_connected"
    );
    let mut standard = team.clone();
    standard["users"][0]["personal"]["permission"] = json!("standard");
    assert_eq!(
        check_team_sync_choice_json(&json!({ "team": standard, "app_user": "u_admin" })),
        json!({ "ok": true, "warnings": ["team_sync_not_admin"] })
    );
}

/// The spec's input with the admin's (team sync's) connection given `"held": held`.
fn admin_held(held: Value) -> Value {
    let mut input = spec_input();
    input["team"]["users"][0]["personal"]["held"] = held;
    input
}

#[test]
fn personal_held_is_team_or_own_browser_and_absent_means_team() {
    let absent = decide_json(&spec_input());
    for same in [json!("team"), Value::Null] {
        let input = admin_held(same.clone());
        assert_eq!(decide_json(&input), absent, "held: {same}");
    }
    // Rule 11: a team sync held only in its user's browser is refused like an unconnected one.
    let in_browser = admin_held(json!("own_browser"));
    let refused = decide_json(&in_browser);
    assert_eq!(error_code(&refused), "team_sync_not_connected");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("browser"));
    // The same team without team sync: the admin's browser-held connection pushes only the
    // admin's saves, so the rep's LinkedIn save has nothing to push with.
    let mut no_sync = in_browser.clone();
    no_sync["team"]["team_sync"] = Value::Null;
    assert_eq!(error_code(&decide_json(&no_sync)), "no_credentials");
    no_sync["actor"] = json!("u_admin");
    let own = decide_json(&no_sync);
    assert_eq!(
        own["credential"]["kind"],
        json!("highest_permission"),
        "{own}"
    );
    assert_eq!(own["credential"]["user"], json!("u_admin"));

    for (bad, why) in [
        (json!("browser"), "unknown value"),
        (json!("Team"), "unknown value"),
        (json!(true), "expected a string"),
    ] {
        let answer = decide_json(&admin_held(bad));
        invalid_field(&answer, "team.users[0].personal.held");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(why), "{message}");
    }
    let answer = decide_json(&admin_held(json!("nope")));
    assert!(answer["error"]["message"]
        .as_str()
        .unwrap()
        .contains("team, own_browser"));
}

#[test]
fn options_page_checks_read_held() {
    let team = spec_input()["team"].clone();
    let mut in_browser = team.clone();
    in_browser["users"][0]["personal"]["held"] = json!("own_browser");
    assert_eq!(
        error_code(&check_team_sync_choice_json(
            &json!({ "team": in_browser, "app_user": "u_admin" })
        )),
        "team_sync_not_connected"
    );
    in_browser["team_sync"] = Value::Null;
    assert_eq!(
        validate_team_json(&json!({ "team": in_browser })),
        json!({ "ok": true })
    );
    let own = json!({ "crm_user_id": "005000000000002AAA", "email": "rep@acme.example",
        "permission": "standard", "held": "own_browser" });
    assert_eq!(
        check_connect_json(&json!({ "team": team, "app_user": "u_rep", "personal": own })),
        json!({ "ok": true })
    );
    let mut odd = own.clone();
    odd["held"] = json!("server");
    invalid_field(
        &check_connect_json(&json!({ "team": team, "app_user": "u_rep", "personal": odd })),
        "personal.held",
    );
}

/// The spec's input with `n` extra app users (`u0`, `u1`, ...) without connections.
fn with_users(n: usize) -> Value {
    let mut input = spec_input();
    let users = input["team"]["users"].as_array_mut().unwrap();
    users.extend(
        (0..n).map(|i| json!({ "id": format!("u{i}"), "email": format!("u{i}@acme.example") })),
    );
    input
}

#[test]
fn length_limits_hold_at_their_boundary() {
    use attribution::{MAX_APP_USERS, MAX_CRM_USERS, MAX_TEXT_CHARS};
    // Texts: the limit itself is accepted (counted in characters, not bytes), one more is not.
    for (id, accepted) in [
        ("r".repeat(MAX_TEXT_CHARS), true),
        ("€".repeat(MAX_TEXT_CHARS), true),
        ("r".repeat(MAX_TEXT_CHARS + 1), false),
    ] {
        let mut input = spec_input();
        input["team"]["users"][1]["id"] = json!(id);
        input["actor"] = json!(id);
        let answer = decide_json(&input);
        if accepted {
            assert_eq!(answer["ok"], json!(true), "{answer}");
        } else {
            invalid_field(&answer, "actor");
            let message = answer["error"]["message"].as_str().unwrap();
            assert!(message.contains("at most 256"), "{message}");
        }
    }
    // Lists: exactly the most accepted, one more refused.
    let full = with_users(MAX_APP_USERS - 2);
    assert_eq!(decide_json(&full)["ok"], json!(true));
    invalid_field(&decide_json(&with_users(MAX_APP_USERS - 1)), "team.users");

    let directory = |n: usize| {
        let mut input = spec_input();
        input["team"]["crm_users"] = (0..n).map(|i| json!({ "id": format!("c{i}") })).collect();
        input
    };
    assert_eq!(decide_json(&directory(MAX_CRM_USERS))["ok"], json!(true));
    invalid_field(
        &decide_json(&directory(MAX_CRM_USERS + 1)),
        "team.crm_users",
    );
}

#[test]
fn echoed_values_are_cut_after_40_characters() {
    let message = |source: String| {
        let answer = decide_json(&broken("/source", Some(json!(source))));
        answer["error"]["message"].as_str().unwrap().to_owned()
    };
    let forty = "s".repeat(40);
    assert!(message(forty.clone()).contains(&format!("\"{forty}\"")));
    let cut = message("s".repeat(41));
    assert!(cut.contains(&format!("\"{forty}…\"")), "{cut}");
}
