//! `POST /api/saves`: a save the team's connection pushes, decided again by the server.
//!
//! The body is the save (`save_id`, `source`, `push`, `prospects`, optional `activity` and
//! `page_url`). The actor is always the session's member: a body that names another actor is
//! refused and nothing is recorded. The server decides with `attribution::decide` from its own
//! copy of the team (never the browser's decision), then offers the save to the ledger: the
//! first offer of a save id is recorded with its decision; every repeat (concurrent or later)
//! is answered with the stored outcome and never recorded again.
//!
//! **The push.** The core plans the save (`saves::plan_save`, the pushing connection in the
//! team sync role; the plan must agree with the server's decision), and the ledger row is
//! recorded together with the plan's outbox entries. The first request then pushes it with
//! the engine (`crate::push`) and answers the ledger row once the CRM answered: `200` with
//! `status: "pushed"` and one result per prospect (created or linked, record id and link,
//! Owner, Created By, reasons), or `202` with the status it waits in (`waiting`,
//! `reconnect_needed`, `blocked`; see `push::ledger`), the push going on in the background.
//! A server without a CRM app configured keeps accepted saves `queued` (`"pushed": false`).
//! Concurrent duplicates wait for the first one's outcome and answer it.
//!
//! **Rule 11.** A decision whose credential is not a connection the team holds (the rep's
//! own browser-held connection) is refused with `not_held_by_team`: that save goes from the
//! browser, and nothing is recorded or pushed.

