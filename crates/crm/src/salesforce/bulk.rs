//! Bulk saves as a sans-IO state machine: a Composite dedupe call, then sObject Collections.
//!
//! Specs are grouped by record kind and cut into chunks of ≤200. Per chunk:
//! 1. **Dedupe**: ONE `POST composite` (`allOrNone: false`) whose subrequests are the chunk's
//!    `GET query` calls (`… WHERE Email IN (…) OR LinkedIn_URL__c IN (…)`), skipped when no
//!    spec has a key. Each subrequest URL stays under [`MAX_QUERY_URL_LEN`], so 200 people's
//!    keys take 2–3 queries, and a Composite call holds up to [`MAX_QUERIES_PER_CALL`] (5) of
//!    them: one call. Limits and their sources are in [`dedupe`]. LinkedIn URLs are looked up
//!    in one canonical form (with and without the trailing slash, so records stored without
//!    it still match; see [`linkedin`]). `nextRecordsUrl` pages, and keys that need more than
//!    5 queries (only pathologically long keys), cost one more Composite call each. A failed
//!    subrequest fails the whole dedupe call: [`BulkSave::on_response`] returns its error and
//!    the same call comes out again (queries change nothing, so a retry is safe).
//! 2. **Accounts** (only if some Contact spec names a company in
//!    [`SaveSpec::new_account`]): the lookups ride in the dedupe call; the Accounts still
//!    missing are created by one `POST composite/sobjects`, and the Contacts carry their
//!    `AccountId` (see [`accounts`]). [`BulkSave::account_links`] says what each got.
//! 3. **Create**: one `POST composite/sobjects` (`allOrNone: false`, `Sforce-Auto-Assign:
//!    FALSE`) with only the people not found (a person appearing twice in the batch is
//!    created once). Per-record errors use `statusCode`, not `errorCode`.
//! 4. **Activities** (only if some spec has one): one more `POST composite/sobjects` of Tasks.
//!    They cannot ride in the create call: a Task's `WhoId` is the id the create returns.
//!    (A Composite with the create and the Tasks as two Collections subrequests could pass
//!    ids by `@{ref[i].id}`, but under `allOrNone: false` one person who fails to be created
//!    leaves a reference unresolved and halts the whole Task subrequest, i.e. every other
//!    person's Task too.) A Task that fails turns that item into an error although its
//!    record exists; retrying the item is safe because the dedupe step then finds the record.
//!
//! So a chunk costs 2 calls (3 with activities, one more when Accounts are created):
//! 2·ceil(N/200) for plain saves.
//! Specs with `existing_id` are linked without any call. On a whole-call error
//! [`BulkSave::on_response`] returns it and leaves the state unchanged, so the caller may
//! retry the same request (after refreshing the token with [`BulkSave::set_access_token`]) or
//! give up with [`BulkSave::abort`].

pub mod accounts;
pub mod dedupe;
mod plan;

pub use accounts::AccountLink;
pub use dedupe::MAX_QUERIES_PER_CALL;
pub use plan::save_results;

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use self::accounts::{
    account_name, account_queries, companies, create_accounts_request, is_account, AccountBook,
};
use self::dedupe::{composite_request, next_batch, parse_composite};
use self::plan::{dedupe_queries, invalid, linked, record_job, record_matches, same_person};
use super::record::{record_fields, task_fields};
use super::{str_of, SfSession};
use crate::error::{blank, ApiError, CrmError};
use crate::http::{HttpRequest, HttpResponse};
use crate::prospect::{RecordKind, RecordKindExt, SaveOutcome, SaveSpec};

/// Records per sObject Collections call.
pub const CHUNK: usize = 200;
/// Longest dedupe query URL (a Composite subrequest's `url`) built: Salesforce rejects plain
/// `GET` URIs over 16,384 bytes with 414; see [`dedupe`] for why subrequests keep the cap.
pub const MAX_QUERY_URL_LEN: usize = 16_000;

/// The result for the spec at `index` of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkItemResult {
    /// Position in the input.
    pub index: usize,
    /// What happened to it.
    pub outcome: Result<SaveOutcome, ApiError>,
}

#[derive(Clone)]
enum Step {
    /// Query URLs still to run; the next call takes the first [`MAX_QUERIES_PER_CALL`].
    Dedupe(Vec<String>),
    /// Accounts to create: name and owner.
    Accounts(Vec<(String, Option<String>)>),
    Create(Vec<usize>),
    Tasks(Vec<usize>),
}

/// The chunk in flight: its kind, the input indices in it, and the step it is at.
type Current = (RecordKind, Vec<usize>, Step);

