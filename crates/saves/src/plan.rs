//! `plan_save`: from a checked save message to outbox entries (persisted before the first
//! request) and the immediate per-prospect results.

use crm::{ActivityKind, ActivityLog, RecordKindExt, SaveSpec};
use serde::{Deserialize, Serialize};

use crate::bulk::chunk_entries;
pub use crate::outbox::{lookup_key, KnownRecords, OutboxEntry, PersonSave, Phase};
/// Dates the job updates of a plan (the day their Task or note records), for callers of
/// [`plan_save`] outside the JSON face (the team server).
pub use crate::single::job_update::date_entries;
use attribution::Decision;

use crate::decision::{decide, decide_person};
use crate::inbound::message::{missing_for, PageSource, Push, SaveRequest};
use crate::inbound::prospect::Prospect;
use crate::journal::recent::RecentCreates;
use crate::journal::records::{ErrorInfo, Party, SaveResult, SaveStatus};
use crate::team::{CrmKind, LocalTeam, Role};

/// The outcome of planning a save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavePlan {
    /// The save's id.
    pub save_id: String,
    /// Entries to persist in the outbox, then run.
    pub entries: Vec<OutboxEntry>,
    /// One result per prospect of the message, in message order: `queued` for entries,
    /// final for the rest (refused, or already in the CRM with nothing to log).
    pub results: Vec<SaveResult>,
}

/// What a rep can do about a person refused before any request, by where the save started.
fn refused_hint(source: PageSource) -> &'static str {
    match source {
        PageSource::LinkedinExtension | PageSource::GmailExtension => {
            "Open the person's profile and save from there, or add them by hand."
        }
        PageSource::Manual => "Fill in the last name and add the person again.",
        PageSource::CsvImport => "Fix the row in the file and import it again.",
        PageSource::JobChange => "Reload the profile and click Update in CRM again.",
    }
}

/// Plans a save: one attribution decision per prospect, and what to send. A bulk save's
/// entries are grouped into chunks ([`crate::bulk::chunk_entries`]).
pub fn plan_save(
    team: &LocalTeam,
    save: &SaveRequest,
    save_id: &str,
    known: &KnownRecords,
) -> SavePlan {
    let person = decide_person(team, save.source, save.push);
    let activity = save
        .activity
        .as_ref()
        .filter(|_| team.settings.log_emails)
        .map(|_| {
            decide(
                team,
                save.source.into(),
                attribution::RecordKind::Activity,
                save.push,
            )
        });
    plan_decided(team, save, save_id, known, person, activity)
}

/// [`plan_save`] on a team server: the person's decision (and the logged e-mail's) are the
/// server's, made from its own copy of the whole team, so the owner, the reasons and the
/// warnings a rep reads are the ones the server decided; `team` is the server's planning
/// team, whose one connection (in the team sync role) pushes whichever team-held connection
/// the decision chose.
pub fn plan_save_as_decided(
    team: &LocalTeam,
    save: &SaveRequest,
    save_id: &str,
    known: &KnownRecords,
    person: &Decision,
    activity: Option<&Decision>,
) -> SavePlan {
    let pushed_by_team_sync = |d: &Decision| {
        let mut d = d.clone();
        d.credential.kind = attribution::CredentialKind::TeamSync;
        Ok(d)
    };
    let activity = activity.map(pushed_by_team_sync);
    plan_decided(
        team,
        save,
        save_id,
        known,
        pushed_by_team_sync(person),
        activity,
    )
}

