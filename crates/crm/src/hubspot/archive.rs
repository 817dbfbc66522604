//! Archiving what one save created, in ONE call per object type: `POST
//! …/objects/{contacts|emails|notes|calls}/batch/archive` with `{"inputs":[{"id":…}]}` (≤100
//! ids), answered `204 No Content`. Archiving an id that is already archived or unknown is not
//! an error (HubSpot answers 204 as well). Source:
//! <https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/batch/post-crm-v3-objects-contacts-batch-archive>.

use serde_json::json;

use super::HsSession;
use crate::error::{api_error_from_response, Crm, CrmError, ValidationError};
use crate::http::{HttpRequest, HttpResponse};
use crate::prospect::validate_id;

/// Most ids one batch archive takes.
pub const MAX_ARCHIVE_IDS: usize = 100;

/// Object types this product creates and may archive again.
pub const ARCHIVABLE: [&str; 4] = ["contacts", "emails", "notes", "calls"];

/// `POST …/objects/{object}/batch/archive` for 1 to 100 ids of one object type.
pub fn batch_archive_request(
    session: &HsSession,
    object: &str,
    ids: &[String],
) -> Result<HttpRequest, CrmError> {
    if !ARCHIVABLE.contains(&object) {
        return Err(CrmError::Invalid(ValidationError::Malformed {
            field: "object".into(),
            reason: "only contacts and engagements are archived".into(),
        }));
    }
    if ids.is_empty() || ids.len() > MAX_ARCHIVE_IDS {
        return Err(CrmError::Invalid(ValidationError::Malformed {
            field: "ids".into(),
            reason: format!("1 to {MAX_ARCHIVE_IDS} ids per batch"),
        }));
    }
    for id in ids {
        validate_id("ids", id)?;
    }
    let inputs: Vec<_> = ids.iter().map(|id| json!({ "id": id })).collect();
    Ok(HttpRequest::json(
        "POST",
        format!("{}/batch/archive", session.objects_url(object)),
        &session.access_token,
        &json!({ "inputs": inputs }),
    ))
}

/// 204 (any 2xx) → archived; anything else is the CRM's error.
pub fn parse_batch_archive(resp: &HttpResponse) -> Result<(), CrmError> {
    if resp.is_success() {
        Ok(())
    } else {
        Err(api_error_from_response(Crm::Hubspot, resp.status, &resp.body).into())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn refuses_other_objects_and_bad_ids() {
        let s = HsSession::new("t");
        assert!(batch_archive_request(&s, "owners", &["1".into()]).is_err());
        assert!(batch_archive_request(&s, "contacts", &[]).is_err());
        assert!(batch_archive_request(&s, "contacts", &["1/../2".into()]).is_err());
        let many: Vec<String> = (0..101).map(|i| i.to_string()).collect();
        assert!(batch_archive_request(&s, "emails", &many).is_err());
        // The limit itself is one batch.
        let req = batch_archive_request(&s, "emails", &many[..MAX_ARCHIVE_IDS]).unwrap();
        let body: serde_json::Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["inputs"].as_array().unwrap().len(), 100);
    }
}
