//! Contacts: read by e-mail (dedupe), create with `hubspot_owner_id`, batch create (≤100).

use serde_json::{json, Map, Value};

use super::{id_string, json_body, HsSession};
use crate::error::{api_error_from_response, ApiError, Crm, CrmError, ValidationError};
use crate::http::{percent_encode, HttpRequest, HttpResponse};
use crate::prospect::{
    clean, fits, require_person, validate_id, ExistingRecord, Job, RecordKind, SaveSpec,
};

/// Inputs per batch call.
pub const BATCH_LIMIT: usize = 100;
/// The object name used in [`ExistingRecord::object`] and [`crate::SaveOutcome::object`].
pub const OBJECT: &str = "contacts";

/// `GET …/contacts/{email}?idProperty=email&properties=email,hubspot_owner_id` — strongly
/// consistent, unlike search.
pub fn contact_by_email_request(session: &HsSession, email: &str) -> Result<HttpRequest, CrmError> {
    let email = email.trim();
    if email.is_empty() {
        return Err(ValidationError::Missing {
            field: "email".into(),
        }
        .into());
    }
    Ok(HttpRequest::get(
        format!(
            "{}/{}?idProperty=email&properties=email,firstname,lastname,hubspot_owner_id",
            session.objects_url(OBJECT),
            percent_encode(email)
        ),
        &session.access_token,
    ))
}

