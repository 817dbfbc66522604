//! The JSON contract: plain values in, `{"ok": true, ...}` or `{"ok": false, "error": ...}` out.
//! Every function here answers; none panics on any input.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::de;
use crate::decide::decide;
use crate::decision::{Decision, Warning};
use crate::error::AttributionError;
use crate::model::{Crm, PersonalConnection, TeamState};
use crate::parse::{check_personal, check_team, check_text, parse_decision_input, read, At};
use crate::validate::{check_connect_for, check_team_sync_for, validate_team_for};

impl Decision {
    /// The success shape of the contract, with the extra fields `source`, `on_behalf_of` and
    /// `owner_from`.
    pub fn to_json(&self) -> Value {
        json!({
            "ok": true,
            "credential": {
                "kind": self.credential.kind.as_str(),
                "user": self.credential.user,
                "crm_user_id": self.credential.crm_user_id,
            },
            "created_by": self.created_by,
            "owner": self.owner,
            "needs": self.needs.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
            "warnings": names(&self.warnings),
            "reasons": self.reasons,
            "source": self.source.as_str(),
            "on_behalf_of": self.on_behalf_of,
            "owner_from": self.owner_from.as_str(),
        })
    }
}

impl AttributionError {
    /// The failure shape of the contract: `{"ok": false, "error": {"code", "message"}}`.
    pub fn to_json(&self) -> Value {
        json!({
            "ok": false,
            "error": { "code": self.code().as_str(), "message": self.to_string() },
        })
    }
}

/// `decide` over JSON: the documented input object in, the success or failure shape out.
pub fn decide_json(input: &Value) -> Value {
    match parse_decision_input(input).and_then(|input| decide(&input)) {
        Ok(decision) => decision.to_json(),
        Err(error) => error.to_json(),
    }
}

/// [`decide_json`] over a JSON string; text that is not JSON gives `invalid_input`.
pub fn decide_str(input: &str) -> String {
    let answer = match serde_json::from_str::<Value>(input) {
        Ok(value) => decide_json(&value),
        Err(error) => {
            AttributionError::invalid("input", format!("is not valid JSON ({error})")).to_json()
        }
    };
    answer.to_string()
}

/// `validate_team` over JSON. Input: `{"team": {...}, "crm"?: "salesforce"}`; output `{"ok":
/// true}` or the failure shape.
pub fn validate_team_json(input: &Value) -> Value {
    #[derive(Deserialize)]
    struct Input {
        #[serde(default, deserialize_with = "de::optional_name")]
        crm: Option<Crm>,
        #[serde(deserialize_with = "de::object")]
        team: TeamState,
    }
    let checked = read(input, "").and_then(|Input { crm, team }: Input| {
        check_team(&team, "team")?;
        validate_team_for(&team, crm)
    });
    answer(checked.map(|()| json!({ "ok": true })))
}

/// `check_connect` over JSON. Input: `{"team": {...}, "app_user": "u_rep", "personal":
/// {"crm_user_id", "email", "permission"}, "crm"?: ...}`; output `{"ok": true}` or the failure
/// shape.
pub fn check_connect_json(input: &Value) -> Value {
    #[derive(Deserialize)]
    struct Input {
        #[serde(default, deserialize_with = "de::optional_name")]
        crm: Option<Crm>,
        #[serde(deserialize_with = "de::object")]
        team: TeamState,
        #[serde(deserialize_with = "de::text")]
        app_user: String,
        #[serde(deserialize_with = "de::object")]
        personal: PersonalConnection,
    }
    let checked = read(input, "").and_then(|input: Input| {
        check_team(&input.team, "team")?;
        check_text(At::Path("app_user"), &input.app_user)?;
        check_personal(&input.personal, "personal")?;
        check_connect_for(&input.team, &input.app_user, &input.personal, input.crm)
    });
    answer(checked.map(|()| json!({ "ok": true })))
}

/// `check_team_sync_choice` over JSON. Input: `{"team": {...}, "app_user": "u_admin", "crm"?:
/// ...}`; output `{"ok": true, "warnings": [...]}` or the failure shape.
pub fn check_team_sync_choice_json(input: &Value) -> Value {
    #[derive(Deserialize)]
    struct Input {
        #[serde(default, deserialize_with = "de::optional_name")]
        crm: Option<Crm>,
        #[serde(deserialize_with = "de::object")]
        team: TeamState,
        #[serde(deserialize_with = "de::text")]
        app_user: String,
    }
    let checked = read(input, "").and_then(|input: Input| {
        check_team(&input.team, "team")?;
        check_text(At::Path("app_user"), &input.app_user)?;
        check_team_sync_for(&input.team, &input.app_user, input.crm)
    });
    answer(checked.map(|warnings| json!({ "ok": true, "warnings": names(&warnings) })))
}

fn answer(result: Result<Value, AttributionError>) -> Value {
    result.unwrap_or_else(|error| error.to_json())
}

fn names(warnings: &[Warning]) -> Vec<&'static str> {
    warnings.iter().map(|w| w.as_str()).collect()
}
