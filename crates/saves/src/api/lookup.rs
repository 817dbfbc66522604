//! A page's "already in the CRM" badges in ONE call: the people of a search or company page
//! (or a Gmail thread) not in the worker's cache are looked up together, with the same
//! dedupe step a bulk save uses (Salesforce: one `Email IN (…) OR LinkedIn_URL__c IN (…)`
//! query; HubSpot: one `batch/read` by e-mail and/or one search by LinkedIn URL). Very long
//! pages may need a second query when the URL would pass Salesforce's limit.
//!
//! HubSpot's search lags new contacts: a person it misses whom this browser created minutes
//! ago (`recent`, the journal's [`crate::journal::recent`] list) is read back by id in the same run
//! (one `batch/read`), so a page reloaded right after a save says "In HubSpot" truly.
//!
//! A list page sends its cards (`cards: [{key, link, prospect}]`) rather than people: the core
//! reads each one ([`crate::inbound::card`]: a private member, a card without a name, or a
//! person) and answers every card by its key, `cards: [{key, skipped:{kind, reason}} | {key,
//! found, ...}]`, even when the CRM could not be asked ([`with_cards`]), so the page never
//! decides who is private and its answers never slip against its cards.
//!
//! Stateless, like the rest of the pipeline: the worker calls [`lookup_list`] with the answers
//! it has so far; it gets the next request, or the results.

use crm::{BulkPhase, HttpResponse, RecordKind, RecordKindExt, SaveSpec};
use serde::Deserialize;
use serde_json::{json, Value};

use super::reply::{answer, clock_ms, fail, invalid, read, read_or_default, to_json};
use crate::bulk::run::ChunkRun;
use crate::decision::{decide_person, gmail_saving_as};
use crate::inbound::card::Card;
use crate::inbound::message::{parse_save_message, ContentToWorker, PageSource};
use crate::job_change::{job_change, JobChange};
use crate::journal::recent::RecentCreates;
use crate::journal::records::ErrorInfo;
use crate::plan::{lookup_key, KnownRecords};
use crate::step::Tokens;
use crate::team::{CrmKind, LocalTeam, Role};

#[derive(Deserialize, Default)]
struct TokensByRole {
    #[serde(default)]
    team_sync: Option<Tokens>,
    #[serde(default)]
    personal: Option<Tokens>,
}

/// The most requests one group's lookup may take (a batch read, a LinkedIn search and its
/// pages, a read-back), and so what each answer's `max_steps` counts per group: the worker
/// loops at most `max_steps` times instead of keeping a limit of its own.
const STEPS_PER_GROUP: usize = 8;

/// The most people one lookup run asks about: HubSpot's batch read takes
/// [`crm::hubspot::contacts::BATCH_LIMIT`] inputs; Salesforce's dedupe query takes a whole
/// message ([`crate::inbound::message::MAX_PROSPECTS`]).
fn lookup_group_size(crm: CrmKind) -> usize {
    match crm {
        CrmKind::Salesforce => crate::inbound::message::MAX_PROSPECTS,
        CrmKind::Hubspot => crm::hubspot::contacts::BATCH_LIMIT,
    }
}

fn not_found(kind: RecordKind) -> Value {
    json!({"found": false, "object": kind.sobject(), "record_id": null, "record_url": null,
        "owner_name": null})
}

/// Each card of a list page's lookup, in card order: `{key, skipped:{kind, reason}}`, or its
/// person's lookup result with its `key` (only the key when `results` is `None`: the CRM was
/// not asked to the end).
fn card_answers(cards: &[Card], results: Option<&[Value]>) -> Vec<Value> {
    cards
        .iter()
        .map(|card| match &card.person {
            Err(skip) => json!({"key": card.key, "skipped": skip}),
            Ok(i) => {
                let mut answer = results
                    .and_then(|r| r.get(*i))
                    .cloned()
                    .unwrap_or_else(|| json!({}));
                if let Some(fields) = answer.as_object_mut() {
                    fields.insert("key".into(), json!(card.key));
                }
                answer
            }
        })
        .collect()
}

