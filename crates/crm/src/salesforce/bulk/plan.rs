//! Pure helpers of the bulk save: dedupe query URLs within the URL limit, who counts as the
//! same person, and reading sObject Collections answers.

use serde_json::Value;

use super::dedupe::fits;
use crate::error::{api_error_from_response, blank, ApiError, Crm, CrmError};
use crate::http::{percent_encode, HttpResponse};
use crate::linkedin::{profile_url_keys, url_match_key};
use crate::prospect::{clean, Job, RecordKind, RecordKindExt, SaveOutcome, SaveSpec};
use crate::salesforce::lookup::match_condition_lists;
use crate::salesforce::{json_body, str_of, SfSession};

/// The dedupe query URLs (`/services/data/vNN.0/query?q=…`, as Composite subrequests take
/// them) for `specs[indices]`: as few as fit under [`super::MAX_QUERY_URL_LEN`] each (none
/// when no spec has an e-mail or LinkedIn URL). LinkedIn URLs are looked up in their
/// canonical form, with and without the trailing slash.
pub(super) fn dedupe_queries(
    session: &SfSession,
    specs: &[SaveSpec],
    kind: RecordKind,
    indices: &[usize],
) -> Vec<String> {
    let mut emails: Vec<String> = Vec::new();
    let mut urls: Vec<String> = Vec::new();
    for &i in indices {
        let p = &specs[i].prospect;
        if let Some(e) = clean(p.email.as_ref()) {
            emails.push(e.to_string());
        }
        if session.linkedin_field.is_some() {
            if let Some(u) = clean(p.linkedin_url.as_ref()) {
                urls.extend(profile_url_keys(u));
            }
        }
    }
    emails.sort();
    emails.dedup();
    urls.sort();
    urls.dedup();
    let mut out = Vec::new();
    let (mut e, mut u) = (&emails[..], &urls[..]);
    while !e.is_empty() || !u.is_empty() {
        // Grow this query one key at a time while its URL fits, the e-mails first, then the
        // URLs: at most one query carries both conditions, whose words would otherwise be
        // paid in every query. A query always takes at least one key, so the loop ends.
        let (mut ne, mut nu) = (0, 0);
        loop {
            let (te, tu) = if ne < e.len() {
                (ne + 1, nu)
            } else if nu < u.len() {
                (ne, nu + 1)
            } else {
                break;
            };
            let Some(url) = query_for(session, kind, &e[..te], &u[..tu]) else {
                break;
            };
            if !fits(&url) && ne + nu > 0 {
                break;
            }
            (ne, nu) = (te, tu);
        }
        if ne + nu == 0 {
            break;
        }
        if let Some(url) = query_for(session, kind, &e[..ne], &u[..nu]) {
            out.push(url);
        }
        (e, u) = (&e[ne..], &u[nu..]);
    }
    out
}

fn query_for(
    session: &SfSession,
    kind: RecordKind,
    emails: &[String],
    urls: &[String],
) -> Option<String> {
    let field = session.linkedin_field.as_deref();
    let condition = match_condition_lists(field, emails, urls).ok()??;
    let li = field.map(|f| format!(", {f}")).unwrap_or_default();
    // The job fields tell a job change on a page's badge (`SaveOutcome::crm_job`).
    let (extra, company) = if kind == RecordKind::Lead {
        (" AND IsConverted = false", "Company")
    } else {
        ("", "Account.Name")
    };
    let soql = format!(
        "SELECT Id, Email{li}, OwnerId, Owner.Name, Title, {company} FROM {} WHERE ({condition}){extra} ORDER BY CreatedDate ASC",
        kind.sobject()
    );
    Some(format!(
        "{}/query?q={}",
        session.data_path(),
        percent_encode(&soql)
    ))
}

/// Same e-mail (case-insensitive) or same LinkedIn profile (any spelling of its URL).
pub(super) fn same_person(a: &SaveSpec, b: &SaveSpec) -> bool {
    let email = |v: Option<&String>| clean(v).map(str::to_lowercase);
    let url = |v: Option<&String>| clean(v).map(url_match_key);
    let (ea, eb) = (
        email(a.prospect.email.as_ref()),
        email(b.prospect.email.as_ref()),
    );
    let (ua, ub) = (
        url(a.prospect.linkedin_url.as_ref()),
        url(b.prospect.linkedin_url.as_ref()),
    );
    (ea.is_some() && ea == eb) || (ua.is_some() && ua == ub)
}

/// Does query record `r` match the spec's e-mail or LinkedIn URL?
pub(super) fn record_matches(session: &SfSession, r: &Value, spec: &SaveSpec) -> bool {
    let email = str_of(r, "Email").map(|e| e.trim().to_lowercase());
    let url = session
        .linkedin_field
        .as_deref()
        .and_then(|f| str_of(r, f))
        .map(|u| url_match_key(&u));
    let p = &spec.prospect;
    let email_hit = email.is_some() && clean(p.email.as_ref()).map(str::to_lowercase) == email;
    let url_hit = url.is_some() && clean(p.linkedin_url.as_ref()).map(url_match_key) == url;
    email_hit || url_hit
}

/// Reads a Collections answer: one `{id, success, errors:[{statusCode, message, fields}]}` per
/// record, in input order.
#[allow(clippy::result_large_err)] // The per-record Err is data in a Vec, not a return path.
pub fn save_results(
    resp: &HttpResponse,
    expected: usize,
) -> Result<Vec<Result<String, ApiError>>, CrmError> {
    let v = json_body(resp)?;
    let items = v
        .as_array()
        .filter(|a| a.len() == expected)
        .ok_or_else(|| CrmError::parse(format!("expected {expected} save results"), &resp.body))?;
    Ok(items
        .iter()
        .map(|item| {
            if item.get("success").and_then(Value::as_bool) == Some(true) {
                str_of(item, "id").ok_or_else(|| blank(200, "NO_ID", "saved without an id"))
            } else {
                let errors = item.get("errors").cloned().unwrap_or(Value::Null);
                Err(api_error_from_response(
                    Crm::Salesforce,
                    400,
                    &errors.to_string(),
                ))
            }
        })
        .collect())
}

/// The outcome of a spec linked to an existing record (`crm_job`: the record's job, when the
/// lookup read it).
pub(super) fn linked(
    spec: &SaveSpec,
    id: String,
    owner_id: Option<String>,
    crm_job: Option<Job>,
) -> SaveOutcome {
    SaveOutcome {
        record_id: id,
        object: spec.record.sobject().to_string(),
        created: false,
        activity_id: None,
        owner_id,
        crm_job,
    }
}

/// The job a dedupe query record carries: `Title` and the Contact's `Account.Name` or the
/// Lead's `Company` ([`query_for`] selects them).
pub(super) fn record_job(r: &Value) -> Option<Job> {
    let company = r
        .get("Account")
        .and_then(|a| a.get("Name"))
        .or_else(|| r.get("Company"))
        .and_then(Value::as_str);
    Job::from_parts(r.get("Title").and_then(Value::as_str), company)
}

/// A validation failure as a per-record error.
pub(super) fn invalid(e: &CrmError) -> ApiError {
    let mut err = blank(0, "INVALID_INPUT", &e.to_string());
    err.hint = e.hint().map(str::to_string);
    err
}
