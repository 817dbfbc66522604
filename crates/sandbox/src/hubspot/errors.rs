//! HubSpot's error body: `{status, message, correlationId, category}` plus extras.

use serde_json::{json, Value};

use crate::http::Response;
use crate::ids;

/// A HubSpot error response: `{status, message, correlationId, category}` plus extras.
pub fn error(status: u16, category: &str, message: &str) -> Response {
    error_with(status, category, message, json!({}))
}

/// [`error`] with extra keys (`context`, `errors`, `subCategory`...).
pub fn error_with(status: u16, category: &str, message: &str, extra: Value) -> Response {
    let mut body = json!({
        "status": "error",
        "message": message,
        "correlationId": ids::correlation_id(),
        "category": category,
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            body.insert(k.clone(), v.clone());
        }
    }
    Response::json(status, &body)
}
