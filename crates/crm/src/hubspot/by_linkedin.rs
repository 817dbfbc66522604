//! Contacts by LinkedIn profile URL: the dedupe key of a LinkedIn save, which has no e-mail.
//!
//! HubSpot reads by a *unique* property only (`idProperty=email`), and a LinkedIn URL property
//! is an ordinary one, so this is a CRM search: `POST …/contacts/search` with one filter
//! `{propertyName: <linkedin_property>, operator: "IN", values: [...]}`, oldest first
//! (`createdate` ascending). Each person contributes [`crate::linkedin::profile_url_keys`] (the
//! canonical URL with and without its trailing slash), the spelling contacts are created with
//! ([`super::contacts::contact_properties`]), so one search answers a whole page.
//!
//! HubSpot's search index lags writes by a few seconds (reference B2, "eventually
//! consistent"), so a contact created moments ago may not be found yet. Reads by record id do
//! not lag: a caller that created a contact minutes ago (it keeps their ids, `saves::journal::recent`)
//! reads them back with [`confirm_request`] (`batch/read` by id) when the search misses them,
//! and [`confirmed`] keeps only those still there (not archived) with the same LinkedIn URL.
//! A LinkedIn URL property could be made unique (`hasUniqueValue`) and read by `idProperty`
//! without lag, but that asks every admin to create a new property (an existing one with
//! duplicates cannot become unique), so the product does not depend on it.
//!
//! Search limits: ≤5 filter groups, ≤25 filters, page size ≤200 (reference B2); values per
//! `IN` filter are capped at [`MAX_VALUES`] here (inferred, not documented), so one search
//! carries up to [`MAX_GROUPS`] groups (OR-ed) of one `IN` filter each: 250 people. More than
//! 200 matches page on with `after` ([`Found::after`]).

use serde_json::{json, Value};

use super::contacts::{properties_job, JOB_PROPERTIES};
use super::{id_string, json_body, HsSession};
use crate::error::{CrmError, ValidationError};
use crate::http::{HttpRequest, HttpResponse};
use crate::linkedin::{profile_url_keys, url_match_key};
use crate::prospect::ExistingRecord;

/// Values in one `IN` filter.
pub const MAX_VALUES: usize = 100;
/// Filter groups in one search (HubSpot's maximum).
pub const MAX_GROUPS: usize = 5;
/// Results per search page (HubSpot's maximum).
const PAGE: usize = 200;

/// The search values for these profile URLs (lower case, as HubSpot compares string `IN`
/// values), deduplicated, at most `MAX_GROUPS · MAX_VALUES`: the URLs whose keys do not fit
/// are left for another search (`(values, how many URLs fit)`).
pub fn search_values<'a>(urls: impl IntoIterator<Item = &'a str>) -> (Vec<String>, usize) {
    let mut values: Vec<String> = Vec::new();
    let mut taken = 0;
    for url in urls {
        let keys: Vec<String> = profile_url_keys(url)
            .into_iter()
            .map(|k| k.to_lowercase())
            .filter(|k| !values.contains(k))
            .collect();
        if values.len() + keys.len() > MAX_GROUPS * MAX_VALUES {
            break;
        }
        values.extend(keys);
        taken += 1;
    }
    (values, taken)
}

/// The search request for contacts whose `property` is one of `values` (from
/// [`search_values`]), oldest first; `after` is the paging cursor of the previous page.
pub fn search_request(
    session: &HsSession,
    property: &str,
    values: &[String],
    after: Option<&str>,
) -> Result<HttpRequest, CrmError> {
    if values.is_empty() {
        return Err(ValidationError::Missing {
            field: "linkedin_url".into(),
        }
        .into());
    }
    let mut groups = Vec::new();
    for part in values.chunks(MAX_VALUES).take(MAX_GROUPS) {
        groups.push(
            json!({"filters": [{"propertyName": property, "operator": "IN", "values": part}]}),
        );
    }
    let mut body = json!({
        "filterGroups": groups,
        "sorts": [{"propertyName": "createdate", "direction": "ASCENDING"}],
        "properties": [property, "email", "hubspot_owner_id", JOB_PROPERTIES[0], JOB_PROPERTIES[1]],
        "limit": PAGE,
    });
    if let Some(after) = after {
        body["after"] = Value::String(after.to_string());
    }
    Ok(HttpRequest::json(
        "POST",
        format!("{}/search", session.objects_url(super::contacts::OBJECT)),
        &session.access_token,
        &body,
    ))
}

/// The one-person lookup: `None` when the session has no LinkedIn property or the URL is
/// blank.
pub fn lookup_request(session: &HsSession, url: &str) -> Result<Option<HttpRequest>, CrmError> {
    let Some(property) = session.linkedin_property.as_deref() else {
        return Ok(None);
    };
    if url.trim().is_empty() {
        return Ok(None);
    }
    let (values, _) = search_values([url]);
    search_request(session, property, &values, None).map(Some)
}

