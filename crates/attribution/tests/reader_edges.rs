//! The reader's edge cases, pinned with their exact messages: unknown fields, `null`, arrays
//! where objects belong, the text rules on every text field, wrong types, and the path prefix
//! the callers choose. Messages are free text in the contract; these keep them stable anyway,
//! so a change of reader shows up here first.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use attribution::{
    check_connect_json, check_team_sync_choice_json, decide_json, decide_str, parse_personal,
    parse_team, validate_team_json, AttributionError, Held, Permission,
};
use serde_json::{json, Value};

/// The spec's input (`tests/fixtures/spec-example.json`), with a name on the admin's directory
/// entry.
fn input() -> Value {
    let mut example: Value =
        serde_json::from_str(include_str!("fixtures/spec-example.json")).unwrap();
    example["input"]["team"]["crm_users"][0]["name"] = json!("Ada Admin");
    example["input"].take()
}

/// The input with the value at `pointer` replaced (`Some`) or removed (`None`).
fn with(pointer: &str, replacement: Option<Value>) -> Value {
    let mut value = input();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = value.pointer_mut(parent).unwrap();
    match (replacement, parent) {
        (Some(new), Value::Array(items)) => items[key.parse::<usize>().unwrap()] = new,
        (Some(new), parent) => {
            parent.as_object_mut().unwrap().insert(key.to_owned(), new);
        }
        (None, parent) => {
            parent.as_object_mut().unwrap().remove(key).unwrap();
        }
    }
    value
}

/// The message of an `invalid_input` answer.
fn invalid(answer: &Value) -> &str {
    assert_eq!(answer["ok"], json!(false), "{answer}");
    assert_eq!(answer["error"]["code"], json!("invalid_input"), "{answer}");
    answer["error"]["message"].as_str().unwrap()
}

/// `team.users[1].id` for `/team/users/1/id`.
fn field_of(pointer: &str) -> String {
    let mut field = String::new();
    for part in pointer.trim_start_matches('/').split('/') {
        if part.parse::<usize>().is_ok() {
            field.push_str(&format!("[{part}]"));
        } else {
            if !field.is_empty() {
                field.push('.');
            }
            field.push_str(part);
        }
    }
    field
}

#[test]
fn unknown_fields_are_ignored_at_every_level() {
    let plain = decide_json(&input());
    assert_eq!(plain["ok"], json!(true), "{plain}");
    let extra = json!({ "nested": [1, {"a": null}], "crm": "hubspot" });
    for object in [
        "",
        "/team",
        "/team/users/0",
        "/team/users/0/personal",
        "/team/crm_users/0",
    ] {
        let mut value = input();
        let fields = value.pointer_mut(object).unwrap().as_object_mut().unwrap();
        fields.insert("unknown_field".into(), extra.clone());
        fields.insert("Crm".into(), json!(7));
        assert_eq!(decide_json(&value), plain, "extra fields in {object:?}");
    }
    let team = input()["team"].clone();
    let own = json!({ "crm_user_id": "005000000000002AAA", "email": "rep@acme.example",
        "permission": "standard", "extra": true });
    assert_eq!(
        check_connect_json(
            &json!({ "team": team, "app_user": "u_rep", "personal": own, "extra": [] })
        ),
        json!({ "ok": true })
    );
    assert_eq!(
        validate_team_json(&json!({ "team": team, "extra": {} })),
        json!({ "ok": true })
    );
}

