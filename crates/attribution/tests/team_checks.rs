//! The options-page checks (rules 7, 9 and 11) through the typed API, and the error messages reps and
//! admins read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use attribution::{
    check_connect, check_team_sync_choice, decide, validate_team, AttributionError, Crm, ErrorCode,
    Permission, Source, Warning,
};
use common::*;

#[test]
fn the_cast_is_a_valid_team() {
    assert_eq!(validate_team(&acme()), Ok(()));
}

#[test]
fn rule_7_refuses_a_crm_user_held_by_another_app_user() {
    let team = acme();
    let admins = conn(ADMIN, "admin@acme.example", Permission::Admin);
    let refused = check_connect(&team, "u_new", &admins).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::DuplicateCrmAccount);
    let message = refused.to_string();
    assert!(
        message.contains("admin@acme.example") && message.contains(ADMIN),
        "{message}"
    );
    // Connecting a free CRM user, or reconnecting one's own, is fine.
    let free = conn(NEW, "new@acme.example", Permission::Standard);
    assert_eq!(check_connect(&team, "u_new", &free), Ok(()));
    assert_eq!(check_connect(&team, "u_admin", &admins), Ok(()));
    assert_eq!(
        check_connect(&team, "u_ghost", &free).unwrap_err().code(),
        ErrorCode::UnknownActor
    );

    let mut twice = team;
    user_mut(&mut twice, "u_new").personal = Some(admins);
    assert_eq!(
        validate_team(&twice).unwrap_err().code(),
        ErrorCode::DuplicateCrmAccount
    );
}

#[test]
fn rule_9_team_sync_must_be_a_connected_user() {
    let team = acme();
    assert_eq!(check_team_sync_choice(&team, "u_admin"), Ok(vec![]));
    assert_eq!(
        check_team_sync_choice(&team, "u_rep"),
        Ok(vec![Warning::TeamSyncNotAdmin])
    );
    for refused in ["u_new", "u_ghost"] {
        let error = check_team_sync_choice(&team, refused).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TeamSyncNotConnected, "{refused}");
    }
    let mut unconnected = team;
    unconnected.team_sync = Some("u_new".into());
    assert_eq!(
        validate_team(&unconnected).unwrap_err().code(),
        ErrorCode::TeamSyncNotConnected
    );
}

#[test]
fn rule_11_team_sync_must_be_a_connection_the_team_holds() {
    let mut team = acme();
    hold_in_browser(&mut team, "u_admin");
    let refused = check_team_sync_choice(&team, "u_admin").unwrap_err();
    assert_eq!(refused.code(), ErrorCode::TeamSyncNotConnected);
    let message = refused.to_string();
    assert!(
        message.contains("admin@acme.example") && message.contains("only in their own browser"),
        "{message}"
    );
    // The check that every save runs refuses it the same way.
    assert_eq!(validate_team(&team), Err(refused));
    // Another user the team holds may still be chosen; a browser-held rep may not.
    assert_eq!(
        check_team_sync_choice(&team, "u_rep"),
        Ok(vec![Warning::TeamSyncNotAdmin])
    );
    hold_in_browser(&mut team, "u_rep");
    assert_eq!(
        check_team_sync_choice(&team, "u_rep").map_err(|e| e.code()),
        Err(ErrorCode::TeamSyncNotConnected)
    );
    // Rule 7 still sees browser-held connections: nobody else may connect the same CRM user.
    let same = team.users[1].personal.clone().unwrap();
    assert_eq!(
        check_connect(&team, "u_new", &same).map_err(|e| e.code()),
        Err(ErrorCode::DuplicateCrmAccount)
    );
}

#[test]
fn error_messages_name_the_crm_and_say_what_to_do() {
    let mut team = acme();
    team.team_sync = Some("u_new".into());
    let mut save = input("u_rep", Source::Manual, team);
    save.crm = Crm::Hubspot;
    let message = decide(&save).unwrap_err().to_string();
    assert!(
        message.contains("HubSpot") && message.contains("Fix:"),
        "{message}"
    );
    assert!(!message.contains("Salesforce"), "{message}");

    let errors = [
        AttributionError::NoCredentials {
            crm: Some(Crm::Salesforce),
        },
        AttributionError::UnknownActor {
            actor: "u_x".into(),
        },
        AttributionError::DuplicateCrmAccount {
            crm: None,
            crm_user_id: "005".into(),
            holder: "a@x".into(),
            other: "b@x".into(),
        },
        AttributionError::TeamSyncNotConnected {
            crm: Some(Crm::Salesforce),
            user: "b@x".into(),
        },
        AttributionError::TeamSyncHeldInBrowser {
            crm: Some(Crm::Hubspot),
            user: "b@x".into(),
        },
        AttributionError::TeamSyncUnknownUser { user: "u_x".into() },
    ];
    for error in errors {
        assert!(error.to_string().contains("Fix:"), "{error}");
        assert!(error.to_json()["error"]["message"].as_str().unwrap().len() > 20);
    }
}

#[test]
fn duplicate_messages_use_the_crm_word_for_its_users() {
    let duplicate = |crm| {
        AttributionError::DuplicateCrmAccount {
            crm,
            crm_user_id: "005R".into(),
            holder: "rep@acme.example".into(),
            other: "new@acme.example".into(),
        }
        .to_string()
    };
    assert!(
        duplicate(None).starts_with("CRM user 005R is already connected by rep@acme.example; one CRM user can belong to only one app user"),
        "{}",
        duplicate(None)
    );
    let hubspot = duplicate(Some(Crm::Hubspot));
    assert!(
        hubspot.starts_with("HubSpot owner 005R is already connected")
            && hubspot.contains("connect a different HubSpot account"),
        "{hubspot}"
    );
    assert!(duplicate(Some(Crm::Salesforce)).contains("one Salesforce user can belong"));
}
