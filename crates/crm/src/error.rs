//! Typed errors, split like oauth2-rs: the server said no ([`ApiError`], body kept as fields),
//! the transport failed, or the answer did not parse (raw body kept). Plus input refused
//! before any request was built ([`ValidationError`]).
//!
//! [`CrmError::retry`] tells the caller what to do next; [`ApiError::hint`] is the sentence a
//! rep or admin sees.

mod body;
pub mod credential;
mod hints;

pub use body::api_error_from_response;
pub(crate) use body::blank;
pub use credential::{refusal, sign_in_failed, Credential, Refusal};
pub use hints::Crm;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Every way a CRM call can fail.
#[derive(Debug, Clone, PartialEq, Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CrmError {
    /// The CRM answered with an error status and (usually) an error body (boxed: errors are
    /// cold, and a small `Result` keeps every caller's happy path cheap).
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request never got an answer (network down, DNS, CORS, timeout).
    #[error("could not reach the CRM: {message}")]
    Transport {
        /// What the executor reported.
        message: String,
    },
    /// The CRM answered with a success status but a body this crate cannot read.
    #[error("unexpected answer from the CRM: {message}")]
    Parse {
        /// What was wrong with it.
        message: String,
        /// The body as received, for the error inbox and bug reports.
        raw_body: String,
    },
    /// The input was refused before any request was built.
    #[error("{0}")]
    Invalid(ValidationError),
}

/// What the caller should do after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Retry {
    /// Retrying the same request will fail the same way; show the hint.
    Never,
    /// Transient (busy, rate limited, network): retry later with backoff.
    Backoff,
    /// The access token expired: refresh it, then retry once.
    RefreshToken,
}

/// An error answer from Salesforce or HubSpot, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[error("{code} ({status}): {message}")]
pub struct ApiError {
    /// HTTP status of the (sub)response.
    pub status: u16,
    /// Salesforce `errorCode`/`statusCode`, OAuth `error`, or HubSpot `category`
    /// (`subCategory` when present); `HTTP_<status>` when the body had none.
    pub code: String,
    /// The CRM's own message (or OAuth `error_description`).
    pub message: String,
    /// Fields the CRM blamed (Salesforce `fields`, HubSpot `errors[].in`).
    pub fields: Vec<String>,
    /// Ids of existing records a duplicate check matched (Salesforce `duplicateResut` /
    /// `duplicateResult` match records, HubSpot 409 "Existing ID: 123").
    pub duplicate_ids: Vec<String>,
    /// What the rep or admin should do, when known.
    pub hint: Option<String>,
}

/// Input refused before building a request.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ValidationError {
    /// A required value is missing or blank (e.g. the last name).
    #[error("{field} is required")]
    Missing {
        /// Which value.
        field: String,
    },
    /// A value that must not be cut (e-mail, URL, id) exceeds the CRM's field length.
    #[error("{field} is {len} characters long; the CRM accepts at most {max}")]
    TooLong {
        /// Which value.
        field: String,
        /// Its length in characters.
        len: usize,
        /// The CRM field's maximum.
        max: usize,
    },
    /// A value has the wrong shape (a date that is not `YYYY-MM-DD`, a login host that is not
    /// a Salesforce https host, an id with odd characters).
    #[error("{field} is not valid: {reason}")]
    Malformed {
        /// Which value.
        field: String,
        /// Why.
        reason: String,
    },
}

impl From<ApiError> for CrmError {
    fn from(e: ApiError) -> Self {
        CrmError::Api(Box::new(e))
    }
}

impl From<ValidationError> for CrmError {
    fn from(e: ValidationError) -> Self {
        CrmError::Invalid(e)
    }
}

impl CrmError {
    /// What to do next: refresh the token, back off, or give up and show the hint.
    ///
    /// 401 `INVALID_SESSION_ID` (Salesforce) and 401 `EXPIRED_AUTHENTICATION` /
    /// `INVALID_AUTHENTICATION` (HubSpot) → [`Retry::RefreshToken`]; 429, 502, 503, 504,
    /// `REQUEST_LIMIT_EXCEEDED`, `UNABLE_TO_LOCK_ROW`, HubSpot `RATE_LIMITS` and transport
    /// failures → [`Retry::Backoff`]; everything else (including OAuth `invalid_grant`, which
    /// needs a reconnect) → [`Retry::Never`].
    pub fn retry(&self) -> Retry {
        match self {
            CrmError::Transport { .. } => Retry::Backoff,
            CrmError::Parse { .. } | CrmError::Invalid(_) => Retry::Never,
            CrmError::Api(e) => e.retry(),
        }
    }

