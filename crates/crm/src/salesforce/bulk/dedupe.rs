//! The dedupe step on the wire: a chunk's `GET query` URLs sent as subrequests of ONE
//! `POST composite` (one API call), and the per-subrequest answers read back.
//!
//! Limits, as documented by Salesforce ("Send Multiple Requests Using Composite",
//! <https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-composite-post.html>,
//! checked with the search tool in the API 260.0 text of that page: "You can have up to 25
//! subrequests in a single call. Up to 5 of these subrequests can be sObject Collections or
//! query operations, including Query and QueryAll requests."):
//! - at most 25 subrequests, at most **5** of them queries — hence [`MAX_QUERIES_PER_CALL`]
//!   (this settles the "verify" mark on that cap in our reference, section A7);
//! - the whole call counts as one API request; the top-level status is 200 and each
//!   subrequest carries its own `httpStatusCode` and `body` (an error body is the usual
//!   `[{errorCode, message}]`):
//!   <https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_subrequest_result.htm>;
//! - a subrequest `url` must start with `/services/data/vXX.X/` and its query string must be
//!   URL-encoded; `Accept`, `Authorization` and `Content-Type` are inherited, never set per
//!   subrequest ("Composite Request Body",
//!   <https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/requests_composite.htm>).
//!
//! Subrequest URL length: the docs state no limit for a subrequest's `url` (searched; none
//! found). The 16,384-byte limit that bounds a plain `GET query` is on the HTTP request line
//! (reference A6, tagged inferred), and a subrequest's URL travels in the JSON body, so it
//! may well not apply. Unverified either way, so each subrequest URL is still kept under
//! [`MAX_QUERY_URL_LEN`]: five such queries (80 KB of keys) hold 200 people's e-mails and
//! LinkedIn URLs with room to spare; only pathologically long keys need a second call.

use serde_json::{json, Value};

use super::MAX_QUERY_URL_LEN;
use crate::error::{api_error_from_response, Crm, CrmError};
use crate::http::{HttpRequest, HttpResponse};
use crate::salesforce::{json_body, query_records, SfSession};

/// Query subrequests per Composite call (Salesforce allows 5 query/Collections subrequests).
pub const MAX_QUERIES_PER_CALL: usize = 5;

fn reference_id(i: usize) -> String {
    format!("dedupe{i}")
}

/// One `POST composite` (`allOrNone: false`) running `urls` (≤ [`MAX_QUERIES_PER_CALL`]
/// paths such as `/services/data/v66.0/query?q=…` or a `nextRecordsUrl`) as `GET`
/// subrequests `dedupe0`, `dedupe1`, …
pub(super) fn composite_request(session: &SfSession, urls: &[String]) -> HttpRequest {
    let subrequests: Vec<Value> = urls
        .iter()
        .enumerate()
        .map(|(i, url)| json!({"method": "GET", "url": url, "referenceId": reference_id(i)}))
        .collect();
    let body = json!({"allOrNone": false, "compositeRequest": subrequests});
    HttpRequest::json(
        "POST",
        session.data_url("composite"),
        &session.access_token,
        &body,
    )
}

/// The records of every subrequest and the `nextRecordsUrl`s still to follow (in subrequest
/// order). A failed subrequest fails the whole answer with its own error, so the caller
/// retries the same call (queries change nothing).
pub(super) fn parse_composite(
    resp: &HttpResponse,
    sent: usize,
) -> Result<(Vec<Value>, Vec<String>), CrmError> {
    let v = json_body(resp)?;
    let items = v
        .get("compositeResponse")
        .and_then(Value::as_array)
        .filter(|a| a.len() == sent)
        .ok_or_else(|| {
            CrmError::parse(
                format!("expected {sent} composite subresponses"),
                &resp.body,
            )
        })?;
    let mut records = Vec::new();
    let mut next = Vec::new();
    for i in 0..sent {
        let id = reference_id(i);
        let item = items
            .iter()
            .find(|it| it.get("referenceId").and_then(Value::as_str) == Some(id.as_str()))
            .ok_or_else(|| CrmError::parse(format!("no subresponse {id}"), &resp.body))?;
        let status = item
            .get("httpStatusCode")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .ok_or_else(|| CrmError::parse(format!("{id} has no httpStatusCode"), &resp.body))?;
        let body = item.get("body").cloned().unwrap_or(Value::Null).to_string();
        if !(200..300).contains(&status) {
            return Err(api_error_from_response(Crm::Salesforce, status, &body).into());
        }
        let sub = HttpResponse {
            status,
            headers: Vec::new(),
            body,
        };
        let (found, more) = query_records(&sub)?;
        records.extend(found);
        next.extend(more);
    }
    Ok((records, next))
}

/// Takes up to [`MAX_QUERIES_PER_CALL`] URLs for the next call.
pub(super) fn next_batch(queue: &[String]) -> &[String] {
    &queue[..queue.len().min(MAX_QUERIES_PER_CALL)]
}

/// Is this subrequest URL within the length we allow ourselves?
pub(super) fn fits(url: &str) -> bool {
    url.len() <= MAX_QUERY_URL_LEN
}
