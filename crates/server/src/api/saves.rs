//! `POST /api/saves`: a save the team's connection pushes, decided again by the server.
//!
//! The body is the save (`save_id`, `source`, `push`, `prospects`, optional `activity` and
//! `page_url`). The actor is always the session's member: a body that names another actor is
//! refused and nothing is recorded. The server decides with `attribution::decide` from its own
//! copy of the team (never the browser's decision), then offers the save to the ledger: the
//! first offer of a save id is recorded with its decision; every repeat (concurrent or later)
//! is answered with the stored outcome and never recorded again.
//!
//! **Not yet pushed.** Pushing to the CRM needs the native save engine (the `engine` crate,
//! not merged yet). Until it lands, an accepted save is stored with status `queued` and its
//! decision, and the answer says so (`"pushed": false`). The engine will pick queued saves
//! from the ledger, push them with the team's token and store the outcome (created or
//! linked, Owner, Created By) in the same row, which repeats then answer.

use axum::extract::State;
use axum::http::{HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::app::{now, AppState};
use crate::crypto::token_hash;
use crate::error::{ApiError, Json};
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
/// The status of a save accepted and waiting for the push engine.
const QUEUED: &str = "queued";

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
    // A save id the ledger knows is answered from it, whatever the team looks like now.
    if let Some(entry) = state.store.save_entry(&member.team_id, &save_id).await? {
        return answer(entry, &request_hash, &member.team_id, &member.id, &save_id);
    }
    let copy = TeamCopy::load(&state, &member.team_id).await?;
    // The push settings say whether people become contacts or leads (same wire names).
    let record = serde_json::to_value(copy.push_settings().record_kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "contact".to_owned());
    let crm = copy.team.crm.as_str();
    let decide = |record: &str| {
        decide_save(
            &copy,
            crm,
            request.source.as_str(),
            record,
            request.push.as_str(),
            &member.id,
        )
    };
    let now = now();
    let decision = match decide(&record) {
        Ok(decision) => decision,
        Err(error) => {
            return Err(refuse(&state, &member.team_id, &member.id, &save_id, error, now).await)
        }
    };
    let activity_decision = match &request.activity {
        Some(_) => match decide("activity") {
            Ok(decision) => Some(decision),
            Err(error) => {
                return Err(refuse(&state, &member.team_id, &member.id, &save_id, error, now).await)
            }
        },
        None => None,
    };
    for d in std::iter::once(&decision).chain(activity_decision.as_ref()) {
        check_held_by_team(&copy, d)?;
    }

    let outcome = json!({
        "save_id": save_id,
        "status": QUEUED,
        "pushed": false,
        "message": "accepted: the server pushes it to the CRM with the team's connection",
        "actor": member.id,
        "source": request.source.as_str(),
        "push": request.push.as_str(),
        "record": record,
        "prospects": request.prospects.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        "rejected": request.rejected,
        "decision": decision,
        "activity_decision": activity_decision,
    });
    let journal_line = format!(
        "{} saved {} prospect(s) from {}; queued for the team's connection",
        member.email,
        request.prospects.len(),
        request.source.as_str()
    );
    let entry = state
        .store
        .record_save(
            &member.team_id,
            &save_id,
            &member.id,
            &request_hash,
            QUEUED,
            &outcome.to_string(),
            &journal_line,
            now,
        )
        .await?;
    answer(entry, &request_hash, &member.team_id, &member.id, &save_id)
}

/// The ledger's outcome as the answer: 202 with the stored outcome, marked
/// `leadline-replayed: true` when this request did not record it; 409 when the save id was
/// recorded for a different save.
fn answer(
    entry: LedgerEntry,
    request_hash: &str,
    team_id: &str,
    member_id: &str,
    save_id: &str,
) -> Result<Response, ApiError> {
    if entry.request_hash != request_hash {
        return Err(ApiError::conflict(
            "save_id_reused",
            "this save id was already used for a different save; give each save its own id",
        ));
    }
    let stored: Value = serde_json::from_str(&entry.outcome).map_err(ApiError::internal)?;
    let mut response = (StatusCode::ACCEPTED, Json(stored)).into_response();
    if entry.recorded {
        tracing::info!(team = %team_id, member = %member_id, save_id = %save_id, "save queued");
    } else {
        response.headers_mut().insert(
            REPLAYED_HEADER,
            axum::http::HeaderValue::from_static("true"),
        );
    }
    Ok(response)
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

/// `attribution::decide` on the server's copy of the team.
fn decide_save(
    copy: &TeamCopy,
    crm: &str,
    source: &str,
    record: &str,
    push: &str,
    actor: &str,
) -> Result<Value, attribution::AttributionError> {
    let input = attribution::parse_decision_input(&json!({
        "crm": crm,
        "source": source,
        "record": record,
        "push": push,
        "actor": actor,
        "team": copy.state_json(),
    }))?;
    attribution::decide(&input).map(|d| d.to_json())
}

/// Spec rule 11 on the server: it pushes only with connections the team holds.
fn check_held_by_team(copy: &TeamCopy, decision: &Value) -> Result<(), ApiError> {
    let user = decision["credential"]["user"].as_str().unwrap_or_default();
    if copy.connection_of(user).is_some() {
        return Ok(());
    }
    Err(ApiError::conflict(
        "not_held_by_team",
        "this save goes through a connection the team server does not hold: save it from your browser",
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
