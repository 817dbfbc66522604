//! Running one outbox entry: `next_request` hands out the exact HTTP request for its current
//! phase, `on_response` reads the answer and says what to do next ([`Step`]).
//!
//! Idempotency: `next_request` marks the entry `in_flight` (the worker persists that before
//! `fetch`). If the worker dies before the answer is read, the outcome is unknown; so is a
//! network error. Either way the next attempt starts with a dedupe lookup, and a person that
//! reached the CRM is linked, not created again.

use crm::salesforce::account::AccountMatch;
use crm::salesforce::SfSession;
use crm::{CrmError, HttpRequest, HttpResponse, Retry};
use serde::{Deserialize, Serialize};

use crate::backoff::{backoff_ms, with_retry_after, MAX_ATTEMPTS};
use crate::bulk::{next_chunk_request, on_chunk_response, MemberResult};
use crate::message::Role;
use crate::plan::{lookup_key, OutboxEntry, Phase};
use crate::records::{ErrorInfo, Party, SaveResult, SaveStatus};
use crate::team::{CrmKind, LocalTeam};
use crate::wire::{self, Answer};

/// A connection's stored tokens, exactly as the worker keeps them under
/// [`Role::token_key`] (never shown to the UI, never logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    /// Bearer token.
    pub access_token: String,
    /// Refresh token, when granted.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// The org's API host.
    #[serde(default)]
    pub instance_url: String,
    /// Salesforce identity URL.
    #[serde(default)]
    pub id: String,
}

/// How long HubSpot's search may take to show a new contact (documented only as "a few
/// seconds"; reference B2): a create with an unknown outcome is looked up again after this.
pub const SEARCH_LAG_MS: u64 = 15_000;

/// What the worker does after a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// Finished: remove the entry from the outbox and record the result.
    Done {
        /// Created or linked (or failed for good, with `error`).
        result: SaveResult,
    },
    /// Moved to the next phase: call `next_request` again now.
    Continue,
    /// The person already exists (lookup or duplicate rule): linked; call `next_request`
    /// again to log the activity.
    Link {
        /// The existing record.
        existing_id: String,
    },
    /// Transient failure: try again after `after_ms` (chrome.alarms).
    Retry {
        /// Delay in milliseconds.
        after_ms: u64,
        /// Why, for the popup.
        reason: ErrorInfo,
    },
    /// The access token expired: refresh this role's token, then call `next_request` again.
    RefreshToken {
        /// Whose token.
        role: Role,
    },
    /// The token cannot be refreshed: mark the connection "reconnect needed"; the entry
    /// stays in the outbox until the rep reconnects.
    ReconnectNeeded {
        /// Which connection.
        role: Role,
        /// What to tell the rep (once).
        reason: ErrorInfo,
    },
    /// Refused for good: remove the entry, record the result and log the error.
    Failed {
        /// The result, with its error.
        result: SaveResult,
    },
    /// A bulk chunk is finished: remove the entry and record one result per person
    /// (created, linked or failed with the CRM's code, message and hint).
    Settled {
        /// One per person of the chunk, in message order.
        results: Vec<MemberResult>,
    },
}

/// The connection the entry's current phase uses.
pub fn current_role(entry: &OutboxEntry) -> Role {
    match entry.phase {
        Phase::Activity => entry.activity_role.unwrap_or(entry.role),
        _ => entry.role,
    }
}

/// A link to the record in the CRM.
pub fn record_url(team: &LocalTeam, entry: &OutboxEntry) -> Option<String> {
    let id = entry
        .record_id
        .as_ref()
        .or(entry.spec.existing_id.as_ref())?;
    let conn = team.connection(entry.role)?;
    match team.config.crm {
        CrmKind::Salesforce if !conn.instance_url.is_empty() => Some(format!(
            "{}/lightning/r/{}/{id}/view",
            conn.instance_url.trim_end_matches('/'),
            entry.spec.record.sobject()
        )),
        _ => None,
    }
}

/// A REST session for these tokens with the team's API version.
pub fn session(team: &LocalTeam, tokens: &Tokens) -> SfSession {
    let mut s = SfSession::new(tokens.instance_url.clone(), tokens.access_token.clone());
    s.api_version = team.config.api_version.clone();
    s
}

