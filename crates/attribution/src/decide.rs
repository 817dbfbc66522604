//! `decide`: one save in, the credential, owner and reasons out.

use crate::credential;
use crate::decision::{Credential, Decision};
use crate::error::AttributionError;
use crate::model::{DecisionInput, PushMode, Source};
use crate::owner;
use crate::reasons::Notes;
use crate::validate::validate_team_for;

/// Decides which credential pushes a save, who owns the record, and why.
///
/// Checks the team first (rules 7, 9 and 11), then the actor (`unknown_actor`), then applies
/// rules 1 to 6, 8, 10 and 11. Pure: the same input always gives the same answer.
pub fn decide(input: &DecisionInput) -> Result<Decision, AttributionError> {
    let team = &input.team;
    validate_team_for(team, Some(input.crm))?;
    let actor = team
        .user(&input.actor)
        .ok_or_else(|| AttributionError::UnknownActor {
            actor: input.actor.clone(),
        })?;
    let hand_push = is_hand_push(input);
    let source = if hand_push {
        Source::Manual
    } else {
        input.source
    };
    let mut notes = Notes::default();
    let pushing = credential::choose(
        input.crm,
        team,
        actor,
        source,
        input.record,
        hand_push,
        &mut notes,
    )?;
    let needs = owner::needs(input.crm, actor, &mut notes);
    let owner = owner::choose(input.crm, team, actor, &pushing, hand_push, &mut notes);
    let on_behalf_of = (pushing.user.id != actor.id).then(|| actor.id.clone());
    Ok(Decision {
        credential: Credential {
            kind: pushing.kind,
            user: pushing.user.id.clone(),
            crm_user_id: pushing.connection.crm_user_id.clone(),
        },
        created_by: pushing.connection.crm_user_id.clone(),
        owner: owner.id,
        owner_from: owner.basis,
        needs,
        warnings: notes.warnings,
        reasons: notes.reasons,
        source,
        on_behalf_of,
    })
}

/// Rule 5: the "push to CRM" action on one record, i.e. a single push of a record the rep added
/// by hand or imported. A single save from Gmail, LinkedIn, prospecting search or a job change
/// keeps its own source and gets no email match.
fn is_hand_push(input: &DecisionInput) -> bool {
    input.push == PushMode::Single && matches!(input.source, Source::Manual | Source::CsvImport)
}
