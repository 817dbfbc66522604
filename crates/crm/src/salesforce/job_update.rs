//! A job change written onto an existing Salesforce person ("Update in CRM" on a LinkedIn
//! badge), in ONE Composite call under `allOrNone`, so the update and the record of the old
//! values land together or not at all:
//!
//! - `JobUpdate`: `PATCH sobjects/{Contact|Lead}/{id}` with the new `Title`, and the new
//!   company: a Contact's `AccountId` (only an Account the caller matched by exact name; never
//!   a guess, never a new Account), a Lead's `Company`. `OwnerId` is never sent: an update does
//!   not reassign the record. Salesforce answers a PATCH 204 with no body.
//! - `JobNote`: a completed Task on the record keeping the old values (its subject and
//!   description come from the caller).
//!
//! Before it, [`note_check_request`] asks whether that Task is already on the record
//! (`WhoId` and `Subject`): a second click, or a retry whose first answer was lost, then
//! finds the change recorded and sends nothing twice.

use serde_json::{json, Map, Value};

use super::record::{max_len, task_fields};
use super::save::first_real_failure;
use super::soql::literal;
use super::{json_body, query_records, str_of, SfSession};
use crate::error::{CrmError, ValidationError};
use crate::http::{HttpRequest, HttpResponse};
use crate::prospect::{cut, require_person, validate_id, ActivityLog, RecordKind, RecordKindExt};

/// Composite reference id of the record's PATCH.
pub const REF_UPDATE: &str = "JobUpdate";
/// Composite reference id of the Task keeping the old values.
pub const REF_NOTE: &str = "JobNote";

/// What to write on the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPatch<'a> {
    /// Contact or Lead.
    pub record: RecordKind,
    /// The record's id.
    pub record_id: &'a str,
    /// The new title (`None`: left as it is).
    pub title: Option<&'a str>,
    /// A Lead's new `Company` (ignored on Contacts, whose company is their Account).
    pub company: Option<&'a str>,
    /// A Contact's new `AccountId`, matched by the caller (`None`: the Account is kept).
    pub account_id: Option<&'a str>,
}

