//! [`HsBulkSave`]: a HubSpot chunk as a sans-IO state machine, the HubSpot twin of
//! [`crate::salesforce::BulkSave`], both behind [`crate::BulkRun`]: one `batch/read` by e-mail (the dedupe of people with an
//! e-mail; skipped when nobody has one), one contacts search by LinkedIn URL for the people
//! without an e-mail ([`crate::hubspot::by_linkedin`]; skipped when there are none; a chunk of
//! ≤100 fits one search, more than 200 matches page on), then, for the people the search
//! missed whom the caller created minutes ago ([`HsBulkSave::with_recent`]: the search index
//! lags new contacts), one `batch/read` of those ids, which does not lag
//! ([`by_linkedin::confirm_request`]), then one `batch/create` (≤100) of the people not found. A person appearing twice is created once; a 409 / duplicate answer links
//! the existing contact. On a whole-call error the state is unchanged, so the same request can
//! be retried.
//!
//! HubSpot contacts carry no activities here: chunks leave people with an activity on the
//! single-save path (contact, then engagement).

use crate::hubspot::contacts::{
    batch_create_request, contact_properties, parse_batch_create, properties_job, BATCH_LIMIT,
    JOB_PROPERTIES, OBJECT,
};
use crate::hubspot::{by_linkedin, HsSession};
use crate::{
    ApiError, BulkPhase, BulkRun, CrmError, HttpRequest, HttpResponse, Job, SaveOutcome, SaveSpec,
};
use serde_json::{json, Value};

#[derive(Clone)]
enum Phase {
    Read(Vec<usize>),
    /// People without an e-mail, searched by LinkedIn URL; the paging cursor once a page came.
    Search(Vec<usize>, Option<String>),
    /// People the search missed but the caller created recently: their ids read back.
    Confirm(Vec<usize>),
    Create(Vec<usize>),
    Done,
}

/// Drives one HubSpot chunk: `next_request` / `on_response` until `next_request` is `None`.
pub struct HsBulkSave {
    session: HsSession,
    specs: Vec<SaveSpec>,
    outcomes: Vec<Option<Result<SaveOutcome, ApiError>>>,
    /// Per spec: the contact id the caller created for this person recently, if any.
    recent: Vec<Option<String>>,
    phase: Phase,
}

impl HsBulkSave {
    /// What the next request does ([`BulkPhase::Done`] when there is none).
    pub fn phase(&self) -> BulkPhase {
        match self.phase {
            Phase::Read(_) | Phase::Search(..) | Phase::Confirm(_) => BulkPhase::Lookup,
            Phase::Create(_) => BulkPhase::Create,
            Phase::Done => BulkPhase::Done,
        }
    }
}

fn email_of(spec: &SaveSpec) -> Option<String> {
    spec.prospect
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_lowercase)
}

/// The LinkedIn URL of a spec without an e-mail (the search's key).
fn url_only(spec: &SaveSpec) -> Option<&str> {
    if email_of(spec).is_some() {
        return None;
    }
    spec.prospect
        .linkedin_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
}

/// What makes two specs of a batch the same person: the e-mail, else the LinkedIn URL.
fn twin_key(spec: &SaveSpec) -> Option<String> {
    email_of(spec).map(|e| format!("email:{e}")).or_else(|| {
        url_only(spec).map(|u| format!("linkedin:{}", crate::linkedin::url_match_key(u)))
    })
}

fn outcome(spec: &SaveSpec, id: String, created: bool) -> SaveOutcome {
    SaveOutcome {
        record_id: id,
        object: OBJECT.into(),
        created,
        activity_id: None,
        owner_id: spec.owner_id.clone(),
        crm_job: None,
    }
}

/// A person found in HubSpot: owned by the record's own `hubspot_owner_id` when it has one
/// (what a badge or a link shows), else by the spec's.
fn found_outcome(
    spec: &SaveSpec,
    id: String,
    owner_id: Option<String>,
    job: Option<Job>,
) -> SaveOutcome {
    SaveOutcome {
        owner_id: owner_id.or_else(|| spec.owner_id.clone()),
        crm_job: job,
        ..outcome(spec, id, false)
    }
}

