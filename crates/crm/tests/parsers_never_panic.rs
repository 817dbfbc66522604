//! Property: no parser panics, whatever the status and body, and the bulk state machine
//! always finishes with one result per input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crm::hubspot::{contacts, engagements, oauth as hs_oauth, owners, HsSave, HsSession};
use crm::salesforce::{
    bulk::BulkSave, identity, lookup, oauth, permission, save, users, SfSession,
};
use crm::{ApiUsage, HsRateLimit, HttpResponse, Prospect, RecordKind, SaveSpec};
use proptest::prelude::*;

fn spec(i: usize) -> SaveSpec {
    SaveSpec {
        record: if i % 2 == 0 {
            RecordKind::Contact
        } else {
            RecordKind::Lead
        },
        prospect: Prospect {
            last_name: format!("L{i}"),
            email: Some(format!("p{i}@example.com")),
            ..Prospect::default()
        },
        owner_id: None,
        existing_id: None,
        activity: None,
        description: None,
        account_id: None,
        new_account: None,
    }
}

/// Bodies that look like what the CRMs send, mutated, plus arbitrary text.
fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just(String::new()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just(r#"{"compositeResponse":[{"httpStatusCode":"x","body":7}]}"#.to_string()),
        Just(r#"{"records":null,"done":false,"nextRecordsUrl":5}"#.to_string()),
        Just(r#"[{"errorCode":null,"duplicateResut":{"matchResults":[{"matchRecords":[{"record":1}]}]}}]"#.to_string()),
        Just(r#"{"results":[{"id":null}],"errors":[{"context":{"objectWriteTraceId":["99","x"]}}]}"#.to_string()),
        Just(r#"{"status":"error","message":"Existing ID: ","category":"CONFLICT"}"#.to_string()),
        "[\\[\\]{}\":,a-z0-9 ]{0,60}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn parsers_return_instead_of_panicking(status in 0u16..1000, body in body(), header in any::<String>()) {
        let resp = HttpResponse { status, headers: vec![("Sforce-Limit-Info".into(), header.clone()), ("Retry-After".into(), header)], body };
        let s = spec(0);
        let _ = oauth::parse_token_response(&resp);
        let _ = oauth::parse_revoke_response(&resp);
        let _ = identity::parse_identity(&resp);
        let _ = users::parse_users(&resp);
        let _ = lookup::parse_lookup(RecordKind::Lead, &resp);
        let _ = save::parse_save_response(&s, &resp);
        let _ = save::parse_create_response(&resp);
        let _ = permission::parse_permission_response(&resp);
        let _ = crm::salesforce::bulk::save_results(&resp, 2);
        let _ = hs_oauth::parse_token_response(&resp);
        let _ = hs_oauth::parse_token_info(&resp);
        let _ = owners::parse_owners(&resp);
        let _ = owners::parse_owner(&resp);
        let _ = contacts::parse_contact_lookup(&resp);
        let _ = contacts::parse_create_contact(&resp);
        let _ = contacts::parse_batch_create(&[s.clone(), spec(1)], &resp);
        let _ = engagements::parse_engagement(&resp);
        let _ = ApiUsage::from_response(&resp);
        let _ = HsRateLimit::from_response(&resp);
        let mut hs = HsSave::new(HsSession::new("t"), s);
        let _ = hs.on_response(&resp);
        // Errors always classify.
        if let Err(e) = lookup::parse_lookup(RecordKind::Contact, &resp) {
            let _ = (e.retry(), e.hint(), e.to_string());
        }
    }

    #[test]
    fn bulk_always_finishes(n in 0usize..6, answers in proptest::collection::vec((0u16..600, body()), 0..12)) {
        let mut bulk = BulkSave::new(SfSession::new("https://acme.my.salesforce.com", "t"), (0..n).map(spec).collect());
        let mut answers = answers.into_iter();
        let mut steps = 0;
        while bulk.next_request().is_some() {
            steps += 1;
            prop_assert!(steps < 50, "no progress");
            match answers.next() {
                Some((status, body)) => {
                    if bulk.on_response(HttpResponse { status, headers: vec![], body }).is_err() {
                        // A whole-call error leaves the step in place: give up on the rest.
                        bulk.abort(crm::ApiError { status, code: "GAVE_UP".into(), message: String::new(), fields: vec![], duplicate_ids: vec![], hint: None });
                    }
                }
                None => bulk.abort(crm::ApiError { status: 0, code: "GAVE_UP".into(), message: String::new(), fields: vec![], duplicate_ids: vec![], hint: None }),
            }
        }
        let results = bulk.results();
        prop_assert_eq!(results.len(), n);
        prop_assert!(results.iter().enumerate().all(|(i, r)| r.index == i));
    }
}
