//! Running a bulk chunk: [`next_chunk_request`] / [`on_chunk_response`], the chunk twins of
//! [`crate::step::next_request`] / [`crate::step::on_response`] (same [`Step`] vocabulary,
//! plus [`Step::Settled`] with one result per person).

use crm::{ApiError, HttpRequest, HttpResponse, SaveOutcome};

use crate::bulk::run::ChunkRun;
use crate::journal::records::{ErrorInfo, SaveStatus};
use crate::outbox::outcome::{internal, on_error, result_of, tell_account, AccountNews, Step};
use crate::outbox::owner_fallback::{fall_back, is_owner_refusal};
use crate::outbox::{Chunk, Member, MemberResult, RecordedAnswer};
use crate::outbox::{ChunkSave, OutboxEntry, PersonSave, Phase};
use crate::team::session::Tokens;
use crate::team::{CrmKind, LocalTeam};
use crm::salesforce::bulk::AccountLink;

/// Rebuilds the current run: the runnable members, and the CRM state after the replay.
fn rebuild(
    team: &LocalTeam,
    tokens: &Tokens,
    chunk: &Chunk,
) -> Result<(Vec<usize>, ChunkRun), ErrorInfo> {
    let runnable: Vec<usize> = (0..chunk.members.len())
        .filter(|&i| chunk.members[i].runnable())
        .collect();
    let specs = runnable.iter().map(|&i| chunk.members[i].spec()).collect();
    let recent = runnable
        .iter()
        .map(|&i| chunk.members[i].person.recent_id.clone())
        .collect();
    let mut run = ChunkRun::start(team, tokens, specs, recent);
    for answer in &chunk.replay {
        run.on_response(&answer.response())
            .map_err(|e| internal(format!("replaying a bulk answer: {e}")))?;
    }
    Ok((runnable, run))
}

/// Tokens for reading answers only (replays send nothing): the connection's host, no secret.
fn reading_tokens(team: &LocalTeam, e: &PersonSave) -> Tokens {
    Tokens {
        access_token: String::new(),
        refresh_token: None,
        instance_url: team
            .connection(e.role)
            .map(|c| c.instance_url.clone())
            .unwrap_or_default(),
        id: String::new(),
        credential: None,
    }
}

/// Keeps what the current run settled in the members and empties the replay, so the next
/// request starts a new run (at its dedupe query) for the rest.
fn harvest(team: &LocalTeam, tokens: &Tokens, chunk: &mut Chunk) {
    if chunk.replay.is_empty() {
        return;
    }
    if let Ok((runnable, run)) = rebuild(team, tokens, chunk) {
        apply(team, chunk, &runnable, &run);
    }
    chunk.replay.clear();
}

fn apply(team: &LocalTeam, chunk: &mut Chunk, runnable: &[usize], run: &ChunkRun) {
    let outcomes: Vec<Option<Result<SaveOutcome, ApiError>>> = run.outcomes();
    let mut links = run.account_links().into_iter();
    for (&i, outcome) in runnable.iter().zip(outcomes) {
        let Some(m) = chunk.members.get_mut(i) else {
            continue;
        };
        if let Some(link) = links.next().flatten() {
            account_linked(&mut m.person, link);
        }
        match outcome {
            None => {}
            Some(Ok(o)) => {
                if !o.created && m.person.spec.existing_id.is_none() {
                    // Found by the dedupe: the toast shows the record's own owner.
                    crate::outbox::outcome::show_existing_owner(
                        team,
                        &mut m.person,
                        o.owner_id.as_deref(),
                    );
                }
                m.person.record_id = Some(o.record_id.clone());
                m.person.spec.existing_id = Some(o.record_id);
                m.person.created = m.person.created || o.created;
                if o.activity_id.is_some() {
                    m.person.spec.activity = None;
                }
            }
            Some(Err(e)) => match e.duplicate_ids.first() {
                Some(id) => {
                    m.person.record_id = Some(id.clone());
                    m.person.spec.existing_id = Some(id.clone());
                    m.person.warnings.push("linked_by_duplicate_rule".into());
                }
                None => m.failure = Some(error_info(&e)),
            },
        }
    }
}

