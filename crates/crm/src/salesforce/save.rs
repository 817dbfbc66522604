//! A single save in ONE round trip: `POST /services/data/vNN.0/composite` with `allOrNone`.
//!
//! - New person (`existing_id` None): subrequest `NewRecord` creates the Contact/Lead (with
//!   `OwnerId`), then, with an activity, `NewActivity` creates a Task whose `WhoId` is
//!   `@{NewRecord.id}`.
//! - Known person (`existing_id` Some): only `NewActivity` (WhoId = the id); with no activity
//!   there is nothing to send and [`save_request`] returns `None`.
//! - A new Contact whose company has no Account yet ([`SaveSpec::new_account`]): `NewAccount`
//!   creates it first and the Contact's `AccountId` is `@{NewAccount.id}` (an existing
//!   Account is a plain `AccountId`). An Account duplicate rule refusing the create answers
//!   [`ACCOUNT_DUPLICATE`] with the matched Account's id, so the caller saves again linked to
//!   it (never mistaking it for the person).
//!
//! `Sforce-Auto-Assign: FALSE` is sent on the composite call and on each subrequest so Lead
//! assignment rules do not overwrite the owner chosen by the attribution core.
//! Composite answers 200 overall with a status per subrequest; under `allOrNone` the
//! subrequests after a failure report `PROCESSING_HALTED`, and [`parse_save_response`]
//! reports the first real error. A duplicate rule refusing the create gives
//! `CrmError::Api` with code `DUPLICATES_DETECTED` and the matched ids in `duplicate_ids`:
//! the caller then saves again with `existing_id` set (one more call, only in that race
//! between lookup and save).
//!
//! Also here: plain single-object creates (`POST sobjects/{Object}`), for completeness.

use serde_json::{json, Map, Value};

use super::record::{account_fields, record_fields, task_fields};
use super::{json_body, str_of, SfSession};
use crate::error::{api_error_from_response, ApiError, Crm, CrmError};
use crate::http::{HttpRequest, HttpResponse};
use crate::prospect::{validate_id, RecordKind, RecordKindExt, SaveOutcome, SaveSpec};

/// Composite reference id of the Contact/Lead create.
pub const REF_RECORD: &str = "NewRecord";
/// Composite reference id of the Task create.
pub const REF_ACTIVITY: &str = "NewActivity";
/// Composite reference id of the Account create.
pub const REF_ACCOUNT: &str = "NewAccount";
/// The code [`parse_save_response`] gives an Account create refused by a duplicate rule
/// (`duplicate_ids` = the existing Accounts), distinct from the person's own duplicates.
pub const ACCOUNT_DUPLICATE: &str = "ACCOUNT_DUPLICATE";

fn auto_assign_off() -> Value {
    json!({ "Sforce-Auto-Assign": "FALSE" })
}

/// The composite request for one save, or `None` when there is nothing to do (known person,
/// no activity).
pub fn save_request(session: &SfSession, spec: &SaveSpec) -> Result<Option<HttpRequest>, CrmError> {
    let data = session.data_path();
    let mut subrequests = Vec::new();
    let who = match spec.existing_id.as_deref() {
        Some(id) => {
            validate_id("existing_id", id)?;
            id.to_string()
        }
        None => {
            let mut fields = record_fields(session, spec)?;
            if let (RecordKind::Contact, None, Some(name)) =
                (spec.record, &spec.account_id, &spec.new_account)
            {
                subrequests.push(json!({
                    "method": "POST",
                    "url": format!("{data}/sobjects/Account"),
                    "referenceId": REF_ACCOUNT,
                    "body": Value::Object(account_fields(name, spec.owner_id.as_deref())?),
                }));
                fields.insert(
                    "AccountId".into(),
                    Value::String(format!("@{{{REF_ACCOUNT}.id}}")),
                );
            }
            subrequests.push(json!({
                "method": "POST",
                "url": format!("{data}/sobjects/{}", spec.record.sobject()),
                "referenceId": REF_RECORD,
                "body": Value::Object(fields),
                "httpHeaders": auto_assign_off(),
            }));
            format!("@{{{REF_RECORD}.id}}")
        }
    };
    if let Some(activity) = &spec.activity {
        let task = task_fields(&who, activity, spec.owner_id.as_deref())?;
        subrequests.push(json!({
            "method": "POST",
            "url": format!("{data}/sobjects/Task"),
            "referenceId": REF_ACTIVITY,
            "body": Value::Object(task),
        }));
    }
    if subrequests.is_empty() {
        return Ok(None);
    }
    let body = json!({ "allOrNone": true, "compositeRequest": subrequests });
    let mut req = HttpRequest::json(
        "POST",
        session.data_url("composite"),
        &session.access_token,
        &body,
    );
    req.headers
        .push(("Sforce-Auto-Assign".into(), "FALSE".into()));
    Ok(Some(req))
}

