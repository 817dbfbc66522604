//! The CRM-specific half of a step: which request each phase sends, and what its answer
//! means, for Salesforce and HubSpot. [`crate::step`] drives the phases for both.
//!
//! Salesforce: Lookup = one SOQL query (email / LinkedIn URL); Save = one Composite call that
//! creates the person and, when the same connection logs it, the Task; Activity = one Task
//! create. HubSpot: Lookup = read by email, or search by LinkedIn URL for a person without one
//! ([`crm::hubspot::by_linkedin`]), then, when the search misses a person this browser created
//! minutes ago ([`crate::journal::recent`]: the search lags), a read of that contact by id; Save =
//! create the contact (409 names the existing one); Activity = the engagement (HubSpot cannot
//! create both in one call).

use crm::hubspot::{by_linkedin, contacts, engagements, HsSession};
use crm::salesforce::account::{account_lookup_request, parse_account_lookup, AccountMatch};
use crm::salesforce::lookup::{lookup_request, parse_lookup};
use crm::salesforce::save::{
    create_task_request, created_account_id, parse_create_response, parse_save_response,
    save_request, ACCOUNT_DUPLICATE,
};
use crm::{CrmError, HttpRequest, HttpResponse, SaveSpec};

use crate::outbox::{PersonSave, Phase};
use crate::team::session::{hs_session, session, Tokens, HS_LINKEDIN_PROPERTY};
use crate::team::{CrmKind, LocalTeam};

/// What an answer means, whatever the CRM.
pub(crate) enum Answer {
    /// A lookup: the existing record's id and owner, if any.
    Lookup(Option<(String, Option<String>)>),
    /// The person was saved (and maybe the activity with it).
    Saved {
        /// The person's record id.
        record_id: String,
        /// False when the CRM linked an existing record.
        created: bool,
        /// True when the same call logged the activity.
        activity_logged: bool,
        /// The Task the same call created, when it logged the activity.
        activity_id: Option<String>,
        /// The Account the same call created for the person's company.
        account_id: Option<String>,
    },
    /// A duplicate rule / 409 named the existing record.
    Duplicate(String),
    /// What the Account lookup by company name found.
    Account(AccountMatch),
    /// The save's Account create was refused by a duplicate rule naming this Account.
    AccountDuplicate(String),
    /// The activity was logged: the Task's / engagement's id.
    ActivityLogged(String),
    /// Anything else.
    Error(CrmError),
}

/// The spec sent in the Save phase: without the activity when another connection logs it
/// (and always without it on HubSpot, which logs it in its own call).
pub(crate) fn person_spec(team: &LocalTeam, entry: &PersonSave) -> SaveSpec {
    let mut spec = entry.spec.clone();
    if entry.activity_role.is_some() || team.config.crm == CrmKind::Hubspot {
        spec.activity = None;
    }
    spec
}

/// The request of the entry's phase; `None` when the phase has nothing to send (no dedupe key
/// for this CRM, or no activity).
pub(crate) fn build(
    team: &LocalTeam,
    entry: &PersonSave,
    tokens: &Tokens,
) -> Result<Option<HttpRequest>, CrmError> {
    let person = &entry.prospect.person;
    let owner = entry
        .activity_owner
        .as_deref()
        .or(entry.spec.owner_id.as_deref());
    match team.config.crm {
        CrmKind::Salesforce => {
            let s = session(team, tokens);
            match entry.phase {
                Phase::Lookup => lookup_request(
                    &s,
                    entry.spec.record,
                    person.email.as_deref(),
                    person.linkedin_url.as_deref(),
                ),
                Phase::Account => entry
                    .prospect
                    .person
                    .company
                    .as_deref()
                    .map(|c| account_lookup_request(&s, c))
                    .transpose(),
                Phase::Save => save_request(&s, &person_spec(team, entry)),
                Phase::Activity => match (&entry.record_id, &entry.spec.activity) {
                    (Some(id), Some(activity)) => {
                        create_task_request(&s, id, activity, owner).map(Some)
                    }
                    _ => Ok(None),
                },
            }
        }
        CrmKind::Hubspot => {
            let s = hs_session(tokens);
            match entry.phase {
                Phase::Lookup => match (&entry.recent_id, entry.reading_recent) {
                    (Some(id), true) => {
                        by_linkedin::confirm_request(&s, HS_LINKEDIN_PROPERTY, &[id]).map(Some)
                    }
                    _ => hs_lookup(&s, person),
                },
                Phase::Account => Ok(None),
                Phase::Save => {
                    contacts::create_contact_request(&s, &person_spec(team, entry)).map(Some)
                }
                Phase::Activity => match (&entry.record_id, &entry.spec.activity) {
                    (Some(id), Some(activity)) => engagements::engagement_request(
                        &s,
                        id,
                        activity,
                        owner,
                        entry.spec.description.as_deref(),
                    )
                    .map(Some),
                    _ => Ok(None),
                },
            }
        }
    }
}

