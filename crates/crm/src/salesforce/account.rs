//! Account matching for Contacts by exact company name — never a guess: two or more Accounts
//! with that name are reported as ambiguous, and the caller leaves the Contact unlinked (or
//! asks the rep). `SELECT Id, Name FROM Account WHERE Name = '…' ORDER BY CreatedDate ASC LIMIT 2`.

use serde::{Deserialize, Serialize};

use super::soql::literal;
use super::{query_records, str_of, SfSession};
use crate::error::{CrmError, ValidationError};
use crate::http::{HttpRequest, HttpResponse};

/// What an Account lookup found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "match", content = "account_id", rename_all = "snake_case")]
pub enum AccountMatch {
    /// No Account has this name.
    None,
    /// Exactly one: link it.
    One(String),
    /// Several: do not pick one.
    Ambiguous,
}

/// The lookup (company names are compared exactly; Salesforce compares case-insensitively).
pub fn account_lookup_request(session: &SfSession, company: &str) -> Result<HttpRequest, CrmError> {
    let company = company.trim();
    if company.is_empty() {
        return Err(ValidationError::Missing {
            field: "company".into(),
        }
        .into());
    }
    Ok(session.query_request(&format!(
        "SELECT Id, Name FROM Account WHERE Name = {} ORDER BY CreatedDate ASC LIMIT 2",
        literal(company)
    )))
}

/// Reads the lookup.
pub fn parse_account_lookup(resp: &HttpResponse) -> Result<AccountMatch, CrmError> {
    let (records, _) = query_records(resp)?;
    Ok(match records.as_slice() {
        [] => AccountMatch::None,
        [one] => str_of(one, "Id").map_or(AccountMatch::None, AccountMatch::One),
        _ => AccountMatch::Ambiguous,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn answer(records: &str) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: vec![],
            body: format!(r#"{{"totalSize":0,"done":true,"records":{records}}}"#),
        }
    }

    #[test]
    fn one_none_or_ambiguous() {
        let s = SfSession::new("https://acme.my.salesforce.com", "t");
        let req = account_lookup_request(&s, "O'Reilly Media").unwrap();
        assert!(crate::http::percent_decode(&req.url).contains(r"Name = 'O\'Reilly Media'"));
        assert!(account_lookup_request(&s, " ").is_err());
        assert_eq!(
            parse_account_lookup(&answer("[]")).unwrap(),
            AccountMatch::None
        );
        assert_eq!(
            parse_account_lookup(&answer(r#"[{"Id":"001A"}]"#)).unwrap(),
            AccountMatch::One("001A".into())
        );
        assert_eq!(
            parse_account_lookup(&answer(r#"[{"Id":"001A"},{"Id":"001B"}]"#)).unwrap(),
            AccountMatch::Ambiguous
        );
    }
}
