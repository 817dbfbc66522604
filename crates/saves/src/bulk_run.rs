//! One run of a bulk chunk, whatever the CRM: `crm::salesforce::BulkSave` (dedupe query +
//! sObject Collections) or [`HsBatch`] (batch read + batch create), behind one small face.

use crm::salesforce::bulk::AccountLink;
use crm::salesforce::BulkSave;
use crm::{ApiError, BulkPhase, CrmError, HttpRequest, HttpResponse, SaveOutcome, SaveSpec};

use crate::bulk_hs::HsBatch;
use crate::session::{hs_session, session, Tokens};
use crate::team::{CrmKind, LocalTeam};

/// A chunk's CRM state machine.
pub(crate) enum ChunkRun {
    /// Salesforce.
    Salesforce(Box<BulkSave>),
    /// HubSpot.
    Hubspot(Box<HsBatch>),
}

impl ChunkRun {
    /// Starts a run over `specs` (a spec with `existing_id` costs no call).
    pub(crate) fn start(team: &LocalTeam, tokens: &Tokens, specs: Vec<SaveSpec>) -> Self {
        match team.config.crm {
            CrmKind::Salesforce => {
                Self::Salesforce(Box::new(BulkSave::new(session(team, tokens), specs)))
            }
            CrmKind::Hubspot => Self::Hubspot(Box::new(HsBatch::new(hs_session(tokens), specs))),
        }
    }

    /// What the next request does.
    pub(crate) fn phase(&self) -> BulkPhase {
        match self {
            Self::Salesforce(b) => b.phase(),
            Self::Hubspot(b) => b.phase(),
        }
    }

    /// The next request, `None` when the run is over.
    pub(crate) fn next_request(&self) -> Result<Option<HttpRequest>, CrmError> {
        match self {
            Self::Salesforce(b) => Ok(b.next_request()),
            Self::Hubspot(b) => b.next_request(),
        }
    }

    /// Feeds an answer; a whole-call error leaves the state unchanged.
    pub(crate) fn on_response(&mut self, resp: &HttpResponse) -> Result<(), CrmError> {
        match self {
            Self::Salesforce(b) => b.on_response(resp.clone()),
            Self::Hubspot(b) => b.on_response(resp),
        }
    }

    /// One slot per spec: its Account (Salesforce Contacts naming a company), once resolved.
    pub(crate) fn account_links(&self) -> Vec<Option<AccountLink>> {
        match self {
            Self::Salesforce(b) => b.account_links().to_vec(),
            Self::Hubspot(_) => Vec::new(),
        }
    }

    /// One slot per spec: the outcome, or `None` while unsettled.
    pub(crate) fn outcomes(&self) -> Vec<Option<Result<SaveOutcome, ApiError>>> {
        match self {
            Self::Salesforce(b) => b
                .results()
                .into_iter()
                .map(|r| match r.outcome {
                    Err(e) if e.code == "NOT_PROCESSED" && e.status == 0 => None,
                    other => Some(other),
                })
                .collect(),
            Self::Hubspot(b) => b.outcomes(),
        }
    }
}
