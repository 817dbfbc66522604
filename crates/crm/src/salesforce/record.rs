//! Prospect → Contact/Lead/Task field maps, with Salesforce's field lengths.
//!
//! Length policy (chosen and documented): **display text is cut** to the field length
//! (FirstName 40, LastName 80, Title 128, Company 255, Description 32,000, Task Subject 255),
//! because a cut title still beats a failed save; **identifiers are refused** with
//! [`ValidationError::TooLong`] (Email 80, Phone 40, LinkedIn URL 255), because a cut e-mail
//! or URL is wrong data and breaks dedupe. A blank last name is refused (required by
//! Contact and Lead). A Lead without a company gets [`LEAD_COMPANY_PLACEHOLDER`], as
//! Salesforce's own Web-to-Lead does, since Company is required on Leads.
//! Headline and location (and, on Contacts, the company) have no standard field: they go
//! into Description lines.
//! Lengths: <https://developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-lead.html>,
//! `object-contact.html`, `object-task.html` (same guide).

use serde_json::{Map, Value};

use super::SfSession;
use crate::error::{CrmError, ValidationError};
use crate::prospect::{
    clean, cut, fits, require_person, validate_date, validate_id, ActivityKind, ActivityLog,
    RecordKind, SaveSpec,
};

/// Company written on a Lead whose company is unknown (Lead.Company is required).
pub const LEAD_COMPANY_PLACEHOLDER: &str = "[not provided]";

/// Max lengths of the fields written.
pub mod max_len {
    /// Contact/Lead FirstName.
    pub const FIRST_NAME: usize = 40;
    /// Contact/Lead LastName.
    pub const LAST_NAME: usize = 80;
    /// Email.
    pub const EMAIL: usize = 80;
    /// Title.
    pub const TITLE: usize = 128;
    /// Phone.
    pub const PHONE: usize = 40;
    /// Lead Company.
    pub const COMPANY: usize = 255;
    /// The LinkedIn URL custom field (Text 255).
    pub const LINKEDIN_URL: usize = 255;
    /// Description (long text area).
    pub const DESCRIPTION: usize = 32_000;
    /// Task Subject.
    pub const SUBJECT: usize = 255;
}

/// The Contact/Lead body for a create (`OwnerId` included when the spec has one).
pub fn record_fields(session: &SfSession, spec: &SaveSpec) -> Result<Map<String, Value>, CrmError> {
    require_person(spec.record)?;
    let p = &spec.prospect;
    let last = p.last_name.trim();
    if last.is_empty() {
        return Err(ValidationError::Missing {
            field: "last_name".into(),
        }
        .into());
    }
    let mut m = Map::new();
    let mut put = |k: &str, v: String| {
        m.insert(k.to_string(), Value::String(v));
    };
    if let Some(first) = clean(p.first_name.as_ref()) {
        put("FirstName", cut(first, max_len::FIRST_NAME));
    }
    put("LastName", cut(last, max_len::LAST_NAME));
    if let Some(email) = clean(p.email.as_ref()) {
        fits("email", email, max_len::EMAIL)?;
        put("Email", email.to_string());
    }
    if let Some(title) = clean(p.title.as_ref()) {
        put("Title", cut(title, max_len::TITLE));
    }
    if let Some(phone) = clean(p.phone.as_ref()) {
        fits("phone", phone, max_len::PHONE)?;
        put("Phone", phone.to_string());
    }
    if spec.record == RecordKind::Lead {
        let company = clean(p.company.as_ref()).unwrap_or(LEAD_COMPANY_PLACEHOLDER);
        put("Company", cut(company, max_len::COMPANY));
    }
    if let (Some(field), Some(url)) = (
        session.linkedin_field.as_deref(),
        clean(p.linkedin_url.as_ref()),
    ) {
        let url = crate::linkedin::canonical_profile_url(url).unwrap_or_else(|| url.to_string());
        fits("linkedin_url", &url, max_len::LINKEDIN_URL)?;
        put(super::soql::field_name(field)?, url);
    }
    let mut lines: Vec<String> = Vec::new();
    if let Some(d) = clean(spec.description.as_ref()) {
        lines.push(d.to_string());
    }
    let linked = spec.account_id.is_some() || spec.new_account.is_some();
    if spec.record == RecordKind::Contact && !linked {
        // Contacts have no company field (that is the Account): without a linked Account,
        // keep it visible.
        if let Some(c) = clean(p.company.as_ref()) {
            lines.push(format!("Company: {c}"));
        }
    }
    if let Some(h) = clean(p.headline.as_ref()) {
        lines.push(format!("Headline: {h}"));
    }
    if let Some(l) = clean(p.location.as_ref()) {
        lines.push(format!("Location: {l}"));
    }
    if !lines.is_empty() {
        put("Description", cut(&lines.join("\n"), max_len::DESCRIPTION));
    }
    if let Some(owner) = spec.owner_id.as_deref() {
        validate_id("owner_id", owner)?;
        put("OwnerId", owner.to_string());
    }
    if let (RecordKind::Contact, Some(id)) = (spec.record, &spec.account_id) {
        validate_id("account_id", id)?;
        put("AccountId", id.clone());
    }
    Ok(m)
}

