//! End to end with the protocol crate's HubSpot side: its requests against the sandbox, its
//! parsers on the sandbox's answers (v3 and date-versioned paths).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{query_param, Harness};
use crm::hubspot::{self, HsSession};
use crm::{ActivityKind, ActivityLog, CrmError, Prospect, RecordKind, Retry, SaveSpec};
use serde_json::json;

const PAT: &str = "pat-sandbox-integration";

fn session(h: &Harness, version: &str) -> HsSession {
    HsSession {
        api_base: h.url(),
        access_token: PAT.into(),
        objects_path_version: version.into(),
        linkedin_property: None,
    }
}

fn spec(email: &str, owner: Option<&str>) -> SaveSpec {
    SaveSpec {
        record: RecordKind::Contact,
        prospect: Prospect {
            first_name: Some("Ada".into()),
            last_name: "Lovelace".into(),
            email: Some(email.into()),
            title: Some("CTO".into()),
            company: Some("Engines".into()),
            ..Prospect::default()
        },
        owner_id: owner.map(str::to_string),
        existing_id: None,
        activity: None,
        description: None,
        account_id: None,
        new_account: None,
    }
}

#[test]
fn lookup_create_conflict_engagements_on_both_path_styles() {
    let h = Harness::start();
    for (version, email) in [
        ("v3", "ada.v3@example.com"),
        ("2026-03", "ada.dated@example.com"),
    ] {
        let s = session(&h, version);
        let lookup = hubspot::contacts::contact_by_email_request(&s, email).unwrap();
        assert_eq!(
            hubspot::contacts::parse_contact_lookup(&h.execute(&lookup)).unwrap(),
            None
        );
        let create =
            hubspot::contacts::create_contact_request(&s, &spec(email, Some("41629003"))).unwrap();
        let id = hubspot::contacts::parse_create_contact(&h.execute(&create)).unwrap();
        let found = hubspot::contacts::parse_contact_lookup(&h.execute(&lookup))
            .unwrap()
            .unwrap();
        assert_eq!(
            (found.id.as_str(), found.owner_id.as_deref()),
            (id.as_str(), Some("41629003"))
        );
        match hubspot::contacts::parse_create_contact(&h.execute(&create)) {
            Err(CrmError::Api(e)) => {
                assert_eq!(
                    (e.status, e.duplicate_ids.clone()),
                    (409, vec![id.clone()]),
                    "{e:?}"
                );
            }
            other => panic!("{other:?}"),
        }
        for kind in [ActivityKind::Note, ActivityKind::Email, ActivityKind::Call] {
            let activity = ActivityLog {
                kind,
                subject: "Hello".into(),
                body: "Body".into(),
                date: "2026-03-01".into(),
            };
            let request = hubspot::engagements::engagement_request(
                &s,
                &id,
                &activity,
                Some("41629003"),
                Some("Saved by Rita Rep"),
            )
            .unwrap();
            let engagement = hubspot::engagements::parse_engagement(&h.execute(&request)).unwrap();
            let stored = h.records(hubspot::engagements::object_name(kind));
            let record = stored
                .iter()
                .find(|r| r["id"] == engagement.as_str())
                .unwrap();
            assert_eq!(
                record["associations"][0]["toObjectId"],
                id.as_str(),
                "{kind:?}"
            );
        }
    }
}

#[test]
fn batch_create_reports_per_input() {
    let h = Harness::start();
    let s = session(&h, "v3");
    let existing = hubspot::contacts::parse_create_contact(&h.execute(
        &hubspot::contacts::create_contact_request(&s, &spec("taken@example.com", None)).unwrap(),
    ))
    .unwrap();
    let specs = vec![
        spec("new1@example.com", None),
        spec("taken@example.com", None),
        spec("new2@example.com", Some("41629004")),
    ];
    let request = hubspot::contacts::batch_create_request(&s, &specs).unwrap();
    let results = hubspot::contacts::parse_batch_create(&specs, &h.execute(&request)).unwrap();
    assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
    let err = results[1].clone().unwrap_err();
    assert_eq!(err.duplicate_ids, vec![existing]);
}