/// Everything that would make a request of this spec fail to build, checked up front so a
/// chunk's requests always carry every record.
fn validate(session: &SfSession, spec: &SaveSpec) -> Result<(), CrmError> {
    record_fields(session, spec)?;
    if let Some(id) = &spec.existing_id {
        crate::prospect::validate_id("existing_id", id)?;
    }
    if let Some(activity) = &spec.activity {
        task_fields("003000000000000AAA", activity, spec.owner_id.as_deref())?;
    }
    Ok(())
}

/// Drives a bulk save: call [`next_request`](Self::next_request), execute it, feed the answer
/// to [`on_response`](Self::on_response), until `next_request` returns `None`; then read
/// [`results`](Self::results).
pub struct BulkSave {
    session: SfSession,
    specs: Vec<SaveSpec>,
    chunks: VecDeque<(RecordKind, Vec<usize>)>,
    current: Option<Current>,
    outcomes: Vec<Option<Result<SaveOutcome, ApiError>>>,
    /// The current chunk's Accounts.
    book: AccountBook,
    /// Per spec: its Account, once resolved (Contacts naming a company only).
    links: Vec<Option<AccountLink>>,
}

impl crate::BulkRun for BulkSave {
    fn phase(&self) -> crate::BulkPhase {
        BulkSave::phase(self)
    }

    fn next_request(&self) -> Result<Option<HttpRequest>, CrmError> {
        Ok(BulkSave::next_request(self))
    }

    fn on_response(&mut self, resp: &HttpResponse) -> Result<(), CrmError> {
        BulkSave::on_response(self, resp.clone())
    }
}

impl BulkSave {
    /// Plans the chunks; invalid specs and specs with `existing_id` are settled at once.
    pub fn new(session: SfSession, specs: Vec<SaveSpec>) -> Self {
        let mut outcomes: Vec<Option<Result<SaveOutcome, ApiError>>> = vec![None; specs.len()];
        let mut chunks = VecDeque::new();
        // Every kind, so `validate` settles a spec that is no person's as invalid; only
        // Contacts and Leads make chunks, in that order.
        for &kind in RecordKind::ALL {
            let mut pending = Vec::new();
            for (i, spec) in specs.iter().enumerate().filter(|(_, s)| s.record == kind) {
                if let Err(e) = validate(&session, spec) {
                    outcomes[i] = Some(Err(invalid(&e)));
                } else if let Some(id) = &spec.existing_id {
                    outcomes[i] = Some(Ok(linked(spec, id.clone(), spec.owner_id.clone(), None)));
                    if spec.activity.is_some() {
                        pending.push(i);
                    }
                } else {
                    pending.push(i);
                }
            }
            for chunk in pending.chunks(CHUNK) {
                chunks.push_back((kind, chunk.to_vec()));
            }
        }
        let mut me = Self {
            links: vec![None; specs.len()],
            session,
            specs,
            chunks,
            current: None,
            outcomes,
            book: AccountBook::default(),
        };
        me.advance_chunk();
        me
    }

    /// Replaces the access token (after a refresh) for the remaining requests.
    pub fn set_access_token(&mut self, token: impl Into<String>) {
        self.session.access_token = token.into();
    }

    /// What the next request does ([`crate::BulkPhase::Done`] when there is none).
    pub fn phase(&self) -> crate::BulkPhase {
        use crate::BulkPhase;
        match &self.current {
            None => BulkPhase::Done,
            Some((_, _, Step::Dedupe(_))) => BulkPhase::Lookup,
            Some((_, _, Step::Accounts(_))) => BulkPhase::Accounts,
            Some((_, _, Step::Create(_))) => BulkPhase::Create,
            Some((_, _, Step::Tasks(_))) => BulkPhase::Activities,
        }
    }

    /// The next request to execute, or `None` when done.
    pub fn next_request(&self) -> Option<HttpRequest> {
        let (kind, _, step) = self.current.as_ref()?;
        match step {
            Step::Dedupe(queue) => Some(composite_request(&self.session, next_batch(queue))),
            Step::Accounts(made) => {
                let (names, owners): (Vec<_>, Vec<_>) = made.iter().cloned().unzip();
                create_accounts_request(&self.session, &names, &owners).ok()
            }
            Step::Create(indices) => Some(self.create_request(*kind, indices)),
            Step::Tasks(indices) => Some(self.tasks_request(indices)),
        }
    }

