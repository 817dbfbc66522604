//! Asks the attribution core for one save, with typed values, and keeps its typed answer
//! ([`attribution::Decision`]: credential kind, needs and warnings as enums).

use attribution::{AttributionError, Decision, DecisionInput, RecordKind, Source, MAX_TEXT_CHARS};

use serde::Serialize;

use crate::inbound::message::{PageSource, Push};
use crate::journal::records::ErrorInfo;
use crate::team::{LocalTeam, Role};

/// Asks the attribution core; failures come back as an [`ErrorInfo`] with a fix hint.
pub fn decide(
    team: &LocalTeam,
    source: Source,
    record: RecordKind,
    push: Push,
) -> Result<Decision, ErrorInfo> {
    let input = team.decision_input(source, record, push);
    check_texts(&input)
        .and_then(|()| attribution::decide(&input))
        .map_err(|e| error_info(&e))
}

/// [`decide`] for the person of a save from a page: the record kind the settings push
/// (Contact or Lead).
pub fn decide_person(
    team: &LocalTeam,
    source: PageSource,
    push: Push,
) -> Result<Decision, ErrorInfo> {
    decide(team, source.into(), team.settings.record_kind, push)
}

/// Who a Gmail save is Created By, against the mailbox the rep reads mail as (issue 17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavingAs {
    /// The CRM user's display name.
    pub name: String,
    /// The CRM user's email.
    pub email: String,
    /// True when the mailbox is that CRM user or one of the rep's other addresses
    /// ([`crate::team::mailbox::is_crm_user`]); `None` when no mailbox was given.
    pub is_mailbox: Option<bool>,
}

/// For a single Gmail save: the CRM user it is Created By when the rep's own connection
/// pushes it (rule 1), checked against `mailbox`; `None` when team sync would push it or
/// nothing can (no warning is true then).
pub fn gmail_saving_as(team: &LocalTeam, mailbox: Option<&str>) -> Option<SavingAs> {
    let decision = decide_person(team, PageSource::GmailExtension, Push::Single).ok()?;
    let role = team.role_for(&decision.credential)?;
    let conn = team.connection(role).filter(|_| role == Role::Personal)?;
    Some(SavingAs {
        name: conn.name.clone(),
        email: conn.email.clone(),
        is_mailbox: mailbox.map(|m| {
            crate::team::mailbox::is_crm_user(m, &conn.email, &team.config.mailbox_aliases)
        }),
    })
}

/// An attribution refusal as the rep sees it: its code and message, and what to do about it.
pub fn error_info(e: &AttributionError) -> ErrorInfo {
    let code = e.code().as_str();
    ErrorInfo {
        hint: hint_for(code).into(),
        code: code.into(),
        message: e.to_string(),
    }
}

/// The contract's text rules (non-empty, at most [`MAX_TEXT_CHARS`] characters, no control
/// characters) on every id and email of the input, in the order the JSON contract checks them
/// when it reads them: stored connections and directories come from outside, and a save from this
/// browser must be refused exactly as the contract would refuse it.
fn check_texts(input: &DecisionInput) -> Result<(), AttributionError> {
    let team = &input.team;
    for (i, user) in team.users.iter().enumerate() {
        let at = format!("team.users[{i}]");
        if let Some(p) = &user.personal {
            let at = format!("{at}.personal");
            text(&p.crm_user_id, &at, "crm_user_id")?;
            text(&p.email, &at, "email")?;
        }
        text(&user.id, &at, "id")?;
        text(&user.email, &at, "email")?;
        if let Some(mapping) = &user.owner_mapping {
            text(mapping, &at, "owner_mapping")?;
        }
    }
    for (i, user) in team.crm_users.iter().enumerate() {
        let at = format!("team.crm_users[{i}]");
        text(&user.id, &at, "id")?;
        if let Some(email) = &user.email {
            text(email, &at, "email")?;
        }
    }
    if let Some(team_sync) = &team.team_sync {
        text(team_sync, "team", "team_sync")?;
    }
    Ok(())
}

/// One text of [`check_texts`], named `path.key` in the error.
fn text(value: &str, path: &str, key: &str) -> Result<(), AttributionError> {
    let problem = if value.trim().is_empty() {
        "must not be empty".to_owned()
    } else if value.chars().count() > MAX_TEXT_CHARS {
        format!(
            "is {} characters long, at most {MAX_TEXT_CHARS} are accepted",
            value.chars().count()
        )
    } else if value.chars().any(char::is_control) {
        "contains control characters".to_owned()
    } else {
        return Ok(());
    };
    Err(AttributionError::InvalidInput {
        field: format!("{path}.{key}"),
        problem,
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
    use crate::team::{Connection, Role};
    use attribution::{CredentialKind, Warning};
    use crm::Permission;

    fn team_with(role: Role, email: &str, permission: Permission) -> LocalTeam {
        let mut t = LocalTeam::default();
        t.config.me_email = Some("rep@acme.example".into());
        t.set_connection(Connection {
            role,
            crm_user_id: "005I".into(),
            name: "Integration".into(),
            email: email.into(),
            permission: Some(permission),
            health: Default::default(),
            last_success: None,
            instance_url: String::new(),
            credential: None,
        });
        t
    }

    #[test]
    fn answers_typed_success_and_failure() {
        let t = team_with(
            Role::TeamSync,
            "integration@acme.example",
            Permission::Standard,
        );
        let d = decide(
            &t,
            Source::LinkedinExtension,
            RecordKind::Contact,
            Push::Single,
        )
        .unwrap();
        assert_eq!(d.credential.kind, CredentialKind::TeamSync);
        assert_eq!(d.created_by, "005I");
        assert_eq!(d.warnings, vec![Warning::TeamSyncNotAdmin]);
        assert_eq!(t.role_for(&d.credential), Some(Role::TeamSync));

        let err = decide(
            &LocalTeam::default(),
            Source::LinkedinExtension,
            RecordKind::Contact,
            Push::Single,
        )
        .unwrap_err();
        assert_eq!(err.code, "no_credentials");
        assert!(err.hint.contains("Connect"));
    }

    #[test]
    fn refuses_what_the_json_contract_refuses() {
        let t = team_with(Role::TeamSync, "", Permission::Admin);
        let typed =
            decide(&t, Source::GmailExtension, RecordKind::Contact, Push::Bulk).unwrap_err();
        let input = serde_json::json!({
            "crm": "salesforce", "source": "gmail_extension", "record": "contact", "push": "bulk",
            "actor": "me", "team": serde_json::to_value(t.attribution_team()).unwrap(),
        });
        let contract = attribution::decide_json(&input);
        assert_eq!(contract["error"]["code"], "invalid_input");
        assert_eq!(typed.code, "invalid_input");
        assert_eq!(contract["error"]["message"], typed.message.as_str());
    }
}
