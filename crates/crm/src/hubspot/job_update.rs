//! A job change written onto an existing HubSpot contact ("Update in CRM" on a LinkedIn
//! badge): HubSpot has no multi-object transaction, so it takes three calls, each answered
//! before the next is sent:
//!
//! 1. [`contact_job_request`]: `GET …/contacts/{id}?properties=jobtitle,company` (a read by id
//!    is strongly consistent, unlike search): the contact as it stands, so a second click, or
//!    a retry whose PATCH answer was lost, sees the new job already there.
//! 2. [`update_request`]: `PATCH …/contacts/{id}` with `jobtitle` and `company` (200 with the
//!    contact; 404 `OBJECT_NOT_FOUND` when it was deleted). `hubspot_owner_id` is never sent:
//!    an update does not reassign the contact.
//! 3. The note keeping the old values: an engagement associated to the contact
//!    ([`super::engagements::engagement_request`], a note, association type 202).
//!
//! A note whose answer was lost may have been created: before sending it again, the read of
//! step 1 also asks for the contact's associated notes (`associations=notes`), and
//! [`notes_read_request`] reads their bodies (`batch/read`, strongly consistent, unlike a
//! search) for the caller's marker (its save id).

use serde_json::{json, Map, Value};

use super::contacts::{properties_job, BATCH_LIMIT, JOB_PROPERTIES, OBJECT};
use super::{id_string, json_body, HsSession};
use crate::error::{CrmError, ValidationError};
use crate::http::{HttpRequest, HttpResponse};
use crate::prospect::{validate_id, Job};

/// The notes object.
const NOTES: &str = "notes";

/// `GET …/contacts/{id}?properties=jobtitle,company` (`&associations=notes` with
/// `with_notes`).
pub fn contact_job_request(
    session: &HsSession,
    contact_id: &str,
    with_notes: bool,
) -> Result<HttpRequest, CrmError> {
    validate_id("contact_id", contact_id)?;
    let notes = if with_notes {
        "&associations=notes"
    } else {
        ""
    };
    Ok(HttpRequest::get(
        format!(
            "{}/{contact_id}?properties={}{notes}",
            session.objects_url(OBJECT),
            JOB_PROPERTIES.join(",")
        ),
        &session.access_token,
    ))
}

/// The ids of the notes associated to the contact, from a read with `associations=notes`
/// (`{"associations": {"notes": {"results": [{"id", "type"}]}}}`; none when absent).
pub fn parse_note_ids(resp: &HttpResponse) -> Result<Vec<String>, CrmError> {
    let v = json_body(resp)?;
    let results = v
        .pointer("/associations/notes/results")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    Ok(results
        .iter()
        .filter_map(|r| id_string(r.get("id")))
        .collect())
}

/// `POST …/notes/batch/read` of the notes' bodies (the last [`BATCH_LIMIT`] ids: the newest
/// associations come last).
pub fn notes_read_request(
    session: &HsSession,
    note_ids: &[String],
) -> Result<HttpRequest, CrmError> {
    let from = note_ids.len().saturating_sub(BATCH_LIMIT);
    let mut inputs = Vec::new();
    for id in note_ids.get(from..).unwrap_or_default() {
        validate_id("note_id", id)?;
        inputs.push(json!({ "id": id }));
    }
    Ok(HttpRequest::json(
        "POST",
        format!("{}/batch/read", session.objects_url(NOTES)),
        &session.access_token,
        &json!({ "properties": ["hs_note_body"], "inputs": inputs }),
    ))
}

/// The first note read by [`notes_read_request`] whose body holds `marker`.
pub fn parse_note_with(resp: &HttpResponse, marker: &str) -> Result<Option<String>, CrmError> {
    let v = json_body(resp)?;
    let results = v
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| CrmError::parse("batch read has no results", &resp.body))?;
    Ok(results
        .iter()
        .find(|n| {
            n.pointer("/properties/hs_note_body")
                .and_then(Value::as_str)
                .is_some_and(|body| body.contains(marker))
        })
        .and_then(|n| id_string(n.get("id"))))
}

/// The contact's job as it stands (`None`: both properties blank); a 404 is an error (the
/// contact was deleted: nothing to update).
pub fn parse_contact_job(resp: &HttpResponse) -> Result<Option<Job>, CrmError> {
    let v = json_body(resp)?;
    Ok(properties_job(v.get("properties")))
}