    /// Feeds the answer to the request last returned by [`next_request`](Self::next_request).
    /// On a whole-call error nothing changes: the same request comes out again.
    pub fn on_response(&mut self, resp: HttpResponse) -> Result<(), CrmError> {
        let Some((kind, chunk, step)) = self.current.take() else {
            return Ok(());
        };
        let in_flight = step.clone();
        let result = match step {
            Step::Dedupe(queue) => self.on_dedupe(kind, chunk.clone(), queue, &resp),
            Step::Accounts(made) => {
                let names: Vec<String> = made.into_iter().map(|(n, _)| n).collect();
                self.book
                    .on_created(&names, &resp)
                    .map(|()| Some(self.create_step(kind, chunk.clone())))
            }
            Step::Create(indices) => self
                .on_create(&indices, &resp)
                .map(|()| self.after_create(kind, chunk.clone())),
            Step::Tasks(indices) => self.on_tasks(&indices, &resp).map(|()| None),
        };
        match result {
            Ok(Some(next)) => self.current = Some(next),
            Ok(None) => self.advance_chunk(),
            Err(e) => {
                self.current = Some((kind, chunk, in_flight));
                return Err(e);
            }
        }
        Ok(())
    }

    /// Gives up on everything not yet settled, recording `error` for each.
    pub fn abort(&mut self, error: ApiError) {
        self.current = None;
        self.chunks.clear();
        for slot in self.outcomes.iter_mut().filter(|o| o.is_none()) {
            *slot = Some(Err(error.clone()));
        }
    }

    /// One result per input spec, in input order (unsettled ones report `NOT_PROCESSED`).
    pub fn results(&self) -> Vec<BulkItemResult> {
        let not_processed = Err(blank(
            0,
            "NOT_PROCESSED",
            "the bulk save did not reach this record",
        ));
        self.outcomes
            .iter()
            .enumerate()
            .map(|(index, o)| BulkItemResult {
                index,
                outcome: match o {
                    Some(r) => r.clone(),
                    None => not_processed.clone(),
                },
            })
            .collect()
    }

    /// Per input spec: the Account it was linked to or given, or why not (`None`: it named
    /// no company, or the run has not got that far).
    pub fn account_links(&self) -> &[Option<AccountLink>] {
        &self.links
    }

    fn unsettled(&self, chunk: &[usize]) -> Vec<usize> {
        chunk
            .iter()
            .copied()
            .filter(|&i| self.outcomes[i].is_none())
            .collect()
    }

    fn advance_chunk(&mut self) {
        while let Some((kind, chunk)) = self.chunks.pop_front() {
            self.book = AccountBook::default();
            let open = self.unsettled(&chunk);
            let mut queries = dedupe_queries(&self.session, &self.specs, kind, &open);
            let names: Vec<String> = companies(&self.specs, &open)
                .into_iter()
                .map(|(name, _, _)| name)
                .collect();
            queries.extend(account_queries(&self.session, &names));
            if !queries.is_empty() {
                self.current = Some((kind, chunk, Step::Dedupe(queries)));
                return;
            }
            if let Some(next) = self.after_dedupe(kind, chunk) {
                self.current = Some(next);
                return;
            }
        }
    }

    fn on_dedupe(
        &mut self,
        kind: RecordKind,
        chunk: Vec<usize>,
        queue: Vec<String>,
        resp: &HttpResponse,
    ) -> Result<Option<Current>, CrmError> {
        let sent = next_batch(&queue).len();
        let (records, mut next) = parse_composite(resp, sent)?;
        next.extend(queue.into_iter().skip(sent));
        let queue = next;
        for r in &records {
            if is_account(r) {
                self.book.found(r);
                continue;
            }
            let Some(id) = str_of(r, "Id") else { continue };
            for &i in &chunk {
                if self.outcomes[i].is_none() && record_matches(&self.session, r, &self.specs[i]) {
                    let owner = str_of(r, "OwnerId");
                    let job = record_job(r);
                    self.outcomes[i] = Some(Ok(linked(&self.specs[i], id.clone(), owner, job)));
                }
            }
        }
        if queue.is_empty() {
            Ok(self.after_dedupe(kind, chunk))
        } else {
            Ok(Some((kind, chunk, Step::Dedupe(queue))))
        }
    }

    fn after_dedupe(&mut self, kind: RecordKind, chunk: Vec<usize>) -> Option<Current> {
        let create = self.creatable(&self.unsettled(&chunk));
        if create.is_empty() {
            return self.after_create(kind, chunk);
        }
        // Owned like the first Contact who works there.
        let missing: Vec<(String, Option<String>)> = companies(&self.specs, &create)
            .into_iter()
            .filter(|(_, key, _)| self.book.link(key).is_none())
            .map(|(name, _, i)| (name, self.specs[i].owner_id.clone()))
            .collect();
        if missing.is_empty() {
            Some(self.create_step(kind, chunk))
        } else {
            Some((kind, chunk, Step::Accounts(missing)))
        }
    }