/// A trimmed, non-blank text.
fn text(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

/// The PATCH body: `Title`, and `Company` (Lead) or `AccountId` (Contact) when given.
pub fn patch_fields(patch: &JobPatch) -> Result<Map<String, Value>, CrmError> {
    require_person(patch.record)?;
    let mut m = Map::new();
    if let Some(title) = text(patch.title) {
        m.insert("Title".into(), Value::String(cut(title, max_len::TITLE)));
    }
    match patch.record {
        RecordKind::Lead => {
            if let Some(company) = text(patch.company) {
                m.insert(
                    "Company".into(),
                    Value::String(cut(company, max_len::COMPANY)),
                );
            }
        }
        _ => {
            if let Some(id) = patch.account_id {
                validate_id("account_id", id)?;
                m.insert("AccountId".into(), Value::String(id.to_owned()));
            }
        }
    }
    if m.is_empty() {
        return Err(ValidationError::Missing {
            field: "title".into(),
        }
        .into());
    }
    Ok(m)
}

/// The Task subject as written (cut to `Task.Subject`'s 255), so the check and the create use
/// the same text.
pub fn note_subject(subject: &str) -> String {
    cut(subject.trim(), max_len::SUBJECT)
}

/// `SELECT Id FROM Task WHERE WhoId = '…' AND Subject = '…' LIMIT 1`: is the change already
/// recorded on the record?
pub fn note_check_request(
    session: &SfSession,
    record_id: &str,
    subject: &str,
) -> Result<HttpRequest, CrmError> {
    validate_id("record_id", record_id)?;
    Ok(session.query_request(&format!(
        "SELECT Id FROM Task WHERE WhoId = {} AND Subject = {} LIMIT 1",
        literal(record_id),
        literal(&note_subject(subject))
    )))
}

/// The Task's id when the change is already recorded.
pub fn parse_note_check(resp: &HttpResponse) -> Result<Option<String>, CrmError> {
    let (records, _) = query_records(resp)?;
    Ok(records.first().and_then(|r| str_of(r, "Id")))
}

/// The Composite call: the record's PATCH, then the Task with `note` (its `OwnerId` unset:
/// the Task belongs to the connection that writes it).
pub fn update_request(
    session: &SfSession,
    patch: &JobPatch,
    note: &ActivityLog,
) -> Result<HttpRequest, CrmError> {
    validate_id("record_id", patch.record_id)?;
    let fields = patch_fields(patch)?;
    let mut note = note.clone();
    note.subject = note_subject(&note.subject);
    let task = task_fields(patch.record_id, &note, None)?;
    let data = session.data_path();
    let body = json!({"allOrNone": true, "compositeRequest": [
        {"method": "PATCH", "referenceId": REF_UPDATE, "body": Value::Object(fields),
         "url": format!("{data}/sobjects/{}/{}", patch.record.sobject(), patch.record_id)},
        {"method": "POST", "referenceId": REF_NOTE, "body": Value::Object(task),
         "url": format!("{data}/sobjects/Task")},
    ]});
    Ok(HttpRequest::json(
        "POST",
        session.data_url("composite"),
        &session.access_token,
        &body,
    ))
}

/// Reads the Composite answer: the Task's id, or the first real error (a refused PATCH, e.g.
/// `INVALID_CROSS_REFERENCE_KEY` for a deleted record; the rolled-back echo is skipped).
pub fn parse_update_response(resp: &HttpResponse) -> Result<String, CrmError> {
    let v = json_body(resp)?;
    let subs = v
        .get("compositeResponse")
        .and_then(Value::as_array)
        .ok_or_else(|| CrmError::parse("no compositeResponse array", &resp.body))?;
    let mut failures = Vec::new();
    let mut task_id = None;
    for sub in subs {
        let status = sub
            .get("httpStatusCode")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0);
        let body = sub.get("body").cloned().unwrap_or(Value::Null);
        if !(200..300).contains(&status) {
            failures.push((status, body));
        } else if sub.get("referenceId").and_then(Value::as_str) == Some(REF_NOTE) {
            task_id = str_of(&body, "id");
        }
    }
    if let Some(err) = first_real_failure(&failures) {
        return Err(err.into());
    }
    task_id.ok_or_else(|| CrmError::parse("no Task id in composite answer", &resp.body))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::prospect::ActivityKind;

    const ID: &str = "003000000000001AAA";

    fn note() -> ActivityLog {
        ActivityLog {
            kind: ActivityKind::Note,
            subject: "Job change: was Head of Sales at Initech".into(),
            body: "Was: Head of Sales at Initech\nNow: VP Sales at Globex".into(),
            date: "2026-12-03".into(),
        }
    }

    fn patch(record: RecordKind, account: Option<&'static str>) -> JobPatch<'static> {
        JobPatch {
            record,
            record_id: ID,
            title: Some("VP Sales"),
            company: Some("Globex"),
            account_id: account,
        }
    }

    fn body(req: &HttpRequest) -> Value {
        serde_json::from_str(req.body.as_deref().unwrap()).unwrap()
    }

    #[test]
    fn a_contact_gets_its_title_and_matched_account_and_a_task_never_an_owner() {
        let s = SfSession::new("https://acme.my.salesforce.com", "tok");
        let req = update_request(
            &s,
            &patch(RecordKind::Contact, Some("001000000000009AAA")),
            &note(),
        )
        .unwrap();
        assert_eq!(req.method, "POST");
        assert!(
            req.url.ends_with("/services/data/v66.0/composite"),
            "{}",
            req.url
        );
        let b = body(&req);
        assert_eq!(b["allOrNone"], true);
        let subs = b["compositeRequest"].as_array().unwrap();
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[0]["method"], "PATCH");
        assert_eq!(
            subs[0]["url"],
            format!("/services/data/v66.0/sobjects/Contact/{ID}")
        );
        assert_eq!(
            subs[0]["body"],
            json!({"Title": "VP Sales", "AccountId": "001000000000009AAA"})
        );
        assert_eq!(subs[1]["url"], "/services/data/v66.0/sobjects/Task");
        assert_eq!(subs[1]["body"]["WhoId"], ID);
        assert_eq!(
            subs[1]["body"]["Subject"],
            "Job change: was Head of Sales at Initech"
        );
        assert_eq!(subs[1]["body"]["Status"], "Completed");
        assert!(subs[1]["body"]["Description"]
            .as_str()
            .unwrap()
            .contains("Now: VP Sales at Globex"));
        let text = b.to_string();
        assert!(
            !text.contains("OwnerId"),
            "an update never reassigns: {text}"
        );
    }

    #[test]
    fn an_unmatched_account_is_kept_and_a_lead_gets_its_company() {
        let contact = patch_fields(&patch(RecordKind::Contact, None)).unwrap();
        assert_eq!(Value::Object(contact), json!({"Title": "VP Sales"}));
        let lead = patch_fields(&patch(RecordKind::Lead, Some("001000000000009AAA"))).unwrap();
        assert_eq!(
            Value::Object(lead),
            json!({"Title": "VP Sales", "Company": "Globex"})
        );
        let nothing = JobPatch {
            title: None,
            ..patch(RecordKind::Contact, None)
        };
        assert!(patch_fields(&nothing).is_err(), "an empty PATCH is refused");
        let bad = JobPatch {
            record_id: "x' OR Id != '",
            ..patch(RecordKind::Contact, None)
        };
        assert!(update_request(&SfSession::new("https://x", "t"), &bad, &note()).is_err());
    }

    #[test]
    fn the_check_asks_for_the_task_by_record_and_subject() {
        let s = SfSession::new("https://x", "t");
        let req = note_check_request(&s, ID, "Job change: was O'Brien's VP at A&B").unwrap();
        let q = crate::http::parse_query(req.url.split_once('?').unwrap().1);
        let soql = &q.iter().find(|(k, _)| k == "q").unwrap().1;
        assert_eq!(
            soql,
            &format!(
                "SELECT Id FROM Task WHERE WhoId = '{ID}' AND Subject = 'Job change: was O\\'Brien\\'s VP at A&B' LIMIT 1"
            )
        );
        let found = HttpResponse {
            status: 200,
            headers: vec![],
            body: r#"{"totalSize":1,"done":true,"records":[{"Id":"00T000000000001AAA"}]}"#.into(),
        };
        assert_eq!(
            parse_note_check(&found).unwrap().as_deref(),
            Some("00T000000000001AAA")
        );
        let none = HttpResponse {
            body: r#"{"totalSize":0,"done":true,"records":[]}"#.into(),
            ..found
        };
        assert_eq!(parse_note_check(&none).unwrap(), None);
    }

    #[test]
    fn the_answer_names_the_task_or_the_real_error() {
        let ok = HttpResponse {
            status: 200,
            headers: vec![],
            body: json!({"compositeResponse": [
                {"referenceId": REF_UPDATE, "httpStatusCode": 204, "body": null},
                {"referenceId": REF_NOTE, "httpStatusCode": 201,
                 "body": {"id": "00T000000000002AAA", "success": true, "errors": []}}]})
            .to_string(),
        };
        assert_eq!(parse_update_response(&ok).unwrap(), "00T000000000002AAA");
        let gone = HttpResponse {
            body: json!({"compositeResponse": [
                {"referenceId": REF_UPDATE, "httpStatusCode": 404,
                 "body": [{"errorCode": "INVALID_CROSS_REFERENCE_KEY", "message": "invalid cross reference id"}]},
                {"referenceId": REF_NOTE, "httpStatusCode": 400,
                 "body": [{"errorCode": "PROCESSING_HALTED", "message": "rolled back"}]}]})
            .to_string(),
            ..ok
        };
        match parse_update_response(&gone).unwrap_err() {
            CrmError::Api(e) => assert_eq!(e.code, "INVALID_CROSS_REFERENCE_KEY"),
            other => panic!("{other:?}"),
        }
    }
}