#[test]
fn owners_companies_and_rate_limits() {
    let h = Harness::start();
    // This test reads the crm crate's company search against a company it has just made; the
    // indexing lag is not its subject (`search_lags_behind_reads_when_an_indexing_delay_is_set`
    // and the product's tests cover it), so search sees new objects at once here.
    h.admin("POST", "settings", json!({"hs_search_delay_ms": 0}));
    let s = session(&h, "v3");
    let page = hubspot::owners::parse_owners(
        &h.execute(&hubspot::owners::owners_request(&s, false, None)),
    )
    .unwrap();
    assert_eq!(
        page.users.len(),
        8,
        "the active owners: all nine seeded users but gone@"
    );
    let me = hubspot::owners::parse_owner(
        &h.execute(&hubspot::owners::owner_by_user_id_request(&s, "9586003")),
    )
    .unwrap();
    assert_eq!(
        (me.id.as_str(), me.email.as_deref()),
        ("41629003", Some("rep@acme.example"))
    );
    let company = h
        .json(
            "POST",
            "/crm/v3/objects/companies",
            PAT,
            &json!({"properties": {"name": "Engines", "domain": "engines.example"}}),
            &[],
        )
        .json();
    let company_id = company["id"].as_str().unwrap().to_string();
    let search = hubspot::companies::company_by_domain_request(&s, "www.Engines.example").unwrap();
    assert_eq!(
        hubspot::companies::parse_company_search(&h.execute(&search)).unwrap(),
        crm::salesforce::account::AccountMatch::One(company_id.clone())
    );
    let contact = hubspot::contacts::parse_create_contact(&h.execute(
        &hubspot::contacts::create_contact_request(&s, &spec("c@example.com", None)).unwrap(),
    ))
    .unwrap();
    let associate =
        hubspot::companies::associate_company_request(&s, &contact, &company_id).unwrap();
    assert_eq!(h.execute(&associate).status, 200);
    let with_company = h
        .get(
            &format!("/crm/v3/objects/contacts/{contact}?associations=companies"),
            Some(PAT),
        )
        .json();
    assert_eq!(
        with_company["associations"]["companies"]["results"][0]["id"],
        company_id.as_str()
    );
    h.admin("POST", "faults", json!({"status": 429, "count": 1}));
    let limited = h.execute(&hubspot::owners::owners_request(&s, false, None));
    let err = hubspot::owners::parse_owners(&limited).unwrap_err();
    assert_eq!(err.retry(), Retry::Backoff);
    assert!(crm::HsRateLimit::from_response(&limited).is_some());
}

#[test]
fn oauth_code_exchange_token_info_and_expiry() {
    let h = Harness::start();
    let redirect = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/hs";
    let url = hubspot::oauth::authorize_url_at(
        &format!("{}/oauth/authorize", h.url()),
        &hubspot::oauth::HsAuthorizeParams {
            client_id: "leadline-hubspot-client".into(),
            redirect_uri: redirect.into(),
            scope: String::new(),
            state: "s1".into(),
            code_challenge: None,
        },
    );
    let location = h.authorize(
        url.trim_start_matches(&h.url()),
        "rep2@acme.example",
        "allow",
    );
    let code = query_param(&location, "code").unwrap();
    let exchange = hubspot::oauth::code_exchange_request(
        &h.url(),
        "v1",
        "leadline-hubspot-client",
        "leadline-hubspot-secret",
        redirect,
        &code,
        None,
    );
    let token = hubspot::oauth::parse_token_response(&h.execute(&exchange)).unwrap();
    assert_eq!(
        (token.hub_id, token.user_id, token.expires_in),
        (Some(24_681_357), Some(9_586_004), Some(1800))
    );
    let info = hubspot::oauth::parse_token_info(&h.execute(
        &hubspot::oauth::token_metadata_request(&h.url(), &token.access_token),
    ))
    .unwrap();
    assert_eq!(info.user_email.as_deref(), Some("rep2@acme.example"));
    let refresh = hubspot::oauth::refresh_request(
        &h.url(),
        "v1",
        "leadline-hubspot-client",
        "leadline-hubspot-secret",
        token.refresh_token.as_deref().unwrap(),
    );
    assert!(hubspot::oauth::parse_token_response(&h.execute(&refresh)).is_ok());
    h.admin("POST", "expire-tokens", json!({}));
    let s = HsSession {
        access_token: token.access_token.clone(),
        ..session(&h, "v3")
    };
    let err = hubspot::owners::parse_owners(
        &h.execute(&hubspot::owners::owners_request(&s, false, None)),
    )
    .unwrap_err();
    assert_eq!(err.retry(), Retry::RefreshToken);
}