use axum::extract::State;
use axum::http::{HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::app::{now, AppState};
use crate::crypto::token_hash;
use crate::error::{ApiError, Json};
use crate::push::{self, ledger, team_store::outbox_rows};
use crate::store::LedgerEntry;

use super::team::TeamCopy;
use super::SignedIn;

/// The fields a save body may carry.
const SAVE_FIELDS: &[&str] = &[
    "save_id",
    "source",
    "push",
    "prospects",
    "activity",
    "page_url",
];
/// Fields that would name an actor: the actor is the session's member, never the body's.
const ACTOR_FIELDS: &[&str] = &["actor", "actor_id", "app_user", "user", "user_id"];
/// Set on an answer that repeats a stored outcome.
pub const REPLAYED_HEADER: HeaderName = HeaderName::from_static("leadline-replayed");

/// `POST /api/saves`.
pub async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Json(body): Json<Value>,
) -> Result<Response, ApiError> {
    let member = &signed_in.member;
    let body = check_body(body, &member.id)?;
    let save_id = save_id(&body)?;
    // The hash binds the save id to this exact save by this actor.
    let request_hash = token_hash(&format!("{}\n{}", member.id, Value::Object(body.clone())));

    let request = parse_save(&body)?;
    // The ledger row, the team and its sealed connections, in one read.
    let snapshot = state
        .store
        .save_snapshot(&member.team_id, &save_id)
        .await?
        .ok_or_else(|| {
            ApiError::internal(format_args!("team {} of a session is gone", member.team_id))
        })?;
    // A save id the ledger knows is answered from it, whatever the team looks like now.
    if let Some(entry) = snapshot.ledger {
        return answer(
            &state,
            entry,
            &request_hash,
            &member.team_id,
            &save_id,
            None,
        )
        .await;
    }
    let sealed = snapshot.sealed;
    let copy = TeamCopy::new(
        snapshot.team,
        snapshot.members,
        snapshot.connections,
        snapshot.crm_signed_in,
    );
    // The push settings say whether people become contacts or leads (same wire names).
    let record = copy.record_kind();
    let decide = |record: &str| {
        copy.decide(
            request.source.as_str(),
            record,
            request.push.as_str(),
            &member.id,
        )
    };
    let now = now();
    let decided = match decide(&record) {
        Ok(decision) => decision,
        Err(error) => {
            return Err(refuse(&state, &member.team_id, &member.id, &save_id, error, now).await)
        }
    };
    let activity_decided = match &request.activity {
        Some(_) => match decide("activity") {
            Ok(decision) => Some(decision),
            Err(error) => {
                return Err(refuse(&state, &member.team_id, &member.id, &save_id, error, now).await)
            }
        },
        None => None,
    };
    let decision = decided.to_json();
    let activity_decision = activity_decided
        .as_ref()
        .map(attribution::Decision::to_json);
    for d in std::iter::once(&decision).chain(activity_decision.as_ref()) {
        check_held_by_team(&copy, d)?;
    }

    // The core plans what to send, from the pushing connection's point of view: the
    // decision's credential (a team-held connection, checked above) in the team sync role.
    let user = decision["credential"]["user"].as_str().unwrap_or_default();
    let connection = copy
        .connection_of(user)
        .and_then(|c| sealed.into_iter().find(|s| s.id == c.id))
        .ok_or_else(|| {
            ApiError::conflict(
                "not_held_by_team",
                "the connection chosen for this save is no longer held by the team; try again",
            )
        })?;
    let mut local = push::team_local(
        copy.team.crm,
        state.pusher.app(),
        &copy.team.push_settings,
        &connection,
        Some(&member.email),
    );
    // The directory names the owner and Created By in the results.
    local.crm_users = copy.crm_users().to_vec();
    // "Update in CRM" writes onto the record the server reads itself (its id, job and owner),
    // never one the browser names; nothing is recorded until that read finished.
    let known = if request.source == saves::PageSource::JobChange {
        if connection.needs_reconnect {
            let crm = copy.team.crm;
            let refusal = state
                .pusher
                .refusal(&state, &member.team_id, &connection.id, crm)
                .await
                .map_err(ApiError::internal)?;
            return Ok(not_read_yet(refusal));
        }
        let prospects = body.get("prospects").cloned().unwrap_or(Value::Null);
        match state
            .pusher
            .known_records(&state, &copy.team, &connection, &prospects)
            .await
            .map_err(ApiError::internal)?
        {
            Ok(known) => known,
            Err(reason) => {
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "crm_lookup_failed",
                    format!(
                        "the CRM record to update could not be read yet ({}: {}); send the save again later",
                        reason.code, reason.message
                    ),
                ))
            }
        }
    } else {
        saves::KnownRecords::new()
    };
    // Planned with the server's own decisions: the owner, reasons and warnings (rule 6's
    // `owner_inactive` among them) are what it decided from the whole team.
    let mut plan = saves::plan_save_as_decided(
        &local,
        &request,
        &save_id,
        &known,
        &decided,
        activity_decided.as_ref(),
    );
    saves::plan::date_entries(&mut plan.entries, engine::clock::system_now_ms());
    check_plan(&plan, &decision)?;
    let status = if !state.pusher.pushes(copy.team.crm) {
        ledger::QUEUED
    } else if plan.entries.is_empty() {
        ledger::PUSHED // nothing to send: every prospect is linked or refused already
    } else {
        ledger::PUSHING
    };
    let mut outcome = json!({
        "save_id": save_id,
        "actor": member.id,
        "source": request.source.as_str(),
        "push": request.push.as_str(),
        "record": record,
        "prospects": request.prospects.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        "rejected": request.rejected,
        "decision": decision,
        "activity_decision": activity_decision,
        "results": plan.results,
    });
    ledger::set_status(&mut outcome, status, None);
    let names: Vec<&str> = request.prospects.iter().map(|p| p.name.as_str()).collect();
    let journal_line = format!(
        "{} saved {} from {}; {} with the team's connection",
        member.email,
        ledger::listed(&names),
        request.source.as_str(),
        if status == ledger::QUEUED {
            "queued"
        } else {
            "pushed"
        }
    );
    // A queued save keeps its outbox entries too: a server configured later pushes them.
    let rows = outbox_rows(&plan.entries, &connection.id).map_err(ApiError::internal)?;
    let entry = state
        .store
        .record_save_with_outbox(
            &member.team_id,
            &save_id,
            &member.id,
            &request_hash,
            status,
            &outcome.to_string(),
            &journal_line,
            &rows,
            (status == ledger::PUSHING).then(|| state.pusher.lease_from_now()),
            now,
        )
        .await?;
    // The ledger row as the push left it, when it finished in time.
    let mut pushed = None;
    if entry.recorded {
        tracing::info!(team = %member.team_id, member = %member.id, save_id = %save_id, status, "save accepted");
        if status == ledger::PUSHING {
            let push = state.pusher.push_save(
                &state,
                copy.team.clone(),
                connection,
                &save_id,
                plan.entries,
            );
            let within = state.pusher.config().answer_within;
            match tokio::time::timeout(within, push).await {
                Ok(Ok(Ok(done))) => pushed = done.ledger,
                Err(_) => {}
                Ok(Ok(Err(e))) => {
                    tracing::warn!(save_id = %save_id, error = %e, "the push stopped; the save stays in the outbox")
                }
                Ok(Err(e)) => {
                    tracing::warn!(save_id = %save_id, error = %e, "the push task failed; the save stays in the outbox")
                }
            }
        }
    }
    answer(
        &state,
        entry,
        &request_hash,
        &member.team_id,
        &save_id,
        pushed,
    )
    .await
}

