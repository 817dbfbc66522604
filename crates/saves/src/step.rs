//! Running one outbox entry: `next_request` hands out the exact HTTP request for its current
//! phase, `on_response` reads the answer and says what to do next ([`Step`]).
//!
//! Idempotency: `next_request` marks the entry `in_flight` (the worker persists that before
//! `fetch`). If the worker dies before the answer is read, the outcome is unknown; so is a
//! network error. Either way the next attempt starts with a dedupe lookup, and a person that
//! reached the CRM is linked, not created again.

use crm::salesforce::account::AccountMatch;
use crm::{CrmError, HttpRequest, HttpResponse};

use crate::bulk::{next_chunk_request, on_chunk_response};
use crate::journal::records::{ErrorInfo, SaveStatus};
use crate::outbox::outcome::{
    check_again, internal, on_error, result_of, show_existing_owner, tell_account, AccountNews,
};
pub use crate::outbox::outcome::{
    current_role, on_refresh_failed, record_url, Step, SEARCH_LAG_MS,
};
use crate::outbox::{lookup_key, OutboxEntry, PersonSave, Phase};
use crate::single::wire::{self, Answer};
pub use crate::team::session::{session, Tokens};
use crate::team::{CrmKind, LocalTeam};

/// The request for the entry's current phase; the returned entry is marked in flight and
/// must be persisted before the request is sent.
pub fn next_request(
    team: &LocalTeam,
    entry: &OutboxEntry,
    tokens: &Tokens,
) -> Result<(OutboxEntry, HttpRequest), ErrorInfo> {
    if entry.chunk().is_some() {
        return next_chunk_request(team, entry, tokens);
    }
    if entry.job_update.is_some() {
        return crate::single::job_update::next_request(team, entry, tokens);
    }
    let mut entry = entry.clone();
    let unknown_outcome = entry.in_flight && entry.phase == Phase::Save;
    if unknown_outcome && lookup_key(&entry.prospect.person).is_some() {
        entry.phase = Phase::Lookup;
        // HubSpot finds a person without an e-mail by a search, which lags new contacts:
        // a "not found" now may be the contact this very create made. Look twice.
        entry.recheck = team.config.crm == CrmKind::Hubspot
            && entry
                .prospect
                .person
                .email
                .as_deref()
                .is_none_or(|e| e.trim().is_empty());
    }
    if entry.phase == Phase::Save && needs_account(team, &entry) {
        entry.phase = Phase::Account;
    }
    let mut request = wire::build(team, &entry, tokens).map_err(|e| internal(e.to_string()))?;
    if request.is_none() && entry.phase == Phase::Lookup {
        // Nothing this CRM can look the person up by: create (a duplicate rule still links).
        entry.phase = Phase::Save;
        request = wire::build(team, &entry, tokens).map_err(|e| internal(e.to_string()))?;
    }
    let request = request.ok_or_else(|| internal("nothing to send for this entry".into()))?;
    entry.in_flight = true;
    Ok((entry, request))
}

