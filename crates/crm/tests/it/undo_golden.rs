//! Undo and disconnect builders against golden request/response pairs: Salesforce's sObject
//! Collections delete, HubSpot's batch archive and refresh-token revoke.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use crm::hubspot::{archive, revoke, HsSession};
use crm::salesforce::{delete, SfSession};
use crm::Retry;
use support::{check_request, load};

#[test]
fn salesforce_deletes_task_then_contact_in_one_call() {
    let xs = load("sf_undo_delete");
    let s = SfSession::new("https://acme.my.salesforce.com", "00Dleadline!session");
    let ids = vec![
        "00THs00000ABCDEAAA".to_string(),
        "003Hs00000XYZ12AAA".to_string(),
    ];
    let req = delete::delete_request(&s, &ids).unwrap();
    check_request(&req, xs[0].request.as_ref().unwrap());
    let results = delete::parse_delete_response(&ids, &xs[0].response).unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r.gone && r.error.is_none()));
    assert_eq!(results[1].id, "003Hs00000XYZ12AAA");

    // Failed items carry no id: matched by position; "already deleted" counts as gone.
    let results = delete::parse_delete_response(&ids, &xs[1].response).unwrap();
    assert_eq!(results[0].id, "00THs00000ABCDEAAA");
    assert!(results[0].gone);
    assert_eq!(results[1].id, "003Hs00000XYZ12AAA");
    assert!(!results[1].gone);
    assert_eq!(
        results[1].error.as_ref().unwrap().code,
        "INSUFFICIENT_ACCESS_OR_READONLY"
    );
}

#[test]
fn hubspot_archives_engagements_in_one_batch() {
    let xs = load("hs_undo_archive");
    let s = HsSession::new("CNeXleadlineHubSpotToken");
    let req =
        archive::batch_archive_request(&s, "emails", &["51234".into(), "51235".into()]).unwrap();
    check_request(&req, xs[0].request.as_ref().unwrap());
    archive::parse_batch_archive(&xs[0].response).unwrap();
    let err = archive::parse_batch_archive(&xs[1].response).unwrap_err();
    assert_eq!(err.retry(), Retry::Never);
    match err {
        crm::CrmError::Api(api) => assert_eq!(api.code, "MISSING_SCOPES"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hubspot_revokes_the_refresh_token_latest_and_legacy() {
    let xs = load("hs_oauth_revoke");
    let base = "https://api.hubapi.com";
    let latest = revoke::revoke_request(base, "2026-03", "hs-client", "hs-secret", "na1-ab12-cd34");
    check_request(&latest, xs[0].request.as_ref().unwrap());
    revoke::parse_revoke(&xs[0].response).unwrap();
    let legacy = revoke::revoke_request(base, "v1", "hs-client", "hs-secret", "na1-ab12-cd34");
    check_request(&legacy, xs[1].request.as_ref().unwrap());
    assert!(legacy.body.is_none(), "the legacy call sends no secret");
    revoke::parse_revoke(&xs[1].response).unwrap();
    assert!(revoke::parse_revoke(&xs[2].response).is_err());
}
