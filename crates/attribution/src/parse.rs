//! Reads the JSON contract's input into the model's types with their serde derives (each
//! field's shape is in [`crate::de`]), then checks the text rules, naming the offending field's
//! path on any error, e.g. `team.users[3].personal.permission`.
//!
//! The text rules run after reading, over the typed values, in the order the fields are listed
//! (a user's connection, then its id, email and owner mapping; the directory; team sync):
//! serde reads an object's keys in map order, and a save from this browser
//! (`saves::decision`) must be refused with the same field the contract names.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::de::{Object, MAX_TEXT_CHARS, MISSING};
use crate::error::AttributionError;
use crate::model::{DecisionInput, PersonalConnection, TeamState};

/// Reads a `decide` input (see the crate docs for its shape).
pub fn parse_decision_input(value: &Value) -> Result<DecisionInput, AttributionError> {
    let input: DecisionInput = read(value, "")?;
    check_texts(&input)?;
    Ok(input)
}

/// The contract's text rules on a `decide` input already typed (the actor, then the team's
/// ids, emails and names in the order the fields are listed), with the error the JSON
/// contract gives for the same input: callers that build a [`DecisionInput`] from their own
/// stored values (`saves::decision`) run the very rules [`parse_decision_input`] runs, so a
/// save is refused exactly as the contract would refuse it.
pub fn check_texts(input: &DecisionInput) -> Result<(), AttributionError> {
    check_text("actor", &input.actor)?;
    check_team(&input.team, "team")
}

/// Reads a team state object (`users`, `team_sync`, `crm_users`); errors name fields under
/// `path` (e.g. `team.users[0].id` for `path` `team`).
pub fn parse_team(value: &Value, path: &str) -> Result<TeamState, AttributionError> {
    let team = read(value, path)?;
    check_team(&team, path)?;
    Ok(team)
}

/// Reads a personal connection object (`crm_user_id`, `email`, `permission`, and `held`, whose
/// absence means `team`); errors name fields under `path`.
pub fn parse_personal(value: &Value, path: &str) -> Result<PersonalConnection, AttributionError> {
    let personal = read(value, path)?;
    check_personal(&personal, path)?;
    Ok(personal)
}

/// The text rules on every id, email and name of a team, in the order the fields are listed.
pub(crate) fn check_team(team: &TeamState, path: &str) -> Result<(), AttributionError> {
    for (index, user) in team.users.iter().enumerate() {
        let at = format!("{}[{index}]", join(path, "users"));
        if let Some(personal) = &user.personal {
            check_personal(personal, &join(&at, "personal"))?;
        }
        check_text(&join(&at, "id"), &user.id)?;
        check_text(&join(&at, "email"), &user.email)?;
        check_optional_text(&join(&at, "owner_mapping"), &user.owner_mapping)?;
    }
    for (index, user) in team.crm_users.iter().enumerate() {
        let at = format!("{}[{index}]", join(path, "crm_users"));
        check_text(&join(&at, "id"), &user.id)?;
        check_optional_text(&join(&at, "email"), &user.email)?;
        check_optional_text(&join(&at, "name"), &user.name)?;
    }
    check_optional_text(&join(path, "team_sync"), &team.team_sync)
}

/// The text rules on a personal connection's CRM user id and email.
pub(crate) fn check_personal(
    personal: &PersonalConnection,
    path: &str,
) -> Result<(), AttributionError> {
    check_text(&join(path, "crm_user_id"), &personal.crm_user_id)?;
    check_text(&join(path, "email"), &personal.email)
}

/// A text is a non-empty string of at most [`MAX_TEXT_CHARS`] characters without control
/// characters.
pub(crate) fn check_text(field: &str, text: &str) -> Result<(), AttributionError> {
    let chars = text.chars().count();
    let problem = if text.trim().is_empty() {
        "must not be empty".to_owned()
    } else if chars > MAX_TEXT_CHARS {
        format!("is {chars} characters long, at most {MAX_TEXT_CHARS} are accepted")
    } else if text.chars().any(char::is_control) {
        "contains control characters".to_owned()
    } else {
        return Ok(());
    };
    Err(AttributionError::invalid(field, problem))
}

fn check_optional_text(field: &str, text: &Option<String>) -> Result<(), AttributionError> {
    text.as_deref()
        .map_or(Ok(()), |text| check_text(field, text))
}

/// Reads the JSON object `value` into `T`, or an `invalid_input` error naming the field by its
/// path under `path` (the whole value is `path`, or `input` when `path` is empty).
pub(crate) fn read<T: DeserializeOwned>(value: &Value, path: &str) -> Result<T, AttributionError> {
    match serde_path_to_error::deserialize::<_, Object<T>>(value) {
        Ok(Object(read)) => Ok(read),
        Err(error) => {
            let mut field = match error.path().to_string().as_str() {
                "." => path.to_owned(),
                below => join(path, below),
            };
            let mut problem = error.into_inner().to_string();
            // Serde reports an absent field on the object that lacks it.
            if let Some(key) = problem
                .strip_prefix("missing field `")
                .and_then(|rest| rest.strip_suffix('`'))
            {
                field = join(&field, key);
                problem = MISSING.to_owned();
            }
            if field.is_empty() {
                field = "input".to_owned();
            }
            Err(AttributionError::invalid(field, problem))
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}
