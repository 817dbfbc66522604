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
    check_text(At::Path("actor"), &input.actor)?;
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

/// Where a field is in the input (`team.users[3].email`), written out only when a rule refuses
/// it: every decision checks each text of its team, and building every path up front cost a
/// `format!` per field on each call (and the number formatting a wake's first preview then
/// compiled).
#[derive(Debug, Clone, Copy)]
pub(crate) enum At<'a> {
    /// A path given whole (`team`, `app_user`; empty for the input itself).
    Path(&'a str),
    /// A field of an object: `parent.key` (`key` alone under the empty path).
    Key(&'a At<'a>, &'static str),
    /// An item of a list field: `parent.key[index]`.
    Item(&'a At<'a>, &'static str, usize),
}

impl At<'_> {
    /// The path as the contract names it (`team.users[3].email`; under the empty path, from
    /// the first key).
    fn path(&self) -> String {
        match *self {
            At::Path(path) => path.to_owned(),
            At::Key(parent, key) => join(&parent.path(), key),
            At::Item(parent, key, index) => format!("{}[{index}]", join(&parent.path(), key)),
        }
    }
}

/// The text rules on every id, email and name of a team, in the order the fields are listed.
pub(crate) fn check_team(team: &TeamState, path: &str) -> Result<(), AttributionError> {
    let path = At::Path(path);
    for (index, user) in team.users.iter().enumerate() {
        let at = At::Item(&path, "users", index);
        if let Some(personal) = &user.personal {
            check_personal_at(personal, At::Key(&at, "personal"))?;
        }
        check_text(At::Key(&at, "id"), &user.id)?;
        check_text(At::Key(&at, "email"), &user.email)?;
        check_optional_text(At::Key(&at, "owner_mapping"), &user.owner_mapping)?;
    }
    for (index, user) in team.crm_users.iter().enumerate() {
        let at = At::Item(&path, "crm_users", index);
        check_text(At::Key(&at, "id"), &user.id)?;
        check_optional_text(At::Key(&at, "email"), &user.email)?;
        check_optional_text(At::Key(&at, "name"), &user.name)?;
    }
    check_optional_text(At::Key(&path, "team_sync"), &team.team_sync)
}

/// The text rules on a personal connection's CRM user id and email.
pub(crate) fn check_personal(
    personal: &PersonalConnection,
    path: &str,
) -> Result<(), AttributionError> {
    check_personal_at(personal, At::Path(path))
}

fn check_personal_at(personal: &PersonalConnection, at: At<'_>) -> Result<(), AttributionError> {
    check_text(At::Key(&at, "crm_user_id"), &personal.crm_user_id)?;
    check_text(At::Key(&at, "email"), &personal.email)
}

/// A text is a non-empty string of at most [`MAX_TEXT_CHARS`] characters without control
/// characters.
pub(crate) fn check_text(field: At<'_>, text: &str) -> Result<(), AttributionError> {
    // A text of at most MAX_TEXT_CHARS bytes has at most as many characters: counted only
    // when longer.
    let too_long = text.len() > MAX_TEXT_CHARS && text.chars().count() > MAX_TEXT_CHARS;
    let problem = if text.trim().is_empty() {
        "must not be empty".to_owned()
    } else if too_long {
        format!(
            "is {} characters long, at most {MAX_TEXT_CHARS} are accepted",
            text.chars().count()
        )
    } else if text.chars().any(char::is_control) {
        "contains control characters".to_owned()
    } else {
        return Ok(());
    };
    Err(AttributionError::invalid(field.path(), problem))
}

fn check_optional_text(field: At<'_>, text: &Option<String>) -> Result<(), AttributionError> {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::{AppUser, CrmUser, Held, Permission};

    /// The field a text rule refuses, by its path under `path`.
    fn refused(team: &TeamState, path: &str) -> String {
        match check_team(team, path) {
            Err(AttributionError::InvalidInput { field, .. }) => field,
            other => panic!("not refused: {other:?}"),
        }
    }

    /// The paths the text rules name are the contract's (`team.users[1].personal.email`),
    /// written out only for the field refused; under the empty path they start at the key.
    #[test]
    fn a_refused_text_is_named_by_its_path() {
        let user = |id: &str, email: &str| AppUser {
            id: id.into(),
            email: email.into(),
            personal: Some(PersonalConnection {
                crm_user_id: format!("005{id}"),
                email: email.into(),
                permission: Permission::Standard,
                held: Held::Team,
            }),
            owner_mapping: None,
        };
        let crm_user = |id: &str| CrmUser {
            id: id.into(),
            email: None,
            active: true,
            name: Some(format!("User {id}")),
        };
        let mut team = TeamState {
            users: vec![user("u0", "a@x.example"), user("u1", "b@x.example")],
            team_sync: None,
            crm_users: (0..12).map(|i| crm_user(&format!("005C{i}"))).collect(),
        };
        assert_eq!(check_team(&team, "team"), Ok(()));
        team.crm_users[11].name = Some("bad\u{7}".into());
        assert_eq!(refused(&team, "team"), "team.crm_users[11].name");
        assert_eq!(refused(&team, ""), "crm_users[11].name");
        team.users[1].personal.as_mut().unwrap().email = " ".into();
        assert_eq!(refused(&team, "team"), "team.users[1].personal.email");
        assert_eq!(refused(&team, ""), "users[1].personal.email");
        team.users[1].personal = None;
        team.users[1].owner_mapping = Some(String::new());
        assert_eq!(refused(&team, "team"), "team.users[1].owner_mapping");
        team.users[1].owner_mapping = None;
        team.crm_users[11].name = None;
        team.team_sync = Some("é".repeat(MAX_TEXT_CHARS));
        assert_eq!(
            check_team(&team, "team"),
            Ok(()),
            "256 characters, 512 bytes"
        );
        team.team_sync = Some("é".repeat(MAX_TEXT_CHARS + 1));
        assert_eq!(
            check_team(&team, "team"),
            Err(AttributionError::invalid(
                "team.team_sync",
                "is 257 characters long, at most 256 are accepted"
            ))
        );
        let personal = PersonalConnection {
            crm_user_id: String::new(),
            ..user("u2", "c@x.example").personal.unwrap()
        };
        assert_eq!(
            check_personal(&personal, "personal"),
            Err(AttributionError::invalid(
                "personal.crm_user_id",
                "must not be empty"
            ))
        );
    }
}