/// Reads the composite answer of [`save_request`].
pub fn parse_save_response(spec: &SaveSpec, resp: &HttpResponse) -> Result<SaveOutcome, CrmError> {
    let v = json_body(resp)?;
    let subs = v
        .get("compositeResponse")
        .and_then(Value::as_array)
        .ok_or_else(|| CrmError::parse("no compositeResponse array", &resp.body))?;
    let mut record_id = spec.existing_id.clone();
    let mut activity_id = None;
    let mut failures = Vec::new();
    for sub in subs {
        let status = sub
            .get("httpStatusCode")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0);
        let body = sub.get("body").cloned().unwrap_or(Value::Null);
        if !(200..300).contains(&status) {
            if sub.get("referenceId").and_then(Value::as_str) == Some(REF_ACCOUNT) {
                let mut e = api_error_from_response(Crm::Salesforce, status, &body.to_string());
                if !e.duplicate_ids.is_empty() {
                    e.code = ACCOUNT_DUPLICATE.into();
                    return Err(e.into());
                }
            }
            failures.push((status, body));
            continue;
        }
        let id = str_of(&body, "id");
        match sub.get("referenceId").and_then(Value::as_str) {
            Some(REF_RECORD) => record_id = id,
            Some(REF_ACTIVITY) => activity_id = id,
            _ => {}
        }
    }
    if let Some(err) = first_real_failure(&failures) {
        return Err(err.into());
    }
    let record_id =
        record_id.ok_or_else(|| CrmError::parse("no record id in composite answer", &resp.body))?;
    if spec.activity.is_some() && activity_id.is_none() {
        return Err(CrmError::parse(
            "no Task id in composite answer",
            &resp.body,
        ));
    }
    Ok(SaveOutcome {
        record_id,
        object: spec.record.sobject().to_string(),
        created: spec.existing_id.is_none(),
        activity_id,
        owner_id: spec.owner_id.clone(),
        crm_job: None,
    })
}

/// The id of the Account a save created ([`SaveSpec::new_account`]), from its answer.
pub fn created_account_id(resp: &HttpResponse) -> Option<String> {
    let v: Value = serde_json::from_str(&resp.body).ok()?;
    v.get("compositeResponse")?
        .as_array()?
        .iter()
        .find(|sub| {
            sub.get("referenceId").and_then(Value::as_str) == Some(REF_ACCOUNT)
                && sub.get("httpStatusCode").and_then(Value::as_u64) == Some(201)
        })
        .and_then(|sub| str_of(sub.get("body")?, "id"))
}

/// The first failing subrequest that is not a `PROCESSING_HALTED` echo (or the first one).
pub(crate) fn first_real_failure(failures: &[(u16, Value)]) -> Option<ApiError> {
    let errors: Vec<ApiError> = failures
        .iter()
        .map(|(status, body)| api_error_from_response(Crm::Salesforce, *status, &body.to_string()))
        .collect();
    errors
        .iter()
        .find(|e| e.code != "PROCESSING_HALTED")
        .or_else(|| errors.first())
        .cloned()
}

/// `POST sobjects/{Contact|Lead}` with `Sforce-Auto-Assign: FALSE` (one record, no activity).
pub fn create_request(session: &SfSession, spec: &SaveSpec) -> Result<HttpRequest, CrmError> {
    let fields = record_fields(session, spec)?;
    let mut req = HttpRequest::json(
        "POST",
        session.data_url(&format!("sobjects/{}", spec.record.sobject())),
        &session.access_token,
        &Value::Object(fields),
    );
    req.headers
        .push(("Sforce-Auto-Assign".into(), "FALSE".into()));
    Ok(req)
}

/// `POST sobjects/Task` logging an activity against an existing record.
pub fn create_task_request(
    session: &SfSession,
    who_id: &str,
    activity: &crate::prospect::ActivityLog,
    owner_id: Option<&str>,
) -> Result<HttpRequest, CrmError> {
    validate_id("who_id", who_id)?;
    let fields: Map<String, Value> = task_fields(who_id, activity, owner_id)?;
    Ok(HttpRequest::json(
        "POST",
        session.data_url("sobjects/Task"),
        &session.access_token,
        &Value::Object(fields),
    ))
}