#[test]
fn null_is_absent_for_every_optional_field() {
    let plain = decide_json(&input());
    for pointer in [
        "/push",
        "/team/users/0/owner_mapping",
        "/team/users/1/personal",
        "/team/crm_users/0/email",
        "/team/crm_users/0/name",
        "/team/crm_users/0/active",
    ] {
        let null = decide_json(&with(pointer, Some(Value::Null)));
        let absent = decide_json(&with(pointer, None));
        assert_eq!(null, absent, "{pointer}: null and absent differ");
        assert_eq!(null["ok"], json!(true), "{pointer}: {null}");
    }
    // `push` absent or null is bulk, as the spec input says explicitly.
    assert_eq!(decide_json(&with("/push", Some(Value::Null))), plain);

    // `active`: null and absent mean true; false is read.
    let owner_active = "/team/crm_users/1/active";
    let inactive = decide_json(&with(owner_active, Some(json!(false))));
    assert_eq!(
        inactive["warnings"],
        json!(["owner_inactive"]),
        "{inactive}"
    );
    for active in [Some(Value::Null), None] {
        let answer = decide_json(&with(owner_active, active));
        assert_eq!(answer["warnings"], json!([]), "{answer}");
        assert_eq!(answer["owner"], json!("005000000000002AAA"));
    }

    // `held` null is team; `team_sync` and `crm_users` null are absent.
    let held = decide_json(&with("/team/users/0/personal/held", Some(Value::Null)));
    assert_eq!(held, plain);
    for pointer in ["/team/team_sync", "/team/crm_users"] {
        assert_eq!(
            decide_json(&with(pointer, Some(Value::Null))),
            decide_json(&with(pointer, None)),
            "{pointer}"
        );
    }

    // The options-page checks: `crm` null is absent (messages then say "CRM").
    let team = input()["team"].clone();
    let admins = team["users"][0]["personal"].clone();
    let taken = check_connect_json(
        &json!({ "team": team, "app_user": "u_rep", "personal": admins, "crm": null }),
    );
    assert_eq!(taken["error"]["code"], json!("duplicate_crm_account"));
    let message = taken["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("CRM user 005000000000001AAA"),
        "{message}"
    );
    assert_eq!(
        check_team_sync_choice_json(&json!({ "team": team, "app_user": "u_admin", "crm": null })),
        json!({ "ok": true, "warnings": [] })
    );
}

#[test]
fn a_required_field_null_or_absent_is_missing() {
    for pointer in [
        "/crm",
        "/source",
        "/record",
        "/actor",
        "/team",
        "/team/users",
        "/team/users/1/id",
        "/team/users/1/email",
        "/team/users/0/personal/crm_user_id",
        "/team/users/0/personal/email",
        "/team/users/0/personal/permission",
        "/team/crm_users/0/id",
    ] {
        let expected = format!(
            "Invalid input at `{}`: is required but missing.",
            field_of(pointer)
        );
        for replacement in [Some(Value::Null), None] {
            let answer = decide_json(&with(pointer, replacement.clone()));
            assert_eq!(invalid(&answer), expected, "{pointer} = {replacement:?}");
        }
    }
    let team = input()["team"].clone();
    let own = json!({ "crm_user_id": "005000000000002AAA", "email": "rep@acme.example",
        "permission": "standard" });
    let missing = |field: &str| format!("Invalid input at `{field}`: is required but missing.");
    for (answer, field) in [
        (validate_team_json(&json!({})), "team"),
        (validate_team_json(&json!({ "team": null })), "team"),
        (
            check_connect_json(&json!({ "team": team, "personal": own })),
            "app_user",
        ),
        (
            check_connect_json(&json!({ "team": team, "app_user": null, "personal": own })),
            "app_user",
        ),
        (
            check_connect_json(&json!({ "team": team, "app_user": "u_rep", "personal": null })),
            "personal",
        ),
        (
            check_team_sync_choice_json(&json!({ "team": team })),
            "app_user",
        ),
    ] {
        assert_eq!(invalid(&answer), missing(field));
    }
}

#[test]
fn objects_must_be_objects_not_arrays() {
    let array = "expected an object, got an array";
    let users = input()["team"]["users"].clone();
    let crm_users = input()["team"]["crm_users"].clone();
    // Every field in the order the structs declare it, as a positional array.
    let cases = [
        (
            "input",
            json!([
                "salesforce",
                "linkedin_extension",
                "contact",
                "bulk",
                "u_rep",
                input()["team"]
            ]),
        ),
        ("", json!([])),
    ];
    for (field, value) in cases {
        let field = if field.is_empty() { "input" } else { field };
        assert_eq!(
            invalid(&decide_json(&value)),
            format!("Invalid input at `{field}`: {array}.")
        );
    }
    for (pointer, value) in [
        ("/team", json!([users, "u_admin", crm_users])),
        (
            "/team/users/0",
            json!(["u_admin", "admin@acme.example", null, null]),
        ),
        (
            "/team/users/0/personal",
            json!(["005000000000001AAA", "admin@acme.example", "admin", "team"]),
        ),
        (
            "/team/crm_users/0",
            json!(["005000000000001AAA", "admin@acme.example", true, "Ada"]),
        ),
    ] {
        assert_eq!(
            invalid(&decide_json(&with(pointer, Some(value)))),
            format!("Invalid input at `{}`: {array}.", field_of(pointer))
        );
    }
}