/// Reads the answer to the entry's last request (a bulk chunk's answers go to
/// [`crate::bulk`]). A transport failure is passed as status 0
/// with the executor's message as body. `now_ms` and `random` drive the back-off.
pub fn on_response(
    team: &LocalTeam,
    entry: &OutboxEntry,
    resp: &HttpResponse,
    now_ms: u64,
    random: u32,
) -> (OutboxEntry, Step) {
    if entry.chunk().is_some() {
        return on_chunk_response(team, entry, resp, now_ms, random);
    }
    if entry.job_update.is_some() {
        return crate::single::job_update::on_response(team, entry, resp, now_ms, random);
    }
    let mut e = entry.clone();
    e.in_flight = false;
    if resp.status == 0 {
        let err = CrmError::Transport {
            message: resp.body.chars().take(300).collect(),
        };
        // A create may or may not have reached the CRM: the next attempt looks it up first.
        e.in_flight = e.phase == Phase::Save;
        return on_error(team, e, &err, resp, now_ms, random);
    }
    match wire::read(team, &e, resp) {
        Answer::Account(found) => {
            account_found(&mut e, found);
            e.phase = Phase::Save;
            (e, Step::Continue)
        }
        Answer::AccountDuplicate(id) => {
            // Another save (or a rep) created the company's Account meanwhile: link to it.
            e.spec.account_id = Some(id);
            e.spec.new_account = None;
            e.reasons
                .push("Linked to the company's Account, which the CRM already had.".into());
            (e, Step::Continue)
        }
        Answer::Lookup(Some((id, owner))) => {
            show_existing_owner(team, &mut e, owner.as_deref());
            link(team, e, id)
        }
        Answer::Lookup(None) if e.recheck => {
            // The first look after an unknown outcome (HubSpot search): again once the index
            // has caught up, then create.
            e.recheck = false;
            check_again(e, now_ms)
        }
        Answer::Lookup(None) if e.recent_id.is_some() && !e.reading_recent => {
            // HubSpot's search lags: this browser created the person minutes ago, so read
            // that contact back by id (no lag) before creating anyone.
            e.reading_recent = true;
            (e, Step::Continue)
        }
        Answer::Lookup(None) => {
            // Not found (a contact read back by id was deleted or changed since): create.
            e.recent_id = None;
            e.reading_recent = false;
            e.phase = Phase::Save;
            (e, Step::Continue)
        }
        Answer::Saved {
            record_id,
            created,
            activity_logged,
            activity_id,
            account_id,
        } => {
            if let (Some(_), Some(name)) = (&account_id, e.spec.new_account.clone()) {
                tell_account(&mut e, &name, AccountNews::Created);
            }
            e.account_id = account_id.or(e.account_id.take());
            e.record_id = Some(record_id);
            e.created = e.created || created;
            e.activity_id = activity_id.or(e.activity_id.take());
            if e.spec.activity.is_some() && !activity_logged {
                e.phase = Phase::Activity;
                return (e, Step::Continue);
            }
            done(team, e)
        }
        Answer::Duplicate(id) => {
            e.warnings.push("linked_by_duplicate_rule".into());
            link(team, e, id)
        }
        Answer::ActivityLogged(id) => {
            e.activity_id = Some(id);
            done(team, e)
        }
        Answer::Error(err) => on_error(team, e, &err, resp, now_ms, random),
    }
}

/// Does this entry still need its Account lookup before the create? (Salesforce, a new
/// Contact, Account matching on, a company, not looked up yet.)
fn needs_account(team: &LocalTeam, e: &PersonSave) -> bool {
    team.config.crm == CrmKind::Salesforce
        && team.settings.match_account
        && e.spec.record == crm::RecordKind::Contact
        && e.spec.existing_id.is_none()
        && e.spec.account_id.is_none()
        && e.spec.new_account.is_none()
        && !e.account_checked
        && e.prospect
            .person
            .company
            .as_deref()
            .is_some_and(|c| !c.trim().is_empty())
}

/// Reads the Account lookup into the entry: link one, create one, or (several of that name)
/// leave the Contact unlinked, and say which in the reasons.
fn account_found(e: &mut PersonSave, found: AccountMatch) {
    e.account_checked = true;
    let company = e.prospect.person.company.clone().unwrap_or_default();
    match found {
        AccountMatch::One(id) => {
            e.spec.account_id = Some(id);
            tell_account(e, &company, AccountNews::Linked);
        }
        AccountMatch::None => {
            // The reason is given once the create succeeded (see `on_response`).
            e.spec.new_account = Some(company);
        }
        AccountMatch::Ambiguous => tell_account(e, &company, AccountNews::Ambiguous),
    }
}

/// The person exists: finish, or log the activity against the existing record.
fn link(team: &LocalTeam, mut e: OutboxEntry, existing_id: String) -> (OutboxEntry, Step) {
    e.record_id = Some(existing_id.clone());
    e.spec.existing_id = Some(existing_id.clone());
    if e.spec.activity.is_none() {
        return done(team, e);
    }
    e.phase = Phase::Activity;
    (e, Step::Link { existing_id })
}

fn done(team: &LocalTeam, e: OutboxEntry) -> (OutboxEntry, Step) {
    let status = if e.created {
        SaveStatus::Created
    } else {
        SaveStatus::Linked
    };
    let result = result_of(team, &e, status, None);
    (e, Step::Done { result })
}
