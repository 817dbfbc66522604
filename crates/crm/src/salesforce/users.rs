//! The org's user directory for owner mapping: standard (licensed) users, active or not, so
//! the attribution core can tell "inactive" from "unknown".

use serde::{Deserialize, Serialize};

use super::{query_records, str_of, SfSession};
use crate::error::CrmError;
use crate::http::{HttpRequest, HttpResponse};
use crate::prospect::CrmUser;

/// The directory query.
pub const USERS_SOQL: &str =
    "SELECT Id, Name, Email, IsActive FROM User WHERE UserType = 'Standard' ORDER BY Name";

/// One page of users; fetch `next_records_url` with [`SfSession::next_records_request`]
/// and parse it with [`parse_users`] again until it is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    /// Users on this page.
    pub users: Vec<CrmUser>,
    /// `nextRecordsUrl` when more pages remain.
    pub next_records_url: Option<String>,
}

/// `GET query?q=SELECT Id, Name, Email, IsActive FROM User WHERE UserType = 'Standard' …`.
pub fn users_request(session: &SfSession) -> HttpRequest {
    session.query_request(USERS_SOQL)
}

/// Reads a page of users (records without an Id are skipped).
pub fn parse_users(resp: &HttpResponse) -> Result<UsersPage, CrmError> {
    let (records, next_records_url) = query_records(resp)?;
    let users = records
        .iter()
        .filter_map(|r| {
            Some(CrmUser {
                id: str_of(r, "Id")?,
                email: str_of(r, "Email"),
                name: Some(str_of(r, "Name").unwrap_or_default()),
                active: r
                    .get("IsActive")
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false),
            })
        })
        .collect();
    Ok(UsersPage {
        users,
        next_records_url,
    })
}
