//! "Update in CRM" on a job change: one outbox entry (source `job_change`, team sync by the
//! spec's rule 1) that writes the page's title and company onto the existing record and keeps the old
//! values on it, run phase by phase like a save ([`crate::step`] hands such entries here).
//!
//! - **Lookup**: is the change already recorded? Salesforce: the Task "Job change: was …" on
//!   the record; HubSpot: the contact's job as it stands (a read by id). A second click, or a
//!   retry whose answer was lost, then sends nothing twice.
//! - **Account** (Salesforce Contacts, Account matching on, a new company): the Account of
//!   that exact name. One: the Contact moves to it. None or several: the Contact keeps its
//!   Account and the result says so (never a guess, never a new Account).
//! - **Save**: Salesforce: one `allOrNone` Composite call, the PATCH and the Task together;
//!   HubSpot: the contact's PATCH.
//! - **Activity** (HubSpot): the note with the old values, associated to the contact. A note
//!   whose answer was lost is looked for among the contact's notes (by this save's id in its
//!   body) before it is sent again.
//!
//! The record's owner is never sent: an update does not reassign it.

use crm::hubspot::{engagements, job_update as hs};
use crm::salesforce::account::{account_lookup_request, parse_account_lookup, AccountMatch};
use crm::salesforce::job_update::{self as sf, JobPatch};
use crm::{CrmError, HttpRequest, HttpResponse, RecordKind};

use crate::inbound::prospect::Prospect;
use crate::job_change::{companies_differ, job_change, same_job, JobUpdate};
use crate::journal::records::{ErrorInfo, SaveStatus};
use crate::outbox::outcome::{internal, on_error, result_of, Step};
use crate::outbox::{KnownRecords, OutboxEntry, Phase};
use crate::team::session::{hs_session, session, Tokens};
use crate::team::{CrmKind, LocalTeam};

/// The update a click asks for, from the record the page's lookup found (the worker's cache):
/// refused when the record was not read here, or already says the page's job.
pub fn job_update_for(
    known: &KnownRecords,
    key: Option<&String>,
    person: &Prospect,
) -> Result<(JobUpdate, Option<String>), ErrorInfo> {
    let record = key.and_then(|k| known.get(k)).cloned().flatten();
    let Some(record) = record else {
        return Err(ErrorInfo {
            code: "job_change_unchecked".into(),
            message: "Leadline has not read this person's CRM record on this page.".into(),
            hint: "Reload the profile, then click Update in CRM again.".into(),
        });
    };
    let Some(change) = job_change(&person.person, record.job.as_ref()) else {
        return Err(ErrorInfo {
            code: "job_already_current".into(),
            message: "The CRM record already has this job.".into(),
            hint: "Nothing to update; reload the profile to see the record as it is.".into(),
        });
    };
    let update = JobUpdate {
        record_id: record.id,
        was: change.crm,
        now: change.page,
        date: String::new(),
        account_id: None,
        account_note: None,
        sent: false,
        note_sent: false,
        note_check: Vec::new(),
    };
    Ok((update, record.owner_id))
}