#[test]
fn every_text_field_follows_the_text_rules() {
    let long = "x".repeat(257);
    for pointer in [
        "/actor",
        "/team/users/0/id",
        "/team/users/0/email",
        "/team/users/0/owner_mapping",
        "/team/users/0/personal/crm_user_id",
        "/team/users/0/personal/email",
        "/team/team_sync",
        "/team/crm_users/0/id",
        "/team/crm_users/0/email",
        "/team/crm_users/0/name",
    ] {
        let field = field_of(pointer);
        for (text, problem) in [
            ("", "must not be empty"),
            (" \t ", "must not be empty"),
            ("u_\u{7}rep", "contains control characters"),
            ("u_rep\n", "contains control characters"),
            (
                long.as_str(),
                "is 257 characters long, at most 256 are accepted",
            ),
        ] {
            let answer = decide_json(&with(pointer, Some(json!(text))));
            assert_eq!(
                invalid(&answer),
                format!("Invalid input at `{field}`: {problem}."),
                "{pointer} = {text:?}"
            );
        }
    }
    // Surrounding spaces are kept, not refused: ids compare exactly.
    let spaced = decide_json(&with("/actor", Some(json!(" u_rep"))));
    assert_eq!(spaced["error"]["code"], json!("unknown_actor"), "{spaced}");
}

#[test]
fn wrong_types_say_what_was_expected_and_what_came() {
    for (pointer, value, problem) in [
        (
            "",
            json!("decide please"),
            "expected an object, got a string",
        ),
        ("", Value::Null, "expected an object, got null"),
        ("", json!(3), "expected an object, got a number"),
        ("/source", json!(7), "expected a string, got a number"),
        ("/push", json!(true), "expected a string, got a boolean"),
        (
            "/crm",
            json!(["salesforce"]),
            "expected a string, got an array",
        ),
        (
            "/actor",
            json!({ "id": "u_rep" }),
            "expected a string, got an object",
        ),
        ("/team", json!("all"), "expected an object, got a string"),
        ("/team/users", json!({}), "expected an array, got an object"),
        (
            "/team/users",
            json!("u_rep"),
            "expected an array, got a string",
        ),
        ("/team/users/1", Value::Null, "expected an object, got null"),
        (
            "/team/users/1",
            json!(true),
            "expected an object, got a boolean",
        ),
        (
            "/team/users/1/email",
            json!(5),
            "expected a string, got a number",
        ),
        (
            "/team/users/0/personal",
            json!("005"),
            "expected an object, got a string",
        ),
        (
            "/team/users/1/owner_mapping",
            json!(["005"]),
            "expected a string, got an array",
        ),
        (
            "/team/team_sync",
            json!(1.5),
            "expected a string, got a number",
        ),
        (
            "/team/crm_users",
            json!("all of them"),
            "expected an array, got a string",
        ),
        (
            "/team/crm_users/0",
            Value::Null,
            "expected an object, got null",
        ),
        (
            "/team/crm_users/0/active",
            json!("yes"),
            "expected true or false, got a string",
        ),
        (
            "/team/crm_users/0/active",
            json!(1),
            "expected true or false, got a number",
        ),
        (
            "/team/crm_users/1/id",
            json!(-1),
            "expected a string, got a number",
        ),
        (
            "/crm",
            json!("Salesforce"),
            "unknown value \"Salesforce\"; expected one of salesforce, hubspot",
        ),
        (
            "/push",
            json!("Single"),
            "unknown value \"Single\"; expected one of single, bulk",
        ),
        (
            "/record",
            json!("opportunity"),
            "unknown value \"opportunity\"; expected one of contact, account, lead, activity",
        ),
        (
            "/team/users/0/personal/permission",
            json!("owner"),
            "unknown value \"owner\"; expected one of admin, standard, read_only",
        ),
        (
            "/team/users/0/personal/held",
            json!("own browser\u{1}"),
            "unknown value \"own browser\"; expected one of team, own_browser",
        ),
    ] {
        let field = if pointer.is_empty() {
            "input".to_owned()
        } else {
            field_of(pointer)
        };
        let value = if pointer.is_empty() {
            value
        } else {
            with(pointer, Some(value))
        };
        assert_eq!(
            invalid(&decide_json(&value)),
            format!("Invalid input at `{field}`: {problem}."),
            "{pointer}"
        );
    }
    let too_many = json!(vec![Value::Null; attribution::MAX_APP_USERS + 1]);
    assert_eq!(
        invalid(&decide_json(&with("/team/users", Some(too_many)))),
        "Invalid input at `team.users`: has 10001 entries, at most 10000 are accepted."
    );
    let huge = json!(vec![json!({}); attribution::MAX_CRM_USERS + 1]);
    assert_eq!(
        invalid(&decide_json(&with("/team/crm_users", Some(huge)))),
        "Invalid input at `team.crm_users`: has 100001 entries, at most 100000 are accepted."
    );
    let crm = validate_team_json(&json!({ "team": input()["team"], "crm": 1 }));
    assert_eq!(
        invalid(&crm),
        "Invalid input at `crm`: expected a string, got a number."
    );
}

