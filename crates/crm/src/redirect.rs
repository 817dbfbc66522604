//! Reading the OAuth redirect that `chrome.identity.launchWebAuthFlow` resolves with
//! (`https://<id>.chromiumapp.org/?code=…&state=…` or `?error=access_denied&…`), for both CRMs.

use crate::error::{api_error_from_response, Crm, CrmError, ValidationError};
use crate::http::parse_query;

/// The authorization `code`, after checking `state` against the one sent (CSRF). A denial
/// becomes [`CrmError::Api`] with the OAuth `error` as code (e.g. `access_denied`).
pub fn parse_redirect(
    crm: Crm,
    redirect_url: &str,
    expected_state: &str,
) -> Result<String, CrmError> {
    let query = redirect_url
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or_default())
        .unwrap_or_default();
    let params = parse_query(query);
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("state") != Some(expected_state) {
        return Err(ValidationError::Malformed {
            field: "state".into(),
            reason: "the redirect's state does not match the one sent".into(),
        }
        .into());
    }
    if let Some(error) = get("error") {
        let body = serde_json::json!({
            "error": error,
            "error_description": get("error_description").unwrap_or_default(),
        });
        return Err(api_error_from_response(crm, 400, &body.to_string()).into());
    }
    match get("code").filter(|c| !c.is_empty()) {
        Some(code) => Ok(code.to_string()),
        None => Err(ValidationError::Missing {
            field: "code".into(),
        }
        .into()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn code_state_and_denial() {
        let base = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/";
        let ok = format!("{base}?code=aPrx%2Bz&state=s1");
        assert_eq!(
            parse_redirect(Crm::Salesforce, &ok, "s1").unwrap(),
            "aPrx+z"
        );
        assert!(matches!(
            parse_redirect(Crm::Salesforce, &ok, "other"),
            Err(CrmError::Invalid(_))
        ));
        let denied = format!(
            "{base}?error=access_denied&error_description=end-user+denied+authorization&state=s1"
        );
        let err = parse_redirect(Crm::Hubspot, &denied, "s1").unwrap_err();
        let CrmError::Api(e) = err else {
            panic!("api error expected")
        };
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("access_denied", "end-user denied authorization")
        );
        assert!(e.hint.unwrap().contains("Allow"));
        assert!(parse_redirect(Crm::Salesforce, &format!("{base}?state=s1"), "s1").is_err());
    }
}