/// A lookup's refusal (the CRM's, a refresh's, the engine's) with a list page's cards laid
/// over it: skipped cards keep their reason, the others only their key, so the page still
/// shows who is private while it says the CRM status is unknown. Any other answer, and a
/// message without cards, is returned as it is.
pub fn with_cards(msg: &Value, answer: Value) -> Value {
    if answer["ok"] != false || answer.get("cards").is_some() {
        return answer;
    }
    let Ok(ContentToWorker::Lookup { cards, .. }) = parse_save_message(msg) else {
        return answer;
    };
    if cards.is_empty() {
        return answer;
    }
    let mut answer = answer;
    if let Some(fields) = answer.as_object_mut() {
        fields.insert("cards".into(), json!(card_answers(&cards, None)));
    }
    answer
}

/// `lookup_list(team, msg, tokens, known, answers, recent, now_ms)` for a `lookup` message →
/// `{ok, role, request, max_steps}` (send it, append its answer to `answers`, call again, at most
/// `max_steps` times in all; on a 401
/// refresh `role` and start over with no answers), or `{ok, role, done:true, results:[…],
/// cache:[{key, existing}]}` with one result per prospect (`{found, object, record_id,
/// record_url, owner_name}`, plus `job_change: {crm, page}` when the record's title or company
/// is not the page's: [`crate::job_change`]) and what to cache (with the record's `job`);
/// a list page's message (`cards`) is answered with `cards` too, one per card by its key
/// (its refusal as well: [`with_cards`]). `known` is the cache (`{key: record|null}`);
/// `recent` the journal's `recent_creates` (null: none), with the clock `now_ms`.
pub fn lookup_list(
    team: &Value,
    msg: &Value,
    tokens: &Value,
    known: &Value,
    answers: &Value,
    recent: &Value,
    now_ms: f64,
) -> Value {
    let planned = answer((|| {
        let team: LocalTeam = read("team", team)?;
        let tokens: TokensByRole = read("tokens", tokens)?;
        let known: KnownRecords = read_or_default("known", known)?;
        let answers: Vec<HttpResponse> = read_or_default("answers", answers)?;
        let recent: RecentCreates = read_or_default("recent", recent)?;
        let now_ms = clock_ms(now_ms);
        let ContentToWorker::Lookup {
            source,
            prospects,
            cards,
            mailbox,
        } = parse_save_message(msg)
            .map_err(|e| fail(&ErrorInfo {
                code: e.code().into(),
                message: e.to_string(),
                hint: "Reload the page and try again; if it persists, the page layout may have changed.".into(),
            }))?
        else {
            return Err(invalid("message", "not a lookup"));
        };
        let kind = team.settings.record_kind;
        // A Gmail page: who its saves are Created By, and whether that is the mailbox.
        let saving_as = (source == PageSource::GmailExtension)
            .then(|| gmail_saving_as(&team, mailbox.as_deref()))
            .flatten();
        let role = decide_person(&team, source, crate::inbound::message::Push::Bulk)
            .ok()
            .and_then(|d| team.role_for(&d.credential))
            .or_else(|| team.connections.first().map(|c| c.role));
        let picked = role.and_then(|r| {
            match r {
                Role::TeamSync => tokens.team_sync.as_ref(),
                Role::Personal => tokens.personal.as_ref(),
            }
            .map(|t| (r, t))
        });
        let Some((role, t)) = picked else {
            // No connection can answer: the CRM was not asked ("Connect Leadline to check").
            let unchecked = |_| {
                let mut r = not_found(kind);
                r["checked"] = json!(false);
                r
            };
            let results: Vec<Value> = prospects.iter().map(unchecked).collect();
            let cards = card_answers(&cards, Some(&results));
            return Ok(
                json!({"ok": true, "role": null, "done": true, "results": results, "cache": [],
                    "cards": cards, "saving_as": saving_as}),
            );
        };
        let url = |id: &str| team.record_url(kind, id);
        let crm = team.config.crm;
        // `job_change` when the page's job is not the record's (crate::job_change).
        let found = |id: &str, object: &str, owner: Option<&str>, change: Option<JobChange>| {
            let mut r = json!({"found": true, "object": object, "record_id": id,
                "record_url": url(id), "owner_name": owner.and_then(|o| team.user_name(o)),
                "crm": crm});
            if let Some(change) = change {
                r["job_change"] = to_json(&change);
            }
            r
        };
        let mut results: Vec<Value> = Vec::with_capacity(prospects.len());
        let mut pending: Vec<(usize, String)> = Vec::new();
        for (i, p) in prospects.iter().enumerate() {
            let key = lookup_key(&p.person);
            let cached = key.as_ref().and_then(|k| known.get(k));
            results.push(match (cached, key) {
                (Some(Some(r)), _) => found(
                    &r.id,
                    &r.object,
                    r.owner_id.as_deref(),
                    job_change(&p.person, r.job.as_ref()),
                ),
                (None, Some(k)) => {
                    pending.push((i, k));
                    not_found(kind)
                }
                _ => not_found(kind),
            });
        }
        let spec = |p: &crate::inbound::prospect::Prospect| SaveSpec {
            record: kind,
            prospect: p.person.clone(),
            owner_id: None,
            existing_id: None,
            activity: None,
            description: None,
            account_id: None,
            new_account: None,
        };
        let object = match team.config.crm {
            CrmKind::Salesforce => kind.sobject(),
            CrmKind::Hubspot => crm::hubspot::contacts::OBJECT,
        };
        // One run per group of at most `lookup_group_size` people (HubSpot's batch read takes
        // 100 inputs), run one after the other; `answers` holds every group's answers in this
        // same order, so each call replays them group by group.
        let mut answers = answers.iter();
        let mut cache = Vec::new();
        let size = lookup_group_size(crm);
        let max_steps = pending.len().div_ceil(size).max(1) * STEPS_PER_GROUP;
        for group in pending.chunks(size) {
            let people: Vec<&crate::inbound::prospect::Prospect> = group
                .iter()
                .filter_map(|(i, _)| prospects.get(*i))
                .collect();
            let recent_ids = people
                .iter()
                .map(|p| recent.id_for(&p.person, now_ms))
                .collect();
            let specs = people.iter().map(|p| spec(p)).collect();
            let mut run = ChunkRun::start(&team, t, specs, recent_ids);
            while let Ok(Some(req)) = run.next_request() {
                if run.phase() != BulkPhase::Lookup {
                    break;
                }
                let Some(a) = answers.next() else {
                    return Ok(json!({"ok": true, "role": role, "request": to_json(&req),
                        "max_steps": max_steps}));
                };
                run.on_response(a).map_err(|e| {
                    fail(&ErrorInfo {
                        code: "lookup_failed".into(),
                        message: e.to_string(),
                        hint: e.hint().unwrap_or("Reload the page to try again.").into(),
                    })
                })?;
            }
            for ((i, key), outcome) in group.iter().zip(run.outcomes()) {
                let existing = match outcome {
                    Some(Ok(o)) => {
                        let change = prospects
                            .get(*i)
                            .and_then(|p| job_change(&p.person, o.crm_job.as_ref()));
                        if let Some(slot) = results.get_mut(*i) {
                            *slot = found(&o.record_id, object, o.owner_id.as_deref(), change);
                        }
                        json!({"id": o.record_id, "object": object, "owner_id": o.owner_id,
                            "owner_name": o.owner_id.as_deref().and_then(|id| team.user_name(id)),
                            "job": o.crm_job})
                    }
                    _ => Value::Null,
                };
                cache.push(json!({"key": key, "existing": existing}));
            }
        }
        let cards = card_answers(&cards, Some(&results));
        Ok(
            json!({"ok": true, "role": role, "done": true, "results": results, "cache": cache,
            "cards": cards, "max_steps": max_steps, "saving_as": saving_as}),
        )
    })());
    with_cards(msg, planned)
}
