//! The admin's attribution simulator: "who would own what" for any member and source, decided
//! by the server's own copy of the team with the same call a real save makes
//! ([`TeamCopy::decide`]), before settings are rolled out. `POST /api/admin/simulate` answers
//! JSON; the page `GET /admin/simulator` (`crate::pages::simulator`) shows the same answer in
//! words. Nothing is pushed or recorded.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{ApiError, Json};
use crate::store::Member;

use super::team::{crm_user_label, TeamCopy};
use super::AdminMember;

/// The body of `POST /api/admin/simulate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulateRequest {
    /// The member who saves (an app user id of the admin's team).
    pub member: String,
    /// Where the save comes from (`linkedin_extension`, `gmail_extension`, `manual`, …).
    pub source: String,
    /// `single` (one person, the default) or `bulk` (a list).
    pub push: Option<String>,
    /// `contact`, `lead` or `activity`; default: what the push settings save people as.
    pub record: Option<String>,
}

/// Who sends the save to the CRM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PushedBy {
    /// The server, with a connection the team holds.
    Server,
    /// The member's browser, with a connection only it holds (spec rule 11, `own_browser`).
    Browser,
}

/// The simulator's answer: the decision as the contract writes it, plus who pushes and the
/// CRM users in words the admin can check.
#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    /// The member's login email.
    pub email: String,
    /// The source, push and record kind decided for.
    pub source: String,
    pub push: String,
    pub record: String,
    /// The decision JSON (`ok`, `credential`, `created_by`, `owner`, `reasons`, …), or
    /// `{"ok": false, "error": {code, message}}` when nothing would push it.
    pub decision: Value,
    /// Who sends it, when it is pushed at all.
    pub pushed_by: Option<PushedBy>,
    /// The connection that pushes, Created By and Owner in words: as the team's CRM user
    /// directory names them, else "email (CRM user id)" where the server knows the email.
    pub connection: Option<String>,
    pub created_by: Option<String>,
    pub owner: Option<String>,
}

/// `POST /api/admin/simulate`.
pub async fn simulate(
    State(state): State<crate::app::AppState>,
    AdminMember(admin): AdminMember,
    Json(body): Json<SimulateRequest>,
) -> Result<Json<Simulation>, ApiError> {
    let copy = TeamCopy::load(&state, &admin.team_id).await?;
    run(&copy, &body).map(Json)
}

/// Decides `request` on `copy`.
pub fn run(copy: &TeamCopy, request: &SimulateRequest) -> Result<Simulation, ApiError> {
    let member = copy
        .members
        .iter()
        .find(|m| m.id == request.member)
        .ok_or_else(|| ApiError::not_found("no such member in this team"))?;
    let source = attribution::Source::parse(&request.source).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_body",
            format!(
                "`source` must be one of {}",
                attribution::Source::expected()
            ),
        )
    })?;
    let push = request.push.clone().unwrap_or_else(|| "single".to_owned());
    let record = request.record.clone().unwrap_or_else(|| copy.record_kind());
    let mut out = Simulation {
        email: member.email.clone(),
        source: source.as_str().to_owned(),
        push,
        record,
        decision: Value::Null,
        pushed_by: None,
        connection: None,
        created_by: None,
        owner: None,
    };
    let decision = match copy.decide(&out.source, &out.record, &out.push, &member.id) {
        Ok(decision) => decision,
        // The contract's input errors are the request's (a push or record name it does not
        // know); any other refusal is the answer: nothing would push this save.
        Err(error) if error.code() == attribution::ErrorCode::InvalidInput => {
            return Err(ApiError::bad_request("invalid_body", error.to_string()))
        }
        Err(error) => {
            out.decision = serde_json::json!({
                "ok": false,
                "error": {"code": error.code().as_str(), "message": error.to_string()},
            });
            return Ok(out);
        }
    };
    let pusher = &decision.credential.user;
    out.pushed_by = Some(if copy.connection_of(pusher).is_some() {
        PushedBy::Server
    } else {
        PushedBy::Browser
    });
    out.connection = copy
        .members
        .iter()
        .find(|m| &m.id == pusher)
        .map(|m| who(copy, &m.email, &decision.credential.crm_user_id));
    let directory = copy.crm_users();
    out.created_by = Some(crm_user(copy, directory, &decision.created_by));
    out.owner = Some(crm_user(copy, directory, &decision.owner));
    out.decision = decision.to_json();
    Ok(out)
}

/// "member@… (connected as crm@…, 005…)" for the connection a member holds.
fn who(copy: &TeamCopy, member_email: &str, crm_user_id: &str) -> String {
    match known_email(copy, crm_user_id) {
        Some(email) if email.eq_ignore_ascii_case(member_email) => {
            format!("{member_email} ({crm_user_id})")
        }
        Some(email) => format!("{member_email} (connected as {email}, {crm_user_id})"),
        None => format!("{member_email} ({crm_user_id})"),
    }
}

/// A CRM user as the team's directory names them ("Name <email> (id)"), else as "email (id)"
/// where a team-held connection or a member names its email, else the id alone.
fn crm_user(copy: &TeamCopy, directory: &[crm::CrmUser], id: &str) -> String {
    if let Some(user) = directory.iter().find(|u| u.id == id) {
        return crm_user_label(user);
    }
    match known_email(copy, id) {
        Some(email) => format!("{email} ({id})"),
        None => id.to_owned(),
    }
}

fn known_email<'a>(copy: &'a TeamCopy, crm_user_id: &str) -> Option<&'a str> {
    copy.connections
        .iter()
        .find(|c| c.crm_user_id == crm_user_id)
        .map(|c| c.crm_email.as_str())
        .or_else(|| {
            copy.members
                .iter()
                .find(|m: &&Member| m.crm_user_id.as_deref() == Some(crm_user_id))
                .map(|m| m.email.as_str())
        })
}