/// Reads the answer to the entry's phase.
pub(crate) fn read(team: &LocalTeam, entry: &PersonSave, resp: &HttpResponse) -> Answer {
    let saved = |r: Result<(String, bool, Option<String>), CrmError>| match r {
        Ok((record_id, created, activity_id)) => Answer::Saved {
            record_id,
            created,
            activity_logged: activity_id.is_some(),
            activity_id,
            account_id: None,
        },
        Err(CrmError::Api(e)) if e.code == ACCOUNT_DUPLICATE && !e.duplicate_ids.is_empty() => {
            Answer::AccountDuplicate(e.duplicate_ids[0].clone())
        }
        Err(e) => match e.duplicate_ids().first() {
            Some(id) => Answer::Duplicate(id.clone()),
            None => Answer::Error(e),
        },
    };
    match (team.config.crm, entry.phase) {
        (CrmKind::Salesforce, Phase::Lookup) => match parse_lookup(entry.spec.record, resp) {
            Ok(found) => Answer::Lookup(found.map(|r| (r.id, r.owner_id))),
            Err(e) => Answer::Error(e),
        },
        (CrmKind::Hubspot, Phase::Lookup) if entry.reading_recent => match read_back(entry, resp) {
            Ok(found) => Answer::Lookup(found.map(|r| (r.id, r.owner_id))),
            Err(e) => Answer::Error(e),
        },
        (CrmKind::Hubspot, Phase::Lookup) => match hs_read_lookup(&entry.prospect.person, resp) {
            Ok(found) => Answer::Lookup(found.map(|r| (r.id, r.owner_id))),
            Err(e) => Answer::Error(e),
        },
        (CrmKind::Salesforce, Phase::Account) => match parse_account_lookup(resp) {
            Ok(found) => Answer::Account(found),
            Err(e) => Answer::Error(e),
        },
        (CrmKind::Salesforce, Phase::Save) => {
            let spec = person_spec(team, entry);
            let mut answer = saved(parse_save_response(&spec, resp).map(|o| {
                let logged = spec.activity.is_some();
                (o.record_id, o.created, o.activity_id.filter(|_| logged))
            }));
            if let Answer::Saved { account_id, .. } = &mut answer {
                *account_id = created_account_id(resp);
            }
            answer
        }
        (CrmKind::Hubspot, Phase::Account) => Answer::Account(AccountMatch::None),
        (CrmKind::Hubspot, Phase::Save) => {
            saved(contacts::parse_create_contact(resp).map(|id| (id, true, None)))
        }
        (CrmKind::Salesforce, Phase::Activity) => match parse_create_response(resp) {
            Ok(id) => Answer::ActivityLogged(id),
            Err(e) => Answer::Error(e),
        },
        (CrmKind::Hubspot, Phase::Activity) => match engagements::parse_engagement(resp) {
            Ok(id) => Answer::ActivityLogged(id),
            Err(e) => Answer::Error(e),
        },
    }
}

/// HubSpot's lookup of one person: by e-mail (a strongly consistent read), else by LinkedIn
/// URL (a search); `None` with neither.
fn hs_lookup(s: &HsSession, person: &crm::Prospect) -> Result<Option<HttpRequest>, CrmError> {
    match (person.email.as_deref(), person.linkedin_url.as_deref()) {
        (Some(e), _) if !e.trim().is_empty() => contacts::contact_by_email_request(s, e).map(Some),
        (_, Some(url)) => by_linkedin::lookup_request(s, url),
        _ => Ok(None),
    }
}

/// Reads the answer to [`hs_lookup`] for `person`: a read by e-mail, or a search (only their
/// URL was searched, so the oldest result is theirs).
fn hs_read_lookup(
    person: &crm::Prospect,
    resp: &HttpResponse,
) -> Result<Option<crm::ExistingRecord>, CrmError> {
    if person
        .email
        .as_deref()
        .is_some_and(|e| !e.trim().is_empty())
    {
        return contacts::parse_contact_lookup(resp);
    }
    let found = by_linkedin::parse_search(HS_LINKEDIN_PROPERTY, resp)?;
    Ok(found.contacts.into_iter().next().map(|(_, r)| r))
}

/// Reads the read-back of the contact this browser created for the person recently: still
/// there with the person's LinkedIn URL, or `None`.
fn read_back(
    entry: &PersonSave,
    resp: &HttpResponse,
) -> Result<Option<crm::ExistingRecord>, CrmError> {
    let found = by_linkedin::parse_confirm(HS_LINKEDIN_PROPERTY, resp)?;
    let url = entry
        .prospect
        .person
        .linkedin_url
        .as_deref()
        .unwrap_or_default();
    Ok(by_linkedin::confirmed(&found, url))
}

/// The page-load dedupe request for a person, with the connection's tokens (`None` when this
/// CRM cannot look them up: no e-mail and no LinkedIn URL).
pub(crate) fn lookup_for(
    team: &LocalTeam,
    tokens: &Tokens,
    person: &crm::Prospect,
) -> Option<HttpRequest> {
    match team.config.crm {
        CrmKind::Salesforce => lookup_request(
            &session(team, tokens),
            team.settings.record_kind,
            person.email.as_deref(),
            person.linkedin_url.as_deref(),
        )
        .ok()
        .flatten(),
        CrmKind::Hubspot => hs_lookup(&hs_session(tokens), person).ok().flatten(),
    }
}

/// Reads a page-load dedupe answer.
pub(crate) fn read_lookup(
    team: &LocalTeam,
    resp: &HttpResponse,
) -> Result<Option<crm::ExistingRecord>, CrmError> {
    match team.config.crm {
        CrmKind::Salesforce => parse_lookup(team.settings.record_kind, resp),
        // Without the person: a search answer has `results`, a read by e-mail does not.
        CrmKind::Hubspot if resp.is_success() && resp.body.contains("\"results\"") => {
            let found = by_linkedin::parse_search(HS_LINKEDIN_PROPERTY, resp)?;
            Ok(found.contacts.into_iter().next().map(|(_, r)| r))
        }
        CrmKind::Hubspot => contacts::parse_contact_lookup(resp),
    }
}

/// The owners directory request (HubSpot), page `after`.
pub(crate) fn owners_request(tokens: &Tokens, after: Option<&str>) -> HttpRequest {
    crm::hubspot::owners::owners_request(&hs_session(tokens), false, after)
}
