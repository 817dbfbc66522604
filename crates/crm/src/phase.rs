//! [`BulkRun`]: the one small face of a bulk run, whatever the CRM (Salesforce's
//! [`crate::salesforce::BulkSave`], HubSpot's [`crate::hubspot::HsBulkSave`]), and its
//! [`BulkPhase`], so a driver tells a run's steps apart by asking it, never by reading the
//! request's URL.

use crate::{CrmError, HttpRequest, HttpResponse};

/// A bulk run as a sans-IO state machine: call [`next_request`](Self::next_request), send it,
/// feed the answer to [`on_response`](Self::on_response), until there is no next request.
pub trait BulkRun {
    /// What the next request does ([`BulkPhase::Done`] when there is none).
    fn phase(&self) -> BulkPhase;
    /// The next request, `Ok(None)` when the run is over.
    fn next_request(&self) -> Result<Option<HttpRequest>, CrmError>;
    /// Feeds the answer to the last request; on a whole-call error nothing changes, so the
    /// same request comes out again.
    fn on_response(&mut self, resp: &HttpResponse) -> Result<(), CrmError>;
}

/// The step a bulk run is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkPhase {
    /// Looking the people up (Salesforce's dedupe Composite call, HubSpot's batch read or
    /// LinkedIn search). A list page's badges need only this step.
    Lookup,
    /// Creating the Accounts of the people's companies (Salesforce, Account matching on).
    Accounts,
    /// Creating the people.
    Create,
    /// Logging their activities.
    Activities,
    /// Nothing left to send.
    Done,
}
