//! The shared `vocab::RecordKind` in the protocols: its Salesforce objects, and a person saved
//! only as a Contact or a Lead — by serde (a stored `SaveSpec` names `contact` or `lead`, as
//! when crm had its own two-kind enum) and by every builder (a spec made in code as an
//! Account or an activity is refused, alone or in a bulk save, and never sent).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::bulk_support;

use bulk_support::{answer, decoded};

use crm::hubspot::{self, HsSession};
use crm::salesforce::{self, SfSession};
use crm::{CrmError, Prospect, RecordKind, RecordKindExt, SaveSpec, ValidationError};

fn spec(record: RecordKind, last: &str) -> SaveSpec {
    crate::support::save_of(
        record,
        Prospect {
            last_name: last.into(),
            email: Some(format!("{}@example.com", last.to_lowercase())),
            ..Prospect::default()
        },
    )
}

fn is_not_a_person(e: &CrmError) -> bool {
    matches!(e, CrmError::Invalid(ValidationError::Malformed { field, .. }) if field == "record")
}

#[test]
fn each_kind_has_its_salesforce_object_and_only_people_are_people() {
    let table = [
        (RecordKind::Contact, "Contact", true),
        (RecordKind::Account, "Account", false),
        (RecordKind::Lead, "Lead", true),
        (RecordKind::Activity, "Task", false),
    ];
    assert_eq!(table.len(), RecordKind::ALL.len());
    for (kind, sobject, person) in table {
        assert_eq!(
            (kind.sobject(), kind.is_person()),
            (sobject, person),
            "{kind:?}"
        );
    }
}

#[test]
fn a_save_spec_reads_and_writes_contact_and_lead_only() {
    for (kind, wire) in [(RecordKind::Contact, "contact"), (RecordKind::Lead, "lead")] {
        let written = serde_json::to_value(spec(kind, "Ada")).unwrap();
        assert_eq!(written["record"], wire);
        let back: SaveSpec = serde_json::from_value(written).unwrap();
        assert_eq!(back.record, kind);
    }
    for (wire, expected) in [
        (
            "account",
            "unknown variant `account`, expected `contact` or `lead`",
        ),
        (
            "activity",
            "unknown variant `activity`, expected `contact` or `lead`",
        ),
        (
            "Contact",
            "unknown variant `Contact`, expected `contact` or `lead`",
        ),
    ] {
        let stored = serde_json::json!({"record": wire, "prospect": {"last_name": "Ada"}});
        let err = serde_json::from_value::<SaveSpec>(stored).unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
    let numeric = serde_json::json!({"record": 1, "prospect": {"last_name": "Ada"}});
    assert!(serde_json::from_value::<SaveSpec>(numeric).is_err());
}

#[test]
fn single_saves_and_lookups_refuse_a_kind_that_is_no_person() {
    let sf = SfSession::new("https://acme.my.salesforce.com", "t");
    let hs = HsSession::new("t");
    for kind in [RecordKind::Account, RecordKind::Activity] {
        let s = spec(kind, "Ada");
        let err = salesforce::save::save_request(&sf, &s).unwrap_err();
        assert!(is_not_a_person(&err), "{err}");
        assert_eq!(
            err.to_string(),
            format!(
                "record is not valid: a person is saved as a contact or a lead, not {}",
                kind.as_str()
            )
        );
        let err = salesforce::lookup::lookup_request(&sf, kind, Some("ada@example.com"), None)
            .unwrap_err();
        assert!(is_not_a_person(&err), "{err}");
        let err = hubspot::contacts::create_contact_request(&hs, &s).unwrap_err();
        assert!(is_not_a_person(&err), "{err}");
    }
    assert!(salesforce::save::save_request(&sf, &spec(RecordKind::Lead, "Ada")).is_ok());
}

#[test]
fn bulk_saves_settle_a_kind_that_is_no_person_as_invalid_and_send_the_rest() {
    let specs = vec![
        spec(RecordKind::Contact, "Ada"),
        spec(RecordKind::Account, "Acme"),
        spec(RecordKind::Lead, "Grace"),
        spec(RecordKind::Activity, "Call"),
    ];

    let mut sf = salesforce::bulk::BulkSave::new(
        SfSession::new("https://acme.my.salesforce.com", "t"),
        specs.clone(),
    );
    let mut sent = String::new();
    while let Some(req) = sf.next_request() {
        sent.push_str(&decoded(req.body.as_deref().unwrap_or_default()));
        sf.on_response(answer(&req)).unwrap();
    }
    let results = sf.results();
    for i in [1, 3] {
        let err = results[i].outcome.as_ref().unwrap_err();
        assert_eq!(err.code, "INVALID_INPUT", "{i}");
        assert!(err.message.contains("contact or a lead"), "{}", err.message);
        assert!(!sent.contains(&specs[i].prospect.last_name), "{i}: {sent}");
    }
    for i in [0, 2] {
        let created = results[i].outcome.as_ref().unwrap();
        assert_eq!(created.object, specs[i].record.sobject());
        assert!(sent.contains(&specs[i].prospect.last_name), "{i}: {sent}");
    }

    let hs = hubspot::bulk::HsBulkSave::new(HsSession::new("t"), specs.clone());
    let outcomes = hs.outcomes();
    for i in [1, 3] {
        let err = outcomes[i].clone().unwrap().unwrap_err();
        assert_eq!(err.code, "INVALID_INPUT", "{i}");
    }
    assert!(outcomes[0].is_none() && outcomes[2].is_none());
    let read = hs
        .next_request()
        .unwrap()
        .expect("the people are read first");
    let read = read.body.unwrap_or_default();
    assert!(read.contains("ada@example.com") && read.contains("grace@example.com"));
    assert!(!read.contains("acme@example.com") && !read.contains("call@example.com"));
}
