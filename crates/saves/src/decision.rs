//! Asks the attribution core for one save, with typed values, and keeps its typed answer
//! ([`attribution::Decision`]: credential kind, needs and warnings as enums).

use attribution::{AttributionError, Decision, RecordKind, Source};

use serde::Serialize;

use crate::inbound::message::{PageSource, Push};
use crate::journal::records::ErrorInfo;
use crate::team::{LocalTeam, Role, TeamMode};

/// Asks the attribution core; failures come back as an [`ErrorInfo`] with a fix hint.
pub fn decide(
    team: &LocalTeam,
    source: Source,
    record: RecordKind,
    push: Push,
) -> Result<Decision, ErrorInfo> {
    let input = team.decision_input(source, record, push);
    // The contract's own text rules (stored connections and directories come from outside):
    // one definition, so a save is refused exactly as `decide_json` would refuse it.
    attribution::check_texts(&input)
        .and_then(|()| attribution::decide(&input))
        .map_err(|e| error_info(&e, team.mode))
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

/// An attribution refusal as the rep sees it: its code and message, and what to do about it
/// (team sync is connected in Options alone, on the team server with one).
pub fn error_info(e: &AttributionError, mode: TeamMode) -> ErrorInfo {
    let code = e.code().as_str();
    ErrorInfo {
        hint: hint_for(code, mode).into(),
        code: code.into(),
        message: e.to_string(),
    }
}

/// What to do about each attribution error.
fn hint_for(code: &str, mode: TeamMode) -> &'static str {
    match code {
        "team_sync_not_connected" if mode.has_server() => {
            "Ask your admin to connect team sync again on the team server's admin page."
        }
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

    /// Each refusal tells the rep what to do, where they can do it: team sync is reconnected
    /// on the team server's admin page when there is one, in Options otherwise.
    #[test]
    fn each_refusal_says_what_to_do_and_where() {
        use attribution::AttributionError as E;
        let sync = || E::TeamSyncNotConnected {
            crm: None,
            user: "admin".into(),
        };
        let rows = [
            (E::NoCredentials { crm: None }, TeamMode::Solo, "Connect your CRM account in Options (Connect my account), or ask your admin to connect team sync."),
            (E::DuplicateCrmAccount { crm: None, crm_user_id: "005I".into(), holder: "ann".into(), other: "me".into() }, TeamMode::Solo, "This CRM user is already connected by someone else: connect with your own CRM login."),
            (sync(), TeamMode::Solo, "Ask your admin to connect team sync again in Options."),
            (sync(), TeamMode::ServerMember, "Ask your admin to connect team sync again on the team server's admin page."),
            (E::UnknownActor { actor: "me".into() }, TeamMode::Solo, "Set your login email in Options."),
        ];
        for (error, mode, hint) in rows {
            let info = error_info(&error, mode);
            assert_eq!(info.code, error.code().as_str());
            assert_eq!(info.hint, hint, "{}", info.code);
        }
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

    /// The typed save path and the JSON contract on the same team, for every stored text the
    /// rules check, at and around the limits: each value is accepted by both or refused by
    /// both with the same field and message. Fails if `saves` ever checks texts by rules of
    /// its own again (e.g. counting bytes, or a limit of its own).
    #[test]
    fn text_rules_at_the_limits_are_the_contracts() {
        let max = attribution::MAX_TEXT_CHARS;
        let values = [
            ("at the limit", "a".repeat(max)),
            ("at the limit, two bytes a character", "é".repeat(max)),
            ("one over", "a".repeat(max + 1)),
            ("blank", "  ".to_owned()),
            ("control character", "005\u{7}R".to_owned()),
        ];
        type Place = fn(&mut LocalTeam, String);
        let places: [(&str, Place); 5] = [
            ("personal email", |t, v| t.connections[0].email = v),
            ("personal crm user id", |t, v| {
                t.connections[0].crm_user_id = v
            }),
            ("owner mapping", |t, v| t.owner_mapping = Some(v)),
            ("directory id", |t, v| t.crm_users[0].id = v),
            ("directory email", |t, v| t.crm_users[0].email = Some(v)),
        ];
        let (mut accepted, mut refused) = (0, 0);
        for (place, set) in places {
            for (what, value) in &values {
                let mut t = team_with(Role::Personal, "rep@acme.example", Permission::Admin);
                t.crm_users = vec![crm::CrmUser {
                    id: "005Z".into(),
                    email: Some("z@acme.example".into()),
                    active: true,
                    name: None,
                }];
                set(&mut t, value.clone());
                let typed = decide(
                    &t,
                    Source::LinkedinExtension,
                    RecordKind::Contact,
                    Push::Single,
                );
                let contract = attribution::decide_json(&serde_json::json!({
                    "crm": "salesforce", "source": "linkedin_extension", "record": "contact",
                    "push": "single", "actor": "me",
                    "team": serde_json::to_value(t.attribution_team()).unwrap(),
                }));
                match typed {
                    Ok(d) => {
                        accepted += 1;
                        assert_eq!(contract["ok"], true, "{place}, {what}: {contract}");
                        assert_eq!(
                            contract["created_by"],
                            d.created_by.as_str(),
                            "{place}, {what}"
                        );
                    }
                    Err(e) => {
                        refused += 1;
                        assert_eq!(contract["ok"], false, "{place}, {what}: {e:?}");
                        assert_eq!(e.code, "invalid_input", "{place}, {what}");
                        assert_eq!(
                            contract["error"]["message"],
                            e.message.as_str(),
                            "{place}, {what}"
                        );
                    }
                }
            }
        }
        // Two values within the limits and three outside, in each of the five places.
        assert_eq!((accepted, refused), (10, 15));
    }
}