/// 200 → the contact; 404 → `None`.
pub fn parse_contact_lookup(resp: &HttpResponse) -> Result<Option<ExistingRecord>, CrmError> {
    if resp.status == 404 {
        return Ok(None);
    }
    let v = json_body(resp)?;
    let id =
        id_string(v.get("id")).ok_or_else(|| CrmError::parse("contact has no id", &resp.body))?;
    Ok(Some(ExistingRecord {
        id,
        object: OBJECT.into(),
        owner_id: v
            .pointer("/properties/hubspot_owner_id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        owner_name: None,
        job: None,
    }))
}

/// A contact's job from its `jobtitle` and `company` properties (asked for by every lookup:
/// [`JOB_PROPERTIES`]).
pub(super) fn properties_job(properties: Option<&Value>) -> Option<Job> {
    let read = |name: &str| properties.and_then(|p| p.get(name)).and_then(Value::as_str);
    Job::from_parts(read("jobtitle"), read("company"))
}

/// The contact properties that tell a job change.
pub(super) const JOB_PROPERTIES: [&str; 2] = ["jobtitle", "company"];

/// The contact `properties` for a spec (`lifecyclestage=lead` for Lead specs).
pub fn contact_properties(
    session: &HsSession,
    spec: &SaveSpec,
) -> Result<Map<String, Value>, CrmError> {
    require_person(spec.record)?;
    let p = &spec.prospect;
    let last = p.last_name.trim();
    if last.is_empty() && clean(p.email.as_ref()).is_none() {
        return Err(ValidationError::Missing {
            field: "last_name".into(),
        }
        .into());
    }
    let mut m = Map::new();
    let mut put = |k: &str, v: &str| {
        m.insert(k.to_string(), Value::String(v.to_string()));
    };
    if let Some(email) = clean(p.email.as_ref()) {
        fits("email", email, 254)?;
        put("email", email);
    }
    if let Some(first) = clean(p.first_name.as_ref()) {
        put("firstname", first);
    }
    if !last.is_empty() {
        put("lastname", last);
    }
    for (key, value) in [
        ("jobtitle", &p.title),
        ("company", &p.company),
        ("phone", &p.phone),
    ] {
        if let Some(v) = clean(value.as_ref()) {
            put(key, v);
        }
    }
    if let (Some(prop), Some(url)) = (
        session.linkedin_property.as_deref(),
        clean(p.linkedin_url.as_ref()),
    ) {
        put(
            prop,
            &crate::linkedin::canonical_profile_url(url).unwrap_or_else(|| url.to_string()),
        );
    }
    if let Some(owner) = spec.owner_id.as_deref() {
        validate_id("owner_id", owner)?;
        put("hubspot_owner_id", owner);
    }
    if spec.record == RecordKind::Lead {
        put("lifecyclestage", "lead");
    }
    Ok(m)
}

/// `POST …/contacts` `{"properties": {…}}`.
pub fn create_contact_request(
    session: &HsSession,
    spec: &SaveSpec,
) -> Result<HttpRequest, CrmError> {
    let props = contact_properties(session, spec)?;
    Ok(HttpRequest::json(
        "POST",
        session.objects_url(OBJECT),
        &session.access_token,
        &json!({ "properties": props }),
    ))
}

/// 201 → the new id; 409 → [`CrmError::Api`] with `duplicate_ids` = the existing contact.
pub fn parse_create_contact(resp: &HttpResponse) -> Result<String, CrmError> {
    let v = json_body(resp)?;
    id_string(v.get("id")).ok_or_else(|| CrmError::parse("created contact has no id", &resp.body))
}

/// `POST …/contacts/batch/create` for ≤100 specs; each input carries `objectWriteTraceId` =
/// its position, so a 207 answer reports failures per input.
pub fn batch_create_request(
    session: &HsSession,
    specs: &[SaveSpec],
) -> Result<HttpRequest, CrmError> {
    if specs.len() > BATCH_LIMIT {
        return Err(ValidationError::TooLong {
            field: "batch".into(),
            len: specs.len(),
            max: BATCH_LIMIT,
        }
        .into());
    }
    let inputs = specs
        .iter()
        .enumerate()
        .map(|(i, s)| Ok(json!({ "properties": contact_properties(session, s)?, "objectWriteTraceId": i.to_string() })))
        .collect::<Result<Vec<Value>, CrmError>>()?;
    Ok(HttpRequest::json(
        "POST",
        format!("{}/batch/create", session.objects_url(OBJECT)),
        &session.access_token,
        &json!({ "inputs": inputs }),
    ))
}

/// Per-input results of a batch create (201 all created, 207 mixed). Created contacts are
/// matched back by `objectWriteTraceId` when echoed, else by e-mail, else by position.
#[allow(clippy::result_large_err)] // Per-input Err values are data in a Vec.
pub fn parse_batch_create(
    specs: &[SaveSpec],
    resp: &HttpResponse,
) -> Result<Vec<Result<String, ApiError>>, CrmError> {
    let v = json_body(resp)?;
    let mut out: Vec<Option<Result<String, ApiError>>> = vec![None; specs.len()];
    let results = v
        .get("results")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut unplaced = Vec::new();
    for r in &results {
        let Some(id) = id_string(r.get("id")) else {
            continue;
        };
        let by_trace = id_string(r.get("objectWriteTraceId")).and_then(|t| t.parse::<usize>().ok());
        let email = r
            .pointer("/properties/email")
            .and_then(Value::as_str)
            .map(str::to_lowercase);
        let by_email = email.and_then(|e| {
            specs.iter().enumerate().position(|(i, s)| {
                out[i].is_none()
                    && clean(s.prospect.email.as_ref())
                        .map(str::to_lowercase)
                        .as_deref()
                        == Some(e.as_str())
            })
        });
        match by_trace.filter(|&i| i < specs.len()).or(by_email) {
            Some(i) => out[i] = Some(Ok(id)),
            None => unplaced.push(id),
        }
    }
    for e in v
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let err = api_error_from_response(Crm::Hubspot, 400, &e.to_string());
        let traces = e
            .pointer("/context/objectWriteTraceId")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for t in traces {
            if let Some(i) = id_string(Some(&t))
                .and_then(|t| t.parse::<usize>().ok())
                .filter(|&i| i < specs.len())
            {
                out[i] = Some(Err(err.clone()));
            }
        }
    }
    let mut unplaced = unplaced.into_iter();
    Ok(out
        .into_iter()
        .map(|slot| match slot {
            Some(r) => r,
            None => unplaced.next().ok_or_else(|| {
                crate::error::blank(resp.status, "NOT_PROCESSED", "no result for this input")
            }),
        })
        .collect())
}
