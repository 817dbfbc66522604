//! The Account step of a bulk save: Contacts whose spec names a company
//! ([`SaveSpec::new_account`]) are linked to the one Account of that exact name, or to a new
//! one the step creates, never to a guess.
//!
//! On the wire: the Account lookups ride in the chunk's dedupe Composite call as more query
//! subrequests (`SELECT Id, Name FROM Account WHERE Name IN (…)`: no extra call), and the
//! Accounts still missing are created by ONE sObject Collections call before the Contacts,
//! which then carry their `AccountId`. Names compare as Salesforce compares them (trimmed,
//! case-insensitive, cut to the 255 characters of `Account.Name`). Several Accounts of one
//! name: the Contact stays unlinked ([`AccountLink::Ambiguous`]). An Account the CRM refuses
//! to create: the Contact is created unlinked ([`AccountLink::NotCreated`]), unless a
//! duplicate rule names the existing Account (then it is linked).

use serde_json::{json, Value};

use super::dedupe::fits;
use super::plan::save_results;
use crate::error::{ApiError, CrmError};
use crate::http::{percent_encode, HttpRequest, HttpResponse};
use crate::prospect::{clean, cut, RecordKind, SaveSpec};
use crate::salesforce::record::{account_fields, max_len};
use crate::salesforce::soql::in_list;
use crate::salesforce::{str_of, SfSession};

/// What became of a Contact's Account in a bulk save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountLink {
    /// The one existing Account of that name.
    Linked(String),
    /// Created by this save.
    Created(String),
    /// Several Accounts share the name: not linked.
    Ambiguous,
    /// The CRM refused to create it: not linked.
    NotCreated(ApiError),
}

/// The company name an Account is looked up and created by, and its comparison key.
pub(super) fn account_name(spec: &SaveSpec) -> Option<(String, String)> {
    if spec.record != RecordKind::Contact || spec.account_id.is_some() {
        return None;
    }
    let name = cut(clean(spec.new_account.as_ref())?, max_len::COMPANY);
    let key = name.to_lowercase();
    Some((name, key))
}

/// The distinct companies of `specs[indices]` (by comparison key, in first-seen order): name,
/// key, and the first spec naming it.
pub(super) fn companies(specs: &[SaveSpec], indices: &[usize]) -> Vec<(String, String, usize)> {
    let mut out: Vec<(String, String, usize)> = Vec::new();
    for &i in indices {
        if let Some((name, key)) = account_name(&specs[i]) {
            if !out.iter().any(|(_, k, _)| *k == key) {
                out.push((name, key, i));
            }
        }
    }
    out
}

/// The lookup query URLs for `names`, as few as fit under the subrequest URL cap.
pub(super) fn account_queries(session: &SfSession, names: &[String]) -> Vec<String> {
    let url = |names: &[String]| {
        let soql = format!(
            "SELECT Id, Name FROM Account WHERE Name IN {} ORDER BY CreatedDate ASC",
            in_list(names.iter().map(String::as_str))
        );
        format!("{}/query?q={}", session.data_path(), percent_encode(&soql))
    };
    let mut out = Vec::new();
    let mut rest = names;
    while !rest.is_empty() {
        let mut n = 1;
        while n < rest.len() && fits(&url(&rest[..=n])) {
            n += 1;
        }
        out.push(url(&rest[..n]));
        rest = &rest[n..];
    }
    out
}

/// Is this query record an Account?
pub(super) fn is_account(record: &Value) -> bool {
    record.pointer("/attributes/type").and_then(Value::as_str) == Some("Account")
}

/// The Accounts of one chunk: found by the lookup (name key, id), then resolved (name key,
/// link). Plain lists: a chunk has at most 200 names, and a map type costs kilobytes in the
/// Wasm module that loads at every wake.
#[derive(Debug, Clone, Default)]
pub(super) struct AccountBook {
    found: Vec<(String, String)>,
    made: Vec<(String, AccountLink)>,
}

impl AccountBook {
    /// Notes a looked-up Account record.
    pub(super) fn found(&mut self, record: &Value) {
        if let (Some(id), Some(name)) = (str_of(record, "Id"), str_of(record, "Name")) {
            let entry = (name.trim().to_lowercase(), id);
            if !self.found.contains(&entry) {
                self.found.push(entry);
            }
        }
    }

    /// The link for a name key, once looked up (and created where needed); `None` = missing.
    pub(super) fn link(&self, key: &str) -> Option<AccountLink> {
        if let Some((_, made)) = self.made.iter().find(|(k, _)| k == key) {
            return Some(made.clone());
        }
        let mut ids = self
            .found
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, id)| id);
        match (ids.next(), ids.next()) {
            (Some(one), None) => Some(AccountLink::Linked(one.clone())),
            (Some(_), Some(_)) => Some(AccountLink::Ambiguous),
            _ => None,
        }
    }

    /// Reads the create call's answer for `names` (in request order).
    pub(super) fn on_created(
        &mut self,
        names: &[String],
        resp: &HttpResponse,
    ) -> Result<(), CrmError> {
        for (name, r) in names.iter().zip(save_results(resp, names.len())?) {
            let link = match r {
                Ok(id) => AccountLink::Created(id),
                Err(e) => match e.duplicate_ids.first() {
                    Some(id) => AccountLink::Linked(id.clone()),
                    None => AccountLink::NotCreated(e),
                },
            };
            self.made.push((name.to_lowercase(), link));
        }
        Ok(())
    }
}