/// Reads a 201 `{id, success, errors}`; a 400 `DUPLICATES_DETECTED` carries the matched ids
/// from `duplicateResut` (sic) or `duplicateResult`.
pub fn parse_create_response(resp: &HttpResponse) -> Result<String, CrmError> {
    let v = json_body(resp)?;
    if v.get("success").and_then(Value::as_bool) == Some(false) {
        let errors = v.get("errors").cloned().unwrap_or(Value::Null);
        return Err(api_error_from_response(Crm::Salesforce, 400, &errors.to_string()).into());
    }
    str_of(&v, "id").ok_or_else(|| CrmError::parse("create answer has no id", &resp.body))
}

/// The record kind of an existing-record save (for callers that only have the outcome).
pub fn object_kind(object: &str) -> Option<RecordKind> {
    match object {
        "Contact" => Some(RecordKind::Contact),
        "Lead" => Some(RecordKind::Lead),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::error::CrmError;

    /// Ada at Analytical Engines, whose Account the save creates in the same call.
    fn ada_with_account() -> SaveSpec {
        SaveSpec {
            record: RecordKind::Contact,
            prospect: crate::Prospect {
                last_name: "Lovelace".into(),
                ..Default::default()
            },
            owner_id: None,
            existing_id: None,
            activity: None,
            description: None,
            account_id: None,
            new_account: Some("Analytical Engines".into()),
        }
    }

    /// A composite answer whose Account subrequest failed with `error` (the person's
    /// subrequest then halted, as `allOrNone` does).
    fn account_refused(error: Value) -> HttpResponse {
        let body = json!({"compositeResponse": [
            {"referenceId": REF_ACCOUNT, "httpStatusCode": 400, "body": [error]},
            {"referenceId": REF_RECORD, "httpStatusCode": 400, "body": [{
                "errorCode": "PROCESSING_HALTED",
                "message": "The transaction was rolled back since another operation in the same transaction failed."}]}
        ]});
        HttpResponse {
            status: 200,
            headers: vec![],
            body: body.to_string(),
        }
    }

    fn api(e: CrmError) -> Box<crate::ApiError> {
        match e {
            CrmError::Api(a) => a,
            other => panic!("expected an API error, got {other:?}"),
        }
    }

    /// The Account a save created is read from its own subrequest, and only when it was
    /// created (a refused one, or a save that created none, has no id to read).
    #[test]
    fn the_created_accounts_id_is_read_from_its_subrequest() {
        let answer = |subs: Value| HttpResponse {
            status: 200,
            headers: vec![],
            body: json!({ "compositeResponse": subs }).to_string(),
        };
        let record = json!({"referenceId": REF_RECORD, "httpStatusCode": 201,
            "body": {"id": "003000000000001AAA", "success": true, "errors": []}});
        let account = json!({"referenceId": REF_ACCOUNT, "httpStatusCode": 201,
            "body": {"id": "001000000000001AAA", "success": true, "errors": []}});
        assert_eq!(
            created_account_id(&answer(json!([account, record]))).as_deref(),
            Some("001000000000001AAA")
        );
        assert_eq!(created_account_id(&answer(json!([record]))), None);
        let refused = json!({"referenceId": REF_ACCOUNT, "httpStatusCode": 400,
            "body": [{"errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "message": "no"}]});
        assert_eq!(created_account_id(&answer(json!([refused, record]))), None);
    }

    /// The record kind of an outcome's object: Contact and Lead, nothing else.
    #[test]
    fn an_outcomes_object_names_its_record_kind() {
        assert_eq!(object_kind("Contact"), Some(RecordKind::Contact));
        assert_eq!(object_kind("Lead"), Some(RecordKind::Lead));
        assert_eq!(object_kind("contacts"), None);
        assert_eq!(object_kind("Account"), None);
    }

    /// An Account a duplicate rule matched is answered as [`ACCOUNT_DUPLICATE`] with the
    /// existing Account's id (the caller saves again linked to it); any other refusal of the
    /// Account is the CRM's own error, never taken for a duplicate.
    #[test]
    fn only_a_duplicate_account_is_answered_as_one() {
        let duplicate = account_refused(json!({
            "errorCode": "DUPLICATES_DETECTED",
            "message": "Use one of these records?",
            "duplicateResult": {"matchResults": [{"matchRecords": [
                {"record": {"Id": "001000000000001AAA"}}]}]}
        }));
        let e = api(parse_save_response(&ada_with_account(), &duplicate).unwrap_err());
        assert_eq!(e.code, ACCOUNT_DUPLICATE);
        assert_eq!(e.duplicate_ids, ["001000000000001AAA"]);

        let invalid = account_refused(json!({
            "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
            "message": "Accounts need a billing country",
            "fields": []
        }));
        let e = api(parse_save_response(&ada_with_account(), &invalid).unwrap_err());
        assert_eq!(e.code, "FIELD_CUSTOM_VALIDATION_EXCEPTION");
        assert!(e.duplicate_ids.is_empty());
    }
}
