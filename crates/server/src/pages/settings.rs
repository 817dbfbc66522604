//! Push settings: the record kind new people are saved as, Account matching by company, and
//! whether Gmail offers "Log this email" — the team's `saves::Settings`, the same value
//! `PUT /api/admin/push-settings` stores.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use crate::api::admin::save_push_settings;
use crate::api::team::TeamCopy;
use crate::app::AppState;
use crate::error::ApiError;

use super::auth::{error_page, see_other, AdminForm, PageAdmin};
use super::layout::{Done, Notice, Page, Tab};

/// `GET /admin/settings`.
pub async fn show(
    State(state): State<AppState>,
    admin: PageAdmin,
    Query(q): Query<Done>,
) -> Response {
    let notice = (q.done.as_deref() == Some("saved")).then(|| Notice::Done("Push settings saved; reps' extensions pick them up with the team snapshot (within 15 minutes).".into()));
    render(&state, &admin, notice, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    admin: &PageAdmin,
    notice: Option<Notice>,
    status: StatusCode,
) -> Response {
    let copy = match TeamCopy::load(state, &admin.member.team_id).await {
        Ok(copy) => copy,
        Err(error) => return error_page(&error),
    };
    let settings = serde_json::to_value(copy.push_settings()).unwrap_or_default();
    let kind = settings["record_kind"].as_str().unwrap_or("contact");
    let checked = |on: bool| if on { " checked" } else { "" };
    let selected = |k: &str| if kind == k { " selected" } else { "" };
    let body = format!(
        "<section><form method=\"post\" action=\"/admin/settings\">{csrf}\
         <label for=\"record_kind\">Save new people as</label>\
         <select id=\"record_kind\" name=\"record_kind\" data-testid=\"record-kind\">\
         <option value=\"contact\"{c}>Contacts</option><option value=\"lead\"{l}>Leads</option></select>\
         <label><input type=\"checkbox\" name=\"match_account\" value=\"on\" data-testid=\"match-account\"{ma}> \
         Match or create the Account by company name (Contacts)</label>\
         <label><input type=\"checkbox\" name=\"log_emails\" value=\"on\" data-testid=\"log-emails\"{le}> \
         Offer “Log this email” in Gmail</label>\
         <p><button type=\"submit\" data-testid=\"save-settings\">Save push settings</button></p></form></section>",
        csrf = admin.csrf_field(),
        c = selected("contact"),
        l = selected("lead"),
        ma = checked(settings["match_account"].as_bool().unwrap_or(false)),
        le = checked(settings["log_emails"].as_bool().unwrap_or(true)),
    );
    Page {
        title: "Push settings",
        nav: Some((admin, Tab::Settings)),
        team: Some(&copy.team.name),
        notice,
        body,
        form_target: None,
    }
    .respond(status)
}

/// The settings form (an unchecked box is absent).
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    record_kind: String,
    match_account: Option<String>,
    log_emails: Option<String>,
}

/// `POST /admin/settings`: stores the push settings, read by the same `saves::Settings`
/// parser as the API.
pub async fn save(
    State(state): State<AppState>,
    AdminForm(admin, form): AdminForm<SettingsForm>,
) -> Response {
    let parsed = serde_json::from_value::<saves::Settings>(json!({
        "record_kind": form.record_kind,
        "match_account": form.match_account.is_some(),
        "log_emails": form.log_emails.is_some(),
    }))
    .map_err(|_| ApiError::bad_request("invalid_body", "save new people as Contacts or Leads"));
    let result = match parsed {
        Ok(settings) => save_push_settings(&state, &admin.member, &settings).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => see_other("/admin/settings?done=saved"),
        Err(error) => {
            render(
                &state,
                &admin,
                Some(Notice::Failed(error.message)),
                error.status,
            )
            .await
        }
    }
}
