//! What an answer means for an outbox entry, for single entries and bulk chunks alike: the
//! [`Step`] the worker takes next, the result shown to the rep, retries, refreshes and the
//! owner fallback.

use crm::{CrmError, HttpResponse, RecordKindExt, Retry};
use serde::{Deserialize, Serialize};

use crate::inbound::message::Push;
use crate::journal::records::{ErrorInfo, Party, SaveResult, SaveStatus};
use crate::outbox::backoff::{backoff_ms, with_retry_after, MAX_ATTEMPTS};
use crate::outbox::{MemberResult, OutboxEntry, PersonSave, Phase};
use crate::team::{CrmKind, LocalTeam, Role};

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
pub fn current_role(entry: &PersonSave) -> Role {
    match entry.phase {
        Phase::Activity => entry.activity_role.unwrap_or(entry.role),
        _ => entry.role,
    }
}

/// A link to the record in the CRM.
pub fn record_url(team: &LocalTeam, entry: &PersonSave) -> Option<String> {
    let id = entry
        .record_id
        .as_ref()
        .or(entry.spec.existing_id.as_ref())?;
    team.record_url_on(team.connection(entry.role)?, entry.spec.record, id)
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
pub(crate) fn tell_account(e: &mut PersonSave, company: &str, news: AccountNews) {
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
pub(crate) fn show_existing_owner(team: &LocalTeam, e: &mut PersonSave, owner: Option<&str>) {
    if let Some(owner) = owner.filter(|o| !o.is_empty()) {
        e.owner = Party {
            id: Some(owner.to_owned()),
            name: team.user_name(owner),
        };
    }
}

pub(crate) fn result_of(
    team: &LocalTeam,
    e: &PersonSave,
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
        missing: e.missing.clone(),
        job_update: e
            .job_update
            .as_ref()
            .filter(|_| status == SaveStatus::Updated)
            .map(crate::job_change::JobUpdate::news),
    }
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

/// What to do when `role`'s credential stopped working: reconnect, or for a HubSpot private
/// app (a pasted token, no sign-in) paste a new token.
fn reconnect_hint(team: &LocalTeam, role: Role) -> String {
    if role == Role::TeamSync && team.mode.has_server() {
        // The team's token lives on the server: only the admin can renew it, there.
        "Your admin reconnects team sync on the team server's admin page; the save is kept and will finish then.".to_owned()
    } else if team.pushes_as_private_app(role) {
        "Paste a new team sync token (private-app token or service key) in Leadline’s options, step 1; the save is kept and will finish then.".to_owned()
    } else {
        format!(
            "Reconnect {} in Options; the save is kept and will finish then.",
            connection_label(team, role)
        )
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
    let owner_refused = crate::outbox::owner_fallback::is_owner_refusal(
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
            info.hint = reconnect_hint(team, role);
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
            crate::outbox::owner_fallback::fall_back(team, &mut e, Push::Single, &code);
            (e, Step::Continue)
        }
        _ => {
            if code.starts_with("INSUFFICIENT_ACCESS") {
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

/// Why Salesforce may refuse a team sync refresh token (`invalid_grant`, which Salesforce words
/// "expired access/refresh token" whatever the cause): it keeps five approvals per user per
/// app and revokes the oldest on the sixth (Salesforce Help 000205876), so every browser that
/// connects team sync as the same user takes one, and the sixth disconnects the first. Said
/// with the fix, so the rep learns it is nobody's mistake and why it comes back. Worded for
/// wherever the engine runs: a rep's browser, or the team server pushing with its own sign-in.
fn approvals_limit_hint(team: &LocalTeam) -> String {
    let who = team
        .connection(Role::TeamSync)
        .map(|c| c.email.clone())
        .unwrap_or_default();
    format!(
        "{} Salesforce keeps at most five sign-ins per user and app: when team sync is \
         connected as {who} a sixth time (in another browser, say), the oldest of them is \
         disconnected (an admin revoking the app does the same).",
        reconnect_hint(team, Role::TeamSync)
    )
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
    let salesforce_team_sync = team.config.crm == CrmKind::Salesforce
        && role == Role::TeamSync
        && !team.pushes_as_private_app(role);
    let reason = ErrorInfo {
        code: code.to_owned(),
        message: message.to_owned(),
        hint: if salesforce_team_sync && code == "invalid_grant" {
            approvals_limit_hint(team)
        } else {
            reconnect_hint(team, role)
        },
    };
    e.waiting = Some(reason.clone());
    (e, Step::ReconnectNeeded { role, reason })
}
