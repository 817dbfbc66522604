//! Owners (HubSpot's user directory): `GET /crm/v3/owners?limit=100&archived=<bool>[&after=]`.
//! Use the owner `id` (not `userId`) as `hubspot_owner_id`. Archived owners are the inactive
//! ones: list them with `archived = true` to tell "inactive" from "unknown".

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{id_string, json_body, HsSession};
use crate::error::CrmError;
use crate::http::{form_encode, percent_encode, HttpRequest, HttpResponse};
use crate::prospect::CrmUser;

/// One page of owners and the cursor of the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnersPage {
    /// Owners on this page (`active` = not archived).
    pub users: Vec<CrmUser>,
    /// `paging.next.after`, when more pages remain.
    pub after: Option<String>,
}

/// A page of owners.
pub fn owners_request(session: &HsSession, archived: bool, after: Option<&str>) -> HttpRequest {
    let archived = if archived { "true" } else { "false" };
    let mut pairs = vec![("limit", "100"), ("archived", archived)];
    if let Some(a) = after {
        pairs.push(("after", a));
    }
    HttpRequest::get(
        format!("{}?{}", session.url("crm/v3/owners"), form_encode(&pairs)),
        &session.access_token,
    )
}

/// The owner of a HubSpot user id (from the token response):
/// `GET /crm/v3/owners/{userId}?idProperty=userId`.
pub fn owner_by_user_id_request(session: &HsSession, user_id: &str) -> HttpRequest {
    HttpRequest::get(
        format!(
            "{}?idProperty=userId",
            session.url(&format!("crm/v3/owners/{}", percent_encode(user_id)))
        ),
        &session.access_token,
    )
}

/// Reads a page of owners.
pub fn parse_owners(resp: &HttpResponse) -> Result<OwnersPage, CrmError> {
    let v = json_body(resp)?;
    let results = v
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| CrmError::parse("owners answer has no results", &resp.body))?;
    Ok(OwnersPage {
        users: results.iter().filter_map(owner).collect(),
        after: v
            .pointer("/paging/next/after")
            .and_then(|a| id_string(Some(a))),
    })
}

/// Reads a single owner.
pub fn parse_owner(resp: &HttpResponse) -> Result<CrmUser, CrmError> {
    let v = json_body(resp)?;
    owner(&v).ok_or_else(|| CrmError::parse("owner has no id", &resp.body))
}

fn owner(o: &Value) -> Option<CrmUser> {
    let text = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or_default();
    let name = format!("{} {}", text("firstName"), text("lastName"))
        .trim()
        .to_string();
    let email = o.get("email").and_then(Value::as_str).map(str::to_string);
    Some(CrmUser {
        id: id_string(o.get("id"))?,
        name: Some(if name.is_empty() {
            email.clone().unwrap_or_default()
        } else {
            name
        }),
        email,
        active: !o.get("archived").and_then(Value::as_bool).unwrap_or(false),
    })
}
