//! Reads the JSON contract's input into the model's types with their serde derives (the field
//! rules are in [`crate::de`]), naming the offending field's path on any error, e.g.
//! `team.users[3].personal.permission`.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::de::{Object, MISSING};
use crate::error::AttributionError;
use crate::model::{DecisionInput, PersonalConnection, TeamState};

/// Longest id, email or name accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 256;
/// Most app users a team may list.
pub const MAX_APP_USERS: usize = 10_000;
/// Most CRM users a directory may list.
pub const MAX_CRM_USERS: usize = 100_000;

/// Reads a `decide` input (see the crate docs for its shape).
pub fn parse_decision_input(value: &Value) -> Result<DecisionInput, AttributionError> {
    read(value, "")
}

/// Reads a team state object (`users`, `team_sync`, `crm_users`); errors name fields under
/// `path` (e.g. `team.users[0].id` for `path` `team`).
pub fn parse_team(value: &Value, path: &str) -> Result<TeamState, AttributionError> {
    read(value, path)
}

/// Reads a personal connection object (`crm_user_id`, `email`, `permission`, and `held`, whose
/// absence means `team`); errors name fields under `path`.
pub fn parse_personal(value: &Value, path: &str) -> Result<PersonalConnection, AttributionError> {
    read(value, path)
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