    /// The hint to show, if any.
    pub fn hint(&self) -> Option<&str> {
        match self {
            CrmError::Api(e) => e.hint.as_deref(),
            CrmError::Transport { .. } => {
                Some("Check your connection; the save will be retried automatically.")
            }
            CrmError::Parse { .. } => None,
            CrmError::Invalid(_) => Some("Fix the highlighted value and save again."),
        }
    }

    /// The duplicate record ids, when this error is a duplicate refusal.
    pub fn duplicate_ids(&self) -> &[String] {
        match self {
            CrmError::Api(e) => &e.duplicate_ids,
            _ => &[],
        }
    }

    pub(crate) fn parse(message: impl Into<String>, raw_body: &str) -> Self {
        CrmError::Parse {
            message: message.into(),
            raw_body: raw_body.to_string(),
        }
    }
}

impl ApiError {
    /// See [`CrmError::retry`].
    pub fn retry(&self) -> Retry {
        match self.code.as_str() {
            "INVALID_SESSION_ID" | "EXPIRED_AUTHENTICATION" | "INVALID_AUTHENTICATION" => {
                Retry::RefreshToken
            }
            "REQUEST_LIMIT_EXCEEDED" | "UNABLE_TO_LOCK_ROW" | "RATE_LIMITS" | "RATE_LIMIT" => {
                Retry::Backoff
            }
            _ if matches!(self.status, 429 | 502 | 503 | 504) => Retry::Backoff,
            _ => Retry::Never,
        }
    }

    /// True when the CRM refused a create because the person already exists.
    pub fn is_duplicate(&self) -> bool {
        matches!(
            self.code.as_str(),
            "DUPLICATES_DETECTED" | "DUPLICATE_VALUE" | "CONFLICT" | "OBJECT_ALREADY_EXISTS"
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn json_form_round_trips() {
        let errors = [
            CrmError::Api(Box::new(blank(
                401,
                "INVALID_SESSION_ID",
                "Session expired or invalid",
            ))),
            CrmError::Transport {
                message: "offline".into(),
            },
            CrmError::parse("bad json", "<html>"),
            CrmError::Invalid(ValidationError::Missing {
                field: "last_name".into(),
            }),
        ];
        for e in errors {
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(
                serde_json::from_str::<CrmError>(&json).unwrap(),
                e,
                "{json}"
            );
        }
        let json =
            serde_json::to_value(CrmError::Api(Box::new(blank(503, "HTTP_503", "")))).unwrap();
        assert_eq!(
            (json["kind"].as_str(), json["status"].as_u64()),
            (Some("api"), Some(503))
        );
    }

    #[test]
    fn only_duplicate_refusals_are_duplicates() {
        for code in [
            "DUPLICATES_DETECTED",
            "DUPLICATE_VALUE",
            "CONFLICT",
            "OBJECT_ALREADY_EXISTS",
        ] {
            assert!(blank(400, code, "").is_duplicate(), "{code}");
        }
        for code in [
            "INVALID_SESSION_ID",
            "REQUIRED_FIELD_MISSING",
            "VALIDATION_ERROR",
            "HTTP_503",
            "duplicates_detected",
        ] {
            assert!(!blank(409, code, "").is_duplicate(), "{code}");
        }
    }

    #[test]
    fn retry_table() {
        let rows = [
            (401, "INVALID_SESSION_ID", Retry::RefreshToken),
            (401, "EXPIRED_AUTHENTICATION", Retry::RefreshToken),
            (403, "REQUEST_LIMIT_EXCEEDED", Retry::Backoff),
            (429, "RATE_LIMITS", Retry::Backoff),
            (503, "HTTP_503", Retry::Backoff),
            (400, "invalid_grant", Retry::Never),
            (400, "DUPLICATES_DETECTED", Retry::Never),
        ];
        for (status, code, want) in rows {
            assert_eq!(
                CrmError::from(blank(status, code, "")).retry(),
                want,
                "{code}"
            );
        }
        assert_eq!(
            CrmError::Transport {
                message: String::new()
            }
            .retry(),
            Retry::Backoff
        );
    }
}