/// `POST composite/sobjects` creating `names` as Accounts (`allOrNone: false`), each owned
/// by `owners[i]` (the first Contact's owner), or `None` when none builds.
pub(super) fn create_accounts_request(
    session: &SfSession,
    names: &[String],
    owners: &[Option<String>],
) -> Result<HttpRequest, CrmError> {
    let mut records = Vec::new();
    for (name, owner) in names.iter().zip(owners) {
        let mut m = account_fields(name, owner.as_deref())?;
        m.insert("attributes".into(), json!({ "type": "Account" }));
        records.push(Value::Object(m));
    }
    Ok(HttpRequest::json(
        "POST",
        session.data_url("composite/sobjects"),
        &session.access_token,
        &json!({ "allOrNone": false, "records": records }),
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::http::percent_decode;

    fn session() -> SfSession {
        SfSession::new("https://acme.my.salesforce.com", "t")
    }

    #[test]
    fn many_long_names_are_split_into_queries_that_fit_and_each_name_is_asked_once() {
        let names: Vec<String> = (0..200)
            .map(|i| format!("{i:03} {}", "Ünïcode & Co ".repeat(19)))
            .collect();
        let urls = account_queries(&session(), &names);
        assert!(
            urls.len() > 1 && urls.iter().all(|u| fits(u)),
            "{}",
            urls.len()
        );
        let soql: String = urls.iter().map(|u| percent_decode(u)).collect();
        for name in &names {
            assert_eq!(soql.matches(&format!("'{name}'")).count(), 1, "{name}");
        }
        assert_eq!(account_queries(&session(), &[]), Vec::<String>::new());
    }

    #[test]
    fn one_found_links_several_are_ambiguous_created_and_duplicates_link_refusals_do_not() {
        let mut book = AccountBook::default();
        let record = |id: &str, name: &str| json!({"attributes": {"type": "Account"}, "Id": id, "Name": name});
        book.found(&record("001A", "Acme"));
        book.found(&record("001T", "Twin"));
        book.found(&record("001U", "TWIN "));
        book.found(&record("001A", "Acme")); // the same record twice (a page repeated)
        assert!(is_account(&record("001A", "Acme")) && !is_account(&json!({"Id": "003X"})));
        assert_eq!(book.link("acme"), Some(AccountLink::Linked("001A".into())));
        assert_eq!(book.link("twin"), Some(AccountLink::Ambiguous));
        assert_eq!(book.link("new co"), None);

        let dup = json!({"duplicateResut": {"matchResults": [{"matchRecords": [{"record": {"Id": "001D"}}]}]},
            "statusCode": "DUPLICATES_DETECTED", "message": "Use one of these records?", "fields": []});
        let body = json!([
            {"id": "001N", "success": true, "errors": []},
            {"success": false, "errors": [dup]},
            {"success": false, "errors": [{"statusCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "message": "Accounts need a region", "fields": []}]},
        ]);
        let resp = HttpResponse {
            status: 200,
            headers: vec![],
            body: body.to_string(),
        };
        let names = [
            "New Co".to_string(),
            "Dup Co".to_string(),
            "Rule Co".to_string(),
        ];
        book.on_created(&names, &resp).unwrap();
        assert_eq!(
            book.link("new co"),
            Some(AccountLink::Created("001N".into()))
        );
        assert_eq!(
            book.link("dup co"),
            Some(AccountLink::Linked("001D".into()))
        );
        match book.link("rule co") {
            Some(AccountLink::NotCreated(e)) => {
                assert_eq!(e.code, "FIELD_CUSTOM_VALIDATION_EXCEPTION")
            }
            other => panic!("{other:?}"),
        }
        assert!(
            book.on_created(&names[..1], &resp).is_err(),
            "a count mismatch is a parse error"
        );
    }

    #[test]
    fn only_new_contacts_naming_a_company_are_matched() {
        let mut spec = SaveSpec {
            record: RecordKind::Contact,
            prospect: crate::Prospect {
                last_name: "X".into(),
                ..crate::Prospect::default()
            },
            owner_id: None,
            existing_id: None,
            activity: None,
            description: None,
            account_id: None,
            new_account: Some("  Acme Corp ".into()),
        };
        assert_eq!(
            account_name(&spec),
            Some(("Acme Corp".into(), "acme corp".into()))
        );
        spec.account_id = Some("001A".into());
        assert_eq!(account_name(&spec), None, "already given an Account");
        spec.account_id = None;
        spec.record = RecordKind::Lead;
        assert_eq!(account_name(&spec), None, "Leads carry the company as text");
        spec.record = RecordKind::Contact;
        spec.new_account = Some("  ".into());
        assert_eq!(account_name(&spec), None);
    }
}