/// `PATCH …/contacts/{id}` `{"properties": {jobtitle, company}}` (a blank side is left out).
pub fn update_request(
    session: &HsSession,
    contact_id: &str,
    job: &Job,
) -> Result<HttpRequest, CrmError> {
    validate_id("contact_id", contact_id)?;
    let mut props = Map::new();
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| Value::String(v.to_owned()))
    };
    if let Some(title) = text(&job.title) {
        props.insert("jobtitle".into(), title);
    }
    if let Some(company) = text(&job.company) {
        props.insert("company".into(), company);
    }
    if props.is_empty() {
        return Err(ValidationError::Missing {
            field: "title".into(),
        }
        .into());
    }
    Ok(HttpRequest::json(
        "PATCH",
        format!("{}/{contact_id}", session.objects_url(OBJECT)),
        &session.access_token,
        &json!({ "properties": props }),
    ))
}

/// 200 → the contact's job as HubSpot now holds it.
pub fn parse_update(resp: &HttpResponse) -> Result<Option<Job>, CrmError> {
    parse_contact_job(resp)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn job(title: &str, company: &str) -> Job {
        Job::from_parts(Some(title), Some(company)).unwrap()
    }

    #[test]
    fn the_patch_carries_the_job_and_never_an_owner() {
        let s = HsSession::new("tok");
        let req = update_request(&s, "501", &job("VP Sales", "Globex")).unwrap();
        assert_eq!(req.method, "PATCH");
        assert_eq!(
            req.url,
            "https://api.hubapi.com/crm/v3/objects/contacts/501"
        );
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"properties": {"jobtitle": "VP Sales", "company": "Globex"}})
        );
        let only_title = Job::from_parts(Some("CTO"), Some("  ")).unwrap();
        let req = update_request(&s, "501", &only_title).unwrap();
        assert!(!req.body.as_deref().unwrap().contains("company"));
        assert!(update_request(&s, "501", &Job::default()).is_err());
        assert!(update_request(&s, "5/../1", &only_title).is_err());
    }

    #[test]
    fn the_read_asks_for_the_job_and_reads_it_back() {
        let s = HsSession::new("tok");
        let req = contact_job_request(&s, "501", false).unwrap();
        assert_eq!(req.method, "GET");
        assert!(
            req.url
                .ends_with("/contacts/501?properties=jobtitle,company"),
            "{}",
            req.url
        );
        let req = contact_job_request(&s, "501", true).unwrap();
        assert!(
            req.url
                .ends_with("?properties=jobtitle,company&associations=notes"),
            "{}",
            req.url
        );
        let ok = HttpResponse {
            status: 200,
            headers: vec![],
            body: r#"{"id":"501","properties":{"jobtitle":"VP Sales","company":"Globex"}}"#.into(),
        };
        assert_eq!(
            parse_contact_job(&ok).unwrap(),
            Some(job("VP Sales", "Globex"))
        );
        // The PATCH answers the contact the same way: its job as HubSpot now holds it.
        assert_eq!(parse_update(&ok).unwrap(), Some(job("VP Sales", "Globex")));
        let gone = HttpResponse {
            status: 404,
            body: r#"{"status":"error","message":"Object not found.  objectId are usually numeric.","category":"OBJECT_NOT_FOUND"}"#.into(),
            ..ok
        };
        assert!(parse_contact_job(&gone).is_err());
    }
}

#[cfg(test)]
mod note_check {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn ok(body: Value) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: vec![],
            body: body.to_string(),
        }
    }

    #[test]
    fn a_lost_note_is_found_by_its_marker_among_the_contacts_notes() {
        let read = ok(json!({"id": "501", "properties": {"jobtitle": "VP Sales"},
            "associations": {"notes": {"results": [
                {"id": "9001", "type": "contact_to_note"}, {"id": 9002, "type": "contact_to_note"}]}}}));
        assert_eq!(parse_note_ids(&read).unwrap(), vec!["9001", "9002"]);
        assert!(parse_note_ids(&ok(json!({"id": "501", "properties": {}})))
            .unwrap()
            .is_empty());

        let s = HsSession::new("tok");
        let ids: Vec<String> = (1..=150).map(|i| i.to_string()).collect();
        let req = notes_read_request(&s, &ids).unwrap();
        assert!(
            req.url.ends_with("/crm/v3/objects/notes/batch/read"),
            "{}",
            req.url
        );
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        let inputs = body["inputs"].as_array().unwrap();
        assert_eq!(inputs.len(), BATCH_LIMIT);
        assert_eq!(inputs[0]["id"], "51", "the newest notes are read");
        assert_eq!(body["properties"], json!(["hs_note_body"]));
        assert!(notes_read_request(&s, &["9/1".to_owned()]).is_err());

        let notes = ok(json!({"status": "COMPLETE", "results": [
            {"id": "9001", "properties": {"hs_note_body": "Called, no answer"}},
            {"id": "9002", "properties": {"hs_note_body": "Job change: was CTO\nUpdated with Leadline (save s-1)."}}]}));
        assert_eq!(
            parse_note_with(&notes, "(save s-1)").unwrap().as_deref(),
            Some("9002")
        );
        assert_eq!(parse_note_with(&notes, "(save s-2)").unwrap(), None);
    }
}