/// One page of a search answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Every contact found, as `(match key of its URL, record)`, oldest first (the order of
    /// the answer): [`oldest_for`] picks a person's.
    pub contacts: Vec<(String, ExistingRecord)>,
    /// The cursor of the next page, when there is one.
    pub after: Option<String>,
}

/// Reads a search answer.
pub fn parse_search(property: &str, resp: &HttpResponse) -> Result<Found, CrmError> {
    let v = json_body(resp)?;
    let results = v
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| CrmError::parse("search answer has no results", &resp.body))?;
    let contacts = results
        .iter()
        .filter_map(|r| {
            let id = id_string(r.get("id"))?;
            let properties = r.get("properties")?;
            let url = properties.get(property)?.as_str()?;
            let owner_id = properties
                .get("hubspot_owner_id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            Some((
                url_match_key(url),
                ExistingRecord {
                    id,
                    object: super::contacts::OBJECT.into(),
                    owner_id,
                    owner_name: None,
                    job: properties_job(Some(properties)),
                },
            ))
        })
        .collect();
    let after = v
        .pointer("/paging/next/after")
        .and_then(|a| id_string(Some(a)))
        .filter(|a| !a.is_empty());
    Ok(Found { contacts, after })
}

/// The oldest contact with this person's URL in a [`parse_search`] answer.
pub fn oldest_for(found: &[(String, ExistingRecord)], url: &str) -> Option<ExistingRecord> {
    let key = url_match_key(url);
    found
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, r)| r.clone())
}

/// The one-person answer of [`lookup_request`].
pub fn parse_lookup(
    property: &str,
    url: &str,
    resp: &HttpResponse,
) -> Result<Option<ExistingRecord>, CrmError> {
    Ok(oldest_for(&parse_search(property, resp)?.contacts, url))
}

/// The lag-free read of contacts by record id (`POST …/contacts/batch/read`, no
/// `idProperty`: by `hs_object_id`), with their LinkedIn URL and owner: at most
/// [`super::contacts::BATCH_LIMIT`] ids.
pub fn confirm_request(
    session: &HsSession,
    property: &str,
    ids: &[&str],
) -> Result<HttpRequest, CrmError> {
    if ids.is_empty() || ids.len() > super::contacts::BATCH_LIMIT {
        return Err(ValidationError::Missing {
            field: "record ids (1 to 100)".into(),
        }
        .into());
    }
    let inputs: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
    Ok(HttpRequest::json(
        "POST",
        format!(
            "{}/batch/read",
            session.objects_url(super::contacts::OBJECT)
        ),
        &session.access_token,
        &json!({"properties": [property, "hubspot_owner_id", JOB_PROPERTIES[0], JOB_PROPERTIES[1]], "inputs": inputs}),
    ))
}

/// Reads a [`confirm_request`] answer (200, or 207 naming the ids not found: deleted, merged
/// away or never made) into the same shape as a search page: `(match key of its URL, record)`
/// for each contact that is still there.
pub fn parse_confirm(
    property: &str,
    resp: &HttpResponse,
) -> Result<Vec<(String, ExistingRecord)>, CrmError> {
    parse_search(property, resp).map(|found| found.contacts)
}

