//! The attribution core's answer for one save, read from its stable JSON contract.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::message::Push;
use crate::records::ErrorInfo;
use crate::team::LocalTeam;

/// Which connection pushes, as the decision names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct CredentialChoice {
    /// `personal`, `team_sync` or `highest_permission`.
    pub kind: String,
    /// The app user whose connection pushes.
    pub user: String,
    /// That connection's CRM user (Created By).
    pub crm_user_id: String,
}

/// A successful decision (the fields of the spec's output this pipeline uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct Decision {
    /// Which connection pushes.
    pub credential: CredentialChoice,
    /// The CRM user shown as Created By.
    pub created_by: String,
    /// The CRM owner.
    pub owner: String,
    /// Questions for the rep (`crm_user_pick`).
    #[serde(default)]
    pub needs: Vec<String>,
    /// `team_sync_not_admin`, `owner_inactive`...
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Why, in the rep's words.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// The actor, when someone else's connection pushes for them.
    #[serde(default)]
    pub on_behalf_of: Option<String>,
}

/// Hand-written readers (what the derives would read, same defaults and error texts): a
/// derived reader costs kilobytes in the Wasm module that loads at every wake.
impl TryFrom<Value> for CredentialChoice {
    type Error = crate::from_json::Error;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        use crate::from_json::{field, object};
        let v = object(&value, "struct CredentialChoice")?;
        Ok(Self {
            kind: field(v, "kind")?,
            user: field(v, "user")?,
            crm_user_id: field(v, "crm_user_id")?,
        })
    }
}

impl TryFrom<Value> for Decision {
    type Error = crate::from_json::Error;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        use crate::from_json::{field, field_or_default, object};
        let v = object(&value, "struct Decision")?;
        Ok(Self {
            credential: field(v, "credential")?,
            created_by: field(v, "created_by")?,
            owner: field(v, "owner")?,
            needs: field_or_default(v, "needs")?,
            warnings: field_or_default(v, "warnings")?,
            reasons: field_or_default(v, "reasons")?,
            on_behalf_of: field_or_default(v, "on_behalf_of")?,
        })
    }
}

/// Asks the attribution core; failures come back as an [`ErrorInfo`] with a fix hint.
pub fn decide(
    team: &LocalTeam,
    source: &str,
    record: &str,
    push: Push,
) -> Result<Decision, ErrorInfo> {
    let out = attribution::decide_json(&team.decision_input(source, record, push));
    from_output(&out)
}

/// Reads `decide`'s JSON answer.
pub fn from_output(out: &Value) -> Result<Decision, ErrorInfo> {
    if out.get("ok").and_then(Value::as_bool) == Some(true) {
        return crate::from_json::from_json(out).map_err(|e| ErrorInfo {
            code: "invalid_decision".into(),
            message: format!("the attribution core answered in an unexpected shape: {e}"),
            hint: "This is a bug in the extension; please report it.".into(),
        });
    }
    let code = out
        .pointer("/error/code")
        .and_then(Value::as_str)
        .unwrap_or("invalid_input")
        .to_owned();
    let message = out
        .pointer("/error/message")
        .and_then(Value::as_str)
        .unwrap_or("the attribution core refused the save")
        .to_owned();
    Err(ErrorInfo {
        hint: hint_for(&code).into(),
        code,
        message,
    })
}

/// What to do about each attribution error.
fn hint_for(code: &str) -> &'static str {
    match code {
        "no_credentials" => {
            "Connect your CRM account in Options (Connect my account), or ask your admin to connect team sync."
        }
        "duplicate_crm_account" => {
            "This CRM user is already connected by someone else: connect with your own CRM login."
        }
        "team_sync_not_connected" => "Ask your admin to connect team sync again in Options.",
        "unknown_actor" => "Set your login email in Options.",
        _ => "Check the settings in Options; if this persists, export the error log for your admin.",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_success_and_failure() {
        let ok = json!({"ok":true,"credential":{"kind":"team_sync","user":"u","crm_user_id":"005"},
            "created_by":"005","owner":"006","needs":[],"warnings":["owner_inactive"],"reasons":["r"]});
        let d = from_output(&ok).unwrap();
        assert_eq!(d.owner, "006");
        assert_eq!(d.warnings, vec!["owner_inactive"]);
        let err = from_output(&json!({"ok":false,"error":{"code":"no_credentials","message":"m"}}))
            .unwrap_err();
        assert_eq!(err.code, "no_credentials");
        assert!(err.hint.contains("Connect"));
        assert_eq!(from_output(&json!(7)).unwrap_err().code, "invalid_input");
    }
}
