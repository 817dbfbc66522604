//! Dedupe lookup: is this person already a Contact/Lead? One `GET query`, by e-mail and/or
//! LinkedIn URL (the field named by [`SfSession::linkedin_field`], default
//! `LinkedIn_URL__c`; the URL is matched in its canonical spelling, with and without the
//! trailing slash: [`crate::linkedin::profile_url_keys`], the same keys a bulk save uses).
//!
//! Query shape (literals escaped by [`super::soql`]):
//! `SELECT Id, OwnerId, Owner.Name FROM Contact WHERE Email = '…' OR LinkedIn_URL__c IN ('…', '…')
//! ORDER BY CreatedDate ASC LIMIT 10` (Leads add `IsConverted = false`). The oldest match wins.

use serde_json::Value;

use super::soql::{field_name, in_list, literal};
use super::{query_records, str_of, SfSession};
use crate::error::CrmError;
use crate::http::{HttpRequest, HttpResponse};
use crate::linkedin::profile_url_keys;
use crate::prospect::{require_person, ExistingRecord, RecordKind, RecordKindExt};

/// The lookup request, or `None` when there is nothing to look up by.
pub fn lookup_request(
    session: &SfSession,
    kind: RecordKind,
    email: Option<&str>,
    linkedin_url: Option<&str>,
) -> Result<Option<HttpRequest>, CrmError> {
    let Some(condition) = match_condition(session, email, linkedin_url)? else {
        return Ok(None);
    };
    require_person(kind)?;
    let extra = if kind == RecordKind::Lead {
        " AND IsConverted = false"
    } else {
        ""
    };
    let soql = format!(
        "SELECT Id, OwnerId, Owner.Name FROM {} WHERE ({condition}){extra} ORDER BY CreatedDate ASC LIMIT 10",
        kind.sobject()
    );
    Ok(Some(session.query_request(&soql)))
}

/// `Email = '…' OR <linkedin field> IN (…)`, or `None` with no usable key.
pub(crate) fn match_condition(
    session: &SfSession,
    email: Option<&str>,
    linkedin_url: Option<&str>,
) -> Result<Option<String>, CrmError> {
    let emails: Vec<String> = email
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .into_iter()
        .collect();
    let urls: Vec<String> = linkedin_url
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(profile_url_keys)
        .unwrap_or_default();
    match_condition_lists(session.linkedin_field.as_deref(), &emails, &urls)
}

/// `Email IN (…) OR <field> IN (…)` over lists (single values use `=`); `None` when both
/// lists are empty (or only URLs are given and no LinkedIn field is configured).
pub(crate) fn match_condition_lists(
    linkedin_field: Option<&str>,
    emails: &[String],
    urls: &[String],
) -> Result<Option<String>, CrmError> {
    let mut parts = Vec::new();
    match emails {
        [] => {}
        [one] => parts.push(format!("Email = {}", literal(one))),
        many => parts.push(format!(
            "Email IN {}",
            in_list(many.iter().map(String::as_str))
        )),
    }
    if let (Some(field), false) = (linkedin_field, urls.is_empty()) {
        parts.push(format!(
            "{} IN {}",
            field_name(field)?,
            in_list(urls.iter().map(String::as_str))
        ));
    }
    Ok((!parts.is_empty()).then(|| parts.join(" OR ")))
}

/// The oldest matching record, or `None`.
pub fn parse_lookup(
    kind: RecordKind,
    resp: &HttpResponse,
) -> Result<Option<ExistingRecord>, CrmError> {
    let (records, _) = query_records(resp)?;
    Ok(records.first().and_then(|r| existing_from(kind, r)))
}

pub(crate) fn existing_from(kind: RecordKind, r: &Value) -> Option<ExistingRecord> {
    Some(ExistingRecord {
        id: str_of(r, "Id")?,
        object: kind.sobject().to_string(),
        owner_id: str_of(r, "OwnerId"),
        owner_name: r.get("Owner").and_then(|o| str_of(o, "Name")),
        job: None,
    })
}