fn refused(e: &CrmError) -> ApiError {
    ApiError {
        status: 0,
        code: "INVALID_INPUT".into(),
        message: e.to_string(),
        fields: vec![],
        duplicate_ids: vec![],
        hint: e.hint().map(str::to_owned),
    }
}

impl HsBulkSave {
    /// Settles invalid specs and specs with `existing_id` at once; plans the rest.
    pub fn new(session: HsSession, specs: Vec<SaveSpec>) -> Self {
        let mut outcomes = vec![None; specs.len()];
        for (i, spec) in specs.iter().enumerate() {
            if let Err(e) = contact_properties(&session, spec) {
                outcomes[i] = Some(Err(refused(&e)));
            } else if let Some(id) = &spec.existing_id {
                outcomes[i] = Some(Ok(outcome(spec, id.clone(), false)));
            }
        }
        let recent = vec![None; specs.len()];
        let mut me = Self {
            session,
            specs,
            outcomes,
            recent,
            phase: Phase::Done,
        };
        let open = me.unsettled();
        let readable: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&i| email_of(&me.specs[i]).is_some())
            .collect();
        me.phase = if !readable.is_empty() {
            Phase::Read(readable)
        } else {
            me.search_phase()
        };
        me
    }

    /// Tells the run which contacts the caller created recently, one slot per spec (the id
    /// made for that person): a person the LinkedIn search misses is read back by that id
    /// before anyone is created. Call before the first request; a slot for a person with an
    /// e-mail is not used (the read by e-mail does not lag).
    pub fn with_recent(mut self, recent: Vec<Option<String>>) -> Self {
        self.recent = recent;
        self.recent.resize(self.specs.len(), None);
        self
    }

    /// The read-back of the people the search missed whom the caller created recently, else
    /// the create.
    fn confirm_phase(&self) -> Phase {
        let pending: Vec<usize> = self
            .unsettled()
            .into_iter()
            .filter(|&i| url_only(&self.specs[i]).is_some() && self.recent[i].is_some())
            .take(BATCH_LIMIT)
            .collect();
        if pending.is_empty() {
            self.create_phase()
        } else {
            Phase::Confirm(pending)
        }
    }

    /// The search of the unsettled people without an e-mail, else the create.
    fn search_phase(&self) -> Phase {
        if self.session.linkedin_property.is_none() {
            return self.create_phase();
        }
        let searchable: Vec<usize> = self
            .unsettled()
            .into_iter()
            .filter(|&i| url_only(&self.specs[i]).is_some())
            .collect();
        if searchable.is_empty() {
            self.create_phase()
        } else {
            Phase::Search(searchable, None)
        }
    }

    fn unsettled(&self) -> Vec<usize> {
        (0..self.specs.len())
            .filter(|&i| self.outcomes[i].is_none())
            .collect()
    }

    /// The first spec of each person (same e-mail, or same LinkedIn URL without an e-mail)
    /// among the unsettled ones (HubSpot refuses a batch that repeats an e-mail), or `Done`.
    fn create_phase(&self) -> Phase {
        let mut seen: Vec<String> = Vec::new();
        let mut create = Vec::new();
        for i in self.unsettled() {
            match twin_key(&self.specs[i]) {
                Some(k) if seen.contains(&k) => {}
                Some(k) => {
                    seen.push(k);
                    create.push(i);
                }
                None => create.push(i),
            }
        }
        create.truncate(BATCH_LIMIT);
        if create.is_empty() {
            Phase::Done
        } else {
            Phase::Create(create)
        }
    }

    /// The next request, `Ok(None)` when done.
    pub fn next_request(&self) -> Result<Option<HttpRequest>, CrmError> {
        match &self.phase {
            Phase::Read(indices) => Ok(Some(self.read_request(indices))),
            Phase::Search(indices, after) => {
                let property = self
                    .session
                    .linkedin_property
                    .as_deref()
                    .unwrap_or_default();
                let (values, _) = by_linkedin::search_values(
                    indices.iter().filter_map(|&i| url_only(&self.specs[i])),
                );
                by_linkedin::search_request(&self.session, property, &values, after.as_deref())
                    .map(Some)
            }
            Phase::Confirm(indices) => {
                let property = self
                    .session
                    .linkedin_property
                    .as_deref()
                    .unwrap_or_default();
                let ids: Vec<&str> = indices
                    .iter()
                    .filter_map(|&i| self.recent[i].as_deref())
                    .collect();
                by_linkedin::confirm_request(&self.session, property, &ids).map(Some)
            }
            Phase::Create(indices) => {
                let specs: Vec<SaveSpec> = indices.iter().map(|&i| self.specs[i].clone()).collect();
                batch_create_request(&self.session, &specs).map(Some)
            }
            Phase::Done => Ok(None),
        }
    }

    fn read_request(&self, indices: &[usize]) -> HttpRequest {
        let mut emails: Vec<String> = indices
            .iter()
            .filter_map(|&i| email_of(&self.specs[i]))
            .collect();
        emails.sort();
        emails.dedup();
        let inputs: Vec<Value> = emails.iter().map(|e| json!({ "id": e })).collect();
        let body = json!({
            "idProperty": "email",
            "properties": ["email", "hubspot_owner_id", JOB_PROPERTIES[0], JOB_PROPERTIES[1]],
            "inputs": inputs,
        });
        HttpRequest {
            method: "POST".into(),
            url: format!("{}/batch/read", self.session.objects_url(OBJECT)),
            headers: vec![
                (
                    "Authorization".into(),
                    format!("Bearer {}", self.session.access_token),
                ),
                ("Accept".into(), "application/json".into()),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: Some(body.to_string()),
        }
    }

    /// Feeds the answer; on a whole-call error nothing changes.
    pub fn on_response(&mut self, resp: &HttpResponse) -> Result<(), CrmError> {
        match self.phase.clone() {
            Phase::Read(indices) => {
                let found = read_answer(resp)?;
                for i in indices {
                    let hit = email_of(&self.specs[i])
                        .and_then(|e| found.iter().find(|(fe, _, _, _)| *fe == e))
                        .map(|(_, id, owner, job)| (id.clone(), owner.clone(), job.clone()));
                    if let Some((id, owner, job)) = hit {
                        self.outcomes[i] = Some(Ok(found_outcome(&self.specs[i], id, owner, job)));
                    }
                }
                self.phase = self.search_phase();
            }
            Phase::Search(indices, _) => {
                let property = self.session.linkedin_property.clone().unwrap_or_default();
                let found = by_linkedin::parse_search(&property, resp)?;
                let mut open = false;
                for &i in &indices {
                    if self.outcomes[i].is_some() {
                        continue; // found on an earlier page
                    }
                    let hit = url_only(&self.specs[i])
                        .and_then(|url| by_linkedin::oldest_for(&found.contacts, url));
                    match hit {
                        Some(r) => {
                            self.outcomes[i] =
                                Some(Ok(found_outcome(&self.specs[i], r.id, r.owner_id, r.job)))
                        }
                        None => open = true,
                    }
                }
                // The next page is of the same search (same values), so the same people.
                self.phase = match found.after {
                    Some(after) if open => Phase::Search(indices, Some(after)),
                    _ => self.confirm_phase(),
                };
            }
            Phase::Confirm(indices) => {
                let property = self.session.linkedin_property.clone().unwrap_or_default();
                let found = by_linkedin::parse_confirm(&property, resp)?;
                for i in indices {
                    let Some(url) = url_only(&self.specs[i]) else {
                        continue;
                    };
                    if let Some(r) = by_linkedin::confirmed(&found, url) {
                        self.outcomes[i] =
                            Some(Ok(found_outcome(&self.specs[i], r.id, r.owner_id, r.job)));
                    }
                }
                self.phase = self.create_phase();
            }
            Phase::Create(indices) => {
                let specs: Vec<SaveSpec> = indices.iter().map(|&i| self.specs[i].clone()).collect();
                let results = parse_batch_create(&specs, resp)?;
                for (&i, r) in indices.iter().zip(results) {
                    self.outcomes[i] = Some(r.map(|id| outcome(&self.specs[i], id, true)));
                }
                self.link_twins();
                self.phase = Phase::Done;
            }
            Phase::Done => {}
        }
        Ok(())
    }

    /// Later copies of a person created in this batch link to the created contact.
    fn link_twins(&mut self) {
        for i in self.unsettled() {
            let Some(key) = twin_key(&self.specs[i]) else {
                continue;
            };
            let twin = (0..self.specs.len()).find_map(|j| match &self.outcomes[j] {
                Some(Ok(o)) if j != i && twin_key(&self.specs[j]).as_deref() == Some(&key) => {
                    Some(o.record_id.clone())
                }
                _ => None,
            });
            if let Some(id) = twin {
                self.outcomes[i] = Some(Ok(outcome(&self.specs[i], id, false)));
            }
        }
    }

    /// One slot per spec: `None` while unsettled.
    pub fn outcomes(&self) -> Vec<Option<Result<SaveOutcome, ApiError>>> {
        self.outcomes.clone()
    }
}

