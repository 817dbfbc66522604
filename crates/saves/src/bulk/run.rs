//! One run of a bulk chunk, whatever the CRM: `crm::salesforce::BulkSave` (dedupe query +
//! sObject Collections) or `crm::hubspot::HsBulkSave` (batch read + batch create), driven
//! through their common face `crm::BulkRun`.

use crm::hubspot::HsBulkSave;
use crm::salesforce::bulk::AccountLink;
use crm::salesforce::BulkSave;
use crm::{
    ApiError, BulkPhase, BulkRun, CrmError, HttpRequest, HttpResponse, SaveOutcome, SaveSpec,
};

use crate::team::session::{hs_session, session, Tokens};
use crate::team::{CrmKind, LocalTeam};

/// A chunk's CRM state machine.
pub(crate) enum ChunkRun {
    /// Salesforce.
    Salesforce(Box<BulkSave>),
    /// HubSpot.
    Hubspot(Box<HsBulkSave>),
}

impl ChunkRun {
    /// Starts a run over `specs` (a spec with `existing_id` costs no call). `recent` has one
    /// slot per spec: the HubSpot contact this browser created for that person minutes ago
    /// ([`crate::journal::recent`]), read back when the search misses them (Salesforce ignores it).
    pub(crate) fn start(
        team: &LocalTeam,
        tokens: &Tokens,
        specs: Vec<SaveSpec>,
        recent: Vec<Option<String>>,
    ) -> Self {
        match team.config.crm {
            CrmKind::Salesforce => {
                Self::Salesforce(Box::new(BulkSave::new(session(team, tokens), specs)))
            }
            CrmKind::Hubspot => Self::Hubspot(Box::new(
                HsBulkSave::new(hs_session(tokens), specs).with_recent(recent),
            )),
        }
    }

    /// The run behind its CRM-independent face.
    fn run(&self) -> &dyn BulkRun {
        match self {
            Self::Salesforce(b) => b.as_ref(),
            Self::Hubspot(b) => b.as_ref(),
        }
    }

    /// What the next request does.
    pub(crate) fn phase(&self) -> BulkPhase {
        self.run().phase()
    }

    /// The next request, `None` when the run is over.
    pub(crate) fn next_request(&self) -> Result<Option<HttpRequest>, CrmError> {
        self.run().next_request()
    }

    /// Feeds an answer; a whole-call error leaves the state unchanged.
    pub(crate) fn on_response(&mut self, resp: &HttpResponse) -> Result<(), CrmError> {
        let run: &mut dyn BulkRun = match self {
            Self::Salesforce(b) => b.as_mut(),
            Self::Hubspot(b) => b.as_mut(),
        };
        run.on_response(resp)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crm::salesforce::SfSession;
    use crm::{Prospect, RecordKind, SaveSpec};

    fn spec(last_name: &str, owner: &str) -> SaveSpec {
        SaveSpec {
            record: RecordKind::Contact,
            prospect: Prospect {
                last_name: last_name.into(),
                email: Some(format!("{last_name}@example.com")),
                ..Prospect::default()
            },
            owner_id: Some(owner.into()),
            existing_id: None,
            activity: None,
            description: None,
            account_id: None,
            new_account: None,
        }
    }

    /// A Salesforce chunk's outcomes: a person the CRM's rules refused before any call is
    /// settled with that refusal; the people whose calls have not run yet are unsettled.
    #[test]
    fn a_refused_person_is_settled_and_the_others_wait() {
        let session = SfSession::new("https://acme.my.salesforce.com", "t");
        let specs = vec![
            spec("ada", "005000000000001AAA"),
            spec("bob", "not an id"),
            spec("cy", "005000000000001AAA"),
        ];
        let run = ChunkRun::Salesforce(Box::new(BulkSave::new(session, specs)));
        let outcomes = run.outcomes();
        assert!(
            outcomes[0].is_none() && outcomes[2].is_none(),
            "{outcomes:?}"
        );
        let refused = outcomes[1].clone().unwrap().unwrap_err();
        assert_eq!(refused.code, "INVALID_INPUT");
    }
}