/// Plans a save with its decisions made (an activity's only when the save logs one).
fn plan_decided(
    team: &LocalTeam,
    save: &SaveRequest,
    save_id: &str,
    known: &KnownRecords,
    person: Result<Decision, ErrorInfo>,
    activity: Option<Result<Decision, ErrorInfo>>,
) -> SavePlan {
    let object = team.settings.record_kind.sobject().to_owned();
    let activity = save
        .activity
        .as_ref()
        .zip(activity)
        .filter(|_| team.settings.log_emails)
        .map(|(a, decision)| {
            let log = ActivityLog {
                kind: ActivityKind::Email,
                subject: a.subject.clone(),
                body: a.body.clone().unwrap_or_default(),
                date: a.date.clone(),
            };
            (log, decision)
        });

    let total = save.prospects.len() + save.rejected.len();
    let mut results: Vec<Option<SaveResult>> = vec![None; total];
    for r in &save.rejected {
        let failed = SaveResult {
            status: SaveStatus::Failed,
            object: object.clone(),
            record_id: None,
            record_url: None,
            name: r.name.clone().unwrap_or_else(|| "(no name)".into()),
            owner: Party::default(),
            created_by: Party::default(),
            reasons: vec![],
            warnings: vec![],
            error: Some(ErrorInfo {
                code: "invalid_prospect".into(),
                message: r.reason.clone(),
                hint: refused_hint(save.source).into(),
            }),
            activity_id: None,
            account_id: None,
            missing: missing_for(&save.missing, r.index),
            job_update: None,
        };
        if let Some(slot) = results.get_mut(r.index) {
            *slot = Some(failed);
        }
    }

    let mut people = Vec::new();
    let mut free = (0..total).filter(|i| !save.rejected.iter().any(|r| r.index == *i));
    for prospect in &save.prospects {
        let index = free.next().unwrap_or(results.len());
        let base = SaveResult {
            status: SaveStatus::Queued,
            object: object.clone(),
            record_id: None,
            record_url: None,
            name: prospect.name.clone(),
            owner: Party::default(),
            created_by: Party::default(),
            reasons: vec![],
            warnings: vec![],
            error: None,
            activity_id: None,
            account_id: None,
            missing: missing_for(&save.missing, index),
            job_update: None,
        };
        let outcome = match &person {
            Err(e) => Err(e.clone()),
            Ok(d) => entry_for(
                team,
                save,
                save_id,
                index,
                prospect,
                d,
                activity.as_ref(),
                known,
            ),
        };
        let result = match outcome {
            Err(error) => SaveResult {
                status: SaveStatus::Failed,
                error: Some(error),
                ..base
            },
            Ok(entry) => {
                let mut result = SaveResult {
                    owner: entry.owner.clone(),
                    created_by: entry.created_by.clone(),
                    reasons: entry.reasons.clone(),
                    warnings: entry.warnings.clone(),
                    ..base
                };
                let nothing_to_send = entry.spec.existing_id.is_some()
                    && entry.spec.activity.is_none()
                    && entry.job_update.is_none();
                if nothing_to_send {
                    result.status = SaveStatus::Linked;
                    result.record_id = entry.spec.existing_id.clone();
                    result.record_url = crate::outbox::outcome::record_url(team, &entry);
                    result.created_by = Party::default(); // someone else created it, earlier
                } else {
                    people.push(entry);
                }
                result
            }
        };
        if let Some(slot) = results.get_mut(index) {
            *slot = Some(result);
        } else {
            results.push(Some(result));
        }
    }
    let entries = if save.push == Push::Bulk {
        chunk_entries(team, save_id, people)
    } else {
        people.into_iter().map(OutboxEntry::Single).collect()
    };
    SavePlan {
        save_id: save_id.to_owned(),
        entries,
        results: results.into_iter().flatten().collect(),
    }
}

#[allow(clippy::too_many_arguments)]
fn entry_for(
    team: &LocalTeam,
    save: &SaveRequest,
    save_id: &str,
    index: usize,
    prospect: &Prospect,
    d: &Decision,
    activity: Option<&(ActivityLog, Result<Decision, ErrorInfo>)>,
    known: &KnownRecords,
) -> Result<PersonSave, ErrorInfo> {
    let role = team.role_for(&d.credential).ok_or_else(|| ErrorInfo {
        code: "no_credentials".into(),
        message: "the connection chosen for this save is not connected in this browser".into(),
        hint: "Connect your CRM account in Options, or ask your admin to connect team sync.".into(),
    })?;
    let mut warnings: Vec<String> = d.warnings.iter().map(|w| w.as_str().to_owned()).collect();
    let (activity_log, activity_role, activity_owner) = match activity {
        None => (None, None, None),
        Some((log, Ok(ad))) => match team.role_for(&ad.credential) {
            Some(ar) => (
                Some(log.clone()),
                (ar != role).then_some(ar),
                (ad.owner != d.owner).then(|| ad.owner.clone()),
            ),
            None => {
                warnings.push("activity_not_logged".into());
                (None, None, None)
            }
        },
        Some((_, Err(_))) => {
            warnings.push("activity_not_logged".into());
            (None, None, None)
        }
    };
    let existing = lookup_key(&prospect.person).and_then(|k| known.get(&k).cloned());
    let existing_id = existing.clone().flatten().map(|r| r.id);
    let phase = match (&existing, lookup_key(&prospect.person)) {
        (Some(Some(_)), _) => Phase::Activity,
        (None, Some(_)) => Phase::Lookup,
        _ => Phase::Save,
    };
    let pushed_for_someone_else = role != Role::Personal || d.on_behalf_of.is_some();
    let description = pushed_for_someone_else.then(|| {
        let rep = team.me_email().unwrap_or_else(|| "the rep".into());
        let from = match save.source {
            PageSource::LinkedinExtension => "Saved from LinkedIn",
            PageSource::GmailExtension => "Saved from Gmail",
            PageSource::Manual => "Added by hand",
            PageSource::CsvImport => "Imported from a CSV file",
            PageSource::JobChange => "Updated from LinkedIn",
        };
        format!("{from} with Leadline on behalf of {rep}.")
    });
    let job_update = match save.source {
        PageSource::JobChange => Some(crate::single::job_update::job_update_for(
            known,
            lookup_key(&prospect.person).as_ref(),
            prospect,
        )?),
        _ => None,
    };
    let name_of = |id: &str| Party {
        id: Some(id.to_owned()),
        name: team.user_name(id),
    };
    if let Some((update, record_owner)) = job_update {
        // An update never reassigns the record: no owner is sent, and the owner shown is the
        // record's own.
        if let Some(nothing) =
            crate::single::job_update::nothing_to_write(team, team.settings.record_kind, &update)
        {
            return Err(nothing);
        }
        let mut entry = job_entry(team, save, save_id, index, prospect, d, role, update);
        if let Some(owner) = record_owner {
            entry.owner = name_of(&owner);
        }
        entry.warnings = warnings
            .into_iter()
            .filter(|w| w != "owner_inactive")
            .collect();
        return Ok(entry);
    }
    let owner = match existing.as_ref().and_then(|r| r.as_ref()?.owner_id.clone()) {
        Some(record_owner) => name_of(&record_owner), // the record's own, as the badge said
        None => name_of(&d.owner),
    };
    Ok(PersonSave {
        id: format!("{save_id}:{index}"),
        save_id: save_id.to_owned(),
        index,
        source: save.source,
        prospect: prospect.clone(),
        lookup_key: lookup_key(&prospect.person),
        spec: SaveSpec {
            record: team.settings.record_kind,
            prospect: prospect.person.clone(),
            owner_id: Some(d.owner.clone()),
            existing_id: existing_id.clone(),
            activity: activity_log,
            description,
            account_id: None,
            new_account: None,
        },
        role,
        activity_role,
        activity_owner,
        phase,
        created_by: Party {
            id: Some(d.created_by.clone()),
            name: team.creator_name(Some(role), &d.created_by),
        },
        owner,
        reasons: d.reasons.clone(),
        warnings,
        attempts: 0,
        in_flight: false,
        refreshed: false,
        next_at_ms: 0,
        waiting: None,
        record_id: existing_id.clone(),
        created: false,
        activity_id: None,
        account_checked: false,
        recheck: false,
        recent_id: None,
        reading_recent: false,
        account_id: None,
        missing: missing_for(&save.missing, index),
        job_update: None,
    })
}

