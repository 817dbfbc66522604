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

use serde_json::{json, Map, Value};

use super::contacts::{properties_job, JOB_PROPERTIES, OBJECT};
use super::{json_body, HsSession};
use crate::error::{CrmError, ValidationError};
use crate::http::{HttpRequest, HttpResponse};
use crate::prospect::{validate_id, Job};

/// `GET …/contacts/{id}?properties=jobtitle,company`.
pub fn contact_job_request(session: &HsSession, contact_id: &str) -> Result<HttpRequest, CrmError> {
    validate_id("contact_id", contact_id)?;
    Ok(HttpRequest::get(
        format!(
            "{}/{contact_id}?properties={}",
            session.objects_url(OBJECT),
            JOB_PROPERTIES.join(",")
        ),
        &session.access_token,
    ))
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
        let req = contact_job_request(&s, "501").unwrap();
        assert_eq!(req.method, "GET");
        assert!(
            req.url
                .ends_with("/contacts/501?properties=jobtitle,company"),
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
        let gone = HttpResponse {
            status: 404,
            body: r#"{"status":"error","message":"Object not found.  objectId are usually numeric.","category":"OBJECT_NOT_FOUND"}"#.into(),
            ..ok
        };
        assert!(parse_contact_job(&gone).is_err());
    }
}