    /// The create step, with each Contact's Account resolved (and noted in `links`).
    fn create_step(&mut self, kind: RecordKind, chunk: Vec<usize>) -> Current {
        let create = self.creatable(&self.unsettled(&chunk));
        for &i in &create {
            if let Some((_, key)) = account_name(&self.specs[i]) {
                // Every name is resolved by now (found, or in the Accounts call); should one
                // not be, the Contact goes out unlinked and says so rather than guess.
                let unresolved = || {
                    AccountLink::NotCreated(blank(
                        0,
                        "NOT_PROCESSED",
                        "the Account step did not reach this company",
                    ))
                };
                self.links[i] = Some(self.book.link(&key).unwrap_or_else(unresolved));
            }
        }
        (kind, chunk, Step::Create(create))
    }

    /// The spec as its create sends it: with the Account it was given, if any.
    fn spec_with_account(&self, i: usize) -> SaveSpec {
        let mut spec = self.specs[i].clone();
        if let Some(link) = &self.links[i] {
            if let AccountLink::Linked(id) | AccountLink::Created(id) = link {
                spec.account_id = Some(id.clone());
            }
            spec.new_account = None;
        }
        spec
    }

    /// The first spec of each person in `indices`.
    fn creatable(&self, indices: &[usize]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for &i in indices {
            if !out
                .iter()
                .any(|&j| same_person(&self.specs[i], &self.specs[j]))
            {
                out.push(i);
            }
        }
        out
    }

    fn create_request(&self, kind: RecordKind, indices: &[usize]) -> HttpRequest {
        let records: Vec<Value> = indices
            .iter()
            .filter_map(|&i| record_fields(&self.session, &self.spec_with_account(i)).ok())
            .map(|mut m| {
                m.insert("attributes".into(), json!({ "type": kind.sobject() }));
                Value::Object(m)
            })
            .collect();
        let body = json!({ "allOrNone": false, "records": records });
        let mut req = HttpRequest::json(
            "POST",
            self.session.data_url("composite/sobjects"),
            &self.session.access_token,
            &body,
        );
        req.headers
            .push(("Sforce-Auto-Assign".into(), "FALSE".into()));
        req
    }

    fn on_create(&mut self, indices: &[usize], resp: &HttpResponse) -> Result<(), CrmError> {
        let results = save_results(resp, indices.len())?;
        for (&i, r) in indices.iter().zip(results) {
            self.outcomes[i] = Some(r.map(|id| SaveOutcome {
                record_id: id,
                object: self.specs[i].record.sobject().to_string(),
                created: true,
                activity_id: None,
                owner_id: self.specs[i].owner_id.clone(),
                crm_job: None,
            }));
        }
        Ok(())
    }

    fn after_create(&mut self, kind: RecordKind, chunk: Vec<usize>) -> Option<Current> {
        // Later copies of a person created in this chunk link to the created record.
        for i in self.unsettled(&chunk) {
            let twin = chunk.iter().find_map(|&j| match &self.outcomes[j] {
                Some(Ok(o)) if j != i && same_person(&self.specs[i], &self.specs[j]) => {
                    Some(o.clone())
                }
                _ => None,
            });
            if let Some(o) = twin {
                self.outcomes[i] = Some(Ok(linked(
                    &self.specs[i],
                    o.record_id,
                    o.owner_id,
                    o.crm_job,
                )));
            }
        }
        let tasks = self.task_indices(&chunk);
        (!tasks.is_empty()).then_some((kind, chunk, Step::Tasks(tasks)))
    }

    fn task_indices(&self, chunk: &[usize]) -> Vec<usize> {
        chunk
            .iter()
            .copied()
            .filter(|&i| self.specs[i].activity.is_some())
            .filter(|&i| matches!(&self.outcomes[i], Some(Ok(o)) if o.activity_id.is_none()))
            .collect()
    }

    fn tasks_request(&self, indices: &[usize]) -> HttpRequest {
        let records: Vec<Value> = indices
            .iter()
            .filter_map(|&i| {
                let spec = &self.specs[i];
                let Some(Ok(o)) = &self.outcomes[i] else {
                    return None;
                };
                let activity = spec.activity.as_ref()?;
                let mut m = task_fields(&o.record_id, activity, spec.owner_id.as_deref()).ok()?;
                m.insert("attributes".into(), json!({ "type": "Task" }));
                Some(Value::Object(m))
            })
            .collect();
        let body = json!({ "allOrNone": false, "records": records });
        HttpRequest::json(
            "POST",
            self.session.data_url("composite/sobjects"),
            &self.session.access_token,
            &body,
        )
    }

    fn on_tasks(&mut self, indices: &[usize], resp: &HttpResponse) -> Result<(), CrmError> {
        let results = save_results(resp, indices.len())?;
        for (&i, r) in indices.iter().zip(results) {
            if let Some(slot @ Some(Ok(_))) = self.outcomes.get_mut(i) {
                match (r, slot.as_mut()) {
                    (Ok(id), Some(Ok(o))) => o.activity_id = Some(id),
                    (Err(e), _) => *slot = Some(Err(e)),
                    _ => {}
                }
            }
        }
        Ok(())
    }
}