/// The reasons an update shows: the decision's about the connection (rule 1), not the ones
/// about who would own a new record (rule 4's sentences start "Owner:" or say a user "can't own
/// the record"), since an update keeps the record's owner; and a sentence saying so.
fn update_reasons(d: &Decision) -> Vec<String> {
    let mut reasons: Vec<String> = d
        .reasons
        .iter()
        .filter(|r| !r.starts_with("Owner:") && !r.contains("can't own the record"))
        .cloned()
        .collect();
    reasons.push("The owner is unchanged: an update never reassigns the record.".into());
    reasons
}

/// The entry of "Update in CRM" ([`crate::single::job_update`]): the record's id, no owner, no
/// activity of the page's, starting with the check that the change is not recorded yet.
#[allow(clippy::too_many_arguments)]
fn job_entry(
    team: &LocalTeam,
    save: &SaveRequest,
    save_id: &str,
    index: usize,
    prospect: &Prospect,
    d: &Decision,
    role: Role,
    update: crate::job_change::JobUpdate,
) -> PersonSave {
    let record_id = update.record_id.clone();
    PersonSave {
        id: format!("{save_id}:{index}"),
        save_id: save_id.to_owned(),
        index,
        source: save.source,
        prospect: prospect.clone(),
        lookup_key: lookup_key(&prospect.person),
        spec: SaveSpec {
            record: team.settings.record_kind,
            prospect: prospect.person.clone(),
            owner_id: None,
            existing_id: Some(record_id.clone()),
            activity: None,
            description: None,
            account_id: None,
            new_account: None,
        },
        role,
        activity_role: None,
        activity_owner: None,
        phase: Phase::Lookup,
        created_by: Party {
            id: Some(d.created_by.clone()),
            name: team.creator_name(Some(role), &d.created_by),
        },
        owner: Party::default(),
        reasons: update_reasons(d),
        warnings: Vec::new(),
        attempts: 0,
        in_flight: false,
        refreshed: false,
        next_at_ms: 0,
        waiting: None,
        record_id: Some(record_id),
        created: false,
        activity_id: None,
        account_checked: false,
        recheck: false,
        recent_id: None,
        reading_recent: false,
        account_id: None,
        missing: missing_for(&save.missing, index),
        job_update: Some(update),
    }
}

/// HubSpot: gives each planned person this browser created minutes ago ([`crate::journal::recent`])
/// that contact's id, so a LinkedIn search that misses them (its index lags) is followed by a
/// read by id before anyone is created (single entries and chunk members alike).
pub fn mark_recent(
    team: &LocalTeam,
    entries: &mut [OutboxEntry],
    recent: &RecentCreates,
    now_ms: u64,
) {
    if team.config.crm != CrmKind::Hubspot || recent.is_empty() {
        return;
    }
    let mark = |person: &mut PersonSave| {
        if person.spec.existing_id.is_none() {
            person.recent_id = recent.id_for(&person.prospect.person, now_ms);
        }
    };
    for entry in entries {
        match entry {
            OutboxEntry::Chunk(c) => c.chunk.members.iter_mut().for_each(|m| mark(&mut m.person)),
            OutboxEntry::Single(person) => mark(person),
        }
    }
}