/// The body of the Account a save creates for its Contact ([`SaveSpec::new_account`]): the
/// company name as `Name` (Account.Name is 255 long), owned like the Contact.
pub fn account_fields(name: &str, owner_id: Option<&str>) -> Result<Map<String, Value>, CrmError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ValidationError::Missing {
            field: "company".into(),
        }
        .into());
    }
    let mut m = Map::new();
    m.insert("Name".into(), Value::String(cut(name, max_len::COMPANY)));
    if let Some(owner) = owner_id {
        validate_id("owner_id", owner)?;
        m.insert("OwnerId".into(), Value::String(owner.to_string()));
    }
    Ok(m)
}

/// The Task body logging `activity` against `who` (a record id or a `@{ref.id}` reference).
pub fn task_fields(
    who: &str,
    activity: &ActivityLog,
    owner_id: Option<&str>,
) -> Result<Map<String, Value>, CrmError> {
    validate_date("activity.date", &activity.date)?;
    let (subtype, fallback) = match activity.kind {
        ActivityKind::Email => ("Email", "Email"),
        ActivityKind::Call => ("Call", "Call"),
        ActivityKind::Note => ("Task", "Note"),
    };
    let subject = match activity.subject.trim() {
        "" => fallback,
        s => s,
    };
    let mut m = Map::new();
    let mut put = |k: &str, v: &str| {
        m.insert(k.to_string(), Value::String(v.to_string()));
    };
    put("WhoId", who);
    put("Subject", &cut(subject, max_len::SUBJECT));
    put("TaskSubtype", subtype);
    put("ActivityDate", &activity.date);
    put("Status", "Completed");
    put("Priority", "Normal");
    if !activity.body.trim().is_empty() {
        put("Description", &cut(&activity.body, max_len::DESCRIPTION));
    }
    if let Some(owner) = owner_id {
        validate_id("owner_id", owner)?;
        put("OwnerId", owner);
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::prospect::Prospect;

    fn spec(kind: RecordKind, p: Prospect) -> SaveSpec {
        SaveSpec {
            record: kind,
            prospect: p,
            owner_id: None,
            existing_id: None,
            activity: None,
            description: None,
            account_id: None,
            new_account: None,
        }
    }

    /// The Account a save creates is named by the company (trimmed) and owned like the
    /// Contact; no company, no Account.
    #[test]
    fn an_account_is_named_by_the_company_and_owned_like_the_contact() {
        let m = account_fields("  Analytical Engines ", Some("005000000000003AAA")).unwrap();
        assert_eq!(
            Value::Object(m),
            serde_json::json!({"Name": "Analytical Engines", "OwnerId": "005000000000003AAA"})
        );
        let m = account_fields("Globex", None).unwrap();
        assert_eq!(Value::Object(m), serde_json::json!({"Name": "Globex"}));
        assert!(account_fields("  ", None).is_err());
        assert!(account_fields("Globex", Some("005,001")).is_err());
    }

    /// A Contact's company goes into its Description only when no Account carries it: one
    /// the save links to (`account_id`) or creates (`new_account`).
    #[test]
    fn a_contacts_company_is_described_only_without_an_account() {
        let s = SfSession::new("https://x", "t");
        let p = Prospect {
            last_name: "Lovelace".into(),
            company: Some("Analytical Engines".into()),
            ..Prospect::default()
        };
        let described = |account_id: Option<&str>, new_account: Option<&str>| {
            let mut sp = spec(RecordKind::Contact, p.clone());
            sp.account_id = account_id.map(str::to_owned);
            sp.new_account = new_account.map(str::to_owned);
            let m = record_fields(&s, &sp).unwrap();
            m.get("Description")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        assert_eq!(
            described(None, None).as_deref(),
            Some("Company: Analytical Engines")
        );
        assert_eq!(described(Some("001000000000001AAA"), None), None);
        assert_eq!(described(None, Some("Analytical Engines")), None);
    }

    #[test]
    fn cuts_text_and_refuses_identifiers() {
        let s = SfSession::new("https://x", "t");
        let long = "x".repeat(300);
        let p = Prospect {
            last_name: long.clone(),
            title: Some(long.clone()),
            ..Prospect::default()
        };
        let m = record_fields(&s, &spec(RecordKind::Lead, p)).unwrap();
        assert_eq!(m["LastName"].as_str().unwrap().len(), 80);
        assert_eq!(m["Title"].as_str().unwrap().len(), 128);
        assert_eq!(m["Company"], LEAD_COMPANY_PLACEHOLDER);
        let p = Prospect {
            last_name: "L".into(),
            email: Some(format!("{}@x.com", "a".repeat(80))),
            ..Prospect::default()
        };
        let err = record_fields(&s, &spec(RecordKind::Contact, p)).unwrap_err();
        assert!(matches!(
            err,
            CrmError::Invalid(ValidationError::TooLong { max: 80, .. })
        ));
        let p = Prospect {
            last_name: "  ".into(),
            ..Prospect::default()
        };
        assert!(matches!(
            record_fields(&s, &spec(RecordKind::Contact, p)).unwrap_err(),
            CrmError::Invalid(ValidationError::Missing { .. })
        ));
    }

    #[test]
    fn stores_the_canonical_linkedin_url() {
        let s = SfSession::new("https://x", "t");
        let with = |url: &str| Prospect {
            last_name: "L".into(),
            linkedin_url: Some(url.into()),
            ..Prospect::default()
        };
        let m = record_fields(
            &s,
            &spec(
                RecordKind::Contact,
                with("http://uk.LinkedIn.com/in/Ada-L?trk=x"),
            ),
        )
        .unwrap();
        assert_eq!(m["LinkedIn_URL__c"], "https://www.linkedin.com/in/Ada-L/");
        // Not a profile URL: kept as the rep gave it.
        let m = record_fields(
            &s,
            &spec(RecordKind::Contact, with("https://example.com/ada")),
        )
        .unwrap();
        assert_eq!(m["LinkedIn_URL__c"], "https://example.com/ada");
    }

    #[test]
    fn task_subtypes() {
        let a = ActivityLog {
            kind: ActivityKind::Note,
            subject: " ".into(),
            body: "b".into(),
            date: "2026-03-02".into(),
        };
        let m = task_fields("@{NewRecord.id}", &a, Some("005000000000001AAA")).unwrap();
        assert_eq!(
            (m["TaskSubtype"].as_str(), m["Subject"].as_str()),
            (Some("Task"), Some("Note"))
        );
        let bad = ActivityLog {
            date: "March 2".into(),
            ..a
        };
        assert!(task_fields("x", &bad, None).is_err());
    }
}