#[test]
fn a_huge_string_is_never_echoed_whole() {
    let huge = json!("é".repeat(20_000));
    for pointer in [
        "",
        "/crm",
        "/source",
        "/record",
        "/push",
        "/actor",
        "/team",
        "/team/users",
        "/team/users/0",
        "/team/users/0/personal",
        "/team/users/0/personal/permission",
        "/team/users/0/personal/held",
        "/team/crm_users",
        "/team/crm_users/0",
        "/team/crm_users/0/active",
        "/team/crm_users/0/name",
    ] {
        let value = if pointer.is_empty() {
            huge.clone()
        } else {
            with(pointer, Some(huge.clone()))
        };
        let answer = decide_json(&value);
        let message = invalid(&answer);
        let field = if pointer.is_empty() {
            "input".to_owned()
        } else {
            field_of(pointer)
        };
        assert!(message.contains(&format!("`{field}`")), "{message:.200}");
        assert!(message.chars().count() < 200, "{pointer}: {message:.300}");
    }
}

#[test]
fn the_caller_chooses_the_path_prefix() {
    let field = |error: AttributionError| match error {
        AttributionError::InvalidInput { field, .. } => field,
        other => panic!("not invalid_input: {other:?}"),
    };
    let personal =
        json!({ "crm_user_id": "005A", "email": "a@acme.example", "permission": "owner" });
    assert_eq!(
        field(parse_personal(&personal, "connection").unwrap_err()),
        "connection.permission"
    );
    assert_eq!(
        field(parse_personal(&json!(5), "connection").unwrap_err()),
        "connection"
    );
    let read = parse_personal(
        &json!({ "crm_user_id": "005A", "email": "a@acme.example", "permission": "standard",
            "held": null, "extra": 1 }),
        "connection",
    )
    .unwrap();
    assert_eq!(
        (read.permission, read.held, read.crm_user_id.as_str()),
        (Permission::Standard, Held::Team, "005A")
    );

    let mut team = input()["team"].clone();
    team["users"][1]["personal"] = json!({ "crm_user_id": "005B", "email": "b@acme.example" });
    assert_eq!(
        field(parse_team(&team, "team").unwrap_err()),
        "team.users[1].personal.permission"
    );
    assert_eq!(
        field(parse_team(&team, "stored").unwrap_err()),
        "stored.users[1].personal.permission"
    );
    assert_eq!(
        field(parse_team(&json!([]), "stored").unwrap_err()),
        "stored"
    );
    let read = parse_team(&input()["team"], "team").unwrap();
    assert_eq!(read.users.len(), 2);
    assert_eq!(read.crm_users[0].name.as_deref(), Some("Ada Admin"));
    assert!(read.crm_users[1].active);
}

