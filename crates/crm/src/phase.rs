//! [`BulkPhase`]: what a bulk run's next request does, whatever the CRM, so a driver tells a
//! run's steps apart by asking it, never by reading the request's URL.

/// The step a bulk run is at (Salesforce's `BulkSave`, the HubSpot batch in `saves`).
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
