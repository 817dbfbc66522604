//! A single HubSpot save as a sans-IO state machine: create the contact (a 409 CONFLICT names
//! the existing contact, which is then linked: dedupe without a lookup call), then, with an
//! activity, create the engagement associated to it. One call without an activity, two with.

use super::contacts::{create_contact_request, parse_create_contact, OBJECT};
use super::engagements::{engagement_request, parse_engagement};
use super::HsSession;
use crate::error::CrmError;
use crate::http::{HttpRequest, HttpResponse};
use crate::prospect::{SaveOutcome, SaveSpec};

enum Step {
    Create,
    Activity { record_id: String, created: bool },
    Done(SaveOutcome),
}

/// Drive with [`next_request`](Self::next_request) / [`on_response`](Self::on_response) until
/// [`outcome`](Self::outcome) is `Some`.
pub struct HsSave {
    session: HsSession,
    spec: SaveSpec,
    step: Step,
}

impl HsSave {
    /// Starts a save (validates nothing yet: errors surface from `next_request`).
    pub fn new(session: HsSession, spec: SaveSpec) -> Self {
        let step = match &spec.existing_id {
            Some(id) => Self::after_record(&spec, id.clone(), false),
            None => Step::Create,
        };
        Self {
            session,
            spec,
            step,
        }
    }

    fn after_record(spec: &SaveSpec, record_id: String, created: bool) -> Step {
        if spec.activity.is_some() {
            Step::Activity { record_id, created }
        } else {
            Step::Done(SaveOutcome {
                record_id,
                object: OBJECT.into(),
                created,
                activity_id: None,
                owner_id: spec.owner_id.clone(),
                crm_job: None,
            })
        }
    }

    /// The next request, `Ok(None)` when done.
    pub fn next_request(&self) -> Result<Option<HttpRequest>, CrmError> {
        match &self.step {
            Step::Create => create_contact_request(&self.session, &self.spec).map(Some),
            Step::Activity { record_id, .. } => match &self.spec.activity {
                Some(a) => engagement_request(
                    &self.session,
                    record_id,
                    a,
                    self.spec.owner_id.as_deref(),
                    self.spec.description.as_deref(),
                )
                .map(Some),
                None => Ok(None),
            },
            Step::Done(_) => Ok(None),
        }
    }

    /// Feeds the answer; on error the step is kept so the request can be retried.
    pub fn on_response(&mut self, resp: &HttpResponse) -> Result<(), CrmError> {
        self.step = match &self.step {
            Step::Create => match parse_create_contact(resp) {
                Ok(id) => Self::after_record(&self.spec, id, true),
                Err(e) => match e.duplicate_ids().first() {
                    Some(existing) => Self::after_record(&self.spec, existing.clone(), false),
                    None => return Err(e),
                },
            },
            Step::Activity { record_id, created } => {
                let activity_id = parse_engagement(resp)?;
                Step::Done(SaveOutcome {
                    record_id: record_id.clone(),
                    object: OBJECT.into(),
                    created: *created,
                    activity_id: Some(activity_id),
                    owner_id: self.spec.owner_id.clone(),
                    crm_job: None,
                })
            }
            Step::Done(_) => return Ok(()),
        };
        Ok(())
    }

    /// The result once done.
    pub fn outcome(&self) -> Option<&SaveOutcome> {
        match &self.step {
            Step::Done(o) => Some(o),
            _ => None,
        }
    }
}
