//! Deleting what one save created, in ONE call per credential: sObject Collections delete,
//! `DELETE /services/data/vNN.0/composite/sobjects?ids=a,b&allOrNone=false` (≤200 ids of any
//! objects). With `allOrNone=false` each id succeeds or fails on its own; the answer is 200
//! with one `{id, success, errors:[{statusCode, message, fields}]}` per id, in request order.
//! An id that is already gone answers `ENTITY_IS_DELETED` (a Contact's Tasks go with it), which
//! counts as gone here. Source:
//! <https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_delete.htm>.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{json_body, str_of, SfSession};
use crate::error::{ApiError, CrmError, ValidationError};
use crate::http::{HttpRequest, HttpResponse};
use crate::prospect::validate_id;

/// Most ids one Collections delete takes.
pub const MAX_DELETE_IDS: usize = 200;

/// What became of one id of a delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteResult {
    /// The record id.
    pub id: String,
    /// True when the record is gone (deleted now, or already deleted).
    pub gone: bool,
    /// The CRM's code and message when it was not deleted.
    pub error: Option<ApiError>,
}

/// `DELETE composite/sobjects?ids=…&allOrNone=false` for 1 to 200 ids (Tasks first, so a
/// Contact's cascade does not turn them into errors).
pub fn delete_request(session: &SfSession, ids: &[String]) -> Result<HttpRequest, CrmError> {
    if ids.is_empty() || ids.len() > MAX_DELETE_IDS {
        return Err(CrmError::Invalid(ValidationError::Malformed {
            field: "ids".into(),
            reason: format!("1 to {MAX_DELETE_IDS} ids per delete"),
        }));
    }
    for id in ids {
        validate_id("ids", id)?;
    }
    Ok(HttpRequest {
        method: "DELETE".into(),
        url: format!(
            "{}?ids={}&allOrNone=false",
            session.data_url("composite/sobjects"),
            ids.join(",")
        ),
        headers: vec![
            (
                "Authorization".into(),
                format!("Bearer {}", session.access_token),
            ),
            ("Accept".into(), "application/json".into()),
        ],
        body: None,
    })
}

/// Reads the answer of [`delete_request`] for the `ids` it was built with: one
/// [`DeleteResult`] per id, in order (a failed item without an `id` is matched by position).
/// A whole-call error (401, 403, 503…) is a `CrmError`.
pub fn parse_delete_response(
    ids: &[String],
    resp: &HttpResponse,
) -> Result<Vec<DeleteResult>, CrmError> {
    let v = json_body(resp)?;
    let items = v
        .as_array()
        .ok_or_else(|| CrmError::parse("delete answer is not an array", &resp.body))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let id = str_of(item, "id")
                .or_else(|| ids.get(i).cloned())
                .unwrap_or_default();
            if item.get("success").and_then(Value::as_bool) == Some(true) {
                return Ok(DeleteResult {
                    id,
                    gone: true,
                    error: None,
                });
            }
            let errors = item.get("errors").cloned().unwrap_or(Value::Null);
            let error = crate::error::api_error_from_response(
                crate::error::Crm::Salesforce,
                400,
                &errors.to_string(),
            );
            Ok(DeleteResult {
                id,
                gone: error.code == "ENTITY_IS_DELETED",
                error: Some(error),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn refuses_empty_too_many_and_malformed_ids() {
        let s = SfSession::new("https://acme.my.salesforce.com", "t");
        assert!(delete_request(&s, &[]).is_err());
        let many: Vec<String> = (0..201).map(|i| format!("00T{i:015}")).collect();
        assert!(delete_request(&s, &many).is_err());
        // The limit itself is one call, every id in it.
        let req = delete_request(&s, &many[..MAX_DELETE_IDS]).unwrap();
        assert_eq!(req.url.matches("00T").count(), 200, "{}", req.url);
        assert!(delete_request(&s, &["003,001".into()]).is_err());
        assert!(delete_request(&s, &["003&allOrNone=true".into()]).is_err());
    }

    #[test]
    fn a_transport_style_error_is_an_error_not_a_result() {
        let resp = HttpResponse {
            status: 401,
            headers: vec![],
            body: r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#
                .into(),
        };
        let err = parse_delete_response(&[], &resp).unwrap_err();
        assert_eq!(err.retry(), crate::Retry::RefreshToken);
    }
}