/// This person's contact in a [`parse_confirm`] answer: the one read back with their
/// LinkedIn URL. A record deleted since it was made is absent and one whose URL changed does
/// not match, so neither is claimed. (Matched by URL, not id: should HubSpot answer an id
/// with the record it was merged into, that record still counts when it holds the URL.)
pub fn confirmed(found: &[(String, ExistingRecord)], url: &str) -> Option<ExistingRecord> {
    oldest_for(found, url)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn session() -> HsSession {
        let mut s = HsSession::new("t");
        s.linkedin_property = Some("linkedin_url".into());
        s
    }

    /// The confirming read takes 1 to 100 ids, each as an input.
    #[test]
    fn a_confirming_read_takes_one_to_a_hundred_ids() {
        let ids: Vec<String> = (0..101).map(|i| format!("{}", 600 + i)).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert!(confirm_request(&session(), "linkedin_url", &[]).is_err());
        assert!(confirm_request(&session(), "linkedin_url", &refs).is_err());
        let req = confirm_request(&session(), "linkedin_url", &refs[..100]).unwrap();
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["inputs"].as_array().unwrap().len(), 100);
        assert!(confirm_request(&session(), "linkedin_url", &refs[..1]).is_ok());
    }

    #[test]
    fn one_search_with_both_spellings_oldest_first() {
        let req = lookup_request(
            &session(),
            "https://www.linkedin.com/in/Ada-Lovelace/?trk=x",
        )
        .unwrap()
        .unwrap();
        assert!(req.url.ends_with("/crm/v3/objects/contacts/search"));
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        let filter = &body["filterGroups"][0]["filters"][0];
        assert_eq!(filter["propertyName"], "linkedin_url");
        assert_eq!(filter["operator"], "IN");
        assert_eq!(filter["values"].as_array().unwrap().len(), 2);
        assert_eq!(body["sorts"][0]["direction"], "ASCENDING");
    }

    #[test]
    fn no_property_or_no_url_means_no_search() {
        assert!(
            lookup_request(&HsSession::new("t"), "https://www.linkedin.com/in/a")
                .unwrap()
                .is_none()
        );
        assert!(lookup_request(&session(), "  ").unwrap().is_none());
        assert!(search_request(&session(), "linkedin_url", &[], None).is_err());
    }

    #[test]
    fn values_are_capped_per_search_in_groups_of_one_in_filter() {
        let urls: Vec<String> = (0..300)
            .map(|i| format!("https://www.linkedin.com/in/p{i}"))
            .collect();
        let (values, taken) = search_values(urls.iter().map(String::as_str));
        assert_eq!(taken, MAX_GROUPS * MAX_VALUES / 2);
        assert_eq!(values.len(), MAX_GROUPS * MAX_VALUES);
        let req = search_request(&session(), "linkedin_url", &values, Some("200")).unwrap();
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        let groups = body["filterGroups"].as_array().unwrap();
        assert_eq!(groups.len(), MAX_GROUPS);
        assert!(groups
            .iter()
            .all(|g| g["filters"][0]["values"].as_array().unwrap().len() == MAX_VALUES));
        assert_eq!(body["after"], "200");
    }

    #[test]
    fn the_oldest_match_of_the_persons_url_wins() {
        let resp = HttpResponse {
            status: 200,
            headers: vec![],
            body: r#"{"total":3,"paging":{"next":{"after":"3"}},"results":[
                {"id":"7","properties":{"linkedin_url":"https://www.linkedin.com/in/someone-else"}},
                {"id":"8","properties":{"linkedin_url":"https://www.linkedin.com/in/ada-lovelace/","hubspot_owner_id":"41"}},
                {"id":"9","properties":{"linkedin_url":"https://www.linkedin.com/in/ada-lovelace"}}]}"#
                .into(),
        };
        let found = parse_lookup(
            "linkedin_url",
            "https://linkedin.com/in/ADA-lovelace",
            &resp,
        )
        .unwrap()
        .unwrap();
        assert_eq!(found.id, "8");
        assert_eq!(found.owner_id.as_deref(), Some("41"));
        assert_eq!(
            parse_search("linkedin_url", &resp)
                .unwrap()
                .after
                .as_deref(),
            Some("3")
        );
        let none = HttpResponse {
            status: 200,
            headers: vec![],
            body: r#"{"total":0,"results":[]}"#.into(),
        };
        assert_eq!(
            parse_lookup("linkedin_url", "https://linkedin.com/in/x", &none).unwrap(),
            None
        );
        let refused = HttpResponse {
            status: 400,
            headers: vec![],
            body: r#"{"status":"error","message":"bad","category":"VALIDATION_ERROR"}"#.into(),
        };
        assert!(parse_lookup("linkedin_url", "https://linkedin.com/in/x", &refused).is_err());
    }

    #[test]
    fn a_recent_contact_is_read_back_by_id_and_kept_only_if_still_theirs() {
        let req = confirm_request(&session(), "linkedin_url", &["501", "502"]).unwrap();
        assert!(req.url.ends_with("/crm/v3/objects/contacts/batch/read"));
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        assert!(
            body.get("idProperty").is_none(),
            "by record id, which does not lag"
        );
        assert_eq!(body["inputs"], json!([{"id": "501"}, {"id": "502"}]));
        assert_eq!(body["properties"][0], "linkedin_url");
        assert!(confirm_request(&session(), "linkedin_url", &[]).is_err());

        // 501 is still Ada's; 502 now holds another URL; 503 was deleted (207 names it).
        let resp = HttpResponse {
            status: 207,
            headers: vec![],
            body: r#"{"status":"COMPLETE","results":[
                {"id":"501","properties":{"linkedin_url":"https://www.linkedin.com/in/ada-lovelace/","hubspot_owner_id":"41"}},
                {"id":"502","properties":{"linkedin_url":"https://www.linkedin.com/in/someone-else"}}],
                "numErrors":1,"errors":[{"status":"error","category":"OBJECT_NOT_FOUND","context":{"ids":["503"]}}]}"#
                .into(),
        };
        let found = parse_confirm("linkedin_url", &resp).unwrap();
        let ada = "https://linkedin.com/in/Ada-Lovelace";
        let hit = confirmed(&found, ada).unwrap();
        assert_eq!(
            (hit.id.as_str(), hit.owner_id.as_deref()),
            ("501", Some("41"))
        );
        let grace = "https://www.linkedin.com/in/grace";
        assert_eq!(
            confirmed(&found, grace),
            None,
            "nobody read back has her URL"
        );
        let none = HttpResponse {
            status: 207,
            headers: vec![],
            body: r#"{"results":[],"errors":[{"category":"OBJECT_NOT_FOUND","context":{"ids":["503"]}}]}"#
                .into(),
        };
        let gone = parse_confirm("linkedin_url", &none).unwrap();
        assert_eq!(confirmed(&gone, ada), None, "deleted: not claimed");
    }
}