#[test]
fn text_with_a_repeated_key_reads_the_last_value() {
    let text = input().to_string().replacen(
        "\"crm\":\"salesforce\"",
        "\"crm\":\"pipedrive\",\"crm\":\"hubspot\"",
        1,
    );
    assert!(text.contains("pipedrive"), "{text}");
    let answer: Value = serde_json::from_str(&decide_str(&text)).unwrap();
    assert_eq!(answer["ok"], json!(true), "{answer}");
    assert!(answer["reasons"][0].as_str().is_some());
    let mut hubspot = input();
    hubspot["crm"] = json!("hubspot");
    assert_eq!(answer, decide_json(&hubspot));
}

#[test]
fn of_several_text_problems_the_first_listed_is_named() {
    // (pointers set to "", the field named): a user's connection comes before its own fields,
    // users before the directory, the directory before team sync, the actor before the team.
    for (pointers, field) in [
        (
            &["/team/users/1/email", "/team/users/0/personal/email"][..],
            "team.users[0].personal.email",
        ),
        (
            &["/team/users/0/email", "/team/users/0/personal/email"][..],
            "team.users[0].personal.email",
        ),
        (
            &[
                "/team/users/0/personal/email",
                "/team/users/0/personal/crm_user_id",
            ][..],
            "team.users[0].personal.crm_user_id",
        ),
        (
            &["/team/users/1/email", "/team/users/1/id"][..],
            "team.users[1].id",
        ),
        (
            &["/team/users/1/owner_mapping", "/team/users/1/email"][..],
            "team.users[1].email",
        ),
        (
            &["/team/crm_users/0/id", "/team/users/1/owner_mapping"][..],
            "team.users[1].owner_mapping",
        ),
        (
            &["/team/crm_users/0/name", "/team/crm_users/0/email"][..],
            "team.crm_users[0].email",
        ),
        (
            &["/team/team_sync", "/team/crm_users/1/id"][..],
            "team.crm_users[1].id",
        ),
        (&["/team/users/0/id", "/actor"][..], "actor"),
    ] {
        let mut value = input();
        for pointer in pointers {
            *value.pointer_mut(pointer).unwrap() = json!("");
        }
        assert_eq!(
            invalid(&decide_json(&value)),
            format!("Invalid input at `{field}`: must not be empty."),
            "{pointers:?}"
        );
    }
}

#[test]
fn options_page_checks_apply_the_text_rules() {
    let team = input()["team"].clone();
    let own = json!({ "crm_user_id": "005000000000002AAA", "email": "rep@acme.example",
        "permission": "standard" });
    let mut bad_team = team.clone();
    bad_team["users"][0]["email"] = json!("");
    let mut bad_own = own.clone();
    bad_own["email"] = json!("rep\u{7}@acme.example");
    let long = "u".repeat(257);
    for (answer, field, problem) in [
        (
            validate_team_json(&json!({ "team": bad_team })),
            "team.users[0].email",
            "must not be empty",
        ),
        (
            check_connect_json(&json!({ "team": bad_team, "app_user": "", "personal": own })),
            "team.users[0].email",
            "must not be empty",
        ),
        (
            check_connect_json(&json!({ "team": team, "app_user": " ", "personal": bad_own })),
            "app_user",
            "must not be empty",
        ),
        (
            check_connect_json(&json!({ "team": team, "app_user": "u_rep", "personal": bad_own })),
            "personal.email",
            "contains control characters",
        ),
        (
            check_team_sync_choice_json(&json!({ "team": team, "app_user": long })),
            "app_user",
            "is 257 characters long, at most 256 are accepted",
        ),
        (
            check_team_sync_choice_json(&json!({ "team": bad_team, "app_user": "" })),
            "team.users[0].email",
            "must not be empty",
        ),
    ] {
        assert_eq!(
            invalid(&answer),
            format!("Invalid input at `{field}`: {problem}.")
        );
    }
}
