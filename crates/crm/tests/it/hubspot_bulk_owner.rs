//! A person HubSpot already has keeps the record's own owner in the bulk run's outcome (what a
//! badge's "· Owner: …" shows after the lookup cache is gone), and only a record without one
//! falls back to the owner the save asked for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crm::hubspot::{HsBulkSave, HsSession};
use crm::{HttpResponse, Prospect, RecordKind, SaveSpec};

fn spec(email: &str, owner: Option<&str>) -> SaveSpec {
    let prospect = Prospect {
        last_name: "Kovács".into(),
        email: Some(email.into()),
        ..Prospect::default()
    };
    SaveSpec {
        owner_id: owner.map(str::to_owned),
        ..crate::support::save_of(RecordKind::Contact, prospect)
    }
}

#[test]
fn a_found_contact_is_owned_by_its_own_owner() {
    let specs = vec![
        spec("marta@globex.example", None),
        spec("ben@initech.example", Some("77")),
    ];
    let mut run = HsBulkSave::new(HsSession::new("t"), specs);
    assert!(run
        .next_request()
        .unwrap()
        .unwrap()
        .url
        .ends_with("/batch/read"));
    let body = r#"{"results":[
        {"id":"501","properties":{"email":"marta@globex.example","hubspot_owner_id":"41"}},
        {"id":"502","properties":{"email":"ben@initech.example"}}]}"#;
    run.on_response(&HttpResponse {
        status: 200,
        headers: vec![],
        body: body.into(),
    })
    .unwrap();
    let owners: Vec<Option<String>> = run
        .outcomes()
        .into_iter()
        .map(|o| o.unwrap().unwrap().owner_id)
        .collect();
    assert_eq!(owners, [Some("41".to_owned()), Some("77".to_owned())]);
}
