//! What an undo and a disconnect send, built by the `crm` crate and run against the sandbox:
//! one sObject Collections delete takes back a Contact and its Task; one HubSpot batch archive
//! per object type takes back a contact and its email; a revoked HubSpot refresh token stops
//! working.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{enc, query_param, Harness};
use crm::hubspot::{archive, revoke, HsSession};
use crm::salesforce::{delete, SfSession};
use serde_json::json;

const PAT: &str = "pat-sandbox-integration";
const REDIRECT: &str = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/hubspot";

#[test]
fn one_collections_delete_takes_back_a_contact_and_its_task() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    let contact = h.sf_create(
        &token,
        "Contact",
        json!({"LastName": "Kovacs", "Email": "marta@globex.example"}),
        &[],
    );
    assert_eq!(contact.status, 201, "{}", contact.body);
    let contact = contact.json()["id"].as_str().unwrap().to_string();
    let task = h.sf_create(
        &token,
        "Task",
        json!({"Subject": "Email: Pilot", "WhoId": contact, "TaskSubtype": "Email"}),
        &[],
    );
    assert_eq!(task.status, 201, "{}", task.body);
    let task = task.json()["id"].as_str().unwrap().to_string();
    h.admin("POST", "reset-counts", json!({}));

    let session = SfSession::new(h.url(), token);
    let ids = vec![task.clone(), contact.clone()];
    let answer = h.execute(&delete::delete_request(&session, &ids).unwrap());
    let results = delete::parse_delete_response(&ids, &answer).unwrap();
    assert!(results.iter().all(|r| r.gone), "{results:?}");
    assert!(h
        .records("Contact")
        .iter()
        .all(|r| r["Id"] != contact.as_str()));
    assert!(h.records("Task").iter().all(|r| r["Id"] != task.as_str()));
    let counts = h.admin("GET", "counts", json!({}));
    assert_eq!(counts["total"], 1, "{counts}");

    // Again: both already gone, which an undo counts as done.
    let again = h.execute(&delete::delete_request(&session, &ids).unwrap());
    let results = delete::parse_delete_response(&ids, &again).unwrap();
    assert!(
        results.iter().all(|r| r.gone && r.error.is_some()),
        "{results:?}"
    );
}

#[test]
fn batch_archive_takes_back_a_contact_and_its_email() {
    let h = Harness::start();
    let mut session = HsSession::new(PAT);
    session.api_base = h.url();
    let contact = h.json(
        "POST",
        "/crm/v3/objects/contacts",
        PAT,
        &json!({"properties": {"email": "marta@globex.example", "lastname": "Kovacs"}}),
        &[],
    );
    assert_eq!(contact.status, 201, "{}", contact.body);
    let contact = contact.json()["id"].as_str().unwrap().to_string();
    let email = h.json("POST", "/crm/v3/objects/emails", PAT, &json!({
        "properties": {"hs_timestamp": "2026-11-21T12:00:00.000Z", "hs_email_subject": "Pilot", "hs_email_direction": "EMAIL"},
        "associations": [{"to": {"id": contact}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 198}]}]
    }), &[]);
    assert_eq!(email.status, 201, "{}", email.body);
    let email = email.json()["id"].as_str().unwrap().to_string();

    for (object, id) in [("emails", &email), ("contacts", &contact)] {
        let answer = h.execute(
            &archive::batch_archive_request(&session, object, std::slice::from_ref(id)).unwrap(),
        );
        assert_eq!(answer.status, 204, "{}", answer.body);
        archive::parse_batch_archive(&answer).unwrap();
        let read = h.get(&format!("/crm/v3/objects/{object}/{id}"), Some(PAT));
        assert_eq!(read.status, 404, "{object} {id} is archived");
    }
    assert!(h.records("contacts").iter().all(|c| c["archived"] == true));
    // Unknown or already archived ids are not an error.
    let again = h.execute(
        &archive::batch_archive_request(&session, "contacts", &[contact, "999999".into()]).unwrap(),
    );
    assert_eq!(again.status, 204);
    let empty = h.json(
        "POST",
        "/crm/v3/objects/contacts/batch/archive",
        PAT,
        &json!({}),
        &[],
    );
    assert_eq!(empty.status, 400);
}

#[test]
fn a_revoked_hubspot_refresh_token_no_longer_refreshes() {
    let h = Harness::start();
    for version in ["2026-03", "v1"] {
        let path = format!(
            "/oauth/authorize?client_id=leadline-hubspot-client&redirect_uri={}&scope={}&state=st",
            enc(REDIRECT),
            enc("oauth crm.objects.contacts.write")
        );
        let code = query_param(&h.authorize(&path, "rep@acme.example", "allow"), "code").unwrap();
        let tokens = h
            .form(
                "/oauth/v1/token",
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", "leadline-hubspot-client"),
                    ("client_secret", "leadline-hubspot-secret"),
                    ("redirect_uri", REDIRECT),
                    ("code", &code),
                ],
            )
            .json();
        let refresh = tokens["refresh_token"].as_str().unwrap();
        let answer = h.execute(&revoke::revoke_request(
            &h.url(),
            version,
            "leadline-hubspot-client",
            "leadline-hubspot-secret",
            refresh,
        ));
        revoke::parse_revoke(&answer).unwrap();
        let again = h.form(
            "/oauth/2026-03/token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", "leadline-hubspot-client"),
                ("client_secret", "leadline-hubspot-secret"),
                ("refresh_token", refresh),
            ],
        );
        assert_eq!(again.status, 400, "{version}: {}", again.body);
        assert!(
            again.body.contains("invalid_grant") || again.body.contains("BAD_REFRESH_TOKEN"),
            "{}",
            again.body
        );
    }
}