impl BulkRun for HsBulkSave {
    fn phase(&self) -> BulkPhase {
        HsBulkSave::phase(self)
    }

    fn next_request(&self) -> Result<Option<HttpRequest>, CrmError> {
        HsBulkSave::next_request(self)
    }

    fn on_response(&mut self, resp: &HttpResponse) -> Result<(), CrmError> {
        HsBulkSave::on_response(self, resp)
    }
}

/// A contact a batch read found: its e-mail (lowercase), id, `hubspot_owner_id` and job.
type ReadHit = (String, String, Option<String>, Option<Job>);

/// Every contact a `batch/read` answer found (200, or 207 with misses).
fn read_answer(resp: &HttpResponse) -> Result<Vec<ReadHit>, CrmError> {
    if !resp.is_success() {
        return Err(crate::error::api_error_from_response(
            crate::error::Crm::Hubspot,
            resp.status,
            &resp.body,
        )
        .into());
    }
    let v: Value = serde_json::from_str(&resp.body).map_err(|e| CrmError::Parse {
        message: e.to_string(),
        raw_body: resp.body.clone(),
    })?;
    Ok(v.get("results")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let id = match r.get("id")? {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            let email = r
                .pointer("/properties/email")?
                .as_str()?
                .trim()
                .to_lowercase();
            let owner = r
                .pointer("/properties/hubspot_owner_id")
                .and_then(Value::as_str)
                .filter(|o| !o.is_empty())
                .map(str::to_owned);
            Some((email, id, owner, properties_job(r.get("properties"))))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const ADA: &str = "https://www.linkedin.com/in/ada-lovelace/";

    fn session() -> HsSession {
        let mut s = HsSession::new("t");
        s.linkedin_property = Some("linkedin_url".into());
        s
    }

    fn ada() -> SaveSpec {
        SaveSpec {
            record: crate::RecordKind::Contact,
            prospect: crate::Prospect {
                last_name: "Lovelace".into(),
                linkedin_url: Some(ADA.into()),
                ..Default::default()
            },
            owner_id: Some("41".into()),
            existing_id: None,
            activity: None,
            description: None,
            account_id: None,
            new_account: None,
        }
    }

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.into(),
        }
    }

    const NO_HIT: &str = r#"{"total":0,"results":[]}"#;

    /// Runs Ada's chunk, the caller having created contact 501 for her recently: the search
    /// misses (the index lags), then `read_back` answers the read by id.
    fn run_with_recent(read_back: HttpResponse) -> (HsBulkSave, Vec<String>) {
        let mut run = HsBulkSave::new(session(), vec![ada()]).with_recent(vec![Some("501".into())]);
        let mut urls = Vec::new();
        let req = run.next_request().unwrap().unwrap();
        urls.push(req.url.clone());
        run.on_response(&answer(200, NO_HIT)).unwrap();
        let req = run.next_request().unwrap().unwrap();
        urls.push(req.url.clone());
        assert_eq!(
            run.phase(),
            BulkPhase::Lookup,
            "the read-back is part of the lookup"
        );
        run.on_response(&read_back).unwrap();
        (run, urls)
    }

    #[test]
    fn search_miss_and_a_recent_create_links_the_contact_made_then() {
        let (run, urls) = run_with_recent(answer(
            200,
            &format!(r#"{{"results":[{{"id":"501","properties":{{"linkedin_url":"{ADA}"}}}}]}}"#),
        ));
        assert!(urls[0].ends_with("/contacts/search") && urls[1].ends_with("/contacts/batch/read"));
        assert_eq!(run.phase(), BulkPhase::Done, "nobody is created");
        let out = run.outcomes()[0].clone().unwrap().unwrap();
        assert_eq!((out.record_id.as_str(), out.created), ("501", false));
    }

    #[test]
    fn search_miss_and_a_recent_create_since_deleted_creates_again() {
        let deleted = answer(
            207,
            r#"{"results":[],"numErrors":1,"errors":[{"category":"OBJECT_NOT_FOUND","context":{"ids":["501"]}}]}"#,
        );
        let (run, _) = run_with_recent(deleted);
        assert_eq!(run.phase(), BulkPhase::Create);
        assert!(run
            .next_request()
            .unwrap()
            .unwrap()
            .url
            .ends_with("/contacts/batch/create"));
        assert!(run.outcomes()[0].is_none());
    }

    #[test]
    fn a_search_hit_or_no_recent_create_reads_nothing_back() {
        let mut found =
            HsBulkSave::new(session(), vec![ada()]).with_recent(vec![Some("501".into())]);
        found
            .on_response(&answer(
                200,
                &format!(
                    r#"{{"results":[{{"id":"77","properties":{{"linkedin_url":"{ADA}"}}}}]}}"#
                ),
            ))
            .unwrap();
        assert_eq!(found.phase(), BulkPhase::Done);
        assert_eq!(
            found.outcomes()[0].clone().unwrap().unwrap().record_id,
            "77"
        );

        let mut plain = HsBulkSave::new(session(), vec![ada()]).with_recent(vec![None]);
        plain.on_response(&answer(200, NO_HIT)).unwrap();
        assert_eq!(
            plain.phase(),
            BulkPhase::Create,
            "no recent create: the search stands"
        );
    }

    /// `saves` drives both CRMs' chunks through [`BulkRun`]: through it, a HubSpot chunk asks
    /// the requests its own methods ask (first the search for Ada).
    #[test]
    fn a_chunk_driven_through_bulk_run_asks_its_own_requests() {
        let mut run = HsBulkSave::new(session(), vec![ada()]);
        let first = HsBulkSave::next_request(&run).unwrap();
        let driven: &mut dyn BulkRun = &mut run;
        assert_eq!(driven.phase(), BulkPhase::Lookup);
        let asked = driven.next_request().unwrap();
        assert!(asked.is_some(), "a request for Ada");
        assert_eq!(asked, first);
        // Its answer, fed through it, moves the chunk on as its own method does.
        driven.on_response(&answer(200, NO_HIT)).unwrap();
        assert_eq!(driven.phase(), BulkPhase::Create);
        assert_ne!(driven.next_request().unwrap(), first);
    }

    /// A person the chunk's search finds carries the contact's job as HubSpot has it (what
    /// tells a job change) and the contact's own owner.
    #[test]
    fn a_found_contact_carries_its_job_and_its_owner() {
        let mut run = HsBulkSave::new(session(), vec![ada()]);
        run.on_response(&answer(
            200,
            &format!(
                r#"{{"results":[{{"id":"77","properties":{{"linkedin_url":"{ADA}","jobtitle":"Analyst","company":"Babbage & Co","hubspot_owner_id":"52"}}}}]}}"#
            ),
        ))
        .unwrap();
        let out = run.outcomes()[0].clone().unwrap().unwrap();
        assert_eq!(
            out.crm_job,
            Some(Job {
                title: Some("Analyst".into()),
                company: Some("Babbage & Co".into())
            })
        );
        assert_eq!(out.owner_id.as_deref(), Some("52"));
    }

    /// A search answer with more pages is paged on only while someone is still unfound: the
    /// next page is the same search, so once everyone is found it can hold nobody new (one
    /// call saved per chunk whose people have more than 200 matches).
    #[test]
    fn the_search_pages_on_only_while_someone_is_unfound() {
        let page = |url: &str| {
            answer(
                200,
                &format!(
                    r#"{{"total":250,"results":[{{"id":"77","properties":{{"linkedin_url":"{url}"}}}}],"paging":{{"next":{{"after":"200"}}}}}}"#
                ),
            )
        };
        let mut found = HsBulkSave::new(session(), vec![ada()]);
        found.on_response(&page(ADA)).unwrap();
        assert!(found.next_request().unwrap().is_none(), "Ada was found");
        assert_eq!(
            found.outcomes()[0].clone().unwrap().unwrap().record_id,
            "77"
        );

        let mut missing = HsBulkSave::new(session(), vec![ada()]);
        missing
            .on_response(&page("https://www.linkedin.com/in/someone-else/"))
            .unwrap();
        let next = missing.next_request().unwrap().unwrap();
        assert!(next.url.ends_with("/contacts/search"), "{}", next.url);
        let body: Value = serde_json::from_str(next.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["after"], "200");
    }

    /// Grace: another LinkedIn-only person.
    fn grace() -> SaveSpec {
        let mut g = ada();
        g.prospect.last_name = "Hopper".into();
        g.prospect.linkedin_url = Some("https://www.linkedin.com/in/grace-hopper/".into());
        g
    }

    /// The inputs of the chunk's batch create, after a search that found nobody.
    fn created_after_a_miss(specs: Vec<SaveSpec>) -> (HsBulkSave, Vec<Value>) {
        let mut run = HsBulkSave::new(session(), specs);
        run.on_response(&answer(200, NO_HIT)).unwrap();
        let req = run.next_request().unwrap().unwrap();
        assert!(req.url.ends_with("/contacts/batch/create"), "{}", req.url);
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        (run, body["inputs"].as_array().unwrap().clone())
    }

    /// The same person twice in a chunk (the same LinkedIn URL, spelled two ways) is created
    /// once; the second copy links to that contact.
    #[test]
    fn a_person_twice_in_a_chunk_is_created_once() {
        let mut again = ada();
        again.prospect.linkedin_url = Some("https://linkedin.com/in/Ada-Lovelace?trk=x".into());
        let (mut run, inputs) = created_after_a_miss(vec![ada(), again]);
        assert_eq!(inputs.len(), 1, "{inputs:?}");
        run.on_response(&answer(
            201,
            r#"{"status":"COMPLETE","results":[{"id":"601","objectWriteTraceId":"0","properties":{}}]}"#,
        ))
        .unwrap();
        let out: Vec<(String, bool)> = run
            .outcomes()
            .into_iter()
            .map(|o| {
                let o = o.unwrap().unwrap();
                (o.record_id, o.created)
            })
            .collect();
        assert_eq!(out, [("601".into(), true), ("601".into(), false)]);
    }

    /// Without trace ids, each created contact goes to the person with its e-mail, whatever
    /// the answer's order.
    #[test]
    fn without_trace_ids_each_created_contact_goes_to_its_email() {
        let mut ada = ada();
        ada.prospect.email = Some("ada@example.com".into());
        let mut grace = grace();
        grace.prospect.email = Some("Grace@Example.com".into());
        let placed = parse_batch_create(
            &[ada, grace],
            &answer(
                201,
                r#"{"status":"COMPLETE","results":[
                    {"id":"602","properties":{"email":"grace@example.com"}},
                    {"id":"601","properties":{"email":"ada@example.com"}}]}"#,
            ),
        )
        .unwrap();
        let ids: Vec<&str> = placed.iter().map(|r| r.as_deref().unwrap()).collect();
        assert_eq!(ids, ["601", "602"]);
    }

    /// A batch read's contact id is read whether HubSpot writes it as a string or a number.
    #[test]
    fn a_read_contacts_id_may_be_a_number() {
        let hits = read_answer(&answer(
            200,
            r#"{"status":"COMPLETE","results":[
                {"id":601,"properties":{"email":"Ada@Example.com"}},
                {"id":"602","properties":{"email":"grace@example.com"}},
                {"id":null,"properties":{"email":"nobody@example.com"}}]}"#,
        ))
        .unwrap();
        let found: Vec<(&str, &str)> = hits
            .iter()
            .map(|(email, id, _, _)| (email.as_str(), id.as_str()))
            .collect();
        assert_eq!(
            found,
            [("ada@example.com", "601"), ("grace@example.com", "602")]
        );
    }

    /// Ada and Grace, each twice in a chunk: each is created once, and each second copy
    /// links to its own twin's contact, never to the other person's.
    #[test]
    fn each_second_copy_links_to_its_own_twin() {
        let mut ada_again = ada();
        ada_again.prospect.linkedin_url = Some("https://linkedin.com/in/Ada-Lovelace?trk=x".into());
        let mut grace_again = grace();
        grace_again.prospect.linkedin_url = Some("https://linkedin.com/in/grace-hopper".into());
        let (mut run, inputs) = created_after_a_miss(vec![ada(), grace(), ada_again, grace_again]);
        assert_eq!(inputs.len(), 2, "{inputs:?}");
        run.on_response(&answer(
            201,
            r#"{"status":"COMPLETE","results":[
                {"id":"601","objectWriteTraceId":"0","properties":{}},
                {"id":"602","objectWriteTraceId":"1","properties":{}}]}"#,
        ))
        .unwrap();
        let ids: Vec<String> = run
            .outcomes()
            .into_iter()
            .map(|o| o.unwrap().unwrap().record_id)
            .collect();
        assert_eq!(ids, ["601", "602", "601", "602"]);
    }

    /// Ada and Grace, neither found, created by HubSpot answering 602 with `trace_602` first
    /// and 601 with trace "0": the record id each person got, in input order.
    fn created_with_traces(trace_602: &str) -> Vec<String> {
        let (mut run, inputs) = created_after_a_miss(vec![ada(), grace()]);
        assert_eq!(inputs.len(), 2);
        let body = format!(
            r#"{{"status":"COMPLETE","results":[
                {{"id":"602","objectWriteTraceId":"{trace_602}","properties":{{}}}},
                {{"id":"601","objectWriteTraceId":"0","properties":{{}}}}]}}"#
        );
        run.on_response(&answer(201, &body)).unwrap();
        run.outcomes()
            .into_iter()
            .map(|o| o.unwrap().unwrap().record_id)
            .collect()
    }

    /// HubSpot's batch answer need not keep the inputs' order: people without an e-mail get
    /// their own contact by the trace id each input carries.
    #[test]
    fn each_created_contact_goes_to_its_own_person_whatever_the_answers_order() {
        assert_eq!(created_with_traces("1"), ["601", "602"]);
        // A trace id past the inputs is no index: that contact goes to the person left.
        assert_eq!(created_with_traces("2"), ["601", "602"]);
    }

    /// A refused input's error goes to its person by the trace id HubSpot echoes in the
    /// error's context; a trace id past the inputs is no index: nobody gets that error, and
    /// the person without an answer is told so.
    #[test]
    fn a_refused_inputs_error_goes_to_its_person_by_its_trace_id() {
        let specs = [ada(), grace()];
        let answered = |trace: &str| {
            let body = format!(
                r#"{{"status":"COMPLETE",
                "results":[{{"id":"601","objectWriteTraceId":"0","properties":{{}}}}],
                "errors":[{{"status":"error","category":"VALIDATION_ERROR",
                    "message":"Property values were not valid",
                    "context":{{"objectWriteTraceId":["{trace}"]}}}}]}}"#
            );
            parse_batch_create(&specs, &answer(207, &body)).unwrap()
        };
        let placed = answered("1");
        assert_eq!(placed[0].as_deref().ok(), Some("601"));
        assert_eq!(placed[1].as_ref().unwrap_err().code, "VALIDATION_ERROR");
        let past = answered("2");
        assert_eq!(past[0].as_deref().ok(), Some("601"));
        assert_eq!(past[1].as_ref().unwrap_err().code, "NOT_PROCESSED");
    }

    #[test]
    fn a_failed_read_back_changes_nothing_so_it_is_asked_again() {
        let mut run = HsBulkSave::new(session(), vec![ada()]).with_recent(vec![Some("501".into())]);
        run.on_response(&answer(200, NO_HIT)).unwrap();
        let before = run.next_request().unwrap().unwrap().url;
        assert!(run
            .on_response(&answer(
                429,
                r#"{"category":"RATE_LIMITS","message":"slow down"}"#
            ))
            .is_err());
        assert_eq!(run.next_request().unwrap().unwrap().url, before);
    }
}
