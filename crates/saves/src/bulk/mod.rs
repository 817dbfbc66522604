//! Bulk saves as outbox chunks: a "Save all" of N people becomes ⌈N/200⌉ chunk entries
//! (⌈N/100⌉ on HubSpot), each driven by the CRM's batch protocol instead of one call per
//! person.
//!
//! A chunk is an [`OutboxEntry::Chunk`] whose [`Chunk`] section holds its people (each a
//! [`PersonSave`] with its own attribution decision and owner) and the answers read so far
//! in the current run. Chunks only group people pushed with the **same credential** and the
//! same record kind; the owner is set per record.
//!
//! Resumability: a run is replayed from its recorded answers (the CRM state machines are
//! deterministic), so nothing but plain JSON is persisted. After anything that leaves the
//! outcome unknown (the worker died with a request in flight, a transport failure) or any
//! whole-call error, what the run settled is kept and the rest **restarts at the dedupe
//! query**: people created before the crash are then found and linked, never created twice.
//!
//! Costs: Salesforce 2 calls per chunk of ≤200 (dedupe query + sObject Collections create),
//! one more when people carry activities; HubSpot 2 calls per chunk of ≤100 (batch read by
//! e-mail + batch create).
//!
//! This file holds the chunk's planning; running it is `step` ([`next_chunk_request`] /
//! [`on_chunk_response`]), one run of the CRM's batch protocol is `run`.

pub use crate::outbox::{Chunk, Member, MemberResult, RecordedAnswer};
use crate::outbox::{ChunkSave, OutboxEntry, PersonSave, Phase};
use crate::team::{CrmKind, LocalTeam};
pub use step::{next_chunk_request, on_chunk_response};

pub(crate) mod run;
mod step;

/// People per Salesforce chunk (sObject Collections limit).
pub const SALESFORCE_CHUNK: usize = crm::salesforce::bulk::CHUNK;
/// People per HubSpot chunk (batch create limit).
pub const HUBSPOT_CHUNK: usize = crm::hubspot::contacts::BATCH_LIMIT;

/// Whether a per-person entry may join a chunk: its activity (if any) is logged by the same
/// connection with the same owner, and HubSpot chunks carry no activities.
fn chunkable(team: &LocalTeam, e: &PersonSave) -> bool {
    e.activity_role.is_none()
        && e.activity_owner.is_none()
        && !(team.config.crm == CrmKind::Hubspot && e.spec.activity.is_some())
}

/// Groups a bulk save's per-person entries into chunk entries: by credential (role) and
/// record kind, at most [`SALESFORCE_CHUNK`] / [`HUBSPOT_CHUNK`] people each. A group of one
/// keeps its single-save entry (one Composite call is never dearer than a chunk).
pub fn chunk_entries(
    team: &LocalTeam,
    save_id: &str,
    entries: Vec<PersonSave>,
) -> Vec<OutboxEntry> {
    let size = match team.config.crm {
        CrmKind::Salesforce => SALESFORCE_CHUNK,
        CrmKind::Hubspot => HUBSPOT_CHUNK,
    };
    let mut singles = Vec::new();
    let mut groups: Vec<Vec<PersonSave>> = Vec::new();
    for e in entries {
        if !chunkable(team, &e) {
            singles.push(OutboxEntry::Single(e));
            continue;
        }
        match groups
            .iter_mut()
            .find(|g| g[0].role == e.role && g[0].spec.record == e.spec.record)
        {
            Some(g) => g.push(e),
            None => groups.push(vec![e]),
        }
    }
    let mut out = Vec::new();
    let mut n = 0;
    for group in groups {
        if group.len() == 1 {
            out.extend(group.into_iter().map(OutboxEntry::Single));
            continue;
        }
        for people in group.chunks(size) {
            out.push(chunk_entry(team, save_id, n, people));
            n += 1;
        }
    }
    out.extend(singles);
    out
}

/// With Account matching on (Salesforce Contacts), a member names its company in
/// `new_account`: the chunk's run looks the Account up by that name and creates it when
/// missing (`crm::salesforce::bulk::accounts`). (In a single save the same field means "create
/// it": its `Account` phase looked it up first.)
fn names_company(team: &LocalTeam, p: &PersonSave) -> Option<String> {
    let company = p.prospect.person.company.as_deref()?.trim();
    let on = team.config.crm == CrmKind::Salesforce
        && team.settings.match_account
        && p.spec.record == crm::RecordKind::Contact
        && p.spec.existing_id.is_none()
        && p.spec.account_id.is_none();
    (on && !company.is_empty()).then(|| company.to_owned())
}

fn chunk_entry(team: &LocalTeam, save_id: &str, n: usize, people: &[PersonSave]) -> OutboxEntry {
    let first = &people[0];
    let mut head = first.clone();
    head.id = format!("{save_id}:chunk{n}");
    head.prospect.name = match people.len() {
        1 => first.prospect.name.clone(),
        k => format!("{} and {} more", first.prospect.name, k - 1),
    };
    head.lookup_key = None;
    head.missing.clear(); // each member's own go to its journal line
    head.record_id = None;
    head.spec.existing_id = None;
    head.phase = Phase::Lookup;
    let chunk = Chunk {
        members: people
            .iter()
            .map(|p| {
                let mut person = p.clone();
                person.spec.new_account = names_company(team, p);
                Member {
                    person,
                    failure: None,
                }
            })
            .collect(),
        replay: vec![],
    };
    OutboxEntry::Chunk(ChunkSave { head, chunk })
}