/// `YYYY-MM-DD` (UTC) of a time in ms since the epoch.
pub fn date_of(ms: u64) -> String {
    // Days since 1970-01-01 to a civil date (the proleptic Gregorian calendar, by 400-year eras).
    let days = ms / 86_400_000 + 719_468;
    let era = days / 146_097;
    let doe = days % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Dates the job updates among planned entries (the Task's or note's day).
pub fn date_entries(entries: &mut [OutboxEntry], now_ms: u64) {
    for u in entries.iter_mut().filter_map(|e| e.job_update.as_mut()) {
        u.date = date_of(now_ms);
    }
}

/// Does this update first look up the Account of the new company? (Salesforce Contact,
/// Account matching on, a company that is not the record's.)
fn needs_account(team: &LocalTeam, e: &OutboxEntry, u: &JobUpdate) -> bool {
    team.config.crm == CrmKind::Salesforce
        && e.spec.record == RecordKind::Contact
        && team.settings.match_account
        && u.account_id.is_none()
        && u.account_note.is_none()
        && moves_company(u)
}

/// Why a Salesforce Contact update would write nothing, if it would: the page names no title,
/// and the Contact keeps its Account (matching off, or no single Account of the new name).
pub(crate) fn nothing_to_write(
    team: &LocalTeam,
    record: RecordKind,
    u: &JobUpdate,
) -> Option<ErrorInfo> {
    let kept = u.account_note.is_some() || !team.settings.match_account;
    let nothing = team.config.crm == CrmKind::Salesforce
        && record == RecordKind::Contact
        && u.now.title.is_none()
        && u.account_id.is_none()
        && kept;
    nothing.then(|| ErrorInfo {
        code: "job_update_nothing".into(),
        message: match &u.account_note {
            Some(note) => format!("The page shows no title, and {}", lower_first(note)),
            None => "The page shows no title, and Account matching is off, so the Contact keeps its Account.".into(),
        },
        hint: if team.mode.has_server() {
            "Change the Contact's Account in Salesforce itself, or ask your admin to turn on Account matching in the team server's push settings."
        } else {
            "Change the Contact's Account in Salesforce itself, or turn on Account matching in Options."
        }
        .into(),
    })
}

/// "No Account…" → "no Account…", to go on a sentence.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// True when the page names a company the record does not have.
fn moves_company(u: &JobUpdate) -> bool {
    match (&u.now.company, &u.was.company) {
        (Some(now), Some(was)) => companies_differ(now, was),
        (Some(_), None) => true,
        _ => false,
    }
}

/// The request of a job update entry's phase.
pub(crate) fn next_request(
    team: &LocalTeam,
    entry: &OutboxEntry,
    tokens: &Tokens,
) -> Result<(OutboxEntry, HttpRequest), ErrorInfo> {
    let mut e = entry.clone();
    let Some(mut u) = e.job_update.clone() else {
        return Err(internal("not a job update".into()));
    };
    if e.in_flight && e.phase != Phase::Lookup {
        // The last answer was lost: it may have landed. Look before writing again.
        e.phase = Phase::Lookup;
    }
    if e.phase == Phase::Account && !needs_account(team, &e, &u) {
        e.phase = Phase::Save;
    }
    let contact_moves = team.config.crm == CrmKind::Salesforce
        && e.spec.record == RecordKind::Contact
        && moves_company(&u);
    if e.phase == Phase::Save && contact_moves && u.account_id.is_none() && u.account_note.is_none()
    {
        let turn_on = if team.mode.has_server() {
            "your admin can turn it on in the team server's push settings"
        } else {
            "turn it on in Options"
        };
        u.account_note = Some(format!(
            "Account matching is off, so {}; {turn_on} to move Contacts to their new company's Account.",
            kept_account(&u)
        ));
    }
    let note = u.note(&e.save_id);
    let request = match (team.config.crm, e.phase) {
        (CrmKind::Salesforce, Phase::Lookup) => {
            sf::note_check_request(&session(team, tokens), &u.record_id, &note.subject)
        }
        (CrmKind::Salesforce, Phase::Account) => {
            let company = u.now.company.clone().unwrap_or_default();
            account_lookup_request(&session(team, tokens), &company)
        }
        (CrmKind::Salesforce, _) => {
            if let Some(nothing) = nothing_to_write(team, e.spec.record, &u) {
                return Err(nothing);
            }
            u.sent = true;
            let patch = JobPatch {
                record: e.spec.record,
                record_id: &u.record_id,
                title: u.now.title.as_deref(),
                company: u.now.company.as_deref(),
                account_id: u.account_id.as_deref(),
            };
            sf::update_request(&session(team, tokens), &patch, &note)
        }
        (CrmKind::Hubspot, Phase::Lookup) if !u.note_check.is_empty() => {
            hs::notes_read_request(&hs_session(tokens), &u.note_check)
        }
        (CrmKind::Hubspot, Phase::Lookup) => {
            hs::contact_job_request(&hs_session(tokens), &u.record_id, u.note_sent)
        }
        (CrmKind::Hubspot, Phase::Activity) => {
            u.note_sent = true;
            engagements::engagement_request(&hs_session(tokens), &u.record_id, &note, None, None)
        }
        (CrmKind::Hubspot, _) => {
            u.sent = true;
            hs::update_request(&hs_session(tokens), &u.record_id, &u.now)
        }
    }
    .map_err(|err| internal(err.to_string()))?;
    e.job_update = Some(u);
    e.in_flight = true;
    Ok((e, request))
}

/// Reads the answer to a job update entry's request.
pub(crate) fn on_response(
    team: &LocalTeam,
    entry: &OutboxEntry,
    resp: &HttpResponse,
    now_ms: u64,
    random: u32,
) -> (OutboxEntry, Step) {
    let mut e = entry.clone();
    e.in_flight = false;
    let Some(mut u) = e.job_update.clone() else {
        let result = result_of(
            team,
            &e,
            SaveStatus::Failed,
            Some(internal("not a job update".into())),
        );
        return (e, Step::Failed { result });
    };
    if resp.status == 0 {
        let err = CrmError::Transport {
            message: resp.body.chars().take(300).collect(),
        };
        // A write may or may not have landed: the next attempt looks first.
        e.in_flight = e.phase != Phase::Lookup;
        return on_error(team, e, &err, resp, now_ms, random);
    }
    let crm = team.config.crm;
    let read: Result<Option<Step>, CrmError> = match (crm, e.phase) {
        (CrmKind::Salesforce, Phase::Lookup) => sf::parse_note_check(resp).map(|task| match task {
            Some(id) => {
                // Recorded already (this entry's lost answer, or an earlier click).
                e.activity_id = Some(id);
                Some(finish(team, &e, &u))
            }
            None => {
                e.phase = Phase::Account;
                None
            }
        }),
        (CrmKind::Salesforce, Phase::Account) => parse_account_lookup(resp).map(|found| {
            account_found(&mut u, found);
            e.phase = Phase::Save;
            nothing_to_write(team, e.spec.record, &u).map(|nothing| Step::Failed {
                result: result_of(team, &e, SaveStatus::Failed, Some(nothing)),
            })
        }),
        (CrmKind::Salesforce, _) => sf::parse_update_response(resp).map(|task| {
            e.activity_id = Some(task);
            Some(finish(team, &e, &u))
        }),
        (CrmKind::Hubspot, Phase::Lookup) if !u.note_check.is_empty() => {
            hs::parse_note_with(resp, &JobUpdate::marker(&e.save_id)).map(|found| {
                u.note_check.clear();
                match found {
                    // The note whose answer was lost is there: nothing to send again.
                    Some(id) => {
                        e.activity_id = Some(id);
                        Some(finish(team, &e, &u))
                    }
                    None => {
                        e.phase = Phase::Activity;
                        None
                    }
                }
            })
        }
        (CrmKind::Hubspot, Phase::Lookup) if u.note_sent => hs::parse_note_ids(resp).map(|ids| {
            // A note was sent and its answer lost: read the contact's notes for this save's.
            if ids.is_empty() {
                e.phase = Phase::Activity;
            } else {
                u.note_check = ids;
            }
            None
        }),
        (CrmKind::Hubspot, Phase::Lookup) => hs::parse_contact_job(resp).map(|now| {
            let already = same_job(&u.now, now.as_ref());
            e.phase = match (already, u.sent) {
                (true, false) => return Some(finish(team, &e, &u)),
                // This entry's PATCH landed and its answer was lost: the note is still due.
                (true, true) => Phase::Activity,
                (false, _) => Phase::Save,
            };
            None
        }),
        (CrmKind::Hubspot, Phase::Activity) => engagements::parse_engagement(resp).map(|id| {
            e.activity_id = Some(id);
            Some(finish(team, &e, &u))
        }),
        (CrmKind::Hubspot, _) => hs::parse_update(resp).map(|_| {
            e.phase = Phase::Activity;
            None
        }),
    };
    if let Some(note) = &u.account_note {
        if !e.reasons.contains(note) {
            e.reasons.push(note.clone());
        }
    }
    e.job_update = Some(u);
    match read {
        Ok(Some(step)) => (e, step),
        Ok(None) => (e, Step::Continue),
        Err(err) => on_error(team, e, &err, resp, now_ms, random),
    }
}

/// Reads the Account lookup: move to the one match, or keep the Account and say why.
fn account_found(u: &mut JobUpdate, found: AccountMatch) {
    let company = u.now.company.clone().unwrap_or_default();
    let kept = kept_account(u);
    match found {
        AccountMatch::One(id) => u.account_id = Some(id),
        AccountMatch::None => {
            u.account_note = Some(format!(
                "No Account is named {company}, so {kept}; Leadline does not create or guess one."
            ));
        }
        AccountMatch::Ambiguous => {
            u.account_note = Some(format!(
                "Several Accounts are named {company}, so {kept}; pick the right one in Salesforce."
            ));
        }
    }
}

/// "the Contact stays with its Account Initech".
fn kept_account(u: &JobUpdate) -> String {
    match &u.was.company {
        Some(was) => format!("the Contact stays with its Account {was}"),
        None => "the Contact stays without an Account".to_owned(),
    }
}

/// The change is recorded: the result says what the record now holds.
fn finish(team: &LocalTeam, e: &OutboxEntry, u: &JobUpdate) -> Step {
    let mut shown = e.clone();
    shown.job_update = Some(u.clone());
    if let Some(note) = &u.account_note {
        if !shown.reasons.contains(note) {
            shown.reasons.push(note.clone());
        }
    }
    let result = result_of(team, &shown, SaveStatus::Updated, None);
    Step::Done { result }
}

#[cfg(test)]
mod tests {
    use super::date_of;

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(1_709_251_199_000), "2024-02-29");
        assert_eq!(date_of(1_709_251_200_000), "2024-03-01");
        assert_eq!(date_of(951_955_199_000), "2000-03-01");
        assert_eq!(date_of(1_796_342_399_000), "2026-12-03");
        // The century rules, past the era that began in 2000 (2100 is no leap year, 2400 is),
        // and the last day a four-digit year writes.
        assert_eq!(date_of(4_107_456_000_000), "2100-02-28");
        assert_eq!(date_of(4_107_542_400_000), "2100-03-01");
        assert_eq!(date_of(13_574_563_200_000), "2400-02-29");
        assert_eq!(date_of(253_402_214_400_000), "9999-12-31");
    }
}