/// The answer from the ledger: the stored outcome once it is answered (waiting up to the
/// push settings' `answer_within` for a push under way, e.g. a concurrent duplicate's), 200
/// when pushed, 202 when kept for later, marked `leadline-replayed: true` when this request
/// did not record the save; 409 when the save id was recorded for a different save.
/// `pushed`: the row's status and outcome as this request's push last wrote them, answered
/// without reading the row again when the status is final.
async fn answer(
    state: &AppState,
    entry: LedgerEntry,
    request_hash: &str,
    team_id: &str,
    save_id: &str,
    pushed: Option<push::team_store::LedgerRow>,
) -> Result<Response, ApiError> {
    if entry.request_hash != request_hash {
        return Err(ApiError::conflict(
            "save_id_reused",
            "this save id was already used for a different save; give each save its own id",
        ));
    }
    let deadline = tokio::time::Instant::now() + state.pusher.config().answer_within;
    let (status, outcome) = match pushed.filter(|(status, _)| ledger::answered(status)) {
        Some(row) => row,
        None => loop {
            let (status, outcome) = state
                .store
                .save_outcome(team_id, save_id)
                .await?
                .ok_or_else(|| {
                    ApiError::internal(format_args!("the ledger lost save {save_id}"))
                })?;
            if ledger::answered(&status) || tokio::time::Instant::now() >= deadline {
                break (status, outcome);
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        },
    };
    let stored: Value = serde_json::from_str(&outcome).map_err(ApiError::internal)?;
    let code = if status == ledger::PUSHED {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    let mut response = (code, Json(stored)).into_response();
    if !entry.recorded {
        response.headers_mut().insert(
            REPLAYED_HEADER,
            axum::http::HeaderValue::from_static("true"),
        );
    }
    Ok(response)
}

/// A job change the team's connection cannot read the record for, because the CRM refused
/// that connection: `202` with the ledger's words for it (`reconnect_needed`), nothing
/// recorded; the browser keeps the save and sends it again.
fn not_read_yet(refusal: saves::ErrorInfo) -> Response {
    let mut outcome = json!({});
    ledger::set_status(&mut outcome, ledger::RECONNECT_NEEDED, Some(&refusal));
    (StatusCode::ACCEPTED, Json(outcome)).into_response()
}

/// The core's plan must say what the server decided: the same Created By and Owner for
/// every entry (an update keeps its record's owner), pushed by the connection in the team
/// sync role. A difference would be a bug in planning with the server's decision; the save is
/// refused and nothing is recorded.
fn check_plan(plan: &saves::SavePlan, decision: &Value) -> Result<(), ApiError> {
    let created_by = decision["created_by"].as_str();
    let owner = decision["owner"].as_str();
    for entry in &plan.entries {
        let same = entry.role == saves::Role::TeamSync
            && entry.created_by.id.as_deref() == created_by
            && (entry.job_update.is_some() || entry.owner.id.as_deref() == owner);
        if !same {
            return Err(ApiError::internal(format_args!(
                "the save plan ({:?} by {:?}, owner {:?}) differs from the server's decision ({created_by:?}, owner {owner:?})",
                entry.role, entry.created_by.id, entry.owner.id
            )));
        }
    }
    Ok(())
}

/// Refuses fields that name an actor other than the session's member, and unknown fields.
fn check_body(body: Value, member_id: &str) -> Result<Map<String, Value>, ApiError> {
    let Value::Object(mut body) = body else {
        return Err(ApiError::bad_request(
            "invalid_body",
            "the save must be a JSON object",
        ));
    };
    for field in ACTOR_FIELDS {
        if let Some(named) = body.remove(*field) {
            if named.as_str() != Some(member_id) {
                return Err(ApiError::bad_request(
                    "actor_mismatch",
                    "a save is always made by the signed-in member; the body may not name another actor",
                ));
            }
        }
    }
    if let Some(unknown) = body.keys().find(|k| !SAVE_FIELDS.contains(&k.as_str())) {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!(
                "unknown field `{unknown}` in the save (expected {})",
                SAVE_FIELDS.join(", ")
            ),
        ));
    }
    Ok(body)
}