pub(crate) fn internal(message: String) -> ErrorInfo {
    ErrorInfo {
        code: "invalid_request".into(),
        message,
        hint:
            "Check the prospect's details; if they look right, export the error log for your admin."
                .into(),
    }
}

/// The request for the entry's current phase; the returned entry is marked in flight and
/// must be persisted before the request is sent.
pub fn next_request(
    team: &LocalTeam,
    entry: &OutboxEntry,
    tokens: &Tokens,
) -> Result<(OutboxEntry, HttpRequest), ErrorInfo> {
    if entry.chunk.is_some() {
        return next_chunk_request(team, entry, tokens);
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
    if entry.chunk.is_some() {
        return on_chunk_response(team, entry, resp, now_ms, random);
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
        Answer::Lookup(None) => {
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
            e.account_id = account_id.or(e.account_id);
            e.record_id = Some(record_id);
            e.created = e.created || created;
            e.activity_id = activity_id.or(e.activity_id);
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
fn needs_account(team: &LocalTeam, e: &OutboxEntry) -> bool {
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
fn account_found(e: &mut OutboxEntry, found: AccountMatch) {
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

/// What a save did about a Contact's Account (single saves and bulk chunks alike).
pub(crate) enum AccountNews<'a> {
    /// Linked to the one Account of the company's name.
    Linked,
    /// Created it.
    Created,
    /// Several of that name: not linked.
    Ambiguous,
    /// The CRM refused to create it: not linked.
    NotCreated(&'a crm::ApiError),
}

/// Says `news` in the entry's reasons (and warnings, when the Contact stays unlinked).
pub(crate) fn tell_account(e: &mut OutboxEntry, company: &str, news: AccountNews) {
    let (warning, reason) = match news {
        AccountNews::Linked => (None, format!("Linked to the Account \"{company}\" (the only one with that name).")),
        AccountNews::Created => (None, format!("Created the Account \"{company}\" (the CRM had none with that name).")),
        AccountNews::Ambiguous => (Some("account_ambiguous"), format!("Not linked to an Account: several are named \"{company}\", and Leadline does not guess. Link the right one in the CRM.")),
        AccountNews::NotCreated(err) => (Some("account_not_created"), format!("Not linked to an Account: the CRM refused to create \"{company}\" ({}: {}).", err.code, err.message)),
    };
    e.warnings.extend(warning.map(str::to_owned));
    e.reasons.push(reason);
}

/// Waits `SEARCH_LAG_MS` before looking the entry's people up once more (HubSpot's search
/// may not show a contact created moments ago), with the reason the popup shows.
pub(crate) fn check_again(mut e: OutboxEntry, now_ms: u64) -> (OutboxEntry, Step) {
    e.next_at_ms = now_ms.saturating_add(SEARCH_LAG_MS);
    let reason = ErrorInfo {
        code: "checking_again".into(),
        message: "Leadline could not tell whether HubSpot created this person; it looks again in a few seconds, before creating them.".into(),
        hint: "Nothing to do: this avoids a duplicate contact.".into(),
    };
    e.waiting = Some(reason.clone());
    (
        e,
        Step::Retry {
            after_ms: SEARCH_LAG_MS,
            reason,
        },
    )
}

/// A person found in the CRM is shown with the record's own owner (what the page's badge
/// said), not the owner a new record would have had. The entry's `spec.owner_id` (the owner
/// of a Task it logs) is unchanged.
pub(crate) fn show_existing_owner(team: &LocalTeam, e: &mut OutboxEntry, owner: Option<&str>) {
    if let Some(owner) = owner.filter(|o| !o.is_empty()) {
        e.owner = crate::records::Party {
            id: Some(owner.to_owned()),
            name: team.user_name(owner),
        };
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

pub(crate) fn result_of(
    team: &LocalTeam,
    e: &OutboxEntry,
    status: SaveStatus,
    error: Option<ErrorInfo>,
) -> SaveResult {
    SaveResult {
        status,
        object: e.spec.record.sobject().to_owned(),
        record_id: e.record_id.clone(),
        record_url: record_url(team, e),
        name: e.prospect.name.clone(),
        owner: e.owner.clone(),
        // A record this save only linked to was created by someone else, earlier.
        created_by: if status == SaveStatus::Linked {
            Party::default()
        } else {
            e.created_by.clone()
        },
        reasons: e.reasons.clone(),
        warnings: e.warnings.clone(),
        error,
        activity_id: e.activity_id.clone(),
        account_id: e.account_id.clone(),
    }
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

fn connection_label(team: &LocalTeam, role: Role) -> String {
    let who = team
        .connection(role)
        .map(|c| c.email.clone())
        .unwrap_or_default();
    match role {
        Role::TeamSync => format!("the team sync connection ({who})"),
        Role::Personal => format!("your connection ({who})"),
    }
}

pub(crate) fn on_error(
    team: &LocalTeam,
    mut e: OutboxEntry,
    err: &CrmError,
    resp: &HttpResponse,
    now_ms: u64,
    random: u32,
) -> (OutboxEntry, Step) {
    let role = current_role(&e);
    let fields: &[String] = match err {
        CrmError::Api(api) => &api.fields,
        _ => &[],
    };
    let owner_refused = crate::owner_fallback::is_owner_refusal(
        match err {
            CrmError::Api(api) => &api.code,
            _ => "",
        },
        fields,
    );
    let (code, message) = match err {
        CrmError::Api(api) => (api.code.clone(), api.message.clone()),
        CrmError::Transport { .. } => ("network_error".to_owned(), err.to_string()),
        CrmError::Parse { .. } => ("unexpected_answer".to_owned(), err.to_string()),
        CrmError::Invalid(_) => ("invalid_request".to_owned(), err.to_string()),
    };
    let hint = err
        .hint()
        .map(str::to_owned)
        .unwrap_or_else(|| "Export the error log and send it to your admin.".into());
    let mut info = ErrorInfo {
        code: code.clone(),
        message,
        hint,
    };
    match err.retry() {
        Retry::RefreshToken if !e.refreshed => {
            e.refreshed = true;
            (e, Step::RefreshToken { role })
        }
        Retry::RefreshToken => {
            info.hint = format!(
                "Reconnect {} in Options; the save is kept and will finish then.",
                connection_label(team, role)
            );
            e.waiting = Some(info.clone());
            (e, Step::ReconnectNeeded { role, reason: info })
        }
        Retry::Backoff if e.attempts + 1 < MAX_ATTEMPTS => {
            let after_ms =
                with_retry_after(backoff_ms(e.attempts, random), resp.header("Retry-After"));
            e.attempts += 1;
            e.refreshed = false;
            e.next_at_ms = now_ms.saturating_add(after_ms);
            e.waiting = Some(info.clone());
            (
                e,
                Step::Retry {
                    after_ms,
                    reason: info,
                },
            )
        }
        _ if owner_refused && e.spec.owner_id.as_deref() != e.created_by.id.as_deref() => {
            // Rules 4 and 6: the refused owner counts as inactive; the next owner by the rules
            // (the rep's own CRM user, else the pushing user).
            crate::owner_fallback::fall_back(team, &mut e, crate::Push::Single, &code);
            (e, Step::Continue)
        }
        _ => {
            if code == "INSUFFICIENT_ACCESS" || code.starts_with("INSUFFICIENT_ACCESS") {
                info.hint = format!(
                    "{} may not create {} records: ask your admin for access, or for another team sync user.",
                    capitalise(&connection_label(team, role)),
                    e.spec.record.sobject()
                );
            }
            let result = result_of(team, &e, SaveStatus::Failed, Some(info));
            (e, Step::Failed { result })
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Called when refreshing `role`'s token failed for good (`invalid_grant`): the entry waits.
pub fn on_refresh_failed(
    team: &LocalTeam,
    entry: &OutboxEntry,
    role: Role,
    code: &str,
    message: &str,
) -> (OutboxEntry, Step) {
    let mut e = entry.clone();
    e.in_flight = entry.in_flight;
    let reason = ErrorInfo {
        code: code.to_owned(),
        message: message.to_owned(),
        hint: format!(
            "Reconnect {} in Options; the save is kept and will finish then.",
            connection_label(team, role)
        ),
    };
    e.waiting = Some(reason.clone());
    (e, Step::ReconnectNeeded { role, reason })
}