/// Keeps what the run did about a member's Account (so a restarted run does not ask again)
/// and says it, as a single save's `Account` phase does.
fn account_linked(p: &mut PersonSave, link: AccountLink) {
    if matches!(&link, AccountLink::NotCreated(e) if is_owner_refusal(&e.code, &[])) {
        // Its owner was refused, so the Contact's is too: after the owner fallback the next
        // run looks the Account up again and creates it under the new owner.
        return;
    }
    let company = p.spec.new_account.take().unwrap_or_default();
    p.account_checked = true;
    let news = match &link {
        AccountLink::Linked(id) => {
            p.spec.account_id = Some(id.clone());
            AccountNews::Linked
        }
        AccountLink::Created(id) => {
            p.spec.account_id = Some(id.clone());
            p.account_id = Some(id.clone());
            AccountNews::Created
        }
        AccountLink::Ambiguous => AccountNews::Ambiguous,
        AccountLink::NotCreated(e) => AccountNews::NotCreated(e),
    };
    tell_account(p, &company, news);
}

fn error_info(e: &ApiError) -> ErrorInfo {
    ErrorInfo {
        code: e.code.clone(),
        message: e.message.clone(),
        hint: e.hint.clone().unwrap_or_else(|| {
            "Check the person's details, or export the error log for your admin.".into()
        }),
    }
}

/// The next request of a chunk entry; the returned entry is in flight and must be persisted
/// before the request is sent.
pub fn next_chunk_request(
    team: &LocalTeam,
    entry: &OutboxEntry,
    tokens: &Tokens,
) -> Result<(OutboxEntry, HttpRequest), ErrorInfo> {
    let OutboxEntry::Chunk(mut e) = entry.clone() else {
        return Err(internal("not a bulk chunk".into()));
    };
    let chunk = &mut e.chunk;
    if e.head.in_flight {
        // HubSpot finds LinkedIn people by a search that lags new contacts: the dedupe after
        // an unknown outcome is run twice before anyone is created (see `on_chunk_response`).
        e.head.recheck = team.config.crm == CrmKind::Hubspot;
        // The last answer was never read: its outcome is unknown, start over at the dedupe,
        // keeping what the run settled — unless that leaves nothing to ask (then everyone
        // still open before the run is looked up again: the dedupe links what was made).
        let mut kept = chunk.clone();
        harvest(team, tokens, &mut kept);
        if kept.members.iter().any(Member::runnable) {
            *chunk = kept;
        } else {
            chunk.replay.clear();
        }
    }
    let (_, run) = rebuild(team, tokens, chunk)?;
    let request = run
        .next_request()
        .map_err(|err| internal(err.to_string()))?
        .ok_or_else(|| internal("nothing left to send for this bulk save".into()))?;
    e.head.phase = if chunk.replay.is_empty() {
        Phase::Lookup
    } else {
        Phase::Save
    };
    e.head.in_flight = true;
    Ok((OutboxEntry::Chunk(e), request))
}

