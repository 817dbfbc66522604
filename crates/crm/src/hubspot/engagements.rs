//! Activities as engagement objects associated to a contact: notes (type 202), emails (198),
//! calls (194); `hs_timestamp` is required: the activity date at 12:00 UTC, so it shows on
//! the same calendar day in most time zones.

use serde_json::{json, Value};

use super::{id_string, json_body, HsSession};
use crate::error::CrmError;
use crate::http::{HttpRequest, HttpResponse};
use crate::prospect::{validate_date, validate_id, ActivityKind, ActivityLog};

/// HUBSPOT_DEFINED association type id from the engagement to a contact.
pub fn association_type_id(kind: ActivityKind) -> u32 {
    match kind {
        ActivityKind::Note => 202,
        ActivityKind::Email => 198,
        ActivityKind::Call => 194,
    }
}

/// The engagement object path segment.
pub fn object_name(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Note => "notes",
        ActivityKind::Email => "emails",
        ActivityKind::Call => "calls",
    }
}

/// `POST …/{notes|emails|calls}` associated to `contact_id`; `stamp` (e.g. "Saved by … on
/// behalf of …") is appended to the body, since HubSpot contacts have no description.
pub fn engagement_request(
    session: &HsSession,
    contact_id: &str,
    activity: &ActivityLog,
    owner_id: Option<&str>,
    stamp: Option<&str>,
) -> Result<HttpRequest, CrmError> {
    validate_id("contact_id", contact_id)?;
    validate_date("activity.date", &activity.date)?;
    let timestamp = format!("{}T12:00:00.000Z", activity.date);
    let body = match stamp.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => format!("{}\n\n{s}", activity.body),
        None => activity.body.clone(),
    };
    let mut props = match activity.kind {
        ActivityKind::Note => json!({
            "hs_note_body": format!("{}\n{}", activity.subject, body).trim().to_string(),
        }),
        ActivityKind::Email => json!({
            "hs_email_subject": activity.subject,
            "hs_email_text": body,
            "hs_email_direction": "EMAIL",
            "hs_email_status": "SENT",
        }),
        ActivityKind::Call => json!({
            "hs_call_title": activity.subject,
            "hs_call_body": body,
            "hs_call_status": "COMPLETED",
        }),
    };
    if let Value::Object(m) = &mut props {
        m.insert("hs_timestamp".into(), Value::String(timestamp));
        if let Some(owner) = owner_id {
            validate_id("owner_id", owner)?;
            m.insert("hubspot_owner_id".into(), Value::String(owner.to_string()));
        }
    }
    let body = json!({
        "properties": props,
        "associations": [{
            "to": { "id": contact_id },
            "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": association_type_id(activity.kind) }]
        }]
    });
    Ok(HttpRequest::json(
        "POST",
        session.objects_url(object_name(activity.kind)),
        &session.access_token,
        &body,
    ))
}

/// 201 → the engagement id.
pub fn parse_engagement(resp: &HttpResponse) -> Result<String, CrmError> {
    let v = json_body(resp)?;
    id_string(v.get("id")).ok_or_else(|| CrmError::parse("engagement has no id", &resp.body))
}
