//! Running a one-person entry, phase by phase; [`crate::step`] hands each phase here.
//! `wire`: which request each phase of a save sends to Salesforce or HubSpot, and what its
//! answer means; `job_update`: "Update in CRM" on a job change (the Task or note with the old
//! values, the Account never guessed, the owner never sent).

pub(crate) mod job_update;
pub(crate) mod wire;