/// Reads the answer to a chunk's last request (status 0 = transport failure).
pub fn on_chunk_response(
    team: &LocalTeam,
    entry: &OutboxEntry,
    resp: &HttpResponse,
    now_ms: u64,
    random: u32,
) -> (OutboxEntry, Step) {
    let mut c = match entry.clone() {
        OutboxEntry::Chunk(c) => c,
        OutboxEntry::Single(mut e) => {
            e.in_flight = false;
            return (OutboxEntry::Single(e), Step::Continue);
        }
    };
    c.head.in_flight = false;
    let tokens = &reading_tokens(team, &c.head);
    let (runnable, mut run) = match rebuild(team, tokens, &c.chunk) {
        Ok(x) => x,
        Err(_) => {
            // The recorded run cannot be replayed: start it over at its dedupe query.
            c.chunk.replay.clear();
            c.head.phase = Phase::Lookup;
            return (OutboxEntry::Chunk(c), Step::Continue);
        }
    };
    let fed = if resp.status == 0 {
        Err(crm::CrmError::Transport {
            message: resp.body.chars().take(300).collect(),
        })
    } else {
        run.on_response(resp)
    };
    let (e, chunk) = (&mut c.head, &mut c.chunk);
    match fed {
        Ok(()) => {
            chunk.replay.push(RecordedAnswer {
                status: resp.status,
                body: resp.body.clone(),
            });
            e.attempts = 0;
            e.refreshed = false;
            e.waiting = None;
            let next = run.next_request();
            if e.recheck && matches!(&next, Ok(Some(req)) if req.url.ends_with("/batch/create")) {
                // The dedupe after an unknown outcome found people to create: look once more
                // after HubSpot's search caught up, then create only who is still missing.
                e.recheck = false;
                chunk.replay.clear();
                e.phase = Phase::Lookup;
                return crate::outbox::outcome::check_again(OutboxEntry::Chunk(c), now_ms);
            }
            if matches!(next, Ok(Some(_))) {
                e.phase = Phase::Save;
                return (OutboxEntry::Chunk(c), Step::Continue);
            }
            apply(team, chunk, &runnable, &run);
            chunk.replay.clear();
            if owner_fallback(team, chunk) {
                e.phase = Phase::Lookup;
                return (OutboxEntry::Chunk(c), Step::Continue);
            }
            settle(team, c, None)
        }
        Err(err) => {
            // A create the network cut off may have reached HubSpot.
            e.recheck |=
                resp.status == 0 && e.phase == Phase::Save && team.config.crm == CrmKind::Hubspot;
            harvest(team, tokens, chunk);
            if !chunk.members.iter().any(Member::runnable) {
                // The run had settled everyone before this call failed: nothing to retry.
                return settle(team, c, None);
            }
            e.phase = Phase::Lookup;
            let (e, step) = on_error(team, OutboxEntry::Chunk(c), &err, resp, now_ms, random);
            match (e, step) {
                (OutboxEntry::Chunk(mut c), Step::Failed { result }) => {
                    c.head.phase = Phase::Lookup;
                    settle(team, c, result.error)
                }
                other => other,
            }
        }
    }
}

/// People the CRM refused because of their owner get the next owner by the rules (rules 4
/// and 6: the rep's own CRM user, else the pushing user), with a reason, and run again (as a
/// single save does). True when someone does. (Per-record errors carry no field names here, so
/// any `INVALID_CROSS_REFERENCE_KEY` counts: a chunk sets no other reference.)
fn owner_fallback(team: &LocalTeam, chunk: &mut Chunk) -> bool {
    let mut again = false;
    for m in &mut chunk.members {
        let Some(f) = &m.failure else { continue };
        let owner_refused = is_owner_refusal(&f.code, &[]);
        let p = &mut m.person;
        if owner_refused && p.spec.owner_id.as_deref() != p.created_by.id.as_deref() {
            // Rules 4 and 6, as for a single save (`owner_fallback`).
            fall_back(team, p, crate::inbound::message::Push::Bulk, &f.code);
            m.failure = None;
            again = true;
        }
    }
    again
}

/// Finishes the chunk: one result per person; `whole` fails everyone still unsettled.
fn settle(team: &LocalTeam, c: ChunkSave, whole: Option<ErrorInfo>) -> (OutboxEntry, Step) {
    let results = c
        .chunk
        .members
        .iter()
        .map(|m| {
            let failure = m.failure.clone().or_else(|| {
                m.runnable().then(|| {
                    whole.clone().unwrap_or_else(|| {
                        internal("the bulk save did not reach this person".into())
                    })
                })
            });
            let result = match failure {
                Some(info) => result_of(team, &m.person, SaveStatus::Failed, Some(info)),
                None if m.person.created => result_of(team, &m.person, SaveStatus::Created, None),
                None => result_of(team, &m.person, SaveStatus::Linked, None),
            };
            MemberResult {
                index: m.person.index,
                lookup_key: m.person.lookup_key.clone(),
                result,
            }
        })
        .collect();
    (OutboxEntry::Chunk(c), Step::Settled { results })
}
