//! Companies: find by exact domain (never a guess: several matches are ambiguous) and
//! associate a contact with one (`PUT /crm/v4/objects/contact/{id}/associations/default/company/{id}`,
//! default association = HUBSPOT_DEFINED contact→company 279 at create time).
//! Search is eventually consistent (new companies can take seconds to appear).

use serde_json::{json, Value};

use super::{id_string, json_body, HsSession};
use crate::error::{CrmError, ValidationError};
use crate::http::{HttpRequest, HttpResponse};
use crate::prospect::validate_id;
use crate::salesforce::account::AccountMatch;

/// `POST …/companies/search` for `domain EQ <domain>`, at most 2 results.
pub fn company_by_domain_request(
    session: &HsSession,
    domain: &str,
) -> Result<HttpRequest, CrmError> {
    let domain = domain
        .trim()
        .trim_start_matches("www.")
        .to_ascii_lowercase();
    if domain.is_empty() || !domain.contains('.') {
        return Err(ValidationError::Malformed {
            field: "domain".into(),
            reason: "expected a domain like example.com".into(),
        }
        .into());
    }
    let body = json!({
        "filterGroups": [{ "filters": [{ "propertyName": "domain", "operator": "EQ", "value": domain }] }],
        "properties": ["domain", "name"],
        "limit": 2
    });
    Ok(HttpRequest::json(
        "POST",
        format!("{}/search", session.objects_url("companies")),
        &session.access_token,
        &body,
    ))
}

/// None / One(company id) / Ambiguous.
pub fn parse_company_search(resp: &HttpResponse) -> Result<AccountMatch, CrmError> {
    let v = json_body(resp)?;
    let results = v
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| CrmError::parse("search answer has no results", &resp.body))?;
    Ok(match results.as_slice() {
        [] => AccountMatch::None,
        [one] => id_string(one.get("id")).map_or(AccountMatch::None, AccountMatch::One),
        _ => AccountMatch::Ambiguous,
    })
}

/// Default (unlabelled) association of a contact with a company.
pub fn associate_company_request(
    session: &HsSession,
    contact_id: &str,
    company_id: &str,
) -> Result<HttpRequest, CrmError> {
    validate_id("contact_id", contact_id)?;
    validate_id("company_id", company_id)?;
    let mut req = HttpRequest::get(
        session.url(&format!(
            "crm/v4/objects/contact/{contact_id}/associations/default/company/{company_id}"
        )),
        &session.access_token,
    );
    req.method = "PUT".into();
    Ok(req)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn search_and_associate() {
        let s = HsSession::new("t");
        let req = company_by_domain_request(&s, "www.Example.com").unwrap();
        assert_eq!(
            req.url,
            "https://api.hubapi.com/crm/v3/objects/companies/search"
        );
        assert!(req.body.unwrap().contains(r#""value":"example.com""#));
        assert!(company_by_domain_request(&s, "nodot").is_err());
        let two = HttpResponse {
            status: 200,
            headers: vec![],
            body: r#"{"total":2,"results":[{"id":"1"},{"id":"2"}]}"#.into(),
        };
        assert_eq!(parse_company_search(&two).unwrap(), AccountMatch::Ambiguous);
        let answer = |body: &str| HttpResponse {
            status: 200,
            headers: vec![],
            body: body.into(),
        };
        assert_eq!(
            parse_company_search(&answer(r#"{"total":0,"results":[]}"#)).unwrap(),
            AccountMatch::None
        );
        assert_eq!(
            parse_company_search(&answer(r#"{"total":1,"results":[{"id":"9001"}]}"#)).unwrap(),
            AccountMatch::One("9001".into())
        );
        let req = associate_company_request(&s, "512", "9001").unwrap();
        assert_eq!(
            (req.method.as_str(), req.url.as_str()),
            ("PUT", "https://api.hubapi.com/crm/v4/objects/contact/512/associations/default/company/9001")
        );
        assert!(associate_company_request(&s, "5/../1", "9").is_err());
    }
}