/// The save id: the idempotency key, 8 to 128 characters of `A-Z a-z 0-9 - _ . :`.
fn save_id(body: &Map<String, Value>) -> Result<String, ApiError> {
    let id = body
        .get("save_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let ok = (8..=128).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
    if !ok {
        return Err(ApiError::bad_request(
            "invalid_save_id",
            "`save_id` must be 8 to 128 characters of letters, digits, - _ . : (one per save, reused on retry)",
        ));
    }
    Ok(id.to_owned())
}

/// Reads the save with the same parser as the extension's messages (`saves` crate).
fn parse_save(body: &Map<String, Value>) -> Result<saves::SaveRequest, ApiError> {
    let mut message = body.clone();
    message.remove("save_id");
    message.insert("kind".into(), Value::from("save"));
    match saves::parse_content_message(&Value::Object(message)) {
        Ok(saves::ContentToWorker::Save(request)) => Ok(request),
        Ok(_) => Err(ApiError::bad_request(
            "invalid_save",
            "the body is not a save",
        )),
        Err(error) => Err(ApiError::bad_request("invalid_save", error.to_string())),
    }
}

/// Spec rule 11 on the server: it pushes only with connections the team holds.
fn check_held_by_team(copy: &TeamCopy, decision: &Value) -> Result<(), ApiError> {
    let user = decision["credential"]["user"].as_str().unwrap_or_default();
    if copy.connection_of(user).is_some() {
        return Ok(());
    }
    Err(ApiError::conflict(
        "not_held_by_team",
        "this save is pushed with a connection held only in your own browser (rule 11, held: own_browser): the team server does not hold it and pushes nothing; the extension saves it from your browser",
    ))
}

/// A save the rules refuse (e.g. `no_credentials`): nothing is recorded in the ledger (a
/// retry after the admin fixes the team goes through); the error log keeps a line.
async fn refuse(
    state: &AppState,
    team_id: &str,
    member_id: &str,
    save_id: &str,
    error: attribution::AttributionError,
    now: i64,
) -> ApiError {
    let code = error.code().as_str();
    let message = error.to_string();
    if let Err(e) = state
        .store
        .journal_add(
            team_id,
            now,
            "error",
            Some(member_id),
            Some(save_id),
            code,
            &message,
        )
        .await
    {
        return e.into();
    }
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, static_code(code), message)
}

/// The attribution error codes as `'static` (they are a closed set).
fn static_code(code: &str) -> &'static str {
    attribution::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .find(|c| *c == code)
        .unwrap_or("invalid_input")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::{Connection, Member, Role, Team};

    fn copy() -> TeamCopy {
        let member = |id: &str, role| Member {
            id: id.into(),
            team_id: "t".into(),
            email: format!("{id}@acme.example"),
            role,
            crm_user_id: None,
            owner_mapping: None,
            created_at: 0,
        };
        TeamCopy::new(
            Team {
                id: "t".into(),
                name: "Acme".into(),
                crm: saves::CrmKind::Salesforce,
                wrapped_data_key: vec![],
                team_sync_member: Some("m_admin".into()),
                push_settings: "{}".into(),
                crm_users: "[]".into(),
            },
            vec![member("m_admin", Role::Admin), member("m_rep", Role::Rep)],
            vec![Connection {
                id: "c_1".into(),
                member_id: "m_admin".into(),
                crm_user_id: "005A".into(),
                crm_email: "admin@acme.example".into(),
                permission: "admin".into(),
                instance_url: None,
                needs_reconnect: false,
                last_refresh_at: None,
                last_push_at: None,
                has_client_secret: false,
                credential: None,
                updated_at: 0,
            }],
            vec![],
        )
    }

    #[test]
    fn a_decision_for_a_browser_held_connection_is_refused_with_a_clear_error() {
        let team_held = json!({"credential": {"kind": "team_sync", "user": "m_admin"}});
        assert!(check_held_by_team(&copy(), &team_held).is_ok());
        // The rep's own connection, held only in the rep's browser (rule 11).
        let own = json!({"credential": {"kind": "personal", "user": "m_rep"}});
        let refused = check_held_by_team(&copy(), &own).unwrap_err();
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert_eq!(refused.code, "not_held_by_team");
        assert!(
            refused.message.contains("own browser"),
            "{}",
            refused.message
        );
    }
}
